//! Real-process test harness: runs the `raft-kv` binary as a cluster of child processes.
//!
//! The in-process simulator checks the protocol; this harness checks what a user sees: the
//! real binary, real sockets, real fsyncs, real signals. A [`TestCluster`] owns a temporary
//! directory that holds every node's data directory and log file, spawns each node on free
//! ports (or on the repository Procfile's fixed ports), and kills every child on `Drop`. When a
//! test panics, `Drop` prints the tail of every node's log so the failure can be diagnosed
//! from the test output alone.
//!
//! Nothing here sleeps to synchronise: every wait is a [`wait_until`] poll of an observable
//! condition (PING answers, INFO agrees on a leader, a GET returns a value) with a deadline.

// Each test binary that includes this module uses a different subset of it.
#![allow(dead_code)]

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use tempfile::TempDir;

mod client;

pub use client::Client;

/// Path of the server binary that Cargo built for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_raft-kv");

/// Default deadline for any condition a test waits for (startup, election, catch-up).
pub const DEADLINE: Duration = Duration::from_secs(30);

/// Interval between two probes of a polled condition.
pub const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Read and write timeout on client sockets; a command slower than this counts as hung.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

/// Time a node gets to exit after SIGTERM before the test declares shutdown hung.
pub const SHUTDOWN_DEADLINE: Duration = Duration::from_secs(20);

/// Number of log lines per node printed when a test fails.
const LOG_TAIL_LINES: usize = 80;

/// Prefix of the marker line the harness writes into a node's log before each start.
const START_MARKER: &str = "=== harness: starting node";

/// Serialises tests that use the Procfile's fixed ports against every other cluster test in
/// the same binary: free-port tests hold it shared, Procfile tests hold it exclusively.
static PORTS_LOCK: RwLock<()> = RwLock::new(());

/// Ports already handed out by [`free_port`] in this process, so two nodes never share one.
static HANDED_OUT_PORTS: Mutex<Vec<u16>> = Mutex::new(Vec::new());

/// Signal used to stop a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGTERM: graceful shutdown, the node must exit 0.
    Term,
    /// SIGKILL: a crash; the node must recover from its disk on restart.
    Kill,
}

/// Polls `probe` every [`POLL_INTERVAL`] until it returns `Ok`, and returns that value.
///
/// `probe` returns `Err(reason)` while the condition does not hold yet.
///
/// # Panics
///
/// Panics with `what` and the last reason when `timeout` passes without success.
pub fn wait_until<T>(
    timeout: Duration,
    what: &str,
    mut probe: impl FnMut() -> Result<T, String>,
) -> T {
    let start = Instant::now();
    loop {
        match probe() {
            Ok(value) => return value,
            Err(reason) if start.elapsed() >= timeout => {
                panic!("timed out after {timeout:?} waiting for {what}; last state: {reason}")
            }
            Err(_) => std::thread::sleep(POLL_INTERVAL),
        }
    }
}

