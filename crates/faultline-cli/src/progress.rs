//! Progress of the diagnosis catch-up on stderr: the first `faultline diagnose` (or `diagnosis
//! start`) on a replica with a big queue — a fresh import or first replication, the conversion of
//! 0019's postings into blocks — applies it before it ranks, which takes seconds to a minute on a
//! plant's replica. A short line says what it is doing ("preparing diagnosis index: 340,000 /
//! 1,000,000 work orders (text)"): rewritten in place on a terminal, otherwise not at all unless
//! `FAULTLINE_PROGRESS=always` (then one line at most every second, and the last); never on
//! stdout, so `--json` is unchanged. `FAULTLINE_PROGRESS=never` turns it off.

use faultline_core::{CoreError, Store};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// The environment variable that forces the progress line on (`always`) or off (`never`).
pub const PROGRESS_ENV: &str = "FAULTLINE_PROGRESS";

/// Fewer queued work orders than this are applied without a line (well under a second), unless
/// forced.
const SHOW_FROM: i64 = 10_000;

/// Lines at most this often.
const EVERY: Duration = Duration::from_secs(1);

/// Postings of 0019 converted into blocks per step (one transaction each), so the conversion
/// can say how far it is.
const CONVERT_STEP: usize = 2_000_000;

/// How the line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Off,
    /// One line rewritten in place (`\r`), ended by a newline.
    Terminal,
    /// Whole lines (stderr is not a terminal and `always` was asked for).
    Lines,
}

/// The progress line of one catch-up.
pub struct Progress<W: Write> {
    out: W,
    mode: Mode,
    /// Shown whatever the size of the queue.
    forced: bool,
    last: Option<Instant>,
    /// The last text written, and whether the last state was written.
    text: String,
    pending: bool,
}

impl Progress<std::io::Stderr> {
    /// On stderr, as `FAULTLINE_PROGRESS` and whether stderr is a terminal say.
    pub fn stderr() -> Self {
        let stderr = std::io::stderr();
        let tty = stderr.is_terminal();
        let setting = std::env::var(PROGRESS_ENV).unwrap_or_default();
        let (mode, forced) = match setting.trim() {
            "always" | "1" => (if tty { Mode::Terminal } else { Mode::Lines }, true),
            "never" | "0" => (Mode::Off, false),
            _ if tty => (Mode::Terminal, false),
            _ => (Mode::Off, false),
        };
        Progress::new(stderr, mode, forced)
    }
}

impl<W: Write> Progress<W> {
    fn new(out: W, mode: Mode, forced: bool) -> Self {
        Progress {
            out,
            mode,
            forced,
            last: None,
            text: String::new(),
            pending: false,
        }
    }

    /// Whether a catch-up of `queued` work orders (or a conversion) is shown.
    fn shows(&self, queued: i64, converting: bool) -> bool {
        self.mode != Mode::Off && (self.forced || converting || queued >= SHOW_FROM)
    }

    /// The state is now `text`: written if the last line is a second old (or there is none).
    fn set(&mut self, text: String) {
        if text == self.text {
            return;
        }
        self.text = text;
        self.pending = true;
        let due = self.last.is_none_or(|t| t.elapsed() >= EVERY);
        if due {
            self.write();
        }
    }

    fn write(&mut self) {
        let line = format!("preparing diagnosis index: {}", self.text);
        // A failed write to stderr is not worth failing the diagnosis for.
        let _ = match self.mode {
            Mode::Off => Ok(()),
            Mode::Terminal => write!(self.out, "\r{line}\x1b[K"),
            Mode::Lines => writeln!(self.out, "{line}"),
        };
        let _ = self.out.flush();
        self.last = Some(Instant::now());
        self.pending = false;
    }

    /// Writes the last state if it was not written, and ends the terminal's line.
    fn finish(&mut self) {
        if self.last.is_none() {
            return;
        }
        if self.pending {
            self.write();
        }
        if self.mode == Mode::Terminal {
            let _ = writeln!(self.out);
        }
    }

    /// `done` of `total` work orders of one part of the index.
    fn work_orders(&mut self, part: &str, done: usize, total: usize) {
        self.set(format!(
            "{} / {} work orders ({part})",
            thousands(done),
            thousands(total)
        ));
    }
}

