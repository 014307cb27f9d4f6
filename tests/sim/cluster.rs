//! The simulated cluster: nodes, their disks and state machines, the network, the fault
//! schedule and the client workload, all driven by one seed.
//!
//! Each node's `Ready` is handled exactly as the real driver does: persist to the simulated
//! disk, then send, then restore/apply, then answer reads, then `advance`. A crash may strike
//! before the persist (the whole `Ready` is lost) or between persist and send (its messages
//! are lost). Every invariant is checked right after the step that could break it.
//!
//! On half the seeds a leader writes its entries in the background, as the real driver does:
//! it sends, applies and advances at once (`advance_unpersisted`), and each write reaches its
//! disk some ticks later (`persisted`), unless a crash loses it first. Any other `Ready` first
//! waits for those writes.
//!
//! On half the seeds leaders use lazy fan-out, as the real driver does: new entries go at once
//! only to the followers needed for a quorum, and to the rest with each heartbeat.
//!
//! On most seeds the membership changes: clients ask the leader they know to add a non-member
//! (a joiner that has waited with an empty disk since the start, or a node removed earlier,
//! with its old disk) or to remove a member, down to a minimum of voters; the leader promotes
//! learners by itself. A snapshot is stored with the membership as of its index, as the real
//! driver does.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use raft_kv::raft::{
    ChangeError, Config, Entry, Envelope, HardState, Index, Membership, MembershipChange, Message,
    Node, NodeId, ReadState, Ready, RequestId, Restored, RoleKind, Status, Term,
};

use super::Options;
use super::disk::Disk;
use super::invariants::committed_entries::CommittedLog;
use super::invariants::election_safety::ElectionSafety;
use super::invariants::liveness::{self, Probe, ProbeState};
use super::invariants::log_matching::LogMatching;
use super::invariants::read_linearizability::{self, PendingRead, Reads};
use super::invariants::single_server_change::{self, LeaderLog};
use super::invariants::snapshot_membership::Memberships;
use super::invariants::stale_term::{self, StaleRequest};
use super::invariants::state_machine_safety::{self, AppliedHistory};
use super::invariants::{
    Check, Violation, durable_state, leader_append_only, leader_commit_rule, leader_completeness,
    membership_in_force, monotonic_state, persist_before_send,
};
use super::invariants::{read_lease, read_quorum};
use super::network::{Faults, Network};
use super::params::Params;
use super::rng::Rng;
use super::state_machine::{REGISTERS, StateMachine, decode_set, entry_hash};
use super::trace::{self, Trace};
use super::workload::Workload;

/// `Ready` rounds after one input beyond which the core is considered stuck in a loop.
const MAX_READY_ROUNDS: usize = 64;

/// Messages in flight beyond which the core is considered to be flooding the network.
const MAX_IN_FLIGHT: usize = 100_000;

/// Failure name when the core keeps producing `Ready`s without new input.
pub const READY_LOOP: &str = "ready_loop";

/// Failure name when the core floods the network with messages.
pub const MESSAGE_FLOOD: &str = "message_flood";

/// Failure name when the core emits a message that is not from itself.
pub const ENVELOPE: &str = "envelope";

/// What one seed did, for the summary line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Report {
    /// Ticks simulated.
    pub ticks: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Messages lost to drops and partitions.
    pub dropped: u64,
    /// Node crashes (including crashes in the middle of a `Ready`).
    pub crashes: u64,
    /// Partitions started.
    pub partitions: u64,
    /// Proposals accepted by a leader.
    pub proposed: u64,
    /// Proposals acknowledged.
    pub acknowledged: u64,
    /// Reads served.
    pub reads: u64,
    /// Snapshots installed from a leader.
    pub snapshots_installed: u64,
    /// Highest term reached.
    pub max_term: u64,
    /// Ticks from the heal until a fresh write was applied everywhere.
    pub converge_ticks: u64,
    /// Membership changes clients asked for that a leader accepted.
    pub changes_requested: u64,
    /// Membership changes committed (clients' and the leaders' promotions of learners).
    pub changes_committed: u64,
    /// Voters of the final leader's membership.
    pub final_voters: u64,
}

/// One simulated node: the core (while it is up), its disk and its state machine.
struct SimNode {
    id: NodeId,
    /// The membership it starts with on an empty disk: the initial voters, or none (a joiner).
    bootstrap: Membership,
    /// The running core; `None` while crashed.
    node: Option<Node>,
    /// What survives a crash.
    disk: Disk,
    /// The state machine; rebuilt from the disk's snapshot on restart.
    sm: StateMachine,
    /// The last status observed from the current incarnation.
    status: Option<Status>,
    /// Tick at which a crashed node comes back.
    restart_at: u64,
    /// Reads invoked on this incarnation and not yet served.
    reads: Vec<PendingRead>,
    /// Next read sequence number; never reset, so request ids stay unique.
    next_read_seq: u64,
    /// A leader's writes still on their way to the disk, oldest first; lost in a crash.
    background: VecDeque<BackgroundWrite>,
    /// Per peer (`id - 1`): the term and event time of the last append acknowledgement or
    /// read request that reached this node in its current term (see `read_quorum`).
    heard: Vec<(Term, u64)>,
    /// The same as `heard`, timed in ticks (see `read_lease`).
    heard_tick: Vec<(Term, u64)>,
    /// Counts the background writes carrying a membership change that came or went.
    background_changes: u64,
    /// What `membership_in_force` last checked for this incarnation: the core's membership
    /// (by address: the previous status keeps that `Arc` alive), the disk's and the
    /// background writes' membership versions. Comparing memberships at every step is costly.
    membership_checked: Option<(*const Membership, u64, u64)>,
}

/// A leader's log write the sim has not yet made durable.
struct BackgroundWrite {
    /// The term the node led when it handed the entries out.
    term: Term,
    hard_state: Option<HardState>,
    entries: Vec<Entry>,
    /// What `advance_unpersisted` returned, reported through `persisted` once durable.
    upto: Option<(Index, Term)>,
}

