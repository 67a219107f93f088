"""« Je n'ai pas de compte, je le crée » and the activation link; use cases in
``actions.accounts``."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, session, url_for

from worker import refdata
from worker.candidate.actions import accounts as account_actions
from worker.candidate.actions.outcomes import DeadLink
from worker.candidate.views.common import mailed
from worker.forms.account import SignupForm
from worker.forms.base import ConfirmForm
from worker.rules import passwords
from worker.store import db
from worker.web.pages import form_page, notice

blueprint = Blueprint("signup", __name__, url_prefix="/espace-candidat")


@blueprint.route("/creer-un-compte", methods=["GET", "POST"])
def create():
    form = SignupForm.from_request()
    if not form.submitted():
        return form_page(
            "candidate/signup.html", form, "Créer mon compte candidat", password_rule=passwords.RULE
        )
    outcome = account_actions.sign_up(
        db.get(), form.email.data, form.password.data, form.identity(), mailed("signup.activate")
    )
    session["created_for"] = outcome.address
    return redirect(url_for("signup.created"), code=303)


@blueprint.get("/compte-en-creation")
def created():
    address = session.get("created_for")
    if not address:
        return redirect(url_for("signup.create"))
    return notice(
        "Votre compte est en cours de création",
        f"Un courriel vient d'être envoyé à l'adresse {address}.",
        "Ouvrez-le et cliquez sur le lien « Activer mon compte » dans les 48 heures : passé ce "
        "délai, le compte est supprimé et il faudra le créer de nouveau.",
        "Vous ne trouvez pas le courriel ? Regardez dans les courriers indésirables (spam).",
    )


@blueprint.route("/activer/<token>", methods=["GET", "POST"])
def activate(token: str):
    """GET shows a button; only its POST activates (mail scanners open links too)."""
    database = db.get()
    checked = account_actions.check_activation(database, token)
    if not isinstance(checked, account_actions.ValidLink):
        return _not_activated(checked)
    form = ConfirmForm.from_request()
    if not form.submitted():
        return form_page(
            "candidate/activate.html", form, "Activer mon compte", account=checked.account
        )
    outcome = account_actions.activate(database, token)
    if not isinstance(outcome, account_actions.Activated):
        return _not_activated(outcome)
    return notice(
        "Votre compte est activé",
        f"Votre numéro de candidat est le {outcome.account.candidate_number}. Notez-le : il "
        "vous servira d'identifiant, comme votre adresse électronique.",
        links=[(url_for("login.login"), "J'ai un compte, je me connecte")],
    )


def _not_activated(outcome: account_actions.AlreadyActive | DeadLink):
    signup_link = (url_for("signup.create"), "Je n'ai pas de compte, je le crée")
    if isinstance(outcome, account_actions.AlreadyActive):
        return notice(
            "Ce lien a déjà servi",
            "Votre compte est déjà activé : connectez-vous.",
            links=[(url_for("login.login"), "J'ai un compte, je me connecte")],
        )
    if outcome.status == 400:
        return notice(
            "Ce lien n'est pas valable",
            "Le lien utilisé est incomplet ou a été modifié. Copiez l'adresse entière du lien "
            "reçu par courriel, ou créez de nouveau votre compte.",
            status=400,
            links=[signup_link],
        )
    return notice(
        "Ce lien d'activation n'est plus valable",
        "Le compte n'a pas été activé dans les 48 heures qui ont suivi sa création : il a été "
        "ou va être supprimé. Créez de nouveau votre compte.",
        status=410,
        links=[signup_link],
    )


@blueprint.get("/communes")
def communes():
    """The communes of a département, for the "as you type" list of the form (JavaScript)."""
    code = request.args.get("departement", "")
    return jsonify([name for _insee, name in refdata.communes_of(code)])
