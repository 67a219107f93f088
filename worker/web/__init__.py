"""What every page of the worker shares, whichever side it is on: who is signed in
(``auth`` for candidates, ``staff_auth`` for the back office), page helpers (``pages``:
form pages, notices, file downloads), security headers, French error pages, and the
built static site served beside the candidate space in development (``public_site``).
"""
