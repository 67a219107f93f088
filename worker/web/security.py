"""HTTP headers of SECURITY.md, applied to every response of the worker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask import Flask

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


Headers = list[tuple[str, str]]


class SecurityHeaders:
    """WSGI middleware adding the headers to every response, whatever produced it.

    A response's headers are one of a few fixed lists, picked by what it is (a page, a
    file handed over, a file shown in a back-office page), whether its path carries
    personal data and whether the portal is served over https, and added in one step where
    Flask's ``Headers`` checked and replaced them one by one (an eighth of a small page).
    """

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.config = app.config
        self.wsgi_app = wsgi_app
        self.lists: dict[tuple, tuple[frozenset[str], Headers]] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")

        def start(status: str, headers: Headers, exc_info=None):
            replaced, added = self.headers_for(path, headers)
            headers[:] = [h for h in headers if h[0].lower() not in replaced]
            headers += added
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)

    def headers_for(self, path: str, headers: Headers) -> tuple[frozenset[str], Headers]:
        """The names to drop from the response's own headers and the headers to add."""
        kind, has_csp = "", False
        for name, value in headers:
            lower = name.lower()
            if lower == "content-disposition":
                kind = value.split(";", 1)[0].strip().lower()
            elif lower == "content-security-policy":
                has_csp = True
        # A back-office file shown in the page that frames it (a supporting document).
        inline = kind == "inline" and path.startswith(BACK_OFFICE)
        download = kind == "attachment" or inline
        key = (inline, download, has_csp, path.startswith(PERSONAL), is_https(self.config))
        found = self.lists.get(key)
        if found is None:
            found = self.lists[key] = _headers(*key)
        return found


def _headers(
    inline: bool, download: bool, has_csp: bool, personal: bool, https: bool
) -> tuple[frozenset[str], Headers]:
    added = []
    if download:
        added.append(("Content-Security-Policy", INLINE_CSP if inline else DOWNLOAD_CSP))
    elif not has_csp:
        added.append(("Content-Security-Policy", CSP))
    added.append(("X-Content-Type-Options", "nosniff"))
    added.append(("X-Frame-Options", "SAMEORIGIN" if inline else "DENY"))
    # same-origin keeps the Referer for our own CSRF-sensitive posts, gives none elsewhere.
    added.append(("Referrer-Policy", "same-origin"))
    if download or personal:
        added.append(("Cache-Control", "no-store"))
    if https:
        added.append(("Strict-Transport-Security", HSTS))
    return frozenset(name.lower() for name, _ in added), added


def is_https(config: Mapping[str, Any]) -> bool:
    """Served over https: decided by the configured public address, never by the request."""
    return str(config["BASE_URL"]).startswith("https://")


def init_app(app: Flask) -> None:
    app.wsgi_app = SecurityHeaders(app, app.wsgi_app)  # type: ignore[method-assign]
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
