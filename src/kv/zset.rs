//! Sorted-set values: members with scores, kept in one buffer in `(score, member)` order.
//!
//! Layout: the byte [`ZSET_TAG`], then per member its score (the f64's bits, little-endian)
//! and the member as a packed string (see `packed`). The tag tells a sorted set from a set,
//! which shares the table's type bits (see `table::ValueType`). As with the other collections,
//! every write rebuilds the buffer, O(size), which is why a sorted set past 128 members is
//! held in an index instead (see `kv::big`); this buffer remains its form in snapshots.
//!
//! Also here: scores and ranges as Redis reads and prints them.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use super::packed;

/// First byte of a sorted set's buffer (a set's first byte is 0 or 1).
pub const ZSET_TAG: u8 = 2;

/// Redis keeps a sorted set as a listpack up to this many members (`zset-max-listpack-entries`)
/// ...
pub const LISTPACK_MAX_ENTRIES: usize = 128;

/// ... each at most this long (`zset-max-listpack-value`).
pub const LISTPACK_MAX_VALUE: usize = 64;

/// `(score, member)` order, Redis's: by score, ties by member bytes.
pub fn order(a: &(f64, &[u8]), b: &(f64, &[u8])) -> Ordering {
    a.0.partial_cmp(&b.0)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.1.cmp(b.1))
}

/// The members of a sorted-set buffer with their scores, in order.
pub fn entries(buf: &[u8]) -> Vec<(f64, &[u8])> {
    let mut out = Vec::new();
    let mut rest = buf.get(1..).unwrap_or_default();
    while rest.len() >= 8 {
        let (score, after) = rest.split_at(8);
        let Some((member, after)) = packed::take(after) else {
            break;
        };
        let bits = u64::from_le_bytes(score.try_into().unwrap_or_default());
        out.push((f64::from_bits(bits), member));
        rest = after;
    }
    out
}

/// Whether `buf` is a well-formed, non-empty sorted-set buffer: no NaN score, no member
/// twice, and ordered unless it is big enough to be indexed.
pub fn is_valid(buf: &[u8]) -> bool {
    if buf.first() != Some(&ZSET_TAG) {
        return false;
    }
    let items = entries(buf);
    let encoded: usize = items
        .iter()
        .map(|(_, m)| 8 + packed::pack([*m]).len())
        .sum();
    let mut members = BTreeSet::new();
    // A snapshot holds a sorted set big enough to be indexed in any order (see
    // `Big::encode_for_snapshot`); a smaller one is stored as it comes, so must be in order.
    let indexed = items.len() >= super::big::ZSET_MIN;
    !items.is_empty()
        && encoded == buf.len() - 1
        && items.iter().all(|(s, m)| !s.is_nan() && members.insert(*m))
        && (indexed
            || items
                .windows(2)
                .all(|w| order(&w[0], &w[1]) == Ordering::Less))
}

/// Packs members with their scores (no member twice), sorting them; empty when there are none
/// (the key is to be deleted).
pub fn pack(mut items: Vec<(f64, &[u8])>) -> Vec<u8> {
    if items.is_empty() {
        return Vec::new();
    }
    items.sort_by(order);
    let mut buf = vec![ZSET_TAG];
    for (score, member) in items {
        buf.extend_from_slice(&score.to_bits().to_le_bytes());
        packed::put(&mut buf, member);
    }
    buf
}

/// Whether Redis would keep these members as a listpack (OBJECT ENCODING).
pub fn is_listpack(items: &[(f64, &[u8])]) -> bool {
    items.len() <= LISTPACK_MAX_ENTRIES && items.iter().all(|(_, m)| m.len() <= LISTPACK_MAX_VALUE)
}

/// A score as Redis 7.0 prints it: C's `%.17g` (integers without a fraction, 17 significant
/// digits otherwise, an exponent outside 1e-4..1e17), `inf` and `-inf`.
pub fn format_score(score: f64) -> String {
    format_g(score, 17)
}

