-- Data feeds and background jobs (PostgreSQL dialect; migrations/sqlite/ holds the same).

-- A provider of patent legal-status events or enterprise risk events, polled over HTTP. The
-- cursor is the provider's own `next_cursor`, saved in the transaction that ingests its page.
CREATE TABLE feed_providers (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    kind           TEXT NOT NULL CHECK (kind IN ('patent', 'enterprise')),
    base_url       TEXT NOT NULL,
    token          TEXT,
    interval_secs  INTEGER NOT NULL CHECK (interval_secs > 0),
    max_per_sec    INTEGER NOT NULL DEFAULT 5 CHECK (max_per_sec > 0),
    cursor         TEXT,
    enabled        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     TIMESTAMP NOT NULL
);

-- Every record ingested, by the provider's id: the same record twice counts once.
CREATE TABLE feed_records (
    id           BIGSERIAL PRIMARY KEY,
    provider_id  BIGINT NOT NULL REFERENCES feed_providers (id),
    record_id    TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    UNIQUE (provider_id, record_id)
);

-- Records refused by validation, with the reason, for the operator.
CREATE TABLE feed_quarantine (
    id           BIGSERIAL PRIMARY KEY,
    provider_id  BIGINT NOT NULL REFERENCES feed_providers (id),
    record_id    TEXT,
    payload      TEXT NOT NULL,
    reason       TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL
);
CREATE INDEX feed_quarantine_provider ON feed_quarantine (provider_id, received_at);

-- Each run of a background job: when, how long, what it did.
CREATE TABLE job_runs (
    id           BIGSERIAL PRIMARY KEY,
    job          TEXT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP NOT NULL,
    records      BIGINT NOT NULL DEFAULT 0,
    errors       BIGINT NOT NULL DEFAULT 0,
    message      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);
