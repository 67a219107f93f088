"""The audit log screen: who did what, when, before and after, in the member's académies;
filtered, paged, exported as CSV (the export itself audited)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from worker.rules.spreadsheet import csv_text
from worker.store import audit, db
from worker.store import audit_log as stored
from worker.store.audit_log import AuditEntry, AuditFilters
from worker.store.db import Database
from worker.store.staff import Staff

ACTION_LABELS = {
    "account.identity": "Correction de l'identité",
    "application.reject": "Candidature écartée",
    "application.withdraw": "Désinscription par le gestionnaire",
    "applications.export": "Export des candidatures",
    "audit.export": "Export du journal",
    "content.period.add": "Période ajoutée",
    "content.period.update": "Période modifiée",
    "content.period.delete": "Période supprimée",
    "content.message.add": "Message d'accueil ajouté",
    "content.message.update": "Message d'accueil modifié",
    "content.message.delete": "Message d'accueil supprimé",
    "document.publish": "Document publié",
    "document.upload": "Document déposé",
    "documents.publish_session": "Publication pour une session",
    "message.send": "Message au candidat",
    "message.session": "Message aux candidats d'une session",
    "piece.status": "Statut d'une pièce justificative",
    "pupil.create": "Élève créé",
    "pupil.password_renewed": "Mot de passe d'élève renouvelé",
    "pupils.import": "Import d'élèves",
    "pupils.slips_delete": "Papillons supprimés",
    "pupils.slips_download": "Papillons téléchargés",
    "results.publish": "Notes publiées",
    "staff.create": "Compte gestionnaire créé",
    "staff.login": "Connexion",
}
EXPORT_HEADER = (
    "date",
    "gestionnaire",
    "action",
    "academie",
    "candidature",
    "numero_candidat",
    "candidat",
    "avant",
    "apres",
)


@dataclass(frozen=True)
class Journal:
    entries: list[AuditEntry]
    total: int
    members: list[tuple[int, str]]
    actions: list[str]


def label_of(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def readable(values: str) -> str:
    """The JSON of before/after as « clé : valeur ; … » (empty when nothing)."""
    try:
        found = json.loads(values or "{}")
    except ValueError:
        return values
    if not isinstance(found, dict):
        return str(found)
    return " ; ".join(f"{key} : {'—' if v in (None, '') else v}" for key, v in found.items())


def journal(
    database: Database, member: Staff, filters: AuditFilters, page: int, per_page: int
) -> Journal:
    entries, total = stored.entries(database, member.academies, member.id, filters, page, per_page)
    members, actions = stored.choices(database, member.academies, member.id)
    return Journal(entries, total, members, actions)


def export(database: Database, member: Staff, filters: AuditFilters) -> str:
    """The filtered journal as CSV, formulas neutralised; the export is audited."""
    rows = [
        (
            e.at,
            e.staff or "système",
            label_of(e.action),
            e.academy,
            e.application_id or "",
            e.candidate_number or "",
            f"{(e.last_name or '').upper()} {e.first_names or ''}".strip(),
            readable(e.before),
            readable(e.after),
        )
        for e in stored.all_entries(database, member.academies, member.id, filters)
    ]
    with db.transaction(database):
        audit.audit(database, member, "audit.export", after={"filters": filters.__dict__})
    return csv_text(EXPORT_HEADER, rows)
