"""Candidate accounts: the data layer (SQL lives here, views call these functions).

Every function that writes expects to run inside ``db.transaction()``, so that one user
action is one transaction.
"""

from __future__ import annotations

import contextlib
import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

import idna

from worker import clock
from worker.store import search_keys, sessions
from worker.store.db import Database

IDENTITY_FIELDS = (
    "civility",
    "last_name",
    "usual_name",
    "first_names",
    "birth_date",
    "birth_country",
    "birth_departement",
    "birth_commune",
    "birth_commune_name",
)


class EmailTaken(Exception):
    """Another account already uses this address."""


class HasApplications(Exception):
    """The account is attached to at least one application."""


def display_name(last_name: str | None, first_names: str | None) -> str:
    """« DUBOIS Pierre »: family name in capitals, as on official documents."""
    return f"{(last_name or '').upper()} {first_names or ''}".strip()


@dataclass(frozen=True)
class Account:
    id: int
    email: str
    email_key: str
    pending_email: str | None
    password_hash: str
    status: str
    candidate_number: str | None
    civility: str
    last_name: str
    usual_name: str
    first_names: str
    birth_date: str
    birth_country: str
    birth_departement: str
    birth_commune: str
    birth_commune_name: str
    created_at: str
    activated_at: str | None
    updated_at: str
    kind: str = "individual"  # individual | pupil (registered by their school)
    login: str | None = None  # pupils: nom.prenomN, printed on their login slip
    must_change_password: int = 0  # 1: the first-login flow comes before anything else
    links_epoch: int = 0  # goes up on login, password or email change, reset/email links

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def display_name(self) -> str:
        return display_name(self.last_name, self.first_names)

    @property
    def birth_day(self) -> date:
        return date.fromisoformat(self.birth_date)


COLUMNS = ", ".join(f.name for f in fields(Account))
OWNER = ("accounts", [f.name for f in fields(Account)])  # sessions.account_of's owner


def normalize_email(text: str) -> tuple[str, str]:
    """(address as stored, comparison key): trimmed, NFC; the key is lower-cased and its
    domain folded with IDNA, so that « exämple.fr » and « xn--exmple-cua.fr » are one
    mailbox (one account)."""
    email = unicodedata.normalize("NFC", text.strip())
    local, at, domain = email.rpartition("@")
    if not at:
        return email, email.casefold()
    # Not a valid domain: the form refuses it; compare it as typed.
    with contextlib.suppress(idna.IDNAError):
        domain = idna.encode(domain, uts46=True).decode("ascii")
    return email, f"{local.casefold()}@{domain.casefold()}"


def _one(db: Database, where: str, *params) -> Account | None:
    row = db.execute(f"SELECT {COLUMNS} FROM accounts WHERE {where}", params).fetchone()
    return Account(*row) if row else None


def lock(db: Database, account_id: int) -> None:
    """Until the caller's transaction ends, the account's other writers wait (its
    applications' numbering included); see ``applications.lock``."""
    db.lock("accounts", account_id)


def by_id(db: Database, account_id: int) -> Account | None:
    return _one(db, "id = ?", account_id)


def signed_in(db: Database, token: str, idle: timedelta) -> tuple[Account, bool] | None:
    """The account of a live session and whether the session's last use just moved, read
    in one statement with the session (``sessions.account_of``)."""
    live = sessions.account_of(db, token, idle, owner=OWNER)
    return (Account(*live.owner), live.refreshed) if live else None


def by_email(db: Database, email: str) -> Account | None:
    return _one(db, "email_key = ?", normalize_email(email)[1])


def by_login(db: Database, login: str) -> Account | None:
    """The account of an email address, an 11-digit candidate number or a pupil's login."""
    login = login.strip()
    if login.isdigit():
        return _one(db, "candidate_number = ?", login)
    if "@" not in login:
        return _one(db, "login = ?", login.casefold())
    return by_email(db, login)


def create(db: Database, email: str, password_hash: str, identity: dict[str, str]) -> Account:
    """A pending account; EmailTaken when the address is already used."""
    email, key = normalize_email(email)
    if _one(db, "email_key = ?", key) or _one(db, "pending_email = ?", key):
        raise EmailTaken(email)
    now = clock.stamp()
    values = {name: identity.get(name, "") for name in IDENTITY_FIELDS}
    new_id = db.execute(
        f"INSERT INTO accounts (email, email_key, password_hash, status, created_at, updated_at,"
        f" {', '.join(values)}) VALUES (?, ?, ?, 'pending', ?, ?, {', '.join('?' * len(values))})"
        " RETURNING id",
        [email, key, password_hash, now, now, *values.values()],
    ).fetchone()[0]
    return by_id(db, new_id)


def next_candidate_number(db: Database, created: datetime) -> str:
    """« 0 » + two-digit year of account creation + 8-digit sequence, unique.

    Runs inside the caller's BEGIN IMMEDIATE transaction: the counter is read and
    increased under the write lock, so two processes never get the same number.
    """
    year = f"{created.year % 100:02d}"
    (value,) = db.execute(
        "INSERT INTO counters (name, value) VALUES (?, 1) "
        "ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value",
        [f"candidate-{year}"],
    ).fetchone()
    return f"0{year}{value:08d}"


