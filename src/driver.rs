//! The raft actor: the one task that owns the Raft node, its storage and the key-value state
//! machine.
//!
//! Everything reaches it through one bounded inbox: peer messages from the gRPC service, client
//! commands from the RESP server, forwarded writes from followers. Each turn of its loop takes
//! a tick or a batch of inputs, steps the core, and then carries out the core's `Ready` in the
//! order the core requires: persist (one fsync per batch), send, apply, answer. A follower
//! writes in place; a leader sends first and writes on a blocking thread while the loop goes
//! on, so follower acknowledgements can commit entries before its own fsync ends. Batching
//! falls out of this shape: while one fsync runs, proposals pile up, and the next write takes
//! them all at once.
//!
//! Clients never wait without a bound: a command that finds no leader is parked and retried on
//! every tick until its deadline, and then answered `CLUSTERDOWN`.

mod empty_disk;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use prost::Message as _;
use tokio::sync::{mpsc, oneshot};
use tokio::time::MissedTickBehavior;
use tokio_util::sync::CancellationToken;
use tracing::{debug, error, info, warn};

use self::empty_disk::{EmptyDiskCheck, Verdict};
use crate::blocking::Waiters;
use crate::cmdstats::{Caller, CommandStats, unix_secs};
use crate::kv::{KvState, command};
use crate::now_ms;
use crate::pb;
use crate::pubsub::PubSub;
use crate::raft::{self, Envelope, Index, Message, Node, RequestId, RoleKind, Snapshot, Term};
use crate::storage::Storage;
use crate::tracking::{Change, Tracking};
use crate::transport::Peers;

/// Wall-clock length of one core tick. Only the driver knows it.
pub const TICK_INTERVAL: Duration = Duration::from_millis(10);
/// Minimum election timeout in ticks (500 ms; each timeout is drawn from 500 ms to 1 s).
pub const ELECTION_TICKS: u64 = 50;
/// Leader heartbeat interval in ticks (50 ms).
pub const HEARTBEAT_TICKS: u64 = 5;
/// Capacity of the driver inbox. Clients wait (`send().await`) when it is full; peer messages
/// are dropped instead, and Raft resends them.
pub const INBOX_CAPACITY: usize = 16 * 1024;
/// Inputs handled per turn before the driver attends to its `Ready` again.
const MAX_INPUTS_PER_TURN: usize = 4096;
/// Ready batches handled in one turn before ticks and the inbox are served again.
const MAX_READY_PER_TURN: usize = 64;
/// Byte bound of the entries in one AppendEntries.
const MAX_APPEND_BYTES: usize = 4 << 20;
/// Byte bound of the writes a follower forwards to the leader in one message (a larger write
/// goes alone).
const MAX_FORWARD_BYTES: usize = 4 << 20;
/// Appends in flight to one follower.
const MAX_INFLIGHT_APPENDS: usize = 64;
/// Proposed but uncommitted entries on the leader before proposals are parked.
const MAX_UNCOMMITTED_ENTRIES: usize = 100_000;
/// The most ticks delivered at once after a gap: more than the longest election timeout.
const MAX_CATCH_UP_TICKS: u64 = 2 * ELECTION_TICKS + 1;
/// A read whose ReadIndex got no answer for this many ticks asks again (messages can be lost).
const READ_RETRY_TICKS: u64 = 30;
/// How long one empty-disk question to a peer may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
/// Ticks between a leader's sweeps for expired keys (100 ms).
const PURGE_INTERVAL_TICKS: u64 = 10;
/// Expired keys deleted by one purge entry.
const MAX_PURGE_KEYS: usize = 1000;
/// Snapshots smaller than this are taken every `snapshot_entries` entries whatever their size;
/// larger ones wait until the log since the last holds half its bytes (see `maybe_snapshot`).
const AMORTIZED_SNAPSHOT_BYTES: u64 = 8 << 20;
/// Keys a snapshot encodes per driver turn (tens of milliseconds), so that heartbeats and
/// acknowledgements keep flowing while a large state is encoded.
const SNAPSHOT_KEYS_PER_TURN: usize = 16 * 1024;
/// Bytes a snapshot encodes per driver turn, about (fewer keys than
/// [`SNAPSHOT_KEYS_PER_TURN`] when values are large): 16k keys of 1 MiB took the driver away
/// for a second per gigabyte, long enough for followers to start elections.
const SNAPSHOT_BYTES_PER_TURN: usize = 16 << 20;
/// How long a leader tries to hand over leadership on graceful shutdown.
const SHUTDOWN_TRANSFER_TIMEOUT: Duration = Duration::from_secs(2);

/// A retryable cluster-side failure, answered to clients as `-TRYAGAIN ...` or `-CLUSTERDOWN ...`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// Transient: a leader change, a busy leader, a failed forward. Text follows `TRYAGAIN `.
    #[error("TRYAGAIN {0}")]
    TryAgain(String),
    /// No quorum or no leader within the wait bound. Text follows `CLUSTERDOWN `.
    #[error("CLUSTERDOWN {0}")]
    ClusterDown(String),
}

impl ClusterError {
    /// Parses the text a leader sent back for a forwarded write.
    fn from_wire(text: &str) -> ClusterError {
        match text.strip_prefix("CLUSTERDOWN ") {
            Some(rest) => ClusterError::ClusterDown(rest.to_owned()),
            None => {
                ClusterError::TryAgain(text.strip_prefix("TRYAGAIN ").unwrap_or(text).to_owned())
            }
        }
    }

    fn shutting_down() -> ClusterError {
        ClusterError::TryAgain("node is shutting down".into())
    }

    fn no_leader() -> ClusterError {
        ClusterError::ClusterDown("no leader reachable within the wait timeout".into())
    }
}

/// How a write ended, as seen by its submitter.
enum WriteOutcome {
    Applied(pb::Reply),
    Failed(ClusterError),
    /// Only for forwarded writes: this node is not the leader and proposed nothing.
    NotLeader,
}

/// An input to the driver.
enum Input {
    /// A message from a peer.
    Message(Envelope),
    /// A write batch from a local client.
    Write(PendingWrite),
    /// Writes a follower forwarded to this node in one message.
    Forwarded {
        from: raft::NodeId,
        writes: pb::ForwardWrites,
    },
    /// The leader's answer to writes this node forwarded.
    ForwardAnswer {
        from: raft::NodeId,
        answer: pb::ForwardAnswer,
    },
    /// Read-only commands to serve linearizably.
    Read(PendingRead),
    /// A snapshot of the core's status.
    Status(oneshot::Sender<raft::Status>),
    /// WAIT: answered with the replicas that hold what was committed.
    Wait(PendingWait),
    /// A follower's WAITAOF, counted by the leader: this node's own log is left to check.
    WaitLocal(LeaderWait),
    /// FAILOVER: hand leadership to `to` (or the most caught-up voter).
    Failover {
        to: Option<raft::NodeId>,
        reply: oneshot::Sender<Result<(), String>>,
    },
    /// SAVE, BGSAVE, BGREWRITEAOF: a snapshot of this node's state, taken now.
    Save {
        /// SAVE: answer once the snapshot is durable and the log compacted.
        wait: bool,
        /// BGSAVE SCHEDULE: if one is in progress, take another after it.
        schedule: bool,
        reply: oneshot::Sender<SaveOutcome>,
    },
    /// The nodes this node's state machine has enrolled, for INFO.
    Enrolled(oneshot::Sender<Vec<raft::NodeId>>),
    /// A peer that started with an empty disk asks what this node knows of it.
    Probe {
        from: raft::NodeId,
        reply: oneshot::Sender<pb::ProbeResponse>,
    },
    /// A peer's answer to this node's own empty-disk question, or why asking failed.
    ProbeAnswer {
        from: raft::NodeId,
        answer: Result<pb::ProbeResponse, String>,
    },
    /// A snapshot file finished writing on a blocking thread.
    SnapshotWritten {
        index: Index,
        term: Term,
        bytes: usize,
        result: Result<(), String>,
    },
}

struct PendingWrite {
    batch: pb::KvBatch,
    reply: oneshot::Sender<WriteOutcome>,
    /// The client that sent it, for the slow log; `None` for a forwarded write.
    caller: Option<Arc<Caller>>,
    deadline: Instant,
    /// Came from a follower: never forward again, answer `NotLeader` instead.
    forwarded: bool,
}

/// Writes forwarded to the leader in one message, until it answers.
struct Forwarding {
    leader: raft::NodeId,
    /// The epoch of the stream to the leader the message was queued for.
    epoch: u64,
    /// The earliest of the writes' deadlines.
    deadline: Instant,
    writes: Vec<PendingWrite>,
}

/// A WAIT or WAITAOF command: for how many replicas (members other than the leader) to hold
/// the leader's log up to its commit index as of the command, whether this node's own log must
/// hold it too (WAITAOF's numlocal), and until when.
struct PendingWait {
    replicas: u64,
    /// WAITAOF with a numlocal: wait until this node's log durably holds it too.
    local: bool,
    /// When to answer with however many there are; `None` waits until they are there.
    deadline: Option<Instant>,
    /// When to give up waiting for a leader to ask.
    leader_deadline: Instant,
    reply: oneshot::Sender<WaitOutcome>,
    /// Came from a follower: answer `NotLeader` instead of asking another node.
    forwarded: bool,
}

/// What became of a SAVE or BGSAVE (see [`DriverHandle::save`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    /// The snapshot is durable and the log compacted to it (SAVE), or there was nothing to
    /// add to the last one.
    Saved,
    /// A snapshot is being taken (BGSAVE).
    Started,
    /// One was in progress; another follows it (BGSAVE SCHEDULE).
    Scheduled,
    /// One is in progress already.
    InProgress,
    /// None can be taken (a node that has not joined yet); why.
    Refused(String),
}

/// How a WAIT ended.
enum WaitOutcome {
    /// The replicas that held the log up to `index` (the leader's commit index as of the
    /// command), and whether this node's own log durably did.
    Done {
        replicas: u64,
        local: bool,
        index: Index,
    },
    Failed(ClusterError),
    /// Only for forwarded ones: this node is not the leader.
    NotLeader,
}

/// A WAIT the leader holds: the index the replicas must reach, and the most that did so far.
/// A follower holds a WAITAOF the same way, once the leader answered, until its own log
/// durably holds `index` (`best` is then the leader's count).
struct LeaderWait {
    index: Index,
    best: u64,
    wait: PendingWait,
}

struct PendingRead {
    commands: Vec<pb::KvCommand>,
    /// The client that sent them, for the slow log.
    caller: Option<Arc<Caller>>,
    reply: oneshot::Sender<Result<Vec<pb::Reply>, ClusterError>>,
    deadline: Instant,
}

/// Running totals of the node's disk and replication work, for `INFO raft`: they show how well
/// writes are batched (entries per fsync, entries per AppendEntries).
#[derive(Debug, Default)]
pub struct IoCounters {
    fsyncs: AtomicU64,
    entries_written: AtomicU64,
    appends_sent: AtomicU64,
    append_entries_sent: AtomicU64,
    /// Whether a snapshot is being encoded or written (INFO's `rdb_bgsave_in_progress`).
    snapshotting: AtomicBool,
    /// Unix seconds of the last snapshot taken or installed, or of the start.
    last_snapshot_unix: AtomicI64,
}

/// A copy of [`IoCounters`] at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IoStats {
    /// Log writes, each ending in one fsync.
    pub fsyncs: u64,
    /// Log entries written to disk.
    pub entries_written: u64,
    /// AppendEntries messages sent that carried at least one entry.
    pub appends_sent: u64,
    /// Entries carried by those messages, all followers counted.
    pub append_entries_sent: u64,
    /// Whether a snapshot is being encoded or written.
    pub snapshotting: bool,
    /// Unix seconds of the last snapshot taken or installed since the start, or of the start.
    pub last_snapshot_unix: i64,
}

