//! HyperLogLog values (PFADD, PFCOUNT, PFMERGE), bit-compatible with Redis 7.0's.
//!
//! An HLL is a string value: a 16-byte header (`HYLL`, the encoding, three unused bytes and
//! an 8-byte cached cardinality) and then the registers. A new HLL is sparse: a run-length
//! encoding of the registers, a few bytes while few are set. It turns dense (16384 registers
//! of 6 bits, 12 KiB) once a change would make it longer than [`SPARSE_MAX_BYTES`] or a
//! register would exceed what the sparse form holds. PFADD and PFMERGE change the bytes in
//! place as Redis's `hllSparseSet` does, opcode for opcode, so an HLL built by the same
//! commands is the same string in both (what GET and DUMP show), and the estimates are
//! Redis's exactly. Elements are hashed with MurmurHash64A and the estimate is Ertl's improved
//! estimator, as in Redis since 5.0.
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
/// A ZERO opcode (`00xxxxxx`) covers a run of up to this many zero registers.
const ZERO_MAX_LEN: usize = 64;
/// An XZERO opcode (`01xxxxxx yyyyyyyy`) covers a run of up to this many zero registers.
const XZERO_MAX_LEN: usize = 16384;
/// A VAL opcode (`1vvvvvxx`) holds a register value up to this...
const VAL_MAX_VALUE: u8 = 32;
/// ...for a run of up to this many registers.
const VAL_MAX_LEN: usize = 4;
/// Longest sparse HLL, header included: Redis's default `hll-sparse-max-bytes`. A change that
/// would make a sparse HLL longer turns it dense instead.
pub const SPARSE_MAX_BYTES: usize = 3000;
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
                        // XZERO: 01xxxxxx yyyyyyyy, a run of 1..=16384 zero registers. Redis
                        // reads a missing second byte as the string's terminating zero.
                        let next = body.get(i + 1).copied().unwrap_or(0);
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
    #[cfg(test)]
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
    #[cfg(test)]
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

/// A new HLL, as PFADD and PFMERGE create one: sparse, every register in one XZERO run, its
/// cached cardinality a valid 0.
pub fn new_sparse() -> Vec<u8> {
    let mut value = vec![0; HEADER_BYTES];
    value[..4].copy_from_slice(MAGIC);
    value[4] = SPARSE;
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(XZERO_MAX_LEN);
        value.extend_from_slice(&xzero_op(run));
        left -= run;
    }
    value
}

/// Whether `value` passes for an HLL where Redis checks (`isHLLObjectOrReply`): the magic, a
/// known encoding and a dense one's length. A sparse HLL's runs are checked only as they are
/// walked.
pub fn check(value: &[u8]) -> Result<(), HllError> {
    if value.len() < HEADER_BYTES || &value[..4] != MAGIC {
        return Err(HllError::NotHll);
    }
    match value[4] {
        DENSE if value.len() == DENSE_BYTES => Ok(()),
        SPARSE => Ok(()),
        _ => Err(HllError::NotHll),
    }
}

/// Marks the cached cardinality stale (the top bit of its last byte).
pub fn invalidate_cache(value: &mut [u8]) {
    value[15] |= 0x80;
}

/// Adds `element` to the HLL `value` (one that passed [`check`]), as Redis's `hllAdd` does;
/// returns whether a register grew.
///
/// # Errors
/// [`HllError::Corrupt`] when a sparse HLL's runs do not reach the element's register, or do
/// not add up when it turns dense.
pub fn add(value: &mut Vec<u8>, element: &[u8]) -> Result<bool, HllError> {
    let (index, count) = pattern(element);
    raise(value, index, count)
}

/// Raises every register of `value` (one that passed [`check`]) to at least `union`'s, as
/// PFMERGE writes its result into the destination: register by register, a sparse
/// destination turning dense when it must.
///
/// # Errors
/// As [`add`].
pub fn raise_to(value: &mut Vec<u8>, union: &Registers) -> Result<(), HllError> {
    for (index, &count) in union.0.iter().enumerate() {
        if count > 0 {
            raise(value, index, count)?;
        }
    }
    Ok(())
}

/// Whether `value` (one that passed [`check`]) is dense.
pub fn is_dense(value: &[u8]) -> bool {
    value[4] == DENSE
}

/// Rewrites a sparse HLL as a dense one, keeping its header (`hllSparseToDense`).
///
/// # Errors
/// [`HllError::Corrupt`] when the runs do not add up to the registers.
pub fn to_dense(value: &mut Vec<u8>) -> Result<(), HllError> {
    if is_dense(value) {
        return Ok(());
    }
    let regs = Registers::decode(value)?;
    let mut dense = vec![0; DENSE_BYTES];
    dense[..HEADER_BYTES].copy_from_slice(&value[..HEADER_BYTES]);
    dense[4] = DENSE;
    let body = &mut dense[HEADER_BYTES..];
    for (i, &r) in regs.0.iter().enumerate() {
        dense_set(body, i, r);
    }
    *value = dense;
    Ok(())
}

