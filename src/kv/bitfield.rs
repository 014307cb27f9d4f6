//! BITFIELD and BITFIELD_RO (integers of 1 to 64 bits at any bit offset of a string, with
//! Redis's overflow rules) and LCS (the longest common subsequence of two strings), as Redis
//! 7.0 answers them.
//!
//! A bitfield's bits are read and written most significant first, from the bit offset on, as
//! SETBIT numbers bits. A write grows the string with zero bytes to the farthest bit any write
//! of the command reaches, even one whose OVERFLOW FAIL then refuses it, as Redis does.

use bytes::Bytes;

use super::command::{CommandError, MAX_STRING_BYTES, parse_i64_strict};
use super::reply;
use crate::pb;

/// What a bitfield operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// GET: the field's value.
    Get,
    /// SET: stores the value, answers the previous one.
    Set(i64),
    /// INCRBY: adds, answers the new value.
    IncrBy(i64),
}

/// What a write does when the value does not fit the field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overflow {
    /// Keep the low bits (two's complement for signed fields).
    Wrap,
    /// Clamp to the field's smallest or largest value.
    Sat,
    /// Change nothing and answer nil.
    Fail,
}

/// One operation of a BITFIELD command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub op: Op,
    /// Signed (`i`) or unsigned (`u`).
    pub signed: bool,
    /// Width in bits: 1 to 64 signed, 1 to 63 unsigned.
    pub bits: u32,
    /// The first bit.
    pub offset: u64,
    /// The OVERFLOW mode in force for it.
    pub overflow: Overflow,
}

impl Field {
    fn is_write(&self) -> bool {
        self.op != Op::Get
    }
}

const BAD_TYPE: CommandError = CommandError::Message(
    "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.",
);

