"""Rules of registration: order of steps, declared fields only, open periods, one
application per submit, withdrawal, and a new exam added through content/ alone."""

from __future__ import annotations

import http.client
import re
import shutil
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from catalog.dates import format_day
from tests.conftest import ROOT, make_app, stop_mail
from tests.forms import TOKEN, FormClient, errors, text
from worker.rules import passwords
from worker.store import accounts, applications, db

PASSWORD = "Examen!2027"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # inside the shipped BTS 2027 periods


@pytest.fixture
def pinned(app):
    """The worker's clock pinned to NOW (periods are real dates of content/)."""
    app.config["NOW"] = lambda: NOW
    return app


def candidate(app, kind: str = "individual") -> str:
    """An active account created directly in the database; returns its address."""
    email = f"c.{uuid.uuid4().hex[:10]}@example.fr"
    identity = {
        "civility": "MME",
        "last_name": "Martin",
        "first_names": "Léa",
        "birth_date": "2004-05-30",
        "birth_country": "FR",
        "birth_departement": "35",
        "birth_commune": "35238",
        "birth_commune_name": "Rennes",
    }
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            account = accounts.create(database, email, passwords.hash_password(PASSWORD), identity)
            accounts.activate(database, account)
            database.execute("UPDATE accounts SET kind = ? WHERE id = ?", [kind, account.id])
    return email


def signed_in(app, kind: str = "individual") -> FormClient:
    client = FormClient(app.test_client())
    email = candidate(app, kind)
    assert (
        client.submit(
            "/espace-candidat/connexion", {"login": email, "password": PASSWORD}
        ).status_code
        == 303
    )
    return client


def open_academy(app, exam: str, session: str, when: datetime = NOW) -> str:
    catalog = app.extensions["catalog"]()
    return next(
        p.academy
        for p in catalog.periods
        if p.exam == exam and p.session == session and p.is_open(when)
    )


def start(client, app, exam: str, session: str, academy: str | None = None) -> str:
    catalog = app.extensions["catalog"]()
    domain = catalog.exams[exam].domain
    academy = academy or open_academy(app, exam, session)
    url = f"/espace-candidat/inscription/nouvelle/{domain}/{exam}/{session}/{academy}"
    response = client.submit(url)
    assert response.status_code == 303, text(response)
    return response.headers["Location"]


def first_choice(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return next(v for v in re.findall(r'value="([^"]*)"', select.group(1)) if v)
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)[0]


CFG = {
    "identification": {
        "adresse_pays": "FR",
        "adresse_ligne1": "3 rue de la Paix",
        "adresse_code_postal": "35000",
        "adresse_localite": "RENNES",
        "telephone_portable": "0612345678",
        "nationalite": "FR",
        "categorie_socio_professionnelle": None,
    },
    "informations": {
        "categorie_candidat": None,
        "etablissement": None,
        "amenagement_duree": "non",
        "amenagement_handicap": "non",
        "diffusion_presse": "oui",
        "diffusion_collectivites": "non",
    },
    "recapitulatif": {},
}


def fill(client, url: str, answers: dict, action: str = "suivant"):
    """Post the step's answers; one given as None takes the field's first choice, if the
    exam asks that question (the generic models leave some of the shared steps out)."""
    html = client.get(url).get_data(as_text=True)
    data = {
        k: (v if v is not None else first_choice(html, k))
        for k, v in answers.items()
        if v is not None or f'name="{k}"' in html
    }
    return client.submit(url, {**data, "action": action})


def register_cfg(client, app, academy: str | None = None):
    url = start(client, app, "cfg", "juin-2027", academy)
    for code, answers in CFG.items():
        last = code == "recapitulatif"
        response = fill(client, url, answers, "enregistrer" if last else "suivant")
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    return url


# -- order of the steps ------------------------------------------------------------------


