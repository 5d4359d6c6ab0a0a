//! The CMMS drain at shift end: a backlog of breakdowns (create, note, start, close each) queued
//! for Maximo while the site's connector is held (the fake refuses the key), then released —
//! the release `faultline-hub serve` drains it to `fake_maximo` (the contract fake, never a real
//! Maximo) with its own senders and a simulated Maximo latency — while a fleet of laptops
//! pushes and pulls a breakdown each on the same site, round after round, until the backlog is
//! sent (what they push meanwhile is queued behind it and drained after). The same fleet also runs three rounds before the release, with nothing draining: its
//! push and pull latencies are the baseline. Reports the
//! drain's changes/s and how long the backlog took, and both fleets' latencies; checks that
//! every queued change was sent once and every breakdown is one Maximo work order.

use super::hub_proc::BenchHub;
use super::SyncBenchArgs;
use crate::doc;
use crate::percentiles::{Samples, Summary};
use anyhow::{Context, Result};
use chrono::{Duration as Days, Utc};
use faultline_fake_maximo::Shared;
use faultline_protocol::{Change, Mutation, MutationEnvelope, Outcome, PushRequest};
use faultline_sync::{ClientOptions, HubClient};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use uuid::Uuid;

const SITE: &str = "CMMS";
const KEY: &str = "bench-key";
/// Envelopes per push of the backlog (the hub takes up to 1,000).
const PUSH_BATCH: usize = 500;
/// Between two rounds of the laptops.
const PAUSE: Duration = Duration::from_secs(10);

/// A breakdown's life on a laptop: created, `notes` notes, started, closed.
fn breakdown(asset: Uuid, number: String, notes: usize) -> Vec<Mutation> {
    let wo = Uuid::now_v7();
    let t0 = Utc::now() - Days::hours(8);
    let mut out = vec![Mutation::CreateWorkOrder {
        work_order_id: wo,
        number,
        asset_id: asset,
        wo_type: "breakdown".into(),
        priority: 2,
        title: "Drive trips on start (OC1)".into(),
        fault_code: Some("OC1".into()),
        reported_by: "tech".into(),
        reported_at: t0,
        downtime_start: None,
    }];
    for n in 0..notes {
        out.push(Mutation::AddNote {
            note_id: Uuid::now_v7(),
            work_order_id: wo,
            author: "tech".into(),
            text: format!("step {n}: checked motor cable insulation"),
            created_at: t0 + Days::minutes(i64::try_from(n).unwrap_or(0)),
        });
    }
    out.push(Mutation::SetStatus {
        work_order_id: wo,
        status: "in_progress".into(),
        at: t0 + Days::minutes(30),
    });
    out.push(super::close_breakdown(wo, t0 + Days::hours(2)));
    out
}

fn envelopes(mutations: Vec<Mutation>, first_seq: usize) -> Vec<MutationEnvelope> {
    mutations
        .into_iter()
        .enumerate()
        .map(|(k, m)| MutationEnvelope {
            mutation_id: Uuid::now_v7(),
            device_seq: i64::try_from(first_seq + k).unwrap_or(0),
            base_version: 0,
            created_at: Utc::now(),
            mutation: m,
        })
        .collect()
}

/// The site's cursor at its present (pulled once, untimed).
fn head(client: &HubClient) -> Result<String> {
    let mut c: Option<String> = None;
    loop {
        let page = client.changes(SITE, c.as_deref(), 5_000)?;
        c = Some(page.next_cursor);
        if !page.has_more {
            return c.context("no cursor");
        }
    }
}

/// The laptops' latencies over rounds.
#[derive(Default)]
struct Fleet {
    push: Samples,
    pull: Samples,
    applied: usize,
    rounds: usize,
    wall: Duration,
}

