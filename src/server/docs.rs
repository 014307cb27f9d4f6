//! Documentation for `COMMAND DOCS`: one entry per command and subcommand the server answers.
//!
//! Clients build help from this reply: redis-cli 7 renders its `HELP` text and the hints it
//! shows while a command is typed (`SET key value [NX|XX] ...`) from the argument trees, so the
//! trees follow Redis 7's layout (names, types, tokens, `optional`/`multiple` flags, nested
//! `oneof`/`block` arguments). The facts (syntax, first version, group, complexity) follow
//! Redis 7.0, or 7.2 for what 7.2 added or renamed (CLIENT SETINFO, the `flush-type`
//! argument); the sentences are our own and say where raft-kv differs.
//!
//! NB: Redis sends `doc_flags`, `history` and argument `flags` as RESP3 sets; `Out` has no set,
//! so they go out as arrays, which clients read the same way.
//!
//! Each entry states its arguments in a compact notation rather than as nested literals:
//!
//! - `name` is a string argument, `name:type` one of another type (`integer`, `double`, `key`,
//!   `pattern`, `unix-time`);
//! - an UPPERCASE word is a token: alone it is a `pure-token`, before an argument it is that
//!   argument's token (`EX seconds:integer`), and at the start of a group alternative with
//!   several more arguments it is the token of the `block` they form (`AUTH username password`);
//! - `[...]` is optional and `(...)` required; `|` separates the alternatives of a `oneof`,
//!   and a group of several arguments without `|` is a `block`;
//! - `...` after an argument or group makes it `multiple` (and `multiple_token` when the group
//!   repeats its token, as in `[PREFIX prefix]...`);
//! - `label=` before a group names it; otherwise a group is named after its members joined
//!   with `_`, as Redis names most of its own.
//!
//! The set of commands comes from the command tables (`kv::command::COMMANDS` and the
//! server's own lists in `local`); this module only describes them, and the tests check that
//! every command has an entry and every entry a command.

use bytes::Bytes;
use tracing::warn;

use super::reply::Out;

/// The documentation group a command belongs to, as `COMMAND DOCS` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Connection handling: PING, AUTH, HELLO, CLIENT, ...
    Connection,
    /// Commands that work on any key: DEL, EXPIRE, SCAN, ...
    Generic,
    /// Server introspection and administration: INFO, CONFIG, COMMAND, ...
    Server,
    /// String values: GET, SET, INCR, ...
    String,
    /// MULTI, EXEC, DISCARD, WATCH, UNWATCH.
    Transactions,
    /// Redis Cluster's client commands (READONLY, READWRITE).
    Cluster,
    /// Bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP.
    Bitmap,
    /// Publish/subscribe: PUBLISH, SUBSCRIBE, PUBSUB, ...
    PubSub,
    /// Hash values: HSET, HGET, HGETALL, ...
    Hash,
    /// List values: LPUSH, LRANGE, LPOP, ...
    List,
    /// Set values: SADD, SMEMBERS, SINTER, ...
    Set,
    /// Sorted set values: ZADD, ZRANGE, ZSCORE, ...
    SortedSet,
    /// HyperLogLog cardinality estimates: PFADD, PFCOUNT, PFMERGE.
    HyperLogLog,
    /// Lua scripts: EVAL, EVALSHA, SCRIPT.
    Scripting,
    /// Stream values: XADD, XRANGE, XREAD, XREADGROUP, ...
    Stream,
    /// Geospatial indexes kept in sorted sets: GEOADD, GEOSEARCH, GEODIST, ...
    Geo,
}

impl Group {
    /// The group's name in replies.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Connection => "connection",
            Group::Generic => "generic",
            Group::Server => "server",
            Group::String => "string",
            Group::Transactions => "transactions",
            Group::Cluster => "cluster",
            Group::Bitmap => "bitmap",
            Group::PubSub => "pubsub",
            Group::Hash => "hash",
            Group::List => "list",
            Group::Set => "set",
            Group::SortedSet => "sorted-set",
            Group::HyperLogLog => "hyperloglog",
            Group::Scripting => "scripting",
            Group::Stream => "stream",
            Group::Geo => "geo",
        }
    }
}

/// The documentation of one command or subcommand.
#[derive(Clone, Copy, Debug)]
pub struct Doc {
    /// Lowercase name; `container|sub` for a subcommand (`client|setname`).
    pub name: &'static str,
    /// One sentence saying what the command does.
    pub summary: &'static str,
    /// The Redis version that introduced the command.
    pub since: &'static str,
    /// The documentation group.
    pub group: Group,
    /// Time complexity, in Redis's big-O style.
    pub complexity: &'static str,
    /// Redis `doc_flags` (`deprecated`, `syscmd`); empty for most commands.
    pub doc_flags: &'static [&'static str],
    /// For a deprecated command: the version that deprecated it and what replaces it.
    pub deprecated: Option<(&'static str, &'static str)>,
    /// Notable changes as `(version, what changed)`, oldest first.
    pub history: &'static [(&'static str, &'static str)],
    /// The arguments in this module's notation; empty when the command takes none.
    pub syntax: &'static str,
}

impl Doc {
    /// Marks the command deprecated since `since`, replaced by `by`.
    const fn deprecated(mut self, since: &'static str, by: &'static str) -> Doc {
        self.doc_flags = &["deprecated"];
        self.deprecated = Some((since, by));
        self
    }

    /// Sets Redis `doc_flags`.
    const fn flags(mut self, flags: &'static [&'static str]) -> Doc {
        self.doc_flags = flags;
        self
    }

    /// Sets the change history.
    const fn history(mut self, history: &'static [(&'static str, &'static str)]) -> Doc {
        self.history = history;
        self
    }
}

/// Builds an entry without flags, deprecation or history.
const fn doc(
    name: &'static str,
    group: Group,
    since: &'static str,
    complexity: &'static str,
    syntax: &'static str,
    summary: &'static str,
) -> Doc {
    Doc {
        name,
        summary,
        since,
        group,
        complexity,
        doc_flags: &[],
        deprecated: None,
        history: &[],
        syntax,
    }
}

use Group::{
    Bitmap, Cluster, Connection, Generic, Geo, Hash, HyperLogLog as Hll, List, PubSub, Scripting,
    Server, Set, SortedSet as ZSet, Stream as Xs, String as Str, Transactions,
};

/// What reading a stream's entries costs: finding the first in the B-tree of entries, then
/// each one returned.
const STREAM_RANGE: &str = "O(log N + M) where N is the number of entries in the stream and \
     M the number returned";

/// When EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT gained their conditions.
const EXPIRE_HISTORY: &[(&str, &str)] = &[("7.0.0", "Gained the NX, XX, GT and LT conditions.")];

/// Where TTL and PTTL changed what a missing key answers.
const TTL_HISTORY: &[(&str, &str)] = &[(
    "2.8.0",
    "Answers -2 for a missing key; -1 now only means a key without expiry.",
)];

/// When FLUSHDB and FLUSHALL gained their modes.
const FLUSH_HISTORY: &[(&str, &str)] = &[
    ("4.0.0", "Gained the ASYNC mode."),
    ("6.2.0", "Gained the SYNC mode."),
];

/// When BLPOP, BRPOP, BRPOPLPUSH, BZPOPMIN and BZPOPMAX stopped truncating their timeout.
const TIMEOUT_HISTORY: &[(&str, &str)] = &[(
    "6.0.0",
    "Reads the timeout as a double, so it may be a fraction of a second.",
)];

const O1: &str = "O(1)";

/// What a write to a hash costs: raft-kv keeps a hash of up to 128 fields in one compact
/// buffer, in insertion order like Redis's listpack encoding, which a write rebuilds, and a
/// bigger one in a hash table (the keyspace's own), where each field is set or removed in place.
const HASH_WRITE: &str = "O(1) for each field given, on a hash of more than 128 fields, which \
     raft-kv keeps in a hash table; O(N) where N is the size of a smaller one, kept in one \
     buffer that a write rebuilds";

/// What reading fields of a hash costs: each is looked up in a big hash's table, or found by
/// walking a small hash's buffer.
const HASH_FIELD_READ: &str = "O(1) for each field given, on a hash of more than 128 fields, \
     which raft-kv keeps in a hash table; O(N) for each on a smaller one, kept in one buffer, \
     where N is the size of the hash";

/// What the hash field expiry commands cost: each field is looked up as a read of it is.
const FIELD_TTL: &str = "O(N) where N is the number of fields given, on a hash of more than \
     128 fields, which raft-kv keeps in a hash table; O(N*M) on a smaller one, kept in one \
     buffer, where M is the size of the hash";

/// What HLEN costs: a big hash's table knows its size; a small hash's buffer is counted.
const HASH_LEN: &str = "O(1) on a hash of more than 128 fields, which raft-kv keeps in a hash \
     table; O(N) where N is the size of a smaller one, kept in one buffer whose fields are \
     counted";

/// What reading a whole hash costs: every field is read (a big hash's are packed into one
/// buffer on first use, which is kept until the next write).
const HASH_SIZE: &str = "O(N) where N is the size of the hash";

/// What HSCAN costs: a big hash's table is walked a step at a time in hash order, from the
/// cursor on; a small hash comes back whole in one call.
const HASH_SCAN: &str = "O(1) for every call and O(N) for a whole iteration on a hash of more \
     than 128 fields, which raft-kv keeps in a hash table and scans a step at a time; O(N) on a \
     smaller one, which one call returns whole, where N is the size of the hash";

/// What pushing or popping at an end of a list costs: raft-kv keeps a list of up to 128
/// elements in one buffer, which a write copies, and a longer one in runs of up to 128
/// elements (8 KiB), like Redis's quicklist, of which a push or pop copies only the end one.
const LIST_PUSH_POP: &str = "O(1) for each element pushed or popped, on a list of more than 128 \
     elements, which raft-kv keeps in runs of up to 128; O(N) where N is the length of a \
     shorter one, kept in one buffer that a write copies";

/// What LLEN costs: a list in runs knows its length; a list in one buffer is counted.
const LIST_LEN: &str = "O(1) on a list of more than 128 elements, which raft-kv keeps in runs \
     of up to 128; O(N) where N is the length of a shorter one, kept in one buffer whose \
     elements are counted";

/// What LINDEX and LSET cost: a list in runs is walked a run at a time from the nearer end to
/// the one holding the index, which alone is read or copied; a list in one buffer is walked
/// (and, by LSET, rebuilt).
const LIST_INDEX: &str = "O(N) where N is the distance from the index to the nearer end, on a \
     list of more than 128 elements, which raft-kv keeps in runs of up to 128 and walks a run \
     at a time; O(N) where N is the length of a shorter one, kept in one buffer";

/// What LRANGE costs: the list is walked to the start of the range, then read as far as it
/// goes.
const LIST_RANGE: &str = "O(S+N) where S is the start offset and N the number of elements returned";

/// What LINSERT and LREM cost: the list is read whole and rebuilt.
const LIST_WRITE: &str = "O(N) where N is the length of the list, which the command rebuilds";

/// What LTRIM costs: a list in runs drops whole runs and cuts the two it keeps part of; a list
/// in one buffer is rebuilt.
const LIST_TRIM: &str = "O(M) where M is the number of elements removed, on a list of more \
     than 128 elements, which raft-kv keeps in runs of up to 128; O(N) where N is the length of \
     a shorter one, kept in one buffer that the command rebuilds";

/// What LPOS costs: the list is walked to the matches.
const LIST_SIZE: &str = "O(N) where N is the length of the list";

/// What LMOVE and RPOPLPUSH cost: a pop from the source and a push onto the destination, each
/// O(1) on a list in runs and a copy of a list in one buffer.
const LIST_MOVE: &str = "O(1) for each of the source and destination lists that has more than \
     128 elements, which raft-kv keeps in runs of up to 128; O(N) for each shorter one, where N \
     is its length, kept in one buffer that a write copies";

/// What LMPOP, BLMPOP, BLPOP and BRPOP cost: the keys are tried in order and the list popped
/// from gives up its elements from one end, O(1) each from runs, or is copied once without
/// them when it is one buffer.
const LIST_MULTI_POP: &str = "O(K+C) where K is the number of keys given and C the number of \
     elements popped, plus O(N) where N is the length of the list popped from when it has 128 \
     elements or fewer, as raft-kv then keeps it in one buffer that a write copies";

/// What SADD and SREM cost: raft-kv keeps a set of up to 512 members in one buffer, an
/// all-integer one in ascending order (like Redis's intset) and any other in insertion order,
/// which a write rebuilds, sorting an all-integer set again; a bigger one in a hash table.
const SET_ADD_REMOVE: &str = "O(M) where M is the number of members given, on a set of more \
     than 512 members, which raft-kv keeps in a hash table; O((N+M) log(N+M)) where N is the \
     size of a smaller one, kept in one buffer that a write rebuilds";

/// What SPOP costs: a big set gives up one member picked in its table per member popped;
/// a small set is rebuilt without the members taken.
const SET_POP: &str = "O(M) where M is the number of members popped, on a set of more than \
     512 members, which raft-kv keeps in a hash table; O(N log N) on a smaller one, where N is \
     its size, kept in one buffer that a write rebuilds";

/// What SRANDMEMBER costs: a big set's members are picked in its table, the fewer of those
/// returned and those left out drawn; a small set's are read whole.
const SET_RANDOM: &str = "O(M) where M is the number of members returned (or left out, when \
     that is fewer), on a set of more than 512 members, which raft-kv keeps in a hash table; \
     O(N+M) on a smaller one, where N is its size";

/// What SMOVE costs: the member is removed from one set and added to the other, each O(1) in
/// a big set's table and a rebuild of a small set's buffer.
const SET_MOVE: &str = "O(1) for each of the source and destination sets that has more than \
     512 members, which raft-kv keeps in a hash table; O(N log N) for each smaller one, where N \
     is its size, kept in one buffer that a write rebuilds";

/// What SISMEMBER and SMISMEMBER cost: each member is looked up in a big set's table, or found
/// by walking a small set's buffer.
const SET_MEMBER_READ: &str = "O(1) for each member given, on a set of more than 512 members, \
     which raft-kv keeps in a hash table; O(N) for each on a smaller one, kept in one buffer, \
     where N is the size of the set";

/// What SCARD costs: a big set's table knows its size; a small set's buffer is counted.
const SET_CARD: &str = "O(1) on a set of more than 512 members, which raft-kv keeps in a hash \
     table; O(N) where N is the size of a smaller one, kept in one buffer whose members are \
     counted";

/// What reading a whole set costs: every member is read (a big set's are packed into one
/// buffer on first use, which is kept until the next write).
const SET_SIZE: &str = "O(N) where N is the size of the set";

/// What SSCAN costs: a big set's table is walked a step at a time in hash order, from the
/// cursor on; a small set comes back whole in one call.
const SET_SCAN: &str = "O(1) for every call and O(N) for a whole iteration on a set of more \
     than 512 members, which raft-kv keeps in a hash table and scans a step at a time; O(N) on \
     a smaller one, which one call returns whole, where N is the size of the set";

/// What SINTER, SUNION, SDIFF, SINTERCARD and the *STORE forms cost: every given set is read
/// whole and the result is built with an ordered index.
const SET_COMBINE: &str = "O(N log N) where N is the total size of the given sets";

/// What ZADD, ZINCRBY and ZREM cost: raft-kv keeps a sorted set of up to 128 members in one
/// buffer ordered by score and then member, which a write rebuilds, sorting the members it
/// adds; a bigger one as a table from member to score and a B-tree in (score, member) order,
/// where each member given costs a lookup and a B-tree change.
const ZSET_ADD_REMOVE: &str = "O(M log N) where M is the number of members given and N the size \
     of the sorted set, on one of more than 128 members, which raft-kv keeps in a hash table and \
     a B-tree; O((N+M) log(N+M)) on a smaller one, kept in one buffer that a write rebuilds";

/// What ZPOPMIN and ZPOPMAX cost: a big sorted set gives up members from an end of its B-tree
/// and its table; a small one's buffer is rebuilt without them.
const ZSET_POP: &str = "O(M log N) where M is the number of members popped and N the size of \
     the sorted set, on one of more than 128 members, which raft-kv keeps in a hash table and a \
     B-tree; O(N) on a smaller one, kept in one buffer that a write rebuilds";

