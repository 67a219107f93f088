"""« Je n'ai pas de compte, je le crée » and the activation link."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request, session, url_for

from worker import refdata
from worker.forms.account import SignupForm
from worker.forms.base import ConfirmForm
from worker.mail import delivery as mail
from worker.rules import passwords, tokens
from worker.store import accounts, db
from worker.web.pages import form_page, notice

blueprint = Blueprint("signup", __name__, url_prefix="/espace-candidat")


@blueprint.route("/creer-un-compte", methods=["GET", "POST"])
def create():
    form = SignupForm.from_request()
    if not form.submitted():
        return form_page(
            "candidate/signup.html", form, "Créer mon compte candidat", password_rule=passwords.RULE
        )
    # Hash before looking the address up: both answers then take the same time.
    password_hash = passwords.hash_password(form.password.data)
    database = db.get()
    with db.transaction(database):
        try:
            account = accounts.create(database, form.email.data, password_hash, form.identity())
        except accounts.EmailTaken:
            existing = accounts.by_email(database, form.email.data)
            mail.queue(
                database, "adresse_deja_utilisee", existing.email, existing.id, account=existing
            )
        else:
            send_activation(database, account)
    session["created_for"] = accounts.normalize_email(form.email.data)[0]
    return redirect(url_for("signup.created"), code=303)


def send_activation(database, account: accounts.Account) -> None:
    token = tokens.make(tokens.Purpose.ACTIVATE, account.id, tokens.activation_state(account))
    link = mail.base_url() + url_for("signup.activate", token=token)
    mail.queue(database, "activation", account.email, account.id, account=account, link=link)


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
    try:
        account_id, state = tokens.read(tokens.Purpose.ACTIVATE, token)
    except tokens.TokenError as error:
        return _link_problem(database, error)
    account = accounts.by_id(database, account_id)
    if account is None or account.active or state != tokens.activation_state(account):
        return _already_done(account)
    form = ConfirmForm.from_request()
    if not form.submitted():
        return form_page("candidate/activate.html", form, "Activer mon compte", account=account)
    with db.transaction(database):
        account = accounts.by_id(database, account_id)
        if account is None or account.active:
            return _already_done(account)
        account = accounts.activate(database, account)
        mail.queue(database, "compte_active", account.email, account.id, account=account)
    return notice(
        "Votre compte est activé",
        f"Votre numéro de candidat est le {account.candidate_number}. Notez-le : il vous "
        "servira d'identifiant, comme votre adresse électronique.",
        links=[(url_for("login.login"), "J'ai un compte, je me connecte")],
    )


def _already_done(account):
    if account is not None and account.active:
        return notice(
            "Ce lien a déjà servi",
            "Votre compte est déjà activé : connectez-vous.",
            links=[(url_for("login.login"), "J'ai un compte, je me connecte")],
        )
    return _expired_or_unknown()


def _expired_or_unknown():
    return notice(
        "Ce lien d'activation n'est plus valable",
        "Le compte n'a pas été activé dans les 48 heures qui ont suivi sa création : il a été "
        "ou va être supprimé. Créez de nouveau votre compte.",
        status=410,
        links=[(url_for("signup.create"), "Je n'ai pas de compte, je le crée")],
    )


def _link_problem(database, error: tokens.TokenError):
    if error.reason == "expired":
        account = accounts.by_id(database, error.account_id) if error.account_id else None
        return _already_done(account)
    return notice(
        "Ce lien n'est pas valable",
        "Le lien utilisé est incomplet ou a été modifié. Copiez l'adresse entière du lien "
        "reçu par courriel, ou créez de nouveau votre compte.",
        status=400,
        links=[(url_for("signup.create"), "Je n'ai pas de compte, je le crée")],
    )


@blueprint.get("/communes")
def communes():
    """The communes of a département, for the "as you type" list of the form (JavaScript)."""
    code = request.args.get("departement", "")
    return jsonify([name for _insee, name in refdata.communes_of(code)])
