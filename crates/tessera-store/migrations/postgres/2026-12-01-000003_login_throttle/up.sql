-- Failed sign-ins per account and per client, in fixed windows, shared by every server.
-- The key is the SHA-256 of what is counted (typed workspace and email, or the client
-- address), so addresses and typed emails are not stored in clear.
CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    failures INTEGER NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_started_at);

-- The session a token was issued from (a refresh token's web session, an access
-- token's refresh token), so that logging out revokes what the session handed out.
ALTER TABLE sessions ADD COLUMN parent_hash TEXT;
CREATE INDEX sessions_parent ON sessions (parent_hash);
