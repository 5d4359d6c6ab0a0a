//! 200 laptops at shift end, at once: each uploads its photos, pushes its shift's work (~50
//! mutations: a breakdown, downtime, notes, parts, photos, the close) and pulls what changed.
//! Reports mutations/s over the whole run and push latency, then checks in PostgreSQL that every
//! mutation was applied exactly once.

use super::hub_proc::BenchHub;
use super::SyncBenchArgs;
use crate::doc;
use crate::percentiles::Samples;
use crate::prng::Prng;
use anyhow::Result;
use chrono::{Duration as Days, Utc};
use faultline_protocol::{Change, Mutation, MutationEnvelope, Outcome, PushRequest};
use faultline_sync::{ClientOptions, HubClient};
use sha2::{Digest, Sha256};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use uuid::Uuid;

const SITE: &str = "FLEET";

struct DeviceResult {
    /// When this laptop's push was answered.
    pushed_at: Instant,
    push: Duration,
    pull: Duration,
    mutations: usize,
    applied: usize,
}

/// One laptop's shift: the envelopes it pushes, numbered from 1. With `stops`, the breakdown
/// stopped the machine (downtime start and end); without, two more notes stand in for them — the
/// hub refuses a stop before the machine was last back in service, so only one laptop per asset
/// records its stop.
fn shift(
    asset_id: Uuid,
    device: usize,
    mutations: usize,
    photos: &[(String, usize)],
    stops: bool,
) -> Vec<Mutation> {
    let wo = Uuid::now_v7();
    let t0 = Utc::now() - Days::hours(8);
    let mut out = vec![Mutation::CreateWorkOrder {
        work_order_id: wo,
        number: format!("BD-{device:03}"),
        asset_id,
        wo_type: "breakdown".into(),
        priority: 2,
        title: "Drive trips on start (OC1)".into(),
        fault_code: Some("OC1".into()),
        reported_by: format!("tech-{device}"),
        reported_at: t0,
        downtime_start: None,
    }];
    if stops {
        out.push(Mutation::DowntimeStart {
            work_order_id: wo,
            at: t0,
        });
    }
    for (sha, size) in photos {
        out.push(Mutation::AddPhoto {
            photo_id: Uuid::now_v7(),
            work_order_id: wo,
            sha256: sha.clone(),
            mime: "image/jpeg".into(),
            size_bytes: i64::try_from(*size).unwrap_or(0),
            caption: Some("terminal block".into()),
            created_at: t0,
        });
    }
    for p in 0..2 {
        out.push(Mutation::AddPart {
            part_id: Uuid::now_v7(),
            work_order_id: wo,
            part_number: format!("FUSE-{p}"),
            description: Some("fuse 10 A".into()),
            quantity: 1.0,
            unit: None,
            created_at: t0,
        });
    }
    let notes = mutations.saturating_sub(out.len() + 1 + usize::from(stops));
    for n in 0..notes {
        out.push(Mutation::AddNote {
            note_id: Uuid::now_v7(),
            work_order_id: wo,
            author: format!("tech-{device}"),
            text: format!("step {n}: checked motor cable insulation, 550 MΩ phase to earth"),
            created_at: t0 + Days::minutes(i64::try_from(n).unwrap_or(0)),
        });
    }
    if stops {
        out.push(Mutation::DowntimeEnd {
            work_order_id: wo,
            at: t0 + Days::hours(2),
        });
    }
    out.push(super::close_breakdown(wo, t0 + Days::hours(2)));
    out
}

