"""Enrolled pupils: a CSV imported for one establishment, exam and session; a renewed
one-time password; the PDF files of login slips.

Every line is checked first; if any is wrong, nothing is imported. Each pupil then gets
an account (a login ``nom.prenomN``, no address yet, a one-time password to change at
first login) and a registered application. The one-time passwords exist in clear only in
the PDF of login slips written in the same transaction; the database keeps their argon2
hashes, computed before the transaction (argon2 takes a while; the write lock must not
wait for it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from catalog import Catalog
from catalog.model import Establishment, Exam, Session
from worker import clock
from worker.documents import slips
from worker.files import storage
from worker.office.actions.bulk import Preview, number
from worker.office.actions.outcomes import Done, NotFound, Refused
from worker.rules import passwords
from worker.rules import pupil_list as pupil_rules
from worker.rules.pupil_list import Line, LineError
from worker.store import applications, db
from worker.store import pupils as stored
from worker.store.accounts import Account
from worker.store.applications import Application
from worker.store.audit import audit
from worker.store.db import Database
from worker.store.pupils import Import, Pupil, SlipFile
from worker.store.staff import Staff

AREA = "slips"  # FILES_DIR/slips/: the PDF files of login slips


@dataclass(frozen=True)
class Created:
    """A pupil just created: what its slip prints (the password never leaves the request)."""

    account: Account
    application: Application
    password: str


@dataclass(frozen=True)
class LinesRefused:
    """Nothing imported: the wrong lines of the file, by line number."""

    problems: tuple[LineError, ...]


@dataclass(frozen=True)
class Imported:
    batch: Import
    created: tuple[Created, ...]

    @property
    def message(self) -> str:
        plural = "s" if len(self.created) > 1 else ""
        return (
            f"{len(self.created)} élève{plural} importé{plural}. "
            "Téléchargez maintenant le PDF des papillons de connexion : les mots de passe qu'il "
            "contient ne sont conservés nulle part ailleurs."
        )


@dataclass(frozen=True)
class Renewed:
    account: Account
    slip_file: SlipFile

    @property
    def message(self) -> str:
        return (
            f"Nouveau mot de passe créé pour {self.account.display_name} : l'ancien ne "
            "fonctionne plus. Téléchargez son papillon de connexion ci-dessous."
        )


@dataclass(frozen=True)
class Download:
    """A slips file to send: its stored name and the name it is downloaded under."""

    stored_name: str
    name: str


class _ImportedMeanwhile(Exception):
    def __init__(self, problems: list[LineError]):
        super().__init__()
        self.problems = problems


# -- the import ----------------------------------------------------------------------------


def _already_imported(
    database: Database, lines: list[Line], exam: str, session: str, uai: str
) -> list[LineError]:
    """Lines whose pupil already has a live application of this establishment's import."""
    problems = []
    for line in lines:
        login = stored.imported_login(
            database, exam, session, uai, line.last_name, line.first_names, line.birth_date
        )
        if login:
            problems.append(LineError(line.number, f"élève déjà importé(e) (identifiant {login})"))
    return problems


def _hashed(lines: list[Line]) -> list[tuple[Line, str, str]]:
    """(line, one-time password, its hash) for each line."""
    out = []
    for line in lines:
        password = pupil_rules.generate_password()
        out.append((line, password, passwords.hash_password(password)))
    return out


def _create_pupil(
    database: Database,
    catalog: Catalog,
    batch: Import,
    line: Line,
    password: str,
    password_hash: str,
    taken: set[str],
) -> Created:
    """The pupil's active account (candidate number) and registered application (001)."""
    base = pupil_rules.login_base(line.last_name, line.first_names)
    login = pupil_rules.next_login(base, stored.logins_starting(database, base) | taken)
    taken.add(login)
    account = stored.create_account(
        database,
        login,
        password_hash,
        line.civility,
        line.last_name,
        line.first_names,
        line.birth_date,
    )
    exam = catalog.exams[batch.exam]
    answers = {"etablissement": batch.establishment}
    if line.speciality:
        answers[pupil_rules.speciality_field(catalog, exam)] = line.speciality
    draft = applications.start_draft(database, account.id, batch.academy, batch.exam, batch.session)
    application = applications.create(database, draft, answers, line.speciality)
    applications.consume_draft(database, draft.id, application.id)
    stored.add_pupil(database, batch, account.id, application.id, line.number)
    return Created(account, application, password)


