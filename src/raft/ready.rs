//! `Ready`: the batch of work the core hands to its driver.

use super::message::{Entry, Envelope, HardState, Index, RequestId, Snapshot};

/// Work the driver must carry out, in this order:
///
/// 1. persist `hard_state`, `snapshot` and `entries` with one fsync;
/// 2. send `messages`;
/// 3. if `snapshot` is set, restore the state machine from it; then apply `committed_entries` in order;
/// 4. answer `read_states` once the state machine has applied their index;
/// 5. call [`super::Node::advance`].
///
/// No message may leave before the state it depends on is durable.
///
/// Guarantees the node gives, and rules the driver follows:
/// - Call `ready()` only when `has_ready()` (an empty `Ready` is harmless, though), and call
///   `advance()` once per `Ready`, before the next `ready()`. Inputs (`step`, `tick`,
///   `propose`, `read`) may arrive between `ready()` and `advance()`; their effects go into
///   the next `Ready`.
/// - `hard_state` is `Some` only when term, vote or commit changed since the previous `Ready`.
/// - Every entry in `committed_entries` was in `entries` of this or an earlier `Ready`, so it
///   is durable before it is applied. After a restart, committed entries past the snapshot
///   are handed out again; the state machine replays them from the snapshot's state.
/// - The leader counts its own new entries toward commitment only after `advance()`
///   confirms they are durable.
/// - A leader whose `Ready` holds no snapshot and no new term or vote may instead send at
///   once, write its entries in the background and call `advance_unpersisted()`, then
///   `persisted()` when the write is durable (thesis §10.2.1). "Durable" above then means
///   durable on the quorum that committed the entry, not necessarily on this node. Background
///   writes reach the disk in order, and before any write of a later `Ready` that does not
///   qualify.
/// - A proposal `(index, term)` took effect iff the entry applied at `index` has that `term`;
///   another term at that index means it was lost (the client retries).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Ready {
    /// Term, vote or commit changed: persist before sending any message.
    pub hard_state: Option<HardState>,
    /// A snapshot received from the leader. Persist it (the log now starts after it) and restore
    /// the state machine from it before applying `committed_entries`.
    pub snapshot: Option<Snapshot>,
    /// Entries to append to the durable log. If the first one's index is at or below the durable
    /// last index, the durable log is first truncated from that index on.
    pub entries: Vec<Entry>,
    /// Messages to send once the above is durable.
    pub messages: Vec<Envelope>,
    /// Committed entries to apply, in index order, contiguous with what was applied before.
    pub committed_entries: Vec<Entry>,
    /// Outcomes of read requests made through [`super::Node::read`].
    pub read_states: Vec<ReadState>,
}

impl Ready {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.hard_state.is_none()
            && self.snapshot.is_none()
            && self.entries.is_empty()
            && self.messages.is_empty()
            && self.committed_entries.is_empty()
            && self.read_states.is_empty()
    }
}

/// The outcome of a linearizable read request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadState {
    /// The request, as given to [`super::Node::read`].
    pub id: RequestId,
    /// `Some(index)`: serve the read once the state machine has applied `index`.
    /// `None`: leadership could not be confirmed (lost, changed or unknown); the client retries.
    pub index: Option<Index>,
}
