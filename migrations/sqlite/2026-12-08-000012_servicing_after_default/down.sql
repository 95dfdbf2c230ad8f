DROP TABLE claim_adjustments;
-- A withdrawn claim reads as returned to the bank under the old statuses.
UPDATE claims SET status = 'rejected' WHERE status = 'withdrawn';
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
    status          TEXT NOT NULL CHECK (status IN ('filed', 'under_review', 'approved', 'rejected', 'paid')),
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
ALTER TABLE claims_new RENAME TO claims;
ALTER TABLE claim_recoveries_new RENAME TO claim_recoveries;
CREATE INDEX claims_pool ON claims (pool_id, status, filed_on);
CREATE INDEX claims_bank ON claims (bank_id, filed_on);
CREATE INDEX claim_recoveries_claim ON claim_recoveries (claim_id);
