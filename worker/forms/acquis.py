"""The acquis step (prior credits), built from the exam's ``[[acquis]]`` origins.

Each origin the candidate declares (« Je me suis déjà présenté(e) à ce BTS… ») proposes,
ticked, the tests it exempts them from; unticking one means sitting it again. Several
origins may be declared where the exam allows it. The answers keep, besides the fields,
what the rest of the portal reads: ``acquis_origine`` (the kind of credit, "aucun" when
none), ``acquis_<test>`` (exempted) and ``acquis_statut_<test>`` (Bénéfice or Dispensé).
"""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from catalog.model import AcquisOrigin, Test
from worker.rules.recap import Context

STATUS = {"benefice": "Bénéfice", "dispense": "Dispensé", "vae": "Dispensé"}
KIND_ORDER = ("benefice", "dispense", "vae")  # acquis_origine: the first kind declared


def exemptable(ctx: Context) -> list[Test]:
    return [t for t in ctx.tests() if t.exemptable]


def origin_tests(ctx: Context, origin: AcquisOrigin) -> list[Test]:
    """The tests of the chosen speciality this origin exempts."""
    return [t for t in ctx.tests() if origin.exempts(t)]


def marked(ctx: Context) -> tuple[list[str], list[Test]]:
    """The marks-kept origins' fields and the tests whose mark they may keep, once each:
    the step asks those marks in one place, shown as soon as any such origin is ticked
    (under the first origin's tests, they were hidden when only a later one was)."""
    origins = [o for o in ctx.exam.acquis if o.kind == "benefice" and origin_tests(ctx, o)]
    tests = {t.key: t for o in origins for t in origin_tests(ctx, o)}
    return [origin_field(o) for o in origins], list(tests.values())


def origin_field(origin: AcquisOrigin) -> str:
    return f"acquis_origine_{origin.code.replace('-', '_')}"


def test_field(origin: AcquisOrigin, test: Test) -> str:
    return f"acquis_{origin.code.replace('-', '_')}__{test.key}"


def fields(attributes: dict, ctx: Context) -> None:
    """One checkbox per origin, then its tests, ticked until the candidate unticks them."""
    for origin in ctx.exam.acquis:
        attributes[origin_field(origin)] = BooleanField(origin.label)
        for test in origin_tests(ctx, origin):
            attributes[test_field(origin, test)] = BooleanField(
                f"{test.code} - {test.name}", default=True
            )
    attributes["acquis_annee"] = SelectField(
        "Année d'obtention",
        validate_choice=False,
        choices=[
            SelectChoice("", "Sélectionnez une valeur"),
            *(SelectChoice(str(y), str(y)) for y in range(ctx.now.year, ctx.now.year - 20, -1)),
        ],
    )
    academies = sorted(ctx.catalog.academies.values(), key=lambda a: a.sort_key)
    attributes["acquis_academie"] = SelectField(
        "Académie d'obtention",
        validate_choice=False,
        choices=[SelectChoice("", "Sélectionnez une valeur")]
        + [SelectChoice(a.code, a.name) for a in academies],
    )
    for test in exemptable(ctx):
        attributes[f"note_{test.key}"] = StringField(f"Note obtenue en {test.code} (sur 20)")


def declared(form, ctx: Context) -> list[AcquisOrigin]:
    return [o for o in ctx.exam.acquis if form[origin_field(o)].data]


def exemptions(form, ctx: Context) -> dict[str, str]:
    """test key → status, for the tests a declared origin exempts and that stay ticked (a
    marks-kept origin wins over a dispensation)."""
    found: dict[str, str] = {}
    for origin in sorted(declared(form, ctx), key=lambda o: KIND_ORDER.index(o.kind)):
        for test in origin_tests(ctx, origin):
            if form[test_field(origin, test)].data:
                found.setdefault(test.key, STATUS[origin.kind])
    return found


def rule(form) -> bool:
    """Year and académie once something is declared; one origin unless the exam allows
    several; a mark between 10 and 20 for each mark kept; at least one test ticked."""
    ctx = form.context
    chosen = declared(form, ctx)
    if not chosen:
        return True
    ok = True
    if len(chosen) > 1 and not ctx.exam.acquis_several:
        form[origin_field(chosen[1])].errors.append("Pour cet examen, déclarez une seule origine.")
        ok = False
    for name, message in (
        ("acquis_annee", "Indiquez l'année d'obtention de vos acquis."),
        ("acquis_academie", "Indiquez l'académie d'obtention de vos acquis."),
    ):
        if not form[name].data:
            form[name].errors.append(message)
            ok = False
    found = exemptions(form, ctx)
    if not found:
        form[origin_field(chosen[0])].errors.append(
            "Vous avez décoché toutes les épreuves : décochez aussi cette situation, ou "
            "laissez cochées les épreuves dont vous êtes dispensé(e)."
        )
        return False
    return _marks_rule(form, ctx, found) and ok


def _marks_rule(form, ctx: Context, found: dict[str, str]) -> bool:
    ok = True
    for test in exemptable(ctx):
        if found.get(test.key) != "Bénéfice":
            continue
        mark = form[f"note_{test.key}"]
        value = _mark(mark.data)
        if value is None or not 10 <= value <= 20:
            mark.errors.append(
                f"Saisissez la note obtenue en {test.code}, entre 10 et 20 "
                "(seule une note d'au moins 10 peut être conservée)."
            )
            ok = False
    return ok


def _mark(text: str | None) -> float | None:
    try:
        return float((text or "").replace(",", "."))
    except ValueError:
        return None


def current_form(ctx: Context) -> dict:
    """The answers with their acquis in the current form. Applications saved before the
    origins were declared one by one hold only the kind (``acquis_origine``) and the
    tests exempted (``acquis_<test>``): the origins of the exam that account for those
    tests are ticked, with those tests ticked and the others not, so that going through
    the step again keeps the exemptions."""
    answers = ctx.answers
    if "acquis_origines" in answers or answers.get("acquis_origine", "aucun") in ("", "aucun"):
        return answers
    kept = {t.key for t in exemptable(ctx) if answers.get(f"acquis_{t.key}")}
    upgraded, uncovered, ticked = dict(answers), set(kept), 0
    same_kind_first = sorted(ctx.exam.acquis, key=lambda o: o.kind != answers["acquis_origine"])
    for origin in same_kind_first:
        covered = {t.key for t in origin_tests(ctx, origin)} & uncovered
        if not covered or (ticked and not ctx.exam.acquis_several):
            continue
        upgraded[origin_field(origin)] = True
        for test in origin_tests(ctx, origin):
            upgraded[test_field(origin, test)] = test.key in kept
        uncovered -= covered
        ticked += 1
    return upgraded


def derived(form, ctx: Context) -> dict:
    """What the rest of the portal reads of this step (see the module's docstring)."""
    chosen = declared(form, ctx)
    found = exemptions(form, ctx)
    kinds = [o.kind for o in chosen]
    answers: dict = {
        "acquis_origine": next((k for k in KIND_ORDER if k in kinds), "aucun"),
        "acquis_origines": [o.code for o in chosen],
    }
    for test in exemptable(ctx):
        answers[f"acquis_{test.key}"] = test.key in found
        answers[f"acquis_statut_{test.key}"] = found.get(test.key, "")
    return answers
