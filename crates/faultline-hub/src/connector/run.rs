//! Running the connectors: `maximo drain` once, and the loop every `serve` process runs (all
//! processes may run it at once: the queue's claim keeps them from sending a row twice): the
//! site's queue drained, then what changed in Maximo fetched (`inbound.rs`).

use super::{connector_config, drain_yielding, fetch_site, DrainReport, Maximo, PAGE_SIZE};
use crate::error::{HubError, Result};
use crate::priority::LaptopGate;
use crate::PgStore;
use std::time::Duration;

/// Longest one Maximo request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Rows a sender claims at once: new work orders among them go to Maximo in one BULK request.
pub const BULK_ITEMS: i64 = 20;

/// Drains a site's queue with `concurrency` senders at once; their reports added up.
pub async fn drain_site(store: &PgStore, site: &str, concurrency: usize) -> Result<DrainReport> {
    drain_site_yielding(store, site, concurrency, None).await
}

/// [`drain_site`] whose senders let the process's laptop requests go first (`laptops`, see
/// `crate::priority`).
pub async fn drain_site_yielding(
    store: &PgStore,
    site: &str,
    concurrency: usize,
    laptops: Option<&LaptopGate>,
) -> Result<DrainReport> {
    let config = connector_config(store, site)
        .await?
        .ok_or_else(|| HubError::NotFound(format!("site {site} has no CMMS connector")))?;
    let maximo = Maximo::new(&config, REQUEST_TIMEOUT)?;
    // Timed and counted for `GET /metrics`.
    let metered = crate::metrics::Metered::new(&maximo, site, &config.kind);
    let senders = (0..concurrency.max(1))
        .map(|_| drain_yielding(store, site, &metered, u64::MAX, BULK_ITEMS, laptops));
    let mut total = DrainReport::default();
    for r in futures_util::future::join_all(senders).await {
        let r = r?;
        total.sent += r.sent;
        total.skipped += r.skipped;
        total.retried += r.retried;
        total.rejected += r.rejected;
        total.conflicts += r.conflicts;
        total.auth_error = total.auth_error.or(r.auth_error);
    }
    Ok(total)
}

/// Every `every`, drains every site with a connector whose key was not refused, its senders
/// letting the pushes and pulls counted on `laptops` go first; logs what it did. Never returns.
pub async fn run_connectors(
    store: PgStore,
    every: Duration,
    concurrency: usize,
    laptops: LaptopGate,
) {
    loop {
        match sites(&store).await {
            Ok(sites) => {
                for site in sites {
                    match drain_site_yielding(&store, &site, concurrency, Some(&laptops)).await {
                        Ok(r) if r.sent + r.retried + r.rejected + r.skipped + r.conflicts > 0 => {
                            tracing::info!(
                                site,
                                sent = r.sent,
                                retried = r.retried,
                                rejected = r.rejected,
                                conflicts = r.conflicts,
                                skipped = r.skipped,
                                "cmms connector"
                            )
                        }
                        Ok(r) => {
                            if let Some(e) = r.auth_error {
                                tracing::warn!(site, "cmms connector stopped: key refused: {e}");
                            }
                        }
                        Err(e) => tracing::warn!(site, "cmms connector: {e}"),
                    }
                    match fetch_site(&store, &site, PAGE_SIZE).await {
                        Ok(reports) => {
                            for r in reports.iter().filter(|r| r.records > 0) {
                                tracing::info!(
                                    site,
                                    object = r.object,
                                    records = r.records,
                                    inserted = r.inserted,
                                    updated = r.updated,
                                    refused = r.refused,
                                    deferred = r.deferred,
                                    "cmms fetch"
                                )
                            }
                        }
                        Err(e) => {
                            crate::metrics::record_fetch_failed(&site, "maximo");
                            tracing::warn!(site, "cmms fetch: {e}")
                        }
                    }
                }
            }
            Err(e) => tracing::warn!("cmms connector: cannot list sites: {e}"),
        }
        tokio::time::sleep(every).await;
    }
}

pub(super) async fn sites(store: &PgStore) -> Result<Vec<String>> {
    let rows = store
        .client()
        .await?
        .query(
            "SELECT site FROM cmms_connectors WHERE auth_error IS NULL ORDER BY site",
            &[],
        )
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}
