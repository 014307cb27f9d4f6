//! x87 extended-precision floats for `INCRBYFLOAT`, in pure integer arithmetic.
//!
//! Redis computes `INCRBYFLOAT` in C `long double`, which on x86-64 is the x87 80-bit format: a
//! 64-bit significand with an explicit integer bit and a 15-bit exponent. Its replies show digits
//! an `f64` rounds away (`5.6 + 2.0e2` is `"205.60000000000000001"`), so the state machine cannot
//! use `f64`. Nor can it use the platform's `long double` or libc: every replica must produce the
//! same bytes on any CPU. So this module reproduces the three steps Redis takes with integers
//! only:
//!
//! - [`LongDouble::parse`]: `string2ld`, i.e. glibc `strtold` (decimal, hexadecimal with a `p`
//!   exponent, `inf`/`infinity`), correctly rounded to nearest-even, plus Redis's refusals:
//!   leading space, trailing bytes, NaN, and anything that overflows or underflows to zero;
//! - [`LongDouble::checked_add`]: the exact sum rounded to 64 significant bits, with subnormals
//!   and overflow to infinity;
//! - [`LongDouble::to_redis_string`]: `ld2string(LD_STR_HUMAN)`, i.e. the exact decimal value
//!   printed by `%.17Lf` (ties to even, as glibc does), trailing zeros stripped, `-0` as `0`.
//!
//! Exact intermediates (a 1e4932 has 4933 integer digits) live in [`Big`], a small unsigned
//! bignum of `u32` limbs written for this purpose.

use std::cmp::Ordering;

/// Longest float string Redis accepts, exclusive (`MAX_LONG_DOUBLE_CHARS`, 5 KiB).
pub const MAX_FLOAT_CHARS: usize = 5 * 1024;

/// Exponent of the least significand bit of subnormals: 2^-16445 is the smallest positive value.
const MIN_EXPONENT: i64 = -16382 - 63;

/// Exponent of the least significand bit of the largest finite values (2^16383 · 1.xxx).
const MAX_EXPONENT: i64 = 16383 - 63;

/// Decimal exponent above which every nonzero decimal overflows (max is 1.19e4932).
const MAX_DECIMAL_EXPONENT: i64 = 4933;

/// Decimal exponent below which every decimal rounds to zero (half the least value is 1.8e-4951).
const MIN_DECIMAL_EXPONENT: i64 = -4952;

/// Scale of a division: the quotient gets 66 or 67 bits, i.e. the 64 kept, the rounding bit
/// and more, so the remainder only breaks ties (see [`round`]).
const QUOTIENT_BITS: u64 = 66;

/// Fractional digits `%.17Lf` prints.
const FRACTION_DIGITS: u32 = 17;

/// An x87 80-bit extended-precision value (`long double` on x86-64), never NaN.
///
/// Invariants:
/// - a finite value is `significand · 2^exponent` with `MIN_EXPONENT <= exponent <=
///   MAX_EXPONENT`;
/// - `significand >= 2^63` unless `exponent == MIN_EXPONENT` (subnormals and zero), so each
///   value has exactly one representation (zero keeps its sign, as in IEEE arithmetic).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongDouble {
    /// Sign bit; set for negative values and `-0`.
    negative: bool,
    /// Magnitude: finite or infinite.
    magnitude: Magnitude,
}

/// The absolute value of a [`LongDouble`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Magnitude {
    /// `significand · 2^exponent`, normalised as the [`LongDouble`] invariants say.
    Finite {
        /// The 64-bit significand, integer bit included.
        significand: u64,
        /// Power of two of the significand's least bit.
        exponent: i64,
    },
    /// Positive or negative infinity, as the sign says.
    Infinite,
}

impl LongDouble {
    /// Positive zero, the value of a missing key.
    pub const ZERO: LongDouble = LongDouble::zero(false);

    const fn zero(negative: bool) -> LongDouble {
        LongDouble {
            negative,
            magnitude: Magnitude::Finite {
                significand: 0,
                exponent: MIN_EXPONENT,
            },
        }
    }

    const fn infinite(negative: bool) -> LongDouble {
        LongDouble {
            negative,
            magnitude: Magnitude::Infinite,
        }
    }

