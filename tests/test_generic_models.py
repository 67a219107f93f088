"""Issue 12, what was left: the generic model's six tabs for the BIA (G01) as guide 003
has them, acquis kept when an application saved in an older form is saved again, and the
nationality as the guides' screens word it (« Française »)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

from tests.forms import FormClient, errors, text
from tests.test_documents import links, pdf_text
from tests.test_guides import BTS_UNTIL_ACQUIS, born_abroad_client, first_value, ticked
from tests.test_office_actions import member
from tests.test_registration import CFG, NOW, fill, signed_in, start
from worker.rules import recap
from worker.store import db

G01_TABS = [
    "Identification",
    "Qualification présentée",
    "Situation actuelle",
    "Épreuves",
    "Récapitulatif",
]
SITUATION = {
    "corps": "SANS OBJET",
    "statut": "SANS OBJET",
    "position_administrative": "SANS OBJET",
    "pays_exercice": "FR",
    "departement_exercice": "35",
    "commune_exercice": "35000 RENNES",
    "lieu_exercice": "COLLEGE DES GAYEULLES",
}


def tabs(html: str) -> list[str]:
    """The wizard's step list, as « 1 - Identification »…"""
    nav = re.search(r'(?s)<nav[^>]*aria-label="Étapes de l\'inscription".*?</nav>', html)
    assert nav, "no step list"
    items = re.findall(r"(?s)<li[^>]*>(.*?)</li>", nav.group(0))
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def bia_open(app):
    """A BIA period open at the pinned time, the worker's clock inside it."""
    catalog = app.extensions["catalog"]()
    period = next(
        p for p in catalog.periods if (p.exam, p.session, p.academy) == ("bia", "2027", "rennes")
    )
    app.config["NOW"] = lambda: period.opens + timedelta(hours=1)
    return period


def test_the_bia_follows_the_six_tabs_of_the_generic_model(app):
    bia_open(app)
    client = signed_in(app)
    url = start(client, app, "bia", "2027", "rennes")
    page = client.get(url).get_data(as_text=True)
    assert tabs(page) == [f"{i} - {t}" for i, t in enumerate(G01_TABS, 1)] + ["6 - N° inscription"]
    response = fill(client, url, CFG["identification"])
    assert response.status_code == 303, errors(response)

    # 2 - Qualification présentée: the exam shown (no speciality to choose), then the
    # accommodation and the results' diffusion the BIA asks there too.
    url = response.headers["Location"]
    assert url.endswith("/qualification-generique")
    qualification = client.get(url)
    shown = text(qualification)
    assert "Examen BREVET D'INITIATION AERONAUTIQUE" in shown
    assert 'name="specialite_generique"' not in qualification.get_data(as_text=True)
    assert "Demande d'aménagement d'épreuves au titre du handicap" in shown
    refused = client.submit(url, {"action": "suivant"})
    assert refused.status_code == 400
    assert (
        "Choisissez une réponse : « Demande d'aménagement d'épreuves au titre du handicap »."
        in (errors(refused))
    )
    answers = {"amenagement_handicap": "non", "diffusion_presse": "oui",
               "diffusion_collectivites": "non"}  # fmt: skip
    response = fill(client, url, answers)
    assert response.status_code == 303, errors(response)

    # 3 - Situation actuelle, with the lists of the guide (and « sans objet » for a pupil).
    url = response.headers["Location"]
    assert url.endswith("/situation-actuelle")
    situation = text(client.get(url))
    for label in ("Corps", "Statut", "Position administrative", "Département d'exercice"):
        assert label in situation
    assert "SANS OBJET (JE NE SUIS PAS AGENT PUBLIC)" in situation
    response = fill(client, url, SITUATION)
    assert response.status_code == 303, errors(response)

    # 4 - Épreuves: the optional test to choose; 5 - Récapitulatif, every tab's answers.
    url = response.headers["Location"]
    assert url.endswith("/epreuves")
    assert "EF1 - Anglais aéronautique" in text(client.get(url))
    response = fill(client, url, {"epreuve_ef1": "inscrit"})
    assert response.status_code == 303, errors(response)
    url = response.headers["Location"]
    summary = text(client.get(url))
    assert "Qualification présentée Examen BREVET D'INITIATION AERONAUTIQUE" in summary
    assert "COLLEGE DES GAYEULLES" in summary and "Nationalité Française" in summary
    saved = client.submit(url, {"action": "enregistrer"})
    assert saved.status_code == 303, errors(saved)
    done = text(client.get(saved.headers["Location"]))
    assert "Votre inscription a bien été prise en compte le " in done
    with app.app_context():
        stored = json.loads(db.get().execute("SELECT answers FROM applications").fetchone()[0])
    assert stored["amenagement_handicap"] == "non" and stored["epreuve_ef1"] == "inscrit"
    assert "categorie_candidat" not in stored  # no « Informations candidature » tab any more


