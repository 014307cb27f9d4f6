//! Big collections: sets, hashes, sorted sets and lists past the size where a packed buffer
//! stops being cheap, kept in an index so that a command touching one member costs O(1) or
//! O(log size), not O(size).
//!
//! Small collections stay packed in one buffer (see `kv::hash` and `kv::set`): compact, and
//! in the order Redis's compact encodings answer in. Rebuilding that buffer on every change
//! costs time in proportion to its size, which at 100k members made one SADD take milliseconds.
//! So past [`SET_MIN`] members (or [`HASH_MIN`] fields) a set or hash is held as a [`Table`] of
//! its members, the keyspace's own structure: O(1) lookups, and one deterministic order, the
//! members' keyed hash order (Redis's order for its hashtable encodings is unspecified too).
//! Past [`ZSET_MIN`] members a sorted set is held as [`Scores`]: a table from member to score
//! and a B-tree in `(score, member)` order, the order its packed buffer has too. Past
//! [`LIST_MIN`] elements a list is held as [`Chunks`]: packed runs of elements, as Redis's
//! quicklist holds them, so that pushes and pops at either end copy one run, not the list.
//!
//! Whether a value is big is a function of its size alone, checked after every change: a
//! collection grows into the index at the threshold and shrinks back into a buffer below it.
//! That keeps replicas alike whatever their history: a snapshot holds every value as a packed
//! buffer (a big one's members in the order they lie in memory, see
//! [`Big::encode_for_snapshot`]), and restoring it picks the same form again.
//!
//! Commands not written for the index still work: [`Big::packed`] builds the packed buffer of
//! the value on first use and keeps it until the next change, so such a command costs O(size)
//! as it always did. Whole reads of sets, hashes and sorted sets walk the index instead (see
//! `members_of` and its neighbours in `kv::state`), keeping no copy. The digest uses [`Big::encode`] and snapshots
//! [`Big::encode_for_snapshot`], which keep nothing.

use std::cmp::Ordering;
use std::collections::{BTreeSet, VecDeque};
use std::sync::OnceLock;

use super::command::ZRange;
use super::packed;
use super::set;
use super::stream::Stream;
use super::table::{HashKey, Slot, Table, ValueType};
use super::zset;

/// A set is big from this many members on. Redis keeps up to 512 integers as an intset, whose
/// members it answers in ascending order; those stay packed so that they still do.
pub(super) const SET_MIN: usize = set::INTSET_MAX_ENTRIES + 1;

/// A hash is big from this many fields on: one more than Redis keeps as a listpack.
pub(super) const HASH_MIN: usize = super::hash::LISTPACK_MAX_ENTRIES + 1;

/// A sorted set is big from this many members on: one more than Redis keeps as a listpack.
pub(super) const ZSET_MIN: usize = zset::LISTPACK_MAX_ENTRIES + 1;

/// A list is big from this many elements on.
pub(super) const LIST_MIN: usize = 129;

/// The most elements one run of a big list holds ...
const CHUNK_ELEMENTS: usize = 128;

/// ... and the most bytes, unless it holds a single element.
const CHUNK_BYTES: usize = 8 * 1024;

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
    /// A sorted set.
    ZSet(Scores),
    /// A list.
    List(Chunks),
    /// A stream, whatever its size.
    Stream(Box<Stream>),
}

impl Big {
    /// An empty table for members, ordered by `hash_key`.
    fn table(hash_key: Option<HashKey>) -> Table {
        let mut table = Table::new();
        if let Some(key) = hash_key {
            table.set_hash_key(key);
        }
        table
    }

