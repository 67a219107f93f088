"""« Tableau de bord »: a session's applications by state, pieces by status, candidates
with nothing uploaded, with links to the filtered lists and CSV exports; only the
member's académies. The applications list shows display names and choice lists."""

from __future__ import annotations

import csv
import html as html_text
import io
import re

from markupsafe import escape

from tests.forms import text
from tests.test_office_actions import OTHER, audits, member, pinned, registered  # noqa: F401
from tests.test_office_queue import deposit, two_open_academies
from tests.test_registration import open_academy


def cells(response) -> list[list[str]]:
    body = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_the_dashboard_counts_a_session_and_exports_its_lists(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    uploader, uploader_id = registered(app, academy)
    _, idle_id = registered(app, academy)  # uploads nothing
    registered(app, OTHER)
    deposit(uploader)
    office = member(app, academy)
    key = f"{academy}|cfg|juin-2027"

    page = office.get(f"/gestion/tableau-de-bord?session={key}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = text(page)
    assert "JUIN 2027" in shown and "CFG" in shown
    assert re.search(r"Inscrit</a></th><td>2</td>", html)
    assert "1 candidat sans aucun fichier déposé." in shown
    # « Voir ces candidatures »: the list, filtered, paginated and exported like any other.
    idle_list = re.search(r'<a href="([^"]+)">Voir ces candidatures</a>', html).group(1)
    listing = office.get(idle_list.replace("&amp;", "&"))
    assert "1 candidature – page 1 sur 1." in text(listing)
    listed = re.findall(r'href="/gestion/candidatures/(\d+)"', listing.get_data(as_text=True))
    assert listed == [str(idle_id)]
    assert '<option value="none" selected>' in listing.get_data(as_text=True)
    listing_export = office.get(
        idle_list.replace("&amp;", "&").replace("candidatures?", "candidatures/export.csv?")
    )
    export = cells(listing_export)
    assert len(export) == 2  # the header and the one application without a file
    unknown = office.get(f"/gestion/candidatures?academy={academy}&files=n%27importe")
    assert "2 candidatures" in text(unknown)  # an unknown choice filters nothing
    assert f"/gestion/candidatures?academy={academy}&amp;exam=cfg&amp;session=juin-2027" in html
    identity = re.search(r'<tr><th scope="row">Pièce d[^<]*</th>(.*?)</tr>', html)
    tds = re.findall(r"<td>(.*?)</td>", identity.group(1))
    numbers = [re.sub(r"<span.*?</span>|<[^>]+>", "", td) for td in tds]
    assert numbers[0] == "1" and numbers[-1] == "1"  # one to check, one without any deposit
    assert set(numbers[1:-1]) == {"0"} and "<a " not in "".join(tds[1:-1])
    # Each count opens « Candidatures » filtered on that piece in that state.
    for td, expected in ((tds[0], uploader_id), (tds[-1], idle_id)):
        link = re.search(r'href="([^"]+)"', td).group(1).replace("&amp;", "&")
        found = office.get(link)
        assert "1 candidature – page 1 sur 1." in text(found), link
        shown_ids = re.findall(r'href="/gestion/candidatures/(\d+)"', found.get_data(as_text=True))
        assert shown_ids == [str(expected)]
    assert '<option value="identite" selected>' in found.get_data(as_text=True)

    # Each column says what it holds: the date is the registration's, named as in the
    # applications' export; the table's CSV has the table's own headings, not codes.
    idle = cells(office.get(f"/gestion/tableau-de-bord/sans-depot.csv?session={key}"))
    assert idle[0][0] == "numero_candidat" and len(idle) == 2
    assert idle[0][-1] == "enregistree_le" and idle[0][-1] in cells(listing_export)[0]
    pieces = cells(office.get(f"/gestion/tableau-de-bord/pieces.csv?session={key}"))
    headings = re.search(r"<caption>Pièces des candidatures.*?</thead>", html, re.S).group(0)
    assert pieces[0] == [
        html_text.unescape(re.sub("<[^>]+>", "", h))
        for h in re.findall(r"<th[^>]*>(.*?)</th>", headings)
    ]
    assert pieces[0][0] == "Pièce" and pieces[0][-1] == "Aucun dépôt ni statut"
    assert any(r[0].startswith("Pièce d'identité") for r in pieces[1:])
    assert [a["list"] for _, a in audits(app, "dashboard.export")] == ["sans-depot", "pieces"]

    # Another académie's staff: their sessions only, and nothing of this one.
    elsewhere = member(app, OTHER)
    theirs = text(elsewhere.get(f"/gestion/tableau-de-bord?session={key}"))
    assert "candidat sans aucun fichier" not in theirs
    assert (
        elsewhere.get(f"/gestion/tableau-de-bord/sans-depot.csv?session={key}").status_code == 404
    )


def test_the_dashboard_opens_on_the_largest_session(pinned):  # noqa: F811
    app = pinned
    small, large = two_open_academies(app)
    registered(app, small)  # listed first, one candidate
    registered(app, large)
    registered(app, large)
    landing = member(app, small, large).get("/gestion/tableau-de-bord").get_data(as_text=True)
    options = dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', landing))
    assert options[f"{small}|cfg|juin-2027"].endswith("(1 inscrit)")
    assert options[f"{large}|cfg|juin-2027"].endswith("(2 inscrits)")
    assert re.search(r'<option value="([^"]+)" selected>', landing).group(1) == (
        f"{large}|cfg|juin-2027"
    )
    assert re.search(r"Inscrit</a></th><td>2</td>", landing)


def test_the_applications_list_shows_display_names_and_choice_lists(pinned):  # noqa: F811
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    registered(app, academy)
    office = member(app, academy)
    listing = office.get("/gestion/candidatures?session=juin-2027")
    html = listing.get_data(as_text=True)
    assert '<select id="session" name="session">' in html
    assert '<option value="juin-2027" selected>JUIN 2027</option>' in html
    name = app.extensions["catalog"]().academies[academy].name
    assert f"<td>{escape(name)}</td>" in html and "<td>JUIN 2027</td>" in html
    # Two numbers side by side: each column says which (the guides' « N° inscription »).
    assert '<th scope="col">N° candidat</th>' in html
    assert '<th scope="col">N° inscription</th>' in html and '<th scope="col">N°</th>' not in html
    rows = cells(office.get("/gestion/candidatures/export.csv"))
    assert rows[1][0] == name and rows[1][2] == "JUIN 2027"

    # A session code several exams name differently: its own name once the exam is chosen.
    catalog = app.extensions["catalog"]()
    shared = {}
    for exam in catalog.exams.values():
        for session in exam.sessions:
            shared.setdefault(session.code, {})[exam.code] = session.label
    code, names = next((c, n) for c, n in shared.items() if len(set(n.values())) > 1)
    options = rf'<option value="{re.escape(code)}" selected>([^<]+)</option>'
    alone = office.get(f"/gestion/candidatures?session={code}").get_data(as_text=True)
    assert re.search(options, alone).group(1) == code.replace("-", " ").upper()
    for exam, label in names.items():
        page = office.get(f"/gestion/candidatures?exam={exam}&session={code}")
        assert re.search(options, page.get_data(as_text=True)).group(1) == label
    other = next(e for e in catalog.exams.values() if code not in {s.code for s in e.sessions})
    page = office.get(f"/gestion/candidatures?exam={other.code}&session={code}")
    assert re.search(options, page.get_data(as_text=True)).group(1) == code  # still shown


def test_a_piece_status_without_its_session_says_it_filters_nothing(pinned):  # noqa: F811
    """« Statut de la pièce » filters one session's pieces: chosen without a session (or
    without a piece), the list is not filtered on it, and the page says so instead of
    showing every application under « Conforme » as if they all were."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    registered(app, academy)
    registered(app, academy)
    office = member(app, academy)
    ignored = "Le statut de la pièce ne filtre pas cette liste"
    for url in (
        "/gestion/candidatures?exam=cfg&piece=identite&piece_state=conforme",
        "/gestion/candidatures?exam=cfg&session=juin-2027&piece_state=conforme",
    ):
        shown = text(office.get(url))
        assert "2 candidatures" in shown and ignored in shown, url
    applied = "/gestion/candidatures?exam=cfg&session=juin-2027&piece=identite&piece_state=conforme"
    shown = text(office.get(applied))
    assert "0 candidature – page 1 sur 1." in shown and ignored not in shown  # zero: singular
    assert ignored not in text(office.get("/gestion/candidatures?exam=cfg&piece=identite"))


def test_a_session_not_in_the_members_academies_says_so(pinned):  # noqa: F811
    """An old link or another académie's session on the dashboard or « À traiter »: not a
    page holding only the choice list (with its first session seemingly chosen), but a
    404 that says why and offers the member's own sessions, none preselected."""
    app = pinned
    academy = open_academy(app, "cfg", "juin-2027")
    registered(app, academy)
    registered(app, OTHER)
    office = member(app, academy)
    for path in ("/gestion/tableau-de-bord", "/gestion/a-traiter"):
        for key in (f"{OTHER}|cfg|juin-2027", "zzz"):
            page = office.get(path, query_string={"session": key})
            assert page.status_code == 404, (path, key)
            assert "n'est pas l'une des sessions de vos académies" in text(page)
            html = page.get_data(as_text=True)
            assert '<option value="" selected>Choisissez une session d' in html
            assert f'<option value="{academy}|cfg|juin-2027">' in html
        assert office.get(path).status_code == 200  # none asked: the busiest one
