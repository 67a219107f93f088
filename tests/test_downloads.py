"""Downloads name their file per RFC 6266: an ASCII ``filename`` every client reads and an
RFC 8187 ``filename*`` with the real name, in one valid Latin-1 header line, whatever the
candidate called the file; and the bytes arrive intact through a real server."""

from __future__ import annotations

import http.client
import re
import unicodedata
from urllib.parse import unquote, urlsplit

import pytest

from tests.test_registration import NOW
from tests.test_uploads import Portal, pdf, registered
from worker.web import downloads

HEADER = re.compile(r"""attachment; filename="([ !#-\[\]-~]*)"; filename\*=UTF-8''([!-~]*)""")

NAMES = {
    "accented": "relevé de notes – Élève.pdf",
    "japanese": "日本.pdf",
    "arabic": "رسالة رسمية.pdf",
    "rtl-override": "facture\u202efdp.exe",
    "quote-semicolon-crlf": 'devis "final"; v2\r\nSet-Cookie: x=1.pdf',
    "long-300": "n" * 296 + ".pdf",
    "long-japanese": "長い名前" * 75 + ".docx",
    "path": "..\\..\\windows/system32.pdf",
    "empty": "",
}


def parse(value: str) -> tuple[str, str]:
    """(ASCII fallback, decoded filename*) of a Content-Disposition we wrote."""
    found = HEADER.fullmatch(value)
    assert found, value
    return found.group(1), unquote(found.group(2), errors="strict")


@pytest.mark.parametrize("name", NAMES.values(), ids=NAMES.keys())
def test_the_header_is_one_valid_latin1_line(name):
    value = downloads.content_disposition(name)
    value.encode("latin-1")  # an HTTP header line: a UnicodeEncodeError would be a 500
    assert "\r" not in value and "\n" not in value
    fallback, real = parse(value)
    assert fallback.isascii() and fallback.isprintable()
    assert len(fallback) <= downloads.FALLBACK_MAX
    assert len(real.encode("utf-8")) <= downloads.UTF8_MAX
    assert '"' not in fallback  # a quote would end the quoted-string
    for shown in (fallback, real):  # what the browser proposes to save
        assert shown and not set(shown) & set("\\/")
        assert not [c for c in shown if unicodedata.category(c).startswith("C")]


@pytest.mark.parametrize(
    "name, fallback, real",
    [
        ("relevé de notes – Élève.pdf", "releve de notes _ Eleve.pdf", None),
        ("日本.pdf", "__.pdf", None),
        ("رسالة رسمية.pdf", "_____ _____.pdf", None),
        ("facture\u202efdp.exe", "facturefdp.exe", "facturefdp.exe"),
        ('devis "final"; v2.pdf', "devis final_ v2.pdf", None),
        ("a\r\nb.pdf", "ab.pdf", "ab.pdf"),
        ("", "fichier", "fichier"),
    ],
)
def test_names_are_folded_and_kept(name, fallback, real):
    assert parse(downloads.content_disposition(name)) == (fallback, real or name)


def test_long_names_are_capped_keeping_their_extension():
    fallback, real = parse(downloads.content_disposition("n" * 296 + ".pdf"))
    assert len(fallback) == downloads.FALLBACK_MAX and fallback.endswith("n.pdf")
    assert real == "n" * (downloads.UTF8_MAX - 4) + ".pdf"
    fallback, real = parse(downloads.content_disposition("長い名前" * 75 + ".docx"))
    assert fallback.endswith("_.docx") and real.endswith(".docx")
    assert downloads.UTF8_MAX - 3 < len(real.encode()) <= downloads.UTF8_MAX
    assert ("長い名前" * 75).startswith(real.removesuffix(".docx"))  # whole characters only


# -- through a real server ---------------------------------------------------------------

LIVE = {
    "japanese": "日本.pdf",
    "arabic": "رسالة رسمية.pdf",
    "accented": "Carte d'identité – recto verso.pdf",
    # (a raw double quote cannot travel in a multipart part header: tested above)
    "semicolon-apostrophe": "devis; v2 'final' = 100%.pdf",
    "long-200": "長い名前" * 49 + ".pdf",  # 200 characters: the longest name accepted
}


@pytest.fixture(scope="module")
def live_portal(live_app) -> Portal:
    previous = live_app.config.get("NOW")
    live_app.config["NOW"] = lambda: NOW
    yield registered(live_app)
    live_app.config["NOW"] = previous


def download_over_http(portal: Portal, url: str) -> tuple[int, dict, bytes]:
    """GET through the real server's socket, as a browser would, with the session cookie."""
    base = urlsplit(portal.app.config["BASE_URL"])
    cookie = portal.client.http.get_cookie("portail_session")
    connection = http.client.HTTPConnection(base.hostname, base.port, timeout=20)
    try:
        connection.request("GET", url, headers={"Cookie": f"portail_session={cookie.value}"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("name", LIVE.values(), ids=LIVE.keys())
def test_a_live_download_keeps_the_name_and_the_bytes(live_portal, name):
    data = pdf(30_000 + len(name))
    response = live_portal.upload(name, data)
    assert response.status_code == 303
    html = live_portal.client.get(live_portal.page).get_data(as_text=True)
    url = re.findall(rf'href="({re.escape(live_portal.page)}/fichiers/\d+)"', html)[-1]
    status, headers, body = download_over_http(live_portal, url)
    assert status == 200
    assert body == data
    assert headers["Content-Length"] == str(len(data))
    _fallback, real = parse(headers["Content-Disposition"])
    if len(name.encode()) <= downloads.UTF8_MAX:
        assert real == name
    else:  # capped to what a file system can save, keeping the type
        assert real.endswith(".pdf") and name.startswith(real.removesuffix(".pdf"))
