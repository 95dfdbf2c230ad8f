-- Zhirong foundation schema (PostgreSQL dialect; migrations/sqlite/ holds the same tables).
-- Money is BIGINT fen. Rates and shares are INTEGER basis points (1 bp = 0.01 %).
-- Legal dates are DATE (China calendar dates); instants are TIMESTAMP in UTC.

CREATE TABLE organisations (
    id              BIGSERIAL PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('enterprise', 'bank', 'guarantor', 'district', 'operator')),
    name            TEXT NOT NULL,
    uscc            TEXT UNIQUE,
    division_code   TEXT,
    district_org_id BIGINT REFERENCES organisations (id),
    industry        TEXT,
    contact_name    TEXT,
    contact_phone   TEXT,
    created_at      TIMESTAMP NOT NULL,
    CHECK (kind <> 'enterprise' OR (uscc IS NOT NULL AND district_org_id IS NOT NULL)),
    CHECK (kind <> 'district' OR division_code IS NOT NULL)
);
CREATE INDEX organisations_kind ON organisations (kind, name);
CREATE INDEX organisations_district ON organisations (district_org_id);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('enterprise_user', 'bank_officer', 'bank_manager', 'gov_officer', 'gov_manager', 'admin')),
    org_id        BIGINT NOT NULL REFERENCES organisations (id),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE patents (
    id                    BIGSERIAL PRIMARY KEY,
    owner_org_id          BIGINT NOT NULL REFERENCES organisations (id),
    patent_number         TEXT NOT NULL UNIQUE,
    patent_type           TEXT NOT NULL CHECK (patent_type IN ('invention', 'utility_model', 'design')),
    title                 TEXT NOT NULL,
    filing_date           DATE NOT NULL,
    grant_date            DATE,
    legal_status          TEXT NOT NULL CHECK (legal_status IN ('valid', 'under_invalidation', 'pending', 'lapsed', 'invalidated', 'expired')),
    ipc_main              TEXT,
    claims                INTEGER NOT NULL CHECK (claims >= 0),
    forward_citations     INTEGER NOT NULL CHECK (forward_citations >= 0),
    backward_citations    INTEGER NOT NULL CHECK (backward_citations >= 0),
    family_size           INTEGER NOT NULL CHECK (family_size >= 1),
    inventors             INTEGER NOT NULL CHECK (inventors >= 0),
    transfers             INTEGER NOT NULL CHECK (transfers >= 0),
    licenses              INTEGER NOT NULL CHECK (licenses >= 0),
    litigations           INTEGER NOT NULL CHECK (litigations >= 0),
    invalidation_requests INTEGER NOT NULL CHECK (invalidation_requests >= 0),
    fee_paid_until        DATE,
    revenue_fen           BIGINT CHECK (revenue_fen IS NULL OR revenue_fen >= 0),
    royalty_rate          DOUBLE PRECISION CHECK (royalty_rate IS NULL OR (royalty_rate > 0 AND royalty_rate < 1)),
    co_owners             INTEGER NOT NULL DEFAULT 0 CHECK (co_owners >= 0),
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX patents_owner ON patents (owner_org_id, patent_number);
CREATE INDEX patents_fee_due ON patents (fee_paid_until);

CREATE TABLE annual_fee_schedule (
    id          BIGSERIAL PRIMARY KEY,
    patent_type TEXT NOT NULL CHECK (patent_type IN ('invention', 'utility_model', 'design')),
    year_from   INTEGER NOT NULL CHECK (year_from >= 1),
    year_to     INTEGER NOT NULL CHECK (year_to >= year_from),
    fee_fen     BIGINT NOT NULL CHECK (fee_fen > 0),
    valid_from  DATE NOT NULL,
    UNIQUE (patent_type, year_from, valid_from)
);

CREATE TABLE valuations (
    id               BIGSERIAL PRIMARY KEY,
    patent_id        BIGINT NOT NULL REFERENCES patents (id),
    requested_by_org BIGINT NOT NULL REFERENCES organisations (id),
    model_version    TEXT NOT NULL,
    params_digest    TEXT NOT NULL,
    inputs_digest    TEXT NOT NULL,
    as_of            DATE NOT NULL,
    pvd              DOUBLE PRECISION NOT NULL,
    appraised_fen    BIGINT NOT NULL CHECK (appraised_fen >= 0),
    collateral_fen   BIGINT NOT NULL CHECK (collateral_fen >= 0),
    eligible         BOOLEAN NOT NULL,
    flags            TEXT NOT NULL,
    outputs_json     TEXT NOT NULL,
    explanation_json TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX valuations_patent ON valuations (patent_id, as_of);
CREATE INDEX valuations_org ON valuations (requested_by_org, created_at);

CREATE TABLE fund_pools (
    id           BIGSERIAL PRIMARY KEY,
    district_id  BIGINT NOT NULL REFERENCES organisations (id),
    name         TEXT NOT NULL,
    size_fen     BIGINT NOT NULL CHECK (size_fen > 0),
    balance_fen  BIGINT NOT NULL CHECK (balance_fen >= 0),
    opened_on    DATE NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('open', 'suspended', 'closed')),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX fund_pools_district ON fund_pools (district_id);

CREATE TABLE pool_banks (
    pool_id   BIGINT NOT NULL REFERENCES fund_pools (id),
    bank_id   BIGINT NOT NULL REFERENCES organisations (id),
    joined_on DATE NOT NULL,
    PRIMARY KEY (pool_id, bank_id)
);
CREATE INDEX pool_banks_bank ON pool_banks (bank_id);

CREATE TABLE pool_rules (
    id                 BIGSERIAL PRIMARY KEY,
    pool_id            BIGINT NOT NULL REFERENCES fund_pools (id),
    version            INTEGER NOT NULL CHECK (version >= 1),
    gov_share_bp       INTEGER NOT NULL CHECK (gov_share_bp BETWEEN 0 AND 10000),
    bank_share_bp      INTEGER NOT NULL CHECK (bank_share_bp BETWEEN 0 AND 10000),
    guarantor_share_bp INTEGER NOT NULL CHECK (guarantor_share_bp BETWEEN 0 AND 10000),
    insurer_share_bp   INTEGER NOT NULL CHECK (insurer_share_bp BETWEEN 0 AND 10000),
    per_loan_cap_fen   BIGINT NOT NULL CHECK (per_loan_cap_fen > 0),
    leverage_limit_pct INTEGER NOT NULL CHECK (leverage_limit_pct > 0),
    effective_from     DATE NOT NULL,
    created_at         TIMESTAMP NOT NULL,
    CHECK (gov_share_bp + bank_share_bp + guarantor_share_bp + insurer_share_bp = 10000),
    UNIQUE (pool_id, version)
);

CREATE TABLE applications (
    id              BIGSERIAL PRIMARY KEY,
    enterprise_id   BIGINT NOT NULL REFERENCES organisations (id),
    bank_id         BIGINT NOT NULL REFERENCES organisations (id),
    pool_id         BIGINT REFERENCES fund_pools (id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0 AND amount_fen <= 5000000000),
    term_months     INTEGER NOT NULL CHECK (term_months BETWEEN 12 AND 24),
    purpose         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'under_review', 'approved', 'rejected', 'withdrawn')),
    credit_line_fen BIGINT CHECK (credit_line_fen IS NULL OR credit_line_fen >= 0),
    proposed_rate_bp INTEGER CHECK (proposed_rate_bp IS NULL OR proposed_rate_bp > 0),
    decision_reason TEXT,
    submitted_at    TIMESTAMP,
    decided_at      TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX applications_enterprise ON applications (enterprise_id, created_at);
CREATE INDEX applications_bank ON applications (bank_id, status, created_at);

CREATE TABLE loans (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL UNIQUE REFERENCES applications (id),
    enterprise_id  BIGINT NOT NULL REFERENCES organisations (id),
    bank_id        BIGINT NOT NULL REFERENCES organisations (id),
    guarantor_id   BIGINT REFERENCES organisations (id),
    principal_fen  BIGINT NOT NULL CHECK (principal_fen > 0),
    outstanding_fen BIGINT NOT NULL CHECK (outstanding_fen >= 0 AND outstanding_fen <= principal_fen),
    rate_bp        INTEGER NOT NULL CHECK (rate_bp > 0),
    term_months    INTEGER NOT NULL CHECK (term_months BETWEEN 12 AND 24),
    disbursed_on   DATE NOT NULL,
    maturity_date  DATE NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('active', 'overdue', 'defaulted', 'repaid', 'written_off')),
    days_past_due  INTEGER NOT NULL DEFAULT 0 CHECK (days_past_due >= 0),
    defaulted_on   DATE,
    closed_on      DATE,
    created_at     TIMESTAMP NOT NULL,
    CHECK (maturity_date > disbursed_on)
);
CREATE INDEX loans_bank ON loans (bank_id, status, disbursed_on);
CREATE INDEX loans_enterprise ON loans (enterprise_id, disbursed_on);
CREATE INDEX loans_maturity ON loans (status, maturity_date);

