//! Parsing and validation of key-value commands.
//!
//! The same parser runs twice: on the server, before a command is proposed (so an invalid
//! command is answered at once and never reaches the log), and inside `apply`, where the
//! replicated arguments are turned back into a typed [`Command`]. Relative expiry times are
//! kept as [`Expiry::RelativeMs`] by the parser; the server turns them into absolute Unix
//! milliseconds with [`Command::to_absolute`] and re-encodes the command with
//! [`Command::canonical_args`] before proposing it.

use bytes::Bytes;

use super::fieldttl;
use super::longdouble::LongDouble;
pub use super::set::SetOp;
use super::zset::{self, LexBound, ScoreBound};

/// Largest string value, in bytes, like Redis's default `proto-max-bulk-len`.
pub const MAX_STRING_BYTES: usize = 512 * 1024 * 1024;

/// Name of the internal read that HRANDFIELD becomes: `__HRANDFIELD seed key [count
/// [WITHVALUES]]`, with a seed the server draws.
pub const HRANDFIELD: &str = "__HRANDFIELD";

/// Name of the internal write that SPOP becomes: `__SPOP seed key [count]`.
pub const SPOP: &str = "__SPOP";

/// Name of the internal read that SRANDMEMBER becomes: `__SRANDMEMBER seed key [count]`.
pub const SRANDMEMBER: &str = "__SRANDMEMBER";

/// Name of the internal read that ZRANDMEMBER becomes: `__ZRANDMEMBER seed key [count
/// [WITHSCORES]]`.
pub const ZRANDMEMBER: &str = "__ZRANDMEMBER";

/// Name of the internal write that deletes keys whose expiry time has passed.
pub const PURGE: &str = "__PURGE";

/// Name of the internal read that returns `[keys, keys with a TTL]` for INFO's keyspace section.
pub const KEYSPACE: &str = "__KEYSPACE";

/// Name of the internal read that returns the WATCH versions of keys.
pub const VERSION: &str = "__VERSION";

/// Name of the internal read of LCS's two strings.
pub const LCS_VALUES: &str = "__LCSVALUES";

/// Name of the internal read that RANDOMKEY becomes, with a seed the server draws: the state
/// machine itself never draws random numbers.
pub const RANDOM_KEY: &str = "__RANDOMKEY";

/// A client-visible command error: its `Display` is the exact Redis error text, prefix included.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The command name is unknown; holds the full Redis message.
    #[error("{0}")]
    Unknown(String),
    /// An error whose whole text, prefix included, is fixed.
    #[error("{0}")]
    Full(&'static str),
    /// An `ERR` error whose text is built from the arguments.
    #[error("ERR {0}")]
    Owned(String),
    /// Wrong number of arguments; holds the lowercase command name.
    #[error("ERR wrong number of arguments for '{0}' command")]
    Arity(String),
    /// An option or argument combination Redis rejects as a syntax error.
    #[error("ERR syntax error")]
    Syntax,
    /// An argument or stored value is not a 64-bit integer.
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    /// An argument or stored value is not a float.
    #[error("ERR value is not a valid float")]
    NotFloat,
    /// An increment overflowed `i64`.
    #[error("ERR increment or decrement would overflow")]
    Overflow,
    /// `DECRBY` with `i64::MIN`.
    #[error("ERR decrement would overflow")]
    DecrementOverflow,
    /// A float increment produced NaN or an infinity.
    #[error("ERR increment would produce NaN or Infinity")]
    NotFinite,
    /// An expire time is out of range; holds the lowercase command name.
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpire(String),
    /// A string would grow past [`MAX_STRING_BYTES`].
    #[error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    TooLarge,
    /// `SETRANGE` with a negative offset.
    #[error("ERR offset is out of range")]
    OffsetOutOfRange,
    /// `RENAME` of a missing key.
    #[error("ERR no such key")]
    NoSuchKey,
    /// `SCAN` with a cursor that is not an unsigned integer.
    #[error("ERR invalid cursor")]
    InvalidCursor,
    /// Incompatible `EXPIRE` flags; holds Redis's message.
    #[error("ERR {0}")]
    ExpireFlags(&'static str),
    /// An unsupported `EXPIRE` option; holds the option as sent.
    #[error("ERR Unsupported option {0}")]
    UnsupportedOption(String),
    /// An unknown subcommand (as sent) of a container command (`DEBUG`, `MEMORY`).
    #[error("ERR unknown subcommand '{0}'. Try {1} HELP.")]
    UnknownSubcommand(String, &'static str),
    /// A command that is valid but not allowed on this path (e.g. a write sent as a read).
    #[error("ERR {0}")]
    NotAllowed(&'static str),
    /// A `SETBIT`/`GETBIT` offset that is not an integer in `0..2^32`.
    #[error("ERR bit offset is not an integer or out of range")]
    BitOffset,
    /// A `SETBIT` value other than 0 or 1.
    #[error("ERR bit is not an integer or out of range")]
    BitValue,
    /// A `BITPOS` bit other than 0 or 1.
    #[error("ERR The bit argument must be 1 or 0.")]
    BitPosArgument,
    /// `BITOP NOT` with more than one source.
    #[error("ERR BITOP NOT must be called with a single source key.")]
    BitOpNot,
    /// `COPY` of a key onto itself.
    #[error("ERR source and destination objects are the same")]
    SameObject,
    /// `COPY ... DB n` with a database other than 0.
    #[error("ERR DB index is out of range")]
    DbIndex,
    /// The key holds a value of another type than the command works on.
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    /// A number beyond what the command accepts (HRANDFIELD's negative count).
    #[error("ERR value is out of range")]
    OutOfRange,
    /// `i64::MIN` where Redis takes a count it can negate.
    #[error(
        "ERR value is out of range, value must between -9223372036854775807 and \
         9223372036854775807"
    )]
    NotNegatable,
    /// A count that must not be negative (LPOP, RPOP).
    #[error("ERR value is out of range, must be positive")]
    NotPositive,
    /// An index beyond the list (LSET).
    #[error("ERR index out of range")]
    IndexOutOfRange,
    /// A fixed message after `ERR `.
    #[error("ERR {0}")]
    Message(&'static str),
    /// HINCRBYFLOAT with an infinite increment.
    #[error("ERR value is NaN or Infinity")]
    IncrementNotFinite,
    /// An HINCRBY on a field whose value is not an integer.
    #[error("ERR hash value is not an integer")]
    HashNotInteger,
    /// An HINCRBYFLOAT on a field whose value is not a float.
    #[error("ERR hash value is not a float")]
    HashNotFloat,
    /// An error whose whole text, prefix included, is built from the arguments.
    #[error("{0}")]
    Raw(String),
    /// An integer argument that Redis reads as a C `int` is beyond one.
    #[error("ERR value is out of range, value must between -2147483648 and 2147483647")]
    NotInt32,
}

/// ZADD's options.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZAddFlags {
    /// NX: only add new members.
    pub nx: bool,
    /// XX: only update existing members.
    pub xx: bool,
    /// GT: only raise scores.
    pub gt: bool,
    /// LT: only lower scores.
    pub lt: bool,
    /// CH: count changed members too.
    pub ch: bool,
    /// INCR (and ZINCRBY): add to the score and answer the new one.
    pub incr: bool,
}

/// Which members of a sorted set a range command means.
#[derive(Clone, Debug, PartialEq)]
pub enum ZRange {
    /// Positions `start..=stop`, negative ones counted from the end.
    Rank(i64, i64),
    /// Scores between two bounds.
    Score(ScoreBound, ScoreBound),
    /// Members between two names (all scores equal, as Redis assumes).
    Lex(LexBound, LexBound),
}

/// What HGETALL, HKEYS and HVALS return of each field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HashPart {
    /// Fields and values (HGETALL).
    Both,
    /// Fields (HKEYS).
    Fields,
    /// Values (HVALS).
    Values,
}

/// Largest number of fields a negative HRANDFIELD count may ask for: it repeats fields, so
/// the reply's size does not depend on the hash, and one request must not exhaust memory.
pub const MAX_RANDOM_FIELDS: i64 = 1 << 20;

/// Whether a command only reads the state or changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Served by `KvState::read` once a linearizable read index is applied.
    Read,
    /// Replicated through the log and applied by `KvState::apply`.
    Write,
}

/// Static description of one command, as `COMMAND INFO` reports it.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// Lowercase command name.
    pub name: &'static str,
    /// Redis arity: exact argument count (name included) when positive, minimum when negative.
    pub arity: i32,
    /// Read or write.
    pub access: Access,
    /// Position of the first key argument; 0 when the command takes no key.
    pub first_key: i32,
    /// Position of the last key argument; -1 means the last argument.
    pub last_key: i32,
    /// Distance between key arguments.
    pub step: i32,
}

const fn spec(name: &'static str, arity: i32, access: Access, keys: (i32, i32, i32)) -> Spec {
    Spec {
        name,
        arity,
        access,
        first_key: keys.0,
        last_key: keys.1,
        step: keys.2,
    }
}

use Access::{Read, Write};

/// Every key-value command, sorted by name. Internal commands start with `__`.
pub const COMMANDS: &[Spec] = &[
    spec("__hrandfield", -3, Read, (2, 2, 1)),
    spec("__keyspace", 1, Read, (0, 0, 0)),
    spec("__lcsvalues", 3, Read, (1, 2, 1)),
    spec("__purge", -1, Write, (1, -1, 1)),
    spec("__randomkey", 2, Read, (0, 0, 0)),
    spec("__spop", -3, Write, (2, 2, 1)),
    spec("__srandmember", -3, Read, (2, 2, 1)),
    spec("__version", -2, Read, (1, -1, 1)),
    spec("__xlastids", -2, Read, (1, -1, 1)),
    spec("__xreadgroup", -7, Write, (0, 0, 0)),
    spec("__zrandmember", -3, Read, (2, 2, 1)),
    spec("append", 3, Write, (1, 1, 1)),
    spec("bitcount", -2, Read, (1, 1, 1)),
    spec("bitfield", -2, Write, (1, 1, 1)),
    spec("bitfield_ro", -2, Read, (1, 1, 1)),
    spec("bitop", -4, Write, (2, -1, 1)),
    spec("bitpos", -3, Read, (1, 1, 1)),
    spec("blmove", 6, Write, (1, 2, 1)),
    spec("blmpop", -5, Write, (0, 0, 0)),
    spec("blpop", -3, Write, (1, -2, 1)),
    spec("brpop", -3, Write, (1, -2, 1)),
    spec("brpoplpush", 4, Write, (1, 2, 1)),
    spec("bzmpop", -5, Write, (0, 0, 0)),
    spec("bzpopmax", -3, Write, (1, -2, 1)),
    spec("bzpopmin", -3, Write, (1, -2, 1)),
    spec("copy", -3, Write, (1, 2, 1)),
    spec("dbsize", 1, Read, (0, 0, 0)),
    spec("debug", -2, Read, (0, 0, 0)),
    spec("decr", 2, Write, (1, 1, 1)),
    spec("decrby", 3, Write, (1, 1, 1)),
    spec("del", -2, Write, (1, -1, 1)),
    spec("dump", 2, Read, (1, 1, 1)),
    spec("eval", -3, Write, (0, 0, 0)),
    spec("eval_ro", -3, Read, (0, 0, 0)),
    spec("evalsha", -3, Write, (0, 0, 0)),
    spec("evalsha_ro", -3, Read, (0, 0, 0)),
    spec("exists", -2, Read, (1, -1, 1)),
    spec("expire", -3, Write, (1, 1, 1)),
    spec("expireat", -3, Write, (1, 1, 1)),
    spec("expiretime", 2, Read, (1, 1, 1)),
    spec("fcall", -3, Write, (0, 0, 0)),
    spec("fcall_ro", -3, Read, (0, 0, 0)),
    spec("flushall", -1, Write, (0, 0, 0)),
    spec("flushdb", -1, Write, (0, 0, 0)),
    spec("function", -2, Write, (0, 0, 0)),
    spec("geoadd", -5, Write, (1, 1, 1)),
    spec("geodist", -4, Read, (1, 1, 1)),
    spec("geohash", -2, Read, (1, 1, 1)),
    spec("geopos", -2, Read, (1, 1, 1)),
    spec("georadius", -6, Write, (1, 1, 1)),
    spec("georadius_ro", -6, Read, (1, 1, 1)),
    spec("georadiusbymember", -5, Write, (1, 1, 1)),
    spec("georadiusbymember_ro", -5, Read, (1, 1, 1)),
    spec("geosearch", -7, Read, (1, 1, 1)),
    spec("geosearchstore", -8, Write, (1, 2, 1)),
    spec("get", 2, Read, (1, 1, 1)),
    spec("getbit", 3, Read, (1, 1, 1)),
    spec("getdel", 2, Write, (1, 1, 1)),
    spec("getex", -2, Write, (1, 1, 1)),
    spec("getrange", 4, Read, (1, 1, 1)),
    spec("getset", 3, Write, (1, 1, 1)),
    spec("hdel", -3, Write, (1, 1, 1)),
    spec("hexists", 3, Read, (1, 1, 1)),
    spec("hexpire", -6, Write, (1, 1, 1)),
    spec("hexpireat", -6, Write, (1, 1, 1)),
    spec("hexpiretime", -5, Read, (1, 1, 1)),
    spec("hget", 3, Read, (1, 1, 1)),
    spec("hgetall", 2, Read, (1, 1, 1)),
    spec("hgetdel", -5, Write, (1, 1, 1)),
    spec("hgetex", -5, Write, (1, 1, 1)),
    spec("hincrby", 4, Write, (1, 1, 1)),
    spec("hincrbyfloat", 4, Write, (1, 1, 1)),
    spec("hkeys", 2, Read, (1, 1, 1)),
    spec("hlen", 2, Read, (1, 1, 1)),
    spec("hmget", -3, Read, (1, 1, 1)),
    spec("hmset", -4, Write, (1, 1, 1)),
    spec("hpersist", -5, Write, (1, 1, 1)),
    spec("hpexpire", -6, Write, (1, 1, 1)),
    spec("hpexpireat", -6, Write, (1, 1, 1)),
    spec("hpexpiretime", -5, Read, (1, 1, 1)),
    spec("hpttl", -5, Read, (1, 1, 1)),
    spec("hrandfield", -2, Read, (1, 1, 1)),
    spec("hscan", -3, Read, (1, 1, 1)),
    spec("hset", -4, Write, (1, 1, 1)),
    spec("hsetex", -6, Write, (1, 1, 1)),
    spec("hsetnx", 4, Write, (1, 1, 1)),
    spec("hstrlen", 3, Read, (1, 1, 1)),
    spec("httl", -5, Read, (1, 1, 1)),
    spec("hvals", 2, Read, (1, 1, 1)),
    spec("incr", 2, Write, (1, 1, 1)),
    spec("incrby", 3, Write, (1, 1, 1)),
    spec("incrbyfloat", 3, Write, (1, 1, 1)),
    spec("keys", 2, Read, (0, 0, 0)),
    spec("lcs", -3, Read, (1, 2, 1)),
    spec("lindex", 3, Read, (1, 1, 1)),
    spec("linsert", 5, Write, (1, 1, 1)),
    spec("llen", 2, Read, (1, 1, 1)),
    spec("lmove", 5, Write, (1, 2, 1)),
    spec("lmpop", -4, Write, (0, 0, 0)),
    spec("lpop", -2, Write, (1, 1, 1)),
    spec("lpos", -3, Read, (1, 1, 1)),
    spec("lpush", -3, Write, (1, 1, 1)),
    spec("lpushx", -3, Write, (1, 1, 1)),
    spec("lrange", 4, Read, (1, 1, 1)),
    spec("lrem", 4, Write, (1, 1, 1)),
    spec("lset", 4, Write, (1, 1, 1)),
    spec("ltrim", 4, Write, (1, 1, 1)),
    spec("memory", -2, Read, (0, 0, 0)),
    spec("mget", -2, Read, (1, -1, 1)),
    spec("migrate", -6, Write, (3, 3, 1)),
    spec("mset", -3, Write, (1, -1, 2)),
    spec("msetnx", -3, Write, (1, -1, 2)),
    spec("object", -2, Read, (0, 0, 0)),
    spec("persist", 2, Write, (1, 1, 1)),
    spec("pexpire", -3, Write, (1, 1, 1)),
    spec("pexpireat", -3, Write, (1, 1, 1)),
    spec("pexpiretime", 2, Read, (1, 1, 1)),
    spec("pfadd", -2, Write, (1, 1, 1)),
    spec("pfcount", -2, Read, (1, -1, 1)),
    spec("pfmerge", -2, Write, (1, -1, 1)),
    spec("psetex", 4, Write, (1, 1, 1)),
    spec("pttl", 2, Read, (1, 1, 1)),
    spec("publish", 3, Write, (0, 0, 0)),
    spec("randomkey", 1, Read, (0, 0, 0)),
    spec("rename", 3, Write, (1, 2, 1)),
    spec("renamenx", 3, Write, (1, 2, 1)),
    spec("restore", -4, Write, (1, 1, 1)),
    spec("rpop", -2, Write, (1, 1, 1)),
    spec("rpoplpush", 3, Write, (1, 2, 1)),
    spec("rpush", -3, Write, (1, 1, 1)),
    spec("rpushx", -3, Write, (1, 1, 1)),
    spec("sadd", -3, Write, (1, 1, 1)),
    spec("scan", -2, Read, (0, 0, 0)),
    spec("scard", 2, Read, (1, 1, 1)),
    spec("script", -2, Write, (0, 0, 0)),
    spec("sdiff", -2, Read, (1, -1, 1)),
    spec("sdiffstore", -3, Write, (1, -1, 1)),
    spec("set", -3, Write, (1, 1, 1)),
    spec("setbit", 4, Write, (1, 1, 1)),
    spec("setex", 4, Write, (1, 1, 1)),
    spec("setnx", 3, Write, (1, 1, 1)),
    spec("setrange", 4, Write, (1, 1, 1)),
    spec("sinter", -2, Read, (1, -1, 1)),
    spec("sintercard", -3, Read, (0, 0, 0)),
    spec("sinterstore", -3, Write, (1, -1, 1)),
    spec("sismember", 3, Read, (1, 1, 1)),
    spec("smembers", 2, Read, (1, 1, 1)),
    spec("smismember", -3, Read, (1, 1, 1)),
    spec("smove", 4, Write, (1, 2, 1)),
    spec("sort", -2, Write, (1, 1, 1)),
    spec("sort_ro", -2, Read, (1, 1, 1)),
    spec("spop", -2, Write, (1, 1, 1)),
    spec("spublish", 3, Write, (1, 1, 1)),
    spec("srandmember", -2, Read, (1, 1, 1)),
    spec("srem", -3, Write, (1, 1, 1)),
    spec("sscan", -3, Read, (1, 1, 1)),
    spec("strlen", 2, Read, (1, 1, 1)),
    spec("substr", 4, Read, (1, 1, 1)),
    spec("sunion", -2, Read, (1, -1, 1)),
    spec("sunionstore", -3, Write, (1, -1, 1)),
    spec("touch", -2, Read, (1, -1, 1)),
    spec("ttl", 2, Read, (1, 1, 1)),
    spec("type", 2, Read, (1, 1, 1)),
    spec("unlink", -2, Write, (1, -1, 1)),
    spec("xack", -4, Write, (1, 1, 1)),
    spec("xadd", -5, Write, (1, 1, 1)),
    spec("xautoclaim", -6, Write, (1, 1, 1)),
    spec("xclaim", -6, Write, (1, 1, 1)),
    spec("xdel", -3, Write, (1, 1, 1)),
    spec("xgroup", -2, Write, (2, 2, 1)),
    spec("xinfo", -2, Read, (2, 2, 1)),
    spec("xlen", 2, Read, (1, 1, 1)),
    spec("xpending", -3, Read, (1, 1, 1)),
    spec("xrange", -4, Read, (1, 1, 1)),
    spec("xread", -4, Read, (0, 0, 0)),
    spec("xreadgroup", -7, Write, (0, 0, 0)),
    spec("xrevrange", -4, Read, (1, 1, 1)),
    spec("xsetid", -3, Write, (1, 1, 1)),
    spec("xtrim", -4, Write, (1, 1, 1)),
    spec("zadd", -4, Write, (1, 1, 1)),
    spec("zcard", 2, Read, (1, 1, 1)),
    spec("zcount", 4, Read, (1, 1, 1)),
    spec("zdiff", -3, Read, (0, 0, 0)),
    spec("zdiffstore", -4, Write, (1, 1, 1)),
    spec("zincrby", 4, Write, (1, 1, 1)),
    spec("zinter", -3, Read, (0, 0, 0)),
    spec("zintercard", -3, Read, (0, 0, 0)),
    spec("zinterstore", -4, Write, (1, 1, 1)),
    spec("zlexcount", 4, Read, (1, 1, 1)),
    spec("zmpop", -4, Write, (0, 0, 0)),
    spec("zmscore", -3, Read, (1, 1, 1)),
    spec("zpopmax", -2, Write, (1, 1, 1)),
    spec("zpopmin", -2, Write, (1, 1, 1)),
    spec("zrandmember", -2, Read, (1, 1, 1)),
    spec("zrange", -4, Read, (1, 1, 1)),
    spec("zrangebylex", -4, Read, (1, 1, 1)),
    spec("zrangebyscore", -4, Read, (1, 1, 1)),
    spec("zrangestore", -5, Write, (1, 2, 1)),
    spec("zrank", 3, Read, (1, 1, 1)),
    spec("zrem", -3, Write, (1, 1, 1)),
    spec("zremrangebylex", 4, Write, (1, 1, 1)),
    spec("zremrangebyrank", 4, Write, (1, 1, 1)),
    spec("zremrangebyscore", 4, Write, (1, 1, 1)),
    spec("zrevrange", -4, Read, (1, 1, 1)),
    spec("zrevrangebylex", -4, Read, (1, 1, 1)),
    spec("zrevrangebyscore", -4, Read, (1, 1, 1)),
    spec("zrevrank", 3, Read, (1, 1, 1)),
    spec("zscan", -3, Read, (1, 1, 1)),
    spec("zscore", 3, Read, (1, 1, 1)),
    spec("zunion", -3, Read, (0, 0, 0)),
    spec("zunionstore", -4, Write, (1, 1, 1)),
];

