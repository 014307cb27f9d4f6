//! Stream values: an append-only log of entries under increasing IDs, with consumer groups
//! (XADD, XRANGE, XREAD, XGROUP, XREADGROUP, XACK, XCLAIM and the rest), answering as Redis
//! 7.0 answers.
//!
//! A stream is held as a [`Stream`] (see `kv::big`, which keeps every stream in its index form):
//! its entries in a B-tree by ID, each entry's fields and values packed in one buffer, and its
//! groups with their pending entries. Its packed form ([`Stream::encode`]) holds all of it, and
//! is what snapshots, COPY and the digest see.
//!
//! Nodes: Redis keeps a stream's entries in listpacks of up to 100 entries (or 4 KiB), and
//! approximate trimming (`MAXLEN ~`, `MINID ~`) only removes whole listpacks. So that a trim
//! removes what Redis's would, the stream keeps the same partition, one [`Node`] per listpack:
//! entries appended while the last node has room go into it, deleted entries keep counting
//! against its room, and a node goes when its last live entry does. The byte limit is
//! estimated (field and value lengths plus a few bytes per entry), not computed as a listpack
//! would; for small entries the 100-entry limit decides first, as in Redis.
//!
//! Time: what Redis reads from its clock (an auto-generated ID's milliseconds, the delivery
//! time of a pending entry, a consumer's last-seen time) is the applying batch's `now_ms`
//! here, the same on every replica; idle times in replies are the reader's clock minus those.
//!
//! Caveats: RESP3 clients get XREAD's and XREADGROUP's streams as a map, as from Redis; XINFO
//! STREAM's `radix-tree-nodes` is an estimate (Redis counts its radix tree's inner nodes).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Bound;

use bytes::Bytes;

use super::command::{CommandError, parse_i64_strict};
use super::packed;
use super::reply;
use crate::pb;

/// First byte of a stream's packed form; sets use 0 and 1, sorted sets 2.
pub(super) const STREAM_TAG: u8 = 3;

/// Redis's `stream-node-max-entries`: the most entries (deleted ones included) one node holds.
const NODE_MAX_ENTRIES: u32 = 100;

/// Redis's `stream-node-max-bytes`: a node that would reach this size is closed.
const NODE_MAX_BYTES: u32 = 4096;

/// Estimated bytes of a node before its first entry (listpack header and master entry).
pub(super) const NODE_HEADER_BYTES: u32 = 24;

/// What an approximate trim without LIMIT removes at most: 100 nodes' worth.
const DEFAULT_TRIM_LIMIT: u64 = 100 * NODE_MAX_ENTRIES as u64;

/// XAUTOCLAIM looks at most this many times COUNT pending entries.
const AUTOCLAIM_ATTEMPTS_FACTOR: u64 = 10;

/// A group's `entries-read` when it is unknown.
pub(super) const UNKNOWN_READ: i64 = -1;

const INVALID_ID: CommandError =
    CommandError::Message("Invalid stream ID specified as stream command argument");

/// A stream entry's ID: milliseconds and a sequence number, ordered as a pair.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    /// The milliseconds part.
    pub ms: u64,
    /// The sequence part.
    pub seq: u64,
}

impl StreamId {
    const ZERO: StreamId = StreamId { ms: 0, seq: 0 };
    const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// The next ID, or `None` after the largest.
    fn incr(self) -> Option<StreamId> {
        match self.seq.checked_add(1) {
            Some(seq) => Some(StreamId { ms: self.ms, seq }),
            None => Some(StreamId {
                ms: self.ms.checked_add(1)?,
                seq: 0,
            }),
        }
    }

    /// The previous ID, or `None` before the smallest.
    fn decr(self) -> Option<StreamId> {
        match self.seq.checked_sub(1) {
            Some(seq) => Some(StreamId { ms: self.ms, seq }),
            None => Some(StreamId {
                ms: self.ms.checked_sub(1)?,
                seq: u64::MAX,
            }),
        }
    }

    fn reply(self) -> pb::Reply {
        reply::bulk(Bytes::from(self.to_string()))
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// An unsigned 64-bit number as Redis's `string2ull` reads one: a strict integer that is not
/// negative or, failing that, whatever C's `strtoull` takes whole (leading white space, a
/// sign, leading zeros; a minus sign wraps around, as in C). So ` 1`, `+1` and `01` are 1.
fn parse_u64(s: &[u8]) -> Option<u64> {
    if let Some(n) = parse_i64_strict(s) {
        return u64::try_from(n).ok();
    }
    let start = s
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'))?;
    let (negative, digits) = match &s[start..] {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u64 = 0;
    for &d in digits {
        n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative { n.wrapping_neg() } else { n })
}

/// How an ID argument may be written.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdForm {
    /// `ms-seq` or `ms` only.
    Strict,
    /// Also `-` and `+`, the smallest and largest IDs.
    Bounds,
    /// Also `ms-*` (XADD): the sequence is to be generated.
    AutoSeq,
}

/// Parses a stream ID; `missing_seq` is the sequence of an ID given as `ms` alone. Returns the
/// ID and whether its sequence was given (false only for `ms-*`).
fn parse_id(arg: &[u8], form: IdForm, missing_seq: u64) -> Result<(StreamId, bool), CommandError> {
    if arg.len() > 127 {
        return Err(INVALID_ID);
    }
    match arg {
        b"-" if form == IdForm::Bounds => return Ok((StreamId::ZERO, true)),
        b"+" if form == IdForm::Bounds => return Ok((StreamId::MAX, true)),
        _ => {}
    }
    let (ms, seq) = match arg.iter().position(|&b| b == b'-') {
        Some(dash) => (&arg[..dash], Some(&arg[dash + 1..])),
        None => (arg, None),
    };
    let ms = parse_u64(ms).ok_or(INVALID_ID)?;
    match seq {
        None => Ok((
            StreamId {
                ms,
                seq: missing_seq,
            },
            true,
        )),
        Some(b"*") if form == IdForm::AutoSeq => Ok((StreamId { ms, seq: 0 }, false)),
        Some(seq) => Ok((
            StreamId {
                ms,
                seq: parse_u64(seq).ok_or(INVALID_ID)?,
            },
            true,
        )),
    }
}

/// Parses a strict ID (`ms-seq` or `ms`, meaning `ms-0`).
fn strict_id(arg: &[u8]) -> Result<StreamId, CommandError> {
    parse_id(arg, IdForm::Strict, 0).map(|(id, _)| id)
}

/// Parses the start of an interval: `-`, an ID, or `(ID` (exclusive).
fn interval_start(arg: &[u8]) -> Result<StreamId, CommandError> {
    match arg.strip_prefix(b"(").filter(|_| arg.len() > 1) {
        Some(id) => parse_id(id, IdForm::Strict, 0)?
            .0
            .incr()
            .ok_or(CommandError::Message("invalid start ID for the interval")),
        None => Ok(parse_id(arg, IdForm::Bounds, 0)?.0),
    }
}

/// Parses the end of an interval: `+`, an ID (`ms` alone means its last sequence), or `(ID`.
fn interval_end(arg: &[u8]) -> Result<StreamId, CommandError> {
    match arg.strip_prefix(b"(").filter(|_| arg.len() > 1) {
        Some(id) => parse_id(id, IdForm::Strict, u64::MAX)?
            .0
            .decr()
            .ok_or(CommandError::Message("invalid end ID for the interval")),
        None => Ok(parse_id(arg, IdForm::Bounds, u64::MAX)?.0),
    }
}

/// A 64-bit integer argument, with Redis's own message when it is not one.
fn integer(arg: &[u8], message: Option<&'static str>) -> Result<i64, CommandError> {
    parse_i64_strict(arg).ok_or(match message {
        Some(m) => CommandError::Message(m),
        None => CommandError::NotInteger,
    })
}

fn is(arg: &[u8], word: &str) -> bool {
    arg.eq_ignore_ascii_case(word.as_bytes())
}

/// One listpack of Redis's: a run of consecutive entries (see the module's notes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Node {
    /// The ID of the last entry appended to it, deleted or not.
    pub(super) last: StreamId,
    /// Entries appended to it, deleted ones included.
    pub(super) appended: u32,
    /// Entries in it not deleted.
    pub(super) live: u32,
    /// Its estimated size.
    pub(super) bytes: u32,
}

/// A pending entry of a group: delivered to a consumer, not acknowledged yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Nack {
    pub(super) consumer: Box<[u8]>,
    /// Unix ms of the last delivery.
    pub(super) delivery_time: i64,
    pub(super) delivery_count: u64,
}

/// A consumer of a group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Consumer {
    /// Unix ms it was last seen (read, claimed or was created).
    pub(super) seen_time: i64,
    /// Its pending entries.
    pub(super) pel: BTreeSet<StreamId>,
}

/// A consumer group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Group {
    /// The last ID delivered to one of its consumers.
    pub(super) last_id: StreamId,
    /// How many of the stream's entries it has read, or [`UNKNOWN_READ`].
    pub(super) entries_read: i64,
    /// Its pending entries, by ID.
    pub(super) pel: BTreeMap<StreamId, Nack>,
    /// Its consumers, by name.
    pub(super) consumers: BTreeMap<Box<[u8]>, Consumer>,
}

impl Group {
    fn new(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: BTreeMap::new(),
            consumers: BTreeMap::new(),
        }
    }

    /// The consumer `name`, created (seen `now`) if missing.
    fn consumer(&mut self, name: &[u8], now: i64) -> &mut Consumer {
        let consumer = self.consumers.entry(Box::from(name)).or_default();
        consumer.seen_time = now;
        consumer
    }

    /// Forgets pending entry `id`.
    fn forget(&mut self, id: StreamId) -> bool {
        let Some(nack) = self.pel.remove(&id) else {
            return false;
        };
        if let Some(c) = self.consumers.get_mut(&nack.consumer) {
            c.pel.remove(&id);
        }
        true
    }

    /// Makes `consumer` the owner of pending entry `id` (which must be pending).
    fn assign(&mut self, id: StreamId, consumer: &[u8]) {
        let Some(nack) = self.pel.get_mut(&id) else {
            return;
        };
        if *nack.consumer != *consumer {
            if let Some(old) = self.consumers.get_mut(&nack.consumer) {
                old.pel.remove(&id);
            }
            nack.consumer = Box::from(consumer);
        }
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        }
    }
}

