-- Issue 16. links_epoch: a per-account counter folded into the fingerprints of reset and
-- email-change links (worker/rules/tokens.py); it goes up on every login, password change,
-- email change and whenever such a link is issued, so each of these kills pending links.
ALTER TABLE accounts ADD COLUMN links_epoch INTEGER NOT NULL DEFAULT 0;
