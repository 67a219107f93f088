"""Server-side sessions: the cookie holds a random identifier, the database its hash.

Stored server-side so that logging out, or changing the password, really ends a session
in every worker process.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlite_utils import Database

from . import clock


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(db: Database, account_id: int) -> str:
    token = secrets.token_urlsafe(32)
    now = clock.stamp()
    db.execute(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at)"
        " VALUES (?, ?, ?, ?)",
        [_hash(token), account_id, now, now],
    )
    return token


def account_of(db: Database, token: str, idle: timedelta) -> int | None:
    """The account of a live session, refreshing its last use; None when ended or idle."""
    row = db.execute(
        "SELECT account_id, last_seen_at FROM sessions WHERE token_hash = ?", [_hash(token)]
    ).fetchone()
    if row is None:
        return None
    account_id, last_seen = row
    now = clock.now()
    if now - clock.parse(last_seen) > idle:
        db.execute("DELETE FROM sessions WHERE token_hash = ?", [_hash(token)])
        return None
    if now - clock.parse(last_seen) > timedelta(minutes=1):  # spare a write per request
        db.execute(
            "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
            [clock.stamp(now), _hash(token)],
        )
    return account_id


def close(db: Database, token: str) -> None:
    db.execute("DELETE FROM sessions WHERE token_hash = ?", [_hash(token)])


def close_others(db: Database, account_id: int, keep: str | None = None) -> None:
    """End every session of the account but ``keep`` (after a password change)."""
    db.execute(
        "DELETE FROM sessions WHERE account_id = ? AND token_hash != ?",
        [account_id, _hash(keep) if keep else ""],
    )
