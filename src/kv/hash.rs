//! Hash values: the fields and values of one Redis hash, kept in one buffer.
//!
//! Layout: for each field, in insertion order, `varint(len(field)) field varint(len(value))
//! value`, with LEB128 varints. This is the shape of Redis's listpack encoding of a small hash:
//! one allocation per hash, fields in the order they were first set (HGETALL's order in Redis
//! for small hashes), and every change rewriting the buffer, so a write costs time in
//! proportion to the hash's size. That is why a hash past 128 fields is held in an index
//! instead (see `kv::big`); this buffer remains its form in snapshots, and what commands
//! without a path of their own for big hashes read.
//!
//! A buffer from a snapshot is checked with [`is_valid`] before it is stored; the readers below
//! stop at the first malformed record instead of panicking on one anyway.

use std::collections::BTreeMap;

use super::packed::{put, take};

/// Redis converts a hash from listpack to a hash table beyond this many fields
/// (`hash-max-listpack-entries`); OBJECT ENCODING reports what Redis would use.
pub const LISTPACK_MAX_ENTRIES: usize = 128;

/// ... or once a field or value is longer than this (`hash-max-listpack-value`).
pub const LISTPACK_MAX_VALUE: usize = 64;

/// The fields and values of a hash buffer, in order.
pub fn entries(buf: &[u8]) -> Entries<'_> {
    Entries { buf }
}

/// Iterator over a hash buffer's `(field, value)` pairs.
pub struct Entries<'a> {
    buf: &'a [u8],
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (field, rest) = take(self.buf)?;
        let (value, rest) = take(rest)?;
        self.buf = rest;
        Some((field, value))
    }
}

/// Whether `buf` is a well-formed, non-empty hash buffer with no field twice.
pub fn is_valid(buf: &[u8]) -> bool {
    let mut rest = buf;
    let mut fields = std::collections::BTreeSet::new();
    while !rest.is_empty() {
        let Some((field, after)) = take(rest) else {
            return false;
        };
        let Some((_, after)) = take(after) else {
            return false;
        };
        if !fields.insert(field) {
            return false;
        }
        rest = after;
    }
    !fields.is_empty()
}

/// The value of `field`.
pub fn get<'a>(buf: &'a [u8], field: &[u8]) -> Option<&'a [u8]> {
    entries(buf).find(|(f, _)| *f == field).map(|(_, v)| v)
}

/// Number of fields.
pub fn len(buf: &[u8]) -> usize {
    entries(buf).count()
}

/// Whether Redis would keep this hash as a listpack (OBJECT ENCODING).
pub fn is_listpack(buf: &[u8]) -> bool {
    let mut n = 0;
    for (f, v) in entries(buf) {
        n += 1;
        if n > LISTPACK_MAX_ENTRIES || f.len() > LISTPACK_MAX_VALUE || v.len() > LISTPACK_MAX_VALUE
        {
            return false;
        }
    }
    true
}

/// The buffer of `old` (empty for a new hash) with `sets` applied in order: a field already
/// there keeps its place and takes the new value, a new one goes at the end. Returns the new
/// buffer and how many fields were new.
pub fn with_set(old: &[u8], sets: &[(&[u8], &[u8])]) -> (Vec<u8>, usize) {
    let mut pairs: Vec<(&[u8], &[u8])> = entries(old).collect();
    let mut index: BTreeMap<&[u8], usize> = pairs
        .iter()
        .enumerate()
        .map(|(i, (f, _))| (*f, i))
        .collect();
    let mut added = 0;
    for &(field, value) in sets {
        match index.get(field) {
            Some(&i) => pairs[i].1 = value,
            None => {
                index.insert(field, pairs.len());
                pairs.push((field, value));
                added += 1;
            }
        }
    }
    (encode(&pairs), added)
}

/// The buffer of `old` without `fields`; returns it (empty when no field is left) and how
/// many fields were removed.
pub fn without(old: &[u8], fields: &[&[u8]]) -> (Vec<u8>, usize) {
    let remove: std::collections::BTreeSet<&[u8]> = fields.iter().copied().collect();
    let kept: Vec<(&[u8], &[u8])> = entries(old).filter(|(f, _)| !remove.contains(f)).collect();
    let removed = len(old) - kept.len();
    (encode(&kept), removed)
}

/// Encodes `pairs` (no field twice) as a hash buffer.
pub fn encode(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    let size: usize = pairs.iter().map(|(f, v)| f.len() + v.len() + 4).sum();
    let mut out = Vec::with_capacity(size);
    for (f, v) in pairs {
        put(&mut out, f);
        put(&mut out, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_keeps_insertion_order_and_counts_new_fields() {
        let (buf, added) = with_set(b"", &[(b"b", b"1"), (b"a", b"2"), (b"b", b"3")]);
        assert_eq!(added, 2);
        let pairs: Vec<_> = entries(&buf).collect();
        assert_eq!(pairs, vec![(&b"b"[..], &b"3"[..]), (&b"a"[..], &b"2"[..])]);
        let (buf, added) = with_set(&buf, &[(b"a", b""), (b"c", b"x")]);
        assert_eq!(added, 1);
        assert_eq!(get(&buf, b"a"), Some(&b""[..]));
        assert_eq!(get(&buf, b"z"), None);
        assert_eq!(len(&buf), 3);
        assert!(is_valid(&buf));
        let (rest, removed) = without(&buf, &[b"b", b"b", b"nope"]);
        assert_eq!(removed, 1);
        assert_eq!(
            entries(&rest).map(|(f, _)| f).collect::<Vec<_>>(),
            vec![&b"a"[..], &b"c"[..]]
        );
        let (empty, removed) = without(&rest, &[b"a", b"c"]);
        assert_eq!((empty.len(), removed), (0, 2));
    }

    #[test]
    fn long_fields_use_multi_byte_lengths() {
        let long = vec![b'x'; 300];
        let (buf, _) = with_set(b"", &[(&long, b"v")]);
        assert_eq!(get(&buf, &long), Some(&b"v"[..]));
        assert!(is_valid(&buf));
        assert!(!is_listpack(&buf));
    }

    #[test]
    fn malformed_buffers_are_rejected_not_trusted() {
        for bad in [
            &b""[..],              // an empty hash is never stored
            b"\x05ab",             // length past the end
            b"\x01a",              // a field without a value
            b"\x01a\x00\x01a\x00", // a field twice
            b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
        ] {
            assert!(!is_valid(bad), "{bad:?}");
            // Readers stop at the damage instead of panicking.
            let _ = entries(bad).count();
        }
    }
}
