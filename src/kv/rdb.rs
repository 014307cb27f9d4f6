//! DUMP and RESTORE payloads in Redis's RDB serialization, as redis-server 7.0.15 writes and
//! reads them (and a hash with field TTLs as 7.4 writes it), so that values move between this
//! server and Redis with DUMP and RESTORE (and MIGRATE-style tools built on them).
//!
//! A payload is one RDB object (type byte and body), the RDB version as two little-endian
//! bytes, and the CRC64 (Jones polynomial, reflected, as Redis's `crc64.c`) of everything
//! before it, little-endian. [`dump`] builds one from a value's packed form (see
//! `Slot::encoded_value`); [`restore`] checks one and gives back the value's type and the
//! packed form the keyspace stores.
//!
//! Emitted, choosing encodings as Redis 7.0 would for the same value, so that DUMP answers
//! what redis-server answers byte for byte where that is knowable:
//! - strings: integers that fit 32 bits in the `INT8/16/32` encodings, others raw, LZF
//!   compressed past 20 bytes when that saves at least 4 bytes. The compressor follows
//!   Redis's `lzf_c.c` (liblzf 3.6, `HLOG` 16, `VERY_FAST`), so its output is Redis's, with
//!   one caveat: Redis never clears the compressor's hash table, so a stale slot left by an
//!   earlier compression can now and then give Redis a different (equally valid) match;
//! - hashes: `HASH_LISTPACK` up to 128 fields of at most 64 bytes each (hash-max-listpack-*),
//!   else `HASH` in the stored field order (Redis's is its dict's, so those differ);
//! - sorted sets: `ZSET_LISTPACK` up to 128 members of at most 64 bytes, scores as Redis
//!   7.0.15 stores them (an integral score within ±2^62 as an integer entry, so -0 as 0,
//!   others as `%.17g` text), else `ZSET_2` from the highest score down, as Redis walks its
//!   skiplist;
//! - sets: `SET_INTSET` for a set held as an intset, in the narrowest width that holds its
//!   members (Redis keeps the widest width the set ever needed, so a set that lost its big
//!   members dumps narrower here), else `SET` in the stored order;
//! - lists: `LIST_QUICKLIST_2` with listpack nodes filled as RPUSH fills them under
//!   list-max-listpack-size -2 (8 KiB), an element of 1 GiB or more in a plain node; a list
//!   Redis built otherwise (LPUSH, LINSERT, LTRIM ...) may be split differently there, which
//!   only the bytes show;
//! - streams: `STREAM_LISTPACKS_2` with one listpack per node of the stream (see
//!   `kv::stream`), each with Redis's master entry and delta-coded entries. Entries deleted
//!   by XDEL are gone from the packed form, so a node holds only live ones (and its master
//!   entry takes the fields of its first live entry): what Redis writes for a stream without
//!   deletions, and a valid stream in any case (also under `sanitize-dump-payload yes`).
//!
//! Everything else about an emitted value is as Redis writes it: listpack integer and string
//! encodings and back lengths, header counts, `rdbSaveLen` length forms, the order of stream
//! groups, consumers and pending entries.
//!
//! Accepted: every object type Redis 7.0 loads except modules: `STRING` (raw, integer and
//! LZF), `LIST`, `LIST_ZIPLIST`, `LIST_QUICKLIST`, `LIST_QUICKLIST_2` (plain and packed
//! nodes), `SET`, `SET_INTSET`, `ZSET` (text scores), `ZSET_2`, `ZSET_ZIPLIST`,
//! `ZSET_LISTPACK`, `HASH`, `HASH_ZIPMAP`, `HASH_ZIPLIST`, `HASH_LISTPACK`,
//! `STREAM_LISTPACKS` and `STREAM_LISTPACKS_2`; and of what Redis 7.2 and 7.4 added,
//! `SET_LISTPACK`, `STREAM_LISTPACKS_3` (its consumers' active times are dropped: raft-kv
//! keeps none) and the hashes with field TTLs, `HASH_METADATA` and `HASH_LISTPACK_EX`
//! (not their 7.4 release-candidate forms); with any RDB version up to 12. Values are
//! rebuilt as the keyspace builds them: a set of at most 512 integers becomes an intset
//! (ascending), other sets keep the payload's order, hashes keep it too, sorted sets are put
//! in (score, member) order, and a stream keeps the payload's node partition (deleted
//! entries still counting against their node's room, as in Redis).
//!
//! Deliberately stricter than Redis (which checks most of this only with
//! `sanitize-dump-payload yes`): the payload must hold exactly one object with nothing
//! after it; listpacks, ziplists, zipmaps and intsets must be consistent throughout (sizes,
//! counts, back lengths, ascending intsets); empty collections, a field or member twice,
//! NaN scores, a pending entry without exactly one consumer, stream IDs out of order or past
//! the stream's last ID, a stream length that does not match its entries, or stream counters
//! past what commands can set (2^63 - 1) are refused.
//! Every count and length is checked against the bytes left before anything is allocated
//! for it, so nothing is sized by a number a payload merely claims: only LZF data grows
//! past the payload's size as it decompresses (up to LZF's ratio of 88, and never past the
//! length it declares). Nothing here panics on a payload.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use bytes::Bytes;

use super::command::parse_i64_strict;
use super::packed;
use super::stream::{Consumer, Group, NODE_HEADER_BYTES, Nack, Node, Stream, StreamId};
use super::table::ValueType;
use super::{hash, set, zset};

/// The RDB version written after the object (Redis 7.0's, so that 7.0 and later restore it),
/// except after a hash with field TTLs.
const RDB_VERSION: u16 = 10;

/// The RDB version written after a hash with field TTLs, which Redis 7.4 introduced, and the
/// newest one read.
const RDB_VERSION_HFE: u16 = 12;

/// Bytes after the object: the version and the CRC64.
const FOOTER_LEN: usize = 10;

// Object types (`RDB_TYPE_*` in Redis's rdb.h); 6 and 7 are modules, 8 was never used.

/// A string (raw, integer or LZF).
const TYPE_STRING: u8 = 0;
/// A list as a count and its elements (before quicklists).
const TYPE_LIST: u8 = 1;
/// A set as a count and its members.
const TYPE_SET: u8 = 2;
/// A sorted set with scores as text (before RDB 8).
const TYPE_ZSET: u8 = 3;
/// A hash as a count and its fields and values.
const TYPE_HASH: u8 = 4;
/// A sorted set with binary scores.
const TYPE_ZSET_2: u8 = 5;
/// A hash as a zipmap (Redis 2.4 and before).
const TYPE_HASH_ZIPMAP: u8 = 9;
/// A list as one ziplist (before quicklists).
const TYPE_LIST_ZIPLIST: u8 = 10;
/// A set of integers as an intset.
const TYPE_SET_INTSET: u8 = 11;
/// A sorted set as a ziplist (before 7.0).
const TYPE_ZSET_ZIPLIST: u8 = 12;
/// A hash as a ziplist (before 7.0).
const TYPE_HASH_ZIPLIST: u8 = 13;
/// A list as a quicklist of ziplists (before 7.0).
const TYPE_LIST_QUICKLIST: u8 = 14;
/// A stream without the counters 7.0 added.
const TYPE_STREAM_LISTPACKS: u8 = 15;
/// A hash as a listpack.
const TYPE_HASH_LISTPACK: u8 = 16;
/// A sorted set as a listpack.
const TYPE_ZSET_LISTPACK: u8 = 17;
/// A list as a quicklist of listpack or plain nodes.
const TYPE_LIST_QUICKLIST_2: u8 = 18;
/// A stream, as Redis 7.0 writes it.
const TYPE_STREAM_LISTPACKS_2: u8 = 19;
/// A set as a listpack (Redis 7.2).
const TYPE_SET_LISTPACK: u8 = 20;
/// A stream whose consumers also have their last active time (Redis 7.2).
const TYPE_STREAM_LISTPACKS_3: u8 = 21;
/// A hash with field TTLs, as a count of fields each with its TTL (Redis 7.4).
const TYPE_HASH_METADATA: u8 = 24;
/// A hash with field TTLs as a listpack of field, value and expiry (Redis 7.4).
const TYPE_HASH_LISTPACK_EX: u8 = 25;

/// Length prefix: a 32-bit big-endian length follows.
const LEN_32: u8 = 0x80;
/// Length prefix: a 64-bit big-endian length follows.
const LEN_64: u8 = 0x81;
/// The top two bits of a length byte that marks a special string encoding instead.
const LEN_ENCODED: u8 = 0xC0;

// Special string encodings (`RDB_ENC_*`), in the low six bits of an encoded length byte.

/// An integer in one byte.
const ENC_INT8: u8 = 0;
/// An integer in two bytes, little-endian.
const ENC_INT16: u8 = 1;
/// An integer in four bytes, little-endian.
const ENC_INT32: u8 = 2;
/// LZF: compressed length, original length, compressed bytes.
const ENC_LZF: u8 = 3;

/// Redis tries the integer encodings only on strings this short (`rdbSaveRawString`) ...
const INT_ENCODING_MAX_LEN: usize = 11;
/// ... and LZF only on strings longer than this.
const LZF_MIN_LEN: usize = 20;

/// Quicklist node container: one raw element.
const QUICKLIST_PLAIN: u64 = 1;
/// Quicklist node container: a listpack of elements.
const QUICKLIST_PACKED: u64 = 2;

/// A quicklist node takes no element past this size (list-max-listpack-size -2).
const LIST_NODE_MAX_BYTES: usize = 8192;

/// What Redis adds to an element's size to estimate what it takes in a listpack
/// (`SIZE_ESTIMATE_OVERHEAD`).
const LIST_ENTRY_OVERHEAD: usize = 8;

/// Redis stores an element this big in a plain node of its own (`packed_threshold`).
const LIST_LARGE_ELEMENT: usize = 1 << 30;

/// Stream entry flag: deleted by XDEL, still taking its place in the node.
const STREAM_DELETED: i64 = 1;
/// Stream entry flag: the entry's field names are the master entry's, so left out.
const STREAM_SAMEFIELDS: i64 = 2;

/// Listpack header: total bytes (4) and element count (2), little-endian.
const LP_HEADER: usize = 6;
/// A listpack's last byte.
const LP_END: u8 = 0xFF;
/// A listpack count that means "too many to count here: walk them".
const LP_COUNT_UNKNOWN: u16 = u16::MAX;

/// Ziplist header: total bytes (4), offset of the last entry (4), element count (2).
const ZL_HEADER: usize = 10;
/// A ziplist's last byte.
const ZL_END: u8 = 0xFF;
/// A ziplist count that means "too many to count here: walk them".
const ZL_COUNT_UNKNOWN: u16 = u16::MAX;

/// Why a RESTORE payload was refused; each maps to one of Redis's error replies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RestoreError {
    /// The payload is too short, from a newer RDB version, or its CRC64 does not match.
    VersionOrChecksum,
    /// The object in the payload is not a value this server (or Redis 7.0) can load.
    BadFormat,
}

impl RestoreError {
    /// Redis's error reply for it, word for word.
    pub(super) fn message(self) -> &'static str {
        match self {
            RestoreError::VersionOrChecksum => "ERR DUMP payload version or checksum are wrong",
            RestoreError::BadFormat => "ERR Bad data format",
        }
    }
}

