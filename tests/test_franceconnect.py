"""FranceConnect sign-up and sign-in, against a real OpenID Connect provider on loopback.

The provider is the npm package oidc-provider run by tests/oidc/provider.js; the portal is
the Flask test client, the provider's pages are visited over HTTP (tests/oidc/harness.py).
Every failure is produced with the real provider: a callback altered or replayed, an
authorization request altered in transit (nonce), an identity authenticated at a level the
portal does not accept, a provider signing with a key it does not publish, a provider that
is down or silent.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import make_app, stop_mail
from tests.forms import FormClient, text
from tests.mailbox import free_port, link_in
from tests.oidc.harness import CALLBACK, Provider, Visit, query_of, replace_query
from tests.test_accounts import identity as form_identity
from tests.test_accounts import path_of
from worker.store import accounts, db

PORTAL = f"http://127.0.0.1:{free_port()}"  # never listened on: the test client serves it
LOGIN = "/espace-candidat/connexion"
SIGNUP = "/espace-candidat/creer-un-compte"
START = "/espace-candidat/franceconnect/connexion"
MARIE = "marie.dupont@exemple.fr"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    running = Provider([PORTAL]).start()
    yield running
    running.stop()


@pytest.fixture
def fc_app(tmp_path, site_dir, mailbox, provider):
    application = make_app(
        tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL, **provider.settings()
    )
    yield application
    stop_mail(application)


@pytest.fixture
def fc_client(fc_app) -> FormClient:
    return FormClient(fc_app.test_client())


def visit(fc_client) -> Visit:
    return Visit(fc_client, PORTAL)


def account_rows(app) -> list[accounts.Account]:
    with app.app_context():
        database = db.get()
        return [
            accounts.by_id(database, r["id"]) for r in database.query("SELECT id FROM accounts")
        ]


def linked(app, account_id: int) -> bool:
    with app.app_context():
        return accounts.is_franceconnect(db.get(), account_id)


def button_token(client) -> str:
    """The CSRF token of the FranceConnect button's form, on the login page."""
    html = client.get(LOGIN).get_data(as_text=True)
    return re.search(r'franceconnect/connexion"[^>]*>\s*<input[^>]*value="([^"]+)"', html).group(1)


def create_and_activate(client, mailbox, user: str = "marie", email: str = MARIE):
    """First FranceConnect sign-in, then the activation link of the mail."""
    before = mailbox.count()
    created = visit(client).sign_in(user)
    assert created.status_code == 201, text(created)
    link = path_of(link_in(mailbox.last_to(email, "Activer mon compte", after=before)))
    activated = client.submit(link)
    assert "Votre compte est activé" in text(activated)
    return created


# -- the button ------------------------------------------------------------------------------


def test_the_button_is_hidden_while_franceconnect_is_not_configured(client):
    for page in (LOGIN, SIGNUP):
        assert "FranceConnect" not in text(client.get(page))
    assert client.http.post(START).status_code == 404
    assert client.get(CALLBACK + "?code=x&state=y").status_code == 404


def test_login_and_signup_pages_offer_franceconnect(fc_client):
    login = fc_client.get(LOGIN).get_data(as_text=True)
    signup = fc_client.get(SIGNUP).get_data(as_text=True)
    for html in (login, signup):
        assert 'class="franceconnect-button"' in html
        assert 'href="https://franceconnect.gouv.fr/"' in html
        assert "Qu'est-ce que FranceConnect ?" in html
    assert (
        "Utilisez cet accès uniquement si vous avez créé votre compte avec FranceConnect" in login
    )
    assert "Créer mon compte via FranceConnect" in signup


def test_the_authorization_request_follows_the_franceconnect_rules(fc_client, provider):
    url = visit(fc_client).start()
    assert url.startswith(f"{provider.issuer}/auth?")
    query = query_of(url)
    assert query["response_type"] == "code"
    assert query["client_id"] == "portail-test"
    assert query["redirect_uri"] == PORTAL + CALLBACK
    assert query["scope"].split() == [
        "openid", "given_name", "family_name", "birthdate", "gender", "birthplace",
        "birthcountry", "email",
    ]  # fmt: skip
    assert query["acr_values"] == "eidas1"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32


