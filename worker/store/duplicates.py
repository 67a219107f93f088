"""Duplicate applications (table ``duplicates``, migration 0011): the same person's live
applications to one exam session from two accounts. The comparison of persons is a rule
(``worker.rules.duplicates``); this module finds the candidates for it and keeps pairs."""

from __future__ import annotations

from dataclasses import dataclass

from worker import clock
from worker.store import accounts
from worker.store.accounts import Account
from worker.store.applications import REGISTERED, Application
from worker.store.db import Database


@dataclass(frozen=True)
class Pair:
    id: int
    application_id: int
    other_id: int
    found_at: str


def live_same_session(
    db: Database, application: Application, birth_date: str
) -> list[tuple[int, Account]]:
    """Live applications to the same exam session by other accounts born that day."""
    rows = db.execute(
        "SELECT ap.id, ap.account_id FROM applications ap JOIN accounts ac"
        " ON ac.id = ap.account_id WHERE ap.exam = ? AND ap.session = ? AND ap.status = ?"
        " AND ap.account_id != ? AND ac.birth_date = ? ORDER BY ap.id",
        [application.exam, application.session, REGISTERED, application.account_id, birth_date],
    ).fetchall()
    return [(app_id, accounts.by_id(db, account_id)) for app_id, account_id in rows]


def flag(db: Database, application_id: int, other_id: int, person_key: str) -> None:
    db.execute(
        "INSERT INTO duplicates (application_id, other_id, person_key, found_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [application_id, other_id, person_key, clock.stamp()],
    )


def _scoped(scope: tuple[str, ...]) -> tuple[str, list]:
    """Both applications live, at least one of them in scope."""
    marks = ", ".join("?" * len(scope)) or "NULL"
    return (
        f"a.status = ? AND b.status = ? AND (a.academy IN ({marks}) OR b.academy IN ({marks}))",
        [REGISTERED, REGISTERED, *scope, *scope],
    )


PAIRS = (
    "SELECT d.id, d.application_id, d.other_id, d.found_at FROM duplicates d"
    " JOIN applications a ON a.id = d.application_id JOIN applications b ON b.id = d.other_id"
)


def open_pairs(db: Database, scope: tuple[str, ...]) -> list[Pair]:
    """The pairs still to settle that the member may see, oldest first."""
    where, params = _scoped(scope)
    return [Pair(*row) for row in db.execute(f"{PAIRS} WHERE {where} ORDER BY d.id", params)]


def pair_in_scope(db: Database, scope: tuple[str, ...], pair_id: int) -> Pair | None:
    where, params = _scoped(scope)
    row = db.execute(f"{PAIRS} WHERE d.id = ? AND {where}", [pair_id, *params]).fetchone()
    return Pair(*row) if row else None