pub fn run(args: &SyncBenchArgs) -> Result<()> {
    let load = doc::load_average();
    let (with_photos, ok1) = round(args, args.photos)?;
    let (without, ok2) = round(args, 0)?;
    let md = format!(
        "### Fleet at shift end: {devices} laptops pushing and pulling at once\n\n{ctx}\n\
Each laptop starts replicated, then at one barrier: uploads its photos (random bytes, as \
incompressible as JPEGs), pushes its shift in one request, and pulls. Two rounds on fresh \
databases: with photos, and mutations only.\n\n{with_photos}\n{without}",
        devices = args.devices,
        ctx = doc::context_lines(&load),
    );
    println!("{md}");
    if let Some(path) = &args.write_doc {
        doc::write_section(path, "sync-fleet", &md)?;
    }
    anyhow::ensure!(
        ok1 && ok2,
        "the PostgreSQL check failed: see the tables above"
    );
    Ok(())
}

/// One round with `photos` photos per laptop: its markdown table and whether the check passed.
fn round(args: &SyncBenchArgs, photos_per_device: usize) -> Result<(String, bool)> {
    let hub = BenchHub::start("fleet")?;
    hub.admin(&["site", "add", SITE, "Fleet test plant"])?;
    let demo = std::path::Path::new("assets/demo");
    hub.admin(&[
        "load",
        "--site",
        SITE,
        "--mapping",
        &demo.join("assets.toml").to_string_lossy(),
        &demo.join("assets.csv").to_string_lossy(),
    ])?;
    println!("enrolling {} devices…", args.devices);
    let tokens: Vec<String> = (0..args.devices)
        .map(|i| hub.enroll(SITE, &format!("bench-{i:03}")))
        .collect::<Result<_>>()?;
    // Each laptop starts replicated (untimed): its cursor is at the hub's present.
    let probe = HubClient::new(&hub.url, &tokens[0], &ClientOptions::default())?;
    let first = probe.changes(SITE, None, 5_000)?;
    let assets: Vec<Uuid> = first
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Asset(a) => Some(a.id),
            _ => None,
        })
        .collect();
    anyhow::ensure!(!assets.is_empty(), "no assets on the bench site");
    let cursor = first.next_cursor.clone();

    let barrier = Arc::new(Barrier::new(args.devices + 1));
    let photo_bytes = args.photo_kib * 1024;
    let mut handles = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (barrier, url, cursor) = (barrier.clone(), hub.url.clone(), cursor.clone());
        let asset = assets[i % assets.len()];
        // The first laptop on each asset stops its machine (see `shift`).
        let stops = i < assets.len();
        let (mutations, photos) = (args.mutations, photos_per_device);
        handles.push(std::thread::spawn(move || -> Result<DeviceResult> {
            let client = HubClient::new(&url, &token, &ClientOptions::default())?;
            let dir = tempfile::tempdir()?;
            let mut shas = Vec::new();
            for p in 0..photos {
                let mut rng = Prng::new(0xF0_70 + (i * 31 + p) as u64);
                let bytes: Vec<u8> = (0..photo_bytes)
                    .map(|_| rng.next_u64().to_le_bytes()[0])
                    .collect();
                let sha = hex::encode(Sha256::digest(&bytes));
                let path = dir.path().join(&sha);
                std::fs::write(&path, &bytes)?;
                shas.push((sha, path, bytes.len()));
            }
            let meta: Vec<(String, usize)> = shas.iter().map(|(s, _, n)| (s.clone(), *n)).collect();
            let envelopes: Vec<MutationEnvelope> = shift(asset, i, mutations, &meta, stops)
                .into_iter()
                .enumerate()
                .map(|(seq, m)| MutationEnvelope {
                    mutation_id: Uuid::now_v7(),
                    device_seq: i64::try_from(seq + 1).unwrap_or(0),
                    base_version: 0,
                    created_at: Utc::now(),
                    mutation: m,
                })
                .collect();
            barrier.wait();
            let t = Instant::now();
            for (sha, path, _) in &shas {
                client.upload_blob(SITE, sha, path)?;
            }
            let resp = client.push(
                SITE,
                &PushRequest {
                    user: format!("tech-{i}"),
                    mutations: envelopes.clone(),
                },
            )?;
            let push = t.elapsed();
            let pushed_at = Instant::now();
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
            Ok(DeviceResult {
                pushed_at,
                push,
                pull: t.elapsed(),
                mutations: envelopes.len(),
                applied,
            })
        }));
    }
    barrier.wait();
    let start = Instant::now();
    let mut results = Vec::new();
    for h in handles {
        results.push(
            h.join()
                .map_err(|_| anyhow::anyhow!("a device thread panicked"))??,
        );
    }
    let wall = start.elapsed();
    let total: usize = results.iter().map(|r| r.mutations).sum();
    let applied: usize = results.iter().map(|r| r.applied).sum();
    let mut push = Samples::with_capacity(results.len());
    let mut pull = Samples::with_capacity(results.len());
    for r in &results {
        push.push(r.push);
        pull.push(r.pull);
    }
    let (ps, ls) = (push.summary(), pull.summary());
    let rate = total as f64 / wall.as_secs_f64();
    let push_wall = results
        .iter()
        .map(|r| r.pushed_at.saturating_duration_since(start))
        .max()
        .unwrap_or(wall);
    let push_rate = total as f64 / push_wall.as_secs_f64();

    // Nothing lost, nothing doubled.
    let audited = hub.count(&format!(
        "SELECT count(*) FROM applied_mutations WHERE site = '{SITE}'"
    ))?;
    let distinct = hub.count(&format!(
        "SELECT count(DISTINCT mutation_id) FROM applied_mutations WHERE site = '{SITE}'"
    ))?;
    let notes = hub.count(&format!("SELECT count(*) FROM notes WHERE site = '{SITE}'"))?;
    let wos = hub.count(&format!(
        "SELECT count(*) FROM work_orders WHERE site = '{SITE}' AND status = 'closed' AND number LIKE 'BD-%'"
    ))?;
    // A laptop that records no stop sends two more notes instead (see `shift`).
    let stopping = results.len().min(assets.len());
    let expected_notes = results.len() * args.mutations.saturating_sub(6 + photos_per_device)
        + 2 * (results.len() - stopping);
    let ok = audited == total as i64
        && distinct == total as i64
        && applied == total
        && notes == expected_notes as i64
        && wos == args.devices as i64;
    let title = if photos_per_device == 0 {
        "Mutations only (no photos)".to_string()
    } else {
        format!(
            "With {photos_per_device} photos of {} KiB per laptop",
            args.photo_kib
        )
    };
    let md = format!(
        "#### {title}\n\n\
| measure | value |\n|---|---|\n\
| mutations pushed ({devices} laptops × {per}) | {total} |\n\
| push phase: start → last push answered (pulls of early finishers running alongside) | {push_wall:.2} s |\n\
| **mutations/s over the push phase** (aim ≥ 5,000) | **{push_rate:.0}** |\n\
| whole run incl. every laptop's pull (each receives the others' ~{others} records) | {wall:.2} s → {rate:.0} mutations/s |\n\
| push latency p50 / p99 / max (photos + one push) | {p50:.0} / {p99:.0} / {pmax:.0} ms |\n\
| pull latency p50 / p99 | {l50:.0} / {l99:.0} ms |\n\
| applied answers | {applied} of {total} |\n\
| PostgreSQL check: audit rows / distinct mutation ids / notes / closed work orders | {audited} / {distinct} / {notes} (expected {expected_notes}) / {wos} — {verdict} |\n",
        devices = args.devices,
        per = args.mutations,
        wall = wall.as_secs_f64(),
        push_wall = push_wall.as_secs_f64(),
        others = total.saturating_sub(args.mutations),
        p50 = ps.p50_ms,
        p99 = ps.p99_ms,
        pmax = ps.max_ms,
        l50 = ls.p50_ms,
        l99 = ls.p99_ms,
        verdict = if ok { "nothing lost or doubled" } else { "MISMATCH" },
    );
    Ok((md, ok))
}
