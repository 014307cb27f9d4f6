//! A tiny seeded PRNG (splitmix64) so that one `u64` seed determines the whole simulation.
//! The simulator never touches a global or OS-seeded generator.

/// A splitmix64 generator: fast, full-period over `u64`, and good enough for fault schedules.
#[derive(Clone, Debug)]
pub struct Rng {
    /// The generator's internal counter; advanced by a fixed odd constant per draw.
    state: u64,
}

impl Rng {
    /// Creates a generator whose whole output is determined by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// Returns the next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.state)
    }

    /// Returns a value uniformly drawn from `0..n`; `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below needs a non-empty range");
        // Multiply-shift maps 64 random bits onto 0..n with negligible bias for small n.
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Returns a value uniformly drawn from `lo..hi`; the range must be non-empty.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo)
    }

    /// Returns true with probability `ppm / 1_000_000`.
    pub fn chance(&mut self, ppm: u64) -> bool {
        self.below(1_000_000) < ppm
    }

    /// Splits off an independent generator, so one consumer's draws do not shift another's.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }

    /// Returns a uniformly chosen element of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// The splitmix64 finaliser: a bijective mix of 64 bits, also used as the simulator's hash.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Folds `value` into the running hash `acc`; order-sensitive.
pub fn hash_combine(acc: u64, value: u64) -> u64 {
    mix64(acc ^ mix64(value.wrapping_add(0x632B_E59B_D9B4_E019)))
}

/// Hashes a byte string (FNV-1a, then mixed), for comparing entry payloads cheaply.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01B3);
    }
    mix64(h ^ bytes.len() as u64)
}
