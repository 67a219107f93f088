"""The store: the only code that runs SQL, one module per aggregate.

``db`` opens connections, applies the numbered migrations of ``migrations/`` and runs
transactions (``BEGIN IMMEDIATE``: read-then-write sequences never interleave between
processes). Every other module owns one aggregate's tables and returns named records
(dataclasses), never rows by position: accounts, sessions (candidates' and staff's),
throttle (login failures), applications (and wizard drafts), pieces (supporting
documents and their files), documents (issued PDFs), mails, staff and audit, results,
publications, pupils. The back office's reads (search, queue, dashboard, audit_log)
go through indexes whatever the size: ``search_keys`` and ``piece_counts`` keep the
normalised search terms and the counts by state with the rows they derive from, and
``paging`` merges one page read per académie. Functions that write expect to run inside
the caller's ``db.transaction()``, so that one user action is one transaction.
"""
