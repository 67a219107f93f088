"""Registering for an exam in a real Chromium, driven as a person would.

From the candidate home: « Ajouter une nouvelle candidature », the drill-down domaine →
examen → session → académie, « Démarrer mon inscription », every step of the wizard
filled by its labels, « Enregistrer », the number page, the mail, « Mes inscriptions »;
then modifying, withdrawing, a closed period, and the whole CFG wizard with the keyboard
only (the generic model's tabs are in test_generic_journey). Every page is audited with
axe-core (WCAG 2.1 A and AA): zero violations.

Periods are the real dates of content/periods.csv: the tests pick a period open now, and
pin the worker's clock (live_app.config["NOW"]) only where no period is open now or where
time must pass (a period closing).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from catalog import dates
from catalog.model import Academy, Period
from tests.people import next_birth_date

pytestmark = pytest.mark.browser

PASSWORD = "Examen!2027x"
BTS = "BREVET DE TECHNICIEN SUPERIEUR"
CFG = "CERTIFICAT DE FORMATION GENERALE"
CC1D = "CERTIFICATION COMPLEMENTAIRE PERSONNELS ENSEIGNANTS DU 1ER DEGRE"
SIO = "SERVICES INFORMATIQUES AUX ORGANISATIONS"
PREVIOUS_SESSION_LABEL = (
    "Je me suis déjà présenté(e) à ce BTS lors d'une session précédente et je n'ai pas "
    "obtenu le diplôme : je conserve mes notes d'au moins 10 sur 20"
)
CONDITIONS = (
    "Je certifie l'exactitude des renseignements fournis et j'accepte les conditions d'inscription"
)
NO_SCHOOL = "AUCUN ETABLISSEMENT (CANDIDAT LIBRE)"
SLAM = "E6-SLAM - Conception et développement d'applications (option SLAM)"
BTS_STEPS = [
    "Modalités d'inscription",
    "Candidatures précédentes",
    "Identification",
    "Informations candidature",
    "Qualification présentée",
    "Acquis",
    "Informations supplémentaires",
    "Diplôme possédé",
    "Épreuves",
    "Récapitulatif",
    "Conditions d'inscription",
]


@dataclass
class Candidate:
    email: str
    number: str
    name: str = "MARTIN Claire"


@dataclass
class Choice:
    """What the drill-down chooses: an open period and how the links read."""

    domain: str
    exam: str  # the exam's full name, as the link reads
    session: str  # the session label
    period: Period
    academy: Academy

    @property
    def academy_link(self) -> str:
        return f"{self.academy.name} - ({self.session})"

    @property
    def postcode(self) -> str:
        """A postcode of the académie (some académies ask for residence there)."""
        numeric = [d for d in self.academy.departements if d.isdigit()]
        return (numeric[0] + "000")[:5] if numeric else "75001"


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def clock(live_app) -> Iterator[Callable[[datetime], None]]:
    """pin(moment): the worker's clock shows `moment` until the end of the test."""
    previous = live_app.config.get("NOW")

    def pin(moment: datetime) -> None:
        live_app.config["NOW"] = lambda: moment

    try:
        yield pin
    finally:
        live_app.config["NOW"] = previous


@pytest.fixture
def catalog(live_app):
    return live_app.extensions["catalog"]()


# --- helpers: accounts ---------------------------------------------------------------------


def new_candidate(live_app) -> Candidate:
    """An active account created directly in the database (the account journey is tested
    elsewhere), with a unique address."""
    from worker.rules import passwords
    from worker.store import accounts, db

    email = f"claire.martin.{uuid.uuid4().hex[:10]}@example.fr"
    identity = {
        "civility": "MME",
        "last_name": "Martin",
        "first_names": "Claire",
        "birth_date": next_birth_date().isoformat(),  # another person (tests.people)
        "birth_country": "FR",
        "birth_departement": "33",
        "birth_commune": "33063",
        "birth_commune_name": "Bordeaux",
    }
    with live_app.app_context():
        database = db.get()
        with db.transaction(database):
            account = accounts.create(database, email, passwords.hash_password(PASSWORD), identity)
            account = accounts.activate(database, account)
    return Candidate(email, account.candidate_number)


