DROP TABLE claim_adjustments;
-- A withdrawn claim reads as returned to the bank under the old statuses.
UPDATE claims SET status = 'rejected' WHERE status = 'withdrawn';
ALTER TABLE claims DROP CONSTRAINT claims_status_check;
ALTER TABLE claims ADD CONSTRAINT claims_status_check
    CHECK (status IN ('filed', 'under_review', 'approved', 'rejected', 'paid'));
