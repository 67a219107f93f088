"""The checks between content files, once each is read: codes that name nothing,
overlapping periods, guides' variables and links, the wizard's and the exams' questions.

Each file's own problems are its reader's (``exams``, ``records``, ``tables``…); these
need the whole catalog, and run afresh at every load (the memo never skips them).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from . import guides as guide_text
from .model import Academy, Exam, Guide, Page, Period
from .problems import OVERLAP, Problem, TomlLines

if TYPE_CHECKING:
    from .store import Catalog


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


def check_periods(
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