/// The command line of a reference `redis-server` on loopback `port`, keeping its files in
/// `dir`: no persistence, DEBUG allowed (for DEBUG DIGEST and the like).
pub fn redis_server_command(port: u16, dir: &Path) -> Vec<String> {
    [
        "redis-server",
        "--port",
        &port.to_string(),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--enable-debug-command",
        "yes",
        "--dir",
        &dir.display().to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Returns a loopback TCP port that was free a moment ago and that this process has not
/// handed out before.
pub fn free_port() -> u16 {
    let mut handed_out = HANDED_OUT_PORTS
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    loop {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
        let port = listener
            .local_addr()
            .expect("a bound listener has an address")
            .port();
        if !handed_out.contains(&port) {
            handed_out.push(port);
            return port;
        }
    }
}

/// Returns true when the error is a retryable cluster error (`TRYAGAIN` or `CLUSTERDOWN`).
pub fn is_retryable(err: &redis::RedisError) -> bool {
    matches!(err.code(), Some("TRYAGAIN" | "CLUSTERDOWN"))
}

/// Sends `SET key value` once and checks the reply is `+OK`.
///
/// # Errors
///
/// Returns the client error (server error reply, I/O error or timeout) unchanged.
pub fn set(conn: &mut Client, key: &str, value: &str) -> redis::RedisResult<()> {
    let reply: redis::Value = redis::cmd("SET").arg(key).arg(value).query(conn)?;
    assert_eq!(reply, redis::Value::Okay, "SET {key} answered {reply:?}");
    Ok(())
}

/// Sends `GET key` once.
///
/// # Errors
///
/// Returns the client error (server error reply, I/O error or timeout) unchanged.
pub fn get(conn: &mut Client, key: &str) -> redis::RedisResult<Option<String>> {
    redis::cmd("GET").arg(key).query(conn)
}

/// The `# Raft` section of a node's `INFO` reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RaftInfo {
    /// `leader`, `follower` or `candidate`.
    pub role: String,
    /// The node's own id as it reports it.
    pub node_id: u64,
    /// The node's current term.
    pub term: u64,
    /// The leader the node knows of; 0 if none.
    pub leader_id: u64,
    /// Highest log index the node knows to be committed.
    pub commit_index: u64,
    /// Highest log index applied to the node's state machine.
    pub last_applied: u64,
    /// Index of the last entry in the node's log.
    pub last_log_index: u64,
    /// Log writes so far, each ending in one fsync.
    pub wal_fsyncs: u64,
    /// Log entries written to disk so far.
    pub wal_entries_written: u64,
    /// AppendEntries messages sent so far that carried entries.
    pub appends_sent: u64,
    /// Entries carried by those messages.
    pub append_entries_sent: u64,
}

impl RaftInfo {
    /// Parses the `# Raft` section out of a full `INFO` reply.
    ///
    /// # Errors
    ///
    /// Returns a description when the section or one of its fields is missing or malformed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut fields = std::collections::HashMap::new();
        let mut in_raft = false;
        for line in text.lines().map(str::trim) {
            if let Some(header) = line.strip_prefix('#') {
                in_raft = header.trim().eq_ignore_ascii_case("raft");
            } else if in_raft && let Some((key, value)) = line.split_once(':') {
                fields.insert(key.to_owned(), value.to_owned());
            }
        }
        let text_field = |name: &str| {
            fields
                .get(name)
                .cloned()
                .ok_or_else(|| format!("INFO has no `{name}` in its # Raft section: {text:?}"))
        };
        let number = |name: &str| {
            text_field(name)?
                .parse::<u64>()
                .map_err(|e| format!("INFO field `{name}` is not a number ({e}): {text:?}"))
        };
        Ok(Self {
            role: text_field("role")?,
            node_id: number("node_id")?,
            term: number("term")?,
            leader_id: number("leader_id")?,
            commit_index: number("commit_index")?,
            last_applied: number("last_applied")?,
            last_log_index: number("last_log_index")?,
            wal_fsyncs: number("wal_fsyncs")?,
            wal_entries_written: number("wal_entries_written")?,
            appends_sent: number("appends_sent")?,
            append_entries_sent: number("append_entries_sent")?,
        })
    }
}

/// Removes ANSI escape sequences, so log assertions work whether or not the node colours.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI sequences end with a byte in '@'..='~'.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) && c != '[' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Exit status and captured output of a process run to completion by [`run_to_exit`].
#[derive(Debug)]
pub struct Finished {
    /// How the process exited.
    pub status: ExitStatus,
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr, with ANSI escapes removed.
    pub stderr: String,
}

/// Runs `cmd` to completion with captured output, killing it if it outlives `timeout`.
///
/// # Panics
///
/// Panics when the process cannot be spawned or does not exit within `timeout`.
pub fn run_to_exit(cmd: &mut Command, timeout: Duration) -> Finished {
    let description = format!("{cmd:?}");
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {description}: {e}"));
    let pid = child.id();
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone only if the test already panicked on a timeout.
        let _ = done_tx.send(child.wait_with_output());
    });
    match done_rx.recv_timeout(timeout) {
        Ok(output) => {
            let output = output.unwrap_or_else(|e| panic!("wait for {description}: {e}"));
            Finished {
                status: output.status,
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
                stderr: strip_ansi(&String::from_utf8_lossy(&output.stderr)),
            }
        }
        Err(_) => {
            send_signal(pid, Signal::Kill);
            panic!("{description} did not exit within {timeout:?}");
        }
    }
}

/// Sends `signal` to the process `pid` through the `kill` utility (no libc dependency).
fn send_signal(pid: u32, signal: Signal) {
    let flag = match signal {
        Signal::Term => "-TERM",
        Signal::Kill => "-KILL",
    };
    let status = Command::new("kill")
        .args([flag, &pid.to_string()])
        .status()
        .unwrap_or_else(|e| panic!("run `kill {flag} {pid}`: {e}"));
    assert!(status.success(), "`kill {flag} {pid}` failed: {status}");
}

