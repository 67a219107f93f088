"""Back-office actions on one application: documents, results, messages, corrections,
withdrawal and rejection; and the publication page for a whole exam session (documents
generated for every registered application, a message to every candidate).

Every view requires a signed-in staff member (403 otherwise) and finds its records within
the member's académies (404 otherwise); every change is a POST with a CSRF token, runs in
one transaction and is audited with the values before and after (see
``worker.office.actions``).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from worker.content import current_catalog as catalog
from worker.files import checks as uploads
from worker.forms.account import identity_values as _form_values
from worker.forms.base import ConfirmForm
from worker.forms.office import (
    CloseForm,
    MessageForm,
    PublishForm,
    SessionMessageForm,
    StaffIdentityForm,
)
from worker.office.actions import bulk, interventions
from worker.office.actions import publication as publishing
from worker.office.actions.interventions import mail_context
from worker.office.actions.outcomes import Done, Invalid, Refused
from worker.office.views import confirming
from worker.office.views.applications import application_page
from worker.office.views.common import (
    application_in_scope,
    back_to,
    checked_form,
    group_label,
    office_context,
)
from worker.rules import marks
from worker.rules.office_documents import BULK_KINDS, KINDS
from worker.store import accounts, applications, db, publications
from worker.store import results as stored_results
from worker.store.applications import Group
from worker.web import staff_auth as office_auth
from worker.web.pages import form_page

blueprint = Blueprint("office_actions", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)


def _flash(outcome) -> None:
    """A use case's Done or Refused, as a message on the next page."""
    if isinstance(outcome, Done):
        flash(outcome.message, outcome.category)
    else:
        flash(outcome.message, "error")


# -- what the application page shows -------------------------------------------------------


@blueprint.app_template_global("office_actions")
def actions_for(application) -> dict:
    """What ``office/_actions.html`` needs, for the application page of the back office."""
    current = stored_results.results_of(db.get(), application.id)
    return {
        "kinds": KINDS,
        "results": marks.result_lines(catalog(), application, current),
        "closable": application.status == applications.REGISTERED,
        "max_size": uploads._megabytes(current_app.config["UPLOAD_MAX_BYTES"]),
    }


# -- documents, results, messages ----------------------------------------------------------


@blueprint.post("/candidatures/<int:application_id>/documents")
@office_auth.staff_required
def upload_document(application_id: int):
    """A PDF (convocation, relevé de notes, notification) as a new version of its kind."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024
    found = application_in_scope(application_id)
    try:
        form = ConfirmForm.from_request()
        sent = request.files.get("fichier")
        kind = request.form.get("kind", "")
    except RequestEntityTooLarge:
        flash(f"Le fichier dépasse la taille autorisée ({uploads._megabytes(limit)}).", "error")
        return back_to(found, "publier-document")
    if not form.validate():
        abort(400)
    _flash(
        interventions.upload_document(
            db.get(),
            current_app.config["FILES_DIR"],
            office_auth.current_staff(),
            found,
            kind,
            sent.stream if sent else None,
            sent.filename if sent else "",
            limit,
        )
    )
    return back_to(found, "publier-document")


@blueprint.post("/candidatures/<int:application_id>/notes")
@office_auth.staff_required
def results(application_id: int):
    """The marks of the application's tests, published to « Mes notes » at once."""
    found = application_in_scope(application_id)
    checked_form()
    typed = {
        name.removeprefix("note-"): value
        for name, value in request.form.items()
        if name.startswith("note-")
    }
    outcome = interventions.publish_results(
        db.get(), office_auth.current_staff(), catalog(), found, typed
    )
    if isinstance(outcome, Invalid):  # the page again, each problem at its mark, as typed
        for problem in outcome.problems[len(outcome.fields) :]:
            flash(problem, "error")
        wrong = zip(outcome.fields, outcome.problems[: len(outcome.fields)], strict=True)
        errors = [(f"note-{code}", message) for code, message in wrong]
        return application_page(found, errors, {"marks": typed}), outcome.status
    _flash(outcome)
    return back_to(found, "notes")


