//! The shift handover: the plant's shift calendar (a laptop setting) and one read that gathers
//! what a shift lead hands over for a window — machines down now, open work with its age, what
//! was done on each work order inside the window, and the window's downtime.

use super::rows::{from_ms, ms, opt_from_ms};
use super::work_order_reads::{summary_row, SUMMARY_SELECT};
use super::Store;
use crate::domain::{
    downtime_in_window, overlap_minutes, DownNow, OpenItem, ShiftCalendar, ShiftEvent,
    ShiftEventKind, ShiftHandover, WorkOrderActivity, WorkOrderSummary,
};
use crate::error::{CoreError, Result};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;

/// Settings key of the shift calendar.
const CALENDAR_KEY: &str = "shift_calendar";
/// Most open work orders listed.
const MAX_OPEN: i64 = 500;
/// Most work orders with activity listed (a shift touches far fewer).
const MAX_ACTIVITY: usize = 1000;

/// Open work orders whose machine is down now (stopped, not back), longest down first.
const DOWN_NOW_WHERE: &str = "WHERE w.status IN ('open', 'in_progress')
       AND w.downtime_start IS NOT NULL AND w.downtime_end IS NULL AND w.downtime_start <= ?1
     ORDER BY w.downtime_start";

impl Store {
    /// The plant's shift calendar; the default (Early 05:00, Late 13:00, Night 21:00, Monday to
    /// Friday, this computer's time zone) until one is set.
    pub fn shift_calendar(&self) -> Result<ShiftCalendar> {
        let json: Option<String> = self
            .conn()
            .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row(params![CALENDAR_KEY], |r| r.get(0))
            .optional()?;
        match json {
            None => Ok(ShiftCalendar::default()),
            Some(j) => serde_json::from_str(&j).map_err(|e| {
                CoreError::InvalidState(format!(
                    "the stored shift calendar cannot be read ({e}): set it again with `faultline shifts set`"
                ))
            }),
        }
    }

