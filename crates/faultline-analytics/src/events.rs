//! From work orders to failure events. A breakdown is a work order of type `breakdown` that was
//! not cancelled (planned and corrective work never counts). One stoppage of an asset is one
//! failure event: breakdowns of the same asset whose downtime overlaps (or, without downtime,
//! that were reported at the same instant) are merged, so a duplicate report does not count twice.

use crate::WorkOrder;
use std::collections::HashMap;

/// Whether a work order counts as a failure.
pub fn is_breakdown(w: &WorkOrder) -> bool {
    w.wo_type == "breakdown" && w.status != "cancelled"
}

/// The work order's downtime intervals as `[start, end)`; an open interval ends at `open_end`,
/// and one that ended after `open_end` is cut there (it was still open then).
pub fn intervals(w: &WorkOrder, open_end: i64) -> Vec<(i64, i64)> {
    w.downtime
        .iter()
        .filter(|(s, _)| *s < open_end)
        .map(|&(s, e)| (s, e.unwrap_or(open_end).min(open_end)))
        .filter(|(s, e)| e >= s)
        .collect()
}

/// The union of intervals, sorted, overlapping or touching ones merged.
pub fn union(mut v: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    v.sort_unstable();
    // Merged in place: `kept` intervals at the front, no second vector.
    let mut kept: usize = 0;
    for i in 0..v.len() {
        let (s, e) = v[i];
        match kept.checked_sub(1).map(|k| &mut v[k]) {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => {
                v[kept] = (s, e);
                kept += 1;
            }
        }
    }
    v.truncate(kept);
    v
}

/// Milliseconds of (sorted, disjoint) intervals inside `[from, to)`.
pub fn clipped_total(v: &[(i64, i64)], from: i64, to: i64) -> i64 {
    v.iter()
        .map(|&(s, e)| (e.min(to) - s.max(from)).max(0))
        .sum()
}

/// One stoppage of one asset.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureEvent {
    pub asset_tag: String,
    /// First downtime start, or the report time when no downtime was recorded.
    pub start: i64,
    /// When the asset was back in service; `None` while still down at the cut-off or when no
    /// downtime was recorded.
    pub restored_at: Option<i64>,
    /// Stopped time (the union of the merged breakdowns' intervals, up to the cut-off).
    pub downtime_ms: i64,
    pub has_downtime: bool,
    /// Numbers of the merged breakdown work orders, in report order.
    pub work_orders: Vec<String>,
}

/// Failure events of the breakdowns reported before `cut_off`, by asset then start. Downtime
/// still open at `cut_off` is counted up to it.
pub fn failure_events<'a>(
    work_orders: impl IntoIterator<Item = &'a WorkOrder>,
    cut_off: i64,
) -> Vec<FailureEvent> {
    stoppages(work_orders, cut_off)
        .iter()
        .map(|s| s.event(cut_off))
        .collect()
}

/// One stoppage of one asset as its breakdowns (the merging of [`failure_events`], borrowed):
/// what the risk model reads, without a copy of the numbers or the downtime sums.
#[derive(Debug, Clone)]
pub struct Stoppage<'a> {
    pub asset_tag: &'a str,
    /// First downtime start, or the report time when no downtime was recorded.
    pub start: i64,
    end: i64,
    open: bool,
    /// The merged breakdowns, in report order.
    pub work_orders: Vec<&'a WorkOrder>,
}

/// The stoppages of the breakdowns reported before `cut_off`, by asset then start.
pub fn stoppages<'a>(
    work_orders: impl IntoIterator<Item = &'a WorkOrder>,
    cut_off: i64,
) -> Vec<Stoppage<'a>> {
    // Grouped per asset through an index (one hash per work order, not a string comparison per
    // tree level), the groups then put in tag order.
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut by_asset: Vec<(&str, Vec<&WorkOrder>)> = Vec::new();
    for w in work_orders {
        if is_breakdown(w) && w.reported_at < cut_off {
            let tag = w.asset_tag.as_str();
            let i = *group_of.entry(tag).or_insert_with(|| {
                by_asset.push((tag, Vec::new()));
                by_asset.len() - 1
            });
            by_asset[i].1.push(w);
        }
    }
    by_asset.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    let mut spans: Vec<Stoppage> = Vec::new();
    for (tag, wos) in by_asset {
        spans.clear();
        spans.extend(wos.iter().map(|w| Stoppage::of(tag, w, cut_off)));
        spans.sort_by_key(|s| (s.start, s.end));
        let mut current: Option<Stoppage> = None;
        for s in spans.drain(..) {
            match current.as_mut() {
                // Overlapping downtime, or reported at the same instant.
                Some(c) if s.start < c.end || s.start == c.start => {
                    c.end = c.end.max(s.end);
                    c.open |= s.open;
                    c.work_orders.extend(s.work_orders);
                }
                _ => out.extend(current.replace(s)),
            }
        }
        out.extend(current);
    }
    out
}