/// What ZMPOP, BZMPOP, BZPOPMIN and BZPOPMAX cost: the keys are tried in order and the sorted
/// set popped from gives up its members as ZPOPMIN's do.
const ZSET_MULTI_POP: &str = "O(K + M log N) where K is the number of keys given, M the number \
     of members popped and N the size of the sorted set popped from, when it has more than 128 \
     members, which raft-kv keeps in a hash table and a B-tree; O(K+N) when it has 128 or \
     fewer, kept in one buffer that a write rebuilds";

/// What ZREMRANGEBYRANK costs: a big sorted set's B-tree is walked to the range, and each
/// member in it removed from the B-tree and the table; a small one's buffer is rebuilt.
const ZSET_REMOVE_RANK: &str = "O(S + M log N) where S is the rank the range starts at, M the \
     number of members removed and N the size of the sorted set, on one of more than 128 \
     members, which raft-kv keeps in a hash table and a B-tree; O(N) on a smaller one, kept in \
     one buffer that a write rebuilds";

/// What ZREMRANGEBYSCORE costs: a big sorted set's B-tree is searched for the range, and each
/// member in it removed from the B-tree and the table; a small one's buffer is rebuilt.
const ZSET_REMOVE_SCORE: &str = "O(log N + M log N) where N is the size of the sorted set and M \
     the number of members removed, on one of more than 128 members, which raft-kv keeps in a \
     hash table and a B-tree; O(N) on a smaller one, kept in one buffer that a write rebuilds";

/// What ZREMRANGEBYLEX costs: with equal scores a big sorted set's B-tree is in name order and
/// is sought to the range; otherwise the sorted set is read whole and rebuilt.
const ZSET_REMOVE_LEX: &str = "O(log N + M log N) where N is the size of the sorted set and M \
     the number of members removed, on a sorted set of more than 128 members whose scores are \
     all equal, which raft-kv keeps in a B-tree; O(N) otherwise, rebuilding it";

/// What ZSCORE and ZMSCORE cost: each member is looked up in a big sorted set's table, or
/// found by walking a small one's buffer.
const ZSET_SCORE: &str = "O(1) for each member given, on a sorted set of more than 128 members, \
     which raft-kv keeps in a hash table and a B-tree; O(N) for each on a smaller one, kept in \
     one buffer, where N is the size of the sorted set";

/// What ZCARD costs: a big sorted set's table knows its size; a small one's buffer is counted.
const ZSET_CARD: &str = "O(1) on a sorted set of more than 128 members, which raft-kv keeps in \
     a hash table and a B-tree; O(N) where N is the size of a smaller one, kept in one buffer \
     whose members are counted";

/// What ZRANK and ZREVRANK cost: a big sorted set's member is looked up in its table for its
/// score, then the B-tree is searched for it and walked from the end ranks count from.
const ZSET_RANK: &str = "O(log N + R) where N is the size of the sorted set and R the rank \
     answered, on one of more than 128 members, which raft-kv keeps in a hash table and a \
     B-tree; O(N) on a smaller one, kept in one buffer";

/// What ZRANGE costs: by rank a big sorted set's B-tree is walked from the end the range
/// counts from, by score it is searched for the first bound; a range by member bounds (which
/// the B-tree cannot seek) and any range of a small sorted set read it whole.
const ZSET_RANGE: &str = "O(S+M) by rank, where S is the start offset and M the number of \
     members returned; O(log N + O + M) with BYSCORE, where N is the size of the sorted set and \
     O the LIMIT offset, and with BYLEX when all scores are equal; O(N) with BYLEX over \
     different scores, and with any range on a sorted set of 128 members or fewer, which \
     raft-kv keeps in one buffer rather than a B-tree";

/// What ZREVRANGE costs: a big sorted set's B-tree is walked from the highest score.
const ZSET_RANK_RANGE: &str = "O(S+M) where S is the start offset and M the number of members \
     returned, on a sorted set of more than 128 members, which raft-kv keeps in a hash table \
     and a B-tree; O(N) where N is the size of a smaller one, kept in one buffer";

/// What ZRANGEBYSCORE and ZREVRANGEBYSCORE cost: a big sorted set's B-tree is searched for the
/// first bound, then walked past LIMIT's offset and through the members returned.
const ZSET_SCORE_RANGE: &str = "O(log N + O + M) where N is the size of the sorted set, O the \
     LIMIT offset and M the number of members returned, on one of more than 128 members, which \
     raft-kv keeps in a hash table and a B-tree; O(N) on a smaller one, kept in one buffer";

/// What ZCOUNT costs: a big sorted set's B-tree is searched for the lower bound and walked
/// through the members counted.
const ZSET_COUNT: &str = "O(log N + M) where N is the size of the sorted set and M the number \
     of members counted, on one of more than 128 members, which raft-kv keeps in a hash table \
     and a B-tree; O(N) on a smaller one, kept in one buffer";

/// What the ranges by member bound and ZLEXCOUNT cost: a big sorted set whose scores are all
/// equal is sought in its B-tree, which is then in name order; otherwise it is read whole.
const ZSET_LEX: &str = "O(log N + O + M) where N is the size of the sorted set, O the LIMIT \
     offset and M the number of members returned or counted, on a sorted set of more than 128 \
     members whose scores are all equal, which raft-kv keeps in a B-tree; O(N) otherwise";

/// What ZSCAN costs: a big sorted set's member table is walked a step at a time in hash order,
/// from the cursor on; a small sorted set comes back whole in one call.
const ZSET_SCAN: &str = "O(1) for every call and O(N) for a whole iteration on a sorted set of \
     more than 128 members, which raft-kv keeps in a hash table and a B-tree and scans a step \
     at a time; O(N) on a smaller one, which one call returns whole, where N is the size of the \
     sorted set";

/// What ZUNION, ZINTER, ZDIFF, ZINTERCARD and the *STORE forms cost: every given sorted set
/// (or set) is read whole, and a result is sorted by score and member.
const ZSET_COMBINE: &str = "O(N log N) where N is the total size of the given sorted sets, \
     which raft-kv reads whole before ordering the result by score and member";

/// What ZRANGESTORE costs: the source is walked as ZRANGE walks it and the members in range
/// are stored at the destination.
const ZSET_RANGE_STORE: &str = "O(N) where N is the size of the source sorted set, which \
     raft-kv walks to find the range before storing it at the destination";

/// What PFADD costs: each element hashes to one register, and raft-kv keeps every HyperLogLog
/// in Redis's dense encoding (16384 six-bit registers, 12 KiB, in one string value, however few
/// elements it has seen), which a write copies once.
const HLL_ADD: &str = "O(1) for each element given, plus one copy of the 12 KiB value per \
     write, as raft-kv keeps every HyperLogLog dense: 16384 registers in one string value";

/// What PFCOUNT costs: every given HyperLogLog's registers are read, all 16384 of them, since
/// raft-kv never stores the sparse encoding.
const HLL_COUNT: &str = "O(N) where N is the number of keys given, each a dense HyperLogLog of \
     16384 registers that raft-kv reads whole";

/// What PFMERGE costs: as PFCOUNT, plus writing the destination's 12 KiB value once.
const HLL_MERGE: &str = "O(N) where N is the number of keys given, each a dense HyperLogLog of \
     16384 registers that raft-kv reads whole, plus one write of the 12 KiB result";

/// What SORT and SORT_RO cost: the source is read whole and ordered, and each BY or GET
/// pattern looks up one key per element.
const SORT_COST: &str = "O(N+M*log(M)) where N is the number of elements of the list, set or \
     sorted set and M those returned, plus one key lookup per element for each BY/GET pattern";

/// What a geo search costs: the cells around the centre are ranges of scores, each sought in a
/// big sorted set's B-tree and walked; a small sorted set's buffer is read whole. What is found
/// is then sorted by distance unless no order is asked for.
const GEO_SEARCH: &str = "O(N + log M) where N is the number of members in the cells around \
     the centre that cover the area and M the size of the sorted set, on one of more than 128 \
     members, which raft-kv keeps in a B-tree searched a range of scores at a time; O(M) on a \
     smaller one, kept in one buffer; plus O(N log N) to sort what is found";

/// When GEORADIUS and its relatives changed.
const GEORADIUS_HISTORY: &[(&str, &str)] = &[
    ("6.2.0", "Gained ANY for COUNT."),
    ("7.0.0", "Takes unit names in upper case."),
];

/// What replaces the range commands that Redis 6.2 deprecated in favour of ZRANGE's arguments.
const ZRANGE_BY_SCORE: &str = "`ZRANGE` with the `BYSCORE` argument";
const ZREVRANGE_BY_SCORE: &str = "`ZRANGE` with the `REV` and `BYSCORE` arguments";
const ZRANGE_BY_LEX: &str = "`ZRANGE` with the `BYLEX` argument";
const ZREVRANGE_BY_LEX: &str = "`ZRANGE` with the `REV` and `BYLEX` arguments";

