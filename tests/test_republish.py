"""Republishing from the back office: periods and messages edited, checked, rebuilt, live.

Every test works on its own copy of content/ and its own built site, never on the repo's.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from sitebuild.engine import build
from tests.conftest import ROOT, make_app, stop_mail
from tests.forms import TOKEN, FormClient, errors, text
from tests.test_registration import signed_in
from worker.content import republish
from worker.rules import passwords
from worker.store import db, staff

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)  # rennes BTS 2027 open, BIA 2027 not yet
PASSWORD = "Gestion!Examens-2027"
BTS_PAGE = "ouverture-des-services/examen/bts/2027/rennes/index.html"
BIA_PAGE = "ouverture-des-services/autres-examens/bia/2027/rennes/index.html"
BTS_CHOICE = "/espace-candidat/inscription/nouvelle/examen/bts/2027/rennes"
BIA_CHOICE = "/espace-candidat/inscription/nouvelle/autres-examens/bia/2027/rennes"
START = "Démarrer mon inscription"


@pytest.fixture
def office(tmp_path: Path, mailbox):
    """A worker on a private copy of content/, its site built there first, clock pinned."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    site = tmp_path / "site"
    build(content, site, now=NOW, base_url="http://localhost")
    app = make_app(tmp_path / "data", site, mailbox, CONTENT_DIR=str(content), SITE_DIR=str(site))
    app.config["NOW"] = lambda: NOW
    yield SimpleNamespace(app=app, content=content, site=site)
    stop_mail(app)


def member(app, *academies: str) -> FormClient:
    """A staff member of these académies, signed in to the back office."""
    email = f"g.{uuid.uuid4().hex[:8]}@ac-test.fr"
    with app.app_context():
        database = db.get()
        with db.transaction(database):
            staff.create(
                database, email, "Gestionnaire", passwords.hash_password(PASSWORD), [*academies]
            )
    client = FormClient(app.test_client())
    response = client.submit("/gestion/connexion", {"login": email, "password": PASSWORD})
    assert response.status_code == 303, text(response)
    return client


def row(content: Path, academy: str, exam: str, session: str, speciality: str = ""):
    periods = republish.read_periods(content)
    return next(
        r
        for r in periods.periods_of(academy)
        if (r.values["examen"], r.values["session"], r.values["specialite"])
        == (exam, session, speciality)
    )


def form_of(found, **changes) -> dict:
    """The period form's fields for a row of periods.csv, with some changed."""
    v = found.values
    data = {
        "exam_session": f"{v['examen']}/{v['session']}",
        "specialite": f"{v['examen']}/{v['specialite']}" if v["specialite"] else "",
        **{
            k: v[k]
            for k in ("ouverture", "fermeture", "retour_confirmation", "depot_debut", "depot_fin")
        },
    }
    return {**data, **changes}


def edit_url(academy: str, found) -> str:
    return f"/gestion/periodes/{academy}/{found.id}/modifier"


def snapshot(content: Path) -> dict[str, bytes]:
    return {name: (content / name).read_bytes() for name in ("periods.csv", "messages.toml")}