/// Length of the longest command name (`georadiusbymember_ro`).
const MAX_NAME_LEN: usize = 20;

/// Finds a command by name, ignoring ASCII case.
pub fn lookup(name: &[u8]) -> Option<&'static Spec> {
    lookup_index(name).map(|i| &COMMANDS[i])
}

/// The position of `name`'s spec (any case) in [`COMMANDS`], found without allocating.
///
/// Every command is looked up several times (when it is checked, when it is applied on each
/// node, when it is counted), so this is a hash lookup of the name lowercased on the stack
/// rather than a binary search comparing case-folded bytes.
pub fn lookup_index(name: &[u8]) -> Option<usize> {
    if name.len() > MAX_NAME_LEN {
        return None;
    }
    let mut lower = [0u8; MAX_NAME_LEN];
    let lower = &mut lower[..name.len()];
    for (to, from) in lower.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    NAME_INDEX.get(&*lower).copied()
}

/// [`COMMANDS`]' positions by name, built on first use.
static NAME_INDEX: std::sync::LazyLock<
    std::collections::HashMap<&'static [u8], usize, std::hash::BuildHasherDefault<NameHasher>>,
> = std::sync::LazyLock::new(|| {
    COMMANDS
        .iter()
        .enumerate()
        .map(|(i, spec)| (spec.name.as_bytes(), i))
        .collect()
});

/// FNV-1a for command names: short, trusted keys (the table is fixed), where SipHash's
/// resistance to chosen collisions buys nothing and costs more than the lookup itself.
#[derive(Default)]
struct NameHasher(u64);

impl std::hash::Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = 0xcbf2_9ce4_8422_2325;
        }
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The keys a command names where its table entry places them (first, last, step); none
/// for a command that takes no key.
pub fn positional_keys(spec: &Spec, args: &[Bytes]) -> Vec<Bytes> {
    if spec.first_key <= 0 {
        return Vec::new();
    }
    let last = if spec.last_key < 0 {
        i32::try_from(args.len()).unwrap_or(i32::MAX) + spec.last_key
    } else {
        spec.last_key
    };
    (spec.first_key..=last)
        .step_by(spec.step.max(1) as usize)
        .filter_map(|i| args.get(i as usize).cloned())
        .collect()
}

/// The keys CLIENT TRACKING remembers of the key-value command `args` when it runs as part
/// of a write batch (a transaction, a script): all its keys if it only reads (SORT without
/// STORE, say), the keys a script or function declares (those it may read), none for any
/// other write.
pub fn tracked_keys(args: &[Bytes]) -> Option<Vec<Bytes>> {
    let (cmd, spec) = Command::parse(args).ok()?;
    match &cmd {
        Command::Eval { keys, .. } | Command::FCall { keys, .. } => Some(keys.clone()),
        _ if cmd.access(spec) == Access::Read => Some(
            cmd.movable_keys()
                .unwrap_or_else(|| positional_keys(spec, args)),
        ),
        _ => None,
    }
}

/// The commands that run a script or a function: EVAL, EVALSHA, FCALL and their `_RO`
/// forms. They may name no key (Redis's `no-mandatory-keys`).
pub const SCRIPT_COMMANDS: &[&str] = &[
    "eval",
    "eval_ro",
    "evalsha",
    "evalsha_ro",
    "fcall",
    "fcall_ro",
];

/// Whether `name` is one of [`SCRIPT_COMMANDS`], whose declared keys CLIENT TRACKING
/// remembers.
pub fn runs_script(name: &[u8]) -> bool {
    SCRIPT_COMMANDS
        .iter()
        .any(|n| name.eq_ignore_ascii_case(n.as_bytes()))
}

/// The keys of the key-value command `args`: those its options name (after a `numkeys`,
/// XREAD's after STREAMS, ...) or those its table entry places. None for a command that does
/// not parse. What CLIENT TRACKING remembers a read by.
pub fn command_keys(args: &[Bytes]) -> Vec<Bytes> {
    match Command::parse(args) {
        Ok((cmd, spec)) => cmd
            .movable_keys()
            .unwrap_or_else(|| positional_keys(spec, args)),
        Err(_) => Vec::new(),
    }
}

/// Finds the spec of `args[0]` and checks the argument count against the command table.
///
/// These are the only checks Redis makes while queueing inside MULTI; every other argument
/// error is found when the command runs.
pub fn lookup_checked(args: &[Bytes]) -> Result<&'static Spec, CommandError> {
    let spec = args
        .first()
        .and_then(|name| lookup(name))
        .ok_or_else(|| unknown_command(args))?;
    let n = args.len() as i32;
    if (spec.arity > 0 && n != spec.arity) || (spec.arity < 0 && n < -spec.arity) {
        return Err(CommandError::Arity(spec.name.to_string()));
    }
    Ok(spec)
}

/// Checks the subcommand of XGROUP, XINFO and FUNCTION (`a` without the name) and its arity,
/// as Redis's command table does.
fn check_stream_subcommand(name: &str, a: &[Bytes]) -> Result<(), CommandError> {
    let (table, upper): (&[(&str, i32)], _) = match name {
        "xgroup" => (
            &[
                ("create", -5),
                ("createconsumer", 5),
                ("delconsumer", 5),
                ("destroy", 4),
                ("help", 2),
                ("setid", -5),
            ],
            "XGROUP",
        ),
        "xinfo" => (
            &[("consumers", 4), ("groups", 3), ("help", 2), ("stream", -3)],
            "XINFO",
        ),
        "function" => (
            &[
                ("delete", 3),
                ("dump", 2),
                ("flush", -2),
                ("help", 2),
                ("kill", 2),
                ("list", -2),
                ("load", -3),
                ("restore", -3),
                ("stats", 2),
            ],
            "FUNCTION",
        ),
        _ => return Ok(()),
    };
    let sub = lossy(&a[0], 128);
    let Some(&(found, arity)) = table
        .iter()
        .find(|(n, _)| a[0].eq_ignore_ascii_case(n.as_bytes()))
    else {
        return Err(CommandError::UnknownSubcommand(sub, upper));
    };
    let n = a.len() as i32 + 1;
    if (arity > 0 && n != arity) || (arity < 0 && n < -arity) {
        return Err(CommandError::Arity(format!("{name}|{found}")));
    }
    Ok(())
}

/// `EVAL script numkeys key... arg...` and its forms (`a` without the name).
fn parse_eval(name: &str, a: &[Bytes]) -> Result<Command, CommandError> {
    let numkeys = parse_i64(&a[1])?;
    if numkeys < 0 {
        return Err(CommandError::Full("ERR Number of keys can't be negative"));
    }
    let rest = &a[2..];
    if numkeys as u64 > rest.len() as u64 {
        return Err(CommandError::Full(
            "ERR Number of keys can't be greater than number of args",
        ));
    }
    let (keys, argv) = rest.split_at(numkeys as usize);
    let script = if name.starts_with("evalsha") {
        ScriptRef::Sha(a[0].clone())
    } else {
        ScriptRef::Body(a[0].clone())
    };
    Ok(Command::Eval {
        script,
        keys: keys.to_vec(),
        argv: argv.to_vec(),
        read_only: name.ends_with("_ro"),
    })
}

/// `RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]` (`a`
/// without the name), options checked in Redis's order: each in turn, IDLETIME and FREQ
/// excluding each other.
fn parse_restore(a: &[Bytes]) -> Result<Command, CommandError> {
    let (mut replace, mut absolute, mut idle, mut freq) = (false, false, false, false);
    let mut options = a[3..].iter();
    while let Some(option) = options.next() {
        let has_value = options.len() >= 1;
        if option.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if option.eq_ignore_ascii_case(b"absttl") {
            absolute = true;
        } else if option.eq_ignore_ascii_case(b"idletime") && has_value && !freq {
            let seconds = options.next().map(|v| parse_i64(v)).transpose()?;
            if seconds.is_some_and(|s| s < 0) {
                return Err(CommandError::Full(
                    "ERR Invalid IDLETIME value, must be >= 0",
                ));
            }
            idle = true;
        } else if option.eq_ignore_ascii_case(b"freq") && has_value && !idle {
            let frequency = options.next().map(|v| parse_i64(v)).transpose()?;
            if frequency.is_some_and(|f| !(0..=255).contains(&f)) {
                return Err(CommandError::Full(
                    "ERR Invalid FREQ value, must be >= 0 and <= 255",
                ));
            }
            freq = true;
        } else {
            return Err(CommandError::Syntax);
        }
    }
    let ttl = match parse_i64(&a[1]) {
        Err(e) => RestoreTtl::Invalid(e),
        Ok(ms) if ms < 0 => {
            RestoreTtl::Invalid(CommandError::Full("ERR Invalid TTL value, must be >= 0"))
        }
        Ok(0) => RestoreTtl::Never,
        Ok(ms) if absolute => RestoreTtl::At(Expiry::AtMs(ms)),
        Ok(ms) => RestoreTtl::At(Expiry::RelativeMs(ms)),
    };
    Ok(Command::Restore {
        key: a[0].clone(),
        ttl,
        payload: a[2].clone(),
        replace,
    })
}

/// The keys of `MIGRATE host port key db timeout [option...] [KEYS key...]` (`a` without
/// the name): those after KEYS when it is given, the third argument otherwise.
fn migrate_keys(a: &[Bytes]) -> Vec<Bytes> {
    match a[5..].iter().position(|o| o.eq_ignore_ascii_case(b"keys")) {
        Some(at) if a[2].is_empty() => a[5 + at + 1..].to_vec(),
        _ => vec![a[2].clone()],
    }
}

/// `FCALL function numkeys key... arg...` and `FCALL_RO` (`a` without the name). A bad
/// `numkeys` is answered only once the function is found, as Redis checks in that order.
fn parse_fcall(read_only: bool, a: &[Bytes]) -> Result<Command, CommandError> {
    let rest = &a[2..];
    let numkeys = match parse_i64(&a[1]) {
        Err(_) => Err("ERR Bad number of keys provided"),
        Ok(n) if n < 0 => Err("ERR Number of keys can't be negative"),
        Ok(n) if n as u64 > rest.len() as u64 => {
            Err("ERR Number of keys can't be greater than number of args")
        }
        Ok(n) => Ok(n as usize),
    };
    let (keys, args) = rest.split_at(*numkeys.as_ref().unwrap_or(&0));
    Ok(Command::FCall {
        function: a[0].clone(),
        keys: keys.to_vec(),
        args: args.to_vec(),
        read_only,
        bad_numkeys: numkeys.err(),
    })
}

/// A `FUNCTION` subcommand (`a` without the name; its arity already checked).
fn parse_function(a: &[Bytes]) -> Result<FunctionCommand, CommandError> {
    let sub = a[0].to_ascii_lowercase();
    let rest = &a[1..];
    Ok(match sub.as_slice() {
        b"load" => {
            let (code, options) = rest.split_last().ok_or(CommandError::Syntax)?;
            let mut replace = false;
            for option in options {
                if option.eq_ignore_ascii_case(b"replace") {
                    replace = true;
                } else {
                    return Err(CommandError::Raw(format!(
                        "ERR Unknown option given: {}",
                        lossy(option, 128)
                    )));
                }
            }
            FunctionCommand::Load {
                code: code.clone(),
                replace,
            }
        }
        b"delete" => FunctionCommand::Delete(rest[0].clone()),
        b"flush" => match rest {
            [] => FunctionCommand::Flush,
            [mode] if mode.eq_ignore_ascii_case(b"async") || mode.eq_ignore_ascii_case(b"sync") => {
                FunctionCommand::Flush
            }
            [_] => {
                return Err(CommandError::Full(
                    "ERR FUNCTION FLUSH only supports SYNC|ASYNC option",
                ));
            }
            _ => return Err(function_arity(&a[0])),
        },
        b"list" => {
            let (mut pattern, mut with_code) = (None, false);
            let mut options = rest.iter();
            while let Some(option) = options.next() {
                if option.eq_ignore_ascii_case(b"withcode") && !with_code {
                    with_code = true;
                } else if option.eq_ignore_ascii_case(b"libraryname") && pattern.is_none() {
                    let name = options.next().ok_or(CommandError::Full(
                        "ERR library name argument was not given",
                    ))?;
                    pattern = Some(name.clone());
                } else {
                    return Err(CommandError::Raw(format!(
                        "ERR Unknown argument {}",
                        lossy(option, 128)
                    )));
                }
            }
            FunctionCommand::List { pattern, with_code }
        }
        b"stats" => FunctionCommand::Stats,
        b"kill" => FunctionCommand::Kill,
        b"dump" => FunctionCommand::Dump,
        b"help" => FunctionCommand::Help,
        _ => {
            // RESTORE, the one subcommand left (the table check let nothing else through).
            let policy = match rest {
                [_] => RestorePolicy::Append,
                [_, policy] if policy.eq_ignore_ascii_case(b"append") => RestorePolicy::Append,
                [_, policy] if policy.eq_ignore_ascii_case(b"replace") => RestorePolicy::Replace,
                [_, policy] if policy.eq_ignore_ascii_case(b"flush") => RestorePolicy::Flush,
                [_, _] => {
                    return Err(CommandError::Full(
                        "ERR Wrong restore policy given, value should be either FLUSH, APPEND or \
                         REPLACE.",
                    ));
                }
                _ => return Err(function_arity(&a[0])),
            };
            FunctionCommand::Restore {
                payload: rest[0].clone(),
                policy,
            }
        }
    })
}

/// What Redis answers for a FUNCTION subcommand whose own check of its arguments fails,
/// naming the subcommand as it was typed.
fn function_arity(sub: &[u8]) -> CommandError {
    CommandError::Raw(format!(
        "ERR unknown subcommand or wrong number of arguments for '{}'. Try FUNCTION HELP.",
        lossy(sub, 128)
    ))
}

/// `SCRIPT LOAD|EXISTS|FLUSH|KILL|HELP` (`a` without the name).
fn parse_script(a: &[Bytes]) -> Result<Command, CommandError> {
    let sub = a[0].to_ascii_lowercase();
    let arity = || CommandError::Arity(format!("script|{}", String::from_utf8_lossy(&sub)));
    Ok(match (sub.as_slice(), &a[1..]) {
        (b"load", [body]) => Command::ScriptLoad(body.clone()),
        (b"exists", shas) if !shas.is_empty() => Command::ScriptExists(shas.to_vec()),
        (b"flush", []) => Command::ScriptFlush,
        (b"flush", [mode])
            if mode.eq_ignore_ascii_case(b"async") || mode.eq_ignore_ascii_case(b"sync") =>
        {
            Command::ScriptFlush
        }
        (b"flush", _) => {
            return Err(CommandError::Full(
                "ERR SCRIPT FLUSH only support SYNC|ASYNC option",
            ));
        }
        (b"kill", []) => Command::ScriptKill,
        (b"help", []) => Command::ScriptHelp,
        (b"load" | b"exists" | b"kill" | b"help", _) => return Err(arity()),
        _ => return Err(CommandError::UnknownSubcommand(lossy(&a[0], 128), "SCRIPT")),
    })
}

/// Builds Redis's "unknown command" error for `args` (name first).
pub fn unknown_command(args: &[Bytes]) -> CommandError {
    let name = args.first().map(|a| lossy(a, 128)).unwrap_or_default();
    let mut rest = String::new();
    for arg in args.iter().skip(1) {
        if rest.len() >= 128 {
            break;
        }
        let room = 128 - rest.len();
        rest.push('\'');
        rest.push_str(&lossy(arg, room));
        rest.push_str("' ");
    }
    CommandError::Unknown(format!(
        "ERR unknown command '{name}', with args beginning with: {rest}"
    ))
}

/// Up to `max` bytes of `arg` as text, with CR/LF replaced so the error stays on one line.
pub fn lossy(arg: &[u8], max: usize) -> String {
    let cut = &arg[..arg.len().min(max)];
    String::from_utf8_lossy(cut)
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect()
}

/// When a key expires, as a command states it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expiry {
    /// Milliseconds from "now" (the server's clock before proposing, `batch.now_ms` in apply).
    RelativeMs(i64),
    /// Absolute Unix time in milliseconds.
    AtMs(i64),
}

impl Expiry {
    /// The absolute Unix-ms time, or `None` when `now_ms + delta` overflows.
    pub fn resolve(self, now_ms: i64) -> Option<i64> {
        match self {
            Expiry::RelativeMs(delta) => now_ms.checked_add(delta),
            Expiry::AtMs(at) => Some(at),
        }
    }
}

