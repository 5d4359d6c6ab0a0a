//! `faultline dev-serve` end to end: the real binary on an ephemeral port over a throw-away copy
//! of the demo plant — JSON calls and their ErrorBody answers, the SSE event stream after a
//! write, every name in `COMMANDS` routed (the dev-serve half of the command-set contract), the
//! loopback and content-type guards, and the throw-away replica deleted on SIGTERM.

use faultline_api::{CommandKind, COMMANDS};
use reqwest::blocking::{Client, Response};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A running dev-serve; killed (if still running) when dropped.
struct DevServe {
    child: Child,
    url: String,
    /// Its stderr lines, as they come.
    stderr: Receiver<String>,
}

impl Drop for DevServe {
    /// SIGTERM first, so that dev-serve deletes its throw-away replica; SIGKILL if it hangs.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(stream: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn start() -> Result<DevServe, Box<dyn std::error::Error>> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["dev-serve", "--port", "0", "--demo"])
        .arg(&demo)
        .env_remove("FAULTLINE_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stdout = lines(child.stdout.take().ok_or("no stdout")?);
    let stderr = lines(child.stderr.take().ok_or("no stderr")?);
    let mut server = DevServe {
        child,
        url: String::new(),
        stderr,
    };
    // The demo plant is imported and its manuals indexed first: allow for a slow machine.
    server.url = stdout
        .recv_timeout(Duration::from_secs(120))
        .map_err(|_| "dev-serve printed no URL")?;
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "{}",
        server.url
    );
    Ok(server)
}

impl DevServe {
    fn post(&self, path: &str, body: &Value) -> Result<Response, reqwest::Error> {
        Client::new()
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
    }

    /// A JSON call: the HTTP status and the JSON answer.
    fn call(&self, command: &str, args: Value) -> Result<(u16, Value), Box<dyn std::error::Error>> {
        let r = self.post(&format!("/api/call/{command}"), &args)?;
        Ok((r.status().as_u16(), r.json()?))
    }

    /// The replica dev-serve announced on stderr.
    fn replica(&self) -> Result<PathBuf, Box<dyn std::error::Error>> {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(line) = self.stderr.recv_timeout(Duration::from_millis(200)) {
                if let Some(p) = line.strip_prefix("dev-serve: replica in ") {
                    return Ok(PathBuf::from(p));
                }
            }
        }
        Err("dev-serve named no replica".into())
    }
}

fn asset_id(server: &DevServe, tag: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (status, asset) = server.call("asset_by_tag", json!({ "tag": tag }))?;
    assert_eq!(status, 200, "{asset}");
    Ok(asset["id"]
        .as_str()
        .ok_or("the asset has no id")?
        .to_owned())
}

#[test]
fn calls_answer_json_and_failures_their_error_body() -> TestResult {
    let server = start()?;
    let (status, assets) = server.call("find_assets", json!({ "query": "VFD-202" }))?;
    assert_eq!(status, 200, "{assets}");
    assert_eq!(assets[0]["tag"], "VFD-202", "{assets}");
    // No arguments at all is an empty object.
    let r = Client::new()
        .post(format!("{}/api/call/app_info", server.url))
        .header("content-type", "application/json")
        .send()?;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.json::<Value>()?["assets"].as_u64().unwrap_or(0) > 0);

    // A byte answer: a demo manual's PDF.
    let (status, manuals) = server.call("manuals_list", json!({}))?;
    assert_eq!(status, 200, "{manuals}");
    let manual = manuals[0]["id"].as_str().ok_or("no demo manual")?;
    let r = server.post("/api/bytes/manual_pdf", &json!({ "manual_id": manual }))?;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes()?.starts_with(b"%PDF"));

    // The demo guides are there: Diagnose on VFD-202 with OC1 walks the authored VX-300 guide.
    let vfd = asset_id(&server, "VFD-202")?;
    let (status, d) = server.call("diagnose", json!({ "asset_id": vfd, "codes": ["OC1"] }))?;
    assert_eq!(status, 200, "{d}");
    assert_eq!(
        (d["guide"]["id"].as_str(), d["generated"].as_bool()),
        (Some("VX300-OC1"), Some(false)),
        "{}",
        d["guide"]
    );

    let (status, e) = server.call("work_order", json!({ "work_order_id": "not-an-id" }))?;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("invalid_input")),
        "{e}"
    );
    let (status, e) = server.call(
        "asset_page",
        json!({ "asset_id": "01890000-0000-7000-8000-000000000000" }),
    )?;
    assert_eq!(
        (status, e["code"].as_str()),
        (404, Some("not_found")),
        "{e}"
    );
    let (status, e) = server.call("pick_folder", json!({}))?;
    assert_eq!(status, 400);
    assert!(
        e["message"].as_str().unwrap_or("").contains("file picker"),
        "{e}"
    );
    let (status, e) = server.call("ui_ready", json!({}))?;
    assert_eq!((status, e), (200, Value::Null));
    let (status, e) = server.call("find_assets", json!("not an object"))?;
    assert_eq!(
        (status, e["code"].as_str()),
        (400, Some("invalid_input")),
        "{e}"
    );
    Ok(())
}

