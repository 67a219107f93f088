"""Exam office staff (gestionnaires), their scope, and the applications within it.

A staff member sees and changes only what belongs to their académies; every query here
takes that scope as an argument, so no view can forget it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from worker import clock
from worker.store import applications
from worker.store.accounts import normalize_email
from worker.store.applications import Application

ROLES = ("staff", "admin")


class StaffExists(Exception):
    """Another staff account already uses this address."""


@dataclass(frozen=True)
class Staff:
    id: int
    email: str
    name: str
    password_hash: str
    role: str
    academies: tuple[str, ...]
    created_at: str
    disabled_at: str | None

    @property
    def admin(self) -> bool:
        return self.role == "admin"


COLUMNS = "id, email, name, password_hash, role, academies, created_at, disabled_at"


def _staff(row) -> Staff | None:
    if row is None:
        return None
    values = list(row)
    values[5] = tuple(json.loads(values[5]))
    return Staff(*values)


def expand_scope(catalog, academies: list[str]) -> list[str]:
    """The académies a member may see: those named, and the SIEC's members with it."""
    scope = set(academies)
    for code in academies:
        academy = catalog.academies.get(code)
        if academy is not None:
            scope.update(academy.members)
    return sorted(scope)


def by_id(db: Database, staff_id: int) -> Staff | None:
    return _staff(db.execute(f"SELECT {COLUMNS} FROM staff WHERE id = ?", [staff_id]).fetchone())


def by_email(db: Database, email: str) -> Staff | None:
    key = normalize_email(email)[1]
    return _staff(db.execute(f"SELECT {COLUMNS} FROM staff WHERE email_key = ?", [key]).fetchone())


def create(
    db: Database,
    email: str,
    name: str,
    password_hash: str,
    academies: list[str],
    role: str = "staff",
) -> Staff:
    email, key = normalize_email(email)
    if role not in ROLES:
        raise ValueError(role)
    if db.execute("SELECT 1 FROM staff WHERE email_key = ?", [key]).fetchone():
        raise StaffExists(email)
    cursor = db.execute(
        "INSERT INTO staff (email, email_key, name, password_hash, role, academies, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [email, key, name, password_hash, role, json.dumps(sorted(set(academies))), clock.stamp()],
    )
    return by_id(db, cursor.lastrowid)


def listing(db: Database) -> list[Staff]:
    return [_staff(r) for r in db.execute(f"SELECT {COLUMNS} FROM staff ORDER BY name")]


def set_password(db: Database, staff_id: int, password_hash: str) -> None:
    db.execute("UPDATE staff SET password_hash = ? WHERE id = ?", [password_hash, staff_id])


# -- applications within a scope -----------------------------------------------------------


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
    " ac.kind"
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
    where, params = _where(scope, filters)
    rows = db.execute(
        f"SELECT {SEARCH_COLUMNS} FROM applications ap JOIN accounts ac ON ac.id = ap.account_id"
        f" WHERE {where} ORDER BY ac.last_name, ac.first_names, ap.id",
        params,
    )
    for row in rows:
        yield dict(zip(SEARCH_NAMES, row, strict=True))


def application_in_scope(
    db: Database, scope: tuple[str, ...], application_id: int
) -> Application | None:
    """The application, only if its académie is in scope (else None: the view says 404)."""
    found = applications.by_id(db, application_id)
    return found if found is not None and found.academy in scope else None
