-- The full SCIM resource as the IdP last sent it, returned on SCIM reads, and the
-- IdP's userName as spelled (scim_user_name_normalized is its lookup key).
ALTER TABLE users ADD COLUMN scim_attributes TEXT;
ALTER TABLE users ADD COLUMN scim_user_name TEXT;

-- Each mapping-sheet download, remembered so its upload is checked against it (M2);
-- `links` holds the links of the valid upload, re-applied by a manual sync (S3).
CREATE TABLE mapping_exports (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    rows TEXT NOT NULL,
    links TEXT,
    created_at TIMESTAMP NOT NULL,
    uploaded_at TIMESTAMP
);
CREATE INDEX mapping_exports_org ON mapping_exports (org_id, created_at);

-- Admin API tokens, issued by the operator for one account admin of one org.
CREATE TABLE admin_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX admin_tokens_user ON admin_tokens (user_id);
