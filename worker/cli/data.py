"""flask --app worker data purge: the retention run over personal data (README,
« Données personnelles »)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from worker import clock
from worker.candidate.actions import retention
from worker.content import current_catalog
from worker.store import db

data_cli = AppGroup("data", help="Données personnelles : durée de conservation.")


@data_cli.command("purge")
@click.option(
    "--dry-run", is_flag=True, help="Affiche ce qui serait supprimé, sans rien supprimer."
)
def purge(dry_run: bool) -> None:
    """Supprime les candidatures, documents et pièces des sessions dont la durée de
    conservation (retention_months de l'examen, après la fin de la session) est dépassée.

    Irréversible : lancez d'abord --dry-run. Chaque suppression est inscrite au journal
    (retention.purge) ; chaque mois par portail-candidat-retention.timer.
    """
    report = retention.purge(
        db.get(), current_catalog(), current_app.config["FILES_DIR"], clock.now(), dry_run
    )
    verb = "à supprimer" if dry_run else "supprimée(s)"
    for expired in report.sessions:
        click.echo(
            f"{expired.exam} {expired.session} (fin le {expired.ended:%d/%m/%Y}) : "
            f"{expired.applications} candidature(s) {verb}"
        )
    total = sum(e.applications for e in report.sessions)
    click.echo(f"Total : {total} candidature(s) et {report.files} fichier(s) {verb}.")