/// Holds [`PORTS_LOCK`] for the lifetime of a cluster.
enum PortsGuard {
    /// Free-port clusters run alongside each other.
    Shared(RwLockReadGuard<'static, ()>),
    /// Procfile clusters run alone.
    Exclusive(RwLockWriteGuard<'static, ()>),
}

/// One node's launch recipe and, while it runs, its process.
struct Node {
    /// The node's `--id`.
    id: u64,
    /// Arguments passed to the binary on every start.
    args: Vec<String>,
    /// Extra environment variables (from the Procfile line) set on every start.
    envs: Vec<(String, String)>,
    /// The node's RESP port.
    resp_port: u16,
    /// File that receives the node's stdout and stderr across all its starts.
    log_path: PathBuf,
    /// The running process, if any.
    child: Option<Child>,
}

/// A cluster of `raft-kv` child processes in a private temporary directory.
///
/// Node ids are the 1-based `--id` values. Every method that waits does so with a deadline
/// and panics when it passes; `Drop` then prints each node's log tail and kills all children.
pub struct TestCluster {
    /// Working directory of every node; holds data directories and log files.
    dir: TempDir,
    /// Nodes ordered by id; `nodes[i].id == i + 1`.
    nodes: Vec<Node>,
    /// Keeps Procfile-port clusters from overlapping with any other cluster.
    _ports: PortsGuard,
}

impl TestCluster {
    /// Starts `n` nodes on free ports and waits until each answers PING.
    pub fn start(n: usize) -> Self {
        Self::start_with(n, &[])
    }

    /// Starts `n` nodes on free ports, appending `extra_args` to every node's command line,
    /// and waits until each answers PING.
    pub fn start_with(n: usize, extra_args: &[&str]) -> Self {
        Self::start_with_joiners(n, 0, extra_args)
    }

    /// Starts the repository Procfile's commands (with this build's binary substituted for
    /// the Procfile's program path) in a temporary working directory, and waits until each
    /// node answers PING.
    ///
    /// Relative data directories (including the default one) land in the temporary
    /// directory; an absolute `--data-dir` is redirected there too.
    pub fn start_procfile() -> Self {
        let guard =
            PortsGuard::Exclusive(PORTS_LOCK.write().unwrap_or_else(PoisonError::into_inner));
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("Procfile");
        let text =
            fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let mut nodes: Vec<Node> = parse_procfile(&text)
            .into_iter()
            .map(|entry| {
                let id: u64 = arg_value(&entry.args, "--id")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("Procfile `{}` has no numeric --id", entry.name));
                let resp_port: u16 = arg_value(&entry.args, "--port")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| panic!("Procfile `{}` has no numeric --port", entry.name));
                let args =
                    redirect_absolute_data_dir(entry.args, &dir.path().join(format!("node-{id}")));
                Node {
                    id,
                    args,
                    envs: entry.envs,
                    resp_port,
                    log_path: dir.path().join(format!("node-{id}.log")),
                    child: None,
                }
            })
            .collect();
        nodes.sort_by_key(|n| n.id);
        let ids: Vec<u64> = nodes.iter().map(|n| n.id).collect();
        assert_eq!(
            ids,
            (1..=nodes.len() as u64).collect::<Vec<_>>(),
            "Procfile node ids must be 1..=n"
        );
        let ports: Vec<u16> = nodes
            .iter()
            .flat_map(|n| {
                let peers = arg_value(&n.args, "--cluster").unwrap_or_default();
                let peer_ports: Vec<u16> = peers
                    .split(',')
                    .filter_map(|a| a.rsplit_once(':').and_then(|(_, p)| p.parse().ok()))
                    .collect();
                peer_ports.into_iter().chain([n.resp_port])
            })
            .collect();
        // Another cluster on this machine (a developer running the Procfile) would make the
        // test fail confusingly later; say so up front instead.
        wait_until(DEADLINE, "the Procfile's ports to be free", || match ports
            .iter()
            .find(|p| TcpListener::bind(("127.0.0.1", **p)).is_err())
        {
            Some(busy) => Err(format!("port {busy} is in use")),
            None => Ok(()),
        });
        let mut cluster = Self {
            dir,
            nodes,
            _ports: guard,
        };
        cluster.start_all();
        cluster
    }

    fn start_all(&mut self) {
        for id in self.ids() {
            self.spawn(id);
        }
        for id in self.ids() {
            self.wait_ready(id);
        }
    }

    /// Returns every node id, running or not.
    pub fn ids(&self) -> Vec<u64> {
        self.nodes.iter().map(|n| n.id).collect()
    }

    /// Returns every node id but `id` (the followers, given the leader).
    pub fn others(&self, id: u64) -> Vec<u64> {
        self.ids()
            .into_iter()
            .filter(|&other| other != id)
            .collect()
    }

    /// Returns the ids of the nodes whose process is running (started and not stopped).
    pub fn live(&self) -> Vec<u64> {
        self.nodes
            .iter()
            .filter(|n| n.child.is_some())
            .map(|n| n.id)
            .collect()
    }

