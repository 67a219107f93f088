"""The « À traiter » queue: the pieces of one exam session awaiting a decision, one
opened beside the candidate's récapitulatif, the decision, then the next piece."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from catalog import Catalog
from worker import clock
from worker.office.actions import review
from worker.office.actions.outcomes import Done, NotFound, Refused
from worker.rules import pieces as supporting
from worker.rules import recap
from worker.store import accounts, search
from worker.store import queue as stored_queue
from worker.store.accounts import Account, display_name
from worker.store.applications import Application, Group, session_groups
from worker.store.db import Database
from worker.store.queue import QueueItem
from worker.store.staff import Staff

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")
PER_PAGE = 50


@dataclass(frozen=True)
class Queue:
    """The member's sessions, the chosen one, a page of its pieces to check (the oldest
    first), how many there are and its counts by state."""

    groups: list[Group]
    group: Group | None
    items: list[QueueItem]
    counts: list[tuple[str, str, int]]  # (state, label, how many)
    waiting: int = 0
    page: int = 1
    waiting_by_session: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.waiting // PER_PAGE))


class Line(NamedTuple):
    """A piece of the queue as its table shows it, every cell ready to print."""

    application_id: int
    code: str
    piece: str  # the piece's label
    candidate: str  # « DUPONT Jeanne »
    candidate_number: str
    validated: str  # « 01/11/2027 08:00 », Paris time: « J'ai fourni toutes mes pièces »
    status: str  # « À contrôler » or « Nouveau dépôt »


def lines(catalog: Catalog, items: list[QueueItem]) -> list[Line]:
    labels = {p.code: p.label for e in catalog.exams.values() for p in e.pieces}
    states = supporting.OFFICE_STATES
    return [
        Line(
            item.application_id,
            item.code,
            labels.get(item.code, item.code),
            display_name(item.last_name, item.first_names),
            item.candidate_number or "—",
            clock.short(item.validated_at),
            states["nouveau_depot" if item.resubmitted else "a_controler"],
        )
        for item in items
    ]


@dataclass(frozen=True)
class Opened:
    """One piece to check, with what the staff member needs to decide."""

    group: Group
    application: Application
    account: Account
    state: supporting.PieceState
    ctx: recap.Context
    sections: list
    rows: list
    position: int  # 1-based, in the queue; 0 when the piece no longer awaits a decision
    total: int

    @property
    def previewable(self):
        return [f for f in self.state.files if f.content_type in INLINE_TYPES]


@dataclass(frozen=True)
class Decided:
    """The decision's outcome and the piece to open next (None: the queue is empty)."""

    outcome: Done | Refused | NotFound
    following: QueueItem | None


def group_of(database: Database, scope: tuple[str, ...], key: str) -> Group | None:
    return next((g for g in session_groups(database, scope) if g.key == key), None)


def _session(group: Group) -> tuple[str, str, str]:
    return group.academy, group.exam, group.session


def queue_of(database: Database, scope: tuple[str, ...], key: str, page: int = 1) -> Queue:
    """The queue of the session `key` (academy|exam|session), or, when none is asked, of
    the one with the most pieces awaiting a decision (the first among equals)."""
    groups = session_groups(database, scope)
    by_session = stored_queue.waiting_by_session(database, scope, [g.key for g in groups])
    if key:
        group = next((g for g in groups if g.key == key), None)
    else:
        group = max(groups, key=lambda g: by_session.get(g.key, 0), default=None)
    if group is None:
        return Queue(groups, None, [], [], waiting_by_session=by_session)
    found = stored_queue.counts(database, scope, *_session(group))
    counts = [
        (state, label, found.get(state, 0)) for state, label in supporting.OFFICE_STATES.items()
    ]
    page = max(1, page)
    items = stored_queue.pending(
        database, scope, *_session(group), limit=PER_PAGE, offset=(page - 1) * PER_PAGE
    )
    waiting = stored_queue.waiting(database, scope, *_session(group))
    return Queue(groups, group, items, counts, waiting, page, by_session)


def open_piece(
    database: Database, scope: tuple[str, ...], catalog: Catalog, application_id: int, code: str
) -> Opened | NotFound:
    """The piece of an application in scope, its files and the récapitulatif."""
    application = search.application_in_scope(database, scope, application_id)
    exam = catalog.exams.get(application.exam) if application else None
    if application is None or exam is None:
        return NotFound()
    state = next(
        (s for s in supporting.states(database, catalog, application) if s.piece.code == code),
        None,
    )
    group = group_of(
        database, scope, f"{application.academy}|{application.exam}|{application.session}"
    )
    if state is None or group is None:
        return NotFound()
    account = accounts.by_id(database, application.account_id)
    ctx = recap.Context(
        catalog=catalog,
        exam=exam,
        session=exam.session(application.session),
        academy=catalog.academies[application.academy],
        account=account,
        answers=application.answers,
        now=clock.now(),
    )
    steps = [s for s in catalog.exam_steps(exam) if s.kind != "recapitulatif"]
    return Opened(
        group=group,
        application=application,
        account=account,
        state=state,
        ctx=ctx,
        sections=recap.summary(ctx, steps),
        rows=recap.test_rows(exam, application.answers, application.speciality),
        position=stored_queue.rank(database, scope, *_session(group), application.id, code),
        total=stored_queue.waiting(database, scope, *_session(group)),
    )


def decide(
    database: Database,
    member: Staff,
    catalog: Catalog,
    opened: Opened,
    status: str,
    comment: str,
    received_on: str,
) -> Decided:
    """The existing piece-status use case (audited), then the oldest piece still waiting."""
    outcome = review.set_piece_status(
        database,
        member,
        catalog,
        opened.application,
        opened.state.piece.code,
        status,
        comment,
        received_on,
    )
    following = stored_queue.pending(database, member.academies, *_session(opened.group), limit=1)
    return Decided(outcome, following[0] if following else None)
