//! `faultline-hub load-manual`: a manual PDF stored as a blob and published to a site.

use super::sites::site_name;
use crate::error::{HubError, Result};
use crate::pg::{put_blob, PgStore};
use faultline_protocol::ManualRecord;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Bytes per stored chunk of an admin-loaded blob.
const CHUNK: usize = 1024 * 1024;

/// Stores `path` and publishes it to `site` for the given `manufacturer|model` names (added to
/// the models it already covers there). Loading the same file again changes nothing.
pub async fn load_manual(
    store: &PgStore,
    site: &str,
    models: &[String],
    title: Option<&str>,
    path: &Path,
) -> Result<ManualRecord> {
    site_name(store, site).await?;
    let mut names = Vec::new();
    for m in models {
        let Some((maker, model)) = m.split_once('|') else {
            return Err(HubError::Invalid(format!(
                "--model {m:?} must be MANUFACTURER|MODEL (e.g. \"Kessler Mechatronik|KM-600\"; \"|KM-600\" without a maker)"
            )));
        };
        if model.trim().is_empty() {
            return Err(HubError::Invalid(format!("--model {m:?} has no model")));
        }
        names.push(format!("{}|{}", maker.trim(), model.trim()));
    }
    let bytes = std::fs::read(path).map_err(|e| HubError::io(path, e))?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(HubError::Invalid(format!(
            "{} is not a PDF file (it does not start with %PDF-)",
            path.display()
        )));
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "manual.pdf".into());
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    let mut client = store.client().await?;
    let tx = client.transaction().await?;
    put_blob(&tx, site, &sha256, &bytes, CHUNK).await?;
    tx.execute(
        "INSERT INTO manuals AS m (site, sha256, file_name, title, size_bytes, models)
         VALUES ($1, $2, $3, $4, $5, (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}')
                                      FROM unnest($6::text[]) x))
         ON CONFLICT (site, sha256) DO UPDATE SET
             file_name = excluded.file_name,
             title = coalesce(excluded.title, m.title),
             models = (SELECT array_agg(DISTINCT x ORDER BY x)
                       FROM unnest(m.models || excluded.models) x)
         WHERE (m.file_name, m.title, m.models) IS DISTINCT FROM
               (excluded.file_name, coalesce(excluded.title, m.title),
                (SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(m.models || excluded.models) x))",
        &[&site, &sha256, &file_name, &title, &size, &names],
    )
    .await?;
    let r = tx
        .query_one(
            "SELECT file_name, title, size_bytes, models FROM manuals WHERE site = $1 AND sha256 = $2",
            &[&site, &sha256],
        )
        .await?;
    tx.commit().await?;
    Ok(ManualRecord {
        sha256,
        file_name: r.get(0),
        title: r.get(1),
        size_bytes: r.get(2),
        models: r.get(3),
    })
}
