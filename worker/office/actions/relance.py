"""Relance de pièces justificatives (BTS guide §4.3): for one application, or for every
registered application of a session that still misses something, a new version of the
« Relance de pièces justificatives » PDF listing the missing or non-conforming pieces and
the new deadline, in « Mes documents », with a mail; each one audited. A session's relance
is a bulk publication (``publication.start_relance``): resumable, a limited time per
request, each application's relance built here (``item``, ``announce``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from catalog import Catalog
from catalog.dates import PARIS, format_day
from catalog.model import Session
from worker import clock, mail
from worker.documents import issuing, relance
from worker.office.actions.bulk import (
    Preview,
    candidates,
    session_name,
    will_receive,
)
from worker.office.actions.interventions import mail_context
from worker.office.actions.outcomes import Done, Refused
from worker.rules import pieces as supporting
from worker.rules.reminders import missing
from worker.store import accounts, applications, db, documents
from worker.store import pieces as pieces_store
from worker.store.accounts import Account
from worker.store.applications import Application, Group
from worker.store.audit import audit
from worker.store.db import Database
from worker.store.documents import Document
from worker.store.staff import Staff

KIND = "relance_pj"
TITLE = "Relance de pièces justificatives"
CLOSED = "Cette candidature est close : aucune relance n'est possible."


@dataclass(frozen=True)
class BadDeadline(Refused):
    """The new deadline typed is refused: the form shows it again, at its field."""


def new_deadline(typed: str, now: datetime, session: Session | None) -> datetime | BadDeadline:
    """The day typed (AAAA-MM-JJ) at 23:59 in Paris, which must be to come and, where the
    session has an end, before it (else within a year: a typing slip, not a date)."""
    try:
        day = date.fromisoformat(typed.strip())
    except ValueError:
        return BadDeadline("Indiquez la nouvelle date limite (AAAA-MM-JJ).")
    deadline = datetime.combine(day, time(23, 59), PARIS)
    if deadline <= now:
        return BadDeadline("La nouvelle date limite doit être à venir.")
    end = session.end if session and session.end else None
    if end is not None and deadline > end:
        return BadDeadline(
            f"La nouvelle date limite doit précéder la fin de la session ({format_day(end)})."
        )
    if end is None and deadline > now + timedelta(days=366):
        return BadDeadline("La nouvelle date limite doit tomber dans l'année qui vient.")
    return deadline


def _session(catalog: Catalog, exam: str, session: str) -> Session | None:
    found = catalog.exams.get(exam)
    return found.session(session) if found else None


def session_deadline(catalog: Catalog, group: Group, typed: str) -> datetime | BadDeadline:
    """The new deadline typed for a session's relance, as ``new_deadline`` takes it."""
    return new_deadline(typed, clock.now(), _session(catalog, group.exam, group.session))


def lacking(database: Database, catalog: Catalog, application: Application):
    """The pieces still missing or asked again (not validated, not received or conforme)."""
    return [s for g in supporting.groups(database, catalog, application) for s in missing(g)]


@dataclass(frozen=True)
class Item:
    """One application's relance, built before any lock is taken: what its PDF lists."""

    application: Application
    account: Account
    states: list[supporting.PieceState]
    record: relance.Relance

    def render(self, verify=None) -> bytes:
        return relance.render(self.record, verify)


def item(
    database: Database, catalog: Catalog, application: Application, deadline: datetime
) -> Item | None:
    """The application's relance with this deadline; None when nothing is missing."""
    states = lacking(database, catalog, application)
    if not states:
        return None
    account = accounts.by_id(database, application.account_id)
    record = relance.build(catalog, account, application, states, deadline, clock.now())
    return Item(application, account, states, record)


