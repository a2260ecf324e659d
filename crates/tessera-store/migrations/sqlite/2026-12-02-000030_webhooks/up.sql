-- Webhook endpoints per org, each with its delivery state: the cursor (last
-- acknowledged or dead-lettered seq), the head event's failures, when it is due, and
-- the lease of the server delivering it (taken over by another once lease_until passes).
CREATE TABLE webhook_endpoints (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    url TEXT NOT NULL,
    secret TEXT NOT NULL,
    types TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    cursor_seq BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    first_failure_at TIMESTAMP,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP
);
CREATE INDEX webhook_endpoints_org ON webhook_endpoints (org_id, created_at);
CREATE INDEX webhook_endpoints_due ON webhook_endpoints (next_attempt_at);

-- Every delivery attempt: its HTTP status, or the error when none came back.
CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    status INTEGER,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);

-- Events given up on after the retry window (replay delivers them again).
CREATE TABLE webhook_dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    first_failure_at TIMESTAMP NOT NULL,
    dead_at TIMESTAMP NOT NULL,
    last_error TEXT NOT NULL
);
CREATE INDEX webhook_dead_letters_endpoint ON webhook_dead_letters (endpoint_id, id);
