//! A cluster of real `raft-kv` processes wired through the fault-injecting [`Network`], with
//! the process-level faults the nemesis uses: SIGKILL and restart, SIGSTOP and SIGCONT.
//!
//! Every node appends its stderr to `<run dir>/node-<id>.log` across restarts, so a failing run
//! keeps each node's whole story. Dropping the cluster kills every node.

use std::collections::HashMap;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::net::{Network, free_port};

/// How long a node may take to answer PING after it is started.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a control command (INFO, PING) may take before the node counts as unresponsive.
const CONTROL_TIMEOUT: Duration = Duration::from_millis(500);

/// Settings of a cluster.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Number of nodes (3 or 5).
    pub nodes: usize,
    /// `--snapshot-entries`, if not the server's default.
    pub snapshot_entries: Option<u64>,
    /// `--wait-timeout-ms`.
    pub wait_timeout_ms: u64,
    /// Base of each node's `--seed` (node i gets `seed + i`).
    pub seed: u64,
}

/// One node's process and files.
struct Node {
    /// Its Redis-protocol port (fixed across restarts).
    resp_port: u16,
    /// Its `--data-dir`, kept across restarts.
    data_dir: PathBuf,
    /// The file its stdout and stderr are appended to.
    log_path: PathBuf,
    /// The running process; `None` while it is down.
    child: Option<Child>,
    /// Whether it is frozen by SIGSTOP.
    paused: bool,
    /// How many times it was started.
    starts: usize,
}

/// A running cluster. Node ids are 1-based, as on the command line.
pub struct Cluster {
    /// The settings it was started with.
    options: ClusterOptions,
    /// The proxies between the nodes.
    network: Network,
    /// The nodes, index `id - 1`; the lock is never held across an await.
    nodes: Mutex<Vec<Node>>,
    /// Each node's Redis-protocol port, index `id - 1`, readable without the lock.
    resp_ports: Vec<u16>,
    /// Nodes that exited without being killed, as `node <id>: <status>`.
    unexpected_exits: Mutex<Vec<String>>,
}

impl Cluster {
    /// Starts `options.nodes` nodes under `dir` and waits until each answers PING.
    ///
    /// # Errors
    /// A node that exits or does not answer within [`START_TIMEOUT`], with its log's tail.
    pub async fn start(options: ClusterOptions, dir: &Path) -> Result<Self, String> {
        let peers: Vec<SocketAddr> = (0..options.nodes)
            .map(|_| SocketAddr::from(([127, 0, 0, 1], free_port())))
            .collect();
        let network = Network::start(peers)
            .await
            .map_err(|e| format!("starting proxies: {e}"))?;
        let mut nodes = Vec::new();
        for id in 1..=options.nodes {
            let data_dir = dir.join(format!("node-{id}-data"));
            std::fs::create_dir_all(&data_dir).map_err(|e| format!("creating data dir: {e}"))?;
            nodes.push(Node {
                resp_port: free_port(),
                data_dir,
                log_path: dir.join(format!("node-{id}.log")),
                child: None,
                paused: false,
                starts: 0,
            });
        }
        let resp_ports = nodes.iter().map(|n| n.resp_port).collect();
        let cluster = Self {
            options,
            network,
            nodes: Mutex::new(nodes),
            resp_ports,
            unexpected_exits: Mutex::new(Vec::new()),
        };
        for id in cluster.ids() {
            cluster.spawn(id)?;
        }
        for id in cluster.ids() {
            cluster.wait_ready(id).await?;
        }
        Ok(cluster)
    }

    /// The node ids, `1..=n`.
    pub fn ids(&self) -> std::ops::RangeInclusive<usize> {
        1..=self.options.nodes
    }

    /// Number of nodes.
    pub fn size(&self) -> usize {
        self.options.nodes
    }

    /// The Redis-protocol port of node `id`.
    pub fn resp_port(&self, id: usize) -> u16 {
        self.resp_ports[id - 1]
    }

    /// The network between the nodes.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// The log file of node `id`.
    pub fn log_path(&self, id: usize) -> PathBuf {
        self.lock()[id - 1].log_path.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Node>> {
        // A panic elsewhere while holding the lock leaves the nodes usable for cleanup.
        self.nodes.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn spawn(&self, id: usize) -> Result<(), String> {
        let cluster_arg = self.network.cluster_arg(id);
        let mut nodes = self.lock();
        let node = &mut nodes[id - 1];
        node.starts += 1;
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log_path)
            .map_err(|e| format!("opening {}: {e}", node.log_path.display()))?;
        let _ = writeln!(
            log,
            "=== jepsen: start #{} of node {id} (cluster {cluster_arg}) ===",
            node.starts
        );
        let stdout = log
            .try_clone()
            .map_err(|e| format!("cloning log handle: {e}"))?;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_raft-kv"));
        cmd.arg("--id")
            .arg(id.to_string())
            .arg(format!("--cluster={cluster_arg}"))
            .arg("--port")
            .arg(node.resp_port.to_string())
            .arg("--data-dir")
            .arg(&node.data_dir)
            .arg("--wait-timeout-ms")
            .arg(self.options.wait_timeout_ms.to_string())
            .arg("--seed")
            .arg((self.options.seed.wrapping_add(id as u64)).to_string());
        if let Some(n) = self.options.snapshot_entries {
            cmd.arg("--snapshot-entries").arg(n.to_string());
        }
        cmd.env(
            "RUST_LOG",
            std::env::var("JEPSEN_NODE_LOG").unwrap_or("info".into()),
        )
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(log));
        let child = cmd
            .spawn()
            .map_err(|e| format!("spawning node {id}: {e}"))?;
        node.child = Some(child);
        node.paused = false;
        Ok(())
    }

