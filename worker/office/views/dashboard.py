"""« Tableau de bord »: one exam session of the member's académies at a glance, with
links to the filtered lists and a CSV of each list."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from worker.content import current_catalog as catalog
from worker.office.actions import dashboard as dashboards
from worker.office.views.common import group_label, office_context
from worker.store import db
from worker.store.applications import STATUS_LABELS
from worker.web import staff_auth as office_auth

blueprint = Blueprint("office_dashboard", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)
LISTS = ("sans-depot", "pieces")


def _board() -> dashboards.Dashboard:
    key = request.args.get("session", "")
    return dashboards.dashboard_of(db.get(), office_auth.scope(), catalog(), key)


@blueprint.get("/tableau-de-bord")
@office_auth.staff_required
def dashboard():
    board = _board()
    html = render_template(
        "office/dashboard.html",
        title="Tableau de bord",
        board=board,
        group_label=group_label,
        statuses=STATUS_LABELS,
    )
    return html, 404 if board.group is None and board.groups else 200  # a session not theirs


@blueprint.get("/tableau-de-bord/<which>.csv")
@office_auth.staff_required
def export(which: str):
    board = _board()
    if which not in LISTS or board.group is None:
        abort(404)
    text = dashboards.export(db.get(), office_auth.current_staff(), board, which)
    response = Response(text, mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename=f"{which}.csv")
    return response
