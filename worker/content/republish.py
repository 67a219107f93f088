"""Republishing from the back office: an académie's periods and home messages.

An edit is never written blind. Under the lock of the site's writers (``sitebuild.lock``,
the one the nightly ``build.py`` takes too), the current file is read again and the
edit applied to it (so two staff members saving at the same time both keep their change);
the result is checked on a copy of content/ with the very checks of ``build.py --check``;
only then is the real file replaced (``diskio``: temporary file, fsync, rename) and the
static site rebuilt incrementally. The files themselves, and how an edit leaves every
other byte as it was, are ``periods_file`` and ``messages_file``.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from catalog import Catalog, ContentError, Problem, load
from catalog.dates import DateFormatError, format_long, format_short, parse_paris
from catalog.problems import overlapped
from catalog.tables import PERIOD_COLUMNS
from diskio import write_atomically
from sitebuild.check import check_links
from sitebuild.engine import Report, build
from sitebuild.guard import shrink_problem
from sitebuild.lock import LOCK, LockTimeout, held, lock_file
from worker.content.errors import Busy, Conflict, Refused
from worker.content.messages_file import MESSAGE_KEYS, MESSAGES, MessageBlock, MessagesFile
from worker.content.periods_file import PERIODS, PeriodRow, PeriodsFile

__all__ = [  # what the office views and the tests use, the two files' classes included
    "LOCK",
    "MESSAGES",
    "PERIODS",
    "Busy",
    "Conflict",
    "Edit",
    "MessageBlock",
    "MessagesFile",
    "PeriodRow",
    "PeriodsFile",
    "Refused",
    "Saved",
    "check",
    "edit_message",
    "edit_period",
    "lock_file",
    "read_messages",
    "read_periods",
    "save",
    "shown_date",
]

# An edit: the file's current bytes → its new bytes, and the record before and after (audit).
Edit = Callable[[bytes], tuple[bytes, dict, dict]]


# -- the edits -------------------------------------------------------------------------------


def period_values(academy: str, fields: dict[str, str]) -> dict[str, str]:
    """A row's values in PERIOD_COLUMNS order, the académie set by the page, not the form."""
    return {c: (academy if c == "academie" else fields.get(c, "").strip()) for c in PERIOD_COLUMNS}


def _public(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if k in PERIOD_COLUMNS}


def edit_period(academy: str, row_id: str | None, fields: dict[str, str] | None) -> Edit:
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
) -> Edit:
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


def describe(
    problem: Problem,
    periods: PeriodsFile | None = None,
    edited: frozenset[int] = frozenset(),
    catalog: Catalog | None = None,
) -> str:
    """A problem as a sentence; periods.csv rows are named, not only numbered, and the row
    being saved (edited: its lines in the new file) is called so. Two periods that overlap
    are said in the words of the site (exam, session, académie, dates), for the staff
    member who edits them in the back office sees no line numbers."""
    if catalog is not None and problem.path.endswith("/" + PERIODS):
        overlap = _overlap(catalog, problem, edited)
        if overlap:
            return overlap
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


def _overlap(catalog: Catalog, problem: Problem, edited: frozenset[int]) -> str:
    """« La période enregistrée pour ACADÉMIE DE RENNES – BTS – BTS 2027, du … au …,
    chevauche … »; "" when the problem is not an overlap (or its periods are not found)."""
    other_line = overlapped(problem)
    by_line = {p.line: p for p in catalog.periods}
    period, other = by_line.get(problem.line), by_line.get(other_line or 0)
    exam = catalog.exams.get(period.exam) if period else None
    session = exam.session(period.session) if exam and period else None
    academy = catalog.academies.get(period.academy) if period else None
    if other is None or period is None or exam is None or session is None or academy is None:
        return ""
    if other.line in edited and period.line not in edited:  # the one being saved first
        period, other = other, period
    speciality = exam.speciality(period.speciality) if period.speciality else None
    named = f"{academy.name} – {exam.short_name} – {session.label}"  # as the office says it
    if speciality:
        named += f" – spécialité {speciality.name}"
    which = "La période enregistrée" if period.line in edited else "La période"
    same = (
        "de la même session, de la même académie et de la même spécialité"
        if speciality
        else "de la même session et de la même académie"
    )
    return (
        f"{which} pour {named}, du {format_long(period.opens)} au {format_long(period.closes)},"
        f" chevauche une autre période du même examen, {same} :"
        f" celle du {format_long(other.opens)} au"
        f" {format_long(other.closes)} (heure de Paris). Une seule période peut être ouverte"
        " à la fois : modifiez les dates de l'une ou de l'autre."
    )


def check(
    content_dir: Path,
    name: str,
    data: bytes,
    now: datetime,
    current: bytes = b"",
    site_dir: Path | None = None,
) -> list[str]:
    """Every problem build.py --check would report if content/name held data (instead of
    current), each as a sentence; with ``site_dir``, also a periods.csv far shorter than
    the periods the site publishes (the back office cannot force that one)."""
    with tempfile.TemporaryDirectory(prefix="republish-") as folder:
        copy = Path(folder) / content_dir.name
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns(".*"))
        (copy / name).write_bytes(data)
        catalog, problems = load(copy)
        problems += check_links(catalog, now)
        if site_dir is not None and (shrunk := shrink_problem(catalog, copy, site_dir)):
            problems.append(shrunk)
        problems = sorted(problems)
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
        return [describe(p, periods, edited, catalog) for p in problems]


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
    edit: Edit,
    *,
    lock_path: Path,
    now: datetime,
    base_url: str,
    lock_wait: float | None = None,
) -> Saved:
    """Apply edit to content/name under the lock, check, write, rebuild the site.

    The lock (lock_path, ``lock_file(FILES_DIR)``) is held from reading the file to the
    end of the rebuild, so that neither another republication nor ``build.py`` runs
    meanwhile; the rebuild is ``engine.build``, which takes no lock of its own.
    Raises Refused (with every problem) and changes nothing when the result is not valid,
    Busy when the lock is still taken after lock_wait seconds (None: as long as it takes).
    """
    content_dir, site_dir = Path(content_dir), Path(site_dir)
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with held(lock_path, wait=lock_wait):
            return _apply(content_dir, site_dir, name, edit, now, base_url)
    except LockTimeout:
        raise Busy(
            [
                "Le site public est en cours de construction (une autre republication ou la "
                "construction de la nuit) : rien n'a été enregistré. Réessayez dans une "
                "minute ; vos saisies sont conservées ci-dessous."
            ]
        ) from None


def _apply(
    content_dir: Path, site_dir: Path, name: str, edit: Edit, now: datetime, base_url: str
) -> Saved:
    """``save``'s work, under the lock."""
    target = content_dir / name
    current = target.read_bytes() if target.exists() else b""
    data, before, after = edit(current)
    if data == current:
        return Saved(before, after, unchanged=True)
    problems = check(content_dir, name, data, now, current, site_dir)
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
