DROP INDEX sessions_parent;
ALTER TABLE sessions DROP COLUMN parent_hash;
DROP TABLE login_throttle;
