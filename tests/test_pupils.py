"""Enrolled pupils: a CSV imported by an exam office (all or nothing), accounts with a
login and a one-time password printed only in the slips PDF, the pupil's first login
(address, then a password of their own), and the scope of the back office."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests import databases
from tests.forms import TOKEN, FormClient, errors, hidden_fields, text, title
from tests.test_registration import NOW, signed_in
from worker.rules import passwords
from worker.rules import pupil_list as pupils
from worker.store import accounts, db, staff

STAFF_PASSWORD = "Gestion!2027-Eleves"
ACADEMY, OTHER = "rennes", "nantes"
OFFER = "bts/2027"  # BTS 2027 is organised in Rennes; the BTS has specialities
LOGIN_URL = "/espace-candidat/connexion"
FIRST = "/espace-candidat/premiere-connexion"

FIRST_NAMES = ["Léa", "Hugo", "Chloé", "Noé", "Zoé", "Jules", "Inès", "Maël", "Anaïs", "Éloïse"]
LAST_NAMES = ["Martin", "Le Bœuf", "N'Diaye", "Dupont-Moreau", "Lefèvre"]


def member(app, academy: str, role: str = "staff") -> FormClient:
    """A staff member of one académie, signed in to the back office."""
    email = f"eleves.{academy}.{role}@ac-test.fr"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, f"Gestion {academy}", passwords.hash_password(STAFF_PASSWORD),
                [academy], role,
            )  # fmt: skip
    client = FormClient(app.test_client())
    response = client.submit("/gestion/connexion", {"login": email, "password": STAFF_PASSWORD})
    assert response.status_code == 303, text(response)
    return client


def establishment(app, academy: str = ACADEMY) -> str:
    catalog = app.extensions["catalog"]()
    return next(e.uai for e in catalog.establishments_of(academy) if e.uai != "0000000A")


def pupils_csv(count: int = 30, *, bom: bool = True, delimiter: str = ";") -> bytes:
    """`count` pupils; the first two share a name (their logins get 1 and 2)."""
    lines = [delimiter.join(["nom", "prenom", "date_naissance", "sexe", "specialite"])]
    for i in range(count):
        last = LAST_NAMES[i % len(LAST_NAMES)] if i > 1 else "Le Bœuf"
        first = FIRST_NAMES[i % len(FIRST_NAMES)] if i > 1 else "Chloé"
        born = date(2008, 1 + i % 12, 1 + i % 28).strftime("%d/%m/%Y")
        speciality = ["sio", "MCO", "Négociation et digitalisation de la relation client"][i % 3]
        lines.append(delimiter.join([last, first, born, "FM"[i % 2], speciality]))
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def upload(client: FormClient, data: bytes, uai: str, offer: str = OFFER):
    """The import form posted with its file: the confirmation page, or the form's errors."""
    return client.http.post(
        "/gestion/eleves",
        data={
            "csrf_token": client.token("/gestion/eleves"),
            "establishment": uai,
            "exam_session": offer,
            "fichier": (io.BytesIO(data), "eleves.csv"),
        },
        content_type="multipart/form-data",
    )


def post_import(client: FormClient, data: bytes, uai: str, offer: str = OFFER):
    """The import as a staff member makes it: the file, then « Confirmer l'import » when
    the confirmation page offers it (else the form's errors)."""
    shown = upload(client, data, uai, offer)
    if "Confirmer l'import" not in text(shown):
        return shown
    return client.http.post(
        "/gestion/eleves", data={**hidden_fields(shown), "decision": "confirmer"}
    )


def count(app, sql: str, *params) -> int:
    with app.app_context():
        return db.get().execute(sql, params).fetchone()[0]


def slips_link(page) -> str:
    found = re.search(r'href="(/gestion/eleves/papillons/\d+)"', page.get_data(as_text=True))
    assert found, text(page)
    return found.group(1)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def credentials(pdf: str) -> dict[str, str]:
    """login → one-time password, as printed on the slips."""
    logins = re.findall(r"Votre identifiant de connexion : (\S+)", pdf)
    secrets = re.findall(r"Votre mot de passe \(\*\) : (\S+)", pdf)
    assert len(logins) == len(secrets)
    return dict(zip(logins, secrets, strict=True))


