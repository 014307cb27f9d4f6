//! Big collections: sets and hashes past the size where a packed buffer stops being cheap,
//! kept in an index so that a command touching one member costs O(1), not O(size).
//!
//! Small collections stay packed in one buffer (see `kv::hash` and `kv::set`): compact, and
//! in the order Redis's compact encodings answer in. Rebuilding that buffer on every change
//! costs time in proportion to its size, which at 100k members made one SADD take milliseconds.
//! So past [`SET_MIN`] members (or [`HASH_MIN`] fields) a collection is held as a [`Table`] of
//! its members, the keyspace's own structure: O(1) lookups, and one deterministic order, the
//! members' keyed hash order (Redis's order for its hashtable encodings is unspecified too).
//!
//! Whether a value is big is a function of its size alone, checked after every change: a
//! collection grows into the index at the threshold and shrinks back into a buffer below it.
//! That keeps replicas alike whatever their history: a snapshot holds every value as its
//! packed buffer (a big one in hash order), and restoring it picks the same form again.
//!
//! Commands not written for the index still work: [`Big::packed`] builds the packed buffer of
//! the value on first use and keeps it until the next change, so such a command costs O(size)
//! as it always did. Snapshots and the digest use [`Big::encode`], which keeps nothing.

use std::sync::OnceLock;

use super::packed;
use super::set;
use super::table::{HashKey, Table, ValueType};

/// A set is big from this many members on. Redis keeps up to 512 integers as an intset, whose
/// members it answers in ascending order; those stay packed so that they still do.
pub(super) const SET_MIN: usize = set::INTSET_MAX_ENTRIES + 1;

/// A hash is big from this many fields on: one more than Redis keeps as a listpack.
pub(super) const HASH_MIN: usize = super::hash::LISTPACK_MAX_ENTRIES + 1;

/// A big collection, with its packed buffer once something asked for it.
#[derive(Clone, Debug)]
pub(super) struct Big {
    kind: Kind,
    /// The value's packed buffer, built by [`Big::packed`]; cleared by every change.
    packed: OnceLock<Box<[u8]>>,
}

#[derive(Clone, Debug)]
enum Kind {
    /// A set: its members are the table's keys, with empty values.
    Set(Table),
    /// A hash: fields are the table's keys, with their values.
    Hash(Table),
}

impl Big {
    /// The big form of `value`, a packed buffer of type `value_type`, if one of its size is
    /// kept big; its members' order comes from `hash_key` (the keyspace's).
    pub(super) fn from_packed(
        value_type: ValueType,
        value: &[u8],
        hash_key: Option<HashKey>,
    ) -> Option<Big> {
        let members = || {
            let mut table = Table::new();
            if let Some(key) = hash_key {
                table.set_hash_key(key);
            }
            table
        };
        let kind = match value_type {
            ValueType::Set => {
                let parts = value.get(1..).unwrap_or_default();
                if packed::skip(parts, SET_MIN).0 < SET_MIN {
                    return None;
                }
                let mut table = members();
                for m in packed::strings(parts) {
                    table.insert_typed(m, b"", ValueType::String, None, 0);
                }
                Kind::Set(table)
            }
            ValueType::Hash => {
                if packed::skip(value, 2 * HASH_MIN).0 < 2 * HASH_MIN {
                    return None;
                }
                let mut table = members();
                for (f, v) in super::hash::entries(value) {
                    table.insert_typed(f, v, ValueType::String, None, 0);
                }
                Kind::Hash(table)
            }
            _ => return None,
        };
        Some(Big {
            kind,
            packed: OnceLock::new(),
        })
    }

    /// The value's type.
    pub(super) fn value_type(&self) -> ValueType {
        match self.kind {
            Kind::Set(_) => ValueType::Set,
            Kind::Hash(_) => ValueType::Hash,
        }
    }

    /// Number of members (or fields).
    pub(super) fn len(&self) -> usize {
        match &self.kind {
            Kind::Set(t) | Kind::Hash(t) => t.len(),
        }
    }

