//! Jepsen-style tests: a real cluster of `raft-kv` processes, a dozen concurrent clients, a
//! nemesis that kills, freezes and partitions nodes, and checkers that decide whether what the
//! clients saw could have come from one correct, linearizable store.
//!
//! # How a scenario runs
//!
//! The harness starts 3 or 5 nodes (the binary cargo built) on free ports, each with its own
//! data directory and log file. Clients (tokio tasks using the `redis` crate) send a mixed
//! workload to random nodes — SET/GET on registers, INCR on counters, APPEND of unique tokens on
//! lists — and record every operation: what, on which key, invocation and completion time, and
//! the outcome: acknowledged, failed, or unknown (a timeout, a dropped connection, `TRYAGAIN` or
//! `CLUSTERDOWN`: the write may take effect later, or never). Meanwhile the nemesis injects one
//! fault at a time. At the end every fault is healed, every key is read once more, all nodes
//! must converge to the same contents, and the checkers in `jepsen/checker/` judge the history:
//! per-key linearizability for registers (a Wing–Gong search with memoization), bounds and
//! monotonicity for counters, and one real-time-respecting total order with no lost or
//! duplicated element for lists.
//!
//! # Faults, and why partitions use a proxy
//!
//! Process faults use signals: SIGKILL then a restart on the same data directory, and
//! SIGSTOP/SIGCONT held longer than an election timeout (on the leader too). Membership
//! faults remove a node (or the leader) with `RAFT.NODE REMOVE` and add it back.
//!
//! Network faults act on peer traffic through a fault-injecting TCP proxy per directed link,
//! run as tokio tasks inside the test (see `jepsen/net.rs`), rather than through network
//! namespaces and veth pairs. A node connects to its peers at the addresses its own `--cluster`
//! lists, and binds only its own entry; so node j is started with the proxy of link j→i in
//! place of node i's address, and every byte j sends to i crosses that one proxy. The proxy:
//!
//! - needs no root, no `iproute2` and no cleanup of kernel state, so the tests run anywhere
//!   `cargo test` does, in parallel, and a crashed test leaves nothing behind;
//! - makes one-way loss natural: blocking link j→i loses what j sends to i while i→j flows
//!   (Raft messages are one-way RPCs here, so that is exactly "j's messages to i are lost");
//! - drops like a firewall: blocked bytes vanish, nothing is answered, and a connection that
//!   lost bytes is closed when the link heals.
//!
//! Namespaces would also cover client traffic and kernel-level behaviour (SYNs timing out
//! rather than a proxy accepting), but would need root and careful teardown; clients here
//! reach every node directly, which is what the isolated-leader scenario needs anyway.
//!
//! # Running
//!
//! `cargo test --release --test jepsen` runs the checker unit tests and seven bounded scenarios
//! (as many at once as libtest has threads) — partitions (5 nodes), crashes and pauses
//! (3 nodes), mixed and overlapping faults (5 nodes), membership changes among crashes, pauses
//! and partitions (5 nodes), snapshot catch-up and isolated-leader truncation (3 nodes), and a
//! stream consumed by a consumer group under crashes, pauses and partitions (3 nodes) — in
//! about 70 s of wall time on two cores; a scenario that overruns its time budget fails (and keeps its
//! directory). `cargo test --test jepsen checker` runs only the checker tests.
//! `RAFT_KV_SOAK_SECS=3600` lengthens the fault phase of the nemesis scenarios to an
//! hour; `JEPSEN_SEED=<n>` replays the same random choices (fault order, nodes, workload mix).
//! `JEPSEN_NODE_LOG` sets the nodes' `RUST_LOG` (default `info`); `JEPSEN_KEEP=1` keeps the
//! directory of a passing run too (under `target/tmp/jepsen-runs/`). A failing run keeps the
//! history, the nemesis log, the verdict and every node's log and data directory in
//! `target/jepsen-failures/<scenario>-<time>/` and prints that path.

#[path = "jepsen/checker/mod.rs"]
mod checker;
#[path = "jepsen/cluster.rs"]
mod cluster;
#[path = "jepsen/groups.rs"]
mod groups;
#[path = "jepsen/history.rs"]
mod history;
#[path = "jepsen/nemesis.rs"]
mod nemesis;
#[path = "jepsen/net.rs"]
mod net;
#[path = "jepsen/run.rs"]
mod run;
#[path = "jepsen/workload.rs"]
mod workload;

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use cluster::ClusterOptions;
use history::{Call, History, Outcome, Value};
use nemesis::{Fault, NemesisOptions};
use run::{FINAL_READER, OP_TIMEOUT, RECOVERY_TIMEOUT, Run, WAIT_TIMEOUT_MS};
use workload::WorkloadOptions;

