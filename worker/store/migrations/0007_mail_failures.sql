-- A mail that could not be delivered for MAIL_GIVE_UP_HOURS is marked failed instead of
-- being left silently behind; operators list and resend such mails (flask mail failed /
-- mail retry), which opens a new delivery window from window_start (created_at before).
ALTER TABLE mails ADD COLUMN failed_at TEXT;
ALTER TABLE mails ADD COLUMN window_start TEXT;
CREATE INDEX mails_failed ON mails (failed_at) WHERE failed_at IS NOT NULL;
