//! One client connection: reading requests, grouping them into runs, MULTI/EXEC and WATCH.
//!
//! Requests are handled strictly in order. Consecutive key-value writes form one *run* that
//! becomes a single `KvBatch` (one log entry, one round trip); consecutive reads form one read
//! call. A run ends at the first request of another kind, at a connection-level command, or at
//! a size cap, so a deep pipeline costs one round per run while every reply keeps its place.

use std::mem;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{debug, instrument};

use super::frame::{self, Limits, MAX_INLINE_BYTES};
use super::reply::{Out, encode, error_frame};
use super::subscribe::{self, Subscriptions};
use super::{Backend, ClientInfo, Shared, now_ms};
use crate::blocking::{Unblock, Waiter};
use crate::cmdstats::Caller;
use crate::kv::command::{self, Access, Command, Spec};
use crate::kv::stream;
use crate::pb;
use crate::pb::reply::Kind;

/// Most commands in one run (one `KvBatch` or one read call).
pub const MAX_RUN_COMMANDS: usize = 1024;

/// A run is closed once its arguments exceed this many bytes, bounding log entry size.
pub const MAX_RUN_BYTES: usize = 4 * 1024 * 1024;

/// Bytes reserved in the read buffer before each read.
const READ_CHUNK_BYTES: usize = 16 * 1024;

/// Largest read buffer: a request that needs more is refused and the connection closed.
const MAX_QUERY_BUFFER_BYTES: usize = 1024 * 1024 * 1024;

/// Bytes of MONITOR lines written per turn of a connection's loop at most.
const MONITOR_BYTES_PER_TURN: usize = 256 * 1024;

/// Connection-level commands refused inside MULTI: SHUTDOWN and MONITOR (`no_multi`, as in
/// Redis), the subscription commands (Redis 7.0 queues them; see the README) and RAFT.NODE.
const REFUSED_IN_MULTI: &[&str] = &[
    "monitor",
    "psubscribe",
    "punsubscribe",
    "raft.node",
    "save",
    "shutdown",
    "ssubscribe",
    "subscribe",
    "sunsubscribe",
    "unsubscribe",
];