/// `1234567` → `1,234,567`.
fn thousands(n: usize) -> String {
    faultline_core::numbers::thousands(u64::try_from(n).unwrap_or(u64::MAX))
}

/// Brings the replica's diagnosis tables up to date before a live diagnosis (which would do it
/// silently), with the progress line on stderr when the queue is big.
pub fn catch_up(store: &Store) -> Result<(), CoreError> {
    catch_up_with(store, &mut Progress::stderr())
}

fn catch_up_with<W: Write>(store: &Store, p: &mut Progress<W>) -> Result<(), CoreError> {
    let (totals, _) = store.diagnosis_pending()?;
    let text = store.diagnosis_text_pending()?;
    // `diagnosis_text_pending` counts a conversion still to do as one work order; a first
    // step tells (it converts nothing when there is nothing to convert).
    let mut terms = 0usize;
    if text > 0 {
        while let Some(n) = store.diagnosis_blocks_convert(CONVERT_STEP)? {
            terms += n;
            if terms > 0 && p.shows(totals + text, true) {
                p.set(format!(
                    "{} terms of the text index converted to blocks",
                    thousands(terms)
                ));
            }
        }
    }
    let queued = totals + store.diagnosis_text_pending()?;
    if !p.shows(queued, terms > 0) {
        faultline_diagnosis::live::catch_up(store, &mut |_, _| {})
            .map_err(crate::diagnose::core_error)?;
        faultline_diagnosis::live_text::catch_up(store, &mut |_, _| {})
            .map_err(crate::diagnose::core_error)?;
        return Ok(());
    }
    // Said at once: reading the queue takes a moment before the first count comes.
    let total = |n: i64| usize::try_from(n).unwrap_or(0);
    if totals > 0 {
        p.work_orders("causes", 0, total(totals));
    } else {
        p.work_orders("text", 0, total(queued));
    }
    faultline_diagnosis::live::catch_up(store, &mut |d, n| p.work_orders("causes", d, n))
        .map_err(crate::diagnose::core_error)?;
    faultline_diagnosis::live_text::catch_up(store, &mut |d, n| p.work_orders("text", d, n))
        .map_err(crate::diagnose::core_error)?;
    p.finish();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(p: Progress<Vec<u8>>) -> String {
        String::from_utf8_lossy(&p.out).into_owned()
    }

    #[test]
    fn lines_come_at_most_every_second_and_the_last_one_always() {
        let mut p = Progress::new(Vec::new(), Mode::Lines, true);
        p.work_orders("causes", 0, 1_000_000);
        p.work_orders("causes", 50_000, 1_000_000);
        p.work_orders("causes", 1_000_000, 1_000_000);
        p.work_orders("causes", 1_000_000, 1_000_000);
        p.finish();
        assert_eq!(
            written(p),
            "preparing diagnosis index: 0 / 1,000,000 work orders (causes)\n\
             preparing diagnosis index: 1,000,000 / 1,000,000 work orders (causes)\n"
        );
    }

    #[test]
    fn a_terminal_line_is_rewritten_in_place_and_ended() {
        let mut p = Progress::new(Vec::new(), Mode::Terminal, false);
        p.work_orders("text", 10, 20);
        p.last = Instant::now().checked_sub(EVERY);
        p.work_orders("text", 20, 20);
        p.finish();
        assert_eq!(
            written(p),
            "\rpreparing diagnosis index: 10 / 20 work orders (text)\x1b[K\
             \rpreparing diagnosis index: 20 / 20 work orders (text)\x1b[K\n"
        );
    }

    #[test]
    fn small_queues_are_quiet_unless_forced_and_off_is_off() {
        let quiet = Progress::new(Vec::new(), Mode::Terminal, false);
        assert!(!quiet.shows(SHOW_FROM - 1, false));
        assert!(quiet.shows(SHOW_FROM, false));
        assert!(quiet.shows(1, true));
        assert!(Progress::new(Vec::new(), Mode::Lines, true).shows(1, false));
        assert!(!Progress::new(Vec::new(), Mode::Off, true).shows(1_000_000, true));
        let mut off = Progress::new(Vec::new(), Mode::Off, false);
        off.work_orders("text", 1, 2);
        off.finish();
        assert_eq!(written(off), "");
    }
}
