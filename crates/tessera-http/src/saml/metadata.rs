//! `GET /saml/{ws}/metadata`: our SP metadata for the org's IdP to import.

use crate::{ApiError, AppState};
use actix_web::{HttpResponse, web};
use tessera_core::WorkspaceName;

/// The SP metadata XML (entity id, ACS URL, NameID formats, certificates).
pub(crate) async fn show(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let not_found = || ApiError::NotFound(format!("no org is named {:?}", path.as_str()));
    let ws = WorkspaceName::parse(&path).map_err(|_| not_found())?;
    let store = state.store.clone();
    let name = ws.clone();
    let exists = web::block(move || store.org(&name))
        .await
        .map_err(|_| ApiError::Unavailable)?;
    match exists {
        Ok(_) => {}
        Err(tessera_store::StoreError::OrgNotFound { .. }) => return Err(not_found()),
        Err(error) => return Err(error.into()),
    }
    let sp = state
        .saml
        .service
        .service_provider(&ws)
        .map_err(|_| ApiError::Unavailable)?;
    Ok(HttpResponse::Ok()
        .content_type("application/samlmetadata+xml")
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"tessera-{ws}-metadata.xml\""),
        ))
        .body(tessera_saml::sp_metadata(&sp)))
}
