-- One live holder per patent number (#20): a number has at most one listed (not removed) row on
-- the platform, whatever the service checks first; removed rows keep their number and history.
-- SQLite cannot drop the column's UNIQUE: the table is rebuilt. The rows referring to patents
-- stay; their foreign keys are checked at commit, once the rows are back under the same ids.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE patents_copy AS SELECT * FROM patents;
DROP TABLE patents;
CREATE TABLE patents (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    owner_org_id          BIGINT NOT NULL REFERENCES organisations (id),
    patent_number         TEXT NOT NULL,
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
CREATE UNIQUE INDEX patents_one_live_number ON patents (patent_number) WHERE removed_at IS NULL;
CREATE INDEX patents_number ON patents (patent_number);

-- An enterprise's claim on a number another enterprise holds, for the claimant's district to
-- decide with the patent office's record: the holder keeps it, or the claimant gets it.
CREATE TABLE patent_disputes (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    patent_number     TEXT NOT NULL,
    claimant_org_id   BIGINT NOT NULL REFERENCES organisations (id),
    district_org_id   BIGINT NOT NULL REFERENCES organisations (id),
    holder_org_id     BIGINT NOT NULL REFERENCES organisations (id),
    holder_patent_id  BIGINT NOT NULL REFERENCES patents (id),
    claimant_patent_id BIGINT REFERENCES patents (id),
    source            TEXT NOT NULL CHECK (source IN ('add', 'rename', 'upload')),
    claimed_json      TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('open', 'holder_kept', 'claimant_granted')),
    reason            TEXT,
    decided_by        BIGINT REFERENCES users (id),
    decided_at        TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    CHECK ((status = 'open') = (decided_at IS NULL))
);
CREATE INDEX patent_disputes_district ON patent_disputes (district_org_id, status);
-- One open claim per number and claimant, however often it is tried.
CREATE UNIQUE INDEX patent_disputes_one_open_claim
    ON patent_disputes (patent_number, claimant_org_id) WHERE status = 'open';
