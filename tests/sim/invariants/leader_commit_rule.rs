//! The leader's commit rule (Raft §5.3–§5.4.2, Figure 2; thesis §4.1): a leader advances its
//! commit index only to an entry of its own term that a majority of the voters of its
//! membership stores durably. Entries of earlier terms become committed indirectly, never by
//! counting their replicas (the Figure 8 hazard); learners, and a leader removing itself,
//! do not count.
//!
//! Checked whenever a leader's commit index grows: the entry at the new commit index, in the
//! leader's log, has the leader's term (the log, not the disk: a leader that writes in the
//! background commits on its followers' acknowledgements before its own write); and a quorum
//! of the voters of the membership in force on the leader holds it on disk, as an entry of
//! that term or under a snapshot.

use raft_kv::raft::{Node, NodeId, RoleKind, Status};

use super::super::trace;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "leader_commit_rule";

/// Checks a leader's new status against its previous one, its log, and the disks of the
/// cluster: `holds(id)` says whether node `id` durably holds the entry at `now.commit` of term
/// `now.term` (or a snapshot covering it).
pub fn check(prev: &Status, now: &Status, node: &Node, holds: impl Fn(NodeId) -> bool) -> Check {
    // Within one input a node cannot both advance its commit index as a follower and win an
    // election, so a leader's commit index that grew grew by the leader's rule.
    if now.role != RoleKind::Leader || now.commit <= prev.commit {
        return Ok(());
    }
    match node.term_at(now.commit) {
        Some(term) if term == now.term => {}
        Some(term) => {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{}, leader of term {}, advanced its commit index from {} to {}, an entry \
                     of term {term}",
                    now.id, now.term, prev.commit, now.commit
                ),
            ));
        }
        None => {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{}, leader of term {}, advanced its commit index to {}, outside its log \
                     (snapshot {}, last {})",
                    now.id, now.term, now.commit, now.snapshot_index, now.last_index
                ),
            ));
        }
    }
    let membership = &now.membership;
    let holders: Vec<NodeId> = membership
        .voters
        .keys()
        .copied()
        .filter(|&id| holds(id))
        .collect();
    if holders.len() < membership.quorum() {
        return Err(Violation::new(
            NAME,
            format!(
                "n{}, leader of term {}, advanced its commit index to {} but only {holders:?} \
                 of its voters {} hold it durably",
                now.id,
                now.term,
                now.commit,
                trace::membership(membership)
            ),
        ));
    }
    Ok(())
}