    /// Returns whether the value is finite (not an infinity).
    pub fn is_finite(&self) -> bool {
        matches!(self.magnitude, Magnitude::Finite { .. })
    }

    /// Parses `text` as Redis's `string2ld` does; `None` where Redis answers "not a valid float".
    ///
    /// Accepts what glibc `strtold` accepts, as a whole: an optional sign, then a decimal
    /// (`1.5`, `.5`, `5.`, `1e-3`), a hexadecimal (`0x1.8p3`) or `inf`/`infinity` in any case.
    /// Rejects the empty string, strings of [`MAX_FLOAT_CHARS`] bytes or more, leading
    /// whitespace, trailing bytes, NaN, and finite literals that round to infinity or to zero
    /// (`strtold` reports those with `ERANGE`).
    pub fn parse(text: &[u8]) -> Option<LongDouble> {
        if text.is_empty() || text.len() >= MAX_FLOAT_CHARS {
            return None;
        }
        let (negative, body) = match text.first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
            return Some(LongDouble::infinite(negative));
        }
        let (digits, value) = match body {
            [b'0', b'x' | b'X', hex @ ..] => parse_hex(negative, hex)?,
            _ => parse_decimal(negative, body)?,
        };
        // strtold flags overflow and underflow to zero with ERANGE, which Redis refuses.
        match value.magnitude {
            Magnitude::Infinite => None,
            Magnitude::Finite { significand: 0, .. } if !digits.is_zero() => None,
            Magnitude::Finite { .. } => Some(value),
        }
    }

    /// Adds two values with one rounding to nearest-even, like x87 `long double` addition.
    ///
    /// Returns `None` when the sum is NaN or infinite ("increment would produce NaN or
    /// Infinity"), which includes any infinite operand.
    pub fn checked_add(self, other: LongDouble) -> Option<LongDouble> {
        let (
            Magnitude::Finite {
                significand: a_significand,
                exponent: a_exponent,
            },
            Magnitude::Finite {
                significand: b_significand,
                exponent: b_exponent,
            },
        ) = (self.magnitude, other.magnitude)
        else {
            return None;
        };
        let base = a_exponent.min(b_exponent);
        let a = Big::from_u128(a_significand.into()).shl(shift_of(a_exponent - base));
        let b = Big::from_u128(b_significand.into()).shl(shift_of(b_exponent - base));
        let (negative, sum) = if self.negative == other.negative {
            (self.negative, a.add(&b))
        } else {
            match a.cmp(&b) {
                Ordering::Greater => (self.negative, a.sub(&b)),
                Ordering::Less => (other.negative, b.sub(&a)),
                // Exact cancellation gives +0 when rounding to nearest.
                Ordering::Equal => return Some(LongDouble::ZERO),
            }
        };
        let value = round(negative, &sum, base, false);
        value.is_finite().then_some(value)
    }

    /// Formats the value like C's `printf("%.17Lf")`: every integer digit, then exactly 17
    /// fractional digits of the exact binary value, rounded half to even.
    pub fn to_fixed17(&self) -> String {
        let sign = if self.negative { "-" } else { "" };
        let Magnitude::Finite {
            significand,
            exponent,
        } = self.magnitude
        else {
            return format!("{sign}inf");
        };
        if exponent >= 0 {
            let integer = Big::from_u128(significand.into()).shl(shift_of(exponent));
            return format!("{sign}{}.{:0width$}", integer.to_decimal(), 0, width = 17);
        }
        let shift = exponent.unsigned_abs();
        let (mut integer, fraction) = if shift >= 64 {
            (0, u128::from(significand))
        } else {
            let fraction = significand & ((1u64 << shift) - 1);
            (significand >> shift, u128::from(fraction))
        };
        // fraction < 2^64 and 10^17 < 2^57, so the scaled fraction fits in 121 bits; past that
        // shift it is below half a unit of the last digit and rounds to zero.
        let scaled = fraction * 10u128.pow(FRACTION_DIGITS);
        let mut digits = 0;
        if shift < 122 {
            digits = scaled >> shift;
            let rest = scaled & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if rest > half || (rest == half && digits & 1 == 1) {
                digits += 1;
            }
            if digits == 10u128.pow(FRACTION_DIGITS) {
                digits = 0;
                integer += 1;
            }
        }
        format!("{sign}{integer}.{digits:017}")
    }

    /// Formats the value as Redis's `ld2string(LD_STR_HUMAN)` does for `INCRBYFLOAT` replies:
    /// `%.17Lf` without trailing fractional zeros (nor a bare `.`), and `-0` as `0`.
    pub fn to_redis_string(&self) -> String {
        if !self.is_finite() {
            return self.to_fixed17();
        }
        let mut text = self.to_fixed17();
        let kept = text.trim_end_matches('0').trim_end_matches('.').len();
        text.truncate(kept);
        if text == "-0" {
            text.remove(0);
        }
        text
    }
}