impl fmt::Display for RestoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The DUMP payload of a value: RDB object type byte and body, RDB version 10 (two bytes,
/// little-endian) and the CRC64 of all that (eight bytes, little-endian).
///
/// `packed` is the value's packed form as snapshots store it. A damaged packed form is not
/// refused (the keyspace checked it when it stored it): the readers stop at the damage, as
/// everywhere else, and a stream that does not decode dumps as an empty one.
pub(super) fn dump(value_type: ValueType, packed: &[u8]) -> Vec<u8> {
    let mut w = Writer::default();
    match value_type {
        ValueType::String => {
            w.byte(TYPE_STRING);
            w.string(packed);
        }
        ValueType::Hash => dump_hash(&mut w, packed),
        ValueType::List => dump_list(&mut w, packed),
        ValueType::Set => dump_set(&mut w, packed),
        ValueType::SortedSet => dump_zset(&mut w, packed),
        ValueType::Stream => dump_stream(&mut w, &Stream::decode(packed).unwrap_or_default()),
    }
    seal(w.out)
}

/// A payload of records, each an `opcode` byte and a string written as DUMP writes strings,
/// with the footer (`FUNCTION DUMP`'s, one record per library).
pub(super) fn records(opcode: u8, strings: &[Bytes]) -> Vec<u8> {
    let mut w = Writer::default();
    for s in strings {
        w.byte(opcode);
        w.string(s);
    }
    seal(w.out)
}

/// The DUMP payload of a hash with field TTLs, as Redis 7.4 writes one: `fields` are the
/// live fields, in order, each with its value and expiry. A hash Redis would keep as a
/// listpack is a `HASH_LISTPACK_EX` of field, value and expiry (0 for none); a bigger one is
/// a `HASH_METADATA`, each field's expiry relative to the soonest (plus one; 0 for none).
/// Both start with the soonest expiry and end with RDB version 12.
pub(super) fn dump_hash_ttls(fields: &[(&[u8], &[u8], Option<i64>)]) -> Vec<u8> {
    let soonest = fields.iter().filter_map(|f| f.2).min().unwrap_or(0);
    let pairs: Vec<(&[u8], &[u8])> = fields.iter().map(|(f, v, _)| (*f, *v)).collect();
    let mut w = Writer::default();
    if hash::is_listpack(&hash::encode(&pairs)) {
        let mut lp = Listpack::new();
        for (field, value, at) in fields {
            lp.push(field);
            lp.push(value);
            lp.int(at.unwrap_or(0));
        }
        w.byte(TYPE_HASH_LISTPACK_EX);
        w.raw(&soonest.to_le_bytes());
        w.string(&lp.finish());
    } else {
        w.byte(TYPE_HASH_METADATA);
        w.raw(&soonest.to_le_bytes());
        w.count(fields.len());
        for (field, value, at) in fields {
            w.length(at.map_or(0, |at| at.abs_diff(soonest) + 1));
            w.string(field);
            w.string(value);
        }
    }
    seal_version(w.out, RDB_VERSION_HFE)
}

/// One string from the front of `buf`, in any of the encodings DUMP writes strings in.
pub(super) fn take_string(buf: &mut &[u8]) -> Option<Vec<u8>> {
    let mut r = Reader { buf, inflated: 0 };
    let s = r.string()?.into_owned();
    *buf = r.buf;
    Some(s)
}

/// `body` followed by the footer: RDB version 10 and the CRC64 of both.
fn seal(body: Vec<u8>) -> Vec<u8> {
    seal_version(body, RDB_VERSION)
}

/// `body` followed by the footer: `version` and the CRC64 of both.
fn seal_version(mut body: Vec<u8>, version: u16) -> Vec<u8> {
    body.extend_from_slice(&version.to_le_bytes());
    let crc = crc64(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

/// Decodes a RESTORE payload into a value type and the packed bytes the keyspace stores
/// (accepted by `hash::is_valid`, `list::is_valid`, `set::is_valid`, `zset::is_valid` or
/// `Stream::decode`), in the form the keyspace would have built.
pub(super) fn restore_value(payload: &[u8]) -> Result<Restored, RestoreError> {
    let object = verify(payload).ok_or(RestoreError::VersionOrChecksum)?;
    let mut r = Reader {
        buf: object,
        inflated: 0,
    };
    let value = read_value(&mut r).ok_or(RestoreError::BadFormat)?;
    if !r.buf.is_empty() {
        return Err(RestoreError::BadFormat);
    }
    Ok(value)
}

/// [`restore_value`] of a value without field TTLs: its type and packed form.
#[cfg(test)]
fn restore(payload: &[u8]) -> Result<(ValueType, Vec<u8>), RestoreError> {
    restore_value(payload).map(|r| (r.value_type, r.value))
}

/// The object of a payload whose footer checks out (Redis's `verifyDumpPayload`).
pub(super) fn verify(payload: &[u8]) -> Option<&[u8]> {
    let object_len = payload.len().checked_sub(FOOTER_LEN)?;
    let (object, footer) = payload.split_at(object_len);
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if version > RDB_VERSION_HFE {
        return None;
    }
    let crc = u64::from_le_bytes(footer[2..].try_into().ok()?);
    (crc64(&payload[..payload.len() - 8]) == crc).then_some(object)
}

// ---------------------------------------------------------------------------------------
// CRC64

/// Redis's CRC64 polynomial (Jones, 0xad93d23594c935a9), bit-reversed for the reflected
/// (least significant bit first) computation Redis does.
const CRC64_POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

/// The CRC of each byte value, so the checksum goes a byte at a time rather than a bit.
const CRC64_TABLE: [u64; 256] = crc64_table();

/// Builds [`CRC64_TABLE`] at compile time.
const fn crc64_table() -> [u64; 256] {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ CRC64_POLY_REFLECTED
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

/// Redis's `crc64(0, data, len)`: initial value 0, no final inversion.
fn crc64(data: &[u8]) -> u64 {
    data.iter().fold(0, |crc, &b| {
        CRC64_TABLE[((crc ^ u64::from(b)) & 0xff) as usize] ^ (crc >> 8)
    })
}

// ---------------------------------------------------------------------------------------
// Writing

/// An RDB object being written, with the compressor its strings share.
#[derive(Default)]
struct Writer {
    /// The object so far.
    out: Vec<u8>,
    /// Kept across strings so that its table is allocated once per DUMP.
    lzf: Lzf,
}

impl Writer {
    /// A type byte or other single byte.
    fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    /// Bytes as they are (IDs, times, scores: no length prefix).
    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// Redis's `rdbSaveLen`: the shortest of the 6-, 14-, 32- and 64-bit forms.
    fn length(&mut self, n: u64) {
        if n < 1 << 6 {
            self.out.push(n as u8);
        } else if n < 1 << 14 {
            self.out.push(0x40 | (n >> 8) as u8);
            self.out.push(n as u8);
        } else if let Ok(n) = u32::try_from(n) {
            self.out.push(LEN_32);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else {
            self.out.push(LEN_64);
            self.out.extend_from_slice(&n.to_be_bytes());
        }
    }

    /// A count of things, as a length.
    fn count(&mut self, n: usize) {
        self.length(n as u64);
    }

    /// Redis's `rdbSaveRawString`: a short integer in an integer encoding, a long string
    /// LZF-compressed when that pays, anything else as length and bytes.
    fn string(&mut self, s: &[u8]) {
        if s.len() <= INT_ENCODING_MAX_LEN
            && let Some(v) = parse_i64_strict(s)
            && self.int_string(v)
        {
            return;
        }
        if s.len() > LZF_MIN_LEN
            && let Some(compressed) = self.lzf.compress(s)
        {
            self.byte(LEN_ENCODED | ENC_LZF);
            self.count(compressed.len());
            self.count(s.len());
            self.raw(&compressed);
            return;
        }
        self.count(s.len());
        self.raw(s);
    }

    /// Writes `v` in the narrowest integer string encoding, if one holds it.
    fn int_string(&mut self, v: i64) -> bool {
        if let Ok(v) = i8::try_from(v) {
            self.byte(LEN_ENCODED | ENC_INT8);
            self.raw(&v.to_le_bytes());
        } else if let Ok(v) = i16::try_from(v) {
            self.byte(LEN_ENCODED | ENC_INT16);
            self.raw(&v.to_le_bytes());
        } else if let Ok(v) = i32::try_from(v) {
            self.byte(LEN_ENCODED | ENC_INT32);
            self.raw(&v.to_le_bytes());
        } else {
            return false;
        }
        true
    }

    /// A stream ID as two lengths (how stream metadata stores IDs).
    fn id(&mut self, id: StreamId) {
        self.length(id.ms);
        self.length(id.seq);
    }
}

/// A stream ID as Redis keys its radix trees: 128 bits, big-endian.
fn raw_id(id: StreamId) -> [u8; 16] {
    let mut out = [0; 16];
    out[..8].copy_from_slice(&id.ms.to_be_bytes());
    out[8..].copy_from_slice(&id.seq.to_be_bytes());
    out
}

/// A hash: a listpack of fields and values while Redis would keep one, else each pair.
fn dump_hash(w: &mut Writer, buf: &[u8]) {
    if hash::is_listpack(buf) {
        let mut lp = Listpack::new();
        for (field, value) in hash::entries(buf) {
            lp.push(field);
            lp.push(value);
        }
        w.byte(TYPE_HASH_LISTPACK);
        w.string(&lp.finish());
    } else {
        let pairs: Vec<(&[u8], &[u8])> = hash::entries(buf).collect();
        w.byte(TYPE_HASH);
        w.count(pairs.len());
        for (field, value) in pairs {
            w.string(field);
            w.string(value);
        }
    }
}

/// A node of a list being dumped.
enum ListNode<'a> {
    /// An element too big for a listpack, alone.
    Plain(&'a [u8]),
    /// A listpack of elements.
    Packed(Listpack),
}

/// Splits the list into quicklist nodes as RPUSH fills them in Redis 7.0: an element joins
/// the tail node while the node's size, plus the element's and a fixed 8 bytes of overhead
/// (`_quicklistNodeAllowInsert`), stays within 8 KiB.
fn dump_list(w: &mut Writer, buf: &[u8]) {
    let mut nodes: Vec<ListNode<'_>> = Vec::new();
    for element in packed::strings(buf) {
        let size = element.len();
        if size >= LIST_LARGE_ELEMENT {
            nodes.push(ListNode::Plain(element));
            continue;
        }
        let fits = match nodes.last() {
            Some(ListNode::Packed(lp)) => {
                lp.bytes() + size + LIST_ENTRY_OVERHEAD <= LIST_NODE_MAX_BYTES
            }
            _ => false,
        };
        if !fits {
            nodes.push(ListNode::Packed(Listpack::new()));
        }
        if let Some(ListNode::Packed(lp)) = nodes.last_mut() {
            lp.push(element);
        }
    }
    w.byte(TYPE_LIST_QUICKLIST_2);
    w.count(nodes.len());
    for node in nodes {
        match node {
            ListNode::Plain(element) => {
                w.length(QUICKLIST_PLAIN);
                w.string(element);
            }
            ListNode::Packed(lp) => {
                w.length(QUICKLIST_PACKED);
                w.string(&lp.finish());
            }
        }
    }
}

/// A set: an intset when the set is held as one, else each member.
fn dump_set(w: &mut Writer, buf: &[u8]) {
    let members = set::members(buf);
    let numbers: Option<Vec<i64>> =
        if set::is_intset(buf) && members.len() <= set::INTSET_MAX_ENTRIES {
            members.iter().map(|m| parse_i64_strict(m)).collect()
        } else {
            None
        };
    match numbers {
        Some(mut numbers) => {
            numbers.sort_unstable();
            w.byte(TYPE_SET_INTSET);
            w.string(&intset(&numbers));
        }
        None => {
            w.byte(TYPE_SET);
            w.count(members.len());
            for m in members {
                w.string(m);
            }
        }
    }
}

/// An intset of ascending `numbers`: encoding width, count, then the numbers, all
/// little-endian, in the narrowest width (2, 4 or 8 bytes) that holds every one.
fn intset(numbers: &[i64]) -> Vec<u8> {
    let width: usize = numbers
        .iter()
        .map(|&n| {
            if i16::try_from(n).is_ok() {
                2
            } else if i32::try_from(n).is_ok() {
                4
            } else {
                8
            }
        })
        .max()
        .unwrap_or(2);
    let mut out = Vec::with_capacity(8 + width * numbers.len());
    out.extend_from_slice(&(width as u32).to_le_bytes());
    out.extend_from_slice(&(numbers.len() as u32).to_le_bytes());
    for n in numbers {
        out.extend_from_slice(&n.to_le_bytes()[..width]);
    }
    out
}

/// A sorted set: a listpack of members and scores in order while Redis would keep one,
/// else each member with its binary score, from the highest (Redis's skiplist walk).
fn dump_zset(w: &mut Writer, buf: &[u8]) {
    let mut items = zset::entries(buf);
    items.sort_by(zset::order);
    if zset::is_listpack(&items) {
        let mut lp = Listpack::new();
        for &(score, member) in &items {
            lp.push(member);
            match score_as_integer(score) {
                Some(v) => lp.int(v),
                None => lp.string(zset::format_score(score).as_bytes()),
            }
        }
        w.byte(TYPE_ZSET_LISTPACK);
        w.string(&lp.finish());
    } else {
        w.byte(TYPE_ZSET_2);
        w.count(items.len());
        for (score, member) in items.iter().rev() {
            w.string(member);
            w.raw(&score.to_le_bytes());
        }
    }
}

/// A score Redis 7.0 stores in a listpack as an integer entry (`double2ll`): an integral
/// value within ±2^62 (so -0 too, as 0); other scores go in as `%.17g` text.
fn score_as_integer(score: f64) -> Option<i64> {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if !(-LIMIT..=LIMIT).contains(&score) {
        return None;
    }
    let v = score as i64;
    (v as f64 == score).then_some(v)
}

/// A run of stream entries dumped as one listpack: its master ID and its entries.
type Run<'a> = (StreamId, Vec<(StreamId, &'a [u8])>);

/// The stream's live entries grouped by the node holding them, in order. An entry no node
/// covers (never the case in a consistent stream) starts a run keyed by its own ID.
fn stream_runs(s: &Stream) -> Vec<Run<'_>> {
    let mut runs: Vec<Run<'_>> = Vec::new();
    let mut current: Option<Option<StreamId>> = None;
    for (&id, fields) in &s.entries {
        let node = s
            .nodes
            .range(..=id)
            .next_back()
            .filter(|(_, node)| id <= node.last)
            .map(|(&first, _)| first);
        match runs.last_mut() {
            Some(run) if current == Some(node) => run.1.push((id, fields)),
            _ => runs.push((node.unwrap_or(id), vec![(id, fields)])),
        }
        current = Some(node);
    }
    runs
}

/// The listpack of one node: the master entry (live count, deleted count, the first
/// entry's field names, a zero terminator), then each entry as flags, ID deltas from the
/// master ID, its fields (left out when they are the master's), values and piece count.
fn stream_listpack(master: StreamId, entries: &[(StreamId, &[u8])]) -> Vec<u8> {
    let first: Vec<&[u8]> = entries
        .first()
        .map(|(_, fields)| packed::strings(fields).step_by(2).collect())
        .unwrap_or_default();
    let mut lp = Listpack::new();
    lp.int(entries.len() as i64);
    lp.int(0);
    lp.int(first.len() as i64);
    for field in &first {
        lp.push(field);
    }
    lp.int(0);
    for (id, fields) in entries {
        let strings: Vec<&[u8]> = packed::strings(fields).collect();
        let pairs = strings.len() / 2;
        let same = pairs == first.len() && strings.iter().step_by(2).eq(first.iter());
        lp.int(if same { STREAM_SAMEFIELDS } else { 0 });
        lp.int(id.ms.wrapping_sub(master.ms) as i64);
        lp.int(id.seq.wrapping_sub(master.seq) as i64);
        if !same {
            lp.int(pairs as i64);
        }
        for pair in strings.chunks_exact(2) {
            if !same {
                lp.push(pair[0]);
            }
            lp.push(pair[1]);
        }
        let pieces = pairs + 3 + if same { 0 } else { pairs + 1 };
        lp.int(pieces as i64);
    }
    lp.finish()
}

/// A stream: its nodes keyed by master ID, then length, last ID, first ID, largest deleted
/// ID and entries added, then each group with its PEL and consumers (`rdbSaveObject`).
fn dump_stream(w: &mut Writer, s: &Stream) {
    write_stream_entries(w, s, TYPE_STREAM_LISTPACKS_2);
    w.id(s.first_id);
    w.id(s.max_deleted);
    w.length(s.entries_added);
    write_groups(w, s, true, false);
}

/// What both stream types start with: the type byte, the nodes keyed by master ID, the
/// length and the last ID.
fn write_stream_entries(w: &mut Writer, s: &Stream, type_byte: u8) {
    w.byte(type_byte);
    let runs = stream_runs(s);
    w.count(runs.len());
    for (master, entries) in &runs {
        w.string(&raw_id(*master));
        w.string(&stream_listpack(*master, entries));
    }
    w.count(s.entries.len());
    w.id(s.last_id);
}

/// A stream's consumer groups, each with its PEL and consumers; `entries_read`: with each
/// group's entries-read counter (`STREAM_LISTPACKS_2`, not the older form); `active_times`:
/// with each consumer's active time after its seen time (`STREAM_LISTPACKS_3`, which raft-kv
/// reads but does not write: it keeps no active times).
fn write_groups(w: &mut Writer, s: &Stream, entries_read: bool, active_times: bool) {
    w.count(s.groups.len());
    for (name, group) in &s.groups {
        w.string(name);
        w.id(group.last_id);
        if entries_read {
            // Redis writes its signed counter as an unsigned length: -1 (unknown) is 2^64 - 1.
            w.length(group.entries_read as u64);
        }
        w.count(group.pel.len());
        for (&id, nack) in &group.pel {
            w.raw(&raw_id(id));
            w.raw(&nack.delivery_time.to_le_bytes());
            w.length(nack.delivery_count);
        }
        w.count(group.consumers.len());
        for (consumer_name, consumer) in &group.consumers {
            w.string(consumer_name);
            w.raw(&consumer.seen_time.to_le_bytes());
            if active_times {
                w.raw(&consumer.seen_time.to_le_bytes());
            }
            w.count(consumer.pel.len());
            for &id in &consumer.pel {
                w.raw(&raw_id(id));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Listpacks

/// A listpack being built: Redis's compact list of strings and integers (`listpack.c`).
struct Listpack {
    /// The header (filled in by [`Listpack::finish`]) and the entries so far.
    buf: Vec<u8>,
    /// Entries so far.
    count: usize,
}

impl Listpack {
    /// An empty listpack (its header still to be written).
    fn new() -> Listpack {
        Listpack {
            buf: vec![0; LP_HEADER],
            count: 0,
        }
    }

    /// The listpack's size so far, end marker included (Redis's `lpBytes`).
    fn bytes(&self) -> usize {
        self.buf.len() + 1
    }

    /// Appends `s` as Redis's `lpAppend` does: as an integer when it reads as one.
    fn push(&mut self, s: &[u8]) {
        match parse_i64_strict(s) {
            Some(v) => self.int(v),
            None => self.string(s),
        }
    }

    /// Appends an integer entry in the narrowest encoding that holds it.
    fn int(&mut self, v: i64) {
        let start = self.buf.len();
        if (0..=127).contains(&v) {
            self.buf.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let bits = (v & 0x1fff) as u16;
            self.buf.push(0xC0 | (bits >> 8) as u8);
            self.buf.push(bits as u8);
        } else if let Ok(v) = i16::try_from(v) {
            self.buf.push(0xF1);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else if (-(1 << 23)..1 << 23).contains(&v) {
            self.buf.push(0xF2);
            self.buf.extend_from_slice(&v.to_le_bytes()[..3]);
        } else if let Ok(v) = i32::try_from(v) {
            self.buf.push(0xF3);
            self.buf.extend_from_slice(&v.to_le_bytes());
        } else {
            self.buf.push(0xF4);
            self.buf.extend_from_slice(&v.to_le_bytes());
        }
        self.end_entry(start);
    }

    /// Appends a string entry.
    fn string(&mut self, s: &[u8]) {
        let start = self.buf.len();
        let n = s.len();
        if n < 64 {
            self.buf.push(0x80 | n as u8);
        } else if n < 4096 {
            self.buf.push(0xE0 | (n >> 8) as u8);
            self.buf.push(n as u8);
        } else {
            self.buf.push(0xF0);
            self.buf.extend_from_slice(&(n as u32).to_le_bytes());
        }
        self.buf.extend_from_slice(s);
        self.end_entry(start);
    }

    /// Closes the entry begun at `start` with its back length.
    fn end_entry(&mut self, start: usize) {
        let (back, n) = backlen(self.buf.len() - start);
        self.buf.extend_from_slice(&back[..n]);
        self.count += 1;
    }

    /// The finished listpack: header (total bytes; count, or "unknown" past 65534), entries
    /// and end marker.
    fn finish(mut self) -> Vec<u8> {
        self.buf.push(LP_END);
        let total = self.buf.len() as u32;
        let count = u16::try_from(self.count).unwrap_or(LP_COUNT_UNKNOWN);
        self.buf[..4].copy_from_slice(&total.to_le_bytes());
        self.buf[4..LP_HEADER].copy_from_slice(&count.to_le_bytes());
        self.buf
    }
}

/// An entry's back length: its encoded size in 7-bit groups, most significant first, every
/// byte after the first flagged, so it reads backwards from the entry's end
/// (`lpEncodeBacklen`; note the thresholds one short of a power of two).
/// Returns the bytes in a buffer of five and how many of them there are.
fn backlen(len: usize) -> ([u8; 5], usize) {
    let groups = if len <= 127 {
        1
    } else if len < 16383 {
        2
    } else if len < 2_097_151 {
        3
    } else if len < 268_435_455 {
        4
    } else {
        5
    };
    let mut out = [0u8; 5];
    for (i, byte) in out[..groups].iter_mut().enumerate() {
        let bits = ((len >> (7 * (groups - 1 - i))) & 127) as u8;
        *byte = if i == 0 { bits } else { bits | 128 };
    }
    (out, groups)
}

/// One element of a listpack or ziplist.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Elem<'a> {
    /// An integer entry (Redis answers it as its decimal text).
    Int(i64),
    /// A string entry.
    Str(&'a [u8]),
}

impl<'a> Elem<'a> {
    /// The element as the string Redis answers for it.
    fn bytes(self) -> Cow<'a, [u8]> {
        match self {
            Elem::Int(v) => Cow::Owned(v.to_string().into_bytes()),
            Elem::Str(s) => Cow::Borrowed(s),
        }
    }

    /// The element as an integer, as `lpGetInteger` reads one (a string must spell it).
    fn int(self) -> Option<i64> {
        match self {
            Elem::Int(v) => Some(v),
            Elem::Str(s) => parse_i64_strict(s),
        }
    }

    /// The element as a sorted-set score: an integer, or a number in text (Redis writes
    /// `%.17g`); never NaN.
    fn score(self) -> Option<f64> {
        match self {
            Elem::Int(v) => Some(v as f64),
            Elem::Str(s) => parse_double(s),
        }
    }
}

/// A score written as text; `None` for anything else or NaN.
fn parse_double(s: &[u8]) -> Option<f64> {
    let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// The little-endian `u16` at the start of `b`.
fn le_u16(b: &[u8]) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(..2)?.try_into().ok()?))
}

/// The little-endian `u32` at the start of `b`.
fn le_u32(b: &[u8]) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?))
}

/// A little-endian two's-complement integer of `b.len()` bytes (1 to 8; callers never pass
/// others, which read as 0).
fn le_signed(b: &[u8]) -> i64 {
    if b.is_empty() || b.len() > 8 {
        return 0;
    }
    let mut raw = [0u8; 8];
    raw[..b.len()].copy_from_slice(b);
    let shift = 64 - 8 * b.len() as u32;
    (i64::from_le_bytes(raw) << shift) >> shift
}

/// The elements of a listpack, checked throughout: total size, every entry's encoding,
/// length and back length, the end marker, and the element count.
fn listpack(blob: &[u8]) -> Option<Vec<Elem<'_>>> {
    if blob.len() < LP_HEADER + 1 || le_u32(blob)? as usize != blob.len() {
        return None;
    }
    let count = le_u16(&blob[4..])?;
    let end = blob.len() - 1;
    if blob[end] != LP_END {
        return None;
    }
    let mut elems = Vec::with_capacity(usize::from(count).min(blob.len()));
    let mut at = LP_HEADER;
    while at < end {
        let (elem, size) = listpack_entry(&blob[at..end])?;
        let (back, n) = backlen(size);
        let after = at + size;
        if blob.get(after..after + n)? != &back[..n] {
            return None;
        }
        at = after + n;
        elems.push(elem);
    }
    (at == end && (count == LP_COUNT_UNKNOWN || usize::from(count) == elems.len())).then_some(elems)
}

