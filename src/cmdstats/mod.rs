//! What the commands this node ran cost: per-command totals for `INFO commandstats`, latency
//! histograms for `LATENCY HISTOGRAM` and `INFO latencystats`, the slow log for `SLOWLOG`,
//! and the error replies by kind for `INFO errorstats`. [`events`] is the latency monitor
//! (`LATENCY LATEST` and the rest).
//!
//! As in Redis, a command's time is the time it took to execute, not the time it waited: a
//! read is timed while the driver runs it against the state machine, a write while the driver
//! applies it, and a command the server answers itself (PING, CLIENT, CONFIG, ...) while its
//! session runs it. Every node applies every write, so every node counts every write, the
//! way a Redis replica counts what its master sends it. A slow-log entry names the client
//! when this node knows it: the client of a read, of a command the server answers itself, or
//! of a write this node proposed as leader; a write that came through the log from another
//! node's client carries an empty address and name.
//!
//! One mutex guards the totals and the log; it is held only to update or copy them, never
//! across an await and never while a command runs (a script may run for seconds).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::kv::command;

pub mod events;
mod histogram;

pub use events::Events;
pub use histogram::Histogram;

/// `slowlog-log-slower-than`'s default, in microseconds (Redis's).
pub const DEFAULT_SLOWER_THAN_US: i64 = 10_000;

/// `slowlog-max-len`'s default (Redis's).
pub const DEFAULT_MAX_LEN: usize = 128;

/// The largest `slowlog-max-len` CONFIG SET accepts. An entry keeps at most
/// [`MAX_ARGS`] arguments of [`MAX_ARG_BYTES`] bytes (and a note of what was cut), about
/// 5 KiB, so the log stays near 300 MiB at most however it is configured (Redis accepts any
/// length).
pub const MAX_MAX_LEN: usize = 65_536;

/// `latency-tracking-info-percentiles`'s default (Redis's).
const DEFAULT_PERCENTILES: [f64; 3] = [50.0, 99.0, 99.9];

/// Arguments an entry keeps; the last one kept says how many more there were (Redis's
/// `SLOWLOG_ENTRY_MAX_ARGC`).
const MAX_ARGS: usize = 32;

/// Bytes an argument keeps; a longer one says how many more it had (Redis's
/// `SLOWLOG_ENTRY_MAX_STRING`).
const MAX_ARG_BYTES: usize = 128;

/// Distinct names counted at most. Names come from the command table, so this is never
/// reached; it bounds the map should a subcommand ever be counted from a client's bytes.
const MAX_NAMES: usize = 1024;

/// Kinds of error reply counted apart at most (Redis's `ERROR_STATS_NUMBER`): past them, a new
/// kind counts only in the total, so a client cannot grow the map with made-up error codes.
const MAX_ERROR_KINDS: usize = 128;

/// Who sent a command, as the slow log shows it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The client's `ip:port`.
    pub addr: String,
    /// CLIENT SETNAME's name, empty without one.
    pub name: String,
    /// The client's CLIENT ID on this node.
    pub id: u64,
    /// Whether the keys of the reads sent with this caller are remembered for CLIENT
    /// TRACKING: the driver remembers them as it serves the reads.
    pub track_reads: bool,
}

/// One command's totals (`cmdstat_<name>`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Calls {
    /// Executions, failed ones included.
    pub calls: u64,
    /// Microseconds spent executing them.
    pub usec: u64,
    /// Refused before executing: a wrong argument count, an unknown subcommand, NOAUTH.
    pub rejected: u64,
    /// Executed and answered with an error.
    pub failed: u64,
}

/// One command's latencies, as `LATENCY HISTOGRAM` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latencies {
    /// The command's name (`get`, `client|list`).
    pub name: String,
    /// How many executions were timed.
    pub calls: u64,
    /// (microseconds, executions that took at most that long), ascending.
    pub buckets: Vec<(u64, u64)>,
}

/// One slow-log entry, as `SLOWLOG GET` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowEntry {
    /// Unique and increasing on this node since it started.
    pub id: u64,
    /// When the command ran, in Unix seconds.
    pub unix_secs: i64,
    /// How long it took to execute.
    pub micros: u64,
    /// The command, shortened as Redis shortens it, credentials redacted.
    pub args: Vec<Bytes>,
    /// Who sent it; empty fields when this node does not know.
    pub caller: Caller,
}

