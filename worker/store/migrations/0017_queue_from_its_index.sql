-- The « À traiter » queue reads a page of pending pieces with what its table shows of
-- each (its application, code and status): kept in the queue's index, the page is read
-- from it alone, without a lookup in the pieces table per row.
DROP INDEX pieces_pending;
CREATE INDEX pieces_pending
    ON pieces (group_key, validated_at, id, status_at, application_id, code, status)
    WHERE group_key IS NOT NULL AND validated_at IS NOT NULL
    AND (status_at IS NULL OR validated_at > status_at);
