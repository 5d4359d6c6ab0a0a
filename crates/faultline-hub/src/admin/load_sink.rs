//! The hub's [`ImportSink`]: the core importer's records become staging rows (`load_rows.rs`)
//! sent in batches to the COPY writer (`load_copy.rs`). The importer looks tags up in the site's
//! assets as PostgreSQL holds them ([`SiteAssets`]), so a work order finds its asset and an asset
//! its parent exactly as in the app, and an existing asset keeps its id and (unless the file
//! maps parents) its parent.
//!
//! Blocking: it runs on the importer's thread.

use super::load_copy::Msg;
use super::load_rows::{AssetRow, CodeRow, ProcedureRow, WoRow};
use crate::error::HubError;
use chrono::{DateTime, Utc};
use faultline_core::domain::Procedure;
use faultline_core::import::{
    refused, AssetLookup, AssetParent, AssetRecord, FailureCodeRecord, ImportCount, ImportError,
    ImportSink, SiteRecord, WorkOrderRecord,
};
use faultline_core::CoreError;
use faultline_protocol::ProcedureStepRecord;
use std::collections::{BTreeSet, HashMap};
use tokio::sync::mpsc;
use uuid::Uuid;

type CoreResult<T> = std::result::Result<T, CoreError>;

/// Rows per batch handed from the importer thread to the COPY writer.
const BATCH: usize = 5_000;

/// The site's assets, by key and by tag (lower-cased), updated as the file's assets come in.
#[derive(Default)]
pub struct SiteAssets {
    rows: Vec<AssetRow>,
    by_key: HashMap<String, usize>,
    by_tag: HashMap<String, usize>,
    /// Rows the file wrote (or whose location it renamed): the ones sent to PostgreSQL.
    written: Vec<bool>,
}

impl SiteAssets {
    pub fn new(rows: Vec<AssetRow>) -> Self {
        let mut s = SiteAssets {
            by_key: HashMap::with_capacity(rows.len()),
            by_tag: HashMap::with_capacity(rows.len()),
            written: vec![false; rows.len()],
            rows: Vec::new(),
        };
        for (i, r) in rows.iter().enumerate() {
            s.by_key.insert(r.external_key.clone(), i);
            s.by_tag.insert(r.tag.to_lowercase(), i);
        }
        s.rows = rows;
        s
    }

    fn by_tag(&self, tag: &str) -> Option<&AssetRow> {
        self.by_tag
            .get(&tag.to_lowercase())
            .and_then(|&i| self.rows.get(i))
    }
}

/// Batches of one kind of row on their way to the COPY writer.
pub struct Batches<R> {
    tx: mpsc::Sender<Msg<R>>,
    batch: Vec<R>,
}

impl<R> Batches<R> {
    pub fn new(tx: mpsc::Sender<Msg<R>>) -> Self {
        Batches {
            tx,
            batch: Vec::with_capacity(BATCH),
        }
    }

    fn push(&mut self, row: R) -> CoreResult<()> {
        self.batch.push(row);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> CoreResult<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let full = std::mem::take(&mut self.batch);
        self.tx
            .blocking_send(Msg::Rows(full))
            .map_err(|_| CoreError::InvalidState("the PostgreSQL side of the load stopped".into()))
    }

    /// Sends what is left and then `Done`, or `Failed` so that the PostgreSQL side rolls back.
    fn finish(mut self, result: CoreResult<ImportCount>) {
        let msg = match result.and_then(|count| self.flush().map(|()| count)) {
            Ok(count) => Msg::Done { rows: count.rows },
            Err(e) => Msg::Failed(HubError::Import(e.to_string())),
        };
        let _ = self.tx.blocking_send(msg);
    }
}

/// Where one load's rows go: the kind decides the staging table.
pub enum Out {
    Assets(Batches<AssetRow>),
    WorkOrders(Batches<WoRow>),
    Codes(Batches<CodeRow>),
    Procedures(Batches<ProcedureRow>),
}

pub struct LoadSink {
    /// The hub site the rows are loaded into.
    site: String,
    /// Whether the mapping gives a site column (the export's own site codes then get a warning
    /// when they are not the hub site).
    maps_site: bool,
    other_sites: BTreeSet<String>,
    assets: SiteAssets,
    /// Each location's name, as first given in this file, by (export site, code).
    locations: HashMap<(String, String), String>,
    /// A catalogue file's entries, one per (level, parent, code) with its last description (a
    /// repeated entry would hit the same row twice in one upsert).
    codes: Vec<CodeRow>,
    code_at: HashMap<(String, String, String), usize>,
    out: Out,
}