    /// The big form of `value`, a packed buffer of type `value_type`, if one of its size is
    /// kept big; its members' order comes from `hash_key` (the keyspace's).
    pub(super) fn from_packed(
        value_type: ValueType,
        value: &[u8],
        hash_key: Option<HashKey>,
    ) -> Option<Big> {
        let kind = match value_type {
            ValueType::Set => {
                let parts = value.get(1..).unwrap_or_default();
                if packed::skip(parts, SET_MIN).0 < SET_MIN {
                    return None;
                }
                let mut table = Big::table(hash_key);
                for m in packed::strings(parts) {
                    table.insert_typed(m, b"", ValueType::String, None, 0);
                }
                Kind::Set(table)
            }
            ValueType::Hash => {
                if packed::skip(value, 2 * HASH_MIN).0 < 2 * HASH_MIN {
                    return None;
                }
                let mut table = Big::table(hash_key);
                for (f, v) in super::hash::entries(value) {
                    table.insert_typed(f, v, ValueType::String, None, 0);
                }
                Kind::Hash(table)
            }
            ValueType::SortedSet => {
                let items = zset::entries(value);
                if items.len() < ZSET_MIN {
                    return None;
                }
                let mut scores = Scores {
                    by_member: Big::table(hash_key),
                    by_score: BTreeSet::new(),
                };
                for (score, member) in items {
                    scores.insert(member, score);
                }
                Kind::ZSet(scores)
            }
            ValueType::List => {
                if packed::skip(value, LIST_MIN).0 < LIST_MIN {
                    return None;
                }
                let mut chunks = Chunks::default();
                for element in packed::strings(value) {
                    chunks.push(element, false);
                }
                Kind::List(chunks)
            }
            ValueType::Stream => Kind::Stream(Box::new(Stream::decode(value)?)),
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
            Kind::ZSet(_) => ValueType::SortedSet,
            Kind::List(_) => ValueType::List,
            Kind::Stream(_) => ValueType::Stream,
        }
    }

    /// Number of members (or fields).
    pub(super) fn len(&self) -> usize {
        match &self.kind {
            Kind::Set(t) | Kind::Hash(t) => t.len(),
            Kind::ZSet(z) => z.len(),
            Kind::List(l) => l.len,
            Kind::Stream(s) => s.len(),
        }
    }

    /// Whether the value is now small enough to be kept packed again.
    pub(super) fn is_small(&self) -> bool {
        if let Kind::Stream(_) = self.kind {
            return false;
        }
        self.len()
            < match self.kind {
                Kind::Set(_) => SET_MIN,
                Kind::Hash(_) => HASH_MIN,
                Kind::ZSet(_) => ZSET_MIN,
                Kind::List(_) => LIST_MIN,
                Kind::Stream(_) => 0,
            }
    }

    /// The set's members, if this is a set.
    pub(super) fn set(&self) -> Option<&Table> {
        match &self.kind {
            Kind::Set(t) => Some(t),
            _ => None,
        }
    }

    /// The hash's fields and values, if this is a hash.
    pub(super) fn hash(&self) -> Option<&Table> {
        match &self.kind {
            Kind::Hash(t) => Some(t),
            _ => None,
        }
    }

    /// The set's members to change, if this is a set.
    pub(super) fn set_mut(&mut self) -> Option<&mut Table> {
        self.packed.take();
        match &mut self.kind {
            Kind::Set(t) => Some(t),
            _ => None,
        }
    }

    /// The hash's fields to change, if this is a hash.
    pub(super) fn hash_mut(&mut self) -> Option<&mut Table> {
        self.packed.take();
        match &mut self.kind {
            Kind::Hash(t) => Some(t),
            _ => None,
        }
    }

    /// The sorted set's index, if this is a sorted set.
    pub(super) fn zset(&self) -> Option<&Scores> {
        match &self.kind {
            Kind::ZSet(z) => Some(z),
            _ => None,
        }
    }

    /// The sorted set's index to change, if this is a sorted set.
    pub(super) fn zset_mut(&mut self) -> Option<&mut Scores> {
        self.packed.take();
        match &mut self.kind {
            Kind::ZSet(z) => Some(z),
            _ => None,
        }
    }

    /// The list's elements, if this is a list.
    pub(super) fn list(&self) -> Option<&Chunks> {
        match &self.kind {
            Kind::List(l) => Some(l),
            _ => None,
        }
    }

    /// The list's elements to change, if this is a list.
    pub(super) fn list_mut(&mut self) -> Option<&mut Chunks> {
        self.packed.take();
        match &mut self.kind {
            Kind::List(l) => Some(l),
            _ => None,
        }
    }