/// Converts a non-negative exponent difference into a shift count.
fn shift_of(difference: i64) -> u64 {
    u64::try_from(difference).expect("exponent difference is non-negative")
}

/// Rounds `n · 2^exponent` (plus a nonzero tail below bit 0 when `sticky`) to the nearest
/// [`LongDouble`], ties to even, with subnormals and overflow to infinity.
///
/// `sticky` needs `n` to reach below the result's last bit, so the tail only decides ties;
/// [`divide`] gives 66 bits or more.
fn round(negative: bool, n: &Big, exponent: i64, sticky: bool) -> LongDouble {
    let len = n.bit_len() as i64;
    if len == 0 {
        return LongDouble::zero(negative);
    }
    let mut target = (len + exponent - 64).max(MIN_EXPONENT);
    let shift = target - exponent;
    let significand = if shift <= 0 {
        // Fewer than 64 bits: exact, and `len - shift <= 64` by the choice of `target`.
        n.bits_from(0) << shift.unsigned_abs()
    } else {
        let shift = shift.unsigned_abs();
        let kept = n.bits_from(shift);
        let half = n.bit(shift - 1);
        let rest = sticky || n.any_below(shift - 1);
        if half && (rest || kept & 1 == 1) {
            kept.checked_add(1).unwrap_or_else(|| {
                target += 1;
                1 << 63
            })
        } else {
            kept
        }
    };
    if target > MAX_EXPONENT {
        return LongDouble::infinite(negative);
    }
    // A significand rounded down to zero has `target == MIN_EXPONENT`: zero stays canonical.
    LongDouble {
        negative,
        magnitude: Magnitude::Finite {
            significand,
            exponent: target,
        },
    }
}

/// Parses the part of a decimal after its sign: `digits[.digits][e[sign]digits]`.
///
/// Returns the significant digits as an integer (zero means the literal is zero) and the value
/// correctly rounded, or `None` if the text is malformed.
fn parse_decimal(negative: bool, text: &[u8]) -> Option<(Big, LongDouble)> {
    let (digits, significant, fraction_digits, rest) = parse_digits(text, 10)?;
    let scale = parse_exponent(rest, b'e')? - fraction_digits;
    let value = if digits.is_zero() || significant + scale < MIN_DECIMAL_EXPONENT {
        LongDouble::zero(negative)
    } else if significant - 1 + scale > MAX_DECIMAL_EXPONENT {
        LongDouble::infinite(negative)
    } else if scale >= 0 {
        round(
            negative,
            &digits.mul(&Big::pow10(scale.unsigned_abs())),
            0,
            false,
        )
    } else {
        divide(negative, &digits, &Big::pow10(scale.unsigned_abs()))
    };
    Some((digits, value))
}

/// Parses the part of a hexadecimal after `0x`: `hexdigits[.hexdigits][p[sign]digits]`, where
/// the `p` exponent is a decimal power of two. Returns what [`parse_decimal`] returns.
fn parse_hex(negative: bool, text: &[u8]) -> Option<(Big, LongDouble)> {
    let (digits, _, fraction_digits, rest) = parse_digits(text, 16)?;
    let exponent = parse_exponent(rest, b'p')? - 4 * fraction_digits;
    let value = round(negative, &digits, exponent, false);
    Some((digits, value))
}

