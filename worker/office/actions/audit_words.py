"""The before/after of an audit entry in words: « statut : Non conforme ; pièce : Pièce
d'identité… » rather than the JSON the log keeps (``{"status": "non_conforme", …}``).

The log records codes, so that an entry stays true whatever the catalogue becomes; the
journal shows them as the rest of the back office does: French names for the keys, the
display names of académies, exams and sessions, the labels of statuses and pieces,
dates as dd/mm/yyyy, the filters of an export as the choices made. A key or a code the
portal does not know is shown as it is.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from catalog import Catalog
from worker.office.actions import review
from worker.rules import pieces as supporting
from worker.store import search
from worker.store.applications import STATUS_LABELS

KEYS = {
    "academies": "académies",
    "academy": "académie",
    "action": "action",
    "candidate": "candidat",
    "comment": "commentaire",
    "deadline": "date limite",
    "exam": "examen",
    "file": "fichier",
    "files": "fichiers",
    "filters": "filtres",
    "import": "import",
    "issued": "relances",
    "kind": "type",
    "list": "liste",
    "login": "identifiant",
    "message": "message",
    "number": "numéro",
    "piece": "pièce",
    "piece_state": "statut de la pièce",
    "query": "recherche",
    "reason": "motif",
    "received_on": "reçue le",
    "role": "rôle",
    "session": "session",
    "slips": "papillons",
    "staff": "gestionnaire",
    "staff_id": "gestionnaire",
    "status": "statut",
    "subject": "objet",
    "title": "titre",
    "version": "version",
}
LISTS = {"sans-depot": "candidats sans aucun fichier", "pieces": "pièces par statut"}
STATUSES = {**STATUS_LABELS, **{code: label for code, label in supporting.STATUSES.items() if code}}
EMPTY = "—"


class Words:
    """Turns before/after texts into words with one catalogue and the staff members' names
    (id → name); each text is put in words once (a page repeats the same few)."""

    def __init__(self, catalog: Catalog, staff_names: dict[int, str], actions: dict[str, str]):
        self.catalog, self.staff_names, self.actions = catalog, staff_names, actions
        self.pieces = {p.code: p.label for e in catalog.exams.values() for p in e.pieces}
        self.known: dict[str, str] = {}

    def __call__(self, values: str) -> str:
        """The JSON of before/after as « clé : valeur ; … » (empty when nothing)."""
        found = self.known.get(values)
        if found is None:
            found = self.known[values] = self._text(values)
        return found

    def _text(self, values: str) -> str:
        try:
            found = json.loads(values or "{}")
        except ValueError:
            return values
        if not isinstance(found, dict):
            return str(found)
        return " ; ".join(f"{KEYS.get(k, k)} : {self.value(k, v)}" for k, v in found.items())

    def value(self, key: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return EMPTY
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, dict):
            return self._choices(value)
        if isinstance(value, list):
            return ", ".join(self.value(key, item) for item in value)
        return self._coded(key, value)

    def _choices(self, values: dict) -> str:
        """The filters of an export: the choices made, « aucun » when none."""
        made = [f"{KEYS.get(k, k)} « {self.value(k, v)} »" for k, v in values.items() if v]
        return ", ".join(made) if made else "aucun"

    def _coded(self, key: str, value: Any) -> str:
        text = str(value)
        match key:
            case "session" if text.count("|") == 2:
                names = review.names_of(self.catalog, *text.split("|"))
                return f"{names.academy} – {names.exam} – {names.session}"
            case "academy" | "academies":
                return review.names_of(self.catalog, text, "", "").academy
            case "exam":
                return review.names_of(self.catalog, "", text, "").exam
            case "status":
                return STATUSES.get(text, text)
            case "piece":
                return self.pieces.get(text, text)
            case "list":
                return LISTS.get(text, text)
            case "files":
                return search.FILES.get(text, text)
            case "piece_state":
                return review.PIECE_STATES.get(text, text)
            case "action":
                return self.actions.get(text, text)
            case "staff_id" if isinstance(value, int):
                return self.staff_names.get(value, text)
            case "deadline" | "received_on":
                return _day(text)
        return text


def _day(text: str) -> str:
    try:
        return date.fromisoformat(text[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return text