def test_steps_cannot_be_skipped_by_url_or_by_post(client, pinned):
    client = signed_in(pinned)
    first = start(client, pinned, "cfg", "juin-2027")
    assert first.endswith("/identification")
    recap = first.replace("/identification", "/recapitulatif")
    jumped = client.get(recap)
    assert jumped.status_code == 303 and jumped.headers["Location"].endswith("/identification")
    posted = client.http.post(
        recap, data={"csrf_token": client.token(first), "action": "enregistrer"}
    )
    assert posted.status_code == 303 and posted.headers["Location"].endswith("/identification")
    with pinned.app_context():
        assert db.get().execute("SELECT count(*) FROM applications").fetchone()[0] == 0


def test_next_validates_the_step_and_previous_never_blocks(client, pinned):
    client = signed_in(pinned)
    first = start(client, pinned, "cfg", "juin-2027")
    response = fill(client, first, {**CFG["identification"], "adresse_code_postal": "35"})
    assert response.status_code == 400
    assert (
        "Le code postal" in " ".join(errors(response))
        or "code postal" in " ".join(errors(response)).lower()
    )
    assert fill(client, first, CFG["identification"]).status_code == 303
    second = first.replace("/identification", "/informations")
    back = fill(
        client,
        second,
        {"categorie_candidat": None, "etablissement": "pas-dans-la-liste"},
        "precedent",
    )
    assert back.status_code == 303 and back.headers["Location"] == first
    with pinned.app_context():
        draft = db.get().execute("SELECT answers FROM drafts").fetchone()[0]
    assert "pas-dans-la-liste" in draft  # what was posted is kept, unvalidated, in the draft


def test_fields_a_step_does_not_declare_are_ignored(client, pinned):
    client = signed_in(pinned)
    first = start(client, pinned, "cfg", "juin-2027")
    html = client.get(first).get_data(as_text=True)
    data = {
        k: (v if v is not None else first_choice(html, k)) for k, v in CFG["identification"].items()
    }
    forged = {
        "status": "withdrawn",
        "number": "999",
        "account_id": "1",
        "academy": "paris",
        "etablissement": "0000000A",
        "specialite": "sio",
        "conditions_acceptees": "y",
    }
    assert client.submit(first, {**data, **forged}).status_code == 303
    with pinned.app_context():
        answers = db.get().execute("SELECT answers FROM drafts").fetchone()[0]
    for name in forged:
        assert f'"{name}"' not in answers


# -- periods -------------------------------------------------------------------------------


def test_no_start_outside_an_open_period(client, pinned):
    client = signed_in(pinned)
    catalog = pinned.extensions["catalog"]()
    closed = next(
        p for p in catalog.periods if p.exam == "bts" and p.session == "2027" and not p.is_open(NOW)
    )
    url = f"/espace-candidat/inscription/nouvelle/examen/bts/2027/{closed.academy}"
    page = client.get(url)
    assert "Démarrer mon inscription" not in text(page)
    assert "Le service d'inscription est fermé" in text(page)
    refused = client.http.post(url, data={"csrf_token": client.token("/espace-candidat/")})
    assert refused.status_code == 409
    with pinned.app_context():
        assert db.get().execute("SELECT count(*) FROM drafts").fetchone()[0] == 0


def test_the_period_is_checked_again_when_saving(client, pinned):
    academy = open_academy(pinned, "cfg", "juin-2027")
    period = next(
        p
        for p in pinned.extensions["catalog"]().periods
        if (p.exam, p.session, p.academy) == ("cfg", "juin-2027", academy)
    )
    pinned.config["NOW"] = lambda: period.closes - timedelta(minutes=10)  # a late candidate
    client = signed_in(pinned)
    url = start(client, pinned, "cfg", "juin-2027", academy)
    for code in ("identification", "informations"):
        url = fill(client, url, CFG[code]).headers["Location"]
    token = TOKEN.search(client.get(url).get_data(as_text=True)).group(1)
    pinned.config["NOW"] = lambda: period.closes + timedelta(minutes=1)  # the period closes
    late = client.http.post(url, data={"csrf_token": token, "action": "enregistrer"})
    assert late.status_code == 409
    assert "Le service d'inscription est fermé" in text(late)
    with pinned.app_context():
        assert db.get().execute("SELECT count(*) FROM applications").fetchone()[0] == 0


