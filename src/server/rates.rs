//! INFO's `instantaneous_*` figures: rates over the last couple of seconds, from samples of
//! the running totals taken every [`SAMPLE_EVERY`], as Redis samples them in its cron.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often the totals are sampled (Redis's cron runs 10 times a second).
pub const SAMPLE_EVERY: Duration = Duration::from_millis(100);

/// Samples kept: the rates span the last 1.6 s (Redis's `STATS_METRIC_SAMPLES`).
const SAMPLES: usize = 16;

/// Totals sampled: commands processed, bytes read from clients, bytes written to them.
pub type Totals = [u64; 3];

/// The last samples of the totals.
#[derive(Default)]
pub struct Rates {
    samples: Mutex<VecDeque<(Instant, Totals)>>,
}

impl Rates {
    /// Adds a sample of the totals as of `at`.
    pub fn sample(&self, at: Instant, totals: Totals) {
        let mut samples = self.samples.lock().unwrap_or_else(|e| e.into_inner());
        if samples.len() == SAMPLES + 1 {
            samples.pop_front();
        }
        samples.push_back((at, totals));
    }

    /// Each total's rate per second between the oldest and the newest sample; 0 before two
    /// samples were taken, and for a total that went down (CONFIG RESETSTAT).
    pub fn per_second(&self) -> [f64; 3] {
        let samples = self.samples.lock().unwrap_or_else(|e| e.into_inner());
        let (Some((t0, first)), Some((t1, last))) = (samples.front(), samples.back()) else {
            return [0.0; 3];
        };
        let seconds = t1.duration_since(*t0).as_secs_f64();
        if seconds <= 0.0 {
            return [0.0; 3];
        }
        std::array::from_fn(|i| last[i].saturating_sub(first[i]) as f64 / seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_span_the_kept_samples() {
        let rates = Rates::default();
        let start = Instant::now();
        assert_eq!(rates.per_second(), [0.0; 3]);
        for i in 0..40u64 {
            rates.sample(start + SAMPLE_EVERY * i as u32, [i * 10, i * 1000, 5]);
        }
        // The last 16 intervals of 0.1 s: 10 commands and 1000 bytes in each.
        let [ops, input, output] = rates.per_second();
        assert!((ops - 100.0).abs() < 1e-6, "{ops}");
        assert!((input - 10_000.0).abs() < 1e-6, "{input}");
        assert_eq!(output, 0.0);
        rates.sample(start + SAMPLE_EVERY * 40, [0, 0, 0]);
        assert_eq!(rates.per_second()[0], 0.0, "a reset counts as no change");
    }
}
