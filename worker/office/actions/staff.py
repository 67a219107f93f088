"""Administrators create the staff accounts of the exam offices."""

from __future__ import annotations

from dataclasses import dataclass

from catalog import Catalog
from worker.office.actions.outcomes import Refused
from worker.rules import passwords
from worker.rules.pupil_list import generate_password
from worker.store import db, staff
from worker.store.audit import audit
from worker.store.db import Database
from worker.store.staff import Staff

GENERATED_LENGTH = 16


@dataclass(frozen=True)
class StaffCreated:
    member: Staff
    password: str  # the generated one, shown once; "" when the administrator typed it


def create_staff(
    database: Database,
    admin: Staff,
    catalog: Catalog,
    email: str,
    name: str,
    academies: list[str],
    role: str,
    password: str | None,
) -> StaffCreated | Refused:
    """A staff account for these académies (and the SIEC's members with them); with no
    ``password``, one is generated."""
    generated = password is None
    if generated:
        password = generate_password(GENERATED_LENGTH)
    scope = staff.expand_scope(catalog, academies)
    try:
        with db.transaction(database):
            member = staff.create(
                database, email, name, passwords.hash_password(password), scope, role
            )
            audit(
                database,
                admin,
                "staff.create",
                after={
                    "staff": member.email,
                    "name": member.name,
                    "academies": scope,
                    "role": member.role,
                    "password": "généré" if generated else "saisi",
                },
            )
    except staff.StaffExists:
        return Refused("Un compte gestionnaire existe déjà pour cette adresse.")
    return StaffCreated(member, password if generated else "")
