DROP TABLE whitelist_criteria;
DROP TABLE pool_simulations;
DROP TABLE claim_recoveries;
DROP TABLE pool_contributions;
ALTER TABLE claims DROP COLUMN decision_reason;
ALTER TABLE pool_rules DROP COLUMN eligibility_json;
