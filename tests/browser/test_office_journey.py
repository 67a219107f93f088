"""The back office in a real Chromium, driven as an exam office's staff member would.

A staff member signs in at /gestion/connexion, finds a candidate by name, opens the
application, rejects a piece (« Non conforme », with a comment) and accepts another
(« Conforme »), publishes a convocation (a PDF uploaded for this application) and the
marks; then the candidate, in a browser context of their own, sees all of it in « Mes
justificatifs », « Mes documents » and « Mes notes ». Second journey: the staff member
imports 30 pupils from a CSV file, downloads the login slips, and one pupil logs in with
the slip's login and one-time password and completes the first login (address, then a
password of their own) up to « Mon espace candidat ». Every page, the back office's and
the candidate's, is audited with axe-core (WCAG 2.1 A and AA): zero violations.

The worker's clock is pinned inside the CFG registration period and its upload window,
and inside the BTS period of the pupils' académie (the `clock` fixture restores it).
"""

from __future__ import annotations

import random
import re
import string
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import test_registration_journey as registration
from tests.browser.test_documents_journey import (
    IDENTITY,
    SIGNED,
    document_item,
    download,
    make_pdf,
    piece,
    pieces_page,
    status_of,
    upload_window_moment,
)
from tests.browser.test_registration_journey import (
    PASSWORD,
    Candidate,
    audited,
    button,
    cards,
    field,
    heading,
    log_in,
    main,
    open_choice,
)
from tests.forms import FormClient, errors, text
from tests.test_pupils import FIRST_NAMES, credentials, pdf_text
from tests.test_registration import register_cfg

pytestmark = pytest.mark.browser

# The registration journey's fixtures: the worker's clock (pinned, then restored) and the catalog.
clock = registration.clock
catalog = registration.catalog

STAFF_PASSWORD = "Gestion!2027-Parcours"
COMMENT = "La photo de la carte d'identité est illisible : envoyez un scan en couleur."
PUPIL_PASSWORD = "MonCode!2027"


# --- helpers -------------------------------------------------------------------------------


def new_staff(live_app, academy: str) -> str:
    """A staff member of one académie (accounts are made by the CLI or an admin, tested
    elsewhere); returns the address."""
    from worker.rules import passwords
    from worker.store import db, staff

    email = f"gestion.{uuid.uuid4().hex[:8]}@ac-test.fr"
    with live_app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, "Claire Gestion", passwords.hash_password(STAFF_PASSWORD),
                [academy],
            )  # fmt: skip
    return email


def staff_log_in(page: Page, axe, live_server: str, email: str) -> None:
    page.goto(live_server + "/gestion/connexion")
    expect(heading(page, "Connexion gestionnaire")).to_be_visible()
    audited(axe)
    field(page, "Adresse électronique professionnelle").fill(email)
    field(page, "Mot de passe").fill(STAFF_PASSWORD)
    button(page, "Me connecter").click()
    expect(heading(page, "Candidatures")).to_be_visible()
    expect(page.get_by_role("navigation", name="Gestion")).to_be_visible()
    audited(axe)


def unique_name() -> str:
    """A family name no other candidate of the session-wide worker has."""
    letters = "".join(random.choices(string.ascii_lowercase, k=8))
    return f"Kerouredan-{letters.capitalize()}"


