"""The « Headers » rules of SECURITY.md, checked over HTTP against the worker: no-store on
everything carrying personal data, HSTS and ``__Host-`` cookies over https only, and
downloads that a browser can neither sniff nor run."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.conftest import make_app, stop_mail
from tests.forms import FormClient, text
from tests.test_registration import open_academy
from tests.test_uploads import Portal, pdf, registered
from worker.rules import passwords
from worker.store import db, staff

HTTPS = "https://portail.example.fr"
STAFF_PASSWORD = "Gestion!2027-Entetes"
PAGE_CSP = "default-src 'self'"


@pytest.fixture
def https_app(tmp_path, site_dir, mailbox):
    application = make_app(tmp_path / "data", site_dir, mailbox, BASE_URL=HTTPS)
    yield application
    stop_mail(application)


@pytest.fixture(scope="module")
def uploaded(tmp_path_factory, site_dir, mailbox) -> tuple[Portal, str]:
    """A candidate with a CFG application and one uploaded PDF; the URL of its download
    (one registration for the module: it takes a while)."""
    app = make_app(tmp_path_factory.mktemp("headers-data"), site_dir, mailbox)
    portal = registered(app)
    assert portal.upload("attestation.pdf", pdf(5_000)).status_code == 303
    html = portal.client.get(portal.page).get_data(as_text=True)
    url = re.search(rf'href="({re.escape(portal.page)}/fichiers/\d+)"', html).group(1)
    yield portal, url
    stop_mail(app)


def staff_client(app, academies: list[str], base_url: str = "http://localhost") -> FormClient:
    email = f"entetes.{uuid.uuid4().hex[:6]}@ac-test.fr"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, "Gestion en-têtes", passwords.hash_password(STAFF_PASSWORD),
                academies,
            )  # fmt: skip
    client = FormClient(app.test_client())
    client.http.environ_base["wsgi.url_scheme"] = base_url.split(":", 1)[0]
    response = client.submit("/gestion/connexion", {"login": email, "password": STAFF_PASSWORD})
    assert response.status_code == 303, text(response)
    return client


def office_file_url(portal: Portal) -> str:
    with portal.app.app_context():
        application_id, file_id = (
            db.get()
            .execute(
                "SELECT p.application_id, f.id FROM piece_files f"
                " JOIN pieces p ON p.id = f.piece_id ORDER BY f.id DESC LIMIT 1"
            )
            .fetchone()
        )
    return f"/gestion/candidatures/{application_id}/fichiers/{file_id}"


# -- Cache-Control: no-store ---------------------------------------------------------------


def test_back_office_pages_are_never_cached(client):
    """SECURITY.md, Headers: `Cache-Control: no-store` on every response carrying personal
    data — the back office too, from its login page on."""
    for url in ("/gestion/connexion", "/gestion/candidatures", "/gestion/inexistant"):
        response = client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url


def test_back_office_csv_export_and_downloads_are_never_cached(uploaded):
    """SECURITY.md, Headers: `Cache-Control: no-store` on exports and downloads."""
    portal, _ = uploaded
    app = portal.app
    office = staff_client(app, [open_academy(app, "cfg", "juin-2027")])
    export = office.get("/gestion/candidatures/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert export.headers["Cache-Control"] == "no-store"
    download = office.get(office_file_url(portal))
    assert download.status_code == 200 and download.get_data() == pdf(5_000)
    assert download.headers["Cache-Control"] == "no-store"


def test_the_public_site_stays_cacheable(client):
    """SECURITY.md, Headers: no-store is for personal data only; public pages may be cached."""
    response = client.get("/")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


# -- downloads: nosniff and a sandbox CSP --------------------------------------------------


def test_candidate_downloads_are_sandboxed_and_not_sniffed(uploaded):
    """SECURITY.md, Input and files: uploads served as attachments with
    `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`."""
    portal, url = uploaded
    download = portal.client.get(url)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers.getlist("Content-Security-Policy") == ["sandbox"]
    assert download.headers["Cache-Control"] == "no-store"
    page = portal.client.get(portal.page)  # the page itself keeps the page CSP
    assert page.headers["Content-Security-Policy"].startswith(PAGE_CSP)


def test_office_downloads_and_exports_are_sandboxed_and_not_sniffed(uploaded):
    """SECURITY.md, Input and files: every attachment, the back office's included, gets
    `nosniff` and `Content-Security-Policy: sandbox` instead of the page CSP."""
    portal, _ = uploaded
    app = portal.app
    office = staff_client(app, [open_academy(app, "cfg", "juin-2027")])
    for url in (office_file_url(portal), "/gestion/candidatures/export.csv"):
        response = office.get(url)
        assert response.status_code == 200, url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers.getlist("Content-Security-Policy") == ["sandbox"], url


# -- https: HSTS and __Host- cookies -------------------------------------------------------


def test_hsts_over_https_only(https_app, app):
    """SECURITY.md, Headers: HSTS when served over https (and never on a plain-http run,
    where it would lock a local browser out of http://127.0.0.1)."""
    client = https_app.test_client()
    for url in ("/espace-candidat/connexion", "/gestion/connexion", "/"):
        response = client.get(url, base_url=HTTPS)
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=63072000; includeSubDomains"
        ), url
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers


def session_cookie(response) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if "portail_session" in c]
    return cookie


def test_session_cookie_has_the_host_prefix_over_https(https_app):
    """SECURITY.md, Headers: `__Host-` cookie names when served over https: Secure,
    Path=/ and no Domain, so a sibling subdomain can neither set nor read it."""
    client = FormClient(https_app.test_client())
    client.http.environ_base["wsgi.url_scheme"] = "https"
    response = client.get("/espace-candidat/connexion")
    cookie = session_cookie(response)
    assert cookie.startswith("__Host-portail_session=")
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes
    assert not [a for a in attributes if a.startswith("domain")]


def test_the_host_cookie_carries_a_staff_session_over_https(https_app):
    """SECURITY.md, Headers: the renamed cookie still signs a member in (HttpOnly,
    SameSite=Lax, Secure)."""
    office = staff_client(https_app, ["A"], base_url=HTTPS)
    cookie = office.http.get_cookie("__Host-portail_session")
    assert cookie is not None and cookie.secure and cookie.http_only
    assert office.http.get_cookie("portail_session") is None
    assert office.get("/gestion/candidatures").status_code == 200


def test_plain_http_runs_keep_the_plain_cookie(client):
    """SECURITY.md, Headers: Secure and `__Host-` only over https: a local http run works."""
    cookie = session_cookie(client.get("/espace-candidat/connexion"))
    assert cookie.startswith("portail_session=")
    assert "secure" not in cookie.lower()
