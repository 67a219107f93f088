"""The generic model in a real Chromium, tab by tab as guide 003 shows it: a BIA (G01,
« autre examen ») and a certification (G02, « autre certification ») candidate go
through 1 Identification, 2 Qualification présentée, 3 Situation actuelle, 4 Épreuves,
5 Récapitulatif to 6 N° inscription; each tab's heading and questions are checked in
order, filled, and the page audited with axe-core. The G02 application is then modified
(a new version, no mail for this model)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.browser import test_registration_journey as journey
from tests.browser.test_registration_journey import (
    CC1D,
    Candidate,
    Choice,
    audited,
    button,
    choose,
    definition,
    drill_down,
    expect_number_page,
    expect_step,
    field,
    fill_identification,
    log_in,
    main,
    new_candidate,
    next_step,
    open_choice,
    region,
    row_of,
    start_registration,
    step_list,
)

pytestmark = pytest.mark.browser
catalog, clock = journey.catalog, journey.clock  # the journeys' fixtures

TABS = ["Identification", "Qualification présentée", "Situation actuelle", "Épreuves",
        "Récapitulatif"]  # fmt: skip
IDENTIFICATION = [
    "Pays",
    "Numéro, rue, voie",
    "Complément d'adresse",
    "Autre complément d'adresse",
    "Dernier complément d'adresse",
    "Code postal",
    "Localité",
    "Téléphone portable",
    "Téléphone fixe",
    "Nationalité",
]  # no socio-professional category: the generic model does not ask it
SITUATION = [
    "Corps",
    "Statut",
    "Position administrative",
    "Pays d'exercice ou de formation",
    "Département d'exercice ou de formation",
    "Localité",
    "Établissement ou service",
]
ACCOMMODATION = "Demande d'aménagement d'épreuves au titre du handicap"
PRESS = (
    "J'accepte que mes résultats soient communiqués en vue de leur publication par la presse "
    "ou sur des sites internet de sociétés privées"
)
AUTHORITIES = (
    "J'accepte que mes résultats, mon nom et mon adresse soient communiqués aux collectivités "
    "territoriales, en vue d'éventuelles félicitations"
)
NOT_AN_AGENT = "Sans objet (je ne suis pas agent public)"
TAKEN = re.compile(r"prise en compte le \d{2}/\d{2}/\d{4} à \d{2}:\d{2} \(heure de Paris\)")


def questions(page: Page) -> list[str]:
    """The questions of the step's form, in the order of the page (asterisks left out)."""
    labels = main(page).locator(
        "form .field > label, form .field > fieldset > legend, form .field .checkbox > label"
    )
    return [re.sub(r"\s*\*$", "", text.strip()) for text in labels.all_inner_texts()]


def at_tab(page: Page, axe, number: int, expected: list[str]) -> None:
    """Tab ``number`` of the six, with these questions in this order, audited."""
    expect_step(page, number, TABS[number - 1])
    expect(step_list(page).get_by_role("listitem")).to_have_text(
        [f"{i} - {t}" for i, t in enumerate(TABS, 1)] + ["6 - N° inscription"]
    )
    assert questions(page) == expected
    audited(axe)


def identification_tab(page: Page, axe, choice: Choice) -> None:
    at_tab(page, axe, 1, IDENTIFICATION)
    expect(definition(main(page), "Lieu de naissance")).to_have_text("Bordeaux (33)")
    fill_identification(page, choice, category=False)
    expect(field(page, "Nationalité").locator("option:checked")).to_have_text("Française")
    next_step(page)


def situation_tab(page: Page, axe, choice: Choice, corps: str, status: str, position: str) -> None:
    at_tab(page, axe, 3, SITUATION)
    field(page, "Corps").select_option(label=corps)
    field(page, "Statut").select_option(label=status)
    field(page, "Position administrative").select_option(label=position)
    field(page, "Pays d'exercice ou de formation").select_option(label="FRANCE (DONT OUTRE-MER)")
    field(page, "Département d'exercice ou de formation").select_option(value=choice.postcode[:2])
    field(page, "Localité").fill(f"{choice.postcode} VILLE-SUR-TEST")
    field(page, "Établissement ou service").fill("ÉCOLE JEAN JAURÈS")
    next_step(page)