/// One Redis stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Stream {
    /// Live entries: their fields and values packed (see `kv::packed`).
    pub(super) entries: BTreeMap<StreamId, Box<[u8]>>,
    /// The nodes, by the ID of the first entry appended to each.
    pub(super) nodes: BTreeMap<StreamId, Node>,
    /// The largest ID ever added (or set by XSETID).
    pub(super) last_id: StreamId,
    /// The first live entry's ID as Redis records it (0-0 when empty).
    pub(super) first_id: StreamId,
    /// The largest ID XDEL deleted.
    pub(super) max_deleted: StreamId,
    /// Entries ever added.
    pub(super) entries_added: u64,
    /// Consumer groups, by name.
    pub(super) groups: BTreeMap<Box<[u8]>, Group>,
}

/// How XADD and XTRIM trim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    MaxLen(u64),
    MinId(StreamId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Trim {
    strategy: Strategy,
    approx: bool,
    /// The most entries to remove; 0 for no limit.
    limit: u64,
}

impl Stream {
    /// Number of live entries.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The largest live ID (Redis's `streamLastValidID`).
    fn last_valid(&self) -> Option<StreamId> {
        self.entries.keys().next_back().copied()
    }

    /// Live entries with IDs in `start..=end`, ascending (or descending with `rev`).
    fn range(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
    ) -> Box<dyn Iterator<Item = (StreamId, &[u8])> + '_> {
        if start > end {
            return Box::new(std::iter::empty());
        }
        let it = self.entries.range(start..=end).map(|(id, f)| (*id, &f[..]));
        if rev {
            Box::new(it.rev())
        } else {
            Box::new(it)
        }
    }

    /// Appends an entry under `id`, opening a node when the last one is full.
    fn append(&mut self, id: StreamId, fields: &[Bytes]) {
        let mut buf = Vec::new();
        for f in fields {
            packed::put(&mut buf, f);
        }
        let size = u32::try_from(buf.len() + 2 * fields.len() + 4).unwrap_or(u32::MAX);
        let open = self.nodes.iter_mut().next_back().filter(|(_, n)| {
            n.appended < NODE_MAX_ENTRIES && n.bytes.saturating_add(size) < NODE_MAX_BYTES
        });
        match open {
            Some((_, node)) => {
                node.last = id;
                node.appended += 1;
                node.live += 1;
                node.bytes = node.bytes.saturating_add(size);
            }
            None => {
                self.nodes.insert(
                    id,
                    Node {
                        last: id,
                        appended: 1,
                        live: 1,
                        bytes: NODE_HEADER_BYTES.saturating_add(size),
                    },
                );
            }
        }
        self.entries.insert(id, buf.into_boxed_slice());
        self.last_id = id;
        self.entries_added += 1;
        if self.entries.len() == 1 {
            self.first_id = id;
        }
    }

    /// Removes live entry `id` from its node (the node goes once it holds none); not the
    /// bookkeeping of first and deleted IDs.
    fn remove_entry(&mut self, id: StreamId) -> bool {
        if self.entries.remove(&id).is_none() {
            return false;
        }
        let found = self.nodes.range_mut(..=id).next_back();
        if let Some((&first, node)) = found {
            node.live = node.live.saturating_sub(1);
            if node.live == 0 {
                self.nodes.remove(&first);
            }
        }
        true
    }

    /// Re-reads the first live ID after removals.
    fn refresh_first(&mut self) {
        self.first_id = self
            .entries
            .keys()
            .next()
            .copied()
            .unwrap_or(StreamId::ZERO);
    }

    /// Redis's `streamTrim`: whole nodes from the head while the strategy allows, then (unless
    /// approximate) entries of the next node. Returns how many entries went.
    fn trim(&mut self, trim: Trim) -> u64 {
        let mut deleted: u64 = 0;
        loop {
            if let Strategy::MaxLen(max) = trim.strategy
                && self.entries.len() as u64 <= max
            {
                break;
            }
            let Some((&first, node)) = self.nodes.iter().next() else {
                break;
            };
            let live = u64::from(node.live);
            if trim.limit != 0 && deleted + live > trim.limit {
                break;
            }
            let whole = match trim.strategy {
                Strategy::MaxLen(max) => (self.entries.len() as u64).saturating_sub(live) >= max,
                Strategy::MinId(min) => node.last < min,
            };
            let end = node.last;
            if whole {
                let ids = self.ids_between(first, end);
                for id in &ids {
                    self.entries.remove(id);
                }
                self.nodes.remove(&first);
                deleted += ids.len() as u64;
                continue;
            }
            if trim.approx {
                break;
            }
            for id in self.ids_between(first, end) {
                let stop = match trim.strategy {
                    Strategy::MaxLen(max) => self.entries.len() as u64 <= max,
                    Strategy::MinId(min) => id >= min,
                };
                if stop {
                    break;
                }
                self.entries.remove(&id);
                if let Some(node) = self.nodes.get_mut(&first) {
                    node.live = node.live.saturating_sub(1);
                }
                deleted += 1;
            }
            break;
        }
        if self.entries.is_empty() {
            self.first_id = StreamId::ZERO;
        } else if deleted > 0 {
            self.refresh_first();
        }
        deleted
    }

    /// The live IDs in `first..=last`, ascending.
    fn ids_between(&self, first: StreamId, last: StreamId) -> Vec<StreamId> {
        if first > last {
            return Vec::new();
        }
        self.entries.range(first..=last).map(|(i, _)| *i).collect()
    }

    /// Whether a deleted entry may lie at or after `from` (Redis's `streamRangeHasTombstones`
    /// with no end).
    fn tombstones_from(&self, from: StreamId) -> bool {
        if self.entries.is_empty() || self.max_deleted == StreamId::ZERO {
            return false;
        }
        if self.first_id > self.max_deleted {
            return false;
        }
        from <= self.max_deleted
    }

    /// Redis's `streamEstimateDistanceFromFirstEverEntry`: how many entries were added up to
    /// `id`, when that can be known.
    pub(super) fn entries_up_to(&self, id: StreamId) -> i64 {
        let added = self.entries_added as i64;
        if self.entries_added == 0 {
            return 0;
        }
        if self.entries.is_empty() && id <= self.last_id {
            return added;
        }
        if id == self.last_id {
            return added;
        } else if id > self.last_id {
            return UNKNOWN_READ;
        }
        if self.max_deleted == StreamId::ZERO || self.max_deleted < self.first_id {
            if id < self.first_id {
                return added - self.entries.len() as i64;
            } else if id == self.first_id {
                return added - self.entries.len() as i64 + 1;
            }
        }
        UNKNOWN_READ
    }

    /// A group's lag, if it can be known.
    fn lag(&self, group: &Group) -> Option<i64> {
        if self.entries_added == 0 {
            return Some(0);
        }
        if group.entries_read != UNKNOWN_READ && !self.tombstones_from(group.last_id) {
            return Some(self.entries_added as i64 - group.entries_read);
        }
        let read = self.entries_up_to(group.last_id);
        (read != UNKNOWN_READ).then(|| self.entries_added as i64 - read)
    }

    /// The packed form: every part of the stream (see the module's notes).
    pub(super) fn encode(&self) -> Vec<u8> {
        let mut out = vec![STREAM_TAG];
        let id = |out: &mut Vec<u8>, id: StreamId| {
            put_varint(out, id.ms);
            put_varint(out, id.seq);
        };
        id(&mut out, self.last_id);
        id(&mut out, self.first_id);
        id(&mut out, self.max_deleted);
        put_varint(&mut out, self.entries_added);
        put_varint(&mut out, self.nodes.len() as u64);
        for (&first, node) in &self.nodes {
            id(&mut out, first);
            id(&mut out, node.last);
            put_varint(&mut out, node.appended.into());
            put_varint(&mut out, node.live.into());
            put_varint(&mut out, node.bytes.into());
        }
        put_varint(&mut out, self.entries.len() as u64);
        for (&entry, fields) in &self.entries {
            id(&mut out, entry);
            packed::put(&mut out, fields);
        }
        put_varint(&mut out, self.groups.len() as u64);
        for (name, group) in &self.groups {
            packed::put(&mut out, name);
            id(&mut out, group.last_id);
            put_varint(&mut out, (group.entries_read + 1) as u64);
            put_varint(&mut out, group.consumers.len() as u64);
            for (name, consumer) in &group.consumers {
                packed::put(&mut out, name);
                put_varint(&mut out, consumer.seen_time as u64);
            }
            put_varint(&mut out, group.pel.len() as u64);
            for (&pending, nack) in &group.pel {
                id(&mut out, pending);
                packed::put(&mut out, &nack.consumer);
                put_varint(&mut out, nack.delivery_time as u64);
                put_varint(&mut out, nack.delivery_count);
            }
        }
        out
    }

    /// The length of [`Stream::encode`]'s form, computed without building it (a snapshot
    /// sizes each value before it writes it).
    pub(super) fn encoded_len(&self) -> usize {
        let id = |id: &StreamId| varint_len(id.ms) + varint_len(id.seq);
        let bytes = |b: &[u8]| varint_len(b.len() as u64) + b.len();
        let count = |n: usize| varint_len(n as u64);
        let mut n = 1 + id(&self.last_id) + id(&self.first_id) + id(&self.max_deleted);
        n += varint_len(self.entries_added) + count(self.nodes.len());
        for (first, node) in &self.nodes {
            n += id(first) + id(&node.last);
            n += [node.appended, node.live, node.bytes]
                .iter()
                .map(|&v| varint_len(v.into()))
                .sum::<usize>();
        }
        n += count(self.entries.len());
        n += self
            .entries
            .iter()
            .map(|(e, fields)| id(e) + bytes(fields))
            .sum::<usize>();
        n += count(self.groups.len());
        for (name, group) in &self.groups {
            n += bytes(name) + id(&group.last_id) + varint_len((group.entries_read + 1) as u64);
            n += count(group.consumers.len());
            n += group
                .consumers
                .iter()
                .map(|(name, c)| bytes(name) + varint_len(c.seen_time as u64))
                .sum::<usize>();
            n += count(group.pel.len());
            n += group
                .pel
                .iter()
                .map(|(p, nack)| {
                    id(p)
                        + bytes(&nack.consumer)
                        + varint_len(nack.delivery_time as u64)
                        + varint_len(nack.delivery_count)
                })
                .sum::<usize>();
        }
        n
    }

    /// Reads [`Stream::encode`]'s form; `None` if `buf` is not one.
    pub(super) fn decode(buf: &[u8]) -> Option<Stream> {
        let mut r = Reader(buf.strip_prefix(&[STREAM_TAG])?);
        let mut s = Stream {
            last_id: r.id()?,
            first_id: r.id()?,
            max_deleted: r.id()?,
            entries_added: r.varint()?,
            ..Stream::default()
        };
        for _ in 0..r.varint()? {
            let first = r.id()?;
            let node = Node {
                last: r.id()?,
                appended: u32::try_from(r.varint()?).ok()?,
                live: u32::try_from(r.varint()?).ok()?,
                bytes: u32::try_from(r.varint()?).ok()?,
            };
            if node.last < first || node.live > node.appended {
                return None;
            }
            s.nodes.insert(first, node);
        }
        for _ in 0..r.varint()? {
            let id = r.id()?;
            let fields = r.bytes()?;
            let n = packed::count_valid(fields)?;
            if n == 0 || !n.is_multiple_of(2) {
                return None;
            }
            s.entries.insert(id, Box::from(fields));
        }
        for _ in 0..r.varint()? {
            let name = Box::from(r.bytes()?);
            let last_id = r.id()?;
            let entries_read = i64::try_from(r.varint()?).ok()? - 1;
            let mut group = Group::new(last_id, entries_read);
            for _ in 0..r.varint()? {
                let consumer = Box::from(r.bytes()?);
                let seen_time = r.varint()? as i64;
                group.consumers.insert(
                    consumer,
                    Consumer {
                        seen_time,
                        pel: BTreeSet::new(),
                    },
                );
            }
            for _ in 0..r.varint()? {
                let id = r.id()?;
                let consumer: Box<[u8]> = Box::from(r.bytes()?);
                let nack = Nack {
                    delivery_time: r.varint()? as i64,
                    delivery_count: r.varint()?,
                    consumer: consumer.clone(),
                };
                group.consumers.get_mut(&consumer)?.pel.insert(id);
                group.pel.insert(id, nack);
            }
            s.groups.insert(name, group);
        }
        r.0.is_empty().then_some(s)
    }

    /// Bytes of heap the stream takes, for MEMORY USAGE (an estimate: each entry's buffer and
    /// B-tree share, each pending entry's and consumer's).
    pub(super) fn heap_bytes(&self) -> usize {
        let entries: usize = self.entries.values().map(|f| 48 + f.len()).sum();
        let groups: usize = self
            .groups
            .iter()
            .map(|(name, g)| {
                64 + name.len()
                    + g.pel.values().map(|n| 80 + n.consumer.len()).sum::<usize>()
                    + g.consumers.keys().map(|c| 64 + c.len()).sum::<usize>()
            })
            .sum();
        entries + 40 * self.nodes.len() + groups
    }
}

