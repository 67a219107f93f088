"""The convocations and notifications an exam office publishes for the registered
applications of a session, from its own title and text: the record, how it is built from
an application, and its layout (that of the registration documents). The fixed texts are
in ``templates/documents/notice.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from catalog import Catalog
from worker.documents import records
from worker.documents.formatting import one_line
from worker.documents.layout import compile_pdf, heading_data, pairs, paragraph
from worker.documents.records import Office
from worker.documents.texts import text
from worker.store.accounts import Account
from worker.store.applications import Application


@dataclass(frozen=True)
class Notice:
    """A convocation or notification for one application, from the office's title and text."""

    title: str
    body: str
    exam_name: str
    speciality: str
    speciality_label: str  # « Spécialité », « Secteur disciplinaire »…
    session_label: str
    academy_name: str
    candidate_number: str
    application_number: str
    civility: str
    last_name: str
    first_names: str
    usual_name: str
    birth_date: date
    birth_place: str
    address: tuple[str, ...]
    convocation: bool
    office: Office
    edited_at: datetime


def build(
    catalog: Catalog,
    account: Account,
    application: Application,
    kind: str,
    title: str,
    body: str,
    now: datetime,
) -> Notice:
    """The ``kind`` of document (``convocation`` or ``notification``) for the application."""
    exam = catalog.exams[application.exam]
    speciality = exam.speciality(application.speciality)
    return Notice(
        **records.heading_fields(catalog, account, application),
        title=title,
        body=body,
        speciality=speciality.name if speciality else "",
        speciality_label=exam.speciality_label,
        academy_name=catalog.academies[application.academy].name,
        last_name=account.last_name,
        usual_name=account.usual_name,
        birth_date=date.fromisoformat(account.birth_date),
        birth_place=records.birth_place(account),
        address=records.postal_address(application.answers),
        convocation=kind == "convocation",
        office=records.office(catalog, application.academy),
        edited_at=now,
    )


def render(doc: Notice, verify: Mapping[str, str] | None = None) -> bytes:
    """The document as PDF bytes; the office's title and text are printed as data.
    ``verify``: the verification code block, if any."""
    title = one_line(doc.title).upper()
    data = heading_data(doc, title=title, subtitle=[doc.exam_name], address=doc.address)
    data.update(
        candidate=pairs(
            [
                ("Nom", doc.last_name.upper()),
                ("Prénom(s)", doc.first_names),
                ("Nom d'usage", doc.usual_name.upper()),
                ("N° candidat", doc.candidate_number),
                ("Né(e) le", doc.birth_date.strftime("%d/%m/%Y")),
                ("À", doc.birth_place),
            ]
        ),
        exam=pairs(
            [
                ("Examen", doc.exam_name),
                (doc.speciality_label, doc.speciality),
                ("Session", doc.session_label),
                ("Académie", doc.academy_name),
                ("Inscription n°", doc.application_number),
            ]
        ),
        body=paragraph(doc.body),
        present_yourself=text("notice", "present_yourself") if doc.convocation else "",
        contact=text("notice", "contact"),
        verify=verify,
    )
    return compile_pdf("notice", data, edited_at=doc.edited_at)