    /// Returns node `id`'s RESP port.
    pub fn resp_port(&self, id: u64) -> u16 {
        self.node(id).resp_port
    }

    /// Returns the temporary directory holding the nodes' data and logs.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn node(&self, id: u64) -> &Node {
        self.nodes
            .iter()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("no node {id}"))
    }

    fn node_mut(&mut self, id: u64) -> &mut Node {
        self.nodes
            .iter_mut()
            .find(|n| n.id == id)
            .unwrap_or_else(|| panic!("no node {id}"))
    }

    /// Starts node `id`'s process without waiting for it to answer.
    ///
    /// # Panics
    ///
    /// Panics if the node is already running or cannot be spawned.
    pub fn spawn(&mut self, id: u64) {
        let cwd = self.dir.path().to_owned();
        let log_level = std::env::var("RAFT_KV_TEST_LOG").unwrap_or_else(|_| "info".to_owned());
        let node = self.node_mut(id);
        assert!(node.child.is_none(), "node {id} is already running");
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&node.log_path)
            .expect("open the node's log file");
        writeln!(
            log,
            "{START_MARKER} {id}: {BIN} {} ===",
            node.args.join(" ")
        )
        .expect("write to the node's log file");
        let stdout = log.try_clone().expect("clone the log file handle");
        let child = Command::new(BIN)
            .args(&node.args)
            .current_dir(&cwd)
            .env("RUST_LOG", log_level)
            .env("NO_COLOR", "1")
            .envs(node.envs.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn node {id} ({BIN}): {e}"));
        node.child = Some(child);
    }

    /// Starts node `id` again after a stop and waits until it answers PING.
    pub fn restart(&mut self, id: u64) {
        self.spawn(id);
        self.wait_ready(id);
    }

    /// Waits until node `id` answers PING with PONG.
    ///
    /// # Panics
    ///
    /// Panics if the process exits first or [`DEADLINE`] passes.
    pub fn wait_ready(&mut self, id: u64) {
        let port = self.resp_port(id);
        let start = Instant::now();
        loop {
            if let Some(status) = self.try_reap(id) {
                panic!("node {id} exited with {status} before answering PING");
            }
            let password = self.password(id);
            match ping(port, password.as_deref()) {
                Ok(()) => return,
                Err(reason) if start.elapsed() >= DEADLINE => {
                    panic!("node {id} did not answer PING within {DEADLINE:?}: {reason}")
                }
                Err(_) => std::thread::sleep(POLL_INTERVAL),
            }
        }
    }

    /// Returns node `id`'s exit status if its process has exited, forgetting the process.
    fn try_reap(&mut self, id: u64) -> Option<ExitStatus> {
        let node = self.node_mut(id);
        let child = node.child.as_mut()?;
        let status = child.try_wait().expect("poll a child process")?;
        node.child = None;
        Some(status)
    }

    /// Stops node `id` with `signal` and returns its exit status.
    ///
    /// # Panics
    ///
    /// Panics if the node is not running, or does not exit within [`SHUTDOWN_DEADLINE`].
    pub fn stop(&mut self, id: u64, signal: Signal) -> ExitStatus {
        self.send(id, signal);
        self.reap(id, signal)
    }

    /// SIGKILLs every running node at once, then reaps them all.
    pub fn kill_all(&mut self) {
        let live = self.live();
        for &id in &live {
            self.send(id, Signal::Kill);
        }
        for id in live {
            self.reap(id, Signal::Kill);
        }
    }

    fn send(&mut self, id: u64, signal: Signal) {
        let child = self
            .node_mut(id)
            .child
            .as_mut()
            .unwrap_or_else(|| panic!("node {id} is not running"));
        match signal {
            Signal::Kill => child.kill().expect("SIGKILL a child process"),
            Signal::Term => send_signal(child.id(), Signal::Term),
        }
    }

    /// Waits for node `id`'s process to exit by itself (after a SHUTDOWN command, say) and
    /// returns its exit status.
    ///
    /// # Panics
    ///
    /// Panics if the node is not running, or does not exit within [`SHUTDOWN_DEADLINE`].
    pub fn wait_for_exit(&mut self, id: u64) -> ExitStatus {
        assert!(self.live().contains(&id), "node {id} is not running");
        self.reap(id, "its shutdown")
    }

    fn reap(&mut self, id: u64, cause: impl std::fmt::Debug) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.try_reap(id) {
                return status;
            }
            if start.elapsed() >= SHUTDOWN_DEADLINE {
                if let Some(child) = self.node_mut(id).child.as_mut() {
                    let _ = child.kill();
                }
                panic!("node {id} did not exit within {SHUTDOWN_DEADLINE:?} of {cause:?}");
            }
            std::thread::sleep(POLL_INTERVAL);
        }
    }

    /// Opens a client connection to node `id`.
    ///
    /// # Errors
    ///
    /// Returns the connection error.
    pub fn try_client(&self, id: u64) -> redis::RedisResult<Client> {
        let mut conn = connect(self.resp_port(id))?;
        if let Some(password) = self.password(id) {
            redis::cmd("AUTH").arg(password).query::<()>(&mut conn)?;
        }
        Ok(conn)
    }

    /// Node `id`'s `--requirepass`, which [`TestCluster::try_client`] authenticates with.
    pub fn password(&self, id: u64) -> Option<String> {
        arg_value(&self.node(id).args, "--requirepass")
    }

    /// Sets node `id`'s `flag` to `value` for its later starts (appending it if missing).
    pub fn set_arg(&mut self, id: u64, flag: &str, value: &str) {
        let args = &mut self.node_mut(id).args;
        match args.iter().position(|a| a == flag) {
            Some(i) if i + 1 < args.len() => args[i + 1] = value.to_owned(),
            _ => args.extend([flag.to_owned(), value.to_owned()]),
        }
    }

    /// Opens a client connection to node `id`, with [`CLIENT_TIMEOUT`] on reads and writes.
    ///
    /// # Panics
    ///
    /// Panics if the connection fails.
    pub fn client(&self, id: u64) -> Client {
        self.try_client(id)
            .unwrap_or_else(|e| panic!("connect to node {id}: {e}"))
    }

    /// Asks node `id` for its `# Raft` INFO section.
    ///
    /// # Errors
    ///
    /// Returns a description of a connection, command or parse failure.
    pub fn info(&self, id: u64) -> Result<RaftInfo, String> {
        let mut conn = self.try_client(id).map_err(|e| format!("node {id}: {e}"))?;
        let text: String = redis::cmd("INFO")
            .query(&mut conn)
            .map_err(|e| format!("node {id} INFO: {e}"))?;
        let info = RaftInfo::parse(&text).map_err(|e| format!("node {id}: {e}"))?;
        if info.node_id != id {
            return Err(format!("node {id} reports node_id:{}", info.node_id));
        }
        Ok(info)
    }

    /// Waits until every running node answers INFO, exactly one of them is leader, and all
    /// agree on its id and term; returns the leader's id.
    pub fn leader(&self) -> u64 {
        self.leader_among(&self.live())
    }

    /// Like [`TestCluster::leader`], asking only the nodes `live`.
    pub fn leader_among(&self, live: &[u64]) -> u64 {
        wait_until(
            DEADLINE,
            &format!("one leader agreed on by nodes {live:?}"),
            || {
                let infos = live
                    .iter()
                    .map(|&id| self.info(id))
                    .collect::<Result<Vec<_>, _>>()?;
                let leaders: Vec<&RaftInfo> = infos.iter().filter(|i| i.role == "leader").collect();
                let [leader] = leaders[..] else {
                    return Err(format!("{} leaders: {infos:?}", leaders.len()));
                };
                if infos
                    .iter()
                    .any(|i| i.leader_id != leader.node_id || i.term != leader.term)
                {
                    return Err(format!("nodes disagree: {infos:?}"));
                }
                Ok(leader.node_id)
            },
        )
    }

    /// Sets `key` to `value` through node `id`, retrying `TRYAGAIN`/`CLUSTERDOWN` answers
    /// until [`DEADLINE`]; returns how many retryable errors it saw.
    ///
    /// # Panics
    ///
    /// Panics on any other error, or when the deadline passes.
    pub fn set_retrying(&self, id: u64, key: &str, value: &str) -> usize {
        let mut conn = self.client(id);
        set_retrying_on(&mut conn, id, key, value)
    }

    /// Reads `key` through node `id`, retrying `TRYAGAIN`/`CLUSTERDOWN` answers until
    /// [`DEADLINE`]; returns the first real answer.
    ///
    /// # Panics
    ///
    /// Panics on any other error, or when the deadline passes.
    pub fn get_retrying(&self, id: u64, key: &str) -> Option<String> {
        let mut conn = self.client(id);
        get_retrying_on(&mut conn, id, key)
    }

    /// Returns everything node `id` logged since its most recent start, ANSI escapes removed.
    pub fn log_since_last_start(&self, id: u64) -> String {
        let text = fs::read_to_string(&self.node(id).log_path).unwrap_or_default();
        let last = text.rfind(START_MARKER).unwrap_or(0);
        strip_ansi(&text[last..])
    }

    /// Prints the last lines of every node's log to stderr.
    pub fn dump_logs(&self) {
        eprintln!("---- cluster directory: {}", self.dir.path().display());
        for node in &self.nodes {
            let text = strip_ansi(&fs::read_to_string(&node.log_path).unwrap_or_default());
            let lines: Vec<&str> = text.lines().collect();
            let from = lines.len().saturating_sub(LOG_TAIL_LINES);
            eprintln!(
                "---- node {} log ({}), last {} of {} lines:",
                node.id,
                node.log_path.display(),
                lines.len() - from,
                lines.len()
            );
            for line in &lines[from..] {
                eprintln!("  {line}");
            }
        }
    }

    /// Ends a passing test: asserts no node ever panicked, then SIGTERMs every running node at
    /// once and asserts each exits 0 within [`SHUTDOWN_DEADLINE`].
    pub fn finish(mut self) {
        for node in &self.nodes {
            let text = fs::read_to_string(&node.log_path).unwrap_or_default();
            assert!(
                !text.contains("panicked"),
                "node {} panicked at some point; see its log",
                node.id
            );
        }
        let live = self.live();
        for &id in &live {
            self.send(id, Signal::Term);
        }
        for id in live {
            let status = self.reap(id, Signal::Term);
            assert_eq!(
                status.code(),
                Some(0),
                "node {id} exited with {status} on SIGTERM"
            );
        }
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(mut child) = node.child.take() {
                // The child may have exited already; either way wait() reaps it.
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        if std::thread::panicking() {
            self.dump_logs();
            if std::env::var_os("RAFT_KV_KEEP_TEST_DIR").is_some() {
                let mut dir = tempfile::tempdir().expect("create a placeholder directory");
                std::mem::swap(&mut dir, &mut self.dir);
                eprintln!("---- kept {}", dir.keep().display());
            }
        }
    }
}

