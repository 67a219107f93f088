"""The home of the candidate space and « Consulter mes messages »."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from worker.candidate.views.common import applications_and_drafts
from worker.store import db, mails
from worker.web import auth

blueprint = Blueprint("home", __name__, url_prefix="/espace-candidat")


@blueprint.get("/")
@auth.login_required
def home():
    return render_template(
        "candidate/home.html",
        title="Mon espace candidat",
        account=auth.current_account(),
        **applications_and_drafts(),
    )


@blueprint.get("/messages")
@auth.login_required
def messages():
    account = auth.current_account()
    return render_template(
        "candidate/messages.html",
        title="Mes messages",
        messages=mails.of_account(db.get(), account.id),
    )


@blueprint.get("/outbox")
def outbox():
    """Development only: every mail the portal would have sent, with clickable links."""
    if current_app.config["SMTP_HOST"]:
        abort(404)
    return render_template(
        "candidate/outbox.html", title="Boîte d'envoi locale", messages=mails.outbox(db.get())
    )
