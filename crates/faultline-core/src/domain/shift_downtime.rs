//! Downtime inside a time window (a shift): the overlap of every downtime interval with the
//! window, whoever reported the breakdown and whenever. An interval still open (the machine is
//! down now) counts up to `now`, and never beyond the window's end.

use super::DowntimeInterval;
use chrono::{DateTime, Utc};

/// Minutes of `interval` inside `[from, to)`, an open interval ending at `min(now, to)`.
pub fn overlap_minutes(
    interval: DowntimeInterval,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> i64 {
    let start = interval.start.max(from);
    let end = interval.end.unwrap_or(now).min(to);
    (end - start).num_minutes().max(0)
}

/// Total minutes of downtime inside `[from, to)`: the sum of each interval's overlap.
pub fn downtime_in_window(
    intervals: &[DowntimeInterval],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> i64 {
    intervals
        .iter()
        .map(|i| overlap_minutes(*i, from, to, now))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn h(hour: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, hour, min, 0)
            .single()
            .unwrap_or_default()
    }

    fn iv(start: DateTime<Utc>, end: Option<DateTime<Utc>>) -> DowntimeInterval {
        DowntimeInterval { start, end }
    }

    // The shift is 05:00–13:00.
    const FROM: (u32, u32) = (5, 0);
    const TO: (u32, u32) = (13, 0);

    fn window(intervals: &[DowntimeInterval], now: DateTime<Utc>) -> i64 {
        downtime_in_window(intervals, h(FROM.0, FROM.1), h(TO.0, TO.1), now)
    }

    #[test]
    fn a_machine_down_since_before_the_shift_counts_the_whole_shift() {
        assert_eq!(window(&[iv(h(1, 0), None)], h(14, 0)), 8 * 60);
        assert_eq!(window(&[iv(h(1, 0), Some(h(6, 30)))], h(14, 0)), 90);
    }

    #[test]
    fn an_open_stop_counts_up_to_now_inside_a_running_shift() {
        assert_eq!(window(&[iv(h(9, 0), None)], h(10, 15)), 75);
        assert_eq!(window(&[iv(h(3, 0), None)], h(10, 0)), 5 * 60);
    }

    #[test]
    fn stops_inside_after_and_across_the_end_are_clipped() {
        let intervals = [
            iv(h(6, 0), Some(h(7, 0))),    // inside: 60
            iv(h(12, 30), Some(h(14, 0))), // across the end: 30
            iv(h(13, 0), None),            // after: 0
            iv(h(2, 0), Some(h(4, 0))),    // before: 0
        ];
        assert_eq!(window(&intervals, h(15, 0)), 90);
    }

    #[test]
    fn several_machines_down_add_up() {
        let intervals = [
            iv(h(4, 0), None),
            iv(h(12, 0), None),
            iv(h(8, 0), Some(h(8, 45))),
        ];
        assert_eq!(window(&intervals, h(20, 0)), 8 * 60 + 60 + 45);
    }
}
