//! `Node`: one Raft participant as a deterministic state machine.
//!
//! Inputs are `tick`, `step`, `propose`, `read`, `compact` and `transfer_leadership`; they only
//! change memory. Outputs accumulate until the driver takes them with `ready()` and confirms
//! them with `advance()`. Role changes happen only in the `become_*` functions; per-follower
//! replication state changes only through `Progress` methods.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use bytes::Bytes;
use tracing::{debug, info};

use super::log::RaftLog;
use super::message::{
    Entry, Envelope, HardState, Index, Membership, MembershipChange, Message, NodeId, RequestId,
    Snapshot, Term,
};
use super::progress::{Progress, ProgressState};
use super::ready::{ReadState, Ready};
use super::rng::Rng;

/// How many minimum election timeouts a leader waits for a snapshot's answer before it
/// presumes the snapshot lost and probes the follower again (which resends it), plus a tick
/// for every [`SNAPSHOT_BYTES_PER_TICK`] of the snapshot.
pub const SNAPSHOT_TIMEOUT_ELECTIONS: u64 = 2;

/// A leader waits one more tick for a snapshot's answer for every this many bytes of it: the
/// transfer, the follower's install and its write to disk take time in proportion to the size
/// (256 KiB a tick is 25 MB/s at the server's 10 ms tick). Without it, a snapshot that takes
/// longer than the fixed wait is sent again and again while the first is still crossing.
pub const SNAPSHOT_BYTES_PER_TICK: u64 = 256 << 10;

/// Ticks a leader waits for the answer to a snapshot of `bytes` bytes.
pub fn snapshot_timeout_ticks(election_ticks: u64, bytes: u64) -> u64 {
    SNAPSHOT_TIMEOUT_ELECTIONS * election_ticks + bytes / SNAPSHOT_BYTES_PER_TICK
}

/// Static configuration of a node.
#[derive(Clone, Debug)]
pub struct Config {
    /// This node's id.
    pub id: NodeId,
    /// The membership the node starts with when its log and snapshot name none: every node of
    /// a new cluster as a voter, this one included; empty for a node that joins an existing
    /// cluster, which learns its membership from the leader.
    pub bootstrap: Membership,
    /// Minimum election timeout in ticks; each timeout is drawn from `[election_ticks, 2 * election_ticks)`.
    pub election_ticks: u64,
    /// Ticks between a leader's heartbeats; less than `election_ticks`.
    pub heartbeat_ticks: u64,
    /// Upper bound on the bytes of entry data in one `AppendEntries` (at least one entry is always sent).
    pub max_append_bytes: usize,
    /// Maximum `AppendEntries` carrying entries in flight to one follower.
    pub max_inflight_appends: usize,
    /// Maximum proposed-but-uncommitted entries on a leader; further proposals fail with `ProposeError::Busy`.
    pub max_uncommitted_entries: usize,
    /// Whether a leader sends new entries at once only to the followers it needs for a quorum
    /// (see [`LeaderState::flush_targets`]); the others get them with the next heartbeat, in
    /// one batch. Fewer followers then write and fsync each batch, at the cost of commit waiting
    /// for those followers rather than for the fastest ones.
    pub lazy_fan_out: bool,
    /// Whether a new commit index waits for the next append to a follower, or for the next
    /// tick when there is none, instead of going out at once in an empty `AppendEntries` of
    /// its own (a follower waiting to serve a read is still told at once). Under load that
    /// saves every commit an extra message and answer per follower; idle followers apply up
    /// to a tick later.
    pub commit_with_appends: bool,
    /// Whether a leader answers reads from a lease instead of a heartbeat round per read
    /// (thesis §6.4.1): while a quorum acknowledged a round the leader started less than
    /// `lease_ticks()` ago, no other leader can have been elected, because each of those
    /// voters ignores vote requests for `election_ticks` after hearing from it. A node also
    /// ignores vote requests for its first `election_ticks` after it starts (see
    /// `quiet_start`), so a voter that crashed and restarted does not forget the lease it
    /// granted. A leader that starts a leadership transfer gives the lease up for the rest
    /// of its term (the target's campaign bypasses voters' leases).
    ///
    /// This trades a clock assumption for the round: the driver must deliver ticks at the
    /// rate of a monotonic clock, caught up before every input, and no node's ticks may run
    /// faster than another's by more than the margin (a fifth of `election_ticks`).
    pub lease_reads: bool,
    /// Whether the node ignores vote requests for its first `election_ticks` after it starts
    /// even without `lease_reads`: a voter that restarted may have granted a lease it no
    /// longer remembers to a leader that uses leases, whatever this node's own setting. The
    /// server sets it on every node, so that nodes may differ in `lease_reads`.
    pub quiet_start: bool,
    /// Seed of the node's random number generator (election timeouts). The node mixes its id
    /// in, so a cluster may share one seed and still draw different timeouts.
    pub seed: u64,
}

impl Config {
    /// How long a leader's read lease lasts after the heartbeat round that grants it: four
    /// fifths of the minimum election timeout (at least one tick less), the rest being the
    /// margin for clocks.
    pub fn lease_ticks(&self) -> u64 {
        self.election_ticks - (self.election_ticks / 5).max(1)
    }

    /// Checks the configuration's own consistency.
    ///
    /// # Panics
    /// If `id` is 0 or a non-empty bootstrap membership leaves it out, a member is 0,
    /// `heartbeat_ticks` is 0 or not below `election_ticks`, or an inflight/uncommitted limit
    /// is 0.
    fn validate(&self) {
        assert!(self.id != 0, "node id 0 is reserved");
        assert!(
            self.bootstrap.voters.is_empty() || self.bootstrap.contains(self.id),
            "node {} is not in its bootstrap membership {:?}",
            self.id,
            self.bootstrap
        );
        assert!(!self.bootstrap.contains(0), "node id 0 is reserved");
        assert!(
            self.heartbeat_ticks > 0 && self.heartbeat_ticks < self.election_ticks,
            "need 0 < heartbeat_ticks < election_ticks"
        );
        assert!(
            self.max_inflight_appends > 0,
            "max_inflight_appends must be positive"
        );
        assert!(
            self.max_uncommitted_entries > 0,
            "max_uncommitted_entries must be positive"
        );
    }
}

/// What a node recovered from its durable storage at start-up.
#[derive(Clone, Debug, Default)]
pub struct Restored {
    /// The last persisted hard state.
    pub hard_state: HardState,
    /// The latest durable snapshot; the state machine has been restored from it.
    pub snapshot: Option<Snapshot>,
    /// The durable log entries after the snapshot, contiguous.
    pub entries: Vec<Entry>,
}

/// A node's role (§5.1), with pre-candidate for the pre-vote phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleKind {
    /// Follows a leader (or waits for one).
    Follower,
    /// Asks for pre-votes without changing its term (thesis §9.6).
    PreCandidate,
    /// Campaigns for votes in a new term (§5.2).
    Candidate,
    /// Leads its term.
    Leader,
}

/// A read-only view of a node, for INFO and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The node's id.
    pub id: NodeId,
    /// Its current role.
    pub role: RoleKind,
    /// Its current term.
    pub term: Term,
    /// The leader it knows for `term` (itself when leader).
    pub leader: Option<NodeId>,
    /// Highest committed index it knows.
    pub commit: Index,
    /// Highest index handed to the driver to apply.
    pub applied: Index,
    /// Index of its last log entry.
    pub last_index: Index,
    /// Index of the last entry covered by its snapshot; 0 without one.
    pub snapshot_index: Index,
    /// The membership in force.
    pub membership: Arc<Membership>,
    /// Members whose message stream from this node is up. The core cannot know: it leaves
    /// this empty, and the driver fills it in from the transport.
    pub connected: Vec<NodeId>,
    /// On a leader, each other member and the highest index it is known to hold; empty
    /// otherwise.
    pub matched: Vec<(NodeId, Index)>,
    /// On a leader handing over leadership, the member it hands it to.
    pub transfer_target: Option<NodeId>,
    /// Read requests (one per local read, one per follower's `ReadIndex`) this node answered
    /// as leader from its lease, since it started.
    pub reads_by_lease: u64,
    /// Read requests this node answered as leader after a heartbeat round, since it started.
    pub reads_by_round: u64,
}

/// Why a proposal was refused. All are retryable by the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProposeError {
    /// This node is not the leader; `leader` is the one it knows, if any.
    #[error("not the leader")]
    NotLeader {
        /// The known leader of the current term.
        leader: Option<NodeId>,
    },
    /// The leader is handing over leadership and takes no new proposals.
    #[error("leadership transfer in progress")]
    Transferring,
    /// `max_uncommitted_entries` entries already wait for commitment.
    #[error("too many uncommitted entries")]
    Busy,
}

/// Why a membership change was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    /// This node is not the leader; `leader` is the one it knows, if any.
    #[error("not the leader")]
    NotLeader {
        /// The known leader of the current term.
        leader: Option<NodeId>,
    },
    /// The last change is not committed yet, the leader has not committed an entry of its
    /// term, or it is handing over leadership. Retryable.
    #[error("another membership change is in progress")]
    Busy,
    /// The change makes no sense for the current membership.
    #[error("{0}")]
    Invalid(String),
}

/// Why a read could not be started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// This node knows no leader to confirm the read with.
    #[error("no known leader")]
    NoLeader,
}

/// A deliberately wrong behaviour, switched on in tests to prove the simulation's invariant
/// checkers catch real bugs. Compiled only with the `bug-injection` feature.
#[cfg(feature = "bug-injection")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bug {
    /// The leader commits an entry of an earlier term by counting replicas (breaks §5.4.2).
    CommitPreviousTermByCount,
    /// `Ready::hard_state` always carries `vote: None`, so a restarted node forgets its vote.
    ForgetVoteOnRestart,
    /// A follower accepts `AppendEntries` from a leader of an older term, and answers it in
    /// that term.
    AcceptStaleTermAppend,
    /// A follower overwrites entries in place and keeps a conflicting tail after them.
    NoConflictTruncation,
    /// The leader answers reads at once, without confirming leadership or committing its no-op.
    ReadIndexWithoutQuorum,
    /// With `lease_reads`, a leader's lease lasts three election timeouts: longer than voters
    /// ignore other candidates, so a new leader can commit while the old one still reads.
    LeaseOutlivesVoters,
    /// `advance_unpersisted` counts the leader's entries as durable before their write is.
    CountUnpersistedEntries,
    /// The leader takes a membership change while the last one is still uncommitted (two
    /// single-server changes in flight can form majorities that do not overlap).
    ConcurrentMembershipChanges,
}