    /// The stream, if this is one.
    pub(super) fn stream(&self) -> Option<&Stream> {
        match &self.kind {
            Kind::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// The stream to change, if this is one.
    pub(super) fn stream_mut(&mut self) -> Option<&mut Stream> {
        self.packed.take();
        match &mut self.kind {
            Kind::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// The value's packed buffer (see `kv::set` and `kv::hash`), built on first use and kept
    /// until the next change.
    pub(super) fn packed(&self) -> &[u8] {
        self.packed.get_or_init(|| self.encode().into_boxed_slice())
    }

    /// The value's packed buffer, without keeping it: a set in the hashtable encoding (see
    /// `kv::set`), a hash, sorted set or list buffer; members in the table's hash order,
    /// a sorted set's by score.
    pub(super) fn encode(&self) -> Vec<u8> {
        self.encode_in(false)
    }

    /// The value's packed buffer for a snapshot: a set's, hash's or sorted set's members in the
    /// order they lie in memory, which is several times cheaper to walk than their hash or
    /// score order (measured: 11-24 ms against 100-200 ms at a million members). Only the
    /// content counts there: a restore puts a value this big back into an index.
    pub(super) fn encode_for_snapshot(&self) -> Vec<u8> {
        self.encode_in(true)
    }

    fn encode_in(&self, as_stored: bool) -> Vec<u8> {
        if let Some(done) = self.packed.get() {
            return done.to_vec();
        }
        let mut out = Vec::with_capacity(self.encoded_len());
        fn in_order(t: &Table, as_stored: bool) -> Box<dyn Iterator<Item = &Slot> + '_> {
            if as_stored {
                Box::new(t.iter_unordered())
            } else {
                Box::new(t.iter())
            }
        }
        let members = |t| in_order(t, as_stored);
        match &self.kind {
            Kind::Set(t) => {
                out.push(set::HASHTABLE);
                for m in members(t) {
                    packed::put(&mut out, m.key());
                }
            }
            Kind::Hash(t) => {
                for e in members(t) {
                    packed::put(&mut out, e.key());
                    packed::put(&mut out, e.value());
                }
            }
            Kind::List(l) => {
                for chunk in &l.chunks {
                    out.extend_from_slice(&chunk.buf);
                }
            }
            Kind::Stream(s) => return s.encode(),
            Kind::ZSet(z) => {
                out.push(zset::ZSET_TAG);
                let put = |out: &mut Vec<u8>, score: f64, member: &[u8]| {
                    out.extend_from_slice(&score.to_bits().to_le_bytes());
                    packed::put(out, member);
                };
                if as_stored {
                    for e in z.by_member.iter_unordered() {
                        put(&mut out, Scores::score_in(e), e.key());
                    }
                } else {
                    for (score, member) in z.iter() {
                        put(&mut out, score, member);
                    }
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
            Kind::ZSet(z) => 1 + z.iter().map(|(_, m)| 8 + put_len(m.len())).sum::<usize>(),
            Kind::List(l) => l.bytes(),
            Kind::Stream(s) => s.encoded_len(),
        }
    }

    /// Bytes of heap the value takes, for `MEMORY USAGE`: each member's table slot and the heap
    /// block holding its bytes, and the packed buffer while it is kept.
    pub(super) fn heap_bytes(&self) -> usize {
        let heap = |n: usize| (n + 8).div_ceil(16).max(2) * 16;
        let slot = std::mem::size_of::<super::table::Slot>() + std::mem::size_of::<u32>();
        let in_table = |t: &Table| -> usize {
            t.iter_unordered()
                .map(|e| slot + heap(e.key().len() + e.value().len()))
                .sum()
        };
        let members = match &self.kind {
            Kind::Set(t) | Kind::Hash(t) => in_table(t),
            // A B-tree entry, about half a node's share, and a second copy of the member.
            Kind::ZSet(z) => {
                in_table(&z.by_member)
                    + z.by_score
                        .iter()
                        .map(|r| 2 * std::mem::size_of::<Ranked>() + heap(r.member.len()))
                        .sum::<usize>()
            }
            Kind::List(l) => l
                .chunks
                .iter()
                .map(|c| std::mem::size_of::<Chunk>() + heap(c.buf.capacity()))
                .sum(),
            Kind::Stream(s) => s.heap_bytes(),
        };
        members + self.packed.get().map_or(0, |p| p.len())
    }
}

/// A member picked from `table` with `rng`: the first at or after a random point in the
/// table's hash order, wrapping around. Members whose hash follows a wider gap are picked more
/// often, a bias Redis's own random pick from a hash table has too; in exchange a pick costs
/// O(1), and is the same on every replica.
pub(super) fn pick<'a>(table: &'a Table, rng: &mut u64) -> Option<&'a Slot> {
    let point = super::state::splitmix64(rng);
    table
        .iter_from(point)
        .next()
        .or_else(|| table.iter().next())
}

/// Members of `table` picked by `seed`, by the rule of SRANDMEMBER's, HRANDFIELD's and
/// ZRANDMEMBER's count: `-count` picks with repeats for a negative one; for a non-negative
/// one that many distinct members, all of them (in hash order) when it reaches the size.
/// Costs time in proportion to the picks, not to the table: of the members picked and those
/// left out, the fewer are drawn (a draw that lands on one drawn already takes the next one in
/// hash order that was not).
pub(super) fn picks(table: &Table, seed: u64, count: i64) -> Vec<&Slot> {
    let len = table.len();
    let mut rng = seed;
    if len == 0 {
        return Vec::new();
    }
    if count < 0 {
        let n = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        return (0..n).filter_map(|_| pick(table, &mut rng)).collect();
    }
    let want = usize::try_from(count).unwrap_or(usize::MAX);
    if want >= len {
        return table.iter().collect();
    }
    let draws = want.min(len - want);
    let mut drawn = Vec::with_capacity(draws);
    let mut seen: BTreeSet<&[u8]> = BTreeSet::new();
    while drawn.len() < draws {
        let point = super::state::splitmix64(&mut rng);
        let next = table
            .iter_from(point)
            .chain(table.iter())
            .find(|e| !seen.contains(e.key()));
        let Some(e) = next else {
            break;
        };
        seen.insert(e.key());
        drawn.push(e);
    }
    if draws == want {
        drawn
    } else {
        table.iter().filter(|e| !seen.contains(e.key())).collect()
    }
}

/// Bytes of the LEB128 varint of `n` (see `packed::put`).
fn varint_len(n: usize) -> usize {
    (usize::BITS - (n | 1).leading_zeros()).div_ceil(7) as usize
}

/// A big sorted set: each member's score, and the members in `(score, member)` order.
#[derive(Clone, Debug)]
pub(super) struct Scores {
    /// Member to score (the f64's bits, little-endian).
    by_member: Table,
    /// The members in order.
    by_score: BTreeSet<Ranked>,
}

/// One member of [`Scores::by_score`], or a bound to search it with.
#[derive(Clone, Debug)]
struct Ranked {
    score: f64,
    /// False for a member; true for a bound above every member with this score.
    above: bool,
    member: Box<[u8]>,
}

impl Ranked {
    /// The bound below every member with `score`.
    fn below_all(score: f64) -> Ranked {
        Ranked {
            score,
            above: false,
            member: Box::default(),
        }
    }

    /// The bound above every member with `score`.
    fn above_all(score: f64) -> Ranked {
        Ranked {
            score,
            above: true,
            member: Box::default(),
        }
    }
}

impl Ord for Ranked {
    /// `zset::order`, Redis's, with bounds placed after the members of their score. Scores are
    /// never NaN; -0 and 0 compare equal, as in the packed buffer.
    fn cmp(&self, other: &Self) -> Ordering {
        self.score
            .partial_cmp(&other.score)
            .unwrap_or(Ordering::Equal)
            .then(self.above.cmp(&other.above))
            .then_with(|| self.member.cmp(&other.member))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl Scores {
    /// Number of members.
    pub(super) fn len(&self) -> usize {
        self.by_member.len()
    }

    /// The score of `member`.
    pub(super) fn score(&self, member: &[u8]) -> Option<f64> {
        self.by_member.get(member).map(Scores::score_in)
    }

    /// Gives `member` `score`, adding it if new; returns its old score.
    pub(super) fn insert(&mut self, member: &[u8], score: f64) -> Option<f64> {
        let old = self.remove(member);
        let bits = score.to_bits().to_le_bytes();
        self.by_member
            .insert_typed(member, &bits, ValueType::String, None, 0);
        self.by_score.insert(Ranked {
            score,
            above: false,
            member: member.into(),
        });
        old
    }

    /// Removes `member`; returns its score.
    pub(super) fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let score = self.score(member)?;
        self.by_member.remove(member);
        self.by_score.remove(&Ranked {
            score,
            above: false,
            member: member.into(),
        });
        Some(score)
    }

    /// One step of a ZSCAN: members and scores from `cursor` on in the members' hash order
    /// (see [`Table::scan_step`]), and the cursor to go on from.
    pub(super) fn scan_step(&self, cursor: u64, count: usize) -> (Vec<(f64, &[u8])>, u64) {
        let (found, next) = self.by_member.scan_step(cursor, count);
        let scored = found
            .into_iter()
            .map(|e| (Scores::score_in(e), e.key()))
            .collect();
        (scored, next)
    }

    /// The table from member to score.
    pub(super) fn members(&self) -> &Table {
        &self.by_member
    }

    /// The score a slot of [`Scores::members`] holds.
    pub(super) fn score_in(slot: &Slot) -> f64 {
        let bits = slot.value().try_into().unwrap_or_default();
        f64::from_bits(u64::from_le_bytes(bits))
    }

    /// The members and scores in order.
    pub(super) fn iter(&self) -> impl DoubleEndedIterator<Item = (f64, &[u8])> {
        self.by_score.iter().map(|r| (r.score, &r.member[..]))
    }

    /// The position of `member` in order, counted from the lowest score or with `rev` from the
    /// highest; costs time in proportion to that position.
    pub(super) fn rank(&self, member: &[u8], rev: bool) -> Option<usize> {
        let score = self.score(member)?;
        let probe = Ranked {
            score,
            above: false,
            member: member.into(),
        };
        Some(if rev {
            self.by_score.range(probe..).count() - 1
        } else {
            self.by_score.range(..probe).count()
        })
    }

    /// What ZRANGE selects by rank, score or name, in the order of the range, after LIMIT's
    /// offset and count (as `zset_selected` does for a packed sorted set); walks only what it
    /// skips and returns. `None` for a range by name over members of different scores, which
    /// this index cannot seek.
    pub(super) fn range(
        &self,
        range: &ZRange,
        rev: bool,
        limit: Option<(i64, i64)>,
    ) -> Option<Vec<(f64, &[u8])>> {
        let (offset, count) = match limit {
            None => (0, usize::MAX),
            Some((offset, _)) if offset < 0 => return Some(Vec::new()),
            Some((offset, count)) => (
                usize::try_from(offset).unwrap_or(usize::MAX),
                usize::try_from(count).unwrap_or(usize::MAX),
            ),
        };
        let picked: Vec<(f64, &[u8])> = match range {
            ZRange::Rank(start, stop) => {
                let Some((first, last)) = super::list::range(self.len(), *start, *stop) else {
                    return Some(Vec::new());
                };
                let ranks = self.iter();
                let ranks: Box<dyn Iterator<Item = _>> = if rev {
                    Box::new(ranks.rev())
                } else {
                    Box::new(ranks)
                };
                ranks
                    .skip(first)
                    .take(last - first + 1)
                    .skip(offset)
                    .take(count)
                    .collect()
            }
            ZRange::Score(min, max) => {
                let (min, max) = (*min, *max);
                let inside = |score: f64| zset::in_score_range(score, min, max);
                let from: Box<dyn Iterator<Item = &Ranked>> = if rev {
                    Box::new(self.by_score.range(..Ranked::above_all(max.value)).rev())
                } else {
                    Box::new(self.by_score.range(Ranked::below_all(min.value)..))
                };
                from.map(|r| (r.score, &r.member[..]))
                    .skip_while(|(score, _)| !inside(*score) && !beyond(*score, min, max, rev))
                    .take_while(|(score, _)| inside(*score))
                    .skip(offset)
                    .take(count)
                    .collect()
            }
            ZRange::Lex(min, max) => {
                // Redis assumes equal scores for a range by name; only then are the members
                // in name order here, and the range one run to seek. Otherwise the caller
                // filters every member, as for a packed sorted set.
                let (first, last) = (self.by_score.first()?, self.by_score.last()?);
                if first.score != last.score {
                    return None;
                }
                let at = |bound: &zset::LexBound| match bound {
                    zset::LexBound::Lowest => Ranked::below_all(first.score),
                    zset::LexBound::Highest => Ranked::above_all(first.score),
                    zset::LexBound::Inclusive(m) | zset::LexBound::Exclusive(m) => Ranked {
                        score: first.score,
                        above: false,
                        member: m.as_slice().into(),
                    },
                };
                let from: Box<dyn Iterator<Item = &Ranked>> = if rev {
                    Box::new(self.by_score.range(..=at(max)).rev())
                } else {
                    Box::new(self.by_score.range(at(min)..))
                };
                let inside = |m: &[u8]| zset::in_lex_range(m, min, max);
                // Past the far end of the range, in the direction of the walk.
                let beyond = |m: &[u8]| {
                    if rev {
                        !zset::in_lex_range(m, min, &zset::LexBound::Highest)
                    } else {
                        !zset::in_lex_range(m, &zset::LexBound::Lowest, max)
                    }
                };
                from.map(|r| (r.score, &r.member[..]))
                    .skip_while(|(_, m)| !inside(m) && !beyond(m))
                    .take_while(|(_, m)| inside(m))
                    .skip(offset)
                    .take(count)
                    .collect()
            }
        };
        Some(picked)
    }

    /// Removes up to `n` members from the low end, or with `max` the high end; returns them in
    /// the order they came off.
    pub(super) fn pop(&mut self, max: bool, n: usize) -> Vec<(f64, Box<[u8]>)> {
        let mut popped = Vec::with_capacity(n.min(self.len()));
        while popped.len() < n {
            let next = if max {
                self.by_score.pop_last()
            } else {
                self.by_score.pop_first()
            };
            let Some(r) = next else {
                break;
            };
            self.by_member.remove(&r.member);
            popped.push((r.score, r.member));
        }
        popped
    }
}

/// Whether a walk of scores in the direction of a range (down for `rev`) has passed the range
/// already, so skipping on would find nothing in it.
fn beyond(score: f64, min: zset::ScoreBound, max: zset::ScoreBound, rev: bool) -> bool {
    if rev {
        score < min.value
    } else {
        score > max.value
    }
}

/// A big list: its elements, head first, in runs packed as a list buffer is (see `kv::list`).
/// How the elements are split into runs depends on the list's history and may differ from
/// replica to replica; nothing a client sees does.
#[derive(Clone, Debug, Default)]
pub(super) struct Chunks {
    /// The runs, head first; none is empty.
    chunks: VecDeque<Chunk>,
    /// Number of elements.
    len: usize,
}

#[derive(Clone, Debug)]
struct Chunk {
    /// Packed elements.
    buf: Vec<u8>,
    /// How many.
    count: usize,
}

impl Chunk {
    /// Whether `extra` more bytes in one more element would overfill the run.
    fn is_full(&self, extra: usize) -> bool {
        self.count >= CHUNK_ELEMENTS || self.buf.len() + extra > CHUNK_BYTES
    }
}

impl Chunks {
    /// Number of elements.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Bytes of the packed elements.
    fn bytes(&self) -> usize {
        self.chunks.iter().map(|c| c.buf.len()).sum()
    }

    /// The run at the head, or the tail.
    fn end(&mut self, head: bool) -> Option<&mut Chunk> {
        if head {
            self.chunks.front_mut()
        } else {
            self.chunks.back_mut()
        }
    }

    /// Adds `chunk` as the run at the head, or the tail.
    fn add_end(&mut self, chunk: Chunk, head: bool) {
        if head {
            self.chunks.push_front(chunk);
        } else {
            self.chunks.push_back(chunk);
        }
    }

    /// Drops the run at the head, or the tail.
    fn drop_end_run(&mut self, head: bool) {
        if head {
            self.chunks.pop_front();
        } else {
            self.chunks.pop_back();
        }
    }

    /// Pushes `element` at the head, or the tail.
    pub(super) fn push(&mut self, element: &[u8], head: bool) {
        let mut one = Vec::with_capacity(element.len() + 10);
        packed::put(&mut one, element);
        match self.end(head) {
            Some(chunk) if !chunk.is_full(one.len()) => {
                if head {
                    chunk.buf.splice(0..0, one);
                } else {
                    chunk.buf.extend_from_slice(&one);
                }
                chunk.count += 1;
                // A run that is full takes no more pushes: give back what its growth reserved.
                if chunk.is_full(0) {
                    chunk.buf.shrink_to_fit();
                }
            }
            _ => self.add_end(Chunk { buf: one, count: 1 }, head),
        }
        self.len += 1;
    }

    /// Pops the element at the head, or the tail.
    pub(super) fn pop(&mut self, head: bool) -> Option<Vec<u8>> {
        let chunk = self.end(head)?;
        let split = packed::skip(&chunk.buf, if head { 1 } else { chunk.count - 1 }).1;
        let taken: Vec<u8> = if head {
            chunk.buf.drain(..split).collect()
        } else {
            chunk.buf.split_off(split)
        };
        chunk.count -= 1;
        if chunk.count == 0 {
            self.drop_end_run(head);
        }
        self.len -= 1;
        let (element, _) = packed::take(&taken)?;
        Some(element.to_vec())
    }

    /// Drops `n` elements from the head, or the tail: whole runs where it can.
    pub(super) fn drop_end(&mut self, mut n: usize, head: bool) {
        n = n.min(self.len);
        self.len -= n;
        while n > 0 {
            let Some(chunk) = self.end(head) else {
                return;
            };
            if n >= chunk.count {
                n -= chunk.count;
                self.drop_end_run(head);
                continue;
            }
            if head {
                let split = packed::skip(&chunk.buf, n).1;
                chunk.buf.drain(..split);
            } else {
                let split = packed::skip(&chunk.buf, chunk.count - n).1;
                chunk.buf.truncate(split);
            }
            chunk.count -= n;
            n = 0;
        }
    }

    /// The run holding element `index` and the element's position in it.
    fn locate(&self, mut index: usize) -> Option<(usize, usize)> {
        if index >= self.len {
            return None;
        }
        // Walk from the nearer end.
        if index < self.len / 2 {
            for (i, c) in self.chunks.iter().enumerate() {
                if index < c.count {
                    return Some((i, index));
                }
                index -= c.count;
            }
        } else {
            let mut from_tail = self.len - 1 - index;
            for (i, c) in self.chunks.iter().enumerate().rev() {
                if from_tail < c.count {
                    return Some((i, c.count - 1 - from_tail));
                }
                from_tail -= c.count;
            }
        }
        None
    }

    /// The elements from `index` on, head to tail.
    pub(super) fn iter_from(&self, index: usize) -> impl Iterator<Item = &[u8]> {
        let (first, skip) = self.locate(index).unwrap_or((self.chunks.len(), 0));
        self.chunks
            .range(first..)
            .flat_map(|c| packed::strings(&c.buf))
            .skip(skip)
    }

    /// Replaces element `index`; false if there is none.
    pub(super) fn set(&mut self, index: usize, element: &[u8]) -> bool {
        let Some((i, at)) = self.locate(index) else {
            return false;
        };
        let chunk = &mut self.chunks[i];
        let start = packed::skip(&chunk.buf, at).1;
        let end = packed::skip(&chunk.buf[start..], 1).1 + start;
        let mut one = Vec::with_capacity(element.len() + 10);
        packed::put(&mut one, element);
        chunk.buf.splice(start..end, one);
        true
    }
}
