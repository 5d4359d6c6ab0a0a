//! Latency samples and their summary (nearest-rank percentiles), in milliseconds.

use std::time::Duration;

#[derive(Default)]
pub struct Samples(Vec<Duration>);

#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Samples {
    pub fn with_capacity(n: usize) -> Self {
        Samples(Vec::with_capacity(n))
    }

    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Duration> {
        self.0.iter()
    }

    pub fn summary(&self) -> Summary {
        let mut v = self.0.clone();
        v.sort_unstable();
        let ms = |d: Option<&Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3);
        Summary {
            count: v.len(),
            p50_ms: ms(nearest_rank(&v, 0.50)),
            p99_ms: ms(nearest_rank(&v, 0.99)),
            max_ms: ms(v.last()),
        }
    }
}

/// The smallest sample with at least `q` of all samples at or below it.
fn nearest_rank(sorted: &[Duration], q: f64) -> Option<&Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let mut s = Samples::default();
        for ms in 1..=100 {
            s.push(Duration::from_millis(ms));
        }
        let sum = s.summary();
        assert_eq!(sum.count, 100);
        assert!((sum.p50_ms - 50.0).abs() < 1e-9);
        assert!((sum.p99_ms - 99.0).abs() < 1e-9);
        assert!((sum.max_ms - 100.0).abs() < 1e-9);
    }
}