fn wrong_kind(what: &str) -> CoreError {
    CoreError::InvalidState(format!("a {what} in a load of another kind"))
}

/// The replica keeps times to the millisecond; so does the hub.
fn ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

fn nonempty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

impl LoadSink {
    pub fn new(site: &str, maps_site: bool, assets: SiteAssets, out: Out) -> Self {
        LoadSink {
            site: site.to_string(),
            maps_site,
            other_sites: BTreeSet::new(),
            assets,
            locations: HashMap::new(),
            codes: Vec::new(),
            code_at: HashMap::new(),
            out,
        }
    }

    /// Runs the importer over the file into this sink and tells the COPY writer how it ended.
    pub fn run(mut self, mapping: &faultline_core::import::Mapping, csv: &std::path::Path) {
        let mut result = faultline_core::import::read_records(mapping, csv, &mut self);
        if let (Ok(_), Out::Codes(out)) = (&result, &mut self.out) {
            for row in std::mem::take(&mut self.codes) {
                if let Err(e) = out.push(row) {
                    result = Err(e);
                    break;
                }
            }
        }
        if !self.other_sites.is_empty() {
            // The hub site is the one the admin named; the export's own site codes (Maximo's
            // SITEID, say) need not match it. Said loudly, as a file of several sites is
            // usually a mistake.
            let other: Vec<&str> = self.other_sites.iter().map(String::as_str).collect();
            tracing::warn!(
                "{}: rows of site(s) {} in the file are loaded into site {}",
                csv.display(),
                other.join(","),
                self.site
            );
        }
        match self.out {
            Out::Assets(b) => b.finish(result),
            Out::WorkOrders(b) => b.finish(result),
            Out::Codes(b) => b.finish(result),
            Out::Procedures(b) => b.finish(result),
        }
    }
}

impl AssetLookup for LoadSink {
    type AssetRef = Uuid;

    fn asset_by_tag(&mut self, tag: &str) -> CoreResult<Option<Uuid>> {
        Ok(self.assets.by_tag(tag).map(|a| a.id))
    }
}

impl ImportSink for LoadSink {
    fn site(&mut self, r: &SiteRecord<'_>) -> CoreResult<()> {
        if self.maps_site && r.code != self.site {
            self.other_sites.insert(r.code.to_string());
        }
        Ok(())
    }

    fn asset(&mut self, r: &AssetRecord<'_>) -> CoreResult<bool> {
        let a = &mut self.assets;
        let tag_key = r.tag.to_lowercase();
        let same_key = a.by_key.get(r.external_key).copied();
        if let Some(&holder) = a.by_tag.get(&tag_key) {
            if Some(holder) != same_key {
                return Err(refused("another asset of the site has this tag"));
            }
        }
        let location_name = r.location.as_ref().map(|l| {
            self.locations
                .entry((r.site.to_string(), l.code.to_string()))
                .or_insert_with(|| l.name.to_string())
                .clone()
        });
        let mut row = AssetRow {
            id: r.id,
            external_key: r.external_key.to_string(),
            tag: r.tag.to_string(),
            name: r.name.to_string(),
            location_code: r.location.as_ref().map(|l| l.code.to_string()),
            location_name,
            parent_id: None,
            manufacturer: r.model.as_ref().and_then(|m| nonempty(m.manufacturer)),
            model: r.model.as_ref().and_then(|m| nonempty(m.model)),
            equipment_class: owned(r.equipment_class),
            criticality: r.criticality.map(|c| c.as_str().to_string()),
            serial_number: owned(r.serial_number),
            description: owned(r.description),
        };
        let i = match same_key {
            Some(i) => {
                let Some(old) = a.rows.get_mut(i) else {
                    return Err(CoreError::InvalidState(format!(
                        "asset {} is indexed but not held",
                        r.external_key
                    )));
                };
                // An asset the site holds keeps its id and, until the file says otherwise, its
                // parent.
                row.id = old.id;
                row.parent_id = old.parent_id;
                let old_tag = old.tag.to_lowercase();
                if old_tag != tag_key && a.by_tag.get(&old_tag) == Some(&i) {
                    a.by_tag.remove(&old_tag);
                }
                *old = row;
                if let Some(w) = a.written.get_mut(i) {
                    *w = true;
                }
                i
            }
            None => {
                a.rows.push(row);
                a.written.push(true);
                let i = a.rows.len() - 1;
                a.by_key.insert(r.external_key.to_string(), i);
                i
            }
        };
        a.by_tag.insert(tag_key, i);
        Ok(true)
    }

