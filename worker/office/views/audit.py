"""« Journal des actions »: the audit log of the member's académies, filtered by staff
member, candidate and action, paged, exported as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from worker.content import current_catalog as catalog
from worker.office.actions import audit_log
from worker.office.views.common import office_context
from worker.store import audit_log as stored_audit
from worker.store import db
from worker.store.audit_log import AuditFilters
from worker.web import params
from worker.web import staff_auth as office_auth

blueprint = Blueprint("office_audit", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)
PER_PAGE = 50


def _filters() -> AuditFilters:
    return AuditFilters(
        staff_id=params.query_int("staff", None, highest=params.SQLITE_MAX),
        candidate=params.query_text("candidate"),
        action=params.query_text("action"),
    )


def _args(filters: AuditFilters) -> dict:
    """The filters as query arguments (empty ones left out)."""
    found = {"staff": filters.staff_id, "candidate": filters.candidate, "action": filters.action}
    return {key: value for key, value in found.items() if value not in (None, "")}


@blueprint.get("/journal")
@office_auth.staff_required
def journal():
    filters = _filters()
    page = params.query_int("page", 1)
    member = office_auth.current_staff()
    found = audit_log.journal(db.get(), member, catalog(), filters, page, PER_PAGE)
    if beyond := params.past_the_last(page, found.pages):
        return beyond
    return render_template(
        "office/audit.html",
        title="Journal des actions",
        journal=found,
        filters=filters,
        args=_args(filters),
        page=page,
        counted=f"{stored_audit.COUNTED:,}".replace(",", "\u00a0"),  # « 1 000 »
        label_of=audit_log.label_of,
    )


@blueprint.get("/journal/export.csv")
@office_auth.staff_required
def export():
    text = audit_log.export(db.get(), office_auth.current_staff(), catalog(), _filters())
    response = Response(text, mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename="journal.csv")
    return response
