//! Who is calling: an admin API token (`Authorization: Bearer tsr_adm_…`) issued by
//! `tessera-admin api-token`, scoped to one org and one account admin; or, for the
//! admin pages, the signed-in session of an account admin of the org.

pub(crate) use crate::blocking::blocking;
use crate::session::{SignedIn, same_origin};
use crate::{ApiError, AppState};
use actix_web::{HttpRequest, web};
use tessera_core::{Role, UserId, UserStatus, WorkspaceName};
use tessera_store::{Org, StoreError};

/// The org a request acts on and the account admin acting.
pub(crate) struct Admin {
    /// The org named in the path.
    pub org: Org,
    /// The acting account admin.
    pub user: UserId,
}

/// Resolves the caller for the org `ws` named in the path. A caller of another org gets
/// the same 404 as for an org that does not exist, so org names cannot be probed.
pub(crate) async fn authorize(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    ws: &str,
) -> Result<Admin, ApiError> {
    let not_found = || ApiError::NotFound(format!("no org is named {ws:?}"));
    let Some(token) = bearer(req) else {
        return from_session(req, ws).await;
    };
    let name = WorkspaceName::parse(ws).map_err(|_| not_found())?;
    let store = state.store.clone();
    let (owner, org) = blocking(move || {
        let owner = store.admin_token_owner(&token)?;
        let org = match store.org(&name) {
            Ok(org) => Some(org),
            Err(StoreError::OrgNotFound { .. }) => None,
            Err(error) => return Err(error),
        };
        Ok((owner, org))
    })
    .await?;
    let owner = owner.ok_or(ApiError::Unauthorized)?;
    let org = org
        .filter(|org| org.id == owner.org_id)
        .ok_or_else(not_found)?;
    let store = state.store.clone();
    let user = blocking(move || store.user(owner.org_id, owner.user_id)).await?;
    // A token outlives nothing: its admin must still be an active account admin.
    match user {
        Some(user) if user.role == Role::AccountAdmin && user.status != UserStatus::Deactivated => {
            Ok(Admin { org, user: user.id })
        }
        _ => Err(ApiError::Unauthorized),
    }
}

/// As [`authorize`], for the one GET that changes state (the mapping-sheet download
/// records the export and moves the walkthrough on): a signed-in browser must also say,
/// by `Sec-Fetch-Site: same-origin` (or `none`, a typed address), that the request comes
/// from this server's pages, so a cross-site link or image cannot make it. A token
/// caller is not a browser and cannot be made to send one.
pub(crate) async fn authorize_state_changing_get(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    ws: &str,
) -> Result<Admin, ApiError> {
    let admin = authorize(req, state, ws).await?;
    let site = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok());
    if bearer(req).is_none() && !matches!(site, Some("same-origin" | "none")) {
        return Err(ApiError::Forbidden(
            "download the mapping sheet from the Connect page, or with an admin API token".into(),
        ));
    }
    Ok(admin)
}

/// The signed-in account admin of `ws`. A cross-site write is refused: its `Origin` and
/// `Sec-Fetch-Site` (when sent) must say it comes from this server's own pages.
async fn from_session(req: &HttpRequest, ws: &str) -> Result<Admin, ApiError> {
    use actix_web::FromRequest;
    let signed_in = SignedIn::extract(req)
        .await
        .map_err(|_| ApiError::Unauthorized)?;
    if signed_in.org.name.as_str() != ws {
        return Err(ApiError::NotFound(format!("no org is named {ws:?}")));
    }
    if signed_in.user.role != Role::AccountAdmin {
        return Err(ApiError::Forbidden(
            "only an account admin can use the admin API".into(),
        ));
    }
    if req.method() != actix_web::http::Method::GET && !same_origin(req) {
        return Err(ApiError::Forbidden(
            "cross-site requests are refused".into(),
        ));
    }
    Ok(Admin {
        org: signed_in.org,
        user: signed_in.user.id,
    })
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get(actix_web::http::header::AUTHORIZATION)?;
    let value = header.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}