/// Reads `digits[.digits]` in `radix` (at least one digit) from the start of `text`.
///
/// Returns the digits as an integer, how many digits follow the first nonzero one, how many
/// follow the point, and the unread rest; `None` if there is no digit.
fn parse_digits(text: &[u8], radix: u32) -> Option<(Big, i64, i64, &[u8])> {
    // Digits go into the bignum in chunks of up to 7, which fit a u32 in both radixes: a long
    // literal costs a seventh of the bignum passes.
    const CHUNK_DIGITS: u32 = 7;
    let mut digits = Big::default();
    let (mut chunk, mut chunk_len) = (0u32, 0u32);
    let (mut significant, mut fraction_digits) = (0, 0);
    let (mut seen_digit, mut seen_point) = (false, false);
    let mut read = 0;
    for &c in text {
        if let Some(digit) = char::from(c).to_digit(radix) {
            seen_digit = true;
            fraction_digits += i64::from(seen_point);
            if significant > 0 || digit != 0 {
                significant += 1;
                chunk = chunk * radix + digit;
                chunk_len += 1;
                if chunk_len == CHUNK_DIGITS {
                    digits.mul_small_add(radix.pow(chunk_len), chunk);
                    (chunk, chunk_len) = (0, 0);
                }
            }
        } else if c == b'.' && !seen_point {
            seen_point = true;
        } else {
            break;
        }
        read += 1;
    }
    digits.mul_small_add(radix.pow(chunk_len), chunk);
    seen_digit.then_some((digits, significant, fraction_digits, &text[read..]))
}

/// Parses an optional exponent `marker[sign]digits` that must end the text; an empty text is
/// exponent 0. Huge exponents saturate, far past where every value overflows or underflows.
fn parse_exponent(text: &[u8], marker: u8) -> Option<i64> {
    const LIMIT: i64 = 1 << 40;
    let Some((first, rest)) = text.split_first() else {
        return Some(0);
    };
    if !first.eq_ignore_ascii_case(&marker) {
        return None;
    }
    let (negative, digits) = match rest.split_first() {
        Some((b'-', digits)) => (true, digits),
        Some((b'+', digits)) => (false, digits),
        _ => (false, rest),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits.iter().fold(0i64, |value, &d| {
        (value * 10 + i64::from(d - b'0')).min(LIMIT)
    });
    Some(if negative { -value } else { value })
}

/// Returns `num / den` correctly rounded; `den` is nonzero.
fn divide(negative: bool, num: &Big, den: &Big) -> LongDouble {
    let shift = den.bit_len() as i64 - num.bit_len() as i64 + QUOTIENT_BITS as i64;
    let (mut rest, den) = if shift >= 0 {
        (num.shl(shift.unsigned_abs()), den.clone())
    } else {
        (num.clone(), den.shl(shift.unsigned_abs()))
    };
    let mut quotient = 0u128;
    for bit in (0..=QUOTIENT_BITS).rev() {
        let part = den.shl(bit);
        if rest >= part {
            rest = rest.sub(&part);
            quotient |= 1 << bit;
        }
    }
    round(negative, &Big::from_u128(quotient), -shift, !rest.is_zero())
}

/// An unsigned integer of any size, just what exact parsing, adding and printing need.
///
/// Invariant: `limbs` is little-endian base 2^32 with no zero limb on top (zero is empty).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Big {
    /// Base-2^32 digits, least significant first.
    limbs: Vec<u32>,
}

impl Big {
    /// Returns `value` as a bignum.
    fn from_u128(mut value: u128) -> Big {
        let mut limbs = Vec::new();
        while value != 0 {
            limbs.push(value as u32);
            value >>= 32;
        }
        Big { limbs }
    }

    /// Returns 10^n.
    fn pow10(n: u64) -> Big {
        let mut value = Big::from_u128(1);
        for _ in 0..n / 9 {
            value.mul_small_add(1_000_000_000, 0);
        }
        value.mul_small_add(10u32.pow((n % 9) as u32), 0);
        value
    }

    fn is_zero(&self) -> bool {
        self.limbs.is_empty()
    }

    fn trimmed(mut self) -> Big {
        while self.limbs.last() == Some(&0) {
            self.limbs.pop();
        }
        self
    }

    /// Sets `self = self * factor + addend`; `factor` is nonzero.
    fn mul_small_add(&mut self, factor: u32, addend: u32) {
        let mut carry = u64::from(addend);
        for limb in &mut self.limbs {
            let v = u64::from(*limb) * u64::from(factor) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.limbs.push(carry as u32);
        }
    }

