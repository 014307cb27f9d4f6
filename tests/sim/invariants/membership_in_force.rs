//! Membership in force (Raft thesis §4.1): a node uses the latest membership in its log,
//! committed or not, and goes back to the one before when it drops an uncommitted change with
//! a conflicting suffix; without a change in its log, the one in its snapshot, else the one it
//! was bootstrapped with. Only a voter of that membership campaigns (learners, joiners waiting
//! to be added and removed nodes stay quiet), or a node that its latest change removed while
//! that change is not committed as far as it knows, in the membership before.
//!
//! Checked on every status the sim observes, against the node's durable log plus the writes a
//! leader still has in flight to its disk: after a restart, this is also what tells a driver
//! that stored a snapshot without its membership.

use raft_kv::raft::{Membership, RoleKind, Status};

use super::super::trace;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "membership_in_force";

/// Checks the membership `now` reports against `expected`, the latest in the node's log.
pub fn check(now: &Status, expected: &Membership) -> Check {
    if *now.membership != *expected {
        return Err(Violation::new(
            NAME,
            format!(
                "n{} has {} in force but its log says {}",
                now.id,
                trace::membership(&now.membership),
                trace::membership(expected)
            ),
        ));
    }
    Ok(())
}

/// Checks that a node that just started campaigning, or just won, is a voter: of its latest
/// membership, or of `previous`, the one before its latest change when that change (which
/// removed it) is not committed as far as it knows.
pub fn check_campaign(prev: Option<&Status>, now: &Status, previous: Option<&Membership>) -> Check {
    let campaigning = matches!(
        now.role,
        RoleKind::PreCandidate | RoleKind::Candidate | RoleKind::Leader
    );
    let started = prev.is_none_or(|p| p.role != now.role || p.term != now.term);
    let voter = now.membership.is_voter(now.id) || previous.is_some_and(|m| m.is_voter(now.id));
    if campaigning && started && !voter {
        return Err(Violation::new(
            NAME,
            format!(
                "n{} became {:?} in term {} but is no voter of {}",
                now.id,
                now.role,
                now.term,
                trace::membership(&now.membership)
            ),
        ));
    }
    Ok(())
}
