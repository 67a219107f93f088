"""Registering: a draft, the wizard's steps, saving the application, modifying, withdrawing.

Saving validates every step again and checks the period again, then renders and writes
the official documents with no lock held, as the application will be once saved; one
short transaction then re-checks the draft and the application (not saved meanwhile, the
number or version still the expected one) and records the application, its mail and its
documents' rows. When the application changed meanwhile its documents are rendered again
once; the files of a save that does not commit are deleted (issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from catalog import Catalog, dates
from catalog.model import Academy, Exam, Session, Step
from worker import clock, mail
from worker.candidate.actions import cards
from worker.candidate.actions.outcomes import PeriodClosed
from worker.documents import issuing
from worker.forms import wizard
from worker.rules import duplicates, recap
from worker.store import accounts, applications, db, documents
from worker.store.accounts import Account
from worker.store.applications import Application, Draft
from worker.store.db import Database


@dataclass(frozen=True)
class DraftStarted:
    draft: Draft
    step: Step  # where to open it


@dataclass(frozen=True)
class AlreadyRegistered:
    """A live application for this exam session exists: show it instead."""

    application: Application


@dataclass(frozen=True)
class Saved:
    """The application is saved (now, or meanwhile from another tab); ``duplicate``: the
    same person (name, birth date and place) already has a live application to this exam
    session from another account, and the exam office will see both."""

    application: Application
    duplicate: bool = False


@dataclass(frozen=True)
class NoLongerActive:
    """Closed by the exam office (or withdrawn) meanwhile: it cannot change any more."""

    application: Application


@dataclass(frozen=True)
class Changed:
    """The application changed again while its documents were rendered a second time
    (another save, a withdrawal in another tab): nothing was saved, try again."""


RENDER_ATTEMPTS = 2  # the documents rendered once more if the application changed meanwhile


@dataclass(frozen=True)
class StepIncomplete:
    """A step does not validate any more: back to it."""

    step_index: int
    step: Step


@dataclass(frozen=True)
class UnknownStep:
    """The draft's exam has no step with this code."""


@dataclass(frozen=True)
class StepAhead:
    """A step beyond the furthest one reached: the candidate goes back to that one."""

    step: Step


@dataclass(frozen=True)
class AtStep:
    """The step may be shown and filled in."""

    steps: list[Step]
    index: int

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    @property
    def last(self) -> bool:
        return self.index == len(self.steps) - 1


@dataclass(frozen=True)
class Withdrawn:
    application: Application


def context(
    catalog: Catalog, account: Account, draft: Draft, answers: dict | None = None
) -> recap.Context:
    """The answers of a draft as the wizard's forms and the récapitulatif read them."""
    exam = catalog.exams[draft.exam]
    return recap.Context(
        catalog=catalog,
        exam=exam,
        session=exam.session(draft.session),
        academy=catalog.academies[draft.academy],
        account=account,
        answers=draft.answers if answers is None else answers,
        now=clock.now(),
    )


# -- starting ------------------------------------------------------------------------------


def start(
    database: Database,
    catalog: Catalog,
    account: Account,
    exam: Exam,
    session: Session,
    academy: str,
) -> DraftStarted | PeriodClosed | AlreadyRegistered:
    """« Démarrer mon inscription »: a draft, only while a period is open."""
    if not catalog.open_periods_for(exam.code, session.code, academy, clock.now()):
        return PeriodClosed(exam, session)
    if live := applications.live(database, account.id, exam.code, session.code):
        return AlreadyRegistered(live)
    with db.transaction(database):
        draft = applications.start_draft(database, account.id, academy, exam.code, session.code)
    return DraftStarted(draft, cards.resume_step(catalog, draft))


def start_modification(
    database: Database, catalog: Catalog, application: Application, card: dict
) -> DraftStarted | PeriodClosed:
    """« Modifier »: a draft holding the application's answers, every step open."""
    if not card["can_modify"]:
        return PeriodClosed(card["exam"], card["session"])
    steps = catalog.exam_steps(card["exam"])
    with db.transaction(database):
        draft = applications.start_draft(
            database,
            application.account_id,
            application.academy,
            application.exam,
            application.session,
            application=application,
            reached=len(steps) - 1,
        )
    return DraftStarted(draft, steps[0])


