-- Financing reports (SQLite dialect; migrations/postgres/ holds the same).

-- A bank's overall non-performing-loan rate (all its lending, not only IP loans) as it declares
-- it for a period, so the district can hold its IP-loan bad-loan rate against it (the regulator
-- tolerates up to 3 points more, 银保监发〔2019〕34号). The latest period counts.
CREATE TABLE bank_loan_quality (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    bank_id      BIGINT NOT NULL REFERENCES organisations (id),
    period_end   DATE NOT NULL,
    npl_rate_bp  INTEGER NOT NULL CHECK (npl_rate_bp >= 0 AND npl_rate_bp <= 10000),
    declared_by  BIGINT REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX bank_loan_quality_bank ON bank_loan_quality (bank_id, period_end);
