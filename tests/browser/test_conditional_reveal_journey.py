"""Questions revealed by an answer, in a real Chromium: the BTS step « Candidatures
précédentes » asks the year, académie and number of the last candidature only after
« Oui » to « Avez-vous déjà été candidat à cet examen ? » (show_if in content/wizard.toml).

With the script (static/portail.js), they are hidden until « Oui » is chosen, shown right
after the question (next in reading and focus order), with the asterisk on the two
required then, and hidden again on « Non », what was typed in them kept; « Oui » tells
assistive technologies which content it controls (aria-controls; no aria-expanded, which
ARIA does not allow on a radio button). The same by keyboard only. axe-core finds no
WCAG 2.1 A/AA violation in either state, at the default width and at 320 px. Without
JavaScript the three questions are on the page as before, with their hints.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import test_registration_journey as registration
from tests.browser.test_registration_journey import (
    NO_SCHOOL,
    audited,
    button,
    choose,
    expect_step,
    field,
    fill_identification,
    fill_informations,
    fill_modalites,
    focused,
    group,
    heading,
    log_in,
    main,
    new_candidate,
    next_step,
    open_choice,
    start_registration,
    tab_to,
)

pytestmark = pytest.mark.browser
catalog, clock = registration.catalog, registration.clock  # the journeys' fixtures

QUESTION = "Avez-vous déjà été candidat à cet examen ?"
YEAR, ACADEMY = "Année de la dernière candidature", "Académie de la dernière candidature"
NUMBER = "Numéro de candidat de cette candidature"
WHEN = f"Obligatoire si « {QUESTION} » : Oui."
CONTAINER = "#annee_anterieure-conditionnel"


def at_previous_candidatures(page: Page, axe, live_app, live_server, catalog, clock) -> None:
    """A new candidate's BTS draft, at its step 2 « Candidatures précédentes »."""
    choice = open_choice(catalog, clock, "bts", "2027")
    log_in(page, live_server, new_candidate(live_app))
    start_registration(page, axe, choice)
    expect_step(page, 1, "Modalités d'inscription")
    fill_modalites(page)
    next_step(page)
    expect_step(page, 2, "Candidatures précédentes")


def audited_narrow_too(page: Page, axe) -> None:
    """No violation at the default width, nor with the page laid out at 320 px."""
    audited(axe)
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        audited(axe)
    finally:
        page.set_viewport_size(size)


def radio(page: Page, name: str):
    return group(page, QUESTION).get_by_role("radio", name=name, exact=True)


def expect_hidden_questions(page: Page) -> None:
    for label in (YEAR, ACADEMY, NUMBER):
        expect(field(page, label)).to_be_hidden()


def expect_shown_questions(page: Page) -> None:
    for label in (YEAR, ACADEMY, NUMBER):
        expect(field(page, label)).to_be_visible()
    # The two required now wear the asterisk, as every required field; the hint stays.
    for label in (YEAR, ACADEMY):
        expect(main(page).locator("label", has_text=label).locator(".required")).to_have_text("*")
        expect(field(page, label)).to_have_attribute("required", "")
        # (then its error message, if any)
        expect(field(page, label)).to_have_accessible_description(re.compile(re.escape(WHEN)))
    expect(main(page).locator("label", has_text=NUMBER).locator(".required")).to_have_count(0)
    expect(field(page, NUMBER)).not_to_have_attribute("required", re.compile(".*"))


def test_questions_show_once_yes_is_chosen_and_hide_again_on_no(
    page, axe, live_app, live_server, catalog, clock
):
    at_previous_candidatures(page, axe, live_app, live_server, catalog, clock)
    expect_hidden_questions(page)
    # « Oui » says what it controls; neither radio claims to be expanded or collapsed.
    expect(radio(page, "Oui")).to_have_attribute("aria-controls", "annee_anterieure-conditionnel")
    expect(radio(page, "Non")).not_to_have_attribute("aria-controls", re.compile(".*"))
    for name in ("Oui", "Non"):
        expect(radio(page, name)).not_to_have_attribute("aria-expanded", re.compile(".*"))
    audited_narrow_too(page, axe)

    choose(page, QUESTION, "Oui")
    expect_shown_questions(page)
    # Right after the question, in the page's order (hence reading and focus order).
    follows = page.evaluate(
        """() => document.getElementById("candidature_anterieure").closest(".field")
                   .nextElementSibling.id"""
    )
    assert follows == CONTAINER[1:]
    audited_narrow_too(page, axe)

    field(page, YEAR).select_option(label="2024")
    field(page, NUMBER).fill("123")  # not a candidate number: to be ignored once hidden
    choose(page, QUESTION, "Non")
    expect_hidden_questions(page)
    audited_narrow_too(page, axe)
    choose(page, QUESTION, "Oui")  # changing one's mind loses nothing typed
    expect(field(page, YEAR)).to_have_value("2024")
    expect(field(page, NUMBER)).to_have_value("123")

    # « Oui » with the number wrong: the page comes back with the questions shown, the
    # error summary focused and each error on its field.
    next_step(page)
    expect(page).to_have_title(re.compile(r"^Erreur : Candidatures précédentes"))
    expect(page.locator("#resume-erreurs")).to_be_focused()
    expect(radio(page, "Oui")).to_be_checked()
    expect_shown_questions(page)
    expect(field(page, ACADEMY)).to_have_attribute("aria-invalid", "true")
    expect(field(page, NUMBER)).to_have_attribute("aria-invalid", "true")
    audited_narrow_too(page, axe)

    # « Non » then « Suivant »: the wrong number left in the hidden question is ignored.
    choose(page, QUESTION, "Non")
    expect_hidden_questions(page)
    next_step(page)
    expect_step(page, 3, "Identification")
    expect(page.locator("#resume-erreurs")).to_have_count(0)


