//! Typed configuration, layered: defaults → TOML file → `TESSERA_*` env → flags.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tessera_core::Secret;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Everything `tessera-server` can be told.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `sqlite://PATH` (embedded default) or `postgres://…` (scale-out).
    pub database_url: Secret<String>,
    /// The address to listen on.
    pub bind: String,
    /// The external base URL used in SAML and SCIM URLs (no trailing slash).
    pub public_url: String,
    /// The largest request body accepted; larger ones get 413.
    pub body_limit_bytes: usize,
    /// Create the demo org on an empty database.
    pub demo_org: bool,
    /// Log line format.
    pub log_format: LogFormat,
    /// Seconds in-flight requests get to finish after a shutdown signal.
    pub shutdown_timeout_secs: u64,
    /// Worker threads (default: one per core).
    pub workers: Option<usize>,
    /// Open connections each worker serves at once; more wait to be accepted.
    pub max_connections_per_worker: usize,
    /// PEM private key of the SAML service provider: signs AuthnRequests, decrypts
    /// encrypted assertions, and its certificate is published in SP metadata.
    pub sp_key_file: Option<PathBuf>,
    /// PEM certificate matching `sp_key_file`.
    pub sp_certificate_file: Option<PathBuf>,
    /// SCIM requests per second each org may make (0: no limit); over it, `429`.
    pub scim_rate_limit_per_second: u32,
    /// How many SCIM requests an org may make at once above its rate.
    pub scim_rate_limit_burst: u32,
    /// The most users or groups a SCIM filter that no index answers may scan; an org
    /// with more gets `400 tooMany` for such a filter.
    pub scim_filter_scan_limit: u64,
    /// Refused SAML responses recorded (audit entry and log line) per org and minute,
    /// per server process; the rest are counted and summed into the next record.
    pub saml_refusals_recorded_per_minute: u32,
    /// Outstanding AuthnRequests kept per org; a new one drops the oldest.
    pub saml_outstanding_requests_per_org: usize,
    /// Failed password sign-ins per account (workspace and email as typed) per window;
    /// further attempts get 429 until the window ends.
    pub login_max_failures_per_account: u32,
    /// Failed password sign-ins per client address per window.
    pub login_max_failures_per_client: u32,
    /// The length of a failure-counting window, in seconds.
    pub login_throttle_window_secs: u64,
    /// Password hashes computed at once (argon2 takes 19 MiB each; default: one per core).
    pub password_hashing_concurrency: Option<usize>,
    /// The longest a web session or refresh token lives, however often used, in days.
    pub session_absolute_lifetime_days: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client (sign-in limits).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Days the org's events are kept (the events API's history); older ones are purged
    /// hourly.
    pub events_retention_days: u32,
    /// Whether webhook URLs that account admins add may reach loopback, private,
    /// link-local and other non-public addresses (the operator's CLI always may).
    pub webhooks_allow_private_urls: bool,
    /// How long one webhook delivery may take, in milliseconds.
    pub webhooks_request_timeout_ms: u64,
    /// How often the server looks for due webhook endpoints, in milliseconds.
    pub webhooks_poll_interval_ms: u64,
    /// Diagnostics lines kept per org and kind (SCIM requests, SAML logins).
    pub diagnostics_lines_per_org: u32,
    /// Diagnostics lines older than this many days are dropped.
    pub diagnostics_max_age_days: u32,
    /// The age in days at which a SCIM token counts as expired (expiry warnings at 30,
    /// 7 and 1 days before; the token keeps working until rotated).
    pub scim_token_max_age_days: u32,
    /// The consumer key of the Salesforce connected app; without it, no Salesforce login.
    pub salesforce_client_id: Option<String>,
    /// The connected app's consumer secret.
    pub salesforce_client_secret: Option<Secret<String>>,
    /// The production issuer (login.salesforce.com, or a My Domain URL).
    pub salesforce_production_url: String,
    /// The sandbox issuer (test.salesforce.com, or a sandbox My Domain URL).
    pub salesforce_sandbox_url: String,
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "text" => Ok(LogFormat::Text),
            "json" => Ok(LogFormat::Json),
            _ => Err(format!("{s:?} is not a log format; use text or json")),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: Secret::new("sqlite://data/tessera.db".to_owned()),
            bind: "127.0.0.1:8080".to_owned(),
            public_url: "http://127.0.0.1:8080".to_owned(),
            body_limit_bytes: 1024 * 1024,
            demo_org: true,
            log_format: LogFormat::Text,
            shutdown_timeout_secs: crate::DEFAULT_SHUTDOWN.as_secs(),
            workers: None,
            max_connections_per_worker: 1024,
            sp_key_file: None,
            sp_certificate_file: None,
            scim_rate_limit_per_second: 100,
            scim_rate_limit_burst: 200,
            scim_filter_scan_limit: 100_000,
            saml_refusals_recorded_per_minute: 60,
            saml_outstanding_requests_per_org: 1000,
            login_max_failures_per_account: 10,
            login_max_failures_per_client: 50,
            login_throttle_window_secs: 15 * 60,
            password_hashing_concurrency: None,
            session_absolute_lifetime_days: 90,
            trusted_proxies: Vec::new(),
            events_retention_days: tessera_service::events::DEFAULT_RETENTION_DAYS,
            webhooks_allow_private_urls: false,
            webhooks_request_timeout_ms: 10_000,
            webhooks_poll_interval_ms: 1_000,
            diagnostics_lines_per_org: 200,
            diagnostics_max_age_days: 30,
            scim_token_max_age_days: 365,
            salesforce_client_id: None,
            salesforce_client_secret: None,
            salesforce_production_url: "https://login.salesforce.com".to_owned(),
            salesforce_sandbox_url: "https://test.salesforce.com".to_owned(),
        }
    }
}

