//! The App's kept risk rankings: ranking 20,000 assets takes about half a second, so the
//! Analytics screen's risk list is ranked once per state of the replica and horizon and kept,
//! not ranked again when the screen is opened a second time or its scope changes (the scope
//! and the limit are applied to the kept ranking).
//!
//! A kept ranking is valid while the store's change stamp (`Store::analytics_change_stamp`:
//! every write of the App, every commit of another connection) is the one it was read at. A
//! ranking "now" (no `at`) is reused for [`MAX_AGE_MS`] of the store's clock (its `at` says
//! when it was ranked); one at a given time only for that time. One ranking is computed at a
//! time: a second caller waits for it and takes its answer ([`RiskCache::warm_in_background`]
//! starts the first one after the window's first screen, so the screen's list is usually ready).

use crate::app::Shared;
use crate::convert::{err, ApiResult};
use faultline_analytics::risk::{rank_records, records::RiskRecords};
use faultline_analytics::{Asset, RiskRanking};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// How long a ranking "now" is reused while nothing changed (store clock, ms): its windows
/// are days long, an hour moves no input noticeably.
pub const MAX_AGE_MS: i64 = 3_600_000;
/// Rankings kept at once, the oldest dropped first: a ranking of 20,000 assets with its reasons
/// and evidence is tens of MB (its JSON is 21 MB), so the default horizon and one other.
const KEPT: usize = 2;

/// One ranking with the assets it ranked (their scope attributes, for the screen's filter).
pub(crate) struct KeptRisk {
    stamp: (i64, u64),
    /// Asked for "now" (else for `ranking.at`).
    rolling: bool,
    at: i64,
    horizon: u32,
    pub(crate) ranking: RiskRanking,
    pub(crate) assets: Vec<Asset>,
}

#[derive(Default)]
pub(crate) struct RiskCache {
    kept: Mutex<Vec<Arc<KeptRisk>>>,
    /// Held while a ranking is computed. Taken before the store's lock, never while holding it.
    computing: Mutex<()>,
    /// How many rankings were computed (for tests).
    computed: AtomicUsize,
}

impl RiskCache {
    /// The ranking at `at` (`None`: now) for `horizon` days, kept or computed.
    pub(crate) fn ranking(
        &self,
        shared: &Shared,
        at: Option<i64>,
        horizon: u32,
    ) -> ApiResult<Arc<KeptRisk>> {
        let _one_at_a_time = self
            .computing
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let store = shared.store()?;
        let stamp = store.analytics_change_stamp().map_err(err)?;
        let now = store.clock().now().timestamp_millis();
        let wanted = at.unwrap_or(now);
        {
            let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            kept.retain(|k| k.stamp == stamp);
            let hit = kept.iter().position(|k| {
                k.horizon == horizon
                    && match at {
                        None => k.rolling && (0..MAX_AGE_MS).contains(&(now - k.at)),
                        Some(t) => k.at == t,
                    }
            });
            if let Some(i) = hit {
                // The most recently used last: the one dropped first is the least used.
                let k = kept.remove(i);
                kept.push(k.clone());
                return Ok(k);
            }
        }
        // Only what the model reads (the same ranking as on the whole history).
        let records = RiskRecords::load(&store, wanted, horizon).map_err(err)?;
        drop(store);
        let ranking = rank_records(&records);
        self.computed.fetch_add(1, Ordering::Relaxed);
        let k = Arc::new(KeptRisk {
            stamp,
            rolling: at.is_none(),
            at: wanted,
            horizon,
            ranking,
            assets: records.assets,
        });
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.retain(|x| x.stamp == stamp);
        if kept.len() >= KEPT {
            kept.remove(0);
        }
        kept.push(k.clone());
        Ok(k)
    }

