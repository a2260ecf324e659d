//! Small closed vocabularies, each stored and exchanged by a stable snake_case name.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! named_enum {
    (
        $(#[$doc:meta])*
        $name:ident, $kind:literal {
            $( $(#[$vdoc:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vdoc])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in storage, JSON and the CLI.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = CoreError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    _ => Err(CoreError::UnknownVariant {
                        kind: $kind,
                        value: s.to_owned(),
                        expected: concat!($($text, " "),+).trim_ascii_end(),
                    }),
                }
            }
        }
    };
}

named_enum!(
    /// What a user may do in the app. Owned by the app (rule U6): provisioning never sets it.
    Role, "role" {
        /// Reads content; every provisioned user starts here (U3, U6).
        Viewer = "viewer",
        /// Creates content.
        Expert = "expert",
        /// Manages the teams they administer.
        TeamAdmin = "team_admin",
        /// Manages the whole org, including its IdP connection.
        AccountAdmin = "account_admin",
    }
);

named_enum!(
    /// Where a user account stands (rule U1).
    UserStatus, "user status" {
        /// Provisioned or invited, has never logged in.
        Pending = "pending",
        /// Has logged in at least once; shown as "Accepted".
        Active = "active",
        /// Cannot log in; data kept.
        Deactivated = "deactivated",
    }
);

impl UserStatus {
    /// The word the admin pages show (U1 shows `active` as "Accepted").
    pub fn label(self) -> &'static str {
        match self {
            UserStatus::Pending => "Pending",
            UserStatus::Active => "Accepted",
            UserStatus::Deactivated => "Deactivated",
        }
    }
}

named_enum!(
    /// The kind of an org (rule W2): only production orgs may connect an IdP.
    OrgKind, "org kind" {
        /// A customer's real workspace.
        Production = "production",
        /// A test workspace; never connects SSO/SCIM.
        Sandbox = "sandbox",
    }
);

named_enum!(
    /// How an account logs in (rule L3).
    LoginMethod, "login method" {
        /// Email and password kept by the app.
        Password = "password",
        /// Salesforce login.
        Salesforce = "salesforce",
        /// The org's IdP only (accounts created through SSO: JIT or SCIM).
        Sso = "sso",
    }
);

named_enum!(
    /// How an org's IdP connection provisions accounts (rule C1).
    ConnectionMode, "connection mode" {
        /// SAML only; accounts are created at first login.
        Jit = "jit",
        /// SAML login plus SCIM provisioning.
        Scim = "scim",
    }
);

named_enum!(
    /// The persisted position of an org in the Connect walkthrough (rule C2).
    WalkthroughStep, "walkthrough step" {
        /// The account admin has not started.
        NotStarted = "not_started",
        /// Started; the mapping sheet is next.
        Enabled = "enabled",
        /// The mapping sheet was downloaded; its upload is next.
        MappingDownloaded = "mapping_downloaded",
        /// A valid sheet was uploaded; IdP details are next.
        MappingUploaded = "mapping_uploaded",
        /// IdP details are stored; SCIM credentials (scim mode) are next.
        IdpDetails = "idp_details",
        /// SCIM credentials were issued (scim mode).
        ScimCredentials = "scim_credentials",
        /// The connection is live.
        Connected = "connected",
    }
);

named_enum!(
    /// Who or what caused a change: recorded on accounts and in the audit log (rule S4).
    Source, "source" {
        /// The IdP, through SCIM.
        Scim = "scim",
        /// The IdP, through a SAML login (JIT).
        Saml = "saml",
        /// A person using the app's pages or admin API.
        App = "app",
        /// The operator, through `tessera-admin`.
        Cli = "cli",
        /// The user-mapping sheet.
        Mapping = "mapping",
        /// The Salesforce user sync.
        Salesforce = "salesforce",
        /// Tessera itself (e.g. the demo org, migrations).
        System = "system",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_parse_case_insensitively() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), *role);
            assert_eq!(role.as_str().to_uppercase().parse::<Role>().unwrap(), *role);
        }
        for step in WalkthroughStep::ALL {
            assert_eq!(step.to_string().parse::<WalkthroughStep>().unwrap(), *step);
        }
        assert_eq!(
            serde_json::to_string(&Role::TeamAdmin).unwrap(),
            "\"team_admin\""
        );
    }

    #[test]
    fn unknown_names_list_the_accepted_ones() {
        let err = "owner".parse::<Role>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"owner\" is not a valid role; expected one of: viewer expert team_admin account_admin"
        );
    }

    // covers U1
    #[test]
    fn u1_active_is_shown_as_accepted() {
        assert_eq!(UserStatus::Active.label(), "Accepted");
        assert_eq!(UserStatus::Pending.label(), "Pending");
        assert_eq!(UserStatus::Deactivated.label(), "Deactivated");
    }
}
