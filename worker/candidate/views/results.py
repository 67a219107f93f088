"""« Mes notes »: the results an exam office published for an application."""

from __future__ import annotations

from flask import Blueprint, render_template

from worker.candidate.access import own_application
from worker.candidate.actions import results
from worker.candidate.views import common
from worker.content import current_catalog
from worker.store import db
from worker.web import auth

blueprint = Blueprint("results", __name__, url_prefix="/espace-candidat/inscriptions")


@blueprint.get("/<number>/notes")
@auth.login_required
def notes(number: str):
    """The application's tests and their marks, once published; to its owner only."""
    found = own_application(number)
    lines = results.open_results(db.get(), current_catalog(), found)
    return render_template(
        "candidate/results.html", title="Mes notes", **common.card(found), lines=lines
    )