/// One fleet round (`round` numbers the laptops' work orders and continues their sequence):
/// every laptop pushes its breakdown (`per` mutations) at one barrier and pulls from `cursor`.
fn fleet(
    hub: &BenchHub,
    tokens: &[String],
    assets: &[Uuid],
    per: usize,
    round: usize,
    cursor: &str,
    out: &mut Fleet,
) -> Result<()> {
    let barrier = Arc::new(Barrier::new(tokens.len() + 1));
    let mut handles = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (barrier, url, token) = (barrier.clone(), hub.url.clone(), token.clone());
        let cursor = cursor.to_string();
        let work = envelopes(
            breakdown(
                assets[i % assets.len()],
                format!("R{round}-{i:03}"),
                per.saturating_sub(3),
            ),
            round * per + 1,
        );
        handles.push(std::thread::spawn(
            move || -> Result<(Duration, Duration, usize)> {
                let client = HubClient::new(&url, &token, &ClientOptions::default())?;
                barrier.wait();
                let t = Instant::now();
                let resp = client.push(
                    SITE,
                    &PushRequest {
                        user: format!("tech-{i}"),
                        mutations: work,
                    },
                )?;
                let push = t.elapsed();
                let applied = resp
                    .results
                    .iter()
                    .filter(|r| matches!(r.outcome, Outcome::Applied { .. }))
                    .count();
                let t = Instant::now();
                let mut c = Some(cursor);
                loop {
                    let page = client.changes(SITE, c.as_deref(), 5_000)?;
                    c = Some(page.next_cursor);
                    if !page.has_more {
                        break;
                    }
                }
                Ok((push, t.elapsed(), applied))
            },
        ));
    }
    barrier.wait();
    let start = Instant::now();
    for h in handles {
        let (p, l, a) = h
            .join()
            .map_err(|_| anyhow::anyhow!("a laptop thread panicked"))??;
        out.push.push(p);
        out.pull.push(l);
        out.applied += a;
    }
    out.wall += start.elapsed();
    out.rounds += 1;
    Ok(())
}

/// Rows of the site's queue not sent yet, among those up to `last` (all with `i64::MAX`).
fn pending(hub: &BenchHub, last: i64) -> Result<i64> {
    hub.count(&format!(
        "SELECT count(*) FROM cmms_outbox WHERE site = '{SITE}' AND state = 'pending'
           AND id <= {last}"
    ))
}

/// Serves `fake_maximo` on its own runtime (kept alive by the returned handle).
fn serve_fake(tags: &[&str]) -> Result<(tokio::runtime::Runtime, String, Shared)> {
    let rt = tokio::runtime::Runtime::new()?;
    let (url, fake) = rt.block_on(faultline_fake_maximo::start(KEY, tags))?;
    Ok((rt, url, fake))
}

/// What one drain measured.
pub struct DrainRun {
    /// The senders' bound on waiting for laptop sync, in ms (0: they never wait).
    pub yield_ms: u64,
    /// Load average (1 min) when the run started.
    pub load: String,
    pub quiet_push: Summary,
    pub busy_push: Summary,
    pub quiet_pull: Summary,
    pub busy_pull: Summary,
    /// Release → all that was queued at the release sent, in seconds.
    pub drain_secs: f64,
    pub ok: bool,
    /// The run's full table (markdown).
    pub table: String,
}

