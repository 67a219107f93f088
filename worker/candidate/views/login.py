"""« J'ai un compte, je me connecte », logout and « Mot de passe oublié »; pupils' first login.

The use cases are in ``actions.login``.
"""

from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, request, session, url_for

from worker.candidate.actions import login as signing
from worker.candidate.actions.outcomes import DeadLink, WrongPassword
from worker.candidate.views.common import mailed
from worker.forms.account import FirstLoginForm, LoginForm, NewPasswordForm, ResetRequestForm
from worker.forms.base import ConfirmForm
from worker.rules import passwords
from worker.store import db
from worker.web import auth
from worker.web.pages import dead_link, form_page, notice, shared_form_page

blueprint = Blueprint("login", __name__, url_prefix="/espace-candidat")
WRONG = "Identifiant ou mot de passe incorrect. Vérifiez votre saisie (majuscules comprises)."
NOT_ACTIVATED = (
    "Votre compte n'est pas encore activé : cliquez sur le lien « Activer mon compte » "
    "du courriel reçu après sa création (valable 48 heures)."
)


@blueprint.route("/connexion", methods=["GET", "POST"])
def login():
    if request.method != "POST":
        return shared_form_page("candidate/login.html", LoginForm, "Me connecter")
    form = LoginForm.from_request()
    target = auth.safe_next(request.args.get("next"))
    if not form.validate():
        return form_page("candidate/login.html", form, "Me connecter")
    outcome = signing.log_in(db.get(), form.login.data, form.password.data, auth.client_address())
    match outcome:
        case signing.Throttled(wait):
            minutes = math.ceil(wait / 60)
            form.login.errors.append(
                f"Trop de tentatives de connexion. Réessayez dans {minutes} minute"
                f"{'s' if minutes > 1 else ''}, ou utilisez « Mot de passe oublié »."
            )
            html, _ = form_page("candidate/login.html", form, "Me connecter")
            return html, 429, {"Retry-After": str(wait)}
        case signing.WrongCredentials():
            form.login.errors.append(WRONG)
        case signing.NotActivated():
            form.login.errors.append(NOT_ACTIVATED)
        case signing.LoggedIn(account, session_id):
            auth.remember(account, session_id)
            if account.must_change_password:  # a pupil's login slip: the first-login flow first
                return redirect(url_for("login.first_login"), code=303)
            return redirect(target or url_for("home.home"), code=303)
    return form_page("candidate/login.html", form, "Me connecter")


@blueprint.post("/deconnexion")
def logout():
    if ConfirmForm.from_request().validate():
        signing.log_out(db.get(), auth.session_id())
        auth.forget()
        flash("Vous êtes déconnecté.")
    return redirect(url_for("login.login"), code=303)


@blueprint.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def forgotten():
    form = ResetRequestForm.from_request()
    if not form.submitted():
        return form_page("candidate/forgotten.html", form, "Mot de passe oublié")
    signing.request_reset(
        db.get(), form.login.data, mailed("login.new_password"), mailed("signup.activate")
    )
    session["reset_for"] = form.login.data
    return redirect(url_for("login.forgotten_sent"), code=303)


def mask(address: str) -> str:
    """« j•••••@e•••••.fr »: enough to recognise one's address, not to learn it."""
    local, _, domain = address.partition("@")
    name, dot, tld = domain.rpartition(".")
    return f"{_hide(local)}@{_hide(name)}{dot}{tld}" if name else _hide(address)


def _hide(part: str) -> str:
    return part[:1] + "•" * max(len(part) - 1, 2)


@blueprint.get("/mot-de-passe-oublie/envoye")
def forgotten_sent():
    """The same page whether an account exists or not (no account enumeration)."""
    typed = session.get("reset_for", "")
    where = f"à l'adresse {mask(typed)}" if "@" in typed else "à l'adresse électronique du compte"
    return notice(
        "Vérifiez votre messagerie",
        f"Si un compte correspond à l'identifiant saisi, un courriel vient d'être envoyé {where}, "
        "avec un lien pour choisir un nouveau mot de passe. Le lien est valable 48 heures.",
        "Rien reçu après quelques minutes ? Regardez dans les courriers indésirables, puis "
        "vérifiez l'identifiant saisi.",
        links=[(url_for("login.login"), "Revenir à la connexion")],
    )


