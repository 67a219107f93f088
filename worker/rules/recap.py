"""An application's answers as people read them: choices in words, tests and their
positions, the récapitulatif. Shared by the wizard, the back office and the documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalog import Catalog
from catalog.model import Academy, Exam, Session, Step, StepField, Test
from worker import refdata
from worker.rules import birthplace
from worker.store.accounts import Account

YES_NO = (("oui", "Oui"), ("non", "Non"))
REGISTERED, NOT_REGISTERED = "inscrit", "non_inscrit"


POSITIONS = ((REGISTERED, "Inscrit"), (NOT_REGISTERED, "Non inscrit"))


ACQUIS_ORIGINS = (
    ("aucun", "Je n'ai aucun acquis"),
    ("benefice", "Notes conservées d'une session antérieure (bénéfice)"),
    ("dispense", "Dispense grâce à un autre diplôme"),
    ("vae", "Validation des acquis de l'expérience (VAE)"),
)


@dataclass(frozen=True)
class Context:
    """Everything a step's fields may depend on."""

    catalog: Catalog
    exam: Exam
    session: Session
    academy: Academy
    account: Account
    answers: dict
    now: datetime

    @property
    def speciality(self) -> str:
        return speciality_of(self.catalog, self.answers)

    def tests(self) -> tuple[Test, ...]:
        return self.exam.tests_for(self.speciality)


def speciality_of(catalog: Catalog, answers: dict) -> str:
    """The speciality chosen: the answer of whichever field offers the specialities."""
    for step in catalog.steps.values():
        for field in step.fields:
            if field.choices_from == "specialites" and answers.get(field.name):
                return str(answers[field.name])
    return ""


def choices(field: StepField, ctx: Context) -> list[tuple[str, str]]:
    if field.type == "yesno":
        return list(YES_NO)
    if field.choices:
        return list(field.choices)
    source = field.choices_from
    if source in ctx.catalog.lists:
        return list(ctx.catalog.lists[source])
    if source == "etablissements":
        return [
            (e.uai, f"{e.name} - {e.town}" if e.town else e.name)
            for e in ctx.catalog.establishments_of(ctx.academy.code)
        ]
    if source == "academies":
        found = sorted(ctx.catalog.academies.values(), key=lambda a: a.sort_key)
        return [(a.code, a.name) for a in found]
    if source == "pays":
        return refdata.countries()
    if source == "departements":
        return refdata.departements()
    if source == "specialites":
        return [(s.code, s.name) for s in open_specialities(ctx)]
    if source == "annees":
        return [(str(year), str(year)) for year in range(ctx.now.year, ctx.now.year - 20, -1)]
    return []


def open_specialities(ctx: Context) -> list:
    """The specialities offered: those of the académie's open periods (a period for every
    speciality offers them all), else all of them (a draft kept past its period)."""
    periods = ctx.catalog.open_periods_for(
        ctx.exam.code, ctx.session.code, ctx.academy.code, ctx.now
    )
    if not periods or any(not p.speciality for p in periods):
        return list(ctx.exam.specialities)
    codes = {p.speciality for p in periods}
    return [s for s in ctx.exam.specialities if s.code in codes]


def fields_of(step: Step, exam: Exam) -> tuple[StepField, ...]:
    """The step's questions that apply to the exam: the choice of a speciality only where
    the exam has specialities (an exam without, such as one of the generic model, is
    shown instead: see ``exam_rows``)."""
    return tuple(f for f in step.fields if f.choices_from != "specialites" or exam.specialities)


def exam_rows(step: Step, ctx: Context) -> tuple[tuple[str, str], ...]:
    """What a ``show_exam`` step shows read-only first: the exam presented."""
    return ((ctx.exam.qualification_label, ctx.exam.name),) if step.show_exam else ()


def visible(field: StepField, values: dict, account: Account) -> bool:
    """Whether a conditional field applies, given the other answers of its step."""
    condition = field.show_if
    if not condition:
        return True
    if condition == "account.born_abroad":
        return not refdata.is_france(account.birth_country)
    name, _, expected = (part.strip() for part in condition.partition("=="))
    return str(values.get(name, "")) == expected


def version_label(version: int) -> str:
    """« 02 »: an application's version as the guides write it, on two digits."""
    return f"{version:02d}"


def safe_key(text: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in text.lower())


@dataclass(frozen=True)
class TestRow:
    test: Test
    status: str  # Inscrit | Non inscrit | Bénéfice | Dispensé
    option: str = ""
    mark: str = ""
    year: str = ""


