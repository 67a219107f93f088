-- Bulk publications of the back office: one generated document (convocation, notification)
-- for every registered application of an exam session in one académie. The items say which
-- applications are done, so an interrupted publication resumes where it stopped and never
-- publishes the same batch twice to one candidate.

CREATE TABLE publications (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff (id),
    academy TEXT NOT NULL,
    exam TEXT NOT NULL,
    session TEXT NOT NULL,
    kind TEXT NOT NULL,                      -- convocation | notification
    title TEXT NOT NULL,                     -- as typed by the staff member
    body TEXT NOT NULL,                      -- the text printed in every document
    total INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT
);

CREATE INDEX publications_academy ON publications (academy, created_at);

CREATE TABLE publication_items (
    publication_id INTEGER NOT NULL REFERENCES publications (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    outcome TEXT NOT NULL DEFAULT ''
        CHECK (outcome IN ('', 'published', 'skipped')),  -- skipped: no longer registered
    document_id INTEGER REFERENCES documents (id),
    done_at TEXT,
    PRIMARY KEY (publication_id, application_id)
);

CREATE INDEX publication_items_pending ON publication_items (publication_id, outcome);