    /// Divides in place and returns the remainder; `divisor` is nonzero.
    fn div_small(&mut self, divisor: u32) -> u32 {
        let mut remainder = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let v = (remainder << 32) | u64::from(*limb);
            *limb = (v / u64::from(divisor)) as u32;
            remainder = v % u64::from(divisor);
        }
        *self = std::mem::take(self).trimmed();
        remainder as u32
    }

    fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u32; self.limbs.len() + other.limbs.len()];
        for (i, &a) in self.limbs.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.limbs.iter().enumerate() {
                let v = u64::from(a) * u64::from(b) + u64::from(out[i + j]) + carry;
                out[i + j] = v as u32;
                carry = v >> 32;
            }
            out[i + other.limbs.len()] = carry as u32;
        }
        Big { limbs: out }.trimmed()
    }

    fn add(&self, other: &Big) -> Big {
        let (long, short) = if self.limbs.len() >= other.limbs.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut out = Vec::with_capacity(long.limbs.len() + 1);
        let mut carry = 0u64;
        for (i, &a) in long.limbs.iter().enumerate() {
            let v = u64::from(a) + u64::from(short.limbs.get(i).copied().unwrap_or(0)) + carry;
            out.push(v as u32);
            carry = v >> 32;
        }
        if carry != 0 {
            out.push(carry as u32);
        }
        Big { limbs: out }
    }

    /// Returns `self - other`; `self >= other`.
    fn sub(&self, other: &Big) -> Big {
        let mut out = Vec::with_capacity(self.limbs.len());
        let mut borrow = 0i64;
        for (i, &a) in self.limbs.iter().enumerate() {
            let mut v = i64::from(a) - i64::from(other.limbs.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            if v < 0 {
                v += 1 << 32;
            }
            out.push(v as u32);
        }
        debug_assert_eq!(borrow, 0, "subtrahend is not larger");
        Big { limbs: out }.trimmed()
    }

    fn shl(&self, bits: u64) -> Big {
        if self.is_zero() {
            return Big::default();
        }
        let whole = usize::try_from(bits / 32).expect("shift fits in memory");
        let part = (bits % 32) as u32;
        let mut out = vec![0u32; whole];
        let mut carry = 0u32;
        for &limb in &self.limbs {
            if part == 0 {
                out.push(limb);
            } else {
                out.push((limb << part) | carry);
                carry = limb >> (32 - part);
            }
        }
        if carry != 0 {
            out.push(carry);
        }
        Big { limbs: out }
    }

    fn bit_len(&self) -> u64 {
        match self.limbs.last() {
            None => 0,
            Some(top) => 32 * (self.limbs.len() as u64 - 1) + u64::from(32 - top.leading_zeros()),
        }
    }

    fn limb(&self, index: u64) -> u32 {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.limbs.get(i))
            .copied()
            .unwrap_or(0)
    }

    fn bit(&self, index: u64) -> bool {
        (self.limb(index / 32) >> (index % 32)) & 1 == 1
    }

    /// Returns whether any bit below `index` is set.
    fn any_below(&self, index: u64) -> bool {
        let whole =
            usize::try_from(index / 32).map_or(self.limbs.len(), |w| w.min(self.limbs.len()));
        let mask = (1u32 << (index % 32)) - 1;
        self.limbs[..whole].iter().any(|&l| l != 0) || self.limb(index / 32) & mask != 0
    }

    /// Returns the 64 bits starting at bit `from`, i.e. `(self >> from) mod 2^64`.
    fn bits_from(&self, from: u64) -> u64 {
        let first = from / 32;
        let window = (0..3).fold(0u128, |window, k| {
            window | (u128::from(self.limb(first + k)) << (32 * k))
        });
        (window >> (from % 32)) as u64
    }

    fn to_decimal(&self) -> String {
        let mut rest = self.clone();
        let mut chunks = Vec::new();
        while !rest.is_zero() {
            chunks.push(rest.div_small(1_000_000_000));
        }
        let mut text = chunks.pop().unwrap_or(0).to_string();
        for chunk in chunks.iter().rev() {
            text.push_str(&format!("{chunk:09}"));
        }
        text
    }
}

