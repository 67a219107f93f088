"""The back office's forms for content/: registration periods and home messages.

Dates are typed JJ/MM/AAAA HH:MM, Paris time, as the files of content/ keep them.
"""

from __future__ import annotations

import re

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
from worker.content import republish
from worker.forms.base import PortailForm, max_length, one_of, required

DATETIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
DAY = re.compile(r"\d{2}/\d{2}/\d{4}")
EXAMPLE = "par exemple 12/10/2026 14:00"
DATE_HINT = f"JJ/MM/AAAA HH:MM, heure de Paris ({EXAMPLE})."
LEVELS = [("info", "Information"), ("warning", "Avertissement")]
MESSAGE_FIELDS = ("title", "text", "level", "show_from", "show_until")


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


class HomeMessageForm(PortailForm):
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
