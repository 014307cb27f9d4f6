//! The RESP server: accepts Redis clients and turns their commands into driver calls.
//!
//! Request path: [`frame`] splits the read buffer into requests; [`session`] validates each
//! one with `kv::Command::parse` (an invalid command is answered at once and never proposed),
//! groups consecutive writes into one `KvBatch` and consecutive reads into one read call, and
//! answers connection-level commands (PING, HELLO, AUTH, CLIENT, INFO, ...) itself in
//! [`local`]; [`reply`] encodes the answers in RESP2 or RESP3. All replies to one read from the
//! socket are written with a single flush.
//!
//! Limits: a `Semaphore(max_clients)` caps connections; a bulk longer than `max_bulk_len` is
//! refused from its `$<len>` header; each connection has one batch in flight, so a busy
//! cluster slows its clients down instead of queueing without bound.

mod backend;
mod docs;
pub mod frame;
mod local;
mod migrate;
mod monitor;
mod rates;
pub mod reply;
mod session;
mod subscribe;
mod tracking;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{debug, info, warn};

pub use backend::Backend;
pub use frame::FrameError;
pub(crate) use local::local_stat_name;
pub(crate) use monitor::secret_args;
pub use reply::{Out, error_frame};

use crate::blocking::Waiters;
use crate::cmdstats::CommandStats;
use crate::driver::DriverHandle;
use crate::now_ms;
use crate::pubsub::PubSub;
use crate::tracking::Tracking;
use crate::transport::PeerClientPorts;

/// Default largest bulk string a client may send, like Redis's `proto-max-bulk-len` (512 MiB).
pub const DEFAULT_MAX_BULK_LEN: usize = 512 * 1024 * 1024;

/// Default cap on simultaneous client connections, like Redis's `maxclients`.
pub const DEFAULT_MAX_CLIENTS: usize = 10_000;

/// How long `run` waits for open connections to finish after shutdown starts.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Pause after a failed `accept` (e.g. out of file descriptors) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Client-facing settings (limits, password), filled from the command line.
#[derive(Clone)]
pub struct Options {
    /// This node's Raft id, shown by INFO.
    pub node_id: u64,
    /// The RESP port, shown by INFO (`tcp_port`) and CONFIG GET port.
    pub port: u16,
    /// Password of the `default` user; `None` lets every client in without AUTH.
    pub requirepass: Option<String>,
    /// Largest bulk string a client may send, in bytes; a longer one closes the connection.
    pub max_bulk_len: usize,
    /// Most simultaneous client connections; more are refused with an error.
    pub max_clients: usize,
    /// Cancelled by the SHUTDOWN command: the process watches it beside SIGTERM and stops the
    /// node the same graceful way.
    pub shutdown_request: CancellationToken,
    /// This node's subscribers: SUBSCRIBE registers here, and the driver delivers applied
    /// PUBLISH entries from here.
    pub pubsub: Arc<PubSub>,
    /// This node's clients blocked on keys: blocking commands register here, and the driver
    /// wakes them as it applies stores to those keys.
    pub waiters: Arc<Waiters>,
    /// This node's command totals and slow log: sessions add what they run themselves and
    /// what they refuse, the driver what it executes.
    pub commands: Arc<CommandStats>,
    /// This node's CLIENT TRACKING table: sessions turn tracking on and off here, the driver
    /// remembers the keys tracking clients read and tells them when those keys change.
    /// Delivers through `pubsub`'s mailboxes.
    pub tracking: Arc<Tracking>,
    /// The client ports of the other nodes, as their message streams told this one: where
    /// ROLE and INFO replication point clients.
    pub peer_client_ports: Arc<PeerClientPorts>,
}

impl Default for Options {
    fn default() -> Self {
        let pubsub = PubSub::new();
        Options {
            node_id: 0,
            port: 6379,
            requirepass: None,
            max_bulk_len: DEFAULT_MAX_BULK_LEN,
            max_clients: DEFAULT_MAX_CLIENTS,
            shutdown_request: CancellationToken::new(),
            tracking: Tracking::new(pubsub.clone()),
            pubsub,
            waiters: Waiters::new(),
            commands: CommandStats::new(),
            peer_client_ports: Arc::default(),
        }
    }
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("node_id", &self.node_id)
            .field("port", &self.port)
            .field(
                "requirepass",
                &self.requirepass.as_ref().map(|_| "<redacted>"),
            )
            .field("max_bulk_len", &self.max_bulk_len)
            .field("max_clients", &self.max_clients)
            .finish()
    }
}

