-- Issue 16. links_epoch: a per-account counter folded into the fingerprints of reset and
-- email-change links (worker/rules/tokens.py); it goes up on every login, password change,
-- email change and whenever such a link is issued, so each of these kills pending links.
ALTER TABLE accounts ADD COLUMN links_epoch INTEGER NOT NULL DEFAULT 0;

-- Antivirus (worker/files/antivirus.py): 'clean' (scanned clean, or scanning off),
-- 'pending' (clamd was unreachable: quarantined, not served to staff until a rescan finds
-- it clean) or 'infected' (found by a rescan: the file is deleted, the row kept).
ALTER TABLE piece_files ADD COLUMN scan_state TEXT NOT NULL DEFAULT 'clean';
CREATE INDEX piece_files_pending ON piece_files (id) WHERE scan_state = 'pending';
