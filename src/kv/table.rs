//! `Table`: the keyspace's hash table, kept in the order of a stable hash.
//!
//! The state machine needs two things from its keyspace: O(1) lookups, and one deterministic
//! order for `SCAN`, `KEYS`, snapshots and the digest in which a numeric cursor can resume after
//! any number of inserts, deletes and resizes. A `std` `HashMap` gives the first; keeping a
//! second, sorted copy of every key for the second doubled the per-key memory. This table gives
//! both with one entry per key:
//!
//! - Every key has a stable 64-bit hash ([`stable_hash`], odd so that no key hashes to 0): the
//!   same on every replica, and for a keyed table (see [`HashKey`]) unknown to clients.
//! - There are `2^bits` buckets and a key lives in bucket `hash >> (64 - bits)`: the *top* bits.
//!   Each bucket's chain is sorted by `(hash, key)`. So walking the buckets in index order walks
//!   all keys in `(hash, key)` order, whatever `bits` is: doubling splits every bucket into two
//!   neighbours and halving concatenates neighbours, and neither changes the order.
//! - A SCAN cursor is therefore simply the hash of the next key to visit. A key present for the
//!   whole scan is visited exactly once unless its hash equals a hash the scan stopped at, which
//!   the caller avoids by never stopping inside a run of equal hashes. A scan ends because the
//!   cursor only grows.
//!
//! Entries are compact: one heap allocation holding key and value, and a 48-byte slot in one
//! `Vec` (chains link slots by `u32` index; freed slots are reused). At 1M keys of 16 bytes with
//! 100-byte values the state machine's heap is about 170 bytes per key (`examples/kv_scale.rs`).
//!
//! Caveats:
//! - Resizing is done at once, inside the apply that crosses the threshold: growing relinks every
//!   slot (measured in a release build: about 30 ms when growing to 2^20 buckets at 524,288 keys,
//!   60 ms to 2^21 at 1,048,576 keys); halving only joins neighbouring chains.
//! - The slot vector keeps its high-water size after mass deletions (freed slots are reused);
//!   it is released only when the table becomes empty.
//! - A table without a [`HashKey`] uses an unkeyed hash, so a client that crafts many keys
//!   sharing their top hash bits can make one chain long. Every cluster keys its table with
//!   the first entry it commits (see `KvState`); only states restored from data written before
//!   keying existed stay unkeyed.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::hash::Hasher;
use std::ops::{Bound, Range};

use siphasher::sip::SipHasher13;

use super::big::Big;

/// The secret key of a table's hash: SipHash-1-3 keyed with it is a pseudo-random function,
/// so clients who see hashes (SCAN cursors are hashes) cannot craft keys that collide.
/// Every replica gets the same key from the log, so their tables agree on the order.
pub type HashKey = [u64; 2];

/// Marks the end of a chain and the end of the free list.
const NIL: u32 = u32::MAX;

/// The fewest buckets a non-empty table has, as a power of two.
const MIN_BITS: u32 = 3;

/// Stored instead of an expiry time for a key without a TTL; no stored key can expire at
/// `i64::MIN` because a key whose expiry is not after the clock is deleted, not stored.
const NO_EXPIRY: i64 = i64::MIN;

/// The top two bits of [`Slot::key_len`] hold the value's type; keys are far shorter than
/// 2^30 bytes.
const TYPE_SHIFT: u32 = 30;

/// The bits of [`Slot::key_len`] that hold the key's length.
const KEY_LEN_MASK: u32 = (1 << TYPE_SHIFT) - 1;

/// What a stored value is. Hashes, lists and sets keep their parts in one buffer (see
/// `kv::hash`, `kv::list` and `kv::set`), or past a size in an index (`kv::big`); the table
/// only needs to tell the types apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// A string (also what the bit commands work on).
    String,
    /// A hash of fields to values.
    Hash,
    /// A list of elements.
    List,
    /// A set of members.
    Set,
    /// A sorted set: members with scores.
    SortedSet,
    /// A stream (always held in its index form, see `kv::stream`).
    Stream,
}

impl ValueType {
    fn bits(self) -> u32 {
        match self {
            ValueType::String => 0,
            ValueType::Hash => 1 << TYPE_SHIFT,
            ValueType::List => 2 << TYPE_SHIFT,
            // Sets and sorted sets share the last two-bit code; the first byte of the value
            // tells them apart (see `kv::zset::ZSET_TAG`), keeping 30 bits for the key length.
            // Streams share it too, told apart the same way (`kv::stream::STREAM_TAG`).
            ValueType::Set | ValueType::SortedSet | ValueType::Stream => 3 << TYPE_SHIFT,
        }
    }
}

/// One stored key: its hash, key and value bytes, type, expiry and WATCH version.
#[derive(Clone, Debug)]
pub(super) struct Slot {
    /// The key's [`stable_hash`]; 0 while the slot is on the free list.
    hash: u64,
    /// The key's bytes followed by the value's bytes (only the key's for a big value).
    data: Box<[u8]>,
    /// The value when it is a big collection (see `kv::big`).
    big: Option<Box<Big>>,
    /// Length of the key at the start of `data`, with the value's type in the top two bits.
    key_len: u32,
    /// The next slot of the same chain (or of the free list); [`NIL`] at the end.
    next: u32,
    /// Absolute expiry in Unix ms, or [`NO_EXPIRY`].
    expire_at_ms: i64,
    /// The state's version counter at this key's last modification.
    version: u64,
}

