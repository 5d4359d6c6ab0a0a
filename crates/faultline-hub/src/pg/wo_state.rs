//! Work orders during a push: their editable state, read once for the whole batch (the ones the
//! batch edits under a row lock, taken in id order), and written once at the end — new work
//! orders as one multi-row insert, edited ones as one multi-row update.

use super::Tx as Transaction;
use crate::error::Result;
use crate::fields::{Field, FieldValue, FieldValues};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use tokio_postgres::Row;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct WoState {
    pub status: String,
    pub version: i64,
    pub field_versions: Value,
    pub values: FieldValues,
    pub downtime_start: Option<DateTime<Utc>>,
    pub downtime_end: Option<DateTime<Utc>>,
}

impl WoState {
    /// A work order as `create_work_order` makes it: open, at version 1, nothing edited yet.
    pub fn created(downtime_start: Option<DateTime<Utc>>) -> WoState {
        let values = FieldValues(std::array::from_fn(|i| match Field::ALL[i] {
            Field::Status => FieldValue::Text(Some("open".into())),
            f if f.is_time() => FieldValue::Time(None),
            _ => FieldValue::Text(None),
        }));
        WoState {
            status: "open".into(),
            version: 1,
            field_versions: Value::Object(serde_json::Map::new()),
            values,
            downtime_start,
            downtime_end: None,
        }
    }

    fn text(&self, f: Field) -> Option<String> {
        self.values.get(f).as_text().map(str::to_string)
    }

    fn finished_at(&self) -> Option<DateTime<Utc>> {
        match self.values.get(Field::FinishedAt) {
            FieldValue::Time(t) => *t,
            FieldValue::Text(_) => None,
        }
    }
}

const COLUMNS: &str = "id, status, version, field_versions, failure_class, problem_code,
    cause_code, remedy_code, iso_failure_mode, iso_failure_mechanism, iso_failure_cause,
    remedy_text, finished_at, downtime_start, downtime_end";

fn from_row(r: &Row) -> (Uuid, WoState) {
    let status: String = r.get(1);
    let text = |i: usize| FieldValue::Text(r.get::<_, Option<String>>(i));
    let values = FieldValues([
        FieldValue::Text(Some(status.clone())),
        text(4),
        text(5),
        text(6),
        text(7),
        text(8),
        text(9),
        text(10),
        text(11),
        FieldValue::Time(r.get(12)),
    ]);
    debug_assert_eq!(Field::ALL[9], Field::FinishedAt);
    (
        r.get(0),
        WoState {
            status,
            version: r.get(2),
            field_versions: r.get(3),
            values,
            downtime_start: r.get(13),
            downtime_end: r.get(14),
        },
    )
}

/// Reads the work orders of `site` a push touches: `locked` (those it updates) under
/// `FOR NO KEY UPDATE`, taken in id order so that two pushes editing the same work orders queue
/// instead of deadlocking, and `unlocked` (those it only adds notes, parts or photos to) without
/// a lock. `FOR NO KEY UPDATE`, the lock the UPDATE itself takes, does not wait for the key-share
/// locks that inserting a note or part takes on its work order. Both reads go out pipelined.
/// Work orders the site does not have are absent from the map.
pub async fn read(
    tx: &Transaction<'_>,
    site: &str,
    mut locked: Vec<Uuid>,
    mut unlocked: Vec<Uuid>,
) -> Result<HashMap<Uuid, WoState>> {
    locked.sort_unstable();
    locked.dedup();
    unlocked.sort_unstable();
    unlocked.dedup();
    unlocked.retain(|id| locked.binary_search(id).is_err());
    let lock_sql = format!(
        "SELECT {COLUMNS} FROM work_orders WHERE site = $1 AND id = ANY($2)
         ORDER BY id FOR NO KEY UPDATE"
    );
    let read_sql = format!("SELECT {COLUMNS} FROM work_orders WHERE site = $1 AND id = ANY($2)");
    let lock = async {
        if locked.is_empty() {
            return Ok(Vec::new());
        }
        let stmt = tx.prepare_cached(&lock_sql).await?;
        tx.query(&stmt, &[&site, &locked]).await
    };
    let plain = async {
        if unlocked.is_empty() {
            return Ok(Vec::new());
        }
        let stmt = tx.prepare_cached(&read_sql).await?;
        tx.query(&stmt, &[&site, &unlocked]).await
    };
    let (a, b) = tokio::try_join!(lock, plain)?;
    Ok(a.iter().chain(b.iter()).map(from_row).collect())
}

/// A work order created by this push, with its state after the whole batch.
pub struct NewWo {
    pub id: Uuid,
    pub number: String,
    pub asset_id: Uuid,
    pub wo_type: String,
    pub priority: i16,
    pub title: String,
    pub fault_code: Option<String>,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
}

/// The editable columns of `states` as parallel arrays, for `unnest`.
struct Columns {
    status: Vec<String>,
    version: Vec<i64>,
    field_versions: Vec<Value>,
    texts: [Vec<Option<String>>; 8],
    finished_at: Vec<Option<DateTime<Utc>>>,
    downtime_start: Vec<Option<DateTime<Utc>>>,
    downtime_end: Vec<Option<DateTime<Utc>>>,
}

const TEXT_FIELDS: [Field; 8] = [
    Field::FailureClass,
    Field::ProblemCode,
    Field::CauseCode,
    Field::RemedyCode,
    Field::IsoFailureMode,
    Field::IsoFailureMechanism,
    Field::IsoFailureCause,
    Field::RemedyText,
];

