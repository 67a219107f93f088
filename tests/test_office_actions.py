"""The exam office's actions, through HTTP: documents, results, messages, corrections,
withdrawal and rejection, each audited and seen by the candidate at once; and the scope:
another académie's staff gets 404, anonymous visitors and candidates get 403."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import timedelta

import pytest

from tests.forms import FormClient, errors, text, title
from tests.test_accounts import SIGNUP
from tests.test_documents import PDF, pdf_text
from tests.test_registration import NOW, open_academy, register_cfg, signed_in
from worker.rules import passwords
from worker.store import db, staff

STAFF_PASSWORD = "Gestion!2027-Examens"
OTHER = "bordeaux"  # another académie where the CFG JUIN 2027 is open at NOW


@pytest.fixture
def pinned(app):
    app.config["NOW"] = lambda: NOW
    return app


def member(app, academy: str, *more: str) -> FormClient:
    """A staff member of one académie (or more), signed in to the back office."""
    email = f"gestion.{'.'.join((academy, *more))}@ac-test.fr"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database,
                email,
                f"Gestion {academy}",
                passwords.hash_password(STAFF_PASSWORD),
                [academy, *more],
            )
    client = FormClient(app.test_client())
    response = client.submit("/gestion/connexion", {"login": email, "password": STAFF_PASSWORD})
    assert response.status_code == 303, text(response)
    return client


def registered(app, academy: str | None = None) -> tuple[FormClient, int]:
    """A signed-in candidate with a CFG application; returns the client and its id."""
    client = signed_in(app)
    register_cfg(client, app, academy)
    with app.app_context():
        (application_id,) = db.get().execute("SELECT max(id) FROM applications").fetchone()
    return client, application_id


def rows(app, sql: str, *params) -> list:
    with app.app_context():
        return db.get().execute(sql, params).fetchall()


def audits(app, action: str, application_id: int | None = None) -> list[tuple[dict, dict]]:
    one = "" if application_id is None else " AND application_id = ?"
    params = [action] if application_id is None else [action, application_id]
    found = rows(app, f"SELECT before, after FROM audit WHERE action = ?{one} ORDER BY id", *params)
    return [(json.loads(b), json.loads(a)) for b, a in found]


def office_page(client, application_id: int) -> str:
    return f"/gestion/candidatures/{application_id}"


def post(client, url: str, data: dict | None = None, page: str = "/gestion/publication", **kw):
    """A POST with the CSRF token of the session (read from a page the client may open)."""
    return client.http.post(url, data={"csrf_token": client.token(page), **(data or {})}, **kw)


def upload(client, application_id: int, kind: str, content: bytes, name: str):
    return post(
        client,
        f"/gestion/candidatures/{application_id}/documents",
        {"kind": kind, "fichier": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def candidate_number(app, application_id: int) -> str:
    return rows(
        app,
        "SELECT ac.candidate_number FROM accounts ac JOIN applications ap"
        " ON ap.account_id = ac.id WHERE ap.id = ?",
        application_id,
    )[0][0]


# -- documents -----------------------------------------------------------------------------


def test_documents_uploaded_or_published_for_a_session_reach_mes_documents(pinned):
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    elsewhere, other_id = registered(app, OTHER)
    office = member(app, academy)

    # One application: a PDF only, stored as version 1 of its kind.
    refused = upload(
        office, application_id, "convocation", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "c.png"
    )
    assert refused.status_code == 303
    assert "n'est pas un PDF" in text(office.get(office_page(office, application_id)))
    done = upload(office, application_id, "convocation", PDF, "convocation.pdf")
    assert done.status_code == 303
    listing = text(candidate.get("/espace-candidat/inscriptions/001/documents"))
    assert "Convocation [PDF] Version n°1" in listing
    before, after = audits(app, "document.upload", application_id)[0]
    assert before == {"kind": "convocation", "version": None}
    assert after["version"] == 1 and after["file"] == "convocation.pdf"

    # The whole session of the académie: one generated PDF per registered application.
    page = office.get("/gestion/publication")
    assert page.status_code == 200
    key = f"{academy}|cfg|juin-2027"
    assert key in page.get_data(as_text=True) and f"{OTHER}|cfg" not in page.get_data(as_text=True)
    response = office.confirm(
        "/gestion/publication",
        {
            "action": "documents",
            "group": key,
            "kind": "convocation",
            "title": "Convocation aux épreuves écrites",
            "body": "Rendez-vous le 3 juin 2027 à 8 h 30, lycée Victor-Hugo, salle 12.",
            "decision": "confirmer",
        },
    )
    assert response.status_code == 303, errors(response)
    progress = text(office.get(response.headers["Location"]))
    assert "1 document publié sur 1" in progress and "La publication est terminée" in progress

    listing = candidate.get("/espace-candidat/inscriptions/001/documents")
    assert "Convocation aux épreuves écrites [PDF] Version n°2" in text(listing)
    url = re.findall(
        r'href="(/espace-candidat/inscriptions/001/documents/\d+)"', listing.get_data(as_text=True)
    )
    content = pdf_text(candidate.get(url[-1]).data)
    for fragment in (
        "MARTIN",
        "Léa",
        candidate_number(app, application_id),
        "001",
        "JUIN 2027",
        "CERTIFICAT DE FORMATION GENERALE",
        "CONVOCATION AUX ÉPREUVES ÉCRITES",
        "lycée Victor-Hugo, salle 12",
    ):
        assert fragment in content, fragment
    before, after = audits(app, "document.publish", application_id)[0]
    assert before == {"kind": "convocation", "version": 1} and after["version"] == 2
    assert audits(app, "documents.publish_session")[0][1]["applications"] == 1

    # The other académie's candidate got nothing, and cannot be targeted from here.
    assert "Convocation" not in text(elsewhere.get("/espace-candidat/inscriptions/001/documents"))
    forged = office.confirm(
        "/gestion/publication",
        {
            "action": "documents",
            "group": f"{OTHER}|cfg|juin-2027",
            "kind": "convocation",
            "title": "Convocation",
            "body": "Texte",
            "decision": "confirmer",
        },
    )
    assert forged.status_code == 400
    assert "Choisissez une session d'examen de vos académies." in errors(forged)
    assert (
        rows(
            app,
            "SELECT count(*) FROM documents WHERE application_id = ? AND kind = 'convocation'",
            other_id,
        )[0][0]
        == 0
    )


def test_a_long_publication_goes_on_where_it_stopped(pinned):
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, _ = registered(app, academy)
    office = member(app, academy)
    app.config["PUBLISH_SECONDS"] = 0  # no time for any document in this request
    response = office.confirm(
        "/gestion/publication",
        {
            "action": "documents",
            "group": f"{academy}|cfg|juin-2027",
            "kind": "notification",
            "title": "Notification",
            "body": "Votre centre d'examen a changé.",
            "decision": "confirmer",
        },
    )
    progress = office.get(response.headers["Location"])
    assert "0 document publié sur 1" in text(progress)
    assert "Il reste 1 document à publier." in text(progress)
    app.config["PUBLISH_SECONDS"] = 30
    resume = response.headers["Location"] + "/suite"
    again = office.http.post(
        resume, data={"csrf_token": office.token(response.headers["Location"])}
    )
    assert again.status_code == 303
    assert "1 document publié sur 1" in text(office.get(again.headers["Location"]))
    assert "Notification [PDF] Version n°1" in text(
        candidate.get("/espace-candidat/inscriptions/001/documents")
    )


def test_a_publication_refuses_what_its_document_cannot_print(pinned):
    """An emoji or a Chinese character is not in the documents' fonts: the form says so
    (and starts nothing), where the PDF would have failed for every candidate."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    registered(app, academy)
    office = member(app, academy)
    data = {"action": "documents", "group": f"{academy}|cfg|juin-2027", "kind": "convocation",
            "title": "Convocation 🙂", "body": "Rendez-vous au lycée 中."}  # fmt: skip
    refused = office.submit("/gestion/publication", data)
    assert refused.status_code == 400
    assert errors(refused) == [
        "Ces caractères ne peuvent pas être imprimés sur le document : 🙂."
        " Retirez-les ou remplacez-les.",
        "Ces caractères ne peuvent pas être imprimés sur le document : 中."
        " Retirez-les ou remplacez-les.",
    ]
    assert rows(app, "SELECT count(*) FROM publications")[0][0] == 0