impl Slot {
    /// The key's stable hash.
    #[cfg(test)]
    pub(super) fn hash(&self) -> u64 {
        self.hash
    }

    /// The key.
    pub(super) fn key(&self) -> &[u8] {
        &self.data[..self.key_end()]
    }

    /// The value, packed (for a big value, built on first use: see [`Big::packed`]).
    pub(super) fn value(&self) -> &[u8] {
        match &self.big {
            Some(big) => big.packed(),
            None => &self.data[self.key_end()..],
        }
    }

    /// The value, packed, without keeping what a big value's packing built.
    pub(super) fn encoded_value(&self) -> Cow<'_, [u8]> {
        match &self.big {
            Some(big) => Cow::Owned(big.encode()),
            None => Cow::Borrowed(&self.data[self.key_end()..]),
        }
    }

    /// The value, packed for a snapshot (see [`Big::encode_for_snapshot`]).
    pub(super) fn snapshot_value(&self) -> Cow<'_, [u8]> {
        match &self.big {
            Some(big) => Cow::Owned(big.encode_for_snapshot()),
            None => Cow::Borrowed(&self.data[self.key_end()..]),
        }
    }

    /// Length of the packed value, without packing a big one.
    pub(super) fn value_len(&self) -> usize {
        match &self.big {
            Some(big) => big.encoded_len(),
            None => self.data.len() - self.key_end(),
        }
    }

    /// The value when it is a big collection.
    pub(super) fn big(&self) -> Option<&Big> {
        self.big.as_deref()
    }

    /// The value's type.
    pub(super) fn value_type(&self) -> ValueType {
        if let Some(big) = &self.big {
            return big.value_type();
        }
        match self.key_len >> TYPE_SHIFT {
            0 => ValueType::String,
            1 => ValueType::Hash,
            2 => ValueType::List,
            _ if self.value().first() == Some(&super::zset::ZSET_TAG) => ValueType::SortedSet,
            _ if self.value().first() == Some(&super::stream::STREAM_TAG) => ValueType::Stream,
            _ => ValueType::Set,
        }
    }

    /// Where the key ends in `data`.
    fn key_end(&self) -> usize {
        (self.key_len & KEY_LEN_MASK) as usize
    }

    /// Absolute expiry in Unix ms; `None` for a key without a TTL.
    pub(super) fn expire_at_ms(&self) -> Option<i64> {
        (self.expire_at_ms != NO_EXPIRY).then_some(self.expire_at_ms)
    }

    /// The version of the key's last modification.
    pub(super) fn version(&self) -> u64 {
        self.version
    }

    fn is(&self, hash: u64, key: &[u8]) -> bool {
        self.hash == hash && self.key() == key
    }
}

/// A hash table from keys to values whose iteration order is `(stable_hash(key), key)`.
///
/// Invariants:
/// - `buckets.len()` is `1 << bits`, or 0 (with `bits == 0`) when the table has never held a
///   key since it was created or cleared.
/// - Every live slot is on exactly one chain, the one of bucket `hash >> (64 - bits)`, and each
///   chain is sorted by `(hash, key)` with no key twice.
/// - Every other slot is on the free list starting at `free`, with `hash == 0`.
/// - `len` counts the live slots; `len <= buckets.len()` after every insert.
#[derive(Clone, Debug)]
pub(super) struct Table {
    /// The first slot of each bucket's chain, or [`NIL`].
    buckets: Vec<u32>,
    /// `log2(buckets.len())`.
    bits: u32,
    /// Every slot ever allocated, live or free.
    slots: Vec<Slot>,
    /// The first free slot, or [`NIL`].
    free: u32,
    /// Number of live slots.
    len: usize,
    /// The table as it was at [`Table::freeze`], while a walk of it is under way.
    frozen: Option<Box<Frozen>>,
    /// The key of the hash; `None`: the unkeyed hash.
    hash_key: Option<HashKey>,
}

/// What a walk of the table as it was at [`Table::freeze`] needs while the table goes on
/// changing: copy-on-write at the granularity of one key. The first change to a key the walk
/// has not reached yet saves the key's slot as it was; keys the walk has passed need nothing.
#[derive(Clone, Debug, Default)]
struct Frozen {
    /// The [`order_key`] of the last key the walk visited; `None` before the first.
    after: Option<Box<[u8]>>,
    /// Each key changed since the freeze that the walk has not reached, by [`order_key`],
    /// with its slot as of the freeze (`None`: the key was not stored then).
    saved: BTreeMap<Box<[u8]>, Option<Slot>>,
}

impl Frozen {
    /// The [`order_key`] of `(hash, key)` if a change to it must first save the key's
    /// current slot: the walk has not reached it and it was not saved yet.
    fn must_save(&self, hash: u64, key: &[u8]) -> Option<Box<[u8]>> {
        let order = order_key(hash, key);
        (self.after.as_deref().is_none_or(|after| *order > *after)
            && !self.saved.contains_key(&order))
        .then_some(order)
    }
}

