//! What the hub's CMMS connectors are doing, for plant IT's monitoring: `GET /metrics` in
//! Prometheus' text format (docs/cmms-connectors.md, "Metrics"), written here by hand (the
//! format is a few lines; no metrics library). Two sources: this process's own counters
//! ([`record_send`], [`record_fetch`]: send latency, outcomes, Maximo's errors by kind — every
//! hub process counts its own, Prometheus tells them apart by instance), and the state every
//! process shares in PostgreSQL ([`cmms`]: changes waiting, sent and failed, the last send and
//! fetch, the fetch positions' age).

pub mod cmms;
pub mod text;

pub use cmms::Metered;
pub use text::Text;

use crate::connector::SendOutcome;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the send latency histogram's buckets.
pub const LATENCY_BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// (site, connector kind).
type Key = (String, String);

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Per bucket of [`LATENCY_BUCKETS`], not cumulative (made cumulative when written).
    counts: [u64; LATENCY_BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        if let Some(i) = LATENCY_BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i] += 1;
        }
        self.sum += secs;
        self.count += 1;
    }
}

#[derive(Debug, Default)]
struct Registry {
    /// One observation per request round to the CMMS (one item, or one bulk claim).
    send_seconds: BTreeMap<Key, Histogram>,
    /// Items by outcome (`sent`, `skipped`, `retried`, `rejected`, `conflict`, `key_refused`).
    outcomes: BTreeMap<(Key, &'static str), u64>,
    /// The CMMS's errors by kind (`unanswered`, `refused`, `key_refused`, `conflict`,
    /// `fetch_failed`).
    errors: BTreeMap<(Key, &'static str), u64>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    send_seconds: BTreeMap::new(),
    outcomes: BTreeMap::new(),
    errors: BTreeMap::new(),
});

fn with<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    // A panic while holding the lock leaves plain counters: still worth reading.
    let mut r = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut r)
}

/// The outcome's name and, for an error, its kind.
fn kinds(o: &SendOutcome) -> (&'static str, Option<&'static str>) {
    match o {
        SendOutcome::Sent { .. } => ("sent", None),
        SendOutcome::Skipped => ("skipped", None),
        SendOutcome::Conflict { .. } => ("conflict", Some("conflict")),
        SendOutcome::Retry(_) => ("retried", Some("unanswered")),
        SendOutcome::Rejected(_) => ("rejected", Some("refused")),
        SendOutcome::AuthRefused(_) => ("key_refused", Some("key_refused")),
    }
}

/// One request round to `connector` for `site` that took `took` and answered `outcomes`.
pub fn record_send(site: &str, connector: &str, took: Duration, outcomes: &[SendOutcome]) {
    let key = (site.to_string(), connector.to_string());
    with(|r| {
        r.send_seconds
            .entry(key.clone())
            .or_default()
            .observe(took.as_secs_f64());
        for o in outcomes {
            let (outcome, error) = kinds(o);
            *r.outcomes.entry((key.clone(), outcome)).or_default() += 1;
            if let Some(kind) = error {
                *r.errors.entry((key.clone(), kind)).or_default() += 1;
            }
        }
    });
}

/// A fetch of `site` from `connector` that did not get through.
pub fn record_fetch_failed(site: &str, connector: &str) {
    let key = (site.to_string(), connector.to_string());
    with(|r| *r.errors.entry((key, "fetch_failed")).or_default() += 1);
}

/// This process's counters, in the text format.
pub fn process_metrics(out: &mut Text) {
    let (send, outcomes, errors) =
        with(|r| (r.send_seconds.clone(), r.outcomes.clone(), r.errors.clone()));
    out.help(
        "faultline_cmms_send_seconds",
        "histogram",
        "Time of one request round to the CMMS (one change, or one bulk claim), this process.",
    );
    for ((site, kind), h) in &send {
        let labels = [("site", site.as_str()), ("connector", kind.as_str())];
        let mut cumulative = 0;
        for (bound, n) in LATENCY_BUCKETS.iter().zip(h.counts) {
            cumulative += n;
            let le = bound.to_string();
            out.sample_with(
                "faultline_cmms_send_seconds_bucket",
                &labels,
                ("le", &le),
                cumulative as f64,
            );
        }
        out.sample_with(
            "faultline_cmms_send_seconds_bucket",
            &labels,
            ("le", "+Inf"),
            h.count as f64,
        );
        out.sample("faultline_cmms_send_seconds_sum", &labels, h.sum);
        out.sample("faultline_cmms_send_seconds_count", &labels, h.count as f64);
    }
    out.help(
        "faultline_cmms_outcomes_total",
        "counter",
        "Changes handed to the CMMS by what it made of them, this process.",
    );
    for (((site, kind), outcome), n) in &outcomes {
        out.sample(
            "faultline_cmms_outcomes_total",
            &[("site", site), ("connector", kind), ("outcome", outcome)],
            *n as f64,
        );
    }
    out.help(
        "faultline_cmms_errors_total",
        "counter",
        "The CMMS's errors by kind (unanswered, refused, key_refused, conflict, fetch_failed), this process.",
    );
    for (((site, kind), error), n) in &errors {
        out.sample(
            "faultline_cmms_errors_total",
            &[("site", site), ("connector", kind), ("kind", error)],
            *n as f64,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_each_observation_in_its_bucket_and_writes_them_cumulative() {
        record_send(
            "UNIT-H",
            "maximo",
            Duration::from_millis(30),
            &[SendOutcome::Skipped, SendOutcome::Retry("no answer".into())],
        );
        record_send("UNIT-H", "maximo", Duration::from_secs(60), &[]);
        let mut t = Text::default();
        process_metrics(&mut t);
        let text = t.finish();
        let line = |l: &str| text.lines().any(|x| x == l);
        let s = r#"site="UNIT-H",connector="maximo""#;
        assert!(
            line(&format!(
                "faultline_cmms_send_seconds_bucket{{{s},le=\"0.025\"}} 0"
            )),
            "{text}"
        );
        assert!(
            line(&format!(
                "faultline_cmms_send_seconds_bucket{{{s},le=\"0.05\"}} 1"
            )),
            "{text}"
        );
        assert!(
            line(&format!(
                "faultline_cmms_send_seconds_bucket{{{s},le=\"30\"}} 1"
            )),
            "{text}"
        );
        assert!(
            line(&format!(
                "faultline_cmms_send_seconds_bucket{{{s},le=\"+Inf\"}} 2"
            )),
            "{text}"
        );
        assert!(
            line(&format!("faultline_cmms_send_seconds_count{{{s}}} 2")),
            "{text}"
        );
        assert!(
            line(&format!(
                "faultline_cmms_outcomes_total{{{s},outcome=\"retried\"}} 1"
            )),
            "{text}"
        );
        assert!(
            line(&format!(
                "faultline_cmms_errors_total{{{s},kind=\"unanswered\"}} 1"
            )),
            "{text}"
        );
        assert_eq!(
            text.matches("# TYPE faultline_cmms_send_seconds histogram")
                .count(),
            1
        );
    }
}