/// C's `%.<precision>g` of `score` (`precision` of 1 to 17), `inf`, `-inf` and `nan` aside.
pub fn format_g(score: f64, precision: usize) -> String {
    if score.is_nan() {
        return "nan".into();
    }
    if score.is_infinite() {
        return if score > 0.0 { "inf" } else { "-inf" }.into();
    }
    if score == 0.0 {
        return if score.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // `precision` significant digits, correctly rounded: d.ddde±x.
    let sci = format!("{:.*e}", precision.saturating_sub(1), score.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if score < 0.0 { "-" } else { "" };
    if !(-4..precision as i32).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let rest = rest.trim_end_matches('0');
        let dot = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{rest}e{exp_sign}{:02}", exponent.abs());
    }
    let fixed = if exponent >= 0 {
        let (int, frac) = digits.split_at(exponent as usize + 1);
        format!("{int}.{frac}")
    } else {
        format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
    };
    let fixed = fixed.trim_end_matches('0').trim_end_matches('.');
    format!("{sign}{fixed}")
}

/// C's `strtod` over a whole argument: leading white space, a sign, then `inf`/`infinity`,
/// `nan`, a hexadecimal (`0x1.8p3`) or decimal number, and nothing after it (an empty
/// argument reads as 0, as `strtod` converts nothing and stops at its end). Returns the value
/// and whether it over- or underflowed (`ERANGE`).
fn strtod(arg: &[u8]) -> Option<(f64, bool)> {
    let text = std::str::from_utf8(arg).ok()?;
    let body = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    if body.is_empty() {
        return text.is_empty().then_some((0.0, false));
    }
    let (negative, unsigned) = match body.as_bytes()[0] {
        b'-' => (true, &body[1..]),
        b'+' => (false, &body[1..]),
        _ => (false, body),
    };
    let lower = unsigned.to_ascii_lowercase();
    let (value, nonzero_digits) = if lower == "inf" || lower == "infinity" {
        return Some((
            if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            },
            false,
        ));
    } else if lower == "nan" {
        (f64::NAN, false)
    } else if let Some(hex) = lower.strip_prefix("0x") {
        let (mantissa, exponent) = match hex.split_once('p') {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (hex, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let mut value = 0f64;
        for c in int.chars().chain(frac.chars()) {
            value = value * 16.0 + f64::from(c.to_digit(16)?);
        }
        let scale = exponent.saturating_sub(4 * i32::try_from(frac.len()).ok()?);
        let nonzero = mantissa.chars().any(|c| c != '0' && c != '.');
        (value * 2f64.powi(scale), nonzero)
    } else {
        // Rust reads the same decimal forms (`5.`, `.5`, `1e3`) and nothing beyond them.
        let value: f64 = unsigned.parse().ok()?;
        let mantissa = lower.split('e').next().unwrap_or("");
        (value, mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)))
    };
    let range_error = value.is_infinite() || (value == 0.0 && nonzero_digits);
    Some((if negative { -value } else { value }, range_error))
}

/// A ZADD score or ZINCRBY increment, read as Redis reads a double argument: `strtod` over the
/// whole of it, but no empty argument, no leading space, no NaN, no over- or underflow
/// (`inf` itself is fine).
pub fn parse_score(arg: &[u8]) -> Option<f64> {
    if arg.first().is_none_or(u8::is_ascii_whitespace) {
        return None;
    }
    match strtod(arg)? {
        (value, false) if !value.is_nan() => Some(value),
        _ => None,
    }
}

/// A number SORT sorts by, read as Redis's SORT reads it: plain `strtod` over the whole of it
/// (leading white space allowed, an empty string is 0), refusing NaN and anything `strtod`
/// flags with `ERANGE`: overflow, underflow to 0, and a decimal that lands on a subnormal
/// (glibc flags those as inexact; a hexadecimal subnormal such as `0x1p-1074` is exact).
pub fn parse_sort_score(arg: &[u8]) -> Option<f64> {
    let hex = arg
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != b'+' && *b != b'-')
        .is_some_and(|i| arg[i..].len() > 1 && arg[i] == b'0' && arg[i + 1] | 0x20 == b'x');
    match strtod(arg)? {
        (value, false) if value.is_subnormal() && !hex => None,
        (value, false) if !value.is_nan() => Some(value),
        _ => None,
    }
}

/// One end of a score range: `(1.5` excludes the value, `1.5` includes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreBound {
    /// The score.
    pub value: f64,
    /// Whether the score itself is outside the range.
    pub exclusive: bool,
}

/// A score range end as ZRANGEBYSCORE and ZCOUNT read it: plain `strtod`, so an empty bound
/// is 0 and an overflow is an infinity; only NaN and trailing characters are refused.
pub fn parse_score_bound(arg: &[u8]) -> Option<ScoreBound> {
    let (exclusive, rest) = match arg.split_first() {
        Some((b'(', rest)) => (true, rest),
        _ => (false, arg),
    };
    let (value, _) = strtod(rest)?;
    (!value.is_nan()).then_some(ScoreBound { value, exclusive })
}

/// Whether `score` lies within `min..max`.
pub fn in_score_range(score: f64, min: ScoreBound, max: ScoreBound) -> bool {
    let above = if min.exclusive {
        score > min.value
    } else {
        score >= min.value
    };
    let below = if max.exclusive {
        score < max.value
    } else {
        score <= max.value
    };
    above && below
}