/// A copy of `slot` off any chain, for [`Frozen::saved`]; with `take`, its data is moved out
/// rather than copied (the caller is about to replace or drop it). A big value is copied as
/// its packed buffer, which is all the walk needs, and far cheaper to build and to hold than
/// a copy of its index.
fn saved_copy(slot: &mut Slot, take: bool) -> Slot {
    let (data, big) = match &slot.big {
        _ if take => (std::mem::take(&mut slot.data), slot.big.take()),
        Some(big) => (concat(slot.key(), &big.encode_for_snapshot()), None),
        None => (slot.data.clone(), None),
    };
    Slot {
        hash: slot.hash,
        data,
        big,
        key_len: slot.key_len,
        next: NIL,
        expire_at_ms: slot.expire_at_ms,
        version: slot.version,
    }
}

/// How far a walk of the frozen table got.
pub(super) enum Walked {
    /// Every key was visited.
    Done,
    /// The step's budget ran out; the walk goes on with the next call.
    More,
}

impl Table {
    /// An empty table.
    pub(super) fn new() -> Self {
        Table {
            buckets: Vec::new(),
            bits: 0,
            slots: Vec::new(),
            free: NIL,
            len: 0,
            frozen: None,
            hash_key: None,
        }
    }

    /// The key of the table's hash, if it has one.
    pub(super) fn hash_key(&self) -> Option<HashKey> {
        self.hash_key
    }

    /// Keys the hash of an empty table.
    ///
    /// # Panics
    /// If the table holds a key, or a walk of the frozen table holds one it saved: their
    /// order depends on the hash.
    pub(super) fn set_hash_key(&mut self, key: HashKey) {
        assert!(
            self.is_empty() && self.frozen.as_ref().is_none_or(|f| f.saved.is_empty()),
            "keying the hash of a table in use"
        );
        self.hash_key = Some(key);
    }

    /// `key`'s hash in this table.
    fn hash(&self, key: &[u8]) -> u64 {
        stable_hash(self.hash_key, key)
    }

    /// `key`'s hash in this table, for others that spread keys the same way on every replica.
    pub(super) fn key_hash(&self, key: &[u8]) -> u64 {
        self.hash(key)
    }

    /// An empty table with room for `n` keys without resizing.
    pub(super) fn with_capacity(n: usize) -> Self {
        let mut table = Table::new();
        table.slots.reserve_exact(n);
        let bits = n.max(1).next_power_of_two().trailing_zeros().max(MIN_BITS);
        table.buckets = vec![NIL; 1 << bits];
        table.bits = bits;
        table
    }

    /// Number of keys.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Whether the table holds no key.
    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Removes every key and frees all memory (a walk of the frozen table goes on).
    pub(super) fn clear(&mut self) {
        let mut frozen = self.frozen.take();
        if let Some(frozen) = frozen.as_deref_mut() {
            for slot in self.slots.iter_mut().filter(|s| s.hash != 0) {
                if let Some(order) = frozen.must_save(slot.hash, slot.key()) {
                    frozen.saved.insert(order, Some(saved_copy(slot, true)));
                }
            }
        }
        let hash_key = self.hash_key;
        *self = Table::new();
        self.frozen = frozen;
        self.hash_key = hash_key;
    }

    /// Saves the slot of `(hash, key)` (`i`, or `None` if the key is not stored) for the walk
    /// of the frozen table, if this is the key's first change that walk has to know about.
    /// With `take`, the slot's data is moved out (the caller is about to replace or drop it).
    fn save(&mut self, hash: u64, key: &[u8], i: Option<usize>, take: bool) {
        let Some(frozen) = self.frozen.as_deref_mut() else {
            return;
        };
        let Some(order) = frozen.must_save(hash, key) else {
            return;
        };
        let saved = i.map(|i| saved_copy(&mut self.slots[i], take));
        frozen.saved.insert(order, saved);
    }

    /// The slot of `key`, if stored.
    pub(super) fn get(&self, key: &[u8]) -> Option<&Slot> {
        self.find(self.hash(key), key).map(|i| &self.slots[i])
    }

    /// Sets the expiry and version of a stored `key`; returns the old expiry, or `None` (outer)
    /// if the key is not stored.
    pub(super) fn set_expire(
        &mut self,
        key: &[u8],
        expire_at_ms: Option<i64>,
        version: u64,
    ) -> Option<Option<i64>> {
        let hash = self.hash(key);
        let i = self.find(hash, key)?;
        self.save(hash, key, Some(i), false);
        let slot = &mut self.slots[i];
        let old = slot.expire_at_ms();
        slot.expire_at_ms = expire_at_ms.unwrap_or(NO_EXPIRY);
        slot.version = version;
        Some(old)
    }

    /// Changes the bytes of a stored `key`'s value in place with `patch` (its length stays),
    /// giving it `version`; returns false, changing nothing, if the key is not stored. A walk of
    /// the frozen table still sees the value as it was.
    pub(super) fn patch(
        &mut self,
        key: &[u8],
        version: u64,
        patch: impl FnOnce(&mut [u8]),
    ) -> bool {
        let hash = self.hash(key);
        let Some(i) = self.find(hash, key) else {
            return false;
        };
        if self.slots[i].big.is_some() {
            return false;
        }
        self.save(hash, key, Some(i), false);
        let slot = &mut self.slots[i];
        let key_end = slot.key_end();
        patch(&mut slot.data[key_end..]);
        slot.version = version;
        true
    }

