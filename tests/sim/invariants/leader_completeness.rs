//! Leader completeness (Raft §5.4, Figure 3): if an entry is committed in a term, it is in the
//! log of every leader of every later term.
//!
//! Checked when a node is first seen as leader of a term: every index up to the highest index
//! any node has applied (all known committed) must be in its durable log with the applied
//! entry's term and payload, or covered by its snapshot.

use raft_kv::raft::{NodeId, Term};

use super::super::disk::Disk;
use super::super::state_machine::entry_hash;
use super::state_machine_safety::AppliedHistory;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "leader_completeness";

/// Checks the log of `node`, just elected leader of `term`, against the committed history.
pub fn check(node: NodeId, term: Term, disk: &Disk, history: &AppliedHistory) -> Check {
    let snapshot = disk.snapshot_index();
    if let (Some(s), Some(applied)) = (&disk.snapshot, history.get(snapshot))
        && s.term != applied.term
    {
        return Err(Violation::new(
            NAME,
            format!(
                "n{node}, leader of term {term}, has a snapshot at {}@{} but {}@{} was applied",
                s.index, s.term, s.index, applied.term
            ),
        ));
    }
    let committed = history.max_index();
    for index in snapshot + 1..=committed {
        let Some(applied) = history.get(index) else {
            continue;
        };
        match disk.entry(index) {
            Some(entry) if entry_hash(entry) == applied.entry => {}
            Some(entry) => {
                return Err(Violation::new(
                    NAME,
                    format!(
                        "n{node}, leader of term {term}, holds {index}@{} where committed \
                         {index}@{} was applied",
                        entry.term, applied.term
                    ),
                ));
            }
            None => {
                return Err(Violation::new(
                    NAME,
                    format!(
                        "n{node}, leader of term {term}, has a log ending at {} but index \
                         {committed} is committed",
                        disk.last_index()
                    ),
                ));
            }
        }
    }
    Ok(())
}
