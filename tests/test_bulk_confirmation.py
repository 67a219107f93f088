"""The actions on a whole exam session (a message to its candidates, documents for each of
its applications, relances) are confirmed before they run: the first POST of a valid form
says what will happen and to how many, and changes nothing; « Annuler » brings the form
back as typed; only « Confirmer » acts."""

from __future__ import annotations

import re
from html import unescape

from tests.forms import TOKEN, text, title
from tests.test_office_actions import audits, member, pinned, registered, rows  # noqa: F401
from tests.test_office_queue import deposit
from tests.test_office_relance import DOCUMENTS
from tests.test_registration import open_academy

PUBLICATION = "/gestion/publication"
RELANCE = "/gestion/relance"
BODY = "Bonjour,\n\nLe centre d'examen change : lycée Montaigne, salle 4.\n« Merci » & à bientôt."


def hidden(response) -> dict[str, str]:
    """The hidden fields of the confirmation form, decoded, but its one-time token."""
    html = response.get_data(as_text=True)
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return {name: unescape(value) for name, value in found if name != "once"}


def once(response) -> str:
    """The confirmation page's one-time token (a new one on every page)."""
    found = re.findall(
        r'<input type="hidden" name="once" value="([^"]*)"', response.get_data(as_text=True)
    )
    assert len(found) == 1 and len(found[0]) == 22, found
    return found[0]


def textarea(html: str, name: str) -> str:
    """What a textarea of the page holds (its first line break is the markup's)."""
    found = re.search(rf'<textarea[^>]* name="{name}"[^>]*>(?:\r?\n)?(.*?)</textarea>', html, re.S)
    assert found, name
    return unescape(found.group(1))