    /// Replaces a stored `key`'s value with `prefix`, then the bytes `keep` of its current
    /// value, then `suffix`, in one allocation and one copy, giving it `version` and keeping its
    /// type and expiry: what pushing and popping at the ends of a list need, without building
    /// the rest of the value again. Returns false, changing nothing, if the key is not stored or
    /// `keep` is not within its value. A walk of the frozen table still sees the old value.
    pub(super) fn splice(
        &mut self,
        key: &[u8],
        version: u64,
        prefix: &[u8],
        keep: Range<usize>,
        suffix: &[u8],
    ) -> bool {
        let hash = self.hash(key);
        let Some(i) = self.find(hash, key) else {
            return false;
        };
        let slot = &self.slots[i];
        let key_end = slot.key_end();
        if slot.big.is_some() {
            return false;
        }
        let Some(kept) = slot.data[key_end..].get(keep) else {
            return false;
        };
        let mut data = Vec::with_capacity(key_end + prefix.len() + kept.len() + suffix.len());
        data.extend_from_slice(&slot.data[..key_end]);
        data.extend_from_slice(prefix);
        data.extend_from_slice(kept);
        data.extend_from_slice(suffix);
        self.save(hash, key, Some(i), true);
        let slot = &mut self.slots[i];
        slot.data = data.into_boxed_slice();
        slot.version = version;
        true
    }

    /// Changes the big collection stored under `key` with `change`, giving it `version`, and
    /// packs it again if it is left small (see `kv::big`); an emptied value stays, for the
    /// caller to remove. Returns what `change` returned and how many members are left, or
    /// `None`, changing nothing, if `key` holds no big value. A walk of the frozen table still
    /// sees the value as it was.
    pub(super) fn update_big<R>(
        &mut self,
        key: &[u8],
        version: u64,
        change: impl FnOnce(&mut Big) -> R,
    ) -> Option<(R, usize)> {
        let hash = self.hash(key);
        let i = self.find(hash, key)?;
        self.slots[i].big.as_ref()?;
        self.save(hash, key, Some(i), false);
        let slot = &mut self.slots[i];
        let big = slot.big.as_deref_mut()?;
        let result = change(big);
        let left = big.len();
        if big.is_small() && left > 0 {
            let packed = big.encode();
            slot.data = concat(key, &packed);
            slot.big = None;
        }
        slot.version = version;
        Some((result, left))
    }

    /// Runs `change` on the stream under `key`; the key's version becomes `version` only if
    /// `change` says it changed something. `None`, changing nothing, if `key` holds no stream.
    /// A walk of the frozen table still sees the stream as it was.
    pub(super) fn update_stream<R>(
        &mut self,
        key: &[u8],
        version: u64,
        change: impl FnOnce(&mut super::stream::Stream) -> (R, bool),
    ) -> Option<(R, bool)> {
        let hash = self.hash(key);
        let i = self.find(hash, key)?;
        self.slots[i].big.as_ref()?.stream()?;
        self.save(hash, key, Some(i), false);
        let slot = &mut self.slots[i];
        let (result, changed) = change(slot.big.as_deref_mut()?.stream_mut()?);
        if changed {
            slot.version = version;
        }
        Some((result, changed))
    }

    /// Stores the string `value` under `key`, replacing any stored value; returns the replaced
    /// key's expiry, or `None` (outer) if the key was new.
    ///
    /// # Panics
    /// If the table would hold more than `u32::MAX - 1` slots.
    #[cfg(test)]
    pub(super) fn insert(
        &mut self,
        key: &[u8],
        value: &[u8],
        expire_at_ms: Option<i64>,
        version: u64,
    ) -> Option<Option<i64>> {
        self.insert_typed(key, value, ValueType::String, expire_at_ms, version)
    }

    /// [`Table::insert`] for a value of any type.
    ///
    /// # Panics
    /// If the table would hold more than `u32::MAX - 1` slots, or the key is 1 GiB or longer.
    pub(super) fn insert_typed(
        &mut self,
        key: &[u8],
        value: &[u8],
        value_type: ValueType,
        expire_at_ms: Option<i64>,
        version: u64,
    ) -> Option<Option<i64>> {
        let key_len = u32::try_from(key.len())
            .ok()
            .filter(|&n| n <= KEY_LEN_MASK)
            .expect("keys are limited to 512 MB");
        let key_len = key_len | value_type.bits();
        let hash = self.hash(key);
        let big = Big::from_packed(value_type, value, self.hash_key).map(Box::new);
        let data = if big.is_some() {
            Box::from(key)
        } else {
            concat(key, value)
        };
        let expire_at_ms = expire_at_ms.unwrap_or(NO_EXPIRY);
        let found = self.find(hash, key);
        self.save(hash, key, found, true);
        if let Some(i) = found {
            let slot = &mut self.slots[i];
            let old = slot.expire_at_ms();
            slot.data = data;
            slot.big = big;
            slot.key_len = key_len;
            slot.expire_at_ms = expire_at_ms;
            slot.version = version;
            return Some(old);
        }
        if self.len >= self.buckets.len() {
            self.resize(if self.bits == 0 {
                MIN_BITS
            } else {
                self.bits + 1
            });
        }
        let slot = Slot {
            hash,
            data,
            big,
            key_len,
            next: NIL,
            expire_at_ms,
            version,
        };
        let new = self.allocate(slot);
        self.link(new);
        self.len += 1;
        None
    }

