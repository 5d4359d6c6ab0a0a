//! Writing results into docs/benchmarks.md: the run's context (machine, date, commit, command)
//! and the replacement of one marked section, leaving the rest of the file as it is.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

const HEADER: &str = "# Benchmarks\n\n\
Figures measured by `faultline-bench` (crates/faultline-bench), run by `make bench`. Each section \
below is rewritten by the run that produced it; do not edit between the markers by hand.\n";

fn command_output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `Intel(R) Xeon(R) …, 2 cores, 23.4 GiB RAM`, from lscpu and /proc/meminfo.
pub fn machine() -> String {
    let lscpu = command_output("lscpu", &[]).unwrap_or_default();
    let field = |name: &str| {
        lscpu.lines().find_map(|l| {
            l.strip_prefix(name)
                .map(|v| v.trim_start_matches(':').trim().to_string())
        })
    };
    let model = field("Model name").unwrap_or_else(|| "unknown CPU".into());
    let cpus = field("CPU(s)").unwrap_or_else(|| "?".into());
    let ram_kib: Option<u64> = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    });
    let ram = ram_kib.map_or_else(
        || "? RAM".into(),
        |k| format!("{:.1} GiB RAM", k as f64 / 1024.0 / 1024.0),
    );
    format!("{model}, {cpus} logical CPUs, {ram}")
}

/// The short commit, marked when the working tree differs from it.
pub fn commit() -> String {
    let hash = command_output("git", &["rev-parse", "--short", "HEAD"])
        .unwrap_or_else(|| "unknown".into());
    let dirty = command_output("git", &["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|s| !s.is_empty());
    if dirty {
        format!("{hash} (with uncommitted changes)")
    } else {
        hash
    }
}

pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string()
}

/// How this run was invoked, as a command to paste (with `xvfb-run -a` when run under it).
pub fn invocation() -> String {
    let all: Vec<String> = std::env::args().collect();
    let args = all.get(1..).unwrap_or_default();
    let xvfb = std::env::var("XAUTHORITY").is_ok_and(|x| x.contains("xvfb-run"));
    format!(
        "{}cargo run --release -p faultline-bench -- {}",
        if xvfb { "xvfb-run -a " } else { "" },
        args.join(" ")
    )
}

/// The 1-minute load average when the run started: other work on the machine skews latencies.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// The lines every section starts with; `load` is [`load_average`] taken at the start.
pub fn context_lines(load: &str) -> String {
    format!(
        "- Machine: {}\n- Date: {}\n- Commit: {}\n- Load average (1 min) when the run started: {load}\n- Command: `{}`\n",
        machine(),
        today(),
        commit(),
        invocation()
    )
}

/// Replaces the text between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in `path` with
/// `body`, appending the marked section when absent and creating the file when missing.
pub fn write_section(path: &Path, name: &str, body: &str) -> Result<()> {
    let begin = format!("<!-- {name}:begin -->");
    let end = format!("<!-- {name}:end -->");
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => HEADER.to_string(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let section = format!("{begin}\n{}\n{end}", body.trim_end());
    let new_text = match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if e > b => format!("{}{section}{}", &text[..b], &text[e + end.len()..]),
        (None, None) => format!("{}\n{section}\n", text.trim_end().to_string() + "\n"),
        _ => anyhow::bail!(
            "{}: the markers {begin} and {end} are incomplete or out of order",
            path.display()
        ),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, new_text).with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_and_the_rest_kept() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("faultline-bench-doc-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let p = dir.join("b.md");
        write_section(&p, "a", "one")?;
        write_section(&p, "b", "two")?;
        write_section(&p, "a", "three")?;
        let t = std::fs::read_to_string(&p)?;
        assert!(t.starts_with("# Benchmarks"));
        assert!(t.contains("<!-- a:begin -->\nthree\n<!-- a:end -->"));
        assert!(t.contains("<!-- b:begin -->\ntwo\n<!-- b:end -->"));
        assert!(!t.contains("one"));
        std::fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
