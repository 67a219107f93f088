"""A whole exam session: a document generated for every registered application (a bulk
publication: a notice, or a relance de pièces justificatives to those still missing a
piece), or a message to every candidate.

A bulk publication runs one transaction per application, so that an interrupted one loses
nothing and resumes where it stopped; it runs for a limited time per request. Each PDF is
rendered and written before that transaction, with no lock held, and the transaction only
records it (issue 17); a file it does not record is deleted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from catalog import Catalog
from worker import clock
from worker.documents import issuing, notice
from worker.office.actions import relance
from worker.office.actions.bulk import ALREADY
from worker.office.actions.interventions import send
from worker.office.actions.outcomes import Done, Refused
from worker.store import accounts, applications, confirmations, db, documents, publications
from worker.store.applications import Group
from worker.store.audit import audit
from worker.store.db import Database
from worker.store.publications import Publication
from worker.store.staff import Staff


@dataclass(frozen=True)
class Published:
    """Where the publication stands after this run (its counts)."""

    publication: Publication


def start_publication(
    database: Database,
    data_dir: str,
    catalog: Catalog,
    member: Staff,
    group: Group,
    kind: str,
    title: str,
    body: str,
    seconds: float,
    once: str,
) -> Published | Refused:
    """A document for every application of the group registered now, published for up to
    ``seconds`` (the rest on resume); ``once``: the confirmation's token, used once."""
    with db.transaction(database):
        if not confirmations.use(database, once, member.id, "documents.publish_session"):
            return ALREADY
        started = publications.start(database, member.id, group, kind, title, body)
        audit(
            database,
            member,
            "documents.publish_session",
            academy=group.academy,
            after={
                "publication": started.id,
                "exam": group.exam,
                "session": group.session,
                "kind": started.kind,
                "title": started.title,
                "text": started.body,
                "applications": started.total,
            },
        )
    return resume_publication(database, data_dir, catalog, member, started, seconds)


def start_relance(
    database: Database,
    data_dir: str,
    catalog: Catalog,
    member: Staff,
    group: Group,
    deadline: datetime,
    seconds: float,
    once: str,
) -> Published | Refused:
    """A relance with this new deadline for every application of the group registered
    now that still misses a piece (the others are skipped as their turn comes: a piece
    may arrive meanwhile), as a publication; ``once``: the confirmation's token."""
    with db.transaction(database):
        if not confirmations.use(database, once, member.id, "pieces.relance_session"):
            return ALREADY
        started = publications.start(
            database, member.id, group, relance.KIND, relance.TITLE, "", clock.stamp(deadline)
        )
        audit(
            database,
            member,
            "pieces.relance_session",
            academy=group.academy,
            after={
                "publication": started.id,
                "session": group.key,
                "deadline": deadline.isoformat(),
                "applications": started.total,
            },
        )
    return resume_publication(database, data_dir, catalog, member, started, seconds)


def resume_publication(
    database: Database,
    data_dir: str,
    catalog: Catalog,
    member: Staff,
    publication: Publication,
    seconds: float,
) -> Published:
    """Publish the pending documents, one transaction per application, until done or
    ``seconds`` have passed (idempotent: done items are kept)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        application_id = publications.next_pending(database, publication.id)
        if application_id is None:
            break
        _publish_item(database, data_dir, catalog, member, publication, application_id)
    with db.transaction(database):
        publications.finish(database, publication.id)
    return Published(publications.in_scope(database, (publication.academy,), publication.id))


def _content(database: Database, catalog: Catalog, publication: Publication, application_id: int):
    """What this application's PDF is made of (its renderer, and for a relance what it
    lists), or None when it is no longer to publish (withdrawn; for a relance, nothing
    missing any more)."""
    application = applications.by_id(database, application_id)
    if (
        application.status != applications.REGISTERED
        or application.academy != publication.academy
        or application.exam not in catalog.exams
    ):
        return None
    if publication.deadline is not None:
        return relance.item(database, catalog, application, clock.parse(publication.deadline))
    account = accounts.by_id(database, application.account_id)
    record = notice.build(
        catalog,
        account,
        application,
        publication.kind,
        publication.title,
        publication.body,
        clock.now(),
    )
    return partial(notice.render, record)  # rendered with its verification code, once issued


def _publish_item(
    database: Database,
    data_dir: str,
    catalog: Catalog,
    member: Staff,
    publication: Publication,
    application_id: int,
) -> None:
    """One application's document: rendered and written first, then recorded; rendered
    once more if another version of its kind was published meanwhile (else it stays
    pending, for the next round)."""
    for _attempt in range(2):
        if publications.outcome_of(database, publication.id, application_id):
            return  # done meanwhile by another request (a double click)
        content = _content(database, catalog, publication, application_id)  # before the lock
        prepared = None
        if content is not None:
            render = content.render if isinstance(content, relance.Item) else content
            prepared = issuing.prepare_document(
                database, data_dir, application_id, publication.kind, render, publication.title
            )
        recorded = False
        try:
            with db.transaction(database):
                outcome = _record_item(
                    database, member, catalog, publication, application_id, prepared, content
                )
            recorded = outcome == PUBLISHED
        except documents.CodeTaken:
            outcome = CHANGED
        finally:
            if prepared is not None and not recorded:
                issuing.discard(data_dir, [prepared])
        if outcome != CHANGED:
            return


PUBLISHED, DONE, CHANGED = "published", "done", "changed"


def _record_item(
    database: Database,
    member: Staff,
    catalog: Catalog,
    publication: Publication,
    application_id: int,
    prepared: issuing.Prepared | None,
    content,
) -> str:
    """In the item's transaction: PUBLISHED (the row recorded), DONE (skipped, or done by
    another request) or CHANGED (another version published meanwhile: nothing written).
    A relance's mail, piece deadlines and audit entry go in the same transaction."""
    applications.lock(database, application_id)  # another host on the same item waits
    if publications.outcome_of(database, publication.id, application_id):
        return DONE  # done meanwhile by another request (a double click)
    current = applications.by_id(database, application_id)
    if prepared is None or current.status != applications.REGISTERED:
        publications.mark_skipped(database, publication.id, application_id)
        return DONE
    if not issuing.is_next(database, application_id, prepared):
        return CHANGED
    document = issuing.record(database, application_id, prepared)
    publications.mark_published(database, publication.id, application_id, document.id)
    if isinstance(content, relance.Item):
        deadline = clock.parse(publication.deadline)
        relance.announce(database, member, catalog, content, document, deadline)
        return PUBLISHED
    audit(
        database,
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
    return PUBLISHED


def message_session(
    database: Database,
    member: Staff,
    catalog: Catalog,
    group: Group,
    subject: str,
    text: str,
    once: str,
) -> Done | Refused:
    """The message to every candidate registered in the group, each audited, and the
    whole; ``once``: the confirmation's token, used once."""
    with db.transaction(database):
        if not confirmations.use(database, once, member.id, "message.session"):
            return ALREADY
        targets = applications.registered_in(database, group)
        for target in targets:
            send(
                database,
                member,
                catalog,
                applications.by_id(database, target.application_id),
                accounts.by_id(database, target.account_id),
                subject,
                text,
            )
        audit(
            database,
            member,
            "message.session",
            academy=group.academy,
            after={
                "exam": group.exam,
                "session": group.session,
                "subject": subject,
                "message": text,
                "recipients": len(targets),
            },
        )
    count = len(targets)
    return Done(
        f"Message envoyé à {count} candidat{'s' if count > 1 else ''} : "
        "chacun le lit dans « Consulter mes messages »."
    )
