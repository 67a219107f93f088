"""The session cookie: Flask's signed cookie, its signing serializer built once per key set.

Flask builds a new ``URLSafeTimedSerializer`` twice per request (to read the cookie, then
to write it) and signs through a Python wrapper around SHA-1, which sends ``hmac`` down its
pure-Python path. Here the serializer is kept for as long as the keys stay the same and
signs with ``hashlib.sha1`` itself (OpenSSL's HMAC): the same HMAC-SHA1 signatures, the
same cookies, the same key rotation (``SECRET_KEY_FALLBACKS``), at a fraction of the cost.
"""

from __future__ import annotations

import hashlib

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookies(SecureCookieSessionInterface):
    digest_method = staticmethod(hashlib.sha1)

    def __init__(self) -> None:
        self._serializer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"]))
        if self._serializer is None or self._serializer[0] != keys:
            self._serializer = (keys, super().get_signing_serializer(app))
        return self._serializer[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
