"""Issue 12: what the candidate guides say and the portal had left out (born abroad,
the numbers page and the récapitulatif, drafts, dematerialised copies…)."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

import build
from tests.conftest import ROOT, make_app, stop_mail
from tests.forms import FormClient, errors, text
from tests.test_accounts import SIGNUP, active_account, identity, log_in
from tests.test_documents import PDF, links, pdf_text, upload
from tests.test_office_actions import member
from tests.test_registration import (
    CFG,
    NOW,
    fill,
    open_academy,
    register_cfg,
    signed_in,
    start,
)
from worker.rules import recap
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
    assert "Marocaine" in recap and "MAROC Nom et prénom" not in recap
    saved = client.submit(url, {"action": "enregistrer"})
    assert saved.status_code == 303, errors(saved)
    done = client.get(saved.headers["Location"])
    pdf = links(done, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    content = pdf_text(client.get(pdf).data)
    assert "CASABLANCA (MAROC)" in content and "Marocaine" in content
    with app.app_context():
        application_id, academy = (
            db.get().execute("SELECT id, academy FROM applications").fetchone()
        )
    office = member(app, academy)
    assert "Casablanca (MAROC)" in text(office.get(f"/gestion/candidatures/{application_id}"))
    export = office.get("/gestion/candidatures/export.csv").get_data(as_text=True)
    assert "lieu_naissance" in export.splitlines()[0] and ";Casablanca (MAROC);" in export


# -- B: the numbers page, the récapitulatif's header, the CFG confirmation ----------------


def test_number_page_recap_header_and_cfg_confirmation(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    url = register_cfg_abroad(client, app)
    recap = text(client.get(url))
    assert "N° inscription attribué à l'enregistrement" in recap
    saved = client.submit(url, {"action": "enregistrer"})
    done = client.get(saved.headers["Location"])
    assert "prise en compte le 22/11/2026 à 11:00 (heure de Paris)" in text(done)
    page = text(client.get("/espace-candidat/inscriptions/001"))
    assert "N° inscription 001 Créée le 22/11/2026 à 11:00 (heure de Paris) Académie" in page
    pdf = links(done, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    content = pdf_text(client.get(pdf).data)
    assert "NB : le jour de l'entretien, apportez le dossier" in content
    assert "Référence réservée à l'administration" in content
    assert content.count("Lieu de naissance") == 0  # the identity is printed once, at the top
    modify = client.submit("/espace-candidat/inscriptions/001/modifier")
    assert modify.status_code == 303, text(modify)
    step = modify.headers["Location"].rsplit("/", 1)[0] + "/recapitulatif"
    header = text(client.get(step))
    assert "Candidature d'origine n° 001, créée le 22/11/2026 à 11:00" in header


# -- C: abandoning a draft, printing the récapitulatif before saving ----------------------


def draft_ids(app) -> list[int]:
    with app.app_context():
        return [row[0] for row in db.get().execute("SELECT id FROM drafts ORDER BY id")]


def test_a_draft_is_abandoned_after_confirmation_and_only_that_one(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    first = start(client, app, "cfg", "juin-2027")
    start(client, app, "bts", "2027")
    kept, abandoned = draft_ids(app)[1], int(first.split("/")[-2])
    step = client.get(first)
    assert f"/espace-candidat/brouillon/{abandoned}/abandonner" in step.get_data(as_text=True)
    page = client.get(f"/espace-candidat/brouillon/{abandoned}/abandonner")
    assert page.status_code == 200 and "Confirmer l'annulation" in text(page)
    assert draft_ids(app) == [abandoned, kept]  # showing the page deletes nothing
    bad = client.http.post(f"/espace-candidat/brouillon/{abandoned}/abandonner")
    assert bad.status_code == 400 and draft_ids(app) == [abandoned, kept]  # no CSRF token
    done = client.submit(f"/espace-candidat/brouillon/{abandoned}/abandonner")
    assert done.status_code == 303
    assert "Rien n'a été enregistré" in text(client.get(done.headers["Location"]))
    assert draft_ids(app) == [kept]
    assert client.get(first).status_code == 404


def test_quitting_a_modification_keeps_the_application(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    url = register_cfg_abroad(client, app)
    client.submit(url, {"action": "enregistrer"})
    step = client.submit("/espace-candidat/inscriptions/001/modifier").headers["Location"]
    draft = int(step.split("/")[-2])
    assert "Quitter sans enregistrer" in text(
        client.get(f"/espace-candidat/brouillon/{draft}/abandonner")
    )
    done = client.submit(f"/espace-candidat/brouillon/{draft}/abandonner")
    assert "reste telle qu'elle était enregistrée" in text(client.get(done.headers["Location"]))
    with app.app_context():
        version, status = db.get().execute("SELECT version, status FROM applications").fetchone()
    assert version == 1 and status != "withdrawn"


def test_the_recapitulatif_prints_before_saving(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    first = start(client, app, "cfg", "juin-2027")
    draft = int(first.split("/")[-2])
    early = client.get(f"/espace-candidat/brouillon/{draft}/imprimer")
    assert early.status_code == 303 and early.headers["Location"].endswith("/identification")
    url = register_cfg_abroad(client, app)
    assert f"/espace-candidat/brouillon/{draft}/imprimer" in client.get(url).get_data(as_text=True)
    printed = client.get(f"/espace-candidat/brouillon/{draft}/imprimer")
    page = text(printed)
    assert printed.status_code == 200
    assert "Ce récapitulatif n'est pas une inscription" in page
    assert "Casablanca (MAROC)" in page and "Entretien avec le jury" in page
    assert draft_ids(app) == [draft]
    with app.app_context():
        assert db.get().execute("SELECT count(*) FROM applications").fetchone()[0] == 0


# -- D: « Mes copies dématérialisées » where the académie offers them ---------------------


def test_copies_link_only_where_the_academy_says_so(tmp_path, site_dir, mailbox):
    content = Path(shutil.copytree(ROOT / "content", tmp_path / "content"))
    app = make_app(tmp_path / "data", site_dir, mailbox, CONTENT_DIR=str(content))
    app.config["NOW"] = lambda: NOW
    try:
        client = signed_in(app)
        academy = open_academy(app, "cfg", "juin-2027")
        register_cfg(client, app, academy)
        cards = text(client.get("/espace-candidat/inscriptions"))
        assert "Mes copies dématérialisées" not in cards
        toml = content / "academies" / f"{academy}.toml"
        source = toml.read_text(encoding="utf-8")
        assert "[options]" in source
        link = '[options]\ncopies_url = "https://copies.example.fr/consulter"'
        toml.write_text(source.replace("[options]", link), encoding="utf-8")
        app.extensions["catalog"].refresh()  # the worker reloads content/ every few seconds
        page = client.get("/espace-candidat/inscriptions").get_data(as_text=True)
        assert 'href="https://copies.example.fr/consulter"' in page
        assert "Mes copies dématérialisées" in page and "mise à disposition autorisée" in page
    finally:
        stop_mail(app)


def test_a_copies_link_must_be_https(tmp_path, capsys):
    content = Path(shutil.copytree(ROOT / "tests" / "fixtures" / "content", tmp_path / "content"))
    toml = content / "academies" / "rennes.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "[options]", '[options]\ncopies_url = "http://copies.example.fr"'
        ),
        encoding="utf-8",
    )
    assert (
        build.main(["--check", "--content", str(content), "--out", str(content.parent / "site")])
        == 1
    )
    assert "copies_url : « http://copies.example.fr » n'est pas une adresse https://" in (
        capsys.readouterr().out
    )


# -- E: the acquis step proposes the exempted tests ticked --------------------------------

BTS_UNTIL_ACQUIS = {
    "modalites": {"modalites_acceptees": "y"},
    "candidatures-precedentes": None,
    "identification": {
        **CFG["identification"],
        "nom_pere": "Alaoui Karim",
        "nom_mere": "Benali Samira",
    },
    "informations": None,
    "qualification": None,
}


def bts_at_acquis(client, app, until: str = "/acquis") -> str:
    """A BTS draft up to its acquis step (or the step ``until``), the other steps answered
    with first choices."""
    url = start(client, app, "bts", "2027")
    while until not in url:
        html = client.get(url).get_data(as_text=True)
        names = set(re.findall(r'name="([a-z0-9_]+)"', html)) - {"csrf_token", "action"}
        known = next((a for c, a in BTS_UNTIL_ACQUIS.items() if url.endswith(c) and a), {})
        data = {n: known.get(n) or first_value(html, n) for n in names}
        response = client.submit(url, {**data, "action": "suivant"})
        assert response.status_code == 303, (url, errors(response))
        url = response.headers["Location"]
    return url


def first_value(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return next((v for v in re.findall(r'value="([^"]*)"', select.group(1)) if v), "")
    values = re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    if "modalites" in name or "accept" in name:
        return "y"
    return values[-1] if values else "x"


def ticked(html: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert tag, name
    return " checked" in tag.group(0)


def test_a_previous_session_proposes_its_tests_ticked_and_one_is_unticked(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    url = bts_at_acquis(client, app)
    page = client.get(url).get_data(as_text=True)
    assert "Si vous souhaitez repasser une épreuve, décochez-la." in text(client.get(url))
    assert ticked(page, "acquis_meme_bts__e1") and ticked(page, "acquis_meme_bts__e2")
    answers = {
        "acquis_origine_meme_bts": "y",
        "acquis_meme_bts__e1": "y",  # E2 unticked: sat again
        "note_e1": "14,5",
        "acquis_origine_vae": "",
        "acquis_annee": "2025",
        "acquis_academie": "rennes",
    }
    response = client.submit(url, {**answers, "action": "suivant"})
    assert response.status_code == 303, errors(response)
    with app.app_context():
        saved = json.loads(db.get().execute("SELECT answers FROM drafts").fetchone()[0])
    assert saved["acquis_e1"] is True and saved["acquis_statut_e1"] == "Bénéfice"
    assert saved["acquis_e2"] is False and saved["acquis_origine"] == "benefice"
    back = client.get(url).get_data(as_text=True)
    assert ticked(back, "acquis_meme_bts__e1") and not ticked(back, "acquis_meme_bts__e2")
    rows = recap.test_rows(
        app.extensions["catalog"]().exams["bts"], saved, saved.get("specialite", "")
    )
    positions = {row.test.code: row.status for row in rows}
    assert positions["E1"] == "Bénéfice" and positions["E2"] == "Inscrit"


def test_an_ex_scolaire_bts_candidate_names_the_former_school(app, mailbox):
    """BTS guide: an ex-scolaire candidate's « Informations candidature » also holds
    « Votre ancien établissement »; it is asked once that category is chosen."""
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    url = bts_at_acquis(client, app, until="/informations")
    html = client.get(url).get_data(as_text=True)
    block = re.search(r'id="ancien_etablissement-conditionnel"(.*?)</select>', html, re.S)
    assert block and 'name="ancien_etablissement"' in block.group(1)
    names = set(re.findall(r'<(?:input|select)[^>]*name="([a-z0-9_]+)"', html)) - {"csrf_token"}
    data = {n: first_value(html, n) for n in names}
    school = first_value(html, "etablissement")
    data.update(categorie_candidat="EX SCOLAIRE", ancien_etablissement=school)
    response = client.submit(url, {**data, "action": "suivant"})
    assert response.status_code == 303, errors(response)
    with app.app_context():
        saved = json.loads(db.get().execute("SELECT answers FROM drafts").fetchone()[0])
    assert saved["categorie_candidat"] == "EX SCOLAIRE" and saved["ancien_etablissement"] == school


def test_untick_every_test_of_a_declared_origin_is_refused(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    url = bts_at_acquis(client, app)
    answers = {"acquis_origine_autre_diplome": "y", "acquis_annee": "2024",
               "acquis_academie": "rennes"}  # fmt: skip
    response = client.submit(url, {**answers, "action": "suivant"})
    assert response.status_code == 400
    assert any("Vous avez décoché toutes les épreuves" in e for e in errors(response))


def cap_cuisine_at_tests(client, app, acquis: dict, until: str = "/epreuves") -> str:
    """A CAP « cuisine » draft up to its épreuves step (or the step ``until``); ``acquis``:
    the acquis step's answers, as posted ({} declares nothing)."""
    url = start(client, app, "cap", "juin-2027")
    known = {
        "identification": BTS_UNTIL_ACQUIS["identification"],  # born abroad: the parents too
        "qualification": {"specialite": "cuisine"},
    }
    while not url.endswith(until):
        html = client.get(url).get_data(as_text=True)
        if url.endswith("/acquis"):
            data = acquis
        else:
            names = set(re.findall(r'name="([a-z0-9_]+)"', html)) - {"csrf_token", "action"}
            given = next((a for c, a in known.items() if url.endswith(c)), {})
            data = {n: given.get(n) or first_value(html, n) for n in names}
        response = client.submit(url, {**data, "action": "suivant"})
        assert response.status_code == 303, (url, errors(response))
        url = response.headers["Location"]
    return url