def page(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def audit_rows(app, prefix: str = "content.") -> list[dict]:
    with app.app_context():
        return [
            {**row, "before": json.loads(row["before"]), "after": json.loads(row["after"])}
            for row in db.get().query(
                "SELECT action, academy, before, after, staff_id FROM audit"
                " WHERE action LIKE ? ORDER BY id",
                [prefix + "%"],
            )
        ]


# -- the issue's « Done when » --------------------------------------------------------------


def test_republishing_a_period_updates_the_site_and_opens_or_closes_registration(office):
    app, content, site = office.app, office.content, office.site
    candidate = signed_in(app)
    gestion = member(app, "rennes")
    assert START in text(candidate.get(BTS_CHOICE))
    assert START not in text(candidate.get(BIA_CHOICE))
    assert "vendredi 20 novembre 2026" not in page(site, BTS_PAGE)
    before = snapshot(content)

    # Closing the BTS period early: closed for candidates at once, new date on the site.
    bts = row(content, "rennes", "bts", "2027")
    response = gestion.submit(edit_url("rennes", bts), form_of(bts, fermeture="20/11/2026 17:00"))
    assert response.status_code == 303, errors(response) or text(response)
    listing = gestion.get(response.headers["Location"])
    summary = text(listing)
    assert re.search(
        r"Période enregistrée et publiée\. Site public mis à jour : \d+ pages? modifiées?\.",
        summary,
    )
    assert "recalculés" not in summary  # build.py's summary is for operators, not staff
    assert "20/11/2026 17:00" in summary  # the list shows the new date, Paris time
    assert "vendredi 20 novembre 2026 17:00" in page(site, BTS_PAGE)
    assert "lundi 30 novembre 2026" not in page(site, BTS_PAGE)
    assert START not in text(candidate.get(BTS_CHOICE))
    closed = candidate.submit(BTS_CHOICE)
    assert closed.status_code == 409

    # Opening the BIA period early: open for candidates at once.
    bia = row(content, "rennes", "bia", "2027")
    response = gestion.submit(
        edit_url("rennes", bia),
        form_of(bia, ouverture="02/11/2026 09:00", depot_debut="02/11/2026 09:00"),
    )
    assert response.status_code == 303, errors(response)
    assert "lundi 2 novembre 2026 09:00" in page(site, BIA_PAGE)
    assert START in text(candidate.get(BIA_CHOICE))
    started = candidate.submit(BIA_CHOICE)
    assert started.status_code == 303 and "/brouillon/" in started.headers["Location"]

    # Only those two rows changed; the file kept its delimiter, header, order and endings.
    after = snapshot(content)
    old_lines = before["periods.csv"].splitlines(True)
    new_lines = after["periods.csv"].splitlines(True)
    assert len(old_lines) == len(new_lines)
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=True) if a != b]
    assert changed == [
        (
            b"rennes;bts;2027;;12/10/2026 14:00;30/11/2026 17:00;18/12/2026;"
            b"12/10/2026 14:00;18/12/2026 17:00\n",
            b"rennes;bts;2027;;12/10/2026 14:00;20/11/2026 17:00;18/12/2026;"
            b"12/10/2026 14:00;18/12/2026 17:00\n",
        ),
        (
            b"rennes;bia;2027;;04/01/2027 09:00;05/02/2027 17:00;19/02/2027;"
            b"04/01/2027 09:00;19/02/2027 17:00\n",
            b"rennes;bia;2027;;02/11/2026 09:00;05/02/2027 17:00;19/02/2027;"
            b"02/11/2026 09:00;19/02/2027 17:00\n",
        ),
    ]
    assert after["messages.toml"] == before["messages.toml"]

    # Both changes are audited, with the values before and after.
    rows = audit_rows(app)
    assert [(r["action"], r["academy"]) for r in rows] == [
        ("content.period.update", "rennes"),
        ("content.period.update", "rennes"),
    ]
    assert rows[0]["before"]["fermeture"] == "30/11/2026 17:00"
    assert rows[0]["after"]["fermeture"] == "20/11/2026 17:00"
    assert rows[0]["after"]["file"] == "periods.csv"


