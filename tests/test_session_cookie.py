"""The session cookie is signed again when the server-side session's last use moves (at
most once a minute), not on every response; idle sessions still end; rotated keys still
read the cookies they signed (web.cookies keeps one serializer per key set)."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import make_app, stop_mail
from tests.forms import FormClient
from tests.test_registration import NOW, PASSWORD, candidate, signed_in

PAGE = "/espace-candidat/inscriptions"


def session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if "portail_session=" in c]


def test_the_cookie_follows_the_server_side_session_not_every_response(app):
    now = [NOW]
    app.config["NOW"] = lambda: now[0]
    client = signed_in(app)
    assert client.get(PAGE).status_code == 200  # the session's first form token: a new cookie
    for _ in range(3):  # within the minute: the cookie is left as it is
        response = client.get(PAGE)
        assert response.status_code == 200
        assert session_cookies(response) == []
    now[0] += timedelta(minutes=2)  # the server-side session moves: so does the cookie
    response = client.get(PAGE)
    assert response.status_code == 200
    (cookie,) = session_cookies(response)
    assert "Expires=" in cookie and "HttpOnly" in cookie
    assert session_cookies(client.get(PAGE)) == []


def test_an_idle_session_still_ends(app):
    now = [NOW]
    app.config["NOW"] = lambda: now[0]
    client = signed_in(app)
    now[0] += timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/espace-candidat/connexion")


def test_a_rotated_key_still_reads_the_cookies_it_signed(tmp_path, site_dir, mailbox):
    first = make_app(tmp_path, site_dir, mailbox, SECRET_KEY="première clé")
    client = FormClient(first.test_client())
    login = {"login": candidate(first), "password": PASSWORD}
    assert client.submit("/espace-candidat/connexion", login).status_code == 303
    assert client.get(PAGE).status_code == 200
    stop_mail(first)
    rotated = make_app(
        tmp_path, site_dir, mailbox, SECRET_KEY="seconde clé", SECRET_KEYS_OLD=["première clé"]
    )
    stranger = make_app(tmp_path, site_dir, mailbox, SECRET_KEY="une tout autre clé")
    try:
        for app, status in ((rotated, 200), (stranger, 302)):
            other = app.test_client()
            other.set_cookie("portail_session", client.http.get_cookie("portail_session").value)
            assert other.get(PAGE).status_code == status
    finally:
        stop_mail(rotated)
        stop_mail(stranger)


def _cookie(client) -> str:
    return client.http.get_cookie("portail_session").value


def test_a_tampered_or_expired_cookie_is_an_empty_session_never_an_error(app):
    import time

    client = signed_in(app)
    assert client.get(PAGE).status_code == 200
    value = _cookie(client)
    body, issued, signature = value.split(".")
    assert int(issued, 16) <= time.time() + 1
    forged = [
        f"{body}.{issued}.{signature[:-2]}AA",  # the signature changed
        f"{body}A.{issued}.{signature}",  # the content changed
        f"{body}.{int(issued, 16) + 1:x}.{signature}",  # the issue time changed
        "pas-un-cookie",
        "é.é.é",
    ]
    for tampered in forged:
        other = app.test_client()
        other.set_cookie("portail_session", tampered)
        response = other.get(PAGE)
        assert response.status_code == 302, tampered
        assert response.headers["Location"].startswith("/espace-candidat/connexion")
    lifetime = app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 10
    kept = time.time
    time.time = lambda: later  # the cookie's own age, beyond PERMANENT_SESSION_LIFETIME
    try:
        other = app.test_client()
        other.set_cookie("portail_session", value)
        assert other.get(PAGE).status_code == 302
    finally:
        time.time = kept
    fresh = app.test_client()
    fresh.set_cookie("portail_session", value)
    assert fresh.get(PAGE).status_code == 200  # the untouched cookie still reads