def test_cfg_informations_asks_the_class_division_not_the_situation(pinned):
    """The CFG guide's « Informations candidature »: category, establishment and class
    division, accommodation, consents; no situation nor shortened training (the BTS's)."""
    client = signed_in(pinned)
    url = fill(client, start(client, pinned, "cfg", "juin-2027"), CFG["identification"])
    html = client.get(url.headers["Location"]).get_data(as_text=True)
    asked = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([a-z0-9_]+)"', html)) - {
        "csrf_token"
    }
    consents = {"diffusion_presse", "diffusion_collectivites"}
    school = {"categorie_candidat", "etablissement", "division_classe"}
    assert asked == {*school, "amenagement_handicap", *consents}
    catalog = pinned.extensions["catalog"]()
    bts = {f.name for s in catalog.exam_steps(catalog.exams["bts"]) for f in s.fields}
    assert {"situation_inscription", "amenagement_duree"} <= bts and "division_classe" not in bts


# -- saving --------------------------------------------------------------------------------


def test_saving_numbers_applications_per_candidate_and_mails(client, pinned, mailbox):
    client = signed_in(pinned)
    before = mailbox.count()
    saved = register_cfg(client, pinned)
    assert saved.endswith("/inscriptions/001/enregistree")
    page = text(client.get(saved))
    assert "Numéro d'inscription 001" in page and "Version 01" in page
    assert "avant la fermeture du service fixée le" in page
    with pinned.app_context():
        row = db.get().execute("SELECT number, version, status FROM applications").fetchone()
        academy = db.get().execute("SELECT academy FROM applications").fetchone()[0]
        email = db.get().execute("SELECT email FROM accounts ORDER BY id DESC").fetchone()[0]
    period = next(
        p
        for p in pinned.extensions["catalog"]().periods
        if (p.exam, p.session, p.academy) == ("cfg", "juin-2027", academy) and p.is_open(NOW)
    )
    due = format_day(period.confirmation_due)
    assert f"signez-la et renvoyez-la au service des examens au plus tard le {due}" in page
    assert tuple(row) == ("001", 1, "registered")
    mailbox.last_to(email, "Inscription enregistrée : CFG", after=before)
    second = start(client, pinned, "bts", "2027")  # another exam: the next number
    assert "/brouillon/" in second
    assert "Vous n'avez aucune candidature active." not in text(client.get("/espace-candidat/"))


def test_a_double_submit_yields_one_application(live_app):
    """Two "Enregistrer" sent at the same moment (two tabs) through the real server."""
    previous = live_app.config.get("NOW")
    live_app.config["NOW"] = lambda: NOW
    try:
        client = signed_in(live_app)
        last = register_cfg_until_last(client, live_app)
        cookie = client.http.get_cookie("portail_session")
        token = TOKEN.search(client.get(last).get_data(as_text=True)).group(1)
        base = urlsplit(live_app.config["BASE_URL"])
        barrier = threading.Barrier(2)
        statuses = []

        def post() -> None:
            connection = http.client.HTTPConnection(base.hostname, base.port, timeout=20)
            body = f"csrf_token={token}&action=enregistrer"
            barrier.wait()
            connection.request(
                "POST",
                last,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"portail_session={cookie.value}",
                },
            )
            statuses.append(connection.getresponse().status)

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert statuses == [303, 303]
        with live_app.app_context():
            email = db.get().execute("SELECT email FROM accounts ORDER BY id DESC").fetchone()[0]
            account = accounts.by_email(db.get(), email)
            count = (
                db.get()
                .execute("SELECT count(*) FROM applications WHERE account_id = ?", [account.id])
                .fetchone()[0]
            )
        assert count == 1
    finally:
        live_app.config["NOW"] = previous