# -- the wizard ----------------------------------------------------------------------------


def open_step(
    database: Database, catalog: Catalog, draft: Draft, code: str
) -> Saved | UnknownStep | StepAhead | PeriodClosed | AtStep:
    """Whether the step ``code`` of the draft may be shown now, and where it is."""
    if draft.saved_as:  # already saved (a second tab, the back button): show the result
        return Saved(applications.by_id(database, draft.saved_as))
    steps = cards.steps_of(catalog, draft)
    index = next((i for i, s in enumerate(steps) if s.code == code), None)
    if index is None:
        return UnknownStep()
    if index > draft.reached:  # no skipping ahead
        return StepAhead(steps[draft.reached])
    if not catalog.open_periods_for(draft.exam, draft.session, draft.academy, clock.now()):
        exam = catalog.exams[draft.exam]
        return PeriodClosed(exam, exam.session(draft.session))
    return AtStep(steps, index)


def keep_answers(database: Database, draft: Draft, answers: dict, reached: int) -> None:
    """A step's answers kept in the draft (« Précédent », « Suivant »)."""
    with db.transaction(database):
        applications.save_draft(database, draft.id, {**draft.answers, **answers}, reached)


def save(
    database: Database,
    catalog: Catalog,
    account: Account,
    draft: Draft,
    answers: dict,
    data_dir: str,
) -> Saved | StepIncomplete | PeriodClosed | NoLongerActive | AlreadyRegistered | Changed:
    """« Enregistrer »: every step validated again, the period checked again, the documents
    rendered outside the write lock, then one short transaction."""
    ctx = context(catalog, account, draft, answers)
    for index, step in enumerate(cards.steps_of(catalog, draft)):
        if not wizard.build_form(step, ctx, "check").validate():
            return StepIncomplete(index, step)
    if cards.open_period(catalog, draft, clock.now(), ctx.speciality) is None:
        return PeriodClosed(ctx.exam, ctx.session)
    outcome = Changed()
    for _attempt in range(RENDER_ATTEMPTS):
        planned = _plan(database, account, draft, ctx)
        if not isinstance(planned, Application):
            return planned
        prepared = issuing.prepare_registration(database, data_dir, catalog, account, planned)
        outcome = _commit(database, data_dir, account, draft, ctx, planned, prepared)
        if not isinstance(outcome, Changed):
            return outcome
    return outcome


def _plan(
    database: Database, account: Account, draft: Draft, ctx: recap.Context
) -> Application | Saved | NoLongerActive | AlreadyRegistered:
    """The application as it will be once saved, read with no lock held (its documents
    are rendered from it); an outcome instead when there is nothing to save."""
    current = applications.draft(database, draft.id, account.id)
    if current.saved_as:  # saved meanwhile from another tab: one application only
        return Saved(applications.by_id(database, current.saved_as))
    at = clock.stamp()
    if draft.application_id:
        target = applications.by_id(database, draft.application_id)
        if target.status != applications.REGISTERED:  # closed by the office meanwhile
            return NoLongerActive(target)
        return replace(
            target,
            answers=ctx.answers,
            speciality=ctx.speciality,
            version=target.version + 1,
            updated_at=at,
        )
    if live := applications.live(database, account.id, draft.exam, draft.session):
        return AlreadyRegistered(live)
    return applications.planned(database, draft, ctx.answers, ctx.speciality, at)


def _commit(
    database: Database,
    data_dir: str,
    account: Account,
    draft: Draft,
    ctx: recap.Context,
    planned: Application,
    prepared: list[issuing.Prepared],
) -> Saved | NoLongerActive | AlreadyRegistered | Changed:
    """The write transaction: re-checks, then rows only (the files are already written).
    The files are deleted unless it commits them; if the process dies first, ``files
    sweep`` removes them."""
    committed, duplicate_of = False, []
    try:
        with db.transaction(database):
            recorded = _record(database, account, draft, ctx, planned)
            if isinstance(recorded, Application):
                applications.consume_draft(database, draft.id, recorded.id)
                issuing.record_all(database, recorded.id, prepared)
                duplicate_of = duplicates.flag_duplicates(database, account, recorded)
        committed = isinstance(recorded, Application)
    except documents.CodeTaken:  # a verification code drawn twice at once: render again
        recorded = Changed()
    finally:
        if not committed:  # rolled back, or nothing to record
            issuing.discard(data_dir, prepared)
    return Saved(recorded, bool(duplicate_of)) if committed else recorded


