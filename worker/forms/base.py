"""The candidate space's forms (WTForms), with French messages and CSRF on every one.

Every form binds only the fields it declares; nothing else of the request reaches the
data layer. Inputs are trimmed and Unicode-normalised (NFC) before validation.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app, request, session
from wtforms import Form, PasswordField, RadioField, SelectField, StringField, ValidationError
from wtforms.csrf.session import SessionCSRF
from wtforms.fields.choices import SelectChoice

from worker import refdata
from worker.rules import passwords
from worker.rules.dates import parse_birth_date

CIVILITIES = [("MME", "Madame"), ("M", "Monsieur")]
CSRF_EXPIRED = (
    "Le formulaire a expiré ou a été ouvert ailleurs : vérifiez vos saisies et renvoyez-le."
)


def clean(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.strip())
    return value


class PortailForm(Form):
    class Meta:
        csrf = True
        csrf_class = SessionCSRF
        csrf_time_limit = timedelta(hours=4)
        locales = ("fr_FR", "fr")

        def bind_field(self, form, unbound_field, options):
            filters = unbound_field.kwargs.get("filters", ())
            if unbound_field.field_class is not PasswordField:
                options["filters"] = (clean, *filters)
            return unbound_field.bind(form=form, **options)

    @classmethod
    def from_request(cls, **kwargs):
        """The form bound to this request's POST data (or empty on GET)."""
        formdata = request.form if request.method == "POST" else None
        meta = {"csrf_secret": current_app.config["SECRET_KEY"].encode(), "csrf_context": session}
        return cls(formdata=formdata, meta=meta, **kwargs)

    def submitted(self) -> bool:
        """Posted and valid: the view may act on it."""
        return request.method == "POST" and self.validate()

    @classmethod
    def blank(cls, data: dict | None = None):
        """An unbound form (e.g. the logout button on every page), maybe filled with data."""
        meta = {"csrf_secret": current_app.config["SECRET_KEY"].encode(), "csrf_context": session}
        return cls(formdata=None, meta=meta, data=data)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) of every error, in the order of the form, for the summary."""
        found = []
        for field in self:
            if field.errors:
                if field.name == "csrf_token":
                    found.append((self._first_field_id(), CSRF_EXPIRED))
                else:
                    # A fieldset cannot take focus: a radio group's link goes to its first radio.
                    target = f"{field.id}-0" if isinstance(field, RadioField) else field.id
                    found.append((target, field.errors[0]))
        return found

    def _first_field_id(self) -> str:
        return next((f.id for f in self if f.name != "csrf_token"), "contenu")


def required(message: str):
    def check(form, field):
        if not field.data or (isinstance(field.data, str) and not field.data.strip()):
            raise ValidationError(message)

    check.field_flags = {"required": True}
    return check


def same_as(other: str, message: str):
    def check(form, field):
        if field.data != form[other].data:
            raise ValidationError(message)

    return check


def one_of(choices: list[tuple[str, str]], message: str):
    allowed = {value for value, _label in choices}

    def check(form, field):
        if field.data not in allowed:
            raise ValidationError(message)

    return check


def max_length(size: int):
    def check(form, field):
        if field.data and len(field.data) > size:
            raise ValidationError(f"{size} caractères au maximum.")

    return check


def email_address(form, field):
    if not field.data:
        return
    try:
        validate_email(field.data, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(
            "Saisissez une adresse électronique valide, par exemple prenom.nom@domaine.fr."
        ) from None


def strong_password(form, field):
    lacking = passwords.problems(field.data or "")
    if lacking:
        raise ValidationError("Le mot de passe doit contenir " + ", ".join(lacking) + ".")


def birth_date(form, field):
    if not field.data:
        return
    parsed = parse_birth_date(field.data)
    if parsed is None:
        raise ValidationError(
            "Saisissez la date de naissance au format JJ/MM/AAAA, par exemple 30/05/1999."
        )
    today = date.today()
    if not date(1900, 1, 1) <= parsed <= today - timedelta(days=365 * 5):
        raise ValidationError("Vérifiez l'année de naissance : cette date n'est pas plausible.")


class IdentityForm(PortailForm):
    """The civil-status fields of the account (creation, and edition before any application)."""

    civility = RadioField(
        "Civilité",
        choices=[SelectChoice(value, label) for value, label in CIVILITIES],
        validate_choice=False,
        validators=[one_of(CIVILITIES, "Indiquez votre civilité.")],
    )
    last_name = StringField(
        "Nom de famille",
        validators=[required("Saisissez votre nom de famille (nom de naissance)."), max_length(80)],
    )
    last_name_confirm = StringField(
        "Confirmation du nom de famille",
        validators=[
            required("Saisissez à nouveau votre nom de famille."),
            same_as("last_name", "Les deux noms de famille saisis sont différents."),
        ],
    )
    usual_name = StringField("Nom d'usage", validators=[max_length(80)])
    first_names = StringField(
        "Prénoms", validators=[required("Saisissez vos prénoms."), max_length(120)]
    )
    birth_date = StringField(
        "Date de naissance", validators=[required("Saisissez votre date de naissance."), birth_date]
    )
    birth_date_confirm = StringField(
        "Confirmation de la date de naissance",
        validators=[
            required("Saisissez à nouveau votre date de naissance."),
            same_as("birth_date", "Les deux dates de naissance saisies sont différentes."),
        ],
    )
    birth_country = SelectField(
        "Pays de naissance",
        default="FR",
        validate_choice=False,
        validators=[required("Choisissez votre pays de naissance.")],
    )
    birth_departement = SelectField(
        "Département, DOM ou COM de naissance", default="", validate_choice=False
    )
    birth_commune = StringField("Commune de naissance", validators=[max_length(80)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_country.choices = [SelectChoice(c, name) for c, name in refdata.countries()]
        self.birth_departement.choices = [
            SelectChoice("", "Choisissez un département"),
            *(SelectChoice(code, label) for code, label in refdata.departements()),
        ]
        self.commune = None

    def validate_birth_country(self, field):
        if field.data not in dict(refdata.countries()):
            raise ValidationError("Choisissez un pays dans la liste.")

    def validate_birth_departement(self, field):
        if not refdata.is_france(self.birth_country.data):
            return
        if not field.data:
            raise ValidationError("Choisissez votre département de naissance.")
        if field.data not in dict(refdata.departements()):
            raise ValidationError("Choisissez un département dans la liste.")

    def validate_birth_commune(self, field):
        if not refdata.is_france(self.birth_country.data) or self.birth_departement.errors:
            return
        if not field.data:
            raise ValidationError("Saisissez votre commune de naissance.")
        self.commune = refdata.find_commune(self.birth_departement.data, field.data)
        if self.commune is None:
            close = refdata.suggest_communes(self.birth_departement.data, field.data)
            hint = f" Vouliez-vous dire : {', '.join(close)} ?" if close else ""
            raise ValidationError(f"Aucune commune « {field.data} » dans ce département.{hint}")

    def identity(self) -> dict[str, str]:
        """The validated values, as the accounts table stores them."""
        france = refdata.is_france(self.birth_country.data)
        commune = self.commune if france else None
        return {
            "civility": self.civility.data,
            "last_name": self.last_name.data,
            "usual_name": self.usual_name.data or "",
            "first_names": self.first_names.data,
            "birth_date": parse_birth_date(self.birth_date.data).isoformat(),
            "birth_country": self.birth_country.data,
            "birth_departement": self.birth_departement.data if france else "",
            "birth_commune": commune.insee if commune else "",
            "birth_commune_name": commune.name if commune else "",
        }


def email_fields(label: str, confirm_label: str, what: str) -> tuple[StringField, StringField]:
    """An address and its confirmation (compared case-insensitively by EmailConfirmed)."""
    address = StringField(
        label, validators=[required(f"Saisissez {what}."), max_length(254), email_address]
    )
    confirmation = StringField(confirm_label, validators=[required(f"Saisissez à nouveau {what}.")])
    return address, confirmation


def password_fields(
    label: str, confirm_label: str, noun: str
) -> tuple[PasswordField, PasswordField]:
    """A new password following the rule, and its confirmation; noun: "mot de passe",
    "nouveau mot de passe"."""
    password = PasswordField(
        label, validators=[required(f"Choisissez un {noun}."), strong_password]
    )
    confirmation = PasswordField(
        confirm_label,
        validators=[
            required(f"Saisissez à nouveau le {noun}."),
            same_as("password", "Les deux mots de passe saisis sont différents."),
        ],
    )
    return password, confirmation


class EmailConfirmed(PortailForm):
    def validate_email_confirm(self, field):
        """Compared case-insensitively, like the addresses themselves."""
        if field.data and field.data.casefold() != (self.email.data or "").casefold():
            raise ValidationError("Les deux adresses électroniques saisies sont différentes.")


class SignupForm(IdentityForm, EmailConfirmed):
    email, email_confirm = email_fields(
        "Adresse électronique",
        "Confirmation de l'adresse électronique",
        "votre adresse électronique",
    )
    password, password_confirm = password_fields(
        "Mot de passe", "Confirmation du mot de passe", "mot de passe"
    )


class ResetRequestForm(PortailForm):
    """« Mot de passe oublié »: the identifier only."""

    login = StringField(
        "Adresse électronique ou numéro de candidat",
        validators=[
            required("Saisissez votre adresse électronique ou votre numéro de candidat."),
            max_length(254),
        ],
    )


class LoginForm(ResetRequestForm):
    """The identifier, and the password."""

    password = PasswordField("Mot de passe", validators=[required("Saisissez votre mot de passe.")])


class NewPasswordForm(PortailForm):
    password, password_confirm = password_fields(
        "Nouveau mot de passe", "Confirmation du nouveau mot de passe", "nouveau mot de passe"
    )


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(
        "Mot de passe actuel", validators=[required("Saisissez votre mot de passe actuel.")]
    )


class ChangeEmailForm(EmailConfirmed):
    email, email_confirm = email_fields(
        "Nouvelle adresse électronique",
        "Confirmation de la nouvelle adresse",
        "la nouvelle adresse électronique",
    )
    current_password = PasswordField(
        "Mot de passe actuel", validators=[required("Saisissez votre mot de passe actuel.")]
    )


class FirstLoginForm(EmailConfirmed):
    """An enrolled pupil's first login: an address of their own, and the slip's password."""

    email, email_confirm = email_fields(
        "Adresse électronique",
        "Confirmation de l'adresse électronique",
        "votre adresse électronique",
    )
    current_password = PasswordField(
        "Mot de passe du papillon de connexion",
        validators=[required("Saisissez le mot de passe indiqué sur votre papillon de connexion.")],
    )


class ConfirmForm(PortailForm):
    """A button that changes state (activation, deletion): only the CSRF token."""
