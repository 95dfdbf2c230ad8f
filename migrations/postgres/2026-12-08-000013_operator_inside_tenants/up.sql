-- A reset password is changed by its user at the next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
-- The argon2 hash of the password a pending user proposal sets, kept out of the proposal's
-- payload (which its deciders read); deleted when the proposal is decided.
CREATE TABLE proposal_secrets (
    proposal_id   BIGINT PRIMARY KEY REFERENCES proposals (id),
    password_hash TEXT NOT NULL
);
