"""What every document of an application prints of the same sources: the exam office
(header and return address) and the candidate's identity and postal address."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from catalog import Catalog
from worker import refdata
from worker.rules import birthplace
from worker.store.accounts import Account
from worker.store.applications import Application


@dataclass(frozen=True)
class Office:
    """The académie's exam office: the header of every document, and the return address."""

    academy_name: str  # "ACADÉMIE DE RENNES"
    region: str  # "Bretagne" → printed "RÉGION ACADÉMIQUE BRETAGNE"
    name: str  # "Division des examens et concours (DEC)"
    address: tuple[str, ...]
    phone: str
    email: str
    ministry: tuple[str, ...] = ("MINISTÈRE DE L'ÉDUCATION NATIONALE",)


def office(catalog: Catalog, code: str) -> Office:
    """The exam office of the académie ``code``."""
    academy = catalog.academies[code]
    exam_office = academy.exam_office
    return Office(
        academy_name=academy.name,
        region=academy.region,
        name=exam_office.name,
        address=exam_office.address,
        phone=exam_office.phone,
        email=exam_office.email,
    )


def heading_fields(catalog: Catalog, account: Account, application: Application) -> dict[str, str]:
    """The fields of a document's heading that every record takes alike from the
    application (exam, session, numbers, civility, first names), by their record names."""
    exam = catalog.exams[application.exam]
    session = exam.session(application.session)
    return {
        "exam_name": exam.name,
        "session_label": session.label if session else application.session,
        "candidate_number": account.candidate_number or "",
        "application_number": application.number,
        "civility": "MADAME" if account.civility == "MME" else "MONSIEUR",
        "first_names": account.first_names,
    }


def birth_place(account: Account) -> str:
    """« RENNES - 035 » for a commune in France; abroad the town typed and the country's
    name, « CASABLANCA (MAROC) » (the country alone when no town was recorded)."""
    if not birthplace.born_abroad(account):
        if account.birth_commune_name:
            return f"{account.birth_commune_name.upper()} - {account.birth_departement.zfill(3)}"
        return birthplace.country_name("FR")
    return birthplace.birth_place(account).upper()


ADDRESS_FIELDS = (
    "adresse_pays",
    "adresse_ligne1",
    "adresse_ligne2",
    "adresse_ligne3",
    "adresse_ligne4",
    "adresse_code_postal",
    "adresse_localite",
)


def postal_address(answers: Mapping[str, object]) -> tuple[str, ...]:
    """The address lines of the application, the postcode and town, then the country
    when it is not France (as a letter sent abroad is addressed)."""
    lines = tuple(
        str(answers[key])
        for key in ("adresse_ligne1", "adresse_ligne2", "adresse_ligne3", "adresse_ligne4")
        if answers.get(key)
    )
    town = f"{answers.get('adresse_code_postal', '')} {answers.get('adresse_localite', '')}".strip()
    country = str(answers.get("adresse_pays") or "")
    abroad = () if not country or refdata.is_france(country) else (_country_name(country),)
    return (*lines, town, *abroad) if town else (*lines, *abroad)


def _country_name(code: str) -> str:
    return dict(refdata.countries()).get(code, code).upper()
