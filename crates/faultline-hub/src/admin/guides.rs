//! `faultline-hub load --site S --kind guides FILE...`: troubleshooting guides (TOML,
//! docs/guides.md) checked as `faultline guides check` does — the format and the site's failure
//! catalogue — and published to the site's laptops through the feed. All or nothing: one file
//! with an error loads none. A guide whose version is older than the site's is refused; the same
//! version with the same content changes nothing.

use super::load::LoadReport;
use super::sites::site_name;
use crate::error::{HubError, Result};
use crate::pg::PgStore;
use faultline_core::domain::{CatalogEntry, CatalogLevel, FailureCatalog, Guide};
use faultline_diagnosis::guide::check;
use std::path::PathBuf;
use tokio_postgres::types::Json;

async fn catalog(tx: &tokio_postgres::Transaction<'_>, site: &str) -> Result<FailureCatalog> {
    let mut cat = FailureCatalog::default();
    let rows = tx
        .query(
            "SELECT level, parent, code, description FROM failure_codes WHERE site = $1
             ORDER BY level, parent, code",
            &[&site],
        )
        .await?;
    for r in rows {
        let Some(level) = CatalogLevel::parse(r.get(0)) else {
            continue;
        };
        let parent: String = r.get(1);
        let e = CatalogEntry {
            level,
            parent: (!parent.is_empty()).then_some(parent),
            code: r.get(2),
            description: r.get(3),
        };
        match level {
            CatalogLevel::Class => cat.classes.push(e),
            CatalogLevel::Problem => cat.problems.push(e),
            CatalogLevel::Cause => cat.causes.push(e),
            CatalogLevel::Remedy => cat.remedies.push(e),
            _ => {}
        }
    }
    Ok(cat)
}

pub async fn load_guides(store: &PgStore, site: &str, files: &[PathBuf]) -> Result<LoadReport> {
    site_name(store, site).await?;
    let mut texts = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| {
            HubError::Invalid(format!("cannot read the guide {}: {e}", f.display()))
        })?;
        texts.push((f, text));
    }
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    let cat = catalog(&tx, site).await?;
    let mut guides: Vec<(Guide, &str)> = Vec::new();
    let mut errors = Vec::new();
    for (f, text) in &texts {
        let name = f.display().to_string();
        match check(&name, text, Some(&cat)) {
            Ok(g) => guides.push((g, text)),
            Err(e) => errors.extend(e.iter().map(|e| format!("{name}:{}: {e}", e.line))),
        }
    }
    if !errors.is_empty() {
        return Err(HubError::Invalid(format!(
            "{} error(s) in the guide files, nothing loaded:\n{}",
            errors.len(),
            errors.join("\n")
        )));
    }
    let mut report = LoadReport {
        kind: "guides".into(),
        ..LoadReport::default()
    };
    for (g, source) in &guides {
        report.rows += 1;
        let held = tx
            .query_opt(
                "SELECT version, guide FROM guides WHERE site = $1 AND id = $2",
                &[&site, &g.id],
            )
            .await?;
        let body =
            serde_json::to_value(g).map_err(|e| HubError::Internal(format!("guide JSON: {e}")))?;
        let version = i32::try_from(g.version).unwrap_or(i32::MAX);
        if let Some(r) = &held {
            let (v, Json(b)): (i32, Json<serde_json::Value>) = (r.get(0), r.get(1));
            if v > version {
                return Err(HubError::Invalid(format!(
                    "guide {} version {} is older than the site's version {v}: raise `version`",
                    g.id, g.version
                )));
            }
            if v == version && b == body {
                report.unchanged += 1;
                continue;
            }
        }
        tx.execute(
            "INSERT INTO guides (site, id, version, title, guide, source)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (site, id) DO UPDATE SET version = excluded.version,
                 title = excluded.title, guide = excluded.guide, source = excluded.source",
            &[&site, &g.id, &version, &g.title, &Json(&body), source],
        )
        .await?;
        if held.is_some() {
            report.updated += 1;
        } else {
            report.inserted += 1;
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// `faultline-hub purge --site S --guide ID`: withdraws a guide from the site; its tombstone
/// (entity `guide`, key its id) removes it from the laptops at their next sync. Sessions already
/// walked keep the copy of the guide they started with.
pub async fn purge_guide(store: &PgStore, site: &str, id: &str) -> Result<()> {
    super::retention::withdraw(store, site, ("guides", "id", "guide"), id).await
}