def buttons(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [
        unescape(b)
        for b in re.findall(r'<button type="submit" name="decision"[^>]*>([^<]+)<', html)
    ]


def session_name(app, academy: str) -> str:
    return f"{app.extensions['catalog']().academies[academy].name} – CFG – JUIN 2027"


def post(office, url: str, data: dict):
    return office.http.post(url, data={"csrf_token": office.token(url), **data})


def test_a_session_message_is_confirmed_before_it_is_sent(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    first, _ = registered(app, academy)
    second, _ = registered(app, academy)
    office = member(app, academy)
    typed = {
        "action": "message",
        "audience": f"{academy}|cfg|juin-2027",
        "subject": "Changement de centre",
        "message": BODY,
    }

    shown = post(office, PUBLICATION, typed)
    assert shown.status_code == 200
    page = text(shown)
    assert title(shown).startswith("Confirmer l'envoi du message")
    assert (
        "2 candidats recevront ce message dans « Consulter mes messages » et par courriel." in page
    )
    assert f"Session d'examen {session_name(app, academy)}" in page
    assert "Objet Changement de centre" in page
    assert "lycée Montaigne, salle 4. « Merci » & à bientôt." in page
    assert buttons(shown) == ["Confirmer l'envoi", "Annuler"]
    assert TOKEN.search(shown.get_data(as_text=True))  # the confirmation is CSRF-checked too
    kept = hidden(shown)
    assert kept == typed  # the body too, its line breaks included
    assert audits(app, "message.session") == [] and audits(app, "message.send") == []
    assert "Changement de centre" not in text(first.get("/espace-candidat/messages"))

    # « Annuler »: the form again, as typed, and still nothing sent.
    back = post(office, PUBLICATION, {**kept, "decision": "modifier"})
    assert back.status_code == 200 and title(back).startswith("Publication")
    html = back.get_data(as_text=True)
    assert 'value="Changement de centre"' in html
    assert textarea(html, "message") == BODY
    assert f'<option selected value="{academy}|cfg|juin-2027">' in html
    assert audits(app, "message.session") == []

    # Without the page's one-time token (a form made up, or an old page): the confirmation
    # page again, nothing sent.
    again = post(office, PUBLICATION, {**kept, "decision": "confirmer"})
    assert again.status_code == 200 and title(again).startswith("Confirmer l'envoi du message")
    assert audits(app, "message.session") == []
    assert once(again) != once(shown)

    confirmed = {**kept, "once": once(shown), "decision": "confirmer"}
    sent = post(office, PUBLICATION, confirmed)
    assert sent.status_code == 303
    assert "Message envoyé à 2 candidats" in text(office.get(sent.headers["Location"]))
    for candidate in (first, second):
        assert "lycée Montaigne, salle 4." in text(candidate.get("/espace-candidat/messages"))
    [(_, after)] = audits(app, "message.session")
    assert after["recipients"] == 2 and after["message"] == BODY

    # The same confirmation posted again (a double click): nothing is sent twice.
    twice = post(office, PUBLICATION, confirmed)
    assert twice.status_code == 303
    assert "Cette confirmation a déjà été reçue" in text(office.get(twice.headers["Location"]))
    assert len(audits(app, "message.session")) == 1
    assert len(audits(app, "message.send")) == 2
    inbox = text(first.get("/espace-candidat/messages"))
    assert inbox.count("Changement de centre") == 1, inbox


def test_a_session_message_with_errors_is_not_offered_for_confirmation(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    registered(app, academy)
    office = member(app, academy)
    empty = post(
        office,
        PUBLICATION,
        {"action": "message", "audience": f"{academy}|cfg|juin-2027", "subject": "",
         "message": "Texte", "decision": "confirmer"},
    )  # fmt: skip
    assert empty.status_code == 400
    assert "Saisissez l'objet du message." in text(empty)
    assert buttons(empty) == []
    assert audits(app, "message.session") == []


def test_a_bulk_publication_is_confirmed_before_any_document(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    candidate, _ = registered(app, academy)
    office = member(app, academy)
    typed = {
        "action": "documents",
        "group": f"{academy}|cfg|juin-2027",
        "kind": "convocation",
        "title": "Convocation aux épreuves écrites",
        "body": "Rendez-vous le 3 juin 2027 à 8 h 30.\nApportez une pièce d'identité.",
    }
    shown = post(office, PUBLICATION, typed)
    assert shown.status_code == 200
    page = text(shown)
    assert "1 candidat recevra ce document, comme nouvelle version dans « Mes documents »." in page
    assert f"Session d'examen {session_name(app, academy)}" in page
    assert "Type de document Convocation" in page
    assert "Titre du document Convocation aux épreuves écrites" in page
    assert "Apportez une pièce d'identité." in page
    assert buttons(shown) == ["Confirmer la publication", "Annuler"]
    kept = hidden(shown)
    assert kept == typed
    assert rows(app, "SELECT count(*) FROM publications")[0][0] == 0
    assert audits(app, "documents.publish_session") == []

    back = post(office, PUBLICATION, {**kept, "decision": "modifier"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'value="Convocation aux épreuves écrites"' in html
    assert textarea(html, "body") == typed["body"]
    assert rows(app, "SELECT count(*) FROM publications")[0][0] == 0

    confirmed = {**kept, "once": once(shown), "decision": "confirmer"}
    done = post(office, PUBLICATION, confirmed)
    assert done.status_code == 303
    assert "1 document publié sur 1" in text(office.get(done.headers["Location"]))
    assert "Convocation aux épreuves écrites [PDF]" in text(candidate.get(DOCUMENTS))
    assert audits(app, "documents.publish_session")[0][1]["applications"] == 1

    twice = post(office, PUBLICATION, confirmed)
    assert twice.status_code == 303 and twice.headers["Location"].endswith(PUBLICATION)
    assert "Cette confirmation a déjà été reçue" in text(office.get(twice.headers["Location"]))
    assert rows(app, "SELECT count(*) FROM publications")[0][0] == 1
    assert rows(app, "SELECT count(*) FROM documents WHERE kind = 'convocation'")[0][0] == 1


def test_a_session_relance_says_how_many_will_get_one_before_it_is_sent(pinned):  # noqa: F811
    """Two registered, one with nothing missing: the confirmation counts the one to
    relance; with nobody to relance, it says so and offers nothing to confirm."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    lacking, _ = registered(app, academy)
    complete, complete_id = registered(app, academy)
    deposit(complete)
    office = member(app, academy)
    url = f"/gestion/candidatures/{complete_id}/pieces/confirmation-signee"
    marked = office.http.post(
        url,
        data={
            "csrf_token": office.token(f"/gestion/candidatures/{complete_id}"),
            "status": "recue",
            "comment": "",
            "received_on": "2026-11-22",
        },
    )
    assert marked.status_code == 303, text(marked)
    typed = {"session": f"{academy}|cfg|juin-2027", "deadline": "2027-01-20"}

    shown = post(office, RELANCE, typed)
    assert shown.status_code == 200
    page = text(shown)
    assert (
        "1 candidat recevra une relance dans « Mes documents » et par courriel,"
        " sur 2 candidats inscrits" in page
    )
    assert f"Session d'examen {session_name(app, academy)}" in page
    assert "Nouvelle date limite mercredi 20 janvier 2027, 23 h 59 (heure de Paris)" in page
    assert buttons(shown) == ["Confirmer l'envoi des relances", "Annuler"]
    kept = hidden(shown)
    assert kept == typed
    assert audits(app, "pieces.relance_session") == [] and audits(app, "pieces.relance") == []

    back = post(office, RELANCE, {**kept, "decision": "modifier"})
    html = back.get_data(as_text=True)
    assert back.status_code == 200 and 'value="2027-01-20"' in html
    assert f'<option value="{academy}|cfg|juin-2027" selected>' in html

    confirmed = {**kept, "once": once(shown), "decision": "confirmer"}
    done = post(office, RELANCE, confirmed)
    assert done.status_code == 303
    progress = text(office.get(done.headers["Location"]))
    assert "1 relance publiée pour 2 inscrits" in progress
    assert "1 candidature sans pièce à relancer" in progress
    assert "Relance de pièces justificatives" in text(lacking.get(DOCUMENTS))
    assert "Relance de pièces justificatives" not in text(complete.get(DOCUMENTS))

    twice = post(office, RELANCE, confirmed)
    assert twice.status_code == 303
    assert "Cette confirmation a déjà été reçue" in text(office.get(RELANCE))
    assert len(audits(app, "pieces.relance")) == 1
    assert len(audits(app, "pieces.relance_session")) == 1

    # The lacking one deposits and is received too: nobody left to relance.
    deposit(lacking)
    lacking_id = rows(app, "SELECT min(id) FROM applications")[0][0]
    url = f"/gestion/candidatures/{lacking_id}/pieces/confirmation-signee"
    office.http.post(
        url,
        data={
            "csrf_token": office.token(f"/gestion/candidatures/{lacking_id}"),
            "status": "recue",
            "comment": "",
            "received_on": "2026-11-22",
        },
    )
    nobody = post(office, RELANCE, typed)
    assert nobody.status_code == 200
    assert "il n'y a personne à relancer" in text(nobody)
    assert "Rien n'a été fait ; il n'y a rien à confirmer." in text(nobody)
    assert buttons(nobody) == ["Revenir au formulaire"]