/// Connects to the RESP port `port` on loopback with [`CLIENT_TIMEOUT`] on reads and writes.
///
/// # Errors
///
/// Returns the connection error.
pub fn connect(port: u16) -> redis::RedisResult<Client> {
    Client::connect(port, CLIENT_TIMEOUT)
}

/// Sets `key` to `value` on `conn` (a connection to node `id`), retrying `TRYAGAIN`/
/// `CLUSTERDOWN` answers until [`DEADLINE`]; returns how many retryable errors it saw.
///
/// # Panics
///
/// Panics on any other error, or when the deadline passes.
pub fn set_retrying_on(conn: &mut Client, id: u64, key: &str, value: &str) -> usize {
    let mut retries = 0;
    wait_until(
        DEADLINE,
        &format!("SET {key} through node {id}"),
        || match set(conn, key, value) {
            Ok(()) => Ok(retries),
            Err(e) if is_retryable(&e) => {
                retries += 1;
                Err(e.to_string())
            }
            Err(e) => panic!("SET {key} through node {id} failed: {e}"),
        },
    )
}

/// Reads `key` on `conn` (a connection to node `id`), retrying `TRYAGAIN`/`CLUSTERDOWN`
/// answers until [`DEADLINE`]; returns the first real answer.
///
/// # Panics
///
/// Panics on any other error, or when the deadline passes.
pub fn get_retrying_on(conn: &mut Client, id: u64, key: &str) -> Option<String> {
    wait_until(DEADLINE, &format!("GET {key} on node {id}"), || {
        match get(conn, key) {
            Ok(value) => Ok(value),
            Err(e) if is_retryable(&e) => Err(e.to_string()),
            Err(e) => panic!("GET {key} on node {id} failed: {e}"),
        }
    })
}

