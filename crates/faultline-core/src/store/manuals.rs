//! The manual library's rows: manuals deduplicated by content hash, their extraction state, their
//! page text (the source of truth for the search index) and their links to asset models.
//! Invariant: a manual's pages and its move to `extracted` commit together.

use super::rows::{from_ms, ms, parse_enum, DbUuid};
use super::Store;
use crate::blobs::BlobStore;
use crate::domain::{Manual, ManualState};
use crate::error::{CoreError, Result};
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

/// One page as the search index needs it (`manual_pages_for_index`).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexPage {
    pub manual_id: Uuid,
    pub file_name: String,
    pub title: Option<String>,
    pub manufacturer: Option<String>,
    pub models: Vec<String>,
    pub language: Option<String>,
    pub page: u32,
    pub text: String,
}

const MANUAL_SELECT: &str = "SELECT m.id, m.sha256, m.file_name, m.title, m.manufacturer,
        (SELECT group_concat(trim(am.manufacturer || ' ' || am.model), char(31))
           FROM manual_models mm JOIN asset_models am ON am.id = mm.model_id
          WHERE mm.manual_rid = m.rid),
        m.language, m.size_bytes, m.page_count, m.state, m.failure_kind, m.failure_message,
        m.added_at
    FROM manuals m";

fn manual_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Manual> {
    let models: Option<String> = r.get(5)?;
    Ok(Manual {
        id: r.get::<_, DbUuid>(0)?.0,
        sha256: r.get(1)?,
        file_name: r.get(2)?,
        title: r.get(3)?,
        manufacturer: r.get(4)?,
        models: models
            .map(|m| m.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default(),
        language: r.get(6)?,
        size_bytes: r.get(7)?,
        page_count: r.get(8)?,
        state: parse_enum(r.get(9)?, ManualState::parse)?,
        failure_kind: r.get(10)?,
        failure_message: r.get(11)?,
        added_at: from_ms(r.get(12)?),
    })
}

impl Store {
    /// Where manual PDFs and photos are kept (content-addressed).
    pub fn blobs(&self) -> Result<&BlobStore> {
        self.blobs.as_ref().ok_or_else(|| {
            CoreError::InvalidState("this replica has no data directory for files".into())
        })
    }

    /// Adds a PDF to the library: stores the file by its hash and queues it for extraction.
    /// The same bytes added again return the existing manual (`false`: not new).
    pub fn add_manual(&mut self, file_name: &str, bytes: &[u8]) -> Result<(Manual, bool)> {
        if !bytes.starts_with(b"%PDF") && !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
            return Err(CoreError::InvalidInput(format!(
                "{file_name} is not a PDF file: add the manual as a .pdf"
            )));
        }
        let sha = self.blobs()?.put_manual(bytes)?;
        if let Some(existing) = self.manual_by_sha(&sha)? {
            return Ok((existing, false));
        }
        let now = self.clock().now();
        let id = self.ids().new_id();
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        self.conn().execute(
            "INSERT INTO manuals (id, sha256, file_name, size_bytes, state, added_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)",
            params![id.to_string(), sha, file_name, size, ms(now)],
        )?;
        Ok((self.manual(id)?, true))
    }

    pub fn manual(&self, id: Uuid) -> Result<Manual> {
        self.conn()
            .prepare_cached(&format!("{MANUAL_SELECT} WHERE m.id = ?1"))?
            .query_row(params![id.to_string()], manual_row)
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("no manual with id {id}")))
    }

    fn manual_by_sha(&self, sha: &str) -> Result<Option<Manual>> {
        Ok(self
            .conn()
            .prepare_cached(&format!("{MANUAL_SELECT} WHERE m.sha256 = ?1"))?
            .query_row(params![sha], manual_row)
            .optional()?)
    }

    /// Every manual, newest first.
    pub fn manuals(&self) -> Result<Vec<Manual>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "{MANUAL_SELECT} ORDER BY m.added_at DESC, m.rid DESC"
        ))?;
        let rows = stmt.query_map([], manual_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Links a manual to an asset model ("manufacturer" + "model"), creating the model if new.
    pub fn link_manual_to_model(
        &mut self,
        id: Uuid,
        manufacturer: &str,
        model: &str,
    ) -> Result<Manual> {
        let model = model.trim();
        if model.is_empty() {
            return Err(CoreError::InvalidInput(
                "name the model to link the manual to".into(),
            ));
        }
        let tx = self.conn_mut().transaction()?;
        let rid: i64 = tx
            .query_row(
                "SELECT rid FROM manuals WHERE id = ?1",
                params![id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("no manual with id {id}")))?;
        let model_id: i64 = tx.query_row(
            "INSERT INTO asset_models (manufacturer, model) VALUES (?1, ?2)
             ON CONFLICT(manufacturer, model) DO UPDATE SET model = excluded.model RETURNING id",
            params![manufacturer.trim(), model],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO manual_models (manual_rid, model_id) VALUES (?1, ?2)",
            params![rid, model_id],
        )?;
        if !manufacturer.trim().is_empty() {
            tx.execute(
                "UPDATE manuals SET manufacturer = coalesce(manufacturer, ?1) WHERE rid = ?2",
                params![manufacturer.trim(), rid],
            )?;
        }
        tx.commit()?;
        self.manual(id)
    }

    /// The asset models ("manufacturer model") of an asset, for boosting its manuals in search.
    pub fn asset_model_names(&self, asset_id: Uuid) -> Result<Vec<String>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT trim(m.manufacturer || ' ' || m.model) FROM assets a
               JOIN asset_models m ON m.id = a.model_id WHERE a.id = ?1",
        )?;
        let rows = stmt.query_map(params![asset_id.to_string()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes the oldest queued manual for extraction (moves it to `extracting`).
    pub fn claim_queued_manual(&mut self) -> Result<Option<Manual>> {
        let now = ms(self.clock().now());
        let id: Option<DbUuid> = self
            .conn()
            .query_row(
                "UPDATE manuals SET state = 'extracting', updated_at = ?1
                  WHERE rid = (SELECT rid FROM manuals WHERE state = 'queued' ORDER BY rid LIMIT 1)
                  RETURNING id",
                params![now],
                |r| r.get(0),
            )
            .optional()?;
        id.map(|i| self.manual(i.0)).transpose()
    }

    /// After a crash or a kill: manuals left `extracting` go back to the queue, so a killed
    /// import restarts cleanly. Returns how many were re-queued.
    pub fn requeue_interrupted_manuals(&mut self) -> Result<usize> {
        let now = ms(self.clock().now());
        Ok(self.conn().execute(
            "UPDATE manuals SET state = 'queued', updated_at = ?1 WHERE state = 'extracting'",
            params![now],
        )?)
    }

    /// Stores a manual's extracted pages (1-based, in order) and moves it to `extracted`, in one
    /// transaction.
    pub fn store_manual_pages(
        &mut self,
        id: Uuid,
        pages: &[String],
        title: Option<&str>,
        language: Option<&str>,
    ) -> Result<()> {
        let now = ms(self.clock().now());
        let tx = self.conn_mut().transaction()?;
        let rid: i64 = tx
            .query_row(
                "SELECT rid FROM manuals WHERE id = ?1",
                params![id.to_string()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("no manual with id {id}")))?;
        tx.execute(
            "DELETE FROM manual_pages WHERE manual_rid = ?1",
            params![rid],
        )?;
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO manual_pages (manual_rid, page, text) VALUES (?1, ?2, ?3)",
            )?;
            for (i, text) in pages.iter().enumerate() {
                ins.execute(params![rid, i64::try_from(i + 1).unwrap_or(i64::MAX), text])?;
            }
        }
        tx.execute(
            "UPDATE manuals SET state = 'extracted', page_count = ?1,
                    title = coalesce(?2, title), language = coalesce(?3, language),
                    failure_kind = NULL, failure_message = NULL, updated_at = ?4
              WHERE rid = ?5",
            params![
                i64::try_from(pages.len()).unwrap_or(i64::MAX),
                title,
                language,
                now,
                rid
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records why a manual has no searchable text. It is not retried at the next start.
    pub fn mark_manual_failed(&mut self, id: Uuid, kind: &str, message: &str) -> Result<()> {
        let now = ms(self.clock().now());
        let n = self.conn().execute(
            "UPDATE manuals SET state = 'failed', failure_kind = ?1, failure_message = ?2, updated_at = ?3
              WHERE id = ?4",
            params![kind, message, now, id.to_string()],
        )?;
        if n == 0 {
            return Err(CoreError::NotFound(format!("no manual with id {id}")));
        }
        Ok(())
    }

    /// The search index has committed this manual's pages.
    pub fn mark_manual_indexed(&mut self, id: Uuid) -> Result<()> {
        let now = ms(self.clock().now());
        self.conn().execute(
            "UPDATE manuals SET state = 'indexed', updated_at = ?1 WHERE id = ?2 AND state = 'extracted'",
            params![now, id.to_string()],
        )?;
        Ok(())
    }

    /// Puts a failed manual back in the queue (e.g. after the person entered its password).
    pub fn retry_manual(&mut self, id: Uuid) -> Result<Manual> {
        let now = ms(self.clock().now());
        self.conn().execute(
            "UPDATE manuals SET state = 'queued', failure_kind = NULL, failure_message = NULL,
                    updated_at = ?1 WHERE id = ?2 AND state = 'failed'",
            params![now, id.to_string()],
        )?;
        self.manual(id)
    }

    /// Every stored page of every manual with text (for a full index rebuild), manual by manual.
    pub fn manual_pages_for_index(
        &self,
        mut each: impl FnMut(IndexPage) -> Result<()>,
    ) -> Result<()> {
        for m in self.manuals_for_index()? {
            self.manual_pages_of(&m, &mut each)?;
        }
        Ok(())
    }

    /// The manuals whose pages belong in the index (extracted or indexed).
    pub fn manuals_for_index(&self) -> Result<Vec<Manual>> {
        Ok(self
            .manuals()?
            .into_iter()
            .filter(|m| matches!(m.state, ManualState::Extracted | ManualState::Indexed))
            .collect())
    }

    /// The stored pages of manual `m`, in page order, as the index needs them.
    pub fn manual_pages_of(
        &self,
        m: &Manual,
        mut each: impl FnMut(IndexPage) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.page, p.text FROM manual_pages p JOIN manuals m ON m.rid = p.manual_rid
              WHERE m.id = ?1 ORDER BY p.page",
        )?;
        let rows = stmt.query_map(params![m.id.to_string()], |r| {
            Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (page, text) = row?;
            each(IndexPage {
                manual_id: m.id,
                file_name: m.file_name.clone(),
                title: m.title.clone(),
                manufacturer: m.manufacturer.clone(),
                models: m.models.clone(),
                language: m.language.clone(),
                page,
                text,
            })?;
        }
        Ok(())
    }

    /// One page's stored text.
    pub fn manual_page_text(&self, id: Uuid, page: u32) -> Result<String> {
        self.conn()
            .prepare_cached(
                "SELECT p.text FROM manual_pages p JOIN manuals m ON m.rid = p.manual_rid
                  WHERE m.id = ?1 AND p.page = ?2",
            )?
            .query_row(params![id.to_string(), page], |r| r.get(0))
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("manual {id} has no page {page}")))
    }
}
