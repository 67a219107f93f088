"""The counts of pieces by session, piece and state (``piece_counts``, migration 0013).

Every change of pieces goes through ``changing``: the rows it touches are uncounted
before and counted again after, in the caller's transaction, so that the counts never
drift from the rows whatever the change (a decision, a validation, a new row, an
application leaving the registered ones, a purge).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from worker.store.db import Database


def pending_sql(alias: str) -> str:
    """The piece ``alias`` awaits a decision (the condition of the pieces_pending index)."""
    return (
        f"{alias}.validated_at IS NOT NULL"
        f" AND ({alias}.status_at IS NULL OR {alias}.validated_at > {alias}.status_at)"
    )


# The derived state of a piece ``p``, as SQL: to check, a new deposit, or the status.
PENDING_SQL = pending_sql("p")
STATE_SQL = (
    f"CASE WHEN {PENDING_SQL} THEN (CASE WHEN p.status_at IS NULL THEN 'a_controler'"
    " ELSE 'nouveau_depot' END) ELSE p.status END"
)


def count(db: Database, where: str, params: list, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) the pieces ``where`` selects (a condition on
    ``p``) from the counts of their session."""
    db.execute(
        "INSERT INTO piece_counts (group_key, code, state, count)"
        f" SELECT p.group_key, p.code, {STATE_SQL}, {int(sign)} * count(*) FROM pieces p"
        f" WHERE p.group_key IS NOT NULL AND {where} GROUP BY p.group_key, p.code, {STATE_SQL}"
        " ON CONFLICT (group_key, code, state) DO UPDATE"
        " SET count = piece_counts.count + excluded.count",
        params,
    )


@contextmanager
def changing(db: Database, where: str, params: list) -> Iterator[None]:
    """Around a change of the pieces ``where`` selects (selecting the same rows after)."""
    count(db, where, params, -1)
    yield
    count(db, where, params, 1)


def of_group(db: Database, group_key: str | None) -> dict[tuple[str, str], int]:
    """(piece code, state) → how many, in one exam session (None: nothing)."""
    rows = db.execute(
        "SELECT code, state, count FROM piece_counts WHERE group_key = ? AND count > 0",
        [group_key],
    )
    return {(code, state): n for code, state, n in rows}


def waiting_by_group(db: Database, group_keys: list[str]) -> dict[str, int]:
    """Session key → how many of its pieces await a decision, for the given sessions
    (read from the counts' primary key: a few rows per session, whatever their size)."""
    if not group_keys:
        return {}
    marks = ", ".join("?" * len(group_keys))
    rows = db.execute(
        "SELECT group_key, sum(count) FROM piece_counts"
        f" WHERE group_key IN ({marks}) AND state IN ('a_controler', 'nouveau_depot')"
        " GROUP BY group_key",
        group_keys,
    )
    return {key: n for key, n in rows if n}
