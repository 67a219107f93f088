"""content/ as the worker sees it: the live catalogue, and the files the back office edits.

The catalogue itself (loading, validation, records) is the top-level ``catalog`` package,
shared with the static build; this package keeps it current in a running worker
(``live``) and edits content/ for the back office: ``republish`` (check, write, rebuild,
under a lock) over ``periods_file`` and ``messages_file``, which change one row or one
message and leave every other byte of the file as it was.
"""

from __future__ import annotations

from flask import current_app

from catalog import Catalog


def current_catalog() -> Catalog:
    """The live catalogue of this process, reloaded when content/ changes."""
    return current_app.extensions["catalog"]()
