//! Durable hard state (Raft Figure 2, "persistent state on all servers"): what a node writes
//! to disk never moves backwards, across restarts included.
//!
//! - `term` never decreases;
//! - within one term, a recorded vote never changes (a node votes at most once per term);
//! - `commit` never decreases (committed entries stay committed).

use raft_kv::raft::{HardState, NodeId};

use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "durable_state";

/// Checks that persisting `new` over `old` on `node`'s disk keeps the hard state monotonic.
pub fn check(node: NodeId, old: &HardState, new: &HardState) -> Check {
    if new.term < old.term {
        return Err(Violation::new(
            NAME,
            format!("n{node} persisted term {} over term {}", new.term, old.term),
        ));
    }
    if new.term == old.term
        && let Some(voted) = old.vote
        && new.vote != Some(voted)
    {
        return Err(Violation::new(
            NAME,
            format!(
                "n{node} persisted vote {:?} in term {} after durably voting for n{voted}",
                new.vote, new.term
            ),
        ));
    }
    if new.commit < old.commit {
        return Err(Violation::new(
            NAME,
            format!(
                "n{node} persisted commit {} over commit {}",
                new.commit, old.commit
            ),
        ));
    }
    Ok(())
}
