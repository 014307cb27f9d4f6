//! An in-crate test cluster for the core: N nodes, an in-flight message queue, cut links,
//! crashes and restarts from exactly what each node made durable. Scenario tests read as
//! stories over it; after every `Ready` it checks that no two nodes ever apply different
//! entries at the same index (state-machine safety) and that each node's log keeps its
//! invariants.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;

use super::message::{
    Entry, Envelope, HardState, Index, Membership, Message, NodeId, RequestId, Snapshot, Term,
};
use super::node::{Config, Node, Restored, RoleKind, Status};
use super::ready::ReadState;

/// Default minimum election timeout of test nodes.
pub const ELECTION_TICKS: u64 = 10;
/// Default heartbeat interval of test nodes.
pub const HEARTBEAT_TICKS: u64 = 2;
/// `Ready`s one input may cause before the harness decides the node loops.
const MAX_READY_ROUNDS: usize = 3;
/// Rounds of delivery after which `stabilize` decides the cluster never settles.
const MAX_STABILIZE_ROUNDS: usize = 10_000;

/// What a node made durable: rebuilt into `Restored` on restart.
#[derive(Clone, Debug, Default)]
pub struct Disk {
    /// The last persisted hard state.
    pub hard_state: HardState,
    /// The last persisted snapshot.
    pub snapshot: Option<Snapshot>,
    /// Persisted entries after the snapshot.
    pub entries: Vec<Entry>,
}

impl Disk {
    fn persist(
        &mut self,
        hard_state: Option<HardState>,
        snapshot: Option<Snapshot>,
        entries: &[Entry],
    ) {
        if let Some(snapshot) = snapshot {
            // A received snapshot replaces the whole log.
            self.entries.clear();
            self.snapshot = Some(snapshot);
        }
        if let Some(hs) = hard_state {
            self.hard_state = hs;
        }
        if let Some(first) = entries.first() {
            self.entries.retain(|e| e.index < first.index);
            self.entries.extend_from_slice(entries);
        }
    }

    fn compact(&mut self, snapshot: Snapshot) {
        self.entries.retain(|e| e.index > snapshot.index);
        self.snapshot = Some(snapshot);
    }

    fn restored(&self) -> Restored {
        Restored {
            hard_state: self.hard_state,
            snapshot: self.snapshot.clone(),
            entries: self.entries.clone(),
        }
    }
}

/// A toy state machine: the list of applied commands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Machine {
    /// Index of the last applied entry.
    pub applied: Index,
    /// Commands applied so far, in order (no-ops skipped).
    pub commands: Vec<String>,
}

impl Machine {
    fn encode(&self) -> Bytes {
        Bytes::from(format!("{}|{}", self.applied, self.commands.join(",")))
    }

    fn decode(data: &Bytes) -> Machine {
        let text = std::str::from_utf8(data).expect("test snapshot is utf-8");
        let (applied, commands) = text.split_once('|').expect("test snapshot has a separator");
        Machine {
            applied: applied.parse().expect("test snapshot index"),
            commands: if commands.is_empty() {
                Vec::new()
            } else {
                commands.split(',').map(String::from).collect()
            },
        }
    }
}

/// N nodes wired through a message queue the test controls.
pub struct Cluster {
    /// Running nodes (crashed nodes are absent).
    nodes: BTreeMap<NodeId, Node>,
    /// Every node's configuration, for restarts.
    configs: BTreeMap<NodeId, Config>,
    /// Every node's durable state.
    disks: BTreeMap<NodeId, Disk>,
    /// Every node's state machine (reset from the snapshot on restart).
    machines: BTreeMap<NodeId, Machine>,
    /// Messages sent and not yet delivered, in send order.
    queue: VecDeque<Envelope>,
    /// Directed links that drop everything: (from, to).
    cut: BTreeSet<(NodeId, NodeId)>,
    /// Read outcomes per node, in the order they were emitted.
    reads: BTreeMap<NodeId, Vec<ReadState>>,
    /// Every entry applied anywhere, by index: all nodes must agree.
    applied_anywhere: BTreeMap<Index, (Term, Option<Bytes>)>,
    /// Sequence for request ids.
    next_request: u64,
    /// Bugs injected into every node, including restarted ones.
    #[cfg(feature = "bug-injection")]
    bugs: Vec<super::Bug>,
}

