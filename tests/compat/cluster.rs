//! Long-lived servers shared by many tests: a 3-node raft-kv cluster and, where installed, a
//! real `redis-server` that the reply scripts are checked against.
//!
//! `common::TestCluster` kills its nodes on `Drop`, but a value in a `static` is never
//! dropped, and a shared cluster saves a start-up per test. So the shared servers run under a
//! small `sh` watchdog instead: the watchdog holds the read end of a pipe whose write end lives
//! in the static, and when this test process exits for any reason (even SIGKILL) the pipe
//! closes, the watchdog's `read` returns, and it kills its servers and removes their
//! directory. A private cluster ([`start_cluster`]) stops the same way when it is dropped.
//!
//! Tests that use the shared cluster keep to their own key prefix; tests that look at the
//! whole keyspace (FLUSHALL, DBSIZE, KEYS, DEBUG DIGEST) start a private `TestCluster`.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

use crate::common::{self, DEADLINE, RaftInfo, wait_until};

/// Number of nodes in the shared cluster.
pub const NODES: usize = 3;

/// Number of log lines per node printed when a check on the shared cluster fails.
const LOG_TAIL_LINES: usize = 60;

/// A node a test talks to, named by its role when the test started.
#[derive(Clone, Debug)]
pub struct Target {
    /// `leader` or `follower`, used in key prefixes and failure messages.
    pub role: &'static str,
    /// The node's RESP port.
    pub port: u16,
}

impl Target {
    /// Opens a sync connection to this node.
    ///
    /// # Panics
    ///
    /// Panics if the connection fails.
    pub fn client(&self) -> common::Client {
        common::connect(self.port).unwrap_or_else(|e| panic!("connect to the {}: {e}", self.role))
    }

    /// Opens a multiplexed async connection to this node, with [`common::CLIENT_TIMEOUT`]
    /// as its response timeout (the crate's default of 500 ms is shorter than a long pipeline
    /// through Raft takes).
    ///
    /// # Panics
    ///
    /// Panics if the connection fails.
    pub async fn async_client(&self) -> redis::aio::MultiplexedConnection {
        let client =
            redis::Client::open(format!("redis://127.0.0.1:{}/", self.port)).expect("a valid URL");
        let config =
            redis::AsyncConnectionConfig::new().set_response_timeout(Some(common::CLIENT_TIMEOUT));
        client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .unwrap_or_else(|e| panic!("async connect to the {}: {e}", self.role))
    }
}

/// Servers started under a watchdog that outlives every test in this process.
pub struct Watched {
    /// RESP ports, node `i + 1` at index `i`.
    pub ports: Vec<u16>,
    /// Directory holding data directories and one log file per server.
    dir: PathBuf,
    /// Write end of the watchdog's pipe; closing it (drop or process exit) stops the servers.
    lifeline: Option<ChildStdin>,
    /// The watchdog shell, reaped on drop.
    watchdog: Child,
}

impl Drop for Watched {
    fn drop(&mut self) {
        drop(self.lifeline.take());
        // The watchdog kills and reaps its servers, then exits; an error means it is gone.
        let _ = self.watchdog.wait();
    }
}

impl Watched {
    /// Starts one server per `commands` entry under a single watchdog, each with its output
    /// in `<dir>/server-<i>.log`, and waits until every one answers PING.
    fn start(dir: PathBuf, ports: Vec<u16>, commands: Vec<Vec<String>>) -> Self {
        let mut script = String::new();
        for (i, args) in commands.iter().enumerate() {
            let quoted: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
            let log = shell_quote(
                &dir.join(format!("server-{}.log", i + 1))
                    .display()
                    .to_string(),
            );
            let _ = writeln!(
                script,
                "{} </dev/null >{log} 2>&1 & pids=\"$pids $!\"",
                quoted.join(" ")
            );
        }
        let _ = writeln!(
            script,
            "read _ ; kill $pids 2>/dev/null; wait; rm -rf {}",
            shell_quote(&dir.display().to_string())
        );
        let mut watchdog = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn the watchdog shell: {e}"));
        let lifeline = watchdog.stdin.take();
        let watched = Self {
            ports,
            dir,
            lifeline,
            watchdog,
        };
        for &port in &watched.ports {
            wait_until(DEADLINE, &format!("PING on port {port}"), || {
                let mut conn = common::connect(port).map_err(|e| e.to_string())?;
                match redis::cmd("PING").query::<String>(&mut conn) {
                    Ok(_) => Ok(()),
                    // A server with a password is up when it asks for it.
                    Err(e) if e.code() == Some("NOAUTH") => Ok(()),
                    Err(e) => Err(e.to_string()),
                }
            });
        }
        watched
    }

    /// Prints the last lines of every server's log to stderr.
    pub fn dump_logs(&self) {
        eprintln!("---- shared server directory: {}", self.dir.display());
        for i in 1..=self.ports.len() {
            let path = self.dir.join(format!("server-{i}.log"));
            let text = common::strip_ansi(&fs::read_to_string(&path).unwrap_or_default());
            let lines: Vec<&str> = text.lines().collect();
            let from = lines.len().saturating_sub(LOG_TAIL_LINES);
            eprintln!("---- server {i} log, last {} lines:", lines.len() - from);
            for line in &lines[from..] {
                eprintln!("  {line}");
            }
        }
    }

