//! Troubleshooting guides on the laptop: the one write path that both `faultline guides import`
//! and a pulled hub change use, the list, one guide whole, and the candidates for an asset.

use super::Store;
use crate::domain::{Guide, GuideSummary};
use crate::error::{CoreError, Result};
use rusqlite::{params, Connection, OptionalExtension};

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| CoreError::InvalidState(format!("guide JSON: {e}")))
}

fn parse(id: &str, body: &str) -> Result<Guide> {
    serde_json::from_str(body)
        .map_err(|e| CoreError::InvalidState(format!("the stored guide {id} is unreadable: {e}")))
}

/// What writing a guide did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuideWrite {
    Added,
    Replaced,
    Unchanged,
}

impl Store {
    /// Writes `g` whole (`source`: the TOML as authored). An older version than the one held is
    /// refused; the same version with the same content is left alone.
    pub fn put_guide(&mut self, g: &Guide, source: Option<&str>) -> Result<GuideWrite> {
        let tx = self.conn_mut().transaction()?;
        let w = upsert_guide(&tx, g, source)?;
        tx.commit()?;
        Ok(w)
    }

    /// Every guide on this laptop, by id.
    pub fn guides(&self) -> Result<Vec<GuideSummary>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, body FROM guides ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.iter()
            .map(|(id, body)| parse(id, body).map(|g| g.summary()))
            .collect()
    }

    /// One guide whole.
    pub fn guide(&self, id: &str) -> Result<Guide> {
        let body: Option<String> = self
            .conn()
            .prepare_cached("SELECT body FROM guides WHERE id = ?1")?
            .query_row(params![id], |r| r.get(0))
            .optional()?;
        match body {
            Some(b) => parse(id, &b),
            None => Err(CoreError::NotFound(format!(
                "no guide {id:?} on this laptop: import it (faultline guides import FILE) or sync"
            ))),
        }
    }

    /// The guides written for this model or this equipment class (or for any asset: neither
    /// given), model-specific ones first. Which fault codes they answer is the caller's part.
    pub fn guides_for(&self, model: Option<&str>, class: Option<&str>) -> Result<Vec<Guide>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, body,
                    EXISTS (SELECT 1 FROM json_each(models) m WHERE m.value = ?1 COLLATE NOCASE)
             FROM guides
             WHERE EXISTS (SELECT 1 FROM json_each(models) m WHERE m.value = ?1 COLLATE NOCASE)
                OR EXISTS (SELECT 1 FROM json_each(equipment_classes) c
                           WHERE c.value = ?2 COLLATE NOCASE)
                OR (json_array_length(models) = 0 AND json_array_length(equipment_classes) = 0)
             ORDER BY 3 DESC, id",
        )?;
        let rows = stmt
            .query_map(params![model, class], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.iter().map(|(id, body)| parse(id, body)).collect()
    }
}

/// Stores a guide pulled from the hub: a newer version replaces the laptop's, an older one (an
/// import on this laptop ran ahead) is left alone.
pub(crate) fn apply_pulled_guide(
    conn: &Connection,
    r: &faultline_protocol::GuideRecord,
) -> Result<GuideWrite> {
    let g: Guide = serde_json::from_value(r.guide.clone()).map_err(|e| {
        CoreError::InvalidState(format!("the pulled guide {} is unreadable: {e}", r.id))
    })?;
    let held: Option<u32> = conn
        .prepare_cached("SELECT version FROM guides WHERE id = ?1")?
        .query_row(params![g.id], |r| r.get(0))
        .optional()?;
    if held.is_some_and(|v| v > g.version) {
        return Ok(GuideWrite::Unchanged);
    }
    upsert_guide(conn, &g, None)
}

/// Writes `g` in `conn`'s transaction (import and pull).
pub(crate) fn upsert_guide(
    conn: &Connection,
    g: &Guide,
    source: Option<&str>,
) -> Result<GuideWrite> {
    g.well_formed().map_err(CoreError::InvalidInput)?;
    let body = json(g)?;
    let held: Option<(u32, String)> = conn
        .prepare_cached("SELECT version, body FROM guides WHERE id = ?1")?
        .query_row(params![g.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match &held {
        Some((v, _)) if *v > g.version => {
            return Err(CoreError::InvalidInput(format!(
                "guide {} version {} is older than the version {v} on this laptop: raise `version` in the file",
                g.id, g.version
            )))
        }
        Some((v, b)) if *v == g.version && *b == body => return Ok(GuideWrite::Unchanged),
        _ => {}
    }
    conn.prepare_cached(
        "INSERT INTO guides (id, version, title, models, equipment_classes, codes, body, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(id) DO UPDATE SET version = excluded.version, title = excluded.title,
             models = excluded.models, equipment_classes = excluded.equipment_classes,
             codes = excluded.codes, body = excluded.body,
             source = COALESCE(excluded.source, guides.source)",
    )?
    .execute(params![
        g.id,
        g.version,
        g.title,
        json(&g.models)?,
        json(&g.equipment_classes)?,
        json(&g.codes)?,
        body,
        source
    ])?;
    Ok(if held.is_some() {
        GuideWrite::Replaced
    } else {
        GuideWrite::Added
    })
}
