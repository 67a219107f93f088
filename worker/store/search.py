"""The applications within a staff member's scope: the back office's list and export.

Every query takes the scope (the member's académies) as an argument, so no view can
forget it; a record outside the scope is None (the view says 404).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from worker.store import applications
from worker.store.applications import Application
from worker.store.db import Database


@dataclass(frozen=True)
class Filters:
    query: str = ""  # name or candidate number
    exam: str = ""
    session: str = ""
    status: str = ""
    academy: str = ""


def _where(scope: tuple[str, ...], filters: Filters) -> tuple[str, list]:
    if not scope:
        return "0", []
    clauses = [f"ap.academy IN ({', '.join('?' * len(scope))})"]
    params: list = list(scope)
    if filters.academy:
        clauses.append("ap.academy = ?")
        params.append(filters.academy)
    for column, value in (
        ("ap.exam", filters.exam),
        ("ap.session", filters.session),
        ("ap.status", filters.status),
    ):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    if filters.query:
        words = filters.query.strip()
        clauses.append(
            "(ac.candidate_number = ? OR ac.last_name LIKE ? OR ac.usual_name LIKE ?"
            " OR ac.first_names LIKE ? OR ac.email_key = ?)"
        )
        like = f"%{words}%"
        params += [words, like, like, like, words.casefold()]
    return " AND ".join(clauses), params


SEARCH_COLUMNS = (
    "ap.id, ap.number, ap.academy, ap.exam, ap.session, ap.speciality, ap.status, ap.version,"
    " ap.created_at, ac.id, ac.candidate_number, ac.last_name, ac.first_names, ac.email,"
    " ac.kind, ac.birth_date, ac.birth_country, ac.birth_departement, ac.birth_commune_name"
)
SEARCH_NAMES = (
    "id",
    "number",
    "academy",
    "exam",
    "session",
    "speciality",
    "status",
    "version",
    "created_at",
    "account_id",
    "candidate_number",
    "last_name",
    "first_names",
    "email",
    "kind",
    "birth_date",
    "birth_country",
    "birth_departement",
    "birth_commune_name",
)


def search(
    db: Database, scope: tuple[str, ...], filters: Filters, page: int = 1, per_page: int = 50
) -> tuple[list[dict], int]:
    """One page of the applications in scope, and how many match in all."""
    where, params = _where(scope, filters)
    base = f"FROM applications ap JOIN accounts ac ON ac.id = ap.account_id WHERE {where}"
    (total,) = db.execute(f"SELECT count(*) {base}", params).fetchone()
    rows = db.execute(
        f"SELECT {SEARCH_COLUMNS} {base} ORDER BY ac.last_name, ac.first_names, ap.id"
        " LIMIT ? OFFSET ?",
        [*params, per_page, (max(page, 1) - 1) * per_page],
    )
    return [dict(zip(SEARCH_NAMES, row, strict=True)) for row in rows], total


def all_rows(db: Database, scope: tuple[str, ...], filters: Filters):
    """Every application in scope the filters keep, with its answers (for the export)."""
    where, params = _where(scope, filters)
    rows = db.execute(
        f"SELECT {SEARCH_COLUMNS}, ap.answers FROM applications ap"
        f" JOIN accounts ac ON ac.id = ap.account_id"
        f" WHERE {where} ORDER BY ac.last_name, ac.first_names, ap.id",
        params,
    )
    for *row, answers in rows:
        yield {**dict(zip(SEARCH_NAMES, row, strict=True)), "answers": json.loads(answers or "{}")}


def application_in_scope(
    db: Database, scope: tuple[str, ...], application_id: int
) -> Application | None:
    """The application, only if its académie is in scope (else None: the view says 404)."""
    found = applications.by_id(db, application_id)
    return found if found is not None and found.academy in scope else None
