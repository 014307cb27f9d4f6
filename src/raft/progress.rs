//! What a leader knows about one follower's log, and how it paces replication to it.
//!
//! Every change to a follower's replication state goes through a `Progress` method, so the
//! state machine below is the whole story of how a leader talks to a follower:
//!
//! ```text
//!                   reject
//!   Replicate ─────────────────▶ Probe ──── success reaching next - 1 ───▶ Replicate
//!       │                          │
//!       │ next entry compacted away (in either state)
//!       ▼                          ▼
//!   Snapshot ── acked at or past the snapshot index ──▶ Replicate
//!       └────── no ack within the timeout ──▶ Probe (which resends the snapshot if needed)
//! ```
//!
//! - **Probe**: the leader does not know where the logs match. It sends one `AppendEntries`
//!   at a time and waits for its answer (or for any answer, such as a heartbeat's) before
//!   sending the next; rejections move `next_index` back using the follower's hint.
//! - **Replicate**: the logs match up to `match_index`; the leader streams entries, moving
//!   `next_index` forward optimistically, with at most `max_inflight_appends` unacknowledged.
//! - **Snapshot**: an `InstallSnapshot` is in flight; nothing else is sent.

use std::collections::VecDeque;

use super::message::Index;

/// How the leader currently replicates to a follower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressState {
    /// One append at a time until the match point is found.
    Probe,
    /// Pipelined appends after a known match point.
    Replicate,
    /// A snapshot up to `index` is in flight, sent `elapsed_ticks` ago.
    Snapshot {
        /// The snapshot's last index.
        index: Index,
        /// Ticks since the snapshot was sent.
        elapsed_ticks: u64,
        /// Ticks after which it is presumed lost.
        timeout_ticks: u64,
    },
}

/// Replication progress of one follower, kept by the leader (§5.3).
///
/// Invariants (checked by `check_invariants` in tests):
/// - `match_index < next_index`.
/// - `match_index` never decreases.
/// - `inflight` is strictly increasing, each element in `(match_index, next_index)`, and is
///   empty unless the state is `Replicate`.
#[derive(Clone, Debug)]
pub struct Progress {
    /// Highest index known replicated on the follower; 0 if unknown.
    match_index: Index,
    /// Index of the next entry to send.
    next_index: Index,
    /// The replication state.
    state: ProgressState,
    /// In `Probe`: an append was sent and no answer arrived since.
    probe_sent: bool,
    /// In `Replicate`: the last index of each unacknowledged append carrying entries.
    inflight: VecDeque<Index>,
    /// The follower answered since the last check-quorum round.
    recent_active: bool,
    /// Highest `read_seq` the follower echoed in any `AppendEntriesResponse` this term.
    read_seq: u64,
    /// Highest commit index the follower can take from what was sent to it: the commit index
    /// an append carried, capped at the last index that append proves matching.
    commit_sent: Index,
}

impl Progress {
    /// A follower whose log is unknown: probe from `next_index` (the leader's last index + 1).
    pub fn new(next_index: Index) -> Progress {
        Progress {
            match_index: 0,
            next_index,
            state: ProgressState::Probe,
            probe_sent: false,
            inflight: VecDeque::new(),
            recent_active: false,
            read_seq: 0,
            commit_sent: 0,
        }
    }

    /// Highest index known replicated on the follower.
    pub fn match_index(&self) -> Index {
        self.match_index
    }

    /// Index of the next entry to send.
    pub fn next_index(&self) -> Index {
        self.next_index
    }

    /// How many appends wait for their answer.
    pub fn in_flight(&self) -> usize {
        self.inflight.len()
    }

    /// The replication state.
    pub fn state(&self) -> ProgressState {
        self.state
    }

    /// Whether the leader must wait before sending this follower another append.
    pub fn is_paused(&self, max_inflight: usize) -> bool {
        match self.state {
            ProgressState::Probe => self.probe_sent,
            ProgressState::Replicate => self.inflight.len() >= max_inflight,
            ProgressState::Snapshot { .. } => true,
        }
    }

    /// Records an append sent from `next_index` whose last entry is `last_sent`
    /// (`next_index - 1` when it carried no entries).
    pub fn on_append_sent(&mut self, last_sent: Index) {
        match self.state {
            ProgressState::Probe => self.probe_sent = true,
            ProgressState::Replicate => {
                if last_sent >= self.next_index {
                    self.next_index = last_sent + 1;
                    self.inflight.push_back(last_sent);
                }
            }
            ProgressState::Snapshot { .. } => {}
        }
    }

