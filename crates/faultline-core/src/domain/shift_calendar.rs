//! The plant's shift calendar: named shifts starting at local wall-clock times in the plant's
//! time zone (e.g. Early 05:00, Late 13:00, Night 21:00), and the days that are worked. Pure
//! functions turn it into UTC windows: a named shift on a date, the shift running at an instant,
//! the previous worked shift. Each shift ends where the next one starts, so the windows tile time
//! (a shift across a daylight-saving change is an hour shorter or longer).

use crate::error::{CoreError, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Most shifts a day may have.
pub const MAX_SHIFTS: usize = 6;

/// One shift of the day: its name and its local start time ("HH:MM").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftDef {
    pub name: String,
    /// Local start time, 24-hour "HH:MM".
    pub start: String,
}

/// The plant's shifts, its time zone and the days it works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftCalendar {
    /// IANA time zone name, e.g. "Europe/Berlin".
    pub time_zone: String,
    /// In start-time order; each ends where the next starts (the last at the first's start the
    /// next day).
    pub shifts: Vec<ShiftDef>,
    /// Worked days, ISO numbers: 1 = Monday … 7 = Sunday.
    pub work_days: Vec<u8>,
}

/// One concrete shift: which one, on which (local) day, and its UTC window `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ShiftWindow {
    pub name: String,
    /// The local date the shift starts on.
    #[ts(type = "string")]
    pub date: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// False on a day the plant does not work (a weekend off).
    pub worked: bool,
}

impl Default for ShiftCalendar {
    /// Early 05:00, Late 13:00, Night 21:00, Monday to Friday, in this computer's time zone.
    fn default() -> Self {
        let tz = jiff::tz::TimeZone::system();
        ShiftCalendar {
            time_zone: tz.iana_name().unwrap_or("UTC").to_string(),
            shifts: [("Early", "05:00"), ("Late", "13:00"), ("Night", "21:00")]
                .into_iter()
                .map(|(name, start)| ShiftDef {
                    name: name.into(),
                    start: start.into(),
                })
                .collect(),
            work_days: vec![1, 2, 3, 4, 5],
        }
    }
}

fn invalid(msg: String) -> CoreError {
    CoreError::InvalidInput(msg)
}

/// "HH:MM" (or "H:MM") as minutes after midnight.
pub fn parse_start(s: &str) -> Result<u32> {
    let bad = || {
        invalid(format!(
            "shift start {s:?} is not a time of day: use 24-hour HH:MM, e.g. 05:00 or 21:30"
        ))
    };
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Day names and ranges as people write them: "mon-fri", "mon-sat", "all", "mon,wed,fri", "1-5".
pub fn parse_work_days(s: &str) -> Result<Vec<u8>> {
    let day = |t: &str| -> Result<u8> {
        let t = t.trim().to_ascii_lowercase();
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        if let Some(i) = names.iter().position(|n| t.starts_with(n) && t.len() >= 3) {
            return Ok(u8::try_from(i + 1).unwrap_or(1));
        }
        match t.parse::<u8>() {
            Ok(n @ 1..=7) => Ok(n),
            _ => Err(invalid(format!(
                "{t:?} is not a day: use mon … sun or 1 (Monday) … 7 (Sunday)"
            ))),
        }
    };
    let s = s.trim().to_ascii_lowercase();
    if s == "all" || s == "every" || s == "daily" {
        return Ok((1..=7).collect());
    }
    let mut days = Vec::new();
    for part in s.split(',').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a)?, day(b)?);
                if a > b {
                    return Err(invalid(format!(
                        "day range {part:?} runs backwards: write it Monday first, e.g. mon-fri"
                    )));
                }
                days.extend(a..=b);
            }
            None => days.push(day(part)?),
        }
    }
    days.sort_unstable();
    days.dedup();
    if days.is_empty() {
        return Err(invalid(
            "no worked days given: e.g. mon-fri, mon-sat or all".into(),
        ));
    }
    Ok(days)
}