    /// Whether the value is now small enough to be kept packed again.
    pub(super) fn is_small(&self) -> bool {
        self.len()
            < match self.kind {
                Kind::Set(_) => SET_MIN,
                Kind::Hash(_) => HASH_MIN,
            }
    }

    /// The set's members, if this is a set.
    pub(super) fn set(&self) -> Option<&Table> {
        match &self.kind {
            Kind::Set(t) => Some(t),
            Kind::Hash(_) => None,
        }
    }

    /// The hash's fields and values, if this is a hash.
    pub(super) fn hash(&self) -> Option<&Table> {
        match &self.kind {
            Kind::Hash(t) => Some(t),
            Kind::Set(_) => None,
        }
    }

    /// The set's members to change, if this is a set.
    pub(super) fn set_mut(&mut self) -> Option<&mut Table> {
        self.packed.take();
        match &mut self.kind {
            Kind::Set(t) => Some(t),
            Kind::Hash(_) => None,
        }
    }

    /// The hash's fields to change, if this is a hash.
    pub(super) fn hash_mut(&mut self) -> Option<&mut Table> {
        self.packed.take();
        match &mut self.kind {
            Kind::Hash(t) => Some(t),
            Kind::Set(_) => None,
        }
    }

    /// The value's packed buffer (see `kv::set` and `kv::hash`), built on first use and kept
    /// until the next change.
    pub(super) fn packed(&self) -> &[u8] {
        self.packed.get_or_init(|| self.encode().into_boxed_slice())
    }

    /// The value's packed buffer, without keeping it: a set in the hashtable encoding (see
    /// `kv::set`) or a hash buffer, members in the table's order.
    pub(super) fn encode(&self) -> Vec<u8> {
        if let Some(done) = self.packed.get() {
            return done.to_vec();
        }
        let mut out = Vec::new();
        match &self.kind {
            Kind::Set(t) => {
                out.push(set::HASHTABLE);
                for m in t.iter() {
                    packed::put(&mut out, m.key());
                }
            }
            Kind::Hash(t) => {
                for e in t.iter() {
                    packed::put(&mut out, e.key());
                    packed::put(&mut out, e.value());
                }
            }
        }
        out
    }

    /// Length of [`Big::encode`]'s buffer, computed without building it.
    pub(super) fn encoded_len(&self) -> usize {
        if let Some(done) = self.packed.get() {
            return done.len();
        }
        let put_len = |n: usize| varint_len(n) + n;
        match &self.kind {
            Kind::Set(t) => {
                1 + t
                    .iter_unordered()
                    .map(|m| put_len(m.key().len()))
                    .sum::<usize>()
            }
            Kind::Hash(t) => t
                .iter_unordered()
                .map(|e| put_len(e.key().len()) + put_len(e.value().len()))
                .sum(),
        }
    }

    /// Bytes of heap the value takes, for `MEMORY USAGE`: each member's table slot and the heap
    /// block holding its bytes, and the packed buffer while it is kept.
    pub(super) fn heap_bytes(&self) -> usize {
        let table = match &self.kind {
            Kind::Set(t) | Kind::Hash(t) => t,
        };
        let slot = std::mem::size_of::<super::table::Slot>() + std::mem::size_of::<u32>();
        let members: usize = table
            .iter_unordered()
            .map(|e| slot + (e.key().len() + e.value().len() + 8).div_ceil(16).max(2) * 16)
            .sum();
        members + self.packed.get().map_or(0, |p| p.len())
    }
}

/// A member picked from `table` by `seed`: the first at or after a random point in the
/// table's hash order, wrapping around. Members whose hash follows a wider gap are picked more
/// often, a bias Redis's own random pick from a hash table has too; in exchange a pick costs
/// O(1), and is the same on every replica.
pub(super) fn pick(table: &Table, seed: u64) -> Option<&[u8]> {
    let mut rng = seed;
    let point = super::state::splitmix64(&mut rng);
    table
        .iter_from(point)
        .next()
        .or_else(|| table.iter().next())
        .map(|e| e.key())
}

/// Bytes of the LEB128 varint of `n` (see `packed::put`).
fn varint_len(n: usize) -> usize {
    (usize::BITS - (n | 1).leading_zeros()).div_ceil(7) as usize
}
