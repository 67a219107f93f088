"""What every page of the back office shares: its menu and layout context, the
application looked up in the member's scope, the checks of a posted form."""

from __future__ import annotations

from flask import abort, current_app, redirect, url_for

from worker.content import current_catalog as catalog
from worker.forms.base import ConfirmForm
from worker.office.actions import review
from worker.rules import pieces as supporting
from worker.store import search
from worker.store.applications import Application
from worker.web import staff_auth as office_auth

MENU = (
    ("office.applications", "Candidatures", False),
    ("office_dashboard.dashboard", "Tableau de bord", False),
    ("office_queue.queue", "À traiter", False),
    ("office_actions.publish", "Publication", False),
    ("office_pupils.pupils", "Élèves", False),
    ("office_content.content", "Périodes et messages", False),
    ("office_duplicates.duplicates_list", "Doublons", False),
    ("office_relance.session", "Relances", False),
    ("office_audit.journal", "Journal", False),
    ("office_admin.staff_list", "Comptes gestionnaires", True),
)


def office_menu(member) -> list[tuple[str, str]]:
    """The back office's sections this member may open (those the application provides)."""
    return [
        (endpoint, label)
        for endpoint, label, admin_only in MENU
        if endpoint in current_app.view_functions and (member.admin or not admin_only)
    ]


def academy_names(codes) -> str:
    """« Créteil, Paris, SIEC, Versailles »: académies by their short names, as the
    accounts' list shows them (the code where the catalogue no longer has it)."""
    known = catalog().academies
    return ", ".join(known[code].short_name if code in known else code for code in codes)


def office_context() -> dict:
    """The layout context of every back-office blueprint."""
    return {
        "staff_member": office_auth.current_staff(),
        "academy_names": academy_names,
        "nav_current": "/gestion/",
        "office_menu": office_menu,
        "office_state": supporting.office_state,
        "office_states": supporting.OFFICE_STATES,
    }


def application_in_scope(application_id: int) -> Application:
    """The application, within the member's académies (404 otherwise)."""
    return office_auth.in_scope(search.application_in_scope, application_id)


def checked_form(form_class=ConfirmForm):
    """The posted form; a 400 when its CSRF token is wrong (other errors are the view's)."""
    form = form_class.from_request()
    if not form.validate() and form.csrf_token.errors:
        abort(400)
    return form


def back_to(application: Application, anchor: str):
    """The application page, at this section."""
    target = url_for("office.application", application_id=application.id) + f"#{anchor}"
    return redirect(target, code=303)


def group_label(group) -> str:
    """« ACADÉMIE DE RENNES – CFG – JUIN 2027 »: an exam session of an académie, in words."""
    names = review.names_of(catalog(), group.academy, group.exam, group.session)
    return f"{names.academy} – {names.exam} – {names.session}"