/// Time a scenario may take beyond one and a half times its fault phase (the rounds of a
/// soak each add a few seconds of checking) before it counts as hung.
const OVERRUN_BUDGET: Duration = Duration::from_secs(180);

/// Runs `scenario`, failing it if it takes longer than its budget; the dropped run keeps its
/// directory, with the nodes' stacks.
async fn bounded(fault_phase: Duration, scenario: impl Future<Output = ()>) {
    let budget = run::fault_phase(fault_phase).mul_f64(1.5) + OVERRUN_BUDGET;
    if tokio::time::timeout(budget, scenario).await.is_err() {
        panic!("scenario did not finish within {budget:?}");
    }
}

/// How long the workload keeps going after the last heal, so the history covers recovery.
const AFTER_HEAL: Duration = Duration::from_secs(3);

fn cluster_options(nodes: usize, seed: u64) -> ClusterOptions {
    ClusterOptions {
        nodes,
        snapshot_entries: None,
        wait_timeout_ms: WAIT_TIMEOUT_MS,
        seed,
    }
}

fn workload_options(clients: usize, seed: u64) -> WorkloadOptions {
    WorkloadOptions {
        clients,
        registers: 3,
        counters: 2,
        lists: 2,
        streams: 1,
        key_epoch: Duration::from_secs(15),
        round: 0,
        op_timeout: OP_TIMEOUT,
        max_think: Duration::from_millis(20),
        seed,
    }
}

/// Runs the workload and the nemesis for the fault phase, lets the workload see the healed
/// cluster for a moment, and judges the run. A soak (`RAFT_KV_SOAK_SECS`) repeats this in
/// rounds of `phase` on the same cluster, checking each round's history on its own keys.
async fn nemesis_scenario(
    name: &str,
    nodes: usize,
    faults: &[Fault],
    overlap: f64,
    phase: Duration,
) {
    bounded(phase, nemesis_rounds(name, nodes, faults, overlap, phase)).await;
}

async fn nemesis_rounds(name: &str, nodes: usize, faults: &[Fault], overlap: f64, phase: Duration) {
    let seed = run::seed();
    let mut run = Run::start(name, cluster_options(nodes, seed)).await;
    let total = run::fault_phase(phase);
    let rounds = total.as_secs().div_ceil(phase.as_secs().max(1)).max(1);
    for round in 0..rounds {
        let round_seed = seed ^ round;
        let mut workload_options = workload_options(12, round_seed);
        workload_options.round = round;
        let workload = run.start_workload(workload_options);
        let stop = CancellationToken::new();
        let options = NemesisOptions {
            faults: faults.to_vec(),
            hold: (Duration::from_millis(1000), Duration::from_millis(4000)),
            calm: (Duration::from_millis(500), Duration::from_millis(2000)),
            overlap,
            seed: round_seed,
        };
        let this_round = phase.min(total.saturating_sub(phase * round as u32));
        run.note(format!(
            "round {round} of {rounds}: {this_round:?} of faults"
        ));
        let (nemesis, ()) = tokio::join!(
            nemesis::run(
                run.cluster(),
                &options,
                run.start_time(),
                run.nemesis_log(),
                stop.clone()
            ),
            async {
                tokio::time::sleep(this_round).await;
                stop.cancel();
            }
        );
        tokio::time::sleep(AFTER_HEAL).await;
        run.absorb(workload).await;
        run.verify(nemesis.err().into_iter().collect(), |_| Vec::new())
            .await;
    }
    run.finish(Vec::new(), |_| Vec::new()).await;
}

/// Partitions of every shape on five nodes: a minority cut off, the leader cut off, a
/// majority/minority split, and one-way loss (from the leader, to the leader, one random link).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_partitions() {
    nemesis_scenario(
        "partitions",
        5,
        nemesis::PARTITIONS,
        0.0,
        Duration::from_secs(30),
    )
    .await;
}

/// SIGKILL and restart, and SIGSTOP/SIGCONT, of random nodes and of the leader, on three nodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_crashes_and_pauses() {
    nemesis_scenario(
        "crashes-and-pauses",
        3,
        nemesis::PROCESS_FAULTS,
        0.0,
        Duration::from_secs(30),
    )
    .await;
}

