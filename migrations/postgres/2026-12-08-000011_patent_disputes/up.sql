-- One live holder per patent number (#20): a number has at most one listed (not removed) row on
-- the platform, whatever the service checks first; removed rows keep their number and history.
ALTER TABLE patents DROP CONSTRAINT patents_patent_number_key;
CREATE UNIQUE INDEX patents_one_live_number ON patents (patent_number) WHERE removed_at IS NULL;
CREATE INDEX patents_number ON patents (patent_number);

-- An enterprise's claim on a number another enterprise holds, for the claimant's district to
-- decide with the patent office's record: the holder keeps it, or the claimant gets it.
CREATE TABLE patent_disputes (
    id                BIGSERIAL PRIMARY KEY,
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
