"""Transitional: what ``worker/candidate/views/login.py`` still imports from here.

A pupil's first login moved to ``worker.store.pupils``; remove this module once the
candidate side imports it from there (issue 9, at merge).
"""

from worker.store.pupils import finish_first_login, set_first_email

__all__ = ["finish_first_login", "set_first_email"]
