"""Links the candidate views share: a draft's step, a card's « Reprendre »."""

from __future__ import annotations

from flask import url_for

from catalog.model import Step
from worker.mail import delivery as mail
from worker.store.applications import Draft


def step_url(draft: Draft, step: Step) -> str:
    return url_for("registration.step", draft_id=draft.id, code=step.code)


def with_resume_urls(drafts: list[dict]) -> list[dict]:
    """Draft cards (``actions.cards.draft_cards``) with the link that resumes each."""
    return [{**card, "url": step_url(card["draft"], card["step"])} for card in drafts]


def mailed(endpoint: str):
    """token → the absolute link to ``endpoint``, for a mail (``actions.outcomes.LinkFor``)."""
    return lambda token: mail.base_url() + url_for(endpoint, token=token)
