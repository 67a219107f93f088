"""Mails: every message the portal sends, kept for « Consulter mes messages » and queued
for SMTP delivery (claimed one at a time under the write lock, retried with a delay)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from worker import clock
from worker.store.db import transaction


@dataclass(frozen=True)
class Due:
    """A mail claimed for one delivery attempt."""

    id: int
    recipient: str
    subject: str
    body: str
    attempts: int


def insert(db: Database, account_id: int | None, recipient: str, subject: str, body: str) -> None:
    """A mail to deliver; without an address (a pupil before the first login) it is only
    kept for « Consulter mes messages », never handed to SMTP."""
    now = clock.stamp()
    sent, error = (None, "") if recipient else (now, "aucune adresse électronique")
    db.execute(
        "INSERT INTO mails (account_id, recipient, subject, body, created_at, next_attempt_at,"
        " sent_at, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [account_id, recipient, subject, body, now, now, sent, error],
    )


def of_account(db: Database, account_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT id, subject, body, created_at FROM mails WHERE account_id = ?"
            " ORDER BY created_at DESC, id DESC",
            [account_id],
        )
    )


def outbox(db: Database, limit: int = 200) -> list[dict]:
    return list(
        db.query(
            "SELECT id, recipient, subject, body, created_at FROM mails ORDER BY id DESC LIMIT ?",
            [limit],
        )
    )


def claim(db: Database, now: datetime, max_attempts: int) -> Due | None:
    """Take the oldest due mail, pushing its next attempt back in case this one fails."""
    with transaction(db):
        row = db.execute(
            "SELECT id, recipient, subject, body, attempts FROM mails WHERE sent_at IS NULL"
            " AND attempts < ? AND next_attempt_at <= ? ORDER BY id LIMIT 1",
            [max_attempts, clock.stamp(now)],
        ).fetchone()
        if row is None:
            return None
        due = Due(*row)
        retry = clock.stamp(now + timedelta(minutes=2**due.attempts))
        db.execute(
            "UPDATE mails SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
            [retry, due.id],
        )
        return due


def record_failure(db: Database, mail_id: int, error: str) -> None:
    with transaction(db):
        db.execute("UPDATE mails SET last_error = ? WHERE id = ?", [error[:500], mail_id])


def record_sent(db: Database, mail_id: int) -> None:
    with transaction(db):
        db.execute(
            "UPDATE mails SET sent_at = ?, last_error = '' WHERE id = ?",
            [clock.stamp(), mail_id],
        )