/// One command's totals and, once it ran with latency tracking on, its latencies.
#[derive(Default)]
struct Entry {
    calls: Calls,
    latency: Option<Box<Histogram>>,
}

#[derive(Default)]
struct Inner {
    /// Totals of the key-value commands, by position in `command::COMMANDS` (found without
    /// hashing: the driver counts every command it executes).
    table: Vec<Entry>,
    /// Totals of subcommands and of the commands the server answers itself, by name.
    named: HashMap<Box<str>, Entry>,
    slow: VecDeque<SlowEntry>,
    next_id: u64,
    /// Error replies by their first word (`ERR`, `WRONGTYPE`, ...).
    errors: HashMap<Box<str>, u64>,
    /// Every error reply, counted apart or not.
    total_errors: u64,
}

/// This node's command totals and slow log.
pub struct CommandStats {
    inner: Mutex<Inner>,
    /// `slowlog-log-slower-than` in microseconds: negative logs nothing, 0 logs everything.
    slower_than_us: AtomicI64,
    /// `slowlog-max-len`: the oldest entries go past this many.
    max_len: AtomicUsize,
    /// `latency-tracking`: whether executions go into the latency histograms.
    latency_tracking: AtomicBool,
    /// `latency-tracking-info-percentiles`: the percentiles INFO latencystats reports.
    percentiles: Mutex<Vec<f64>>,
    /// The latency monitor (LATENCY LATEST, ...).
    pub events: Events,
    /// The state machine's totals since the start, as the driver last copied them: key
    /// lookups by reads that hit and that missed, expired keys removed, and expired hash
    /// fields removed.
    keyspace: [AtomicU64; 4],
    /// The same totals when CONFIG RESETSTAT last ran.
    keyspace_reset: Mutex<[u64; 4]>,
}

impl std::fmt::Debug for CommandStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandStats").finish_non_exhaustive()
    }
}

