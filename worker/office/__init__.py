"""The back office (/gestion/): the exam offices' staff (gestionnaires) and administrators.

Staff sign in with their professional address and see only the applications, imports and
content of their académies: they review applications and supporting pieces, publish
documents, results and messages, act on a candidate's behalf, import pupils of an
establishment, and edit registration periods and home messages; administrators also
create staff accounts.

- ``views``: the blueprints (``office``: sign-in, applications, review;
  ``office_actions``: actions on one application and on a whole exam session;
  ``office_pupils``: pupils; ``office_content``: periods and messages; ``office_admin``:
  staff accounts), parsing the request and mapping outcomes to responses;
- ``actions``: the use cases, one function per thing a staff member does.
"""

from __future__ import annotations

from worker.office.views import (
    actions,
    applications,
    audit,
    content,
    dashboard,
    duplicates,
    pupils,
    queue,
    relance,
    staff,
)

# In registration order.
BLUEPRINTS = (
    applications.blueprint,
    actions.blueprint,
    queue.blueprint,
    dashboard.blueprint,
    duplicates.blueprint,
    relance.blueprint,
    audit.blueprint,
    pupils.blueprint,
    content.blueprint,
    staff.blueprint,
)
