//! What guided diagnosis learns from use: a guide whose branch ended in a conclusion that the
//! work order's closing codes confirmed counts as evidence for that cause next time. The
//! confirmed conclusions are read through core ([`faultline_core::Store::confirmed_conclusions`],
//! held in [`History::confirmed`]); this module counts them per cause and guide, strictly before
//! the diagnosis time, and says so in a sentence for the cause's explanation.

use crate::history::History;
use faultline_core::store::ConfirmedConclusion;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One guide's confirmations of one cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideConfirmation {
    pub guide_id: String,
    pub guide_title: String,
    /// Closed work orders whose closing cause confirmed the guide's conclusion.
    pub work_orders: u32,
}

/// The guides that concluded `cause` on work orders closed with it strictly before `at`, most
/// confirmations first (then by guide id); a work order counts once per guide.
pub fn for_cause(h: &History, cause: &str, at: i64) -> Vec<GuideConfirmation> {
    for_cause_in(&h.confirmed, cause, at)
}

/// [`for_cause`] over the confirmed conclusions `confirmed`.
pub fn for_cause_in(
    confirmed: &[ConfirmedConclusion],
    cause: &str,
    at: i64,
) -> Vec<GuideConfirmation> {
    let cause = cause.trim();
    let mut by_guide: BTreeMap<&str, (&str, BTreeSet<&str>)> = BTreeMap::new();
    for c in confirmed
        .iter()
        .filter(|c| c.closed_at < at && c.cause_code.eq_ignore_ascii_case(cause))
    {
        by_guide
            .entry(c.guide_id.as_str())
            .or_insert_with(|| (c.guide_title.as_str(), BTreeSet::new()))
            .1
            .insert(c.work_order_id.as_str());
    }
    let mut out: Vec<GuideConfirmation> = by_guide
        .into_iter()
        .map(|(id, (title, wos))| GuideConfirmation {
            guide_id: id.to_string(),
            guide_title: title.to_string(),
            work_orders: u32::try_from(wos.len()).unwrap_or(u32::MAX),
        })
        .collect();
    out.sort_by(|a, b| {
        b.work_orders
            .cmp(&a.work_orders)
            .then_with(|| a.guide_id.cmp(&b.guide_id))
    });
    out
}

/// "Confirmed by the guide 'VX-300 OC1' in 2 closed work orders." (`None` without any).
pub fn sentence(confirmations: &[GuideConfirmation]) -> Option<String> {
    let parts: Vec<String> = confirmations
        .iter()
        .map(|c| {
            format!(
                "the guide '{}' in {} closed work order{}",
                c.guide_title,
                c.work_orders,
                if c.work_orders == 1 { "" } else { "s" }
            )
        })
        .collect();
    (!parts.is_empty()).then(|| format!("Confirmed by {}.", parts.join(", ")))
}

/// `explanation` with the sentence on the guides that confirmed `cause` before `at` appended.
pub fn explain(explanation: String, h: &History, cause: &str, at: i64) -> String {
    explain_with(explanation, &h.confirmed, cause, at)
}

/// [`explain`] over the confirmed conclusions `confirmed`.
pub fn explain_with(
    explanation: String,
    confirmed: &[ConfirmedConclusion],
    cause: &str,
    at: i64,
) -> String {
    match sentence(&for_cause_in(confirmed, cause, at)) {
        Some(s) => format!("{explanation} {s}"),
        None => explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confirmed(guide: &str, wo: &str, cause: &str, closed_at: i64) -> ConfirmedConclusion {
        ConfirmedConclusion {
            session_id: format!("s-{guide}-{wo}"),
            guide_id: guide.into(),
            guide_title: format!("{guide} title"),
            work_order_id: wo.into(),
            cause_code: cause.into(),
            closed_at,
        }
    }

    fn history() -> History {
        let mut h = History::default();
        h.confirmed.extend([
            confirmed("VX300-OC1", "w1", "ACCLOAD", 10),
            confirmed("VX300-OC1", "w2", "accload", 20),
            // A second session on the same work order counts once.
            confirmed("VX300-OC1", "w2", "ACCLOAD", 20),
            confirmed("OTHER", "w3", "ACCLOAD", 30),
            confirmed("VX300-OC1", "w4", "CBLDMG", 15),
        ]);
        h
    }

    #[test]
    fn confirmations_are_counted_per_guide_and_work_order_strictly_before_the_time() {
        let h = history();
        let got = for_cause(&h, "ACCLOAD", 31);
        let seen: Vec<(&str, u32)> = got
            .iter()
            .map(|c| (c.guide_id.as_str(), c.work_orders))
            .collect();
        assert_eq!(seen, vec![("VX300-OC1", 2), ("OTHER", 1)]);
        // At 20 the close at 20 is not known yet.
        let early = for_cause(&h, "ACCLOAD", 20);
        assert_eq!(early.len(), 1);
        assert_eq!(early[0].work_orders, 1);
        assert!(for_cause(&h, "MTRBRG", 100).is_empty());
    }

    #[test]
    fn the_explanation_says_which_guide_confirmed_the_cause() {
        let h = history();
        assert_eq!(
            explain("ACCLOAD in 9 of 14.".into(), &h, "ACCLOAD", 31),
            "ACCLOAD in 9 of 14. Confirmed by the guide 'VX300-OC1 title' in 2 closed work \
             orders, the guide 'OTHER title' in 1 closed work order."
        );
        assert_eq!(explain("x.".into(), &h, "ACCLOAD", 5), "x.");
    }
}
