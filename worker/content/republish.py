"""Republishing from the back office: an académie's periods and home messages.

An edit is never written blind. Under a lock, the current file is read again and the
edit applied to it (so two staff members saving at the same time both keep their change);
the result is checked on a copy of content/ with the very checks of ``build.py --check``;
only then is the real file replaced (``diskio``: temporary file, fsync, rename) and the static site
rebuilt incrementally. Everything outside the edited row or message stays byte-for-byte
as it was: delimiter, header, order, quoting, comments and line endings.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import json
import re
import shutil
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from catalog import ContentError, Problem, load
from catalog.dates import DateFormatError, format_short, parse_paris
from catalog.loader import PERIOD_COLUMNS
from catalog.slugs import slugify
from diskio import write_atomically
from sitebuild.check import check_links
from sitebuild.engine import Report, build

PERIODS = "periods.csv"
MESSAGES = "messages.toml"
LOCK = "republish.lock"  # in DATA_DIR, shared by every worker process
MESSAGE_KEYS = ("id", "title", "text", "level", "show_from", "show_until")


class Refused(Exception):
    """The edit cannot be made; ``messages`` says why, in French, for the page."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class Conflict(Refused):
    """The row or message changed (or went) since the form was opened."""


class NotFound(Exception):
    """No such row or message for this académie."""


class Forbidden(Exception):
    """The message exists but is not the member's to change (national, or shared)."""


def record_id(raw: str) -> str:
    """A row's or message's identity and version at once: a digest of its text."""
    return hashlib.blake2b(raw.rstrip("\r\n").encode(), digest_size=6).hexdigest()


def _physical_lines(text: str) -> list[str]:
    """The lines of text, each with its own line ending (\\r\\n, \\n or \\r)."""
    return re.findall(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+\Z", text)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused([f"{name} n'est pas enregistré en UTF-8 : corrigez le fichier."]) from None


# -- periods.csv -----------------------------------------------------------------------------


@dataclass
class PeriodRow:
    raw: str  # the record as written, line ending included
    line: int  # its (last) line in the file, as the loader counts them
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
        text = _decode(data, PERIODS)
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        lines = _physical_lines(text[len(bom) :])
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
        return cls(bom, header, delimiter, columns, rows, _newline(text))

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


def period_values(academy: str, fields: dict[str, str]) -> dict[str, str]:
    """A row's values in PERIOD_COLUMNS order, the académie set by the page, not the form."""
    return {c: (academy if c == "academie" else fields.get(c, "").strip()) for c in PERIOD_COLUMNS}


def _public(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k in PERIOD_COLUMNS}


def edit_period(academy: str, row_id: str | None, fields: dict[str, str] | None):
    """An edit of periods.csv: add (row_id None), replace, or delete (fields None)."""

    def apply(data: bytes) -> tuple[bytes, dict, dict]:
        periods = PeriodsFile.parse(data)
        before: dict = {}
        if row_id is None:
            row = periods.add(period_values(academy, fields or {}))
        else:
            row = periods.find(academy, row_id)
            if row is None:
                raise Conflict(
                    [
                        "Cette période a été modifiée ou supprimée entre-temps (par un autre "
                        "gestionnaire ou dans le fichier) : revenez à la liste pour repartir "
                        "de la version à jour."
                    ]
                )
            before = _public(row.values)
            if fields is None:
                periods.remove(row)
                return periods.to_bytes(), before, {}
            row = periods.replace(row, period_values(academy, fields))
        return periods.to_bytes(), before, _public(row.values)

    return apply


# -- messages.toml ---------------------------------------------------------------------------


@dataclass
class MessageBlock:
    body: str  # from its [[message]] line to its last key, line endings included
    tail: str  # the blank lines and comments that follow it, up to the next message
    data: dict

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))

    @property
    def version(self) -> str:
        return record_id(self.body)

    @property
    def academies(self) -> tuple[str, ...]:
        value = self.data.get("academies", [])
        return tuple(str(a) for a in value) if isinstance(value, list) else ()

    def editable_by(self, scope: tuple[str, ...] | list[str]) -> bool:
        """Only a message restricted to the member's académies: never a national one."""
        return bool(self.academies) and set(self.academies) <= set(scope)


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


