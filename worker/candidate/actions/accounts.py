"""The account: sign-up and activation, identity, address, password, deletion.

Mailed links (activation, address confirmation) are signed tokens whose state dies once
used (``rules.tokens``); the caller passes how to turn a token into a link.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog import Catalog
from catalog.model import Academy
from worker import mail
from worker.candidate.actions.cards import exam_offices
from worker.candidate.actions.outcomes import DeadLink, LinkFor, WrongPassword
from worker.rules import passwords, tokens
from worker.store import accounts, db, sessions
from worker.store.accounts import Account
from worker.store.db import Database


@dataclass(frozen=True)
class SignedUp:
    """The same outcome whether the address was free or not (no account enumeration)."""

    address: str  # as typed, normalised: the page says where the mail went


@dataclass(frozen=True)
class ValidLink:
    """A mailed link still usable by this account, ``state`` being its fingerprint."""

    account: Account
    state: str


@dataclass(frozen=True)
class AlreadyActive:
    """The activation link was used already: the account is active."""


@dataclass(frozen=True)
class Activated:
    account: Account


@dataclass(frozen=True)
class IdentityLocked:
    """An application exists: the civil status is the exam office's to correct."""


@dataclass(frozen=True)
class IdentitySaved:
    pass


@dataclass(frozen=True)
class ConfirmationSent:
    """Said even when the address is taken: no way to test who has an account."""


@dataclass(frozen=True)
class EmailChanged:
    account: Account


@dataclass(frozen=True)
class PasswordChanged:
    account: Account


@dataclass(frozen=True)
class HasApplications:
    """The account cannot be deleted; ``offices``: whom to contact."""

    offices: list[Academy]


@dataclass(frozen=True)
class Deleted:
    pass


def read_link(purpose: tokens.Purpose, token: str) -> tuple[int, str] | DeadLink:
    """(account id, state) of a signed link, or DeadLink (400 if forged, 410 if expired)."""
    try:
        return tokens.read(purpose, token)
    except tokens.TokenError as error:
        return DeadLink(400 if error.reason == "invalid" else 410)


# -- sign-up and activation ----------------------------------------------------------------


def sign_up(
    database: Database, email: str, password: str, identity: dict[str, str], link_for: LinkFor
) -> SignedUp:
    """A pending account and its activation mail; a warning mail when the address is used."""
    # Hash before looking the address up: both answers then take the same time.
    password_hash = passwords.hash_password(password)
    with db.transaction(database):
        try:
            account = accounts.create(database, email, password_hash, identity)
        except accounts.EmailTaken:
            existing = accounts.by_email(database, email)
            mail.queue(
                database, "adresse_deja_utilisee", existing.email, existing.id, account=existing
            )
        else:
            send_activation(database, account, link_for)
    return SignedUp(accounts.normalize_email(email)[0])


def send_activation(database: Database, account: Account, link_for: LinkFor) -> None:
    """The « Activer mon compte » mail, inside the caller's transaction."""
    link = link_for(
        tokens.make(tokens.Purpose.ACTIVATE, account.id, tokens.activation_state(account))
    )
    mail.queue(database, "activation", account.email, account.id, account=account, link=link)


def check_activation(database: Database, token: str) -> ValidLink | AlreadyActive | DeadLink:
    """Whether an activation link may still activate its account (410: expired or unknown)."""
    try:
        account_id, state = tokens.read(tokens.Purpose.ACTIVATE, token)
    except tokens.TokenError as error:
        if error.reason != "expired":
            return DeadLink(400)
        account = accounts.by_id(database, error.account_id) if error.account_id else None
        return _settled(account)
    account = accounts.by_id(database, account_id)
    if account is None or account.active or state != tokens.activation_state(account):
        return _settled(account)
    return ValidLink(account, state)


def _settled(account: Account | None) -> AlreadyActive | DeadLink:
    return AlreadyActive() if account is not None and account.active else DeadLink(410)


