-- « Candidatures » filtered on one piece in one state (the dashboard's counts link to it):
-- a session's pieces of one code, with what their state is derived from
-- (worker/store/piece_counts.py, STATE_SQL), read from the index alone.
CREATE INDEX pieces_by_state
    ON pieces (group_key, code, status, validated_at, status_at, application_id);
