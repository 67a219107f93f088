"""« À traiter »: the pieces of a session awaiting a decision, over HTTP, scoped to the
académie; the inline preview (sandboxed, staff only); a decision opens the next piece;
a re-submitted piece comes back as « À contrôler (nouveau dépôt) »."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from tests.forms import text, title
from tests.test_documents import PDF
from tests.test_office_actions import OTHER, audits, member, pinned, registered, rows  # noqa: F401
from tests.test_registration import NOW, open_academy

PIECES = "/espace-candidat/inscriptions/001/justificatifs"


def deposit(candidate, name: str = "carte.pdf") -> None:
    """The candidate uploads the identity piece and validates it."""
    sent = candidate.http.post(
        f"{PIECES}/identite",
        data={"csrf_token": candidate.token(PIECES), "fichier": (io.BytesIO(PDF), name)},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303, text(sent)
    page = candidate.get(PIECES).get_data(as_text=True)
    group = re.search(r'name="groupe" value="([^"]+)"', page).group(1)
    locked = candidate.http.post(
        f"{PIECES}/valider", data={"csrf_token": candidate.token(PIECES), "groupe": group}
    )
    assert locked.status_code == 303, text(locked)


def two_open_academies(app) -> tuple[str, str]:
    """Two académies open to CFG juin-2027 registration, in the order staff see them."""
    catalog = app.extensions["catalog"]()
    found = {p.academy for p in catalog.periods
             if (p.exam, p.session) == ("cfg", "juin-2027") and p.is_open(NOW)}  # fmt: skip
    first, second = sorted(found)[:2]
    return first, second


def decide(office, application_id: int, status: str, comment: str = "", received_on="2026-11-22"):
    url = f"/gestion/a-traiter/{application_id}/identite"
    return office.http.post(
        url,
        data={
            "csrf_token": office.token(url),
            "status": status,
            "comment": comment,
            "received_on": received_on,
        },
    )


IDENTITY = "Pièce d'identité en cours de validité (carte nationale d'identité ou passeport)"


def display_name(app, application_id: int) -> str:
    (last, first), *_ = rows(
        app,
        "SELECT ac.last_name, ac.first_names FROM accounts ac"
        " JOIN applications ap ON ap.account_id = ac.id WHERE ap.id = ?",
        application_id,
    )
    return f"{last.upper()} {first}"


def test_the_queue_opens_pieces_oldest_first_and_moves_on_after_each_decision(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    first, first_id = registered(app, academy)
    second, second_id = registered(app, academy)
    deposit(first)
    deposit(second)
    office = member(app, academy)
    key = f"{academy}|cfg|juin-2027"

    listing = office.get(f"/gestion/a-traiter?session={key}")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "2 pièces à contrôler" in text(listing)
    links = re.findall(r'href="/gestion/a-traiter/(\d+)/identite"', html)
    assert [int(x) for x in links[:1]] == [first_id]  # oldest first
    assert "Validée par le candidat, à contrôler" in text(listing)

    # Opening one: the file inline, the récapitulatif, the decision buttons.
    opened = office.get(f"/gestion/a-traiter/{first_id}/identite")
    page = opened.get_data(as_text=True)
    assert "pièce 1 sur 2 à contrôler" in text(opened)
    preview = re.search(r'<iframe class="piece-preview" src="([^"]+)"', page).group(1)
    assert "Récapitulatif de la candidature" in page and "Non conforme" in page
    shown = office.get(preview)
    assert shown.status_code == 200 and shown.data == PDF
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert shown.headers["Content-Security-Policy"].startswith("sandbox")
    assert shown.headers["X-Frame-Options"] == "SAMEORIGIN"

    # A comment is needed for « Non conforme »: the same piece again, with the error tied
    # to its field; a date for « Reçue », kept as typed with the error.
    refused = decide(office, first_id, "non_conforme")
    assert refused.status_code == 400
    assert (
        title(refused) == f"Erreur : {IDENTITY} – {display_name(app, first_id)} — Portail candidat"
    )
    assert 'href="#decision-comment"' in refused.get_data(as_text=True)
    assert 'aria-describedby="decision-comment-erreur"' in refused.get_data(as_text=True)
    no_date = decide(office, first_id, "recue", "Reçue au guichet.", received_on="22/11/2026")
    assert no_date.status_code == 400 and 'href="#decision-received"' in no_date.get_data(
        as_text=True
    )
    assert 'value="22/11/2026"' in no_date.get_data(as_text=True)
    assert audits(app, "piece.status", first_id) == []  # nothing recorded
    done = decide(office, first_id, "non_conforme", "Illisible : un scan en couleur.")
    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/a-traiter/{second_id}/identite#decision")
    assert audits(app, "piece.status", first_id)[0][1]["status"] == "non_conforme"
    last = decide(office, second_id, "conforme")
    assert last.headers["Location"].endswith(
        f"/gestion/a-traiter?session={key.replace('|', '%7C')}"
    )
    # Nothing left: said as such, and what would bring a piece back, not « 0 pièce à
    # contrôler, la plus ancienne en premier ».
    empty = text(office.get(f"/gestion/a-traiter?session={key}"))
    assert "Aucune pièce à contrôler dans cette session" in empty
    assert "la plus ancienne en premier" not in empty

    # The candidate provides a new file, later: back in the queue as a new deposit.
    app.config["NOW"] = lambda: NOW + timedelta(hours=2)
    deposit(first, "carte-couleur.pdf")
    again = office.get(f"/gestion/a-traiter?session={key}")
    assert "1 pièce à contrôler" in text(again)
    assert "À contrôler (nouveau dépôt)" in text(again)
    assert "À contrôler (nouveau dépôt)" in text(office.get(f"/gestion/candidatures/{first_id}"))

    # Accepted now: the earlier « Non conforme » comment does not stay with « Conforme ».
    assert decide(office, first_id, "conforme").status_code == 303
    assert audits(app, "piece.status", first_id)[-1][1]["comment"] == ""
    assert "Conforme – Illisible" not in text(office.get(f"/gestion/candidatures/{first_id}"))


def test_the_queue_opens_on_the_session_with_the_most_to_check(pinned):  # noqa: F811
    app = pinned
    quiet, busy = two_open_academies(app)
    registered(app, quiet)  # listed first, nothing to check
    candidate, _ = registered(app, busy)
    deposit(candidate)
    office = member(app, quiet, busy)
    landing = office.get("/gestion/a-traiter").get_data(as_text=True)
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', landing))
    assert options[f"{busy}|cfg|juin-2027"].endswith("(1 à contrôler)")
    assert "à contrôler" not in options[f"{quiet}|cfg|juin-2027"]
    chosen = re.search(r'<option value="([^"]+)" selected>', landing).group(1)
    assert chosen == f"{busy}|cfg|juin-2027"
    assert "1 pièce à contrôler" in text(office.get("/gestion/a-traiter"))


def test_staff_of_another_academie_see_nothing_of_the_queue(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    deposit(candidate)
    elsewhere = member(app, OTHER)
    listing = elsewhere.get(f"/gestion/a-traiter?session={academy}|cfg|juin-2027")
    assert listing.status_code == 200
    assert "identite" not in listing.get_data(as_text=True)
    assert elsewhere.get(f"/gestion/a-traiter/{application_id}/identite").status_code == 404
    forged = elsewhere.http.post(
        f"/gestion/a-traiter/{application_id}/identite",
        data={"csrf_token": elsewhere.token("/gestion/a-traiter"), "status": "conforme"},
    )
    assert forged.status_code == 404
    with app.app_context():
        from worker.store import db

        file_id = db.get().execute("SELECT max(id) FROM piece_files").fetchone()[0]
    preview = f"/gestion/candidatures/{application_id}/fichiers/{file_id}/apercu"
    assert elsewhere.get(preview).status_code == 404
    assert candidate.get(preview).headers["Location"].startswith("/gestion/connexion")
    assert audits(app, "piece.status", application_id) == []


def test_a_refused_status_on_the_application_page_shows_its_error_in_place(pinned):  # noqa: F811
    """UI.md's error pattern on the application page too: « Erreur : » title, a summary
    linked to the field, what was typed kept; the earlier comment is not offered again."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    deposit(candidate)
    office = member(app, academy)
    page = f"/gestion/candidatures/{application_id}"
    url = f"{page}/pieces/identite"

    def post(status: str, comment: str = "", received_on: str = "2026-11-22"):
        data = {"csrf_token": office.token(page), "status": status, "comment": comment,
                "received_on": received_on}  # fmt: skip
        return office.http.post(url, data=data)

    refused = post("non_conforme")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and title(refused).startswith("Erreur : Candidature ")
    assert '<a href="#comment-identite">' in html
    assert 'aria-describedby="comment-identite-erreur"' in html
    assert '<option value="non_conforme" selected>' in html
    assert audits(app, "piece.status", application_id) == []
    done = post("non_conforme", "Le verso manque.")
    assert done.status_code == 303 and done.headers["Location"].endswith("#piece-identite")
    assert "Le verso manque.</textarea>" not in office.get(page).get_data(as_text=True)
    assert post("recue", received_on="hier").status_code == 400


