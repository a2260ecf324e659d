ALTER TABLE orgs DROP COLUMN walkthrough_mode;