@dataclass
class MessagesFile:
    preamble: str
    blocks: list[MessageBlock]
    newline: str

    @classmethod
    def parse(cls, data: bytes) -> MessagesFile:
        text = _decode(data, MESSAGES)
        shape = [
            f"{MESSAGES} n'a pas la forme attendue (des tables [[message]] seulement) : "
            "modifiez-le directement puis lancez build.py --check."
        ]
        try:
            whole = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise Refused([f"{MESSAGES} : TOML invalide ({exc}) ; corrigez le fichier."]) from None
        if set(whole) - {"message"} or not isinstance(whole.get("message", []), list):
            raise Refused(shape)
        lines = _physical_lines(text)
        starts = [i for i, line in enumerate(lines) if line.strip() == "[[message]]"]
        preamble = "".join(lines[: starts[0]] if starts else lines)
        blocks = []
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            chunk = lines[start:end]
            last = max(
                i
                for i, line in enumerate(chunk)
                if line.strip() and not line.strip().startswith("#")
            )
            body, tail = "".join(chunk[: last + 1]), "".join(chunk[last + 1 :])
            try:
                parsed = tomllib.loads(body).get("message", [])
            except tomllib.TOMLDecodeError:
                raise Refused(shape) from None
            if len(parsed) != 1:
                raise Refused(shape)
            blocks.append(MessageBlock(body, tail, parsed[0]))
        if [b.data for b in blocks] != whole.get("message", []):
            raise Refused(shape)
        return cls(preamble, blocks, _newline(text))

    def to_bytes(self) -> bytes:
        return (self.preamble + "".join(b.body + b.tail for b in self.blocks)).encode("utf-8")

    def of(self, academy: str) -> list[MessageBlock]:
        return [b for b in self.blocks if academy in b.academies]

    def national(self) -> list[MessageBlock]:
        return [b for b in self.blocks if not b.academies]

    def find(self, message_id: str) -> MessageBlock | None:
        return next((b for b in self.blocks if b.id == message_id), None)

    def format_block(self, data: dict) -> str:
        lines = ["[[message]]"]
        for key in MESSAGE_KEYS:
            lines.append(f"{key} = {_toml_string(str(data[key]))}")
        academies = ", ".join(_toml_string(a) for a in data["academies"])
        lines.append(f"academies = [{academies}]")
        body = self.newline.join(lines) + self.newline
        if tomllib.loads(body)["message"] != [data]:  # never write what would read otherwise
            raise Refused(
                ["Le message ne peut pas être enregistré tel quel : simplifiez le texte."]
            )
        return body

    def new_id(self, academy: str, title: str) -> str:
        slug = slugify(f"{academy} {title}")[:60].strip("-") or academy
        taken = {b.id for b in self.blocks}
        candidate, n = slug, 2
        while candidate in taken:
            candidate, n = f"{slug}-{n}", n + 1
        return candidate

    def add(self, data: dict) -> None:
        """A new message at the end of the file, after a blank line."""
        body = self.format_block(data)
        if self.blocks:
            last = self.blocks[-1]
            if last.tail:
                if not last.tail.endswith(("\n", "\r")):
                    last.tail += self.newline
            elif not last.body.endswith(("\n", "\r")):
                last.body += self.newline
            before = last.body + last.tail
        else:
            if self.preamble and not self.preamble.endswith(("\n", "\r")):
                self.preamble += self.newline
            before = self.preamble
        lines = _physical_lines(before)
        if lines and lines[-1].strip():
            body = self.newline + body
        self.blocks.append(MessageBlock(body, "", data))

    def replace(self, block: MessageBlock, data: dict) -> None:
        body = self.format_block(data)
        if not block.body.endswith(("\n", "\r")):
            body = body.rstrip("\r\n")
        self.blocks[self.blocks.index(block)] = MessageBlock(body, block.tail, data)

    def remove(self, block: MessageBlock) -> None:
        """The message goes; comments after it (about the next one) stay."""
        index = self.blocks.index(block)
        del self.blocks[index]
        kept = block.tail if block.tail.strip() else ""
        previous = self.blocks[index - 1] if index > 0 else None
        if previous is not None:
            previous.tail += kept
        else:
            self.preamble += kept
        if index == len(self.blocks) and not kept:  # it was the last: no blank lines left
            if previous is not None and not previous.tail.strip():
                previous.tail = ""
            elif previous is None:
                stripped = self.preamble.rstrip()
                self.preamble = stripped + self.newline if stripped else ""


def _message_data(message_id: str, fields: dict[str, str], academies: tuple[str, ...]) -> dict:
    data = {"id": message_id, **{k: fields[k].strip() for k in MESSAGE_KEYS if k != "id"}}
    data["academies"] = list(academies)
    return data


def edit_message(
    academy: str,
    scope: tuple[str, ...],
    message_id: str | None,
    version: str | None,
    fields: dict[str, str] | None,
):
    """An edit of messages.toml: add (message_id None), replace, or delete (fields None)."""

    def apply(data: bytes) -> tuple[bytes, dict, dict]:
        messages = MessagesFile.parse(data)
        if message_id is None:
            new = _message_data(messages.new_id(academy, fields["title"]), fields, (academy,))
            messages.add(new)
            return messages.to_bytes(), {}, new
        block = messages.find(message_id)
        if block is None or block.version != version:
            raise Conflict(
                [
                    "Ce message a été modifié ou supprimé entre-temps (par un autre "
                    "gestionnaire ou dans le fichier) : revenez à la liste pour repartir de "
                    "la version à jour."
                ]
            )
        if not block.editable_by(scope) or academy not in block.academies:
            raise Refused(["Ce message ne concerne pas seulement vos académies."])
        if fields is None:
            messages.remove(block)
            return messages.to_bytes(), block.data, {}
        new = _message_data(block.id, fields, block.academies)
        messages.replace(block, new)
        return messages.to_bytes(), block.data, new

    return apply


