-- Accounts created through FranceConnect: the identity federation's subject identifier
-- (`sub`, stable per provider and per service) is what a later FranceConnect sign-in is
-- matched on, never the email. One identity per account, one account per identity; the
-- row disappears with its account. The pivot identity itself lives in `accounts`.

CREATE TABLE franceconnect_identities (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    issuer TEXT NOT NULL,                    -- the provider's issuer URL
    sub TEXT NOT NULL,                       -- its subject identifier for this service
    created_at TEXT NOT NULL,
    UNIQUE (issuer, sub)
);
