"""content/ as the worker sees it: the live catalogue, and the files the back office edits.

The catalogue itself (loading, validation, records) is the top-level ``catalog`` package,
shared with the static build; this package only keeps it current in a running worker.
"""

from __future__ import annotations

from flask import current_app

from catalog import Catalog


def current_catalog() -> Catalog:
    """The live catalogue of this process, reloaded when content/ changes."""
    return current_app.extensions["catalog"]()
