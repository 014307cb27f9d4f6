//! Requests from a stale term are rejected (Raft §5.1; Figure 2: "reply false if term <
//! currentTerm"): an `AppendEntries` or `InstallSnapshot` from an older term changes nothing
//! durable on the receiver and is never acknowledged as a success.
//!
//! The sim knows which message each `Ready` answers, so it checks the `Ready`s that follow
//! stepping such a message: no entries, no snapshot, no commit advance, no successful ack.

use raft_kv::raft::{HardState, Message, NodeId, Ready, Term};

use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "stale_term";

/// A leader's request that arrived from a term older than the receiver's.
#[derive(Clone, Copy, Debug)]
pub struct StaleRequest {
    /// The (former) leader that sent it.
    pub from: NodeId,
    /// The term it was sent in.
    pub term: Term,
    /// The receiver's term when it arrived.
    pub receiver_term: Term,
}

/// Checks a `Ready` that `node` produced right after stepping `request`.
pub fn check(node: NodeId, request: &StaleRequest, durable: &HardState, ready: &Ready) -> Check {
    let StaleRequest {
        from,
        term,
        receiver_term,
    } = *request;
    let fail = |what: String| {
        Err(Violation::new(
            NAME,
            format!(
                "n{node} at term {receiver_term} {what} after a term-{term} request from n{from}"
            ),
        ))
    };
    if let Some(first) = ready.entries.first() {
        return fail(format!("persisted entries from {}", first.index));
    }
    if let Some(snapshot) = &ready.snapshot {
        return fail(format!(
            "installed snapshot {}@{}",
            snapshot.index, snapshot.term
        ));
    }
    if let Some(hs) = ready.hard_state
        && hs.commit > durable.commit
    {
        return fail(format!("advanced its commit index to {}", hs.commit));
    }
    let acked = ready.messages.iter().any(|m| {
        m.to == from
            && matches!(
                m.message,
                Message::AppendEntriesResponse { success: true, .. }
            )
    });
    if acked {
        return fail("acknowledged it as a success".to_string());
    }
    Ok(())
}
