"""Documents published for an application: each a versioned PDF kept under DATA_DIR.

The confirmation (or, for the G02 model, the récapitulatif) and the request for
supporting documents are produced at every save of the application, in the same
transaction: the file is written durably before the row that points to it commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from catalog import Catalog
from worker import clock, refdata
from worker.documents import layout as pdf
from worker.files import storage
from worker.forms import wizard
from worker.rules import pieces as supporting
from worker.store.accounts import Account
from worker.store.applications import Application

AREA = "documents"
TITLES = {
    "confirmation": "Confirmation d'inscription",
    "recapitulatif": "Récapitulatif d'inscription",
    "demande_pj": "Demande de pièces justificatives",
}


@dataclass(frozen=True)
class Document:
    id: int
    application_id: int
    kind: str
    title: str
    version: int
    stored_name: str
    created_at: str
    viewed_at: str | None


def latest(db: Database, application_id: int) -> list[Document]:
    """« Mes documents »: the latest version of each kind of document."""
    rows = db.execute(
        "SELECT id, application_id, kind, title, version, stored_name, created_at, viewed_at"
        " FROM documents d WHERE application_id = ? AND version = (SELECT max(version)"
        " FROM documents WHERE application_id = d.application_id AND kind = d.kind)"
        " ORDER BY created_at, id",
        [application_id],
    )
    return [Document(*row) for row in rows]


def one(db: Database, application_id: int, document_id: int) -> Document | None:
    row = db.execute(
        "SELECT id, application_id, kind, title, version, stored_name, created_at, viewed_at"
        " FROM documents WHERE id = ? AND application_id = ?",
        [document_id, application_id],
    ).fetchone()
    return Document(*row) if row else None


def mark_viewed(db: Database, document: Document) -> None:
    if document.viewed_at is None:
        db.execute("UPDATE documents SET viewed_at = ? WHERE id = ?", [clock.stamp(), document.id])


def unviewed(db: Database, application_id: int) -> bool:
    return any(d.viewed_at is None for d in latest(db, application_id))


def publish(
    db: Database,
    data_dir: str,
    application_id: int,
    kind: str,
    version: int,
    content: bytes,
    title: str | None = None,
) -> Document:
    name = storage.new_name()
    storage.write_bytes(storage.path_of(data_dir, AREA, name), content)
    db.execute(
        "INSERT INTO documents (application_id, kind, title, version, stored_name, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [application_id, kind, title or TITLES.get(kind, kind), version, name, clock.stamp()],
    )
    return latest_of(db, application_id, kind)


def latest_of(db: Database, application_id: int, kind: str) -> Document:
    return next(d for d in latest(db, application_id) if d.kind == kind)


def publish_registration(
    db: Database, data_dir: str, catalog: Catalog, account: Account, application: Application
) -> None:
    """The application's official documents for its current version."""
    exam = catalog.exams[application.exam]
    now = clock.now()
    content = pdf.registration_pdf(registration(catalog, account, application, now))
    publish(db, data_dir, application.id, exam.document, application.version, content)
    pieces = supporting.requested(exam, application)
    if pieces:
        request = pieces_request(catalog, account, application, now)
        publish(
            db,
            data_dir,
            application.id,
            "demande_pj",
            application.version,
            pdf.pieces_request_pdf(request),
        )


def office(catalog: Catalog, code: str) -> pdf.Office:
    academy = catalog.academies[code]
    o = academy.exam_office
    return pdf.Office(
        academy_name=academy.name,
        region=academy.region,
        name=o.name,
        address=o.address,
        phone=o.phone,
        email=o.email,
    )


def _answer(catalog: Catalog, application: Application, name: str, ctx: wizard.Context) -> str:
    for step in catalog.steps.values():
        for field in step.fields:
            if field.name == name and name in application.answers:
                return wizard.display(field, application.answers[name], ctx).upper()
    return ""


