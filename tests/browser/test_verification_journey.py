"""Verifying an issued document in a real Chromium (issue 14, part 2): the code printed
in a real confirmation (read with pypdf) opens its page, the same PDF dropped on it is
« identique », a modification makes version 1 « remplacée », a changed character or an
unknown code gives « Document inconnu » (404). Every page is audited with axe-core
(WCAG 2.1 A/AA), duplicate ids and 320 px reflow included."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_documents_journey import (
    CONFIRMATION,
    clock,  # noqa: F401 (fixture)
    download,
    pdf_text,
    register_cfg_with_accommodation,
)
from tests.browser.test_registration_journey import (
    audited,
    button,
    catalog,  # noqa: F401 (fixture)
    expect_step,
    field,
    heading,
    main,
    next_step,
)
from worker.rules import verification as codes

pytestmark = pytest.mark.browser

CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b")


def printed_code(page: Page, tmp_path) -> tuple[str, bytes]:
    """The confirmation from « Mes documents »: its printed code and its bytes."""
    data = download(page, page.get_by_role("link", name=f"{CONFIRMATION} [PDF]"), tmp_path)
    return CODE.findall(pdf_text(data))[0], data


def open_documents(page: Page) -> None:
    main(page).get_by_role("link", name="Voir mon inscription").click()
    expect(heading(page, "Mon inscription")).to_be_visible()
    main(page).get_by_role("link", name="Mes documents").click()
    expect(heading(page, "Mes documents")).to_be_visible()


def modify(page: Page, axe) -> None:
    """A new version of the application, so new documents (version 2)."""
    expect(heading(page, "Mon inscription")).to_be_visible()
    button(page, "Modifier").click()
    expect_step(page, 1, "Identification")
    field(page, "Localité").fill("Autre-Ville")
    next_step(page)
    expect_step(page, 2, "Informations candidature")
    next_step(page)
    expect_step(page, 3, "Récapitulatif")
    button(page, "Enregistrer").click()
    expect(heading(page, "Numéro d'inscription")).to_be_visible()
    audited(axe)


def test_verification_journey(page, axe, live_app, live_server, catalog, clock, tmp_path):  # noqa: F811
    register_cfg_with_accommodation(page, axe, live_app, live_server, catalog, clock)
    open_documents(page)
    code, data = printed_code(page, tmp_path)
    saved = tmp_path / "confirmation-v1.pdf"
    saved.write_bytes(data)

    # Genuine: the page from the printed code, then the same file dropped on it.
    response = page.goto(f"{live_server}/verifier/{code}")
    assert response.status == 200
    expect(heading(page, f"{CONFIRMATION} : document authentique")).to_be_visible()
    expect(main(page)).to_contain_text("Version en vigueur")
    expect(main(page)).to_contain_text(codes.sha256(data)[:8])
    audited(axe)
    page.get_by_label("Fichier PDF à comparer").set_input_files(saved)
    button(page, "Comparer le fichier").click()
    expect(page.get_by_role("status")).to_contain_text("Fichier identique")
    audited(axe)

    # Superseded: version 2 after a modification; version 1's code names it.
    page.goto(f"{live_server}/espace-candidat/inscriptions/001")
    modify(page, axe)
    open_documents(page)
    current, _data = printed_code(page, tmp_path)
    assert current != code
    page.goto(f"{live_server}/verifier/{code}")
    expect(main(page)).to_contain_text("Version remplacée")
    expect(main(page)).to_contain_text("la version 2 est celle en vigueur")
    audited(axe)

    # Tampered: one character changed.
    tampered = code[:-1] + ("1" if code[-1] != "1" else "2")
    response = page.goto(f"{live_server}/verifier/{tampered}")
    assert response.status == 404
    expect(heading(page, "Document inconnu")).to_be_visible()
    audited(axe)

    # Unknown, typed in the form: well signed but never issued.
    page.goto(f"{live_server}/verifier/")
    expect(heading(page, "Vérifier un document")).to_be_visible()
    audited(axe)
    never = codes.make_code(999_999, live_app.config["VERIFY_KEY"])
    page.get_by_label("Code de vérification").fill(never.replace("-", " ").lower())
    button(page, "Vérifier").click()
    expect(heading(page, "Document inconnu")).to_be_visible()
    audited(axe)

    # A code of the wrong shape stays on the form, with its error.
    page.get_by_role("link", name="Saisir un autre code").click()
    page.get_by_label("Code de vérification").fill("ABC")
    button(page, "Vérifier").click()
    expect(page.get_by_role("alert")).to_contain_text("Ce code n'a pas la forme")
    audited(axe)
