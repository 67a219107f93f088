"""The counts of an exam session's dashboard, within the member's scope: applications by
state, pieces by code and state, registered applications with nothing uploaded."""

from __future__ import annotations

from dataclasses import dataclass

from worker.store.applications import REGISTERED
from worker.store.db import Database
from worker.store.queue import STATE_SQL


@dataclass(frozen=True)
class Idle:
    """A registered application whose candidate uploaded no file at all."""

    application_id: int
    number: str
    candidate_number: str | None
    last_name: str
    first_names: str
    email: str | None
    created_at: str


def _in_scope(scope: tuple[str, ...], academy: str) -> bool:
    return academy in scope


def by_state(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> dict[str, int]:
    if not _in_scope(scope, academy):
        return {}
    rows = db.execute(
        "SELECT status, count(*) FROM applications WHERE academy = ? AND exam = ?"
        " AND session = ? GROUP BY status",
        [academy, exam, session],
    )
    return dict(rows.fetchall())


def pieces_by_state(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> dict[tuple[str, str], int]:
    """(piece code, state) → how many, over the registered applications."""
    if not _in_scope(scope, academy):
        return {}
    rows = db.execute(
        f"SELECT p.code, {STATE_SQL} AS state, count(*) FROM pieces p"
        " JOIN applications ap ON ap.id = p.application_id WHERE ap.academy = ?"
        " AND ap.exam = ? AND ap.session = ? AND ap.status = ? GROUP BY p.code, state",
        [academy, exam, session, REGISTERED],
    )
    return {(code, state or ""): count for code, state, count in rows}


def nothing_uploaded(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> list[Idle]:
    """Registered applications without any file (removed ones count as none)."""
    if not _in_scope(scope, academy):
        return []
    rows = db.execute(
        "SELECT ap.id, ap.number, ac.candidate_number, ac.last_name, ac.first_names, ac.email,"
        " ap.created_at FROM applications ap JOIN accounts ac ON ac.id = ap.account_id"
        " WHERE ap.academy = ? AND ap.exam = ? AND ap.session = ? AND ap.status = ?"
        " AND NOT EXISTS (SELECT 1 FROM pieces p JOIN piece_files f ON f.piece_id = p.id"
        " WHERE p.application_id = ap.id AND f.removed_at IS NULL)"
        " ORDER BY ac.last_name, ac.first_names, ap.id",
        [academy, exam, session, REGISTERED],
    )
    return [Idle(*row) for row in rows]