/// Parses the operations of `BITFIELD key ...` (`a` after the key); `read_only` for
/// BITFIELD_RO, which refuses writes once every operation parsed, as Redis does.
///
/// # Errors
/// Redis's messages, in Redis's order.
pub fn parse(a: &[Bytes], read_only: bool) -> Result<Vec<Field>, CommandError> {
    let mut fields = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 0;
    while j < a.len() {
        let more = a.len() - j - 1;
        let sub = &a[j];
        let op = if sub.eq_ignore_ascii_case(b"get") && more >= 2 {
            Op::Get
        } else if sub.eq_ignore_ascii_case(b"set") && more >= 3 {
            Op::Set(0)
        } else if sub.eq_ignore_ascii_case(b"incrby") && more >= 3 {
            Op::IncrBy(0)
        } else if sub.eq_ignore_ascii_case(b"overflow") && more >= 1 {
            let mode = &a[j + 1];
            overflow = if mode.eq_ignore_ascii_case(b"wrap") {
                Overflow::Wrap
            } else if mode.eq_ignore_ascii_case(b"sat") {
                Overflow::Sat
            } else if mode.eq_ignore_ascii_case(b"fail") {
                Overflow::Fail
            } else {
                return Err(CommandError::Message("Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        } else {
            return Err(CommandError::Syntax);
        };
        let (signed, bits) = parse_type(&a[j + 1])?;
        let offset = parse_offset(&a[j + 2], bits)?;
        let op = match op {
            Op::Get => Op::Get,
            Op::Set(_) => Op::Set(parse_i64_strict(&a[j + 3]).ok_or(CommandError::NotInteger)?),
            Op::IncrBy(_) => {
                Op::IncrBy(parse_i64_strict(&a[j + 3]).ok_or(CommandError::NotInteger)?)
            }
        };
        fields.push(Field {
            op,
            signed,
            bits,
            offset,
            overflow,
        });
        j += if op == Op::Get { 3 } else { 4 };
    }
    if read_only && fields.iter().any(Field::is_write) {
        return Err(CommandError::Message(
            "BITFIELD_RO only supports the GET subcommand",
        ));
    }
    Ok(fields)
}

/// `i<bits>` or `u<bits>`.
fn parse_type(arg: &[u8]) -> Result<(bool, u32), CommandError> {
    let (signed, max) = match arg.first() {
        Some(b'i') => (true, 64),
        Some(b'u') => (false, 63),
        _ => return Err(BAD_TYPE),
    };
    let bits = parse_i64_strict(&arg[1..])
        .filter(|&b| (1..=max).contains(&b))
        .ok_or(BAD_TYPE)?;
    Ok((signed, bits as u32))
}

/// A bit offset, or `#n` for the n-th field of this width.
fn parse_offset(arg: &[u8], bits: u32) -> Result<u64, CommandError> {
    let (n, times) = match arg.strip_prefix(b"#") {
        Some(rest) => (rest, i64::from(bits)),
        None => (arg, 1),
    };
    parse_i64_strict(n)
        .and_then(|o| o.checked_mul(times))
        .and_then(|o| u64::try_from(o).ok())
        .filter(|&o| o >> 3 < MAX_STRING_BYTES as u64)
        .ok_or(CommandError::BitOffset)
}

/// Whether any operation writes (the command goes through the log).
pub fn writes(fields: &[Field]) -> bool {
    fields.iter().any(Field::is_write)
}

/// The length in bytes a string must have for every write of `fields` to fit.
pub fn needed_len(fields: &[Field]) -> usize {
    fields
        .iter()
        .filter(|f| f.is_write())
        .map(|f| ((f.offset + u64::from(f.bits) - 1) >> 3) as usize + 1)
        .max()
        .unwrap_or(0)
}

/// Reads `bits` bits from `offset` of `buf` as an unsigned number; bits past its end are 0.
fn get_unsigned(buf: &[u8], offset: u64, bits: u32) -> u64 {
    let mut value = 0u64;
    for i in 0..u64::from(bits) {
        let bit = offset + i;
        let byte = buf.get((bit >> 3) as usize).copied().unwrap_or(0);
        let set = byte & (0x80 >> (bit & 7)) != 0;
        value = (value << 1) | u64::from(set);
    }
    value
}

fn get_signed(buf: &[u8], offset: u64, bits: u32) -> i64 {
    let value = get_unsigned(buf, offset, bits);
    if bits < 64 && value & (1 << (bits - 1)) != 0 {
        (value | (u64::MAX << bits)) as i64
    } else {
        value as i64
    }
}

/// Writes the low `bits` bits of `value` at `offset`; `buf` holds them.
fn set_bits(buf: &mut [u8], offset: u64, bits: u32, value: u64) {
    for i in 0..u64::from(bits) {
        let bit = offset + i;
        let set = value & (1 << (u64::from(bits) - 1 - i)) != 0;
        if let Some(byte) = buf.get_mut((bit >> 3) as usize) {
            let mask = 0x80 >> (bit & 7);
            if set {
                *byte |= mask;
            } else {
                *byte &= !mask;
            }
        }
    }
}

/// Redis's `checkUnsignedBitfieldOverflow`: whether `value + incr` leaves a `bits`-bit
/// unsigned field, and the value WRAP or SAT makes of it.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, mode: Overflow) -> Option<u64> {
    let max = if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    };
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = value.wrapping_neg() as i64;
    let wrap = || value.wrapping_add(incr as u64) & !(u64::MAX.checked_shl(bits).unwrap_or(0));
    if value > max || (incr > 0 && incr > max_incr) {
        Some(match mode {
            Overflow::Wrap => wrap(),
            _ => max,
        })
    } else if incr < 0 && incr < min_incr {
        Some(match mode {
            Overflow::Wrap => wrap(),
            _ => 0,
        })
    } else {
        None
    }
}

/// Redis's `checkSignedBitfieldOverflow`, as [`unsigned_overflow`] for a signed field.
fn signed_overflow(value: i64, incr: i64, bits: u32, mode: Overflow) -> Option<i64> {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let wrap = || {
        let c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let mask = u64::MAX << bits;
            if c & (1 << (bits - 1)) != 0 {
                (c | mask) as i64
            } else {
                (c & !mask) as i64
            }
        } else {
            c as i64
        }
    };
    if value > max || (bits != 64 && incr > max_incr) || (value >= 0 && incr > 0 && incr > max_incr)
    {
        Some(match mode {
            Overflow::Wrap => wrap(),
            _ => max,
        })
    } else if value < min
        || (bits != 64 && incr < min_incr)
        || (value < 0 && incr < 0 && incr < min_incr)
    {
        Some(match mode {
            Overflow::Wrap => wrap(),
            _ => min,
        })
    } else {
        None
    }
}