/// Why the configuration could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A layer could not be read or a value has the wrong type or name.
    #[error("invalid configuration: {0}")]
    Invalid(String),
    /// A value parses but makes no sense.
    #[error("invalid configuration: {field}: {problem}")]
    Value {
        /// The setting.
        field: &'static str,
        /// What is wrong with it.
        problem: String,
    },
}

/// The config file read when none is named.
const DEFAULT_FILE: &str = "tessera.toml";

impl Config {
    /// Reads defaults, then `file` (or `tessera.toml` if present), then `TESSERA_*`
    /// environment variables, then `overrides` (the command-line flags), and checks
    /// the result. A named file that does not exist is an error.
    pub fn load(file: Option<&Path>, overrides: impl Serialize) -> Result<Self, ConfigError> {
        let figment = Figment::from(Serialized::defaults(Config::default()));
        let figment = match file {
            Some(path) if !path.exists() => {
                return Err(ConfigError::Invalid(format!(
                    "config file {} does not exist",
                    path.display()
                )));
            }
            Some(path) => figment.merge(Toml::file_exact(path)),
            None => figment.merge(Toml::file(PathBuf::from(DEFAULT_FILE))),
        };
        // TESSERA_TEST_* variables steer the test suite, not the server.
        let env = Env::prefixed("TESSERA_")
            .filter(|key| !key.as_str().to_ascii_lowercase().starts_with("test_"));
        let config: Config = figment
            .merge(env)
            .merge(Serialized::defaults(overrides))
            .extract()
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        config.validated()
    }

