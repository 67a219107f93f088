"""Back-office actions on one application: documents, results, messages, corrections,
withdrawal and rejection; and the publication page for a whole exam session (documents
generated for every registered application, a message to every candidate).

Every view requires a signed-in staff member (403 otherwise) and finds its records within
the member's académies (404 otherwise); every change is a POST with a CSRF token, runs in
one transaction and is audited with the values before and after.
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
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from worker import mail
from worker.documents import issuing
from worker.files import checks as uploads
from worker.forms.account import IdentityForm
from worker.forms.account import identity_values as _form_values
from worker.forms.base import ConfirmForm, PortailForm, max_length, one_of, required
from worker.office import publishing
from worker.office.views.applications import _application, catalog, office_context
from worker.store import accounts, applications, db, staff
from worker.web import staff_auth as office_auth
from worker.web.pages import form_page

blueprint = Blueprint("office_actions", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)

SUBJECT_MAX, TEXT_MAX = 150, 5000


class MessageForm(PortailForm):
    subject = StringField(
        "Objet", validators=[required("Saisissez l'objet du message."), max_length(SUBJECT_MAX)]
    )
    message = TextAreaField(
        "Message", validators=[required("Saisissez le message."), max_length(TEXT_MAX)]
    )


class SessionMessageForm(MessageForm):
    audience = SelectField("Destinataires : candidats inscrits à", validate_choice=False)


class PublishForm(PortailForm):
    group = SelectField("Session d'examen", validate_choice=False)
    kind = RadioField(
        "Type de document",
        choices=[SelectChoice(k, label) for k, label in publishing.BULK_KINDS.items()],
        validate_choice=False,
        validators=[one_of(list(publishing.BULK_KINDS.items()), "Choisissez le type de document.")],
    )
    title = StringField(
        "Titre du document",
        validators=[required("Saisissez le titre du document."), max_length(120)],
    )
    body = TextAreaField(
        "Texte du document",
        validators=[required("Saisissez le texte du document."), max_length(TEXT_MAX)],
    )


class CloseForm(PortailForm):
    reason = TextAreaField("Motif communiqué au candidat", validators=[max_length(1000)])


# -- what the application page shows -------------------------------------------------------


@blueprint.app_template_global("office_actions")
def actions_for(application) -> dict:
    """What ``office/_actions.html`` needs, for the application page of the back office."""
    marks = publishing.results_of(db.get(), application.id)
    return {
        "kinds": publishing.KINDS,
        "results": publishing.result_lines(catalog(), application, marks),
        "closable": application.status == applications.REGISTERED,
        "max_size": uploads._megabytes(current_app.config["UPLOAD_MAX_BYTES"]),
    }


def _back(found, anchor: str):
    return redirect(url_for("office.application", application_id=found.id) + f"#{anchor}", code=303)


def _context(found) -> dict:
    """Exam, session and académie of an application, for mails."""
    c = catalog()
    exam = c.exams.get(found.exam)
    return {
        "exam": exam,
        "session": exam.session(found.session) if exam else None,
        "academy": c.academies.get(found.academy),
    }


def _checked_form(form_class=ConfirmForm):
    form = form_class.from_request()
    if not form.validate() and form.csrf_token.errors:
        abort(400)
    return form


# -- documents -----------------------------------------------------------------------------


@blueprint.post("/candidatures/<int:application_id>/documents")
@office_auth.staff_required
def upload_document(application_id: int):
    """A PDF (convocation, relevé de notes, notification) as a new version of its kind."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    request.max_content_length = limit + 64 * 1024
    found = _application(application_id)
    try:
        form = ConfirmForm.from_request()
        sent = request.files.get("fichier")
        kind = request.form.get("kind", "")
    except RequestEntityTooLarge:
        flash(f"Le fichier dépasse la taille autorisée ({uploads._megabytes(limit)}).", "error")
        return _back(found, "publier-document")
    if not form.validate():
        abort(400)
    if kind not in publishing.KINDS:
        flash("Choisissez le type de document à publier.", "error")
        return _back(found, "publier-document")
    if sent is None or not sent.filename:
        flash("Choisissez le fichier PDF à publier.", "error")
        return _back(found, "publier-document")
    try:
        checked = uploads.check(sent.stream, sent.filename, limit)
    except uploads.Refused as refusal:
        flash(str(refusal), "error")
        return _back(found, "publier-document")
    if checked.kind != "pdf":
        flash(
            f"Le fichier « {checked.name} » n'est pas un PDF : seuls les PDF sont publiés.", "error"
        )
        return _back(found, "publier-document")
    sent.stream.seek(0)
    content = sent.stream.read()
    title = publishing.KINDS[kind]
    database = db.get()
    with db.transaction(database):
        document = issuing.publish_document(
            database, current_app.config["DATA_DIR"], found.id, kind, content, title
        )
        staff.audit(
            database,
            office_auth.current_staff(),
            "document.upload",
            academy=found.academy,
            application_id=found.id,
            account_id=found.account_id,
            before={"kind": kind, "version": document.version - 1 or None},
            after={"kind": kind, "title": title, "version": document.version, "file": checked.name},
        )
    flash(
        f"« {title} » publié (version {document.version}) : le candidat le voit dans "
        "« Mes documents »."
    )
    return _back(found, "publier-document")


