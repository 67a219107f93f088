"""The « À traiter » queue of the back office: supporting pieces awaiting a decision.

A piece awaits a decision when the candidate validated it (« J'ai fourni toutes mes
pièces ») after the office's last decision, or before any: ``validated_at`` newer than
``status_at``. When the last decision asked for a new file (Non conforme, En attente
d'une nouvelle PJ), it is a new deposit. Every query takes the scope (the member's
académies), so no view can forget it, and reads one session's pieces through their
``group_key`` (set while the application is registered, migration 0013) and its indexes.
"""

from __future__ import annotations

from typing import NamedTuple

from worker.store import piece_counts
from worker.store.db import Database
from worker.store.piece_counts import PENDING_SQL, pending_sql


class QueueItem(NamedTuple):  # a tuple: built for every row of a page
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


def _key(scope: tuple[str, ...], academy: str, exam: str, session: str) -> str | None:
    """The pieces' session key (``pieces.group_key``), None outside the scope."""
    return f"{academy}|{exam}|{session}" if academy in scope else None


def pending(
    db: Database,
    scope: tuple[str, ...],
    academy: str,
    exam: str,
    session: str,
    limit: int = 50,
    offset: int = 0,
) -> list[QueueItem]:
    """The session's pieces awaiting a decision, oldest deposit first, a page at a time
    (read in order from the queue's index)."""
    key = _key(scope, academy, exam, session)
    rows = db.execute(
        "SELECT p.application_id, p.code, p.status, p.status_at, p.validated_at, ap.number,"
        " ac.last_name, ac.first_names, ac.candidate_number FROM pieces p"
        " JOIN applications ap ON ap.id = p.application_id"
        " JOIN accounts ac ON ac.id = ap.account_id"
        f" WHERE p.group_key = ? AND {PENDING_SQL} ORDER BY p.validated_at, p.id LIMIT ? OFFSET ?",
        [key, limit, offset],
    )
    return [QueueItem(*row) for row in rows]


def waiting(db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str) -> int:
    """How many of the session's pieces await a decision: read from the session's counts,
    a few rows whatever the backlog (counting the pending pieces themselves read one
    index entry per piece, thousands on a deadline's eve)."""
    key = _key(scope, academy, exam, session)
    return piece_counts.waiting_by_group(db, [key]).get(key, 0) if key else 0


def rank(
    db: Database,
    scope: tuple[str, ...],
    academy: str,
    exam: str,
    session: str,
    application_id: int,
    code: str,
) -> int:
    """The piece's place in the queue, from 1; 0 when it awaits no decision."""
    key = _key(scope, academy, exam, session)
    (found,) = db.execute(
        "SELECT count(*) FROM pieces me JOIN pieces p ON p.group_key = me.group_key"
        f" AND {PENDING_SQL} AND (p.validated_at < me.validated_at"
        " OR (p.validated_at = me.validated_at AND p.id <= me.id))"
        " WHERE me.application_id = ? AND me.code = ? AND me.group_key = ?"
        f" AND {pending_sql('me')}",
        [application_id, code, key],
    ).fetchone()
    return found


def counts(
    db: Database, scope: tuple[str, ...], academy: str, exam: str, session: str
) -> dict[str, int]:
    """How many pieces of the session's registered applications are in each state."""
    found: dict[str, int] = {}
    for (_, state), n in piece_counts.of_group(db, _key(scope, academy, exam, session)).items():
        found[state] = found.get(state, 0) + n
    return found


def waiting_by_session(db: Database, scope: tuple[str, ...], keys: list[str]) -> dict[str, int]:
    """Session key (academy|exam|session) → pieces awaiting a decision, in the scope."""
    inside = [key for key in keys if key.partition("|")[0] in scope]
    return piece_counts.waiting_by_group(db, inside)
