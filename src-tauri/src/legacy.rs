//! TEMPORARY (issue 10, until ui/src/lib/transport.ts has `SHELL_HAS_CALL = true`): the window's
//! old IPC — one command name per action and one event name per kind — forwarded to the same
//! App, so the UI works before and after its switch to `call`.

use faultline_api::{App, AppEvent, ErrorBody, COMMANDS};
use serde_json::Value;
use tauri::ipc::{Invoke, InvokeBody, InvokeError, Response};
use tauri::{AppHandle, Emitter, Manager};

/// Answers an old per-action invoke (`find_assets`, …) through `App::call`/`call_bytes`
/// (`None`); gives back any other invoke.
pub fn forward(invoke: Invoke) -> Option<Invoke> {
    let command = invoke.message.command().to_string();
    let Some(spec) = COMMANDS.iter().find(|c| c.name == command) else {
        return Some(invoke);
    };
    let bytes = spec.kind == faultline_api::CommandKind::Bytes;
    let handle = invoke.message.webview().app_handle().clone();
    let file_name = invoke
        .message
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode);
    let body = invoke.message.payload().clone();
    invoke.resolver.respond_async(async move {
        tauri::async_runtime::spawn_blocking(move || {
            let app = handle.state::<App>();
            let answer: Result<Response, ErrorBody> = match body {
                InvokeBody::Raw(pdf) => app
                    .add_manual_bytes(file_name.as_deref().unwrap_or("manual.pdf"), &pdf)
                    .and_then(|m| json(&m)),
                InvokeBody::Json(args) if bytes => {
                    app.call_bytes(&command, args).map(Response::new)
                }
                InvokeBody::Json(args) => app.call(&command, args).and_then(|v| json(&v)),
            };
            answer.map_err(|e| InvokeError(serde_json::to_value(e).unwrap_or(Value::Null)))
        })
        .await
        .map_err(|e| InvokeError(Value::String(e.to_string())))?
    });
    None
}

fn json<T: serde::Serialize>(v: &T) -> Result<Response, ErrorBody> {
    serde_json::to_string(v)
        .map(|s| Response::new(tauri::ipc::InvokeResponseBody::Json(s)))
        .map_err(|e| ErrorBody {
            code: faultline_core::ErrorCode::Storage,
            message: format!("the answer could not be encoded: {e}"),
        })
}

/// The old event name and payload of an App event (DataChanged had none).
pub fn emit(handle: &AppHandle, event: &AppEvent) {
    let _ = match event {
        AppEvent::ImportProgress(p) => handle.emit("manuals://progress", p),
        AppEvent::ManualChanged(c) => handle.emit("manuals://changed", c),
        AppEvent::IndexRebuild(r) => handle.emit("index://rebuild", r),
        AppEvent::SyncProgress(p) => handle.emit("sync://progress", p),
        AppEvent::SyncFinished(f) => handle.emit("sync://finished", f),
        AppEvent::DataChanged(_) => Ok(()),
    };
}

/// Decodes `%XX` escapes (the UI sends file names with encodeURIComponent).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
