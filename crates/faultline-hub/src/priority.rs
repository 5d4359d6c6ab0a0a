//! Laptop sync before the CMMS drain, inside one hub process: the sync handlers (push, pull)
//! count themselves in flight on a [`LaptopGate`], and the connector's senders wait before
//! claiming their next batch while any laptop request is in flight — at most a bound per claim
//! ([`YIELD_BOUND`] unless `serve --cmms-yield-ms` says otherwise; 0 turns the wait off), so a
//! constant stream of laptops slows the drain but never stops it.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Longest a sender waits for laptop requests to end before it claims its next batch anyway:
/// longer than a fleet's sync round (≈ 2 s for 200 laptops in the bench, so the drain pauses
/// for the whole round: with 1 s it resumed mid-round and pushes slowed), and short enough that
/// laptops always in flight still leave 8 senders claiming 20 rows each ≈ 45 rows/s (a day's
/// 20k changes in ≈ 7.5 min), within the 10-minute aim.
pub const YIELD_BOUND: Duration = Duration::from_secs(3);

/// Laptop requests in flight in this process; shared by the HTTP state and the connector loop.
#[derive(Debug, Clone)]
pub struct LaptopGate {
    in_flight: Arc<watch::Sender<usize>>,
    bound: Duration,
}

impl Default for LaptopGate {
    fn default() -> Self {
        LaptopGate::with_bound(YIELD_BOUND)
    }
}

/// One laptop request in flight; the count goes down when it is dropped (also on error/timeout).
#[derive(Debug)]
pub struct InFlight {
    in_flight: Arc<watch::Sender<usize>>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.in_flight.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// How a sender's wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Yielded {
    /// No laptop request was in flight (at once or after waiting).
    Clear,
    /// Laptops were still in flight at the bound; the sender goes on anyway.
    Bound,
}

impl LaptopGate {
    /// A gate whose senders wait at most `bound` per claim (zero: they never wait).
    pub fn with_bound(bound: Duration) -> Self {
        LaptopGate {
            in_flight: Arc::new(watch::Sender::new(0)),
            bound,
        }
    }

    /// Counts one laptop request in flight until the returned guard is dropped.
    pub fn enter(&self) -> InFlight {
        self.in_flight.send_modify(|n| *n += 1);
        InFlight {
            in_flight: Arc::clone(&self.in_flight),
        }
    }

    /// Laptop requests in flight now.
    pub fn in_flight(&self) -> usize {
        *self.in_flight.borrow()
    }

    /// Waits until no laptop request is in flight, or the gate's bound has passed.
    pub async fn yield_to_laptops(&self) -> Yielded {
        let mut rx = self.in_flight.subscribe();
        if self.bound.is_zero() {
            return if *rx.borrow() == 0 {
                Yielded::Clear
            } else {
                Yielded::Bound
            };
        }
        // An `Err` inside cannot happen while `self` holds the sender; it counts as clear.
        let waited = tokio::time::timeout(self.bound, rx.wait_for(|n| *n == 0))
            .await
            .is_ok();
        if waited {
            Yielded::Clear
        } else {
            Yielded::Bound
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(3600);

    #[tokio::test]
    async fn nothing_in_flight_passes_at_once() {
        let gate = LaptopGate::with_bound(LONG);
        // `Clear` (not `Bound`): it did not wait for the hour.
        assert_eq!(gate.yield_to_laptops().await, Yielded::Clear);
    }

    #[tokio::test]
    async fn a_claim_waits_while_a_request_is_in_flight_and_goes_when_it_ends() {
        let gate = LaptopGate::with_bound(LONG);
        let push = gate.enter();
        let pull = gate.enter();
        assert_eq!(gate.in_flight(), 2);
        let sender = tokio::spawn({
            let gate = gate.clone();
            async move { gate.yield_to_laptops().await }
        });
        tokio::task::yield_now().await;
        drop(push);
        tokio::task::yield_now().await;
        assert!(!sender.is_finished(), "one request still in flight");
        drop(pull);
        assert_eq!(sender.await.ok(), Some(Yielded::Clear));
        assert_eq!(gate.in_flight(), 0);
    }

    #[tokio::test]
    async fn a_claim_goes_at_the_bound_when_laptops_never_stop() {
        let gate = LaptopGate::with_bound(Duration::from_millis(5));
        let _stream = gate.enter();
        assert_eq!(gate.yield_to_laptops().await, Yielded::Bound);
        assert_eq!(gate.in_flight(), 1);
    }

    #[tokio::test]
    async fn a_zero_bound_never_waits() {
        let gate = LaptopGate::with_bound(Duration::ZERO);
        let _push = gate.enter();
        // With the hour-long wait of the other tests this would hang; zero answers at once.
        assert_eq!(gate.yield_to_laptops().await, Yielded::Bound);
    }

    #[tokio::test]
    async fn a_guard_dropped_by_a_failed_request_still_counts_down() {
        let gate = LaptopGate::with_bound(LONG);
        let failed = async {
            let _in = gate.enter();
            Err::<(), &str>("bad body")
        };
        assert!(failed.await.is_err());
        assert_eq!(gate.in_flight(), 0);
    }
}
