"""The catalog: content/ loaded into immutable records, validated, shared by both halves.

    from catalog import load_catalog
    catalog = load_catalog("content")        # raises ContentError listing every problem
    catalog, problems = load("content")      # or get the problems as data

Neither build.py nor the worker parses content files on its own. What is where:
``toml_file`` (reading one TOML file, with lines for problems), ``exams``, ``records``
(domains, académies, messages, wizard, lists), ``tables`` (the CSV files), ``guides``
(Markdown guides and pages), ``store`` (the Catalog and its lookups), ``cross_checks``
(the checks between files), ``model`` (the records), ``dates`` (Paris time), ``slugs``
(ASCII slugs for URLs, ids and logins), ``problems``, ``memo`` (what the readers made of
each file, reused by the static build while the file's bytes are unchanged).
"""

from __future__ import annotations

from .problems import ContentError, Problem
from .store import Catalog, load, load_catalog

__all__ = ["Catalog", "ContentError", "Problem", "load", "load_catalog"]
