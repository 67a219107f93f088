"""« Modifier mon compte » and « Supprimer mon compte »."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for

from worker.content import current_catalog
from worker.forms.account import ChangeEmailForm, ChangePasswordForm, IdentityForm, identity_values
from worker.forms.base import ConfirmForm
from worker.mail import delivery as mail
from worker.rules import passwords, tokens
from worker.store import accounts, applications, db, sessions
from worker.web import auth
from worker.web.pages import form_page, notice

blueprint = Blueprint("account", __name__, url_prefix="/espace-candidat/compte")


def _exam_offices(account_id: int) -> list:
    """The académies of the candidate's applications: whom to ask to correct their data."""
    catalog = current_catalog()
    codes = applications.academies_of(db.get(), account_id)
    return [catalog.academies[c] for c in codes if c in catalog.academies]


@blueprint.get("")
@auth.login_required
def overview():
    account = auth.current_account()
    locked = accounts.has_application(db.get(), account.id)
    return render_template(
        "candidate/account.html",
        title="Modifier mon compte",
        account=account,
        locked=locked,
        offices=_exam_offices(account.id) if locked else [],
    )


@blueprint.route("/identite", methods=["GET", "POST"])
@auth.login_required
def identity():
    account = auth.current_account()
    database = db.get()
    if accounts.has_application(database, account.id):
        flash("Vos informations personnelles ne sont plus modifiables : une candidature existe.")
        return redirect(url_for("account.overview"), code=303)
    form = IdentityForm.from_request(data=identity_values(account))
    if not form.submitted():
        return form_page("candidate/identity.html", form, "Modifier mes informations personnelles")
    with db.transaction(database):
        if accounts.has_application(database, account.id):  # registered meanwhile in a tab
            flash(
                "Vos informations personnelles ne sont plus modifiables : une candidature existe."
            )
            return redirect(url_for("account.overview"), code=303)
        accounts.update_identity(database, account.id, form.identity())
    flash("Vos informations personnelles ont été enregistrées.")
    return redirect(url_for("account.overview"), code=303)


@blueprint.route("/adresse", methods=["GET", "POST"])
@auth.login_required
def email():
    account = auth.current_account()
    form = ChangeEmailForm.from_request()
    if form.submitted():
        if not passwords.verify(account.password_hash, form.current_password.data):
            form.current_password.errors.append("Mot de passe actuel incorrect.")
        else:
            database = db.get()
            with db.transaction(database):
                try:
                    updated = accounts.request_email_change(database, account.id, form.email.data)
                except accounts.EmailTaken:
                    updated = None
                if updated is not None:
                    token = tokens.make(
                        tokens.Purpose.EMAIL, account.id, tokens.email_state(updated)
                    )
                    link = mail.base_url() + url_for("account.confirm_email", token=token)
                    mail.queue(
                        database,
                        "verifier_adresse",
                        updated.pending_email,
                        account.id,
                        account=updated,
                        link=link,
                    )
            # The same answer when the address is taken: no way to test who has an account.
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
    try:
        account_id, state = tokens.read(tokens.Purpose.EMAIL, token)
    except tokens.TokenError as error:
        return _dead_link(400 if error.reason == "invalid" else 410)
    account = accounts.by_id(database, account_id)
    if account is None or not account.pending_email or state != tokens.email_state(account):
        return _dead_link(410)
    form = ConfirmForm.from_request()
    if not form.submitted():
        return form_page(
            "candidate/confirm_email.html", form, "Confirmer ma nouvelle adresse", account=account
        )
    with db.transaction(database):
        old_address = account.email
        try:
            account = accounts.confirm_email_change(database, account)
        except accounts.EmailTaken:
            return _dead_link(409)
        mail.queue(database, "adresse_modifiee", old_address, account.id, account=account)
    return notice(
        "Votre adresse électronique est modifiée",
        f"Votre identifiant est désormais {account.email}.",
        links=[(url_for("home.home"), "Mon espace candidat")],
    )


def _dead_link(status: int):
    return notice(
        "Ce lien n'est plus valable",
        "Le lien a expiré, a déjà servi, ou l'adresse a été prise entre-temps. Faites une "
        "nouvelle demande depuis « Modifier mon compte ».",
        status=status,
        links=[(url_for("account.overview"), "Modifier mon compte")],
    )


@blueprint.route("/mot-de-passe", methods=["GET", "POST"])
@auth.login_required
def password():
    account = auth.current_account()
    form = ChangePasswordForm.from_request()
    if form.submitted():
        if not passwords.verify(account.password_hash, form.current_password.data):
            form.current_password.errors.append("Mot de passe actuel incorrect.")
        else:
            database = db.get()
            password_hash = passwords.hash_password(form.password.data)
            with db.transaction(database):
                accounts.set_password(database, account.id, password_hash)
                sessions.close_others(database, account.id, keep=session.get("sid"))
                mail.queue(
                    database, "mot_de_passe_modifie", account.email, account.id, account=account
                )
            flash("Votre mot de passe a été modifié. Vos autres connexions ont été fermées.")
            return redirect(url_for("account.overview"), code=303)
    return form_page(
        "candidate/password.html", form, "Modifier mon mot de passe", password_rule=passwords.RULE
    )


@blueprint.route("/supprimer", methods=["GET", "POST"])
@auth.login_required
def delete():
    account = auth.current_account()
    database = db.get()
    if accounts.has_application(database, account.id):
        return _cannot_delete(account)
    form = ConfirmForm.from_request()
    if not form.submitted():
        return form_page("candidate/delete.html", form, "Supprimer mon compte", account=account)
    with db.transaction(database):
        try:
            accounts.delete(database, account.id)
        except accounts.HasApplications:
            return _cannot_delete(account)
        auth.sign_out()
    return notice(
        "Votre compte est supprimé",
        "Votre compte candidat et vos messages ont été effacés. Vous pourrez créer un nouveau "
        "compte à tout moment.",
        links=[("/", "Revenir à l'accueil")],
    )


def _cannot_delete(account):
    offices = _exam_offices(account.id)
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
