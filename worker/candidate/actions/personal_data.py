"""« Télécharger mon dossier »: everything the portal keeps about a candidate, as one ZIP.

The archive holds ``compte.json`` (the account and its applications, machine-readable),
``dossier.html`` (the same, readable in a browser), and the files: the documents issued
for each application and the supporting documents the candidate uploaded. It is written
into a spooled temporary file (in memory while small, on disk beyond), the files copied
from disk in chunks by ``zipfile``, so no archive is ever held whole in memory.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import asdict
from html import escape
from pathlib import Path
from tempfile import SpooledTemporaryFile

from catalog import Catalog
from worker import clock
from worker.files import storage
from worker.rules.birthplace import birth_place
from worker.store import personal
from worker.store.accounts import Account
from worker.store.db import Database

IN_MEMORY_BYTES = 4 * 1024 * 1024
SECRET_FIELDS = ("password_hash", "email_key")


def account_record(account: Account) -> dict:
    """The account as the candidate may read it: everything but secrets."""
    data = {k: v for k, v in asdict(account).items() if k not in SECRET_FIELDS}
    data["birth_place"] = birth_place(account)
    return data


def archive(database: Database, catalog: Catalog, account: Account, data_dir: str | Path):
    """The ZIP, rewound, in a spooled temporary file the caller streams then closes."""
    applications = personal.applications_of(database, account.id)
    files = {a["id"]: _files(database, a["id"]) for a in applications}
    record = {
        "exported_at": clock.stamp(),
        "account": account_record(account),
        "applications": [
            {**a, "files": [f"{_folder(a)}/{name}" for name, _ref in files[a["id"]]]}
            for a in applications
        ],
    }
    spool = SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115 (the caller closes it)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("compte.json", json.dumps(record, ensure_ascii=False, indent=2))
        zipped.writestr("dossier.html", summary_html(catalog, record))
        for application in applications:
            for name, ref in files[application["id"]]:
                path = storage.path_of(data_dir, ref.area, ref.stored_name)
                if path.exists():
                    zipped.write(path, f"{_folder(application)}/{name}")
    spool.seek(0)
    return spool


def _folder(application: dict) -> str:
    return f"candidature-{application['number']}"


def _files(database: Database, application_id: int) -> list[tuple[str, personal.StoredRef]]:
    """(name in the archive, stored file): documents as PDFs, uploads as they came."""
    named = []
    for ref in personal.documents_of(database, application_id):
        named.append((f"documents/{_safe(ref.name)}.pdf", ref))
    for ref in personal.uploads_of(database, application_id):
        named.append((f"justificatifs/{_safe(ref.name)}", ref))
    seen: dict[str, int] = {}
    unique = []
    for name, ref in named:  # two uploads of the same name stay two files
        seen[name] = seen.get(name, 0) + 1
        unique.append((name if seen[name] == 1 else f"{seen[name]}-{name}", ref))
    return unique


def _safe(name: str) -> str:
    kept = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in name).strip(" .")
    return kept[:120] or "fichier"


def summary_html(catalog: Catalog, record: dict) -> str:
    """A page a person reads: the account, then each application and its answers."""
    account = record["account"]
    rows = [
        ("Numéro de candidat", account["candidate_number"] or "—"),
        ("Nom de famille", account["last_name"]),
        ("Nom d'usage", account["usual_name"] or "—"),
        ("Prénoms", account["first_names"]),
        ("Date de naissance", account["birth_date"]),
        ("Lieu de naissance", account["birth_place"]),
        ("Adresse électronique", account["email"]),
        ("Compte créé le", account["created_at"]),
    ]
    parts = [
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">',
        "<title>Mon dossier – portail candidat</title></head><body>",
        "<h1>Mon dossier</h1>",
        f"<p>Exporté le {escape(record['exported_at'])} (UTC).</p>",
        "<h2>Mon compte</h2>",
        _list(rows),
    ]
    for application in record["applications"]:
        parts.append(_application_html(catalog, application))
    parts.append("</body></html>")
    return "\n".join(parts)


def _application_html(catalog: Catalog, application: dict) -> str:
    exam = catalog.exams.get(application["exam"])
    academy = catalog.academies.get(application["academy"])
    title = f"Candidature n° {application['number']} – {exam.name if exam else application['exam']}"
    rows = [
        ("Session", application["session"]),
        ("Académie", academy.name if academy else application["academy"]),
        ("État", application["status"]),
        ("Créée le", application["created_at"]),
        ("Version", str(application["version"])),
    ]
    answers = [(key, _value(value)) for key, value in sorted(application["answers"].items())]
    files = "".join(f"<li>{escape(name)}</li>" for name in application["files"])
    return (
        f"<h2>{escape(title)}</h2>{_list(rows)}<h3>Réponses</h3>{_list(answers)}"
        f"<h3>Fichiers</h3><ul>{files or '<li>Aucun</li>'}</ul>"
    )


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return str(value) if value not in (None, "") else "—"


def _list(rows) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows)
    return f"<dl>{items}</dl>"