def _audit_summary(batch: Import, created: list[Created]) -> dict:
    return {
        "import": batch.id,
        "establishment": batch.establishment,
        "exam": batch.exam,
        "session": batch.session,
        "pupils": len(created),
        "logins": [c.account.login for c in created][:1000],
    }


def _checked(
    database: Database, establishment: Establishment, exam: Exam, session: Session, data: bytes
) -> Refused | LinesRefused | list[Line]:
    """The file's lines, if the file and each of its lines can be imported."""
    try:
        lines, problems = pupil_rules.parse(data, exam, clock.now().date())
    except pupil_rules.FileError as error:
        return Refused(str(error))
    problems += _already_imported(database, lines, exam.code, session.code, establishment.uai)
    return LinesRefused(tuple(problems)) if problems else lines


def import_preview(
    database: Database,
    catalog: Catalog,
    establishment: Establishment,
    exam: Exam,
    session: Session,
    data: bytes,
) -> Refused | LinesRefused | Preview:
    """What importing the file will create, checked as the import checks it (nothing is
    hashed, nothing written): the confirmation page says it before anything is created."""
    lines = _checked(database, establishment, exam, session, data)
    if not isinstance(lines, list):
        return lines
    count = len(lines)
    pupils = f"{number(count)} élève{'s' if count > 1 else ''}"
    sentence = (
        f"{pupils} {'recevra' if count == 1 else 'recevront'} un compte et une candidature"
        " inscrite à cette session ; leurs papillons de connexion seront réunis dans un PDF."
    )
    town = f" - {establishment.town}" if establishment.town else ""
    facts = (
        ("Établissement", f"{establishment.name}{town} ({establishment.uai})"),
        ("Examen et session", f"{exam.short_name} – {exam.name} – {session.label}"),
        ("Élèves du fichier", pupils),
    )
    return Preview(count, sentence, facts)


def import_pupils(
    database: Database,
    data_dir: str,
    catalog: Catalog,
    member: Staff,
    establishment: Establishment,
    exam: Exam,
    session: Session,
    data: bytes,
    portal_url: str,
) -> Refused | LinesRefused | Imported:
    """All the pupils of the file, or none: accounts, applications and one slips PDF."""
    lines = _checked(database, establishment, exam, session, data)
    if not isinstance(lines, list):
        return lines
    work = _hashed(lines)
    try:
        with _slips_transaction(database, data_dir) as written:
            late = _already_imported(database, lines, exam.code, session.code, establishment.uai)
            if late:  # the same file, imported meanwhile by another request
                raise _ImportedMeanwhile(late)
            batch = stored.start_import(
                database,
                establishment.academy,
                establishment.uai,
                exam.code,
                session.code,
                member.id,
            )
            taken: set[str] = set()
            created = [
                _create_pupil(database, catalog, batch, line, password, password_hash, taken)
                for line, password, password_hash in work
            ]
            content = slips.slips_pdf(
                [slip_of(catalog, batch, one, portal_url) for one in created], clock.now()
            )
            _add_slips(database, data_dir, written, batch, "import", len(created), content, member)
            _audit_import(database, member, batch, created)
    except _ImportedMeanwhile as meanwhile:
        return LinesRefused(tuple(meanwhile.problems))
    return Imported(batch, tuple(created))


def _audit_import(database: Database, member: Staff, batch: Import, created: list[Created]):
    """Once as a whole, then once per pupil's application."""
    audit(
        database,
        member,
        "pupils.import",
        academy=batch.academy,
        after=_audit_summary(batch, created),
    )
    for one in created:
        audit(
            database,
            member,
            "pupil.create",
            academy=batch.academy,
            application_id=one.application.id,
            account_id=one.account.id,
            after={"import": batch.id, "login": one.account.login},
        )


# -- one pupil: a new one-time password ---------------------------------------------------


