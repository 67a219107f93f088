"""What an exam office publishes for its candidates, and what it does on their behalf:
documents (a PDF uploaded for one application, or one generated for every registered
application of an exam session), results (« Mes notes »), messages, corrections of the
identity, withdrawal and rejection. The data layer: views call these functions.

Everything takes the staff member's scope (their académies) where it reads or writes more
than one application; single applications are found in scope by the views beforehand.
Writes expect to run inside ``db.transaction()``, except ``run_publication`` which opens
one transaction per application so that an interrupted publication loses nothing.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import partial

from sqlite_utils import Database

from catalog import Catalog
from worker import clock
from worker.documents import issuing, notice
from worker.rules import recap
from worker.store import accounts, applications, staff
from worker.store.accounts import Account
from worker.store.applications import Application
from worker.store.db import transaction
from worker.store.staff import Staff

# Documents a staff member uploads for one application (PDF only), by kind.
KINDS = {
    "convocation": "Convocation",
    "releve_notes": "Relevé de notes",
    "notification_amenagement": "Notification de mesures d'aménagement",
}
# Documents generated for a whole exam session from a title and a text.
BULK_KINDS = {"convocation": "Convocation", "notification": "Notification"}
# Marks that are not numbers.
MARK_CODES = {"ABS": "Absent", "DISP": "Dispensé"}
MARK = re.compile(r"^(\d{1,2})(?:[.,](\d{1,2}))?$")
MAX_MARK = 20


# -- results (« Mes notes ») ---------------------------------------------------------------


def normalize_mark(text: str) -> str:
    """« 12,5 », « 8 », « ABS »: the mark as stored; ValueError with the reason otherwise."""
    value = " ".join(str(text).split()).upper()
    if value in MARK_CODES:
        return value
    found = MARK.match(value)
    if not found:
        raise ValueError(
            f"« {text} » n'est pas une note : saisissez un nombre de 0 à 20 "
            "(par exemple 12,5) ou ABS (absent), DISP (dispensé)."
        )
    whole, decimals = found.group(1), (found.group(2) or "").rstrip("0")
    number = float(f"{whole}.{decimals or 0}")
    if number > MAX_MARK:
        raise ValueError(f"« {text} » dépasse {MAX_MARK} : les notes sont sur 20.")
    return f"{int(whole)},{decimals}" if decimals else str(int(whole))


def results_of(db: Database, application_id: int) -> dict[str, str]:
    """Test code → published mark."""
    return {
        code: mark
        for code, mark in db.execute(
            "SELECT test_code, mark FROM results WHERE application_id = ?", [application_id]
        )
    }


def save_results(db: Database, application_id: int, marks: dict[str, str]) -> dict[str, str]:
    """Publish these marks (test code → mark, "" removes it); returns the marks before."""
    before = results_of(db, application_id)
    now = clock.stamp()
    for code, mark in marks.items():
        if not mark:
            db.execute(
                "DELETE FROM results WHERE application_id = ? AND test_code = ?",
                [application_id, code],
            )
        elif before.get(code) != mark:
            db.execute(
                "INSERT INTO results (application_id, test_code, mark, published_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (application_id, test_code)"
                " DO UPDATE SET mark = excluded.mark, published_at = excluded.published_at",
                [application_id, code, mark, now],
            )
    return before


@dataclass(frozen=True)
class ResultLine:
    code: str
    name: str
    status: str  # Inscrit, Bénéfice… ("" for a test no longer in the catalogue)
    mark: str  # as stored: "12,5", "ABS"

    @property
    def shown(self) -> str:
        if self.mark in MARK_CODES:
            return MARK_CODES[self.mark]
        return f"{self.mark}/20" if self.mark else "—"


def result_lines(catalog: Catalog, application: Application, marks: dict[str, str]):
    """The application's tests in the catalogue's order with their marks, then any marked
    test the catalogue no longer lists."""
    exam = catalog.exams.get(application.exam)
    rows = (
        [
            r
            for r in recap.test_rows(exam, application.answers, application.speciality)
            if r.status != "Non inscrit"
        ]
        if exam
        else []
    )
    lines = [
        ResultLine(r.test.code, r.test.name, r.status, marks.get(r.test.code, "")) for r in rows
    ]
    known = {line.code for line in lines}
    lines += [
        ResultLine(code, code, "", mark)
        for code, mark in sorted(marks.items())
        if code not in known
    ]
    return lines


# -- exam sessions within a scope ----------------------------------------------------------


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


def session_groups(db: Database, scope: tuple[str, ...]) -> list[Group]:
    if not scope:
        return []
    rows = db.execute(
        "SELECT academy, exam, session, count(*) FROM applications"
        f" WHERE status = ? AND academy IN ({', '.join('?' * len(scope))})"
        " GROUP BY academy, exam, session ORDER BY academy, exam, session",
        [applications.REGISTERED, *scope],
    )
    return [Group(*row) for row in rows]


def registered_in(db: Database, group: Group) -> list[tuple[int, int]]:
    """(application id, account id) of the group's registered applications."""
    return [
        (row[0], row[1])
        for row in db.execute(
            "SELECT id, account_id FROM applications WHERE status = ? AND academy = ?"
            " AND exam = ? AND session = ? ORDER BY id",
            [applications.REGISTERED, group.academy, group.exam, group.session],
        )
    ]


# -- on the candidate's behalf ------------------------------------------------------------


def identity_of(account: Account) -> dict[str, str]:
    return {name: getattr(account, name) for name in accounts.IDENTITY_FIELDS}


