"""Reminders before the deadlines of supporting pieces (`flask --app worker reminders
send`): for every registered application of an exam with ``reminders`` in content/, one
mail listing exactly what is still missing, by deadline. Each reminder is recorded under
a unique key in the mail's transaction: never sent twice, also after a crash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalog import Catalog
from worker import mail
from worker.office.actions.interventions import mail_context
from worker.rules import pieces as supporting
from worker.rules import reminders as rules
from worker.rules.reminders import Due
from worker.store import accounts, db
from worker.store import reminders as store
from worker.store.applications import Application
from worker.store.db import Database


@dataclass(frozen=True)
class Planned:
    """The reminders due for one application (sent, or to send with --dry-run)."""

    application: Application
    email: str
    reminders: tuple[Due, ...]


def _due(database: Database, catalog: Catalog, application: Application, now: datetime):
    exam = catalog.exams[application.exam]
    groups = supporting.groups(database, catalog, application)
    found = rules.due(application.id, exam.reminders, groups, now)
    sent = store.already_sent(database, [d.key for d in found])
    return [d for d in found if d.key not in sent]


def _send(database: Database, catalog: Catalog, application: Application, due: list[Due]):
    """Record the reminders and queue their one mail, in one transaction; what was sent."""
    account = accounts.by_id(database, application.account_id)
    with db.transaction(database):
        fresh = tuple(d for d in due if store.record(database, d.key, application.id))
        if fresh:
            mail.queue(
                database,
                "rappel_pieces",
                account.email,
                account.id,
                account=account,
                application=application,
                reminders=fresh,
                **mail_context(catalog, application),
            )
    return fresh


def send_reminders(
    database: Database, catalog: Catalog, now: datetime, dry_run: bool = False
) -> list[Planned]:
    """Every reminder due now and not yet sent; with dry_run, nothing is written."""
    exams = [code for code, exam in catalog.exams.items() if exam.reminders]
    done = []
    for application in store.registered_to(database, exams):
        account = accounts.by_id(database, application.account_id)
        if not account or not account.email:
            continue  # a pupil before their first login: no address yet
        due = _due(database, catalog, application, now)
        sent = tuple(due) if dry_run or not due else _send(database, catalog, application, due)
        if sent:
            done.append(Planned(application, account.email, sent))
    return done
