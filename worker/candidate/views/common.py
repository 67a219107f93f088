"""What several candidate views share: step and mailed links, an application's card,
the lists of « Mes inscriptions » (also on the home page)."""

from __future__ import annotations

from flask import url_for

from catalog.model import Step
from worker import mail
from worker.candidate.actions import cards
from worker.content import current_catalog
from worker.store import db
from worker.store.applications import Application, Draft
from worker.web import auth
from worker.web.templating import template_url_for


def step_url(draft: Draft, step: Step) -> str:
    return template_url_for("registration.step", draft_id=draft.id, code=step.code)


def mailed(endpoint: str):
    """token → the absolute link to ``endpoint``, for a mail (``actions.outcomes.LinkFor``)."""
    return lambda token: mail.base_url() + url_for(endpoint, token=token)


def card(application: Application) -> dict:
    """The card of one of the signed-in candidate's applications (``actions.cards``)."""
    return cards.describe(db.get(), current_catalog(), auth.current_account(), application)


def applications_and_drafts() -> dict:
    """The signed-in candidate's live applications (``cards``) and drafts to resume."""
    account = auth.current_account()
    database, catalog = db.get(), current_catalog()
    drafts = cards.draft_cards(database, catalog, account.id)
    return {
        "cards": cards.current_applications(database, catalog, account),
        "drafts": [{**item, "url": step_url(item["draft"], item["step"])} for item in drafts],
    }
