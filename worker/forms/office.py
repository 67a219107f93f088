"""The back office's forms: sign-in, messages, publications, closing, pupil imports, staff accounts.

Choices that depend on the member's scope are filled by the views.
"""

from __future__ import annotations

from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice

from worker.content import current_catalog as catalog
from worker.forms.account import STAFF, IdentityForm
from worker.forms.base import (
    PortailForm,
    email_address,
    max_length,
    one_of,
    printable,
    required,
)
from worker.rules import passwords
from worker.rules.office_documents import BULK_KINDS

SUBJECT_MAX, TEXT_MAX = 150, 5000


class StaffLoginForm(PortailForm):
    """The back office's sign-in: a professional address (staff have no candidate number)."""

    login = StringField(
        "Adresse électronique professionnelle",
        validators=[
            required("Saisissez votre adresse électronique professionnelle."),
            max_length(254),
        ],
    )
    password = PasswordField("Mot de passe", validators=[required("Saisissez votre mot de passe.")])


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
        choices=[SelectChoice(k, label) for k, label in BULK_KINDS.items()],
        validate_choice=False,
        validators=[one_of(list(BULK_KINDS.items()), "Choisissez le type de document.")],
    )
    title = StringField(
        "Titre du document",
        validators=[required("Saisissez le titre du document."), max_length(120), printable],
    )
    body = TextAreaField(
        "Texte du document",
        validators=[required("Saisissez le texte du document."), max_length(TEXT_MAX), printable],
    )


class StaffIdentityForm(IdentityForm):
    """The same identity form, for a staff member correcting a candidate's civil status:
    its messages and hints speak of the candidate, not to them (``IDENTITY_WORDS``)."""

    voice = STAFF


class CloseForm(PortailForm):
    reason = TextAreaField("Motif communiqué au candidat", validators=[max_length(1000)])


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


ROLE_CHOICES = [
    ("staff", "Gestionnaire : candidatures, pièces et élèves de ses académies"),
    ("admin", "Administrateur : peut aussi créer des comptes gestionnaires"),
]


STAFF_NAME_MAX = 120  # « Nom affiché », also checked by `flask --app worker staff create`


class StaffForm(PortailForm):
    email = StringField(
        "Adresse électronique professionnelle",
        validators=[
            required("Saisissez l'adresse électronique professionnelle."),
            max_length(254),
            email_address,
        ],
    )
    name = StringField(
        "Nom affiché",
        validators=[
            required("Saisissez le nom affiché du gestionnaire."),
            max_length(STAFF_NAME_MAX),
        ],
    )
    academies = SelectMultipleField("Académies", validate_choice=False)
    role = RadioField(
        "Rôle",
        choices=[SelectChoice(value, label) for value, label in ROLE_CHOICES],
        default="staff",
        validate_choice=False,
        validators=[one_of(ROLE_CHOICES, "Choisissez le rôle.")],
    )
    generate = BooleanField("Générer un mot de passe (il sera affiché une seule fois)")
    password = PasswordField("Mot de passe")
    password_confirm = PasswordField("Confirmation du mot de passe")

    def validate_academies(self, field):
        known = catalog().academies
        if not field.data:
            raise ValidationError("Choisissez au moins une académie.")
        if any(code not in known for code in field.data):
            raise ValidationError("Choisissez les académies dans la liste.")

    def validate_password(self, field):
        if self.generate.data:
            if field.data:
                raise ValidationError(
                    "Laissez le mot de passe vide quand il est généré, ou décochez « Générer »."
                )
            return
        if not field.data:
            raise ValidationError(
                "Saisissez un mot de passe, ou cochez « Générer un mot de passe »."
            )
        lacking = passwords.staff_problems(field.data)
        if lacking:
            raise ValidationError("Le mot de passe doit contenir " + ", ".join(lacking) + ".")

    def validate_password_confirm(self, field):
        if not self.generate.data and self.password.data and field.data != self.password.data:
            raise ValidationError("Les deux mots de passe saisis sont différents.")
