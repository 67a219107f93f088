"""The session cookie: compact JSON, its issue time and an HMAC-SHA256, read and written
in a few C calls.

Flask's default cookie (itsdangerous' ``URLSafeTimedSerializer`` over Flask's tagged JSON)
was, read and written, the largest single cost of a signed-in page after its template:
layers of Python around each step (walking the data for tags, deriving the key, base64,
timestamps, ``Vary`` parsed into a set). The portal's session holds only strings, numbers,
booleans, lists and dicts (the server-side session's identifier, the CSRF secret, flashed
messages, an OpenID Connect attempt's state), which plain JSON keeps as they are (a flashed
message's tuple comes back as a list, which the templates unpack alike). So a cookie is

    base64url(JSON) "." issue time (hexadecimal seconds) "." base64url(HMAC-SHA256)

The HMAC covers the first two parts with a key derived from ``SECRET_KEY``; a cookie
signed with one of ``SECRET_KEY_FALLBACKS`` is still read (key rotation), and one issued
longer ago than ``PERMANENT_SESSION_LIFETIME`` is not, as before. Anything that does not
verify is an empty session, never an error.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import time

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SessionInterface

SALT = b"portail-session-cookie"
SKEW = 300  # seconds a cookie may seem issued in the future: the hosts' clocks differ a little


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Signer:
    """Signs with the first key, verifies with any (the current one, then the fallbacks)."""

    def __init__(self, secrets: list[str | bytes]) -> None:
        self.keys = [
            hmac.digest(s.encode() if isinstance(s, str) else s, SALT, "sha256") for s in secrets
        ]

    def _signature(self, key: bytes, payload: str) -> str:
        return _b64(hmac.digest(key, payload.encode("ascii"), "sha256"))

    def dumps(self, data: dict, now: float) -> str:
        body = json.dumps(data, separators=(",", ":")).encode("ascii")
        payload = f"{_b64(body)}.{int(now):x}"
        return f"{payload}.{self._signature(self.keys[0], payload)}"

    def loads(self, value: str, max_age: int, now: float) -> dict | None:
        if not value.isascii():  # compare_digest takes ASCII text only
            return None
        payload, _, signature = value.rpartition(".")
        if not any(
            hmac.compare_digest(self._signature(key, payload), signature) for key in self.keys
        ):
            return None
        body, _, issued = payload.partition(".")
        try:
            age = now - int(issued, 16)
            data = json.loads(_unb64(body))
        except (ValueError, binascii.Error):
            return None
        if not -SKEW <= age <= max_age or not isinstance(data, dict):
            return None
        return data


class SessionCookies(SessionInterface):
    session_class = SecureCookieSession

    def __init__(self) -> None:
        self._signer: tuple[tuple, Signer] | None = None

    def signer(self, app: Flask) -> Signer:
        """Kept for as long as the keys stay the same (tests change them between apps)."""
        keys = (app.secret_key, *app.config["SECRET_KEY_FALLBACKS"])
        if self._signer is None or self._signer[0] != keys:
            self._signer = (keys, Signer(list(keys)))
        return self._signer[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        return self.session_class(self.signer(app).loads(value, max_age, time.time()) or {})

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:
        """Flask's rules: ``Vary: Cookie`` once the session was read, the cookie deleted
        when emptied, written when modified (or refreshed, if the settings say so)."""
        if session.accessed:
            _vary_on_cookie(response)
        if not session:
            if session.modified:
                response.delete_cookie(**self._attributes(app, expires=False))
            return
        if not self.should_set_cookie(app, session):
            return
        value = self.signer(app).dumps(dict(session), time.time())
        response.set_cookie(value=value, **self._attributes(app, session=session))

    def _attributes(self, app: Flask, expires: bool = True, session=None) -> dict:
        attributes = {
            "key": self.get_cookie_name(app),
            "domain": self.get_cookie_domain(app),
            "path": self.get_cookie_path(app),
            "secure": self.get_cookie_secure(app),
            "partitioned": self.get_cookie_partitioned(app),
            "samesite": self.get_cookie_samesite(app),
            "httponly": self.get_cookie_httponly(app),
        }
        if expires:
            attributes["expires"] = self.get_expiration_time(app, session)
        return attributes


def _vary_on_cookie(response: Response) -> None:
    """``Vary: Cookie``, without parsing the header into a set when it is the only one
    (``response.vary`` does, and writes it back, at every call)."""
    if "Vary" in response.headers:
        response.vary.add("Cookie")
    else:
        response.headers["Vary"] = "Cookie"


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
