-- Salesforce login (OpenID Connect): started logins, single use and short-lived, so
-- any server sharing the database can finish a flow another one started; and the
-- link of a Salesforce identity (org id, user id) to the account it signs in to.
CREATE TABLE salesforce_states (
    state_hash TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    environment TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX salesforce_states_expiry ON salesforce_states (expires_at);

CREATE TABLE salesforce_links (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    salesforce_org_id TEXT NOT NULL,
    salesforce_user_id TEXT NOT NULL,
    environment TEXT NOT NULL,
    linked_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, salesforce_org_id, salesforce_user_id)
);
