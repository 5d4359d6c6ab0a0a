//! The hub under benchmark: a fresh database on the PostgreSQL server of
//! `FAULTLINE_TEST_DATABASE_URL`, the release `faultline-hub` serving it on a free loopback port,
//! and its admin commands.

use anyhow::{bail, Context, Result};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct BenchHub {
    child: Child,
    pub url: String,
    pub db_url: String,
    admin_url: String,
    db_name: String,
}

pub fn binary(name: &str) -> Result<PathBuf> {
    let p = PathBuf::from("target/release").join(name);
    if !p.is_file() {
        bail!(
            "{} not found: run `cargo build --release -p faultline-hub -p faultline-cli` first (`make bench` does)",
            p.display()
        );
    }
    Ok(p)
}

pub fn psql(url: &str, sql: &str) -> Result<String> {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .context("cannot run psql")?;
    if !out.status.success() {
        bail!("psql: {sql}: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl BenchHub {
    pub fn start(tag: &str) -> Result<Self> {
        let admin_url = std::env::var("FAULTLINE_TEST_DATABASE_URL").map_err(|_| {
            anyhow::anyhow!(
                "FAULTLINE_TEST_DATABASE_URL is not set: run `eval $(scripts/pg.sh start)` (make bench does)"
            )
        })?;
        let db_name = format!("bench_{tag}_{}", std::process::id());
        psql(&admin_url, &format!("DROP DATABASE IF EXISTS {db_name}"))?;
        psql(&admin_url, &format!("CREATE DATABASE {db_name}"))?;
        let db_url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{db_name}"),
            None => bail!("FAULTLINE_TEST_DATABASE_URL has no database part"),
        };
        let mut hub = BenchHub {
            child: Command::new("true").spawn()?,
            url: String::new(),
            db_url,
            admin_url,
            db_name,
        };
        // Creates the schema before the server starts.
        hub.admin(&["device", "list"])?;
        hub.child = Command::new(binary("faultline-hub")?)
            .args([
                "serve",
                "--database-url",
                &hub.db_url,
                "--listen",
                "127.0.0.1:0",
            ])
            .env("FAULTLINE_HUB_RATE_LIMIT", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start the hub")?;
        let stdout = hub.child.stdout.take().context("hub stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout)
                .lines()
                .map_while(std::result::Result::ok)
            {
                if let Some(a) = line.trim().strip_prefix("listening on ") {
                    let _ = tx.send(a.trim().to_string());
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(60))
            .context("the hub did not start listening")?;
        hub.url = format!("http://{addr}");
        Ok(hub)
    }

    pub fn admin(&self, args: &[&str]) -> Result<String> {
        let out = Command::new(binary("faultline-hub")?)
            .args(args)
            .args(["--database-url", &self.db_url])
            .output()?;
        if !out.status.success() {
            bail!(
                "faultline-hub {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).to_string())
    }

    /// Enrolls a device and returns its token.
    pub fn enroll(&self, site: &str, name: &str) -> Result<String> {
        let out = self.admin(&["device", "enroll", "--site", site, "--name", name, "--json"])?;
        let v: serde_json::Value = serde_json::from_str(out.trim())?;
        v["token"]
            .as_str()
            .map(str::to_string)
            .context("no token from device enroll")
    }

    pub fn query(&self, sql: &str) -> Result<String> {
        psql(&self.db_url, sql)
    }

    pub fn count(&self, sql: &str) -> Result<i64> {
        Ok(self.query(sql)?.parse()?)
    }
}

impl Drop for BenchHub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.db_name),
        );
    }
}

/// Runs the release CLI on a data directory; returns stdout.
pub fn cli(dir: &std::path::Path, args: &[&str]) -> Result<String> {
    let out = Command::new(binary("faultline")?)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FAULTLINE_DATA_DIR")
        .output()?;
    if !out.status.success() {
        bail!(
            "faultline {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).to_string())
}
