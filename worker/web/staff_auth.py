"""Who is signed in to the back office: its own server-side sessions, same rules.

Anybody not signed in as staff (anonymous visitors, candidates) is sent to the staff login
page, and back to the page asked for after it (a POST gets a 403: nothing to resume);
staff outside the académie get a 404 for a record outside their scope, non-admins a 403
for the administration pages.
"""

from __future__ import annotations

import functools
from datetime import timedelta

from flask import abort, current_app, g, redirect, request, session, url_for

from worker.store import db, sessions, staff
from worker.store.staff import Staff


def current_staff() -> Staff | None:
    if "staff_member" not in g:
        g.staff_member = None
        token = session.get("staff_sid")
        if token:
            database = db.get()
            idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
            live = sessions.account_of(database, token, idle, sessions.STAFF)
            member = staff.by_id(database, live.owner_id) if live else None
            g.staff_member = member if member and not member.disabled_at else None
            if g.staff_member is None:
                session.pop("staff_sid", None)
            elif live.refreshed:
                session.modified = True  # the cookie's lifetime follows the server-side one
    return g.staff_member


def sign_in(member: Staff) -> None:
    """A new session identifier at every login."""
    session.clear()
    session["staff_sid"] = sessions.open_session(db.get(), member.id, sessions.STAFF)
    session.permanent = True
    g.staff_member = member


def sign_out() -> None:
    token = session.get("staff_sid")
    if token:
        sessions.close(db.get(), token, sessions.STAFF)
    session.clear()
    g.staff_member = None


def _refused():
    """Not signed in as staff: a page sends to the login page (and back here after it); a
    form gets a 403, there being nothing to resume."""
    if request.method == "GET":
        return redirect(url_for("office.login", next=request.full_path.rstrip("?")), 303)
    abort(403)


def staff_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_staff() is None:
            return _refused()
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        member = current_staff()
        if member is None:
            return _refused()
        if not member.admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def scope() -> tuple[str, ...]:
    member = current_staff()
    return member.academies if member else ()


def in_scope(lookup, record_id: int):
    """The record `lookup(db, scope, id)` finds within the member's académies, or a 404."""
    found = lookup(db.get(), scope(), record_id)
    if found is None:
        abort(404)
    return found
