DROP TABLE idempotency_keys;
DROP TABLE proposals;
DROP TABLE login_throttle;
DROP TABLE refresh_tokens;
