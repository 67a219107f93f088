"""The audit log screen: who did what, when, before and after, in the member's académies;
filtered, paged, exported as CSV (the export itself audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from catalog import Catalog
from worker import clock
from worker.office.actions.audit_words import Words
from worker.rules.spreadsheet import csv_text, paris_time
from worker.store import audit, db, staff
from worker.store import audit_log as stored
from worker.store.accounts import display_name
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
    "dashboard.export": "Export du tableau de bord",
    "document.publish": "Document publié",
    "document.upload": "Document déposé",
    "documents.publish_session": "Publication pour une session",
    "message.send": "Message au candidat",
    "message.session": "Message aux candidats d'une session",
    "piece.status": "Statut d'une pièce justificative",
    "pieces.relance": "Relance de pièces justificatives",
    "pieces.relance_session": "Relance de pièces pour une session",
    "pupil.create": "Élève créé",
    "pupil.password_renewed": "Mot de passe d'élève renouvelé",
    "pupils.import": "Import d'élèves",
    "pupils.slips_delete": "Papillons supprimés",
    "pupils.slips_download": "Papillons téléchargés",
    "results.publish": "Notes publiées",
    "retention.purge": "Suppression au terme de la conservation",
    "staff.create": "Compte gestionnaire créé",
    "staff.login": "Connexion",
}
EXPORT_HEADER = (
    "date",
    "gestionnaire",
    "action",
    "academie",
    "numero_inscription",  # as in the applications' export
    "numero_candidat",
    "candidat",
    "avant",
    "apres",
)


class Line(NamedTuple):
    """An entry of the journal as its table shows it, every cell ready to print."""

    at: str  # « 01/11/2027 08:00 », Paris time
    staff: str
    action: str
    application_id: int | None  # the candidate's name links to the application
    candidate: str  # « DUPONT Jeanne », or « — »
    before: str
    after: str


def line(entry: AuditEntry, words: Words) -> Line:
    name = display_name(entry.last_name, entry.first_names)
    return Line(
        clock.short(entry.at),
        entry.staff or "système",
        label_of(entry.action),
        entry.application_id,
        name or "—",
        words(entry.before) or "—",
        words(entry.after) or "—",
    )


@dataclass(frozen=True)
class Journal:
    lines: list[Line]
    total: int  # counted up to stored.COUNTED + 1: more means « plus de »
    members: list[tuple[int, str]]
    actions: list[str]
    page: int = 1
    per_page: int = 50

    @property
    def counted(self) -> bool:
        """The total is exact (not « plus de 1 000 »)."""
        return self.total <= stored.COUNTED

    @property
    def pages(self) -> int | None:
        """How many pages in all; None beyond the counted entries."""
        return max(1, -(-self.total // self.per_page)) if self.counted else None

    @property
    def has_next(self) -> bool:
        if self.pages is not None:
            return self.page < self.pages
        return len(self.lines) == self.per_page


def label_of(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def journal(
    database: Database,
    member: Staff,
    catalog: Catalog,
    filters: AuditFilters,
    page: int,
    per_page: int,
) -> Journal:
    """A page of the journal, with the filters' choices: the staff members sharing an
    académie with the viewer and every kind of action (not read from the log itself,
    which would mean reading all of it)."""
    entries, total = stored.entries(database, member.academies, member.id, filters, page, per_page)
    members = staff.names_sharing(database, member.academies, member.id)
    actions = sorted(ACTION_LABELS, key=lambda action: ACTION_LABELS[action])
    words = Words(catalog, dict(members), ACTION_LABELS)  # the members already read
    return Journal([line(e, words) for e in entries], total, members, actions, page, per_page)


def _words(database: Database, member: Staff, catalog: Catalog) -> Words:
    """Before/after in words, with the names of the staff members the viewer may see."""
    names = dict(staff.names_sharing(database, member.academies, member.id))
    return Words(catalog, names, ACTION_LABELS)


def history(database: Database, member: Staff, catalog: Catalog, application_id: int) -> list[Line]:
    """An application's history, newest first, as the journal shows its entries."""
    words = _words(database, member, catalog)
    return [
        Line(
            clock.short(entry["at"]),
            entry["staff"] or "système",
            label_of(entry["action"]),
            application_id,
            "",
            words(entry["before"]) or "—",
            words(entry["after"]) or "—",
        )
        for entry in audit.audit_of(database, application_id)
    ]


def export(database: Database, member: Staff, catalog: Catalog, filters: AuditFilters) -> str:
    """The filtered journal as CSV, formulas neutralised; the export is audited."""
    words = _words(database, member, catalog)
    academies = {code: academy.name for code, academy in catalog.academies.items()}
    rows = [
        (
            paris_time(e.at),
            e.staff or "système",
            label_of(e.action),
            academies.get(e.academy, e.academy),
            number,
            e.candidate_number or "",
            display_name(e.last_name, e.first_names),
            words(e.before),
            words(e.after),
        )
        for e, number in stored.all_entries(database, member.academies, member.id, filters)
    ]
    with db.transaction(database):
        audit.audit(database, member, "audit.export", after={"filters": filters.__dict__})
    return csv_text(EXPORT_HEADER, rows)