def test_adding_and_deleting_a_period(office):
    app, content, site = office.app, office.content, office.site
    gestion = member(app, "rennes")
    before = snapshot(content)
    response = gestion.submit(
        "/gestion/periodes/rennes/nouvelle",
        {
            "exam_session": "bts/2028",
            "specialite": "bts/sio",
            "ouverture": "11/10/2027 14:00",
            "fermeture": "30/11/2027 17:00",
            "retour_confirmation": "17/12/2027",
        },
    )
    assert response.status_code == 303, errors(response)
    lines = (content / "periods.csv").read_bytes().splitlines(True)
    added = b"rennes;bts;2028;sio;11/10/2027 14:00;30/11/2027 17:00;17/12/2027;;\n"
    assert added in lines
    rennes = [i for i, line in enumerate(lines) if line.startswith(b"rennes;")]
    assert rennes == list(range(rennes[0], rennes[0] + len(rennes)))  # kept with its académie
    assert "SERVICES INFORMATIQUES" in page(site, BTS_PAGE.replace("2027", "2028"))
    overlapping = gestion.submit(
        "/gestion/periodes/rennes/nouvelle",
        {
            "exam_session": "bts/2028",
            "specialite": "bts/sio",
            "ouverture": "20/11/2027 08:00",
            "fermeture": "10/12/2027 17:00",
        },
    )
    assert overlapping.status_code == 400
    [problem] = errors(overlapping)
    assert problem.startswith(
        "La période enregistrée pour ACADÉMIE DE RENNES – BTS – BTS 2028 – spécialité"
        " SERVICES INFORMATIQUES AUX ORGANISATIONS, du samedi 20 novembre 2027 08:00 au"
    )
    assert (
        "de la même académie et de la même spécialité : celle du lundi 11 octobre 2027" in problem
    )

    new = row(content, "rennes", "bts", "2028", "sio")
    confirm = gestion.get(f"/gestion/periodes/rennes/{new.id}/supprimer")
    assert confirm.status_code == 200 and "Confirmer la suppression" in text(confirm)
    response = gestion.submit(f"/gestion/periodes/rennes/{new.id}/supprimer")
    assert response.status_code == 303, errors(response)
    assert snapshot(content) == before
    assert "SERVICES INFORMATIQUES" not in page(site, BTS_PAGE.replace("2027", "2028"))
    actions = [r["action"] for r in audit_rows(app)]
    assert actions == ["content.period.add", "content.period.delete"]


# -- refusals ---------------------------------------------------------------------------------


def test_invalid_periods_are_refused_with_clear_messages_and_change_nothing(office):
    app, content, site = office.app, office.content, office.site
    gestion = member(app, "rennes")
    before = snapshot(content)
    built = page(site, BTS_PAGE)
    bts = row(content, "rennes", "bts", "2027")
    url = edit_url("rennes", bts)

    cases = [
        (
            form_of(bts, ouverture="01/12/2026 09:00", fermeture="20/11/2026 17:00"),
            "La fermeture des inscriptions doit être postérieure à leur ouverture.",
        ),
        (
            form_of(bts, fermeture="2026-11-31"),
            "Fermeture des inscriptions : « 2026-11-31 » ne suit pas le format JJ/MM/AAAA HH:MM",
        ),
        (
            form_of(bts, fermeture="31/11/2026 17:00"),
            "Fermeture des inscriptions : le 31/11/2026 17:00 n'existe pas",
        ),
        (form_of(bts, ouverture=""), "Ouverture des inscriptions : saisissez une date"),
        (
            form_of(bts, depot_fin=""),
            "Le dépôt des justificatifs a un début et une fin",
        ),
        (form_of(bts, exam_session="bts/1999"), "Choisissez l'examen et la session"),
        (
            form_of(bts, specialite="cap/coiffure"),
            "Cette spécialité n'est pas une spécialité de l'examen BTS",
        ),
    ]
    for data, message in cases:
        response = gestion.submit(url, data)
        assert response.status_code == 400, message
        assert any(message in e for e in errors(response)), (message, errors(response))
        assert "Erreur : Modifier une période" in response.get_data(as_text=True)

    # An overlapping period passes the form but not the checks of build.py --check.
    response = gestion.submit(
        "/gestion/periodes/rennes/nouvelle",
        form_of(bts, ouverture="01/11/2026 08:00", fermeture="15/12/2026 17:00"),
    )
    assert response.status_code == 400
    [problem] = errors(response)
    # In the site's words (no codes, no line numbers), whichever of the two opens first.
    existing = "celle du lundi 12 octobre 2026 14:00 au lundi 30 novembre 2026 17:00"
    assert problem == (
        "La période enregistrée pour ACADÉMIE DE RENNES – BTS – BTS 2027,"
        " du dimanche 1 novembre 2026 08:00 au mardi 15 décembre 2026 17:00, chevauche une"
        " autre période du même examen, de la même session et de la même académie :"
        f" {existing} (heure de Paris). Une seule période peut être ouverte à la fois :"
        " modifiez les dates de l'une ou de l'autre."
    )
    earlier = gestion.submit(
        "/gestion/periodes/rennes/nouvelle",
        form_of(bts, ouverture="01/09/2026 08:00", fermeture="20/10/2026 17:00"),
    )
    assert earlier.status_code == 400
    [problem] = errors(earlier)
    assert problem.startswith(
        "La période enregistrée pour ACADÉMIE DE RENNES – BTS – BTS 2027,"
        " du mardi 1 septembre 2026 08:00 au mardi 20 octobre 2026 17:00, chevauche"
    )
    assert f"{existing} (heure de Paris)" in problem

    assert snapshot(content) == before
    assert page(site, BTS_PAGE) == built
    assert audit_rows(app) == []