def log_in(page: Page, live_server: str, candidate: Candidate) -> None:
    page.goto(live_server + "/espace-candidat/connexion")
    expect(heading(page, "Me connecter")).to_be_visible()
    field(page, "Adresse électronique ou numéro de candidat").fill(candidate.email)
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Me connecter").click()
    expect(heading(page, "Mon espace candidat")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(candidate.name)


# --- helpers: pages ------------------------------------------------------------------------


def field(scope: Page | Locator, label: str) -> Locator:
    """The form control whose label reads exactly `label` (the asterisk is aria-hidden)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def group(scope: Page | Locator, legend: str) -> Locator:
    """The fieldset (radio group) whose legend reads `legend`."""
    return scope.get_by_role("group", name=re.compile(rf"^{re.escape(legend)}(\s*\*)?$"))


def choose(scope: Page | Locator, legend: str, option: str) -> None:
    group(scope, legend).get_by_role("radio", name=option, exact=True).check()


def heading(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", level=1, name=text, exact=True)


def main(page: Page) -> Locator:
    return page.locator("main")


def audited(axe) -> None:
    """The page as it is now has no WCAG 2.1 A/AA violation."""
    assert axe() == []


def flat(text: str) -> str:
    return " ".join(text.split())


def page_of(scope: Page | Locator) -> Page:
    return scope if isinstance(scope, Page) else scope.page


def definition(scope: Page | Locator, term: str) -> Locator:
    """The <dd> that follows the <dt> `term` in a description list."""
    term_cell = (
        page_of(scope).locator("dt").filter(has_text=re.compile(rf"^\s*{re.escape(term)}\s*$"))
    )
    return scope.locator("dl > div").filter(has=term_cell).locator("dd")


def row_of(scope: Page | Locator, code: str) -> Locator:
    """The row of a test (by its code) in a tests table."""
    code_cell = page_of(scope).get_by_role("cell", name=code, exact=True)
    return scope.get_by_role("row").filter(has=code_cell)


def position(scope: Page | Locator, code: str) -> Locator:
    """The « Position » cell of a test's row in a tests table."""
    return row_of(scope, code).get_by_role("cell").nth(5)


def step_list(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Étapes de l'inscription")


def expect_step(page: Page, number: int, title: str) -> None:
    """The wizard shows step `number` (1-based): its heading, marked current in the list."""
    expect(heading(page, title)).to_be_visible()
    expect(page).to_have_title(re.compile(rf"^{re.escape(title)} – "))
    current = step_list(page).locator('[aria-current="step"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text(f"{number} - {title}")


def button(page: Page, name: str) -> Locator:
    return page.get_by_role("button", name=name, exact=True)


def region(page: Page, title: str) -> Locator:
    """A section of the récapitulatif, named by its heading."""
    return page.get_by_role("region", name=title, exact=True)


# --- helpers: choosing an exam -------------------------------------------------------------


def open_choice(catalog, clock, exam: str, session: str) -> Choice:
    """A period of exam/session open now (the one that stays open longest); when none is
    open now, the clock is pinned in the middle of one."""
    now = datetime.now(UTC)
    periods = [
        p
        for p in catalog.periods_for(exam=exam, session=session)
        if not p.speciality and catalog.establishments_of(p.academy)
    ]
    assert periods, f"no period for {exam} {session} in content/periods.csv"
    opened = [p for p in periods if p.is_open(now)]
    if opened:
        period = max(opened, key=lambda p: (p.closes, p.academy))
    else:
        period = max(periods, key=lambda p: (p.closes, p.academy))
        clock(period.opens + (period.closes - period.opens) / 2)
    found = catalog.exams[exam]
    return Choice(
        domain=catalog.domain(found.domain).name,
        exam=found.name,
        session=found.session(session).label,
        period=period,
        academy=catalog.academies[period.academy],
    )


def drill_down_pages(choice: Choice) -> list[tuple[str, str]]:
    """The drill-down's pages, each as (its title, the link the choice follows there)."""
    return [
        ("Sélectionner un domaine", choice.domain),
        ("Sélectionner un examen", choice.exam),
        ("Sélectionner une session", choice.session),
        ("Sélectionner une académie ou un pays d'inscription", choice.academy_link),
    ]


def drill_down(page: Page, axe, choice: Choice) -> None:
    """From the candidate home to the académie page of the choice, auditing each page."""
    page.get_by_role("link", name="Ajouter une nouvelle candidature").click()
    for title, link in drill_down_pages(choice):
        expect(heading(page, "Ajouter une nouvelle candidature")).to_be_visible()
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
        audited(axe)
        main(page).get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=2, name="Informations disponibles")).to_be_visible()
    summary = page.get_by_role("region", name="Résumé de la sélection")
    expect(definition(summary, "Examen")).to_contain_text(choice.exam)
    expect(definition(summary, "Académie")).to_contain_text(choice.academy.name)


def start_registration(page: Page, axe, choice: Choice) -> None:
    drill_down(page, axe, choice)
    expect(main(page)).to_contain_text(
        f"Les inscriptions sont ouvertes du {dates.format_long(choice.period.opens)} "
        f"au {dates.format_long(choice.period.closes)} (heure de Paris)."
    )
    audited(axe)
    button(page, "Démarrer mon inscription").click()


# --- helpers: the steps --------------------------------------------------------------------


def fill_modalites(page: Page) -> None:
    field(page, "J'ai lu les modalités d'inscription et je les accepte").check()


def fill_previous(page: Page) -> None:
    choose(page, "Avez-vous déjà été candidat à cet examen ?", "Non")


def fill_identification(
    page: Page, choice: Choice, town: str = "Ville-sur-Test", category: bool = True
) -> None:
    """The identification tab; ``category``: the exam asks the socio-professional category
    (not the generic models)."""
    field(page, "Pays").select_option(label="FRANCE (DONT OUTRE-MER)")
    field(page, "Numéro, rue, voie").fill("12 rue des Lilas")
    field(page, "Code postal").fill(choice.postcode)
    field(page, "Localité").fill(town)
    field(page, "Téléphone portable").fill("0623456789")
    field(page, "Nationalité").select_option(label="Française")
    if category:
        field(page, "Catégorie socio-professionnelle").select_option(label="Techniciens")


def fill_informations(page: Page, establishment: str, cfg: bool = False) -> None:
    """« Informations candidature »; ``cfg``: the CFG's, without the situation and the
    shortened training, with the class division."""
    field(page, "Catégorie du candidat").select_option(label="INDIVIDUEL")
    if not cfg:
        field(page, "Situation à l'inscription").select_option(label="SALARIÉ")
    field(page, "Établissement").select_option(label=establishment)
    if cfg:
        field(page, "Division de classe").fill("3e B")
    else:
        choose(page, "Aménagement de la durée de formation", "Non")
    choose(page, "Demande d'aménagement d'épreuves au titre du handicap", "Non")
    choose(
        page,
        "J'accepte que mes résultats soient communiqués en vue de leur publication par la "
        "presse ou sur des sites internet de sociétés privées",
        "Oui",
    )
    choose(
        page,
        "J'accepte que mes résultats, mon nom et mon adresse soient communiqués aux "
        "collectivités territoriales, en vue d'éventuelles félicitations",
        "Non",
    )


def fill_qualification(page: Page) -> None:
    field(page, "Spécialité").select_option(label=SIO)
    choose(page, "Forme de passage", "Globale")
    choose(page, "Dérogation à la forme de passage", "Non")


def next_step(page: Page) -> None:
    button(page, "Suivant").click()


def establishment_of(catalog, choice: Choice) -> str:
    """A real school of the académie (not « candidat libre »), as the select reads."""
    school = next(e for e in catalog.establishments_of(choice.academy.code) if e.town)
    return f"{school.name} - {school.town}"


@dataclass
class BtsAnswers:
    establishment: str
    kept_mark: str = "14,5"
    dropped_mark: str = "12"
    year: str = "2025"
    acquis_academy: str = "ACADÉMIE DE LYON"
    language: str = "ESPAGNOL"


def bts_to_recap(page: Page, axe, catalog, choice: Choice) -> BtsAnswers:
    """Steps 1 to 9 of the BTS, from the first step to the récapitulatif (step 10)."""
    answers = BtsAnswers(establishment_of(catalog, choice))
    titles = iter(enumerate(BTS_STEPS, start=1))

    def at_next_step() -> None:
        number, title = next(titles)
        expect_step(page, number, title)
        audited(axe)

    at_next_step()  # 1 - Modalités d'inscription
    expect(main(page)).to_contain_text(f"{BTS} – {choice.session} – {choice.academy.name}")
    fill_modalites(page)
    next_step(page)

    at_next_step()  # 2 - Candidatures précédentes
    fill_previous(page)
    next_step(page)

    at_next_step()  # 3 - Identification
    expect(definition(main(page), "Nom de famille")).to_have_text("MARTIN")
    fill_identification(page, choice)
    next_step(page)

    at_next_step()  # 4 - Informations candidature
    fill_informations(page, answers.establishment)
    next_step(page)

    at_next_step()  # 5 - Qualification présentée
    fill_qualification(page)
    next_step(page)

    at_next_step()  # 6 - Acquis: a previous session proposes its tests ticked (bénéfice)
    kept = group(page, "Épreuves concernées (notes conservées)")
    page.get_by_label(PREVIOUS_SESSION_LABEL, exact=True).check()
    expect(kept).to_be_visible()
    expect(field(kept, "E1 - Culture générale et expression")).to_be_checked()
    expect(field(kept, "E2 - Expression et communication en langue anglaise")).to_be_checked()
    for code in ("E3", "E4"):
        kept.get_by_label(re.compile(rf"^{code} - ")).uncheck()
    field(page, "Année d'obtention").select_option(label=answers.year)
    field(page, "Académie d'obtention").select_option(label=answers.acquis_academy)
    marks = group(page, "Notes conservées")
    expect(marks).to_be_visible()
    field(marks, "Note obtenue en E1 (sur 20)").fill(answers.kept_mark)
    field(marks, "Note obtenue en E2 (sur 20)").fill(answers.dropped_mark)
    next_step(page)

    at_next_step()  # 7 - Informations supplémentaires
    # Back to the acquis: both tests are still ticked; E2 is to be sat again after all.
    button(page, "Précédent").click()
    expect_step(page, 6, "Acquis")
    kept = group(page, "Épreuves concernées (notes conservées)")
    expect(field(kept, "E1 - Culture générale et expression")).to_be_checked()
    expect(field(kept, "E2 - Expression et communication en langue anglaise")).to_be_checked()
    expect(field(group(page, "Notes conservées"), "Note obtenue en E1 (sur 20)")).to_have_value(
        answers.kept_mark
    )
    field(kept, "E2 - Expression et communication en langue anglaise").uncheck()
    next_step(page)

    expect_step(page, 7, "Informations supplémentaires")
    free_text = field(page, "Informations complémentaires")
    expect(free_text).to_have_accessible_description("500 caractères au maximum.")
    expect(free_text).to_have_attribute("maxlength", "500")
    free_text.fill("Je travaille de nuit le mardi.")
    next_step(page)

    at_next_step()  # 8 - Diplôme possédé
    field(page, "Diplôme ou titre permettant l'inscription").select_option(
        label="BACCALAURÉAT GÉNÉRAL"
    )
    field(page, "Année d'obtention").select_option(label="2016")
    next_step(page)

    at_next_step()  # 9 - Épreuves
    tests = page.get_by_role("table", name="Vos épreuves")
    expect(position(tests, "E1")).to_have_text(f"Bénéfice ({answers.kept_mark}/20, {answers.year})")
    expect(position(tests, "E2")).to_have_text("Inscrit")
    choose(page, "Épreuve à choix : option", SLAM)
    choose(page, "EF1 - Langue vivante 2", "Inscrit")
    field(page, "Option de EF1").select_option(label=answers.language)
    next_step(page)

    at_next_step()  # 10 - Récapitulatif
    return answers


def expect_bts_recap(page: Page, choice: Choice, answers: BtsAnswers) -> None:
    """The récapitulatif shows every answer of every step."""
    expect(main(page)).to_contain_text("Rien n'est enregistré tant que vous n'avez pas cliqué")
    expected = {
        "Modalités d'inscription": {"J'ai lu les modalités d'inscription et je les accepte": "Oui"},
        "Candidatures précédentes": {"Avez-vous déjà été candidat à cet examen ?": "Non"},
        "Identification": {
            "Pays": "FRANCE (DONT OUTRE-MER)",
            "Numéro, rue, voie": "12 rue des Lilas",
            "Complément d'adresse": "—",
            "Code postal": choice.postcode,
            "Localité": "Ville-sur-Test",
            "Téléphone portable": "0623456789",
            "Téléphone fixe": "—",
            "Nationalité": "Française",
            "Catégorie socio-professionnelle": "Techniciens",
        },
        "Informations candidature": {
            "Catégorie du candidat": "INDIVIDUEL",
            "Situation à l'inscription": "SALARIÉ",
            "Établissement": answers.establishment,
            "Aménagement de la durée de formation": "Non",
            "Demande d'aménagement d'épreuves au titre du handicap": "Non",
        },
        "Qualification présentée": {
            "Spécialité": SIO,
            "Forme de passage": "Globale",
            "Dérogation à la forme de passage": "Non",
        },
        "Acquis": {
            "Origine de vos acquis": PREVIOUS_SESSION_LABEL,
            "Année d'obtention": answers.year,
            "Académie d'obtention": answers.acquis_academy,
        },
        "Informations supplémentaires": {
            "Informations complémentaires": "Je travaille de nuit le mardi."
        },
        "Diplôme possédé": {
            "Diplôme ou titre permettant l'inscription": "BACCALAURÉAT GÉNÉRAL",
            "Année d'obtention": "2016",
        },
    }
    for title, rows in expected.items():
        section = region(page, title)
        expect(section).to_be_visible()
        for question, answer in rows.items():
            expect(definition(section, question)).to_have_text(answer)
        expect(section.get_by_role("link", name=f"Modifier : {title}")).to_be_visible()
    expect_bts_tests(region(page, "Épreuves"), answers)


def expect_bts_tests(scope: Locator, answers: BtsAnswers) -> None:
    table = scope.get_by_role("table", name="Épreuves")
    expect(position(table, "E1")).to_have_text(f"Bénéfice ({answers.kept_mark}/20, {answers.year})")
    expect(position(table, "E2")).to_have_text("Inscrit")  # unticked: sat again
    for code in ("E3", "E4", "E5", "E7", "E6-SLAM", "EF1"):
        expect(position(table, code)).to_have_text("Inscrit")
    expect(table.get_by_role("cell", name="E6-SISR", exact=True)).to_have_count(0)
    expect(position(table, "EF2")).to_have_text("Non inscrit")
    expect(row_of(table, "EF1")).to_contain_text(f"Langue vivante 2 ({answers.language})")


def register_bts(page: Page, axe, catalog, choice: Choice) -> BtsAnswers:
    """The whole BTS wizard, from the candidate home to the number page."""
    start_registration(page, axe, choice)
    answers = bts_to_recap(page, axe, catalog, choice)
    next_step(page)
    expect_step(page, 11, "Conditions d'inscription")
    audited(axe)
    expect(button(page, "Suivant")).to_have_count(0)
    field(page, CONDITIONS).check()
    button(page, "Enregistrer").click()
    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    return answers


def register_cfg(page: Page, axe, catalog, choice: Choice) -> None:
    """The whole CFG wizard (3 steps), from the candidate home to the number page."""
    start_registration(page, axe, choice)
    expect_step(page, 1, "Identification")
    audited(axe)
    fill_identification(page, choice)
    next_step(page)
    expect_step(page, 2, "Informations candidature")
    audited(axe)
    fill_informations(page, NO_SCHOOL, cfg=True)
    next_step(page)
    expect_step(page, 3, "Récapitulatif")
    audited(axe)
    expect(definition(region(page, "Identification"), "Localité")).to_have_text("Ville-sur-Test")
    expect(definition(region(page, "Informations candidature"), "Établissement")).to_have_text(
        NO_SCHOOL
    )
    button(page, "Enregistrer").click()
    expect(heading(page, "Numéro d'inscription")).to_be_visible()


def expect_number_page(page: Page, candidate: Candidate, choice: Choice, number: str) -> None:
    summary = main(page).locator(".notice-success")
    expect(summary).to_contain_text("Votre inscription a bien été prise en compte le ")
    expect(summary).to_contain_text("(heure de Paris)")
    expect(definition(summary, "Numéro de candidat")).to_have_text(candidate.number)
    expect(definition(summary, "Numéro d'inscription")).to_have_text(number)
    expect(definition(summary, "Session")).to_have_text(choice.session)
    expect(main(page)).to_contain_text(
        "avant la fermeture du service fixée le "
        f"{dates.format_long(choice.period.closes)} (heure de Paris)."
    )
    office = choice.academy.exam_office
    contact = main(page).locator(".contact-card")
    expect(page.get_by_role("heading", level=2, name="Service des examens")).to_be_visible()
    expect(contact).to_contain_text(office.name)
    expect(contact.get_by_role("link", name=office.phone)).to_be_visible()
    expect(contact.get_by_role("link", name=office.email)).to_have_attribute(
        "href", f"mailto:{office.email}"
    )


def open_my_application(page: Page, live_server: str, exam: str) -> None:
    """« Mes inscriptions » → the card's link → « Mon inscription »."""
    page.goto(live_server + "/espace-candidat/inscriptions")
    expect(heading(page, "Mes inscriptions")).to_be_visible()
    page.get_by_role("link", name=exam, exact=True).click()
    expect(heading(page, "Mon inscription")).to_be_visible()


def cards(page: Page) -> Locator:
    return main(page).locator("li.application-card")


# --- the journeys --------------------------------------------------------------------------


def test_register_for_a_bts(page, axe, live_app, live_server, mailbox, catalog, clock):
    choice = open_choice(catalog, clock, "bts", "2027")
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    audited(axe)
    expect(main(page)).to_contain_text("Vous n'avez aucune candidature active.")

    start_registration(page, axe, choice)
    answers = bts_to_recap(page, axe, catalog, choice)
    expect_bts_recap(page, choice, answers)
    next_step(page)

    expect_step(page, 11, "Conditions d'inscription")
    audited(axe)
    field(page, CONDITIONS).check()
    before = mailbox.count()
    button(page, "Enregistrer").click()

    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    expect_number_page(page, candidate, choice, "001")
    expect(definition(main(page), "Examen")).to_have_text(f"{BTS} – {SIO}")
    audited(axe)
    mail = mailbox.last_to(candidate.email, "Inscription enregistrée", after=before)
    body = flat(mail.get_content())
    assert f"Examen : {BTS}" in body
    assert f"Académie : {choice.academy.name}" in body
    assert f"Numéro de candidat : {candidate.number}" in body
    assert "Numéro d'inscription : 001" in body

    main(page).get_by_role("link", name="Mes inscriptions").click()
    expect(heading(page, "Mes inscriptions")).to_be_visible()
    expect(cards(page)).to_have_count(1)
    card = cards(page).first
    expect(card.get_by_role("heading", name=BTS)).to_be_visible()
    expect(definition(card, "Spécialité")).to_have_text(SIO)
    expect(definition(card, "Académie")).to_have_text(choice.academy.name)
    school = answers.establishment.rsplit(" - ", 1)[0]
    expect(definition(card, "Établissement")).to_have_text(school)
    expect(definition(card, "Session")).to_have_text(choice.session)
    expect(definition(card, "N° d'inscription")).to_have_text("001")
    audited(axe)

    # « Mon inscription »: the answers and the tests, as saved.
    card.get_by_role("link", name=BTS).click()
    expect(heading(page, "Mon inscription")).to_be_visible()
    expect(definition(main(page), "Version")).to_have_text("01")
    expect_bts_tests(main(page), answers)
    audited(axe)


def test_wizard_steps_previous_keeps_input_and_no_skipping_ahead(
    page, axe, live_app, live_server, catalog, clock
):
    choice = open_choice(catalog, clock, "bts", "2027")
    log_in(page, live_server, new_candidate(live_app))
    start_registration(page, axe, choice)

    expect_step(page, 1, "Modalités d'inscription")
    items = step_list(page).get_by_role("listitem")
    expect(items).to_have_text(
        [f"{i} - {t}" for i, t in enumerate(BTS_STEPS, 1)]
        + [f"{len(BTS_STEPS) + 1} - N° inscription"]
    )
    # Later steps are not links yet.
    expect(step_list(page).get_by_role("link")).to_have_count(0)
    audited(axe)

    # The step must be answered: « Suivant » validates.
    next_step(page)
    expect(page).to_have_title(re.compile(r"^Erreur : Modalités d'inscription"))
    expect(page.locator("#resume-erreurs")).to_be_focused()
    expect(page.locator("#resume-erreurs")).to_contain_text("Cochez la case")
    audited(axe)
    fill_modalites(page)
    next_step(page)
    expect_step(page, 2, "Candidatures précédentes")
    expect(step_list(page).get_by_role("link", name="1 - Modalités d'inscription")).to_be_visible()
    fill_previous(page)
    next_step(page)

    # Identification: something invalid typed, then « Précédent »: no error, nothing lost.
    expect_step(page, 3, "Identification")
    field(page, "Pays").select_option(label="FRANCE (DONT OUTRE-MER)")
    field(page, "Numéro, rue, voie").fill("12 rue des Lilas")
    field(page, "Code postal").fill("ABC")
    field(page, "Localité").fill("Ville-sur-Test")
    button(page, "Précédent").click()
    expect_step(page, 2, "Candidatures précédentes")
    expect(page).not_to_have_title(re.compile("^Erreur"))
    expect(page.locator("#resume-erreurs")).to_have_count(0)
    expect(
        group(page, "Avez-vous déjà été candidat à cet examen ?").get_by_role("radio", name="Non")
    ).to_be_checked()
    audited(axe)
    next_step(page)
    expect_step(page, 3, "Identification")
    expect(page.locator("#resume-erreurs")).to_have_count(0)
    expect(field(page, "Code postal")).to_have_value("ABC")
    expect(field(page, "Code postal")).not_to_have_attribute("aria-invalid", "true")
    expect(field(page, "Numéro, rue, voie")).to_have_value("12 rue des Lilas")
    expect(field(page, "Localité")).to_have_value("Ville-sur-Test")
    expect(field(page, "Pays")).to_have_value("FR")
    audited(axe)

    # A later step cannot be opened by its address: back to the next step to fill.
    here = page.url
    later = re.sub(r"/identification$", "/epreuves", here)
    assert later != here
    page.goto(later)
    expect_step(page, 3, "Identification")
    assert page.url == here
    expect(page.get_by_role("status")).to_contain_text("Complétez les étapes dans l'ordre")
    expect(field(page, "Code postal")).to_have_value("ABC")
    audited(axe)

    # « Suivant » does validate what « Précédent » let through.
    next_step(page)
    expect(page).to_have_title(re.compile(r"^Erreur : Identification"))
    expect(field(page, "Code postal")).to_have_attribute("aria-invalid", "true")
    expect(field(page, "Code postal")).to_have_accessible_description(
        re.compile("Le code postal compte 5 chiffres.")
    )
    audited(axe)


def test_register_for_a_cfg(page, axe, live_app, live_server, mailbox, catalog, clock):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    start_registration(page, axe, choice)

    expect_step(page, 1, "Identification")
    expect(step_list(page).get_by_role("listitem")).to_have_text(
        [
            "1 - Identification",
            "2 - Informations candidature",
            "3 - Récapitulatif",
            "4 - N° inscription",
        ]
    )
    audited(axe)
    fill_identification(page, choice)
    next_step(page)
    expect_step(page, 2, "Informations candidature")
    audited(axe)
    fill_informations(page, NO_SCHOOL, cfg=True)
    next_step(page)
    expect_step(page, 3, "Récapitulatif")
    expect(button(page, "Suivant")).to_have_count(0)
    expect(definition(region(page, "Identification"), "Code postal")).to_have_text(choice.postcode)
    expect(
        definition(region(page, "Informations candidature"), "Catégorie du candidat")
    ).to_have_text("INDIVIDUEL")
    # No Épreuves step for the CFG, but the récapitulatif still lists the tests it registers for.
    expect(region(page, "Épreuves")).to_contain_text("Entretien avec le jury")
    audited(axe)
    before = mailbox.count()
    button(page, "Enregistrer").click()

    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    expect_number_page(page, candidate, choice, "001")
    audited(axe)
    mailbox.last_to(candidate.email, "Inscription enregistrée : CFG", after=before)
    main(page).get_by_role("link", name="Mes inscriptions").click()
    expect(cards(page)).to_have_count(1)
    expect(definition(cards(page).first, "Établissement")).to_have_text(
        NO_SCHOOL
    )  # « candidat libre » is the establishment chosen
    audited(axe)


def test_modify_a_bts_application(page, axe, live_app, live_server, mailbox, catalog, clock):
    choice = open_choice(catalog, clock, "bts", "2027")
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    register_bts(page, axe, catalog, choice)

    open_my_application(page, live_server, BTS)
    expect(definition(main(page), "Version")).to_have_text("01")
    expect(main(page)).to_contain_text(
        f"Vous pouvez modifier votre inscription jusqu'au {dates.format_long(choice.period.closes)}"
    )
    audited(axe)
    button(page, "Modifier").click()

    expect_step(page, 1, "Modalités d'inscription")
    expect(main(page)).to_contain_text("modification de la candidature n° 001")
    audited(axe)
    # Every step is reachable from the list: straight to the address.
    step_list(page).get_by_role("link", name="3 - Identification").click()
    expect_step(page, 3, "Identification")
    expect(field(page, "Localité")).to_have_value("Ville-sur-Test")
    field(page, "Localité").fill("Nouvelle-Ville")
    next_step(page)
    for number, title in list(enumerate(BTS_STEPS, 1))[3:10]:
        expect_step(page, number, title)
        audited(axe)
        next_step(page)
    expect_step(page, 11, "Conditions d'inscription")
    audited(axe)
    # (Whether the box comes back ticked is test_the_accepted_conditions_are_saved's
    # business; check() leaves a ticked box as it is.)
    field(page, CONDITIONS).check()
    before = mailbox.count()
    button(page, "Enregistrer").click()

    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    expect(definition(main(page), "Numéro d'inscription")).to_have_text("001")
    expect(definition(main(page), "Version")).to_have_text("02")
    audited(axe)
    mail = mailbox.last_to(candidate.email, "Modification d'inscription : BTS", after=before)
    assert "Elle en est à sa version 02." in flat(mail.get_content())

    main(page).get_by_role("link", name="Voir mon inscription").click()
    expect(heading(page, "Mon inscription")).to_be_visible()
    expect(definition(main(page), "Version")).to_have_text("02")
    expect(definition(region(page, "Identification"), "Localité")).to_have_text("Nouvelle-Ville")
    audited(axe)


def test_the_accepted_conditions_are_saved(page, axe, live_app, live_server, catalog, clock):
    """The last step's answer (the conditions ticked with « Enregistrer ») is part of the
    application: « Mon inscription » shows it, and a modification starts with it."""
    choice = open_choice(catalog, clock, "bts", "2027")
    log_in(page, live_server, new_candidate(live_app))
    register_bts(page, axe, catalog, choice)
    main(page).get_by_role("link", name="Voir mon inscription").click()
    expect(heading(page, "Mon inscription")).to_be_visible()
    expect(definition(region(page, "Conditions d'inscription"), CONDITIONS)).to_have_text("Oui")
    button(page, "Modifier").click()
    expect_step(page, 1, "Modalités d'inscription")
    step_list(page).get_by_role("link", name="11 - Conditions d'inscription").click()
    expect_step(page, 11, "Conditions d'inscription")
    expect(field(page, CONDITIONS)).to_be_checked()


def test_withdraw_an_application(page, axe, live_app, live_server, mailbox, catalog, clock):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    register_cfg(page, axe, catalog, choice)

    open_my_application(page, live_server, CFG)
    audited(axe)
    page.get_by_role("link", name="Se désinscrire").click()
    expect(heading(page, "Se désinscrire")).to_be_visible()
    expect(main(page)).to_contain_text("Candidature n° 001")
    warning = main(page).locator(".callout")
    expect(warning).to_contain_text("Attention")
    expect(warning).to_contain_text("Cette action est définitive")
    expect(page.get_by_role("link", name="Annuler et revenir à mon inscription")).to_be_visible()
    audited(axe)
    before = mailbox.count()
    button(page, "Confirmer ma désinscription").click()

    expect(heading(page, "Mes inscriptions")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Votre candidature n° 001 est annulée (désinscrit par le candidat)."
    )
    expect(cards(page)).to_have_count(0)
    expect(main(page)).to_contain_text("Vous n'avez aucune candidature active.")
    audited(axe)
    mail = mailbox.last_to(candidate.email, "Désinscription : CFG", after=before)
    assert "désinscrit par le candidat" in mail.get_content()

    page.goto(live_server + "/espace-candidat/")  # the home no longer lists it either
    expect(cards(page)).to_have_count(0)


def test_after_the_closing_date_the_application_is_read_only(
    page, axe, live_app, live_server, catalog, clock
):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    register_cfg(page, axe, catalog, choice)

    # Time passes: the day after the closing of this CFG period and of the académie's BTS.
    bts_periods = catalog.periods_for(exam="bts", session="2027", academy=choice.academy.code)
    assert bts_periods, f"no BTS 2027 period in {choice.academy.code}"
    closed = max([choice.period.closes, *(p.closes for p in bts_periods)]) + timedelta(days=1)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(heading(page, "Me connecter")).to_be_visible()
    clock(closed)
    log_in(page, live_server, candidate)

    expect(cards(page)).to_have_count(1)
    expect(cards(page).first).to_contain_text(
        "Le service d'inscription est fermé : consultation seulement."
    )
    open_my_application(page, live_server, CFG)
    expect(main(page)).to_contain_text(
        "Le service d'inscription est fermé : votre inscription ne peut plus être modifiée"
    )
    expect(button(page, "Modifier")).to_have_count(0)
    expect(page.get_by_role("link", name="Se désinscrire")).to_have_count(0)
    expect(definition(region(page, "Identification"), "Localité")).to_have_text("Ville-sur-Test")
    audited(axe)

    # The drill-down: the académie's page says the service is closed, without a button.
    page.goto(live_server + "/espace-candidat/")
    bts = Choice(
        domain=choice.domain,
        exam=BTS,
        session="BTS 2027",
        period=max(bts_periods, key=lambda p: p.closes),
        academy=choice.academy,
    )
    page.get_by_role("link", name="Ajouter une nouvelle candidature").click()
    main(page).get_by_role("link", name=bts.domain, exact=True).click()
    main(page).get_by_role("link", name=bts.exam, exact=True).click()
    main(page).get_by_role("link", name=bts.session, exact=True).click()
    academy_item = (
        main(page)
        .get_by_role("listitem")
        .filter(has=page.get_by_role("link", name=bts.academy_link, exact=True))
    )
    expect(academy_item).to_contain_text("inscriptions fermées")
    audited(axe)
    academy_item.get_by_role("link").click()
    expect(page.get_by_role("heading", level=2, name="Informations disponibles")).to_be_visible()
    expect(main(page)).to_contain_text("Ce service n'est pas ouvert en ce moment.")
    expect(main(page)).to_contain_text(
        "Le service d'inscription est fermé : il n'est pas possible de s'inscrire en ligne"
    )
    expect(button(page, "Démarrer mon inscription")).to_have_count(0)
    audited(axe)


# --- keyboard only -------------------------------------------------------------------------

ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: "body", name: ""};
  const text = s => (s || "").replace(/\\*/g, "").replace(/\\s+/g, " ").trim();
  let name = "";
  if (el.labels && el.labels.length) name = text(el.labels[0].innerText);
  else name = text(el.innerText || el.value);
  const legend = el.closest("fieldset") && el.closest("fieldset").querySelector("legend");
  return {tag: el.tagName.toLowerCase(), type: el.type || "", name,
          group: legend ? text(legend.innerText) : "", checked: !!el.checked};
}"""


def focused(page: Page) -> dict:
    return page.evaluate(ACTIVE)


def tab_to(page: Page, name: str, *, group: str = "", back: bool = False, limit: int = 120) -> dict:
    """Press Tab (Shift+Tab when back) until the control named `name` (or, for a radio,
    any radio of the group `group`) has the focus; failing if the focus leaves the page
    first: the control is then before (after) the current one, out of the reading order."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if now["tag"] == "body":
            raise AssertionError(f"« {group or name} » not reached before the page's end")
        if group and now["type"] == "radio" and now["group"] == group:
            return now
        if not group and now["name"] == name:
            return now
    raise AssertionError(f"« {group or name} » not reached with {key}")