/// Every fault, sometimes two at once (a partition while a node is frozen or down), on five
/// nodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_mixed_faults() {
    let all: Vec<Fault> = [nemesis::PARTITIONS, nemesis::PROCESS_FAULTS].concat();
    nemesis_scenario("mixed-faults", 5, &all, 0.4, Duration::from_secs(30)).await;
}

/// Membership changes under load, with crashes in between: a random node or the leader is
/// removed (through another node, which forwards the request) and added back once the
/// change has committed; it rejoins from its own disk as a learner, catches up and is made a
/// voter again. Clients keep using every node, the removed one included (which answers
/// CLUSTERDOWN meanwhile). Five nodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_membership_changes() {
    let faults: Vec<Fault> = [
        nemesis::MEMBERSHIP,
        nemesis::MEMBERSHIP,
        &[
            Fault::KillRandom,
            Fault::PauseLeader,
            Fault::IsolateMinority,
        ],
    ]
    .concat();
    nemesis_scenario(
        "membership-changes",
        5,
        &faults,
        0.0,
        Duration::from_secs(30),
    )
    .await;
}

/// A stream consumed by a consumer group while nodes crash, freeze and are cut off: three
/// producers XADD unique tokens, four consumers on random nodes take entries with XREADGROUP,
/// acknowledge them and claim those left pending; after the heal they drain the group. See
/// `jepsen/groups.rs` for what is checked: nothing acknowledged is lost (entries, deliveries
/// through `>`, XACKs), and the group ends with nothing pending. Three nodes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_stream_consumer_groups() {
    bounded(Duration::from_secs(25), stream_consumer_groups()).await;
}

async fn stream_consumer_groups() {
    const KEY: &str = "s:orders";
    let seed = run::seed();
    let run = Run::start("stream-groups", cluster_options(3, seed)).await;
    let cluster = run.cluster().clone();
    let ports: Vec<u16> = cluster.ids().map(|id| cluster.resp_port(id)).collect();
    let mut failures = Vec::new();
    let created = poll_until(RECOVERY_TIMEOUT, || async {
        let mut cmd = redis::cmd("XGROUP");
        cmd.arg("CREATE")
            .arg(KEY)
            .arg(groups::GROUP)
            .arg("$")
            .arg("MKSTREAM");
        match cluster::control(ports[0], cmd).await {
            Ok(_) => true,
            Err(e) => e.contains("BUSYGROUP"),
        }
    })
    .await;
    if !created {
        failures.push("the consumer group was never created".to_string());
    }
    let mut workers = groups::Groups::start(KEY, &ports, 3, 4, seed, run.start_time());
    run.note("producers and consumers started");
    let phase = run::fault_phase(Duration::from_secs(25));
    let options = NemesisOptions {
        faults: [nemesis::PROCESS_FAULTS, nemesis::PARTITIONS].concat(),
        hold: (Duration::from_millis(1000), Duration::from_millis(3000)),
        calm: (Duration::from_millis(500), Duration::from_millis(1500)),
        overlap: 0.0,
        seed,
    };
    let stop = CancellationToken::new();
    let (nemesis, ()) = tokio::join!(
        nemesis::run(
            &cluster,
            &options,
            run.start_time(),
            run.nemesis_log(),
            stop.clone()
        ),
        async {
            tokio::time::sleep(phase).await;
            stop.cancel();
        }
    );
    failures.extend(nemesis.err());
    workers.stop_producing().await;
    cluster.network().heal();
    if let Err(e) = cluster.revive_all().await {
        failures.push(format!("a node did not come back: {e}"));
    }
    run.note("healed; draining the group");
    let drained = poll_until(RECOVERY_TIMEOUT, || async {
        workers.all_delivered() && group_state(&ports, KEY).await.0 == 0
    })
    .await;
    run.note(format!("drained: {drained}"));
    let observed = workers.stop().await;
    let (pending, lag) = group_state(&ports, KEY).await;
    eprintln!(
        "jepsen stream-groups: {} XADDs acknowledged, {} unknown, {} deliveries ({} claimed)",
        observed.added.len(),
        observed.maybe_added.len(),
        observed.deliveries.len(),
        observed.deliveries.iter().filter(|d| d.claimed).count()
    );
    failures.extend(groups::check(&observed, pending, lag));
    run.finish(failures, |_| Vec::new()).await;
}