@blueprint.post("/candidatures/<int:application_id>/message")
@office_auth.staff_required
def message(application_id: int):
    """A message recorded in the candidate's « Consulter mes messages » and mailed."""
    found = application_in_scope(application_id)
    form = checked_form(MessageForm)
    if form.errors:
        for _field, problem in form.error_list():
            flash(problem, "error")
        return back_to(found, "message")
    _flash(
        interventions.send_message(
            db.get(),
            office_auth.current_staff(),
            catalog(),
            found,
            form.subject.data,
            form.message.data,
        )
    )
    return back_to(found, "message")


# -- on the candidate's behalf -------------------------------------------------------------


@blueprint.route("/candidatures/<int:application_id>/identite", methods=["GET", "POST"])
@office_auth.staff_required
def identity(application_id: int):
    """Correct the civil status that the candidate can no longer edit."""
    found = application_in_scope(application_id)
    account = accounts.by_id(db.get(), found.account_id)
    form = StaffIdentityForm.from_request(data=_form_values(account))  # no address, no password
    if not form.submitted():
        return form_page(
            "office/identity.html",
            form,
            f"Corriger les informations personnelles – {account.display_name}",
            application=found,
            account=account,
        )
    _flash(
        interventions.correct_identity(
            db.get(), office_auth.current_staff(), found, form.identity()
        )
    )
    return back_to(found, "identite")


CLOSING_PAGES = {
    # status: (page title, button, reason needed)
    applications.OFFICE_WITHDRAWN: (
        "Désinscrire le candidat",
        "Confirmer la désinscription",
        False,
    ),
    applications.REJECTED: (
        "Écarter la candidature",
        "Confirmer : écarter la candidature",
        True,
    ),
}


def _close(application_id: int, status: str):
    title, button, reason_needed = CLOSING_PAGES[status]
    found = application_in_scope(application_id)
    problem = interventions.closed_problem(found)
    if problem:
        flash(problem, "error")
        return back_to(found, "cloture")
    form = CloseForm.from_request()
    if form.submitted() and reason_needed and not form.reason.data:
        form.reason.errors.append("Indiquez le motif : il est communiqué au candidat.")
    if request.method == "GET" or form.errors:
        account = accounts.by_id(db.get(), found.account_id)
        return form_page(
            "office/close.html",
            form,
            f"{title} – {account.display_name}",
            application=found,
            account=account,
            button=button,
            reason_needed=reason_needed,
            withdrawing=status == applications.OFFICE_WITHDRAWN,
            **mail_context(catalog(), found),
        )
    outcome = interventions.close(
        db.get(), office_auth.current_staff(), catalog(), found, status, form.reason.data or ""
    )
    if isinstance(outcome, Done):
        flash(outcome.message)
    return back_to(found, "cloture")


@blueprint.route("/candidatures/<int:application_id>/desinscription", methods=["GET", "POST"])
@office_auth.staff_required
def withdraw(application_id: int):
    """« Désinscrit par le gestionnaire », at any time (after closing too)."""
    return _close(application_id, applications.OFFICE_WITHDRAWN)


@blueprint.route("/candidatures/<int:application_id>/ecarter", methods=["GET", "POST"])
@office_auth.staff_required
def reject(application_id: int):
    """« Écartée par le gestionnaire »: the application leaves the candidate's list."""
    return _close(application_id, applications.REJECTED)


# -- a whole exam session: publication and message ----------------------------------------


def _groups() -> dict[str, Group]:
    return {g.key: g for g in applications.session_groups(db.get(), office_auth.scope())}


def _group_label(group: Group) -> str:
    return f"{group_label(group)} ({group.count} candidature{'s' if group.count > 1 else ''})"


def _publish_page(publish_form, message_form, errors=(), status: int = 200):
    groups = _groups()
    choices = [SelectChoice("", "Choisissez une session d'examen")] + [
        SelectChoice(key, _group_label(group)) for key, group in groups.items()
    ]
    publish_form.group.choices = choices
    message_form.audience.choices = choices
    html = render_template(
        "office/publish.html",
        title="Publication",
        page_title=("Erreur : " if errors else "") + "Publication",
        errors=list(errors),
        publish_form=publish_form,
        message_form=message_form,
        groups=[(group, _group_label(group)) for group in groups.values()],
        publications=[
            (p, _group_label(p.group)) for p in publications.recent(db.get(), office_auth.scope())
        ],
    )
    return html, status


