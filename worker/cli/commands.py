"""Operator commands: flask --app worker <group> <command> (see --help of each)."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from worker.cli.refdata import refresh_command
from worker.content import current_catalog
from worker.documents import issuing
from worker.files import storage
from worker.mail import delivery as mail
from worker.office.actions import pupils as pupil_actions
from worker.rules import passwords
from worker.store import accounts, db, documents, staff
from worker.store import pieces as stored_pieces
from worker.store import pupils as stored_pupils
from worker.store.audit import audit

accounts_cli = AppGroup("accounts", help="Comptes candidats.")
mail_cli = AppGroup("mail", help="Courriels sortants.")
refdata_cli = AppGroup("refdata", help="Données de référence (pays, départements, communes).")
files_cli = AppGroup("files", help="Fichiers déposés et documents publiés (sous PORTAIL_DATA_DIR).")
staff_cli = AppGroup("staff", help="Comptes des gestionnaires des services des examens.")


@staff_cli.command("create")
@click.option("--email", required=True, help="Adresse électronique professionnelle (identifiant).")
@click.option("--name", required=True, help="Nom affiché, par exemple « Claire Martin (DEC) ».")
@click.option(
    "--academy",
    "academies",
    multiple=True,
    required=True,
    help="Code d'académie (répétable) ; « siec » vaut aussi pour ses académies membres.",
)
@click.option("--admin", is_flag=True, help="Peut créer d'autres comptes gestionnaires.")
@click.password_option(help="Mot de passe (demandé deux fois si absent).")
def create_staff(
    email: str, name: str, academies: tuple[str, ...], admin: bool, password: str
) -> None:
    """Crée un compte gestionnaire limité à une ou plusieurs académies."""
    catalog = current_catalog()
    scope = staff.expand_scope(catalog, list(academies))
    unknown = [a for a in academies if a not in catalog.academies]
    if unknown:
        raise click.BadParameter(
            f"académie inconnue : {', '.join(unknown)}", param_hint="--academy"
        )
    lacking = passwords.staff_problems(password)
    if lacking:
        raise click.BadParameter(
            "le mot de passe doit contenir " + ", ".join(lacking), param_hint="--password"
        )
    database = db.get()
    with db.transaction(database):
        try:
            member = staff.create(
                database,
                email,
                name,
                passwords.hash_password(password),
                scope,
                "admin" if admin else "staff",
            )
        except staff.StaffExists:
            raise click.ClickException(f"un compte gestionnaire existe déjà pour {email}") from None
        audit(
            database,
            None,
            "staff.create",
            after={"staff": member.email, "academies": scope, "role": member.role},
        )
    click.echo(f"Compte gestionnaire créé : {member.email} ({', '.join(member.academies)}).")


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
        areas = (
            ("uploads", stored_pieces.known_files(database)),
            (issuing.AREA, documents.known_files(database)),
            (pupil_actions.AREA, stored_pupils.known_files(database)),
        )
        return sum(storage.sweep(data_dir, area, known, older_than) for area, known in areas)
    finally:
        database.conn.close()


def init_app(app: Flask) -> None:
    for group in (accounts_cli, mail_cli, refdata_cli, files_cli, staff_cli):
        app.cli.add_command(group)
