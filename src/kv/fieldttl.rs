//! Hash field expiry (Redis 7.4's `HEXPIRE` and its family): the TTLs of single fields.
//!
//! Few hashes have field TTLs, so they live beside the keyspace rather than in it: a map from
//! each such hash's key to its fields' expiry times, and an index of those hashes by their
//! soonest field expiry, from which the leader's purges pick the hashes to clean. A hash
//! without field TTLs costs nothing, and the keyspace's table and snapshot entries stay as
//! they were.
//!
//! Invariants (kept by `KvState`, which owns a [`HashFieldTtls`]):
//! - every key in the map holds a hash in the keyspace, and every field named holds a value
//!   in that hash;
//! - no key maps to an empty set of TTLs;
//! - the index holds exactly `(soonest, key)` for every key of the map.
//!
//! A field is expired at `now` once its time is not after `now`, as a key is. Expired fields
//! stay stored until a write to their hash or a purge removes them, at the writer's batch
//! time; meanwhile every read hides them.
//!
//! Per-hash TTLs sit behind an [`Arc`], so that a snapshot can take a copy of the whole map
//! by cloning pointers, and a later change copies only the hash it changes.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bytes::Bytes;

use super::packed::{put, take};

/// Redis's ceiling for a field's expiry time (`HFE_MAX_ABS_TIME_MSEC`): 2^46 - 1 ms, in the
/// year 4199.
pub const MAX_AT_MS: i64 = (1 << 46) - 1;

/// The field TTLs of one hash.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct FieldTtls {
    /// Each field's expiry in Unix ms.
    by_field: BTreeMap<Bytes, i64>,
    /// The same, soonest first.
    by_time: BTreeSet<(i64, Bytes)>,
}

impl FieldTtls {
    /// The expiry of `field`, if it has one.
    pub(super) fn get(&self, field: &[u8]) -> Option<i64> {
        self.by_field.get(field).copied()
    }

    /// Whether `field` has a TTL that has run out at `now`.
    pub(super) fn is_expired(&self, field: &[u8], now: i64) -> bool {
        self.get(field).is_some_and(|at| at <= now)
    }

    /// Gives `field` the expiry `at`.
    pub(super) fn set(&mut self, field: &[u8], at: i64) {
        let field = Bytes::copy_from_slice(field);
        if let Some(old) = self.by_field.insert(field.clone(), at) {
            self.by_time.remove(&(old, field.clone()));
        }
        self.by_time.insert((at, field));
    }

    /// Removes the TTL of `field`; returns it.
    pub(super) fn remove(&mut self, field: &[u8]) -> Option<i64> {
        let (field, at) = self.by_field.remove_entry(field)?;
        self.by_time.remove(&(at, field));
        Some(at)
    }

    /// The soonest expiry.
    pub(super) fn soonest(&self) -> Option<i64> {
        self.by_time.first().map(|(at, _)| *at)
    }

    /// The latest expiry.
    pub(super) fn latest(&self) -> Option<i64> {
        self.by_time.last().map(|(at, _)| *at)
    }

    /// The fields expired at `now`, soonest first.
    pub(super) fn expired(&self, now: i64) -> impl Iterator<Item = &Bytes> {
        self.by_time
            .iter()
            .take_while(move |(at, _)| *at <= now)
            .map(|(_, field)| field)
    }

    /// How many fields are expired at `now`.
    pub(super) fn expired_count(&self, now: i64) -> usize {
        self.expired(now).count()
    }

    /// Number of fields with a TTL.
    pub(super) fn len(&self) -> usize {
        self.by_field.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.by_field.is_empty()
    }

