//! Log matching (Raft §5.3, Figure 3): if two logs hold an entry with the same index and term,
//! the logs are identical in all entries up to that index.
//!
//! Every durable entry carries a chain hash of its whole prefix (index, term and payload of
//! every entry up to it). The checker remembers, for every (index, term) ever persisted by any
//! node, that chain hash; a later write of the same (index, term) with another chain means the
//! two logs differ somewhere at or before that index. This covers all pairs of nodes at all
//! times, including logs that were later truncated or compacted.

use std::collections::HashMap;

use raft_kv::raft::{Entry, Index, NodeId, Term};

use super::super::rng::hash_combine;
use super::super::state_machine::entry_hash;
use super::Violation;

/// This invariant's name in failure reports.
pub const NAME: &str = "log_matching";

/// What the first log to hold an (index, term) recorded about it.
#[derive(Clone, Copy, Debug)]
struct Written {
    /// Chain hash of the prefix ending at this entry.
    chain: u64,
    /// Hash of this entry's term and payload alone.
    entry: u64,
    /// The node that first persisted it.
    node: NodeId,
}

/// Every (index, term) ever persisted, with the chain hash of its prefix.
#[derive(Debug, Default)]
pub struct LogMatching {
    written: HashMap<(Index, Term), Written>,
}

impl LogMatching {
    /// Records that `node` persisted `entry` after a prefix with chain hash `prev_chain`, and
    /// returns the entry's own chain hash.
    ///
    /// # Errors
    /// A violation if another log holds the same (index, term) with a different payload or
    /// a different prefix.
    pub fn record(
        &mut self,
        node: NodeId,
        entry: &Entry,
        prev_chain: u64,
    ) -> Result<u64, Violation> {
        let this = entry_hash(entry);
        let chain = hash_combine(hash_combine(prev_chain, entry.index), this);
        let first = *self
            .written
            .entry((entry.index, entry.term))
            .or_insert(Written {
                chain,
                entry: this,
                node,
            });
        if first.entry != this {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} persisted {}@{} with a payload different from n{}'s {}@{}",
                    entry.index, entry.term, first.node, entry.index, entry.term
                ),
            ));
        }
        if first.chain != chain {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} and n{} both hold {}@{} but their logs differ before it",
                    first.node, entry.index, entry.term
                ),
            ));
        }
        Ok(chain)
    }

    /// The chain hash of the prefix ending at (index, term), if any log ever held it; the empty
    /// prefix (index 0) has chain 0.
    pub fn chain_of(&self, index: Index, term: Term) -> Option<u64> {
        if index == 0 {
            return Some(0);
        }
        self.written.get(&(index, term)).map(|w| w.chain)
    }
}