/// The whole simulated world for one seed.
pub struct Cluster {
    params: Params,
    now: u64,
    /// Whether crashes and random partitions may happen (false in the calm tail).
    faults_on: bool,
    net_rng: Rng,
    fault_rng: Rng,
    client_rng: Rng,
    config_rng: Rng,
    /// Drives leader churn; a separate stream so adding it left other streams unchanged.
    churn_rng: Rng,
    /// Per-tick chance (ppm) of crashing the leader briefly (0 for most seeds).
    leader_churn_ppm: u64,
    /// Per-tick chance (ppm) that a node's oldest background write becomes durable; 0 when
    /// leaders write in place.
    background_ppm: u64,
    /// `Config::lazy_fan_out` for every node.
    lazy_fan_out: bool,
    /// `Config::commit_with_appends` for every node.
    commit_with_appends: bool,
    /// Whether nodes use `Config::lease_reads`: every node but those whose id is a multiple
    /// of 3, which do not (nodes may differ, as the server allows); all of them ignore
    /// candidates at start (`Config::quiet_start`), as the server's do. The nodes tick in
    /// step with the sim's clock, as the driver's catch-up keeps them with the wall clock.
    lease_reads: bool,
    /// Decides when background writes land; its own stream, like `churn_rng`.
    disk_rng: Rng,
    /// Drives the membership changes clients ask for; its own stream, like `churn_rng`.
    member_rng: Rng,
    /// Messages delivered and reads invoked so far: the clock of `read_quorum`.
    events: u64,
    /// (leader, forwarded read request) → when the request first reached the leader.
    read_arrivals: HashMap<(NodeId, RequestId), u64>,
    /// The committed membership history.
    memberships: Memberships,
    net: Network,
    nodes: Vec<SimNode>,
    election: ElectionSafety,
    log: LogMatching,
    history: AppliedHistory,
    committed: CommittedLog,
    reads: Reads,
    workload: Workload,
    trace: Trace,
    /// Whether to check the protocol rules (see `Options::protocol_rules`).
    protocol_rules: bool,
    /// Set while the node being stepped handles a leader's request from an older term.
    stale_request: Option<StaleRequest>,
    /// The bug injected into every node, if any.
    #[cfg(feature = "bug-injection")]
    bug: Option<raft_kv::raft::Bug>,
    report: Report,
}

impl Cluster {
    /// Builds the cluster for `seed`; nothing runs until [`Cluster::run`].
    pub fn new(seed: u64, options: &Options) -> Cluster {
        let mut rng = Rng::new(seed);
        let mut params = Params::generate(&mut rng, options.fault_ticks);
        let trace = Trace {
            enabled: options.trace,
        };
        let net_rng = rng.fork();
        let fault_rng = rng.fork();
        let client_rng = rng.fork();
        let config_rng = rng.fork();
        let mut churn_rng = rng.fork();
        let leader_churn_ppm = churn_rng.pick(&[0, 0, 5_000, 20_000]);
        let mut disk_rng = rng.fork();
        let background_ppm = disk_rng.pick(&[0, 0, 100_000, 300_000, 700_000]);
        let lazy_fan_out = rng.fork().pick(&[false, true]);
        let commit_with_appends = rng.fork().pick(&[false, true]);
        let mut member_rng = rng.fork();
        let lease_reads = rng.fork().pick(&[false, true]);
        params.generate_membership(&mut member_rng);
        let bootstrap = Membership::of_voters(1..=params.voters as NodeId);
        let nodes = (1..=params.nodes as NodeId)
            .map(|id| SimNode {
                id,
                bootstrap: if bootstrap.contains(id) {
                    bootstrap.clone()
                } else {
                    Membership::default()
                },
                node: None,
                disk: Disk::default(),
                sm: StateMachine::default(),
                status: None,
                restart_at: 0,
                reads: Vec::new(),
                next_read_seq: 1,
                background: VecDeque::new(),
                heard: vec![(0, 0); params.nodes],
                heard_tick: vec![(0, 0); params.nodes],
                background_changes: 0,
                membership_checked: None,
            })
            .collect();
        trace.log(0, || {
            format!(
                "seed {seed}: {params:?}, leader_churn_ppm: {leader_churn_ppm}, \
                 background_ppm: {background_ppm}, lazy_fan_out: {lazy_fan_out}, \
                 commit_with_appends: {commit_with_appends}, lease_reads: {lease_reads}"
            )
        });
        Cluster {
            net: Network::new(params.nodes, params.faults),
            workload: Workload::new(params.nodes),
            net_rng,
            fault_rng,
            client_rng,
            config_rng,
            churn_rng,
            leader_churn_ppm,
            background_ppm,
            lazy_fan_out,
            commit_with_appends,
            lease_reads,
            disk_rng,
            member_rng,
            events: 0,
            read_arrivals: HashMap::new(),
            memberships: Memberships::new(bootstrap),
            params,
            now: 0,
            faults_on: true,
            nodes,
            election: ElectionSafety::default(),
            log: LogMatching::default(),
            history: AppliedHistory::default(),
            committed: CommittedLog::default(),
            reads: Reads::default(),
            trace,
            stale_request: None,
            protocol_rules: options.protocol_rules,
            #[cfg(feature = "bug-injection")]
            bug: options.bug,
            report: Report::default(),
        }
    }

    /// Runs the fault phase, then the calm tail with its liveness checks.
    ///
    /// # Errors
    /// The first invariant violation, with the tick it happened at in `now()`.
    pub fn run(&mut self) -> Result<Report, Violation> {
        for i in 0..self.nodes.len() {
            self.start(i)?;
        }
        while self.now < self.params.fault_ticks {
            self.now += 1;
            self.fault_step()?;
            self.tick_all()?;
            self.deliver()?;
            self.client_step()?;
        }
        self.heal()?;
        self.converge()?;
        self.drain()?;
        self.report.ticks = self.now;
        self.report.delivered = self.net.delivered;
        self.report.dropped = self.net.dropped;
        self.report.proposed = self.workload.proposed;
        self.report.acknowledged = self.workload.acknowledged;
        self.report.reads = self.reads.served;
        self.report.changes_committed = self.memberships.committed();
        Ok(self.report)
    }

    /// The current tick.
    pub fn now(&self) -> u64 {
        self.now
    }

    fn config(&mut self, id: NodeId) -> Config {
        Config {
            id,
            bootstrap: self.nodes[id as usize - 1].bootstrap.clone(),
            election_ticks: self.params.election_ticks,
            heartbeat_ticks: self.params.heartbeat_ticks,
            max_append_bytes: self.params.max_append_bytes,
            max_inflight_appends: self.params.max_inflight_appends,
            max_uncommitted_entries: self.params.max_uncommitted_entries,
            lazy_fan_out: self.lazy_fan_out,
            commit_with_appends: self.commit_with_appends,
            lease_reads: self.lease_reads && !id.is_multiple_of(3),
            quiet_start: self.lease_reads,
            seed: self.config_rng.next_u64(),
        }
    }

