//! The shift lead's commands: `shifts show|set` (the plant's shift calendar) and `shift-report`
//! (the handover for a calendar shift or a time range), with its text form.

use crate::args::ShiftsCommand;
use crate::print::Printer;
use crate::time_arg::parse as parse_time;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use faultline_core::domain::{
    parse_work_days, ShiftCalendar, ShiftDef, ShiftEventKind, ShiftHandover, WorkOrderSummary,
};
use faultline_core::{CoreError, Store};

type Result<T> = std::result::Result<T, CoreError>;

/// What `shift-report` was asked for.
pub struct ReportArgs {
    pub since: Option<String>,
    pub until: Option<String>,
    pub hours: i64,
    pub shift: Option<String>,
    pub date: Option<String>,
}

pub fn shifts(store: &mut Store, out: &Printer, cmd: ShiftsCommand) -> Result<()> {
    match cmd {
        ShiftsCommand::Show => calendar(out, &store.shift_calendar()?),
        ShiftsCommand::Set { tz, shift, days } => {
            let mut cal = store.shift_calendar()?;
            if let Some(tz) = tz {
                cal.time_zone = tz;
            }
            if !shift.is_empty() {
                cal.shifts = shift
                    .iter()
                    .map(|s| parse_shift(s))
                    .collect::<Result<_>>()?;
            }
            if let Some(d) = days {
                cal.work_days = parse_work_days(&d)?;
            }
            calendar(out, &store.set_shift_calendar(cal)?)
        }
    }
}

/// "Early=05:00" as a shift.
fn parse_shift(s: &str) -> Result<ShiftDef> {
    let (name, start) = s.split_once('=').ok_or_else(|| {
        CoreError::InvalidInput(format!(
            "{s:?}: give each shift as NAME=HH:MM, e.g. --shift Early=05:00"
        ))
    })?;
    Ok(ShiftDef {
        name: name.trim().into(),
        start: start.trim().into(),
    })
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        CoreError::InvalidInput(format!(
            "{s:?} is not a date: use YYYY-MM-DD, e.g. 2026-11-20"
        ))
    })
}

pub fn report(store: &Store, out: &Printer, a: ReportArgs) -> Result<()> {
    let now = store.clock().now();
    if let Some(which) = a.shift {
        let cal = store.shift_calendar()?;
        let date = a.date.as_deref().map(parse_date).transpose()?;
        let w = cal.pick(&which, date, now)?;
        let mut h = store.shift_handover(w.from, w.to, now)?;
        h.shift = Some(w);
        return handover(out, &h);
    }
    let to = match a.until {
        Some(u) => parse_time(&u)?,
        None => now,
    };
    let from = match a.since {
        Some(s) => parse_time(&s)?,
        None => to - Duration::hours(a.hours.clamp(1, 24 * 31)),
    };
    handover(out, &store.shift_handover(from, to, now)?)
}

fn calendar(out: &Printer, c: &ShiftCalendar) -> Result<()> {
    out.emit(c, || {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let days: Vec<&str> = c
            .work_days
            .iter()
            .filter_map(|d| names.get(usize::from(*d).wrapping_sub(1)).copied())
            .collect();
        let mut s = format!(
            "Time zone {}; worked days {}\n",
            c.time_zone,
            days.join(" ")
        );
        for sh in &c.shifts {
            s.push_str(&format!("  {:<12} from {}\n", sh.name, sh.start));
        }
        s.trim_end().to_string()
    })
}

fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono::Local)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// "2 h 05 min", "3 d 4 h".
pub fn duration(minutes: i64) -> String {
    let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (d, h) {
        (0, 0) => format!("{m} min"),
        (0, _) => format!("{h} h {m:02} min"),
        _ => format!("{d} d {h} h"),
    }
}

fn wo(w: &WorkOrderSummary) -> String {
    format!("{} {} P{} {}", w.asset_tag, w.number, w.priority, w.title)
}

fn handover(out: &Printer, h: &ShiftHandover) -> Result<()> {
    out.emit(h, || {
        let title = match &h.shift {
            Some(w) => format!("{} shift {}", w.name, w.date),
            None => "Shift".into(),
        };
        let mut s = format!(
            "{title} {} – {}: {} breakdowns reported, {} downtime\n",
            local(h.from),
            local(h.to),
            h.breakdowns_reported,
            duration(h.downtime_minutes)
        );
        s.push_str(&format!("\nDown now ({}):\n", h.down_now.len()));
        for d in &h.down_now {
            s.push_str(&format!(
                "  {:<12} down {} (since {})\n",
                wo(&d.work_order),
                duration(d.down_minutes),
                local(d.down_since)
            ));
        }
        s.push_str(&format!("\nOpen ({}):\n", h.open_items.len()));
        for o in &h.open_items {
            s.push_str(&format!(
                "  {}  {}  open {}\n",
                wo(&o.work_order),
                o.work_order.status.as_str(),
                duration(o.age_minutes)
            ));
        }
        s.push_str(&format!(
            "\nDone in the shift ({} work orders):\n",
            h.activity.len()
        ));
        for a in &h.activity {
            s.push_str(&format!("  {}", wo(&a.work_order)));
            if a.downtime_minutes > 0 {
                s.push_str(&format!(
                    "  ({} down in the shift)",
                    duration(a.downtime_minutes)
                ));
            }
            s.push('\n');
            for e in &a.events {
                let kind = match e.kind {
                    ShiftEventKind::Reported => "reported",
                    ShiftEventKind::Started => "started",
                    ShiftEventKind::Stopped => "stopped",
                    ShiftEventKind::BackInService => "running",
                    ShiftEventKind::Note => "note",
                    ShiftEventKind::Part => "part",
                    ShiftEventKind::Photo => "photo",
                    ShiftEventKind::Finished => "finished",
                };
                let by = e
                    .author
                    .as_deref()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default();
                s.push_str(&format!("    {} {:<9} {}{by}\n", local(e.at), kind, e.text));
            }
        }
        s.trim_end().to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_says_them() {
        assert_eq!(duration(7), "7 min");
        assert_eq!(duration(125), "2 h 05 min");
        assert_eq!(duration(3 * 1440 + 250), "3 d 4 h");
    }

    #[test]
    fn a_shift_is_given_as_name_equals_start() {
        assert_eq!(
            parse_shift("Early=05:00").ok().map(|s| s.name),
            Some("Early".to_string())
        );
        assert!(parse_shift("Early").is_err());
    }
}
