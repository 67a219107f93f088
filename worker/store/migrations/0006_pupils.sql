-- Enrolled pupils imported by an exam office from a CSV: the imports, the pupils of each
-- (account and application), and the PDF files of their login slips (papillons de
-- connexion), the only place where the one-time passwords ever exist in clear.

CREATE TABLE pupil_imports (
    id INTEGER PRIMARY KEY,
    academy TEXT NOT NULL,
    establishment TEXT NOT NULL,             -- UAI
    exam TEXT NOT NULL,
    session TEXT NOT NULL,
    staff_id INTEGER REFERENCES staff (id),
    created_at TEXT NOT NULL
);

CREATE INDEX pupil_imports_academy ON pupil_imports (academy, created_at);

CREATE TABLE pupils (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    import_id INTEGER NOT NULL REFERENCES pupil_imports (id),
    application_id INTEGER NOT NULL REFERENCES applications (id),
    line INTEGER NOT NULL                    -- line of the imported CSV file
);

CREATE INDEX pupils_import ON pupils (import_id);

CREATE TABLE pupil_slips (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES pupil_imports (id),
    academy TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('import', 'regeneration')),
    pupils INTEGER NOT NULL,                 -- how many slips the file holds
    stored_name TEXT NOT NULL,               -- file under DATA_DIR/slips/
    staff_id INTEGER REFERENCES staff (id),
    created_at TEXT NOT NULL,
    deleted_at TEXT                          -- file removed by the office
);

CREATE INDEX pupil_slips_import ON pupil_slips (import_id);