    /// Removes `key`; returns its slot's expiry (`None` outer if the key was not stored).
    pub(super) fn remove(&mut self, key: &[u8]) -> Option<Option<i64>> {
        let hash = self.hash(key);
        let bucket = self.bucket(hash)?;
        let mut prev = NIL;
        let mut cur = self.buckets[bucket];
        while cur != NIL && !self.slots[cur as usize].is(hash, key) {
            if self.slots[cur as usize].hash > hash {
                return None;
            }
            prev = cur;
            cur = self.slots[cur as usize].next;
        }
        if cur == NIL {
            return None;
        }
        self.save(hash, key, Some(cur as usize), true);
        let next = self.slots[cur as usize].next;
        if prev == NIL {
            self.buckets[bucket] = next;
        } else {
            self.slots[prev as usize].next = next;
        }
        let slot = &mut self.slots[cur as usize];
        let expire = slot.expire_at_ms();
        slot.hash = 0;
        slot.data = Box::default();
        slot.big = None;
        slot.next = self.free;
        self.free = cur;
        self.len -= 1;
        if self.len == 0 {
            self.clear();
        } else if self.bits > MIN_BITS && self.len < self.buckets.len() / 8 {
            self.resize(self.bits - 1);
        }
        Some(expire)
    }

    /// All keys in `(hash, key)` order.
    pub(super) fn iter(&self) -> Iter<'_> {
        self.iter_from(0)
    }

    /// All keys in storage order, which is cheaper to walk than [`Table::iter`] but depends on
    /// the history of inserts and deletes: only for order-independent uses such as sizes.
    pub(super) fn iter_unordered(&self) -> impl Iterator<Item = &Slot> {
        self.slots.iter().filter(|s| s.hash != 0)
    }

    /// All keys in storage order from slot `start` (modulo the slot count), wrapping around:
    /// RANDOMKEY's pick. Every key has one slot, so a random start picks keys about evenly
    /// (less so right after mass deletions, which leave runs of free slots).
    pub(super) fn iter_slots_from(&self, start: u64) -> impl Iterator<Item = &Slot> {
        let start = match self.slots.len() as u64 {
            0 => 0,
            n => (start % n) as usize,
        };
        self.slots[start..]
            .iter()
            .chain(&self.slots[..start])
            .filter(|s| s.hash != 0)
    }

    /// The keys whose hash is at least `cursor`, in `(hash, key)` order.
    pub(super) fn iter_from(&self, cursor: u64) -> Iter<'_> {
        let Some(bucket) = self.bucket(cursor) else {
            return Iter {
                table: self,
                bucket: 0,
                slot: NIL,
            };
        };
        let mut slot = self.buckets[bucket];
        while slot != NIL && self.slots[slot as usize].hash < cursor {
            slot = self.slots[slot as usize].next;
        }
        Iter {
            table: self,
            bucket,
            slot,
        }
    }

    /// One step of a cursor scan: the keys from `cursor` on in `(hash, key)` order, at least
    /// `count` of them unless the table ends first, and the cursor to go on from (0 at the
    /// end). A step never ends inside a run of equal hashes, where no cursor could resume.
    pub(super) fn scan_step(&self, cursor: u64, count: usize) -> (Vec<&Slot>, u64) {
        let mut found = Vec::new();
        for e in self.iter_from(cursor) {
            if found.len() >= count && found.last().is_none_or(|l: &&Slot| l.hash != e.hash) {
                return (found, e.hash);
            }
            found.push(e);
        }
        (found, 0)
    }

    /// Freezes the table's current content for [`Table::walk_frozen`], which visits it as it
    /// is now, however the table changes until the walk is done. A walk already under way is
    /// abandoned.
    pub(super) fn freeze(&mut self) {
        self.frozen = Some(Box::default());
    }

    /// Abandons the walk of the frozen table, if any, and frees what it saved.
    pub(super) fn thaw(&mut self) {
        self.frozen = None;
    }

    /// Whether a walk of the frozen table is under way.
    pub(super) fn is_frozen(&self) -> bool {
        self.frozen.is_some()
    }

    /// Visits up to `max` more keys of the table as it was at [`Table::freeze`], in
    /// `(hash, key)` order; the walk ends (and the table thaws) once every key was visited.
    /// Without a freeze, it walks the current table from the start, all in one call.
    pub(super) fn walk_frozen(&mut self, max: usize, visit: impl FnMut(&Slot)) -> Walked {
        let Some(frozen) = self.frozen.as_deref() else {
            self.walk_all(visit);
            return Walked::Done;
        };
        let (walked, after) = self.walk(frozen.after.as_deref(), &frozen.saved, max, visit);
        match walked {
            Walked::Done => self.thaw(),
            Walked::More => {
                // Saved slots the walk has passed are no longer needed.
                if let (Some(frozen), Some(after)) = (self.frozen.as_deref_mut(), after) {
                    frozen.saved = frozen.saved.split_off(&after);
                    frozen.saved.remove(&after);
                    frozen.after = Some(after);
                }
            }
        }
        walked
    }

    /// Visits every key of the current table in `(hash, key)` order, like [`Table::iter`].
    pub(super) fn walk_all(&self, visit: impl FnMut(&Slot)) {
        self.walk(None, &BTreeMap::new(), usize::MAX, visit);
    }

    /// Visits, in `(hash, key)` order after `after` (an [`order_key`]), up to `max` keys of
    /// the table merged with `saved`: a saved key stands for the table's (`None`: skipped).
    /// Returns how far it got and the order key of the last key it looked at.
    fn walk(
        &self,
        after: Option<&[u8]>,
        saved: &BTreeMap<Box<[u8]>, Option<Slot>>,
        max: usize,
        mut visit: impl FnMut(&Slot),
    ) -> (Walked, Option<Box<[u8]>>) {
        let (from_hash, from_key) = after.map_or((0, &[][..]), split_order_key);
        let mut table = self
            .iter_from(from_hash)
            .skip_while(|s| after.is_some() && (s.hash, s.key()) <= (from_hash, from_key))
            .peekable();
        let mut saved = match after {
            Some(after) => saved.range::<[u8], _>((Bound::Excluded(after), Bound::Unbounded)),
            None => saved.range::<[u8], _>(..),
        }
        .peekable();
        let mut last: Option<(u64, &[u8])> = None;
        for _ in 0..max {
            let from_saved = match (table.peek(), saved.peek()) {
                (None, None) => return (Walked::Done, None),
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some(t), Some((order, _))) => split_order_key(order) <= (t.hash, t.key()),
            };
            if from_saved {
                let Some((order, slot)) = saved.next() else {
                    break;
                };
                let (hash, key) = split_order_key(order);
                if table
                    .peek()
                    .is_some_and(|t| (t.hash, t.key()) == (hash, key))
                {
                    table.next();
                }
                if let Some(slot) = slot {
                    visit(slot);
                }
                last = Some((hash, key));
            } else {
                let Some(slot) = table.next() else {
                    break;
                };
                visit(slot);
                last = Some((slot.hash, slot.key()));
            }
        }
        if table.peek().is_none() && saved.peek().is_none() {
            return (Walked::Done, None);
        }
        let after = last
            .map(|(hash, key)| order_key(hash, key))
            .or_else(|| after.map(Box::from));
        (Walked::More, after)
    }

    /// The bucket of `hash`, or `None` while there are no buckets.
    fn bucket(&self, hash: u64) -> Option<usize> {
        (self.bits > 0).then(|| (hash >> (64 - self.bits)) as usize)
    }

    fn find(&self, hash: u64, key: &[u8]) -> Option<usize> {
        let mut cur = self.buckets[self.bucket(hash)?];
        while cur != NIL {
            let slot = &self.slots[cur as usize];
            if slot.hash > hash {
                return None;
            }
            if slot.is(hash, key) {
                return Some(cur as usize);
            }
            cur = slot.next;
        }
        None
    }

    /// Puts `slot` into a free slot (or a new one) and returns its index.
    fn allocate(&mut self, slot: Slot) -> u32 {
        if self.free != NIL {
            let i = self.free;
            self.free = self.slots[i as usize].next;
            self.slots[i as usize] = slot;
            return i;
        }
        let i = u32::try_from(self.slots.len())
            .ok()
            .filter(|&i| i != NIL)
            .expect("a table holds fewer than u32::MAX keys");
        self.slots.push(slot);
        i
    }

    /// Links the unlinked slot `i` into its bucket's chain at its sorted position.
    fn link(&mut self, i: u32) {
        let bucket = self
            .bucket(self.slots[i as usize].hash)
            .expect("buckets exist");
        let mut prev = NIL;
        let mut cur = self.buckets[bucket];
        while cur != NIL && self.less(cur, i) {
            prev = cur;
            cur = self.slots[cur as usize].next;
        }
        self.slots[i as usize].next = cur;
        if prev == NIL {
            self.buckets[bucket] = i;
        } else {
            self.slots[prev as usize].next = i;
        }
    }

    /// Whether slot `a` sorts before slot `b`.
    fn less(&self, a: u32, b: u32) -> bool {
        let (a, b) = (&self.slots[a as usize], &self.slots[b as usize]);
        (a.hash, a.key()) < (b.hash, b.key())
    }

    /// Rebuilds the buckets for `2^bits` of them, keeping every chain's order: a chain is split
    /// or concatenated with its neighbour, so each new chain is built by appending.
    fn resize(&mut self, bits: u32) {
        let old = std::mem::replace(&mut self.buckets, vec![NIL; 1 << bits]);
        self.bits = bits;
        let mut tails = vec![NIL; self.buckets.len()];
        for head in old {
            let mut cur = head;
            while cur != NIL {
                let next = self.slots[cur as usize].next;
                let bucket = (self.slots[cur as usize].hash >> (64 - bits)) as usize;
                self.slots[cur as usize].next = NIL;
                match tails[bucket] {
                    NIL => self.buckets[bucket] = cur,
                    tail => self.slots[tail as usize].next = cur,
                }
                tails[bucket] = cur;
                cur = next;
            }
        }
    }
}

