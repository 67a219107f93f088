"""Two worker hosts in front of one PostgreSQL database: the README's multi-host layout.

Two gunicorn processes (deploy/gunicorn.conf.py, 2 workers each) with separate local data
folders, one PostgreSQL database (the run's cluster, or one started here) and one shared
files folder (PORTAIL_FILES_DIR, what NFS would be between machines). A candidate's
journey alternates between them request by request, and candidates saving at the same
time on both hosts still get unique numbers.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.mailbox import Mailbox, free_port, link_in
from tests.test_accounts import LOGIN, PASSWORD, SIGNUP, identity
from tests.test_production import (
    WAIT,
    Browser,
    Server,
    activation_mail,
    gunicorn,
    register,
    visible,
    wait_for,
)
from tests.test_registration import NOW
from tests.test_uploads import pdf
from worker.store import db

pytestmark = pytest.mark.production

SAVERS = 6  # candidates saving at once, half on each host


@dataclass
class Hosts:
    ports: tuple[int, int]
    base_url: str
    files_dir: Path
    database: str
    mailbox: Mailbox
    servers: list[Server]

    def browser(self) -> Browser:
        return Browser(self.ports[0])


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, site_dir: Path, mailbox: Mailbox, postgresql) -> Iterator[Hosts]:
    tmp = tmp_path_factory.mktemp("two-hosts")
    shared = tmp / "shared-files"
    database = postgresql.database_for(shared)
    ports = (free_port(), free_port())
    base_url = f"http://127.0.0.1:{ports[0]}"
    common = {
        "PORTAIL_TEST_NOW": NOW.isoformat(),
        "PORTAIL_DATABASE_URL": database,
        "PORTAIL_FILES_DIR": str(shared),
        "PORTAIL_VERIFY_KEY": "clé de vérification partagée par les deux hôtes",
        "PORTAIL_WORKERS": "2",
    }
    servers: list[Server] = []
    try:
        for name, port in zip("ab", ports, strict=True):
            local = tmp / f"host-{name}"
            local.mkdir()
            servers.append(
                gunicorn(local, port, site_dir, mailbox, base_url,
                         "tests.production_app:create_app()", **common)
            )  # fmt: skip
        for port in ports:
            probe = Browser(port)
            wait_for(f"host on :{port}", lambda p=probe: p.get(LOGIN).status == 200, servers)
        yield Hosts(ports, base_url, shared, database, mailbox, servers)
    finally:
        for server in servers:
            server.stop()


def server_port(hosts: Hosts, server: Server) -> int:
    return hosts.ports[hosts.servers.index(server)]


def switch(browser: Browser, hosts: Hosts) -> Browser:
    """The next request goes to the other host (cookies kept, as behind a load balancer)."""
    browser.port = hosts.ports[1] if browser.port == hosts.ports[0] else hosts.ports[0]
    return browser


def test_each_host_keeps_its_local_folder_and_shares_the_files(hosts):
    for server in hosts.servers:
        local = Path(server.log).parent / "data"
        assert not (local / "portail.db").exists()  # the rows are in PostgreSQL
        assert Browser(server_port(hosts, server)).get(LOGIN).status == 200


def test_a_journey_alternating_between_the_hosts(hosts):
    browser, mailbox = hosts.browser(), hosts.mailbox
    form = identity()
    before = mailbox.count()
    assert browser.submit(SIGNUP, form).status == 303
    link = link_in(activation_mail(mailbox, form["email"], before))
    activated = switch(browser, hosts).submit(urlsplit(link).path)  # link opened on host b
    assert "Votre compte est activé" in visible(activated.text)
    logged = switch(browser, hosts).submit(LOGIN, {"login": form["email"], "password": PASSWORD})
    assert logged.status == 303  # signed in on a…
    home = switch(browser, hosts).get("/espace-candidat/")  # …still signed in on b
    assert "Connecté : DUBOIS Pierre Jean" in visible(home.text)

    number = register(AlternatingBrowser(browser, hosts))
    pieces = f"/espace-candidat/inscriptions/{number}/justificatifs"
    content = pdf(20_000)
    switch(browser, hosts)
    sent = browser.upload(pieces, f"{pieces}/identite", "carte-identite.pdf", content)
    assert sent.status == 303, visible(sent.text)[:500]
    listed = switch(browser, hosts).get(pieces)  # the file, uploaded on one host…
    file_link = re.search(rf'href="({re.escape(pieces)}/fichiers/\d+)"', listed.text).group(1)
    assert switch(browser, hosts).get(file_link).body == content  # …read on the other
    saved = switch(browser, hosts).get(f"/espace-candidat/inscriptions/{number}/enregistree")
    document = re.search(r'href="(/espace-candidat/inscriptions/\d+/documents/\d+)"', saved.text)
    for _host in range(2):
        download = switch(browser, hosts).get(document.group(1))
        assert download.status == 200 and download.body.startswith(b"%PDF")


class AlternatingBrowser:
    """A Browser whose every request goes to the other host than the one before."""

    def __init__(self, browser: Browser, hosts: Hosts) -> None:
        self.browser, self.hosts = browser, hosts

    def get(self, path: str):
        return switch(self.browser, self.hosts).get(path)

    def submit(self, path: str, data: dict | None = None):
        return switch(self.browser, self.hosts).submit(path, data)


def signed_in(hosts: Hosts, port: int) -> Browser:
    browser = Browser(port)
    form = identity()
    before = hosts.mailbox.count()
    assert browser.submit(SIGNUP, form).status == 303
    browser.submit(urlsplit(link_in(activation_mail(hosts.mailbox, form["email"], before))).path)
    assert browser.submit(LOGIN, {"login": form["email"], "password": PASSWORD}).status == 303
    return browser


def test_concurrent_saves_on_both_hosts_keep_numbers_unique(hosts):
    browsers = [signed_in(hosts, hosts.ports[n % 2]) for n in range(SAVERS)]
    numbers: list[str | None] = [None] * SAVERS
    ready = threading.Barrier(SAVERS)

    def save(index: int) -> None:
        ready.wait(timeout=WAIT)
        try:
            numbers[index] = register(browsers[index])
        except AssertionError as error:  # reported below with the others
            numbers[index] = f"échec : {error}"

    threads = [threading.Thread(target=save, args=(n,)) for n in range(SAVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 4)
    assert numbers == ["001"] * SAVERS  # each candidate's first application
    connection = db.connect(hosts.database)
    try:
        rows = connection.execute(
            "SELECT a.candidate_number, p.number FROM applications p"
            " JOIN accounts a ON a.id = p.account_id"
        ).fetchall()
        candidate_numbers = [row[0] for row in rows]
        assert len(rows) >= SAVERS + 1
        assert len(set(candidate_numbers)) == len(candidate_numbers)  # unique, from 2 hosts
    finally:
        connection.close()
