-- Authentication, maker-checker and idempotency (PostgreSQL dialect; migrations/sqlite/ holds the same).

-- Refresh tokens are stored hashed; each login starts a family (the session, named in the access
-- token), each refresh rotates within it, and presenting a used token again revokes the whole
-- family. Access tokens of a revoked family stop working (logout, password reset, disable).
CREATE TABLE refresh_tokens (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    family      TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    issued_at   TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Failed-login counters per account and per client address ("user:NAME", "ip:ADDR").
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL CHECK (failures >= 0),
    locked_until TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);

-- Maker-checker: one user proposes, a different user of the required role decides.
CREATE TABLE proposals (
    id             BIGSERIAL PRIMARY KEY,
    org_id         BIGINT NOT NULL REFERENCES organisations (id),
    kind           TEXT NOT NULL,
    object_type    TEXT NOT NULL,
    object_id      TEXT NOT NULL,
    payload_json   TEXT NOT NULL,
    payload_digest TEXT NOT NULL,
    proposed_by    BIGINT NOT NULL REFERENCES users (id),
    required_role  TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'sent_back')),
    decided_by     BIGINT REFERENCES users (id),
    decision_note  TEXT,
    created_at     TIMESTAMP NOT NULL,
    decided_at     TIMESTAMP,
    CHECK (decided_by IS NULL OR decided_by <> proposed_by)
);
CREATE INDEX proposals_org ON proposals (org_id, status, created_at);

-- The first response to a state-changing POST with an Idempotency-Key, replayed on retries.
CREATE TABLE idempotency_keys (
    user_id        BIGINT NOT NULL REFERENCES users (id),
    idem_key       TEXT NOT NULL,
    request_digest TEXT NOT NULL,
    status_code    INTEGER,
    response_body  TEXT,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
