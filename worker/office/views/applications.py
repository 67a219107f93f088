"""The back office of the exam offices (/gestion/): sign-in, applications, review.

Every page requires a signed-in staff member (403 otherwise); every record is looked up
within the member's académies (404 otherwise), and every change is audited.
"""

from __future__ import annotations

import math
from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from worker import clock
from worker.content import current_catalog as catalog
from worker.documents import issuing
from worker.forms.base import ConfirmForm
from worker.forms.office import StaffLoginForm
from worker.office.actions import audit_log, review
from worker.office.actions import login as signing_in
from worker.office.actions.login import Throttled
from worker.office.actions.outcomes import NotFound, Refused
from worker.office.views.common import application_in_scope, back_to, checked_form, office_context
from worker.rules import pieces as supporting
from worker.rules import recap
from worker.store import accounts, db, documents, search
from worker.store import pieces as stored_pieces
from worker.store.applications import STATUS_LABELS
from worker.web import auth, params
from worker.web import rows as table_rows
from worker.web import staff_auth as office_auth
from worker.web.pages import form_page, send_stored
from worker.web.templating import row_links

blueprint = Blueprint("office", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)
PER_PAGE = 50


# -- signing in ----------------------------------------------------------------------------


@blueprint.route("/connexion", methods=["GET", "POST"])
def login():
    form = StaffLoginForm.from_request()
    if not form.submitted():
        return form_page("office/login.html", form, "Connexion gestionnaire")
    outcome = signing_in.log_in(
        db.get(), form.login.data, form.password.data, auth.client_address(), office_auth.sign_in
    )
    if isinstance(outcome, Throttled):
        form.login.errors.append(outcome.message)
        html, _ = form_page("office/login.html", form, "Connexion gestionnaire")
        return html, 429, {"Retry-After": str(outcome.wait)}
    if isinstance(outcome, Refused):
        form.login.errors.append(outcome.message)
        return form_page("office/login.html", form, "Connexion gestionnaire")
    target = auth.safe_next(request.args.get("next"))
    return redirect(target or url_for("office.home"), code=303)


@blueprint.post("/deconnexion")
def logout():
    if ConfirmForm.from_request().validate():
        signing_in.log_out(db.get(), office_auth.sign_out)
        flash("Vous êtes déconnecté.")
    return redirect(url_for("office.login"), code=303)


# -- applications --------------------------------------------------------------------------


def _filters() -> search.Filters:
    values = {k: params.query_text(k) for k in ("query", "exam", "session", "status", "academy")}
    files = request.args.get("files", "")
    state = request.args.get("piece_state", "")
    return search.Filters(
        **values,
        files=files if files in search.FILES else "",
        piece=params.query_text("piece"),
        piece_state=state if state in review.PIECE_STATES else "",
    )


@blueprint.get("/")
@office_auth.staff_required
def home():
    return redirect(url_for("office.applications"))


@blueprint.get("/candidatures")
@office_auth.staff_required
def applications():
    filters = _filters()
    page = params.query_int("page", 1)
    rows, total = search.search(db.get(), office_auth.scope(), filters, page, PER_PAGE)
    pages = max(1, math.ceil(total / PER_PAGE))
    if beyond := params.past_the_last(page, pages):
        return beyond
    c = catalog()
    return render_template(
        "office/applications.html",
        title="Candidatures",
        rows=table_rows.render(
            "office/rows/application.html",
            review.lines(c, rows),
            link=row_links("office.application", application_id="id"),
        ),
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        catalog=c,
        statuses=STATUS_LABELS,
        files=search.FILES,
        pieces=c.exams[filters.exam].pieces if filters.exam in c.exams else (),
        piece_states=review.PIECE_STATES,
        academies=[c.academies[a] for a in office_auth.scope() if a in c.academies],
        sessions=_session_choices(c, filters.exam, filters.session),
    )