/// What `SET` does with an existing TTL.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SetTtl {
    /// Removes any TTL (the default).
    Clear,
    /// Keeps the key's TTL (`KEEPTTL`).
    Keep,
    /// Sets a new expiry (`EX`, `PX`, `EXAT`, `PXAT`).
    At(Expiry),
}

/// What `OBJECT` asks about a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectQuery {
    /// The representation Redis would pick for the value: `int`, `embstr` or `raw`.
    Encoding,
    /// References to the value: as Redis reports it, shared small integers included.
    RefCount,
    /// Seconds since the last access, which raft-kv does not track.
    IdleTime,
    /// The LFU access frequency, which is not tracked without an LFU policy.
    Freq,
}

/// The operation of `BITOP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BitOperation {
    /// Bitwise AND of every source.
    And,
    /// Bitwise OR of every source.
    Or,
    /// Bitwise XOR of every source.
    Xor,
    /// The complement of the one source.
    Not,
}

/// A `BITCOUNT`/`BITPOS` range as given: inclusive offsets that may count from the end, in
/// bytes, or in bits with `BIT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BitRange {
    /// First offset.
    pub start: i64,
    /// Last offset; `None` (BITPOS without an end) means the end of the string.
    pub end: Option<i64>,
    /// Whether the offsets count bits rather than bytes.
    pub bits: bool,
}

/// Parses the arguments after `BITCOUNT key`: none, or both offsets and then an optional unit
/// (Redis checks them in that order).
///
/// # Errors
/// [`CommandError::NotInteger`] for an offset, [`CommandError::Syntax`] for anything else.
pub fn parse_bitcount_range(a: &[Bytes]) -> Result<Option<BitRange>, CommandError> {
    match a.len() {
        0 => Ok(None),
        2 | 3 => {
            let start = parse_i64(&a[0])?;
            let end = parse_i64(&a[1])?;
            let bits = a.get(2).map(parse_bit_unit).transpose()?.unwrap_or(false);
            Ok(Some(BitRange {
                start,
                end: Some(end),
                bits,
            }))
        }
        _ => Err(CommandError::Syntax),
    }
}

/// Parses the arguments after `BITPOS key bit`: nothing, a start, a start and an end, or
/// both and a unit; Redis reads the start, then the unit, then the end.
///
/// # Errors
/// [`CommandError::NotInteger`] for an offset, [`CommandError::Syntax`] for anything else.
pub fn parse_bitpos_range(a: &[Bytes]) -> Result<Option<BitRange>, CommandError> {
    if a.is_empty() {
        return Ok(None);
    }
    if a.len() > 3 {
        return Err(CommandError::Syntax);
    }
    let start = parse_i64(&a[0])?;
    let bits = a.get(2).map(parse_bit_unit).transpose()?.unwrap_or(false);
    let end = a.get(1).map(|e| parse_i64(e)).transpose()?;
    Ok(Some(BitRange { start, end, bits }))
}

fn parse_bit_unit(unit: &Bytes) -> Result<bool, CommandError> {
    if unit.eq_ignore_ascii_case(b"bit") {
        Ok(true)
    } else if unit.eq_ignore_ascii_case(b"byte") {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

/// A `SETBIT`/`GETBIT` offset: a bit of a string of at most [`MAX_STRING_BYTES`].
fn parse_bit_offset(s: &[u8]) -> Result<u64, CommandError> {
    parse_i64_strict(s)
        .and_then(|o| u64::try_from(o).ok())
        .filter(|&o| o >> 3 < MAX_STRING_BYTES as u64)
        .ok_or(CommandError::BitOffset)
}

/// `MEMORY USAGE key [SAMPLES count]` (a string has nothing to sample, but the option is
/// checked as Redis checks it) and `MEMORY HELP`.
fn parse_memory(a: &[Bytes]) -> Result<Command, CommandError> {
    if a[0].eq_ignore_ascii_case(b"help") && a.len() == 1 {
        return Ok(Command::MemoryHelp);
    }
    if !a[0].eq_ignore_ascii_case(b"usage") {
        return Err(CommandError::UnknownSubcommand(lossy(&a[0], 128), "MEMORY"));
    }
    let Some(key) = a.get(1) else {
        return Err(CommandError::Arity("memory|usage".into()));
    };
    let mut options = a[2..].iter();
    while let Some(option) = options.next() {
        match options.next() {
            Some(count) if option.eq_ignore_ascii_case(b"samples") => {
                if parse_i64(count)? < 0 {
                    return Err(CommandError::Syntax);
                }
            }
            _ => return Err(CommandError::Syntax),
        }
    }
    Ok(Command::MemoryUsage(key.clone()))
}

/// `COPY source destination [DB db] [REPLACE]`, checked in Redis's order: the options, then
/// whether both names are the same.
fn parse_copy(a: &[Bytes]) -> Result<Command, CommandError> {
    let mut replace = false;
    let mut options = a[2..].iter();
    while let Some(option) = options.next() {
        if option.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if option.eq_ignore_ascii_case(b"db")
            && let Some(db) = options.next()
        {
            let db = parse_i64(db)?;
            if i32::try_from(db).is_err() {
                return Err(CommandError::NotInt32);
            }
            if db != 0 {
                return Err(CommandError::DbIndex);
            }
        } else {
            return Err(CommandError::Syntax);
        }
    }
    if a[0] == a[1] {
        return Err(CommandError::SameObject);
    }
    Ok(Command::Copy {
        from: a[0].clone(),
        to: a[1].clone(),
        replace,
    })
}

/// A `SET` condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetCondition {
    /// Always set.
    Always,
    /// `NX`: only when the key is missing.
    IfMissing,
    /// `XX`: only when the key exists.
    IfExists,
}

/// What `GETEX` does to the TTL.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum GetExTtl {
    /// Leaves the TTL alone (plain `GETEX key`, a read).
    Unchanged,
    /// `PERSIST`.
    Persist,
    /// `EX`, `PX`, `EXAT` or `PXAT`.
    At(Expiry),
    /// `EX`, `PX`, `EXAT` or `PXAT` with a time Redis refuses. As in Redis, the error comes
    /// only after the key was found (a missing key answers nil) and is a string; such a GETEX
    /// changes nothing, so it is a read.
    Refused(ExpireRefusal),
}

/// Why GETEX refuses its time: the error it then answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpireRefusal {
    /// Not an integer.
    NotInteger,
    /// Zero, negative, or too large.
    Invalid,
}

impl ExpireRefusal {
    /// The error GETEX answers for an existing string key.
    pub fn error(self) -> CommandError {
        match self {
            ExpireRefusal::NotInteger => CommandError::NotInteger,
            ExpireRefusal::Invalid => CommandError::InvalidExpire("getex".into()),
        }
    }
}

/// An `EXPIRE` condition flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpireCondition {
    /// No flag.
    Always,
    /// `NX`: only when the key has no TTL.
    IfNoTtl,
    /// `XX`: only when the key has a TTL.
    IfTtl,
    /// `GT`: only when the new expiry is later (a key without TTL counts as infinite).
    IfGreater,
    /// `LT`: only when the new expiry is earlier.
    IfLess,
    /// `XX LT`: only when the key has a TTL and the new expiry is earlier.
    IfTtlAndLess,
}

/// What HGETEX and HSETEX do to the TTL of the fields they touch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldTtlChange {
    /// HGETEX without an option: nothing. HSETEX without one: the TTL is removed, as HSET
    /// removes it.
    Default,
    /// HGETEX's `PERSIST`: the TTL is removed.
    Persist,
    /// HSETEX's `KEEPTTL`: the TTL stays.
    Keep,
    /// `EX`, `PX`, `EXAT` or `PXAT`: the fields expire then (a time not in the future
    /// deletes them).
    At(Expiry),
}

/// A condition flag of `HEXPIRE` and its family, for each field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldCondition {
    /// No flag.
    Always,
    /// `NX`: only when the field has no TTL.
    IfNoTtl,
    /// `XX`: only when the field has a TTL.
    IfTtl,
    /// `GT`: only when the new expiry is later (a field without TTL counts as infinite).
    IfGreater,
    /// `LT`: only when the new expiry is earlier (a field without TTL counts as infinite).
    IfLess,
}

impl FieldCondition {
    /// The flag's name, as `HPEXPIREAT` takes it.
    fn flag(self) -> Option<&'static [u8]> {
        match self {
            FieldCondition::Always => None,
            FieldCondition::IfNoTtl => Some(b"NX"),
            FieldCondition::IfTtl => Some(b"XX"),
            FieldCondition::IfGreater => Some(b"GT"),
            FieldCondition::IfLess => Some(b"LT"),
        }
    }

    /// Whether a field whose expiry is `current` may get the expiry `at`.
    pub fn allows(self, current: Option<i64>, at: i64) -> bool {
        match (self, current) {
            (FieldCondition::Always, _) => true,
            (FieldCondition::IfNoTtl, current) => current.is_none(),
            (FieldCondition::IfTtl, current) => current.is_some(),
            (FieldCondition::IfGreater, current) => current.is_some_and(|c| at > c),
            (FieldCondition::IfLess, current) => current.is_none_or(|c| at < c),
        }
    }
}

/// How `TTL`-family commands report time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TtlKind {
    /// `TTL`: remaining seconds.
    RemainingSeconds,
    /// `PTTL`: remaining milliseconds.
    RemainingMs,
    /// `EXPIRETIME`: absolute Unix seconds.
    AtSeconds,
    /// `PEXPIRETIME`: absolute Unix milliseconds.
    AtMs,
}