/// Runs `fields` in order on `buf` (already grown to [`needed_len`] when any writes); one
/// reply per operation.
pub fn run(buf: &mut [u8], fields: &[Field]) -> Vec<pb::Reply> {
    fields
        .iter()
        .map(|f| {
            let fail = f.overflow == Overflow::Fail;
            if f.signed {
                let old = get_signed(buf, f.offset, f.bits);
                let (new, answer, overflowed) = match f.op {
                    Op::Get => return reply::integer(old),
                    Op::IncrBy(by) => match signed_overflow(old, by, f.bits, f.overflow) {
                        Some(limit) => (limit, limit, true),
                        None => (old.wrapping_add(by), old.wrapping_add(by), false),
                    },
                    Op::Set(value) => match signed_overflow(value, 0, f.bits, f.overflow) {
                        Some(limit) => (limit, old, true),
                        None => (value, old, false),
                    },
                };
                if overflowed && fail {
                    return reply::null();
                }
                set_bits(buf, f.offset, f.bits, new as u64);
                reply::integer(answer)
            } else {
                let old = get_unsigned(buf, f.offset, f.bits);
                let (new, answer, overflowed) = match f.op {
                    Op::Get => return reply::integer(old as i64),
                    Op::IncrBy(by) => match unsigned_overflow(old, by, f.bits, f.overflow) {
                        Some(limit) => (limit, limit, true),
                        None => {
                            let new = old.wrapping_add(by as u64);
                            (new, new, false)
                        }
                    },
                    Op::Set(value) => {
                        match unsigned_overflow(value as u64, 0, f.bits, f.overflow) {
                            Some(limit) => (limit, old, true),
                            None => (value as u64, old, false),
                        }
                    }
                };
                if overflowed && fail {
                    return reply::null();
                }
                set_bits(buf, f.offset, f.bits, new);
                reply::integer(answer as i64)
            }
        })
        .collect()
}

/// Runs operations that only read (GET) on `buf`; one reply per operation.
pub fn get_all(buf: &[u8], fields: &[Field]) -> Vec<pb::Reply> {
    fields
        .iter()
        .map(|f| {
            if f.signed {
                reply::integer(get_signed(buf, f.offset, f.bits))
            } else {
                reply::integer(get_unsigned(buf, f.offset, f.bits) as i64)
            }
        })
        .collect()
}