    /// Starts (or restarts) node `i` from its disk.
    fn start(&mut self, i: usize) -> Check {
        let id = self.nodes[i].id;
        let config = self.config(id);
        let n = &mut self.nodes[i];
        let restored = Restored {
            hard_state: n.disk.hard_state,
            snapshot: n.disk.snapshot.clone(),
            entries: n.disk.entries(),
        };
        n.sm = match &n.disk.snapshot {
            Some(snapshot) => StateMachine::restore(snapshot).map_err(|e| {
                Violation::new(
                    state_machine_safety::NAME,
                    format!("n{id} cannot restore its durable snapshot: {e}"),
                )
            })?,
            None => StateMachine::default(),
        };
        #[cfg_attr(not(feature = "bug-injection"), allow(unused_mut))]
        let mut node = Node::new(config, restored);
        #[cfg(feature = "bug-injection")]
        if let Some(bug) = self.bug {
            node.inject_bug(bug);
        }
        let status = node.status();
        monotonic_state::check_restart(&n.disk.hard_state, &status)?;
        let (hs, snap, last) = (
            n.disk.hard_state,
            n.disk.snapshot_index(),
            n.disk.last_index(),
        );
        self.trace.log(self.now, || {
            format!(
                "n{id} START term={} vote={:?} commit={} snapshot={snap} last={last} members={}",
                hs.term,
                hs.vote,
                hs.commit,
                trace::membership(&status.membership)
            )
        });
        n.node = Some(node);
        n.status = None;
        n.membership_checked = None;
        self.after_input(i)
    }

    fn crash(&mut self, i: usize, why: &str) {
        let down = self
            .fault_rng
            .range(self.params.down_ticks.0, self.params.down_ticks.1);
        self.crash_for(i, why, down);
    }

    fn crash_for(&mut self, i: usize, why: &str, down: u64) {
        let n = &mut self.nodes[i];
        n.node = None;
        n.status = None;
        n.reads.clear();
        n.background.clear();
        n.sm = StateMachine::default();
        n.restart_at = self.now + down;
        self.workload.crashed(n.id);
        self.report.crashes += 1;
        let (id, at) = (n.id, n.restart_at);
        self.trace.log(self.now, || {
            format!("n{id} CRASH {why}; restarts at t={at}")
        });
    }

