-- The enterprise view (SQLite dialect; migrations/postgres/ holds the same).

-- A patent the enterprise removed stays for the valuations and pledges that name it; it is no
-- longer listed, and adding its number again brings the row back.
ALTER TABLE patents ADD COLUMN removed_at TIMESTAMP;
-- Registration is refused without every co-owner's consent (专利权质押登记办法): recorded here.
ALTER TABLE patents ADD COLUMN co_owner_consent BOOLEAN NOT NULL DEFAULT FALSE;
-- The enterprise's own "read" mark, apart from the bank's acknowledgement.
ALTER TABLE alerts ADD COLUMN read_at TIMESTAMP;