# -- results -------------------------------------------------------------------------------


def test_marks_are_published_to_mes_notes(pinned):
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    office = member(app, academy)
    notes = "/espace-candidat/inscriptions/001/notes"
    assert "Aucune note n'est publiée" in text(candidate.get(notes))
    assert "Mes notes" in text(candidate.get("/espace-candidat/inscriptions"))

    url = f"/gestion/candidatures/{application_id}/notes"
    page = office_page(office, application_id)
    # A wrong mark: nothing saved, and the page again as UI.md's forms do it (« Erreur : »
    # title, a summary linked to each wrong field, the message at its field) with every
    # mark as typed, the right ones too: not a notice above the marks as they were.
    wrong = post(office, url, {"note-001": "25", "note-002": "abc", "note-003": "11"}, page)
    assert wrong.status_code == 400 and title(wrong).startswith("Erreur : Candidature ")
    html = wrong.get_data(as_text=True)
    assert '<a href="#note-001">001 : « 25 » dépasse 20' in html
    assert '<a href="#note-002">' in html and "n'est pas une note" in text(wrong)
    assert 'aria-describedby="note-001-erreur"' in html
    assert 'aria-describedby="note-002-erreur"' in html
    assert 'aria-describedby="note-003-erreur"' not in html
    for code, typed in (("001", "25"), ("002", "abc"), ("003", "11")):
        assert re.search(rf'id="note-{code}" name="note-{code}" value="{typed}"', html), code
    assert "Aucune note n'a été enregistrée" in text(wrong)
    assert rows(app, "SELECT count(*) FROM results")[0][0] == 0
    assert "dépasse 20" not in text(office.get(page))  # said once, not again at the next page

    saved = post(office, url, {"note-001": "12.5", "note-002": "abs", "note-003": ""}, page)
    assert saved.status_code == 303
    listing = text(candidate.get(notes))
    assert "001 – Entretien avec le jury" in listing
    assert "12,5/20" in listing and "Absent" in listing and "Pas encore publiée" in listing
    before, after = audits(app, "results.publish", application_id)[0]
    assert before == {} and after == {"001": "12,5", "002": "ABS"}

    post(office, url, {"note-001": "14", "note-002": "ABS", "note-003": "9,75"}, page)
    before, after = audits(app, "results.publish", application_id)[1]
    assert before == {"001": "12,5", "002": "ABS"}
    assert after == {"001": "14", "002": "ABS", "003": "9,75"}
    assert "9,75/20" in text(candidate.get(notes))

    # Owner only: another candidate's own numbering never reaches this application.
    stranger = signed_in(app)
    assert stranger.get(notes).status_code == 404