def cap_client(app, mailbox):
    """A candidate born abroad, signed in, the clock an hour into the CAP June 2027 period."""
    catalog = app.extensions["catalog"]()
    period = next(p for p in catalog.periods if (p.exam, p.session) == ("cap", "juin-2027"))
    app.config["NOW"] = lambda: period.opens + timedelta(hours=1)
    return born_abroad_client(app, mailbox)[0]


def test_cap_marks_kept_from_another_speciality_are_asked_where_they_show(app, mailbox):
    """CAP: the marks of the second marks-kept situation (another speciality) are asked in
    a box of their own, shown for either situation, not inside the first one's tests
    (hidden, with JavaScript, when only the second is ticked)."""
    client = cap_client(app, mailbox)
    url = cap_cuisine_at_tests(client, app, {}, until="/acquis")
    page = client.get(url).get_data(as_text=True)
    box = re.search(r'<fieldset[^>]*data-acquis-for="([^"]+)"[^>]*>\s*<legend>Notes conservées'
                    r"</legend>(.*?)</fieldset>", page, re.S)  # fmt: skip
    assert box, "no box of the marks kept"
    assert box.group(1).split() == ["acquis_origine_meme_cap", "acquis_origine_autre_specialite"]
    assert re.findall(r'name="(note_[a-z0-9]+)"', page) == re.findall(
        r'name="(note_[a-z0-9]+)"', box.group(2)
    )  # every mark in the box, each once
    answers = {"acquis_origine_autre_specialite": "y", "acquis_autre_specialite__eg1": "y",
               "note_eg1": "12", "acquis_annee": "2025", "acquis_academie": "rennes"}  # fmt: skip
    response = client.submit(url, {**answers, "action": "suivant"})
    assert response.status_code == 303, errors(response)
    with app.app_context():
        saved = json.loads(db.get().execute("SELECT answers FROM drafts").fetchone()[0])
    assert saved["acquis_statut_eg1"] == "Bénéfice" and saved["note_eg1"] == "12"


