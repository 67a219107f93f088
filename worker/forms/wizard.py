"""The registration wizard, driven by content/: steps, their fields and their rules.

An exam lists its steps (wizard.toml); each step declares its fields. This module turns a
step into a WTForms form, validates answers (one step on "Suivant", every step again on
"Enregistrer"), and describes the answers for the récapitulatif. Two step kinds build
their fields from the exam itself: "acquis" (prior credits, per exemptable test) and
"epreuves" (optional and elective tests). No view knows about any particular exam.
"""

from __future__ import annotations

import re
from typing import ClassVar

from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice

from catalog.model import Step, StepField, Test
from sitebuild.render import academy_phrase
from worker import refdata
from worker.forms import acquis, conditions
from worker.forms.base import PortailForm, email_address, one_of
from worker.rules.recap import (
    NOT_REGISTERED,
    POSITIONS,
    REGISTERED,
    Context,
    choices,
    fields_of,
    safe_key,
    visible,
)

ADDRESS_COUNTRY, ADDRESS_POSTCODE = "adresse_pays", "adresse_code_postal"


# -- choices and conditions ----------------------------------------------------------------


def hint(field: StepField, step: Step, ctx: Context) -> str:
    """The field's hint, plus when a conditional field is to be filled in and how long a
    free text may be."""
    parts = (field.hint, conditions.hint(field, step, ctx), _length_limit(field))
    return " ".join(part for part in parts if part)


def required_mark(field: StepField) -> bool:
    """Whether the field carries the required asterisk: required, and on the page only when
    it applies (no condition, or one on the account: the step leaves the field out
    otherwise). A field depending on another answer of its step is on the page whatever
    that answer, so its hint says when it is required instead (« Obligatoire si … »); the
    script, which shows it only once it applies, adds the asterisk then
    (``conditions.field_runs``)."""
    return field.required and (not field.show_if or field.show_if.startswith("account."))


def _length_limit(field: StepField) -> str:
    """A free text's longest length, said before it is reached (« 500 caractères au
    maximum. »); one-line fields hold short, known things whose own hints say what to type."""
    if field.type != "textarea" or not field.max_length:
        return ""
    return f"{field.max_length} caractères au maximum."


# -- forms ---------------------------------------------------------------------------------


def _required(field: StepField):
    message = (
        f"Renseignez « {field.label} »."
        if field.type not in ("select", "radio", "yesno", "checkbox")
        else f"Choisissez une réponse : « {field.label} »."
    )
    if field.type == "checkbox":
        message = f"Cochez la case « {field.label} » pour continuer."

    def check(form, wt_field):
        if not wt_field.data:
            raise ValidationError(message)

    return check


def _when_visible(field: StepField, ctx: Context, check):
    """A conditional field's check, run only while its condition holds: otherwise its
    answer is ignored (``step_answers`` leaves it out), so whatever is left in it (typed
    before the other answer changed, hidden since by the script) is never an error."""

    def checked_when_visible(form, wt_field):
        if visible(field, form.data, ctx.account):
            check(form, wt_field)

    return checked_when_visible


def _pattern(field: StepField):
    compiled = re.compile(field.pattern)

    def check(form, wt_field):
        if not wt_field.data:
            return
        if field.name == ADDRESS_POSTCODE and not refdata.is_france(
            form.data.get(ADDRESS_COUNTRY) or "FR"
        ):
            return  # postcodes abroad follow other rules
        if not compiled.fullmatch(wt_field.data):
            raise ValidationError(
                field.pattern_message or f"« {field.label} » n'a pas le bon format."
            )

    return check


def _max_length(field: StepField):
    """At most ``max_length`` characters, a line break counting as one as it does for the
    browser's ``maxlength`` (it is posted as CR LF)."""

    def check(form, wt_field):
        typed = len((wt_field.data or "").replace("\r\n", "\n"))
        if typed > field.max_length:
            raise ValidationError(
                f"« {field.label} » : {field.max_length} caractères au maximum, vous en avez"
                f" saisi {typed}. Raccourcissez votre texte."
            )

    return check


def _number(form, wt_field):
    if wt_field.data and not re.fullmatch(r"\d{1,6}([.,]\d{1,2})?", wt_field.data):
        raise ValidationError("Saisissez un nombre, par exemple 12 ou 12,5.")


