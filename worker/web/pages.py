"""Page helpers both sides share: form pages, notices, expired forms, file downloads."""

from __future__ import annotations

import re
import secrets

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
)

from catalog import Catalog
from worker.content import current_catalog
from worker.files import storage
from worker.forms.base import CSRF_EXPIRED, PortailForm, session_token, tokens_rendered_as
from worker.web.downloads import content_disposition


def form_page(template: str, form: PortailForm, title: str, **context):
    """A form page: "Erreur : " in the title and a 400 when the form has errors."""
    errors = form.error_list()
    page_title = f"Erreur : {title}" if errors else title
    html = render_template(
        template, form=form, errors=errors, title=title, page_title=page_title, **context
    )
    return html, 400 if errors else 200


def shared_form_page(template: str, form_class: type[PortailForm], title: str, **context):
    """The blank form's page (a GET) when it shows the visitor nothing of their own but
    its token (« Me connecter »): for an anonymous visitor, see ``SharedPages``."""
    if any(key in session for key in PERSONAL_KEYS):
        return form_page(template, form_class.from_request(), title, **context)
    return _shared_pages().page(template, form_class, title, context), 200


# Where the token goes in a shared page: never in a page otherwise (random per process).
TOKEN_SLOT = f"jeton-{secrets.token_hex(16)}"
PERSONAL_KEYS = ("sid", "staff_sid", "_flashes")  # a candidate, a staff member, a message
TOKEN = re.compile(r"\d{14}##[0-9a-f]{40}")  # SessionCSRF's: expiry ## HMAC-SHA1


class SharedPages:
    """Form pages rendered once per catalogue, the session's CSRF token filled in for each
    request.

    For an anonymous visitor with no message waiting, the page of a blank form (login,
    sign-up) is the same for everyone but the token: it is rendered once for the current
    catalogue, with a slot where the token goes, and kept by (template, title, form class,
    endpoint, context); a request then builds no form and renders no template. Only pages
    whose HTML depends on nothing else (the application's settings are read at start-up)
    may be shared. Nothing personal is ever kept: a signed-in visitor, or one with a
    message to read, gets the page rendered for them.
    """

    KEPT = 32  # distinct pages; more (never expected) start the store again

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        self.pages: dict[tuple, str] = {}

    def page(self, template: str, form_class: type[PortailForm], title: str, context: dict) -> str:
        catalog = current_catalog()
        if catalog is not self.catalog or len(self.pages) >= self.KEPT:
            self.catalog, self.pages = catalog, {}
        key = (template, title, form_class, request.endpoint, request.script_root,
               tuple(sorted(context.items())))  # fmt: skip
        html = self.pages.get(key)
        if html is None:
            form = form_class.from_request()
            html = self.pages[key] = _with_token_slots(template, form, title, context)
        return html.replace(TOKEN_SLOT, session_token())


def _with_token_slots(template: str, form: PortailForm, title: str, context: dict) -> str:
    """The page rendered with the slot wherever a token goes (the form's, a button's)."""
    with tokens_rendered_as(TOKEN_SLOT, form):
        html = render_template(
            template, form=form, errors=[], title=title, page_title=title, **context
        )
    if TOKEN.search(html):  # another form's token: this page is not the same for everyone
        raise RuntimeError(f"{template} holds a token of its own: it cannot be shared")
    return html


def _shared_pages() -> SharedPages:
    return current_app.extensions.setdefault("shared_pages", SharedPages())


def notice(title: str, *paragraphs: str, status: int = 200, links=(), button=None):
    """A page that says what happened and what to do next."""
    html = render_template(
        "candidate/notice.html", title=title, paragraphs=paragraphs, links=links, button=button
    )
    return html, status


def send_stored(area: str, stored_name: str, download_name: str, content_type: str) -> Response:
    """A file kept under FILES_DIR/<area>, streamed as an attachment (404 if it is gone)."""
    path = storage.path_of(current_app.config["FILES_DIR"], area, stored_name)
    if not path.exists():
        abort(404)
    response = current_app.response_class(storage.chunks_of(path), mimetype=content_type)
    response.headers["Content-Length"] = str(path.stat().st_size)
    # RFC 6266 by hand: Werkzeug's filename= puts a raw non-Latin-1 name in the header.
    response.headers["Content-Disposition"] = content_disposition(download_name)
    return response


def dead_link(status: int, explanation: str, link: tuple[str, str]):
    """« Ce lien n'est plus valable »: a mailed link that expired, served or was overtaken."""
    return notice("Ce lien n'est plus valable", explanation, status=status, links=[link])


def form_expired(back_to: str):
    """A button's form whose token expired (a page left open for hours): the page again,
    with a message to retry, rather than a bare 400."""
    flash(CSRF_EXPIRED, "error")
    return redirect(back_to, code=303)
