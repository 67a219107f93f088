"""Posting the portal's forms from tests as a browser would: CSRF token included."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
ONCE = re.compile(r'<input type="hidden" name="once" value="([^"]+)">')


class FormClient:
    """A Flask test client that reads the CSRF token of a page before posting to it."""

    def __init__(self, client: FlaskClient):
        self.http = client

    def get(self, url: str, **kwargs) -> TestResponse:
        return self.http.get(url, **kwargs)

    def token(self, url: str) -> str:
        page = self.http.get(url)
        found = TOKEN.search(page.get_data(as_text=True))
        assert found, f"no form on {url} ({page.status_code})"
        return found.group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs) -> TestResponse:
        """GET the form page, then POST data with its token."""
        return self.http.post(url, data={"csrf_token": self.token(url), **(data or {})}, **kwargs)

    def confirmed(self, url: str, data: dict) -> dict:
        """What « Confirmer » posts after ``data`` (an action on a whole exam session):
        ``data`` again with the confirmation page's one-time token, or ``data`` alone when
        the answer is no confirmation page (an error, nobody to act for)."""
        shown = self.submit(url, data)
        found = ONCE.search(shown.get_data(as_text=True))
        extra = {"decision": "confirmer", "once": found.group(1)} if found else {}
        return {"csrf_token": self.token(url), **data, **extra}

    def confirm(self, url: str, data: dict) -> TestResponse:
        """Submit a form that asks for confirmation, and confirm it as a staff member would."""
        return self.http.post(url, data=self.confirmed(url, data))


def text(response: TestResponse) -> str:
    """The visible text of a page, tags removed and entities decoded, spaces collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"(?s)<(script|style|head).*?</\1>", " ", html)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def errors(response: TestResponse) -> list[str]:
    """The messages of the page's error summary."""
    html = response.get_data(as_text=True)
    summary = re.search(r'(?s)<div class="error-summary".*?</ul>', html)
    return (
        [unescape(m) for m in re.findall(r'<a href="#[^"]+">(.*?)</a>', summary.group(0))]
        if summary
        else []
    )


def title(response: TestResponse) -> str:
    found = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)
    return unescape(found.group(1)).strip() if found else ""


def hidden_fields(response: TestResponse) -> dict[str, str]:
    """The hidden fields of a page's forms, decoded (the CSRF token included): what a
    confirmation page posts again."""
    html = response.get_data(as_text=True)
    found = re.findall(r'<input name="([^"]+)" type="hidden" value="([^"]*)"', html)
    found += re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return {name: unescape(value) for name, value in found}