/// One end of a lexicographic range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexBound {
    /// `-`: below every member.
    Lowest,
    /// `+`: above every member.
    Highest,
    /// `[member`.
    Inclusive(Vec<u8>),
    /// `(member`.
    Exclusive(Vec<u8>),
}

/// A lexicographic range end as ZRANGEBYLEX reads it.
pub fn parse_lex_bound(arg: &[u8]) -> Option<LexBound> {
    match arg.split_first()? {
        (b'-', []) => Some(LexBound::Lowest),
        (b'+', []) => Some(LexBound::Highest),
        (b'[', rest) => Some(LexBound::Inclusive(rest.to_vec())),
        (b'(', rest) => Some(LexBound::Exclusive(rest.to_vec())),
        _ => None,
    }
}

/// Whether `member` lies within `min..max`.
pub fn in_lex_range(member: &[u8], min: &LexBound, max: &LexBound) -> bool {
    let above = match min {
        LexBound::Lowest => true,
        LexBound::Highest => false,
        LexBound::Inclusive(m) => member >= m.as_slice(),
        LexBound::Exclusive(m) => member > m.as_slice(),
    };
    let below = match max {
        LexBound::Lowest => false,
        LexBound::Highest => true,
        LexBound::Inclusive(m) => member <= m.as_slice(),
        LexBound::Exclusive(m) => member < m.as_slice(),
    };
    above && below
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_print_like_redis_7_0() {
        for (score, text) in [
            (1.0, "1"),
            (1.5, "1.5"),
            (0.1, "0.10000000000000001"),
            (-3.25, "-3.25"),
            (1e20, "1e+20"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1.0000000000000001e-05"),
            (123456789.125, "123456789.125"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
        ] {
            assert_eq!(format_score(score), text, "{score:?}");
        }
    }

    #[test]
    fn scores_and_bounds_parse_like_strtod() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"+Infinity"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"1e3"), Some(1000.0));
        for bad in [
            &b""[..],
            b" 1",
            b"1 ",
            b"nan",
            b"abc",
            b"1e400",
            b"1e-400",
            b"1x",
        ] {
            assert_eq!(parse_score(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse_score(b"0e5"), Some(0.0));
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"-0x1.8p1"), Some(-3.0));
        assert_eq!(parse_score(b".5"), Some(0.5));
        assert_eq!(parse_score(b"5."), Some(5.0));
        assert_eq!(parse_score(b"0x"), None);
        // Range bounds are plain strtod.
        assert_eq!(parse_score_bound(b"").map(|b| b.value), Some(0.0));
        assert_eq!(
            parse_score_bound(b"(").map(|b| (b.value, b.exclusive)),
            Some((0.0, true))
        );
        assert_eq!(parse_score_bound(b" 1").map(|b| b.value), Some(1.0));
        assert_eq!(
            parse_score_bound(b"1e400").map(|b| b.value),
            Some(f64::INFINITY)
        );
        assert_eq!(parse_score_bound(b"1 "), None);
        assert_eq!(parse_score_bound(b"(nan"), None);
        assert_eq!(parse_score_bound(b"[1"), None);
        let open = parse_score_bound(b"(2").unwrap();
        let closed = parse_score_bound(b"5").unwrap();
        assert!(!in_score_range(2.0, open, closed));
        assert!(in_score_range(5.0, open, closed));
        assert_eq!(parse_lex_bound(b"a"), None);
        assert_eq!(parse_lex_bound(b"-x"), None);
        let (min, max) = (
            parse_lex_bound(b"[b").unwrap(),
            parse_lex_bound(b"(d").unwrap(),
        );
        assert!(in_lex_range(b"b", &min, &max) && in_lex_range(b"c", &min, &max));
        assert!(!in_lex_range(b"d", &min, &max));
    }

    #[test]
    fn buffers_keep_score_then_member_order() {
        let buf = pack(vec![(2.0, &b"b"[..]), (1.0, b"z"), (2.0, b"a")]);
        assert!(is_valid(&buf));
        assert_eq!(
            entries(&buf),
            vec![(1.0, &b"z"[..]), (2.0, b"a"), (2.0, b"b")]
        );
        assert!(pack(Vec::new()).is_empty());
        assert!(!is_valid(&buf[..buf.len() - 1]));
        assert!(!is_valid(&[ZSET_TAG]));
        let mut unsorted = vec![ZSET_TAG];
        for (s, m) in [(2.0f64, b"a"), (1.0, b"b")] {
            unsorted.extend_from_slice(&s.to_bits().to_le_bytes());
            packed::put(&mut unsorted, m);
        }
        assert!(!is_valid(&unsorted));
    }
}
