"""The demande de pièces justificatives: the supporting documents asked of the candidate,
grouped by how and by when to provide them. The record, how it is built from an
application, and its layout; the fixed texts are in ``templates/documents/pieces_request.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from catalog import Catalog
from worker.documents import records
from worker.documents.formatting import format_deadline, one_line, paris
from worker.documents.layout import compile_pdf, heading_data, paragraph
from worker.documents.records import Office
from worker.documents.texts import text, text_list
from worker.rules import pieces as supporting
from worker.store.accounts import Account
from worker.store.applications import Application

TITLE = "DEMANDE DE PIÈCES JUSTIFICATIVES"

# Modes of the requested pieces, in the order their groups are printed.
ONLINE = "Dépôt en ligne"
POSTAL = "Envoi par voie postale"
OTHER = "Autre modalité"
_MODE_ORDER = {ONLINE: 0, POSTAL: 1, OTHER: 2}
_MODE_VERB = {
    ONLINE: "À déposer en ligne",
    POSTAL: "À envoyer par voie postale",
    OTHER: "À fournir selon une autre modalité",
}
# The advice printed after the last group of each mode (names in the texts).
_MODE_ADVICE = {ONLINE: "online", POSTAL: "postal", OTHER: "other"}
# Other wordings of the same modes that callers may hand in (content codes, headings).
_MODE_ALIASES = {
    alias.casefold(): mode
    for mode, aliases in {
        ONLINE: ("en_ligne", "en ligne", "À déposer en ligne", "Dépôt dématérialisé"),
        POSTAL: ("voie_postale", "courrier", "voie postale", "À envoyer par voie postale"),
        OTHER: ("autre", "Autres modalités", "Autre", "À fournir selon une autre modalité"),
    }.items()
    for alias in (mode, *aliases)
}


@dataclass(frozen=True)
class RequestedPiece:
    """One supporting document asked of the candidate."""

    label: str
    mode: str  # "Dépôt en ligne" | "Envoi par voie postale" | "Autre modalité"
    deadline: datetime | None
    hint: str = ""


@dataclass(frozen=True)
class PiecesRequest:
    """The « Demande de pièces justificatives » of one registration."""

    exam_name: str
    session_label: str
    candidate_number: str
    application_number: str
    civility: str
    last_name: str
    first_names: str
    pieces: tuple[RequestedPiece, ...]
    office: Office
    edited_at: datetime


Group = tuple[str, datetime | None, list[RequestedPiece]]


def build(
    catalog: Catalog, account: Account, application: Application, now: datetime
) -> PiecesRequest:
    """The pieces the application's exam asks of it, with their deadlines."""
    exam = catalog.exams[application.exam]
    period = supporting.period_of(catalog, application)
    return PiecesRequest(
        **records.heading_fields(catalog, account, application),
        last_name=account.last_name.upper(),
        pieces=tuple(
            RequestedPiece(
                label=p.label,
                mode=supporting.MODES[p.mode],
                deadline=supporting.deadline_of(p, period),
                hint=p.hint,
            )
            for p in supporting.requested(exam, application)
        ),
        office=records.office(catalog, application.academy),
        edited_at=now,
    )


def piece_mode(mode: str) -> str:
    """The canonical mode (ONLINE, POSTAL, OTHER) of a piece, whatever its wording; any
    unknown wording is kept as it is."""
    mode = one_line(mode)
    return _MODE_ALIASES.get(mode.casefold(), mode)


def _piece_groups(pieces: Sequence[RequestedPiece]) -> list[Group]:
    """Pieces grouped by mode (online, postal, other, then any other wording) and deadline
    (earliest first, none last), keeping the given order within a group."""
    groups: dict[tuple[str, datetime | None], list[RequestedPiece]] = {}
    for piece in pieces:
        deadline = paris(piece.deadline) if piece.deadline is not None else None
        groups.setdefault((piece_mode(piece.mode), deadline), []).append(piece)

    def order(key: tuple[str, datetime | None]) -> tuple:
        mode, deadline = key
        return (
            _MODE_ORDER.get(mode, len(_MODE_ORDER)),
            mode,
            deadline is None,
            deadline or datetime.min.replace(tzinfo=UTC),
        )

    return [
        (mode, deadline, groups[(mode, deadline)]) for mode, deadline in sorted(groups, key=order)
    ]


def group_heading(mode: str, deadline: datetime | None) -> str:
    """« À déposer en ligne au plus tard le lundi 7 décembre 2026 à 23:59 (heure de Paris) »."""
    verb = _MODE_VERB.get(mode) or (f"À fournir ({mode})" if mode else "À fournir")
    if deadline is None:
        return f"{verb} (sans date limite indiquée)"
    return f"{verb} au plus tard le {format_deadline(deadline)}"


def _text(name: str) -> str:
    return text("pieces_request", name)


def render(doc: PiecesRequest, verify: Mapping[str, str] | None = None) -> bytes:
    """The « Demande de pièces justificatives », as PDF bytes; ``verify``: the
    verification code block, if any."""
    data = heading_data(doc, title=TITLE, subtitle=[doc.exam_name])
    groups = _piece_groups(doc.pieces)
    data.update(
        introduction=_text("introduction"),
        nothing_requested=_text("nothing_requested"),
        groups=[
            _group(mode, deadline, pieces, doc.office, last=_last_of_mode(groups, index))
            for index, (mode, deadline, pieces) in enumerate(groups)
        ],
        advice=_advice(doc),
        verify=verify,
    )
    return compile_pdf("pieces_request", data, edited_at=doc.edited_at)


def _last_of_mode(groups: Sequence[Group], index: int) -> bool:
    """Whether the advice of the group's mode follows it (its mode's last group)."""
    return index + 1 == len(groups) or groups[index + 1][0] != groups[index][0]


def _group(
    mode: str,
    deadline: datetime | None,
    pieces: Sequence[RequestedPiece],
    office: Office,
    *,
    last: bool,
) -> dict[str, object]:
    """A group of pieces: its heading, its pieces, then (after the mode's last group) how
    to provide them, with the address for the postal ones."""
    return {
        "heading": group_heading(mode, deadline),
        "pieces": [{"label": one_line(p.label), "hint": paragraph(p.hint.strip())} for p in pieces],
        "advice": _text(_MODE_ADVICE[mode]) if last and mode in _MODE_ADVICE else "",
        "postal": _postal_address(office) if last and mode == POSTAL else [],
    }


def _advice(doc: PiecesRequest) -> list[str]:
    """The CONSEILS items, the last one with the exam office's contacts."""
    number = one_line(doc.candidate_number)
    items = [line.format(candidate_number=number) for line in text_list("pieces_request", "advice")]
    contact = [_text("contact")]
    if doc.office.phone.strip():
        contact.append(_text("contact_phone").format(phone=one_line(doc.office.phone)))
    if doc.office.email.strip():
        contact.append(_text("contact_email").format(email=one_line(doc.office.email)))
    return [*items, " ".join(contact) + "."]


def _postal_address(office: Office) -> list[str]:
    lines = [one_line(office.academy_name), one_line(office.name)]
    return lines + [one_line(line) for line in office.address if line.strip()]
