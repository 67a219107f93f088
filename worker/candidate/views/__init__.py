"""The candidate space's blueprints: each parses the request, calls one use case of
``worker.candidate.actions`` and maps its outcome to a response. ``common`` holds what
several of them build (links, cards); none imports another's private helpers."""
