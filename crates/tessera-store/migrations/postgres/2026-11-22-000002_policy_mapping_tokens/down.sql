DROP TABLE admin_tokens;
DROP TABLE mapping_exports;
ALTER TABLE users DROP COLUMN scim_user_name;
ALTER TABLE users DROP COLUMN scim_attributes;