def test_pages_let_their_forms_redirect_to_the_provider_only(fc_client, provider, client):
    csp = fc_client.get(LOGIN).headers["Content-Security-Policy"]
    assert f"form-action 'self' {provider.issuer};" in csp
    assert "form-action 'self';" in client.get(LOGIN).headers["Content-Security-Policy"]


# -- accounts --------------------------------------------------------------------------------


def test_first_sign_in_creates_the_account_from_the_pivot_identity(fc_app, fc_client, mailbox):
    before = mailbox.count()
    response = visit(fc_client).sign_in("marie")
    assert response.status_code == 201
    assert "Votre compte est en cours de création" in text(response)
    assert MARIE in text(response)
    [account] = account_rows(fc_app)
    assert (account.email, account.status) == (MARIE, "pending")
    assert account.civility == "MME"
    assert (account.last_name, account.first_names, account.usual_name) == (
        "Dupont", "Marie Louise", ""
    )  # fmt: skip
    assert account.birth_date == "1990-05-14"
    assert (account.birth_country, account.birth_departement) == ("FR", "35")
    assert (account.birth_commune, account.birth_commune_name) == ("35238", "Rennes")
    assert linked(fc_app, account.id)
    mail = mailbox.last_to(MARIE, "Activer mon compte", after=before)
    assert "/espace-candidat/activer/" in link_in(mail)


def test_a_signed_userinfo_is_verified_and_read(tmp_path, site_dir, mailbox, monkeypatch):
    """FranceConnect's current platform answers userinfo with a signed JWT."""
    from worker.web import oidc

    verified = []
    original = oidc._signed_userinfo
    monkeypatch.setattr(
        oidc, "_signed_userinfo", lambda *args: verified.append(1) or original(*args)
    )
    signing = Provider([PORTAL], signed_userinfo=True).start()
    application = make_app(
        tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL, **signing.settings()
    )
    try:
        response = visit(FormClient(application.test_client())).sign_in("karl")
        assert response.status_code == 201, text(response)
        [account] = account_rows(application)
        assert (account.first_names, account.birth_country) == ("Karl Heinz", "DE")
        assert verified == [1]
    finally:
        stop_mail(application)
        signing.stop()


def test_a_country_of_birth_abroad_comes_from_its_insee_code(fc_app, fc_client):
    assert visit(fc_client).sign_in("karl").status_code == 201
    [account] = account_rows(fc_app)
    assert (account.birth_country, account.birth_commune, account.birth_commune_name) == (
        "DE", "", ""
    )  # fmt: skip
    assert (account.last_name, account.civility) == ("Müller", "M")


def test_an_unknown_insee_country_creates_nothing(fc_app, fc_client):
    response = visit(fc_client).sign_in("ines")
    assert response.status_code == 422
    assert "99998" in text(response) and "formulaire" in text(response)
    assert account_rows(fc_app) == []


def test_the_same_identity_reaches_the_same_account(fc_app, fc_client, mailbox):
    create_and_activate(fc_client, mailbox)
    [account] = account_rows(fc_app)
    for _ in range(2):  # each time a new browser: a new session at the provider as well
        browser = FormClient(fc_app.test_client())
        response = visit(browser).sign_in("marie")
        assert response.status_code == 303 and response.headers["Location"].endswith(
            "/espace-candidat/"
        )
        home = browser.get("/espace-candidat/")
        assert "DUPONT Marie Louise" in text(home)
    assert [a.id for a in account_rows(fc_app)] == [account.id]


def test_a_pending_account_gets_its_activation_link_again(fc_app, fc_client, mailbox):
    assert visit(fc_client).sign_in("marie").status_code == 201
    before = mailbox.count()
    browser = FormClient(fc_app.test_client())
    again = visit(browser).sign_in("marie")
    assert again.status_code == 200 and "Votre compte n'est pas activé" in text(again)
    assert mailbox.last_to(MARIE, "Activer mon compte", after=before)
    assert len(account_rows(fc_app)) == 1
    assert browser.get("/espace-candidat/").status_code == 302  # not signed in


