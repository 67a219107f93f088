"""Operator commands: flask --app worker <group> <command> (see --help of each)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import accounts, db, mail, published, storage, supporting
from .refdata.cli import refresh_command

accounts_cli = AppGroup("accounts", help="Comptes candidats.")
mail_cli = AppGroup("mail", help="Courriels sortants.")
refdata_cli = AppGroup("refdata", help="Données de référence (pays, départements, communes).")
files_cli = AppGroup("files", help="Fichiers déposés et documents publiés (sous PORTAIL_DATA_DIR).")
refdata_cli.add_command(refresh_command)


@accounts_cli.command("purge")
@click.option(
    "--hours",
    default=48,
    show_default=True,
    help="Âge au-delà duquel un compte non activé est supprimé.",
)
def purge(hours: int) -> None:
    """Supprime les comptes non activés dans le délai (à lancer par cron, chaque heure)."""
    database = db.get()
    with db.transaction(database):
        count = accounts.purge_unactivated(database, timedelta(hours=hours))
    click.echo(f"{count} compte(s) non activé(s) supprimé(s).")


@mail_cli.command("deliver")
def deliver() -> None:
    """Envoie maintenant les courriels en attente (sinon, le fil d'envoi s'en charge)."""
    if not current_app.config["SMTP_HOST"]:
        raise click.ClickException(
            "PORTAIL_SMTP_HOST n'est pas défini : les courriels restent "
            "dans la boîte d'envoi locale."
        )
    click.echo(f"{mail.deliver_due(current_app._get_current_object())} courriel(s) envoyé(s).")


@files_cli.command("sweep")
@click.option(
    "--minutes",
    default=60,
    show_default=True,
    help="Âge minimal d'un fichier orphelin avant suppression (dépôts en cours épargnés).",
)
def sweep(minutes: int) -> None:
    """Supprime les fichiers qu'aucune ligne de la base ne référence (écritures interrompues)."""
    click.echo(f"{sweep_orphans(current_app, minutes * 60)} fichier(s) orphelin(s) supprimé(s).")


def sweep_orphans(app: Flask, older_than: float) -> int:
    """Files written but never committed (a process killed mid-upload), older than a delay."""
    database = db.connect(db.database_path(app))
    try:
        data_dir = app.config["DATA_DIR"]
        return storage.sweep(
            data_dir, "uploads", supporting.known_files(database), older_than
        ) + storage.sweep(data_dir, published.AREA, published.known_files(database), older_than)
    finally:
        database.conn.close()


def init_app(app: Flask) -> None:
    for group in (accounts_cli, mail_cli, refdata_cli, files_cli):
        app.cli.add_command(group)
