DROP TABLE patent_disputes;
PRAGMA defer_foreign_keys = ON;
CREATE TABLE patents_copy AS SELECT * FROM patents;
DROP TABLE patents;
CREATE TABLE patents (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
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
    updated_at            TIMESTAMP NOT NULL,
    removed_at            TIMESTAMP,
    co_owner_consent      BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO patents (id, owner_org_id, patent_number, patent_type, title, filing_date, grant_date, legal_status, ipc_main, claims, forward_citations, backward_citations, family_size, inventors, transfers, licenses, litigations, invalidation_requests, fee_paid_until, revenue_fen, royalty_rate, co_owners, created_at, updated_at, removed_at, co_owner_consent) SELECT id, owner_org_id, patent_number, patent_type, title, filing_date, grant_date, legal_status, ipc_main, claims, forward_citations, backward_citations, family_size, inventors, transfers, licenses, litigations, invalidation_requests, fee_paid_until, revenue_fen, royalty_rate, co_owners, created_at, updated_at, removed_at, co_owner_consent FROM patents_copy;
DROP TABLE patents_copy;
CREATE INDEX patents_owner ON patents (owner_org_id, patent_number);
CREATE INDEX patents_fee_due ON patents (fee_paid_until);
