//! `faultline-bench ipc`: what going through the application API's one entry point costs per
//! call — `App::call` with the arguments as the window sends them (a JSON text parsed to a
//! value) and the answer encoded to the JSON text the window receives — against calling the
//! same typed App method directly, on the demo plant. Tauri's own IPC (webview ↔ process) is
//! not part of it: it is the same for any command set.

use crate::doc;
use crate::percentiles::Samples;
use anyhow::{Context, Result};
use clap::Args;
use faultline_api::args::{AssetPageArgs, FindAssetsArgs, WorkOrderArgs};
use faultline_api::{App, AppOptions, NoSink};
use faultline_manuals::extract::WorkerCommand;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Args)]
pub struct IpcArgs {
    /// Timed calls of each command (after as many untimed ones).
    #[arg(long, default_value_t = 2_000)]
    calls: usize,
    /// The demo plant's CSV folder.
    #[arg(long, default_value = "assets/demo")]
    demo: PathBuf,
    /// Rewrite the ipc section of this markdown file (e.g. docs/benchmarks.md).
    #[arg(long)]
    write_doc: Option<PathBuf>,
}

type Direct<'a> = Box<dyn Fn() -> Result<(), faultline_api::ErrorBody> + 'a>;

struct Case<'a> {
    name: &'static str,
    command: &'static str,
    args: Value,
    direct: Direct<'a>,
    /// The JSON work of one call alone: the argument text parsed into its typed struct, the
    /// typed answer encoded into a value and its text.
    json_work: Box<dyn Fn() -> Result<()> + 'a>,
}

/// The JSON work `App::call` adds to a call of a command taking `A` and answering `answer`.
fn json_work<'a, A, R>(args: &Value, answer: R) -> Box<dyn Fn() -> Result<()> + 'a>
where
    A: serde::de::DeserializeOwned,
    R: serde::Serialize + 'a,
{
    let text = args.to_string();
    Box::new(move || {
        let v: Value = serde_json::from_str(&text)?;
        std::hint::black_box(serde_json::from_value::<A>(v)?);
        let encoded = serde_json::to_value(&answer)?;
        std::hint::black_box(serde_json::to_string(&encoded)?);
        Ok(())
    })
}

/// An argument struct for commands without arguments.
#[derive(serde::Deserialize)]
struct NoArgs {}

/// `calls` timed runs of `f` after as many untimed ones.
fn time(calls: usize, mut f: impl FnMut() -> Result<()>) -> Result<Samples> {
    for _ in 0..calls {
        f()?;
    }
    let mut samples = Samples::with_capacity(calls);
    for _ in 0..calls {
        let t = Instant::now();
        f()?;
        samples.push(t.elapsed());
    }
    Ok(samples)
}

fn api_err(e: faultline_api::ErrorBody) -> anyhow::Error {
    anyhow::anyhow!("{:?}: {}", e.code, e.message)
}

