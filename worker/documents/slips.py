"""The login slips (papillons de connexion) of enrolled pupils, as one PDF.

Three slips per A4 page, separated by cutting lines; each gives the académie, the
establishment, the pupil, their candidate and application numbers, the portal's address,
the login and the one-time password, with the advice of the guides. A pure function over
plain dataclasses, on the shared page of ``layout`` (fonts, metadata: every text is data,
no page-number alias); the fixed texts are in ``templates/documents/slips.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from worker.documents.formatting import format_stamp, one_line
from worker.documents.layout import compile_pdf
from worker.documents.texts import text
from worker.rules import passwords

PER_PAGE = 3  # as laid out by typ/slips.typ


@dataclass(frozen=True)
class Slip:
    academy_name: str  # "ACADÉMIE DE RENNES"
    establishment: str  # "LYCEE EMILE ZOLA"
    establishment_town: str
    uai: str
    last_name: str
    first_names: str
    birth_date: date
    candidate_number: str
    application_number: str
    exam: str  # "BTS SERVICES INFORMATIQUES AUX ORGANISATIONS - session BTS 2027"
    portal: str  # BASE_URL + "/espace-candidat/connexion"
    login: str
    password: str


def _text(name: str, **values: object) -> str:
    return text("slips", name).format(**values)


def slips_pdf(slips: Sequence[Slip], edited_at: datetime) -> bytes:
    """All the slips, three per page, as PDF bytes."""
    data = {
        "pdf_title": "Papillons de connexion",
        "author": one_line(slips[0].academy_name) if slips else "portail-candidat",
        "slips": [_slip(slip) for slip in slips],
        "edited": f"Édité le {format_stamp(edited_at)}",
        "none": "Aucun élève.",
        **{
            name: _text(name) for name in ("service", "sign_in", "advice", "keep_them", "keep_slip")
        },
        "note": _text("note", rule=passwords.RULE),
    }
    return compile_pdf("slips", data, edited_at=edited_at)


def _slip(slip: Slip) -> dict[str, str]:
    """What one slip prints: who it is for, then the account."""
    name = f"{one_line(slip.last_name).upper()} {one_line(slip.first_names)}"
    numbers = (
        f"N° candidat : {one_line(slip.candidate_number)} - "
        f"Inscription n° : {one_line(slip.application_number)}"
    )
    return {
        "academy": one_line(slip.academy_name).upper(),
        "establishment": one_line(slip.establishment),
        "town": one_line(slip.establishment_town),
        "uai": f"UAI {one_line(slip.uai)}",
        "pupil": f"Élève : {name}",
        "born": f"Né(e) le {slip.birth_date.strftime('%d/%m/%Y')}",
        "numbers": numbers,
        "exam": one_line(slip.exam),
        "portal": one_line(slip.portal),
        "login": _text("login", login=one_line(slip.login)),
        "password": _text("password", password=one_line(slip.password)),
    }