def activate(db: Database, account: Account) -> Account:
    if account.active:  # never spend a number twice
        return account
    number = next_candidate_number(db, clock.parse(account.created_at))
    now = clock.stamp()
    db.execute(
        "UPDATE accounts SET status = 'active', candidate_number = ?, activated_at = ?,"
        " updated_at = ? WHERE id = ? AND status = 'pending'",
        [number, now, now, account.id],
    )
    search_keys.for_account(db, account.id)
    return by_id(db, account.id)


def set_password(db: Database, account_id: int, password_hash: str) -> None:
    db.execute(
        "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?",
        [password_hash, clock.stamp(), account_id],
    )
    bump_links_epoch(db, account_id)


def upgrade_hash(db: Database, account_id: int, old_hash: str, new_hash: str) -> None:
    """The same password, hashed with today's parameters: links stay valid, and a
    password changed meanwhile is not overwritten."""
    db.execute(
        "UPDATE accounts SET password_hash = ? WHERE id = ? AND password_hash = ?",
        [new_hash, account_id, old_hash],
    )


def bump_links_epoch(db: Database, account_id: int) -> None:
    """Pending reset and email-change links of the account die (migration 0010)."""
    db.execute("UPDATE accounts SET links_epoch = links_epoch + 1 WHERE id = ?", [account_id])


def update_identity(db: Database, account_id: int, identity: dict[str, str]) -> None:
    values = {name: identity[name] for name in IDENTITY_FIELDS if name in identity}
    assignments = ", ".join(f"{name} = ?" for name in values)
    db.execute(
        f"UPDATE accounts SET {assignments}, updated_at = ? WHERE id = ?",
        [*values.values(), clock.stamp(), account_id],
    )
    search_keys.for_account(db, account_id)


def request_email_change(db: Database, account_id: int, new_email: str) -> Account:
    email, key = normalize_email(new_email)
    if _one(db, "email_key = ? OR pending_email = ?", key, key):
        raise EmailTaken(email)
    db.execute(
        "UPDATE accounts SET pending_email = ?, updated_at = ? WHERE id = ?",
        [email, clock.stamp(), account_id],
    )
    bump_links_epoch(db, account_id)
    return by_id(db, account_id)


def confirm_email_change(db: Database, account: Account) -> Account:
    """The pending address becomes the identifier (if nobody took it meanwhile)."""
    email, key = normalize_email(account.pending_email or "")
    other = _one(db, "email_key = ? AND id != ?", key, account.id)
    if other:
        raise EmailTaken(email)
    db.execute(
        "UPDATE accounts SET email = ?, email_key = ?, pending_email = NULL, updated_at = ?"
        " WHERE id = ?",
        [email, key, clock.stamp(), account.id],
    )
    search_keys.for_account(db, account.id)
    bump_links_epoch(db, account.id)
    return by_id(db, account.id)


def set_first_email(db: Database, account_id: int, email: str) -> Account:
    """A pupil's own address becomes the account's (EmailTaken when used elsewhere)."""
    email, key = normalize_email(email)
    if _one(db, "(email_key = ? OR pending_email = ?) AND id != ?", key, key, account_id):
        raise EmailTaken(email)
    db.execute(
        "UPDATE accounts SET email = ?, email_key = ?, pending_email = NULL, updated_at = ?"
        " WHERE id = ?",
        [email, key, clock.stamp(), account_id],
    )
    search_keys.for_account(db, account_id)
    bump_links_epoch(db, account_id)
    return by_id(db, account_id)


def finish_first_login(db: Database, account_id: int, password_hash: str) -> Account:
    """A pupil's own password replaces the login slip's one."""
    db.execute(
        "UPDATE accounts SET password_hash = ?, must_change_password = 0, updated_at = ?"
        " WHERE id = ?",
        [password_hash, clock.stamp(), account_id],
    )
    bump_links_epoch(db, account_id)
    return by_id(db, account_id)


def has_application(db: Database, account_id: int) -> bool:
    """Any application, withdrawn ones included (they lock the identity too)."""
    row = db.execute("SELECT 1 FROM applications WHERE account_id = ? LIMIT 1", [account_id])
    return row.fetchone() is not None


def delete(db: Database, account_id: int) -> None:
    if has_application(db, account_id):
        raise HasApplications(account_id)
    db.execute("DELETE FROM accounts WHERE id = ?", [account_id])


def purge_unactivated(db: Database, max_age: timedelta) -> int:
    """Delete the accounts still pending after max_age; returns how many."""
    limit = clock.stamp(clock.now() - max_age)
    cursor = db.execute("DELETE FROM accounts WHERE status = 'pending' AND created_at < ?", [limit])
    return cursor.rowcount


# -- FranceConnect identities (migration 0008) ---------------------------------------------


def by_franceconnect(db: Database, issuer: str, sub: str) -> Account | None:
    """The account created from this FranceConnect identity, if any."""
    return _one(
        db,
        "id = (SELECT account_id FROM franceconnect_identities WHERE issuer = ? AND sub = ?)",
        issuer,
        sub,
    )


def link_franceconnect(db: Database, account_id: int, issuer: str, sub: str) -> None:
    """Attach a FranceConnect identity to the account just created from it."""
    db.execute(
        "INSERT INTO franceconnect_identities (account_id, issuer, sub, created_at)"
        " VALUES (?, ?, ?, ?)",
        [account_id, issuer, sub, clock.stamp()],
    )


def is_franceconnect(db: Database, account_id: int) -> bool:
    """True for an account whose identity came from FranceConnect (and stays locked)."""
    row = db.execute(
        "SELECT 1 FROM franceconnect_identities WHERE account_id = ?", [account_id]
    ).fetchone()
    return row is not None
