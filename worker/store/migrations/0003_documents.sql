-- Published documents (confirmation, récapitulatif, requests, later convocations…) and
-- supporting documents (pièces justificatives) with their uploaded files.

CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    kind TEXT NOT NULL,                  -- confirmation | recapitulatif | demande_pj | …
    title TEXT NOT NULL,
    version INTEGER NOT NULL,
    stored_name TEXT NOT NULL,           -- file under DATA_DIR/documents/
    created_at TEXT NOT NULL,
    viewed_at TEXT,                      -- first download by the candidate
    UNIQUE (application_id, kind, version)
);

-- The state of one requested piece of one application; which pieces are requested comes
-- from content/ (exam pieces and their conditions on the answers).
CREATE TABLE pieces (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    code TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT ''
        CHECK (status IN ('', 'recue', 'non_conforme', 'en_attente', 'conforme')),
    status_at TEXT,
    received_on TEXT,                    -- AAAA-MM-JJ, with « Reçue »
    comment TEXT NOT NULL DEFAULT '',
    round INTEGER NOT NULL DEFAULT 1,    -- increased when a new file is asked for
    validated_at TEXT,                   -- « J'ai fourni toutes mes pièces » for this round
    UNIQUE (application_id, code)
);

CREATE TABLE piece_files (
    id INTEGER PRIMARY KEY,
    piece_id INTEGER NOT NULL REFERENCES pieces (id),
    round INTEGER NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,    -- generated; the file lives under DATA_DIR/uploads/
    original_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    removed_at TEXT                      -- removed by the candidate before validation (file kept)
);

CREATE INDEX piece_files_piece ON piece_files (piece_id, round);
