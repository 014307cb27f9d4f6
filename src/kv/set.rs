//! Set values: the members of one Redis set, packed in one buffer (see `packed`) after one
//! byte that says which encoding Redis would be using.
//!
//! Like Redis, a set starts as an intset while its members are all integers (at most
//! [`INTSET_MAX_ENTRIES`] of them), kept in ascending numeric order, so SMEMBERS answers what
//! Redis answers for such a set; the first other member turns it into a "hashtable" for good,
//! whose members stay in insertion order (Redis's order is unspecified there). As with hashes
//! and lists, every write rebuilds the buffer, O(size of the set), which is why a set past 512
//! members is held in an index instead (see `kv::big`); this buffer remains its form in
//! snapshots.

use std::collections::BTreeSet;

use super::command::parse_i64_strict;
use super::packed;

/// Redis keeps an all-integer set as an intset up to this many members
/// (`set-max-intset-entries`); OBJECT ENCODING reports what Redis would use.
pub const INTSET_MAX_ENTRIES: usize = 512;

/// First byte of the buffer of a set in the intset encoding.
const INTSET: u8 = 0;

/// First byte of the buffer of a set in the hashtable encoding.
pub(super) const HASHTABLE: u8 = 1;

/// The members of a set buffer, in their stored order.
pub fn members(buf: &[u8]) -> Vec<&[u8]> {
    packed::strings(buf.get(1..).unwrap_or_default()).collect()
}

/// Whether `buf` is a well-formed, non-empty set buffer with no member twice.
pub fn is_valid(buf: &[u8]) -> bool {
    let Some((&mode, parts)) = buf.split_first() else {
        return false;
    };
    if !matches!(mode, INTSET | HASHTABLE) || packed::count_valid(parts).is_none_or(|n| n == 0) {
        return false;
    }
    let mut seen = BTreeSet::new();
    packed::strings(parts).all(|m| seen.insert(m))
}

/// Whether the set is in the intset encoding (OBJECT ENCODING).
pub fn is_intset(buf: &[u8]) -> bool {
    buf.first() == Some(&INTSET)
}

/// Whether Redis would keep these members as an intset.
fn fits_intset(members: &[&[u8]]) -> bool {
    members.len() <= INTSET_MAX_ENTRIES && members.iter().all(|m| parse_i64_strict(m).is_some())
}

/// `members` (distinct) in the order a set keeps them: ascending numbers when all are
/// integers, else as given.
pub fn ordered(members: Vec<&[u8]>) -> Vec<&[u8]> {
    let numbers: Option<Vec<i64>> = members.iter().map(|m| parse_i64_strict(m)).collect();
    match numbers {
        Some(numbers) => {
            let mut pairs: Vec<(i64, &[u8])> = numbers.into_iter().zip(members).collect();
            pairs.sort_unstable_by_key(|&(n, _)| n);
            pairs.into_iter().map(|(_, m)| m).collect()
        }
        None => members,
    }
}

/// Packs distinct members as a new set: an intset when they fit one (empty: the key is to be
/// deleted).
pub fn pack(members: Vec<&[u8]>) -> Vec<u8> {
    pack_after(&[], members)
}

/// Packs distinct members as the set whose buffer was `old`: a set that became a hashtable
/// stays one, keeping `members` in the order given.
pub fn pack_after(old: &[u8], members: Vec<&[u8]>) -> Vec<u8> {
    if members.is_empty() {
        return Vec::new();
    }
    let intset = old.first() != Some(&HASHTABLE) && fits_intset(&members);
    let mut buf = vec![if intset { INTSET } else { HASHTABLE }];
    let members = if intset { ordered(members) } else { members };
    for m in members {
        packed::put(&mut buf, m);
    }
    buf
}

/// `old` with `new` added; returns the members and how many were new.
pub fn added<'a>(old: &[&'a [u8]], new: &[&'a [u8]]) -> (Vec<&'a [u8]>, usize) {
    let mut seen: BTreeSet<&[u8]> = old.iter().copied().collect();
    let mut out = old.to_vec();
    for m in new {
        if seen.insert(m) {
            out.push(m);
        }
    }
    let count = out.len() - old.len();
    (out, count)
}