pub fn run(a: IpcArgs) -> Result<()> {
    let load = doc::load_average();
    let dir = tempfile::tempdir()?;
    {
        let mut store = faultline_core::Store::open(dir.path())?;
        faultline_core::demo::load_demo(&mut store, &a.demo)
            .with_context(|| format!("loading the demo plant from {}", a.demo.display()))?;
    }
    let worker = WorkerCommand {
        exe: std::env::current_exe()?,
        args_before: vec![],
    };
    let app = App::open(
        dir.path(),
        AppOptions::new("bench", worker),
        Arc::new(NoSink),
    );
    let asset = app
        .call("asset_by_tag", json!({ "tag": "VFD-202" }))
        .map_err(api_err)?["id"]
        .as_str()
        .context("no VFD-202 in the demo plant")?
        .to_string();
    let page = app
        .asset_page(AssetPageArgs {
            asset_id: asset.clone(),
            history_limit: None,
        })
        .map_err(api_err)?;
    let wo = page
        .history
        .first()
        .context("VFD-202 has no work orders")?
        .id
        .to_string();
    let cases = vec![
        Case {
            name: "app_info (status line)",
            command: "app_info",
            args: json!({}),
            direct: Box::new(|| app.app_info().map(drop)),
            json_work: json_work::<NoArgs, _>(&json!({}), app.app_info().map_err(api_err)?),
        },
        Case {
            name: "find_assets \"vfd\" (type-ahead, 30)",
            command: "find_assets",
            args: json!({ "query": "vfd" }),
            json_work: json_work::<FindAssetsArgs, _>(
                &json!({ "query": "vfd" }),
                app.find_assets(FindAssetsArgs {
                    query: "vfd".into(),
                    limit: None,
                })
                .map_err(api_err)?,
            ),
            direct: Box::new(|| {
                app.find_assets(FindAssetsArgs {
                    query: "vfd".into(),
                    limit: None,
                })
                .map(drop)
            }),
        },
        Case {
            name: "work_order (one with notes)",
            command: "work_order",
            args: json!({ "work_order_id": wo }),
            json_work: json_work::<WorkOrderArgs, _>(
                &json!({ "work_order_id": wo }),
                app.work_order(WorkOrderArgs {
                    work_order_id: wo.clone(),
                })
                .map_err(api_err)?,
            ),
            direct: Box::new(|| {
                app.work_order(WorkOrderArgs {
                    work_order_id: wo.clone(),
                })
                .map(drop)
            }),
        },
        Case {
            name: "asset_page VFD-202 (history 100)",
            command: "asset_page",
            args: json!({ "asset_id": asset }),
            json_work: json_work::<AssetPageArgs, _>(&json!({ "asset_id": asset }), page.clone()),
            direct: Box::new(|| {
                app.asset_page(AssetPageArgs {
                    asset_id: asset.clone(),
                    history_limit: None,
                })
                .map(drop)
            }),
        },
    ];
    let mut out = String::new();
    writeln!(out, "## IPC overhead per call (application API)\n")?;
    writeln!(out, "{}", doc::context_lines(&load))?;
    writeln!(
        out,
        "`App::call` with the arguments as the window sends them (JSON text → value → typed \
         argument struct) and the answer encoded to the JSON text the window receives, against \
         the same typed App method called directly; {} timed calls each after as many untimed \
         ones, on the demo plant. Overhead = through `call` minus direct, at the same \
         percentile (noisy at p99: two runs of a query). \"JSON work alone\" times only what \
         `call` adds to a call — the argument text parsed into its typed struct, the typed \
         answer encoded into a value and its text — without the query. Tauri's webview ↔ \
         process transport is not included (the same for any command set).\n",
        a.calls
    )?;
    writeln!(
        out,
        "| Command | answer bytes | direct p50 / p99 ms | `App::call` + JSON p50 / p99 ms | overhead p50 / p99 ms | JSON work alone p50 / p99 ms |"
    )?;
    writeln!(out, "|---|---:|---:|---:|---:|---:|")?;
    for c in &cases {
        let text = c.args.to_string();
        let answer = app.call(c.command, c.args.clone()).map_err(api_err)?;
        let bytes = serde_json::to_string(&answer)?.len();
        let direct = time(a.calls, || (c.direct)().map_err(api_err))?.summary();
        let through = time(a.calls, || {
            let args: Value = serde_json::from_str(&text)?;
            let v = app.call(c.command, args).map_err(api_err)?;
            std::hint::black_box(serde_json::to_string(&v)?);
            Ok(())
        })?
        .summary();
        let alone = time(a.calls, &c.json_work)?.summary();
        writeln!(
            out,
            "| {} | {bytes} | {:.3} / {:.3} | {:.3} / {:.3} | {:.3} / {:.3} | {:.3} / {:.3} |",
            c.name,
            direct.p50_ms,
            direct.p99_ms,
            through.p50_ms,
            through.p99_ms,
            through.p50_ms - direct.p50_ms,
            through.p99_ms - direct.p99_ms,
            alone.p50_ms,
            alone.p99_ms,
        )?;
    }
    print!("{out}");
    if let Some(path) = &a.write_doc {
        doc::write_section(path, "ipc", &out)?;
    }
    Ok(())
}
