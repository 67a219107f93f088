"""Bulk publications: a document generated for every registered application of an exam
session, one item per application with its outcome ('' pending, published, skipped).

Writes expect to run inside ``db.transaction()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from worker import clock
from worker.store import applications
from worker.store.applications import Group
from worker.store.db import Database


@dataclass(frozen=True)
class Publication:
    id: int
    staff_id: int
    academy: str
    exam: str
    session: str
    kind: str
    title: str
    body: str
    total: int
    created_at: str
    finished_at: str | None
    deadline: str | None  # a relance's new deadline (``stamp`` text), else None
    published: int
    skipped: int

    @property
    def remaining(self) -> int:
        return self.total - self.published - self.skipped

    @property
    def group(self) -> Group:
        """Its exam session, counted as it was when the publication started."""
        return Group(self.academy, self.exam, self.session, self.total)


COLUMNS = (
    "p.id, p.staff_id, p.academy, p.exam, p.session, p.kind, p.title, p.body, p.total,"
    " p.created_at, p.finished_at, p.deadline,"
    " (SELECT count(*) FROM publication_items i WHERE i.publication_id = p.id"
    " AND i.outcome = 'published'),"
    " (SELECT count(*) FROM publication_items i WHERE i.publication_id = p.id"
    " AND i.outcome = 'skipped')"
)


def start(
    db: Database,
    staff_id: int,
    group: Group,
    kind: str,
    title: str,
    body: str,
    deadline: str | None = None,
) -> Publication:
    """A publication for every application of the group registered now (not yet done)."""
    new_id = db.execute(
        "INSERT INTO publications (staff_id, academy, exam, session, kind, title, body, total,"
        " created_at, deadline) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) RETURNING id",
        [
            staff_id,
            group.academy,
            group.exam,
            group.session,
            kind,
            title,
            body,
            clock.stamp(),
            deadline,
        ],
    ).fetchone()[0]
    publication_id = new_id
    added = db.execute(
        "INSERT INTO publication_items (publication_id, application_id) SELECT ?, id"
        " FROM applications WHERE status = ? AND academy = ? AND exam = ? AND session = ?",
        [publication_id, applications.REGISTERED, group.academy, group.exam, group.session],
    ).rowcount
    db.execute("UPDATE publications SET total = ? WHERE id = ?", [added, publication_id])
    return in_scope(db, (group.academy,), publication_id)


def in_scope(db: Database, scope: tuple[str, ...], publication_id: int) -> Publication | None:
    row = db.execute(
        f"SELECT {COLUMNS} FROM publications p WHERE p.id = ?", [publication_id]
    ).fetchone()
    found = Publication(*row) if row else None
    return found if found is not None and found.academy in scope else None


def recent(
    db: Database, scope: tuple[str, ...], limit: int = 20, kind: str | None = None
) -> list[Publication]:
    """The scope's latest publications, newest first (of one ``kind`` if given)."""
    if not scope:
        return []
    of_kind, params = ("", [*scope]) if kind is None else (" AND p.kind = ?", [*scope, kind])
    rows = db.execute(
        f"SELECT {COLUMNS} FROM publications p"
        f" WHERE p.academy IN ({', '.join('?' * len(scope))}){of_kind} ORDER BY p.id DESC LIMIT ?",
        [*params, limit],
    )
    return [Publication(*row) for row in rows]


def next_pending(db: Database, publication_id: int) -> int | None:
    """The application id of the first item still to publish, if any."""
    row = db.execute(
        "SELECT application_id FROM publication_items WHERE publication_id = ?"
        " AND outcome = '' ORDER BY application_id LIMIT 1",
        [publication_id],
    ).fetchone()
    return row[0] if row else None


def outcome_of(db: Database, publication_id: int, application_id: int) -> str:
    """'' while pending, else 'published' or 'skipped'."""
    (outcome,) = db.execute(
        "SELECT outcome FROM publication_items WHERE publication_id = ? AND application_id = ?",
        [publication_id, application_id],
    ).fetchone()
    return outcome


def mark_skipped(db: Database, publication_id: int, application_id: int) -> None:
    db.execute(
        "UPDATE publication_items SET outcome = 'skipped', done_at = ?"
        " WHERE publication_id = ? AND application_id = ?",
        [clock.stamp(), publication_id, application_id],
    )


def mark_published(
    db: Database, publication_id: int, application_id: int, document_id: int
) -> None:
    db.execute(
        "UPDATE publication_items SET outcome = 'published', document_id = ?, done_at = ?"
        " WHERE publication_id = ? AND application_id = ?",
        [document_id, clock.stamp(), publication_id, application_id],
    )


def finish(db: Database, publication_id: int) -> None:
    """Finished once no item is pending (kept as it is otherwise)."""
    db.execute(
        "UPDATE publications SET finished_at = ? WHERE id = ? AND finished_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM publication_items WHERE publication_id = ?"
        " AND outcome = '')",
        [clock.stamp(), publication_id, publication_id],
    )
