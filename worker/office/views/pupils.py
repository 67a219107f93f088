"""Enrolled pupils: import from a CSV, accounts with a one-time password, login slips.

Every page requires a signed-in staff member (403 otherwise); imports, pupils and slip
files are looked up within the member's académies (404 otherwise); every action is
audited. The one-time passwords are generated at import (or renewal), printed in the slips
PDF written in the same transaction, and never stored in clear anywhere else (see
``worker.office.actions.pupils``).
"""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from worker import mail
from worker.content import current_catalog as catalog
from worker.forms.base import ConfirmForm
from worker.forms.office import ImportForm
from worker.office.actions import pupils as pupil_actions
from worker.office.actions.outcomes import NotFound, Refused
from worker.office.actions.pupils import LinesRefused
from worker.office.views import confirming
from worker.office.views.common import office_context
from worker.rules import pupil_list
from worker.rules.pupil_list import LineError
from worker.store import db
from worker.store import pupils as stored
from worker.web import staff_auth as office_auth
from worker.web.pages import send_stored

blueprint = Blueprint("office_pupils", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)

NO_STORE = {"Cache-Control": "no-store"}


def _establishments(c, scope: tuple[str, ...]) -> dict:
    """The establishments of the member's académies, by UAI."""
    return {
        e.uai: e
        for code in scope
        for e in c.establishments_of(code)
        if e.uai != pupil_list.NO_ESTABLISHMENT
    }


def _offers(c, scope: tuple[str, ...]) -> list[tuple[str, str]]:
    """(exam/session, label) of every exam session organised in one of these académies."""
    offered = {(p.exam, p.session) for p in c.periods if p.academy in scope}
    found = []
    for exam in sorted(c.exams.values(), key=lambda e: (e.short_name, e.name)):
        for session in exam.sessions:
            if (exam.code, session.code) in offered:
                found.append(
                    (
                        f"{exam.code}/{session.code}",
                        f"{exam.short_name} – {exam.name} – {session.label}",
                    )
                )
    return found


def _import_form(c, scope):
    form = ImportForm.from_request()
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in sorted(scope, key=lambda a: c.academies[a].name if a in c.academies else a):
        if code not in c.academies:
            continue
        choices = [
            (e.uai, f"{e.name}{' - ' + e.town if e.town else ''} ({e.uai})")
            for e in sorted(c.establishments_of(code), key=lambda e: (e.name, e.town))
            if e.uai != pupil_list.NO_ESTABLISHMENT
        ]
        if choices:
            groups[c.academies[code].name] = choices
    form.establishment.choices = {"": [("", "Choisissez un établissement")], **groups}
    form.exam_session.choices = [("", "Choisissez un examen et une session"), *_offers(c, scope)]
    return form


def _page(form, c, scope, *, file_error: str = "", line_errors=(), status: int | None = None):
    errors = form.error_list()
    if file_error:
        errors.append(("fichier", file_error))
    title = "Élèves inscrits par leur établissement"
    html = render_template(
        "office/pupils.html",
        title=title,
        page_title=f"Erreur : {title}" if errors else title,
        form=form,
        errors=errors,
        file_error=file_error,
        line_errors=line_errors,
        imports=stored.imports_in_scope(db.get(), scope),
        catalog=c,
        establishments=_establishments(c, scope),
        max_pupils=pupil_list.MAX_PUPILS,
        max_kilobytes=pupil_list.MAX_FILE_BYTES // 1024,
    )
    return html, status or (400 if errors else 200)


def _line_errors(form, c, scope, problems: tuple[LineError, ...]):
    problems = sorted(problems, key=lambda p: p.number)
    count = len({p.number for p in problems})
    return _page(
        form,
        c,
        scope,
        file_error=(
            f"{count} ligne{'s' if count > 1 else ''} du fichier "
            f"{'comportent' if count > 1 else 'comporte'} des erreurs : aucun élève n'a "
            "été importé. Corrigez le fichier puis importez-le à nouveau."
        ),
        line_errors=problems,
    )


def _chosen_establishment(form, c, scope):
    """The establishment chosen (None with an error on the field); 404 for one of another
    académie, outside the member's scope."""
    if not form.establishment.data:
        return None
    establishment = _establishments(c, scope).get(form.establishment.data)
    if establishment is None:
        if form.establishment.data != pupil_list.NO_ESTABLISHMENT and any(
            e.uai == form.establishment.data for e in c.establishments
        ):
            abort(404)
        form.establishment.errors.append("Choisissez un établissement dans la liste.")
    return establishment


def _chosen_session(form, c, establishment):
    """(exam, session) chosen, organised in the establishment's académie (None, None with
    an error on the field otherwise)."""
    if not form.exam_session.data:
        return None, None
    exam_code, _, session_code = form.exam_session.data.partition("/")
    exam = c.exams.get(exam_code)
    session = exam.session(session_code) if exam else None
    if session is None:
        form.exam_session.errors.append("Choisissez un examen et une session dans la liste.")
        return None, None
    if establishment is not None and not c.periods_for(
        exam=exam.code, session=session.code, academy=establishment.academy
    ):
        form.exam_session.errors.append(
            "Cet examen n'est pas organisé pour cette session dans l'académie de "
            "l'établissement choisi."
        )
        return None, None
    return exam, session


def _portal_url() -> str:
    """Where a pupil signs in, as the slips print it."""
    return mail.base_url() + url_for("login.login")


