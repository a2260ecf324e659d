ALTER TABLE idp_connections DROP COLUMN want_authn_requests_signed;
DROP INDEX idp_connections_entity;
ALTER TABLE idp_connections ADD CONSTRAINT idp_connections_entity_id_key UNIQUE (entity_id);
DROP INDEX saml_requests_org;
ALTER TABLE saml_requests DROP COLUMN browser_hash;
