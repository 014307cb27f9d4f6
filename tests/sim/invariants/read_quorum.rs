//! A leader confirms a linearizable read with a quorum of its voters (Raft thesis §6.4): it
//! answers a read only after a majority of the voters of its membership — itself included if
//! it is one — showed in its term that no newer leader exists, by a message that reached it
//! after the read did (an append acknowledgement, or the forwarding follower's own request).
//!
//! This pins a read served without such a round to the step that answers it, where the
//! end-to-end check (`read_linearizability`) needs a newer leader to have committed something
//! first. The sim records, per leader and peer, the last time a message of the leader's term
//! that can confirm a read reached it; times are counted in delivered messages and invoked
//! reads, so "after" is exact. The quorum is counted in the membership the leader had before
//! or after the step that answered: a change appended in the same step may come after the
//! confirmation.

use raft_kv::raft::{Membership, NodeId, Term};

use super::super::trace;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "read_quorum";

/// Per peer (`id - 1`): the term and time of the last message that could confirm a read.
pub type Heard = [(Term, u64)];

/// What a leader had when it answered a read.
#[derive(Clone, Copy, Debug)]
pub struct Answer<'a> {
    /// The leader.
    pub node: NodeId,
    /// Its term.
    pub term: Term,
    /// What it heard from each peer.
    pub heard: &'a Heard,
    /// Its membership before the step that answered.
    pub before: &'a Membership,
    /// Its membership after that step.
    pub after: &'a Membership,
}

/// Checks a leader's answer to `read` (described for the report), which reached it at time
/// `arrived`; `requester` is the follower that forwarded it, if any (its request counts).
pub fn check(answer: &Answer, read: &str, arrived: u64) -> Check {
    let confirms = |membership: &Membership| {
        let acks = membership
            .voters
            .keys()
            .filter(|&&id| {
                id == answer.node
                    || answer
                        .heard
                        .get(id as usize - 1)
                        .is_some_and(|&(term, at)| term == answer.term && at >= arrived)
            })
            .count();
        acks >= membership.quorum()
    };
    if confirms(answer.before) || confirms(answer.after) {
        return Ok(());
    }
    let heard = describe_heard(answer.after, answer.node, answer.term, answer.heard, "");
    Err(Violation::new(
        NAME,
        format!(
            "n{}, leader of term {}, answered read {read} (arrived at {arrived}) without a \
             quorum of {} confirming after it: heard {}",
            answer.node,
            answer.term,
            trace::membership(answer.after),
            heard
        ),
    ))
}

/// When the leader `node` of `term` last heard from each other voter of `membership`, for a
/// report: `n2 at <unit>47, n3 never`.
pub fn describe_heard(
    membership: &Membership,
    node: NodeId,
    term: Term,
    heard: &Heard,
    unit: &str,
) -> String {
    membership
        .voters
        .keys()
        .filter(|&&id| id != node)
        .map(|&id| match heard.get(id as usize - 1) {
            Some(&(t, at)) if t == term => format!("n{id} at {unit}{at}"),
            _ => format!("n{id} never"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
