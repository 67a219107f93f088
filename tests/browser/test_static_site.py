"""The public site in a real Chromium: zero axe-core violations, and the drill-down."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# One page of every kind the build produces.
PAGES = [
    "/",
    "/ouverture-des-services/",
    "/ouverture-des-services/examen/",
    "/ouverture-des-services/examen/bts/",
    "/ouverture-des-services/examen/bts/2027/",
    "/ouverture-des-services/examen/bts/2027/rennes/",  # a period
    "/ouverture-des-services/examen/cfg/juin-2027/grenoble/",  # empty state
    "/ouverture-des-services/autres-certifications/cc1d/2027/aix-marseille/",  # generic list
    "/academies/",
    "/academies/rennes/",
    "/academies/siec/",
    "/academies/mayotte/",  # with an académie message
    "/academies/rennes/guides/bts/",  # shared guide + append override
    "/academies/grenoble/guides/cap/",  # override inside a section
    "/academies/lyon/guides/generique/",
    "/academies/lyon/guides/cfg/",
    "/donnees/",
    "/plan-du-site/",
    "/mentions-legales/",
    "/accessibilite/",
    "/un-probleme/",
    "/page-qui-n-existe-pas/",  # the 404 page
]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_accessibility_violation(page, axe, live_server, path):
    response = page.goto(live_server + path)
    assert response.status == (404 if "n-existe-pas" in path else 200)
    assert page.locator("h1").count() == 1
    assert page.title().endswith("— Portail candidat")
    assert axe() == []


@pytest.mark.parametrize("width", [320, 1280])
def test_home_fits_small_and_large_screens(page, axe, live_server, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live_server + "/")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, "la page déborde horizontalement"
    # The Marianne block keeps its two words whole: two lines, the name beside it wraps.
    marianne = page.locator(".brand-marianne")
    lines = marianne.evaluate(
        "e => Math.round(e.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(e).lineHeight))"
    )
    assert lines == 2, f"« RÉPUBLIQUE FRANÇAISE » sur {lines} lignes"
    assert axe() == []


def test_drill_down_to_an_academy_as_a_person_would(page, live_server):
    page.goto(live_server + "/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Ouverture des services"
    ).click()
    page.get_by_role("link", name="Examen", exact=True).click()
    page.get_by_role("link", name="BREVET DE TECHNICIEN SUPERIEUR").click()
    page.get_by_role("link", name="BTS 2027").click()
    page.get_by_role("link", name="ACADÉMIE DE RENNES - (BTS 2027)").click()

    info = page.get_by_role("region", name="Informations disponibles")
    sentence = info.get_by_text(re.compile(r"^Les inscriptions sont ouvertes du"))
    assert re.fullmatch(
        r"Les inscriptions sont ouvertes du \w+ \d{1,2} \w+ 2026 \d\d:\d\d au "
        r"\w+ \d{1,2} \w+ 2026 \d\d:\d\d \(heure de Paris\)\.",
        sentence.inner_text().strip(),
    )
    summary = page.get_by_role("region", name="Résumé de la sélection")
    assert "ACADÉMIE DE RENNES" in summary.inner_text()
    assert "BTS 2027" in summary.inner_text()

    # Each level of the summary can be changed: go back and pick another session.
    summary.get_by_role("link", name="Modifier : session").click()
    expect(page).to_have_url(re.compile(r"/ouverture-des-services/examen/bts/$"))
    page.get_by_role("link", name="BTS 2028").click()
    page.get_by_role("link", name="ACADÉMIE DE GRENOBLE - (BTS 2028)").click()
    assert (
        "2027 17:00 (heure de Paris)"
        in page.get_by_role("region", name="Informations disponibles").inner_text()
    )


def test_drill_down_empty_state(page, live_server):
    page.goto(live_server + "/ouverture-des-services/examen/cfg/juin-2027/")
    others = page.locator(".other-academies")
    assert "Sans période publiée pour cette session" in others.inner_text()
    others.get_by_role("link", name="Grenoble", exact=True).click()
    text = page.get_by_role("region", name="Informations disponibles").inner_text()
    assert "Aucun service d'inscription n'est ouvert pour ce choix." in text
    assert "Les inscriptions sont ouvertes" not in text


def test_generic_domain_lists_every_certification_of_the_academy(page, live_server):
    page.goto(live_server + "/ouverture-des-services/autres-certifications/cc1d/2027/")
    page.get_by_role("link", name="ACADÉMIE D'AIX-MARSEILLE - (SESSION 2027)").click()
    info = page.get_by_role("region", name="Informations disponibles")
    assert "Certifications proposées par l'académie d'Aix-Marseille" in info.inner_text()
    items = info.get_by_role("listitem").filter(has_text="ouvert du")
    assert items.count() >= 2
    assert (
        "CERTIFICATION COMPLEMENTAIRE PERSONNELS ENSEIGNANTS DU 1ER DEGRE : "
        in items.first.inner_text()
    )


def test_guide_table_of_contents_leads_to_its_section(page, live_server):
    page.goto(live_server + "/academies/grenoble/guides/cap/")
    toc = page.get_by_role("navigation", name="Sommaire")
    toc.get_by_role("link", name="J'ai besoin d'aide").click()
    expect(page).to_have_url(re.compile(r"#j-ai-besoin-d-aide$"))
    heading = page.locator("#j-ai-besoin-d-aide")
    assert heading.is_visible()
    # Grenoble's additions sit inside that section, with Grenoble's contact filled in.
    body = page.locator(".guide-body").inner_text()
    assert "ac-grenoble.fr" in body
    assert "{{" not in body


def test_keyboard_user_reaches_content_with_the_skip_link(page, live_server):
    page.goto(live_server + "/ouverture-des-services/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))