/// Iterates a [`Table`]'s keys in `(hash, key)` order.
pub(super) struct Iter<'a> {
    /// The table iterated.
    table: &'a Table,
    /// The bucket of `slot`, or of the chain to continue after it.
    bucket: usize,
    /// The next slot to yield, or [`NIL`] to move on to the next bucket.
    slot: u32,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Slot;

    fn next(&mut self) -> Option<&'a Slot> {
        while self.slot == NIL {
            self.bucket += 1;
            self.slot = *self.table.buckets.get(self.bucket)?;
        }
        let slot = &self.table.slots[self.slot as usize];
        self.slot = slot.next;
        Some(slot)
    }
}

/// `(hash, key)` as bytes that sort in the same order: the hash big-endian, then the key.
fn order_key(hash: u64, key: &[u8]) -> Box<[u8]> {
    let mut order = Vec::with_capacity(8 + key.len());
    order.extend_from_slice(&hash.to_be_bytes());
    order.extend_from_slice(key);
    order.into_boxed_slice()
}

/// The `(hash, key)` an [`order_key`] stands for.
fn split_order_key(order: &[u8]) -> (u64, &[u8]) {
    let (hash, key) = order.split_at(8);
    let mut bytes = [0; 8];
    bytes.copy_from_slice(hash);
    (u64::from_be_bytes(bytes), key)
}

