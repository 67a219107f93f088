"""FranceConnect in a real Chromium: create an account, sign out everywhere, come back,
register for an exam.

The portal runs on a free loopback port beside the test OpenID Connect provider
(tests/oidc/provider.js, the npm package oidc-provider), whose identity page is clicked
through as a person would. The browser keeps the pages' Content-Security-Policy (no
bypass), so the redirects to the provider after our forms are checked as they would be in
production. Every page of the portal met on the way is audited with axe-core.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_registration_journey import (
    Candidate,
    expect_number_page,
    open_choice,
    register_cfg,
)
from tests.conftest import make_app, stop_mail
from tests.mailbox import link_in
from tests.oidc.harness import Provider

pytestmark = pytest.mark.browser

CAMILLE = "camille.bernard@exemple.fr"
FC_BUTTON = "S'identifier avec FranceConnect"


@pytest.fixture(scope="module")
def fc_live(tmp_path_factory, site_dir, mailbox) -> Iterator[tuple]:
    """(app, base URL, provider): the worker listening first, so that the provider knows
    its redirect URIs, then configured for that provider."""
    from werkzeug.serving import make_server

    application = make_app(tmp_path_factory.mktemp("fc-live"), site_dir, mailbox)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    base = f"http://127.0.0.1:{server.port}"
    provider = Provider([base]).start()
    application.config.update(BASE_URL=base, **provider.settings())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield application, base, provider
    server.shutdown()
    thread.join()
    provider.stop()
    stop_mail(application)


@pytest.fixture
def strict_page(browser) -> Iterator[Page]:
    """A page that obeys the portal's CSP (the shared fixture bypasses it for axe)."""
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def strict_axe(strict_page, axe_source):
    """axe-core evaluated through the DevTools protocol, which the page's CSP does not block."""
    from tests.conftest import AXE_TAGS

    def run(target=None) -> list[dict]:
        target = target or strict_page
        if not target.evaluate("() => typeof window.axe !== 'undefined'"):
            target.evaluate(axe_source)
        result = target.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [{"id": v["id"], "help": v["help"]} for v in result["violations"]]

    return run


def heading(page: Page, text: str):
    return page.get_by_role("heading", level=1, name=text, exact=True)


def through_provider(page: Page, who: str | None) -> None:
    """At the test provider: choose the identity if it asks (a remembered session may not)."""
    if who is not None:
        expect(page.get_by_role("heading", name="Fournisseur d'identité de test")).to_be_visible()
        page.get_by_role("button", name=who).click()


def test_create_sign_out_come_back_and_register(fc_live, strict_page, strict_axe, mailbox):
    app, base, _provider = fc_live
    page = strict_page

    # « Je n'ai pas de compte, je le crée » → « Via FranceConnect »
    page.goto(base + "/espace-candidat/creer-un-compte")
    expect(
        page.get_by_role("heading", level=2, name="Créer mon compte via FranceConnect")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Qu'est-ce que FranceConnect ? (nouvelle fenêtre)")
    ).to_have_attribute("href", "https://franceconnect.gouv.fr/")
    assert strict_axe() == []
    before = mailbox.count()
    page.get_by_role("button", name=FC_BUTTON).click()
    through_provider(page, "Camille Anne Bernard")
    expect(heading(page, "Votre compte est en cours de création")).to_be_visible()
    expect(page.locator("main")).to_contain_text(CAMILLE)
    assert strict_axe() == []

    # The address FranceConnect gave is confirmed with the activation link.
    page.goto(link_in(mailbox.last_to(CAMILLE, "Activer mon compte", after=before)))
    page.get_by_role("button", name="Activer mon compte").click()
    expect(heading(page, "Votre compte est activé")).to_be_visible()
    number = re.search(r"0\d{10}", page.locator("main").inner_text()).group(0)

    # Sign in: the provider remembers Camille, so it may come straight back.
    page.get_by_role("link", name="J'ai un compte, je me connecte").click()
    expect(heading(page, "Me connecter")).to_be_visible()
    assert strict_axe() == []
    page.get_by_role("button", name=FC_BUTTON).click()
    expect(heading(page, "Mon espace candidat")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("BERNARD Camille Anne")
    expect(page.locator("main")).to_contain_text(number)

    # « Modifier mon compte »: the identity is the State's, read-only.
    page.get_by_role("link", name="Modifier mon compte").click()
    page.get_by_role("link", name="Modifier mes informations personnelles").click()
    expect(heading(page, "Mes informations personnelles")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Marseille (13)")
    expect(page.get_by_label("Nom de famille")).to_have_count(0)
    assert strict_axe() == []

    # « Se déconnecter »: here, then at the provider, then back on the login page.
    page.get_by_role("button", name="Se déconnecter").click()
    expect(
        page.get_by_role("heading", name="Déconnexion du fournisseur d'identité de test")
    ).to_be_visible()
    page.get_by_role("button", name="Me déconnecter").click()
    expect(heading(page, "Me connecter")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Vous êtes déconnecté du portail et de FranceConnect."
    )
    assert strict_axe() == []

    # Again: the provider's session is over, so it asks who; the same account comes back.
    page.get_by_role("button", name=FC_BUTTON).click()
    through_provider(page, "Camille Anne Bernard")
    expect(heading(page, "Mon espace candidat")).to_be_visible()
    expect(page.locator("main")).to_contain_text(number)

    # And register for the CFG, as any candidate does.
    catalog = app.extensions["catalog"]()
    choice = open_choice(
        catalog, lambda moment: app.config.update(NOW=lambda: moment), "cfg", "juin-2027"
    )
    try:
        register_cfg(page, strict_axe, catalog, choice)
        expect_number_page(page, Candidate(CAMILLE, number, "BERNARD Camille Anne"), choice, "001")
        assert strict_axe() == []
    finally:
        app.config.pop("NOW", None)