def test_an_extra_field_must_exist_and_be_asked_once(tmp_path, capsys):
    import shutil

    import build
    from tests.conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    bia = content / "exams" / "bia.toml"
    bia.write_text(
        bia.read_text("utf-8").replace(
            '"diffusion_collectivites"]', '"diffusion_collectivites", "inconnu", "corps"]'
        ),
        "utf-8",
    )
    assert (
        build.main(["--check", "--content", str(content), "--out", str(content.parent / "site")])
        == 1
    )
    out = capsys.readouterr().out
    assert "extra_fields : champ « inconnu » inconnu (voir wizard.toml)" in out
    assert "extra_fields : le champ « corps » est déjà posé par une autre étape" in out


def test_a_generic_exam_follows_its_model_where_its_file_says_nothing(tmp_path):
    """Without modification_mail, withdrawal and document, a G02 exam sends no mail on
    modification, offers no withdrawal and issues a récapitulatif, as its guide says; a
    G01 the same with a confirmation; a BTS keeps mail, withdrawal and confirmation."""
    import shutil

    from catalog import load_catalog
    from tests.conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for code in ("cc1d", "bia", "bts"):
        exam = content / "exams" / f"{code}.toml"
        lines = exam.read_text("utf-8").splitlines()
        settings = ("modification_mail", "withdrawal", "document")
        kept = [line for line in lines if not line.startswith(settings)]
        assert len(kept) < len(lines)
        exam.write_text("\n".join(kept) + "\n", "utf-8")
    exams = load_catalog(content).exams
    settings = {code: (exams[code].modification_mail, exams[code].withdrawal,
                       exams[code].document) for code in ("cc1d", "bia", "bts")}  # fmt: skip
    assert settings == {
        "cc1d": (False, False, "recapitulatif"),
        "bia": (False, False, "confirmation"),
        "bts": (True, True, "confirmation"),
    }


def test_a_certification_is_taken_where_one_works_not_where_one_lives(app):
    """The académies tell their candidates to register where they live; a G02
    certification (teachers, by their place of work) does not repeat it, the BIA and the
    BTS do (the v2.0 guide limits the residence rule to the « autre examen »)."""
    from tests.test_registration import open_academy, signed_in

    catalog = app.extensions["catalog"]()
    notice = "Vous devez choisir l'académie correspondant à votre lieu de résidence."
    shown = {}
    for exam, session in (("cc1d", "2027"), ("bia", "2027"), ("bts", "2027")):
        period = next(p for p in catalog.periods if (p.exam, p.session) == (exam, session))
        now = period.opens + timedelta(hours=1)
        app.config["NOW"] = lambda now=now: now
        academy = open_academy(app, exam, session, now)
        assert catalog.academies[academy].residence_rule
        domain = catalog.exams[exam].domain
        page = signed_in(app).get(
            f"/espace-candidat/inscription/nouvelle/{domain}/{exam}/{session}/{academy}"
        )
        assert page.status_code == 200
        shown[exam] = notice in text(page)
    assert shown == {"cc1d": False, "bia": True, "bts": True}


def test_the_generic_identification_asks_no_category_nor_parents(app, mailbox):
    """The generic model's identification has no socio-professional category and no
    parents' names for a candidate born abroad; the BTS's has both."""
    catalog = app.extensions["catalog"]()
    asked = {
        code: {f.name for s in catalog.exam_steps(catalog.exams[code]) for f in s.fields}
        for code in ("cc1d", "bia", "saenes", "bts")
    }
    extra = {"categorie_socio_professionnelle", "nom_pere", "nom_mere"}
    assert [code for code, names in asked.items() if extra & names] == ["bts"]
    assert extra <= asked["bts"]
    period = next(p for p in catalog.periods if p.exam == "cc1d")
    app.config["NOW"] = lambda: period.opens + timedelta(hours=1)
    client, _email = born_abroad_client(app, mailbox)
    page = client.get(start(client, app, "cc1d", "2027", period.academy)).get_data(as_text=True)
    assert 'name="nationalite"' in page
    assert not re.search(r'name="(categorie_socio_professionnelle|nom_pere|nom_mere)"', page)


def test_a_question_left_out_must_be_one_of_the_exam_s_steps(tmp_path, capsys):
    import shutil

    import build
    from tests.conftest import ROOT

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cc1d = content / "exams" / "cc1d.toml"
    cc1d.write_text(
        cc1d.read_text("utf-8").replace('"nom_mere"]', '"nom_mere", "corps_inconnu"]'), "utf-8"
    )
    out_dir = str(content.parent / "site")
    assert build.main(["--check", "--content", str(content), "--out", out_dir]) == 1
    assert (
        "left_out_fields : « corps_inconnu » n'est posé par aucune étape" in capsys.readouterr().out
    )


# -- acquis: a re-save of an application saved in the older form keeps them --------------


def bts_saved_with_e1_kept(client: FormClient, app) -> None:
    """A BTS application saved through the wizard: marks of E1 kept from a session."""
    from tests.test_guides import bts_at_acquis

    url = bts_at_acquis(client, app)
    acquis = {"acquis_origine_meme_bts": "y", "acquis_meme_bts__e1": "y", "note_e1": "14,5",
              "acquis_annee": "2025", "acquis_academie": "rennes"}  # fmt: skip
    response = client.submit(url, {**acquis, "action": "suivant"})
    assert response.status_code == 303, errors(response)
    submit_until_saved(client, response.headers["Location"])


