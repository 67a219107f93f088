"""A candidate born abroad in a real Chromium: born in Casablanca, Morocco, they sign up
through the real form (the town typed, no département), activate the account, and find
« Casablanca (MAROC) » in words, never the code « MA », on « Modifier mon compte », the
wizard's identity and récapitulatif of a CFG registration, the saved confirmation PDF,
and, for the exam office, on the application page and in the CSV export. Every page is
audited with axe-core (WCAG 2.1 A and AA): zero violations.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser import test_registration_journey as registration
from tests.browser.test_account_journey import unique_email
from tests.browser.test_documents_journey import download, pdf_text
from tests.browser.test_office_journey import new_staff, staff_log_in, unique_name
from tests.browser.test_registration_journey import (
    CFG,
    NO_SCHOOL,
    PASSWORD,
    Candidate,
    audited,
    button,
    definition,
    expect_step,
    field,
    fill_identification,
    fill_informations,
    heading,
    log_in,
    main,
    next_step,
    open_choice,
    region,
    start_registration,
)
from tests.mailbox import link_in

pytestmark = pytest.mark.browser
catalog, clock = registration.catalog, registration.clock  # the journeys' fixtures

IN_WORDS = "Casablanca (MAROC)"
CODE = re.compile(r"\bMA\b")  # the country's code, which no one should have to read
FATHER, MOTHER = "Nom et prénom du père", "Nom de naissance et prénom de la mère"


def in_words(text: str) -> None:
    """The birthplace is written out (upper case on paper), the code nowhere."""
    assert IN_WORDS.upper() in text.upper(), text
    assert not CODE.search(text), text


def expect_in_words(place: Locator, times: int = 1) -> None:
    """Every one of the `times` places reads the town and the country, and so does the page."""
    expect(place).to_have_text([IN_WORDS] * times)
    in_words(main(place.page).inner_text())


def sign_up_born_in_casablanca(page: Page, axe, live_server: str, mailbox) -> Candidate:
    """The real sign-up form, Morocco chosen and the town typed, then the activation."""
    last_name, email = unique_name(), unique_email("yasmine.abroad")
    born = (date(1985, 1, 1) + timedelta(days=uuid.uuid4().int % 6000)).strftime("%d/%m/%Y")
    page.goto(live_server + "/")
    page.get_by_role("link", name="Je n'ai pas de compte, je le crée").click()
    expect(heading(page, "Créer mon compte candidat")).to_be_visible()
    audited(axe)
    page.get_by_role("radio", name="Madame").check()
    for label, value in (
        ("Nom de famille", last_name), ("Confirmation du nom de famille", last_name),
        ("Prénoms", "Yasmine"), ("Date de naissance", born),
        ("Confirmation de la date de naissance", born), ("Adresse électronique", email),
        ("Confirmation de l'adresse électronique", email), ("Mot de passe", PASSWORD),
        ("Confirmation du mot de passe", PASSWORD),
    ):  # fmt: skip
        field(page, label).fill(value)
    # France, the default: the département is asked for (and marked required)…
    departement = field(page, "Département, DOM ou COM de naissance *")
    expect(departement).to_be_visible()
    expect(departement).to_have_attribute("required", "")
    field(page, "Pays de naissance").select_option(label="MAROC")
    # …born abroad, it is not there to fill: only the commune (the town) is.
    expect(departement).to_be_hidden()
    expect(departement).to_have_value("")
    audited(axe)
    field(page, "Commune de naissance").fill("Casablanca")
    before = mailbox.count()
    button(page, "Enregistrer").click()
    expect(heading(page, "Votre compte est en cours de création")).to_be_visible()

    page.goto(link_in(mailbox.last_to(email, "Activer mon compte", after=before)))
    button(page, "Activer mon compte").click()
    expect(heading(page, "Votre compte est activé")).to_be_visible()
    number = re.search(r"0\d{10}", main(page).inner_text())
    assert number, main(page).inner_text()
    return Candidate(email, number.group(0), f"{last_name.upper()} Yasmine")


def test_a_candidate_born_in_morocco_sees_the_town_everywhere(
    page, axe, live_app, live_server, mailbox, catalog, clock, tmp_path
):
    candidate = sign_up_born_in_casablanca(page, axe, live_server, mailbox)
    log_in(page, live_server, candidate)

    # « Modifier mon compte »: the birthplace in words.
    page.get_by_role("banner").get_by_role("link", name="Modifier mon compte").click()
    expect(heading(page, "Modifier mon compte")).to_be_visible()
    expect_in_words(definition(main(page), "Lieu de naissance"))
    audited(axe)

    # A CFG registration: the identity recalled, the parents asked, then the récapitulatif.
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    page.goto(live_server + "/espace-candidat/")
    start_registration(page, axe, choice)
    expect_step(page, 1, "Identification")
    expect_in_words(definition(main(page), "Lieu de naissance"))
    fill_identification(page, choice)
    field(page, FATHER).fill("Bennani Karim")
    field(page, MOTHER).fill("Alaoui Fatima")
    audited(axe)
    next_step(page)
    expect_step(page, 2, "Informations candidature")
    fill_informations(page, NO_SCHOOL, cfg=True)
    next_step(page)
    expect_step(page, 3, "Récapitulatif")
    identification = region(page, "Identification")
    expect_in_words(definition(identification, "Lieu de naissance"))
    expect(definition(identification, FATHER)).to_have_text("Bennani Karim")
    audited(axe)

    # The saved confirmation, downloaded from the number page.
    button(page, "Enregistrer").click()
    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    audited(axe)
    link = main(page).get_by_role("link", name="Visualiser/imprimer : Confirmation d'inscription")
    confirmation = pdf_text(download(page, link, tmp_path))
    assert candidate.number in confirmation and CFG in confirmation
    in_words(confirmation)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(heading(page, "Me connecter")).to_be_visible()

    # The exam office: the application page, then the CSV export of the search.
    staff_log_in(page, axe, live_server, new_staff(live_app, choice.academy.code))
    search = page.get_by_role("search", name="Rechercher des candidatures")
    search.get_by_label("Nom, prénom, numéro de candidat ou courriel").fill(candidate.number)
    search.get_by_role("button", name="Rechercher").click()
    expect(main(page).get_by_role("status")).to_contain_text("1 candidature – page 1 sur 1.")
    listing = page.url
    main(page).get_by_role("link", name=candidate.name, exact=True).click()
    expect(heading(page, f"Candidature {candidate.name}")).to_be_visible()
    expect_in_words(definition(main(page), "Lieu de naissance"), 2)  # identity and récapitulatif
    expect(definition(main(page), "Naissance")).to_contain_text(f" à {IN_WORDS}")
    audited(axe)

    page.goto(listing)
    exported = download(page, main(page).get_by_role("link", name="Exporter la sélection (CSV)"),
                        tmp_path / "export")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig")), delimiter=";"))
    assert [row["numero_candidat"] for row in rows] == [candidate.number]
    assert rows[0]["lieu_naissance"] == IN_WORDS
    assert not any(CODE.search(value) for value in rows[0].values()), rows[0]