fn ping(port: u16, password: Option<&str>) -> Result<(), String> {
    let mut conn = connect(port).map_err(|e| e.to_string())?;
    if let Some(password) = password {
        redis::cmd("AUTH")
            .arg(password)
            .query::<()>(&mut conn)
            .map_err(|e| e.to_string())?;
    }
    let reply: String = redis::cmd("PING")
        .query(&mut conn)
        .map_err(|e| e.to_string())?;
    if reply == "PONG" {
        Ok(())
    } else {
        Err(format!("PING answered {reply:?}"))
    }
}

/// One process line of a Procfile.
#[derive(Debug)]
struct ProcfileEntry {
    /// The process name before the colon.
    name: String,
    /// `KEY=value` assignments before the program.
    envs: Vec<(String, String)>,
    /// Arguments after the program.
    args: Vec<String>,
}

/// Parses `name: [KEY=value ...] program args...` lines, skipping blanks and comments.
///
/// # Panics
///
/// Panics on a line without a colon or whose program is not the `raft-kv` binary.
fn parse_procfile(text: &str) -> Vec<ProcfileEntry> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, command) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("Procfile line without `name:`: {line}"));
            let mut tokens = command.split_whitespace().peekable();
            let mut envs = Vec::new();
            while let Some((key, value)) = tokens
                .peek()
                .filter(|t| !t.starts_with('-'))
                .and_then(|t| t.split_once('='))
            {
                envs.push((key.to_owned(), value.to_owned()));
                tokens.next();
            }
            let program = tokens
                .next()
                .unwrap_or_else(|| panic!("empty command: {line}"));
            assert!(
                Path::new(program).file_name() == Some("raft-kv".as_ref()),
                "Procfile `{name}` runs {program}, not the raft-kv binary"
            );
            ProcfileEntry {
                name: name.trim().to_owned(),
                envs,
                args: tokens.map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// Returns the value of `flag` given as `flag value` or `flag=value`.
fn arg_value(args: &[String], flag: &str) -> Option<String> {
    args.iter().enumerate().find_map(|(i, arg)| {
        if arg == flag {
            args.get(i + 1).cloned()
        } else {
            arg.strip_prefix(flag)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_owned)
        }
    })
}