@blueprint.route("/nouveau-mot-de-passe/<token>", methods=["GET", "POST"])
def new_password(token: str):
    database = db.get()
    checked = signing.check_reset_link(database, token)
    if isinstance(checked, DeadLink):
        return _dead_link(checked)
    form = NewPasswordForm.from_request()
    if not form.submitted():
        return form_page(
            "candidate/new_password.html",
            form,
            "Choisir un nouveau mot de passe",
            password_rule=passwords.RULE,
        )
    outcome = signing.reset_password(database, token, form.password.data)
    if isinstance(outcome, DeadLink):
        return _dead_link(outcome)
    flash("Votre mot de passe a été modifié. Connectez-vous avec le nouveau mot de passe.")
    return redirect(url_for("login.login"), code=303)


def _dead_link(outcome: DeadLink):
    return dead_link(
        outcome.status,
        "Le lien de réinitialisation a expiré, a déjà servi, ou un lien plus récent a été "
        "demandé. Faites une nouvelle demande.",
        (url_for("login.forgotten"), "Mot de passe oublié"),
    )


# -- first login of an enrolled pupil (login slip with a one-time password) ---------------


def _first_login_account():
    """The signed-in account that still has to finish its first login, or a redirect."""
    account = auth.current_account()
    if account is None:
        return None, redirect(url_for("login.login"), code=303)
    if not account.must_change_password:
        return None, redirect(url_for("home.home"), code=303)
    return account, None


@blueprint.route("/premiere-connexion", methods=["GET", "POST"])
def first_login():
    """Step 1: the pupil's own address, and the slip's password typed again."""
    account, elsewhere = _first_login_account()
    if elsewhere:
        return elsewhere
    known = {"email": account.email, "email_confirm": account.email} if account.email else None
    form = FirstLoginForm.from_request(data=known)
    if form.submitted():
        match signing.set_first_email(
            db.get(), account, form.current_password.data, form.email.data
        ):
            case WrongPassword():
                form.current_password.errors.append(
                    "Mot de passe incorrect : saisissez celui de votre papillon de connexion."
                )
            case signing.EmailTaken():
                form.email.errors.append(
                    "Cette adresse électronique est déjà utilisée par un autre compte : "
                    "saisissez une autre adresse."
                )
            case signing.EmailSet():
                session["first_login"] = account.id
                return redirect(url_for("login.first_login_password"), code=303)
    return form_page(
        "candidate/first_login.html",
        form,
        "Première connexion : mon adresse électronique",
        account=account,
    )


@blueprint.route("/premiere-connexion/mot-de-passe", methods=["GET", "POST"])
def first_login_password():
    """Step 2: a password of one's own; the slip's one stops working."""
    account, elsewhere = _first_login_account()
    if elsewhere:
        return elsewhere
    if not account.email or session.get("first_login") != account.id:
        return redirect(url_for("login.first_login"), code=303)
    form = NewPasswordForm.from_request()
    if form.submitted():
        outcome = signing.set_own_password(
            db.get(), account, form.password.data, keep_session=auth.session_id()
        )
        if isinstance(outcome, signing.SameAsSlip):
            form.password.errors.append(
                "Choisissez un mot de passe différent de celui du papillon de connexion."
            )
        else:
            session.pop("first_login", None)
            flash(
                "Votre compte est prêt. Connectez-vous désormais avec ce mot de passe et votre "
                f"adresse électronique ({account.email}), votre numéro de candidat "
                f"({account.candidate_number}) ou votre identifiant ({account.login})."
            )
            return redirect(url_for("home.home"), code=303)
    return form_page(
        "candidate/first_login_password.html",
        form,
        "Première connexion : mon mot de passe",
        password_rule=passwords.RULE,
    )
