"""« Doublons »: pairs of live applications of one person to one exam session from two
accounts; each pair side by side, with « Écarter » on each application of the member's
académies (the existing, audited rejection page)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from worker.content import current_catalog as catalog
from worker.office.actions import duplicates
from worker.office.actions.outcomes import NotFound
from worker.office.views.common import group_label, office_context
from worker.store import db
from worker.web import staff_auth as office_auth

blueprint = Blueprint("office_duplicates", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)


@blueprint.get("/doublons")
@office_auth.staff_required
def duplicates_list():
    return render_template(
        "office/duplicates.html",
        title="Doublons",
        pairs=duplicates.pairs(db.get(), office_auth.scope()),
        group_label=group_label,  # « ACADÉMIE DE PARIS – BTS – BTS 2027 »
    )


@blueprint.get("/doublons/<int:pair_id>")
@office_auth.staff_required
def pair(pair_id: int):
    shown = duplicates.pair(db.get(), office_auth.scope(), pair_id)
    if isinstance(shown, NotFound):
        abort(404)
    return render_template(
        "office/duplicate.html", title="Doublon possible", shown=shown, catalog=catalog()
    )