def as_posted(html: str) -> dict:
    """The form of a page as a browser posts it untouched: ticked boxes, selected options,
    typed texts; radios and selects left empty get the first choice."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) in ("csrf_token", "action"):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if " checked" in tag:
                data[name.group(1)] = value.group(1) if value else "y"
        else:
            data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html):
        chosen = [o for o in re.findall(r"<option[^>]*>", body) if " selected" in o]
        value = re.search(r'value="([^"]*)"', chosen[0]) if chosen else None
        data[name] = value.group(1) if value else ""
    return data


def submit_until_saved(client: FormClient, url: str) -> None:
    """Every step from ``url`` posted as shown (first choices where empty), then saved."""
    while True:
        html = client.get(url).get_data(as_text=True)
        posted = as_posted(html)
        for name in set(re.findall(r'name="([a-z0-9_]+)"', html)) - {"csrf_token", "action"}:
            known = next((a for c, a in BTS_UNTIL_ACQUIS.items() if url.endswith(c) and a), {})
            if name in known:
                posted[name] = known[name]
            elif not posted.get(name) and "acquis" not in name and "note_" not in name:
                posted[name] = first_value(html, name)
        last = 'value="enregistrer"' in html
        response = client.submit(url, {**posted, "action": "enregistrer" if last else "suivant"})
        assert response.status_code == 303, (url, errors(response))
        if last:
            return
        url = response.headers["Location"]


OLDER_FORM = re.compile(r"^acquis_(origines|origine_.+|statut_.+|.+__.+)$")


def test_an_application_saved_in_the_older_form_keeps_its_acquis_when_saved_again(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client, _email = born_abroad_client(app, mailbox)
    bts_saved_with_e1_kept(client, app)
    with app.app_context():
        database = db.get()
        answers = json.loads(database.execute("SELECT answers FROM applications").fetchone()[0])
        older = {k: v for k, v in answers.items() if not OLDER_FORM.match(k)}
        assert older["acquis_origine"] == "benefice" and older["acquis_e1"] is True
        with db.transaction(database):
            database.execute("UPDATE applications SET answers = ?", [json.dumps(older)])

    modify = client.submit("/espace-candidat/inscriptions/001/modifier")
    assert modify.status_code == 303, text(modify)
    acquis = modify.headers["Location"].rsplit("/", 1)[0] + "/acquis"
    page = client.get(acquis).get_data(as_text=True)
    assert ticked(page, "acquis_origine_meme_bts") and ticked(page, "acquis_meme_bts__e1")
    assert not ticked(page, "acquis_meme_bts__e2")
    submit_until_saved(client, acquis)

    with app.app_context():
        version, saved = db.get().execute("SELECT version, answers FROM applications").fetchone()
    saved = json.loads(saved)
    assert version == 2
    assert saved["acquis_e1"] is True and saved["acquis_statut_e1"] == "Bénéfice"
    assert saved["acquis_origines"] == ["meme-bts"] and saved["acquis_e2"] is False
    rows = recap.test_rows(app.extensions["catalog"]().exams["bts"], saved, saved["specialite"])
    positions = {row.test.code: (row.status, row.mark) for row in rows}
    assert positions["E1"] == ("Bénéfice", "14,5") and positions["E2"][0] == "Inscrit"


# -- nationality: « Française » in the récapitulatif, the PDF, the back office, the export -


def test_the_nationality_reads_francaise_everywhere(app, mailbox):
    app.config["NOW"] = lambda: NOW
    client = signed_in(app)
    url = start(client, app, "cfg", "juin-2027")
    for code, answers in CFG.items():
        if code == "recapitulatif":
            break
        response = fill(client, url, answers)
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    summary = text(client.get(url))
    assert "Nationalité Française" in summary
    assert not re.search(r"Nationalité (Français(?!e)|FRANCE)", summary)
    saved = client.submit(url, {"action": "enregistrer"})
    assert saved.status_code == 303, errors(saved)
    done = client.get(saved.headers["Location"])
    pdf = links(done, r'href="(/espace-candidat/inscriptions/001/documents/\d+)"')[0]
    content = pdf_text(client.get(pdf).data)
    assert re.search(r"Nationalité\s*:?\s*Française", content), content
    assert "FRANCE (DONT OUTRE-MER)" not in content.split("Nationalité", 1)[1][:40]
    with app.app_context():
        application_id, academy = (
            db.get().execute("SELECT id, academy FROM applications").fetchone()
        )
    office = member(app, academy)
    assert "Nationalité Française" in text(office.get(f"/gestion/candidatures/{application_id}"))
    export = office.get("/gestion/candidatures/export.csv").get_data(as_text=True)
    header, row = (line.split(";") for line in export.splitlines()[:2])
    assert row[header.index("nationalite")] == "Française"
