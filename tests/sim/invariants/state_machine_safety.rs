//! State-machine safety (Raft §5.4.3, Figure 3): if a server has applied a log entry at a given
//! index, no other server ever applies a different entry for that index.
//!
//! The checker keeps one global history, index → the entry first applied there and the state
//! machine hash right after it. Every application on every node is compared with it, every
//! snapshot a node restores must match the history's hash at the snapshot's index, and each
//! node must apply entries in order, contiguously after what it applied or restored before.

use std::collections::BTreeMap;

use raft_kv::raft::{Entry, Index, NodeId, Term};

use super::super::state_machine::{StateMachine, entry_hash};
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "state_machine_safety";

/// What was first applied at one index.
#[derive(Clone, Copy, Debug)]
pub struct Applied {
    /// Term of the entry.
    pub term: Term,
    /// Hash of the entry's term and payload.
    pub entry: u64,
    /// Hash of the whole state machine right after applying it.
    pub state: u64,
    /// The first node that applied it.
    pub node: NodeId,
}

/// The global history of applied entries: the de-facto committed log.
#[derive(Debug, Default)]
pub struct AppliedHistory {
    applied: BTreeMap<Index, Applied>,
}

impl AppliedHistory {
    /// What was applied at `index`, if any node applied it.
    pub fn get(&self, index: Index) -> Option<&Applied> {
        self.applied.get(&index)
    }

    /// Applies `entry` to `node`'s state machine and checks it against the history.
    /// Returns true if this is the first time any node applied this index.
    ///
    /// # Errors
    /// A violation if the entry is out of order for this node, or differs from what another
    /// node applied at the same index.
    pub fn apply(
        &mut self,
        node: NodeId,
        sm: &mut StateMachine,
        entry: &Entry,
    ) -> Result<bool, Violation> {
        if entry.index != sm.applied + 1 {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} was handed {}@{} to apply right after applying {}",
                    entry.index, entry.term, sm.applied
                ),
            ));
        }
        sm.apply(entry);
        let this = Applied {
            term: entry.term,
            entry: entry_hash(entry),
            state: sm.hash,
            node,
        };
        match self.applied.get(&entry.index) {
            None => {
                self.applied.insert(entry.index, this);
                Ok(true)
            }
            Some(first) if first.entry != this.entry => Err(Violation::new(
                NAME,
                format!(
                    "n{node} applied {}@{} but n{} applied {}@{} at that index",
                    entry.index, entry.term, first.node, entry.index, first.term
                ),
            )),
            Some(first) if first.state != this.state => Err(Violation::new(
                NAME,
                format!(
                    "n{node}'s state after applying {} differs from n{}'s (an earlier entry differed)",
                    entry.index, first.node
                ),
            )),
            Some(_) => Ok(false),
        }
    }

    /// Checks a state machine that `node` just restored from a snapshot against the history.
    pub fn check_restored(&self, node: NodeId, sm: &StateMachine) -> Check {
        if sm.applied == 0 {
            return Ok(());
        }
        match self.applied.get(&sm.applied) {
            Some(first) if first.state == sm.hash && first.term == sm.applied_term => Ok(()),
            Some(first) => Err(Violation::new(
                NAME,
                format!(
                    "n{node} restored a snapshot at {}@{} whose state differs from what n{} applied there",
                    sm.applied, sm.applied_term, first.node
                ),
            )),
            None => Err(Violation::new(
                NAME,
                format!(
                    "n{node} restored a snapshot at {}@{}, an index no node has applied",
                    sm.applied, sm.applied_term
                ),
            )),
        }
    }
}

/// Checks that restoring a snapshot at `index` does not move `node`'s state machine backwards.
pub fn check_restore_order(node: NodeId, applied: Index, index: Index) -> Check {
    if index <= applied {
        return Err(Violation::new(
            NAME,
            format!("n{node} was handed a snapshot at {index} after applying {applied}"),
        ));
    }
    Ok(())
}