/// A read waiting on the leader for its heartbeat round.
#[derive(Clone, Debug)]
struct PendingRead {
    /// The client's request.
    id: RequestId,
    /// The follower that forwarded it; `None` when made on the leader itself.
    from: Option<NodeId>,
    /// The heartbeat round that must be acknowledged by a quorum: the first one started
    /// after the read arrived. A forwarding follower counts toward that quorum without
    /// acknowledging the round (see `confirmed_round`).
    seq: u64,
    /// The commit index when the read arrived, if the leader had committed its no-op by then;
    /// otherwise the read gets the commit index at the moment the no-op commits.
    index: Option<Index>,
}

/// A leadership transfer in progress (thesis §3.10).
#[derive(Clone, Copy, Debug)]
struct Transfer {
    /// The follower that is to take over.
    target: NodeId,
    /// Ticks since the transfer started; it is abandoned after an election timeout.
    elapsed_ticks: u64,
}

/// State only a leader has.
#[derive(Clone, Debug)]
struct LeaderState {
    /// Replication progress of every other member, voters and learners.
    progress: BTreeMap<NodeId, Progress>,
    /// Index of the no-op this leader appended; reads wait until it commits (thesis §6.4).
    noop_index: Index,
    /// Sequence number of the latest heartbeat round; every `AppendEntries` carries it.
    read_seq: u64,
    /// Reads waiting for confirmation, in arrival (and so `seq`) order.
    reads: VecDeque<PendingRead>,
    /// With `lease_reads`: the heartbeat rounds that can still grant a lease, oldest first,
    /// each with the tick it started at.
    round_ticks: VecDeque<(u64, u64)>,
    /// A leadership transfer was started in this term: no more lease reads.
    lease_forfeited: bool,
    /// The leadership transfer in progress, if any.
    transfer: Option<Transfer>,
    /// Ticks since the last heartbeat round.
    heartbeat_elapsed: u64,
    /// With `lazy_fan_out`: send every follower what it lacks on the next flush (a heartbeat
    /// is due, or the log is about to be compacted).
    flush_all: bool,
    /// Followers that were just given a read index, and need the commit index (with
    /// `lazy_fan_out`, also the entries) up to it on the next flush to serve the read.
    readers: BTreeSet<NodeId>,
    /// With `commit_with_appends`: a tick passed since the last flush, so followers that hold
    /// committed entries without knowing it hear the commit index on the next flush even
    /// with no entries to send.
    commit_due: bool,
}

impl LeaderState {
    /// Whether `peer`, which holds committed entries it was not told of, hears the commit
    /// index on the next flush even without entries to send.
    fn tells_commit(&self, peer: NodeId, commit_with_appends: bool) -> bool {
        !commit_with_appends || self.commit_due || self.readers.contains(&peer)
    }

    /// With `lazy_fan_out`, the followers that get new entries as soon as there are any: the
    /// `quorum - 1` followers that replicate and hold the most of the log (the lower id among
    /// equals, so the choice is stable), which with the leader make a quorum; and besides
    /// them every follower still probing, the target of a leadership transfer, and followers
    /// waiting for a read. A follower that falls behind is overtaken by one that caught up at
    /// a heartbeat, and drops out.
    fn eager_peers(&self, quorum: usize, membership: &Membership) -> BTreeSet<NodeId> {
        let mut replicating: Vec<(NodeId, Index)> = Vec::new();
        let mut eager = self.readers.clone();
        eager.extend(self.transfer.map(|t| t.target));
        for (&id, pr) in &self.progress {
            match pr.state() {
                // A learner is fed at once: it is catching up to become a voter.
                ProgressState::Replicate if membership.is_voter(id) => {
                    replicating.push((id, pr.match_index()))
                }
                _ => {
                    eager.insert(id);
                }
            }
        }
        replicating.sort_by_key(|&(id, match_index)| (std::cmp::Reverse(match_index), id));
        eager.extend(
            replicating
                .iter()
                .take(quorum.saturating_sub(1))
                .map(|&(id, _)| id),
        );
        eager
    }

    /// The followers a flush of appends considers now, each with how many appends it may
    /// get (any of them may hear of a newer commit index). Without `lazy_fan_out`: every
    /// follower, as many as it may take. With it: the eager ones so, and on a full flush the
    /// others too, but only once every append they were sent before was answered: a follower
    /// that is down or slow costs one round of appends, not a pipeline per heartbeat, while
    /// one that keeps up can take any amount at each heartbeat.
    fn flush_targets(
        &self,
        quorum: usize,
        lazy: bool,
        membership: &Membership,
    ) -> Vec<(NodeId, usize)> {
        if !lazy {
            return self.progress.keys().map(|&id| (id, usize::MAX)).collect();
        }
        let eager = self.eager_peers(quorum, membership);
        self.progress
            .iter()
            .filter(|(id, _)| self.flush_all || eager.contains(id))
            .map(|(&id, pr)| {
                let appends = if eager.contains(&id) || pr.in_flight() == 0 {
                    usize::MAX
                } else {
                    0
                };
                (id, appends)
            })
            .collect()
    }
}

/// Role-specific state (§5.1, with the thesis' pre-candidate).
#[derive(Clone, Debug)]
enum Role {
    /// Follows `leader` (once known) and forwards reads to it.
    Follower {
        /// The leader of the current term, once heard from.
        leader: Option<NodeId>,
        /// Reads waiting for `leader`'s read index, in arrival order, each with the request
        /// that carries it: the reads of one `ready()` share a single `ReadIndex` message,
        /// named after the last of them. `None` until that message is sent.
        forwarded_reads: Vec<(RequestId, Option<RequestId>)>,
        /// The `ReadIndex` request awaiting the leader's answer, and ticks since it was sent.
        /// One at a time: reads arriving meanwhile wait and share the next request, so a busy
        /// follower costs the leader one heartbeat round per answer rather than per turn.
        read_in_flight: Option<(RequestId, u64)>,
    },
    /// Collects pre-votes for a campaign in `term + 1`.
    PreCandidate {
        /// Answers received, self included: granted or not.
        votes: BTreeMap<NodeId, bool>,
    },
    /// Collects votes in its term.
    Candidate {
        /// Answers received, self included: granted or not.
        votes: BTreeMap<NodeId, bool>,
    },
    /// Leads the current term.
    Leader(Box<LeaderState>),
}

/// One Raft participant.
///
/// Invariants:
/// - `term` never decreases; `vote` changes only when `term` increases or from `None`.
/// - At most one `Leader` per term across the cluster (given durable votes).
/// - Entries in `Ready::committed_entries` were handed out in the same or an earlier
///   `Ready::entries` (durable before applied).
/// - The leader counts its own log toward commitment only up to what `advance()` confirmed.
pub struct Node {
    /// This node's id.
    id: NodeId,
    /// The membership in force: the latest in the log, committed or not (thesis §4.1).
    membership: Arc<Membership>,
    /// The membership as of the snapshot (the bootstrap one before any).
    base_membership: Membership,
    /// The membership changes in the log after the snapshot: index, term and membership.
    membership_log: Vec<(Index, Term, Membership)>,
    /// Size of the snapshot's data when the log holds only its position (the driver keeps
    /// the data on disk): see [`Node::set_snapshot_bytes`].
    snapshot_bytes: u64,
    /// Counts changes of `membership`, so the driver can tell when to look again.
    membership_version: u64,
    /// The static configuration.
    config: Config,
    /// Current term (§5.1).
    term: Term,
    /// Candidate voted for in `term`.
    vote: Option<NodeId>,
    /// The log and its commit/apply/durability bookkeeping.
    log: RaftLog,
    /// Role-specific state.
    role: Role,
    /// Ticks since the election timer was reset (on a leader: since the last check-quorum).
    election_elapsed: u64,
    /// Ticks since the node started: its clock for read leases.
    ticks: u64,
    /// See `Status::reads_by_lease`.
    reads_by_lease: u64,
    /// See `Status::reads_by_round`.
    reads_by_round: u64,
    /// The current randomized election timeout, in `[election_ticks, 2 * election_ticks)`.
    election_timeout: u64,
    /// Seeded randomness for election timeouts.
    rng: Rng,
    /// Messages waiting for the next `Ready`.
    messages: Vec<Envelope>,
    /// Read outcomes waiting for the next `Ready`.
    read_states: Vec<ReadState>,
    /// A snapshot received from the leader, waiting for the next `Ready`.
    snapshot_to_persist: Option<Snapshot>,
    /// The hard state as of the last `Ready` (or as restored).
    last_hard_state: HardState,
    /// The last entry of the log when the last `Ready` was taken: durable on `advance()`.
    handed_last: Option<(Index, Term)>,
    /// Injected bugs that are switched on.
    #[cfg(feature = "bug-injection")]
    bugs: std::collections::BTreeSet<Bug>,
}