/// The listpack entry at the start of `b` and its size without the back length.
fn listpack_entry(b: &[u8]) -> Option<(Elem<'_>, usize)> {
    let first = *b.first()?;
    let string = |header: usize, len: usize| {
        let s = b.get(header..header.checked_add(len)?)?;
        Some((Elem::Str(s), header + len))
    };
    let int = |bytes: usize| Some((Elem::Int(le_signed(b.get(1..1 + bytes)?)), 1 + bytes));
    match first {
        0x00..=0x7F => Some((Elem::Int(i64::from(first)), 1)),
        0x80..=0xBF => string(1, usize::from(first & 0x3F)),
        0xC0..=0xDF => {
            let bits = (u16::from(first & 0x1F) << 8) | u16::from(*b.get(1)?);
            // A 13-bit two's-complement number.
            let v = (i64::from(bits) << 51) >> 51;
            Some((Elem::Int(v), 2))
        }
        0xE0..=0xEF => string(
            2,
            (usize::from(first & 0x0F) << 8) | usize::from(*b.get(1)?),
        ),
        0xF0 => string(5, le_u32(b.get(1..)?)? as usize),
        0xF1 => int(2),
        0xF2 => int(3),
        0xF3 => int(4),
        0xF4 => int(8),
        _ => None,
    }
}

/// The elements of a ziplist (the listpack's predecessor, in RDB files before 7.0),
/// checked throughout: header sizes and tail offset, each entry's previous-entry length
/// and encoding, the end marker, and the element count.
fn ziplist(blob: &[u8]) -> Option<Vec<Elem<'_>>> {
    if blob.len() < ZL_HEADER + 1 || le_u32(blob)? as usize != blob.len() {
        return None;
    }
    let tail = le_u32(&blob[4..])? as usize;
    let count = le_u16(&blob[8..])?;
    let end = blob.len() - 1;
    if blob[end] != ZL_END {
        return None;
    }
    let mut elems = Vec::with_capacity(usize::from(count).min(blob.len()));
    let mut at = ZL_HEADER;
    let mut last = ZL_HEADER;
    let mut prev_size = 0;
    while at < end {
        let (elem, size) = ziplist_entry(&blob[at..end], prev_size)?;
        last = at;
        at += size;
        prev_size = size;
        elems.push(elem);
    }
    (at == end && tail == last && (count == ZL_COUNT_UNKNOWN || usize::from(count) == elems.len()))
        .then_some(elems)
}

/// The ziplist entry at the start of `b` (whose predecessor took `prev_size` bytes) and
/// its whole size.
fn ziplist_entry(b: &[u8], prev_size: usize) -> Option<(Elem<'_>, usize)> {
    let (prev, mut at) = match *b.first()? {
        0xFE => (le_u32(b.get(1..)?)? as usize, 5),
        0xFF => return None,
        small => (usize::from(small), 1),
    };
    if prev != prev_size {
        return None;
    }
    let enc = *b.get(at)?;
    at += 1;
    let string = |header: usize, len: usize| {
        let s = b.get(header..header.checked_add(len)?)?;
        Some((Elem::Str(s), header + len))
    };
    let int = |bytes: usize| Some((Elem::Int(le_signed(b.get(at..at + bytes)?)), at + bytes));
    match enc {
        0x00..=0x3F => string(at, usize::from(enc)),
        0x40..=0x7F => string(
            at + 1,
            (usize::from(enc & 0x3F) << 8) | usize::from(*b.get(at)?),
        ),
        0x80..=0xBF => {
            let len = u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?);
            string(at + 4, len as usize)
        }
        0xC0 => int(2),
        0xD0 => int(4),
        0xE0 => int(8),
        0xF0 => int(3),
        0xFE => int(1),
        0xF1..=0xFD => Some((Elem::Int(i64::from(enc & 0x0F) - 1), at)),
        _ => None,
    }
}

/// The members of an intset: checked for a valid width, a size that matches its count,
/// and strictly ascending members.
fn intset_members(blob: &[u8]) -> Option<Vec<i64>> {
    let width = le_u32(blob)? as usize;
    let count = le_u32(blob.get(4..)?)? as usize;
    let body = blob.get(8..)?;
    if !matches!(width, 2 | 4 | 8)
        || body.len() / width != count
        || !body.len().is_multiple_of(width)
    {
        return None;
    }
    let members: Vec<i64> = body.chunks_exact(width).map(le_signed).collect();
    members.windows(2).all(|w| w[0] < w[1]).then_some(members)
}

/// The field/value pairs of a zipmap (the hash encoding of RDB files from Redis 2.4):
/// a count byte, then per pair `len field len free value` and `free` unused bytes, and an
/// end marker. Lengths from 254 on take a marker byte and four little-endian bytes.
fn zipmap_pairs(blob: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    /// A zipmap length and the bytes it took.
    fn length(b: &[u8]) -> Option<(usize, usize)> {
        match *b.first()? {
            254 => Some((le_u32(b.get(1..)?)? as usize, 5)),
            255 => None,
            n => Some((usize::from(n), 1)),
        }
    }
    let (&count, mut rest) = blob.split_first()?;
    let mut pairs = Vec::new();
    loop {
        if rest == [255] {
            break;
        }
        let (field_len, used) = length(rest)?;
        let field = rest.get(used..used.checked_add(field_len)?)?;
        rest = &rest[used + field_len..];
        let (value_len, used) = length(rest)?;
        let free = usize::from(*rest.get(used)?);
        let start = used + 1;
        let value = rest.get(start..start.checked_add(value_len)?)?;
        rest = rest.get(start + value_len + free..)?;
        pairs.push((field, value));
    }
    (count >= 254 || usize::from(count) == pairs.len()).then_some(pairs)
}

// ---------------------------------------------------------------------------------------
// Reading

/// The rest of a payload's object, read front to back.
struct Reader<'a> {
    /// What is left to read.
    buf: &'a [u8],
    /// Bytes LZF-compressed strings decompressed to so far, at most [`MAX_INFLATED`]: a
    /// payload of highly compressed strings must not grow a hundredfold in memory (on every
    /// replica, as RESTORE is applied everywhere).
    inflated: usize,
}

/// What one payload's compressed strings may decompress to in all: the largest string a
/// client may send (Redis's `proto-max-bulk-len`). A larger value is refused as bad data.
const MAX_INFLATED: usize = super::command::MAX_STRING_BYTES;

/// A length field: a length, or the marker of a special string encoding.
enum Length {
    /// A length.
    Plain(u64),
    /// One of the `ENC_*` string encodings.
    Encoded(u8),
}

impl<'a> Reader<'a> {
    /// The next `n` bytes.
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.buf.len() {
            return None;
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Some(head)
    }

    /// The next byte.
    fn byte(&mut self) -> Option<u8> {
        Some(self.bytes(1)?[0])
    }

    /// The next `N` bytes, as an array.
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.bytes(N)?.try_into().ok()
    }

    /// Redis's `rdbLoadLen`, telling a special string encoding apart.
    fn length_field(&mut self) -> Option<Length> {
        let first = self.byte()?;
        Some(match first >> 6 {
            0 => Length::Plain(u64::from(first & 0x3F)),
            1 => Length::Plain((u64::from(first & 0x3F) << 8) | u64::from(self.byte()?)),
            3 => Length::Encoded(first & 0x3F),
            _ => match first {
                LEN_32 => Length::Plain(u64::from(u32::from_be_bytes(self.array()?))),
                LEN_64 => Length::Plain(u64::from_be_bytes(self.array()?)),
                _ => return None,
            },
        })
    }

    /// A plain length.
    fn length(&mut self) -> Option<u64> {
        match self.length_field()? {
            Length::Plain(n) => Some(n),
            Length::Encoded(_) => None,
        }
    }

    /// A count of things that each take at least a byte of what is left: bounded by it, so
    /// that nothing sized by a count can be absurd.
    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.length()?)
            .ok()
            .filter(|&n| n <= self.buf.len())
    }

    /// Redis's `rdbGenericLoadStringObject`: raw, integer or LZF-compressed.
    fn string(&mut self) -> Option<Cow<'a, [u8]>> {
        match self.length_field()? {
            Length::Plain(n) => Some(Cow::Borrowed(self.bytes(usize::try_from(n).ok()?)?)),
            Length::Encoded(ENC_INT8) => Some(int_text(le_signed(self.bytes(1)?))),
            Length::Encoded(ENC_INT16) => Some(int_text(le_signed(self.bytes(2)?))),
            Length::Encoded(ENC_INT32) => Some(int_text(le_signed(self.bytes(4)?))),
            Length::Encoded(ENC_LZF) => {
                let compressed_len = usize::try_from(self.length()?).ok()?;
                let len = usize::try_from(self.length()?).ok()?;
                let compressed = self.bytes(compressed_len)?;
                self.inflated = self.inflated.checked_add(len)?;
                if self.inflated > MAX_INFLATED {
                    return None;
                }
                Some(Cow::Owned(lzf_decompress(compressed, len)?))
            }
            Length::Encoded(_) => None,
        }
    }

    /// A stream ID as two lengths.
    fn id(&mut self) -> Option<StreamId> {
        Some(StreamId {
            ms: self.length()?,
            seq: self.length()?,
        })
    }

    /// A stream ID as 16 raw big-endian bytes.
    fn raw_id(&mut self) -> Option<StreamId> {
        id_from_raw(self.bytes(16)?)
    }

    /// A Unix time in ms, eight little-endian bytes.
    fn millis(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.array()?))
    }

    /// A sorted-set score as the old `ZSET` type writes it: a length byte (253 to 255 for
    /// NaN, +inf and -inf) and the number as text.
    fn text_score(&mut self) -> Option<f64> {
        match self.byte()? {
            253 => None,
            254 => Some(f64::INFINITY),
            255 => Some(f64::NEG_INFINITY),
            len => parse_double(self.bytes(usize::from(len))?),
        }
    }
}

/// An integer as the string Redis answers for it.
fn int_text(v: i64) -> Cow<'static, [u8]> {
    Cow::Owned(v.to_string().into_bytes())
}

/// A stream ID from 16 big-endian bytes (a radix-tree key).
fn id_from_raw(raw: &[u8]) -> Option<StreamId> {
    if raw.len() != 16 {
        return None;
    }
    Some(StreamId {
        ms: u64::from_be_bytes(raw[..8].try_into().ok()?),
        seq: u64::from_be_bytes(raw[8..].try_into().ok()?),
    })
}

/// The value of one object.
fn read_value(r: &mut Reader<'_>) -> Option<Restored> {
    let kind = r.byte()?;
    if let TYPE_HASH_METADATA | TYPE_HASH_LISTPACK_EX = kind {
        let (value, field_ttls) = read_hash_ttls(r, kind)?;
        return Some(Restored {
            value_type: ValueType::Hash,
            value,
            field_ttls,
        });
    }
    let value_type = match kind {
        TYPE_STRING => ValueType::String,
        TYPE_LIST | TYPE_LIST_ZIPLIST | TYPE_LIST_QUICKLIST | TYPE_LIST_QUICKLIST_2 => {
            ValueType::List
        }
        TYPE_SET | TYPE_SET_INTSET | TYPE_SET_LISTPACK => ValueType::Set,
        TYPE_ZSET | TYPE_ZSET_2 | TYPE_ZSET_ZIPLIST | TYPE_ZSET_LISTPACK => ValueType::SortedSet,
        TYPE_HASH | TYPE_HASH_ZIPMAP | TYPE_HASH_ZIPLIST | TYPE_HASH_LISTPACK => ValueType::Hash,
        TYPE_STREAM_LISTPACKS | TYPE_STREAM_LISTPACKS_2 | TYPE_STREAM_LISTPACKS_3 => {
            ValueType::Stream
        }
        // Modules (6, 7) and types this version of the format does not have.
        _ => return None,
    };
    let value = match value_type {
        ValueType::String => r.string()?.into_owned(),
        ValueType::List => read_list(r, kind)?,
        ValueType::Set => read_set(r, kind)?,
        ValueType::SortedSet => read_zset(r, kind)?,
        ValueType::Hash => read_hash(r, kind)?,
        ValueType::Stream => read_stream(r, kind)?.encode(),
    };
    Some(Restored {
        value_type,
        value,
        field_ttls: Vec::new(),
    })
}