def keyboard_select(page: Page, label: str, typed: str, expected: str) -> None:
    """Tab to a <select>, then type the start of an option, as a person does."""
    tab_to(page, label)
    page.keyboard.type(typed)
    expect(field(page, label)).to_have_value(expected)


def keyboard_text(page: Page, label: str, text: str) -> None:
    tab_to(page, label)
    page.keyboard.type(text)
    expect(field(page, label)).to_have_value(text)


def keyboard_radio(page: Page, legend: str, option: str) -> None:
    """Tab into the group (one tab stop), then Space on the first choice, or arrow keys
    to move to another one."""
    now = tab_to(page, "", group=legend)
    radios = group(page, legend).get_by_role("radio")
    names = [r.evaluate("el => el.labels[0].innerText.trim()") for r in radios.all()]
    target = names.index(option)
    current = names.index(now["name"])
    if target == current:
        page.keyboard.press("Space")
    else:
        for _ in range(abs(target - current)):
            page.keyboard.press("ArrowDown" if target > current else "ArrowUp")
    expect(radios.nth(target)).to_be_checked()
    expect(radios.nth(target)).to_be_focused()


def keyboard_check(page: Page, label: str, *, ticked: bool = True) -> None:
    """Tab to a checkbox, then Space: it is ticked (or, when it was, unticked)."""
    tab_to(page, label)
    page.keyboard.press("Space")
    box = page.locator(":focus")
    if ticked:
        expect(box).to_be_checked()
    else:
        expect(box).not_to_be_checked()


