-- The event outbox (issue #11): each org's stream, numbered 1, 2, 3, … by a per-org
-- counter that the writing transaction bumps right before it commits.
CREATE TABLE event_counters (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id),
    last_seq BIGINT NOT NULL
);

CREATE TABLE events (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    seq BIGINT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX events_occurred_at ON events (occurred_at);
