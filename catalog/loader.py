"""Reading content/ into model records, reporting every problem with file and line.

Each ``read_*`` function handles one kind of file and never raises on bad content: it
records a Problem and skips what it cannot use, so that one run of ``build.py --check``
lists everything that needs fixing.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from .dates import DateFormatError, parse_paris
from .model import (
    FIELD_TYPES,
    PIECE_MODES,
    STEP_KINDS,
    TEST_KINDS,
    Academy,
    Domain,
    Establishment,
    Exam,
    ExamOffice,
    Message,
    Period,
    Piece,
    Session,
    Speciality,
    Step,
    StepField,
    Test,
)
from .problems import Problem, TomlLines

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
ACADEMY_KINDS = ("academie", "vice-rectorat", "siec", "service")
EXAM_MODELS = ("bts", "cap", "cfg", "g01", "g02")
DOCUMENT_KINDS = ("confirmation", "recapitulatif")
MESSAGE_LEVELS = ("info", "warning")
PERIOD_COLUMNS = (
    "academie",
    "examen",
    "session",
    "specialite",
    "ouverture",
    "fermeture",
    "retour_confirmation",
    "depot_debut",
    "depot_fin",
)
REQUIRED_PERIOD_COLUMNS = ("academie", "examen", "session", "ouverture", "fermeture")


class TomlFile:
    """One TOML file being read: its data, where its keys are, and the problems found."""

    def __init__(self, path: Path, label: str, problems: list[Problem]):
        self.label = label
        self.problems = problems
        text = path.read_text(encoding="utf-8")
        self.lines = TomlLines(text)
        try:
            self.data: dict[str, Any] | None = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
            self.problem(line, f"TOML invalide : {exc}")
            self.data = None

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.label, line, message))

    def value(
        self,
        table: dict,
        key: str,
        kind: type,
        *,
        line: int = 1,
        default: Any = ...,
        choices: tuple[str, ...] = (),
    ):
        """table[key] checked against kind (and choices); reports a missing or wrong key."""
        if key not in table:
            if default is ...:
                self.problem(line, f"clé « {key} » manquante")
                return None
            return default
        value = table[key]
        if not isinstance(value, kind) or (kind is str and not value.strip()):
            expected = {
                str: "un texte non vide",
                bool: "true ou false",
                int: "un nombre",
                list: "une liste",
                dict: "une table",
            }[kind]
            self.problem(self.lines.key(key, line), f"« {key} » doit être {expected}")
            return None
        if choices and value not in choices:
            self.problem(
                self.lines.key(key, line),
                f"{key} « {value} » inconnu (attendu : {', '.join(choices)})",
            )
            return None
        return value.strip() if kind is str else value

    def code(self, table: dict, expected: str | None = None, *, line: int = 1) -> str | None:
        code = self.value(table, "code", str, line=line)
        if code is None:
            return None
        if not SLUG.fullmatch(code):
            self.problem(
                self.lines.key("code", line),
                f"code « {code} » invalide : minuscules, chiffres et tirets seulement",
            )
            return None
        if expected is not None and code != expected:
            self.problem(
                self.lines.key("code", line),
                f"le code « {code} » doit être le nom du fichier (« {expected} »)",
            )
            return None
        return code


def read_domains(path: Path, label: str, problems: list[Problem]) -> list[Domain]:
    f = TomlFile(path, label, problems)
    if f.data is None:
        return []
    domains, lines = [], f.lines.tables("domain")
    for record, line in zip(f.data.get("domain", []), lines, strict=False):
        code, name = f.code(record, line=line), f.value(record, "name", str, line=line)
        generic = f.value(record, "generic", bool, line=line, default=False)
        if code and name:
            description = f.value(record, "description", str, line=line, default="")
            domains.append(Domain(code, name, description or "", bool(generic)))
    if not domains:
        f.problem(1, "aucun domaine : ajoutez des tables [[domain]]")
    return domains


def read_exam(path: Path, label: str, problems: list[Problem]) -> Exam | None:
    f = TomlFile(path, label, problems)
    if f.data is None:
        return None
    d = f.data
    code = f.code(d, path.stem)
    fields = {k: f.value(d, k, str) for k in ("name", "short_name", "domain")}
    fields["model"] = f.value(d, "model", str, choices=EXAM_MODELS)
    sessions = _records(f, d, "sessions", partial(_session, f))
    test_lines = iter(f.lines.tables("specialities.tests"))
    specialities = _records(f, d, "specialities", partial(_speciality, f, test_lines))
    if not sessions:
        f.problem(1, "aucune session : ajoutez au moins une table [[sessions]]")
    label_ = f.value(d, "speciality_label", str, default="Spécialité")
    steps = f.value(d, "steps", list, default=[]) or []
    if not all(isinstance(step, str) for step in steps):
        f.problem(f.lines.key("steps"), "« steps » doit être une liste de codes d'étapes")
        steps = []
    settings = {
        key: f.value(d, key, bool, default=default)
        for key, default in (
            ("modification_mail", True),
            ("withdrawal", True),
            ("residence_rule", False),
        )
    }
    tests = _tests(f, d.get("tests", []), iter(f.lines.tables("tests")))
    pieces = _records(f, d, "pieces", partial(_piece, f))
    document = f.value(d, "document", str, default="confirmation", choices=DOCUMENT_KINDS)
    if code is None or None in fields.values() or not sessions or None in settings.values():
        return None
    return Exam(
        code=code,
        sessions=tuple(sessions),
        specialities=tuple(specialities),
        speciality_label=label_ or "Spécialité",
        steps=tuple(steps),
        tests=tests,
        pieces=tuple(pieces),
        document=document or "confirmation",
        **settings,
        **fields,
    )


def _piece(f: TomlFile, record: dict, line: int) -> Piece:
    mode = f.value(record, "mode", str, line=line, default="en_ligne", choices=PIECE_MODES)
    deadline = f.value(record, "deadline", str, line=line, default="") or ""
    if deadline:
        try:
            parse_paris(deadline)
        except DateFormatError as exc:
            f.problem(f.lines.key("deadline", line), f"deadline : {exc}")
            deadline = ""
    show_if = f.value(record, "show_if", str, line=line, default="") or ""
    if show_if and "==" not in show_if and "!=" not in show_if:
        f.problem(
            f.lines.key("show_if", line), "show_if : « champ == valeur » ou « champ != valeur »"
        )
    return Piece(
        code=f.code(record, line=line),
        label=f.value(record, "label", str, line=line),
        mode=mode or "en_ligne",
        show_if=show_if,
        deadline=deadline,
        hint=f.value(record, "hint", str, line=line, default="") or "",
    )


def _session(f: TomlFile, record: dict, line: int) -> Session:
    end = f.value(record, "end", str, line=line, default="")
    try:
        ends = parse_paris(end, default_time=(23, 59)) if end else None
    except DateFormatError as exc:
        f.problem(f.lines.key("end", line), f"end : {exc}")
        ends = None
    return Session(f.code(record, line=line), f.value(record, "label", str, line=line), ends)


def _speciality(f: TomlFile, test_lines, record: dict, line: int) -> Speciality:
    tests = _tests(f, record.get("tests", []), test_lines)
    return Speciality(f.code(record, line=line), f.value(record, "name", str, line=line), tests)


def _tests(f: TomlFile, records: list, lines) -> tuple[Test, ...]:
    """The épreuves of an exam or speciality; lines: the headers of their tables, in order."""
    tests, seen = [], set()
    for record in records:
        line = next(lines, 1)
        code = f.value(record, "code", str, line=line)
        name = f.value(record, "name", str, line=line)
        kind = f.value(record, "kind", str, line=line, default="obligatoire", choices=TEST_KINDS)
        options = f.value(record, "options", list, line=line, default=[]) or []
        if None in (code, name, kind):
            continue
        if code in seen:
            f.problem(line, f"épreuve « {code} » en double")
            continue
        seen.add(code)
        text = {
            k: f.value(record, k, str, line=line, default="") or ""
            for k in ("unit", "group", "mode")
        }
        if kind == "choix" and not text["group"]:
            f.problem(line, f"épreuve « {code} » : une épreuve « choix » doit avoir un « group »")
        tests.append(
            Test(
                code=code,
                name=name,
                kind=kind,
                options=tuple(map(str, options)),
                exemptable=bool(record.get("exemptable", False)),
                **text,
            )
        )
    return tuple(tests)


def _records(f: TomlFile, data: dict, table: str, make: Callable) -> list:
    """Records of an array of tables, skipping incomplete ones and duplicate codes."""
    records, seen = [], set()
    for record, line in zip(data.get(table, []), f.lines.tables(table), strict=False):
        item = make(record, line)
        if None in (item.code, getattr(item, "label", ""), getattr(item, "name", "")):
            continue
        if item.code in seen:
            f.problem(line, f"code « {item.code} » en double dans [[{table}]]")
            continue
        seen.add(item.code)
        records.append(item)
    return records


def read_academy(path: Path, label: str, problems: list[Problem]) -> Academy | None:
    f = TomlFile(path, label, problems)
    if f.data is None:
        return None
    d = f.data
    code = f.code(d, path.stem)
    fields = {k: f.value(d, k, str) for k in ("name", "short_name", "region")}
    fields["kind"] = f.value(d, "kind", str, choices=ACADEMY_KINDS)
    office = _exam_office(f, f.value(d, "exam_office", dict))
    options = f.value(d, "options", dict, default={}) or {}
    variables = f.value(d, "variables", dict, default={}) or {}
    for key, value in variables.items():
        if not isinstance(value, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            f.problem(f.lines.key(key), f"variable « {key} » : nom en minuscules et texte attendu")
    number = f.value(d, "number", int, default=None)
    members = f.value(options, "members", list, line=f.lines.key("members"), default=[])
    departements = f.value(d, "departements", list, default=[]) or []
    if code is None or office is None or None in fields.values():
        return None
    return Academy(
        code=code,
        exam_office=office,
        number=number,
        residence_rule=bool(f.value(options, "residence_rule", bool, default=False)),
        members=tuple(members or ()),
        departements=tuple(str(code) for code in departements),
        variables=tuple(sorted((k, v) for k, v in variables.items() if isinstance(v, str))),
        **fields,
    )


def _exam_office(f: TomlFile, table: dict | None) -> ExamOffice | None:
    if table is None:
        return None
    line = next((n for n, t in enumerate(f.lines.lines, 1) if t.strip() == "[exam_office]"), 1)
    fields = {k: f.value(table, k, str, line=line) for k in ("name", "phone", "email")}
    address = f.value(table, "address", list, line=line)
    if address is not None and (not address or not all(isinstance(a, str) for a in address)):
        f.problem(f.lines.key("address", line), "« address » doit être une liste de lignes")
        address = None
    if fields["email"] and not EMAIL.fullmatch(fields["email"]):
        f.problem(
            f.lines.key("email", line), f"adresse électronique « {fields['email']} » invalide"
        )
        fields["email"] = None
    if address is None or None in fields.values():
        return None
    return ExamOffice(
        address=tuple(a.strip() for a in address),
        hours=f.value(table, "hours", str, line=line, default="") or "",
        website=f.value(table, "website", str, line=line, default="") or "",
        **fields,
    )


def read_periods(path: Path, label: str, problems: list[Problem]) -> list[Period]:
    """Registration periods from a spreadsheet-friendly CSV (";" or "," separated)."""
    text = path.read_text(encoding="utf-8-sig")
    header = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if ";" in header else ",")
    columns = [c.strip() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [c for c in REQUIRED_PERIOD_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in PERIOD_COLUMNS]
    if missing or unknown:
        detail = "; ".join(
            filter(
                None,
                [
                    missing and f"colonnes manquantes : {', '.join(missing)}",
                    unknown and f"colonnes inconnues : {', '.join(unknown)}",
                ],
            )
        )
        problems.append(Problem(label, 1, f"en-tête invalide ({detail})"))
        return []
    periods = []
    for row in reader:
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not any(row.values()):
            continue
        period = _period(
            row, line, lambda msg, line=line: problems.append(Problem(label, line, msg))
        )
        if period:
            periods.append(period)
    return periods


def _period(row: dict[str, str], line: int, report: Callable[[str], None]) -> Period | None:
    for column in REQUIRED_PERIOD_COLUMNS:
        if not row.get(column):
            report(f"colonne « {column} » vide")
            return None
    dates: dict[str, Any] = {}
    for column, default_time in (
        ("ouverture", (0, 0)),
        ("fermeture", (23, 59)),
        ("retour_confirmation", (23, 59)),
        ("depot_debut", (0, 0)),
        ("depot_fin", (23, 59)),
    ):
        value = row.get(column, "")
        try:
            dates[column] = parse_paris(value, default_time=default_time) if value else None
        except DateFormatError as exc:
            report(f"{column} : {exc}")
            return None
    if dates["fermeture"] <= dates["ouverture"]:
        report("la fermeture doit être postérieure à l'ouverture")
        return None
    if dates["depot_debut"] and dates["depot_fin"] and dates["depot_fin"] <= dates["depot_debut"]:
        report("la fin du dépôt des justificatifs doit être postérieure à son début")
        return None
    return Period(
        academy=row["academie"],
        exam=row["examen"],
        session=row["session"],
        speciality=row.get("specialite", ""),
        opens=dates["ouverture"],
        closes=dates["fermeture"],
        confirmation_due=dates["retour_confirmation"],
        uploads_open=dates["depot_debut"],
        uploads_close=dates["depot_fin"],
        line=line,
    )


def read_messages(path: Path, label: str, problems: list[Problem]) -> list[Message]:
    f = TomlFile(path, label, problems)
    if f.data is None:
        return []
    messages = []
    for record, line in zip(f.data.get("message", []), f.lines.tables("message"), strict=False):
        fields = {
            k: f.value(record, k, str, line=line)
            for k in ("id", "title", "text", "show_from", "show_until")
        }
        level = f.value(record, "level", str, line=line, default="info", choices=MESSAGE_LEVELS)
        if level is None:
            continue
        academies = f.value(record, "academies", list, line=line, default=[]) or []
        if None in fields.values():
            continue
        window = {}
        for key in ("show_from", "show_until"):
            try:
                window[key] = parse_paris(fields.pop(key))
            except DateFormatError as exc:
                f.problem(f.lines.key(key, line), f"{key} : {exc}")
        if len(window) < 2:
            continue
        if window["show_until"] <= window["show_from"]:
            f.problem(f.lines.key("show_until", line), "show_until doit suivre show_from")
            continue
        messages.append(
            Message(level=level, academies=tuple(academies), line=line, **fields, **window)
        )
    return messages


def read_wizard(path: Path, label: str, problems: list[Problem]) -> dict[str, Step]:
    """The registration steps of wizard.toml, with their fields."""
    f = TomlFile(path, label, problems)
    if f.data is None:
        return {}
    steps: dict[str, Step] = {}
    field_lines = iter(f.lines.tables("step.field"))
    names: set[str] = set()
    for record, line in zip(f.data.get("step", []), f.lines.tables("step"), strict=False):
        code = f.code(record, line=line)
        title = f.value(record, "title", str, line=line)
        kind = f.value(record, "kind", str, line=line, default="form", choices=STEP_KINDS)
        fields = []
        for field in record.get("field", []):
            item = _step_field(f, field, next(field_lines, line))
            if item is None:
                continue
            if item.name in names:
                f.problem(line, f"champ « {item.name} » déjà déclaré dans une autre étape")
                continue
            names.add(item.name)
            fields.append(item)
        if None in (code, title, kind):
            continue
        if code in steps:
            f.problem(line, f"étape « {code} » en double")
            continue
        steps[code] = Step(
            code=code,
            title=title,
            kind=kind,
            fields=tuple(fields),
            intro=str(record.get("intro", "")).strip(),
            show_account=bool(record.get("show_account", False)),
        )
    return steps


def _step_field(f: TomlFile, record: dict, line: int) -> StepField | None:
    name = f.value(record, "name", str, line=line)
    label = f.value(record, "label", str, line=line)
    kind = f.value(record, "type", str, line=line, default="text", choices=FIELD_TYPES)
    if name is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", name):
        f.problem(line, f"nom de champ « {name} » : minuscules, chiffres et _ seulement")
        return None
    choices = record.get("choices", [])
    if not all(isinstance(c, list) and len(c) == 2 for c in choices):
        f.problem(f.lines.key("choices", line), "« choices » : une liste de paires [code, libellé]")
        return None
    if None in (name, label, kind):
        return None
    texts = {
        k: str(record.get(k, ""))
        for k in (
            "hint",
            "choices_from",
            "show_if",
            "notice_if",
            "notice",
            "pattern",
            "pattern_message",
        )
    }
    if texts["pattern"]:
        try:
            re.compile(texts["pattern"])
        except re.error as exc:
            f.problem(f.lines.key("pattern", line), f"expression « pattern » invalide : {exc}")
            return None
    return StepField(
        name=name,
        label=label,
        type=kind,
        required=bool(record.get("required")),
        choices=tuple((str(a), str(b)) for a, b in choices),
        max_length=int(record.get("max_length", 0)),
        **texts,
    )


def read_lists(path: Path, label: str, problems: list[Problem]) -> dict[str, tuple]:
    """Named lists of choices: {name: ((code, label), …)}."""
    f = TomlFile(path, label, problems)
    if f.data is None:
        return {}
    lists = {}
    for name, record in f.data.get("lists", {}).items():
        choices = record.get("choices", []) if isinstance(record, dict) else None
        if not choices or not all(isinstance(c, list) and len(c) == 2 for c in choices):
            f.problem(
                f.lines.key("choices", f.lines.key(f"[lists.{name}]")),
                f"liste « {name} » : « choices » doit être une liste de [code, libellé]",
            )
            continue
        lists[name] = tuple((str(code), str(text)) for code, text in choices)
    return lists


def read_establishments(path: Path, label: str, problems: list[Problem]) -> list[Establishment]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";")
    if not {"academie", "uai", "nom"} <= set(reader.fieldnames or []):
        problems.append(Problem(label, 1, "en-tête attendu : academie;uai;nom;commune"))
        return []
    found = []
    for row in reader:
        values = {k: (v or "").strip() for k, v in row.items() if k}
        if not (values.get("academie") and values.get("uai") and values.get("nom")):
            problems.append(
                Problem(label, reader.line_num, "academie, uai et nom sont obligatoires")
            )
            continue
        found.append(
            Establishment(
                values["academie"], values["uai"], values["nom"], values.get("commune", "")
            )
        )
    return found