/// `old` without `gone`; returns the members left and how many went.
pub fn removed<'a>(old: &[&'a [u8]], gone: &[&[u8]]) -> (Vec<&'a [u8]>, usize) {
    let gone: BTreeSet<&[u8]> = gone.iter().copied().collect();
    let out: Vec<&[u8]> = old.iter().copied().filter(|m| !gone.contains(m)).collect();
    let count = old.len() - out.len();
    (out, count)
}

/// What SINTER, SUNION and SDIFF compute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetOp {
    /// Members of every set.
    Inter,
    /// Members of any set.
    Union,
    /// Members of the first set that are in no other.
    Diff,
}

/// `op` over `sets` (a missing key is an empty set), in the first set's order.
pub fn combine<'a>(op: SetOp, sets: &[Vec<&'a [u8]>]) -> Vec<&'a [u8]> {
    let Some((first, rest)) = sets.split_first() else {
        return Vec::new();
    };
    match op {
        SetOp::Union => {
            let mut seen = BTreeSet::new();
            sets.iter()
                .flatten()
                .copied()
                .filter(|m| seen.insert(*m))
                .collect()
        }
        SetOp::Inter => {
            let others: Vec<BTreeSet<&[u8]>> =
                rest.iter().map(|s| s.iter().copied().collect()).collect();
            first
                .iter()
                .copied()
                .filter(|m| others.iter().all(|o| o.contains(m)))
                .collect()
        }
        SetOp::Diff => {
            let others: BTreeSet<&[u8]> = rest.iter().flatten().copied().collect();
            first
                .iter()
                .copied()
                .filter(|m| !others.contains(m))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<'a>(items: &[&'a str]) -> Vec<&'a [u8]> {
        items.iter().map(|s| s.as_bytes()).collect()
    }

    #[test]
    fn integer_sets_are_ascending_and_others_keep_insertion_order() {
        assert_eq!(
            ordered(set(&["5", "-3", "10", "0"])),
            set(&["-3", "0", "5", "10"])
        );
        assert_eq!(ordered(set(&["b", "1", "a"])), set(&["b", "1", "a"]));
        // "007" is not an integer as Redis reads one.
        assert_eq!(ordered(set(&["9", "007"])), set(&["9", "007"]));
        let buf = pack(set(&["3", "1", "2"]));
        assert!(is_intset(&buf));
        assert_eq!(members(&buf), set(&["1", "2", "3"]));
        assert!(is_valid(&buf));
        assert!(!is_valid(&pack(Vec::new())));
        let mut twice = vec![HASHTABLE];
        twice.extend(packed::pack([&b"a"[..], b"a"]));
        assert!(!is_valid(&twice));
        // A set that became a hashtable stays one, in insertion order.
        let mixed = pack_after(&buf, set(&["1", "2", "3", "x"]));
        assert!(!is_intset(&mixed));
        let back = pack_after(&mixed, set(&["3", "1"]));
        assert!(!is_intset(&back));
        assert_eq!(members(&back), set(&["3", "1"]));
        assert!(!is_intset(&pack(set(&["1", "007"]))));
    }

    #[test]
    fn adding_removing_and_combining() {
        let (s, n) = added(&set(&["a"]), &set(&["b", "a", "b", "c"]));
        assert_eq!((s.clone(), n), (set(&["a", "b", "c"]), 2));
        assert_eq!(removed(&s, &set(&["a", "x", "a"])), (set(&["b", "c"]), 1));
        let sets = [set(&["a", "b", "c"]), set(&["c", "b", "d"]), set(&["b"])];
        assert_eq!(combine(SetOp::Inter, &sets), set(&["b"]));
        assert_eq!(combine(SetOp::Union, &sets), set(&["a", "b", "c", "d"]));
        assert_eq!(combine(SetOp::Diff, &sets), set(&["a"]));
        assert_eq!(
            combine(SetOp::Inter, &[set(&["a"]), Vec::new()]),
            Vec::<&[u8]>::new()
        );
        assert_eq!(
            combine(SetOp::Diff, &[Vec::new(), set(&["a"])]),
            Vec::<&[u8]>::new()
        );
    }
}
