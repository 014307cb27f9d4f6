//! Liveness after faults stop: once the network heals, crashed nodes restart and drops cease,
//! a leader is elected and a fresh write is applied on every node within a bounded number of
//! ticks; and a node still leading the term in which it accepted a proposal applies it.
//!
//! Raft promises no liveness under arbitrary faults (FLP), so this is only checked in the calm
//! tail of each seed. The bounds are generous multiples of the election timeout: they catch a
//! cluster that is stuck, not one that is slow.

use raft_kv::raft::{Index, NodeId, Term};

use super::super::state_machine::StateMachine;
use super::super::workload::Proposal;
use super::state_machine_safety::AppliedHistory;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "liveness";

/// After the heal, a fresh write must be applied everywhere within this many election timeouts.
pub const CONVERGE_ELECTION_TIMEOUTS: u64 = 40;

/// After convergence, clients stop and the cluster runs this many election timeouts before the
/// sim checks that leaders applied what they accepted.
pub const DRAIN_ELECTION_TIMEOUTS: u64 = 10;

/// A fresh write proposed after the heal, which must reach every node.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// The leader that accepted it.
    pub node: NodeId,
    /// Index `propose` returned.
    pub index: Index,
    /// Term `propose` returned.
    pub term: Term,
    /// `entry_hash` of the entry it should become.
    pub hash: u64,
}

/// Where a probe stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeState {
    /// Applied at its index and term on every node.
    Everywhere,
    /// Not yet applied everywhere.
    Waiting,
    /// Another entry was committed at its index; propose a new probe.
    Lost,
}

impl Probe {
    /// Checks the probe against the committed history and every node's state machine.
    pub fn state(&self, history: &AppliedHistory, machines: &[&StateMachine]) -> ProbeState {
        match history.get(self.index) {
            Some(applied) if applied.entry != self.hash => ProbeState::Lost,
            Some(_) if machines.iter().all(|sm| sm.applied >= self.index) => ProbeState::Everywhere,
            _ => ProbeState::Waiting,
        }
    }
}

/// The violation for a cluster that did not converge in time; `statuses` describes each node.
pub fn not_converged(
    healed_at: u64,
    now: u64,
    probe: Option<Probe>,
    statuses: String,
) -> Violation {
    let probe = match probe {
        Some(p) => format!(
            "probe {}@{} on n{} not applied everywhere",
            p.index, p.term, p.node
        ),
        None => "no leader accepted a probe write".to_string(),
    };
    Violation::new(
        NAME,
        format!(
            "{} ticks after the heal at t={healed_at}: {probe}; nodes: {statuses}",
            now - healed_at
        ),
    )
}

/// Checks that `node`, still leader of `term`, has applied every proposal it accepted in it.
pub fn check_leader_applied(node: NodeId, term: Term, pending: &[(Index, Proposal)]) -> Check {
    match pending.first() {
        None => Ok(()),
        Some((index, proposal)) => Err(Violation::new(
            NAME,
            format!(
                "n{node} is still leader of term {term} but has not applied {} proposal(s), \
                 the first {index}@{term} accepted at t={}",
                pending.len(),
                proposal.at
            ),
        )),
    }
}
