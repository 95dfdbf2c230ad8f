-- Servicing after default (#20): a claim whose loss the borrower's money brings to nil is
-- withdrawn, not paid, and each recomputation of a filed claim is kept with the money that
-- caused it.
ALTER TABLE claims DROP CONSTRAINT claims_status_check;
ALTER TABLE claims ADD CONSTRAINT claims_status_check
    CHECK (status IN ('filed', 'under_review', 'approved', 'rejected', 'paid', 'withdrawn'));

CREATE TABLE claim_adjustments (
    id                 BIGSERIAL PRIMARY KEY,
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