impl Ord for Big {
    fn cmp(&self, other: &Big) -> Ordering {
        self.limbs
            .len()
            .cmp(&other.limbs.len())
            .then_with(|| self.limbs.iter().rev().cmp(other.limbs.iter().rev()))
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Big) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What Redis answers to `INCRBYFLOAT k by` when `k` holds `stored` (`None`: missing):
    /// the new value, or `!float` / `!nan` for its two errors.
    fn incr(stored: Option<&str>, by: &str) -> String {
        let Some(by) = LongDouble::parse(by.as_bytes()) else {
            return "!float".into();
        };
        let current = match stored.map(|s| LongDouble::parse(s.as_bytes())) {
            None => LongDouble::ZERO,
            Some(Some(value)) => value,
            Some(None) => return "!float".into(),
        };
        match current.checked_add(by) {
            Some(value) => value.to_redis_string(),
            None => "!nan".into(),
        }
    }

    /// Replies recorded from redis-server 7.0.15 on x86-64.
    #[test]
    fn matches_redis_replies() {
        let cases: &[(Option<&str>, &str, &str)] = &[
            (Some("5.6"), "2.0e2", "205.60000000000000001"),
            (Some("10.5"), "0.1", "10.6"),
            (None, "1e-4950", "0"),
            (None, "1e-4951", "!float"),
            (None, "4e-4951", "0"),
            (None, "1e-5000", "!float"),
            (None, "0e-5000", "0"),
            (None, "1e5000", "!float"),
            (None, "1e", "!float"),
            (None, " 1", "!float"),
            (None, "1 ", "!float"),
            (None, "nan", "!float"),
            (None, "-nan", "!float"),
            (None, "inf", "!nan"),
            (None, "-inf", "!nan"),
            (None, "INFINITY", "!nan"),
            (Some("inf"), "1", "!nan"),
            (Some("1"), "inf", "!nan"),
            (None, "0x1.8p3", "12"),
            (None, "0x", "!float"),
            (None, ".5", "0.5"),
            (None, "5.", "5"),
            (None, ".", "!float"),
            (None, "-0", "0"),
            (Some("-0.0"), "0", "0"),
            (Some("-0"), "-0", "0"),
            (None, "1e-30", "0"),
            (None, "-1e-30", "0"),
            (None, "0x.8", "0.5"),
            (None, "0x1p-16445", "0"),
            (None, "0x1p-16446", "!float"),
            (None, "0x3p-16446", "0"),
            (None, "0x1p-16447", "!float"),
            (None, "1.18973149535723176508e+4932", "!float"),
            (Some("1.18973149535723176502e+4932"), "1e4913", "!nan"),
            (None, "+.5e+1", "5"),
            (None, "0x10", "16"),
            (None, "1e+", "!float"),
            (None, "infin", "!float"),
            (None, "nan(12)", "!float"),
            (None, "1.5e2.0", "!float"),
            (None, "0x1p-18", "0.00000381469726562"),
            (None, "0x3p-18", "0.00001144409179688"),
            (None, "0x1p-17", "0.00000762939453125"),
            (None, "0.1", "0.1"),
            (Some("0.1"), "0.1", "0.2"),
            (Some("0.2"), "0.1", "0.3"),
            (Some("0.30000000000000000001"), "0.1", "0.4"),
            (
                Some("1234567890123456789012345678901234567890"),
                "1",
                "1234567890123456788999898750329779388416",
            ),
            (
                None,
                "3.14159265358979323846264338327950288419716939937510",
                "3.14159265358979324",
            ),
            (None, "0.99999999999999999999", "1"),
            (None, "0.999999999999999999994", "1"),
            (None, "0.000000000000000005", "0"),
            (None, "0.000000000000000015", "0.00000000000000002"),
            (None, "0.000000000000000025", "0.00000000000000002"),
            (None, "-0.000000000000000005", "0"),
            (None, "-0.000000000000000006", "-0.00000000000000001"),
            (Some("10"), "-10", "0"),
            (Some("-5.5"), "2.25", "-3.25"),
            (Some("1e20"), "-1", "100000000000000000000"),
            (Some("9223372036854775807"), "1", "9223372036854775808"),
            (Some("18446744073709551615"), "1", "18446744073709551616"),
            (Some("18446744073709551616"), "1", "18446744073709551616"),
            (Some("1"), "1e-19", "1"),
            (Some("1"), "1e-20", "1"),
            (None, "0X1P+3", "8"),
            (None, "0x1.ffffffffffffffffp16383", "!float"),
            (None, "0x1p16384", "!float"),
            (None, "+inf", "!nan"),
            (None, "Inf", "!nan"),
            (None, "infinityx", "!float"),
            (None, "- 1", "!float"),
            (None, "+-1", "!float"),
            (None, "1e+5", "100000"),
            (None, "1E5", "100000"),
            (None, "00012.5000", "12.5"),
            (None, "\t1", "!float"),
            (None, "1\n", "!float"),
            (Some("abc"), "1", "!float"),
            (Some(" 1"), "1", "!float"),
            (Some(""), "1", "!float"),
            (None, "1\0abc", "!float"),
            (None, "\0", "!float"),
            (None, "0x1p", "!float"),
            (None, "0x1.p1", "2"),
            (None, "0x.p1", "!float"),
            (None, "1e99999999999999999999999", "!float"),
            (None, "1e-99999999999999999999", "!float"),
            (None, "0e99999999999999999999", "0"),
            (None, "-1e-4940", "0"),
            (None, "7e-4950", "0"),
            (None, "3.6451995318824746025e-4951", "0"),
            (None, "1.8225997659412373012e-4951", "!float"),
            (None, "1.8225997659412373013e-4951", "0"),
            (None, "3.3621031431120935063e-4932", "0"),
            (
                Some("3.3621031431120935063e-4932"),
                "-3.3621031431120935062e-4932",
                "0",
            ),
            (
                None,
                "123456789.123456789123456789",
                "123456789.12345678912242875",
            ),
            (
                None,
                "-123456789.123456789123456789",
                "-123456789.12345678912242875",
            ),
            (None, "2.5e-1", "0.25"),
            (None, "1e19", "10000000000000000000"),
            (None, "1e20", "100000000000000000000"),
            (None, "1e25", "10000000000000000000000000"),
            (None, "1e30", "1000000000000000000024696061952"),
            (None, "0.00000000000000000999999999", "0.00000000000000001"),
            (
                None,
                "11111111111111111111111111111111111111111111111111",
                "11111111111111111111157189290920927820784081043456",
            ),
            (None, "-1.5e4932", "!float"),
        ];
        for &(stored, by, expected) in cases {
            assert_eq!(incr(stored, by), expected, "{stored:?} + {by:?}");
        }
    }