/// Replaces an absolute `--data-dir` with `replacement`, so a Procfile run never writes
/// outside the test's temporary directory.
fn redirect_absolute_data_dir(mut args: Vec<String>, replacement: &Path) -> Vec<String> {
    let replacement = replacement.display().to_string();
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--data-dir" && i + 1 < args.len() {
            if Path::new(&args[i + 1]).is_absolute() {
                args[i + 1] = replacement.clone();
            }
            i += 1;
        } else if let Some(value) = args[i].strip_prefix("--data-dir=")
            && Path::new(value).is_absolute()
        {
            args[i] = format!("--data-dir={replacement}");
        }
        i += 1;
    }
    args
}

impl TestCluster {
    /// Starts nodes `1..=n` as a new cluster on free ports, and prepares (without starting)
    /// `joiners` more nodes, `n + 1..=n + joiners`, that run with `--join`.
    ///
    /// The first `n` nodes' `--cluster` lists only their own `n` addresses, so their first
    /// membership is those `n` voters; a joiner's lists every address, its own at position
    /// `--id`. `extra_args` is appended to every node's command line. Start a joiner with
    /// [`TestCluster::restart`] (it answers PING before it is added).
    pub fn start_with_joiners(n: usize, joiners: usize, extra_args: &[&str]) -> Self {
        let mut cluster = Self::prepare_with_joiners(n, joiners, extra_args);
        for id in 1..=n as u64 {
            cluster.spawn(id);
        }
        for id in 1..=n as u64 {
            cluster.wait_ready(id);
        }
        cluster
    }

    /// Prepares the nodes of [`TestCluster::start_with_joiners`] without starting any: start
    /// each with [`TestCluster::restart`].
    pub fn prepare_with_joiners(n: usize, joiners: usize, extra_args: &[&str]) -> Self {
        let guard = PortsGuard::Shared(PORTS_LOCK.read().unwrap_or_else(PoisonError::into_inner));
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let peers: Vec<String> = (0..n + joiners)
            .map(|_| format!("127.0.0.1:{}", free_port()))
            .collect();
        let nodes = (1..=(n + joiners) as u64)
            .map(|id| {
                let resp_port = free_port();
                let data_dir = dir.path().join(format!("node-{id}"));
                let listed = if id as usize <= n { n } else { n + joiners };
                let mut args = vec![
                    "--id".to_owned(),
                    id.to_string(),
                    format!("--cluster={}", peers[..listed].join(",")),
                    "--port".to_owned(),
                    resp_port.to_string(),
                    "--data-dir".to_owned(),
                    data_dir.display().to_string(),
                ];
                if id as usize > n {
                    args.push("--join".to_owned());
                }
                args.extend(extra_args.iter().map(|a| (*a).to_owned()));
                Node {
                    id,
                    args,
                    envs: Vec::new(),
                    resp_port,
                    log_path: dir.path().join(format!("node-{id}.log")),
                    child: None,
                }
            })
            .collect();
        Self {
            dir,
            nodes,
            _ports: guard,
        }
    }

    /// Node `id`'s peer (gRPC) address: position `id` of its `--cluster` list.
    ///
    /// # Panics
    ///
    /// Panics if the node's `--cluster` does not reach position `id`.
    pub fn peer_addr(&self, id: u64) -> String {
        let node = self.node(id);
        arg_value(&node.args, "--cluster")
            .and_then(|list| list.split(',').nth(id as usize - 1).map(str::to_owned))
            .unwrap_or_else(|| panic!("node {id}'s --cluster has no position {id}"))
    }

    /// Drops every `arg` from node `id`'s command line for its later starts.
    pub fn remove_arg(&mut self, id: u64, arg: &str) {
        self.node_mut(id).args.retain(|a| a != arg);
    }
}

