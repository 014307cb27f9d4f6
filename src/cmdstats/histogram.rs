//! A latency histogram laid out as the HdrHistogram Redis keeps per command (values from 1 ns
//! to 1 s, two significant digits), so that `LATENCY HISTOGRAM` and `INFO latencystats` give
//! the figures Redis gives for the same latencies.
//!
//! Values are grouped by powers of two; within each, 128 equal steps (256 below 256 ns). A
//! value is found again as the highest value of its step, which is within 1% of it.

use std::time::Duration;

/// Steps in the first power-of-two group, which starts at 0.
const SUB_BUCKETS: u64 = 256;

/// Steps in every later group (each covers a doubling).
const HALF: u64 = SUB_BUCKETS / 2;

/// The largest value recorded, in nanoseconds; longer latencies count as this (Redis's
/// `LATENCY_HISTOGRAM_MAX_VALUE`).
const MAX_NANOS: u64 = 1_000_000_000;

/// Counters: 256 steps below 256 ns, then 128 per doubling, up to the step of 1 s.
const COUNTERS: usize = 3055;

/// The first group `LATENCY HISTOGRAM` reports, in nanoseconds; each next one doubles.
const FIRST_REPORTED_NANOS: u64 = 1024;

/// Counts of latencies, by step.
pub struct Histogram {
    counts: Box<[u64]>,
    total: u64,
}

impl Histogram {
    /// An empty histogram (24 KiB).
    pub fn new() -> Box<Histogram> {
        Box::new(Histogram {
            counts: vec![0; COUNTERS].into_boxed_slice(),
            total: 0,
        })
    }

    /// Records one latency. As Redis does, it is taken in whole microseconds (a command that
    /// took less than one counts as 1 ns).
    pub fn record(&mut self, took: Duration) {
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let nanos = micros.saturating_mul(1000).clamp(1, MAX_NANOS);
        self.counts[index(nanos)] += 1;
        self.total += 1;
    }

    /// How many latencies were recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The latency at `percentile` (0 to 100) in nanoseconds: the highest value of the step
    /// that holds it, as HdrHistogram's `value_at_percentile` answers; 0 when empty.
    pub fn value_at_percentile(&self, percentile: f64) -> u64 {
        let percentile = percentile.clamp(0.0, 100.0);
        let wanted = ((percentile / 100.0 * self.total as f64) + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut seen = 0;
        for (i, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= wanted {
                let (lowest, size) = step(i);
                return if percentile == 0.0 {
                    lowest
                } else {
                    lowest + size - 1
                };
            }
        }
        0
    }

    /// `LATENCY HISTOGRAM`'s buckets: (microseconds, latencies up to them), for the
    /// power-of-two groups from 1024 ns on whose count grows, as Redis lists them.
    pub fn cumulative(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut seen = 0;
        let mut previous = 0;
        let mut next = 0;
        let mut level = FIRST_REPORTED_NANOS;
        while seen < self.total {
            // A power of two from 256 on starts a group of 128 steps of `level / 128`.
            let highest = level + (level >> 7) - 1;
            while next < COUNTERS {
                let (lowest, size) = step(next);
                if lowest + size - 1 > highest {
                    break;
                }
                seen += self.counts[next];
                next += 1;
            }
            if seen > previous {
                out.push((highest / 1000, seen));
            }
            previous = seen;
            level = level.saturating_mul(2);
            if next >= COUNTERS {
                break;
            }
        }
        out
    }
}

/// The counter of `nanos` (1 to [`MAX_NANOS`]).
fn index(nanos: u64) -> usize {
    let group = (64 - (nanos | (SUB_BUCKETS - 1)).leading_zeros() as u64) - 8;
    let sub = nanos >> group;
    (group * HALF + sub) as usize
}

/// The lowest value counted at counter `i`, and how many values share it.
fn step(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < SUB_BUCKETS {
        return (i, 1);
    }
    let group = i / HALF - 1;
    let sub = i % HALF + HALF;
    (sub << group, 1 << group)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn steps_cover_every_value_once_in_order() {
        let mut expected_lowest = 0;
        for i in 0..COUNTERS {
            let (lowest, size) = step(i);
            assert_eq!(lowest, expected_lowest, "counter {i}");
            assert_eq!(index(lowest.max(1)), i.max(1));
            assert_eq!(index(lowest + size - 1), i);
            expected_lowest = lowest + size;
        }
        assert!(expected_lowest > MAX_NANOS);
        assert_eq!(index(MAX_NANOS), COUNTERS - 1);
    }

    /// The figures redis-server 7.0 gave for the same latencies.
    #[test]
    fn percentiles_and_buckets_are_those_redis_reports() {
        let mut h = Histogram::new();
        for _ in 0..98 {
            h.record(Duration::from_nanos(400));
        }
        h.record(micros(1));
        h.record(micros(3));
        assert_eq!(h.value_at_percentile(50.0), 1);
        assert_eq!(h.value_at_percentile(99.0), 1003);
        assert_eq!(h.value_at_percentile(99.9), 3007);
        assert_eq!(h.cumulative(), vec![(1, 99), (4, 100)]);

        let mut h = Histogram::new();
        h.record(micros(3));
        h.record(micros(40));
        h.record(micros(5_000_000));
        assert_eq!(h.cumulative(), vec![(4, 1), (66, 2), (1_082_130, 3)]);
        assert_eq!(h.value_at_percentile(100.0), 1_002_438_655);
        assert_eq!(h.total(), 3);
        assert!(Histogram::new().cumulative().is_empty());
    }
}