/// Bytes [`put_varint`] writes for `n`.
fn varint_len(n: u64) -> usize {
    (64 - (n | 1).leading_zeros() as usize).div_ceil(7)
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads the parts of a packed stream.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for (i, &b) in self.0.iter().enumerate().take(10) {
            n |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                self.0 = &self.0[i + 1..];
                return Some(n);
            }
        }
        None
    }

    fn id(&mut self) -> Option<StreamId> {
        Some(StreamId {
            ms: self.varint()?,
            seq: self.varint()?,
        })
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let (s, rest) = packed::take(self.0)?;
        self.0 = rest;
        Some(s)
    }
}

/// One entry as a reply: its ID and its fields and values.
fn entry_reply(id: StreamId, fields: &[u8]) -> pb::Reply {
    let fields = packed::strings(fields)
        .map(|f| reply::bulk(Bytes::copy_from_slice(f)))
        .collect();
    reply::array(vec![id.reply(), reply::array(fields)])
}

/// What the commands need of the keyspace: the stream under a key, and changing or creating
/// one. Implemented by `KvState`.
pub(super) trait Streams {
    /// The live stream under `key`; WRONGTYPE if the key holds another type.
    fn stream(&self, key: &[u8], now: i64) -> Result<Option<&Stream>, CommandError>;

    /// Runs `change` on the stream under `key` (which must be one); the key's version moves
    /// and blocked readers are told only if `change` says it changed something.
    fn update_stream<R>(
        &mut self,
        key: &[u8],
        now: i64,
        change: impl FnOnce(&mut Stream) -> (R, bool),
    ) -> Option<R>;

    /// Stores the new stream `stream` under the missing key `key`.
    fn create_stream(&mut self, key: &[u8], stream: Stream, now: i64);

    /// Publishes the stream event `event` about `key` (a keyspace notification, class `t`).
    fn stream_event(&mut self, event: &'static str, key: &[u8]);

    /// Notes that a write (XACK, XCLAIM, ...) looks `key` up to read it: a miss is told as
    /// `keymiss`, as Redis's read lookups do.
    fn stream_read(&mut self, key: &[u8], now: i64);
}

/// Whether the stream at `key` has the consumer `consumer` in its group `group`.
fn has_consumer(db: &impl Streams, key: &[u8], group: &[u8], consumer: &[u8], now: i64) -> bool {
    db.stream(key, now)
        .ok()
        .flatten()
        .and_then(|s| s.groups.get(group))
        .is_some_and(|g| g.consumers.contains_key(consumer))
}

/// Whether a command of this name (lowercase) is one of the stream commands below.
pub fn is_stream_command(name: &str) -> bool {
    matches!(
        name,
        "xadd"
            | "xtrim"
            | "xdel"
            | "xlen"
            | "xrange"
            | "xrevrange"
            | "xread"
            | "xreadgroup"
            | "xsetid"
            | "xgroup"
            | "xack"
            | "xpending"
            | "xclaim"
            | "xautoclaim"
            | "xinfo"
            | "__xlastids"
            | "__xreadgroup"
    )
}

/// Name of the internal write a blocked XREADGROUP is tried again as: the same command, but a
/// stream or group gone since it blocked answers Redis's errors for a blocked client.
pub const XREADGROUP_AGAIN: &str = "__XREADGROUP";

/// Name of the internal read that answers, for each stream, its last ID (`0-0` for a missing
/// key) and the ID XREAD's `+` reads after (see [`before_last`]), with which the server turns
/// `$` and `+` into IDs before it blocks.
pub const LAST_IDS: &str = "__XLASTIDS";

/// An XREAD or XREADGROUP with BLOCK, as the server needs it to wait.
#[derive(Debug, PartialEq, Eq)]
pub struct Blocking {
    /// The streams it reads.
    pub keys: Vec<Bytes>,
    /// Its timeout in ms; 0 waits for ever.
    pub timeout_ms: u64,
    /// Where the IDs start in `args` (one per key).
    pub ids_at: usize,
    /// XREAD, which only reads (XREADGROUP writes: it moves the group).
    pub read_only: bool,
}

/// What a blocking XREAD or XREADGROUP waits on, if `args` (name first) is one whose options
/// parse; `None` for anything else, which then runs (and fails) as any command does.
pub fn blocking(args: &[Bytes]) -> Option<Blocking> {
    let name = args.first()?;
    let group_read = is(name, "xreadgroup");
    if !is(name, "xread") && !group_read {
        return None;
    }
    let opts = ReadOptions::parse(&args[1..], group_read).ok()?;
    let timeout_ms = opts.block?;
    Some(Blocking {
        keys: opts.keys.to_vec(),
        timeout_ms,
        ids_at: args.len() - opts.ids.len(),
        read_only: !group_read,
    })
}

/// The keys of XREAD or XREADGROUP (`name`), from `args` after the name; `None` when their
/// options do not parse.
pub fn read_keys(name: &str, args: &[Bytes]) -> Option<Vec<Bytes>> {
    let opts = ReadOptions::parse(args, name == "xreadgroup").ok()?;
    Some(opts.keys.to_vec())
}

/// XREAD's and XREADGROUP's options.
struct ReadOptions<'a> {
    count: usize,
    block: Option<u64>,
    group: Option<(&'a Bytes, &'a Bytes)>,
    noack: bool,
    keys: &'a [Bytes],
    ids: &'a [Bytes],
}

