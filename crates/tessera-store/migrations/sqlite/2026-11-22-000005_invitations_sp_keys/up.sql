-- An invitation link's expiry and when it was used (the token itself is only hashed).
ALTER TABLE invitations ADD COLUMN expires_at TIMESTAMP;
ALTER TABLE invitations ADD COLUMN accepted_at TIMESTAMP;
CREATE INDEX invitations_token ON invitations (token_hash);

-- The SAML service provider's key pair, generated once and shared by every server.
CREATE TABLE sp_keys (
    id TEXT PRIMARY KEY NOT NULL,
    private_key_pem TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