impl IoCounters {
    /// The current totals.
    pub fn snapshot(&self) -> IoStats {
        IoStats {
            fsyncs: self.fsyncs.load(Ordering::Relaxed),
            entries_written: self.entries_written.load(Ordering::Relaxed),
            appends_sent: self.appends_sent.load(Ordering::Relaxed),
            append_entries_sent: self.append_entries_sent.load(Ordering::Relaxed),
            snapshotting: self.snapshotting.load(Ordering::Relaxed),
            last_snapshot_unix: self.last_snapshot_unix.load(Ordering::Relaxed),
        }
    }

    fn snapshotting(&self, on: bool) {
        self.snapshotting.store(on, Ordering::Relaxed);
    }

    /// Notes that a snapshot was taken or installed now.
    fn snapshot_done(&self) {
        self.snapshotting(false);
        self.last_snapshot_unix
            .store(unix_secs(), Ordering::Relaxed);
    }
}

/// A cheap, cloneable handle to the raft actor, used by the RESP server and the gRPC service.
#[derive(Clone)]
pub struct DriverHandle {
    inbox_tx: mpsc::Sender<Input>,
    wait: Duration,
    io: Arc<IoCounters>,
    cluster_id: Arc<crate::transport::ClusterId>,
}

impl DriverHandle {
    /// Replicates a batch of writes as one log entry and returns the state machine's reply once
    /// it is committed and applied: for a pipelined run of writes (`transaction == false`) an
    /// array with one reply per command; for MULTI/EXEC the EXEC reply. Forwards to the leader
    /// from a follower. Waits at most the configured bound for a leader.
    /// `caller` is who sent it, for the slow log.
    pub async fn write(
        &self,
        batch: pb::KvBatch,
        caller: Option<Arc<Caller>>,
    ) -> Result<pb::Reply, ClusterError> {
        match self.submit_write(batch, caller).await {
            WriteOutcome::Applied(reply) => Ok(reply),
            WriteOutcome::Failed(err) => Err(err),
            WriteOutcome::NotLeader => Err(ClusterError::TryAgain("leader changed".into())),
        }
    }

    /// Serves read-only commands linearizably (one read index for all of them), on any
    /// node; replies come back in order. `caller` is who sent them, for the slow log.
    pub async fn read(
        &self,
        commands: Vec<pb::KvCommand>,
        caller: Option<Arc<Caller>>,
    ) -> Result<Vec<pb::Reply>, ClusterError> {
        let (reply, rx) = oneshot::channel();
        let read = PendingRead {
            commands,
            caller,
            reply,
            deadline: Instant::now() + self.wait,
        };
        if self.inbox_tx.send(Input::Read(read)).await.is_err() {
            return Err(ClusterError::shutting_down());
        }
        rx.await
            .unwrap_or_else(|_| Err(ClusterError::shutting_down()))
    }

    /// The node's disk and replication totals.
    pub fn io_stats(&self) -> IoStats {
        self.io.snapshot()
    }

    /// The core's status, asked through the actor's inbox.
    pub async fn status(&self) -> Result<raft::Status, ClusterError> {
        let (tx, rx) = oneshot::channel();
        if self.inbox_tx.send(Input::Status(tx)).await.is_err() {
            return Err(ClusterError::shutting_down());
        }
        rx.await.map_err(|_| ClusterError::shutting_down())
    }

    /// WAIT: waits until `replicas` members other than the leader hold every write committed
    /// so far (the leader's commit index when it takes the command), or until `timeout`
    /// passes (`None`: no limit), and answers how many do. A follower asks the leader.
    pub async fn wait(
        &self,
        replicas: u64,
        timeout: Option<Duration>,
    ) -> Result<u64, ClusterError> {
        self.wait_aof(false, replicas, timeout)
            .await
            .map(|(_, replicas)| replicas)
    }

    /// WAITAOF: [`DriverHandle::wait`], and with `local` also until this node's own log
    /// durably holds the writes (a follower learns from the leader which index that is).
    /// Answers whether this node's log holds them, and how many replicas' logs do.
    pub async fn wait_aof(
        &self,
        local: bool,
        replicas: u64,
        timeout: Option<Duration>,
    ) -> Result<(bool, u64), ClusterError> {
        match self.submit_wait(replicas, local, timeout, false).await {
            WaitOutcome::Done {
                replicas, local, ..
            } => Ok((local, replicas)),
            WaitOutcome::Failed(err) => Err(err),
            WaitOutcome::NotLeader => Err(ClusterError::TryAgain("leader changed".into())),
        }
    }

    /// SAVE (`wait`), BGSAVE and BGREWRITEAOF: takes a snapshot of this node's state now and
    /// compacts its log to it (see `Driver::handle_save`).
    pub async fn save(&self, wait: bool, schedule: bool) -> Result<SaveOutcome, ClusterError> {
        let (reply, rx) = oneshot::channel();
        let save = Input::Save {
            wait,
            schedule,
            reply,
        };
        if self.inbox_tx.send(save).await.is_err() {
            return Err(ClusterError::shutting_down());
        }
        rx.await.map_err(|_| ClusterError::shutting_down())
    }

    /// FAILOVER: starts handing this leader's role to `to` (or to the most caught-up voter);
    /// the new leader takes over within an election timeout, or the handover is abandoned.
    /// The inner error is Redis's reply to a FAILOVER that cannot be done.
    pub async fn failover(
        &self,
        to: Option<raft::NodeId>,
    ) -> Result<Result<(), String>, ClusterError> {
        let (reply, rx) = oneshot::channel();
        if self
            .inbox_tx
            .send(Input::Failover { to, reply })
            .await
            .is_err()
        {
            return Err(ClusterError::shutting_down());
        }
        rx.await.map_err(|_| ClusterError::shutting_down())
    }

    /// A WAIT a follower forwarded to this node.
    pub(crate) async fn wait_forwarded(
        &self,
        request: pb::WaitRequest,
    ) -> Result<pb::WaitResponse, ClusterError> {
        let timeout = (request.timeout_ms > 0).then(|| Duration::from_millis(request.timeout_ms));
        match self
            .submit_wait(request.replicas, false, timeout, true)
            .await
        {
            WaitOutcome::Done {
                replicas, index, ..
            } => Ok(pb::WaitResponse {
                replicas,
                not_leader: false,
                index,
            }),
            WaitOutcome::NotLeader => Ok(pb::WaitResponse {
                replicas: 0,
                not_leader: true,
                index: 0,
            }),
            WaitOutcome::Failed(err) => Err(err),
        }
    }

    async fn submit_wait(
        &self,
        replicas: u64,
        local: bool,
        timeout: Option<Duration>,
        forwarded: bool,
    ) -> WaitOutcome {
        let now = Instant::now();
        let (reply, rx) = oneshot::channel();
        let wait = PendingWait {
            replicas,
            local,
            deadline: timeout.and_then(|t| now.checked_add(t)),
            leader_deadline: now + self.wait,
            reply,
            forwarded,
        };
        if self.inbox_tx.send(Input::Wait(wait)).await.is_err() {
            return WaitOutcome::Failed(ClusterError::shutting_down());
        }
        rx.await
            .unwrap_or(WaitOutcome::Failed(ClusterError::shutting_down()))
    }

    /// The id of the cluster as of what this node applied; 0 while it has none (for INFO).
    pub fn cluster_id(&self) -> u64 {
        self.cluster_id.get()
    }

    /// The nodes enrolled as of what this node applied (not linearizable: for INFO).
    pub async fn enrolled(&self) -> Result<Vec<raft::NodeId>, ClusterError> {
        let (tx, rx) = oneshot::channel();
        if self.inbox_tx.send(Input::Enrolled(tx)).await.is_err() {
            return Err(ClusterError::shutting_down());
        }
        rx.await.map_err(|_| ClusterError::shutting_down())
    }

    /// What this node knows of peer `from`, which started with an empty disk (see
    /// `empty_disk`); `None` when the node is shutting down.
    pub(crate) async fn probe(&self, from: raft::NodeId) -> Option<pb::ProbeResponse> {
        let (reply, rx) = oneshot::channel();
        self.inbox_tx
            .send(Input::Probe { from, reply })
            .await
            .ok()?;
        rx.await.ok()
    }

    /// Hands the writes a follower forwarded in one message to the driver, waiting for room in
    /// its inbox.
    pub(crate) async fn forwarded_writes(&self, from: raft::NodeId, writes: pb::ForwardWrites) {
        let _ = self.inbox_tx.send(Input::Forwarded { from, writes }).await;
    }

    /// Hands the leader's answer to writes this node forwarded to the driver, waiting for room
    /// in its inbox.
    pub(crate) async fn forward_answer(&self, from: raft::NodeId, answer: pb::ForwardAnswer) {
        let _ = self
            .inbox_tx
            .send(Input::ForwardAnswer { from, answer })
            .await;
    }

    /// Hands a peer message to the driver, waiting for room in its inbox: for a message that
    /// took long to arrive (a snapshot put together from its pieces).
    pub(crate) async fn deliver_waiting(&self, envelope: Envelope) {
        let _ = self.inbox_tx.send(Input::Message(envelope)).await;
    }

    /// Hands a peer message to the driver; fails, dropping it, when the inbox is full.
    pub(crate) fn deliver(&self, envelope: Envelope) -> Result<(), ()> {
        self.inbox_tx
            .try_send(Input::Message(envelope))
            .map_err(|_| ())
    }

    async fn submit_write(&self, batch: pb::KvBatch, caller: Option<Arc<Caller>>) -> WriteOutcome {
        let (reply, rx) = oneshot::channel();
        let write = PendingWrite {
            batch,
            reply,
            caller,
            deadline: Instant::now() + self.wait,
            forwarded: false,
        };
        if self.inbox_tx.send(Input::Write(write)).await.is_err() {
            return WriteOutcome::Failed(ClusterError::shutting_down());
        }
        rx.await
            .unwrap_or(WriteOutcome::Failed(ClusterError::shutting_down()))
    }
}

/// Settings the driver takes from the command line.
pub struct DriverOptions {
    /// How long a command waits for a leader.
    pub wait: Duration,
    /// Applied entries between snapshots.
    pub snapshot_entries: u64,
    /// Applied entry bytes that also trigger a snapshot.
    pub snapshot_bytes: u64,
    /// Seed of the core's election-timeout RNG.
    pub seed: u64,
    /// Reads are answered from the leader's lease (`raft::Config::lease_reads`).
    pub lease_reads: bool,
    /// The largest write one log entry may hold (`--max-entry-bytes`).
    pub max_entry_bytes: usize,
    /// The node's data directory, where snapshots are read back from to send to followers.
    pub data_dir: std::path::PathBuf,
    /// This node's subscribers, to whom applied PUBLISH entries are handed.
    pub pubsub: Arc<PubSub>,
    /// This node's clients blocked on keys, woken when applied entries store to those keys.
    pub waiters: Arc<Waiters>,
    /// Started with `--join`: a new member, added to a running cluster.
    pub join: bool,
    /// Nodes of `--cluster`: the peers a node that starts with an empty disk asks about itself.
    pub cluster_size: usize,
    /// This node's command totals and slow log, to which applied writes and served reads
    /// are added.
    pub commands: Arc<CommandStats>,
    /// This node's CLIENT TRACKING table: told of the keys tracking clients read and of the
    /// keys applied entries change.
    pub tracking: Arc<Tracking>,
}

/// A driver turn longer than this is logged with where its time went: a node that stops
/// answering for hundreds of milliseconds costs its cluster an election.
const SLOW_TURN: Duration = Duration::from_millis(200);

/// A storage write run on a blocking thread, once joined: the storage back, and the result.
type JoinedWrite = Result<(Storage, Result<(), crate::storage::Error>), tokio::task::JoinError>;

/// What woke the driver for a turn.
enum Event {
    Shutdown,
    Tick,
    Written(JoinedWrite),
    Input(Input),
    Encode,
}

/// Time one driver turn spent in its slow parts.
#[derive(Default)]
struct TurnTimes {
    /// Waiting for the leader's background log writes to finish.
    drain: Duration,
    /// Writing and fsyncing the log in place.
    persist: Duration,
    /// Applying committed entries and answering their clients.
    apply: Duration,
    /// Encoding part of a snapshot.
    encode: Duration,
    /// Compacting the log to a written snapshot.
    compact: Duration,
    /// Inputs (messages, commands) handled.
    inputs: usize,
}