impl Cluster {
    /// A fresh cluster of nodes 1..=n with default test settings.
    pub fn new(n: u64) -> Cluster {
        Cluster::with_config(n, |_| {})
    }

    /// A fresh cluster whose configs `tweak` may adjust.
    pub fn with_config(n: u64, tweak: impl Fn(&mut Config)) -> Cluster {
        let disks = (1..=n).map(|id| (id, Disk::default())).collect();
        Cluster::with_disks(disks, tweak)
    }

    /// A cluster whose nodes start from the given durable states (one per node id).
    pub fn with_disks(disks: BTreeMap<NodeId, Disk>, tweak: impl Fn(&mut Config)) -> Cluster {
        let voters: Vec<NodeId> = disks.keys().copied().collect();
        let mut cluster = Cluster {
            nodes: BTreeMap::new(),
            configs: BTreeMap::new(),
            disks,
            machines: BTreeMap::new(),
            queue: VecDeque::new(),
            cut: BTreeSet::new(),
            reads: BTreeMap::new(),
            applied_anywhere: BTreeMap::new(),
            next_request: 0,
            #[cfg(feature = "bug-injection")]
            bugs: Vec::new(),
        };
        for &id in &voters {
            let mut config = Config {
                id,
                bootstrap: Membership::of_voters(voters.iter().copied()),
                election_ticks: ELECTION_TICKS,
                heartbeat_ticks: HEARTBEAT_TICKS,
                max_append_bytes: 1 << 20,
                max_inflight_appends: 4,
                max_uncommitted_entries: 1000,
                lazy_fan_out: false,
                commit_with_appends: false,
                lease_reads: false,
                quiet_start: false,
                seed: 7,
            };
            tweak(&mut config);
            cluster.configs.insert(id, config);
            cluster.start(id);
        }
        cluster
    }

    fn start(&mut self, id: NodeId) {
        let disk = &self.disks[&id];
        let machine = disk
            .snapshot
            .as_ref()
            .map(|s| Machine::decode(&s.data))
            .unwrap_or_default();
        self.machines.insert(id, machine);
        #[allow(unused_mut)] // mutated only with bug injection
        let mut node = Node::new(self.configs[&id].clone(), disk.restored());
        #[cfg(feature = "bug-injection")]
        for &bug in &self.bugs {
            node.inject_bug(bug);
        }
        self.nodes.insert(id, node);
        self.process(id);
    }

    /// Injects `bug` into every node, now and after restarts.
    #[cfg(feature = "bug-injection")]
    pub fn inject_bug(&mut self, bug: super::Bug) {
        self.bugs.push(bug);
        for node in self.nodes.values_mut() {
            node.inject_bug(bug);
        }
    }

    // -- inspection ------------------------------------------------------------------------

    /// The node's status.
    pub fn status(&self, id: NodeId) -> Status {
        self.node(id).status()
    }

    /// The node, which must be running.
    pub fn node(&self, id: NodeId) -> &Node {
        self.nodes
            .get(&id)
            .unwrap_or_else(|| panic!("n{id} is down"))
    }

    /// The node, mutably, for direct input (outputs are handled by `process`).
    pub fn node_mut(&mut self, id: NodeId) -> &mut Node {
        self.nodes
            .get_mut(&id)
            .unwrap_or_else(|| panic!("n{id} is down"))
    }

    /// Running nodes that consider themselves leader, with their terms.
    pub fn leaders(&self) -> Vec<(NodeId, Term)> {
        self.nodes
            .values()
            .map(|n| n.status())
            .filter(|s| s.role == RoleKind::Leader)
            .map(|s| (s.id, s.term))
            .collect()
    }

    /// The single leader of the highest term among running nodes.
    pub fn leader(&self) -> Option<NodeId> {
        self.leaders()
            .into_iter()
            .max_by_key(|&(_, term)| term)
            .map(|(id, _)| id)
    }

    /// The node's state machine.
    pub fn machine(&self, id: NodeId) -> &Machine {
        &self.machines[&id]
    }

    /// The node's durable state.
    pub fn disk(&self, id: NodeId) -> &Disk {
        &self.disks[&id]
    }

