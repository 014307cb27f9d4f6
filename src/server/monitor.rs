//! MONITOR: the commands this node's clients send, streamed as they arrive to the connections
//! that asked, one line each in Redis's format:
//! `+1733563200.123456 [0 127.0.0.1:52344] "SET" "key" "value"`.
//!
//! A node shows what its own clients send: a write a follower forwards appears on the
//! follower it reached, not on the leader, and the commands a script runs are not shown. As in
//! Redis, commands that do not exist or have the wrong number of arguments, and
//! administrative ones (CONFIG, DEBUG, SHUTDOWN, CLIENT KILL, MONITOR, RAFT.NODE), are left
//! out, and AUTH's (and HELLO's and MIGRATE's) credentials show as `(redacted)`. Unlike Redis,
//! which shows a command once it ran, a command shows when it arrives: one queued in MULTI
//! shows when it is queued.
//!
//! A monitor that reads more slowly than lines come is disconnected once
//! [`MONITOR_BACKLOG_BYTES`] of lines wait for it, as Redis drops a monitor past its output
//! buffer limit, so it cannot make the node hold an unbounded backlog (a line holds a
//! command's whole arguments, so counting lines would not bound it).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::debug;

use crate::kv::command;

/// Bytes of lines that may wait for one monitor before it is disconnected: Redis's hard
/// output limit for replicas and monitors.
pub(super) const MONITOR_BACKLOG_BYTES: usize = 256 * 1024 * 1024;

/// Connection-level commands Redis keeps out of MONITOR (its `admin` ones), besides the
/// subcommands flagged so (see [`super::local::is_admin`]).
const HIDDEN: &[&str] = &["debug"];

/// The connections in MONITOR mode.
#[derive(Default)]
pub(super) struct Monitors {
    /// How many there are: all a command checks when there are none.
    count: AtomicUsize,
    sinks: Mutex<Vec<Sink>>,
}

/// One monitoring connection, as the commands' side sees it.
struct Sink {
    id: u64,
    lines: mpsc::UnboundedSender<Bytes>,
    /// Bytes sent and not yet taken by the connection.
    queued: Arc<AtomicUsize>,
    /// Cancelled to disconnect it when it falls too far behind.
    kill: CancellationToken,
}

/// Where a monitoring connection takes its lines from.
pub(super) struct Feed {
    lines: mpsc::UnboundedReceiver<Bytes>,
    queued: Arc<AtomicUsize>,
}

impl Feed {
    /// The next line, once there is one.
    pub(super) async fn next(&mut self) -> Option<Bytes> {
        let line = self.lines.recv().await?;
        self.queued.fetch_sub(line.len(), Ordering::Relaxed);
        Some(line)
    }

    /// The next line if one waits.
    pub(super) fn try_next(&mut self) -> Option<Bytes> {
        let line = self.lines.try_recv().ok()?;
        self.queued.fetch_sub(line.len(), Ordering::Relaxed);
        Some(line)
    }
}

impl Monitors {
    /// Whether any connection monitors.
    pub(super) fn any(&self) -> bool {
        self.count.load(Ordering::Relaxed) > 0
    }

    /// Registers connection `id`; `kill` disconnects it. Returns where its lines arrive.
    pub(super) fn add(&self, id: u64, kill: CancellationToken) -> Feed {
        let (lines, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let mut sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner());
        sinks.retain(|s| s.id != id);
        sinks.push(Sink {
            id,
            lines,
            queued: queued.clone(),
            kill,
        });
        self.count.store(sinks.len(), Ordering::Relaxed);
        Feed { lines: rx, queued }
    }

    /// Unregisters connection `id`, if it monitors.
    pub(super) fn remove(&self, id: u64) {
        let mut sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner());
        sinks.retain(|s| s.id != id);
        self.count.store(sinks.len(), Ordering::Relaxed);
    }

    /// Shows the command `args`, sent from `addr`, to every monitor, if MONITOR shows it.
    pub(super) fn feed(&self, addr: &str, args: &[Bytes]) {
        if !shown(args) {
            return;
        }
        let line = line(SystemTime::now(), addr, args);
        let mut sinks = self.sinks.lock().unwrap_or_else(|p| p.into_inner());
        sinks.retain(|sink| {
            let queued = sink.queued.fetch_add(line.len(), Ordering::Relaxed) + line.len();
            if queued > MONITOR_BACKLOG_BYTES {
                debug!(
                    client = sink.id,
                    queued, "monitor fell behind: disconnecting it"
                );
                sink.kill.cancel();
                return false;
            }
            sink.lines.send(line.clone()).is_ok()
        });
        self.count.store(sinks.len(), Ordering::Relaxed);
    }
}

/// Whether MONITOR shows `args`: a command that exists, with a valid number of arguments, and
/// is not administrative.
fn shown(args: &[Bytes]) -> bool {
    let Some(name) = args.first() else {
        return false;
    };
    if command::lookup_checked(args).is_ok() {
        let name = name.to_ascii_lowercase();
        return !HIDDEN.iter().any(|h| h.as_bytes() == name);
    }
    super::local::checked_name(args).is_some_and(|full| !super::local::is_admin(&full))
}

