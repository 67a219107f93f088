"""Fixtures shared by the whole suite: a built site, a live worker, a real browser."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from tests import databases
from tests.forms import FormClient
from tests.mailbox import Mailbox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # build.py is a script at the project root

CHROMIUM = Path(os.environ.get("PORTAIL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def missing(what: str, needed_by: str = "browser") -> None:
    """Tests skip loudly on a developer machine without Chromium (or PostgreSQL), never in
    CI."""
    message = f"{what} — {needed_by} tests cannot run (see README, « Tests »)."
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def database_engine() -> Iterator[str]:
    """SQLite files, or a PostgreSQL cluster of the run's own (PORTAIL_TEST_DATABASE)."""
    if databases.POSTGRESQL:
        if not databases.available():
            missing(f"{databases.BIN}/pg_ctl absent (apt-get install postgresql-15)", "PostgreSQL")
        databases.cluster = databases.Cluster().start()
    yield databases.ENGINE
    if databases.cluster is not None:
        databases.cluster.stop()
        databases.cluster = None


def pytest_collection_modifyitems(config, items) -> None:
    if databases.POSTGRESQL:
        skip = pytest.mark.skip(reason="about SQLite's own file or planner (marker sqlite)")
        for item in items:
            if "sqlite" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def postgresql() -> Iterator[databases.Cluster]:
    """A PostgreSQL server: the run's own on a PostgreSQL run, else one started for the
    tests that need one whatever the engine (two hosts, migration from SQLite)."""
    if databases.cluster is not None:
        yield databases.cluster
        return
    if not databases.available():
        missing(f"{databases.BIN}/pg_ctl absent (apt-get install postgresql-15)", "PostgreSQL")
    own = databases.Cluster()
    try:
        yield own.start()
    finally:
        own.stop()


@pytest.fixture(autouse=True)
def _drop_test_databases(request) -> Iterator[None]:
    """The databases of a test's data folders go with the test (PostgreSQL runs)."""
    yield
    tmp_path = request.node.funcargs.get("tmp_path")
    if databases.cluster is not None and tmp_path is not None:
        databases.cluster.drop_under(tmp_path)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The shipped content/ built once into a temporary site/."""
    from sitebuild.engine import build

    out = tmp_path_factory.mktemp("site")
    build(ROOT / "content", out, now=datetime.now(UTC), base_url="http://127.0.0.1")
    return out


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """One real SMTP server on loopback for the whole run."""
    box = Mailbox().start()
    yield box
    box.stop()


def make_app(data_dir: Path, site_dir: Path, mailbox: Mailbox, **settings) -> Flask:
    from worker import create_app

    config = {
        "DATA_DIR": str(data_dir),
        "SITE_DIR": str(site_dir),
        "SECRET_KEY": "clé de test",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": mailbox.port,
        "BASE_URL": "http://localhost",
        "TESTING": True,
        **databases.settings_for(data_dir),
        **settings,
    }
    return create_app(config)


def stop_mail(app: Flask) -> None:
    deliverer = app.extensions.get("mail_deliverer")
    if deliverer:
        deliverer.stop()


@pytest.fixture
def app(tmp_path: Path, site_dir: Path, mailbox: Mailbox) -> Iterator[Flask]:
    """A worker with its own fresh database, delivering mail to the test SMTP server."""
    application = make_app(tmp_path / "data", site_dir, mailbox)
    yield application
    stop_mail(application)


@pytest.fixture
def client(app: Flask) -> FormClient:
    return FormClient(app.test_client())


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, site_dir: Path, mailbox: Mailbox) -> Iterator[Flask]:
    """The worker on a free loopback port, serving the built site and the candidate space."""
    from werkzeug.serving import make_server

    application = make_app(tmp_path_factory.mktemp("live-data"), site_dir, mailbox)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    application.config["BASE_URL"] = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield application
    server.shutdown()
    thread.join()
    stop_mail(application)


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> str:
    """Base URL of the live worker."""
    return live_app.config["BASE_URL"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        missing(f"Chromium introuvable à {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the tests inject axe-core into pages whose CSP forbids other scripts.
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        missing(f"axe-core introuvable ({AXE}) : lancez « npm ci »")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def axe(page, axe_source):
    """axe(page) → list of WCAG 2.1 A/AA violations on the page as it is now."""

    def run(target=None) -> list[dict]:
        target = target or page
        if not target.evaluate("() => typeof window.axe !== 'undefined'"):
            target.evaluate(axe_source)
        result = target.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        found = [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]
        return found + duplicate_ids(target) + reflow(page, target)

    return run


def duplicate_ids(target) -> list[dict]:
    """WCAG 4.1.1 / RGAA 8.2: every id of the page once (axe 4 no longer checks it)."""
    repeated = target.evaluate(
        """() => {
            const seen = {};
            for (const el of document.querySelectorAll('[id]'))
                seen[el.id] = (seen[el.id] || 0) + 1;
            return Object.keys(seen).filter(id => seen[id] > 1);
        }"""
    )
    return [{"id": "duplicate-id", "help": "identifiants en double", "nodes": repeated}] * bool(
        repeated
    )


def reflow(page, target) -> list[dict]:
    """WCAG 1.4.10: at 320 CSS pixels the page never scrolls sideways (a wide table may
    scroll inside its own region). The viewport is put back as it was."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    try:
        width = target.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    finally:
        page.set_viewport_size(size)
    return [{"id": "reflow-320", "help": "défilement horizontal à 320 px", "nodes": width}] * (
        width[0] > width[1]
    )
