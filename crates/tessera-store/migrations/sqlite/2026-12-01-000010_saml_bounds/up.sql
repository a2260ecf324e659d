-- AuthnRequests are bound to the browser that asked (SHA-256 of a cookie value) and
-- capped per org, oldest first.
ALTER TABLE saml_requests ADD COLUMN browser_hash TEXT;
CREATE INDEX saml_requests_org ON saml_requests (org_id, created_at);

-- An IdP entity id may be shared by several orgs (the ACS URL names the org), and the
-- IdP's metadata may ask for signed AuthnRequests. SQLite cannot drop the UNIQUE
-- constraint in place: the table is rebuilt.
CREATE TABLE idp_connections_new (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id),
    entity_id TEXT NOT NULL,
    sso_url TEXT NOT NULL,
    certificates TEXT NOT NULL,
    metadata_xml TEXT,
    attribute_overrides TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    want_authn_requests_signed BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO idp_connections_new (org_id, entity_id, sso_url, certificates, metadata_xml,
    attribute_overrides, created_at, updated_at)
SELECT org_id, entity_id, sso_url, certificates, metadata_xml, attribute_overrides,
    created_at, updated_at FROM idp_connections;
DROP TABLE idp_connections;
ALTER TABLE idp_connections_new RENAME TO idp_connections;
CREATE INDEX idp_connections_entity ON idp_connections (entity_id);