    /// Every field with its expiry, in field order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&Bytes, i64)> {
        self.by_field.iter().map(|(f, at)| (f, *at))
    }

    /// Keeps only the TTLs of fields for which `keep` holds.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
        let gone: Vec<Bytes> = self.by_field.keys().filter(|f| !keep(f)).cloned().collect();
        for field in gone {
            self.remove(&field);
        }
    }

    /// The TTLs packed for a snapshot: for each field in order, `varint(len) field
    /// varint(at)`.
    pub(super) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        for (field, at) in self.iter() {
            put(&mut out, field);
            put_varint(&mut out, at as u64);
        }
        out
    }

    /// The length of [`FieldTtls::encode`]'s result.
    pub(super) fn encoded_len(&self) -> usize {
        self.iter()
            .map(|(f, at)| varint_len(f.len() as u64) + f.len() + varint_len(at as u64))
            .sum()
    }

    /// Reads [`FieldTtls::encode`]'s layout; `None` when it is malformed, names a field twice,
    /// or holds a time outside `1..=MAX_AT_MS`.
    pub(super) fn decode(mut buf: &[u8]) -> Option<FieldTtls> {
        let mut ttls = FieldTtls::default();
        while !buf.is_empty() {
            let (field, rest) = take(buf)?;
            let (at, rest) = take_varint(rest)?;
            let at = i64::try_from(at)
                .ok()
                .filter(|at| (1..=MAX_AT_MS).contains(at))?;
            if ttls.get(field).is_some() {
                return None;
            }
            ttls.set(field, at);
            buf = rest;
        }
        Some(ttls)
    }
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn varint_len(n: u64) -> usize {
    (64 - (n | 1).leading_zeros() as usize).div_ceil(7)
}

fn take_varint(buf: &[u8]) -> Option<(u64, &[u8])> {
    let mut n: u64 = 0;
    for (i, &b) in buf.iter().enumerate().take(10) {
        n |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some((n, &buf[i + 1..]));
        }
    }
    None
}

/// The field TTLs of every hash that has some, and the index of those hashes by their
/// soonest field expiry.
#[derive(Clone, Debug, Default)]
pub(super) struct HashFieldTtls {
    by_key: BTreeMap<Bytes, Arc<FieldTtls>>,
    /// `(soonest field expiry, key)` for every key of `by_key`.
    index: BTreeSet<(i64, Bytes)>,
}

impl HashFieldTtls {
    /// Whether no hash has a field TTL.
    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// The field TTLs of the hash at `key`.
    pub(super) fn get(&self, key: &[u8]) -> Option<&FieldTtls> {
        if self.by_key.is_empty() {
            return None;
        }
        self.by_key.get(key).map(Arc::as_ref)
    }

    /// Changes the field TTLs of the hash at `key` (created empty if it has none) with
    /// `change`, keeping the index; a hash left without TTLs is dropped. Returns `change`'s
    /// result.
    pub(super) fn update<R>(&mut self, key: &[u8], change: impl FnOnce(&mut FieldTtls) -> R) -> R {
        let (key, mut ttls) = match self.by_key.remove_entry(key) {
            Some((key, ttls)) => (key, ttls),
            None => (Bytes::copy_from_slice(key), Arc::default()),
        };
        let before = ttls.soonest();
        let result = change(Arc::make_mut(&mut ttls));
        let after = ttls.soonest();
        if before != after {
            if let Some(at) = before {
                self.index.remove(&(at, key.clone()));
            }
            if let Some(at) = after {
                self.index.insert((at, key.clone()));
            }
        }
        if !ttls.is_empty() {
            self.by_key.insert(key, ttls);
        }
        result
    }

    /// Drops every field TTL of the hash at `key` (it was removed or replaced); returns them.
    pub(super) fn remove(&mut self, key: &[u8]) -> Option<Arc<FieldTtls>> {
        if self.by_key.is_empty() {
            return None;
        }
        let (key, ttls) = self.by_key.remove_entry(key)?;
        if let Some(at) = ttls.soonest() {
            self.index.remove(&(at, key));
        }
        Some(ttls)
    }

    /// Gives the hash at `key` the field TTLs `ttls`, replacing any it had.
    pub(super) fn insert(&mut self, key: &[u8], ttls: Arc<FieldTtls>) {
        self.remove(key);
        if let Some(at) = ttls.soonest() {
            let key = Bytes::copy_from_slice(key);
            self.index.insert((at, key.clone()));
            self.by_key.insert(key, ttls);
        }
    }

