"""Enrolled pupils (élèves inscrits par leur établissement): the data layer.

An exam office imports a CSV of pupils for one establishment, exam and session. Every
line is checked first; if any is wrong, nothing is imported. Each pupil then gets an
account (kind "pupil", a login ``nom.prenomN``, no address yet, a one-time password to
change at first login) and a registered application. The one-time passwords exist in
clear only in the PDF of login slips produced in the same transaction; the database keeps
their argon2 hashes.

Writes expect to run inside ``db.transaction()``; the views gather the scope.
"""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlite_utils import Database

from catalog import Catalog
from catalog.model import Establishment, Exam
from catalog.slugs import ascii_word
from worker import clock
from worker.files import storage
from worker.forms.base import parse_birth_date
from worker.rules import passwords
from worker.store import accounts, applications, sessions
from worker.store.accounts import Account, EmailTaken, normalize_email

AREA = "slips"  # DATA_DIR/slips/: the PDF files of login slips
MAX_PUPILS = 200  # lines per import (each one-time password costs an argon2 hash)
COLUMNS = ("nom", "prenom", "date_naissance", "sexe", "specialite")
SEXES = {"F": "MME", "M": "M"}
NAME_MAX = 80
NO_ESTABLISHMENT = "0000000A"  # « AUCUN ETABLISSEMENT (CANDIDAT LIBRE) »: not a school


# -- one-time passwords and logins ---------------------------------------------------------

# Printed on paper and typed by hand: no look-alike characters (l, I, 1, O, 0).
LOWER = "abcdefghijkmnopqrstuvwxyz"
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "23456789"
SPECIAL = ".!*-+?"


