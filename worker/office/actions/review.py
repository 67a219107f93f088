"""Reviewing applications: the status of a supporting piece, the export of the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from catalog import Catalog
from catalog.dates import PARIS
from worker import clock
from worker.office.actions.outcomes import Done, NotFound, Refused
from worker.rules import pieces as supporting
from worker.rules.birthplace import place_in_words
from worker.rules.spreadsheet import csv_text, paris_time
from worker.store import applications, audit, db, search
from worker.store.accounts import display_name
from worker.store.applications import STATUS_LABELS, Application
from worker.store.db import Database
from worker.store.search import Filters
from worker.store.staff import Staff

# The « Statut de la pièce » filter's choices: the dashboard's columns.
PIECE_STATES = {
    (code or search.NOT_VALIDATED): label for code, label in supporting.OFFICE_STATES.items()
} | {search.UNTOUCHED: "Aucun dépôt ni statut"}

EXPORT_HEADER = (
    "academie",
    "examen",
    "session",
    "specialite",
    "numero_candidat",
    "numero_inscription",
    "nom",
    "prenoms",
    "date_naissance",
    "lieu_naissance",
    "nationalite",
    "courriel",
    "etat",
    "version",
    "enregistree_le",
)


@dataclass(frozen=True)
class Exported:
    """The CSV text of the list, as a spreadsheet opens it."""

    text: str


def _status_problem(
    status: str, comment: str, received_on: str, earliest: date, today: date
) -> tuple[str | None, date | None]:
    """(problem, date received) of a status as typed on the application page; a date
    received lies between the application's registration (``earliest``) and today."""
    if status not in supporting.STATUSES or not status:
        return "Choisissez un statut.", None
    if status in supporting.REOPENING and not comment:
        return (
            "Un commentaire est nécessaire pour expliquer au candidat ce qu'il doit fournir.",
            None,
        )
    if status == "recue":
        try:
            received = date.fromisoformat(received_on)
        except ValueError:
            return "Indiquez la date de réception (AAAA-MM-JJ).", None
        if not earliest <= received <= today:
            return (
                "La date de réception doit être comprise entre le"
                f" {earliest:%d/%m/%Y} et le {today:%d/%m/%Y} (l'inscription et aujourd'hui).",
                None,
            )
        return None, received
    return None, None


def set_piece_status(
    database: Database,
    member: Staff,
    catalog: Catalog,
    application: Application,
    code: str,
    status: str,
    comment: str,
    received_on: str,
) -> Done | Refused | NotFound:
    """Reçue (with a date), Non conforme or En attente d'une nouvelle PJ (with a comment),
    Conforme: the candidate sees it at once."""
    states = supporting.states(database, catalog, application)
    state = next((s for s in states if s.piece.code == code), None)
    if state is None:
        return NotFound()
    problem, received = _status_problem(
        status,
        comment,
        received_on,
        clock.parse(application.created_at).astimezone(PARIS).date(),
        clock.now().astimezone(PARIS).date(),
    )
    if problem:
        return Refused(f"{state.piece.label} : {problem}")
    with db.transaction(database):
        applications.lock(database, application.id)  # the candidate's validation waits
        supporting.set_status(database, application.id, code, status, comment, received)
        audit.audit(
            database,
            member,
            "piece.status",
            academy=application.academy,
            application_id=application.id,
            account_id=application.account_id,
            before={"piece": code, "status": state.status, "comment": state.comment},
            after={"piece": code, "status": status, "comment": comment, "received_on": received},
        )
    return Done(f"{state.piece.label} : statut « {supporting.STATUSES[status]} » enregistré.")


def export_applications(
    database: Database, member: Staff, scope: tuple[str, ...], filters: Filters, catalog: Catalog
) -> Exported:
    """The filtered list of the applications in scope, audited with its filters."""
    text = csv_text(EXPORT_HEADER, _export_rows(database, scope, filters, catalog))
    with db.transaction(database):
        audit.audit(database, member, "applications.export", after={"filters": filters.__dict__})
    return Exported(text)


class Names(NamedTuple):
    """What staff read for an application's codes: the catalogue's display names (the code
    itself where the catalogue no longer has it)."""

    academy: str
    exam: str
    session: str
    speciality: str


def names_of(
    catalog: Catalog, academy: str, exam: str, session: str, speciality: str = ""
) -> Names:
    """The display names of an application's (or an exam session's) codes."""
    found = catalog.exams.get(exam)
    office = catalog.academies.get(academy)
    shown = found.session(session) if found else None
    chosen = found.speciality(speciality) if found and speciality else None
    return Names(
        office.name if office else academy,
        found.short_name if found else exam,
        shown.label if shown else session,
        chosen.name if chosen else speciality,
    )


class Line(NamedTuple):
    """An application of the list as its table shows it, every cell ready to print
    (computed here once rather than looked up in the template cell by cell)."""

    id: int
    candidate: str  # « DUPONT Jeanne »
    candidate_number: str
    exam: str  # « BTS – Services informatiques aux organisations »
    session: str
    academy: str
    number: str
    status: str


def lines(catalog: Catalog, rows: list[search.Listed]) -> list[Line]:
    """The page's rows; the display names of each set of codes are looked up once (a
    page holds a few exams and sessions, many times each)."""
    named: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}
    found = []
    for row in rows:
        codes = (row.academy, row.exam, row.session, row.speciality)
        cells = named.get(codes)
        if cells is None:
            names = names_of(catalog, *codes)
            exam = f"{names.exam} – {names.speciality}" if row.speciality else names.exam
            cells = named[codes] = (exam, names.session, names.academy)
        found.append(
            Line(
                row.id,
                display_name(row.last_name, row.first_names),
                row.candidate_number or "—",
                *cells,
                row.number,
                STATUS_LABELS.get(row.status, row.status),
            )
        )
    return found


def _export_rows(database: Database, scope: tuple[str, ...], filters: Filters, catalog: Catalog):
    for row, more, answers in search.all_rows(database, scope, filters):
        yield (
            *names_of(catalog, row.academy, row.exam, row.session, row.speciality),
            row.candidate_number,
            row.number,
            row.last_name,
            row.first_names,
            more.birth_date,
            place_in_words(more.birth_country, more.birth_departement, more.birth_commune_name),
            _nationality(catalog, answers),
            row.email,
            STATUS_LABELS.get(row.status, row.status),
            more.version,
            paris_time(more.created_at),
        )


def _nationality(catalog: Catalog, answers: dict) -> str:
    """« Française », as the list of content/ words it (the code for a retired choice)."""
    code = str(answers.get("nationalite", ""))
    return dict(catalog.lists.get("nationalites", ())).get(code, code)