def test_a_member_cannot_touch_another_academy_or_national_messages(office):
    app, content = office.app, office.content
    gestion = member(app, "rennes")
    before = snapshot(content)
    token = gestion.token("/gestion/periodes/rennes/nouvelle")
    mayotte = row(content, "mayotte", "bts", "2027")
    national = republish.read_messages(content).find("maintenance-2026-12")
    shared = republish.read_messages(content).find("mayotte-accueil-2026")

    listing = text(gestion.get("/gestion/periodes"))
    assert "ACADÉMIE DE RENNES" in listing and "Maintenance programmée" in listing
    assert "MAYOTTE" not in listing.replace("Gestionnaire – RENNES", "")
    assert "maintenance-2026-12/modifier" not in gestion.get("/gestion/periodes").get_data(
        as_text=True
    )

    refused = {
        f"/gestion/periodes/mayotte/{mayotte.id}/modifier": 404,
        f"/gestion/periodes/mayotte/{mayotte.id}/supprimer": 404,
        f"/gestion/periodes/rennes/{mayotte.id}/modifier": 404,
        f"/gestion/periodes/rennes/{mayotte.id}/supprimer": 404,
        "/gestion/periodes/mayotte/nouvelle": 404,
        "/gestion/periodes/mayotte/messages/nouveau": 404,
        "/gestion/periodes/rennes/messages/maintenance-2026-12/modifier": 403,
        "/gestion/periodes/rennes/messages/maintenance-2026-12/supprimer": 403,
        "/gestion/periodes/rennes/messages/mayotte-accueil-2026/modifier": 403,
        "/gestion/periodes/mayotte/messages/mayotte-accueil-2026/supprimer": 404,
    }
    posted = {
        **form_of(mayotte, fermeture="01/12/2026 17:00"),
        "title": "Piratage",
        "text": "Message national modifié",
        "level": "info",
        "show_from": "01/11/2026 00:00",
        "show_until": "01/12/2026 00:00",
        "csrf_token": token,
    }
    for url, status in refused.items():
        assert gestion.get(url).status_code == status, url
        version = national.version if "maintenance" in url else shared.version
        response = gestion.http.post(url, data={**posted, "version": version})
        assert response.status_code == status, url
    assert snapshot(content) == before
    assert audit_rows(app) == []


def test_anonymous_visitors_and_candidates_are_refused(office):
    app, content = office.app, office.content
    anonymous = FormClient(app.test_client())
    candidate = signed_in(app)
    bts = row(content, "rennes", "bts", "2027")
    for client in (anonymous, candidate):
        for url in (
            "/gestion/periodes",
            "/gestion/periodes/rennes/nouvelle",
            edit_url("rennes", bts),
            f"/gestion/periodes/rennes/{bts.id}/supprimer",
            "/gestion/periodes/rennes/messages/nouveau",
        ):
            page = client.get(url)  # sent to the staff login page, nothing shown
            assert page.status_code == 303 and "/gestion/connexion" in page.headers["Location"]
            if url != "/gestion/periodes":
                assert client.http.post(url, data=form_of(bts)).status_code == 403, url
    assert (content / "periods.csv").read_bytes() == (ROOT / "content/periods.csv").read_bytes()


# -- concurrency ------------------------------------------------------------------------------