/// Sets register `index` to `count` if it holds less (`hllDenseSet` / `hllSparseSet`);
/// returns whether it did.
fn raise(value: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, HllError> {
    if is_dense(value) {
        let body = &mut value[HEADER_BYTES..];
        if dense_get(body, index) >= count {
            return Ok(false);
        }
        dense_set(body, index, count);
        return Ok(true);
    }
    if count > VAL_MAX_VALUE {
        return promote(value, index, count);
    }
    // Find the opcode whose run covers `index`, and the one before it.
    let end = value.len();
    let mut at = HEADER_BYTES;
    let mut prev = None;
    let mut first = 0;
    let mut span = 0;
    while at < end {
        let (run, len) = opcode_run(value, at);
        span = run;
        if index < first + span {
            break;
        }
        prev = Some(at);
        at += len;
        first += span;
    }
    if span == 0 || at >= end {
        return Err(HllError::Corrupt);
    }
    let op = value[at];
    let last = first + span - 1;
    if op & 0x80 != 0 {
        let old = val_value(op);
        if old >= count {
            return Ok(false);
        }
        if span == 1 {
            value[at] = val_op(count, 1);
            merge_vals(value, prev);
            return Ok(true);
        }
    } else if op & 0xc0 == 0 && span == 1 {
        value[at] = val_op(count, 1);
        merge_vals(value, prev);
        return Ok(true);
    }
    // Split the run into what comes before `index`, `index` itself and what comes after.
    let mut seq: Vec<u8> = Vec::with_capacity(5);
    let zero_run = |seq: &mut Vec<u8>, len: usize| {
        if len > ZERO_MAX_LEN {
            seq.extend_from_slice(&xzero_op(len));
        } else {
            seq.push((len - 1) as u8);
        }
    };
    if op & 0x80 == 0 {
        if index != first {
            zero_run(&mut seq, index - first);
        }
        seq.push(val_op(count, 1));
        if index != last {
            zero_run(&mut seq, last - index);
        }
    } else {
        let old = val_value(op);
        if index != first {
            seq.push(val_op(old, index - first));
        }
        seq.push(val_op(count, 1));
        if index != last {
            seq.push(val_op(old, last - index));
        }
    }
    let old_len = if op & 0xc0 == 0x40 { 2 } else { 1 };
    if seq.len() > old_len && end + seq.len() - old_len > SPARSE_MAX_BYTES {
        return promote(value, index, count);
    }
    value.splice(at..(at + old_len).min(end), seq);
    merge_vals(value, prev);
    Ok(true)
}

/// Turns a sparse HLL dense and sets register `index` to `count` there.
fn promote(value: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, HllError> {
    to_dense(value)?;
    let body = &mut value[HEADER_BYTES..];
    if dense_get(body, index) >= count {
        return Ok(false);
    }
    dense_set(body, index, count);
    Ok(true)
}

/// After a change, merges adjacent VAL opcodes of one value whose runs fit one opcode,
/// looking at five opcodes from `prev` (the one before the change) as Redis does; then
/// marks the cached cardinality stale.
fn merge_vals(value: &mut Vec<u8>, prev: Option<usize>) {
    let mut at = prev.unwrap_or(HEADER_BYTES);
    let mut scan = 5;
    while at < value.len() && scan > 0 {
        scan -= 1;
        let op = value[at];
        if op & 0xc0 == 0x40 {
            at += 2;
            continue;
        }
        if op & 0xc0 == 0 {
            at += 1;
            continue;
        }
        if let Some(&next) = value.get(at + 1)
            && next & 0x80 != 0
            && val_value(op) == val_value(next)
        {
            let len = val_len(op) + val_len(next);
            if len <= VAL_MAX_LEN {
                value[at + 1] = val_op(val_value(op), len);
                value.remove(at);
                // Try the merged run with the one on its right too.
                continue;
            }
        }
        at += 1;
    }
    invalidate_cache(value);
}

/// The registers covered by the opcode at `at`, and its length in bytes.
fn opcode_run(value: &[u8], at: usize) -> (usize, usize) {
    let op = value[at];
    if op & 0xc0 == 0 {
        (usize::from(op & 0x3f) + 1, 1)
    } else if op & 0x80 != 0 {
        (val_len(op), 1)
    } else {
        // Redis reads a missing second byte as the string's terminating zero.
        let low = usize::from(value.get(at + 1).copied().unwrap_or(0));
        ((usize::from(op & 0x3f) << 8 | low) + 1, 2)
    }
}

/// A VAL opcode for `len` (1..=4) registers holding `value` (1..=32).
fn val_op(value: u8, len: usize) -> u8 {
    0x80 | (value - 1) << 2 | (len - 1) as u8
}

/// The register value of a VAL opcode.
fn val_value(op: u8) -> u8 {
    ((op >> 2) & 0x1f) + 1
}

/// The run of a VAL opcode.
fn val_len(op: u8) -> usize {
    usize::from(op & 0x3) + 1
}

/// An XZERO opcode for a run of `len` (1..=16384) zero registers.
fn xzero_op(len: usize) -> [u8; 2] {
    let l = len - 1;
    [0x40 | (l >> 8) as u8, (l & 0xff) as u8]
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

    /// The header of a sparse HLL whose cached count is stale, as PFADD leaves it.
    fn sparse_header() -> Vec<u8> {
        b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80".to_vec()
    }

    #[test]
    fn a_new_hll_is_one_xzero_run_and_pfadd_writes_redis_bytes() {
        let mut value = new_sparse();
        assert_eq!(
            value,
            [&b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0"[..], &[0x7f, 0xff]].concat()
        );
        assert_eq!(cached_count(&value), Some(0), "a new HLL caches a valid 0");
        for element in [&b"a"[..], b"b", b"c"] {
            assert_eq!(add(&mut value, element), Ok(true));
        }
        assert_eq!(add(&mut value, b"a"), Ok(false));
        // GET of `PFADD h a b c` in redis-server 7.0.
        let redis = [sparse_header(), b"`\xf3\x80P\xb1\x84K\xfb\x80BZ".to_vec()].concat();
        assert_eq!(value, redis);
    }

    #[test]
    fn sparse_runs_split_and_merge_as_redis_does() {
        let mut value = new_sparse();
        // Register 5 to 3: ZERO of 5, VAL 3, XZERO of the rest.
        assert_eq!(raise(&mut value, 5, 3), Ok(true));
        assert_eq!(&value[HEADER_BYTES..], &[0x04, 0x88, 0x7f, 0xf9]);
        // Register 6 to 3: the two VAL 3 runs merge into one of two registers.
        assert_eq!(raise(&mut value, 6, 3), Ok(true));
        assert_eq!(&value[HEADER_BYTES..], &[0x04, 0x89, 0x7f, 0xf8]);
        // Lower or equal values change nothing.
        assert_eq!(raise(&mut value, 6, 2), Ok(false));
        assert_eq!(raise(&mut value, 5, 3), Ok(false));
        // Register 5 to 4 splits the run: VAL 4, then VAL 3 for register 6.
        assert_eq!(raise(&mut value, 5, 4), Ok(true));
        assert_eq!(&value[HEADER_BYTES..], &[0x04, 0x8c, 0x88, 0x7f, 0xf8]);
        // A register in a ZERO run of one becomes a VAL in place.
        assert_eq!(raise(&mut value, 0, 1), Ok(true));
        assert_eq!(raise(&mut value, 2, 1), Ok(true));
        assert_eq!(raise(&mut value, 4, 1), Ok(true));
        assert_eq!(
            &value[HEADER_BYTES..],
            &[0x80, 0x00, 0x80, 0x00, 0x80, 0x8c, 0x88, 0x7f, 0xf8]
        );
        let regs = Registers::decode(&value).expect("still valid");
        assert_eq!(&regs.0[..8], &[1, 0, 1, 0, 1, 4, 3, 0]);
    }

    #[test]
    fn a_register_past_32_or_a_long_sparse_hll_turns_dense() {
        let mut value = new_sparse();
        raise(&mut value, 7, 2).expect("sparse");
        value[8] = 42; // a cached count, kept in the header as Redis keeps it
        assert_eq!(raise(&mut value, 9, 33), Ok(true));
        assert_eq!((value.len(), value[4], value[8]), (DENSE_BYTES, DENSE, 42));
        let regs = Registers::decode(&value).expect("dense");
        assert_eq!((regs.0[7], regs.0[9]), (2, 33));

        // Elements added one by one: every sparse state holds exactly the registers, and the
        // HLL turns dense right where the next change would take it past the limit.
        let mut value = new_sparse();
        let mut reference = Registers::default();
        let mut was_sparse = 0;
        for i in 0..4000 {
            let element = format!("element:{i}");
            let changed = reference.add(element.as_bytes());
            assert_eq!(add(&mut value, element.as_bytes()), Ok(changed));
            if !is_dense(&value) {
                assert!(value.len() <= SPARSE_MAX_BYTES);
                was_sparse = value.len();
            }
            if i % 97 == 0 || is_dense(&value) && was_sparse > 0 {
                assert_eq!(
                    Registers::decode(&value).as_ref(),
                    Ok(&reference),
                    "after {i}"
                );
            }
            if is_dense(&value) {
                was_sparse = 0;
            }
        }
        assert!(is_dense(&value));
        assert_eq!(Registers::decode(&value), Ok(reference));
    }

    #[test]
    fn runs_that_do_not_reach_the_register_are_corrupt() {
        // XZERO of 16383: register 16383 is covered by no run.
        let mut value = [sparse_header(), vec![0x7f, 0xfe]].concat();
        assert_eq!(raise(&mut value, 100, 1), Ok(true));
        assert_eq!(raise(&mut value, 16383, 1), Err(HllError::Corrupt));
        assert_eq!(to_dense(&mut value), Err(HllError::Corrupt));
        assert_eq!(check(&value), Ok(()), "only walking the runs finds it");
        assert_eq!(
            check(b"HYLL\x02\0\0\0\0\0\0\0\0\0\0\0"),
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
