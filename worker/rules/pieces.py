"""Supporting documents (pièces justificatives): what is asked, files, locking, statuses.

Which pieces an application needs comes from content/ (the exam's pieces and their
conditions on the answers); the database keeps their state: files of each round, the
validation by the candidate ("J'ai fourni toutes mes pièces") and the exam office's status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from catalog import Catalog
from catalog.dates import parse_paris
from catalog.model import Exam, Period, Piece
from worker import clock
from worker.store import pieces as store
from worker.store.applications import Application
from worker.store.db import Database
from worker.store.pieces import StoredFile

STATUSES = {
    "": "",
    "recue": "Reçue",
    "non_conforme": "Non conforme",
    "en_attente": "En attente d'une nouvelle PJ",
    "conforme": "Conforme",
}
REOPENING = ("non_conforme", "en_attente")  # the candidate must provide a new file
MODES = {
    "en_ligne": "À déposer en ligne",
    "voie_postale": "À envoyer par voie postale",
    "autre": "Autres modalités",
}


class NotAllowed(Exception):
    """The action is not possible now; the message says why, in French."""


@dataclass
class PieceState:
    piece: Piece
    deadline: datetime | None
    row_id: int | None = None
    status: str = ""
    status_at: str | None = None
    received_on: str | None = None
    comment: str = ""
    round: int = 1
    validated_at: str | None = None
    files: list[StoredFile] = field(default_factory=list)  # this round, not removed
    earlier: list[StoredFile] = field(default_factory=list)  # kept for the exam office

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]

    @property
    def locked(self) -> bool:
        return self.validated_at is not None

    @property
    def to_check(self) -> bool:
        """Validated by the candidate after the office's last decision, or before any."""
        return self.validated_at is not None and (
            self.status_at is None or self.validated_at > self.status_at
        )


@dataclass
class Group:
    mode: str
    deadline: datetime | None
    opens: datetime | None
    pieces: list[PieceState]

    @property
    def key(self) -> str:
        return f"{self.mode}:{self.deadline.isoformat() if self.deadline else ''}"

    @property
    def label(self) -> str:
        return MODES[self.mode]

    @property
    def online(self) -> bool:
        return self.mode == "en_ligne"


def applies(piece: Piece, answers: dict) -> bool:
    condition = piece.show_if
    if not condition:
        return True
    operator = "!=" if "!=" in condition else "=="
    name, _, expected = (part.strip() for part in condition.partition(operator))
    value = str(answers.get(name, ""))
    return value != expected if operator == "!=" else value == expected


def periods_of(catalog: Catalog, application: Application) -> list[Period]:
    """The application's registration periods (its speciality's own, or those for all)."""
    return [
        p
        for p in catalog.periods_for(
            exam=application.exam, session=application.session, academy=application.academy
        )
        if not p.speciality or p.speciality == application.speciality
    ]


def period_of(catalog: Catalog, application: Application) -> Period | None:
    periods = periods_of(catalog, application)
    return periods[0] if periods else None


def confirmation_due(catalog: Catalog, application: Application) -> date | None:
    """The day the signed confirmation is due back, if its period sets one; never for an
    exam whose document is a récapitulatif (nothing to send back)."""
    exam = catalog.exams[application.exam]
    period = period_of(catalog, application)
    if exam.document == "confirmation" and period and period.confirmation_due:
        return period.confirmation_due.date()
    return None


def deadline_of(piece: Piece, period: Period | None) -> datetime | None:
    if piece.deadline:
        return parse_paris(piece.deadline, default_time=(23, 59))
    if period is None:
        return None
    if piece.mode == "en_ligne":
        return period.uploads_close or period.closes
    return period.confirmation_due or period.closes


def requested(exam: Exam, application: Application) -> list[Piece]:
    return [p for p in exam.pieces if applies(p, application.answers)]


def states(db: Database, catalog: Catalog, application: Application) -> list[PieceState]:
    """Every piece the application needs, with its state and files."""
    exam = catalog.exams[application.exam]
    period = period_of(catalog, application)
    rows = store.rows_of(db, application.id)
    files = store.files_by_piece(db, application.id) if rows else {}
    found = []
    for piece in requested(exam, application):
        state = PieceState(piece, deadline_of(piece, period))
        row = rows.get(piece.code)
        if row and row.granted_until:  # a relance gave more time: the later date holds
            granted = clock.parse(row.granted_until)
            state.deadline = granted if state.deadline is None else max(state.deadline, granted)
        if row:
            state.row_id, state.status, state.status_at = row.id, row.status, row.status_at
            state.received_on, state.comment = row.received_on, row.comment
            state.round, state.validated_at = row.round, row.validated_at
            for stored in files.get(row.id, ()):
                current = stored.round == state.round and stored.removed_at is None
                (state.files if current else state.earlier).append(stored)
        found.append(state)
    return found


