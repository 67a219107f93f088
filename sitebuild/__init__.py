"""Turns the catalog into the static site (site/). Entry point: build.py.

``engine`` runs an incremental build (``manifest`` remembers the last one,
``memo_file`` keeps what was read from content/); ``batches`` renders and writes the
outputs, over several processes for a full build; ``pages`` and ``feeds`` describe every
output with the records it shows (``context``: the types they share); ``render`` is the
Jinja environment, shared with the worker; ``urls`` the site's addresses; ``guard`` the
check against a periods.csv cut short; ``check`` the link check of ``build.py --check``;
``lock`` the one lock of site/'s writers (build.py and the back office's republications).
Never imports the worker: the worker imports this package.
"""