/// Counters shown by INFO.
#[derive(Default)]
struct Stats {
    /// Open client connections.
    connected: AtomicUsize,
    /// Connections accepted since start (refused ones excluded).
    total_connections: AtomicU64,
    /// Connections refused because `max_clients` was reached.
    rejected_connections: AtomicU64,
    /// Commands received since start.
    total_commands: AtomicU64,
    /// Bytes read from clients.
    net_input: AtomicU64,
    /// Bytes written to clients.
    net_output: AtomicU64,
}

/// What CLIENT LIST shows about one connection.
#[derive(Clone, Debug)]
struct ClientInfo {
    /// The peer's address.
    addr: SocketAddr,
    /// Our end of the connection.
    local_addr: Option<SocketAddr>,
    /// CLIENT SETNAME.
    name: String,
    /// CLIENT SETINFO LIB-NAME.
    lib_name: String,
    /// CLIENT SETINFO LIB-VER.
    lib_ver: String,
    /// 2 or 3.
    resp: u8,
    /// When the connection was accepted.
    created: Instant,
    /// When the last command arrived.
    last_active: Instant,
    /// Lowercase name of the last command.
    last_command: String,
    /// Commands queued in MULTI, or -1 outside a transaction.
    multi: i64,
    /// Channels, patterns and shard channels subscribed to.
    subscriptions: [usize; 3],
    /// Whether a blocking command waits (CLIENT LIST's `b` flag).
    blocked: bool,
    /// Whether the connection is in MONITOR mode (CLIENT LIST's `O` flag).
    monitor: bool,
    /// CLIENT TRACKING: -1 when off, else the redirect target (0 for none): CLIENT LIST's
    /// `redir` and `t` flag.
    tracking: i64,
    /// CLIENT TRACKING BCAST (CLIENT LIST's `B` flag).
    tracking_bcast: bool,
    /// Cancelled by CLIENT KILL: the connection closes once its current request is answered.
    kill: CancellationToken,
}

impl ClientInfo {
    /// Whether CLIENT LIST and KILL count it as `TYPE pubsub`: as in Redis, a RESP2
    /// connection with subscriptions (a RESP3 one may run any command and stays `normal`).
    fn is_pubsub(&self) -> bool {
        self.resp == 2 && self.subscriptions.iter().any(|&n| n > 0)
    }
}

/// State shared by the accept loop and all connections.
struct Shared<B> {
    /// Where commands go.
    backend: B,
    /// Limits and identity.
    options: Options,
    /// Server start, for `uptime_in_seconds`.
    started: Instant,
    /// Last client id handed out.
    next_client_id: AtomicU64,
    /// INFO counters.
    stats: Stats,
    /// Open connections by id, for CLIENT LIST; never locked across an await.
    clients: Mutex<BTreeMap<u64, ClientInfo>>,
    /// Whether a CLIENT PAUSE may be in force: all that a command checks when none is.
    paused: AtomicBool,
    /// The CLIENT PAUSE in force, if any.
    pause: Mutex<Option<Pause>>,
    /// Woken by CLIENT UNPAUSE.
    unpaused: Notify,
    /// The connections in MONITOR mode.
    monitors: monitor::Monitors,
    /// Recent samples of the totals, for INFO's `instantaneous_*` rates.
    rates: rates::Rates,
    /// INFO's `run_id`: 40 random hex digits drawn at start, as Redis draws them.
    run_id: String,
}

/// A CLIENT PAUSE: commands of this node's clients wait until `until` (or CLIENT UNPAUSE);
/// all of them, or only writes.
#[derive(Clone, Copy, Debug)]
struct Pause {
    /// When the pause ends by itself.
    until: Instant,
    /// ALL rather than WRITE.
    all: bool,
}

impl<B> Shared<B> {
    fn new(backend: B, options: Options) -> Self {
        Shared {
            backend,
            options,
            started: Instant::now(),
            next_client_id: AtomicU64::new(0),
            stats: Stats::default(),
            clients: Mutex::new(BTreeMap::new()),
            paused: AtomicBool::new(false),
            pause: Mutex::new(None),
            unpaused: Notify::new(),
            monitors: monitor::Monitors::default(),
            rates: rates::Rates::default(),
            run_id: (0..5)
                .map(|_| format!("{:08x}", rand::random::<u32>()))
                .collect(),
        }
    }