impl Node {
    /// Creates a node from its configuration and what it recovered from disk. The node starts
    /// as a follower of no one; committed entries after the snapshot are handed out again in
    /// the first `Ready` so the driver can replay them.
    ///
    /// # Panics
    /// If the configuration is inconsistent (see `Config`) or the restored entries are not
    /// contiguous after the snapshot.
    pub fn new(config: Config, restored: Restored) -> Node {
        config.validate();
        let base_membership = restored
            .snapshot
            .as_ref()
            .and_then(|s| s.membership.clone())
            .unwrap_or_else(|| config.bootstrap.clone());
        let membership_log: Vec<(Index, Term, Membership)> = restored
            .entries
            .iter()
            .filter_map(|e| Some((e.index, e.term, (**e.membership.as_ref()?).clone())))
            .collect();
        let log = RaftLog::restore(
            restored.snapshot,
            restored.entries,
            restored.hard_state.commit,
        );
        let hard_state = HardState {
            term: restored.hard_state.term,
            vote: restored.hard_state.vote,
            commit: log.commit(),
        };
        let membership = Arc::new(
            membership_log
                .last()
                .map_or(&base_membership, |(_, _, m)| m)
                .clone(),
        );
        let rng = Rng::new(config.seed ^ config.id.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mut node = Node {
            id: config.id,
            membership,
            base_membership,
            membership_log,
            snapshot_bytes: 0,
            membership_version: 0,
            config,
            term: hard_state.term,
            vote: hard_state.vote,
            log,
            role: Role::Follower {
                leader: None,
                forwarded_reads: Vec::new(),
                read_in_flight: None,
            },
            election_elapsed: 0,
            ticks: 0,
            reads_by_lease: 0,
            reads_by_round: 0,
            election_timeout: 0,
            rng,
            messages: Vec::new(),
            read_states: Vec::new(),
            snapshot_to_persist: None,
            last_hard_state: hard_state,
            handed_last: None,
            #[cfg(feature = "bug-injection")]
            bugs: std::collections::BTreeSet::new(),
        };
        node.reset_election_timer();
        info!(
            node = node.id,
            term = node.term,
            commit = node.log.commit(),
            last_index = node.log.last_index(),
            snapshot_index = node.log.snapshot_index(),
            "raft node started"
        );
        node
    }

    /// Switches on an injected bug (tests only).
    #[cfg(feature = "bug-injection")]
    pub fn inject_bug(&mut self, bug: Bug) {
        self.bugs.insert(bug);
    }

    #[cfg(feature = "bug-injection")]
    fn has_bug(&self, bug: Bug) -> bool {
        self.bugs.contains(&bug)
    }

    // ---------------------------------------------------------------------------------------
    // Inputs
    // ---------------------------------------------------------------------------------------

    /// Advances logical time by one tick: election timeouts on followers and candidates;
    /// heartbeats, check-quorum and transfer timeouts on the leader.
    pub fn tick(&mut self) {
        self.ticks += 1;
        if matches!(self.role, Role::Leader(_)) {
            self.tick_leader();
            return;
        }
        self.expire_read_in_flight();
        self.election_elapsed += 1;
        if self.election_elapsed >= self.election_timeout {
            if self.campaign_membership().is_none() {
                // A learner, a node yet to join or one removed: it does not campaign. Forget
                // the leader, so the lease lets others' elections through.
                if let Role::Follower { leader, .. } = &mut self.role
                    && leader.take().is_some()
                {
                    debug!(node = self.id, term = self.term, "leader silent");
                    self.abort_reads();
                }
                self.reset_election_timer();
                return;
            }
            debug!(node = self.id, term = self.term, "election timeout");
            self.become_pre_candidate();
        }
    }

    fn tick_leader(&mut self) {
        let lease_ticks = self.lease_ticks();
        let election_ticks = self.config.election_ticks;
        let heartbeat_ticks = self.config.heartbeat_ticks;
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        lead.heartbeat_elapsed += 1;
        lead.commit_due = true;
        // Rounds started `lease_ticks` ago or earlier can grant no lease any more.
        while lead
            .round_ticks
            .front()
            .is_some_and(|&(_, started)| started + lease_ticks <= self.ticks)
        {
            lead.round_ticks.pop_front();
        }
        let heartbeat_due = lead.heartbeat_elapsed >= heartbeat_ticks;
        if heartbeat_due {
            lead.heartbeat_elapsed = 0;
        }
        for pr in lead.progress.values_mut() {
            pr.tick();
        }
        if let Some(transfer) = &mut lead.transfer {
            transfer.elapsed_ticks += 1;
            if transfer.elapsed_ticks >= election_ticks {
                info!(
                    node = self.id,
                    term = self.term,
                    target = transfer.target,
                    "leadership transfer timed out"
                );
                lead.transfer = None;
            }
        }
        if heartbeat_due {
            // With lazy fan-out, the followers that are not needed for commit catch up now.
            lead.flush_all = true;
            self.broadcast_heartbeat();
        }
        self.election_elapsed += 1;
        if self.election_elapsed >= election_ticks {
            self.election_elapsed = 0;
            self.check_quorum();
        }
    }

    /// Check-quorum (thesis §6.2): a leader that did not hear from a quorum within an election
    /// timeout steps down, so a partitioned leader stops serving reads and taking writes.
    fn check_quorum(&mut self) {
        let quorum = self.quorum();
        let me = usize::from(self.membership.is_voter(self.id));
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        let membership = &self.membership;
        let active = me
            + lead
                .progress
                .iter_mut()
                .map(|(&id, pr)| pr.take_recent_active() && membership.is_voter(id))
                .filter(|&a| a)
                .count();
        if active < quorum {
            info!(
                node = self.id,
                term = self.term,
                active,
                "lost quorum, stepping down"
            );
            self.become_follower(self.term, None);
        }
    }

    /// Handles a message from a peer. Messages for another node or from a stale term are
    /// dropped (stale leaders and candidates are told the current term). Messages from nodes
    /// outside the membership are taken: a node may learn of a change later than its peers.
    pub fn step(&mut self, envelope: Envelope) {
        let Envelope {
            from,
            to,
            term,
            message,
        } = envelope;
        if to != self.id || from == self.id || from == 0 {
            debug!(node = self.id, from, to, "dropping misaddressed message");
            return;
        }
        debug!(
            node = self.id,
            term = self.term,
            from,
            msg_term = term,
            message = message_kind(&message),
            "step"
        );

        if term > self.term {
            match &message {
                Message::RequestVote {
                    pre_vote, transfer, ..
                } => {
                    if !transfer && self.in_leader_lease() {
                        debug!(
                            node = self.id,
                            from, "ignoring vote request within leader lease"
                        );
                        return;
                    }
                    if !pre_vote {
                        self.become_follower(term, None);
                    }
                }
                // A granted pre-vote carries the term the candidate would campaign in.
                Message::RequestVoteResponse {
                    pre_vote: true,
                    granted: true,
                } => {}
                Message::AppendEntries { .. }
                | Message::InstallSnapshot { .. }
                | Message::TimeoutNow => {
                    self.become_follower(term, Some(from));
                }
                _ => self.become_follower(term, None),
            }
        } else if term < self.term {
            #[cfg(feature = "bug-injection")]
            if self.has_bug(Bug::AcceptStaleTermAppend)
                && !matches!(self.role, Role::Leader(_))
                && let Message::AppendEntries {
                    prev_index,
                    prev_term,
                    entries,
                    commit,
                    read_seq,
                } = &message
            {
                let entries = entries.clone();
                self.handle_append_entries(
                    from,
                    *prev_index,
                    *prev_term,
                    entries,
                    *commit,
                    *read_seq,
                );
                // Answer in the stale leader's term, so it counts the acknowledgement.
                if let Some(response) = self.messages.last_mut() {
                    response.term = term;
                }
                return;
            }
            self.handle_stale(from, term, &message);
            return;
        }

        match message {
            Message::AppendEntries {
                prev_index,
                prev_term,
                entries,
                commit,
                read_seq,
            } => {
                if !self.accept_leader(from) {
                    return;
                }
                self.handle_append_entries(from, prev_index, prev_term, entries, commit, read_seq);
            }
            Message::AppendEntriesResponse {
                success,
                match_index,
                reject_hint_index,
                reject_hint_term,
                read_seq,
                last_index: _,
            } => self.handle_append_response(
                from,
                success,
                match_index,
                reject_hint_index,
                reject_hint_term,
                read_seq,
            ),
            Message::RequestVote {
                last_index,
                last_term,
                pre_vote,
                transfer: _,
            } => self.handle_request_vote(from, term, last_index, last_term, pre_vote),
            Message::RequestVoteResponse { granted, pre_vote } => {
                self.handle_vote_response(from, term, granted, pre_vote)
            }
            Message::InstallSnapshot { snapshot } => {
                if !self.accept_leader(from) {
                    return;
                }
                self.handle_install_snapshot(from, snapshot);
            }
            Message::ReadIndex { id } => self.handle_read_index(from, id),
            Message::ReadIndexResponse { id, index } => self.handle_read_index_response(id, index),
            Message::TimeoutNow => {
                if matches!(self.role, Role::Follower { leader: Some(l), .. } if l == from)
                    && self.campaign_membership().is_some()
                {
                    info!(
                        node = self.id,
                        term = self.term,
                        from,
                        "timeout-now received, campaigning"
                    );
                    self.become_candidate(true);
                }
            }
        }
    }

    /// Appends a command to the leader's log; returns its index and term. The command has been
    /// applied with that outcome when an entry with that index *and term* is applied.
    ///
    /// # Errors
    /// `NotLeader` off the leader, `Transferring` during a leadership transfer, `Busy` when
    /// `max_uncommitted_entries` entries already wait for commitment.
    pub fn propose(&mut self, data: Bytes) -> Result<(Index, Term), ProposeError> {
        let Role::Leader(lead) = &self.role else {
            return Err(ProposeError::NotLeader {
                leader: self.leader(),
            });
        };
        if lead.transfer.is_some() {
            return Err(ProposeError::Transferring);
        }
        let uncommitted = self.log.last_index() - self.log.commit();
        if uncommitted >= self.config.max_uncommitted_entries as Index {
            return Err(ProposeError::Busy);
        }
        let index = self.log.last_index() + 1;
        self.log.append(Entry::new(index, self.term, Some(data)));
        debug!(node = self.id, term = self.term, index, "proposed");
        Ok((index, self.term))
    }

    /// On the leader: appends a membership change (one server at a time, thesis §4.1); it takes
    /// effect at once and is done once committed. Returns the entry's index and term. An added
    /// node starts as a learner; the leader makes it a voter in a change of its own once it has
    /// caught up, so that adding it never leaves the cluster waiting for it to catch up.
    ///
    /// # Errors
    /// `NotLeader` off the leader; `Busy` while the last change is uncommitted, before the
    /// leader committed an entry of its term, or during a leadership transfer; `Invalid` for
    /// an id in use, a non-member, or removing the last voter.
    pub fn propose_membership(
        &mut self,
        change: MembershipChange,
    ) -> Result<(Index, Term), ChangeError> {
        if !matches!(self.role, Role::Leader(_)) {
            return Err(ChangeError::NotLeader {
                leader: self.leader(),
            });
        }
        if !self.can_change_membership() {
            return Err(ChangeError::Busy);
        }
        let mut next = (*self.membership).clone();
        match change {
            MembershipChange::Add { id, addr } => {
                if id == 0 {
                    return Err(ChangeError::Invalid("node id 0 is reserved".into()));
                }
                if next.contains(id) {
                    return Err(ChangeError::Invalid(format!(
                        "node {id} is already a member"
                    )));
                }
                next.learners.insert(id, addr);
            }
            MembershipChange::Remove { id } => {
                if !next.contains(id) {
                    return Err(ChangeError::Invalid(format!("node {id} is not a member")));
                }
                next.learners.remove(&id);
                if next.voters.remove(&id).is_some() && next.voters.is_empty() {
                    return Err(ChangeError::Invalid("cannot remove the last voter".into()));
                }
            }
        }
        Ok(self.append_membership(next))
    }

    /// Starts a linearizable read (thesis §6.4); its outcome arrives as a `ReadState` in a
    /// later `Ready`. On the leader the read is confirmed by a heartbeat round started after
    /// it; on a follower it is forwarded to the leader. A read whose leader is lost or changes
    /// is answered with `index: None`; a leader that cannot reach a quorum gives no answer.
    ///
    /// # Errors
    /// `NoLeader` when this node knows no leader.
    pub fn read(&mut self, id: RequestId) -> Result<(), ReadError> {
        match &mut self.role {
            Role::Leader(_) => {
                self.enqueue_read(id, None);
                Ok(())
            }
            Role::Follower {
                leader: Some(_),
                forwarded_reads,
                ..
            } => {
                // Sent from `ready()`, together with every other read that arrives first.
                forwarded_reads.push((id, None));
                Ok(())
            }
            _ => Err(ReadError::NoLeader),
        }
    }

    /// Records a snapshot the driver took of its state machine (at most the applied index) and
    /// discards the log up to it. A snapshot that is not newer than the current one, covers
    /// unapplied entries or disagrees with the log is ignored.
    pub fn compact(&mut self, mut snapshot: Snapshot) {
        let (index, term) = (snapshot.index, snapshot.term);
        let Some(membership) = self.membership_at(index) else {
            debug!(
                node = self.id,
                index, "ignoring compaction below the snapshot"
            );
            return;
        };
        snapshot.membership = Some(membership.clone());
        // Followers fed lazily get the entries about to go while they are still here, or each
        // compaction would cost them a whole snapshot.
        if self.config.lazy_fan_out
            && let Role::Leader(lead) = &mut self.role
        {
            lead.flush_all = true;
            self.flush_appends();
        }
        if self.log.compact(snapshot) {
            debug!(node = self.id, index, term, "log compacted");
            self.base_membership = membership;
            self.membership_log.retain(|&(i, _, _)| i > index);
        } else {
            debug!(
                node = self.id,
                index,
                term,
                applied = self.log.applied(),
                "ignoring compaction"
            );
        }
    }

    /// Records the size of the snapshot's data, for a snapshot the core was given without it
    /// (on [`Node::new`] or [`Node::compact`]): a leader waits for a snapshot's answer in
    /// proportion to its size (see [`snapshot_timeout_ticks`]).
    pub fn set_snapshot_bytes(&mut self, bytes: u64) {
        self.snapshot_bytes = bytes;
    }

    /// On a leader: hands leadership to `to`, or to the most up-to-date follower when `None`
    /// (thesis §3.10). Proposals are refused until the transfer ends; it is abandoned after an
    /// election timeout. Ignored on other roles and for unknown targets.
    pub fn transfer_leadership(&mut self, to: Option<NodeId>) {
        let last_index = self.log.last_index();
        let Role::Leader(lead) = &mut self.role else {
            debug!(node = self.id, "not leader, ignoring leadership transfer");
            return;
        };
        let target = match to {
            Some(to) => to,
            // Highest match index; the lowest id among equals, for determinism.
            None => match lead
                .progress
                .iter()
                .rev()
                .filter(|(id, _)| self.membership.is_voter(**id))
                .max_by_key(|(_, pr)| pr.match_index())
            {
                Some((&id, _)) => id,
                None => return,
            },
        };
        let pr = match lead.progress.get(&target) {
            Some(pr) if self.membership.is_voter(target) => pr,
            _ => {
                debug!(
                    node = self.id,
                    target, "ignoring leadership transfer to a non-voter"
                );
                return;
            }
        };
        info!(
            node = self.id,
            term = self.term,
            target,
            "transferring leadership"
        );
        let caught_up = pr.match_index() == last_index;
        lead.lease_forfeited = true;
        lead.transfer = Some(Transfer {
            target,
            elapsed_ticks: 0,
        });
        if caught_up {
            self.send(target, Message::TimeoutNow);
        } else {
            self.maybe_nudge(target);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Outputs
    // ---------------------------------------------------------------------------------------

    /// Whether `ready()` would return work.
    pub fn has_ready(&self) -> bool {
        if self.hard_state() != self.last_hard_state
            || self.snapshot_to_persist.is_some()
            || self.log.has_unhanded()
            || self.log.has_unapplied()
            || !self.messages.is_empty()
            || !self.read_states.is_empty()
        {
            return true;
        }
        let lead = match &self.role {
            Role::Leader(lead) => lead,
            Role::Follower {
                forwarded_reads,
                read_in_flight,
                ..
            } => {
                return read_in_flight.is_none()
                    && forwarded_reads.last().is_some_and(|(_, c)| c.is_none());
            }
            _ => return false,
        };
        if read_round_due(lead) && !self.read_round_peers().is_empty() {
            return true;
        }
        let targets = lead.flush_targets(self.quorum(), self.config.lazy_fan_out, &self.membership);
        targets.iter().any(|&(peer, appends)| {
            let pr = &lead.progress[&peer];
            (appends > 0 && self.would_send(pr))
                || (pr.needs_commit(self.log.commit())
                    && lead.tells_commit(peer, self.config.commit_with_appends))
        })
    }

    /// Takes the pending work. Call `advance()` once it has been carried out.
    pub fn ready(&mut self) -> Ready {
        self.forward_new_reads();
        if let Role::Leader(lead) = &self.role {
            if read_round_due(lead) {
                let peers = self.read_round_peers();
                if !peers.is_empty() {
                    self.heartbeat_round(peers);
                }
            }
            self.flush_appends();
        }
        let hard_state = self.hard_state();
        let changed = hard_state != self.last_hard_state;
        self.last_hard_state = hard_state;
        #[cfg(feature = "bug-injection")]
        let hard_state = if self.has_bug(Bug::ForgetVoteOnRestart) {
            HardState {
                vote: None,
                ..hard_state
            }
        } else {
            hard_state
        };
        let snapshot = self.snapshot_to_persist.take();
        let entries = self.log.take_unhanded();
        let committed_entries = self.log.take_unapplied();
        self.handed_last = Some((self.log.last_index(), self.log.last_term()));
        Ready {
            hard_state: changed.then_some(hard_state),
            snapshot,
            entries,
            messages: std::mem::take(&mut self.messages),
            committed_entries,
            read_states: std::mem::take(&mut self.read_states),
        }
    }

    /// Confirms the last `Ready` was persisted, sent and applied. On a leader this is what
    /// lets its own new entries count toward commitment.
    pub fn advance(&mut self) {
        if let Some((index, term)) = self.handed_last.take() {
            self.log.stable_to(index, term);
        }
        self.maybe_commit();
    }

    /// Like [`Node::advance`], for a leader whose driver writes the `Ready`'s entries in the
    /// background: its messages were sent and its committed entries applied, but its entries
    /// are not durable yet. Returns the position to pass to [`Node::persisted`] once they are
    /// (`None` if the `Ready` handed out nothing new).
    ///
    /// Only sound when the `Ready` held no snapshot and no change of term or vote, and only
    /// for a leader's entries: a leader counts itself toward commitment by what is durable,
    /// while everything a follower sends promises its own durable log. Background writes must
    /// reach the disk in the order they were handed out, and all of them before a write made
    /// in place.
    pub fn advance_unpersisted(&mut self) -> Option<(Index, Term)> {
        let handed = self.handed_last.take();
        #[cfg(feature = "bug-injection")]
        if self.has_bug(Bug::CountUnpersistedEntries)
            && let Some((index, term)) = handed
        {
            self.log.stable_to(index, term);
        }
        self.maybe_commit();
        handed
    }

    /// Reports that a background write of everything up to `(index, term)` is durable: a
    /// leader now counts those entries as its own acknowledgement. Stale positions (the log was
    /// replaced since) are ignored.
    pub fn persisted(&mut self, index: Index, term: Term) {
        self.log.stable_to(index, term);
        self.maybe_commit();
    }

    /// The node's role (what [`Node::status`] reports, without building the whole status).
    pub fn role(&self) -> RoleKind {
        match self.role {
            Role::Follower { .. } => RoleKind::Follower,
            Role::PreCandidate { .. } => RoleKind::PreCandidate,
            Role::Candidate { .. } => RoleKind::Candidate,
            Role::Leader(_) => RoleKind::Leader,
        }
    }

    /// The node's current term.
    pub fn term(&self) -> Term {
        self.term
    }

    /// The membership in force: the latest in the log, committed or not.
    pub fn membership(&self) -> &Membership {
        &self.membership
    }

    /// Counts the changes of [`Node::membership`] so far (not persisted: it starts at 0).
    pub fn membership_version(&self) -> u64 {
        self.membership_version
    }

    /// The membership as of `index`, for a snapshot taken there. `None` below the snapshot,
    /// and where this node does not know it: a node that joined and got the log from its
    /// start knows no membership before the first change in it.
    pub fn membership_at(&self, index: Index) -> Option<Membership> {
        if index < self.log.snapshot_index() {
            return None;
        }
        let found = self
            .membership_log
            .iter()
            .rev()
            .find(|&&(i, _, _)| i <= index)
            .map_or(&self.base_membership, |(_, _, m)| m);
        (!found.voters.is_empty()).then(|| found.clone())
    }

    /// On a leader: itself and the members whose log matches part of its own (the leader
    /// heard them acknowledge an entry), in ascending order. Empty on other roles.
    pub fn members_holding_log(&self) -> Vec<NodeId> {
        let Role::Leader(lead) = &self.role else {
            return Vec::new();
        };
        let mut ids: Vec<NodeId> = lead
            .progress
            .iter()
            .filter(|&(_, p)| p.match_index() > 0)
            .map(|(&id, _)| id)
            .chain(std::iter::once(self.id))
            .collect();
        ids.sort_unstable();
        ids
    }

    /// On a leader: how many other members (voters and learners) hold its log up to `index`,
    /// as far as their answers told it. `None` on other roles.
    pub fn replicas_holding(&self, index: Index) -> Option<usize> {
        let Role::Leader(lead) = &self.role else {
            return None;
        };
        Some(
            lead.progress
                .values()
                .filter(|p| p.match_index() >= index)
                .count(),
        )
    }

    /// On a leader handing over leadership, the member it hands it to.
    pub fn transfer_target(&self) -> Option<NodeId> {
        match &self.role {
            Role::Leader(lead) => lead.transfer.as_ref().map(|t| t.target),
            _ => None,
        }
    }

    /// The last index of this node's log that is durable (written and synced).
    pub fn stable_index(&self) -> Index {
        self.log.stable()
    }

    /// The highest index this node knows to be committed.
    pub fn commit_index(&self) -> Index {
        self.log.commit()
    }

    /// The node's current state.
    pub fn status(&self) -> Status {
        Status {
            id: self.id,
            role: self.role(),
            term: self.term,
            leader: self.leader(),
            commit: self.log.commit(),
            applied: self.log.applied(),
            last_index: self.log.last_index(),
            snapshot_index: self.log.snapshot_index(),
            membership: self.membership.clone(),
            connected: Vec::new(),
            matched: match &self.role {
                Role::Leader(lead) => lead
                    .progress
                    .iter()
                    .map(|(&id, p)| (id, p.match_index()))
                    .collect(),
                _ => Vec::new(),
            },
            transfer_target: self.transfer_target(),
            reads_by_lease: self.reads_by_lease,
            reads_by_round: self.reads_by_round,
        }
    }

    // ---------------------------------------------------------------------------------------
    // Role transitions: the only places `role` changes.
    // ---------------------------------------------------------------------------------------

    /// Follows `leader` in `term` (a term never goes back; a higher one clears the vote).
    fn become_follower(&mut self, term: Term, leader: Option<NodeId>) {
        assert!(
            term >= self.term,
            "node {} term {} would go back to {term}",
            self.id,
            self.term
        );
        self.abort_reads();
        if term > self.term {
            self.term = term;
            self.vote = None;
        }
        let was_follower = matches!(self.role, Role::Follower { .. });
        self.role = Role::Follower {
            leader,
            forwarded_reads: Vec::new(),
            read_in_flight: None,
        };
        self.reset_election_timer();
        if was_follower {
            debug!(node = self.id, term, leader, "following");
        } else {
            info!(node = self.id, term, leader, "became follower");
        }
    }

    /// Starts a pre-vote (thesis §9.6): asks whether the others would vote for us in
    /// `term + 1`, without changing our term or vote.
    fn become_pre_candidate(&mut self) {
        self.abort_reads();
        let retry = matches!(self.role, Role::PreCandidate { .. });
        self.role = Role::PreCandidate {
            votes: BTreeMap::from([(self.id, true)]),
        };
        self.reset_election_timer();
        // A node cut off from the cluster retries every timeout: say so once at INFO.
        if retry {
            debug!(node = self.id, term = self.term, "pre-vote retry");
        } else {
            info!(node = self.id, term = self.term, "became pre-candidate");
        }
        let request = Message::RequestVote {
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
            pre_vote: true,
            transfer: false,
        };
        for peer in self.campaign_peers() {
            self.send_with_term(peer, self.term + 1, request.clone());
        }
        self.maybe_finish_election();
    }

    /// Starts an election in a new term, voting for itself (§5.2). `transfer` marks a
    /// campaign ordered by the leader (`TimeoutNow`), which voters let through their lease.
    fn become_candidate(&mut self, transfer: bool) {
        self.abort_reads();
        self.term += 1;
        self.vote = Some(self.id);
        self.role = Role::Candidate {
            votes: BTreeMap::from([(self.id, true)]),
        };
        self.reset_election_timer();
        info!(
            node = self.id,
            term = self.term,
            transfer,
            "became candidate"
        );
        let request = Message::RequestVote {
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
            pre_vote: false,
            transfer,
        };
        for peer in self.campaign_peers() {
            self.send(peer, request.clone());
        }
        self.maybe_finish_election();
    }

    /// Takes the lead of the current term and appends a no-op, so that entries of earlier
    /// terms get committed with it (§5.4.2) and reads can be served (thesis §6.4).
    fn become_leader(&mut self) {
        self.abort_reads();
        let next_index = self.log.last_index() + 1;
        let progress = self
            .membership
            .members()
            .filter(|&(p, _)| p != self.id)
            .map(|(p, _)| (p, Progress::new(next_index)))
            .collect();
        self.role = Role::Leader(Box::new(LeaderState {
            progress,
            noop_index: next_index,
            read_seq: 0,
            reads: VecDeque::new(),
            round_ticks: VecDeque::new(),
            lease_forfeited: false,
            transfer: None,
            heartbeat_elapsed: 0,
            flush_all: false,
            readers: BTreeSet::new(),
            commit_due: false,
        }));
        self.election_elapsed = 0;
        self.log.append(Entry::new(next_index, self.term, None));
        info!(
            node = self.id,
            term = self.term,
            last_index = next_index,
            "became leader"
        );
    }

    // ---------------------------------------------------------------------------------------
    // Message handlers
    // ---------------------------------------------------------------------------------------

    /// Answers a message from an older term: stale leaders and candidates learn our term and
    /// step down (needed with pre-vote, where a node may otherwise never hear of a newer term).
    fn handle_stale(&mut self, from: NodeId, term: Term, message: &Message) {
        debug!(
            node = self.id,
            term = self.term,
            from,
            msg_term = term,
            "stale message"
        );
        match message {
            Message::AppendEntries { .. } | Message::InstallSnapshot { .. } => {
                let last_index = self.log.last_index();
                self.send(
                    from,
                    Message::AppendEntriesResponse {
                        success: false,
                        match_index: 0,
                        reject_hint_index: 0,
                        reject_hint_term: 0,
                        read_seq: 0,
                        last_index,
                    },
                );
            }
            Message::RequestVote { pre_vote, .. } => {
                self.send(
                    from,
                    Message::RequestVoteResponse {
                        granted: false,
                        pre_vote: *pre_vote,
                    },
                );
            }
            _ => {}
        }
    }

    /// Makes sure we follow `from`, which sent a leader's message in our current term.
    /// Returns false if we lead this term ourselves (two leaders in one term cannot happen).
    fn accept_leader(&mut self, from: NodeId) -> bool {
        match &mut self.role {
            Role::Follower { leader, .. } => {
                match *leader {
                    None => *leader = Some(from),
                    Some(known) if known != from => {
                        panic!(
                            "node {} term {}: two leaders {known} and {from}",
                            self.id, self.term
                        )
                    }
                    Some(_) => {}
                }
                true
            }
            Role::PreCandidate { .. } | Role::Candidate { .. } => {
                self.become_follower(self.term, Some(from));
                true
            }
            Role::Leader(_) => {
                debug!(
                    node = self.id,
                    term = self.term,
                    from,
                    "another leader in my term; ignoring"
                );
                false
            }
        }
    }

    /// §5.3: accept entries after a matching `prev_index`, or reject with a conflict hint.
    fn handle_append_entries(
        &mut self,
        from: NodeId,
        mut prev_index: Index,
        mut prev_term: Term,
        mut entries: Vec<Entry>,
        leader_commit: Index,
        read_seq: u64,
    ) {
        self.reset_election_timer();
        // Our committed prefix matches every later leader's log (leader completeness), and may
        // be compacted: check the match from our commit index instead.
        let commit = self.log.commit();
        if prev_index < commit {
            let skip = ((commit - prev_index) as usize).min(entries.len());
            entries.drain(..skip);
            prev_index = commit;
            prev_term = self
                .log
                .term_at(commit)
                .expect("the commit index has a known term");
        }
        if self.log.term_at(prev_index) != Some(prev_term) {
            let (hint_index, hint_term) = self.log.reject_hint(prev_index);
            debug!(
                node = self.id,
                term = self.term,
                prev_index,
                prev_term,
                hint_index,
                hint_term,
                "rejecting append"
            );
            let last_index = self.log.last_index();
            self.send(
                from,
                Message::AppendEntriesResponse {
                    success: false,
                    match_index: 0,
                    reject_hint_index: hint_index,
                    reject_hint_term: hint_term,
                    read_seq,
                    last_index,
                },
            );
            return;
        }
        let last_new = prev_index + entries.len() as Index;
        #[cfg(feature = "bug-injection")]
        if self.has_bug(Bug::NoConflictTruncation) {
            self.log.merge_without_truncation(&entries);
        } else {
            self.log.merge(&entries);
        }
        #[cfg(not(feature = "bug-injection"))]
        self.log.merge(&entries);
        self.record_memberships(&entries);
        // Only entries known to match the leader's may be committed on its word.
        self.log
            .commit_to(leader_commit.min(last_new).min(self.log.last_index()));
        let last_index = self.log.last_index();
        self.send(
            from,
            Message::AppendEntriesResponse {
                success: true,
                match_index: last_new,
                reject_hint_index: 0,
                reject_hint_term: 0,
                read_seq,
                last_index,
            },
        );
    }

    /// §7: install a leader's snapshot unless our log already covers it.
    fn handle_install_snapshot(&mut self, from: NodeId, snapshot: Snapshot) {
        self.reset_election_timer();
        let match_index = if snapshot.index <= self.log.commit() {
            self.log.commit()
        } else if self.log.term_at(snapshot.index) == Some(snapshot.term) {
            // Our log already holds the snapshot's last entry: keep it and what follows.
            self.log.commit_to(snapshot.index);
            snapshot.index
        } else {
            info!(
                node = self.id,
                term = self.term,
                index = snapshot.index,
                snapshot_term = snapshot.term,
                "installing snapshot"
            );
            let index = snapshot.index;
            self.base_membership = snapshot
                .membership
                .clone()
                .unwrap_or_else(|| self.config.bootstrap.clone());
            self.membership_log.clear();
            self.log.install_snapshot(snapshot.clone());
            self.snapshot_to_persist = Some(snapshot);
            self.update_membership();
            index
        };
        let last_index = self.log.last_index();
        self.send(
            from,
            Message::AppendEntriesResponse {
                success: true,
                match_index,
                reject_hint_index: 0,
                reject_hint_term: 0,
                read_seq: 0,
                last_index,
            },
        );
    }

    fn handle_append_response(
        &mut self,
        from: NodeId,
        success: bool,
        match_index: Index,
        hint_index: Index,
        hint_term: Term,
        read_seq: u64,
    ) {
        let last_index = self.log.last_index();
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        let Some(pr) = lead.progress.get_mut(&from) else {
            return;
        };
        pr.on_response(read_seq);
        if success {
            if match_index > last_index {
                debug!(
                    node = self.id,
                    from, match_index, "ack past our log; ignoring"
                );
                return;
            }
            let advanced = pr.on_append_success(match_index);
            let caught_up = pr.match_index() == last_index;
            let promotable = self.membership.learners.contains_key(&from)
                && pr.match_index() >= self.log.commit();
            if caught_up && lead.transfer.is_some_and(|t| t.target == from) {
                self.send(from, Message::TimeoutNow);
            } else if !advanced && !caught_up {
                self.maybe_nudge(from);
            }
            if promotable {
                self.maybe_promote(from);
            }
        } else if hint_term == 0 && hint_index <= pr.match_index() {
            // A stale rejection: the follower's log has grown past this hint since.
            debug!(node = self.id, from, hint_index, "stale rejection");
        } else {
            // Fast backtracking: skip the follower's whole conflicting term at once.
            let hinted_next = if hint_term == 0 {
                hint_index
            } else {
                self.log
                    .last_index_of_term(hint_term)
                    .map_or(hint_index, |i| i + 1)
            };
            pr.on_append_reject(hinted_next.max(1));
            debug!(
                node = self.id,
                from,
                next = pr.next_index(),
                "append rejected, probing"
            );
        }
        self.maybe_commit();
        self.maybe_release_reads();
    }

    fn handle_request_vote(
        &mut self,
        from: NodeId,
        term: Term,
        last_index: Index,
        last_term: Term,
        pre_vote: bool,
    ) {
        let up_to_date = self.log.is_up_to_date(last_index, last_term);
        let can_vote = self.vote == Some(from)
            || (self.vote.is_none() && self.leader().is_none())
            || (pre_vote && term > self.term);
        // Only for a voter of our latest membership: a node that it removed, campaigning in
        // the membership before (see `campaign_membership`), must not win once the removal
        // is committed.
        let granted = can_vote && up_to_date && self.membership.is_voter(from);
        debug!(
            node = self.id,
            term = self.term,
            from,
            pre_vote,
            granted,
            "vote request"
        );
        if pre_vote {
            // A granted pre-vote answers in the campaign's term; our own term stays put.
            let reply_term = if granted { term } else { self.term };
            self.send_with_term(
                from,
                reply_term,
                Message::RequestVoteResponse {
                    granted,
                    pre_vote: true,
                },
            );
            return;
        }
        if granted {
            self.vote = Some(from);
            self.reset_election_timer();
        }
        self.send(
            from,
            Message::RequestVoteResponse {
                granted,
                pre_vote: false,
            },
        );
    }

    fn handle_vote_response(&mut self, from: NodeId, term: Term, granted: bool, pre_vote: bool) {
        if !self.campaign_membership().is_some_and(|m| m.is_voter(from)) {
            return;
        }
        match &mut self.role {
            Role::PreCandidate { votes } if pre_vote => {
                // Grants come in our campaign term, refusals in the voter's (equal) term.
                if (granted && term == self.term + 1) || (!granted && term == self.term) {
                    votes.insert(from, granted);
                }
            }
            Role::Candidate { votes } if !pre_vote && term == self.term => {
                votes.insert(from, granted);
            }
            _ => return,
        }
        self.maybe_finish_election();
    }

    /// Counts the votes of a (pre-)candidate: a quorum of grants moves it on, a quorum of
    /// refusals sends it back to following.
    fn maybe_finish_election(&mut self) {
        let Some(quorum) = self.campaign_membership().map(Membership::quorum) else {
            return;
        };
        let (votes, pre) = match &self.role {
            Role::PreCandidate { votes } => (votes, true),
            Role::Candidate { votes } => (votes, false),
            _ => return,
        };
        let granted = votes.values().filter(|&&g| g).count();
        let refused = votes.len() - granted;
        if granted >= quorum {
            if pre {
                self.become_candidate(false);
            } else {
                self.become_leader();
            }
        } else if refused >= quorum {
            debug!(node = self.id, term = self.term, pre, "election lost");
            self.become_follower(self.term, None);
        }
    }

    fn handle_read_index(&mut self, from: NodeId, id: RequestId) {
        if matches!(self.role, Role::Leader(_)) {
            self.enqueue_read(id, Some(from));
        } else {
            self.send(from, Message::ReadIndexResponse { id, index: None });
        }
    }

    fn handle_read_index_response(&mut self, carrier: RequestId, index: Option<Index>) {
        let Role::Follower {
            forwarded_reads,
            read_in_flight,
            ..
        } = &mut self.role
        else {
            return;
        };
        if read_in_flight.is_some_and(|(id, _)| id == carrier) {
            *read_in_flight = None;
        }
        // Every read the message carried arrived before it was sent, so the leader's index,
        // taken after it arrived, covers every write those reads must see.
        let read_states = &mut self.read_states;
        forwarded_reads.retain(|&(id, c)| {
            let answered = c == Some(carrier);
            if answered {
                read_states.push(ReadState { id, index });
            }
            !answered
        });
    }

    /// On a follower: gives up on a `ReadIndex` request unanswered for an election timeout (the
    /// message or its answer was lost), answering its reads with `None` so the driver retries
    /// them, and letting the next request go out.
    fn expire_read_in_flight(&mut self) {
        let election_ticks = self.config.election_ticks;
        let Role::Follower {
            forwarded_reads,
            read_in_flight: Some((carrier, elapsed)),
            ..
        } = &mut self.role
        else {
            return;
        };
        *elapsed += 1;
        if *elapsed < election_ticks {
            return;
        }
        let carrier = *carrier;
        let read_states = &mut self.read_states;
        forwarded_reads.retain(|&(id, c)| {
            let expired = c == Some(carrier);
            if expired {
                read_states.push(ReadState { id, index: None });
            }
            !expired
        });
        if let Role::Follower { read_in_flight, .. } = &mut self.role {
            *read_in_flight = None;
        }
    }

    /// On a follower: asks the leader for a read index on behalf of every read that arrived
    /// since the last such request, with one message.
    fn forward_new_reads(&mut self) {
        let Role::Follower {
            leader: Some(leader),
            forwarded_reads,
            read_in_flight: read_in_flight @ None,
        } = &mut self.role
        else {
            return;
        };
        let Some(&(carrier, None)) = forwarded_reads.last() else {
            return;
        };
        *read_in_flight = Some((carrier, 0));
        let leader = *leader;
        for (_, c) in forwarded_reads.iter_mut().rev() {
            if c.is_some() {
                break;
            }
            *c = Some(carrier);
        }
        self.send(leader, Message::ReadIndex { id: carrier });
    }

    // ---------------------------------------------------------------------------------------
    // Leader machinery
    // ---------------------------------------------------------------------------------------

    /// Queues a read on the leader; it is confirmed by the next heartbeat round.
    fn enqueue_read(&mut self, id: RequestId, from: Option<NodeId>) {
        let commit = self.log.commit();
        #[cfg(feature = "bug-injection")]
        if self.has_bug(Bug::ReadIndexWithoutQuorum) {
            self.answer_read(id, from, Some(commit));
            return;
        }
        let Role::Leader(lead) = &self.role else {
            return;
        };
        let index = (commit >= lead.noop_index).then_some(commit);
        if index.is_some() && self.holds_read_lease() {
            self.reads_by_lease += 1;
            self.answer_read(id, from, index);
            return;
        }
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        lead.reads.push_back(PendingRead {
            id,
            from,
            seq: lead.read_seq + 1,
            index,
        });
        self.maybe_release_reads();
    }

    /// Answers the reads a quorum confirmed, once the no-op of this term is committed.
    fn maybe_release_reads(&mut self) {
        let quorum = self.quorum();
        let commit = self.log.commit();
        let Role::Leader(lead) = &self.role else {
            return;
        };
        if commit < lead.noop_index || lead.reads.is_empty() {
            return;
        }
        let by_lease = self.holds_read_lease();
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        let mut released = Vec::new();
        if by_lease {
            released.extend(
                lead.reads
                    .drain(..)
                    .map(|read| (read.id, read.from, read.index.unwrap_or(commit))),
            );
        } else {
            // Reads that no started round covers wait, unless a forwarding follower and the
            // leader make a quorum by themselves (three voters). Most calls end here: one per
            // read made.
            match lead.reads.front() {
                Some(read) if read.seq <= lead.read_seq || quorum <= 2 => {}
                _ => return,
            }
            // The confirmed round for reads made here, and for those each follower forwarded.
            let voters = Voters {
                membership: &self.membership,
                leader: self.id,
                quorum,
            };
            let local = confirmed_round(lead, &voters, None);
            let forwarded: BTreeMap<NodeId, u64> = lead
                .progress
                .keys()
                .map(|&peer| (peer, confirmed_round(lead, &voters, Some(peer))))
                .collect();
            let confirmed = |read: &PendingRead| match read.from.and_then(|f| forwarded.get(&f)) {
                Some(&round) => round,
                None => local,
            };
            lead.reads.retain(|read| {
                let done = read.seq <= confirmed(read);
                if done {
                    released.push((read.id, read.from, read.index.unwrap_or(commit)));
                }
                !done
            });
        }
        let count = released.len() as u64;
        if by_lease {
            self.reads_by_lease += count;
        } else {
            self.reads_by_round += count;
        }
        for (id, from, index) in released {
            self.answer_read(id, from, Some(index));
        }
    }

    fn answer_read(&mut self, id: RequestId, from: Option<NodeId>, index: Option<Index>) {
        match from {
            None => self.read_states.push(ReadState { id, index }),
            Some(follower) => {
                // The follower serves the read once it has applied up to `index`: it must
                // not wait for the next tick to hear the commit index, nor (lazily fed) for
                // the next heartbeat to get the entries.
                if index.is_some()
                    && let Role::Leader(lead) = &mut self.role
                {
                    lead.readers.insert(follower);
                }
                self.send(follower, Message::ReadIndexResponse { id, index });
            }
        }
    }

    /// Answers every read this node is waiting on with `None`: its leadership or its leader
    /// is about to change.
    fn abort_reads(&mut self) {
        match &mut self.role {
            Role::Leader(lead) => {
                let reads: Vec<PendingRead> = lead.reads.drain(..).collect();
                for read in reads {
                    self.answer_read(read.id, read.from, None);
                }
            }
            Role::Follower {
                forwarded_reads, ..
            } => {
                for (id, _) in std::mem::take(forwarded_reads) {
                    self.read_states.push(ReadState { id, index: None });
                }
            }
            Role::PreCandidate { .. } | Role::Candidate { .. } => {}
        }
    }

    /// Commits the highest index a quorum has durably replicated, if it is of the current
    /// term (§5.4.2: earlier terms' entries commit only indirectly).
    fn maybe_commit(&mut self) {
        let quorum = self.quorum();
        let Role::Leader(lead) = &self.role else {
            return;
        };
        let mut matched: Vec<Index> = lead
            .progress
            .iter()
            .filter(|(id, _)| self.membership.is_voter(**id))
            .map(|(_, pr)| pr.match_index())
            .collect();
        if self.membership.is_voter(self.id) {
            matched.push(self.log.stable());
        }
        matched.sort_unstable_by(|a, b| b.cmp(a));
        let Some(&index) = matched.get(quorum - 1) else {
            return;
        };
        if index <= self.log.commit() {
            return;
        }
        let current_term = self.log.term_at(index) == Some(self.term);
        #[cfg(feature = "bug-injection")]
        let current_term = current_term || self.has_bug(Bug::CommitPreviousTermByCount);
        if current_term {
            self.log.commit_to(index);
            debug!(
                node = self.id,
                term = self.term,
                commit = index,
                "committed"
            );
            self.maybe_release_reads();
            self.maybe_step_down_removed();
            self.forget_departed();
        }
    }

    /// Starts a heartbeat round: every follower gets an `AppendEntries` that checks only
    /// what is known to match, so it is never rejected, and carries the new `read_seq`.
    fn broadcast_heartbeat(&mut self) {
        let Role::Leader(lead) = &self.role else {
            return;
        };
        let peers = lead.progress.keys().copied().collect();
        self.heartbeat_round(peers);
    }

    /// Starts the next heartbeat round: a heartbeat carrying the new `read_seq` to each of
    /// `peers`.
    fn heartbeat_round(&mut self, peers: Vec<NodeId>) {
        let Role::Leader(lead) = &mut self.role else {
            return;
        };
        lead.read_seq += 1;
        let read_seq = lead.read_seq;
        if self.config.lease_reads {
            lead.round_ticks.push_back((read_seq, self.ticks));
        }
        let heartbeats: Vec<(NodeId, Message)> = peers
            .into_iter()
            .filter_map(|peer| {
                let pr = lead.progress.get_mut(&peer)?;
                Some((peer, heartbeat(&self.log, pr, read_seq)))
            })
            .collect();
        for (peer, message) in heartbeats {
            self.send(peer, message);
        }
    }

    /// The followers of the next read round, which has the fewest messages that can confirm
    /// it: a heartbeat carrying the new `read_seq` to `quorum - 1` voters, or to `quorum - 2`
    /// when every waiting read came from one voter (its request counts, see
    /// `confirmed_round`); one more when the leader is removing itself and does not count.
    /// Followers that forwarded none of the reads go first, then those that acknowledged the
    /// latest round. A follower that stopped answering therefore drops out of later rounds; a
    /// round it was picked for is confirmed by the next periodic heartbeat, which goes to
    /// everyone. None when the reads need no round: the leader and the requester make a
    /// quorum (`maybe_release_reads` releases them once the no-op is committed).
    fn read_round_peers(&self) -> Vec<NodeId> {
        let Role::Leader(lead) = &self.role else {
            return Vec::new();
        };
        let membership = &self.membership;
        let readers: BTreeSet<Option<NodeId>> = lead
            .reads
            .iter()
            .filter(|r| r.seq > lead.read_seq)
            .map(|r| r.from.filter(|f| membership.is_voter(*f)))
            .collect();
        let one_follower = readers.len() == 1 && readers.first().is_some_and(Option::is_some);
        // The leader acknowledges every round itself, unless it is removing itself.
        let me = usize::from(membership.is_voter(self.id));
        let wanted = (self.quorum() + 1)
            .saturating_sub(me)
            .saturating_sub(if one_follower { 2 } else { 1 });
        let latest = lead.read_seq;
        let mut peers: Vec<NodeId> = lead
            .progress
            .keys()
            .copied()
            .filter(|&peer| membership.is_voter(peer))
            .collect();
        // Stable: ties keep id order, so the same followers serve round after round.
        peers.sort_by_key(|peer| {
            (
                readers.contains(&Some(*peer)),
                lead.progress[peer].read_seq() < latest,
            )
        });
        peers.truncate(wanted);
        peers
    }

    /// Probes the tail of a follower in `Replicate` whose appends are all in flight yet
    /// unacknowledged (they may have been lost): an empty append at `next_index - 1` either
    /// succeeds or is rejected, and a rejection makes the leader resend what is missing.
    /// Followers in other states, or with more to send, need no nudge.
    fn maybe_nudge(&mut self, to: NodeId) {
        let last_index = self.log.last_index();
        let Role::Leader(lead) = &self.role else {
            return;
        };
        let Some(pr) = lead.progress.get(&to) else {
            return;
        };
        if pr.state() != ProgressState::Replicate || pr.next_index() <= last_index {
            return;
        }
        let prev_index = pr.next_index() - 1;
        let prev_term = self
            .log
            .term_at(prev_index)
            .expect("prev_index is at or after the snapshot");
        let message = Message::AppendEntries {
            prev_index,
            prev_term,
            entries: Vec::new(),
            commit: self.log.commit(),
            read_seq: lead.read_seq,
        };
        self.send(to, message);
    }

    /// Whether `flush_appends` would send `pr`'s follower something.
    fn would_send(&self, pr: &Progress) -> bool {
        if pr.is_paused(self.config.max_inflight_appends) {
            return false;
        }
        let next = pr.next_index();
        if next <= self.log.snapshot_index() {
            return true;
        }
        match pr.state() {
            ProgressState::Replicate => next <= self.log.last_index(),
            // A probe also checks a match point it does not know yet.
            ProgressState::Probe => next <= self.log.last_index() || pr.match_index() + 1 < next,
            ProgressState::Snapshot { .. } => false,
        }
    }

    /// Sends each follower a flush targets (see [`LeaderState::flush_targets`]) what it may
    /// get now: a snapshot if its next entry was compacted, else batched entries (one probe,
    /// or a pipeline up to the inflight limit). Followers that get nothing else hear about a
    /// newer commit index through a heartbeat.
    fn flush_appends(&mut self) {
        let quorum = self.quorum();
        let lazy = self.config.lazy_fan_out;
        let targets = match &mut self.role {
            Role::Leader(lead) => {
                let targets = lead.flush_targets(quorum, lazy, &self.membership);
                lead.flush_all = false;
                targets
            }
            _ => return,
        };
        let commit = self.log.commit();
        for (peer, appends) in targets {
            let mut sent = 0;
            while sent < appends
                && let Some(message) = self.next_append(peer)
            {
                self.send(peer, message);
                sent += 1;
            }
            let sent = sent > 0;
            let Role::Leader(lead) = &mut self.role else {
                return;
            };
            let tell_commit = lead.tells_commit(peer, self.config.commit_with_appends);
            let pr = lead.progress.get_mut(&peer).expect("peer has progress");
            let paused = pr.is_paused(self.config.max_inflight_appends);
            // A reader was sent what it lacks now, unless it waits for a free slot.
            if sent || !paused {
                lead.readers.remove(&peer);
            }
            if !sent && tell_commit && pr.needs_commit(commit) {
                let message = heartbeat(&self.log, pr, lead.read_seq);
                self.send(peer, message);
            }
        }
        if let Role::Leader(lead) = &mut self.role {
            lead.commit_due = false;
        }
    }

    /// Builds the next append for `peer` and records it as sent, or returns `None` if the
    /// follower is paused or has everything.
    fn next_append(&mut self, peer: NodeId) -> Option<Message> {
        let Role::Leader(lead) = &self.role else {
            return None;
        };
        let pr = &lead.progress[&peer];
        if !self.would_send(pr) {
            return None;
        }
        let next = pr.next_index();
        let read_seq = lead.read_seq;
        let Role::Leader(lead) = &mut self.role else {
            return None;
        };
        let pr = lead.progress.get_mut(&peer).expect("peer has progress");
        if next <= self.log.snapshot_index() {
            let snapshot = self
                .log
                .snapshot()
                .expect("a compacted log has a snapshot")
                .clone();
            debug!(
                node = self.id,
                peer,
                index = snapshot.index,
                "sending snapshot"
            );
            let bytes = match snapshot.data.len() {
                0 => self.snapshot_bytes,
                len => len as u64,
            };
            let timeout = snapshot_timeout_ticks(self.config.election_ticks, bytes);
            pr.on_snapshot_sent(snapshot.index, timeout);
            return Some(Message::InstallSnapshot { snapshot });
        }
        let prev_index = next - 1;
        let prev_term = self
            .log
            .term_at(prev_index)
            .expect("prev_index is at or after the snapshot");
        let entries = self
            .log
            .slice(next, self.log.last_index(), self.config.max_append_bytes);
        let last_sent = prev_index + entries.len() as Index;
        pr.on_append_sent(last_sent);
        pr.on_commit_sent(self.log.commit().min(last_sent));
        Some(Message::AppendEntries {
            prev_index,
            prev_term,
            entries,
            commit: self.log.commit(),
            read_seq,
        })
    }

    // ---------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------

    fn hard_state(&self) -> HardState {
        HardState {
            term: self.term,
            vote: self.vote,
            commit: self.log.commit(),
        }
    }

    fn quorum(&self) -> usize {
        self.membership.quorum()
    }

    /// The membership this node campaigns in, and counts votes of: its latest, where it is a
    /// voter. When the latest is a change that removed it and that it does not know to be
    /// committed, the one before it, where it was a voter: otherwise a node holding its own
    /// uncommitted removal could never campaign again, and with two voters the other one,
    /// whose log lacks the removal, needs its vote and is refused it (its log is shorter), so
    /// no leader could ever be elected (the simulation found this). Such a candidate wins only
    /// while the removal is not committed: voters grant votes only to candidates their own
    /// latest membership names, and a committed removal is in the log of some voter of every
    /// majority of the membership before it. `None`: it does not campaign.
    fn campaign_membership(&self) -> Option<&Membership> {
        if self.membership.is_voter(self.id) {
            return Some(&self.membership);
        }
        let &(index, _, _) = self.membership_log.last()?;
        if index <= self.log.commit() {
            return None;
        }
        let previous = match self.membership_log.len() {
            1 => &self.base_membership,
            n => &self.membership_log[n - 2].2,
        };
        previous.is_voter(self.id).then_some(previous)
    }

    /// The voters of [`Node::campaign_membership`] other than this node, ascending.
    fn campaign_peers(&self) -> Vec<NodeId> {
        self.campaign_membership()
            .map(|m| {
                m.voters
                    .keys()
                    .copied()
                    .filter(|&id| id != self.id)
                    .collect()
            })
            .unwrap_or_default()
    }

    // ---------------------------------------------------------------------------------------
    // Membership
    // ---------------------------------------------------------------------------------------

    /// Whether a leader may append a membership change now: it committed an entry of its own
    /// term (so no change of an earlier leader is pending unseen), the last change is
    /// committed, and no leadership transfer runs.
    fn can_change_membership(&self) -> bool {
        let Role::Leader(lead) = &self.role else {
            return false;
        };
        let commit = self.log.commit();
        #[cfg(feature = "bug-injection")]
        if self.has_bug(Bug::ConcurrentMembershipChanges) {
            return lead.transfer.is_none();
        }
        lead.transfer.is_none()
            && commit >= lead.noop_index
            && self
                .membership_log
                .last()
                .is_none_or(|&(i, _, _)| i <= commit)
    }

    /// Appends a membership entry on the leader and puts it in force at once.
    fn append_membership(&mut self, membership: Membership) -> (Index, Term) {
        let index = self.log.last_index() + 1;
        info!(
            node = self.id,
            term = self.term,
            index,
            voters = ?membership.voters.keys().collect::<Vec<_>>(),
            learners = ?membership.learners.keys().collect::<Vec<_>>(),
            "membership change proposed"
        );
        self.log.append(Entry {
            index,
            term: self.term,
            data: None,
            membership: Some(Box::new(membership.clone())),
        });
        self.membership_log.push((index, self.term, membership));
        self.update_membership();
        (index, self.term)
    }

    /// On the leader: makes a learner that holds every committed entry a voter.
    fn maybe_promote(&mut self, learner: NodeId) {
        if !self.can_change_membership() {
            return;
        }
        let mut next = (*self.membership).clone();
        if let Some(addr) = next.learners.remove(&learner) {
            next.voters.insert(learner, addr);
            self.append_membership(next);
        }
    }

    /// On a leader that removed itself: once the change is committed, hands leadership to the
    /// most up-to-date voter and steps down (thesis §4.2.2).
    fn maybe_step_down_removed(&mut self) {
        if self.membership.is_voter(self.id)
            || self
                .membership_log
                .last()
                .is_some_and(|&(i, _, _)| i > self.log.commit())
        {
            return;
        }
        let last_index = self.log.last_index();
        let Role::Leader(lead) = &self.role else {
            return;
        };
        let successor = lead
            .progress
            .iter()
            .filter(|(id, pr)| self.membership.is_voter(**id) && pr.match_index() == last_index)
            .map(|(&id, _)| id)
            .next();
        info!(
            node = self.id,
            term = self.term,
            successor,
            "removed from the cluster, stepping down"
        );
        if let Some(successor) = successor {
            self.send(successor, Message::TimeoutNow);
        }
        self.become_follower(self.term, None);
    }

    /// After a follower merged `entries` into its log: forgets the changes its log no longer
    /// holds (a conflicting suffix was dropped) and records the new ones.
    fn record_memberships(&mut self, entries: &[Entry]) {
        let log = &self.log;
        let before = self.membership_log.len();
        self.membership_log
            .retain(|&(i, t, _)| log.term_at(i) == Some(t));
        let mut changed = self.membership_log.len() != before;
        for entry in entries {
            let Some(membership) = &entry.membership else {
                continue;
            };
            let newer = self
                .membership_log
                .last()
                .is_none_or(|&(i, _, _)| i < entry.index);
            if newer
                && entry.index > log.snapshot_index()
                && log.term_at(entry.index) == Some(entry.term)
            {
                self.membership_log
                    .push((entry.index, entry.term, (**membership).clone()));
                changed = true;
            }
        }
        // Most appends carry no change: no need to compare memberships for them.
        if changed {
            self.update_membership();
        }
    }

    /// Puts the latest membership of the log in force; on a leader, starts tracking the members
    /// that came (those that went are dropped once the change is committed, see
    /// `forget_departed`).
    fn update_membership(&mut self) {
        let latest = self
            .membership_log
            .last()
            .map_or(&self.base_membership, |(_, _, m)| m);
        if *latest == *self.membership {
            return;
        }
        self.membership = Arc::new(latest.clone());
        self.membership_version += 1;
        debug!(node = self.id, membership = ?self.membership, "membership in force");
        let next = self.log.last_index() + 1;
        if let Role::Leader(lead) = &mut self.role {
            let membership = &self.membership;
            for (id, _) in membership.members() {
                if id != self.id {
                    lead.progress
                        .entry(id)
                        .or_insert_with(|| Progress::new(next));
                }
            }
        }
        self.forget_departed();
    }

    /// On the leader, once the last membership change is committed: stops replicating to the
    /// nodes it removed. Until then they get the log like learners (counting for nothing), so
    /// that a removed node usually learns of its removal and falls silent, rather than
    /// campaigning in vain and answering its clients that no leader can be found.
    fn forget_departed(&mut self) {
        let committed = self
            .membership_log
            .last()
            .is_none_or(|&(i, _, _)| i <= self.log.commit());
        if let Role::Leader(lead) = &mut self.role
            && committed
            && lead.progress.len() + 1
                > self.membership.voters.len() + self.membership.learners.len()
        {
            let membership = &self.membership;
            lead.progress.retain(|&id, _| membership.contains(id));
            lead.readers.retain(|&id| membership.contains(id));
        }
    }

    /// The leader this node knows for its current term (itself when leading).
    pub fn leader(&self) -> Option<NodeId> {
        match &self.role {
            Role::Follower { leader, .. } => *leader,
            Role::Leader(_) => Some(self.id),
            Role::PreCandidate { .. } | Role::Candidate { .. } => None,
        }
    }

    /// Whether this node heard from a live leader (or is one) within the minimum election
    /// timeout, or, with `lease_reads` or `quiet_start`, started less than that ago; vote
    /// requests are then ignored (check-quorum lease, thesis §4.2.3).
    fn in_leader_lease(&self) -> bool {
        let started_lately = (self.config.lease_reads || self.config.quiet_start)
            && self.ticks < self.config.election_ticks;
        (self.leader().is_some() || started_lately)
            && self.election_elapsed < self.config.election_ticks
    }

    fn lease_ticks(&self) -> u64 {
        #[cfg(feature = "bug-injection")]
        if self.has_bug(Bug::LeaseOutlivesVoters) {
            return 3 * self.config.election_ticks;
        }
        self.config.lease_ticks()
    }

    /// Whether this leader may answer reads from its lease now (see `Config::lease_reads`):
    /// a quorum acknowledged a heartbeat round it started less than `lease_ticks()` ago, and
    /// it started no leadership transfer in this term.
    fn holds_read_lease(&self) -> bool {
        let Role::Leader(lead) = &self.role else {
            return false;
        };
        if !self.config.lease_reads || lead.lease_forfeited {
            return false;
        }
        let voters = Voters {
            membership: &self.membership,
            leader: self.id,
            quorum: self.quorum(),
        };
        let round = confirmed_round(lead, &voters, None);
        if round == u64::MAX {
            // The leader is a quorum by itself.
            return true;
        }
        // Rounds are recorded in `seq` order; one pruned away has expired.
        let lease_ticks = self.lease_ticks();
        lead.round_ticks
            .binary_search_by_key(&round, |&(seq, _)| seq)
            .is_ok_and(|i| self.ticks < lead.round_ticks[i].1 + lease_ticks)
    }

    fn reset_election_timer(&mut self) {
        self.election_elapsed = 0;
        self.election_timeout = self
            .rng
            .gen_range(self.config.election_ticks, 2 * self.config.election_ticks);
    }

    fn send(&mut self, to: NodeId, message: Message) {
        self.send_with_term(to, self.term, message);
    }

    fn send_with_term(&mut self, to: NodeId, term: Term, message: Message) {
        self.messages.push(Envelope {
            from: self.id,
            to,
            term,
            message,
        });
    }

    #[cfg(test)]
    pub(crate) fn debug_state(&self) -> String {
        match &self.role {
            Role::Leader(lead) => format!(
                "leader membership={:?} progress={:?} reads={:?} read_seq={} readers={:?} commit={} last={}",
                self.membership,
                lead.progress,
                lead.reads,
                lead.read_seq,
                lead.readers,
                self.log.commit(),
                self.log.last_index()
            ),
            other => format!("{other:?} membership={:?}", self.membership),
        }
    }

    /// Checks the log's invariants; used by tests.
    #[cfg(test)]
    pub(crate) fn check_invariants(&self) {
        self.log.check_invariants();
    }

    /// The term of the entry at `index` in this node's log (durable or not), if the log holds
    /// it; for checkers.
    pub fn term_at(&self, index: Index) -> Option<Term> {
        self.log.term_at(index)
    }
}

/// The highest read round a quorum acknowledged, the leader included (it acknowledges every
/// round itself). With `requester`, for reads that follower forwarded: its `ReadIndex`
/// counts as its acknowledgement. The request was sent after those reads arrived, in this
/// leader's term (the core drops messages of older terms), so it attests as well as a
/// heartbeat answer would that no newer leader could have committed anything before the
/// reads began.
/// Only voters count: a learner's request or acknowledgement confirms nothing.
fn confirmed_round(lead: &LeaderState, voters: &Voters, requester: Option<NodeId>) -> u64 {
    let mut acked: Vec<u64> = lead
        .progress
        .iter()
        .filter(|(peer, _)| voters.membership.is_voter(**peer))
        .map(|(&peer, pr)| {
            if Some(peer) == requester {
                u64::MAX
            } else {
                pr.read_seq()
            }
        })
        .collect();
    if voters.membership.is_voter(voters.leader) {
        acked.push(u64::MAX);
    }
    acked.sort_unstable_by(|a, b| b.cmp(a));
    acked.get(voters.quorum - 1).copied().unwrap_or(0)
}

/// What `confirmed_round` needs to know of the membership.
struct Voters<'a> {
    membership: &'a Membership,
    leader: NodeId,
    quorum: usize,
}

/// Whether `ready()` should start a read round: reads are waiting, and every one of them
/// arrived after the last round started (none is waiting on a round in flight). One round at
/// a time: reads that arrive while a round is in flight share the next one, so under load
/// each round of messages confirms many reads. A round whose messages were lost is not
/// waited on forever: the periodic heartbeat starts a new round too, which confirms them.
fn read_round_due(lead: &LeaderState) -> bool {
    lead.reads.front().is_some_and(|r| r.seq > lead.read_seq)
}

/// A heartbeat for one follower: anchored at its match index, which it is known to hold
/// (or at index 0 when that entry was compacted away), so it always succeeds.
fn heartbeat(log: &RaftLog, pr: &mut Progress, read_seq: u64) -> Message {
    let (prev_index, prev_term) = match log.term_at(pr.match_index()) {
        Some(term) => (pr.match_index(), term),
        None => (0, 0),
    };
    // When the match point was compacted the follower cannot use the commit index until it
    // has the snapshot; count it as told anyway, or the leader would keep retelling it.
    pr.on_commit_sent(log.commit().min(pr.match_index()));
    Message::AppendEntries {
        prev_index,
        prev_term,
        entries: Vec::new(),
        commit: log.commit(),
        read_seq,
    }
}

/// A short name of a message's kind, for logs.
fn message_kind(message: &Message) -> &'static str {
    match message {
        Message::AppendEntries { entries, .. } if entries.is_empty() => "heartbeat",
        Message::AppendEntries { .. } => "append_entries",
        Message::AppendEntriesResponse { .. } => "append_entries_response",
        Message::RequestVote { pre_vote: true, .. } => "pre_vote",
        Message::RequestVote { .. } => "request_vote",
        Message::RequestVoteResponse { .. } => "request_vote_response",
        Message::InstallSnapshot { .. } => "install_snapshot",
        Message::ReadIndex { .. } => "read_index",
        Message::ReadIndexResponse { .. } => "read_index_response",
        Message::TimeoutNow => "timeout_now",
    }
}
