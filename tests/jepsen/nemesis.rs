//! The nemesis: injects one fault at a time into a running cluster, holds it, heals it, lets the
//! cluster calm down, and repeats until told to stop. Every action is written to the nemesis log
//! with its time, next to the history, so a failure can be lined up with the faults.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use tokio_util::sync::CancellationToken;

use crate::cluster::Cluster;

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// SIGKILL a random node, then restart it on its data directory.
    KillRandom,
    /// SIGKILL the leader, then restart it.
    KillLeader,
    /// SIGSTOP a random node for longer than an election timeout, then SIGCONT.
    PauseRandom,
    /// SIGSTOP the leader for longer than an election timeout, then SIGCONT.
    PauseLeader,
    /// Cut a minority (not containing the leader, if known) off from the rest.
    IsolateMinority,
    /// Cut the leader off from everyone.
    IsolateLeader,
    /// Split the nodes into a random majority and minority.
    SplitMajorityMinority,
    /// Lose all traffic from the leader to the others; theirs still reaches it.
    LeaderCannotSend,
    /// Lose all traffic to the leader; its own still reaches the others.
    LeaderCannotReceive,
    /// Lose the traffic of one random directed link.
    OneWayRandom,
    /// Remove a random node from the membership (`RAFT.NODE REMOVE`, sent to another node),
    /// then add it back (it rejoins from its own disk as a learner, and is promoted once it
    /// has caught up).
    RemoveRandom,
    /// Remove the leader, which hands over, then add it back.
    RemoveLeader,
}

/// The network faults.
pub const PARTITIONS: &[Fault] = &[
    Fault::IsolateMinority,
    Fault::IsolateLeader,
    Fault::SplitMajorityMinority,
    Fault::LeaderCannotSend,
    Fault::LeaderCannotReceive,
    Fault::OneWayRandom,
];

/// The membership changes.
pub const MEMBERSHIP: &[Fault] = &[Fault::RemoveRandom, Fault::RemoveLeader];

/// How long the nemesis keeps asking for one membership change, and then for the node it
/// added back to be a voter again.
const CHANGE_TIMEOUT: Duration = Duration::from_secs(20);

/// The process faults.
pub const PROCESS_FAULTS: &[Fault] = &[
    Fault::KillRandom,
    Fault::KillLeader,
    Fault::PauseRandom,
    Fault::PauseLeader,
];

/// Timing of the nemesis.
#[derive(Debug, Clone)]
pub struct NemesisOptions {
    /// Faults to pick from, uniformly.
    pub faults: Vec<Fault>,
    /// Range of how long a fault is held; pauses use at least 1.5 s, longer than the election
    /// timeout, so the frozen leader is replaced.
    pub hold: (Duration, Duration),
    /// Range of the quiet time after each heal.
    pub calm: (Duration, Duration),
    /// Probability that a second fault, drawn independently, runs at the same time as the
    /// first (say, a partition while the leader is frozen). A network heal of either ends
    /// both's partitions.
    pub overlap: f64,
    /// Seed of its choices.
    pub seed: u64,
}

/// A time-stamped record of the nemesis's actions.
#[derive(Debug, Default)]
pub struct NemesisLog {
    /// The lines so far, in order.
    lines: Mutex<Vec<String>>,
}

impl NemesisLog {
    /// Records `what` at the current time since `start`.
    pub fn note(&self, start: Instant, what: impl Into<String>) {
        let line = format!(
            "[{:>9.3}ms] {}",
            start.elapsed().as_secs_f64() * 1e3,
            what.into()
        );
        self.lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(line);
    }

    /// The whole log, one action a line.
    pub fn to_text(&self) -> String {
        let mut text = self
            .lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .join("\n");
        text.push('\n');
        text
    }
}

