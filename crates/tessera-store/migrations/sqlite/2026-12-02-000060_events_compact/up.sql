-- Events keyed by (org_id, seq) alone (issue #14): WITHOUT ROWID makes that key the
-- table itself, and the event id (a random v4 UUID, never looked up) loses its unique
-- index, so each event goes into two B-trees (the table and occurred_at) instead of four.
CREATE TABLE events_compact (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    seq BIGINT NOT NULL,
    id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    source TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
) WITHOUT ROWID;
INSERT INTO events_compact (org_id, seq, id, event_type, occurred_at, source, data)
    SELECT org_id, seq, id, event_type, occurred_at, source, data FROM events;
DROP TABLE events;
ALTER TABLE events_compact RENAME TO events;
CREATE INDEX events_occurred_at ON events (occurred_at);
