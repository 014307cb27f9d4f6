//! The Raft consensus core: a pure, deterministic state machine.
//!
//! # Where it sits
//!
//! The driver task owns one [`Node`]. Client writes become [`Node::propose`], linearizable
//! reads become [`Node::read`], peer messages become [`Node::step`], and a timer becomes
//! [`Node::tick`]. None of these do I/O: they change memory and queue work, which the driver
//! takes as a [`Ready`] (persist, send, apply, answer reads — in that order, see `ready.rs`)
//! and confirms with [`Node::advance`]. Time is counted in ticks and randomness comes from a
//! seeded generator (`rng.rs`), so the same inputs always produce the same outputs: the
//! deterministic simulation relies on it.
//!
//! # The protocol
//!
//! **Elections (§5.2) with pre-vote (thesis §9.6).** A follower that hears nothing from a
//! leader for its election timeout — drawn afresh from `[election_ticks, 2 * election_ticks)`
//! at every reset — becomes a *pre-candidate*: it asks the others whether they would vote for
//! it in `term + 1`, without changing its term or vote. Only with a quorum of pre-votes does it
//! become a *candidate*, increment its term, vote for itself (made durable in the next
//! `Ready`) and ask for real votes. A voter grants a vote if it has not voted for someone else
//! in the term and the candidate's log is at least as up-to-date as its own (§5.4.1). A node
//! cut off from the cluster therefore never inflates its term and cannot disrupt the leader
//! when it comes back.
//!
//! **Leader lease for voters, check-quorum for leaders (thesis §6.2, §4.2.3).** A node that
//! heard from a leader within the minimum election timeout ignores vote and pre-vote requests
//! (unless they come from a leadership transfer): the leader is alive, so there is nothing to
//! elect. Conversely a leader that did not hear from a quorum within an election timeout steps
//! down, so a leader on the minority side of a partition stops acting as one.
//!
//! **Log replication (§5.3).** The leader appends each proposal to its log and replicates it
//! with `AppendEntries`. A follower accepts entries only after an entry matching the leader's
//! `prev_index`/`prev_term`; it then drops its first conflicting entry and everything after
//! it, and never drops a matching entry (so stale, duplicated or reordered messages cannot
//! shorten its log). On a mismatch it answers with a hint — the conflicting term and the
//! first index it holds of that term, or its last index + 1 if its log is too short — and the
//! leader skips a whole term per round trip. Per follower the leader keeps a `Progress`
//! record: *probe* (one append at a time until the match point is found), *replicate*
//! (pipelined appends, batched up to `max_append_bytes`, at most `max_inflight_appends`
//! unacknowledged) or *snapshot* (an `InstallSnapshot` in flight). Appends are built when the
//! driver takes a `Ready`, so all proposals made since the last one travel together.
//!
//! **Lazy fan-out** (`Config::lazy_fan_out`, on in the server). New entries go at once only to
//! the followers a commit needs: the `quorum - 1` replicating followers that hold the most of
//! the log, plus any follower that is probing, is the target of a leadership transfer or was
//! just given a read index. The others get everything they lack with the next heartbeat, in
//! one batch, and only once their previous batch was answered. Fewer nodes write and fsync
//! each small batch, so a busy cluster does less work per write; the price is that a commit
//! waits for those chosen followers rather than the fastest ones, and an eager follower that
//! falls silent holds commits back until the next heartbeat has caught up another. Before
//! compacting, the leader sends lazily fed followers the entries about to go.
//!
//! **Commitment (§5.3, §5.4.2).** The leader commits the highest index that a quorum holds
//! durably — its own log counts only up to what `advance()` (or, for a write the driver runs
//! in the background, `persisted()`) confirmed — and only if that
//! entry is from its current term. Entries of earlier terms are committed indirectly, which
//! is why a new leader appends a no-op (Figure 8: an old-term entry stored on a majority may
//! still be overwritten). Followers commit the leader's commit index only up to the last entry
//! they know matches the leader's log. Every `AppendEntries` carries the commit index. With
//! `Config::commit_with_appends` (on in the server) a new one travels on the next append
//! rather than in a message of its own: a follower that holds committed entries without
//! knowing it gets an empty `AppendEntries` with the commit index only at the next tick, or
//! at once if it was just given a read index. Under load an append follows within a fraction
//! of a millisecond, so a commit does not cost every follower an extra message and answer;
//! when idle, followers apply at most a tick late.
//!
//! **Snapshots (§7).** The driver snapshots its state machine and calls [`Node::compact`]; the
//! log before the snapshot is dropped, and a follower whose next entry is gone receives the
//! snapshot in one `InstallSnapshot`. A follower whose log already holds the snapshot's last
//! entry (same index and term) keeps its log and just commits up to it; otherwise it replaces
//! its log with the snapshot and hands it to the driver in `Ready::snapshot`.
//!
//! **Linearizable reads without log writes (ReadIndex, thesis §6.4).** A read on the leader
//! records the commit index, waits until the leader has committed an entry of its own term
//! (the no-op), and until a quorum acknowledged a heartbeat round started after the read
//! arrived (`read_seq` in `AppendEntries` and its response). Then the read is served at that
//! index once the state machine has applied it. One round is in flight at a time: the reads
//! that arrive meanwhile share the next, which starts once no waiting read is covered by the
//! current one. A round goes to `quorum - 1` followers only, those that confirmed the last
//! round first; the periodic heartbeat, which goes to every follower and also carries
//! `read_seq`, confirms a round whose follower went silent. A follower forwards reads to the
//! leader (`ReadIndex`), and its request counts as its acknowledgement: it was sent after the
//! reads arrived, in the leader's term. So a round for one follower's reads goes to
//! `quorum - 2` others (none with three voters). The follower serves the reads locally at
//! the index the leader returns; it keeps one request in flight, and the reads that arrive
//! meanwhile share the next one (the leader's index, taken after a request arrives, covers
//! every read that request carries). Reads are answered `None` when their leader is lost or
//! their request goes unanswered for an election timeout.
//!
//! **Read leases (thesis §6.4.1; `Config::lease_reads`, on in the server).** A voter ignores
//! vote requests for `election_ticks` after it last heard from its leader (the check-quorum
//! lease below), so once a quorum acknowledged a heartbeat round the leader started at tick
//! `t`, no other leader can be elected before `t + election_ticks`. The leader answers reads
//! at once, at its commit index, until `t + lease_ticks()` (four fifths of that, the rest a
//! margin for clocks), and falls back to a round when the lease has run out. The lease is
//! counted from the round's start, not from its acknowledgements, since a voter's lease starts
//! when it receives a message, which is after the leader sent it. Two things would let a
//! voter forget the lease it granted, and both are closed: a voter that restarts ignores vote
//! requests for its first `election_ticks`, and a leader that starts a leadership transfer
//! (whose target campaigns through the voters' leases) gives its lease up for the term. The
//! clock is the ticks: the driver delivers them at the rate of a monotonic clock and catches
//! up before every input, so a paused leader learns on waking that its lease is over.
//!
//! **Leadership transfer (thesis §3.10).** The leader stops taking proposals, brings the
//! target up to date, and sends it `TimeoutNow`; the target campaigns at once, skipping the
//! pre-vote, with `transfer` set so voters bypass their lease. The leader gives up after an
//! election timeout.
//!
//! **Membership changes (thesis §4.1, §4.2).** One server at a time: a membership entry
//! carries the whole new membership (voters and learners, with the addresses their peers
//! reach them at, opaque to the core) and is in force on a node as soon as it is in its log,
//! committed or not; a follower that drops it with a conflicting suffix goes back to the one
//! before. A leader appends a change only once it has committed its no-op (so no change of
//! an earlier term is pending unseen) and the previous change is committed, which keeps any
//! two successive memberships' majorities overlapping. [`Node::propose_membership`] adds a
//! node as a *learner*: it gets appends and snapshots but neither votes nor counts toward
//! commits, reads or check-quorum, so a new node that is far behind (or down) costs nothing.
//! The leader promotes it to voter with a change of its own once the learner holds every
//! committed entry. Quorums count the current membership's voters; every node takes messages
//! from any node (a member may learn of a change after its peers do), but grants votes only
//! to voters of its own latest membership. Only voters campaign, with one exception: a node
//! whose latest change removed it, while it does not know that change committed, campaigns in
//! the membership before (see `Node::campaign_membership`: otherwise two voters, one holding
//! the other's or its own uncommitted removal, can be left without a leader for good; the
//! simulation found both). A leader that removes itself leads until the removal is committed,
//! without counting itself, then sends `TimeoutNow` to an up-to-date voter and steps down
//! (thesis §4.2.2); until a change is committed the leader also keeps sending the log to the
//! nodes it removed, so that they usually learn of it and fall silent. Snapshots carry the
//! membership as of their index ([`Node::membership_at`]); a node whose storage names none
//! starts from [`Config::bootstrap`] (empty for a node joining a cluster), and takes no
//! snapshot where it knows no membership.
//!
//! **Restart.** A node restarts from its last durable hard state, snapshot and entries
//! ([`Restored`]); committed entries after the snapshot are handed out again for replay.
//!
//! # Injected bugs
//!
//! With the `bug-injection` Cargo feature, `Node::inject_bug` switches on one of the
//! `Bug`s: deliberately unsafe variants that the simulation's invariant checkers must catch
//! (committing an old term's entry by counting replicas, forgetting the vote across a
//! restart, accepting appends from a stale leader, not truncating a conflicting suffix,
//! serving reads without confirming leadership, taking a membership change while the last is
//! uncommitted). Without the feature neither the type nor
//! any check for it exists.
//!
//! # Tests
//!
//! `log.rs`, `progress.rs` and `rng.rs` carry unit tests. `testing.rs` is an in-crate
//! cluster harness (message queue, cut links, crashes and restarts from exactly what each
//! node made durable) that checks after every `Ready` that no two nodes apply different
//! entries at an index. `scenarios.rs` tells the protocol's stories over it (split vote,
//! Figure 8, partitions, divergent tails, snapshots, pre-vote, check-quorum, transfer, reads,
//! membership changes), and `chaos.rs` runs seeded random faults and membership changes with
//! safety, read-linearizability and leader-completeness checks (`CHAOS_SEED=<n>` replays one
//! seed).
//!
//! # Caveats
//!
//! - Membership changes are single-server, not joint consensus: replacing a node takes two
//!   changes. A learner is promoted on the leader's own judgement (caught up to the commit
//!   index), not by an operator. A removed node is not told so; it learns it from its log if
//!   the removal reached it, and otherwise falls silent (it gets no more appends).
//! - The core sends a snapshot as one `InstallSnapshot` message (the transport cuts a large one
//!   into pieces and puts it back together before the receiving core sees it). It keeps what it
//!   was given of its snapshot so it can be resent: the server gives it only the position and
//!   size, keeps the data on disk and fills it in for each send.
//! - A lost snapshot is detected only by a timeout (two election timeouts without an answer,
//!   plus a tick for every 256 KiB of the snapshot), not by a transport report.
//! - Read leases assume that no node's ticks run faster than another's by more than a fifth:
//!   a node whose clock races (not merely pauses or lags) could grant, or hold, a lease too
//!   long. With `lease_reads` off, every read costs a heartbeat round trip (shared by
//!   concurrent reads) and needs no clock at all.
//! - A leader whose reads cannot be confirmed does not answer them; the driver times them out.
//! - Flow control counts entries (`max_uncommitted_entries`) and bytes per message, not the
//!   total bytes in flight.
//! - The log lives entirely in memory between compactions.

mod log;
pub mod message;
pub mod node;
mod progress;
pub mod ready;
mod rng;

#[cfg(test)]
mod chaos;
#[cfg(test)]
mod scenarios;
#[cfg(test)]
mod testing;

pub use message::{
    Entry, Envelope, HardState, Index, Membership, MembershipChange, Message, NodeId, RequestId,
    Snapshot, Term,
};
#[cfg(feature = "bug-injection")]
pub use node::Bug;
pub use node::{ChangeError, Config, Node, ProposeError, ReadError, Restored, RoleKind, Status};
pub use ready::{ReadState, Ready};
