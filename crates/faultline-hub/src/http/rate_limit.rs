//! Per-device request rate: a token bucket per device, in this process's memory (each hub
//! process limits on its own; several processes together allow a multiple of the rate).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub struct RateLimiter {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<Uuid, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    pub fn new(per_sec: f64, burst: f64) -> Self {
        RateLimiter {
            per_sec: per_sec.max(0.001),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request's token for `device`, or says how long to wait for one.
    pub fn check(&self, device: Uuid) -> Result<(), Duration> {
        self.check_at(device, Instant::now())
    }

    fn check_at(&self, device: Uuid, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let b = buckets.entry(device).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * self.per_sec).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
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
        let r = RateLimiter::new(2.0, 3.0);
        let d = Uuid::from_u128(1);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(r.check_at(d, t0).is_ok());
        }
        let wait = r.check_at(d, t0).err().unwrap_or_default();
        assert!(
            wait > Duration::from_millis(400) && wait <= Duration::from_millis(500),
            "{wait:?}"
        );
        assert!(r.check_at(d, t0 + Duration::from_millis(500)).is_ok());
        // Another device has its own bucket.
        assert!(r.check_at(Uuid::from_u128(2), t0).is_ok());
    }
}
