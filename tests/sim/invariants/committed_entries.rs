//! Committed entries are never lost or changed (Raft §5.4): once an entry is known committed at
//! an index, no node ever commits, applies or keeps a different entry there, and no node drops
//! it from its durable log except into a snapshot. Acknowledged client writes are the
//! client-visible case: the entry applied at the (index, term) `propose` returned must carry the
//! proposed payload, and that index holds it forever.
//!
//! The checker keeps the de-facto committed log: every entry some node applied, and every entry
//! at or below some node's commit index in that node's durable log. Any disagreement between
//! two such sources, and any durable truncation of a known-committed entry, is a violation.

use std::collections::BTreeMap;

use raft_kv::raft::{Entry, Index, NodeId, Term};

use super::super::state_machine::entry_hash;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "committed_entries";

/// What is known about one committed index.
#[derive(Clone, Copy, Debug)]
pub struct Committed {
    /// Term of the committed entry.
    pub term: Term,
    /// `entry_hash` of the committed entry.
    pub hash: u64,
    /// The first node known to have committed it.
    pub node: NodeId,
    /// Whether a client was told this write succeeded.
    pub acked: bool,
}

/// The committed log as far as anyone knows it.
#[derive(Debug, Default)]
pub struct CommittedLog {
    entries: BTreeMap<Index, Committed>,
}

impl CommittedLog {
    /// The highest index known committed.
    pub fn max_index(&self) -> Index {
        self.entries.last_key_value().map_or(0, |(&i, _)| i)
    }

    /// What is known committed at `index`.
    pub fn get(&self, index: Index) -> Option<&Committed> {
        self.entries.get(&index)
    }

    /// Records that `node` committed `entry` (it is at or below its commit index, or applied).
    pub fn record(&mut self, node: NodeId, entry: &Entry) -> Check {
        let hash = entry_hash(entry);
        let known = *self.entries.entry(entry.index).or_insert(Committed {
            term: entry.term,
            hash,
            node,
            acked: false,
        });
        if known.hash != hash {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} committed {}@{} but n{} had committed {}{}@{} at that index",
                    entry.index,
                    entry.term,
                    known.node,
                    if known.acked {
                        "the acknowledged write "
                    } else {
                        ""
                    },
                    entry.index,
                    known.term
                ),
            ));
        }
        Ok(())
    }

    /// Records that a client was told its write committed as `entry`, after checking that
    /// `entry` carries what the client proposed (`proposed` is the `entry_hash` of the entry
    /// `propose` should have created).
    pub fn ack(&mut self, node: NodeId, entry: &Entry, proposed: u64) -> Check {
        if entry_hash(entry) != proposed {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} applied {}@{}, the index and term its proposal got, with another payload",
                    entry.index, entry.term
                ),
            ));
        }
        self.record(node, entry)?;
        if let Some(known) = self.entries.get_mut(&entry.index) {
            known.acked = true;
        }
        Ok(())
    }

    /// Checks that `node` may drop `removed` from its durable log without a snapshot covering it.
    pub fn check_truncate(&self, node: NodeId, removed: &Entry) -> Check {
        match self.entries.get(&removed.index) {
            Some(known) if known.hash == entry_hash(removed) => Err(Violation::new(
                NAME,
                format!(
                    "n{node} truncated the committed {}entry {}@{} from its durable log",
                    if known.acked { "and acknowledged " } else { "" },
                    removed.index,
                    removed.term
                ),
            )),
            _ => Ok(()),
        }
    }
}