impl CommandStats {
    /// Empty totals and log, with Redis's default settings.
    pub fn new() -> Arc<Self> {
        Arc::new(CommandStats {
            inner: Mutex::new(Inner::default()),
            slower_than_us: AtomicI64::new(DEFAULT_SLOWER_THAN_US),
            max_len: AtomicUsize::new(DEFAULT_MAX_LEN),
            latency_tracking: AtomicBool::new(true),
            percentiles: Mutex::new(DEFAULT_PERCENTILES.to_vec()),
            events: Events::default(),
            keyspace: Default::default(),
            keyspace_reset: Mutex::new([0; 4]),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // The guarded data is plain counters: a panic elsewhere cannot leave it inconsistent.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts recording a series of executions (the settings are read once).
    pub fn recorder(&self) -> Recorder<'_> {
        Recorder {
            stats: self,
            tracking: self.latency_tracking.load(Ordering::Relaxed),
            slower_than_us: self.slower_than_us.load(Ordering::Relaxed),
            max_len: self.max_len.load(Ordering::Relaxed),
        }
    }

    /// Records one execution of `args` (see [`Recorder::record`]).
    pub fn record(&self, args: &[Bytes], took: Duration, failed: bool, caller: Option<&Caller>) {
        self.recorder().record(args, took, failed, caller);
    }

    /// Counts one command a script ran (`redis.call` or `redis.pcall`), as a call and, if it
    /// answered an error, a failed one. Its time is its script's: the command is not timed,
    /// so it adds nothing to the time totals, the latency histograms or the slow log.
    pub fn record_script_call(&self, args: &[Bytes], failed: bool) {
        let Some(key) = stat_key(args) else {
            return;
        };
        if let Some(entry) = entry(&mut self.lock(), &key) {
            entry.calls.calls += 1;
            if failed {
                entry.calls.failed += 1;
            }
        }
    }

    /// Counts a command refused before it ran; an unknown command is not counted.
    pub fn reject(&self, args: &[Bytes]) {
        let Some(key) = stat_key(args) else {
            return;
        };
        if let Some(entry) = entry(&mut self.lock(), &key) {
            entry.calls.rejected += 1;
        }
    }

    /// Every command's totals, by name.
    pub fn totals(&self) -> Vec<(String, Calls)> {
        let inner = self.lock();
        let mut all: Vec<(String, Calls)> = entries(&inner)
            .filter(|(_, e)| e.calls != Calls::default())
            .map(|(name, e)| (name.to_string(), e.calls))
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// INFO latencystats: for each command with latencies, by name, each configured
    /// percentile and its latency in microseconds.
    pub fn latency_percentiles(&self) -> Vec<(String, Vec<(f64, f64)>)> {
        let percentiles = self.percentiles();
        let inner = self.lock();
        let mut all: Vec<(String, Vec<(f64, f64)>)> = entries(&inner)
            .filter_map(|(name, e)| {
                let h = e.latency.as_ref()?;
                let values = percentiles
                    .iter()
                    .map(|&p| (p, h.value_at_percentile(p) as f64 / 1000.0))
                    .collect();
                Some((name.to_string(), values))
            })
            .collect();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        all
    }

    /// LATENCY HISTOGRAM: for each command with latencies whose name `wanted` accepts, by
    /// name, how many latencies it holds and its cumulative buckets (see
    /// [`Histogram::cumulative`]).
    pub fn histograms(&self, wanted: impl Fn(&str) -> bool) -> Vec<Latencies> {
        let inner = self.lock();
        let mut all: Vec<Latencies> = entries(&inner)
            .filter(|(name, _)| wanted(name))
            .filter_map(|(name, e)| {
                let h = e.latency.as_ref()?;
                Some(Latencies {
                    name: name.to_string(),
                    calls: h.total(),
                    buckets: h.cumulative(),
                })
            })
            .collect();
        all.sort_unstable_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// `latency-tracking`.
    pub fn latency_tracking(&self) -> bool {
        self.latency_tracking.load(Ordering::Relaxed)
    }

    /// CONFIG SET latency-tracking. Turning it off keeps the histograms as they are.
    pub fn set_latency_tracking(&self, on: bool) {
        self.latency_tracking.store(on, Ordering::Relaxed);
    }

    /// `latency-tracking-info-percentiles`.
    pub fn percentiles(&self) -> Vec<f64> {
        self.percentiles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// CONFIG SET latency-tracking-info-percentiles (each from 0 to 100, checked by the
    /// caller).
    pub fn set_percentiles(&self, percentiles: Vec<f64>) {
        *self.percentiles.lock().unwrap_or_else(|e| e.into_inner()) = percentiles;
    }

    /// The driver's copy of the state machine's totals: (keyspace hits, keyspace misses,
    /// expired keys, expired hash fields) since the start.
    pub fn set_keyspace(&self, totals: [u64; 4]) {
        for (counter, value) in self.keyspace.iter().zip(totals) {
            counter.store(value, Ordering::Relaxed);
        }
    }

    /// INFO's `keyspace_hits`, `keyspace_misses`, `expired_keys` and `expired_subkeys`: the
    /// state machine's
    /// totals since the start or the last CONFIG RESETSTAT.
    pub fn keyspace(&self) -> [u64; 4] {
        let reset = *self
            .keyspace_reset
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        std::array::from_fn(|i| {
            self.keyspace[i]
                .load(Ordering::Relaxed)
                .saturating_sub(reset[i])
        })
    }

    /// CONFIG RESETSTAT: forgets the totals and the error counts (the slow log stays, as in
    /// Redis).
    pub fn reset_totals(&self) {
        *self
            .keyspace_reset
            .lock()
            .unwrap_or_else(|e| e.into_inner()) =
            std::array::from_fn(|i| self.keyspace[i].load(Ordering::Relaxed));
        let mut inner = self.lock();
        inner.table.clear();
        inner.named.clear();
        inner.errors.clear();
        inner.total_errors = 0;
    }

    /// Counts an error reply sent to a client, by its first word.
    pub fn count_error(&self, text: &str) {
        let kind = text.split(' ').next().unwrap_or_default();
        let mut inner = self.lock();
        inner.total_errors += 1;
        if let Some(count) = inner.errors.get_mut(kind) {
            *count += 1;
        } else if inner.errors.len() < MAX_ERROR_KINDS {
            inner.errors.insert(kind.into(), 1);
        }
    }

    /// Error replies by kind, sorted, and the total (`total_error_replies`).
    pub fn errors(&self) -> (Vec<(String, u64)>, u64) {
        let inner = self.lock();
        let mut kinds: Vec<(String, u64)> = inner
            .errors
            .iter()
            .map(|(kind, count)| (kind.to_string(), *count))
            .collect();
        kinds.sort_unstable();
        (kinds, inner.total_errors)
    }

    /// SLOWLOG GET: up to `count` entries (all of them for `None`), newest first.
    pub fn slow_entries(&self, count: Option<usize>) -> Vec<SlowEntry> {
        let inner = self.lock();
        let count = count.unwrap_or(usize::MAX);
        inner.slow.iter().take(count).cloned().collect()
    }

    /// SLOWLOG LEN.
    pub fn slow_len(&self) -> usize {
        self.lock().slow.len()
    }

    /// SLOWLOG RESET. Ids go on from where they were.
    pub fn slow_reset(&self) {
        self.lock().slow.clear();
    }

    /// `slowlog-log-slower-than`.
    pub fn slower_than_us(&self) -> i64 {
        self.slower_than_us.load(Ordering::Relaxed)
    }

    /// `slowlog-max-len`.
    pub fn max_len(&self) -> usize {
        self.max_len.load(Ordering::Relaxed)
    }

    /// CONFIG SET slowlog-log-slower-than.
    pub fn set_slower_than_us(&self, micros: i64) {
        self.slower_than_us.store(micros, Ordering::Relaxed);
    }

    /// CONFIG SET slowlog-max-len: a shorter length drops the oldest entries now.
    pub fn set_max_len(&self, len: usize) {
        let len = len.min(MAX_MAX_LEN);
        self.max_len.store(len, Ordering::Relaxed);
        self.lock().slow.truncate(len);
    }
}

/// Records a series of executions, with the settings as they were when it started.
pub struct Recorder<'a> {
    stats: &'a CommandStats,
    tracking: bool,
    slower_than_us: i64,
    max_len: usize,
}

impl Recorder<'_> {
    /// Records one execution of `args` that took `took` and answered an error if `failed`,
    /// sent by `caller` when known. Names outside the command table and internal commands
    /// (`__...`) are not counted.
    pub fn record(&self, args: &[Bytes], took: Duration, failed: bool, caller: Option<&Caller>) {
        let Some(key) = stat_key(args) else {
            return;
        };
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        let exec = matches!(&key, Key::Named(name) if name == "exec");
        if !exec {
            self.stats.events.add("command", took);
        }
        let mut inner = self.stats.lock();
        if let Some(entry) = entry(&mut inner, &key) {
            let calls = &mut entry.calls;
            calls.calls += 1;
            calls.usec = calls.usec.saturating_add(micros);
            if failed {
                calls.failed += 1;
            }
            if self.tracking {
                entry
                    .latency
                    .get_or_insert_with(Histogram::new)
                    .record(took);
            }
        }
        let slow = self.slower_than_us >= 0 && micros >= self.slower_than_us as u64;
        if slow && self.max_len > 0 && !exec {
            let inner = &mut *inner;
            inner.next_id += 1;
            inner.slow.push_front(SlowEntry {
                id: inner.next_id - 1,
                unix_secs: unix_secs(),
                micros,
                args: shortened(args),
                caller: caller.cloned().unwrap_or_default(),
            });
            inner.slow.truncate(self.max_len);
        }
    }
}

/// The wall clock in Unix seconds (0 before 1970).
pub fn unix_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Where a command's totals are kept.
#[derive(Debug, PartialEq, Eq)]
enum Key {
    /// A key-value command, by its position in `command::COMMANDS`.
    Table(usize),
    /// A subcommand (`object|encoding`) or a command the server answers itself.
    Named(String),
}

/// Every command's entry, with its name.
fn entries(inner: &Inner) -> impl Iterator<Item = (&str, &Entry)> {
    let table = (inner.table.iter().enumerate()).map(|(i, e)| (command::COMMANDS[i].name, e));
    table.chain(inner.named.iter().map(|(name, e)| (&**name, e)))
}

/// The entry kept under `key`, created if there is room for one more name.
fn entry<'a>(inner: &'a mut Inner, key: &Key) -> Option<&'a mut Entry> {
    match key {
        Key::Table(i) => {
            if inner.table.len() <= *i {
                inner
                    .table
                    .resize_with(command::COMMANDS.len(), Entry::default);
            }
            inner.table.get_mut(*i)
        }
        Key::Named(name) => {
            if !inner.named.contains_key(name.as_str()) {
                if inner.named.len() >= MAX_NAMES {
                    return None;
                }
                inner.named.insert(name.as_str().into(), Entry::default());
            }
            inner.named.get_mut(name.as_str())
        }
    }
}

/// Where `args` is counted, under the name Redis gives it in `INFO commandstats`: the
/// command's name, with the subcommand (`client|list`) for the commands that have them.
/// `None` for a name outside the command table and for internal commands.
fn stat_key(args: &[Bytes]) -> Option<Key> {
    let first = args.first()?;
    if first.starts_with(b"__") {
        let name = seeded_name(first)?;
        return command::lookup_index(name.as_bytes()).map(Key::Table);
    }
    if let Some(i) = command::lookup_index(first) {
        let name = command::COMMANDS[i].name;
        let Some((_, subs)) = CONTAINERS.iter().find(|(c, _)| *c == name) else {
            return Some(Key::Table(i));
        };
        // As in Redis, a subcommand that does not exist is counted nowhere.
        let sub = args.get(1)?.to_ascii_lowercase();
        return subs
            .iter()
            .find(|s| s.as_bytes() == sub.as_slice())
            .map(|s| Key::Named(format!("{name}|{s}")));
    }
    crate::server::local_stat_name(args).map(Key::Named)
}

/// Key-value commands counted per subcommand, as Redis counts them, with Redis's subcommands.
const CONTAINERS: &[(&str, &[&str])] = &[
    (
        "function",
        &[
            "delete", "dump", "flush", "help", "kill", "list", "load", "restore", "stats",
        ],
    ),
    (
        "memory",
        &["doctor", "help", "malloc-stats", "purge", "stats", "usage"],
    ),
    (
        "object",
        &["encoding", "freq", "help", "idletime", "refcount"],
    ),
    (
        "script",
        &["debug", "exists", "flush", "help", "kill", "load"],
    ),
    (
        "xgroup",
        &[
            "create",
            "createconsumer",
            "delconsumer",
            "destroy",
            "help",
            "setid",
        ],
    ),
    ("xinfo", &["consumers", "groups", "help", "stream"]),
];

/// The client's name for an internal command that carries a seed drawn by the node the
/// client sent it to (`__SPOP <seed> key` is the client's `SPOP key`); `None` for other
/// internal commands, which no client sent.
fn seeded_name(first: &[u8]) -> Option<&'static str> {
    [
        (command::HRANDFIELD, "hrandfield"),
        (command::RANDOM_KEY, "randomkey"),
        (command::SPOP, "spop"),
        (command::SRANDMEMBER, "srandmember"),
        (command::ZRANDMEMBER, "zrandmember"),
    ]
    .into_iter()
    .find(|(internal, _)| internal.as_bytes() == first)
    .map(|(_, name)| name)
}

