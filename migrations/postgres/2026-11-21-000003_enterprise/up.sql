-- The enterprise view (PostgreSQL dialect; migrations/sqlite/ holds the same).

-- A patent the enterprise removed stays for the valuations and pledges that name it; it is no
-- longer listed, and adding its number again brings the row back.
ALTER TABLE patents ADD COLUMN removed_at TIMESTAMP;
-- Registration is refused without every co-owner's consent (专利权质押登记办法): recorded here.
ALTER TABLE patents ADD COLUMN co_owner_consent BOOLEAN NOT NULL DEFAULT FALSE;
-- The enterprise's own "read" mark, apart from the bank's acknowledgement.
ALTER TABLE alerts ADD COLUMN read_at TIMESTAMP;

-- The enterprise's financial statements, one row a year: the figures the default model's
-- ratios come from (debt ratio, margin, growth, revenue per head).
CREATE TABLE financial_statements (
    id              BIGSERIAL PRIMARY KEY,
    enterprise_id   BIGINT NOT NULL REFERENCES organisations (id),
    fiscal_year     INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1990 AND 2100),
    revenue_fen     BIGINT NOT NULL CHECK (revenue_fen >= 0),
    profit_fen      BIGINT NOT NULL,
    assets_fen      BIGINT NOT NULL CHECK (assets_fen >= 0),
    liabilities_fen BIGINT NOT NULL CHECK (liabilities_fen >= 0),
    headcount       INTEGER NOT NULL CHECK (headcount >= 0),
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (enterprise_id, fiscal_year)
);
