"""Catalog: every record of content/, with the lookups both halves need."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from . import guides as guide_text
from .exams import read_exam
from .memo import ReadMemo, read_directly
from .model import Academy, Domain, Establishment, Exam, Guide, Message, Page, Period, Step
from .problems import OVERLAP, ContentError, Problem, TomlLines
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
        there too (``extra_fields``) and without those it leaves out (``left_out_fields``)."""
        extra = dict(exam.extra_fields)
        steps = [self.steps[code] for code in exam.steps if code in self.steps]
        return [
            self._with_fields(step, extra.get(step.code, ()), exam.left_out_fields)
            for step in steps
        ]

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

    periods, period_problems = _check_periods(
        exams, academies, periods, label(root / "periods.csv")
    )
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


def cross_check(c: Catalog, label, override_files: list[Path]) -> list[Problem]:
    """References between files: unknown codes, overlaps, guide variables."""
    problems: list[Problem] = []
    root = c.root

    def at(relative: str, key: str) -> tuple[str, int]:
        path = root / relative
        return label(path), TomlLines(path.read_text("utf-8", errors="replace")).key(key)

    problems += _unknown_codes(c, at, label(root / "messages.toml"))
    for path in override_files:
        academy, slug = path.parent.name, path.stem
        if academy not in c.academies:
            problems.append(Problem(label(path), 1, f"dossier « {academy} » : académie inconnue"))
        elif slug not in c.guides:
            problems.append(
                Problem(label(path), 1, f"aucun guide partagé « {slug}.md » à compléter")
            )
    problems += _check_guides(c)
    problems += _check_wizard(c, label)
    for page in c.pages.values():
        problems += _check_text(page, [])
        for line, name in guide_text.variables_used(page.body, page.body_line):
            problems.append(
                Problem(
                    page.path,
                    line,
                    f"variable {{{{ {name} }}}} : les variables "
                    "ne sont possibles que dans les guides d'une académie",
                )
            )
    return problems


def _unknown_codes(c: Catalog, at, messages_label: str) -> list[Problem]:
    """Codes that name nothing: an exam's domain, an académie's members, a message's académies."""
    problems: list[Problem] = []
    domain_codes = {d.code for d in c.domains}
    for exam in c.exams.values():
        if exam.domain not in domain_codes:
            problems.append(
                Problem(
                    *at(f"exams/{exam.code}.toml", "domain"),
                    f"domaine « {exam.domain} » inconnu (voir domains.toml)",
                )
            )
    for academy in c.academies.values():
        for member in academy.members:
            if member not in c.academies:
                problems.append(
                    Problem(
                        *at(f"academies/{academy.code}.toml", "members"),
                        f"académie membre « {member} » inconnue",
                    )
                )
    for message in c.messages:
        for code in message.academies:
            if code not in c.academies:
                problems.append(
                    Problem(
                        messages_label,
                        message.line,
                        f"message « {message.id} » : académie « {code} » inconnue",
                    )
                )
    return problems


def _check_periods(
    exams: dict[str, Exam], academies: dict[str, Academy], periods: list[Period], csv_label: str
) -> tuple[list[Period], list[Problem]]:
    """Periods whose codes all exist, and the problems of the others (overlaps included)."""
    problems: list[Problem] = []
    groups: dict[tuple, list[Period]] = defaultdict(list)
    for p in periods:
        exam = exams.get(p.exam)
        error = None
        if p.academy not in academies:
            error = f"académie « {p.academy} » inconnue"
        elif exam is None:
            error = f"examen « {p.exam} » inconnu"
        elif exam.session(p.session) is None:
            error = f"session « {p.session} » inconnue pour l'examen {exam.short_name}"
        elif p.speciality and exam.speciality(p.speciality) is None:
            error = f"spécialité « {p.speciality} » inconnue pour l'examen {exam.short_name}"
        if error:
            problems.append(Problem(csv_label, p.line, error))
        else:
            groups[p.academy, p.exam, p.session, p.speciality].append(p)
    for group in groups.values():
        # Sorted by opening, a period overlaps an earlier one when it opens before the
        # latest closing seen so far (not only the previous period's).
        latest: Period | None = None
        for period in sorted(group, key=lambda p: p.opens):
            if latest is not None and period.opens < latest.closes:
                problems.append(Problem(csv_label, period.line, OVERLAP.format(line=latest.line)))
            if latest is None or period.closes > latest.closes:
                latest = period
    valid = [p for group in groups.values() for p in group]
    return sorted(valid, key=lambda p: p.line), problems


