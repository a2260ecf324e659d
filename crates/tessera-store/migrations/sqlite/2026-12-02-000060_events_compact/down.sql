CREATE TABLE events_rowid (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    seq BIGINT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
INSERT INTO events_rowid (org_id, seq, id, event_type, occurred_at, source, data)
    SELECT org_id, seq, id, event_type, occurred_at, source, data FROM events;
DROP TABLE events;
ALTER TABLE events_rowid RENAME TO events;
CREATE INDEX events_occurred_at ON events (occurred_at);
