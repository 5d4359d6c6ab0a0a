//! One app per data directory: a second start on the same directory asks the running one to come
//! to the front and exits 0 with a message, instead of running a second auto-sync and drafts on
//! the same replica; another directory starts normally. Runs the release app under a display
//! (`xvfb-run`), without WebDriver.

use anyhow::{bail, Context, Result};
use faultline_tests::{app_binary, procs, temp_data_dir};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The running app, killed when dropped, with the WebKit processes it started: it runs in a
/// process group of its own, and the whole group is killed, so that no orphaned web process
/// writes into the data directory after the test has removed it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let group = self.0.id();
        let _ = self.0.kill();
        let _ = self.0.wait();
        procs::signal_group(group, "KILL");
        // Signal 0 reaches the group while any process of it is left.
        let until = Instant::now() + Duration::from_secs(5);
        while procs::signal_group(group, "0") && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn start(dir: &Path) -> Result<Running> {
    // A killed app leaves its socket behind: wait for the one this app binds.
    let spawned = std::time::SystemTime::now() - Duration::from_millis(50);
    let child = Command::new(app_binary()?)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("FAULTLINE_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .context("cannot start the app")?;
    let mut app = Running(child);
    // The app holds the directory once its socket is there.
    let until = Instant::now() + Duration::from_secs(60);
    let bound = |p: &Path| {
        std::fs::metadata(p)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= spawned)
    };
    while !bound(&dir.join("faultline.sock")) {
        if let Some(status) = app.0.try_wait()? {
            bail!("the app exited before it held {}: {status}", dir.display());
        }
        if Instant::now() > until {
            bail!("the app did not take {} within 60 s", dir.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(app)
}

/// Runs a second app on `dir` and waits for it to end (at most 30 s).
fn second_start(dir: &Path) -> Result<(std::process::ExitStatus, String)> {
    let mut child = Command::new(app_binary()?)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("FAULTLINE_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait()? {
            let mut out = String::new();
            if let Some(mut s) = child.stdout.take() {
                std::io::Read::read_to_string(&mut s, &mut out)?;
            }
            return Ok((status, out));
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            bail!("a second app on {} kept running", dir.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_second_start_on_the_same_data_directory_focuses_the_first_and_exits() -> Result<()> {
    if !faultline_tests::e2e_enabled()? {
        return Ok(());
    }
    let dir = temp_data_dir()?;
    let mut first = start(dir.path())?;

    let (status, out) = second_start(dir.path())?;
    assert!(status.success(), "the second start exits 0: {status}");
    assert!(
        out.contains("already running") && out.contains("brought to the front"),
        "{out}"
    );
    assert!(first.0.try_wait()?.is_none(), "the first app keeps running");

    // Another data directory is another replica: it starts.
    let other = temp_data_dir()?;
    let _second = start(other.path())?;

    // Once the first app is gone (even killed), its directory opens again.
    let _ = first.0.kill();
    let _ = first.0.wait();
    drop(first);
    let _again = start(dir.path())?;
    Ok(())
}