def _check_guides(c: Catalog) -> list[Problem]:
    problems: list[Problem] = []
    for guide in c.guides.values():
        for exam in guide.exams:
            if exam not in c.exams:
                problems.append(Problem(guide.path, 1, f"examen « {exam} » inconnu"))
        audience = [
            a
            for a in c.academies.values()
            if c.overrides.get((a.code, guide.slug), guide).mode != "replace"
        ]
        problems += _check_text(guide, audience)
    for (academy_code, slug), override in c.overrides.items():
        academy = c.academies[academy_code]
        if (
            override.section
            and guide_text.section_start(c.guides[slug].body.split("\n"), override.section) is None
        ):
            problems.append(
                Problem(
                    override.path, 1, f"section « {override.section} » absente du guide {slug}.md"
                )
            )
        problems += _check_text(override, [academy])
    return problems


def _check_text(guide: Guide | Page, academies: list[Academy]) -> list[Problem]:
    """Missing variables and unknown callout kinds in one guide (or page) file."""
    problems = []
    defined = [(a.code, a.guide_variables()) for a in academies]
    for line, name in guide_text.variables_used(guide.body, guide.body_line):
        lacking = [code for code, variables in defined if name not in variables]
        if lacking:
            shown = ", ".join(lacking[:5]) + (" …" if len(lacking) > 5 else "")
            problems.append(
                Problem(guide.path, line, f"variable {{{{ {name} }}}} non définie pour : {shown}")
            )
    for offset, kind in guide_text.callout_kinds(guide.body):
        if kind not in guide_text.CALLOUTS:
            problems.append(
                Problem(
                    guide.path,
                    guide.body_line + offset,
                    f"encadré « {kind} » inconnu (attendu : {', '.join(guide_text.CALLOUTS)})",
                )
            )
    return problems


COMPUTED_CHOICES = ("etablissements", "academies", "pays", "departements", "specialites", "annees")


def _check_wizard(c: Catalog, label) -> list[Problem]:
    """Steps named by exams exist; choice lists and conditions refer to something real."""
    problems: list[Problem] = []
    for exam in c.exams.values():
        for code in exam.steps:
            if code not in c.steps:
                path, line = label(c.root / f"exams/{exam.code}.toml"), 1
                text = (c.root / f"exams/{exam.code}.toml").read_text("utf-8", errors="replace")
                line = TomlLines(text).key("steps")
                problems.append(
                    Problem(path, line, f"étape « {code} » inconnue (voir wizard.toml)")
                )
    problems += _check_extra_fields(c, label)
    wizard = c.root / "wizard.toml"
    lines = TomlLines(wizard.read_text("utf-8", errors="replace") if c.steps else "")
    first_line = {t.strip(): n for n, t in reversed(list(enumerate(lines.lines, 1)))}
    for step in c.steps.values():
        names = {f.name for f in step.fields}
        for item in step.fields:
            line = first_line.get(f'name = "{item.name}"', 1)
            source = item.choices_from
            if source and source not in c.lists and source not in COMPUTED_CHOICES:
                problems.append(
                    Problem(
                        wizard,
                        line,
                        f"champ « {item.name} » : liste « {source} » inconnue (voir lists.toml)",
                    )
                )
            if item.type in ("select", "radio") and not (item.choices or source):
                problems.append(
                    Problem(wizard, line, f"champ « {item.name} » : choices ou choices_from requis")
                )
            condition = item.show_if
            if condition and not condition.startswith("account."):
                other = condition.split("==")[0].strip()
                if "==" not in condition or other not in names:
                    problems.append(
                        Problem(
                            wizard,
                            line,
                            f"champ « {item.name} » : show_if "
                            f"« {condition} » doit être « champ == valeur » d'un "
                            "champ de la même étape",
                        )
                    )
    return problems


def _check_extra_fields(c: Catalog, label) -> list[Problem]:
    """An exam's extra questions: a field of wizard.toml, on one of its steps, asked once;
    its questions left out: fields of its steps."""
    problems: list[Problem] = []
    known = {f.name for s in c.steps.values() for f in s.fields}
    for exam in (e for e in c.exams.values() if e.left_out_fields):
        path = c.root / f"exams/{exam.code}.toml"
        lines = TomlLines(path.read_text("utf-8", errors="replace"))
        own = {f.name for code in exam.steps if code in c.steps for f in c.steps[code].fields}
        problems += [
            Problem(
                label(path),
                lines.key("left_out_fields"),
                f"left_out_fields : « {name} » n'est posé par aucune étape de l'examen",
            )
            for name in exam.left_out_fields
            if name not in own
        ]
    for exam in (e for e in c.exams.values() if e.extra_fields):
        path = c.root / f"exams/{exam.code}.toml"
        lines = TomlLines(path.read_text("utf-8", errors="replace"))
        asked = [f.name for s in c.exam_steps(exam) for f in s.fields]
        for step, names in exam.extra_fields:
            found = [] if step in exam.steps else [f"« {step} » n'est pas une étape de l'examen"]
            found += [
                f"champ « {name} » inconnu (voir wizard.toml)"
                if name not in known
                else f"le champ « {name} » est déjà posé par une autre étape"
                for name in names
                if name not in known or asked.count(name) > 1
            ]
            problems += [
                Problem(label(path), lines.key(step), f"extra_fields : {m}") for m in found
            ]
    return problems