@blueprint.route("/eleves", methods=["GET", "POST"], endpoint="pupils")
@office_auth.staff_required
def pupils_page():
    """The import form and the imports of the member's académies."""
    c = catalog()
    scope = office_auth.scope()
    form = _import_form(c, scope)
    if request.method != "POST":
        return _page(form, c, scope)
    valid = form.validate()
    establishment = _chosen_establishment(form, c, scope)
    exam, session = _chosen_session(form, c, establishment)
    valid = valid and not form.establishment.errors and not form.exam_session.errors
    if confirming.decision() == confirming.CHANGE:  # back from the confirmation page
        return _page(form, c, scope)
    data = _file_data()
    if data is None:
        return _page(form, c, scope, file_error=CHOOSE_AGAIN)
    if not data:
        return _page(form, c, scope, file_error="Choisissez le fichier CSV des élèves.")
    if not valid:
        return _page(form, c, scope)
    if confirming.decision() != confirming.CONFIRM:
        return _confirm(form, c, scope, establishment, exam, session, data)
    outcome = pupil_actions.import_pupils(
        db.get(),
        current_app.config["FILES_DIR"],
        c,
        office_auth.current_staff(),
        establishment,
        exam,
        session,
        data,
        _portal_url(),
    )
    if isinstance(outcome, Refused):
        return _page(form, c, scope, file_error=outcome.message)
    if isinstance(outcome, LinesRefused):
        return _line_errors(form, c, scope, outcome.problems)
    flash(outcome.message)
    return redirect(url_for("office_pupils.pupil_import", import_id=outcome.batch.id), code=303)


CHOOSE_AGAIN = "Choisissez de nouveau le fichier CSV des élèves : rien n'a été importé."
CONTENT = "contenu"  # the confirmation page's copy of the file (base64)


def _file_data() -> bytes | None:
    """The file posted: uploaded with the form, or its copy sent back by the confirmation
    page (None: that copy is damaged)."""
    upload = request.files.get("fichier")
    if upload and upload.filename:
        return upload.read()
    try:
        return base64.b64decode(request.form.get(CONTENT, ""), validate=True)
    except binascii.Error:
        return None


def _confirm(form, c, scope, establishment, exam, session, data: bytes):
    """What the import will create, before it does: the file travels in the page, checked
    again at the confirmed import (no draft kept on the server)."""
    preview = pupil_actions.import_preview(db.get(), c, establishment, exam, session, data)
    if isinstance(preview, Refused):
        return _page(form, c, scope, file_error=preview.message)
    if isinstance(preview, LinesRefused):
        return _line_errors(form, c, scope, preview.problems)
    kept = {
        "establishment": form.establishment.data,
        "exam_session": form.exam_session.data,
        CONTENT: base64.b64encode(data).decode("ascii"),
    }
    back = url_for("office_pupils.pupils")
    return confirming.page(
        "Confirmer l'import des élèves",
        preview,
        kept,
        "Confirmer l'import",
        back,
        cancel="« Annuler » vous ramène au formulaire, l'établissement et la session choisis :"
        " choisissez de nouveau le fichier. Rien n'est importé.",
    )


def _import(import_id: int) -> stored.Import:
    return office_auth.in_scope(stored.import_in_scope, import_id)


def _to_slips(import_id: int):
    target = url_for("office_pupils.pupil_import", import_id=import_id) + "#papillons"
    return redirect(target, code=303)


@blueprint.get("/eleves/imports/<int:import_id>")
@office_auth.staff_required
def pupil_import(import_id: int):
    batch = _import(import_id)
    c = catalog()
    database = db.get()
    exam = c.exams.get(batch.exam)
    return render_template(
        "office/pupils_import.html",
        title="Import d'élèves",
        batch=batch,
        exam=exam,
        session=exam.session(batch.session) if exam else None,
        academy=c.academies.get(batch.academy),
        establishment=c.establishment(batch.academy, batch.establishment),
        rows=stored.pupils_of(database, batch.id),
        slip_files=stored.slips_of(database, batch.id),
        form=ConfirmForm.blank(),
    )


@blueprint.post("/eleves/imports/<int:import_id>/eleves/<int:account_id>/mot-de-passe")
@office_auth.staff_required
def renew_password(import_id: int, account_id: int):
    """A new one-time password for one pupil (a lost slip), on a slip of its own."""
    batch = _import(import_id)
    pupil = stored.pupil_in_import(db.get(), batch, account_id)
    if pupil is None:
        abort(404)
    if not ConfirmForm.from_request().validate():
        abort(400)
    renewed = pupil_actions.renew_password(
        db.get(),
        current_app.config["FILES_DIR"],
        catalog(),
        office_auth.current_staff(),
        batch,
        pupil,
        _portal_url(),
    )
    flash(renewed.message)
    return _to_slips(batch.id)


def _slip_file(slip_id: int) -> stored.SlipFile:
    found = stored.slip_in_scope(db.get(), office_auth.scope(), slip_id)
    if found is None or found.deleted_at:
        abort(404)
    return found


@blueprint.get("/eleves/papillons/<int:slip_id>")
@office_auth.staff_required
def slips_file(slip_id: int):
    """The PDF of login slips, for staff of its académie only."""
    found = _slip_file(slip_id)
    outcome = pupil_actions.download_slips(
        db.get(), current_app.config["FILES_DIR"], office_auth.current_staff(), found
    )
    if isinstance(outcome, NotFound):
        abort(404)  # checked before the download is audited
    response = send_stored(pupil_actions.AREA, outcome.stored_name, outcome.name, "application/pdf")
    response.headers.update(NO_STORE)
    return response


@blueprint.post("/eleves/papillons/<int:slip_id>/supprimer")
@office_auth.staff_required
def delete_slips(slip_id: int):
    """Remove the file once printed: the passwords it holds leave the server."""
    found = _slip_file(slip_id)
    if not ConfirmForm.from_request().validate():
        abort(400)
    done = pupil_actions.delete_slips(
        db.get(), current_app.config["FILES_DIR"], office_auth.current_staff(), found
    )
    flash(done.message)
    return _to_slips(found.import_id)