def registered_candidate(live_app, academy: str, tmp_path: Path) -> Candidate:
    """A candidate registered to the CFG of `academy` who uploaded an identity card and
    validated their pieces; over HTTP (those journeys run in a browser elsewhere)."""
    from worker.rules import passwords
    from worker.store import accounts, db

    last_name = unique_name()
    email = f"yann.{uuid.uuid4().hex[:10]}@example.fr"
    identity = {
        "civility": "M",
        "last_name": last_name,
        "first_names": "Yann",
        "birth_date": "2001-09-03",
        "birth_country": "FR",
        "birth_departement": "29",
        "birth_commune": "29019",
        "birth_commune_name": "Brest",
    }
    with live_app.app_context():
        database = db.get()
        with db.transaction(database):
            account = accounts.create(database, email, passwords.hash_password(PASSWORD), identity)
            account = accounts.activate(database, account)
    client = FormClient(live_app.test_client())
    signed = client.submit("/espace-candidat/connexion", {"login": email, "password": PASSWORD})
    assert signed.status_code == 303, text(signed)
    register_cfg(client, live_app, academy)
    pieces = "/espace-candidat/inscriptions/001/justificatifs"
    with make_pdf(tmp_path / "carte-identite.pdf").open("rb") as f:
        sent = client.http.post(
            f"{pieces}/identite",
            data={"csrf_token": client.token(pieces), "fichier": (f, "carte-identite.pdf")},
            content_type="multipart/form-data",
        )
    assert sent.status_code == 303, errors(sent) or text(sent)
    group = re.search(r'name="groupe" value="([^"]+)"', client.get(pieces).get_data(as_text=True))
    locked = client.http.post(
        f"{pieces}/valider", data={"csrf_token": client.token(pieces), "groupe": group.group(1)}
    )
    assert locked.status_code == 303, errors(locked) or text(locked)
    return Candidate(email, account.candidate_number, f"{last_name.upper()} Yann")