/// A parsed, validated key-value command.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// `PUBLISH channel message` and `SPUBLISH shardchannel message`: the state does not
    /// change; each node hands the message to its own subscribers when it applies it.
    Publish {
        /// The channel.
        channel: Bytes,
        /// What is published.
        message: Bytes,
        /// SPUBLISH: the channel is a shard channel.
        shard: bool,
    },
    /// `HSET key field value [field value ...]`, or `HMSET` (`ok_reply`) with the same effect.
    HSet {
        /// The hash.
        key: Bytes,
        /// Fields and values, in the order given.
        pairs: Vec<(Bytes, Bytes)>,
        /// HMSET: answer OK instead of the number of new fields.
        ok_reply: bool,
    },
    /// `HSETNX key field value`.
    HSetNx(Bytes, Bytes, Bytes),
    /// `HDEL key field...`.
    HDel(Bytes, Vec<Bytes>),
    /// `HINCRBY key field increment`.
    HIncrBy(Bytes, Bytes, i64),
    /// `HINCRBYFLOAT key field increment`.
    HIncrByFloat(Bytes, Bytes, LongDouble),
    /// `HGET key field`.
    HGet(Bytes, Bytes),
    /// `HMGET key field...`.
    HMGet(Bytes, Vec<Bytes>),
    /// `HEXISTS key field`.
    HExists(Bytes, Bytes),
    /// `HSTRLEN key field`.
    HStrlen(Bytes, Bytes),
    /// `HLEN key`.
    HLen(Bytes),
    /// `HGETALL`, `HKEYS` or `HVALS key`.
    HGetAll(Bytes, HashPart),
    /// `HSCAN key cursor [MATCH pattern] [COUNT count]`.
    HScan {
        /// The hash.
        key: Bytes,
        /// Where to go on from (a big hash's scan cursor; see `kv::big`).
        cursor: u64,
        /// About how many fields to look at.
        count: usize,
        /// Fields whose name matches this glob, if given.
        pattern: Option<Bytes>,
        /// `NOVALUES`: fields only.
        no_values: bool,
        /// What is wrong with the options, if anything: as in Redis, reported only when the
        /// key holds a hash (a missing key scans as empty, another type is WRONGTYPE).
        options_error: Option<CommandError>,
    },
    /// `HRANDFIELD key [count [WITHVALUES]]`, with the seed the server drew (0 as sent by a
    /// client, before the server rewrote it).
    HRandField {
        /// The hash.
        key: Bytes,
        /// Seed of the pick.
        seed: u64,
        /// The count, if given: distinct fields when positive, repeats allowed when negative.
        count: Option<i64>,
        /// WITHVALUES.
        with_values: bool,
    },
    /// `HEXPIRE`, `HPEXPIRE`, `HEXPIREAT` and `HPEXPIREAT key time [NX|XX|GT|LT] FIELDS
    /// numfields field...`: gives fields of a hash an expiry time.
    HExpire {
        /// The hash.
        key: Bytes,
        /// The expiry (relative until the server that took the command made it absolute).
        at: Expiry,
        /// The condition flag.
        condition: FieldCondition,
        /// The fields.
        fields: Vec<Bytes>,
        /// What is wrong with the arguments, if anything: as in Redis, reported only when the
        /// key does not hold another type (which is WRONGTYPE).
        error: Option<CommandError>,
    },
    /// `HTTL`, `HPTTL`, `HEXPIRETIME` and `HPEXPIRETIME key FIELDS numfields field...`.
    HTtl {
        /// The hash.
        key: Bytes,
        /// What to report for each field.
        kind: TtlKind,
        /// The fields.
        fields: Vec<Bytes>,
        /// What is wrong with the arguments (after WRONGTYPE, as for `HExpire`).
        error: Option<CommandError>,
    },
    /// `HPERSIST key FIELDS numfields field...`: removes fields' expiry times.
    HPersist {
        /// The hash.
        key: Bytes,
        /// The fields.
        fields: Vec<Bytes>,
        /// What is wrong with the arguments (after WRONGTYPE, as for `HExpire`).
        error: Option<CommandError>,
    },
    /// `HGETDEL key FIELDS numfields field...` (Redis 8.0): the fields' values, and the
    /// fields deleted.
    HGetDel {
        /// The hash.
        key: Bytes,
        /// The fields.
        fields: Vec<Bytes>,
        /// What is wrong with the arguments (after WRONGTYPE, as for `HExpire`).
        error: Option<CommandError>,
    },
    /// `HGETEX key [EX|PX|EXAT|PXAT time|PERSIST] FIELDS numfields field...` (Redis 8.0):
    /// the fields' values, and their expiry changed.
    HGetEx {
        /// The hash.
        key: Bytes,
        /// What happens to the TTL of each field found.
        ttl: FieldTtlChange,
        /// The fields.
        fields: Vec<Bytes>,
        /// What is wrong with the arguments (after WRONGTYPE, as for `HExpire`).
        error: Option<CommandError>,
    },
    /// `HSETEX key [FNX|FXX] [EX|PX|EXAT|PXAT time|KEEPTTL] FIELDS numfields field value...`
    /// (Redis 8.0): sets fields, optionally with an expiry.
    HSetEx {
        /// The hash.
        key: Bytes,
        /// FNX: only if none of the fields exists; FXX: only if all do.
        condition: SetCondition,
        /// What happens to the TTL of each field set.
        ttl: FieldTtlChange,
        /// Fields and values, in the order given.
        pairs: Vec<(Bytes, Bytes)>,
    },
    /// `LPUSH`, `RPUSH`, `LPUSHX` and `RPUSHX key element...`.
    Push {
        /// The list.
        key: Bytes,
        /// The elements, in the order given.
        elements: Vec<Bytes>,
        /// At the head (L) rather than the tail (R).
        head: bool,
        /// The X variants: only onto an existing list.
        existing_only: bool,
    },
    /// `LPOP` and `RPOP key [count]`.
    Pop {
        /// The list.
        key: Bytes,
        /// From the head (L) rather than the tail (R).
        head: bool,
        /// The count, if given: the reply is then an array.
        count: Option<usize>,
    },
    /// `LMPOP`, `BLMPOP`, `BLPOP` and `BRPOP`: pops from the first of `keys` that holds a list.
    /// The state machine tries once; the server blocks the blocking forms and tries again.
    MPop {
        /// The lists, in the order they are tried.
        keys: Vec<Bytes>,
        /// From the head (LEFT) rather than the tail.
        head: bool,
        /// Most elements to pop (1 for BLPOP and BRPOP).
        count: usize,
        /// BLPOP and BRPOP: answer `[key, element]` rather than `[key, [elements]]`.
        single: bool,
    },
    /// `PFADD key element...`.
    PfAdd(Bytes, Vec<Bytes>),
    /// `PFCOUNT key...`: the estimate of the union's distinct elements.
    PfCount(Vec<Bytes>),
    /// `PFMERGE dest source...`.
    PfMerge(Bytes, Vec<Bytes>),
    /// `SORT` and `SORT_RO`: the elements of a list, set or sorted set, sorted (or not, with a
    /// BY pattern without `*`), sliced, looked up through GET patterns, perhaps stored.
    Sort {
        /// The list, set or sorted set.
        key: Bytes,
        /// How to sort, slice and look up.
        options: SortOptions,
        /// STORE: the list the result replaces.
        store: Option<Bytes>,
    },
    /// `LLEN key`.
    LLen(Bytes),
    /// `BITFIELD key op...` and `BITFIELD_RO key GET...` (see `kv::bitfield`).
    BitField {
        /// The string.
        key: Bytes,
        /// The operations, in order.
        fields: Vec<super::bitfield::Field>,
    },
    /// `LCS key1 key2 [options]`: the keys, then the options, parsed once both keys are
    /// found to hold strings, as Redis does.
    Lcs(Vec<Bytes>),
    /// The internal read of LCS's two strings (the server builds the table itself, off the
    /// node's Raft turn); WRONGTYPE-like error as LCS answers it.
    LcsValues(Bytes, Bytes),
    /// A stream command (`XADD`, `XREAD`, ...; see `kv::stream`), parsed as it runs so that its
    /// errors come in Redis's order; `args` leave out the name.
    Stream {
        /// The command's lowercase name.
        name: &'static str,
        /// Its arguments.
        args: Vec<Bytes>,
    },
    /// A geo command but GEOADD (GEOPOS, GEODIST, GEOHASH, GEORADIUS, GEOSEARCH, ...; see
    /// `kv::geo`), parsed as it runs so that its errors come in Redis's order. GEOADD is a
    /// [`Command::ZAdd`] of the positions' scores, as in Redis.
    Geo {
        /// The command's lowercase name.
        name: &'static str,
        /// The whole command, its name as sent first (some errors quote it).
        args: Vec<Bytes>,
    },
    /// `LRANGE key start stop`.
    LRange(Bytes, i64, i64),
    /// `LINDEX key index`; the index is parsed only once the key is found to hold a list, as
    /// Redis does.
    LIndex(Bytes, Bytes),
    /// `LSET key index element`; the index is parsed as for LINDEX.
    LSet(Bytes, Bytes, Bytes),
    /// `LREM key count element`.
    LRem(Bytes, i64, Bytes),
    /// `LTRIM key start stop`.
    LTrim(Bytes, i64, i64),
    /// `LINSERT key BEFORE|AFTER pivot element`.
    LInsert {
        /// The list.
        key: Bytes,
        /// BEFORE rather than AFTER.
        before: bool,
        /// The element to insert next to.
        pivot: Bytes,
        /// The element inserted.
        element: Bytes,
    },
    /// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`.
    LPos {
        /// The list.
        key: Bytes,
        /// The element looked for.
        element: Bytes,
        /// Which match comes first: 1 the first from the head, -1 the first from the tail.
        rank: i64,
        /// COUNT, if given (0: all matches); the reply is then an array.
        count: Option<usize>,
        /// MAXLEN: compare at most this many elements (0: all).
        max_len: usize,
    },
    /// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`, and `RPOPLPUSH` (RIGHT LEFT).
    LMove {
        /// The list popped from.
        from: Bytes,
        /// The list pushed onto.
        to: Bytes,
        /// Pop from the head (LEFT) rather than the tail.
        from_head: bool,
        /// Push at the head (LEFT) rather than the tail.
        to_head: bool,
    },
    /// `SADD key member...`.
    SAdd(Bytes, Vec<Bytes>),
    /// `SREM key member...`.
    SRem(Bytes, Vec<Bytes>),
    /// `SMEMBERS key`.
    SMembers(Bytes),
    /// `SISMEMBER key member`.
    SIsMember(Bytes, Bytes),
    /// `SMISMEMBER key member...`.
    SMIsMember(Bytes, Vec<Bytes>),
    /// `SCARD key`.
    SCard(Bytes),
    /// `SPOP key [count]`, with the seed the server drew (0 as a client sent it).
    SPop {
        /// The set.
        key: Bytes,
        /// Seed of the pick.
        seed: u64,
        /// The count, if given: the reply is then an array.
        count: Option<usize>,
    },
    /// `SRANDMEMBER key [count]`, seeded like SPOP.
    SRandMember {
        /// The set.
        key: Bytes,
        /// Seed of the pick.
        seed: u64,
        /// The count, if given: distinct members when positive, repeats allowed when negative.
        count: Option<i64>,
    },
    /// `SMOVE source destination member`.
    SMove {
        /// The set taken from.
        from: Bytes,
        /// The set added to.
        to: Bytes,
        /// The member moved.
        member: Bytes,
    },
    /// `SINTER`, `SUNION`, `SDIFF` and their `...STORE` forms.
    SetOp {
        /// What is computed.
        op: SetOp,
        /// The sets, a missing key being an empty set.
        keys: Vec<Bytes>,
        /// The `...STORE` destination.
        store: Option<Bytes>,
    },
    /// `SINTERCARD numkeys key... [LIMIT limit]`.
    SInterCard {
        /// The sets.
        keys: Vec<Bytes>,
        /// Stop counting here (0: no limit).
        limit: usize,
    },
    /// `SSCAN key cursor [MATCH pattern] [COUNT count]`.
    SScan {
        /// The set.
        key: Bytes,
        /// Where to go on from (a big set's scan cursor).
        cursor: u64,
        /// About how many members to look at.
        count: usize,
        /// Members that match this glob, if given.
        pattern: Option<Bytes>,
        /// What is wrong with the options, reported only when the key holds a set.
        options_error: Option<CommandError>,
    },
    /// `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member...` and `ZINCRBY` (INCR, one pair).
    ZAdd {
        /// The sorted set.
        key: Bytes,
        /// Scores (or increments) and members, in the order given.
        pairs: Vec<(f64, Bytes)>,
        /// The options.
        flags: ZAddFlags,
    },
    /// `ZREM key member...`.
    ZRem(Bytes, Vec<Bytes>),
    /// `ZSCORE key member` and `ZMSCORE key member...` (`many`: answer an array).
    ZScore {
        /// The sorted set.
        key: Bytes,
        /// The members asked about.
        members: Vec<Bytes>,
        /// ZMSCORE.
        many: bool,
    },
    /// `ZCARD key`.
    ZCard(Bytes),
    /// `ZCOUNT` (score range) and `ZLEXCOUNT` (lexicographic range).
    ZCount(Bytes, ZRange),
    /// `ZRANK` and `ZREVRANK key member`.
    ZRank {
        /// The sorted set.
        key: Bytes,
        /// The member.
        member: Bytes,
        /// ZREVRANK: counted from the highest score.
        rev: bool,
    },
    /// `ZRANGE` in all its forms, and the older ZRANGEBYSCORE, ZREVRANGE, ... it replaces.
    ZRangeQuery {
        /// The sorted set.
        key: Bytes,
        /// Which members, by rank, score or name.
        range: ZRange,
        /// From the highest score down.
        rev: bool,
        /// LIMIT offset count (score and lexicographic ranges only).
        limit: Option<(i64, i64)>,
        /// WITHSCORES.
        with_scores: bool,
    },
    /// `ZPOPMIN` and `ZPOPMAX key [count]`.
    ZPop {
        /// The sorted set.
        key: Bytes,
        /// ZPOPMAX.
        max: bool,
        /// How many, if given (the reply is then pairs; without, one flat member and score).
        count: Option<usize>,
    },
    /// `ZMPOP`, `BZMPOP`, `BZPOPMIN` and `BZPOPMAX`: pops from the first of `keys` that holds
    /// a sorted set; tried once, like [`Command::MPop`].
    ZMPop {
        /// The sorted sets, in the order they are tried.
        keys: Vec<Bytes>,
        /// The highest scores (MAX) rather than the lowest.
        max: bool,
        /// Most members to pop (1 for BZPOPMIN and BZPOPMAX).
        count: usize,
        /// BZPOPMIN and BZPOPMAX: answer `[key, member, score]` rather than
        /// `[key, [[member, score]...]]`.
        single: bool,
    },
    /// `ZUNION`, `ZINTER`, `ZDIFF`, their STORE forms, and `ZINTERCARD`. Plain sets are read as
    /// sorted sets whose scores are all 1, as Redis reads them.
    ZCombine {
        /// Union, intersection or difference.
        op: SetOp,
        /// The inputs.
        keys: Vec<Bytes>,
        /// WEIGHTS: one factor per input (1 without).
        weights: Vec<f64>,
        /// AGGREGATE: how the scores of a member in several inputs combine.
        aggregate: Aggregate,
        /// WITHSCORES (the forms that answer the members).
        with_scores: bool,
        /// The STORE forms' destination.
        store: Option<Bytes>,
        /// ZINTERCARD: answer the size of the intersection, counting up to this LIMIT (0 for
        /// none).
        card_limit: Option<usize>,
        /// An error in the options after the keys: Redis reports a key of the wrong type first.
        options_error: Option<CommandError>,
    },
    /// `ZRANGESTORE dst src min max ...`: stores what the ZRANGE query (a
    /// [`Command::ZRangeQuery`]) selects.
    ZRangeStore {
        /// Where the result goes.
        dest: Bytes,
        /// The query, on the source key.
        query: Box<Command>,
    },
    /// `ZREMRANGEBYRANK`, `ZREMRANGEBYSCORE` and `ZREMRANGEBYLEX`.
    ZRemRange(Bytes, ZRange),
    /// `ZRANDMEMBER key [count [WITHSCORES]]`, with the seed the server drew.
    ZRandMember {
        /// The sorted set.
        key: Bytes,
        /// Seed of the pick.
        seed: u64,
        /// The count, if given: distinct members when positive, repeats when negative.
        count: Option<i64>,
        /// WITHSCORES.
        with_scores: bool,
    },
    /// `ZSCAN key cursor [MATCH pattern] [COUNT count]`.
    ZScan {
        /// The sorted set.
        key: Bytes,
        /// Where to go on from (a big sorted set's scan cursor).
        cursor: u64,
        /// About how many members to look at.
        count: usize,
        /// Members that match this glob, if given.
        pattern: Option<Bytes>,
        /// What is wrong with the options, reported only when the key holds a sorted set.
        options_error: Option<CommandError>,
    },
    /// `GET key`.
    Get(Bytes),
    /// `MGET key...`.
    MGet(Vec<Bytes>),
    /// `SET`, `SETEX` and `PSETEX`.
    Set {
        /// The key.
        key: Bytes,
        /// The new value.
        value: Bytes,
        /// NX / XX.
        condition: SetCondition,
        /// `GET`: reply with the old value.
        get: bool,
        /// What happens to the TTL.
        ttl: SetTtl,
    },
    /// `SETNX key value`.
    SetNx(Bytes, Bytes),
    /// `GETSET key value`.
    GetSet(Bytes, Bytes),
    /// `GETDEL key`.
    GetDel(Bytes),
    /// `GETEX key [option]`.
    GetEx(Bytes, GetExTtl),
    /// `MSET` (`nx == false`) and `MSETNX`.
    MSet {
        /// Key-value pairs in argument order.
        pairs: Vec<(Bytes, Bytes)>,
        /// `MSETNX`: set nothing if any key exists.
        nx: bool,
    },
    /// `APPEND key value`.
    Append(Bytes, Bytes),
    /// `STRLEN key`.
    Strlen(Bytes),
    /// `GETRANGE key start end` (and `SUBSTR`).
    GetRange(Bytes, i64, i64),
    /// `SETRANGE key offset value`; the offset is validated non-negative.
    SetRange(Bytes, usize, Bytes),
    /// `INCR`, `DECR`, `INCRBY`, `DECRBY` as one signed increment.
    IncrBy(Bytes, i64),
    /// `INCRBYFLOAT key increment`.
    IncrByFloat(Bytes, Option<LongDouble>),
    /// `DEL` and `UNLINK`.
    Del(Vec<Bytes>),
    /// `EXISTS key...`, and `TOUCH key...` (no access times are kept, so it only counts).
    Exists(Vec<Bytes>),
    /// `COPY source destination [DB 0] [REPLACE]`; the names differ.
    Copy {
        /// The key to copy.
        from: Bytes,
        /// The key to create.
        to: Bytes,
        /// Overwrite `to` if it exists.
        replace: bool,
    },
    /// `SETBIT key offset value`: the bit offset (below 2^32) and the new bit.
    SetBit(Bytes, u64, bool),
    /// `GETBIT key offset`.
    GetBit(Bytes, u64),
    /// `BITCOUNT key [start end [BYTE|BIT]]`. As in Redis, a missing key counts 0 before
    /// the range is looked at, so the range is parsed when the command runs.
    BitCount(Bytes, Vec<Bytes>),
    /// `BITPOS key bit [start [end [BYTE|BIT]]]`; like `BITCOUNT`, the range is parsed only
    /// when the key exists.
    BitPos(Bytes, bool, Vec<Bytes>),
    /// `BITOP op destkey key...`.
    BitOp {
        /// AND, OR, XOR or NOT.
        op: BitOperation,
        /// Where the result goes (deleted when the result is empty).
        dest: Bytes,
        /// The operands; exactly one for NOT.
        sources: Vec<Bytes>,
    },
    /// `TYPE key`.
    Type(Bytes),
    /// `KEYS pattern`.
    Keys(Bytes),
    /// `SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]`.
    Scan {
        /// Where to continue; 0 starts a new iteration.
        cursor: u64,
        /// Glob filter.
        pattern: Option<Bytes>,
        /// Number of keys to examine (a hint, at least 1).
        count: usize,
        /// Type filter (`string` matches every key, anything else none).
        kind: Option<Bytes>,
    },
    /// `RENAME` (`nx == false`) and `RENAMENX`.
    Rename {
        /// The key to move.
        from: Bytes,
        /// The new name.
        to: Bytes,
        /// `RENAMENX`: only if `to` is missing.
        nx: bool,
    },
    /// `EXPIRE`, `PEXPIRE`, `EXPIREAT`, `PEXPIREAT`.
    Expire {
        /// The key.
        key: Bytes,
        /// The new expiry; a time not after "now" deletes the key.
        at: Expiry,
        /// NX / XX / GT / LT.
        condition: ExpireCondition,
    },
    /// `PERSIST key`.
    Persist(Bytes),
    /// `TTL`, `PTTL`, `EXPIRETIME`, `PEXPIRETIME`.
    Ttl(Bytes, TtlKind),
    /// `DBSIZE`.
    DbSize,
    /// `FLUSHDB` / `FLUSHALL`.
    Flush,
    /// `DEBUG DIGEST`: the state's content hash in hex.
    Digest,
    /// `MEMORY USAGE key [SAMPLES count]`: the bytes a key takes on this node, estimated.
    MemoryUsage(Bytes),
    /// `MEMORY HELP`.
    MemoryHelp,
    /// `OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key`.
    Object(ObjectQuery, Bytes),
    /// `OBJECT HELP`.
    ObjectHelp,
    /// Internal read: the number of live keys and of live keys with a TTL.
    Keyspace,
    /// Internal read: the WATCH version of each key.
    Version(Vec<Bytes>),
    /// `RANDOMKEY`, or the internal read it becomes: the first live key from the seed's slot
    /// of the keyspace's storage (0 for a bare `RANDOMKEY`).
    RandomKey(u64),
    /// Internal write: deletes each key that has expired at the batch's time.
    Purge(Vec<Bytes>),
    /// `EVAL`, `EVALSHA` and their `_RO` forms: a Lua script (see `kv::script`).
    Eval {
        script: ScriptRef,
        keys: Vec<Bytes>,
        argv: Vec<Bytes>,
        /// `_RO`: the script may not write.
        read_only: bool,
    },
    /// `SCRIPT LOAD body`: caches a script for EVALSHA on every node.
    ScriptLoad(Bytes),
    /// `SCRIPT EXISTS sha...`.
    ScriptExists(Vec<Bytes>),
    /// `SCRIPT FLUSH [ASYNC|SYNC]`.
    ScriptFlush,
    /// `SCRIPT KILL`: never a script to kill (none runs across commands).
    ScriptKill,
    /// `SCRIPT HELP`.
    ScriptHelp,
    /// `FCALL` and `FCALL_RO`: calls a function of a loaded library (see `kv::function`).
    FCall {
        function: Bytes,
        keys: Vec<Bytes>,
        args: Vec<Bytes>,
        /// `FCALL_RO`: the function must be flagged `no-writes`.
        read_only: bool,
        /// Why `numkeys` is refused, if it is.
        bad_numkeys: Option<&'static str>,
    },
    /// `FUNCTION` and its subcommands.
    Function(FunctionCommand),
    /// `MIGRATE`, which each connection runs itself (see `server::migrate`); it reaches the
    /// state machine only from MULTI or a script, where it is refused. Holds its keys, for
    /// `COMMAND GETKEYS`.
    Migrate(Vec<Bytes>),
    /// `DUMP key`: the value in Redis's serialization (see `kv::rdb`).
    Dump(Bytes),
    /// `RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]`. IDLETIME and FREQ
    /// are checked and dropped: no access times or frequencies are kept.
    Restore {
        key: Bytes,
        ttl: RestoreTtl,
        payload: Bytes,
        replace: bool,
    },
}

/// RESTORE's TTL.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreTtl {
    /// 0: the key does not expire.
    Never,
    /// When the key expires.
    At(Expiry),
    /// A TTL Redis refuses; reported only after the check for an existing key, as Redis does.
    Invalid(CommandError),
}

/// What `FUNCTION RESTORE` does with the libraries already loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestorePolicy {
    /// Add the payload's libraries; fail on any collision (the default).
    Append,
    /// Add them, replacing libraries of the same name.
    Replace,
    /// Delete every library first.
    Flush,
}

/// A `FUNCTION` subcommand.
#[derive(Clone, Debug, PartialEq)]
pub enum FunctionCommand {
    /// `LOAD [REPLACE] code`.
    Load { code: Bytes, replace: bool },
    /// `DELETE library`.
    Delete(Bytes),
    /// `FLUSH [ASYNC|SYNC]`.
    Flush,
    /// `LIST [LIBRARYNAME pattern] [WITHCODE]`.
    List {
        pattern: Option<Bytes>,
        with_code: bool,
    },
    /// `STATS`.
    Stats,
    /// `KILL`: never a function to kill (none runs across commands).
    Kill,
    /// `DUMP`.
    Dump,
    /// `RESTORE payload [FLUSH|APPEND|REPLACE]`.
    Restore {
        payload: Bytes,
        policy: RestorePolicy,
    },
    /// `HELP`.
    Help,
}

/// The script an EVAL runs: its body, or the SHA-1 of a cached one (EVALSHA).
#[derive(Clone, Debug, PartialEq)]
pub enum ScriptRef {
    Body(Bytes),
    Sha(Bytes),
}

