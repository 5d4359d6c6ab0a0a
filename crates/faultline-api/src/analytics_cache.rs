//! The App's one kept period read for the Analytics screen: the figures, the Pareto, the trends
//! and OEE of one screen ask for the same period, so the breakdowns that can count in it are
//! read once (`History::load_period`, through indexes) and kept until the replica changes.
//!
//! "Changes" is the store's change stamp (`Store::analytics_change_stamp`): every row the App
//! writes through its connection (its own commands, sync, imports) and every commit of another
//! connection (a CLI on the same data directory) moves it, so a closed breakdown counts at the
//! next call without the App having to name each write here. A period inside the kept one is
//! cut out of it (`History::period`: the same figures, tested in faultline-analytics `period`).

use faultline_analytics::History;
use faultline_core::{CoreError, Store};
use std::sync::{Arc, Mutex};

struct Kept {
    stamp: (i64, u64),
    from: i64,
    to: i64,
    history: Arc<History>,
}

/// One period's history, kept while the replica does not change.
#[derive(Default)]
pub(crate) struct PeriodReads {
    kept: Mutex<Option<Kept>>,
    /// How many times the replica was read (for tests).
    reads: std::sync::atomic::AtomicUsize,
}

impl PeriodReads {
    /// What figures over `[from, to)` need. Call with the store locked (the store's lock is
    /// always taken before this one).
    pub(crate) fn period(
        &self,
        store: &Store,
        from: i64,
        to: i64,
    ) -> Result<Arc<History>, CoreError> {
        let stamp = store.analytics_change_stamp()?;
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A period overlapping the kept one (OEE's reaches to the end of its last count) is read
        // together with it, so the screen's other panels still find theirs inside.
        let (read_from, read_to) = match kept.as_ref().filter(|k| k.stamp == stamp) {
            Some(k) if (k.from, k.to) == (from, to) => return Ok(k.history.clone()),
            Some(k) if k.from <= from && to <= k.to => {
                return Ok(Arc::new(k.history.period(from, to)))
            }
            Some(k) if k.from < to && from < k.to => (k.from.min(from), k.to.max(to)),
            _ => (from, to),
        };
        let history = Arc::new(History::load_period(store, read_from, read_to)?);
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *kept = Some(Kept {
            stamp,
            from: read_from,
            to: read_to,
            history: history.clone(),
        });
        if (read_from, read_to) == (from, to) {
            Ok(history)
        } else {
            Ok(Arc::new(history.period(from, to)))
        }
    }

    /// How many times [`PeriodReads::period`] read the replica.
    #[cfg(test)]
    pub(crate) fn reads(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use faultline_analytics::{metrics, Scope};
    use std::path::{Path, PathBuf};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const DAY: i64 = 24 * 3_600_000;
    /// 2026-10-01T00:00:00Z and 2026-11-01T00:00:00Z.
    const OCT: (i64, i64) = (1_790_812_800_000, 1_793_491_200_000);

    fn demo() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
    }

    /// Imports one closed breakdown of VFD-202 on `day` of October 2026, 3 h down.
    fn add_breakdown(store: &mut Store, dir: &Path, number: u32, day: u32) -> TestResult {
        let csv = dir.join(format!("wo-{number}.csv"));
        std::fs::write(
            &csv,
            format!(
                "WONUM,ASSETNUM,WORKTYPE,STATUS,WOPRIORITY,DESCRIPTION,LONGDESCRIPTION,FAULTCODE,\
                 REPORTEDBY,REPORTDATE,ACTSTART,ACTFINISH,DOWNSTART,DOWNEND,FAILURECLASS,\
                 PROBLEMCODE,CAUSE,REMEDY,ISOMODE,ISOMECHANISM,ISOCAUSE,FAILUREREMARK,ACTTOTALCOST\n\
                 {number},VFD-202,EM,CLOSE,1,OC trip,,OC1,A. Test,2026-10-{day:02}T01:00:00,\
                 2026-10-{day:02}T01:30:00,2026-10-{day:02}T03:30:00,2026-10-{day:02}T01:00:00,\
                 2026-10-{day:02}T04:00:00,VFD,OVERCURR,ACCSHORT,ADJACC,,,,,10\n"
            ),
        )?;
        store.import_csv(&demo().join("work_orders.toml"), &csv)?;
        Ok(())
    }

    fn figures(h: &History, from: i64, to: i64) -> serde_json::Value {
        serde_json::to_value(metrics(h, &Scope::All, from, to)).unwrap_or_default()
    }

    #[test]
    fn one_read_per_period_until_the_replica_changes() -> TestResult {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(dir.path())?;
        for name in ["assets", "work_orders"] {
            let demo = demo();
            store.import_csv(
                &demo.join(format!("{name}.toml")),
                &demo.join(format!("{name}.csv")),
            )?;
        }
        let reads = PeriodReads::default();
        let (from, to) = OCT;
        let whole = |s: &Store, from, to| -> Result<serde_json::Value, CoreError> {
            Ok(figures(&History::load(s, Some(to))?, from, to))
        };

        // The five panels of one screen: one read, the figures of the whole-history path.
        for _ in 0..5 {
            let h = reads.period(&store, from, to)?;
            assert_eq!(figures(&h, from, to), whole(&store, from, to)?);
        }
        assert_eq!(reads.reads(), 1);
        let n0 = figures(&*reads.period(&store, from, to)?, from, to)["breakdowns"].clone();
        assert!(
            n0.as_u64().is_some_and(|n| n > 0),
            "the demo breaks down in October"
        );
        // A period inside the kept one is cut out of it.
        let h = reads.period(&store, from + 5 * DAY, to)?;
        assert_eq!(
            figures(&h, from + 5 * DAY, to),
            whole(&store, from + 5 * DAY, to)?
        );
        assert_eq!(reads.reads(), 1);

        // A write through this connection: read again, the new breakdown counts.
        add_breakdown(&mut store, dir.path(), 990_001, 12)?;
        let h = reads.period(&store, from, to)?;
        assert_eq!(reads.reads(), 2);
        assert_eq!(figures(&h, from, to), whole(&store, from, to)?);
        assert_ne!(figures(&h, from, to)["breakdowns"], n0);

        // A commit of another connection (the CLI on the same data directory).
        let mut other = Store::open(dir.path())?;
        add_breakdown(&mut other, dir.path(), 990_002, 20)?;
        drop(other);
        let h = reads.period(&store, from, to)?;
        assert_eq!(reads.reads(), 3);
        assert_eq!(figures(&h, from, to), whole(&store, from, to)?);

        // An overlapping period (OEE up to its last count's end) is read with the kept one,
        // so the screen's period is still inside.
        let h = reads.period(&store, to - 5 * DAY, to + 10 * DAY)?;
        assert_eq!(reads.reads(), 4);
        assert_eq!(
            figures(&h, to - 5 * DAY, to + 10 * DAY),
            whole(&store, to - 5 * DAY, to + 10 * DAY)?
        );
        let h = reads.period(&store, from, to)?;
        assert_eq!(reads.reads(), 4);
        assert_eq!(figures(&h, from, to), whole(&store, from, to)?);
        Ok(())
    }
}
