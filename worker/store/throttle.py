"""Login throttling shared by every worker process (the failures live in SQLite).

After LOGIN_MAX_FAILURES failures for one identifier (or one account, whether it was
typed as its address or its candidate number) within the window, each new attempt must
wait longer (1, 2, 4… minutes, at most the window); failures older than the window are
forgotten, so nobody is ever locked out for good. A much higher limit applies per client
address, since a whole school may share one; staff keys (``staff:…``) have their own
per-client limit, STAFF_LOGIN_MAX_FAILURES_PER_CLIENT, for a whole exam office.
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app

from worker import clock
from worker.store.db import Database


def keys(identifier: str, client: str, account_id: int | None = None) -> tuple[str, ...]:
    """The counters a login attempt touches: what was typed, the account it designates,
    and the client."""
    found = [f"id:{identifier.strip().casefold()}"]
    if account_id is not None:
        found.append(f"account:{account_id}")
    return (*found, f"client:{client}")


def _is_client(key: str) -> bool:
    """A per-client counter, the candidates' (client:…) or the staff's (staff:client:…)."""
    return key.removeprefix("staff:").startswith("client:")


def _limit(key: str) -> int:
    """Staff get their own per-client limit: one exam office shares one address."""
    if key.startswith("staff:client:"):
        return current_app.config["STAFF_LOGIN_MAX_FAILURES_PER_CLIENT"]
    return current_app.config[
        "LOGIN_MAX_FAILURES_PER_CLIENT" if _is_client(key) else "LOGIN_MAX_FAILURES"
    ]


def wait_seconds(db: Database, failure_keys: tuple[str, ...]) -> int:
    """How long before another attempt is allowed (0: now)."""
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    now = clock.now()
    since = clock.stamp(now - window)
    waits = [0.0]
    for key in failure_keys:
        count, last = db.execute(
            "SELECT count(*), max(at) FROM login_failures WHERE key = ? AND at >= ?", [key, since]
        ).fetchone()
        limit = _limit(key)
        if count >= limit:
            delay = min(timedelta(minutes=2 ** (count - limit)), window)
            waits.append((clock.parse(last) + delay - now).total_seconds())
    return max(0, math.ceil(max(waits)))


def record_failure(db: Database, *failure_keys: str) -> None:
    now = clock.stamp()
    for key in failure_keys:
        db.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", [key, now])
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    db.execute("DELETE FROM login_failures WHERE at < ?", [clock.stamp(clock.now() - window)])


def forget(db: Database, failure_keys: tuple[str, ...]) -> None:
    """After a successful login the identifier's and the account's counters start again."""
    for key in failure_keys:
        if not _is_client(key):
            db.execute("DELETE FROM login_failures WHERE key = ?", [key])


# -- Other throttled requests (e.g. the public verification page): every request counts.


def wait_for(db: Database, key: str, limit: int, window_minutes: int) -> int:
    """Seconds before another request under ``key`` is allowed (0: now), with the same
    doubling waits as logins once ``limit`` requests fell within the window."""
    window = timedelta(minutes=window_minutes)
    now = clock.now()
    count, last = db.execute(
        "SELECT count(*), max(at) FROM login_failures WHERE key = ? AND at >= ?",
        [key, clock.stamp(now - window)],
    ).fetchone()
    if count < limit:
        return 0
    delay = min(timedelta(minutes=2 ** (count - limit)), window)
    return max(0, math.ceil((clock.parse(last) + delay - now).total_seconds()))


def record_request(db: Database, key: str, window_minutes: int) -> None:
    """One more request under ``key``; those older than the window are forgotten."""
    now = clock.now()
    db.execute("INSERT INTO login_failures (key, at) VALUES (?, ?)", [key, clock.stamp(now)])
    since = clock.stamp(now - timedelta(minutes=window_minutes))
    db.execute("DELETE FROM login_failures WHERE key = ? AND at < ?", [key, since])
