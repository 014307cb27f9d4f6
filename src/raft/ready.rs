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