def keyboard_pick(page: Page, label: str, option: str, limit: int = 300) -> None:
    """Tab to a <select>, type the start of ``option`` (its first plain letters: the
    browser selects the first option so beginning, never one after it), then press
    ArrowDown until ``option`` is the one selected, as a person does in a long list."""
    tab_to(page, label)
    typed = re.match(r"[A-Za-z0-9]*", option).group()
    if typed:
        page.keyboard.type(typed)
    control = page.locator(":focus")
    for _ in range(limit):
        if control.evaluate("el => el.selectedOptions[0].label.trim()") == option:
            break
        page.keyboard.press("ArrowDown")
    expect(control.locator("option:checked")).to_have_text(option)


def keyboard_press_button(page: Page, name: str, key: str = "Enter") -> None:
    tab_to(page, name)
    page.keyboard.press(key)


def keyboard_follow_link(page: Page, name: str) -> None:
    tab_to(page, name)
    page.keyboard.press("Enter")


def keyboard_drill_down(page: Page, choice: Choice) -> None:
    """From the candidate home to the académie page of the choice, link after link."""
    keyboard_follow_link(page, "Ajouter une nouvelle candidature")
    for title, link in drill_down_pages(choice):
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
        keyboard_follow_link(page, link)
    expect(page.get_by_role("heading", level=2, name="Informations disponibles")).to_be_visible()