def test_two_members_of_different_academies_both_keep_their_edit(office):
    app, content = office.app, office.content
    before = (content / "periods.csv").read_bytes()
    rennes, mayotte = member(app, "rennes"), member(app, "mayotte")
    rennes_row = row(content, "rennes", "cap", "juin-2027")
    mayotte_row = row(content, "mayotte", "cap", "juin-2027")
    # Both open their form before either saves.
    rennes_token = rennes.token(edit_url("rennes", rennes_row))
    mayotte_token = mayotte.token(edit_url("mayotte", mayotte_row))
    first = rennes.http.post(
        edit_url("rennes", rennes_row),
        data={**form_of(rennes_row, fermeture="10/12/2026 18:00"), "csrf_token": rennes_token},
    )
    second = mayotte.http.post(
        edit_url("mayotte", mayotte_row),
        data={**form_of(mayotte_row, fermeture="11/12/2026 18:00"), "csrf_token": mayotte_token},
    )
    assert first.status_code == second.status_code == 303
    after = (content / "periods.csv").read_bytes()
    assert row(content, "rennes", "cap", "juin-2027").values["fermeture"] == "10/12/2026 18:00"
    assert row(content, "mayotte", "cap", "juin-2027").values["fermeture"] == "11/12/2026 18:00"
    changed = [
        a.split(b";")[0]
        for a, b in zip(before.splitlines(True), after.splitlines(True), strict=True)
        if a != b
    ]
    assert sorted(changed) == [b"mayotte", b"rennes"]  # every other row byte-identical
    catalog = app.extensions["catalog"]()
    closes = {p.academy: p.closes for p in catalog.periods_for(exam="cap", session="juin-2027")}
    assert closes["rennes"].isoformat() == "2026-12-10T17:00:00+00:00"
    assert closes["mayotte"].isoformat() == "2026-12-11T17:00:00+00:00"


def test_a_row_changed_meanwhile_is_a_conflict_not_an_overwrite(office):
    app, content = office.app, office.content
    first, second = member(app, "rennes"), member(app, "rennes")
    bts = row(content, "rennes", "bts", "2027")
    token = second.token(edit_url("rennes", bts))
    saved = first.submit(edit_url("rennes", bts), form_of(bts, fermeture="25/11/2026 17:00"))
    assert saved.status_code == 303
    late = second.http.post(
        edit_url("rennes", bts),
        data={**form_of(bts, fermeture="27/11/2026 17:00"), "csrf_token": token},
    )
    assert late.status_code == 409
    assert any("modifiée ou supprimée entre-temps" in e for e in errors(late))
    assert row(content, "rennes", "bts", "2027").values["fermeture"] == "25/11/2026 17:00"


def test_concurrent_saves_are_serialised_by_the_lock(office, tmp_path):
    """Two saves at the same time, in two threads: each applies its edit to the other's."""
    content, site = office.content, office.site
    rennes = row(content, "rennes", "cap", "juin-2027")
    mayotte = row(content, "mayotte", "cap", "juin-2027")

    editing = [threading.Event(), threading.Event()]

    def meeting(index: int, edit):
        """Each edit waits for the other to be editing too: without the lock they would
        both be, on the same bytes; with it the first waits in vain (bounded), then
        writes, and the second reads what the first wrote."""

        def apply(data: bytes):
            editing[index].set()
            editing[1 - index].wait(timeout=1)
            return edit(data)

        return apply

    edits = [
        meeting(
            0,
            republish.edit_period(
                "rennes", rennes.id, {**rennes.values, "fermeture": "10/12/2026 18:00"}
            ),
        ),
        meeting(
            1,
            republish.edit_period(
                "mayotte", mayotte.id, {**mayotte.values, "fermeture": "11/12/2026 18:00"}
            ),
        ),
    ]
    failures = []

    def run(edit):
        try:
            republish.save(
                content,
                site,
                republish.PERIODS,
                edit,
                lock_path=tmp_path / "data" / republish.LOCK,
                now=NOW,
                base_url="http://localhost",
            )
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert row(content, "rennes", "cap", "juin-2027").values["fermeture"] == "10/12/2026 18:00"
    assert row(content, "mayotte", "cap", "juin-2027").values["fermeture"] == "11/12/2026 18:00"


