//! Corrections: a note, a part or a photo amended (new text / part number + quantity / caption)
//! or voided (with a reason), by anyone, with who and when. Append-only: the original row is
//! never changed; a work order read folds the item's corrections, oldest first, into its current
//! value and shows them as its history. Order: the hub's order for corrections pulled back, then
//! this laptop's own not yet pulled back, in the order they were made; of two corrections of the
//! same item (two laptops), the later one in that order is current. A void is final.

use super::outbox::append;
use super::rows::{from_ms, ms, parse_enum, DbUuid};
use super::work_order_reads::ENTITY_SYNC_STATE;
use super::Store;
use crate::domain::{Correction, NewCorrection, SyncState, WorkOrder};
use crate::error::{CoreError, Result};
use crate::validate::{self, MAX_CODE_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS};
use faultline_protocol::correction::{actions, targets};
use faultline_protocol::{CorrectionRecord, Mutation};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::HashMap;
use uuid::Uuid;

/// The table of a correction target's rows.
fn table_of(target: &str) -> Result<&'static str> {
    match target {
        targets::NOTE => Ok("notes"),
        targets::PART => Ok("parts_used"),
        targets::PHOTO => Ok("photos"),
        other => Err(CoreError::InvalidInput(format!(
            "{other:?} cannot be corrected: correct a note, a part or a photo"
        ))),
    }
}

/// One stored correction, as the fold reads it.
struct Row {
    id: Uuid,
    target_id: Uuid,
    action: String,
    author: String,
    created_at: i64,
    text: Option<String>,
    part_number: Option<String>,
    quantity: Option<f64>,
    unit: Option<String>,
    caption: Option<String>,
    reason: Option<String>,
    sync_state: SyncState,
}

/// The columns `read_row` reads, before the sync state (`ENTITY_SYNC_STATE`).
const COLUMNS: &str = "x.id, x.target_id, x.action, x.author, x.created_at, x.text,
        x.part_number, x.quantity, x.unit, x.caption, x.reason";

/// The order of an item's history: the hub's, then the laptop's own not yet pulled back.
const ORDER: &str = "ORDER BY x.hub_order IS NULL, x.hub_order, x.rid";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get::<_, DbUuid>(0)?.0,
        target_id: r.get::<_, DbUuid>(1)?.0,
        action: r.get(2)?,
        author: r.get(3)?,
        created_at: r.get(4)?,
        text: r.get(5)?,
        part_number: r.get(6)?,
        quantity: r.get(7)?,
        unit: r.get(8)?,
        caption: r.get(9)?,
        reason: r.get(10)?,
        sync_state: parse_enum(r.get(11)?, SyncState::parse)?,
    })
}

/// A part as a person reads it: "3 ea 6205-2RS".
fn part_text(quantity: f64, unit: &str, part_number: &str) -> String {
    format!("{quantity} {unit} {part_number}")
}

/// The current value of one item while its corrections are folded in.
enum Value<'a> {
    Note(&'a mut String),
    Part {
        part_number: &'a mut String,
        quantity: &'a mut f64,
        unit: &'a mut String,
    },
    Photo(&'a mut Option<String>),
}

impl Value<'_> {
    fn text(&self) -> String {
        match self {
            Value::Note(t) => (**t).clone(),
            Value::Part {
                part_number,
                quantity,
                unit,
            } => part_text(**quantity, unit, part_number),
            Value::Photo(c) => c.as_deref().unwrap_or_default().to_string(),
        }
    }

    fn amend(&mut self, c: &Row) {
        match self {
            Value::Note(t) => {
                if let Some(text) = &c.text {
                    **t = text.clone();
                }
            }
            Value::Part {
                part_number,
                quantity,
                unit,
            } => {
                if let Some(p) = &c.part_number {
                    **part_number = p.clone();
                }
                if let Some(q) = c.quantity {
                    **quantity = q;
                }
                if let Some(u) = &c.unit {
                    **unit = u.clone();
                }
            }
            Value::Photo(caption) => **caption = c.caption.clone(),
        }
    }
}