def test_cap_keeps_professional_marks_and_takes_several_situations(app, mailbox):
    """CAP: sitting the same CAP again keeps the marks of its professional tests too;
    another diploma exempts from the general ones only; both may be declared together."""
    client = cap_client(app, mailbox)
    url = cap_cuisine_at_tests(client, app, {}, until="/acquis")
    page = client.get(url).get_data(as_text=True)
    assert ticked(page, "acquis_meme_cap__ep1") and ticked(page, "acquis_meme_cap__eg1")
    assert 'name="acquis_autre_diplome__ep1"' not in page  # another diploma: general only
    assert ticked(page, "acquis_autre_diplome__eg2")
    answers = {"acquis_origine_meme_cap": "y", "acquis_meme_cap__ep1": "y", "note_ep1": "11",
               "acquis_origine_autre_diplome": "y", "acquis_autre_diplome__eg2": "y",
               "acquis_annee": "2025", "acquis_academie": "rennes"}  # fmt: skip
    response = client.submit(url, {**answers, "action": "suivant"})
    assert response.status_code == 303, errors(response)
    with app.app_context():
        saved = json.loads(db.get().execute("SELECT answers FROM drafts").fetchone()[0])
    assert saved["acquis_statut_ep1"] == "Bénéfice" and saved["acquis_statut_eg2"] == "Dispensé"
    assert not saved["acquis_eg1"]  # unticked under both: sat again


