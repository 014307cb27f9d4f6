//! Single-server membership changes (Raft thesis §4.1, §4.2.3): any two consecutive
//! memberships have overlapping majorities only if they differ by one server, and only if a
//! leader starts a change once the previous one is committed and once it has committed an
//! entry of its own term (a change of an earlier leader may otherwise be pending unseen).
//!
//! Checked on every membership entry a leader adds to its log (a client's change or the
//! leader's promotion of a learner): the membership it carries differs from the previous one
//! in the leader's log by adding a learner, removing one member or promoting one learner, and
//! keeps a voter; the previous change is at or below the leader's commit index, and the entry
//! at that index is of the leader's term. Also the leader's answers to the client: a change
//! the sim knows to be valid is not refused as invalid, and nonsense is not accepted.

use raft_kv::raft::{Index, Membership, NodeId, Term};

use super::super::trace;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "single_server_change";

/// What the leader had when it added the change.
#[derive(Clone, Copy, Debug)]
pub struct LeaderLog<'a> {
    /// The leader.
    pub node: NodeId,
    /// Its term.
    pub term: Term,
    /// Its commit index.
    pub commit: Index,
    /// The term of the entry at its commit index.
    pub commit_term: Option<Term>,
    /// The index of the previous change in its log (0 for the bootstrap membership, or the
    /// snapshot's index when the change is compacted) and its membership.
    pub previous: (Index, &'a Membership),
}

/// Checks the change at `index` carrying `next`, appended by the leader described by `log`.
pub fn check(log: &LeaderLog, index: Index, next: &Membership) -> Check {
    let LeaderLog {
        node,
        term,
        commit,
        commit_term,
        previous: (prev_index, prev),
    } = *log;
    let fail = |what: String| {
        Err(Violation::new(
            NAME,
            format!("n{node}, leader of term {term}, appended change {index}@{term} {what}"),
        ))
    };
    if commit_term != Some(term) {
        return fail(format!(
            "before committing an entry of its term (commit {commit}@{commit_term:?})"
        ));
    }
    if prev_index > commit {
        return fail(format!(
            "while the change at {prev_index} was uncommitted (commit {commit})"
        ));
    }
    if let Err(why) = one_server(prev, next) {
        return fail(format!(
            "from {} to {}: {why}",
            trace::membership(prev),
            trace::membership(next)
        ));
    }
    Ok(())
}

/// Whether `next` follows `prev` by one single-server step.
fn one_server(prev: &Membership, next: &Membership) -> Result<(), &'static str> {
    if next.voters.is_empty() {
        return Err("no voter left");
    }
    if next.voters.keys().any(|id| next.learners.contains_key(id)) {
        return Err("a node is both voter and learner");
    }
    let removed = prev.members().filter(|&(id, _)| !next.contains(id)).count();
    let added = next.members().filter(|&(id, _)| !prev.contains(id)).count();
    let promoted = next
        .voters
        .keys()
        .filter(|id| prev.learners.contains_key(id))
        .count();
    let demoted = next
        .learners
        .keys()
        .filter(|id| prev.voters.contains_key(id))
        .count();
    let added_voters = next.voters.keys().filter(|&&id| !prev.contains(id)).count();
    match (removed, added, promoted, demoted) {
        _ if demoted > 0 => Err("a voter became a learner"),
        _ if added_voters > 0 => Err("a node joined as a voter, not as a learner"),
        (1, 0, 0, 0) | (0, 1, 0, 0) | (0, 0, 1, 0) => Ok(()),
        (0, 0, 0, 0) => Err("nothing changed"),
        _ => Err("more than one server changed"),
    }
}

/// Checks a leader's answer to a client's change: `valid` is what the sim expects of the
/// change against the leader's membership, `accepted` whether the leader took it, `invalid`
/// whether it refused it as nonsense.
pub fn check_answer(
    node: NodeId,
    change: &str,
    valid: bool,
    accepted: bool,
    invalid: bool,
) -> Check {
    if valid && invalid {
        return Err(Violation::new(
            NAME,
            format!("n{node} refused the valid change {change} as invalid"),
        ));
    }
    if !valid && accepted {
        return Err(Violation::new(
            NAME,
            format!("n{node} accepted the invalid change {change}"),
        ));
    }
    Ok(())
}
