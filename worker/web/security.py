"""HTTP headers of SECURITY.md, applied to every response of the worker."""

from __future__ import annotations

from flask import Flask, Response, request

from sitebuild.urls import CANDIDATE_HOME

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # same-origin keeps the Referer for our own CSRF-sensitive posts, gives none elsewhere.
    response.headers["Referrer-Policy"] = "same-origin"
    if request.path.startswith(CANDIDATE_HOME):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(headers)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
