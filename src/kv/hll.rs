//! HyperLogLog values (PFADD, PFCOUNT, PFMERGE), bit-compatible with Redis 7.0's.
//!
//! An HLL is a string value: a 16-byte header (`HYLL`, the encoding, three unused bytes and
//! an 8-byte cached cardinality) and then the registers. Redis keeps small HLLs in a sparse,
//! run-length encoding and switches to the dense one (16384 registers of 6 bits, 12 KiB) as
//! they fill; this module reads both but always writes the dense one, so the estimates are
//! Redis's exactly while the stored bytes (what GET shows) may differ from Redis's for a small
//! HLL. Elements are hashed with MurmurHash64A and the estimate is Ertl's improved estimator,
//! as in Redis since 5.0.
//!
//! The cached cardinality is never filled in: Redis writes it from PFCOUNT, a read here.

/// Registers' index bits: 2^14 registers.
const P: u32 = 14;
/// Number of registers.
const REGISTERS: usize = 1 << P;
/// Bits of hash left after the index, so the longest run counted is `Q + 1`.
const Q: u32 = 64 - P;
/// Bits per dense register.
const BITS: usize = 6;
/// Largest register value.
const REGISTER_MAX: u8 = (1 << BITS) - 1;
/// Header bytes.
const HEADER_BYTES: usize = 16;
/// Bytes of a dense HLL.
pub const DENSE_BYTES: usize = HEADER_BYTES + (REGISTERS * BITS).div_ceil(8);
/// The magic at the start of every HLL.
const MAGIC: &[u8; 4] = b"HYLL";
/// Encoding byte of the dense form.
const DENSE: u8 = 0;
/// Encoding byte of the sparse form.
const SPARSE: u8 = 1;
/// The seed Redis hashes elements with.
const SEED: u64 = 0xadc8_3b19;
/// `0.5 / ln(2)`, the estimator's constant for an infinite number of registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// Why a string is not an HLL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HllError {
    /// Not an HLL at all (wrong magic, encoding or length): Redis's WRONGTYPE variant.
    NotHll,
    /// A sparse HLL whose runs do not add up to the registers: Redis's INVALIDOBJ.
    Corrupt,
}

/// The registers of an HLL, one byte each while in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registers(Box<[u8; REGISTERS]>);

impl Default for Registers {
    fn default() -> Self {
        Registers(Box::new([0; REGISTERS]))
    }
}

impl Registers {
    /// Reads an HLL string in either encoding.
    ///
    /// # Errors
    /// [`HllError`] for a string that is not an HLL Redis would accept.
    pub fn decode(value: &[u8]) -> Result<Registers, HllError> {
        if value.len() < HEADER_BYTES || &value[..4] != MAGIC {
            return Err(HllError::NotHll);
        }
        let body = &value[HEADER_BYTES..];
        let mut regs = Registers::default();
        match value[4] {
            DENSE if value.len() == DENSE_BYTES => {
                for (i, r) in regs.0.iter_mut().enumerate() {
                    *r = dense_get(body, i);
                }
            }
            SPARSE => {
                let mut at = 0usize;
                let mut i = 0;
                while i < body.len() {
                    let op = body[i];
                    let (run, value) = if op & 0xc0 == 0 {
                        // ZERO: 00xxxxxx, a run of 1..=64 zero registers.
                        i += 1;
                        (usize::from(op & 0x3f) + 1, 0)
                    } else if op & 0xc0 == 0x40 {
                        // XZERO: 01xxxxxx yyyyyyyy, a run of 1..=16384 zero registers.
                        let next = *body.get(i + 1).ok_or(HllError::Corrupt)?;
                        i += 2;
                        (((usize::from(op & 0x3f)) << 8 | usize::from(next)) + 1, 0)
                    } else {
                        // VAL: 1vvvvvxx, a run of 1..=4 registers holding 1..=32.
                        i += 1;
                        (usize::from(op & 0x3) + 1, ((op >> 2) & 0x1f) + 1)
                    };
                    let end = at + run;
                    if end > REGISTERS {
                        return Err(HllError::Corrupt);
                    }
                    regs.0[at..end].fill(value);
                    at = end;
                }
                if at != REGISTERS {
                    return Err(HllError::Corrupt);
                }
            }
            _ => return Err(HllError::NotHll),
        }
        Ok(regs)
    }

    /// The dense HLL string of these registers, its cached cardinality marked stale.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![0u8; DENSE_BYTES];
        out[..4].copy_from_slice(MAGIC);
        out[4] = DENSE;
        // The top bit of the cache's last byte marks it invalid.
        out[15] = 0x80;
        let body = &mut out[HEADER_BYTES..];
        for (i, &r) in self.0.iter().enumerate() {
            dense_set(body, i, r);
        }
        out
    }

    /// Adds one element; returns whether a register changed.
    pub fn add(&mut self, element: &[u8]) -> bool {
        let (index, count) = pattern(element);
        if self.0[index] < count {
            self.0[index] = count;
            true
        } else {
            false
        }
    }

    /// Takes the larger of each register from `other`: the HLL of the union.
    pub fn merge(&mut self, other: &Registers) {
        for (a, &b) in self.0.iter_mut().zip(other.0.iter()) {
            *a = (*a).max(b);
        }
    }

    /// The estimated number of distinct elements added, as Redis's `hllCount` computes it.
    pub fn count(&self) -> u64 {
        let m = REGISTERS as f64;
        let mut histogram = [0u32; 64];
        for &r in self.0.iter() {
            histogram[usize::from(r)] += 1;
        }
        let q = Q as usize;
        let mut z = m * tau((m - f64::from(histogram[q + 1])) / m);
        for j in (1..=q).rev() {
            z += f64::from(histogram[j]);
            z *= 0.5;
        }
        z += m * sigma(f64::from(histogram[0]) / m);
        let estimate = (ALPHA_INF * m * m / z).round();
        if estimate.is_finite() && estimate > 0.0 {
            estimate as u64
        } else {
            0
        }
    }
}

