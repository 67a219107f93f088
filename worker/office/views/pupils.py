"""Enrolled pupils: import from a CSV, accounts with a one-time password, login slips.

Every page requires a signed-in staff member (403 otherwise); imports, pupils and slip
files are looked up within the member's académies (404 otherwise); every action is
audited. The one-time passwords are generated at import (or renewal), printed in the slips
PDF written in the same transaction, and never stored in clear anywhere else.
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
from wtforms import SelectField

from worker import clock, mail
from worker.content import current_catalog as catalog
from worker.documents import slips
from worker.files import storage
from worker.forms.base import ConfirmForm, PortailForm, required
from worker.office import pupil_import as pupils
from worker.office.views.applications import office_context
from worker.rules import passwords
from worker.store import db, staff
from worker.web import staff_auth as office_auth
from worker.web.pages import send_stored

blueprint = Blueprint("office_pupils", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)

NO_STORE = {"Cache-Control": "no-store"}


class ImportForm(PortailForm):
    establishment = SelectField(
        "Établissement des élèves",
        validate_choice=False,
        validators=[required("Choisissez l'établissement des élèves.")],
    )
    exam_session = SelectField(
        "Examen et session",
        validate_choice=False,
        validators=[required("Choisissez l'examen et la session.")],
    )


def _establishments(c, scope: tuple[str, ...]) -> dict:
    """The establishments of the member's académies, by UAI."""
    return {
        e.uai: e
        for code in scope
        for e in c.establishments_of(code)
        if e.uai != pupils.NO_ESTABLISHMENT
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
            if e.uai != pupils.NO_ESTABLISHMENT
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
        imports=pupils.imports_in_scope(db.get(), scope),
        catalog=c,
        establishments=_establishments(c, scope),
        max_pupils=pupils.MAX_PUPILS,
    )
    return html, status or (400 if errors else 200)


class _Imported(Exception):
    def __init__(self, problems: list[pupils.LineError]):
        super().__init__()
        self.problems = problems


def _line_errors(form, c, scope, problems: list[pupils.LineError]):
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
    establishment = None
    if form.establishment.data:
        establishment = _establishments(c, scope).get(form.establishment.data)
        if establishment is None:
            if form.establishment.data != pupils.NO_ESTABLISHMENT and any(
                e.uai == form.establishment.data for e in c.establishments
            ):
                abort(404)  # an establishment of another académie: outside the scope
            form.establishment.errors.append("Choisissez un établissement dans la liste.")
            valid = False
    exam = session = None
    if form.exam_session.data:
        exam_code, _, session_code = form.exam_session.data.partition("/")
        exam = c.exams.get(exam_code)
        session = exam.session(session_code) if exam else None
        if session is None:
            form.exam_session.errors.append("Choisissez un examen et une session dans la liste.")
            valid = False
        elif establishment is not None and not c.periods_for(
            exam=exam.code, session=session.code, academy=establishment.academy
        ):
            form.exam_session.errors.append(
                "Cet examen n'est pas organisé pour cette session dans l'académie de "
                "l'établissement choisi."
            )
            valid = False
    upload = request.files.get("fichier")
    data = upload.read() if upload and upload.filename else b""
    if not data:
        return _page(form, c, scope, file_error="Choisissez le fichier CSV des élèves.")
    if not valid:
        return _page(form, c, scope)
    database = db.get()
    try:
        lines, problems = pupils.parse(data, exam, clock.now().date())
    except pupils.FileError as error:
        return _page(form, c, scope, file_error=str(error))
    problems += pupils.already_imported(database, lines, exam.code, session.code, establishment.uai)
    if problems:
        return _line_errors(form, c, scope, problems)
    work = pupils.hashed(lines)  # slow (argon2): before taking the write lock
    member = office_auth.current_staff()
    data_dir = current_app.config["DATA_DIR"]
    slip_file = None
    try:
        with db.transaction(database):
            late = pupils.already_imported(
                database, lines, exam.code, session.code, establishment.uai
            )
            if late:  # the same file, imported meanwhile by another request
                raise _Imported(late)
            batch = pupils.start_import(
                database,
                establishment.academy,
                establishment.uai,
                exam.code,
                session.code,
                member.id,
            )
            taken: set[str] = set()
            created = [
                pupils.create_pupil(database, c, batch, line, password, password_hash, taken)
                for line, password, password_hash in work
            ]
            content = slips.slips_pdf([_slip(c, batch, one) for one in created], clock.now())
            slip_file = pupils.add_slips(
                database, data_dir, batch, "import", len(created), content, member.id
            )
            staff.audit(
                database,
                member,
                "pupils.import",
                academy=batch.academy,
                after=pupils.audit_summary(batch, created),
            )
            for one in created:
                staff.audit(
                    database,
                    member,
                    "pupil.create",
                    academy=batch.academy,
                    application_id=one.application.id,
                    account_id=one.account.id,
                    after={"import": batch.id, "login": one.account.login},
                )
    except _Imported as meanwhile:
        return _line_errors(form, c, scope, meanwhile.problems)
    except BaseException:
        if slip_file is not None:  # the row never committed: its file must not stay
            pupils.remove_slips_file(data_dir, slip_file)
        raise
    plural = "s" if len(created) > 1 else ""
    flash(
        f"{len(created)} élève{plural} importé{plural}. "
        "Téléchargez maintenant le PDF des papillons de connexion : les mots de passe qu'il "
        "contient ne sont conservés nulle part ailleurs."
    )
    return redirect(url_for("office_pupils.pupil_import", import_id=batch.id), code=303)


