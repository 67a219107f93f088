"""The confirmation d'inscription (G01, BTS, CAP…), to return signed by a given day, and
the récapitulatif d'inscription (G02 model), to keep: the record, how it is built from an
application, and its layout. The fixed texts are in ``templates/documents/confirmation.toml``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from catalog import Catalog
from catalog.dates import format_day
from worker import clock
from worker.documents import records
from worker.documents.formatting import format_stamp, one_line
from worker.documents.layout import compile_pdf, heading_data, pairs, paragraph
from worker.documents.records import Office
from worker.documents.texts import runs, text
from worker.rules import pieces as supporting
from worker.rules import recap
from worker.store.accounts import Account
from worker.store.applications import Application

CONFIRMATION = "CONFIRMATION D'INSCRIPTION"
RECAPITULATIF = "RÉCAPITULATIF D'INSCRIPTION"
KINDS = {"obligatoire": "Obligatoire", "facultative": "Facultative", "choix": "À choix"}
# Answers printed in their own place of the document, not among the other answers.
SHOWN = frozenset(
    {
        "etablissement",
        "categorie_candidat",
        "specialite",
        "specialite_generique",
        "forme_passage",
        "diplome_possede",
        "amenagement_handicap",
        "diffusion_presse",
        "diffusion_collectivites",
        "nationalite",
        "telephone_portable",
        *records.ADDRESS_FIELDS,  # printed as the postal address
    }
)


@dataclass(frozen=True)
class TestLine:
    """One test (épreuve) of the registration, as printed in the tests table."""

    __test__ = False  # not a pytest test class, whatever its name

    code: str
    name: str
    kind: str  # "Obligatoire" | "Facultative" | "À choix"
    status: str  # "Inscrit" | "Non inscrit" | "Bénéfice" | "Dispensé"
    mode: str = ""  # "Ponctuel", "CCF"…
    option: str = ""  # "Allemand"
    mark: str = ""  # "14,5" (out of 20) for a Bénéfice
    year: str = ""  # "2025"
    unit: str = ""  # "U1", "UF1": the unit of the exam's regulation, where it has units


@dataclass(frozen=True)
class Registration:
    """A confirmation (G01, BTS, CAP…) or récapitulatif (G02) d'inscription."""

    title: str  # "CONFIRMATION D'INSCRIPTION" or "RÉCAPITULATIF D'INSCRIPTION"
    exam_name: str
    session_label: str
    version: int
    version_at: datetime  # printed in Paris time: "Version : 2 du 14/11/2026 à 09:05"
    candidate_number: str
    application_number: str
    civility: str  # "MADAME" / "MONSIEUR"
    last_name: str
    first_names: str
    usual_name: str
    birth_date: date
    birth_place: str  # "RENNES - 035" or a country
    nationality: str
    address: tuple[str, ...]
    phone: str
    email: str
    category: str = ""  # "INDIVIDUEL"
    establishment: str = ""  # "LYCEE … - RENNES (0350029P)"
    speciality: str = ""
    speciality_label: str = "Spécialité"  # « Secteur disciplinaire » for certifications
    sitting_form: str = ""  # "GLOBALE"…
    diploma: str = ""
    accommodation: str = ""  # "OUI" / "NON" / "": aménagement d'épreuves (handicap)
    consent_press: str = ""  # "OUI" / "NON" / "": printed only when not empty
    consent_authorities: str = ""
    return_by: date | None = None  # None: no return deadline and no signature block
    tests: tuple[TestLine, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  # (question, answer): other answers
    tests_note: str = ""  # « NB : … » under the tests (exam setting)
    reference: str = ""  # « Référence réservée à l'administration » box: académie, or "" for none
    office: Office = field(kw_only=True)  # required, by keyword
    edited_at: datetime = field(kw_only=True)  # footer « Édité le … » and PDF creation date


# --------------------------------------------------------------------------- record


def build(
    catalog: Catalog, account: Account, application: Application, now: datetime
) -> Registration:
    """The document of the application's current version, as its exam's model wants it."""
    exam = catalog.exams[application.exam]
    ctx = _context(catalog, account, application, now)

    def answer(name: str, capitals: bool = True) -> str:
        return _answer(catalog, application, name, ctx, capitals)

    speciality = exam.speciality(application.speciality)
    return Registration(
        **records.heading_fields(catalog, account, application),
        title=RECAPITULATIF if exam.document == "recapitulatif" else CONFIRMATION,
        version=application.version,
        version_at=clock.parse(application.updated_at or application.created_at),
        last_name=account.last_name.upper(),
        usual_name=account.usual_name,
        birth_date=date.fromisoformat(account.birth_date),
        birth_place=records.birth_place(account),
        nationality=answer("nationalite", capitals=False),
        address=records.postal_address(application.answers),
        phone=str(application.answers.get("telephone_portable", "")),
        email=account.email,
        category=answer("categorie_candidat"),
        establishment=_establishment(catalog, application),
        speciality=speciality.name if speciality else "",
        speciality_label=exam.speciality_label,
        sitting_form=answer("forme_passage"),
        diploma=answer("diplome_possede"),
        accommodation=answer("amenagement_handicap"),
        consent_press=answer("diffusion_presse"),
        consent_authorities=answer("diffusion_collectivites"),
        return_by=supporting.confirmation_due(catalog, application),
        tests=_test_lines(catalog, application),
        answers=_other_answers(catalog, ctx),
        tests_note=exam.tests_note,
        reference=catalog.academies[application.academy].name.upper()
        if exam.administration_reference
        else "",
        office=records.office(catalog, application.academy),
        edited_at=now,
    )


def _context(
    catalog: Catalog, account: Account, application: Application, now: datetime
) -> recap.Context:
    exam = catalog.exams[application.exam]
    return recap.Context(
        catalog=catalog,
        exam=exam,
        session=exam.session(application.session),
        academy=catalog.academies[application.academy],
        account=account,
        answers=application.answers,
        now=now,
    )


def _answer(
    catalog: Catalog, application: Application, name: str, ctx: recap.Context, capitals=True
) -> str:
    """The answer to the question ``name`` as the récapitulatif shows it, in capitals
    unless told otherwise (the nationality reads « Française », as content/lists.toml words it)."""
    for step in catalog.steps.values():
        for question in step.fields:
            if question.name == name and name in application.answers:
                shown = recap.display(question, application.answers[name], ctx)
                return shown.upper() if capitals else shown
    return ""


def _establishment(catalog: Catalog, application: Application) -> str:
    """« LYCEE … - RENNES (0350029P) », or "" when none is chosen."""
    found = catalog.establishment(application.academy, application.answers.get("etablissement"))
    return f"{found.name} - {found.town} ({found.uai})" if found else ""


def _test_lines(catalog: Catalog, application: Application) -> tuple[TestLine, ...]:
    exam = catalog.exams[application.exam]
    return tuple(
        TestLine(
            code=row.test.code,
            name=row.test.name,
            kind=KINDS[row.test.kind],
            status=row.status,
            mode=row.test.mode,
            option=row.option,
            mark=row.mark,
            year=row.year,
            unit=row.test.unit,
        )
        for row in recap.test_rows(exam, application.answers, application.speciality)
    )


def _other_answers(catalog: Catalog, ctx: recap.Context) -> tuple[tuple[str, str], ...]:
    """The récapitulatif's rows but those the document prints in their own place and the
    questions left unanswered (the récapitulatif on screen shows them as « — »). Fields
    are left out by name: two questions may share a label (« Localité » of the address and
    of the place of work)."""
    sections = recap.summary(ctx, catalog.exam_steps(ctx.exam), identity=False, omit=SHOWN)
    return _named(
        [
            (section.step.title, question, answer)
            for section in sections
            for question, answer in section.rows
            if answer not in ("", recap.UNANSWERED)
        ]
    )


def _named(rows: list[tuple[str, str, str]]) -> tuple[tuple[str, str], ...]:
    """(step title, question, answer) rows as (question, answer), a question printed twice
    named with its step, as the récapitulatif's sections name it on screen: « Année
    d'obtention (Acquis) » and « Année d'obtention (Diplôme possédé) »."""
    asked = Counter(question for _step, question, _answer in rows)
    return tuple(
        (f"{question} ({step})" if asked[question] > 1 else question, answer)
        for step, question, answer in rows
    )


# --------------------------------------------------------------------------- layout


def _text(name: str) -> str:
    return text("confirmation", name)


def test_label(test: TestLine) -> str:
    """« EF1 - Langue vivante 2 (Allemand) »."""
    label = " - ".join(part for part in (one_line(test.code), one_line(test.name)) if part)
    if test.option.strip():
        label += f" ({one_line(test.option)})"
    return label


def test_cells(test: TestLine, units: bool) -> list[str]:
    """The row of the tests table: its unit only when the table has the units' column."""
    unit = [one_line(test.unit)] if units else []
    return [test_label(test), *unit, one_line(test.kind), test_position(test), one_line(test.mode)]


def test_position(test: TestLine) -> str:
    """« Inscrit », « Bénéfice 14,5/20 (2025) »…"""
    position = one_line(test.status)
    mark = one_line(test.mark)
    if mark:
        position += f" {mark}" if "/" in mark else f" {mark}/20"
    if test.year.strip():
        position += f" ({one_line(test.year)})"
    return position


def _reference(doc: Registration) -> dict[str, object] | None:
    """The box kept for the exam office: the académie, the numbers and the version."""
    if not doc.reference.strip():
        return None
    return {
        "title": one_line(_text("reference")),
        "rows": _reference_rows(doc),
    }


def _reference_rows(doc: Registration) -> list[list[str]]:
    return pairs(
        [
            ("Académie", one_line(doc.reference)),
            ("N° candidat", doc.candidate_number),
            ("Inscription n°", doc.application_number),
            ("Version", recap.version_label(doc.version)),
        ]
    )


def render(doc: Registration, verify: Mapping[str, str] | None = None) -> bytes:
    """The confirmation or récapitulatif d'inscription, as PDF bytes.

    With ``return_by`` set it is a confirmation to return signed by that day: the
    deadline line and the signature block are printed; without, a plain récapitulatif.
    ``verify``: the verification code block (``verification.block``), if any.
    """
    title = one_line(doc.title) or CONFIRMATION
    version = recap.version_label(doc.version)
    units = any(t.unit.strip() for t in doc.tests)  # the units' column, where there are units
    data = heading_data(
        doc,
        title=title,
        subtitle=[doc.exam_name, f"Version : {version} du {format_stamp(doc.version_at)}"],
        address=doc.address,
    )
    data.update(_texts(doc))
    data.update(
        return_by=(
            _text("return_by").format(day=format_day(doc.return_by).upper())
            if doc.return_by is not None
            else ""
        ),
        candidate=pairs(_candidate(doc)),
        application=pairs(_application(doc)),
        units=units,
        tests=[test_cells(t, units) for t in doc.tests],
        answers=[[one_line(q), paragraph(a.strip())] for q, a in doc.answers],
        consents=_consents(doc),
        tests_note=one_line(doc.tests_note),
        reference=_reference(doc),
        verify=verify,
    )
    return compile_pdf("confirmation", data, edited_at=doc.edited_at)


def _texts(doc: Registration) -> dict[str, object]:
    """The fixed texts, from ``templates/documents/confirmation.toml``."""
    names = ("return_instructions", "definitive", "certified", "place_and_date")
    names += ("signatories", "signature_box", "keep_it", "report_errors", "identity")
    texts: dict[str, object] = {name: _text(name) for name in names}
    texts["data_protection"] = runs(_text("data_protection"))
    texts["corrections"] = runs(_text("corrections"))
    return texts


def _candidate(doc: Registration) -> list[tuple[str, str]]:
    return [
        ("Nom", doc.last_name.upper()),
        ("Prénom(s)", doc.first_names),
        ("Nom d'usage", doc.usual_name.upper()),
        ("Nationalité", doc.nationality),
        ("Né(e) le", doc.birth_date.strftime("%d/%m/%Y")),
        ("À", doc.birth_place),
        ("Tél", doc.phone),
        ("Mél", doc.email),
    ]


def _application(doc: Registration) -> list[tuple[str, str]]:
    return [
        ("Examen", doc.exam_name),
        (doc.speciality_label, doc.speciality),
        ("Établissement", doc.establishment),
        ("Catégorie du candidat", doc.category),
        ("Forme de passage", doc.sitting_form),
        ("Diplôme possédé", doc.diploma),
        ("Aménagement d'épreuves demandé au titre du handicap", doc.accommodation),
    ]


def _consents(doc: Registration) -> list[list[tuple[str, bool]]]:
    """Diffusion des résultats: only the questions the candidate answered."""
    return [
        runs(_text("consent_line"), question=_text(name), answer=one_line(answer).upper())
        for name, answer in (
            ("consent_press", doc.consent_press),
            ("consent_authorities", doc.consent_authorities),
        )
        if answer.strip()
    ]
