"""Republishing: an académie edits its periods and home messages, checked then rebuilt.

/gestion/periodes lists, for each académie of the member's scope, its registration periods
and its own home messages, with forms to add, change and delete them. A save goes through
``worker.office.actions.content`` (``worker.content.republish`` underneath): applied under
a lock to the current file, checked like ``build.py --check``, written atomically, the
static site rebuilt; then the worker's catalog is reloaded (registration opens or closes
at once) and the change audited.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from catalog.dates import DateFormatError, parse_paris
from worker import clock
from worker.content import current_catalog as catalog
from worker.content import republish
from worker.forms.base import ConfirmForm
from worker.forms.periods import DATE_HINT, LEVELS, MESSAGE_FIELDS, HomeMessageForm, PeriodForm
from worker.office.actions.content import Change, Site, republish_change
from worker.office.actions.outcomes import Invalid
from worker.office.views.common import office_context
from worker.store import db
from worker.web import staff_auth as office_auth
from worker.web.pages import notice

blueprint = Blueprint("office_content", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


# -- the page --------------------------------------------------------------------------------


def _academy(code: str):
    """An académie of the member's scope, else 404."""
    academy = catalog().academies.get(code)
    if academy is None or code not in office_auth.scope():
        abort(404)
    return academy


def _read(reader):
    try:
        return reader(_content_dir()), None
    except republish.Refused as exc:
        return None, exc.messages


def _unreadable(problems: list[str]):
    """The file cannot be edited from here until it is fixed by hand: say so."""
    abort(
        make_response(
            notice(
                "Fichier à corriger",
                *problems,
                status=409,
                links=[(url_for(".content"), "Périodes et messages")],
            )
        )
    )


def _period_view(c, row: republish.PeriodRow, now) -> dict:
    v = row.values
    exam = c.exams.get(v["examen"])
    session = exam.session(v["session"]) if exam else None
    speciality = exam.speciality(v["specialite"]) if exam and v.get("specialite") else None
    try:
        opens = parse_paris(v["ouverture"])
        closes = parse_paris(v["fermeture"], default_time=(23, 59))
        state = "À venir" if now < opens else "Ouverte" if now < closes else "Fermée"
    except (DateFormatError, KeyError):
        state = "—"
    uploads = ""
    if v.get("depot_debut") and v.get("depot_fin"):
        start = republish.shown_date(v["depot_debut"])
        end = republish.shown_date(v["depot_fin"])
        uploads = f"du {start} au {end}"
    return {
        "id": row.id,
        "exam": exam.short_name if exam else v["examen"],
        "session": session.label if session else v["session"],
        "speciality": (speciality.name if speciality else v.get("specialite")) or "Toutes",
        "opens": republish.shown_date(v.get("ouverture", "")),
        "closes": republish.shown_date(v.get("fermeture", "")),
        "confirmation": republish.shown_date(v.get("retour_confirmation", ""), day_only=True),
        "uploads": uploads,
        "state": state,  # « À venir », « Ouverte » or « Fermée » (over)
    }


def _message_view(block: republish.MessageBlock, scope, now) -> dict:
    d = block.data
    try:
        shown = parse_paris(str(d["show_from"])) <= now < parse_paris(str(d["show_until"]))
    except (DateFormatError, KeyError):
        shown = False
    return {
        "id": block.id,
        "title": d.get("title", ""),
        "text": d.get("text", ""),
        "level": dict(LEVELS).get(d.get("level", "info"), d.get("level", "")),
        "show_from": republish.shown_date(str(d.get("show_from", ""))),
        "show_until": republish.shown_date(str(d.get("show_until", ""))),
        "academies": block.academies,
        "editable": block.editable_by(scope),
        "shown": shown,
    }


