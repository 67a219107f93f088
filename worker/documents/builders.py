"""From an application to the record each PDF document prints (names, answers, office).

The layout modules take these plain records; nothing here draws on a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from catalog import Catalog
from worker import clock, refdata
from worker.documents import layout as pdf
from worker.rules import pieces as supporting
from worker.rules import recap
from worker.store.accounts import Account
from worker.store.applications import Application


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


def _answer(catalog: Catalog, application: Application, name: str, ctx: recap.Context) -> str:
    for step in catalog.steps.values():
        for field in step.fields:
            if field.name == name and name in application.answers:
                return recap.display(field, application.answers[name], ctx).upper()
    return ""


def registration(
    catalog: Catalog, account: Account, application: Application, now
) -> pdf.Registration:
    exam = catalog.exams[application.exam]
    session = exam.session(application.session)
    academy = catalog.academies[application.academy]
    answers = application.answers
    ctx = recap.Context(
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
        for section in recap.summary(ctx, catalog.exam_steps(exam))
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
            for r in recap.test_rows(exam, answers, application.speciality)
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
        office=office(catalog, application.academy),
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
