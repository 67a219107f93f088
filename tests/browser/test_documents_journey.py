"""« Mes documents » and « Mes justificatifs » in a real Chromium, driven as a person would.

A candidate registers to a CFG asking for an accommodation of the tests (so two pieces are
to be uploaded online, « identite » and « amenagement », and one is sent by post), prints
the confirmation from the number page, opens « Mes justificatifs », uploads, deletes,
validates (« J'ai fourni toutes mes pièces »), is asked for a new file by the exam office,
provides it, and sees the office's decisions; « Mes documents » lists the published PDFs
and a new version after a modification. Every page is audited with axe-core (WCAG 2.1 A
and AA): zero violations.

The worker's clock is pinned inside both the registration period and the upload window
of the chosen CFG period (the `clock` fixture restores it).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from catalog.dates import format_day, format_long, format_short, to_paris
from tests.browser import test_registration_journey as registration
from tests.browser.test_registration_journey import (
    CFG,
    NO_SCHOOL,
    Candidate,
    Choice,
    audited,
    button,
    cards,
    choose,
    definition,
    expect_step,
    field,
    fill_identification,
    fill_informations,
    flat,
    heading,
    log_in,
    main,
    new_candidate,
    next_step,
    open_choice,
    region,
    start_registration,
)

pytestmark = pytest.mark.browser

# The registration journey's fixtures: the worker's clock (pinned, then restored) and the catalog.
clock = registration.clock
catalog = registration.catalog

IDENTITY = "Pièce d'identité en cours de validité (carte nationale d'identité ou passeport)"
ACCOMMODATION = "Avis du médecin désigné par la CDAPH pour l'aménagement des épreuves"
SIGNED = "Confirmation d'inscription datée et signée"
HANDICAP = "Demande d'aménagement d'épreuves au titre du handicap"
ACCEPTED = "PDF, PNG, JPG, DOC, DOCX ou ZIP"
CONFIRMATION = "Confirmation d'inscription"
REQUEST = "Demande de pièces justificatives"
PIECE_NOTICE = "Votre candidature possède au moins une demande de pièce justificative."


# --- helpers -------------------------------------------------------------------------------


@dataclass
class Registered:
    candidate: Candidate
    choice: Choice
    moment: datetime  # the pinned clock


def upload_window_moment(choice: Choice) -> datetime:
    """A moment inside both the registration period and the upload window."""
    period = choice.period
    assert period.uploads_open and period.uploads_close and period.confirmation_due
    start = max(period.opens, period.uploads_open)
    end = min(period.closes, period.uploads_close)
    assert start < end, "the CFG period and its upload window do not overlap"
    return start + (end - start) / 2


def register_cfg_with_accommodation(
    page: Page, axe, live_app, live_server, catalog, clock
) -> Registered:
    """Sign in and register to a CFG, answering « Oui » to the accommodation question."""
    choice = open_choice(catalog, clock, "cfg", "juin-2027")
    moment = upload_window_moment(choice)
    clock(moment)
    candidate = new_candidate(live_app)
    log_in(page, live_server, candidate)
    start_registration(page, axe, choice)
    expect_step(page, 1, "Identification")
    audited(axe)
    fill_identification(page, choice)  # nationality FRANCE: no « titre de séjour »
    next_step(page)
    expect_step(page, 2, "Informations candidature")
    fill_informations(page, NO_SCHOOL, cfg=True)
    choose(page, HANDICAP, "Oui")
    audited(axe)
    next_step(page)
    expect_step(page, 3, "Récapitulatif")
    expect(definition(region(page, "Informations candidature"), HANDICAP)).to_have_text("Oui")
    audited(axe)
    button(page, "Enregistrer").click()
    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    return Registered(candidate, choice, moment)


def application_id(live_app, candidate: Candidate, number: str = "001") -> int:
    from worker.store import accounts, applications, db

    with live_app.app_context():
        database = db.get()
        account = accounts.by_email(database, candidate.email)
        found = applications.of_account(database, account.id, number)
    assert found is not None
    return found.id


def office_decides(
    live_app, app_id: int, code: str, status: str, comment: str = "", received_on=None
) -> None:
    """The back office records its decision on a piece."""
    from worker.rules import pieces as supporting
    from worker.store import db

    with live_app.app_context():
        database = db.get()
        with db.transaction(database):
            supporting.set_status(database, app_id, code, status, comment, received_on)


def pdf_text(data: bytes) -> str:
    return flat(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


def assert_not_blank(data: bytes, png: Path) -> None:
    """Page 1 rendered to PNG: an A4 page, mostly white, with ink on it."""
    pdfium.PdfDocument(data)[0].render(scale=1).to_pil().save(png)
    with Image.open(png) as image:
        width, height = image.size
        histogram = image.convert("L").histogram()
    assert height / width == pytest.approx(2**0.5, rel=0.02)
    assert sum(histogram[:128]) > 0.01 * width * height  # text, rules and boxes
    assert histogram[255] > 0.3 * width * height  # on a white page


def download(page: Page, link: Locator, into: Path) -> bytes:
    with page.expect_download() as info:
        link.click()
    saved = into / info.value.suggested_filename
    info.value.save_as(saved)
    return saved.read_bytes()


def make_pdf(path: Path) -> Path:
    """A small real PDF, as a scanner would make (one grey page)."""
    Image.new("RGB", (120, 170), (200, 200, 200)).save(path, "PDF")
    return path


def make_png(path: Path) -> Path:
    image = Image.new("RGB", (64, 48), (255, 255, 255))
    image.paste((20, 20, 120), (8, 8, 56, 40))
    image.save(path, "PNG")
    return path


def pieces_page(page: Page) -> None:
    expect(heading(page, "Mes justificatifs")).to_be_visible()


def piece(page: Page, label: str) -> Locator:
    """A requested piece: an <article> named by its heading."""
    return main(page).get_by_role("article", name=label, exact=True)


def file_input(page: Page, label: str) -> Locator:
    return page.get_by_label(f"Ajouter un fichier : {label}", exact=True)


def upload(page: Page, label: str, path: Path) -> None:
    file_input(page, label).set_input_files(path)
    piece(page, label).get_by_role("button", name="Ajouter", exact=True).click()


def status_of(page: Page, label: str) -> Locator:
    return piece(page, label).locator(".piece-status")


def counter(page: Page) -> Locator:
    return main(page).get_by_text(re.compile(r"^Pièces justificatives conformes : \d+ / \d+$"))


def flash(page: Page) -> Locator:
    return page.get_by_role("status")


def error_summary(page: Page) -> Locator:
    return page.get_by_role("alert")


def lock(page: Page) -> None:
    button(page, "J'ai fourni toutes mes pièces").click()


def open_cards(page: Page, live_server: str) -> Locator:
    page.goto(live_server + "/espace-candidat/inscriptions")
    expect(heading(page, "Mes inscriptions")).to_be_visible()
    expect(cards(page)).to_have_count(1)
    return cards(page).first


def document_item(page: Page, title: str) -> Locator:
    link = page.get_by_role("link", name=f"{title} [PDF]", exact=True)
    return main(page).get_by_role("listitem").filter(has=link)


# --- the journey ---------------------------------------------------------------------------


def test_supporting_documents_journey(page, axe, live_app, live_server, catalog, clock, tmp_path):
    done = register_cfg_with_accommodation(page, axe, live_app, live_server, catalog, clock)
    candidate, choice, period = done.candidate, done.choice, done.choice.period
    app_id = application_id(live_app, candidate)

    # 1. The number page: the confirmation, downloaded as a PDF and printed.
    audited(axe)
    documents = main(page).get_by_role("heading", level=2, name="Documents")
    expect(documents).to_be_visible()
    data = download(
        page,
        main(page).get_by_role("link", name=f"Visualiser/imprimer : {CONFIRMATION}", exact=True),
        tmp_path,
    )
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert candidate.number in text
    assert "001" in text
    assert "Version : 01" in text
    assert f"À RENVOYER IMPÉRATIVEMENT POUR LE {format_day(period.confirmation_due).upper()}" in (
        text
    )
    assert "Entretien avec le jury" in text
    assert "Mathématiques" in text and "Français" in text
    assert_not_blank(data, tmp_path / "confirmation-p1.png")

    # 2. « Mes inscriptions » → the card → « Mes justificatifs »: what is asked, before anything.
    main(page).get_by_role("link", name="Mes inscriptions").click()
    expect(heading(page, "Mes inscriptions")).to_be_visible()
    card = cards(page).first
    expect(card.get_by_role("note", name="Information")).to_contain_text(PIECE_NOTICE)
    audited(axe)
    card.get_by_role("link", name="Mes justificatifs de l'inscription n° 001").click()
    pieces_page(page)
    expect(main(page)).to_contain_text(f"{CFG} – {choice.session} – candidature n° 001")
    expect(counter(page)).to_have_text("Pièces justificatives conformes : 0 / 3")
    expect(main(page)).to_contain_text(f"Formats acceptés : {ACCEPTED}. Taille : 5 Mo au plus")
    online = main(page).get_by_role(
        "region",
        name=f"1. À déposer en ligne entre le {format_day(period.uploads_open)} et le "
        f"{format_long(period.uploads_close)} (heure de Paris)",
        exact=True,
    )
    postal = main(page).get_by_role(
        "region",
        name=f"2. À envoyer par voie postale au plus tard le "
        f"{format_long(period.confirmation_due)} (heure de Paris)",
        exact=True,
    )
    expect(online.get_by_role("heading", level=3)).to_have_text([IDENTITY, ACCOMMODATION])
    expect(postal.get_by_role("heading", level=3)).to_have_text([SIGNED])
    office = choice.academy.exam_office
    expect(postal).to_contain_text(f"{office.name}, {', '.join(office.address)}")
    expect(postal.get_by_role("button")).to_have_count(0)  # nothing to upload by post
    for label in (IDENTITY, ACCOMMODATION):
        expect(status_of(page, label)).to_have_text("Statut : À fournir")
        expect(piece(page, label)).to_contain_text("Aucun fichier déposé.")
        expect(file_input(page, label)).to_have_accessible_description(f"{ACCEPTED}, 5 Mo au plus.")
    expect(piece(page, IDENTITY)).to_contain_text("Recto et verso, lisibles, dans un seul fichier.")
    audited(axe)

    # 5 (first, while nothing is listed). A web page renamed .png is refused, clearly.
    hostile = tmp_path / "photo-identite.png"
    hostile.write_text(
        "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>",
        encoding="utf-8",
    )
    upload(page, IDENTITY, hostile)
    pieces_page(page)
    expect(page).to_have_title(re.compile(r"^Erreur : Mes justificatifs"))
    expect(error_summary(page)).to_be_focused()
    problem = error_summary(page).get_by_role("link")
    expect(problem).to_have_text(
        "Le contenu du fichier « photo-identite.png » ne correspond pas à un fichier PNG : "
        "il est peut-être endommagé ou mal nommé."
    )
    expect(problem).to_have_attribute("href", "#fichier-identite")
    expect(piece(page, IDENTITY)).to_contain_text("Aucun fichier déposé.")
    expect(piece(page, IDENTITY).get_by_role("link")).to_have_count(0)
    expect(main(page)).not_to_contain_text("photo-identite.png est déposé")
    audited(axe)

    # 3. Two files, one removed, « J'ai fourni toutes mes pièces » refused, then accepted.
    deposited = f"Déposé le {format_short(done.moment)} (heure de Paris)"
    upload(page, IDENTITY, make_pdf(tmp_path / "carte-identite.pdf"))
    pieces_page(page)
    expect(flash(page)).to_have_text(
        f"Le fichier « carte-identite.pdf » est déposé pour « {IDENTITY} »."
    )
    # The result is read where the candidate is: inside the piece, focused.
    expect(piece(page, IDENTITY).get_by_role("status")).to_be_focused()
    expect(status_of(page, IDENTITY)).to_have_text("Statut : Déposée – en attente de contrôle")
    expect(page).not_to_have_title(re.compile("^Erreur"))
    expect(piece(page, IDENTITY).get_by_role("listitem")).to_have_count(1)
    expect(piece(page, IDENTITY).get_by_role("listitem")).to_contain_text(deposited)
    expect(piece(page, IDENTITY).get_by_role("link", name="carte-identite.pdf")).to_be_visible()
    audited(axe)
    upload(page, ACCOMMODATION, make_png(tmp_path / "avis-medecin.png"))
    expect(flash(page)).to_contain_text("« avis-medecin.png » est déposé")
    expect(piece(page, ACCOMMODATION).get_by_role("listitem")).to_contain_text(deposited)
    audited(axe)

    # The wrong file for the accommodation: removed.
    piece(page, ACCOMMODATION).get_by_role(
        "button", name="Supprimer le fichier avis-medecin.png", exact=True
    ).click()
    pieces_page(page)
    expect(flash(page)).to_have_text("Le fichier est supprimé.")
    expect(piece(page, ACCOMMODATION)).to_contain_text("Aucun fichier déposé.")
    expect(piece(page, IDENTITY).get_by_role("listitem")).to_have_count(1)
    audited(axe)

    lock(page)
    pieces_page(page)
    expect(page).to_have_title(re.compile(r"^Erreur : Mes justificatifs"))
    expect(error_summary(page)).to_be_focused()
    expect(error_summary(page).get_by_role("link")).to_have_text(
        f"Il manque encore : {ACCOMMODATION}."
    )
    expect(status_of(page, IDENTITY)).to_have_text(
        "Statut : Déposée – en attente de contrôle"  # deposited, not validated yet
    )
    audited(axe)
    error_summary(page).get_by_role("link").click()  # the summary leads to the group
    expect(online).to_be_focused()

    upload(page, ACCOMMODATION, make_pdf(tmp_path / "avis-medecin.pdf"))
    expect(flash(page)).to_contain_text("« avis-medecin.pdf » est déposé")
    lock(page)
    pieces_page(page)
    expect(flash(page)).to_have_text(
        "Vos pièces sont validées : le service des examens va les contrôler."
    )
    for label in (IDENTITY, ACCOMMODATION):
        expect(status_of(page, label)).to_contain_text("Validée")
        expect(piece(page, label).get_by_role("listitem")).to_contain_text("validé le")
    expect(main(page).get_by_role("button", name="Ajouter")).to_have_count(0)
    expect(main(page).get_by_role("button", name=re.compile("^Supprimer"))).to_have_count(0)
    expect(page.get_by_label(re.compile("^Ajouter un fichier"))).to_have_count(0)
    expect(button(page, "J'ai fourni toutes mes pièces")).to_have_count(0)
    expect(counter(page)).to_have_text("Pièces justificatives conformes : 0 / 3")
    audited(axe)

    # 4. The exam office finds the identity card unreadable: a new file is asked for it only.
    office_decides(live_app, app_id, "identite", "non_conforme", "Document illisible")
    page.reload()
    pieces_page(page)
    expect(status_of(page, IDENTITY)).to_have_text("Statut : Non conforme")
    expect(piece(page, IDENTITY)).to_contain_text(
        "Commentaire du service des examens : Document illisible"
    )
    expect(file_input(page, IDENTITY)).to_be_visible()
    expect(file_input(page, ACCOMMODATION)).to_have_count(0)
    expect(piece(page, ACCOMMODATION).get_by_role("button")).to_have_count(0)
    expect(status_of(page, ACCOMMODATION)).to_contain_text("Validée")
    expect(counter(page)).to_have_text("Pièces justificatives conformes : 0 / 3")
    audited(axe)

    card = open_cards(page, live_server)
    expect(card.get_by_role("note", name="Information")).to_contain_text(PIECE_NOTICE)
    audited(axe)
    card.get_by_role("link", name="Mes justificatifs de l'inscription n° 001").click()
    pieces_page(page)
    upload(page, IDENTITY, make_png(tmp_path / "carte-identite-lisible.png"))
    expect(flash(page)).to_contain_text("« carte-identite-lisible.png » est déposé")
    expect(piece(page, IDENTITY).get_by_role("listitem")).to_have_count(1)  # this round only
    lock(page)
    expect(flash(page)).to_have_text(
        "Vos pièces sont validées : le service des examens va les contrôler."
    )
    expect(page).not_to_have_title(re.compile("^Erreur"))
    expect(file_input(page, IDENTITY)).to_have_count(0)
    audited(axe)

    received = to_paris(done.moment).date()
    office_decides(live_app, app_id, "identite", "conforme")
    office_decides(live_app, app_id, "amenagement", "recue", received_on=received)
    page.reload()
    pieces_page(page)
    expect(status_of(page, IDENTITY)).to_have_text("Statut : Conforme")
    expect(status_of(page, ACCOMMODATION)).to_have_text(
        f"Statut : Reçue – date de réception {received:%d/%m/%Y}"
    )
    expect(counter(page)).to_have_text("Pièces justificatives conformes : 1 / 3")
    expect(main(page).get_by_role("button", name="Ajouter")).to_have_count(0)
    audited(axe)

    # 6. « Mes documents »: the published PDFs, then a new version after a modification.
    main(page).get_by_role("link", name="Mes documents").click()
    expect(heading(page, "Mes documents")).to_be_visible()
    expect(main(page).get_by_role("link", name=re.compile(r"\[PDF\]$"))).to_have_text(
        [f"{CONFIRMATION} [PDF]", f"{REQUEST} [PDF]"]
    )
    expect(document_item(page, CONFIRMATION)).to_contain_text("Version n°1")
    expect(document_item(page, CONFIRMATION)).not_to_contain_text("pas encore consulté")
    expect(document_item(page, REQUEST)).to_contain_text("Version n°1")
    expect(document_item(page, REQUEST)).to_contain_text("pas encore consulté")
    audited(axe)
    request = pdf_text(
        download(
            page,
            page.get_by_role("link", name=f"{REQUEST} [PDF]", exact=True),
            tmp_path,
        )
    )
    assert candidate.number in request
    assert "Pièce d'identité" in request and "Avis du médecin" in request
    page.reload()
    expect(document_item(page, REQUEST)).not_to_contain_text("pas encore consulté")

    main(page).get_by_role("link", name="Mon inscription").click()
    expect(heading(page, "Mon inscription")).to_be_visible()
    audited(axe)
    button(page, "Modifier").click()
    expect_step(page, 1, "Identification")
    expect(main(page)).to_contain_text("modification de la candidature n° 001")
    field(page, "Localité").fill("Nouvelle-Ville")
    audited(axe)
    next_step(page)
    expect_step(page, 2, "Informations candidature")
    next_step(page)
    expect_step(page, 3, "Récapitulatif")
    expect(definition(region(page, "Identification"), "Localité")).to_have_text("Nouvelle-Ville")
    button(page, "Enregistrer").click()
    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    expect(definition(main(page), "Version")).to_have_text("02")
    audited(axe)

    main(page).get_by_role("link", name="Voir mon inscription").click()
    expect(heading(page, "Mon inscription")).to_be_visible()
    main(page).get_by_role("link", name="Mes documents").click()
    expect(heading(page, "Mes documents")).to_be_visible()
    for title in (CONFIRMATION, REQUEST):
        expect(document_item(page, title)).to_contain_text("Version n°2")
        expect(document_item(page, title)).to_contain_text("pas encore consulté")
    audited(axe)
    confirmation = pdf_text(
        download(page, page.get_by_role("link", name=f"{CONFIRMATION} [PDF]"), tmp_path)
    )
    assert "Version : 02" in confirmation
    assert "NOUVELLE-VILLE" in confirmation.upper()

    # The office's decisions outlive the modification.
    main(page).get_by_role("link", name="Mes justificatifs").click()
    pieces_page(page)
    expect(counter(page)).to_have_text("Pièces justificatives conformes : 1 / 3")
    expect(status_of(page, IDENTITY)).to_have_text("Statut : Conforme")
    audited(axe)


# --- focused -------------------------------------------------------------------------------


def open_pieces(page: Page, live_server: str) -> None:
    """« Mes inscriptions » → the card's « Mes justificatifs »."""
    open_cards(page, live_server).get_by_role(
        "link", name="Mes justificatifs de l'inscription n° 001"
    ).click()
    pieces_page(page)


