"""Fields of a wizard step asked only for one answer to another question of the step
(``show_if = "candidature_anterieure == oui"`` in content/wizard.toml).

Such a field is on the page whatever that answer, its hint saying when to fill it in
(« Obligatoire si … »), and the server ignores it while its condition does not hold
(``wizard.step_answers``, ``wizard._when_visible``). ``field_runs`` tells the script
(static/portail.js) which fields to show only while the answer calls for them, from the
same ``show_if``: the page without the script is the page as it always was.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.model import Exam, Step, StepField
from worker.rules.recap import Context, choices, fields_of, visible


def _controller(field: StepField, step: Step) -> tuple[StepField, str] | None:
    """The question of the step a conditional field depends on, and the answer (its code)
    that calls for the field; None for a field without a condition on its step."""
    if not field.show_if or field.show_if.startswith("account."):
        return None
    name, _, expected = (part.strip() for part in field.show_if.partition("=="))
    other = next((f for f in step.fields if f.name == name), None)
    return (other, expected) if other is not None else None


def hint(field: StepField, step: Step, ctx: Context) -> str:
    """When a field shown whatever the answer it depends on is to be filled in:
    « Obligatoire si … » if it is required then, else « À renseigner si … »."""
    found = _controller(field, step)
    if found is None:
        return ""
    other, expected = found
    answer = dict(choices(other, ctx)).get(expected, expected)
    when = "Obligatoire si" if field.required else "À renseigner si"
    return f"{when} « {other.label} » : {answer}."


FOLLOWED = ("select", "radio", "yesno", "checkbox")  # the answers the script follows
BOX_STATES = {"True": "checked", "False": "unchecked"}  # a box's answer, as the script reads it


@dataclass(frozen=True)
class Reveal:
    """A run of consecutive fields that the script shows only while one answer calls for
    them: the container's id, the control of that answer (its name), the answer as the
    script reads it (a choice's code; « checked » or « unchecked » for a box), and the ids
    of the fields required then (they get the asterisk once shown)."""

    id: str
    controller: str
    value: str
    required: str


def _reveal_condition(field: StepField, step: Step, exam: Exam) -> tuple[str, str] | None:
    """(controlling field, answer as the script reads it), or None where the field stays on
    the page as without the script: no condition on its step, or one on a question that is
    not on the page or that the script does not follow (a typed text)."""
    found = _controller(field, step)
    if found is None:
        return None
    other, expected = found
    if other.type not in FOLLOWED or other not in fields_of(step, exam):
        return None
    if other.type == "checkbox":  # the server compares the box's True/False as text
        return (other.name, BOX_STATES[expected]) if expected in BOX_STATES else None
    return other.name, expected


def field_runs(step: Step, ctx: Context) -> list[tuple[Reveal | None, list[StepField]]]:
    """The step's fields on the page, in order, in runs: fields the script reveals under
    the same condition are kept together (one container, right where they are declared,
    which is right after their question when the step declares them so), the others one
    by one with no container. A field on the account's condition (« né(e) à l'étranger »)
    is left out of the page where it does not apply."""
    runs: list[tuple[tuple[str, str] | None, list[StepField]]] = []
    key = None
    for field in fields_of(step, ctx.exam):
        if field.show_if.startswith("account.") and not visible(field, {}, ctx.account):
            continue
        condition = _reveal_condition(field, step, ctx.exam)
        if condition is None:
            runs.append((None, [field]))
        elif condition == key:
            runs[-1][1].append(field)
        else:
            runs.append((condition, [field]))
        key = condition
    return [(_reveal(condition, fields), fields) for condition, fields in runs]


def _reveal(condition: tuple[str, str] | None, fields: list[StepField]) -> Reveal | None:
    if condition is None:
        return None
    required = " ".join(f.name for f in fields if f.required)
    return Reveal(f"{fields[0].name}-conditionnel", *condition, required)
