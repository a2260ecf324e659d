-- SCIM reads: lists page through an org's provisioned users and groups in scim_id
-- order, and IdPs look groups up by their externalId.
CREATE INDEX users_org_scim_id ON users (org_id, scim_id);
CREATE INDEX teams_org_scim_id ON teams (org_id, scim_id);
CREATE INDEX teams_org_external_id ON teams (org_id, external_id);
