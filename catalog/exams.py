"""content/exams/*.toml: an exam with its sessions, specialities, épreuves and pieces."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from .dates import DateFormatError, parse_paris
from .model import (
    ACQUIS_KINDS,
    PIECE_MODES,
    TEST_KINDS,
    AcquisOrigin,
    Exam,
    Piece,
    Session,
    Speciality,
    Test,
)
from .problems import Problem
from .toml_file import TomlFile

EXAM_MODELS = ("bts", "cap", "cfg", "g01", "g02")
DOCUMENT_KINDS = ("confirmation", "recapitulatif")
# What a model implies where its exam's file says nothing (the guides of the generic
# models, v2.0: no mail on modification, no withdrawal online; G02 a récapitulatif, in
# the académie of the place of work).
MODEL_DEFAULTS: dict[str, dict[str, object]] = {
    "g01": {"modification_mail": False, "withdrawal": False},
    "g02": {
        "modification_mail": False,
        "withdrawal": False,
        "document": "recapitulatif",
        "academy_of_residence": False,
    },
}


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
    implied = MODEL_DEFAULTS.get(fields["model"] or "", {})
    settings = {
        key: f.value(d, key, bool, default=implied.get(key, default))
        for key, default in (
            ("modification_mail", True),
            ("withdrawal", True),
            ("residence_rule", False),
            ("academy_of_residence", True),
            ("administration_reference", False),
            ("acquis_several", False),
        )
    }
    tests = _tests(f, d.get("tests", []), iter(f.lines.tables("tests")))
    pieces = _records(f, d, "pieces", partial(_piece, f))
    document = f.value(
        d, "document", str, default=implied.get("document", "confirmation"), choices=DOCUMENT_KINDS
    )
    reminders = _reminders(f, d)
    retention = f.value(d, "retention_months", int, default=0) or 0
    if retention < 0:
        f.problem(f.lines.key("retention_months"), "retention_months : un nombre de mois ≥ 0")
        retention = 0
    acquis = _records(f, d, "acquis", partial(_acquis, f))
    _check_acquis_tests(f, acquis, tests, specialities)
    wizard = _wizard_settings(f, d)
    if "epreuves" in wizard["steps"] and not tests:
        _check_specialities_have_tests(f, d, specialities)
    if code is None or None in fields.values() or not sessions or None in settings.values():
        return None
    return Exam(
        code=code,
        sessions=tuple(sessions),
        specialities=tuple(specialities),
        tests=tests,
        pieces=tuple(pieces),
        document=document or "confirmation",
        reminders=reminders,
        acquis=tuple(acquis),
        retention_months=retention,
        **wizard,
        **settings,
        **fields,
    )


def _check_specialities_have_tests(f: TomlFile, d: dict, specialities: list) -> None:
    """An exam whose wizard has the épreuves step describes each speciality's tests (else
    a candidate would register to a speciality without any épreuve)."""
    records = zip(d.get("specialities", []), f.lines.tables("specialities"), strict=False)
    lines = {record.get("code"): line for record, line in records}
    for speciality in specialities:
        if not speciality.tests:
            f.problem(
                lines.get(speciality.code, 1),
                f"spécialité « {speciality.code} » sans épreuve : décrivez ses épreuves"
                " ([[specialities.tests]]) ou retirez l'étape « epreuves »",
            )


def _wizard_settings(f: TomlFile, d: dict) -> dict:
    """The exam's steps and how they word it: labels, the tests' note, extra questions and
    the questions left out."""
    steps = f.value(d, "steps", list, default=[]) or []
    if not all(isinstance(step, str) for step in steps):
        f.problem(f.lines.key("steps"), "« steps » doit être une liste de codes d'étapes")
        steps = []
    texts = {
        key: f.value(d, key, str, default=default) or default
        for key, default in (
            ("speciality_label", "Spécialité"),
            ("qualification_label", "Examen"),
            ("tests_note", ""),
        )
    }
    texts["tests_note"] = " ".join(texts["tests_note"].split())
    left_out = f.value(d, "left_out_fields", list, default=[]) or []
    if not all(isinstance(name, str) for name in left_out):
        f.problem(
            f.lines.key("left_out_fields"), "« left_out_fields » : une liste de noms de champs"
        )
        left_out = []
    return {
        "steps": tuple(steps),
        "extra_fields": _extra_fields(f, d),
        "left_out_fields": tuple(left_out),
        **texts,
    }


def _extra_fields(f: TomlFile, d: dict) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """« [extra_fields] qualification-generique = ["amenagement_handicap"] »."""
    table = f.value(d, "extra_fields", dict, default={}) or {}
    found = []
    for step, names in table.items():
        if not (isinstance(names, list) and all(isinstance(n, str) for n in names)):
            f.problem(
                f.lines.key(step),
                f"extra_fields : « {step} » doit être une liste de noms de champs",
            )
            continue
        found.append((str(step), tuple(names)))
    return tuple(found)


def _reminders(f: TomlFile, d: dict) -> tuple[int, ...]:
    """« reminders = [7, 2] »: days before each deadline, distinct whole numbers 1 to 90."""
    found = f.value(d, "reminders", list, default=[]) or []
    valid = all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 90 for n in found)
    if not valid or len(set(found)) != len(found):
        f.problem(
            f.lines.key("reminders"),
            "« reminders » doit être une liste de nombres de jours distincts, de 1 à 90",
        )
        return ()
    return tuple(sorted(found, reverse=True))


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


def _acquis(f: TomlFile, record: dict, line: int) -> AcquisOrigin:
    kind = f.value(record, "kind", str, line=line, default="dispense", choices=ACQUIS_KINDS)
    tests = f.value(record, "tests", list, line=line, default=[]) or []
    return AcquisOrigin(
        code=f.code(record, line=line),
        label=" ".join((f.value(record, "label", str, line=line) or "").split()) or None,
        kind=kind or "dispense",
        tests=tuple(map(str, tests)),
    )


def _check_acquis_tests(f: TomlFile, acquis: list, tests: tuple, specialities: list) -> None:
    """Every test an origin names must be an exemptable test of the exam."""
    known = {t.code for t in tests if t.exemptable}
    known |= {t.code for s in specialities for t in s.tests if t.exemptable}
    lines = iter(f.lines.tables("acquis"))
    for origin in acquis:
        line = next(lines, 1)
        for code in origin.tests:
            if code not in known:
                f.problem(
                    line,
                    f"acquis « {origin.code} » : « {code} » n'est pas une épreuve de "
                    "l'examen pouvant faire l'objet d'un acquis (exemptable = true)",
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
    tests, seen, placed = [], set(), []
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
            for k in ("unit", "group", "mode", "options_differ_from")
        }
        if kind == "choix" and not text["group"]:
            f.problem(line, f"épreuve « {code} » : une épreuve « choix » doit avoir un « group »")
        placed.append(line)
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
    _check_differ_from(f, tests, placed)
    return tuple(tests)


def _check_differ_from(f: TomlFile, tests: list[Test], lines: list[int]) -> None:
    """« options_differ_from » names another test of the same list, one with options."""
    with_options = {t.code for t in tests if t.options}
    for test, line in zip(tests, lines, strict=True):
        other = test.options_differ_from
        if other and (other == test.code or other not in with_options or not test.options):
            f.problem(
                f.lines.key("options_differ_from", line),
                f"épreuve « {test.code} » : options_differ_from doit nommer une autre épreuve"
                " à options de la même liste, et l'épreuve elle-même doit avoir des options",
            )


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