/// One queued MULTI entry.
enum Queued {
    /// A validated key-value command.
    Kv(Command, &'static Spec, Vec<Bytes>),
    /// A connection-level command (CLIENT, INFO, CONFIG, ...), run at EXEC after the
    /// transaction's writes.
    Local(String, Vec<Bytes>),
    /// A reply decided while queueing: the argument error a key-value command fails with at
    /// EXEC.
    Decided(Out),
}

/// WAIT's or WAITAOF's question to the backend.
#[derive(Clone, Copy, Debug)]
struct WaitQuestion {
    /// WAITAOF: whether this node's own log must hold the writes too (numlocal); `None` for
    /// WAIT.
    local: Option<bool>,
    /// How many replicas must hold them.
    replicas: u64,
    /// How long to wait at most; `None`: no limit.
    timeout: Option<Duration>,
}

/// WAIT's or WAITAOF's arguments, with Redis's errors.
fn parse_wait_question(args: &[Bytes]) -> Result<WaitQuestion, Out> {
    if !args[0].eq_ignore_ascii_case(b"waitaof") {
        let (replicas, timeout) = parse_wait(args)?;
        return Ok(WaitQuestion {
            local: None,
            replicas,
            timeout,
        });
    }
    if args.len() != 4 {
        return Err(arity("waitaof"));
    }
    let local = match command::parse_i64_strict(&args[1]) {
        Some(n @ 0..=1) => n == 1,
        Some(_) => {
            return Err(Out::error(
                "ERR value is out of range, value must between 0 and 1",
            ));
        }
        None => return Err(Out::error("ERR value is not an integer or out of range")),
    };
    let replicas = match command::parse_i64_strict(&args[2]) {
        Some(n) if n >= 0 => n as u64,
        Some(_) => return Err(Out::error("ERR value is out of range, must be positive")),
        None => return Err(Out::error("ERR value is not an integer or out of range")),
    };
    let (_, timeout) = parse_wait(&[args[0].clone(), args[2].clone(), args[3].clone()])?;
    Ok(WaitQuestion {
        local: Some(local),
        replicas,
        timeout,
    })
}

/// The backend's answer to WAIT (the replicas) or WAITAOF (whether this node, and the
/// replicas), as the client gets it.
async fn wait_answer<B: Backend>(backend: &B, question: WaitQuestion) -> Out {
    let WaitQuestion {
        local,
        replicas,
        timeout,
    } = question;
    match local {
        None => match backend.wait(replicas, timeout).await {
            Ok(n) => Out::Integer(n as i64),
            Err(e) => error_frame(&e),
        },
        Some(local) => match backend.wait_aof(local, replicas, timeout).await {
            Ok((held, n)) => {
                Out::Array(vec![Out::Integer(i64::from(held)), Out::Integer(n as i64)])
            }
            Err(e) => error_frame(&e),
        },
    }
}

/// WAIT's arguments: how many replicas, and how long to wait for them (`None`: no limit).
fn parse_wait(args: &[Bytes]) -> Result<(u64, Option<Duration>), Out> {
    if args.len() != 3 {
        return Err(arity("wait"));
    }
    let Some(replicas) = command::parse_i64_strict(&args[1]) else {
        return Err(Out::error("ERR value is not an integer or out of range"));
    };
    let Some(timeout) = command::parse_i64_strict(&args[2]) else {
        return Err(Out::error("ERR timeout is not an integer or out of range"));
    };
    if timeout < 0 {
        return Err(Out::error("ERR timeout is negative"));
    }
    let timeout = (timeout > 0).then(|| Duration::from_millis(timeout as u64));
    Ok((replicas.max(0) as u64, timeout))
}

/// One reply of EXEC, by where it comes from.
enum Slot {
    /// Decided when the command was queued.
    Answered(Out),
    /// The next reply of the transaction's batch.
    Batch,
    /// A connection-level command, run once the batch is done.
    Local(String, Vec<Bytes>),
}

/// An open MULTI block.
#[derive(Default)]
struct Multi {
    /// Commands to run at EXEC, in order.
    queued: Vec<Queued>,
    /// A command was refused while queueing: EXEC answers EXECABORT.
    dirty: bool,
}

/// A blocking command that found every key empty, waiting to be tried again.
struct Blocked {
    /// The command, as it is proposed at each try.
    args: Vec<Bytes>,
    /// When to give up; `None` waits forever (a timeout of 0).
    deadline: Option<tokio::time::Instant>,
    /// Woken by stores to the keys waited on, and by CLIENT UNBLOCK.
    waiter: Arc<Waiter>,
    /// Set when a wake-up came since the last try.
    woken: bool,
    /// Whether a try found every key empty, so CLIENT LIST and INFO show the client blocked.
    shown: bool,
    /// Whether each try is a read (XREAD) rather than a write.
    read_only: bool,
    /// Whether the read's keys are remembered for this client's tracking (CLIENT TRACKING),
    /// as decided when the command came: at the try that answers it.
    tracked: bool,
}

/// A WAIT in progress.
struct ReplicaWait {
    /// The question to the backend, on a task of its own (aborted if the client leaves
    /// first), so that the session goes on noticing a closed connection.
    task: JoinHandle<Out>,
    /// Woken by CLIENT UNBLOCK (WAIT registers on no key).
    waiter: Arc<Waiter>,
    /// WAITAOF rather than WAIT.
    aof: bool,
}

/// Consecutive commands of one access kind waiting to be sent.
#[derive(Default)]
struct Run {
    /// Read or write; `None` when the run is empty.
    access: Option<Access>,
    /// The commands, normalized (absolute expiry times).
    commands: Vec<pb::KvCommand>,
    /// Total argument bytes.
    bytes: usize,
    /// Reads whose keys the node remembers for CLIENT TRACKING.
    tracked: bool,
}

/// A connection's protocol state.
pub(super) struct Session<B> {
    /// Server-wide state.
    pub(super) shared: Arc<Shared<B>>,
    /// CLIENT ID.
    pub(super) id: u64,
    /// Whether replies use RESP3 (after HELLO 3).
    pub(super) resp3: bool,
    /// Whether the client may run commands (always true without `requirepass`).
    pub(super) authenticated: bool,
    /// CLIENT SETNAME.
    pub(super) name: Option<Bytes>,
    /// Set by QUIT or a framing error: close after writing the replies.
    pub(super) closing: bool,
    /// The open MULTI block.
    multi: Option<Multi>,
    /// WATCHed keys with the versions read when they were watched.
    watched: Vec<pb::WatchedKey>,
    /// The pending run.
    run: Run,
    /// The read buffer must reach this length before parsing can make progress.
    need_bytes: usize,
    /// CLIENT REPLY OFF: no replies at all until CLIENT REPLY ON.
    pub(super) replies_off: bool,
    /// Replies still to drop for CLIENT REPLY SKIP: its own and the next command's.
    pub(super) replies_to_skip: u8,
    /// A command CLIENT PAUSE held back, with whether it writes: run once the pause ends,
    /// before anything read after it.
    postponed: Option<(Vec<Bytes>, bool)>,
    /// Channels, patterns and shard channels subscribed to, and where their messages arrive.
    pub(super) subs: Subscriptions,
    /// Closes the connection: CLIENT KILL, or a subscriber too far behind its messages.
    pub(super) kill: CancellationToken,
    /// The blocking command this client waits on, if any: nothing else it sent runs meanwhile.
    blocked: Option<Blocked>,
    /// A WAIT in progress: it blocks the client like `blocked`.
    replica_wait: Option<ReplicaWait>,
    /// A WAIT's reply, once it came, to be written before anything else.
    replica_waited: Option<Out>,
    /// The client's address, as MONITOR shows it.
    pub(super) peer: String,
    /// Where MONITOR's lines arrive, once the client asked for them.
    pub(super) monitor: Option<super::monitor::Feed>,
    /// Address and name, as the slow log shows them; renewed when the name changes.
    pub(super) caller: Arc<Caller>,
    /// CLIENT TRACKING's settings, while tracking is on.
    pub(super) tracking: Option<super::tracking::ClientTracking>,
    /// CLIENT CACHING was given: it decides about the next command's reads.
    pub(super) caching: bool,
}

impl<B> Drop for Session<B> {
    fn drop(&mut self) {
        if self.subs.registered() {
            self.shared.options.pubsub.remove(self.id, &self.subs.all());
        }
        if self.blocked.is_some() {
            self.shared.options.waiters.unregister(self.id, false);
        }
        if let Some(wait) = &self.replica_wait {
            wait.task.abort();
            self.shared.options.waiters.unregister(self.id, false);
        }
        if self.monitor.is_some() {
            self.shared.monitors.remove(self.id);
        }
        if self.tracking.is_some() {
            self.shared.options.tracking.disable(self.id);
        }
    }
}

/// Serves one client until it disconnects, sends QUIT, breaks the protocol or `shutdown`.
#[instrument(skip_all, fields(peer = %addr))]
pub(super) async fn serve_connection<B: Backend>(
    shared: Arc<Shared<B>>,
    mut socket: TcpStream,
    addr: SocketAddr,
    shutdown: CancellationToken,
) {
    let id = shared.next_client_id.fetch_add(1, Ordering::Relaxed) + 1;
    shared.stats.connected.fetch_add(1, Ordering::Relaxed);
    shared
        .stats
        .total_connections
        .fetch_add(1, Ordering::Relaxed);
    let now = Instant::now();
    let mut session = Session::new(shared.clone(), id);
    session.peer = addr.to_string();
    session.caller = Arc::new(Caller {
        addr: session.peer.clone(),
        id,
        ..Caller::default()
    });
    let kill = session.kill.clone();
    // Every connection has a mailbox from the start: CLIENT TRACKING's messages reach it,
    // its own or another connection's (REDIRECT), subscribed or not.
    session.open_mailbox();
    if let Ok(mut clients) = shared.clients.lock() {
        clients.insert(
            id,
            ClientInfo {
                addr,
                local_addr: socket.local_addr().ok(),
                name: String::new(),
                lib_name: String::new(),
                lib_ver: String::new(),
                resp: 2,
                created: now,
                last_active: now,
                last_command: "NULL".into(),
                multi: -1,
                subscriptions: [0; 3],
                blocked: false,
                monitor: false,
                tracking: -1,
                tracking_bcast: false,
                kill: kill.clone(),
            },
        );
    }
    debug!(id, "connection open");
    let mut input = BytesMut::with_capacity(READ_CHUNK_BYTES);
    let mut output = BytesMut::new();
    while !session.closing {
        if input.capacity() - input.len() < READ_CHUNK_BYTES / 2 {
            input.reserve(READ_CHUNK_BYTES);
        }
        if session.is_postponed() {
            tokio::select! {
                biased;
                _ = shutdown.cancelled() => break,
                _ = kill.cancelled() => break,
                () = session.pause_ended() => {}
            }
        } else if session.is_blocked() {
            // Requests that arrive meanwhile are read (so a closed connection is noticed and
            // the query buffer limit holds) but run only once the wait ends. Messages (a
            // RESP3 subscriber's, invalidations) go out meanwhile, as in Redis: the inbox is
            // taken out of the session for the wait, which borrows the session.
            let mut inbox = session.subs.take_inbox();
            let event = tokio::select! {
                biased;
                _ = shutdown.cancelled() => WhileBlocked::Stop,
                _ = kill.cancelled() => WhileBlocked::Stop,
                () = session.wait_blocked() => WhileBlocked::Woken,
                Some(message) = next_message(&mut inbox) => WhileBlocked::Message(message),
                read = socket.read_buf(&mut input) => WhileBlocked::Read(read),
            };
            session.subs.put_inbox(inbox);
            match event {
                WhileBlocked::Stop | WhileBlocked::Read(Ok(0) | Err(_)) => break,
                WhileBlocked::Read(Ok(n)) => count_bytes(&shared.stats.net_input, n),
                WhileBlocked::Message(message) => session.write_message(message, &mut output),
                WhileBlocked::Woken => {}
            }
        } else {
            let read = tokio::select! {
                biased;
                _ = shutdown.cancelled() => break,
                _ = kill.cancelled() => {
                    debug!(id, "killed by CLIENT KILL or the pub/sub output limit");
                    break;
                }
                read = socket.read_buf(&mut input) => Some(read),
                Some(message) = session.subs.next() => {
                    session.write_message(message, &mut output);
                    None
                }
                Some(line) = next_monitor_line(&mut session.monitor) => {
                    output.extend_from_slice(&line);
                    // Whatever else waits goes out in the same write, up to a turn's worth.
                    while output.len() < MONITOR_BYTES_PER_TURN
                        && let Some(line) = session.monitor.as_mut().and_then(|m| m.try_next())
                    {
                        output.extend_from_slice(&line);
                    }
                    None
                }
            };
            match read {
                Some(Ok(0) | Err(_)) => break,
                Some(Ok(n)) => count_bytes(&shared.stats.net_input, n),
                None => {}
            }
        }
        session.process(&mut input, &mut output).await;
        session.write_waiting_messages(&mut output);
        if !session.closing && input.len() > MAX_QUERY_BUFFER_BYTES.max(max_frame(&session)) {
            let e = frame::FrameError("query buffer limit exceeded".into());
            session.reply(&error_frame(&e), &mut output);
            session.closing = true;
        }
        if socket.write_all(&output).await.is_err() {
            break;
        }
        count_bytes(&shared.stats.net_output, output.len());
        output.clear();
    }
    let _ = socket.shutdown().await;
    if let Ok(mut clients) = shared.clients.lock() {
        clients.remove(&id);
    }
    shared.stats.connected.fetch_sub(1, Ordering::Relaxed);
    debug!(id, "connection closed");
}

/// Adds `n` bytes to one of INFO's network totals.
fn count_bytes(total: &std::sync::atomic::AtomicU64, n: usize) {
    total.fetch_add(n as u64, Ordering::Relaxed);
}

/// What ended one wait of a blocked client's loop.
enum WhileBlocked {
    /// Shutdown or CLIENT KILL.
    Stop,
    /// The blocking command may have its answer.
    Woken,
    /// A message to write meanwhile.
    Message(crate::pubsub::Message),
    /// Bytes the client sent (kept until the wait ends), or the connection's end.
    Read(std::io::Result<usize>),
}

/// The next message in `inbox`; pending without one.
async fn next_message(inbox: &mut Option<crate::pubsub::Inbox>) -> Option<crate::pubsub::Message> {
    match inbox {
        Some(inbox) => inbox.recv().await,
        None => std::future::pending().await,
    }
}

/// The next MONITOR line for a client; pending while it does not monitor.
async fn next_monitor_line(monitor: &mut Option<super::monitor::Feed>) -> Option<Bytes> {
    match monitor {
        Some(feed) => feed.next().await,
        None => std::future::pending().await,
    }
}

fn max_frame<B>(session: &Session<B>) -> usize {
    session
        .shared
        .options
        .max_bulk_len
        .saturating_add(MAX_INLINE_BYTES)
}

impl<B: Backend> Session<B> {
    /// A fresh session for client `id` (RESP2, authenticated unless a password is set).
    pub(super) fn new(shared: Arc<Shared<B>>, id: u64) -> Self {
        let authenticated = shared.options.requirepass.is_none();
        Session {
            shared,
            id,
            resp3: false,
            authenticated,
            name: None,
            closing: false,
            multi: None,
            watched: Vec::new(),
            run: Run::default(),
            need_bytes: 0,
            replies_off: false,
            replies_to_skip: 0,
            postponed: None,
            subs: Subscriptions::default(),
            kill: CancellationToken::new(),
            blocked: None,
            replica_wait: None,
            replica_waited: None,
            peer: String::new(),
            monitor: None,
            caller: Arc::default(),
            tracking: None,
            caching: false,
        }
    }