def _attributes(field: StepField) -> dict[str, str | int]:
    """What the field's control tells the browser: its purpose (``autocomplete``) and,
    where the hint states it, its longest length (``maxlength``)."""
    attributes: dict[str, str | int] = {}
    if field.autocomplete:
        attributes["autocomplete"] = field.autocomplete
    if _length_limit(field):
        attributes["maxlength"] = field.max_length
    return attributes


def _checks(field: StepField, options: list[tuple[str, str]]) -> list:
    """The field's own checks; a conditional field's run only while it applies."""
    validators = []
    if field.required:
        validators.append(_required(field))
    if field.max_length:
        validators.append(_max_length(field))
    if field.pattern:
        validators.append(_pattern(field))
    if field.type == "email":
        validators.append(email_address)
    if field.type == "number":
        validators.append(_number)
    if field.type in ("select", "radio", "yesno"):
        allowed = one_of(options, f"Choisissez une réponse de la liste : « {field.label} ».")

        def optional_choice(form, wt_field):
            if wt_field.data:
                allowed(form, wt_field)

        validators.append(optional_choice)
    return validators


def _wt_field(field: StepField, ctx: Context):
    options = choices(field, ctx)
    validators = _checks(field, options)
    if field.show_if:
        validators = [_when_visible(field, ctx, check) for check in validators]
    wrapped = [SelectChoice(code, label) for code, label in options]
    if field.type == "select":
        return SelectField(
            field.label,
            choices=[SelectChoice("", "Sélectionnez une valeur"), *wrapped],
            validate_choice=False,
            validators=validators,
            render_kw=_attributes(field),
        )
    if field.type in ("radio", "yesno"):
        return RadioField(
            field.label,
            choices=wrapped,
            validate_choice=False,
            validators=validators,
        )
    if field.type == "checkbox":
        return BooleanField(field.label, validators=validators)
    if field.type == "textarea":
        return TextAreaField(field.label, validators=validators, render_kw=_attributes(field))
    return StringField(field.label, validators=validators, render_kw=_attributes(field))


def form_class(step: Step, ctx: Context) -> type[StepForm]:
    """The WTForms form of one step: only the fields the step declares."""
    attributes: dict = {"step_fields": {}}
    if step.kind == "form":
        for field in fields_of(step, ctx.exam):
            attributes[field.name] = _wt_field(field, ctx)
            attributes["step_fields"][field.name] = field
    elif step.kind == "acquis":
        acquis.fields(attributes, ctx)
    elif step.kind == "epreuves":
        _test_fields(attributes, ctx)
    return type(f"Step_{step.code.replace('-', '_')}", (StepForm,), attributes)


class StepForm(PortailForm):
    """A step's form; ``validate_step`` adds the rules that span several fields."""

    step_fields: ClassVar[dict[str, StepField]] = {}
    context: Context | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for rule in getattr(self, "step_rules", ()):
            ok = rule(self) and ok
        return ok


def build_form(step: Step, ctx: Context, mode: str = "show") -> StepForm:
    """The step's form. mode "show": filled with the saved answers, to display; "posted":
    bound to this request's POST; "check": the saved answers without CSRF, which is how
    "Enregistrer" validates every step again."""
    cls = form_class(step, ctx)
    saved = acquis.current_form(ctx) if step.kind == "acquis" else ctx.answers
    names = set(cls.step_fields) | {n for n in saved if n.startswith(DERIVED_PREFIXES)}
    data = {name: saved[name] for name in names if name in saved}
    if mode == "posted":
        form = cls.from_request()
    elif mode == "show":
        form = cls.blank(data)
    else:
        form = cls(data=data, meta={"csrf": False})
    form.context = ctx
    form.step_rules = (_residence_rule, _acquis_rule, _options_rule)
    return form


DERIVED_PREFIXES = ("acquis_", "note_", "epreuve_", "option_", "groupe_")


def step_answers(form: StepForm, step: Step) -> dict:
    """The answers a step contributes: its fields, a conditional one that does not apply
    emptied (whatever it held, typed then hidden, or saved under another answer before, is
    not kept: the draft holds only what the candidate declares)."""
    ctx = form.context
    answers = {}
    for name, wt_field in form._fields.items():
        if name == "csrf_token":
            continue
        declared = form.step_fields.get(name)
        if declared and not visible(declared, form.data, ctx.account):
            answers[name] = ""
            continue
        answers[name] = wt_field.data if wt_field.data is not None else ""
    if step.kind == "acquis":
        answers.update(acquis.derived(form, ctx))
    return answers


# -- step kinds built from the exam: acquis and épreuves -----------------------------------


def exemptable(ctx: Context) -> list[Test]:
    return acquis.exemptable(ctx)


