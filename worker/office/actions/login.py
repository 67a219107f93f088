"""Staff sign-in, throttled per address, client and account like the candidates', and
sign-out. The session itself (a cookie) belongs to the request: the view hands a function
that opens or ends it, run inside the same transaction as the rest."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from worker.office.actions.outcomes import Refused
from worker.rules import passwords
from worker.store import db, staff, throttle
from worker.store.audit import audit
from worker.store.db import Database
from worker.store.staff import Staff


@dataclass(frozen=True)
class SignedIn:
    member: Staff


@dataclass(frozen=True)
class Throttled:
    """Too many failures: no password is checked for ``wait`` seconds."""

    wait: int

    @property
    def message(self) -> str:
        return f"Trop de tentatives. Réessayez dans {math.ceil(self.wait / 60)} min."


def log_in(
    database: Database,
    email: str,
    password: str,
    client: str,
    open_session: Callable[[Staff], None],
) -> SignedIn | Throttled | Refused:
    member = staff.by_email(database, email)
    failure_keys = tuple(
        f"staff:{k}" for k in throttle.keys(email, client, member.id if member else None)
    )
    wait = throttle.wait_seconds(database, failure_keys)
    if wait:
        return Throttled(wait)
    hashed = member.password_hash if member and not member.disabled_at else None
    if not passwords.verify(hashed, password):
        with db.transaction(database):
            throttle.record_failure(database, *failure_keys)
        return Refused("Identifiant ou mot de passe incorrect.")
    with db.transaction(database):
        throttle.forget(database, failure_keys)
        open_session(member)
        audit(database, member, "staff.login")
    return SignedIn(member)


def log_out(database: Database, end_session: Callable[[], None]) -> None:
    with db.transaction(database):
        end_session()