/// A value RESTORE gives back.
#[derive(Debug, PartialEq)]
pub(super) struct Restored {
    /// Its type.
    pub value_type: ValueType,
    /// Its packed form, as the keyspace stores it.
    pub value: Vec<u8>,
    /// For a hash, the fields that have a TTL, each with its expiry in Unix ms (some may be
    /// past already).
    pub field_ttls: FieldTimes,
}

/// Fields with their expiry times in Unix ms.
pub(super) type FieldTimes = Vec<(Vec<u8>, i64)>;

/// A hash with field TTLs, of either type: its packed form and its fields' expiries.
fn read_hash_ttls(r: &mut Reader<'_>, kind: u8) -> Option<(Vec<u8>, FieldTimes)> {
    let soonest = r.millis()?;
    let valid = |at: i64| (1..=super::fieldttl::MAX_AT_MS).contains(&at).then_some(at);
    let mut pairs = Vec::new();
    let mut ttls = Vec::new();
    if kind == TYPE_HASH_LISTPACK_EX {
        // Each entry's expiry is absolute there; the soonest one is not needed.
        let blob = r.string()?;
        let elems = listpack(&blob)?;
        if !elems.len().is_multiple_of(3) {
            return None;
        }
        for triple in elems.chunks_exact(3) {
            let at = triple[2].int()?;
            if at != 0 {
                ttls.push((triple[0].bytes().into_owned(), valid(at)?));
            }
            pairs.push((
                Cow::Owned(triple[0].bytes().into_owned()),
                Cow::Owned(triple[1].bytes().into_owned()),
            ));
        }
    } else {
        for _ in 0..r.count()? {
            let relative = r.length()?;
            let field = r.string()?;
            let value = r.string()?;
            if relative != 0 {
                let at = i64::try_from(relative - 1)
                    .ok()
                    .and_then(|d| soonest.checked_add(d))?;
                ttls.push((field.clone().into_owned(), valid(at)?));
            }
            pairs.push((field, value));
        }
    }
    Some((hash_value(pairs)?, ttls))
}

/// A list of any of the list types.
fn read_list(r: &mut Reader<'_>, kind: u8) -> Option<Vec<u8>> {
    match kind {
        TYPE_LIST => {
            let mut out = Vec::new();
            for _ in 0..r.count()? {
                packed::put(&mut out, &r.string()?);
            }
            nonempty(out)
        }
        TYPE_LIST_ZIPLIST => list_value(&ziplist(&r.string()?)?),
        _ => read_quicklist(r, kind == TYPE_LIST_QUICKLIST_2),
    }
}

/// A set of either set type.
fn read_set(r: &mut Reader<'_>, kind: u8) -> Option<Vec<u8>> {
    if kind == TYPE_SET_LISTPACK {
        let blob = r.string()?;
        let elems = listpack(&blob)?;
        return set_value(elems.into_iter().map(Elem::bytes).collect());
    }
    if kind == TYPE_SET_INTSET {
        let members = intset_members(&r.string()?)?;
        return set_value(members.into_iter().map(int_text).collect());
    }
    let n = r.count()?;
    let mut members = Vec::with_capacity(n);
    for _ in 0..n {
        members.push(r.string()?);
    }
    set_value(members)
}

/// A sorted set of any of the sorted-set types.
fn read_zset(r: &mut Reader<'_>, kind: u8) -> Option<Vec<u8>> {
    match kind {
        TYPE_ZSET_ZIPLIST => return zset_from_elems(&ziplist(&r.string()?)?),
        TYPE_ZSET_LISTPACK => return zset_from_elems(&listpack(&r.string()?)?),
        _ => {}
    }
    let n = r.count()?;
    let mut items = Vec::with_capacity(n);
    for _ in 0..n {
        let member = r.string()?;
        let score = if kind == TYPE_ZSET_2 {
            f64::from_le_bytes(r.array()?)
        } else {
            r.text_score()?
        };
        items.push((score, member));
    }
    zset_value(items)
}

/// A hash of any of the hash types.
fn read_hash(r: &mut Reader<'_>, kind: u8) -> Option<Vec<u8>> {
    match kind {
        TYPE_HASH_ZIPLIST => return hash_from_elems(&ziplist(&r.string()?)?),
        TYPE_HASH_LISTPACK => return hash_from_elems(&listpack(&r.string()?)?),
        TYPE_HASH_ZIPMAP => {
            let blob = r.string()?;
            let pairs = zipmap_pairs(&blob)?
                .into_iter()
                .map(|(f, v)| (Cow::Borrowed(f), Cow::Borrowed(v)))
                .collect();
            return hash_value(pairs);
        }
        _ => {}
    }
    let n = r.count()?;
    let mut pairs = Vec::with_capacity(n);
    for _ in 0..n {
        pairs.push((r.string()?, r.string()?));
    }
    hash_value(pairs)
}

/// `buf` unless it is empty: Redis refuses empty collections (`RDB_LOAD_ERR_EMPTY_KEY`).
fn nonempty(buf: Vec<u8>) -> Option<Vec<u8>> {
    (!buf.is_empty()).then_some(buf)
}

/// A list of listpack or ziplist elements.
fn list_value(elems: &[Elem<'_>]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for e in elems {
        packed::put(&mut out, &e.bytes());
    }
    nonempty(out)
}

/// A quicklist's elements: nodes of one raw element or of a listpack (ziplist for the
/// older type), possibly compressed; empty nodes are skipped as Redis skips them.
fn read_quicklist(r: &mut Reader<'_>, v2: bool) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    for _ in 0..r.count()? {
        let container = if v2 { r.length()? } else { QUICKLIST_PACKED };
        let blob = r.string()?;
        match container {
            QUICKLIST_PLAIN => packed::put(&mut out, &blob),
            QUICKLIST_PACKED => {
                let elems = if v2 {
                    listpack(&blob)?
                } else {
                    ziplist(&blob)?
                };
                for e in elems {
                    packed::put(&mut out, &e.bytes());
                }
            }
            _ => return None,
        }
    }
    nonempty(out)
}

/// A set of `members` as the keyspace builds one (an intset when at most 512 integers);
/// refuses none or a member twice.
fn set_value(members: Vec<Cow<'_, [u8]>>) -> Option<Vec<u8>> {
    let refs: Vec<&[u8]> = members.iter().map(|m| m.as_ref()).collect();
    let mut seen = HashSet::with_capacity(refs.len());
    if !refs.iter().all(|m| seen.insert(*m)) {
        return None;
    }
    nonempty(set::pack(refs))
}

/// A sorted set of `items` in (score, member) order; refuses none, a member twice or NaN.
fn zset_value(items: Vec<(f64, Cow<'_, [u8]>)>) -> Option<Vec<u8>> {
    let refs: Vec<(f64, &[u8])> = items.iter().map(|(s, m)| (*s, m.as_ref())).collect();
    let mut seen = HashSet::with_capacity(refs.len());
    if !refs.iter().all(|(s, m)| !s.is_nan() && seen.insert(*m)) {
        return None;
    }
    nonempty(zset::pack(refs))
}

/// A sorted set from alternating members and scores.
fn zset_from_elems(elems: &[Elem<'_>]) -> Option<Vec<u8>> {
    if !elems.len().is_multiple_of(2) {
        return None;
    }
    let items = elems
        .chunks_exact(2)
        .map(|pair| Some((pair[1].score()?, pair[0].bytes())))
        .collect::<Option<Vec<_>>>()?;
    zset_value(items)
}

/// A hash field and its value, read from a payload.
type Pair<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

/// A hash of `pairs` in their order; refuses none or a field twice.
fn hash_value(pairs: Vec<Pair<'_>>) -> Option<Vec<u8>> {
    let refs: Vec<(&[u8], &[u8])> = pairs
        .iter()
        .map(|(f, v)| (f.as_ref(), v.as_ref()))
        .collect();
    let mut seen = HashSet::with_capacity(refs.len());
    if refs.is_empty() || !refs.iter().all(|(f, _)| seen.insert(*f)) {
        return None;
    }
    Some(hash::encode(&refs))
}

/// A hash from alternating fields and values.
fn hash_from_elems(elems: &[Elem<'_>]) -> Option<Vec<u8>> {
    if !elems.len().is_multiple_of(2) {
        return None;
    }
    let pairs = elems
        .chunks_exact(2)
        .map(|pair| (pair[0].bytes(), pair[1].bytes()))
        .collect();
    hash_value(pairs)
}

// ---------------------------------------------------------------------------------------
// Streams

/// One entry of a stream node's listpack.
struct NodeEntry {
    /// Its ID (the master ID plus its deltas).
    id: StreamId,
    /// Whether XDEL deleted it (it stays in the node, flagged).
    deleted: bool,
    /// Fields and values, packed (see `kv::packed`).
    fields: Vec<u8>,
    /// How many strings `fields` holds.
    strings: usize,
}

/// Walks a listpack's elements front to back.
struct Elems<'e, 'a> {
    /// The elements not read yet.
    elems: &'e [Elem<'a>],
}

impl<'a> Elems<'_, 'a> {
    /// The next element.
    fn next(&mut self) -> Option<Elem<'a>> {
        let (first, rest) = self.elems.split_first()?;
        self.elems = rest;
        Some(*first)
    }

    /// The next element, which must be an integer.
    fn int(&mut self) -> Option<i64> {
        self.next()?.int()
    }

    /// A count of further elements, each of which must still be there.
    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.int()?)
            .ok()
            .filter(|&n| n <= self.elems.len())
    }
}

/// The entries of one stream node (a listpack under master ID `master`): the master entry
/// (live count, deleted count, field names, a zero), then each entry's flags, ID deltas,
/// fields (unless the master's), values and piece count, all checked against each other.
fn stream_node(master: StreamId, elems: &[Elem<'_>]) -> Option<Vec<NodeEntry>> {
    let mut it = Elems { elems };
    let live = it.count()?;
    let deleted = it.count()?;
    let master_fields: Vec<Elem<'_>> =
        (0..it.count()?).map(|_| it.next()).collect::<Option<_>>()?;
    if it.int()? != 0 {
        return None;
    }
    let mut entries = Vec::with_capacity(live.saturating_add(deleted).min(elems.len()));
    while !it.elems.is_empty() {
        let flags = it.int()?;
        if flags & !(STREAM_DELETED | STREAM_SAMEFIELDS) != 0 {
            return None;
        }
        let id = StreamId {
            ms: master.ms.wrapping_add(it.int()? as u64),
            seq: master.seq.wrapping_add(it.int()? as u64),
        };
        let same = flags & STREAM_SAMEFIELDS != 0;
        let pairs = if same {
            master_fields.len()
        } else {
            it.count()?
        };
        if pairs == 0 {
            return None;
        }
        let mut fields = Vec::new();
        let mut master_names = master_fields.iter();
        for _ in 0..pairs {
            let field = if same {
                *master_names.next()?
            } else {
                it.next()?
            };
            packed::put(&mut fields, &field.bytes());
            packed::put(&mut fields, &it.next()?.bytes());
        }
        let pieces = pairs + 3 + if same { 0 } else { pairs + 1 };
        if it.int()? != pieces as i64 {
            return None;
        }
        entries.push(NodeEntry {
            id,
            deleted: flags & STREAM_DELETED != 0,
            fields,
            strings: 2 * pairs,
        });
    }
    let live_found = entries.iter().filter(|e| !e.deleted).count();
    (live_found == live && entries.len() == live + deleted).then_some(entries)
}

/// The node `kv::stream` keeps for a listpack of `entries`, with the size it estimates
/// when it appends them (see `Stream::append`).
fn stream_node_summary(entries: &[NodeEntry]) -> Option<Node> {
    let bytes = entries.iter().fold(NODE_HEADER_BYTES, |total, e| {
        let size = u32::try_from(e.fields.len() + 2 * e.strings + 4).unwrap_or(u32::MAX);
        total.saturating_add(size)
    });
    Some(Node {
        last: entries.last()?.id,
        appended: u32::try_from(entries.len()).ok()?,
        live: u32::try_from(entries.iter().filter(|e| !e.deleted).count()).ok()?,
        bytes,
    })
}

/// A stream: its nodes (listpacks keyed by master ID, in ID order), length, IDs, counters
/// (`STREAM_LISTPACKS_2` only; derived as Redis derives them for the older type) and
/// consumer groups.
fn read_stream(r: &mut Reader<'_>, kind: u8) -> Option<Stream> {
    let v2 = kind != TYPE_STREAM_LISTPACKS;
    let mut s = Stream::default();
    let mut newest: Option<StreamId> = None;
    for _ in 0..r.count()? {
        let master = id_from_raw(&r.string()?)?;
        let blob = r.string()?;
        let entries = stream_node(master, &listpack(&blob)?)?;
        // Nodes are found by the largest master ID at or before an entry's, so every node
        // must start after the previous one's last entry, and IDs rise throughout.
        if newest.is_some_and(|n| n >= master) {
            return None;
        }
        let mut prev = None;
        for e in &entries {
            if e.id < master || prev.is_some_and(|p| p >= e.id) {
                return None;
            }
            prev = Some(e.id);
        }
        let node = stream_node_summary(&entries)?;
        if node.live == 0 {
            return None;
        }
        newest = Some(node.last);
        s.nodes.insert(master, node);
        for e in entries.into_iter().filter(|e| !e.deleted) {
            s.entries.insert(e.id, e.fields.into_boxed_slice());
        }
    }
    if usize::try_from(r.length()?).ok()? != s.entries.len() {
        return None;
    }
    s.last_id = r.id()?;
    if newest.is_some_and(|n| n > s.last_id) {
        return None;
    }
    if v2 {
        s.first_id = r.id()?;
        s.max_deleted = r.id()?;
        // Counters stay in the range commands keep them in (XSETID takes a signed 64-bit
        // number), so that the stream's arithmetic on them cannot overflow.
        s.entries_added = r.length()?;
        if i64::try_from(s.entries_added).is_err() {
            return None;
        }
    } else {
        s.first_id = s.entries.keys().next().copied().unwrap_or_default();
        s.entries_added = s.entries.len() as u64;
    }
    for _ in 0..r.count()? {
        let (name, group) = read_group(r, &s, kind)?;
        if s.groups.insert(name, group).is_some() {
            return None;
        }
    }
    Some(s)
}

/// A consumer group: name, last delivered ID, entries read (estimated for the older type as
/// Redis estimates it), its pending entries, then its consumers with the IDs each owns.
fn read_group(r: &mut Reader<'_>, s: &Stream, kind: u8) -> Option<(Box<[u8]>, Group)> {
    let v2 = kind != TYPE_STREAM_LISTPACKS;
    let name: Box<[u8]> = r.string()?.into();
    let last_id = r.id()?;
    let entries_read = if v2 {
        // Redis writes its signed counter as an unsigned length (-1, unknown, as 2^64 - 1);
        // the packed form holds -1 and up, short of the largest.
        r.length()? as i64
    } else {
        s.entries_up_to(last_id)
    };
    if entries_read < super::stream::UNKNOWN_READ || entries_read == i64::MAX {
        return None;
    }
    let mut pending = read_pending(r)?;
    let consumers = read_consumers(r, &mut pending, kind == TYPE_STREAM_LISTPACKS_3)?;
    let pel = pending
        .into_iter()
        .map(|(id, p)| {
            let nack = Nack {
                consumer: p.owner?,
                delivery_time: p.delivery_time,
                delivery_count: p.delivery_count,
            };
            Some((id, nack))
        })
        .collect::<Option<BTreeMap<_, _>>>()?;
    let group = Group {
        last_id,
        entries_read,
        pel,
        consumers,
    };
    Some((name, group))
}

/// A group's pending entry while its consumers are read: the group's PEL comes first and
/// names no owner; each consumer's list of IDs then claims its own.
struct Pending {
    /// Unix ms of its last delivery.
    delivery_time: i64,
    /// How many times it was delivered.
    delivery_count: u64,
    /// The consumer that claimed it, once one has.
    owner: Option<Box<[u8]>>,
}

/// A group's PEL: raw IDs with delivery time and count, each once.
fn read_pending(r: &mut Reader<'_>) -> Option<BTreeMap<StreamId, Pending>> {
    let mut pending = BTreeMap::new();
    for _ in 0..r.count()? {
        let id = r.raw_id()?;
        let entry = Pending {
            delivery_time: r.millis()?,
            delivery_count: r.length()?,
            owner: None,
        };
        // As for the stream's counters: no more than RETRYCOUNT can set.
        if i64::try_from(entry.delivery_count).is_err() || pending.insert(id, entry).is_some() {
            return None;
        }
    }
    Some(pending)
}

/// A group's consumers: name, seen time and the pending IDs it owns, each of which must be
/// in the group's PEL and owned by no other consumer.
fn read_consumers(
    r: &mut Reader<'_>,
    pending: &mut BTreeMap<StreamId, Pending>,
    active_times: bool,
) -> Option<BTreeMap<Box<[u8]>, Consumer>> {
    let mut consumers = BTreeMap::new();
    for _ in 0..r.count()? {
        let name: Box<[u8]> = r.string()?.into();
        let seen_time = r.millis()?;
        if active_times {
            // Redis 7.2's last successful read by the consumer, which raft-kv does not keep.
            r.millis()?;
        }
        let mut pel = BTreeSet::new();
        for _ in 0..r.count()? {
            let id = r.raw_id()?;
            let owner = &mut pending.get_mut(&id)?.owner;
            if owner.is_some() {
                return None;
            }
            *owner = Some(name.clone());
            pel.insert(id);
        }
        if consumers
            .insert(name, Consumer { seen_time, pel })
            .is_some()
        {
            return None;
        }
    }
    Some(consumers)
}

// ---------------------------------------------------------------------------------------
// LZF

/// LZF back references reach this far back at most ...
const LZF_MAX_OFF: usize = 1 << 13;
/// ... and copy at most this many bytes.
const LZF_MAX_REF: usize = (1 << 8) + (1 << 3);
/// A literal run holds at most this many bytes.
const LZF_MAX_LIT: usize = 1 << 5;
/// Slots of the compressor's hash table (`HLOG` 16).
const LZF_SLOTS: usize = 1 << 16;
/// At most this much output for each byte of compressed input (a 3-byte back reference of
/// 264 bytes).
const LZF_MAX_RATIO: usize = LZF_MAX_REF / 3;

/// Decompresses `input`, which must expand to exactly `len` bytes (Redis's `lzf_d.c`:
/// literal runs `000LLLLL`, back references `LLLooooo oooooooo` or `111ooooo LLLLLLLL
/// oooooooo` copying L+2 bytes from o+1 back).
fn lzf_decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
    if len == 0 || len > input.len().saturating_mul(LZF_MAX_RATIO) {
        return None;
    }
    let mut out = Vec::with_capacity(len.min(input.len().saturating_mul(4)));
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < LZF_MAX_LIT {
            let run = input.get(ip..ip + ctrl + 1)?;
            if out.len() + run.len() > len {
                return None;
            }
            out.extend_from_slice(run);
            ip += run.len();
            continue;
        }
        let mut n = ctrl >> 5;
        if n == 7 {
            n += usize::from(*input.get(ip)?);
            ip += 1;
        }
        n += 2;
        let back = ((ctrl & 0x1f) << 8) + usize::from(*input.get(ip)?) + 1;
        ip += 1;
        if back > out.len() || out.len() + n > len {
            return None;
        }
        let start = out.len() - back;
        if back >= n {
            out.extend_from_within(start..start + n);
        } else {
            // The copy overlaps what it writes (a repeated pattern): byte by byte.
            for i in start..start + n {
                out.push(out[i]);
            }
        }
    }
    (out.len() == len).then_some(out)
}

