"""The help guides name the candidate space's controls and statuses as it shows them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from worker.forms.account import SignupForm
from worker.rules import pieces

ROOT = Path(__file__).resolve().parent.parent
GUIDES = sorted((ROOT / "content" / "guides").rglob("*.md"))

# Bold words of the guides that are emphasis, not a label of the portal.
EMPHASIS = {
    "5 mo au maximum",
    "5 mo par fichier",
    "dès qu'une candidature existe",
    "identité et naissance",
    "contacts",
    "lieu d'exercice ou de formation",
    "tant que vous n'avez créé aucune candidature",
    "votre établissement vous inscrit",
    "vous n'êtes pas scolarisé",
    "vous vous inscrivez seul",
    "vous êtes élève ou étudiant et votre établissement vous inscrit",
    "aménagement de la durée de formation",
    "avant la fermeture des inscriptions",
    "diffusion de vos résultats",
    "globale",
    "un autre examen, comme le bia",
    "une autre certification, comme la certification complémentaire",
    "version 02",
    "{{ service }}",
    "à l'encre rouge",
    "établissement d'inscription",
    "n° inscription",  # the number page's tab, as the guides' step lists name it
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("&#39;", "'")).casefold()


def _bold(path: Path) -> set[str]:
    terms = {_flat(t) for t in re.findall(r"\*\*([^*]+)\*\*", path.read_text(encoding="utf-8"))}
    return {re.sub(r"^\d+ - ", "", t) for t in terms}  # « 2 - Récapitulatif »: the step's title


def _portal_text() -> str:
    sources = [*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("worker").rglob("*.py")]
    sources += [
        *ROOT.joinpath("content").glob("*.toml"),
        *ROOT.joinpath("content").glob("*/*.toml"),
    ]
    return _flat(" ".join(p.read_text(encoding="utf-8") for p in sources))


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: str(p.relative_to(ROOT / "content")))
def test_every_label_a_guide_names_is_one_the_portal_shows(guide):
    portal = _portal_text()
    missing = sorted(t for t in _bold(guide) - EMPHASIS if t not in portal)
    assert missing == [], f"{guide.name} nomme ce que le portail n'affiche pas : {missing}"


def test_the_signup_fields_are_listed_with_their_labels():
    form_labels = {_flat(str(field.label.text)) for field in SignupForm(meta={"csrf": False})}
    listed = _bold(ROOT / "content" / "guides" / "bts.md")
    for label in ("confirmation du nom de famille", "confirmation de l'adresse électronique"):
        assert label in form_labels and label in listed


@pytest.mark.parametrize("slug", ["bts", "generique"])
def test_guides_list_the_statuses_a_piece_goes_through(slug):
    text = _flat((ROOT / "content" / "guides" / f"{slug}.md").read_text(encoding="utf-8"))
    file = pieces.StoredFile.__new__(pieces.StoredFile)  # only its presence counts
    before_control = [
        pieces.shown_status(pieces.PieceState(None, None), online=True),
        pieces.shown_status(pieces.PieceState(None, None, files=[file]), online=True),
        pieces.shown_status(pieces.PieceState(None, None, validated_at="2026-12-01"), True),
    ]
    for label in [*before_control, *(label for code, label in pieces.STATUSES.items() if code)]:
        assert _flat(label) in text, label
    assert "aucun statut" not in text


def test_the_card_notice_is_named_as_the_card_shows_it():
    card = (ROOT / "templates" / "candidate" / "_application_card.html").read_text()
    assert 'aria-label="Information"' in card and "enveloppe" not in _portal_text()
    for slug in ("bts", "cfg"):
        text = _flat((ROOT / "content" / "guides" / f"{slug}.md").read_text(encoding="utf-8"))
        assert "encadré « information »" in text and "enveloppe" not in text
