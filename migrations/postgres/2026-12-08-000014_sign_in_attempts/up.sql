-- Sign-in attempts on known accounts (#21): the owner sees the failed ones since the previous
-- sign-in, with the client address. Unknown usernames are not recorded (no owner to tell).
-- The service keeps the latest 100 rows per user.
CREATE TABLE sign_in_attempts (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id),
    succeeded      BOOLEAN NOT NULL,
    client_address TEXT NOT NULL,
    attempted_at   TIMESTAMP NOT NULL
);
CREATE INDEX sign_in_attempts_user ON sign_in_attempts (user_id, id);