def registration(
    catalog: Catalog, account: Account, application: Application, now
) -> pdf.Registration:
    exam = catalog.exams[application.exam]
    session = exam.session(application.session)
    academy = catalog.academies[application.academy]
    answers = application.answers
    ctx = wizard.Context(
        catalog=catalog,
        exam=exam,
        session=session,
        academy=academy,
        account=account,
        answers=answers,
        now=now,
    )
    period = supporting.period_of(catalog, application)
    speciality = exam.speciality(application.speciality)
    establishment = next(
        (
            e
            for e in catalog.establishments_of(application.academy)
            if e.uai == answers.get("etablissement")
        ),
        None,
    )
    born_in = (
        f"{account.birth_commune_name.upper()} - {account.birth_departement.zfill(3)}"
        if account.birth_commune_name
        else dict(refdata.countries()).get(account.birth_country, account.birth_country)
    )
    address = tuple(
        str(answers.get(k, ""))
        for k in ("adresse_ligne1", "adresse_ligne2", "adresse_ligne3")
        if answers.get(k)
    )
    town = f"{answers.get('adresse_code_postal', '')} {answers.get('adresse_localite', '')}".strip()
    shown = {
        "etablissement",
        "categorie_candidat",
        "specialite",
        "forme_passage",
        "diplome_possede",
        "amenagement_handicap",
        "diffusion_presse",
        "diffusion_collectivites",
        "nationalite",
        "telephone_portable",
    }
    others = tuple(
        row
        for section in wizard.summary(ctx, catalog.exam_steps(exam))
        for row in section.rows
        if row[0] not in _labels(catalog, shown)
    )
    return pdf.Registration(
        title="RÉCAPITULATIF D'INSCRIPTION"
        if exam.document == "recapitulatif"
        else "CONFIRMATION D'INSCRIPTION",
        exam_name=exam.name,
        session_label=session.label if session else application.session,
        version=application.version,
        version_at=clock.parse(application.updated_at or application.created_at),
        candidate_number=account.candidate_number or "",
        application_number=application.number,
        civility="MADAME" if account.civility == "MME" else "MONSIEUR",
        last_name=account.last_name.upper(),
        first_names=account.first_names,
        usual_name=account.usual_name,
        birth_date=date.fromisoformat(account.birth_date),
        birth_place=born_in,
        nationality=_answer(catalog, application, "nationalite", ctx),
        address=(*address, town) if town else address,
        phone=str(answers.get("telephone_portable", "")),
        email=account.email,
        category=_answer(catalog, application, "categorie_candidat", ctx),
        establishment=(
            f"{establishment.name} - {establishment.town} ({establishment.uai})"
            if establishment
            else ""
        ),
        speciality=speciality.name if speciality else "",
        sitting_form=_answer(catalog, application, "forme_passage", ctx),
        diploma=_answer(catalog, application, "diplome_possede", ctx),
        accommodation=_answer(catalog, application, "amenagement_handicap", ctx),
        consent_press=_answer(catalog, application, "diffusion_presse", ctx),
        consent_authorities=_answer(catalog, application, "diffusion_collectivites", ctx),
        return_by=(
            clock.parse(period.confirmation_due.isoformat()).date()
            if exam.document == "confirmation" and period and period.confirmation_due
            else None
        ),
        tests=tuple(
            pdf.TestLine(
                code=r.test.code,
                name=r.test.name,
                kind={
                    "obligatoire": "Obligatoire",
                    "facultative": "Facultative",
                    "choix": "À choix",
                }[r.test.kind],
                status=r.status,
                mode=r.test.mode,
                option=r.option,
                mark=r.mark,
                year=r.year,
            )
            for r in wizard.test_rows(exam, answers, application.speciality)
        ),
        answers=others,
        office=office(catalog, application.academy),
        edited_at=now,
    )


def _labels(catalog: Catalog, names: set[str]) -> set[str]:
    return {f.label for step in catalog.steps.values() for f in step.fields if f.name in names}


def pieces_request(catalog: Catalog, account: Account, application: Application, now):
    exam = catalog.exams[application.exam]
    period = supporting.period_of(catalog, application)
    session = exam.session(application.session)
    return pdf.PiecesRequest(
        exam_name=exam.name,
        session_label=session.label if session else application.session,
        candidate_number=account.candidate_number or "",
        application_number=application.number,
        civility="MADAME" if account.civility == "MME" else "MONSIEUR",
        last_name=account.last_name.upper(),
        first_names=account.first_names,
        pieces=tuple(
            pdf.RequestedPiece(
                label=p.label,
                mode=supporting.MODES[p.mode],
                deadline=supporting.deadline_of(p, period),
                hint=p.hint,
            )
            for p in supporting.requested(exam, application)
        ),
        office=office(catalog, application.academy),
        edited_at=now,
    )


def known_files(db: Database) -> set[str]:
    return {r[0] for r in db.execute("SELECT stored_name FROM documents")}
