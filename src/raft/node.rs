//! `Node`: one Raft participant as a deterministic state machine.
//! (API stub; the implementation lands with the core.)

use bytes::Bytes;

use super::message::{Entry, Envelope, HardState, Index, NodeId, RequestId, Snapshot, Term};
use super::ready::Ready;

/// Static configuration of a node.
#[derive(Clone, Debug)]
pub struct Config {
    /// This node's id; must be in `voters`.
    pub id: NodeId,
    /// Every voting member, this node included.
    pub voters: Vec<NodeId>,
    /// Minimum election timeout in ticks; each timeout is drawn from `[election_ticks, 2 * election_ticks)`.
    pub election_ticks: u64,
    /// Ticks between a leader's heartbeats; less than `election_ticks`.
    pub heartbeat_ticks: u64,
    /// Upper bound on the bytes of entry data in one `AppendEntries` (at least one entry is always sent).
    pub max_append_bytes: usize,
    /// Maximum `AppendEntries` carrying entries in flight to one follower.
    pub max_inflight_appends: usize,
    /// Maximum proposed-but-uncommitted entries on a leader; further proposals fail with `ProposeError::Busy`.
    pub max_uncommitted_entries: usize,
    /// Seed of the node's random number generator (election timeouts).
    pub seed: u64,
}

/// What a node recovered from its durable storage at start-up.
#[derive(Clone, Debug, Default)]
pub struct Restored {
    /// The last persisted hard state.
    pub hard_state: HardState,
    /// The latest durable snapshot; the state machine has been restored from it.
    pub snapshot: Option<Snapshot>,
    /// The durable log entries after the snapshot, contiguous.
    pub entries: Vec<Entry>,
}

/// A node's role (§5.1), with pre-candidate for the pre-vote phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleKind {
    Follower,
    PreCandidate,
    Candidate,
    Leader,
}

/// A read-only view of a node, for INFO and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub id: NodeId,
    pub role: RoleKind,
    pub term: Term,
    pub leader: Option<NodeId>,
    pub commit: Index,
    pub applied: Index,
    pub last_index: Index,
    pub snapshot_index: Index,
}

/// Why a proposal was refused. All are retryable by the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProposeError {
    #[error("not the leader")]
    NotLeader { leader: Option<NodeId> },
    #[error("leadership transfer in progress")]
    Transferring,
    #[error("too many uncommitted entries")]
    Busy,
}

/// Why a read could not be started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("no known leader")]
    NoLeader,
}

/// One Raft participant.
pub struct Node {
    _private: (),
}

impl Node {
    /// Creates a node from its configuration and what it recovered from disk.
    pub fn new(config: Config, restored: Restored) -> Node {
        let _ = (config, restored);
        todo!()
    }
    /// Advances logical time by one tick.
    pub fn tick(&mut self) {
        todo!()
    }
    /// Handles a message from a peer. Messages for another node or from a stale term are dropped.
    pub fn step(&mut self, envelope: Envelope) {
        let _ = envelope;
        todo!()
    }
    /// Appends a command to the leader's log; returns its index and term. The command has been
    /// applied with that outcome when an entry with that index *and term* is applied.
    pub fn propose(&mut self, data: Bytes) -> Result<(Index, Term), ProposeError> {
        let _ = data;
        todo!()
    }
    /// Starts a linearizable read; its outcome arrives as a `ReadState` in a later `Ready`.
    pub fn read(&mut self, id: RequestId) -> Result<(), ReadError> {
        let _ = id;
        todo!()
    }
    /// Records a snapshot the driver took of its state machine (at most the applied index) and
    /// discards the log up to it.
    pub fn compact(&mut self, snapshot: Snapshot) {
        let _ = snapshot;
        todo!()
    }
    /// On a leader: hands leadership to `to`, or to the most up-to-date follower when `None`.
    pub fn transfer_leadership(&mut self, to: Option<NodeId>) {
        let _ = to;
        todo!()
    }
    /// Whether `ready()` would return work.
    pub fn has_ready(&self) -> bool {
        todo!()
    }
    /// Takes the pending work. Call `advance()` once it has been carried out.
    pub fn ready(&mut self) -> Ready {
        todo!()
    }
    /// Confirms the last `Ready` was persisted, sent and applied.
    pub fn advance(&mut self) {
        todo!()
    }
    /// The node's current state.
    pub fn status(&self) -> Status {
        todo!()
    }
}
