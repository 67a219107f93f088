"""The candidate space's blueprints: each parses the request, calls one use case of
``worker.candidate.actions`` and maps its outcome to a response. ``urls`` holds the
links several of them build; none imports another's private helpers."""
