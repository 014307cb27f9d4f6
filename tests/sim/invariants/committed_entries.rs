//! Committed entries are never lost or changed: once a client's write was acknowledged (the
//! proposing node applied an entry with the index *and* term `propose` returned), that index
//! holds that write forever, and every node that applies the index applies that write.
//!
//! State-machine safety already compares applications with each other; this checker names the
//! stronger, client-visible failure (an acknowledged write replaced or lost) and also checks the
//! `propose` contract itself: the entry applied at the returned (index, term) is the proposed one.

use std::collections::BTreeMap;

use raft_kv::raft::{Entry, Index, NodeId, Term};

use super::super::state_machine::entry_hash;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "committed_entries";

/// Every acknowledged write: index → (term, payload hash).
#[derive(Debug, Default)]
pub struct AckedWrites {
    acked: BTreeMap<Index, (Term, u64)>,
}

impl AckedWrites {
    /// Records that a client was told its write committed as `entry`, after checking that
    /// `entry` carries what the client proposed (`proposed` is the `entry_hash` of the
    /// entry `propose` should have created).
    pub fn ack(&mut self, node: NodeId, entry: &Entry, proposed: u64) -> Check {
        let hash = entry_hash(entry);
        if hash != proposed {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} applied {}@{}, the index and term its proposal got, with another payload",
                    entry.index, entry.term
                ),
            ));
        }
        self.acked.insert(entry.index, (entry.term, hash));
        Ok(())
    }

    /// Checks an entry some node is about to apply against the acknowledged writes.
    pub fn check_apply(&self, node: NodeId, entry: &Entry) -> Check {
        match self.acked.get(&entry.index) {
            Some(&(term, hash)) if hash != entry_hash(entry) => Err(Violation::new(
                NAME,
                format!(
                    "n{node} applied {}@{} over the acknowledged write {}@{term}",
                    entry.index, entry.term, entry.index
                ),
            )),
            _ => Ok(()),
        }
    }
}
