//! Where time and ids come from. Business logic never calls `now()` or makes ids itself: the
//! store is given a clock and an id source, so tests can fix both.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use uuid::Uuid;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub trait IdSource: Send + Sync {
    /// A new UUIDv7 (time-ordered) id.
    fn new_id(&self) -> Uuid;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved: for tests.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut t) = self.0.lock() {
            *t += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_default()
    }
}

/// Random UUIDv7 ids.
#[derive(Debug, Default, Clone, Copy)]
pub struct UuidV7Ids;

impl IdSource for UuidV7Ids {
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
    }
}

/// Predictable UUIDv7-shaped ids 1, 2, 3…: for tests.
#[derive(Debug, Default)]
pub struct SequentialIds(AtomicU64);

impl IdSource for SequentialIds {
    fn new_id(&self) -> Uuid {
        let n = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        uuid_v7_from(0, u128::from(n))
    }
}

/// A UUIDv7 with the given millisecond timestamp and the low bits of `rand` as its random part.
/// Used to derive stable ids for imported records (time = the record's time, rand = a key hash).
pub fn uuid_v7_from(unix_ms: u64, rand: u128) -> Uuid {
    let ms = u128::from(unix_ms & 0xFFFF_FFFF_FFFF);
    let rand_a = (rand >> 62) & 0xFFF;
    let rand_b = rand & 0x3FFF_FFFF_FFFF_FFFF;
    let v = (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b;
    Uuid::from_u128(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_version_7_and_ordered_by_time() {
        let a = uuid_v7_from(1_000, 42);
        let b = uuid_v7_from(2_000, 1);
        assert_eq!(a.get_version_num(), 7);
        assert_eq!(a.get_variant(), uuid::Variant::RFC4122);
        assert!(a < b);
    }

    #[test]
    fn sequential_ids_count_up() {
        let ids = SequentialIds::default();
        assert!(ids.new_id() < ids.new_id());
    }
}
