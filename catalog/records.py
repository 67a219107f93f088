"""The other TOML files of content/: domains, académies, home messages, wizard, lists."""

from __future__ import annotations

import re
from pathlib import Path

from . import autofill
from .dates import DateFormatError, parse_paris
from .model import (
    FIELD_TYPES,
    STEP_KINDS,
    Academy,
    Domain,
    ExamOffice,
    Message,
    Step,
    StepField,
)
from .problems import Problem
from .toml_file import TomlFile

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.IGNORECASE)
ACADEMY_KINDS = ("academie", "vice-rectorat", "siec", "service")
MESSAGE_LEVELS = ("info", "warning")


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
            offered = f.value(record, "offered", str, line=line, default=Domain.offered)
            domains.append(Domain(code, name, description or "", bool(generic), offered))
    if not domains:
        f.problem(1, "aucun domaine : ajoutez des tables [[domain]]")
    return domains


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
        copies_url=_copies_url(f, options),
        residence_rule=bool(f.value(options, "residence_rule", bool, default=False)),
        members=tuple(members or ()),
        departements=tuple(str(code) for code in departements),
        variables=tuple(sorted((k, v) for k, v in variables.items() if isinstance(v, str))),
        **fields,
    )


def _copies_url(f: TomlFile, options: dict) -> str:
    """The optional link to the académie's dematerialised copies: an https:// address."""
    url = f.value(options, "copies_url", str, line=f.lines.key("copies_url"), default="") or ""
    if url and not re.fullmatch(r"https://[^\s/]+\.[^\s/]+(/\S*)?", url):
        f.problem(
            f.lines.key("copies_url"), f"copies_url : « {url} » n'est pas une adresse https://"
        )
        return ""
    return url


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
            show_exam=bool(record.get("show_exam", False)),
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
            "autocomplete",
        )
    }
    if texts["pattern"]:
        try:
            re.compile(texts["pattern"])
        except re.error as exc:
            f.problem(f.lines.key("pattern", line), f"expression « pattern » invalide : {exc}")
            return None
    if wrong := autofill.problem(texts["autocomplete"], kind):
        f.problem(f.lines.key("autocomplete", line), f"champ « {name} » : {wrong}")
        texts["autocomplete"] = ""  # the field is still asked, without it
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
