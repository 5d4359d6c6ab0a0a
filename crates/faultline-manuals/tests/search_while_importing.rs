//! Searching while importing works: while `process_queue` extracts and indexes many manuals on
//! another thread, searches answer promptly and find the manuals indexed so far. Each
//! extraction is made to last 0.6 s, so a search that waited for one (a lock held across it)
//! would miss the half-second bound.

use crate::common;

use common::library::open;
use common::pdf::{shell, write_pages};
use common::{limits, worker, TestResult};
use faultline_core::domain::ManualState;
use faultline_manuals::extract::WorkerCommand;
use faultline_manuals::library::Library;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const MANUALS: usize = 16;
const PAGES: usize = 12;
/// Far above a search's real time: this checks that searches do not wait, not how fast they are.
const PROMPT: Duration = Duration::from_millis(500);

/// The word only manual `i` has (on its last page): four letters, none the start of another
/// and too short for typo matching, so each search finds exactly its manual.
fn unique_word(i: usize) -> String {
    let letter = |n: usize| char::from(b'a' + (n % 26) as u8);
    format!("zq{}{}", letter(i / 26), letter(i))
}

/// The real worker, after 0.6 s.
fn slow_worker() -> WorkerCommand {
    let real = worker().exe;
    shell(&format!("sleep 0.6; exec '{}' \"$1\"", real.display()))
}

#[test]
fn searches_answer_promptly_and_find_what_is_indexed_while_an_import_runs() -> TestResult {
    let files = tempfile::tempdir()?;
    let data = tempfile::tempdir()?;
    let mut paths = Vec::new();
    for i in 0..MANUALS {
        let path = files.path().join(format!("manual-{i:02}.pdf"));
        let filler: Vec<String> = (0..PAGES)
            .map(|p| {
                format!("Manual {i} page {p}: check the spindle bearings and the coolant flow")
            })
            .collect();
        let mut pages: Vec<Vec<&str>> = filler.iter().map(|l| vec![l.as_str()]).collect();
        let word = unique_word(i);
        if let Some(last) = pages.last_mut() {
            last.push(&word);
        }
        let pages: Vec<&[&str]> = pages.iter().map(Vec::as_slice).collect();
        write_pages(&path, &pages)?;
        paths.push(path);
    }
    let (store, library) = open(data.path(), slow_worker(), limits())?;
    Library::add_paths(&store, &paths, None)?;

    let done = AtomicBool::new(false);
    let mut slowest = Duration::ZERO;
    let mut searches = 0;
    // Searches for a manual that was indexed before the search started, made while others were
    // still waiting or being extracted.
    let mut found_mid_import = 0;
    std::thread::scope(|scope| -> TestResult {
        let import = scope.spawn(|| {
            let r =
                library.process_queue(&store, &HashMap::new(), &|_| {}, &AtomicBool::new(false));
            done.store(true, Ordering::SeqCst);
            r
        });
        while !done.load(Ordering::SeqCst) {
            let manuals = store.lock().map_err(|_| "poisoned")?.manuals()?;
            let pending = manuals
                .iter()
                .any(|m| matches!(m.state, ManualState::Queued | ManualState::Extracting));
            let indexed: Vec<usize> = manuals
                .iter()
                .filter(|m| m.state == ManualState::Indexed)
                .filter_map(|m| m.file_name.get(7..9)?.parse().ok())
                .collect();
            for i in indexed.iter().rev().take(3) {
                let started = Instant::now();
                let r = library.search(&store, &unique_word(*i), None, 5)?;
                let took = started.elapsed();
                slowest = slowest.max(took);
                searches += 1;
                assert!(took < PROMPT, "a search took {took:?} during the import");
                let top = r.hits.first().map(|h| h.file_name.clone());
                assert_eq!(top, Some(format!("manual-{i:02}.pdf")), "{r:?}");
                if pending {
                    found_mid_import += 1;
                }
            }
            // A search for words every manual has, as a technician would type them.
            let started = Instant::now();
            library.search(&store, "spindle bearing coolant", None, 20)?;
            slowest = slowest.max(started.elapsed());
            assert!(started.elapsed() < PROMPT);
            std::thread::sleep(Duration::from_millis(10));
        }
        let progress = import.join().map_err(|_| "the import thread panicked")??;
        assert_eq!(progress.done, MANUALS);
        Ok(())
    })?;
    eprintln!("{searches} searches during the import, slowest {slowest:?}");
    assert!(
        found_mid_import > 0,
        "no search ran while the import was still going: make the import longer"
    );
    let indexed = store
        .lock()
        .map_err(|_| "poisoned")?
        .manuals()?
        .iter()
        .filter(|m| m.state == ManualState::Indexed)
        .count();
    assert_eq!(indexed, MANUALS);
    Ok(())
}
