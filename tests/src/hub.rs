//! A real `faultline-hub` process on a free loopback port, over a test database; killed (-9) when
//! dropped or on request, and restartable on the same database.

use crate::pg::TestDb;
use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Overrides the hub binary (default: `target/release/faultline-hub`).
pub const HUB_BIN_ENV: &str = "FAULTLINE_HUB_BIN";

pub fn hub_binary() -> Result<PathBuf> {
    crate::release_binary(
        HUB_BIN_ENV,
        "faultline-hub",
        "cargo build --release -p faultline-hub",
    )
}

pub struct Hub {
    child: Option<Child>,
    pub addr: String,
    database_url: String,
}

impl Hub {
    /// Starts a hub on 127.0.0.1 (a free port, or `port` to come back on the same one).
    pub fn start(db: &TestDb, port: Option<u16>) -> Result<Self> {
        Self::start_url(&db.url, port)
    }

    pub fn start_url(database_url: &str, port: Option<u16>) -> Result<Self> {
        Self::start_with(database_url, port, &[])
    }

    /// Starts a hub with extra `serve` arguments (e.g. `--tls-cert`, `--tls-key`).
    pub fn start_with(database_url: &str, port: Option<u16>, extra: &[&str]) -> Result<Self> {
        let bin = hub_binary()?;
        let mut child = Command::new(&bin)
            .args([
                "serve",
                "--database-url",
                database_url,
                "--listen",
                &format!("127.0.0.1:{}", port.unwrap_or(0)),
            ])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout from the hub")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if let Some(addr) = line.trim().strip_prefix("listening on ") {
                    let _ = tx.send(addr.trim().to_string());
                }
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                bail!("the hub did not say `listening on ADDR` within 60 s");
            }
        };
        Ok(Hub {
            child: Some(child),
            addr,
            database_url: database_url.to_string(),
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> Option<u16> {
        self.addr.rsplit_once(':').and_then(|(_, p)| p.parse().ok())
    }

    /// kill -9, as a power cut or the OOM killer would.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Kills the hub and starts it again on the same port and database.
    pub fn restart(&mut self) -> Result<()> {
        let port = self.port();
        self.kill();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match Self::start_url(&self.database_url, port) {
                Ok(h) => {
                    *self = h;
                    return Ok(());
                }
                Err(e) if Instant::now() > deadline => return Err(e),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs a hub admin command (`faultline-hub ARGS --database-url URL`); fails unless it exits 0.
pub fn hub_admin(db: &TestDb, args: &[&str]) -> Result<String> {
    let bin = hub_binary()?;
    let out = Command::new(&bin)
        .args(args)
        .args(["--database-url", &db.url])
        .output()
        .with_context(|| format!("cannot run {}", bin.display()))?;
    if !out.status.success() {
        bail!(
            "`faultline-hub {}` failed ({}):\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

/// Creates a site and enrolls a device for it; returns the device token.
pub fn enroll_device(db: &TestDb, site: &str, name: &str) -> Result<String> {
    let out = hub_admin(
        db,
        &["device", "enroll", "--site", site, "--name", name, "--json"],
    )?;
    let v: serde_json::Value = serde_json::from_str(out.trim())
        .with_context(|| format!("`device enroll --json` printed {out:?}"))?;
    v["token"]
        .as_str()
        .map(str::to_string)
        .context("no token in `device enroll --json`")
}