def log_in(app, login: str, password: str) -> tuple[FormClient, object]:
    client = FormClient(app.test_client())
    response = client.submit(LOGIN_URL, {"login": login, "password": password})
    return client, response


def import_pupils(app, count: int):
    """Pupils imported by a Rennes staff member: (office client, import page, slips PDF)."""
    office = member(app, ACADEMY)
    response = post_import(office, pupils_csv(count), establishment(app))
    assert response.status_code == 303, errors(response) or text(response)
    page = office.get(response.headers["Location"])
    assert page.status_code == 200
    pdf = office.get(slips_link(page))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    return office, page, pdf


@pytest.fixture
def imported(app):
    """30 pupils (each one-time password costs an argon2 hash: about 9 s in all)."""
    return import_pupils(app, 30)


@pytest.fixture
def few(app):
    return import_pupils(app, 3)


# -- the import ------------------------------------------------------------------------------


def test_import_creates_accounts_applications_and_one_slips_pdf(app, imported):
    _office, page, pdf = imported
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.headers["Cache-Control"] == "no-store"
    shown = text(page)
    assert "ne peuvent pas être produits à nouveau" in shown
    assert "leboeuf.chloe1" in shown and "leboeuf.chloe2" in shown
    assert count(app, "SELECT count(*) FROM accounts WHERE kind = 'pupil'") == 30
    with app.app_context():
        database = db.get()
        rows = database.execute(
            "SELECT ac.email, ac.email_key, ac.login, ac.status, ac.candidate_number,"
            " ac.must_change_password, ac.password_hash, ap.number, ap.status, ap.academy,"
            " ap.exam, ap.session, ap.speciality, ap.answers FROM accounts ac"
            " JOIN applications ap ON ap.account_id = ac.id WHERE ac.kind = 'pupil'"
        ).fetchall()
    assert len(rows) == 30
    uai = establishment(app)
    for email, key, login, status, number, must, hashed, app_number, *application in rows:
        assert email == "" and key == f"login:{login}"
        assert re.fullmatch(r"[a-z0-9]+\.[a-z0-9]+\d+", login)
        assert status == "active" and re.fullmatch(r"0\d{10}", number)
        assert must == 1 and hashed.startswith("$argon2id$")
        assert app_number == "001"
        state, academy, exam, session, speciality, answers = application
        assert (state, academy, exam, session) == ("registered", ACADEMY, "bts", "2027")
        assert speciality in ("sio", "mco", "ndrc")
        assert json.loads(answers)["etablissement"] == uai
        assert json.loads(answers)["specialite"] == speciality

    # The slips PDF: every login, every candidate number, the portal, the advice.
    printed = pdf_text(pdf.data)
    found = credentials(printed)
    assert set(found) == {row[2] for row in rows}
    for row in rows:
        assert row[4] in printed
    assert "http://localhost/espace-candidat/connexion" in printed
    assert "ACADÉMIE DE RENNES" in printed and "LYCEE EMILE ZOLA" in printed
    assert "DOCUMENT À CONSERVER" in printed and "jusqu'à la fin de la session" in printed
    assert "Inscription n° : 001" in printed
    # Never stored in clear: no slip password appears in the database file.
    dump = databases.text_of_every_row(app.config["DATA_DIR"])
    for password in found.values():
        assert passwords.problems(password) == []
        assert password not in dump

    # The import is audited, once as a whole and once per pupil's application.
    audits = count(app, "SELECT count(*) FROM audit WHERE action = 'pupils.import'")
    per_pupil = count(app, "SELECT count(*) FROM audit WHERE action = 'pupil.create'")
    downloads = count(app, "SELECT count(*) FROM audit WHERE action = 'pupils.slips_download'")
    assert (audits, per_pupil, downloads) == (1, 30, 1)


