"""Server-side sessions: the cookie holds a random identifier, the database its hash.

Stored server-side so that logging out, or changing the password, really ends a session
in every worker process.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import NamedTuple

from worker import clock
from worker.store.db import Database

CANDIDATES = ("sessions", "account_id")
STAFF = ("staff_sessions", "staff_id")  # the back office: same rules, its own table
REFRESH = timedelta(minutes=1)  # last use written at most this often: spare a write per request


class Live(NamedTuple):
    """A live session's owner; ``refreshed``: its last use was just moved to now;
    ``owner``: the columns of the owner's row that were asked for."""

    owner_id: int
    refreshed: bool
    owner: tuple = ()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Database, owner_id: int, kind: tuple[str, str] = CANDIDATES) -> str:
    table, owner = kind
    token = secrets.token_urlsafe(32)
    now = clock.stamp()
    db.execute(
        f"INSERT INTO {table} (token_hash, {owner}, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
        [_hash(token), owner_id, now, now],
    )
    if kind == CANDIDATES:  # a login kills pending reset and email-change links
        db.execute("UPDATE accounts SET links_epoch = links_epoch + 1 WHERE id = ?", [owner_id])
    return token


def account_of(
    db: Database,
    token: str,
    idle: timedelta,
    kind: tuple[str, str] = CANDIDATES,
    owner: tuple[str, list[str]] | None = None,
) -> Live | None:
    """The owner of a live session, refreshing its last use; None when ended or idle.
    ``owner``: (its table, columns) to read the owner's row in the same statement."""
    table, owner_column = kind
    joined, columns = "", ""
    if owner:
        joined = f" JOIN {owner[0]} o ON o.id = s.{owner_column}"
        columns = "".join(f", o.{name}" for name in owner[1])
    digest = _hash(token)
    row = db.execute(
        f"SELECT s.{owner_column}, s.last_seen_at{columns} FROM {table} s{joined}"
        " WHERE s.token_hash = ?",
        [digest],
    ).fetchone()
    if row is None:
        return None
    account_id, last_seen, *read = row
    now = clock.now()
    age = now - clock.parse(last_seen)
    if age > idle:
        db.execute(f"DELETE FROM {table} WHERE token_hash = ?", [digest])
        return None
    if age <= REFRESH:
        return Live(account_id, False, tuple(read))
    refresh = f"UPDATE {table} SET last_seen_at = ? WHERE token_hash = ?"
    db.execute(refresh, [clock.stamp(now), digest])
    return Live(account_id, True, tuple(read))


def close(db: Database, token: str, kind: tuple[str, str] = CANDIDATES) -> None:
    db.execute(f"DELETE FROM {kind[0]} WHERE token_hash = ?", [_hash(token)])


def close_others(
    db: Database, owner_id: int, keep: str | None = None, kind: tuple[str, str] = CANDIDATES
) -> None:
    """End every session of the owner but ``keep`` (after a password change)."""
    table, owner = kind
    db.execute(
        f"DELETE FROM {table} WHERE {owner} = ? AND token_hash != ?",
        [owner_id, _hash(keep) if keep else ""],
    )
