//! Persist before send (Raft Figure 2; STYLE §3): a node's messages only promise what is
//! already on its disk.
//!
//! Checked on every message as the sim sends it, after the `Ready`'s durable part was written:
//! - a message's term is durable (pre-vote traffic excepted: it carries a prospective term);
//! - a granted vote is durably recorded for that candidate in that term;
//! - an append acknowledgement does not claim entries beyond the durable log.

use raft_kv::raft::{Envelope, Message};

use super::super::disk::Disk;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "persist_before_send";

/// Checks `envelope` against the sender's disk at the moment it is sent.
pub fn check(disk: &Disk, envelope: &Envelope) -> Check {
    let durable = disk.hard_state;
    let (from, to, term) = (envelope.from, envelope.to, envelope.term);
    let pre_vote = matches!(
        envelope.message,
        Message::RequestVote { pre_vote: true, .. }
            | Message::RequestVoteResponse { pre_vote: true, .. }
    );
    if !pre_vote && term > durable.term {
        return Err(Violation::new(
            NAME,
            format!(
                "n{from} sent a term-{term} message to n{to} with only term {} durable",
                durable.term
            ),
        ));
    }
    match envelope.message {
        Message::RequestVoteResponse {
            granted: true,
            pre_vote: false,
        } if durable.term != term || durable.vote != Some(to) => Err(Violation::new(
            NAME,
            format!(
                "n{from} granted its term-{term} vote to n{to} but its disk says term {} vote {:?}",
                durable.term, durable.vote
            ),
        )),
        Message::AppendEntriesResponse {
            success: true,
            match_index,
            ..
        } if match_index > disk.last_index() => Err(Violation::new(
            NAME,
            format!(
                "n{from} acknowledged entries up to {match_index} to n{to} but its durable log ends at {}",
                disk.last_index()
            ),
        )),
        _ => Ok(()),
    }
}
