//! Read latencies on the imported replica: exact tag lookup (a barcode scan), type-ahead on tag
//! and name-word prefixes, and the asset page with its 50 newest work orders.

use crate::gen_assets::GeneratedAsset;
use crate::percentiles::{Samples, Summary};
use crate::prng::Prng;
use anyhow::{Context, Result};
use faultline_core::store::DB_FILE;
use faultline_core::Store;
use rusqlite::Connection;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;
use uuid::Uuid;

pub struct LookupConfig {
    pub queries: usize,
    pub pages: usize,
    pub warmup: usize,
    /// How many of the busiest assets are added to the page sample.
    pub busiest: usize,
}

pub struct LookupResults {
    pub by_tag: Summary,
    pub tag_prefix: Summary,
    pub word_prefix: Summary,
    /// Whole tags with two neighbouring letters swapped: nothing matches, the one-typo fallback
    /// scans every tag and name.
    pub tag_typo: Summary,
    pub page_all: Summary,
    pub page_busiest: Summary,
    /// Work orders of the busiest asset.
    pub busiest_count: u64,
    pub average_hits_word: f64,
    /// p50/p99 in ms per prefix length.
    pub tag_by_length: String,
    pub word_by_length: String,
}

/// Times `f` over `inputs`, after untimed calls on `warmup` (other inputs of the same kind).
fn time_each<T>(
    warmup: &[T],
    inputs: &[T],
    mut f: impl FnMut(&T) -> Result<usize>,
) -> Result<(Samples, usize)> {
    for x in warmup {
        black_box(f(x)?);
    }
    let mut samples = Samples::with_capacity(inputs.len());
    let mut hits = 0;
    for x in inputs {
        let t = Instant::now();
        let n = f(x)?;
        samples.push(t.elapsed());
        hits += black_box(n);
    }
    Ok((samples, hits))
}

/// `warmup` inputs, then `n` timed inputs, from `make`.
fn series<T>(warmup: usize, n: usize, make: impl FnMut(usize) -> T) -> (Vec<T>, Vec<T>) {
    let mut all: Vec<T> = (0..warmup + n).map(make).collect();
    let timed = all.split_off(warmup);
    (all, timed)
}

/// Prints the slowest inputs of a series to stderr: where to look first.
fn show_slowest(what: &str, inputs: &[String], samples: &Samples, n: usize) {
    let mut v: Vec<(std::time::Duration, &String)> = samples.iter().copied().zip(inputs).collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.0));
    let list: Vec<String> = v
        .iter()
        .take(n)
        .map(|(d, q)| format!("{q:?} {:.2} ms", d.as_secs_f64() * 1e3))
        .collect();
    eprintln!("  slowest {what}: {}", list.join(", "));
}

/// p50/p99 per query length, e.g. `2: 0.3/1.2 ms`.
fn by_length(inputs: &[String], samples: &Samples) -> String {
    let mut out = Vec::new();
    for len in 2..=5 {
        let mut s = Samples::default();
        for (d, q) in samples.iter().zip(inputs) {
            if q.chars().count() == len {
                s.push(*d);
            }
        }
        let sum = s.summary();
        if sum.count > 0 {
            out.push(format!("{len} chars: {:.2}/{:.2}", sum.p50_ms, sum.p99_ms));
        }
    }
    out.join(", ")
}

fn prefix(word: &str, len: usize) -> String {
    word.chars().take(len).collect()
}