def test_the_card_tells_of_marks_published_until_mes_notes_is_opened(pinned):
    """The guides: published marks come with an information message in the candidate's
    space. It stays on the card until « Mes notes » is opened, and comes back when marks
    change afterwards."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    office = member(app, academy)
    home, notes = "/espace-candidat/inscriptions", "/espace-candidat/inscriptions/001/notes"
    notice = "Des notes ont été publiées : consultez « Mes notes »."
    assert notice not in text(candidate.get(home))
    url = f"/gestion/candidatures/{application_id}/notes"
    page = office_page(office, application_id)
    assert post(office, url, {"note-001": "12,5"}, page).status_code == 303
    assert notice in text(candidate.get(home))
    assert "12,5/20" in text(candidate.get(notes))
    assert notice not in text(candidate.get(home))
    assert notice not in text(candidate.get("/espace-candidat/inscriptions/001"))
    app.config["NOW"] = lambda: NOW + timedelta(hours=1)
    assert post(office, url, {"note-001": "13"}, page).status_code == 303
    assert notice in text(candidate.get(home))


# -- messages ------------------------------------------------------------------------------


def test_messages_to_one_candidate_and_to_a_session_stay_in_scope(pinned):
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    elsewhere, _ = registered(app, OTHER)
    office, other_office = member(app, academy), member(app, OTHER)

    page = office_page(office, application_id)
    response = post(
        office,
        f"{page}/message",
        {"subject": "Dossier incomplet", "message": "Merci d'envoyer votre pièce."},
        page,
    )
    assert response.status_code == 303
    messages = text(candidate.get("/espace-candidat/messages"))
    assert "[Portail candidat] Dossier incomplet" in messages
    assert "Merci d'envoyer votre pièce." in messages
    assert audits(app, "message.send", application_id)[0][1]["subject"] == "Dossier incomplet"
    empty = post(office, f"{page}/message", {"subject": "", "message": ""}, page)
    assert empty.status_code == 303 and "Saisissez l'objet du message." in text(office.get(page))

    sent = other_office.confirm(
        "/gestion/publication",
        {
            "action": "message",
            "audience": f"{OTHER}|cfg|juin-2027",
            "subject": "Centre d'examen",
            "message": "Votre centre d'examen est le lycée Montaigne.",
            "decision": "confirmer",
        },
    )
    assert sent.status_code == 303
    assert "Message envoyé à 1 candidat" in text(other_office.get(sent.headers["Location"]))
    assert "lycée Montaigne" in text(elsewhere.get("/espace-candidat/messages"))
    assert "lycée Montaigne" not in text(candidate.get("/espace-candidat/messages"))
    assert audits(app, "message.session")[0][1]["recipients"] == 1

    forged = other_office.confirm(
        "/gestion/publication",
        {
            "action": "message",
            "audience": f"{academy}|cfg|juin-2027",
            "subject": "Intrus",
            "message": "Ne doit arriver nulle part.",
            "decision": "confirmer",
        },
    )
    assert forged.status_code == 400
    assert "Intrus" not in text(candidate.get("/espace-candidat/messages"))


# -- on the candidate's behalf -------------------------------------------------------------

IDENTITY = {
    "civility": "MME",
    "last_name": "Martin-Durand",
    "last_name_confirm": "Martin-Durand",
    "usual_name": "",
    "first_names": "Léa Anne",
    "birth_date": "30/05/2004",
    "birth_date_confirm": "30/05/2004",
    "birth_country": "FR",
    "birth_departement": "35",
    "birth_commune": "Rennes",
}


def test_identity_is_corrected_by_the_office(pinned):
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    office = member(app, academy)
    url = f"/gestion/candidatures/{application_id}/identite"
    form = office.get(url)
    assert form.status_code == 200 and 'name="email"' not in form.get_data(as_text=True)
    assert 'name="password"' not in form.get_data(as_text=True)

    # The form speaks of the candidate to the staff member, never to them (« votre »).
    assert "la pièce d'identité du candidat ou de la candidate" in text(form)
    assert "vous êtes né(e)" not in text(form) and "votre" not in text(form)
    # The data typed is the candidate's: the staff member's own is never offered to fill it.
    html = form.get_data(as_text=True)
    for name in ("last_name", "first_names", "birth_date"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'autocomplete="off"' in tag, tag
    blank = {name: "" for name in IDENTITY} | {"birth_country": "FR"}
    empty = office.submit(url, blank)
    assert empty.status_code == 400
    assert errors(empty) == [
        "Indiquez la civilité.",
        "Saisissez le nom de famille (nom de naissance).",
        "Saisissez à nouveau le nom de famille.",
        "Saisissez les prénoms.",
        "Saisissez la date de naissance.",
        "Saisissez à nouveau la date de naissance.",
        "Choisissez le département de naissance.",
        "Saisissez la commune de naissance.",
    ]
    # The candidate's own form says the same to them, as before.
    own = FormClient(app.test_client()).submit(SIGNUP, blank)
    assert own.status_code == 400
    assert "Saisissez votre nom de famille (nom de naissance)." in errors(own)
    assert "Saisissez votre commune de naissance." in errors(own)

    wrong = office.submit(url, {**IDENTITY, "last_name_confirm": "Dupont"})
    assert wrong.status_code == 400 and title(wrong).startswith("Erreur : ")
    assert "Les deux noms de famille saisis sont différents." in errors(wrong)
    formula = office.submit(
        url, {**IDENTITY, "usual_name": '=HYPERLINK("http://x","y")', "first_names": "+Enzo-1"}
    )  # what a spreadsheet would run, or digits: no name is written so
    assert formula.status_code == 400
    letters_only = "Utilisez seulement des lettres, des espaces, des tirets, des apostrophes"
    assert errors(formula) == [f"{letters_only} et des points."] * 2
    assert audits(app, "account.identity", application_id) == []

    assert office.submit(url, IDENTITY).status_code == 303
    assert "MARTIN-DURAND Léa Anne" in text(candidate.get("/espace-candidat/"))
    before, after = audits(app, "account.identity", application_id)[0]
    assert before == {"last_name": "Martin", "first_names": "Léa"}
    assert after == {"last_name": "Martin-Durand", "first_names": "Léa Anne"}


def test_withdrawn_or_rejected_applications_leave_the_candidates_list(pinned):
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    first, first_id = registered(app, academy)
    second, second_id = registered(app, academy)
    office = member(app, academy)
    assert "CERTIFICAT DE FORMATION GENERALE" in text(first.get("/espace-candidat/inscriptions"))

    withdraw = f"/gestion/candidatures/{first_id}/desinscription"
    assert "Confirmer la désinscription" in text(office.get(withdraw))
    assert office.submit(withdraw, {"reason": ""}).status_code == 303
    assert "CERTIFICAT DE FORMATION GENERALE" not in text(
        first.get("/espace-candidat/inscriptions")
    )
    assert "État Désinscrit par le gestionnaire" in text(office.get(office_page(office, first_id)))
    assert audits(app, "application.withdraw", first_id)[0] == (
        {"status": "registered"},
        {"status": "withdrawn_by_office", "reason": ""},
    )
    assert "désinscrit par le gestionnaire" in text(first.get("/espace-candidat/messages"))
    again = office.get(withdraw)
    assert again.status_code == 303  # already closed: back to the application page

    reject = f"/gestion/candidatures/{second_id}/ecarter"
    missing = office.submit(reject, {"reason": ""})
    assert missing.status_code == 400
    assert "Indiquez le motif : il est communiqué au candidat." in errors(missing)
    assert office.submit(reject, {"reason": "Pièce d'identité falsifiée."}).status_code == 303
    assert "Écartée par le gestionnaire" in text(office.get(office_page(office, second_id)))
    assert "CERTIFICAT DE FORMATION GENERALE" not in text(
        second.get("/espace-candidat/inscriptions")
    )
    assert audits(app, "application.reject", second_id)[0][1] == {
        "status": "rejected",
        "reason": "Pièce d'identité falsifiée.",
    }
    assert "Pièce d'identité falsifiée." in text(second.get("/espace-candidat/messages"))
    assert rows(app, "SELECT closed_at IS NOT NULL FROM applications WHERE id = ?", second_id)[0][0]


# -- who may act ---------------------------------------------------------------------------


def test_other_academies_get_404_others_the_login_page_or_403(pinned):
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    office, other_office = member(app, academy), member(app, OTHER)
    base = f"/gestion/candidatures/{application_id}"
    gets = [f"{base}/identite", f"{base}/desinscription", f"{base}/ecarter"]
    posts = [f"{base}/documents", f"{base}/notes", f"{base}/message", *gets]

    assert "Actions du gestionnaire" in text(office.get(base))
    for url in gets:
        assert other_office.get(url).status_code == 404, url
    for url in posts:
        sent = post(other_office, url, {"reason": "x", "subject": "x", "message": "x"})
        assert sent.status_code == 404, url
    assert rows(app, "SELECT status FROM applications WHERE id = ?", application_id)[0][0] == (
        "registered"
    )

    response = office.confirm(
        "/gestion/publication",
        {
            "action": "documents",
            "group": f"{academy}|cfg|juin-2027",
            "kind": "convocation",
            "title": "Convocation",
            "body": "Texte",
            "decision": "confirmer",
        },
    )
    progress = response.headers["Location"]
    assert other_office.get(progress).status_code == 404
    assert post(other_office, progress + "/suite").status_code == 404

    anonymous = FormClient(app.test_client())
    for client in (anonymous, candidate):
        for url in [*gets, "/gestion/publication", progress]:  # to the staff login page
            page = client.get(url)
            assert page.status_code == 303, url
            assert page.headers["Location"].startswith("/gestion/connexion?next="), url
        for url in [*posts, "/gestion/publication", progress + "/suite"]:
            assert client.http.post(url, data={"subject": "x"}).status_code == 403, url


def test_csv_export_neutralises_spreadsheet_formulas(pinned):
    _candidate, application_id = registered(pinned)
    (academy,) = rows(pinned, "SELECT academy FROM applications WHERE id = ?", application_id)[0]
    with pinned.app_context():
        database = db.get()
        with db.transaction(database):
            database.execute(
                "UPDATE accounts SET last_name = ?, first_names = ? WHERE id = (SELECT account_id"
                " FROM applications WHERE id = ?)",
                ['=HYPERLINK("http://evil.example","x")', "@SUM(A1)", application_id],
            )
    office = member(pinned, academy)
    export = office.get("/gestion/candidatures/export.csv")
    assert export.headers["Content-Disposition"].startswith("attachment")
    header, *records = csv.reader(
        io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"
    )
    (cells,) = records
    row = dict(zip(header, cells, strict=True))
    assert row["nom"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["prenoms"] == "'@SUM(A1)"
    assert not any(c.startswith(("=", "@", "+", "-")) for c in cells)