def renew_password(
    database: Database,
    data_dir: str,
    catalog: Catalog,
    member: Staff,
    batch: Import,
    pupil: Pupil,
    portal_url: str,
) -> Renewed:
    """A new one-time password for one pupil (a lost slip), on a slip of its own; the old
    one stops working and the pupil's other sessions end."""
    password = pupil_rules.generate_password()
    password_hash = passwords.hash_password(password)
    with _slips_transaction(database, data_dir) as written:
        account = stored.renew_password(database, pupil.account.id, password_hash)
        one = Created(account, pupil.application, password)
        content = slips.slips_pdf([slip_of(catalog, batch, one, portal_url)], clock.now())
        slip_file = _add_slips(
            database, data_dir, written, batch, "regeneration", 1, content, member
        )
        audit(
            database,
            member,
            "pupil.password_renewed",
            academy=batch.academy,
            application_id=pupil.application.id,
            account_id=account.id,
            after={"import": batch.id, "login": account.login, "slips": slip_file.id},
        )
    return Renewed(account, slip_file)


# -- the slip files ------------------------------------------------------------------------


def slip_of(catalog: Catalog, batch: Import, one: Created, portal_url: str) -> slips.Slip:
    """What the login slip of a pupil prints."""
    exam = catalog.exams[batch.exam]
    session = exam.session(batch.session)
    speciality = exam.speciality(one.application.speciality)
    establishment = catalog.establishment(batch.academy, batch.establishment)
    academy = catalog.academies.get(batch.academy)
    label = " - ".join(
        part
        for part in (
            exam.name,
            speciality.name if speciality else "",
            f"session {session.label if session else batch.session}",
        )
        if part
    )
    return slips.Slip(
        academy_name=academy.name if academy else batch.academy,
        establishment=establishment.name if establishment else batch.establishment,
        establishment_town=establishment.town if establishment else "",
        uai=batch.establishment,
        last_name=one.account.last_name,
        first_names=one.account.first_names,
        birth_date=one.account.birth_day,
        candidate_number=one.account.candidate_number or "",
        application_number=one.application.number,
        exam=label,
        portal=portal_url,
        login=one.account.login or "",
        password=one.password,
    )


@contextmanager
def _slips_transaction(database: Database, data_dir: str | Path) -> Iterator[list[SlipFile]]:
    """``db.transaction()`` for writes that add slips files (listed by ``_add_slips`` in
    what it yields): a file whose row does not commit is removed."""
    written: list[SlipFile] = []
    try:
        with db.transaction(database):
            yield written
    except BaseException:
        for slip in written:
            remove_slips_file(data_dir, slip)
        raise


def _add_slips(
    database: Database,
    data_dir: str | Path,
    written: list[SlipFile],
    batch: Import,
    reason: str,
    count: int,
    content: bytes,
    member: Staff,
) -> SlipFile:
    """The PDF written durably, then its row (the caller's transaction commits both)."""
    name = storage.new_name()
    path = storage.path_of(data_dir, AREA, name)
    storage.write_bytes(path, content)
    try:
        slip = stored.add_slips(database, batch, reason, count, name, member.id)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    written.append(slip)
    return slip


def remove_slips_file(data_dir: str | Path, slip: SlipFile) -> None:
    storage.path_of(data_dir, AREA, slip.stored_name).unlink(missing_ok=True)


def download_slips(
    database: Database, data_dir: str, member: Staff, slip: SlipFile
) -> Download | NotFound:
    """The slips file to send, its download audited (only when the file is there)."""
    if not storage.path_of(data_dir, AREA, slip.stored_name).exists():
        return NotFound()
    batch = stored.import_by_id(database, slip.import_id)
    with db.transaction(database):
        audit(
            database,
            member,
            "pupils.slips_download",
            academy=slip.academy,
            after={"import": slip.import_id, "slips": slip.id},
        )
    name = f"papillons-{batch.establishment}-{slip.import_id}-{slip.id}.pdf"
    return Download(slip.stored_name, name)


def delete_slips(database: Database, data_dir: str, member: Staff, slip: SlipFile) -> Done:
    """The file removed once printed: the passwords it holds leave the server."""
    with db.transaction(database):
        stored.mark_slips_deleted(database, slip)
        audit(
            database,
            member,
            "pupils.slips_delete",
            academy=slip.academy,
            after={"import": slip.import_id, "slips": slip.id},
        )
    remove_slips_file(data_dir, slip)
    return Done("Le fichier des papillons de connexion a été supprimé du serveur.")
