//! Microsoft Entra ID: a non-gallery enterprise application with SAML and automatic
//! provisioning.

use super::{Guide, Part};

pub(super) const GUIDE: Guide = Guide {
    slug: "entra",
    name: "Microsoft Entra ID",
    scim: true,
    before: &[
        "An Entra account with the Cloud Application Administrator (or Application Administrator) role.",
        "Entra ID P1 or P2 to assign groups (not only users) to the app.",
        "The Connect walkthrough started in the mode you want; keep it open in another tab.",
    ],
    parts: &[
        Part {
            title: "Create the non-gallery app",
            scim_only: false,
            steps: &[
                "In the Microsoft Entra admin center, open Identity → Applications → Enterprise applications and click New application.",
                "Click Create your own application, name it (for example \"Tessera {workspace}\"), choose \"Integrate any other application you don't find in the gallery (Non-gallery)\" and click Create.",
            ],
        },
        Part {
            title: "Set up single sign-on",
            scim_only: false,
            steps: &[
                "Open Single sign-on and choose SAML.",
                "Under Basic SAML Configuration click Edit. Identifier (Entity ID): add {entity_id} and tick Default.",
                "Reply URL (Assertion Consumer Service URL): add {acs_url}. Leave Sign on URL empty for IdP-initiated sign-in, or set it to {login_url}. Save.",
                "Under Attributes & Claims, keep emailaddress, givenname and surname, and set Unique User Identifier (Name ID) to user.mail with format Email address if your UPNs are not email addresses.",
                "Leave token encryption off unless you upload Tessera's certificate from {metadata_url}.",
                "Under SAML Certificates, download Federation Metadata XML and paste it into step 4 of the Connect walkthrough (Enter the IdP details).",
            ],
        },
        Part {
            title: "Connect provisioning",
            scim_only: true,
            steps: &[
                "In the Connect walkthrough, click Generate SCIM token and copy it: it is shown once.",
                "Open Provisioning (or Provisioning → Get started) and set Provisioning Mode to Automatic.",
                "Under Admin Credentials: Tenant URL: paste {scim_url}. Secret Token: paste {scim_token}.",
                "Click Test Connection; it must report that the supplied credentials are authorized. Then click Save.",
            ],
        },
        Part {
            title: "Fix the externalId mapping",
            scim_only: true,
            steps: &[
                "Under Mappings, open Provision Microsoft Entra ID Users.",
                "The default maps mailNickname to externalId, which is wrong: it changes when someone is renamed. Edit the externalId row and set Source attribute to objectId. Save.",
                "Keep userPrincipalName (or mail) → userName, and emails[type eq \"work\"].value from mail.",
            ],
        },
        Part {
            title: "Assign users and groups",
            scim_only: false,
            steps: &[
                "Open Users and groups, click Add user/group, and assign the users and groups that should sign in and be provisioned.",
                "Back in Provisioning → Settings, set Scope to \"Sync only assigned users and groups\".",
                "Set Provisioning Status to On and click Save.",
            ],
        },
        Part {
            title: "Go live and check",
            scim_only: false,
            steps: &[
                "In the Connect walkthrough, click Connect. Nobody is logged out (C4).",
                "Entra provisions in cycles: the first one starts within minutes, later ones run about every 40 minutes. To test one person right away, use Provision on demand.",
                "Provisioned users show as Pending in Manage users until their first sign-in (U2); assigned groups become IdP teams (T2).",
                "Sign in from My Apps (IdP-initiated) or at {login_url}.",
            ],
        },
    ],
};
