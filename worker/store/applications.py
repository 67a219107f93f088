"""Applications and wizard drafts: the data layer (views call these functions).

Writes expect to run inside ``db.transaction()``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from worker import clock
from worker.store import piece_counts, search_keys
from worker.store.db import Database

REGISTERED, WITHDRAWN = "registered", "withdrawn"
# The status written in the statement, not bound: SQLite prepares a statement again at every
# run when a bound value may match a partial index's WHERE (applications_one_per_session),
# which made the candidate's list of applications cost 34 µs instead of 5.
IS_REGISTERED = f"status = '{REGISTERED}'"
OFFICE_WITHDRAWN, REJECTED = "withdrawn_by_office", "rejected"  # closed by the exam office
STATUS_LABELS = {
    REGISTERED: "Inscrit",
    WITHDRAWN: "Désinscrit par le candidat",
    OFFICE_WITHDRAWN: "Désinscrit par le gestionnaire",
    REJECTED: "Écartée par le gestionnaire",
}


class AlreadyRegistered(Exception):
    """The candidate already has a live application for this exam session."""


@dataclass(frozen=True)
class Draft:
    id: int
    account_id: int
    academy: str
    exam: str
    session: str
    application_id: int | None
    answers: dict
    reached: int
    created_at: str
    updated_at: str
    saved_as: int | None = None


@dataclass(frozen=True)
class Application:
    id: int
    account_id: int
    academy: str
    exam: str
    session: str
    number: str
    status: str
    created_at: str
    speciality: str
    answers: dict
    version: int
    updated_at: str | None
    withdrawn_at: str | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


DRAFT_COLUMNS = (
    "id, account_id, academy, exam, session, application_id, answers, reached, "
    "created_at, updated_at, saved_as"
)
APPLICATION_COLUMNS = (
    "id, account_id, academy, exam, session, number, status, created_at, "
    "speciality, answers, version, updated_at, withdrawn_at"
)


def _draft(row) -> Draft | None:
    if row is None:
        return None
    values = list(row)
    values[6] = json.loads(values[6])
    return Draft(*values)


def _application(row) -> Application | None:
    if row is None:
        return None
    values = list(row)
    values[9] = json.loads(values[9])
    return Application(*values)


# -- drafts --------------------------------------------------------------------------------


def start_draft(
    db: Database,
    account_id: int,
    academy: str,
    exam: str,
    session: str,
    application: Application | None = None,
    reached: int = 0,
) -> Draft:
    """A draft for a new application (or one resumed), or to modify ``application``."""
    application_id = application.id if application else None
    existing = db.execute(
        f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE account_id = ? AND academy = ? AND exam = ?"
        " AND session = ? AND application_id IS NOT DISTINCT FROM ? AND saved_as IS NULL",
        [account_id, academy, exam, session, application_id],
    ).fetchone()
    if existing:
        return _draft(existing)
    now = clock.stamp()
    answers = json.dumps(application.answers if application else {})
    new_id = db.execute(
        "INSERT INTO drafts (account_id, academy, exam, session, application_id, answers,"
        " reached, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [account_id, academy, exam, session, application_id, answers, reached, now, now],
    ).fetchone()[0]
    return draft(db, new_id, account_id)


def draft(db: Database, draft_id: int, account_id: int) -> Draft | None:
    """The draft, only if it belongs to this account."""
    row = db.execute(
        f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE id = ? AND account_id = ?",
        [draft_id, account_id],
    ).fetchone()
    return _draft(row)


def save_draft(db: Database, draft_id: int, answers: dict, reached: int) -> None:
    db.execute(
        "UPDATE drafts SET answers = ?, reached = CASE WHEN reached > ? THEN reached ELSE ? END,"
        " updated_at = ? WHERE id = ?",  # the furthest step, whichever was posted last
        [json.dumps(answers), reached, reached, clock.stamp(), draft_id],
    )


def consume_draft(db: Database, draft_id: int, application_id: int) -> bool:
    """Mark the draft saved; False when another request already did (a double submit).

    The draft stays, pointing at its application, so a second tab lands on it.
    """
    cursor = db.execute(
        "UPDATE drafts SET saved_as = ?, updated_at = ? WHERE id = ? AND saved_as IS NULL",
        [application_id, clock.stamp(), draft_id],
    )
    return cursor.rowcount == 1


def delete_draft(db: Database, draft_id: int, account_id: int) -> bool:
    """Delete this draft of this account, unless it was saved meanwhile (then it stays,
    pointing at its application); False when nothing was deleted."""
    cursor = db.execute(
        "DELETE FROM drafts WHERE id = ? AND account_id = ? AND saved_as IS NULL",
        [draft_id, account_id],
    )
    return cursor.rowcount == 1


def drafts_of(db: Database, account_id: int) -> list[Draft]:
    rows = db.execute(
        f"SELECT {DRAFT_COLUMNS} FROM drafts WHERE account_id = ? AND application_id IS NULL"
        " AND saved_as IS NULL ORDER BY updated_at DESC",
        [account_id],
    )
    return [_draft(row) for row in rows]


# -- applications --------------------------------------------------------------------------


def next_number(db: Database, account_id: int) -> str:
    """The number the candidate's next application gets: 001, 002…"""
    (count,) = db.execute(
        "SELECT count(*) FROM applications WHERE account_id = ?", [account_id]
    ).fetchone()
    return f"{count + 1:03d}"


