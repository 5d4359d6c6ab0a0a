//! `GET {href}` on one work order ("Querying a resource": the record at its `href`, with
//! `lean=1`, `_rowstamp` and `href` as on every object) — what the probe reads its test work
//! order back with. `oslc.select` is not applied: the whole record is answered.

use super::{gate, pause, wo_index, Shared};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

pub(crate) async fn read_one(
    State(s): State<Shared>,
    Path(id): Path<usize>,
    headers: HeaderMap,
) -> Response {
    pause(&s).await;
    let mut f = s.lock().unwrap();
    if let Some(r) = gate(&mut f, &headers) {
        return r;
    }
    match wo_index(&f, id) {
        Ok(i) => (StatusCode::OK, Json(f.wos[i].clone())).into_response(),
        Err(r) => *r,
    }
}
