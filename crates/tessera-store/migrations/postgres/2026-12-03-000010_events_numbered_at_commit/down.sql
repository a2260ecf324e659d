DROP TRIGGER events_numbered_at_commit ON events;
DROP FUNCTION number_event();
DROP SEQUENCE event_placeholders;
