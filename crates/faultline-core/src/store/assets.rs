//! Asset reads: the finder's type-ahead, lookup by scanned tag, and the asset page.

use super::rows::{parse_enum, DbUuid};
use super::Store;
use crate::domain::{Asset, AssetPage, AssetRef, AssetSummary, Criticality};
use crate::error::{CoreError, Result};
use rusqlite::{params, OptionalExtension, Row};
use uuid::Uuid;

const SUMMARY_SELECT: &str = "SELECT a.rid, a.id, a.tag, a.name, l.name, m.manufacturer, m.model,
        a.equipment_class, a.criticality,
        (SELECT count(*) FROM work_orders w
          WHERE w.asset_rid = a.rid AND w.status IN ('open', 'in_progress'))
    FROM assets a
    LEFT JOIN locations l ON l.id = a.location_id
    LEFT JOIN asset_models m ON m.id = a.model_id";

fn criticality(v: Option<String>) -> rusqlite::Result<Option<Criticality>> {
    v.map(|s| parse_enum(s, Criticality::parse)).transpose()
}

fn summary_row(r: &Row<'_>) -> rusqlite::Result<(i64, AssetSummary)> {
    let manufacturer: Option<String> = r.get(5)?;
    Ok((
        r.get(0)?,
        AssetSummary {
            id: r.get::<_, DbUuid>(1)?.0,
            tag: r.get(2)?,
            name: r.get(3)?,
            location: r.get(4)?,
            manufacturer: manufacturer.filter(|m| !m.is_empty()),
            model: r.get(6)?,
            equipment_class: r.get(7)?,
            criticality: criticality(r.get(8)?)?,
            open_work_orders: r.get(9)?,
        },
    ))
}

/// Turns what a person typed into an FTS5 query of quoted prefix terms: no query syntax leaks.
fn fts_prefix_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(|t| format!("\"{}\"*", t.to_lowercase()))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

