"""Operator commands: flask --app worker <group> <command> (see --help of each)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from flask.cli import AppGroup

from worker.cli.data import data_cli
from worker.cli.demo import demo_cli
from worker.cli.mail import mail_cli
from worker.cli.refdata import refresh_command
from worker.cli.reminders import reminders_cli
from worker.cli.store import store_cli
from worker.content import current_catalog
from worker.documents import issuing
from worker.files import antivirus, storage
from worker.forms.office import STAFF_NAME_MAX
from worker.mail import quarantine
from worker.office.actions import pupils as pupil_actions
from worker.rules import passwords
from worker.store import accounts, backup, db, documents, staff
from worker.store import pieces as stored_pieces
from worker.store import pupils as stored_pupils
from worker.store.audit import audit

accounts_cli = AppGroup("accounts", help="Comptes candidats.")
refdata_cli = AppGroup("refdata", help="Données de référence (pays, départements, communes).")
files_cli = AppGroup(
    "files", help="Fichiers déposés et documents publiés (sous PORTAIL_FILES_DIR)."
)
staff_cli = AppGroup("staff", help="Comptes des gestionnaires des services des examens.")
backup_cli = AppGroup("backup", help="Sauvegarde et restauration de PORTAIL_DATA_DIR.")


def _staff_email(context: click.Context, param: click.Parameter, value: str) -> str:
    """The address the back office's form would accept (it becomes the login)."""
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise click.BadParameter("adresse invalide, par exemple prenom.nom@ac-rennes.fr") from None
    return value.strip()


def _staff_name(context: click.Context, param: click.Parameter, value: str) -> str:
    name = value.strip()
    if not 1 <= len(name) <= STAFF_NAME_MAX:
        raise click.BadParameter(f"de 1 à {STAFF_NAME_MAX} caractères")
    return name


@staff_cli.command("create")
@click.option(
    "--email",
    required=True,
    callback=_staff_email,
    help="Adresse électronique professionnelle (identifiant).",
)
@click.option(
    "--name",
    required=True,
    callback=_staff_name,
    help="Nom affiché, par exemple « Claire Martin (DEC) ».",
)
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
    type=click.IntRange(min=1),
    default=None,
    help="Âge au-delà duquel un compte non activé est supprimé (défaut : la validité du lien"
    " d'activation, PORTAIL_TOKEN_MAX_AGE, soit 48 heures sans réglage).",
)
def purge(hours: int | None) -> None:
    """Supprime les comptes non activés dans le délai (chaque heure par
    portail-candidat-purge.timer)."""
    age = timedelta(hours=hours) if hours else _link_lifetime()
    database = db.get()
    with db.transaction(database):
        count = accounts.purge_unactivated(database, age)
    click.echo(f"{count} compte(s) non activé(s) supprimé(s).")


def _link_lifetime() -> timedelta:
    """How long an activation link works: an account is not purged while its link could
    still activate it."""
    return timedelta(seconds=current_app.config["TOKEN_MAX_AGE"])


@files_cli.command("sweep")
@click.option(
    "--minutes",
    default=60,
    show_default=True,
    type=click.IntRange(min=0),
    help="Âge minimal d'un fichier orphelin avant suppression (dépôts en cours épargnés ;"
    " 0 seulement portail arrêté, sinon un dépôt en cours peut être supprimé).",
)
def sweep(minutes: int) -> None:
    """Supprime les fichiers qu'aucune ligne de la base ne référence (écritures interrompues)."""
    click.echo(f"{sweep_orphans(current_app, minutes * 60)} fichier(s) orphelin(s) supprimé(s).")


