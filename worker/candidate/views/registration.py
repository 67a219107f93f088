"""Registering: choosing the exam, the wizard, saving, « Mes inscriptions », withdrawal.

Every exam goes through the same views; what differs (steps, fields, tests, settings)
comes from content/ through the wizard module. The use cases are in
``actions.registration``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from catalog import Catalog
from worker import clock
from worker.candidate.access import own_application, own_draft
from worker.candidate.actions import cards
from worker.candidate.actions import registration as register
from worker.candidate.actions.outcomes import PeriodClosed
from worker.candidate.views import common
from worker.candidate.views.common import step_url
from worker.content import current_catalog as catalog
from worker.forms import wizard
from worker.forms.base import ConfirmForm
from worker.rules import recap
from worker.store import applications, db
from worker.store.applications import Draft
from worker.web import auth
from worker.web.pages import form_expired, form_page, notice

blueprint = Blueprint("registration", __name__, url_prefix="/espace-candidat")
LEVELS = ("Domaine", "Examen", "Session", "Académie")
HEADINGS = (
    "Sélectionner un domaine",
    "Sélectionner un examen",
    "Sélectionner une session",
    "Sélectionner une académie ou un pays d'inscription",
)


# -- choosing what to register for: domain → exam → session → académie ---------------------


@blueprint.get("/inscription/nouvelle", defaults={"path": ""})
@blueprint.get("/inscription/nouvelle/<path:path>")
@auth.login_required
def choose(path: str):
    c = catalog()
    codes = [part for part in path.split("/") if part]
    levels = _resolve(c, codes)
    if levels is None or len(codes) > 4:
        abort(404)
    summary = [
        (
            LEVELS[i],
            getattr(level, "label", None) or level.name,
            url_for("registration.choose", path="/".join(codes[:i])),
        )
        for i, level in enumerate(levels)
    ]
    context = {"title": "Ajouter une nouvelle candidature", "summary": summary}
    if len(levels) < 4:
        return render_template(
            "candidate/choose.html",
            **context,
            heading=HEADINGS[len(levels)],
            choices=_choices(c, codes, levels),
        )
    return render_template(
        "candidate/choose.html", **context, **_periods(c, *levels), heading=None, choices=None
    )


def _periods(c: Catalog, domain, exam, session, academy) -> dict:
    """The last level: the periods of the chosen académie, and any live application."""
    now = clock.now()
    periods = c.periods_for(exam=exam.code, session=session.code, academy=academy.code)
    account = auth.current_account()
    return {
        "periods": periods,
        "exam": exam,
        "session": session,
        "academy": academy,
        "domain": domain,
        "now": now,
        "open_now": [p for p in periods if p.is_open(now)],
        "existing": applications.live(db.get(), account.id, exam.code, session.code),
        "form": ConfirmForm.blank(),
    }


def _resolve(c: Catalog, codes: list[str]) -> list | None:
    """The domain, exam, session and académie the path names, as far as it goes."""
    levels = []
    lookups = (
        lambda code: c.domain(code),
        lambda code: (
            c.exams.get(code)
            if c.exams.get(code) and c.exams[code].domain == codes[0] and c.exams[code].steps
            else None
        ),
        lambda code: levels[1].session(code),
        lambda code: c.academies.get(code),
    )
    for code, lookup in zip(codes, lookups, strict=False):
        level = lookup(code)
        if level is None:
            return None
        levels.append(level)
    return levels


def _choices(c: Catalog, codes: list[str], levels: list) -> list[tuple[str, str, str]]:
    def link(code: str) -> str:
        return url_for("registration.choose", path="/".join([*codes, code]))

    now = clock.now()
    if not levels:
        return [(link(d.code), d.name, d.description) for d in c.domains]
    if len(levels) == 1:
        return [(link(e.code), e.name, "") for e in c.exams_in(codes[0]) if e.steps]
    if len(levels) == 2:
        return [(link(s.code), s.label, "") for s in levels[1].sessions]
    exam, session = levels[1], levels[2]
    rows = []
    for academy in sorted(c.academies.values(), key=lambda a: a.sort_key):
        periods = c.periods_for(exam=exam.code, session=session.code, academy=academy.code)
        if periods:
            state = (
                "inscriptions ouvertes"
                if any(p.is_open(now) for p in periods)
                else "inscriptions fermées"
            )
            rows.append((link(academy.code), f"{academy.name} - ({session.label})", state))
    return rows


@blueprint.post("/inscription/nouvelle/<domain>/<exam>/<session>/<academy>")
@auth.login_required
def start(domain: str, exam: str, session: str, academy: str):
    """« Démarrer mon inscription »: a draft, only while a period is open."""
    c = catalog()
    levels = _resolve(c, [domain, exam, session, academy])
    form = ConfirmForm.from_request()
    if levels is None:
        abort(404)
    if not form.validate():
        return form_expired(
            url_for("registration.choose", path=f"{domain}/{exam}/{session}/{academy}")
        )
    outcome = register.start(db.get(), c, auth.current_account(), levels[1], levels[2], academy)
    return _answer(outcome)


def _answer(outcome):
    """The response to the outcomes several views share."""
    match outcome:
        case register.DraftStarted(draft, step):
            return redirect(step_url(draft, step), code=303)
        case register.Saved(application, duplicate):
            if duplicate:
                flash(_duplicate_notice(application))
            return redirect(url_for("registration.saved", number=application.number), code=303)
        case register.AlreadyRegistered(application):
            return redirect(url_for("registration.application", number=application.number), 303)
        case PeriodClosed(exam, session):
            return _closed(exam, session)
    raise TypeError(outcome)


def _duplicate_notice(application) -> str:
    office = catalog().academies[application.academy].exam_office
    return (
        "Une autre candidature à cet examen semble déjà exister à vos nom, date et lieu de "
        "naissance, depuis un autre compte. Le service des examens va vérifier ; s'il "
        f"s'agit d'une erreur, contactez-le : {office.email or office.phone}."
    )


def _closed(exam, session):
    return notice(
        "Le service d'inscription est fermé",
        f"Aucune période d'inscription n'est ouverte pour {exam.with_session(session.label)} "
        "dans cette académie. Consultez l'ouverture des services pour connaître les dates.",
        status=409,
        links=[
            ("/ouverture-des-services/", "Ouverture des services"),
            (url_for("home.home"), "Mon espace candidat"),
        ],
    )


# -- the wizard ----------------------------------------------------------------------------


@blueprint.route("/brouillon/<int:draft_id>/<code>", methods=["GET", "POST"])
@auth.login_required
def step(draft_id: int, code: str):
    c = catalog()
    draft = own_draft(draft_id)
    located = register.open_step(db.get(), c, draft, code)
    match located:
        case register.UnknownStep():
            abort(404)
        case register.StepAhead(furthest):
            flash("Complétez les étapes dans l'ordre : voici la prochaine étape à remplir.")
            return redirect(step_url(draft, furthest), code=303)
        case register.AtStep():
            pass
        case _:
            return _answer(located)
    ctx = register.context(c, auth.current_account(), draft)
    if request.method == "GET":
        return _show(c, draft, located, wizard.build_form(located.step, ctx))
    return _post_step(c, draft, located, wizard.build_form(located.step, ctx, "posted"))


def _post_step(c: Catalog, draft: Draft, at: register.AtStep, form):
    """« Précédent » keeps the input unchecked; « Suivant », « Enregistrer » validate it."""
    action = request.form.get("action", "suivant")
    database = db.get()
    if action == "precedent" and at.index > 0:
        if form.csrf_token.validate(form):  # never blocks on validation, never loses input
            register.keep_answers(
                database, draft, wizard.step_answers(form, at.step), draft.reached
            )
        return redirect(step_url(draft, at.steps[at.index - 1]), code=303)
    if not form.validate():
        return _show(c, draft, at, form)
    answers = wizard.step_answers(form, at.step)
    if action == "enregistrer" and at.last:
        return _save(c, draft, {**draft.answers, **answers})
    register.keep_answers(database, draft, answers, at.index + 1)
    return redirect(step_url(draft, at.steps[min(at.index + 1, len(at.steps) - 1)]), code=303)


def _show(c: Catalog, draft: Draft, at: register.AtStep, form):
    ctx = register.context(c, auth.current_account(), draft)
    existing = applications.by_id(db.get(), draft.application_id) if draft.application_id else None
    summarised = cards.reached_steps(c, draft) if at.step.kind == "recapitulatif" else []
    return form_page(
        "candidate/step.html",
        form,
        f"{at.step.title} – {ctx.exam.with_session(ctx.session.label)}",
        draft=draft,
        steps=at.steps,
        index=at.index,
        step=at.step,
        ctx=ctx,
        existing=existing,
        last=at.last,
        wizard=wizard,
        exam_rows=recap.exam_rows(at.step, ctx),
        sections=recap.summary(ctx, summarised),
        rows=recap.test_rows(ctx.exam, ctx.answers, ctx.speciality),
        step_url=lambda target: step_url(draft, target),
        period=cards.open_period(c, draft, clock.now(), ctx.speciality),
    )


def _save(c: Catalog, draft: Draft, answers: dict):
    outcome = register.save(
        db.get(), c, auth.current_account(), draft, answers, current_app.config["FILES_DIR"]
    )
    match outcome:
        case register.StepIncomplete(_index, incomplete):
            flash(f"L'étape « {incomplete.title} » est à compléter ou à corriger.")
            return redirect(step_url(draft, incomplete), code=303)
        case register.NoLongerActive(target):
            return notice(
                "Cette candidature n'est plus active",
                f"La candidature n° {target.number} est « {target.status_label} » : "
                "elle ne peut plus être modifiée.",
                status=409,
                links=[(url_for("registration.applications_list"), "Mes inscriptions")],
            )
        case register.Changed():
            return notice(
                "Votre candidature a changé pendant l'enregistrement",
                "Elle a été modifiée entre-temps (dans un autre onglet ou une autre fenêtre) : "
                "rien n'a été enregistré. Vérifiez-la puis enregistrez de nouveau.",
                status=409,
                links=[(url_for("registration.applications_list"), "Mes inscriptions")],
            )
    return _answer(outcome)


# -- after saving: the number page, « Mes inscriptions », « Mon inscription » --------------


@blueprint.get("/inscriptions")
@auth.login_required
def applications_list():
    return render_template(
        "candidate/applications.html", title="Mes inscriptions", **common.applications_and_drafts()
    )


@blueprint.get("/inscriptions/<number>/enregistree")
@auth.login_required
def saved(number: str):
    card = common.card(own_application(number))
    return render_template(
        "candidate/saved.html", title="Numéro d'inscription", **card, account=auth.current_account()
    )


@blueprint.get("/inscriptions/<number>")
@auth.login_required
def application(number: str):
    found = own_application(number)
    card = common.card(found)
    c = catalog()
    exam = card["exam"]
    ctx = recap.Context(
        catalog=c,
        exam=exam,
        session=card["session"],
        academy=card["academy"],
        account=auth.current_account(),
        answers=found.answers,
        now=clock.now(),
    )
    steps = [s for s in c.exam_steps(exam) if s.kind != "recapitulatif"]
    return render_template(
        "candidate/application.html",
        title="Mon inscription",
        **card,
        sections=recap.summary(ctx, steps),
        ctx=ctx,
        rows=recap.test_rows(exam, found.answers, found.speciality),
        form=ConfirmForm.blank(),
        account=auth.current_account(),
    )


@blueprint.post("/inscriptions/<number>/modifier")
@auth.login_required
def modify(number: str):
    found = own_application(number)
    card = common.card(found)
    if not ConfirmForm.from_request().validate():
        return form_expired(url_for("registration.application", number=number))
    return _answer(register.start_modification(db.get(), catalog(), found, card))


@blueprint.route("/inscriptions/<number>/desinscription", methods=["GET", "POST"])
@auth.login_required
def withdraw(number: str):
    found = own_application(number)
    card = common.card(found)
    account = auth.current_account()
    if reason := register.withdrawal_refusal(card, account):
        return notice(
            "Désinscription impossible",
            reason,
            status=409,
            links=[
                (url_for("registration.application", number=number), "Revenir à mon inscription")
            ],
        )
    form = ConfirmForm.from_request()
    if not form.submitted():
        return form_page("candidate/withdraw.html", form, "Se désinscrire", **card)
    outcome = register.withdraw(db.get(), account, found, card)
    if isinstance(outcome, register.Withdrawn):
        flash(
            f"Votre candidature n° {number} est annulée (désinscrit par le candidat). "
            "Un courriel vous le confirme."
        )
    return redirect(url_for("registration.applications_list"), code=303)
