//! What a technician does to a work order: log a breakdown, add notes, parts and photos, record
//! downtime, close with failure codes. Each call is one SQLite transaction that also queues the
//! change in the outbox; when it returns Ok, the change is on disk.

use super::outbox::append;
use super::rows::ms;
use super::Store;
use crate::domain::{
    CloseWorkOrder, FailureCodes, NewBreakdown, NewPart, StopMachine, WorkOrder, WorkOrderStatus,
};
use crate::error::{CoreError, Result};
use crate::validate::{self, MAX_CODE_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS};
use chrono::{DateTime, Utc};
use faultline_protocol::Mutation;
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;

/// A required text, cleaned by the shared rule (control characters removed, trimmed, bounded).
fn required_text(field: &'static str, what: &str, text: &str, max: usize) -> Result<String> {
    Ok(validate::clean_text(field, what, text, max, true)?.unwrap_or_default())
}

/// An optional text, cleaned by the shared rule; blank becomes `None`.
fn optional_text(
    field: &'static str,
    what: &str,
    text: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    match text {
        Some(t) => Ok(validate::clean_text(field, what, t, max, false)?),
        None => Ok(None),
    }
}

/// What the store needs to know about a work order before changing it.
struct WoState {
    rid: i64,
    asset_rid: i64,
    reported_at: i64,
    status: WorkOrderStatus,
    downtime_start: Option<i64>,
    downtime_end: Option<i64>,
    version: i64,
    equipment_class: Option<String>,
}

impl Store {
    fn wo_state(&self, id: Uuid) -> Result<WoState> {
        self.conn()
            .prepare_cached(
                "SELECT w.rid, w.status, w.downtime_start, w.downtime_end, w.version, a.equipment_class,
                        w.asset_rid, w.reported_at
                 FROM work_orders w JOIN assets a ON a.rid = w.asset_rid WHERE w.id = ?1",
            )?
            .query_row(params![id.to_string()], |r| {
                Ok(WoState {
                    rid: r.get(0)?,
                    status: super::rows::parse_enum(r.get(1)?, WorkOrderStatus::parse)?,
                    downtime_start: r.get(2)?,
                    downtime_end: r.get(3)?,
                    version: r.get(4)?,
                    equipment_class: r.get(5)?,
                    asset_rid: r.get(6)?,
                    reported_at: r.get(7)?,
                })
            })
            .optional()?
            .ok_or_else(|| CoreError::NotFound(format!("no work order with id {id}")))
    }

    fn open_wo_state(&self, id: Uuid, action: &str) -> Result<WoState> {
        let st = self.wo_state(id)?;
        if !st.status.is_open() {
            return Err(CoreError::InvalidState(format!(
                "cannot {action}: the work order is {}; open a new work order instead",
                st.status.as_str()
            )));
        }
        Ok(st)
    }

