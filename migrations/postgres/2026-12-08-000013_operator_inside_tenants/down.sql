DROP TABLE proposal_secrets;
ALTER TABLE users DROP COLUMN must_change_password;
