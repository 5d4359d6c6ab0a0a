//! dev-serve's HTTP routes (docs/ipc.md, "dev-serve"): `POST /api/call/{command}` runs
//! `App::call` with the JSON body as the arguments, `POST /api/bytes/{command}` runs
//! `App::call_bytes`, `GET /api/events` streams every `AppEvent` as one SSE `data:` line of JSON.
//! A failed command answers its ErrorBody with an HTTP status for its code; an unknown command
//! answers 404 with an `invalid_input` ErrorBody. Only requests addressed to the loopback name
//! (Host header) with a JSON body are served, so a web page elsewhere cannot drive it.

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use faultline_api::{App, AppEvent, CommandKind, DataKind, ErrorBody, COMMANDS};
use faultline_core::ErrorCode;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast;

/// What every route shares: the App and the event fan-out its sink feeds.
#[derive(Clone)]
pub struct Served {
    pub app: Arc<App>,
    pub events: broadcast::Sender<String>,
}

pub fn router(served: Served) -> Router {
    Router::new()
        .route("/api/call/{command}", post(call))
        .route("/api/bytes/{command}", post(call_bytes))
        .route("/api/events", get(events))
        .layer(middleware::from_fn(loopback_only))
        .with_state(served)
}

/// The HTTP status a failed command answers with.
fn status(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::InvalidState => StatusCode::CONFLICT,
        ErrorCode::ImportFailed => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Storage => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::HubUnreachable => StatusCode::BAD_GATEWAY,
        ErrorCode::HubRefused => StatusCode::BAD_GATEWAY,
    }
}

fn failure(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        code,
        message: message.into(),
    };
    (status, Json(body)).into_response()
}

fn answer_error(e: ErrorBody) -> Response {
    (status(e.code), Json(e)).into_response()
}

/// Refuses requests whose Host is not the loopback (DNS rebinding) and POSTs without a JSON body
/// (a cross-site form cannot send one without the browser asking first, and dev-serve never
/// answers that question).
async fn loopback_only(request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !is_loopback_host(host) {
        return failure(
            StatusCode::FORBIDDEN,
            ErrorCode::InvalidInput,
            format!("dev-serve answers only requests to 127.0.0.1 or localhost, not {host:?}"),
        );
    }
    if request.method() == axum::http::Method::POST && !body_kind_ok(request.headers()) {
        return failure(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::InvalidInput,
            "send the arguments as JSON (content-type: application/json)",
        );
    }
    next.run(request).await
}

/// `127.0.0.1`, `localhost` or `[::1]`, with or without a port.
pub fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().map(|h| format!("[{h}]")),
        None => host.split(':').next().map(str::to_owned),
    };
    matches!(
        name.as_deref().map(str::to_ascii_lowercase).as_deref(),
        Some("127.0.0.1" | "localhost" | "[::1]")
    )
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn body_kind_ok(headers: &HeaderMap) -> bool {
    content_type(headers) == "application/json"
}

fn unknown(command: &str) -> Response {
    failure(
        StatusCode::NOT_FOUND,
        ErrorCode::InvalidInput,
        format!("\"{command}\" is not a command of this app"),
    )
}

/// The answer for a command sent to the wrong endpoint or unknown; `None` when it is `wanted`.
fn misrouted(command: &str, wanted: CommandKind) -> Option<Response> {
    let kind = COMMANDS.iter().find(|c| c.name == command).map(|c| c.kind);
    let (answers, route) = match kind {
        None => return Some(unknown(command)),
        Some(k) if k == wanted => return None,
        Some(CommandKind::Bytes) => ("bytes", "bytes"),
        Some(CommandKind::Json) => ("JSON", "call"),
    };
    Some(failure(
        StatusCode::BAD_REQUEST,
        ErrorCode::InvalidInput,
        format!("\"{command}\" answers {answers}: POST /api/{route}/{command}"),
    ))
}

fn invalid(message: String) -> ErrorBody {
    ErrorBody {
        code: ErrorCode::InvalidInput,
        message,
    }
}

/// The JSON arguments of a call (an empty body is no arguments).
fn arguments(command: &str, body: &Bytes) -> Result<serde_json::Value, ErrorBody> {
    if body.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(body)
        .map_err(|e| invalid(format!("the arguments of \"{command}\" are not JSON: {e}")))
}

/// Runs a blocking App command off the async threads.
async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&App) -> Result<T, ErrorBody> + Send + 'static,
) -> Result<T, ErrorBody> {
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || f(&app))
        .await
        .unwrap_or_else(|e| {
            Err(ErrorBody {
                code: ErrorCode::Storage,
                message: format!("the command stopped unexpectedly: {e}"),
            })
        })
}

async fn call(State(s): State<Served>, Path(command): Path<String>, body: Bytes) -> Response {
    match command.as_str() {
        // The window's own commands: nothing to do, or nothing a browser page can have.
        "ui_ready" => return Json(serde_json::Value::Null).into_response(),
        "pick_folder" => return failure(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidInput,
            "choose files with the file picker in a browser (no folder chooser outside the app)",
        ),
        _ => {}
    }
    if let Some(r) = misrouted(&command, CommandKind::Json) {
        return r;
    }
    let answer = match arguments(&command, &body) {
        Ok(args) => blocking(&s.app, move |app| app.call(&command, args)).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(v) => Json(v).into_response(),
        Err(e) => answer_error(e),
    }
}

async fn call_bytes(State(s): State<Served>, Path(command): Path<String>, body: Bytes) -> Response {
    if let Some(r) = misrouted(&command, CommandKind::Bytes) {
        return r;
    }
    let answer = match arguments(&command, &body) {
        Ok(args) => blocking(&s.app, move |app| app.call_bytes(&command, args)).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(bytes) => ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response(),
        Err(e) => answer_error(e),
    }
}

/// Every App event as it happens; a tab that fell behind is told to reload everything.
async fn events(
    State(s): State<Served>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let stream = futures_util::stream::unfold(s.events.subscribe(), |mut rx| async move {
        let json = match rx.recv().await {
            Ok(json) => json,
            Err(broadcast::error::RecvError::Lagged(_)) => reload_everything(),
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        Some((Ok(Event::default().data(json)), rx))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn reload_everything() -> String {
    serde_json::to_string(&AppEvent::data_changed(&DataKind::ALL)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_are_served() {
        for ok in [
            "127.0.0.1:1421",
            "localhost",
            "LOCALHOST:5173",
            "[::1]:1421",
            "127.0.0.1",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example:1421",
            "127.0.0.1.evil.example",
            "localhost.evil",
            "[::2]:80",
            "10.0.0.1",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn a_lagging_tab_reloads_every_kind() -> Result<(), serde_json::Error> {
        let v: serde_json::Value = serde_json::from_str(&reload_everything())?;
        assert_eq!(v["event"], "data_changed");
        assert_eq!(
            v["payload"]["what"].as_array().map(Vec::len),
            Some(DataKind::ALL.len())
        );
        assert!(v["payload"]["what"]
            .as_array()
            .is_some_and(|w| w.contains(&serde_json::json!("production"))));
        Ok(())
    }
}
