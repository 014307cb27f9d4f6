//! The replicated key-value state machine.
//!
//! Every replica applies the same committed `pb::KvBatch`es in the same order to a [`KvState`]
//! and must end in the same state, so applying is deterministic: it never reads the clock (the
//! leader stamps `batch.now_ms` when it proposes) and iterates only in a stable hash order.
//!
//! Request path: the RESP server parses and validates a command with [`Command::parse`]
//! (rejecting it before it is proposed), the driver replicates writes and calls
//! [`KvState::apply`] once they commit, and serves reads with [`KvState::read`] once the
//! node has applied a linearizable read index (ReadIndex).
//!
//! Expiry: a key with a TTL is invisible once `now_ms >= expire_at_ms`, both to reads (the
//! reader's clock) and to apply (the batch's clock). Memory is reclaimed by the leader, which
//! periodically proposes a [`purge_batch`] built from [`KvState::expired_keys`].
//!
//! Hash key: the keyspace's order (and so `SCAN` cursors) comes from a hash. A fixed hash
//! would let a client craft keys that all land in one chain of the table and make every
//! command on them slow, so each cluster keys its hash (SipHash-1-3) with a random key. The
//! first leader about to propose a write into a never-modified state proposes a
//! [`hash_key_batch`] first; every replica applies it at the same index, and snapshots carry
//! the key. A state restored from data written before keys existed stays unkeyed.
//!
//! WATCH: each modification gets a fresh version from a counter advanced only by apply. The
//! server reads versions with the internal `__VERSION` read when a client WATCHes, and EXEC
//! sends them along; apply aborts the transaction if any version moved. A missing key's
//! version is that of the latest removal (expired keys' included) in its bucket of keys, one
//! of 1024 by the keyed hash, so deleting one key does not abort every transaction that
//! watches another missing key. The hash key batch switches buckets on, so every replica
//! keeps them from the same index; a keyspace keyed before buckets existed keeps one version
//! for all missing keys. Older binaries ignore the switch, so one cluster must not mix them
//! with newer ones: their replicas could decide such an EXEC differently.
//!
//! Types: a key holds a string, a hash, a list, a set or a sorted set (see `hash`, `list`,
//! `set` and `zset`: the parts of each are packed in one buffer, or past a size held in an
//! index, see `big`); the table tells them apart
//! by two bits of the key length (and a set from a sorted set by the buffer's first byte),
//! snapshots by `KvSnapshotEntry.value_type`, and a command that meets another type fails with
//! WRONGTYPE before it changes anything.
//!
//! Geo: positions are sorted-set scores (52-bit geohashes; see `geo`). GEOADD is a ZADD, and
//! searches walk the score ranges of the cells around their centre as Redis does, so that
//! they answer the same members in the same order.
//!
//! Pub/sub: PUBLISH is applied like any write but changes nothing; the messages it carries
//! are collected for the driver ([`KvState::take_published`]), which hands them to this
//! node's subscribers. Keyspace notifications join them there, in the order the commands
//! caused them, for the classes the node asked for (see `notify`).
//!
//! Caveats: a WATCH on a missing key aborts when another key of its bucket is removed (1 in
//! 1024), a spurious abort that clients retry, never a missed change. A binary from before
//! the collection types existed would read one in a snapshot as a string and fail their
//! commands in the log as unknown, so a cluster must not mix such binaries with newer ones.

mod big;
mod bitfield;
mod cjson;
mod cmsgpack;
pub mod command;
mod fieldttl;
mod function;
mod geo;
pub mod glob;
mod hash;
mod hll;
mod list;
pub mod longdouble;
#[cfg(test)]
mod lua_cases;
mod luaargs;
mod luabit;
mod luastruct;
pub mod notify;
mod packed;
mod rdb;
pub mod reply;
mod script;
mod set;
mod state;
pub mod stream;
mod table;
mod zset;

pub use bitfield::lcs;
pub use command::{Access, Command, CommandError, Spec};
pub use script::sha1_hex;
pub use state::{
    KvState, Published, ScriptCall, SnapshotEncoder, SnapshotError, cluster_id_batch, enroll_batch,
    hash_key_batch, purge_batch,
};
pub use zset::format_score;

/// A command line split on whitespace into arguments, for the tests of this module's parts.
#[cfg(test)]
fn test_args(s: &str) -> Vec<bytes::Bytes> {
    s.split_whitespace()
        .map(|a| bytes::Bytes::from(a.to_string()))
        .collect()
}