def test_a_save_while_a_build_holds_the_lock_is_a_503_that_keeps_the_form(office):
    """The nightly build.py holds the site's lock: the member's save waits a bounded time,
    then says so, keeps what was typed and changes nothing; once the lock is free, the
    same save goes through."""
    app, content = office.app, office.content
    app.config["REPUBLISH_WAIT_SECONDS"] = 0.3
    gestion = member(app, "rennes")
    bts = row(content, "rennes", "bts", "2027")
    before = snapshot(content)
    lock = republish.lock_file(app.config["FILES_DIR"])
    with open(lock, "a+b") as held_by_the_build:  # as another process would: its own flock
        fcntl.flock(held_by_the_build, fcntl.LOCK_EX)
        busy = gestion.submit(edit_url("rennes", bts), form_of(bts, fermeture="21/11/2026 16:30"))
        fcntl.flock(held_by_the_build, fcntl.LOCK_UN)
    assert busy.status_code == 503
    assert any("en cours de construction" in e and "rien n'a été enregistré" in e
               for e in errors(busy))  # fmt: skip
    assert 'value="21/11/2026 16:30"' in busy.get_data(as_text=True)  # what was typed
    assert snapshot(content) == before
    assert audit_rows(app) == []
    saved = gestion.submit(edit_url("rennes", bts), form_of(bts, fermeture="21/11/2026 16:30"))
    assert saved.status_code == 303, errors(saved) or text(saved)
    assert row(content, "rennes", "bts", "2027").values["fermeture"] == "21/11/2026 16:30"


# -- messages ---------------------------------------------------------------------------------


def test_messages_added_edited_and_deleted_appear_on_the_academy_page(office):
    app, content, site = office.app, office.content, office.site
    gestion = member(app, "rennes")
    before = snapshot(content)
    academy_page = "academies/rennes/index.html"
    assert "Accueil fermé le 27 novembre" not in page(site, academy_page)

    response = gestion.submit(
        "/gestion/periodes/rennes/messages/nouveau",
        {
            "title": "Accueil fermé le 27 novembre",
            "text": "Le service des examens sera fermé au public le vendredi 27 novembre 2026.",
            "level": "warning",
            "show_from": "20/11/2026 00:00",
            "show_until": "28/11/2026 00:00",
        },
    )
    assert response.status_code == 303, errors(response)
    assert "Message enregistré et publié." in text(gestion.get(response.headers["Location"]))
    built = page(site, academy_page)
    assert "Accueil fermé le 27 novembre" in built and "notice-warning" in built
    assert "Accueil fermé le 27 novembre" not in page(site, "academies/mayotte/index.html")
    messages = republish.read_messages(content)
    [added] = messages.of("rennes")
    assert added.data["academies"] == ["rennes"] and added.id.startswith("rennes-accueil-ferme")
    assert (content / "messages.toml").read_bytes().startswith(before["messages.toml"])

    url = f"/gestion/periodes/rennes/messages/{added.id}/modifier"
    assert "Accueil fermé le 27 novembre" in gestion.get(url).get_data(as_text=True)
    response = gestion.submit(
        url,
        {
            "title": "Accueil fermé le 30 novembre",
            "text": "Fermeture exceptionnelle « pont ».",
            "level": "info",
            "show_from": "20/11/2026 00:00",
            "show_until": "01/12/2026 00:00",
            "version": added.version,  # the form's hidden field
        },
    )
    assert response.status_code == 303, errors(response)
    built = page(site, academy_page)
    assert "Accueil fermé le 30 novembre" in built and "27 novembre" not in built

    current = republish.read_messages(content).of("rennes")[0]
    invalid = gestion.submit(
        f"/gestion/periodes/rennes/messages/{current.id}/modifier",
        {
            "title": "",
            "text": "x",
            "level": "info",
            "show_from": "02/12/2026 00:00",
            "show_until": "01/12/2026 00:00",
            "version": current.version,
        },
    )
    assert invalid.status_code == 400
    assert "Saisissez le titre du message." in errors(invalid)
    assert "La fin de l'affichage doit suivre son début." in errors(invalid)

    response = gestion.submit(
        f"/gestion/periodes/rennes/messages/{current.id}/supprimer", {"version": current.version}
    )
    assert response.status_code == 303, errors(response)
    assert snapshot(content) == before
    assert "Accueil fermé" not in page(site, academy_page)

    rows = audit_rows(app)
    assert [r["action"] for r in rows] == [
        "content.message.add",
        "content.message.update",
        "content.message.delete",
    ]
    assert rows[1]["before"]["title"] == "Accueil fermé le 27 novembre"
    assert rows[1]["after"]["title"] == "Accueil fermé le 30 novembre"
    assert rows[2]["after"] == {}


