//! What guided diagnosis learns from use: the diagnosis sessions whose guide ended in a
//! conclusion that the work order's closing codes confirmed (same cause code), read strictly
//! before a time so that a ranking `--at` a moment sees only what was closed before it.

use super::Store;
use crate::error::Result;
use rusqlite::params;

/// A session's conclusion confirmed by its work order's closing codes.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmedConclusion {
    pub session_id: String,
    pub guide_id: String,
    pub guide_title: String,
    pub work_order_id: String,
    /// The cause code as the work order was closed with it.
    pub cause_code: String,
    /// When the work order was finished (or reported, without a finish), ms since the epoch.
    pub closed_at: i64,
}

impl Store {
    /// The confirmed conclusions of closed work orders finished strictly before `before` (ms),
    /// oldest first. A generated checklist counts like an authored guide; a session that reached
    /// no conclusion, or another cause than the closing one, does not count.
    pub fn confirmed_conclusions(&self, before: i64) -> Result<Vec<ConfirmedConclusion>> {
        // The sessions drive (CROSS JOIN keeps them the outer loop): without statistics the
        // planner scanned the 1M work orders of a plant replica for an empty session table.
        let rows: Vec<(String, String, String, i64)> = self
            .conn()
            .prepare_cached(
                "SELECT s.id, w.id, w.cause_code, coalesce(w.finished_at, w.reported_at) AS t
                 FROM diagnosis_sessions s CROSS JOIN work_orders w ON w.id = s.work_order_id
                 WHERE w.status = 'closed' AND trim(coalesce(w.cause_code, '')) <> ''
                   AND coalesce(w.finished_at, w.reported_at) < ?1
                 ORDER BY t, s.started_at, s.id",
            )?
            .query_map(params![before], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (session_id, work_order_id, cause, closed_at) in rows {
            let s = self.diagnosis_session(&session_id)?;
            let concluded = s.conclusion.as_ref().and_then(|c| c.cause_code.as_deref());
            if concluded.is_some_and(|c| c.trim().eq_ignore_ascii_case(cause.trim())) {
                out.push(ConfirmedConclusion {
                    session_id,
                    guide_id: s.guide.id.clone(),
                    guide_title: s.guide.title.clone(),
                    work_order_id,
                    cause_code: cause.trim().to_string(),
                    closed_at,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::guides_tests::guide;
    use super::super::test_support::demo_store;
    use super::super::NewDiagnosisSession;
    use crate::domain::{GuideAnswer, StepKind};
    use rusqlite::params;

    /// Walks a session on `wo` to the "ramp" conclusion, which names `cause`.
    fn walk(store: &mut crate::Store, wo: &str, asset: &str, cause: &str) {
        let mut g = guide("G1", 1, &["VX-300"], &[]);
        for s in &mut g.steps {
            if s.id == "ramp" {
                s.kind = StepKind::Conclusion {
                    failure_class: None,
                    problem_code: None,
                    cause_code: Some(cause.into()),
                    remedy_code: None,
                };
            }
        }
        let s = store.start_diagnosis_session(&NewDiagnosisSession {
            asset_id: asset.into(),
            work_order_id: Some(wo.into()),
            guide: g,
            generated: false,
            codes: vec!["OC1".into()],
            started_by: "ana".into(),
        });
        let id = s.map(|s| s.id).unwrap_or_default();
        let yes = GuideAnswer::Choice {
            value: "yes".into(),
        };
        for (step, a) in [
            ("look", GuideAnswer::Done),
            ("free", yes),
            ("ir", GuideAnswer::Value { value: 500.0 }),
        ] {
            assert!(store.answer_diagnosis_step(&id, step, &a, "ana").is_ok());
        }
    }

    #[test]
    fn a_conclusion_counts_once_the_closing_cause_confirms_it_and_only_after_the_close() {
        let mut store = demo_store();
        let closed: Vec<(String, String, String, i64)> = store
            .conn()
            .prepare(
                "SELECT w.id, a.id, w.cause_code, w.finished_at FROM work_orders w
                 JOIN assets a ON a.rid = w.asset_rid
                 WHERE w.status = 'closed' AND w.cause_code IS NOT NULL
                   AND w.finished_at IS NOT NULL
                 ORDER BY w.finished_at LIMIT 2",
            )
            .and_then(|mut s| {
                s.query_map(params![], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            closed.len(),
            2,
            "the demo has closed work orders with causes"
        );
        let (wo, asset, cause, at) = &closed[0];
        walk(&mut store, wo, asset, &cause.to_lowercase());
        // The second one's guide concluded another cause: not confirmed.
        walk(&mut store, &closed[1].0, &closed[1].1, "NOT-THE-CAUSE");
        let got = store.confirmed_conclusions(i64::MAX).unwrap_or_default();
        let seen: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|c| {
                (
                    c.work_order_id.as_str(),
                    c.cause_code.as_str(),
                    c.guide_id.as_str(),
                )
            })
            .collect();
        assert_eq!(seen, vec![(wo.as_str(), cause.trim(), "G1")]);
        assert_eq!(got[0].closed_at, *at);
        // Not yet closed at `at`: strictly before.
        assert!(store
            .confirmed_conclusions(*at)
            .unwrap_or_default()
            .is_empty());
    }
}