    /// Records an `InstallSnapshot` up to `index` sent to the follower, presumed lost if
    /// unanswered for `timeout_ticks`.
    pub fn on_snapshot_sent(&mut self, index: Index, timeout_ticks: u64) {
        self.state = ProgressState::Snapshot {
            index,
            elapsed_ticks: 0,
            timeout_ticks,
        };
        self.inflight.clear();
        self.probe_sent = false;
    }

    /// Handles a successful `AppendEntriesResponse` saying the logs match up to `match_index`.
    /// Returns whether `match_index` advanced.
    ///
    /// A success that does not advance the match point (typically a heartbeat's answer) still
    /// proves the follower is reachable: it unpauses a probe and frees one in-flight slot of a
    /// full pipeline, so lost appends are eventually detected by a rejection.
    pub fn on_append_success(&mut self, match_index: Index) -> bool {
        let advanced = match_index > self.match_index;
        if advanced {
            self.match_index = match_index;
            self.inflight.retain(|&i| i > match_index);
        }
        match self.state {
            ProgressState::Probe => {
                if match_index + 1 >= self.next_index {
                    self.become_replicate();
                } else {
                    self.probe_sent = false;
                }
            }
            ProgressState::Replicate => {
                self.next_index = self.next_index.max(self.match_index + 1);
                if !advanced {
                    self.inflight.pop_front();
                }
            }
            ProgressState::Snapshot { index, .. } => {
                if self.match_index >= index {
                    self.become_replicate();
                }
            }
        }
        advanced
    }

    /// Handles a rejected append; `hinted_next` is where the leader's reading of the
    /// follower's hint says the logs may match. Returns whether the leader should send again.
    /// Ignored while a snapshot is in flight (its answer moves the state on).
    pub fn on_append_reject(&mut self, hinted_next: Index) -> bool {
        if let ProgressState::Snapshot { .. } = self.state {
            return false;
        }
        // Never behind the match point, never forward (a stale rejection must not skip entries).
        self.next_index = hinted_next.min(self.next_index).max(self.match_index + 1);
        self.state = ProgressState::Probe;
        self.probe_sent = false;
        self.inflight.clear();
        true
    }

    /// Advances logical time; a snapshot unanswered for its timeout is presumed lost and the
    /// follower goes back to probing (which resends it if still needed).
    pub fn tick(&mut self) {
        if let ProgressState::Snapshot {
            index,
            elapsed_ticks,
            timeout_ticks,
        } = self.state
        {
            if elapsed_ticks + 1 >= timeout_ticks {
                self.state = ProgressState::Probe;
                self.probe_sent = false;
                self.next_index = self.match_index + 1;
            } else {
                self.state = ProgressState::Snapshot {
                    index,
                    elapsed_ticks: elapsed_ticks + 1,
                    timeout_ticks,
                };
            }
        }
    }

    /// Records that the follower answered, echoing heartbeat sequence `read_seq`.
    pub fn on_response(&mut self, read_seq: u64) {
        self.recent_active = true;
        self.read_seq = self.read_seq.max(read_seq);
    }

    /// Records an append that lets the follower commit up to `usable`.
    pub fn on_commit_sent(&mut self, usable: Index) {
        self.commit_sent = self.commit_sent.max(usable);
    }

    /// Whether the follower holds entries up to `commit` it was never told are committed.
    pub fn needs_commit(&self, commit: Index) -> bool {
        self.commit_sent < commit.min(self.match_index)
    }

    /// Highest heartbeat sequence the follower echoed.
    pub fn read_seq(&self) -> u64 {
        self.read_seq
    }

    /// Whether the follower answered since the last call, and starts a new check-quorum round.
    pub fn take_recent_active(&mut self) -> bool {
        std::mem::replace(&mut self.recent_active, false)
    }

    fn become_replicate(&mut self) {
        self.state = ProgressState::Replicate;
        self.probe_sent = false;
        self.next_index = self.match_index + 1;
        self.inflight.clear();
    }