    fn live(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].node.is_some())
            .collect()
    }

    /// Live nodes whose last status says leader, highest term first.
    fn leaders(&self) -> Vec<usize> {
        let mut leaders: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| {
                self.nodes[i]
                    .status
                    .as_ref()
                    .is_some_and(|s| s.role == RoleKind::Leader)
            })
            .collect();
        leaders.sort_by_key(|&i| std::cmp::Reverse(self.term_of(i)));
        leaders
    }

    fn term_of(&self, i: usize) -> u64 {
        self.nodes[i].status.as_ref().map_or(0, |s| s.term)
    }

    // ---- faults ----------------------------------------------------------------------------

    fn fault_step(&mut self) -> Check {
        for i in 0..self.nodes.len() {
            if self.nodes[i].node.is_none() && self.nodes[i].restart_at <= self.now {
                self.start(i)?;
            }
        }
        if self.net.is_partitioned() {
            if self.fault_rng.chance(self.params.heal_ppm) {
                self.net.heal();
                self.trace.log(self.now, || "HEAL network".to_string());
            }
        } else if self.fault_rng.chance(self.params.partition_ppm) {
            self.partition();
        }
        if self.fault_rng.chance(self.params.crash_ppm) {
            let live = self.live();
            if !live.is_empty() {
                // Leaders are crashed more often than their share: that is where bugs hide.
                let leaders = self.leaders();
                let i = if !leaders.is_empty() && self.fault_rng.chance(400_000) {
                    leaders[0]
                } else {
                    self.fault_rng.pick(&live)
                };
                self.crash(i, "(at tick)");
            }
        }
        // Leader churn: a freshly elected leader dies before finishing its work, over and
        // over, so leaders inherit half-replicated logs from several terms (Figure 8).
        if self.churn_rng.chance(self.leader_churn_ppm)
            && let Some(&i) = self.leaders().first()
        {
            let down = self.churn_rng.range(1, self.params.election_ticks);
            self.crash_for(i, "(leader churn)", down);
        }
        Ok(())
    }

    fn partition(&mut self) {
        self.report.partitions += 1;
        let ids: Vec<NodeId> = self.nodes.iter().map(|n| n.id).collect();
        let leader = self.leaders().first().map(|&i| self.nodes[i].id);
        match self.fault_rng.below(3) {
            0 => {
                let mut shuffled = ids.clone();
                self.fault_rng.shuffle(&mut shuffled);
                let size = self.fault_rng.range(1, ids.len() as u64) as usize;
                let side = &shuffled[..size];
                self.net.split(side);
                self.trace
                    .log(self.now, || format!("PARTITION {side:?} | rest"));
            }
            1 => {
                let isolated = leader.unwrap_or_else(|| self.fault_rng.pick(&ids));
                self.net.split(&[isolated]);
                self.trace
                    .log(self.now, || format!("PARTITION isolate n{isolated}"));
            }
            _ => {
                let links = self.fault_rng.range(1, 3);
                for _ in 0..links {
                    let from = match leader {
                        Some(l) if self.fault_rng.chance(500_000) => l,
                        _ => self.fault_rng.pick(&ids),
                    };
                    let mut to = self.fault_rng.pick(&ids);
                    while to == from {
                        to = self.fault_rng.pick(&ids);
                    }
                    self.net.block(from, to);
                    self.trace
                        .log(self.now, || format!("PARTITION one-way n{from} ↛ n{to}"));
                }
            }
        }
    }

    /// Ends the fault phase: heals the network, stops drops, restarts every crashed node.
    fn heal(&mut self) -> Check {
        self.faults_on = false;
        self.net.heal();
        self.net.faults = Faults {
            drop_ppm: 0,
            long_delay_ppm: 0,
            ..self.params.faults
        };
        self.trace
            .log(self.now, || "HEAL everything; faults stop".to_string());
        for i in 0..self.nodes.len() {
            if self.nodes[i].node.is_none() {
                self.start(i)?;
            }
        }
        Ok(())
    }

    // ---- the driver loop -------------------------------------------------------------------

    fn tick_all(&mut self) -> Check {
        for i in 0..self.nodes.len() {
            if !self.nodes[i].background.is_empty() && self.disk_rng.chance(self.background_ppm) {
                self.finish_background_write(i)?;
                self.after_input(i)?;
            }
            if let Some(node) = self.nodes[i].node.as_mut() {
                node.tick();
                self.after_input(i)?;
            }
        }
        Ok(())
    }

    /// Makes node `i`'s oldest background write durable and tells its core.
    fn finish_background_write(&mut self, i: usize) -> Check {
        let n = &mut self.nodes[i];
        let Some(write) = n.background.pop_front() else {
            return Ok(());
        };
        if write.entries.iter().any(|e| e.membership.is_some()) {
            n.background_changes += 1;
        }
        leader_append_only::check(n.id, write.term, &n.disk, &write.entries)?;
        if let Some(hard_state) = write.hard_state {
            durable_state::check(n.id, &n.disk.hard_state, &hard_state)?;
            n.disk.hard_state = hard_state;
        }
        n.disk
            .append(n.id, &write.entries, &mut self.log, &self.committed)?;
        let id = n.id;
        let count = write.entries.len();
        if let (Some((index, term)), Some(node)) = (write.upto, n.node.as_mut()) {
            node.persisted(index, term);
        }
        self.trace.log(self.now, || {
            format!("n{id} background write of {count} entries is durable")
        });
        Ok(())
    }

    /// Makes every background write of node `i` durable, oldest first.
    fn finish_background_writes(&mut self, i: usize) -> Check {
        while !self.nodes[i].background.is_empty() {
            self.finish_background_write(i)?;
        }
        Ok(())
    }

    fn deliver(&mut self) -> Check {
        for envelope in self.net.due(self.now, &mut self.net_rng) {
            let i = envelope.to as usize - 1;
            let receiver_term = self.term_of(i);
            if self.nodes.get(i).is_none_or(|n| n.node.is_none()) {
                self.trace.log(self.now, || {
                    format!("{} (lost: node down)", trace::envelope(&envelope))
                });
                continue;
            }
            self.record_delivery(i, receiver_term, &envelope);
            let Some(node) = self.nodes[i].node.as_mut() else {
                continue;
            };
            self.trace.log(self.now, || trace::envelope(&envelope));
            let from_leader = matches!(
                envelope.message,
                Message::AppendEntries { .. } | Message::InstallSnapshot { .. }
            );
            self.stale_request =
                (from_leader && envelope.term < receiver_term).then_some(StaleRequest {
                    from: envelope.from,
                    term: envelope.term,
                    receiver_term,
                });
            node.step(envelope);
            let outcome = self.after_input(i);
            self.stale_request = None;
            outcome?;
        }
        Ok(())
    }

    /// Notes what the election and read checks need to know of a message about to reach
    /// node `i`, whose term is `receiver_term`.
    fn record_delivery(&mut self, i: usize, receiver_term: Term, envelope: &Envelope) {
        self.events += 1;
        self.election.deliver(envelope);
        if envelope.term != receiver_term {
            return;
        }
        match envelope.message {
            Message::AppendEntriesResponse { .. } => {}
            Message::ReadIndex { id } => {
                self.read_arrivals
                    .entry((envelope.to, id))
                    .or_insert(self.events);
            }
            _ => return,
        }
        if let Some(heard) = self.nodes[i].heard.get_mut(envelope.from as usize - 1) {
            *heard = (envelope.term, self.events);
        }
        if let Some(heard) = self.nodes[i].heard_tick.get_mut(envelope.from as usize - 1) {
            *heard = (envelope.term, self.now);
        }
    }

    /// Handles every `Ready` node `i` has after an input, then checks its status.
    fn after_input(&mut self, i: usize) -> Check {
        for round in 0.. {
            let Some(node) = self.nodes[i].node.as_mut() else {
                return Ok(());
            };
            if !node.has_ready() {
                break;
            }
            if round == MAX_READY_ROUNDS {
                return Err(Violation::new(
                    READY_LOOP,
                    format!(
                        "n{} still has work after {MAX_READY_ROUNDS} Readies for one input",
                        i + 1
                    ),
                ));
            }
            let ready = node.ready();
            if !self.handle_ready(i, ready)? {
                return Ok(());
            }
        }
        self.observe(i)
    }

    /// Carries out one `Ready`; returns false if the node crashed while doing so.
    fn handle_ready(&mut self, i: usize, ready: Ready) -> Result<bool, Violation> {
        let id = self.nodes[i].id;
        self.trace
            .log(self.now, || format!("n{id} {}", trace::ready(&ready)));
        if let Some(request) = &self.stale_request
            && self.protocol_rules
        {
            stale_term::check(id, request, &self.nodes[i].disk.hard_state, &ready)?;
        }
        if self.protocol_rules {
            self.check_changes(i, &ready.entries)?;
        }
        if let Some(snapshot) = &ready.snapshot {
            self.memberships.check_snapshot(id, snapshot, "received")?;
        }
        if self.faults_on && self.fault_rng.chance(self.params.ready_crash_ppm) {
            self.crash(i, "before persisting a Ready (it is lost)");
            return Ok(false);
        }
        // As the driver does: a leader whose term and vote are durable writes in the
        // background; anything else first waits for those writes, then writes in place.
        let n = &self.nodes[i];
        let leading = n
            .node
            .as_ref()
            .map(Node::status)
            .filter(|s| s.role == RoleKind::Leader)
            .map(|s| s.term);
        let durable = n.disk.hard_state;
        let background = self.background_ppm > 0
            && leading.is_some()
            && ready.snapshot.is_none()
            && ready
                .hard_state
                .is_none_or(|hs| (hs.term, hs.vote) == (durable.term, durable.vote));
        if background {
            if ready.hard_state.is_some() || !ready.entries.is_empty() {
                if ready.entries.iter().any(|e| e.membership.is_some()) {
                    self.nodes[i].background_changes += 1;
                }
                self.nodes[i].background.push_back(BackgroundWrite {
                    term: leading.unwrap_or_default(),
                    hard_state: ready.hard_state,
                    entries: ready.entries.clone(),
                    upto: None,
                });
            }
        } else {
            self.finish_background_writes(i)?;
            self.persist(i, &ready)?;
        }
        if self.faults_on && self.fault_rng.chance(self.params.ready_crash_ppm) {
            self.crash(i, "after persisting a Ready, before sending it");
            return Ok(false);
        }
        for envelope in ready.messages {
            if envelope.from != id {
                return Err(Violation::new(
                    ENVELOPE,
                    format!("n{id} emitted a message from n{}", envelope.from),
                ));
            }
            if self.protocol_rules {
                persist_before_send::check(&self.nodes[i].disk, &envelope)?;
                if let Message::ReadIndexResponse {
                    id: request,
                    index: Some(_),
                } = envelope.message
                    && let Some(&arrived) = self.read_arrivals.get(&(id, request))
                {
                    self.check_read_quorum(i, &trace::request_id(&request), arrived)?;
                }
            }
            self.net.send(envelope, self.now, &mut self.net_rng);
        }
        if self.net.in_flight() > MAX_IN_FLIGHT {
            return Err(Violation::new(
                MESSAGE_FLOOD,
                format!(
                    "{} messages in flight after n{id}'s Ready",
                    self.net.in_flight()
                ),
            ));
        }
        if let Some(snapshot) = &ready.snapshot {
            let n = &self.nodes[i];
            state_machine_safety::check_restore_order(id, n.sm.applied, snapshot.index)?;
            let sm = StateMachine::restore(snapshot).map_err(|e| {
                Violation::new(
                    state_machine_safety::NAME,
                    format!("n{id} received a malformed snapshot: {e}"),
                )
            })?;
            self.history.check_restored(id, &sm)?;
            self.nodes[i].sm = sm;
            self.report.snapshots_installed += 1;
            self.trace.log(self.now, || {
                format!(
                    "n{id} INSTALL snapshot {}@{}",
                    snapshot.index, snapshot.term
                )
            });
        }
        for entry in &ready.committed_entries {
            self.apply(i, entry)?;
        }
        for read_state in &ready.read_states {
            self.read_state(i, read_state)?;
        }
        self.serve_reads(i)?;
        let n = &mut self.nodes[i];
        let node = n
            .node
            .as_mut()
            .expect("a node that handled a Ready without crashing is up");
        if background {
            let upto = node.advance_unpersisted();
            if !ready.entries.is_empty()
                && let Some(write) = n.background.back_mut()
            {
                write.upto = upto;
            }
        } else {
            node.advance();
        }
        self.maybe_compact(i)?;
        Ok(true)
    }

    fn persist(&mut self, i: usize, ready: &Ready) -> Check {
        let n = &mut self.nodes[i];
        if let Some(status) = n.node.as_ref().map(Node::status)
            && status.role == RoleKind::Leader
        {
            leader_append_only::check(n.id, status.term, &n.disk, &ready.entries)?;
        }
        if let Some(snapshot) = &ready.snapshot {
            n.disk
                .install_snapshot(n.id, snapshot, &self.log, &self.committed)?;
        }
        if let Some(hard_state) = ready.hard_state {
            durable_state::check(n.id, &n.disk.hard_state, &hard_state)?;
            n.disk.hard_state = hard_state;
        }
        n.disk
            .append(n.id, &ready.entries, &mut self.log, &self.committed)
    }

    fn apply(&mut self, i: usize, entry: &Entry) -> Check {
        let id = self.nodes[i].id;
        self.committed.record(id, entry)?;
        let first = self.history.apply(id, &mut self.nodes[i].sm, entry)?;
        if first {
            self.memberships.record(entry);
            if let Some((key, value)) = entry.data.as_deref().and_then(decode_set) {
                self.reads.record_write(entry.index, key, value);
            }
        }
        self.workload.applied(id, entry, &mut self.committed)
    }

    fn read_state(&mut self, i: usize, read_state: &ReadState) -> Check {
        let n = &mut self.nodes[i];
        let Some(pos) = n.reads.iter().position(|r| r.id == read_state.id) else {
            return Err(Violation::new(
                read_linearizability::NAME,
                format!(
                    "n{} answered read {} that is unknown or already answered",
                    n.id,
                    trace::request_id(&read_state.id)
                ),
            ));
        };
        let id = n.id;
        match read_state.index {
            None => {
                n.reads.swap_remove(pos);
                self.trace.log(self.now, || {
                    format!("n{id} read {} refused", trace::request_id(&read_state.id))
                });
            }
            Some(index) => {
                self.reads.check_read_index(id, &n.reads[pos], index)?;
                n.reads[pos].read_index = Some(index);
                let (leader_term, invoked_at) = (n.reads[pos].leader_term, n.reads[pos].invoked_at);
                let leads = n
                    .node
                    .as_ref()
                    .map(Node::status)
                    .is_some_and(|s| s.role == RoleKind::Leader && Some(s.term) == leader_term);
                if self.protocol_rules && leads {
                    self.check_read_quorum(i, &trace::request_id(&read_state.id), invoked_at)?;
                }
                self.trace.log(self.now, || {
                    format!(
                        "n{id} read {} index={index}",
                        trace::request_id(&read_state.id)
                    )
                });
            }
        }
        Ok(())
    }

    fn serve_reads(&mut self, i: usize) -> Check {
        let n = &mut self.nodes[i];
        let applied = n.sm.applied;
        let mut k = 0;
        while k < n.reads.len() {
            match n.reads[k].read_index {
                Some(index) if index <= applied => {
                    let read = n.reads.remove(k);
                    self.reads.serve(n.id, &read, &n.sm)?;
                    let id = n.id;
                    let value = n.sm.get(read.key);
                    self.trace.log(self.now, || {
                        format!(
                            "n{id} read {} served at applied={applied}: r{} = {value:?}",
                            trace::request_id(&read.id),
                            read.key
                        )
                    });
                }
                _ => k += 1,
            }
        }
        Ok(())
    }

    fn maybe_compact(&mut self, i: usize) -> Check {
        let n = &mut self.nodes[i];
        if n.sm.applied < n.disk.snapshot_index() + self.params.snapshot_every {
            return Ok(());
        }
        // As the driver does: the log holds everything up to the snapshot before compacting.
        self.finish_background_writes(i)?;
        let n = &mut self.nodes[i];
        let mut snapshot = n.sm.snapshot();
        let node = n.node.as_mut().expect("only a live node applies entries");
        // As the driver does: the snapshot carries the membership as of its index, so that a
        // restart, or a follower that installs it, comes back with the right membership.
        let Some(membership) = node.membership_at(snapshot.index) else {
            return Ok(());
        };
        snapshot.membership = Some(membership);
        self.memberships.check_snapshot(n.id, &snapshot, "took")?;
        n.disk.compact(n.id, &snapshot)?;
        let (id, index, term) = (n.id, snapshot.index, snapshot.term);
        node.compact(snapshot);
        self.trace
            .log(self.now, || format!("n{id} COMPACT through {index}@{term}"));
        Ok(())
    }

    /// The latest membership in node `i`'s log: its durable log and the writes still on their
    /// way to its disk, else its snapshot's, else the one it was bootstrapped with.
    fn log_membership(&self, i: usize) -> &Membership {
        let n = &self.nodes[i];
        n.background
            .iter()
            .rev()
            .flat_map(|w| w.entries.iter().rev())
            .find_map(|e| e.membership.as_deref())
            .or_else(|| n.disk.membership_at(Index::MAX))
            .unwrap_or(&n.bootstrap)
    }

    /// The latest membership change before `index` in node `i`'s log, given the entries
    /// `pending` it is about to write: its index (0 for the bootstrap membership, the
    /// snapshot's index for a change compacted away) and its membership.
    fn change_before<'a>(
        &'a self,
        i: usize,
        pending: &'a [Entry],
        index: Index,
    ) -> (Index, &'a Membership) {
        let n = &self.nodes[i];
        let in_flight = n
            .background
            .iter()
            .flat_map(|w| w.entries.iter())
            .chain(pending)
            .filter(|e| e.index < index)
            .filter_map(|e| Some((e.index, e.membership.as_deref()?)))
            .max_by_key(|&(i, _)| i);
        in_flight
            .or_else(|| n.disk.change_before(index))
            .or_else(|| {
                let snapshot = n.disk.snapshot.as_ref()?;
                Some((snapshot.index, snapshot.membership.as_ref()?))
            })
            .unwrap_or((0, &n.bootstrap))
    }

    /// Checks the membership changes among `entries`, which node `i` is about to persist,
    /// that it appended itself as leader (see `single_server_change`).
    fn check_changes(&self, i: usize, entries: &[Entry]) -> Check {
        let id = self.nodes[i].id;
        let Some(node) = &self.nodes[i].node else {
            return Ok(());
        };
        let mut status = None;
        for entry in entries {
            let Some(next) = &entry.membership else {
                continue;
            };
            let status = status.get_or_insert_with(|| node.status());
            // Entries of its own term on a leader are its own. (A node that led a term may
            // later get entries of that term back from another leader, in another context.)
            if status.role != RoleKind::Leader || status.term != entry.term {
                continue;
            }
            let log = LeaderLog {
                node: id,
                term: entry.term,
                commit: status.commit,
                commit_term: node.term_at(status.commit),
                previous: self.change_before(i, entries, entry.index),
            };
            single_server_change::check(&log, entry.index, next)?;
        }
        Ok(())
    }

    /// Checks that node `i`, answering a read that reached it at event time `arrived`, leads
    /// and heard from a quorum of its voters since (see `read_quorum`). With `lease_reads` a
    /// read that no round confirmed came from the lease: the leader must then have heard from
    /// a quorum within an election timeout (see `read_lease`).
    fn check_read_quorum(&self, i: usize, read: &str, arrived: u64) -> Check {
        let n = &self.nodes[i];
        let Some(status) = n.node.as_ref().map(Node::status) else {
            return Ok(());
        };
        if status.role != RoleKind::Leader {
            return Ok(());
        }
        let before = n
            .status
            .as_ref()
            .map_or(&status.membership, |p| &p.membership);
        let answer = read_quorum::Answer {
            node: n.id,
            term: status.term,
            heard: &n.heard,
            before,
            after: &status.membership,
        };
        let by_round = read_quorum::check(&answer, read, arrived);
        if by_round.is_err() && self.lease_reads {
            let answer = read_lease::Answer {
                node: n.id,
                term: status.term,
                heard: &n.heard_tick,
                now: self.now,
                election_ticks: self.params.election_ticks,
                before,
                after: &status.membership,
            };
            return read_lease::check(&answer, read);
        }
        by_round
    }

    /// Checks node `i`'s status after a step: monotonicity, one leader per term, and the log of
    /// a newly elected leader.
    fn observe(&mut self, i: usize) -> Check {
        let n = &self.nodes[i];
        let Some(node) = &n.node else {
            return Ok(());
        };
        let status = node.status();
        let checked = (
            Arc::as_ptr(&status.membership),
            n.disk.membership_version,
            n.background_changes,
        );
        if n.membership_checked != Some(checked) {
            membership_in_force::check(&status, self.log_membership(i))?;
        }
        if self.protocol_rules {
            // A node whose latest change removed it, uncommitted as far as it knows, may
            // campaign in the membership before.
            let (latest, _) = self.change_before(i, &[], Index::MAX);
            let previous = (latest > status.commit).then(|| self.change_before(i, &[], latest).1);
            membership_in_force::check_campaign(n.status.as_ref(), &status, previous)?;
        }
        if let Some(prev) = &n.status {
            monotonic_state::check(prev, &status)?;
            if self.protocol_rules {
                let disks = &self.nodes;
                let holds = |id: NodeId| {
                    disks.get(id as usize - 1).is_some_and(|d| {
                        d.disk.snapshot_index() >= status.commit
                            || d.disk
                                .entry(status.commit)
                                .is_some_and(|e| e.term == status.term)
                    })
                };
                leader_commit_rule::check(prev, &status, node, holds)?;
            }
            if prev.membership != status.membership {
                self.trace.log(self.now, || {
                    format!(
                        "n{} membership {}",
                        status.id,
                        trace::membership(&status.membership)
                    )
                });
            }
        }
        // Everything up to the commit index is committed: record it from the durable log.
        let prev_commit = n
            .status
            .as_ref()
            .map_or(n.disk.snapshot_index(), |p| p.commit);
        for index in prev_commit + 1..=status.commit {
            if let Some(entry) = n.disk.entry(index) {
                self.committed.record(status.id, entry)?;
            }
        }
        let changed = n
            .status
            .as_ref()
            .is_none_or(|p| p.role != status.role || p.term != status.term);
        if changed {
            self.trace.log(self.now, || {
                format!(
                    "n{} becomes {:?} term={} leader={:?} commit={} applied={} last={} members={}",
                    status.id,
                    status.role,
                    status.term,
                    status.leader,
                    status.commit,
                    status.applied,
                    status.last_index,
                    trace::membership(&status.membership)
                )
            });
        }
        let newly_leader =
            status.role == RoleKind::Leader && self.election.leader_of(status.term).is_none();
        self.election.observe(&status)?;
        if newly_leader {
            if self.protocol_rules {
                // Elected in its latest membership, or (its latest change removed it and is
                // not committed) in the one before.
                let (latest, _) = self.change_before(i, &[], Index::MAX);
                let previous =
                    (latest > status.commit).then(|| self.change_before(i, &[], latest).1);
                self.election.check_quorum(&status, previous)?;
            }
            leader_completeness::check(status.id, status.term, &n.disk, &self.committed)?;
        }
        self.report.max_term = self.report.max_term.max(status.term);
        self.nodes[i].status = Some(status);
        self.nodes[i].membership_checked = Some(checked);
        Ok(())
    }

    // ---- clients ---------------------------------------------------------------------------

    fn client_step(&mut self) -> Check {
        if self.client_rng.chance(self.params.propose_ppm) {
            self.propose()?;
        }
        if self.client_rng.chance(self.params.read_ppm) {
            self.read()?;
        }
        if self.client_rng.chance(self.params.transfer_ppm) {
            self.transfer()?;
        }
        if self.params.change_ppm > 0 && self.member_rng.chance(self.params.change_ppm) {
            self.change_membership()?;
        }
        Ok(())
    }

    /// Asks a node that believes it leads (sometimes any node, which refuses) for a membership
    /// change: to add a random node if it is not a member, else to remove it, keeping at
    /// least `min_voters` voters. Now and then the request is nonsense (adding a member,
    /// removing a non-member), which the leader must refuse.
    fn change_membership(&mut self) -> Check {
        let (leaders, live) = (self.leaders(), self.live());
        let Some(i) = pick_client_node(&mut self.member_rng, &leaders, &live) else {
            return Ok(());
        };
        let target = self.member_rng.range(1, self.params.nodes as u64 + 1);
        let nonsense = self.member_rng.chance(50_000);
        let n = &mut self.nodes[i];
        let id = n.id;
        let Some(node) = n.node.as_mut() else {
            return Ok(());
        };
        let before = node.status();
        let membership = &before.membership;
        let member = membership.contains(target);
        let removable =
            !membership.is_voter(target) || membership.voters.len() > self.params.min_voters;
        if member && !removable && !nonsense {
            return Ok(());
        }
        let change = if member != nonsense {
            MembershipChange::Remove { id: target }
        } else {
            MembershipChange::Add {
                id: target,
                addr: String::new(),
            }
        };
        let what = match &change {
            MembershipChange::Add { id, .. } => format!("add n{id}"),
            MembershipChange::Remove { id } => format!("remove n{id}"),
        };
        let outcome = node.propose_membership(change);
        let line = match &outcome {
            Ok((index, term)) => format!("→ {index}@{term}"),
            Err(e) => format!("refused: {e}"),
        };
        self.trace.log(self.now, || {
            format!(
                "client n{id} membership {what} (members {}) {line}",
                trace::membership(membership)
            )
        });
        if self.protocol_rules {
            let invalid = matches!(outcome, Err(ChangeError::Invalid(_)));
            single_server_change::check_answer(id, &what, !nonsense, outcome.is_ok(), invalid)?;
        }
        if let Ok((index, term)) = outcome {
            self.report.changes_requested += 1;
            if self.protocol_rules {
                let next = node.status().membership;
                let log = LeaderLog {
                    node: id,
                    term,
                    commit: before.commit,
                    commit_term: node.term_at(before.commit),
                    previous: self.change_before(i, &[], index),
                };
                single_server_change::check(&log, index, &next)?;
            }
        }
        self.after_input(i)
    }

    /// Proposes a fresh write, usually on a node that believes it leads (a stale leader
    /// included, as a real client might), sometimes on any node (which refuses).
    fn propose(&mut self) -> Check {
        let (leaders, live) = (self.leaders(), self.live());
        let Some(i) = pick_client_node(&mut self.client_rng, &leaders, &live) else {
            return Ok(());
        };
        self.propose_on(i).map(|_| ())
    }

    /// Proposes a fresh write on node `i`; returns its probe record if a leader accepted it.
    fn propose_on(&mut self, i: usize) -> Result<Option<Probe>, Violation> {
        let (key, value, data) = self
            .workload
            .next_write(&mut self.client_rng, self.params.max_pad);
        let n = &mut self.nodes[i];
        let id = n.id;
        let Some(node) = n.node.as_mut() else {
            return Ok(None);
        };
        let outcome = node.propose(data.clone());
        let probe = match outcome {
            Ok((index, term)) => {
                self.workload
                    .accepted(id, index, term, data.clone(), self.now);
                self.trace.log(self.now, || {
                    format!("client n{id} propose r{key}={value} → {index}@{term}")
                });
                Some(Probe {
                    node: id,
                    index,
                    term,
                    hash: entry_hash(&Entry {
                        index,
                        term,
                        data: Some(data),
                        membership: None,
                    }),
                })
            }
            Err(e) => {
                self.trace.log(self.now, || {
                    format!("client n{id} propose r{key}={value} refused: {e}")
                });
                None
            }
        };
        self.after_input(i)?;
        Ok(probe)
    }

    /// Starts a linearizable read on a random live node.
    fn read(&mut self) -> Check {
        let live = self.live();
        if live.is_empty() {
            return Ok(());
        }
        let i = self.client_rng.pick(&live);
        let key = self.client_rng.below(u64::from(REGISTERS)) as u8;
        let committed = self.committed.max_index();
        let n = &mut self.nodes[i];
        let id = RequestId {
            node: n.id,
            seq: n.next_read_seq,
        };
        n.next_read_seq += 1;
        let node = n.node.as_mut().expect("live() returns live nodes");
        let status = node.status();
        let leader_term = (status.role == RoleKind::Leader).then_some(status.term);
        self.events += 1;
        match node.read(id) {
            Ok(()) => {
                n.reads.push(
                    self.reads
                        .invoke(id, key, committed, self.events, leader_term),
                );
                self.trace.log(self.now, || {
                    format!(
                        "client n{} read {} r{key} (committed={committed})",
                        id.node,
                        trace::request_id(&id)
                    )
                });
            }
            Err(e) => self.trace.log(self.now, || {
                format!(
                    "client n{} read {} refused: {e}",
                    id.node,
                    trace::request_id(&id)
                )
            }),
        }
        self.after_input(i)
    }

    /// Asks the current leader to hand leadership to a random or the best follower.
    fn transfer(&mut self) -> Check {
        let Some(&i) = self.leaders().first() else {
            return Ok(());
        };
        let from = self.nodes[i].id;
        let to = if self.client_rng.chance(500_000) {
            None
        } else {
            let others: Vec<NodeId> = self
                .nodes
                .iter()
                .map(|n| n.id)
                .filter(|&id| id != from)
                .collect();
            Some(self.client_rng.pick(&others))
        };
        self.trace.log(self.now, || {
            format!("client n{from} transfer leadership to {to:?}")
        });
        if let Some(node) = self.nodes[i].node.as_mut() {
            node.transfer_leadership(to);
        }
        self.after_input(i)
    }

    // ---- the calm tail ---------------------------------------------------------------------

    /// Sum of every node's durable last index, durable commit index and applied index: it
    /// changes whenever replication, commitment or application moves anywhere.
    fn progress_mark(&self) -> u64 {
        self.nodes
            .iter()
            .map(|n| n.disk.last_index() + n.disk.hard_state.commit + n.sm.applied)
            .sum()
    }

    /// One tick of the calm tail: no faults, no client writes, reads go on.
    fn calm_tick(&mut self) -> Check {
        self.now += 1;
        self.tick_all()?;
        self.deliver()?;
        if self.client_rng.chance(self.params.read_ppm) {
            self.read()?;
        }
        Ok(())
    }

    /// The membership in force on the leader of the highest term, if a node leads.
    fn leader_membership(&self) -> Option<(usize, Arc<Membership>)> {
        let &i = self.leaders().first()?;
        Some((i, self.nodes[i].status.as_ref()?.membership.clone()))
    }

    /// Runs until a fresh write proposed on a leader is applied on every member of the
    /// current leader's membership (voters and learners); other nodes (joiners never added,
    /// nodes removed) may stop anywhere along the committed log.
    fn converge(&mut self) -> Check {
        let healed_at = self.now;
        let mut progress =
            liveness::Progress::new(self.now, self.progress_mark(), self.params.election_ticks);
        let mut probe: Option<Probe> = None;
        loop {
            if let Some(p) = probe {
                let members = self.leader_membership().map(|(_, m)| m);
                let machines: Vec<&StateMachine> = self
                    .nodes
                    .iter()
                    .filter(|n| members.as_ref().is_none_or(|m| m.contains(n.id)))
                    .map(|n| &n.sm)
                    .collect();
                match p.state(&self.history, &machines) {
                    ProbeState::Everywhere => break,
                    ProbeState::Lost => probe = None,
                    ProbeState::Waiting => {
                        // The proposer lost its term before the probe committed: the client
                        // retries with a new write.
                        let still_leads = self.nodes[p.node as usize - 1]
                            .status
                            .as_ref()
                            .is_some_and(|s| s.role == RoleKind::Leader && s.term == p.term);
                        if !still_leads && self.history.get(p.index).is_none() {
                            probe = None;
                        }
                    }
                }
            }
            if probe.is_none()
                && let Some(&i) = self.leaders().first()
            {
                probe = self.propose_on(i)?;
                if let Some(p) = probe {
                    self.trace.log(self.now, || {
                        format!("LIVENESS probe {}@{} on n{}", p.index, p.term, p.node)
                    });
                }
            }
            if let Err(why) = progress.check(self.now, self.progress_mark()) {
                let statuses = self.describe_statuses();
                return Err(liveness::not_converged(healed_at, &why, probe, statuses));
            }
            self.calm_tick()?;
        }
        self.report.converge_ticks = self.now - healed_at;
        self.trace.log(self.now, || {
            format!(
                "LIVENESS converged {} ticks after the heal",
                self.now - healed_at
            )
        });
        Ok(())
    }

    /// Lets the calm cluster work until every leader has applied all it accepted in its
    /// current term, and the leader has settled its membership: every learner promoted, the
    /// last change committed.
    fn drain(&mut self) -> Check {
        let mut progress =
            liveness::Progress::new(self.now, self.progress_mark(), self.params.election_ticks);
        loop {
            let pending: Vec<_> = self
                .leaders()
                .into_iter()
                .filter_map(|i| {
                    let status = self.nodes[i].status.as_ref()?;
                    let pending = self.workload.pending_in_term(status.id, status.term);
                    (!pending.is_empty()).then_some((status.id, status.term, pending))
                })
                .collect();
            if let Some((node, term, pending)) = pending.first() {
                if let Err(why) = progress.check(self.now, self.progress_mark()) {
                    return Err(liveness::leader_not_applied(*node, *term, &why, pending));
                }
                self.calm_tick()?;
                continue;
            }
            let settled = self.leader_membership().and_then(|(i, membership)| {
                let status = self.nodes[i].status.as_ref()?;
                let node = self.nodes[i].node.as_ref()?;
                let committed = node.membership_at(status.commit);
                let settled =
                    membership.learners.is_empty() && committed.as_ref() == Some(&*membership);
                Some((status.id, status.term, membership, settled))
            });
            match settled {
                Some((_, _, membership, true)) => {
                    self.report.final_voters = membership.voters.len() as u64;
                    return Ok(());
                }
                Some((node, term, membership, false)) => {
                    if let Err(why) = progress.check(self.now, self.progress_mark()) {
                        let membership = trace::membership(&membership);
                        return Err(liveness::membership_not_settled(
                            node,
                            term,
                            &why,
                            &membership,
                        ));
                    }
                }
                None => {
                    if let Err(why) = progress.check(self.now, self.progress_mark()) {
                        let statuses = self.describe_statuses();
                        return Err(Violation::new(
                            liveness::NAME,
                            format!("no leader after the heal and drain: {why}; nodes: {statuses}"),
                        ));
                    }
                }
            }
            self.calm_tick()?;
        }
    }

    fn describe_statuses(&self) -> String {
        self.nodes
            .iter()
            .map(|n| match &n.status {
                Some(s) => format!(
                    "n{} {:?}@{} leader={:?} commit={} applied={} last={} members={}",
                    s.id,
                    s.role,
                    s.term,
                    s.leader,
                    s.commit,
                    s.applied,
                    s.last_index,
                    trace::membership(&s.membership)
                ),
                None => format!("n{} down", n.id),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The node a client talks to: one that believes it leads, or one time in ten any live node
/// (which refuses, as a client with a stale view would see); `None` with no live node.
fn pick_client_node(rng: &mut Rng, leaders: &[usize], live: &[usize]) -> Option<usize> {
    if !leaders.is_empty() && !rng.chance(100_000) {
        Some(rng.pick(leaders))
    } else if !live.is_empty() {
        Some(rng.pick(live))
    } else {
        None
    }
}