    /// Whether `args` writes, as CLIENT PAUSE WRITE sees it: a write command, or an EXEC
    /// with a write queued.
    fn writes(&self, args: &[Bytes]) -> bool {
        if args[0].eq_ignore_ascii_case(b"exec") {
            return self.multi.as_ref().is_some_and(|m| {
                m.queued
                    .iter()
                    .any(|q| matches!(q, Queued::Kv(_, spec, _) if spec.access == Access::Write))
            });
        }
        command::lookup(&args[0]).is_some_and(|spec| spec.access == Access::Write)
    }

    /// Waits until no CLIENT PAUSE holds back the postponed command.
    pub(super) async fn pause_ended(&self) {
        let write = self.postponed.as_ref().is_some_and(|(_, write)| *write);
        loop {
            let notified = self.shared.unpaused.notified();
            tokio::pin!(notified);
            // Registered before the check, so an UNPAUSE right after it is not missed.
            notified.as_mut().enable();
            let Some(pause) = self.shared.pause_holding(write) else {
                return;
            };
            tokio::select! {
                () = tokio::time::sleep_until(pause.until.into()) => {}
                () = &mut notified => {}
            }
        }
    }

    /// Whether a command is waiting for a CLIENT PAUSE to end.
    pub(super) fn is_postponed(&self) -> bool {
        self.postponed.is_some()
    }

