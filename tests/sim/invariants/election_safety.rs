//! Election safety (Raft §5.2, Figure 3): at most one leader is elected in a given term, and
//! each by a majority of the voters of its membership (thesis §4.1: the membership in force on
//! the candidate, the latest in its log; or the one before, for a candidate that its latest
//! change removed while that change is not committed as far as it knows).
//!
//! Every status the sim observes is fed in; the first leader seen for a term is remembered
//! for the rest of the run, so two leaders of one term are caught even if they never overlap.
//! Every granted vote delivered to a candidate is recorded, and a node first seen leading a
//! term must have received grants from a quorum of its voters (its own vote counts if it is
//! one).

use std::collections::{BTreeSet, HashMap};

use raft_kv::raft::{Envelope, Membership, Message, NodeId, RoleKind, Status, Term};

use super::super::trace;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "election_safety";

/// Remembers the leader of every term seen so far, and the votes delivered to candidates.
#[derive(Debug, Default)]
pub struct ElectionSafety {
    /// Term → the node seen leading it.
    leaders: HashMap<Term, NodeId>,
    /// (term, candidate) → the nodes whose granted vote reached it.
    votes: HashMap<(Term, NodeId), BTreeSet<NodeId>>,
}

impl ElectionSafety {
    /// Records `envelope`, about to be delivered, if it grants a vote.
    pub fn deliver(&mut self, envelope: &Envelope) {
        if let Message::RequestVoteResponse {
            granted: true,
            pre_vote: false,
        } = envelope.message
        {
            self.votes
                .entry((envelope.term, envelope.to))
                .or_default()
                .insert(envelope.from);
        }
    }

    /// Records `status` and fails if another node already led its term, or if a node newly
    /// seen leading was not elected by a quorum of its voters.
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

    /// Checks that `status`, a node just seen leading its term for the first time, received
    /// the votes of a quorum of the voters of its membership; or, if it is no voter there and
    /// `previous` is the membership before its latest (uncommitted) change, of that one's.
    pub fn check_quorum(&self, status: &Status, previous: Option<&Membership>) -> Check {
        let membership = match previous {
            Some(previous) if !status.membership.is_voter(status.id) => previous,
            _ => &*status.membership,
        };
        let votes = self.votes.get(&(status.term, status.id));
        let granted: Vec<NodeId> = membership
            .voters
            .keys()
            .copied()
            .filter(|&id| id == status.id || votes.is_some_and(|v| v.contains(&id)))
            .collect();
        if granted.len() < membership.quorum() {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{} became leader of term {} with votes from {granted:?} only, no quorum \
                     of its voters {}",
                    status.id,
                    status.term,
                    trace::membership(membership)
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