def groups(db: Database, catalog: Catalog, application: Application) -> list[Group]:
    """The pieces grouped by delivery mode and deadline, as the candidate sees them."""
    period = period_of(catalog, application)
    grouped: dict[tuple, Group] = {}
    for state in states(db, catalog, application):
        key = (
            list(MODES).index(state.piece.mode),
            state.deadline.isoformat() if state.deadline else "~",
        )
        if key not in grouped:
            opens = period.uploads_open if period and state.piece.mode == "en_ligne" else None
            grouped[key] = Group(state.piece.mode, state.deadline, opens, [])
        grouped[key].pieces.append(state)
    return [grouped[key] for key in sorted(grouped)]


def can_upload(state: PieceState, group: Group, now: datetime) -> bool:
    """Online pieces, not validated, inside the upload window — or asked again by the office."""
    if not group.online or state.locked or state.status == "conforme":
        return False
    if state.status == "en_attente":
        return True
    started = group.opens is None or group.opens <= now
    return started and (group.deadline is None or now <= group.deadline)


def counter(pieces: list[PieceState]) -> tuple[int, int]:
    """« Pièces justificatives conformes : X / Y »."""
    return sum(1 for p in pieces if p.status == "conforme"), len(pieces)


def needs_action(pieces: list[PieceState]) -> bool:
    """Something awaits the candidate: an online piece to provide or to provide again."""
    return any(
        not p.locked
        and (p.status in REOPENING or (p.piece.mode == "en_ligne" and p.status != "conforme"))
        for p in pieces
    )


def shown_status(state: PieceState, online: bool) -> str:
    """The status as the candidate reads it."""
    if state.locked and (not state.status or state.status in REOPENING):
        return "Validée, en attente de contrôle"
    if state.status:
        return state.status_label
    if online and state.files:
        return "Déposée – en attente de contrôle"
    return "À fournir" if online else "En attente de contrôle"


OFFICE_STATES = {
    "a_controler": "Validée par le candidat, à contrôler",
    "nouveau_depot": "À contrôler (nouveau dépôt)",
    "": "Non validée par le candidat",
    **{code: label for code, label in STATUSES.items() if code},
}


def office_state(state: PieceState) -> str:
    """The piece's state as the exam office reads it (a key of OFFICE_STATES)."""
    if state.to_check:
        return "nouveau_depot" if state.status_at else "a_controler"
    return state.status


# -- writes (inside db.transaction) --------------------------------------------------------


def add_file(
    db: Database,
    application: Application,
    state: PieceState,
    stored_name: str,
    original_name: str,
    size: int,
    content_type: str,
    scan_state: str = "clean",
) -> int:
    piece_id = store.ensure_row(db, application.id, state.piece.code)
    return store.add_file(
        db, piece_id, state.round, stored_name, original_name, size, content_type, scan_state
    )


def remove_file(db: Database, state: PieceState, group: Group, file_id: int, now: datetime) -> None:
    """The candidate removes a file before validating: hidden, but kept for the office.
    Only where another could be added (``can_upload``): removed after the deadline, or from
    a piece the office found conforme, it would leave a piece empty for good."""
    if state.locked:
        raise NotAllowed("Cette pièce est validée : ses fichiers ne peuvent plus être supprimés.")
    if state.status == "conforme":
        raise NotAllowed(
            "Cette pièce a été déclarée conforme : ses fichiers ne peuvent plus être supprimés."
        )
    if not can_upload(state, group, now):
        raise NotAllowed(
            "Hors de la période de dépôt, les fichiers déposés ne peuvent pas être supprimés "
            "(aucun autre ne pourrait les remplacer)."
        )
    if not any(f.id == file_id for f in state.files):
        raise NotAllowed("Ce fichier n'existe pas ou a déjà été supprimé.")
    store.mark_removed(db, file_id)


def lock(db: Database, application: Application, group: Group, now: datetime) -> None:
    """« J'ai fourni toutes mes pièces »: refused, listing what is missing, while a piece
    has no file."""
    open_pieces = [p for p in group.pieces if not p.locked and p.status != "conforme"]
    if open_pieces and not any(can_upload(p, group, now) for p in open_pieces):
        raise NotAllowed("La période de dépôt de ces pièces est terminée.")
    missing = [p.piece.label for p in open_pieces if not p.files]
    if missing:
        raise NotAllowed("Il manque encore : " + " ; ".join(missing) + ".")
    if not open_pieces:
        raise NotAllowed("Toutes les pièces de ce groupe sont déjà validées.")
    for state in open_pieces:
        store.mark_validated(db, store.ensure_row(db, application.id, state.piece.code))


def set_status(
    db: Database,
    application_id: int,
    code: str,
    status: str,
    comment: str = "",
    received_on: date | None = None,
) -> None:
    """The exam office's decision on a piece (used by the back office).

    « Non conforme » and « En attente d'une nouvelle PJ » open a new round: the candidate
    uploads a new file and validates again; earlier files stay for the office.
    """
    if status not in STATUSES or not status:
        raise ValueError(f"statut inconnu : {status}")
    piece_id = store.ensure_row(db, application_id, code)
    store.set_status(db, piece_id, status, comment, received_on, status in REOPENING)
