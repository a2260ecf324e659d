//! PingOne: a SAML application and an outbound SCIM provisioning connection with a rule.

use super::{Guide, Part};

pub(super) const GUIDE: Guide = Guide {
    slug: "pingone",
    name: "PingOne",
    scim: true,
    before: &[
        "A PingOne environment administrator (Environment Admin or Identity Data Admin role).",
        "The Connect walkthrough started in the mode you want; keep it open in another tab.",
    ],
    parts: &[
        Part {
            title: "Create the SAML application",
            scim_only: false,
            steps: &[
                "In the PingOne admin console, open Applications → Applications and click +.",
                "Name it (for example \"Tessera {workspace}\"), choose SAML Application and click Configure.",
                "Choose Manually Enter. ACS URLs: paste {acs_url}. Entity ID: paste {entity_id}. Click Save.",
                "On the Configuration tab, click edit: Subject NameID Format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress; Signing: Sign Assertion with RSA_SHA256. Save.",
                "On the Attribute Mappings tab, map saml_subject to Email Address, and add email → Email Address, givenName → Given Name, familyName → Family Name. Save.",
                "On the Access tab, add the groups whose members may sign in; then switch the application on with the toggle.",
            ],
        },
        Part {
            title: "Give the IdP details to Tessera",
            scim_only: false,
            steps: &[
                "On the application's Configuration tab, click Download Metadata.",
                "Paste the whole XML into step 4 of the Connect walkthrough (Enter the IdP details) and save.",
            ],
        },
        Part {
            title: "Create the SCIM provisioning connection",
            scim_only: true,
            steps: &[
                "In the Connect walkthrough, click Generate SCIM token and copy it: it is shown once.",
                "Open Integrations → Provisioning, click + and New Connection; on the Identity Store row click Select, choose SCIM Outbound and click Next.",
                "Name the connection (for example \"Tessera {workspace} SCIM\") and click Next.",
                "SCIM Base URL: paste {scim_url}. Users Resource: /Users. Groups Resource: /Groups. SCIM Version: 2.0.",
                "Authentication Method: OAuth 2 Bearer Token. OAuth Access Token: paste {scim_token}. Auth Type Header: Bearer.",
                "Click Test Connection; it must succeed. On the preferences page set the user identifier to userName and tick Allow Users to be Created, Updated and Disabled. Choose Disable as the remove action so leavers are deactivated (U5). Save and switch the connection on.",
            ],
        },
        Part {
            title: "Create the provisioning rule",
            scim_only: true,
            steps: &[
                "On Integrations → Provisioning, open the Rules tab, click + and name the rule (for example \"Tessera {workspace}\").",
                "Select the connection created above as the target and save.",
                "User Filter: choose which users are sent, for example the population of your staff or the group assigned to the app. A user outside every rule's filter is never provisioned; add a rule per population if needed.",
                "Attribute Mapping: keep username → userName and email → emails; add User ID → externalId.",
                "Group Provisioning: add the groups to send; each becomes an IdP team (T2).",
                "Switch the rule on with the toggle at its top right.",
            ],
        },
        Part {
            title: "Go live and check",
            scim_only: false,
            steps: &[
                "In the Connect walkthrough, click Connect. Nobody is logged out (C4).",
                "Provisioned users show as Pending in Manage users until their first sign-in (U2).",
                "Sign in from the PingOne application portal (IdP-initiated) or at {login_url}.",
            ],
        },
    ],
};