impl Columns {
    fn of<'a>(states: impl Iterator<Item = &'a WoState>) -> Columns {
        let mut c = Columns {
            status: Vec::new(),
            version: Vec::new(),
            field_versions: Vec::new(),
            texts: Default::default(),
            finished_at: Vec::new(),
            downtime_start: Vec::new(),
            downtime_end: Vec::new(),
        };
        for st in states {
            c.status.push(st.status.clone());
            c.version.push(st.version);
            c.field_versions.push(st.field_versions.clone());
            for (i, f) in TEXT_FIELDS.iter().enumerate() {
                c.texts[i].push(st.text(*f));
            }
            c.finished_at.push(st.finished_at());
            c.downtime_start.push(st.downtime_start);
            c.downtime_end.push(st.downtime_end);
        }
        c
    }
}

/// Inserts the work orders this push creates, each with its state after the batch; returns the
/// ids actually inserted (an id another transaction created meanwhile is left alone).
pub async fn insert(
    tx: &Transaction<'_>,
    site: &str,
    device: Uuid,
    rows: &[(&NewWo, &WoState)],
) -> Result<HashSet<Uuid>> {
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    let c = Columns::of(rows.iter().map(|(_, st)| *st));
    let ids: Vec<Uuid> = rows.iter().map(|(w, _)| w.id).collect();
    let numbers: Vec<&str> = rows.iter().map(|(w, _)| w.number.as_str()).collect();
    let assets: Vec<Uuid> = rows.iter().map(|(w, _)| w.asset_id).collect();
    let types: Vec<&str> = rows.iter().map(|(w, _)| w.wo_type.as_str()).collect();
    let priorities: Vec<i16> = rows.iter().map(|(w, _)| w.priority).collect();
    let titles: Vec<&str> = rows.iter().map(|(w, _)| w.title.as_str()).collect();
    let faults: Vec<Option<&str>> = rows.iter().map(|(w, _)| w.fault_code.as_deref()).collect();
    let reporters: Vec<&str> = rows.iter().map(|(w, _)| w.reported_by.as_str()).collect();
    let reported: Vec<DateTime<Utc>> = rows.iter().map(|(w, _)| w.reported_at).collect();
    let stmt = tx
        .prepare_cached(
            "INSERT INTO work_orders (site, created_by, id, number, asset_id, wo_type, priority,
                 title, fault_code, reported_by, reported_at, status, version, field_versions,
                 failure_class, problem_code, cause_code, remedy_code, iso_failure_mode,
                 iso_failure_mechanism, iso_failure_cause, remedy_text, finished_at,
                 downtime_start, downtime_end)
             SELECT $1::text, $2::uuid, u.* FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::text[],
                 $7::int2[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::text[],
                 $13::int8[], $14::jsonb[], $15::text[], $16::text[], $17::text[], $18::text[],
                 $19::text[], $20::text[], $21::text[], $22::text[], $23::timestamptz[],
                 $24::timestamptz[], $25::timestamptz[]) AS u
             ON CONFLICT (site, id) DO NOTHING
             RETURNING id",
        )
        .await?;
    let [t0, t1, t2, t3, t4, t5, t6, t7] = &c.texts;
    let inserted = tx
        .query(
            &stmt,
            &[
                &site,
                &device,
                &ids,
                &numbers,
                &assets,
                &types,
                &priorities,
                &titles,
                &faults,
                &reporters,
                &reported,
                &c.status,
                &c.version,
                &c.field_versions,
                t0,
                t1,
                t2,
                t3,
                t4,
                t5,
                t6,
                t7,
                &c.finished_at,
                &c.downtime_start,
                &c.downtime_end,
            ],
        )
        .await?;
    Ok(inserted.iter().map(|r| r.get(0)).collect())
}

/// Writes the editable columns (fields, downtime, version, field_versions) of work orders that
/// existed before the push and that it changed, one statement for all.
pub async fn update(tx: &Transaction<'_>, site: &str, rows: &[(Uuid, &WoState)]) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let c = Columns::of(rows.iter().map(|(_, st)| *st));
    let ids: Vec<Uuid> = rows.iter().map(|(id, _)| *id).collect();
    let stmt = tx
        .prepare_cached(
            "UPDATE work_orders w SET status = u.status, version = u.version,
                 field_versions = u.field_versions, failure_class = u.failure_class,
                 problem_code = u.problem_code, cause_code = u.cause_code,
                 remedy_code = u.remedy_code, iso_failure_mode = u.iso_failure_mode,
                 iso_failure_mechanism = u.iso_failure_mechanism,
                 iso_failure_cause = u.iso_failure_cause, remedy_text = u.remedy_text,
                 finished_at = u.finished_at, downtime_start = u.downtime_start,
                 downtime_end = u.downtime_end
             FROM unnest($2::uuid[], $3::text[], $4::int8[], $5::jsonb[], $6::text[], $7::text[],
                 $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
                 $14::timestamptz[], $15::timestamptz[], $16::timestamptz[])
                 AS u(id, status, version, field_versions, failure_class, problem_code,
                      cause_code, remedy_code, iso_failure_mode, iso_failure_mechanism,
                      iso_failure_cause, remedy_text, finished_at, downtime_start, downtime_end)
             WHERE w.site = $1 AND w.id = u.id",
        )
        .await?;
    let [t0, t1, t2, t3, t4, t5, t6, t7] = &c.texts;
    tx.execute(
        &stmt,
        &[
            &site,
            &ids,
            &c.status,
            &c.version,
            &c.field_versions,
            t0,
            t1,
            t2,
            t3,
            t4,
            t5,
            t6,
            t7,
            &c.finished_at,
            &c.downtime_start,
            &c.downtime_end,
        ],
    )
    .await?;
    Ok(())
}