def _slip(c, batch: pupils.Import, one: pupils.Created) -> slips.Slip:
    exam = c.exams[batch.exam]
    session = exam.session(batch.session)
    speciality = exam.speciality(one.application.speciality)
    establishment = pupils.establishment_of(c, batch.academy, batch.establishment)
    academy = c.academies.get(batch.academy)
    label = " - ".join(
        part
        for part in (
            exam.name,
            speciality.name if speciality else "",
            f"session {session.label if session else batch.session}",
        )
        if part
    )
    return slips.Slip(
        academy_name=academy.name if academy else batch.academy,
        establishment=establishment.name if establishment else batch.establishment,
        establishment_town=establishment.town if establishment else "",
        uai=batch.establishment,
        last_name=one.account.last_name,
        first_names=one.account.first_names,
        birth_date=one.account.birth_day,
        candidate_number=one.account.candidate_number or "",
        application_number=one.application.number,
        exam=label,
        portal=mail.base_url() + url_for("login.login"),
        login=one.account.login or "",
        password=one.password,
    )


def _import(import_id: int) -> pupils.Import:
    return office_auth.in_scope(pupils.import_in_scope, import_id)


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
        establishment=pupils.establishment_of(c, batch.academy, batch.establishment),
        rows=pupils.pupils_of(database, batch.id),
        slip_files=pupils.slips_of(database, batch.id),
        form=ConfirmForm.blank(),
    )


@blueprint.post("/eleves/imports/<int:import_id>/eleves/<int:account_id>/mot-de-passe")
@office_auth.staff_required
def renew_password(import_id: int, account_id: int):
    """A new one-time password for one pupil (a lost slip), on a slip of its own."""
    batch = _import(import_id)
    database = db.get()
    pupil = pupils.pupil_in_import(database, batch, account_id)
    if pupil is None:
        abort(404)
    if not ConfirmForm.from_request().validate():
        abort(400)
    password = pupils.generate_password()
    password_hash = passwords.hash_password(password)
    member = office_auth.current_staff()
    data_dir = current_app.config["DATA_DIR"]
    c = catalog()
    slip_file = None
    try:
        with db.transaction(database):
            account = pupils.renew_password(database, account_id, password_hash)
            one = pupils.Created(account, pupil.application, password)
            content = slips.slips_pdf([_slip(c, batch, one)], clock.now())
            slip_file = pupils.add_slips(
                database, data_dir, batch, "regeneration", 1, content, member.id
            )
            staff.audit(
                database,
                member,
                "pupil.password_renewed",
                academy=batch.academy,
                application_id=pupil.application.id,
                account_id=account_id,
                after={"import": batch.id, "login": account.login, "slips": slip_file.id},
            )
    except BaseException:
        if slip_file is not None:
            pupils.remove_slips_file(data_dir, slip_file)
        raise
    flash(
        f"Nouveau mot de passe créé pour {account.display_name} : l'ancien ne fonctionne plus. "
        "Téléchargez son papillon de connexion ci-dessous."
    )
    return redirect(
        url_for("office_pupils.pupil_import", import_id=batch.id) + "#papillons", code=303
    )


def _slip_file(slip_id: int) -> pupils.SlipFile:
    found = pupils.slip_in_scope(db.get(), office_auth.scope(), slip_id)
    if found is None or found.deleted_at:
        abort(404)
    return found


@blueprint.get("/eleves/papillons/<int:slip_id>")
@office_auth.staff_required
def slips_file(slip_id: int):
    """The PDF of login slips, for staff of its académie only."""
    found = _slip_file(slip_id)
    if not storage.path_of(current_app.config["DATA_DIR"], pupils.AREA, found.stored_name).exists():
        abort(404)  # checked before the download is audited
    database = db.get()
    batch = pupils.import_by_id(database, found.import_id)
    with db.transaction(database):
        staff.audit(
            database,
            office_auth.current_staff(),
            "pupils.slips_download",
            academy=found.academy,
            after={"import": found.import_id, "slips": found.id},
        )
    name = f"papillons-{batch.establishment}-{found.import_id}-{found.id}.pdf"
    response = send_stored(pupils.AREA, found.stored_name, name, "application/pdf")
    response.headers.update(NO_STORE)
    return response


@blueprint.post("/eleves/papillons/<int:slip_id>/supprimer")
@office_auth.staff_required
def delete_slips(slip_id: int):
    """Remove the file once printed: the passwords it holds leave the server."""
    found = _slip_file(slip_id)
    if not ConfirmForm.from_request().validate():
        abort(400)
    database = db.get()
    with db.transaction(database):
        pupils.mark_slips_deleted(database, found)
        staff.audit(
            database,
            office_auth.current_staff(),
            "pupils.slips_delete",
            academy=found.academy,
            after={"import": found.import_id, "slips": found.id},
        )
    pupils.remove_slips_file(current_app.config["DATA_DIR"], found)
    flash("Le fichier des papillons de connexion a été supprimé du serveur.")
    return redirect(
        url_for("office_pupils.pupil_import", import_id=found.import_id) + "#papillons", code=303
    )