/// Redis's LZF compressor (liblzf 3.6 `lzf_c.c` as Redis builds it), reproduced step for
/// step because DUMP's bytes depend on every choice it makes: the hash of three bytes,
/// one slot per hash holding the latest position, the match extension, and the two
/// positions re-hashed after each match. The table is logically empty at each call (slots
/// of older calls are told apart by a round number), as Redis's would be if it cleared it.
#[derive(Default)]
struct Lzf {
    /// Per hash: the round it was set in (high 32 bits) and the position (low 32).
    slots: Vec<u64>,
    /// The current call's round; slots of other rounds count as empty.
    round: u32,
}

impl Lzf {
    /// Starts a call: a fresh round, the table allocated on first use.
    fn begin(&mut self) {
        if self.slots.is_empty() {
            self.slots = vec![0; LZF_SLOTS];
        }
        self.round = self.round.wrapping_add(1);
        if self.round == 0 {
            self.slots.iter_mut().for_each(|s| *s = 0);
            self.round = 1;
        }
    }

    /// The slot of a rolling hash of three bytes (`IDX` with `VERY_FAST`).
    fn slot(hval: u32) -> usize {
        ((hval >> 8).wrapping_sub(hval.wrapping_mul(5)) & (LZF_SLOTS as u32 - 1)) as usize
    }

    /// The position last stored under `hval` this round (0, which never matches, if none),
    /// replaced by `pos`.
    fn swap(&mut self, hval: u32, pos: usize) -> usize {
        let slot = &mut self.slots[Lzf::slot(hval)];
        let old = *slot;
        *slot = (u64::from(self.round) << 32) | pos as u64;
        if (old >> 32) as u32 == self.round {
            (old & 0xffff_ffff) as usize
        } else {
            0
        }
    }

    /// `input` compressed into at most `input.len() - 4` bytes (as `rdbSaveLzfStringObject`
    /// asks), or `None` when it does not fit.
    fn compress(&mut self, input: &[u8]) -> Option<Vec<u8>> {
        let in_len = input.len();
        if in_len <= 4 || u32::try_from(in_len).is_err() {
            return None;
        }
        self.begin();
        let mut out = LzfOut::new(in_len - 4);
        let mut ip = 0;
        let mut hval = (u32::from(input[0]) << 8) | u32::from(input[1]);
        while ip + 2 < in_len {
            hval = (hval << 8) | u32::from(input[ip + 2]);
            let r = self.swap(hval, ip);
            let is_match =
                r > 0 && r < ip && ip - r - 1 < LZF_MAX_OFF && input[r..r + 3] == input[ip..ip + 3];
            if !is_match {
                if out.op >= out.limit {
                    return None;
                }
                out.literal(input[ip]);
                ip += 1;
                continue;
            }
            let maxlen = (in_len - ip - 2).min(LZF_MAX_REF);
            let len = lzf_match_len(input, r, ip, maxlen);
            out.back_reference(ip - r - 1, len)?;
            ip += len;
            if ip + 2 >= in_len {
                break;
            }
            // The last two positions the match covered go into the table too.
            ip -= 2;
            hval = (u32::from(input[ip]) << 8) | u32::from(input[ip + 1]);
            for _ in 0..2 {
                hval = (hval << 8) | u32::from(input[ip + 2]);
                self.swap(hval, ip);
                ip += 1;
            }
        }
        // The last two bytes (at most) go out as literals, with room checked once.
        if out.op + 3 > out.limit {
            return None;
        }
        for &b in &input[ip..] {
            out.literal(b);
        }
        Some(out.finish())
    }
}

/// The compressor's output. `op` is where the next byte goes; while a literal run is open
/// (always, between back references) its control byte waits `lit + 1` bytes back, reserved
/// before the run's first literal and written when the run closes, as `lzf_c.c` does.
struct LzfOut {
    /// The output, with room to spare.
    buf: Vec<u8>,
    /// Where the next byte goes.
    op: usize,
    /// Bytes in the open literal run.
    lit: usize,
    /// The most bytes the output may take.
    limit: usize,
}

impl LzfOut {
    /// Output of at most `limit` bytes, its first run's control byte reserved.
    fn new(limit: usize) -> LzfOut {
        // Slack past `limit`: Redis's room checks let the cursor pass the end by a byte or
        // two before it gives up, and so do these.
        LzfOut {
            buf: vec![0; limit + 4],
            op: 1,
            lit: 0,
            limit,
        }
    }

    /// Writes the open run's control byte (the run's length minus one).
    fn close_run(&mut self) {
        self.buf[self.op - self.lit - 1] = (self.lit as u8).wrapping_sub(1);
    }

    /// Appends a literal byte, closing the run (and reserving the next one's control byte)
    /// when it is full.
    fn literal(&mut self, b: u8) {
        self.buf[self.op] = b;
        self.op += 1;
        self.lit += 1;
        if self.lit == LZF_MAX_LIT {
            self.close_run();
            self.lit = 0;
            self.op += 1;
        }
    }

    /// Closes the open run (dropping its reserved byte if empty) and appends a back
    /// reference copying `len` bytes from `off + 1` back; `None` when it would not fit.
    fn back_reference(&mut self, off: usize, len: usize) -> Option<()> {
        let empty_run = usize::from(self.lit == 0);
        if self.op - empty_run + 4 >= self.limit {
            return None;
        }
        self.close_run();
        self.op -= empty_run;
        let len = len - 2;
        if len < 7 {
            self.buf[self.op] = ((off >> 8) + (len << 5)) as u8;
            self.op += 1;
        } else {
            self.buf[self.op] = ((off >> 8) + (7 << 5)) as u8;
            self.buf[self.op + 1] = (len - 7) as u8;
            self.op += 2;
        }
        self.buf[self.op] = off as u8;
        // The byte after it is the next run's control byte.
        self.op += 2;
        self.lit = 0;
        Some(())
    }

    /// The output, its last run closed (or its reserved byte dropped if empty).
    fn finish(mut self) -> Vec<u8> {
        self.close_run();
        self.op -= usize::from(self.lit == 0);
        self.buf.truncate(self.op);
        self.buf
    }
}

