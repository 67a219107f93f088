"""Helpers run in separate processes by tests/test_concurrency.py (not a test module).

- ``python -m tests.worker_process serve CONFIG_JSON PORT_FILE``: a real worker process
  (create_app + werkzeug's server) on a free loopback port, written to PORT_FILE once
  listening; it serves until terminated.
- :func:`activate_accounts`: the body of a process that activates candidate accounts, each
  in its own transaction on its own connection (run with multiprocessing's "spawn").
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def activate_accounts(where: str, account_ids: list[int], barrier, results) -> None:
    """Activate account_ids one by one; put {account id: candidate number} on results."""
    from worker.store import accounts, db

    database = db.connect(where)
    numbers = {}
    try:
        barrier.wait(timeout=30)  # every process starts together: maximum contention
        for account_id in account_ids:
            with db.transaction(database):
                account = accounts.by_id(database, account_id)
                numbers[account_id] = accounts.activate(database, account).candidate_number
    finally:
        database.close()
    results.put(numbers)


def serve(config_json: str, port_file: str) -> None:
    from werkzeug.serving import make_server

    from worker import create_app

    app = create_app(json.loads(config_json))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Written atomically (rename) once the socket listens: the test polls for this file.
    temporary = f"{port_file}.tmp"
    Path(temporary).write_text(str(server.port), encoding="utf-8")
    os.replace(temporary, port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    command, *arguments = sys.argv[1:]
    if command == "serve":
        serve(*arguments)
    else:
        raise SystemExit(f"unknown command {command!r}")
