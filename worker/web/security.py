"""HTTP headers of SECURITY.md, applied to every response of the worker."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from sitebuild.urls import CANDIDATE_HOME

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# A downloaded file opened in the browser runs nothing and reaches nothing of the portal.
DOWNLOAD_CSP = "sandbox"
# A supporting document shown inline to the exam office: the same sandbox, framed by our pages.
INLINE_CSP = "sandbox; frame-ancestors 'self'"
HSTS = "max-age=63072000; includeSubDomains"  # two years, as the HSTS preload list asks
BACK_OFFICE = "/gestion/"
PERSONAL = (CANDIDATE_HOME, BACK_OFFICE)  # every page under these carries personal data


def disposition(response: Response) -> str:
    """« attachment » for a file handed over (supporting documents, PDFs, CSV exports),
    « inline » for one shown in the page, « » for a page."""
    return response.headers.get("Content-Disposition", "").split(";", 1)[0].strip().lower()


def headers(response: Response) -> Response:
    kind = disposition(response)
    # A back-office file shown in the page that frames it (a supporting document).
    inline = kind == "inline" and request.path.startswith(BACK_OFFICE)
    download = kind == "attachment" or inline
    if download:
        response.headers["Content-Security-Policy"] = INLINE_CSP if inline else DOWNLOAD_CSP
    else:
        response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "SAMEORIGIN" if inline else "DENY"
    # same-origin keeps the Referer for our own CSRF-sensitive posts, gives none elsewhere.
    response.headers["Referrer-Policy"] = "same-origin"
    if download or request.path.startswith(PERSONAL):
        response.headers["Cache-Control"] = "no-store"
    if is_https(current_app):
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def is_https(app: Flask) -> bool:
    """Served over https: decided by the configured public address, never by the request."""
    return str(app.config["BASE_URL"]).startswith("https://")


def init_app(app: Flask) -> None:
    app.after_request(headers)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
