-- The exam offices' back office: staff accounts and sessions, audit log, results, enrolled
-- pupils (accounts created by the office with a login and a one-time password).

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'admin')),
    academies TEXT NOT NULL DEFAULT '[]',    -- JSON list of académie codes it may see
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER REFERENCES staff (id),
    at TEXT NOT NULL,
    action TEXT NOT NULL,                    -- e.g. "piece.status", "application.reject"
    academy TEXT NOT NULL DEFAULT '',
    application_id INTEGER,
    account_id INTEGER,
    before TEXT NOT NULL DEFAULT '{}',       -- JSON
    after TEXT NOT NULL DEFAULT '{}'         -- JSON
);

CREATE INDEX audit_application ON audit (application_id, at);

CREATE TABLE results (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    test_code TEXT NOT NULL,
    mark TEXT NOT NULL,                      -- "12,5", "ABS"…
    published_at TEXT NOT NULL,
    PRIMARY KEY (application_id, test_code)
);

ALTER TABLE accounts ADD COLUMN login TEXT;          -- pupils: nom.prenomN
CREATE UNIQUE INDEX accounts_login ON accounts (login) WHERE login IS NOT NULL;
ALTER TABLE accounts ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN closed_at TEXT;  -- withdrawn or rejected by the office