/// The line MONITOR shows for `args` sent from `addr` at `at`, as a RESP simple string.
fn line(at: SystemTime, addr: &str, args: &[Bytes]) -> Bytes {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let mut out = format!(
        "+{}.{:06} [0 {addr}]",
        since.as_secs(),
        since.subsec_micros()
    );
    let secret = secret_args(args);
    for (i, arg) in args.iter().enumerate() {
        out.push(' ');
        if secret.contains(&i) {
            out.push_str("\"(redacted)\"");
        } else {
            repr(&mut out, arg);
        }
    }
    out.push_str("\r\n");
    Bytes::from(out)
}

/// The positions of `args` that hold credentials: AUTH's arguments, HELLO's after AUTH, and
/// MIGRATE's after AUTH (one) or AUTH2 (two), and the value of `CONFIG SET requirepass`.
pub(crate) fn secret_args(args: &[Bytes]) -> Vec<usize> {
    let upper = |i: usize| args.get(i).map(|a| a.to_ascii_uppercase());
    let name = upper(0).unwrap_or_default();
    match name.as_slice() {
        b"AUTH" => (1..args.len()).collect(),
        b"CONFIG" if upper(1).as_deref() == Some(b"SET") => (2..args.len())
            .step_by(2)
            .filter(|&i| upper(i).as_deref() == Some(b"REQUIREPASS"))
            .map(|i| i + 1)
            .filter(|&i| i < args.len())
            .collect(),
        b"HELLO" | b"MIGRATE" => {
            let mut secret = Vec::new();
            let mut i = 1;
            while i < args.len() {
                match upper(i).as_deref() {
                    Some(b"AUTH") if name == b"HELLO" => {
                        secret.extend([i + 1, i + 2]);
                        i += 3;
                    }
                    Some(b"AUTH") => {
                        secret.push(i + 1);
                        i += 2;
                    }
                    Some(b"AUTH2") => {
                        secret.extend([i + 1, i + 2]);
                        i += 3;
                    }
                    // MIGRATE's keys follow KEYS; none of them is a credential.
                    Some(b"KEYS") if name == b"MIGRATE" => break,
                    _ => i += 1,
                }
            }
            secret.retain(|&i| i < args.len());
            secret
        }
        _ => Vec::new(),
    }
}

/// Appends `arg` quoted as Redis's `sdscatrepr` quotes it.
fn repr(out: &mut String, arg: &[u8]) {
    out.push('"');
    for &b in arg {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn args(list: &[&[u8]]) -> Vec<Bytes> {
        list.iter().map(|a| Bytes::copy_from_slice(a)).collect()
    }

    #[test]
    fn lines_quote_as_redis_does_and_hide_credentials() {
        let at = UNIX_EPOCH + Duration::from_micros(1_733_563_200_000_042);
        let set = args(&[b"SET", b"k\"\\", b"a b\n\r\t\x07\x08\x00\xff"]);
        assert_eq!(
            line(at, "127.0.0.1:5", &set),
            "+1733563200.000042 [0 127.0.0.1:5] \"SET\" \"k\\\"\\\\\" \
             \"a b\\n\\r\\t\\a\\b\\x00\\xff\"\r\n"
        );
        let auth = args(&[b"auth", b"user", b"pw"]);
        assert!(line(at, "a", &auth).ends_with(b"\"auth\" \"(redacted)\" \"(redacted)\"\r\n"));
        let hello = args(&[b"HELLO", b"3", b"auth", b"u", b"p", b"SETNAME", b"n"]);
        assert_eq!(secret_args(&hello), vec![3, 4]);
        let migrate = args(&[
            b"MIGRATE", b"h", b"1", b"", b"0", b"5", b"AUTH2", b"u", b"p", b"KEYS", b"auth",
        ]);
        assert_eq!(secret_args(&migrate), vec![7, 8]);
        assert_eq!(secret_args(&args(&[b"GET", b"auth"])), Vec::<usize>::new());
    }

    #[test]
    fn unknown_malformed_and_admin_commands_are_not_shown() {
        assert!(shown(&args(&[b"get", b"k"])));
        assert!(shown(&args(&[b"PING"])));
        assert!(shown(&args(&[b"client", b"setname", b"x"])));
        assert!(!shown(&args(&[b"get"])));
        assert!(!shown(&args(&[b"nosuchcommand"])));
        assert!(!shown(&args(&[b"config", b"get", b"port"])));
        assert!(!shown(&args(&[b"client", b"kill", b"id", b"3"])));
        assert!(!shown(&args(&[b"monitor"])));
        assert!(!shown(&args(&[b"debug", b"digest"])));
    }

    #[tokio::test]
    async fn a_monitor_that_falls_behind_is_disconnected() {
        let monitors = Monitors::default();
        let kill = CancellationToken::new();
        let mut feed = monitors.add(7, kill.clone());
        assert!(monitors.any());
        monitors.feed("a", &args(&[b"PING"]));
        assert!(
            feed.next()
                .await
                .is_some_and(|l| l.ends_with(b"\"PING\"\r\n"))
        );
        // Lines taken no longer count: a monitor that keeps up stays.
        let big = Bytes::from(vec![b'x'; MONITOR_BACKLOG_BYTES / 4]);
        let set = vec![Bytes::from_static(b"SET"), Bytes::from_static(b"k"), big];
        for _ in 0..8 {
            monitors.feed("a", &set);
            assert!(feed.try_next().is_some());
        }
        assert!(!kill.is_cancelled());
        // One that does not is dropped once a backlog of that many bytes waits.
        for _ in 0..4 {
            monitors.feed("a", &set);
        }
        assert!(kill.is_cancelled());
        assert!(!monitors.any());
    }
}
