"""Problems found in content/, each pointing at a file and a line."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to content/'s parent, e.g. "content/periods.csv"
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# Two periods of one académie, exam, session and speciality that overlap: the later one's
# problem names the line of the other, which the back office reads back (``overlapped``).
OVERLAP = (
    "période qui chevauche celle de la ligne {line} (même académie, examen, session et spécialité)"
)
_OVERLAP = re.compile(re.escape(OVERLAP).replace(re.escape("{line}"), r"(\d+)"))


def overlapped(problem: Problem) -> int | None:
    """The line of the period that the problem's period overlaps; None: another problem."""
    found = _OVERLAP.fullmatch(problem.message)
    return int(found.group(1)) if found else None


class ContentError(Exception):
    """Raised by load_catalog when content/ has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class TomlLines:
    """Finds the line of a key or of the n-th ``[[table]]`` in a TOML text.

    tomllib gives no positions; a plain scan is enough for the flat files of content/
    and lets every message name its line.
    """

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def key(self, key: str, after: int = 1) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number in range(after, len(self.lines) + 1):
            if pattern.match(self.lines[number - 1]):
                return number
        return after

    def tables(self, name: str) -> list[int]:
        header = f"[[{name}]]"
        return [n for n, line in enumerate(self.lines, 1) if line.strip() == header]


def read_text(path, label: str, problems: list[Problem], *, bom: bool = False) -> str | None:
    """A content file decoded strictly as UTF-8 (``bom``: a leading BOM is allowed, as
    spreadsheets write one); an undecodable byte is a problem at its line, never an
    exception, so that ``--check`` lists it and the worker keeps its last good catalogue."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(
                label,
                line,
                f"octet 0x{data[exc.start]:02X} illisible : ce fichier n'est pas en UTF-8 ; "
                "enregistrez-le en UTF-8 (dans un tableur : « CSV UTF-8 »)",
            )
        )
        return None