/// The group's pending count (-1 if no node answered) and lag, asked of the first node that
/// answers.
async fn group_state(ports: &[u16], key: &str) -> (i64, Option<i64>) {
    for &port in ports {
        let mut pending = redis::cmd("XPENDING");
        pending.arg(key).arg(groups::GROUP);
        let Ok(redis::Value::Array(summary)) = cluster::control(port, pending).await else {
            continue;
        };
        let Some(redis::Value::Int(count)) = summary.first() else {
            continue;
        };
        let mut info = redis::cmd("XINFO");
        info.arg("GROUPS").arg(key);
        let lag = match cluster::control(port, info).await {
            Ok(redis::Value::Array(groups)) => groups.first().and_then(|g| {
                let redis::Value::Array(fields) = g else {
                    return None;
                };
                let at = fields
                    .iter()
                    .position(|f| matches!(f, redis::Value::BulkString(b) if b == b"lag"))?;
                match fields.get(at + 1) {
                    Some(redis::Value::Int(n)) => Some(*n),
                    _ => None,
                }
            }),
            _ => None,
        };
        return (*count, lag);
    }
    (-1, None)
}

/// Largest commit index any node reports.
async fn commit_index(run: &Run) -> u64 {
    let mut best = 0;
    for id in run.cluster().ids() {
        if let Some(info) = run.cluster().raft_info(id).await {
            let commit = info
                .get("commit_index")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0);
            best = best.max(commit);
        }
    }
    best
}

/// Polls `check` every 100 ms until it holds or `within` passes; returns whether it held.
async fn poll_until<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A follower down for longer than the compaction threshold catches up by snapshot: nodes
/// compact every 50 entries, a follower misses hundreds, and must log that it installed a
/// snapshot from the leader and converge with the others. Three rounds, each on a follower,
/// while the clients keep writing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_snapshot_catch_up() {
    bounded(Duration::ZERO, snapshot_catch_up()).await;
}

async fn snapshot_catch_up() {
    const SNAPSHOT_ENTRIES: u64 = 50;
    const ROUNDS: usize = 3;
    let seed = run::seed();
    let mut options = cluster_options(3, seed);
    options.snapshot_entries = Some(SNAPSHOT_ENTRIES);
    let mut run = Run::start("snapshot-catch-up", options).await;
    let mut failures = Vec::new();
    let workload = run.start_workload(workload_options(10, seed));
    for round in 0..ROUNDS {
        if let Err(e) = snapshot_round(&run, round, SNAPSHOT_ENTRIES).await {
            failures.push(e);
            break;
        }
    }
    tokio::time::sleep(AFTER_HEAL).await;
    run.absorb(workload).await;
    run.finish(failures, |_| Vec::new()).await;
}

/// One catch-up round: kill a follower, let the others commit `8 * snapshot_entries` entries,
/// restart it, and wait until it logged a snapshot install and applied what it missed.
async fn snapshot_round(run: &Run, round: usize, snapshot_entries: u64) -> Result<(), String> {
    let cluster = run.cluster();
    let leader = cluster
        .await_leader(RECOVERY_TIMEOUT)
        .await
        .ok_or("no leader")?;
    let followers: Vec<usize> = cluster.ids().filter(|&i| i != leader).collect();
    let follower = followers[round % followers.len()];
    cluster.kill(follower);
    run.note(format!("round {round}: SIGKILL follower {follower}"));
    let from = commit_index(run).await;
    let target = from + 8 * snapshot_entries;
    if !poll_until(Duration::from_secs(60), || async {
        commit_index(run).await >= target
    })
    .await
    {
        return Err(format!(
            "commit index did not reach {target} while node {follower} was down"
        ));
    }
    run.note(format!(
        "round {round}: commit index passed {target}; restarting node {follower}"
    ));
    let log_offset = cluster.log_len(follower);
    cluster
        .restart(follower)
        .await
        .map_err(|e| format!("node {follower} did not restart: {e}"))?;
    let installed = poll_until(RECOVERY_TIMEOUT, || async {
        cluster.log_contains_since(follower, log_offset, "snapshot installed")
    })
    .await;
    run.note(format!(
        "round {round}: snapshot installed on node {follower}: {installed}"
    ));
    if !installed {
        return Err(format!(
            "node {follower} never logged 'snapshot installed' after missing {} entries",
            target - from
        ));
    }
    let caught_up = poll_until(RECOVERY_TIMEOUT, || async {
        cluster.raft_info(follower).await.is_some_and(|info| {
            info.get("last_applied")
                .and_then(|a| a.parse::<u64>().ok())
                .is_some_and(|a| a >= target)
        })
    })
    .await;
    run.note(format!(
        "round {round}: node {follower} applied past {target}: {caught_up}"
    ));
    if caught_up {
        Ok(())
    } else {
        Err(format!(
            "node {follower} did not apply up to {target} after its snapshot"
        ))
    }
}