    /// Records and runs one request.
    async fn run_request(&mut self, args: Vec<Bytes>, output: &mut BytesMut) {
        let name = command::lossy(&args[0], 32).to_ascii_lowercase();
        let multi = self.multi.as_ref().map_or(-1, |m| m.queued.len() as i64);
        self.shared.update_client(self.id, |c| {
            c.last_active = Instant::now();
            c.last_command = name;
            c.multi = multi;
        });
        let client = args[0].eq_ignore_ascii_case(b"client");
        self.handle(args, output).await;
        if self.caching && !client && self.multi.is_none() {
            // CLIENT CACHING decided about this command only (a transaction's, for all of
            // it), as in Redis.
            self.caching = false;
        }
    }

    /// Handles every complete request in `input`, appending the replies to `output`.
    /// A command CLIENT PAUSE holds back stops the processing: earlier replies are appended,
    /// and the caller writes them and waits ([`Session::pause_ended`]) before calling again.
    pub(super) async fn process(&mut self, input: &mut BytesMut, output: &mut BytesMut) {
        if let Some(out) = self.replica_waited.take() {
            self.reply(&out, output);
        }
        if self.replica_wait.is_some() {
            return;
        }
        if self.blocked.is_some() {
            self.resume_blocked(output).await;
            if self.blocked.is_some() {
                return;
            }
        }
        if let Some((args, _)) = self.postponed.take() {
            self.run_request(args, output).await;
        }
        // Parsing cannot progress before the buffer reaches `need_bytes`; a postponed
        // command's run still needs its flush below.
        let can_parse = input.len() >= self.need_bytes;
        while can_parse && !self.closing {
            let limits = Limits {
                max_bulk_len: self.shared.options.max_bulk_len,
                authenticated: self.authenticated,
            };
            match frame::next_request(input, limits, &mut self.need_bytes) {
                Ok(Some(args)) if args.is_empty() => {}
                Ok(Some(args)) => {
                    if self.shared.may_be_paused() {
                        let write = self.writes(&args);
                        if self.shared.pause_holding(write).is_some() {
                            self.flush_run(output).await;
                            self.postponed = Some((args, write));
                            // What follows in `input` is parsed next time, from its start.
                            self.need_bytes = 0;
                            return;
                        }
                    }
                    self.run_request(args, output).await;
                    if self.is_blocked() {
                        // As in Redis, what the client sent after a blocking command waits
                        // until it is answered: parsed next time, from its start.
                        self.need_bytes = 0;
                        return;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    debug!(error = %e, "protocol error");
                    self.flush_run(output).await;
                    self.reply(&error_frame(&e), output);
                    self.closing = true;
                }
            }
        }
        self.flush_run(output).await;
    }

    /// Appends one reply in the connection's protocol.
    /// Error replies count in INFO errorstats even when CLIENT REPLY keeps them back, as in
    /// Redis.
    pub(super) fn reply(&mut self, out: &Out, output: &mut BytesMut) {
        if let Out::Error(text) = out {
            self.shared.options.commands.count_error(text);
        }
        if self.replies_to_skip > 0 {
            self.replies_to_skip -= 1;
            return;
        }
        if self.replies_off {
            return;
        }
        encode(out, self.resp3, output);
    }

    /// Answers a request after everything before it.
    async fn answer(&mut self, out: Out, output: &mut BytesMut) {
        self.flush_run(output).await;
        self.reply(&out, output);
    }

    async fn handle(&mut self, args: Vec<Bytes>, output: &mut BytesMut) {
        self.shared
            .stats
            .total_commands
            .fetch_add(1, Ordering::Relaxed);
        let name = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
        if !self.authenticated && !matches!(name.as_str(), "auth" | "hello" | "quit") {
            if let Some(multi) = &mut self.multi {
                multi.dirty = true;
            }
            self.shared.options.commands.reject(&args);
            let out = Out::error("NOAUTH Authentication required.");
            return self.answer(out, output).await;
        }
        if self.shared.monitors.any() {
            self.shared.monitors.feed(&self.peer, &args);
        }
        if self.subs.any()
            && let Some(full_name) = super::local::checked_name(&args)
            && let Some(out) = self.refused_while_subscribed(&name, &full_name)
        {
            return self.answer(out, output).await;
        }
        if self.multi.is_some()
            && !matches!(
                name.as_str(),
                "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
            )
        {
            let out = self.queue(&name, args).await;
            return self.answer(out, output).await;
        }
        if let Some((kind, subscribe)) = subscribe::subscription_command(&name) {
            self.flush_run(output).await;
            return self
                .subscription(&name, kind, subscribe, &args, output)
                .await;
        }
        match name.as_str() {
            "multi" => {
                let out = if self.multi.is_some() {
                    Out::error("ERR MULTI calls can not be nested")
                } else if args.len() != 1 {
                    arity("multi")
                } else {
                    self.multi = Some(Multi::default());
                    Out::ok()
                };
                self.answer(out, output).await;
            }
            "exec" => {
                self.flush_run(output).await;
                let out = self.exec(&args).await;
                self.reply(&out, output);
            }
            "discard" => {
                let out = if args.len() != 1 {
                    arity("discard")
                } else if self.multi.take().is_some() {
                    self.watched.clear();
                    Out::ok()
                } else {
                    Out::error("ERR DISCARD without MULTI")
                };
                self.answer(out, output).await;
            }
            "watch" => {
                self.flush_run(output).await;
                let out = self.watch(&args).await;
                self.reply(&out, output);
            }
            "unwatch" => {
                let out = if args.len() != 1 {
                    arity("unwatch")
                } else {
                    self.watched.clear();
                    Out::ok()
                };
                self.answer(out, output).await;
            }
            "wait" | "waitaof" => {
                self.flush_run(output).await;
                if let Some(out) = self.start_wait(&args) {
                    self.reply(&out, output);
                }
            }
            name if super::local::is_local(name) => {
                self.flush_run(output).await;
                if let Some(refused) = super::local::check_local(name, &args) {
                    self.shared.options.commands.reject(&args);
                    return self.reply(&refused, output);
                }
                let started = Instant::now();
                let out = self.local(name, &args).await;
                self.count(&args, started, &out);
                self.reply(&out, output);
            }
            _ => self.kv(args, output).await,
        }
    }

    /// Adds a command this session ran itself, started at `started`, to the node's totals
    /// and slow log.
    fn count(&self, args: &[Bytes], started: Instant, out: &Out) {
        let took = started.elapsed();
        let caller = Some(&*self.caller);
        (self.shared.options.commands).record(args, took, out.is_error(), caller);
    }

    /// Counts a key-value command refused before it was proposed: as Redis counts it, a
    /// wrong argument count is a rejected call and any other argument error a failed one.
    fn refused(&self, args: &[Bytes], rejected: bool) {
        let stats = &self.shared.options.commands;
        if rejected {
            stats.reject(args);
        } else {
            stats.record(args, Duration::ZERO, true, Some(&*self.caller));
        }
    }

    /// Validates a key-value command and adds it to the pending run.
    async fn kv(&mut self, args: Vec<Bytes>, output: &mut BytesMut) {
        let (access, spec, args) = match validate(args) {
            Ok(ok) => ok,
            Err((out, args, rejected)) => {
                self.refused(&args, rejected);
                return self.answer(out, output).await;
            }
        };
        if access == Access::Write && command::is_blocking(spec.name) {
            self.flush_run(output).await;
            return self.block(args, output).await;
        }
        if spec.name == "lcs" {
            self.flush_run(output).await;
            let out = self.lcs(args).await;
            return self.reply(&out, output);
        }
        if spec.name == "migrate" {
            self.flush_run(output).await;
            let out = super::migrate::migrate(&self.shared.backend, &args).await;
            return self.reply(&out, output);
        }
        if let Some(blocking) = stream::blocking(&args) {
            self.flush_run(output).await;
            return self.block_on_streams(args, blocking, output).await;
        }
        let bytes: usize = args.iter().map(Bytes::len).sum();
        let tracked = access == Access::Read && self.tracks_reads();
        if self.run.access != Some(access)
            || self.run.tracked != tracked
            || self.run.commands.len() >= MAX_RUN_COMMANDS
            || self.run.bytes + bytes > MAX_RUN_BYTES
        {
            self.flush_run(output).await;
        }
        self.run.access = Some(access);
        self.run.tracked = tracked;
        self.run.bytes += bytes;
        self.run.commands.push(pb::KvCommand { args });
    }

    /// Sends the pending run and appends its replies in order.
    pub(super) async fn flush_run(&mut self, output: &mut BytesMut) {
        let Some(access) = self.run.access.take() else {
            return;
        };
        let commands = mem::take(&mut self.run.commands);
        self.run.bytes = 0;
        let n = commands.len();
        let publishes = match access {
            Access::Write => subscribe::publishes(&commands),
            Access::Read => Vec::new(),
        };
        let mut replies: Vec<Out> = match access {
            Access::Write => self.write_run(commands).await,
            Access::Read => match self
                .shared
                .backend
                .read(commands, Some(self.read_caller(self.run.tracked)))
                .await
            {
                Ok(replies) if replies.len() == n => replies.into_iter().map(Out::from).collect(),
                Ok(_) => vec![Out::error("ERR internal error: wrong number of read replies"); n],
                Err(e) => vec![error_frame(&e); n],
            },
        };
        if !publishes.is_empty() {
            self.count_receivers(&publishes, &mut replies);
            // As in Redis, a message this node delivered to this very connection while its
            // PUBLISH ran goes out before the PUBLISH's reply.
            self.write_waiting_messages(output);
        }
        for out in &replies {
            self.reply(out, output);
        }
    }

    /// `WAIT numreplicas timeout` and `WAITAOF numlocal numreplicas timeout`: checks the
    /// arguments (answering the error, if any), then blocks the client until the backend
    /// answers (see [`Session::wait_blocked`]).
    fn start_wait(&mut self, args: &[Bytes]) -> Option<Out> {
        let question = match parse_wait_question(args) {
            Ok(question) => question,
            Err(out) => return Some(out),
        };
        let waiter = self.shared.options.waiters.register(self.id, &[]);
        self.shared.update_client(self.id, |c| c.blocked = true);
        self.replica_wait = Some(ReplicaWait {
            task: self.ask_replicas(question),
            waiter,
            aof: question.local.is_some(),
        });
        None
    }

    /// Asks the backend for WAIT's or WAITAOF's answer on a task of its own.
    fn ask_replicas(&self, question: WaitQuestion) -> JoinHandle<Out> {
        let backend = self.shared.backend.clone();
        tokio::spawn(async move { wait_answer(&backend, question).await })
    }

    /// Waits for the WAIT in progress to be answered, or ended by CLIENT UNBLOCK: with the
    /// count as it is (TIMEOUT) or an error (ERROR), as in Redis. Cancel-safe: the question
    /// goes on in its task.
    async fn wait_replicas(&mut self) {
        let Some(wait) = &mut self.replica_wait else {
            return;
        };
        let out = tokio::select! {
            out = &mut wait.task => out.unwrap_or_else(|_| Out::error("ERR WAIT was interrupted")),
            () = wait.waiter.woken() => match wait.waiter.unblocked() {
                Some(Unblock::Error) => {
                    wait.task.abort();
                    Out::error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
                }
                Some(Unblock::Timeout) => {
                    // Ask again for the count as it is now, which the backend answers at once.
                    wait.task.abort();
                    let aof = wait.aof;
                    let task = self.ask_replicas(WaitQuestion {
                        local: aof.then_some(false),
                        replicas: 0,
                        timeout: None,
                    });
                    if let Some(wait) = &mut self.replica_wait {
                        wait.task = task;
                    }
                    return;
                }
                None => return,
            },
        };
        self.replica_wait = None;
        self.shared.options.waiters.unregister(self.id, false);
        self.shared.update_client(self.id, |c| c.blocked = false);
        self.replica_waited = Some(out);
    }

    /// Whether a blocking command waits for its keys.
    pub(super) fn is_blocked(&self) -> bool {
        self.blocked.is_some() || self.replica_wait.is_some()
    }

    /// Runs a blocking command: tries it once, and if every key it names is empty, blocks the
    /// session until a store to one of them, its timeout or CLIENT UNBLOCK (see
    /// `crate::blocking`). It registers before the first try, so no store is missed.
    async fn block(&mut self, args: Vec<Bytes>, output: &mut BytesMut) {
        let keys = Command::parse(&args)
            .map(|(cmd, _)| cmd.blocking_keys())
            .unwrap_or_default();
        let timeout = command::blocking_timeout_ms(&args).unwrap_or(0);
        let waiter = self.shared.options.waiters.register(self.id, &keys);
        self.start_blocked(args, timeout, waiter, false, output)
            .await;
    }

    /// Blocks the session in `args` (registered as `waiter`) for up to `timeout_ms` (0 for
    /// ever), after a first try.
    async fn start_blocked(
        &mut self,
        args: Vec<Bytes>,
        timeout_ms: u64,
        waiter: Arc<Waiter>,
        read_only: bool,
        output: &mut BytesMut,
    ) {
        let deadline = (timeout_ms > 0)
            .then(|| tokio::time::Instant::now().checked_add(Duration::from_millis(timeout_ms)))
            .flatten();
        let tracked = read_only && self.tracks_reads();
        self.blocked = Some(Blocked {
            args,
            deadline,
            waiter,
            woken: true,
            shown: false,
            read_only,
            tracked,
        });
        self.resume_blocked(output).await;
    }

    /// Runs an XREAD or XREADGROUP with BLOCK as [`Session::block`] runs a blocking pop, as a
    /// reader that every store to its streams wakes. XREAD's `$` means entries added after
    /// the command, so it is first turned into each stream's last ID, read linearizably: an
    /// entry added later has a greater ID, and one added before is not wanted. `+` (the last
    /// entry) is turned into the ID just before that entry, or for an empty stream into its
    /// last ID, so that the reader waits for the next entry, as `$` would.
    async fn block_on_streams(
        &mut self,
        mut args: Vec<Bytes>,
        blocking: stream::Blocking,
        output: &mut BytesMut,
    ) {
        let ids = blocking.ids_at..args.len();
        if blocking.read_only
            && args[ids.clone()]
                .iter()
                .any(|id| matches!(id.as_ref(), b"$" | b"+"))
        {
            let mut query = vec![Bytes::from_static(stream::LAST_IDS.as_bytes())];
            query.extend(blocking.keys.iter().cloned());
            let last = match self.read_one(query).await.pop() {
                Some(Out::Array(last)) => last,
                Some(other) => return self.reply(&other, output),
                None => {
                    return self.reply(&Out::error("ERR internal error: no read reply"), output);
                }
            };
            for (arg, found) in args[ids].iter_mut().zip(last) {
                let Out::Array(found) = found else {
                    continue;
                };
                let Ok([Out::Bulk(last), Out::Bulk(plus)]) = <[Out; 2]>::try_from(found) else {
                    continue;
                };
                match arg.as_ref() {
                    b"$" => *arg = last,
                    b"+" => *arg = plus,
                    _ => {}
                }
            }
        }
        let waiter = self
            .shared
            .options
            .waiters
            .register_reader(self.id, &blocking.keys);
        self.start_blocked(
            args,
            blocking.timeout_ms,
            waiter,
            blocking.read_only,
            output,
        )
        .await;
    }

    /// Waits for a blocked command's next wake-up or its deadline.
    pub(super) async fn wait_blocked(&mut self) {
        if self.replica_wait.is_some() {
            return self.wait_replicas().await;
        }
        let Some(blocked) = &mut self.blocked else {
            return;
        };
        let waiter = blocked.waiter.clone();
        match blocked.deadline {
            Some(deadline) => {
                tokio::select! {
                    () = waiter.woken() => blocked.woken = true,
                    () = tokio::time::sleep_until(deadline) => {}
                }
            }
            None => {
                waiter.woken().await;
                blocked.woken = true;
            }
        }
    }

    /// Ends the wait with CLIENT UNBLOCK's or the timeout's reply if either came, or tries the
    /// command again if it was woken; answers and unblocks unless it is still to wait.
    async fn resume_blocked(&mut self, output: &mut BytesMut) {
        let Some(blocked) = &mut self.blocked else {
            return;
        };
        let out = match blocked.waiter.unblocked() {
            Some(Unblock::Error) => {
                Some(Out::error("UNBLOCKED client unblocked via CLIENT UNBLOCK"))
            }
            Some(Unblock::Timeout) => Some(Out::NullArray),
            None if blocked.woken => {
                blocked.woken = false;
                self.shared.options.waiters.trying(self.id);
                let args = blocked.args.clone();
                let tracked = blocked.tracked;
                let reply = if blocked.read_only {
                    // The driver remembers the keys of a tracked read as it serves it, so
                    // that a change after it is told.
                    let caller = self.read_caller(tracked);
                    self.read_one_as(args, caller).await
                } else {
                    self.write_run(vec![pb::KvCommand { args }]).await
                };
                let out = match reply.into_iter().next() {
                    None | Some(Out::Null | Out::NullArray) => None,
                    out => out,
                };
                // A blocked XREADGROUP tries again as itself, but answering that its stream
                // or group is gone if it is (see `stream::XREADGROUP_AGAIN`).
                if out.is_none()
                    && let Some(blocked) = &mut self.blocked
                    && blocked.args[0].eq_ignore_ascii_case(b"xreadgroup")
                {
                    blocked.args[0] = Bytes::from_static(stream::XREADGROUP_AGAIN.as_bytes());
                }
                out
            }
            None => None,
        };
        let Some(blocked) = &mut self.blocked else {
            return;
        };
        let expired = blocked
            .deadline
            .is_some_and(|d| tokio::time::Instant::now() >= d);
        // Anything but a timeout or CLIENT UNBLOCK ends the wait as a pop would (an error
        // included): the next client on its keys must look at them.
        let popped = out.is_some() && blocked.waiter.unblocked().is_none();
        let out = match out {
            Some(out) => out,
            // A null array, for BLMOVE and BRPOPLPUSH too, as Redis 7.0 answers (the same
            // commands inside MULTI answer a null bulk).
            None if expired => Out::NullArray,
            None => {
                if !blocked.shown {
                    blocked.shown = true;
                    self.shared.update_client(self.id, |c| c.blocked = true);
                }
                return;
            }
        };
        let shown = blocked.shown;
        self.blocked = None;
        self.shared.options.waiters.unregister(self.id, popped);
        if shown {
            self.shared.update_client(self.id, |c| c.blocked = false);
        }
        self.reply(&out, output);
    }

    /// LCS: the two strings are read like any read, then the table, which may take seconds
    /// and half a gigabyte, is built on a blocking thread, not in this node's Raft turn.
    async fn lcs(&self, args: Vec<Bytes>) -> Out {
        let query = vec![
            Bytes::from_static(command::LCS_VALUES.as_bytes()),
            args[1].clone(),
            args[2].clone(),
        ];
        let values = match self.read_one(query).await.pop() {
            Some(Out::Array(values)) => values,
            Some(other) => return other,
            None => return Out::error("ERR internal error: no read reply"),
        };
        let Ok([Out::Bulk(a), Out::Bulk(b)]) = <[Out; 2]>::try_from(values) else {
            return Out::error("ERR internal error: malformed LCS read");
        };
        let options = args[3..].to_vec();
        match tokio::task::spawn_blocking(move || crate::kv::lcs(&a, &b, &options)).await {
            Ok(Ok(reply)) => Out::from(reply),
            Ok(Err(e)) => Out::error(e.to_string()),
            Err(_) => Out::error("ERR LCS was interrupted"),
        }
    }

    /// Runs one read; its reply in a vector, as [`Session::write_run`] answers.
    async fn read_one(&self, args: Vec<Bytes>) -> Vec<Out> {
        self.read_one_as(args, self.caller.clone()).await
    }

    /// [`Session::read_one`] on behalf of `caller`.
    async fn read_one_as(&self, args: Vec<Bytes>, caller: Arc<Caller>) -> Vec<Out> {
        match self
            .shared
            .backend
            .read(vec![pb::KvCommand { args }], Some(caller))
            .await
        {
            Ok(replies) => replies.into_iter().map(Out::from).collect(),
            Err(e) => vec![error_frame(&e)],
        }
    }

    /// Replicates a run of writes as one batch (one log entry) and returns one reply per
    /// command, in order.
    async fn write_run(&self, commands: Vec<pb::KvCommand>) -> Vec<Out> {
        let n = commands.len();
        // A script's declared keys are remembered for a tracking client, as Redis remembers
        // what a script reads for its caller; looked for only on such a connection, as every
        // write passes here.
        let scripts = self.tracks_reads()
            && commands.iter().any(|c| {
                c.args
                    .first()
                    .is_some_and(|name| command::runs_script(name))
            });
        let mut batch = pb::KvBatch {
            commands,
            now_ms: now_ms(),
            ..pb::KvBatch::default()
        };
        self.mark_origin(&mut batch, scripts);
        match self
            .shared
            .backend
            .write(batch, Some(self.caller.clone()))
            .await
        {
            Ok(pb::Reply {
                kind: Some(Kind::Array(a)),
            }) if a.items.len() == n => a.items.into_iter().map(Out::from).collect(),
            Ok(other) => vec![mismatch(other); n],
            Err(e) => vec![error_frame(&e); n],
        }
    }

    /// Queues a command inside MULTI; returns `+QUEUED` or the error that dooms the EXEC.
    async fn queue(&mut self, name: &str, args: Vec<Bytes>) -> Out {
        // Like Redis, only an unknown name, a wrong argument count or an unknown subcommand
        // dooms the EXEC; any other argument error is decided now and becomes that slot's
        // reply.
        let entry = if super::local::is_local(name) {
            if REFUSED_IN_MULTI.contains(&name) {
                Err(Out::error("ERR Command not allowed inside a transaction"))
            } else {
                match super::local::check_local(name, &args) {
                    Some(out) => Err(out),
                    None => Ok(Queued::Local(name.to_owned(), args)),
                }
            }
        } else {
            check_queueable(&args).map(|()| match parse_client_command(&args) {
                Ok((cmd, spec)) => Queued::Kv(cmd, spec, args),
                Err(out) => Queued::Decided(out),
            })
        };
        let Some(multi) = &mut self.multi else {
            return Out::error("ERR EXEC without MULTI");
        };
        match entry {
            Ok(q) => {
                multi.queued.push(q);
                Out::Simple("QUEUED".into())
            }
            Err(out) => {
                multi.dirty = true;
                out
            }
        }
    }

    async fn exec(&mut self, args: &[Bytes]) -> Out {
        if args.len() != 1 {
            // As in Redis, a rejected EXEC discards the transaction (if any) and its watches.
            self.multi = None;
            self.watched.clear();
            return Out::error(
                "EXECABORT Transaction discarded because of: wrong number of arguments for \
                 'exec' command",
            );
        }
        let Some(multi) = self.multi.take() else {
            return Out::error("ERR EXEC without MULTI");
        };
        let watched = mem::take(&mut self.watched);
        if multi.dirty {
            return Out::error("EXECABORT Transaction discarded because of previous errors.");
        }
        let now = now_ms();
        let mut slots: Vec<Slot> = Vec::with_capacity(multi.queued.len());
        let mut commands = Vec::new();
        for entry in multi.queued {
            match entry {
                Queued::Decided(out) => slots.push(Slot::Answered(out)),
                Queued::Local(name, args) => slots.push(Slot::Local(name, args)),
                Queued::Kv(mut cmd, spec, args) => match normalize(&mut cmd, spec, args, now) {
                    Ok(args) => {
                        commands.push(pb::KvCommand { args });
                        slots.push(Slot::Batch);
                    }
                    Err(out) => slots.push(Slot::Answered(out)),
                },
            }
        }
        if commands.is_empty() && watched.is_empty() {
            return self.answer_slots(slots, Vec::new()).await;
        }
        let n = commands.len();
        let publishes = subscribe::publishes(&commands);
        let mut batch = pb::KvBatch {
            commands,
            now_ms: now,
            transaction: true,
            watched,
            ..pb::KvBatch::default()
        };
        // CLIENT CACHING may be queued in the transaction itself (as some clients send it):
        // it then decides about the whole transaction, as one given before MULTI does.
        let caching_queued = self.tracking.is_some()
            && slots.iter().any(|s| {
                matches!(s, Slot::Local(name, args) if name == "client"
                && args.get(1).is_some_and(|a| a.eq_ignore_ascii_case(b"caching")))
            });
        let track_reads = self.tracks_transaction_reads(caching_queued);
        self.mark_origin(&mut batch, track_reads);
        let items = match self
            .shared
            .backend
            .write(batch, Some(self.caller.clone()))
            .await
        {
            Ok(pb::Reply {
                kind: Some(Kind::Array(a)),
            }) if a.items.len() == n => a.items,
            Ok(pb::Reply {
                kind: Some(Kind::NullArray(_)),
            }) => return Out::NullArray,
            Ok(other) => return mismatch(other),
            Err(e) => return error_frame(&e),
        };
        let mut items: Vec<Out> = items.into_iter().map(Out::from).collect();
        self.count_receivers(&publishes, &mut items);
        self.answer_slots(slots, items).await
    }

    /// EXEC's reply: the batch's replies in their slots, and the connection-level commands
    /// run now, in their order.
    async fn answer_slots(&mut self, slots: Vec<Slot>, items: Vec<Out>) -> Out {
        let mut items = items.into_iter();
        let mut replies = Vec::with_capacity(slots.len());
        for slot in slots {
            replies.push(match slot {
                Slot::Answered(out) => out,
                Slot::Batch => items.next().unwrap_or(Out::Null),
                Slot::Local(name, args) if name == "wait" || name == "waitaof" => {
                    self.wait_now(&args).await
                }
                // EXEC has already dropped the watches.
                Slot::Local(name, _) if name == "unwatch" => Out::ok(),
                Slot::Local(name, args) => self.local(&name, &args).await,
            });
        }
        Out::Array(replies)
    }

    /// WAIT or WAITAOF inside a transaction: like Redis, it does not block and answers how
    /// many replicas (and, for WAITAOF, whether this node) hold the client's writes now.
    async fn wait_now(&self, args: &[Bytes]) -> Out {
        let question = match parse_wait_question(args) {
            Ok(question) => question,
            Err(out) => return out,
        };
        let now = WaitQuestion {
            local: question.local.map(|_| false),
            replicas: 0,
            timeout: None,
        };
        wait_answer(&self.shared.backend, now).await
    }

    async fn watch(&mut self, args: &[Bytes]) -> Out {
        if self.multi.is_some() {
            return Out::error("ERR WATCH inside MULTI is not allowed");
        }
        if args.len() < 2 {
            return arity("watch");
        }
        let keys: Vec<Bytes> = args[1..]
            .iter()
            .filter(|k| !self.watched.iter().any(|w| w.key == **k))
            .cloned()
            .collect();
        if keys.is_empty() {
            return Out::ok();
        }
        let mut query = vec![Bytes::from_static(command::VERSION.as_bytes())];
        query.extend(keys.iter().cloned());
        let versions = match self
            .shared
            .backend
            .read(vec![pb::KvCommand { args: query }], None)
            .await
        {
            Ok(mut replies) if replies.len() == 1 => match replies.remove(0).kind {
                Some(Kind::Array(a)) if a.items.len() == keys.len() => a.items,
                Some(Kind::Error(e)) => return Out::error(e),
                _ => return Out::error("ERR internal error: bad WATCH versions"),
            },
            Ok(_) => return Out::error("ERR internal error: bad WATCH versions"),
            Err(e) => return error_frame(&e),
        };
        for (key, version) in keys.into_iter().zip(versions) {
            let Some(Kind::Integer(v)) = version.kind else {
                return Out::error("ERR internal error: bad WATCH versions");
            };
            // The version is a u64 carried in RESP's signed integer.
            self.watched.push(pb::WatchedKey {
                key,
                version: v as u64,
            });
        }
        Out::ok()
    }

    /// Forgets MULTI and WATCH state (RESET).
    pub(super) fn reset_transaction(&mut self) {
        self.multi = None;
        self.watched.clear();
    }
}

/// Parses a client's key-value command; internal commands are unknown to clients.
fn parse_client_command(args: &[Bytes]) -> Result<(Command, &'static Spec), Out> {
    if args.first().is_some_and(|n| n.starts_with(b"__")) {
        return Err(error_frame(&command::unknown_command(args)));
    }
    Command::parse(args).map_err(|e| error_frame(&e))
}

/// Checks what Redis checks before queueing a command in MULTI: a known name (internal
/// commands are unknown to clients) and an argument count the command table allows.
fn check_queueable(args: &[Bytes]) -> Result<(), Out> {
    if args.first().is_some_and(|n| n.starts_with(b"__")) {
        return Err(error_frame(&command::unknown_command(args)));
    }
    command::lookup_checked(args)
        .map(|_| ())
        .map_err(|e| error_frame(&e))
}

/// A command refused before it was proposed: the error, the name and arguments as far as
/// known, and whether it failed the command table's checks (name, argument count) rather than
/// its own.
type Refused = (Out, Vec<Bytes>, bool);

/// Validates a key-value command and returns its access kind, its spec and the arguments to
/// send, with relative expiry times already made absolute for writes.
fn validate(args: Vec<Bytes>) -> Result<(Access, &'static Spec, Vec<Bytes>), Refused> {
    let (mut cmd, spec) = match parse_client_command(&args) {
        Ok(parsed) => parsed,
        Err(out) => {
            let rejected = command::lookup_checked(&args).is_err();
            return Err((out, args, rejected));
        }
    };
    let access = cmd.access(spec);
    if access == Access::Read {
        return Ok((access, spec, seed_random_key(spec, args)));
    }
    let first = args[0].clone();
    match normalize(&mut cmd, spec, args, now_ms()) {
        Ok(args) => Ok((access, spec, args)),
        Err(out) => Err((out, vec![first], false)),
    }
}

fn normalize(
    cmd: &mut Command,
    spec: &Spec,
    args: Vec<Bytes>,
    now: i64,
) -> Result<Vec<Bytes>, Out> {
    match cmd.to_absolute(now, spec.name) {
        Ok(true) => Ok(cmd.canonical_args().unwrap_or(args)),
        Ok(false) => Ok(seed_random_key(spec, args)),
        Err(e) => Err(error_frame(&e)),
    }
}

/// Turns RANDOMKEY, HRANDFIELD, SRANDMEMBER, ZRANDMEMBER and SPOP into the internal commands
/// that carry a seed drawn here, so that applying and reading stay free of random numbers
/// (every replica pops the same members); other commands pass unchanged.
fn seed_random_key(spec: &Spec, args: Vec<Bytes>) -> Vec<Bytes> {
    match spec.name {
        "randomkey" => vec![
            Bytes::from_static(command::RANDOM_KEY.as_bytes()),
            Bytes::from(rand::random::<u64>().to_string()),
        ],
        "hrandfield" | "spop" | "srandmember" | "zrandmember" => {
            let internal = match spec.name {
                "hrandfield" => command::HRANDFIELD,
                "spop" => command::SPOP,
                "srandmember" => command::SRANDMEMBER,
                _ => command::ZRANDMEMBER,
            };
            let mut seeded = Vec::with_capacity(args.len() + 1);
            seeded.push(Bytes::from_static(internal.as_bytes()));
            seeded.push(Bytes::from(rand::random::<u64>().to_string()));
            seeded.extend(args.into_iter().skip(1));
            seeded
        }
        _ => args,
    }
}

fn arity(name: &str) -> Out {
    error_frame(&command::CommandError::Arity(name.to_string()))
}

fn mismatch(reply: pb::Reply) -> Out {
    match Out::from(reply) {
        e @ Out::Error(_) => e,
        _ => Out::error("ERR internal error: unexpected reply shape"),
    }
}
