"""The account forms: identity, sign-up, login, password and address changes.

Built on ``forms.base``; the office reuses IdentityForm to correct a civil status.
"""

from __future__ import annotations

from typing import NamedTuple

from wtforms import PasswordField, RadioField, SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice

from worker import refdata
from worker.forms.base import (
    CIVILITIES,
    PortailForm,
    birth_date,
    email_address,
    max_length,
    one_of,
    parse_birth_date,
    person_name,
    required,
    same_as,
    strong_password,
)
from worker.store.accounts import Account


def identity_values(account: Account) -> dict[str, str]:
    """The identity form filled with what the account holds (confirmations included)."""
    day = account.birth_day.strftime("%d/%m/%Y")
    return {
        "civility": account.civility,
        "last_name": account.last_name,
        "last_name_confirm": account.last_name,
        "usual_name": account.usual_name,
        "first_names": account.first_names,
        "birth_date": day,
        "birth_date_confirm": day,
        "birth_country": account.birth_country,
        "birth_departement": account.birth_departement,
        "birth_commune": account.birth_commune_name,
    }


CANDIDATE, STAFF = "candidate", "staff"  # who types a civil status: its owner, or a staff member


class Words(NamedTuple):
    """One thing the identity form says, to the candidate and to a staff member."""

    candidate: str
    staff: str


# What the identity form says that depends on who fills it: candidates are told about
# their own civil status (« votre »), staff members who correct a candidate's are not.
IDENTITY_WORDS = {
    "civility": Words("Indiquez votre civilité.", "Indiquez la civilité."),
    "last_name": Words(
        "Saisissez votre nom de famille (nom de naissance).",
        "Saisissez le nom de famille (nom de naissance).",
    ),
    "last_name_confirm": Words(
        "Saisissez à nouveau votre nom de famille.", "Saisissez à nouveau le nom de famille."
    ),
    "first_names": Words("Saisissez vos prénoms.", "Saisissez les prénoms."),
    "birth_date": Words("Saisissez votre date de naissance.", "Saisissez la date de naissance."),
    "birth_date_confirm": Words(
        "Saisissez à nouveau votre date de naissance.",
        "Saisissez à nouveau la date de naissance.",
    ),
    "birth_country": Words(
        "Choisissez votre pays de naissance.", "Choisissez le pays de naissance."
    ),
    "birth_departement": Words(
        "Choisissez votre département de naissance.", "Choisissez le département de naissance."
    ),
    "birth_commune": Words(
        "Saisissez votre commune de naissance.", "Saisissez la commune de naissance."
    ),
    "birth_departement_hint": Words(
        "Obligatoire si vous êtes né(e) en France, y compris outre-mer ; à laisser vide si"
        " vous êtes né(e) à l'étranger.",
        "Obligatoire pour une naissance en France, y compris outre-mer ; à laisser vide pour"
        " une naissance à l'étranger.",
    ),
    "birth_commune_hint": Words(
        "En France : la commune, dans le département choisi. À l'étranger : la ville, telle"
        " qu'elle figure sur votre pièce d'identité.",
        "En France : la commune, dans le département choisi. À l'étranger : la ville, telle"
        " qu'elle figure sur la pièce d'identité du candidat ou de la candidate.",
    ),
}


def voiced(key: str):
    """The message ``key`` as the form being validated says it (a validator's message)."""
    return lambda form: form.words(key)


class IdentityForm(PortailForm):
    """The civil-status fields of the account (creation, and edition before any
    application), in the candidate's voice; ``StaffIdentityForm`` says the same to staff."""

    voice = CANDIDATE

    civility = RadioField(
        "Civilité",
        choices=[SelectChoice(value, label) for value, label in CIVILITIES],
        validate_choice=False,
        validators=[one_of(CIVILITIES, voiced("civility"))],
    )
    last_name = StringField(
        "Nom de famille",
        validators=[required(voiced("last_name")), max_length(80), person_name],
    )
    last_name_confirm = StringField(
        "Confirmation du nom de famille",
        validators=[
            required(voiced("last_name_confirm")),
            same_as("last_name", "Les deux noms de famille saisis sont différents."),
        ],
    )
    usual_name = StringField("Nom d'usage", validators=[max_length(80), person_name])
    first_names = StringField(
        "Prénoms", validators=[required(voiced("first_names")), max_length(120), person_name]
    )
    birth_date = StringField(
        "Date de naissance", validators=[required(voiced("birth_date")), birth_date]
    )
    birth_date_confirm = StringField(
        "Confirmation de la date de naissance",
        validators=[
            required(voiced("birth_date_confirm")),
            same_as("birth_date", "Les deux dates de naissance saisies sont différentes."),
        ],
    )
    birth_country = SelectField(
        "Pays de naissance",
        default="FR",
        validate_choice=False,
        validators=[required(voiced("birth_country"))],
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

    def words(self, key: str) -> str:
        """What this form says (``IDENTITY_WORDS``), in its voice."""
        return getattr(IDENTITY_WORDS[key], self.voice)

    def validate_birth_country(self, field):
        if field.data not in dict(refdata.countries()):
            raise ValidationError("Choisissez un pays dans la liste.")

    def validate_birth_departement(self, field):
        if not refdata.is_france(self.birth_country.data):
            return
        if not field.data:
            raise ValidationError(self.words("birth_departement"))
        if field.data not in dict(refdata.departements()):
            raise ValidationError("Choisissez un département dans la liste.")

    def validate_birth_commune(self, field):
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError(self.words("birth_commune"))
        if not refdata.is_france(self.birth_country.data) or self.birth_departement.errors:
            return
        self.commune = refdata.find_commune(self.birth_departement.data, field.data)
        if self.commune is None:
            close = refdata.suggest_communes(self.birth_departement.data, field.data)
            hint = f" Vouliez-vous dire : {', '.join(close)} ?" if close else ""
            raise ValidationError(f"Aucune commune « {field.data} » dans ce département.{hint}")

    def identity(self) -> dict[str, str]:
        """The validated values, as the accounts table stores them."""
        france = refdata.is_france(self.birth_country.data)
        commune = self.commune if france else None
        # Abroad, the town is kept as typed: there is no official list to match it to.
        town = commune.name if commune else (self.birth_commune.data or "")
        return {
            "civility": self.civility.data,
            "last_name": self.last_name.data,
            "usual_name": self.usual_name.data or "",
            "first_names": self.first_names.data,
            "birth_date": parse_birth_date(self.birth_date.data).isoformat(),
            "birth_country": self.birth_country.data,
            "birth_departement": self.birth_departement.data if france else "",
            "birth_commune": commune.insee if commune else "",
            "birth_commune_name": town,
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
