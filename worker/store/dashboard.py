"""The counts of an exam session's dashboard, within the member's scope: applications by
state, pieces by code and state, registered applications with nothing uploaded.

Each reads the session's few count rows or an index of its own rows (``pieces.group_key``,
``applications.has_file``: migration 0013), never every application of the académie."""

from __future__ import annotations

from typing import NamedTuple

from worker.store import applications, piece_counts
from worker.store.db import Database


class Idle(NamedTuple):  # a tuple: built for every row of a page
    """A registered application whose candidate uploaded no file at all."""

    application_id: int
    number: str
    candidate_number: str | None
    last_name: str
    first_names: str
    email: str | None
    created_at: str


def _key(scope: tuple[str, ...], academy: str, exam: str, session: str) -> str | None:
    """The pieces' session key (``pieces.group_key``), None outside the scope."""
    return f"{academy}|{exam}|{session}" if academy in scope else None


def by_state(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> dict[str, int]:
    if academy not in scope:
        return {}
    return {row[3]: row[4] for row in applications.counts(db, (academy,), exam, session)}


def pieces_by_state(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> dict[tuple[str, str], int]:
    """(piece code, state) → how many, over the registered applications."""
    return piece_counts.of_group(db, _key(scope, academy, exam, session))


def idle_count(db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str) -> int:
    """How many registered applications have no file (read from their partial index)."""
    if academy not in scope:
        return 0
    query = f"SELECT count(*) FROM applications ap WHERE {IDLE}"
    return db.execute(query, [academy, exam, session]).fetchone()[0]


# The condition of the applications_idle index (its constants written out, as the
# planner needs them to use it).
NO_FILE = "ap.status = 'registered' AND ap.has_file = 0"
IDLE = f"ap.academy = ? AND ap.exam = ? AND ap.session = ? AND {NO_FILE}"


def nothing_uploaded(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> list[Idle]:
    """Registered applications without any file (removed ones count as none), by name."""
    if academy not in scope:
        return []
    # The ids first, from the partial index alone (joined, the planner would rather walk
    # every registered application of the session).
    rows = db.execute(
        "SELECT ap.id, ap.number, ac.candidate_number, ac.last_name, ac.first_names, ac.email,"
        " ap.created_at FROM (SELECT ap.id, ap.sort_key FROM applications ap"
        f" WHERE {IDLE} ORDER BY ap.sort_key, ap.id) AS idle"
        " JOIN applications ap ON ap.id = idle.id JOIN accounts ac ON ac.id = ap.account_id"
        " ORDER BY idle.sort_key, idle.id",
        [academy, exam, session],
    )
    return [Idle(*row) for row in rows]