def register_cfg_until_last(client, app) -> str:
    url = start(client, app, "cfg", "juin-2027")
    for code in ("identification", "informations"):
        url = fill(client, url, CFG[code]).headers["Location"]
    return url


# -- modification and withdrawal -----------------------------------------------------------


def test_modification_adds_a_version_and_mails_when_the_exam_says_so(client, pinned, mailbox):
    client = signed_in(pinned)
    register_cfg(client, pinned)
    application_page = "/espace-candidat/inscriptions/001"
    draft = client.submit(f"{application_page}/modifier")
    assert draft.status_code == 303
    url = draft.headers["Location"]
    before = mailbox.count()
    for code, answers in CFG.items():
        changed = (
            {**answers, "adresse_localite": "SAINT-MALO"} if code == "identification" else answers
        )
        response = fill(
            client, url, changed, "enregistrer" if code == "recapitulatif" else "suivant"
        )
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    page = text(client.get(application_page))
    assert "Version 02" in page and "SAINT-MALO" in page
    with pinned.app_context():
        email = db.get().execute("SELECT email FROM accounts ORDER BY id DESC").fetchone()[0]
        versions = db.get().execute("SELECT count(*) FROM application_versions").fetchone()[0]
    assert versions == 2
    mail = mailbox.last_to(email, "Modification d'inscription : CFG", after=before)
    assert mail["Subject"] == "[Portail candidat] Modification d'inscription : CFG JUIN 2027"


@pytest.mark.parametrize(
    "exam, session, kind, allowed",
    [
        ("cfg", "juin-2027", "individual", True),
        ("cfg", "juin-2027", "pupil", False),  # pupils are withdrawn by their school
        ("bia", "2027", "individual", False),  # G01: no self-withdrawal
    ],
)
def test_withdrawal_rules(app, exam, session, kind, allowed, mailbox):
    catalog = app.extensions["catalog"]()
    period = next(p for p in catalog.periods if (p.exam, p.session) == (exam, session))
    app.config["NOW"] = lambda: period.opens + timedelta(hours=1)
    client = signed_in(app, kind)
    email = client_email(app)
    with app.app_context():
        database = db.get()
        account = accounts.by_email(database, email)
        with db.transaction(database):
            draft = applications.start_draft(database, account.id, period.academy, exam, session)
            applications.create(database, draft, {}, "")
    page = client.get("/espace-candidat/inscriptions/001/desinscription")
    cards = client.get("/espace-candidat/inscriptions").get_data(as_text=True)
    if not allowed:
        assert page.status_code == 409 and "Désinscription impossible" in text(page)
        assert "Se désinscrire" not in text(client.get("/espace-candidat/inscriptions/001"))
        assert "/desinscription" not in cards and "Se désinscrire" not in cards
        return
    # the guides' way: from the application's card in « Mes inscriptions »
    assert 'href="/espace-candidat/inscriptions/001/desinscription">Se désinscrire' in cards
    assert "Cette action est définitive" in text(page)
    before = mailbox.count()
    done = client.submit("/espace-candidat/inscriptions/001/desinscription")
    assert done.status_code == 303
    listing = text(client.get(done.headers["Location"]))
    assert (
        "désinscrit par le candidat" in listing
        and "Vous n'avez aucune candidature active." in listing
    )
    mailbox.last_to(email, "Désinscription", after=before)
    with app.app_context():
        status = db.get().execute("SELECT status FROM applications").fetchone()[0]
    assert status == "withdrawn"
    # While the service is still open, the pages say why nothing more can be done: the
    # application is withdrawn (not « service fermé », which would be false).
    page = client.get("/espace-candidat/inscriptions/001")
    shown = text(page)
    assert "n'est plus active (désinscrit par le candidat)" in shown
    assert "Le service d'inscription est fermé" not in shown
    assert "/inscriptions/001/modifier" not in page.get_data(as_text=True)
    again = client.get("/espace-candidat/inscriptions/001/desinscription")
    assert again.status_code == 409
    assert "n'est plus active (désinscrit par le candidat)" in text(again)
    assert "service d'inscription est fermé" not in text(again)
    app.config["NOW"] = lambda: period.closes + timedelta(days=1)


