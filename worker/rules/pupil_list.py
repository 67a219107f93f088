"""The CSV of pupils an establishment sends, and the logins and one-time passwords they get.

Every line is checked first; if any is wrong, nothing is imported (the use case decides).
A line reads ``nom ; prénom ; date de naissance ; sexe ; spécialité`` (semicolons or
commas, an optional header line).
"""

from __future__ import annotations

import csv
import io
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from catalog import Catalog
from catalog.model import Exam
from catalog.slugs import ascii_word
from worker.rules.dates import parse_birth_date

MAX_PUPILS = 200  # lines per import (each one-time password costs an argon2 hash)
# A file of 200 pupils takes some 20 Ko; the confirmation page carries the file back in a
# form field (base64: a third more), within the request limit (MAX_CONTENT_LENGTH).
MAX_FILE_BYTES = 256 * 1024
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


def next_login(base: str, used: set[str]) -> str:
    """``baseN`` with the smallest N (1, 2…) not in ``used``."""
    number = 1
    while f"{base}{number}" in used:
        number += 1
    return f"{base}{number}"


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


def _reader(data: bytes):
    """A CSV reader of the file, its delimiter guessed from the first line."""
    text = decode(data)
    first = next((line for line in text.split("\n") if line.strip()), "")
    if not first:
        raise FileError("Le fichier est vide : il doit contenir une ligne par élève.")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def parse(data: bytes, exam: Exam, today: date) -> tuple[list[Line], list[LineError]]:
    """The pupils of the file and the problems of its lines (FileError for the whole)."""
    if len(data) > MAX_FILE_BYTES:
        raise FileError(
            f"Le fichier dépasse {MAX_FILE_BYTES // 1024} Ko : {MAX_PUPILS} élèves tiennent"
            " en bien moins. Enregistrez-le de nouveau sans colonnes vides ni autres"
            " colonnes que les cinq attendues."
        )
    reader = _reader(data)
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


def _birth_problem(birth: str, born: date | None, today: date) -> str | None:
    if born is None:
        return (
            f"date de naissance « {birth} » invalide : format JJ/MM/AAAA, par exemple 30/05/2009"
            if birth
            else "date de naissance manquante (JJ/MM/AAAA)"
        )
    if not date(1900, 1, 1) <= born <= today - timedelta(days=365 * 5):
        return f"date de naissance {birth} peu plausible"
    return None


def _speciality_of(exam: Exam, text: str) -> tuple[str, str | None]:
    """(speciality code, problem) of the fifth column."""
    if not exam.specialities:
        if text:
            return "", "cet examen n'a pas de spécialité : laissez la colonne vide"
        return "", None
    if not text:
        return "", "spécialité manquante : cet examen en demande une"
    speciality = _speciality(exam, text) or ""
    if not speciality:
        codes = ", ".join(s.code for s in exam.specialities)
        return "", f"spécialité « {text} » inconnue (codes : {codes})"
    return speciality, None


def _line(number: int, cells: list[str], exam: Exam, today: date) -> tuple[Line | None, list]:
    while len(cells) > len(COLUMNS) and not cells[-1]:
        cells = cells[:-1]  # trailing empty columns of a spreadsheet
    if not 4 <= len(cells) <= len(COLUMNS):
        return None, [
            f"{len(cells)} colonne{'s' if len(cells) > 1 else ''} au lieu de 4 ou 5 "
            "(nom ; prénom ; date de naissance ; sexe ; spécialité)"
        ]
    last_name, first_names, birth, sex = cells[:4]
    born = parse_birth_date(birth)
    civility = SEXES.get(sex.upper())
    sex_problem = None
    if civility is None:
        sex_problem = f"sexe « {sex} » invalide : F ou M" if sex else "sexe manquant (F ou M)"
    speciality, speciality_problem = _speciality_of(exam, cells[4] if len(cells) > 4 else "")
    found = [
        p
        for p in (
            _name_problem(last_name, "nom"),
            _name_problem(first_names, "prénom"),
            _birth_problem(birth, born, today),
            sex_problem,
            speciality_problem,
        )
        if p
    ]
    if found or born is None or civility is None:
        return None, found
    return Line(number, last_name, first_names, born, civility, speciality), []


# -- what the catalogue says about an import -----------------------------------------------


def speciality_field(catalog: Catalog, exam: Exam) -> str:
    """The wizard's field that holds this exam's speciality (so the wizard finds it)."""
    for step in catalog.exam_steps(exam):
        for field in step.fields:
            if field.choices_from == "specialites":
                return field.name
    return "specialite"