/// The largest LCS table Redis allows: `proto-max-bulk-len` bytes of 32-bit cells.
const LCS_MAX_TABLE_BYTES: u64 = MAX_STRING_BYTES as u64;

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]` on the strings `a` and `b`
/// (empty for a missing key); `options` are the arguments after the keys.
///
/// # Errors
/// Redis's messages for bad options and a table beyond its limit.
pub fn lcs(a: &[u8], b: &[u8], options: &[Bytes]) -> Result<pb::Reply, CommandError> {
    let (mut get_len, mut get_idx, mut with_len) = (false, false, false);
    let mut min_len: u64 = 0;
    let mut j = 0;
    while j < options.len() {
        let opt = &options[j];
        let more = options.len() - 1 - j;
        if opt.eq_ignore_ascii_case(b"idx") {
            get_idx = true;
        } else if opt.eq_ignore_ascii_case(b"len") {
            get_len = true;
        } else if opt.eq_ignore_ascii_case(b"withmatchlen") {
            with_len = true;
        } else if opt.eq_ignore_ascii_case(b"minmatchlen") && more > 0 {
            min_len = parse_i64_strict(&options[j + 1])
                .ok_or(CommandError::NotInteger)?
                .max(0) as u64;
            j += 1;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    if get_idx && get_len {
        return Err(CommandError::Message(
            "If you want both the length and indexes, please just use IDX.",
        ));
    }
    let (alen, blen) = (a.len(), b.len());
    let cells = (alen as u64 + 1) * (blen as u64 + 1);
    if cells.saturating_mul(4) > LCS_MAX_TABLE_BYTES {
        return Err(CommandError::Message(
            "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    let width = blen + 1;
    let mut dp = vec![0u32; (alen + 1) * width];
    for i in 1..=alen {
        for j in 1..=blen {
            dp[i * width + j] = if a[i - 1] == b[j - 1] {
                dp[(i - 1) * width + j - 1] + 1
            } else {
                dp[(i - 1) * width + j].max(dp[i * width + j - 1])
            };
        }
    }
    let total = dp[alen * width + blen];
    if get_len {
        return Ok(reply::integer(i64::from(total)));
    }
    // Walk back from the end as Redis does, collecting the common string and the ranges of
    // contiguous matches (emitted from the last one to the first).
    let mut result = vec![0u8; total as usize];
    let mut idx = total as usize;
    let mut matches = Vec::new();
    let unset = alen;
    let (mut a_start, mut a_end, mut b_start, mut b_end) = (unset, 0, 0, 0);
    let (mut i, mut j) = (alen, blen);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            if a_start == unset {
                (a_start, a_end, b_start, b_end) = (i - 1, i - 1, j - 1, j - 1);
            } else if a_start == i && b_start == j {
                a_start -= 1;
                b_start -= 1;
            } else {
                emit = true;
            }
            if a_start == 0 || b_start == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if dp[(i - 1) * width + j] > dp[i * width + j - 1] {
                i -= 1;
            } else {
                j -= 1;
            }
            if a_start != unset {
                emit = true;
            }
        }
        let match_len = a_end.wrapping_sub(a_start).wrapping_add(1) as u64;
        if emit {
            if get_idx && (min_len == 0 || match_len >= min_len) {
                let mut item = vec![
                    reply::array(vec![
                        reply::integer(a_start as i64),
                        reply::integer(a_end as i64),
                    ]),
                    reply::array(vec![
                        reply::integer(b_start as i64),
                        reply::integer(b_end as i64),
                    ]),
                ];
                if with_len {
                    item.push(reply::integer(match_len as i64));
                }
                matches.push(reply::array(item));
            }
            a_start = unset;
        }
    }
    if get_idx {
        return Ok(reply::map(vec![
            reply::bulk(Bytes::from_static(b"matches")),
            reply::array(matches),
            reply::bulk(Bytes::from_static(b"len")),
            reply::integer(i64::from(total)),
        ]));
    }
    Ok(reply::bulk(Bytes::from(result)))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::kv::test_args as args;

    fn ints(replies: &[pb::Reply]) -> Vec<Option<i64>> {
        replies
            .iter()
            .map(|r| match r.kind {
                Some(pb::reply::Kind::Integer(n)) => Some(n),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn fields_read_and_write_most_significant_bit_first() {
        let fields = parse(
            &args("set u8 0 255 get u4 0 get i4 4 set i8 #1 -2 get u16 0"),
            false,
        )
        .unwrap_or_default();
        let mut buf = vec![0u8; needed_len(&fields)];
        assert_eq!(buf.len(), 2);
        assert_eq!(
            ints(&run(&mut buf, &fields)),
            [Some(0), Some(15), Some(-1), Some(0), Some(0xfffe)]
        );
        assert_eq!(buf, [0xff, 0xfe]);
    }

    #[test]
    fn overflows_wrap_saturate_or_fail_as_in_redis() {
        let cases = [
            ("incrby u2 0 5", [Some(1), Some(3), None]),
            ("incrby i4 0 9", [Some(-7), Some(7), None]),
            ("incrby i4 0 -9", [Some(7), Some(-8), None]),
            ("set u8 0 -1", [Some(0), Some(0), None]),
            ("set i8 0 200", [Some(0), Some(0), None]),
        ];
        for (op, [wrap, sat, fail]) in cases {
            for (mode, want) in [("wrap", wrap), ("sat", sat), ("fail", fail)] {
                let fields =
                    parse(&args(&format!("overflow {mode} {op}")), false).unwrap_or_default();
                let mut buf = vec![0u8; needed_len(&fields)];
                assert_eq!(ints(&run(&mut buf, &fields)), [want], "{mode} {op}");
            }
        }
        // What SET wrote, read back: -1 into u8 wraps to 255 or saturates to 255.
        for mode in ["wrap", "sat"] {
            let fields = parse(
                &args(&format!("overflow {mode} set u8 0 -1 get u8 0")),
                false,
            )
            .unwrap_or_default();
            let mut buf = vec![0u8; 1];
            assert_eq!(ints(&run(&mut buf, &fields))[1], Some(255), "{mode}");
        }
        let i64_max =
            parse(&args("set i64 0 9223372036854775807 incrby i64 0 1"), false).unwrap_or_default();
        let mut buf = vec![0u8; 8];
        assert_eq!(ints(&run(&mut buf, &i64_max)), [Some(0), Some(i64::MIN)]);
    }

    #[test]
    fn bad_types_offsets_and_read_only_writes_are_refused() {
        assert_eq!(parse(&args("get u64 0"), false), Err(BAD_TYPE));
        assert_eq!(parse(&args("get i65 0"), false), Err(BAD_TYPE));
        assert_eq!(parse(&args("get x8 0"), false), Err(BAD_TYPE));
        assert_eq!(
            parse(&args("get u8 -1"), false),
            Err(CommandError::BitOffset)
        );
        assert_eq!(
            parse(&args("get u8 #536870912"), false),
            Err(CommandError::BitOffset)
        );
        assert!(parse(&args("get u8 #536870911"), false).is_ok());
        assert_eq!(parse(&args("get u8"), false), Err(CommandError::Syntax));
        assert!(matches!(
            parse(&args("get u8 0 set u8 0 1"), true),
            Err(CommandError::Message(m)) if m.starts_with("BITFIELD_RO")
        ));
        assert!(parse(&args("get u8 0 get i64 8"), true).is_ok());
    }

    #[test]
    fn lcs_answers_as_redis_does_for_its_example() {
        let (a, b) = (b"ohmytext", b"mynewtext");
        let show = |r: &pb::Reply| format!("{:?}", r.kind);
        assert!(show(&lcs(a, b, &[]).unwrap_or_default()).contains("mytext"));
        assert_eq!(lcs(a, b, &args("len")).ok(), Some(reply::integer(6)));
        assert!(lcs(a, b, &args("len idx")).is_err());
        assert!(lcs(a, b, &args("minmatchlen")).is_err());
    }
}
