-- A borrower's request to change a pledged patent's fields (valuation inputs, legal status, fee
-- date): from an application's submission to the pledge's release they change only through the
-- feed or such a request, decided by the lending bank with maker-checker. At most one open
-- request per patent (the service checks first, the index holds when two race past the check).
CREATE TABLE patent_change_requests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patent_id       BIGINT NOT NULL REFERENCES patents (id),
    enterprise_id   BIGINT NOT NULL REFERENCES organisations (id),
    bank_id         BIGINT NOT NULL REFERENCES organisations (id),
    application_id  BIGINT NOT NULL REFERENCES applications (id),
    loan_id         BIGINT REFERENCES loans (id),
    before_json     TEXT NOT NULL,
    changes_json    TEXT NOT NULL,
    reason          TEXT NOT NULL,
    evidence        TEXT,
    status          TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'refused', 'withdrawn')),
    requested_by    BIGINT NOT NULL REFERENCES users (id),
    decision_reason TEXT,
    proposal_id     BIGINT REFERENCES proposals (id),
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP
);
CREATE UNIQUE INDEX patent_change_requests_one_open
    ON patent_change_requests (patent_id)
    WHERE status = 'open';
CREATE INDEX patent_change_requests_bank ON patent_change_requests (bank_id, status, created_at);
CREATE INDEX patent_change_requests_enterprise ON patent_change_requests (enterprise_id, created_at);
