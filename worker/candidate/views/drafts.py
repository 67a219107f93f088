"""A draft of the wizard, apart from its steps: abandoning it (« Annuler » / « Quitter »,
after a confirmation page) and printing its récapitulatif before saving
(« Visualiser/imprimer »). The use cases are in ``actions.registration``."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from worker import clock
from worker.candidate.access import own_draft
from worker.candidate.actions import cards
from worker.candidate.actions import registration as register
from worker.candidate.views.common import step_url
from worker.content import current_catalog as catalog
from worker.forms.base import ConfirmForm
from worker.rules import recap
from worker.store import applications, db
from worker.web import auth
from worker.web.pages import form_page

blueprint = Blueprint("drafts", __name__, url_prefix="/espace-candidat/brouillon")


@blueprint.route("/<int:draft_id>/abandonner", methods=["GET", "POST"])
@auth.login_required
def abandon(draft_id: int):
    """The confirmation page, then only this draft deleted."""
    draft = own_draft(draft_id)
    c = catalog()
    ctx = register.context(c, auth.current_account(), draft)
    existing = applications.by_id(db.get(), draft.application_id) if draft.application_id else None
    form = ConfirmForm.from_request()
    if not form.submitted():
        back = step_url(draft, cards.resume_step(c, draft))
        title = "Quitter la modification" if existing else "Annuler mon inscription en cours"
        return form_page(
            "candidate/abandon.html", form, title, ctx=ctx, existing=existing, back=back
        )
    match register.abandon(db.get(), auth.current_account(), draft):
        case register.Saved(application):
            return redirect(url_for("registration.application", number=application.number), 303)
        case register.Abandoned(_draft, application) if application is not None:
            flash(f"Vos changements sont abandonnés : la candidature n° {application.number} "
                  "reste telle qu'elle était enregistrée.")  # fmt: skip
        case register.Abandoned():
            flash(f"Votre inscription en cours à « {ctx.exam.short_name} – {ctx.session.label} » "
                  "est supprimée. Rien n'a été enregistré.")  # fmt: skip
    return redirect(url_for("registration.applications_list"), code=303)


@blueprint.get("/<int:draft_id>/imprimer")
@auth.login_required
def printable(draft_id: int):
    """« Visualiser/imprimer »: the récapitulatif of the answers so far, to print."""
    draft = own_draft(draft_id)
    c = catalog()
    steps = cards.steps_of(c, draft)
    last = next((s for s in steps if s.kind == "recapitulatif"), None)
    if last is None:
        abort(404)
    match register.open_step(db.get(), c, draft, last.code):
        case register.AtStep():
            pass
        case register.StepAhead(furthest):
            flash("Le récapitulatif s'imprime une fois toutes les étapes remplies.")
            return redirect(step_url(draft, furthest), code=303)
        case register.Saved(application):
            return redirect(url_for("registration.application", number=application.number), 303)
        case _:
            abort(409)
    ctx = register.context(c, auth.current_account(), draft)
    existing = applications.by_id(db.get(), draft.application_id) if draft.application_id else None
    return render_template(
        "candidate/recap_print.html",
        title=f"Récapitulatif – {ctx.exam.short_name} {ctx.session.label}",
        ctx=ctx,
        existing=existing,
        sections=recap.summary(ctx, cards.reached_steps(c, draft)),
        rows=recap.test_rows(ctx.exam, ctx.answers, ctx.speciality),
        printed_at=clock.now(),
        back=step_url(draft, last),
    )
