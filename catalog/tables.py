"""The CSV tables of content/: registration periods and establishments.

Spreadsheet-friendly files: ";" or "," separated (periods), UTF-8 with or without BOM.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .dates import DateFormatError, parse_paris
from .model import Establishment, Period
from .problems import Problem, read_text

PERIOD_COLUMNS = (
    "academie",
    "examen",
    "session",
    "specialite",
    "ouverture",
    "fermeture",
    "retour_confirmation",
    "depot_debut",
    "depot_fin",
)
REQUIRED_PERIOD_COLUMNS = ("academie", "examen", "session", "ouverture", "fermeture")


def read_periods(path: Path, label: str, problems: list[Problem]) -> list[Period]:
    """Registration periods from a spreadsheet-friendly CSV (";" or "," separated)."""
    text = read_text(path, label, problems, bom=True)
    if text is None:
        return []
    header = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if ";" in header else ",")
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [c for c in REQUIRED_PERIOD_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in PERIOD_COLUMNS]
    if missing or unknown:
        detail = "; ".join(
            filter(
                None,
                [
                    missing and f"colonnes manquantes : {', '.join(missing)}",
                    unknown and f"colonnes inconnues : {', '.join(unknown)}",
                ],
            )
        )
        problems.append(Problem(label, 1, f"en-tête invalide ({detail})"))
        return []
    periods = []
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        period = _period(
            row, line, lambda msg, line=line: problems.append(Problem(label, line, msg))
        )
        if period:
            periods.append(period)
    return periods


def _period(row: dict[str, str], line: int, report: Callable[[str], None]) -> Period | None:
    for column in REQUIRED_PERIOD_COLUMNS:
        if not row.get(column):
            report(f"colonne « {column} » vide")
            return None
    dates: dict[str, Any] = {}
    for column, default_time in (
        ("ouverture", (0, 0)),
        ("fermeture", (23, 59)),
        ("retour_confirmation", (23, 59)),
        ("depot_debut", (0, 0)),
        ("depot_fin", (23, 59)),
    ):
        value = row.get(column, "")
        try:
            dates[column] = parse_paris(value, default_time=default_time) if value else None
        except DateFormatError as exc:
            report(f"{column} : {exc}")
            return None
    if dates["fermeture"] <= dates["ouverture"]:
        report("la fermeture doit être postérieure à l'ouverture")
        return None
    if dates["depot_debut"] and dates["depot_fin"] and dates["depot_fin"] <= dates["depot_debut"]:
        report("la fin du dépôt des justificatifs doit être postérieure à son début")
        return None
    return Period(
        academy=row["academie"],
        exam=row["examen"],
        session=row["session"],
        speciality=row.get("specialite", ""),
        opens=dates["ouverture"],
        closes=dates["fermeture"],
        confirmation_due=dates["retour_confirmation"],
        uploads_open=dates["depot_debut"],
        uploads_close=dates["depot_fin"],
        line=line,
    )


def read_establishments(path: Path, label: str, problems: list[Problem]) -> list[Establishment]:
    text = read_text(path, label, problems, bom=True)
    if text is None:
        return []
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if not {"academie", "uai", "nom"} <= set(reader.fieldnames or []):
        problems.append(Problem(label, 1, "en-tête attendu : academie;uai;nom;commune"))
        return []
    found = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not (values.get("academie") and values.get("uai") and values.get("nom")):
            problems.append(
                Problem(label, reader.line_num, "academie, uai et nom sont obligatoires")
            )
            continue
        found.append(
            Establishment(
                values["academie"], values["uai"], values["nom"], values.get("commune", "")
            )
        )
    return found
