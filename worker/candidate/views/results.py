"""« Mes notes »: the results an exam office published for an application."""

from __future__ import annotations

from flask import Blueprint, render_template

from worker.candidate.views.registration import _own_application, catalog, describe
from worker.office import publishing
from worker.store import db
from worker.web import auth

blueprint = Blueprint("results", __name__, url_prefix="/espace-candidat/inscriptions")


@blueprint.get("/<number>/notes")
@auth.login_required
def notes(number: str):
    """The application's tests and their marks, once published; to its owner only."""
    found = _own_application(number)
    marks = publishing.results_of(db.get(), found.id)
    return render_template(
        "candidate/results.html",
        title="Mes notes",
        **describe(found),
        lines=publishing.result_lines(catalog(), found, marks) if marks else [],
    )