/// Injects faults until `stop` is cancelled, then heals everything.
///
/// # Errors
/// A node that does not come back after a restart (its start-up failed).
pub async fn run(
    cluster: &Cluster,
    options: &NemesisOptions,
    start: Instant,
    log: &NemesisLog,
    stop: CancellationToken,
) -> Result<(), String> {
    let mut rng = StdRng::seed_from_u64(options.seed);
    let result = async {
        while !stop.is_cancelled() {
            let fault = options.faults[rng.random_range(0..options.faults.len())];
            let hold = rng.random_range(options.hold.0..=options.hold.1);
            if rng.random_bool(options.overlap) {
                let second = options.faults[rng.random_range(0..options.faults.len())];
                let second_hold = rng.random_range(options.hold.0..=options.hold.1);
                let mut first_rng = StdRng::seed_from_u64(rng.random());
                let mut second_rng = StdRng::seed_from_u64(rng.random());
                let (a, b) = tokio::join!(
                    inject(cluster, fault, hold, &mut first_rng, start, log, &stop),
                    async {
                        // Let the first fault take hold before the second one looks for a
                        // leader.
                        tokio::time::sleep(hold / 3).await;
                        inject(
                            cluster,
                            second,
                            second_hold,
                            &mut second_rng,
                            start,
                            log,
                            &stop,
                        )
                        .await
                    }
                );
                a.and(b)?;
            } else {
                inject(cluster, fault, hold, &mut rng, start, log, &stop).await?;
            }
            let calm = rng.random_range(options.calm.0..=options.calm.1);
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = tokio::time::sleep(calm) => {}
            }
        }
        Ok::<(), String>(())
    }
    .await;
    cluster.network().heal();
    log.note(start, "final heal: network healed");
    let revived = cluster.revive_all().await;
    log.note(start, "final heal: every node running");
    result.and(revived)
}

async fn hold_for(hold: Duration, stop: &CancellationToken) {
    tokio::select! {
        _ = stop.cancelled() => {}
        _ = tokio::time::sleep(hold) => {}
    }
}

async fn inject(
    cluster: &Cluster,
    fault: Fault,
    hold: Duration,
    rng: &mut StdRng,
    start: Instant,
    log: &NemesisLog,
    stop: &CancellationToken,
) -> Result<(), String> {
    let n = cluster.size();
    let random_node = |rng: &mut StdRng| rng.random_range(1..=n);
    let leader = match fault {
        Fault::KillLeader
        | Fault::PauseLeader
        | Fault::IsolateLeader
        | Fault::LeaderCannotSend
        | Fault::LeaderCannotReceive
        | Fault::RemoveLeader
        | Fault::IsolateMinority => cluster.leader().await,
        _ => None,
    };
    let needs_leader = !matches!(
        fault,
        Fault::IsolateMinority
            | Fault::KillRandom
            | Fault::PauseRandom
            | Fault::SplitMajorityMinority
            | Fault::OneWayRandom
            | Fault::RemoveRandom
    );
    if needs_leader && leader.is_none() {
        log.note(start, format!("{fault:?}: no leader found, skipped"));
        return Ok(());
    }
    match fault {
        Fault::KillRandom | Fault::KillLeader => {
            let id = leader.unwrap_or_else(|| random_node(rng));
            cluster.kill(id);
            log.note(start, format!("{fault:?}: SIGKILL node {id}"));
            hold_for(hold, stop).await;
            log.note(start, format!("{fault:?}: restarting node {id}"));
            cluster.restart(id).await?;
            log.note(start, format!("{fault:?}: node {id} answers PING"));
        }
        Fault::PauseRandom | Fault::PauseLeader => {
            let id = leader.unwrap_or_else(|| random_node(rng));
            cluster.pause(id);
            log.note(start, format!("{fault:?}: SIGSTOP node {id}"));
            hold_for(hold.max(Duration::from_millis(1500)), stop).await;
            cluster.resume(id);
            log.note(start, format!("{fault:?}: SIGCONT node {id}"));
        }
        Fault::IsolateMinority | Fault::IsolateLeader | Fault::SplitMajorityMinority => {
            let mut ids: Vec<usize> = cluster.ids().collect();
            ids.shuffle(rng);
            let minority_size = match fault {
                Fault::IsolateLeader => 1,
                Fault::IsolateMinority => rng.random_range(1..=(n - 1) / 2),
                _ => (n - 1) / 2,
            };
            let minority: Vec<usize> = match (fault, leader) {
                (Fault::IsolateLeader, Some(l)) => vec![l],
                (Fault::IsolateMinority, Some(l)) => ids
                    .iter()
                    .copied()
                    .filter(|&i| i != l)
                    .take(minority_size)
                    .collect(),
                _ => ids[..minority_size].to_vec(),
            };
            let majority: Vec<usize> = cluster.ids().filter(|i| !minority.contains(i)).collect();
            cluster
                .network()
                .partition(&[minority.clone(), majority.clone()]);
            log.note(
                start,
                format!("{fault:?}: partition {minority:?} | {majority:?}"),
            );
            hold_for(hold, stop).await;
            cluster.network().heal();
            log.note(start, format!("{fault:?}: healed"));
        }
        Fault::LeaderCannotSend | Fault::LeaderCannotReceive | Fault::OneWayRandom => {
            let links: Vec<(usize, usize)> = match (fault, leader) {
                (Fault::LeaderCannotSend, Some(l)) => {
                    cluster.ids().filter(|&i| i != l).map(|i| (l, i)).collect()
                }
                (Fault::LeaderCannotReceive, Some(l)) => {
                    cluster.ids().filter(|&i| i != l).map(|i| (i, l)).collect()
                }
                _ => {
                    let from = random_node(rng);
                    let to = (from + rng.random_range(0..n - 1)) % n + 1;
                    vec![(from, to)]
                }
            };
            for &(from, to) in &links {
                cluster.network().set_blocked(from, to, true);
            }
            log.note(
                start,
                format!(
                    "{fault:?}: blocked {}",
                    cluster.network().describe_blocked()
                ),
            );
            hold_for(hold, stop).await;
            cluster.network().heal();
            log.note(start, format!("{fault:?}: healed"));
        }
        Fault::RemoveRandom | Fault::RemoveLeader => {
            let id = leader.unwrap_or_else(|| random_node(rng));
            let via = (id + rng.random_range(0..n - 1)) % n + 1;
            let how = change(
                cluster,
                via,
                &["REMOVE", &id.to_string()],
                "is not a member",
            )
            .await?;
            log.note(
                start,
                format!("{fault:?}: removed node {id} ({how}, asked node {via})"),
            );
            hold_for(hold, stop).await;
            // Its own address, as the others' --cluster name their proxies of it.
            let addr = cluster
                .network()
                .cluster_arg(id)
                .split(',')
                .nth(id - 1)
                .map(str::to_owned)
                .ok_or_else(|| format!("no address for node {id}"))?;
            let how = change(
                cluster,
                via,
                &["ADD", &id.to_string(), &addr],
                "is already a member",
            )
            .await?;
            log.note(start, format!("{fault:?}: added node {id} back ({how})"));
            voter_again(cluster, id).await?;
            log.note(start, format!("{fault:?}: node {id} is a voter again"));
        }
    }
    Ok(())
}