impl Command {
    /// Parses `args` (command name first), checking arity and syntax like Redis 7.
    ///
    /// # Errors
    /// The Redis error the client must see: unknown command, wrong arity, syntax, bad number.
    pub fn parse(args: &[Bytes]) -> Result<(Command, &'static Spec), CommandError> {
        let spec = lookup_checked(args)?;
        // Clients cannot send more (see `--proto-max-bulk-len`); a log entry from elsewhere
        // must not either, as the keyspace stores lengths in 30 and 32 bits.
        if args.iter().any(|a| a.len() > MAX_STRING_BYTES) {
            return Err(CommandError::TooLarge);
        }
        let a = &args[1..];
        let cmd = match spec.name {
            "get" => Command::Get(a[0].clone()),
            "mget" => Command::MGet(a.to_vec()),
            "set" => parse_set(a)?,
            "setex" | "psetex" => {
                let amount = parse_i64(&a[1])?;
                let expiry = relative_expiry(amount, spec.name == "setex", spec.name)?;
                Command::Set {
                    key: a[0].clone(),
                    value: a[2].clone(),
                    condition: SetCondition::Always,
                    get: false,
                    ttl: SetTtl::At(expiry),
                }
            }
            "setnx" => Command::SetNx(a[0].clone(), a[1].clone()),
            "getset" => Command::GetSet(a[0].clone(), a[1].clone()),
            "getdel" => Command::GetDel(a[0].clone()),
            "getex" => parse_getex(a)?,
            "mset" | "msetnx" => {
                if !a.len().is_multiple_of(2) {
                    return Err(CommandError::Arity(spec.name.to_string()));
                }
                let pairs = a
                    .chunks_exact(2)
                    .map(|kv| (kv[0].clone(), kv[1].clone()))
                    .collect();
                Command::MSet {
                    pairs,
                    nx: spec.name == "msetnx",
                }
            }
            "append" => Command::Append(a[0].clone(), a[1].clone()),
            "strlen" => Command::Strlen(a[0].clone()),
            "getrange" | "substr" => {
                Command::GetRange(a[0].clone(), parse_i64(&a[1])?, parse_i64(&a[2])?)
            }
            "setrange" => {
                let offset = parse_i64(&a[1])?;
                if offset < 0 {
                    return Err(CommandError::OffsetOutOfRange);
                }
                let offset = usize::try_from(offset).map_err(|_| CommandError::TooLarge)?;
                // The size limit is checked when it runs, after the key's type, as in Redis.
                Command::SetRange(a[0].clone(), offset, a[2].clone())
            }
            "incr" => Command::IncrBy(a[0].clone(), 1),
            "decr" => Command::IncrBy(a[0].clone(), -1),
            "incrby" => Command::IncrBy(a[0].clone(), parse_i64(&a[1])?),
            "decrby" => {
                let by = parse_i64(&a[1])?;
                let by = by.checked_neg().ok_or(CommandError::DecrementOverflow)?;
                Command::IncrBy(a[0].clone(), by)
            }
            // Redis looks at the key's type before the increment, so an increment that is not
            // a number is kept as `None` and refused when the command runs.
            "incrbyfloat" => Command::IncrByFloat(a[0].clone(), parse_float(&a[1]).ok()),
            "del" | "unlink" => Command::Del(a.to_vec()),
            "exists" | "touch" => Command::Exists(a.to_vec()),
            "publish" | "spublish" => Command::Publish {
                channel: a[0].clone(),
                message: a[1].clone(),
                shard: spec.name == "spublish",
            },
            "copy" => parse_copy(a)?,
            "setbit" => {
                let offset = parse_bit_offset(&a[1])?;
                let bit = match parse_i64_strict(&a[2]) {
                    Some(0) => false,
                    Some(1) => true,
                    _ => return Err(CommandError::BitValue),
                };
                Command::SetBit(a[0].clone(), offset, bit)
            }
            "getbit" => Command::GetBit(a[0].clone(), parse_bit_offset(&a[1])?),
            "bitfield" | "bitfield_ro" => Command::BitField {
                key: a[0].clone(),
                fields: super::bitfield::parse(&a[1..], spec.name == "bitfield_ro")?,
            },
            "lcs" => Command::Lcs(a.to_vec()),
            "__lcsvalues" => Command::LcsValues(a[0].clone(), a[1].clone()),
            "bitcount" => Command::BitCount(a[0].clone(), a[1..].to_vec()),
            "bitpos" => {
                let bit = match parse_i64(&a[1])? {
                    0 => false,
                    1 => true,
                    _ => return Err(CommandError::BitPosArgument),
                };
                Command::BitPos(a[0].clone(), bit, a[2..].to_vec())
            }
            "bitop" => {
                let op = match a[0].to_ascii_uppercase().as_slice() {
                    b"AND" => BitOperation::And,
                    b"OR" => BitOperation::Or,
                    b"XOR" => BitOperation::Xor,
                    b"NOT" => BitOperation::Not,
                    _ => return Err(CommandError::Syntax),
                };
                if op == BitOperation::Not && a.len() != 3 {
                    return Err(CommandError::BitOpNot);
                }
                Command::BitOp {
                    op,
                    dest: a[1].clone(),
                    sources: a[2..].to_vec(),
                }
            }
            "type" => Command::Type(a[0].clone()),
            "keys" => Command::Keys(a[0].clone()),
            "scan" => parse_scan(a)?,
            "rename" | "renamenx" => Command::Rename {
                from: a[0].clone(),
                to: a[1].clone(),
                nx: spec.name == "renamenx",
            },
            "expire" | "pexpire" | "expireat" | "pexpireat" => parse_expire(spec.name, a)?,
            "persist" => Command::Persist(a[0].clone()),
            "ttl" => Command::Ttl(a[0].clone(), TtlKind::RemainingSeconds),
            "pttl" => Command::Ttl(a[0].clone(), TtlKind::RemainingMs),
            "expiretime" => Command::Ttl(a[0].clone(), TtlKind::AtSeconds),
            "pexpiretime" => Command::Ttl(a[0].clone(), TtlKind::AtMs),
            "dbsize" => Command::DbSize,
            "flushdb" | "flushall" => {
                match a {
                    [] => {}
                    [mode]
                        if mode.eq_ignore_ascii_case(b"async")
                            || mode.eq_ignore_ascii_case(b"sync") => {}
                    _ => return Err(CommandError::Syntax),
                }
                Command::Flush
            }
            "debug" => {
                if a[0].eq_ignore_ascii_case(b"digest") && a.len() == 1 {
                    Command::Digest
                } else {
                    return Err(CommandError::UnknownSubcommand(lossy(&a[0], 128), "DEBUG"));
                }
            }
            "memory" => parse_memory(a)?,
            "object" => {
                let sub = a[0].to_ascii_lowercase();
                let query = match sub.as_slice() {
                    b"help" if a.len() == 1 => return Ok((Command::ObjectHelp, spec)),
                    b"help" => return Err(CommandError::Arity("object|help".into())),
                    b"encoding" => ObjectQuery::Encoding,
                    b"refcount" => ObjectQuery::RefCount,
                    b"idletime" => ObjectQuery::IdleTime,
                    b"freq" => ObjectQuery::Freq,
                    _ => {
                        return Err(CommandError::UnknownSubcommand(lossy(&a[0], 128), "OBJECT"));
                    }
                };
                match a {
                    [_, key] => Command::Object(query, key.clone()),
                    _ => {
                        let name = format!("object|{}", String::from_utf8_lossy(&sub));
                        return Err(CommandError::Arity(name));
                    }
                }
            }
            "eval" | "eval_ro" | "evalsha" | "evalsha_ro" => parse_eval(spec.name, a)?,
            "script" => parse_script(a)?,
            "fcall" | "fcall_ro" => parse_fcall(spec.name == "fcall_ro", a)?,
            "dump" => Command::Dump(a[0].clone()),
            "migrate" => Command::Migrate(migrate_keys(a)),
            "restore" => parse_restore(a)?,
            "function" => {
                check_stream_subcommand("function", a)?;
                Command::Function(parse_function(a)?)
            }
            "__keyspace" => Command::Keyspace,
            "__version" => Command::Version(a.to_vec()),
            "randomkey" => Command::RandomKey(0),
            "__randomkey" => Command::RandomKey(parse_seed(&a[0])?),
            "__purge" => Command::Purge(a.to_vec()),
            "hset" | "hmset" => {
                if !(a.len() - 1).is_multiple_of(2) {
                    return Err(CommandError::Arity(spec.name.to_string()));
                }
                Command::HSet {
                    key: a[0].clone(),
                    pairs: a[1..]
                        .chunks_exact(2)
                        .map(|fv| (fv[0].clone(), fv[1].clone()))
                        .collect(),
                    ok_reply: spec.name == "hmset",
                }
            }
            "hsetnx" => Command::HSetNx(a[0].clone(), a[1].clone(), a[2].clone()),
            "zadd" => parse_zadd(a)?,
            "zincrby" => Command::ZAdd {
                key: a[0].clone(),
                pairs: vec![(parse_zscore(&a[1])?, a[2].clone())],
                flags: ZAddFlags {
                    incr: true,
                    ..ZAddFlags::default()
                },
            },
            "zrem" => Command::ZRem(a[0].clone(), a[1..].to_vec()),
            "zscore" | "zmscore" => Command::ZScore {
                key: a[0].clone(),
                members: a[1..].to_vec(),
                many: spec.name == "zmscore",
            },
            "zcard" => Command::ZCard(a[0].clone()),
            "zcount" => Command::ZCount(a[0].clone(), parse_score_range(&a[1], &a[2])?),
            "zlexcount" => Command::ZCount(a[0].clone(), parse_lex_range(&a[1], &a[2])?),
            "zrank" | "zrevrank" => Command::ZRank {
                key: a[0].clone(),
                member: a[1].clone(),
                rev: spec.name == "zrevrank",
            },
            "zrange" | "zrangebyscore" | "zrevrangebyscore" | "zrevrange" | "zrangebylex"
            | "zrevrangebylex" => parse_zrange(spec.name, a)?,
            "zpopmin" | "zpopmax" => {
                let count = match a {
                    [_] => None,
                    [_, count] => Some(
                        parse_i64(count)
                            .ok()
                            .and_then(|n| usize::try_from(n).ok())
                            .ok_or(CommandError::NotPositive)?,
                    ),
                    _ => return Err(CommandError::Syntax),
                };
                Command::ZPop {
                    key: a[0].clone(),
                    max: spec.name == "zpopmax",
                    count,
                }
            }
            "zunion" | "zinter" | "zdiff" | "zunionstore" | "zinterstore" | "zdiffstore"
            | "zintercard" => parse_zcombine(spec.name, a)?,
            "zrangestore" => Command::ZRangeStore {
                dest: a[0].clone(),
                query: Box::new(parse_zrange_for(spec.name, &a[1..], true)?),
            },
            "zremrangebyrank" => Command::ZRemRange(
                a[0].clone(),
                ZRange::Rank(parse_i64(&a[1])?, parse_i64(&a[2])?),
            ),
            "zremrangebyscore" => {
                Command::ZRemRange(a[0].clone(), parse_score_range(&a[1], &a[2])?)
            }
            "zremrangebylex" => Command::ZRemRange(a[0].clone(), parse_lex_range(&a[1], &a[2])?),
            "zrandmember" => parse_zrandmember(0, a)?,
            "__zrandmember" => parse_zrandmember(parse_seed(&a[0])?, &a[1..])?,
            "zscan" => {
                let Command::HScan {
                    key,
                    cursor,
                    count,
                    pattern,
                    no_values,
                    options_error,
                } = parse_hscan(a)?
                else {
                    return Err(CommandError::Syntax);
                };
                let options_error = options_error.or(no_values.then_some(NOVALUES_HSCAN_ONLY));
                Command::ZScan {
                    key,
                    cursor,
                    count,
                    pattern,
                    options_error,
                }
            }
            "sadd" => Command::SAdd(a[0].clone(), a[1..].to_vec()),
            "srem" => Command::SRem(a[0].clone(), a[1..].to_vec()),
            "smembers" => Command::SMembers(a[0].clone()),
            "sismember" => Command::SIsMember(a[0].clone(), a[1].clone()),
            "smismember" => Command::SMIsMember(a[0].clone(), a[1..].to_vec()),
            "scard" => Command::SCard(a[0].clone()),
            "spop" => parse_spop(0, a)?,
            "__spop" => parse_spop(parse_seed(&a[0])?, &a[1..])?,
            "srandmember" => parse_srandmember(0, a)?,
            "__srandmember" => parse_srandmember(parse_seed(&a[0])?, &a[1..])?,
            "smove" => Command::SMove {
                from: a[0].clone(),
                to: a[1].clone(),
                member: a[2].clone(),
            },
            "sinter" | "sunion" | "sdiff" | "sinterstore" | "sunionstore" | "sdiffstore" => {
                let op = match &spec.name[..2] {
                    "si" => SetOp::Inter,
                    "su" => SetOp::Union,
                    _ => SetOp::Diff,
                };
                let (store, keys) = if spec.name.ends_with("store") {
                    (Some(a[0].clone()), a[1..].to_vec())
                } else {
                    (None, a.to_vec())
                };
                Command::SetOp { op, keys, store }
            }
            "sintercard" => parse_sintercard(a)?,
            "sscan" => {
                let Command::HScan {
                    key,
                    cursor,
                    count,
                    pattern,
                    no_values,
                    options_error,
                } = parse_hscan(a)?
                else {
                    return Err(CommandError::Syntax);
                };
                let options_error = options_error.or(no_values.then_some(NOVALUES_HSCAN_ONLY));
                Command::SScan {
                    key,
                    cursor,
                    count,
                    pattern,
                    options_error,
                }
            }
            "lpush" | "rpush" | "lpushx" | "rpushx" => Command::Push {
                key: a[0].clone(),
                elements: a[1..].to_vec(),
                head: spec.name.starts_with('l'),
                existing_only: spec.name.ends_with('x'),
            },
            "lpop" | "rpop" => {
                let count = match a {
                    [_] => None,
                    [_, count] => {
                        let n = parse_i64(count).map_err(|_| CommandError::NotPositive)?;
                        Some(usize::try_from(n).map_err(|_| CommandError::NotPositive)?)
                    }
                    _ => return Err(CommandError::Arity(spec.name.to_string())),
                };
                Command::Pop {
                    key: a[0].clone(),
                    head: spec.name == "lpop",
                    count,
                }
            }
            "pfadd" => Command::PfAdd(a[0].clone(), a[1..].to_vec()),
            "pfcount" => Command::PfCount(a.to_vec()),
            "pfmerge" => Command::PfMerge(a[0].clone(), a[1..].to_vec()),
            "sort" | "sort_ro" => parse_sort(spec.name == "sort_ro", a)?,
            "llen" => Command::LLen(a[0].clone()),
            name if super::stream::is_stream_command(name) => {
                check_stream_subcommand(name, a)?;
                Command::Stream {
                    name: spec.name,
                    args: a.to_vec(),
                }
            }
            "geoadd" => super::geo::parse_add(a)?,
            name if super::geo::is_geo_command(name) => Command::Geo {
                name: spec.name,
                args: args.to_vec(),
            },
            "lrange" => Command::LRange(a[0].clone(), parse_i64(&a[1])?, parse_i64(&a[2])?),
            "ltrim" => Command::LTrim(a[0].clone(), parse_i64(&a[1])?, parse_i64(&a[2])?),
            "lindex" => Command::LIndex(a[0].clone(), a[1].clone()),
            "lset" => Command::LSet(a[0].clone(), a[1].clone(), a[2].clone()),
            "lrem" => Command::LRem(a[0].clone(), parse_i64(&a[1])?, a[2].clone()),
            "linsert" => {
                let before = if a[1].eq_ignore_ascii_case(b"before") {
                    true
                } else if a[1].eq_ignore_ascii_case(b"after") {
                    false
                } else {
                    return Err(CommandError::Syntax);
                };
                Command::LInsert {
                    key: a[0].clone(),
                    before,
                    pivot: a[2].clone(),
                    element: a[3].clone(),
                }
            }
            "lpos" => parse_lpos(a)?,
            "lmove" => Command::LMove {
                from: a[0].clone(),
                to: a[1].clone(),
                from_head: parse_side(&a[2])?,
                to_head: parse_side(&a[3])?,
            },
            "blpop" | "brpop" | "bzpopmin" | "bzpopmax" => {
                let (timeout, keys) = a.split_last().ok_or(CommandError::Syntax)?;
                parse_timeout(timeout)?;
                let keys = keys.to_vec();
                if spec.name.starts_with("bz") {
                    Command::ZMPop {
                        keys,
                        max: spec.name == "bzpopmax",
                        count: 1,
                        single: true,
                    }
                } else {
                    Command::MPop {
                        keys,
                        head: spec.name == "blpop",
                        count: 1,
                        single: true,
                    }
                }
            }
            "lmpop" | "zmpop" => parse_mpop(spec.name == "zmpop", a)?,
            // Like Redis, these check their other arguments before the timeout.
            "blmpop" | "bzmpop" => {
                let cmd = parse_mpop(spec.name == "bzmpop", &a[1..])?;
                parse_timeout(&a[0])?;
                cmd
            }
            "blmove" => {
                let cmd = Command::LMove {
                    from: a[0].clone(),
                    to: a[1].clone(),
                    from_head: parse_side(&a[2])?,
                    to_head: parse_side(&a[3])?,
                };
                parse_timeout(&a[4])?;
                cmd
            }
            "brpoplpush" => {
                parse_timeout(&a[2])?;
                Command::LMove {
                    from: a[0].clone(),
                    to: a[1].clone(),
                    from_head: false,
                    to_head: true,
                }
            }
            "rpoplpush" => Command::LMove {
                from: a[0].clone(),
                to: a[1].clone(),
                from_head: false,
                to_head: true,
            },
            "hdel" => Command::HDel(a[0].clone(), a[1..].to_vec()),
            "hincrby" => Command::HIncrBy(a[0].clone(), a[1].clone(), parse_i64(&a[2])?),
            "hincrbyfloat" => {
                let by = parse_float(&a[2])?;
                if !by.is_finite() {
                    return Err(CommandError::IncrementNotFinite);
                }
                Command::HIncrByFloat(a[0].clone(), a[1].clone(), by)
            }
            "hget" => Command::HGet(a[0].clone(), a[1].clone()),
            "hmget" => Command::HMGet(a[0].clone(), a[1..].to_vec()),
            "hexists" => Command::HExists(a[0].clone(), a[1].clone()),
            "hstrlen" => Command::HStrlen(a[0].clone(), a[1].clone()),
            "hlen" => Command::HLen(a[0].clone()),
            "hgetall" => Command::HGetAll(a[0].clone(), HashPart::Both),
            "hkeys" => Command::HGetAll(a[0].clone(), HashPart::Fields),
            "hvals" => Command::HGetAll(a[0].clone(), HashPart::Values),
            "hscan" => parse_hscan(a)?,
            "hexpire" | "hpexpire" | "hexpireat" | "hpexpireat" => parse_hexpire(spec.name, a),
            "httl" | "hpttl" | "hexpiretime" | "hpexpiretime" => {
                let kind = match spec.name {
                    "httl" => TtlKind::RemainingSeconds,
                    "hpttl" => TtlKind::RemainingMs,
                    "hexpiretime" => TtlKind::AtSeconds,
                    _ => TtlKind::AtMs,
                };
                let (fields, error) = deferred_fields(&a[1..]);
                Command::HTtl {
                    key: a[0].clone(),
                    kind,
                    fields,
                    error,
                }
            }
            "hgetdel" => {
                let (fields, error) = deferred_fields(&a[1..]);
                Command::HGetDel {
                    key: a[0].clone(),
                    fields,
                    error,
                }
            }
            "hgetex" => parse_hgetex(a),
            "hsetex" => parse_hsetex(a)?,
            "hpersist" => {
                let (fields, error) = deferred_fields(&a[1..]);
                Command::HPersist {
                    key: a[0].clone(),
                    fields,
                    error,
                }
            }
            "hrandfield" => parse_hrandfield(0, a)?,
            "__hrandfield" => parse_hrandfield(parse_seed(&a[0])?, &a[1..])?,
            _ => return Err(unknown_command(args)),
        };
        Ok((cmd, spec))
    }

    /// The keys of a command whose keys are not where its [`Spec`] says (those after a
    /// `numkeys`, MIGRATE's after KEYS, XREAD's after STREAMS, OBJECT's, SORT's STORE), for
    /// `COMMAND GETKEYS`; `None` for the others.
    pub fn movable_keys(&self) -> Option<Vec<Bytes>> {
        match self {
            Command::Eval { keys, .. }
            | Command::FCall { keys, .. }
            | Command::MPop { keys, .. }
            | Command::ZMPop { keys, .. }
            | Command::SInterCard { keys, .. }
            | Command::Migrate(keys) => Some(keys.clone()),
            Command::ZCombine { keys, store, .. } => {
                Some(store.iter().chain(keys).cloned().collect())
            }
            Command::Object(_, key) => Some(vec![key.clone()]),
            Command::Sort {
                key,
                store: Some(store),
                ..
            } => Some(vec![key.clone(), store.clone()]),
            Command::Stream {
                name: name @ ("xread" | "xreadgroup"),
                args,
            } => super::stream::read_keys(name, args),
            _ => None,
        }
    }

    /// Whether the command changes the state (must go through the log).
    ///
    /// `GETEX` without an option only reads, so it is served as a read; so are SORT, GEORADIUS
    /// and GEORADIUSBYMEMBER without STORE.
    pub fn access(&self, spec: &Spec) -> Access {
        match self {
            Command::Geo {
                name: name @ ("georadius" | "georadiusbymember"),
                args,
            } if !super::geo::may_store(name, args) => Access::Read,
            Command::Stream {
                name: "xgroup",
                args,
            } if args.len() == 1 => Access::Read,
            Command::GetEx(_, GetExTtl::Unchanged | GetExTtl::Refused(_)) => Access::Read,
            Command::Function(
                FunctionCommand::List { .. }
                | FunctionCommand::Stats
                | FunctionCommand::Kill
                | FunctionCommand::Dump
                | FunctionCommand::Help,
            ) => Access::Read,
            Command::BitField { fields, .. } if !super::bitfield::writes(fields) => Access::Read,
            Command::Sort { store: None, .. } => Access::Read,
            _ => spec.access,
        }
    }

    /// Turns every relative expiry into an absolute Unix-ms time based on `now_ms`; returns
    /// whether anything changed.
    ///
    /// # Errors
    /// [`CommandError::InvalidExpire`] when the absolute time overflows.
    pub fn to_absolute(&mut self, now_ms: i64, name: &str) -> Result<bool, CommandError> {
        let slot = match self {
            Command::Set {
                ttl: SetTtl::At(e), ..
            } => e,
            Command::GetEx(_, GetExTtl::At(e)) => e,
            Command::Expire { at, .. } => at,
            Command::Restore {
                ttl: RestoreTtl::At(e),
                ..
            } => e,
            Command::HExpire {
                at: e, error: None, ..
            }
            | Command::HGetEx {
                ttl: FieldTtlChange::At(e),
                error: None,
                ..
            }
            | Command::HSetEx {
                ttl: FieldTtlChange::At(e),
                ..
            } => {
                let Expiry::RelativeMs(delta) = *e else {
                    return Ok(false);
                };
                // Redis's ceiling for field TTLs, as it checks it against the clock.
                let resolved = now_ms
                    .checked_add(delta)
                    .filter(|at| *at <= super::fieldttl::MAX_AT_MS)
                    .ok_or_else(|| CommandError::InvalidExpire(name.to_string()))?;
                *e = Expiry::AtMs(resolved);
                return Ok(true);
            }
            _ => return Ok(false),
        };
        match *slot {
            Expiry::RelativeMs(_) => {
                let at = slot
                    .resolve(now_ms)
                    .ok_or_else(|| CommandError::InvalidExpire(name.to_string()))?;
                *slot = Expiry::AtMs(at);
                Ok(true)
            }
            Expiry::AtMs(_) => Ok(false),
        }
    }

