//! JumpCloud: a custom SAML application with Identity Management (SCIM 2.0).

use super::{Guide, Part};

pub(super) const GUIDE: Guide = Guide {
    slug: "jumpcloud",
    name: "JumpCloud",
    scim: true,
    before: &[
        "A JumpCloud administrator account with access to SSO Applications and User Groups.",
        "The Connect walkthrough started in the mode you want; keep it open in another tab.",
    ],
    parts: &[
        Part {
            title: "Create the custom SAML app",
            scim_only: false,
            steps: &[
                "In the JumpCloud Admin Portal, open SSO Applications and click Add New Application.",
                "Choose Custom Application and click Next. Tick \"Manage Single Sign-On (SSO)\" with \"Configure SSO with SAML\", and, for SCIM mode, \"Export users to this app (Identity Management)\". Click Next.",
                "Name it (for example \"Tessera {workspace}\"), click Save Application, then Configure Application.",
            ],
        },
        Part {
            title: "SSO tab",
            scim_only: false,
            steps: &[
                "IdP Entity ID: a value unique across your JumpCloud apps, for example jumpcloud-tessera-{workspace}.",
                "SP Entity ID: paste {entity_id}.",
                "ACS URLs: paste {acs_url} as the default URL.",
                "SAMLSubject NameID: email. SAMLSubject NameID Format: urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress.",
                "Signature Algorithm: RSA-SHA256; choose Sign Assertion.",
                "Login URL: paste {login_url} so the portal tile starts an SP-initiated sign-in (or leave IdP-initiated).",
                "User Attributes: add email → email, givenName → firstname, familyName → lastname. Click Save.",
            ],
        },
        Part {
            title: "Give the IdP details to Tessera",
            scim_only: false,
            steps: &[
                "Reopen the app and click Export Metadata on the SSO tab.",
                "Paste the whole XML into step 4 of the Connect walkthrough (Enter the IdP details) and save.",
            ],
        },
        Part {
            title: "Identity Management tab (SCIM 2.0)",
            scim_only: true,
            steps: &[
                "In the Connect walkthrough, click Generate SCIM token and copy it: it is shown once.",
                "SCIM Version: SCIM 2.0. Base URL: paste {scim_url}.",
                "Token Key: paste {scim_token}.",
                "Test User Email: the email of a user who exists in JumpCloud.",
                "Click Test Connection; when it succeeds, click Activate, then Save.",
            ],
        },
        Part {
            title: "Bind user groups",
            scim_only: false,
            steps: &[
                "Open the app's User Groups tab, tick the groups whose members should sign in, and click Save. In SCIM mode JumpCloud creates their accounts and pushes each bound group as an IdP team (T2); group provisioning needs the groups bound here.",
                "A group that is not bound to the app never reaches Tessera; new groups must be bound here too.",
            ],
        },
        Part {
            title: "Go live and check",
            scim_only: false,
            steps: &[
                "In the Connect walkthrough, click Connect. Nobody is logged out (C4).",
                "Provisioned users show as Pending in Manage users until their first sign-in (U2).",
                "Sign in from the JumpCloud user portal (IdP-initiated) or at {login_url}.",
            ],
        },
    ],
};
