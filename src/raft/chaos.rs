//! A randomized fault-injection test of the core over the `testing` harness: random
//! delivery order, loss, duplication, partitions, crashes with restarts from disk,
//! compactions and membership changes (a sixth node joins; members are removed and added
//! back, down to three voters), with safety checked after every step and liveness checked at
//! the end.
//! (The full simulation lives outside the core; this one guards the core on its own.)
//!
//! `CHAOS_SEED=<n> cargo test --lib raft::chaos` replays one seed.

use std::collections::BTreeMap;

use super::message::{Index, MembershipChange, NodeId, RequestId, Term};
use super::rng::Rng;
use super::testing::{Cluster, ELECTION_TICKS};

/// Nodes that start as the cluster's voters.
const NODES: u64 = 5;
/// Every node, the one that joins later included.
const ALL: u64 = NODES + 1;
const STEPS: usize = 10_000;
const SEEDS: u64 = 40;

/// Per-run bookkeeping for the checks the harness does not do itself.
#[derive(Default)]
struct Checks {
    /// The leader seen for each term.
    leaders: BTreeMap<Term, NodeId>,
    /// For each started read: the highest index applied anywhere when it started.
    read_floors: BTreeMap<RequestId, Index>,
    /// Reads already checked, per node (index into `Cluster::reads`).
    reads_checked: BTreeMap<NodeId, usize>,
}

impl Checks {
    fn check(&mut self, c: &Cluster, seed: u64) {
        for (id, term) in c.leaders() {
            if let Some(&previous) = self.leaders.get(&term) {
                assert_eq!(
                    previous, id,
                    "CHAOS_SEED={seed}: two leaders in term {term}"
                );
                continue;
            }
            self.leaders.insert(term, id);
            // Leader completeness (§5.4): a new leader holds every entry committed before it.
            let node = c.node(id);
            let snapshot_index = node.status().snapshot_index;
            for (index, entry_term) in c.applied_anywhere().filter(|&(i, _)| i > snapshot_index) {
                assert_eq!(
                    node.term_at(index),
                    Some(entry_term),
                    "CHAOS_SEED={seed}: new leader n{id} of term {term} lacks committed entry {index}"
                );
            }
        }
        for id in 1..=ALL {
            let reads = c.reads(id);
            let from = self.reads_checked.get(&id).copied().unwrap_or(0);
            for read in &reads[from..] {
                let floor = self.read_floors[&read.id];
                if let Some(index) = read.index {
                    assert!(
                        index >= floor,
                        "CHAOS_SEED={seed}: read {:?} at {index} misses index {floor} applied before it began",
                        read.id
                    );
                }
            }
            self.reads_checked.insert(id, reads.len());
        }
    }
}

