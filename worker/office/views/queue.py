"""« À traiter »: the pieces of an exam session awaiting a decision, oldest first; one
opened shows its file inline beside the récapitulatif, with the decision buttons, and
after a decision the next piece opens.

Every lookup is within the member's académies (404 otherwise); decisions go through the
audited piece-status use case.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from worker.content import current_catalog as catalog
from worker.files import storage
from worker.forms.base import ConfirmForm
from worker.office.actions import queue as queueing
from worker.office.actions.outcomes import NotFound, Refused
from worker.office.views.common import (
    application_in_scope,
    checked_form,
    group_label,
    office_context,
)
from worker.rules import pieces as supporting
from worker.store import db
from worker.store import pieces as stored_pieces
from worker.web import params
from worker.web import rows as table_rows
from worker.web import staff_auth as office_auth
from worker.web.downloads import content_disposition
from worker.web.templating import row_links

blueprint = Blueprint("office_queue", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)


@blueprint.get("/a-traiter")
@office_auth.staff_required
def queue():
    page = params.query_int("page", 1)
    found = queueing.queue_of(db.get(), office_auth.scope(), request.args.get("session", ""), page)
    if beyond := params.past_the_last(page, found.pages):
        return beyond
    html = render_template(
        "office/queue.html",
        title="À traiter",
        queue=found,
        rows=table_rows.render(
            "office/rows/queue.html",
            queueing.lines(catalog(), found.items),
            link=row_links(".piece", application_id="application_id", code="code"),
        ),
        group_label=group_label,
    )
    return html, 404 if found.group is None and found.groups else 200  # a session not theirs


def _opened(application_id: int, code: str) -> queueing.Opened:
    opened = queueing.open_piece(db.get(), office_auth.scope(), catalog(), application_id, code)
    if isinstance(opened, NotFound):
        abort(404)
    return opened


@blueprint.get("/a-traiter/<int:application_id>/<code>")
@office_auth.staff_required
def piece(application_id: int, code: str):
    return _piece_page(_opened(application_id, code))


def _piece_page(opened: queueing.Opened, errors=(), typed: dict | None = None):
    """The piece opened, with its decision forms (``errors``: (field id, message) pairs
    of a decision refused, shown with what was typed)."""
    title = f"{opened.state.piece.label} – {opened.account.display_name}"
    received = opened.state.received_on or date.today().isoformat()
    return render_template(
        "office/queue_piece.html",
        title=title,
        page_title=("Erreur : " if errors else "") + title,
        opened=opened,
        group_label=group_label,
        statuses=supporting.STATUSES,
        form=ConfirmForm.blank(),
        errors=errors,
        field_errors=dict(errors),
        typed=typed or {"comment": "", "received_on": received},
    )


@blueprint.post("/a-traiter/<int:application_id>/<code>")
@office_auth.staff_required
def decide(application_id: int, code: str):
    opened = _opened(application_id, code)
    checked_form()
    status = request.form.get("status", "")
    typed = {
        "comment": request.form.get("comment", "").strip()[:1000],
        "received_on": request.form.get("received_on", "")[:10],
    }
    decided = queueing.decide(
        db.get(), office_auth.current_staff(), catalog(), opened, status, **typed
    )
    if isinstance(decided.outcome, NotFound):
        abort(404)
    if isinstance(decided.outcome, Refused):
        field = "decision-received" if status == "recue" else "decision-comment"
        return _piece_page(opened, [(field, decided.outcome.message)], typed), 400
    flash(decided.outcome.message, "message")
    following = decided.following
    if following is None:
        return redirect(url_for(".queue", session=opened.group.key), code=303)
    target = url_for(".piece", application_id=following.application_id, code=following.code)
    return redirect(f"{target}#decision", code=303)  # the keyboard starts at the decision


@blueprint.get("/candidatures/<int:application_id>/fichiers/<int:file_id>/apercu")
@office_auth.staff_required
def preview(application_id: int, file_id: int):
    """A PDF or image of a piece, shown inline in a sandbox (staff only, in scope)."""
    found = application_in_scope(application_id)
    stored = stored_pieces.file_of_application(db.get(), found.id, file_id)
    if stored is None or stored.content_type not in queueing.INLINE_TYPES:
        abort(404)
    path = storage.path_of(current_app.config["FILES_DIR"], "uploads", stored.stored_name)
    if not path.exists():
        abort(404)
    response = current_app.response_class(storage.chunks_of(path), mimetype=stored.content_type)
    response.headers["Content-Length"] = str(path.stat().st_size)
    disposition = content_disposition(stored.original_name)
    response.headers["Content-Disposition"] = "inline" + disposition.removeprefix("attachment")
    return response