/// The raft actor. Create it with [`Driver::new`], then [`Driver::run`] it on the runtime.
pub struct Driver {
    /// Where the terms of the log recovered at startup change: `(first index, term)` of each
    /// run, so that entries published before this process started are not delivered again.
    startup_terms: Vec<(Index, Term)>,
    /// The last index of the log recovered at startup.
    startup_last: Option<Index>,
    node: Node,
    /// `None` only while a persist runs on a blocking thread.
    storage: Option<Storage>,
    kv: KvState,
    peers: Arc<Peers>,
    inbox_tx: mpsc::Sender<Input>,
    inbox_rx: mpsc::Receiver<Input>,
    options: DriverOptions,
    id: raft::NodeId,
    /// Number of voting nodes at start-up (at least 1).
    voters: u64,
    /// The core's membership version the transport was last told of.
    membership_seen: Option<u64>,
    /// A hard state that differs from the durable one only in its commit index, not yet written.
    unsynced_hard_state: Option<raft::HardState>,
    /// The hard state as last made durable.
    durable_hard_state: raft::HardState,
    /// Index and term of the last applied entry.
    applied: Index,
    applied_term: Term,
    /// Index of the newest snapshot (taken or installed).
    snapshot_index: Index,
    /// Writes queued for the leader during this turn, and the leader they go to.
    forwards: Vec<PendingWrite>,
    forward_to: Option<raft::NodeId>,
    /// Writes forwarded to the leader and not yet answered, by the id of their message.
    forwarding: HashMap<u64, Forwarding>,
    /// The id of the next message of forwarded writes.
    next_forward_id: u64,
    /// Index of the last purge of expired keys this node proposed.
    purge_index: Index,
    /// Index of the last enrollment of members this node proposed (see `empty_disk`).
    enroll_index: Index,
    /// Index of the last entry naming the cluster this node proposed (see `transport::ClusterId`).
    name_index: Index,
    /// The membership version whose members were all found enrolled.
    all_enrolled: Option<u64>,
    /// While this node, started on an empty disk, waits for its peers to say they do not
    /// know it: it takes no part in elections or replication meanwhile.
    empty_disk: Option<EmptyDiskCheck>,
    /// Why this node must not start: a peer knows it, so its disk was lost.
    refused: Option<String>,
    /// The term in which this node, as leader, proposed a key for the keyspace's hash.
    hash_key_term: Option<Term>,
    /// Sequence for this node's `RequestId`s.
    next_seq: u64,
    /// Ticks delivered to the core since the driver started.
    ticks: u64,
    /// Commands waiting for a leader, retried every tick until their deadline.
    parked_writes: VecDeque<PendingWrite>,
    parked_waits: VecDeque<PendingWait>,
    /// On the leader: WAIT commands until their replicas are there.
    waits: Vec<LeaderWait>,
    parked_reads: VecDeque<PendingRead>,
    /// Keys applied entries changed this turn, for CLIENT TRACKING (see
    /// [`Driver::note_tracked_changes`]).
    tracked_changes: Vec<Change>,
    /// Proposed writes by log index, with the term they were proposed in.
    proposed: HashMap<Index, (Term, PendingWrite)>,
    /// Reads waiting for their ReadIndex, with the tick they asked at.
    reading: HashMap<RequestId, (u64, PendingRead)>,
    /// Reads whose ReadIndex is known, waiting for the state machine to apply it.
    confirmed: BTreeMap<Index, Vec<PendingRead>>,
    /// Start-up catch-up tracking: the internal ReadIndex request, and its index once known.
    catch_up: CatchUp,
    /// Disk and replication totals, shared with every handle.
    io: Arc<IoCounters>,
    /// Index of the snapshot being written on a blocking thread, if any.
    snapshot_writing: Option<Index>,
    /// Bytes of entry data applied since the last snapshot began.
    applied_bytes: u64,
    /// Size of the last snapshot taken, installed or recovered (see `maybe_snapshot`).
    last_snapshot_bytes: u64,
    /// Whether the next snapshot comes at this node's staggered point (see `maybe_snapshot`).
    stagger_next_snapshot: bool,
    /// How long the last snapshot took to encode, for its log line.
    snapshot_encode_time: Duration,
    /// A snapshot being encoded a step per turn: its index and term, and when it began.
    encoding: Option<(Index, Term, crate::kv::SnapshotEncoder, Instant)>,
    /// A snapshot written to disk that the log still has to be compacted to.
    snapshot_written: Option<(Index, Term, usize)>,
    /// SAVEs waiting for the snapshot in progress to be durable and the log compacted.
    save_waiters: Vec<oneshot::Sender<SaveOutcome>>,
    /// A BGSAVE SCHEDULE came while a snapshot was in progress: take another after it.
    save_scheduled: bool,
    /// When the last tick was handled.
    last_tick: Instant,
    /// When tick 0 was due: tick `n` is due `n * TICK_INTERVAL` later.
    clock_origin: Instant,
    /// Where the current driver turn spent its time, for the slow-turn warning.
    turn: TurnTimes,
    /// A leader's log write running on a blocking thread; it holds `storage` meanwhile.
    writing: Option<BackgroundWrite>,
    /// What a leader handed out for its log while `writing` ran: the next background write.
    queued: QueuedWrite,
}

/// A leader's log write in progress, off the driver task.
struct BackgroundWrite {
    task: tokio::task::JoinHandle<(Storage, Result<(), crate::storage::Error>)>,
    hard_state: Option<raft::HardState>,
    /// The position to report to the core once the write is durable.
    upto: Option<(Index, Term)>,
}

/// Entries and hard state waiting for the running background write to finish.
#[derive(Default)]
struct QueuedWrite {
    hard_state: Option<raft::HardState>,
    entries: Vec<raft::Entry>,
    upto: Option<(Index, Term)>,
}

impl QueuedWrite {
    fn is_empty(&self) -> bool {
        self.hard_state.is_none() && self.entries.is_empty()
    }
}

enum CatchUp {
    Waiting(Option<(RequestId, u64)>),
    Applying(Index),
    Done,
}

impl Driver {
    /// Builds the actor around a recovered storage; `restored` is what `Storage::open` found.
    ///
    /// # Errors
    /// A snapshot on disk that does not decode.
    pub fn new(
        id: raft::NodeId,
        bootstrap: raft::Membership,
        storage: Storage,
        recovered: crate::storage::Recovered,
        peers: Arc<Peers>,
        options: DriverOptions,
    ) -> Result<Driver, crate::kv::SnapshotError> {
        let mut kv = KvState::new();
        // The node's command statistics count what scripts run; a restore keeps this on.
        kv.count_script_calls(true);
        let (snapshot_index, snapshot_term, snapshot_bytes) = match &recovered.snapshot {
            Some(snapshot) => {
                kv.restore(&snapshot.data)?;
                (snapshot.index, snapshot.term, snapshot.data.len() as u64)
            }
            None => (0, 0, 0),
        };
        if let Some(cluster_id) = kv.cluster_id() {
            peers.cluster_id().set(cluster_id);
        }
        let last_index = recovered.entries.last().map_or(snapshot_index, |e| e.index);
        info!(
            term = recovered.hard_state.term,
            commit = recovered.hard_state.commit,
            snapshot_index,
            last_index,
            truncated_bytes = recovered.truncated_bytes,
            "recovered from disk"
        );
        let mut startup_terms: Vec<(Index, Term)> = Vec::new();
        for e in &recovered.entries {
            if startup_terms.last().is_none_or(|&(_, term)| term != e.term) {
                startup_terms.push((e.index, e.term));
            }
        }
        let startup_last = recovered.entries.last().map(|e| e.index);
        let empty = recovered.hard_state == raft::HardState::default()
            && recovered.entries.is_empty()
            && recovered.snapshot.is_none();
        let empty_disk = if empty {
            EmptyDiskCheck::new(id, options.join, options.cluster_size)
        } else {
            None
        };
        if empty_disk.is_some() {
            info!("empty data directory: asking peers whether this node held the log before");
        }
        let voter_count = (bootstrap.voters.len() as u64).max(1);
        let config = raft::Config {
            id,
            bootstrap,
            election_ticks: ELECTION_TICKS,
            heartbeat_ticks: HEARTBEAT_TICKS,
            max_append_bytes: MAX_APPEND_BYTES,
            max_inflight_appends: MAX_INFLIGHT_APPENDS,
            max_uncommitted_entries: MAX_UNCOMMITTED_ENTRIES,
            lazy_fan_out: true,
            commit_with_appends: true,
            lease_reads: options.lease_reads,
            // Whatever this node's own setting: its peers' leases may count on it.
            quiet_start: true,
            seed: options.seed,
        };
        let mut node = Node::new(
            config,
            raft::Restored {
                hard_state: recovered.hard_state,
                // The core needs only the snapshot's position: its data stays on disk and is read
                // back when a follower needs it (see `send`).
                snapshot: recovered.snapshot.map(without_data),
                entries: recovered.entries,
            },
        );
        node.set_snapshot_bytes(snapshot_bytes);
        let (inbox_tx, inbox_rx) = mpsc::channel(INBOX_CAPACITY);
        Ok(Driver {
            startup_terms,
            startup_last,
            node,
            storage: Some(storage),
            kv,
            peers,
            inbox_tx,
            inbox_rx,
            options,
            id,
            voters: voter_count,
            membership_seen: None,
            unsynced_hard_state: None,
            durable_hard_state: recovered.hard_state,
            applied: snapshot_index,
            applied_term: snapshot_term,
            snapshot_index,
            forwards: Vec::new(),
            tracked_changes: Vec::new(),
            forward_to: None,
            forwarding: HashMap::new(),
            next_forward_id: 0,
            purge_index: 0,
            enroll_index: 0,
            name_index: 0,
            all_enrolled: None,
            empty_disk,
            refused: None,
            hash_key_term: None,
            next_seq: 0,
            ticks: 0,
            parked_writes: VecDeque::new(),
            parked_waits: VecDeque::new(),
            waits: Vec::new(),
            parked_reads: VecDeque::new(),
            proposed: HashMap::new(),
            reading: HashMap::new(),
            confirmed: BTreeMap::new(),
            catch_up: CatchUp::Waiting(None),
            io: Arc::new(IoCounters {
                last_snapshot_unix: AtomicI64::new(unix_secs()),
                ..IoCounters::default()
            }),
            snapshot_writing: None,
            applied_bytes: 0,
            last_snapshot_bytes: snapshot_bytes,
            stagger_next_snapshot: true,
            turn: TurnTimes::default(),
            last_tick: Instant::now(),
            clock_origin: Instant::now(),
            snapshot_encode_time: Duration::ZERO,
            encoding: None,
            snapshot_written: None,
            save_waiters: Vec::new(),
            save_scheduled: false,
            writing: None,
            queued: QueuedWrite::default(),
        })
    }

    /// A handle for clients and peers.
    pub fn handle(&self) -> DriverHandle {
        DriverHandle {
            inbox_tx: self.inbox_tx.clone(),
            wait: self.options.wait,
            io: self.io.clone(),
            cluster_id: self.peers.cluster_id().clone(),
        }
    }