def recap_tab(page: Page, axe) -> None:
    """Tab 5: one section per tab, in the tabs' order, then « Enregistrer »."""
    expect_step(page, 5, "Récapitulatif")
    sections = main(page).locator("section.recap-section h2")
    expect(sections).to_have_text(TABS[:4])
    identification = region(page, "Identification")
    expect(definition(identification, "Nationalité")).to_have_text("Française")
    expect(definition(identification, "Lieu de naissance")).to_have_text("Bordeaux (33)")
    situation = region(page, "Situation actuelle")
    expect(definition(situation, "Établissement ou service")).to_have_text("ÉCOLE JEAN JAURÈS")
    audited(axe)


def number_tab(page: Page, axe, candidate: Candidate, choice: Choice) -> None:
    """Tab 6, after « Enregistrer »: the numbers and when the registration was taken."""
    button(page, "Enregistrer").click()
    expect(page.get_by_role("heading", level=1, name="Numéro d'inscription")).to_be_visible()
    expect(main(page).locator(".notice-success")).to_contain_text(TAKEN)
    expect_number_page(page, candidate, choice, "001")
    audited(axe)


def test_a_bia_candidate_goes_through_the_six_tabs(
    page, axe, live_app, live_server, catalog, clock
):
    choice = open_choice(catalog, clock, "bia", "2027")
    assert choice.domain == "Autres examens"
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    start_registration(page, axe, choice)
    identification_tab(page, axe, choice)

    # 2 - Qualification présentée: the exam (nothing to choose), then what the BIA asks.
    at_tab(page, axe, 2, [ACCOMMODATION, PRESS, AUTHORITIES])
    expect(definition(main(page), "Examen")).to_have_text("BREVET D'INITIATION AERONAUTIQUE")
    choose(page, ACCOMMODATION, "Non")
    choose(page, PRESS, "Oui")
    choose(page, AUTHORITIES, "Non")
    next_step(page)

    situation_tab(page, axe, choice, "SANS OBJET (JE NE SUIS PAS AGENT PUBLIC)", NOT_AN_AGENT,
                  NOT_AN_AGENT)  # fmt: skip

    # 4 - Épreuves: the compulsory written test recalled, the optional one to choose.
    at_tab(page, axe, 4, ["EF1 - Anglais aéronautique"])
    expect(row_of(main(page), "E1")).to_contain_text("Obligatoire")
    choose(page, "EF1 - Anglais aéronautique", "Inscrit")
    next_step(page)

    recap_tab(page, axe)
    qualification = region(page, "Qualification présentée")
    expect(definition(qualification, "Examen")).to_have_text("BREVET D'INITIATION AERONAUTIQUE")
    expect(definition(qualification, ACCOMMODATION)).to_have_text("Non")
    expect(row_of(region(page, "Épreuves"), "EF1")).to_contain_text("Inscrit")
    number_tab(page, axe, candidate, choice)
    expect(definition(main(page), "Examen")).to_have_text("BREVET D'INITIATION AERONAUTIQUE")


def cc1d_choice(catalog, clock) -> tuple[Choice, str]:
    """A G02 period open now, or the clock pinned inside one; with its sector."""
    now = datetime.now(UTC)
    periods = catalog.periods_for(exam="cc1d", session="2027")
    assert periods
    opened = [p for p in periods if p.is_open(now)]
    period = opened[0] if opened else max(periods, key=lambda p: (p.closes - p.opens, p.academy))
    if not opened:
        clock(period.opens + (period.closes - period.opens) / 2)
    exam = catalog.exams["cc1d"]
    choice = Choice(
        domain=catalog.domain(exam.domain).name,
        exam=exam.name,
        session=exam.session("2027").label,
        period=period,
        academy=catalog.academies[period.academy],
    )
    return choice, exam.speciality(period.speciality).name


