//! A seeded, deterministic cluster simulation of the pure Raft core (`raft_kv::raft`).
//!
//! One `u64` seed decides everything: cluster size, core configuration, message delays,
//! drops, duplicates and reordering, partitions (symmetric and one-way), crashes (including in
//! the middle of handling a `Ready`), snapshots, and the client workload of writes, linearizable
//! reads, leadership transfers and membership changes (nodes added, as learners the leader
//! promotes, and removed, the leader included; joiner nodes wait with an empty disk until a
//! leader adds them, and removed nodes may be added back with their old disk). After a fault phase the network heals and the sim checks that
//! the cluster makes progress again. Safety invariants are checked after every step, one file
//! each under `invariants/`. A failure names the seed and the invariant; replaying the seed
//! (`RAFT_SIM_SEED=<n>`) prints a trace of every message, role change, fault and client call.
//!
//! Nothing here reads a clock or a global RNG: the same seed gives the same run, on any machine.

pub mod cluster;
pub mod disk;
pub mod invariants;
pub mod network;
pub mod params;
pub mod rng;
pub mod state_machine;
pub mod trace;
pub mod workload;

use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cluster::{Cluster, Report};

/// How to run a seed.
#[derive(Clone, Debug)]
pub struct Options {
    /// Print the trace of the run.
    pub trace: bool,
    /// Ticks in the fault phase.
    pub fault_ticks: u64,
    /// Check the protocol rules that pin a misbehaviour to its step (persist before send,
    /// the leader's commit rule, stale-term rejection) besides the end-to-end invariants.
    pub protocol_rules: bool,
    /// A bug to inject into every node, to check that the simulation notices it.
    #[cfg(feature = "bug-injection")]
    pub bug: Option<raft_kv::raft::Bug>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            trace: false,
            fault_ticks: params::DEFAULT_FAULT_TICKS,
            protocol_rules: true,
            #[cfg(feature = "bug-injection")]
            bug: None,
        }
    }
}

/// The invariant name reported when the core panics instead of returning.
pub const CORE_PANIC: &str = "core_panic";

/// Whether a failure is one of the sim's sanity guards (a core panic, an endless `Ready` loop,
/// a message flood, a misaddressed message) rather than a Raft safety or liveness invariant.
#[cfg(feature = "bug-injection")]
pub fn is_guard(invariant: &str) -> bool {
    [
        CORE_PANIC,
        cluster::READY_LOOP,
        cluster::MESSAGE_FLOOD,
        cluster::ENVELOPE,
    ]
    .contains(&invariant)
}

/// A seed that broke an invariant (or made the core panic).
#[derive(Clone, Debug)]
pub struct Failure {
    /// The seed.
    pub seed: u64,
    /// The tick at which the violation was seen.
    pub tick: u64,
    /// The invariant's name, or [`CORE_PANIC`].
    pub invariant: &'static str,
    /// What was observed.
    pub detail: String,
    /// The command that replays this seed with a trace.
    pub replay: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SIM FAILURE seed={} invariant={} at t={}: {}\n  replay: {}",
            self.seed, self.invariant, self.tick, self.detail, self.replay
        )
    }
}

fn replay_command(seed: u64, options: &Options) -> String {
    #[cfg(feature = "bug-injection")]
    if let Some(bug) = options.bug {
        return format!(
            "RAFT_SIM_SEED={seed} RAFT_SIM_BUG={bug:?} cargo test --release --features \
             bug-injection --test simulation ci_budget -- --nocapture"
        );
    }
    let _ = options;
    format!("RAFT_SIM_SEED={seed} cargo test --release --test simulation -- --nocapture")
}

/// Runs one seed to completion.
///
/// # Errors
/// The first invariant violation, or the core's panic message.
pub fn run_seed(seed: u64, options: &Options) -> Result<Report, Failure> {
    let mut cluster = Cluster::new(seed, options);
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| cluster.run()));
    let (invariant, detail) = match outcome {
        Ok(Ok(report)) => return Ok(report),
        Ok(Err(violation)) => (violation.invariant, violation.detail),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "non-string panic payload".to_string());
            (CORE_PANIC, format!("the core panicked: {message}"))
        }
    };
    Err(Failure {
        seed,
        tick: cluster.now(),
        invariant,
        detail,
        replay: replay_command(seed, options),
    })
}

