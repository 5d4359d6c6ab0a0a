//! The one command list, checked: every `COMMANDS` entry is callable (never "not a command"),
//! the generated `commands.ts` names exactly `COMMANDS`, and every command the UI calls is in
//! `COMMANDS` or the window-only list.

use crate::common;

use common::TestResult;
use faultline_api::{CommandKind, COMMANDS, SHELL_ONLY_COMMANDS};
use std::collections::BTreeSet;

fn is_unknown(e: &faultline_api::ErrorBody) -> bool {
    e.message.contains("is not a command of this app")
}

#[test]
fn every_command_is_callable() -> TestResult {
    let t = common::open(&[])?;
    for c in COMMANDS {
        if matches!(c.name, "sync_now" | "sync_enroll" | "manuals_add_files") {
            // They start background work or reach a hub; their own tests call them.
            continue;
        }
        let answer = match c.kind {
            CommandKind::Json => t.app.call(c.name, serde_json::json!({})).map(|_| ()),
            CommandKind::Bytes => t.app.call_bytes(c.name, serde_json::json!({})).map(|_| ()),
        };
        if let Err(e) = answer {
            assert!(!is_unknown(&e), "{}: {}", c.name, e.message);
        }
    }
    let e = t.app.call("no_such_command", serde_json::json!({}));
    assert!(e.is_err_and(|e| is_unknown(&e) && e.code == faultline_core::ErrorCode::InvalidInput));
    Ok(())
}

#[test]
fn wrong_arguments_name_the_command_and_the_field() -> TestResult {
    let t = common::open(&[])?;
    let e = t.app.call("find_assets", serde_json::json!({ "limit": 3 }));
    assert!(
        e.is_err_and(|e| e.code == faultline_core::ErrorCode::InvalidInput
            && e.message.contains("find_assets")
            && e.message.contains("query"))
    );
    let e = t.app.call("photo", serde_json::json!({ "sha256": "x" }));
    assert!(e.is_err_and(|e| e.message.contains("call_bytes")));
    Ok(())
}

/// The names between `COMMAND_NAMES = [` and `]` in the checked-in commands.ts.
fn generated_names(ts: &str) -> BTreeSet<String> {
    let start = ts.find("COMMAND_NAMES = [").unwrap_or(ts.len());
    let body = &ts[start..];
    let end = body.find(']').unwrap_or(body.len());
    body[..end]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn generated_commands_ts_names_exactly_the_commands() -> TestResult {
    let ts = std::fs::read_to_string(common::repo().join("ui/src/lib/bindings/commands.ts"))?;
    let listed: BTreeSet<String> = COMMANDS.iter().map(|c| c.name.to_string()).collect();
    assert_eq!(generated_names(&ts), listed, "run `make bindings`");
    assert_eq!(
        ts,
        faultline_api::bindings::commands_ts(&ts_rs::Config::new()),
        "commands.ts is out of date: run `make bindings`"
    );
    Ok(())
}

/// Command names the UI passes to its transport: the first string argument of `call(`,
/// `call<…>(`, `callBytes(` in ui/src/lib/*.ts (not the generated bindings or tests).
fn ui_command_names() -> Result<BTreeSet<String>, Box<dyn std::error::Error>> {
    let mut names = BTreeSet::new();
    let lib = common::repo().join("ui/src/lib");
    for entry in std::fs::read_dir(&lib)? {
        let path = entry?.path();
        if path.extension().is_none_or(|x| x != "ts") {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        for marker in ["call<", "call(", "callBytes(", "callBytes<"] {
            for (at, _) in text.match_indices(marker) {
                let rest = &text[at + marker.len()..];
                // Skip a type argument, then expect `("name"`.
                let rest = match (marker.ends_with('<'), rest.find('(')) {
                    (true, Some(open)) => &rest[open + 1..],
                    (true, None) => continue,
                    (false, _) => rest,
                };
                let rest = rest.trim_start();
                if let Some(quoted) = rest.strip_prefix('"') {
                    if let Some(end) = quoted.find('"') {
                        let name = &quoted[..end];
                        if !name.is_empty()
                            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        {
                            names.insert(name.to_string());
                        }
                    }
                }
            }
        }
    }
    Ok(names)
}

#[test]
fn every_command_the_ui_calls_exists() -> TestResult {
    let names = ui_command_names()?;
    assert!(
        names.contains("find_assets"),
        "the scan of api.ts found {names:?}"
    );
    let known: BTreeSet<&str> = COMMANDS
        .iter()
        .map(|c| c.name)
        .chain(SHELL_ONLY_COMMANDS.iter().copied())
        .collect();
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| !known.contains(n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "the UI calls commands the App lacks: {missing:?}"
    );
    Ok(())
}