/// Client id of the isolated-leader scenario's probes.
const PROBE_CLIENT: usize = 20_000;

/// An old leader cut off from the others keeps taking writes it can never commit: they must
/// not be acknowledged, the majority elects a new leader and moves on, and after healing the
/// old leader drops those entries and converges; none of its uncommitted writes ever shows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_isolated_leader_truncates() {
    bounded(Duration::ZERO, isolated_leader_truncates()).await;
}

async fn isolated_leader_truncates() {
    const REGISTER: &str = "r:probe:0";
    const LIST: &str = "l:probe:0";
    let seed = run::seed();
    let mut run = Run::start("isolated-leader", cluster_options(3, seed)).await;
    let mut failures = Vec::new();
    let mut probes = Vec::new();
    let workload = run.start_workload(workload_options(10, seed));

    let Some(old) = run.cluster().await_leader(RECOVERY_TIMEOUT).await else {
        failures.push("no leader".into());
        run.absorb(workload).await;
        return run.finish(failures, |_| Vec::new()).await;
    };
    for (key, call) in [
        (REGISTER, Call::Set("before".into())),
        (LIST, Call::Append("before;".into())),
    ] {
        let op = run.probe(PROBE_CLIENT, old, key, call).await;
        if !op.is_ok() {
            failures.push(format!("write to the healthy leader failed: {op}"));
        }
        probes.push(op);
    }

    let others: Vec<usize> = run.cluster().ids().filter(|&i| i != old).collect();
    run.cluster()
        .network()
        .partition(&[vec![old], others.clone()]);
    run.note(format!("isolated leader {old} from {others:?}"));
    // Writes sent to the isolated leader, concurrently: they reach its log but never a quorum.
    let stranded: Vec<_> = (0..3)
        .flat_map(|i| {
            [
                (REGISTER, Call::Set(format!("stranded-{i}"))),
                (LIST, Call::Append(format!("stranded-{i};"))),
            ]
        })
        .collect();
    let stranded_ops = join_all(
        stranded
            .into_iter()
            .enumerate()
            .map(|(i, (key, call))| run.probe(PROBE_CLIENT + 1 + i, old, key, call)),
    )
    .await;
    for op in &stranded_ops {
        if op.is_ok() {
            failures.push(format!(
                "the isolated old leader acknowledged a write: {op}"
            ));
        }
    }
    probes.extend(stranded_ops);
    // The stranded writes must sit in the old leader's log above its commit index, or the
    // truncation this scenario is about never happens.
    let field = |info: &std::collections::HashMap<String, String>, name: &str| {
        info.get(name).and_then(|v| v.parse::<u64>().ok())
    };
    match run.cluster().raft_info(old).await {
        Some(info) => {
            let (last, commit) = (field(&info, "last_log_index"), field(&info, "commit_index"));
            run.note(format!(
                "isolated old leader {old}: last_log_index {last:?}, commit_index {commit:?}"
            ));
            if !matches!((last, commit), (Some(l), Some(c)) if l > c) {
                failures.push(format!(
                    "the isolated old leader holds no uncommitted entries (last_log_index \
                     {last:?}, commit_index {commit:?}): the truncation path went untested"
                ));
            }
        }
        None => failures.push(format!(
            "the isolated old leader {old} does not answer INFO"
        )),
    }

    let new_leader = poll_until(RECOVERY_TIMEOUT, || async {
        run.cluster().leader().await.is_some_and(|l| l != old)
    })
    .await;
    run.note(format!("new leader among {others:?}: {new_leader}"));
    if !new_leader {
        failures.push(format!("no new leader among {others:?}"));
    }
    for (key, call) in [
        (REGISTER, Call::Set("after".into())),
        (LIST, Call::Append("after;".into())),
    ] {
        if !write_on(&run, &others, key, &call, &mut probes).await {
            failures.push(format!(
                "the majority side never acknowledged {call:?} on {key}"
            ));
        }
    }
    run.cluster().network().heal();
    run.note("healed");
    tokio::time::sleep(AFTER_HEAL).await;
    run.absorb(workload).await;
    run.record(probes);
    run.finish(failures, |history| {
        let mut found = Vec::new();
        for (key, want) in [(REGISTER, "after"), (LIST, "before;after;")] {
            let last = final_value(history, key);
            if last.as_deref() != Some(want) {
                found.push(format!(
                    "final {key} is {last:?}, want {want:?}: an uncommitted write of the old \
                     leader survived or a committed one was lost"
                ));
            }
        }
        found
    })
    .await;
}

