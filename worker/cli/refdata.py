"""`flask --app worker refdata refresh SOURCE`: rewrite the reference CSV files.

SOURCE is the folder where the npm packages were installed, for instance::

    npm install --prefix /tmp/refdata @etalab/decoupage-administratif i18n-iso-countries
    flask --app worker refdata refresh /tmp/refdata

The command object is wired into the app's CLI (a « refdata » group) elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import click

from worker.refdata import (
    COMMUNES_FILE,
    COUNTRIES_FILE,
    DEPARTEMENTS_FILE,
    refresh,
    source_versions,
)

_LABELS = {
    COUNTRIES_FILE: "pays",
    DEPARTEMENTS_FILE: "départements, DOM et COM",
    COMMUNES_FILE: "communes",
}


@click.command("refresh")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
def refresh_command(source: Path) -> None:
    """Régénère pays.csv, departements.csv et communes.csv depuis SOURCE (dossier npm)."""
    target = Path(__file__).resolve().parent
    try:
        counts = refresh(source, target)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    versions = ", ".join(
        f"{package} {version}" for package, version in source_versions(source).items()
    )
    click.echo(f"Sources : {versions}")
    for name, count in counts.items():
        click.echo(f"{target / name} : {count} {_LABELS.get(name, 'lignes')}")
    click.echo("Listes de référence mises à jour : relisez le diff puis validez-le.")
