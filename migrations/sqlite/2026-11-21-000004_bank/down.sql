DROP TABLE scorecards;
DROP TABLE disposal_offers;
DROP TABLE disposal_cases;
ALTER TABLE pledges DROP COLUMN refusal_ground;
ALTER TABLE pledges DROP COLUMN refused_on;
ALTER TABLE loans DROP COLUMN conditions;
ALTER TABLE loans DROP COLUMN repayment_method;
ALTER TABLE applications DROP COLUMN reject_code;
ALTER TABLE applications DROP COLUMN conditions;
ALTER TABLE applications DROP COLUMN repayment_method;
ALTER TABLE applications DROP COLUMN approved_term_months;
ALTER TABLE applications DROP COLUMN approved_amount_fen;
DELETE FROM alerts WHERE kind NOT IN ('rating_rise', 'fee_grace', 'ltv_breach', 'fee_due', 'overdue');
CREATE TABLE alerts_old (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
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
    acknowledged_by BIGINT REFERENCES users (id),
    read_at        TIMESTAMP
);
INSERT INTO alerts_old SELECT id, enterprise_id, bank_id, loan_id, patent_id, kind, severity, message, details_json, raised_at, acknowledged_at, acknowledged_by, read_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_old RENAME TO alerts;
CREATE INDEX alerts_enterprise ON alerts (enterprise_id, raised_at);
CREATE INDEX alerts_bank ON alerts (bank_id, acknowledged_at, raised_at);
