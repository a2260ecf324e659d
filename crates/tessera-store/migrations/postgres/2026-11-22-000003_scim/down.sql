DROP INDEX teams_org_external_id;
DROP INDEX teams_org_scim_id;
DROP INDEX users_org_scim_id;