def _record(
    database: Database, account: Account, draft: Draft, ctx: recap.Context, planned: Application
) -> Application | Saved | NoLongerActive | AlreadyRegistered | Changed:
    """The application created or modified (and its mail) in the caller's transaction, if
    it is still the one ``planned`` and its documents show; an outcome instead."""
    accounts.lock(database, account.id)  # one save of this candidate at a time, any host
    current = applications.draft(database, draft.id, account.id)
    if current.saved_as:  # saved meanwhile from another tab: one application only
        return Saved(applications.by_id(database, current.saved_as))
    if draft.application_id:
        target = applications.by_id(database, draft.application_id)
        if target.status != applications.REGISTERED:  # closed by the office meanwhile
            return NoLongerActive(target)
        if target.version + 1 != planned.version:  # another version saved meanwhile
            return Changed()
        saved = applications.modify(
            database, target, ctx.answers, ctx.speciality, planned.updated_at
        )
        if ctx.exam.modification_mail:
            _mail(database, "modification", account, saved, ctx.exam, ctx.session, ctx.academy)
        return saved
    if applications.next_number(database, account.id) != planned.number:
        return Changed()  # another application of the candidate saved meanwhile
    try:
        saved = applications.create(
            database, draft, ctx.answers, ctx.speciality, planned.created_at
        )
    except applications.AlreadyRegistered:
        return AlreadyRegistered(applications.live(database, account.id, draft.exam, draft.session))
    _mail(database, "inscription", account, saved, ctx.exam, ctx.session, ctx.academy)
    return saved


def _mail(
    database: Database,
    template: str,
    account: Account,
    application: Application,
    exam: Exam,
    session: Session | None,
    academy: Academy | None,
    **extra,
) -> None:
    """A mail about one application, to its candidate."""
    mail.queue(
        database,
        template,
        account.email,
        account.id,
        account=account,
        application=application,
        exam=exam,
        session=session,
        academy=academy,
        **extra,
    )


# -- withdrawing ---------------------------------------------------------------------------


def withdrawal_refusal(card: dict, account: Account) -> str | None:
    """Why the candidate cannot withdraw online (in French), or None when they can."""
    if card["can_withdraw"]:
        return None
    if not card["active"]:
        state = card["application"].status_label.lower()  # « désinscrit par le candidat »
        return f"Cette inscription n'est plus active ({state})."
    if not card["exam"].withdrawal or account.kind != "individual":
        return "Pour cet examen, la désinscription se fait auprès du service des examens."
    return (
        "Le service d'inscription est fermé : la désinscription n'est plus "
        "possible en ligne. Contactez le service des examens."
    )


def withdraw(
    database: Database, account: Account, application: Application, card: dict
) -> Withdrawn | NoLongerActive:
    """« Se désinscrire »: the application withdrawn and a mail, unless it closed meanwhile."""
    with db.transaction(database):
        applications.lock(database, application.id)
        current = applications.by_id(database, application.id)
        if current.status != applications.REGISTERED:
            return NoLongerActive(current)
        done = applications.withdraw(database, current)
        _mail(
            database,
            "desinscription",
            account,
            done,
            card["exam"],
            card["session"],
            card["academy"],
            when=dates.format_long(clock.now()),
        )
    return Withdrawn(done)


@dataclass(frozen=True)
class Abandoned:
    """The draft is deleted; ``application`` is the one a modification left unchanged."""

    draft: Draft
    application: Application | None


def abandon(database: Database, account: Account, draft: Draft) -> Abandoned | Saved:
    """« Annuler » / « Quitter »: this draft only is deleted, nothing else changes. A draft
    saved meanwhile (another tab) is kept: its application is the answer."""
    with db.transaction(database):
        deleted = applications.delete_draft(database, draft.id, account.id)
        current = applications.draft(database, draft.id, account.id)
        if not deleted and current is not None and current.saved_as is not None:
            return Saved(applications.by_id(database, current.saved_as))
        modified = draft.application_id
    return Abandoned(draft, applications.by_id(database, modified) if modified else None)
