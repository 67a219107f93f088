-- Registrations: drafts of the wizard, applications and their saved versions.

ALTER TABLE accounts ADD COLUMN kind TEXT NOT NULL DEFAULT 'individual'
    CHECK (kind IN ('individual', 'pupil'));

ALTER TABLE applications ADD COLUMN speciality TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN answers TEXT NOT NULL DEFAULT '{}';   -- JSON
ALTER TABLE applications ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE applications ADD COLUMN updated_at TEXT;
ALTER TABLE applications ADD COLUMN withdrawn_at TEXT;

-- One live application per candidate and exam session (a double submit cannot add one).
CREATE UNIQUE INDEX applications_one_per_session
    ON applications (account_id, exam, session) WHERE status = 'registered';

CREATE TABLE application_versions (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    version INTEGER NOT NULL,
    answers TEXT NOT NULL,               -- JSON, as saved
    saved_at TEXT NOT NULL,
    PRIMARY KEY (application_id, version)
);

-- The wizard's answers, kept server-side between steps so a candidate can leave and
-- resume. application_id is set when the draft modifies a saved application.
CREATE TABLE drafts (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    academy TEXT NOT NULL,
    exam TEXT NOT NULL,
    session TEXT NOT NULL,
    application_id INTEGER REFERENCES applications (id),
    answers TEXT NOT NULL DEFAULT '{}',  -- JSON
    reached INTEGER NOT NULL DEFAULT 0,  -- index of the furthest step the candidate may open
    saved_as INTEGER REFERENCES applications (id),  -- set once saved: a second tab is sent there
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX drafts_account ON drafts (account_id);
