//! A node's simulated disk: exactly what survives a crash.
//!
//! The sim writes a `Ready`'s durable part here before it sends that `Ready`'s messages, with
//! the same semantics as `storage::Storage::persist`: a received snapshot first (the log then
//! restarts after it), then the hard state, then the entries, truncating any durable suffix
//! from the first entry's index. Each durable entry carries the chain hash of its log prefix so
//! the log-matching checker can compare logs in O(1) per write; the disk also keeps the indexes
//! of its membership changes, to tell which membership its log puts in force.

use raft_kv::raft::{Entry, HardState, Index, Membership, NodeId, Snapshot};

use super::invariants::committed_entries::CommittedLog;
use super::invariants::log_matching::{self, LogMatching};
use super::invariants::{Check, Violation};

/// Name of the invariant that durable writes keep the log well formed.
pub const DURABLE_LOG: &str = "durable_log";

/// The durable state of one node.
#[derive(Clone, Debug, Default)]
pub struct Disk {
    /// The last persisted hard state.
    pub hard_state: HardState,
    /// The latest durable snapshot, received from a leader or taken locally.
    pub snapshot: Option<Snapshot>,
    /// Chain hash of the log prefix the snapshot covers; 0 without a snapshot.
    snapshot_chain: u64,
    /// Durable entries after the snapshot, contiguous, each with the chain hash of its prefix.
    entries: Vec<(Entry, u64)>,
    /// Indexes of the durable entries that carry a membership, ascending.
    changes: Vec<Index>,
    /// Counts the writes that may have changed the latest membership of the durable log.
    pub membership_version: u64,
}

impl Disk {
    /// Index of the last entry the snapshot covers; 0 without a snapshot.
    pub fn snapshot_index(&self) -> Index {
        self.snapshot.as_ref().map_or(0, |s| s.index)
    }

    /// Index of the last durable entry (or of the snapshot when the log after it is empty).
    pub fn last_index(&self) -> Index {
        self.entries
            .last()
            .map_or(self.snapshot_index(), |(e, _)| e.index)
    }

    /// The durable entry at `index`, if it is in the log (not compacted, not beyond the end).
    pub fn entry(&self, index: Index) -> Option<&Entry> {
        self.position(index).map(|p| &self.entries[p].0)
    }

    /// The durable entries after the snapshot, for restarting a node.
    pub fn entries(&self) -> Vec<Entry> {
        self.entries.iter().map(|(e, _)| e.clone()).collect()
    }

    /// The membership of the durable log as of `index`: the latest change at or before it, else
    /// the snapshot's. `None` when neither names one (the node's bootstrap membership holds).
    pub fn membership_at(&self, index: Index) -> Option<&Membership> {
        let at = self.changes.partition_point(|&i| i <= index);
        match at.checked_sub(1) {
            Some(p) => self.change(self.changes[p]),
            None => self.snapshot.as_ref()?.membership.as_ref(),
        }
    }

    /// The latest durable membership change before `index`, with its index.
    pub fn change_before(&self, index: Index) -> Option<(Index, &Membership)> {
        let at = self.changes.partition_point(|&i| i < index);
        let i = self.changes[at.checked_sub(1)?];
        Some((i, self.change(i)?))
    }

    fn change(&self, index: Index) -> Option<&Membership> {
        self.entry(index)?.membership.as_deref()
    }

    /// Chain hash of the log prefix ending at `index`, if that prefix is known on this disk.
    fn chain_at(&self, index: Index) -> Option<u64> {
        if index == self.snapshot_index() {
            return Some(self.snapshot_chain);
        }
        self.position(index).map(|p| self.entries[p].1)
    }

    fn position(&self, index: Index) -> Option<usize> {
        let first = self.entries.first()?.0.index;
        let p = usize::try_from(index.checked_sub(first)?).ok()?;
        (p < self.entries.len()).then_some(p)
    }