    /// Checks and stores the shift calendar; returns it as stored (shifts in start order).
    pub fn set_shift_calendar(&mut self, calendar: ShiftCalendar) -> Result<ShiftCalendar> {
        let calendar = calendar.checked()?;
        let json = serde_json::to_string(&calendar)
            .map_err(|e| CoreError::InvalidState(format!("shift calendar: {e}")))?;
        let now = ms(self.clock().now());
        self.conn().execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![CALENDAR_KEY, json, now],
        )?;
        Ok(calendar)
    }

    /// Machines down now (an open work order stopped and not back in service), longest first.
    pub(super) fn down_now(&self, now: DateTime<Utc>) -> Result<Vec<DownNow>> {
        let rows = self
            .conn()
            .prepare_cached(&format!("{SUMMARY_SELECT} {DOWN_NOW_WHERE}"))?
            .query_map(params![ms(now)], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .filter_map(|w| {
                let since = w.downtime_start?;
                Some(DownNow {
                    down_minutes: (now - since).num_minutes().max(0),
                    down_since: since,
                    work_order: w,
                })
            })
            .collect())
    }

    /// Open work orders (of one type, or all), highest priority first, then oldest, with ages.
    pub(super) fn open_items(
        &self,
        now: DateTime<Utc>,
        breakdowns_only: bool,
        limit: i64,
    ) -> Result<Vec<OpenItem>> {
        let rows = self
            .conn()
            // The page is picked first, so the summary's per-row subqueries (notes, sync state,
            // downtime) run for the rows shown, not for every open work order of the plant.
            .prepare_cached(&format!(
                "{SUMMARY_SELECT} JOIN (
                     SELECT rid AS pick, priority AS pick_priority, reported_at AS pick_reported
                     FROM work_orders
                     WHERE status IN ('open', 'in_progress') AND (?1 = 0 OR wo_type = 'breakdown')
                     ORDER BY priority, reported_at LIMIT ?2
                 ) ON w.rid = pick
                 ORDER BY pick_priority, pick_reported"
            ))?
            .query_map(params![breakdowns_only, limit], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows
            .into_iter()
            .map(|w| OpenItem {
                age_minutes: (now - w.reported_at).num_minutes().max(0),
                work_order: w,
            })
            .collect())
    }

    /// The handover for `[from, to)` as of `now`: machines down now, open work, what was done on
    /// each work order inside the window (reported, started, stopped, back in service, notes,
    /// parts, photos, finished with its codes), and the window's downtime.
    pub fn shift_handover(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<ShiftHandover> {
        if to <= from {
            return Err(CoreError::InvalidInput(
                "the shift must end after it starts: check the range's start and end".into(),
            ));
        }
        let (f, t) = (ms(from), ms(to));
        let mut events: HashMap<i64, Vec<ShiftEvent>> = HashMap::new();
        let conn = self.conn();
        // Notes, parts and photos added inside the window, by work order.
        let appended: [(&str, ShiftEventKind); 3] = [
            (
                "SELECT work_order_rid, created_at, text, author FROM notes
                 WHERE created_at >= ?1 AND created_at < ?2",
                ShiftEventKind::Note,
            ),
            (
                "SELECT work_order_rid, created_at,
                        printf('%g × %s', quantity, part_number) || coalesce(' ' || description, ''),
                        NULL
                 FROM parts_used WHERE created_at >= ?1 AND created_at < ?2",
                ShiftEventKind::Part,
            ),
            (
                "SELECT work_order_rid, created_at, coalesce(caption, 'photo'), NULL FROM photos
                 WHERE created_at >= ?1 AND created_at < ?2",
                ShiftEventKind::Photo,
            ),
        ];
        for (sql, kind) in appended {
            let mut stmt = conn.prepare_cached(sql)?;
            let rows = stmt.query_map(params![f, t], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    ShiftEvent {
                        at: from_ms(r.get(1)?),
                        kind,
                        text: r.get(2)?,
                        author: r.get(3)?,
                    },
                ))
            })?;
            for row in rows {
                let (rid, e) = row?;
                events.entry(rid).or_default().push(e);
            }
        }
        // Work orders with a time of their own inside the window, down during it, or open.
        let mut rids: Vec<i64> = conn
            .prepare_cached(
                "SELECT rid FROM work_orders
                  WHERE wo_type = 'breakdown' AND reported_at >= ?1 AND reported_at < ?2
                 UNION SELECT rid FROM work_orders
                  WHERE finished_at IS NOT NULL AND finished_at >= ?1 AND finished_at < ?2
                 UNION SELECT rid FROM work_orders
                  WHERE downtime_end IS NOT NULL AND downtime_end >= ?1 AND downtime_start < ?2
                 UNION SELECT work_order_rid FROM downtime_intervals
                  WHERE end_at >= ?1 AND start_at < ?2
                 UNION SELECT rid FROM work_orders WHERE status IN ('open', 'in_progress')",
            )?
            .query_map(params![f, t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        rids.extend(events.keys().copied());
        rids.sort_unstable();
        rids.dedup();
        let ids = serde_json::Value::from(rids).to_string();
        let mut stmt = conn.prepare_cached(&format!(
            "{SUMMARY_SELECT} WHERE w.rid IN (SELECT value FROM json_each(?1)) ORDER BY w.rid"
        ))?;
        let summaries = stmt
            .query_map(params![ids], summary_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut extra = conn.prepare_cached(
            "SELECT rid, started_at, reported_by FROM work_orders
              WHERE rid IN (SELECT value FROM json_each(?1)) ORDER BY rid",
        )?;
        let extras = extra
            .query_map(params![ids], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    opt_from_ms(r.get(1)?),
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let inside = |x: DateTime<Utc>| from <= x && x < to;
        let mut activity = Vec::new();
        let mut breakdowns_reported = 0u32;
        for (w, (rid, started_at, reported_by)) in summaries.into_iter().zip(extras) {
            let mut list = events.remove(&rid).unwrap_or_default();
            if inside(w.reported_at) {
                if w.wo_type == crate::domain::WorkOrderType::Breakdown {
                    breakdowns_reported += 1;
                }
                list.push(ShiftEvent {
                    at: w.reported_at,
                    kind: ShiftEventKind::Reported,
                    text: w.title.clone(),
                    author: reported_by,
                });
            }
            if let Some(s) = started_at.filter(|s| inside(*s)) {
                list.push(event(s, ShiftEventKind::Started, "work started".into()));
            }
            // Every stop of the breakdown (an intermittent trip has several), not only the last.
            let stops = self.intervals_of(rid)?;
            for stop in &stops {
                if inside(stop.start) {
                    list.push(event(
                        stop.start,
                        ShiftEventKind::Stopped,
                        "machine stopped".into(),
                    ));
                }
                if let Some(s) = stop.end.filter(|s| inside(*s)) {
                    list.push(event(
                        s,
                        ShiftEventKind::BackInService,
                        "back in service".into(),
                    ));
                }
            }
            if let Some(s) = w.finished_at.filter(|s| inside(*s)) {
                list.push(event(s, ShiftEventKind::Finished, finished_text(&w)));
            }
            // A stop without an end is a machine down only while its work order is open.
            let downtime_minutes: i64 = stops
                .iter()
                .filter(|stop| stop.end.is_some() || w.status.is_open())
                .map(|stop| overlap_minutes(*stop, from, to, now))
                .sum();
            if list.is_empty() && downtime_minutes == 0 {
                continue;
            }
            list.sort_by_key(|e| e.at);
            activity.push(WorkOrderActivity {
                work_order: w,
                events: list,
                downtime_minutes,
            });
        }
        activity.sort_by_key(|a| std::cmp::Reverse(a.events.last().map(|e| e.at)));
        activity.truncate(MAX_ACTIVITY);
        let downtime_minutes =
            downtime_in_window(&self.downtime_intervals(from, to)?, from, to, now);
        Ok(ShiftHandover {
            from,
            to,
            now,
            shift: None,
            down_now: self.down_now(now)?,
            open_items: self.open_items(now, false, MAX_OPEN)?,
            activity,
            breakdowns_reported,
            downtime_minutes,
            handover_notes: self.handover_notes(from, to)?,
        })
    }
}

fn event(at: DateTime<Utc>, kind: ShiftEventKind, text: String) -> ShiftEvent {
    ShiftEvent {
        at,
        kind,
        text,
        author: None,
    }
}

/// "closed: VFD / OVERCURR / … — replaced fan" from a work order's status and codes.
fn finished_text(w: &WorkOrderSummary) -> String {
    let f = &w.failure;
    let codes: Vec<&str> = [
        &f.failure_class,
        &f.problem_code,
        &f.cause_code,
        &f.remedy_code,
    ]
    .into_iter()
    .filter_map(|c| c.as_deref())
    .collect();
    let mut s = w.status.as_str().replace('_', " ");
    if !codes.is_empty() {
        s.push_str(": ");
        s.push_str(&codes.join(" / "));
    }
    if let Some(m) = &f.iso_failure_mode {
        s.push_str(&format!(" (ISO {m})"));
    }
    if let Some(r) = w.remedy_text.as_deref().filter(|r| !r.is_empty()) {
        s.push_str(" — ");
        s.push_str(r);
    }
    s
}