impl Store {
    /// Type-ahead: exact tag first, then tags starting with the text, then assets whose tag,
    /// name, model or location words start with the typed words.
    pub fn find_assets(&self, query: &str, limit: usize) -> Result<Vec<AssetSummary>> {
        let query = query.trim();
        let limit_i = i64::try_from(limit.clamp(1, 500)).unwrap_or(50);
        let conn = self.conn();
        if query.is_empty() {
            let mut stmt =
                conn.prepare_cached(&format!("{SUMMARY_SELECT} ORDER BY a.tag LIMIT ?1"))?;
            let rows = stmt.query_map(params![limit_i], summary_row)?;
            return Ok(rows
                .map(|r| r.map(|(_, s)| s))
                .collect::<rusqlite::Result<_>>()?);
        }
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        let mut push = |(rid, s): (i64, AssetSummary), out: &mut Vec<AssetSummary>| {
            if out.len() < limit && seen.insert(rid) {
                out.push(s);
            }
        };
        // 1. The exact tag (a scan, or a tag typed in full).
        let mut exact = conn.prepare_cached(&format!("{SUMMARY_SELECT} WHERE a.tag = ?1"))?;
        for row in exact.query_map(params![query], summary_row)? {
            push(row?, &mut out);
        }
        // 2. Tags that start with the text, in tag order: a range scan of the NOCASE tag index
        //    that stops at the limit (no sort).
        let upper = format!("{query}\u{10FFFF}");
        let mut by_tag = conn.prepare_cached(&format!(
            "{SUMMARY_SELECT} WHERE a.tag >= ?1 AND a.tag < ?2 ORDER BY a.tag LIMIT ?3"
        ))?;
        for row in by_tag.query_map(params![query, upper, limit_i], summary_row)? {
            push(row?, &mut out);
        }
        // 3. Assets whose tag, name, model or location words start with the typed words. FTS
        //    hits come in rowid order and stop at the limit: ranking every match of a two-letter
        //    prefix would cost milliseconds, and type-ahead narrows as the person types.
        if out.len() < limit {
            if let Some(fts) = fts_prefix_query(query) {
                let mut by_text = conn.prepare_cached(&format!(
                    "{SUMMARY_SELECT} JOIN (SELECT rowid AS hit FROM assets_fts
                         WHERE assets_fts MATCH ?1 LIMIT ?2) f ON f.hit = a.rid"
                ))?;
                for row in by_text.query_map(params![fts, limit_i * 2], summary_row)? {
                    push(row?, &mut out);
                }
            }
        }
        // 4. Nothing found: the same words with one typo each (or the whole tag one edit away).
        if out.is_empty() {
            let mut by_rid = conn.prepare_cached(&format!("{SUMMARY_SELECT} WHERE a.rid = ?1"))?;
            for rid in self.fuzzy_asset_rids(query, limit)? {
                for row in by_rid.query_map(params![rid], summary_row)? {
                    push(row?, &mut out);
                }
            }
        }
        Ok(out)
    }

    /// The asset whose tag is exactly `tag` (case-insensitive): what a barcode scan resolves to.
    pub fn asset_by_tag(&self, tag: &str) -> Result<Option<Asset>> {
        let rid: Option<i64> = self
            .conn()
            .prepare_cached("SELECT rid FROM assets WHERE tag = ?1")?
            .query_row(params![tag.trim()], |r| r.get(0))
            .optional()?;
        rid.map(|rid| self.asset_by_rid(rid)).transpose()
    }

    pub fn asset(&self, id: Uuid) -> Result<Asset> {
        let rid = self.asset_rid(id)?;
        self.asset_by_rid(rid)
    }

    /// Resolves a tag or an id as a person or a script gives it.
    pub fn resolve_asset(&self, tag_or_id: &str) -> Result<Asset> {
        if let Some(a) = self.asset_by_tag(tag_or_id)? {
            return Ok(a);
        }
        if let Ok(id) = Uuid::parse_str(tag_or_id.trim()) {
            return self.asset(id);
        }
        Err(CoreError::NotFound(format!(
            "no asset with tag {:?}: check the tag on the machine's plate, or search by name",
            tag_or_id.trim()
        )))
    }

    pub(crate) fn asset_rid(&self, id: Uuid) -> Result<i64> {
        self.conn()
            .prepare_cached("SELECT rid FROM assets WHERE id = ?1")?
            .query_row(params![id.to_string()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("no asset with id {id}")))
    }

    fn asset_by_rid(&self, rid: i64) -> Result<Asset> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT a.id, a.tag, a.name, s.code, s.name, l.code, l.name,
                    p.id, p.tag, p.name, m.manufacturer, m.model, a.equipment_class,
                    a.criticality, a.serial_number, a.description
             FROM assets a
             JOIN sites s ON s.code = a.site_code
             LEFT JOIN locations l ON l.id = a.location_id
             LEFT JOIN assets p ON p.rid = a.parent_rid
             LEFT JOIN asset_models m ON m.id = a.model_id
             WHERE a.rid = ?1",
        )?;
        let mut asset = stmt.query_row(params![rid], |r| {
            let parent = match r.get::<_, Option<DbUuid>>(7)? {
                Some(id) => Some(AssetRef {
                    id: id.0,
                    tag: r.get(8)?,
                    name: r.get(9)?,
                }),
                None => None,
            };
            let manufacturer: Option<String> = r.get(10)?;
            Ok(Asset {
                id: r.get::<_, DbUuid>(0)?.0,
                tag: r.get(1)?,
                name: r.get(2)?,
                site_code: r.get(3)?,
                site_name: r.get(4)?,
                location_code: r.get(5)?,
                location_name: r.get(6)?,
                parent,
                children: Vec::new(),
                manufacturer: manufacturer.filter(|m| !m.is_empty()),
                model: r.get(11)?,
                equipment_class: r.get(12)?,
                criticality: criticality(r.get(13)?)?,
                serial_number: r.get(14)?,
                description: r.get(15)?,
            })
        })?;
        let mut children = conn.prepare_cached(
            "SELECT id, tag, name FROM assets WHERE parent_rid = ?1 ORDER BY tag",
        )?;
        asset.children = children
            .query_map(params![rid], |r| {
                Ok(AssetRef {
                    id: r.get::<_, DbUuid>(0)?.0,
                    tag: r.get(1)?,
                    name: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(asset)
    }

    /// The asset page: details, open work orders, the newest `history_limit` work orders, and
    /// the last alarms.
    pub fn asset_page(&self, asset_id: Uuid, history_limit: usize) -> Result<AssetPage> {
        let rid = self.asset_rid(asset_id)?;
        let asset = self.asset_by_rid(rid)?;
        let open_work_orders = self.open_work_orders_of(rid)?;
        let history = self.history_of(rid, history_limit)?;
        let history_total: u32 = self
            .conn()
            .prepare_cached("SELECT count(*) FROM work_orders WHERE asset_rid = ?1")?
            .query_row(params![rid], |r| r.get(0))?;
        let recent_faults = self.recent_faults_of(rid, 20)?;
        let procedures = self.procedures_for(&asset)?;
        let help = self.asset_help(rid, &open_work_orders)?;
        Ok(AssetPage {
            asset,
            open_work_orders,
            history,
            history_total,
            recent_faults,
            procedures,
            help,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_never_becomes_query_syntax() {
        assert_eq!(
            fts_prefix_query("E-214 (spindle) \"x\" OR"),
            Some("\"e\"* \"214\"* \"spindle\"* \"x\"* \"or\"*".to_string())
        );
        assert_eq!(fts_prefix_query(" -()\" "), None);
    }
}
