"""Questions asked only for one answer to another question of their step (``show_if`` in
content/wizard.toml): « Année de la dernière candidature », « Académie de la dernière
candidature » and « Numéro de candidat de cette candidature », after « Oui » to « Avez-vous
déjà été candidat à cet examen ? ».

Without JavaScript (these tests read the HTML) the page is as it always was: every such
question is there, with a hint saying when it is to be filled in and no asterisk; their
run is wrapped in one container whose data attributes, drawn from the same ``show_if``,
tell static/portail.js when to show it (tests/browser/test_conditional_reveal_journey.py).
The server ignores an answer to a question whose condition does not hold: it neither
checks it nor takes it from the step, so a value typed before the other answer changed
(hidden since by the script) is never an error, on « Suivant » nor on « Enregistrer ».
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest

from catalog.model import Step, StepField
from tests.forms import FormClient, errors
from tests.test_bts_recap import bts_at_recap
from tests.test_registration import NOW, control, fill, signed_in, start
from worker.forms import conditions
from worker.store import db

DEPENDENT = ("annee_anterieure", "academie_anterieure", "numero_candidat_anterieur")
CONTAINER = re.compile(r'(?s)<div class="conditional" id="annee_anterieure-conditionnel"[^>]*>')


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


def test_without_the_script_every_question_is_there_as_before(pinned):
    """All three questions on the page, with their hints and no asterisk, none hidden;
    one container holds them, right after the question they depend on, and says (from
    show_if) which answer calls for them and which of them are then required."""
    client = signed_in(pinned)
    html = client.get(previous_step(client, pinned)).get_data(as_text=True)
    for name in DEPENDENT:
        assert control(html, name)
        assert f'<span class="hint" id="{name}-aide">' in html
        label = re.search(rf'<label for="{name}">(.*?)</label>', html).group(1)
        assert "required" not in label, label
    opening = CONTAINER.search(html)
    assert opening, html
    tag = opening.group(0)
    assert 'data-reveal-for="candidature_anterieure"' in tag
    assert 'data-reveal-if="oui"' in tag
    assert 'data-reveal-required="annee_anterieure academie_anterieure"' in tag
    assert " hidden" not in tag
    assert "aria-controls" not in html and "aria-expanded" not in html  # the script's
    # Reading order: the container follows the question's own block, and holds the three.
    question_end = html.index("</fieldset>", html.index('id="candidature_anterieure"'))
    between = html[question_end : opening.start()]
    assert re.fullmatch(r"</fieldset>\s*</div>\s*", between), between
    inside = html[opening.end() : html.index('<div class="form-actions">')]
    assert [n for n in DEPENDENT if f'name="{n}"' in inside] == list(DEPENDENT)


def test_an_answer_whose_condition_does_not_hold_is_ignored(pinned):
    """« Non », with a wrong number and a year off the list left in the hidden questions:
    no error, and nothing of them in the draft (each emptied)."""
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
    assert {name: answers.get(name, "") for name in DEPENDENT} == dict.fromkeys(DEPENDENT, "")


def test_a_question_in_error_is_on_the_page_again(pinned):
    """« Oui » without the year: the error is the year's, on a page where « Oui » is
    chosen (so the script shows the year) and the year is there, tied to its message."""
    client = signed_in(pinned)
    url = previous_step(client, pinned)
    response = fill(
        client,
        url,
        {"candidature_anterieure": "oui", "academie_anterieure": "rennes",
         "numero_candidat_anterieur": "123"},
    )  # fmt: skip
    assert response.status_code == 400
    assert errors(response) == [
        "Choisissez une réponse : « Année de la dernière candidature ».",
        "Le numéro de candidat compte 11 chiffres.",
    ]
    html = response.get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="oui"|<input[^>]*value="oui"[^>]*checked', html)
    year = control(html, "annee_anterieure")
    assert 'aria-invalid="true"' in year and "annee_anterieure-erreur" in year
    assert " hidden" not in CONTAINER.search(html).group(0)
    assert 'value="123"' in control(html, "numero_candidat_anterieur")  # what was typed, kept


def test_a_value_left_in_a_hidden_question_never_blocks_the_save(pinned):
    """« Oui » and a wrong number kept by « Précédent » (which never checks), then « Non »:
    the number leaves the draft (the candidate no longer declares it) and the application
    is saved."""
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
    assert draft_answers(pinned)["numero_candidat_anterieur"] == ""
    conditions_page = client.submit(recap, {"action": "suivant"}).headers["Location"]
    saved = client.submit(conditions_page, {"conditions_acceptees": "y", "action": "enregistrer"})
    assert saved.status_code == 303, errors(saved)
    assert saved.headers["Location"].endswith("/inscriptions/001/enregistree")


# -- which fields the script reveals: conditions.field_runs ---------------------------------


def runs_of(*fields: StepField):
    step = Step(code="essai", title="Essai", fields=fields)
    ctx = SimpleNamespace(exam=SimpleNamespace(specialities=()), account=None)
    return [(reveal, [f.name for f in run]) for reveal, run in conditions.field_runs(step, ctx)]


def test_runs_follow_a_choice_a_list_or_a_box_and_keep_declared_order():
    question = StepField("q", "Q ?", type="yesno", required=True)
    listed = StepField("l", "L", type="select", choices=(("a", "A"), ("b", "B")))
    box = StepField("c", "C", type="checkbox")
    typed = StepField("t", "T")
    runs = runs_of(
        question,
        StepField("q1", "Q1", required=True, show_if="q == oui"),
        StepField("q2", "Q2", show_if="q == oui"),
        StepField("q3", "Q3", show_if="q == non"),
        listed,
        StepField("l1", "L1", show_if="l == b"),
        box,
        StepField("c1", "C1", type="radio", required=True, show_if="c == True"),
        StepField("c2", "C2", show_if="c == oui"),  # a box is never « oui »: left as it is
        typed,
        StepField("t1", "T1", show_if="t == x"),  # a typed text is not followed
        StepField("q4", "Q4", show_if="q == oui"),  # not next to its question: its own run
    )
    reveal = conditions.Reveal
    assert runs == [
        (None, ["q"]),
        (reveal("q1-conditionnel", "q", "oui", "q1"), ["q1", "q2"]),
        (reveal("q3-conditionnel", "q", "non", ""), ["q3"]),
        (None, ["l"]),
        (reveal("l1-conditionnel", "l", "b", ""), ["l1"]),
        (None, ["c"]),
        (reveal("c1-conditionnel", "c", "checked", "c1"), ["c1"]),
        (None, ["c2"]),
        (None, ["t"]),
        (None, ["t1"]),
        (reveal("q4-conditionnel", "q", "oui", ""), ["q4"]),
    ]


def test_the_shipped_conditional_questions_follow_their_question(app):
    """content/wizard.toml: every question the script reveals comes right after the
    question it depends on (or after another revealed under the same answer), so that
    revealing it never puts it anywhere but next in reading and focus order."""
    catalog = app.extensions["catalog"]()
    for step in catalog.steps.values():
        names = [f.name for f in step.fields]
        for index, field in enumerate(step.fields):
            if not field.show_if or field.show_if.startswith("account."):
                continue
            before = step.fields[index - 1]
            controller = field.show_if.split("==")[0].strip()
            assert before.name == controller or before.show_if == field.show_if, (
                step.code,
                field.name,
                names,
            )