    /// Checks values that deserialise but cannot work; normalises `public_url`.
    pub fn validated(mut self) -> Result<Self, ConfigError> {
        let url = self.public_url.trim_end_matches('/');
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || url.contains(char::is_whitespace)
        {
            return Err(ConfigError::Value {
                field: "public_url",
                problem: format!("{:?} is not an http:// or https:// URL", self.public_url),
            });
        }
        self.public_url = url.to_owned();
        if self.body_limit_bytes < 1024 {
            return Err(ConfigError::Value {
                field: "body_limit_bytes",
                problem: "must be at least 1024".into(),
            });
        }
        if self.workers == Some(0) {
            return Err(ConfigError::Value {
                field: "workers",
                problem: "must be at least 1".into(),
            });
        }
        for (field, url) in [
            (
                "salesforce_production_url",
                &mut self.salesforce_production_url,
            ),
            ("salesforce_sandbox_url", &mut self.salesforce_sandbox_url),
        ] {
            let trimmed = url.trim_end_matches('/');
            if !(trimmed.starts_with("https://") || trimmed.starts_with("http://"))
                || trimmed.contains(char::is_whitespace)
            {
                return Err(ConfigError::Value {
                    field,
                    problem: format!("{url:?} is not an http:// or https:// URL"),
                });
            }
            *url = trimmed.to_owned();
        }
        if self.salesforce_client_id.as_deref() == Some("") {
            self.salesforce_client_id = None;
        }
        if self.sp_key_file.is_some() != self.sp_certificate_file.is_some() {
            return Err(ConfigError::Value {
                field: "sp_key_file",
                problem: "set both sp_key_file and sp_certificate_file, or neither".into(),
            });
        }
        for (field, value) in [
            (
                "max_connections_per_worker",
                self.max_connections_per_worker as u64,
            ),
            (
                "saml_refusals_recorded_per_minute",
                u64::from(self.saml_refusals_recorded_per_minute),
            ),
            (
                "saml_outstanding_requests_per_org",
                self.saml_outstanding_requests_per_org as u64,
            ),
            (
                "login_max_failures_per_account",
                u64::from(self.login_max_failures_per_account),
            ),
            (
                "login_max_failures_per_client",
                u64::from(self.login_max_failures_per_client),
            ),
            (
                "login_throttle_window_secs",
                self.login_throttle_window_secs,
            ),
            (
                "password_hashing_concurrency",
                self.password_hashing_concurrency.map_or(1, |n| n as u64),
            ),
            (
                "session_absolute_lifetime_days",
                u64::from(self.session_absolute_lifetime_days),
            ),
            (
                "events_retention_days",
                u64::from(self.events_retention_days),
            ),
            (
                "diagnostics_lines_per_org",
                u64::from(self.diagnostics_lines_per_org),
            ),
            (
                "diagnostics_max_age_days",
                u64::from(self.diagnostics_max_age_days),
            ),
            (
                "scim_token_max_age_days",
                u64::from(self.scim_token_max_age_days),
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::Value {
                    field,
                    problem: "must be at least 1".into(),
                });
            }
        }
        if self.login_throttle_window_secs > 86_400 {
            return Err(ConfigError::Value {
                field: "login_throttle_window_secs",
                problem: "must be at most 86400 (a day)".into(),
            });
        }
        for (field, days) in [
            (
                "session_absolute_lifetime_days",
                self.session_absolute_lifetime_days,
            ),
            ("events_retention_days", self.events_retention_days),
        ] {
            if days > 3650 {
                return Err(ConfigError::Value {
                    field,
                    problem: "must be at most 3650".into(),
                });
            }
        }
        tessera_store::Backend::of(self.database_url.expose()).map_err(|e| ConfigError::Value {
            field: "database_url",
            problem: e.to_string(),
        })?;
        Ok(self)
    }

    /// Whether cookies must be `Secure` (the public URL is https).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// How many diagnostics lines are kept, and how long.
    pub fn diagnostics_retention(&self) -> tessera_service::diagnostics::Retention {
        tessera_service::diagnostics::Retention {
            keep: self.diagnostics_lines_per_org,
            max_age: chrono::Duration::days(self.diagnostics_max_age_days.into()),
        }
    }

    /// When SCIM tokens count as expired.
    pub fn expiry_policy(&self) -> tessera_service::expiry::ExpiryPolicy {
        tessera_service::expiry::ExpiryPolicy {
            scim_token_max_age: chrono::Duration::days(self.scim_token_max_age_days.into()),
        }
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment's large error
mod tests {
    use super::*;
    use figment::Jail;

    #[derive(Serialize, Default)]
    struct Flags {
        #[serde(skip_serializing_if = "Option::is_none")]
        bind: Option<String>,
    }

    #[test]
    fn layers_apply_in_order_defaults_file_env_flags() {
        Jail::expect_with(|jail| {
            jail.create_file(
                "tessera.toml",
                "bind = \"0.0.0.0:9000\"\npublic_url = \"https://sso.example.com/\"\nbody_limit_bytes = 4096\n",
            )?;
            let config = Config::load(None, Flags::default()).unwrap();
            assert_eq!(config.bind, "0.0.0.0:9000");
            assert_eq!(
                config.public_url, "https://sso.example.com",
                "trailing slash removed"
            );
            assert!(config.is_https());
            assert_eq!(
                config.database_url.expose(),
                "sqlite://data/tessera.db",
                "default kept"
            );

            jail.set_env("TESSERA_BIND", "127.0.0.1:7000");
            jail.set_env("TESSERA_DATABASE_URL", "postgres://u:pw@db/tessera");
            jail.set_env("TESSERA_TEST_POSTGRES_URL", "ignored by the server");
            let config = Config::load(None, Flags::default()).unwrap();
            assert_eq!(config.bind, "127.0.0.1:7000", "env beats file");
            assert_eq!(config.body_limit_bytes, 4096, "file beats defaults");
            assert_eq!(format!("{:?}", config.database_url), "***");

            let flags = Flags {
                bind: Some("127.0.0.1:6000".into()),
            };
            assert_eq!(
                Config::load(None, flags).unwrap().bind,
                "127.0.0.1:6000",
                "flags beat env"
            );
            Ok(())
        });
    }

    #[test]
    fn salesforce_keys_default_to_salesforce_and_read_their_env_names() {
        Jail::expect_with(|jail| {
            let config = Config::load(None, Flags::default()).unwrap();
            assert_eq!(
                config.salesforce_client_id, None,
                "no client id: no buttons"
            );
            assert_eq!(
                config.salesforce_production_url,
                "https://login.salesforce.com"
            );
            assert_eq!(config.salesforce_sandbox_url, "https://test.salesforce.com");
            jail.set_env("TESSERA_SALESFORCE_CLIENT_ID", "3MVG9consumerkey");
            jail.set_env("TESSERA_SALESFORCE_CLIENT_SECRET", "consumer-secret");
            jail.set_env(
                "TESSERA_SALESFORCE_PRODUCTION_URL",
                "https://acme.my.salesforce.com/",
            );
            jail.set_env(
                "TESSERA_SALESFORCE_SANDBOX_URL",
                "https://acme--uat.sandbox.my.salesforce.com",
            );
            let config = Config::load(None, Flags::default()).unwrap();
            assert_eq!(
                config.salesforce_client_id.as_deref(),
                Some("3MVG9consumerkey")
            );
            let secret = config.salesforce_client_secret.as_ref().unwrap();
            assert_eq!(secret.expose(), "consumer-secret");
            assert!(!format!("{config:?}").contains("consumer-secret"));
            assert_eq!(
                config.salesforce_production_url,
                "https://acme.my.salesforce.com"
            );
            jail.set_env("TESSERA_SALESFORCE_SANDBOX_URL", "test.salesforce.com");
            let err = Config::load(None, Flags::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("salesforce_sandbox_url"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_by_name() {
        Jail::expect_with(|jail| {
            jail.create_file("tessera.toml", "bnid = \"x\"\n")?;
            let err = Config::load(None, Flags::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("bnid"), "{err}");

            jail.create_file("tessera.toml", "public_url = \"ftp://x\"\n")?;
            let err = Config::load(None, Flags::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("public_url"), "{err}");

            jail.create_file("tessera.toml", "database_url = \"mysql://x\"\n")?;
            let err = Config::load(None, Flags::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("database_url"), "{err}");

            for bad in [
                "login_max_failures_per_account = 0",
                "login_throttle_window_secs = 90000",
                "session_absolute_lifetime_days = 0",
                "events_retention_days = 0",
                "events_retention_days = 4000",
                "trusted_proxies = [\"not-an-ip\"]",
            ] {
                jail.create_file("tessera.toml", bad)?;
                let err = Config::load(None, Flags::default())
                    .unwrap_err()
                    .to_string();
                let key = bad.split(' ').next().unwrap();
                assert!(err.contains(key), "{bad}: {err}");
            }

            let missing = Config::load(Some(Path::new("nope.toml")), Flags::default()).unwrap_err();
            assert!(missing.to_string().contains("nope.toml does not exist"));
            Ok(())
        });
    }
}
