"""Catalog: every record of content/, with the lookups both halves need."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from . import guides as guide_text
from .cross_checks import check_periods, cross_check
from .exams import read_exam
from .memo import ReadMemo, read_directly
from .model import Academy, Domain, Establishment, Exam, Guide, Message, Page, Period, Step
from .problems import ContentError, Problem
from .records import read_academy, read_domains, read_lists, read_messages, read_wizard
from .tables import read_establishments, read_periods


@dataclass(frozen=True)
class Catalog:
    root: Path
    domains: tuple[Domain, ...]
    exams: dict[str, Exam]
    academies: dict[str, Academy]
    periods: tuple[Period, ...]
    messages: tuple[Message, ...]
    guides: dict[str, Guide]  # shared guides by slug
    overrides: dict[tuple[str, str], Guide]  # (academy, slug) → override
    pages: dict[str, Page]
    periods_digest: str = ""  # digest of periods.csv: stands for all periods in build keys
    steps: dict[str, Step] = field(default_factory=dict)  # the wizard's steps by code
    lists: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    establishments: tuple[Establishment, ...] = ()
    _by_key: dict = field(default_factory=dict, repr=False, compare=False)
    _schools: dict = field(default_factory=dict, repr=False, compare=False)  # by académie
    _exam_steps: dict = field(default_factory=dict, repr=False, compare=False)  # by exam code

    def __post_init__(self) -> None:
        index = defaultdict(list)
        for period in self.periods:
            index[period.exam, period.session].append(period)
            index[period.exam, period.session, period.academy].append(period)
            index[period.academy].append(period)
            index[period.exam].append(period)
        self._by_key.update(index)
        schools = defaultdict(dict)
        for establishment in self.establishments:
            schools[establishment.academy][establishment.uai] = establishment
        self._schools.update(schools)

    def establishments_of(self, academy: str) -> tuple[Establishment, ...]:
        """The académie's establishments, in the order of establishments.csv (indexed once:
        pages that name an application's school look it up on every request)."""
        return tuple(self._schools.get(academy, {}).values())

    def establishment(self, academy: str, uai: str | None) -> Establishment | None:
        """The académie's establishment with this UAI, if any."""
        return self._schools.get(academy, {}).get(uai)

    def exam_steps(self, exam: Exam) -> list[Step]:
        """The exam's steps in order, each with the questions of other steps the exam asks
        there too (``extra_fields``) and without those it leaves out (``left_out_fields``);
        composed once per exam (pages ask for them at every request)."""
        found = self._exam_steps.get(exam.code)
        if found is None or found[0] is not exam:
            extra = dict(exam.extra_fields)
            steps = [self.steps[code] for code in exam.steps if code in self.steps]
            composed = [
                self._with_fields(step, extra.get(step.code, ()), exam.left_out_fields)
                for step in steps
            ]
            found = self._exam_steps[exam.code] = (exam, composed)
        return list(found[1])

    def _with_fields(self, step: Step, names: tuple[str, ...], left_out: tuple[str, ...]) -> Step:
        if not names and not any(f.name in left_out for f in step.fields):
            return step
        fields = {f.name: f for s in self.steps.values() for f in s.fields}
        asked = step.fields + tuple(fields[n] for n in names if n in fields)
        return replace(step, fields=tuple(f for f in asked if f.name not in left_out))

    def open_periods_for(
        self, exam: str, session: str, academy: str, now: datetime, speciality: str = ""
    ) -> list[Period]:
        """Open periods for this choice (a speciality's own period, or one for all)."""
        return [
            p
            for p in self.periods_for(exam=exam, session=session, academy=academy)
            if p.is_open(now) and (not speciality or p.speciality in ("", speciality))
        ]

    def domain(self, code: str) -> Domain | None:
        return next((d for d in self.domains if d.code == code), None)

    def exams_in(self, domain: str) -> list[Exam]:
        return [e for e in self.exams.values() if e.domain == domain]

    def periods_for(self, *, exam: str, session: str, academy: str | None = None) -> list[Period]:
        key = (exam, session) if academy is None else (exam, session, academy)
        return list(self._by_key.get(key, ()))

    def academy_periods(self, academy: str) -> list[Period]:
        return self._by_key.get(academy, [])

    def exam_periods(self, exam: str) -> list[Period]:
        return self._by_key.get(exam, [])

    def open_periods(self, now: datetime) -> list[Period]:
        return [p for p in self.periods if p.is_open(now)]

    def guide_title(self, academy: str, slug: str) -> str:
        """An override that replaces a guide may retitle it; an extension keeps the title."""
        override = self.overrides.get((academy, slug))
        return (
            override.title if override and override.mode == "replace" else self.guides[slug].title
        )

    def guide_body(self, academy: str, slug: str) -> str:
        return guide_text.merged_body(self.guides[slug], self.overrides.get((academy, slug)))

    def messages_shown(self, now: datetime, academy: str | None = None) -> list[Message]:
        return [
            m
            for m in self.messages
            if m.is_shown(now) and (academy is None or not m.academies or academy in m.academies)
        ]