/// `args` as the slow log keeps them: at most [`MAX_ARGS`] arguments of at most
/// [`MAX_ARG_BYTES`] bytes, credentials replaced by `(redacted)`.
fn shortened(args: &[Bytes]) -> Vec<Bytes> {
    let unseeded;
    let args = match args.first().and_then(|first| seeded_name(first)) {
        Some(name) => {
            unseeded = std::iter::once(Bytes::from(name.to_ascii_uppercase()))
                .chain(args.iter().skip(2).cloned())
                .collect::<Vec<_>>();
            &unseeded[..]
        }
        None => args,
    };
    let secret = crate::server::secret_args(args);
    let kept = args.len().min(MAX_ARGS);
    let mut out = Vec::with_capacity(kept);
    for (i, arg) in args.iter().take(kept).enumerate() {
        if kept < args.len() && i == kept - 1 {
            out.push(Bytes::from(format!(
                "... ({} more arguments)",
                args.len() - kept + 1
            )));
        } else if secret.contains(&i) {
            out.push(Bytes::from_static(b"(redacted)"));
        } else if arg.len() > MAX_ARG_BYTES {
            let mut s = arg[..MAX_ARG_BYTES].to_vec();
            s.extend_from_slice(
                format!("... ({} more bytes)", arg.len() - MAX_ARG_BYTES).as_bytes(),
            );
            out.push(Bytes::from(s));
        } else {
            // A copy: `arg` may be a slice of a larger buffer the slow log would keep alive.
            out.push(Bytes::copy_from_slice(arg));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<Bytes> {
        list.iter().map(|a| Bytes::from(a.to_string())).collect()
    }

    /// The slow log keeps copies: an argument may be a slice of a larger buffer.
    #[test]
    fn slow_log_arguments_are_copies() {
        let buffer = Bytes::from_static(b"SET key value");
        let args = [buffer.slice(0..3), buffer.slice(4..7), buffer.slice(8..13)];
        let kept = shortened(&args);
        assert_eq!(kept, args);
        for arg in &kept {
            assert!(!buffer.as_ptr_range().contains(&arg.as_ptr()), "{arg:?}");
        }
    }

    #[test]
    fn totals_count_calls_time_failures_and_rejections() {
        let stats = CommandStats::new();
        stats.record(
            &args(&["SET", "k", "v"]),
            Duration::from_micros(5),
            false,
            None,
        );
        stats.record(&args(&["set", "k"]), Duration::from_micros(7), true, None);
        stats.reject(&args(&["set", "k"]));
        stats.record(&args(&["nosuch"]), Duration::from_micros(7), false, None);
        stats.record(
            &args(&["__purge", "k"]),
            Duration::from_micros(7),
            false,
            None,
        );
        stats.record(
            &args(&["object", "ENCODING", "k"]),
            Duration::ZERO,
            false,
            None,
        );
        let totals = stats.totals();
        assert_eq!(
            totals,
            vec![
                (
                    "object|encoding".to_string(),
                    Calls {
                        calls: 1,
                        ..Calls::default()
                    }
                ),
                (
                    "set".to_string(),
                    Calls {
                        calls: 2,
                        usec: 12,
                        rejected: 1,
                        failed: 1
                    }
                ),
            ]
        );
        stats.count_error("WRONGTYPE Operation against a key holding the wrong kind of value");
        stats.count_error("ERR syntax error");
        stats.count_error("ERR value is not an integer or out of range");
        for i in 0..MAX_ERROR_KINDS {
            stats.count_error(&format!("E{i} made up"));
        }
        let (kinds, total) = stats.errors();
        assert_eq!(total, 3 + MAX_ERROR_KINDS as u64);
        assert_eq!(kinds.len(), MAX_ERROR_KINDS);
        assert!(kinds.contains(&("ERR".to_string(), 2)), "{kinds:?}");
        assert!(kinds.contains(&("WRONGTYPE".to_string(), 1)), "{kinds:?}");
        stats.reset_totals();
        assert!(stats.totals().is_empty());
        assert_eq!(stats.errors(), (Vec::new(), 0));
    }

    #[test]
    fn the_slow_log_keeps_the_newest_entries_shortened_as_redis_does() {
        let stats = CommandStats::new();
        stats.set_slower_than_us(100);
        stats.set_max_len(2);
        let caller = Caller {
            addr: "127.0.0.1:5000".into(),
            name: "worker".into(),
            ..Caller::default()
        };
        let slow = |list: &[&str], micros: u64, caller: Option<&Caller>| {
            stats.record(&args(list), Duration::from_micros(micros), false, caller);
        };
        slow(&["get", "fast"], 99, None);
        slow(&["get", "a"], 100, Some(&caller));
        slow(&["get", "b"], 150, None);
        let long = "x".repeat(200);
        let mut many = vec!["del".to_string(), long.clone()];
        many.extend((0..40).map(|i| i.to_string()));
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        stats.record(&args(&many), Duration::from_millis(3), false, None);
        let entries = stats.slow_entries(None);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].id, 2);
        assert_eq!(entries[0].micros, 3000);
        assert_eq!(entries[0].args.len(), 32);
        assert_eq!(
            entries[0].args[1],
            format!("{}... (72 more bytes)", &long[..128])
        );
        assert_eq!(entries[0].args[31], "... (11 more arguments)");
        assert_eq!(entries[1].args, args(&["get", "b"]));
        assert_eq!(stats.slow_entries(Some(1)).len(), 1);

        stats.set_max_len(5);
        slow(&["auth", "secret"], 1000, None);
        slow(&["get", "a"], 1000, Some(&caller));
        let entries = stats.slow_entries(None);
        assert_eq!(entries[0].caller, caller);
        assert_eq!(entries[1].args, args(&["auth", "(redacted)"]));

        stats.set_max_len(1);
        assert_eq!(stats.slow_len(), 1);
        stats.slow_reset();
        assert_eq!(stats.slow_len(), 0);
        stats.set_slower_than_us(-1);
        stats.record(&args(&["get", "a"]), Duration::from_secs(1), false, None);
        assert_eq!(stats.slow_len(), 0);
        stats.set_slower_than_us(0);
        stats.record(&args(&["get", "a"]), Duration::ZERO, false, None);
        assert_eq!(stats.slow_entries(None)[0].id, 5);
    }
}
