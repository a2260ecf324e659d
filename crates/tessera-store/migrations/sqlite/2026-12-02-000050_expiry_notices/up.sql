-- Expiry warnings already announced as `expiry.warning` events: one row per org, item
-- (IdP certificate, SP certificate or SCIM token) and threshold (30, 7, 1 or 0 days),
-- so each warning becomes one event however many servers look for them.
CREATE TABLE expiry_notices (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    item TEXT NOT NULL,
    within_days INTEGER NOT NULL,
    noticed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, item, within_days)
);