fn time_zone(name: &str) -> Result<jiff::tz::TimeZone> {
    jiff::tz::TimeZone::get(name.trim()).map_err(|_| {
        invalid(format!(
            "{name:?} is not a known time zone: use an IANA name such as Europe/Berlin or America/Chicago"
        ))
    })
}

/// `date` at `minutes` after local midnight in `tz`, as UTC (a time inside a daylight-saving gap
/// moves forward, a repeated one takes the first).
fn local_to_utc(tz: &jiff::tz::TimeZone, date: NaiveDate, minutes: u32) -> Result<DateTime<Utc>> {
    let bad = || invalid(format!("{date} is outside the calendar's range"));
    let year = i16::try_from(date.year()).map_err(|_| bad())?;
    let d =
        jiff::civil::Date::new(year, date.month() as i8, date.day() as i8).map_err(|_| bad())?;
    let t = d.at((minutes / 60) as i8, (minutes % 60) as i8, 0, 0);
    let zoned = t.to_zoned(tz.clone()).map_err(|_| bad())?;
    DateTime::<Utc>::from_timestamp_millis(zoned.timestamp().as_millisecond()).ok_or_else(bad)
}

/// The local date of an instant in `tz`.
fn local_date(tz: &jiff::tz::TimeZone, t: DateTime<Utc>) -> Result<NaiveDate> {
    let bad = || invalid(format!("{t} is outside the calendar's range"));
    let ts = jiff::Timestamp::from_millisecond(t.timestamp_millis()).map_err(|_| bad())?;
    let d = ts.to_zoned(tz.clone()).date();
    NaiveDate::from_ymd_opt(i32::from(d.year()), d.month() as u32, d.day() as u32).ok_or_else(bad)
}