def keyboard_informations_choices(page: Page, cfg: bool = False) -> None:
    """The yes/no questions of « Informations candidature », as fill_informations answers
    them (the CFG's three: no shortened training)."""
    if not cfg:
        keyboard_radio(page, "Aménagement de la durée de formation", "Non")
    keyboard_radio(page, "Demande d'aménagement d'épreuves au titre du handicap", "Non")
    keyboard_radio(
        page,
        "J'accepte que mes résultats soient communiqués en vue de leur publication par la "
        "presse ou sur des sites internet de sociétés privées",
        "Oui",
    )
    keyboard_radio(
        page,
        "J'accepte que mes résultats, mon nom et mon adresse soient communiqués aux "
        "collectivités territoriales, en vue d'éventuelles félicitations",
        "Non",
    )


def actions_follow_the_eye(page: Page) -> None:
    """A step's buttons at the current width: Tab reaches them in the order they show
    (left to right, line by line: WCAG 2.4.3), and each label stays whole on one line
    (« Enregistre / r » was a word cut by the page's overflow-wrap)."""
    actions = page.locator(".form-actions button")
    count = actions.count()
    assert count >= 2
    boxes = [actions.nth(index).bounding_box() for index in range(count)]
    shown = sorted(range(count), key=lambda i: (round(boxes[i]["y"]), boxes[i]["x"]))
    assert shown == list(range(count)), boxes
    actions.nth(0).focus()
    for index in range(1, count):
        page.keyboard.press("Tab")
        expect(actions.nth(index)).to_be_focused()
    lines = actions.evaluate_all(
        """buttons => buttons.map(b => {
             const s = getComputedStyle(b);
             const inner = b.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
             return Math.round(inner / parseFloat(s.lineHeight));
           })"""
    )
    assert lines == [1] * count, lines