    /// Runs until `shutdown` is cancelled; a leader first hands over its leadership.
    ///
    /// # Errors
    /// The node started with an empty disk, but a peer says it held the log before: its data
    /// was lost (see `empty_disk`). It stops without taking part in the cluster.
    pub async fn run(mut self, shutdown: CancellationToken) -> Result<(), String> {
        self.clock_origin = Instant::now();
        let mut ticker = tokio::time::interval(TICK_INTERVAL);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut stop_by: Option<Instant> = None;
        self.sync_peers();
        loop {
            let event = tokio::select! {
                biased;
                _ = shutdown.cancelled(), if stop_by.is_none() => Event::Shutdown,
                _ = ticker.tick() => Event::Tick,
                joined = background_write(&mut self.writing), if self.writing.is_some() => {
                    Event::Written(joined)
                }
                input = self.inbox_rx.recv() => match input {
                    Some(input) => Event::Input(input),
                    None => break,
                },
                // A snapshot being encoded goes on when nothing else is waiting. Yielding to
                // the runtime first matters: an always-ready branch would keep this task
                // running from step to step without the runtime ever polling its sockets or
                // timers, and the node would fall silent for the whole encoding.
                () = tokio::task::yield_now(), if self.encoding.is_some() => Event::Encode,
            };
            let woke = Instant::now();
            self.turn = TurnTimes::default();
            match event {
                Event::Shutdown => {
                    stop_by = Some(Instant::now() + SHUTDOWN_TRANSFER_TIMEOUT);
                    if self.node.role() == RoleKind::Leader {
                        info!("transferring leadership before shutdown");
                        self.node.transfer_leadership(None);
                    }
                }
                Event::Tick => self.catch_up_ticks(),
                Event::Written(joined) => self.on_background_write_done(joined),
                Event::Input(input) => {
                    self.handle_input(input);
                    self.turn.inputs = 1;
                    for _ in 1..MAX_INPUTS_PER_TURN {
                        match self.inbox_rx.try_recv() {
                            Ok(input) => self.handle_input(input),
                            Err(_) => break,
                        }
                        self.turn.inputs += 1;
                    }
                }
                Event::Encode => {}
            }
            if let Some(why) = self.refused.take() {
                self.fail_everything();
                return Err(why);
            }
            self.flush_forwards();
            // Before the `Ready` below: a leader sends lazily fed followers the entries it
            // compacts away, and those messages go out in this turn.
            if let Some((index, term, bytes)) = self.snapshot_written.take() {
                let started = Instant::now();
                self.compact_to_snapshot(index, term, bytes).await;
                self.turn.compact = started.elapsed();
            }
            let mut turns = 0;
            while self.node.has_ready() {
                if turns == MAX_READY_PER_TURN {
                    // The core keeps producing work without new input: serve ticks and the
                    // inbox anyway, so a core livelock degrades instead of wedging the node.
                    warn!("raft core still has work after {MAX_READY_PER_TURN} batches");
                    tokio::task::yield_now().await;
                    break;
                }
                self.handle_ready().await;
                turns += 1;
            }
            self.sync_peers();
            if !self.waits.is_empty() {
                self.serve_waits();
            }
            self.continue_snapshot();
            let (hits, misses) = self.kv.keyspace_lookups();
            let expired = self.kv.expired_total();
            let expired_fields = self.kv.expired_fields_total();
            self.options
                .commands
                .set_keyspace([hits, misses, expired, expired_fields]);
            let took = woke.elapsed();
            self.options.commands.events.add("driver-turn", took);
            self.warn_if_slow(took);
            if let Some(stop_by) = stop_by
                && (self.node.role() != RoleKind::Leader || Instant::now() >= stop_by)
            {
                break;
            }
        }
        self.finish_background_writes().await;
        self.fail_everything();
        info!("driver stopped");
        Ok(())
    }

    /// Logs a turn that kept the node from its peers and clients for too long, with where the
    /// time went.
    fn warn_if_slow(&self, took: Duration) {
        if took < SLOW_TURN {
            return;
        }
        let ms = |d: Duration| d.as_millis() as u64;
        let t = &self.turn;
        warn!(
            took_ms = ms(took),
            drain_ms = ms(t.drain),
            persist_ms = ms(t.persist),
            apply_ms = ms(t.apply),
            encode_ms = ms(t.encode),
            compact_ms = ms(t.compact),
            inputs = t.inputs,
            "slow driver turn"
        );
    }

    fn handle_input(&mut self, input: Input) {
        // After the input left the inbox and before the core sees it: a read lease is then
        // judged at a moment after the read arrived.
        self.catch_up_ticks();
        match input {
            // Until the empty-disk check passes, this node must not vote or acknowledge.
            Input::Message(_) if self.empty_disk.is_some() => {}
            Input::Message(envelope) => self.node.step(envelope),
            Input::Probe { from, reply } => {
                let answer = if self.empty_disk.is_some() {
                    // Its own state is not known yet: it knows nothing of anyone.
                    pb::ProbeResponse::default()
                } else {
                    pb::ProbeResponse {
                        enrolled: self.kv.is_enrolled(from),
                        voter: self.node.membership().is_voter(from),
                    }
                };
                let _ = reply.send(answer);
            }
            Input::ProbeAnswer { from, answer } => self.on_probe_answer(from, answer),
            Input::Wait(wait) => self.handle_wait(wait),
            Input::WaitLocal(mut w) => {
                if w.index == 0 {
                    // A leader from before WAITAOF does not say which index it counted.
                    w.index = self.node.commit_index();
                }
                self.hold_or_answer(w, Instant::now());
            }
            Input::Enrolled(reply) => {
                let _ = reply.send(self.kv.enrolled());
            }
            Input::Write(write) => self.handle_write(write),
            Input::Forwarded { from, writes } => self.handle_forwarded(from, writes),
            Input::ForwardAnswer { from, answer } => self.on_forward_answer(from, answer),
            Input::Read(read) => self.handle_read(read),
            Input::Status(reply) => {
                let mut status = self.node.status();
                status.connected = (status.membership.voters.keys())
                    .chain(status.membership.learners.keys())
                    .copied()
                    .filter(|&id| id != self.id && self.peers.is_connected(id))
                    .collect();
                let _ = reply.send(status);
            }
            Input::Save {
                wait,
                schedule,
                reply,
            } => self.handle_save(wait, schedule, reply),
            Input::Failover { to, reply } => {
                let _ = reply.send(self.failover(to));
            }
            Input::SnapshotWritten {
                index,
                term,
                bytes,
                result,
            } => {
                if let Err(err) = result {
                    fatal(&format!("writing the snapshot at {index} failed: {err}"));
                }
                self.snapshot_written = Some((index, term, bytes));
            }
        }
    }

    fn handle_write(&mut self, mut write: PendingWrite) {
        if write.reply.is_closed() {
            return;
        }
        // Checked on the follower before forwarding, and on the leader: an entry larger than a
        // peer message could never reach the followers, and would stall every write after it.
        let bytes = write.batch.encoded_len();
        if bytes > self.options.max_entry_bytes {
            let text = format!(
                "ERR write too large: {bytes} bytes, more than one log entry holds \
                 (--max-entry-bytes {})",
                self.options.max_entry_bytes
            );
            let _ = write.reply.send(WriteOutcome::Applied(pb::Reply {
                kind: Some(pb::reply::Kind::Error(text)),
            }));
            return;
        }
        let leading = self.node.role() == RoleKind::Leader;
        if Instant::now() >= write.deadline {
            // A write that waited on the leader itself waited for room, not for a leader.
            let err = if leading && write.batch.membership_change.is_some() {
                ClusterError::TryAgain(
                    "another membership change is still in progress, retry once it is committed"
                        .into(),
                )
            } else if leading {
                ClusterError::TryAgain(
                    "the leader could not take the write in time (leadership transfer or too \
                     many uncommitted writes)"
                        .into(),
                )
            } else {
                ClusterError::no_leader()
            };
            let _ = write.reply.send(WriteOutcome::Failed(err));
            return;
        }
        if let Some(err) = self.not_a_member() {
            let _ = write.reply.send(WriteOutcome::Failed(err));
            return;
        }
        if leading && let Some(change) = write.batch.membership_change.take() {
            self.propose_membership(change, write);
            return;
        }
        if leading {
            if !self.propose_hash_key(self.node.term()) {
                self.parked_writes.push_back(write);
                return;
            }
            write.batch.now_ms = now_ms();
            let data = Bytes::from(write.batch.encode_to_vec());
            match self.node.propose(data) {
                Ok((index, term)) => {
                    self.proposed.insert(index, (term, write));
                }
                Err(err) => {
                    debug!(error = %err, "proposal parked");
                    self.parked_writes.push_back(write);
                }
            }
            return;
        }
        if write.forwarded {
            let _ = write.reply.send(WriteOutcome::NotLeader);
            return;
        }
        match self.node.leader() {
            Some(leader) if self.peers.is_connected(leader) => self.forward(leader, write),
            _ => self.parked_writes.push_back(write),
        }
    }

    /// On the leader: appends a membership change (RAFT.NODE). It is answered when its entry
    /// is applied; a change refused while another one is in progress waits for its turn.
    fn propose_membership(&mut self, change: pb::MembershipChange, mut write: PendingWrite) {
        let request = if change.remove {
            raft::MembershipChange::Remove { id: change.id }
        } else {
            raft::MembershipChange::Add {
                id: change.id,
                addr: change.addr.clone(),
            }
        };
        match self.node.propose_membership(request) {
            Ok((index, term)) => {
                self.proposed.insert(index, (term, write));
            }
            Err(raft::ChangeError::Invalid(why)) => {
                let _ = write.reply.send(WriteOutcome::Applied(pb::Reply {
                    kind: Some(pb::reply::Kind::Error(format!("ERR {why}"))),
                }));
            }
            Err(err) => {
                debug!(error = %err, "membership change parked");
                write.batch.membership_change = Some(change);
                self.parked_writes.push_back(write);
            }
        }
    }

    /// The error for a command while this node is outside the membership, if it is.
    fn not_a_member(&self) -> Option<ClusterError> {
        not_a_member(&self.node, self.id)
    }

    /// Tells the transport of the membership when it changed, so it connects to new members.
    fn sync_peers(&mut self) {
        let version = self.node.membership_version();
        if self.membership_seen == Some(version) {
            return;
        }
        self.membership_seen = Some(version);
        self.peers.set_members(self.node.membership());
    }

    /// On the leader, before the first write of its term: if the keyspace was never modified
    /// (as far as this node applied), proposes a random key for its hash, so that it precedes
    /// every write and clients cannot predict where keys land (see `kv::hash_key_batch`).
    /// Returns false if the write must wait: the key could not be proposed yet.
    fn propose_hash_key(&mut self, term: Term) -> bool {
        if self.hash_key_term == Some(term) || !self.kv.needs_hash_key() {
            return true;
        }
        let batch = crate::kv::hash_key_batch(rand::random(), now_ms());
        match self.node.propose(Bytes::from(batch.encode_to_vec())) {
            Ok((index, _)) => {
                debug!(index, "proposed the keyspace's hash key");
                self.hash_key_term = Some(term);
                true
            }
            Err(err) => {
                debug!(error = %err, "hash key proposal refused");
                false
            }
        }
    }

    /// Queues a write for the leader; [`Driver::flush_forwards`] sends the queue at the end of
    /// the turn, so concurrent clients of a follower share one request to the leader.
    fn forward(&mut self, leader: raft::NodeId, write: PendingWrite) {
        if self.forward_to != Some(leader) {
            self.flush_forwards();
            self.forward_to = Some(leader);
        }
        self.forwards.push(write);
    }

    /// Sends the writes queued during this turn to the leader, on the stream that carries Raft
    /// messages to it: in one message, or in several of about `MAX_FORWARD_BYTES` when they
    /// are large. [`Driver::on_forward_answer`] answers their clients.
    fn flush_forwards(&mut self) {
        let Some(leader) = self.forward_to.take() else {
            return;
        };
        let writes = std::mem::take(&mut self.forwards);
        for run in split_by_bytes(writes, MAX_FORWARD_BYTES, |w| w.batch.encoded_len()) {
            self.send_forwards(leader, run);
        }
    }

    /// Sends `writes` to `leader` in one message and keeps them until it answers.
    fn send_forwards(&mut self, leader: raft::NodeId, writes: Vec<PendingWrite>) {
        self.next_forward_id += 1;
        let id = self.next_forward_id;
        let message = pb::envelope::Message::ForwardWrites(pb::ForwardWrites {
            id,
            batches: writes.iter().map(|w| w.batch.clone()).collect(),
        });
        debug!(
            leader,
            id,
            writes = writes.len(),
            "forwarding writes to leader"
        );
        let Some(epoch) = self.peers.send_forward(leader, message) else {
            // Not sent: nothing was proposed, so the clients may simply try again.
            for write in writes {
                let _ = write
                    .reply
                    .send(WriteOutcome::Failed(ClusterError::TryAgain(
                        "too many messages queued for the leader, the write was not sent".into(),
                    )));
            }
            return;
        };
        // The earliest deadline bounds the wait; later ones would only wait longer.
        let deadline = (writes.iter().map(|w| w.deadline).min()).unwrap_or_else(Instant::now);
        self.forwarding.insert(
            id,
            Forwarding {
                leader,
                epoch,
                deadline,
                writes,
            },
        );
    }

