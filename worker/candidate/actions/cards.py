"""Read models shared by several pages: an application's card, the lists of the home page.

A card is the dict the templates spread into their context (``**card``).
"""

from __future__ import annotations

from datetime import datetime

from catalog import Catalog
from catalog.model import Academy, Establishment, Period, Step
from worker import clock
from worker.rules import pieces as supporting
from worker.rules import recap
from worker.store import applications, documents, results
from worker.store.accounts import Account
from worker.store.applications import Application, Draft
from worker.store.db import Database
from worker.store.documents import Document


def describe(db: Database, catalog: Catalog, account: Account, application: Application) -> dict:
    """What the pages and cards show about an application."""
    exam = catalog.exams[application.exam]
    periods = supporting.periods_of(catalog, application)
    open_period = next((p for p in periods if p.is_open(clock.now())), None)
    registered = application.status == applications.REGISTERED
    latest = documents.latest(db, application.id)
    can_modify = open_period is not None and registered
    notices = _notices(db, catalog, application, latest)
    if can_modify and account.kind == "pupil" and not latest:
        notices.insert(0, PREREGISTERED)
    return {
        "notices": notices,
        "documents": latest,
        "application": application,
        "exam": exam,
        "academy": catalog.academies.get(application.academy),
        "session": exam.session(application.session),
        "speciality": exam.speciality(application.speciality),
        "establishment": _establishment(catalog, application),
        "active": registered,  # withdrawn or rejected: nothing more to do online
        "open_period": open_period,
        "closing": max((p.closes for p in periods), default=None),
        "return_by": supporting.confirmation_due(catalog, application),
        "can_modify": can_modify,
        "can_withdraw": open_period is not None
        and exam.withdrawal
        and account.kind == "individual"
        and registered,
    }


# A pupil's application as their school registered it (import): no document issued yet,
# until the pupil goes through it and saves it (the BTS guide: « valider sa préinscription »).
PREREGISTERED = (
    "Votre établissement vous a préinscrit(e) : vérifiez et complétez votre inscription "
    "(« Mon inscription », puis « Modifier »), puis enregistrez-la pour la valider."
)


def _establishment(catalog: Catalog, application: Application) -> Establishment | None:
    return catalog.establishment(application.academy, application.answers.get("etablissement"))


def _notices(
    db: Database, catalog: Catalog, application: Application, latest: list[Document]
) -> list[str]:
    notices = []
    registered = application.status == applications.REGISTERED
    if registered and supporting.needs_action(supporting.states(db, catalog, application)):
        notices.append("Votre candidature possède au moins une demande de pièce justificative.")
    if any(document.viewed_at is None for document in latest):
        notices.append("Votre candidature possède au moins un document à visualiser.")
    if results.unseen(db, application.id):
        notices.append("Des notes ont été publiées : consultez « Mes notes ».")
    for step in catalog.exam_steps(catalog.exams[application.exam]):
        notices += recap.notices_of(step, application.answers)
    return notices


def current_applications(db: Database, catalog: Catalog, account: Account) -> list[dict]:
    """« Mes inscriptions »: live applications of sessions that are not over."""
    now = clock.now()
    cards = []
    for application in applications.registered_of(db, account.id):
        if application.exam not in catalog.exams:
            continue
        card = describe(db, catalog, account, application)
        if card["session"] and card["session"].end and card["session"].end < now:
            continue
        cards.append(card)
    return cards


def draft_cards(db: Database, catalog: Catalog, account_id: int) -> list[dict]:
    """The drafts of new applications, with the step to resume them at (``step``)."""
    return [
        {
            "draft": draft,
            "exam": catalog.exams[draft.exam],
            "session": catalog.exams[draft.exam].session(draft.session),
            "academy": catalog.academies[draft.academy],
            "step": resume_step(catalog, draft),
        }
        for draft in applications.drafts_of(db, account_id)
        if draft.exam in catalog.exams and draft.academy in catalog.academies
    ]


def steps_of(catalog: Catalog, draft: Draft) -> list[Step]:
    return catalog.exam_steps(catalog.exams[draft.exam])


def reached_steps(catalog: Catalog, draft: Draft) -> list[Step]:
    """The steps the candidate has reached, which the récapitulatif shows: not yet one that
    follows it (« Conditions d'inscription ») before the candidate goes on to it."""
    return steps_of(catalog, draft)[: draft.reached + 1]


def resume_step(catalog: Catalog, draft: Draft) -> Step:
    """The furthest step the candidate may open: where to start again."""
    steps = steps_of(catalog, draft)
    return steps[min(draft.reached, len(steps) - 1)]


def exam_offices(db: Database, catalog: Catalog, account_id: int) -> list[Academy]:
    """The académies of the candidate's applications: whom to ask to correct their data."""
    codes = applications.academies_of(db, account_id)
    return [catalog.academies[code] for code in codes if code in catalog.academies]


def open_period(
    catalog: Catalog, draft: Draft, now: datetime, speciality: str = ""
) -> Period | None:
    """The open period a draft would be saved in, if any."""
    periods = catalog.open_periods_for(draft.exam, draft.session, draft.academy, now, speciality)
    return periods[0] if periods else None
