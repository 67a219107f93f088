"""The back office of the exam offices (/gestion/): sign-in, applications, review.

Every page requires a signed-in staff member (403 otherwise); every record is looked up
within the member's académies (404 otherwise), and every change is audited.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from worker import clock
from worker.content import current_catalog as catalog
from worker.documents import issuing
from worker.forms.account import LoginForm
from worker.forms.base import ConfirmForm
from worker.rules import passwords, recap
from worker.rules import pieces as supporting
from worker.store import accounts, db, documents, staff, throttle
from worker.store import pieces as stored_pieces
from worker.store.applications import STATUS_LABELS
from worker.web import auth
from worker.web import staff_auth as office_auth
from worker.web.pages import form_page, send_stored

blueprint = Blueprint("office", __name__, url_prefix="/gestion")
PER_PAGE = 50


MENU = (
    ("office.applications", "Candidatures", False),
    ("office_actions.publish", "Publication", False),
    ("office_pupils.pupils", "Élèves", False),
    ("office_content.content", "Périodes et messages", False),
    ("office_admin.staff_list", "Comptes gestionnaires", True),
)


def office_menu(member) -> list[tuple[str, str]]:
    """The back office's sections this member may open (those the application provides)."""
    return [
        (endpoint, label)
        for endpoint, label, admin_only in MENU
        if endpoint in current_app.view_functions and (member.admin or not admin_only)
    ]


@blueprint.context_processor
def office_context() -> dict:
    return {
        "staff_member": office_auth.current_staff(),
        "nav_current": "/gestion/",
        "office_menu": office_menu,
    }


# -- signing in ----------------------------------------------------------------------------


@blueprint.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm.from_request()
    form.login.label.text = "Adresse électronique professionnelle"
    if not form.submitted():
        return form_page("office/login.html", form, "Connexion gestionnaire")
    database = db.get()
    member = staff.by_email(database, form.login.data)
    failure_keys = tuple(
        f"staff:{k}"
        for k in throttle.keys(
            form.login.data, auth.client_address(), member.id if member else None
        )
    )
    wait = throttle.wait_seconds(database, failure_keys)
    if wait:
        form.login.errors.append(f"Trop de tentatives. Réessayez dans {math.ceil(wait / 60)} min.")
        html, _ = form_page("office/login.html", form, "Connexion gestionnaire")
        return html, 429, {"Retry-After": str(wait)}
    hashed = member.password_hash if member and not member.disabled_at else None
    if not passwords.verify(hashed, form.password.data):
        with db.transaction(database):
            throttle.record_failure(database, *failure_keys)
        form.login.errors.append("Identifiant ou mot de passe incorrect.")
        return form_page("office/login.html", form, "Connexion gestionnaire")
    with db.transaction(database):
        throttle.forget(database, failure_keys)
        office_auth.sign_in(member)
        staff.audit(database, member, "staff.login")
    return redirect(url_for("office.home"), code=303)


@blueprint.post("/deconnexion")
def logout():
    if ConfirmForm.from_request().validate():
        with db.transaction(db.get()):
            office_auth.sign_out()
    return redirect(url_for("office.login"), code=303)


# -- applications --------------------------------------------------------------------------


def _filters() -> staff.Filters:
    args = request.args
    values = {
        k: (args.get(k) or "").strip()[:100]
        for k in ("query", "exam", "session", "status", "academy")
    }
    return staff.Filters(**values)


@blueprint.get("/")
@office_auth.staff_required
def home():
    return redirect(url_for("office.applications"))


@blueprint.get("/candidatures")
@office_auth.staff_required
def applications():
    filters = _filters()
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        abort(400)
    rows, total = staff.search(db.get(), office_auth.scope(), filters, page, PER_PAGE)
    c = catalog()
    return render_template(
        "office/applications.html",
        title="Candidatures",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PER_PAGE)),
        filters=filters,
        catalog=c,
        statuses=STATUS_LABELS,
        academies=[c.academies[a] for a in office_auth.scope() if a in c.academies],
    )


@blueprint.get("/candidatures/export.csv")
@office_auth.staff_required
def export():
    """The filtered list as CSV (semicolons, UTF-8 with BOM for spreadsheets)."""
    c = catalog()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            "academie",
            "examen",
            "session",
            "specialite",
            "numero_candidat",
            "numero_inscription",
            "nom",
            "prenoms",
            "courriel",
            "etat",
            "version",
            "enregistree_le",
        ]
    )
    for row in staff.all_rows(db.get(), office_auth.scope(), _filters()):
        exam = c.exams.get(row["exam"])
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    row["academy"],
                    exam.short_name if exam else row["exam"],
                    row["session"],
                    row["speciality"],
                    row["candidate_number"],
                    row["number"],
                    row["last_name"],
                    row["first_names"],
                    row["email"],
                    STATUS_LABELS.get(row["status"], row["status"]),
                    row["version"],
                    row["created_at"],
                )
            ]
        )
    with db.transaction(db.get()):
        staff.audit(
            db.get(),
            office_auth.current_staff(),
            "applications.export",
            after={"filters": _filters().__dict__},
        )
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename="candidatures.csv")
    return response