    /// On the leader: proposes the writes a follower forwarded in one message (together, as
    /// they arrived together), and answers the follower once every one applied or failed.
    fn handle_forwarded(&mut self, from: raft::NodeId, forwarded: pb::ForwardWrites) {
        let deadline = Instant::now() + self.options.wait;
        let mut waiting = Vec::with_capacity(forwarded.batches.len());
        for batch in forwarded.batches {
            let (reply, rx) = oneshot::channel();
            self.handle_write(PendingWrite {
                batch,
                reply,
                caller: None,
                deadline,
                forwarded: true,
            });
            waiting.push(rx);
        }
        let peers = self.peers.clone();
        tokio::spawn(async move {
            let mut results = Vec::with_capacity(waiting.len());
            for rx in waiting {
                let outcome = rx
                    .await
                    .unwrap_or(WriteOutcome::Failed(ClusterError::shutting_down()));
                results.push(forward_result(outcome));
            }
            let answer = pb::ForwardAnswer {
                id: forwarded.id,
                results,
            };
            if peers
                .send_forward(from, pb::envelope::Message::ForwardAnswer(answer))
                .is_none()
            {
                debug!(to = from, "answer to forwarded writes dropped");
            }
        });
    }

    /// On a follower: the leader's answer to writes this node forwarded. Writes the leader
    /// did not propose (it is no longer the leader) are tried again.
    fn on_forward_answer(&mut self, from: raft::NodeId, answer: pb::ForwardAnswer) {
        let Some(forwarding) = self.forwarding.remove(&answer.id) else {
            // Already given up on (see `expire_forwarding`).
            return;
        };
        if forwarding.leader != from {
            debug!(from, id = answer.id, "answer from a node not asked dropped");
            self.forwarding.insert(answer.id, forwarding);
            return;
        }
        let mut results = answer.results.into_iter();
        for write in forwarding.writes {
            let outcome = match results.next() {
                // Nothing was proposed: safe to try again. If this node still takes `from`
                // for the leader, the write waits for news of the new one.
                Some(result) if result.not_leader => {
                    if self.node.leader() == Some(from) {
                        self.parked_writes.push_back(write);
                    } else {
                        self.handle_write(write);
                    }
                    continue;
                }
                Some(pb::ForwardResult {
                    result: Some(pb::forward_result::Result::Reply(reply)),
                    ..
                }) => WriteOutcome::Applied(reply),
                Some(pb::ForwardResult {
                    result: Some(pb::forward_result::Result::ClusterError(text)),
                    ..
                }) => WriteOutcome::Failed(ClusterError::from_wire(&text)),
                _ => WriteOutcome::Failed(ClusterError::TryAgain(
                    "no answer from the leader for this write".into(),
                )),
            };
            let _ = write.reply.send(outcome);
        }
    }

    /// Gives up on forwarded writes whose deadline passed, or whose message or answer may have
    /// been lost: the stream to the leader closed or reopened since they were sent.
    fn expire_forwarding(&mut self, now: Instant) {
        let lost: Vec<u64> = (self.forwarding.iter())
            .filter(|(_, f)| {
                now >= f.deadline
                    || !self.peers.is_connected(f.leader)
                    || self.peers.stream_epoch(f.leader) != Some(f.epoch)
            })
            .map(|(&id, _)| id)
            .collect();
        for id in lost {
            let Some(forwarding) = self.forwarding.remove(&id) else {
                continue;
            };
            let err = if now >= forwarding.deadline {
                ClusterError::TryAgain(
                    "timed out waiting for the leader, the write may or may not have applied"
                        .into(),
                )
            } else {
                ClusterError::TryAgain(
                    "lost the connection to the leader, the write may or may not have applied"
                        .into(),
                )
            };
            for write in forwarding.writes {
                let _ = write.reply.send(WriteOutcome::Failed(err.clone()));
            }
        }
    }

    fn handle_read(&mut self, read: PendingRead) {
        if read.reply.is_closed() {
            return;
        }
        if Instant::now() >= read.deadline {
            let _ = read.reply.send(Err(ClusterError::no_leader()));
            return;
        }
        if let Some(err) = self.not_a_member() {
            let _ = read.reply.send(Err(err));
            return;
        }
        let id = self.next_request_id();
        match self.node.read(id) {
            Ok(()) => {
                self.reading.insert(id, (self.ticks, read));
            }
            Err(_) => self.parked_reads.push_back(read),
        }
    }

    /// WAIT: the leader holds it until its replicas are there; a follower asks the leader.
    fn handle_wait(&mut self, wait: PendingWait) {
        if wait.reply.is_closed() {
            return;
        }
        if let Some(err) = self.not_a_member() {
            let _ = wait.reply.send(WaitOutcome::Failed(err));
            return;
        }
        let now = Instant::now();
        if self.node.role() == RoleKind::Leader {
            let index = self.node.commit_index();
            let best = self.node.replicas_holding(index).unwrap_or(0) as u64;
            self.hold_or_answer(LeaderWait { index, best, wait }, now);
            return;
        }
        if wait.forwarded {
            let _ = wait.reply.send(WaitOutcome::NotLeader);
            return;
        }
        let leader = self.node.leader().filter(|&l| self.peers.is_connected(l));
        let client = leader.and_then(|l| self.peers.unary_client(l));
        let Some(mut client) = client else {
            if now >= wait.leader_deadline {
                let _ = wait
                    .reply
                    .send(WaitOutcome::Failed(ClusterError::no_leader()));
            } else {
                self.parked_waits.push_back(wait);
            }
            return;
        };
        let inbox_tx = self.inbox_tx.clone();
        let cluster_id = self.peers.cluster_id().get();
        tokio::spawn(async move {
            let timeout_ms = wait.deadline.map_or(0, |d| {
                (d.saturating_duration_since(Instant::now()).as_millis() as u64).max(1)
            });
            let request = pb::WaitRequest {
                replicas: wait.replicas,
                timeout_ms,
                cluster_id,
            };
            let mut wait = wait;
            let answer = tokio::select! {
                // The client left: so does the question (the leader then drops its wait).
                () = wait.reply.closed() => return,
                answer = client.wait(request) => answer,
            };
            let outcome = match answer {
                Ok(response) if response.get_ref().not_leader => {
                    // Leadership moved: ask again once this node knows the new leader.
                    let _ = inbox_tx.send(Input::Wait(wait)).await;
                    return;
                }
                Ok(response) => {
                    // The rest is this node's part: whether its own log holds the index.
                    let response = response.into_inner();
                    let _ = inbox_tx
                        .send(Input::WaitLocal(LeaderWait {
                            index: response.index,
                            best: response.replicas,
                            wait,
                        }))
                        .await;
                    return;
                }
                Err(status) => WaitOutcome::Failed(ClusterError::from_wire(status.message())),
            };
            let _ = wait.reply.send(outcome);
        });
    }

    /// Whether this node's log durably holds the committed entry at `index` (a log that knows
    /// `index` committed matches the leader's up to it).
    fn holds_durably(&self, index: Index) -> bool {
        self.node.commit_index() >= index && self.node.stable_index() >= index
    }

    /// Answers a WAIT or WAITAOF whose replicas (and, for a WAITAOF with a numlocal, this
    /// node's own log) are there or whose time is up; holds it otherwise. On a follower the
    /// replicas are the leader's count, already final.
    fn hold_or_answer(&mut self, w: LeaderWait, now: Instant) {
        let local = self.holds_durably(w.index);
        let replicas_there = w.best >= w.wait.replicas || self.node.role() != RoleKind::Leader;
        if (replicas_there && (local || !w.wait.local)) || w.wait.deadline.is_some_and(|d| now >= d)
        {
            let _ = w.wait.reply.send(WaitOutcome::Done {
                replicas: w.best,
                local,
                index: w.index,
            });
        } else {
            self.waits.push(w);
        }
    }

    /// Answers the WAITs whose replicas (and own log, for WAITAOF) are there or whose time
    /// is up. A leader's WAITs end when it no longer leads (with the most replicas it saw);
    /// a follower holds only WAITAOFs whose replicas the leader already counted.
    fn serve_waits(&mut self) {
        let now = Instant::now();
        for mut w in std::mem::take(&mut self.waits) {
            if w.wait.reply.is_closed() {
                continue;
            }
            if let Some(count) = self.node.replicas_holding(w.index) {
                w.best = w.best.max(count as u64);
            }
            self.hold_or_answer(w, now);
        }
    }

    fn next_request_id(&mut self) -> RequestId {
        self.next_seq += 1;
        RequestId {
            node: self.id,
            seq: self.next_seq,
        }
    }

    /// Delivers the ticks the monotonic clock says are due since the driver started, so the
    /// core's clock is never behind real time when it takes an input: a process that was
    /// paused (SIGSTOP, a stalled VM) or a runtime that kept the ticker waiting catches up
    /// before it decides anything, and a leader notices that its read lease ran out. Of a
    /// gap longer than `MAX_CATCH_UP_TICKS` only the last ticks are delivered: by then every
    /// election timeout and lease has expired anyway.
    fn catch_up_ticks(&mut self) {
        let due = (self.clock_origin.elapsed().as_nanos() / TICK_INTERVAL.as_nanos()) as u64;
        if due > self.ticks + MAX_CATCH_UP_TICKS {
            self.ticks = due - MAX_CATCH_UP_TICKS;
        }
        while self.ticks < due {
            self.on_tick();
        }
    }

    fn on_tick(&mut self) {
        let now = Instant::now();
        let gap = now - std::mem::replace(&mut self.last_tick, now);
        if gap >= SLOW_TURN {
            // The runtime, not one driver turn, kept the ticks away (or the process was not
            // scheduled): the core's timers stood still meanwhile.
            warn!(gap_ms = gap.as_millis() as u64, "ticks were late");
        }
        self.ticks += 1;
        if self.empty_disk.is_some() {
            self.ask_peers();
        } else {
            self.node.tick();
            self.maybe_name_cluster();
            self.maybe_enroll();
        }
        // Retry parked commands: a leader may have appeared.
        for _ in 0..self.parked_writes.len() {
            if let Some(write) = self.parked_writes.pop_front() {
                self.handle_write(write);
            }
        }
        for _ in 0..self.parked_waits.len() {
            if let Some(wait) = self.parked_waits.pop_front() {
                self.handle_wait(wait);
            }
        }
        if !self.waits.is_empty() {
            self.serve_waits();
        }
        for _ in 0..self.parked_reads.len() {
            if let Some(read) = self.parked_reads.pop_front() {
                self.handle_read(read);
            }
        }
        // Ask again for reads whose ReadIndex went unanswered.
        let stale: Vec<RequestId> = self
            .reading
            .iter()
            .filter(|(_, (asked, _))| self.ticks - asked >= READ_RETRY_TICKS)
            .map(|(id, _)| *id)
            .collect();
        for id in stale {
            if let Some((_, read)) = self.reading.remove(&id) {
                self.handle_read(read);
            }
        }
        self.expire_waiting();
        if !self.forwarding.is_empty() {
            self.expire_forwarding(now);
        }
        self.drive_catch_up();
        if self.ticks.is_multiple_of(PURGE_INTERVAL_TICKS) {
            self.maybe_purge_expired();
        }
    }

    /// On the leader, proposes the deletion of keys whose TTL passed, so that every replica
    /// reclaims their memory at the same log index. One purge is in flight at a time.
    fn maybe_purge_expired(&mut self) {
        if self.purge_index > self.applied || self.node.role() != RoleKind::Leader {
            return;
        }
        let now = now_ms();
        let keys = self.kv.expired_keys(now, MAX_PURGE_KEYS);
        if keys.is_empty() {
            return;
        }
        let batch = crate::kv::purge_batch(keys, now);
        if let Ok((index, _)) = self.node.propose(Bytes::from(batch.encode_to_vec())) {
            debug!(index, "proposed purge of expired keys");
            self.purge_index = index;
        }
    }

