-- A session's relance de pièces justificatives runs as a bulk publication (one item per
-- registered application, resumable, a limited time per request): its new deadline is
-- kept with it, for every item published on resume. NULL for the other documents.
ALTER TABLE publications ADD COLUMN deadline TEXT;