    /// Logs a breakdown: a new open work order, its downtime start if the machine is stopped,
    /// and the first note.
    pub fn log_breakdown(&mut self, input: &NewBreakdown) -> Result<WorkOrder> {
        let now = self.clock().now();
        let asset_rid = self.asset_rid(input.asset_id)?;
        let fault_code = optional_text(
            "fault_code",
            "the fault code",
            input.fault_code.as_deref(),
            MAX_CODE_CHARS,
        )?;
        let symptom = validate::clean_text(
            "title",
            "the symptom",
            &input.symptom,
            MAX_TEXT_CHARS,
            fault_code.is_none(),
        )?;
        let title = match (symptom, &fault_code) {
            (Some(s), _) => s,
            (None, Some(code)) => format!("Fault {code}"),
            (None, None) => String::new(),
        };
        let author = required_text(
            "author",
            "the technician's name",
            &input.author,
            MAX_SHORT_TEXT_CHARS,
        )?;
        let note = optional_text("text", "the note", input.note.as_deref(), MAX_TEXT_CHARS)?;
        let priority = input.priority.unwrap_or(2);
        if !(1..=5).contains(&priority) {
            return Err(CoreError::InvalidInput(format!(
                "priority {priority} is out of range: use 1 (highest) to 5"
            )));
        }
        let downtime_start = match (input.machine_stopped, input.stopped_at) {
            (false, _) => None,
            (true, None) => Some(now),
            (true, Some(at)) => {
                self.check_stop(asset_rid, None, at, now, input.confirm_old_stop)?;
                Some(at)
            }
        };
        let id = self.ids().new_id();
        let number = format!(
            "L-{}-{}",
            now.format("%y%m%d"),
            &id.simple().to_string()[28..]
        )
        .to_uppercase();
        let create = Mutation::CreateWorkOrder {
            work_order_id: id,
            number: number.clone(),
            asset_id: input.asset_id,
            wo_type: "breakdown".into(),
            priority,
            title: title.clone(),
            fault_code: fault_code.clone(),
            reported_by: author.clone(),
            reported_at: now,
            downtime_start,
        };
        let mutation_id = self.ids().new_id();
        let note_ids = note
            .as_ref()
            .map(|_| (self.ids().new_id(), self.ids().new_id()));
        let tx = self.conn_mut().transaction()?;
        tx.prepare_cached(
            "INSERT INTO work_orders (id, number, asset_rid, wo_type, status, priority, title,
                 fault_code, reported_by, reported_at, downtime_start)
             VALUES (?1, ?2, ?3, 'breakdown', 'open', ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![
            id.to_string(),
            number,
            asset_rid,
            priority,
            title,
            fault_code,
            author,
            ms(now),
            downtime_start.map(ms),
        ])?;
        let rid = tx.last_insert_rowid();
        append(&tx, mutation_id, id, 0, now, &create)?;
        if let (Some(text), Some((note_id, note_mutation))) = (note, note_ids) {
            insert_note(&tx, rid, note_id, &author, &text, now)?;
            let m = Mutation::AddNote {
                note_id,
                work_order_id: id,
                author: author.clone(),
                text,
                created_at: now,
            };
            append(&tx, note_mutation, note_id, 0, now, &m)?;
        }
        tx.commit()?;
        tracing::info!(%id, %number, "breakdown logged");
        self.work_order(id)
    }

    /// Appends a note to a work order (open or not: late notes on closed work are allowed).
    pub fn add_note(&mut self, work_order_id: Uuid, author: &str, text: &str) -> Result<WorkOrder> {
        let now = self.clock().now();
        let st = self.wo_state(work_order_id)?;
        let text = required_text("text", "the note", text, MAX_TEXT_CHARS)?;
        let author = required_text(
            "author",
            "the technician's name",
            author,
            MAX_SHORT_TEXT_CHARS,
        )?;
        let note_id = self.ids().new_id();
        let mutation_id = self.ids().new_id();
        let tx = self.conn_mut().transaction()?;
        insert_note(&tx, st.rid, note_id, &author, &text, now)?;
        let m = Mutation::AddNote {
            note_id,
            work_order_id,
            author,
            text,
            created_at: now,
        };
        append(&tx, mutation_id, note_id, 0, now, &m)?;
        tx.commit()?;
        self.work_order(work_order_id)
    }

    /// Records that the machine stopped (if the breakdown was logged while it still ran); a
    /// stop more than a week before the report is refused (see [`Store::stop_machine`]).
    pub fn machine_stopped(
        &mut self,
        work_order_id: Uuid,
        at: Option<DateTime<Utc>>,
    ) -> Result<WorkOrder> {
        self.stop_machine(&StopMachine {
            work_order_id,
            at,
            confirm_old_stop: false,
        })
    }

    /// Records that the machine stopped. The time must be plausible: not in the future, not
    /// before the asset was last back in service, and more than
    /// [`validate::PLAUSIBLE_STOP_DAYS`] before the report only with `confirm_old_stop`.
    pub fn stop_machine(&mut self, input: &StopMachine) -> Result<WorkOrder> {
        let work_order_id = input.work_order_id;
        let now = self.clock().now();
        let at = input.at.unwrap_or(now);
        let st = self.open_wo_state(work_order_id, "record a machine stop")?;
        if st.downtime_start.is_some() && st.downtime_end.is_none() {
            return Err(CoreError::InvalidState(
                "the machine is already recorded as stopped: record \"back in service\" first"
                    .into(),
            ));
        }
        // Stopped again after it was back in service (an intermittent trip): a new interval.
        if let Some(end) = st.downtime_end.filter(|_| st.downtime_start.is_some()) {
            if ms(at) < end {
                return Err(CoreError::InvalidInput(format!(
                    "the machine was back in service at {} on this work order: a new stop must be later",
                    super::rows::from_ms(end).format("%Y-%m-%d %H:%M UTC")
                )));
            }
        }
        self.check_stop(
            st.asset_rid,
            Some(st.rid),
            at,
            super::rows::from_ms(st.reported_at),
            input.confirm_old_stop,
        )?;
        let mutation_id = self.ids().new_id();
        let tx = self.conn_mut().transaction()?;
        super::downtime::archive_current(&tx, st.rid)?;
        tx.execute(
            "UPDATE work_orders SET downtime_start = ?1, downtime_end = NULL WHERE rid = ?2",
            params![ms(at), st.rid],
        )?;
        append(
            &tx,
            mutation_id,
            work_order_id,
            st.version,
            now,
            &Mutation::DowntimeStart { work_order_id, at },
        )?;
        tx.commit()?;
        self.work_order(work_order_id)
    }

