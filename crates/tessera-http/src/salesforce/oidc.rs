//! The OpenID Connect side of Salesforce login, over the `openidconnect` crate:
//! discovery and JWKS per issuer (cached for an hour, fetched again when an ID token
//! names a key the cache lacks), the authorization URL with PKCE, the code exchange and
//! the ID-token checks (issuer, audience, expiry, issue time, nonce, and an RS256
//! signature by one of the issuer's own keys).

use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenVerifier, CoreJwsSigningAlgorithm,
    CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use std::sync::{Mutex, PoisonError};
use tessera_core::{Email, OrgKind};
use tessera_service::login::salesforce::{FlowSecrets, PendingLogin, SalesforceIdentity};

/// How long discovery and keys are reused.
const METADATA_TTL: Duration = Duration::hours(1);
/// The least time between two fetches forced by an unknown signing key.
const REFRESH_AT_MOST_EVERY: Duration = Duration::minutes(1);
/// How far an ID token's `iat` may lie in the future (clock skew) or the past.
const IAT_SKEW: Duration = Duration::minutes(5);
const IAT_MAX_AGE: Duration = Duration::minutes(10);

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a callback signs nobody in.
pub(crate) enum Failure {
    /// Salesforce's answer is not acceptable: the audited reason code and detail.
    Refused(&'static str, String),
    /// Salesforce could not be reached or answered nonsense at discovery.
    Unavailable(String),
}

/// One Salesforce issuer and its cached discovery document (with its keys).
struct Issuer {
    url: IssuerUrl,
    cache: Mutex<Option<(CoreProviderMetadata, DateTime<Utc>)>>,
}

/// The connected app at both Salesforce issuers.
pub(crate) struct Oidc {
    client_id: ClientId,
    client_secret: Option<ClientSecret>,
    redirect: RedirectUrl,
    production: Issuer,
    sandbox: Issuer,
}

/// An HTTP client that never follows redirects (the OpenID Connect endpoints answer
/// directly; following one could reach elsewhere).
fn http() -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| Failure::Unavailable(format!("HTTP client: {e}")))
}

impl Oidc {
    /// The app `client_id` (with its secret, if any), called back at `redirect`.
    pub(crate) fn new(
        client_id: &str,
        client_secret: Option<&str>,
        redirect: &str,
        production_url: &str,
        sandbox_url: &str,
    ) -> Result<Self, String> {
        let issuer = |url: &str| -> Result<Issuer, String> {
            Ok(Issuer {
                url: IssuerUrl::new(url.to_owned()).map_err(|e| format!("{url:?}: {e}"))?,
                cache: Mutex::new(None),
            })
        };
        Ok(Self {
            client_id: ClientId::new(client_id.to_owned()),
            client_secret: client_secret.map(|s| ClientSecret::new(s.to_owned())),
            redirect: RedirectUrl::new(redirect.to_owned()).map_err(|e| e.to_string())?,
            production: issuer(production_url)?,
            sandbox: issuer(sandbox_url)?,
        })
    }

    fn issuer(&self, environment: OrgKind) -> &Issuer {
        match environment {
            OrgKind::Production => &self.production,
            OrgKind::Sandbox => &self.sandbox,
        }
    }

    /// The issuer URL of `environment` (what the callback's `iss` must be).
    pub(crate) fn issuer_url(&self, environment: OrgKind) -> &str {
        self.issuer(environment).url.as_str()
    }

    /// The issuer's discovery document: the cached one while fresh (and, with
    /// `refresh`, fetched again unless fetched in the last minute).
    async fn metadata(
        &self,
        environment: OrgKind,
        now: DateTime<Utc>,
        refresh: bool,
    ) -> Result<CoreProviderMetadata, Failure> {
        let issuer = self.issuer(environment);
        let cached = issuer
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some((metadata, fetched_at)) = cached {
            let age = now - fetched_at;
            if age < REFRESH_AT_MOST_EVERY || (!refresh && age < METADATA_TTL) {
                return Ok(metadata);
            }
        }
        let metadata = CoreProviderMetadata::discover_async(issuer.url.clone(), &http()?)
            .await
            .map_err(|e| Failure::Unavailable(format!("discovery of {}: {e}", issuer.url)))?;
        *issuer.cache.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((metadata.clone(), now));
        Ok(metadata)
    }

