//! What the reconcile makes of a work order's asset status rows (pure functions): each row read
//! (`assetstatus`: ASSETSTATUSID, ISRUNNING, CHANGEDATE, the reference the hub wrote), the rows
//! paired in time order (a down row and the next up row: one stop), and where a new stop goes
//! among the work order's stops (`reconcile_downtime.rs` writes it). Built to IBM's published
//! ASSETSTATUS attribute names, checked against `fake_maximo` only.

use chrono::{DateTime, Utc};
use faultline_core::validate;
use serde_json::Value;
/// One asset status row as the reconcile reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRow {
    /// ASSETSTATUSID.
    pub id: String,
    pub running: bool,
    pub at: DateTime<Utc>,
    pub refid: Option<String>,
}

/// A down row and the up row that ended it (`None`: still down).
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub down: StatusRow,
    pub up: Option<StatusRow>,
}

impl Pair {
    pub fn end(&self) -> Option<DateTime<Utc>> {
        self.up.as_ref().map(|u| u.at)
    }
}

/// Maximo's `isrunning`: a boolean in lean JSON, 0/1 or Y/N in some exports.
fn running(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.trim().to_ascii_uppercase().as_str() {
            "1" | "Y" | "TRUE" => Some(true),
            "0" | "N" | "FALSE" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An asset status row; `Ok(None)` for a row without an id (nothing to key it by),
/// `Err(reason)` when the hub's rules refuse it.
pub fn status_row(
    row: &Value,
    now: DateTime<Utc>,
) -> std::result::Result<Option<StatusRow>, String> {
    let Some(id) = super::inbound_rows::id_text(&row["assetstatusid"]) else {
        return Ok(None);
    };
    let running = running(&row["isrunning"]).ok_or("the asset status has no isrunning")?;
    let at = row["changedate"]
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or("the asset status has no changedate")?
        .with_timezone(&Utc);
    validate::check_time("changedate", "the asset status's time", at, now)
        .map_err(|e| e.to_string())?;
    Ok(Some(StatusRow {
        id,
        running,
        at,
        refid: row["externalrefid"].as_str().map(str::to_string),
    }))
}

/// The rows in time order made into pairs: a down row opens a stop, the next up row ends it; a
/// down row while already down, or an up row while running, adds nothing (Maximo records a
/// change of status only).
pub fn pairs(mut rows: Vec<StatusRow>) -> Vec<Pair> {
    rows.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
    let mut out = Vec::new();
    let mut open: Option<StatusRow> = None;
    for row in rows {
        match (row.running, open.take()) {
            (false, None) => open = Some(row),
            (false, Some(down)) => open = Some(down),
            (true, Some(down)) => out.push(Pair {
                down,
                up: Some(row),
            }),
            (true, None) => {}
        }
    }
    if let Some(down) = open {
        out.push(Pair { down, up: None });
    }
    out
}

/// Whether two stops overlap (`None` end: still down).
fn overlap(
    a: (DateTime<Utc>, Option<DateTime<Utc>>),
    b: (DateTime<Utc>, Option<DateTime<Utc>>),
) -> bool {
    b.1.is_none_or(|end| a.0 < end) && a.1.is_none_or(|end| b.0 < end)
}

/// Where a new stop goes among the work order's current one and its earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The work order had no stop: it becomes the current one.
    Only,
    /// After the current (ended) stop: the current one moves to the earlier ones.
    After,
    /// Before the current stop, overlapping none: an earlier one.
    Before,
    /// Overlaps a stop the hub has: left out.
    Overlaps,
}

/// Where the stop `new` goes given the work order's current stop and earlier ones.
pub fn place_of(
    new: (DateTime<Utc>, Option<DateTime<Utc>>),
    current: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    earlier: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Place {
    if earlier.iter().any(|(s, e)| overlap(new, (*s, Some(*e)))) {
        return Place::Overlaps;
    }
    let Some(start) = current.0 else {
        return Place::Only;
    };
    if overlap(new, (start, current.1)) {
        return Place::Overlaps;
    }
    if new.0 >= start {
        // After the current stop, which has ended (else it would overlap).
        Place::After
    } else {
        Place::Before
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(h: u32) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("2025-11-23T{h:02}:00:00Z"))
            .unwrap()
            .with_timezone(&Utc)
    }

    fn row(id: &str, running: bool, h: u32) -> StatusRow {
        StatusRow {
            id: id.into(),
            running,
            at: t(h),
            refid: None,
        }
    }

    #[test]
    fn a_row_reads_its_status_time_and_reference() {
        let now = t(23);
        let r = status_row(
            &json!({"assetstatusid": 7, "isrunning": false,
                    "changedate": "2025-11-23T11:00:00+01:00", "externalrefid": "m1"}),
            now,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (r.id.as_str(), r.running, r.at, r.refid.as_deref()),
            ("7", false, t(10), Some("m1"))
        );
        let y = status_row(
            &json!({"assetstatusid": "8", "isrunning": "Y", "changedate": "2025-11-23T12:00:00Z"}),
            now,
        )
        .unwrap()
        .unwrap();
        assert!(y.running);
        assert_eq!(status_row(&json!({"isrunning": true}), now).unwrap(), None);
        assert!(status_row(&json!({"assetstatusid": 9, "isrunning": true}), now).is_err());
        assert!(status_row(
            &json!({"assetstatusid": 9, "changedate": "2025-11-23T12:00:00Z"}),
            now
        )
        .is_err());
    }

    #[test]
    fn rows_pair_down_with_the_next_up_in_time_order() {
        let p = pairs(vec![
            row("4", true, 14),
            row("1", false, 10),
            row("2", false, 11),
            row("0", true, 9),
            row("3", true, 12),
            row("5", false, 15),
        ]);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!((p[0].down.id.as_str(), p[0].end()), ("1", Some(t(12))));
        assert_eq!((p[1].down.id.as_str(), p[1].end()), ("5", None));
        assert!(pairs(vec![row("1", true, 9)]).is_empty());
    }

    #[test]
    fn a_stop_goes_after_before_or_not_at_all() {
        let none = (None, None);
        assert_eq!(place_of((t(10), Some(t(11))), none, &[]), Place::Only);
        assert_eq!(place_of((t(10), None), none, &[]), Place::Only);
        let cur = (Some(t(12)), Some(t(13)));
        assert_eq!(place_of((t(14), Some(t(15))), cur, &[]), Place::After);
        assert_eq!(place_of((t(13), None), cur, &[]), Place::After);
        assert_eq!(place_of((t(10), Some(t(11))), cur, &[]), Place::Before);
        assert_eq!(place_of((t(11), Some(t(12))), cur, &[]), Place::Before);
        assert_eq!(place_of((t(11), Some(t(13))), cur, &[]), Place::Overlaps);
        assert_eq!(place_of((t(10), None), cur, &[]), Place::Overlaps);
        let open = (Some(t(12)), None);
        assert_eq!(place_of((t(14), Some(t(15))), open, &[]), Place::Overlaps);
        let earlier = [(t(9), t(10))];
        assert_eq!(
            place_of((t(9), Some(t(11))), cur, &earlier),
            Place::Overlaps
        );
        assert_eq!(place_of((t(10), Some(t(11))), cur, &earlier), Place::Before);
    }
}
