//! Storage per site against its budget (`faultline-hub storage`, `site budget`), and the hub's
//! housekeeping while it serves: expiring unfinished uploads and warning when a site nears or
//! passes its budget.

use super::sites::site_name;
use crate::error::{HubError, Result};
use crate::pg::{expire_uploads, PgStore};
use serde::Serialize;
use std::time::Duration;

/// A site's storage budget when neither `--site-storage-budget` nor `site budget` says
/// otherwise: 20 GiB.
pub const DEFAULT_SITE_BUDGET: u64 = 20 * 1024 * 1024 * 1024;

/// Share of the budget from which the hub warns that a site is nearly full.
const NEAR: f64 = 0.9;

/// The site tables whose rows count against its budget.
const RECORD_TABLES: &[&str] = &[
    "assets",
    "work_orders",
    "notes",
    "parts",
    "photos",
    "failure_codes",
    "manuals",
    "procedures",
    "conflicts",
    "tombstones",
    "applied_mutations",
];

/// What one site stores, against its budget.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SiteStorage {
    pub site: String,
    /// Bytes of the rows of the site's records (PostgreSQL's own size of each row).
    pub record_bytes: u64,
    /// Bytes of the complete blobs (photos, manuals) the site may read; a blob shared by two
    /// sites counts for both.
    pub blob_bytes: u64,
    /// Bytes held by unfinished uploads to the site.
    pub upload_bytes: u64,
    pub total_bytes: u64,
    pub budget_bytes: u64,
    /// `ok`, `near` (90% of the budget or more) or `over`.
    pub state: &'static str,
}

fn bytes(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Usage of every site (or of `only`), with the budget set for it or `default_budget`.
pub async fn site_storage(
    store: &PgStore,
    default_budget: u64,
    only: Option<&str>,
) -> Result<Vec<SiteStorage>> {
    if let Some(site) = only {
        site_name(store, site).await?;
    }
    let client = store.client().await?;
    let sites = client
        .query(
            "SELECT code, storage_budget_bytes FROM sites
             WHERE $1::text IS NULL OR code = $1 ORDER BY code",
            &[&only],
        )
        .await?;
    let mut out = Vec::new();
    for row in sites {
        let site: String = row.get(0);
        let budget = row.get::<_, Option<i64>>(1).map_or(default_budget, bytes);
        let mut record_bytes = 0u64;
        for table in RECORD_TABLES {
            let r = client
                .query_one(
                    &format!(
                        "SELECT coalesce(sum(pg_column_size(t.*)), 0)::bigint FROM {table} t
                         WHERE t.site = $1"
                    ),
                    &[&site],
                )
                .await?;
            record_bytes += bytes(r.get(0));
        }
        let blob_bytes = bytes(
            client
                .query_one(
                    "SELECT coalesce(sum(b.size_bytes), 0)::bigint
                     FROM blob_sites s JOIN blobs b ON b.sha256 = s.sha256 WHERE s.site = $1",
                    &[&site],
                )
                .await?
                .get(0),
        );
        let upload_bytes = bytes(
            client
                .query_one(
                    "SELECT coalesce(sum(held), 0)::bigint FROM blob_uploads WHERE site = $1",
                    &[&site],
                )
                .await?
                .get(0),
        );
        let total_bytes = record_bytes + blob_bytes + upload_bytes;
        out.push(SiteStorage {
            state: state_of(total_bytes, budget),
            site,
            record_bytes,
            blob_bytes,
            upload_bytes,
            total_bytes,
            budget_bytes: budget,
        });
    }
    Ok(out)
}

fn state_of(total: u64, budget: u64) -> &'static str {
    if total >= budget {
        "over"
    } else if total as f64 >= budget as f64 * NEAR {
        "near"
    } else {
        "ok"
    }
}

/// Sets site `site`'s budget (`None`: back to the hub's default).
pub async fn set_site_budget(store: &PgStore, site: &str, budget: Option<u64>) -> Result<()> {
    site_name(store, site).await?;
    let budget = budget
        .map(|b| i64::try_from(b).map_err(|_| HubError::Invalid(format!("{b} bytes is too large"))))
        .transpose()?;
    store
        .client()
        .await?
        .execute(
            "UPDATE sites SET storage_budget_bytes = $2 WHERE code = $1",
            &[&site, &budget],
        )
        .await?;
    Ok(())
}

/// Logs a WARN line for every site near or over its budget; returns those sites.
pub async fn warn_over_budget(store: &PgStore, default_budget: u64) -> Result<Vec<SiteStorage>> {
    let full: Vec<SiteStorage> = site_storage(store, default_budget, None)
        .await?
        .into_iter()
        .filter(|s| s.state != "ok")
        .collect();
    for s in &full {
        tracing::warn!(
            site = %s.site,
            total_bytes = s.total_bytes,
            budget_bytes = s.budget_bytes,
            state = s.state,
            "site storage {} its budget: see `faultline-hub storage`",
            if s.state == "over" { "is over" } else { "is near" }
        );
    }
    Ok(full)
}

/// What `serve` does every `every` while it runs: expire unfinished uploads older than
/// `upload_expiry`, then check every site's storage against its budget. Errors are logged; the
/// next round tries again.
pub async fn housekeeping(
    store: PgStore,
    upload_expiry: Duration,
    default_budget: u64,
    every: Duration,
) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(e) = expire_uploads(&store, upload_expiry).await {
            tracing::error!("expiring unfinished uploads: {e}");
        }
        if let Err(e) = warn_over_budget(&store, default_budget).await {
            tracing::error!("checking site storage: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_is_near_from_ninety_percent_and_over_at_its_budget() {
        assert_eq!(state_of(0, 100), "ok");
        assert_eq!(state_of(89, 100), "ok");
        assert_eq!(state_of(90, 100), "near");
        assert_eq!(state_of(100, 100), "over");
        assert_eq!(state_of(1, 0), "over");
    }
}
