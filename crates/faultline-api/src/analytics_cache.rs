//! The App's one kept period read for the Analytics screen: the figures, the Pareto, the trends
//! and OEE of one screen ask for the same period, so the breakdowns that can count in it are
//! read once (`History::load_period`, through indexes) and kept until the replica changes.
//!
//! "Changes" is the store's change stamp (`Store::analytics_change_stamp`): every row the App
//! writes through its connection (its own commands, sync, imports) and every commit of another
//! connection (a CLI on the same data directory) moves it, so a closed breakdown counts at the
//! next call without the App having to name each write here. A period inside the kept one is
//! cut out of it (`History::period`: the same figures, tested in faultline-analytics `period`);
//! a period "to now" (the screen sends no `to`, the App ends it at its clock) asked a moment
//! later reads only the breakdowns reported since the kept end.

use faultline_analytics::{History, Metrics, PeriodCache, Scope};
use faultline_core::{CoreError, Store};
use std::sync::{Arc, Mutex};

struct Kept {
    stamp: (i64, u64),
    /// The rows, and the per-asset parts of the figures asked for over exactly its period.
    cache: PeriodCache,
}

/// One period's history, kept while the replica does not change.
#[derive(Default)]
pub(crate) struct PeriodReads {
    kept: Mutex<Option<Kept>>,
    /// How many times the replica was read (for tests).
    reads: std::sync::atomic::AtomicUsize,
    /// How many writes the kept period followed by re-reading their work orders (for tests).
    refreshes: std::sync::atomic::AtomicUsize,
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
        self.with_kept(store, from, to, |c| {
            if (c.from, c.to) == (from, to) {
                c.history.clone()
            } else {
                Arc::new(c.history.period(from, to))
            }
        })
    }

    /// The figures of `scope` over `[from, to)`: over exactly the kept period from its kept
    /// per-asset parts (`PeriodCache::metrics`: after a write or a later end only the assets
    /// concerned are computed again), over a part of it from the rows cut out of it. The same
    /// figures as `metrics` on a fresh read. Call with the store locked.
    pub(crate) fn metrics(
        &self,
        store: &Store,
        scope: &Scope,
        from: i64,
        to: i64,
    ) -> Result<Metrics, CoreError> {
        self.with_kept(store, from, to, |c| {
            if (c.from, c.to) == (from, to) {
                c.metrics(scope)
            } else {
                faultline_analytics::metrics(&c.history.period(from, to), scope, from, to)
            }
        })
    }

    /// Runs `f` on a kept period that holds `[from, to)`, read when none does.
    fn with_kept<T>(
        &self,
        store: &Store,
        from: i64,
        to: i64,
        f: impl FnOnce(&mut PeriodCache) -> T,
    ) -> Result<T, CoreError> {
        let stamp = store.analytics_change_stamp()?;
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(k) = kept.as_mut().filter(|k| k.stamp == stamp) {
            let c = &mut k.cache;
            if c.from <= from && from < c.to && c.to < to {
                // A period "to now" asked again a moment later: what can count in it besides
                // the kept rows is only what was reported since the kept end.
                c.extend_to(store, to)?;
            }
            if c.from <= from && to <= c.to {
                return Ok(f(c));
            }
        }
        // A period overlapping the kept one (OEE's reaches to the end of its last count) is read
        // together with it, so the screen's other panels still find theirs inside.
        let (read_from, read_to) = match kept.as_ref().filter(|k| k.stamp == stamp) {
            Some(k) if k.cache.from < to && from < k.cache.to => {
                (k.cache.from.min(from), k.cache.to.max(to))
            }
            _ => (from, to),
        };
        let mut cache = PeriodCache::load(store, read_from, read_to)?;
        self.reads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let answer = f(&mut cache);
        *kept = Some(Kept { stamp, cache });
        Ok(answer)
    }

    /// After a write of the App that changed only these work orders, `before` the change stamp
    /// read just before it (store still locked): the kept period re-reads just them
    /// (`PeriodCache::refresh`, as a fresh period read would have them, and the kept per-asset
    /// parts of their assets) and takes the new stamp, instead of reading the whole period again
    /// at the next call. When anything else changed the replica since the period was kept, or
    /// the work orders belong to an asset the kept read does not have, or the re-read fails,
    /// the period is left to be read again.
    pub(crate) fn wrote_work_orders(&self, store: &Store, before: (i64, u64), numbers: &[&str]) {
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(k) = kept.as_mut().filter(|k| k.stamp == before) else {
            return;
        };
        let cache = &mut k.cache;
        let refreshed = cache.refresh(store, numbers).and_then(|tags| {
            let known = tags
                .iter()
                .all(|t| cache.history.assets.iter().any(|a| &a.tag == t));
            Ok(known.then_some(store.analytics_change_stamp()?))
        });
        match refreshed {
            Ok(Some(stamp)) => {
                k.stamp = stamp;
                self.refreshes
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            Ok(None) => *kept = None,
            Err(e) => {
                tracing::warn!("analytics: re-reading written work orders: {e}");
                *kept = None;
            }
        }
    }

    /// How many times [`PeriodReads::period`] read the replica.
    #[cfg(test)]
    pub(crate) fn reads(&self) -> usize {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many writes [`PeriodReads::wrote_work_orders`] followed without a read.
    #[cfg(test)]
    pub(crate) fn refreshes(&self) -> usize {
        self.refreshes.load(std::sync::atomic::Ordering::Relaxed)
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

    /// Imports one closed breakdown of VFD-202 reported and stopped at `start`, back in
    /// service at `end` (UTC, "2026-10-12T01:00:00").
    fn add_breakdown(
        store: &mut Store,
        dir: &Path,
        number: u32,
        (start, end): (&str, &str),
    ) -> TestResult {
        let csv = dir.join(format!("wo-{number}.csv"));
        std::fs::write(
            &csv,
            format!(
                "WONUM,ASSETNUM,WORKTYPE,STATUS,WOPRIORITY,DESCRIPTION,LONGDESCRIPTION,FAULTCODE,\
                 REPORTEDBY,REPORTDATE,ACTSTART,ACTFINISH,DOWNSTART,DOWNEND,FAILURECLASS,\
                 PROBLEMCODE,CAUSE,REMEDY,ISOMODE,ISOMECHANISM,ISOCAUSE,FAILUREREMARK,ACTTOTALCOST\n\
                 {number},VFD-202,EM,CLOSE,1,OC trip,,OC1,A. Test,{start},{start},{end},{start},\
                 {end},VFD,OVERCURR,ACCSHORT,ADJACC,,,,,10\n"
            ),
        )?;
        store.import_csv(&demo().join("work_orders.toml"), &csv)?;
        Ok(())
    }

    /// A replica of the demo plant's assets and work orders in a temporary directory.
    fn demo_store() -> Result<(tempfile::TempDir, Store), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let mut store = Store::open(dir.path())?;
        for name in ["assets", "work_orders"] {
            let demo = demo();
            store.import_csv(
                &demo.join(format!("{name}.toml")),
                &demo.join(format!("{name}.csv")),
            )?;
        }
        Ok((dir, store))
    }

    fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
        serde_json::to_value(v).unwrap_or_default()
    }

    fn figures(h: &History, from: i64, to: i64) -> serde_json::Value {
        serde_json::to_value(metrics(h, &Scope::All, from, to)).unwrap_or_default()
    }

    #[test]
    fn one_read_per_period_until_the_replica_changes() -> TestResult {
        let (dir, mut store) = demo_store()?;
        // One stop carried over the end of October, one reported just after it.
        add_breakdown(
            &mut store,
            dir.path(),
            990_003,
            ("2026-10-31T22:00:00", "2026-11-01T02:00:00"),
        )?;
        add_breakdown(
            &mut store,
            dir.path(),
            990_004,
            ("2026-11-01T00:30:00", "2026-11-01T00:45:00"),
        )?;
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
        add_breakdown(
            &mut store,
            dir.path(),
            990_001,
            ("2026-10-12T01:00:00", "2026-10-12T04:00:00"),
        )?;
        let h = reads.period(&store, from, to)?;
        assert_eq!(reads.reads(), 2);
        assert_eq!(figures(&h, from, to), whole(&store, from, to)?);
        assert_ne!(figures(&h, from, to)["breakdowns"], n0);

        // A commit of another connection (the CLI on the same data directory).
        let mut other = Store::open(dir.path())?;
        add_breakdown(
            &mut other,
            dir.path(),
            990_002,
            ("2026-10-20T01:00:00", "2026-10-20T04:00:00"),
        )?;
        drop(other);
        let h = reads.period(&store, from, to)?;
        assert_eq!(reads.reads(), 3);
        assert_eq!(figures(&h, from, to), whole(&store, from, to)?);

        // The same period "to now" a moment later: only what was reported since is read, and
        // the kept rows are those of a fresh period read.
        let later = to + 3_600_000;
        let h = reads.period(&store, from, later)?;
        assert_eq!(reads.reads(), 3);
        assert_eq!(
            h.work_orders,
            History::load_period(&store, from, later)?.work_orders
        );
        assert_eq!(figures(&h, from, later), whole(&store, from, later)?);
        let h = reads.period(&store, from + DAY, later + 1)?;
        assert_eq!(reads.reads(), 3);
        assert_eq!(
            figures(&h, from + DAY, later + 1),
            whole(&store, from + DAY, later + 1)?
        );

        // An overlapping period reaching before the kept one is read with it, so the screen's
        // period is still inside.
        let (from2, to2) = (from - 5 * DAY, to + 10 * DAY);
        let h = reads.period(&store, from2, to2)?;
        assert_eq!(reads.reads(), 4);
        assert_eq!(figures(&h, from2, to2), whole(&store, from2, to2)?);
        let h = reads.period(&store, from, to)?;
        assert_eq!(reads.reads(), 4);
        assert_eq!(figures(&h, from, to), whole(&store, from, to)?);
        Ok(())
    }

    #[test]
    fn a_write_naming_its_work_orders_is_followed_without_reading_the_period_again() -> TestResult {
        let (dir, mut store) = demo_store()?;
        let reads = PeriodReads::default();
        let (from, mut to) = OCT;
        reads.period(&store, from, to)?;
        // A stop still open from before the period: its asset's part follows a later end.
        add_breakdown(&mut store, dir.path(), 990_010, ("2026-09-30T20:00:00", ""))?;
        reads.period(&store, from, to)?;
        let scopes = [Scope::All, Scope::Asset("VFD-202".into())];
        for scope in &scopes {
            reads.metrics(&store, scope, from, to)?;
        }
        let fresh = |s: &Store, to| History::load_period(s, from, to);

        // A new breakdown, then the same one changed (back in service later): each write
        // names its work order; the kept rows are those of a fresh read, in its order.
        for (number, end) in [
            (990_011, "2026-10-12T04:00:00"),
            (990_011, "2026-10-12T06:00:00"),
            (990_012, "2026-10-12T01:30:00"),
        ] {
            let before = store.analytics_change_stamp()?;
            add_breakdown(&mut store, dir.path(), number, ("2026-10-12T01:00:00", end))?;
            reads.wrote_work_orders(&store, before, &[&number.to_string()]);
            let h = reads.period(&store, from, to)?;
            assert_eq!(h.work_orders, fresh(&store, to)?.work_orders);
            assert_eq!(
                figures(&h, from, to),
                figures(&fresh(&store, to)?, from, to)
            );
            // The figures from the kept per-asset parts, of the scopes asked before the write.
            for scope in &scopes {
                assert_eq!(
                    json(&reads.metrics(&store, scope, from, to)?),
                    json(&metrics(&fresh(&store, to)?, scope, from, to)),
                    "{number} {scope:?}"
                );
            }
            // The period "to now" a moment later: the parts of assets still down follow it.
            let later = to + (number as i64 % 7 + 1) * DAY;
            assert_eq!(
                json(&reads.metrics(&store, &Scope::All, from, later)?),
                json(&metrics(
                    &History::load_period(&store, from, later)?,
                    &Scope::All,
                    from,
                    later
                )),
            );
            to = later;
        }
        assert_eq!((reads.reads(), reads.refreshes()), (2, 3));

        // Another connection committed in between: the period is read again.
        let mut other = Store::open(dir.path())?;
        add_breakdown(
            &mut other,
            dir.path(),
            990_013,
            ("2026-10-20T01:00:00", "2026-10-20T04:00:00"),
        )?;
        drop(other);
        let before = store.analytics_change_stamp()?;
        add_breakdown(
            &mut store,
            dir.path(),
            990_014,
            ("2026-10-21T01:00:00", "2026-10-21T04:00:00"),
        )?;
        reads.wrote_work_orders(&store, before, &["990014"]);
        assert_eq!(reads.refreshes(), 3);
        let h = reads.period(&store, from, to)?;
        assert_eq!(reads.reads(), 3);
        assert_eq!(h.work_orders, fresh(&store, to)?.work_orders);
        Ok(())
    }
}