/// The outcome of running many seeds.
#[derive(Debug, Default)]
pub struct Batch {
    /// Seeds run to completion (passed or failed).
    pub runs: u64,
    /// Ticks simulated over all passing seeds.
    pub ticks: u64,
    /// Messages delivered over all passing seeds.
    pub delivered: u64,
    /// Crashes over all passing seeds.
    pub crashes: u64,
    /// Acknowledged writes over all passing seeds.
    pub acknowledged: u64,
    /// Reads served over all passing seeds.
    pub reads: u64,
    /// Snapshots installed from leaders over all passing seeds.
    pub snapshots_installed: u64,
    /// Membership changes clients asked for that a leader accepted, over all passing seeds.
    pub changes_requested: u64,
    /// Membership changes committed (promotions included) over all passing seeds.
    pub changes_committed: u64,
    /// Passing seeds whose membership changed at least once.
    pub seeds_with_changes: u64,
    /// Longest time from heal to convergence, in ticks.
    pub max_converge_ticks: u64,
    /// Failures, each with the position of its seed in the input list, in that order.
    pub failures: Vec<(usize, Failure)>,
    /// Wall-clock time of the batch.
    pub elapsed: Duration,
}

impl Batch {
    /// The failure of the earliest seed in the input list, if any.
    pub fn first_failure(&self) -> Option<&(usize, Failure)> {
        self.failures.first()
    }

    fn add(&mut self, report: &Report) {
        self.ticks += report.ticks;
        self.delivered += report.delivered;
        self.crashes += report.crashes;
        self.acknowledged += report.acknowledged;
        self.reads += report.reads;
        self.snapshots_installed += report.snapshots_installed;
        self.changes_requested += report.changes_requested;
        self.changes_committed += report.changes_committed;
        self.seeds_with_changes += u64::from(report.changes_committed > 0);
        self.max_converge_ticks = self.max_converge_ticks.max(report.converge_ticks);
    }
}

impl fmt::Display for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} seeds in {:.1?}: {} ticks, {} messages, {} crashes, {} acknowledged writes, \
             {} reads, {} snapshots installed, {} membership changes committed ({} accepted \
             from clients) in {} seeds, slowest convergence {} ticks, {} failures",
            self.runs,
            self.elapsed,
            self.ticks,
            self.delivered,
            self.crashes,
            self.acknowledged,
            self.reads,
            self.snapshots_installed,
            self.changes_committed,
            self.changes_requested,
            self.seeds_with_changes,
            self.max_converge_ticks,
            self.failures.len()
        )
    }
}

/// Worker threads for a batch: `RAFT_SIM_THREADS`, else the machine's parallelism.
pub fn threads() -> usize {
    std::env::var("RAFT_SIM_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1)
}

/// Runs `seeds` on `threads` threads. With `stop_at_first`, no new seed starts after a
/// failure; seeds are claimed in list order, so every seed before the first failing one ran.
pub fn run_batch(seeds: &[u64], options: &Options, threads: usize, stop_at_first: bool) -> Batch {
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let batch = Mutex::new(Batch::default());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    if stop_at_first && failed.load(Ordering::Relaxed) {
                        break;
                    }
                    let position = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&seed) = seeds.get(position) else {
                        break;
                    };
                    let outcome = run_seed(seed, options);
                    let mut batch = batch.lock().expect("no thread panics holding the lock");
                    batch.runs += 1;
                    match outcome {
                        Ok(report) => batch.add(&report),
                        Err(failure) => {
                            failed.store(true, Ordering::Relaxed);
                            batch.failures.push((position, failure));
                        }
                    }
                }
            });
        }
    });
    let mut batch = batch
        .into_inner()
        .expect("no thread panics holding the lock");
    batch.failures.sort_by_key(|(position, _)| *position);
    batch.elapsed = started.elapsed();
    batch
}
