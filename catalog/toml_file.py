"""One TOML file of content/ being read: typed values, codes, and problems with their line.

Each ``read_*`` function of the catalog's readers handles one kind of file and never
raises on bad content: it records a Problem and skips what it cannot use, so that one run
of ``build.py --check`` lists everything that needs fixing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .problems import Problem, TomlLines, read_text

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class TomlFile:
    """One TOML file being read: its data, where its keys are, and the problems found."""

    def __init__(self, path: Path, label: str, problems: list[Problem]):
        self.label = label
        self.problems = problems
        text = read_text(path, label, problems)
        self.lines = TomlLines(text or "")
        self.data: dict[str, Any] | None = None
        if text is None:
            return
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
            self.problem(line, f"TOML invalide : {exc}")

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