def test_register_for_a_cfg_with_the_keyboard_only(
    page, axe, live_app, live_server, mailbox, catalog, clock
):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)

    # The drill-down, link after link.
    keyboard_drill_down(page, choice)
    audited(axe)
    keyboard_press_button(page, "Démarrer mon inscription", key="Space")

    # 1 - Identification, from the top of the page.
    expect_step(page, 1, "Identification")
    audited(axe)
    keyboard_select(page, "Pays", "FRANCE", "FR")
    keyboard_text(page, "Numéro, rue, voie", "3 place du Marché")
    keyboard_text(page, "Code postal", choice.postcode)
    keyboard_text(page, "Localité", "Ville-sur-Test")
    keyboard_text(page, "Téléphone portable", "0611223344")
    keyboard_select(page, "Nationalité", "Fran", "FR")
    keyboard_select(page, "Catégorie socio-professionnelle", "Techniciens", "47")
    # Back up with Shift+Tab to correct the address.
    tab_to(page, "Numéro, rue, voie", back=True)
    page.keyboard.press("End")
    page.keyboard.type(" bis")
    expect(field(page, "Numéro, rue, voie")).to_have_value("3 place du Marché bis")
    keyboard_press_button(page, "Suivant")

    # 2 - Informations candidature.
    expect_step(page, 2, "Informations candidature")
    audited(axe)
    keyboard_select(page, "Catégorie du candidat", "INDIVIDUEL", "INDIVIDUEL")
    keyboard_select(page, "Établissement", "AUCUN", "0000000A")
    keyboard_informations_choices(page, cfg=True)
    keyboard_press_button(page, "Suivant")

    # 3 - Récapitulatif, then « Enregistrer ».
    expect_step(page, 3, "Récapitulatif")
    audited(axe)
    page.set_viewport_size({"width": 320, "height": 800})
    actions_follow_the_eye(page)
    expect(definition(region(page, "Identification"), "Numéro, rue, voie")).to_have_text(
        "3 place du Marché bis"
    )
    expect(
        definition(
            region(page, "Informations candidature"),
            "Demande d'aménagement d'épreuves au titre du handicap",
        )
    ).to_have_text("Non")
    before = mailbox.count()
    tab_to(page, "Enregistrer", back=True)  # the eye's check left the focus on the last
    page.keyboard.press("Enter")

    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    expect_number_page(page, candidate, choice, "001")
    audited(axe)
    mailbox.last_to(candidate.email, "Inscription enregistrée : CFG", after=before)


