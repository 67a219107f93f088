"""Signing in and out, « Mot de passe oublié », and an enrolled pupil's first login."""

from __future__ import annotations

from dataclasses import dataclass

from worker import mail
from worker.candidate.actions.accounts import PasswordChanged, ValidLink, read_link, send_activation
from worker.candidate.actions.outcomes import DeadLink, LinkFor, WrongPassword
from worker.rules import passwords, tokens
from worker.store import accounts, db, sessions, throttle
from worker.store.accounts import Account
from worker.store.db import Database


@dataclass(frozen=True)
class Throttled:
    """Too many failures for this identifier, address or account: wait ``seconds``."""

    seconds: int


@dataclass(frozen=True)
class WrongCredentials:
    """Unknown identifier or wrong password: one answer for both."""


@dataclass(frozen=True)
class NotActivated:
    """The password is right but the activation link was never followed."""


@dataclass(frozen=True)
class LoggedIn:
    """A new server-side session ``session_id`` for the account."""

    account: Account
    session_id: str


@dataclass(frozen=True)
class EmailTaken:
    """The address a pupil chose is another account's."""


@dataclass(frozen=True)
class EmailSet:
    account: Account


@dataclass(frozen=True)
class SameAsSlip:
    """The pupil typed the login slip's password again as their own."""


def log_in(
    database: Database, login: str, password: str, client_address: str
) -> LoggedIn | Throttled | WrongCredentials | NotActivated:
    """A session for the account of ``login`` (email, candidate number or pupil's login)."""
    account = accounts.by_login(database, login)
    failure_keys = throttle.keys(login, client_address, account.id if account else None)
    wait = throttle.wait_seconds(database, failure_keys)
    if wait:
        return Throttled(wait)
    # Verified even without an account, so that the answer takes the same time.
    if not passwords.verify(account.password_hash if account else None, password):
        with db.transaction(database):
            throttle.record_failure(database, *failure_keys)
        return WrongCredentials()
    if not account.active:
        return NotActivated()
    with db.transaction(database):
        throttle.forget(database, failure_keys)
        session_id = sessions.open_session(database, account.id)
    return LoggedIn(account, session_id)


def log_out(database: Database, session_id: str | None) -> None:
    if session_id:
        with db.transaction(database):
            sessions.close(database, session_id)


# -- Mot de passe oublié -------------------------------------------------------------------


def request_reset(
    database: Database, login: str, reset_link_for: LinkFor, activation_link_for: LinkFor
) -> None:
    """A reset link for an active account; the activation link again for a pending one.

    Nothing tells the caller which (no account enumeration).
    """
    with db.transaction(database):
        account = accounts.by_login(database, login)
        if account is not None and account.active and account.email:  # pupils may have none
            accounts.bump_links_epoch(database, account.id)  # older reset links die
            account = accounts.by_id(database, account.id)
            token = tokens.make(tokens.Purpose.RESET, account.id, tokens.reset_state(account))
            mail.queue(
                database,
                "reinitialisation",
                account.email,
                account.id,
                account=account,
                link=reset_link_for(token),
            )
        elif account is not None:
            send_activation(database, account, activation_link_for)


def check_reset_link(database: Database, token: str) -> ValidLink | DeadLink:
    read = read_link(tokens.Purpose.RESET, token)
    if isinstance(read, DeadLink):
        return read
    account_id, state = read
    account = accounts.by_id(database, account_id)
    if account is None or state != tokens.reset_state(account):
        return DeadLink(410)
    return ValidLink(account, state)


def reset_password(database: Database, token: str, new_password: str) -> PasswordChanged | DeadLink:
    """The new password; every session closed; the link and its siblings die."""
    checked = check_reset_link(database, token)
    if isinstance(checked, DeadLink):
        return checked
    password_hash = passwords.hash_password(new_password)
    with db.transaction(database):
        accounts.lock(database, checked.account.id)  # the link used twice at once
        account = accounts.by_id(database, checked.account.id)
        if account is None or checked.state != tokens.reset_state(account):  # used in a tab
            return DeadLink(410)
        accounts.set_password(database, account.id, password_hash)
        sessions.close_others(database, account.id)
        mail.queue(database, "mot_de_passe_modifie", account.email, account.id, account=account)
    return PasswordChanged(account)


# -- first login of an enrolled pupil (login slip with a one-time password) ---------------


def set_first_email(
    database: Database, account: Account, slip_password: str, email: str
) -> EmailSet | WrongPassword | EmailTaken:
    """Step 1: the pupil's own address, confirmed by the slip's password."""
    if not passwords.verify(account.password_hash, slip_password):
        return WrongPassword()
    try:
        with db.transaction(database):
            updated = accounts.set_first_email(database, account.id, email)
    except accounts.EmailTaken:
        return EmailTaken()
    return EmailSet(updated)


def set_own_password(
    database: Database, account: Account, new_password: str, keep_session: str | None
) -> PasswordChanged | SameAsSlip:
    """Step 2: a password of one's own; the slip's one stops working, other sessions close."""
    if passwords.verify(account.password_hash, new_password):
        return SameAsSlip()
    password_hash = passwords.hash_password(new_password)
    with db.transaction(database):
        updated = accounts.finish_first_login(database, account.id, password_hash)
        sessions.close_others(database, account.id, keep=keep_session)
    return PasswordChanged(updated)