    /// Ranks "now" for `horizon` on a thread of its own after `delay`, so that the screen finds
    /// it kept.
    pub(crate) fn warm_in_background(
        self: &Arc<Self>,
        shared: Arc<Shared>,
        horizon: u32,
        delay: std::time::Duration,
    ) {
        let cache = self.clone();
        let spawned = std::thread::Builder::new()
            .name("risk-ranking".into())
            .spawn(move || {
                std::thread::sleep(delay);
                let began = std::time::Instant::now();
                match cache.ranking(&shared, None, horizon) {
                    Ok(k) => tracing::debug!(
                        assets = k.ranking.assets.len(),
                        ms = began.elapsed().as_millis() as u64,
                        "risk ranking kept"
                    ),
                    Err(e) => tracing::warn!("risk ranking in the background: {}", e.message),
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("cannot start the risk ranking thread: {e}");
        }
    }

    /// How many rankings were computed so far.
    #[cfg(test)]
    pub(crate) fn computed(&self) -> usize {
        self.computed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use crate::{App, AppOptions, NoSink};
    use chrono::{TimeZone, Utc};
    use faultline_analytics::risk::{rank_records, records::RiskRecords};
    use faultline_core::{FixedClock, SequentialIds, Store};
    use faultline_manuals::extract::WorkerCommand;
    use serde_json::{json, Value};
    use std::path::Path;
    use std::sync::Arc;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// An App on the demo plant (assets, work orders, alarms), its clock at 2026-11-20 10:00.
    fn demo_app() -> Result<(App, Arc<FixedClock>, tempfile::TempDir), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let clock = Arc::new(FixedClock::new(
            Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
                .single()
                .ok_or("bad time")?,
        ));
        let ids = Arc::new(SequentialIds::default());
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo");
        {
            let mut store = Store::open_with(dir.path(), clock.clone(), ids.clone())?;
            for name in ["assets", "work_orders", "fault_events"] {
                store.import_csv(
                    &demo.join(format!("{name}.toml")),
                    &demo.join(format!("{name}.csv")),
                )?;
            }
        }
        let worker = WorkerCommand {
            exe: "false".into(),
            args_before: Vec::new(),
        };
        let mut options = AppOptions::new("9.9.9", worker);
        options.clock = Some((clock.clone(), ids));
        options.sync.automatic = false;
        let app = App::open(dir.path(), options, Arc::new(NoSink));
        Ok((app, clock, dir))
    }

    fn call(app: &App, command: &str, args: Value) -> Result<Value, Box<dyn std::error::Error>> {
        app.call(command, args)
            .map_err(|e| format!("{command}: {}", e.message).into())
    }

    /// The ranking "now" computed afresh from the store, as JSON.
    fn fresh(app: &App, horizon: u32) -> Result<Value, Box<dyn std::error::Error>> {
        let store = app.shared.store().map_err(|e| e.message)?;
        let at = store.clock().now().timestamp_millis();
        Ok(serde_json::to_value(rank_records(&RiskRecords::load(
            &store, at, horizon,
        )?))?)
    }

    fn tags(r: &Value) -> Vec<String> {
        r["assets"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["asset_tag"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn one_ranking_per_state_of_the_replica_scope_and_limit_cut_the_kept_one() -> TestResult {
        let (app, clock, _dir) = demo_app()?;
        let all = call(&app, "analytics_risk", json!({}))?;
        assert_eq!(all, fresh(&app, 30)?);
        assert_eq!(app.risk.computed(), 1);
        // Another scope, a limit, the screen opened again: the kept ranking, cut.
        let line = call(
            &app,
            "analytics_risk",
            json!({ "line": "L2-ASSY", "limit": 3 }),
        )?;
        let again = call(&app, "analytics_risk", json!({ "limit": 10 }))?;
        assert_eq!(app.risk.computed(), 1);
        assert_eq!(tags(&again), tags(&all)[..10].to_vec());
        let on_line: Vec<String> = {
            let store = app.shared.store().map_err(|e| e.message)?;
            let assets = store.analytics_assets()?;
            tags(&all)
                .into_iter()
                .filter(|t| {
                    assets
                        .iter()
                        .any(|a| &a.tag == t && a.location.as_deref() == Some("L2-ASSY"))
                })
                .take(3)
                .collect()
        };
        assert_eq!(tags(&line), on_line);
        // Another horizon is ranked once and kept beside the first; a third drops the least
        // recently used one.
        call(&app, "analytics_risk", json!({ "horizon_days": 7 }))?;
        call(&app, "analytics_risk", json!({ "horizon_days": 7 }))?;
        call(&app, "analytics_risk", json!({}))?;
        assert_eq!(app.risk.computed(), 2);
        call(&app, "analytics_risk", json!({ "horizon_days": 14 }))?;
        call(&app, "analytics_risk", json!({}))?;
        assert_eq!(app.risk.computed(), 3);
        call(&app, "analytics_risk", json!({ "horizon_days": 7 }))?;
        assert_eq!(app.risk.computed(), 4);
        // A ranking "now" is reused for at most an hour of the clock.
        clock.advance(chrono::Duration::minutes(61));
        let later = call(&app, "analytics_risk", json!({}))?;
        assert_eq!(app.risk.computed(), 5);
        assert_eq!(later, fresh(&app, 30)?);
        Ok(())
    }

    #[test]
    fn a_closed_breakdown_ranks_again_and_the_kept_period_follows_it_without_a_read() -> TestResult
    {
        let (app, clock, _dir) = demo_app()?;
        let risk_before = call(&app, "analytics_risk", json!({}))?;
        let asset = call(&app, "asset_by_tag", json!({ "tag": "VFD-202" }))?;
        let wo = call(
            &app,
            "log_breakdown",
            json!({ "input": {
                "asset_id": asset["id"], "fault_code": "OC1", "symptom": "trips on start",
                "machine_stopped": true, "stopped_at": "2026-11-20T08:00:00Z", "author": "Lea"
            }}),
        )?;
        // Reported at the clock's now: counted in a period "to now" a minute later.
        clock.advance(chrono::Duration::minutes(1));
        let period = json!({ "from": "2025-11-20T00:00:00Z" });
        let before = call(&app, "analytics_metrics", period.clone())?;
        // The breakdown counts in the ranking: it is ranked again.
        let risk_logged = call(&app, "analytics_risk", json!({}))?;
        assert_eq!((app.risk.computed(), app.analytics.reads()), (2, 1));
        assert_ne!(risk_logged, risk_before);
        assert_eq!(risk_logged, fresh(&app, 30)?);

        call(
            &app,
            "close_work_order",
            json!({ "input": {
                "work_order_id": wo["summary"]["id"], "failure": {},
                "remedy_text": "bearing replaced", "author": "Lea",
                "finished_at": "2026-11-20T09:30:00Z"
            }}),
        )?;
        // The figures follow the close from the kept period, re-reading only that work order.
        let after = call(&app, "analytics_metrics", period.clone())?;
        assert_eq!(app.analytics.reads(), 1);
        assert_ne!(after, before);
        let fresh_metrics = {
            let store = app.shared.store().map_err(|e| e.message)?;
            let to = store.clock().now().timestamp_millis();
            let from = Utc
                .with_ymd_and_hms(2025, 11, 20, 0, 0, 0)
                .single()
                .ok_or("bad time")?
                .timestamp_millis();
            let h = faultline_analytics::History::load(&store, Some(to))?;
            serde_json::to_value(faultline_analytics::metrics(
                &h,
                &faultline_analytics::Scope::All,
                from,
                to,
            ))?
        };
        assert_eq!(after, fresh_metrics);
        // The kept ranking is not followed but ranked again (a close may be a replacement the
        // model reads).
        let risk_after = call(&app, "analytics_risk", json!({}))?;
        assert_eq!(app.risk.computed(), 3);
        assert_eq!(risk_after, fresh(&app, 30)?);
        Ok(())
    }
}
