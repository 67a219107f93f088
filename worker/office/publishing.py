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
from datetime import date, datetime

from sqlite_utils import Database

from catalog import Catalog
from worker import clock, refdata
from worker.documents import layout as pdf
from worker.documents import published
from worker.forms import wizard
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


def next_version(db: Database, application_id: int, kind: str) -> int:
    (current,) = db.execute(
        "SELECT coalesce(max(version), 0) FROM documents WHERE application_id = ? AND kind = ?",
        [application_id, kind],
    ).fetchone()
    return current + 1


def publish_document(
    db: Database, data_dir: str, application_id: int, kind: str, content: bytes, title: str
) -> published.Document:
    """A new version of this kind of document in the candidate's « Mes documents »."""
    version = next_version(db, application_id, kind)
    return published.publish(db, data_dir, application_id, kind, version, content, title)


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
            for r in wizard.test_rows(exam, application.answers, application.speciality)
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


@dataclass(frozen=True)
class Notice:
    """A convocation or notification for one application, from the office's title and text."""

    title: str
    body: str
    exam_name: str
    speciality: str
    session_label: str
    academy_name: str
    candidate_number: str
    application_number: str
    civility: str
    last_name: str
    first_names: str
    usual_name: str
    birth_date: date
    birth_place: str
    address: tuple[str, ...]
    convocation: bool
    office: pdf.Office
    edited_at: datetime


def notice_of(
    catalog: Catalog,
    account: Account,
    application: Application,
    kind: str,
    title: str,
    body: str,
    now: datetime,
) -> Notice:
    exam = catalog.exams[application.exam]
    session = exam.session(application.session)
    speciality = exam.speciality(application.speciality)
    answers = application.answers
    born_in = (
        f"{account.birth_commune_name.upper()} - {account.birth_departement.zfill(3)}"
        if account.birth_commune_name
        else dict(refdata.countries()).get(account.birth_country, account.birth_country)
    )
    address = tuple(
        str(answers[k])
        for k in ("adresse_ligne1", "adresse_ligne2", "adresse_ligne3")
        if answers.get(k)
    )
    town = f"{answers.get('adresse_code_postal', '')} {answers.get('adresse_localite', '')}".strip()
    return Notice(
        title=title,
        body=body,
        exam_name=exam.name,
        speciality=speciality.name if speciality else "",
        session_label=session.label if session else application.session,
        academy_name=catalog.academies[application.academy].name,
        candidate_number=account.candidate_number or "",
        application_number=application.number,
        civility="MADAME" if account.civility == "MME" else "MONSIEUR",
        last_name=account.last_name,
        first_names=account.first_names,
        usual_name=account.usual_name,
        birth_date=date.fromisoformat(account.birth_date),
        birth_place=born_in,
        address=(*address, town) if town else address,
        convocation=kind == "convocation",
        office=published.office(catalog, application.academy),
        edited_at=now,
    )


def notice_pdf(doc: Notice) -> bytes:
    """The document as PDF bytes, in the layout and fonts of the registration documents;
    every text is printed as data."""
    title = pdf.one_line(doc.title).upper()
    page, body_top = pdf.open_document(
        doc, title=title, subtitle=[doc.exam_name], address=doc.address
    )
    page.set_xy(pdf.MARGIN, body_top + 4)
    page.band("CANDIDAT")
    page.grid(
        [
            ("Nom", doc.last_name.upper()),
            ("Prénom(s)", doc.first_names),
            ("Nom d'usage", doc.usual_name.upper()),
            ("N° candidat", doc.candidate_number),
            ("Né(e) le", doc.birth_date.strftime("%d/%m/%Y")),
            ("À", doc.birth_place),
        ]
    )
    page.band("EXAMEN")
    for label, value in (
        ("Examen", doc.exam_name),
        ("Spécialité", doc.speciality),
        ("Session", doc.session_label),
        ("Académie", doc.academy_name),
        ("Inscription n°", doc.application_number),
    ):
        if value.strip():
            page.keep(pdf.LINE)
            page.inline([(f"{label} : ", False), (pdf.one_line(value), True)])
    page.band(title)
    page.para(doc.body)
    if doc.convocation:
        page.ln(3)
        page.para(
            "Présentez-vous muni(e) de cette convocation et d'une pièce d'identité officielle "
            "avec photographie : elles vous seront demandées.",
            bold=True,
        )
    page.ln(2)
    page.para(
        "Pour toute question, contactez le service des examens (coordonnées en haut de ce "
        "document).",
        size=8.5,
        color=pdf.GREY,
    )
    return page.to_bytes()


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
        content = notice_pdf(
            notice_of(
                catalog,
                account,
                application,
                publication.kind,
                publication.title,
                publication.body,
                clock.now(),
            )
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
        document = publish_document(
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
