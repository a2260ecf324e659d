//! Google Workspace: a custom SAML app. No SCIM for custom apps, so JIT only (L5).

use super::{Guide, Part};

pub(super) const GUIDE: Guide = Guide {
    slug: "google",
    name: "Google Workspace",
    scim: false,
    before: &[
        "A Google Workspace super admin account.",
        "The Connect walkthrough started in the JIT mode: Google Workspace has no SCIM provisioning for custom SAML apps, so accounts are created at first sign-in as viewers in All Users (U3).",
    ],
    parts: &[
        Part {
            title: "Create the custom SAML app",
            scim_only: false,
            steps: &[
                "In the Google Admin console, open Apps → Web and mobile apps and choose Add app → Add custom SAML app.",
                "Name the app (for example \"Tessera {workspace}\") and click Continue.",
                "On Google Identity Provider details, click Download Metadata (option 2). Keep the file: its XML goes into the walkthrough. Click Continue.",
            ],
        },
        Part {
            title: "Enter the service provider details",
            scim_only: false,
            steps: &[
                "ACS URL: paste {acs_url}.",
                "Entity ID: paste {entity_id}.",
                "Leave Signed response unticked (Google signs the assertion).",
                "Name ID format: EMAIL. Name ID: Basic Information › Primary email. Click Continue.",
                "Attribute mapping: Primary email → email, First name → givenName, Last name → familyName. Click Finish.",
            ],
        },
        Part {
            title: "Give the IdP details to Tessera",
            scim_only: false,
            steps: &[
                "Open the downloaded metadata file, copy the whole XML and paste it into step 4 of the Connect walkthrough (Enter the IdP details), then save.",
            ],
        },
        Part {
            title: "Turn the app on",
            scim_only: false,
            steps: &[
                "On the app's page, open User access. The app is OFF for everyone by default.",
                "Choose ON for everyone, or turn it on only for the organisational units or groups that should sign in. Click Save; the change can take a few minutes.",
            ],
        },
        Part {
            title: "Go live and check",
            scim_only: false,
            steps: &[
                "In the Connect walkthrough, click Connect. Nobody is logged out (C4).",
                "Sign in from the Google apps menu (IdP-initiated) or at {login_url}. The first sign-in creates the account (U3).",
                "Google never removes anyone: deactivate leavers in Manage users; add a deactivated user to any team to bring them back (U4).",
            ],
        },
    ],
};
