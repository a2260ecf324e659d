//! OneLogin: the "SCIM Provisioner with SAML (SCIM V2 Enterprise)" connector.

use super::{Guide, Part};

pub(super) const GUIDE: Guide = Guide {
    slug: "onelogin",
    name: "OneLogin",
    scim: true,
    before: &[
        "A OneLogin account with the Super User or Account Owner role.",
        "The Connect walkthrough started in the mode you want; keep it open in another tab.",
    ],
    parts: &[
        Part {
            title: "Add the app",
            scim_only: false,
            steps: &[
                "In OneLogin, open Applications → Applications and click Add App.",
                "Search for \"SCIM Provisioner with SAML (SCIM V2 Enterprise)\" and pick exactly that connector: the plain SAML connectors cannot provision.",
                "Name it (for example \"Tessera {workspace}\") and click Save.",
            ],
        },
        Part {
            title: "Configuration tab: SAML and the API credentials",
            scim_only: false,
            steps: &[
                "SAML Audience URL: paste {entity_id}.",
                "SAML Consumer URL: paste {acs_url}.",
                "SCIM Base URL: paste {scim_url} (SCIM mode only; leave it empty in JIT mode).",
                "In the Connect walkthrough, click Generate SCIM token and copy it: it is shown once. SCIM Bearer Token: paste {scim_token}.",
                "Click Save, then under API Connection click Enable: the status must turn to Enabled.",
            ],
        },
        Part {
            title: "Give the IdP details to Tessera",
            scim_only: false,
            steps: &[
                "Open More Actions → SAML Metadata to download the metadata XML.",
                "Paste the whole XML into step 4 of the Connect walkthrough (Enter the IdP details) and save.",
            ],
        },
        Part {
            title: "Provisioning tab",
            scim_only: true,
            steps: &[
                "Tick Enable provisioning.",
                "Set \"When users are deleted in OneLogin, or the user's app access is removed, perform the below action\" to Suspend.",
                "Set \"When user accounts are suspended in OneLogin, perform the following action\" to Suspend. Accounts are then deactivated, never deleted (U5).",
                "Untick the \"Require admin approval\" boxes unless you want to approve each change, and click Save.",
            ],
        },
        Part {
            title: "Parameters tab: send groups",
            scim_only: true,
            steps: &[
                "Open the Groups parameter (create it with \"+\" if the list has none).",
                "Tick \"Include in User Provisioning\" and click Save.",
            ],
        },
        Part {
            title: "Roles and rules: one Role per team",
            scim_only: true,
            steps: &[
                "Open Users → Roles and create one Role per team you want in Tessera (for example Engineering). Add the app to each role and add the role's people.",
                "Back on the app, open the Rules tab and click Add Rule. Name it, for example, \"Set Groups in Tessera\".",
                "Conditions: leave empty so the rule applies to everyone with the app.",
                "Actions: choose \"Set Groups in Tessera {workspace}\" (the name of your app), then \"For each role with value that matches\" and enter .* to send every role, or a pattern for just some.",
                "Save the rule, then on the Users tab click Apply Rules so the groups are sent.",
            ],
        },
        Part {
            title: "Confirm users and go live",
            scim_only: false,
            steps: &[
                "On the app's Users tab, people show as Pending until OneLogin provisions them: select them and choose Approve (or More Actions → Apply entitlement mappings) until their status is Provisioned.",
                "In the Connect walkthrough, click Connect. Nobody is logged out (C4).",
                "Provisioned users appear in Manage users as Pending until their first sign-in (U2); each Role arrives as an IdP team (T2).",
                "Sign in from the OneLogin portal (IdP-initiated) or at {login_url}.",
            ],
        },
    ],
};
