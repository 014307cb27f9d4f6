//! Election safety (Raft §5.2, Figure 3): at most one leader is elected in a given term.
//!
//! Every status the sim observes is fed in; the first leader seen for a term is remembered
//! for the rest of the run, so two leaders of one term are caught even if they never overlap.

use std::collections::HashMap;

use raft_kv::raft::{NodeId, RoleKind, Status, Term};

use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "election_safety";

/// Remembers the leader of every term seen so far.
#[derive(Debug, Default)]
pub struct ElectionSafety {
    /// Term → the node seen leading it.
    leaders: HashMap<Term, NodeId>,
}

impl ElectionSafety {
    /// Records `status` and fails if another node already led its term.
    pub fn observe(&mut self, status: &Status) -> Check {
        if status.role != RoleKind::Leader {
            return Ok(());
        }
        let leader = *self.leaders.entry(status.term).or_insert(status.id);
        if leader != status.id {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{} and n{} were both leader in term {}",
                    leader, status.id, status.term
                ),
            ));
        }
        Ok(())
    }

    /// The leader seen for `term`, if any.
    pub fn leader_of(&self, term: Term) -> Option<NodeId> {
        self.leaders.get(&term).copied()
    }
}
