"""Republishing: an académie edits its periods and home messages, checked then rebuilt.

/gestion/periodes lists, for each académie of the member's scope, its registration periods
and its own home messages, with forms to add, change and delete them. A save goes through
worker.republish: applied under a lock to the current file, checked like
``build.py --check``, written atomically, the static site rebuilt; then the worker's
catalog is reloaded (registration opens or closes at once) and the change audited.
"""

from __future__ import annotations

import re
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
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice

from catalog.dates import DateFormatError, parse_paris
from worker import clock
from worker.content import current_catalog as catalog
from worker.content import republish
from worker.forms.base import ConfirmForm, PortailForm, max_length, one_of, required
from worker.office.views.applications import office_context
from worker.store import db, staff
from worker.web import staff_auth as office_auth
from worker.web.pages import notice

blueprint = Blueprint("office_content", __name__, url_prefix="/gestion")
blueprint.context_processor(office_context)

DATETIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
DAY = re.compile(r"\d{2}/\d{2}/\d{4}")
EXAMPLE = "par exemple 12/10/2026 14:00"
DATE_HINT = f"JJ/MM/AAAA HH:MM, heure de Paris ({EXAMPLE})."
LEVELS = [("info", "Information"), ("warning", "Avertissement")]
MESSAGE_FIELDS = ("title", "text", "level", "show_from", "show_until")


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


# -- forms -----------------------------------------------------------------------------------


def paris_date(label: str, *, needed: bool = True, day: bool = False):
    """A date typed JJ/MM/AAAA HH:MM (Paris time); with day, JJ/MM/AAAA alone too."""
    expected = "JJ/MM/AAAA HH:MM ou JJ/MM/AAAA" if day else "JJ/MM/AAAA HH:MM"

    def check(form, field):
        field.data = " ".join((field.data or "").split())
        if not field.data:
            if needed:
                raise ValidationError(f"{label} : saisissez une date au format {expected}.")
            return
        if not (DATETIME.fullmatch(field.data) or (day and DAY.fullmatch(field.data))):
            raise ValidationError(
                f"{label} : « {field.data} » ne suit pas le format {expected} "
                f"(heure de Paris), {EXAMPLE}."
            )
        try:
            parse_paris(field.data)
        except DateFormatError:
            raise ValidationError(
                f"{label} : le {field.data} n'existe pas ; vérifiez le jour, le mois et l'heure."
            ) from None

    if needed:
        check.field_flags = {"required": True}
    return check


def moment(field, default_time=(0, 0)):
    """The field's date once valid (UTC), else None."""
    if field.errors or not field.data:
        return None
    return parse_paris(field.data, default_time=default_time)


class PeriodForm(PortailForm):
    exam_session = SelectField("Examen et session", validate_choice=False)
    specialite = SelectField("Spécialité", validate_choice=False, default="")
    ouverture = StringField(
        "Ouverture des inscriptions", validators=[paris_date("Ouverture des inscriptions")]
    )
    fermeture = StringField(
        "Fermeture des inscriptions", validators=[paris_date("Fermeture des inscriptions")]
    )
    retour_confirmation = StringField(
        "Retour de la confirmation signée, au plus tard le",
        validators=[paris_date("Retour de la confirmation", needed=False, day=True)],
    )
    depot_debut = StringField(
        "Début du dépôt des justificatifs",
        validators=[paris_date("Début du dépôt des justificatifs", needed=False)],
    )
    depot_fin = StringField(
        "Fin du dépôt des justificatifs",
        validators=[paris_date("Fin du dépôt des justificatifs", needed=False)],
    )

    def __init__(self, *args, catalog, **kwargs):
        super().__init__(*args, **kwargs)
        self.catalog = catalog
        exams = sorted(catalog.exams.values(), key=lambda e: e.short_name)
        self.exam_session.choices = [
            SelectChoice("", "Choisissez l'examen et la session"),
            *(
                SelectChoice(f"{e.code}/{s.code}", f"{e.short_name} – {s.label}")
                for e in exams
                for s in e.sessions
            ),
        ]
        groups = {None: [SelectChoice("", "Toutes les spécialités (une période commune)")]}
        for exam in exams:
            if exam.specialities:
                groups[f"{exam.short_name} – {exam.name}"] = [
                    SelectChoice(f"{exam.code}/{s.code}", s.name) for s in exam.specialities
                ]
        self.specialite.choices = groups

    def chosen(self) -> tuple[str, str]:
        exam, _, session = (self.exam_session.data or "").partition("/")
        return exam, session

    def validate_exam_session(self, field):
        exam, session = self.chosen()
        found = self.catalog.exams.get(exam)
        if found is None or found.session(session) is None:
            raise ValidationError("Choisissez l'examen et la session dans la liste.")

    def validate_specialite(self, field):
        if not field.data:
            return
        exam, _ = self.chosen()
        owner, _, code = field.data.partition("/")
        found = self.catalog.exams.get(exam)
        if found is None or owner != exam or found.speciality(code) is None:
            name = found.short_name if found else "choisi"
            raise ValidationError(
                f"Cette spécialité n'est pas une spécialité de l'examen {name} : choisissez-en "
                "une de cet examen, ou « Toutes les spécialités »."
            )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        opens, closes = moment(self.ouverture), moment(self.fermeture)
        if opens and closes and closes <= opens:
            self.fermeture.errors.append(
                "La fermeture des inscriptions doit être postérieure à leur ouverture."
            )
        start, end = moment(self.depot_debut), moment(self.depot_fin)
        if bool(self.depot_debut.data) != bool(self.depot_fin.data):
            empty = self.depot_fin if self.depot_debut.data else self.depot_debut
            if not empty.errors:
                empty.errors.append(
                    "Le dépôt des justificatifs a un début et une fin : saisissez les deux "
                    "dates, ou aucune."
                )
        elif start and end and end <= start:
            self.depot_fin.errors.append(
                "La fin du dépôt des justificatifs doit être postérieure à son début."
            )
        return valid and not any(f.errors for f in self)

    def values(self) -> dict[str, str]:
        exam, session = self.chosen()
        return {
            "examen": exam,
            "session": session,
            "specialite": self.specialite.data.partition("/")[2] if self.specialite.data else "",
            **{
                name: self[name].data or ""
                for name in (
                    "ouverture",
                    "fermeture",
                    "retour_confirmation",
                    "depot_debut",
                    "depot_fin",
                )
            },
        }

    @staticmethod
    def data_of(row: republish.PeriodRow) -> dict[str, str]:
        """A row as the form shows it: dates in JJ/MM/AAAA HH:MM, whatever the file has."""
        v = row.values

        def shown(name: str, day: bool = False) -> str:
            value = " ".join(v.get(name, "").split())
            if DATETIME.fullmatch(value) or (day and DAY.fullmatch(value)) or not value:
                return value
            return republish.shown_date(value, day_only=day)

        return {
            "exam_session": f"{v['examen']}/{v['session']}",
            "specialite": f"{v['examen']}/{v['specialite']}" if v.get("specialite") else "",
            "ouverture": shown("ouverture"),
            "fermeture": shown("fermeture"),
            "retour_confirmation": shown("retour_confirmation", day=True),
            "depot_debut": shown("depot_debut"),
            "depot_fin": shown("depot_fin"),
        }


