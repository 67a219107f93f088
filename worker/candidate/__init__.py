"""The candidate space: what a candidate does on the portal, from sign-up to results.

``views`` holds the blueprints (request in, response out), ``actions`` the use cases they
call, ``access`` the ownership checks shared by the views. BLUEPRINTS lists the
blueprints the app factory registers, in this order.
"""

from __future__ import annotations

from flask import Blueprint

from worker.candidate.views import (
    account,
    documents,
    drafts,
    franceconnect,
    home,
    login,
    registration,
    results,
    signup,
)

BLUEPRINTS: tuple[Blueprint, ...] = tuple(
    view.blueprint
    for view in (
        signup,
        login,
        account,
        home,
        registration,
        drafts,
        documents,
        results,
        franceconnect,
    )
)