fn run(seed: u64, setup: impl Fn(&mut Cluster)) {
    let mut rng = Rng::new(seed);
    let mut c = Cluster::with_config(NODES, |cfg| {
        cfg.seed = seed;
        cfg.max_append_bytes = 8;
        cfg.max_inflight_appends = 3;
    });
    setup(&mut c);
    c.add_joiner(ALL);
    let mut checks = Checks::default();
    // Odd seeds are stormy: crashes and partitions ten times as often.
    let faults_every = if seed % 2 == 1 { 1 } else { 10 };
    let mut proposals = 0u64;
    for _ in 0..STEPS {
        let roll = rng.gen_range(0, 100);
        let node = rng.gen_range(1, ALL + 1);
        let queued = c.queue_len();
        let fault = rng.gen_range(0, faults_every) == 0;
        match roll {
            0..40 if queued > 0 => c.deliver_at(rng.gen_range(0, queued as u64) as usize),
            40..46 if queued > 0 => c.drop_at(rng.gen_range(0, queued as u64) as usize),
            46..49 if queued > 0 => c.duplicate_at(rng.gen_range(0, queued as u64) as usize),
            49..75 if c.is_up(node) => c.tick(node),
            75..84 if c.is_up(node) => {
                proposals += 1;
                let _ = c.propose(node, &format!("p{proposals}"));
            }
            84..85 if c.is_up(node) => {
                let membership = c.status(node).membership.clone();
                let other = rng.gen_range(1, ALL + 1);
                let change = if !membership.contains(other) {
                    MembershipChange::Add {
                        id: other,
                        addr: String::new(),
                    }
                } else if membership.voters.len() > 3 || !membership.is_voter(other) {
                    MembershipChange::Remove { id: other }
                } else {
                    continue;
                };
                let _ = c.change_membership(node, change);
            }
            85..89 if c.is_up(node) => {
                let floor = c.max_applied();
                if let Ok(id) = c.read(node) {
                    checks.read_floors.insert(id, floor);
                }
            }
            89..91 if fault => {
                let down = (1..=ALL).filter(|&id| !c.is_up(id)).count();
                if c.is_up(node) && down < 2 {
                    c.crash(node);
                }
            }
            91..94 if !c.is_up(node) => c.restart(node),
            94..96 if fault => {
                let group: Vec<NodeId> = (1..=ALL).filter(|_| rng.gen_range(0, 2) == 0).collect();
                c.partition(&group);
            }
            96..98 if fault => c.heal(),
            98..100 if c.is_up(node) => c.compact(node),
            _ => {}
        }
        checks.check(&c, seed);
    }

    // Liveness: with every node up and the network healed, the cluster elects a leader,
    // commits a new entry and every state machine converges.
    c.heal();
    for id in 1..=ALL {
        if !c.is_up(id) {
            c.restart(id);
        }
    }
    c.stabilize();
    // Leadership may still change hands a few times while stale state drains; a proposal
    // lost that way is made again.
    let has_final =
        |c: &Cluster| (1..=ALL).any(|id| c.machine(id).commands.iter().any(|cmd| cmd == "final"));
    for tick in 0..40 * ELECTION_TICKS {
        if has_final(&c) {
            break;
        }
        if tick % (2 * ELECTION_TICKS) == 0
            && let Some(leader) = c.leader()
        {
            let _ = c.propose(leader, "final");
        }
        c.run(1);
    }
    assert!(
        has_final(&c),
        "CHAOS_SEED={seed}: no proposal committed after healing"
    );
    c.run(2 * ELECTION_TICKS);
    checks.check(&c, seed);
    // Every member converges; a node removed for good stops somewhere along the way.
    let leader = c.leader().expect("a leader after healing");
    let membership = c.status(leader).membership.clone();
    let expected = c.machine(leader).clone();
    for id in 1..=ALL {
        let machine = c.machine(id);
        if membership.contains(id) {
            assert_eq!(
                machine, &expected,
                "CHAOS_SEED={seed}: n{id} did not converge"
            );
        } else {
            assert!(
                expected.commands.starts_with(&machine.commands),
                "CHAOS_SEED={seed}: removed n{id} applied something else"
            );
        }
    }
    let reads: usize = (1..=ALL)
        .map(|id| c.reads(id).iter().filter(|r| r.index.is_some()).count())
        .sum();
    let snapshots = (1..=ALL)
        .filter(|&id| c.status(id).snapshot_index > 0)
        .count();
    if std::env::var("CHAOS_VERBOSE").is_ok() {
        eprintln!(
            "seed {seed}: {} terms with leaders, {} applied, {reads} reads served, {snapshots} nodes with snapshots, members {:?}",
            checks.leaders.len(),
            expected.applied,
            membership
        );
    }
}

#[test]
fn chaos_random_faults_keep_the_cluster_safe_and_live() {
    if let Some(seed) = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        run(seed, |_| {});
        return;
    }
    for seed in 0..SEEDS {
        run(seed, |_| {});
    }
}

/// Injected bugs make some seed fail: the checks above have teeth. (`CommitPreviousTermByCount`
/// and `AcceptStaleTermAppend` need rarer interleavings; scenario tests cover them.)
#[cfg(feature = "bug-injection")]
#[test]
fn chaos_catches_every_injected_bug() {
    use super::Bug;
    for bug in [
        Bug::NoConflictTruncation,
        Bug::ReadIndexWithoutQuorum,
        Bug::ForgetVoteOnRestart,
        Bug::ConcurrentMembershipChanges,
    ] {
        // `ForgetVoteOnRestart` needs a crash between a vote and the next election: about 1
        // seed in 100 to 150 catches it, so the search goes well past the first catch.
        const BUG_SEEDS: u64 = 1000;
        let caught = (0..BUG_SEEDS)
            .find(|&seed| std::panic::catch_unwind(|| run(seed, |c| c.inject_bug(bug))).is_err());
        eprintln!("{bug:?}: first caught by seed {caught:?}");
        assert!(caught.is_some(), "{bug:?} survived {BUG_SEEDS} seeds");
    }
}