@blueprint.route("/publication", methods=["GET", "POST"])
@office_auth.staff_required
def publish():
    """Documents for every registered application of an exam session, or a message to all
    its candidates: only the sessions of the member's académies can be chosen."""
    action = request.form.get("action", "") if request.method == "POST" else ""
    publish_form = PublishForm.from_request() if action == "documents" else PublishForm.blank()
    message_form = (
        SessionMessageForm.from_request() if action == "message" else (SessionMessageForm.blank())
    )
    if request.method == "GET":
        return _publish_page(publish_form, message_form)
    if action == "documents":
        return _publish_documents(publish_form, message_form)
    if action == "message":
        return _session_message(publish_form, message_form)
    abort(400)


def _group_of(field) -> Group | None:
    group = _groups().get(field.data or "")
    if group is None and not field.errors:
        field.errors = [*field.errors, "Choisissez une session d'examen de vos académies."]
    return group


def _publish_documents(form, message_form):
    form.validate()
    group = _group_of(form.group)
    if form.errors or group is None:
        return _publish_page(form, message_form, form.error_list(), 400)
    if confirming.decision() == confirming.CHANGE:
        return _publish_page(form, message_form)
    preview = bulk.publication_preview(catalog(), group, form.kind.data, form.title.data)
    if not confirming.confirmed(preview):
        return confirming.page(
            "Confirmer la publication des documents",
            preview,
            {
                "action": "documents",
                "group": group.key,
                "kind": form.kind.data,
                "title": form.title.data,
                "body": form.body.data,
            },
            "Confirmer la publication",
            url_for("office_actions.publish") + "#documents",
            ("Texte du document", form.body.data),
        )
    published = publishing.start_publication(
        db.get(),
        current_app.config["FILES_DIR"],
        catalog(),
        office_auth.current_staff(),
        group,
        form.kind.data,
        form.title.data,
        form.body.data,
        current_app.config["PUBLISH_SECONDS"],
        confirming.once(),
    )
    if isinstance(published, Refused):  # already confirmed: the first one is under way
        _flash(published)
        return redirect(url_for("office_actions.publish"), code=303)
    return _to_publication(published)


def _to_publication(published: publishing.Published):
    target = url_for("office_actions.publication", publication_id=published.publication.id)
    return redirect(target, code=303)


def _publication(publication_id: int) -> publications.Publication:
    return office_auth.in_scope(publications.in_scope, publication_id)


@blueprint.get("/publication/<int:publication_id>")
@office_auth.staff_required
def publication(publication_id: int):
    """Where a publication stands: documents published, skipped, still to publish."""
    found = _publication(publication_id)
    return render_template(
        "office/publication.html",
        title=f"{'Relance' if found.deadline else 'Publication'} n° {found.id}",
        publication=found,
        label=_group_label(found.group),
        kind=BULK_KINDS.get(found.kind, found.kind),
        form=ConfirmForm.blank(),
    )


@blueprint.post("/publication/<int:publication_id>/suite")
@office_auth.staff_required
def resume(publication_id: int):
    """Go on with an interrupted or long publication (idempotent: done items are kept)."""
    found = _publication(publication_id)
    checked_form()
    published = publishing.resume_publication(
        db.get(),
        current_app.config["FILES_DIR"],
        catalog(),
        office_auth.current_staff(),
        found,
        current_app.config["PUBLISH_SECONDS"],
    )
    return _to_publication(published)


def _session_message(publish_form, form):
    form.validate()
    group = _group_of(form.audience)
    if form.errors or group is None:
        return _publish_page(publish_form, form, form.error_list(), 400)
    if confirming.decision() == confirming.CHANGE:
        return _publish_page(publish_form, form)
    preview = bulk.message_preview(catalog(), group, form.subject.data)
    if not confirming.confirmed(preview):
        return confirming.page(
            "Confirmer l'envoi du message",
            preview,
            {
                "action": "message",
                "audience": group.key,
                "subject": form.subject.data,
                "message": form.message.data,
            },
            "Confirmer l'envoi",
            url_for("office_actions.publish") + "#message-session",
            ("Message", form.message.data),
        )
    _flash(
        publishing.message_session(
            db.get(),
            office_auth.current_staff(),
            catalog(),
            group,
            form.subject.data,
            form.message.data,
            confirming.once(),
        )
    )
    return redirect(url_for("office_actions.publish"), code=303)
