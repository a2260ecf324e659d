//! The admin's operations: the IdP's pinned certificates (rotation without an
//! outage), expiry warnings and diagnostics.

use super::auth::authorize;
use super::connect::SpValues;
use crate::blocking::{blocking, connect_step};
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tessera_core::{OrgId, WorkspaceName};
use tessera_policy::Actor;
use tessera_service::ServiceResult;
use tessera_service::connect::{ConnectService, IdpSummary};
use tessera_service::diagnostics::{Diagnostics, DiagnosticsService, SpEndpoints};
use tessera_service::expiry::ExpiryWarning;
use tessera_store::Store;

/// The org's IdP with its certificates, and the expiry warnings.
#[derive(Serialize)]
pub(crate) struct IdpView {
    idp: IdpSummary,
    warnings: Vec<ExpiryWarning>,
}

/// The org's expiry warnings at the state's clock.
pub(crate) fn warnings(
    state: &AppState,
    store: &Store,
    org: OrgId,
) -> ServiceResult<Vec<ExpiryWarning>> {
    let (policy, sp_certificate) = &state.expiry;
    ConnectService::new(store).expiry_warnings(org, Some(sp_certificate), policy, state.clock.now())
}

/// The org's diagnostics, with hints naming its SP values.
pub(crate) fn diagnostics(
    state: &AppState,
    store: &Store,
    org: OrgId,
    ws: &WorkspaceName,
) -> ServiceResult<Diagnostics> {
    let sp = SpValues::new(&state.public_url, ws);
    let endpoints = SpEndpoints {
        entity_id: sp.entity_id,
        acs_url: sp.acs_url,
    };
    // This server's waiting SCIM lines first, so a report shows every request it answered.
    state.scim_lines.flush(store, &state.diagnostics)?;
    DiagnosticsService::new(store).report(org, &endpoints)
}

async fn idp_view(state: &web::Data<AppState>, org: OrgId) -> Result<IdpView, ApiError> {
    let shared = state.clone();
    blocking(move || -> ServiceResult<IdpView> {
        let store = shared.store.clone();
        Ok(IdpView {
            idp: ConnectService::new(&store).idp(org)?,
            warnings: warnings(&shared, &store, org)?,
        })
    })
    .await
}

/// `GET …/idp`: the IdP's details and pinned certificates, with expiry warnings.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    Ok(HttpResponse::Ok().json(idp_view(&state, admin.org.id).await?))
}

/// The body of `POST …/idp/certificates`.
#[derive(Deserialize)]
pub(crate) struct CertificateBody {
    /// PEM, or the bare base64 of the certificate.
    certificate: String,
}

/// `POST …/idp/certificates`: pin one more signing certificate (201).
pub(crate) async fn add_certificate(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<CertificateBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let (now, id, by) = (state.clock.now(), admin.org.id, Actor::User(admin.user));
    let pem = body.into_inner().certificate;
    connect_step(state.store.clone(), move |c| {
        c.add_idp_certificate(id, &pem, by, now)
    })
    .await?;
    Ok(HttpResponse::Created().json(idp_view(&state, id).await?))
}

/// `DELETE …/idp/certificates/{sha256}`: unpin a certificate (never the last one).
pub(crate) async fn remove_certificate(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (ws, fingerprint) = path.into_inner();
    let admin = authorize(&req, &state, &ws).await?;
    let (now, id, by) = (state.clock.now(), admin.org.id, Actor::User(admin.user));
    connect_step(state.store.clone(), move |c| {
        c.remove_idp_certificate(id, &fingerprint, by, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(idp_view(&state, id).await?))
}

/// The answer of `GET …/warnings`.
#[derive(Serialize)]
struct WarningsView {
    warnings: Vec<ExpiryWarning>,
}

/// `GET …/warnings`: IdP certificates, the SP certificate and the SCIM token within
/// 30, 7 or 1 days of expiry, or expired.
pub(crate) async fn expiry(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let (shared, id) = (state.clone(), admin.org.id);
    let warnings = blocking(move || warnings(&shared, &shared.store, id)).await?;
    Ok(HttpResponse::Ok().json(WarningsView { warnings }))
}

/// `GET …/diagnostics`: the last SCIM requests and SAML logins (with fix hints),
/// pending users and memberships waiting for a user.
pub(crate) async fn show_diagnostics(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let (shared, id, ws) = (state.clone(), admin.org.id, admin.org.name.clone());
    let report = blocking(move || diagnostics(&shared, &shared.store, id, &ws)).await?;
    Ok(HttpResponse::Ok().json(report))
}
