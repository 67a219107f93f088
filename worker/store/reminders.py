"""Reminders already mailed (table ``reminders_sent``, migration 0011), and the
applications a reminder run looks at."""

from __future__ import annotations

from worker import clock
from worker.store import applications
from worker.store.applications import REGISTERED, Application
from worker.store.db import Database


def registered_to(db: Database, exams: list[str]) -> list[Application]:
    """The registered applications to these exams, in id order."""
    if not exams:
        return []
    rows = db.execute(
        f"SELECT id FROM applications WHERE status = ? AND exam IN ({', '.join('?' * len(exams))})"
        " ORDER BY id",
        [REGISTERED, *exams],
    )
    return [applications.by_id(db, application_id) for (application_id,) in rows.fetchall()]


def already_sent(db: Database, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    rows = db.execute(
        f"SELECT key FROM reminders_sent WHERE key IN ({', '.join('?' * len(keys))})", keys
    )
    return {key for (key,) in rows}


def record(db: Database, key: str, application_id: int) -> bool:
    """Record a reminder (inside the mail's transaction); False if it was already sent."""
    cursor = db.execute(
        "INSERT INTO reminders_sent (key, application_id, sent_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [key, application_id, clock.stamp()],
    )
    return cursor.rowcount == 1
