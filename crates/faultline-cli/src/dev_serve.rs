//! `faultline dev-serve`: the App's commands over HTTP and its events as a server-sent event
//! stream, on 127.0.0.1 only, for `npm run dev` in a plain browser (vite proxies `/api` here;
//! docs/ipc.md). By default it serves a throw-away copy of the demo plant, built the way
//! `make demo` builds it and deleted when it stops; `--data-dir` serves that replica instead.

use crate::dev_serve_routes::{router, Served};
use crate::print::Printer;
use faultline_api::{App, AppEvent, AppOptions, EventSink, SyncSettings};
use faultline_core::{CoreError, Store};
use faultline_manuals::extract::WorkerCommand;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::broadcast;

type Result<T> = std::result::Result<T, CoreError>;

/// Events a slow browser tab may fall behind by before it is told to reload everything.
const EVENT_BACKLOG: usize = 256;

/// Carries every App event to the open `/api/events` streams as its JSON text.
struct BroadcastSink(broadcast::Sender<String>);

impl EventSink for BroadcastSink {
    fn emit(&self, event: &AppEvent) {
        match serde_json::to_string(event) {
            // No open stream is no error: the event is for whoever listens now.
            Ok(json) => drop(self.0.send(json)),
            Err(e) => tracing::warn!("an app event could not be encoded: {e}"),
        }
    }
}

/// Where dev-serve's replica lives: a temporary directory (removed on drop) or the one given.
enum Replica {
    Throwaway(tempfile::TempDir),
    Given(PathBuf),
}

impl Replica {
    fn path(&self) -> &Path {
        match self {
            Replica::Throwaway(t) => t.path(),
            Replica::Given(p) => p,
        }
    }
}

/// A fresh replica of the demo plant in a temporary directory: its CSVs and guides imported and
/// its manuals extracted and indexed, as `faultline demo-load` (what `make demo` runs) does.
fn throwaway_demo(demo: &Path) -> Result<Replica> {
    let dir = tempfile::Builder::new()
        .prefix("faultline-dev-serve-")
        .tempdir()
        .map_err(|e| CoreError::io("cannot create a temporary directory", e))?;
    let mut store = Store::open(dir.path())?;
    faultline_core::demo::load_demo(&mut store, demo)?;
    crate::guides::import_demo(&mut store, &Printer { json: false }, demo)?;
    // Its notes (one line per manual) go to stderr: stdout carries the URL.
    crate::manuals::add_demo_manuals(dir.path(), store, &Printer { json: false }, demo)?;
    Ok(Replica::Throwaway(dir))
}

/// Runs dev-serve until Ctrl-C (or SIGTERM); `data_dir` is the global `--data-dir`.
pub fn dev_serve(data_dir: Option<PathBuf>, port: u16, demo: &Path) -> Result<()> {
    let replica = match data_dir {
        Some(d) => Replica::Given(d),
        None => throwaway_demo(demo)?,
    };
    let worker = WorkerCommand::current_exe()
        .map_err(|e| CoreError::io("cannot find the faultline binary", e))?;
    let (events, _) = broadcast::channel(EVENT_BACKLOG);
    // As the window opens it: sync settings from the environment, background work started
    // (manual recovery and index rebuild, the sync runner behind "Sync now").
    let options = AppOptions {
        sync: SyncSettings::from_env(),
        ..AppOptions::new(env!("CARGO_PKG_VERSION"), worker)
    };
    let app = App::open(
        replica.path(),
        options,
        Arc::new(BroadcastSink(events.clone())),
    );
    app.start_background();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CoreError::io("cannot start the HTTP server's runtime", e))?;
    let served = Served {
        app: Arc::new(app),
        events,
    };
    let result = runtime.block_on(serve(served, port, replica.path()));
    // Open event streams never end by themselves: do not wait for them.
    runtime.shutdown_background();
    result
}

async fn serve(served: Served, port: u16, replica: &Path) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|e| CoreError::io(format!("cannot listen on 127.0.0.1:{port}"), e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| CoreError::io("cannot read the listening address", e))?;
    eprintln!("dev-serve: replica in {}", replica.display());
    // One line on stdout, the URL, so scripts and tests can read it.
    println!("http://{addr}");
    eprintln!("dev-serve: `npm run dev` in ui/ proxies /api here; Ctrl-C stops (a throw-away replica is deleted)");
    let server = axum::serve(listener, router(served));
    tokio::select! {
        r = server => r.map_err(|e| CoreError::io("the HTTP server stopped", e)),
        () = stop_signal() => Ok(()),
    }
}

/// Ctrl-C, or SIGTERM on Unix (what `kill` and process managers send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
