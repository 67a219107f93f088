"""Questions asked only for one answer to another question of their step (``show_if`` in
content/wizard.toml): « Année de la dernière candidature », « Académie de la dernière
candidature » and « Numéro de candidat de cette candidature », after « Oui » to « Avez-vous
déjà été candidat à cet examen ? ».

The server ignores an answer to a question whose condition does not hold: it neither
checks it nor takes it from the step, so a value typed before the other answer changed
is never an error, on « Suivant » nor on « Enregistrer ».
"""

from __future__ import annotations

import json

import pytest

from tests.forms import FormClient, errors
from tests.test_bts_recap import bts_at_recap
from tests.test_registration import NOW, fill, signed_in, start
from worker.store import db

DEPENDENT = ("annee_anterieure", "academie_anterieure", "numero_candidat_anterieur")


@pytest.fixture
def pinned(app):
    """The worker's clock inside the shipped BTS 2027 periods."""
    app.config["NOW"] = lambda: NOW
    return app


def previous_step(client: FormClient, app) -> str:
    """The BTS draft's « Candidatures précédentes » step (the modalités accepted)."""
    response = fill(client, start(client, app, "bts", "2027"), {"modalites_acceptees": "y"})
    assert response.status_code == 303, errors(response)
    assert response.headers["Location"].endswith("/candidatures-precedentes")
    return response.headers["Location"]


def draft_answers(app) -> dict:
    with app.app_context():
        return json.loads(db.get().execute("SELECT answers FROM drafts").fetchone()[0])


def test_an_answer_whose_condition_does_not_hold_is_ignored(pinned):
    """« Non », with a wrong number and a year off the list left in the hidden questions:
    no error, and nothing of them in the draft."""
    client = signed_in(pinned)
    url = previous_step(client, pinned)
    response = fill(
        client,
        url,
        {
            "candidature_anterieure": "non",
            "annee_anterieure": "1800",
            "numero_candidat_anterieur": "123",
        },
    )
    assert response.status_code == 303, errors(response)
    answers = draft_answers(pinned)
    assert answers["candidature_anterieure"] == "non"
    assert not set(DEPENDENT) & set(answers)


def test_a_value_left_in_a_hidden_question_never_blocks_the_save(pinned):
    """« Oui » and a wrong number kept by « Précédent » (which never checks), then « Non »:
    the number, still in the draft, is not checked again at « Enregistrer »."""
    client = signed_in(pinned)
    recap = bts_at_recap(client, pinned)
    url = recap.replace("/recapitulatif", "/candidatures-precedentes")
    back = fill(
        client, url, {"candidature_anterieure": "oui", "numero_candidat_anterieur": "123"},
        "precedent",
    )  # fmt: skip
    assert back.status_code == 303
    assert draft_answers(pinned)["numero_candidat_anterieur"] == "123"
    response = fill(client, url, {"candidature_anterieure": "non"})
    assert response.status_code == 303, errors(response)
    conditions_page = client.submit(recap, {"action": "suivant"}).headers["Location"]
    saved = client.submit(conditions_page, {"conditions_acceptees": "y", "action": "enregistrer"})
    assert saved.status_code == 303, errors(saved)
    assert saved.headers["Location"].endswith("/inscriptions/001/enregistree")