def planned(db: Database, draft: Draft, answers: dict, speciality: str, at: str) -> Application:
    """The application ``create`` would record now (id 0: not recorded), read without the
    write lock so that its documents can be rendered first; ``create`` re-checks it."""
    return Application(
        id=0,
        account_id=draft.account_id,
        academy=draft.academy,
        exam=draft.exam,
        session=draft.session,
        number=next_number(db, draft.account_id),
        status=REGISTERED,
        created_at=at,
        speciality=speciality,
        answers=answers,
        version=1,
        updated_at=at,
        withdrawn_at=None,
    )


def create(
    db: Database, draft: Draft, answers: dict, speciality: str, at: str | None = None
) -> Application:
    """Application number 001, 002… per candidate, version 1, in the caller's transaction;
    ``at``: the time its documents print (now by default)."""
    if live(db, draft.account_id, draft.exam, draft.session):
        raise AlreadyRegistered(draft.exam)
    number = next_number(db, draft.account_id)
    now = at or clock.stamp()
    answers = json.dumps(answers)
    new_id = db.execute(
        "INSERT INTO applications (account_id, academy, exam, session, number, status,"
        " created_at, speciality, answers, version, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) RETURNING id",
        [
            draft.account_id,
            draft.academy,
            draft.exam,
            draft.session,
            number,
            REGISTERED,
            now,
            speciality,
            answers,
            now,
        ],
    ).fetchone()[0]
    db.execute(
        "INSERT INTO application_versions (application_id, version, answers, saved_at)"
        " VALUES (?, 1, ?, ?)",
        [new_id, answers, now],
    )
    search_keys.for_application(db, new_id)
    _counted(db, draft.academy, draft.exam, draft.session, REGISTERED, 1)
    return by_id(db, new_id)


def modify(
    db: Database, application: Application, answers: dict, speciality: str, at: str | None = None
) -> Application:
    """A new version of the application with these answers; ``at`` as for ``create``."""
    now = at or clock.stamp()
    version = application.version + 1
    db.execute(
        "UPDATE applications SET answers = ?, speciality = ?, version = ?, updated_at = ?"
        " WHERE id = ?",
        [json.dumps(answers), speciality, version, now, application.id],
    )
    db.execute(
        "INSERT INTO application_versions (application_id, version, answers, saved_at)"
        " VALUES (?, ?, ?, ?)",
        [application.id, version, json.dumps(answers), now],
    )
    return by_id(db, application.id)


def withdraw(db: Database, application: Application) -> Application:
    now = clock.stamp()
    db.execute(
        "UPDATE applications SET status = ?, withdrawn_at = ?, updated_at = ? WHERE id = ?",
        [WITHDRAWN, now, now, application.id],
    )
    _moved(db, application, WITHDRAWN)
    return by_id(db, application.id)


def lock(db: Database, application_id: int) -> None:
    """Until the caller's transaction ends, the application's other writers wait: what it
    read about the application stays true (a row lock on PostgreSQL; on SQLite the
    transaction already excludes every other writer)."""
    db.lock("applications", application_id)


def by_id(db: Database, application_id: int) -> Application | None:
    row = db.execute(
        f"SELECT {APPLICATION_COLUMNS} FROM applications WHERE id = ?", [application_id]
    ).fetchone()
    return _application(row)


def of_account(db: Database, account_id: int, number: str) -> Application | None:
    """The candidate's application by its number; None for anybody else's."""
    row = db.execute(
        f"SELECT {APPLICATION_COLUMNS} FROM applications WHERE account_id = ? AND number = ?",
        [account_id, number],
    ).fetchone()
    return _application(row)


def live(db: Database, account_id: int, exam: str, session: str) -> Application | None:
    row = db.execute(
        f"SELECT {APPLICATION_COLUMNS} FROM applications WHERE account_id = ? AND exam = ?"
        f" AND session = ? AND {IS_REGISTERED}",
        [account_id, exam, session],
    ).fetchone()
    return _application(row)


