"""Exam office staff (gestionnaires) and their scope (académies).

A staff member sees and changes only what belongs to their académies: the queries of
``search`` (and of every store module the back office reads) take that scope as an
argument, so no view can forget it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from worker import clock
from worker.store.accounts import normalize_email
from worker.store.db import Database

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
    new_id = db.execute(
        "INSERT INTO staff (email, email_key, name, password_hash, role, academies, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [email, key, name, password_hash, role, json.dumps(sorted(set(academies))), clock.stamp()],
    ).fetchone()[0]
    return by_id(db, new_id)


def listing(db: Database) -> list[Staff]:
    return [_staff(r) for r in db.execute(f"SELECT {COLUMNS} FROM staff ORDER BY name")]


def names_sharing(
    db: Database, academies: tuple[str, ...], member_id: int
) -> list[tuple[int, str]]:
    """(id, name) of the member and of every staff member sharing one of ``academies``, by
    name: the journal's choice of who acted, read on each of its pages (not a ``Staff``
    built for each)."""
    scope = set(academies)
    rows = db.execute("SELECT id, name, academies FROM staff ORDER BY name")
    return [
        (other_id, name)
        for other_id, name, theirs in rows
        if other_id == member_id or scope.intersection(json.loads(theirs))
    ]


def upgrade_hash(db: Database, staff_id: int, old_hash: str, new_hash: str) -> None:
    """The same password, hashed with today's parameters (not over a changed one)."""
    db.execute(
        "UPDATE staff SET password_hash = ? WHERE id = ? AND password_hash = ?",
        [new_hash, staff_id, old_hash],
    )


def set_password(db: Database, staff_id: int, password_hash: str) -> None:
    db.execute("UPDATE staff SET password_hash = ? WHERE id = ?", [password_hash, staff_id])