def test_the_page_lists_periods_in_paris_time_and_documents_the_files(office):
    gestion = member(office.app, "rennes")
    response = gestion.get("/gestion/periodes")
    assert response.status_code == 200
    shown = text(response)
    assert "12/10/2026 14:00" in shown and "30/11/2026 17:00" in shown
    assert "content/periods.csv" in shown and "python build.py --check" in shown
    assert "Mayotte reçoit" not in shown
    html = response.get_data(as_text=True)
    assert '<a href="/gestion/periodes" aria-current="page">Périodes et messages</a>' in html
    assert TOKEN.search(gestion.get("/gestion/periodes/rennes/nouvelle").get_data(as_text=True))

    # Each period's state against the clock: a period that has not opened yet is not
    # « Fermée » (what one already over is), but « À venir ».
    states = {
        (exam, session): state
        for exam, session, state in re.findall(
            r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>(?:\s*<td>[^<]*</td>){5}\s*<td>([^<]+)</td>",
            html,
        )
    }
    assert states[("BTS", "BTS 2027")] == "Ouverte"  # 12/10/2026 – 30/11/2026
    assert states[("BIA", "BIA 2027")] == "À venir"  # from 04/01/2027
    assert states[("BTS", "BTS 2028")] == "À venir"  # from 11/10/2027
    assert states[("Certification complémentaire 1er degré", "SESSION 2027")] == "Fermée"


# -- the file layer ---------------------------------------------------------------------------


def test_files_keep_their_bytes_delimiter_bom_and_line_endings(tmp_path):
    data = (
        "\ufeffacademie,examen,session,specialite,ouverture,fermeture\r\n"
        'rennes,bts,2027,,"12/10/2026 14:00",30/11/2026 17:00\r\n'
        "mayotte,bts,2027,,12/10/2026 14:00,30/11/2026 17:00"
    ).encode()
    periods = republish.PeriodsFile.parse(data)
    assert periods.to_bytes() == data and periods.delimiter == ","
    rennes = periods.periods_of("rennes")[0]
    values = {**rennes.values, "fermeture": "01/12/2026 17:00"}
    changed, before, after = republish.edit_period("rennes", rennes.id, values)(data)
    assert (before["fermeture"], after["fermeture"]) == ("30/11/2026 17:00", "01/12/2026 17:00")
    assert changed == data.replace(
        b'"12/10/2026 14:00",30/11/2026 17:00\r\n', b"12/10/2026 14:00,01/12/2026 17:00\r\n"
    )
    added, _, _ = republish.edit_period("mayotte", None, values)(data)
    assert added == data + b"\r\nmayotte,bts,2027,,12/10/2026 14:00,01/12/2026 17:00\r\n"
    with pytest.raises(republish.Refused, match="depot_debut"):
        republish.edit_period("rennes", None, {**values, "depot_debut": "01/12/2026 17:00"})(data)

    messages = (ROOT / "content/messages.toml").read_bytes()
    fields = {
        "title": 'Titre "cité" \\ et\ttabulation',
        "text": "Ligne 1\nLigne 2",
        "level": "info",
        "show_from": "01/12/2026 00:00",
        "show_until": "02/12/2026 00:00",
    }
    added, _, new = republish.edit_message("rennes", ("rennes",), None, None, fields)(messages)
    parsed = republish.MessagesFile.parse(added)
    assert parsed.find(new["id"]).data["title"] == fields["title"]
    block = parsed.find(new["id"])
    removed, _, _ = republish.edit_message("rennes", ("rennes",), block.id, block.version, None)(
        added
    )
    assert removed == messages
