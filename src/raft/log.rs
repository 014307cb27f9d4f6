//! The in-memory view of a node's log: a snapshot prefix, the entries after it, and the
//! bookkeeping that ties them to the driver (what was handed out for persistence, what is
//! known durable, what is committed, what was handed out for applying).
//!
//! The driver's storage holds the durable copy; this view is rebuilt from it on restart
//! (`Restored`) and is the only copy the core reads.

use super::message::{Entry, Index, Snapshot, Term};

/// The log of one node.
///
/// Invariants (checked by `check_invariants` in tests):
/// - `entries[i].index == snapshot_index + 1 + i` (contiguous after the snapshot).
/// - Entry terms never decrease along the log (a property of Raft logs, relied on by the
///   binary searches in `first_index_of_term` / `last_index_of_term`).
/// - `snapshot_index <= applied <= commit <= last_index()`.
/// - `applied <= handed` and `stable <= handed <= last_index()`.
/// - `commit` and `applied` never decrease.
#[derive(Clone, Debug)]
pub struct RaftLog {
    /// The latest snapshot with its data, sent to followers that lag behind it; `None` while
    /// `snapshot_index` is 0.
    snapshot: Option<Snapshot>,
    /// Index of the last entry covered by the snapshot; 0 without one.
    snapshot_index: Index,
    /// Term of the entry at `snapshot_index`; 0 without a snapshot.
    snapshot_term: Term,
    /// The entries after `snapshot_index`, contiguous.
    entries: Vec<Entry>,
    /// Highest index known committed (§5.3).
    commit: Index,
    /// Highest index handed to the driver to apply (in `Ready::committed_entries` or as a snapshot).
    applied: Index,
    /// Highest index handed to the driver to persist (in `Ready::entries` or as a snapshot).
    handed: Index,
    /// Highest index known durable: the prefix up to here, as it is in memory now, is on disk.
    stable: Index,
}

impl RaftLog {
    /// Rebuilds the log from what storage recovered. `commit` is clamped into
    /// `[snapshot index, last index]`: a commit index past the durable log can only come from a
    /// torn write of the batch that carried it, whose messages were never sent.
    ///
    /// # Panics
    /// If the entries are not contiguous after the snapshot.
    pub fn restore(snapshot: Option<Snapshot>, entries: Vec<Entry>, commit: Index) -> RaftLog {
        let (snapshot_index, snapshot_term) =
            snapshot.as_ref().map_or((0, 0), |s| (s.index, s.term));
        for (i, entry) in entries.iter().enumerate() {
            assert_eq!(
                entry.index,
                snapshot_index + 1 + i as Index,
                "restored entries are not contiguous after the snapshot"
            );
        }
        let last = snapshot_index + entries.len() as Index;
        RaftLog {
            snapshot,
            snapshot_index,
            snapshot_term,
            entries,
            commit: commit.clamp(snapshot_index, last),
            applied: snapshot_index,
            handed: last,
            stable: last,
        }
    }

    /// Index of the last entry; the snapshot index when no entry follows it.
    pub fn last_index(&self) -> Index {
        self.snapshot_index + self.entries.len() as Index
    }