@blueprint.get("/periodes")
@office_auth.staff_required
def content():
    c = catalog()
    scope = office_auth.scope()
    now = clock.now()
    periods, period_problems = _read(republish.read_periods)
    messages, message_problems = _read(republish.read_messages)
    sections = []
    for academy in sorted(
        (c.academies[a] for a in scope if a in c.academies), key=lambda a: a.sort_key
    ):
        sections.append(
            {
                "academy": academy,
                "periods": [_period_view(c, r, now) for r in periods.periods_of(academy.code)]
                if periods
                else [],
                "messages": [_message_view(b, scope, now) for b in messages.of(academy.code)]
                if messages
                else [],
            }
        )
    return render_template(
        "office/content.html",
        title="Périodes et messages",
        sections=sections,
        national=[_message_view(b, scope, now) for b in messages.national()] if messages else [],
        file_problems=(period_problems or []) + (message_problems or []),
        periods_ok=periods is not None,
        messages_ok=messages is not None,
    )


def _save(name: str, edit, action: str, academy: str, done: str, failed):
    """Republish; on success, back to the académie's section with what happened."""
    change = Change(name, edit, action, academy, done)
    config = current_app.config
    site = Site(
        content_dir=_content_dir(),
        site_dir=Path(config["SITE_DIR"]),
        lock_path=republish.lock_file(config["FILES_DIR"]),
        base_url=config["BASE_URL"],
        lock_wait=config["REPUBLISH_WAIT_SECONDS"],
    )
    outcome = republish_change(
        db.get(),
        office_auth.current_staff(),
        site,
        change,
        current_app.extensions["catalog"].refresh,
    )
    if isinstance(outcome, Invalid):
        return failed(list(outcome.problems), outcome.status)
    flash(outcome.message, outcome.category)
    return redirect(url_for(".content") + f"#academie-{change.academy}", code=303)


def _form_page(template: str, form, title: str, problems=(), status=None, **context):
    """A form page with its error summary: the form's errors, then the check's problems."""
    errors = form.error_list()
    first = next((f.id for f in form if f.name not in ("csrf_token", "version")), "formulaire")
    errors += [(first, message) for message in problems]
    html = render_template(
        template,
        form=form,
        errors=errors,
        title=title,
        page_title=f"Erreur : {title}" if errors else title,
        **context,
    )
    return html, status or (400 if errors else 200)


# -- periods ---------------------------------------------------------------------------------


@blueprint.route("/periodes/<academy>/nouvelle", methods=["GET", "POST"])
@office_auth.staff_required
def period_new(academy: str):
    return _period_page(_academy(academy), None)


@blueprint.route("/periodes/<academy>/<row_id>/modifier", methods=["GET", "POST"])
@office_auth.staff_required
def period_edit(academy: str, row_id: str):
    return _period_page(_academy(academy), row_id)


def _period_row(code: str, row_id: str) -> republish.PeriodRow | None:
    """The académie's row, else 404; None when a posted form's row changed meanwhile (the
    save then says so)."""
    periods, problems = _read(republish.read_periods)
    if periods is None:
        _unreadable(problems)
    row = periods.find(code, row_id)
    if row is None and (request.method != "POST" or any(r.id == row_id for r in periods.rows)):
        abort(404)
    return row


def _period_page(academy, row_id: str | None):
    c = catalog()
    row = _period_row(academy.code, row_id) if row_id else None
    data = PeriodForm.data_of(row) if row else None
    form = PeriodForm.from_request(catalog=c, data=data)
    return _edit_page(
        form,
        "une période",
        academy,
        bool(row_id),
        "office/content_period.html",
        lambda page: _save(
            republish.PERIODS,
            republish.edit_period(academy.code, row_id, form.values()),
            "content.period.update" if row_id else "content.period.add",
            academy.code,
            "Période enregistrée et publiée.",
            page,
        ),
    )


def _edit_page(form, noun: str, academy, editing: bool, template: str, save, **context):
    """The page adding or editing a period or a home message: shown, or its form saved
    (``save(page)``, with ``page`` to show it again with the problems)."""
    title = f"{'Modifier' if editing else 'Ajouter'} {noun} – {academy.name}"

    def page(problems=(), status=None):
        return _form_page(
            template, form, title, problems, status, academy=academy, date_hint=DATE_HINT, **context
        )

    return save(page) if form.submitted() else page()


