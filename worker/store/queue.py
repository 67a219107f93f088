"""The « À traiter » queue of the back office: supporting pieces awaiting a decision.

A piece awaits a decision when the candidate validated it (« J'ai fourni toutes mes
pièces ») after the office's last decision, or before any: ``validated_at`` newer than
``status_at``. When the last decision asked for a new file (Non conforme, En attente
d'une nouvelle PJ), it is a new deposit. Every query takes the scope (the member's
académies), so no view can forget it.
"""

from __future__ import annotations

from dataclasses import dataclass

from worker.store.applications import REGISTERED
from worker.store.db import Database

# The derived state of a piece, as SQL: what the counts group by.
PENDING_SQL = "p.validated_at IS NOT NULL AND (p.status_at IS NULL OR p.validated_at > p.status_at)"
STATE_SQL = (
    f"CASE WHEN {PENDING_SQL} THEN (CASE WHEN p.status_at IS NULL THEN 'a_controler'"
    " ELSE 'nouveau_depot' END) ELSE p.status END"
)


@dataclass(frozen=True)
class QueueItem:
    """A piece to check, with what the list shows of its application and candidate."""

    application_id: int
    code: str
    status: str
    status_at: str | None
    validated_at: str
    number: str
    last_name: str
    first_names: str
    candidate_number: str | None

    @property
    def resubmitted(self) -> bool:
        return self.status_at is not None


def _where(scope: tuple[str, ...], academy: str, exam: str, session: str) -> tuple[str, list]:
    if academy not in scope:
        return "0", []
    return (
        "ap.academy = ? AND ap.exam = ? AND ap.session = ? AND ap.status = ?",
        [academy, exam, session, REGISTERED],
    )


def pending(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> list[QueueItem]:
    """The session's pieces awaiting a decision, oldest deposit first."""
    where, params = _where(scope, academy, exam, session)
    rows = db.execute(
        "SELECT p.application_id, p.code, p.status, p.status_at, p.validated_at, ap.number,"
        " ac.last_name, ac.first_names, ac.candidate_number FROM pieces p"
        " JOIN applications ap ON ap.id = p.application_id"
        " JOIN accounts ac ON ac.id = ap.account_id"
        f" WHERE {where} AND {PENDING_SQL} ORDER BY p.validated_at, p.id",
        params,
    )
    return [QueueItem(*row) for row in rows]


def counts(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> dict[str, int]:
    """How many pieces of the session's registered applications are in each state."""
    where, params = _where(scope, academy, exam, session)
    rows = db.execute(
        f"SELECT {STATE_SQL} AS state, count(*) FROM pieces p"
        " JOIN applications ap ON ap.id = p.application_id"
        f" WHERE {where} GROUP BY state",
        params,
    )
    return {state or "": count for state, count in rows}
