"""Fixtures shared by the whole suite: a built site, a live worker, a real browser."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # build.py is a script at the project root

CHROMIUM = Path(os.environ.get("PORTAIL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def missing(what: str) -> None:
    """Browser tests skip loudly on a developer machine without Chromium, never in CI."""
    message = f"{what} — browser tests cannot run (see README, « Tests »)."
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory) -> Path:
    """The shipped content/ built once into a temporary site/."""
    from sitebuild.engine import build

    out = tmp_path_factory.mktemp("site")
    build(ROOT / "content", out, now=datetime.now(UTC), base_url="http://127.0.0.1")
    return out


@pytest.fixture(scope="session")
def live_server(site_dir: Path) -> Iterator[str]:
    """The worker on a free loopback port, serving the built site; yields its base URL."""
    from werkzeug.serving import make_server

    from worker import create_app

    app = create_app({"SITE_DIR": str(site_dir), "TESTING": True})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    thread.join()


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
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    return run
