-- AuthnRequests are bound to the browser that asked (SHA-256 of a cookie value) and
-- capped per org, oldest first.
ALTER TABLE saml_requests ADD COLUMN browser_hash TEXT;
CREATE INDEX saml_requests_org ON saml_requests (org_id, created_at);

-- An IdP entity id may be shared by several orgs (the ACS URL names the org), and the
-- IdP's metadata may ask for signed AuthnRequests.
ALTER TABLE idp_connections DROP CONSTRAINT idp_connections_entity_id_key;
CREATE INDEX idp_connections_entity ON idp_connections (entity_id);
ALTER TABLE idp_connections ADD COLUMN want_authn_requests_signed BOOLEAN NOT NULL DEFAULT FALSE;
