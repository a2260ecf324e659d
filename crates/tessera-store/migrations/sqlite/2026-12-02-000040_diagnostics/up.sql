-- Diagnostics: a bounded ring per org of short lines about SCIM requests (method,
-- path, status, error detail, user agent) and SAML logins (outcome, reason code,
-- detail, verified email). Never a body, a token, a signature or an assertion.
CREATE TABLE diagnostic_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id TEXT NOT NULL REFERENCES orgs(id),
    channel TEXT NOT NULL,
    at TIMESTAMP NOT NULL,
    method TEXT,
    path TEXT,
    status INTEGER,
    user_agent TEXT,
    outcome TEXT,
    reason TEXT,
    detail TEXT,
    email TEXT
);
CREATE INDEX diagnostic_lines_org ON diagnostic_lines (org_id, channel, at);
