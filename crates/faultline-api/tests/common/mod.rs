//! An App in a temporary data directory with a fixed clock, sequential ids and a collecting
//! sink, on the demo plant's assets (and, when asked, its work orders and catalogue).

#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use faultline_api::{App, AppOptions, CollectingSink};
use faultline_core::{FixedClock, SequentialIds};
use faultline_manuals::extract::WorkerCommand;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The project root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn demo_dir() -> PathBuf {
    repo().join("assets/demo")
}

/// This crate's extraction worker binary.
pub fn worker() -> WorkerCommand {
    WorkerCommand {
        exe: PathBuf::from(env!("CARGO_BIN_EXE_faultline-api-worker")),
        args_before: Vec::new(),
    }
}

pub struct TestApp {
    pub app: App,
    pub sink: Arc<CollectingSink>,
    pub clock: Arc<FixedClock>,
    pub dir: tempfile::TempDir,
}

/// A fresh App; `files` are demo CSVs (by name, e.g. "assets") imported before it opens.
pub fn open(files: &[&str]) -> Result<TestApp, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
            .single()
            .ok_or("bad time")?,
    ));
    let ids = Arc::new(SequentialIds::default());
    {
        let mut store = faultline_core::Store::open_with(dir.path(), clock.clone(), ids.clone())?;
        for name in files {
            let demo = demo_dir();
            store.import_csv(
                &demo.join(format!("{name}.toml")),
                &demo.join(format!("{name}.csv")),
            )?;
        }
    }
    let mut options = AppOptions::new("9.9.9", worker());
    options.clock = Some((clock.clone(), ids));
    options.sync.automatic = false;
    let sink = Arc::new(CollectingSink::default());
    let app = App::open(dir.path(), options, sink.clone());
    Ok(TestApp {
        app,
        sink,
        clock,
        dir,
    })
}

impl TestApp {
    /// `App::call`, with the ErrorBody as a test error.
    pub fn call(&self, command: &str, args: Value) -> Result<Value, Box<dyn std::error::Error>> {
        self.app
            .call(command, args)
            .map_err(|e| format!("{command}: {:?} {}", e.code, e.message).into())
    }

    /// The id of the asset with this tag.
    pub fn asset_id(&self, tag: &str) -> Result<String, Box<dyn std::error::Error>> {
        let a = self.call("asset_by_tag", serde_json::json!({ "tag": tag }))?;
        Ok(a["id"].as_str().ok_or("no such asset")?.to_string())
    }
}

/// A fresh App with its background work started as the window starts it; returns once the
/// library's recovery built the (empty) index, with the sink cleared.
pub fn open_started(files: &[&str]) -> Result<TestApp, Box<dyn std::error::Error>> {
    let t = open(files)?;
    t.app.start_background();
    wait_for(&t.sink, "the first index build", |events| {
        events
            .iter()
            .any(|e| matches!(e, faultline_api::AppEvent::IndexRebuild(r) if r.finished))
    })?;
    t.sink.clear();
    Ok(t)
}

/// Waits (up to a minute) until `done` holds for the events so far.
pub fn wait_for(
    sink: &CollectingSink,
    what: &str,
    done: impl Fn(&[faultline_api::AppEvent]) -> bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < until {
        if done(&sink.events()) {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Err(format!("timed out waiting for {what}; events: {:?}", sink.events()).into())
}

/// The demo's VX-300 drive manual (a real PDF the project writes itself).
pub fn demo_pdf() -> PathBuf {
    demo_dir().join("manuals/vantor-vx300-instruction-manual.pdf")
}