    /// The terms of the node's durable log entries 1..=last (after its snapshot).
    pub fn log_terms(&self, id: NodeId) -> Vec<(Index, Term)> {
        self.disks[&id]
            .entries
            .iter()
            .map(|e| (e.index, e.term))
            .collect()
    }

    /// Read outcomes the node has emitted so far.
    pub fn reads(&self, id: NodeId) -> &[ReadState] {
        self.reads.get(&id).map_or(&[], |r| r.as_slice())
    }

    /// Messages in flight.
    pub fn in_flight(&self) -> impl Iterator<Item = &Envelope> {
        self.queue.iter()
    }

    // -- inputs ------------------------------------------------------------------------------

    /// Proposes `command` on `id` and processes the result.
    pub fn propose(
        &mut self,
        id: NodeId,
        command: &str,
    ) -> Result<(Index, Term), super::ProposeError> {
        let result = self.node_mut(id).propose(Bytes::from(command.to_owned()));
        self.process(id);
        result
    }

    /// Starts a read on `id`; returns its request id.
    pub fn read(&mut self, id: NodeId) -> Result<RequestId, super::ReadError> {
        self.next_request += 1;
        let request = RequestId {
            node: id,
            seq: self.next_request,
        };
        self.node_mut(id).read(request)?;
        self.process(id);
        Ok(request)
    }

    /// Asks `id` for a membership change and processes the result.
    pub fn change_membership(
        &mut self,
        id: NodeId,
        change: super::MembershipChange,
    ) -> Result<(Index, Term), super::ChangeError> {
        let result = self.node_mut(id).propose_membership(change);
        self.process(id);
        result
    }

    /// Starts a node `id` with an empty disk and no membership, as `--join` does: it waits
    /// for a leader to add it. It shares the first node's settings.
    pub fn add_joiner(&mut self, id: NodeId) {
        assert!(!self.configs.contains_key(&id), "n{id} exists");
        let mut config = self
            .configs
            .values()
            .next()
            .expect("a cluster has a node")
            .clone();
        config.id = id;
        config.bootstrap = Membership::default();
        self.configs.insert(id, config);
        self.disks.insert(id, Disk::default());
        self.start(id);
    }

    /// Asks leader `id` to transfer leadership and processes the result.
    pub fn transfer_leadership(&mut self, id: NodeId, to: Option<NodeId>) {
        self.node_mut(id).transfer_leadership(to);
        self.process(id);
    }

    /// Ticks `id` once and processes its output.
    pub fn tick(&mut self, id: NodeId) {
        self.node_mut(id).tick();
        self.process(id);
    }

    /// Ticks every running node once.
    pub fn tick_all(&mut self) {
        let ids: Vec<NodeId> = self.nodes.keys().copied().collect();
        for id in ids {
            self.tick(id);
        }
    }

    /// Ticks `id` alone until its role changes away from follower (its election timer
    /// fires), without delivering anything. Panics if it never does.
    pub fn fire_election_timer(&mut self, id: NodeId) {
        for _ in 0..2 * ELECTION_TICKS {
            self.tick(id);
            if self.status(id).role != RoleKind::Follower {
                return;
            }
        }
        panic!("n{id}'s election timer never fired");
    }

    /// Makes `id` leader through a real election: fires its election timer and delivers only
    /// vote traffic (pre-votes included), retrying on a lost election. Other messages, such
    /// as the new leader's first appends, stay queued. Panics if `id` cannot win.
    pub fn elect(&mut self, id: NodeId) {
        for _ in 0..5 {
            if self.status(id).role == RoleKind::Follower {
                self.fire_election_timer(id);
            }
            while self.deliver_where(is_vote_traffic) > 0 {}
            if self.status(id).role == RoleKind::Leader {
                return;
            }
        }
        panic!("n{id} could not win an election: {:?}", self.status(id));
    }

    /// Ticks `id` for a full minimum election timeout, dropping whatever it sends, so that it
    /// no longer holds a leader lease (it ignores vote requests while it does).
    pub fn expire_lease(&mut self, id: NodeId) {
        for _ in 0..ELECTION_TICKS {
            self.tick(id);
        }
        self.queue.retain(|e| e.from != id);
    }