def test_an_account_never_activated_is_purged_with_its_identity(fc_app, fc_client):
    assert visit(fc_client).sign_in("marie").status_code == 201
    [account] = account_rows(fc_app)
    fc_app.config["NOW"] = lambda: datetime.now(UTC) + timedelta(hours=49)
    with fc_app.app_context():
        database = db.get()
        with db.transaction(database):
            assert accounts.purge_unactivated(database, timedelta(hours=48)) == 1
        assert accounts.by_franceconnect(database, provider_issuer(fc_app), "marie") is None
    fc_app.config.pop("NOW")
    assert not linked(fc_app, account.id)
    again = visit(FormClient(fc_app.test_client())).sign_in("marie")
    assert again.status_code == 201  # a fresh start, as after the form's 48 hours


def provider_issuer(app) -> str:
    return app.config["FRANCECONNECT_ISSUER"]


def test_an_address_of_a_form_made_account_is_never_linked(fc_app, fc_client, mailbox):
    data = form_identity(email="paul.lamy@exemple.fr", email_confirm="paul.lamy@exemple.fr")
    assert fc_client.submit(SIGNUP, data).status_code == 303
    [existing] = account_rows(fc_app)
    response = visit(fc_client).sign_in("paul")
    assert response.status_code == 409
    page = text(response)
    assert "paul.lamy@exemple.fr" in page and "sert déjà d'identifiant" in page
    assert "ne peut pas être rattaché à FranceConnect" in page
    assert 'href="/espace-candidat/connexion"' in response.get_data(as_text=True)
    assert [a.id for a in account_rows(fc_app)] == [existing.id]
    assert not linked(fc_app, existing.id)


def test_the_identity_from_franceconnect_is_locked(fc_app, fc_client, mailbox):
    create_and_activate(fc_client, mailbox)
    assert visit(fc_client).sign_in("marie").status_code == 303
    shown = fc_client.get("/espace-candidat/compte/identite")
    assert shown.status_code == 303
    assert shown.headers["Location"].endswith("/espace-candidat/franceconnect/identite")
    page = fc_client.get("/espace-candidat/franceconnect/identite")
    assert "ne peut pas être modifiée" in text(page)
    assert "Rennes (35)" in text(page)
    html = page.get_data(as_text=True)
    assert 'name="last_name"' not in html and 'name="usual_name"' in html
    changed = form_identity(last_name="Durand", last_name_confirm="Durand")
    refused = fc_client.http.post(
        "/espace-candidat/compte/identite",
        data={"csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
              .group(1), **changed},
    )  # fmt: skip
    assert refused.status_code == 403 and "pas modifiables" in text(refused)
    saved = fc_client.submit("/espace-candidat/franceconnect/identite", {"usual_name": "Martin"})
    assert saved.status_code == 303
    [account] = account_rows(fc_app)
    assert (account.last_name, account.usual_name) == ("Dupont", "Martin")


def test_a_franceconnect_account_has_no_usable_password(fc_app, fc_client, mailbox):
    create_and_activate(fc_client, mailbox)
    response = fc_client.submit(
        LOGIN, {"login": MARIE, "password": "un mot de passe qui ne sert à rien"}
    )
    assert response.status_code == 400 and "Identifiant ou mot de passe incorrect" in text(response)


# -- failures --------------------------------------------------------------------------------


def test_cancelling_at_the_provider(fc_app, fc_client):
    browser = visit(fc_client)
    url = browser.start()
    interaction = browser.web.get(url, allow_redirects=False, timeout=10).headers["Location"]
    callback = browser.cancel(f"{url.split('/auth')[0]}{interaction}")
    assert query_of(callback)["error"] == "access_denied"
    response = browser.callback(callback)
    assert response.status_code == 403
    assert "Connexion FranceConnect annulée" in text(response)
    assert 'href="/espace-candidat/creer-un-compte"' in response.get_data(as_text=True)
    assert account_rows(fc_app) == []


def test_a_tampered_state_is_refused(fc_app, fc_client):
    browser = visit(fc_client)
    callback = browser.at_provider(browser.start())
    response = browser.callback(replace_query(callback, state="x" * 43))
    assert response.status_code == 400
    assert "Cette demande de connexion n'est plus valable" in text(response)
    assert account_rows(fc_app) == []


def test_a_callback_from_another_issuer_is_refused(fc_app, fc_client):
    browser = visit(fc_client)
    callback = browser.at_provider(browser.start())
    response = browser.callback(replace_query(callback, iss="http://127.0.0.1:1"))
    assert response.status_code == 400
    assert account_rows(fc_app) == []