def close(db: Database, application: Application, status: str) -> Application:
    """Withdrawn or rejected by the office: it leaves the candidate's « Mes inscriptions »."""
    if status not in (applications.OFFICE_WITHDRAWN, applications.REJECTED):
        raise ValueError(status)
    now = clock.stamp()
    withdrawn = now if status == applications.OFFICE_WITHDRAWN else None
    db.execute(
        "UPDATE applications SET status = ?, closed_at = ?, withdrawn_at = coalesce(?,"
        " withdrawn_at), updated_at = ? WHERE id = ? AND status = ?",
        [status, now, withdrawn, now, application.id, applications.REGISTERED],
    )
    return applications.by_id(db, application.id)


# -- generated documents ------------------------------------------------------------------


# -- bulk publications --------------------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    id: int
    staff_id: int
    academy: str
    exam: str
    session: str
    kind: str
    title: str
    body: str
    total: int
    created_at: str
    finished_at: str | None
    published: int
    skipped: int

    @property
    def remaining(self) -> int:
        return self.total - self.published - self.skipped


PUBLICATION_COLUMNS = (
    "p.id, p.staff_id, p.academy, p.exam, p.session, p.kind, p.title, p.body, p.total,"
    " p.created_at, p.finished_at,"
    " (SELECT count(*) FROM publication_items i WHERE i.publication_id = p.id"
    " AND i.outcome = 'published'),"
    " (SELECT count(*) FROM publication_items i WHERE i.publication_id = p.id"
    " AND i.outcome = 'skipped')"
)


def start_publication(
    db: Database, member: Staff, group: Group, kind: str, title: str, body: str
) -> Publication:
    """A publication for every application of the group registered now (not yet done)."""
    cursor = db.execute(
        "INSERT INTO publications (staff_id, academy, exam, session, kind, title, body, total,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
        [member.id, group.academy, group.exam, group.session, kind, title, body, clock.stamp()],
    )
    publication_id = cursor.lastrowid
    added = db.execute(
        "INSERT INTO publication_items (publication_id, application_id) SELECT ?, id"
        " FROM applications WHERE status = ? AND academy = ? AND exam = ? AND session = ?",
        [publication_id, applications.REGISTERED, group.academy, group.exam, group.session],
    ).rowcount
    db.execute("UPDATE publications SET total = ? WHERE id = ?", [added, publication_id])
    return publication_in_scope(db, (group.academy,), publication_id)


def publication_in_scope(
    db: Database, scope: tuple[str, ...], publication_id: int
) -> Publication | None:
    row = db.execute(
        f"SELECT {PUBLICATION_COLUMNS} FROM publications p WHERE p.id = ?", [publication_id]
    ).fetchone()
    found = Publication(*row) if row else None
    return found if found is not None and found.academy in scope else None


def recent_publications(db: Database, scope: tuple[str, ...], limit: int = 20) -> list[Publication]:
    if not scope:
        return []
    rows = db.execute(
        f"SELECT {PUBLICATION_COLUMNS} FROM publications p"
        f" WHERE p.academy IN ({', '.join('?' * len(scope))}) ORDER BY p.id DESC LIMIT ?",
        [*scope, limit],
    )
    return [Publication(*row) for row in rows]


def run_publication(
    db: Database,
    data_dir: str,
    catalog: Catalog,
    member: Staff,
    publication: Publication,
    seconds: float,
) -> Publication:
    """Publish the pending documents of the publication, one transaction per application,
    until done or ``seconds`` have passed; returns the publication with its counts."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = db.execute(
            "SELECT application_id FROM publication_items WHERE publication_id = ?"
            " AND outcome = '' ORDER BY application_id LIMIT 1",
            [publication.id],
        ).fetchone()
        if row is None:
            break
        _publish_item(db, data_dir, catalog, member, publication, row[0])
    with transaction(db):
        db.execute(
            "UPDATE publications SET finished_at = ? WHERE id = ? AND finished_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM publication_items WHERE publication_id = ?"
            " AND outcome = '')",
            [clock.stamp(), publication.id, publication.id],
        )
    return publication_in_scope(db, (publication.academy,), publication.id)


def _publish_item(db, data_dir, catalog, member, publication, application_id) -> None:
    application = applications.by_id(db, application_id)
    content = None
    if (
        application.status == applications.REGISTERED
        and application.academy == publication.academy
        and application.exam in catalog.exams
    ):
        account = accounts.by_id(db, application.account_id)
        content = partial(  # rendered with its verification code, once it has an id
            notice.render,
            notice.build(
                catalog,
                account,
                application,
                publication.kind,
                publication.title,
                publication.body,
                clock.now(),
            ),
        )
    with transaction(db):
        (outcome,) = db.execute(
            "SELECT outcome FROM publication_items WHERE publication_id = ? AND application_id = ?",
            [publication.id, application_id],
        ).fetchone()
        if outcome:  # done meanwhile by another request (a double click)
            return
        current = applications.by_id(db, application_id)
        if content is None or current.status != applications.REGISTERED:
            db.execute(
                "UPDATE publication_items SET outcome = 'skipped', done_at = ?"
                " WHERE publication_id = ? AND application_id = ?",
                [clock.stamp(), publication.id, application_id],
            )
            return
        document = issuing.publish_document(
            db, data_dir, application_id, publication.kind, content, publication.title
        )
        db.execute(
            "UPDATE publication_items SET outcome = 'published', document_id = ?, done_at = ?"
            " WHERE publication_id = ? AND application_id = ?",
            [document.id, clock.stamp(), publication.id, application_id],
        )
        staff.audit(
            db,
            member,
            "document.publish",
            academy=current.academy,
            application_id=application_id,
            account_id=current.account_id,
            before={"kind": publication.kind, "version": document.version - 1 or None},
            after={
                "kind": publication.kind,
                "title": publication.title,
                "version": document.version,
                "publication": publication.id,
            },
        )
