"""Issue 12: what the candidate guides say and the portal had left out (born abroad,
the numbers page and the récapitulatif, drafts, dematerialised copies…)."""

from __future__ import annotations

from flask import Flask

from tests.forms import FormClient, errors, text
from tests.test_accounts import SIGNUP, active_account, identity, log_in
from tests.test_documents import links, pdf_text
from tests.test_office_actions import member
from tests.test_registration import CFG, NOW, fill, start
from worker.store import accounts, db

MOROCCO = {"birth_country": "MA", "birth_departement": "", "birth_commune": "Casablanca"}


def born_abroad_client(app: Flask, mailbox) -> tuple[FormClient, str]:
    """A candidate born in Casablanca, signed up through the form and signed in."""
    client = FormClient(app.test_client())
    data, _number = active_account(client, mailbox, **MOROCCO)
    assert log_in(client, data["email"]).status_code == 303
    return client, data["email"]


def register_cfg_abroad(client: FormClient, app: Flask) -> str:
    """The CFG wizard up to the récapitulatif; returns its URL (not yet saved)."""
    url = start(client, app, "cfg", "juin-2027")
    steps = {**CFG, "identification": {**CFG["identification"], "nationalite": "MA",
             "nom_pere": "Alaoui Karim", "nom_mere": "Benali Samira"}}  # fmt: skip
    for code, answers in steps.items():
        if code == "recapitulatif":
            return url
        response = fill(client, url, answers)
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    raise AssertionError("no récapitulatif")


def test_the_town_of_birth_abroad_is_compulsory_and_kept(app, client, mailbox):
    response = client.submit(SIGNUP, identity(**{**MOROCCO, "birth_commune": ""}))
    assert response.status_code == 400
    assert "Saisissez votre commune de naissance." in errors(response)
    data, _number = active_account(client, mailbox, **MOROCCO)
    with app.app_context():
        account = accounts.by_email(db.get(), data["email"])
    assert (account.birth_country, account.birth_commune, account.birth_commune_name) == (
        "MA",
        "",
        "Casablanca",
    )


def test_born_in_morocco_reads_the_town_everywhere(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    assert "Casablanca (MAROC)" in text(client.get("/espace-candidat/compte"))
    identification = client.get(start(client, app, "cfg", "juin-2027"))
    page = identification.get_data(as_text=True)
    assert 'for="nom_pere">Nom et prénom du père<span class="required"' in page
    url = register_cfg_abroad(client, app)
    recap = text(client.get(url))
    assert "Casablanca (MAROC)" in recap
    assert "Marocain" in recap and "MAROC Nom et prénom" not in recap
    saved = client.submit(url, {"action": "enregistrer"})
    assert saved.status_code == 303, errors(saved)
    done = client.get(saved.headers["Location"])
    pdf = links(done, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    content = pdf_text(client.get(pdf).data)
    assert "CASABLANCA (MAROC)" in content and "Marocain" in content
    with app.app_context():
        application_id, academy = (
            db.get().execute("SELECT id, academy FROM applications").fetchone()
        )
    office = member(app, academy)
    assert "Casablanca (MAROC)" in text(office.get(f"/gestion/candidatures/{application_id}"))
