-- What a document's verification code proves (issue 14): the SHA-256 of the exact file
-- the portal issued, kept beside the code printed in it. The code itself is signed (the
-- document id and an HMAC, worker/rules/verification.py); it is stored to answer the
-- page from one row and to refuse a code that was never printed.

CREATE TABLE document_checks (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id),
    code TEXT NOT NULL UNIQUE,           -- as printed: « 00001-A08QJ-A66SH »
    sha256 TEXT NOT NULL                 -- hex digest of the file's bytes
);
