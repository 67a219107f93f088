"""Results (« Mes notes »): the published mark of each test of an application.

Writes expect to run inside ``db.transaction()``.
"""

from __future__ import annotations

from worker import clock
from worker.store.db import Database


def results_of(db: Database, application_id: int) -> dict[str, str]:
    """Test code → published mark."""
    return {
        code: mark
        for code, mark in db.execute(
            "SELECT test_code, mark FROM results WHERE application_id = ?", [application_id]
        )
    }


def unseen(db: Database, application_id: int) -> bool:
    """Whether a mark was published since the candidate last opened « Mes notes »."""
    row = db.execute(
        "SELECT 1 FROM results r JOIN applications ap ON ap.id = r.application_id"
        " WHERE r.application_id = ? AND r.published_at > coalesce(ap.results_seen_at, '')"
        " LIMIT 1",
        [application_id],
    ).fetchone()
    return row is not None


def mark_seen(db: Database, application_id: int) -> None:
    db.execute(
        "UPDATE applications SET results_seen_at = ? WHERE id = ?", [clock.stamp(), application_id]
    )


def save_results(db: Database, application_id: int, marks: dict[str, str]) -> dict[str, str]:
    """Publish these marks (test code → mark, "" removes it); returns the marks before."""
    before = results_of(db, application_id)
    now = clock.stamp()
    for code, mark in marks.items():
        if not mark:
            db.execute(
                "DELETE FROM results WHERE application_id = ? AND test_code = ?",
                [application_id, code],
            )
        elif before.get(code) != mark:
            db.execute(
                "INSERT INTO results (application_id, test_code, mark, published_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (application_id, test_code)"
                " DO UPDATE SET mark = excluded.mark, published_at = excluded.published_at",
                [application_id, code, mark, now],
            )
    return before
