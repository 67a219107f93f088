"""Registering: choosing the exam, the wizard, saving, « Mes inscriptions », withdrawal.

Every exam goes through the same views; what differs (steps, fields, tests, settings)
comes from content/ through the wizard module.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from catalog import dates
from worker import clock, mail
from worker.content import current_catalog as catalog
from worker.documents import issuing
from worker.forms import wizard
from worker.forms.base import ConfirmForm
from worker.rules import pieces as supporting
from worker.rules import recap
from worker.store import applications, db, documents
from worker.store.applications import Application, Draft
from worker.web import auth
from worker.web.pages import form_page, notice

blueprint = Blueprint("registration", __name__, url_prefix="/espace-candidat")
LEVELS = ("Domaine", "Examen", "Session", "Académie")


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
            heading=_heading(len(levels)),
            choices=_choices(c, codes, levels),
        )
    domain, exam, session, academy = levels
    now = clock.now()
    periods = c.periods_for(exam=exam.code, session=session.code, academy=academy.code)
    database = db.get()
    account = auth.current_account()
    return render_template(
        "candidate/choose.html",
        **context,
        periods=periods,
        exam=exam,
        session=session,
        academy=academy,
        domain=domain,
        now=now,
        open_now=[p for p in periods if p.is_open(now)],
        existing=applications.live(database, account.id, exam.code, session.code),
        form=ConfirmForm.blank(),
        heading=None,
        choices=None,
    )


def _resolve(c, codes: list[str]):
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


def _heading(depth: int) -> str:
    return (
        "Sélectionner un domaine",
        "Sélectionner un examen",
        "Sélectionner une session",
        "Sélectionner une académie ou un pays d'inscription",
    )[depth]


def _choices(c, codes: list[str], levels: list) -> list[tuple[str, str, str]]:
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
    for academy in sorted(c.academies.values(), key=lambda a: a.name):
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
        abort(400)
    account = auth.current_account()
    database = db.get()
    if not c.open_periods_for(exam, session, academy, clock.now()):
        return _closed(levels[1], levels[2])
    if live := applications.live(database, account.id, exam, session):
        return redirect(url_for("registration.application", number=live.number), code=303)
    with db.transaction(database):
        draft = applications.start_draft(database, account.id, academy, exam, session)
    return redirect(_resume_url(c, draft), code=303)


def _closed(exam, session):
    return notice(
        "Le service d'inscription est fermé",
        f"Aucune période d'inscription n'est ouverte pour {exam.short_name} – {session.label} "
        "dans cette académie. Consultez l'ouverture des services pour connaître les dates.",
        status=409,
        links=[
            ("/ouverture-des-services/", "Ouverture des services"),
            (url_for("home.home"), "Mon espace candidat"),
        ],
    )


# -- the wizard ----------------------------------------------------------------------------


def _steps(c, draft: Draft):
    return c.exam_steps(c.exams[draft.exam])


def _resume_url(c, draft: Draft) -> str:
    """The furthest step the candidate may open: where to start again."""
    steps = _steps(c, draft)
    return _step_url(draft, steps[min(draft.reached, len(steps) - 1)])


def _step_url(draft: Draft, step) -> str:
    return url_for("registration.step", draft_id=draft.id, code=step.code)


def _context(c, draft: Draft, answers: dict | None = None) -> recap.Context:
    exam = c.exams[draft.exam]
    return recap.Context(
        catalog=c,
        exam=exam,
        session=exam.session(draft.session),
        academy=c.academies[draft.academy],
        account=auth.current_account(),
        answers=draft.answers if answers is None else answers,
        now=clock.now(),
    )


def _own_draft(draft_id: int) -> Draft:
    draft = applications.draft(db.get(), draft_id, auth.current_account().id)
    c = catalog()
    if draft is None or draft.exam not in c.exams or draft.academy not in c.academies:
        abort(404)
    return draft


@blueprint.route("/brouillon/<int:draft_id>/<code>", methods=["GET", "POST"])
@auth.login_required
def step(draft_id: int, code: str):
    c = catalog()
    draft = _own_draft(draft_id)
    if draft.saved_as:  # already saved (a second tab, the back button): show the result
        done = applications.by_id(db.get(), draft.saved_as)
        return redirect(url_for("registration.saved", number=done.number), code=303)
    steps = _steps(c, draft)
    index = next((i for i, s in enumerate(steps) if s.code == code), None)
    if index is None:
        abort(404)
    if index > draft.reached:  # no skipping ahead: back to the furthest step allowed
        flash("Complétez les étapes dans l'ordre : voici la prochaine étape à remplir.")
        return redirect(_step_url(draft, steps[draft.reached]), code=303)
    if not c.open_periods_for(draft.exam, draft.session, draft.academy, clock.now()):
        return _closed(c.exams[draft.exam], c.exams[draft.exam].session(draft.session))
    current = steps[index]
    ctx = _context(c, draft)
    if request.method == "GET":
        return _show(draft, steps, index, wizard.build_form(current, ctx))
    form = wizard.build_form(current, ctx, "posted")
    action = request.form.get("action", "suivant")
    database = db.get()
    if action == "precedent" and index > 0:
        if form.csrf_token.validate(form):  # never blocks on validation, never loses input
            with db.transaction(database):
                applications.save_draft(
                    database,
                    draft.id,
                    {**draft.answers, **wizard.step_answers(form, current)},
                    draft.reached,
                )
        return redirect(_step_url(draft, steps[index - 1]), code=303)
    if not form.validate():
        return _show(draft, steps, index, form)
    answers = {**draft.answers, **wizard.step_answers(form, current)}
    if action == "enregistrer" and index == len(steps) - 1:
        return _save(c, draft, answers)
    with db.transaction(database):
        applications.save_draft(database, draft.id, answers, index + 1)
    following = steps[min(index + 1, len(steps) - 1)]
    return redirect(_step_url(draft, following), code=303)


def _show(draft: Draft, steps, index: int, form):
    c = catalog()
    ctx = _context(c, draft)
    current = steps[index]
    existing = applications.by_id(db.get(), draft.application_id) if draft.application_id else None
    return form_page(
        "candidate/step.html",
        form,
        f"{current.title} – {ctx.exam.short_name} {ctx.session.label}",
        draft=draft,
        steps=steps,
        index=index,
        step=current,
        ctx=ctx,
        existing=existing,
        last=index == len(steps) - 1,
        wizard=wizard,
        sections=recap.summary(ctx, steps) if current.kind == "recapitulatif" else [],
        rows=recap.test_rows(ctx.exam, ctx.answers, ctx.speciality),
        step_url=lambda target: _step_url(draft, target),
        period=_period(c, draft, ctx.speciality),
    )


def _period(c, draft, speciality: str = ""):
    periods = c.open_periods_for(draft.exam, draft.session, draft.academy, clock.now(), speciality)
    return periods[0] if periods else None


def _save(c, draft: Draft, answers: dict):
    """« Enregistrer »: every step validated again, the period checked again, one transaction."""
    steps = _steps(c, draft)
    ctx = _context(c, draft, answers)
    for index, current in enumerate(steps):
        if not wizard.build_form(current, ctx, "check").validate():
            flash(f"L'étape « {current.title} » est à compléter ou à corriger.")
            return redirect(_step_url(draft, steps[index]), code=303)
    exam = ctx.exam
    if _period(c, draft, ctx.speciality) is None:
        return _closed(exam, ctx.session)
    database = db.get()
    account = auth.current_account()
    with db.transaction(database):
        current = applications.draft(database, draft.id, account.id)
        if current.saved_as:  # saved meanwhile from another tab: one application only
            done = applications.by_id(database, current.saved_as)
            return redirect(url_for("registration.saved", number=done.number), code=303)
        if draft.application_id:
            target = applications.by_id(database, draft.application_id)
            if target.status != applications.REGISTERED:  # closed by the office meanwhile
                return notice(
                    "Cette candidature n'est plus active",
                    f"La candidature n° {target.number} est « {target.status_label} » : "
                    "elle ne peut plus être modifiée.",
                    status=409,
                    links=[(url_for("registration.applications_list"), "Mes inscriptions")],
                )
            saved = applications.modify(
                database,
                applications.by_id(database, draft.application_id),
                answers,
                ctx.speciality,
            )
            if exam.modification_mail:
                mail.queue(
                    database,
                    "modification",
                    account.email,
                    account.id,
                    account=account,
                    application=saved,
                    exam=exam,
                    session=ctx.session,
                    academy=ctx.academy,
                )
        else:
            try:
                saved = applications.create(database, draft, answers, ctx.speciality)
            except applications.AlreadyRegistered:
                return _already(database, account, draft)
            mail.queue(
                database,
                "inscription",
                account.email,
                account.id,
                account=account,
                application=saved,
                exam=exam,
                session=ctx.session,
                academy=ctx.academy,
            )
        applications.consume_draft(database, draft.id, saved.id)
        issuing.publish_registration(database, current_app.config["DATA_DIR"], c, account, saved)
    return redirect(url_for("registration.saved", number=saved.number), code=303)


def _already(database, account, draft: Draft):
    live = applications.live(database, account.id, draft.exam, draft.session)
    return redirect(url_for("registration.application", number=live.number), code=303)


# -- after saving: the number page, « Mes inscriptions », « Mon inscription » --------------


def _own_application(number: str) -> Application:
    if not (len(number) == 3 and number.isdigit()):
        abort(404)
    found = applications.of_account(db.get(), auth.current_account().id, number)
    if found is None or found.exam not in catalog().exams:
        abort(404)
    return found


def describe(application: Application) -> dict:
    """What the pages and cards show about an application."""
    c = catalog()
    exam = c.exams[application.exam]
    academy = c.academies.get(application.academy)
    session = exam.session(application.session)
    now = clock.now()
    periods = [
        p
        for p in c.periods_for(
            exam=exam.code, session=application.session, academy=application.academy
        )
        if not p.speciality or p.speciality == application.speciality
    ]
    open_period = next((p for p in periods if p.is_open(now)), None)
    establishment = next(
        (
            e
            for e in c.establishments_of(application.academy)
            if e.uai == application.answers.get("etablissement")
        ),
        None,
    )
    account = auth.current_account()
    database = db.get()
    pieces = supporting.states(database, c, application)
    notices = []
    if supporting.needs_action(pieces):
        notices.append("Votre candidature possède au moins une demande de pièce justificative.")
    if documents.unviewed(database, application.id):
        notices.append("Votre candidature possède au moins un document à visualiser.")
    return {
        "notices": notices,
        "documents": documents.latest(database, application.id),
        "application": application,
        "exam": exam,
        "academy": academy,
        "session": session,
        "speciality": exam.speciality(application.speciality),
        "establishment": establishment,
        "open_period": open_period,
        "closing": max((p.closes for p in periods), default=None),
        "can_modify": open_period is not None and application.status == applications.REGISTERED,
        "can_withdraw": open_period is not None
        and exam.withdrawal
        and account.kind == "individual"
        and application.status == applications.REGISTERED,
    }


def current_applications(account_id: int) -> list[dict]:
    """« Mes inscriptions »: live applications of sessions that are not over."""
    now = clock.now()
    cards = []
    for application in applications.registered_of(db.get(), account_id):
        if application.exam not in catalog().exams:
            continue
        card = describe(application)
        if card["session"] and card["session"].end and card["session"].end < now:
            continue
        cards.append(card)
    return cards


@blueprint.get("/inscriptions")
@auth.login_required
def applications_list():
    account = auth.current_account()
    return render_template(
        "candidate/applications.html",
        title="Mes inscriptions",
        cards=current_applications(account.id),
        drafts=draft_cards(account.id),
    )


def draft_cards(account_id: int) -> list[dict]:
    c = catalog()
    cards = []
    for draft in applications.drafts_of(db.get(), account_id):
        if draft.exam in c.exams and draft.academy in c.academies:
            cards.append(
                {
                    "draft": draft,
                    "exam": c.exams[draft.exam],
                    "session": c.exams[draft.exam].session(draft.session),
                    "academy": c.academies[draft.academy],
                    "url": _resume_url(c, draft),
                }
            )
    return cards


@blueprint.get("/inscriptions/<number>/enregistree")
@auth.login_required
def saved(number: str):
    card = describe(_own_application(number))
    return render_template(
        "candidate/saved.html", title="Numéro d'inscription", **card, account=auth.current_account()
    )


@blueprint.get("/inscriptions/<number>")
@auth.login_required
def application(number: str):
    found = _own_application(number)
    card = describe(found)
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
    found = _own_application(number)
    card = describe(found)
    form = ConfirmForm.from_request()
    if not form.validate():
        abort(400)
    if not card["can_modify"]:
        return _closed(card["exam"], card["session"])
    database = db.get()
    steps = catalog().exam_steps(card["exam"])
    with db.transaction(database):
        draft = applications.start_draft(
            database,
            found.account_id,
            found.academy,
            found.exam,
            found.session,
            application=found,
            reached=len(steps) - 1,
        )
    return redirect(_step_url(draft, steps[0]), code=303)


@blueprint.route("/inscriptions/<number>/desinscription", methods=["GET", "POST"])
@auth.login_required
def withdraw(number: str):
    found = _own_application(number)
    card = describe(found)
    if not card["can_withdraw"]:
        reason = (
            "Pour cet examen, la désinscription se fait auprès du service des examens."
            if not card["exam"].withdrawal or auth.current_account().kind != "individual"
            else "Le service d'inscription est fermé : la désinscription n'est plus "
            "possible en ligne. Contactez le service des examens."
        )
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
    database = db.get()
    account = auth.current_account()
    with db.transaction(database):
        current = applications.by_id(database, found.id)
        if current.status != applications.REGISTERED:
            return redirect(url_for("registration.applications_list"), code=303)
        done = applications.withdraw(database, current)
        mail.queue(
            database,
            "desinscription",
            account.email,
            account.id,
            account=account,
            application=done,
            exam=card["exam"],
            session=card["session"],
            academy=card["academy"],
            when=dates.format_long(clock.now()),
        )
    flash(
        f"Votre candidature n° {number} est annulée (désinscrit par le candidat). "
        "Un courriel vous le confirme."
    )
    return redirect(url_for("registration.applications_list"), code=303)