def client_email(app) -> str:
    with app.app_context():
        return db.get().execute("SELECT email FROM accounts ORDER BY id DESC").fetchone()[0]


def test_closed_period_makes_everything_read_only(client, pinned):
    client = signed_in(pinned)
    register_cfg(client, pinned)
    catalog = pinned.extensions["catalog"]()
    with pinned.app_context():
        academy = db.get().execute("SELECT academy FROM applications").fetchone()[0]
    period = next(
        p
        for p in catalog.periods
        if (p.exam, p.session, p.academy) == ("cfg", "juin-2027", academy)
    )
    pinned.config["NOW"] = lambda: period.closes + timedelta(days=1)
    login = {"login": client_email(pinned), "password": PASSWORD}
    assert client.submit("/espace-candidat/connexion", login).status_code == 303  # days later
    page = text(client.get("/espace-candidat/inscriptions/001"))
    assert "Le service d'inscription est fermé" in page
    assert "Modifier Se désinscrire" not in page and "Se désinscrire" not in page
    assert client.submit("/espace-candidat/inscriptions/001/modifier").status_code == 409
    assert client.get("/espace-candidat/inscriptions/001/desinscription").status_code == 409


def test_an_application_locks_the_identity(client, pinned):
    client = signed_in(pinned)
    register_cfg(client, pinned)
    assert client.get("/espace-candidat/compte/identite").status_code == 303
    assert "seuls votre adresse électronique et votre mot de passe" in text(
        client.get("/espace-candidat/compte")
    )


def test_another_candidates_application_is_a_404(client, pinned):
    owner = signed_in(pinned)
    register_cfg(owner, pinned)
    stranger = signed_in(pinned)
    for url in (
        "/espace-candidat/inscriptions/001",
        "/espace-candidat/inscriptions/001/enregistree",
        "/espace-candidat/inscriptions/001/desinscription",
    ):
        assert stranger.get(url).status_code == 404
    draft_id = 1
    assert stranger.get(f"/espace-candidat/brouillon/{draft_id}/identification").status_code == 404


# -- content/ alone adds an exam -----------------------------------------------------------

NEW_EXAM = """
code = "dcg"
name = "DIPLOME DE COMPTABILITE ET DE GESTION"
short_name = "DCG"
domain = "examen"
model = "g01"
steps = ["identification", "qualification-generique", "epreuves", "recapitulatif"]
modification_mail = false
withdrawal = true

[[sessions]]
code = "2027"
label = "DCG 2027"
end = "31/12/2027"

[[specialities]]
code = "dcg"
name = "DCG"

[[specialities.tests]]
code = "UE1"
name = "Fondamentaux du droit"
mode = "Ponctuel écrit"

[[specialities.tests]]
code = "UE13"
name = "Langue vivante étrangère"
kind = "facultative"
options = ["ANGLAIS", "ALLEMAND"]
"""


