"""content/periods.csv as the back office edits it: rows kept exactly as written.

Only the row being added, replaced or removed is written anew (in the file's delimiter and
line endings); every other byte (BOM, header, quoting, order, blank lines) stays as it was.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from worker.content.errors import Refused
from worker.content.text import decode, newline_of, physical_lines, record_id

PERIODS = "periods.csv"


@dataclass
class PeriodRow:
    raw: str  # the record as written, line ending included
    line: int  # its (last) line in the file, as catalog.tables counts them
    values: dict[str, str]  # column → value, trimmed

    @property
    def id(self) -> str:
        return record_id(self.raw)

    @property
    def academy(self) -> str:
        return self.values.get("academie", "")

    @property
    def blank(self) -> bool:
        return not any(self.values.values())


@dataclass
class PeriodsFile:
    bom: str
    header: str  # the header line as written
    delimiter: str
    columns: list[str]  # trimmed names, in the header's order
    rows: list[PeriodRow]
    newline: str

    @classmethod
    def parse(cls, data: bytes) -> PeriodsFile:
        text = decode(data, PERIODS)
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        lines = physical_lines(text[len(bom) :])
        if not lines:
            raise Refused([f"{PERIODS} est vide : il doit au moins avoir sa ligne d'en-tête."])
        header = lines[0]
        delimiter = ";" if ";" in header else ","
        columns = [
            c.strip() for c in next(csv.reader([header.rstrip("\r\n")], delimiter=delimiter))
        ]
        missing = [c for c in ("academie", "examen", "session") if c not in columns]
        if missing:
            raise Refused(
                [f"en-tête de {PERIODS} invalide (colonnes manquantes : {', '.join(missing)})."]
            )
        rows, pending, number = [], "", 1
        for line in lines[1:]:
            number += 1
            pending += line
            if pending.count('"') % 2:  # a quoted value spans several lines
                continue
            rows.append(PeriodRow(pending, number, cls._values(pending, delimiter, columns)))
            pending = ""
        if pending:
            rows.append(PeriodRow(pending, number, cls._values(pending, delimiter, columns)))
        return cls(bom, header, delimiter, columns, rows, newline_of(text))

    @staticmethod
    def _values(raw: str, delimiter: str, columns: list[str]) -> dict[str, str]:
        cells = next(csv.reader(io.StringIO(raw), delimiter=delimiter), [])
        return {c: (cells[i] if i < len(cells) else "").strip() for i, c in enumerate(columns)}

    def to_bytes(self) -> bytes:
        return (self.bom + self.header + "".join(r.raw for r in self.rows)).encode("utf-8")

    def periods_of(self, academy: str) -> list[PeriodRow]:
        return [r for r in self.rows if not r.blank and r.academy == academy]

    def find(self, academy: str, row_id: str) -> PeriodRow | None:
        return next((r for r in self.periods_of(academy) if r.id == row_id), None)

    def at_line(self, line: int) -> PeriodRow | None:
        return next((r for r in self.rows if r.line == line), None)

    def format_row(self, values: dict[str, str]) -> str:
        absent = [c for c, v in values.items() if v and c not in self.columns]
        if absent:
            raise Refused(
                [
                    f"la colonne « {c} » est absente de l'en-tête de {PERIODS} : ajoutez-la "
                    "au fichier pour pouvoir renseigner cette date."
                    for c in absent
                ]
            )
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.newline).writerow(
            [values.get(c, "") for c in self.columns]
        )
        return buffer.getvalue()

    def _terminate_last(self) -> None:
        """The file's last record gets a line ending before anything is added after it."""
        if self.rows:
            last = self.rows[-1]
            if not last.raw.endswith(("\n", "\r")):
                last.raw += self.newline
        elif not self.header.endswith(("\n", "\r")):
            self.header += self.newline

    def add(self, values: dict[str, str]) -> PeriodRow:
        """A new row, after the académie's last one (at the end if it has none yet)."""
        row = PeriodRow(self.format_row(values), 0, dict(values))
        own = [i for i, r in enumerate(self.rows) if not r.blank and r.academy == row.academy]
        filled = [i for i, r in enumerate(self.rows) if not r.blank]
        after = own[-1] if own else (filled[-1] if filled else len(self.rows) - 1)
        if after == len(self.rows) - 1:
            self._terminate_last()
        self.rows.insert(after + 1, row)
        return row

    def replace(self, row: PeriodRow, values: dict[str, str]) -> PeriodRow:
        new = self.format_row(values)
        if not row.raw.endswith(("\n", "\r")):  # the last line of a file without final newline
            new = new.rstrip("\r\n")
        fresh = PeriodRow(new, row.line, dict(values))
        self.rows[self.rows.index(row)] = fresh
        return fresh

    def remove(self, row: PeriodRow) -> None:
        self.rows.remove(row)
