-- Servicing after default (#20): a claim whose loss the borrower's money brings to nil is
-- withdrawn, not paid (a CHECK cannot be altered in SQLite, so claims is rebuilt, and
-- claim_recoveries with it, which refers to it), and each recomputation of a filed claim is kept
-- with the money that caused it.
CREATE TABLE claims_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id         BIGINT NOT NULL REFERENCES fund_pools (id),
    loan_id         BIGINT NOT NULL REFERENCES loans (id),
    bank_id         BIGINT NOT NULL REFERENCES organisations (id),
    rule_version    INTEGER NOT NULL,
    loss_fen        BIGINT NOT NULL CHECK (loss_fen >= 0),
    recoveries_fen  BIGINT NOT NULL CHECK (recoveries_fen >= 0),
    claimed_fen     BIGINT NOT NULL CHECK (claimed_fen >= 0),
    approved_fen    BIGINT CHECK (approved_fen IS NULL OR approved_fen >= 0),
    status          TEXT NOT NULL CHECK (status IN ('filed', 'under_review', 'approved', 'rejected', 'paid', 'withdrawn')),
    filed_on        DATE NOT NULL,
    decided_on      DATE,
    created_at      TIMESTAMP NOT NULL,
    decision_reason TEXT,
    UNIQUE (loan_id)
);
INSERT INTO claims_new (id, pool_id, loan_id, bank_id, rule_version, loss_fen, recoveries_fen, claimed_fen, approved_fen, status, filed_on, decided_on, created_at, decision_reason)
    SELECT id, pool_id, loan_id, bank_id, rule_version, loss_fen, recoveries_fen, claimed_fen, approved_fen, status, filed_on, decided_on, created_at, decision_reason FROM claims;
CREATE TABLE claim_recoveries_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id       BIGINT NOT NULL REFERENCES claims_new (id),
    amount_fen     BIGINT NOT NULL CHECK (amount_fen > 0),
    pool_share_fen BIGINT NOT NULL CHECK (pool_share_fen >= 0),
    received_on    DATE NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
INSERT INTO claim_recoveries_new (id, claim_id, amount_fen, pool_share_fen, received_on, created_at)
    SELECT id, claim_id, amount_fen, pool_share_fen, received_on, created_at FROM claim_recoveries;
DROP TABLE claim_recoveries;
DROP TABLE claims;
-- Renaming rewrites claim_recoveries_new's reference to claims_new into one to claims.
ALTER TABLE claims_new RENAME TO claims;
ALTER TABLE claim_recoveries_new RENAME TO claim_recoveries;
CREATE INDEX claims_pool ON claims (pool_id, status, filed_on);
CREATE INDEX claims_bank ON claims (bank_id, filed_on);
CREATE INDEX claim_recoveries_claim ON claim_recoveries (claim_id);

CREATE TABLE claim_adjustments (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id           BIGINT NOT NULL REFERENCES claims (id),
    received_on        DATE NOT NULL,
    principal_fen      BIGINT NOT NULL CHECK (principal_fen >= 0),
    interest_fen       BIGINT NOT NULL CHECK (interest_fen >= 0),
    loss_before_fen    BIGINT NOT NULL CHECK (loss_before_fen >= 0),
    loss_after_fen     BIGINT NOT NULL CHECK (loss_after_fen >= 0),
    claimed_before_fen BIGINT NOT NULL CHECK (claimed_before_fen >= 0),
    claimed_after_fen  BIGINT NOT NULL CHECK (claimed_after_fen >= 0),
    status_after       TEXT NOT NULL,
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX claim_adjustments_claim ON claim_adjustments (claim_id);