def test_register_for_a_bts_with_the_keyboard_only(
    page, axe, live_app, live_server, mailbox, catalog, clock
):
    """The eleven steps of the BTS with Tab, Space, arrow keys and typing: checkboxes that
    reveal the kept tests, long lists walked with the arrows, the tests' radio groups in
    the order of their table and the option a chosen test asks for, up to the number page."""
    choice = open_choice(catalog, clock, "bts", "2027")
    answers = BtsAnswers(establishment_of(catalog, choice))
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    keyboard_drill_down(page, choice)
    keyboard_press_button(page, "Démarrer mon inscription", key="Space")

    expect_step(page, 1, "Modalités d'inscription")
    keyboard_check(page, "J'ai lu les modalités d'inscription et je les accepte")
    keyboard_press_button(page, "Suivant")

    expect_step(page, 2, "Candidatures précédentes")
    keyboard_radio(page, "Avez-vous déjà été candidat à cet examen ?", "Non")
    keyboard_press_button(page, "Suivant")

    expect_step(page, 3, "Identification")
    keyboard_pick(page, "Pays", "FRANCE (DONT OUTRE-MER)")
    keyboard_text(page, "Numéro, rue, voie", "12 rue des Lilas")
    keyboard_text(page, "Code postal", choice.postcode)
    keyboard_text(page, "Localité", "Ville-sur-Test")
    keyboard_text(page, "Téléphone portable", "0623456789")
    keyboard_pick(page, "Nationalité", "Française")
    keyboard_pick(page, "Catégorie socio-professionnelle", "Techniciens")
    keyboard_press_button(page, "Suivant")

    expect_step(page, 4, "Informations candidature")
    keyboard_pick(page, "Catégorie du candidat", "INDIVIDUEL")
    keyboard_pick(page, "Situation à l'inscription", "SALARIÉ")
    keyboard_pick(page, "Établissement", answers.establishment)
    keyboard_informations_choices(page)
    keyboard_press_button(page, "Suivant")

    expect_step(page, 5, "Qualification présentée")
    keyboard_pick(page, "Spécialité", SIO)
    keyboard_radio(page, "Forme de passage", "Globale")
    keyboard_radio(page, "Dérogation à la forme de passage", "Non")
    keyboard_press_button(page, "Suivant")

    # 6 - Space on the previous session reveals its tests, ticked; E1 alone is kept.
    expect_step(page, 6, "Acquis")
    kept = group(page, "Épreuves concernées (notes conservées)")
    keyboard_check(page, PREVIOUS_SESSION_LABEL)
    expect(kept).to_be_visible()
    for code in ("E2", "E3", "E4"):
        name = kept.get_by_label(re.compile(rf"^{code} - ")).evaluate(
            "el => el.labels[0].innerText.replace(/\\*/g, '').replace(/\\s+/g, ' ').trim()"
        )
        keyboard_check(page, name, ticked=False)
    expect(field(kept, "E1 - Culture générale et expression")).to_be_checked()
    keyboard_text(page, "Note obtenue en E1 (sur 20)", answers.kept_mark)
    keyboard_pick(page, "Année d'obtention", answers.year)
    keyboard_pick(page, "Académie d'obtention", answers.acquis_academy)
    keyboard_press_button(page, "Suivant")

    expect_step(page, 7, "Informations supplémentaires")
    keyboard_text(page, "Informations complémentaires", "Je travaille de nuit le mardi.")
    keyboard_press_button(page, "Suivant")

    expect_step(page, 8, "Diplôme possédé")
    keyboard_pick(page, "Diplôme ou titre permettant l'inscription", "BACCALAURÉAT GÉNÉRAL")
    keyboard_pick(page, "Année d'obtention", "2016")
    keyboard_press_button(page, "Suivant")

    # 9 - The tests: a choice between options, then an optional test and its language.
    expect_step(page, 9, "Épreuves")
    keyboard_radio(page, "Épreuve à choix : option", SLAM)
    keyboard_radio(page, "EF1 - Langue vivante 2", "Inscrit")
    keyboard_pick(page, "Option de EF1", answers.language)
    keyboard_press_button(page, "Suivant")

    expect_step(page, 10, "Récapitulatif")
    expect_bts_recap(page, choice, answers)
    keyboard_press_button(page, "Suivant")

    expect_step(page, 11, "Conditions d'inscription")
    keyboard_check(page, CONDITIONS)
    before = mailbox.count()
    keyboard_press_button(page, "Enregistrer")
    expect_number_page(page, candidate, choice, "001")
    audited(axe)
    mailbox.last_to(candidate.email, "Inscription enregistrée : BTS", after=before)


