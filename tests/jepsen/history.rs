//! The history of a run: every client operation with its invocation and completion times and
//! its outcome. Clients append to it while the run goes on; the checkers read it afterwards, and
//! a failing run writes it to disk as readable text, one operation a line.

use std::fmt;

/// Key prefix of single-value registers (SET/GET, checked for linearizability).
pub const REGISTER_PREFIX: &str = "r:";
/// Key prefix of counters (INCR/GET).
pub const COUNTER_PREFIX: &str = "c:";
/// Key prefix of append-only lists (APPEND/GET of `;`-terminated tokens).
pub const LIST_PREFIX: &str = "l:";
/// Key prefix of streams (XADD of one entry holding a unique token, XRANGE of the whole
/// stream), checked as lists are.
pub const STREAM_PREFIX: &str = "s:";
/// Terminator of every token appended to a list key, so a read splits back into tokens.
pub const TOKEN_END: char = ';';

/// Which data model a key follows, decided by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A register: SET writes a unique value, GET reads it.
    Register,
    /// A counter: INCR adds one, GET reads the count.
    Counter,
    /// A list: APPEND adds a unique token, GET reads all tokens in order.
    List,
    /// A stream: XADD adds an entry holding a unique token, XRANGE reads all of them in order
    /// (the workload turns both into the list's calls).
    Stream,
}

impl KeyKind {
    /// The kind of `key`, or `None` if it follows no known naming scheme.
    pub fn of(key: &str) -> Option<Self> {
        if key.starts_with(REGISTER_PREFIX) {
            Some(Self::Register)
        } else if key.starts_with(COUNTER_PREFIX) {
            Some(Self::Counter)
        } else if key.starts_with(LIST_PREFIX) {
            Some(Self::List)
        } else if key.starts_with(STREAM_PREFIX) {
            Some(Self::Stream)
        } else {
            None
        }
    }
}

/// What a client asked the server to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// `GET key`.
    Get,
    /// `SET key value`.
    Set(String),
    /// `INCR key`.
    Incr,
    /// `APPEND key token` (the token includes its terminator).
    Append(String),
}

/// What the server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A nil bulk string (GET of a missing key).
    Nil,
    /// A bulk string (GET).
    Str(String),
    /// An integer (INCR's new value, APPEND's new length).
    Int(i64),
    /// A status reply such as `OK` (SET).
    Done,
}

/// How an operation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server acknowledged the operation with this value.
    Ok(Value),
    /// The operation certainly did not take effect (for example, the connection was refused
    /// before anything was sent).
    Failed(String),
    /// The operation may or may not have taken effect, now or at any later time: a timeout, a
    /// dropped connection, `TRYAGAIN` or `CLUSTERDOWN`.
    Unknown(String),
}

/// One completed client operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// The client task that issued it; each client has at most one operation in flight.
    pub client: usize,
    /// The 1-based id of the node the client sent it to.
    pub node: usize,
    /// The key it acts on.
    pub key: String,
    /// What was asked.
    pub call: Call,
    /// Nanoseconds since the start of the run when the client sent it.
    pub invoke_ns: u64,
    /// Nanoseconds since the start of the run when the client got its answer or gave up;
    /// never less than `invoke_ns`. For an `Unknown` outcome the checkers ignore it: the
    /// operation may take effect at any later time.
    pub complete_ns: u64,
    /// How it ended.
    pub outcome: Outcome,
}

impl Op {
    /// Whether the server acknowledged this operation.
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Ok(_))
    }

    /// Whether this operation's effect is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.outcome, Outcome::Unknown(_))
    }

    /// The time up to which this operation may take effect: its completion if acknowledged or
    /// failed, otherwise never-ending (`u64::MAX`).
    pub fn effect_deadline_ns(&self) -> u64 {
        if self.is_unknown() {
            u64::MAX
        } else {
            self.complete_ns
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let call = match &self.call {
            Call::Get => "get".to_string(),
            Call::Set(v) => format!("set {v:?}"),
            Call::Incr => "incr".to_string(),
            Call::Append(t) => format!("append {t:?}"),
        };
        let outcome = match &self.outcome {
            Outcome::Ok(Value::Nil) => "ok nil".to_string(),
            Outcome::Ok(Value::Str(s)) => format!("ok {s:?}"),
            Outcome::Ok(Value::Int(i)) => format!("ok {i}"),
            Outcome::Ok(Value::Done) => "ok".to_string(),
            Outcome::Failed(why) => format!("failed {why:?}"),
            Outcome::Unknown(why) => format!("unknown {why:?}"),
        };
        write!(
            f,
            "[{:>9.3}ms .. {:>9.3}ms] client={} node={} {} {} -> {}",
            self.invoke_ns as f64 / 1e6,
            self.complete_ns as f64 / 1e6,
            self.client,
            self.node,
            self.key,
            call,
            outcome
        )
    }
}

/// All operations of a run, in the order they completed.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// The operations; an operation's index is its id in anomaly reports.
    pub ops: Vec<Op>,
}

impl History {
    /// The operations grouped by key, each group in history order, keys sorted.
    pub fn by_key(&self) -> Vec<(&str, Vec<(usize, &Op)>)> {
        let mut keys: std::collections::BTreeMap<&str, Vec<(usize, &Op)>> = Default::default();
        for (id, op) in self.ops.iter().enumerate() {
            keys.entry(op.key.as_str()).or_default().push((id, op));
        }
        keys.into_iter().collect()
    }

    /// The history as text, one operation a line, prefixed by its id.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for (id, op) in self.ops.iter().enumerate() {
            out.push_str(&format!("#{id:<6} {op}\n"));
        }
        out
    }
}

/// Splits a list read into its tokens (each keeps its terminator). A trailing fragment with no
/// terminator is returned as a token too, so a torn write shows up as an unknown token.
pub fn split_tokens(read: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let mut start = 0;
    for (i, c) in read.char_indices() {
        if c == TOKEN_END {
            tokens.push(&read[start..=i]);
            start = i + c.len_utf8();
        }
    }
    if start < read.len() {
        tokens.push(&read[start..]);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_tokens_keeps_terminators_and_torn_tails() {
        assert_eq!(split_tokens(""), Vec::<&str>::new());
        assert_eq!(split_tokens("a1;b2;"), vec!["a1;", "b2;"]);
        assert_eq!(split_tokens("a1;b"), vec!["a1;", "b"]);
    }

    #[test]
    fn key_kind_follows_prefix() {
        assert_eq!(KeyKind::of("r:0"), Some(KeyKind::Register));
        assert_eq!(KeyKind::of("c:0"), Some(KeyKind::Counter));
        assert_eq!(KeyKind::of("l:0"), Some(KeyKind::List));
        assert_eq!(KeyKind::of("s:0"), Some(KeyKind::Stream));
        assert_eq!(KeyKind::of("x"), None);
    }
}
