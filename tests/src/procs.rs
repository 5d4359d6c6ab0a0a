//! Finds and stops app processes left behind by a WebDriver session (Linux `/proc`).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Sends a signal (e.g. "TERM", "KILL") to a process with the `kill` utility; errors are ignored.
pub fn signal(pid: u32, name: &str) {
    kill(&format!("-{name}"), &pid.to_string());
}

/// Sends a signal to every process of the process group `group` ("0" only asks whether one is
/// left); true when `kill` succeeded, i.e. some process of the group was there.
pub fn signal_group(group: u32, name: &str) -> bool {
    kill(&format!("-{name}"), &format!("-{group}"))
}

fn kill(signal: &str, target: &str) -> bool {
    Command::new("kill")
        .args([signal, "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Processes running `binary` whose environment has `env_name=env_value`.
pub fn find(binary: &Path, env_name: &str, env_value: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let wanted = format!("{env_name}={}", env_value.display()).into_bytes();
    entries
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let exe = std::fs::read_link(entry.path().join("exe")).ok()?;
            if exe != binary {
                return None;
            }
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            environ
                .split(|byte| *byte == 0)
                .any(|var| var == wanted.as_slice())
                .then_some(pid)
        })
        .collect()
}

/// Waits up to `timeout` for the matching processes to exit, then kills what is left.
/// Returns true when they exited on their own.
pub fn wait_gone(binary: &Path, env_name: &str, env_value: &Path, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let pids = find(binary, env_name, env_value);
        if pids.is_empty() {
            return true;
        }
        if Instant::now() >= deadline {
            for pid in pids {
                signal(pid, "KILL");
            }
            std::thread::sleep(Duration::from_millis(200));
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
