"""The BTS récapitulatif and confirmation d'inscription as guide 000 describes them (§3,
« Récapitulatif »; §4.1): a question nobody was asked yet never reads « Non », the step
after the récapitulatif only shows there once reached, the tests table has the units, and
the two years of obtention say what they belong to."""

from __future__ import annotations

import re

from flask import Flask

from tests.forms import FormClient, errors, text
from tests.test_documents import links, pdf_text
from tests.test_guides import born_abroad_client, bts_at_acquis, first_value
from tests.test_pupils import import_pupils
from tests.test_registration import NOW
from worker.documents import confirmation
from worker.rules import recap
from worker.store import accounts, applications, db

MODALITES = "J'ai lu les modalités d'inscription et je les accepte"
CONDITIONS = (
    "Je certifie l'exactitude des renseignements fournis et j'accepte les conditions d'inscription"
)
ACQUIS = {
    "acquis_origine_meme_bts": "y",
    "acquis_meme_bts__e1": "y",
    "note_e1": "14,5",
    "acquis_annee": "2025",
    "acquis_academie": "rennes",
}
DIPLOMA = {"diplome_possede": "BACCALAUREAT GENERAL", "annee_diplome": "2019"}


def bts_at_recap(client: FormClient, app: Flask, acquis: dict = ACQUIS) -> str:
    """A BTS draft up to its récapitulatif: ``acquis`` posted on the acquis step (by
    default, marks kept from 2025 for E1), a bac of 2019, the other steps answered with
    their first choices."""
    url = bts_at_acquis(client, app)
    while not url.endswith("/recapitulatif"):
        html = client.get(url).get_data(as_text=True)
        names = set(re.findall(r'name="([a-z0-9_]+)"', html)) - {"csrf_token", "action"}
        data = {n: DIPLOMA.get(n) or first_value(html, n) for n in names}
        response = client.submit(url, {**(acquis if url.endswith("/acquis") else data),
                                       "action": "suivant"})  # fmt: skip
        assert response.status_code == 303, (url, errors(response))
        url = response.headers["Location"]
    return url


def draft_id(url: str) -> str:
    return url.split("/")[-2]


def test_the_recapitulatif_shows_the_conditions_only_once_reached(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    url = bts_at_recap(client, app)
    printed = f"/espace-candidat/brouillon/{draft_id(url)}/imprimer"
    for response in (client.get(url), client.get(printed)):
        html = response.get_data(as_text=True)
        assert 'id="recap-modalites"' in html and f"{MODALITES} Oui" in text(response)
        assert 'id="recap-conditions"' not in html and CONDITIONS not in text(response)
    conditions = client.submit(url, {"action": "suivant"})
    assert conditions.headers["Location"].endswith("/conditions")
    saved = client.submit(conditions.headers["Location"],
                          {"conditions_acceptees": "y", "action": "enregistrer"})  # fmt: skip
    assert saved.status_code == 303, errors(saved)
    mine = text(client.get("/espace-candidat/inscriptions/001"))
    assert f"{CONDITIONS} Oui" in mine


def test_boxes_nobody_was_shown_are_not_answered_no(app):
    """A pupil's application, registered by the school, never showed the boxes of the
    modalités and conditions: the récapitulatif says they are unanswered, the confirmation
    leaves them out."""
    office, _page, _pdf = import_pupils(app, 1)
    with app.app_context():
        database = db.get()
        application = applications.by_id(
            database, database.execute("SELECT id FROM applications").fetchone()[0]
        )
        account = accounts.by_id(database, application.account_id)
    page = text(office.get(f"/gestion/candidatures/{application.id}"))
    assert f"{MODALITES} {recap.UNANSWERED}" in page and f"{CONDITIONS} {recap.UNANSWERED}" in page
    assert f"{MODALITES} Non" not in page and f"{CONDITIONS} Non" not in page
    document = confirmation.build(app.extensions["catalog"](), account, application, NOW)
    questions = [question for question, _answer in document.answers]
    assert MODALITES not in questions and CONDITIONS not in questions


def bts_confirmation(client: FormClient, app: Flask, acquis: dict = ACQUIS) -> str:
    """The text of the confirmation of a BTS saved with the answers of ``bts_at_recap``."""
    conditions = client.submit(bts_at_recap(client, app, acquis), {"action": "suivant"})
    saved = client.submit(conditions.headers["Location"],
                          {"conditions_acceptees": "y", "action": "enregistrer"})  # fmt: skip
    assert saved.status_code == 303, errors(saved)
    done = client.get(saved.headers["Location"])
    pdf = links(done, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    return " ".join(pdf_text(client.get(pdf).data).split())


def test_the_confirmation_prints_the_units_and_says_which_year_is_which(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    content = bts_confirmation(client, app)
    assert "Épreuve Unité Type Position Mode" in content
    assert "E1 - Culture générale et expression U1 Obligatoire Bénéfice 14,5/20 (2025)" in content
    assert "E3 - Mathématiques pour l'informatique U3 Obligatoire Inscrit" in content
    # The two years of obtention say what they belong to.
    assert "Année d'obtention (Acquis) 2025 Académie d'obtention ACADÉMIE DE RENNES" in content
    assert "Année d'obtention (Diplôme possédé) 2019" in content
    assert "Année d'obtention 20" not in content


def test_a_year_of_obtention_alone_needs_no_more_words(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    content = bts_confirmation(client, app, acquis={})
    assert "Année d'obtention 2019" in content and "Année d'obtention (" not in content
