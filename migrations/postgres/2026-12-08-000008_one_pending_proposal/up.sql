-- Maker-checker: at most one pending proposal per object of an organisation. The service checks
-- first (a clear 409), and this index holds when two proposals race past that check.
CREATE UNIQUE INDEX proposals_one_pending_per_object
    ON proposals (org_id, object_type, object_id)
    WHERE status = 'pending';
