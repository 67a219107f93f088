"""The guides' pages in a real browser: the pages the guides asked for pass the audit (axe, unique
ids, 320 px reflow) and work by mouse and keyboard."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser import test_registration_journey as journey
from tests.browser.test_registration_journey import (
    NO_SCHOOL,
    audited,
    button,
    expect_step,
    fill_identification,
    fill_informations,
    heading,
    log_in,
    main,
    new_candidate,
    next_step,
    open_choice,
    start_registration,
)

catalog, clock = journey.catalog, journey.clock  # the journeys' fixtures


def test_print_then_abandon_a_cfg_draft(page, axe, live_app, live_server, catalog, clock):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    log_in(page, live_server, new_candidate(live_app))
    start_registration(page, axe, choice)
    fill_identification(page, choice)
    next_step(page)
    fill_informations(page, NO_SCHOOL, cfg=True)
    next_step(page)
    expect_step(page, 3, "Récapitulatif")
    audited(axe)
    main(page).get_by_role("link", name="Visualiser/imprimer le récapitulatif").click()
    expect(heading(page, "Récapitulatif de ma saisie")).to_be_visible()
    expect(button(page, "Imprimer")).to_be_visible()
    audited(axe)
    main(page).get_by_role("link", name="Revenir au récapitulatif pour enregistrer").click()
    main(page).get_by_role("link", name="Annuler cette inscription en cours").click()
    expect(heading(page, "Annuler mon inscription en cours")).to_be_visible()
    audited(axe)
    button(page, "Confirmer l'annulation").click()
    expect(heading(page, "Mes inscriptions")).to_be_visible()
    expect(main(page)).to_contain_text("Rien n'a été enregistré")
    audited(axe)