def pupils_file(path: Path, count: int) -> Path:
    """The establishment's CSV: `count` pupils, with family names no other test uses (a
    pupil already imported for the same exam and establishment is refused)."""
    families = [unique_name() for _ in range(count // len(FIRST_NAMES) + 1)]
    specialities = ["sio", "MCO", "Négociation et digitalisation de la relation client"]
    lines = ["nom;prenom;date_naissance;sexe;specialite"]
    for i in range(count):
        born = f"{1 + i % 28:02}/{1 + i % 12:02}/2008"
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        family = families[i // len(FIRST_NAMES)]
        lines.append(f"{family};{first};{born};{'FM'[i % 2]};{specialities[i % 3]}")
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    return path


def flash(page: Page):
    return page.get_by_role("status")


def office_piece(page: Page, label: str):
    """A piece on the back office's application page: a region named by its heading."""
    return main(page).get_by_role("region", name=label, exact=True)


def set_piece_status(page: Page, label: str, status: str, comment: str = "") -> None:
    section = office_piece(page, label)
    section.get_by_label("Nouveau statut", exact=True).select_option(label=status)
    if comment:
        section.get_by_label(re.compile(r"^Commentaire pour le candidat")).fill(comment)
    section.get_by_role("button", name=f"Enregistrer le statut : {label}", exact=True).click()
    expect(flash(page)).to_have_text(f"{label} : statut « {status} » enregistré.")


def candidate_page(browser: Browser) -> Page:
    """A browser context of the candidate's own: no cookie of the staff member's."""
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


# --- the journeys --------------------------------------------------------------------------


def test_staff_reviews_an_application_and_the_candidate_sees_it(
    page, axe, browser, live_app, live_server, catalog, clock, tmp_path
):
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    clock(upload_window_moment(choice))  # inside the registration and upload windows
    academy = choice.academy.code
    candidate = registered_candidate(live_app, academy, tmp_path)
    last_name = candidate.name.split()[0]

    # Sign in, then find the candidate by their name.
    staff_log_in(page, axe, live_server, new_staff(live_app, academy))
    search = page.get_by_role("search", name="Rechercher des candidatures")
    search.get_by_label("Nom, prénom, numéro de candidat ou courriel").fill(last_name.title())
    search.get_by_role("button", name="Rechercher").click()
    expect(main(page).get_by_role("status")).to_contain_text("1 candidature – page 1 sur 1.")
    table = main(page).get_by_role("table", name="Candidatures de vos académies")
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the candidate
    expect(table).to_contain_text(candidate.number)
    audited(axe)
    table.get_by_role("link", name=candidate.name, exact=True).click()

    # The application: its pieces, as the candidate left them.
    expect(heading(page, f"Candidature {candidate.name}")).to_be_visible()
    expect(main(page)).to_contain_text(candidate.number)
    expect(office_piece(page, IDENTITY)).to_contain_text("Validée par le candidat")
    expect(
        office_piece(page, IDENTITY).get_by_role("link", name="carte-identite.pdf")
    ).to_be_visible()
    audited(axe)

    # One piece rejected with a comment, the other accepted.
    set_piece_status(page, IDENTITY, "Non conforme", COMMENT)
    expect(office_piece(page, IDENTITY)).to_contain_text(f"Statut : Non conforme – {COMMENT}")
    audited(axe)
    set_piece_status(page, SIGNED, "Conforme")
    expect(office_piece(page, SIGNED)).to_contain_text("Statut : Conforme")
    audited(axe)

    # A convocation: a PDF published for this application.
    convocation = make_pdf(tmp_path / "convocation.pdf")
    publish = main(page).get_by_role("region", name="Publier un document", exact=True)
    publish.get_by_label("Type de document", exact=True).select_option(label="Convocation")
    publish.get_by_label("Fichier PDF", exact=True).set_input_files(convocation)
    publish.get_by_role("button", name="Publier le document").click()
    expect(flash(page)).to_have_text(
        "« Convocation » publié (version 1) : le candidat le voit dans « Mes documents »."
    )
    published = main(page).get_by_role("link", name="Convocation – version 1", exact=True)
    expect(published).to_be_visible()
    audited(axe)

    # The marks.
    marks = main(page).get_by_role("region", name="Notes", exact=True)
    marks.get_by_label(re.compile(r"^001 – Entretien avec le jury")).fill("14,5")
    marks.get_by_role("button", name="Publier les notes").click()
    expect(flash(page)).to_have_text("Notes publiées : le candidat les voit dans « Mes notes ».")
    expect(marks.get_by_label(re.compile(r"^001 – "))).to_have_value("14,5")
    history = main(page).locator(".history")
    for action in ("Statut d'une pièce justificative", "Document déposé", "Notes publiées"):
        expect(history).to_contain_text(action)
    expect(history).to_contain_text("statut : Non conforme")
    audited(axe)

    # The candidate, in a browser of their own, sees all of it.
    own = candidate_page(browser)
    try:
        log_in(own, live_server, candidate)
        audited(lambda: axe(own))
        card = cards(own).first
        card.get_by_role("link", name="Mes justificatifs de l'inscription n° 001").click()
        pieces_page(own)
        expect(status_of(own, IDENTITY)).to_have_text("Statut : Non conforme")
        expect(piece(own, IDENTITY)).to_contain_text(
            f"Commentaire du service des examens : {COMMENT}"
        )
        expect(own.get_by_label(f"Ajouter un fichier : {IDENTITY}", exact=True)).to_be_visible()
        expect(status_of(own, SIGNED)).to_have_text("Statut : Conforme")
        audited(lambda: axe(own))

        main(own).get_by_role("link", name="Mes documents").click()
        expect(heading(own, "Mes documents")).to_be_visible()
        expect(document_item(own, "Convocation")).to_contain_text("Version n°1")
        expect(document_item(own, "Convocation")).to_contain_text("pas encore consulté")
        audited(lambda: axe(own))
        link = own.get_by_role("link", name="Convocation [PDF]", exact=True)
        assert download(own, link, tmp_path / "candidat") == convocation.read_bytes()

        main(own).get_by_role("link", name="Mon inscription").click()
        expect(heading(own, "Mon inscription")).to_be_visible()
        audited(lambda: axe(own))
        main(own).get_by_role("link", name="Mes notes", exact=True).click()
        expect(heading(own, "Mes notes")).to_be_visible()
        results = main(own).get_by_role("table", name="Notes publiées par le service des examens")
        row = results.get_by_role("row", name=re.compile(r"^001 – Entretien avec le jury"))
        expect(row).to_contain_text("14,5/20")
        audited(lambda: axe(own))
    finally:
        own.context.close()


def test_staff_imports_pupils_and_a_pupil_completes_the_first_login(
    page, axe, browser, live_app, live_server, catalog, clock, tmp_path
):
    academy = "rennes"
    period = next(
        p for p in catalog.periods_for(exam="bts", session="2027") if p.academy == academy
    )
    clock(period.opens + (period.closes - period.opens) / 2)
    school = [e for e in catalog.establishments_of(academy) if e.uai != "0000000A"][-1]
    exam = catalog.exams["bts"]
    offer = f"{exam.short_name} – {exam.name} – {exam.session('2027').label}"
    listing = pupils_file(tmp_path / "eleves.csv", 30)

    staff_log_in(page, axe, live_server, new_staff(live_app, academy))
    page.get_by_role("navigation", name="Gestion").get_by_role("link", name="Élèves").click()
    expect(heading(page, "Élèves inscrits par leur établissement")).to_be_visible()
    audited(axe)
    field(page, "Établissement des élèves").select_option(
        label=f"{school.name}{' - ' + school.town if school.town else ''} ({school.uai})"
    )
    field(page, "Examen et session").select_option(label=offer)
    field(page, "Fichier CSV des élèves").set_input_files(listing)
    button(page, "Importer les élèves").click()

    expect(heading(page, "Confirmer l'import des élèves")).to_be_visible()
    expect(main(page)).to_contain_text("30 élèves recevront un compte")
    audited(axe)
    button(page, "Confirmer l'import").click()
    expect(heading(page, "Import d'élèves")).to_be_visible()
    expect(flash(page)).to_contain_text("30 élèves importés.")
    pupils = main(page).get_by_role("table", name="Élèves de cet import")
    expect(pupils.get_by_role("row")).to_have_count(31)
    audited(axe)
    slips = main(page).get_by_role("link", name=re.compile(r"^Télécharger les papillons du "))
    expect(slips).to_contain_text("(PDF, 30 élèves)")
    printed = pdf_text(download(page, slips, tmp_path / "papillons"))
    found = credentials(printed)
    assert len(found) == 30
    login, one_time = sorted(found.items())[0]
    expect(pupils).to_contain_text(login)
    audited(axe)

    # The pupil, with the slip, on a browser of their own.
    pupil = candidate_page(browser)
    email = f"eleve.{uuid.uuid4().hex[:8]}@example.fr"
    try:
        pupil.goto(live_server + "/espace-candidat/connexion")
        field(pupil, "Adresse électronique ou numéro de candidat").fill(login)
        field(pupil, "Mot de passe").fill(one_time)
        button(pupil, "Me connecter").click()
        expect(heading(pupil, "Première connexion : mon adresse électronique")).to_be_visible()
        expect(pupil.locator('[aria-current="step"]')).to_have_text(
            "Étape 1 sur 2 : mon adresse électronique"
        )
        audited(lambda: axe(pupil))
        field(pupil, "Adresse électronique").fill(email)
        field(pupil, "Confirmation de l'adresse électronique").fill(email)
        field(pupil, "Mot de passe du papillon de connexion").fill(one_time)
        button(pupil, "Suivant").click()

        expect(heading(pupil, "Première connexion : mon mot de passe")).to_be_visible()
        audited(lambda: axe(pupil))
        field(pupil, "Nouveau mot de passe").fill(PUPIL_PASSWORD)
        field(pupil, "Confirmation du nouveau mot de passe").fill(PUPIL_PASSWORD)
        button(pupil, "Enregistrer").click()

        expect(heading(pupil, "Mon espace candidat")).to_be_visible()
        expect(flash(pupil)).to_contain_text("Votre compte est prêt.")
        expect(flash(pupil)).to_contain_text(login)
        expect(cards(pupil)).to_have_count(1)
        expect(cards(pupil).first).to_contain_text(school.name)
        audited(lambda: axe(pupil))
    finally:
        pupil.context.close()

    # Back in the office, the pupil's first login is done.
    page.reload()
    expect(pupils.get_by_role("row").filter(has_text=login)).to_contain_text("Faite")
    audited(axe)