def announce(
    database: Database,
    member: Staff,
    catalog: Catalog,
    found: Item,
    document: Document,
    deadline: datetime,
) -> None:
    """In the transaction that records the relance's PDF: its mail, the new deadline of
    each piece it lists, its audit entry."""
    application, account = found.application, found.account
    if account.email:
        mail.queue(
            database,
            "relance_pj",
            account.email,
            account.id,
            account=account,
            application=application,
            pieces=found.record.pieces,
            deadline=deadline,
            **mail_context(catalog, application),
        )
    for state in found.states:  # the new deadline holds for each piece it lists
        pieces_store.grant_until(database, application.id, state.piece.code, clock.stamp(deadline))
    audit(
        database,
        member,
        "pieces.relance",
        academy=application.academy,
        application_id=application.id,
        account_id=account.id,
        after={
            "version": document.version,
            "deadline": deadline.isoformat(),
            "pieces": [state.piece.code for state in found.states],
        },
    )


def relance_one(
    database: Database,
    data_dir: str,
    member: Staff,
    catalog: Catalog,
    application: Application,
    typed_deadline: str,
) -> Done | Refused:
    session = _session(catalog, application.exam, application.session)
    deadline = new_deadline(typed_deadline, clock.now(), session)
    if isinstance(deadline, Refused):
        return deadline
    if application.status != applications.REGISTERED:
        return Refused(CLOSED)
    found = item(database, catalog, application, deadline)
    if found is None:
        return Refused("Aucune pièce ne manque : il n'y a rien à relancer.")
    # Rendered and written before the lock, as every document (``issuing``).
    prepared = issuing.prepare_document(
        database, data_dir, application.id, KIND, found.render, TITLE
    )
    outcome: Done | Refused = Refused(AGAIN)
    try:
        with db.transaction(database):
            outcome = _record(database, member, catalog, found, prepared, deadline)
    except documents.CodeTaken:
        pass  # two codes drawn alike at once: nothing recorded, the member tries again
    finally:
        if not isinstance(outcome, Done):
            issuing.discard(data_dir, [prepared])
    return outcome


AGAIN = "La relance n'a pas pu être enregistrée : réessayez."
TWICE = (
    "Une autre relance vient d'être publiée pour cette candidature : consultez ses"
    " documents avant d'en publier une nouvelle."
)


def _record(
    database: Database,
    member: Staff,
    catalog: Catalog,
    found: Item,
    prepared: issuing.Prepared,
    deadline: datetime,
) -> Done | Refused:
    """In the relance's transaction: refused if the application was closed or relancée
    meanwhile (a double click), else its row, mail, deadlines and audit entry."""
    application_id = found.application.id
    if not issuing.is_next(database, application_id, prepared):
        return Refused(TWICE)
    if applications.by_id(database, application_id).status != applications.REGISTERED:
        return Refused(CLOSED)
    document = issuing.record(database, application_id, prepared)
    announce(database, member, catalog, found, document, deadline)
    return Done("Relance publiée dans « Mes documents » du candidat ; un courriel le prévient.")


def _to_relance(database: Database, catalog: Catalog, group: Group) -> list[Application]:
    """The registered applications of the session that still miss something."""
    found = []
    for registered in applications.registered_in(database, group):
        application = applications.by_id(database, registered.application_id)
        if lacking(database, catalog, application):
            found.append(application)
    return found


def session_preview(
    database: Database, catalog: Catalog, group: Group, typed_deadline: str
) -> Preview | BadDeadline:
    """What ``relance_session`` will do with this deadline (refused as it would refuse
    it), before anything is published."""
    deadline = session_deadline(catalog, group, typed_deadline)
    if isinstance(deadline, Refused):
        return deadline
    count = len(_to_relance(database, catalog, group))
    if count:
        sentence = will_receive(
            count,
            "une relance dans « Mes documents » et par courriel,"
            f" sur {candidates(group.count)} inscrit{'s' if group.count > 1 else ''} :"
            " ceux à qui il manque encore une pièce ou dont une pièce n'est pas conforme.",
        )
    else:
        sentence = (
            "Aucun candidat inscrit à cette session ne manque de pièce ni n'a de pièce non"
            " conforme : il n'y a personne à relancer."
        )
    facts = (
        ("Session d'examen", session_name(catalog, group)),
        ("Nouvelle date limite", f"{format_day(deadline)}, 23 h 59 (heure de Paris)"),
    )
    return Preview(count, sentence, facts)
