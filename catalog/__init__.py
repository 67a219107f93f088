"""The catalog: content/ loaded into immutable records, validated, shared by both halves.

    from catalog import load_catalog
    catalog = load_catalog("content")        # raises ContentError listing every problem
    catalog, problems = load("content")      # or get the problems as data

Neither build.py nor the worker parses content files on its own.
"""

from __future__ import annotations

from .problems import ContentError, Problem
from .store import Catalog, load, load_catalog

__all__ = ["Catalog", "ContentError", "Problem", "load", "load_catalog"]
