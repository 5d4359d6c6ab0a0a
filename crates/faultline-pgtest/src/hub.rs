//! A `faultline-hub` process serving a database on 127.0.0.1 (a free port, or a given one to
//! come back on), killed (-9) when dropped or on request and restartable on the same database;
//! and the hub's admin commands.

use crate::{Error, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running hub.
pub struct HubProcess {
    child: Option<Child>,
    /// `127.0.0.1:PORT`, as the hub printed it.
    pub addr: String,
    binary: PathBuf,
    database_url: String,
    extra: Vec<String>,
    envs: Vec<(String, String)>,
}

impl HubProcess {
    /// Runs `binary serve --database-url URL --listen 127.0.0.1:PORT EXTRA…` with `envs` set
    /// and waits (60 s at most) until it says `listening on ADDR`.
    pub fn start(
        binary: &Path,
        database_url: &str,
        port: Option<u16>,
        extra: &[&str],
        envs: &[(&str, &str)],
    ) -> Result<HubProcess> {
        let mut child = Command::new(binary)
            .args([
                "serve",
                "--database-url",
                database_url,
                "--listen",
                &format!("127.0.0.1:{}", port.unwrap_or(0)),
            ])
            .args(extra)
            .envs(envs.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(cannot_run(binary))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            return Err(Error::Failed("no stdout from the hub".into()));
        };
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
        let Ok(addr) = rx.recv_timeout(Duration::from_secs(60)) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::Failed(
                "the hub did not say `listening on ADDR` within 60 s".into(),
            ));
        };
        Ok(HubProcess {
            child: Some(child),
            addr,
            binary: binary.to_path_buf(),
            database_url: database_url.to_string(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
            envs: envs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
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

    /// Kills the hub and starts it again on the same port, database and arguments (retrying
    /// for 10 s while the port is still held).
    pub fn restart(&mut self) -> Result<()> {
        let port = self.port();
        self.kill();
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        let envs: Vec<(&str, &str)> = self
            .envs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match HubProcess::start(&self.binary, &self.database_url, port, &extra, &envs) {
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

impl Drop for HubProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The error for a hub binary that cannot be started.
fn cannot_run(binary: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Spawn {
        program: binary.display().to_string(),
        hint: "build it with `cargo build --release -p faultline-hub`",
        source,
    }
}

/// Runs a hub admin command (`binary ARGS --database-url URL`); fails unless it exits 0.
pub fn hub_admin(binary: &Path, database_url: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(binary)
        .args(args)
        .args(["--database-url", database_url])
        .output()
        .map_err(cannot_run(binary))?;
    if !out.status.success() {
        return Err(Error::Failed(format!(
            "`faultline-hub {}` failed ({}):\n{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}

/// Enrolls a device for `site` (which must exist); returns its token.
pub fn enroll(binary: &Path, database_url: &str, site: &str, name: &str) -> Result<String> {
    let out = hub_admin(
        binary,
        database_url,
        &["device", "enroll", "--site", site, "--name", name, "--json"],
    )?;
    serde_json::from_str::<serde_json::Value>(out.trim())
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_string))
        .ok_or_else(|| Error::Failed(format!("no token in `device enroll --json`: {out:?}")))
}
