"""« À traiter » in a real Chromium, with the keyboard alone: a staff member opens the
queue of their session, moves with Tab to the first of two candidates' pieces, opens it
with Enter (the file inline beside the récapitulatif), rejects it with a comment, then
accepts the second; the candidate re-submits and the piece comes back as « À contrôler
(nouveau dépôt) ». The dashboard, the journal and the duplicates pages are audited too:
every page with axe-core (WCAG 2.1 A and AA), duplicate ids and 320 px reflow.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import test_registration_journey as registration
from tests.browser.test_documents_journey import upload_window_moment
from tests.browser.test_office_journey import new_staff, registered_candidate, staff_log_in
from tests.browser.test_registration_journey import PASSWORD, audited, heading, main, open_choice
from tests.forms import FormClient, text
from tests.test_office_queue import deposit

pytestmark = pytest.mark.browser

clock = registration.clock
catalog = registration.catalog
COMMENT = "Le verso de la carte manque : déposez les deux faces dans un seul fichier."


def tab_to(page: Page, target: Locator, limit: int = 150) -> None:
    """Press Tab until the target has the focus (never a click, never focus())."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", handle):
            return
    raise AssertionError(f"{target} never got the focus with Tab")


def piece_link(page: Page, name: str) -> Locator:
    table = main(page).get_by_role("table", name=re.compile("^Pièces reçues"))
    return table.get_by_role("link", name=re.compile(re.escape(name)))


def decide_with_keyboard(page: Page, button: str, comment: str = "") -> None:
    decision = main(page).get_by_role("region", name="Décision")
    if comment:
        tab_to(page, decision.get_by_label(re.compile("^Commentaire pour le candidat")))
        page.keyboard.press("Control+A")
        page.keyboard.type(comment)
    tab_to(page, decision.get_by_role("button", name=button, exact=True))
    page.keyboard.press("Enter")


def test_staff_decide_two_pieces_with_the_keyboard_alone(
    page, axe, live_app, live_server, catalog, clock, tmp_path
):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    moment = upload_window_moment(choice)
    clock(moment)
    academy = choice.academy.code
    first = registered_candidate(live_app, academy, tmp_path)
    second = registered_candidate(live_app, academy, tmp_path)
    key = f"{academy}|cfg|juin-2027"

    staff_log_in(page, axe, live_server, new_staff(live_app, academy))
    page.goto(f"{live_server}/gestion/a-traiter?session={key}")
    expect(heading(page, "À traiter")).to_be_visible()
    expect(piece_link(page, first.name)).to_be_visible()
    audited(axe)

    # The first piece, opened and rejected with a comment, with the keyboard alone.
    tab_to(page, piece_link(page, first.name))
    page.keyboard.press("Enter")
    expect(main(page)).to_contain_text(first.number)
    expect(main(page).locator("iframe.piece-preview")).to_have_count(1)
    expect(main(page).get_by_role("region", name="Récapitulatif de la candidature")).to_be_visible()
    audited(axe)
    decide_with_keyboard(page, "Non conforme", COMMENT)
    expect(page.get_by_role("status").first).to_contain_text("statut « Non conforme » enregistré")
    audited(axe)  # the next piece, opened after the decision
    # It opens at its decision: the next Tab is on the first button, not at the page's top.
    decision = main(page).get_by_role("region", name="Décision")
    tab_to(page, decision.get_by_role("button", name="Conforme", exact=True), limit=2)

    # The second, accepted.
    page.goto(f"{live_server}/gestion/a-traiter?session={key}")
    expect(piece_link(page, first.name)).to_have_count(0)
    tab_to(page, piece_link(page, second.name))
    page.keyboard.press("Enter")
    expect(main(page)).to_contain_text(second.number)
    decide_with_keyboard(page, "Conforme")
    expect(page.get_by_role("status").first).to_contain_text("statut « Conforme » enregistré")

    # The first candidate provides a new file: it comes back as a new deposit.
    clock(moment + timedelta(minutes=30))
    candidate = FormClient(live_app.test_client())
    signed = candidate.submit(
        "/espace-candidat/connexion", {"login": first.email, "password": PASSWORD}
    )
    assert signed.status_code == 303, text(signed)
    deposit(candidate, "carte-recto-verso.pdf")
    page.goto(f"{live_server}/gestion/a-traiter?session={key}")
    row = main(page).get_by_role("row").filter(has_text=first.name)
    expect(row).to_contain_text("À contrôler (nouveau dépôt)")
    expect(piece_link(page, second.name)).to_have_count(0)
    audited(axe)

    # The other new screens of the back office.
    for endpoint, title in (
        (f"/gestion/tableau-de-bord?session={key}", "Tableau de bord"),
        ("/gestion/journal", "Journal des actions"),
        ("/gestion/doublons", "Doublons"),
        ("/gestion/candidatures?session=juin-2027", "Candidatures"),
        ("/gestion/relance", "Relance de pièces justificatives"),
    ):
        page.goto(live_server + endpoint)
        expect(heading(page, title)).to_be_visible()
        audited(axe)

    # A duplicate (the second account given the first one's identity), then its pair.
    first_id, _ = same_person(live_app, first.email, second.email)
    page.goto(live_server + "/gestion/doublons")
    tab_to(page, main(page).get_by_role("link", name=re.compile(re.escape(first.name))))
    page.keyboard.press("Enter")
    expect(heading(page, "Doublon possible")).to_be_visible()
    expect(
        main(page).get_by_role("link", name=re.compile("^Écarter cette candidature"))
    ).to_have_count(2)
    audited(axe)
    page.goto(f"{live_server}/gestion/candidatures/{first_id}/relance")
    expect(heading(page, re.compile("^Relance de pièces justificatives"))).to_be_visible()
    audited(axe)


def same_person(live_app, first_email: str, second_email: str) -> tuple[int, int]:
    """The second account takes the first one's name, then its application is flagged as
    the save use case does; returns both applications' ids."""
    from worker.rules import duplicates
    from worker.store import accounts, applications, db

    with live_app.app_context():
        database = db.get()
        with db.transaction(database):
            database.execute(
                "UPDATE accounts SET last_name = (SELECT last_name FROM accounts WHERE email = ?)"
                " WHERE email = ?",
                [first_email, second_email],
            )
            ids = []
            for email in (first_email, second_email):
                account = accounts.by_email(database, email)
                ids.append(applications.registered_of(database, account.id)[0].id)
            application = applications.by_id(database, ids[1])
            assert duplicates.flag_duplicates(database, account, application) == [ids[0]]
    return ids[0], ids[1]