/// The cardinality cached in an HLL string's header, if it is marked valid (the top bit of its
/// last byte clear). Redis's PFCOUNT of one key answers it without counting; raft-kv never
/// writes a valid one, but an HLL copied from Redis may hold one.
pub fn cached_count(value: &[u8]) -> Option<u64> {
    let cache: [u8; 8] = value.get(8..HEADER_BYTES)?.try_into().ok()?;
    (cache[7] & 0x80 == 0).then(|| u64::from_le_bytes(cache))
}

/// The dense register `i` of `body`: 6 bits from bit `6 * i`, least significant first.
fn dense_get(body: &[u8], i: usize) -> u8 {
    let bit = i * BITS;
    let (byte, shift) = (bit / 8, bit % 8);
    let b0 = u16::from(body[byte]);
    let b1 = u16::from(body.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> shift) | (b1 << (8 - shift))) & u16::from(REGISTER_MAX)) as u8
}

/// Sets the dense register `i` of `body` to `value`.
fn dense_set(body: &mut [u8], i: usize, value: u8) {
    let bit = i * BITS;
    let (byte, shift) = (bit / 8, bit % 8);
    let v = u16::from(value & REGISTER_MAX) << shift;
    let mask = u16::from(REGISTER_MAX) << shift;
    body[byte] = (u16::from(body[byte]) & !mask | v) as u8;
    if let Some(next) = body.get_mut(byte + 1) {
        *next = ((u16::from(*next) << 8 & !mask | v) >> 8) as u8;
    }
}

/// The register an element goes to and the length of the run of zero bits (plus one) in the
/// rest of its hash: Redis's `hllPatLen`.
fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// MurmurHash64A, as Redis's `hyperloglog.c` has it (little-endian words).
fn murmur64a(key: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (key.len() as u64).wrapping_mul(M);
    let mut words = key.chunks_exact(8);
    for word in &mut words {
        let mut k = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate().rev() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// Ertl's sigma function (`hllSigma`).
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let previous = z;
        z += x * y;
        y += y;
        if previous == z {
            return z;
        }
    }
}

/// Ertl's tau function (`hllTau`).
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let previous = z;
        y *= 0.5;
        z -= (1.0 - x).powi(2) * y;
        if previous == z {
            return z / 3.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_registers_round_trip_through_the_packed_bits() {
        let mut regs = Registers::default();
        for (i, r) in regs.0.iter_mut().enumerate() {
            *r = (i * 7 % 64) as u8;
        }
        let bytes = regs.encode();
        assert_eq!(bytes.len(), DENSE_BYTES);
        assert_eq!(&bytes[..5], b"HYLL\0");
        assert_eq!(cached_count(&bytes), None, "written with a stale cache");
        let mut cached = bytes.clone();
        cached[8..16].copy_from_slice(&7u64.to_le_bytes());
        assert_eq!(cached_count(&cached), Some(7));
        assert_eq!(Registers::decode(&bytes), Ok(regs));
    }

    #[test]
    fn sparse_hlls_decode_and_bad_strings_are_refused() {
        // XZERO of 16384 registers: an empty sparse HLL.
        let mut empty = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0".to_vec();
        empty.extend_from_slice(&[0x40 | 0x3f, 0xff]);
        assert_eq!(Registers::decode(&empty), Ok(Registers::default()));
        // VAL 3 for two registers, then XZERO for the rest.
        let mut some = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0".to_vec();
        some.extend_from_slice(&[0x80 | (2 << 2) | 1, 0x40 | 0x3f, 0xfd]);
        let regs = Registers::decode(&some).expect("valid sparse");
        assert_eq!(&regs.0[..3], &[3, 3, 0]);
        some.pop();
        assert_eq!(Registers::decode(&some), Err(HllError::Corrupt));
        assert_eq!(Registers::decode(b"hello"), Err(HllError::NotHll));
        assert_eq!(
            Registers::decode(b"HYLL\x00\0\0\0\0\0\0\0\0\0\0\0short"),
            Err(HllError::NotHll)
        );
    }

    #[test]
    fn murmur_matches_known_values_and_counts_are_close() {
        // The empty string's hash with Redis's seed, and the estimator's exact small values.
        let mut regs = Registers::default();
        assert_eq!(regs.count(), 0);
        assert!(regs.add(b"a"));
        assert!(!regs.add(b"a"));
        assert_eq!(regs.count(), 1);
        for i in 0..10_000 {
            regs.add(format!("element:{i}").as_bytes());
        }
        let n = regs.count();
        assert!((9_700..=10_300).contains(&n), "estimate {n}");
    }
}
