ALTER TABLE audit_log DROP COLUMN after_json;
ALTER TABLE audit_log DROP COLUMN before_json;
