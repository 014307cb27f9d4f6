//! Leader completeness (Raft §5.4, Figure 3): if an entry is committed in a term, it is in the
//! log of every leader of every later term.
//!
//! Checked when a node is first seen as leader of a term: every index up to the highest index
//! known committed must be in its durable log with the committed entry's term and payload, or
//! covered by its snapshot.

use raft_kv::raft::{NodeId, Term};

use super::super::disk::Disk;
use super::super::state_machine::entry_hash;
use super::committed_entries::CommittedLog;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "leader_completeness";

/// Checks the log of `node`, just elected leader of `term`, against the committed history.
pub fn check(node: NodeId, term: Term, disk: &Disk, committed: &CommittedLog) -> Check {
    let snapshot = disk.snapshot_index();
    if let (Some(s), Some(known)) = (&disk.snapshot, committed.get(snapshot))
        && s.term != known.term
    {
        return Err(Violation::new(
            NAME,
            format!(
                "n{node}, leader of term {term}, has a snapshot at {}@{} but {}@{} is committed",
                s.index, s.term, s.index, known.term
            ),
        ));
    }
    let max = committed.max_index();
    for index in snapshot + 1..=max {
        let Some(known) = committed.get(index) else {
            continue;
        };
        match disk.entry(index) {
            Some(entry) if entry_hash(entry) == known.hash => {}
            Some(entry) => {
                return Err(Violation::new(
                    NAME,
                    format!(
                        "n{node}, leader of term {term}, holds {index}@{} where \
                         {index}@{} is committed",
                        entry.term, known.term
                    ),
                ));
            }
            None => {
                return Err(Violation::new(
                    NAME,
                    format!(
                        "n{node}, leader of term {term}, has a log ending at {} but index \
                         {max} is committed",
                        disk.last_index()
                    ),
                ));
            }
        }
    }
    Ok(())
}
