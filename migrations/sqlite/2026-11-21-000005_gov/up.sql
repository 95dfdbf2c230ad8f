-- The government view (SQLite dialect; migrations/postgres/ holds the same).

-- Pool rules: eligibility of the loans a rule version covers (e.g. no bad credit record in
-- the last three years), as data.
ALTER TABLE pool_rules ADD COLUMN eligibility_json TEXT NOT NULL DEFAULT '{}';
-- The district's decision on a claim.
ALTER TABLE claims ADD COLUMN decision_reason TEXT;

-- Money paid into a pool: the district's budget and the co-building banks' shares.
CREATE TABLE pool_contributions (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id            BIGINT NOT NULL REFERENCES fund_pools (id),
    contributor_org_id BIGINT NOT NULL REFERENCES organisations (id),
    amount_fen         BIGINT NOT NULL CHECK (amount_fen > 0),
    contributed_on     DATE NOT NULL,
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX pool_contributions_pool ON pool_contributions (pool_id, contributed_on);

-- Recoveries after a claim was paid flow back to the pool by the same shares.
CREATE TABLE claim_recoveries (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id       BIGINT NOT NULL REFERENCES claims (id),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    pool_share_fen BIGINT NOT NULL CHECK (pool_share_fen >= 0),
    received_on    DATE NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX claim_recoveries_claim ON claim_recoveries (claim_id);

-- A pool's depletion simulation or stress test, run in the background; the result is kept.
CREATE TABLE pool_simulations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id      BIGINT NOT NULL REFERENCES fund_pools (id),
    requested_by BIGINT NOT NULL REFERENCES users (id),
    params_json  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    progress     DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    result_json  TEXT,
    error        TEXT,
    created_at   TIMESTAMP NOT NULL,
    started_at   TIMESTAMP,
    finished_at  TIMESTAMP
);
CREATE INDEX pool_simulations_pool ON pool_simulations (pool_id, created_at);

-- The district's published whitelist criteria (企业白名单), as data, versioned.
CREATE TABLE whitelist_criteria (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    district_id    BIGINT NOT NULL REFERENCES organisations (id),
    version        INTEGER NOT NULL CHECK (version >= 1),
    criteria_json  TEXT NOT NULL,
    effective_from DATE NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (district_id, version)
);
