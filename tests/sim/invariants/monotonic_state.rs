//! Monotonic node state: within one incarnation a node's term, commit index and applied
//! index never decrease, and a restarted node resumes at least at its durable term and commit.

use raft_kv::raft::{HardState, Status};

use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "monotonic_state";

/// Checks one node's status against the previous status of the same incarnation.
pub fn check(prev: &Status, now: &Status) -> Check {
    let fields = [
        ("term", prev.term, now.term),
        ("commit", prev.commit, now.commit),
        ("applied", prev.applied, now.applied),
    ];
    for (field, before, after) in fields {
        if after < before {
            return Err(Violation::new(
                NAME,
                format!("n{} {field} went from {before} to {after}", now.id),
            ));
        }
    }
    Ok(())
}

/// Checks a freshly restarted node against the hard state it was restored from.
pub fn check_restart(durable: &HardState, now: &Status) -> Check {
    if now.term < durable.term || now.commit < durable.commit {
        return Err(Violation::new(
            NAME,
            format!(
                "n{} restarted at term {} commit {} from durable term {} commit {}",
                now.id, now.term, now.commit, durable.term, durable.commit
            ),
        ));
    }
    Ok(())
}