def test_accommodation_notice_shows_as_soon_as_yes_is_chosen(
    page, axe, live_app, live_server, catalog, clock
):
    """« Cocher « Oui » ici ne suffit pas… » is read when it matters: on choosing « Oui »,
    before any submission, announced by a live region, and gone again on « Non »."""
    choice = open_choice(catalog, clock, "bts", "2027")
    log_in(page, live_server, new_candidate(live_app))
    start_registration(page, axe, choice)
    for fill in (fill_modalites, fill_previous, lambda p: fill_identification(p, choice)):
        fill(page)
        next_step(page)
    expect_step(page, 4, "Informations candidature")
    notice = main(page).get_by_text("Cocher « Oui » ici ne suffit pas.")
    expect(notice).to_be_hidden()
    choose(page, "Demande d'aménagement d'épreuves au titre du handicap", "Oui")
    expect(notice).to_be_visible()
    audited(axe)
    choose(page, "Demande d'aménagement d'épreuves au titre du handicap", "Non")
    expect(notice).to_be_hidden()


def test_modify_then_withdraw_with_the_keyboard_only(
    page, axe, live_app, live_server, mailbox, catalog, clock
):
    """« Modifier », a corrected address, « Enregistrer », then « Se désinscrire » and its
    confirmation: every control reached with Tab and pressed with Enter or Space."""
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    register_cfg(page, axe, catalog, choice)

    page.goto(live_server + "/espace-candidat/inscriptions")
    keyboard_follow_link(page, CFG)
    expect(heading(page, "Mon inscription")).to_be_visible()
    keyboard_press_button(page, "Modifier", key="Space")
    expect_step(page, 1, "Identification")
    tab_to(page, "Localité")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("Nouvelle-Ville")
    expect(field(page, "Localité")).to_have_value("Nouvelle-Ville")
    keyboard_press_button(page, "Suivant")
    expect_step(page, 2, "Informations candidature")
    keyboard_press_button(page, "Suivant")
    expect_step(page, 3, "Récapitulatif")
    before = mailbox.count()
    keyboard_press_button(page, "Enregistrer")
    expect(definition(main(page), "Version")).to_have_text("02")
    mailbox.last_to(candidate.email, "Modification d'inscription : CFG", after=before)

    keyboard_follow_link(page, "Voir mon inscription")
    expect(definition(region(page, "Identification"), "Localité")).to_have_text("Nouvelle-Ville")
    keyboard_follow_link(page, "Se désinscrire")
    expect(heading(page, "Se désinscrire")).to_be_visible()
    audited(axe)
    keyboard_press_button(page, "Confirmer ma désinscription", key="Space")
    expect(page.get_by_role("status")).to_contain_text(
        "Votre candidature n° 001 est annulée (désinscrit par le candidat)."
    )
    expect(cards(page)).to_have_count(0)