def test_a_new_exam_needs_only_content(tmp_path, site_dir, mailbox):
    content = Path(shutil.copytree(ROOT / "content", tmp_path / "content"))
    (content / "exams" / "dcg.toml").write_text(NEW_EXAM, encoding="utf-8")
    with (content / "periods.csv").open("a", encoding="utf-8") as periods:
        periods.write("rennes;dcg;2027;;01/11/2026 09:00;15/12/2026 17:00;08/01/2027;;\n")
    app = make_app(tmp_path / "data", site_dir, mailbox, CONTENT_DIR=str(content))
    app.config["NOW"] = lambda: NOW
    try:
        client = signed_in(app)
        choices = text(client.get("/espace-candidat/inscription/nouvelle/examen"))
        assert "DIPLOME DE COMPTABILITE ET DE GESTION" in choices
        url = start(client, app, "dcg", "2027", "rennes")
        steps = {
            "identification": CFG["identification"],
            "qualification-generique": {"specialite_generique": "dcg"},
            "epreuves": {"epreuve_ue13": "inscrit", "option_ue13": "ANGLAIS"},
            "recapitulatif": {},
        }
        for code, answers in steps.items():
            response = fill(
                client, url, answers, "enregistrer" if code == "recapitulatif" else "suivant"
            )
            assert response.status_code == 303, errors(response)
            url = response.headers["Location"]
        page = text(client.get("/espace-candidat/inscriptions/001"))
        assert "DIPLOME DE COMPTABILITE ET DE GESTION" in page
        assert (
            "UE13 Langue vivante étrangère (ANGLAIS) Facultative Ponctuel écrit Inscrit" in page
            or "Langue vivante étrangère (ANGLAIS)" in page
        )
        assert "UE1 — Fondamentaux du droit" in page or "Fondamentaux du droit" in page
    finally:
        stop_mail(app)


def test_residence_rule_keeps_bia_candidates_in_their_academy(app):
    """BIA: the address given must lie in the académie chosen (rennes: 22, 29, 35, 56)."""
    catalog = app.extensions["catalog"]()
    period = next(
        p for p in catalog.periods if (p.exam, p.session, p.academy) == ("bia", "2027", "rennes")
    )
    app.config["NOW"] = lambda: period.opens + timedelta(hours=1)
    client = signed_in(app)
    # The choice page says it before the wizard checks it, as the public site does.
    choice = text(
        client.get("/espace-candidat/inscription/nouvelle/autres-examens/bia/2027/rennes")
    )
    assert "correspondant à votre lieu de résidence" in choice
    assert "une adresse en France doit se situer dans un département de l'académie" in choice
    url = start(client, app, "bia", "2027", "rennes")
    elsewhere = fill(
        client,
        url,
        {**CFG["identification"], "adresse_code_postal": "69001", "adresse_localite": "LYON"},
    )
    assert elsewhere.status_code == 400
    assert errors(elsewhere) == [
        "Pour cet examen, inscrivez-vous dans l'académie de votre lieu de résidence : le code "
        "postal 69001 ne relève pas de l'académie de Rennes."
    ]
    assert fill(client, url, CFG["identification"]).status_code == 303  # 35000: Rennes


def test_an_accommodation_request_shows_its_notice_in_the_recap_and_the_applications(
    client, pinned
):
    """« Cocher « Oui » ici ne suffit pas » follows the answer wherever it is read again."""
    client = signed_in(pinned)
    url = start(client, pinned, "cfg", "juin-2027")
    answers = {**CFG, "informations": {**CFG["informations"], "amenagement_handicap": "oui"}}
    for code, step in answers.items():
        last = code == "recapitulatif"
        if last:
            assert "Cocher « Oui » ici ne suffit pas" in text(client.get(url))
        response = fill(client, url, step, "enregistrer" if last else "suivant")
        assert response.status_code == 303, errors(response)
        url = response.headers["Location"]
    assert "Cocher « Oui » ici ne suffit pas" in text(client.get("/espace-candidat/inscriptions"))
    assert "Cocher « Oui » ici ne suffit pas" in text(
        client.get("/espace-candidat/inscriptions/001")
    )

    other = signed_in(pinned)  # the same application with « Non »: no notice anywhere
    register_cfg(other, pinned)
    assert "ne suffit pas" not in text(other.get("/espace-candidat/inscriptions"))


