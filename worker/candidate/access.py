"""What the signed-in candidate may open: their own applications and drafts, or a 404.

Anybody else's number or draft answers exactly like one that does not exist.
"""

from __future__ import annotations

from flask import abort

from worker.content import current_catalog
from worker.store import applications, db
from worker.store.applications import Application, Draft
from worker.web import auth


def own_application(number: str) -> Application:
    """The candidate's application n° ``number`` (three digits), of an exam still offered."""
    if not (len(number) == 3 and number.isdigit()):
        abort(404)
    found = applications.of_account(db.get(), auth.current_account().id, number)
    if found is None or found.exam not in current_catalog().exams:
        abort(404)
    return found


def own_draft(draft_id: int) -> Draft:
    """The candidate's draft, of an exam and académie still in the catalogue."""
    draft = applications.draft(db.get(), draft_id, auth.current_account().id)
    catalog = current_catalog()
    if draft is None or draft.exam not in catalog.exams or draft.academy not in catalog.academies:
        abort(404)
    return draft