def test_a_replayed_callback_is_refused(fc_app, fc_client):
    browser = visit(fc_client)
    callback = browser.at_provider(browser.start())
    assert browser.callback(callback).status_code == 201
    replayed = browser.callback(callback)
    assert replayed.status_code == 400
    assert "n'est plus valable" in text(replayed)
    assert len(account_rows(fc_app)) == 1


def test_a_new_attempt_replaces_the_pending_one(fc_app, fc_client):
    browser = visit(fc_client)
    abandoned = browser.at_provider(browser.start())
    current = browser.at_provider(browser.start())  # the provider remembers the person
    assert query_of(abandoned)["code"] != query_of(current)["code"]
    assert browser.callback(abandoned).status_code == 400
    assert browser.callback(current).status_code == 201
    assert [a.email for a in account_rows(fc_app)] == [MARIE]


def test_a_provider_gone_before_the_callback(tmp_path, site_dir, mailbox):
    """Discovered, then down when the code is to be exchanged: 503, nothing created."""
    short_lived = Provider([PORTAL]).start()
    application = make_app(
        tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL, **short_lived.settings()
    )
    try:
        browser = visit(FormClient(application.test_client()))
        callback = browser.at_provider(browser.start())
        short_lived.stop()
        response = browser.callback(callback)
        assert response.status_code == 503 and response.headers["Retry-After"] == "120"
        assert "FranceConnect est indisponible" in text(response)
        assert account_rows(application) == []
    finally:
        stop_mail(application)
        short_lived.stop()


def test_a_replayed_code_is_refused_by_the_provider(fc_app, fc_client):
    """The used code sent again with a fresh, valid state: the token endpoint says no."""
    browser = visit(fc_client)
    first = browser.at_provider(browser.start(), "karl")
    assert browser.callback(first).status_code == 201
    second = browser.at_provider(browser.start(), "marie")
    replay = replace_query(second, code=query_of(first)["code"])
    response = browser.callback(replay)
    assert response.status_code == 400
    assert "a expiré ou a déjà servi" in text(response)
    assert [a.email for a in account_rows(fc_app)] == ["karl.muller@exemple.fr"]


def test_a_wrong_nonce_is_refused(fc_app, fc_client, caplog):
    """The nonce altered in transit: the provider signs it, the portal does not know it."""
    browser = visit(fc_client)
    url = replace_query(browser.start(), nonce="n" * 43)
    response = browser.callback(browser.at_provider(url))
    assert response.status_code == 403
    assert "La réponse de FranceConnect a été refusée" in text(response)
    assert "InvalidClaimError" in caplog.text and "nonce" in caplog.text
    assert account_rows(fc_app) == []


@pytest.mark.parametrize("acr", ["eidas0", "inconnu"])
def test_an_unknown_acr_is_refused(fc_app, fc_client, acr):
    browser = visit(fc_client)
    response = browser.callback(browser.at_provider(browser.start(), acr=acr))
    assert response.status_code == 403
    assert "Niveau de sécurité insuffisant" in text(response)
    assert account_rows(fc_app) == []


def test_a_level_below_the_configured_one_is_refused(tmp_path, site_dir, mailbox, provider):
    application = make_app(
        tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL,
        **provider.settings(FRANCECONNECT_ACR="eidas2"),
    )  # fmt: skip
    try:
        browser = visit(FormClient(application.test_client()))
        url = browser.start()
        assert query_of(url)["acr_values"] == "eidas2"
        response = browser.callback(browser.at_provider(url, acr="eidas1"))
        assert response.status_code == 403 and "Niveau de sécurité" in text(response)
        assert account_rows(application) == []
    finally:
        stop_mail(application)


def test_an_id_token_signed_with_an_unpublished_key_is_refused(tmp_path, site_dir, mailbox, caplog):
    rogue = Provider([PORTAL], rogue_keys=True).start()
    application = make_app(
        tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL, **rogue.settings()
    )
    try:
        browser = visit(FormClient(application.test_client()))
        response = browser.callback(browser.at_provider(browser.start()))
        assert response.status_code == 403
        assert "Sa signature ou son contenu ne sont pas valables" in text(response)
        assert "BadSignatureError" in caplog.text
        assert account_rows(application) == []
    finally:
        stop_mail(application)
        rogue.stop()


