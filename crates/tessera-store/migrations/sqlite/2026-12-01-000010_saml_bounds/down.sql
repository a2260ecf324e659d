CREATE TABLE idp_connections_old (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id),
    entity_id TEXT NOT NULL UNIQUE,
    sso_url TEXT NOT NULL,
    certificates TEXT NOT NULL,
    metadata_xml TEXT,
    attribute_overrides TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO idp_connections_old (org_id, entity_id, sso_url, certificates, metadata_xml,
    attribute_overrides, created_at, updated_at)
SELECT org_id, entity_id, sso_url, certificates, metadata_xml, attribute_overrides,
    created_at, updated_at FROM idp_connections;
DROP TABLE idp_connections;
ALTER TABLE idp_connections_old RENAME TO idp_connections;
DROP INDEX saml_requests_org;
ALTER TABLE saml_requests DROP COLUMN browser_hash;