    /// Replies too long to write out, recorded from redis-server 7.0.15: their length, first
    /// and last digits.
    #[test]
    fn matches_redis_replies_with_thousands_of_digits() {
        const MAX: (&str, &str) = (
            "118973149535723176502126385303097020516906332229462420044032",
            "444156604419552086811989770240",
        );
        let e4000 = (
            "999999999999999999996546387309962378493249258350695763130150",
            "272729951206648276349901340672",
        );
        let cases = [
            (None, "1e4000", e4000, 4000),
            (Some("1e4000"), "1", e4000, 4000),
            (None, "1.18973149535723176502e+4932", MAX, 4933),
            (Some("1.18973149535723176502e+4932"), "1e4912", MAX, 4933),
            (None, "0x1.fffffffffffffffep16383", MAX, 4933),
            (
                None,
                "1e4932",
                (
                    "100000000000000000000601894938796389132383777425453311477378",
                    "163141086538418113791886622720",
                ),
                4933,
            ),
        ];
        for (stored, by, (first, last), len) in cases {
            let reply = incr(stored, by);
            assert!(reply.starts_with(first), "{by}: {reply}");
            assert!(reply.ends_with(last), "{by}: {reply}");
            assert_eq!(reply.len(), len, "{by}");
            let negated = incr(
                stored.map(|s| format!("-{s}")).as_deref(),
                &format!("-{by}"),
            );
            assert_eq!(negated, format!("-{reply}"), "-{by}");
        }
        let reply = incr(Some("-1e4000"), "1e3999");
        assert!(reply.starts_with("-89999999999999999997704067883463745208520034900141389025163"));
        assert!(reply.ends_with("967334098921962918851211427840"));
        assert_eq!(reply.len(), 4001);
    }