    fn asset_parent(&mut self, r: &AssetParent<'_>) -> CoreResult<bool> {
        let a = &mut self.assets;
        let parent = match r.parent_tag {
            None => None,
            Some(tag) => match a.by_tag(tag) {
                Some(p) => Some(p.id),
                None => return Ok(false),
            },
        };
        if let Some(row) = a
            .by_key
            .get(r.external_key)
            .and_then(|&i| a.rows.get_mut(i))
        {
            row.parent_id = parent;
        }
        Ok(true)
    }

    fn assets_done(&mut self) -> CoreResult<()> {
        let a = &mut self.assets;
        if a.rows.iter().any(|r| r.parent_id == Some(r.id)) {
            return Err(CoreError::Import(ImportError::new(
                std::path::Path::new(""),
                "an asset names itself as its parent",
            )));
        }
        // A location the file names anew renames it for the site's other assets there too,
        // as in the app's replica.
        for (row, written) in a.rows.iter_mut().zip(a.written.iter_mut()) {
            let Some(code) = row.location_code.as_ref().filter(|_| !*written) else {
                continue;
            };
            if let Some(name) = self.locations.get(&(self.site.clone(), code.clone())) {
                if row.location_name.as_ref() != Some(name) {
                    row.location_name = Some(name.clone());
                    *written = true;
                }
            }
        }
        let Out::Assets(out) = &mut self.out else {
            return Err(wrong_kind("asset"));
        };
        for (row, written) in a.rows.iter().zip(&a.written) {
            if *written {
                out.push(row.clone())?;
            }
        }
        Ok(())
    }

    fn work_order(&mut self, r: &WorkOrderRecord<'_, Uuid>) -> CoreResult<bool> {
        let Out::WorkOrders(out) = &mut self.out else {
            return Err(wrong_kind("work order"));
        };
        out.push(WoRow {
            id: r.id,
            external_key: Some(r.external_key.to_string()),
            number: r.number.to_string(),
            asset_id: r.asset,
            wo_type: r.wo_type.as_str().to_string(),
            status: r.status.as_str().to_string(),
            priority: i16::from(r.priority),
            title: r.title.to_string(),
            description: owned(r.description),
            fault_code: owned(r.fault_code),
            reported_by: owned(r.reported_by),
            reported_at: ms(r.reported_at),
            started_at: r.started_at.map(ms),
            finished_at: r.finished_at.map(ms),
            downtime_start: r.downtime_start.map(ms),
            downtime_end: r.downtime_end.map(ms),
            codes: r.codes().map(owned),
            cost: r.cost,
        })?;
        Ok(true)
    }

    fn failure_code(&mut self, r: &FailureCodeRecord<'_>) -> CoreResult<bool> {
        if !matches!(self.out, Out::Codes(_)) {
            return Err(wrong_kind("failure code"));
        }
        let key = (
            r.level.as_str().to_string(),
            r.parent.to_string(),
            r.code.to_string(),
        );
        match self.code_at.get(&key).and_then(|&i| self.codes.get_mut(i)) {
            Some(held) => held.description = r.description.to_string(),
            None => {
                self.code_at.insert(key.clone(), self.codes.len());
                self.codes.push(CodeRow {
                    level: key.0,
                    parent: key.1,
                    code: key.2,
                    description: r.description.to_string(),
                });
            }
        }
        Ok(true)
    }

    /// The steps go to PostgreSQL in the protocol's shape, the one laptops pull.
    fn procedure(&mut self, p: &Procedure) -> CoreResult<bool> {
        let Out::Procedures(out) = &mut self.out else {
            return Err(wrong_kind("procedure"));
        };
        let steps: Vec<ProcedureStepRecord> = p
            .steps
            .iter()
            .map(|s| ProcedureStepRecord {
                number: s.number,
                instruction: s.instruction.clone(),
                caution: s.caution.clone(),
            })
            .collect();
        let steps = serde_json::to_value(&steps).map_err(|e| {
            CoreError::InvalidState(format!(
                "the steps of procedure {} cannot be stored: {e}",
                p.code
            ))
        })?;
        out.push(ProcedureRow {
            code: p.code.clone(),
            title: p.title.clone(),
            manufacturer: p.manufacturer.clone(),
            model: p.model.clone(),
            equipment_class: p.equipment_class.clone(),
            problem_code: p.problem_code.clone(),
            steps,
        })?;
        Ok(true)
    }
}
