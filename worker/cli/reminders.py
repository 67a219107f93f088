"""`flask --app worker reminders send [--dry-run]`: the reminders before the deadlines of
supporting pieces; run daily by portail-candidat-reminders.timer."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from worker import clock
from worker.content import current_catalog
from worker.mail import delivery
from worker.office.actions import reminders
from worker.store import db

reminders_cli = AppGroup("reminders", help="Rappels avant les dates limites des pièces.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Affiche les rappels dus sans rien envoyer.")
def send(dry_run: bool) -> None:
    """Envoie les rappels dus maintenant (jamais deux fois le même)."""
    # Mails render with the pages' context processors, which read the (empty) session.
    with current_app.test_request_context("/"):
        planned = reminders.send_reminders(db.get(), current_catalog(), clock.now(), dry_run)
    for item in planned:
        what = ", ".join(
            f"{d.group.label} J-{d.days} ({len(d.missing)} pièce(s))" for d in item.reminders
        )
        click.echo(f"{item.application.id}\t{item.email}\t{what}")
    verb = "à envoyer" if dry_run else "envoyé(s)"
    click.echo(f"{len(planned)} rappel(s) {verb}.")
    if planned and not dry_run and current_app.config["SMTP_HOST"]:
        delivery.deliver_due(current_app._get_current_object())
