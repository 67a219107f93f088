"""One-time confirmations (table ``confirmations``, migration 0016): the token of a
confirmation page, recorded by the action it confirms, in the action's transaction."""

from __future__ import annotations

from worker import clock
from worker.store.db import Database


def use(db: Database, token: str, staff_id: int, action: str) -> bool:
    """Record the token as used; False if it already was (the action already ran)."""
    cursor = db.execute(
        "INSERT INTO confirmations (token, staff_id, action, used_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        [token, staff_id, action, clock.stamp()],
    )
    return cursor.rowcount == 1