    /// Persists a snapshot received from a leader: the log restarts after it.
    ///
    /// # Errors
    /// A violation if the snapshot covers an entry that no log ever held, or if an entry it
    /// drops beyond its index was committed.
    pub fn install_snapshot(
        &mut self,
        node: NodeId,
        snapshot: &Snapshot,
        log: &LogMatching,
        committed: &CommittedLog,
    ) -> Check {
        let chain = log.chain_of(snapshot.index, snapshot.term).ok_or_else(|| {
            Violation::new(
                log_matching::NAME,
                format!(
                    "n{node} received a snapshot at {}@{}, an entry no durable log ever held",
                    snapshot.index, snapshot.term
                ),
            )
        })?;
        for (removed, _) in &self.entries {
            if removed.index > snapshot.index {
                committed.check_truncate(node, removed)?;
            }
        }
        self.snapshot = Some(snapshot.clone());
        self.snapshot_chain = chain;
        self.entries.clear();
        self.changes.clear();
        self.membership_version += 1;
        Ok(())
    }

    /// Persists a snapshot the node took of its own state machine and drops the entries it covers.
    ///
    /// # Errors
    /// A violation if the snapshot's index is not in the durable log (it must have been applied,
    /// hence durable) or its term disagrees with the durable entry.
    pub fn compact(&mut self, node: NodeId, snapshot: &Snapshot) -> Check {
        let term_ok = match self.entry(snapshot.index) {
            Some(e) => e.term == snapshot.term,
            None => self.snapshot_index() == snapshot.index,
        };
        let chain = self.chain_at(snapshot.index).filter(|_| term_ok);
        let Some(chain) = chain else {
            return Err(Violation::new(
                DURABLE_LOG,
                format!(
                    "n{node} applied {}@{} but its durable log (snapshot {}, last {}) does not hold it",
                    snapshot.index,
                    snapshot.term,
                    self.snapshot_index(),
                    self.last_index()
                ),
            ));
        };
        self.entries.retain(|(e, _)| e.index > snapshot.index);
        self.changes.retain(|&i| i > snapshot.index);
        self.membership_version += 1;
        self.snapshot = Some(snapshot.clone());
        self.snapshot_chain = chain;
        Ok(())
    }

    /// Appends a `Ready`'s entries, first truncating the durable log from the first one's index.
    ///
    /// # Errors
    /// A violation if the entries leave a gap, rewrite the snapshot's range, are not consecutive,
    /// break log matching against any log ever persisted, or truncate a committed entry.
    pub fn append(
        &mut self,
        node: NodeId,
        entries: &[Entry],
        log: &mut LogMatching,
        committed: &CommittedLog,
    ) -> Check {
        let Some(first) = entries.first() else {
            return Ok(());
        };
        if first.index <= self.snapshot_index() || first.index > self.last_index() + 1 {
            return Err(Violation::new(
                DURABLE_LOG,
                format!(
                    "n{node} was asked to persist entries from {} but its durable log covers \
                     snapshot {} .. last {}",
                    first.index,
                    self.snapshot_index(),
                    self.last_index()
                ),
            ));
        }
        for (removed, _) in &self.entries {
            let Some(offset) = removed.index.checked_sub(first.index) else {
                continue;
            };
            let rewritten = usize::try_from(offset)
                .ok()
                .and_then(|o| entries.get(o))
                .is_some_and(|e| e.term == removed.term);
            if !rewritten {
                committed.check_truncate(node, removed)?;
            }
        }
        self.entries.retain(|(e, _)| e.index < first.index);
        let changes = self.changes.len();
        self.changes.retain(|&i| i < first.index);
        if self.changes.len() != changes || entries.iter().any(|e| e.membership.is_some()) {
            self.membership_version += 1;
        }
        let mut prev_index = first.index - 1;
        let mut chain = self
            .chain_at(prev_index)
            .expect("the entry before an in-range append is durable");
        for entry in entries {
            if entry.index != prev_index + 1 {
                return Err(Violation::new(
                    DURABLE_LOG,
                    format!(
                        "n{node} Ready entries are not consecutive: {} follows {prev_index}",
                        entry.index
                    ),
                ));
            }
            if let Some((prev, _)) = self.entries.last()
                && prev.term > entry.term
            {
                return Err(Violation::new(
                    log_matching::NAME,
                    format!(
                        "n{node} log terms decrease: {}@{} follows {}@{}",
                        entry.index, entry.term, prev.index, prev.term
                    ),
                ));
            }
            chain = log.record(node, entry, chain)?;
            if entry.membership.is_some() {
                self.changes.push(entry.index);
            }
            self.entries.push((entry.clone(), chain));
            prev_index = entry.index;
        }
        Ok(())
    }
}