def test_a_certification_candidate_goes_through_the_six_tabs_then_modifies(
    page, axe, live_app, live_server, mailbox, catalog, clock
):
    choice, sector = cc1d_choice(catalog, clock)
    assert choice.domain == "Autres certifications"
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    drill_down(page, axe, choice)
    button(page, "Démarrer mon inscription").click()
    identification_tab(page, axe, choice)

    # 2 - Qualification présentée: the certification, and the sectors open in the académie.
    at_tab(page, axe, 2, ["Secteur disciplinaire ou spécialité"])
    expect(definition(main(page), "Certification")).to_have_text(CC1D)
    field(page, "Secteur disciplinaire ou spécialité").select_option(label=sector)
    next_step(page)

    situation_tab(page, axe, choice, "PROFESSEUR DES ÉCOLES", "Titulaire", "Activité")

    # 4 - Épreuves: always there, with the guide's message when there is nothing to choose.
    at_tab(page, axe, 4, [])
    expect(main(page)).to_contain_text("Vous n'avez aucun choix à faire pour les épreuves")
    expect(main(page)).to_contain_text("Passez directement à l'étape suivante.")
    expect(row_of(main(page), "010")).to_contain_text("Obligatoire")
    next_step(page)

    recap_tab(page, axe)
    qualification = region(page, "Qualification présentée")
    expect(definition(qualification, "Certification")).to_have_text(CC1D)
    expect(definition(qualification, "Secteur disciplinaire ou spécialité")).to_have_text(sector)
    expect(definition(region(page, "Situation actuelle"), "Corps")).to_have_text(
        "PROFESSEUR DES ÉCOLES"
    )
    before = mailbox.count()
    number_tab(page, axe, candidate, choice)
    expect(definition(main(page), "Examen")).to_have_text(f"{CC1D} – {sector}")
    mailbox.last_to(candidate.email, "Inscription enregistrée", after=before)

    # « Mon inscription »: modifiable, but no withdrawal online for this model.
    main(page).get_by_role("link", name="Voir mon inscription").click()
    expect(page.get_by_role("heading", level=1, name="Mon inscription")).to_be_visible()
    expect(button(page, "Modifier")).to_be_visible()
    expect(page.get_by_role("link", name="Se désinscrire")).to_have_count(0)
    expect(page.get_by_role("button", name="Se désinscrire")).to_have_count(0)
    audited(axe)

    # Modifying: a new version, and no modification mail for the generic model.
    button(page, "Modifier").click()
    expect_step(page, 1, "Identification")
    expect(main(page)).to_contain_text("modification de la candidature n° 001")
    step_list(page).get_by_role("link", name="3 - Situation actuelle").click()
    expect_step(page, 3, "Situation actuelle")
    expect(field(page, "Localité")).to_have_value(f"{choice.postcode} VILLE-SUR-TEST")
    field(page, "Localité").fill("AUTRE-VILLE")
    audited(axe)
    next_step(page)
    expect_step(page, 4, "Épreuves")
    next_step(page)
    expect_step(page, 5, "Récapitulatif")
    expect(definition(region(page, "Situation actuelle"), "Localité")).to_have_text("AUTRE-VILLE")
    button(page, "Enregistrer").click()
    expect(page.get_by_role("heading", level=1, name="Numéro d'inscription")).to_be_visible()
    expect(definition(main(page), "Version")).to_have_text("02")
    audited(axe)

    # Mails are recorded in the saving transaction: « Mes messages » lists all there are.
    page.get_by_role("banner").get_by_role("link", name="Consulter mes messages").click()
    expect(page.get_by_role("heading", level=1, name="Mes messages")).to_be_visible()
    expect(main(page)).to_contain_text("Inscription enregistrée")
    expect(main(page)).not_to_contain_text("Modification d'inscription")
    assert not any(
        "Modification" in m["Subject"]
        for m in mailbox.messages[before:]
        if candidate.email in m["To"]
    )
    audited(axe)
