"""« Modifier mon compte » and « Supprimer mon compte »; use cases in ``actions.accounts``."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, send_file, url_for

from worker.candidate.actions import accounts as account_actions
from worker.candidate.actions import personal_data
from worker.candidate.actions.cards import exam_offices
from worker.candidate.actions.outcomes import DeadLink, WrongPassword
from worker.candidate.views.common import mailed
from worker.content import current_catalog
from worker.forms.account import ChangeEmailForm, ChangePasswordForm, IdentityForm, identity_values
from worker.forms.base import ConfirmForm
from worker.rules import passwords
from worker.store import db
from worker.web import auth
from worker.web.pages import dead_link, form_page, notice

blueprint = Blueprint("account", __name__, url_prefix="/espace-candidat/compte")
LOCKED = "Vos informations personnelles ne sont plus modifiables : une candidature existe."
WRONG_PASSWORD = "Mot de passe actuel incorrect."


@blueprint.get("")
@auth.login_required
def overview():
    account = auth.current_account()
    database = db.get()
    locked = account_actions.identity_locked(database, account)
    return render_template(
        "candidate/account.html",
        title="Modifier mon compte",
        account=account,
        locked=locked,
        offices=exam_offices(database, current_catalog(), account.id) if locked else [],
    )


@blueprint.route("/identite", methods=["GET", "POST"])
@auth.login_required
def identity():
    account = auth.current_account()
    database = db.get()
    if account_actions.identity_locked(database, account):
        flash(LOCKED)
        return redirect(url_for("account.overview"), code=303)
    form = IdentityForm.from_request(data=identity_values(account))
    if not form.submitted():
        return form_page("candidate/identity.html", form, "Modifier mes informations personnelles")
    outcome = account_actions.change_identity(database, account, form.identity())
    if isinstance(outcome, account_actions.IdentityLocked):
        flash(LOCKED)
    else:
        flash("Vos informations personnelles ont été enregistrées.")
    return redirect(url_for("account.overview"), code=303)


@blueprint.route("/adresse", methods=["GET", "POST"])
@auth.login_required
def email():
    account = auth.current_account()
    form = ChangeEmailForm.from_request()
    if form.submitted():
        outcome = account_actions.request_email_change(
            db.get(),
            account,
            form.current_password.data,
            form.email.data,
            mailed("account.confirm_email"),
        )
        if isinstance(outcome, WrongPassword):
            form.current_password.errors.append(WRONG_PASSWORD)
        else:
            return notice(
                "Confirmez votre nouvelle adresse",
                f"Un courriel vient d'être envoyé à {form.email.data}. Cliquez sur le lien qu'il "
                "contient (valable 48 heures) : l'adresse ne changera qu'à ce moment-là. "
                f"D'ici là, votre identifiant reste {account.email}.",
                links=[(url_for("account.overview"), "Revenir à mon compte")],
            )
    return form_page(
        "candidate/email.html", form, "Modifier mon adresse électronique", account=account
    )


@blueprint.route("/adresse/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    database = db.get()
    checked = account_actions.check_email_link(database, token)
    if isinstance(checked, DeadLink):
        return _dead_link(checked)
    form = ConfirmForm.from_request()
    if not form.submitted():
        return form_page(
            "candidate/confirm_email.html",
            form,
            "Confirmer ma nouvelle adresse",
            account=checked.account,
        )
    outcome = account_actions.confirm_email(database, token)
    if isinstance(outcome, DeadLink):
        return _dead_link(outcome)
    return notice(
        "Votre adresse électronique est modifiée",
        f"Votre identifiant est désormais {outcome.account.email}.",
        links=[(url_for("home.home"), "Mon espace candidat")],
    )


def _dead_link(outcome: DeadLink):
    return dead_link(
        outcome.status,
        "Le lien a expiré, a déjà servi, ou l'adresse a été prise entre-temps. Faites une "
        "nouvelle demande depuis « Modifier mon compte ».",
        (url_for("account.overview"), "Modifier mon compte"),
    )


@blueprint.route("/mot-de-passe", methods=["GET", "POST"])
@auth.login_required
def password():
    form = ChangePasswordForm.from_request()
    if form.submitted():
        outcome = account_actions.change_password(
            db.get(),
            auth.current_account(),
            form.current_password.data,
            form.password.data,
            keep_session=auth.session_id(),
        )
        if isinstance(outcome, WrongPassword):
            form.current_password.errors.append(WRONG_PASSWORD)
        else:
            flash("Votre mot de passe a été modifié. Vos autres connexions ont été fermées.")
            return redirect(url_for("account.overview"), code=303)
    return form_page(
        "candidate/password.html", form, "Modifier mon mot de passe", password_rule=passwords.RULE
    )


@blueprint.route("/supprimer", methods=["GET", "POST"])
@auth.login_required
def delete():
    account = auth.current_account()
    database, catalog = db.get(), current_catalog()
    if refusal := account_actions.deletion_refusal(database, catalog, account):
        return _cannot_delete(refusal)
    form = ConfirmForm.from_request()
    if not form.submitted():
        return form_page("candidate/delete.html", form, "Supprimer mon compte", account=account)
    outcome = account_actions.delete(database, catalog, account, auth.session_id())
    if isinstance(outcome, account_actions.HasApplications):
        return _cannot_delete(outcome)
    auth.forget()
    return notice(
        "Votre compte est supprimé",
        "Votre compte candidat et vos messages ont été effacés. Vous pourrez créer un nouveau "
        "compte à tout moment.",
        links=[("/", "Revenir à l'accueil")],
    )


def _cannot_delete(refusal: account_actions.HasApplications):
    offices = refusal.offices
    contact = (
        f" Contactez le service des examens : {offices[0].exam_office.email}." if offices else ""
    )
    return notice(
        "Suppression impossible",
        "Votre compte ne peut pas être supprimé car il est rattaché à au moins une "
        "candidature, même annulée." + contact,
        status=409,
        links=[(url_for("account.overview"), "Revenir à mon compte")],
    )


@blueprint.get("/mon-dossier.zip")
@auth.login_required
def download():
    """« Télécharger mon dossier »: the ZIP of everything the portal keeps about me."""
    account = auth.current_account()
    spool = personal_data.archive(
        db.get(), current_catalog(), account, current_app.config["FILES_DIR"]
    )
    response = send_file(
        spool,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"mon-dossier-{account.candidate_number or account.id}.zip",
    )
    response.call_on_close(spool.close)
    response.headers["Cache-Control"] = "no-store"
    return response