    /// On the leader, enrolls the members that hold part of its log and are not enrolled yet,
    /// so that one of them that starts again on an empty disk is stopped (see `empty_disk`).
    /// One enrollment is in flight at a time.
    fn maybe_enroll(&mut self) {
        if self.enroll_index > self.applied || self.node.role() != RoleKind::Leader {
            return;
        }
        // Once every member is enrolled, nothing is left to do until the membership changes.
        let version = self.node.membership_version();
        if self.all_enrolled == Some(version) {
            return;
        }
        if self
            .node
            .membership()
            .members()
            .all(|(id, _)| self.kv.is_enrolled(id))
        {
            self.all_enrolled = Some(version);
            return;
        }
        let mut ids = self.node.members_holding_log();
        ids.retain(|&id| !self.kv.is_enrolled(id));
        if ids.is_empty() {
            return;
        }
        let batch = crate::kv::enroll_batch(ids.clone(), now_ms());
        if let Ok((index, _)) = self.node.propose(Bytes::from(batch.encode_to_vec())) {
            debug!(index, nodes = ?ids, "proposed enrolling members");
            self.enroll_index = index;
        }
    }

    /// On the leader of a cluster that has no id yet (a new one, or one whose data predates
    /// cluster ids): proposes a random one. One proposal is in flight at a time; the first
    /// applied names the cluster.
    fn maybe_name_cluster(&mut self) {
        if self.kv.cluster_id().is_some()
            || self.name_index > self.applied
            || self.node.role() != RoleKind::Leader
        {
            return;
        }
        let batch = crate::kv::cluster_id_batch(rand::random(), now_ms());
        if let Ok((index, _)) = self.node.propose(Bytes::from(batch.encode_to_vec())) {
            debug!(index, "proposed an id for the cluster");
            self.name_index = index;
        }
    }

    /// Hands the cluster id the state machine holds to the transport, once it changed.
    fn learn_cluster_id(&self) {
        let Some(id) = self.kv.cluster_id() else {
            return;
        };
        let known = self.peers.cluster_id();
        if known.get() != id {
            info!(cluster_id = format!("{id:016x}"), "cluster id learned");
            known.set(id);
        }
    }

    /// While the empty-disk check runs: asks the peers that are due, each on a task of its
    /// own that hands the answer back through the inbox.
    fn ask_peers(&mut self) {
        let Some(check) = &mut self.empty_disk else {
            return;
        };
        if check.report_due(self.ticks) {
            info!(
                missing = check.missing(),
                "still waiting for peers to answer whether this node held the log before"
            );
        }
        for peer in check.due(self.ticks) {
            let inbox_tx = self.inbox_tx.clone();
            let client = self.peers.unary_client(peer);
            let request = pb::ProbeRequest { id: self.id };
            tokio::spawn(async move {
                let answer = match client {
                    Some(mut client) => {
                        match tokio::time::timeout(PROBE_TIMEOUT, client.probe(request)).await {
                            Ok(Ok(response)) => Ok(response.into_inner()),
                            Ok(Err(status)) => Err(status.message().to_owned()),
                            Err(_) => Err("timed out".to_owned()),
                        }
                    }
                    None => Err("unknown peer".to_owned()),
                };
                let _ = inbox_tx
                    .send(Input::ProbeAnswer { from: peer, answer })
                    .await;
            });
        }
    }

    fn on_probe_answer(&mut self, from: raft::NodeId, answer: Result<pb::ProbeResponse, String>) {
        let Some(check) = &mut self.empty_disk else {
            return;
        };
        if self.refused.is_some() {
            return;
        }
        if let Err(why) = &answer {
            debug!(peer = from, error = %why, "empty-disk question unanswered");
        }
        match check.answered(from, answer, &self.options.data_dir) {
            Verdict::Wait => {}
            Verdict::Start => {
                info!("no peer knows this node: starting with an empty log");
                self.empty_disk = None;
            }
            Verdict::Refuse(why) => {
                error!("{why}");
                self.refused = Some(why);
            }
        }
    }

    /// Answers commands whose deadline passed while they waited for commit or apply.
    fn expire_waiting(&mut self) {
        let now = Instant::now();
        if !self.proposed.is_empty() {
            let expired: Vec<Index> = self
                .proposed
                .iter()
                .filter(|(_, (_, w))| now >= w.deadline || w.reply.is_closed())
                .map(|(i, _)| *i)
                .collect();
            for index in expired {
                if let Some((_, write)) = self.proposed.remove(&index) {
                    let _ = write
                        .reply
                        .send(WriteOutcome::Failed(ClusterError::TryAgain(
                            "timed out waiting for commit, the write may or may not apply".into(),
                        )));
                }
            }
        }
        if !self.confirmed.is_empty() {
            for reads in self.confirmed.values_mut() {
                let (expired, kept): (Vec<_>, Vec<_>) =
                    reads.drain(..).partition(|r| now >= r.deadline);
                *reads = kept;
                for read in expired {
                    let _ = read.reply.send(Err(ClusterError::TryAgain(
                        "timed out catching up with the leader".into(),
                    )));
                }
            }
            self.confirmed.retain(|_, reads| !reads.is_empty());
        }
    }

    /// Learns the leader's commit index once after start-up and logs when it has been applied.
    fn drive_catch_up(&mut self) {
        match self.catch_up {
            CatchUp::Waiting(Some((_, asked))) if self.ticks - asked < READ_RETRY_TICKS => {}
            CatchUp::Waiting(_) => {
                let id = self.next_request_id();
                if self.node.read(id).is_ok() {
                    self.catch_up = CatchUp::Waiting(Some((id, self.ticks)));
                }
            }
            CatchUp::Applying(_) | CatchUp::Done => {}
        }
    }

    async fn handle_ready(&mut self) {
        let raft::Ready {
            hard_state,
            snapshot,
            entries,
            messages,
            committed_entries,
            read_states,
        } = self.node.ready();

        // A leader may send its appends while it writes the same entries to its own disk
        // (thesis §10.2.1): it counts itself toward commit only once they are durable, and
        // nothing it sends depends on its own fsync, as long as its term and vote are durable.
        let vote_durable = hard_state.is_none_or(|hs| {
            (hs.term, hs.vote) == (self.durable_hard_state.term, self.durable_hard_state.vote)
        });
        let leading = vote_durable && self.node.role() == RoleKind::Leader;
        // The commit index is volatile in Raft (a restarted node learns it again), so a hard
        // state that only moved it is not worth an fsync of its own: it rides along with the
        // next write instead.
        let mut hard_state = hard_state;
        if snapshot.is_none() && entries.is_empty() && vote_durable {
            if hard_state.is_some() {
                self.unsynced_hard_state = hard_state.take();
            }
        } else if hard_state.is_none() {
            hard_state = self.unsynced_hard_state.take();
        } else {
            self.unsynced_hard_state = None;
        }
        if leading && snapshot.is_none() {
            // The leader's own write runs in the background and the driver goes on: it sends,
            // applies and answers while the fsync runs, and follower acknowledgements that
            // arrive meanwhile can commit entries without waiting for it. Writes handed out
            // during a running one are queued and written next, in order.
            self.send(Some(messages));
            self.apply_and_serve(Some((committed_entries, read_states)));
            let upto = self.node.advance_unpersisted();
            if hard_state.is_some() || !entries.is_empty() {
                if hard_state.is_some() {
                    self.queued.hard_state = hard_state;
                }
                if !entries.is_empty() {
                    self.queued.entries.extend(entries);
                    self.queued.upto = upto;
                }
                self.start_background_write();
            }
            self.maybe_snapshot();
            return;
        }
        // Anything else is written in place, after every background write: a follower's
        // messages promise its durable log, and disk writes must keep their order.
        self.finish_background_writes().await;
        let mut messages = Some(messages);
        if leading {
            self.send(messages.take());
        }
        // Committed entries are already durable on a majority, so applying them (and answering
        // their clients) need not wait for this node's own write below: under load that write
        // is for newer entries, and waiting for it would add a whole fsync to every reply. A
        // snapshot to install must come first, though.
        let mut committed = Some((committed_entries, read_states));
        if snapshot.is_none() {
            self.apply_and_serve(committed.take());
        }
        if hard_state.is_some() || snapshot.is_some() || !entries.is_empty() {
            self.persist(hard_state, snapshot.clone(), entries).await;
        }
        self.send(messages.take());
        if let Some(snapshot) = snapshot {
            self.install_snapshot(snapshot);
        }
        self.apply_and_serve(committed.take());
        self.node.advance();
        self.maybe_snapshot();
    }