    /// Panics with `failure` after dumping the servers' logs, if there is a failure.
    pub fn check(&self, what: &str, result: Result<(), String>) {
        if let Err(failure) = result {
            self.dump_logs();
            panic!("{what}: {failure}");
        }
    }
}

/// Returns the shared 3-node cluster, starting it on first use.
pub fn shared() -> &'static Watched {
    static SHARED: OnceLock<Watched> = OnceLock::new();
    SHARED.get_or_init(|| start_cluster(&[], None))
}

/// Starts a raft-kv cluster of [`NODES`] nodes with `extra_args` under a watchdog, and waits
/// for a leader; `password` is the `--requirepass` among `extra_args`, if any.
///
/// Dropping the returned value stops the cluster (its watchdog's pipe closes).
pub fn start_cluster(extra_args: &[&str], password: Option<&str>) -> Watched {
    let peers: Vec<String> = (0..NODES)
        .map(|_| format!("127.0.0.1:{}", common::free_port()))
        .collect();
    let ports: Vec<u16> = (0..NODES).map(|_| common::free_port()).collect();
    let dir = tempfile::tempdir()
        .expect("create a temporary directory")
        .keep();
    let commands = ports
        .iter()
        .enumerate()
        .map(|(i, port)| {
            let data_dir = dir.join(format!("node-{}", i + 1));
            let mut args = vec![
                common::BIN.to_owned(),
                "--id".to_owned(),
                (i + 1).to_string(),
                format!("--cluster={}", peers.join(",")),
                "--port".to_owned(),
                port.to_string(),
                "--data-dir".to_owned(),
                data_dir.display().to_string(),
            ];
            args.extend(extra_args.iter().map(|a| (*a).to_owned()));
            args
        })
        .collect();
    let watched = Watched::start(dir, ports, commands);
    roles_with(&watched.ports, password);
    watched
}

/// Waits until the nodes on `ports` agree on one leader, and returns the leader's port and a
/// follower's port.
pub fn roles(ports: &[u16]) -> (u16, u16) {
    roles_with(ports, None)
}

/// Like [`roles`], authenticating with `password` first if there is one.
pub fn roles_with(ports: &[u16], password: Option<&str>) -> (u16, u16) {
    wait_until(DEADLINE, "one leader agreed on by every node", || {
        let infos = ports
            .iter()
            .map(|&port| {
                let mut conn = common::connect(port).map_err(|e| format!("port {port}: {e}"))?;
                if let Some(password) = password {
                    redis::cmd("AUTH")
                        .arg(password)
                        .query::<()>(&mut conn)
                        .map_err(|e| format!("port {port} AUTH: {e}"))?;
                }
                let text: String = redis::cmd("INFO")
                    .query(&mut conn)
                    .map_err(|e| format!("port {port} INFO: {e}"))?;
                RaftInfo::parse(&text).map(|info| (port, info))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let leaders: Vec<&(u16, RaftInfo)> =
            infos.iter().filter(|(_, i)| i.role == "leader").collect();
        let [(leader_port, leader)] = leaders[..] else {
            return Err(format!("{} leaders: {infos:?}", leaders.len()));
        };
        if infos
            .iter()
            .any(|(_, i)| i.leader_id != leader.node_id || i.term != leader.term)
        {
            return Err(format!("nodes disagree: {infos:?}"));
        }
        let follower = infos
            .iter()
            .find(|(_, i)| i.role == "follower")
            .map(|(port, _)| *port)
            .ok_or_else(|| format!("no follower: {infos:?}"))?;
        Ok((*leader_port, follower))
    })
}

/// Returns the shared cluster's current leader and one follower, in that order.
pub fn targets() -> [Target; 2] {
    let (leader, follower) = roles(&shared().ports);
    [
        Target {
            role: "leader",
            port: leader,
        },
        Target {
            role: "follower",
            port: follower,
        },
    ]
}

/// Returns a real `redis-server` 7.x to check scripts against, or `None` (with a SKIP notice)
/// when none is installed.
pub fn reference() -> Option<&'static Watched> {
    static REFERENCE: OnceLock<Option<Watched>> = OnceLock::new();
    REFERENCE.get_or_init(|| private_reference(&[])).as_ref()
}

/// Starts a `redis-server` 7.x of this test's own, with `extra_args`, or returns `None` (with
/// a SKIP notice) when none is installed. Dropping it stops it.
pub fn private_reference(extra_args: &[&str]) -> Option<Watched> {
    let version = Command::new("redis-server")
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    if !version.contains(" v=7.") {
        eprintln!("SKIP: reference comparison needs redis-server 7.x ({version:?})");
        return None;
    }
    let port = common::free_port();
    let dir = tempfile::tempdir()
        .expect("create a temporary directory")
        .keep();
    let mut args = common::redis_server_command(port, &dir);
    args.extend(extra_args.iter().map(|a| (*a).to_owned()));
    Some(Watched::start(dir, vec![port], vec![args]))
}

/// Quotes `text` for `sh` with single quotes.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