impl<'a> ReadOptions<'a> {
    /// Parses the options (`args` after the command's name).
    fn parse(args: &'a [Bytes], group_read: bool) -> Result<ReadOptions<'a>, CommandError> {
        let mut opts = ReadOptions {
            count: 0,
            block: None,
            group: None,
            noack: false,
            keys: &[],
            ids: &[],
        };
        let mut streams = None;
        let mut i = 0;
        while i < args.len() {
            let more = args.len() - i - 1;
            let a = &args[i];
            if is(a, "block") && more > 0 {
                i += 1;
                let ms = parse_i64_strict(&args[i]).ok_or(CommandError::Message(
                    "timeout is not an integer or out of range",
                ))?;
                if ms < 0 {
                    return Err(CommandError::Message("timeout is negative"));
                }
                opts.block = Some(ms as u64);
            } else if is(a, "count") && more > 0 {
                i += 1;
                opts.count = integer(&args[i], None)?.max(0) as usize;
            } else if is(a, "streams") && more > 0 {
                let rest = &args[i + 1..];
                if !rest.len().is_multiple_of(2) {
                    // Redis 7.0 says XREAD and '$' for XREADGROUP too.
                    return Err(CommandError::Message(
                        "Unbalanced XREAD list of streams: for each stream key an ID or '$' \
                         must be specified.",
                    ));
                }
                let half = rest.len() / 2;
                opts.keys = &rest[..half];
                opts.ids = &rest[half..];
                streams = Some(());
                break;
            } else if is(a, "group") && more >= 2 {
                if !group_read {
                    return Err(CommandError::Message(
                        "The GROUP option is only supported by XREADGROUP. You called XREAD \
                         instead.",
                    ));
                }
                opts.group = Some((&args[i + 1], &args[i + 2]));
                i += 2;
            } else if is(a, "noack") {
                if !group_read {
                    return Err(CommandError::Message(
                        "The NOACK option is only supported by XREADGROUP. You called XREAD \
                         instead.",
                    ));
                }
                opts.noack = true;
            } else {
                return Err(CommandError::Syntax);
            }
            i += 1;
        }
        if streams.is_none() {
            return Err(CommandError::Syntax);
        }
        if group_read && opts.group.is_none() {
            return Err(CommandError::Message("Missing GROUP option for XREADGROUP"));
        }
        Ok(opts)
    }
}

/// Runs a stream command that writes (`args` without the name); `name` is lowercase.
pub(super) fn write(
    db: &mut impl Streams,
    name: &str,
    args: &[Bytes],
    now: i64,
) -> Result<pb::Reply, CommandError> {
    match name {
        "xadd" => xadd(db, args, now),
        "xtrim" => xtrim(db, args, now),
        "xdel" => xdel(db, args, now),
        "xsetid" => xsetid(db, args, now),
        "xgroup" => xgroup(db, args, now),
        "xreadgroup" => xreadgroup(db, args, now, false),
        "__xreadgroup" => xreadgroup(db, args, now, true),
        "xack" => xack(db, args, now),
        "xclaim" => xclaim(db, args, now),
        "xautoclaim" => xautoclaim(db, args, now),
        _ => read(db, name, args, now),
    }
}

/// Runs a stream command that only reads (`args` without the name); `name` is lowercase.
pub(super) fn read(
    db: &impl Streams,
    name: &str,
    args: &[Bytes],
    now: i64,
) -> Result<pb::Reply, CommandError> {
    match name {
        "xlen" => Ok(reply::integer(
            db.stream(&args[0], now)?.map_or(0, Stream::len) as i64,
        )),
        "xrange" => xrange(db, args, now, false),
        "xrevrange" => xrange(db, args, now, true),
        "xread" => xread(db, args, now),
        "xpending" => xpending(db, args, now),
        "xinfo" => xinfo(db, args, now),
        "xgroup" => Ok(xgroup_help()),
        // A key of another type answers nil: its `$` stays, and XREAD itself then refuses
        // it in its turn, after the IDs of the streams before it, as Redis does.
        "__xlastids" => Ok(reply::array(
            args.iter()
                .map(|key| match db.stream(key, now) {
                    Ok(s) => reply::array(vec![
                        s.map_or(StreamId::ZERO, |s| s.last_id).reply(),
                        before_last(s).reply(),
                    ]),
                    Err(_) => reply::null(),
                })
                .collect(),
        )),
        _ => Err(CommandError::NotAllowed("not a stream read")),
    }
}

/// XADD's and XTRIM's options: the trim (if any), whether NOMKSTREAM was given, where the ID
/// is (XADD) or the options ended (XTRIM), and XADD's ID with whether its sequence was given
/// (`None` for `*` or no ID).
type TrimArgs = (Option<Trim>, bool, usize, Option<(StreamId, bool)>);

/// Parses XADD's and XTRIM's options from `args[1..]`.
fn parse_trim(args: &[Bytes], xadd: bool) -> Result<TrimArgs, CommandError> {
    let mut strategy = None;
    let mut approx = false;
    let mut limit: Option<u64> = None;
    let mut nomkstream = false;
    let mut given = None;
    let mut i = 1;
    while i < args.len() {
        let more = args.len() - 1 - i;
        let a = &args[i];
        if xadd && a.as_ref() == b"*" {
            break;
        } else if (is(a, "maxlen") || is(a, "minid")) && more > 0 {
            if strategy.is_some() {
                return Err(CommandError::Message(
                    "syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            approx = false;
            let next = &args[i + 1];
            if more >= 2 && next.as_ref() == b"~" {
                approx = true;
                i += 1;
            } else if more >= 2 && next.as_ref() == b"=" {
                i += 1;
            }
            let value = &args[i + 1];
            strategy = Some(if is(a, "maxlen") {
                let max = integer(value, None)?;
                if max < 0 {
                    return Err(CommandError::Message("The MAXLEN argument must be >= 0."));
                }
                Strategy::MaxLen(max as u64)
            } else {
                Strategy::MinId(strict_id(value)?)
            });
            i += 1;
        } else if is(a, "limit") && more > 0 {
            let n = integer(&args[i + 1], None)?;
            if n < 0 {
                return Err(CommandError::Message("The LIMIT argument must be >= 0."));
            }
            limit = Some(n as u64);
            i += 1;
        } else if xadd && is(a, "nomkstream") {
            nomkstream = true;
        } else if xadd {
            // Anything else is the ID, which Redis parses here, before the checks below.
            given = Some(parse_id(a, IdForm::AutoSeq, 0)?);
            break;
        } else {
            return Err(CommandError::Syntax);
        }
        i += 1;
    }
    if limit.is_some_and(|n| n > 0) && strategy.is_none() {
        return Err(CommandError::Message(
            "syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && strategy.is_none() {
        return Err(CommandError::Message(
            "syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    let limit = match limit {
        Some(_) if !approx => {
            return Err(CommandError::Message(
                "syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
        Some(n) => n,
        None if approx => DEFAULT_TRIM_LIMIT,
        None => 0,
    };
    let trim = strategy.map(|strategy| Trim {
        strategy,
        approx,
        limit,
    });
    Ok((trim, nomkstream, i, given))
}

fn xadd(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let key = &args[0];
    // `at` is past the end when the options ran out before an ID.
    let (trim, nomkstream, at, parsed) = parse_trim(args, true)?;
    let (given, seq_given) = match parsed {
        Some((id, seq_given)) => (Some(id), seq_given),
        None => (None, true),
    };
    let fields = args.get(at + 1..).unwrap_or_default();
    if fields.len() < 2 || !fields.len().is_multiple_of(2) {
        return Err(CommandError::Arity("xadd".into()));
    }
    if given == Some(StreamId::ZERO) && seq_given {
        return Err(CommandError::Message(
            "The ID specified in XADD must be greater than 0-0",
        ));
    }
    let add = |s: &mut Stream| -> Result<(StreamId, u64), CommandError> {
        if s.last_id == StreamId::MAX {
            return Err(CommandError::Message(
                "The stream has exhausted the last possible ID, unable to add more items",
            ));
        }
        let smaller = CommandError::Message(
            "The ID specified in XADD is equal or smaller than the target stream top item",
        );
        let id = match given {
            Some(id) if seq_given => id,
            Some(id) if id.ms == s.last_id.ms => StreamId {
                ms: id.ms,
                seq: s.last_id.seq.checked_add(1).ok_or(smaller.clone())?,
            },
            Some(id) => id,
            None => {
                let ms = u64::try_from(now).unwrap_or(0);
                if ms > s.last_id.ms {
                    StreamId { ms, seq: 0 }
                } else {
                    s.last_id.incr().ok_or(smaller.clone())?
                }
            }
        };
        if id <= s.last_id {
            return Err(smaller);
        }
        s.append(id, fields);
        let trimmed = trim.map_or(0, |trim| s.trim(trim));
        Ok((id, trimmed))
    };
    let (id, trimmed) = if db.stream(key, now)?.is_some() {
        db.update_stream(key, now, |s| {
            let result = add(s);
            let changed = result.is_ok();
            (result, changed)
        })
        .unwrap_or(Err(CommandError::WrongType))?
    } else if nomkstream {
        return Ok(reply::null());
    } else {
        let mut s = Stream::default();
        let added = add(&mut s)?;
        db.create_stream(key, s, now);
        added
    };
    db.stream_event("xadd", key);
    if trimmed > 0 {
        db.stream_event("xtrim", key);
    }
    Ok(id.reply())
}

fn xtrim(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let (trim, ..) = parse_trim(args, false)?;
    let Some(trim) = trim else {
        return Err(CommandError::Syntax);
    };
    if db.stream(&args[0], now)?.is_none() {
        return Ok(reply::integer(0));
    }
    let deleted = db
        .update_stream(&args[0], now, |s| {
            let n = s.trim(trim);
            (n, n > 0)
        })
        .unwrap_or(0);
    if deleted > 0 {
        db.stream_event("xtrim", &args[0]);
    }
    Ok(reply::integer(deleted as i64))
}

fn xdel(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    if db.stream(&args[0], now)?.is_none() {
        return Ok(reply::integer(0));
    }
    let ids = args[1..]
        .iter()
        .map(|a| strict_id(a))
        .collect::<Result<Vec<_>, _>>()?;
    let deleted = db
        .update_stream(&args[0], now, |s| {
            let mut deleted = 0;
            let mut first = false;
            for &id in &ids {
                if s.remove_entry(id) {
                    first |= id == s.first_id;
                    s.max_deleted = s.max_deleted.max(id);
                    deleted += 1;
                }
            }
            if s.entries.is_empty() {
                s.first_id = StreamId::ZERO;
            } else if first {
                s.refresh_first();
            }
            (deleted, deleted > 0)
        })
        .unwrap_or(0);
    if deleted > 0 {
        db.stream_event("xdel", &args[0]);
    }
    Ok(reply::integer(deleted))
}

fn xsetid(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let id = strict_id(&args[1])?;
    let mut entries_added = None;
    let mut max_deleted = StreamId::ZERO;
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if is(&args[i], "entriesadded") && more > 0 {
            let n = integer(&args[i + 1], None)?;
            if n < 0 {
                return Err(CommandError::Message("entries_added must be positive"));
            }
            entries_added = Some(n as u64);
        } else if is(&args[i], "maxdeletedid") && more > 0 {
            max_deleted = strict_id(&args[i + 1])?;
            if id < max_deleted {
                return Err(CommandError::Message(
                    "The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
        } else {
            return Err(CommandError::Syntax);
        }
        i += 2;
    }
    let Some(s) = db.stream(&args[0], now)? else {
        return Err(CommandError::NoSuchKey);
    };
    if id < s.max_deleted {
        return Err(CommandError::Message(
            "The ID specified in XSETID is smaller than current max_deleted_entry_id",
        ));
    }
    if let Some(top) = s.last_valid() {
        if id < top {
            return Err(CommandError::Message(
                "The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if entries_added.is_some_and(|n| (s.len() as u64) > n) {
            return Err(CommandError::Message(
                "The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    db.update_stream(&args[0], now, |s| {
        s.last_id = id;
        if let Some(n) = entries_added {
            s.entries_added = n;
        }
        if max_deleted != StreamId::ZERO {
            s.max_deleted = max_deleted;
        }
        ((), true)
    });
    db.stream_event("xsetid", &args[0]);
    Ok(reply::ok())
}

fn xrange(
    db: &impl Streams,
    args: &[Bytes],
    now: i64,
    rev: bool,
) -> Result<pb::Reply, CommandError> {
    let (start, end) = if rev {
        (&args[2], &args[1])
    } else {
        (&args[1], &args[2])
    };
    let start = interval_start(start)?;
    let end = interval_end(end)?;
    let mut count: Option<usize> = None;
    let mut i = 3;
    while i < args.len() {
        if is(&args[i], "count") && i + 1 < args.len() {
            count = Some(integer(&args[i + 1], None)?.max(0) as usize);
            i += 2;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    // As in Redis, a missing key answers an empty array even with COUNT 0.
    let Some(s) = db.stream(&args[0], now)? else {
        return Ok(reply::array(Vec::new()));
    };
    if count == Some(0) {
        return Ok(reply::null_array());
    }
    let items = s
        .range(start, end, rev)
        .take(count.unwrap_or(usize::MAX))
        .map(|(id, f)| entry_reply(id, f))
        .collect();
    Ok(reply::array(items))
}

/// XREAD's streams as a reply: an array of `[key, entries]` in RESP2, a map in RESP3.
fn streams_reply(items: Vec<pb::Reply>) -> pb::Reply {
    if items.is_empty() {
        return reply::null_array();
    }
    reply::keyed(items)
}

/// What XREAD's `+` (Redis 7.4) reads after: the ID just before the stream's last entry, so
/// that the read returns that entry; for an empty or missing stream, its last ID (`0-0` when
/// missing), so that only entries added later are read.
fn before_last(s: Option<&Stream>) -> StreamId {
    match s {
        Some(s) => s.last_valid().and_then(StreamId::decr).unwrap_or(s.last_id),
        None => StreamId::ZERO,
    }
}

fn xread(db: &impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let opts = ReadOptions::parse(args, false)?;
    let mut after = Vec::with_capacity(opts.keys.len());
    for (key, id) in opts.keys.iter().zip(opts.ids) {
        let s = db.stream(key, now)?;
        after.push(match id.as_ref() {
            b"$" => s.map_or(StreamId::ZERO, |s| s.last_id),
            b"+" => before_last(s),
            b">" => {
                return Err(CommandError::Message(
                    "The > ID can be specified only when calling XREADGROUP using the GROUP \
                     <group> <consumer> option.",
                ));
            }
            id => strict_id(id)?,
        });
    }
    let mut out = Vec::new();
    for (key, after) in opts.keys.iter().zip(after) {
        let Some(s) = db.stream(key, now)? else {
            continue;
        };
        if s.last_valid().is_none_or(|top| top <= after) {
            continue;
        }
        let Some(start) = after.incr() else {
            continue;
        };
        let take = if opts.count == 0 {
            usize::MAX
        } else {
            opts.count
        };
        let entries = s
            .range(start, StreamId::MAX, false)
            .take(take)
            .map(|(id, f)| entry_reply(id, f))
            .collect();
        out.push(reply::bulk(key.clone()));
        out.push(reply::array(entries));
    }
    Ok(streams_reply(out))
}

fn no_group(key: &[u8], group: &[u8], what: &str) -> CommandError {
    CommandError::Raw(format!(
        "NOGROUP No such key '{}' or consumer group '{}'{what}",
        String::from_utf8_lossy(key),
        String::from_utf8_lossy(group)
    ))
}

/// Where XREADGROUP reads a stream from.
#[derive(Clone, Copy)]
enum GroupRead {
    /// `>`: entries never delivered to the group.
    New,
    /// The consumer's own pending entries after this ID.
    History(StreamId),
}

fn xreadgroup(
    db: &mut impl Streams,
    args: &[Bytes],
    now: i64,
    again: bool,
) -> Result<pb::Reply, CommandError> {
    let opts = ReadOptions::parse(args, true)?;
    let Some((group, consumer)) = opts.group else {
        return Err(CommandError::Syntax);
    };
    let mut reads = Vec::with_capacity(opts.keys.len());
    for (key, id) in opts.keys.iter().zip(opts.ids) {
        db.stream_read(key, now);
        let found = match db.stream(key, now) {
            Ok(None) | Err(_) if again => {
                return Err(CommandError::Full(
                    "UNBLOCKED the stream key no longer exists",
                ));
            }
            found => found?,
        };
        if found.is_none_or(|s| !s.groups.contains_key(group.as_ref())) {
            if again {
                return Err(CommandError::Full(
                    "NOGROUP the consumer group this client was blocked on no longer exists",
                ));
            }
            return Err(no_group(key, group, " in XREADGROUP with GROUP option"));
        }
        reads.push(match id.as_ref() {
            b"$" => {
                return Err(CommandError::Message(
                    "The $ ID is meaningless in the context of XREADGROUP: you want to read the \
                     history of this consumer by specifying a proper ID, or use the > ID to get \
                     new messages. The $ ID would just return an empty result set.",
                ));
            }
            b"+" => {
                return Err(CommandError::Message(
                    "The + ID is meaningless in the context of XREADGROUP: you want to read the \
                     history of this consumer by specifying a proper ID, or use the > ID to get \
                     new messages. The + ID would just return an empty result set.",
                ));
            }
            b">" => GroupRead::New,
            id => GroupRead::History(strict_id(id)?),
        });
    }
    let mut out = Vec::new();
    for (key, read) in opts.keys.iter().zip(reads) {
        let had = has_consumer(db, key, group, consumer, now);
        let served = db.update_stream(key, now, |s| {
            let served = read_group(s, group, consumer, read, opts.count, opts.noack, now);
            // Serving nothing changes only the consumer's last-seen time, which is no change
            // to WATCH, nor to blocked readers: telling them would wake them all to try again
            // and again.
            let changed = served.as_ref().is_some_and(|e| !e.is_empty());
            (served, changed)
        });
        if !had && has_consumer(db, key, group, consumer, now) {
            db.stream_event("xgroup-createconsumer", key);
        }
        if let Some(Some(entries)) = served {
            out.push(reply::bulk(key.clone()));
            out.push(reply::array(entries));
        }
    }
    Ok(streams_reply(out))
}

/// XREADGROUP on one stream: the entries served, or `None` if there is nothing to serve.
fn read_group(
    s: &mut Stream,
    group_name: &[u8],
    consumer: &[u8],
    read: GroupRead,
    count: usize,
    noack: bool,
    now: i64,
) -> Option<Vec<pb::Reply>> {
    let top = s.last_valid();
    let take = if count == 0 { usize::MAX } else { count };
    // What Redis's read counter needs to know of each entry served (see `Stream::lag`),
    // computed before the group is borrowed.
    let picked: Vec<(StreamId, bool, i64)> = match (read, s.groups.get(group_name)) {
        (GroupRead::New, Some(group)) if top.is_some_and(|top| top > group.last_id) => {
            match group.last_id.incr() {
                Some(start) => s
                    .entries
                    .range(start..)
                    .take(take)
                    .map(|(id, _)| (*id, s.tombstones_from(*id), s.entries_up_to(*id)))
                    .collect(),
                None => Vec::new(),
            }
        }
        (GroupRead::New, _) => return None,
        (GroupRead::History(_), _) => Vec::new(),
    };
    let entries_added = s.entries_added;
    let Stream {
        entries, groups, ..
    } = &mut *s;
    let group = groups.get_mut(group_name)?;
    group.consumer(consumer, now);
    match read {
        GroupRead::History(after) => {
            let start = after.incr()?;
            let ids: Vec<StreamId> = group
                .consumers
                .get(consumer)
                .map(|c| c.pel.range(start..).take(take).copied().collect())
                .unwrap_or_default();
            let mut served = Vec::with_capacity(ids.len());
            for id in ids {
                match entries.get(&id) {
                    Some(fields) => {
                        if let Some(nack) = group.pel.get_mut(&id) {
                            nack.delivery_time = now;
                            nack.delivery_count += 1;
                        }
                        served.push(entry_reply(id, fields));
                    }
                    None => served.push(reply::array(vec![id.reply(), reply::null_array()])),
                }
            }
            Some(served)
        }
        GroupRead::New => {
            let mut served = Vec::with_capacity(picked.len());
            for (id, tombstones_ahead, estimate) in picked {
                if id > group.last_id {
                    if group.entries_read != UNKNOWN_READ && !tombstones_ahead {
                        group.entries_read += 1;
                    } else if entries_added > 0 {
                        group.entries_read = estimate;
                    }
                    group.last_id = id;
                }
                if let Some(fields) = entries.get(&id) {
                    served.push(entry_reply(id, fields));
                }
                if !noack {
                    group.pel.entry(id).or_insert_with(|| Nack {
                        consumer: Box::from(consumer),
                        delivery_time: now,
                        delivery_count: 1,
                    });
                    group.assign(id, consumer);
                    if let Some(nack) = group.pel.get_mut(&id) {
                        nack.delivery_time = now;
                        nack.delivery_count = 1;
                    }
                }
            }
            Some(served)
        }
    }
}

fn xack(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    db.stream_read(&args[0], now);
    let has_group = db
        .stream(&args[0], now)?
        .is_some_and(|s| s.groups.contains_key(args[1].as_ref()));
    if !has_group {
        return Ok(reply::integer(0));
    }
    let ids = args[2..]
        .iter()
        .map(|a| strict_id(a))
        .collect::<Result<Vec<_>, _>>()?;
    let acked = db
        .update_stream(&args[0], now, |s| {
            let Some(group) = s.groups.get_mut(args[1].as_ref()) else {
                return (0, false);
            };
            let n = ids.iter().filter(|&&id| group.forget(id)).count();
            (n, n > 0)
        })
        .unwrap_or(0);
    Ok(reply::integer(acked as i64))
}

fn xpending(db: &impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let (key, group_name) = (&args[0], &args[1]);
    if args.len() != 2 && !(5..=8).contains(&args.len()) {
        return Err(CommandError::Syntax);
    }
    let mut range = None;
    if args.len() >= 5 {
        let mut at = 2;
        let mut min_idle = 0;
        if is(&args[2], "idle") {
            min_idle = integer(&args[3], None)?;
            if args.len() < 7 {
                return Err(CommandError::Syntax);
            }
            at += 2;
        }
        let count = integer(&args[at + 2], None)?.max(0) as usize;
        let start = interval_start(&args[at])?;
        let end = interval_end(&args[at + 1])?;
        let consumer = args.get(at + 3);
        range = Some((min_idle, start, end, count, consumer));
    }
    let group = db
        .stream(key, now)?
        .and_then(|s| s.groups.get(group_name.as_ref()))
        .ok_or_else(|| no_group(key, group_name, ""))?;
    let Some((min_idle, start, end, count, consumer)) = range else {
        let (Some((first, _)), Some((last, _))) =
            (group.pel.iter().next(), group.pel.iter().next_back())
        else {
            return Ok(reply::array(vec![
                reply::integer(0),
                reply::null(),
                reply::null(),
                reply::null_array(),
            ]));
        };
        let owners = group
            .consumers
            .iter()
            .filter(|(_, c)| !c.pel.is_empty())
            .map(|(name, c)| {
                reply::array(vec![
                    reply::bulk(Bytes::copy_from_slice(name)),
                    reply::bulk(Bytes::from(c.pel.len().to_string())),
                ])
            })
            .collect();
        return Ok(reply::array(vec![
            reply::integer(group.pel.len() as i64),
            first.reply(),
            last.reply(),
            reply::array(owners),
        ]));
    };
    let ids: Box<dyn Iterator<Item = StreamId>> = match consumer {
        Some(name) => match group.consumers.get(name.as_ref()) {
            Some(c) if start <= end => Box::new(c.pel.range(start..=end).copied()),
            Some(_) => Box::new(std::iter::empty()),
            None => return Ok(reply::array(Vec::new())),
        },
        None if start <= end => Box::new(group.pel.range(start..=end).map(|(id, _)| *id)),
        None => Box::new(std::iter::empty()),
    };
    let mut out = Vec::new();
    for id in ids {
        if out.len() >= count {
            break;
        }
        let Some(nack) = group.pel.get(&id) else {
            continue;
        };
        let idle = now.saturating_sub(nack.delivery_time);
        if min_idle != 0 && idle < min_idle {
            continue;
        }
        out.push(reply::array(vec![
            id.reply(),
            reply::bulk(Bytes::copy_from_slice(&nack.consumer)),
            reply::integer(idle.max(0)),
            reply::integer(nack.delivery_count as i64),
        ]));
    }
    Ok(reply::array(out))
}

fn xclaim(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let (key, group_name, consumer) = (&args[0], &args[1], &args[2]);
    db.stream_read(key, now);
    let has_group = db
        .stream(key, now)?
        .is_some_and(|s| s.groups.contains_key(group_name.as_ref()));
    if !has_group {
        return Err(no_group(key, group_name, ""));
    }
    let had = has_consumer(db, key, group_name, consumer, now);
    let min_idle = integer(&args[3], Some("Invalid min-idle-time argument for XCLAIM"))?.max(0);
    let mut ids = Vec::new();
    let mut j = 4;
    while j < args.len() {
        match strict_id(&args[j]) {
            Ok(id) => ids.push(id),
            Err(_) => break,
        }
        j += 1;
    }
    let mut delivery: Option<i64> = None;
    let mut retry: Option<i64> = None;
    let (mut force, mut justid) = (false, false);
    let mut last_id = StreamId::ZERO;
    while j < args.len() {
        let more = args.len() - 1 - j;
        let a = &args[j];
        if is(a, "force") {
            force = true;
        } else if is(a, "justid") {
            justid = true;
        } else if is(a, "idle") && more > 0 {
            j += 1;
            let idle = integer(&args[j], Some("Invalid IDLE option argument for XCLAIM"))?;
            delivery = Some(now.saturating_sub(idle));
        } else if is(a, "time") && more > 0 {
            j += 1;
            delivery = Some(integer(
                &args[j],
                Some("Invalid TIME option argument for XCLAIM"),
            )?);
        } else if is(a, "retrycount") && more > 0 {
            j += 1;
            retry = Some(integer(
                &args[j],
                Some("Invalid RETRYCOUNT option argument for XCLAIM"),
            )?);
        } else if is(a, "lastid") && more > 0 {
            j += 1;
            last_id = strict_id(&args[j])?;
        } else {
            return Err(CommandError::Owned(format!(
                "Unrecognized XCLAIM option '{}'",
                String::from_utf8_lossy(a)
            )));
        }
        j += 1;
    }
    let delivery = match delivery {
        Some(t) if (0..=now).contains(&t) => t,
        _ => now,
    };
    let claimed = db.update_stream(key, now, |s| {
        let Stream {
            entries, groups, ..
        } = &mut *s;
        let Some(group) = groups.get_mut(group_name.as_ref()) else {
            return (Vec::new(), false);
        };
        let mut changed = last_id > group.last_id;
        if changed {
            group.last_id = last_id;
        }
        let mut out = Vec::new();
        for &id in &ids {
            let Some(fields) = entries.get(&id) else {
                changed |= group.forget(id);
                continue;
            };
            let created = force && !group.pel.contains_key(&id);
            if created {
                group.pel.insert(
                    id,
                    Nack {
                        consumer: Box::default(),
                        delivery_time: now,
                        delivery_count: 0,
                    },
                );
            }
            let Some(nack) = group.pel.get(&id) else {
                continue;
            };
            if !created && min_idle != 0 && now.saturating_sub(nack.delivery_time) < min_idle {
                continue;
            }
            group.consumer(consumer, now);
            group.assign(id, consumer);
            if let Some(nack) = group.pel.get_mut(&id) {
                nack.delivery_time = delivery;
                match retry {
                    Some(n) if n >= 0 => nack.delivery_count = n as u64,
                    _ if !justid => nack.delivery_count += 1,
                    _ => {}
                }
            }
            out.push(if justid {
                id.reply()
            } else {
                entry_reply(id, fields)
            });
        }
        changed |= !out.is_empty();
        (out, changed)
    });
    if !had && has_consumer(db, key, group_name, consumer, now) {
        db.stream_event("xgroup-createconsumer", key);
    }
    Ok(reply::array(claimed.unwrap_or_default()))
}

fn xautoclaim(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let (key, group_name, consumer) = (&args[0], &args[1], &args[2]);
    let min_idle = integer(
        &args[3],
        Some("Invalid min-idle-time argument for XAUTOCLAIM"),
    )?
    .max(0);
    let start = interval_start(&args[4])?;
    let mut count: u64 = 100;
    let mut justid = false;
    let mut j = 5;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if is(&args[j], "count") && more > 0 {
            let max = i64::MAX / 16;
            count = parse_i64_strict(&args[j + 1])
                .filter(|n| (1..=max).contains(n))
                .ok_or(CommandError::Message("COUNT must be > 0"))? as u64;
            j += 1;
        } else if is(&args[j], "justid") {
            justid = true;
        } else {
            return Err(CommandError::Syntax);
        }
        j += 1;
    }
    db.stream_read(key, now);
    let has_group = db
        .stream(key, now)?
        .is_some_and(|s| s.groups.contains_key(group_name.as_ref()));
    if !has_group {
        return Err(no_group(key, group_name, ""));
    }
    let had = has_consumer(db, key, group_name, consumer, now);
    let result = db.update_stream(key, now, |s| {
        let Stream {
            entries, groups, ..
        } = &mut *s;
        let Some(group) = groups.get_mut(group_name.as_ref()) else {
            return (reply::array(Vec::new()), false);
        };
        let mut attempts = count.saturating_mul(AUTOCLAIM_ATTEMPTS_FACTOR);
        let mut count = count;
        let mut claimed = Vec::new();
        let mut deleted = Vec::new();
        // The pending entries from `start` on, each looked up after the one before.
        let mut from = Bound::Included(start);
        let mut next = StreamId::ZERO;
        while let Some(id) = group
            .pel
            .range((from, Bound::Unbounded))
            .next()
            .map(|(id, _)| *id)
        {
            if attempts == 0 || count == 0 {
                next = id;
                break;
            }
            attempts -= 1;
            from = Bound::Excluded(id);
            let Some(fields) = entries.get(&id) else {
                group.forget(id);
                deleted.push(id.reply());
                count -= 1;
                continue;
            };
            let idle = group
                .pel
                .get(&id)
                .map_or(0, |n| now.saturating_sub(n.delivery_time));
            if min_idle != 0 && idle < min_idle {
                continue;
            }
            group.consumer(consumer, now);
            group.assign(id, consumer);
            if let Some(nack) = group.pel.get_mut(&id) {
                nack.delivery_time = now;
                if !justid {
                    nack.delivery_count += 1;
                }
            }
            claimed.push(if justid {
                id.reply()
            } else {
                entry_reply(id, fields)
            });
            count -= 1;
        }
        let changed = !claimed.is_empty() || !deleted.is_empty();
        let out = reply::array(vec![
            next.reply(),
            reply::array(claimed),
            reply::array(deleted),
        ]);
        (out, changed)
    });
    if !had && has_consumer(db, key, group_name, consumer, now) {
        db.stream_event("xgroup-createconsumer", key);
    }
    Ok(result.unwrap_or_else(|| reply::array(Vec::new())))
}

fn xgroup_help() -> pb::Reply {
    help_reply(
        "XGROUP",
        &[
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ],
    )
}

fn xinfo_help() -> pb::Reply {
    help_reply(
        "XINFO",
        &[
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ],
    )
}

/// A HELP reply in Redis's form.
fn help_reply(command: &str, lines: &[&str]) -> pb::Reply {
    let mut out = vec![reply::simple(&format!(
        "{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    ))];
    out.extend(lines.iter().map(|l| reply::simple(l)));
    out.push(reply::simple("HELP"));
    out.push(reply::simple("    Prints this help."));
    reply::array(out)
}

fn unknown_subcommand(sub: &[u8], command: &'static str) -> CommandError {
    CommandError::Owned(format!(
        "unknown subcommand or wrong number of arguments for '{}'. Try {command} HELP.",
        String::from_utf8_lossy(sub)
    ))
}

fn xgroup(db: &mut impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let sub = &args[0];
    if args.len() == 1 && is(sub, "help") {
        return Ok(xgroup_help());
    }
    let mut mkstream = false;
    let mut entries_read = UNKNOWN_READ;
    if args.len() < 3 {
        return Err(unknown_subcommand(sub, "XGROUP"));
    }
    let check_read = |n: i64| {
        if n < 0 && n != UNKNOWN_READ {
            Err(CommandError::Message(
                "value for ENTRIESREAD must be positive or -1",
            ))
        } else {
            Ok(n)
        }
    };
    if is(sub, "create") && args.len() >= 5 {
        let mut i = 4;
        while i < args.len() {
            if is(&args[i], "mkstream") {
                mkstream = true;
                i += 1;
            } else if is(&args[i], "entriesread") && i + 1 < args.len() {
                entries_read = check_read(integer(&args[i + 1], None)?)?;
                i += 2;
            } else {
                return Err(unknown_subcommand(sub, "XGROUP"));
            }
        }
    }
    // SETID's option, like CREATE's, is checked before the key, as Redis does.
    if is(sub, "setid") && args.len() > 4 {
        let mut i = 4;
        if is(&args[4], "entriesread") && args.len() > 5 {
            entries_read = check_read(integer(&args[5], None)?)?;
            i = 6;
        }
        if i < args.len() {
            return Err(unknown_subcommand(sub, "XGROUP"));
        }
    }
    let (key, group) = (&args[1], &args[2]);
    let found = db.stream(key, now)?;
    if found.is_none() && !(is(sub, "create") && mkstream) {
        return Err(CommandError::Message(
            "The XGROUP subcommand requires the key to exist. Note that for CREATE you may want \
             to use the MKSTREAM option to create an empty stream automatically.",
        ));
    }
    let exists = found.is_some_and(|s| s.groups.contains_key(group.as_ref()));
    let last_id = found.map_or(StreamId::ZERO, |s| s.last_id);
    if !exists && (is(sub, "setid") || is(sub, "createconsumer") || is(sub, "delconsumer")) {
        return Err(CommandError::Raw(format!(
            "NOGROUP No such consumer group '{}' for key name '{}'",
            String::from_utf8_lossy(group),
            String::from_utf8_lossy(key)
        )));
    }
    let name: Box<[u8]> = Box::from(group.as_ref());
    if is(sub, "create") && (4..=7).contains(&args.len()) {
        let id = match args[3].as_ref() {
            b"$" => last_id,
            id => strict_id(id)?,
        };
        if exists {
            return Err(CommandError::Full(
                "BUSYGROUP Consumer Group name already exists",
            ));
        }
        let new = Group::new(id, entries_read);
        if found.is_some() {
            db.update_stream(key, now, |s| (s.groups.insert(name, new), true));
        } else {
            let mut s = Stream::default();
            s.groups.insert(name, new);
            db.create_stream(key, s, now);
        }
        db.stream_event("xgroup-create", key);
        return Ok(reply::ok());
    }
    if is(sub, "setid") && (args.len() == 4 || args.len() == 6) {
        let id = match args[3].as_ref() {
            b"$" => last_id,
            id => parse_id(id, IdForm::Bounds, 0)?.0,
        };
        db.update_stream(key, now, |s| {
            if let Some(g) = s.groups.get_mut(&name) {
                g.last_id = id;
                g.entries_read = entries_read;
            }
            ((), true)
        });
        db.stream_event("xgroup-setid", key);
        return Ok(reply::ok());
    }
    if is(sub, "destroy") && args.len() == 3 {
        if !exists {
            return Ok(reply::integer(0));
        }
        db.update_stream(key, now, |s| (s.groups.remove(&name), true));
        db.stream_event("xgroup-destroy", key);
        return Ok(reply::integer(1));
    }
    if is(sub, "createconsumer") && args.len() == 4 {
        let created = db
            .update_stream(key, now, |s| {
                let Some(g) = s.groups.get_mut(&name) else {
                    return (false, false);
                };
                if g.consumers.contains_key(args[3].as_ref()) {
                    return (false, false);
                }
                g.consumer(&args[3], now);
                (true, true)
            })
            .unwrap_or(false);
        if created {
            db.stream_event("xgroup-createconsumer", key);
        }
        return Ok(reply::integer(i64::from(created)));
    }
    if is(sub, "delconsumer") && args.len() == 4 {
        let pending = db
            .update_stream(key, now, |s| {
                let Some(g) = s.groups.get_mut(&name) else {
                    return (None, false);
                };
                let Some(c) = g.consumers.remove(args[3].as_ref()) else {
                    return (None, false);
                };
                for id in &c.pel {
                    g.pel.remove(id);
                }
                (Some(c.pel.len()), true)
            })
            .flatten();
        if pending.is_some() {
            db.stream_event("xgroup-delconsumer", key);
        }
        return Ok(reply::integer(pending.unwrap_or(0) as i64));
    }
    Err(unknown_subcommand(sub, "XGROUP"))
}

fn xinfo(db: &impl Streams, args: &[Bytes], now: i64) -> Result<pb::Reply, CommandError> {
    let sub = &args[0];
    if args.len() == 1 && is(sub, "help") {
        return Ok(xinfo_help());
    }
    let bad_sub = || unknown_subcommand(sub, "XINFO");
    if args.len() < 2 {
        return Err(bad_sub());
    }
    let key = &args[1];
    let known = (is(sub, "consumers") && args.len() == 3)
        || (is(sub, "groups") && args.len() == 2)
        || (is(sub, "stream") && (args.len() == 2 || args.len() == 3 || args.len() == 5));
    if !known {
        return Err(bad_sub());
    }
    let Some(s) = db.stream(key, now)? else {
        return Err(CommandError::NoSuchKey);
    };
    let bulk = |text: &str| reply::bulk(Bytes::from(text.to_string()));
    if is(sub, "consumers") {
        let group = s.groups.get(args[2].as_ref()).ok_or_else(|| {
            CommandError::Raw(format!(
                "NOGROUP No such consumer group '{}' for key name '{}'",
                String::from_utf8_lossy(&args[2]),
                String::from_utf8_lossy(key)
            ))
        })?;
        let items = group
            .consumers
            .iter()
            .map(|(name, c)| {
                reply::map(vec![
                    bulk("name"),
                    reply::bulk(Bytes::copy_from_slice(name)),
                    bulk("pending"),
                    reply::integer(c.pel.len() as i64),
                    bulk("idle"),
                    reply::integer(now.saturating_sub(c.seen_time).max(0)),
                ])
            })
            .collect();
        return Ok(reply::array(items));
    }
    if is(sub, "groups") {
        let items = s
            .groups
            .iter()
            .map(|(name, g)| {
                reply::map(vec![
                    bulk("name"),
                    reply::bulk(Bytes::copy_from_slice(name)),
                    bulk("consumers"),
                    reply::integer(g.consumers.len() as i64),
                    bulk("pending"),
                    reply::integer(g.pel.len() as i64),
                    bulk("last-delivered-id"),
                    g.last_id.reply(),
                    bulk("entries-read"),
                    read_reply(g.entries_read),
                    bulk("lag"),
                    s.lag(g).map_or_else(reply::null, reply::integer),
                ])
            })
            .collect();
        return Ok(reply::array(items));
    }
    // XINFO STREAM key [FULL [COUNT n]]
    let full = match &args[2..] {
        [] => None,
        [f] if is(f, "full") => Some(10),
        [_] => return Err(bad_sub()),
        [f, c, n] if is(f, "full") && is(c, "count") => Some(integer(n, None)?.max(0) as usize),
        _ => return Err(CommandError::Syntax),
    };
    let mut out = vec![
        bulk("length"),
        reply::integer(s.len() as i64),
        bulk("radix-tree-keys"),
        reply::integer(s.nodes.len() as i64),
        bulk("radix-tree-nodes"),
        reply::integer(s.nodes.len() as i64 + 1),
        bulk("last-generated-id"),
        s.last_id.reply(),
        bulk("max-deleted-entry-id"),
        s.max_deleted.reply(),
        bulk("entries-added"),
        reply::integer(s.entries_added as i64),
        bulk("recorded-first-entry-id"),
        s.first_id.reply(),
    ];
    let Some(count) = full else {
        let edge = |rev: bool| {
            s.range(StreamId::ZERO, StreamId::MAX, rev)
                .next()
                .map_or_else(reply::null, |(id, f)| entry_reply(id, f))
        };
        out.extend([
            bulk("groups"),
            reply::integer(s.groups.len() as i64),
            bulk("first-entry"),
            edge(false),
            bulk("last-entry"),
            edge(true),
        ]);
        return Ok(reply::map(out));
    };
    let take = if count == 0 { usize::MAX } else { count };
    let entries = s
        .range(StreamId::ZERO, StreamId::MAX, false)
        .take(take)
        .map(|(id, f)| entry_reply(id, f))
        .collect();
    let groups = s
        .groups
        .iter()
        .map(|(name, g)| {
            let pending = g
                .pel
                .iter()
                .take(take)
                .map(|(id, n)| {
                    reply::array(vec![
                        id.reply(),
                        reply::bulk(Bytes::copy_from_slice(&n.consumer)),
                        reply::integer(n.delivery_time),
                        reply::integer(n.delivery_count as i64),
                    ])
                })
                .collect();
            let consumers = g
                .consumers
                .iter()
                .map(|(cname, c)| {
                    let pending = c
                        .pel
                        .iter()
                        .take(take)
                        .filter_map(|id| g.pel.get(id).map(|n| (id, n)))
                        .map(|(id, n)| {
                            reply::array(vec![
                                id.reply(),
                                reply::integer(n.delivery_time),
                                reply::integer(n.delivery_count as i64),
                            ])
                        })
                        .collect();
                    reply::map(vec![
                        bulk("name"),
                        reply::bulk(Bytes::copy_from_slice(cname)),
                        bulk("seen-time"),
                        reply::integer(c.seen_time),
                        bulk("pel-count"),
                        reply::integer(c.pel.len() as i64),
                        bulk("pending"),
                        reply::array(pending),
                    ])
                })
                .collect();
            reply::map(vec![
                bulk("name"),
                reply::bulk(Bytes::copy_from_slice(name)),
                bulk("last-delivered-id"),
                g.last_id.reply(),
                bulk("entries-read"),
                read_reply(g.entries_read),
                bulk("lag"),
                s.lag(g).map_or_else(reply::null, reply::integer),
                bulk("pel-count"),
                reply::integer(g.pel.len() as i64),
                bulk("pending"),
                reply::array(pending),
                bulk("consumers"),
                reply::array(consumers),
            ])
        })
        .collect();
    out.extend([
        bulk("entries"),
        reply::array(entries),
        bulk("groups"),
        reply::array(groups),
    ]);
    Ok(reply::map(out))
}

fn read_reply(entries_read: i64) -> pb::Reply {
    if entries_read == UNKNOWN_READ {
        reply::null()
    } else {
        reply::integer(entries_read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    fn fields(n: usize) -> Vec<Bytes> {
        (0..n)
            .flat_map(|i| [Bytes::from(format!("f{i}")), Bytes::from(format!("v{i}"))])
            .collect()
    }

    #[test]
    fn ids_parse_as_redis_reads_them() {
        assert_eq!(
            parse_id(b"5", IdForm::Strict, 7).ok(),
            Some((id(5, 7), true))
        );
        assert_eq!(
            parse_id(b"5-3", IdForm::Strict, 0).ok(),
            Some((id(5, 3), true))
        );
        assert_eq!(
            parse_id(b"5-*", IdForm::AutoSeq, 0).ok(),
            Some((id(5, 0), false))
        );
        assert!(parse_id(b"5-*", IdForm::Strict, 0).is_err());
        assert!(parse_id(b"-", IdForm::Strict, 0).is_err());
        assert_eq!(
            parse_id(b"+", IdForm::Bounds, 0).ok(),
            Some((StreamId::MAX, true))
        );
        assert!(parse_id(b"-1", IdForm::Strict, 0).is_err());
        assert!(parse_id(b"1-2-3", IdForm::Strict, 0).is_err());
        assert!(parse_id(b"18446744073709551616", IdForm::Strict, 0).is_err());
        assert_eq!(interval_start(b"(1-2").ok(), Some(id(1, 3)));
        assert_eq!(interval_end(b"(1-0").ok(), Some(id(0, u64::MAX)));
        assert_eq!(interval_end(b"3").ok(), Some(id(3, u64::MAX)));
        assert!(interval_start(b"(18446744073709551615-18446744073709551615").is_err());
        assert!(interval_end(b"(0-0").is_err());
    }

    #[test]
    fn nodes_fill_to_a_hundred_entries_and_go_with_their_last_entry() {
        let mut s = Stream::default();
        for i in 1..=250 {
            s.append(id(i, 0), &fields(1));
        }
        assert_eq!(s.nodes.len(), 3);
        assert_eq!(
            s.nodes.values().map(|n| n.appended).collect::<Vec<_>>(),
            [100, 100, 50]
        );
        for i in 1..=100 {
            assert!(s.remove_entry(id(i, 0)));
        }
        assert_eq!(s.nodes.len(), 2);
        assert!(!s.remove_entry(id(1, 0)));
    }

    #[test]
    fn approximate_trims_remove_whole_nodes_only() {
        let mut s = Stream::default();
        for i in 1..=250 {
            s.append(id(i, 0), &fields(1));
        }
        let approx = |max| Trim {
            strategy: Strategy::MaxLen(max),
            approx: true,
            limit: DEFAULT_TRIM_LIMIT,
        };
        assert_eq!(s.trim(approx(200)), 0);
        assert_eq!(s.trim(approx(150)), 100);
        assert_eq!(s.len(), 150);
        assert_eq!(s.first_id, id(101, 0));
        let exact = Trim {
            strategy: Strategy::MinId(id(120, 0)),
            approx: false,
            limit: 0,
        };
        assert_eq!(s.trim(exact), 19);
        assert_eq!(s.first_id, id(120, 0));
        assert_eq!(s.len(), 131);
    }

    /// A group at `last` whose `consumer` (seen at `time`) has `pending` pending, delivered
    /// twice, last at `time`.
    fn group_with(last: StreamId, consumer: &[u8], pending: StreamId, time: i64) -> Group {
        let mut g = Group::new(last, last.ms as i64);
        g.consumer(consumer, time);
        g.pel.insert(
            pending,
            Nack {
                consumer: Box::from(consumer),
                delivery_time: time,
                delivery_count: 2,
            },
        );
        g.assign(pending, consumer);
        g
    }

    /// What must hold of a stream after any command: every live entry lies in exactly one
    /// node, the nodes count their live entries right, and the first ID is recorded.
    fn check_nodes(s: &Stream) {
        let mut live = 0;
        let mut previous: Option<StreamId> = None;
        for (&first, node) in &s.nodes {
            assert!(node.last >= first && node.live <= node.appended);
            assert!(previous.is_none_or(|p| p < first), "nodes overlap");
            previous = Some(node.last);
            let here = s.ids_between(first, node.last).len();
            assert_eq!(here, node.live as usize, "node {first}");
            live += here;
        }
        assert_eq!(live, s.len(), "entries outside every node");
        let first = s.entries.keys().next().copied().unwrap_or(StreamId::ZERO);
        assert_eq!(s.first_id, first);
        assert!(s.last_valid().is_none_or(|top| top <= s.last_id));
    }

    /// A seeded run of appends, deletions and trims of every kind keeps the nodes consistent,
    /// exact trims leave what they promise, and the packed form reads back the same.
    #[test]
    fn random_appends_deletions_and_trims_keep_the_nodes_consistent() {
        for seed in 0..20u64 {
            let mut rng = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let mut next = || {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                rng
            };
            let mut s = Stream::default();
            let mut ms = 1;
            for _ in 0..3000 {
                match next() % 10 {
                    0..=5 => {
                        ms += next() % 3;
                        let id = StreamId {
                            ms,
                            seq: s.last_id.seq.wrapping_add(1) * u64::from(s.last_id.ms == ms),
                        };
                        s.append(id, &fields((next() % 40) as usize + 1));
                    }
                    6 | 7 => {
                        let victim = StreamId {
                            ms: next() % (ms + 1),
                            seq: next() % 3,
                        };
                        if s.remove_entry(victim) {
                            s.max_deleted = s.max_deleted.max(victim);
                            if s.entries.is_empty() {
                                s.first_id = StreamId::ZERO;
                            } else {
                                s.refresh_first();
                            }
                        }
                    }
                    8 => {
                        let max = next() % 400;
                        let approx = next() % 2 == 0;
                        let before = s.len() as u64;
                        let n = s.trim(Trim {
                            strategy: Strategy::MaxLen(max),
                            approx,
                            limit: if approx { DEFAULT_TRIM_LIMIT } else { 0 },
                        });
                        assert_eq!(before - n, s.len() as u64);
                        if !approx {
                            assert_eq!(s.len() as u64, before.min(max));
                        }
                    }
                    _ => {
                        let min = StreamId {
                            ms: ms.saturating_sub(next() % 300),
                            seq: 0,
                        };
                        let approx = next() % 2 == 0;
                        s.trim(Trim {
                            strategy: Strategy::MinId(min),
                            approx,
                            limit: if approx { DEFAULT_TRIM_LIMIT } else { 0 },
                        });
                        if !approx {
                            assert!(s.entries.keys().all(|&id| id >= min));
                        }
                    }
                }
                check_nodes(&s);
            }
            assert_eq!(
                Stream::decode(&s.encode()).as_ref(),
                Some(&s),
                "seed {seed}"
            );
            assert_eq!(s.encoded_len(), s.encode().len(), "seed {seed}");
        }
    }

    /// No byte string makes decoding panic; damaged encodings are refused.
    #[test]
    fn damaged_packed_forms_are_refused_without_a_panic() {
        let mut s = Stream::default();
        for i in 1..=150 {
            s.append(id(i, 0), &fields(1));
        }
        s.groups.insert(
            Box::from(&b"g"[..]),
            group_with(id(3, 0), b"c", id(2, 0), 1),
        );
        let packed = s.encode();
        let mut rng: u64 = 7;
        for _ in 0..5000 {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut damaged = packed.clone();
            let at = (rng >> 33) as usize % damaged.len();
            damaged[at] ^= (rng >> 20) as u8 | 1;
            if let Some(decoded) = Stream::decode(&damaged) {
                // Whatever decodes must be usable: trimming and encoding do not panic.
                let mut decoded = decoded;
                decoded.trim(Trim {
                    strategy: Strategy::MaxLen(10),
                    approx: false,
                    limit: 0,
                });
                let _ = decoded.encode();
            }
        }
    }

    #[test]
    fn the_packed_form_holds_the_whole_stream() {
        let mut s = Stream::default();
        for i in 1..=120 {
            s.append(id(i, i), &fields(2));
        }
        s.remove_entry(id(3, 3));
        s.max_deleted = id(3, 3);
        s.groups.insert(
            Box::from(&b"g"[..]),
            group_with(id(5, 5), b"alice", id(4, 4), 20),
        );
        s.groups.insert(
            Box::from(&b"h"[..]),
            Group::new(StreamId::ZERO, UNKNOWN_READ),
        );
        let packed = s.encode();
        assert_eq!(s.encoded_len(), packed.len());
        assert_eq!(Stream::decode(&packed), Some(s));
        assert_eq!(Stream::decode(&packed[..packed.len() - 1]), None);
        assert_eq!(Stream::decode(&[STREAM_TAG]), None);
    }
}