def load_catalog(root: str | Path, memo: ReadMemo | None = None) -> Catalog:
    catalog, problems = load(root, memo)
    if problems:
        raise ContentError(problems)
    return catalog


def load(root: str | Path, memo: ReadMemo | None = None) -> tuple[Catalog, list[Problem]]:
    """Read and cross-check content/; returns the catalog and every problem found.

    memo: what the readers made of each file last time (``memo.py``), for the static build.
    """
    root = Path(root)
    read = memo.read if memo is not None else read_directly
    base = root.name
    problems: list[Problem] = []

    def label(path: Path) -> str:
        return f"{base}/{path.relative_to(root).as_posix()}"

    def each(folder: str, pattern: str) -> list[Path]:
        return sorted((root / folder).glob(pattern)) if (root / folder).is_dir() else []

    def one(name: str, reader, empty, required: bool = False):
        path = root / name
        if path.exists():
            return read(reader, path, label(path), problems)
        if required:
            problems.append(Problem(label(path), 1, "fichier obligatoire absent"))
        return empty

    def every(folder: str, reader) -> list:
        return [r for p in each(folder, "*.toml") if (r := read(reader, p, label(p), problems))]

    domains = one("domains.toml", read_domains, [], required=True)
    exams = {e.code: e for e in every("exams", read_exam)}
    academies = {a.code: a for a in every("academies", read_academy)}
    periods = one("periods.csv", read_periods, [], required=True)
    messages = one("messages.toml", read_messages, [])
    steps = one("wizard.toml", read_wizard, {})
    lists = one("lists.toml", read_lists, {})
    establishments = one("establishments.csv", read_establishments, [])
    shared, overrides, pages = _read_texts(each, label, problems, read)

    periods, period_problems = check_periods(exams, academies, periods, label(root / "periods.csv"))
    overrides = {k: g for k, g in overrides.items() if k[0] in academies and k[1] in shared}
    catalog = Catalog(
        root=root,
        domains=tuple(domains),
        exams=exams,
        academies=academies,
        periods=tuple(periods),
        messages=tuple(messages),
        guides=shared,
        overrides=overrides,
        pages=pages,
        periods_digest=_digest(root / "periods.csv"),
        steps=steps,
        lists=lists,
        establishments=tuple(e for e in establishments if e.academy in academies),
    )
    problems += period_problems + cross_check(catalog, label, each("guides", "*/*.md"))
    return catalog, problems


def _read_texts(each, label, problems: list[Problem], read) -> tuple[dict, dict, dict]:
    """The Markdown files: shared guides, académies' overrides of them, editorial pages."""
    shared = {
        g.slug: g
        for p in each("guides", "*.md")
        if (g := read(guide_text.read_guide, p, label(p), problems, ""))
    }
    overrides = {
        (g.academy, g.slug): g
        for p in each("guides", "*/*.md")
        if (g := read(guide_text.read_guide, p, label(p), problems, p.parent.name))
    }
    pages = {
        pg.slug: pg
        for p in each("pages", "*.md")
        if (pg := read(guide_text.read_page, p, label(p), problems))
    }
    return shared, overrides, pages


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest() if path.exists() else ""
