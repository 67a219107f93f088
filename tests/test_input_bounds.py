"""Every number taken from a URL is bounded (issue 16): hostile page numbers and ids are a
400 or a 404 with the French error page, never a 500, on candidate and office routes."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_app, stop_mail
from tests.forms import text
from tests.test_office_access import staff_member
from tests.test_uploads import registered
from worker.store import db

HUGE = [
    "99999999999999999999",
    str(2**63),
    "-1",
    "0",
    "abc",
    "1e3",
    "１２",
]
PAGES = [*HUGE, "00000000000000000000001", "", " 1", "1.5", "0x10", "١"]


@pytest.fixture(scope="module")
def world(tmp_path_factory, site_dir, mailbox):
    """A candidate with an application and a staff member of its académie."""
    app = make_app(tmp_path_factory.mktemp("bounds-data"), site_dir, mailbox)
    portal = registered(app)
    with app.app_context():
        academy = db.get().execute("SELECT academy FROM applications").fetchone()[0]
    yield portal, staff_member(app, "bornes", [academy])
    stop_mail(app)


def refused(response) -> None:
    assert response.status_code in (400, 404), response.status_code
    shown = text(response)
    assert "Erreur du service" not in shown
    assert "Page introuvable" in shown or "Requête" in shown or "Erreur" in shown


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize(
    "route",
    [
        "{page}/../documents/{v}",
        "{page}/fichiers/{v}",
        "/espace-candidat/brouillon/{v}/identification",
    ],
)
def test_candidate_routes_refuse_hostile_ids(world, route, value):
    """SECURITY.md, input and files: bad input gets a 4xx, never a 500 (ids beyond
    SQLite's 64-bit integers included)."""
    portal, _ = world
    url = route.format(page=portal.page, v=value).replace("/justificatifs/../", "/")
    refused(portal.client.http.get(url))


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize(
    "route",
    [
        "/gestion/candidatures/{v}",
        "/gestion/candidatures/{v}/fichiers/1",
        "/gestion/candidatures/1/documents/{v}",
        "/gestion/publication/{v}",
        "/gestion/eleves/imports/{v}",
        "/gestion/eleves/papillons/{v}",
    ],
)
def test_office_routes_refuse_hostile_ids(world, route, value):
    """SECURITY.md, input and files: bad input gets a 4xx, never a 500."""
    _, office = world
    refused(office.http.get(route.format(v=value)))


@pytest.mark.parametrize("value", [v for v in PAGES if v])
def test_office_page_numbers_are_bounded(world, value):
    """SECURITY.md, input and files: a page number that is not one is a 400, never a 500."""
    _, office = world
    response = office.http.get("/gestion/candidatures", query_string={"page": value})
    assert response.status_code == 400, response.status_code
    assert "Erreur du service" not in text(response)


def test_a_real_page_number_still_works(world):
    """SECURITY.md, input and files: validation keeps good input working."""
    _, office = world
    assert office.http.get("/gestion/candidatures?page=1").status_code == 200
    assert office.http.get("/gestion/candidatures?page=").status_code == 200


@pytest.mark.parametrize(
    "path", ["/gestion/candidatures", "/gestion/journal", "/gestion/a-traiter"]
)
def test_a_page_past_the_last_leads_to_the_last(world, path):
    """« page 999999 sur 1 » showing nothing would read as « no result »: the list's last
    page is shown instead, with the same filters."""
    _, office = world
    beyond = office.http.get(path, query_string={"page": "999999", "query": "x"})
    assert beyond.status_code == 303
    assert beyond.headers["Location"] == f"{path}?page=1&query=x"
    assert office.get(beyond.headers["Location"]).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/gestion/candidatures?query=%00",
        "/gestion/journal?candidate=a%00b",
        "/gestion/a-traiter?session=%00",
        "/gestion/tableau-de-bord?session=x%00",
        "/gestion/a-traiter/1/%00",
        "/espace-candidat/inscriptions?x=%00",
    ],
)
def test_a_nul_character_in_a_url_is_never_a_500(world, url):
    """SECURITY.md, input and files: PostgreSQL refuses NUL in text (a 400 then); SQLite
    finds nothing with it. Either way the page says so, and the next request works."""
    portal, office = world
    for client in (portal.client, office):
        response = client.http.get(url)
        assert response.status_code in (200, 302, 303, 400, 403, 404), (url, response.status_code)
        assert "Erreur du service" not in text(response)
        assert client.http.get("/espace-candidat/inscriptions").status_code in (200, 302)


def test_filters_lose_control_and_invisible_characters(world):
    """SECURITY.md, input normalised: a NUL or a right-to-left override typed (or pasted)
    in a filter never reaches the page, the journal or its export."""
    _, office = world
    typed = "Ma\x00r\u202etin\u200b "
    page = office.http.get("/gestion/candidatures", query_string={"query": typed})
    assert page.status_code == 200 and 'value="Martin"' in page.get_data(as_text=True)
    exported = office.http.get("/gestion/candidatures/export.csv", query_string={"query": typed})
    assert exported.status_code == 200
    with office.http.application.app_context():
        (after,) = (
            db.get()
            .execute(
                "SELECT after FROM audit WHERE action = 'applications.export' ORDER BY id DESC"
            )
            .fetchone()
        )
    assert json.loads(after)["filters"]["query"] == "Martin"
    journal = office.get("/gestion/journal?candidate=%E2%80%AEx%00y").get_data(as_text=True)
    assert 'value="xy"' in journal and "\u202e" not in journal


@pytest.mark.parametrize("value", [v for v in PAGES if v])
@pytest.mark.parametrize("path", ["/gestion/journal", "/gestion/journal/export.csv"])
def test_the_journals_staff_filter_is_bounded(world, path, value):
    """SECURITY.md, input and files: the staff member chosen in the journal is an id from
    the URL like any other: beyond SQLite's integers, or digits of another script
    (« ١ », « １２ »), it is a 400, never a 500."""
    _, office = world
    response = office.http.get(path, query_string={"staff": value})
    assert response.status_code == 400, response.status_code
    assert "Erreur du service" not in text(response)
    assert office.http.get(path, query_string={"staff": "1"}).status_code == 200