# -- checking, writing, rebuilding -----------------------------------------------------------


@dataclass
class Saved:
    before: dict
    after: dict
    report: Report | None = None  # None: nothing changed, or the build failed
    unchanged: bool = False
    build_problems: list[str] = field(default_factory=list)


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """One republication at a time, across threads and worker processes."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def describe(
    problem: Problem, periods: PeriodsFile | None = None, edited: frozenset[int] = frozenset()
) -> str:
    """A problem as a sentence; periods.csv rows are named, not only numbered, and the row
    being saved (edited: its lines in the new file) is called so."""
    where = f"{problem.path}, ligne {problem.line}"
    message = problem.message
    if periods is not None and problem.path.endswith("/" + PERIODS):
        row = periods.at_line(problem.line)
        if row is not None:
            v = row.values
            speciality = f", spécialité {v['specialite']}" if v.get("specialite") else ""
            named = f"({v['academie']}, {v['examen']}, session {v['session']}{speciality})"
            if problem.line in edited:
                where = f"La période enregistrée {named}"
            else:
                where += f" {named}"

        def dates(m: re.Match) -> str:
            other = periods.at_line(int(m.group(1)))
            if other is None:
                return m.group(0)
            o = other.values
            return (
                f"{m.group(0)} de {PERIODS} (ouverture {o.get('ouverture', '')}, "
                f"fermeture {o.get('fermeture', '')})"
            )

        message = re.sub(r"ligne (\d+)", dates, message)
    return f"{where} : {message}"


def check(
    content_dir: Path, name: str, data: bytes, now: datetime, current: bytes = b""
) -> list[str]:
    """Every problem build.py --check would report if content/name held data (instead of
    current), each as a sentence."""
    with tempfile.TemporaryDirectory(prefix="republish-") as folder:
        copy = Path(folder) / content_dir.name
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns(".*"))
        (copy / name).write_bytes(data)
        catalog, problems = load(copy)
        problems = sorted(problems + check_links(catalog, now))
        try:
            periods = PeriodsFile.parse((copy / PERIODS).read_bytes())
        except (Refused, OSError):
            periods = None
        edited: frozenset[int] = frozenset()
        if periods is not None and name == PERIODS:
            try:
                old = {r.raw.rstrip("\r\n") for r in PeriodsFile.parse(current).rows}
            except Refused:
                old = set()
            edited = frozenset(r.line for r in periods.rows if r.raw.rstrip("\r\n") not in old)
        return [describe(p, periods, edited) for p in problems]


def replace_file(target: Path, data: bytes) -> None:
    """Replace content/name durably, keeping its permissions. The temporary file sits beside
    content/ when possible, so that the worker's watch of content/ never meets a half-written
    file; in content/ itself when the folder above is not writable (or another disk)."""
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    outside, inside = target.parent.parent, target.parent
    try:
        write_atomically(target, [data], mode=mode, staging=outside)
    except OSError:
        write_atomically(target, [data], mode=mode, staging=inside)


def save(
    content_dir: Path,
    site_dir: Path,
    name: str,
    edit: Callable[[bytes], tuple[bytes, dict, dict]],
    *,
    lock_path: Path,
    now: datetime,
    base_url: str,
) -> Saved:
    """Apply edit to content/name under the lock, check, write, rebuild the site.

    Raises Refused (with every problem) and changes nothing when the result is not valid.
    """
    content_dir, site_dir = Path(content_dir), Path(site_dir)
    with locked(lock_path):
        target = content_dir / name
        current = target.read_bytes() if target.exists() else b""
        data, before, after = edit(current)
        if data == current:
            return Saved(before, after, unchanged=True)
        problems = check(content_dir, name, data, now, current)
        if problems:
            raise Refused(problems)
        try:
            replace_file(target, data)
        except OSError as exc:
            raise Refused(
                [f"{name} n'a pas pu être enregistré ({exc}) : rien n'a été modifié."]
            ) from exc
        try:
            report = build(content_dir, site_dir, now=now, base_url=base_url)
        except ContentError as exc:  # another file changed meanwhile, outside the portal
            return Saved(before, after, build_problems=[describe(p) for p in exc.problems])
        except OSError as exc:
            return Saved(before, after, build_problems=[f"écriture du site impossible ({exc})"])
        return Saved(before, after, report)


# -- reading, for the page -------------------------------------------------------------------


def read_periods(content_dir: Path) -> PeriodsFile:
    return PeriodsFile.parse((Path(content_dir) / PERIODS).read_bytes())


def read_messages(content_dir: Path) -> MessagesFile:
    path = Path(content_dir) / MESSAGES
    return MessagesFile.parse(path.read_bytes() if path.exists() else b"")


def shown_date(value: str, *, day_only: bool = False) -> str:
    """A date of the files in the page's format (JJ/MM/AAAA HH:MM, Paris time)."""
    if not value:
        return ""
    try:
        moment = parse_paris(value, default_time=(23, 59) if day_only else (0, 0))
    except DateFormatError:
        return value
    return format_short(moment)[:10] if day_only else format_short(moment)
