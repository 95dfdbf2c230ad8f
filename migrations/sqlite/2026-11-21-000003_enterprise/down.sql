DROP TABLE financial_statements;
ALTER TABLE alerts DROP COLUMN read_at;
ALTER TABLE patents DROP COLUMN co_owner_consent;
ALTER TABLE patents DROP COLUMN removed_at;
