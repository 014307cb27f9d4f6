//! A tiny seeded pseudo-random number generator for election timeouts.
//!
//! The core may not touch a global RNG (rule 1 of the style guide) and takes no RNG
//! dependency, so it carries its own: SplitMix64, which is small, fast, has a full 2^64
//! period and passes BigCrush — more than enough to spread election timeouts.

/// A deterministic SplitMix64 generator.
///
/// Invariants:
/// - The same seed always yields the same sequence.
#[derive(Clone, Debug)]
pub struct Rng {
    /// The generator's whole state; advances by a fixed odd constant per draw.
    state: u64,
}

/// The golden-ratio increment of SplitMix64.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl Rng {
    /// Creates a generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a value in `[low, high)`.
    ///
    /// # Panics
    /// If the range is empty.
    pub fn gen_range(&mut self, low: u64, high: u64) -> u64 {
        assert!(low < high, "empty range {low}..{high}");
        // The modulo bias is at most (high - low) / 2^64: irrelevant for timeouts.
        low + self.next_u64() % (high - low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = Rng::new(42);
        let mut b = Rng::new(42);
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn different_seeds_differ() {
        let mut a = Rng::new(1);
        let mut b = Rng::new(2);
        let same = (0..100).filter(|_| a.next_u64() == b.next_u64()).count();
        assert_eq!(same, 0);
    }

    #[test]
    fn gen_range_stays_in_range_and_covers_it() {
        let mut rng = Rng::new(7);
        let mut seen = [false; 10];
        for _ in 0..1000 {
            let v = rng.gen_range(10, 20);
            assert!((10..20).contains(&v), "{v} out of range");
            seen[(v - 10) as usize] = true;
        }
        assert!(
            seen.iter().all(|&s| s),
            "every value drawn at least once: {seen:?}"
        );
    }
}