    /// Drops every hash's field TTLs (a flush).
    pub(super) fn clear(&mut self) {
        self.by_key.clear();
        self.index.clear();
    }

    /// Keys of hashes with a field expired at `now`, soonest first.
    pub(super) fn due(&self, now: i64) -> impl Iterator<Item = &Bytes> {
        self.index
            .iter()
            .take_while(move |(at, _)| *at <= now)
            .map(|(_, key)| key)
    }

    /// Every hash with field TTLs, in key order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&Bytes, &FieldTtls)> {
        self.by_key.iter().map(|(k, t)| (k, t.as_ref()))
    }

    /// Number of hashes with field TTLs.
    pub(super) fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Number of fields with a TTL, over every hash.
    pub(super) fn fields(&self) -> usize {
        self.by_key.values().map(|t| t.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_kept_by_name_and_by_time() {
        let mut t = FieldTtls::default();
        t.set(b"a", 300);
        t.set(b"b", 100);
        t.set(b"c", 200);
        t.set(b"a", 50);
        assert_eq!(t.soonest(), Some(50));
        assert_eq!(t.get(b"a"), Some(50));
        let due: Vec<&[u8]> = t.expired(150).map(Bytes::as_ref).collect();
        assert_eq!(due, [&b"a"[..], b"b"]);
        assert!(t.is_expired(b"b", 100));
        assert!(!t.is_expired(b"c", 199));
        assert_eq!(t.remove(b"a"), Some(50));
        assert_eq!(t.soonest(), Some(100));
        t.retain(|f| f != b"b");
        assert_eq!(t.len(), 1);
        assert_eq!(t.expired_count(1000), 1);
    }

    #[test]
    fn encoding_round_trips_and_refuses_bad_input() {
        let mut t = FieldTtls::default();
        t.set(b"", 1);
        t.set(b"field", MAX_AT_MS);
        t.set(&[0xff; 200], 1_700_000_000_000);
        let bytes = t.encode();
        assert_eq!(bytes.len(), t.encoded_len());
        assert_eq!(FieldTtls::decode(&bytes), Some(t.clone()));
        // A field twice, a time of 0 or past the ceiling, a cut buffer.
        let mut twice = bytes.clone();
        twice.extend_from_slice(&bytes);
        assert_eq!(FieldTtls::decode(&twice), None);
        let mut zero = Vec::new();
        put(&mut zero, b"f");
        put_varint(&mut zero, 0);
        assert_eq!(FieldTtls::decode(&zero), None);
        let mut far = Vec::new();
        put(&mut far, b"f");
        put_varint(&mut far, MAX_AT_MS as u64 + 1);
        assert_eq!(FieldTtls::decode(&far), None);
        assert_eq!(FieldTtls::decode(&bytes[..bytes.len() - 1]), None);
    }

    #[test]
    fn the_index_follows_each_hash_soonest_expiry() {
        let mut all = HashFieldTtls::default();
        all.update(b"h1", |t| t.set(b"f", 500));
        all.update(b"h2", |t| t.set(b"f", 100));
        all.update(b"h1", |t| t.set(b"g", 50));
        let due: Vec<&[u8]> = all.due(100).map(Bytes::as_ref).collect();
        assert_eq!(due, [&b"h1"[..], b"h2"]);
        // A snapshot's copy does not see later changes.
        let copy = all.clone();
        all.update(b"h1", |t| t.remove(b"g"));
        assert_eq!(copy.get(b"h1").map(FieldTtls::len), Some(2));
        assert_eq!(all.due(100).count(), 1);
        // Emptied hashes leave the map and the index.
        all.update(b"h2", |t| t.remove(b"f"));
        assert_eq!(all.len(), 1);
        assert_eq!(all.due(i64::MAX).count(), 1);
        let moved = all.remove(b"h1").unwrap_or_default();
        all.insert(b"h3", moved);
        assert_eq!(all.get(b"h3").map(FieldTtls::len), Some(1));
        assert!(all.get(b"h1").is_none());
        assert_eq!(all.fields(), 1);
        all.clear();
        assert!(all.is_empty() && all.due(i64::MAX).next().is_none());
    }
}