def test_cap_second_language_must_differ_from_the_first(app, mailbox):
    """CAP cuisine: EF (« différente de celle de l'épreuve EG4 ») cannot take EG4's language."""
    client = cap_client(app, mailbox)
    url = cap_cuisine_at_tests(client, app, {})
    same = {"option_eg4": "ANGLAIS", "epreuve_ef": "inscrit", "option_ef": "ANGLAIS"}
    refused = client.submit(url, {**same, "action": "suivant"})
    assert refused.status_code == 400
    assert errors(refused) == ["Choisissez pour EF une autre option que celle de EG4 (ANGLAIS)."]
    other = client.submit(url, {**same, "option_ef": "ESPAGNOL", "action": "suivant"})
    assert other.status_code == 303, errors(other)
    # EF not taken: its option is not compared (nor asked)
    alone = client.submit(url, {**same, "epreuve_ef": "non_inscrit", "action": "suivant"})
    assert alone.status_code == 303, errors(alone)


def test_cap_an_exempted_language_asks_no_option(app, mailbox):
    """CAP cuisine, EG4 exempted by another diploma: its language is not asked, and EF's
    language is free."""
    client = cap_client(app, mailbox)
    acquis = {"acquis_origine_autre_diplome": "y", "acquis_autre_diplome__eg4": "y",
              "acquis_annee": "2024", "acquis_academie": "rennes"}  # fmt: skip
    url = cap_cuisine_at_tests(client, app, acquis)
    page = client.get(url).get_data(as_text=True)
    assert 'name="option_ef"' in page and 'name="option_eg4"' not in page
    response = client.submit(
        url, {"epreuve_ef": "inscrit", "option_ef": "ANGLAIS", "action": "suivant"}
    )
    assert response.status_code == 303, errors(response)