    fn client(&self, metadata: CoreProviderMetadata) -> Client {
        CoreClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            self.client_secret.clone(),
        )
        .set_redirect_uri(self.redirect.clone())
    }

    /// Where to send the browser, and the flow's secrets to store.
    pub(crate) async fn authorize(
        &self,
        environment: OrgKind,
        now: DateTime<Utc>,
    ) -> Result<(String, FlowSecrets), Failure> {
        let client = self.client(self.metadata(environment, now, false).await?);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let secrets = FlowSecrets {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        };
        Ok((url.to_string(), secrets))
    }

    /// Exchanges `code` and checks the ID token it brings for the started login.
    pub(crate) async fn identity(
        &self,
        pending: &PendingLogin,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<SalesforceIdentity, Failure> {
        let environment = pending.environment;
        let metadata = self.metadata(environment, now, false).await?;
        let client = self.client(metadata.clone());
        let response = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Failure::Unavailable(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&http()?)
            .await
            .map_err(|e| match e {
                RequestTokenError::Request(e) => Failure::Unavailable(format!("token: {e}")),
                other => Failure::Refused("code_refused", other.to_string()),
            })?;
        let Some(token) = response.id_token() else {
            return Err(Failure::Refused("no_id_token", "no id_token".into()));
        };
        let nonce = Nonce::new(pending.nonce.clone());
        match self.check(&metadata, token, &nonce, environment, now) {
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                // Perhaps the issuer rotated its keys: look once more with fresh ones.
                let fresh = self.metadata(environment, now, true).await?;
                self.check(&fresh, token, &nonce, environment, now)
            }
            checked => checked,
        }
        .map_err(|e| Failure::Refused(claims_code(&e), e.to_string()))?
    }

    /// The identity in `token`, when every check passes.
    fn check(
        &self,
        metadata: &CoreProviderMetadata,
        token: &CoreIdToken,
        nonce: &Nonce,
        environment: OrgKind,
        now: DateTime<Utc>,
    ) -> Result<Result<SalesforceIdentity, Failure>, ClaimsVerificationError> {
        // Only the issuer's published keys: no HMAC with the client secret.
        let verifier = CoreIdTokenVerifier::new_public_client(
            self.client_id.clone(),
            metadata.issuer().clone(),
            metadata.jwks().clone(),
        )
        .set_allowed_algs(vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256])
        .set_time_fn(move || now)
        .set_issue_time_verifier_fn(move |iat| {
            if iat > now + IAT_SKEW {
                Err(format!("issued in the future ({iat})"))
            } else if iat < now - IAT_MAX_AGE {
                Err(format!("issued too long ago ({iat})"))
            } else {
                Ok(())
            }
        });
        let claims = token.claims(&verifier, nonce)?;
        let Some((org_id, user_id)) = salesforce_ids(claims.subject().as_str()) else {
            return Ok(Err(Failure::Refused(
                "subject_unrecognised",
                format!(
                    "sub {:?} is not a Salesforce identity URL",
                    claims.subject().as_str()
                ),
            )));
        };
        Ok(Ok(SalesforceIdentity {
            environment,
            salesforce_org_id: org_id,
            salesforce_user_id: user_id,
            email: claims.email().and_then(|e| Email::parse(e.as_str()).ok()),
            email_verified: claims.email_verified() == Some(true),
        }))
    }
}

/// The audited code of a failed ID-token check.
fn claims_code(error: &ClaimsVerificationError) -> &'static str {
    match error {
        ClaimsVerificationError::Expired(_) => "id_token_expired",
        ClaimsVerificationError::InvalidAudience(_) => "audience_mismatch",
        ClaimsVerificationError::InvalidIssuer(_) => "issuer_mismatch",
        ClaimsVerificationError::InvalidNonce(_) => "nonce_mismatch",
        ClaimsVerificationError::SignatureVerification(_) => "signature_invalid",
        _ => "id_token_invalid",
    }
}

/// The Salesforce org and user ids of an identity URL subject,
/// `https://login.salesforce.com/id/{org id}/{user id}`.
fn salesforce_ids(subject: &str) -> Option<(String, String)> {
    let path = subject.split(['?', '#']).next()?;
    let mut parts = path.trim_end_matches('/').rsplit('/');
    let user = parts.next()?;
    let org = parts.next()?;
    let valid =
        |id: &str| (15..=18).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric());
    (parts.next()? == "id" && valid(org) && valid(user)).then(|| (org.to_owned(), user.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::salesforce_ids;

    #[test]
    fn the_ids_come_from_the_identity_url() {
        assert_eq!(
            salesforce_ids("https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P"),
            Some(("00Dx0000000BV7z".into(), "005x00000012Q9P".into()))
        );
        assert_eq!(salesforce_ids("005x00000012Q9P"), None);
        assert_eq!(
            salesforce_ids("https://x/idx/00Dx0000000BV7z/005x00000012Q9P"),
            None
        );
        assert_eq!(salesforce_ids("https://x/id/00D/005x00000012Q9P"), None);
    }
}