    /// Term of the last entry (or of the snapshot, or 0).
    pub fn last_term(&self) -> Term {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// Index of the snapshot's last entry; 0 without a snapshot.
    pub fn snapshot_index(&self) -> Index {
        self.snapshot_index
    }

    /// The latest snapshot with its data, if any.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }

    /// Highest committed index.
    pub fn commit(&self) -> Index {
        self.commit
    }

    /// Highest index handed out for applying.
    pub fn applied(&self) -> Index {
        self.applied
    }

    /// Highest index known durable.
    pub fn stable(&self) -> Index {
        self.stable
    }

    /// The term of the entry at `index`: known for the snapshot's last entry and every entry
    /// after it; `None` if compacted away or past the end. Index 0 has term 0.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        if index == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        if index < self.snapshot_index || index > self.last_index() {
            return None;
        }
        Some(self.entries[self.offset(index)].term)
    }

    /// Position of `index` in `entries`; the caller ensures it is in range.
    fn offset(&self, index: Index) -> usize {
        (index - self.snapshot_index - 1) as usize
    }

    /// Whether a candidate whose log ends at `(last_index, last_term)` is at least as
    /// up-to-date as this log (§5.4.1).
    pub fn is_up_to_date(&self, last_index: Index, last_term: Term) -> bool {
        last_term > self.last_term()
            || (last_term == self.last_term() && last_index >= self.last_index())
    }

    /// Entries `from..=to`, cut after `max_bytes` of data but always at least one entry.
    /// Returns an empty vector if `from > to`.
    ///
    /// # Panics
    /// If `from` was compacted away or `to` is past the end.
    pub fn slice(&self, from: Index, to: Index, max_bytes: usize) -> Vec<Entry> {
        if from > to {
            return Vec::new();
        }
        assert!(
            from > self.snapshot_index && to <= self.last_index(),
            "slice {from}..={to} out of range"
        );
        let mut out = Vec::new();
        let mut bytes = 0usize;
        for entry in &self.entries[self.offset(from)..=self.offset(to)] {
            let size = entry.data.as_ref().map_or(0, |d| d.len());
            if !out.is_empty() && bytes + size > max_bytes {
                break;
            }
            bytes += size;
            out.push(entry.clone());
        }
        out
    }

    /// Appends one entry at the end (the leader's own proposals).
    ///
    /// # Panics
    /// If the entry does not extend the log by exactly one index or its term goes backwards.
    pub fn append(&mut self, entry: Entry) {
        assert_eq!(
            entry.index,
            self.last_index() + 1,
            "appended entry is not contiguous"
        );
        assert!(
            entry.term >= self.last_term(),
            "appended entry goes back in term"
        );
        self.entries.push(entry);
    }

    /// Merges entries a leader sent after a matching `prev_index` (§5.3): entries already in
    /// the log with the same term are kept, the first conflicting entry and everything after
    /// it is removed, and the rest is appended. Never removes a matching entry, so a stale or
    /// reordered `AppendEntries` cannot shorten the log.
    ///
    /// # Panics
    /// If a committed entry conflicts (a safety violation) or the entries are not contiguous.
    pub fn merge(&mut self, entries: &[Entry]) {
        for (i, entry) in entries.iter().enumerate() {
            if i > 0 {
                assert_eq!(
                    entry.index,
                    entries[i - 1].index + 1,
                    "entries are not contiguous"
                );
            }
            match self.term_at(entry.index) {
                Some(term) if term == entry.term => continue,
                // Compacted entries are committed, and committed entries match the leader.
                None if entry.index <= self.snapshot_index => continue,
                Some(_) => {
                    assert!(
                        entry.index > self.commit,
                        "committed entry {} conflicts with the leader's",
                        entry.index
                    );
                    self.truncate_from(entry.index);
                }
                None => {}
            }
            assert_eq!(
                entry.index,
                self.last_index() + 1,
                "entries leave a gap in the log"
            );
            self.entries.extend_from_slice(&entries[i..]);
            return;
        }
    }

    /// Writes entries over the log in place without truncating a conflicting suffix — the
    /// `NoConflictTruncation` injected bug. Entries past the end are appended.
    #[cfg(feature = "bug-injection")]
    pub fn merge_without_truncation(&mut self, entries: &[Entry]) {
        for entry in entries {
            if entry.index <= self.snapshot_index {
                continue;
            }
            if entry.index <= self.last_index() {
                let at = self.offset(entry.index);
                self.entries[at] = entry.clone();
            } else if entry.index == self.last_index() + 1 {
                self.entries.push(entry.clone());
            }
        }
    }

    /// Removes entries from `index` on, pulling `handed` and `stable` back with them.
    fn truncate_from(&mut self, index: Index) {
        let at = self.offset(index);
        self.entries.truncate(at);
        self.handed = self.handed.min(index - 1);
        self.stable = self.stable.min(index - 1);
    }

    /// The conflict hint for a rejected `AppendEntries` at `prev_index` (§5.3, "fast
    /// backtracking"): `(last index + 1, 0)` when the log is too short, else the term of the
    /// entry at `prev_index` and the first index of that term in the log.
    pub fn reject_hint(&self, prev_index: Index) -> (Index, Term) {
        match self.term_at(prev_index) {
            None if prev_index > self.last_index() => (self.last_index() + 1, 0),
            // Below the snapshot: cannot happen for a caller that checks the commit index first.
            None => (self.snapshot_index + 1, 0),
            Some(term) => (self.first_index_of_term(term).unwrap_or(prev_index), term),
        }
    }

    /// The first index in the (uncompacted) log holding an entry of `term`.
    fn first_index_of_term(&self, term: Term) -> Option<Index> {
        let at = self.entries.partition_point(|e| e.term < term);
        match self.entries.get(at) {
            Some(e) if e.term == term => Some(e.index),
            _ if self.snapshot_term == term => Some(self.snapshot_index),
            _ => None,
        }
    }

    /// The last index in the log (snapshot included) holding an entry of `term`.
    pub fn last_index_of_term(&self, term: Term) -> Option<Index> {
        let at = self.entries.partition_point(|e| e.term <= term);
        if at > 0 && self.entries[at - 1].term == term {
            return Some(self.entries[at - 1].index);
        }
        if at == 0 && self.snapshot_term == term && self.snapshot_index > 0 {
            return Some(self.snapshot_index);
        }
        None
    }

    /// Raises the commit index to `index` (never lowers it).
    ///
    /// # Panics
    /// If `index` is past the end of the log.
    pub fn commit_to(&mut self, index: Index) {
        assert!(
            index <= self.last_index(),
            "commit {index} past last index {}",
            self.last_index()
        );
        self.commit = self.commit.max(index);
    }

    /// Whether entries wait to be handed to the driver for persistence.
    pub fn has_unhanded(&self) -> bool {
        self.handed < self.last_index()
    }

    /// Takes the entries not yet handed out for persistence.
    pub fn take_unhanded(&mut self) -> Vec<Entry> {
        let from = self.handed + 1;
        self.handed = self.last_index();
        if from > self.handed {
            return Vec::new();
        }
        self.entries[self.offset(from)..].to_vec()
    }

    /// Whether committed entries wait to be handed out for applying.
    pub fn has_unapplied(&self) -> bool {
        self.applied < self.commit.min(self.handed)
    }

    /// Takes committed entries not yet handed out for applying, limited to entries already
    /// handed out for persistence (an entry is durable before it is applied).
    pub fn take_unapplied(&mut self) -> Vec<Entry> {
        let to = self.commit.min(self.handed);
        if to <= self.applied {
            return Vec::new();
        }
        let out = self.entries[self.offset(self.applied + 1)..=self.offset(to)].to_vec();
        self.applied = to;
        out
    }

    /// Records that the log up to `(index, term)`, as handed out, is durable. Ignored if that
    /// entry was since replaced or compacted away (its replacement is durable only later).
    pub fn stable_to(&mut self, index: Index, term: Term) {
        if self.term_at(index) == Some(term) && index <= self.handed {
            self.stable = self.stable.max(index);
        }
    }

    /// Replaces the whole log with a snapshot received from the leader (§7). Everything up to
    /// its index is committed and counts as handed out for persisting and applying; nothing
    /// of the new log is known durable yet.
    pub fn install_snapshot(&mut self, snapshot: Snapshot) {
        self.snapshot_index = snapshot.index;
        self.snapshot_term = snapshot.term;
        self.entries.clear();
        self.commit = snapshot.index;
        self.applied = snapshot.index;
        self.handed = snapshot.index;
        self.stable = 0;
        self.snapshot = Some(snapshot);
    }

    /// Discards entries up to a snapshot the driver took of its applied state.
    /// Returns false (and changes nothing) if the snapshot is not newer than the current one,
    /// covers unapplied entries, or disagrees with the log about its last entry's term.
    pub fn compact(&mut self, snapshot: Snapshot) -> bool {
        if snapshot.index <= self.snapshot_index
            || snapshot.index > self.applied
            || self.term_at(snapshot.index) != Some(snapshot.term)
        {
            return false;
        }
        let keep_from = self.offset(snapshot.index) + 1;
        self.entries.drain(..keep_from);
        self.snapshot_index = snapshot.index;
        self.snapshot_term = snapshot.term;
        self.snapshot = Some(snapshot);
        true
    }

    /// Checks the documented invariants; used by tests.
    #[cfg(test)]
    pub fn check_invariants(&self) {
        for (i, e) in self.entries.iter().enumerate() {
            assert_eq!(e.index, self.snapshot_index + 1 + i as Index);
        }
        let mut term = self.snapshot_term;
        for e in &self.entries {
            assert!(e.term >= term, "terms decrease at {}", e.index);
            term = e.term;
        }
        assert!(self.snapshot_index <= self.applied);
        assert!(self.applied <= self.commit);
        assert!(self.commit <= self.last_index());
        assert!(self.applied <= self.handed);
        assert!(self.stable <= self.handed);
        assert!(self.handed <= self.last_index());
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn entry(index: Index, term: Term) -> Entry {
        Entry {
            index,
            term,
            data: Some(Bytes::from(format!("{index}@{term}"))),
            membership: None,
        }
    }

    /// A log with the given terms at indexes 1.., everything handed, durable and nothing committed.
    fn log_of(terms: &[Term]) -> RaftLog {
        let entries = terms
            .iter()
            .enumerate()
            .map(|(i, &t)| entry(i as Index + 1, t))
            .collect();
        RaftLog::restore(None, entries, 0)
    }

    fn terms(log: &RaftLog) -> Vec<Term> {
        (1..=log.last_index())
            .map(|i| log.term_at(i).expect("in range"))
            .collect()
    }

    #[test]
    fn empty_log() {
        let log = log_of(&[]);
        assert_eq!(log.last_index(), 0);
        assert_eq!(log.last_term(), 0);
        assert_eq!(log.term_at(0), Some(0));
        assert_eq!(log.term_at(1), None);
        log.check_invariants();
    }

    #[test]
    fn restore_clamps_commit_to_the_log() {
        let log = RaftLog::restore(None, vec![entry(1, 1), entry(2, 1)], 5);
        assert_eq!(log.commit(), 2);
        let snap = Snapshot {
            index: 4,
            term: 2,
            data: Bytes::new(),
            membership: None,
        };
        let log = RaftLog::restore(Some(snap), vec![entry(5, 2)], 1);
        assert_eq!(log.commit(), 4, "the snapshot is committed");
        assert_eq!(log.applied(), 4);
        log.check_invariants();
    }

    #[test]
    fn merge_keeps_matching_entries() {
        let mut log = log_of(&[1, 1, 2]);
        // A stale AppendEntries carrying a prefix must not truncate the tail.
        log.merge(&[entry(2, 1)]);
        assert_eq!(terms(&log), vec![1, 1, 2]);
        log.check_invariants();
    }

    #[test]
    fn merge_truncates_only_the_conflicting_suffix() {
        let mut log = log_of(&[1, 1, 2, 2]);
        log.merge(&[entry(2, 1), entry(3, 3)]);
        assert_eq!(terms(&log), vec![1, 1, 3]);
        assert_eq!(log.stable(), 2, "truncation pulls the durable index back");
        log.check_invariants();
    }

    #[test]
    fn merge_appends_past_the_end() {
        let mut log = log_of(&[1]);
        log.merge(&[entry(2, 1), entry(3, 2)]);
        assert_eq!(terms(&log), vec![1, 1, 2]);
        assert!(log.has_unhanded());
        assert_eq!(
            log.take_unhanded()
                .iter()
                .map(|e| e.index)
                .collect::<Vec<_>>(),
            vec![2, 3]
        );
        log.check_invariants();
    }

    #[test]
    #[should_panic(expected = "committed entry")]
    fn merge_panics_on_a_committed_conflict() {
        let mut log = log_of(&[1, 1]);
        log.commit_to(2);
        log.merge(&[entry(2, 2)]);
    }

    #[test]
    fn reject_hint_points_at_the_first_index_of_the_conflicting_term() {
        let log = log_of(&[1, 2, 2, 2, 3]);
        assert_eq!(log.reject_hint(4), (2, 2));
        assert_eq!(log.reject_hint(5), (5, 3));
        assert_eq!(log.reject_hint(9), (6, 0), "too short: last index + 1");
    }

    #[test]
    fn last_index_of_term() {
        let log = log_of(&[1, 2, 2, 4]);
        assert_eq!(log.last_index_of_term(2), Some(3));
        assert_eq!(log.last_index_of_term(3), None);
        assert_eq!(log.last_index_of_term(4), Some(4));
        assert_eq!(log.last_index_of_term(5), None);
    }

    #[test]
    fn is_up_to_date_compares_term_then_index() {
        let log = log_of(&[1, 2, 2]);
        assert!(log.is_up_to_date(3, 2));
        assert!(log.is_up_to_date(9, 2));
        assert!(!log.is_up_to_date(2, 2));
        assert!(log.is_up_to_date(1, 3));
        assert!(!log.is_up_to_date(9, 1));
    }

    #[test]
    fn slice_respects_max_bytes_but_sends_at_least_one() {
        let log = log_of(&[1, 1, 1, 1]); // each entry's data is 3 bytes ("1@1")
        assert_eq!(log.slice(1, 4, 0).len(), 1);
        assert_eq!(log.slice(1, 4, 6).len(), 2);
        assert_eq!(log.slice(2, 4, 100).len(), 3);
        assert!(log.slice(5, 4, 100).is_empty());
    }

    #[test]
    fn committed_entries_wait_until_handed_out() {
        let mut log = log_of(&[1]);
        log.merge(&[entry(2, 1), entry(3, 1)]);
        log.commit_to(3);
        // Entries 2 and 3 were not handed out for persistence yet: only 1 may be applied.
        assert_eq!(
            log.take_unapplied()
                .iter()
                .map(|e| e.index)
                .collect::<Vec<_>>(),
            vec![1]
        );
        log.take_unhanded();
        assert_eq!(
            log.take_unapplied()
                .iter()
                .map(|e| e.index)
                .collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert!(!log.has_unapplied());
        log.check_invariants();
    }

    #[test]
    fn stable_to_ignores_replaced_entries() {
        let mut log = log_of(&[1, 1]);
        log.merge(&[entry(3, 1)]);
        log.take_unhanded();
        // Before the driver confirms, a new leader replaces entry 3.
        log.merge(&[entry(3, 2)]);
        log.stable_to(3, 1);
        assert_eq!(log.stable(), 2);
        log.take_unhanded();
        log.stable_to(3, 2);
        assert_eq!(log.stable(), 3);
        log.check_invariants();
    }

    #[test]
    fn compact_discards_applied_prefix() {
        let mut log = log_of(&[1, 1, 2, 2]);
        log.commit_to(3);
        log.take_unapplied();
        let too_far = Snapshot {
            index: 4,
            term: 2,
            data: Bytes::new(),
            membership: None,
        };
        assert!(!log.compact(too_far), "cannot compact past applied");
        let wrong_term = Snapshot {
            index: 3,
            term: 1,
            data: Bytes::new(),
            membership: None,
        };
        assert!(!log.compact(wrong_term));
        assert!(log.compact(Snapshot {
            index: 3,
            term: 2,
            data: Bytes::from_static(b"s"),
            membership: None,
        }));
        assert_eq!(log.snapshot_index(), 3);
        assert_eq!(log.term_at(2), None);
        assert_eq!(log.term_at(3), Some(2));
        assert_eq!(log.term_at(4), Some(2));
        assert_eq!(log.last_index_of_term(1), None);
        assert_eq!(log.last_index_of_term(2), Some(4));
        log.check_invariants();
    }

    #[test]
    fn install_snapshot_replaces_the_log() {
        let mut log = log_of(&[1, 1, 2]);
        log.install_snapshot(Snapshot {
            index: 10,
            term: 3,
            data: Bytes::new(),
            membership: None,
        });
        assert_eq!(log.last_index(), 10);
        assert_eq!(log.last_term(), 3);
        assert_eq!(log.commit(), 10);
        assert_eq!(log.applied(), 10);
        assert!(!log.has_unhanded());
        log.stable_to(10, 3);
        assert_eq!(log.stable(), 10);
        log.check_invariants();
    }
}
