"""The audit log of the back office: who did what, when, to which record.

Every change a staff member makes is recorded here with the values before and after, in
the same transaction as the change itself.
"""

from __future__ import annotations

import json

from worker import clock
from worker.store.db import Database
from worker.store.staff import Staff


def audit(
    db: Database,
    member: Staff | None,
    action: str,
    *,
    academy: str = "",
    application_id: int | None = None,
    account_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """Who did what, when, to which record, with the values before and after."""
    db.execute(
        "INSERT INTO audit (staff_id, at, action, academy, application_id, account_id, before,"
        " after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            member.id if member else None,
            clock.stamp(),
            action,
            academy,
            application_id,
            account_id,
            json.dumps(before or {}, ensure_ascii=False, default=str),
            json.dumps(after or {}, ensure_ascii=False, default=str),
        ],
    )


def audit_of(db: Database, application_id: int) -> list[dict]:
    """The application's history, newest first, with the staff member's name."""
    return list(
        db.query(
            "SELECT a.at, a.action, a.before, a.after, s.name AS staff FROM audit a"
            " LEFT JOIN staff s ON s.id = a.staff_id WHERE a.application_id = ? ORDER BY a.id DESC",
            [application_id],
        )
    )
