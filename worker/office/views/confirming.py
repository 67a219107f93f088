"""The confirmation step of the actions on a whole exam session (a message, documents,
relances): the first POST of a valid form shows what will happen and to how many, the
form's values kept in hidden fields; « Confirmer » posts them again to act, « Annuler »
posts them back to the form, as typed. Without JavaScript, like every page.

The page also carries a one-time token that the confirmed action records
(``store/confirmations.py``): a double click, or the page sent again, does not act twice."""

from __future__ import annotations

import re
import secrets

from flask import render_template, request

from worker.forms.base import ConfirmForm
from worker.office.actions.bulk import Preview

DECISION = "decision"
CONFIRM, CHANGE = "confirmer", "modifier"
ONCE = "once"
AS_TYPED = "« Annuler » vous ramène au formulaire tel que vous l'avez rempli, sans rien envoyer."
TOKEN = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)


def decision() -> str:
    """What the posted form asks: CONFIRM (act), CHANGE (back to the form) or "" (the
    form itself, to confirm next)."""
    return request.form.get(DECISION, "")


def confirmed(preview: Preview) -> bool:
    """Act now: the staff member confirmed from a confirmation page (its token is there),
    and there is someone to act for."""
    return decision() == CONFIRM and preview.count > 0 and bool(once())


def once() -> str:
    """The confirmation page's one-time token, as posted ("" if absent or malformed)."""
    token = request.form.get(ONCE, "")
    return token if TOKEN.fullmatch(token) else ""


def page(
    title: str,
    preview: Preview,
    kept: dict[str, str],
    button: str,
    back: str,
    text: tuple[str, str] = ("", ""),
    cancel: str = AS_TYPED,
):
    """The confirmation page: ``kept`` are the form's values, posted again by either
    button; ``back`` the form's URL (with its section); ``text``, a heading and the text
    that will be sent, shown as it will read; ``cancel``, what « Annuler » does."""
    html = render_template(
        "office/bulk_confirm.html",
        title=title,
        preview=preview,
        kept=kept,
        button=button,
        back=back,
        text_heading=text[0],
        text=text[1],
        cancel=cancel,
        form=ConfirmForm.blank(),
        once=(ONCE, secrets.token_urlsafe(16)),
        decision=DECISION,
        confirm=CONFIRM,
        change=CHANGE,
    )
    return html, 200