    /// Queues a message as if a node had sent it (duplicates, stale replays).
    pub fn send_raw(&mut self, envelope: Envelope) {
        self.queue.push_back(envelope);
    }

    /// Ticks all nodes and delivers everything, `ticks` times.
    pub fn run(&mut self, ticks: u64) {
        for _ in 0..ticks {
            self.tick_all();
            self.stabilize();
        }
    }

    /// Runs until some node is leader; returns it. Panics after `limit` ticks.
    pub fn run_until_leader(&mut self, limit: u64) -> NodeId {
        for _ in 0..limit {
            if let Some(leader) = self.leader() {
                return leader;
            }
            self.tick_all();
            self.stabilize();
        }
        self.leader()
            .unwrap_or_else(|| panic!("no leader after {limit} ticks"))
    }

    /// Has the driver of `id` snapshot its applied state and compact the log.
    pub fn compact(&mut self, id: NodeId) {
        let machine = &self.machines[&id];
        let index = machine.applied;
        if index == 0 {
            return;
        }
        let term = self.applied_anywhere.get(&index).map_or(0, |(t, _)| *t);
        let snapshot = Snapshot {
            index,
            term,
            data: machine.encode(),
            membership: self.node(id).membership_at(index),
        };
        self.disks
            .get_mut(&id)
            .expect("disk")
            .compact(snapshot.clone());
        self.node_mut(id).compact(snapshot);
        self.process(id);
    }

    // -- network -----------------------------------------------------------------------------

    /// Cuts both directions between each node in `group` and every node outside it.
    pub fn partition(&mut self, group: &[NodeId]) {
        let all: Vec<NodeId> = self.configs.keys().copied().collect();
        for &a in group {
            for &b in all.iter().filter(|b| !group.contains(b)) {
                self.cut.insert((a, b));
                self.cut.insert((b, a));
            }
        }
    }

    /// Cuts the directed link `from → to`.
    pub fn cut(&mut self, from: NodeId, to: NodeId) {
        self.cut.insert((from, to));
    }

    /// Restores every link.
    pub fn heal(&mut self) {
        self.cut.clear();
    }

    /// Drops every queued message matching `filter`; returns how many.
    pub fn drop_where(&mut self, filter: impl Fn(&Envelope) -> bool) -> usize {
        let before = self.queue.len();
        self.queue.retain(|e| !filter(e));
        before - self.queue.len()
    }

    /// Delivers the queued messages matching `filter` (in order), leaving the others queued.
    /// Messages they cause are queued, not delivered. Returns how many were delivered.
    pub fn deliver_where(&mut self, filter: impl Fn(&Envelope) -> bool) -> usize {
        let (chosen, rest): (VecDeque<Envelope>, VecDeque<Envelope>) =
            std::mem::take(&mut self.queue)
                .into_iter()
                .partition(|e| filter(e));
        self.queue = rest;
        let n = chosen.len();
        for envelope in chosen {
            self.deliver(envelope);
        }
        n
    }

    /// Number of messages in flight.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Delivers the `i`th queued message (out of order).
    pub fn deliver_at(&mut self, i: usize) {
        if let Some(envelope) = self.queue.remove(i) {
            self.deliver(envelope);
        }
    }

    /// Drops the `i`th queued message.
    pub fn drop_at(&mut self, i: usize) {
        self.queue.remove(i);
    }

    /// Queues a second copy of the `i`th queued message.
    pub fn duplicate_at(&mut self, i: usize) {
        if let Some(envelope) = self.queue.get(i).cloned() {
            self.queue.push_back(envelope);
        }
    }

    /// Whether `id` is running.
    pub fn is_up(&self, id: NodeId) -> bool {
        self.nodes.contains_key(&id)
    }