def test_rows(exam: Exam, answers: dict, speciality: str) -> list[TestRow]:
    """Every test of the application with its position, as the récapitulatif shows it."""
    rows = []
    origin = answers.get("acquis_origine", "aucun")
    for test in exam.tests_for(speciality):
        option = str(answers.get(f"option_{test.key}", ""))
        if test.exemptable and answers.get(f"acquis_{test.key}") and origin != "aucun":
            default = "Bénéfice" if origin == "benefice" else "Dispensé"
            status = answers.get(f"acquis_statut_{test.key}") or default
            rows.append(
                TestRow(
                    test,
                    status,
                    mark=str(answers.get(f"note_{test.key}", "")),
                    year=str(answers.get("acquis_annee", "")),
                )
            )
        elif test.kind == "facultative":
            taken = answers.get(f"epreuve_{test.key}") == REGISTERED
            rows.append(
                TestRow(test, "Inscrit" if taken else "Non inscrit", option if taken else "")
            )
        elif test.kind == "choix":
            if answers.get(f"groupe_{safe_key(test.group)}") == test.key:
                rows.append(TestRow(test, "Inscrit", option))
        else:
            rows.append(TestRow(test, "Inscrit", option))
    return rows


@dataclass(frozen=True)
class Section:
    step: Step
    rows: tuple[tuple[str, str], ...]  # (question, answer as shown)
    notices: tuple[str, ...] = ()  # what the answers call for (an accommodation request…)


def notices_of(step: Step, answers: dict) -> tuple[str, ...]:
    """The notices of content/ that the answers call for, such as « Cocher « Oui » ici ne
    suffit pas… » once an accommodation is requested."""
    return tuple(
        f.notice for f in step.fields if f.notice and str(answers.get(f.name, "")) == f.notice_if
    )


UNANSWERED = "—"  # what the récapitulatif shows for a question left unanswered


def answered(value: object) -> bool:
    """Whether a question has an answer: a question never asked yet (a step not reached, an
    application registered by a school) has none, where a box left unticked answers False."""
    return value not in (None, "")


def display(field: StepField, value: object, ctx: Context) -> str:
    """The answer in words, or ``UNANSWERED``: never « Non » for a box nobody was shown."""
    if not answered(value):
        return UNANSWERED
    if field.type == "checkbox":
        return "Oui" if value else "Non"
    if field.type in ("select", "radio", "yesno"):
        return dict(choices(field, ctx)).get(str(value), str(value))
    return str(value)


def _origins(ctx: Context) -> str:
    """The origins of prior credits declared, in words (older answers: their kind)."""
    labels = {o.code: o.label for o in ctx.exam.acquis}
    declared = [labels.get(code, code) for code in ctx.answers.get("acquis_origines", [])]
    if declared:
        return " ; ".join(declared)
    return dict(ACQUIS_ORIGINS).get(ctx.answers.get("acquis_origine", "aucun"), "—")


def identity_rows(account: Account) -> tuple[tuple[str, str], ...]:
    """The account's civil status, as the identification step shows it."""
    return (
        ("Civilité", "Madame" if account.civility == "MME" else "Monsieur"),
        ("Nom de famille", account.last_name.upper()),
        ("Nom d'usage", account.usual_name or "—"),
        ("Prénoms", account.first_names),
        ("Date de naissance", account.birth_day.strftime("%d/%m/%Y")),
        ("Lieu de naissance", birthplace.birth_place(account)),
    )


def _form_rows(
    step: Step, ctx: Context, omit: frozenset[str] = frozenset()
) -> tuple[tuple[str, str], ...]:
    """A form step's questions that apply and their answers, the boxes to tick last;
    none of the fields named in ``omit``."""
    fields = [f for f in fields_of(step, ctx.exam) if f.name not in omit]
    asked = [f for f in fields if f.type != "checkbox" and visible(f, ctx.answers, ctx.account)]
    asked += [f for f in fields if f.type == "checkbox"]
    return tuple((f.label, display(f, ctx.answers.get(f.name), ctx)) for f in asked)


def summary(
    ctx: Context, steps: list[Step], identity: bool = True, omit: frozenset[str] = frozenset()
) -> list[Section]:
    """The récapitulatif: every answer of every step, in the wizard's order (the account's
    civil status and the exam first where the step shows them, unless ``identity`` is
    False: the documents print them in their own place, as they do the answers of the
    fields named in ``omit``)."""
    sections = []
    for step in steps:
        if step.kind == "form":
            rows = identity_rows(ctx.account) if step.show_account and identity else ()
            rows += exam_rows(step, ctx) if identity else ()
            rows += _form_rows(step, ctx, omit)
        elif step.kind == "acquis":
            rows = (("Origine de vos acquis", _origins(ctx)),)
            if ctx.answers.get("acquis_origine", "aucun") != "aucun":
                academy = ctx.catalog.academies.get(ctx.answers.get("acquis_academie", ""))
                rows += (
                    ("Année d'obtention", str(ctx.answers.get("acquis_annee", "—"))),
                    ("Académie d'obtention", academy.name if academy else "—"),
                )
        else:
            rows = ()
        sections.append(Section(step, rows, notices_of(step, ctx.answers)))
    return sections
