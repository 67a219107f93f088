"""Administrators: the staff accounts of the exam offices.

Only staff with the "admin" role reach these pages (403 for anybody else); every creation
is audited. An administrator may create accounts for any académie.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice

from worker.content import current_catalog as catalog
from worker.forms.base import PortailForm, email_address, max_length, one_of, required
from worker.office import pupil_import as pupils
from worker.office.views.applications import office_context
from worker.rules import passwords
from worker.store import db, staff
from worker.web import staff_auth as office_auth
from worker.web.pages import form_page

blueprint = Blueprint("office_admin", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)

ROLE_CHOICES = [
    ("staff", "Gestionnaire : candidatures, pièces et élèves de ses académies"),
    ("admin", "Administrateur : peut aussi créer des comptes gestionnaires"),
]
GENERATED_LENGTH = 16


class StaffForm(PortailForm):
    email = StringField(
        "Adresse électronique professionnelle",
        validators=[
            required("Saisissez l'adresse électronique professionnelle."),
            max_length(254),
            email_address,
        ],
    )
    name = StringField(
        "Nom affiché",
        validators=[required("Saisissez le nom affiché du gestionnaire."), max_length(120)],
    )
    academies = SelectMultipleField("Académies", validate_choice=False)
    role = RadioField(
        "Rôle",
        choices=[SelectChoice(value, label) for value, label in ROLE_CHOICES],
        default="staff",
        validate_choice=False,
        validators=[one_of(ROLE_CHOICES, "Choisissez le rôle.")],
    )
    generate = BooleanField("Générer un mot de passe (il sera affiché une seule fois)")
    password = PasswordField("Mot de passe")
    password_confirm = PasswordField("Confirmation du mot de passe")

    def validate_academies(self, field):
        known = catalog().academies
        if not field.data:
            raise ValidationError("Choisissez au moins une académie.")
        if any(code not in known for code in field.data):
            raise ValidationError("Choisissez les académies dans la liste.")

    def validate_password(self, field):
        if self.generate.data:
            if field.data:
                raise ValidationError(
                    "Laissez le mot de passe vide quand il est généré, ou décochez « Générer »."
                )
            return
        if not field.data:
            raise ValidationError(
                "Saisissez un mot de passe, ou cochez « Générer un mot de passe »."
            )
        lacking = passwords.staff_problems(field.data)
        if lacking:
            raise ValidationError("Le mot de passe doit contenir " + ", ".join(lacking) + ".")

    def validate_password_confirm(self, field):
        if not self.generate.data and self.password.data and field.data != self.password.data:
            raise ValidationError("Les deux mots de passe saisis sont différents.")


def _academies():
    return sorted(catalog().academies.values(), key=lambda a: a.name)


@blueprint.get("/comptes")
@office_auth.admin_required
def staff_list():
    return render_template(
        "office/staff_list.html",
        title="Comptes gestionnaires",
        members=staff.listing(db.get()),
        academies={a.code: a for a in _academies()},
    )


@blueprint.route("/comptes/nouveau", methods=["GET", "POST"])
@office_auth.admin_required
def staff_new():
    form = StaffForm.from_request()
    if form.submitted():
        password = (
            pupils.generate_password(GENERATED_LENGTH) if form.generate.data else form.password.data
        )
        scope = staff.expand_scope(catalog(), list(form.academies.data))
        database = db.get()
        try:
            with db.transaction(database):
                member = staff.create(
                    database,
                    form.email.data,
                    form.name.data,
                    passwords.hash_password(password),
                    scope,
                    form.role.data,
                )
                staff.audit(
                    database,
                    office_auth.current_staff(),
                    "staff.create",
                    after={
                        "staff": member.email,
                        "name": member.name,
                        "academies": scope,
                        "role": member.role,
                        "password": "généré" if form.generate.data else "saisi",
                    },
                )
        except staff.StaffExists:
            form.email.errors.append("Un compte gestionnaire existe déjà pour cette adresse.")
        else:
            if form.generate.data:
                html = render_template(
                    "office/staff_created.html",
                    title="Compte gestionnaire créé",
                    member=member,
                    password=password,
                )
                return html, 200, {"Cache-Control": "no-store"}
            flash(f"Compte gestionnaire créé : {member.email} ({', '.join(member.academies)}).")
            return redirect(url_for("office_admin.staff_list"), code=303)
    html, status = form_page(
        "office/staff_new.html",
        form,
        "Créer un compte gestionnaire",
        academies=_academies(),
        password_rule=passwords.STAFF_RULE,
    )
    return html, status