    /// Re-encodes commands that carry an expiry, in a canonical form with absolute times
    /// (`SET ... PXAT`, `GETEX ... PXAT`, `PEXPIREAT`); `None` for other commands, whose
    /// original arguments stay as they are.
    pub fn canonical_args(&self) -> Option<Vec<Bytes>> {
        let at_ms = |e: &Expiry| match e {
            Expiry::AtMs(at) | Expiry::RelativeMs(at) => Bytes::from(at.to_string()),
        };
        let flag = |e: &Expiry| match e {
            Expiry::AtMs(_) => Bytes::from_static(b"PXAT"),
            Expiry::RelativeMs(_) => Bytes::from_static(b"PX"),
        };
        match self {
            Command::Set {
                key,
                value,
                condition,
                get,
                ttl,
            } => {
                let mut args = vec![Bytes::from_static(b"SET"), key.clone(), value.clone()];
                match condition {
                    SetCondition::Always => {}
                    SetCondition::IfMissing => args.push(Bytes::from_static(b"NX")),
                    SetCondition::IfExists => args.push(Bytes::from_static(b"XX")),
                }
                if *get {
                    args.push(Bytes::from_static(b"GET"));
                }
                match ttl {
                    SetTtl::Clear => {}
                    SetTtl::Keep => args.push(Bytes::from_static(b"KEEPTTL")),
                    SetTtl::At(e) => {
                        args.push(flag(e));
                        args.push(at_ms(e));
                    }
                }
                Some(args)
            }
            Command::GetEx(key, ttl) => {
                let mut args = vec![Bytes::from_static(b"GETEX"), key.clone()];
                match ttl {
                    // A refused time is kept as it came (never normalized: a read).
                    GetExTtl::Unchanged | GetExTtl::Refused(_) => return None,
                    GetExTtl::Persist => args.push(Bytes::from_static(b"PERSIST")),
                    GetExTtl::At(e) => {
                        args.push(flag(e));
                        args.push(at_ms(e));
                    }
                }
                Some(args)
            }
            Command::Expire { key, at, condition } => {
                let name: &'static [u8] = match at {
                    Expiry::AtMs(_) => b"PEXPIREAT",
                    Expiry::RelativeMs(_) => b"PEXPIRE",
                };
                let mut args = vec![Bytes::from_static(name), key.clone(), at_ms(at)];
                let flag: Option<&'static [u8]> = match condition {
                    ExpireCondition::Always => None,
                    ExpireCondition::IfNoTtl => Some(b"NX"),
                    ExpireCondition::IfTtl => Some(b"XX"),
                    ExpireCondition::IfGreater => Some(b"GT"),
                    ExpireCondition::IfLess => Some(b"LT"),
                    ExpireCondition::IfTtlAndLess => Some(b"LT"),
                };
                if *condition == ExpireCondition::IfTtlAndLess {
                    args.push(Bytes::from_static(b"XX"));
                }
                args.extend(flag.map(Bytes::from_static));
                Some(args)
            }
            Command::HExpire {
                key,
                at,
                condition,
                fields,
                error: None,
            } => {
                let name: &'static [u8] = match at {
                    Expiry::AtMs(_) => b"HPEXPIREAT",
                    Expiry::RelativeMs(_) => b"HPEXPIRE",
                };
                let mut args = vec![Bytes::from_static(name), key.clone(), at_ms(at)];
                args.extend(condition.flag().map(Bytes::from_static));
                args.push(Bytes::from_static(b"FIELDS"));
                args.push(Bytes::from(fields.len().to_string()));
                args.extend(fields.iter().cloned());
                Some(args)
            }
            Command::HGetEx {
                key,
                ttl: FieldTtlChange::At(e),
                fields,
                error: None,
            } => {
                let mut args = vec![Bytes::from_static(b"HGETEX"), key.clone(), flag(e)];
                args.push(at_ms(e));
                args.push(Bytes::from_static(b"FIELDS"));
                args.push(Bytes::from(fields.len().to_string()));
                args.extend(fields.iter().cloned());
                Some(args)
            }
            Command::HSetEx {
                key,
                condition,
                ttl: FieldTtlChange::At(e),
                pairs,
            } => {
                let mut args = vec![Bytes::from_static(b"HSETEX"), key.clone()];
                match condition {
                    SetCondition::Always => {}
                    SetCondition::IfMissing => args.push(Bytes::from_static(b"FNX")),
                    SetCondition::IfExists => args.push(Bytes::from_static(b"FXX")),
                }
                args.push(flag(e));
                args.push(at_ms(e));
                args.push(Bytes::from_static(b"FIELDS"));
                args.push(Bytes::from(pairs.len().to_string()));
                for (f, v) in pairs {
                    args.push(f.clone());
                    args.push(v.clone());
                }
                Some(args)
            }
            _ => None,
        }
    }
}

fn parse_set(a: &[Bytes]) -> Result<Command, CommandError> {
    let mut condition = SetCondition::Always;
    let mut get = false;
    let mut ttl = SetTtl::Clear;
    let mut i = 2;
    while i < a.len() {
        let opt = a[i].to_ascii_uppercase();
        match opt.as_slice() {
            b"NX" if condition == SetCondition::Always => condition = SetCondition::IfMissing,
            b"XX" if condition == SetCondition::Always => condition = SetCondition::IfExists,
            b"GET" if !get => get = true,
            b"KEEPTTL" if ttl == SetTtl::Clear => ttl = SetTtl::Keep,
            b"EX" | b"PX" | b"EXAT" | b"PXAT" if ttl == SetTtl::Clear && i + 1 < a.len() => {
                i += 1;
                let amount = parse_i64(&a[i])?;
                let expiry = match opt.as_slice() {
                    b"EX" => relative_expiry(amount, true, "set")?,
                    b"PX" => relative_expiry(amount, false, "set")?,
                    b"EXAT" => absolute_expiry(amount, true, "set")?,
                    _ => absolute_expiry(amount, false, "set")?,
                };
                ttl = SetTtl::At(expiry);
            }
            _ => return Err(CommandError::Syntax),
        }
        i += 1;
    }
    Ok(Command::Set {
        key: a[0].clone(),
        value: a[1].clone(),
        condition,
        get,
        ttl,
    })
}

fn parse_getex(a: &[Bytes]) -> Result<Command, CommandError> {
    let key = a[0].clone();
    // As Redis parses it: PERSIST only without a time, a time option only without PERSIST or
    // another time option (the same one may repeat, the last one counts).
    let mut persist = false;
    let mut time: Option<(Vec<u8>, &Bytes)> = None;
    let mut i = 1;
    while i < a.len() {
        let opt = a[i].to_ascii_uppercase();
        match (opt.as_slice(), a.get(i + 1)) {
            (b"PERSIST", _) if time.is_none() => persist = true,
            (b"EX" | b"PX" | b"EXAT" | b"PXAT", Some(amount))
                if !persist && time.as_ref().is_none_or(|(o, _)| *o == opt) =>
            {
                time = Some((opt, amount));
                i += 1;
            }
            _ => return Err(CommandError::Syntax),
        }
        i += 1;
    }
    let ttl = match time {
        None if persist => GetExTtl::Persist,
        None => GetExTtl::Unchanged,
        Some((opt, amount)) => {
            let Some(amount) = parse_i64_strict(amount) else {
                return Ok(Command::GetEx(
                    key,
                    GetExTtl::Refused(ExpireRefusal::NotInteger),
                ));
            };
            let expiry = match opt.as_slice() {
                b"EX" => relative_expiry(amount, true, "getex"),
                b"PX" => relative_expiry(amount, false, "getex"),
                b"EXAT" => absolute_expiry(amount, true, "getex"),
                _ => absolute_expiry(amount, false, "getex"),
            };
            match expiry {
                Ok(e) => GetExTtl::At(e),
                Err(_) => GetExTtl::Refused(ExpireRefusal::Invalid),
            }
        }
    };
    Ok(Command::GetEx(key, ttl))
}

