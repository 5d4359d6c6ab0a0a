//! Finds and stops app processes left behind by a WebDriver session (Linux `/proc`): the app
//! and the WebKit helper processes it started (network, web content), which inherit its
//! environment and outlive it for a moment when it is killed; one that is still writing its
//! storage under the data directory while the test deletes it leaves that directory behind.

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

/// Processes whose environment has `env_name=env_value` and that run `binary` or a WebKit
/// helper (an executable named `WebKit…Process`, e.g. `WebKitNetworkProcess`; not the
/// `WebKitWebDriver`, which belongs to the driver).
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
            if exe != binary && !is_webkit_helper(&exe) {
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

/// True for WebKitGTK's helper executables (`WebKitNetworkProcess`, `WebKitWebProcess`, …).
fn is_webkit_helper(exe: &Path) -> bool {
    exe.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("WebKit") && name.ends_with("Process"))
}

/// Waits up to `timeout` for the matching processes to exit, then kills what is left and waits
/// (up to [`KILL_GRACE`]) until it is gone, so that nothing writes to the data directory after
/// this returns. Returns true when they exited on their own.
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
            let grace = Instant::now() + KILL_GRACE;
            while !find(binary, env_name, env_value).is_empty() && Instant::now() < grace {
                std::thread::sleep(Duration::from_millis(50));
            }
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// How long killed processes get to disappear from `/proc` (a zombie's `exe` link is gone, so
/// an unreaped child does not count).
pub const KILL_GRACE: Duration = Duration::from_secs(3);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webkit_helpers_are_told_from_the_driver() {
        let lib = Path::new("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1");
        assert!(is_webkit_helper(&lib.join("WebKitNetworkProcess")));
        assert!(is_webkit_helper(&lib.join("WebKitWebProcess")));
        assert!(!is_webkit_helper(Path::new("/usr/bin/WebKitWebDriver")));
        assert!(!is_webkit_helper(Path::new("/usr/bin/faultline-app")));
    }
}
