"""« Comment nous le vérifions », the audit method of the accessibility page, generated
from what the test suite covers, so that the declaration never claims more (or less)
than the tests check.

    .venv/bin/python -m tests.accessibility_declaration   # rewrites the section, dated today

``tests/test_accessibility_declaration.py`` fails when the section is out of date: a
browser journey, a keyboard-only journey or a PDF structure test added or removed
without the declaration saying so.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "content" / "pages" / "accessibilite.md"
START, END = "## Comment nous le vérifions\n", "\n## Signaler un problème"
DATED = re.compile(r"Dernier audit : (\d{2}/\d{2}/\d{4})\.")

# What each browser journey covers, in the declaration's words.
JOURNEYS = {
    "test_static_site": "le site public : accueil, ouverture des services, académies et guides",
    "test_account_journey": "la création du compte, la connexion et « Modifier mon compte »",
    "test_franceconnect_journey": "la connexion avec FranceConnect",
    "test_registration_journey": "l'inscription à un examen, sa modification et sa désinscription",
    "test_conditional_reveal_journey": (
        "les questions posées selon une réponse précédente, affichées au choix de cette réponse"
    ),
    "test_generic_journey": (
        "l'inscription aux autres examens et certifications (modèle générique), onglet par onglet"
    ),
    "test_guides_journey": "le récapitulatif imprimable et l'abandon d'une inscription en cours",
    "test_documents_journey": "« Mes documents » et le dépôt des pièces justificatives",
    "test_verification_journey": "la vérification d'un document",
    "test_office_journey": "le service de gestion des examens : candidatures et élèves",
    "test_office_queue_journey": "le contrôle des pièces par le service des examens",
    "test_bulk_confirmation_journey": (
        "la confirmation d'un message ou d'une relance adressés à toute une session"
    ),
    "test_born_abroad_journey": (
        "un candidat né à l'étranger : son lieu de naissance en toutes lettres, de la création "
        "du compte à l'export du service des examens"
    ),
}
KEYBOARD = {
    "test_keyboard_user_reaches_content_with_the_skip_link": "le lien d'évitement",
    "test_log_in_with_the_keyboard_only": "la connexion",
    "test_register_for_a_cfg_with_the_keyboard_only": "une inscription complète",
    "test_modify_then_withdraw_with_the_keyboard_only": "sa modification et la désinscription",
    "test_register_for_a_bts_with_the_keyboard_only": (
        "les onze étapes d'un BTS (acquis, épreuves à choix et options)"
    ),
    "test_questions_revealed_with_the_keyboard_only": "les questions affichées selon une réponse",
    "test_staff_decide_two_pieces_with_the_keyboard_alone": "le contrôle des pièces",
    "test_a_session_message_is_confirmed_then_sent_with_the_keyboard": (
        "l'envoi confirmé d'un message à toute une session"
    ),
}
DOCUMENTS = {
    "test_confirmation_is_tagged_with_headings_table_and_paragraphs": "confirmation d'inscription",
    "test_recapitulatif_is_tagged": "récapitulatif d'inscription",
    "test_pieces_request_is_tagged_with_a_heading_and_a_list_per_group": (
        "demande de pièces justificatives"
    ),
    "test_convocation_and_notification_are_tagged": "convocation et notification",
    "test_login_slips_are_tagged_one_heading_per_pupil": "papillons de connexion",
    "test_a_relance_lists_what_is_missing_with_the_new_deadline": (
        "relance de pièces justificatives"
    ),
    "test_the_verification_block_keeps_the_document_pdf_ua": (
        "chacun avec son code de vérification"
    ),
}


def tests_of(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]


def reads_structure(test: ast.FunctionDef) -> bool:
    """The test reads a PDF's structure tree back (``check_tagged``)."""
    return any(
        isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check_tagged"
        for node in ast.walk(test)
    )


def covered() -> dict[str, list[str]]:
    """What the suite checks: browser modules, keyboard journeys, PDF structure tests."""
    browser = sorted((ROOT / "tests" / "browser").glob("test_*.py"))
    tests = [t.name for path in browser for t in tests_of(path)]
    structure = [
        t.name for path in sorted((ROOT / "tests").glob("test_*.py")) for t in tests_of(path)
    ]
    documents = {
        t.name
        for path in sorted((ROOT / "tests").glob("test_*.py"))
        for t in tests_of(path)
        if reads_structure(t)
    }
    return {
        "journeys": [p.stem for p in browser],
        "keyboard": [t for t in tests if "keyboard" in t],
        "documents": [name for name in structure if name in documents],
    }


def section(day: date) -> str:
    """The section, with the labels above: a KeyError names what the declaration misses."""
    axe = json.loads((ROOT / "package.json").read_text())["devDependencies"]["axe-core"]
    found = covered()
    ordered = sorted(found["journeys"], key=list(JOURNEYS).index)
    journeys = " ;\n".join(f"- {JOURNEYS[name]}" for name in ordered) + "."
    keyboard = ", ".join(
        KEYBOARD[name] for name in sorted(found["keyboard"], key=list(KEYBOARD).index)
    )
    documents = ", ".join(
        DOCUMENTS[name] for name in sorted(found["documents"], key=list(DOCUMENTS).index)
    )
    return f"""{START}
Chaque type de page est contrôlé automatiquement, dans un vrai navigateur (Chromium), par
l'outil axe-core {axe} (règles WCAG 2.1, niveaux A et AA) : aucune anomalie n'est
tolérée. Le même contrôle vérifie qu'aucun identifiant n'est employé deux fois dans la
page et que la page se lit sans défilement horizontal sur un écran de 320 pixels de large
(un tableau large défile dans sa propre zone). Les parcours contrôlés page par page sont :

{journeys}

Au clavier seul, sans souris, sont testés : {keyboard}. Les pages fonctionnent sans
JavaScript.

Les documents PDF que délivre le portail sont balisés (structure de titres, paragraphes,
tableaux avec leurs en-têtes, listes, langue et titre du document, PDF/UA-1) ; la
structure de chacun est relue par les tests : {documents}.

Dernier audit : {day.strftime("%d/%m/%Y")}.
"""


def current() -> str:
    text = PAGE.read_text(encoding="utf-8")
    return text[text.index(START) : text.index(END)]


def main() -> None:
    text = PAGE.read_text(encoding="utf-8")
    PAGE.write_text(text.replace(current(), section(date.today())), encoding="utf-8")
    print(f"{PAGE.relative_to(ROOT)} : section « Comment nous le vérifions » mise à jour.")


if __name__ == "__main__":
    sys.exit(main())