# -- results -------------------------------------------------------------------------------


@blueprint.post("/candidatures/<int:application_id>/notes")
@office_auth.staff_required
def results(application_id: int):
    """The marks of the application's tests, published to « Mes notes » at once."""
    found = _application(application_id)
    _checked_form()
    database = db.get()
    lines = publishing.result_lines(catalog(), found, publishing.results_of(database, found.id))
    marks, problems = {}, []
    for line in lines:
        typed = request.form.get(f"note-{line.code}")
        if typed is None:
            continue  # not sent: unchanged
        typed = typed.strip()[:20]
        try:
            marks[line.code] = publishing.normalize_mark(typed) if typed else ""
        except ValueError as error:
            problems.append(f"{line.code} : {error}")
    if problems:
        for problem in problems:
            flash(problem, "error")
        flash("Aucune note n'a été enregistrée : corrigez les notes signalées.", "error")
        return _back(found, "notes")
    with db.transaction(database):
        before = publishing.save_results(database, found.id, marks)
        after = publishing.results_of(database, found.id)
        if before != after:
            staff.audit(
                database,
                office_auth.current_staff(),
                "results.publish",
                academy=found.academy,
                application_id=found.id,
                account_id=found.account_id,
                before=before,
                after=after,
            )
    flash(
        "Notes publiées : le candidat les voit dans « Mes notes »."
        if before != after
        else "Aucune note n'a changé."
    )
    return _back(found, "notes")


# -- messages ------------------------------------------------------------------------------


def _send(database, member, found, account, subject: str, text: str) -> None:
    mail.queue(
        database,
        "message_gestionnaire",
        account.email,
        account.id,
        account=account,
        application=found,
        subject=" ".join(subject.split()),
        message=text,
        **_context(found),
    )
    staff.audit(
        database,
        member,
        "message.send",
        academy=found.academy,
        application_id=found.id,
        account_id=account.id,
        after={"subject": subject, "message": text},
    )


@blueprint.post("/candidatures/<int:application_id>/message")
@office_auth.staff_required
def message(application_id: int):
    """A message recorded in the candidate's « Consulter mes messages » and mailed."""
    found = _application(application_id)
    form = _checked_form(MessageForm)
    if form.errors:
        for _field, problem in form.error_list():
            flash(problem, "error")
        return _back(found, "message")
    database = db.get()
    account = accounts.by_id(database, found.account_id)
    with db.transaction(database):
        _send(
            database,
            office_auth.current_staff(),
            found,
            account,
            form.subject.data,
            form.message.data,
        )
    flash(f"Message envoyé à {account.display_name} : il le lit dans « Consulter mes messages ».")
    return _back(found, "message")


# -- on the candidate's behalf -------------------------------------------------------------


@blueprint.route("/candidatures/<int:application_id>/identite", methods=["GET", "POST"])
@office_auth.staff_required
def identity(application_id: int):
    """Correct the civil status that the candidate can no longer edit."""
    found = _application(application_id)
    database = db.get()
    account = accounts.by_id(database, found.account_id)
    form = IdentityForm.from_request(data=_form_values(account))  # no address, no password
    if not form.submitted():
        return form_page(
            "office/identity.html",
            form,
            f"Corriger les informations personnelles – {account.display_name}",
            application=found,
            account=account,
        )
    with db.transaction(database):
        current = publishing.identity_of(accounts.by_id(database, account.id))
        wanted = form.identity()
        changed = [name for name in accounts.IDENTITY_FIELDS if current[name] != wanted[name]]
        if changed:
            accounts.update_identity(database, account.id, wanted)
            staff.audit(
                database,
                office_auth.current_staff(),
                "account.identity",
                academy=found.academy,
                application_id=found.id,
                account_id=account.id,
                before={name: current[name] for name in changed},
                after={name: wanted[name] for name in changed},
            )
    flash("Informations personnelles corrigées." if changed else "Aucune information n'a changé.")
    return _back(found, "identite")


CLOSINGS = {
    # status: (audit action, page title, button, mail template, message after, reason needed)
    applications.OFFICE_WITHDRAWN: (
        "application.withdraw",
        "Désinscrire le candidat",
        "Confirmer la désinscription",
        "desinscription_gestionnaire",
        "Le candidat est désinscrit (désinscrit par le gestionnaire). Un courriel le lui dit.",
        False,
    ),
    applications.REJECTED: (
        "application.reject",
        "Écarter la candidature",
        "Confirmer : écarter la candidature",
        "candidature_ecartee",
        "La candidature est écartée. Un courriel le dit au candidat.",
        True,
    ),
}


