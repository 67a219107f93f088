"""Republishing: an académie's periods and home messages, edited from the back office.

A save goes through ``worker.content.republish``: applied under a lock to the current
file, checked like ``build.py --check``, written atomically, the static site rebuilt; then
the worker's catalogue is reloaded (registration opens or closes at once) and the change
audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from worker import clock
from worker.content import republish
from worker.office.actions.outcomes import Done, Invalid
from worker.store import db
from worker.store.audit import audit
from worker.store.db import Database
from worker.store.staff import Staff


@dataclass(frozen=True)
class Site:
    """Where content/ and the built site are, and what republishing needs besides."""

    content_dir: Path
    site_dir: Path
    lock_path: Path
    base_url: str
    lock_wait: float  # seconds a republication waits for the site's lock (then Busy, 503)


@dataclass(frozen=True)
class Change:
    """One edit of one file of content/, as the audit log names it."""

    name: str  # republish.PERIODS or republish.MESSAGES
    edit: Callable[[bytes], tuple[bytes, dict, dict]]
    action: str  # content.period.add…
    academy: str
    done: str  # said once published


def republish_change(
    database: Database,
    member: Staff,
    site: Site,
    change: Change,
    reload_catalog: Callable[[], None],
) -> Done | Invalid:
    """The change saved and the site rebuilt (409 on a conflicting edit, 400 when refused,
    503 when a build kept the site's lock: nothing saved, the form kept to try again)."""
    try:
        saved = republish.save(
            site.content_dir,
            site.site_dir,
            change.name,
            change.edit,
            lock_path=site.lock_path,
            now=clock.now(),
            base_url=site.base_url,
            lock_wait=site.lock_wait,
        )
    except republish.Busy as exc:
        return Invalid(tuple(exc.messages), 503)
    except republish.Conflict as exc:
        return Invalid(tuple(exc.messages), 409)
    except republish.Refused as exc:
        return Invalid(tuple(exc.messages), 400)
    if saved.unchanged:
        return Done("Aucune modification : rien n'a été republié.")
    reload_catalog()
    with db.transaction(database):
        audit(
            database,
            member,
            change.action,
            academy=change.academy,
            before={"file": change.name, **saved.before} if saved.before else {},
            after={"file": change.name, **saved.after} if saved.after else {},
        )
    if saved.build_problems:
        return Done(
            f"{change.done} Le fichier est enregistré, mais le site public n'a pas pu être "
            "reconstruit : " + " ; ".join(saved.build_problems),
            "error",
        )
    return Done(f"{change.done} {_published(saved.report.written + saved.report.removed)}")


def _published(changed: int) -> str:
    """What the rebuild did, for staff (build.py's own summary speaks to operators)."""
    if not changed:
        return "Site public à jour : aucune de ses pages n'a changé."
    pages = "page modifiée" if changed == 1 else "pages modifiées"
    return f"Site public mis à jour : {changed} {pages}."
