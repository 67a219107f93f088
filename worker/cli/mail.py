"""`flask --app worker mail …`: outgoing mail, for the operators."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from worker import clock
from worker.mail import delivery
from worker.store import db, mails

mail_cli = AppGroup("mail", help="Courriels sortants.")


def _smtp_configured() -> None:
    if not current_app.config["SMTP_HOST"]:
        raise click.ClickException(
            "PORTAIL_SMTP_HOST n'est pas défini : les courriels restent "
            "dans la boîte d'envoi locale."
        )


@mail_cli.command("deliver")
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Tente aussi les courriels dont le prochain essai n'est pas encore venu.",
)
def deliver(everything: bool) -> None:
    """Envoie maintenant les courriels en attente (sinon, le fil d'envoi s'en charge)."""
    _smtp_configured()
    sent = delivery.deliver_due(current_app._get_current_object(), everything)
    click.echo(f"{sent} courriel(s) envoyé(s).")


@mail_cli.command("failed")
def failed() -> None:
    """Liste les courriels abandonnés après PORTAIL_MAIL_GIVE_UP_HOURS d'échecs d'envoi."""
    found = mails.failed(db.get())
    for mail in found:
        click.echo(
            f"{mail.id}\t{mail.recipient}\t{mail.subject}\tcréé le {mail.created_at}"
            f"\tabandonné le {mail.failed_at}\t{mail.attempts} essai(s)\t{mail.last_error}"
        )
    click.echo(f"{len(found)} courriel(s) en échec.")


@mail_cli.command("retry")
def retry() -> None:
    """Remet en file les courriels en échec et tente de les envoyer tout de suite."""
    _smtp_configured()
    queued = mails.retry_failed(db.get(), clock.now())
    sent = delivery.deliver_due(current_app._get_current_object())
    click.echo(f"{queued} courriel(s) remis en file, {sent} envoyé(s).")