@blueprint.route("/periodes/<academy>/<row_id>/supprimer", methods=["GET", "POST"])
@office_auth.staff_required
def period_delete(academy: str, row_id: str):
    academy = _academy(academy)
    row = _period_row(academy.code, row_id)
    form = ConfirmForm.from_request()
    facts = []
    if row is not None:
        view = _period_view(catalog(), row, clock.now())
        facts = [
            ("Examen", view["exam"]),
            ("Session", view["session"]),
            ("Spécialité", view["speciality"]),
            ("Ouverture", view["opens"]),
            ("Fermeture", view["closes"]),
        ]

    def page(problems=(), status=None):
        return _form_page(
            "office/content_delete.html",
            form,
            f"Supprimer une période – {academy.name}",
            problems,
            status,
            academy=academy,
            facts=facts,
            what="cette période d'inscription",
            version="",
        )

    if not form.submitted():
        return page()
    return _save(
        republish.PERIODS,
        republish.edit_period(academy.code, row_id, None),
        "content.period.delete",
        academy.code,
        "Période supprimée.",
        page,
    )


# -- messages --------------------------------------------------------------------------------


def _message(academy: str, message_id: str) -> republish.MessageBlock | None:
    """The académie's message, if the member may change it (403 for a national one); None
    when a posted form's message went meanwhile (the save then says so)."""
    messages, problems = _read(republish.read_messages)
    if messages is None:
        _unreadable(problems)
    block = messages.find(message_id)
    if block is None:
        if request.method == "POST":
            return None
        abort(404)
    if not block.editable_by(office_auth.scope()):
        abort(403)
    if academy not in block.academies:
        abort(404)
    return block


@blueprint.route("/periodes/<academy>/messages/nouveau", methods=["GET", "POST"])
@office_auth.staff_required
def message_new(academy: str):
    return _message_page(_academy(academy), None)


@blueprint.route("/periodes/<academy>/messages/<message_id>/modifier", methods=["GET", "POST"])
@office_auth.staff_required
def message_edit(academy: str, message_id: str):
    return _message_page(_academy(academy), message_id)


def _message_page(academy, message_id: str | None):
    block = _message(academy.code, message_id) if message_id else None
    data = None
    if block:
        data = {k: str(block.data.get(k, "")) for k in MESSAGE_FIELDS}
        data["version"] = block.version
    form = HomeMessageForm.from_request(data=data)
    return _edit_page(
        form,
        "un message",
        academy,
        bool(message_id),
        "office/content_message.html",
        lambda page: _save(
            republish.MESSAGES,
            republish.edit_message(
                academy.code,
                office_auth.scope(),
                message_id,
                form.version.data if message_id else None,
                form.values(),
            ),
            "content.message.update" if message_id else "content.message.add",
            academy.code,
            "Message enregistré et publié.",
            page,
        ),
        shared=block.academies if block else (academy.code,),
    )


@blueprint.route("/periodes/<academy>/messages/<message_id>/supprimer", methods=["GET", "POST"])
@office_auth.staff_required
def message_delete(academy: str, message_id: str):
    academy = _academy(academy)
    block = _message(academy.code, message_id)
    form = ConfirmForm.from_request()
    facts = []
    if block is not None:
        view = _message_view(block, office_auth.scope(), clock.now())
        facts = [
            ("Titre", view["title"]),
            ("Texte", view["text"]),
            ("Affiché", f"du {view['show_from']} au {view['show_until']}"),
        ]

    def page(problems=(), status=None):
        return _form_page(
            "office/content_delete.html",
            form,
            f"Supprimer un message – {academy.name}",
            problems,
            status,
            academy=academy,
            facts=facts,
            what="ce message",
            version=request.form.get("version", block.version if block else ""),
        )

    if not form.submitted():
        return page()
    return _save(
        republish.MESSAGES,
        republish.edit_message(
            academy.code, office_auth.scope(), message_id, request.form.get("version", ""), None
        ),
        "content.message.delete",
        academy.code,
        "Message supprimé.",
        page,
    )