def test_the_same_person_registering_from_a_second_account_is_told_at_save(pinned):
    """Two accounts, one person (name, birth date and place): the second save says an
    application seems to exist already and whom to contact; the office sees the pair."""
    first, second = signed_in(pinned), signed_in(pinned)  # the same identity, twice
    saved_first = register_cfg(first, pinned)
    assert "semble déjà exister" not in text(first.get(saved_first))
    saved_second = register_cfg(second, pinned)
    page = text(second.get(saved_second))
    assert "Une autre candidature à cet examen semble déjà exister" in page
    with pinned.app_context():
        pairs = db.get().execute("SELECT count(*) FROM duplicates").fetchone()[0]
    assert pairs == 1


def test_an_expired_start_form_shows_the_page_again_with_a_message(pinned):
    """A « Démarrer mon inscription » left open for hours: the page again, and what to do."""
    client = signed_in(pinned)
    academy = open_academy(pinned, "cfg", "juin-2027")
    url = f"/espace-candidat/inscription/nouvelle/examen/cfg/juin-2027/{academy}"
    stale = client.http.post(url, data={"csrf_token": "périmé"})
    assert stale.status_code == 303 and stale.headers["Location"] == url
    page = text(client.get(url))
    assert "Le formulaire a expiré" in page and "Démarrer mon inscription" in page
    with pinned.app_context():
        assert db.get().execute("SELECT count(*) FROM drafts").fetchone()[0] == 0


def test_page_titles_name_the_exam_once(pinned):
    """« Identification – BTS 2027 », never « BTS BTS 2027 »; « CFG JUIN 2027 » stays."""
    client = signed_in(pinned)
    for exam, session, expected in (
        ("bts", "2027", "BTS 2027"),
        ("cfg", "juin-2027", "CFG JUIN 2027"),
    ):
        page = client.get(start(client, pinned, exam, session))
        title = re.search(r"<title>(.*?)</title>", page.get_data(as_text=True)).group(1)
        assert expected in title and "BTS BTS" not in title, title


def test_academies_are_listed_by_their_own_name(pinned):
    """« ACADÉMIE D'ORLÉANS-TOURS » under O, not third after Amiens because of its « D' »."""
    client = signed_in(pinned)
    page = client.get("/espace-candidat/inscription/nouvelle/examen/bts/2027")
    codes = re.findall(
        r'<a href="/espace-candidat/inscription/nouvelle/examen/bts/2027/([a-z-]+)">',
        page.get_data(as_text=True),
    )
    academies = pinned.extensions["catalog"]().academies
    assert len(codes) > 5 and {"besancon", "orleans-tours", "nice"} <= set(codes)
    assert codes == sorted(codes, key=lambda code: academies[code].sort_key)
    assert codes.index("nice") < codes.index("orleans-tours")


# -- what the fields tell the browser ------------------------------------------------------


def control(html: str, name: str) -> str:
    """The opening tag of the input, select or textarea named ``name``."""
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)


def test_the_candidates_own_data_says_its_purpose(pinned):
    """WCAG 1.3.5: address and phones carry the autocomplete token wizard.toml declares,
    so that the browser can fill them in; a field about something else carries none."""
    client = signed_in(pinned)
    html = client.get(start(client, pinned, "cfg", "juin-2027")).get_data(as_text=True)
    for name, token in {
        "adresse_pays": "country",
        "adresse_ligne1": "address-line1",
        "adresse_ligne2": "address-line2",
        "adresse_ligne3": "address-line3",
        "adresse_code_postal": "postal-code",
        "adresse_localite": "address-level2",
        "telephone_portable": "mobile tel",
        "telephone_fixe": "home tel",
    }.items():
        assert f'autocomplete="{token}"' in control(html, name), name
    assert "autocomplete" not in control(html, "nationalite")
    assert "autocomplete" not in control(html, "adresse_ligne4")  # HTML has no token for it


