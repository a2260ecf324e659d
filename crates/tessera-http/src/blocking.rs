//! Blocking work (the database, libxmlsec1) off the async worker threads.

use crate::ApiError;
use actix_web::web;
use tessera_service::ServiceResult;
use tessera_service::connect::ConnectService;
use tessera_store::Store;

/// Runs `work` on the blocking thread pool; a pool failure is answered as 503.
pub(crate) async fn blocking<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    E: Into<ApiError> + Send + 'static,
{
    web::block(work)
        .await
        .map_err(|_| ApiError::Unavailable)?
        .map_err(Into::into)
}

/// Runs a step of the Connect walkthrough service over `store` on the blocking pool.
pub(crate) async fn connect_step<T: Send + 'static>(
    store: Store,
    step: impl FnOnce(ConnectService<'_>) -> ServiceResult<T> + Send + 'static,
) -> Result<T, ApiError> {
    blocking(move || step(ConnectService::new(&store))).await
}
