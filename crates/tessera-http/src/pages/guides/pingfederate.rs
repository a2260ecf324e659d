//! PingFederate: an SP connection with Browser SSO and outbound SCIM provisioning.

use super::{Guide, Part};

pub(super) const GUIDE: Guide = Guide {
    slug: "pingfederate",
    name: "PingFederate",
    scim: true,
    before: &[
        "PingFederate administrative console access, an IdP adapter that authenticates your users, and for SCIM mode a source directory (Active Directory, PingDirectory or another LDAP store) for outbound provisioning.",
        "PingFederate must be able to reach {scim_url} over HTTPS for provisioning.",
        "The Connect walkthrough started in the mode you want; keep it open in another tab.",
    ],
    parts: &[
        Part {
            title: "Create the SP connection",
            scim_only: false,
            steps: &[
                "Open Applications → Integration → SP Connections and click Create Connection.",
                "Connection Template: Do not use a template. Connection Type: tick Browser SSO Profiles (SAML 2.0), and for SCIM mode also Outbound Provisioning with type SCIM Connector.",
                "Connection Options: Browser SSO.",
                "Import Metadata: choose URL and enter {metadata_url}, or enter the values by hand in the next steps.",
                "General Info: Partner's Entity ID (Connection ID): paste {entity_id}. Connection Name: Tessera {workspace}.",
            ],
        },
        Part {
            title: "Browser SSO",
            scim_only: false,
            steps: &[
                "SAML Profiles: tick IdP-Initiated SSO and SP-Initiated SSO.",
                "Assertion Creation → Identity Mapping: Standard. Attribute Contract: SAML_SUBJECT with format urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress; extend it with email, givenName and familyName.",
                "Map your IdP adapter and fulfil SAML_SUBJECT and email with the user's mail attribute, givenName and familyName with the name attributes.",
                "Protocol Settings → Assertion Consumer Service URL: Binding POST, Endpoint URL {acs_url}, default.",
                "Allowable SAML Bindings: POST and Redirect. Signature Policy: tick \"Always sign the SAML assertion\".",
                "Credentials → Digital Signature Settings: your signing certificate with RSA SHA256. Save the connection.",
            ],
        },
        Part {
            title: "Give the IdP details to Tessera",
            scim_only: false,
            steps: &[
                "Open System → Protocol Metadata → Metadata Export, choose the signing certificate used above and export the metadata for this connection.",
                "Paste the whole XML into step 4 of the Connect walkthrough (Enter the IdP details) and save.",
            ],
        },
        Part {
            title: "Outbound provisioning channel",
            scim_only: true,
            steps: &[
                "In the Connect walkthrough, click Generate SCIM token and copy it: it is shown once.",
                "Reopen the SP connection → Outbound Provisioning → Configure Provisioning.",
                "Target: Users Resource URL {scim_users_url}; Groups Resource URL {scim_groups_url}.",
                "Authentication Method: OAuth 2.0 Bearer Token, with access token {scim_token}. Keep \"SCIM SP Supports Patch Updates\" ticked. Unique user identifier: userName.",
                "Manage Channels → Create: name the channel, choose your directory as Channel Source, and set the Source Location (base DN and a group or filter for the users to provision).",
                "Attribute Mapping: userName and emails from mail, name.givenName from givenName, name.familyName from sn, externalId from the directory's object GUID (objectGUID in Active Directory).",
                "Activate the channel and save. Groups under the source location are pushed with their members and become IdP teams (T2).",
            ],
        },
        Part {
            title: "Go live and check",
            scim_only: false,
            steps: &[
                "Set the connection to Active on the Activation & Summary page.",
                "In the Connect walkthrough, click Connect. Nobody is logged out (C4).",
                "Provisioned users show as Pending in Manage users until their first sign-in (U2).",
                "Sign in at {login_url} (SP-initiated), or with PingFederate's IdP-initiated SSO URL for this connection.",
            ],
        },
    ],
};
