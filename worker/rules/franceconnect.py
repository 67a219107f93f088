"""FranceConnect's identity pivot turned into the identity an account stores.

FranceConnect gives the identity held by the State (the « identité pivot »: first names,
birth name, birth date, sex, place and country of birth as INSEE codes) and an email.
An account created from it keeps exactly that, and those fields stay locked
(``LOCKED_FIELDS``): they are the State's record, not something the candidate types.
The nom d'usage is not part of what the portal asks FranceConnect for, so it stays the
candidate's to fill in.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from email_validator import EmailNotValidError, validate_email

from worker import refdata
from worker.refdata.insee_countries import FRANCE_INSEE, country_by_insee

SCOPES = (
    "openid",
    "given_name",
    "family_name",
    "birthdate",
    "gender",
    "birthplace",
    "birthcountry",
    "email",
)
ACR_LEVELS = ("eidas1", "eidas2", "eidas3")  # substantial and high include low
CIVILITY_OF_GENDER = {"female": "MME", "male": "M"}
LOCKED_FIELDS = (
    "civility",
    "last_name",
    "first_names",
    "birth_date",
    "birth_country",
    "birth_departement",
    "birth_commune",
    "birth_commune_name",
)
NAME_LIMITS = {"family_name": 80, "given_name": 120}


class PivotError(Exception):
    """The identity received cannot make an account; the message is French, for the page."""


@dataclass(frozen=True)
class Pivot:
    """What a FranceConnect sign-in gives the portal."""

    sub: str
    email: str
    identity: dict[str, str]


def acr_accepted(returned: object, required: str) -> bool:
    """The eIDAS level returned is a known one, at least the level the portal requires."""
    if required not in ACR_LEVELS:  # a level outside eIDAS: only that exact value
        return returned == required
    return returned in ACR_LEVELS and ACR_LEVELS.index(returned) >= ACR_LEVELS.index(required)


def pivot_of(claims: dict) -> Pivot:
    """The pivot identity of the claims (ID token and userinfo together); PivotError."""
    sub = _text(claims, "sub", 255)
    email = _email(_text(claims, "email", 254))
    identity = {
        "civility": _civility(claims.get("gender")),
        "last_name": _text(claims, "family_name", NAME_LIMITS["family_name"]),
        "usual_name": "",
        "first_names": _text(claims, "given_name", NAME_LIMITS["given_name"]),
        "birth_date": _birth_date(claims.get("birthdate")),
        **_birth_place(claims.get("birthcountry"), claims.get("birthplace")),
    }
    return Pivot(sub=sub, email=email, identity=identity)


def _text(claims: dict, name: str, limit: int) -> str:
    value = claims.get(name)
    text = unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else ""
    if not text or len(text) > limit or not text.isprintable():
        raise PivotError(f"FranceConnect n'a pas transmis d'information « {name} » utilisable.")
    return text


def _email(text: str) -> str:
    """Checked like the form's addresses (syntax only: the activation link proves it)."""
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise PivotError(
            "L'adresse électronique transmise par FranceConnect n'est pas valable."
        ) from None
    return text


def _civility(gender: object) -> str:
    if gender not in CIVILITY_OF_GENDER:
        raise PivotError("FranceConnect n'a pas transmis de sexe utilisable.")
    return CIVILITY_OF_GENDER[gender]


def _birth_date(value: object) -> str:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not date(1900, 1, 1) <= day <= date.today():
        raise PivotError("La date de naissance transmise par FranceConnect n'est pas utilisable.")
    return day.isoformat()


def _birth_place(country_insee: object, place_insee: object) -> dict[str, str]:
    """Country as its ISO code; for France, the commune and its département as well."""
    country = country_by_insee(country_insee) if isinstance(country_insee, str) else None
    if country is None:
        raise PivotError(
            f"Le pays de naissance transmis par FranceConnect (code INSEE {country_insee}) "
            "n'est pas encore connu du portail."
        )
    if country_insee != FRANCE_INSEE:
        return _place(country)
    commune = refdata.commune_by_insee(place_insee) if isinstance(place_insee, str) else None
    if commune is None:
        raise PivotError(
            f"La commune de naissance transmise par FranceConnect (code INSEE {place_insee}) "
            "n'est pas une commune actuelle connue du portail."
        )
    return _place(country, commune.departement, commune.insee, commune.name)


def _place(country: str, departement: str = "", insee: str = "", name: str = "") -> dict:
    return {
        "birth_country": country,
        "birth_departement": departement,
        "birth_commune": insee,
        "birth_commune_name": name,
    }
