//! Setup guides per IdP (L5): this org's exact values to paste, and each IdP's known
//! pitfalls.

use super::account_admin;
use super::layout::{page, respond};
use crate::api::connect::SpValues;
use crate::session::{Csrf, SignedIn};
use crate::{ApiError, AppState};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::html;

/// One IdP's guide.
pub(crate) struct Guide {
    /// URL segment.
    pub slug: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Whether the IdP provisions over SCIM (L5: all but Google Workspace).
    pub scim: bool,
    /// Where to start in the IdP's console.
    pub start: &'static str,
    /// Known pitfalls.
    pub pitfalls: &'static [&'static str],
}

/// The supported IdPs (L5).
pub(crate) const GUIDES: &[Guide] = &[
    Guide {
        slug: "okta",
        name: "Okta",
        scim: true,
        start: "Applications → Create App Integration → SAML 2.0; then enable SCIM provisioning on the app's General tab.",
        pitfalls: &[
            "Set \"Name ID format\" to EmailAddress and \"Application username\" to Email.",
            "On the Provisioning tab, enable Create Users, Update User Attributes and Deactivate Users; choose \"HTTP Header\" authentication and paste the token.",
            "Push Groups only after the users are assigned, or group members arrive before their accounts (they are kept and applied later).",
        ],
    },
    Guide {
        slug: "entra",
        name: "Microsoft Entra ID",
        scim: true,
        start: "Enterprise applications → New application → Create your own application (non-gallery); Single sign-on → SAML; Provisioning → Automatic.",
        pitfalls: &[
            "Map objectId → externalId in the provisioning attribute mappings (the default mailNickname changes when people are renamed).",
            "Entra may encrypt assertions with AES-256; leave token encryption off unless you upload our certificate.",
            "Provisioning runs on Entra's schedule (about every 40 minutes); use \"Provision on demand\" to test one user.",
            "Use the Tenant URL exactly as shown, and the token as the Secret Token.",
        ],
    },
    Guide {
        slug: "google",
        name: "Google Workspace",
        scim: false,
        start: "Admin console → Apps → Web and mobile apps → Add app → Add custom SAML app.",
        pitfalls: &[
            "Google Workspace has no SCIM for custom apps: choose the JIT mode.",
            "Set Name ID format to EMAIL and Name ID to Basic Information › Primary email.",
            "Turn the app ON for the organisational units that should log in; it is off by default.",
        ],
    },
    Guide {
        slug: "onelogin",
        name: "OneLogin",
        scim: true,
        start: "Applications → Add App → \"SCIM Provisioner with SAML (SCIM V2 Enterprise)\".",
        pitfalls: &[
            "Use the \"SCIM Provisioner with SAML (SCIM V2 Enterprise)\" app; the plain SAML connectors cannot provision.",
            "On the Provisioning tab, tick \"Enable provisioning\" and set \"When users are deleted in OneLogin\" and \"When user accounts are suspended\" to Suspend, so accounts are deactivated rather than deleted.",
            "Put the token in SCIM Bearer Token and the Tenant URL in SCIM Base URL.",
        ],
    },
    Guide {
        slug: "jumpcloud",
        name: "JumpCloud",
        scim: true,
        start: "SSO Applications → Add New Application → Custom SAML App; then the Identity Management tab for SCIM.",
        pitfalls: &[
            "The IdP entity id you choose in JumpCloud must be unique across your apps.",
            "Group provisioning needs the groups bound to the application.",
        ],
    },
    Guide {
        slug: "pingfederate",
        name: "PingFederate",
        scim: true,
        start: "Applications → SP Connections → Create Connection (Browser SSO profiles, SAML 2.0); outbound provisioning for SCIM.",
        pitfalls: &[
            "Sign the assertion (not only the response) with RSA-SHA256.",
            "The outbound provisioning channel needs the SCIM 2.0 connector and the bearer token.",
        ],
    },
    Guide {
        slug: "pingone",
        name: "PingOne",
        scim: true,
        start: "Connections → Applications → + → SAML Application; Integrations → Provisioning for SCIM.",
        pitfalls: &[
            "Set the Subject NameID to Email Address.",
            "Provisioning rules decide which users and groups are pushed; create one per population.",
        ],
    },
];

/// `GET /admin/guides/{idp}`.
pub(crate) async fn show(
    signed_in: SignedIn,
    csrf: Csrf,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    account_admin(&signed_in)?;
    let guide = GUIDES
        .iter()
        .find(|g| g.slug == path.as_str())
        .ok_or_else(|| ApiError::NotFound("no guide for this IdP".into()))?;
    let sp = SpValues::new(&state.public_url, &signed_in.org.name);
    let body = html! {
        p { (guide.start) }
        h2 { "Values to paste" }
        table id="guide-values" {
            tr { th { "ACS (reply / single sign-on) URL" } td.value { (sp.acs_url) } }
            tr { th { "Audience / SP entity id" } td.value { (sp.entity_id) } }
            @if guide.scim {
                tr { th { "SCIM tenant / base URL" } td.value { (sp.scim_tenant_url) } }
                tr { th { "SCIM token" } td { "Generate it in the Connect walkthrough (shown once)." } }
            }
        }
        h2 { "Known pitfalls" }
        ul id="pitfalls" { @for pitfall in guide.pitfalls { li { (pitfall) } } }
        p { a href="/admin/connect" { "Back to the walkthrough" } }
    };
    let title = format!("Set up {}", guide.name);
    Ok(respond(
        StatusCode::OK,
        &csrf,
        page(&title, &signed_in, body),
    ))
}
