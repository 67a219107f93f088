"""Signing in with FranceConnect: the account of the identity, or a new one made from it.

The first sign-in creates the account from the pivot identity. The email FranceConnect
gives becomes the account's identifier, so it is confirmed like every other address of
the portal: the account waits for its activation link (48 hours, single use) before it
can be used. An existing account is never linked to a FranceConnect identity: when the
address already belongs to an account, nothing is created and the candidate is sent to
the usual login. Later sign-ins are matched on the provider's ``sub``, never the email.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import Enum

from flask import url_for

from worker import mail
from worker.rules import passwords, tokens
from worker.rules.franceconnect import Pivot
from worker.store import accounts, db, sessions
from worker.store.db import Database


class Outcome(Enum):
    SIGNED_IN = "signed_in"  # an active account: the session can start
    CREATED = "created"  # a new account, waiting for its activation link
    PENDING = "pending"  # created earlier, still not activated: the link is sent again
    EMAIL_TAKEN = "email_taken"  # another account uses the address: nothing created


@dataclass(frozen=True)
class SignIn:
    outcome: Outcome
    account: accounts.Account | None
    session_id: str | None = None  # SIGNED_IN: the server-side session just opened


def sign_in_or_create(database: Database, issuer: str, pivot: Pivot) -> SignIn:
    """One transaction: find the account of (issuer, sub), or create it from the pivot."""
    # A password nobody knows: the account has no password until « Mot de passe oublié ».
    # Hashed before the transaction, so the write lock is not held during argon2.
    unusable = passwords.hash_password(secrets.token_urlsafe(32))
    with db.transaction(database):
        account = accounts.by_franceconnect(database, issuer, pivot.sub)
        if account is not None and account.active:
            return SignIn(Outcome.SIGNED_IN, account, sessions.open_session(database, account.id))
        if account is not None:
            send_activation(database, account)
            return SignIn(Outcome.PENDING, account)
        try:
            account = accounts.create(database, pivot.email, unusable, pivot.identity)
        except accounts.EmailTaken:
            return SignIn(Outcome.EMAIL_TAKEN, None)
        accounts.link_franceconnect(database, account.id, issuer, pivot.sub)
        send_activation(database, account)
        return SignIn(Outcome.CREATED, account)


def send_activation(database: Database, account: accounts.Account) -> None:
    """The activation mail of the sign-up form, for an account made from FranceConnect."""
    token = tokens.make(tokens.Purpose.ACTIVATE, account.id, tokens.activation_state(account))
    link = mail.base_url() + url_for("signup.activate", token=token)
    mail.queue(database, "activation", account.email, account.id, account=account, link=link)


def set_usual_name(database: Database, account_id: int, usual_name: str) -> bool:
    """The one identity field FranceConnect does not fill; False once an application exists."""
    with db.transaction(database):
        if accounts.has_application(database, account_id):
            return False
        accounts.update_identity(database, account_id, {"usual_name": usual_name})
    return True
