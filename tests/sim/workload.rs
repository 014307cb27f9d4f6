//! The client workload's bookkeeping: unique writes, and which proposals are still waiting
//! for their entry to be applied on the node that accepted them.

use std::collections::BTreeMap;

use bytes::Bytes;
use raft_kv::raft::{Entry, Index, NodeId, Term};

use super::invariants::Check;
use super::invariants::committed_entries::CommittedLog;
use super::rng::Rng;
use super::state_machine::{REGISTERS, encode_set, entry_hash};

/// A proposal a leader accepted and has not applied yet.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// The term `propose` returned.
    pub term: Term,
    /// `entry_hash` of the entry the proposal should become.
    pub hash: u64,
    /// Tick at which it was proposed.
    pub at: u64,
}

/// Client-side state of the workload.
#[derive(Debug)]
pub struct Workload {
    /// The next value to write; values are unique across the run.
    next_value: u64,
    /// Per node (`id - 1`): index → proposal accepted by its current incarnation.
    pending: Vec<BTreeMap<Index, Proposal>>,
    /// Proposals accepted so far.
    pub proposed: u64,
    /// Proposals acknowledged (applied at their index and term by the proposer).
    pub acknowledged: u64,
}

impl Workload {
    /// Creates the workload for a cluster of `nodes` nodes.
    pub fn new(nodes: usize) -> Workload {
        Workload {
            next_value: 1,
            pending: vec![BTreeMap::new(); nodes],
            proposed: 0,
            acknowledged: 0,
        }
    }

    /// Makes a fresh write: a random register and a value never written before.
    pub fn next_write(&mut self, rng: &mut Rng, max_pad: u64) -> (u8, u64, Bytes) {
        let key = rng.below(u64::from(REGISTERS)) as u8;
        let value = self.next_value;
        self.next_value += 1;
        let pad = rng.below(max_pad + 1) as usize;
        (key, value, encode_set(key, value, pad))
    }

    /// Records that `node` accepted `data` as `index`@`term` at tick `now`.
    pub fn accepted(&mut self, node: NodeId, index: Index, term: Term, data: Bytes, now: u64) {
        let hash = entry_hash(&Entry {
            index,
            term,
            data: Some(data),
            membership: None,
        });
        self.pending[node as usize - 1].insert(
            index,
            Proposal {
                term,
                hash,
                at: now,
            },
        );
        self.proposed += 1;
    }

    /// Handles `node` applying `entry`: acknowledges the proposal made for that index and term,
    /// or forgets a proposal that lost its index to another term's entry.
    pub fn applied(&mut self, node: NodeId, entry: &Entry, committed: &mut CommittedLog) -> Check {
        let pending = &mut self.pending[node as usize - 1];
        let Some(proposal) = pending.remove(&entry.index) else {
            return Ok(());
        };
        if proposal.term == entry.term {
            committed.ack(node, entry, proposal.hash)?;
            self.acknowledged += 1;
        }
        Ok(())
    }

    /// Forgets a crashed node's proposals: their clients see an error and may retry.
    pub fn crashed(&mut self, node: NodeId) {
        self.pending[node as usize - 1].clear();
    }

    /// Proposals `node` accepted in `term` that it has not applied.
    pub fn pending_in_term(&self, node: NodeId, term: Term) -> Vec<(Index, Proposal)> {
        self.pending[node as usize - 1]
            .iter()
            .filter(|(_, p)| p.term == term)
            .map(|(&i, p)| (i, p.clone()))
            .collect()
    }
}
