"""Transitional: what ``worker/candidate/views/results.py`` still imports from here.

The marks moved to ``worker.store.results`` (SQL) and ``worker.rules.marks`` (rules);
remove this module once the candidate side imports them from there (issue 9, at merge).
"""

from worker.rules.marks import result_lines
from worker.store.results import results_of

__all__ = ["result_lines", "results_of"]