impl<'a> Stoppage<'a> {
    /// One breakdown's stoppage: its downtime intervals' first start and last end (as
    /// [`intervals`] cuts them), without collecting them.
    fn of(asset_tag: &'a str, w: &'a WorkOrder, cut_off: i64) -> Self {
        let mut span: Option<(i64, i64)> = None;
        for &(s, e) in w.downtime.iter().filter(|(s, _)| *s < cut_off) {
            let e = e.unwrap_or(cut_off).min(cut_off);
            if e >= s {
                span = Some(span.map_or((s, e), |(a, b)| (a.min(s), b.max(e))));
            }
        }
        let open = w
            .downtime
            .iter()
            .any(|&(s, e)| s < cut_off && e.is_none_or(|e| e > cut_off));
        let (start, end, open) = match span {
            Some((s, e)) => (s, e, open),
            None => (w.reported_at, w.reported_at, false),
        };
        Stoppage {
            asset_tag,
            start,
            end,
            open,
            work_orders: vec![w],
        }
    }

    /// The failure event: downtime is the union of the breakdowns' intervals up to `cut_off`.
    pub fn event(&self, cut_off: i64) -> FailureEvent {
        let all: Vec<(i64, i64)> = self
            .work_orders
            .iter()
            .flat_map(|w| intervals(w, cut_off))
            .collect();
        let has_downtime = !all.is_empty();
        let merged = union(all);
        FailureEvent {
            asset_tag: self.asset_tag.to_string(),
            start: self.start,
            restored_at: (has_downtime && !self.open).then_some(self.end),
            downtime_ms: merged.iter().map(|(s, e)| e - s).sum(),
            has_downtime,
            work_orders: self.work_orders.iter().map(|w| w.number.clone()).collect(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::time::HOUR_MS;

    /// A breakdown on `tag` reported at hour `at` with downtime intervals in hours.
    pub fn breakdown(number: &str, tag: &str, at: i64, down: &[(i64, Option<i64>)]) -> WorkOrder {
        WorkOrder {
            number: number.into(),
            asset_tag: tag.into(),
            wo_type: "breakdown".into(),
            status: "closed".into(),
            reported_at: at * HOUR_MS,
            started_at: None,
            finished_at: None,
            downtime: down
                .iter()
                .map(|&(s, e)| (s * HOUR_MS, e.map(|e| e * HOUR_MS)))
                .collect(),
            failure_class: None,
            problem_code: None,
            cause_code: None,
            remedy_text: None,
            parts: Vec::new(),
        }
    }

    #[test]
    fn overlapping_breakdowns_of_one_asset_are_one_stoppage() {
        let wos = [
            breakdown("1", "P-1", 10, &[(10, Some(14))]),
            breakdown("2", "P-1", 12, &[(12, Some(16))]),
            breakdown("3", "P-1", 20, &[(20, Some(21))]),
            breakdown("4", "P-2", 12, &[(12, Some(13))]),
        ];
        let ev = failure_events(&wos, 100 * HOUR_MS);
        assert_eq!(ev.len(), 3);
        assert_eq!(ev[0].work_orders, vec!["1", "2"]);
        assert_eq!(ev[0].downtime_ms, 6 * HOUR_MS);
        assert_eq!(ev[0].restored_at, Some(16 * HOUR_MS));
        assert_eq!(ev[1].downtime_ms, HOUR_MS);
        assert_eq!(ev[2].asset_tag, "P-2");
    }

    #[test]
    fn cancelled_and_planned_work_are_not_failures_and_same_instant_reports_merge() {
        let mut cancelled = breakdown("1", "P-1", 5, &[]);
        cancelled.status = "cancelled".into();
        let mut planned = breakdown("2", "P-1", 6, &[(6, Some(8))]);
        planned.wo_type = "preventive".into();
        // Two components failing at the same instant, no downtime recorded: one stoppage.
        let a = breakdown("3", "P-1", 30, &[]);
        let b = breakdown("4", "P-1", 30, &[]);
        let ev = failure_events(&[cancelled, planned, a, b], 100 * HOUR_MS);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].work_orders, vec!["3", "4"]);
        assert!(!ev[0].has_downtime);
        assert_eq!(ev[0].restored_at, None);
    }

    #[test]
    fn an_open_breakdown_counts_up_to_the_cut_off_and_is_not_restored() {
        let wos = [breakdown("1", "P-1", 90, &[(90, None)])];
        let ev = failure_events(&wos, 100 * HOUR_MS);
        assert_eq!(ev[0].downtime_ms, 10 * HOUR_MS);
        assert_eq!(ev[0].restored_at, None);
        // Restored after the cut-off: still open at the cut-off.
        let wos = [breakdown("1", "P-1", 90, &[(90, Some(120))])];
        let ev = failure_events(&wos, 100 * HOUR_MS);
        assert_eq!(ev[0].downtime_ms, 10 * HOUR_MS);
        assert_eq!(ev[0].restored_at, None);
    }

    #[test]
    fn intermittent_stops_count_stopped_time_only() {
        let wos = [breakdown("1", "P-1", 0, &[(0, Some(2)), (5, Some(6))])];
        let ev = failure_events(&wos, 100 * HOUR_MS);
        assert_eq!(ev[0].downtime_ms, 3 * HOUR_MS);
        assert_eq!(ev[0].restored_at, Some(6 * HOUR_MS));
    }
}