def test_a_pupil_logs_in_with_the_slip_and_completes_the_first_login(app, imported):
    _office, _page, pdf = imported
    login, one_time = next(iter(credentials(pdf_text(pdf.data)).items()))
    pupil, response = log_in(app, login, one_time)
    assert response.status_code == 303 and response.headers["Location"].endswith(FIRST)

    # Until the flow is done, every page of the candidate space sends the pupil to it.
    for url in ("/espace-candidat/", "/espace-candidat/compte", "/espace-candidat/messages"):
        moved = pupil.get(url)
        assert moved.status_code == 302 and moved.headers["Location"].endswith(FIRST), url
    skipped = pupil.get(FIRST + "/mot-de-passe")
    assert skipped.status_code == 303 and skipped.headers["Location"].endswith(FIRST)

    # Step 1: an address (a taken one is refused clearly) and the slip's password again.
    taken_by = signed_in(app)  # another candidate, with an address of their own
    with app.app_context():
        other = (
            db.get()
            .execute("SELECT email FROM accounts WHERE kind = 'individual' ORDER BY id DESC")
            .fetchone()[0]
        )
    assert taken_by is not None
    refused = pupil.submit(
        FIRST,
        {"email": other.upper(), "email_confirm": other.upper(), "current_password": one_time},
    )
    assert refused.status_code == 400 and title(refused).startswith("Erreur : ")
    assert any("déjà utilisée" in e for e in errors(refused))
    wrong = pupil.submit(
        FIRST, {"email": "eleve@example.fr", "email_confirm": "eleve@example.fr",
                "current_password": "Pas.le-bon1"},
    )  # fmt: skip
    assert wrong.status_code == 400 and any("papillon" in e for e in errors(wrong))
    step1 = pupil.submit(
        FIRST, {"email": " Eleve.Un@Example.fr ", "email_confirm": "eleve.un@example.fr",
                "current_password": one_time},
    )  # fmt: skip
    assert step1.status_code == 303 and step1.headers["Location"].endswith("/mot-de-passe")
    assert pupil.get("/espace-candidat/").status_code == 302  # not done yet

    # Step 2: a new password following the rule (not the slip's one).
    step2 = FIRST + "/mot-de-passe"
    same = pupil.submit(step2, {"password": one_time, "password_confirm": one_time})
    assert same.status_code == 400
    weak = pupil.submit(step2, {"password": "faible", "password_confirm": "faible"})
    assert weak.status_code == 400
    done = pupil.submit(step2, {"password": "MonCode!2027", "password_confirm": "MonCode!2027"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/espace-candidat/")
    assert pupil.get("/espace-candidat/").status_code == 200
    with app.app_context():
        account = accounts.by_login(db.get(), login)
    assert account.email == "Eleve.Un@Example.fr" and account.email_key == "eleve.un@example.fr"
    assert account.must_change_password == 0

    # The application the school registered awaits the pupil's validation: the card says
    # so until the pupil saves it (documents issued); an individual candidate's never does.
    notice = "Votre établissement vous a préinscrit(e) : vérifiez et complétez votre inscription"
    app.config["NOW"] = lambda: NOW  # while the registration period is open
    assert notice in text(pupil.get("/espace-candidat/inscriptions"))
    with app.app_context(), db.transaction(db.get()):
        db.get().execute(
            "INSERT INTO documents (application_id, kind, title, version, stored_name,"
            " created_at) SELECT id, 'confirmation', 'Confirmation', 2, 'x.pdf', ?"
            " FROM applications WHERE account_id = ?",
            ["2026-11-22T10:00:00+00:00", account.id],
        )
    assert notice not in text(pupil.get("/espace-candidat/inscriptions"))

    # The one-time password is dead; the new one works with the address, the login and
    # the candidate number, and goes straight to the candidate home.
    assert (
        log_in(app, login, one_time)[1].status_code == 400
    )  # « Identifiant ou mot de passe incorrect »
    for identifier in ("eleve.un@example.fr", login, account.candidate_number):
        _client, response = log_in(app, identifier, "MonCode!2027")
        assert response.status_code == 303, identifier
        assert response.headers["Location"].endswith("/espace-candidat/")


def test_a_renewed_password_gives_a_new_slip_and_kills_the_old_one(app, few):
    office, page, pdf = few
    label = app.extensions["catalog"]().exams["bts"].session("2027").label
    imports = office.get("/gestion/eleves").get_data(as_text=True)
    assert f"<td>{label}</td>" in imports and "<td>2027</td>" not in imports  # names, not codes
    login, one_time = sorted(credentials(pdf_text(pdf.data)).items())[0]
    with app.app_context():
        account_id = accounts.by_login(db.get(), login).id
    import_url = page.request.path
    form_url = f"{import_url}/eleves/{account_id}/mot-de-passe"
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    response = office.http.post(form_url, data={"csrf_token": token})
    assert response.status_code == 303
    page = office.get(import_url)
    links = re.findall(r'href="(/gestion/eleves/papillons/\d+)"', page.get_data(as_text=True))
    assert len(links) == 2  # the import's file and the renewal's
    single = pdf_text(office.get(links[0]).data)
    renewed = credentials(single)
    assert list(renewed) == [login] and renewed[login] != one_time
    assert (
        log_in(app, login, one_time)[1].status_code == 400
    )  # « Identifiant ou mot de passe incorrect »
    assert log_in(app, login, renewed[login])[1].status_code == 303
    assert count(app, "SELECT count(*) FROM audit WHERE action = 'pupil.password_renewed'") == 1

    # Deleting a slips file removes it from the server; the link is gone (404).
    response = office.http.post(f"{links[0]}/supprimer", data={"csrf_token": token})
    assert response.status_code == 303
    assert office.get(links[0]).status_code == 404
    assert count(app, "SELECT count(*) FROM audit WHERE action = 'pupils.slips_delete'") == 1


# -- all or nothing --------------------------------------------------------------------------


def test_a_csv_with_errors_imports_nothing_and_lists_every_wrong_line(app):
    office = member(app, ACADEMY)
    good = pupils_csv(5).decode("utf-8-sig").split("\r\n")
    lines = [
        *good[:3],  # header (line 1), then lines 2 and 3 are right
        "Durand;Paul;31/02/2008;M;sio",  # 4: no such date
        "Petit;;01/03/2008;F;sio",  # 5: no first name
        "Roux;Emma;01/03/2008;X;sio",  # 6: sex
        "Blanc;Lina;2008-03-01;F;sio",  # 7: date format
        "Noir;Tom;01/03/2008;M;chimie",  # 8: unknown speciality
        "Vert;Léo;01/03/2008;M",  # 9: no speciality for the BTS
        "=cmd|' /C calc'!A0;Eve;01/03/2008;F;sio",  # 10: not a name
        "Seul",  # 11: one column
        good[2],  # 12: the same pupil as line 3
    ]
    response = post_import(office, ("\r\n".join(lines) + "\r\n").encode(), establishment(app))
    assert response.status_code == 400
    assert title(response).startswith("Erreur : ")
    shown = text(response)
    assert "aucun élève n'a été importé" in shown
    for number in range(4, 13):
        assert f"Ligne {number} :" in shown, number
    assert "Ligne 2 :" not in shown and "Ligne 3 :" not in shown
    assert "même élève que la ligne 3" in shown
    assert count(app, "SELECT count(*) FROM accounts WHERE kind = 'pupil'") == 0
    assert count(app, "SELECT count(*) FROM applications") == 0
    assert count(app, "SELECT count(*) FROM pupil_slips") == 0


def test_the_file_format_is_checked_and_comma_without_bom_accepted(app):
    office = member(app, ACADEMY)
    uai = establishment(app)
    latin1 = "nom;prenom;date_naissance;sexe\nLefèvre;Zoé;01/02/2008;F\n".encode("latin-1")
    response = post_import(office, latin1, uai, "bia/2027")
    assert response.status_code == 400 and "UTF-8" in " ".join(errors(response))
    response = post_import(office, b"", uai, "bia/2027")
    assert response.status_code == 400 and "fichier" in " ".join(errors(response)).lower()
    response = post_import(office, b"Dupont,Jean,01/02/2008,M,sio\n", uai, "bia/2027")
    assert response.status_code == 400 and "Ligne 1 :" in text(response)  # BIA: no speciality
    response = post_import(office, b"Dupont,Jean,01/02/2008,M\n", uai, "bia/2027")
    assert response.status_code == 303
    assert count(app, "SELECT count(*) FROM accounts WHERE login = 'dupont.jean1'") == 1
    again = post_import(office, b"Dupont,Jean,01/02/2008,M\n", uai, "bia/2027")
    assert again.status_code == 400 and "déjà importé" in text(again)
    wrong_offer = post_import(office, b"Dupont,Jean,01/02/2008,M\n", uai, "saenes/2027")
    assert wrong_offer.status_code == 400  # not organised in Rennes (nor offered)


# -- scope -----------------------------------------------------------------------------------


def test_other_academies_staff_cannot_import_nor_download_and_others_must_log_in(app, few):
    _office, page, _pdf = few
    link = slips_link(page)
    stranger = member(app, OTHER)
    assert stranger.get(link).status_code == 404
    assert stranger.get(page.request.path).status_code == 404
    response = post_import(stranger, pupils_csv(2), establishment(app, ACADEMY))
    assert response.status_code == 404
    listing = stranger.get("/gestion/eleves")
    assert listing.status_code == 200 and establishment(app, ACADEMY) not in text(listing)
    assert count(app, "SELECT count(*) FROM accounts WHERE kind = 'pupil'") == 3

    anonymous = FormClient(app.test_client())
    candidate = signed_in(app)
    for client in (anonymous, candidate):  # sent to the staff login page, nothing shown
        for url in ("/gestion/eleves", link, page.request.path):
            sent = client.get(url)
            assert sent.status_code == 303, url
            assert sent.headers["Location"].startswith("/gestion/connexion?next="), url


def test_logins_are_ascii_and_unique():
    assert pupils.login_base("Le Bœuf", "Chloé-Marie") == "leboeuf.chloemarie"
    assert pupils.login_base("N'Diaye", "Anaïs") == "ndiaye.anais"
    assert pupils.login_base("李", "Ørjan") == "eleve.orjan"
    for _ in range(200):
        assert passwords.problems(pupils.generate_password()) == []
        assert passwords.staff_problems(pupils.generate_password(16)) == []


# -- in a real browser: the pages pass axe-core ----------------------------------------------


@pytest.mark.browser
def test_pupil_pages_pass_the_accessibility_audit(live_app, live_server, browser, page, axe):
    email = "eleves.axe@ac-test.fr"
    with live_app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, "Gestion axe", passwords.hash_password(STAFF_PASSWORD),
                [ACADEMY], "admin",
            )  # fmt: skip
    page.goto(f"{live_server}/gestion/connexion")
    page.get_by_label(re.compile("^Adresse électronique professionnelle")).fill(email)
    page.get_by_label(re.compile("^Mot de passe")).fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    page.goto(f"{live_server}/gestion/eleves")
    assert axe() == []

    uai = establishment(live_app)

    def send(data: bytes) -> None:
        page.get_by_label(re.compile("^Établissement des élèves")).select_option(uai)
        page.get_by_label(re.compile("^Examen et session")).select_option(OFFER)
        page.set_input_files(
            "#fichier", files=[{"name": "eleves.csv", "mimeType": "text/csv", "buffer": data}]
        )
        page.get_by_role("button", name="Importer les élèves").click()

    send(b"Durand;Paul;31/02/2008;M;sio\nPetit;;01/03/2008;F;sio\n")
    assert page.title().startswith("Erreur : ")
    assert "Ligne 2 :" in page.locator("main").inner_text()
    assert axe() == []
    send(pupils_csv(2))
    assert page.get_by_role("heading", level=1).inner_text() == "Confirmer l'import des élèves"
    assert "2 élèves recevront un compte" in page.locator("main").inner_text()
    assert axe() == []
    page.get_by_role("button", name="Confirmer l'import").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import d'élèves"
    assert axe() == []
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Télécharger les papillons")).click()
    found = credentials(pdf_text(Path(download.value.path()).read_bytes()))

    for url in ("/gestion/comptes", "/gestion/comptes/nouveau"):
        page.goto(live_server + url)
        assert axe() == [], url
    page.get_by_role("button", name="Créer le compte").click()
    assert page.title().startswith("Erreur : ")
    assert axe() == []

    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    pupil = context.new_page()
    login, one_time = next(iter(found.items()))
    pupil.goto(f"{live_server}{LOGIN_URL}")
    pupil.get_by_label(re.compile("^Adresse électronique ou numéro")).fill(login)
    pupil.get_by_label(re.compile("^Mot de passe")).fill(one_time)
    pupil.get_by_role("button", name="Me connecter").click()
    assert pupil.url.endswith(FIRST)
    assert axe(pupil) == []
    pupil.get_by_role("button", name="Suivant").click()
    assert pupil.title().startswith("Erreur : ")
    assert axe(pupil) == []
    pupil.get_by_label(re.compile("^Adresse électronique")).first.fill("axe.eleve@example.fr")
    pupil.get_by_label(re.compile("^Confirmation de l'adresse")).fill("axe.eleve@example.fr")
    pupil.get_by_label(re.compile("^Mot de passe du papillon")).fill(one_time)
    pupil.get_by_role("button", name="Suivant").click()
    assert pupil.url.endswith(FIRST + "/mot-de-passe")
    assert axe(pupil) == []
    context.close()


def test_an_import_says_what_it_will_create_before_creating_anything(app):
    """The file checked, the confirmation page names the establishment, the session and
    how many pupils; nothing exists before « Confirmer l'import ». « Annuler » brings the
    form back with its choices (the file is chosen again); a damaged copy of the file is
    refused with a message, never imported."""
    office = member(app, ACADEMY)
    uai = establishment(app)
    shown = upload(office, pupils_csv(3), uai)
    assert shown.status_code == 200 and title(shown).startswith("Confirmer l'import des élèves")
    page = text(shown)
    assert f"({uai})" in page and "BTS 2027" in page
    assert "3 élèves recevront un compte et une candidature inscrite à cette session" in page
    assert "choisissez de nouveau le fichier. Rien n'est importé." in page
    assert count(app, "SELECT count(*) FROM pupil_imports") == 0
    assert count(app, "SELECT count(*) FROM accounts") == 0

    back = office.http.post(
        "/gestion/eleves", data={**hidden_fields(shown), "decision": "modifier"}
    )
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and title(back).startswith("Élèves inscrits")
    assert f'value="{uai}" selected' in html or f'selected value="{uai}"' in html
    assert count(app, "SELECT count(*) FROM accounts") == 0

    damaged = {**hidden_fields(shown), "contenu": "pas du base64 !", "decision": "confirmer"}
    refused = office.http.post("/gestion/eleves", data=damaged)
    assert refused.status_code == 400
    assert "Choisissez de nouveau le fichier CSV des élèves : rien n'a été importé." in errors(
        refused
    )
    assert count(app, "SELECT count(*) FROM accounts") == 0

    done = office.http.post(
        "/gestion/eleves", data={**hidden_fields(shown), "decision": "confirmer"}
    )
    assert done.status_code == 303
    assert count(app, "SELECT count(*) FROM accounts") == 3


def test_a_large_spreadsheet_export_is_confirmed_or_refused_with_a_message(app):
    """A spreadsheet's CSV may carry many empty trailing columns: up to the limit the form
    states, such a file goes through the confirmation page (which carries it back); a
    larger one is refused at once, saying why, with nothing imported."""
    office = member(app, ACADEMY)
    uai = establishment(app)
    assert "200 élèves et 256 Ko au plus" in text(office.get("/gestion/eleves"))
    padded = pupils_csv(3).replace(b"\r\n", b";" * 2000 + b"\r\n")
    assert len(padded) > 6000
    heavy = padded.replace(b";" * 2000, b";" * 150_000)
    assert pupils.MAX_FILE_BYTES < len(heavy) < app.config["MAX_CONTENT_LENGTH"]
    refused = post_import(office, heavy, uai)
    assert refused.status_code == 400
    assert "Le fichier dépasse 256 Ko" in " ".join(errors(refused))
    assert count(app, "SELECT count(*) FROM accounts") == 0
    near = padded.replace(b";" * 2000, b";" * (pupils.MAX_FILE_BYTES // 4 - 200))
    assert pupils.MAX_FILE_BYTES - 1000 < len(near) <= pupils.MAX_FILE_BYTES
    done = post_import(office, near, uai)
    assert done.status_code == 303, text(done)
    assert count(app, "SELECT count(*) FROM accounts") == 3
