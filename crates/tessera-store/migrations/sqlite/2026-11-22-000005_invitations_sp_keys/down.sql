DROP TABLE sp_keys;
DROP INDEX invitations_token;
ALTER TABLE invitations DROP COLUMN accepted_at;
ALTER TABLE invitations DROP COLUMN expires_at;