#[test]
fn a_write_is_heard_on_the_event_stream() -> TestResult {
    let server = start()?;
    let asset = asset_id(&server, "VFD-202")?;
    // The stream is subscribed once its headers are here.
    let stream = Client::builder()
        .timeout(None::<Duration>)
        .build()?
        .get(format!("{}/api/events", server.url))
        .send()?;
    assert_eq!(stream.status().as_u16(), 200);
    assert!(stream
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .starts_with("text/event-stream"));
    let events = lines(stream);

    let breakdown = json!({ "input": {
        "asset_id": asset, "fault_code": "E.OC1", "symptom": "trips on start",
        "note": null, "machine_stopped": true, "stopped_at": null,
        "confirm_old_stop": false, "priority": 2, "author": "dev-serve test",
    }});
    let (status, wo) = server.call("log_breakdown", breakdown)?;
    assert_eq!(status, 200, "{wo}");
    assert_eq!(wo["summary"]["title"], "trips on start", "{wo}");

    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let Ok(line) = events.recv_timeout(Duration::from_millis(500)) else {
            continue;
        };
        let Some(data) = line.strip_prefix("data:") else {
            continue;
        };
        let event: Value = serde_json::from_str(data.trim())?;
        if event["event"] == "data_changed" {
            let what = event["payload"]["what"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(what.contains(&json!("work_orders")), "{event}");
            return Ok(());
        }
    }
    Err("no data_changed event after logging a breakdown".into())
}

#[test]
fn every_command_routes_and_an_unknown_one_is_refused() -> TestResult {
    let server = start()?;
    for c in COMMANDS {
        let (route, other) = match c.kind {
            CommandKind::Json => ("call", "bytes"),
            CommandKind::Bytes => ("bytes", "call"),
        };
        // Empty arguments: most commands refuse them, none is unknown.
        let r = server.post(&format!("/api/{route}/{}", c.name), &json!({}))?;
        let status = r.status().as_u16();
        if c.kind == CommandKind::Bytes && status == 200 {
            continue;
        }
        let body: Value = r.json()?;
        assert!(
            !(status == 404 && body["code"] == "invalid_input"),
            "{} is not routed: {body}",
            c.name
        );
        // The other endpoint says where to go.
        let r = server.post(&format!("/api/{other}/{}", c.name), &json!({}))?;
        assert_eq!(r.status().as_u16(), 400, "{} on /api/{other}", c.name);
    }
    for route in ["call", "bytes"] {
        let r = server.post(&format!("/api/{route}/drop_everything"), &json!({}))?;
        assert_eq!(r.status().as_u16(), 404);
        let body: Value = r.json()?;
        assert_eq!(body["code"], "invalid_input", "{body}");
        assert!(body["message"]
            .as_str()
            .unwrap_or("")
            .contains("drop_everything"));
    }
    Ok(())
}

#[test]
fn only_loopback_json_requests_are_served() -> TestResult {
    let server = start()?;
    let url = format!("{}/api/call/app_info", server.url);
    // DNS rebinding: a page of another site resolved to 127.0.0.1.
    let r = Client::new()
        .post(&url)
        .header("host", "evil.example:1421")
        .json(&json!({}))
        .send()?;
    assert_eq!(r.status().as_u16(), 403);
    // A cross-site form post (text/plain: no CORS preflight) is refused.
    let r = Client::new()
        .post(&url)
        .header("content-type", "text/plain")
        .body("{}")
        .send()?;
    assert_eq!(r.status().as_u16(), 415);
    let r = Client::new()
        .post(&url)
        .header("host", "localhost:5173")
        .json(&json!({}))
        .send()?;
    assert_eq!(r.status().as_u16(), 200);
    Ok(())
}

#[cfg(unix)]
#[test]
fn sigterm_stops_it_and_deletes_the_throwaway_replica() -> TestResult {
    let mut server = start()?;
    let replica = server.replica()?;
    assert!(
        replica.join("faultline.db").exists(),
        "{}",
        replica.display()
    );
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()?;
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.child.try_wait()?.is_none() {
        assert!(
            Instant::now() < deadline,
            "dev-serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!replica.exists(), "{} is still there", replica.display());
    Ok(())
}