/// One drain with the senders waiting at most `yield_ms` per claim for laptop sync (a hub of
/// its own, on a database of its own named after `tag`).
pub fn once(args: &SyncBenchArgs, tag: &str, yield_ms: u64) -> Result<DrainRun> {
    let load = doc::load_average();
    let yield_text = yield_ms.to_string();
    let hub = BenchHub::start_with_env(
        tag,
        &[
            ("FAULTLINE_HUB_CMMS_EVERY", "1"),
            ("FAULTLINE_HUB_CMMS_CONCURRENCY", "8"),
            ("FAULTLINE_HUB_CMMS_YIELD_MS", &yield_text),
        ],
    )?;
    hub.admin(&["site", "add", SITE, "CMMS drain plant"])?;
    let demo = std::path::Path::new("assets/demo");
    hub.admin(&[
        "load",
        "--site",
        SITE,
        "--mapping",
        &demo.join("assets.toml").to_string_lossy(),
        &demo.join("assets.csv").to_string_lossy(),
    ])?;
    let tags_text = hub.query(&format!(
        "SELECT string_agg(tag, ',') FROM assets WHERE site = '{SITE}'"
    ))?;
    let tags: Vec<&str> = tags_text.trim().split(',').collect();
    let (_rt, fake_url, fake) = serve_fake(&tags)?;
    let latency = args.cmms_latency_ms;
    {
        let mut f = fake
            .lock()
            .map_err(|_| anyhow::anyhow!("fake_maximo's state is poisoned"))?;
        f.latency_ms = latency;
        // Held: the hub's first drain is refused and the site waits for `configure`.
        f.key = "not-yet".into();
    }
    let dir = tempfile::tempdir()?;
    let key_file = dir.path().join("key.txt");
    std::fs::write(&key_file, KEY)?;
    let key_path = key_file.to_string_lossy().to_string();
    let configure = [
        "maximo",
        "configure",
        "--site",
        SITE,
        "--url",
        &fake_url,
        "--api-key-file",
        &key_path,
        "--siteid",
        "BEDFORD",
        "--orgid",
        "EAGLENA",
    ];
    hub.admin(&configure)?;

    // The backlog, from one device, while the connector is held.
    let backlog_token = hub.enroll(SITE, "backlog")?;
    let backlog = HubClient::new(&hub.url, &backlog_token, &ClientOptions::default())?;
    let first = backlog.changes(SITE, None, 5_000)?;
    let assets: Vec<Uuid> = first
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Asset(a) => Some(a.id),
            _ => None,
        })
        .collect();
    anyhow::ensure!(!assets.is_empty(), "no assets on the bench site");
    println!("queueing {} breakdowns for Maximo…", args.cmms_breakdowns);
    let mut all = Vec::new();
    for n in 0..args.cmms_breakdowns {
        all.extend(breakdown(assets[n % assets.len()], format!("BL-{n:05}"), 1));
    }
    let backlog_changes = all.len();
    let t = Instant::now();
    let all = envelopes(all, 1);
    for chunk in all.chunks(PUSH_BATCH) {
        backlog.push(
            SITE,
            &PushRequest {
                user: "backlog".into(),
                mutations: chunk.to_vec(),
            },
        )?;
    }
    let queue_secs = t.elapsed().as_secs_f64();

    println!("enrolling {} laptops…", args.devices);
    let tokens: Vec<String> = (0..args.devices)
        .map(|i| hub.enroll(SITE, &format!("bench-{i:03}")))
        .collect::<Result<_>>()?;
    let per = args.cmms_laptop_changes.max(3);
    let mut quiet = Fleet::default();
    let mut round = 0;
    for _ in 0..3 {
        let cursor = head(&backlog)?;
        fleet(&hub, &tokens, &assets, per, round, &cursor, &mut quiet)?;
        round += 1;
        std::thread::sleep(PAUSE);
    }

    // Released: the key Maximo takes; `serve` drains within a second.
    let cursor = head(&backlog)?;
    fake.lock()
        .map_err(|_| anyhow::anyhow!("fake_maximo's state is poisoned"))?
        .key = KEY.into();
    let queued = hub.count(&format!(
        "SELECT count(*) FROM cmms_outbox WHERE site = '{SITE}'"
    ))?;
    let last = hub.count(&format!(
        "SELECT coalesce(max(id), 0) FROM cmms_outbox WHERE site = '{SITE}'"
    ))?;
    let released = Instant::now();
    hub.admin(&configure)?;
    // Laptops keep syncing, a round every PAUSE, until the backlog is sent.
    let mut busy = Fleet::default();
    let mut cursor = cursor;
    let deadline = Instant::now() + Duration::from_secs(3_600);
    while pending(&hub, last)? > 0 {
        fleet(&hub, &tokens, &assets, per, round, &cursor, &mut busy)?;
        round += 1;
        cursor = head(&backlog)?;
        anyhow::ensure!(
            Instant::now() < deadline,
            "the drain did not finish within an hour"
        );
        std::thread::sleep(PAUSE);
    }
    let drain = released.elapsed();
    // What the laptops pushed meanwhile drains too.
    while pending(&hub, i64::MAX)? > 0 {
        anyhow::ensure!(
            Instant::now() < deadline,
            "the drain did not finish within an hour"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let all_sent = released.elapsed();
    let sent = hub.count(&format!(
        "SELECT count(*) FROM cmms_outbox WHERE site = '{SITE}' AND state = 'sent'"
    ))?;
    let not_sent = hub.count(&format!(
        "SELECT count(*) FROM cmms_outbox WHERE site = '{SITE}' AND state <> 'sent'"
    ))?;
    let total = queued + i64::try_from(busy.applied).unwrap_or(0);
    let (requests, bulk_creates, bulk_updates, wos) = {
        let f = fake
            .lock()
            .map_err(|_| anyhow::anyhow!("fake_maximo's state is poisoned"))?;
        (f.requests, f.bulk_requests, f.bulk_updates, f.wos.len())
    };
    let breakdowns = args.cmms_breakdowns + round * args.devices;
    let ok = sent == total && not_sent == 0 && wos == breakdowns;
    let rate = queued as f64 / drain.as_secs_f64();
    let lat = |s: &Samples| {
        let s: Summary = s.summary();
        format!("{:.0} / {:.0} / {:.0} ms", s.p50_ms, s.p99_ms, s.max_ms)
    };
    let round_wall = |f: &Fleet| f.wall.as_secs_f64() / f.rounds.max(1) as f64;
    let gate = if yield_ms == 0 {
        "never waiting for laptop sync".to_string()
    } else {
        format!("waiting ≤ {yield_ms} ms per claim for laptop sync")
    };
    let md = format!(
        "A backlog of {bd} breakdowns ({backlog_changes} changes: create, note, start, close) queued \
for Maximo while the connector was held, then released to the release `faultline-hub serve` \
(`--cmms-every-secs 1`, `--cmms-concurrency 8`: 8 senders, claims of 20, new work orders and notes \
in bulk; senders {gate}) against `fake_maximo` (the contract fake, not a real Maximo) with {latency} ms per \
request. Meanwhile {devices} laptops on the same site each pushed a breakdown of {per} changes \
at one barrier and pulled, a round every {pause} s until all that was queued at the release was \
sent ({busy_rounds} rounds; their changes queue behind it); before the release, with nothing draining, the same fleet ran {quiet_rounds} rounds: \
the baseline. PostgreSQL, the hub, the fake and the laptops share the machine.\n\n\
| measure | value |\n|---|---|\n\
| queued for Maximo at the release (backlog + the baseline rounds) | {queued} |\n\
| queueing the backlog through the hub's push | {queue_secs:.1} s |\n\
| **drain of what was queued: release → all of it sent** | **{drain:.1} s → {rate:.0} changes/s** |\n\
| release → also the {busy_applied} changes the laptops pushed meanwhile sent | {all_sent:.1} s |\n\
| requests to the fake / bulk creates / bulk updates | {requests} / {bulk_creates} / {bulk_updates} |\n\
| laptop push p50 / p99 / max, nothing draining | {qp} |\n\
| laptop push p50 / p99 / max, during the drain | {bp} |\n\
| laptop pull p50 / p99 / max, nothing draining | {ql} |\n\
| laptop pull p50 / p99 / max, during the drain | {bl} |\n\
| fleet round wall time (mean): nothing draining / during the drain | {qw:.2} s / {bw:.2} s |\n\
| applied answers: baseline / during the drain | {qa} of {qt} / {busy_applied} of {bt} |\n\
| check: sent / queued in all / not sent / Maximo work orders (expected {breakdowns}) | {sent} / {total} / {not_sent} / {wos} — {verdict} |\n",
        bd = args.cmms_breakdowns,
        devices = args.devices,
        pause = PAUSE.as_secs(),
        busy_rounds = busy.rounds,
        quiet_rounds = quiet.rounds,
        drain = drain.as_secs_f64(),
        all_sent = all_sent.as_secs_f64(),
        busy_applied = busy.applied,
        qp = lat(&quiet.push),
        bp = lat(&busy.push),
        ql = lat(&quiet.pull),
        bl = lat(&busy.pull),
        qw = round_wall(&quiet),
        bw = round_wall(&busy),
        qa = quiet.applied,
        qt = quiet.rounds * args.devices * per,
        bt = busy.rounds * args.devices * per,
        verdict = if ok { "every change sent once" } else { "MISMATCH" },
    );
    println!("{md}");
    Ok(DrainRun {
        yield_ms,
        load,
        quiet_push: quiet.push.summary(),
        busy_push: busy.push.summary(),
        quiet_pull: quiet.pull.summary(),
        busy_pull: busy.pull.summary(),
        drain_secs: drain.as_secs_f64(),
        ok,
        table: md,
    })
}