impl ShiftCalendar {
    /// The calendar cleaned and checked: names trimmed and unique, starts valid and distinct,
    /// shifts in start order, a known time zone, at least one worked day.
    pub fn checked(mut self) -> Result<Self> {
        self.time_zone = self.time_zone.trim().to_string();
        time_zone(&self.time_zone)?;
        if self.shifts.is_empty() || self.shifts.len() > MAX_SHIFTS {
            return Err(invalid(format!(
                "a day has 1 to {MAX_SHIFTS} shifts (given {})",
                self.shifts.len()
            )));
        }
        for s in &mut self.shifts {
            s.name = s.name.trim().to_string();
            if s.name.is_empty() || s.name.chars().count() > 40 {
                return Err(invalid(
                    "each shift needs a name of 1 to 40 characters".into(),
                ));
            }
            let m = parse_start(&s.start)?;
            s.start = format!("{:02}:{:02}", m / 60, m % 60);
        }
        self.shifts
            .sort_by_key(|s| parse_start(&s.start).unwrap_or(0));
        for w in self.shifts.windows(2) {
            if w[0].start == w[1].start {
                return Err(invalid(format!(
                    "shifts {} and {} both start at {}",
                    w[0].name, w[1].name, w[0].start
                )));
            }
        }
        let mut names: Vec<String> = self.shifts.iter().map(|s| s.name.to_lowercase()).collect();
        names.sort();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err(invalid("two shifts have the same name".into()));
        }
        self.work_days.sort_unstable();
        self.work_days.dedup();
        if self.work_days.is_empty() || self.work_days.iter().any(|d| !(1..=7).contains(d)) {
            return Err(invalid(
                "worked days are 1 (Monday) to 7 (Sunday), at least one".into(),
            ));
        }
        Ok(self)
    }

    fn index_of(&self, name: &str) -> Result<usize> {
        let name = name.trim();
        self.shifts
            .iter()
            .position(|s| s.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let known: Vec<&str> = self.shifts.iter().map(|s| s.name.as_str()).collect();
                CoreError::NotFound(format!(
                    "no shift named {name:?}: the plant's shifts are {}",
                    known.join(", ")
                ))
            })
    }

    fn window_at(&self, tz: &jiff::tz::TimeZone, i: usize, date: NaiveDate) -> Result<ShiftWindow> {
        let start = parse_start(&self.shifts[i].start)?;
        let from = local_to_utc(tz, date, start)?;
        let to = match self.shifts.get(i + 1) {
            Some(next) => local_to_utc(tz, date, parse_start(&next.start)?)?,
            None => {
                let next_day = date
                    .succ_opt()
                    .ok_or_else(|| invalid(format!("{date} is outside the calendar's range")))?;
                local_to_utc(tz, next_day, parse_start(&self.shifts[0].start)?)?
            }
        };
        let weekday = u8::try_from(date.weekday().number_from_monday()).unwrap_or(1);
        Ok(ShiftWindow {
            name: self.shifts[i].name.clone(),
            date,
            from,
            to,
            worked: self.work_days.contains(&weekday),
        })
    }

    /// The shift called `name` (any case) that starts on the local `date`.
    pub fn window(&self, name: &str, date: NaiveDate) -> Result<ShiftWindow> {
        let tz = time_zone(&self.time_zone)?;
        self.window_at(&tz, self.index_of(name)?, date)
    }

    /// Every shift starting on the local `date`, in order.
    pub fn day(&self, date: NaiveDate) -> Result<Vec<ShiftWindow>> {
        let tz = time_zone(&self.time_zone)?;
        (0..self.shifts.len())
            .map(|i| self.window_at(&tz, i, date))
            .collect()
    }

    /// The shift running at `t` (worked or not).
    pub fn containing(&self, t: DateTime<Utc>) -> Result<ShiftWindow> {
        let tz = time_zone(&self.time_zone)?;
        let today = local_date(&tz, t)?;
        let yesterday = today
            .pred_opt()
            .ok_or_else(|| invalid(format!("{t} is outside the calendar's range")))?;
        for date in [today, yesterday] {
            for i in (0..self.shifts.len()).rev() {
                let w = self.window_at(&tz, i, date)?;
                if w.from <= t && t < w.to {
                    return Ok(w);
                }
            }
        }
        Err(invalid(format!("no shift of the calendar covers {t}")))
    }

    /// The last worked shift that ended at or before the start of the shift running at `t`.
    pub fn previous(&self, t: DateTime<Utc>) -> Result<ShiftWindow> {
        let mut w = self.containing(t)?;
        for _ in 0..(7 * MAX_SHIFTS + 1) {
            w = self.containing(w.from - Duration::milliseconds(1))?;
            if w.worked {
                return Ok(w);
            }
        }
        Err(invalid(
            "the calendar has no worked shift in the week before".into(),
        ))
    }

    /// A shift chosen the way people say it: "current", "previous", or a shift's name on a
    /// local `date` (today's local date at `now` when none is given).
    pub fn pick(
        &self,
        which: &str,
        date: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<ShiftWindow> {
        match (which.trim().to_ascii_lowercase().as_str(), date) {
            ("current", None) => self.containing(now),
            ("previous", None) => self.previous(now),
            ("current" | "previous", Some(_)) => Err(invalid(
                "--date goes with a shift's name (e.g. --shift Early --date 2026-11-20), not with current or previous".into(),
            )),
            (_, date) => {
                let date = match date {
                    Some(d) => d,
                    None => local_date(&time_zone(&self.time_zone)?, now)?,
                };
                self.window(which, date)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn berlin() -> ShiftCalendar {
        ShiftCalendar {
            time_zone: "Europe/Berlin".into(),
            shifts: [("Night", "21:00"), ("Early", "5:00"), ("Late", "13:00")]
                .into_iter()
                .map(|(n, s)| ShiftDef {
                    name: n.into(),
                    start: s.into(),
                })
                .collect(),
            work_days: vec![1, 2, 3, 4, 5],
        }
        .checked()
        .unwrap_or_else(|e| panic!("calendar: {e}"))
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn checked_sorts_by_start_and_normalises_times() {
        let c = berlin();
        let names: Vec<_> = c.shifts.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Early", "Late", "Night"]);
        assert_eq!(c.shifts[0].start, "05:00");
    }

    #[test]
    fn bad_calendars_are_refused_with_what_to_change() {
        let mut c = berlin();
        c.time_zone = "Mars/Olympus".into();
        assert!(c.checked().is_err());
        let mut c = berlin();
        c.shifts[1].start = "05:00".into();
        assert!(c.checked().is_err());
        let mut c = berlin();
        c.shifts[1].start = "25:00".into();
        assert!(c.checked().is_err());
        let mut c = berlin();
        c.shifts[2].name = " early ".into();
        assert!(c.checked().is_err());
        let mut c = berlin();
        c.work_days = vec![];
        assert!(c.checked().is_err());
    }

    #[test]
    fn a_named_shift_is_its_local_window_in_utc() -> Result<()> {
        // 2026-11-20 is a Friday; Berlin is UTC+1 in November.
        let w = berlin().window("early", date(2026, 11, 20))?;
        assert_eq!(
            (w.from, w.to),
            (utc(2026, 11, 20, 4, 0), utc(2026, 11, 20, 12, 0))
        );
        assert!(w.worked);
        let night = berlin().window("Night", date(2026, 11, 20))?;
        assert_eq!(night.to, utc(2026, 11, 21, 4, 0));
        assert!(!berlin().window("Early", date(2026, 11, 21))?.worked);
        Ok(())
    }

    #[test]
    fn the_night_shift_after_midnight_is_the_one_that_started_yesterday() -> Result<()> {
        let w = berlin().containing(utc(2026, 11, 20, 1, 30))?; // 02:30 local
        assert_eq!((w.name.as_str(), w.date), ("Night", date(2026, 11, 19)));
        let w = berlin().containing(utc(2026, 11, 20, 4, 0))?; // 05:00 local sharp
        assert_eq!(w.name, "Early");
        Ok(())
    }

    #[test]
    fn previous_skips_the_weekend_off() -> Result<()> {
        // Monday 2026-11-23 06:00 local: Early runs; the previous worked shift is Friday's Night.
        let p = berlin().previous(utc(2026, 11, 23, 5, 0))?;
        assert_eq!((p.name.as_str(), p.date), ("Night", date(2026, 11, 20)));
        // Tuesday 14:00: Late runs; previous is Tuesday's Early.
        let p = berlin().previous(utc(2026, 11, 24, 13, 0))?;
        assert_eq!((p.name.as_str(), p.date), ("Early", date(2026, 11, 24)));
        Ok(())
    }

    #[test]
    fn a_shift_across_the_clock_change_is_an_hour_longer() -> Result<()> {
        // Berlin leaves summer time on 2026-10-25 at 03:00 local.
        let w = berlin().window("Night", date(2026, 10, 24))?;
        assert_eq!((w.to - w.from).num_hours(), 9);
        Ok(())
    }

    #[test]
    fn pick_understands_current_previous_and_names() -> Result<()> {
        let now = utc(2026, 11, 24, 13, 0);
        let c = berlin();
        assert_eq!(c.pick("current", None, now)?.name, "Late");
        assert_eq!(c.pick("previous", None, now)?.name, "Early");
        assert_eq!(c.pick("night", None, now)?.date, date(2026, 11, 24));
        assert!(c.pick("current", Some(date(2026, 11, 1)), now).is_err());
        assert!(c.pick("Swing", None, now).is_err());
        Ok(())
    }

    #[test]
    fn work_days_parse_as_people_write_them() -> Result<()> {
        assert_eq!(parse_work_days("mon-fri")?, vec![1, 2, 3, 4, 5]);
        assert_eq!(parse_work_days("all")?.len(), 7);
        assert_eq!(parse_work_days("Mon,Wed,sunday")?, vec![1, 3, 7]);
        assert!(parse_work_days("fri-mon").is_err());
        assert!(parse_work_days("funday").is_err());
        Ok(())
    }
}