    /// Starts the queued leader write on a blocking thread, unless one is running.
    fn start_background_write(&mut self) {
        if self.writing.is_some() || self.queued.is_empty() {
            return;
        }
        let Some(mut storage) = self.storage.take() else {
            fatal("storage missing while persisting");
        };
        let QueuedWrite {
            hard_state,
            entries,
            upto,
        } = std::mem::take(&mut self.queued);
        self.count_log_write(entries.len());
        let stats = self.options.commands.clone();
        let task = tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let result = storage.persist(hard_state.as_ref(), None, &entries);
            stats.events.add("wal-fsync", started.elapsed());
            (storage, result)
        });
        self.writing = Some(BackgroundWrite {
            task,
            hard_state,
            upto,
        });
    }

    /// Takes back the storage from a finished background write and tells the core what is
    /// now durable; starts the next queued write.
    fn on_background_write_done(&mut self, joined: JoinedWrite) {
        let Some(write) = self.writing.take() else {
            return;
        };
        self.take_back_storage(joined, "persisting the raft log");
        if let Some(hs) = write.hard_state {
            self.durable_hard_state = hs;
        }
        if let Some((index, term)) = write.upto {
            self.node.persisted(index, term);
        }
        self.start_background_write();
    }

    /// Waits for the running background write and writes the queued one, so that the disk
    /// holds everything handed out so far.
    async fn finish_background_writes(&mut self) {
        let started = Instant::now();
        while self.writing.is_some() {
            let joined = background_write(&mut self.writing).await;
            self.on_background_write_done(joined);
        }
        self.turn.drain += started.elapsed();
    }

    /// Applies committed entries, then answers the reads they make servable.
    fn apply_and_serve(&mut self, work: Option<(Vec<raft::Entry>, Vec<raft::ReadState>)>) {
        let Some((committed_entries, read_states)) = work else {
            return;
        };
        let started = Instant::now();
        for entry in committed_entries {
            self.apply(entry);
        }
        // Before any read is served and remembered: those reads see these changes.
        self.tell_trackers();
        for state in read_states {
            self.on_read_state(state);
        }
        self.serve_confirmed_reads();
        self.turn.apply += started.elapsed();
    }

    fn send(&self, messages: Option<Vec<Envelope>>) {
        for message in messages.into_iter().flatten() {
            if let Message::AppendEntries { entries, .. } = &message.message
                && !entries.is_empty()
            {
                self.io.appends_sent.fetch_add(1, Ordering::Relaxed);
                self.io
                    .append_entries_sent
                    .fetch_add(entries.len() as u64, Ordering::Relaxed);
            }
            match &message.message {
                Message::InstallSnapshot { snapshot } if snapshot.data.is_empty() => {
                    self.send_snapshot_from_disk(message);
                }
                _ => self.peers.send(message),
            }
        }
    }

    /// Fills an InstallSnapshot with the snapshot file's data on a blocking thread, and sends it
    /// if the file still holds the snapshot the core asked for (a newer one means the core will
    /// ask again with that one).
    fn send_snapshot_from_disk(&self, mut envelope: Envelope) {
        let peers = self.peers.clone();
        let dir = self.options.data_dir.clone();
        tokio::task::spawn_blocking(move || {
            let Message::InstallSnapshot { snapshot } = &mut envelope.message else {
                return;
            };
            match crate::storage::read_snapshot(&dir) {
                Ok(Some(on_disk)) if on_disk.index == snapshot.index => {
                    snapshot.data = on_disk.data;
                    peers.send(envelope);
                }
                Ok(_) => debug!(index = snapshot.index, "snapshot to send was superseded"),
                Err(err) => warn!(error = %err, "cannot read the snapshot to send"),
            }
        });
    }

    async fn persist(
        &mut self,
        hard_state: Option<raft::HardState>,
        snapshot: Option<Snapshot>,
        entries: Vec<raft::Entry>,
    ) {
        let Some(mut storage) = self.storage.take() else {
            fatal("storage missing while persisting");
        };
        let started = Instant::now();
        self.count_log_write(entries.len());
        let joined = if self.node.role() == RoleKind::Leader || snapshot.is_some() {
            // The leader's appends are already on their way to the followers; its network
            // tasks keep running while a blocking thread writes its copy.
            tokio::task::spawn_blocking(move || {
                let result = storage.persist(hard_state.as_ref(), snapshot.as_ref(), &entries);
                (storage, result)
            })
            .await
        } else {
            // A follower answers nothing before this write is durable, so it writes in place:
            // handing a short fsync to another thread and back costs two context switches,
            // more CPU than the write itself, and messages arriving meanwhile batch up.
            let result = storage.persist(hard_state.as_ref(), snapshot.as_ref(), &entries);
            Ok((storage, result))
        };
        self.options
            .commands
            .events
            .add("wal-fsync", started.elapsed());
        self.take_back_storage(joined, "persisting the raft log");
        if let Some(hs) = hard_state {
            self.durable_hard_state = hs;
        }
        self.turn.persist += started.elapsed();
    }

    /// Puts back the storage that a write used; a failed write stops the node.
    fn take_back_storage(&mut self, joined: JoinedWrite, what: &str) {
        match joined {
            Ok((storage, Ok(()))) => self.storage = Some(storage),
            Ok((_, Err(err))) => fatal(&format!("{what} failed: {err}")),
            Err(err) => fatal(&format!("{what} failed, its task died: {err}")),
        }
    }

    /// Counts one log write (one fsync) of `entries` entries, for `INFO raft`.
    fn count_log_write(&self, entries: usize) {
        self.io.fsyncs.fetch_add(1, Ordering::Relaxed);
        self.io
            .entries_written
            .fetch_add(entries as u64, Ordering::Relaxed);
    }

    fn install_snapshot(&mut self, snapshot: Snapshot) {
        // The leader's snapshot replaces the state, and with it any snapshot being encoded
        // (of an older state: this node's applied index is below the leader's snapshot).
        if self.encoding.take().is_some() {
            self.snapshot_writing = None;
            self.kv.abandon_snapshot();
        }
        if let Err(err) = self.kv.restore(&snapshot.data) {
            fatal(&format!(
                "installing snapshot at {} failed: {err}",
                snapshot.index
            ));
        }
        self.io.snapshot_done();
        info!(
            index = snapshot.index,
            term = snapshot.term,
            bytes = snapshot.data.len(),
            "snapshot installed from leader"
        );
        self.learn_cluster_id();
        self.options.waiters.wake_all();
        // Any key may have changed: tracking clients drop their whole cache, as after a flush.
        self.tell_trackers();
        self.options.tracking.invalidate(Vec::new(), true, None);
        self.applied = snapshot.index;
        self.applied_term = snapshot.term;
        self.snapshot_index = snapshot.index;
        self.applied_bytes = 0;
        self.last_snapshot_bytes = snapshot.data.len() as u64;
        self.stagger_next_snapshot = true;
        // Writes proposed at or below the snapshot have an unknown fate here.
        let covered: Vec<Index> = self
            .proposed
            .keys()
            .copied()
            .filter(|i| *i <= snapshot.index)
            .collect();
        for index in covered {
            if let Some((_, write)) = self.proposed.remove(&index) {
                let _ = write
                    .reply
                    .send(WriteOutcome::Failed(ClusterError::TryAgain(
                        "leader changed, the write may or may not have applied".into(),
                    )));
            }
        }
    }

    fn apply(&mut self, entry: raft::Entry) {
        self.applied = entry.index;
        self.applied_term = entry.term;
        // This node's own proposal at this index and term, if the entry is one.
        let mine = match self.proposed.remove(&entry.index) {
            Some((term, write)) if term == entry.term => Some(write),
            Some((_, write)) => {
                // Another leader's entry took this index: ours was never applied, so retry it.
                self.parked_writes.push_back(write);
                None
            }
            None => None,
        };
        if let Some(membership) = &entry.membership {
            info!(
                index = entry.index,
                voters = ?membership.voters,
                learners = ?membership.learners,
                "membership change committed"
            );
            if let Some(write) = mine {
                let _ = write.reply.send(WriteOutcome::Applied(pb::Reply {
                    kind: Some(pb::reply::Kind::Simple("OK".into())),
                }));
            }
            return;
        }
        self.applied_bytes += entry.data.as_ref().map_or(0, |d| d.len() as u64);
        let Some(data) = entry.data.as_ref() else {
            if let Some(write) = mine {
                self.parked_writes.push_back(write);
            }
            return;
        };
        let decoded;
        let batch = match &mine {
            // The entry was encoded from this batch: it is applied as it is, not decoded again.
            Some(write) => &write.batch,
            // Decoded from the entry's `Bytes`, so that the arguments are slices of it rather
            // than copies. Nothing the state keeps holds on to an argument: what it stores
            // (values, expiry and tracking indexes, scripts, the slow log, published messages)
            // it copies out.
            None => match pb::KvBatch::decode(data.clone()) {
                Ok(batch) => {
                    decoded = batch;
                    &decoded
                }
                Err(_) => {
                    error!(index = entry.index, "undecodable log entry skipped");
                    return;
                }
            },
        };
        let waiting = self.options.waiters.any();
        self.kv.track_stores(waiting);
        let tracking = self.options.tracking.active();
        self.kv.track_modified(tracking);
        self.kv
            .notify_keyspace_events(self.options.pubsub.keyspace_events());
        let caller = mine.as_ref().and_then(|write| write.caller.as_deref());
        let recorder = self.options.commands.recorder();
        let mut started = Instant::now();
        let reply = self.kv.apply_observed(batch, |args, reply| {
            let done = Instant::now();
            recorder.record(args, done - started, is_error(reply), caller);
            started = done;
        });
        for call in self.kv.take_script_calls() {
            (self.options.commands).record_script_call(&call.args, call.failed);
        }
        if batch.cluster_id != 0 {
            self.learn_cluster_id();
        }
        if tracking {
            self.note_tracked_changes(batch);
        }
        self.deliver_published(entry.index, entry.term);
        if waiting {
            self.options.waiters.wake(&self.kv.take_stored());
        }
        if let Some(write) = mine {
            let _ = write.reply.send(WriteOutcome::Applied(reply));
        }
    }

    /// CLIENT TRACKING after applying `batch`: notes the keys it changed, to tell tracking
    /// clients once the turn's entries are applied (one message per client for them all),
    /// and remembers what a tracking client of this node read in it (a transaction, a
    /// script). The
    /// changes of earlier entries are told first, so that none of them hits what this batch
    /// read after them, and this batch's own after, so that a transaction that reads a key
    /// and then changes it leaves the client told.
    fn note_tracked_changes(&mut self, batch: &pb::KvBatch) {
        let origin = (batch.origin_node == self.id && batch.origin_client != 0)
            .then_some(batch.origin_client);
        if batch.track_reads
            && let Some(client) = origin
        {
            self.tell_trackers();
            for command in &batch.commands {
                if let Some(keys) = command::tracked_keys(&command.args) {
                    self.options.tracking.remember(client, keys);
                }
            }
        }
        let (keys, flushed) = self.kv.take_modified();
        if !keys.is_empty() || flushed {
            self.tracked_changes.push(Change {
                keys,
                flushed,
                origin,
            });
        }
    }

    /// Tells tracking clients of the changes noted since the last call.
    fn tell_trackers(&mut self) {
        if !self.tracked_changes.is_empty() {
            let changes = std::mem::take(&mut self.tracked_changes);
            self.options.tracking.invalidate_all(changes);
        }
    }

    /// Hands what the entry at `index` published to this node's subscribers. Entries that
    /// were already in the log when the node started (same index, same term) are skipped:
    /// they were published before any of this process's clients could subscribe.
    fn deliver_published(&mut self, index: Index, term: Term) {
        let published = self.kv.take_published();
        if published.is_empty() || self.in_startup_log(index, term) {
            return;
        }
        for p in published {
            self.options.pubsub.publish(p.shard, &p.channel, &p.message);
        }
    }

    /// Whether the log this node recovered at startup held the entry `index` of `term`.
    fn in_startup_log(&self, index: Index, term: Term) -> bool {
        let (Some(&(first, _)), Some(last)) = (self.startup_terms.first(), self.startup_last)
        else {
            return false;
        };
        if index < first || index > last {
            return false;
        }
        // The run of equal terms that `index` falls in starts at the last boundary before it.
        let run = self
            .startup_terms
            .partition_point(|&(start, _)| start <= index);
        self.startup_terms[run - 1].1 == term
    }

    fn on_read_state(&mut self, state: raft::ReadState) {
        if let CatchUp::Waiting(Some((id, _))) = self.catch_up
            && id == state.id
        {
            self.catch_up = match state.index {
                Some(index) => CatchUp::Applying(index),
                None => CatchUp::Waiting(None),
            };
            return;
        }
        let Some((_, read)) = self.reading.remove(&state.id) else {
            return;
        };
        match state.index {
            Some(index) => self.confirmed.entry(index).or_default().push(read),
            None => self.parked_reads.push_back(read),
        }
    }

    fn serve_confirmed_reads(&mut self) {
        if let CatchUp::Applying(index) = self.catch_up
            && self.applied >= index
        {
            info!(
                applied = self.applied,
                leader_commit = index,
                "caught up with leader"
            );
            self.catch_up = CatchUp::Done;
        }
        if self.confirmed.is_empty() {
            return;
        }
        let pending = self.confirmed.split_off(&(self.applied + 1));
        let ready = std::mem::replace(&mut self.confirmed, pending);
        let now = now_ms();
        let recorder = self.options.commands.recorder();
        self.kv
            .notify_keyspace_events(self.options.pubsub.keyspace_events());
        for read in ready.into_values().flatten() {
            let mut started = Instant::now();
            let replies = read
                .commands
                .iter()
                .map(|c| {
                    let reply = self.kv.read(c, now);
                    let done = Instant::now();
                    let caller = read.caller.as_deref();
                    recorder.record(&c.args, done - started, is_error(&reply), caller);
                    for call in self.kv.take_script_calls() {
                        (self.options.commands).record_script_call(&call.args, call.failed);
                    }
                    for miss in self.kv.take_key_misses() {
                        self.options
                            .pubsub
                            .publish(false, &miss.channel, &miss.message);
                    }
                    if let Some(caller) = caller.filter(|c| c.track_reads) {
                        // Remembered before any later entry applies: a change after this
                        // read cannot go untold.
                        let keys = command::command_keys(&c.args);
                        self.options.tracking.remember(caller.id, keys);
                    }
                    started = done;
                    reply
                })
                .collect();
            let _ = read.reply.send(Ok(replies));
        }
    }

    /// Starts a snapshot once enough entries were applied since the last. The state machine is
    /// encoded a step per driver turn (see `continue_snapshot`), so that a large state does not
    /// stop the node from answering its peers (at a million keys, encoding in one go paused a
    /// node for 0.3-0.7 s, longer than the shortest election timeout). Entries go on being
    /// applied meanwhile: the state machine keeps its state as of the snapshot's index for the
    /// encoder, copy-on-write. The log is compacted once the file is durable.
    fn maybe_snapshot(&mut self) {
        if self.snapshot_writing.is_some() || self.encoding.is_some() {
            return;
        }
        // Every node applies the same log at about the same pace, so left alone they would all
        // take their snapshots, and pause to encode them, at the same moment: with enough of
        // them paused at once, the leader loses its quorum. So a node's first snapshot after
        // it starts (or installs one from the leader) waits for an extra share of the interval
        // that grows with its id; the nodes then keep their spread-out phases.
        let (extra_entries, extra_bytes) = if self.stagger_next_snapshot {
            let share = |interval: u64| interval / self.voters * (self.id - 1);
            (
                share(self.options.snapshot_entries),
                share(self.options.snapshot_bytes),
            )
        } else {
            (0, 0)
        };
        // A snapshot encodes the whole state, so it pays for itself only once the log it
        // compacts is a fair share of that: at a million keys, a snapshot every 20,000 small
        // writes cost each node 0.66 s of encoding every 2 s and halved the cluster's write
        // rate. So once snapshots are large, the entries since the last must also hold half
        // its bytes (or reach `snapshot_bytes`, which bounds the log's memory either way).
        let entries_due =
            self.applied >= self.snapshot_index + self.options.snapshot_entries + extra_entries;
        let amortized = self.last_snapshot_bytes < AMORTIZED_SNAPSHOT_BYTES
            || self.applied_bytes >= self.last_snapshot_bytes / 2;
        let bytes_due = self.applied_bytes >= self.options.snapshot_bytes + extra_bytes;
        if !(bytes_due || (entries_due && amortized)) {
            return;
        }
        self.start_snapshot();
    }

    /// Starts encoding a snapshot of the state as applied now; false (nothing started) on a
    /// joiner that has not yet applied a membership: a snapshot there would name none.
    fn start_snapshot(&mut self) -> bool {
        if self.node.membership_at(self.applied).is_none() {
            return false;
        }
        self.stagger_next_snapshot = false;
        self.applied_bytes = 0;
        self.snapshot_writing = Some(self.applied);
        self.io.snapshotting(true);
        let encoder = self.kv.snapshot_encoder();
        self.encoding = Some((self.applied, self.applied_term, encoder, Instant::now()));
        true
    }

    /// SAVE, BGSAVE (`wait` false) and BGREWRITEAOF: a snapshot now, whatever the interval.
    /// Every acknowledged write is already in the fsynced log; a snapshot compacts the log to
    /// it, as Redis's RDB and AOF rewrite do.
    fn handle_save(&mut self, wait: bool, schedule: bool, reply: oneshot::Sender<SaveOutcome>) {
        if self.snapshot_writing.is_some() || self.encoding.is_some() {
            let outcome = if schedule {
                self.save_scheduled = true;
                SaveOutcome::Scheduled
            } else {
                SaveOutcome::InProgress
            };
            let _ = reply.send(outcome);
            return;
        }
        if self.applied <= self.snapshot_index {
            // The last snapshot holds everything applied: nothing to add.
            self.io.snapshot_done();
            let _ = reply.send(SaveOutcome::Saved);
            return;
        }
        if !self.start_snapshot() {
            let _ = reply.send(SaveOutcome::Refused(
                "ERR this node has not joined a cluster yet: nothing to save".into(),
            ));
            return;
        }
        info!(index = self.applied, "snapshot asked for by a client");
        if wait {
            self.save_waiters.push(reply);
        } else {
            let _ = reply.send(SaveOutcome::Started);
        }
    }

    /// FAILOVER: starts handing leadership to `to`, or to the voter that holds the most of the
    /// log, with Redis's errors for what cannot be handed over.
    fn failover(&mut self, to: Option<raft::NodeId>) -> Result<(), String> {
        if self.node.role() != RoleKind::Leader {
            return Err("ERR FAILOVER is not valid when server is a replica.".into());
        }
        if self.node.transfer_target().is_some() {
            return Err("ERR FAILOVER already in progress.".into());
        }
        let membership = self.node.membership().clone();
        let connected_voter = |id: &raft::NodeId| {
            *id != self.id && membership.is_voter(*id) && self.peers.is_connected(*id)
        };
        match to {
            Some(to) if !connected_voter(&to) => {
                return Err("ERR FAILOVER target HOST and PORT is not a replica.".into());
            }
            None if !membership.voters.keys().any(connected_voter) => {
                return Err("ERR FAILOVER requires connected replicas.".into());
            }
            _ => {}
        }
        info!(to = ?to, "leadership handover asked for by a client");
        self.node.transfer_leadership(to);
        if self.node.transfer_target().is_none() {
            return Err("ERR FAILOVER requires connected replicas.".into());
        }
        Ok(())
    }

    /// Answers the SAVEs waiting on the snapshot that just ended (taken, or overtaken by one
    /// installed from the leader), and starts the one a BGSAVE SCHEDULE asked for.
    fn snapshot_ended(&mut self) {
        for waiter in self.save_waiters.drain(..) {
            let _ = waiter.send(SaveOutcome::Saved);
        }
        if std::mem::take(&mut self.save_scheduled)
            && self.applied > self.snapshot_index
            && self.snapshot_writing.is_none()
            && self.encoding.is_none()
        {
            self.start_snapshot();
        }
    }

    /// Encodes the next part of a snapshot in progress. Once complete, the file is written and
    /// fsynced on a blocking thread while the node keeps serving.
    fn continue_snapshot(&mut self) {
        let Some((_, _, encoder, _)) = self.encoding.as_mut() else {
            return;
        };
        let step = Instant::now();
        let keys = encoder.keys_for_bytes(SNAPSHOT_BYTES_PER_TURN, SNAPSHOT_KEYS_PER_TURN);
        let done = self.kv.snapshot_step(encoder, keys);
        self.turn.encode += step.elapsed();
        if !done {
            return;
        }
        let Some((index, term, encoder, started)) = self.encoding.take() else {
            return;
        };
        self.snapshot_encode_time = started.elapsed();
        let Some(membership) = self.node.membership_at(index) else {
            // The log moved past this snapshot (one from the leader was installed).
            self.snapshot_writing = None;
            self.io.snapshotting(false);
            self.snapshot_ended();
            return;
        };
        let snapshot = Snapshot {
            index,
            term,
            data: encoder.into_bytes(),
            membership: Some(membership),
        };
        let dir = self.options.data_dir.clone();
        let inbox = self.inbox_tx.clone();
        let stats = self.options.commands.clone();
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let result = crate::storage::write_snapshot(&dir, &snapshot).map_err(|e| e.to_string());
            stats.events.add("snapshot-write", started.elapsed());
            // The driver is gone if this fails, and with it any use for the result.
            let _ = inbox.blocking_send(Input::SnapshotWritten {
                index: snapshot.index,
                term: snapshot.term,
                bytes: snapshot.data.len(),
                result,
            });
        });
    }

    /// Compacts the log to a snapshot that is durable on disk.
    async fn compact_to_snapshot(&mut self, index: Index, term: Term, bytes: usize) {
        self.snapshot_writing = None;
        // The log must hold everything up to the snapshot before the prefix goes.
        self.finish_background_writes().await;
        let Some(mut storage) = self.storage.take() else {
            fatal("storage missing while compacting");
        };
        let joined = tokio::task::spawn_blocking(move || {
            let result = storage.compact_to_written(index, term);
            (storage, result)
        })
        .await;
        self.take_back_storage(joined, "compacting the log");
        self.io.snapshot_done();
        if index <= self.snapshot_index {
            // A newer snapshot from the leader was installed while this one was written.
            self.snapshot_ended();
            return;
        }
        info!(
            index,
            bytes,
            encode_ms = self.snapshot_encode_time.as_millis() as u64,
            "snapshot taken, log compacted"
        );
        self.snapshot_index = index;
        self.last_snapshot_bytes = bytes as u64;
        self.node.compact(Snapshot {
            index,
            term,
            data: Bytes::new(),
            membership: None,
        });
        self.node.set_snapshot_bytes(bytes as u64);
        self.snapshot_ended();
    }

    /// Answers every waiting command when the driver stops.
    fn fail_everything(&mut self) {
        for write in self.parked_writes.drain(..).chain(self.forwards.drain(..)) {
            let _ = write
                .reply
                .send(WriteOutcome::Failed(ClusterError::shutting_down()));
        }
        let sent = self.forwarding.drain().flat_map(|(_, f)| f.writes);
        for write in self.proposed.drain().map(|(_, (_, w))| w).chain(sent) {
            let _ = write
                .reply
                .send(WriteOutcome::Failed(ClusterError::TryAgain(
                    "node is shutting down, the write may or may not apply".into(),
                )));
        }
        let reads = self
            .parked_reads
            .drain(..)
            .chain(self.reading.drain().map(|(_, (_, r))| r))
            .chain(std::mem::take(&mut self.confirmed).into_values().flatten());
        for read in reads {
            let _ = read.reply.send(Err(ClusterError::shutting_down()));
        }
    }
}

