"""The relance de pièces justificatives (BTS guide §4.3): the pieces still missing or not
conforming of one application, each with the exam office's comment, and the new
deadline. The record, how it is built from the pieces' states, and its layout; the fixed
texts are in ``templates/documents/relance.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from catalog import Catalog
from worker.documents import records
from worker.documents.formatting import format_deadline, one_line
from worker.documents.layout import compile_pdf, heading_data, paragraph
from worker.documents.records import Office
from worker.documents.texts import text, text_list
from worker.rules import pieces as supporting
from worker.store.accounts import Account
from worker.store.applications import Application

TITLE = "RELANCE DE PIÈCES JUSTIFICATIVES"


@dataclass(frozen=True)
class MissingPiece:
    """A piece the candidate still has to provide, and why."""

    label: str
    mode: str  # as the candidate reads it: « À déposer en ligne »…
    status: str  # « Non conforme », « En attente d'une nouvelle PJ », or « Manquante »
    comment: str = ""


@dataclass(frozen=True)
class Relance:
    exam_name: str
    session_label: str
    candidate_number: str
    application_number: str
    civility: str
    last_name: str
    first_names: str
    pieces: tuple[MissingPiece, ...]
    deadline: datetime
    office: Office
    edited_at: datetime


def build(
    catalog: Catalog,
    account: Account,
    application: Application,
    states: Sequence[supporting.PieceState],
    deadline: datetime,
    now: datetime,
) -> Relance:
    """The relance of these pieces (those still missing or not conforming)."""
    return Relance(
        **records.heading_fields(catalog, account, application),
        last_name=account.last_name.upper(),
        pieces=tuple(
            MissingPiece(
                label=s.piece.label,
                mode=supporting.MODES[s.piece.mode],
                status=s.status_label if s.status in supporting.REOPENING else "Manquante",
                comment=s.comment if s.status in supporting.REOPENING else "",
            )
            for s in states
        ),
        deadline=deadline,
        office=records.office(catalog, application.academy),
        edited_at=now,
    )


def _text(name: str) -> str:
    return text("relance", name)


def render(doc: Relance, verify: Mapping[str, str] | None = None) -> bytes:
    """The relance as PDF bytes; ``verify``: the verification code block, if any."""
    data = heading_data(doc, title=TITLE, subtitle=[doc.exam_name])
    number = one_line(doc.candidate_number)
    data.update(
        introduction=_text("introduction"),
        deadline_heading=_text("deadline_heading"),
        deadline=_text("deadline").format(deadline=format_deadline(doc.deadline)),
        pieces_heading=_text("pieces_heading"),
        pieces=[
            {
                "label": one_line(p.label),
                "detail": one_line(f"{p.mode} – {p.status}"),
                "comment": paragraph(p.comment.strip()),
            }
            for p in doc.pieces
        ],
        advice=[line.format(candidate_number=number) for line in text_list("relance", "advice")],
        verify=verify,
    )
    return compile_pdf("relance", data, edited_at=doc.edited_at)