fn parse_scan(a: &[Bytes]) -> Result<Command, CommandError> {
    let cursor = parse_cursor(&a[0]).ok_or(CommandError::InvalidCursor)?;
    let mut pattern = None;
    let mut count = 10usize;
    let mut kind = None;
    let mut rest = &a[1..];
    while let [opt, value, tail @ ..] = rest {
        if opt.eq_ignore_ascii_case(b"match") {
            pattern = Some(value.clone());
        } else if opt.eq_ignore_ascii_case(b"count") {
            let n = parse_i64(value)?;
            if n < 1 {
                return Err(CommandError::Syntax);
            }
            count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if opt.eq_ignore_ascii_case(b"type") {
            kind = Some(value.clone());
        } else {
            return Err(CommandError::Syntax);
        }
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(CommandError::Syntax);
    }
    Ok(Command::Scan {
        cursor,
        pattern,
        count,
        kind,
    })
}

/// A SCAN or HSCAN cursor, read as Redis reads it with `strtoul`: an optional sign and
/// decimal digits (an empty argument reads as 0), a negative number wrapping around; no
/// spaces, nothing after the digits, nothing beyond 64 bits.
pub fn parse_cursor(b: &[u8]) -> Option<u64> {
    let (negative, digits) = match b.first() {
        None => return Some(0),
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        Some(_) => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(digits).ok()?.parse().ok()?;
    Some(if negative { n.wrapping_neg() } else { n })
}

/// HTTL's and HPERSIST's error for a field count that is not a positive integer.
const POSITIVE_FIELDS: &str = "Number of fields must be a positive integer";

/// HTTL's, HGETDEL's and HPERSIST's `FIELDS` clause, its error kept for after the key's type
/// is checked (as Redis checks them in that order): no fields with it.
fn deferred_fields(a: &[Bytes]) -> (Vec<Bytes>, Option<CommandError>) {
    match parse_fields_clause(a, POSITIVE_FIELDS) {
        Ok(fields) => (fields, None),
        Err(e) => (Vec::new(), Some(e)),
    }
}

/// `FIELDS numfields field...` at the start of `a`, as Redis checks it: the keyword, then
/// the count (refused with `count_error` unless a positive integer), then that the count
/// matches the fields given.
fn parse_fields_clause(a: &[Bytes], count_error: &'static str) -> Result<Vec<Bytes>, CommandError> {
    if !a.first().is_some_and(|k| k.eq_ignore_ascii_case(b"fields")) {
        return Err(CommandError::Message(
            "Mandatory argument FIELDS is missing or not at the right position",
        ));
    }
    let count = a
        .get(1)
        .and_then(|n| parse_i64(n).ok())
        .filter(|n| *n >= 1)
        .ok_or(CommandError::Message(count_error))?;
    let fields = &a[2.min(a.len())..];
    if usize::try_from(count).ok() != Some(fields.len()) {
        return Err(CommandError::Message(
            "The `numfields` parameter must match the number of arguments",
        ));
    }
    Ok(fields.to_vec())
}

/// `HEXPIRE`, `HPEXPIRE`, `HEXPIREAT` or `HPEXPIREAT` (`name`) `key time [NX|XX|GT|LT]
/// FIELDS numfields field...`; what is wrong is kept in the command, to be answered after
/// the key's type is checked, as Redis does.
fn parse_hexpire(name: &str, a: &[Bytes]) -> Command {
    let seconds = matches!(name, "hexpire" | "hexpireat");
    let absolute = name.ends_with("at");
    let parsed = (|| {
        let at = field_expiry(&a[1], seconds, absolute, name)?;
        let flag = a[2].to_ascii_uppercase();
        let (condition, rest) = match flag.as_slice() {
            b"NX" => (FieldCondition::IfNoTtl, &a[3..]),
            b"XX" => (FieldCondition::IfTtl, &a[3..]),
            b"GT" => (FieldCondition::IfGreater, &a[3..]),
            b"LT" => (FieldCondition::IfLess, &a[3..]),
            _ => (FieldCondition::Always, &a[2..]),
        };
        let fields = parse_fields_clause(rest, "Parameter `numFields` should be greater than 0")?;
        Ok((at, condition, fields))
    })();
    let (at, condition, fields, error) = match parsed {
        Ok((at, condition, fields)) => (at, condition, fields, None),
        Err(e) => (Expiry::AtMs(0), FieldCondition::Always, Vec::new(), Some(e)),
    };
    Command::HExpire {
        key: a[0].clone(),
        at,
        condition,
        fields,
        error,
    }
}

/// What SSCAN and ZSCAN answer to NOVALUES.
const NOVALUES_HSCAN_ONLY: CommandError =
    CommandError::Message("NOVALUES option can only be used in HSCAN");

/// The time of a field expiry option: the amount in `arg`, in seconds or milliseconds,
/// relative or absolute; refused as Redis's `parseExpireTime` refuses it (`name` for the
/// error).
fn field_expiry(
    arg: &[u8],
    seconds: bool,
    absolute: bool,
    name: &str,
) -> Result<Expiry, CommandError> {
    let amount = parse_i64(arg)?;
    if amount < 0 {
        return Err(CommandError::Message("invalid expire time, must be >= 0"));
    }
    let invalid = || CommandError::InvalidExpire(name.to_string());
    let max = fieldttl::MAX_AT_MS;
    let ms = if seconds {
        if amount > max / 1000 {
            return Err(invalid());
        }
        amount * 1000
    } else {
        amount
    };
    if ms > max {
        return Err(invalid());
    }
    Ok(if absolute {
        Expiry::AtMs(ms)
    } else {
        Expiry::RelativeMs(ms)
    })
}

/// `HGETEX key [EX|PX|EXAT|PXAT time|PERSIST] FIELDS numfields field...`; as for HEXPIRE,
/// what is wrong is answered after the key's type.
fn parse_hgetex(a: &[Bytes]) -> Command {
    let parsed = (|| {
        let option = a[1].to_ascii_uppercase();
        let (ttl, rest) = match option.as_slice() {
            b"EX" | b"PX" | b"EXAT" | b"PXAT" => {
                let seconds = matches!(option.as_slice(), b"EX" | b"EXAT");
                let absolute = option.ends_with(b"AT");
                let at = field_expiry(&a[2], seconds, absolute, "hgetex")?;
                (FieldTtlChange::At(at), &a[3..])
            }
            b"PERSIST" => (FieldTtlChange::Persist, &a[2..]),
            _ => (FieldTtlChange::Default, &a[1..]),
        };
        Ok((ttl, parse_fields_clause(rest, POSITIVE_FIELDS)?))
    })();
    let (ttl, fields, error) = match parsed {
        Ok((ttl, fields)) => (ttl, fields, None),
        Err(e) => (FieldTtlChange::Default, Vec::new(), Some(e)),
    };
    Command::HGetEx {
        key: a[0].clone(),
        ttl,
        fields,
        error,
    }
}

/// `HSETEX key [FNX|FXX] [EX|PX|EXAT|PXAT time|KEEPTTL] FIELDS numfields field value...`,
/// the options in any order before FIELDS; refused before the key's type is looked at, as
/// Redis does.
fn parse_hsetex(a: &[Bytes]) -> Result<Command, CommandError> {
    let mut condition = SetCondition::Always;
    let mut ttl = FieldTtlChange::Default;
    let mut i = 1;
    while i < a.len() {
        let option = a[i].to_ascii_uppercase();
        match option.as_slice() {
            b"FIELDS" => {
                if i + 3 >= a.len() {
                    return Err(CommandError::Arity("hsetex".into()));
                }
                let count = parse_i64(&a[i + 1])
                    .ok()
                    .filter(|n| (1..=i64::from(i32::MAX)).contains(n))
                    .ok_or(CommandError::Message("invalid number of fields"))?;
                let rest = &a[i + 2..];
                if !rest.len().is_multiple_of(2) || usize::try_from(count) != Ok(rest.len() / 2) {
                    return Err(CommandError::Arity("hsetex".into()));
                }
                let pairs = rest
                    .chunks_exact(2)
                    .map(|p| (p[0].clone(), p[1].clone()))
                    .collect();
                return Ok(Command::HSetEx {
                    key: a[0].clone(),
                    condition,
                    ttl,
                    pairs,
                });
            }
            b"EX" | b"PX" | b"EXAT" | b"PXAT" | b"KEEPTTL" => {
                if ttl != FieldTtlChange::Default {
                    return Err(CommandError::Message(
                        "Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified",
                    ));
                }
                if option.as_slice() == b"KEEPTTL" {
                    ttl = FieldTtlChange::Keep;
                } else {
                    let Some(time) = a.get(i + 1) else {
                        return Err(CommandError::Message("missing expire time"));
                    };
                    let seconds = matches!(option.as_slice(), b"EX" | b"EXAT");
                    let absolute = option.ends_with(b"AT");
                    ttl = FieldTtlChange::At(field_expiry(time, seconds, absolute, "hsetex")?);
                    i += 1;
                }
            }
            b"FNX" | b"FXX" => {
                if condition != SetCondition::Always {
                    return Err(CommandError::Message(
                        "Only one of FXX or FNX arguments can be specified",
                    ));
                }
                condition = if option.as_slice() == b"FNX" {
                    SetCondition::IfMissing
                } else {
                    SetCondition::IfExists
                };
            }
            _ => {
                return Err(CommandError::Raw(format!(
                    "ERR unknown argument: {}",
                    lossy(&a[i], 128)
                )));
            }
        }
        i += 1;
    }
    Err(CommandError::Message("missing FIELDS argument"))
}

/// `HSCAN key cursor [MATCH pattern] [COUNT count]` (and SSCAN's and ZSCAN's): the cursor
/// and count are checked as Redis checks them. A small value is returned whole whatever they
/// say (see `kv::hash`), a big one a step at a time (see `kv::big`).
fn parse_hscan(a: &[Bytes]) -> Result<Command, CommandError> {
    let cursor = parse_cursor(&a[1]).ok_or(CommandError::InvalidCursor)?;
    let mut pattern = None;
    let mut count = 10;
    let mut no_values = false;
    let options = |pattern: &mut Option<Bytes>, count: &mut usize, no_values: &mut bool| {
        let mut rest = &a[2..];
        loop {
            if let [opt, tail @ ..] = rest
                && opt.eq_ignore_ascii_case(b"novalues")
            {
                *no_values = true;
                rest = tail;
                continue;
            }
            let [opt, value, tail @ ..] = rest else {
                break;
            };
            if opt.eq_ignore_ascii_case(b"match") {
                *pattern = Some(value.clone());
            } else if opt.eq_ignore_ascii_case(b"count") {
                let n = parse_i64(value)?;
                if n < 1 {
                    return Err(CommandError::Syntax);
                }
                *count = usize::try_from(n).unwrap_or(usize::MAX);
            } else {
                return Err(CommandError::Syntax);
            }
            rest = tail;
        }
        if rest.is_empty() {
            Ok(())
        } else {
            Err(CommandError::Syntax)
        }
    };
    let options_error = options(&mut pattern, &mut count, &mut no_values).err();
    Ok(Command::HScan {
        key: a[0].clone(),
        cursor,
        count,
        pattern,
        no_values,
        options_error,
    })
}

/// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`.
fn parse_lpos(a: &[Bytes]) -> Result<Command, CommandError> {
    let (mut rank, mut count, mut max_len) = (1i64, None, 0usize);
    let mut rest = &a[2..];
    // Like Redis, each option name is checked before its value, and a value that is not a
    // number fails with the option's own message (COUNT, MAXLEN) or the generic one (RANK).
    while let [opt, value, tail @ ..] = rest {
        let positive = |message: &'static str| {
            parse_i64(value)
                .ok()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or(CommandError::Message(message))
        };
        if opt.eq_ignore_ascii_case(b"rank") {
            let n = parse_i64(value)?;
            if n == 0 {
                return Err(CommandError::Message(
                    "RANK can't be zero: use 1 to start from the first match, 2 from the \
                     second ... or use negative to start from the end of the list",
                ));
            }
            if n == i64::MIN {
                return Err(CommandError::Message(
                    "value is out of range, value must between -9223372036854775807 and \
                     9223372036854775807",
                ));
            }
            rank = n;
        } else if opt.eq_ignore_ascii_case(b"count") {
            count = Some(positive("COUNT can't be negative")?);
        } else if opt.eq_ignore_ascii_case(b"maxlen") {
            max_len = positive("MAXLEN can't be negative")?;
        } else {
            return Err(CommandError::Syntax);
        }
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(CommandError::Syntax);
    }
    Ok(Command::LPos {
        key: a[0].clone(),
        element: a[1].clone(),
        rank,
        count,
        max_len,
    })
}

/// A ZADD score or ZINCRBY increment.
fn parse_zscore(arg: &[u8]) -> Result<f64, CommandError> {
    zset::parse_score(arg).ok_or(CommandError::NotFloat)
}

/// `min max` of ZCOUNT, ZRANGEBYSCORE, ZREMRANGEBYSCORE.
fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ZRange, CommandError> {
    match (zset::parse_score_bound(min), zset::parse_score_bound(max)) {
        (Some(min), Some(max)) => Ok(ZRange::Score(min, max)),
        _ => Err(CommandError::Message("min or max is not a float")),
    }
}

/// `min max` of ZLEXCOUNT, ZRANGEBYLEX, ZREMRANGEBYLEX.
fn parse_lex_range(min: &[u8], max: &[u8]) -> Result<ZRange, CommandError> {
    match (zset::parse_lex_bound(min), zset::parse_lex_bound(max)) {
        (Some(min), Some(max)) => Ok(ZRange::Lex(min, max)),
        _ => Err(CommandError::Message(
            "min or max not valid string range item",
        )),
    }
}

/// `key [NX|XX] [GT|LT] [CH] [INCR] score member...`, checked in Redis's order.
fn parse_zadd(a: &[Bytes]) -> Result<Command, CommandError> {
    let mut flags = ZAddFlags::default();
    let mut at = 1;
    while let Some(word) = a.get(at) {
        let flag = match word.to_ascii_lowercase().as_slice() {
            b"nx" => &mut flags.nx,
            b"xx" => &mut flags.xx,
            b"gt" => &mut flags.gt,
            b"lt" => &mut flags.lt,
            b"ch" => &mut flags.ch,
            b"incr" => &mut flags.incr,
            _ => break,
        };
        *flag = true;
        at += 1;
    }
    let rest = &a[at..];
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(CommandError::Syntax);
    }
    if flags.nx && flags.xx {
        return Err(CommandError::Message(
            "XX and NX options at the same time are not compatible",
        ));
    }
    if (flags.nx && (flags.gt || flags.lt)) || (flags.gt && flags.lt) {
        return Err(CommandError::Message(
            "GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if flags.incr && rest.len() > 2 {
        return Err(CommandError::Message(
            "INCR option supports a single increment-element pair",
        ));
    }
    let pairs = rest
        .chunks_exact(2)
        .map(|p| Ok((parse_zscore(&p[0])?, p[1].clone())))
        .collect::<Result<_, CommandError>>()?;
    Ok(Command::ZAdd {
        key: a[0].clone(),
        pairs,
        flags,
    })
}

/// ZRANGE and the older range commands: options parsed as Redis 7.0 parses them (each at
/// most once, REV/BYSCORE/BYLEX only where the command does not imply them), then checked,
/// then the range itself.
fn parse_zrange(name: &str, a: &[Bytes]) -> Result<Command, CommandError> {
    parse_zrange_for(name, a, false)
}

/// [`parse_zrange`]; for ZRANGESTORE (`store`), WITHSCORES is a syntax error where it stands.
fn parse_zrange_for(name: &str, a: &[Bytes], store: bool) -> Result<Command, CommandError> {
    let (mut by, mut rev): (Option<&str>, Option<bool>) = match name {
        "zrangebyscore" => (Some("score"), Some(false)),
        "zrevrangebyscore" => (Some("score"), Some(true)),
        "zrevrange" => (Some("rank"), Some(true)),
        "zrangebylex" => (Some("lex"), Some(false)),
        "zrevrangebylex" => (Some("lex"), Some(true)),
        _ => (None, None),
    };
    let (mut with_scores, mut limit) = (false, None);
    let mut j = 3;
    while j < a.len() {
        let word = a[j].to_ascii_lowercase();
        let left = a.len() - j - 1;
        match word.as_slice() {
            b"withscores" if !store => with_scores = true,
            b"limit" if left >= 2 => {
                limit = Some((parse_i64(&a[j + 1])?, parse_i64(&a[j + 2])?));
                j += 2;
            }
            b"rev" if rev.is_none() => rev = Some(true),
            b"bylex" if by.is_none() => by = Some("lex"),
            b"byscore" if by.is_none() => by = Some("score"),
            _ => return Err(CommandError::Syntax),
        }
        j += 1;
    }
    let by = by.unwrap_or("rank");
    let rev = rev.unwrap_or(false);
    // As in Redis: a LIMIT count of -1 means no limit, so it is no conflict; LIMIT's conflict
    // is reported before WITHSCORES'.
    if limit.is_some_and(|(_, count)| count != -1) && by == "rank" {
        return Err(CommandError::Message(
            "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if with_scores && by == "lex" {
        return Err(CommandError::Message(
            "syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    // A rank range ignores a LIMIT that passed the check above (count -1).
    let limit = if by == "rank" { None } else { limit };
    // A reversed score or name range names its upper end first.
    let (low, high) = if rev && by != "rank" {
        (&a[2], &a[1])
    } else {
        (&a[1], &a[2])
    };
    let range = match by {
        "score" => parse_score_range(low, high)?,
        "lex" => parse_lex_range(low, high)?,
        _ => ZRange::Rank(parse_i64(&a[1])?, parse_i64(&a[2])?),
    };
    Ok(Command::ZRangeQuery {
        key: a[0].clone(),
        range,
        rev,
        limit,
        with_scores,
    })
}

/// `key [count [WITHSCORES]]` of ZRANDMEMBER.
fn parse_zrandmember(seed: u64, a: &[Bytes]) -> Result<Command, CommandError> {
    let Command::HRandField {
        key,
        seed,
        count,
        with_values,
    } = parse_hrandfield_with(seed, a, b"withscores")?
    else {
        return Err(CommandError::Syntax);
    };
    Ok(Command::ZRandMember {
        key,
        seed,
        count,
        with_scores: with_values,
    })
}

/// The seed an internal seeded command carries.
fn parse_seed(arg: &[u8]) -> Result<u64, CommandError> {
    std::str::from_utf8(arg)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(CommandError::NotInteger)
}

/// `key [count]` of SPOP.
fn parse_spop(seed: u64, a: &[Bytes]) -> Result<Command, CommandError> {
    let count = match a {
        [_] => None,
        [_, count] => {
            let n = parse_i64(count).map_err(|_| CommandError::NotPositive)?;
            Some(usize::try_from(n).map_err(|_| CommandError::NotPositive)?)
        }
        _ => return Err(CommandError::Syntax),
    };
    Ok(Command::SPop {
        key: a[0].clone(),
        seed,
        count,
    })
}

/// `key [count]` of SRANDMEMBER.
fn parse_srandmember(seed: u64, a: &[Bytes]) -> Result<Command, CommandError> {
    let count = match a {
        [_] => None,
        [_, count] => Some(parse_i64(count)?),
        _ => return Err(CommandError::Syntax),
    };
    if count == Some(i64::MIN) {
        return Err(CommandError::NotNegatable);
    }
    if count.is_some_and(|c| c < -MAX_RANDOM_FIELDS) {
        return Err(CommandError::OutOfRange);
    }
    Ok(Command::SRandMember {
        key: a[0].clone(),
        seed,
        count,
    })
}

/// `numkeys key... [LIMIT limit]` of SINTERCARD.
/// How ZUNION and ZINTER combine the scores a member has in several inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    /// Their sum (the default); a NaN sum (infinities of both signs) counts as 0.
    Sum,
    /// The lowest.
    Min,
    /// The highest.
    Max,
}

impl Aggregate {
    /// Folds `value` into `target` as Redis's `zunionInterAggregate` does.
    pub fn fold(self, target: f64, value: f64) -> f64 {
        match self {
            Aggregate::Sum => {
                let sum = target + value;
                if sum.is_nan() { 0.0 } else { sum }
            }
            Aggregate::Min => {
                if value < target {
                    value
                } else {
                    target
                }
            }
            Aggregate::Max => {
                if value > target {
                    value
                } else {
                    target
                }
            }
        }
    }
}

/// `[dest] numkeys key... [WEIGHTS w...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]` of ZUNION, ZINTER,
/// ZDIFF and their STORE forms, and `numkeys key... [LIMIT n]` of ZINTERCARD, as Redis 7.0
/// reads them: `numkeys` first, then the keys (whose types the state machine checks before
/// it reports an error in the options), then the options from left to right.
fn parse_zcombine(name: &str, a: &[Bytes]) -> Result<Command, CommandError> {
    let store = name.ends_with("store");
    let card = name == "zintercard";
    let op = if name.starts_with("zunion") {
        SetOp::Union
    } else if name.starts_with("zinter") {
        SetOp::Inter
    } else {
        SetOp::Diff
    };
    let (dest, a) = if store {
        (Some(a[0].clone()), &a[1..])
    } else {
        (None, a)
    };
    let setnum = parse_i64(&a[0])?;
    if setnum < 1 {
        return Err(CommandError::Owned(format!(
            "at least 1 input key is needed for '{name}' command"
        )));
    }
    if setnum > (a.len() - 1) as i64 {
        return Err(CommandError::Syntax);
    }
    let setnum = setnum as usize;
    let keys = a[1..=setnum].to_vec();
    let mut weights = vec![1.0; setnum];
    let mut aggregate = Aggregate::Sum;
    let mut with_scores = false;
    let mut limit = 0;
    let options_error = (|| {
        let mut rest = &a[setnum + 1..];
        while let [word, tail @ ..] = rest {
            if op != SetOp::Diff
                && !card
                && tail.len() >= setnum
                && word.eq_ignore_ascii_case(b"weights")
            {
                for (w, arg) in weights.iter_mut().zip(tail) {
                    *w = zset::parse_score(arg)
                        .ok_or(CommandError::Message("weight value is not a float"))?;
                }
                rest = &tail[setnum..];
            } else if op != SetOp::Diff
                && !card
                && !tail.is_empty()
                && word.eq_ignore_ascii_case(b"aggregate")
            {
                aggregate = match tail[0].to_ascii_lowercase().as_slice() {
                    b"sum" => Aggregate::Sum,
                    b"min" => Aggregate::Min,
                    b"max" => Aggregate::Max,
                    _ => return Err(CommandError::Syntax),
                };
                rest = &tail[1..];
            } else if !store && !card && word.eq_ignore_ascii_case(b"withscores") {
                with_scores = true;
                rest = tail;
            } else if card && !tail.is_empty() && word.eq_ignore_ascii_case(b"limit") {
                let negative = CommandError::Message("LIMIT can't be negative");
                let n = parse_i64(&tail[0]).map_err(|_| negative.clone())?;
                limit = usize::try_from(n).map_err(|_| negative)?;
                rest = &tail[1..];
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(())
    })()
    .err();
    Ok(Command::ZCombine {
        op,
        keys,
        weights,
        aggregate,
        with_scores,
        store: dest,
        card_limit: card.then_some(limit),
        options_error,
    })
}

/// SORT's options other than STORE.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SortOptions {
    /// BY: the pattern of the keys (or `key->field` hash fields) to sort by.
    pub by: Option<Bytes>,
    /// A BY pattern without `*` was given: no sorting, even if a later BY has a `*`.
    pub dont_sort: bool,
    /// LIMIT offset count.
    pub limit: Option<(i64, i64)>,
    /// GET patterns, in order; `#` is the element itself.
    pub get: Vec<Bytes>,
    /// DESC.
    pub desc: bool,
    /// ALPHA: compare as strings rather than numbers.
    pub alpha: bool,
}

/// `key [BY pattern] [LIMIT offset count] [GET pattern...] [ASC|DESC] [ALPHA] [STORE dest]` of
/// SORT (`readonly`: SORT_RO, without STORE), options in any order, the last of each winning.
fn parse_sort(readonly: bool, a: &[Bytes]) -> Result<Command, CommandError> {
    let mut o = SortOptions::default();
    let mut store = None;
    let mut j = 1;
    while j < a.len() {
        let left = a.len() - j - 1;
        let word = a[j].to_ascii_lowercase();
        match word.as_slice() {
            b"asc" => o.desc = false,
            b"desc" => o.desc = true,
            b"alpha" => o.alpha = true,
            b"limit" if left >= 2 => {
                o.limit = Some((parse_i64(&a[j + 1])?, parse_i64(&a[j + 2])?));
                j += 2;
            }
            b"store" if !readonly && left >= 1 => {
                store = Some(a[j + 1].clone());
                j += 1;
            }
            b"by" if left >= 1 => {
                o.dont_sort |= !a[j + 1].contains(&b'*');
                o.by = Some(a[j + 1].clone());
                j += 1;
            }
            b"get" if left >= 1 => {
                o.get.push(a[j + 1].clone());
                j += 1;
            }
            _ => return Err(CommandError::Syntax),
        }
        j += 1;
    }
    Ok(Command::Sort {
        key: a[0].clone(),
        options: o,
        store,
    })
}

/// LEFT (true) or RIGHT (false), in any case.
fn parse_side(b: &[u8]) -> Result<bool, CommandError> {
    if b.eq_ignore_ascii_case(b"left") {
        Ok(true)
    } else if b.eq_ignore_ascii_case(b"right") {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

/// The commands that block their client while every key they name is empty, and where their
/// timeout argument sits (a negative position counts from the end).
const BLOCKING: &[(&str, isize)] = &[
    ("blmove", 5),
    ("blmpop", 1),
    ("blpop", -1),
    ("brpop", -1),
    ("brpoplpush", 3),
    ("bzmpop", 1),
    ("bzpopmax", -1),
    ("bzpopmin", -1),
];

impl Command {
    /// The keys a blocking command waits on: those it pops from.
    pub fn blocking_keys(&self) -> Vec<Bytes> {
        match self {
            Command::MPop { keys, .. } | Command::ZMPop { keys, .. } => keys.clone(),
            Command::LMove { from, .. } => vec![from.clone()],
            _ => Vec::new(),
        }
    }
}

/// Whether `name` (lowercase) is a blocking command.
pub fn is_blocking(name: &str) -> bool {
    BLOCKING.iter().any(|(n, _)| *n == name)
}

/// The timeout of a blocking command, in milliseconds, 0 for none; `None` for any other
/// command or a timeout [`Command::parse`] refuses.
pub fn blocking_timeout_ms(args: &[Bytes]) -> Option<u64> {
    let name = std::str::from_utf8(args.first()?)
        .ok()?
        .to_ascii_lowercase();
    let &(_, at) = BLOCKING.iter().find(|(n, _)| *n == name)?;
    let at = if at < 0 {
        args.len().checked_sub(at.unsigned_abs())?
    } else {
        at.unsigned_abs()
    };
    parse_timeout(args.get(at)?).ok()
}

/// A blocking command's timeout, read as Redis 7.0.15 reads it: seconds as a `long double`,
/// times 1000, rounded up to whole milliseconds; 0 waits forever. Redis converts that to a
/// `long long` unchecked, which on x86-64 turns anything from 2^63 ms up (infinity included)
/// into a negative number, so those are "negative" here too; `-0.0001` rounds up to 0.
///
/// # Errors
/// Redis's messages for a timeout that is not a float or is negative.
fn parse_timeout(arg: &[u8]) -> Result<u64, CommandError> {
    let not_float = CommandError::Message("timeout is not a float or out of range");
    let value = LongDouble::parse(arg).ok_or(not_float.clone())?;
    let seconds: f64 = value.to_redis_string().parse().map_err(|_| not_float)?;
    let ms = (seconds * 1000.0).ceil();
    // 2^63 as a float; `i64::MAX as f64` rounds to it.
    if !(0.0..9_223_372_036_854_775_808.0).contains(&ms) {
        return Err(CommandError::Message("timeout is negative"));
    }
    Ok(ms as u64)
}

/// `numkeys key... LEFT|RIGHT [COUNT count]` of LMPOP, and `... MIN|MAX ...` of ZMPOP.
fn parse_mpop(zset: bool, a: &[Bytes]) -> Result<Command, CommandError> {
    let numkeys = parse_i64(&a[0])
        .ok()
        .filter(|&n| n > 0)
        .ok_or(CommandError::Message("numkeys should be greater than 0"))?;
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    let Some(side) = a.get(numkeys.saturating_add(1)) else {
        return Err(CommandError::Syntax);
    };
    let keys = a[1..=numkeys].to_vec();
    let first = if zset {
        if side.eq_ignore_ascii_case(b"min") {
            true
        } else if side.eq_ignore_ascii_case(b"max") {
            false
        } else {
            return Err(CommandError::Syntax);
        }
    } else {
        parse_side(side)?
    };
    let mut count = None;
    let mut rest = &a[numkeys + 2..];
    while let [opt, tail @ ..] = rest {
        if !opt.eq_ignore_ascii_case(b"count") || count.is_some() {
            return Err(CommandError::Syntax);
        }
        let [value, tail @ ..] = tail else {
            return Err(CommandError::Syntax);
        };
        let n = parse_i64(value)
            .ok()
            .filter(|&n| n > 0)
            .ok_or(CommandError::Message("count should be greater than 0"))?;
        count = Some(usize::try_from(n).unwrap_or(usize::MAX));
        rest = tail;
    }
    let count = count.unwrap_or(1);
    Ok(if zset {
        Command::ZMPop {
            keys,
            max: !first,
            count,
            single: false,
        }
    } else {
        Command::MPop {
            keys,
            head: first,
            count,
            single: false,
        }
    })
}

fn parse_sintercard(a: &[Bytes]) -> Result<Command, CommandError> {
    let numkeys = parse_i64(&a[0]).unwrap_or(0);
    if numkeys <= 0 {
        return Err(CommandError::Message("numkeys should be greater than 0"));
    }
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > a.len() - 1 {
        return Err(CommandError::Message(
            "Number of keys can't be greater than number of args",
        ));
    }
    let keys = a[1..=numkeys].to_vec();
    let mut limit = 0;
    let mut rest = &a[1 + numkeys..];
    while let [opt, value, tail @ ..] = rest {
        if !opt.eq_ignore_ascii_case(b"limit") {
            return Err(CommandError::Syntax);
        }
        let negative = CommandError::Message("LIMIT can't be negative");
        let n = parse_i64(value).map_err(|_| negative.clone())?;
        limit = usize::try_from(n).map_err(|_| negative)?;
        rest = tail;
    }
    if !rest.is_empty() {
        return Err(CommandError::Syntax);
    }
    Ok(Command::SInterCard { keys, limit })
}

/// `key [count [WITHVALUES]]` of HRANDFIELD.
fn parse_hrandfield(seed: u64, a: &[Bytes]) -> Result<Command, CommandError> {
    parse_hrandfield_with(seed, a, b"withvalues")
}

/// `key [count [option]]` of HRANDFIELD (WITHVALUES) and ZRANDMEMBER (WITHSCORES).
fn parse_hrandfield_with(seed: u64, a: &[Bytes], option: &[u8]) -> Result<Command, CommandError> {
    // As in Redis: the count is parsed before the option after it is looked at.
    let count = a.get(1).map(|c| parse_i64(c)).transpose()?;
    if count == Some(i64::MIN) {
        return Err(CommandError::NotNegatable);
    }
    let with_values = match a {
        [_] | [_, _] => false,
        [_, _, with] if with.eq_ignore_ascii_case(option) => true,
        _ => return Err(CommandError::Syntax),
    };
    if count.is_some_and(|c| c < -MAX_RANDOM_FIELDS) {
        return Err(CommandError::OutOfRange);
    }
    Ok(Command::HRandField {
        key: a.first().cloned().unwrap_or_default(),
        seed,
        count,
        with_values,
    })
}

fn parse_expire(name: &str, a: &[Bytes]) -> Result<Command, CommandError> {
    // Redis checks the flags before the time.
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in &a[2..] {
        let upper = opt.to_ascii_uppercase();
        match upper.as_slice() {
            b"NX" => nx = true,
            b"XX" => xx = true,
            b"GT" => gt = true,
            b"LT" => lt = true,
            _ => return Err(CommandError::UnsupportedOption(lossy(opt, 128))),
        }
    }
    if nx && (xx || gt || lt) {
        return Err(CommandError::ExpireFlags(
            "NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if gt && lt {
        return Err(CommandError::ExpireFlags(
            "GT and LT options at the same time are not compatible",
        ));
    }
    let amount = parse_i64(&a[1])?;
    let invalid = || CommandError::InvalidExpire(name.to_string());
    let at = match name {
        "expire" => Expiry::RelativeMs(amount.checked_mul(1000).ok_or_else(invalid)?),
        "pexpire" => Expiry::RelativeMs(amount),
        "expireat" => Expiry::AtMs(amount.checked_mul(1000).ok_or_else(invalid)?),
        _ => Expiry::AtMs(amount),
    };
    // GT already fails on a key without TTL, so XX only changes LT.
    let condition = match (nx, xx, gt, lt) {
        (true, ..) => ExpireCondition::IfNoTtl,
        (_, _, true, _) => ExpireCondition::IfGreater,
        (_, true, _, true) => ExpireCondition::IfTtlAndLess,
        (_, _, _, true) => ExpireCondition::IfLess,
        (_, true, ..) => ExpireCondition::IfTtl,
        _ => ExpireCondition::Always,
    };
    Ok(Command::Expire {
        key: a[0].clone(),
        at,
        condition,
    })
}

fn relative_expiry(amount: i64, seconds: bool, name: &str) -> Result<Expiry, CommandError> {
    expiry_ms(amount, seconds, name).map(Expiry::RelativeMs)
}

fn absolute_expiry(amount: i64, seconds: bool, name: &str) -> Result<Expiry, CommandError> {
    expiry_ms(amount, seconds, name).map(Expiry::AtMs)
}

/// An expiry amount in milliseconds; Redis refuses zero, negative and overflowing values.
fn expiry_ms(amount: i64, seconds: bool, name: &str) -> Result<i64, CommandError> {
    let invalid = || CommandError::InvalidExpire(name.to_string());
    if amount <= 0 {
        return Err(invalid());
    }
    if seconds {
        amount.checked_mul(1000).ok_or_else(invalid)
    } else {
        Ok(amount)
    }
}

/// Parses a strict Redis integer: optional `-`, no `+`, no leading zeros or spaces.
pub fn parse_i64_strict(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (negative, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut value: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let digit = i64::from(d - b'0');
        value = value.checked_mul(10)?;
        value = if negative {
            value.checked_sub(digit)?
        } else {
            value.checked_add(digit)?
        };
    }
    Some(value)
}

/// Parses an integer argument.
///
/// # Errors
/// [`CommandError::NotInteger`].
pub fn parse_i64(s: &[u8]) -> Result<i64, CommandError> {
    parse_i64_strict(s).ok_or(CommandError::NotInteger)
}

/// Parses a float argument or stored value like Redis's `string2ld`, as an x87
/// `long double` (see [`LongDouble::parse`]).
///
/// # Errors
/// [`CommandError::NotFloat`].
pub fn parse_float(s: &[u8]) -> Result<LongDouble, CommandError> {
    LongDouble::parse(s).ok_or(CommandError::NotFloat)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::kv::test_args as args;

    fn parse(s: &str) -> Result<Command, String> {
        Command::parse(&args(s))
            .map(|(c, _)| c)
            .map_err(|e| e.to_string())
    }

    fn err(s: &str) -> String {
        match parse(s) {
            Ok(c) => panic!("{s:?} parsed as {c:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn commands_table_is_sorted_and_lookup_ignores_case() {
        assert!(COMMANDS.windows(2).all(|w| w[0].name < w[1].name));
        assert_eq!(lookup(b"GeT").map(|s| s.name), Some("get"));
        assert!(lookup(b"nosuch").is_none());
        assert!(lookup(&[b'a'; 100]).is_none());
        // Against a plain scan: every name in two cases, and names one byte off.
        let scan = |name: &[u8]| {
            COMMANDS
                .iter()
                .position(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
        };
        for (i, spec) in COMMANDS.iter().enumerate() {
            assert_eq!(lookup_index(spec.name.as_bytes()), Some(i), "{}", spec.name);
            let upper = spec.name.to_ascii_uppercase();
            assert_eq!(lookup_index(upper.as_bytes()), Some(i), "{upper}");
            for near in [&spec.name.as_bytes()[1..], format!("{upper}X").as_bytes()] {
                assert_eq!(lookup_index(near), scan(near), "{near:?}");
            }
        }
        assert_eq!(lookup_index(b""), None);
        assert_eq!(lookup_index("gét".as_bytes()), None);
    }

    #[test]
    fn arity_errors_for_every_command() {
        for spec in COMMANDS {
            let required = spec.arity.unsigned_abs() as usize;
            let want = format!("ERR wrong number of arguments for '{}' command", spec.name);
            if required > 1 {
                // One argument fewer than required.
                let mut a = vec![Bytes::from(spec.name.to_uppercase())];
                a.extend((2..required).map(|i| Bytes::from(format!("x{i}"))));
                let got = Command::parse(&a).map(|_| ()).unwrap_err().to_string();
                assert_eq!(got, want);
            }
            if spec.arity > 0 {
                // One argument too many.
                let mut a = vec![Bytes::from(spec.name)];
                a.extend((0..spec.arity).map(|i| Bytes::from(format!("{i}"))));
                let got = Command::parse(&a).map(|_| ()).unwrap_err().to_string();
                assert_eq!(got, want);
            }
        }
        assert_eq!(
            err("mset a"),
            "ERR wrong number of arguments for 'mset' command"
        );
        assert_eq!(
            err("mset a 1 b"),
            "ERR wrong number of arguments for 'mset' command"
        );
    }

    #[test]
    fn unknown_command_text() {
        assert_eq!(
            err("foo a b"),
            "ERR unknown command 'foo', with args beginning with: 'a' 'b' "
        );
        assert_eq!(
            err("foo"),
            "ERR unknown command 'foo', with args beginning with: "
        );
    }

    #[test]
    fn set_options() {
        assert_eq!(
            parse("set k v nx get ex 10").unwrap(),
            Command::Set {
                key: "k".into(),
                value: "v".into(),
                condition: SetCondition::IfMissing,
                get: true,
                ttl: SetTtl::At(Expiry::RelativeMs(10_000)),
            }
        );
        assert!(matches!(
            parse("set k v keepttl xx").unwrap(),
            Command::Set {
                ttl: SetTtl::Keep,
                condition: SetCondition::IfExists,
                ..
            }
        ));
        assert!(matches!(
            parse("set k v pxat 5").unwrap(),
            Command::Set {
                ttl: SetTtl::At(Expiry::AtMs(5)),
                ..
            }
        ));
        for bad in [
            "set k v nx xx",
            "set k v ex 1 px 1",
            "set k v ex 1 keepttl",
            "set k v ex",
            "set k v foo",
            "set k v get get",
        ] {
            assert_eq!(err(bad), "ERR syntax error", "{bad}");
        }
        assert_eq!(
            err("set k v ex abc"),
            "ERR value is not an integer or out of range"
        );
        for bad in [
            "set k v ex 0",
            "set k v px -1",
            "set k v exat 0",
            "set k v ex 9223372036854775807",
        ] {
            assert_eq!(
                err(bad),
                "ERR invalid expire time in 'set' command",
                "{bad}"
            );
        }
        assert_eq!(
            err("setex k 0 v"),
            "ERR invalid expire time in 'setex' command"
        );
        assert_eq!(
            err("psetex k -5 v"),
            "ERR invalid expire time in 'psetex' command"
        );
        assert_eq!(
            err("setex k x v"),
            "ERR value is not an integer or out of range"
        );
    }

    #[test]
    fn getex_options() {
        assert_eq!(
            parse("getex k").unwrap(),
            Command::GetEx("k".into(), GetExTtl::Unchanged)
        );
        assert_eq!(
            parse("getex k persist").unwrap(),
            Command::GetEx("k".into(), GetExTtl::Persist)
        );
        assert_eq!(
            parse("getex k PX 5").unwrap(),
            Command::GetEx("k".into(), GetExTtl::At(Expiry::RelativeMs(5)))
        );
        // A refused time parses: the error comes once the key is found (nil when missing).
        assert_eq!(
            parse("getex k ex 0").unwrap(),
            Command::GetEx("k".into(), GetExTtl::Refused(ExpireRefusal::Invalid))
        );
        assert_eq!(
            parse("getex k pxat x").unwrap(),
            Command::GetEx("k".into(), GetExTtl::Refused(ExpireRefusal::NotInteger))
        );
        assert_eq!(
            parse("getex k persist persist").unwrap(),
            Command::GetEx("k".into(), GetExTtl::Persist)
        );
        assert_eq!(
            parse("getex k ex 1 ex 2").unwrap(),
            Command::GetEx("k".into(), GetExTtl::At(Expiry::RelativeMs(2000)))
        );
        assert_eq!(err("getex k persist ex 1"), "ERR syntax error");
        assert_eq!(err("getex k foo 1"), "ERR syntax error");
        assert_eq!(err("getex k ex 1 px 1"), "ERR syntax error");
        assert_eq!(err("getex k ex"), "ERR syntax error");
    }

    #[test]
    fn integers_are_strict() {
        for ok in [
            "0",
            "1",
            "-1",
            "9223372036854775807",
            "-9223372036854775808",
        ] {
            assert!(parse_i64_strict(ok.as_bytes()).is_some(), "{ok}");
        }
        for bad in [
            "",
            "-",
            "+1",
            "01",
            "-0",
            " 1",
            "1 ",
            "1.0",
            "9223372036854775808",
            "abc",
            "-9223372036854775809",
        ] {
            assert!(parse_i64_strict(bad.as_bytes()).is_none(), "{bad:?}");
        }
        assert_eq!(
            err("incrby k 1.5"),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            err("decrby k -9223372036854775808"),
            "ERR decrement would overflow"
        );
        assert_eq!(
            parse("decrby k 5").unwrap(),
            Command::IncrBy("k".into(), -5)
        );
    }

    #[test]
    fn floats() {
        for ok in ["1.5", "1e3", "-.5", "0x1.8p3", "inf", "-Infinity"] {
            assert!(parse_float(ok.as_bytes()).is_ok(), "{ok}");
        }
        for bad in ["nan", " 1", "1 ", "", "1e", "0x", "1e5000"] {
            assert_eq!(
                parse_float(bad.as_bytes()),
                Err(CommandError::NotFloat),
                "{bad:?}"
            );
        }
        // INCRBYFLOAT's increment is refused when the command runs, after the type check.
        assert_eq!(
            parse("incrbyfloat k x").unwrap(),
            Command::IncrByFloat("k".into(), None)
        );
        assert_eq!(
            parse("incrbyfloat k 1e-5000").unwrap(),
            Command::IncrByFloat("k".into(), None)
        );
    }

    #[test]
    fn expire_flags() {
        assert_eq!(
            parse("expire k 10 gt").unwrap(),
            Command::Expire {
                key: "k".into(),
                at: Expiry::RelativeMs(10_000),
                condition: ExpireCondition::IfGreater
            }
        );
        assert_eq!(
            err("expire k 10 nx xx"),
            "ERR NX and XX, GT or LT options at the same time are not compatible"
        );
        assert_eq!(
            err("expire k 10 gt lt"),
            "ERR GT and LT options at the same time are not compatible"
        );
        assert_eq!(err("expire k 10 foo"), "ERR Unsupported option foo");
        assert_eq!(
            err("expire k 9223372036854775807"),
            "ERR invalid expire time in 'expire' command"
        );
        assert_eq!(
            parse("pexpireat k -5").unwrap(),
            Command::Expire {
                key: "k".into(),
                at: Expiry::AtMs(-5),
                condition: ExpireCondition::Always
            }
        );
    }

    #[test]
    fn scan_options() {
        assert_eq!(
            parse("scan 0 match a* count 5 type string").unwrap(),
            Command::Scan {
                cursor: 0,
                pattern: Some("a*".into()),
                count: 5,
                kind: Some("string".into())
            }
        );
        assert_eq!(err("scan x"), "ERR invalid cursor");
        assert_eq!(err("scan 0 count 0"), "ERR syntax error");
        assert_eq!(err("scan 0 match"), "ERR syntax error");
        assert_eq!(err("scan 0 foo bar"), "ERR syntax error");
    }

    #[test]
    fn an_argument_beyond_the_string_limit_is_refused_before_anything_else() {
        // Zeroed memory is mapped lazily, so this costs little.
        let huge = Bytes::from(vec![0u8; MAX_STRING_BYTES + 1]);
        let args = [Bytes::from_static(b"get"), huge];
        assert_eq!(Command::parse(&args).err(), Some(CommandError::TooLarge));
    }

    #[test]
    fn cursors_read_as_strtoul_reads_them() {
        let cases: [(&[u8], Option<u64>); 10] = [
            (b"0", Some(0)),
            (b"", Some(0)),
            (b"+7", Some(7)),
            (b"-1", Some(u64::MAX)),
            (b"-0", Some(0)),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"18446744073709551616", None),
            (b" 1", None),
            (b"1a", None),
            (b"-", None),
        ];
        for (text, want) in cases {
            assert_eq!(
                parse_cursor(text),
                want,
                "{:?}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn misc_validation() {
        assert_eq!(err("setrange k -1 v"), "ERR offset is out of range");
        // The size limit is checked when the command runs (after the key's type).
        assert!(parse("setrange k 536870912 v").is_ok());
        assert!(parse("setrange k 536870912 ").is_err());
        assert_eq!(err("flushall foo"), "ERR syntax error");
        assert!(parse("flushdb async").is_ok());
        assert_eq!(
            err("debug foo"),
            "ERR unknown subcommand 'foo'. Try DEBUG HELP."
        );
        assert_eq!(parse("debug digest").unwrap(), Command::Digest);
        assert_eq!(
            err("getrange k a 1"),
            "ERR value is not an integer or out of range"
        );
    }

    #[test]
    fn to_absolute_and_canonical_args() {
        let (mut cmd, spec) = Command::parse(&args("set k v ex 10 get")).unwrap();
        assert!(cmd.to_absolute(1_000, spec.name).unwrap());
        let canon = cmd.canonical_args().unwrap();
        assert_eq!(canon, args("SET k v GET PXAT 11000"));
        let (reparsed, _) = Command::parse(&canon).unwrap();
        assert_eq!(reparsed, cmd);

        let (mut cmd, spec) = Command::parse(&args("expire k 5 xx")).unwrap();
        cmd.to_absolute(1_000, spec.name).unwrap();
        assert_eq!(cmd.canonical_args().unwrap(), args("PEXPIREAT k 6000 XX"));

        let (mut cmd, spec) = Command::parse(&args("pexpire k 9223372036854775807")).unwrap();
        assert_eq!(
            cmd.to_absolute(1_000, spec.name).unwrap_err().to_string(),
            "ERR invalid expire time in 'pexpire' command"
        );
        let (cmd, _) = Command::parse(&args("get k")).unwrap();
        assert!(cmd.canonical_args().is_none());
    }

    #[test]
    fn geo_commands_parse_and_classify() {
        // GEOADD is a ZADD of the positions' geohashes.
        assert_eq!(
            parse("geoadd k ch 13.361389 38.115556 Palermo").unwrap(),
            Command::ZAdd {
                key: Bytes::from("k"),
                pairs: vec![(3479099956230698.0, Bytes::from("Palermo"))],
                flags: ZAddFlags {
                    ch: true,
                    ..ZAddFlags::default()
                },
            }
        );
        assert_eq!(err("geoadd k nx xx 1 2 m"), "ERR syntax error");
        assert_eq!(err("geoadd k 1 2 m 3"), "ERR syntax error");
        assert_eq!(err("geoadd k 1 x m"), "ERR value is not a valid float");
        assert_eq!(
            err("geoadd k 181 0 m"),
            "ERR invalid longitude,latitude pair 181.000000,0.000000"
        );
        assert_eq!(
            err("geoadd k 1 2"),
            "ERR wrong number of arguments for 'geoadd' command"
        );
        // The longest names are found; the rest is parsed as the command runs.
        assert_eq!(
            lookup(b"GEORADIUSBYMEMBER_RO").map(|s| s.name),
            Some("georadiusbymember_ro")
        );
        let access = |s: &str| {
            let (cmd, spec) = Command::parse(&args(s)).unwrap();
            cmd.access(spec)
        };
        assert_eq!(access("georadius k 1 2 3 km withdist"), Access::Read);
        assert_eq!(access("georadius k 1 2 3 km store d"), Access::Write);
        assert_eq!(access("georadius k 1 2 3 km STOREDIST d"), Access::Write);
        assert_eq!(access("georadiusbymember k store 3 km"), Access::Read);
        assert_eq!(
            access("georadiusbymember k m 3 km count 1 store d"),
            Access::Write
        );
        assert_eq!(access("georadius_ro k 1 2 3 km store d"), Access::Read);
        assert_eq!(
            access("geosearch k frommember m byradius 1 km"),
            Access::Read
        );
        assert_eq!(
            access("geosearchstore d k frommember m byradius 1 km"),
            Access::Write
        );
        assert_eq!(access("geopos k m"), Access::Read);
    }
}