def test_a_refused_upload_marks_its_own_field(
    page, axe, live_app, live_server, catalog, clock, tmp_path
):
    register_cfg_with_accommodation(page, axe, live_app, live_server, catalog, clock)
    open_pieces(page, live_server)
    hostile = tmp_path / "scan.pdf"
    hostile.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)  # a Windows program renamed .pdf
    upload(page, ACCOMMODATION, hostile)
    expect(error_summary(page)).to_be_focused()
    message = "Le contenu du fichier « scan.pdf » ne correspond pas à un fichier PDF"
    expect(error_summary(page)).to_contain_text(message)
    audited(axe)
    # The summary's link leads to the field, which says what is wrong with it.
    error_summary(page).get_by_role("link").click()
    expect(file_input(page, ACCOMMODATION)).to_be_focused()
    expect(file_input(page, ACCOMMODATION)).to_have_attribute("aria-invalid", "true")
    expect(file_input(page, ACCOMMODATION)).to_have_accessible_description(
        re.compile(re.escape(message))
    )
    expect(piece(page, ACCOMMODATION)).to_contain_text(message)
    expect(file_input(page, IDENTITY)).not_to_have_attribute("aria-invalid", "true")


def test_a_file_over_the_limit_is_refused_before_it_is_sent(
    page, axe, live_app, live_server, catalog, clock, tmp_path
):
    """Chosen on a phone, an 8 Mo scan is refused at « Ajouter » without being sent:
    named, with its size, in the page's error pattern; a file within the limit then goes."""
    register_cfg_with_accommodation(page, axe, live_app, live_server, catalog, clock)
    open_pieces(page, live_server)
    limit = live_app.config["UPLOAD_MAX_BYTES"]
    heavy = tmp_path / "scan-recto.pdf"
    heavy.write_bytes(b"%PDF-1.4\n" + b"0" * (limit + limit // 2))
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    upload(page, ACCOMMODATION, heavy)
    expect(error_summary(page)).to_be_focused()
    message = "Le fichier « scan-recto.pdf » fait 7,5 Mo : il dépasse les 5 Mo autorisés"
    expect(error_summary(page)).to_contain_text(message)
    expect(page).to_have_title(re.compile("^Erreur : Mes justificatifs"))
    field = file_input(page, ACCOMMODATION)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    assert posts == []  # nothing was sent
    audited(axe)
    expect(piece(page, ACCOMMODATION)).to_contain_text("Aucun fichier déposé")

    upload(page, ACCOMMODATION, make_pdf(tmp_path / "avis.pdf"))
    expect(flash(page)).to_contain_text("Le fichier « avis.pdf » est déposé")
    assert len(posts) == 1


def test_the_card_notice_goes_once_the_new_file_is_validated(
    page, axe, live_app, live_server, catalog, clock, tmp_path
):
    done = register_cfg_with_accommodation(page, axe, live_app, live_server, catalog, clock)
    open_pieces(page, live_server)
    upload(page, IDENTITY, make_pdf(tmp_path / "identite.pdf"))
    expect(flash(page)).to_contain_text("« identite.pdf » est déposé")
    upload(page, ACCOMMODATION, make_pdf(tmp_path / "avis.pdf"))
    expect(flash(page)).to_contain_text("« avis.pdf » est déposé")
    lock(page)
    expect(flash(page)).to_contain_text("Vos pièces sont validées")
    card = open_cards(page, live_server)
    expect(card).not_to_contain_text(PIECE_NOTICE)  # nothing awaits the candidate

    office_decides(
        live_app, application_id(live_app, done.candidate), "identite", "non_conforme", "Flou"
    )
    page.reload()
    expect(card.get_by_role("note", name="Information")).to_contain_text(PIECE_NOTICE)
    open_pieces(page, live_server)
    upload(page, IDENTITY, make_png(tmp_path / "identite-nette.png"))
    expect(flash(page)).to_contain_text("« identite-nette.png » est déposé")
    lock(page)
    expect(flash(page)).to_contain_text("Vos pièces sont validées")

    card = open_cards(page, live_server)
    expect(card).not_to_contain_text(PIECE_NOTICE)  # answered: nothing awaits any more
    audited(axe)


def test_a_postal_piece_waits_for_the_office(page, axe, live_app, live_server, catalog, clock):
    register_cfg_with_accommodation(page, axe, live_app, live_server, catalog, clock)
    open_pieces(page, live_server)
    expect(status_of(page, SIGNED)).to_have_text("Statut : En attente de contrôle")
