//! Length-prefixed strings packed one after another in a buffer: the layout of hash and list
//! values. Each string is `varint(len) bytes`, with a LEB128 varint.

/// One length-prefixed string from the start of `buf`, and what follows it; `None` when the
/// buffer is malformed there (a bad varint, or a length past the end).
pub fn take(buf: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut len: u64 = 0;
    for (i, &b) in buf.iter().enumerate().take(10) {
        len |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            let rest = &buf[i + 1..];
            let len = usize::try_from(len).ok().filter(|&n| n <= rest.len())?;
            return Some(rest.split_at(len));
        }
    }
    None
}

/// Appends `bytes` with its length prefix.
pub fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut len = bytes.len() as u64;
    while len >= 0x80 {
        out.push((len as u8) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
    out.extend_from_slice(bytes);
}

/// The strings of `buf`, in order; stops at the first malformed one.
pub fn strings(buf: &[u8]) -> Strings<'_> {
    Strings { buf }
}

/// Iterator over the strings of a packed buffer.
#[derive(Clone)]
pub struct Strings<'a> {
    buf: &'a [u8],
}

impl<'a> Iterator for Strings<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<Self::Item> {
        let (s, rest) = take(self.buf)?;
        self.buf = rest;
        Some(s)
    }
}

/// Steps over up to `n` strings from the start of `buf`, stopping early at its end or at a
/// malformed string; returns how many it stepped over and the byte offset after them.
///
/// This is the hot loop of pushing to and popping from long lists (counting the elements,
/// finding the tail), so strings under 128 bytes, whose prefix is one byte, take a fast path.
pub fn skip(buf: &[u8], n: usize) -> (usize, usize) {
    let mut at = 0;
    let mut count = 0;
    while count < n && at < buf.len() {
        let first = buf[at];
        if first < 0x80 {
            let end = at + 1 + usize::from(first);
            if end > buf.len() {
                break;
            }
            at = end;
        } else {
            match take(&buf[at..]) {
                Some((_, rest)) => at = buf.len() - rest.len(),
                None => break,
            }
        }
        count += 1;
    }
    (count, at)
}

/// Whether `buf` is made only of well-formed strings; returns how many.
pub fn count_valid(buf: &[u8]) -> Option<usize> {
    let mut rest = buf;
    let mut n = 0;
    while !rest.is_empty() {
        let (_, after) = take(rest)?;
        rest = after;
        n += 1;
    }
    Some(n)
}

/// Packs `items` into one buffer.
pub fn pack<'a>(items: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    for item in items {
        put(&mut out, item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_round_trip_and_damage_stops_the_walk() {
        let long = vec![7u8; 200];
        let buf = pack([&b"a"[..], b"", &long]);
        let back: Vec<&[u8]> = strings(&buf).collect();
        assert_eq!(back, vec![&b"a"[..], b"", &long[..]]);
        assert_eq!(count_valid(&buf), Some(3));
        assert_eq!(skip(&buf, usize::MAX), (3, buf.len()));
        assert_eq!(skip(&buf, 2), (2, 3));
        assert_eq!(skip(&buf, 0), (0, 0));
        assert_eq!(skip(&buf[..buf.len() - 1], usize::MAX), (2, 3));
        assert_eq!(skip(&[5, b'a'], 1), (0, 0), "a length past the end");
        assert_eq!(count_valid(&buf[..buf.len() - 1]), None);
        assert_eq!(strings(&buf[..buf.len() - 1]).count(), 2);
        assert_eq!(
            count_valid(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),
            None
        );
    }
}