def test_questions_revealed_with_the_keyboard_only(
    page, axe, live_app, live_server, catalog, clock
):
    at_previous_candidatures(page, axe, live_app, live_server, catalog, clock)
    expect_hidden_questions(page)
    # Into the group, Space on « Oui » (its first choice): the year is the next tab stop.
    now = tab_to(page, "", group=QUESTION)
    assert now["name"] == "Oui", now
    page.keyboard.press("Space")
    expect(radio(page, "Oui")).to_be_checked()
    expect_shown_questions(page)
    page.keyboard.press("Tab")
    expect(field(page, YEAR)).to_be_focused()
    page.keyboard.type("2023")
    expect(field(page, YEAR)).to_have_value("2023")
    page.keyboard.press("Tab")
    expect(field(page, ACADEMY)).to_be_focused()
    page.keyboard.press("ArrowDown")  # the first académie of the list
    expect(field(page, ACADEMY)).to_have_value("aix-marseille")
    page.keyboard.press("Tab")
    expect(field(page, NUMBER)).to_be_focused()
    page.keyboard.type("01234567890")
    audited_narrow_too(page, axe)

    # Back to the question, ArrowDown to « Non »: hidden, and Tab goes past them.
    tab_to(page, "", group=QUESTION, back=True)
    page.keyboard.press("ArrowDown")
    expect(radio(page, "Non")).to_be_checked()
    expect_hidden_questions(page)
    page.keyboard.press("Tab")
    assert focused(page)["name"] == "Suivant", focused(page)
    audited_narrow_too(page, axe)

    # ArrowUp to « Oui » again: shown with what was typed; Enter on « Suivant » saves it.
    tab_to(page, "", group=QUESTION, back=True)
    page.keyboard.press("ArrowUp")
    expect(radio(page, "Oui")).to_be_checked()
    expect(field(page, NUMBER)).to_have_value("01234567890")
    tab_to(page, "Suivant")
    page.keyboard.press("Enter")
    expect_step(page, 3, "Identification")
    button(page, "Précédent").click()
    expect_step(page, 2, "Candidatures précédentes")
    expect(radio(page, "Oui")).to_be_checked()
    expect_shown_questions(page)
    expect(field(page, YEAR)).to_have_value("2023")
    expect(field(page, ACADEMY)).to_have_value("aix-marseille")


def test_without_javascript_every_question_is_there_with_its_hint(
    browser, page, axe, live_app, live_server, catalog, clock
):
    """The step as it was before the script: the three questions shown, with the hint
    saying when to fill them in and no asterisk, whatever the answer."""
    at_previous_candidatures(page, axe, live_app, live_server, catalog, clock)
    url = page.url
    context = browser.new_context(
        locale="fr-FR", java_script_enabled=False, storage_state=page.context.storage_state()
    )
    try:
        bare = context.new_page()
        bare.goto(url)
        expect(heading(bare, "Candidatures précédentes")).to_be_visible()
        for label in (YEAR, ACADEMY, NUMBER):
            expect(field(bare, label)).to_be_visible()
        for label in (YEAR, ACADEMY):
            expect(field(bare, label)).to_have_accessible_description(WHEN)
            expect(bare.locator("label", has_text=label).locator(".required")).to_have_count(0)
        expect(field(bare, NUMBER)).to_have_accessible_description(
            re.compile(rf"À renseigner si « {re.escape(QUESTION)} » : Oui\.$")
        )
        group(bare, QUESTION).get_by_role("radio", name="Non", exact=True).check()
        for label in (YEAR, ACADEMY, NUMBER):
            expect(field(bare, label)).to_be_visible()
    finally:
        context.close()


def test_the_marks_kept_show_for_any_situation_that_keeps_marks(
    page, axe, live_app, live_server, catalog, clock
):
    """CAP acquis: « Notes conservées » shows once either situation keeping marks is
    ticked, the second one alone included (the marks were drawn under the first one's
    tests, hidden then), and hides when neither is."""
    choice = open_choice(catalog, clock, "cap", "juin-2027")
    log_in(page, live_server, new_candidate(live_app))
    start_registration(page, axe, choice)
    expect_step(page, 1, "Identification")
    fill_identification(page, choice)
    next_step(page)
    expect_step(page, 2, "Informations candidature")
    fill_informations(page, NO_SCHOOL)
    next_step(page)
    expect_step(page, 3, "Qualification présentée")
    field(page, "Spécialité").select_option(label="CUISINE")
    choose(page, "Forme de passage", "Globale")
    next_step(page)
    expect_step(page, 4, "Acquis")
    marks = group(page, "Notes conservées")
    expect(marks).to_be_hidden()
    other_speciality = page.get_by_label(
        re.compile(r"^Je me suis déjà présenté\(e\) à une autre spécialité de ce CAP")
    )
    other_speciality.check()
    expect(marks).to_be_visible()
    expect(field(marks, "Note obtenue en EG1 (sur 20)")).to_be_visible()
    audited_narrow_too(page, axe)
    other_speciality.uncheck()
    expect(marks).to_be_hidden()