# -- F: the generic model G02 ------------------------------------------------------------


def test_g02_offers_only_the_sectors_open_in_the_academy_and_says_there_is_nothing_to_choose(
    app, mailbox
):
    catalog = app.extensions["catalog"]()
    period = next(p for p in catalog.periods if p.exam == "cc1d" and p.speciality)
    when = period.opens + timedelta(hours=1)
    app.config["NOW"] = lambda: when
    opened = {p.speciality for p in catalog.open_periods_for("cc1d", "2027", period.academy, when)}
    closed = {s.code for s in catalog.exams["cc1d"].specialities} - opened
    assert opened and closed, "the shipped periods open some sectors only"
    client, _email = born_abroad_client(app, mailbox)
    url = start(client, app, "cc1d", "2027", period.academy)
    fill(client, url, steps_g02()["identification"])
    url = url.rsplit("/", 1)[0] + "/qualification-generique"
    html = client.get(url).get_data(as_text=True)
    offered = set(re.findall(r'<option value="([^"]+)"', html))
    assert opened <= offered and not (closed & offered)
    refused = client.submit(url, {"specialite_generique": sorted(closed)[0], "action": "suivant"})
    assert refused.status_code == 400
    response = fill(client, url, {"specialite_generique": period.speciality})
    situation = response.headers["Location"]
    page = text(client.get(situation))
    for label in (
        "Corps",
        "Statut",
        "Position administrative",
        "Localité",
        "Établissement ou service",
    ):
        assert label in page
    # In France, the département of the place of work is asked; abroad, it is not.
    in_france = {**steps_g02()["situation-actuelle"], "departement_exercice": ""}
    refused = fill(client, situation, in_france)
    assert refused.status_code == 400
    assert errors(refused) == [
        "Choisissez une réponse : « Département d'exercice ou de formation »."
    ]
    abroad = fill(client, situation, {**in_france, "pays_exercice": "BE"})
    assert abroad.status_code == 303, errors(abroad)
    response = fill(client, situation, steps_g02()["situation-actuelle"])
    assert response.status_code == 303, errors(response)
    tests = text(client.get(response.headers["Location"]))
    assert "Vous n'avez aucun choix à faire" in tests and "Passez directement" in tests


