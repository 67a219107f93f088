"""Issue 17, item 3: « Enregistrer », the bulk publication and a relance render and write
their PDFs with no write lock held, then record them in a short transaction.

The renderer is paused (monkeypatched to wait on a threading.Event the test controls)
in one request; meanwhile another connection takes ``BEGIN IMMEDIATE`` at once and
another candidate signs in. A save whose application changed meanwhile renders again
once, then answers 409; the files of a transaction that did not commit are deleted."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from tests import databases
from tests.conftest import make_app, stop_mail
from tests.forms import FormClient, text
from tests.test_office_actions import STAFF_PASSWORD, member, registered
from tests.test_office_queue import decide, deposit
from tests.test_office_relance import relance as post_relance
from tests.test_registration import (
    NOW,
    PASSWORD,
    candidate,
    open_academy,
    register_cfg_until_last,
    signed_in,
)
from worker.documents import confirmation, notice, relance
from worker.rules import verification as codes
from worker.store import applications, db

WAIT = 30  # seconds: a bound on every wait, so a regression fails instead of hanging


@pytest.fixture
def quick(tmp_path, site_dir, mailbox):
    """A worker that gives up on a held write lock after 0.3 s, its clock at NOW."""
    app = make_app(tmp_path / "data", site_dir, mailbox, DATABASE_BUSY_SECONDS=0.3)
    app.config["NOW"] = lambda: NOW
    yield app
    stop_mail(app)


class Paused:
    """A render function that stops until released, counting its calls; ``during`` runs
    (in the rendering thread) at each call before it waits."""

    def __init__(self, render, during=None):
        self.render, self.during = render, during
        self.calls = 0
        self.reached, self.release = threading.Event(), threading.Event()
        self.counted = threading.Condition()

    def __call__(self, *args, **kwargs):
        with self.counted:
            self.calls += 1
            self.counted.notify_all()
        if self.during:
            self.during(self.calls)
        self.reached.set()
        assert self.release.wait(WAIT), "the test never released the renderer"
        return self.render(*args, **kwargs)

    def called(self, times: int) -> bool:
        """Whether it is called ``times`` times within WAIT seconds."""
        with self.counted:
            return self.counted.wait_for(lambda: self.calls >= times, WAIT)


def lock_at_once(app) -> float:
    """Seconds another connection takes to get the write lock (it waits 50 ms at most)."""
    other = databases.open_database(app.config["DATA_DIR"], busy_seconds=0.05)
    try:
        started = time.perf_counter()
        databases.take_write_lock(other)
        other.rollback()
        return time.perf_counter() - started
    finally:
        other.close()


def in_thread(call) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    return thread, result


def staff_client(app, email: str) -> FormClient:
    """Another signed-in tab of a staff member."""
    client = FormClient(app.test_client())
    response = client.submit("/gestion/connexion", {"login": email, "password": STAFF_PASSWORD})
    assert response.status_code == 303
    return client


def posted_save(client: FormClient, url: str):
    token = client.token(url)  # read before the renderer pauses
    return lambda: client.http.post(url, data={"csrf_token": token, "action": "enregistrer"})


def files(app) -> set[str]:
    return {p.name for p in (Path(app.config["DATA_DIR"]) / "documents").glob("*/*")}


def stored(app) -> set[str]:
    with app.app_context():
        return {n for (n,) in db.get().execute("SELECT stored_name FROM documents")}


def count(app, sql: str, *params) -> int:
    with app.app_context():
        return db.get().execute(sql, params).fetchone()[0]


def test_the_write_lock_is_free_while_a_save_renders(quick, monkeypatch):
    client = signed_in(quick)
    url = register_cfg_until_last(client, quick)
    paused = Paused(confirmation.render)
    monkeypatch.setattr(confirmation, "render", paused)
    thread, result = in_thread(posted_save(client, url))
    try:
        assert paused.reached.wait(WAIT)
        assert lock_at_once(quick) < 0.05  # no write transaction open while rendering
        other = FormClient(quick.test_client())  # and the portal's own writes go on
        login = {"login": candidate(quick), "password": PASSWORD}
        assert other.submit("/espace-candidat/connexion", login).status_code == 303
        assert count(quick, "SELECT count(*) FROM applications") == 0  # not saved yet
    finally:
        paused.release.set()
        thread.join(WAIT)
    assert result[0].status_code == 303
    assert result[0].headers["Location"].endswith("/inscriptions/001/enregistree")
    assert paused.calls == 1
    assert files(quick) == stored(quick) and len(stored(quick)) == 2  # confirmation + request
    assert count(quick, "SELECT count(*) FROM document_checks") == 2


def other_application(app, email: str):
    """Another application of the same candidate, saved while the first one renders."""

    def create(_call: int) -> None:
        with app.app_context():
            database = db.get()
            account_id = database.execute(
                "SELECT id FROM accounts WHERE email = ?", [email]
            ).fetchone()[0]
            with db.transaction(database):
                session = f"autre-{uuid.uuid4().hex[:8]}"
                draft = applications.start_draft(database, account_id, "paris", "cfg", session)
                applications.create(database, draft, {}, "")

    return create


def test_a_number_taken_meanwhile_renders_again_and_deletes_the_first_files(quick, monkeypatch):
    client = signed_in(quick)
    email = count(quick, "SELECT email FROM accounts ORDER BY id DESC LIMIT 1")
    url = register_cfg_until_last(client, quick)
    create = other_application(quick, email)
    paused = Paused(confirmation.render, lambda call: create(call) if call == 1 else None)
    paused.release.set()
    monkeypatch.setattr(confirmation, "render", paused)
    response = posted_save(client, url)()
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/inscriptions/002/enregistree")
    assert paused.calls == 2  # rendered once more, as application 002
    assert files(quick) == stored(quick) and len(stored(quick)) == 2  # the first ones deleted
    with quick.app_context():
        (number,) = db.get().execute("SELECT number FROM applications WHERE exam = 'cfg'"
                                     " AND session = 'juin-2027'").fetchone()  # fmt: skip
    assert number == "002"


def test_an_application_that_keeps_changing_answers_409_and_leaves_nothing(quick, monkeypatch):
    client = signed_in(quick)
    email = count(quick, "SELECT email FROM accounts ORDER BY id DESC LIMIT 1")
    url = register_cfg_until_last(client, quick)
    paused = Paused(confirmation.render, other_application(quick, email))
    paused.release.set()
    monkeypatch.setattr(confirmation, "render", paused)
    response = posted_save(client, url)()
    assert response.status_code == 409
    assert "Votre candidature a changé pendant l'enregistrement" in text(response)
    assert paused.calls == 2
    assert files(quick) == set() and stored(quick) == set()
    assert count(quick, "SELECT count(*) FROM applications WHERE session = 'juin-2027'") == 0
    assert (
        count(quick, "SELECT count(*) FROM drafts WHERE session = 'juin-2027' AND saved_as IS NULL")
        == 1
    )
    monkeypatch.setattr(confirmation, "render", paused.render)  # then it saves normally
    again = posted_save(client, url)()
    assert again.status_code == 303 and again.headers["Location"].endswith("/003/enregistree")


def test_the_write_lock_is_free_while_a_bulk_publication_renders(quick, monkeypatch):
    academy = open_academy(quick, "cfg", "juin-2027")
    _candidate, application_id = registered(quick, academy)
    office = member(quick, academy)
    paused = Paused(notice.render)
    monkeypatch.setattr(notice, "render", paused)
    form = {
        "action": "documents",
        "group": f"{academy}|cfg|juin-2027",
        "kind": "convocation",
        "title": "Convocation aux épreuves écrites",
        "body": "Rendez-vous le 3 juin 2027 à 8 h 30.",
        "decision": "confirmer",
    }
    confirmed = office.confirmed("/gestion/publication", form)
    assert confirmed["once"]
    thread, result = in_thread(lambda: office.http.post("/gestion/publication", data=confirmed))
    try:
        assert paused.reached.wait(WAIT)
        assert lock_at_once(quick) < 0.05
    finally:
        paused.release.set()
        thread.join(WAIT)
    assert result[0].status_code == 303
    assert "1 document publié sur 1" in text(office.get(result[0].headers["Location"]))
    query = "SELECT count(*) FROM documents WHERE application_id = ? AND kind = 'convocation'"
    assert count(quick, query, application_id) == 1
    assert files(quick) == stored(quick)


def test_a_relance_renders_outside_the_lock_and_a_double_click_publishes_it_once(
    quick, monkeypatch
):
    """Two « Publier la relance » at once (a double click, here from two tabs): both
    render with no lock held; the second finds the first recorded and is refused, its
    file deleted: one relance, one mail, one audit entry."""
    academy = open_academy(quick, "cfg", "juin-2027")
    candidate_client, application_id = registered(quick, academy)
    deposit(candidate_client)
    office = member(quick, academy)
    decide(office, application_id, "non_conforme", "Le verso manque.")
    tabs = [office, staff_client(quick, f"gestion.{academy}@ac-test.fr")]
    paused = Paused(relance.render)
    monkeypatch.setattr(relance, "render", paused)
    threads = [
        in_thread(lambda tab=tab: post_relance(tab, application_id, "2027-01-20")) for tab in tabs
    ]
    try:
        assert paused.reached.wait(WAIT)
        assert lock_at_once(quick) < 0.05  # no write transaction open while rendering
        assert paused.called(2)  # the second renders too
    finally:
        paused.release.set()
        for thread, _result in threads:
            thread.join(WAIT)
    assert [result[0].status_code for _thread, result in threads] == [303, 303]
    url = f"/gestion/candidatures/{application_id}/relance"
    pages = sorted(text(tab.get(url)) for tab in tabs)  # each tab's message, shown once
    assert "Relance publiée" in pages[0] and "Une autre relance" not in pages[0]
    assert "Une autre relance vient d'être publiée" in pages[1]
    assert "Relance publiée" not in pages[1]
    query = "SELECT count(*) FROM documents WHERE application_id = ? AND kind = 'relance_pj'"
    assert count(quick, query, application_id) == 1
    assert count(quick, "SELECT count(*) FROM audit WHERE action = 'pieces.relance'") == 1
    assert count(quick, "SELECT count(*) FROM mails WHERE subject LIKE '%Relance%'") == 1
    assert files(quick) == stored(quick)  # the refused one's file is gone


def test_a_busy_database_after_rendering_answers_503_and_deletes_the_files(quick, monkeypatch):
    client = signed_in(quick)
    url = register_cfg_until_last(client, quick)
    paused = Paused(confirmation.render)
    monkeypatch.setattr(confirmation, "render", paused)
    thread, result = in_thread(posted_save(client, url))
    other = databases.open_database(quick.config["DATA_DIR"])
    try:
        assert paused.reached.wait(WAIT)
        databases.take_write_lock(other)  # another process takes the lock and keeps it
        paused.release.set()
        thread.join(WAIT)
    finally:
        other.rollback()
        other.close()
        paused.release.set()
    assert result[0].status_code == 503
    assert result[0].headers["Retry-After"].isdigit()
    assert "Service momentanément indisponible" in text(result[0])
    assert files(quick) == set() and stored(quick) == set()  # written, then deleted
    assert count(quick, "SELECT count(*) FROM applications") == 0
    monkeypatch.setattr(confirmation, "render", paused.render)
    again = posted_save(client, url)()
    assert again.status_code == 303 and again.headers["Location"].endswith("/001/enregistree")


def test_codes_printed_before_issue_17_still_verify(quick):
    """Documents issued earlier print their row id as key: still found by their code."""
    client = signed_in(quick)
    url = register_cfg_until_last(client, quick)
    assert posted_save(client, url)().status_code == 303
    with quick.app_context():
        database = db.get()
        document_id = database.execute("SELECT min(document_id) FROM document_checks").fetchone()[0]
        legacy = codes.make_code(document_id, quick.config["VERIFY_KEY"])
        with db.transaction(database):
            database.execute(
                "UPDATE document_checks SET code = ? WHERE document_id = ?", [legacy, document_id]
            )
    page = client.get(f"/verifier/{legacy}")
    assert page.status_code == 200 and "Version en vigueur" in text(page)
    assert client.get(f"/verifier/{codes.make_code(document_id + 1, 'autre')}").status_code == 404
