-- Tessera's initial schema (PostgreSQL flavour; keep in step with migrations/sqlite).
-- Ids are UUID text, times naive UTC microseconds, booleans native.

CREATE TABLE orgs (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('production', 'sandbox')),
    sso_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    connection_mode TEXT CHECK (connection_mode IN ('jit', 'scim')),
    walkthrough_step TEXT NOT NULL DEFAULT 'not_started',
    allow_idp_initiated BOOLEAN NOT NULL DEFAULT TRUE,
    allow_sha1 BOOLEAN NOT NULL DEFAULT FALSE,
    salesforce_profile_import BOOLEAN NOT NULL DEFAULT TRUE,
    salesforce_invitations BOOLEAN NOT NULL DEFAULT TRUE,
    connected_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    given_name TEXT,
    family_name TEXT,
    display_name TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'deactivated')),
    role TEXT NOT NULL CHECK (role IN ('viewer', 'expert', 'team_admin', 'account_admin')),
    login_method TEXT NOT NULL CHECK (login_method IN ('password', 'salesforce', 'sso')),
    password_hash TEXT,
    idp_email_normalized TEXT,
    scim_id TEXT UNIQUE,
    scim_user_name_normalized TEXT,
    external_id TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    first_login_at TIMESTAMP,
    deactivated_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX users_org_email ON users (org_id, email_normalized);
CREATE UNIQUE INDEX users_org_idp_email ON users (org_id, idp_email_normalized);
CREATE UNIQUE INDEX users_org_scim_user_name ON users (org_id, scim_user_name_normalized);
CREATE INDEX users_org_external_id ON users (org_id, external_id);

CREATE TABLE teams (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    access_settings TEXT NOT NULL DEFAULT '{}',
    built_in TEXT CHECK (built_in IN ('all_users', 'account_admins')),
    idp_managed BOOLEAN NOT NULL DEFAULT FALSE,
    scim_id TEXT UNIQUE,
    external_id TEXT,
    duplicate BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
-- One local and one IdP-managed team may share a name (rule T2), never two of a kind.
CREATE UNIQUE INDEX teams_org_kind_name ON teams (org_id, idp_managed, name_normalized);
CREATE UNIQUE INDEX teams_org_built_in ON teams (org_id, built_in);

CREATE TABLE memberships (
    team_id TEXT NOT NULL REFERENCES teams(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    org_id TEXT NOT NULL REFERENCES orgs(id),
    source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- Members a group named before the IdP pushed them (rule S3), keyed by the IdP's reference.
CREATE TABLE pending_memberships (
    team_id TEXT NOT NULL REFERENCES teams(id),
    member_ref TEXT NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (team_id, member_ref)
);
CREATE INDEX pending_memberships_ref ON pending_memberships (org_id, member_ref);

CREATE TABLE idp_connections (
    org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id),
    entity_id TEXT NOT NULL UNIQUE,
    sso_url TEXT NOT NULL,
    certificates TEXT NOT NULL,
    metadata_xml TEXT,
    attribute_overrides TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE scim_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX scim_tokens_org ON scim_tokens (org_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Assertion ids already consumed, kept until they could no longer be valid.
CREATE TABLE saml_replay_cache (
    org_id TEXT NOT NULL REFERENCES orgs(id),
    assertion_id TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id, assertion_id)
);
CREATE INDEX saml_replay_cache_expiry ON saml_replay_cache (expires_at);

-- AuthnRequest ids awaiting their response (SP-initiated login).
CREATE TABLE saml_requests (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    relay_state TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX saml_requests_expiry ON saml_requests (expires_at);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    email TEXT NOT NULL,
    reason TEXT NOT NULL,
    token_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX invitations_unsent ON invitations (sent_at);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT,
    target_label TEXT,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_org_at ON audit_log (org_id, at);