@pytest.fixture
def free_text(tmp_path, site_dir, mailbox):
    """A worker whose CFG asks « Informations supplémentaires » after « Identification »;
    yields a signed-in client at that step, and its URL."""
    content = Path(shutil.copytree(ROOT / "content", tmp_path / "content"))
    exam = content / "exams" / "cfg.toml"
    steps = '["identification", "informations", "recapitulatif"]'
    assert steps in exam.read_text("utf-8")
    text = exam.read_text("utf-8").replace(
        steps, steps.replace('"informations"', '"informations-supplementaires"')
    )
    lines = text.splitlines(keepends=True)  # its left-out questions were those of the step
    exam.write_text("".join(x for x in lines if not x.startswith("left_out_fields")), "utf-8")
    app = make_app(tmp_path / "data", site_dir, mailbox, CONTENT_DIR=str(content))
    app.config["NOW"] = lambda: NOW
    client = signed_in(app)
    response = fill(client, start(client, app, "cfg", "juin-2027"), CFG["identification"])
    assert response.headers["Location"].endswith("/informations-supplementaires")
    yield client, response.headers["Location"]
    stop_mail(app)


def test_a_free_text_says_its_limit_before_it_is_reached(free_text):
    """UI.md: hints before the user errs; the textarea itself stops at the limit."""
    client, url = free_text
    html = client.get(url).get_data(as_text=True)
    tag = control(html, "informations_complementaires")
    assert tag.startswith("<textarea") and 'maxlength="500"' in tag
    assert 'aria-describedby="informations_complementaires-aide"' in tag
    assert (
        '<span class="hint" id="informations_complementaires-aide">'
        "500 caractères au maximum.</span>" in html
    )


def test_a_free_text_past_its_limit_is_refused_with_its_length(free_text):
    """The server is the authority: 501 characters posted (no browser limit) are refused."""
    client, url = free_text
    response = fill(client, url, {"informations_complementaires": "é" * 501})
    assert response.status_code == 400
    assert errors(response) == [
        "« Informations complémentaires » : 500 caractères au maximum, vous en avez saisi 501."
        " Raccourcissez votre texte."
    ]
    assert "é" * 501 in response.get_data(as_text=True)  # what was typed is kept
    assert fill(client, url, {"informations_complementaires": "é" * 500}).status_code == 303


def test_a_line_break_counts_as_one_character_as_in_the_browser(free_text):
    """The browser's maxlength counts a line break once, but posts it as CR LF."""
    client, url = free_text
    lines = "\r\n".join(["a" * 49] * 10)  # 499 characters to maxlength, 508 as posted
    assert fill(client, url, {"informations_complementaires": lines}).status_code == 303


def test_a_field_required_under_a_condition_says_when(pinned):
    """UI.md: required fields are marked. « Année de la dernière candidature » is shown
    whatever the answer to the question it depends on, so an asterisk would be untrue
    after « Non »: its hint says when it is required; the optional one says « À
    renseigner si »; an unconditional question keeps its asterisk."""
    client = signed_in(pinned)
    response = fill(client, start(client, pinned, "bts", "2027"), {"modalites_acceptees": "y"})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    question = "Avez-vous déjà été candidat à cet examen ?"
    assert f'<legend>{question}<span class="required" aria-hidden="true"> *</span>' in html
    assert '<label for="annee_anterieure">Année de la dernière candidature</label>' in html
    assert " required" not in control(html, "annee_anterieure")
    for name, hint in (
        ("annee_anterieure", f"Obligatoire si « {question} » : Oui."),
        ("academie_anterieure", f"Obligatoire si « {question} » : Oui."),
        (
            "numero_candidat_anterieur",
            "Facultatif. Il figure sur vos anciennes convocations et relevés de notes"
            f" (11 chiffres). À renseigner si « {question} » : Oui.",
        ),
    ):
        assert f'<span class="hint" id="{name}-aide">{hint}</span>' in html, name