/// How many bytes match at `r` and `ip` (three are known to), extended as `lzf_c.c` does:
/// when more than 16 may match, sixteen comparisons without a bound check (which can
/// overshoot `maxlen` by two at the very end of the input), then one at a time up to
/// `maxlen`.
fn lzf_match_len(input: &[u8], r: usize, ip: usize, maxlen: usize) -> usize {
    let mut len = 2;
    if maxlen > 16 {
        for _ in 0..16 {
            len += 1;
            if input[r + len] != input[ip + len] {
                return len;
            }
        }
    }
    loop {
        len += 1;
        if len >= maxlen || input[r + len] != input[ip + len] {
            return len;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::list;
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// A payload around `object`, with a correct footer.
    fn payload(object: &[u8]) -> Vec<u8> {
        let mut out = object.to_vec();
        out.extend_from_slice(&RDB_VERSION.to_le_bytes());
        let crc = crc64(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// The same pseudo-random bytes as the recording script (xorshift64).
    fn rng_bytes(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    /// A value as `restore` gives it.
    type Value = (ValueType, Vec<u8>);

    fn string(s: &[u8]) -> Value {
        (ValueType::String, s.to_vec())
    }

    fn list_of(items: &[&[u8]]) -> Value {
        (ValueType::List, list::pack(items))
    }

    fn hash_of(pairs: &[(&[u8], &[u8])]) -> Value {
        (ValueType::Hash, hash::encode(pairs))
    }

    fn set_of(members: &[&[u8]]) -> Value {
        (ValueType::Set, set::pack(members.to_vec()))
    }

    fn zset_of(items: &[(f64, &[u8])]) -> Value {
        (ValueType::SortedSet, zset::pack(items.to_vec()))
    }

    fn id(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    fn fields(strings: &[&str]) -> Vec<u8> {
        packed::pack(strings.iter().map(|s| s.as_bytes()))
    }

    /// A stream of `entries` (ID, fields, deleted) in nodes of `node_sizes` entries, as Redis
    /// would hold it after appending them all (and deleting some), without groups.
    fn stream_of(entries: &[(StreamId, Vec<u8>, bool)], node_sizes: &[usize]) -> Stream {
        let mut s = Stream::default();
        let mut rest = entries;
        for &size in node_sizes {
            let (node, after) = rest.split_at(size);
            rest = after;
            let node_entries: Vec<NodeEntry> = node
                .iter()
                .map(|(id, f, deleted)| NodeEntry {
                    id: *id,
                    deleted: *deleted,
                    fields: f.clone(),
                    strings: packed::strings(f).count(),
                })
                .collect();
            s.nodes
                .insert(node[0].0, stream_node_summary(&node_entries).unwrap());
        }
        assert!(rest.is_empty());
        for (id, f, deleted) in entries {
            if !deleted {
                s.entries.insert(*id, f.clone().into_boxed_slice());
            }
        }
        s.last_id = entries.last().map(|e| e.0).unwrap_or_default();
        s.first_id = s.entries.keys().next().copied().unwrap_or_default();
        s.entries_added = entries.len() as u64;
        s
    }

    fn group(last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: BTreeMap::new(),
            consumers: BTreeMap::new(),
        }
    }

    /// Adds consumer `name` (seen at `seen`) owning `pending` (ID, delivery time, count).
    fn add_consumer(g: &mut Group, name: &str, seen: i64, pending: &[(StreamId, i64, u64)]) {
        let mut c = Consumer {
            seen_time: seen,
            pel: BTreeSet::new(),
        };
        for &(pid, time, count) in pending {
            c.pel.insert(pid);
            let nack = Nack {
                consumer: Box::from(name.as_bytes()),
                delivery_time: time,
                delivery_count: count,
            };
            g.pel.insert(pid, nack);
        }
        g.consumers.insert(Box::from(name.as_bytes()), c);
    }

    /// When redis-server 7.0.15 recorded the stream fixtures (consumers' seen time).
    const SEEN: i64 = 1_796_593_375_652;

    /// The stream of `STREAM_GROUPS`, or with 1-5 deleted (and group g3) that of
    /// `STREAM_DELETED`.
    fn groups_stream(deleted: bool) -> Stream {
        let entries = vec![
            (id(1, 1), fields(&["a", "1", "b", "2"]), false),
            (id(1, 5), fields(&["a", "3", "b", "4"]), deleted),
            (id(2, 0), fields(&["c", "five"]), false),
            (id(2, 1), fields(&["a", "x", "b", "-70000"]), false),
        ];
        let mut s = stream_of(&entries, &[4]);
        let mut g = group(id(1, 5), 2);
        add_consumer(&mut g, "alice", SEEN, &[(id(1, 1), 1_700_000_000_000, 3)]);
        add_consumer(&mut g, "bob", SEEN, &[(id(1, 5), 1_700_000_001_000, 7)]);
        add_consumer(&mut g, "carol", SEEN, &[]);
        s.groups.insert(Box::from(&b"g"[..]), g);
        s.groups.insert(Box::from(&b"g2"[..]), group(id(2, 1), -1));
        if deleted {
            s.max_deleted = id(1, 5);
            s.groups.insert(Box::from(&b"g3"[..]), group(id(1, 5), -1));
        }
        s
    }

    /// A recorded DUMP payload, the value it holds, and whether `dump` of that value gives
    /// the same bytes.
    struct Fixture {
        name: &'static str,
        hex: &'static str,
        value: (ValueType, Vec<u8>),
        same_dump: bool,
    }

    // Recorded from redis-server 7.0.15 (default configuration) with `DUMP k` after the
    // commands named in each comment, through a raw RESP client.
    fn fixtures() -> Vec<Fixture> {
        let f = |name, hex, value, same_dump| Fixture {
            name,
            hex,
            value,
            same_dump,
        };
        let long_y = [b'y'; 70];
        let long_z = [b'z'; 70];
        let long_x = [b'x'; 70];
        vec![
            // SET k hello
            f(
                "string raw",
                "000568656c6c6f0a006372df766534200a",
                string(b"hello"),
                true,
            ),
            // SET k ""
            f(
                "string empty",
                "00000a005d9b5c400f7fa2da",
                string(b""),
                true,
            ),
            // SET k -12 / 1234 / -1234567
            f(
                "string int8",
                "00c0f40a004474ced75aa7ef82",
                string(b"-12"),
                true,
            ),
            f(
                "string int16",
                "00c1d2040a00008708a144825ced",
                string(b"1234"),
                true,
            ),
            f(
                "string int32",
                "00c27929edff0a00569667057153cd9b",
                string(b"-1234567"),
                true,
            ),
            // SET k 12345678901234 (too wide for the integer encodings)
            f(
                "string wide integer",
                "000e31323334353637383930313233340a00afcb8c7b76a08b6a",
                string(b"12345678901234"),
                true,
            ),
            // SET k 0123 (not an integer as Redis reads one)
            f(
                "string leading zero",
                "0004303132330a000ae40c929e3b6422",
                string(b"0123"),
                true,
            ),
            // SET k aaaa...a (100 a's)
            f(
                "string lzf run",
                "00c3094064016161e057000161610a00e8a3b507b06df271",
                string(&[b'a'; 100]),
                true,
            ),
            // SET k "the quick brown fox jumps over the lazy dog; the quick brown fox jumps again"
            f(
                "string lzf text",
                "00c338404c1f74686520717569636b2062726f776e20666f78206a756d7073206f766572207420\
                 1e086c617a7920646f673b600de00d2c04616761696e0a00423ce467cc5c36b1",
                string(
                    b"the quick brown fox jumps over the lazy dog; the quick brown fox jumps again",
                ),
                true,
            ),
            // SET k <100 pseudo-random bytes, seed 1>: incompressible, a 14-bit length
            f(
                "string 14-bit length",
                "004064414129256501710dff2ee489e6a3e47b2531af5cf0b9a2d97a9c69b76a0c1404381cf6fd\
                 52b80b2b3b59ab82c5025286fbdab3ca0dc1d4035d15eb5a6832487ed0217bb3f2ed1020967f83da\
                 45cdea7fbd00a67d5f971a9649035bf55c1856021c869fc80a003d56af684d70b2ed",
                string(&rng_bytes(100, 1)),
                true,
            ),
            // RPUSH k a b 1 -5 300 70000 -70000 5000000000 "" xxx...x(70) -4096 4095 -4097
            //   8388607 -8388608 2147483648 9223372036854775807 -9223372036854775808 007
            f(
                "list listpack",
                "120102c3406440ab1fab00000013008161028162020101dffb02c12c02f270110104f290eefe04\
                 f40003f2052a01202205098001e04678e03c001348d00002cfff02f1ffef03f2ffff7f04f20000\
                 80206820052003030009f4ff8000017f09401340000780098330303704ff0a00f47ee6ec7f6dd33c",
                list_of(&[
                    b"a",
                    b"b",
                    b"1",
                    b"-5",
                    b"300",
                    b"70000",
                    b"-70000",
                    b"5000000000",
                    b"",
                    &long_x,
                    b"-4096",
                    b"4095",
                    b"-4097",
                    b"8388607",
                    b"-8388608",
                    b"2147483648",
                    b"9223372036854775807",
                    b"-9223372036854775808",
                    b"007",
                ]),
                true,
            ),
            // HSET k f1 v1 num 12 neg -3 big 100000 huge 9999999999 empty "" 17 seventeen
            f(
                "hash listpack",
                "10404e4e0000000e008266310382763103836e756d040c01836e656704dffd028362696704f2a0\
                 860104846875676505f4ffe30b54020000000985656d707479068001110189736576656e746565\
                 6e0aff0a00f8d3db688f75dc96",
                hash_of(&[
                    (b"f1", b"v1"),
                    (b"num", b"12"),
                    (b"neg", b"-3"),
                    (b"big", b"100000"),
                    (b"huge", b"9999999999"),
                    (b"empty", b""),
                    (b"17", b"seventeen"),
                ]),
                true,
            ),
            // HSET k f1 v1 long yyy...y(70) n 5 (a hashtable; HGETALL's order is the dump's)
            f(
                "hash hashtable",
                "0403026631027631016ec005046c6f6e67c3094046017979e039000179790a00ebec31a7aa3495b4",
                hash_of(&[(b"f1", b"v1"), (b"n", b"5"), (b"long", &long_y)]),
                true,
            ),
            // SADD k 3 1 2 -1
            f(
                "set intset16",
                "0b100200000004000000ffff0100020003000a002ed9f5a9f6f74f18",
                set_of(&[b"-1", b"1", b"2", b"3"]),
                true,
            ),
            // SADD k 1 100000
            f(
                "set intset32",
                "0b10040000000200000001000000a08601000a00d7b548c007796515",
                set_of(&[b"1", b"100000"]),
                true,
            ),
            // SADD k 1 10000000000 -5
            f(
                "set intset64",
                "0b200800000003000000fbffffffffffffff010000000000000000e40b54020000000a00a7c3be\
                 28c329a03f",
                set_of(&[b"-5", b"1", b"10000000000"]),
                true,
            ),
            // SADD k a b c 1 (a hashtable; SMEMBERS's order is the dump's)
            f(
                "set hashtable",
                "02040161c001016301620a004a0eaa79d21ecc84",
                set_of(&[b"a", b"1", b"c", b"b"]),
                true,
            ),
            // ZADD k 1 a 2.5 b -3 c 0 d inf e -inf f 1e17 g 9007199254740992 h -0 i 7 5
            //   0.1 j 123456789012 k (Redis stores -0 as the integer 0)
            f(
                "zset listpack",
                "11c3406c40781b780000001800816602842d696e6605816302dffd02816402000181694004066a\
                 0293302e3130e005001b3114816102010181620283322e350405010701816b02f4141a99be1c20\
                 4f0409816802f4200720000020200c0067400c0a8a5d78456301098165028320670104ff0a0072\
                 4fecaa8781e293",
                zset_of(&[
                    (1.0, b"a"),
                    (2.5, b"b"),
                    (-3.0, b"c"),
                    (0.0, b"d"),
                    (f64::INFINITY, b"e"),
                    (f64::NEG_INFINITY, b"f"),
                    (1e17, b"g"),
                    (9007199254740992.0, b"h"),
                    (0.0, b"i"),
                    (7.0, b"5"),
                    (0.1, b"j"),
                    (123456789012.0, b"k"),
                ]),
                true,
            ),
            // ZADD k 1 a 2 zzz...z(70) 1.5 c
            f(
                "zset skiplist",
                "0503c3094046017a7ae03900017a7a00000000000000400163000000000000f83f0161000000000000\
                 f03f0a001657115af0ebe287",
                zset_of(&[(1.0, b"a"), (2.0, &long_z), (1.5, b"c")]),
                true,
            ),
            // XADD k 1-1 a 1 b 2; XADD k 1-5 a 3 b 4; XADD k 2-0 c five;
            // XADD k 2-1 a x b -70000; XGROUP CREATE k g 0;
            // XREADGROUP GROUP g alice COUNT 2 STREAMS k >;
            // XCLAIM k g alice 0 1-1 TIME 1700000000000 RETRYCOUNT 3 JUSTID;
            // XCLAIM k g bob 0 1-5 TIME 1700000001000 RETRYCOUNT 7 JUSTID;
            // XGROUP CREATECONSUMER k g carol; XGROUP CREATE k g2 $
            f(
                "stream with groups",
                "130110000000000000000100000000000000014051510000001f000401000102018161028162020001\
                 02010001000101010201050102010001040103010401050100010101dfff0201018163028466697665\
                 050601020101010001817802f290eefe040501ff040201010100000402016701050202000000000000\
                 000100000000000000010068e5cf8b0100000300000000000000010000000000000005e86be5cf8b01\
                 0000070305616c696365a4594f4da2010000010000000000000001000000000000000103626f62a459\
                 4f4da20100000100000000000000010000000000000005056361726f6ca4594f4da201000000026732\
                 020181ffffffffffffffff00000a006f65b33d023e84bc",
                (ValueType::Stream, groups_stream(false).encode()),
                true,
            ),
            // ... then XGROUP CREATE k g3 1-5; XDEL k 1-5 (a deleted entry stays in the node)
            f(
                "stream with a deleted entry",
                "130110000000000000000100000000000000014051510000001f000301010102018161028162020001\
                 02010001000101010201050103010001040103010401050100010101dfff0201018163028466697665\
                 050601020101010001817802f290eefe040501ff030201010101050403016701050202000000000000\
                 000100000000000000010068e5cf8b0100000300000000000000010000000000000005e86be5cf8b01\
                 0000070305616c696365a4594f4da2010000010000000000000001000000000000000103626f62a459\
                 4f4da20100000100000000000000010000000000000005056361726f6ca4594f4da201000000026732\
                 020181ffffffffffffffff0000026733010581ffffffffffffffff00000a0082b023ccd983c7e0",
                (ValueType::Stream, groups_stream(true).encode()),
                false,
            ),
            // XGROUP CREATE k g $ MKSTREAM
            f(
                "stream empty with a group",
                "13000000000000000000010167000081ffffffffffffffff00000a00a01a953dfb9cddde",
                (ValueType::Stream, {
                    let mut s = Stream::default();
                    s.groups.insert(Box::from(&b"g"[..]), group(id(0, 0), -1));
                    s.encode()
                }),
                true,
            ),
            // XADD k 5-5 f v; XDEL k 5-5
            f(
                "stream emptied",
                "13000005050000050501000a002ec29e198cf64e24",
                (ValueType::Stream, {
                    let s = Stream {
                        last_id: id(5, 5),
                        max_deleted: id(5, 5),
                        entries_added: 1,
                        ..Stream::default()
                    };
                    s.encode()
                }),
                true,
            ),
        ]
    }

    fn refs(v: &[Vec<u8>]) -> Vec<&[u8]> {
        v.iter().map(|e| e.as_slice()).collect()
    }

    /// A value too big to keep its recorded payload here: the payload's length and last 10
    /// bytes (version and CRC64 of everything before, so a fingerprint of the whole).
    struct Fingerprint {
        name: &'static str,
        len: usize,
        tail: &'static str,
        value: (ValueType, Vec<u8>),
    }

    // Recorded from redis-server 7.0.15 as the fixtures above.
    fn fingerprints() -> Vec<Fingerprint> {
        let f = |name, len, tail, value| Fingerprint {
            name,
            len,
            tail,
            value,
        };
        let log: Vec<u8> = (0..2000)
            .flat_map(|i| format!("line {i} of a log file, more or less repetitive\n").into_bytes())
            .collect();
        let elements: Vec<Vec<u8>> = (0..10000)
            .map(|i| format!("element-{i}").into_bytes())
            .collect();
        let varied: Vec<Vec<u8>> = (0..3000)
            .map(|j| format!("{j}:{}", "v".repeat(j % 300)).into_bytes())
            .collect();
        let ints: Vec<Vec<u8>> = (0..500).map(|i| (i * 3).to_string().into_bytes()).collect();
        let members: Vec<Vec<u8>> = (0..200)
            .map(|i| format!("member:{i}").into_bytes())
            .collect();
        let scored: Vec<(f64, &[u8])> = members
            .iter()
            .enumerate()
            .map(|(i, m)| (i as f64 * 0.5, m.as_slice()))
            .collect();
        let nodes: Vec<(StreamId, Vec<u8>, bool)> = (0..250u64)
            .map(|i| {
                let value = format!("value-{i}");
                let n = i.to_string();
                (
                    id(1000 + i / 3, i % 3),
                    fields(&["field", &value, "n", &n]),
                    false,
                )
            })
            .collect();
        vec![
            // SET k <20000 pseudo-random bytes, seed 2>: a 32-bit length
            f(
                "string 32-bit length",
                20016,
                "0a000312425efa942b47",
                string(&rng_bytes(20000, 2)),
            ),
            // SET k <"line {i} of a log file, more or less repetitive\n" for i in 0..2000>
            f("string lzf big", 9998, "0a00c39ca2e53e1a66a8", string(&log)),
            // RPUSH k element-0 ... element-9999 (a thousand at a time)
            f(
                "list of 10k",
                49688,
                "0a00f2c54b2d71cb8de8",
                list_of(&refs(&elements)),
            ),
            // RPUSH k "{j}:" + "v" * (j % 300) for j in 0..3000 (a hundred at a time)
            f(
                "list varied",
                37739,
                "0a005b31c12a7237395c",
                list_of(&refs(&varied)),
            ),
            // SADD k 0 3 6 ... 1497
            f(
                "set intset 500",
                1021,
                "0a0058acfec3a195cb31",
                set_of(&refs(&ints)),
            ),
            // ZADD k 0.0 member:0 0.5 member:1 ... 99.5 member:199
            f(
                "zset skiplist 200",
                3703,
                "0a0076bb58efed5a8d93",
                zset_of(&scored),
            ),
            // XADD m {1000 + i / 3}-{i % 3} field value-{i} n {i} for i in 0..250
            f("stream of 3 nodes", 2765, "0a00cb870cd2910e7a4c", {
                (
                    ValueType::Stream,
                    stream_of(&nodes, &[100, 100, 50]).encode(),
                )
            }),
        ]
    }

    #[test]
    fn crc64_matches_redis_test_vector() {
        assert_eq!(crc64(b"123456789"), 0xe9c6d914c4b8d9ca);
        assert_eq!(crc64(b""), 0);
    }

    #[test]
    fn recorded_payloads_restore_and_dump_like_redis() {
        for fx in fixtures() {
            let recorded = unhex(&fx.hex.replace(char::is_whitespace, ""));
            assert_eq!(restore(&recorded), Ok(fx.value.clone()), "{}", fx.name);
            let (value_type, value) = &fx.value;
            let dumped = dump(*value_type, value);
            if fx.same_dump {
                assert_eq!(hex(&dumped), hex(&recorded), "{}", fx.name);
                assert_eq!(restore(&dumped), Ok(fx.value.clone()), "{}", fx.name);
            } else {
                // What the packed form lost (deleted stream entries) stays lost, and the
                // rest survives another round.
                let (again_type, again) = restore(&dumped).unwrap();
                assert_eq!(dump(again_type, &again), dumped, "{}", fx.name);
            }
        }
    }

    #[test]
    fn big_values_dump_byte_for_byte_like_redis() {
        for fp in fingerprints() {
            let (value_type, value) = &fp.value;
            let dumped = dump(*value_type, value);
            assert_eq!(
                (dumped.len(), hex(&dumped[dumped.len() - 10..])),
                (fp.len, fp.tail.to_string()),
                "{}",
                fp.name
            );
            assert_eq!(restore(&dumped), Ok(fp.value.clone()), "{}", fp.name);
        }
    }

    /// A length as the RDB format writes it.
    fn len_bytes(n: u64) -> Vec<u8> {
        let mut w = Writer::default();
        w.length(n);
        w.out
    }

    /// A string as length and bytes, never an integer or LZF encoding.
    fn raw_str(s: &[u8]) -> Vec<u8> {
        let mut out = len_bytes(s.len() as u64);
        out.extend_from_slice(s);
        out
    }

    /// A string as `rdbSaveRawString` writes it (integer, LZF or raw).
    fn enc_str(s: &[u8]) -> Vec<u8> {
        let mut w = Writer::default();
        w.string(s);
        w.out
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    fn listpack_of(items: &[&[u8]]) -> Vec<u8> {
        let mut lp = Listpack::new();
        for item in items {
            lp.push(item);
        }
        lp.finish()
    }

    /// A ziplist of `items`, each in the narrowest ziplist encoding.
    fn ziplist_of(items: &[Elem<'_>]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut prev = 0usize;
        let mut tail = ZL_HEADER;
        for item in items {
            let start = body.len();
            tail = ZL_HEADER + start;
            if prev < 254 {
                body.push(prev as u8);
            } else {
                body.push(0xFE);
                body.extend_from_slice(&(prev as u32).to_le_bytes());
            }
            match *item {
                Elem::Int(v @ 0..=12) => body.push(0xF1 + v as u8),
                Elem::Int(v) => {
                    let (tag, width) = if i8::try_from(v).is_ok() {
                        (0xFE, 1)
                    } else if i16::try_from(v).is_ok() {
                        (0xC0, 2)
                    } else if (-(1 << 23)..1 << 23).contains(&v) {
                        (0xF0, 3)
                    } else if i32::try_from(v).is_ok() {
                        (0xD0, 4)
                    } else {
                        (0xE0, 8)
                    };
                    body.push(tag);
                    body.extend_from_slice(&v.to_le_bytes()[..width]);
                }
                Elem::Str(s) => {
                    let n = s.len();
                    if n < 64 {
                        body.push(n as u8);
                    } else if n < 16384 {
                        body.push(0x40 | (n >> 8) as u8);
                        body.push(n as u8);
                    } else {
                        body.push(0x80);
                        body.extend_from_slice(&(n as u32).to_be_bytes());
                    }
                    body.extend_from_slice(s);
                }
            }
            prev = body.len() - start;
        }
        let mut out = Vec::new();
        out.extend_from_slice(&((ZL_HEADER + body.len() + 1) as u32).to_le_bytes());
        out.extend_from_slice(&(tail as u32).to_le_bytes());
        out.extend_from_slice(&(items.len() as u16).to_le_bytes());
        out.extend_from_slice(&body);
        out.push(ZL_END);
        out
    }

    /// A zipmap of `pairs`, the second with `free` unused bytes after its value.
    fn zipmap_of(pairs: &[(&[u8], &[u8])], free: u8) -> Vec<u8> {
        let len = |out: &mut Vec<u8>, n: usize| {
            if n < 254 {
                out.push(n as u8);
            } else {
                out.push(254);
                out.extend_from_slice(&(n as u32).to_le_bytes());
            }
        };
        let mut out = vec![pairs.len() as u8];
        for (i, (field, value)) in pairs.iter().enumerate() {
            let pad = if i == 1 { free } else { 0 };
            len(&mut out, field.len());
            out.extend_from_slice(field);
            len(&mut out, value.len());
            out.push(pad);
            out.extend_from_slice(value);
            out.extend(std::iter::repeat_n(0xAA, usize::from(pad)));
        }
        out.push(255);
        out
    }

    /// The groups stream of the fixtures in the older `STREAM_LISTPACKS` form: no first ID,
    /// deleted-entry ID or counters, and groups without an entries-read counter.
    fn stream_v1(s: &Stream) -> Vec<u8> {
        let mut w = Writer::default();
        write_stream_entries(&mut w, s, TYPE_STREAM_LISTPACKS);
        write_groups(&mut w, s, false, false);
        w.out
    }

    /// The groups stream in Redis 7.2's `STREAM_LISTPACKS_3` form: each consumer's active
    /// time follows its seen time.
    fn stream_v3(s: &Stream) -> Vec<u8> {
        let mut w = Writer::default();
        write_stream_entries(&mut w, s, TYPE_STREAM_LISTPACKS_3);
        w.id(s.first_id);
        w.id(s.max_deleted);
        w.length(s.entries_added);
        write_groups(&mut w, s, true, true);
        w.out
    }

    /// Objects only Redis 7.2 and 7.4 write (RDB 11 and 12), built here by the format of
    /// their `rdb.c`, restore as the values they hold.
    #[test]
    fn newer_encodings_restore() {
        let groups = groups_stream(false);
        let v12 = |object: &[u8]| seal_version(object.to_vec(), RDB_VERSION_HFE);
        assert_eq!(
            restore(&v12(&stream_v3(&groups))),
            Ok((ValueType::Stream, groups.encode()))
        );
        let set = cat(&[&[TYPE_SET_LISTPACK], &enc_str(&listpack_of(&[b"a", b"17"]))]);
        let members = vec![Cow::Borrowed(&b"a"[..]), Cow::Borrowed(&b"17"[..])];
        assert_eq!(
            restore(&v12(&set)),
            Ok((ValueType::Set, set_value(members).unwrap_or_default()))
        );
        let pairs = hash::encode(&[(b"f", b"v"), (b"g", b"w")]);
        // Fields with relative expiries after the soonest one (0: none; else at - soonest + 1).
        let metadata = cat(&[
            &[TYPE_HASH_METADATA],
            &1000i64.to_le_bytes(),
            &len_bytes(2),
            &len_bytes(0),
            &raw_str(b"f"),
            &raw_str(b"v"),
            &len_bytes(6),
            &raw_str(b"g"),
            &raw_str(b"w"),
        ]);
        // Triples of field, value and absolute expiry (0: none).
        let listpack_ex = cat(&[
            &[TYPE_HASH_LISTPACK_EX],
            &1005i64.to_le_bytes(),
            &enc_str(&listpack_of(&[b"f", b"v", b"0", b"g", b"w", b"1005"])),
        ]);
        for object in [metadata, listpack_ex] {
            assert_eq!(
                restore_value(&v12(&object)),
                Ok(Restored {
                    value_type: ValueType::Hash,
                    value: pairs.clone(),
                    field_ttls: vec![(b"g".to_vec(), 1005)],
                })
            );
            // Not with a footer of RDB 13 and later.
            let newer = seal_version(object.to_vec(), RDB_VERSION_HFE + 1);
            assert_eq!(restore(&newer), Err(RestoreError::VersionOrChecksum));
        }
        // An expiry past Redis's ceiling, or a listpack entry that is not a time, is refused.
        let far = cat(&[
            &[TYPE_HASH_LISTPACK_EX],
            &0i64.to_le_bytes(),
            &enc_str(&listpack_of(&[b"f", b"v", b"70368744177664"])),
        ]);
        assert_eq!(restore(&v12(&far)), Err(RestoreError::BadFormat));
        let text = cat(&[
            &[TYPE_HASH_LISTPACK_EX],
            &0i64.to_le_bytes(),
            &enc_str(&listpack_of(&[b"f", b"v", b"soon"])),
        ]);
        assert_eq!(restore(&v12(&text)), Err(RestoreError::BadFormat));
    }

    /// Objects in the encodings Redis 7.0 still loads but no longer writes, built here (and
    /// checked by hand to load in redis-server 7.0.15 as the same values), with those values.
    fn older_encodings() -> Vec<(&'static str, Vec<u8>, Value)> {
        let long = [b'q'; 300];
        let huge = [b'h'; 20000];
        let ints = [
            0i64,
            12,
            13,
            -100,
            1000,
            100_000,
            1_000_000_000,
            1_000_000_000_000_000,
        ];
        let mut zl_items = vec![Elem::Str(b"a"), Elem::Str(&long), Elem::Str(b"after long")];
        zl_items.extend(ints.iter().map(|&v| Elem::Int(v)));
        zl_items.push(Elem::Str(&huge));
        let ints_text: Vec<Vec<u8>> = ints.iter().map(|v| v.to_string().into_bytes()).collect();
        let mut zl_expected: Vec<&[u8]> = vec![b"a", &long, b"after long"];
        zl_expected.extend(ints_text.iter().map(|v| v.as_slice()));
        zl_expected.push(&huge);
        let groups = groups_stream(false);
        let mut groups_v1 = groups.clone();
        groups_v1.entries_added = 4;
        groups_v1.groups.get_mut(&b"g"[..]).unwrap().entries_read = -1;
        groups_v1.groups.get_mut(&b"g2"[..]).unwrap().entries_read = 4;
        let node_a = ziplist_of(&[Elem::Str(b"x"), Elem::Int(5)]);
        let node_b = ziplist_of(&[Elem::Str(&[b'r'; 100]), Elem::Str(b"y")]);
        vec![
            (
                "LIST",
                cat(&[
                    &[TYPE_LIST],
                    &len_bytes(3),
                    &raw_str(b"a"),
                    &enc_str(b"12"),
                    &enc_str(&long),
                ]),
                list_of(&[b"a", b"12", &long]),
            ),
            (
                "ZSET (text scores)",
                cat(&[
                    &[TYPE_ZSET],
                    &len_bytes(4),
                    &raw_str(b"a"),
                    &[3],
                    b"1.5",
                    &raw_str(b"b"),
                    &[254],
                    &raw_str(b"c"),
                    &[255],
                    &raw_str(b"d"),
                    &[2],
                    b"-3",
                ]),
                zset_of(&[
                    (1.5, b"a"),
                    (f64::INFINITY, b"b"),
                    (f64::NEG_INFINITY, b"c"),
                    (-3.0, b"d"),
                ]),
            ),
            (
                "HASH_ZIPMAP",
                cat(&[
                    &[TYPE_HASH_ZIPMAP],
                    &raw_str(&zipmap_of(&[(b"f1", b"v1"), (&long, b"w"), (b"n", b"")], 3)),
                ]),
                hash_of(&[(b"f1", b"v1"), (&long, b"w"), (b"n", b"")]),
            ),
            (
                "LIST_ZIPLIST",
                cat(&[&[TYPE_LIST_ZIPLIST], &enc_str(&ziplist_of(&zl_items))]),
                list_of(&zl_expected),
            ),
            (
                "ZSET_ZIPLIST",
                cat(&[
                    &[TYPE_ZSET_ZIPLIST],
                    &raw_str(&ziplist_of(&[
                        Elem::Str(b"m"),
                        Elem::Int(-7),
                        Elem::Str(b"n"),
                        Elem::Str(b"2.25"),
                        Elem::Int(3),
                        Elem::Str(b"inf"),
                    ])),
                ]),
                zset_of(&[(-7.0, b"m"), (2.25, b"n"), (f64::INFINITY, b"3")]),
            ),
            (
                "HASH_ZIPLIST",
                cat(&[
                    &[TYPE_HASH_ZIPLIST],
                    &raw_str(&ziplist_of(&[
                        Elem::Str(b"f"),
                        Elem::Int(100_000),
                        Elem::Int(7),
                        Elem::Str(b"seven"),
                    ])),
                ]),
                hash_of(&[(b"f", b"100000"), (b"7", b"seven")]),
            ),
            (
                "LIST_QUICKLIST",
                cat(&[
                    &[TYPE_LIST_QUICKLIST],
                    &len_bytes(2),
                    &raw_str(&node_a),
                    &enc_str(&node_b),
                ]),
                list_of(&[b"x", b"5", &[b'r'; 100], b"y"]),
            ),
            (
                "LIST_QUICKLIST_2 with a plain node",
                cat(&[
                    &[TYPE_LIST_QUICKLIST_2],
                    &len_bytes(2),
                    &len_bytes(QUICKLIST_PACKED),
                    &enc_str(&listpack_of(&[b"p", b"9"])),
                    &len_bytes(QUICKLIST_PLAIN),
                    &enc_str(&huge),
                ]),
                list_of(&[b"p", b"9", &huge]),
            ),
            (
                "STREAM_LISTPACKS",
                stream_v1(&groups),
                (ValueType::Stream, groups_v1.encode()),
            ),
        ]
    }

    #[test]
    fn older_encodings_restore_as_redis_loads_them() {
        for (name, object, expected) in older_encodings() {
            assert_eq!(restore(&payload(&object)), Ok(expected), "{name}");
        }
        // The older ZSET type marks NaN with 253: refused, as Redis refuses NaN scores.
        let nan = cat(&[&[TYPE_ZSET], &len_bytes(1), &raw_str(b"a"), &[253]]);
        assert_eq!(restore(&payload(&nan)), Err(RestoreError::BadFormat));
    }

    /// Values of every type, small and big, as the keyspace holds them.
    fn round_trip_values() -> Vec<(&'static str, (ValueType, Vec<u8>))> {
        let texts: Vec<Vec<u8>> = (0..1000)
            .map(|i| match i % 5 {
                0 => (i * 7919).to_string().into_bytes(),
                1 => format!("field:{i}").into_bytes(),
                2 => "w".repeat(i % 90).into_bytes(),
                3 => rng_bytes(i % 40, i as u64 + 1),
                _ => format!("-{i}").into_bytes(),
            })
            .collect();
        let keys: Vec<Vec<u8>> = (0..1000).map(|i| format!("k{i}").into_bytes()).collect();
        let pairs: Vec<(&[u8], &[u8])> = keys
            .iter()
            .zip(&texts)
            .map(|(k, v)| (k.as_slice(), v.as_slice()))
            .collect();
        let ints: Vec<Vec<u8>> = (0..513)
            .map(|i: i64| (i * i * 1_000_003 - 7).to_string().into_bytes())
            .collect();
        let elements: Vec<Vec<u8>> = (0..10_000)
            .map(|i| match i % 7 {
                0 => i.to_string().into_bytes(),
                1 => Vec::new(),
                2 => vec![b'e'; i % 400],
                3 if i % 1000 == 3 => vec![b'B'; 20_000],
                _ => format!("element {i}").into_bytes(),
            })
            .collect();
        let scores = [
            0.0,
            -0.0,
            1.5,
            -2.0,
            1e300,
            -1e-300,
            5e-324,
            f64::INFINITY,
            f64::NEG_INFINITY,
            4611686018427387904.0,
            9.3e18,
            0.1,
        ];
        let scored: Vec<(f64, &[u8])> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    scores[i % scores.len()] + (i / scores.len()) as f64,
                    k.as_slice(),
                )
            })
            .collect();
        let small_scored: Vec<(f64, &[u8])> = scored[..128]
            .iter()
            .map(|&(s, m)| (if s == 0.0 { 0.0 } else { s }, m))
            .collect();
        let stream_entries: Vec<(StreamId, Vec<u8>, bool)> = (0..300u64)
            .map(|i| {
                let f = if i % 4 == 0 {
                    fields(&["a", &i.to_string(), "b", "x"])
                } else {
                    fields(&["c", &"v".repeat(i as usize % 70), "a", "-1"])
                };
                (id(1_700_000_000_000 + i / 2, i % 2), f, false)
            })
            .collect();
        let mut stream = stream_of(&stream_entries, &[100, 100, 100]);
        let mut g = group(id(1_700_000_000_050, 0), 101);
        let pending: Vec<(StreamId, i64, u64)> = (0..50u64)
            .map(|i| {
                (
                    id(1_700_000_000_000 + i, i % 2),
                    1_700_000_100_000 + i as i64,
                    i,
                )
            })
            .collect();
        add_consumer(&mut g, "one", 1_700_000_200_000, &pending[..20]);
        add_consumer(&mut g, "two", -5, &pending[20..]);
        add_consumer(&mut g, "idle", 0, &[]);
        stream.groups.insert(Box::from(&b"group"[..]), g);
        stream
            .groups
            .insert(Box::from(&b""[..]), group(id(0, 0), -1));
        stream.max_deleted = id(3, 3);
        stream.entries_added = 1_000_000;
        vec![
            ("empty string", string(b"")),
            ("string 0", string(b"0")),
            ("string -0", string(b"-0")),
            ("string i32 max", string(b"2147483647")),
            ("string past i32", string(b"2147483648")),
            ("string i32 min", string(b"-2147483648")),
            ("string i64 min", string(b"-9223372036854775808")),
            ("string of 21", string(&[b'a'; 21])),
            ("random string", string(&rng_bytes(10_000, 9))),
            ("repetitive string", string(&b"abcabcabd".repeat(20_000))),
            ("hash of 1000", hash_of(&pairs)),
            ("hash of 128", hash_of(&pairs[..128])),
            ("hash with a long value", hash_of(&[(b"f", &[b'v'; 65])])),
            (
                "set of 1000",
                set_of(
                    &refs(&texts[..5])
                        .into_iter()
                        .chain(refs(&keys))
                        .collect::<Vec<_>>(),
                ),
            ),
            ("intset of 512", set_of(&refs(&ints[..512]))),
            ("integer set of 513", set_of(&refs(&ints))),
            ("intset of one", set_of(&[b"-9223372036854775808"])),
            ("zset of 1000", zset_of(&scored)),
            ("zset of 128", zset_of(&small_scored)),
            ("list of 10k", list_of(&refs(&elements))),
            ("list of one", list_of(&[b""])),
            ("stream", (ValueType::Stream, stream.encode())),
        ]
    }

    #[test]
    fn every_type_survives_a_round_trip() {
        for (name, value) in round_trip_values() {
            let dumped = dump(value.0, &value.1);
            assert_eq!(restore(&dumped), Ok(value.clone()), "{name}");
        }
    }

    #[test]
    fn a_stream_loses_only_its_deleted_entries() {
        let s = groups_stream(true);
        let (value_type, back) = restore(&dump(ValueType::Stream, &s.encode())).unwrap();
        assert_eq!(value_type, ValueType::Stream);
        let back = Stream::decode(&back).unwrap();
        assert_eq!(back.entries, s.entries);
        assert_eq!(back.groups, s.groups);
        assert_eq!(
            (
                back.last_id,
                back.first_id,
                back.max_deleted,
                back.entries_added
            ),
            (s.last_id, s.first_id, s.max_deleted, s.entries_added)
        );
        let node = &back.nodes[&id(1, 1)];
        assert_eq!(
            (back.nodes.len(), node.last, node.appended, node.live),
            (1, id(2, 1), 3, 3)
        );
    }

    #[test]
    fn lzf_round_trips_and_refuses_damage() {
        let mut lzf = Lzf::default();
        for (i, input) in [
            b"abcabcabcabcabcabcabcabcabcabc".to_vec(),
            vec![0; 100_000],
            rng_bytes(5000, 3).repeat(3),
            b"x".repeat(300),
        ]
        .iter()
        .enumerate()
        {
            let packed = lzf.compress(input).unwrap();
            assert!(packed.len() <= input.len() - 4, "{i}");
            assert_eq!(
                lzf_decompress(&packed, input.len()).as_ref(),
                Some(input),
                "{i}"
            );
            assert_eq!(lzf_decompress(&packed, input.len() + 1), None);
            assert_eq!(lzf_decompress(&packed, input.len() - 1), None);
            assert_eq!(
                lzf_decompress(&packed[..packed.len() - 1], input.len()),
                None
            );
        }
        assert_eq!(lzf.compress(&rng_bytes(1000, 4)), None, "incompressible");
        // A back reference before the start, and a literal run past the end.
        assert_eq!(lzf_decompress(&[0x00, b'a', 0x20, 0x05], 4), None);
        assert_eq!(lzf_decompress(&[0x05, b'a'], 6), None);
        assert_eq!(lzf_decompress(&[0xff], usize::MAX), None);
    }

    #[test]
    fn listpack_encodings_read_back() {
        let items: Vec<Vec<u8>> = [
            "0",
            "127",
            "128",
            "-1",
            "-4096",
            "4095",
            "4096",
            "-4097",
            "32767",
            "-32768",
            "32768",
            "8388607",
            "-8388608",
            "8388608",
            "2147483647",
            "-2147483648",
            "2147483648",
            "9223372036854775807",
            "-9223372036854775808",
            "12a",
            "",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([
            vec![b's'; 63],
            vec![b's'; 64],
            vec![b's'; 4095],
            vec![b's'; 4096],
            vec![b's'; 20_000],
        ])
        .collect();
        let lp = listpack_of(&refs(&items));
        let back: Vec<Vec<u8>> = listpack(&lp)
            .unwrap()
            .into_iter()
            .map(|e| e.bytes().into_owned())
            .collect();
        assert_eq!(back, items);
        for len in [1, 127, 128, 16382, 16383, 2_097_150, 2_097_151, 268_435_455] {
            let (back, n) = backlen(len);
            let groups = &back[..n];
            let decoded = groups
                .iter()
                .fold(0usize, |n, g| (n << 7) | usize::from(g & 127));
            assert_eq!(decoded, len);
            assert!(groups[1..].iter().all(|g| g & 128 != 0) && groups[0] & 128 == 0);
        }
        assert_eq!(backlen(16382).1, 2);
        assert_eq!(backlen(16383).1, 3);
    }

    /// Whether a restored value is one the keyspace accepts from a snapshot.
    fn acceptable(value_type: ValueType, value: &[u8]) -> bool {
        match value_type {
            ValueType::String => true,
            ValueType::Hash => hash::is_valid(value),
            ValueType::List => list::is_valid(value),
            ValueType::Set => set::is_valid(value),
            ValueType::SortedSet => zset::is_valid(value),
            ValueType::Stream => Stream::decode(value).is_some(),
        }
    }

    /// Payloads to damage: every recorded fixture, the older encodings, and a few round trips.
    fn sample_payloads() -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = fixtures()
            .iter()
            .map(|f| unhex(&f.hex.replace(char::is_whitespace, "")))
            .collect();
        out.extend(
            older_encodings()
                .iter()
                .map(|(_, object, _)| payload(object)),
        );
        for (name, (value_type, value)) in round_trip_values() {
            if ["hash of 128", "zset of 128", "intset of 512", "stream"].contains(&name) {
                out.push(dump(value_type, &value));
            }
        }
        out
    }

    #[test]
    fn every_truncation_is_refused() {
        for p in sample_payloads() {
            let object = &p[..p.len() - FOOTER_LEN];
            for cut in 0..object.len() {
                let short = payload(&object[..cut]);
                assert_eq!(
                    restore(&short),
                    Err(RestoreError::BadFormat),
                    "{} at {cut}",
                    hex(&p)
                );
            }
            for cut in 0..p.len() {
                assert!(restore(&p[..cut]).is_err());
            }
        }
    }

    #[test]
    fn damaged_payloads_never_panic_nor_give_invalid_values() {
        for p in sample_payloads() {
            let object = &p[..p.len() - FOOTER_LEN];
            // Long objects: every byte of the first 600, then a sample.
            let positions = (0..object.len()).filter(|&i| i < 600 || i % 37 == 0);
            for i in positions {
                for mask in [0x01, 0x10, 0x80, 0xff] {
                    let mut damaged = object.to_vec();
                    damaged[i] ^= mask;
                    if let Ok((value_type, value)) = restore(&payload(&damaged)) {
                        assert!(acceptable(value_type, &value), "{} at {i}", hex(&p));
                    }
                }
            }
            let mut longer = object.to_vec();
            longer.push(0);
            assert_eq!(restore(&payload(&longer)), Err(RestoreError::BadFormat));
        }
    }

    #[test]
    fn huge_declared_lengths_are_refused_without_allocating_them() {
        let max = len_bytes(u64::MAX);
        let big = len_bytes(u64::from(u32::MAX));
        let lp_claiming = {
            let mut lp = listpack_of(&[b"a", b"b"]);
            lp[4..6].copy_from_slice(&65534u16.to_le_bytes());
            lp
        };
        let intset_claiming = cat(&[&8u32.to_le_bytes(), &u32::MAX.to_le_bytes(), &[0; 8]]);
        let stream_pel = cat(&[
            &[TYPE_STREAM_LISTPACKS_2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            &raw_str(b"g"),
            &[0, 0, 0],
            &max,
        ]);
        for object in [
            cat(&[&[TYPE_STRING], &max]),
            cat(&[&[TYPE_STRING], &big, b"abc"]),
            cat(&[
                &[TYPE_STRING, LEN_ENCODED | ENC_LZF, 2],
                &max,
                &[0x01, b'a', b'b'],
            ]),
            cat(&[
                &[TYPE_STRING, LEN_ENCODED | ENC_LZF, 3],
                &big,
                &[0x01, b'a', b'b'],
            ]),
            cat(&[&[TYPE_SET], &max, &raw_str(b"a")]),
            cat(&[&[TYPE_LIST], &big, &raw_str(b"a")]),
            cat(&[&[TYPE_HASH], &max]),
            cat(&[&[TYPE_ZSET_2], &max]),
            cat(&[&[TYPE_LIST_QUICKLIST_2], &max]),
            cat(&[&[TYPE_STREAM_LISTPACKS_2], &max]),
            cat(&[&[TYPE_HASH_LISTPACK], &raw_str(&lp_claiming)]),
            cat(&[&[TYPE_SET_INTSET], &raw_str(&intset_claiming)]),
            stream_pel,
        ] {
            assert_eq!(
                restore(&payload(&object)),
                Err(RestoreError::BadFormat),
                "{}",
                hex(&object)
            );
        }
    }

    #[test]
    fn footers_are_checked_first() {
        let good = dump(ValueType::String, b"hello");
        assert!(restore(&good).is_ok());
        // Versions up to Redis 7.4's (12) are read.
        for version in [11u16, 12] {
            let mut payload = good[..good.len() - 10].to_vec();
            payload.extend_from_slice(&version.to_le_bytes());
            let crc = crc64(&payload);
            payload.extend_from_slice(&crc.to_le_bytes());
            assert_eq!(restore(&payload), Ok(string(b"hello")));
        }
        let mut newer = good[..good.len() - 10].to_vec();
        newer.extend_from_slice(&13u16.to_le_bytes());
        let crc = crc64(&newer);
        newer.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(restore(&newer), Err(RestoreError::VersionOrChecksum));
        let mut older = good[..good.len() - 10].to_vec();
        older.extend_from_slice(&9u16.to_le_bytes());
        let crc = crc64(&older);
        older.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(restore(&older), Ok(string(b"hello")));
        let mut bad_crc = good.clone();
        *bad_crc.last_mut().unwrap() ^= 1;
        assert_eq!(restore(&bad_crc), Err(RestoreError::VersionOrChecksum));
        let mut bad_body = good.clone();
        bad_body[3] ^= 1;
        assert_eq!(restore(&bad_body), Err(RestoreError::VersionOrChecksum));
        assert_eq!(restore(&good[..9]), Err(RestoreError::VersionOrChecksum));
        assert_eq!(restore(&payload(&[])), Err(RestoreError::BadFormat));
        assert_eq!(
            RestoreError::VersionOrChecksum.to_string(),
            "ERR DUMP payload version or checksum are wrong"
        );
        assert_eq!(RestoreError::BadFormat.message(), "ERR Bad data format");
    }

    #[test]
    fn malformed_values_are_refused() {
        let lp = |items: &[&[u8]]| raw_str(&listpack_of(items));
        let nan = f64::NAN.to_le_bytes();
        let one = 1f64.to_le_bytes();
        let bad_backlen = {
            let mut v = listpack_of(&[b"a", b"b"]);
            v[LP_HEADER + 2] = 9;
            v
        };
        let bad_prevlen = {
            let mut v = ziplist_of(&[Elem::Str(b"a"), Elem::Str(b"b")]);
            v[ZL_HEADER + 3] = 9;
            v
        };
        let unsorted_intset = cat(&[&2u32.to_le_bytes(), &2u32.to_le_bytes(), &[5, 0, 1, 0]]);
        let stream = |tail: &[u8]| {
            let node = stream_listpack(id(1, 0), &[(id(1, 0), &fields(&["a", "b"])[..])]);
            cat(&[
                &[TYPE_STREAM_LISTPACKS_2, 1],
                &raw_str(&raw_id(id(1, 0))),
                &raw_str(&node),
                tail,
            ])
        };
        let consumer_without = cat(&[&raw_str(b"c"), &[0; 8], &[1], &raw_id(id(9, 9))]);
        for (what, object) in [
            ("empty list", cat(&[&[TYPE_LIST], &[0]])),
            ("empty set", cat(&[&[TYPE_SET], &[0]])),
            ("empty hash", cat(&[&[TYPE_HASH], &[0]])),
            ("empty zset", cat(&[&[TYPE_ZSET_2], &[0]])),
            (
                "empty hash listpack",
                cat(&[&[TYPE_HASH_LISTPACK], &lp(&[])]),
            ),
            (
                "empty zset listpack",
                cat(&[&[TYPE_ZSET_LISTPACK], &lp(&[])]),
            ),
            (
                "empty intset",
                cat(&[
                    &[TYPE_SET_INTSET],
                    &raw_str(&cat(&[&2u32.to_le_bytes(), &[0; 4]])),
                ]),
            ),
            (
                "quicklist of empty nodes",
                cat(&[&[TYPE_LIST_QUICKLIST_2, 1, 2], &lp(&[])]),
            ),
            (
                "set member twice",
                cat(&[&[TYPE_SET, 2], &raw_str(b"a"), &raw_str(b"a")]),
            ),
            (
                "integer member twice",
                cat(&[&[TYPE_SET, 2], &enc_str(b"1"), &raw_str(b"1")]),
            ),
            (
                "hash field twice",
                cat(&[
                    &[TYPE_HASH, 2],
                    &raw_str(b"f"),
                    &raw_str(b"1"),
                    &raw_str(b"f"),
                    &raw_str(b"2"),
                ]),
            ),
            (
                "listpack field twice",
                cat(&[&[TYPE_HASH_LISTPACK], &lp(&[b"7", b"a", b"7", b"b"])]),
            ),
            (
                "odd hash listpack",
                cat(&[&[TYPE_HASH_LISTPACK], &lp(&[b"f", b"v", b"g"])]),
            ),
            (
                "zset member twice",
                cat(&[
                    &[TYPE_ZSET_2, 2],
                    &raw_str(b"m"),
                    &one,
                    &raw_str(b"m"),
                    &one,
                ]),
            ),
            ("NaN score", cat(&[&[TYPE_ZSET_2, 1], &raw_str(b"m"), &nan])),
            (
                "NaN listpack score",
                cat(&[&[TYPE_ZSET_LISTPACK], &lp(&[b"m", b"nan"])]),
            ),
            (
                "text listpack score",
                cat(&[&[TYPE_ZSET_LISTPACK], &lp(&[b"m", b"one"])]),
            ),
            ("module", cat(&[&[6], &raw_str(b"module")])),
            ("module 2", cat(&[&[7], &raw_str(b"module")])),
            ("type 8", cat(&[&[8], &raw_str(b"x")])),
            ("type 20", cat(&[&[20], &raw_str(b"x")])),
            ("type 255", vec![255]),
            ("string encoding 4", vec![TYPE_STRING, LEN_ENCODED | 4]),
            ("length byte 0x82", vec![TYPE_STRING, 0x82, 0, 0, 0, 0]),
            (
                "quicklist container 3",
                cat(&[&[TYPE_LIST_QUICKLIST_2, 1, 3], &lp(&[b"a"])]),
            ),
            (
                "listpack back length",
                cat(&[&[TYPE_HASH_LISTPACK], &raw_str(&bad_backlen)]),
            ),
            (
                "ziplist previous length",
                cat(&[&[TYPE_LIST_ZIPLIST], &raw_str(&bad_prevlen)]),
            ),
            (
                "unsorted intset",
                cat(&[&[TYPE_SET_INTSET], &raw_str(&unsorted_intset)]),
            ),
            (
                "zipmap count",
                cat(&[
                    &[TYPE_HASH_ZIPMAP],
                    &raw_str(&{
                        let mut z = zipmap_of(&[(b"a", b"b")], 0);
                        z[0] = 2;
                        z
                    }),
                ]),
            ),
            ("stream length", stream(&[2, 1, 0, 1, 0, 0, 0, 1, 0])),
            (
                "entry after the last ID",
                stream(&[1, 0, 5, 1, 0, 0, 0, 1, 0]),
            ),
            (
                "pending entry without consumer",
                stream(&cat(&[
                    &[1, 1, 0, 1, 0, 0, 0, 1, 1],
                    &raw_str(b"g"),
                    &[1, 0, 1, 1],
                    &raw_id(id(1, 0)),
                    &[0; 8],
                    &[1, 0],
                ])),
            ),
            (
                "consumer of an unknown entry",
                stream(&cat(&[
                    &[1, 1, 0, 1, 0, 0, 0, 1, 1],
                    &raw_str(b"g"),
                    &[1, 0, 1, 0, 1],
                    &consumer_without,
                ])),
            ),
            (
                "group twice",
                stream(&cat(&[
                    &[1, 1, 0, 1, 0, 0, 0, 1, 2],
                    &raw_str(b"g"),
                    &[1, 0, 1, 0, 0],
                    &raw_str(b"g"),
                    &[1, 0, 1, 0, 0],
                ])),
            ),
            ("entries added past 2^63", {
                let mut object = stream(&[1, 1, 0, 1, 0, 0, 0]);
                object.extend(len_bytes(1 << 63));
                object.push(0);
                object
            }),
            (
                "delivery count past 2^63",
                stream(&cat(&[
                    &[1, 1, 0, 1, 0, 0, 0, 1, 1],
                    &raw_str(b"g"),
                    &[1, 0, 1, 1],
                    &raw_id(id(1, 0)),
                    &[0; 8],
                    &len_bytes(1 << 63),
                    &[1],
                    &raw_str(b"c"),
                    &[0; 8],
                    &[1],
                    &raw_id(id(1, 0)),
                ])),
            ),
            (
                "negative entries read",
                stream(&cat(&[
                    &[1, 1, 0, 1, 0, 0, 0, 1, 1],
                    &raw_str(b"g"),
                    &[1, 0],
                    &len_bytes(u64::MAX - 1),
                    &[0, 0],
                ])),
            ),
        ] {
            assert_eq!(
                restore(&payload(&object)),
                Err(RestoreError::BadFormat),
                "{what}"
            );
        }
        // The stream those cases damage is itself fine, with a group and a pending entry too.
        let fine = stream(&[1, 1, 0, 1, 0, 0, 0, 1, 0]);
        assert!(restore(&payload(&fine)).is_ok());
        let pending = stream(&cat(&[
            &[1, 1, 0, 1, 0, 0, 0, 1, 1],
            &raw_str(b"g"),
            &[1, 0, 1, 1],
            &raw_id(id(1, 0)),
            &[0; 8],
            &len_bytes(i64::MAX as u64),
            &[1],
            &raw_str(b"c"),
            &[0; 8],
            &[1],
            &raw_id(id(1, 0)),
        ]));
        assert!(restore(&payload(&pending)).is_ok());
    }
}