    /// Records that the machine is running again: ends the downtime.
    pub fn back_in_service(
        &mut self,
        work_order_id: Uuid,
        at: Option<DateTime<Utc>>,
    ) -> Result<WorkOrder> {
        let now = self.clock().now();
        let at = at.unwrap_or(now);
        let st = self.wo_state(work_order_id)?;
        let Some(start) = st.downtime_start else {
            return Err(CoreError::InvalidState(
                "no machine stop is recorded on this work order: record \"machine stopped\" first"
                    .into(),
            ));
        };
        if st.downtime_end.is_some() {
            return Err(CoreError::InvalidState(
                "the machine is already back in service".into(),
            ));
        }
        if ms(at) < start {
            return Err(CoreError::InvalidInput(
                "back in service before the machine stopped: check the time".into(),
            ));
        }
        if at > now {
            return Err(CoreError::InvalidInput(
                "that time is in the future: check the time".into(),
            ));
        }
        let mutation_id = self.ids().new_id();
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "UPDATE work_orders SET downtime_end = ?1 WHERE rid = ?2",
            params![ms(at), st.rid],
        )?;
        append(
            &tx,
            mutation_id,
            work_order_id,
            st.version,
            now,
            &Mutation::DowntimeEnd { work_order_id, at },
        )?;
        tx.commit()?;
        self.work_order(work_order_id)
    }

    /// Closes a work order with failure codes. Ongoing downtime ends at the closing time.
    pub fn close_work_order(&mut self, input: &CloseWorkOrder) -> Result<WorkOrder> {
        let now = self.clock().now();
        let id = input.work_order_id;
        let st = self.open_wo_state(id, "close the work order")?;
        let finished = input.finished_at.unwrap_or(now);
        if finished > now {
            return Err(CoreError::InvalidInput(
                "the finish time is in the future: check the time".into(),
            ));
        }
        required_text(
            "author",
            "the technician's name",
            &input.author,
            MAX_SHORT_TEXT_CHARS,
        )?;
        let (current, current_remedy_text) = self.closing_fields_of(st.rid)?;
        let merged =
            super::close_codes::merge_failure_codes(&current, &input.failure, &input.clear)?;
        let codes =
            self.validate_failure_codes(&merged, &current, st.equipment_class.as_deref())?;
        let remedy_text = optional_text(
            "remedy_text",
            "what fixed it",
            input.remedy_text.as_deref(),
            MAX_TEXT_CHARS,
        )?
        .or(current_remedy_text);
        let end_downtime = st.downtime_start.is_some() && st.downtime_end.is_none();
        if end_downtime && st.downtime_start.is_some_and(|s| ms(finished) < s) {
            return Err(CoreError::InvalidInput(
                "the finish time is before the machine stopped: check the time".into(),
            ));
        }
        let (m1, m2) = (self.ids().new_id(), self.ids().new_id());
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "UPDATE work_orders SET status = 'closed', finished_at = ?1,
                 failure_class = ?2, problem_code = ?3, cause_code = ?4, remedy_code = ?5,
                 iso_failure_mode = ?6, iso_failure_mechanism = ?7, iso_failure_cause = ?8,
                 remedy_text = ?9,
                 downtime_end = CASE WHEN downtime_start IS NOT NULL AND downtime_end IS NULL
                                     THEN ?1 ELSE downtime_end END
             WHERE rid = ?10",
            params![
                ms(finished),
                codes.failure_class,
                codes.problem_code,
                codes.cause_code,
                codes.remedy_code,
                codes.iso_failure_mode,
                codes.iso_failure_mechanism,
                codes.iso_failure_cause,
                remedy_text,
                st.rid
            ],
        )?;
        if end_downtime {
            let m = Mutation::DowntimeEnd {
                work_order_id: id,
                at: finished,
            };
            append(&tx, m1, id, st.version, now, &m)?;
        }
        let close = Mutation::CloseWorkOrder {
            work_order_id: id,
            finished_at: finished,
            failure_class: codes.failure_class,
            problem_code: codes.problem_code,
            cause_code: codes.cause_code,
            remedy_code: codes.remedy_code,
            iso_failure_mode: codes.iso_failure_mode,
            iso_failure_mechanism: codes.iso_failure_mechanism,
            iso_failure_cause: codes.iso_failure_cause,
            remedy_text,
        };
        append(&tx, m2, id, st.version, now, &close)?;
        tx.commit()?;
        self.work_order(id)
    }

    /// Records a part used on a work order.
    pub fn add_part(&mut self, input: &NewPart) -> Result<WorkOrder> {
        let now = self.clock().now();
        let st = self.wo_state(input.work_order_id)?;
        let part_number = required_text(
            "part_number",
            "the part number",
            &input.part_number,
            MAX_CODE_CHARS,
        )?;
        let description = optional_text(
            "description",
            "the part description",
            input.description.as_deref(),
            MAX_SHORT_TEXT_CHARS,
        )?;
        let unit = validate::check_quantity(input.quantity, input.unit.as_deref())?;
        let (part_id, mutation_id) = (self.ids().new_id(), self.ids().new_id());
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO parts_used (id, work_order_rid, part_number, description, quantity, created_at, unit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![part_id.to_string(), st.rid, part_number, description, input.quantity, ms(now), unit],
        )?;
        let m = Mutation::AddPart {
            part_id,
            work_order_id: input.work_order_id,
            part_number,
            description,
            quantity: input.quantity,
            unit: Some(unit.to_string()),
            created_at: now,
        };
        append(&tx, mutation_id, part_id, 0, now, &m)?;
        tx.commit()?;
        self.work_order(input.work_order_id)
    }

    /// Attaches a photo: the bytes go to the blob store (content-addressed, written and synced
    /// before the row that points at them), then row and outbox entry commit together.
    pub fn add_photo(
        &mut self,
        work_order_id: Uuid,
        bytes: &[u8],
        mime: &str,
        caption: Option<&str>,
    ) -> Result<WorkOrder> {
        let now = self.clock().now();
        let st = self.wo_state(work_order_id)?;
        if !mime.starts_with("image/") {
            return Err(CoreError::InvalidInput(format!(
                "{mime} is not a picture: attach a JPEG or PNG photo"
            )));
        }
        let caption = optional_text("caption", "the caption", caption, MAX_SHORT_TEXT_CHARS)?;
        let blobs = self.blobs.as_ref().ok_or_else(|| {
            CoreError::InvalidState("this replica has no data directory for photos".into())
        })?;
        let sha256 = blobs.put(bytes)?;
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let (photo_id, mutation_id) = (self.ids().new_id(), self.ids().new_id());
        let tx = self.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO photos (id, work_order_rid, sha256, mime, size_bytes, caption, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                photo_id.to_string(),
                st.rid,
                sha256,
                mime,
                size,
                caption,
                ms(now)
            ],
        )?;
        let m = Mutation::AddPhoto {
            photo_id,
            work_order_id,
            sha256,
            mime: mime.to_string(),
            size_bytes: size,
            caption,
            created_at: now,
        };
        append(&tx, mutation_id, photo_id, 0, now, &m)?;
        tx.commit()?;
        self.work_order(work_order_id)
    }
}

impl Store {
    /// The failure codes and the "what fixed it" text a work order has now.
    fn closing_fields_of(&self, rid: i64) -> Result<(FailureCodes, Option<String>)> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT failure_class, problem_code, cause_code, remedy_code, iso_failure_mode,
                        iso_failure_mechanism, iso_failure_cause, remedy_text
                 FROM work_orders WHERE rid = ?1",
            )?
            .query_row(params![rid], |r| {
                let codes = FailureCodes {
                    failure_class: r.get(0)?,
                    problem_code: r.get(1)?,
                    cause_code: r.get(2)?,
                    remedy_code: r.get(3)?,
                    iso_failure_mode: r.get(4)?,
                    iso_failure_mechanism: r.get(5)?,
                    iso_failure_cause: r.get(6)?,
                };
                Ok((codes, r.get(7)?))
            })?)
    }
}

fn insert_note(
    tx: &rusqlite::Transaction<'_>,
    work_order_rid: i64,
    id: Uuid,
    author: &str,
    text: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO notes (id, work_order_rid, author, text, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id.to_string(), work_order_rid, author, text, ms(at)])?;
    Ok(())
}
