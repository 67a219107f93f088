"""Page helpers both sides share: form pages, notices, expired forms, file downloads."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template

from worker.files import storage
from worker.forms.base import CSRF_EXPIRED, PortailForm
from worker.web.downloads import content_disposition


def form_page(template: str, form: PortailForm, title: str, **context):
    """A form page: "Erreur : " in the title and a 400 when the form has errors."""
    errors = form.error_list()
    page_title = f"Erreur : {title}" if errors else title
    html = render_template(
        template, form=form, errors=errors, title=title, page_title=page_title, **context
    )
    return html, 400 if errors else 200


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