    /// Samples the totals behind INFO's `instantaneous_*` rates.
    fn sample_rates(&self) {
        let totals = [
            self.stats.total_commands.load(Ordering::Relaxed),
            self.stats.net_input.load(Ordering::Relaxed),
            self.stats.net_output.load(Ordering::Relaxed),
        ];
        self.rates.sample(Instant::now(), totals);
    }

    /// Whether a CLIENT PAUSE may be in force (cheap; [`Shared::pause_holding`] decides).
    fn may_be_paused(&self) -> bool {
        self.paused.load(Ordering::Acquire)
    }

    /// The pause that holds back a command now, if any; `write` says whether the command
    /// writes (or is an EXEC of writes).
    fn pause_holding(&self, write: bool) -> Option<Pause> {
        if !self.may_be_paused() {
            return None;
        }
        let mut pause = self.pause.lock().ok()?;
        let p = (*pause)?;
        if p.until <= Instant::now() {
            *pause = None;
            self.paused.store(false, Ordering::Release);
            return None;
        }
        (p.all || write).then_some(p)
    }

    /// CLIENT PAUSE: as in Redis, the later end and the stricter kind of two pauses win.
    fn pause_clients(&self, until: Instant, all: bool) {
        if let Ok(mut pause) = self.pause.lock() {
            let merged = match *pause {
                Some(p) if p.until > Instant::now() => Pause {
                    until: p.until.max(until),
                    all: p.all || all,
                },
                _ => Pause { until, all },
            };
            *pause = Some(merged);
            self.paused.store(true, Ordering::Release);
        }
    }

    /// CLIENT UNPAUSE: ends the pause and wakes the commands it held back.
    fn unpause_clients(&self) {
        if let Ok(mut pause) = self.pause.lock() {
            *pause = None;
            self.paused.store(false, Ordering::Release);
        }
        self.unpaused.notify_waiters();
    }

    /// Runs `f` on this connection's CLIENT LIST record.
    fn update_client(&self, id: u64, f: impl FnOnce(&mut ClientInfo)) {
        if let Ok(mut clients) = self.clients.lock()
            && let Some(info) = clients.get_mut(&id)
        {
            f(info);
        }
    }
}

/// Serves clients on `listener` until `shutdown` is cancelled.
pub async fn run(
    listener: TcpListener,
    handle: DriverHandle,
    options: Options,
    shutdown: CancellationToken,
) {
    serve(listener, handle, options, shutdown).await;
}

/// Serves clients on `listener` with any [`Backend`] until `shutdown` is cancelled, then waits
/// up to [`SHUTDOWN_GRACE`] for open connections to close.
pub async fn serve<B: Backend>(
    listener: TcpListener,
    backend: B,
    options: Options,
    shutdown: CancellationToken,
) {
    if let Ok(addr) = listener.local_addr() {
        info!(%addr, "resp server listening");
    }
    let limit = Arc::new(Semaphore::new(options.max_clients));
    let shared = Arc::new(Shared::new(backend, options));
    let tracker = TaskTracker::new();
    let sampled = shared.clone();
    let stop_sampling = shutdown.clone();
    tracker.spawn(async move {
        let mut every = tokio::time::interval(rates::SAMPLE_EVERY);
        loop {
            tokio::select! {
                _ = stop_sampling.cancelled() => break,
                _ = every.tick() => sampled.sample_rates(),
            }
        }
    });
    loop {
        let accepted = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let (mut socket, addr) = match accepted {
            Ok(pair) => pair,
            Err(error) => {
                warn!(%error, "accept failed");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        if let Err(error) = socket.set_nodelay(true) {
            debug!(%error, "set_nodelay failed");
        }
        match limit.clone().try_acquire_owned() {
            Ok(permit) => {
                let shared = shared.clone();
                let shutdown = shutdown.clone();
                tracker.spawn(async move {
                    session::serve_connection(shared, socket, addr, shutdown).await;
                    drop(permit);
                });
            }
            Err(_) => {
                shared
                    .stats
                    .rejected_connections
                    .fetch_add(1, Ordering::Relaxed);
                debug!(%addr, "max clients reached");
                tracker.spawn(async move {
                    let refuse = socket.write_all(b"-ERR max number of clients reached\r\n");
                    let _ = tokio::time::timeout(Duration::from_secs(1), refuse).await;
                });
            }
        }
    }
    drop(listener);
    tracker.close();
    if tokio::time::timeout(SHUTDOWN_GRACE, tracker.wait())
        .await
        .is_err()
    {
        warn!("client connections still open after the shutdown grace period");
    }
    info!("resp server stopped");
}

#[cfg(test)]
mod tests;
