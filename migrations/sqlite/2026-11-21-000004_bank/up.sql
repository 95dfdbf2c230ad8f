-- The bank view (SQLite dialect; migrations/postgres/ holds the same).

-- The approved terms of an application (the bank's decision); the loan is created with them at
-- disbursement, when money moves.
ALTER TABLE applications ADD COLUMN approved_amount_fen BIGINT CHECK (approved_amount_fen IS NULL OR approved_amount_fen > 0);
ALTER TABLE applications ADD COLUMN approved_term_months INTEGER CHECK (approved_term_months IS NULL OR approved_term_months BETWEEN 12 AND 24);
ALTER TABLE applications ADD COLUMN repayment_method TEXT CHECK (repayment_method IS NULL OR repayment_method IN ('interest_only_bullet', 'equal_principal'));
ALTER TABLE applications ADD COLUMN conditions TEXT;
ALTER TABLE applications ADD COLUMN reject_code TEXT;
ALTER TABLE loans ADD COLUMN repayment_method TEXT NOT NULL DEFAULT 'interest_only_bullet' CHECK (repayment_method IN ('interest_only_bullet', 'equal_principal'));
ALTER TABLE loans ADD COLUMN conditions TEXT;
-- CNIPA may refuse a registration: the ground is kept, the pledge no longer counts.
ALTER TABLE pledges ADD COLUMN refused_on DATE;
ALTER TABLE pledges ADD COLUMN refusal_ground TEXT;

-- Alerts: more kinds (a CHECK cannot be altered in SQLite, so the table is rebuilt) and the
-- bank's workflow: assign, resolve.
CREATE TABLE alerts_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    enterprise_id  BIGINT NOT NULL REFERENCES organisations (id),
    bank_id        BIGINT REFERENCES organisations (id),
    loan_id        BIGINT REFERENCES loans (id),
    patent_id      BIGINT REFERENCES patents (id),
    kind           TEXT NOT NULL CHECK (kind IN ('rating_rise', 'fee_grace', 'ltv_breach', 'fee_due', 'overdue', 'default', 'invalidation_request', 'ownership_transfer', 'patent_status', 'application_status')),
    severity       TEXT NOT NULL CHECK (severity IN ('info', 'watch', 'warning', 'critical')),
    message        TEXT NOT NULL,
    details_json   TEXT NOT NULL,
    raised_at      TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by BIGINT REFERENCES users (id),
    read_at        TIMESTAMP,
    assigned_to     BIGINT REFERENCES users (id),
    resolved_at     TIMESTAMP,
    resolved_by     BIGINT REFERENCES users (id),
    resolution      TEXT
);
INSERT INTO alerts_new (id, enterprise_id, bank_id, loan_id, patent_id, kind, severity, message, details_json, raised_at, acknowledged_at, acknowledged_by, read_at)
    SELECT id, enterprise_id, bank_id, loan_id, patent_id, kind, severity, message, details_json, raised_at, acknowledged_at, acknowledged_by, read_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX alerts_enterprise ON alerts (enterprise_id, raised_at);
CREATE INDEX alerts_bank ON alerts (bank_id, acknowledged_at, raised_at);

-- A disposal of one pledged patent of a defaulted loan, by one channel; offers come in, one is
-- accepted (maker-checker) and becomes the disposal record with its proceeds.
CREATE TABLE disposal_cases (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    loan_id     BIGINT NOT NULL REFERENCES loans (id),
    patent_id   BIGINT NOT NULL REFERENCES patents (id),
    bank_id     BIGINT NOT NULL REFERENCES organisations (id),
    channel     TEXT NOT NULL CHECK (channel IN ('transfer', 'auction', 'licence')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'sold', 'withdrawn')),
    opened_on   DATE NOT NULL,
    closed_on   DATE,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX disposal_cases_loan ON disposal_cases (loan_id);
CREATE INDEX disposal_cases_bank ON disposal_cases (bank_id, status);

CREATE TABLE disposal_offers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     BIGINT NOT NULL REFERENCES disposal_cases (id),
    bidder      TEXT NOT NULL,
    amount_fen  BIGINT NOT NULL CHECK (amount_fen > 0),
    offered_on  DATE NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'declined')),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX disposal_offers_case ON disposal_offers (case_id);

-- A bank's scorecards: fitted here from its training data or uploaded as a model JSON. One is
-- active at a time (maker-checker); without one the default enterprise model is used.
CREATE TABLE scorecards (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    bank_id      BIGINT NOT NULL REFERENCES organisations (id),
    name         TEXT NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('fitted', 'uploaded')),
    model_json   TEXT NOT NULL,
    model_digest TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('candidate', 'active', 'retired')),
    created_by   BIGINT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    activated_at TIMESTAMP
);
CREATE INDEX scorecards_bank ON scorecards (bank_id, status);