def steps_g02() -> dict:
    return {
        "identification": {
            **CFG["identification"],
            "nom_pere": "Alaoui Karim",
            "nom_mere": "Benali Samira",
        },
        "situation-actuelle": {
            "corps": "PROFESSEUR DES ECOLES",
            "statut": "TITULAIRE",
            "position_administrative": "ACTIVITE",
            "pays_exercice": "FR",
            "departement_exercice": "78",
            "commune_exercice": "78000 VERSAILLES",
            "lieu_exercice": "ECOLE JULES FERRY",
        },
    }


# -- G: « Télécharger mon dossier » and the retention run ---------------------------------


def test_my_file_is_a_zip_of_my_data_documents_and_uploads(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client = registered_with_a_piece(app)
    account = text(client.get("/espace-candidat/compte"))
    assert "Télécharger mon dossier" in account
    response = client.get("/espace-candidat/compte/mon-dossier.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    zipped = zipfile.ZipFile(io.BytesIO(response.data))
    names = zipped.namelist()
    assert {"compte.json", "dossier.html"} <= set(names)
    record = json.loads(zipped.read("compte.json"))
    assert "password_hash" not in record["account"] and "email_key" not in record["account"]
    assert record["account"]["birth_place"] == "Rennes (35)"
    assert record["applications"][0]["answers"]["nationalite"] == "FR"
    documents = [n for n in names if n.startswith("candidature-001/documents/")]
    uploads = [n for n in names if n.startswith("candidature-001/justificatifs/")]
    assert documents and all(zipped.read(n).startswith(b"%PDF") for n in documents)
    assert len(uploads) == 1 and zipped.read(uploads[0]) == PDF
    html = zipped.read("dossier.html").decode()
    assert "Candidature n° 001" in html and "MARTIN" in html.upper()


def registered_with_a_piece(app) -> FormClient:
    client = signed_in(app)
    url = start(client, app, "cfg", "juin-2027")
    for code, answers in CFG.items():
        if code == "informations":
            answers = {**answers, "amenagement_handicap": "oui"}
        last = code == "recapitulatif"
        response = fill(client, url, answers, "enregistrer" if last else "suivant")
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    page = client.get("/espace-candidat/inscriptions/001/justificatifs").get_data(as_text=True)
    code = re.search(r"/justificatifs/([a-z0-9-]+)\"", page).group(1)
    assert upload(client, code).status_code in (200, 303)
    return client


def test_retention_run_deletes_closed_sessions_after_their_months_and_audits(app, mailbox):
    app.config["NOW"] = lambda: NOW
    registered_with_a_piece(app)
    data_dir = Path(app.config["DATA_DIR"])

    def files() -> list[Path]:
        return [p for area in ("documents", "uploads") for p in (data_dir / area).rglob("*")
                if p.is_file()]  # fmt: skip

    kept = files()
    assert kept
    runner = app.test_cli_runner()
    early = runner.invoke(args=["data", "purge", "--dry-run"])
    assert "Total : 0 candidature(s)" in early.output
    app.config["NOW"] = lambda: datetime(2029, 8, 15, tzinfo=UTC)  # juin 2027 ended + 24 months
    dry = runner.invoke(args=["data", "purge", "--dry-run"])
    assert "cfg juin-2027 (fin le 31/07/2027) : 1 candidature(s) à supprimer" in dry.output
    assert files() == kept and count(app, "applications") == 1
    run = runner.invoke(args=["data", "purge"])
    assert run.exit_code == 0 and "1 candidature(s) supprimée(s)" in run.output, run.output
    assert files() == [] and count(app, "applications") == 0 and count(app, "documents") == 0
    assert count(app, "accounts") == 1
    with app.app_context():
        action, before = db.get().execute("SELECT action, before FROM audit").fetchone()
    assert action == "retention.purge" and json.loads(before)["session"] == "juin-2027"


def count(app, table: str) -> int:
    with app.app_context():
        return db.get().execute(f"SELECT count(*) FROM {table}").fetchone()[0]
