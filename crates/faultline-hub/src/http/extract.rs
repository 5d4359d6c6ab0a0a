//! Extractors whose rejections are `ApiError` JSON bodies (axum's own are plain text): JSON
//! bodies, path parameters and query strings.

use super::error::ApiFailure;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body of type `T`; a body over the route's limit is 413 too_large, anything that is
/// not JSON of the expected shape is 400 malformed_request with what is wrong.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiFailure;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiFailure> {
        let bytes = Bytes::from_request(req, state).await.map_err(|rej| {
            if rej.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiFailure::too_large(
                    "the request body is larger than the hub accepts (see max_body_bytes in /v1/capabilities): send fewer mutations per push",
                )
            } else {
                ApiFailure::malformed(format!("the request body could not be read: {}", rej.body_text()))
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Reads `bytes` as JSON of type `T`, with a sentence saying what is wrong.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiFailure> {
    serde_json::from_slice(bytes).map_err(|e| {
        use serde_json::error::Category;
        let what = match e.classify() {
            Category::Eof if bytes.iter().all(u8::is_ascii_whitespace) => {
                return ApiFailure::malformed("the request body is empty: send a JSON object");
            }
            Category::Syntax | Category::Eof | Category::Io => "is not valid JSON",
            Category::Data => "does not have the expected fields",
        };
        ApiFailure::malformed(format!("the request body {what}: {e}"))
    })
}

/// Path parameters; a value that cannot be read is 400 malformed_request.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiFailure> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|rej| {
                ApiFailure::malformed(format!("the path is not valid: {}", rej.body_text()))
            })
    }
}

/// Query-string parameters; a value that cannot be read is 400 malformed_request.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiFailure> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|rej| {
                ApiFailure::malformed(format!(
                    "the query string is not valid: {}",
                    rej.body_text()
                ))
            })
    }
}
