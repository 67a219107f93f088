"""Who is signed in: the session cookie → a server-side session → the account."""

from __future__ import annotations

import functools
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, session, url_for

from worker.store import accounts, db
from worker.store.accounts import Account


def current_account() -> Account | None:
    """The signed-in candidate, read once per request (``g`` looked up once per call: a
    page asks three or four times, and each attribute through Flask's proxy costs a
    context lookup)."""
    here = g._get_current_object()
    if "account" in here:
        return here.account
    here.account = None
    token = session.get("sid")
    if token:
        idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
        signed_in = accounts.signed_in(db.get(), token, idle)
        here.account = signed_in[0] if signed_in else None
        if signed_in is None:
            session.pop("sid", None)
        elif signed_in[1]:  # the session's last use moved: the cookie's lifetime follows
            session.modified = True
    return here.account


def remember(account: Account, session_id: str) -> None:
    """The cookie now carries a new session (``actions.login.log_in`` opened it): the old
    cookie content is dropped."""
    session.clear()
    session["sid"] = session_id
    session.permanent = True
    g.account = account


def session_id() -> str | None:
    """The server-side session this request belongs to."""
    return session.get("sid")


def forget() -> None:
    """The cookie emptied (its server-side session closed by the caller)."""
    session.clear()
    g.account = None


def login_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        account = current_account()
        if account is None:
            return redirect(url_for("login.login", next=request.full_path.rstrip("?")))
        if account.must_change_password:  # a pupil's one-time password: first login first
            return redirect(url_for("login.first_login"))
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str | None:
    """A redirect target after login: a local path only, never another site."""
    if not target or not target.isprintable() or any(c.isspace() for c in target):
        return None  # urlsplit would silently drop line breaks: refuse them first
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def client_address() -> str:
    return request.remote_addr or "inconnu"