    /// Checks the invariants listed on [`LongDouble`].
    fn assert_invariants(value: LongDouble) {
        if let Magnitude::Finite {
            significand,
            exponent,
        } = value.magnitude
        {
            assert!(
                (MIN_EXPONENT..=MAX_EXPONENT).contains(&exponent),
                "{value:?}"
            );
            assert!(
                significand >> 63 == 1 || exponent == MIN_EXPONENT,
                "{value:?}"
            );
        }
    }

    #[test]
    fn parsed_and_summed_values_keep_the_invariants() {
        let texts = [
            "0",
            "-0",
            "1",
            "0.1",
            "-7.5e-3",
            "0x1p-16445",
            "0x0.fffffffffffffffep-16382",
            "0x1p-16382",
            "-3.3621031431120935063e-4932",
            "1e-4950",
            "1e4932",
            "-1.18973149535723176502e+4932",
            "inf",
        ];
        let values: Vec<LongDouble> = texts
            .iter()
            .map(|t| LongDouble::parse(t.as_bytes()).expect("valid float"))
            .collect();
        for &a in &values {
            assert_invariants(a);
            for &b in &values {
                if let Some(sum) = a.checked_add(b) {
                    assert_invariants(sum);
                    assert_eq!(Some(sum), b.checked_add(a), "{a:?} + {b:?} commutes");
                }
            }
        }
        // The largest subnormal plus the least one is the least normal value.
        let sum = values[6].checked_add(values[5]);
        assert_eq!(sum, Some(values[7]));
    }

    #[test]
    fn bignum_arithmetic() {
        let big = Big::pow10(30);
        assert_eq!(big.to_decimal(), format!("1{}", "0".repeat(30)));
        assert_eq!(big.bit_len(), 100);
        let sum = big.add(&Big::from_u128(1));
        assert_eq!(sum.sub(&big), Big::from_u128(1));
        assert!(sum > big);
        assert_eq!(Big::from_u128(3).shl(70).bits_from(69), 6);
        assert!(Big::from_u128(3).shl(70).any_below(71));
        assert!(!Big::from_u128(3).shl(70).any_below(70));
        assert_eq!(Big::pow10(9).mul(&Big::pow10(12)), Big::pow10(21));
        assert_eq!(Big::default().to_decimal(), "0");
    }

    /// Repeated increments of one key, recorded from redis-server 7.0.15. Each step re-parses
    /// the stored reply, so increments below the 17th fractional digit vanish.
    #[test]
    fn chains_match_redis() {
        let chains: [(&[&str], &[&str]); 4] = [
            (
                &["0.1"; 10],
                &[
                    "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1",
                ],
            ),
            (
                &["-0.1", "-0.1", "-0.1", "1"],
                &["-0.1", "-0.2", "-0.3", "0.7"],
            ),
            (&["1e-18", "1e-18", "1", "-1"], &["0", "0", "1", "0"]),
            (
                &["3", "1e-17", "1e-17", "-3"],
                &[
                    "3",
                    "3.00000000000000001",
                    "3.00000000000000002",
                    "0.00000000000000002",
                ],
            ),
        ];
        for (steps, replies) in chains {
            let mut stored: Option<String> = None;
            for (by, reply) in steps.iter().zip(replies) {
                let next = incr(stored.as_deref(), by);
                assert_eq!(next, *reply, "{stored:?} + {by}");
                stored = Some(next);
            }
        }
    }

    /// Redis refuses float strings of `MAX_FLOAT_CHARS` bytes or more, whatever they hold.
    #[test]
    fn length_limit() {
        let zeros = |n: usize| "0".repeat(n);
        assert_eq!(incr(None, &format!("{}1", zeros(5000))), "1");
        assert_eq!(incr(None, &format!("{}1", zeros(5118))), "1");
        assert_eq!(incr(None, &format!("{}1", zeros(5119))), "!float");
        assert_eq!(incr(Some(&format!("{}2", zeros(5118))), "1"), "3");
        assert_eq!(incr(Some(&format!("{}1", zeros(5119))), "1"), "!float");
        assert_eq!(incr(None, &format!("0x{}1", zeros(5116))), "1");
        assert_eq!(incr(None, &format!("0x{}1", zeros(5117))), "!float");
        assert_eq!(incr(None, &format!("0.{}5", zeros(4900))), "0");
    }
}
