//! Runs `tauri-driver` (which runs WebKitWebDriver, which runs the app) as a child process.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::procs;

/// A running tauri-driver; SIGTERM on drop makes it stop WebKitWebDriver too.
pub struct TauriDriver {
    child: Child,
    port: u16,
    log: tempfile::NamedTempFile,
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("no free local port")?;
    Ok(listener.local_addr().context("no local address")?.port())
}

fn driver_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(crate::DRIVER_BIN_ENV) {
        return Ok(PathBuf::from(path));
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("tauri-driver"));
    let in_cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .map(|dir| dir.join("bin").join("tauri-driver"));
    on_path
        .chain(in_cargo_home)
        .find(|candidate| candidate.is_file())
        .context("tauri-driver not found: install it with `cargo install tauri-driver --locked` (or run `make setup`)")
}

impl TauriDriver {
    /// Starts tauri-driver on free ports, with `FAULTLINE_DATA_DIR=data_dir` in its environment
    /// (inherited by WebKitWebDriver and so by the app), and waits until it accepts connections.
    pub fn start(data_dir: &Path) -> Result<Self> {
        let binary = driver_binary()?;
        let port = free_port()?;
        let native_port = free_port()?;
        let log = tempfile::Builder::new()
            .prefix("faultline-tauri-driver-")
            .suffix(".log")
            .tempfile()
            .context("cannot create the tauri-driver log file")?;
        let stdout = log.reopen().context("cannot open the tauri-driver log")?;
        let stderr: File = log.reopen().context("cannot open the tauri-driver log")?;
        let child = Command::new(&binary)
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .env(crate::app::DATA_DIR_ENV, data_dir)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let mut driver = Self { child, port, log };
        driver.wait_listening(Duration::from_secs(20))?;
        Ok(driver)
    }

    fn wait_listening(&mut self, timeout: Duration) -> Result<()> {
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().context("cannot poll tauri-driver")? {
                bail!(
                    "tauri-driver exited ({status}) before listening:\n{}",
                    self.log_tail()
                );
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if start.elapsed() > timeout {
                bail!(
                    "tauri-driver did not listen on {address} within {timeout:?}:\n{}",
                    self.log_tail()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The WebDriver URL to connect a client to.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The last lines that tauri-driver, WebKitWebDriver and the app wrote (for error messages).
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log.path()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!(
            "--- output of tauri-driver, WebKitWebDriver and the app (last 40 lines) ---\n{tail}"
        )
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        procs::signal(self.child.id(), "TERM");
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
