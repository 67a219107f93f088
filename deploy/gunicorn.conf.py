"""gunicorn settings for portail-candidat (`gunicorn -c deploy/gunicorn.conf.py`).

The application is ``worker:create_app()``. Each setting can be overridden from the
environment (the systemd unit reads /etc/portail-candidat/env):

- ``PORTAIL_BIND`` (default ``127.0.0.1:8001``, the address nginx proxies to);
- ``PORTAIL_WORKERS`` (default twice the number of cores);
- ``PORTAIL_PUBLISH_SECONDS`` (the worker's bulk-publication slice, default 20 s): the
  request timeout is kept well above it so a publication request is never killed mid-run.

The first two are declared in worker/config.py (READ_ELSEWHERE), so that the worker does
not report them as unknown PORTAIL_ variables.
"""

from __future__ import annotations

import os

from gunicorn.config import KNOWN_SETTINGS


def _number(variable: str, default: float) -> float:
    """A number from the environment; otherwise gunicorn stops with one line naming it."""
    text = os.environ.get(variable, "")
    try:
        return float(text) if text else default
    except ValueError:
        raise SystemExit(f"{variable} doit être un nombre (lu : {text!r}).") from None


wsgi_app = "worker:create_app()"
bind = [os.environ.get("PORTAIL_BIND", "127.0.0.1:8001")]
workers = int(_number("PORTAIL_WORKERS", 2 * (os.cpu_count() or 1)))
# Sync workers: one request at a time per process, which suits SQLite's single writer and
# the CPU-bound PDF generation; nginx buffers slow clients in front.
worker_class = "sync"
timeout = max(60, 3 * int(_number("PORTAIL_PUBLISH_SECONDS", 20)))
graceful_timeout = 30  # on SIGTERM, requests in progress get this long to finish
keepalive = 5
accesslog = "-"  # stdout: journald keeps it (journalctl -u portail-candidat)
errorlog = "-"
forwarded_allow_ips = "127.0.0.1"  # nginx on the same host

# gunicorn ≥ 25.1 opens a control socket by default; nothing here uses it.
if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
    control_socket_disable = True


def post_fork(server, worker) -> None:
    """Start the background threads (mail delivery) in each worker, after the fork.

    With ``--preload`` the master has loaded the application before forking; threads and
    SQLite connections must never cross a fork, so they start here, in the child. Without
    it the application is not loaded yet: post_worker_init starts them once it is.
    """
    _start_background(worker.app.callable)


def post_worker_init(worker) -> None:
    """The same, once a worker that loads the application itself has loaded it."""
    _start_background(worker.wsgi)


def _start_background(app) -> None:
    if not hasattr(app, "extensions"):  # not loaded yet, or gunicorn's error application
        return
    from worker.mail.delivery import start_background

    start_background(app)