    /// Every entry applied anywhere so far, by index: all committed.
    pub fn applied_anywhere(&self) -> impl Iterator<Item = (Index, Term)> + '_ {
        self.applied_anywhere.iter().map(|(&i, (t, _))| (i, *t))
    }

    /// The highest index applied by any node: every such entry is committed.
    pub fn max_applied(&self) -> Index {
        self.machines.values().map(|m| m.applied).max().unwrap_or(0)
    }

    /// Delivers everything queued and everything that causes, until the queue is empty.
    pub fn stabilize(&mut self) {
        for _ in 0..MAX_STABILIZE_ROUNDS {
            if self.queue.is_empty() {
                return;
            }
            assert!(
                self.queue.len() < 100_000,
                "message storm: {} messages in flight",
                self.queue.len()
            );
            let batch = std::mem::take(&mut self.queue);
            for envelope in batch {
                self.deliver(envelope);
            }
        }
        panic!("cluster did not stabilize");
    }

    fn deliver(&mut self, envelope: Envelope) {
        let to = envelope.to;
        if self.cut.contains(&(envelope.from, to)) || !self.nodes.contains_key(&to) {
            return;
        }
        self.node_mut(to).step(envelope);
        self.process(to);
    }

    // -- crashes -----------------------------------------------------------------------------

    /// Stops `id`: its memory is lost, its disk is kept; messages to it are dropped.
    pub fn crash(&mut self, id: NodeId) {
        self.nodes.remove(&id);
        self.queue.retain(|e| e.from != id);
    }

    /// Restarts `id` from its disk.
    pub fn restart(&mut self, id: NodeId) {
        assert!(!self.nodes.contains_key(&id), "n{id} is running");
        self.start(id);
    }

    // -- the driver loop ---------------------------------------------------------------------

    /// Carries out every `Ready` of `id` as the driver would: persist, send, apply, answer
    /// reads, advance — and checks safety on the way.
    fn process(&mut self, id: NodeId) {
        for round in 0.. {
            if !self.node(id).has_ready() {
                break;
            }
            // One input causes at most: a Ready, a commit on advance(), and its announcement.
            assert!(
                round < MAX_READY_ROUNDS,
                "n{id}: has_ready() stays true: {:?}",
                self.status(id)
            );
            let node = self.nodes.get_mut(&id).expect("running");
            let ready = node.ready();
            assert!(
                !ready.is_empty(),
                "n{id}: has_ready() but the Ready is empty: {:?}",
                self.nodes[&id].debug_state()
            );
            // Anything persisted must be consistent with what is already on disk.
            let disk = self.disks.get_mut(&id).expect("disk");
            disk.persist(ready.hard_state, ready.snapshot.clone(), &ready.entries);
            self.queue.extend(ready.messages);
            let machine = self.machines.get_mut(&id).expect("machine");
            if let Some(snapshot) = &ready.snapshot {
                *machine = Machine::decode(&snapshot.data);
                assert_eq!(
                    machine.applied, snapshot.index,
                    "n{id}: snapshot data disagrees with its index"
                );
            }
            for entry in ready.committed_entries {
                assert_eq!(
                    entry.index,
                    machine.applied + 1,
                    "n{id}: committed entries are not contiguous"
                );
                assert!(
                    disk.entries.iter().any(|e| e == &entry),
                    "n{id}: entry {} applied before it was durable",
                    entry.index
                );
                match self.applied_anywhere.get(&entry.index) {
                    Some((term, data)) => assert_eq!(
                        (term, data),
                        (&entry.term, &entry.data),
                        "n{id}: applied a different entry at index {} than another node",
                        entry.index
                    ),
                    None => {
                        self.applied_anywhere
                            .insert(entry.index, (entry.term, entry.data.clone()));
                    }
                }
                machine.applied = entry.index;
                if let Some(data) = &entry.data {
                    machine
                        .commands
                        .push(String::from_utf8(data.to_vec()).expect("utf-8 command"));
                }
            }
            self.reads.entry(id).or_default().extend(ready.read_states);
            node.advance();
            node.check_invariants();
        }
    }
}

/// Whether the envelope belongs to an election: a (pre-)vote request or response.
pub fn is_vote_traffic(e: &Envelope) -> bool {
    matches!(
        e.message,
        Message::RequestVote { .. } | Message::RequestVoteResponse { .. }
    )
}

/// One entry for building a test disk: `data` None for a no-op.
pub fn entry(index: Index, term: Term, data: Option<&str>) -> Entry {
    Entry {
        index,
        term,
        data: data.map(|d| Bytes::from(d.to_owned())),
        membership: None,
    }
}