def _session_choices(c, exam: str, session: str) -> dict[str, str]:
    """Session codes and their display names: the chosen exam's own, or, with no exam
    chosen, every code of the catalogue, named by the code itself where exams name it
    differently (« 2027 » is « BIA 2027 » for one exam, « SESSION 2027 » for another)."""
    chosen = c.exams.get(exam)
    labels: dict[str, set[str]] = {}
    for found in [chosen] if chosen else c.exams.values():
        for one in found.sessions:
            labels.setdefault(one.code, set()).add(one.label)
    named = {
        code: next(iter(shown)) if len(shown) == 1 else code.replace("-", " ").upper()
        for code, shown in labels.items()
    }
    if session and session not in named:  # filtered on it all the same: the form says so
        named[session] = session
    return dict(sorted(named.items(), key=lambda item: item[1]))


@blueprint.get("/candidatures/export.csv")
@office_auth.staff_required
def export():
    """The filtered list as CSV (semicolons, UTF-8 with BOM for spreadsheets)."""
    exported = review.export_applications(
        db.get(), office_auth.current_staff(), office_auth.scope(), _filters(), catalog()
    )
    response = Response(exported.text, mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename="candidatures.csv")
    return response


@blueprint.get("/candidatures/<int:application_id>")
@office_auth.staff_required
def application(application_id: int):
    return application_page(application_in_scope(application_id))


def application_page(found, errors=(), typed: dict | None = None):
    """The application's page; ``errors``: (field id, message) of a form refused, shown
    with what was typed (``typed``: a piece decision's code and fields, or ``marks``: the
    marks typed by test code)."""
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
    title = f"Candidature {account.display_name}"
    return render_template(
        "office/application.html",
        title=title,
        page_title=("Erreur : " if errors else "") + title,
        errors=errors,
        field_errors=dict(errors),
        typed=typed or {},
        application=found,
        account=account,
        exam=exam,
        ctx=ctx,
        sections=recap.summary(ctx, [s for s in c.exam_steps(exam) if s.kind != "recapitulatif"]),
        rows=recap.test_rows(exam, found.answers, found.speciality),
        groups=supporting.groups(database, c, found),
        documents=documents.all_versions(database, found.id),
        statuses=supporting.STATUSES,
        status_label=STATUS_LABELS.get(found.status, found.status),
        history=audit_log.history(database, office_auth.current_staff(), c, found.id),
        form=ConfirmForm.blank(),
        today=date.today(),
    )


@blueprint.get("/candidatures/<int:application_id>/fichiers/<int:file_id>")
@office_auth.staff_required
def piece_file(application_id: int, file_id: int):
    """Any file of a piece, earlier rounds and removed ones included, as an attachment."""
    found = application_in_scope(application_id)
    stored = stored_pieces.file_of_application(db.get(), found.id, file_id)
    if stored is None or stored.scan_state == "infected":
        abort(404)
    if stored.scan_state != "clean":  # quarantined: clamd was unreachable at upload
        flash(
            f"Le fichier « {stored.original_name} » est en cours d'analyse antivirus : "
            "il pourra être ouvert dès que l'analyse l'aura déclaré sain.",
            "error",
        )
        return application(application_id), 409  # the application page, with the notice
    return send_stored("uploads", stored.stored_name, stored.original_name, stored.content_type)


@blueprint.get("/candidatures/<int:application_id>/documents/<int:document_id>")
@office_auth.staff_required
def document(application_id: int, document_id: int):
    found = application_in_scope(application_id)
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
    found = application_in_scope(application_id)
    checked_form()
    typed = {
        "code": code,
        "status": request.form.get("status", ""),
        "comment": request.form.get("comment", "").strip()[:1000],
        "received_on": request.form.get("received_on", "")[:10],
    }
    outcome = review.set_piece_status(
        db.get(),
        office_auth.current_staff(),
        catalog(),
        found,
        code,
        typed["status"],
        typed["comment"],
        typed["received_on"],
    )
    if isinstance(outcome, NotFound):
        abort(404)
    if isinstance(outcome, Refused):
        field = "received" if typed["status"] == "recue" else "comment"
        return application_page(found, [(f"{field}-{code}", outcome.message)], typed), 400
    flash(outcome.message, "message")
    return back_to(found, f"piece-{code}")