def test_a_provider_that_is_down(tmp_path, site_dir, mailbox, provider):
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    application = make_app(
        tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL,
        **provider.settings(FRANCECONNECT_ISSUER=closed),
    )  # fmt: skip
    try:
        client = FormClient(application.test_client())
        token = button_token(client)
        down = client.http.post(START, data={"csrf_token": token})
        assert down.status_code == 503 and down.headers["Retry-After"] == "120"
        assert "FranceConnect est indisponible" in text(down)
        assert 'href="/espace-candidat/connexion"' in down.get_data(as_text=True)
    finally:
        stop_mail(application)


def test_a_discovery_document_of_another_issuer_is_not_trusted(
    tmp_path, site_dir, mailbox, provider, caplog
):
    """The document at the configured address names another issuer: never used."""
    other_name = provider.issuer.replace("127.0.0.1", "localhost")
    application = make_app(
        tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL,
        **provider.settings(FRANCECONNECT_ISSUER=other_name),
    )  # fmt: skip
    try:
        client = FormClient(application.test_client())
        response = client.http.post(START, data={"csrf_token": button_token(client)})
        assert response.status_code == 503
        assert "FranceConnect est indisponible" in text(response)
        assert f"discovery names issuer '{provider.issuer}'" in caplog.text
    finally:
        stop_mail(application)


def test_a_provider_that_does_not_answer_times_out(tmp_path, site_dir, mailbox, provider):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        port = silent.getsockname()[1]
        application = make_app(
            tmp_path / "data", site_dir, mailbox, BASE_URL=PORTAL,
            **provider.settings(
                FRANCECONNECT_ISSUER=f"http://127.0.0.1:{port}", FRANCECONNECT_TIMEOUT=0.5
            ),
        )  # fmt: skip
        try:
            client = FormClient(application.test_client())
            token = button_token(client)
            began = time.monotonic()
            response = client.http.post(START, data={"csrf_token": token})
            assert response.status_code == 503
            assert time.monotonic() - began < 5
        finally:
            stop_mail(application)


def test_starting_without_the_form_token_is_refused(fc_client):
    response = fc_client.http.post(START)
    assert response.status_code == 400
    assert "Recommencez depuis le bouton FranceConnect" in text(response)


# -- logout ----------------------------------------------------------------------------------


def test_logout_ends_the_session_here_and_at_the_provider(fc_app, fc_client, mailbox, provider):
    create_and_activate(fc_client, mailbox)
    browser = visit(fc_client)
    assert browser.callback(browser.at_provider(browser.start())).status_code == 303
    home = fc_client.get("/espace-candidat/").get_data(as_text=True)
    assert 'action="/espace-candidat/franceconnect/deconnexion"' in home
    token = re.search(r'deconnexion"[^>]*>\s*<input[^>]*value="([^"]+)"', home).group(1)
    out = fc_client.http.post(
        "/espace-candidat/franceconnect/deconnexion", data={"csrf_token": token}
    )
    assert out.status_code == 302
    end_session = out.headers["Location"]
    assert end_session.startswith(f"{provider.issuer}/session/end?")
    query = query_of(end_session)
    assert query["post_logout_redirect_uri"] == f"{PORTAL}/espace-candidat/franceconnect/deconnecte"
    assert query["id_token_hint"].count(".") == 2 and len(query["state"]) >= 32
    assert fc_client.get("/espace-candidat/").status_code == 302  # signed out here already
    back = browser.logout_at_provider(end_session)
    assert query_of(back)["state"] == query["state"]
    returned = browser.callback(back)
    assert returned.status_code == 303
    assert "Vous êtes déconnecté du portail et de FranceConnect" in text(fc_client.get(LOGIN))
    # The provider's session is over too: signing in again asks for the identity again.
    again = browser.web.get(browser.start(), allow_redirects=True, timeout=10)
    assert "Choisissez l'identité de test" in again.text


def test_a_logout_return_with_another_state_is_refused(fc_client):
    response = fc_client.get("/espace-candidat/franceconnect/deconnecte?state=inconnu")
    assert response.status_code == 400
    assert "n'est pas valable" in text(response)