/// The error for a command on a node outside the cluster's membership: one that has not
/// joined yet, or was removed. It could only wait for a leader that never contacts it.
fn not_a_member(node: &Node, id: raft::NodeId) -> Option<ClusterError> {
    let membership = node.membership();
    // A leader that removed itself serves until the removal is committed.
    if membership.contains(id) || node.role() == RoleKind::Leader {
        return None;
    }
    let why = if membership.voters.is_empty() {
        "this node has not joined a cluster yet: RAFT.NODE ADD on a member adds it"
    } else {
        "this node is not a member of the cluster: it was removed"
    };
    Some(ClusterError::ClusterDown(why.into()))
}

/// Waits for the background write, if any (never completes without one).
async fn background_write(writing: &mut Option<BackgroundWrite>) -> JoinedWrite {
    match writing {
        Some(write) => (&mut write.task).await,
        None => std::future::pending().await,
    }
}

/// The snapshot's position without its data, which stays on disk.
fn without_data(snapshot: Snapshot) -> Snapshot {
    Snapshot {
        data: Bytes::new(),
        ..snapshot
    }
}

/// Whether a state machine reply is an error (counted as a failed call).
/// Splits `items`, in order, into runs whose `len`s add up to at most `limit`; an item larger
/// than `limit` makes a run of its own.
fn split_by_bytes<T>(items: Vec<T>, limit: usize, len: impl Fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut runs: Vec<Vec<T>> = Vec::new();
    let mut bytes = 0;
    for item in items {
        let n = len(&item);
        match runs.last_mut() {
            Some(run) if bytes + n <= limit => {
                bytes += n;
                run.push(item);
            }
            _ => {
                bytes = n;
                runs.push(vec![item]);
            }
        }
    }
    runs
}

/// How the leader tells a follower what became of one write it forwarded.
fn forward_result(outcome: WriteOutcome) -> pb::ForwardResult {
    use pb::forward_result::Result as R;
    match outcome {
        WriteOutcome::Applied(reply) => pb::ForwardResult {
            result: Some(R::Reply(reply)),
            not_leader: false,
        },
        WriteOutcome::Failed(err) => pb::ForwardResult {
            result: Some(R::ClusterError(err.to_string())),
            not_leader: false,
        },
        WriteOutcome::NotLeader => pb::ForwardResult {
            result: Some(R::ClusterError("TRYAGAIN not the leader".into())),
            not_leader: true,
        },
    }
}

fn is_error(reply: &pb::Reply) -> bool {
    matches!(reply.kind, Some(pb::reply::Kind::Error(_)))
}

/// A local durability failure: the node cannot keep its promises, so it stops (STYLE §6.4).
fn fatal(what: &str) -> ! {
    error!("{what}; stopping the node");
    warn!("the node's disk state is intact up to its last fsync; restart it to recover");
    std::process::exit(70)
}

#[cfg(test)]
mod tests {
    use super::split_by_bytes;

    #[test]
    fn forwarded_writes_split_into_runs_of_bounded_bytes_in_order() {
        let runs = split_by_bytes(vec![1, 2, 3, 10, 1, 1, 4], 4, |&n| n);
        assert_eq!(
            runs,
            vec![vec![1, 2], vec![3], vec![10], vec![1, 1], vec![4]]
        );
        assert!(split_by_bytes(Vec::<usize>::new(), 4, |&n| n).is_empty());
        assert_eq!(
            split_by_bytes(vec![0, 0, 0], 0, |&n| n),
            vec![vec![0, 0, 0]]
        );
    }
}
