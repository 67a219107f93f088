"""The candidate's use cases: one function per user action, without Flask requests.

A use case takes plain values (the database, the account, a draft, answers, a file
stream, the catalogue, ``data_dir``…), runs its transaction(s) itself through
``worker.store.db`` and returns an **outcome**: a small frozen dataclass saying what
happened (``Saved(application)``, ``PeriodClosed(exam, session)``, ``DeadLink(status)``…).
The views map outcomes to responses; nothing here reads ``request``, ``session`` or ``g``
or builds a response. Links that go into mails are built by the caller and passed in
as a ``LinkFor`` (token → absolute URL). Read models shared by several pages are in
``cards``.
"""