def _close(application_id: int, status: str):
    action, title, button, template, done, reason_needed = CLOSINGS[status]
    found = _application(application_id)
    database = db.get()
    account = accounts.by_id(database, found.account_id)
    if found.status != applications.REGISTERED:
        flash(
            f"Cette candidature est déjà close ({applications.STATUS_LABELS.get(found.status)}).",
            "error",
        )
        return _back(found, "cloture")
    form = CloseForm.from_request()
    if form.submitted() and reason_needed and not form.reason.data:
        form.reason.errors.append("Indiquez le motif : il est communiqué au candidat.")
    if request.method == "GET" or form.errors:
        return form_page(
            "office/close.html",
            form,
            f"{title} – {account.display_name}",
            application=found,
            account=account,
            button=button,
            reason_needed=reason_needed,
            withdrawing=status == applications.OFFICE_WITHDRAWN,
            **_context(found),
        )
    with db.transaction(database):
        current = applications.by_id(database, found.id)
        if current.status != applications.REGISTERED:  # closed meanwhile in another tab
            return _back(found, "cloture")
        closed = publishing.close(database, current, status)
        staff.audit(
            database,
            office_auth.current_staff(),
            action,
            academy=found.academy,
            application_id=found.id,
            account_id=account.id,
            before={"status": current.status},
            after={"status": closed.status, "reason": form.reason.data or ""},
        )
        mail.queue(
            database,
            template,
            account.email,
            account.id,
            account=account,
            application=closed,
            reason=form.reason.data or "",
            **_context(found),
        )
    flash(done)
    return _back(found, "cloture")


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


def _groups() -> dict[str, publishing.Group]:
    return {g.key: g for g in publishing.session_groups(db.get(), office_auth.scope())}


def _group_label(group: publishing.Group) -> str:
    c = catalog()
    exam = c.exams.get(group.exam)
    session = exam.session(group.session) if exam else None
    academy = c.academies.get(group.academy)
    return (
        f"{academy.name if academy else group.academy} – "
        f"{exam.short_name if exam else group.exam} – "
        f"{session.label if session else group.session} "
        f"({group.count} candidature{'s' if group.count > 1 else ''})"
    )


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
            (p, _group_label(publishing.Group(p.academy, p.exam, p.session, p.total)))
            for p in publishing.recent_publications(db.get(), office_auth.scope())
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


def _group_of(form, field):
    group = _groups().get(field.data or "")
    if group is None and not field.errors:
        field.errors = [*field.errors, "Choisissez une session d'examen de vos académies."]
    return group


def _publish_documents(form, message_form):
    form.validate()
    group = _group_of(form, form.group)
    if form.errors or group is None:
        return _publish_page(form, message_form, form.error_list(), 400)
    database = db.get()
    member = office_auth.current_staff()
    with db.transaction(database):
        started = publishing.start_publication(
            database, member, group, form.kind.data, form.title.data, form.body.data
        )
        staff.audit(
            database,
            member,
            "documents.publish_session",
            academy=group.academy,
            after={
                "publication": started.id,
                "exam": group.exam,
                "session": group.session,
                "kind": started.kind,
                "title": started.title,
                "text": started.body,
                "applications": started.total,
            },
        )
    return _run(started)


def _run(publication):
    done = publishing.run_publication(
        db.get(),
        current_app.config["DATA_DIR"],
        catalog(),
        office_auth.current_staff(),
        publication,
        current_app.config["PUBLISH_SECONDS"],
    )
    return redirect(url_for("office_actions.publication", publication_id=done.id), code=303)


def _publication(publication_id: int):
    return office_auth.in_scope(publishing.publication_in_scope, publication_id)


@blueprint.get("/publication/<int:publication_id>")
@office_auth.staff_required
def publication(publication_id: int):
    """Where a publication stands: documents published, skipped, still to publish."""
    found = _publication(publication_id)
    return render_template(
        "office/publication.html",
        title=f"Publication n° {found.id}",
        publication=found,
        label=_group_label(publishing.Group(found.academy, found.exam, found.session, found.total)),
        kind=publishing.BULK_KINDS.get(found.kind, found.kind),
        form=ConfirmForm.blank(),
    )


@blueprint.post("/publication/<int:publication_id>/suite")
@office_auth.staff_required
def resume(publication_id: int):
    """Go on with an interrupted or long publication (idempotent: done items are kept)."""
    found = _publication(publication_id)
    _checked_form()
    return _run(found)


def _session_message(publish_form, form):
    form.validate()
    group = _group_of(form, form.audience)
    if form.errors or group is None:
        return _publish_page(publish_form, form, form.error_list(), 400)
    database = db.get()
    member = office_auth.current_staff()
    with db.transaction(database):
        targets = publishing.registered_in(database, group)
        for application_id, account_id in targets:
            _send(
                database,
                member,
                applications.by_id(database, application_id),
                accounts.by_id(database, account_id),
                form.subject.data,
                form.message.data,
            )
        staff.audit(
            database,
            member,
            "message.session",
            academy=group.academy,
            after={
                "exam": group.exam,
                "session": group.session,
                "subject": form.subject.data,
                "message": form.message.data,
                "recipients": len(targets),
            },
        )
    flash(
        f"Message envoyé à {len(targets)} candidat{'s' if len(targets) > 1 else ''} : "
        "chacun le lit dans « Consulter mes messages »."
    )
    return redirect(url_for("office_actions.publish"), code=303)
