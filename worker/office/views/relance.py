"""« Relance de pièces justificatives » (BTS guide §4.3): for one application of the
member's académies, or for a whole session of them, the PDF of the missing or
non-conforming pieces with a new deadline, in the candidate's « Mes documents ». A
session's relance runs as a bulk publication: its page shows the progress."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from worker.content import current_catalog as catalog
from worker.forms.base import ConfirmForm
from worker.office.actions import publication as publishing
from worker.office.actions import queue as queueing
from worker.office.actions import relance
from worker.office.actions.outcomes import Refused
from worker.office.views import confirming
from worker.office.views.common import application_in_scope, checked_form, office_context
from worker.office.views.queue import group_label
from worker.store import accounts, applications, db, publications
from worker.web import staff_auth as office_auth

blueprint = Blueprint("office_relance", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)


def _flash(outcome) -> None:
    flash(outcome.message, "error" if isinstance(outcome, Refused) else "message")


def _typed(outcome, deadline: str, title: str = relance.TITLE) -> dict:
    """The form's context: a refused deadline shown again at its field, as typed (UI.md's
    error pattern); nothing for any other outcome."""
    if not isinstance(outcome, relance.BadDeadline):
        return {}
    return {
        "errors": [(DEADLINE_FIELD, outcome.message)],
        "typed_deadline": deadline[:10],
        "page_title": f"Erreur : {title}",
    }


DEADLINE_FIELD = "relance-deadline"
SESSION_FIELD = "relance-session"
NOTHING_TYPED = {"errors": (), "typed_deadline": ""}


@blueprint.route("/candidatures/<int:application_id>/relance", methods=["GET", "POST"])
@office_auth.staff_required
def one(application_id: int):
    found = application_in_scope(application_id)
    database = db.get()
    account = accounts.by_id(database, found.account_id)
    title = f"{relance.TITLE} – {account.display_name}"
    shown = {}
    if request.method == "POST":
        checked_form()
        typed = request.form.get("deadline", "")
        outcome = relance.relance_one(
            database,
            current_app.config["FILES_DIR"],
            office_auth.current_staff(),
            catalog(),
            found,
            typed,
        )
        shown = _typed(outcome, typed, title)
        if not shown:
            _flash(outcome)
            return redirect(url_for(".one", application_id=found.id), code=303)
    html = render_template(
        "office/relance.html",
        title=title,
        application=found,
        pieces=relance.lacking(database, catalog(), found),
        closed=relance.CLOSED if found.status != applications.REGISTERED else "",
        form=ConfirmForm.blank(),
        **{**NOTHING_TYPED, **shown},
    )
    return html, 400 if shown else 200


@blueprint.route("/relance", methods=["GET", "POST"])
@office_auth.staff_required
def session():
    database = db.get()
    groups = applications.session_groups(database, office_auth.scope())
    if request.method == "POST":
        checked_form()
        key, typed = request.form.get("session", ""), request.form.get("deadline", "")
        if not key:  # a whole session's candidates are mailed: never a default one
            chosen = {"errors": [(SESSION_FIELD, "Choisissez la session d'examen à relancer.")]}
            page = _session_page(groups, typed_deadline=typed[:10], **chosen)
            return page, 400
        group = queueing.group_of(database, office_auth.scope(), key)
        if group is None:
            abort(404)
        if confirming.decision() == confirming.CHANGE:
            return _session_page(groups, chosen=group.key, typed_deadline=typed[:10])
        if not confirming.once() or confirming.decision() != confirming.CONFIRM:
            # (counting is not free: not again once confirmed)
            preview = relance.session_preview(database, catalog(), group, typed)
            if not isinstance(preview, relance.BadDeadline):
                return _confirm(preview, group, typed)
        deadline = relance.session_deadline(catalog(), group, typed)
        if isinstance(deadline, relance.BadDeadline):  # the session chosen stays chosen
            return _session_page(groups, chosen=group.key, **_typed(deadline, typed)), 400
        started = publishing.start_relance(
            database,
            current_app.config["FILES_DIR"],
            catalog(),
            office_auth.current_staff(),
            group,
            deadline,
            current_app.config["PUBLISH_SECONDS"],
            confirming.once(),
        )
        if isinstance(started, Refused):  # already confirmed: the first one is under way
            flash(f"{group_label(group)} : {started.message}", "error")
            return redirect(url_for(".session"), code=303)
        target = url_for("office_actions.publication", publication_id=started.publication.id)
        return redirect(target, code=303)
    return _session_page(groups)


def _confirm(preview, group, typed: str):
    return confirming.page(
        "Confirmer l'envoi des relances",
        preview,
        {"session": group.key, "deadline": typed},
        "Confirmer l'envoi des relances",
        url_for(".session"),
    )


def _session_page(groups, chosen: str = "", **shown) -> str:
    if shown.get("errors"):
        shown.setdefault("page_title", f"Erreur : {relance.TITLE}")
    return render_template(
        "office/relance_session.html",
        title=relance.TITLE,
        groups=groups,
        chosen=chosen,
        group_label=group_label,
        form=ConfirmForm.blank(),
        publications=[
            (found, group_label(found.group))
            for found in publications.recent(db.get(), office_auth.scope(), kind=relance.KIND)
        ],
        **{**NOTHING_TYPED, **shown},
    )
