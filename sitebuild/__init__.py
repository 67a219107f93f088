"""Turns the catalog into the static site (site/). Entry point: build.py.

``engine`` runs an incremental build (``manifest`` remembers the last one); ``pages``
and ``feeds`` describe every output with the records it shows (``context``: the types
they share); ``render`` is the Jinja environment, shared with the worker; ``urls`` the
site's addresses; ``check`` the link check of ``build.py --check``. Never imports the
worker: the worker imports this package.
"""