@files_cli.command("rescan")
def rescan() -> None:
    """Analyse de nouveau les fichiers en quarantaine (clamd injoignable lors du dépôt).

    Code de sortie 75 tant que clamd reste injoignable (le minuteur réessaie). Sans analyse
    configurée (ni PORTAIL_CLAMD_SOCKET ni PORTAIL_CLAMD_HOST), ne fait rien, sauf s'il
    reste des fichiers en quarantaine : c'est alors une erreur.
    """
    if not antivirus.enabled(current_app.config):
        _nothing_to_scan()
        return
    done = quarantine.rescan(current_app._get_current_object())
    click.echo(
        f"{done.clean} fichier(s) sain(s), {done.infected} infecté(s) supprimé(s), "
        f"{done.pending} toujours en attente (clamd injoignable)."
    )
    if done.pending:
        raise SystemExit(75)  # EX_TEMPFAIL: the next run tries again


def _nothing_to_scan() -> None:
    """Scanning off (the default): the timer's run succeeds, unless files still wait in
    quarantine (scanning turned off since), which nothing would ever clear."""
    if stored_pieces.pending_scans(db.get(), limit=1):
        raise click.ClickException(
            "des fichiers attendent en quarantaine, mais ni PORTAIL_CLAMD_SOCKET ni"
            " PORTAIL_CLAMD_HOST ne sont définis : rétablissez l'analyse antivirus."
        )
    click.echo("Analyse antivirus non configurée : aucun fichier en quarantaine.")


def sweep_orphans(app: Flask, older_than: float) -> int:
    """Files written but never committed (a process killed mid-upload), older than a delay."""
    database = db.open_for(app)
    try:
        data_dir = app.config["FILES_DIR"]
        areas = (
            ("uploads", stored_pieces.known_files(database)),
            (issuing.AREA, documents.known_files(database)),
            (pupil_actions.AREA, stored_pupils.known_files(database)),
        )
        return sum(storage.sweep(data_dir, area, known, older_than) for area, known in areas)
    finally:
        database.close()


@backup_cli.command("create")
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier où écrire l'archive (par défaut DATA_DIR/backups ; mieux : un autre disque).",
)
def backup_create(target: Path | None) -> None:
    """Sauvegarde la base, les documents, les justificatifs et les papillons dans une archive,
    portail en marche ; affiche le chemin de l'archive."""
    data_dir = Path(current_app.config["DATA_DIR"])
    if current_app.config["FILES_DIR"] != str(data_dir):
        raise click.ClickException(
            "PORTAIL_FILES_DIR est distinct de PORTAIL_DATA_DIR : sauvegardez le dossier"
            " partagé des fichiers avec rsync ou les instantanés de son stockage (README)."
        )
    if current_app.config.get("DATABASE_URL"):
        raise click.ClickException(
            "la base est sur PostgreSQL : sauvegardez-la avec pg_dump ou l'archivage continu"
            " (README, « Sauvegardes »), et le dossier partagé des fichiers avec rsync."
        )
    try:
        archive = backup.create(data_dir, target or data_dir / "backups")
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise _system_refused("sauvegarde", exc) from None
    click.echo(str(archive))


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--data-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier à créer (absent ou vide), à mettre ensuite à la place de PORTAIL_DATA_DIR.",
)
def backup_restore(archive: Path, data_dir: Path) -> None:
    """Vérifie toute l'archive (sommes de contrôle, manifeste, chemins) puis la restaure."""
    try:
        restored = backup.restore(archive, data_dir)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise _system_refused("restauration", exc) from None
    click.echo(
        f"{restored.files} fichier(s) restauré(s) dans {restored.data_dir} "
        f"(schéma {restored.schema_version})."
    )


def _system_refused(what: str, error: OSError) -> click.ClickException:
    """A folder missing, not writable or full: the system's reason and the path, in one
    line (the timer's journal says what to fix, not a traceback)."""
    where = f" : {error.filename}" if error.filename else ""
    return click.ClickException(f"{what} impossible ({error.strerror or error}){where}")


def init_app(app: Flask) -> None:
    groups = (
        accounts_cli,
        mail_cli,
        refdata_cli,
        files_cli,
        staff_cli,
        backup_cli,
        demo_cli,
        reminders_cli,
        data_cli,
        store_cli,
    )
    for group in groups:
        app.cli.add_command(group)
