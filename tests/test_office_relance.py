"""Relance de pièces justificatives (BTS guide §4.3): for one application or a session,
the tagged, versioned PDF of the missing or non-conforming pieces and the new deadline,
in « Mes documents », with a mail; audited; scoped to the académie."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from tests.forms import text, title
from tests.test_accounts import log_in
from tests.test_documents import PDF, pdf_text
from tests.test_office_actions import (  # noqa: F401
    OTHER,
    audits,
    member,
    pinned,
    registered,
    rows,
)
from tests.test_office_queue import PIECES, decide, deposit, two_open_academies
from tests.test_pdf_structure import check_tagged, headings
from tests.test_registration import client_email, open_academy

DOCUMENTS = "/espace-candidat/inscriptions/001/documents"
IDENTITY = "Pièce d'identité en cours de validité"
SIGNED = "Confirmation d'inscription datée et signée"


def relance(office, application_id: int, deadline: str):
    url = f"/gestion/candidatures/{application_id}/relance"
    return office.http.post(url, data={"csrf_token": office.token(url), "deadline": deadline})


def latest_relance(candidate) -> bytes:
    listing = candidate.get(DOCUMENTS)
    assert "Relance de pièces justificatives" in text(listing)
    urls = re.findall(rf'href="({DOCUMENTS}/\d+)"', listing.get_data(as_text=True))
    return candidate.get(urls[-1]).data


def identity_rejected(app):
    """A CFG candidate whose identity piece the office found « Non conforme »: the
    candidate, the application's id and the office's staff member."""
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, application_id = registered(app, academy)
    deposit(candidate)
    office = member(app, academy)
    decide(office, application_id, "non_conforme", "Le verso manque.")
    return candidate, application_id, office


def test_a_relance_lists_what_is_missing_with_the_new_deadline(pinned, mailbox):  # noqa: F811
    app = pinned
    candidate, application_id, office = identity_rejected(app)

    assert "Relancer le candidat" in text(office.get(f"/gestion/candidatures/{application_id}"))
    page = office.get(f"/gestion/candidatures/{application_id}/relance")
    assert IDENTITY in text(page) and SIGNED in text(page)
    past = relance(office, application_id, "2020-01-01")
    assert past.status_code == 400 and "doit être à venir" in text(past)
    seen = mailbox.count()
    done = relance(office, application_id, "2027-01-20")
    assert done.status_code == 303
    assert "Relance publiée" in text(office.get(done.headers["Location"]))

    data = latest_relance(candidate)
    pdf = check_tagged(data, "RELANCE DE PIÈCES JUSTIFICATIVES - MADAME MARTIN Léa")
    assert headings(pdf) == ["/H1", "/H2", "/H2", "/H2"]
    content = pdf_text(data)
    for fragment in ("NOUVELLE DATE LIMITE", "20 janvier 2027", "Non conforme", "Le verso manque."):
        assert fragment in content, fragment
    assert "Manquante" in content  # the signed confirmation, never received
    _, after = audits(app, "pieces.relance", application_id)[0]
    assert after["version"] == 1 and set(after["pieces"]) == {"identite", "confirmation-signee"}
    message = mailbox.wait_for(
        lambda m: (
            mailbox.messages.index(m) >= seen and "Relance : pièces justificatives" in m["Subject"]
        )
    )  # delivered by the background thread, over SMTP
    assert "Le verso manque." in message.get_content()

    # A second relance: version 2.
    assert relance(office, application_id, "2027-01-25").status_code == 303
    assert "Version n°2" in text(candidate.get(DOCUMENTS))


def test_a_session_relance_reaches_its_candidates_only(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    first, _ = registered(app, academy)
    second, _ = registered(app, academy)
    elsewhere, other_id = registered(app, OTHER)
    office = member(app, academy)
    url = "/gestion/relance"
    page = office.get(url).get_data(as_text=True)
    assert f"{OTHER}|cfg" not in page
    sent = office.confirm(
        url,
        {
            "session": f"{academy}|cfg|juin-2027",
            "deadline": "2027-01-20",
            "decision": "confirmer",
        },
    )
    assert sent.status_code == 303
    progress = text(office.get(sent.headers["Location"]))
    assert "2 relances publiées pour 2 inscrits" in progress
    assert "La relance est terminée" in progress
    assert "Relance de pièces justificatives" in text(first.get(DOCUMENTS))
    assert "Relance de pièces justificatives" in text(second.get(DOCUMENTS))
    assert "Relance de pièces justificatives" not in text(elsewhere.get(DOCUMENTS))
    assert audits(app, "pieces.relance_session")[0][1]["applications"] == 2
    assert len(audits(app, "pieces.relance")) == 2

    forged = office.confirm(
        url,
        {
            "session": f"{OTHER}|cfg|juin-2027",
            "deadline": "2027-01-20",
        },
    )
    assert forged.status_code == 404
    assert office.get(f"/gestion/candidatures/{other_id}/relance").status_code == 404


def test_the_new_deadline_of_a_relance_holds_for_its_pieces(pinned):  # noqa: F811
    """The relance says « au plus tard le 20 janvier »: the candidate can provide its pieces
    until then, after the period's own upload window (8 January) has closed."""
    app = pinned
    candidate, application_id, office = identity_rejected(app)
    too_late = relance(office, application_id, "2031-01-20")
    assert too_late.status_code == 400
    assert "doit précéder la fin de la session" in text(too_late)
    assert relance(office, application_id, "2027-01-20").status_code == 303

    app.config["NOW"] = lambda: datetime(2027, 1, 12, 9, 0, tzinfo=UTC)  # window closed
    assert log_in(candidate, client_email(app)).status_code == 303  # weeks later
    page = text(candidate.get(PIECES))
    assert "mercredi 20 janvier 2027" in page
    sent = candidate.http.post(
        f"{PIECES}/identite",
        data={"csrf_token": candidate.token(PIECES), "fichier": (io.BytesIO(PDF), "verso.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303, text(sent)
    assert "verso.pdf" in text(candidate.get(PIECES))


def test_a_refused_deadline_shows_the_form_again_as_it_was_filled(pinned):  # noqa: F811
    """A date refused (past, after the session's end, not a date) shows the form again
    with UI.md's error pattern and what was chosen: on the session's page, the session
    chosen stays selected, so that correcting the date cannot send the relances to the
    first session of the list instead."""
    app = pinned
    first, second = two_open_academies(app)
    registered(app, first)
    registered(app, second)
    office = member(app, first, second)
    url = "/gestion/relance"
    chosen = f"{second}|cfg|juin-2027"
    assert (
        re.search(r'<option value="([^"]+)"', office.get(url).get_data(as_text=True)).group(1)
        != chosen
    )  # not the list's first: what a page reset to would select
    for typed, problem in (("2020-01-01", "doit être à venir"), ("2099-01-01", "fin de la session"),
                           ("31/02/2027", "AAAA-MM-JJ")):  # fmt: skip
        refused = office.http.post(
            url, data={"csrf_token": office.token(url), "session": chosen, "deadline": typed}
        )
        assert refused.status_code == 400, typed
        html = refused.get_data(as_text=True)
        assert title(refused).startswith("Erreur : Relance de pièces justificatives")
        assert '<a href="#relance-deadline">' in html and problem in text(refused)
        assert 'aria-describedby="relance-deadline-erreur"' in html
        assert f'<option value="{chosen}" selected>' in html
        assert f'value="{typed}"' in html
    assert audits(app, "pieces.relance_session") == []

    _, application_id = registered(app, first)
    one = f"/gestion/candidatures/{application_id}/relance"
    refused = office.http.post(
        one, data={"csrf_token": office.token(one), "deadline": "2020-01-01"}
    )
    assert refused.status_code == 400 and title(refused).startswith("Erreur : ")
    assert 'aria-describedby="relance-deadline-erreur"' in refused.get_data(as_text=True)
    assert 'value="2020-01-01"' in refused.get_data(as_text=True)
    assert audits(app, "pieces.relance", application_id) == []


def test_a_session_relance_asks_which_session_and_says_which_it_reached(pinned):  # noqa: F811
    """Publishing a relance mails every candidate of a session: the form preselects none
    (as « Publication » does), refuses to go on without one, tells the sizes apart, and
    the notice afterwards names the session relanced."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    registered(app, academy)
    registered(app, academy)
    office = member(app, academy)
    url = "/gestion/relance"
    page = office.get(url).get_data(as_text=True)
    assert '<option value="" selected>Choisissez une session d\'examen</option>' in page
    assert " selected>" not in page.replace('<option value="" selected>', "")
    key = f"{academy}|cfg|juin-2027"
    assert re.search(rf'<option value="{re.escape(key)}">[^<]+ \(2 inscrits\)</option>', page)

    nothing = office.http.post(
        url, data={"csrf_token": office.token(url), "session": "", "deadline": "2027-01-20"}
    )
    assert nothing.status_code == 400 and title(nothing).startswith("Erreur : ")
    html = nothing.get_data(as_text=True)
    assert '<a href="#relance-session">' in html
    assert 'aria-describedby="relance-session-erreur"' in html and 'value="2027-01-20"' in html
    assert audits(app, "pieces.relance_session") == []

    sent = office.confirm(
        url,
        {
            "session": key,
            "deadline": "2027-01-20",
            "decision": "confirmer",
        },
    )
    assert sent.status_code == 303
    name = app.extensions["catalog"]().academies[academy].name
    progress = text(office.get(sent.headers["Location"]))
    assert f"Session {name} – CFG – JUIN 2027" in progress
    assert "2 relances publiées pour 2 inscrits" in progress


def test_a_closed_application_offers_no_relance(pinned):  # noqa: F811
    """A withdrawn or rejected application cannot be relanced (the use case refuses it):
    its page no longer offers « Relancer le candidat », and the relance page says why
    instead of a form whose every try is refused."""
    app = pinned
    _, application_id, office = identity_rejected(app)
    page = f"/gestion/candidatures/{application_id}"
    assert "Relancer le candidat" in text(office.get(page))
    assert office.submit(f"{page}/desinscription", {"reason": ""}).status_code == 303
    assert "Relancer le candidat" not in text(office.get(page))
    closed = office.get(f"{page}/relance")
    assert closed.status_code == 200
    assert "Cette candidature est close : aucune relance n'est possible." in text(closed)
    assert 'name="deadline"' not in closed.get_data(as_text=True)


EMAIL_OF = (
    "SELECT ac.email FROM accounts ac JOIN applications ap ON ap.account_id = ac.id"
    " WHERE ap.id IN (?, ?)"
)


def test_a_session_relance_goes_on_where_it_stopped_and_relances_nobody_twice(
    pinned,  # noqa: F811
    mailbox,
):
    """A session's relance is a publication: with no time left in the request it stops,
    says what remains, and « Poursuivre la relance » finishes it; the candidate whose
    pieces are all there is skipped; sending the confirmation again relances nobody a
    second time; each candidate relanced gets one mail."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    first, first_id = registered(app, academy)
    second, second_id = registered(app, academy)
    complete, complete_id = registered(app, academy)
    seen = mailbox.count()
    deposit(complete)  # validated, awaiting the office: not missing
    office = member(app, academy)
    signed = f"/gestion/candidatures/{complete_id}/pieces/confirmation-signee"
    marked = office.http.post(
        signed,
        data={
            "csrf_token": office.token(f"/gestion/candidatures/{complete_id}"),
            "status": "recue",
            "comment": "",
            "received_on": "2026-11-22",
        },
    )
    assert marked.status_code == 303, text(marked)
    app.config["PUBLISH_SECONDS"] = 0  # no time for any relance in this request
    url = "/gestion/relance"
    asked = office.confirmed(url, {"session": f"{academy}|cfg|juin-2027", "deadline": "2027-01-20"})
    sent = office.http.post(url, data=asked)
    assert sent.status_code == 303
    progress = text(office.get(sent.headers["Location"]))
    assert "0 relance publiée pour 3 inscrits" in progress
    assert "Il reste 3 candidatures à examiner." in progress
    assert "Nouvelle date limite 20/01/2027 23:59 (heure de Paris)" in progress

    again = office.http.post(url, data=asked)  # the same confirmation, sent again
    assert again.status_code == 303 and again.headers["Location"].endswith(url)
    listed = office.get(url)
    assert "Cette confirmation a déjà été reçue" in text(listed)
    location = sent.headers["Location"]  # where the relance stands, also listed on its form
    assert f'<a href="{location}">' in listed.get_data(as_text=True)
    name = app.extensions["catalog"]().academies[academy].name
    assert f"Relance de pièces justificatives {name} – CFG – JUIN 2027 0 / 3 3" in text(listed)

    app.config["PUBLISH_SECONDS"] = 30
    resumed = office.http.post(location + "/suite", data={"csrf_token": office.token(location)})
    assert resumed.status_code == 303
    progress = text(office.get(resumed.headers["Location"]))
    assert "2 relances publiées pour 3 inscrits" in progress
    assert "1 candidature sans pièce à relancer (ou plus inscrite)" in progress
    assert "La relance est terminée" in progress
    assert "Relance de pièces justificatives" in text(first.get(DOCUMENTS))
    assert "Relance de pièces justificatives" in text(second.get(DOCUMENTS))
    assert "Relance de pièces justificatives" not in text(complete.get(DOCUMENTS))
    assert len(audits(app, "pieces.relance")) == 2
    assert len(audits(app, "pieces.relance_session")) == 1
    relanced_ids = (first_id, second_id)
    for (address,) in rows(app, EMAIL_OF, *relanced_ids):
        mailbox.last_to(address, "Relance : pièces justificatives")
    with mailbox.changed:
        news = mailbox.messages[seen:]
        relanced = [m for m in news if "Relance : pièces" in m["Subject"]]
    assert len(relanced) == 2
