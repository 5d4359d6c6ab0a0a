//! A plant for sync tests: a test database, a real hub process loaded with the demo plant
//! (assets, failure codes, procedures, work orders, through the hub's own `load` with the app's
//! mapping files), and laptops enrolled with it,
//! each a CLI data directory.

use crate::hub::{enroll_device, hub_admin, Hub};
use crate::pg::TestDb;
use crate::{cli_binary, temp_data_dir, workspace_root};
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Output;

pub const SITE: &str = "PLANT1";

pub struct SyncEnv {
    pub hub: Hub,
    pub db: TestDb,
}

impl SyncEnv {
    /// A hub with the demo plant loaded for site PLANT1.
    pub fn start() -> Result<Self> {
        let db = TestDb::create("sync")?;
        hub_admin(&db, &["site", "add", SITE, "Riverside Components"])?;
        let demo = workspace_root().join("assets").join("demo");
        for name in ["assets", "failure_codes", "procedures", "work_orders"] {
            let mapping = demo.join(format!("{name}.toml"));
            let csv = demo.join(format!("{name}.csv"));
            hub_admin(
                &db,
                &[
                    "load",
                    "--site",
                    SITE,
                    "--mapping",
                    &mapping.to_string_lossy(),
                    &csv.to_string_lossy(),
                ],
            )?;
        }
        let hub = Hub::start(&db, None)?;
        Ok(SyncEnv { hub, db })
    }

    /// A laptop enrolled for `site` (created on the hub if new), talking to `hub_url`.
    pub fn device_at(&self, name: &str, site: &str, hub_url: &str) -> Result<Device> {
        if site != SITE {
            let _ = hub_admin(&self.db, &["site", "add", site, site]);
        }
        let token = enroll_device(&self.db, site, name)?;
        let dir = temp_data_dir()?;
        let d = Device {
            dir,
            token,
            name: name.to_string(),
        };
        d.ok(&["enroll", "--hub", hub_url, "--token", &d.token])?;
        Ok(d)
    }

    pub fn device(&self, name: &str) -> Result<Device> {
        self.device_at(name, SITE, &self.hub.url())
    }

    /// Publishes a manual PDF on the hub for site PLANT1, linked to `model`
    /// ("Manufacturer|Model"), as `faultline-hub load-manual` does.
    pub fn publish_manual(&self, pdf: &Path, model: &str) -> Result<()> {
        hub_admin(
            &self.db,
            &[
                "load-manual",
                "--site",
                SITE,
                "--model",
                model,
                &pdf.to_string_lossy(),
            ],
        )
        .map(drop)
    }

    /// The demo's VX-300 drive manual (assets/demo/manuals, written by the project).
    pub fn demo_manual() -> std::path::PathBuf {
        workspace_root().join("assets/demo/manuals/vantor-vx300-instruction-manual.pdf")
    }
}

pub struct Device {
    pub dir: tempfile::TempDir,
    pub token: String,
    pub name: String,
}

impl Device {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A photo-sized file `name` of `len` JPEG-like (incompressible) bytes in this laptop's
    /// data directory, and its bytes.
    pub fn photo_file(&self, name: &str, len: usize) -> Result<(std::path::PathBuf, Vec<u8>)> {
        let path = self.path().join(name);
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        bytes.extend((0..len).map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()[0]
        }));
        std::fs::write(&path, &bytes)?;
        Ok((path, bytes))
    }

    /// Runs `faultline --json ARGS` on this laptop's data directory.
    pub fn run(&self, args: &[&str]) -> Result<Output> {
        let cli = cli_binary()?;
        std::process::Command::new(&cli)
            .arg("--data-dir")
            .arg(self.path())
            .arg("--json")
            .args(args)
            .env_remove("FAULTLINE_DATA_DIR")
            .env_remove("FAULTLINE_HUB")
            .env("FAULTLINE_USER", &self.name)
            .output()
            .with_context(|| format!("cannot run {}", cli.display()))
    }

    /// Runs the CLI and parses its JSON output; fails unless it exits 0.
    pub fn ok(&self, args: &[&str]) -> Result<serde_json::Value> {
        let out = self.run(args)?;
        if !out.status.success() {
            bail!(
                "{}: `faultline {}` failed ({}):\n{}",
                self.name,
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_str(text.trim())
            .with_context(|| format!("`faultline {}` printed {text:?}", args.join(" ")))
    }

    /// `faultline sync` through `hub_url` (the hub itself or a proxy in front of it).
    pub fn sync_via(&self, hub_url: &str) -> Result<serde_json::Value> {
        self.ok(&["sync", "--hub", hub_url, "--batch", "50"])
    }

    pub fn status(&self) -> Result<serde_json::Value> {
        self.ok(&["sync", "--status"])
    }

    pub fn pending(&self) -> Result<i64> {
        Ok(self.status()?["pending"].as_i64().unwrap_or(-1))
    }

    /// Logs a breakdown and returns the new work order's id.
    pub fn log_breakdown(&self, tag: &str, symptom: &str) -> Result<String> {
        let wo = self.ok(&[
            "log-breakdown",
            "--asset",
            tag,
            "--symptom",
            symptom,
            "--code",
            "OC1",
        ])?;
        wo["summary"]["id"]
            .as_str()
            .map(str::to_string)
            .context("no work order id in log-breakdown's output")
    }

    /// Adds `n` notes through one `note --stdin` process (each committed on its own).
    pub fn add_notes(&self, wo: &str, n: usize, prefix: &str) -> Result<()> {
        use std::io::Write;
        let cli = cli_binary()?;
        let mut child = std::process::Command::new(&cli)
            .arg("--data-dir")
            .arg(self.path())
            .args(["note", wo, "--stdin", "--author", &self.name])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()?;
        {
            let stdin = child.stdin.as_mut().context("no stdin")?;
            for i in 0..n {
                writeln!(stdin, "{prefix} {i}")?;
            }
        }
        let status = child.wait()?;
        if !status.success() {
            bail!("note --stdin failed: {status}");
        }
        Ok(())
    }

    /// One number from this laptop's database (read-only), e.g. `SELECT count(*) FROM notes`.
    pub fn count(&self, sql: &str) -> Result<i64> {
        let conn = rusqlite::Connection::open_with_flags(
            self.path().join("faultline.db"),
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
        )?;
        Ok(conn.query_row(sql, [], |r| r.get(0))?)
    }
}
