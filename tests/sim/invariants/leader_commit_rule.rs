//! The leader's commit rule (Raft §5.3–§5.4.2, Figure 2): a leader advances its commit index
//! only to an entry of its own term that a majority stores. Entries of earlier terms become
//! committed indirectly, never by counting their replicas (the Figure 8 hazard).
//!
//! Checked whenever a leader's commit index grows within its term: the entry at the new commit
//! index, in the leader's log, has the leader's term. (The log, not the disk: a leader that
//! writes in the background commits on its followers' acknowledgements before its own write.)

use raft_kv::raft::{Node, RoleKind, Status};

use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "leader_commit_rule";

/// Checks a leader's new status against its previous one and its log.
pub fn check(prev: &Status, now: &Status, node: &Node) -> Check {
    let leading = |s: &Status| s.role == RoleKind::Leader && s.term == now.term;
    if !leading(prev) || !leading(now) || now.commit <= prev.commit {
        return Ok(());
    }
    match node.term_at(now.commit) {
        Some(term) if term == now.term => Ok(()),
        Some(term) => Err(Violation::new(
            NAME,
            format!(
                "n{}, leader of term {}, advanced its commit index from {} to {}, an entry of term {}",
                now.id, now.term, prev.commit, now.commit, term
            ),
        )),
        None => Err(Violation::new(
            NAME,
            format!(
                "n{}, leader of term {}, advanced its commit index to {}, outside its log \
                 (snapshot {}, last {})",
                now.id, now.term, now.commit, now.snapshot_index, now.last_index
            ),
        )),
    }
}
