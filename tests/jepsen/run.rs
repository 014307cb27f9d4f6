//! One scenario run from start to verdict: start the cluster, run the workload (while the test
//! injects faults), heal, read every key one last time, wait for the nodes to converge, and
//! check the history.
//!
//! A run that fails for any reason (an anomaly, a node that crashed or never converged, a panic
//! in the test itself) keeps its directory — every node's log and data, `history.txt`,
//! `nemesis.txt` and `verdict.txt` — under `target/jepsen-failures/<scenario>-<time>/` and
//! prints that path. A passing run deletes it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::RngExt;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::checker;
use crate::cluster::{Cluster, ClusterOptions, control};
use crate::history::{self, Call, History, Op, Outcome};
use crate::nemesis::NemesisLog;
use crate::workload::{self, ClientLog, Via, WorkloadOptions, connect, execute};

/// How long the cluster may take, after the last heal, to elect a leader, answer the final
/// reads and converge.
pub const RECOVERY_TIMEOUT: Duration = Duration::from_secs(40);
/// Client id of the final reads in the history.
pub const FINAL_READER: usize = 10_000;
/// `--wait-timeout-ms` of the nodes under test: short, so unavailable writes fail fast.
pub const WAIT_TIMEOUT_MS: u64 = 1500;
/// How long a client waits for any answer: past the server's own wait bound.
pub const OP_TIMEOUT: Duration = Duration::from_millis(WAIT_TIMEOUT_MS + 2500);

