//! Linearizable reads (Raft thesis §6.4): a read returns a state that includes every write
//! committed before the read was invoked, and never a state older than one an earlier,
//! completed read returned.
//!
//! "Committed before invocation" is measured as the highest index any node had applied when
//! the read was invoked, which is at least every acknowledged write. The `ReadState` index the
//! core hands out must reach it; the state the read is finally served from must not be older
//! than any read completed before this one started; and the value read must be exactly the
//! last write to that register at or below the served state's applied index.

use std::collections::BTreeMap;

use raft_kv::raft::{Index, NodeId, RequestId, Term};

use super::super::state_machine::{REGISTERS, StateMachine};
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "read_linearizability";

/// A read that was invoked on a node and has not been served yet.
#[derive(Clone, Debug)]
pub struct PendingRead {
    /// The request, as passed to `Node::read`.
    pub id: RequestId,
    /// The register the client reads.
    pub key: u8,
    /// Highest index applied anywhere when the read was invoked.
    pub committed_at_invoke: Index,
    /// Highest applied index any completed read had observed when this one was invoked.
    pub observed_at_invoke: Index,
    /// The index from the node's `ReadState`, once it arrived.
    pub read_index: Option<Index>,
    /// When the read was invoked, in the sim's event count (see `read_quorum`).
    pub invoked_at: u64,
    /// The term the node led when the read was invoked on it, if it led one.
    pub leader_term: Option<Term>,
}

/// Global read history: the latest completed read and every write, per register.
#[derive(Debug)]
pub struct Reads {
    /// Highest applied index a completed read was served from.
    max_observed: Index,
    /// Register → (index → value) of every applied write.
    writes: Vec<BTreeMap<Index, u64>>,
    /// Reads served so far.
    pub served: u64,
}

impl Default for Reads {
    fn default() -> Reads {
        Reads {
            max_observed: 0,
            writes: vec![BTreeMap::new(); usize::from(REGISTERS)],
            served: 0,
        }
    }
}

impl Reads {
    /// Starts tracking a read of register `key` invoked at event `at` on a node leading
    /// `leader_term` (if it led), while `committed` was the highest applied index anywhere.
    pub fn invoke(
        &self,
        id: RequestId,
        key: u8,
        committed: Index,
        at: u64,
        leader_term: Option<Term>,
    ) -> PendingRead {
        PendingRead {
            id,
            key,
            committed_at_invoke: committed,
            observed_at_invoke: self.max_observed,
            read_index: None,
            invoked_at: at,
            leader_term,
        }
    }

    /// Records a write applied for the first time anywhere.
    pub fn record_write(&mut self, index: Index, key: u8, value: u64) {
        if let Some(writes) = self.writes.get_mut(usize::from(key)) {
            writes.insert(index, value);
        }
    }

    /// Checks the `ReadState` index `node` returned for `read`.
    pub fn check_read_index(&self, node: NodeId, read: &PendingRead, index: Index) -> Check {
        if index < read.committed_at_invoke {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} answered read {:?} with read index {index}, but index {} was \
                     already committed when the read was invoked",
                    read.id, read.committed_at_invoke
                ),
            ));
        }
        Ok(())
    }

    /// Serves `read` from `node`'s state machine and checks what it returns.
    pub fn serve(&mut self, node: NodeId, read: &PendingRead, sm: &StateMachine) -> Check {
        if sm.applied < read.observed_at_invoke {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} served read {:?} from applied index {}, older than index {} an \
                     earlier completed read observed",
                    read.id, sm.applied, read.observed_at_invoke
                ),
            ));
        }
        let expected = self.writes[usize::from(read.key)]
            .range(..=sm.applied)
            .next_back()
            .map(|(_, &v)| v);
        let got = sm.get(read.key);
        if got != expected {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} read register {} = {got:?} at applied index {}, but the committed \
                     history says {expected:?}",
                    read.key, sm.applied
                ),
            ));
        }
        self.max_observed = self.max_observed.max(sm.applied);
        self.served += 1;
        Ok(())
    }
}
