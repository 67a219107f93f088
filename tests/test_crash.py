"""`kill -9` of gunicorn and all its workers in the middle of a write load: every write
the portal acknowledged is there afterwards, the database passes its integrity check,
and the portal starts again on the same data (SECURITY.md, durability)."""

from __future__ import annotations

import os
import signal
import threading
from http.client import HTTPException
from urllib.parse import urlencode

import pytest

from tests import databases
from tests.mailbox import free_port
from tests.test_accounts import LOGIN, SIGNUP, identity
from tests.test_production import WAIT, Browser, gunicorn, wait_for

pytestmark = pytest.mark.production
WRITERS = 8
ACKNOWLEDGED_BEFORE_KILL = 24


def sign_ups(port: int, acknowledged: list[str], stop: threading.Event) -> None:
    """Sign up again and again until stopped; keeps the addresses answered 303."""
    while not stop.is_set():
        form = identity()
        browser = Browser(port)
        try:
            body = urlencode({"csrf_token": browser.token(SIGNUP), **form}).encode()
            reply = browser.request(
                "POST", SIGNUP, body, {"Content-Type": "application/x-www-form-urlencoded"}
            )
        # The server is gone, also in the middle of an answer: nothing was acknowledged.
        except (OSError, HTTPException, AssertionError):
            continue
        if reply.status == 303:
            acknowledged.append(form["email"])


def test_kill_9_during_writes_loses_no_acknowledged_write(tmp_path, site_dir, mailbox):
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = gunicorn(tmp_path, port, site_dir, mailbox, base_url, own_group=True)
    acknowledged: list[str] = []
    stop = threading.Event()
    writers = [
        threading.Thread(target=sign_ups, args=(port, acknowledged, stop)) for _ in range(WRITERS)
    ]
    try:
        wait_for("gunicorn", lambda: Browser(port).get(LOGIN).status == 200, [server])
        for writer in writers:
            writer.start()
        wait_for("writes", lambda: len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL, [server])
        os.killpg(server.process.pid, signal.SIGKILL)  # the master and every worker at once
        server.process.wait(timeout=WAIT)
    finally:
        stop.set()
        for writer in writers:
            writer.join(WAIT)
        server.stop()

    database = databases.open_database(tmp_path / "data")
    try:
        if database.engine == "sqlite":
            assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in database.execute("SELECT email FROM accounts")}
    finally:
        database.close()
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    assert set(acknowledged) <= stored  # every 303 is a committed row

    again = gunicorn(tmp_path, port, site_dir, mailbox, base_url)
    try:
        wait_for("gunicorn again", lambda: Browser(port).get(LOGIN).status == 200, [again])
        browser = Browser(port)
        assert browser.submit(SIGNUP, identity()).status == 303
    finally:
        again.stop()
