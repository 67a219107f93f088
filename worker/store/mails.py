"""Mails: every message the portal sends, kept for « Consulter mes messages » and queued
for SMTP delivery (claimed one at a time under the write lock, retried with a delay)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from worker import clock
from worker.store.db import Database, transaction

MAX_DELAY_MINUTES = 60


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


def claim(db: Database, now: datetime, after_id: int | None = None) -> Due | None:
    """Take the oldest mail due now — or, with ``after_id``, the next pending one whatever
    its schedule (``mail deliver --all``) — pushing its next attempt back in case this one
    fails: 1, 2, 4… minutes, at most an hour between two attempts."""
    schedule = "id > ?" if after_id is not None else "next_attempt_at <= ?"
    with transaction(db):
        row = db.execute(
            "SELECT id, recipient, subject, body, attempts FROM mails WHERE sent_at IS NULL"
            f" AND failed_at IS NULL AND {schedule} ORDER BY id LIMIT 1{db.skip_locked}",
            [after_id if after_id is not None else clock.stamp(now)],
        ).fetchone()
        if row is None:
            return None
        due = Due(*row)
        retry = clock.stamp(now + timedelta(minutes=min(2**due.attempts, MAX_DELAY_MINUTES)))
        db.execute(
            "UPDATE mails SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?",
            [retry, due.id],
        )
        return due


def record_failure(db: Database, mail_id: int, error: str, give_up_before: datetime) -> bool:
    """Keep the error; a mail created before ``give_up_before`` is marked failed (True)."""
    with transaction(db):
        db.execute(
            "UPDATE mails SET last_error = ?, failed_at = CASE"
            " WHEN coalesce(window_start, created_at) < ? THEN ? END WHERE id = ?",
            [error[:500], clock.stamp(give_up_before), clock.stamp(), mail_id],
        )
        row = db.execute("SELECT failed_at IS NOT NULL FROM mails WHERE id = ?", [mail_id])
        return bool(row.fetchone()[0])


def record_sent(db: Database, mail_id: int) -> None:
    with transaction(db):
        db.execute(
            "UPDATE mails SET sent_at = ?, last_error = '' WHERE id = ?",
            [clock.stamp(), mail_id],
        )


@dataclass(frozen=True)
class Failed:
    id: int
    recipient: str
    subject: str
    created_at: str
    failed_at: str
    attempts: int
    last_error: str


def failed(db: Database) -> list[Failed]:
    rows = db.execute(
        "SELECT id, recipient, subject, created_at, failed_at, attempts, last_error FROM mails"
        " WHERE failed_at IS NOT NULL ORDER BY id"
    )
    return [Failed(*row) for row in rows]


def retry_failed(db: Database, now: datetime) -> int:
    """Failed mails are queued again, due now, with a fresh delivery window."""
    with transaction(db):
        return db.execute(
            "UPDATE mails SET failed_at = NULL, attempts = 0, next_attempt_at = ?,"
            " window_start = ? WHERE failed_at IS NOT NULL",
            [clock.stamp(now), clock.stamp(now)],
        ).rowcount