def activate(database: Database, token: str) -> Activated | AlreadyActive | DeadLink:
    """The account active, with its candidate number, and the « compte activé » mail."""
    checked = check_activation(database, token)
    if not isinstance(checked, ValidLink):
        return checked
    with db.transaction(database):
        accounts.lock(database, checked.account.id)  # the link opened twice at once
        account = accounts.by_id(database, checked.account.id)
        if account is None or account.active:
            return _settled(account)
        account = accounts.activate(database, account)
        mail.queue(database, "compte_active", account.email, account.id, account=account)
    return Activated(account)


# -- changes to the account ----------------------------------------------------------------


def identity_locked(database: Database, account: Account) -> bool:
    """Any application, withdrawn ones included, locks the civil status."""
    return accounts.has_application(database, account.id)


def change_identity(
    database: Database, account: Account, identity: dict[str, str]
) -> IdentitySaved | IdentityLocked:
    with db.transaction(database):
        accounts.lock(database, account.id)  # an application saved meanwhile waits
        if accounts.has_application(database, account.id):  # registered meanwhile in a tab
            return IdentityLocked()
        accounts.update_identity(database, account.id, identity)
    return IdentitySaved()


def request_email_change(
    database: Database, account: Account, current_password: str, email: str, link_for: LinkFor
) -> ConfirmationSent | WrongPassword:
    """A confirmation mail to the new address; the identifier changes only once confirmed."""
    if not passwords.verify(account.password_hash, current_password):
        return WrongPassword()
    with db.transaction(database):
        try:
            updated = accounts.request_email_change(database, account.id, email)
        except accounts.EmailTaken:
            return ConfirmationSent()
        token = tokens.make(tokens.Purpose.EMAIL, account.id, tokens.email_state(updated))
        mail.queue(
            database,
            "verifier_adresse",
            updated.pending_email,
            account.id,
            account=updated,
            link=link_for(token),
        )
    return ConfirmationSent()


def check_email_link(database: Database, token: str) -> ValidLink | DeadLink:
    read = read_link(tokens.Purpose.EMAIL, token)
    if isinstance(read, DeadLink):
        return read
    account_id, state = read
    account = accounts.by_id(database, account_id)
    if account is None or not account.pending_email or state != tokens.email_state(account):
        return DeadLink(410)
    return ValidLink(account, state)


def confirm_email(database: Database, token: str) -> EmailChanged | DeadLink:
    """The pending address becomes the identifier; a mail warns the old one (409: taken)."""
    checked = check_email_link(database, token)
    if isinstance(checked, DeadLink):
        return checked
    old_address = checked.account.email
    with db.transaction(database):
        try:
            account = accounts.confirm_email_change(database, checked.account)
        except accounts.EmailTaken:
            return DeadLink(409)
        mail.queue(database, "adresse_modifiee", old_address, account.id, account=account)
    return EmailChanged(account)


def change_password(
    database: Database,
    account: Account,
    current_password: str,
    new_password: str,
    keep_session: str | None,
) -> PasswordChanged | WrongPassword:
    """A new password; every other session of the account is closed."""
    if not passwords.verify(account.password_hash, current_password):
        return WrongPassword()
    password_hash = passwords.hash_password(new_password)
    with db.transaction(database):
        accounts.set_password(database, account.id, password_hash)
        sessions.close_others(database, account.id, keep=keep_session)
        mail.queue(database, "mot_de_passe_modifie", account.email, account.id, account=account)
    return PasswordChanged(account)


# -- deletion ------------------------------------------------------------------------------


def deletion_refusal(
    database: Database, catalog: Catalog, account: Account
) -> HasApplications | None:
    """Why the account cannot be deleted (an application, even withdrawn), or None."""
    if accounts.has_application(database, account.id):
        return HasApplications(exam_offices(database, catalog, account.id))
    return None


def delete(
    database: Database, catalog: Catalog, account: Account, session_id: str | None
) -> Deleted | HasApplications:
    """The account, its messages and this session erased."""
    with db.transaction(database):
        try:
            accounts.delete(database, account.id)
        except accounts.HasApplications:
            return HasApplications(exam_offices(database, catalog, account.id))
        if session_id:
            sessions.close(database, session_id)
    return Deleted()
