"""Verifying a document the portal issued, from its printed code: what it certifies,
whether it is still the current version, and whether a file is that very document.

Nothing else about the candidate is revealed: the last name is masked, and a code whose
signature fails is answered « unknown » without a lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from catalog import Catalog
from worker.rules import verification as codes
from worker.store import documents, throttle
from worker.store.db import Database, transaction

THROTTLE_PREFIX = "verify:client:"


@dataclass(frozen=True)
class Limits:
    """How many verification requests a client makes in the window before waiting."""

    per_client: int
    window_minutes: int


@dataclass(frozen=True)
class Genuine:
    """A document the portal issued, as the verification page shows it."""

    code: str
    title: str
    holder: str  # « D***** Pierre »
    exam: str
    session: str
    academy: str
    version: int
    issued_at: str  # clock stamp
    sha256: str
    current_version: int

    @property
    def is_current(self) -> bool:
        return self.version >= self.current_version


@dataclass(frozen=True)
class Unknown:
    """No document of the portal has this code (mistyped, forged, never issued)."""


@dataclass(frozen=True)
class Throttled:
    """Too many verifications from this client: try again in ``seconds``."""

    seconds: int


@dataclass(frozen=True)
class Compared:
    """A dropped file compared with the document the code designates."""

    document: Genuine
    identical: bool


Outcome = Genuine | Unknown | Throttled


def _admit(db: Database, client: str, limits: Limits) -> Throttled | None:
    """Counts the request; refuses it while the client is over its limit."""
    key = THROTTLE_PREFIX + client
    with transaction(db):
        wait = throttle.wait_for(db, key, limits.per_client, limits.window_minutes)
        if wait:
            return Throttled(wait)
        throttle.record_request(db, key, limits.window_minutes)
    return None


def _describe(catalog: Catalog, found: documents.Checked) -> Genuine:
    exam = catalog.exams.get(found.exam)
    session = exam.session(found.session) if exam else None
    academy = catalog.academies.get(found.academy)
    return Genuine(
        code=found.code,
        title=found.document.title,
        holder=f"{codes.mask_last_name(found.last_name)} {found.first_names}".strip(),
        exam=exam.name if exam else found.exam,
        session=session.label if session else found.session,
        academy=academy.name if academy else found.academy,
        version=found.document.version,
        issued_at=found.document.created_at,
        sha256=found.sha256,
        current_version=found.current_version,
    )


def look_up(
    db: Database,
    catalog: Catalog,
    typed: str,
    keys: Sequence[str],
    client: str,
    limits: Limits,
) -> Outcome:
    """What the document of code ``typed`` certifies, if the portal issued it."""
    refused = _admit(db, client, limits)
    if refused:
        return refused
    if codes.document_id(typed, keys) is None:  # the signature first: no query if forged
        return Unknown()
    found = documents.checked(db, codes.grouped(codes.normalize(typed)))
    if found is None:
        return Unknown()
    return _describe(catalog, found)


def compare(
    db: Database,
    catalog: Catalog,
    typed: str,
    keys: Sequence[str],
    client: str,
    limits: Limits,
    content: bytes,
) -> Compared | Unknown | Throttled:
    """Whether ``content`` is, byte for byte, the document of code ``typed``."""
    outcome = look_up(db, catalog, typed, keys, client, limits)
    if not isinstance(outcome, Genuine):
        return outcome
    return Compared(outcome, codes.sha256(content) == outcome.sha256)