    /// Waits until node `id` answers PING, failing early if its process exits. Returns at once
    /// if the node was killed meanwhile.
    ///
    /// # Errors
    /// The node exited or stayed silent for [`START_TIMEOUT`]; the message has its log's tail.
    pub async fn wait_ready(&self, id: usize) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if self.lock()[id - 1].child.is_none() {
                // Killed again meanwhile (overlapping faults): it is meant to be down.
                return Ok(());
            }
            if let Some(status) = self.exit_status(id) {
                return Err(format!(
                    "node {id} exited ({status}) while starting; log tail:\n{}",
                    self.log_tail(id, 20)
                ));
            }
            if control(self.resp_port(id), redis::cmd("PING"))
                .await
                .is_ok()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "node {id} did not answer PING within {START_TIMEOUT:?}; log tail:\n{}",
                    self.log_tail(id, 20)
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn exit_status(&self, id: usize) -> Option<std::process::ExitStatus> {
        let mut nodes = self.lock();
        let child = nodes[id - 1].child.as_mut()?;
        child.try_wait().ok().flatten()
    }

    /// The last `lines` lines of node `id`'s log.
    pub fn log_tail(&self, id: usize, lines: usize) -> String {
        let text = std::fs::read_to_string(self.log_path(id)).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// The current length of node `id`'s log, in bytes.
    pub fn log_len(&self, id: usize) -> usize {
        std::fs::metadata(self.log_path(id)).map_or(0, |m| m.len() as usize)
    }

    /// Whether node `id`'s log, from byte `offset` on, contains `needle`.
    pub fn log_contains_since(&self, id: usize, offset: usize, needle: &str) -> bool {
        std::fs::read(self.log_path(id))
            .is_ok_and(|t| String::from_utf8_lossy(t.get(offset..).unwrap_or(&[])).contains(needle))
    }

    /// Notes every node whose process exited on its own (a crash: the nemesis only kills) and
    /// forgets its process, so it counts as down.
    pub fn reap_exits(&self) {
        let mut exits = Vec::new();
        {
            let mut nodes = self.lock();
            for (i, node) in nodes.iter_mut().enumerate() {
                if let Some(child) = node.child.as_mut()
                    && let Ok(Some(status)) = child.try_wait()
                {
                    exits.push(format!("node {} exited on its own: {status}", i + 1));
                    node.child = None;
                    node.paused = false;
                }
            }
        }
        self.unexpected_exits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(exits);
    }

    /// Every crash noticed so far (see [`Cluster::reap_exits`]).
    pub fn unexpected_exits(&self) -> Vec<String> {
        self.reap_exits();
        self.unexpected_exits
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sends SIGKILL to node `id` and reaps it. Does nothing if it is already down.
    pub fn kill(&self, id: usize) {
        self.reap_exits();
        let mut nodes = self.lock();
        let node = &mut nodes[id - 1];
        if let Some(mut child) = node.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        node.paused = false;
    }

    /// Starts node `id` again on its data directory and waits until it answers PING.
    ///
    /// # Errors
    /// As for [`Cluster::wait_ready`].
    pub async fn restart(&self, id: usize) -> Result<(), String> {
        self.kill(id);
        self.spawn(id)?;
        self.wait_ready(id).await
    }

    /// Freezes node `id` with SIGSTOP.
    pub fn pause(&self, id: usize) {
        self.signal(id, "-STOP", true);
    }

    /// Thaws node `id` with SIGCONT.
    pub fn resume(&self, id: usize) {
        self.signal(id, "-CONT", false);
    }

    fn signal(&self, id: usize, signal: &str, paused: bool) {
        let mut nodes = self.lock();
        let node = &mut nodes[id - 1];
        let Some(child) = node.child.as_ref() else {
            return;
        };
        let status = Command::new("kill")
            .arg(signal)
            .arg(child.id().to_string())
            .status();
        assert!(
            status.is_ok_and(|s| s.success()),
            "kill {signal} node {id} failed"
        );
        node.paused = paused;
    }

    /// Thaws every paused node and starts every node that is down.
    ///
    /// # Errors
    /// As for [`Cluster::wait_ready`].
    pub async fn revive_all(&self) -> Result<(), String> {
        self.reap_exits();
        for id in self.ids() {
            let (paused, down) = {
                let nodes = self.lock();
                (nodes[id - 1].paused, nodes[id - 1].child.is_none())
            };
            if paused {
                self.resume(id);
            }
            if down {
                self.restart(id).await?;
            }
        }
        Ok(())
    }

    /// Node `id`'s `INFO raft` fields, or `None` if it does not answer in time.
    pub async fn raft_info(&self, id: usize) -> Option<HashMap<String, String>> {
        let mut cmd = redis::cmd("INFO");
        cmd.arg("raft");
        let reply = control(self.resp_port(id), cmd).await.ok()?;
        let text = match reply {
            redis::Value::BulkString(b) => String::from_utf8_lossy(&b).into_owned(),
            redis::Value::VerbatimString { text, .. } => text,
            redis::Value::SimpleString(s) => s,
            _ => return None,
        };
        Some(
            text.lines()
                .filter_map(|l| l.trim().split_once(':'))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    /// The node that says it is leader with the highest term, if any answers.
    pub async fn leader(&self) -> Option<usize> {
        let mut best: Option<(u64, usize)> = None;
        for id in self.ids() {
            let Some(info) = self.raft_info(id).await else {
                continue;
            };
            let term = info.get("term").and_then(|t| t.parse().ok()).unwrap_or(0);
            if info.get("role").map(String::as_str) == Some("leader")
                && best.is_none_or(|(t, _)| term > t)
            {
                best = Some((term, id));
            }
        }
        best.map(|(_, id)| id)
    }

    /// Waits up to `within` for a leader, polling.
    pub async fn await_leader(&self, within: Duration) -> Option<usize> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(id) = self.leader().await {
                return Some(id);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Writes each running node's CPU time and thread stacks (from gdb, where installed) to
    /// `node-<id>.stacks.txt` beside its log, so a hung or spinning node can be diagnosed from
    /// a failure report.
    pub fn dump_diagnostics(&self) {
        let running: Vec<(usize, u32, PathBuf)> = self
            .lock()
            .iter()
            .enumerate()
            .filter_map(|(i, node)| {
                let pid = node.child.as_ref()?.id();
                Some((i + 1, pid, node.log_path.with_extension("stacks.txt")))
            })
            .collect();
        for (id, pid, path) in running {
            // Fields 14 and 15 of /proc/<pid>/stat: user and system CPU time, in clock ticks.
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let fields: Vec<&str> = stat
                .rsplit_once(')')
                .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
            let cpu = format!(
                "node {id} pid {pid}: state {} utime {} stime {} (clock ticks)\n",
                fields.first().unwrap_or(&"?"),
                fields.get(11).unwrap_or(&"?"),
                fields.get(12).unwrap_or(&"?")
            );
            let _ = std::fs::write(&path, &cpu);
            let Ok(out) = OpenOptions::new().append(true).open(&path) else {
                continue;
            };
            let gdb = Command::new("gdb")
                .args([
                    "-p",
                    &pid.to_string(),
                    "-batch",
                    "-ex",
                    "thread apply all bt",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::from(out))
                .stderr(Stdio::null())
                .spawn();
            let Ok(mut gdb) = gdb else {
                continue;
            };
            let deadline = Instant::now() + Duration::from_secs(30);
            while gdb.try_wait().ok().flatten().is_none() {
                if Instant::now() > deadline {
                    let _ = gdb.kill();
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = gdb.wait();
        }
    }

    /// Kills every node (their logs are complete on disk afterwards).
    pub fn stop_all(&self) {
        self.reap_exits();
        let mut nodes = self.lock();
        for node in nodes.iter_mut() {
            if let Some(mut child) = node.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop_all();
    }
}

/// Runs one control command on a fresh connection to `port`, within a short deadline.
pub async fn control(port: u16, cmd: redis::Cmd) -> Result<redis::Value, String> {
    run_command(port, cmd, CONTROL_TIMEOUT).await
}

/// Runs one command on a fresh connection to `port`, within `limit` (connect included).
pub async fn run_command(
    port: u16,
    cmd: redis::Cmd,
    limit: Duration,
) -> Result<redis::Value, String> {
    let work = async {
        let client =
            redis::Client::open(format!("redis://127.0.0.1:{port}/")).map_err(|e| e.to_string())?;
        let mut con = client
            .get_multiplexed_async_connection()
            .await
            .map_err(|e| e.to_string())?;
        cmd.query_async::<redis::Value>(&mut con)
            .await
            .map_err(|e| e.to_string())
    };
    match tokio::time::timeout(limit, work).await {
        Ok(result) => result,
        Err(_) => Err(format!("timed out after {limit:?}")),
    }
}
