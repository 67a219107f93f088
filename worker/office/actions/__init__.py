"""The back office's use cases: one function per thing a staff member does.

A use case takes plain values (the staff member, their scope, records already found in
scope, parsed form values, the catalogue, the data directory, the database connection),
runs its transaction(s) itself through ``worker.store.db`` and audits what it changes.
It returns an outcome, a small frozen dataclass of ``outcomes`` (``Done``, ``Refused``,
``NotFound``…) or one of its own module's (``Imported``, ``SignedIn``…), that the view
maps to a response. It never builds a response nor reads the request, the session or
``flask.g``: the views do, so the same rule holds for a page, a test or a command.

- ``review``: piece status, export of the applications list.
- ``interventions``: on one application: a document, results, a message, an identity
  correction, withdrawal and rejection.
- ``publication``: a whole exam session: documents generated for every application, a
  message to every candidate.
- ``pupils``: import of a CSV of pupils, renewed passwords, login slip files.
- ``staff``: staff accounts.
- ``login``: staff sign-in (throttled) and sign-out.
- ``content``: republishing periods and home messages.
- ``queue``, ``dashboard``, ``duplicates``, ``relance``: « À traiter », the session
  dashboard, the duplicates' pairs, the relance de pièces justificatives; ``reminders``,
  the periodic reminders of missing pieces.
- ``audit_log``: the journal and an application's history; ``audit_words`` puts an
  entry's before/after in words.
"""