def safe_cell(value) -> str:
    """A spreadsheet never runs what a candidate typed: formulas are neutralised."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _application(application_id: int):
    return office_auth.in_scope(staff.application_in_scope, application_id)


@blueprint.get("/candidatures/<int:application_id>")
@office_auth.staff_required
def application(application_id: int):
    found = _application(application_id)
    c = catalog()
    database = db.get()
    account = accounts.by_id(database, found.account_id)
    exam = c.exams.get(found.exam)
    if exam is None:
        abort(404)
    ctx = recap.Context(
        catalog=c,
        exam=exam,
        session=exam.session(found.session),
        academy=c.academies[found.academy],
        account=account,
        answers=found.answers,
        now=clock.now(),
    )
    documents = list(
        database.query(
            "SELECT id, kind, title, version, created_at, viewed_at FROM documents"
            " WHERE application_id = ? ORDER BY kind, version DESC",
            [found.id],
        )
    )
    return render_template(
        "office/application.html",
        title=f"Candidature {account.display_name}",
        application=found,
        account=account,
        exam=exam,
        ctx=ctx,
        sections=recap.summary(ctx, [s for s in c.exam_steps(exam) if s.kind != "recapitulatif"]),
        rows=recap.test_rows(exam, found.answers, found.speciality),
        groups=supporting.groups(database, c, found),
        documents=documents,
        statuses=supporting.STATUSES,
        status_label=STATUS_LABELS.get(found.status, found.status),
        history=staff.audit_of(database, found.id),
        form=ConfirmForm.blank(),
        today=date.today(),
    )


@blueprint.get("/candidatures/<int:application_id>/fichiers/<int:file_id>")
@office_auth.staff_required
def piece_file(application_id: int, file_id: int):
    """Any file of a piece, earlier rounds and removed ones included, as an attachment."""
    found = _application(application_id)
    stored = stored_pieces.file_of_application(db.get(), found.id, file_id)
    if stored is None:
        abort(404)
    return send_stored("uploads", stored.stored_name, stored.original_name, stored.content_type)


@blueprint.get("/candidatures/<int:application_id>/documents/<int:document_id>")
@office_auth.staff_required
def document(application_id: int, document_id: int):
    found = _application(application_id)
    doc = documents.one(db.get(), found.id, document_id)
    if doc is None:
        abort(404)
    name = f"{doc.title} - version {doc.version}.pdf"
    return send_stored(issuing.AREA, doc.stored_name, name, "application/pdf")


@blueprint.post("/candidatures/<int:application_id>/pieces/<code>")
@office_auth.staff_required
def piece_status(application_id: int, code: str):
    """Reçue (with a date), Non conforme or En attente d'une nouvelle PJ (with a comment),
    Conforme: the candidate sees it at once."""
    found = _application(application_id)
    if not ConfirmForm.from_request().validate():
        abort(400)
    status = request.form.get("status", "")
    comment = request.form.get("comment", "").strip()[:1000]
    database = db.get()
    state = next(
        (s for s in supporting.states(database, catalog(), found) if s.piece.code == code), None
    )
    if state is None:
        abort(404)
    problem = None
    received = None
    if status not in supporting.STATUSES or not status:
        problem = "Choisissez un statut."
    elif status in supporting.REOPENING and not comment:
        problem = "Un commentaire est nécessaire pour expliquer au candidat ce qu'il doit fournir."
    elif status == "recue":
        try:
            received = date.fromisoformat(request.form.get("received_on", ""))
        except ValueError:
            problem = "Indiquez la date de réception (AAAA-MM-JJ)."
    if problem:
        flash(f"{state.piece.label} : {problem}", "error")
        return redirect(
            url_for("office.application", application_id=found.id) + f"#piece-{code}", code=303
        )
    with db.transaction(database):
        supporting.set_status(database, found.id, code, status, comment, received)
        staff.audit(
            database,
            office_auth.current_staff(),
            "piece.status",
            academy=found.academy,
            application_id=found.id,
            account_id=found.account_id,
            before={"piece": code, "status": state.status, "comment": state.comment},
            after={"piece": code, "status": status, "comment": comment, "received_on": received},
        )
    flash(f"{state.piece.label} : statut « {supporting.STATUSES[status]} » enregistré.")
    return redirect(
        url_for("office.application", application_id=found.id) + f"#piece-{code}", code=303
    )
