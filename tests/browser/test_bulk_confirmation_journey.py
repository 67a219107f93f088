"""The confirmation step of the actions on a whole session, in a real Chromium, with the
keyboard alone: a staff member writes a message to every candidate of their CFG session,
is told how many will receive it, goes back with « Annuler » (the message as typed, line
breaks included), then confirms; the candidate reads it. The session's relances are
confirmed the same way, in a browser with JavaScript turned off. Every page is audited
with axe-core (WCAG 2.1 A and AA).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import test_registration_journey as registration
from tests.browser.test_documents_journey import upload_window_moment
from tests.browser.test_office_journey import (
    STAFF_PASSWORD,
    new_staff,
    registered_candidate,
    staff_log_in,
)
from tests.browser.test_office_queue_journey import tab_to
from tests.browser.test_registration_journey import (
    PASSWORD,
    audited,
    button,
    field,
    heading,
    main,
    open_choice,
)
from tests.forms import FormClient, text

pytestmark = pytest.mark.browser

clock = registration.clock
catalog = registration.catalog

SUBJECT = "Changement de centre d'examen"
BODY = "Bonjour,\n\nLes épreuves écrites auront lieu au lycée Montaigne, salle 4.\nMerci."


def registered_count(live_app, academy: str) -> int:
    """The candidates registered to the CFG session of the académie now (the live worker
    is shared by every browser test)."""
    from worker.store import applications, db

    with live_app.app_context():
        groups = applications.session_groups(db.get(), (academy,))
    return next(g.count for g in groups if (g.exam, g.session) == ("cfg", "juin-2027"))


def session_label(catalog, academy: str) -> str:
    return f"{catalog.academies[academy].name} – CFG – JUIN 2027"


def message_section(page: Page):
    return main(page).locator("form").filter(has=page.locator('input[value="message"]'))


def test_a_session_message_is_confirmed_then_sent_with_the_keyboard(
    page, axe, live_app, live_server, catalog, clock, tmp_path
):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    clock(upload_window_moment(choice))
    academy = choice.academy.code
    candidate = registered_candidate(live_app, academy, tmp_path)
    registered_candidate(live_app, academy, tmp_path)
    key = f"{academy}|cfg|juin-2027"

    staff_log_in(page, axe, live_server, new_staff(live_app, academy))
    page.goto(f"{live_server}/gestion/publication")
    expect(heading(page, "Publication")).to_be_visible()
    form = message_section(page)
    form.get_by_label(re.compile("^Destinataires")).select_option(key)
    field(form, "Objet").fill(SUBJECT)
    field(form, "Message").fill(BODY)
    tab_to(page, form.get_by_role("button", name="Envoyer le message", exact=True))
    page.keyboard.press("Enter")

    # What will happen, and to how many: nothing sent yet.
    expect(heading(page, "Confirmer l'envoi du message")).to_be_visible()
    count = registered_count(live_app, academy)
    assert count >= 2
    expect(main(page)).to_contain_text(f"{count} candidats recevront ce message")
    expect(main(page)).to_contain_text(session_label(catalog, academy))
    expect(main(page)).to_contain_text(SUBJECT)
    expect(main(page).locator(".message-body")).to_have_text(BODY)
    audited(axe)

    # « Annuler »: the form again, as typed.
    tab_to(page, button(page, "Annuler"))
    page.keyboard.press("Enter")
    expect(heading(page, "Publication")).to_be_visible()
    assert page.url.endswith("#message-session")
    form = message_section(page)
    expect(form.get_by_label(re.compile("^Destinataires"))).to_have_value(key)
    expect(field(form, "Objet")).to_have_value(SUBJECT)
    expect(field(form, "Message")).to_have_value(BODY)
    audited(axe)

    # Sent again, then confirmed.
    tab_to(page, form.get_by_role("button", name="Envoyer le message", exact=True))
    page.keyboard.press("Enter")
    expect(heading(page, "Confirmer l'envoi du message")).to_be_visible()
    tab_to(page, button(page, "Confirmer l'envoi"))
    page.keyboard.press("Enter")
    expect(heading(page, "Publication")).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Message envoyé à {registered_count(live_app, academy)} candidats"
    )
    audited(axe)

    reader = FormClient(live_app.test_client())
    signed = reader.submit(
        "/espace-candidat/connexion", {"login": candidate.email, "password": PASSWORD}
    )
    assert signed.status_code == 303, text(signed)
    messages = text(reader.get("/espace-candidat/messages"))
    assert SUBJECT in messages and "lycée Montaigne, salle 4." in messages


def test_session_relances_are_confirmed_without_javascript(
    browser: Browser, live_app, live_server, catalog, clock, tmp_path
):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    moment = upload_window_moment(choice)
    clock(moment)
    academy = choice.academy.code
    registered_candidate(live_app, academy, tmp_path)  # the signed confirmation is missing
    deadline = (moment + timedelta(days=10)).date().isoformat()

    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server + "/gestion/connexion")
        field(page, "Adresse électronique professionnelle").fill(new_staff(live_app, academy))
        field(page, "Mot de passe").fill(STAFF_PASSWORD)
        button(page, "Me connecter").click()
        expect(heading(page, "Candidatures")).to_be_visible()
        page.goto(live_server + "/gestion/relance")
        field(page, "Session d'examen").select_option(f"{academy}|cfg|juin-2027")
        field(page, "Nouvelle date limite").fill(deadline)
        button(page, "Publier les relances de la session").click()

        expect(heading(page, "Confirmer l'envoi des relances")).to_be_visible()
        expect(main(page)).to_contain_text(re.compile(r"\d+ candidats? recevr"))
        expect(main(page)).to_contain_text(session_label(catalog, academy))
        button(page, "Annuler").click()
        expect(heading(page, "Relance de pièces justificatives")).to_be_visible()
        expect(field(page, "Nouvelle date limite")).to_have_value(deadline)
        expect(field(page, "Session d'examen")).to_have_value(f"{academy}|cfg|juin-2027")

        button(page, "Publier les relances de la session").click()
        button(page, "Confirmer l'envoi des relances").click()
        expect(heading(page, re.compile(r"^Relance n° \d+$"))).to_be_visible()
        expect(page.get_by_role("status").first).to_contain_text(
            re.compile(r"\d+ relances? publiées? pour \d+ inscrits?")
        )
        expect(page.get_by_role("status").first).to_contain_text("La relance est terminée")
        expect(main(page)).to_contain_text(session_label(catalog, academy))
    finally:
        context.close()
