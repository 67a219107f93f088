"""The back office's blueprints: each parses the request, calls one use case of
``worker.office.actions`` and maps its outcome to a response."""