/// Folds `rows` (one item's corrections, in order) into its value; returns (voided, history).
fn fold(rows: &[&Row], mut value: Value<'_>) -> (bool, Vec<Correction>) {
    let mut voided = false;
    let mut history = Vec::with_capacity(rows.len());
    for c in rows {
        let was = value.text();
        let now = if c.action == actions::VOID {
            voided = true;
            None
        } else {
            value.amend(c);
            Some(value.text())
        };
        history.push(Correction {
            id: c.id,
            action: c.action.clone(),
            author: c.author.clone(),
            created_at: from_ms(c.created_at),
            was,
            now,
            reason: c.reason.clone(),
            sync_state: c.sync_state,
        });
    }
    (voided, history)
}

/// The work order, the item's owner, that a correction target belongs to, and whether it is voided.
struct Target {
    work_order_rid: i64,
    work_order_id: Uuid,
    voided: bool,
}

impl Store {
    fn correction_target(&self, target: &str, id: Uuid) -> Result<Target> {
        let table = table_of(target)?;
        let found: Option<(i64, DbUuid)> = self
            .conn()
            .prepare_cached(&format!(
                "SELECT w.rid, w.id FROM {table} x JOIN work_orders w ON w.rid = x.work_order_rid
                 WHERE x.id = ?1"
            ))?
            .query_row(params![id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (work_order_rid, wo) = found.ok_or_else(|| {
            CoreError::NotFound(format!(
                "no {target} with id {id}: use an id shown with the work order"
            ))
        })?;
        let voided: bool = self
            .conn()
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM corrections WHERE target_id = ?1 AND action = 'void')",
            )?
            .query_row(params![id.to_string()], |r| r.get(0))?;
        Ok(Target {
            work_order_rid,
            work_order_id: wo.0,
            voided,
        })
    }

    /// Amends or voids a note, part or photo; the correction is queued for sync in the same
    /// transaction. Returns the work order with the item's new current value and history.
    pub fn correct(&mut self, input: &NewCorrection) -> Result<WorkOrder> {
        let now = self.clock().now();
        let target = table_of(&input.target).map(|_| input.target.as_str())?;
        if !actions::ALL.contains(&input.action.as_str()) {
            return Err(CoreError::InvalidInput(format!(
                "{:?} is not a correction: amend or void",
                input.action
            )));
        }
        let t = self.correction_target(target, input.target_id)?;
        if t.voided {
            return Err(CoreError::InvalidState(format!(
                "this {target} is voided already: add a new {target} instead"
            )));
        }
        let author = validate::clean_text(
            "author",
            "the name of who corrects it",
            &input.author,
            MAX_SHORT_TEXT_CHARS,
            true,
        )?
        .unwrap_or_default();
        let mut record = CorrectionRecord {
            id: self.ids().new_id(),
            work_order_id: t.work_order_id,
            target: target.to_string(),
            target_id: input.target_id,
            action: input.action.clone(),
            author,
            created_at: now,
            text: None,
            part_number: None,
            quantity: None,
            unit: None,
            caption: None,
            reason: None,
            hub_order: 0,
        };
        if input.action == actions::VOID {
            record.reason = validate::clean_text(
                "reason",
                "the reason for voiding it",
                input.reason.as_deref().unwrap_or_default(),
                MAX_SHORT_TEXT_CHARS,
                true,
            )?;
        } else {
            self.amended_values(input, &mut record)?;
        }
        let mutation_id = self.ids().new_id();
        let tx = self.conn_mut().transaction()?;
        insert(&tx, t.work_order_rid, &record, None)?;
        append(
            &tx,
            mutation_id,
            record.id,
            0,
            now,
            &Mutation::Correct {
                correction: record.clone(),
            },
        )?;
        tx.commit()?;
        self.work_order(t.work_order_id)
    }

