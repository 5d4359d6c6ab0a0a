//! OEE per ISO 22400-2: availability × effectiveness × quality rate over the standard's time
//! model, from a production count (planned busy time, planned run time per unit, produced, good
//! and scrap quantities) and the downtime of the breakdown work orders, so breakdowns and OEE
//! agree. Pure arithmetic; where the counts come from is the caller's business.
//!
//! - PBT planned busy time (the shift's planned operation time less planned downtime)
//! - APT actual production time = PBT − breakdown downtime inside the shift
//! - availability = APT / PBT
//! - effectiveness = PRI × PQ / APT (PRI planned run time per unit, PQ produced quantity)
//! - quality rate = GQ / PQ (GQ good quantity; scrap SQ = PQ − GQ)
//! - OEE = availability × effectiveness × quality rate = PRI × GQ / PBT

use serde::Serialize;

/// One production count: a shift (or day) of one asset or line.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductionCount {
    /// Planned busy time, hours.
    pub planned_busy_hours: f64,
    /// Planned run time per unit, seconds.
    pub run_time_per_unit_s: f64,
    pub produced: f64,
    pub good: f64,
}

/// The time model from planned time to good output, hours (the OEE waterfall).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Oee {
    pub planned_busy_hours: f64,
    pub downtime_hours: f64,
    pub actual_production_hours: f64,
    /// APT − PRI × PQ: running, but slower than planned (or small stops not logged).
    pub speed_loss_hours: f64,
    /// PRI × SQ: time spent making scrap.
    pub quality_loss_hours: f64,
    /// PRI × GQ.
    pub good_output_hours: f64,
    pub availability: Option<f64>,
    pub effectiveness: Option<f64>,
    pub quality_rate: Option<f64>,
    pub oee: Option<f64>,
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// OEE of counts with `downtime_hours` of breakdowns inside their planned busy time. Several
/// counts (shifts of a line) are summed first: the ratios of the sums, not the mean of ratios.
pub fn oee(counts: &[ProductionCount], downtime_hours: f64) -> Oee {
    let pbt: f64 = counts.iter().map(|c| c.planned_busy_hours).sum();
    let produced: f64 = counts.iter().map(|c| c.produced).sum();
    let good: f64 = counts.iter().map(|c| c.good).sum();
    let pri_pq: f64 = counts
        .iter()
        .map(|c| c.run_time_per_unit_s * c.produced / 3600.0)
        .sum();
    let pri_gq: f64 = counts
        .iter()
        .map(|c| c.run_time_per_unit_s * c.good / 3600.0)
        .sum();
    let down = downtime_hours.clamp(0.0, pbt.max(0.0));
    let apt = pbt - down;
    Oee {
        planned_busy_hours: pbt,
        downtime_hours: down,
        actual_production_hours: apt,
        speed_loss_hours: apt - pri_pq,
        quality_loss_hours: pri_pq - pri_gq,
        good_output_hours: pri_gq,
        availability: ratio(apt, pbt),
        effectiveness: ratio(pri_pq, apt),
        quality_rate: ratio(good, produced),
        oee: ratio(pri_gq, pbt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    /// Worked example: an 8 h shift with 30 min planned break → PBT 7.5 h; a 45 min breakdown
    /// → APT 6.75 h; planned 30 s per part, 720 made → 6 h of planned run time; 18 scrapped →
    /// 702 good. Availability 6.75/7.5 = 0.9, effectiveness 6/6.75 = 0.8889, quality
    /// 702/720 = 0.975, OEE = 0.9 × 0.8889 × 0.975 = 0.78 = 702 × 30 s / 7.5 h.
    #[test]
    fn iso_22400_worked_example_one_shift() {
        let c = ProductionCount {
            planned_busy_hours: 7.5,
            run_time_per_unit_s: 30.0,
            produced: 720.0,
            good: 702.0,
        };
        let o = oee(&[c], 0.75);
        assert!(close(o.availability, 0.9));
        assert!(close(o.effectiveness, 6.0 / 6.75));
        assert!(close(o.quality_rate, 0.975));
        assert!(close(o.oee, 0.78));
        assert!(close(Some(o.speed_loss_hours), 0.75));
        assert!(close(Some(o.quality_loss_hours), 0.15));
        // The waterfall adds up: PBT = downtime + speed loss + quality loss + good output.
        let sum =
            o.downtime_hours + o.speed_loss_hours + o.quality_loss_hours + o.good_output_hours;
        assert!((sum - o.planned_busy_hours).abs() < 1e-9);
    }

    /// Two shifts of one line: the ratios of the sums. Shift A: PBT 8 h, no downtime,
    /// 60 s/unit, 400 made, 380 good; shift B: PBT 8 h, 2 h down, 60 s/unit, 300 made, 300
    /// good. PBT 16, APT 14, PRI×PQ = 700/60 h, PRI×GQ = 680/60 h. OEE = (680/60)/16.
    #[test]
    fn several_shifts_are_summed_before_the_ratios() {
        let a = ProductionCount {
            planned_busy_hours: 8.0,
            run_time_per_unit_s: 60.0,
            produced: 400.0,
            good: 380.0,
        };
        let b = ProductionCount {
            planned_busy_hours: 8.0,
            run_time_per_unit_s: 60.0,
            produced: 300.0,
            good: 300.0,
        };
        let o = oee(&[a, b], 2.0);
        assert!(close(o.availability, 14.0 / 16.0));
        assert!(close(o.effectiveness, (700.0 / 60.0) / 14.0));
        assert!(close(o.quality_rate, 680.0 / 700.0));
        assert!(close(o.oee, (680.0 / 60.0) / 16.0));
        let product = o.availability.unwrap_or(0.0)
            * o.effectiveness.unwrap_or(0.0)
            * o.quality_rate.unwrap_or(0.0);
        assert!(close(o.oee, product));
    }

    #[test]
    fn downtime_longer_than_planned_time_and_no_output() {
        let c = ProductionCount {
            planned_busy_hours: 8.0,
            run_time_per_unit_s: 60.0,
            produced: 0.0,
            good: 0.0,
        };
        let o = oee(&[c], 12.0);
        assert!(close(o.availability, 0.0));
        assert_eq!(o.effectiveness, None);
        assert_eq!(o.quality_rate, None);
        assert!(close(o.oee, 0.0));
    }
}