/// Key and value in one allocation.
fn concat(key: &[u8], value: &[u8]) -> Box<[u8]> {
    let mut data = Vec::with_capacity(key.len() + value.len());
    data.extend_from_slice(key);
    data.extend_from_slice(value);
    data.into_boxed_slice()
}

/// 64-bit FNV-1a, stable across processes and platforms (unlike `std`'s `RandomState`).
pub(super) struct Fnv(u64);

impl Fnv {
    /// FNV-1a's offset basis.
    pub(super) fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Mixes `bytes` in.
    pub(super) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// The hash so far, spread by [`finalize`].
    pub(super) fn finish(&self) -> u64 {
        finalize(self.0)
    }
}

/// SplitMix64's finalizer, to spread FNV's weak high bits (the table indexes by the top bits).
fn finalize(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The position of `key` in the order of a table keyed with `hash_key`; odd, so that a cursor
/// of 0 always means "from the start" and never "after some key".
pub(super) fn stable_hash(hash_key: Option<HashKey>, key: &[u8]) -> u64 {
    let hash = match hash_key {
        Some([k0, k1]) => {
            let mut h = SipHasher13::new_with_keys(k0, k1);
            h.write(key);
            h.finish()
        }
        None => {
            let mut h = Fnv::new();
            h.write(key);
            h.finish()
        }
    };
    hash | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64: a tiny seeded generator, so every failure replays from its seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    impl Table {
        /// Asserts every invariant in the type's doc.
        pub(in crate::kv) fn check(&self) {
            if self.bits == 0 {
                assert!(self.buckets.is_empty());
            } else {
                assert_eq!(self.buckets.len(), 1 << self.bits);
            }
            let mut on_chains = 0;
            for (b, &head) in self.buckets.iter().enumerate() {
                let mut prev: Option<&Slot> = None;
                let mut cur = head;
                while cur != NIL {
                    let slot = &self.slots[cur as usize];
                    assert_ne!(slot.hash, 0, "a free slot is on a chain");
                    assert_eq!(slot.hash, self.hash(slot.key()), "stale hash");
                    assert_eq!(self.bucket(slot.hash), Some(b), "slot in the wrong bucket");
                    if let Some(p) = prev {
                        assert!(
                            (p.hash, p.key()) < (slot.hash, slot.key()),
                            "chain unsorted"
                        );
                    }
                    prev = Some(slot);
                    on_chains += 1;
                    cur = slot.next;
                }
            }
            assert_eq!(on_chains, self.len);
            assert!(self.len <= self.buckets.len());
            let mut free = 0;
            let mut cur = self.free;
            while cur != NIL {
                assert_eq!(self.slots[cur as usize].hash, 0);
                free += 1;
                cur = self.slots[cur as usize].next;
            }
            assert_eq!(self.len + free, self.slots.len());
        }

        pub(in crate::kv) fn buckets(&self) -> usize {
            self.buckets.len()
        }

        fn keys(&self) -> Vec<Vec<u8>> {
            self.iter().map(|s| s.key().to_vec()).collect()
        }
    }

    fn key(i: u64) -> Vec<u8> {
        format!("k{i}").into_bytes()
    }

    #[test]
    fn stores_replaces_and_removes() {
        let mut t = Table::new();
        assert!(t.get(b"a").is_none());
        assert_eq!(t.remove(b"a"), None);
        assert_eq!(t.insert(b"a", b"1", None, 1), None);
        assert_eq!(t.insert(b"", b"", Some(5), 2), None);
        assert_eq!(t.insert(b"a", b"22", Some(9), 3), Some(None));
        let a = t.get(b"a").expect("stored");
        assert_eq!(
            (a.key(), a.value(), a.expire_at_ms(), a.version()),
            (&b"a"[..], &b"22"[..], Some(9), 3)
        );
        assert_eq!(t.set_expire(b"a", None, 4), Some(Some(9)));
        assert_eq!(t.set_expire(b"zz", None, 5), None);
        assert_eq!(t.get(b"a").map(Slot::expire_at_ms), Some(None));
        assert_eq!(t.len(), 2);
        assert_eq!(t.remove(b""), Some(Some(5)));
        assert_eq!(t.remove(b""), None);
        t.check();
        assert_eq!(t.remove(b"a"), Some(None));
        assert!(t.is_empty());
        t.check();
    }

    #[test]
    fn splice_replaces_the_ends_and_a_frozen_walk_sees_the_old_value() {
        let mut t = Table::new();
        t.insert_typed(b"l", b"abcdef", ValueType::List, Some(7), 1);
        assert!(t.splice(b"l", 2, b"<", 1..4, b">"));
        let l = t.get(b"l").expect("stored");
        assert_eq!(
            (l.value(), l.value_type(), l.expire_at_ms(), l.version()),
            (&b"<bcd>"[..], ValueType::List, Some(7), 2)
        );
        assert!(!t.splice(b"missing", 3, b"", 0..0, b""));
        assert!(!t.splice(b"l", 3, b"", 2..9, b""), "a range past the value");
        assert_eq!(t.get(b"l").map(Slot::value), Some(&b"<bcd>"[..]));

        t.freeze();
        assert!(t.splice(b"l", 4, b"", 0..5, b"!"));
        let mut seen = Vec::new();
        while let Walked::More = t.walk_frozen(10, |s| seen.push(s.value().to_vec())) {}
        assert_eq!(seen, vec![b"<bcd>".to_vec()]);
        t.thaw();
        assert_eq!(t.get(b"l").map(Slot::value), Some(&b"<bcd>!"[..]));
        t.check();
    }

    #[test]
    fn order_is_by_hash_whatever_the_history() {
        let mut rng = Rng(11);
        let mut a = Table::new();
        let mut b = Table::with_capacity(10_000);
        let mut live = std::collections::BTreeSet::new();
        for v in 0..20_000 {
            let k = rng.below(5_000);
            if rng.below(3) == 0 {
                a.remove(&key(k));
                live.remove(&k);
            } else {
                a.insert(&key(k), b"v", None, v);
                live.insert(k);
            }
        }
        a.check();
        // `b` gets the same final keys in another order, through another table size.
        for &k in live.iter().rev() {
            b.insert(&key(k), b"v", None, 0);
        }
        b.check();
        let order = a.keys();
        assert_eq!(order, b.keys());
        assert_eq!(order.len(), live.len());
        let hashes: Vec<u64> = a.iter().map(Slot::hash).collect();
        assert!(hashes.windows(2).all(|w| w[0] <= w[1]));
        assert!(hashes.iter().all(|h| h % 2 == 1));
        let mut unordered: Vec<Vec<u8>> = a.iter_unordered().map(|s| s.key().to_vec()).collect();
        unordered.sort();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(unordered, sorted);
    }

    #[test]
    fn grows_and_shrinks_keeping_invariants() {
        let mut t = Table::new();
        for i in 0..5_000 {
            t.insert(&key(i), &key(i), None, i);
        }
        t.check();
        assert_eq!(t.bits, 13);
        for i in 0..4_990 {
            assert_eq!(t.remove(&key(i)), Some(None));
        }
        t.check();
        // Halved while fewer than one key per eight buckets: 10 keys keep 64 buckets.
        assert_eq!(t.bits, 6);
        for i in 4_990..5_000 {
            assert_eq!(t.get(&key(i)).map(Slot::value), Some(&key(i)[..]));
        }
        // Freed slots are reused before the slot vector grows.
        let slots = t.slots.len();
        for i in 0..100 {
            t.insert(&key(i), b"", None, 0);
        }
        assert_eq!(t.slots.len(), slots);
        t.check();
    }

    #[test]
    fn iter_from_resumes_at_a_hash() {
        let mut t = Table::new();
        for i in 0..1_000 {
            t.insert(&key(i), b"", None, 0);
        }
        let all: Vec<u64> = t.iter().map(Slot::hash).collect();
        for &cut in &[
            0,
            1,
            all[0],
            all[1] - 1,
            all[500],
            all[999],
            all[999] + 1,
            u64::MAX,
        ] {
            let rest: Vec<u64> = t.iter_from(cut).map(Slot::hash).collect();
            let want: Vec<u64> = all.iter().copied().filter(|&h| h >= cut).collect();
            assert_eq!(rest, want, "cursor {cut}");
        }
        assert_eq!(Table::new().iter_from(5).count(), 0);
    }

    /// A keyed table orders keys by their keyed hash, one key giving one order on every
    /// replica and different keys different orders; lookups, FLUSHALL and resizes keep the key.
    #[test]
    fn a_keyed_table_orders_by_its_keyed_hash() {
        let fill = |hash_key: Option<HashKey>| {
            let mut t = Table::new();
            if let Some(k) = hash_key {
                t.set_hash_key(k);
            }
            for i in 0..1_000 {
                t.insert(&key(i), b"v", None, i + 1);
            }
            t.check();
            t
        };
        let (a, b, c) = (fill(Some([1, 2])), fill(Some([1, 2])), fill(Some([3, 4])));
        let unkeyed = fill(None);
        assert_eq!(a.keys(), b.keys(), "one key, one order");
        assert_ne!(a.keys(), c.keys(), "another key, another order");
        assert_ne!(a.keys(), unkeyed.keys());
        let hashes: Vec<u64> = a.iter().map(Slot::hash).collect();
        assert!(
            hashes.windows(2).all(|w| w[0] < w[1]),
            "sorted by keyed hash"
        );
        assert_eq!(hashes[0], stable_hash(Some([1, 2]), &a.keys()[0]));
        for i in 0..1_000 {
            assert_eq!(a.get(&key(i)).map(Slot::version), Some(i + 1));
        }
        let mut a = a;
        a.clear();
        assert_eq!(a.hash_key(), Some([1, 2]), "FLUSHALL keeps the key");
        a.insert(b"x", b"1", None, 1);
        assert_eq!(
            a.iter().next().map(Slot::hash),
            Some(stable_hash(Some([1, 2]), b"x"))
        );
    }

    #[test]
    #[should_panic(expected = "keying the hash of a table in use")]
    fn a_table_holding_keys_cannot_be_keyed() {
        let mut t = Table::new();
        t.insert(b"a", b"1", None, 1);
        t.set_hash_key([1, 2]);
    }
}
