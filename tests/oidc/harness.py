"""Start the test OpenID Connect provider (provider.js) and go through it as a browser would.

:class:`Provider` runs ``node tests/oidc/provider.js`` on a free loopback port and waits
until its discovery document answers. :class:`Visit` drives one FranceConnect sign-in for
the Flask test client: the portal's button, then the provider's pages through ``requests``
(its cookies kept, like a browser's), until the provider sends back to the portal's
callback, which the test may then deliver, alter or replay.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests

from tests.mailbox import free_port

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "provider.js"
CLIENT_ID = "portail-test"
CLIENT_SECRET = "secret-de-test-portail-candidat"
START_LIMIT = 60  # seconds: generous, a shared 2-core machine may be slow to start Node
CALLBACK = "/espace-candidat/franceconnect/callback"


class Provider:
    def __init__(
        self, portals: list[str], *, rogue_keys: bool = False, signed_userinfo: bool = False
    ):
        self.portals = portals
        self.rogue_keys = rogue_keys
        self.signed_userinfo = signed_userinfo
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def settings(self, **more) -> dict:
        """The portal's configuration for this provider."""
        return {
            "FRANCECONNECT_ISSUER": self.issuer,
            "FRANCECONNECT_CLIENT_ID": CLIENT_ID,
            "FRANCECONNECT_CLIENT_SECRET": CLIENT_SECRET,
            **more,
        }

    def start(self) -> Provider:
        node = shutil.which("node")
        if node is None:
            message = "Node.js introuvable : les tests FranceConnect ne peuvent pas tourner."
            pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
        if not (HERE.parent.parent / "node_modules" / "oidc-provider").exists():
            pytest.fail("oidc-provider absent de node_modules : lancez « npm ci ».")
        self.port = free_port()
        command = [node, str(SCRIPT), "--port", str(self.port)]
        for portal in self.portals:
            command += ["--portal", portal]
        if self.rogue_keys:
            command.append("--rogue-keys")
        if self.signed_userinfo:
            command.append("--signed-userinfo")
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self) -> None:
        """Poll the discovery document (never a fixed sleep), up to START_LIMIT seconds."""
        deadline = time.monotonic() + START_LIMIT
        url = f"{self.issuer}/.well-known/openid-configuration"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"provider.js stopped: {self.process.stderr.read()}")
            try:
                if requests.get(url, timeout=2).json().get("issuer") == self.issuer:
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.05)  # polling interval, not a wait for something to happen
        self.stop()
        raise RuntimeError(f"provider.js did not answer at {url} within {START_LIMIT} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.process.stdout.close()
            self.process.stderr.close()


def replace_query(url: str, **params: str) -> str:
    """The URL with some query parameters replaced (a request tampered with in transit)."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(query)))


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def local(url: str) -> str:
    """The path and query of a portal URL, for the Flask test client."""
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


class Visit:
    """One person's browser: the portal through the test client, the provider through HTTP."""

    def __init__(self, client, portal: str):
        self.client = client  # tests.forms.FormClient
        self.portal = portal.rstrip("/")
        self.web = requests.Session()

    def start(self, page: str = "/espace-candidat/connexion") -> str:
        """Press « S'identifier avec FranceConnect »: the provider's authorization URL."""
        html = self.client.get(page).get_data(as_text=True)
        token = re.search(
            r'action="/espace-candidat/franceconnect/connexion"[^>]*>\s*<input[^>]*'
            r'value="([^"]+)"',
            html,
        )
        assert token, "no FranceConnect button on the page"
        response = self.client.http.post(
            "/espace-candidat/franceconnect/connexion", data={"csrf_token": token.group(1)}
        )
        assert response.status_code in (302, 303), response.status_code
        return response.headers["Location"]

    def at_provider(self, url: str, user: str = "marie", acr: str | None = None) -> str:
        """Follow the provider until it sends back to the portal: that callback URL."""
        for _ in range(20):
            if url.startswith(self.portal):
                return url
            response = self.web.get(url, allow_redirects=False, timeout=10)
            if response.status_code in (302, 303):
                url = urljoin(url, response.headers["Location"])
                continue
            assert response.status_code == 200, (response.status_code, response.text[:500])
            url = self._choose(response, user, acr)
        raise AssertionError("the provider never sent back to the portal")

    def _choose(self, page: requests.Response, user: str, acr: str | None) -> str:
        """On the test identity page: the button of that identity."""
        action = re.search(r'<form method="post" action="([^"]+/login)"', page.text)
        assert action, page.text[:500]
        data = {"user": user, **({"acr": acr} if acr else {})}
        response = self.web.post(
            urljoin(page.url, unescape(action.group(1))), data=data, allow_redirects=False
        )
        assert response.status_code == 303, response.text[:500]
        return urljoin(page.url, response.headers["Location"])

    def cancel(self, url: str) -> str:
        """On the test identity page: « Annuler » (the person gives up)."""
        page = self.web.get(url, timeout=10)
        abort = re.search(r'action="([^"]+/abort)"', page.text)
        return self.at_provider(urljoin(page.url, unescape(abort.group(1))))

    def callback(self, url: str):
        return self.client.get(local(url))

    def sign_in(self, user: str = "marie", page: str = "/espace-candidat/connexion"):
        """The whole round trip; the portal's answer to the callback."""
        return self.callback(self.at_provider(self.start(page), user))

    def logout_at_provider(self, url: str) -> str:
        """On the provider's logout page: confirm; the portal's post-logout URL."""
        page = self.web.get(url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        action = re.search(r'<form[^>]*action="([^"]+)"', page.text)
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
        response = self.web.post(
            urljoin(page.url, unescape(action.group(1))),
            data={"xsrf": xsrf.group(1), "logout": "yes"},
            allow_redirects=False,
        )
        assert response.status_code in (302, 303), response.text[:500]
        return urljoin(page.url, response.headers["Location"])