/// The seed of this run: `JEPSEN_SEED` if set, random otherwise.
pub fn seed() -> u64 {
    std::env::var("JEPSEN_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random())
}

/// How long the fault phase of a scenario lasts: `default`, or `RAFT_KV_SOAK_SECS` if set.
pub fn fault_phase(default: Duration) -> Duration {
    std::env::var("RAFT_KV_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map_or(default, Duration::from_secs)
}

/// A workload running in the background.
pub struct Workload {
    /// Cancelled to stop the clients.
    stop: CancellationToken,
    /// The client tasks, each returning its log.
    clients: Vec<JoinHandle<ClientLog>>,
    /// The settings the clients run with.
    options: WorkloadOptions,
}

impl Workload {
    /// Stops the clients and returns what they did.
    pub async fn stop(self) -> (Vec<ClientLog>, WorkloadOptions) {
        self.stop.cancel();
        let mut logs = Vec::new();
        for client in self.clients {
            // A client task only ends by returning its log; a panic in it is a harness bug.
            logs.push(client.await.expect("client tasks do not panic"));
        }
        (logs, self.options)
    }
}

/// A scenario in progress.
pub struct Run {
    /// The scenario's name, used in directory names and messages.
    name: String,
    /// The seed of every random choice (`JEPSEN_SEED`).
    seed: u64,
    /// The origin of all history and nemesis-log times.
    start: Instant,
    /// The run directory: node data, logs, and on failure the reports.
    dir: PathBuf,
    /// The cluster under test.
    cluster: Arc<Cluster>,
    /// What the nemesis and the scenario did, and when.
    nemesis_log: Arc<NemesisLog>,
    /// Operations of the current round.
    history: History,
    /// Keys the current round touched; each gets a final read.
    keys: BTreeSet<String>,
    /// Replies of the current round no correct server gives.
    unexpected: Vec<String>,
    /// What happens to the directory on drop.
    state: RunState,
}

/// What happens to the run directory when a [`Run`] is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunState {
    /// No verdict yet: a drop means the test panicked, so the directory is kept.
    Running,
    /// The run passed: the directory is deleted.
    Passed,
    /// The run failed and its directory was already kept.
    Kept,
}

impl Run {
    /// Starts a cluster for scenario `name`, in a fresh run directory.
    ///
    /// # Panics
    /// If the cluster does not start or elect a leader (the directory is kept).
    pub async fn start(name: &str, options: ClusterOptions) -> Self {
        let stamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("jepsen-runs")
            .join(format!("{name}-{stamp}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        eprintln!(
            "jepsen {name}: seed {} (JEPSEN_SEED), dir {}",
            options.seed,
            dir.display()
        );
        let seed = options.seed;
        let cluster = match Cluster::start(options, &dir).await {
            Ok(cluster) => cluster,
            Err(e) => {
                let kept = keep_dir(&dir, name);
                panic!(
                    "jepsen {name}: cluster did not start: {e}\nkept {}",
                    kept.display()
                );
            }
        };
        let mut run = Self {
            name: name.to_string(),
            seed,
            start: Instant::now(),
            dir,
            cluster: Arc::new(cluster),
            nemesis_log: Arc::new(NemesisLog::default()),
            history: History::default(),
            keys: BTreeSet::new(),
            unexpected: Vec::new(),
            state: RunState::Running,
        };
        if run.cluster.await_leader(RECOVERY_TIMEOUT).await.is_none() {
            run.fail(vec!["no leader elected after start".into()]);
        }
        run.note("cluster up with a leader");
        run
    }

    /// The cluster under test.
    pub fn cluster(&self) -> &Arc<Cluster> {
        &self.cluster
    }

    /// The instant history times count from.
    pub fn start_time(&self) -> Instant {
        self.start
    }

    /// The nemesis log, shared with the nemesis task.
    pub fn nemesis_log(&self) -> &Arc<NemesisLog> {
        &self.nemesis_log
    }

    /// Adds a line to the nemesis log (scenario steps go there too).
    pub fn note(&self, what: impl Into<String>) {
        self.nemesis_log.note(self.start, what);
    }

    /// Starts `options.clients` clients against every node.
    pub fn start_workload(&self, options: WorkloadOptions) -> Workload {
        let stop = CancellationToken::new();
        let ports: Vec<u16> = self
            .cluster
            .ids()
            .map(|id| self.cluster.resp_port(id))
            .collect();
        let clients = (0..options.clients)
            .map(|client| {
                tokio::spawn(workload::run_client(
                    client,
                    ports.clone(),
                    options.clone(),
                    self.start,
                    stop.clone(),
                ))
            })
            .collect();
        self.note(format!("workload started: {} clients", options.clients));
        Workload {
            stop,
            clients,
            options,
        }
    }

    /// Adds a stopped workload's operations to the history.
    pub async fn absorb(&mut self, workload: Workload) {
        let (logs, _) = workload.stop().await;
        self.note("workload stopped");
        for log in logs {
            self.keys.extend(log.ops.iter().map(|op| op.key.clone()));
            self.history.ops.extend(log.ops);
            self.unexpected.extend(log.unexpected);
        }
    }

    /// Adds operations issued outside the workload (probes) to the history.
    pub fn record(&mut self, ops: Vec<Op>) {
        for op in &ops {
            self.keys.insert(op.key.clone());
        }
        self.history.ops.extend(ops);
    }

    /// Runs one command on node `id` and returns the operation as it goes in the history, with
    /// client id `client`.
    pub async fn probe(&self, client: usize, id: usize, key: &str, call: Call) -> Op {
        let invoke = self.start.elapsed().as_nanos() as u64;
        let outcome = match connect(self.cluster.resp_port(id)).await {
            // Nothing was sent: it certainly did not happen.
            Err(e) => Outcome::Failed(format!("connect: {e}")),
            Ok(mut con) => {
                execute(&mut con, key, &call, crate::run::OP_TIMEOUT, Via::Command)
                    .await
                    .0
            }
        };
        Op {
            client,
            node: id,
            key: key.to_string(),
            call,
            invoke_ns: invoke,
            complete_ns: self.start.elapsed().as_nanos() as u64,
            outcome,
        }
    }

    /// Judges the run (see [`Run::verify`]) and ends it.
    ///
    /// # Panics
    /// On any failure, after keeping the run directory.
    pub async fn finish(mut self, extra: Vec<String>, post: impl FnOnce(&History) -> Vec<String>) {
        self.verify(extra, post).await;
        self.state = RunState::Passed;
    }

    /// Heals every fault, reads every key once more, waits for all nodes to hold the same data,
    /// and checks the history. `extra` failures found by the scenario itself, and those `post`
    /// finds in the final history, join the verdict. A passing round's history is then
    /// dropped, so a soak checks round by round in bounded memory.
    ///
    /// # Panics
    /// On any failure, after keeping the run directory.
    pub async fn verify(&mut self, extra: Vec<String>, post: impl FnOnce(&History) -> Vec<String>) {
        let mut failures = extra;
        self.cluster.network().heal();
        if let Err(e) = self.cluster.revive_all().await {
            failures.push(format!("a node did not come back: {e}"));
        }
        self.note("healed; final reads");
        let deadline = Instant::now() + RECOVERY_TIMEOUT;
        let keys: Vec<String> = self.keys.iter().cloned().collect();
        for key in keys {
            match self.final_read(&key, deadline).await {
                Some(op) => self.history.ops.push(op),
                None => {
                    failures.push(format!("final read of {key} did not succeed in time"));
                    break;
                }
            }
        }
        self.note("final reads done; waiting for convergence");
        if let Err(e) = self.await_convergence(deadline).await {
            failures.push(e);
        }
        self.note("verdict");
        self.history
            .ops
            .sort_by_key(|op| (op.complete_ns, op.invoke_ns));
        failures.extend(
            self.unexpected
                .iter()
                .map(|u| format!("unexpected reply: {u}")),
        );
        failures.extend(self.cluster.unexpected_exits());
        failures.extend(checker::check(&self.history).iter().map(|a| a.to_string()));
        let count =
            |pred: &dyn Fn(&Op) -> bool| self.history.ops.iter().filter(|o| pred(o)).count();
        let ok = count(&|o| o.is_ok());
        let unknown = count(&|o| o.is_unknown());
        if !self.history.ops.is_empty() {
            eprintln!(
                "jepsen {}: {} ops ({ok} ok, {unknown} unknown), {} keys, {:.1}s",
                self.name,
                self.history.ops.len(),
                self.keys.len(),
                self.start.elapsed().as_secs_f64()
            );
        }
        // The checks must have had something to check.
        for (what, call, prefix) in [
            ("SET", Call::Set(String::new()), history::REGISTER_PREFIX),
            ("INCR", Call::Incr, history::COUNTER_PREFIX),
            ("APPEND", Call::Append(String::new()), history::LIST_PREFIX),
            ("XADD", Call::Append(String::new()), history::STREAM_PREFIX),
        ] {
            let acked = count(&|o| {
                o.is_ok()
                    && o.key.starts_with(prefix)
                    && std::mem::discriminant(&o.call) == std::mem::discriminant(&call)
            });
            if acked == 0 && self.keys.iter().any(|k| k.starts_with(prefix)) {
                failures.push(format!("no {what} was ever acknowledged"));
            }
        }
        failures.extend(post(&self.history));
        if !failures.is_empty() {
            self.fail(failures);
        }
        if std::env::var_os("JEPSEN_KEEP").is_some() {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.join("history.txt"))
                .unwrap_or_else(|e| panic!("opening history.txt: {e}"));
            std::io::Write::write_all(&mut file, self.history.to_text().as_bytes())
                .unwrap_or_else(|e| panic!("writing history.txt: {e}"));
        }
        self.history.ops.clear();
        self.keys.clear();
        self.unexpected.clear();
    }

    async fn final_read(&self, key: &str, deadline: Instant) -> Option<Op> {
        let mut attempt = 0usize;
        while Instant::now() < deadline {
            let id = self.cluster.ids().nth(attempt % self.cluster.size())?;
            attempt += 1;
            let op = self.probe(FINAL_READER, id, key, Call::Get).await;
            if op.is_ok() {
                return Some(op);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    /// Polls every node until all report the same key count and contents.
    async fn await_convergence(&self, deadline: Instant) -> Result<(), String> {
        let last = loop {
            let mut states = Vec::new();
            for id in self.cluster.ids() {
                states.push(node_contents(self.cluster.resp_port(id)).await);
            }
            if states.iter().all(|s| s.is_ok()) && states.windows(2).all(|w| w[0] == w[1]) {
                self.note("all nodes converged");
                return Ok(());
            }
            if Instant::now() > deadline {
                break states;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        let mut report = String::from("nodes did not converge:");
        for (i, state) in last.iter().enumerate() {
            let line = match state {
                Ok(s) => format!("{} keys, contents {}", s.0, short(&s.1)),
                Err(e) => format!("error {e}"),
            };
            report.push_str(&format!("\n  node {}: {line}", i + 1));
        }
        Err(report)
    }

    /// Keeps the run directory with the history and verdict, prints its path, and panics.
    fn fail(&mut self, failures: Vec<String>) -> ! {
        self.cluster.dump_diagnostics();
        self.cluster.stop_all();
        let _ = std::fs::write(self.dir.join("history.txt"), self.history.to_text());
        let _ = std::fs::write(self.dir.join("nemesis.txt"), self.nemesis_log.to_text());
        let verdict = failures.join("\n");
        let _ = std::fs::write(
            self.dir.join("verdict.txt"),
            format!("seed {}\n{verdict}\n", self.seed),
        );
        let kept = keep_dir(&self.dir, &self.name);
        self.state = RunState::Kept;
        let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
        panic!(
            "jepsen {} failed (seed {}, JEPSEN_SEED={} reruns the same choices):\n{}\n\
             {} failure(s) in all; history, node logs and verdict kept in {}",
            self.name,
            self.seed,
            self.seed,
            shown.join("\n"),
            failures.len(),
            kept.display()
        );
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if self.state == RunState::Running {
            self.cluster.dump_diagnostics();
        }
        self.cluster.stop_all();
        if self.state == RunState::Passed && std::env::var_os("JEPSEN_KEEP").is_some() {
            let _ = std::fs::write(self.dir.join("nemesis.txt"), self.nemesis_log.to_text());
            eprintln!(
                "jepsen {}: passed; kept {} (JEPSEN_KEEP)",
                self.name,
                self.dir.display()
            );
        } else if self.state == RunState::Passed {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else if self.state == RunState::Running {
            // The test panicked before a verdict: keep what there is.
            let _ = std::fs::write(self.dir.join("history.txt"), self.history.to_text());
            let _ = std::fs::write(self.dir.join("nemesis.txt"), self.nemesis_log.to_text());
            let kept = keep_dir(&self.dir, &self.name);
            eprintln!("jepsen {}: run aborted; kept {}", self.name, kept.display());
        }
    }
}

/// Moves a run directory to `target/jepsen-failures/` and returns its new path (or the old one
/// if it cannot be moved).
fn keep_dir(dir: &Path, name: &str) -> PathBuf {
    let failures = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .join("jepsen-failures");
    let _ = std::fs::create_dir_all(&failures);
    let target = failures.join(
        dir.file_name()
            .map_or_else(|| name.into(), |n| n.to_os_string()),
    );
    match std::fs::rename(dir, &target) {
        Ok(()) => target,
        Err(_) => dir.to_path_buf(),
    }
}

fn short(s: &str) -> String {
    if s.len() <= 80 {
        s.to_string()
    } else {
        format!("{}... ({} bytes)", &s[..s.floor_char_boundary(80)], s.len())
    }
}

/// A node's key count and contents: `DEBUG DIGEST` if the server has it, otherwise every key
/// and value (read through that node) in key order.
pub async fn node_contents(port: u16) -> Result<(i64, String), String> {
    let size = match control(port, redis::cmd("DBSIZE")).await? {
        redis::Value::Int(n) => n,
        other => return Err(format!("DBSIZE answered {other:?}")),
    };
    let mut digest = redis::cmd("DEBUG");
    digest.arg("DIGEST");
    match control(port, digest).await {
        Ok(redis::Value::BulkString(b)) => return Ok((size, String::from_utf8_lossy(&b).into())),
        Ok(redis::Value::SimpleString(s)) => return Ok((size, s)),
        _ => {}
    }
    let con = &mut connect(port).await?;
    let mut keys_cmd = redis::cmd("KEYS");
    keys_cmd.arg("*");
    let limit = Duration::from_secs(2);
    let keys = match tokio::time::timeout(limit, keys_cmd.query_async::<Vec<String>>(con)).await {
        Ok(Ok(keys)) => keys,
        Ok(Err(e)) => return Err(format!("KEYS: {e}")),
        Err(_) => return Err("KEYS timed out".into()),
    };
    let mut keys = keys;
    keys.sort();
    let mut contents = String::new();
    for key in keys {
        let (outcome, _) = execute(con, &key, &Call::Get, limit, Via::Command).await;
        match outcome {
            Outcome::Ok(v) => contents.push_str(&format!("{key}={v:?}\n")),
            other => return Err(format!("GET {key}: {other:?}")),
        }
    }
    Ok((size, contents))
}