/// Asks for a membership change through node `via` (or, while it cannot answer, any other
/// node) until it is committed, or reported done already (`done_already`: an earlier attempt
/// that timed out did commit). Returns how it ended.
async fn change(
    cluster: &Cluster,
    via: usize,
    args: &[&str],
    done_already: &str,
) -> Result<&'static str, String> {
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    let mut last_error = String::new();
    let mut target = via;
    while Instant::now() < deadline {
        let mut cmd = redis::cmd("RAFT.NODE");
        for arg in args {
            cmd.arg(*arg);
        }
        match crate::cluster::control(cluster.resp_port(target), cmd).await {
            Ok(redis::Value::Okay) => return Ok("committed"),
            Ok(other) => last_error = format!("{other:?}"),
            Err(e) if e.contains(done_already) => return Ok("done already"),
            Err(e) => last_error = e,
        }
        target = target % cluster.size() + 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!(
        "RAFT.NODE {} did not commit within {CHANGE_TIMEOUT:?}: {last_error}",
        args.join(" ")
    ))
}

/// Waits until every node that answers lists `id` among the voters.
async fn voter_again(cluster: &Cluster, id: usize) -> Result<(), String> {
    let deadline = Instant::now() + CHANGE_TIMEOUT;
    let needle = format!("{id}=");
    loop {
        let mut all = true;
        for node in cluster.ids() {
            if let Some(info) = cluster.raft_info(node).await
                && !info
                    .get("voters")
                    .is_some_and(|v| v.split(',').any(|m| m.starts_with(&needle)))
            {
                all = false;
            }
        }
        if all {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "node {id} was not a voter again within {CHANGE_TIMEOUT:?}"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
