//! The Connect walkthrough (C1–C5, W2, W3) and the user-mapping sheet (M1–M3).

use super::auth::{authorize, authorize_state_changing_get};
use crate::blocking::connect_step;
use crate::{ApiError, AppState, upload};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use tessera_core::{ConnectionMode, WorkspaceName};
use tessera_policy::Actor;
use tessera_service::connect::{IdpDetails, MappingExport, Walkthrough};

/// The values an IdP admin pastes into the IdP, for the org `ws`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SpValues {
    /// Where the IdP posts SAML responses.
    pub acs_url: String,
    /// Our SAML entity id (the SP metadata URL).
    pub entity_id: String,
    /// SCIM base URL.
    pub scim_tenant_url: String,
}

impl SpValues {
    pub(crate) fn new(public_url: &str, ws: &WorkspaceName) -> Self {
        Self {
            acs_url: format!("{public_url}/saml/{ws}/acs"),
            entity_id: format!("{public_url}/saml/{ws}/metadata"),
            scim_tenant_url: format!("{public_url}/scim/v2/{ws}"),
        }
    }
}

#[derive(Serialize)]
struct WalkthroughView {
    #[serde(flatten)]
    walkthrough: Walkthrough,
    sp: SpValues,
}

async fn view(
    state: &web::Data<AppState>,
    org: &tessera_store::Org,
) -> Result<HttpResponse, ApiError> {
    let id = org.id;
    let walkthrough = connect_step(state.store.clone(), move |c| c.walkthrough(id)).await?;
    Ok(HttpResponse::Ok().json(WalkthroughView {
        walkthrough,
        sp: SpValues::new(&state.public_url, &org.name),
    }))
}

/// `GET …/connection`: where the walkthrough stands and the values to paste.
pub(crate) async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    view(&state, &admin.org).await
}

/// The body of `PUT …/connection/mode`.
#[derive(Deserialize)]
pub(crate) struct ModeBody {
    mode: ConnectionMode,
}

/// `PUT …/connection/mode`: start the walkthrough in jit or scim mode (C1, W2, W3).
pub(crate) async fn set_mode(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<ModeBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let (now, id, mode, by) = (
        state.clock.now(),
        admin.org.id,
        body.mode,
        Actor::User(admin.user),
    );
    connect_step(state.store.clone(), move |c| c.set_mode(id, mode, by, now)).await?;
    view(&state, &admin.org).await
}

/// `GET …/mapping-sheet`: download the sheet (M1); the walkthrough moves on. A browser
/// session must send it from this server's pages (see [`authorize_state_changing_get`]).
pub(crate) async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize_state_changing_get(&req, &state, &path).await?;
    let (now, id, by) = (state.clock.now(), admin.org.id, Actor::User(admin.user));
    let sheet = connect_step(state.store.clone(), move |c| c.export_mapping(id, by, now)).await?;
    Ok(xlsx_response(sheet))
}

/// The sheet as an attachment.
pub(crate) fn xlsx_response(sheet: MappingExport) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", sheet.file_name),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(sheet.bytes)
}

/// The query of `POST …/mapping-sheet`.
#[derive(Deserialize)]
pub(crate) struct UploadQuery {
    file_name: Option<String>,
    #[serde(default)]
    dry_run: bool,
}

/// `POST …/mapping-sheet[?dry_run=true]`: upload the filled-in sheet (M2, M3), as
/// multipart/form-data or as the raw body named by `Content-Disposition` or
/// `?file_name=`. A refused sheet answers 422 with every problem; nothing is applied.
/// The caller is checked before the body is read; the sheet is parsed on the blocking pool.
pub(crate) async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let read = uploaded_file(&req, payload, state.body_limit, query.file_name.as_deref());
    let (file_name, bytes) = upload::within_deadline(read).await?;
    let (now, id, dry_run, by) = (
        state.clock.now(),
        admin.org.id,
        query.dry_run,
        Actor::User(admin.user),
    );
    let outcome = connect_step(state.store.clone(), move |c| {
        c.import_mapping(id, &file_name, &bytes, dry_run, by, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(outcome))
}

/// The file of an upload request: its one multipart file, or the raw body named by
/// `named` or the `Content-Disposition` filename.
async fn uploaded_file(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
    named: Option<&str>,
) -> Result<(String, Vec<u8>), ApiError> {
    if upload::form_data_type(req).is_some() {
        return upload::Form::open(req, payload, limit)?.file().await;
    }
    let disposition = req
        .headers()
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| upload::parameter(v, "filename"));
    let name = named.map(str::to_owned).or(disposition).ok_or_else(|| {
        ApiError::BadRequest(
            "name the file: send multipart/form-data, a Content-Disposition header with a filename, or ?file_name=".into(),
        )
    })?;
    Ok((name, upload::raw(payload, limit).await?))
}

/// The body of `PUT …/connection/idp`: metadata, or the three values by hand.
#[derive(Deserialize)]
pub(crate) struct IdpBody {
    metadata_xml: Option<String>,
    entity_id: Option<String>,
    sso_url: Option<String>,
    certificate: Option<String>,
}

impl IdpBody {
    /// Checks the details (W2 is checked when storing).
    pub(crate) fn details(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<IdpDetails, ApiError> {
        let details = match (
            given(&self.metadata_xml),
            given(&self.entity_id),
            given(&self.sso_url),
            given(&self.certificate),
        ) {
            (Some(xml), None, None, None) => IdpDetails::from_metadata(xml, now),
            (None, Some(entity_id), Some(sso_url), Some(certificate)) => {
                IdpDetails::from_parts(entity_id, sso_url, certificate, now)
            }
            _ => {
                return Err(ApiError::BadRequest(
                    "give either metadata_xml, or entity_id, sso_url and certificate".into(),
                ));
            }
        };
        Ok(details?)
    }
}

/// `PUT …/connection/idp`: the IdP's metadata or details, validated (W2: one entity id
/// belongs to one org).
pub(crate) async fn set_idp(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<IdpBody>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let now = state.clock.now();
    let details = body.details(now)?;
    let (id, by) = (admin.org.id, Actor::User(admin.user));
    connect_step(state.store.clone(), move |c| {
        c.set_idp(id, &details, by, now)
    })
    .await?;
    view(&state, &admin.org).await
}

/// `POST …/connection/scim-token`: the tenant URL and a token shown once (C3); calling
/// again rotates it and the old token stops working.
pub(crate) async fn scim_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let (now, id, by) = (state.clock.now(), admin.org.id, Actor::User(admin.user));
    let token = connect_step(state.store.clone(), move |c| {
        c.issue_scim_token(id, by, now)
    })
    .await?;
    let tenant_url = SpValues::new(&state.public_url, &admin.org.name).scim_tenant_url;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "tenant_url": tenant_url, "token": token })))
}

/// `POST …/connection/complete`: go live (C4: nobody is logged out; C5).
pub(crate) async fn complete(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let admin = authorize(&req, &state, &path).await?;
    let (now, id, by) = (state.clock.now(), admin.org.id, Actor::User(admin.user));
    connect_step(state.store.clone(), move |c| c.complete(id, by, now)).await?;
    view(&state, &admin.org).await
}

/// A field that was sent and is not blank.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}