def _acquis_rule(form: StepForm) -> bool:
    return acquis.rule(form) if "acquis_annee" in form._fields else True


def _test_fields(attributes: dict, ctx: Context) -> None:
    """The step's questions in the order of the tests table above them, so that Tab
    follows the table: a choice between tests where its first test stands (E6 before the
    optional EF1), a test's option right after the test itself."""
    groups = elective_groups(ctx)
    for test in ctx.tests():
        if test.kind == "choix" and groups[test.group][0] is test:
            options = [(t.key, f"{t.code} - {t.name}") for t in groups[test.group]]
            attributes[f"groupe_{safe_key(test.group)}"] = RadioField(
                f"Épreuve à choix : {test.group}",
                validate_choice=False,
                choices=[SelectChoice(c, t) for c, t in options],
                validators=[one_of(options, f"Choisissez une épreuve : {test.group}.")],
            )
        if test.kind == "facultative":
            attributes[f"epreuve_{test.key}"] = RadioField(
                f"{test.code} - {test.name}",
                default=NOT_REGISTERED,
                validate_choice=False,
                choices=[SelectChoice(c, t) for c, t in POSITIONS],
                validators=[
                    one_of(list(POSITIONS), f"Choisissez Inscrit ou Non inscrit pour {test.code}.")
                ],
            )
        exempted = test.kind == "obligatoire" and ctx.answers.get(f"acquis_{test.key}")
        if test.options and not exempted:  # an exempted test's option is never asked
            attributes[f"option_{test.key}"] = SelectField(
                f"Option de {test.code}",
                validate_choice=False,
                choices=[
                    SelectChoice("", "Sélectionnez une valeur"),
                    *(SelectChoice(o, o) for o in test.options),
                ],
            )


def elective_groups(ctx: Context) -> dict[str, list[Test]]:
    groups: dict[str, list[Test]] = {}
    for test in ctx.tests():
        if test.kind == "choix":
            groups.setdefault(test.group, []).append(test)
    return groups


def _options_rule(form: StepForm) -> bool:
    """A test taken with options needs its option (languages…), one that differs from
    the option of the test it names in ``options_differ_from``, when that one is taken."""
    ok = True
    tests = {test.code: test for test in form.context.tests()}
    for test in tests.values():
        option = form._fields.get(f"option_{test.key}")
        if option is None or not _test_taken(test, form.data, form.context):
            continue
        if not option.data:
            option.errors.append(f"Choisissez l'option de {test.code}.")
            ok = False
        elif (other := tests.get(test.options_differ_from)) and option.data == _option_of(
            form, other
        ):
            option.errors.append(
                f"Choisissez pour {test.code} une autre option que celle de {other.code}"
                f" ({option.data})."
            )
            ok = False
    return ok


def _option_of(form: StepForm, test: Test) -> str | None:
    """The option chosen for a test the candidate takes (None if not taken)."""
    if not _test_taken(test, form.data, form.context):
        return None
    return form.data.get(f"option_{test.key}") or None


def _test_taken(test: Test, values: dict, ctx: Context) -> bool:
    if test.kind == "facultative":
        return values.get(f"epreuve_{test.key}") == REGISTERED
    if test.kind == "choix":
        return values.get(f"groupe_{safe_key(test.group)}") == test.key
    return not values.get(f"acquis_{test.key}") and not ctx.answers.get(f"acquis_{test.key}")


def _residence_rule(form: StepForm) -> bool:
    """Exams with the residence rule: the address must be in the chosen académie."""
    ctx = form.context
    postcode = form._fields.get(ADDRESS_POSTCODE)
    if not (ctx.exam.residence_rule and postcode and postcode.data and ctx.academy.departements):
        return True
    if not refdata.is_france(form.data.get(ADDRESS_COUNTRY) or "FR") or postcode.errors:
        return True
    if departement_of(postcode.data) in ctx.academy.departements:
        return True
    postcode.errors.append(
        f"Pour cet examen, inscrivez-vous dans l'académie de votre lieu de résidence : le code "
        f"postal {postcode.data} ne relève pas de {academy_phrase(ctx.academy)}."
    )
    return False


def departement_of(postcode: str) -> str:
    """ "35000" → "35", "97411" → "974", "20000" → "2A", "20200" → "2B"."""
    if postcode.startswith("97") or postcode.startswith("98"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if postcode < "20200" else "2B"
    return postcode[:2]


# -- positions of the tests and the récapitulatif ------------------------------------------