class MessageForm(PortailForm):
    title = StringField(
        "Titre", validators=[required("Saisissez le titre du message."), max_length(120)]
    )
    text = TextAreaField(
        "Texte", validators=[required("Saisissez le texte du message."), max_length(1000)]
    )
    level = RadioField(
        "Importance",
        choices=[SelectChoice(value, label) for value, label in LEVELS],
        default="info",
        validate_choice=False,
        validators=[one_of(LEVELS, "Choisissez l'importance du message.")],
    )
    show_from = StringField("Affiché à partir du", validators=[paris_date("Début de l'affichage")])
    show_until = StringField("Affiché jusqu'au", validators=[paris_date("Fin de l'affichage")])
    version = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        start, end = moment(self.show_from), moment(self.show_until)
        if start and end and end <= start:
            self.show_until.errors.append("La fin de l'affichage doit suivre son début.")
        return valid and not any(f.errors for f in self)

    def values(self) -> dict[str, str]:
        return {k: self[k].data or "" for k in MESSAGE_FIELDS}


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
        is_open = (
            parse_paris(v["ouverture"]) <= now < parse_paris(v["fermeture"], default_time=(23, 59))
        )
    except (DateFormatError, KeyError):
        is_open = False
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
        "open": is_open,
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
        (c.academies[a] for a in scope if a in c.academies), key=lambda a: a.name
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
    """Republish; on success: reload the catalog, audit, flash the build summary."""
    config = current_app.config
    try:
        saved = republish.save(
            _content_dir(),
            Path(config["SITE_DIR"]),
            name,
            edit,
            lock_path=Path(config["DATA_DIR"]) / republish.LOCK,
            now=clock.now(),
            base_url=config["BASE_URL"],
        )
    except republish.Conflict as exc:
        return failed(exc.messages, 409)
    except republish.Refused as exc:
        return failed(exc.messages, 400)
    target = redirect(url_for(".content") + f"#academie-{academy}", code=303)
    if saved.unchanged:
        flash("Aucune modification : rien n'a été republié.")
        return target
    current_app.extensions["catalog"].refresh()
    database = db.get()
    with db.transaction(database):
        staff.audit(
            database,
            office_auth.current_staff(),
            action,
            academy=academy,
            before={"file": name, **saved.before} if saved.before else {},
            after={"file": name, **saved.after} if saved.after else {},
        )
    if saved.build_problems:
        flash(
            f"{done} Le fichier est enregistré, mais le site public n'a pas pu être "
            "reconstruit : " + " ; ".join(saved.build_problems),
            "error",
        )
    else:
        flash(f"{done} Site public reconstruit : {saved.report.summary()}")
    return target


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
    title = (
        f"Modifier une période – {academy.name}"
        if row_id
        else f"Ajouter une période – {academy.name}"
    )

    def page(problems=(), status=None):
        return _form_page(
            "office/content_period.html",
            form,
            title,
            problems,
            status,
            academy=academy,
            date_hint=DATE_HINT,
        )

    if not form.submitted():
        return page()
    return _save(
        republish.PERIODS,
        republish.edit_period(academy.code, row_id, form.values()),
        "content.period.update" if row_id else "content.period.add",
        academy.code,
        "Période enregistrée et publiée.",
        page,
    )


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
    form = MessageForm.from_request(data=data)
    title = (
        f"Modifier un message – {academy.name}"
        if message_id
        else f"Ajouter un message – {academy.name}"
    )

    def page(problems=(), status=None):
        return _form_page(
            "office/content_message.html",
            form,
            title,
            problems,
            status,
            academy=academy,
            date_hint=DATE_HINT,
            shared=block.academies if block else (academy.code,),
        )

    if not form.submitted():
        return page()
    return _save(
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
