"""What an action on a whole exam session will do, said before it is done: the back
office shows it on a confirmation page (a message to every candidate, documents for every
registered application, relances), and only the confirmed form acts.

A preview changes nothing and audits nothing: the confirmed action is audited as before.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog import Catalog
from worker.office.actions.outcomes import Refused
from worker.office.actions.review import names_of
from worker.rules.office_documents import BULK_KINDS
from worker.store.applications import Group

ALREADY = Refused(
    "Cette confirmation a déjà été reçue (un double clic, ou la page envoyée de nouveau) :"
    " rien n'a été refait. Le journal des actions montre ce qui a été fait."
)


@dataclass(frozen=True)
class Preview:
    """What the confirmed action will do: to how many (0: nothing, nothing to confirm),
    in one sentence, and the facts the staff member checks before confirming."""

    count: int
    sentence: str
    facts: tuple[tuple[str, str], ...]


def number(count: int) -> str:
    """« 1 234 »: a count as French writes it (a non-breaking space between thousands)."""
    return f"{count:,}".replace(",", "\u00a0")


def candidates(count: int) -> str:
    """« 1 candidat », « 1 234 candidats »."""
    return f"{number(count)} candidat{'s' if count > 1 else ''}"


def session_name(catalog: Catalog, group: Group) -> str:
    """« ACADÉMIE DE RENNES – CFG – JUIN 2027 »: the exam session in words."""
    names = names_of(catalog, group.academy, group.exam, group.session)
    return f"{names.academy} – {names.exam} – {names.session}"


def will_receive(count: int, what: str) -> str:
    """« 1 234 candidats recevront ce message… », « 1 candidat recevra … »."""
    return f"{candidates(count)} {'recevra' if count == 1 else 'recevront'} {what}"


def message_preview(catalog: Catalog, group: Group, subject: str) -> Preview:
    """A message to every candidate registered in the session."""
    sentence = (
        will_receive(group.count, "ce message dans « Consulter mes messages » et par courriel.")
        if group.count
        else "Aucun candidat n'est inscrit à cette session : personne ne recevrait ce message."
    )
    facts = (("Session d'examen", session_name(catalog, group)), ("Objet", subject))
    return Preview(group.count, sentence, facts)


def publication_preview(catalog: Catalog, group: Group, kind: str, title: str) -> Preview:
    """A document for every application registered in the session."""
    sentence = (
        will_receive(group.count, "ce document, comme nouvelle version dans « Mes documents ».")
        if group.count
        else "Aucun candidat n'est inscrit à cette session : aucun document ne serait publié."
    )
    facts = (
        ("Session d'examen", session_name(catalog, group)),
        ("Type de document", BULK_KINDS.get(kind, kind)),
        ("Titre du document", title),
    )
    return Preview(group.count, sentence, facts)
