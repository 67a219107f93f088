"""Administrators: the staff accounts of the exam offices.

Only staff with the "admin" role reach these pages (403 for anybody else); every creation
is audited. An administrator may create accounts for any académie.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from worker.content import current_catalog as catalog
from worker.forms.office import StaffForm
from worker.office.actions import staff as staff_actions
from worker.office.actions.outcomes import Refused
from worker.office.views.common import academy_names, office_context
from worker.rules import passwords
from worker.store import db, staff
from worker.web import staff_auth as office_auth
from worker.web.pages import form_page

blueprint = Blueprint("office_admin", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)


def _academies():
    return sorted(catalog().academies.values(), key=lambda a: a.sort_key)


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
        outcome = staff_actions.create_staff(
            db.get(),
            office_auth.current_staff(),
            catalog(),
            form.email.data,
            form.name.data,
            list(form.academies.data),
            form.role.data,
            None if form.generate.data else form.password.data,
        )
        if isinstance(outcome, Refused):
            form.email.errors.append(outcome.message)
        elif outcome.password:
            html = render_template(
                "office/staff_created.html",
                title="Compte gestionnaire créé",
                member=outcome.member,
                password=outcome.password,
            )
            return html, 200, {"Cache-Control": "no-store"}
        else:
            member = outcome.member
            flash(f"Compte gestionnaire créé : {member.email} ({academy_names(member.academies)}).")
            return redirect(url_for("office_admin.staff_list"), code=303)
    html, status = form_page(
        "office/staff_new.html",
        form,
        "Créer un compte gestionnaire",
        academies=_academies(),
        password_rule=passwords.STAFF_RULE,
    )
    return html, status
