-- Candidate accounts, their sessions, sent mails, login throttling and number counters.
-- Times are ISO 8601 UTC strings ("2026-11-22T08:00:00+00:00").

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,                 -- as typed (trimmed, NFC)
    email_key TEXT NOT NULL UNIQUE,      -- lower-cased: one account per address
    pending_email TEXT,                  -- new address awaiting verification
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active')),
    candidate_number TEXT UNIQUE,        -- assigned at activation
    civility TEXT NOT NULL,
    last_name TEXT NOT NULL,
    usual_name TEXT NOT NULL DEFAULT '',
    first_names TEXT NOT NULL,
    birth_date TEXT NOT NULL,            -- AAAA-MM-JJ
    birth_country TEXT NOT NULL,         -- ISO 3166 alpha-2
    birth_departement TEXT NOT NULL DEFAULT '',
    birth_commune TEXT NOT NULL DEFAULT '',      -- INSEE code
    birth_commune_name TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    activated_at TEXT,
    updated_at TEXT NOT NULL
);

CREATE INDEX accounts_pending ON accounts (status, created_at);

-- Applications are described by the registration wizard; accounts only need to know
-- whether one exists (editing and deleting an account depend on it).
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    academy TEXT NOT NULL,
    exam TEXT NOT NULL,
    session TEXT NOT NULL,
    number TEXT NOT NULL,                -- 001, 002… per candidate
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (account_id, number)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,         -- sha256 of the random session identifier
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE mails (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NOT NULL DEFAULT ''
);

CREATE INDEX mails_account ON mails (account_id, created_at);
CREATE INDEX mails_due ON mails (sent_at, next_attempt_at);

CREATE TABLE login_failures (
    key TEXT NOT NULL,                   -- "id:<identifier>" or "client:<address>"
    at TEXT NOT NULL
);

CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