/// The `n` assets with the most work orders: (tag, count), busiest first.
fn busiest_assets(data_dir: &Path, n: usize) -> Result<Vec<(String, u64)>> {
    let conn = Connection::open(data_dir.join(DB_FILE))?;
    let mut stmt = conn.prepare(
        "SELECT a.tag, c.n FROM (SELECT asset_rid, count(*) AS n FROM work_orders
            GROUP BY asset_rid ORDER BY n DESC LIMIT ?1) c JOIN assets a ON a.rid = c.asset_rid
         ORDER BY c.n DESC",
    )?;
    let rows = stmt.query_map([n as i64], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn run(
    data_dir: &Path,
    assets: &[GeneratedAsset],
    cfg: &LookupConfig,
) -> Result<LookupResults> {
    anyhow::ensure!(!assets.is_empty(), "no assets to look up");
    let store = Store::open(data_dir)?;
    let mut rng = Prng::new(0x100C_0095);

    let (warm, tags) = series(cfg.warmup, cfg.queries, |_| rng.pick(assets).tag.clone());
    let (by_tag, found) = time_each(&warm, &tags, |t| {
        Ok(usize::from(store.asset_by_tag(t)?.is_some()))
    })?;
    anyhow::ensure!(
        found == tags.len(),
        "only {found} of {} tags found",
        tags.len()
    );

    let (warm, tag_prefixes) = series(cfg.warmup, cfg.queries, |_| {
        prefix(&rng.pick(assets).tag, 2 + rng.below(4))
    });
    let (tag_prefix, _) = time_each(&warm, &tag_prefixes, |q| {
        Ok(store.find_assets(q, 20)?.len())
    })?;
    show_slowest("tag prefixes", &tag_prefixes, &tag_prefix, 8);

    let (warm, word_prefixes) = series(cfg.warmup, cfg.queries, |_| {
        let name = &rng.pick(assets).name;
        let words: Vec<&str> = name
            .split_whitespace()
            .filter(|w| w.chars().count() >= 2)
            .collect();
        let p = prefix(
            words.get(rng.below(words.len())).copied().unwrap_or(name),
            2 + rng.below(4),
        );
        if rng.chance(0.5) {
            p.to_lowercase()
        } else {
            p
        }
    });
    let (word_prefix, word_hits) = time_each(&warm, &word_prefixes, |q| {
        Ok(store.find_assets(q, 20)?.len())
    })?;
    show_slowest("name-word prefixes", &word_prefixes, &word_prefix, 8);

    let (warm, typos) = series(cfg.warmup, cfg.queries, |_| {
        let mut t: Vec<char> = rng.pick(assets).tag.chars().collect();
        if t.len() > 2 {
            t.swap(1, 2);
        }
        t.into_iter().collect::<String>()
    });
    let (tag_typo, _) = time_each(&warm, &typos, |q| Ok(store.find_assets(q, 20)?.len()))?;
    show_slowest("tags with a typo", &typos, &tag_typo, 8);

    let busiest = busiest_assets(data_dir, cfg.busiest)?;
    let id_of = |tag: &str| -> Result<Uuid> {
        Ok(store
            .asset_by_tag(tag)?
            .with_context(|| format!("asset {tag} not found"))?
            .id)
    };
    let (warm, random_ids) = series(cfg.warmup, cfg.pages, |_| id_of(&rng.pick(assets).tag));
    let warm: Vec<Uuid> = warm.into_iter().collect::<Result<_>>()?;
    let random_ids: Vec<Uuid> = random_ids.into_iter().collect::<Result<_>>()?;
    let busiest_ids: Vec<Uuid> = busiest
        .iter()
        .map(|(t, _)| id_of(t))
        .collect::<Result<_>>()?;
    let page = |id: &Uuid| -> Result<usize> { Ok(store.asset_page(*id, 50)?.history.len()) };
    let (mut page_all, _) = time_each(&warm, &random_ids, page)?;
    let (page_busy, busy_rows) = time_each(&[], &busiest_ids, page)?;
    anyhow::ensure!(
        busy_rows == 50 * busiest_ids.len() || busiest.iter().any(|b| b.1 < 50),
        "short history pages"
    );
    for d in page_busy.iter() {
        page_all.push(*d);
    }
    Ok(LookupResults {
        by_tag: by_tag.summary(),
        tag_prefix: tag_prefix.summary(),
        word_prefix: word_prefix.summary(),
        tag_typo: tag_typo.summary(),
        page_all: page_all.summary(),
        page_busiest: page_busy.summary(),
        busiest_count: busiest.first().map_or(0, |b| b.1),
        average_hits_word: word_hits as f64 / word_prefixes.len().max(1) as f64,
        tag_by_length: by_length(&tag_prefixes, &tag_prefix),
        word_by_length: by_length(&word_prefixes, &word_prefix),
    })
}