/// A frame as a short string: `push:Invalidate [[k1]]`, `[a b]`, `nil`, `OK`.
pub fn frame_text(frame: &redis::Value) -> String {
    use redis::Value;
    let list = |items: &[Value]| {
        let shown: Vec<String> = items.iter().map(frame_text).collect();
        format!("[{}]", shown.join(" "))
    };
    match frame {
        Value::Nil => "nil".into(),
        Value::Okay => "OK".into(),
        Value::SimpleString(s) => s.clone(),
        Value::Int(n) => n.to_string(),
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::Array(items) | Value::Set(items) => list(items),
        Value::Push { kind, data } => format!("push:{kind:?} {}", list(data)),
        Value::ServerError(e) => format!("-{e:?}"),
        other => format!("{other:?}"),
    }
}

/// Sends `args` on `conn` and returns the next frame as [`frame_text`] shows it, whatever
/// it is (a push included).
///
/// # Panics
///
/// Panics if the command cannot be sent or no frame comes.
#[track_caller]
pub fn send_frame(conn: &mut Client, args: &[&str]) -> String {
    if let Err(e) = conn.send_command(args) {
        panic!("send {args:?}: {e}");
    }
    next_text(conn)
}

/// The next frame on `conn`, as [`frame_text`] shows it.
///
/// # Panics
///
/// Panics if no frame comes.
#[track_caller]
pub fn next_text(conn: &mut Client) -> String {
    match conn.next_frame() {
        Ok(frame) => frame_text(&frame),
        Err(e) => panic!("waiting for a frame: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raft_info_parses_only_the_raft_section() {
        let text = "# Server\r\nrole:master\r\n\r\n# Raft\r\nrole:follower\r\nnode_id:2\r\n\
                    term:7\r\nleader_id:3\r\ncommit_index:41\r\nlast_applied:40\r\n\
                    last_log_index:42\r\nwal_fsyncs:9\r\nwal_entries_written:40\r\n\
                    appends_sent:0\r\nappend_entries_sent:0\r\n\r\n# Other\r\nterm:99\r\n";
        let info = RaftInfo::parse(text).expect("a complete section parses");
        assert_eq!(
            info,
            RaftInfo {
                role: "follower".to_owned(),
                node_id: 2,
                term: 7,
                leader_id: 3,
                commit_index: 41,
                last_applied: 40,
                last_log_index: 42,
                wal_fsyncs: 9,
                wal_entries_written: 40,
                appends_sent: 0,
                append_entries_sent: 0,
            }
        );
        assert!(RaftInfo::parse("# Raft\r\nrole:leader\r\n").is_err());
        assert!(RaftInfo::parse("role:leader\r\nnode_id:1\r\n").is_err());
    }

    #[test]
    fn procfile_lines_parse_into_env_and_args() {
        let text = "# comment\n\nnode1: ./target/release/raft-kv --id 1 --cluster=a:1,b:2 --port 63791\n\
                    node2: RUST_LOG=debug target/debug/raft-kv --id=2 --port=63792 --data-dir /abs/n2\n";
        let entries = parse_procfile(text);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].name, "node1");
        assert!(entries[0].envs.is_empty());
        assert_eq!(arg_value(&entries[0].args, "--id").as_deref(), Some("1"));
        assert_eq!(
            arg_value(&entries[0].args, "--cluster").as_deref(),
            Some("a:1,b:2")
        );
        assert_eq!(
            arg_value(&entries[0].args, "--port").as_deref(),
            Some("63791")
        );
        assert_eq!(
            entries[1].envs,
            vec![("RUST_LOG".to_owned(), "debug".to_owned())]
        );
        assert_eq!(arg_value(&entries[1].args, "--id").as_deref(), Some("2"));
        assert_eq!(
            arg_value(&entries[1].args, "--port").as_deref(),
            Some("63792")
        );
        let args = redirect_absolute_data_dir(entries[1].args.clone(), Path::new("/tmp/x/node-2"));
        assert_eq!(
            arg_value(&args, "--data-dir").as_deref(),
            Some("/tmp/x/node-2")
        );
        let relative = vec!["--data-dir=data/n1".to_owned()];
        assert_eq!(
            redirect_absolute_data_dir(relative.clone(), Path::new("/t")),
            relative
        );
    }

    #[test]
    fn ansi_escapes_are_stripped() {
        let coloured = "\u{1b}[2m2026\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m \u{1b}[3mindex\u{1b}[0m\u{1b}[2m=\u{1b}[0m42";
        assert_eq!(strip_ansi(coloured), "2026  INFO index=42");
    }
}
