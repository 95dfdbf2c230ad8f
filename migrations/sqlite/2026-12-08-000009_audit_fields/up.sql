-- The audit log keeps the fields before and after a change, not only their digests, so a reviewer
-- reads what changed. The digests stay in the hash chain; verify checks each text against its digest.
ALTER TABLE audit_log ADD COLUMN before_json TEXT;
ALTER TABLE audit_log ADD COLUMN after_json TEXT;