def registered_of(db: Database, account_id: int) -> list[Application]:
    rows = db.execute(
        f"SELECT {APPLICATION_COLUMNS} FROM applications WHERE account_id = ? AND {IS_REGISTERED}"
        " ORDER BY number",
        [account_id],
    )
    return [_application(row) for row in rows]


def academies_of(db: Database, account_id: int) -> list[str]:
    """The académies of all the account's applications (withdrawn ones included)."""
    rows = db.execute(
        "SELECT DISTINCT academy FROM applications WHERE account_id = ?", [account_id]
    )
    return [academy for (academy,) in rows]


# -- the back office: exam sessions within a scope, closing -------------------------------


@dataclass(frozen=True)
class Group:
    """The registered applications of one exam session in one académie."""

    academy: str
    exam: str
    session: str
    count: int

    @property
    def key(self) -> str:
        return f"{self.academy}|{self.exam}|{self.session}"


@dataclass(frozen=True)
class Registered:
    """A registered application of a group, and its candidate's account."""

    application_id: int
    account_id: int


def session_groups(db: Database, scope: tuple[str, ...]) -> list[Group]:
    """The exam sessions of the académies with registered applications, and how many."""
    return [Group(a, e, s, n) for a, e, s, _, n in counts(db, scope, status=REGISTERED)]


def registered_in(db: Database, group: Group) -> list[Registered]:
    """The group's registered applications, in the order they were created."""
    rows = db.execute(
        "SELECT id, account_id FROM applications WHERE status = ? AND academy = ?"
        " AND exam = ? AND session = ? ORDER BY id",
        [REGISTERED, group.academy, group.exam, group.session],
    )
    return [Registered(*row) for row in rows]


def close(db: Database, application: Application, status: str) -> Application:
    """Withdrawn or rejected by the office: it leaves the candidate's « Mes inscriptions »."""
    if status not in (OFFICE_WITHDRAWN, REJECTED):
        raise ValueError(status)
    now = clock.stamp()
    withdrawn = now if status == OFFICE_WITHDRAWN else None
    closed = db.execute(
        "UPDATE applications SET status = ?, closed_at = ?, withdrawn_at = coalesce(?,"
        " withdrawn_at), updated_at = ? WHERE id = ? AND status = ?",
        [status, now, withdrawn, now, application.id, REGISTERED],
    )
    if closed.rowcount:
        _moved(db, application, status)
    return by_id(db, application.id)


# -- the counts by state (migration 0013) ----------------------------------------------------


def _counted(db: Database, academy: str, exam: str, session: str, status: str, delta: int) -> None:
    db.execute(
        "INSERT INTO application_counts (academy, exam, session, status, count)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (academy, exam, session, status)"
        " DO UPDATE SET count = application_counts.count + excluded.count",
        [academy, exam, session, status, delta],
    )


def _moved(db: Database, application: Application, status: str) -> None:
    """The application left ``application.status`` for ``status``: the counts follow, and
    its pieces leave the queue and the dashboard (they count registered applications)."""
    where = (application.academy, application.exam, application.session)
    _counted(db, *where, application.status, -1)
    _counted(db, *where, status, 1)
    if application.status == REGISTERED:
        piece_counts.count(db, "p.application_id = ?", [application.id], -1)
        db.execute("UPDATE pieces SET group_key = NULL WHERE application_id = ?", [application.id])


def count_added(db: Database, first_id: int, last_id: int) -> None:
    """Count the applications written in bulk with ids in [first_id, last_id]."""
    db.execute(
        "INSERT INTO application_counts (academy, exam, session, status, count)"
        " SELECT academy, exam, session, status, count(*) FROM applications"
        " WHERE id >= ? AND id <= ? GROUP BY academy, exam, session, status"
        " ON CONFLICT (academy, exam, session, status)"
        " DO UPDATE SET count = application_counts.count + excluded.count",
        [first_id, last_id],
    )


def counts(
    db: Database, academies: tuple[str, ...], exam: str = "", session: str = "", status: str = ""
) -> list[tuple[str, str, str, str, int]]:
    """(académie, exam, session, state, how many) of these académies, optionally of one
    exam, session or state: a few rows, whatever the number of applications."""
    if not academies:
        return []
    clauses = [f"academy IN ({', '.join('?' * len(academies))})", "count > 0"]
    params: list = list(academies)
    for column, value in (("exam", exam), ("session", session), ("status", status)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    rows = db.execute(
        "SELECT academy, exam, session, status, count FROM application_counts"
        f" WHERE {' AND '.join(clauses)} ORDER BY academy, exam, session, status",
        params,
    )
    return rows.fetchall()