def generate_password(length: int = 10) -> str:
    """A random password following the candidates' rule (and the staff's, from 12 on)."""
    rng = secrets.SystemRandom()
    chars = [rng.choice(LOWER), rng.choice(UPPER), rng.choice(DIGITS), rng.choice(SPECIAL)]
    chars += [rng.choice(LOWER + UPPER + DIGITS) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def login_base(last_name: str, first_names: str) -> str:
    return f"{ascii_word(last_name)[:30] or 'eleve'}.{ascii_word(first_names)[:30] or 'eleve'}"


def new_login(db: Database, last_name: str, first_names: str, taken: set[str]) -> str:
    """``nom.prenomN`` with the smallest N (1, 2…) that no account (nor ``taken``) uses."""
    base = login_base(last_name, first_names)
    used = {
        row[0]
        for row in db.execute(
            "SELECT login FROM accounts WHERE login LIKE ? ESCAPE '\\'", [base + "%"]
        )
    } | taken
    number = 1
    while f"{base}{number}" in used:
        number += 1
    login = f"{base}{number}"
    taken.add(login)
    return login


# -- the CSV -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One valid line of the CSV: a pupil to import."""

    number: int  # line of the file (1 = first line)
    last_name: str
    first_names: str
    birth_date: date
    civility: str  # MME | M
    speciality: str  # code, or "" for an exam without specialities


@dataclass(frozen=True)
class LineError:
    number: int
    message: str


class FileError(Exception):
    """The file as a whole cannot be read (encoding, empty, too long)."""


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _name_problem(value: str, what: str) -> str | None:
    if not value:
        return f"{what} manquant"
    if len(value) > NAME_MAX:
        return f"{what} trop long ({NAME_MAX} caractères au maximum)"
    if not any(c.isalpha() for c in value) or not all(c.isalpha() or c in " -'’." for c in value):
        return f"{what} « {value} » invalide : lettres, espaces, tirets et apostrophes seulement"
    return None


def _speciality(exam: Exam, value: str) -> str | None:
    """The code of the speciality named by its code or its name (case and accents aside)."""
    wanted = ascii_word(value)
    for speciality in exam.specialities:
        if wanted in (ascii_word(speciality.code), ascii_word(speciality.name)):
            return speciality.code
    return None


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(
            "Le fichier n'est pas encodé en UTF-8 : enregistrez-le au format « CSV UTF-8 » "
            "puis recommencez."
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(data: bytes, exam: Exam, today: date) -> tuple[list[Line], list[LineError]]:
    """The pupils of the file and the problems of its lines (FileError for the whole)."""
    text = decode(data)
    first = next((line for line in text.split("\n") if line.strip()), "")
    if not first:
        raise FileError("Le fichier est vide : il doit contenir une ligne par élève.")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines: list[Line] = []
    problems: list[LineError] = []
    seen: dict[tuple[str, str, date], int] = {}
    header_checked = False
    for cells in reader:
        number = reader.line_num
        cells = [_clean(c) for c in cells]
        if not any(cells):
            continue
        if not header_checked:
            header_checked = True
            if ascii_word(cells[0]) == "nom":
                continue  # the header line
        if len(lines) + len(problems) >= MAX_PUPILS:
            raise FileError(
                f"Le fichier contient plus de {MAX_PUPILS} élèves : découpez-le en plusieurs "
                "fichiers."
            )
        line, found = _line(number, cells, exam, today)
        if line is not None:
            key = (line.last_name.casefold(), line.first_names.casefold(), line.birth_date)
            if key in seen:
                found.append(f"même élève que la ligne {seen[key]}")
            else:
                seen[key] = number
        if found:
            problems.extend(LineError(number, problem) for problem in found)
        elif line is not None:
            lines.append(line)
    if not lines and not problems:
        raise FileError("Le fichier ne contient aucun élève.")
    return lines, problems


def _line(number: int, cells: list[str], exam: Exam, today: date) -> tuple[Line | None, list]:
    while len(cells) > len(COLUMNS) and not cells[-1]:
        cells = cells[:-1]  # trailing empty columns of a spreadsheet
    if not 4 <= len(cells) <= len(COLUMNS):
        return None, [
            f"{len(cells)} colonne{'s' if len(cells) > 1 else ''} au lieu de 4 ou 5 "
            "(nom ; prénom ; date de naissance ; sexe ; spécialité)"
        ]
    last_name, first_names, birth, sex = cells[:4]
    speciality_text = cells[4] if len(cells) > 4 else ""
    found = [
        p for p in (_name_problem(last_name, "nom"), _name_problem(first_names, "prénom")) if p
    ]
    born = parse_birth_date(birth)
    if born is None:
        found.append(
            f"date de naissance « {birth} » invalide : format JJ/MM/AAAA, par exemple 30/05/2009"
            if birth
            else "date de naissance manquante (JJ/MM/AAAA)"
        )
    elif not date(1900, 1, 1) <= born <= today - timedelta(days=365 * 5):
        found.append(f"date de naissance {birth} peu plausible")
    civility = SEXES.get(sex.upper())
    if civility is None:
        found.append(f"sexe « {sex} » invalide : F ou M" if sex else "sexe manquant (F ou M)")
    speciality = ""
    if exam.specialities:
        if not speciality_text:
            found.append("spécialité manquante : cet examen en demande une")
        else:
            speciality = _speciality(exam, speciality_text) or ""
            if not speciality:
                codes = ", ".join(s.code for s in exam.specialities)
                found.append(f"spécialité « {speciality_text} » inconnue (codes : {codes})")
    elif speciality_text:
        found.append("cet examen n'a pas de spécialité : laissez la colonne vide")
    if found or born is None or civility is None:
        return None, found
    return Line(number, last_name, first_names, born, civility, speciality), []


def already_imported(
    db: Database, lines: list[Line], exam: str, session: str, uai: str
) -> list[LineError]:
    """Lines whose pupil already has a live application of this establishment's import."""
    problems = []
    for line in lines:
        row = db.execute(
            "SELECT ac.login FROM pupils p JOIN accounts ac ON ac.id = p.account_id"
            " JOIN pupil_imports i ON i.id = p.import_id"
            " JOIN applications ap ON ap.id = p.application_id"
            " WHERE i.exam = ? AND i.session = ? AND i.establishment = ? AND ap.status = ?"
            " AND ac.last_name = ? COLLATE NOCASE AND ac.first_names = ? COLLATE NOCASE"
            " AND ac.birth_date = ?",
            [
                exam,
                session,
                uai,
                applications.REGISTERED,
                line.last_name,
                line.first_names,
                line.birth_date.isoformat(),
            ],
        ).fetchone()
        if row:
            problems.append(LineError(line.number, f"élève déjà importé(e) (identifiant {row[0]})"))
    return problems


# -- the import ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Import:
    id: int
    academy: str
    establishment: str
    exam: str
    session: str
    staff_id: int | None
    created_at: str


@dataclass(frozen=True)
class Created:
    """A pupil just created: what its slip prints (the password never leaves the request)."""

    account: Account
    application: applications.Application
    password: str


def speciality_field(catalog: Catalog, exam: Exam) -> str:
    """The wizard's field that holds this exam's speciality (so the wizard finds it)."""
    for step in catalog.exam_steps(exam):
        for field in step.fields:
            if field.choices_from == "specialites":
                return field.name
    return "specialite"


def start_import(
    db: Database, academy: str, uai: str, exam: str, session: str, staff_id: int | None
) -> Import:
    cursor = db.execute(
        "INSERT INTO pupil_imports (academy, establishment, exam, session, staff_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [academy, uai, exam, session, staff_id, clock.stamp()],
    )
    return import_by_id(db, cursor.lastrowid)


def create_pupil(
    db: Database,
    catalog: Catalog,
    batch: Import,
    line: Line,
    password: str,
    password_hash: str,
    taken: set[str],
) -> Created:
    """The pupil's active account (candidate number) and registered application (001)."""
    login = new_login(db, line.last_name, line.first_names, taken)
    now = clock.stamp()
    cursor = db.execute(
        "INSERT INTO accounts (email, email_key, password_hash, status, civility, last_name,"
        " first_names, birth_date, birth_country, created_at, updated_at, kind, login,"
        " must_change_password) VALUES ('', ?, ?, 'pending', ?, ?, ?, ?, '', ?, ?, 'pupil', ?, 1)",
        [
            f"login:{login}",
            password_hash,
            line.civility,
            line.last_name,
            line.first_names,
            line.birth_date.isoformat(),
            now,
            now,
            login,
        ],
    )
    account = accounts.activate(db, accounts.by_id(db, cursor.lastrowid))
    exam = catalog.exams[batch.exam]
    answers = {"etablissement": batch.establishment}
    if line.speciality:
        answers[speciality_field(catalog, exam)] = line.speciality
    draft = applications.start_draft(db, account.id, batch.academy, batch.exam, batch.session)
    application = applications.create(db, draft, answers, line.speciality)
    applications.consume_draft(db, draft.id, application.id)
    db.execute(
        "INSERT INTO pupils (account_id, import_id, application_id, line) VALUES (?, ?, ?, ?)",
        [account.id, batch.id, application.id, line.number],
    )
    return Created(account, application, password)


def hashed(lines: list[Line]) -> list[tuple[Line, str, str]]:
    """(line, one-time password, its hash) for each line: done before the transaction, as
    argon2 takes a while and the write lock must not wait for it."""
    out = []
    for line in lines:
        password = generate_password()
        out.append((line, password, passwords.hash_password(password)))
    return out


def import_by_id(db: Database, import_id: int) -> Import | None:
    row = db.execute(
        "SELECT id, academy, establishment, exam, session, staff_id, created_at"
        " FROM pupil_imports WHERE id = ?",
        [import_id],
    ).fetchone()
    return Import(*row) if row else None


def import_in_scope(db: Database, scope: tuple[str, ...], import_id: int) -> Import | None:
    found = import_by_id(db, import_id)
    return found if found is not None and found.academy in scope else None


def imports_in_scope(db: Database, scope: tuple[str, ...]) -> list[dict]:
    if not scope:
        return []
    return list(
        db.query(
            "SELECT i.id, i.academy, i.establishment, i.exam, i.session, i.created_at,"
            " s.name AS staff, (SELECT count(*) FROM pupils p WHERE p.import_id = i.id) AS count"
            f" FROM pupil_imports i LEFT JOIN staff s ON s.id = i.staff_id"
            f" WHERE i.academy IN ({', '.join('?' * len(scope))})"
            " ORDER BY i.created_at DESC, i.id DESC",
            list(scope),
        )
    )


def pupils_of(db: Database, import_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT ac.id AS account_id, ac.last_name, ac.first_names, ac.birth_date,"
            " ac.civility, ac.login, ac.candidate_number, ac.email, ac.must_change_password,"
            " ap.id AS application_id, ap.number, ap.speciality, ap.status, p.line"
            " FROM pupils p JOIN accounts ac ON ac.id = p.account_id"
            " JOIN applications ap ON ap.id = p.application_id"
            " WHERE p.import_id = ? ORDER BY ac.last_name, ac.first_names, ac.id",
            [import_id],
        )
    )


def pupil_in_import(db: Database, batch: Import, account_id: int) -> Created | None:
    """The pupil of this import (None otherwise), with no password."""
    row = db.execute(
        "SELECT application_id FROM pupils WHERE import_id = ? AND account_id = ?",
        [batch.id, account_id],
    ).fetchone()
    if row is None:
        return None
    return Created(accounts.by_id(db, account_id), applications.by_id(db, row[0]), "")


def renew_password(db: Database, account_id: int, password_hash: str) -> Account:
    """A new one-time password: to change again at next login; other sessions end."""
    db.execute(
        "UPDATE accounts SET password_hash = ?, must_change_password = 1, updated_at = ?"
        " WHERE id = ? AND kind = 'pupil'",
        [password_hash, clock.stamp(), account_id],
    )
    sessions.close_others(db, account_id)
    return accounts.by_id(db, account_id)


# -- the slip files ------------------------------------------------------------------------


@dataclass(frozen=True)
class SlipFile:
    id: int
    import_id: int
    academy: str
    reason: str
    pupils: int
    stored_name: str
    staff_id: int | None
    created_at: str
    deleted_at: str | None


SLIP_COLUMNS = (
    "id, import_id, academy, reason, pupils, stored_name, staff_id, created_at, deleted_at"
)


def add_slips(
    db: Database,
    data_dir: str | Path,
    batch: Import,
    reason: str,
    count: int,
    content: bytes,
    staff_id: int | None,
) -> SlipFile:
    """The PDF written durably, then its row (the caller's transaction commits both)."""
    name = storage.new_name()
    path = storage.path_of(data_dir, AREA, name)
    storage.write_bytes(path, content)
    try:
        cursor = db.execute(
            "INSERT INTO pupil_slips (import_id, academy, reason, pupils, stored_name, staff_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [batch.id, batch.academy, reason, count, name, staff_id, clock.stamp()],
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return slip_by_id(db, cursor.lastrowid)


def slip_by_id(db: Database, slip_id: int) -> SlipFile | None:
    row = db.execute(f"SELECT {SLIP_COLUMNS} FROM pupil_slips WHERE id = ?", [slip_id]).fetchone()
    return SlipFile(*row) if row else None


def slip_in_scope(db: Database, scope: tuple[str, ...], slip_id: int) -> SlipFile | None:
    found = slip_by_id(db, slip_id)
    return found if found is not None and found.academy in scope else None


def slips_of(db: Database, import_id: int) -> list[SlipFile]:
    rows = db.execute(
        f"SELECT {SLIP_COLUMNS} FROM pupil_slips WHERE import_id = ? ORDER BY id DESC",
        [import_id],
    )
    return [SlipFile(*row) for row in rows]


def mark_slips_deleted(db: Database, slip: SlipFile) -> None:
    """The row stays, marked, for the record; the caller removes the file once committed."""
    db.execute(
        "UPDATE pupil_slips SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
        [clock.stamp(), slip.id],
    )


def remove_slips_file(data_dir: str | Path, slip: SlipFile) -> None:
    storage.path_of(data_dir, AREA, slip.stored_name).unlink(missing_ok=True)


def known_files(db: Database) -> set[str]:
    return {
        row[0] for row in db.execute("SELECT stored_name FROM pupil_slips WHERE deleted_at IS NULL")
    }


# -- first login of a pupil ----------------------------------------------------------------


def set_first_email(db: Database, account_id: int, email: str) -> Account:
    """The address the pupil gave becomes the account's (EmailTaken when used elsewhere)."""
    email, key = normalize_email(email)
    taken = db.execute(
        "SELECT 1 FROM accounts WHERE (email_key = ? OR pending_email = ?) AND id != ?",
        [key, key, account_id],
    ).fetchone()
    if taken:
        raise EmailTaken(email)
    db.execute(
        "UPDATE accounts SET email = ?, email_key = ?, pending_email = NULL, updated_at = ?"
        " WHERE id = ?",
        [email, key, clock.stamp(), account_id],
    )
    return accounts.by_id(db, account_id)


def finish_first_login(db: Database, account_id: int, password_hash: str) -> Account:
    db.execute(
        "UPDATE accounts SET password_hash = ?, must_change_password = 0, updated_at = ?"
        " WHERE id = ?",
        [password_hash, clock.stamp(), account_id],
    )
    return accounts.by_id(db, account_id)


# -- what a slip prints --------------------------------------------------------------------


def establishment_of(catalog: Catalog, academy: str, uai: str) -> Establishment | None:
    return next((e for e in catalog.establishments_of(academy) if e.uai == uai), None)


def audit_summary(batch: Import, created: list[Created]) -> dict:
    return {
        "import": batch.id,
        "establishment": batch.establishment,
        "exam": batch.exam,
        "session": batch.session,
        "pupils": len(created),
        "logins": [c.account.login for c in created][:1000],
    }