CREATE TABLE pledges (
    id                BIGSERIAL PRIMARY KEY,
    application_id    BIGINT NOT NULL REFERENCES applications (id),
    loan_id           BIGINT REFERENCES loans (id),
    patent_id         BIGINT NOT NULL REFERENCES patents (id),
    status            TEXT NOT NULL CHECK (status IN ('proposed', 'pending_registration', 'registered', 'released', 'disposed')),
    collateral_fen    BIGINT CHECK (collateral_fen IS NULL OR collateral_fen >= 0),
    registration_no   TEXT,
    registration_date DATE,
    released_on       DATE,
    created_at        TIMESTAMP NOT NULL,
    CHECK (status NOT IN ('registered', 'released', 'disposed') OR (registration_no IS NOT NULL AND registration_date IS NOT NULL)),
    UNIQUE (application_id, patent_id)
);
CREATE INDEX pledges_loan ON pledges (loan_id);
CREATE INDEX pledges_patent ON pledges (patent_id, status);

CREATE TABLE repayments (
    id            BIGSERIAL PRIMARY KEY,
    loan_id       BIGINT NOT NULL REFERENCES loans (id),
    paid_on       DATE NOT NULL,
    principal_fen BIGINT NOT NULL CHECK (principal_fen >= 0),
    interest_fen  BIGINT NOT NULL CHECK (interest_fen >= 0),
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX repayments_loan ON repayments (loan_id, paid_on);

CREATE TABLE pool_coverage (
    id                 BIGSERIAL PRIMARY KEY,
    pool_id            BIGINT NOT NULL REFERENCES fund_pools (id),
    loan_id            BIGINT NOT NULL UNIQUE REFERENCES loans (id),
    rule_version       INTEGER NOT NULL,
    covered_on         DATE NOT NULL,
    covered_amount_fen BIGINT NOT NULL CHECK (covered_amount_fen > 0),
    status             TEXT NOT NULL CHECK (status IN ('covered', 'released', 'claimed')),
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX pool_coverage_pool ON pool_coverage (pool_id, status);

CREATE TABLE disposals (
    id            BIGSERIAL PRIMARY KEY,
    loan_id       BIGINT NOT NULL REFERENCES loans (id),
    patent_id     BIGINT NOT NULL REFERENCES patents (id),
    method        TEXT NOT NULL CHECK (method IN ('transfer', 'auction', 'licence')),
    counterparty  TEXT NOT NULL,
    proceeds_fen  BIGINT NOT NULL CHECK (proceeds_fen >= 0),
    disposed_on   DATE NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX disposals_loan ON disposals (loan_id);

CREATE TABLE claims (
    id             BIGSERIAL PRIMARY KEY,
    pool_id        BIGINT NOT NULL REFERENCES fund_pools (id),
    loan_id        BIGINT NOT NULL REFERENCES loans (id),
    bank_id        BIGINT NOT NULL REFERENCES organisations (id),
    rule_version   INTEGER NOT NULL,
    loss_fen       BIGINT NOT NULL CHECK (loss_fen >= 0),
    recoveries_fen BIGINT NOT NULL CHECK (recoveries_fen >= 0),
    claimed_fen    BIGINT NOT NULL CHECK (claimed_fen >= 0),
    approved_fen   BIGINT CHECK (approved_fen IS NULL OR approved_fen >= 0),
    status         TEXT NOT NULL CHECK (status IN ('filed', 'under_review', 'approved', 'rejected', 'paid')),
    filed_on       DATE NOT NULL,
    decided_on     DATE,
    created_at     TIMESTAMP NOT NULL,
    UNIQUE (loan_id)
);
CREATE INDEX claims_pool ON claims (pool_id, status, filed_on);
CREATE INDEX claims_bank ON claims (bank_id, filed_on);

CREATE TABLE risk_events (
    id            BIGSERIAL PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    event_type    TEXT NOT NULL,
    occurred_on   DATE NOT NULL,
    amount_fen    BIGINT,
    patent_id     BIGINT REFERENCES patents (id),
    source        TEXT NOT NULL,
    ref           TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    UNIQUE (enterprise_id, event_type, ref)
);
CREATE INDEX risk_events_enterprise ON risk_events (enterprise_id, occurred_on);

CREATE TABLE alerts (
    id             BIGSERIAL PRIMARY KEY,
    enterprise_id  BIGINT NOT NULL REFERENCES organisations (id),
    bank_id        BIGINT REFERENCES organisations (id),
    loan_id        BIGINT REFERENCES loans (id),
    patent_id      BIGINT REFERENCES patents (id),
    kind           TEXT NOT NULL CHECK (kind IN ('rating_rise', 'fee_grace', 'ltv_breach', 'fee_due', 'overdue')),
    severity       TEXT NOT NULL CHECK (severity IN ('info', 'watch', 'warning', 'critical')),
    message        TEXT NOT NULL,
    details_json   TEXT NOT NULL,
    raised_at      TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by BIGINT REFERENCES users (id)
);
CREATE INDEX alerts_enterprise ON alerts (enterprise_id, raised_at);
CREATE INDEX alerts_bank ON alerts (bank_id, acknowledged_at, raised_at);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical row). Never updated or deleted.
CREATE TABLE audit_log (
    id            BIGSERIAL PRIMARY KEY,
    at            TIMESTAMP NOT NULL,
    user_id       BIGINT,
    username      TEXT NOT NULL,
    role          TEXT NOT NULL,
    org_id        BIGINT,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    before_digest TEXT NOT NULL,
    after_digest  TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL UNIQUE
);

-- The platform operator's organisation: `zhirong user add --role admin --org 1` bootstraps the
-- first administrator.
INSERT INTO organisations (kind, name, created_at) VALUES ('operator', '智融平台运营方', (now() AT TIME ZONE 'UTC'));

-- CNIPA annual fees (CONVENTIONS.md), RMB a year before reductions, in fen. Data, not code: when
-- CNIPA announces a change, the operator adds rows with the new valid_from.
INSERT INTO annual_fee_schedule (patent_type, year_from, year_to, fee_fen, valid_from) VALUES
    ('invention', 1, 3, 90000, '2000-01-01'),
    ('invention', 4, 6, 120000, '2000-01-01'),
    ('invention', 7, 9, 200000, '2000-01-01'),
    ('invention', 10, 12, 400000, '2000-01-01'),
    ('invention', 13, 15, 600000, '2000-01-01'),
    ('invention', 16, 20, 800000, '2000-01-01'),
    ('utility_model', 1, 3, 60000, '2000-01-01'),
    ('utility_model', 4, 5, 90000, '2000-01-01'),
    ('utility_model', 6, 8, 120000, '2000-01-01'),
    ('utility_model', 9, 10, 200000, '2000-01-01'),
    ('design', 1, 3, 60000, '2000-01-01'),
    ('design', 4, 5, 90000, '2000-01-01'),
    ('design', 6, 8, 120000, '2000-01-01'),
    ('design', 9, 10, 200000, '2000-01-01'),
    ('design', 11, 15, 300000, '2000-01-01');
