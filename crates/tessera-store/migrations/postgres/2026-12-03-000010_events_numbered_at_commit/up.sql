-- Events are numbered at commit (decisions §34): a write inserts its events with a
-- placeholder seq below zero, and a deferred trigger gives each its org's next seq as
-- the transaction commits. The org's counter row is then locked only inside COMMIT,
-- not from the write's last statement through the round trip that sends COMMIT.
CREATE SEQUENCE event_placeholders;

CREATE FUNCTION number_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    numbered BIGINT;
BEGIN
    INSERT INTO event_counters (org_id, last_seq) VALUES (NEW.org_id, 1)
        ON CONFLICT (org_id) DO UPDATE SET last_seq = event_counters.last_seq + 1
        RETURNING last_seq INTO numbered;
    UPDATE events SET seq = numbered WHERE org_id = NEW.org_id AND seq = NEW.seq;
    RETURN NULL;
END
$$;

-- Deferred row triggers fire in the order their rows were inserted, so a write's
-- events keep their order.
CREATE CONSTRAINT TRIGGER events_numbered_at_commit
    AFTER INSERT ON events
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.seq < 0)
    EXECUTE FUNCTION number_event();
