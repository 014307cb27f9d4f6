//! Leader append-only (Raft §5.3, Figure 3): a leader never overwrites or deletes entries in
//! its log; it only appends new ones.
//!
//! Checked on every `Ready` a node hands out while it is leader: the entries to persist start
//! right after its durable log, so nothing durable is truncated.

use raft_kv::raft::{Entry, NodeId, Term};

use super::super::disk::Disk;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "leader_append_only";

/// Checks the entries a leader of `term` asks to persist against its durable log.
pub fn check(node: NodeId, term: Term, disk: &Disk, entries: &[Entry]) -> Check {
    match entries.first() {
        Some(first) if first.index <= disk.last_index() => Err(Violation::new(
            NAME,
            format!(
                "n{node}, leader of term {term}, rewrote its log from {}@{} (durable log ends at {})",
                first.index,
                first.term,
                disk.last_index()
            ),
        )),
        _ => Ok(()),
    }
}
