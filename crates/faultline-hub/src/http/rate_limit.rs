//! Request rates: a token bucket per key — per device for authenticated requests, per peer
//! address for failed token lookups — in this process's memory (each hub process limits on its
//! own; several processes together allow a multiple of the rate).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Buckets kept before the full (idle) ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

pub struct RateLimiter<K = Uuid> {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl<K: Hash + Eq + Copy> RateLimiter<K> {
    pub fn new(per_sec: f64, burst: f64) -> Self {
        RateLimiter {
            per_sec: per_sec.max(0.001),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request's token for `key`, or says how long to wait for one.
    pub fn check(&self, key: K) -> Result<(), Duration> {
        self.check_at(key, Instant::now(), true)
    }

    /// Says whether `key` has a token left (how long to wait if not), without taking it.
    pub fn peek(&self, key: K) -> Result<(), Duration> {
        self.check_at(key, Instant::now(), false)
    }

    /// Takes a token from `key` (down to none).
    pub fn charge(&self, key: K) {
        let _ = self.check_at(key, Instant::now(), true);
    }

    fn check_at(&self, key: K, now: Instant, take: bool) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            let (per_sec, burst) = (self.per_sec, self.burst);
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_sec < burst
            });
        }
        let b = buckets.entry(key).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_sec).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            if take {
                b.tokens -= 1.0;
            }
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_requests_wait_for_the_refill() {
        let r: RateLimiter = RateLimiter::new(2.0, 3.0);
        let d = Uuid::from_u128(1);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(r.check_at(d, t0, true).is_ok());
        }
        let wait = r.check_at(d, t0, true).err().unwrap_or_default();
        assert!(
            wait > Duration::from_millis(400) && wait <= Duration::from_millis(500),
            "{wait:?}"
        );
        assert!(r.check_at(d, t0 + Duration::from_millis(500), true).is_ok());
        // Another device has its own bucket.
        assert!(r.check_at(Uuid::from_u128(2), t0, true).is_ok());
    }

    #[test]
    fn peek_takes_nothing_and_charge_empties_the_bucket() {
        let r: RateLimiter<u8> = RateLimiter::new(1.0, 2.0);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(r.check_at(1, t0, false).is_ok());
        }
        r.check_at(1, t0, true).ok();
        r.check_at(1, t0, true).ok();
        assert!(r.check_at(1, t0, false).is_err());
        assert!(r.check_at(2, t0, false).is_ok());
    }
}
