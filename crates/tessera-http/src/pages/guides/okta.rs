//! Okta: a SAML 2.0 app integration with SCIM provisioning (Lifecycle Management).

use super::{Guide, Part};

pub(super) const GUIDE: Guide = Guide {
    slug: "okta",
    name: "Okta",
    scim: true,
    before: &[
        "An Okta super admin or application admin account.",
        "For SCIM mode: Okta Lifecycle Management on your Okta plan. Without it the app has no Provisioning tab, and only the JIT mode is possible.",
        "The Connect walkthrough started in the mode you want; keep it open in another tab.",
    ],
    parts: &[
        Part {
            title: "Create the SAML app",
            scim_only: false,
            steps: &[
                "In the Okta Admin Console, open Applications → Applications and click Create App Integration.",
                "Choose SAML 2.0 and click Next. Name the app (for example \"Tessera {workspace}\") and click Next.",
                "Single sign-on URL: paste {acs_url}. Leave \"Use this for Recipient URL and Destination URL\" ticked.",
                "Audience URI (SP Entity ID): paste {entity_id}.",
                "Name ID format: EmailAddress. Application username: Email.",
                "Attribute Statements: add email = user.email, givenName = user.firstName, familyName = user.lastName (Name format Unspecified).",
                "Click Next, answer \"I'm an Okta customer adding an internal app\", and click Finish.",
            ],
        },
        Part {
            title: "Give the IdP details to Tessera",
            scim_only: false,
            steps: &[
                "On the app's Sign On tab, under SAML Signing Certificates, open Actions → View IdP metadata of the active certificate.",
                "Copy the whole XML and paste it into step 4 of the Connect walkthrough (Enter the IdP details), then save.",
            ],
        },
        Part {
            title: "Turn on SCIM provisioning",
            scim_only: true,
            steps: &[
                "On the app's General tab, click Edit under App Settings, choose SCIM as Provisioning and click Save. A Provisioning tab appears (it needs Lifecycle Management).",
                "In the Connect walkthrough, click Generate SCIM token and copy it: it is shown once.",
                "On Provisioning → Integration, click Edit. SCIM connector base URL: paste {scim_url}.",
                "Unique identifier field for users: userName.",
                "Supported provisioning actions: tick Push New Users, Push Profile Updates and Push Groups.",
                "Authentication Mode: HTTP Header. Authorization: paste {scim_token}.",
                "Click Test Connector Configuration: it must show users and groups as supported. Then click Save.",
                "On Provisioning → To App, click Edit and enable Create Users, Update User Attributes and Deactivate Users. Click Save.",
            ],
        },
        Part {
            title: "Assign people, then push groups",
            scim_only: false,
            steps: &[
                "On the Assignments tab, click Assign → Assign to Groups (or to People) and assign everyone who should sign in. In SCIM mode Okta now creates their accounts; they stay Pending in Manage users until their first sign-in (U2).",
                "Only after the users are assigned: open the Push Groups tab, click Push Groups → Find groups by name, pick each group and click Save. Each pushed group becomes an IdP team (T2); members that arrive before their account are kept and applied later (S3).",
                "Groups you create in Okta later are not pushed by themselves: push each new group by hand on the Push Groups tab.",
            ],
        },
        Part {
            title: "Go live and check",
            scim_only: false,
            steps: &[
                "In the Connect walkthrough, click Connect. Nobody is logged out (C4).",
                "Sign in from the Okta dashboard tile (IdP-initiated) or at {login_url} (SP-initiated).",
                "In Manage users, IdP users carry the IdP mark; filter by status Pending to see who has not signed in yet.",
            ],
        },
    ],
};
