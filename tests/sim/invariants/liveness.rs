//! Liveness after faults stop: once the network heals, crashed nodes restart and drops cease,
//! a leader is elected and a fresh write is applied on every member of its membership (voters
//! and learners; a node removed for good only has to hold a prefix of the committed log, which
//! state-machine safety checks) within a bounded number of ticks; a node still leading the
//! term in which it accepted a proposal applies it; and the membership settles: the leader
//! promotes every learner and commits its last change.
//!
//! Raft promises no liveness under arbitrary faults (FLP), so this is only checked in the calm
//! tail of each seed, with client writes stopped (reads go on). The bounds are progress-based:
//! a cluster that neither replicates, commits nor applies anything for many election timeouts
//! is stuck; a slow one that keeps moving only has to finish within a generous cap.

use raft_kv::raft::{Index, NodeId, Term};

use super::super::state_machine::StateMachine;
use super::super::workload::Proposal;
use super::Violation;
use super::state_machine_safety::AppliedHistory;

/// This invariant's name in failure reports.
pub const NAME: &str = "liveness";

/// A calm cluster in which no node replicates, commits or applies anything new for this many
/// election timeouts is stuck.
pub const STALL_ELECTION_TIMEOUTS: u64 = 20;

/// Hard cap on each calm-phase wait, in election timeouts. A slow but live configuration (one
/// entry per append, one append in flight, long delays) may need many timeouts to work off a
/// full backlog of uncommitted entries; a stuck one is caught by the stall limit long before.
pub const CAP_ELECTION_TIMEOUTS: u64 = 400;

/// Watches a calm cluster for progress: a mark summing every node's log, commit and applied
/// indexes must keep moving, and the wait must end before the cap.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    /// When the wait started.
    started: u64,
    /// The last progress mark seen.
    mark: u64,
    /// When the mark last changed.
    since: u64,
    /// Length of an election timeout, in ticks.
    election_ticks: u64,
}

impl Progress {
    /// Starts watching at tick `now`, with the cluster's current progress `mark`.
    pub fn new(now: u64, mark: u64, election_ticks: u64) -> Progress {
        Progress {
            started: now,
            mark,
            since: now,
            election_ticks,
        }
    }

    /// Records the mark at tick `now`; describes the problem if the cluster is stuck or slow
    /// beyond the cap.
    pub fn check(&mut self, now: u64, mark: u64) -> Result<(), String> {
        if mark != self.mark {
            self.mark = mark;
            self.since = now;
        }
        if now - self.since >= STALL_ELECTION_TIMEOUTS * self.election_ticks {
            return Err(format!(
                "no node applied anything for {} ticks",
                now - self.since
            ));
        }
        if now - self.started >= CAP_ELECTION_TIMEOUTS * self.election_ticks {
            return Err(format!("still not done after {} ticks", now - self.started));
        }
        Ok(())
    }
}

/// A fresh write proposed after the heal, which must reach every member.
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
    /// Applied at its index and term on every member.
    Everywhere,
    /// Not yet applied everywhere.
    Waiting,
    /// Another entry was committed at its index; propose a new probe.
    Lost,
}

impl Probe {
    /// Checks the probe against the committed history and the state machines of the members.
    pub fn state(&self, history: &AppliedHistory, machines: &[&StateMachine]) -> ProbeState {
        match history.get(self.index) {
            Some(applied) if applied.entry != self.hash => ProbeState::Lost,
            Some(_) if machines.iter().all(|sm| sm.applied >= self.index) => ProbeState::Everywhere,
            _ => ProbeState::Waiting,
        }
    }
}

/// The violation for a cluster that did not converge after the heal at `healed_at`;
/// `statuses` describes each node.
pub fn not_converged(
    healed_at: u64,
    why: &str,
    probe: Option<Probe>,
    statuses: String,
) -> Violation {
    let probe = match probe {
        Some(p) => format!(
            "probe {}@{} on n{} not applied on every member",
            p.index, p.term, p.node
        ),
        None => "no leader accepted a probe write".to_string(),
    };
    Violation::new(
        NAME,
        format!("after the heal at t={healed_at}, {why}: {probe}; nodes: {statuses}"),
    )
}

/// The violation for a leader of `term` that still has not applied proposals it accepted in
/// that term (`pending`, non-empty) when the cluster stopped making progress.
pub fn leader_not_applied(
    node: NodeId,
    term: Term,
    why: &str,
    pending: &[(Index, Proposal)],
) -> Violation {
    let (index, proposal) = &pending[0];
    Violation::new(
        NAME,
        format!(
            "n{node} is still leader of term {term} but has not applied {} proposal(s), the \
             first {index}@{term} accepted at t={}; {why}",
            pending.len(),
            proposal.at
        ),
    )
}

/// The violation for a calm cluster whose membership does not settle: `leader` of `term` still
/// has learners in `membership` (the one in force on it) or has not committed its last change.
pub fn membership_not_settled(
    leader: NodeId,
    term: Term,
    why: &str,
    membership: &str,
) -> Violation {
    Violation::new(
        NAME,
        format!(
            "n{leader}, leader of term {term}, has not settled its membership {membership} \
             (a learner left unpromoted or the last change uncommitted); {why}"
        ),
    )
}