    /// Checks the documented invariants; used by tests.
    #[cfg(test)]
    pub fn check_invariants(&self) {
        assert!(self.match_index < self.next_index, "{self:?}");
        let mut prev = self.match_index;
        for &i in &self.inflight {
            assert!(i > prev && i < self.next_index, "{self:?}");
            prev = i;
        }
        if self.state != ProgressState::Replicate {
            assert!(self.inflight.is_empty(), "{self:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX_INFLIGHT: usize = 2;

    #[test]
    fn probe_sends_one_at_a_time() {
        let mut pr = Progress::new(11);
        assert!(!pr.is_paused(MAX_INFLIGHT));
        pr.on_append_sent(10);
        assert!(pr.is_paused(MAX_INFLIGHT));
        assert_eq!(
            pr.next_index(),
            11,
            "probing does not move next optimistically"
        );
        pr.check_invariants();
    }

    #[test]
    fn probe_reject_moves_next_back_to_the_hint() {
        let mut pr = Progress::new(11);
        pr.on_append_sent(10);
        assert!(pr.on_append_reject(6));
        assert_eq!(pr.next_index(), 6);
        assert!(!pr.is_paused(MAX_INFLIGHT));
        // A stale rejection cannot move next forward again.
        assert!(pr.on_append_reject(9));
        assert_eq!(pr.next_index(), 6);
        pr.check_invariants();
    }

    #[test]
    fn probe_success_at_next_enters_replicate() {
        let mut pr = Progress::new(6);
        pr.on_append_sent(8);
        assert!(pr.on_append_success(8));
        assert_eq!(pr.state(), ProgressState::Replicate);
        assert_eq!((pr.match_index(), pr.next_index()), (8, 9));
        pr.check_invariants();
    }

    #[test]
    fn heartbeat_answer_unpauses_a_probe() {
        let mut pr = Progress::new(6);
        pr.on_append_success(3);
        pr.on_append_sent(7);
        assert!(pr.is_paused(MAX_INFLIGHT));
        assert!(
            !pr.on_append_success(3),
            "a heartbeat's answer does not advance"
        );
        assert_eq!(pr.state(), ProgressState::Probe);
        assert!(!pr.is_paused(MAX_INFLIGHT));
        pr.check_invariants();
    }

    #[test]
    fn replicate_pipelines_up_to_the_inflight_limit() {
        let mut pr = Progress::new(1);
        pr.on_append_success(0); // an empty probe matched at 0
        assert_eq!(pr.state(), ProgressState::Replicate);
        pr.on_append_sent(3);
        pr.on_append_sent(5);
        assert_eq!(pr.next_index(), 6);
        assert!(pr.is_paused(MAX_INFLIGHT));
        assert!(pr.on_append_success(3));
        assert!(!pr.is_paused(MAX_INFLIGHT));
        // A duplicate of an old ack changes nothing but frees a slot.
        assert!(!pr.on_append_success(2));
        assert_eq!(pr.match_index(), 3);
        pr.check_invariants();
    }

    #[test]
    fn replicate_reject_falls_back_to_probe() {
        let mut pr = Progress::new(1);
        pr.on_append_success(0);
        pr.on_append_sent(3);
        pr.on_append_sent(5);
        pr.on_append_success(3);
        assert!(pr.on_append_reject(2), "clamped to match + 1");
        assert_eq!(pr.state(), ProgressState::Probe);
        assert_eq!(pr.next_index(), 4);
        pr.check_invariants();
    }

    #[test]
    fn snapshot_state_waits_for_the_ack_or_times_out() {
        let mut pr = Progress::new(20);
        pr.on_snapshot_sent(15, 3);
        assert!(pr.is_paused(MAX_INFLIGHT));
        assert!(
            !pr.on_append_reject(3),
            "rejections are ignored while a snapshot is in flight"
        );
        pr.tick();
        pr.tick();
        assert!(matches!(pr.state(), ProgressState::Snapshot { .. }));
        pr.tick();
        assert_eq!(pr.state(), ProgressState::Probe);
        assert_eq!(pr.next_index(), 1);

        let mut pr = Progress::new(20);
        pr.on_snapshot_sent(15, 3);
        assert!(pr.on_append_success(15));
        assert_eq!(pr.state(), ProgressState::Replicate);
        assert_eq!(pr.next_index(), 16);
        pr.check_invariants();
    }

    #[test]
    fn responses_feed_check_quorum_and_read_seq() {
        let mut pr = Progress::new(1);
        assert!(!pr.take_recent_active());
        pr.on_response(4);
        pr.on_response(2);
        assert_eq!(pr.read_seq(), 4, "read_seq never goes back");
        assert!(pr.take_recent_active());
        assert!(!pr.take_recent_active());
    }

    #[test]
    fn commit_notice_needed_only_for_matched_entries() {
        let mut pr = Progress::new(1);
        assert!(!pr.needs_commit(5), "nothing matched yet: nothing to tell");
        pr.on_append_success(3);
        assert!(pr.needs_commit(5));
        pr.on_commit_sent(3);
        assert!(!pr.needs_commit(5), "the follower can commit all it holds");
        pr.on_append_success(4);
        assert!(pr.needs_commit(5));
    }
}
