//! A leader answers a read from its lease (Raft thesis §6.4.1) only while a quorum of its
//! voters — itself included if it is one — acknowledged it in its term less than an election
//! timeout ago: the voters' own leases, which keep them from electing anyone else, last no
//! longer. The lease counts from the start of a round a quorum acknowledged, which is before
//! each of those acknowledgements reached the leader, so the last time the leader heard from
//! each of them is late enough.
//!
//! This pins a lease that outlives the voters' to the step that answers from it, where the
//! end-to-end check (`read_linearizability`) needs a newer leader to have committed something
//! first. Times are the sim's ticks, which every node follows in step. The quorum is counted
//! in the membership the leader had before or after the answering step, as in `read_quorum`.

use raft_kv::raft::{Membership, NodeId, Term};

use super::super::trace;
use super::{Check, Violation, read_quorum};

/// This invariant's name in failure reports.
pub const NAME: &str = "read_lease";

/// What a leader had when it answered a read.
#[derive(Clone, Copy, Debug)]
pub struct Answer<'a> {
    /// The leader.
    pub node: NodeId,
    /// Its term.
    pub term: Term,
    /// Per peer (`id - 1`): the term and tick of the last acknowledgement or read request
    /// that reached the leader.
    pub heard: &'a [(Term, u64)],
    /// The tick it answered at.
    pub now: u64,
    /// The minimum election timeout, in ticks.
    pub election_ticks: u64,
    /// Its membership before the step that answered.
    pub before: &'a Membership,
    /// Its membership after that step.
    pub after: &'a Membership,
}

/// Checks a leader's answer to `read` (described for the report).
pub fn check(answer: &Answer, read: &str) -> Check {
    let recent = |id: NodeId| {
        id == answer.node
            || answer
                .heard
                .get(id as usize - 1)
                .is_some_and(|&(term, at)| {
                    term == answer.term && answer.now < at + answer.election_ticks
                })
    };
    let confirms = |membership: &Membership| {
        membership.voters.keys().filter(|&&id| recent(id)).count() >= membership.quorum()
    };
    if confirms(answer.before) || confirms(answer.after) {
        return Ok(());
    }
    let heard = read_quorum::describe_heard(
        answer.after,
        answer.node,
        answer.term,
        answer.heard,
        "tick ",
    );
    Err(Violation::new(
        NAME,
        format!(
            "n{}, leader of term {}, answered read {read} at tick {} from a lease: no quorum \
             of {} acknowledged it within the last {} ticks: heard {}",
            answer.node,
            answer.term,
            answer.now,
            trace::membership(answer.after),
            answer.election_ticks,
            heard
        ),
    ))
}