def test_the_queue_dates_each_piece_by_its_validation(pinned):  # noqa: F811
    """The list's date is when the candidate clicked « J'ai fourni toutes mes pièces »
    (what puts a piece in the queue), not when the file was uploaded: its column says so,
    with the time zone, so that it does not contradict the piece's « déposé le »."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    sent = candidate.http.post(
        f"{PIECES}/identite",
        data={"csrf_token": candidate.token(PIECES), "fichier": (io.BytesIO(PDF), "carte.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303
    app.config["NOW"] = lambda: NOW + timedelta(hours=1)  # validated an hour later
    group = re.search(
        r'name="groupe" value="([^"]+)"', candidate.get(PIECES).get_data(as_text=True)
    ).group(1)
    locked = candidate.http.post(
        f"{PIECES}/valider", data={"csrf_token": candidate.token(PIECES), "groupe": group}
    )
    assert locked.status_code == 303
    office = member(app, academy)

    listing = office.get(f"/gestion/a-traiter?session={academy}|cfg|juin-2027")
    html = listing.get_data(as_text=True)
    assert '<th scope="col">Validée le (heure de Paris)</th>' in html and "Déposée le" not in html
    assert "<td>22/11/2026 12:00</td>" in html  # 11:00 UTC
    opened = text(office.get(f"/gestion/a-traiter/{application_id}/identite"))
    assert "déposé le 22/11/2026 11:00" in opened


def test_every_time_the_back_office_prints_says_it_is_paris_time(pinned):  # noqa: F811
    """UI.md: every time with « (heure de Paris) », in the back office too: a file's
    upload and a document's publication on the application page and the piece's page,
    and the time columns of the journal and the imports' and accounts' lists."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    deposit(candidate)
    office = member(app, academy)
    moment = r"\d\d/\d\d/\d{4} \d\d:\d\d"
    for url in (
        f"/gestion/candidatures/{application_id}",
        f"/gestion/a-traiter/{application_id}/identite",
    ):
        shown = text(office.get(url))
        for said in re.findall(rf"(?:déposé|publié) le {moment}(?: \(heure de Paris\))?", shown):
            assert said.endswith("(heure de Paris)"), (url, said)
    assert "publié le" in text(office.get(f"/gestion/candidatures/{application_id}"))
    for url, heading in (("/gestion/journal", "Date"), ("/gestion/eleves", "Date")):
        html = office.get(url).get_data(as_text=True)
        assert f'<th scope="col">{heading} (heure de Paris)</th>' in html, url


def test_a_reception_date_is_one_the_piece_could_have_arrived(pinned):  # noqa: F811
    """« Reçue le » is told to the candidate: a slip of the keyboard (« 0001-01-01 »,
    « 2062-11-22 ») is refused at its field, with the bounds, like any other mistake; the
    days from the application's registration to today are accepted."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)  # registered at NOW, 22/11/2026
    deposit(candidate)
    office = member(app, academy)
    for typed in ("0001-01-01", "1900-01-01", "2026-11-21", "2026-11-23", "2062-11-22"):
        refused = decide(office, application_id, "recue", received_on=typed)
        assert refused.status_code == 400, typed
        assert 'href="#decision-received"' in refused.get_data(as_text=True)
        assert "entre le 22/11/2026 et le 22/11/2026" in text(refused), typed
    assert audits(app, "piece.status", application_id) == []
    assert decide(office, application_id, "recue", received_on="2026-11-22").status_code == 303
    assert audits(app, "piece.status", application_id)[0][1]["received_on"] == "2026-11-22"