/// Every documented command and subcommand, sorted by name.
#[rustfmt::skip]
pub const DOCS: &[Doc] = &[
    doc("append", Str, "2.0.0",
        "O(1) amortized, as strings grow geometrically; copying a large existing value is rare",
        "key:key value",
        "Adds bytes to the end of a string value, creating the key when it is missing."),
    doc("auth", Connection, "1.0.0", "O(N) where N is the number of passwords of the user",
        "[username] password",
        "Authenticates the connection as the default user.")
        .history(&[("6.0.0", "Accepts a user name before the password.")]),
    doc("bgrewriteaof", Server, "1.0.0", O1, "",
        "Takes a snapshot of this node's state and compacts its log to it, as BGSAVE does; \
         raft-kv's log is its append-only file."),
    doc("bgsave", Server, "1.0.0", O1, "[SCHEDULE]",
        "Takes a snapshot of this node's state in the background and compacts its log to \
         it; with SCHEDULE, after the one in progress.")
        .history(&[("3.2.2", "Gained the SCHEDULE option.")]),
    doc("bitcount", Bitmap, "2.6.0", "O(N)",
        "key:key range=[start:integer end:integer unit=[BYTE|BIT]]",
        "Counts the set bits of a string, or of a range of its bytes or bits.")
        .history(&[("7.0.0", "Gained the BYTE and BIT units.")]),
    doc("bitfield", Bitmap, "3.2.0", "O(1) for each subcommand specified",
        "key:key [operation=(GET encoding offset|write=([OVERFLOW (WRAP|SAT|FAIL)] \
         write_operation=(SET encoding offset value:integer|\
         INCRBY encoding offset increment:integer)))]...",
        "Reads, sets and increments integers of 1 to 64 bits (i64, u63 at most) at any bit \
         offset of a string (#n for the n-th field of that width), with OVERFLOW WRAP, SAT or \
         FAIL for the writes after it; a write grows the string with zero bytes."),
    doc("bitfield_ro", Bitmap, "6.0.0", "O(1) for each subcommand specified",
        "key:key [GET encoding offset]...",
        "BITFIELD with GET only, served as a read on any node."),
    doc("bitop", Bitmap, "2.6.0", "O(N)",
        "operation=(AND|OR|XOR|NOT) destkey:key key:key...",
        "Stores the bitwise AND, OR or XOR of strings, or the NOT of one, at a key; shorter \
         strings count as padded with zero bytes."),
    doc("bitpos", Bitmap, "2.8.7", "O(N)",
        "key:key bit:integer range=[start:integer end_unit_block=[end:integer unit=[BYTE|BIT]]]",
        "Finds the first bit set to 1, or to 0, in a string or a range of its bytes or bits.")
        .history(&[("7.0.0", "Gained the BYTE and BIT units.")]),
    doc("blmove", List, "6.2.0", LIST_MOVE,
        "source:key destination:key wherefrom=(LEFT|RIGHT) whereto=(LEFT|RIGHT) timeout:double",
        "Like LMOVE, but when the source is empty waits up to timeout seconds (0 for ever) for \
         an element to arrive, answering nil if none does."),
    doc("blmpop", List, "7.0.0", LIST_MULTI_POP,
        "timeout:double numkeys:integer key:key... where=(LEFT|RIGHT) [COUNT count:integer]",
        "Like LMPOP, but when every list given is empty waits up to timeout seconds (0 for \
         ever) for one of them to get elements, answering nil if none does."),
    doc("blpop", List, "2.0.0", LIST_MULTI_POP, "key:key... timeout:double",
        "Takes the head element of the first non-empty list among the keys, in the order \
         given, and answers the key and the element; when all are empty waits up to timeout \
         seconds (0 for ever) for one to get elements, answering nil if none does.")
        .history(TIMEOUT_HISTORY),
    doc("brpop", List, "2.0.0", LIST_MULTI_POP, "key:key... timeout:double",
        "Takes the tail element of the first non-empty list among the keys, in the order \
         given, and answers the key and the element; when all are empty waits up to timeout \
         seconds (0 for ever) for one to get elements, answering nil if none does.")
        .history(TIMEOUT_HISTORY),
    doc("brpoplpush", List, "2.2.0", LIST_MOVE, "source:key destination:key timeout:double",
        "Like RPOPLPUSH, but when the source is empty waits up to timeout seconds (0 for ever) \
         for an element to arrive, answering nil if none does.")
        .deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
        .history(TIMEOUT_HISTORY),
    doc("bzmpop", ZSet, "7.0.0", ZSET_MULTI_POP,
        "timeout:double numkeys:integer key:key... where=(MIN|MAX) [COUNT count:integer]",
        "Like ZMPOP, but when every sorted set given is empty waits up to timeout seconds (0 \
         for ever) for one of them to get members, answering nil if none does."),
    doc("bzpopmax", ZSet, "5.0.0", ZSET_MULTI_POP, "key:key... timeout:double",
        "Takes the member with the highest score from the first non-empty sorted set among \
         the keys and answers the key, the member and its score; when all are empty waits up \
         to timeout seconds (0 for ever) for one to get members, answering nil if none does.")
        .history(TIMEOUT_HISTORY),
    doc("bzpopmin", ZSet, "5.0.0", ZSET_MULTI_POP, "key:key... timeout:double",
        "Takes the member with the lowest score from the first non-empty sorted set among the \
         keys and answers the key, the member and its score; when all are empty waits up to \
         timeout seconds (0 for ever) for one to get members, answering nil if none does.")
        .history(TIMEOUT_HISTORY),
    doc("client", Connection, "2.4.0", "Depends on subcommand.", "",
        "Inspects and configures client connections."),
    doc("client|caching", Connection, "6.0.0", O1, "mode=(YES|NO)",
        "In CLIENT TRACKING's OPTIN (YES) or OPTOUT (NO) mode, decides whether the keys the \
         next command reads (a whole transaction's, inside MULTI) are tracked."),
    doc("client|getname", Connection, "2.6.9", O1, "",
        "Returns the name this connection was given, or nil."),
    doc("client|getredir", Connection, "6.0.0", O1, "",
        "Returns the client that receives this connection's invalidation messages: 0 for \
         itself, -1 when tracking is off."),
    doc("client|help", Connection, "5.0.0", O1, "", "Describes the CLIENT subcommands."),
    doc("client|id", Connection, "5.0.0", O1, "",
        "Returns the number that identifies this connection."),
    doc("client|info", Connection, "6.2.0", O1, "",
        "Describes this connection in the format of CLIENT LIST."),
    doc("client|kill", Connection, "2.4.0", "O(N) where N is the number of client connections",
        "filter=(old-format|new-format=([ID client-id:integer]|\
         [TYPE client-type=(NORMAL|MASTER|SLAVE|REPLICA|PUBSUB)]|[USER username]|[ADDR addr]|\
         [LADDR laddr]|[SKIPME skipme=(YES|NO)]|[MAXAGE maxage:integer])...)",
        "Closes connections to this node: the one at ip:port, or every one that matches all the \
         filters (except the caller, unless SKIPME NO), replying with how many.")
        .history(&[
            ("2.8.12", "Gained the filter form and the ID filter."),
            ("6.2.0", "Gained the LADDR filter."),
            ("7.4.0", "Gained the MAXAGE filter."),
        ]),
    doc("client|list", Connection, "2.4.0", "O(N) where N is the number of client connections",
        "[TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID client-id:integer...]",
        "Describes every connection to this node, one line each, optionally filtered.")
        .history(&[
            ("2.8.12", "Shows each client's unique id."),
            ("5.0.0", "Gained the TYPE filter."),
            ("6.2.0", "Gained the ID filter and the laddr field."),
        ]),
    doc("client|no-evict", Connection, "7.0.0", O1, "enabled=(ON|OFF)",
        "Accepted for compatibility; raft-kv never evicts clients."),
    doc("client|no-touch", Connection, "7.2.0", O1, "enabled=(ON|OFF)",
        "Accepted for compatibility; raft-kv keeps no key access times."),
    doc("client|pause", Connection, "3.0.0", O1, "timeout:integer [mode=(WRITE|ALL)]",
        "Holds back the commands of this node's clients, all of them or only writes, for a \
         number of milliseconds or until CLIENT UNPAUSE; the pausing client too.")
        .history(&[("6.2.0", "Gained the WRITE mode; ALL is the default.")]),
    doc("client|reply", Connection, "3.2.0", O1, "action=(ON|OFF|SKIP)",
        "Turns replies to this connection off, back on, or off for the next command only."),
    doc("client|setinfo", Connection, "7.2.0", O1, "attr=(LIB-NAME libname|LIB-VER libver)",
        "Records the client library's name or version, which CLIENT LIST then shows."),
    doc("client|setname", Connection, "2.6.9", O1, "connection-name",
        "Gives this connection a name; an empty name removes it."),
    doc("client|tracking", Connection, "6.0.0", "O(1). Some options may introduce additional \
         complexity.",
        "status=(ON|OFF) [REDIRECT client-id:integer] [PREFIX prefix]... [BCAST] [OPTIN] \
         [OPTOUT] [NOLOOP]",
        "Turns client-side caching on or off: this node then tells the connection (or the \
         REDIRECT target) when a key it read, or with BCAST any key under its prefixes, is \
         changed by a write this node applies."),
    doc("client|trackinginfo", Connection, "6.2.0", O1, "",
        "Describes this connection's CLIENT TRACKING settings: flags, redirect and prefixes."),
    doc("client|unblock", Connection, "5.0.0", O1, "client-id:integer [TIMEOUT|ERROR]",
        "Wakes another connection that waits in a blocking command, as if its timeout had \
         passed or, with ERROR, with an UNBLOCKED error; answers 1 if it was waiting, else 0."),
    doc("client|unpause", Connection, "6.2.0", "O(N) where N is the number of paused clients",
        "",
        "Ends a CLIENT PAUSE on this node: the commands it held back run."),
    doc("command", Server, "2.8.13", "O(N) where N is the number of commands", "",
        "Describes every command this server accepts."),
    doc("command|count", Server, "2.8.13", O1, "",
        "Returns how many top-level commands this server accepts."),
    doc("command|docs", Server, "7.0.0", "O(N) where N is the number of commands looked up",
        "[command-name...]",
        "Returns the documentation of the named commands, or of all of them."),
    doc("command|getkeys", Server, "2.8.13", "O(N) where N is the number of arguments",
        "command [arg...]",
        "Lists which of a full command's arguments are keys."),
    doc("command|help", Server, "5.0.0", O1, "", "Describes the COMMAND subcommands."),
    doc("command|info", Server, "2.8.13", "O(N) where N is the number of commands looked up",
        "[command-name...]",
        "Returns arity, flags and key positions of the named commands, or of all of them.")
        .history(&[("7.0.0", "Describes every command when given no names.")]),
    doc("command|list", Server, "7.0.0", "O(N) where N is the number of commands",
        "[FILTERBY filterby=(MODULE module-name|ACLCAT category|PATTERN pattern:pattern)]",
        "Lists the names of every command and subcommand, or those matching a filter; \
         raft-kv has no modules and gives no command an ACL category."),
    doc("config", Server, "2.0.0", "Depends on subcommand.", "",
        "Reads the server's configuration, which is fixed at start-up apart from the slow \
         log's and the latency measurements'."),
    doc("config|get", Server, "2.0.0", "O(N) where N is the number of parameters requested",
        "parameter...",
        "Returns the configuration parameters whose names match any of the glob patterns.")
        .history(&[("7.0.0", "Takes several patterns.")]),
    doc("config|help", Server, "5.0.0", O1, "", "Describes the CONFIG subcommands."),
    doc("config|resetstat", Server, "2.0.0", O1, "",
        "Resets this node's command totals and latencies (INFO commandstats and \
         latencystats, LATENCY HISTOGRAM), its error counts (INFO errorstats) and its \
         connection, command and network counters (INFO stats); the slow log and the latency \
         monitor stay."),
    doc("config|set", Server, "2.0.0", "O(N) where N is the number of parameters",
        "(parameter value)...",
        "Changes, on this node, the slow log's parameters (slowlog-log-slower-than, \
         slowlog-max-len), the latency measurements' (latency-monitor-threshold, \
         latency-tracking, latency-tracking-info-percentiles) and client-side caching's \
         (tracking-table-max-keys); for every other parameter \
         accepts only the value already in force, as raft-kv takes its configuration from \
         flags at start, and refuses a change, naming it.")
        .history(&[("7.0.0", "Takes several parameter-value pairs.")]),
    doc("copy", Generic, "6.2.0", "O(N) where N is the length of the value",
        "source:key destination:key [DB destination-db:integer] [REPLACE]",
        "Copies a key's value and expiry to another key, replacing it only with REPLACE; \
         raft-kv has only database 0."),
    doc("dbsize", Server, "1.0.0", O1, "",
        "Returns the number of keys in the database."),
    doc("debug", Server, "1.0.0", "Depends on subcommand.", "DIGEST",
        "Debugging aid; raft-kv has only DIGEST, a hash of the whole keyspace for comparing \
         replicas.")
        .flags(&["syscmd"]),
    doc("decr", Str, "1.0.0", O1, "key:key",
        "Subtracts one from the integer stored at a key, starting from zero."),
    doc("decrby", Str, "1.0.0", O1, "key:key decrement:integer",
        "Subtracts an amount from the integer stored at a key, starting from zero."),
    doc("del", Generic, "1.0.0", "O(N) where N is the number of keys removed", "key:key...",
        "Removes keys and answers how many of them existed."),
    doc("discard", Transactions, "2.0.0", "O(N) where N is the number of queued commands", "",
        "Drops the commands queued since MULTI and ends the transaction."),
    doc("dump", Generic, "2.6.0",
        "O(1) to access the key and additional O(N*M) to serialize it, where N is the number \
         of Redis objects composing the value and M their average size.",
        "key:key",
        "Serializes a key's value as Redis 7.0 does (RDB version 10), for RESTORE here or on a \
         redis-server; nil when the key is missing."),
    doc("echo", Connection, "1.0.0", O1, "message",
        "Answers with its argument unchanged."),
    doc("eval", Scripting, "2.6.0", "Depends on the script that is executed.",
        "script numkeys:integer [key:key...] [arg...]",
        "Runs a Lua script as one atomic step on every node (bounded in instructions and \
         memory), and caches it for EVALSHA."),
    doc("eval_ro", Scripting, "7.0.0", "Depends on the script that is executed.",
        "script numkeys:integer [key:key...] [arg...]",
        "Runs a read-only Lua script on this node, linearizably; it may not write."),
    doc("evalsha", Scripting, "2.6.0", "Depends on the script that is executed.",
        "sha1 numkeys:integer [key:key...] [arg...]",
        "Runs a cached Lua script, named by its SHA-1, like EVAL."),
    doc("evalsha_ro", Scripting, "7.0.0", "Depends on the script that is executed.",
        "sha1 numkeys:integer [key:key...] [arg...]",
        "Runs a cached read-only Lua script, named by its SHA-1, like EVAL_RO."),
    doc("exec", Transactions, "1.2.0", "Depends on the queued commands", "",
        "Runs the commands queued since MULTI as one atomic step, unless a watched key changed."),
    doc("exists", Generic, "1.0.0", "O(N) where N is the number of keys checked", "key:key...",
        "Counts how many of the given keys exist; a key named twice counts twice.")
        .history(&[("3.0.3", "Takes several keys.")]),
    doc("expire", Generic, "1.0.0", O1, "key:key seconds:integer condition=[NX|XX|GT|LT]",
        "Makes a key expire after a number of seconds.")
        .history(EXPIRE_HISTORY),
    doc("expireat", Generic, "1.2.0", O1,
        "key:key unix-time-seconds:unix-time condition=[NX|XX|GT|LT]",
        "Makes a key expire at a Unix time given in seconds.")
        .history(EXPIRE_HISTORY),
    doc("expiretime", Generic, "7.0.0", O1, "key:key",
        "Tells when a key expires, as Unix seconds; -1 without expiry, -2 without the key."),
    doc("failover", Server, "6.2.0", O1,
        "[TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds:integer]",
        "On the leader: hands leadership to the member at host and port, or to the one that \
         holds the most of the log; it takes over within an election timeout."),
    doc("fcall", Scripting, "7.0.0", "Depends on the function that is executed.",
        "function numkeys:integer [key:key...] [arg...]",
        "Calls a function of a loaded library as one atomic step on every node, with its keys \
         and arguments as the function's two parameters."),
    doc("fcall_ro", Scripting, "7.0.0", "Depends on the function that is executed.",
        "function numkeys:integer [key:key...] [arg...]",
        "Calls a function flagged no-writes on this node, linearizably."),
    doc("flushall", Server, "1.0.0", "O(N) where N is the number of keys",
        "flush-type=[ASYNC|SYNC]",
        "Deletes every key; raft-kv has a single database, so this equals FLUSHDB.")
        .history(FLUSH_HISTORY),
    doc("flushdb", Server, "1.0.0", "O(N) where N is the number of keys",
        "flush-type=[ASYNC|SYNC]",
        "Deletes every key of the database, through the replicated log.")
        .history(FLUSH_HISTORY),
    doc("function", Scripting, "7.0.0", "Depends on subcommand.",
        "(LOAD [REPLACE] code|DELETE library-name|FLUSH [ASYNC|SYNC]|LIST [LIBRARYNAME \
         pattern] [WITHCODE]|STATS|DUMP|RESTORE payload [FLUSH|APPEND|REPLACE]|KILL|HELP)",
        "Function libraries, which every node shares through the log: LOAD, DELETE, FLUSH and \
         RESTORE change them, LIST, STATS and DUMP read them; KILL answers NOTBUSY, as \
         functions are bounded instead."),
    doc("geoadd", Geo, "3.2.0", ZSET_ADD_REMOVE,
        "key:key condition=[NX|XX] change=[CH] data=(longitude:double latitude:double member)...",
        "Adds members at positions (longitude -180 to 180, latitude -85.05112878 to 85.05112878) \
         to a sorted set, each scored with the 52-bit geohash of its position, or moves them; \
         answers how many were added (or changed, with CH).")
        .history(&[("6.2.0", "Gained CH, NX and XX.")]),
    doc("geodist", Geo, "3.2.0", ZSET_SCORE,
        "key:key member1 member2 unit=[M|KM|FT|MI]",
        "Returns the distance between two members along the earth's surface (a sphere of \
         6372797.560856 m), in meters or the unit given, with four decimals; nil when either \
         is missing."),
    doc("geohash", Geo, "3.2.0", ZSET_SCORE, "key:key [member...]",
        "Returns the 11-character standard geohash of each member's position, nil for a \
         missing member."),
    doc("geopos", Geo, "3.2.0", ZSET_SCORE, "key:key [member...]",
        "Returns the longitude and latitude of each member (the centre of its geohash cell), \
         nil for a missing member. raft-kv sends the numbers as strings in RESP3 too."),
    doc("georadius", Geo, "3.2.0", GEO_SEARCH,
        "key:key longitude:double latitude:double radius:double unit=(M|KM|FT|MI) \
         [WITHCOORD] [WITHDIST] [WITHHASH] count=[COUNT count:integer [ANY]] order=[ASC|DESC] \
         store=[STORE storekey:key|STOREDIST storedistkey:key]",
        "Returns the members within a radius of a position, or stores them (scored by geohash, \
         or by distance with STOREDIST) and answers how many; without STORE it is served as a \
         read.")
        .deprecated("6.2.0", "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument")
        .history(GEORADIUS_HISTORY),
    doc("georadius_ro", Geo, "3.2.10", GEO_SEARCH,
        "key:key longitude:double latitude:double radius:double unit=(M|KM|FT|MI) \
         [WITHCOORD] [WITHDIST] [WITHHASH] count=[COUNT count:integer [ANY]] order=[ASC|DESC]",
        "Returns the members within a radius of a position, like GEORADIUS without STORE.")
        .deprecated("6.2.0", "`GEOSEARCH` with the `BYRADIUS` argument")
        .history(&[("6.2.0", "Gained ANY for COUNT.")]),
    doc("georadiusbymember", Geo, "3.2.0", GEO_SEARCH,
        "key:key member radius:double unit=(M|KM|FT|MI) [WITHCOORD] [WITHDIST] [WITHHASH] \
         count=[COUNT count:integer [ANY]] order=[ASC|DESC] \
         store=[STORE storekey:key|STOREDIST storedistkey:key]",
        "Returns the members within a radius of a member, or stores them like GEORADIUS; \
         without STORE it is served as a read.")
        .deprecated("6.2.0", "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and \
             `FROMMEMBER` arguments")
        .history(&[("7.0.0", "Takes unit names in upper case.")]),
    doc("georadiusbymember_ro", Geo, "3.2.10", GEO_SEARCH,
        "key:key member radius:double unit=(M|KM|FT|MI) [WITHCOORD] [WITHDIST] [WITHHASH] \
         count=[COUNT count:integer [ANY]] order=[ASC|DESC]",
        "Returns the members within a radius of a member, like GEORADIUSBYMEMBER without \
         STORE.")
        .deprecated("6.2.0", "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"),
    doc("geosearch", Geo, "6.2.0", GEO_SEARCH,
        "key:key from=(FROMMEMBER member|FROMLONLAT longitude:double latitude:double) \
         by=(BYRADIUS radius:double unit=(M|KM|FT|MI)|BYBOX width:double height:double \
         unit=(M|KM|FT|MI)) order=[ASC|DESC] count=[COUNT count:integer [ANY]] [WITHCOORD] \
         [WITHDIST] [WITHHASH]",
        "Returns the members within a radius, or an axis-aligned box, around a member or a \
         position; without ASC or DESC in the order Redis finds them, COUNT taking the \
         nearest (or with ANY the first found).")
        .history(&[("7.0.0", "Takes unit names in upper case.")]),
    doc("geosearchstore", Geo, "6.2.0", GEO_SEARCH,
        "destination:key source:key from=(FROMMEMBER member|FROMLONLAT longitude:double \
         latitude:double) by=(BYRADIUS radius:double unit=(M|KM|FT|MI)|BYBOX width:double \
         height:double unit=(M|KM|FT|MI)) order=[ASC|DESC] count=[COUNT count:integer [ANY]] \
         [STOREDIST]",
        "Stores at the destination what GEOSEARCH finds, scored by geohash or with STOREDIST \
         by distance, replacing whatever it held (deleting it for an empty result), and \
         answers how many there are.")
        .history(&[("7.0.0", "Takes unit names in upper case.")]),
    doc("get", Str, "1.0.0", O1, "key:key",
        "Returns the string stored at a key, or nil when the key is missing."),
    doc("getbit", Bitmap, "2.2.0", O1, "key:key offset:integer",
        "Returns the bit at an offset of a string; bits past its end are 0."),
    doc("getdel", Str, "6.2.0", O1, "key:key",
        "Returns the string stored at a key and removes the key."),
    doc("getex", Str, "6.2.0", O1,
        "key:key expiration=[EX seconds:integer|PX milliseconds:integer|\
         EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST]",
        "Returns the string stored at a key, optionally changing or removing its expiry."),
    doc("getrange", Str, "2.4.0", "O(N) where N is the length of the returned string",
        "key:key start:integer end:integer",
        "Returns the bytes of a string between two inclusive offsets; negative ones count \
         from the end."),
    doc("getset", Str, "1.0.0", O1, "key:key value",
        "Stores a new string at a key and returns the one it replaced.")
        .deprecated("6.2.0", "`SET` with the `GET` option"),
    doc("hdel", Hash, "2.0.0", HASH_WRITE, "key:key field...",
        "Removes fields from a hash and answers how many of them existed; removing the last \
         field removes the key.")
        .history(&[("2.4.0", "Takes several fields.")]),
    doc("hello", Connection, "6.0.0", O1,
        "arguments=[protover:integer [AUTH username password] [SETNAME clientname]]",
        "Chooses RESP2 or RESP3, can authenticate and name the connection, and describes \
         the server.")
        .history(&[("6.2.0", "The protocol version became optional.")]),
    doc("hexists", Hash, "2.0.0", HASH_FIELD_READ, "key:key field",
        "Tells whether a hash has a field: 1 when it does, 0 when it or the key is missing."),
    doc("hexpire", Hash, "7.4.0", FIELD_TTL, "key:key seconds:integer \
         condition=[NX|XX|GT|LT] fields=(FIELDS numfields:integer field...)",
        "Makes fields of a hash expire after a number of seconds; for each field answers 1 \
         when set, 0 when the condition refused it, 2 when the time was not in the future \
         (the field is deleted), -2 when the field or the key is missing."),
    doc("hexpireat", Hash, "7.4.0", FIELD_TTL, "key:key unix-time-seconds:unix-time \
         condition=[NX|XX|GT|LT] fields=(FIELDS numfields:integer field...)",
        "Makes fields of a hash expire at a Unix time given in seconds; answers as HEXPIRE."),
    doc("hexpiretime", Hash, "7.4.0", FIELD_TTL, "key:key fields=(FIELDS numfields:integer field...)",
        "Tells when fields of a hash expire, as Unix seconds; -1 for a field without expiry, \
         -2 for a missing field or key."),
    doc("hget", Hash, "2.0.0", HASH_FIELD_READ, "key:key field",
        "Returns the value of one field of a hash, or nil when the field or the key is missing."),
    doc("hgetall", Hash, "2.0.0", HASH_SIZE, "key:key",
        "Returns every field of a hash followed by its value, in the order the fields were \
         first added, or past 128 fields in raft-kv's hash order."),
    doc("hgetdel", Hash, "8.0.0", FIELD_TTL, "key:key fields=(FIELDS numfields:integer field...)",
        "Returns the values of fields of a hash (nil for a missing one) and deletes the fields, \
         and the key with its last field."),
    doc("hgetex", Hash, "8.0.0", FIELD_TTL,
        "key:key expiration=[EX seconds:integer|PX milliseconds:integer|\
         EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|PERSIST] \
         fields=(FIELDS numfields:integer field...)",
        "Returns the values of fields of a hash (nil for a missing one) and sets or removes \
         the expiry of those found; a time not in the future deletes them."),
    doc("hincrby", Hash, "2.0.0", HASH_WRITE, "key:key field increment:integer",
        "Adds an amount to the integer stored in a field of a hash, starting from zero."),
    doc("hincrbyfloat", Hash, "2.6.0", HASH_WRITE, "key:key field increment:double",
        "Adds a decimal amount to the number stored in a field of a hash, starting from zero."),
    doc("hkeys", Hash, "2.0.0", HASH_SIZE, "key:key",
        "Returns the names of every field of a hash, in the order they were first added, or \
         past 128 fields in raft-kv's hash order."),
    doc("hlen", Hash, "2.0.0", HASH_LEN, "key:key",
        "Returns how many fields a hash has, 0 when the key is missing."),
    doc("hmget", Hash, "2.0.0", HASH_FIELD_READ, "key:key field...",
        "Returns the values of several fields of a hash, nil for each one that is missing."),
    doc("hmset", Hash, "2.0.0", HASH_WRITE, "key:key (field value)...",
        "Sets fields of a hash to values and answers OK, where HSET would count the new fields.")
        .deprecated("4.0.0", "`HSET` with multiple field-value pairs"),
    doc("hpersist", Hash, "7.4.0", FIELD_TTL, "key:key fields=(FIELDS numfields:integer field...)",
        "Removes the expiry of fields of a hash; for each field answers 1 when it had one, \
         -1 when it had none, -2 when the field or the key is missing."),
    doc("hpexpire", Hash, "7.4.0", FIELD_TTL, "key:key milliseconds:integer \
         condition=[NX|XX|GT|LT] fields=(FIELDS numfields:integer field...)",
        "Makes fields of a hash expire after a number of milliseconds; answers as HEXPIRE."),
    doc("hpexpireat", Hash, "7.4.0", FIELD_TTL, "key:key unix-time-milliseconds:unix-time \
         condition=[NX|XX|GT|LT] fields=(FIELDS numfields:integer field...)",
        "Makes fields of a hash expire at a Unix time given in milliseconds; answers as \
         HEXPIRE."),
    doc("hpexpiretime", Hash, "7.4.0", FIELD_TTL, "key:key fields=(FIELDS numfields:integer field...)",
        "Tells when fields of a hash expire, as Unix milliseconds; -1 for a field without \
         expiry, -2 for a missing field or key."),
    doc("hpttl", Hash, "7.4.0", FIELD_TTL, "key:key fields=(FIELDS numfields:integer field...)",
        "Tells how many milliseconds fields of a hash have left; -1 for a field without \
         expiry, -2 for a missing field or key."),
    doc("hrandfield", Hash, "6.2.0", "O(N) where N is the number of fields returned",
        "key:key options=[count:integer [WITHVALUES]]",
        "Returns a field of a hash picked at random, or a count of them (distinct when the \
         count is positive, possibly repeated when negative), optionally with their values."),
    doc("hscan", Hash, "2.8.0", HASH_SCAN,
        "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [NOVALUES]",
        "Returns the fields of a hash, optionally those matching a pattern, with their values \
         unless NOVALUES, a few at a time from the cursor of the last call; as Redis does for \
         a small hash, raft-kv returns one of up to 128 fields whole in one call, with \
         cursor 0.")
        .history(&[("7.4.0", "Added the `NOVALUES` option.")]),
    doc("hset", Hash, "2.0.0", HASH_WRITE, "key:key (field value)...",
        "Sets fields of a hash to values, creating the key when it is missing, and answers how \
         many of the fields were new.")
        .history(&[("4.0.0", "Takes several field-value pairs.")]),
    doc("hsetex", Hash, "8.0.0", FIELD_TTL,
        "key:key condition=[FNX|FXX] expiration=[EX seconds:integer|PX milliseconds:integer|\
         EXAT unix-time-seconds:unix-time|PXAT unix-time-milliseconds:unix-time|KEEPTTL] \
         fields=(FIELDS numfields:integer (field value)...)",
        "Sets fields of a hash (FNX: only if none exists, FXX: only if all do) and answers 1, \
         or 0 when the condition refused them; gives them an expiry, keeps theirs (KEEPTTL), \
         or without either removes it, as HSET does."),
    doc("hsetnx", Hash, "2.0.0", HASH_WRITE, "key:key field value",
        "Sets a field of a hash only when the field does not exist yet."),
    doc("hstrlen", Hash, "3.2.0", HASH_FIELD_READ, "key:key field",
        "Returns the length in bytes of a field's value, 0 when the field or the key is missing."),
    doc("httl", Hash, "7.4.0", FIELD_TTL, "key:key fields=(FIELDS numfields:integer field...)",
        "Tells how many seconds fields of a hash have left (rounded up); -1 for a field \
         without expiry, -2 for a missing field or key."),
    doc("hvals", Hash, "2.0.0", HASH_SIZE, "key:key",
        "Returns the value of every field of a hash, in the order the fields were first \
         added, or past 128 fields in raft-kv's hash order."),
    doc("incr", Str, "1.0.0", O1, "key:key",
        "Adds one to the integer stored at a key, starting from zero."),
    doc("incrby", Str, "1.0.0", O1, "key:key increment:integer",
        "Adds an amount to the integer stored at a key, starting from zero."),
    doc("incrbyfloat", Str, "2.6.0", O1, "key:key increment:double",
        "Adds a decimal amount to the number stored at a key, starting from zero."),
    doc("info", Server, "1.0.0", O1, "[section...]",
        "Reports server, client, memory, CPU, error, keyspace and Raft state as text \
         sections, and per-command totals (commandstats) when asked by name or with all.")
        .history(&[("7.0.0", "Takes several section names.")]),
    doc("keys", Generic, "1.0.0", "O(N) where N is the number of keys in the database",
        "pattern:pattern",
        "Lists every key whose name matches a glob pattern; prefer SCAN on large databases."),
    doc("lastsave", Server, "1.0.0", O1, "",
        "Returns a Unix time in seconds; raft-kv syncs its log on every write, so it is now."),
    doc("latency", Server, "2.8.13", "Depends on subcommand.", "",
        "Reports the latencies of the commands this node executed, and the events its latency \
         monitor kept."),
    doc("latency|doctor", Server, "2.8.13", O1, "",
        "Describes in words the events the latency monitor kept, and what each kind means."),
    doc("latency|graph", Server, "2.8.13", O1, "event",
        "Draws the latest events of one kind as bars, with their ages."),
    doc("latency|help", Server, "2.8.13", O1, "", "Describes the LATENCY subcommands."),
    doc("latency|histogram", Server, "7.0.0", "O(N) where N is the number of commands with latency information being retrieved",
        "[command...]",
        "Returns, for each command this node executed (or those named; a command with \
         subcommands stands for all of them), how many executions were timed and how many \
         took at most 1, 2, 4, 8, ... microseconds."),
    doc("latency|history", Server, "2.8.13", O1, "event",
        "Returns the worst latency, in milliseconds, of each second with events of one kind \
         (command, driver-turn, wal-fsync, snapshot-write), oldest first, for the last 160 \
         such seconds."),
    doc("latency|latest", Server, "2.8.13", O1, "",
        "Returns, for each kind of event the latency monitor kept, the time and latency of \
         the latest and the worst latency ever; the monitor keeps events that took \
         latency-monitor-threshold milliseconds or more, none while it is 0."),
    doc("latency|reset", Server, "2.8.13", O1, "[event...]",
        "Forgets the events of the kinds named, or of every kind, and answers how many kinds \
         were forgotten."),
    doc("lcs", Str, "7.0.0", "O(N*M) where N and M are the lengths of the two strings",
        "key1:key key2:key [LEN] [IDX] [MINMATCHLEN min-match-len:integer] [WITHMATCHLEN]",
        "Finds the longest common subsequence of two strings: the subsequence, its length, or \
         with IDX the ranges of the matches in each; the table it builds is limited to 512 MiB, \
         as in Redis, and is built off the node's Raft turn."),
    doc("lindex", List, "1.0.0", LIST_INDEX, "key:key index:integer",
        "Returns the element at an index of a list, counting from 0 at the head or from -1 at \
         the tail; nil when the index or the key is missing."),
    doc("linsert", List, "2.2.0", LIST_WRITE, "key:key where=(BEFORE|AFTER) pivot element",
        "Inserts an element just before or after the first occurrence of a pivot in a list and \
         answers the new length, -1 when the pivot is missing and 0 when the key is."),
    doc("llen", List, "1.0.0", LIST_LEN, "key:key",
        "Returns how many elements a list has, 0 when the key is missing."),
    doc("lmove", List, "6.2.0", LIST_MOVE,
        "source:key destination:key wherefrom=(LEFT|RIGHT) whereto=(LEFT|RIGHT)",
        "Takes an element from the head or tail of one list, pushes it onto the head or tail \
         of another list or of the same one, and answers it; nil when the source is missing."),
    doc("lmpop", List, "7.0.0", LIST_MULTI_POP,
        "numkeys:integer key:key... where=(LEFT|RIGHT) [COUNT count:integer]",
        "Takes up to COUNT elements (1 by default) from the head or tail of the first \
         non-empty list among the numkeys keys and answers the key with an array of them; \
         nil when every list is empty, and a list that gives up its last element is removed."),
    doc("lpop", List, "1.0.0", LIST_PUSH_POP, "key:key [count:integer]",
        "Removes and returns the first element of a list, or an array of up to a count of \
         them; taking the last element removes the key.")
        .history(&[("6.2.0", "Gained the count argument.")]),
    doc("lpos", List, "6.0.6", LIST_SIZE,
        "key:key element [RANK rank:integer] [COUNT num-matches:integer] [MAXLEN len:integer]",
        "Answers where an element occurs in a list: the index of its first match, or of the \
         match RANK picks (negative ranks count from the tail), or COUNT matches as an array \
         (0 for all), looking at no more than MAXLEN elements."),
    doc("lpush", List, "1.0.0", LIST_PUSH_POP, "key:key element...",
        "Adds elements to the head of a list one at a time, so that they end up in reverse \
         order, creating the key when it is missing, and answers the new length.")
        .history(&[("2.4.0", "Takes several elements.")]),
    doc("lpushx", List, "2.2.0", LIST_PUSH_POP, "key:key element...",
        "Adds elements to the head of a list only when the list exists, answering the new \
         length, or 0 when the key is missing.")
        .history(&[("4.0.0", "Takes several elements.")]),
    doc("lrange", List, "1.0.0", LIST_RANGE, "key:key start:integer stop:integer",
        "Returns the elements of a list between two inclusive indexes; negative ones count from \
         the tail, and a range past either end is cut to the list."),
    doc("lrem", List, "1.0.0", LIST_WRITE, "key:key count:integer element",
        "Removes elements equal to a value from a list, the first count of them (the last ones \
         for a negative count, every one for 0), and answers how many it removed."),
    doc("lset", List, "1.0.0", LIST_INDEX, "key:key index:integer element",
        "Replaces the element at an index of a list; a missing key or an index past either end \
         is an error."),
    doc("ltrim", List, "1.0.0", LIST_TRIM, "key:key start:integer stop:integer",
        "Keeps only the elements of a list between two inclusive indexes, removing the key when \
         none remain."),
    doc("memory", Server, "4.0.0", "Depends on subcommand.",
        "(USAGE key:key [SAMPLES count:integer]|HELP)",
        "Memory introspection; raft-kv has USAGE, the bytes a key takes on this node as it \
         estimates them (slot, key and value, expiry index), and HELP."),
    doc("mget", Str, "1.0.0", "O(N) where N is the number of keys", "key:key...",
        "Returns the strings stored at several keys, nil for each missing one."),
    doc("migrate", Generic, "2.6.0",
        "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in \
         the target instance.",
        "host port key:key destination-db:integer timeout:integer \
         copy=[COPY] replace=[REPLACE] [AUTH password|AUTH2 username password] \
         [KEYS key:key...]",
        "Moves keys to another server with DUMP and RESTORE, deleting them here unless COPY; \
         a key changed meanwhile is kept here.")
        .history(&[("3.0.0", "Added the COPY and REPLACE options."),
                   ("3.0.6", "Added the KEYS option."),
                   ("4.0.7", "Added the AUTH option."),
                   ("6.0.0", "Added the AUTH2 option.")]),
    doc("monitor", Server, "1.0.0", "", "",
        "Streams every command this node's clients send, as it arrives, one line each in \
         Redis's format; administrative commands are left out and credentials redacted."),
    doc("mset", Str, "1.0.1", "O(N) where N is the number of keys to set", "(key:key value)...",
        "Sets several keys to string values in one atomic step."),
    doc("msetnx", Str, "1.0.1", "O(N) where N is the number of keys to set",
        "(key:key value)...",
        "Sets several keys in one atomic step, but only if none of them exists yet."),
    doc("multi", Transactions, "1.2.0", O1, "",
        "Starts a transaction: later commands are queued until EXEC or DISCARD."),
    doc("object", Generic, "2.2.3", "Depends on subcommand.",
        "(ENCODING key:key|REFCOUNT key:key|IDLETIME key:key|FREQ key:key|HELP)",
        "Describes a key's value: ENCODING and REFCOUNT as Redis would report them; raft-kv \
         keeps no access times or frequencies, so IDLETIME and FREQ answer errors."),
    doc("persist", Generic, "2.2.0", O1, "key:key",
        "Removes a key's expiry so that it is kept until deleted."),
    doc("pexpire", Generic, "2.6.0", O1,
        "key:key milliseconds:integer condition=[NX|XX|GT|LT]",
        "Makes a key expire after a number of milliseconds.")
        .history(EXPIRE_HISTORY),
    doc("pexpireat", Generic, "2.6.0", O1,
        "key:key unix-time-milliseconds:unix-time condition=[NX|XX|GT|LT]",
        "Makes a key expire at a Unix time given in milliseconds.")
        .history(EXPIRE_HISTORY),
    doc("pexpiretime", Generic, "7.0.0", O1, "key:key",
        "Tells when a key expires, as Unix milliseconds; -1 without expiry, -2 without the key."),
    doc("pfadd", Hll, "2.8.9", HLL_ADD, "key:key [element...]",
        "Records elements in the HyperLogLog at a key, creating it when missing; answers 1 \
         when the key was created or a register changed, else 0. raft-kv stores it dense from \
         the start, so its bytes differ from Redis's small sparse form."),
    doc("pfcount", Hll, "2.8.9", HLL_COUNT, "key:key...",
        "Estimates how many distinct elements the HyperLogLog at a key has seen, or the union \
         of several, without changing them; a missing key counts as empty."),
    doc("pfmerge", Hll, "2.8.9", HLL_MERGE, "destkey:key sourcekey:key...",
        "Stores at the destination the union of the source HyperLogLogs and of the \
         destination's own, if any, creating it when missing; a missing source counts as \
         empty."),
    doc("ping", Connection, "1.0.0", O1, "[message]",
        "Checks that the server answers: PONG, or the message when one is given."),
    doc("psetex", Str, "2.6.0", O1, "key:key milliseconds:integer value",
        "Stores a string that expires after a number of milliseconds."),
    doc("psubscribe", PubSub, "2.0.0", "O(N) where N is the number of patterns",
        "pattern:pattern...",
        "Receives the messages published, through any node, on channels matching the glob \
         patterns."),
    doc("pttl", Generic, "2.6.0", O1, "key:key",
        "Tells how many milliseconds a key has left; -1 without expiry, -2 without the key.")
        .history(TTL_HISTORY),
    doc("publish", PubSub, "2.0.0",
        "O(N+M) where N is the number of the channel's subscribers on the node and M the \
         number of subscribed patterns",
        "channel message",
        "Publishes a message through the log to the channel's subscribers on every node; \
         replies with how many clients of this node receive it."),
    doc("pubsub", PubSub, "2.8.0", "Depends on subcommand.", "",
        "Inspects this node's subscriptions."),
    doc("pubsub|channels", PubSub, "2.8.0",
        "O(N) where N is the number of channels with a subscriber on the node",
        "[pattern:pattern]",
        "Lists the channels with a subscriber on this node, optionally only those matching."),
    doc("pubsub|help", PubSub, "6.2.0", O1, "", "Describes the PUBSUB subcommands."),
    doc("pubsub|numpat", PubSub, "2.8.0", O1, "",
        "Counts the distinct patterns subscribed to on this node."),
    doc("pubsub|numsub", PubSub, "2.8.0", "O(N) for the number of channels requested",
        "[channel...]",
        "Counts each channel's subscribers on this node, pattern subscriptions left out."),
    doc("pubsub|shardchannels", PubSub, "7.0.0",
        "O(N) where N is the number of shard channels with a subscriber on the node",
        "[pattern:pattern]",
        "Lists the shard channels with a subscriber on this node, optionally only those \
         matching."),
    doc("pubsub|shardnumsub", PubSub, "7.0.0", "O(N) for the number of shard channels requested",
        "[shardchannel...]",
        "Counts each shard channel's subscribers on this node."),
    doc("punsubscribe", PubSub, "2.0.0", "O(N) where N is the number of patterns",
        "[pattern:pattern...]",
        "Stops receiving messages for the patterns given, or for every pattern."),
    doc("quit", Connection, "1.0.0", O1, "",
        "Answers OK and closes the connection."),
    doc("raft.node", Cluster, "1.0.0", "Depends on subcommand.", "",
        "Changes the Raft cluster's membership, one node at a time (a raft-kv command)."),
    doc("raft.node|add", Cluster, "1.0.0", O1, "node-id:integer address",
        "Adds a node, started with --join, at its peer address (ip:port). It joins as a \
         learner that receives the log, and the leader makes it a voter once it has caught \
         up. Answers OK once the addition is committed."),
    doc("raft.node|help", Cluster, "1.0.0", O1, "",
        "Lists the RAFT.NODE subcommands."),
    doc("raft.node|remove", Cluster, "1.0.0", O1, "node-id:integer",
        "Removes a voter or a learner. A leader that removes itself hands over to another \
         voter once the removal is committed. Answers OK once it is committed."),
    doc("randomkey", Generic, "1.0.0", O1, "",
        "Returns a key of the database picked at random, or nil when there is none."),
    doc("readonly", Cluster, "3.0.0", O1, "",
        "Accepted for cluster clients; every raft-kv node serves linearizable reads anyway."),
    doc("readwrite", Cluster, "3.0.0", O1, "",
        "Accepted for cluster clients; undoes READONLY, which changes nothing here."),
    doc("rename", Generic, "1.0.0", O1, "key:key newkey:key",
        "Moves a key's value and expiry to a new name, replacing whatever was there."),
    doc("renamenx", Generic, "1.0.0", O1, "key:key newkey:key",
        "Moves a key to a new name only when no key has that name yet.")
        .history(&[("3.2.0", "Renaming a key to itself answers 0 instead of an error.")]),
    doc("reset", Connection, "6.2.0", O1, "",
        "Returns the connection to its first state: no transaction, no name, RESP2."),
    doc("restore", Generic, "2.6.0",
        "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value.",
        "key:key ttl:integer serialized-value replace=[REPLACE] absttl=[ABSTTL] \
         [IDLETIME seconds:integer] [FREQ frequency:integer]",
        "Creates a key from a DUMP payload of raft-kv or of redis-server (RDB version 10 or \
         older); IDLETIME and FREQ are checked and ignored.")
        .history(&[("3.0.0", "Added the REPLACE modifier."),
                   ("5.0.0", "Added the ABSTTL, IDLETIME and FREQ modifiers.")]),
    doc("role", Server, "2.8.12", O1, "",
        "Answers this node's role: the leader as master, with its commit index and its \
         replicas' addresses and indexes; a follower as a slave of the leader, with the \
         index it applied."),
    doc("rpop", List, "1.0.0", LIST_PUSH_POP, "key:key [count:integer]",
        "Removes and returns the last element of a list, or an array of up to a count of them \
         from the tail; taking the last element removes the key.")
        .history(&[("6.2.0", "Gained the count argument.")]),
    doc("rpoplpush", List, "1.2.0", LIST_MOVE, "source:key destination:key",
        "Takes the last element of a list, pushes it onto the head of another (or of the same \
         one, rotating it) and answers it; nil when the source is missing.")
        .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments"),
    doc("rpush", List, "1.0.0", LIST_PUSH_POP, "key:key element...",
        "Adds elements to the tail of a list in the order given, creating the key when it is \
         missing, and answers the new length.")
        .history(&[("2.4.0", "Takes several elements.")]),
    doc("rpushx", List, "2.2.0", LIST_PUSH_POP, "key:key element...",
        "Adds elements to the tail of a list only when the list exists, answering the new \
         length, or 0 when the key is missing.")
        .history(&[("4.0.0", "Takes several elements.")]),
    doc("sadd", Set, "1.0.0", SET_ADD_REMOVE, "key:key member...",
        "Adds members to a set, creating the key when it is missing, and answers how many of \
         them were new.")
        .history(&[("2.4.0", "Takes several members.")]),
    doc("save", Server, "1.0.0", "O(N) where N is the number of keys", "",
        "Takes a snapshot of this node's state, compacts its log to it, and answers once it \
         is durable; the node keeps serving meanwhile."),
    doc("scan", Generic, "2.8.0",
        "O(1) per call; O(N) for a whole iteration, where N is the number of keys",
        "cursor:integer [MATCH pattern:pattern] [COUNT count:integer] [TYPE type]",
        "Walks the keyspace a few keys at a time, resuming from the cursor of the last call.")
        .history(&[("6.0.0", "Gained the TYPE filter.")]),
    doc("scard", Set, "1.0.0", SET_CARD, "key:key",
        "Returns how many members a set has, 0 when the key is missing."),
    doc("script", Scripting, "2.6.0", "Depends on subcommand.",
        "(LOAD script|EXISTS sha1...|FLUSH [ASYNC|SYNC]|KILL|HELP)",
        "The script cache, which every node shares through the log: LOAD, EXISTS, FLUSH; KILL \
         answers NOTBUSY, as scripts are bounded instead."),
    doc("sdiff", Set, "1.0.0", SET_COMBINE, "key:key...",
        "Returns the members of the first set that are in none of the others; a missing key \
         counts as an empty set."),
    doc("sdiffstore", Set, "1.0.0", SET_COMBINE, "destination:key key:key...",
        "Stores at the destination the members of the first set that are in none of the \
         others, replacing whatever it held (deleting it for an empty result), and answers how \
         many there are."),
    doc("select", Connection, "1.0.0", O1, "index:integer",
        "Chooses the database; raft-kv has only database 0."),
    doc("set", Str, "1.0.0", O1,
        "key:key value condition=[NX|XX] [GET] expiration=[EX seconds:integer|\
         PX milliseconds:integer|EXAT unix-time-seconds:unix-time|\
         PXAT unix-time-milliseconds:unix-time|KEEPTTL]",
        "Stores a string at a key, optionally only if it is missing or present, with an expiry.")
        .history(&[
            ("2.6.12", "Gained EX, PX, NX and XX."),
            ("6.0.0", "Gained KEEPTTL."),
            ("6.2.0", "Gained GET, EXAT and PXAT."),
            ("7.0.0", "NX and GET may be used together."),
        ]),
    doc("setbit", Bitmap, "2.2.0", O1, "key:key offset:integer value:integer",
        "Sets or clears the bit at an offset of a string, growing it with zero bytes, and \
         returns the bit it replaced."),
    doc("setex", Str, "2.0.0", O1, "key:key seconds:integer value",
        "Stores a string that expires after a number of seconds."),
    doc("setnx", Str, "1.0.0", O1, "key:key value",
        "Stores a string only when the key does not exist yet."),
    doc("setrange", Str, "2.2.0",
        "O(1) plus the time to copy the value in; O(M) for a value of M bytes",
        "key:key offset:integer value",
        "Overwrites part of a string from a byte offset, padding with zero bytes as needed."),
    doc("shutdown", Server, "1.0.0", O1, "[save-selector=(NOSAVE|SAVE)] [NOW] [FORCE] [ABORT]",
        "Stops this node as SIGTERM does, a leader handing over its leadership first; the data \
         is already durable, so the options change nothing, and the caller gets no reply.")
        .history(&[("7.0.0", "Gained NOW, FORCE and ABORT.")]),
    doc("sinter", Set, "1.0.0", SET_COMBINE, "key:key...",
        "Returns the members that all the given sets share; a missing key counts as an empty \
         set and so empties the result."),
    doc("sintercard", Set, "7.0.0", SET_COMBINE,
        "numkeys:integer key:key... [LIMIT limit:integer]",
        "Counts the members that the numkeys given sets share, answering at most LIMIT when \
         one above 0 is given, though raft-kv works out the whole intersection first."),
    doc("sinterstore", Set, "1.0.0", SET_COMBINE, "destination:key key:key...",
        "Stores at the destination the members that all the given sets share, replacing \
         whatever it held (deleting it for an empty result), and answers how many there are."),
    doc("sismember", Set, "1.0.0", SET_MEMBER_READ, "key:key member",
        "Tells whether a value belongs to a set: 1 when it does, 0 when it or the key is \
         missing."),
    doc("slowlog", Server, "2.2.12", "Depends on subcommand.", "",
        "Reads or empties this node's log of commands that took long to execute."),
    doc("slowlog|get", Server, "2.2.12", "O(N) where N is the number of entries returned",
        "[count:integer]",
        "Returns the newest entries of this node's slow log, 10 unless a count is given (-1 \
         for all): id, Unix time, execution time in microseconds, arguments, client address \
         and client name.")
        .history(&[("4.0.0", "Added client address and name to the entries.")]),
    doc("slowlog|help", Server, "6.2.0", O1, "", "Describes the SLOWLOG subcommands."),
    doc("slowlog|len", Server, "2.2.12", O1, "",
        "Returns how many entries this node's slow log holds."),
    doc("slowlog|reset", Server, "2.2.12", "O(N) where N is the number of entries in the slowlog",
        "", "Empties this node's slow log."),
    doc("smembers", Set, "1.0.0", SET_SIZE, "key:key",
        "Returns every member of a set, in ascending order when all are integers, otherwise, \
         where Redis promises no order, in the order raft-kv added them, or past 512 members \
         in its hash order."),
    doc("smismember", Set, "6.2.0", SET_MEMBER_READ, "key:key member...",
        "Tells for each of several values whether it belongs to a set, answering 1 or 0 for \
         each in the order asked."),
    doc("smove", Set, "1.0.0", SET_MOVE, "source:key destination:key member",
        "Moves a member from one set to another, creating the destination when needed, and \
         answers 1, or 0 when the source or the member is missing."),
    doc("sort", Generic, "1.0.0", SORT_COST,
        "key:key [BY pattern:pattern] [LIMIT offset:integer count:integer] \
         [GET pattern:pattern]... order=[ASC|DESC] sorting=[ALPHA] [STORE destination:key]",
        "Orders the elements of a list, set or sorted set as numbers, or as strings with \
         ALPHA, or by the values a BY pattern names, optionally paged with LIMIT and replaced \
         by the values GET patterns name; with STORE the result becomes a list at the \
         destination and the reply is its length."),
    doc("sort_ro", Generic, "7.0.0", SORT_COST,
        "key:key [BY pattern:pattern] [LIMIT offset:integer count:integer] \
         [GET pattern:pattern]... order=[ASC|DESC] sorting=[ALPHA]",
        "Answers what SORT with the same arguments would, but refuses STORE, so it never \
         writes."),
    doc("spop", Set, "1.0.0", SET_POP, "key:key [count:integer]",
        "Removes and returns a member of a set picked at random, or an array of up to a count \
         of distinct ones; taking the last member removes the key.")
        .history(&[("3.2.0", "Gained the count argument.")]),
    doc("spublish", PubSub, "7.0.0", "O(N) where N is the number of the shard channel's \
         subscribers on the node",
        "shardchannel:key message",
        "Publishes a message through the log to the shard channel's subscribers on every \
         node; raft-kv is one shard, so shard channels differ from channels only in name \
         space."),
    doc("srandmember", Set, "1.0.0", SET_RANDOM, "key:key [count:integer]",
        "Returns a member of a set picked at random without removing it, or a count of them \
         (distinct when the count is positive, possibly repeated when negative).")
        .history(&[("2.6.0", "Gained the count argument.")]),
    doc("srem", Set, "1.0.0", SET_ADD_REMOVE, "key:key member...",
        "Removes members from a set and answers how many of them were there; removing the last \
         member removes the key.")
        .history(&[("2.4.0", "Takes several members.")]),
    doc("sscan", Set, "2.8.0", SET_SCAN,
        "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
        "Returns the members of a set, optionally those matching a pattern, a few at a time \
         from the cursor of the last call; as Redis does for a small set, raft-kv returns one \
         of up to 512 members whole in one call, with cursor 0."),
    doc("ssubscribe", PubSub, "7.0.0", "O(N) where N is the number of shard channels",
        "shardchannel:key...",
        "Receives the messages SPUBLISH sends, through any node, to the shard channels."),
    doc("strlen", Str, "2.2.0", O1, "key:key",
        "Returns the length in bytes of the string stored at a key, 0 when it is missing."),
    doc("subscribe", PubSub, "2.0.0", "O(N) where N is the number of channels",
        "channel...",
        "Receives the messages published, through any node, on the channels."),
    doc("substr", Str, "1.0.0", "O(N) where N is the length of the returned string",
        "key:key start:integer end:integer",
        "The old name of GETRANGE: returns the bytes of a string between two offsets.")
        .deprecated("2.0.0", "`GETRANGE`"),
    doc("sunion", Set, "1.0.0", SET_COMBINE, "key:key...",
        "Returns the members found in any of the given sets; a missing key counts as an empty \
         set."),
    doc("sunionstore", Set, "1.0.0", SET_COMBINE, "destination:key key:key...",
        "Stores at the destination the members found in any of the given sets, replacing \
         whatever it held (deleting it for an empty result), and answers how many there are."),
    doc("sunsubscribe", PubSub, "7.0.0", "O(N) where N is the number of shard channels",
        "[shardchannel:key...]",
        "Stops receiving messages for the shard channels given, or for every shard channel."),
    doc("time", Server, "2.6.0", O1, "",
        "Returns this node's clock as Unix seconds and microseconds."),
    doc("touch", Generic, "3.2.1", "O(N) where N is the number of keys that will be touched",
        "key:key...",
        "Counts how many of the given keys exist; raft-kv keeps no access times to update."),
    doc("ttl", Generic, "1.0.0", O1, "key:key",
        "Tells how many seconds a key has left; -1 without expiry, -2 without the key.")
        .history(TTL_HISTORY),
    doc("type", Generic, "1.0.0", O1, "key:key",
        "Names the type of the value at a key: string, hash, list, set or zset, or none when it \
         is missing."),
    doc("unlink", Generic, "4.0.0", "O(1) per key", "key:key...",
        "Removes keys like DEL and answers how many existed."),
    doc("unsubscribe", PubSub, "2.0.0", "O(N) where N is the number of channels",
        "[channel...]",
        "Stops receiving messages for the channels given, or for every channel."),
    doc("unwatch", Transactions, "2.2.0", O1, "",
        "Forgets every key this connection watches."),
    doc("wait", Generic, "3.0.0", O1, "numreplicas:integer timeout:integer",
        "Waits until that many nodes besides the leader hold every write acknowledged so far, \
         or for the timeout in ms (0: no limit); answers how many do."),
    doc("waitaof", Generic, "7.2.0", O1,
        "numlocal:integer numreplicas:integer timeout:integer",
        "Waits until the client's writes are in the fsync'd log of this node (numlocal 1) and \
         of numreplicas members other than the leader, or until the timeout in ms passes; \
         answers both counts."),
    doc("watch", Transactions, "2.2.0", "O(1) per key", "key:key...",
        "Marks keys so that the next EXEC fails if any of them changes first."),
    doc("xack", Xs, "5.0.0", "O(log N) for each ID, where N is the number of pending entries",
        "key:key group id...",
        "Acknowledges entries a consumer of the group has processed, removing them from its \
         pending entries, and answers how many were pending."),
    doc("xadd", Xs, "5.0.0", "O(log N) where N is the number of entries, plus the entries trimmed",
        "key:key [NOMKSTREAM] trim=[strategy=(MAXLEN|MINID) [operator] threshold \
         [LIMIT count:integer]] id_selector=(auto_id|id) data=(field value)...",
        "Appends an entry to a stream under a new ID (* for one made of the leader's clock, or \
         ms-* for a sequence of its own), creating the key unless NOMKSTREAM, trimming it \
         afterwards as MAXLEN or MINID say (~ removes only whole nodes of 100 entries, as \
         Redis does), and answers the ID.")
        .history(&[
            ("6.2.0", "Gained NOMKSTREAM, MINID and LIMIT."),
            ("7.0.0", "Takes an ID of the form ms-*."),
        ]),
    doc("xautoclaim", Xs, "6.2.0", "O(log N + C) where C is COUNT",
        "key:key group consumer min-idle-time:integer start [COUNT count:integer] [JUSTID]",
        "Moves to a consumer the group's pending entries idle for at least min-idle-time \
         milliseconds, from start on, and answers the cursor to go on from, the entries \
         claimed and the IDs of pending entries no longer in the stream (which it forgets).")
        .history(&[("7.0.0", "Answers the deleted IDs as a third element.")]),
    doc("xclaim", Xs, "5.0.0", "O(log N) for each ID",
        "key:key group consumer min-idle-time:integer id... [IDLE ms:integer] \
         [TIME unix-time-milliseconds:unix-time] [RETRYCOUNT count:integer] [FORCE] [JUSTID] \
         [LASTID lastid]",
        "Takes pending entries of a group over for a consumer when they have been idle for at \
         least min-idle-time milliseconds, and answers them (or only their IDs with JUSTID)."),
    doc("xdel", Xs, "5.0.0", "O(log N) for each ID",
        "key:key id...",
        "Removes entries from a stream and answers how many existed."),
    doc("xgroup", Xs, "5.0.0", "O(1) for each subcommand, but DELCONSUMER, which is O(M) \
         for the M entries pending for the consumer",
        "(CREATE key:key group id_selector=(id|new_id) [MKSTREAM] \
         [ENTRIESREAD entries-read:integer]|SETID key:key group id_selector=(id|new_id) \
         [ENTRIESREAD entries-read:integer]|DESTROY key:key group|\
         CREATECONSUMER key:key group consumer|DELCONSUMER key:key group consumer|HELP)",
        "Manages the consumer groups of a stream: creates one (from an ID, or $ for the last \
         one), moves its last delivered ID, destroys it, and creates or deletes its \
         consumers."),
    doc("xinfo", Xs, "5.0.0", "O(1) for GROUPS and CONSUMERS per item answered; O(N) for \
         STREAM FULL with N entries, groups and pending entries answered",
        "(STREAM key:key [FULL] [COUNT count:integer]|GROUPS key:key|\
         CONSUMERS key:key group|HELP)",
        "Describes a stream, its groups or a group's consumers. STREAM's radix-tree-nodes is \
         an estimate: raft-kv does not keep Redis's radix tree."),
    doc("xlen", Xs, "5.0.0", O1, "key:key",
        "Returns how many entries a stream holds, 0 when the key is missing."),
    doc("xpending", Xs, "5.0.0", "O(log N + M) where M is the number of entries answered",
        "key:key group [filters=[IDLE min-idle-time:integer] start end count:integer \
         [consumer]]",
        "Summarizes a group's pending entries (count, smallest and largest ID, count per \
         consumer), or lists them in a range of IDs with their consumer, idle time and \
         number of deliveries.")
        .history(&[("6.2.0", "Gained IDLE and exclusive ranges.")]),
    doc("xrange", Xs, "5.0.0", STREAM_RANGE,
        "key:key start end [COUNT count:integer]",
        "Returns the entries of a stream between two IDs (- and + for either end, ( before an \
         ID to leave it out), oldest first, at most COUNT of them.")
        .history(&[("6.2.0", "Takes exclusive ranges.")]),
    doc("xread", Xs, "5.0.0", STREAM_RANGE,
        "[COUNT count:integer] [BLOCK milliseconds:integer] STREAMS key:key... id...",
        "Returns, for each stream, the entries after the ID given ($ for those added from \
         now on); with BLOCK it waits up to that many milliseconds (0 for ever) for one, on \
         any node, as a push applied there wakes it."),
    doc("xreadgroup", Xs, "5.0.0", STREAM_RANGE,
        "GROUP group consumer [COUNT count:integer] [BLOCK milliseconds:integer] [NOACK] \
         STREAMS key:key... id...",
        "Reads as a consumer of a group: > delivers entries the group has not seen yet and \
         makes them pending for the consumer (unless NOACK), another ID re-reads the \
         consumer's own pending entries after it; with BLOCK it waits for new entries."),
    doc("xrevrange", Xs, "5.0.0", STREAM_RANGE,
        "key:key end start [COUNT count:integer]",
        "Returns the entries of a stream between two IDs, newest first.")
        .history(&[("6.2.0", "Takes exclusive ranges.")]),
    doc("xsetid", Xs, "5.0.0", O1,
        "key:key last-id [ENTRIESADDED entries-added:integer] \
         [MAXDELETEDID max-deleted-id]",
        "Sets the last ID of a stream (and the count of entries ever added, and the largest \
         deleted ID), which the next automatic ID must exceed.")
        .history(&[("7.0.0", "Gained ENTRIESADDED and MAXDELETEDID.")]),
    doc("xtrim", Xs, "5.0.0", "O(N) where N is the number of entries removed",
        "key:key trim=(strategy=(MAXLEN|MINID) [operator] threshold [LIMIT count:integer])",
        "Removes the oldest entries of a stream until at most MAXLEN are left, or every entry \
         below MINID is gone, and answers how many went.")
        .history(&[("6.2.0", "Gained MINID and LIMIT.")]),
    doc("zadd", ZSet, "1.2.0", ZSET_ADD_REMOVE,
        "key:key condition=[NX|XX] comparison=[GT|LT] change=[CH] increment=[INCR] \
         (score:double member)...",
        "Adds members with scores to a sorted set or updates their scores, creating the key \
         when it is missing; answers how many were added (or changed, with CH), or with INCR \
         the new score of its one member.")
        .history(&[
            ("2.4.0", "Takes several members."),
            ("3.0.2", "Gained XX, NX, CH and INCR."),
            ("6.2.0", "Gained GT and LT."),
        ]),
    doc("zcard", ZSet, "1.2.0", ZSET_CARD, "key:key",
        "Returns how many members a sorted set has, 0 when the key is missing."),
    doc("zcount", ZSet, "2.0.0", ZSET_COUNT, "key:key min:double max:double",
        "Counts the members whose scores lie between two bounds, each inclusive unless it \
         starts with \"(\"."),
    doc("zdiff", ZSet, "6.2.0", ZSET_COMBINE, "numkeys:integer key:key... [WITHSCORES]",
        "Returns the members of the first of the numkeys sorted sets that are in none of the \
         others, lowest score first, optionally followed by their scores in the first set; a \
         missing key counts as empty."),
    doc("zdiffstore", ZSet, "6.2.0", ZSET_COMBINE, "destination:key numkeys:integer key:key...",
        "Stores at the destination the members of the first of the numkeys sorted sets that \
         are in none of the others, with their scores, replacing whatever it held (deleting it \
         for an empty result), and answers how many there are."),
    doc("zincrby", ZSet, "1.2.0", ZSET_ADD_REMOVE, "key:key increment:integer member",
        "Adds a number to a member's score, creating the member (from 0) or the key when \
         missing, and answers the new score."),
    doc("zinter", ZSet, "6.2.0", ZSET_COMBINE,
        "numkeys:integer key:key... [WEIGHTS weight:integer...] \
         [AGGREGATE aggregate=(SUM|MIN|MAX)] [WITHSCORES]",
        "Returns the members found in all of the numkeys sorted sets (a set counts as one \
         whose scores are all 1), each scored by the sum of its scores times the WEIGHTS, or \
         their lowest or highest with AGGREGATE, ordered by that score and optionally \
         followed by it."),
    doc("zintercard", ZSet, "7.0.0", ZSET_COMBINE,
        "numkeys:integer key:key... [LIMIT limit:integer]",
        "Counts the members found in all of the numkeys sorted sets (or sets), answering at \
         most LIMIT when one above 0 is given."),
    doc("zinterstore", ZSet, "2.0.0", ZSET_COMBINE,
        "destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] \
         [AGGREGATE aggregate=(SUM|MIN|MAX)]",
        "Stores at the destination the members found in all of the numkeys sorted sets (or \
         sets), scored as ZINTER scores them, replacing whatever it held (deleting it for an \
         empty result), and answers how many there are."),
    doc("zlexcount", ZSet, "2.8.9", ZSET_LEX, "key:key min max",
        "Counts the members between two member bounds, for a sorted set whose scores are all \
         equal."),
    doc("zmpop", ZSet, "7.0.0", ZSET_MULTI_POP,
        "numkeys:integer key:key... where=(MIN|MAX) [COUNT count:integer]",
        "Takes up to COUNT members (1 by default) with the lowest or highest scores from the \
         first non-empty sorted set among the numkeys keys and answers the key with an array \
         of member and score pairs; nil when every set is empty, and a set that gives up its \
         last member is removed."),
    doc("zmscore", ZSet, "6.2.0", ZSET_SCORE, "key:key member...",
        "Returns the scores of several members in the order asked, nil for each one missing."),
    doc("zpopmax", ZSet, "5.0.0", ZSET_POP, "key:key [count:integer]",
        "Removes and returns the member with the highest score, or a count of them from the \
         top down, each followed by its score; taking the last member removes the key."),
    doc("zpopmin", ZSet, "5.0.0", ZSET_POP, "key:key [count:integer]",
        "Removes and returns the member with the lowest score, or a count of them from the \
         bottom up, each followed by its score; taking the last member removes the key."),
    doc("zrandmember", ZSet, "6.2.0",
        "O(M) where M is the number of members returned (or left out, when that is fewer), on a \
         sorted set of more than 128 members, which raft-kv indexes; O(N+M) on a smaller one, \
         where N is its size",
        "key:key options=[count:integer [WITHSCORES]]",
        "Returns a member of a sorted set picked at random without removing it, or a count of \
         them (distinct when the count is positive, possibly repeated when negative), \
         optionally with their scores."),
    doc("zrange", ZSet, "1.2.0", ZSET_RANGE,
        "key:key start stop sortby=[BYSCORE|BYLEX] [REV] [LIMIT offset:integer count:integer] \
         [WITHSCORES]",
        "Returns the members of a sorted set between two ranks, or two scores with BYSCORE, or \
         two member bounds with BYLEX, lowest first or with REV highest first, optionally \
         paged with LIMIT and followed by their scores.")
        .history(&[("6.2.0", "Gained REV, BYSCORE, BYLEX and LIMIT.")]),
    doc("zrangebylex", ZSet, "2.8.9", ZSET_LEX,
        "key:key min max [LIMIT offset:integer count:integer]",
        "Returns the members between two member bounds, in ascending order, for a sorted set \
         whose scores are all equal.")
        .deprecated("6.2.0", ZRANGE_BY_LEX),
    doc("zrangebyscore", ZSet, "1.0.5", ZSET_SCORE_RANGE,
        "key:key min:double max:double [WITHSCORES] [LIMIT offset:integer count:integer]",
        "Returns the members whose scores lie between two bounds, lowest first, optionally \
         paged and followed by their scores.")
        .deprecated("6.2.0", ZRANGE_BY_SCORE)
        .history(&[("2.0.0", "Gained WITHSCORES.")]),
    doc("zrangestore", ZSet, "6.2.0", ZSET_RANGE_STORE,
        "dst:key src:key min max sortby=[BYSCORE|BYLEX] [REV] [LIMIT offset:integer count:integer]",
        "Stores at the destination, with their scores, the members of a sorted set that ZRANGE \
         with the same arguments would return, replacing whatever it held (deleting it for an \
         empty range), and answers how many there are."),
    doc("zrank", ZSet, "2.0.0", ZSET_RANK, "key:key member",
        "Returns a member's position counting from 0 at the lowest score, or nil when it or \
         the key is missing."),
    doc("zrem", ZSet, "1.2.0", ZSET_ADD_REMOVE, "key:key member...",
        "Removes members from a sorted set and answers how many of them were there; removing \
         the last member removes the key.")
        .history(&[("2.4.0", "Takes several members.")]),
    doc("zremrangebylex", ZSet, "2.8.9", ZSET_REMOVE_LEX, "key:key min max",
        "Removes the members between two member bounds and answers how many went; meant for a \
         sorted set whose scores are all equal."),
    doc("zremrangebyrank", ZSet, "2.0.0", ZSET_REMOVE_RANK, "key:key start:integer stop:integer",
        "Removes the members between two ranks, negative ones counting from the highest \
         score, and answers how many went."),
    doc("zremrangebyscore", ZSet, "1.2.0", ZSET_REMOVE_SCORE, "key:key min:double max:double",
        "Removes the members whose scores lie between two bounds and answers how many went."),
    doc("zrevrange", ZSet, "1.2.0", ZSET_RANK_RANGE,
        "key:key start:integer stop:integer [WITHSCORES]",
        "Returns the members between two ranks counted from the highest score, optionally \
         followed by their scores.")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` argument"),
    doc("zrevrangebylex", ZSet, "2.8.9", ZSET_LEX,
        "key:key max min [LIMIT offset:integer count:integer]",
        "Returns the members between two member bounds, the higher bound first, in descending \
         order, for a sorted set whose scores are all equal.")
        .deprecated("6.2.0", ZREVRANGE_BY_LEX),
    doc("zrevrangebyscore", ZSet, "2.2.0", ZSET_SCORE_RANGE,
        "key:key max:double min:double [WITHSCORES] [LIMIT offset:integer count:integer]",
        "Returns the members whose scores lie between two bounds, the higher bound first, \
         highest score first, optionally paged and followed by their scores.")
        .deprecated("6.2.0", ZREVRANGE_BY_SCORE)
        .history(&[("2.1.6", "The bounds may be exclusive.")]),
    doc("zrevrank", ZSet, "2.0.0", ZSET_RANK, "key:key member",
        "Returns a member's position counting from 0 at the highest score, or nil when it or \
         the key is missing."),
    doc("zscan", ZSet, "2.8.0", ZSET_SCAN,
        "key:key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
        "Returns the members of a sorted set, each followed by its score, optionally those \
         matching a pattern, a few at a time from the cursor of the last call; as Redis does \
         for a small one, raft-kv returns one of up to 128 members whole in one call, with \
         cursor 0."),
    doc("zscore", ZSet, "1.2.0", ZSET_SCORE, "key:key member",
        "Returns a member's score, or nil when it or the key is missing."),
    doc("zunion", ZSet, "6.2.0", ZSET_COMBINE,
        "numkeys:integer key:key... [WEIGHTS weight:integer...] \
         [AGGREGATE aggregate=(SUM|MIN|MAX)] [WITHSCORES]",
        "Returns the members found in any of the numkeys sorted sets (a set counts as one \
         whose scores are all 1), each scored by the sum of its scores times the WEIGHTS, or \
         their lowest or highest with AGGREGATE, ordered by that score and optionally \
         followed by it; a missing key counts as empty."),
    doc("zunionstore", ZSet, "2.0.0", ZSET_COMBINE,
        "destination:key numkeys:integer key:key... [WEIGHTS weight:integer...] \
         [AGGREGATE aggregate=(SUM|MIN|MAX)]",
        "Stores at the destination the members found in any of the numkeys sorted sets (or \
         sets), scored as ZUNION scores them, replacing whatever it held (deleting it for an \
         empty result), and answers how many there are."),
];

/// Finds the documentation of `name` (lowercase, `container|sub` for a subcommand).
pub fn find(name: &str) -> Option<&'static Doc> {
    DOCS.binary_search_by(|d| d.name.cmp(name))
        .ok()
        .map(|i| &DOCS[i])
}

/// The `COMMAND DOCS` map for `name`, with `subcommands` (full `container|sub` names) nested
/// under `subcommands` when there are any.
///
/// A command without an entry still gets the four required fields, so that every command
/// `COMMAND` lists also appears here; the tests make sure that never happens.
pub fn reply(name: &str, subcommands: &[&str]) -> Out {
    let Some(doc) = find(name) else {
        return fields(vec![
            ("summary", Out::bulk("")),
            ("since", Out::bulk("")),
            ("group", Out::bulk(Group::Generic.as_str())),
            ("complexity", Out::bulk("")),
        ]);
    };
    let mut out = vec![
        ("summary", Out::bulk(doc.summary)),
        ("since", Out::bulk(doc.since)),
        ("group", Out::bulk(doc.group.as_str())),
    ];
    // Redis leaves it out for the few commands its docs give none (MONITOR).
    if !doc.complexity.is_empty() {
        out.push(("complexity", Out::bulk(doc.complexity)));
    }
    if !doc.doc_flags.is_empty() {
        let flags = doc.doc_flags.iter().map(|f| Out::Simple((*f).into()));
        out.push(("doc_flags", Out::Array(flags.collect())));
    }
    if let Some((since, by)) = doc.deprecated {
        out.push(("deprecated_since", Out::bulk(since)));
        out.push(("replaced_by", Out::bulk(by)));
    }
    if !doc.history.is_empty() {
        let entries = doc
            .history
            .iter()
            .map(|(version, change)| Out::Array(vec![Out::bulk(*version), Out::bulk(*change)]));
        out.push(("history", Out::Array(entries.collect())));
    }
    let args = match parse(doc.syntax) {
        Ok(args) => args,
        Err(error) => {
            // The unit tests parse every entry, so this is a bug in the table.
            warn!(command = name, %error, "bad argument syntax in the docs table");
            Vec::new()
        }
    };
    if !args.is_empty() {
        out.push((
            "arguments",
            Out::Array(args.iter().map(arg_reply).collect()),
        ));
    }
    if !subcommands.is_empty() {
        let subs = subcommands
            .iter()
            .map(|sub| (Out::bulk(*sub), reply(sub, &[])));
        out.push(("subcommands", Out::Map(subs.collect())));
    }
    fields(out)
}

fn fields(pairs: Vec<(&'static str, Out)>) -> Out {
    Out::Map(
        pairs
            .into_iter()
            .map(|(k, v)| (Out::Bulk(Bytes::from_static(k.as_bytes())), v))
            .collect(),
    )
}

/// The type of one argument, as `COMMAND DOCS` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgType {
    /// Any string.
    String,
    /// A 64-bit integer.
    Integer,
    /// A floating-point number.
    Double,
    /// A key name.
    Key,
    /// A glob pattern.
    Pattern,
    /// A Unix time.
    UnixTime,
    /// A keyword that stands for itself (`NX`).
    PureToken,
    /// Exactly one of the nested arguments.
    OneOf,
    /// All of the nested arguments, in order.
    Block,
}

impl ArgType {
    /// The type's name in replies and in the notation.
    pub fn as_str(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Integer => "integer",
            ArgType::Double => "double",
            ArgType::Key => "key",
            ArgType::Pattern => "pattern",
            ArgType::UnixTime => "unix-time",
            ArgType::PureToken => "pure-token",
            ArgType::OneOf => "oneof",
            ArgType::Block => "block",
        }
    }

    /// The value type named `name` in the notation (not a token or a group).
    fn value(name: &str) -> Option<ArgType> {
        [
            ArgType::String,
            ArgType::Integer,
            ArgType::Double,
            ArgType::Key,
            ArgType::Pattern,
            ArgType::UnixTime,
        ]
        .into_iter()
        .find(|t| t.as_str() == name)
    }
}

/// One argument of a command, parsed from the notation.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// The argument's name (a token's name is the token in lowercase).
    pub name: String,
    /// Its type.
    pub kind: ArgType,
    /// The keyword that precedes it, if any (`EX` for `EX seconds`).
    pub token: Option<String>,
    /// For a key: its position among the command's key arguments, from 0.
    pub key_spec_index: Option<i64>,
    /// It may be left out.
    pub optional: bool,
    /// It may be repeated.
    pub multiple: bool,
    /// Each repetition repeats the token too.
    pub multiple_token: bool,
    /// The nested arguments of a `oneof` or `block`; empty otherwise.
    pub args: Vec<Arg>,
}

impl Arg {
    fn new(name: String, kind: ArgType) -> Arg {
        Arg {
            name,
            kind,
            token: None,
            key_spec_index: None,
            optional: false,
            multiple: false,
            multiple_token: false,
            args: Vec::new(),
        }
    }

    /// A group of `args` named `label`, or after its members.
    fn group(label: Option<String>, kind: ArgType, args: Vec<Arg>) -> Arg {
        let name = label.unwrap_or_else(|| {
            let names: Vec<&str> = args.iter().map(|a| a.name.as_str()).collect();
            names.join("_")
        });
        Arg {
            args,
            ..Arg::new(name, kind)
        }
    }
}

/// One argument as a `COMMAND DOCS` map, fields in Redis's order.
fn arg_reply(arg: &Arg) -> Out {
    let mut out = vec![
        ("name", Out::bulk(arg.name.clone())),
        ("type", Out::bulk(arg.kind.as_str())),
    ];
    if !matches!(
        arg.kind,
        ArgType::PureToken | ArgType::OneOf | ArgType::Block
    ) {
        out.push(("display_text", Out::bulk(arg.name.clone())));
    }
    if let Some(index) = arg.key_spec_index {
        out.push(("key_spec_index", Out::Integer(index)));
    }
    if let Some(token) = &arg.token {
        out.push(("token", Out::bulk(token.clone())));
    }
    let flags: Vec<Out> = [
        (arg.optional, "optional"),
        (arg.multiple, "multiple"),
        (arg.multiple_token, "multiple_token"),
    ]
    .into_iter()
    .filter(|(set, _)| *set)
    .map(|(_, flag)| Out::Simple(flag.into()))
    .collect();
    if !flags.is_empty() {
        out.push(("flags", Out::Array(flags)));
    }
    if !arg.args.is_empty() {
        out.push((
            "arguments",
            Out::Array(arg.args.iter().map(arg_reply).collect()),
        ));
    }
    fields(out)
}

/// Parses `syntax` (see the module docs) into arguments, numbering the keys in order.
///
/// # Errors
/// A description of the first problem: an unknown type, an unbalanced bracket, an empty
/// group or alternative, or `|` outside a group.
pub fn parse(syntax: &str) -> Result<Vec<Arg>, String> {
    let mut parser = Parser {
        text: syntax.as_bytes(),
        pos: 0,
    };
    let mut alternatives = parser.alternatives()?;
    if parser.pos < parser.text.len() {
        return Err(format!("unexpected '{}'", parser.text[parser.pos] as char));
    }
    if alternatives.len() != 1 {
        return Err("'|' outside a group".into());
    }
    let mut args = sequence(alternatives.remove(0))?;
    let mut next_key = 0;
    number_keys(&mut args, &mut next_key);
    Ok(args)
}

fn number_keys(args: &mut [Arg], next: &mut i64) {
    for arg in args {
        if arg.kind == ArgType::Key {
            arg.key_spec_index = Some(*next);
            *next += 1;
        }
        number_keys(&mut arg.args, next);
    }
}

/// One element of the notation before it becomes an argument.
#[derive(Debug)]
enum Unit {
    /// An UPPERCASE keyword.
    Token(String),
    /// `name` or `name:type`.
    Value(String, ArgType),
    /// `[...]` or `(...)`, with its alternatives.
    Group {
        label: Option<String>,
        optional: bool,
        alternatives: Vec<Vec<Element>>,
    },
}

/// A unit and whether `...` follows it.
#[derive(Debug)]
struct Element {
    unit: Unit,
    multiple: bool,
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<u8> {
        while self.text.get(self.pos).is_some_and(u8::is_ascii_whitespace) {
            self.pos += 1;
        }
        self.text.get(self.pos).copied()
    }

    /// Reads `|`-separated sequences up to a closing bracket or the end.
    fn alternatives(&mut self) -> Result<Vec<Vec<Element>>, String> {
        let mut alternatives = vec![Vec::new()];
        loop {
            match self.peek() {
                None | Some(b']' | b')') => break,
                Some(b'|') => {
                    self.pos += 1;
                    alternatives.push(Vec::new());
                }
                Some(_) => {
                    let element = self.element()?;
                    alternatives
                        .last_mut()
                        .expect("alternatives starts non-empty")
                        .push(element);
                }
            }
        }
        Ok(alternatives)
    }

    fn word(&mut self) -> String {
        let start = self.pos;
        while self
            .text
            .get(self.pos)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':'))
        {
            self.pos += 1;
        }
        String::from_utf8_lossy(&self.text[start..self.pos]).into_owned()
    }

    fn element(&mut self) -> Result<Element, String> {
        let mut label = None;
        let mut open = self.peek();
        if !matches!(open, Some(b'[' | b'(')) {
            let word = self.word();
            if word.is_empty() {
                return Err(format!("unexpected '{}'", self.text[self.pos] as char));
            }
            if self.text.get(self.pos) != Some(&b'=') {
                let unit = word_unit(&word)?;
                return Ok(Element {
                    unit,
                    multiple: self.ellipsis(),
                });
            }
            self.pos += 1;
            label = Some(word);
            open = self.peek();
        }
        let close = match open {
            Some(b'[') => b']',
            Some(b'(') => b')',
            _ => return Err("a label must be followed by a group".into()),
        };
        self.pos += 1;
        let alternatives = self.alternatives()?;
        if self.peek() != Some(close) {
            return Err(format!("missing '{}'", close as char));
        }
        self.pos += 1;
        Ok(Element {
            unit: Unit::Group {
                label,
                optional: close == b']',
                alternatives,
            },
            multiple: self.ellipsis(),
        })
    }

    fn ellipsis(&mut self) -> bool {
        let found = self.text[self.pos..].starts_with(b"...");
        if found {
            self.pos += 3;
        }
        found
    }
}

fn word_unit(word: &str) -> Result<Unit, String> {
    if word.bytes().any(|c| c.is_ascii_uppercase()) {
        if word.bytes().any(|c| c.is_ascii_lowercase() || c == b':') {
            return Err(format!("mixed-case word '{word}'"));
        }
        return Ok(Unit::Token(word.to_string()));
    }
    let (name, kind) = match word.split_once(':') {
        Some((name, kind)) => (
            name,
            ArgType::value(kind).ok_or_else(|| format!("unknown type '{kind}'"))?,
        ),
        None => (word, ArgType::String),
    };
    if name.is_empty() {
        return Err(format!("no name in '{word}'"));
    }
    Ok(Unit::Value(name.to_string(), kind))
}

/// Turns a sequence into arguments: a token binds to the argument after it.
fn sequence(elements: Vec<Element>) -> Result<Vec<Arg>, String> {
    let mut args = Vec::new();
    let mut pending: Option<String> = None;
    for element in elements {
        if let Unit::Token(token) = &element.unit
            && !element.multiple
        {
            if let Some(previous) = pending.replace(token.clone()) {
                args.push(pure_token(previous));
            }
            continue;
        }
        let mut arg = element_arg(element)?;
        if let Some(token) = pending.take() {
            if arg.token.is_some() {
                return Err(format!("two tokens before '{}'", arg.name));
            }
            arg.token = Some(token);
        }
        args.push(arg);
    }
    args.extend(pending.map(pure_token));
    Ok(args)
}

fn pure_token(token: String) -> Arg {
    Arg {
        token: Some(token.clone()),
        ..Arg::new(token.to_ascii_lowercase(), ArgType::PureToken)
    }
}

fn element_arg(element: Element) -> Result<Arg, String> {
    let mut arg = match element.unit {
        Unit::Token(token) => pure_token(token),
        Unit::Value(name, kind) => Arg::new(name, kind),
        Unit::Group {
            label,
            optional,
            alternatives,
        } => {
            let mut arg = if alternatives.len() == 1 {
                let mut arg = alternative(alternatives.into_iter().flatten().collect())?;
                if let Some(label) = label {
                    arg.name = label;
                }
                // `[PREFIX prefix]...` repeats the whole group, token included.
                arg.multiple_token = element.multiple && arg.token.is_some();
                arg
            } else {
                let args = alternatives
                    .into_iter()
                    .map(alternative)
                    .collect::<Result<Vec<_>, _>>()?;
                Arg::group(label, ArgType::OneOf, args)
            };
            arg.optional |= optional;
            arg
        }
    };
    arg.multiple |= element.multiple;
    Ok(arg)
}

/// One alternative of a group as a single argument: itself when it is one argument (with a
/// leading token bound to it), otherwise a block, which carries a leading token itself
/// (`AUTH username password`).
fn alternative(mut elements: Vec<Element>) -> Result<Arg, String> {
    if elements.is_empty() {
        return Err("empty group or alternative".into());
    }
    let mut token = None;
    if elements.len() > 2
        && let Unit::Token(word) = &elements[0].unit
        && !elements[0].multiple
    {
        token = Some(word.clone());
        elements.remove(0);
    }
    let mut args = sequence(elements)?;
    let mut arg = if args.len() == 1 {
        args.remove(0)
    } else {
        Arg::group(None, ArgType::Block, args)
    };
    if token.is_some() {
        if arg.token.is_some() {
            return Err(format!("two tokens before '{}'", arg.name));
        }
        arg.token = token;
    }
    Ok(arg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A compact rendering of an argument tree, for readable assertions.
    fn show(args: &[Arg]) -> String {
        let parts: Vec<String> = args
            .iter()
            .map(|a| {
                let mut s = format!("{}:{}", a.name, a.kind.as_str());
                if let Some(t) = &a.token {
                    s.push_str(&format!(" token={t}"));
                }
                if let Some(k) = a.key_spec_index {
                    s.push_str(&format!(" key={k}"));
                }
                for (set, flag) in [
                    (a.optional, "optional"),
                    (a.multiple, "multiple"),
                    (a.multiple_token, "multiple_token"),
                ] {
                    if set {
                        s.push(' ');
                        s.push_str(flag);
                    }
                }
                if !a.args.is_empty() {
                    s.push_str(&format!(" {{{}}}", show(&a.args)));
                }
                s
            })
            .collect();
        parts.join(", ")
    }

    #[test]
    fn every_entry_parses_and_the_table_is_sorted() {
        for pair in DOCS.windows(2) {
            assert!(pair[0].name < pair[1].name, "{} out of order", pair[1].name);
        }
        for doc in DOCS {
            parse(doc.syntax).unwrap_or_else(|e| panic!("{}: {e}", doc.name));
            assert!(
                !doc.summary.is_empty() && !doc.since.is_empty(),
                "{}",
                doc.name
            );
            assert!(
                !doc.complexity.is_empty() || doc.name == "monitor",
                "{}: only MONITOR has no complexity in Redis's docs",
                doc.name
            );
        }
    }

    #[test]
    fn set_has_redis_argument_tree() {
        let args = parse(find("set").unwrap().syntax).unwrap();
        assert_eq!(
            show(&args),
            "key:key key=0, value:string, \
             condition:oneof optional {nx:pure-token token=NX, xx:pure-token token=XX}, \
             get:pure-token token=GET optional, \
             expiration:oneof optional {seconds:integer token=EX, \
             milliseconds:integer token=PX, unix-time-seconds:unix-time token=EXAT, \
             unix-time-milliseconds:unix-time token=PXAT, keepttl:pure-token token=KEEPTTL}"
        );
    }

    #[test]
    fn blocks_tokens_and_repetition() {
        let hello = parse(find("hello").unwrap().syntax).unwrap();
        assert_eq!(
            show(&hello),
            "arguments:block optional {protover:integer, \
             username_password:block token=AUTH optional {username:string, password:string}, \
             clientname:string token=SETNAME optional}"
        );
        let mset = parse(find("mset").unwrap().syntax).unwrap();
        assert_eq!(
            show(&mset),
            "key_value:block multiple {key:key key=0, value:string}"
        );
        let rename = parse("key:key newkey:key").unwrap();
        assert_eq!(show(&rename), "key:key key=0, newkey:key key=1");
        let list = parse(find("client|list").unwrap().syntax).unwrap();
        assert_eq!(
            show(&list),
            "normal_master_replica_pubsub:oneof token=TYPE optional {\
             normal:pure-token token=NORMAL, master:pure-token token=MASTER, \
             replica:pure-token token=REPLICA, \
             pubsub:pure-token token=PUBSUB}, client-id:integer token=ID optional multiple"
        );
        assert_eq!(
            show(&parse("[PREFIX prefix]... [ID id...] DIGEST").unwrap()),
            "prefix:string token=PREFIX optional multiple multiple_token, \
             id:string token=ID optional multiple, digest:pure-token token=DIGEST"
        );
        assert_eq!(parse("").unwrap(), Vec::new());
    }

    #[test]
    fn hash_entries_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        assert_eq!(
            show_doc("hset"),
            "key:key key=0, field_value:block multiple {field:string, value:string}"
        );
        assert_eq!(
            show_doc("hrandfield"),
            "key:key key=0, options:block optional {count:integer, \
             withvalues:pure-token token=WITHVALUES optional}"
        );
        assert_eq!(
            show_doc("hscan"),
            "key:key key=0, cursor:integer, pattern:pattern token=MATCH optional, \
             count:integer token=COUNT optional, novalues:pure-token token=NOVALUES optional"
        );
        // As Redis 7.4 documents them: the fields in a block after the FIELDS token.
        assert_eq!(
            show_doc("hexpire"),
            "key:key key=0, seconds:integer, condition:oneof optional {nx:pure-token token=NX, \
             xx:pure-token token=XX, gt:pure-token token=GT, lt:pure-token token=LT}, \
             fields:block token=FIELDS {numfields:integer, field:string multiple}"
        );
        assert_eq!(
            show_doc("httl"),
            "key:key key=0, fields:block token=FIELDS {numfields:integer, field:string multiple}"
        );
        let hmset = find("hmset").unwrap();
        assert_eq!(hmset.doc_flags, ["deprecated"]);
        assert_eq!(hmset.group.as_str(), "hash");
    }

    #[test]
    fn list_entries_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        assert_eq!(
            show_doc("lpos"),
            "key:key key=0, element:string, rank:integer token=RANK optional, \
             num-matches:integer token=COUNT optional, len:integer token=MAXLEN optional"
        );
        assert_eq!(
            show_doc("lmove"),
            "source:key key=0, destination:key key=1, \
             wherefrom:oneof {left:pure-token token=LEFT, right:pure-token token=RIGHT}, \
             whereto:oneof {left:pure-token token=LEFT, right:pure-token token=RIGHT}"
        );
        assert_eq!(
            show_doc("linsert"),
            "key:key key=0, where:oneof {before:pure-token token=BEFORE, \
             after:pure-token token=AFTER}, pivot:string, element:string"
        );
        assert_eq!(show_doc("lpop"), "key:key key=0, count:integer optional");
        assert_eq!(show_doc("lpush"), "key:key key=0, element:string multiple");
        let rpoplpush = find("rpoplpush").unwrap();
        assert_eq!(rpoplpush.doc_flags, ["deprecated"]);
        assert_eq!(
            rpoplpush.deprecated,
            Some(("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments"))
        );
        assert_eq!(
            show(&parse(rpoplpush.syntax).unwrap()),
            "source:key key=0, destination:key key=1"
        );
        assert_eq!(rpoplpush.group.as_str(), "list");
    }

    #[test]
    fn blocking_and_multi_key_list_pops_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        let side = "where:oneof {left:pure-token token=LEFT, right:pure-token token=RIGHT}";
        assert_eq!(
            show_doc("lmpop"),
            format!(
                "numkeys:integer, key:key key=0 multiple, {side}, \
                 count:integer token=COUNT optional"
            )
        );
        assert_eq!(
            show_doc("blmpop"),
            format!(
                "timeout:double, numkeys:integer, key:key key=0 multiple, {side}, \
                 count:integer token=COUNT optional"
            )
        );
        assert_eq!(
            show_doc("blmove"),
            "source:key key=0, destination:key key=1, \
             wherefrom:oneof {left:pure-token token=LEFT, right:pure-token token=RIGHT}, \
             whereto:oneof {left:pure-token token=LEFT, right:pure-token token=RIGHT}, \
             timeout:double"
        );
        let brpoplpush = find("brpoplpush").unwrap();
        assert_eq!(
            show(&parse(brpoplpush.syntax).unwrap()),
            "source:key key=0, destination:key key=1, timeout:double"
        );
        assert_eq!(brpoplpush.doc_flags, ["deprecated"]);
        assert_eq!(
            brpoplpush.deprecated,
            Some(("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments"))
        );
        for (name, since, history) in [
            ("lmpop", "7.0.0", &[][..]),
            ("blmpop", "7.0.0", &[][..]),
            ("blmove", "6.2.0", &[][..]),
            ("blpop", "2.0.0", TIMEOUT_HISTORY),
            ("brpop", "2.0.0", TIMEOUT_HISTORY),
            ("brpoplpush", "2.2.0", TIMEOUT_HISTORY),
        ] {
            let doc = find(name).unwrap();
            assert_eq!(
                (doc.since, doc.group.as_str(), doc.history),
                (since, "list", history),
                "{name}"
            );
        }
        for name in ["blpop", "brpop"] {
            assert_eq!(show_doc(name), "key:key key=0 multiple, timeout:double");
        }
        assert_eq!(TIMEOUT_HISTORY[0].0, "6.0.0");
        assert_eq!(
            show_doc("client|unblock"),
            "client-id:integer, timeout_error:oneof optional {\
             timeout:pure-token token=TIMEOUT, error:pure-token token=ERROR}"
        );
    }

    #[test]
    fn set_entries_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        assert_eq!(
            show_doc("sintercard"),
            "numkeys:integer, key:key key=0 multiple, limit:integer token=LIMIT optional"
        );
        assert_eq!(show_doc("spop"), "key:key key=0, count:integer optional");
        assert_eq!(
            show_doc("srandmember"),
            "key:key key=0, count:integer optional"
        );
        assert_eq!(
            show_doc("smove"),
            "source:key key=0, destination:key key=1, member:string"
        );
        assert_eq!(
            show_doc("sscan"),
            "key:key key=0, cursor:integer, pattern:pattern token=MATCH optional, \
             count:integer token=COUNT optional"
        );
        assert_eq!(
            show_doc("sdiffstore"),
            "destination:key key=0, key:key key=1 multiple"
        );
        assert_eq!(
            show_doc("smismember"),
            "key:key key=0, member:string multiple"
        );
        let sintercard = find("sintercard").unwrap();
        assert_eq!(
            (sintercard.since, sintercard.group.as_str()),
            ("7.0.0", "set")
        );
        assert_eq!(
            find("spop").unwrap().history,
            [("3.2.0", "Gained the count argument.")]
        );
    }

    #[test]
    fn sorted_set_entries_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        assert_eq!(
            show_doc("zadd"),
            "key:key key=0, \
             condition:oneof optional {nx:pure-token token=NX, xx:pure-token token=XX}, \
             comparison:oneof optional {gt:pure-token token=GT, lt:pure-token token=LT}, \
             change:pure-token token=CH optional, increment:pure-token token=INCR optional, \
             score_member:block multiple {score:double, member:string}"
        );
        assert_eq!(
            show_doc("zrange"),
            "key:key key=0, start:string, stop:string, \
             sortby:oneof optional {byscore:pure-token token=BYSCORE, \
             bylex:pure-token token=BYLEX}, rev:pure-token token=REV optional, \
             offset_count:block token=LIMIT optional {offset:integer, count:integer}, \
             withscores:pure-token token=WITHSCORES optional"
        );
        assert_eq!(
            show_doc("zrangebyscore"),
            "key:key key=0, min:double, max:double, \
             withscores:pure-token token=WITHSCORES optional, \
             offset_count:block token=LIMIT optional {offset:integer, count:integer}"
        );
        assert_eq!(
            show_doc("zrandmember"),
            "key:key key=0, options:block optional {count:integer, \
             withscores:pure-token token=WITHSCORES optional}"
        );
        assert_eq!(
            show_doc("zscan"),
            "key:key key=0, cursor:integer, pattern:pattern token=MATCH optional, \
             count:integer token=COUNT optional"
        );
        // Redis 7.0 documents ZINCRBY's increment as an integer, though it takes any float.
        assert_eq!(
            show_doc("zincrby"),
            "key:key key=0, increment:integer, member:string"
        );
        let zadd = find("zadd").unwrap();
        assert_eq!((zadd.since, zadd.group.as_str()), ("1.2.0", "sorted-set"));
        let zrevrangebyscore = find("zrevrangebyscore").unwrap();
        assert_eq!(zrevrangebyscore.doc_flags, ["deprecated"]);
        assert_eq!(
            zrevrangebyscore.deprecated,
            Some(("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments"))
        );
        for name in [
            "zrangebyscore",
            "zrevrange",
            "zrangebylex",
            "zrevrangebylex",
        ] {
            assert_eq!(find(name).unwrap().doc_flags, ["deprecated"], "{name}");
        }
        assert!(find("zrange").unwrap().deprecated.is_none());
    }

    #[test]
    fn blocking_and_multi_key_sorted_set_pops_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        let side = "where:oneof {min:pure-token token=MIN, max:pure-token token=MAX}";
        assert_eq!(
            show_doc("zmpop"),
            format!(
                "numkeys:integer, key:key key=0 multiple, {side}, \
                 count:integer token=COUNT optional"
            )
        );
        assert_eq!(
            show_doc("bzmpop"),
            format!(
                "timeout:double, numkeys:integer, key:key key=0 multiple, {side}, \
                 count:integer token=COUNT optional"
            )
        );
        for (name, since, history) in [
            ("zmpop", "7.0.0", &[][..]),
            ("bzmpop", "7.0.0", &[][..]),
            ("bzpopmin", "5.0.0", TIMEOUT_HISTORY),
            ("bzpopmax", "5.0.0", TIMEOUT_HISTORY),
        ] {
            let doc = find(name).unwrap();
            assert_eq!(
                (doc.since, doc.group.as_str(), doc.history),
                (since, "sorted-set", history),
                "{name}"
            );
        }
        for name in ["bzpopmin", "bzpopmax"] {
            assert_eq!(show_doc(name), "key:key key=0 multiple, timeout:double");
        }
    }

    #[test]
    fn sorted_set_algebra_entries_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        // Redis 7.0 documents the weights as integers, though any float is taken.
        let combine = "weight:integer token=WEIGHTS optional multiple, \
             aggregate:oneof token=AGGREGATE optional {sum:pure-token token=SUM, \
             min:pure-token token=MIN, max:pure-token token=MAX}";
        let withscores = "withscores:pure-token token=WITHSCORES optional";
        for name in ["zunion", "zinter"] {
            assert_eq!(
                show_doc(name),
                format!("numkeys:integer, key:key key=0 multiple, {combine}, {withscores}"),
                "{name}"
            );
        }
        for name in ["zunionstore", "zinterstore"] {
            assert_eq!(
                show_doc(name),
                format!(
                    "destination:key key=0, numkeys:integer, key:key key=1 multiple, {combine}"
                ),
                "{name}"
            );
        }
        assert_eq!(
            show_doc("zdiff"),
            format!("numkeys:integer, key:key key=0 multiple, {withscores}")
        );
        assert_eq!(
            show_doc("zdiffstore"),
            "destination:key key=0, numkeys:integer, key:key key=1 multiple"
        );
        assert_eq!(
            show_doc("zintercard"),
            "numkeys:integer, key:key key=0 multiple, limit:integer token=LIMIT optional"
        );
        assert_eq!(
            show_doc("zrangestore"),
            "dst:key key=0, src:key key=1, min:string, max:string, \
             sortby:oneof optional {byscore:pure-token token=BYSCORE, \
             bylex:pure-token token=BYLEX}, rev:pure-token token=REV optional, \
             offset_count:block token=LIMIT optional {offset:integer, count:integer}"
        );
        for (name, since) in [
            ("zunion", "6.2.0"),
            ("zinter", "6.2.0"),
            ("zdiff", "6.2.0"),
            ("zunionstore", "2.0.0"),
            ("zinterstore", "2.0.0"),
            ("zdiffstore", "6.2.0"),
            ("zintercard", "7.0.0"),
            ("zrangestore", "6.2.0"),
        ] {
            let doc = find(name).unwrap();
            assert_eq!(
                (doc.since, doc.group.as_str(), doc.history, doc.doc_flags),
                (since, "sorted-set", &[][..], &[][..]),
                "{name}"
            );
        }
    }

    #[test]
    fn hyperloglog_entries_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        assert_eq!(
            show_doc("pfadd"),
            "key:key key=0, element:string optional multiple"
        );
        assert_eq!(show_doc("pfcount"), "key:key key=0 multiple");
        // Redis 7.0 documents a source as required, though PFMERGE takes none (7.2 marks the
        // argument optional).
        assert_eq!(
            show_doc("pfmerge"),
            "destkey:key key=0, sourcekey:key key=1 multiple"
        );
        for name in ["pfadd", "pfcount", "pfmerge"] {
            let doc = find(name).unwrap();
            assert_eq!(
                (doc.since, doc.group.as_str(), doc.history, doc.doc_flags),
                ("2.8.9", "hyperloglog", &[][..], &[][..]),
                "{name}"
            );
            assert!(doc.complexity.contains("16384 registers"), "{name}");
        }
    }

    #[test]
    fn sort_entries_have_redis_argument_trees() {
        let show_doc = |name: &str| show(&parse(find(name).unwrap().syntax).unwrap());
        // Redis 7.0 also gives the BY and GET patterns key_spec_index 1 (the keys they name)
        // and STORE's destination 2; the notation numbers only `key` arguments, so here the
        // destination is key 1 and the patterns carry no index.
        let reads = "key:key key=0, pattern:pattern token=BY optional, \
             offset_count:block token=LIMIT optional {offset:integer, count:integer}, \
             pattern:pattern token=GET optional multiple multiple_token, \
             order:oneof optional {asc:pure-token token=ASC, desc:pure-token token=DESC}, \
             sorting:pure-token token=ALPHA optional";
        assert_eq!(show_doc("sort_ro"), reads);
        assert_eq!(
            show_doc("sort"),
            format!("{reads}, destination:key token=STORE key=1 optional")
        );
        for (name, since) in [("sort", "1.0.0"), ("sort_ro", "7.0.0")] {
            let doc = find(name).unwrap();
            assert_eq!(
                (doc.since, doc.group.as_str(), doc.history, doc.doc_flags),
                (since, "generic", &[][..], &[][..]),
                "{name}"
            );
            assert_eq!(doc.complexity, SORT_COST, "{name}");
        }
    }

    #[test]
    fn malformed_syntax_is_refused() {
        for bad in [
            "[a",
            "a]",
            "a|b",
            "x:float",
            "[]",
            "(a|)",
            "lbl=a",
            "Key",
            "EX [AUTH a b]",
            ":key",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parsed");
        }
    }
}