    /// The new values of an amend, checked as a new note/part/photo would be; what a part amend
    /// leaves out keeps its current value.
    fn amended_values(&self, input: &NewCorrection, record: &mut CorrectionRecord) -> Result<()> {
        match record.target.as_str() {
            targets::NOTE => {
                record.text = validate::clean_text(
                    "text",
                    "the note",
                    input.text.as_deref().unwrap_or_default(),
                    MAX_TEXT_CHARS,
                    true,
                )?;
            }
            targets::PART => {
                let wo = self.work_order(record.work_order_id)?;
                let part = wo
                    .parts
                    .iter()
                    .find(|p| p.id == record.target_id)
                    .ok_or_else(|| CoreError::NotFound("the part is gone".into()))?;
                let number = match input.part_number.as_deref() {
                    Some(p) => validate::clean_text(
                        "part_number",
                        "the part number",
                        p,
                        MAX_CODE_CHARS,
                        true,
                    )?
                    .unwrap_or_default(),
                    None => part.part_number.clone(),
                };
                let quantity = input.quantity.unwrap_or(part.quantity);
                let unit_in = input.unit.as_deref().unwrap_or(&part.unit);
                let unit = validate::check_quantity(quantity, Some(unit_in))?;
                if number == part.part_number && quantity == part.quantity && unit == part.unit {
                    return Err(CoreError::InvalidInput(
                        "nothing to correct: change the part number, the quantity or the unit"
                            .into(),
                    ));
                }
                record.part_number = Some(number);
                record.quantity = Some(quantity);
                record.unit = Some(unit.to_string());
            }
            _ => {
                record.caption = validate::clean_text(
                    "caption",
                    "the caption",
                    input.caption.as_deref().unwrap_or_default(),
                    MAX_SHORT_TEXT_CHARS,
                    false,
                )?;
            }
        }
        Ok(())
    }

    /// Folds the corrections of a work order's notes, parts and photos into `wo`.
    pub(super) fn attach_corrections(&self, work_order_rid: i64, wo: &mut WorkOrder) -> Result<()> {
        let rows: Vec<Row> = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, {ENTITY_SYNC_STATE} FROM corrections x
                 WHERE x.work_order_rid = ?1 {ORDER}"
            ))?
            .query_map(params![work_order_rid], read_row)?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            return Ok(());
        }
        let mut by_target: HashMap<Uuid, Vec<&Row>> = HashMap::new();
        for r in &rows {
            by_target.entry(r.target_id).or_default().push(r);
        }
        for n in &mut wo.notes {
            if let Some(rs) = by_target.get(&n.id) {
                (n.voided, n.corrections) = fold(rs, Value::Note(&mut n.text));
            }
        }
        for p in &mut wo.parts {
            if let Some(rs) = by_target.get(&p.id) {
                let value = Value::Part {
                    part_number: &mut p.part_number,
                    quantity: &mut p.quantity,
                    unit: &mut p.unit,
                };
                (p.voided, p.corrections) = fold(rs, value);
            }
        }
        for p in &mut wo.photos {
            if let Some(rs) = by_target.get(&p.id) {
                (p.voided, p.corrections) = fold(rs, Value::Photo(&mut p.caption));
            }
        }
        Ok(())
    }
}

fn insert(
    tx: &Transaction<'_>,
    work_order_rid: i64,
    c: &CorrectionRecord,
    hub_order: Option<i64>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO corrections (id, work_order_rid, target, target_id, action, author,
             created_at, text, part_number, quantity, unit, caption, reason, hub_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT(id) DO UPDATE SET hub_order = excluded.hub_order",
    )?
    .execute(params![
        c.id.to_string(),
        work_order_rid,
        c.target,
        c.target_id.to_string(),
        c.action,
        c.author,
        ms(c.created_at),
        c.text,
        c.part_number,
        c.quantity,
        c.unit,
        c.caption,
        c.reason,
        hub_order,
    ])?;
    Ok(())
}

/// Stores a pulled correction (or gives this laptop's own its place in the hub's order).
/// `Ok(false)` when its work order is not here yet (the caller parks it).
pub(super) fn apply_pulled(tx: &Transaction<'_>, c: &CorrectionRecord) -> Result<bool> {
    if !targets::ALL.contains(&c.target.as_str()) || !actions::ALL.contains(&c.action.as_str()) {
        // A kind of correction from a newer hub: skipped (it cannot be shown right).
        tracing::warn!(id = %c.id, target = %c.target, action = %c.action, "pulled correction skipped");
        return Ok(true);
    }
    let rid: Option<i64> = tx
        .prepare_cached("SELECT rid FROM work_orders WHERE id = ?1")?
        .query_row(params![c.work_order_id.to_string()], |r| r.get(0))
        .optional()?;
    let Some(rid) = rid else {
        return Ok(false);
    };
    insert(tx, rid, c, Some(c.hub_order))?;
    Ok(true)
}
