"""Results (« Mes notes »): how a mark is typed and stored, and the lines a page shows.

A mark is a number from 0 to 20 with at most two decimals (« 12,5 ») or a code (ABS, DISP).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog import Catalog
from worker.rules import recap
from worker.store.applications import Application

# Marks that are not numbers.
MARK_CODES = {"ABS": "Absent", "DISP": "Dispensé"}
MARK = re.compile(r"^(\d{1,2})(?:[.,](\d{1,2}))?$")
MAX_MARK = 20


def normalize_mark(text: str) -> str:
    """« 12,5 », « 8 », « ABS »: the mark as stored; ValueError with the reason otherwise."""
    value = " ".join(str(text).split()).upper()
    if value in MARK_CODES:
        return value
    found = MARK.match(value)
    if not found:
        raise ValueError(
            f"« {text} » n'est pas une note : saisissez un nombre de 0 à 20 "
            "(par exemple 12,5) ou ABS (absent), DISP (dispensé)."
        )
    whole, decimals = found.group(1), (found.group(2) or "").rstrip("0")
    number = float(f"{whole}.{decimals or 0}")
    if number > MAX_MARK:
        raise ValueError(f"« {text} » dépasse {MAX_MARK} : les notes sont sur 20.")
    return f"{int(whole)},{decimals}" if decimals else str(int(whole))


@dataclass(frozen=True)
class ResultLine:
    code: str
    name: str
    status: str  # Inscrit, Bénéfice… ("" for a test no longer in the catalogue)
    mark: str  # as stored: "12,5", "ABS"

    @property
    def shown(self) -> str:
        if self.mark in MARK_CODES:
            return MARK_CODES[self.mark]
        return f"{self.mark}/20" if self.mark else "—"


def result_lines(
    catalog: Catalog, application: Application, marks: dict[str, str]
) -> list[ResultLine]:
    """The application's tests in the catalogue's order with their marks, then any marked
    test the catalogue no longer lists."""
    exam = catalog.exams.get(application.exam)
    rows = (
        [
            r
            for r in recap.test_rows(exam, application.answers, application.speciality)
            if r.status != "Non inscrit"
        ]
        if exam
        else []
    )
    lines = [
        ResultLine(r.test.code, r.test.name, r.status, marks.get(r.test.code, "")) for r in rows
    ]
    known = {line.code for line in lines}
    lines += [
        ResultLine(code, code, "", mark)
        for code, mark in sorted(marks.items())
        if code not in known
    ]
    return lines
