"""``flask --app worker store …``: the database engine of a deployment."""

from __future__ import annotations

import click
import psycopg
from flask import current_app
from flask.cli import AppGroup

from worker.store import db, transfer

store_cli = AppGroup("store", help="Base de données : passage de SQLite à PostgreSQL.")


@store_cli.command("migrate-to")
@click.argument("url")
def migrate_to(url: str) -> None:
    """Copie la base SQLite de PORTAIL_DATA_DIR vers la base PostgreSQL URL
    (postgresql://utilisateur@hôte/base), vide, puis compare les deux ligne à ligne.

    À lancer portail arrêté (ou en maintenance) ; ensuite, définir PORTAIL_DATABASE_URL=URL
    sur chaque hôte. La base SQLite n'est pas modifiée : elle reste la sauvegarde.
    """
    if current_app.config.get("DATABASE_URL"):
        raise click.ClickException(
            "PORTAIL_DATABASE_URL est déjà défini : la source doit être la base SQLite."
        )
    if not db.is_url(url):
        raise click.ClickException("l'adresse doit commencer par postgresql://")
    try:
        version = db.migrate(url)
        target = db.connect(url)
    except psycopg.OperationalError as exc:
        raise click.ClickException(f"base PostgreSQL injoignable ou refusée : {exc}") from None
    source = db.connect(db.database_path(current_app))
    try:
        moved = transfer.migrate_to(source, target, _progress)
    except transfer.TransferError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        source.close()
        target.close()
    rows = sum(moved.tables.values())
    click.echo(
        f"{rows} ligne(s) de {len(moved.tables)} table(s) copiées et vérifiées une à une "
        f"(schéma {version}). Définissez maintenant PORTAIL_DATABASE_URL."
    )


def _progress(table: str, done: int, total: int) -> None:
    if done == total or done % 50_000 == 0:
        click.echo(f"  {table} : {done}/{total}", err=True)
