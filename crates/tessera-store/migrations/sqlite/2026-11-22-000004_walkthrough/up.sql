-- The connection mode the account admin chose in the Connect walkthrough (C1, C2),
-- before the connection goes live (orgs.connection_mode is set only then).
ALTER TABLE orgs ADD COLUMN walkthrough_mode TEXT CHECK (walkthrough_mode IN ('jit', 'scim'));