/// A leader frozen by SIGSTOP still holds, in its memory, the read lease it had when it froze.
/// Woken while cut off from the others, after they elected a new leader and took a write, it
/// must not answer a read from that lease: its clock catches up with the time it lost before
/// it looks at the read, so the lease is over and the read waits for a round nobody answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jepsen_paused_leader_wakes_without_its_lease() {
    bounded(Duration::ZERO, paused_leader_wakes_without_its_lease()).await;
}

async fn paused_leader_wakes_without_its_lease() {
    const REGISTER: &str = "r:probe:0";
    let seed = run::seed();
    let mut run = Run::start("paused-leader-lease", cluster_options(3, seed)).await;
    let mut failures = Vec::new();
    let mut probes = Vec::new();
    let Some(old) = run.cluster().await_leader(RECOVERY_TIMEOUT).await else {
        return run.finish(vec!["no leader".into()], |_| Vec::new()).await;
    };
    let op = run
        .probe(PROBE_CLIENT, old, REGISTER, Call::Set("before".into()))
        .await;
    if !op.is_ok() {
        failures.push(format!("write to the healthy leader failed: {op}"));
    }
    probes.push(op);
    // A read served now comes from the lease; it must still be fresh when the node freezes.
    let op = run.probe(PROBE_CLIENT + 1, old, REGISTER, Call::Get).await;
    if op.outcome != Outcome::Ok(Value::Str("before".into())) {
        failures.push(format!("read on the healthy leader: {op}"));
    }
    probes.push(op);

    run.cluster().pause(old);
    let others: Vec<usize> = run.cluster().ids().filter(|&i| i != old).collect();
    run.cluster()
        .network()
        .partition(&[vec![old], others.clone()]);
    run.note(format!("froze leader {old} and cut it off from {others:?}"));
    if !write_on(
        &run,
        &others,
        REGISTER,
        &Call::Set("after".into()),
        &mut probes,
    )
    .await
    {
        failures.push(format!(
            "the majority {others:?} never acknowledged the write"
        ));
    }

    run.cluster().resume(old);
    run.note(format!("thawed {old}, still cut off"));
    let op = run.probe(PROBE_CLIENT + 2, old, REGISTER, Call::Get).await;
    run.note(format!("read on the thawed old leader: {op}"));
    if op.outcome == Outcome::Ok(Value::Str("before".into())) {
        failures.push(format!(
            "the thawed old leader answered from a lease that ran out while it was frozen: {op}"
        ));
    }
    probes.push(op);
    run.cluster().network().heal();
    run.note("healed");
    run.record(probes);
    run.finish(failures, |history| {
        let last = final_value(history, REGISTER);
        if last.as_deref() == Some("after") {
            Vec::new()
        } else {
            vec![format!("final {REGISTER} is {last:?}, want \"after\"")]
        }
    })
    .await;
}

/// Writes `call` on `key` through `nodes` in turn until one acknowledges it (20 tries),
/// recording every try in `probes`; whether one did.
async fn write_on(
    run: &Run,
    nodes: &[usize],
    key: &str,
    call: &Call,
    probes: &mut Vec<history::Op>,
) -> bool {
    for attempt in 0..20 {
        let op = run
            .probe(
                PROBE_CLIENT + 10 + attempt,
                nodes[attempt % nodes.len()],
                key,
                call.clone(),
            )
            .await;
        let acked = op.is_ok();
        probes.push(op);
        if acked {
            return true;
        }
    }
    false
}

/// The value of `key` in the final read after healing.
fn final_value(history: &History, key: &str) -> Option<String> {
    history
        .ops
        .iter()
        .rev()
        .find(|op| op.key == key && op.client == FINAL_READER)
        .and_then(|op| match &op.outcome {
            Outcome::Ok(Value::Str(s)) => Some(s.clone()),
            _ => None,
        })
}

/// Awaits all `futures` concurrently and returns their outputs in order.
async fn join_all<F: Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(v) => *output = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|o| o.expect("poll_fn returns only once every future is ready"))
        .collect()
}
