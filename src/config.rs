//! Command-line configuration, compatible with the C++ raft-kv's flags:
//! `raft-kv --id 1 --cluster=127.0.0.1:12379,... --port 63791`.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// The node's configuration, from flags (and `RAFT_KV_*` environment variables).
#[derive(Parser, Debug, Clone)]
#[command(
    name = "raft-kv",
    version,
    about = "A Raft-replicated key-value server speaking the Redis protocol"
)]
pub struct Config {
    /// This node's 1-based position in --cluster.
    #[arg(long, env = "RAFT_KV_ID")]
    pub id: u64,

    /// Comma-separated gRPC addresses (host:port) of every node, this one included.
    #[arg(long, env = "RAFT_KV_CLUSTER", value_delimiter = ',', required = true)]
    pub cluster: Vec<String>,

    /// Join an existing cluster instead of forming a new one: the node starts with no
    /// membership and waits for a leader to add it (`RAFT.NODE ADD <id> <addr>` on any
    /// member). --cluster must list this node's address at position --id, and at least one
    /// current member. Keep the flag on restarts until the node has been added.
    #[arg(long, env = "RAFT_KV_JOIN")]
    pub join: bool,

    /// Port of the Redis-protocol listener.
    #[arg(long, env = "RAFT_KV_PORT")]
    pub port: u16,

    /// Address the Redis-protocol listener binds.
    #[arg(long, env = "RAFT_KV_BIND", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Directory for the write-ahead log and snapshots [default: data/node-<id>].
    #[arg(long, env = "RAFT_KV_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// How long a command waits for a leader (or a quorum) before answering CLUSTERDOWN/TRYAGAIN.
    #[arg(long, env = "RAFT_KV_WAIT_TIMEOUT_MS", default_value_t = 3000)]
    pub wait_timeout_ms: u64,

    /// Take a snapshot and compact the log after this many applied entries; once snapshots
    /// exceed 8 MiB, also wait until the entries since the last hold half its size, so that
    /// re-encoding a large state stays a small share of the work.
    #[arg(long, env = "RAFT_KV_SNAPSHOT_ENTRIES", default_value_t = 20_000)]
    pub snapshot_entries: u64,

    /// Also take a snapshot once the entries applied since the last one hold this many bytes,
    /// which bounds the memory the in-memory log takes when entries are large.
    #[arg(long, env = "RAFT_KV_SNAPSHOT_BYTES", default_value_t = 32 << 20)]
    pub snapshot_bytes: u64,

    /// Require clients to AUTH with this password; peers must then show a token derived from
    /// it, so give every node of the cluster the same one.
    #[arg(long, env = "RAFT_KV_REQUIREPASS")]
    pub requirepass: Option<String>,

    /// Largest bulk string a client may send, in bytes (Redis's proto-max-bulk-len).
    #[arg(long, default_value_t = 512 * 1024 * 1024)]
    pub proto_max_bulk_len: usize,

    /// Largest write, in bytes, that one log entry may hold: a command, or the commands of a
    /// transaction together (their encoding). A larger one is refused with an error. The most
    /// is, and the default, 1 GiB less 1 MiB: an entry must fit in one message between peers.
    #[arg(long, default_value_t = MAX_ENTRY_BYTES)]
    pub max_entry_bytes: usize,

    /// Maximum simultaneous client connections.
    #[arg(long, default_value_t = 10_000)]
    pub max_clients: usize,

    /// Keyspace notifications to publish, as Redis's `notify-keyspace-events` (e.g. `KEA`;
    /// empty, the default, publishes none). CONFIG SET changes it on one node at run time.
    #[arg(long, env = "RAFT_KV_NOTIFY_KEYSPACE_EVENTS", default_value = "", value_parser = parse_notify_flags)]
    pub notify_keyspace_events: u32,

    /// Answer linearizable reads from the leader's lease (true, the default) or with a
    /// heartbeat round to a quorum per batch of reads (false). A lease saves that round, and
    /// assumes the nodes' monotonic clocks advance at the same rate within a fifth (a
    /// paused node notices the time it lost). Nodes may differ: every node ignores
    /// candidates for its first election timeout, which a lease relies on.
    #[arg(long, env = "RAFT_KV_LEASE_READS", default_value_t = true, action = clap::ArgAction::Set)]
    pub lease_reads: bool,

    /// Seed for election timeouts [default: random, logged at start-up].
    #[arg(long)]
    pub seed: Option<u64>,

    /// Threads that run the node's network and Raft work; 1 runs everything on one thread, as
    /// Redis does, which costs the least CPU per command. Disk writes always use a helper
    /// thread.
    #[arg(long, env = "RAFT_KV_THREADS", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,
}

/// `--notify-keyspace-events`'s classes.
fn parse_notify_flags(text: &str) -> Result<u32, String> {
    crate::kv::notify::parse_flags(text.as_bytes())
        .ok_or_else(|| "invalid event class character; use 'Ag$lshzxeKEtmdn'".into())
}

/// The largest `--max-entry-bytes`: an entry travels in one message between peers, with room
/// to spare for the message's other fields.
pub const MAX_ENTRY_BYTES: usize = crate::transport::MAX_MESSAGE_BYTES - (1 << 20);
/// The smallest `--max-entry-bytes`.
const MIN_ENTRY_BYTES: usize = 1024;

/// A configuration that cannot work; the message is printed as one line.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

impl Config {
    /// Checks the flags against each other and resolves the peer addresses.
    ///
    /// # Errors
    /// A `ConfigError` naming the offending flag.
    pub fn validate(&self) -> Result<Vec<SocketAddr>, ConfigError> {
        let n = self.cluster.len() as u64;
        if self.id == 0 || self.id > n {
            return Err(ConfigError(format!(
                "--id {} is out of range: --cluster lists {n} node(s), ids are 1..={n}",
                self.id
            )));
        }
        let mut addrs = Vec::with_capacity(self.cluster.len());
        let mut seen = HashSet::new();
        for raw in &self.cluster {
            let addr: SocketAddr = raw.trim().parse().map_err(|_| {
                ConfigError(format!("--cluster: '{raw}' is not an ip:port address"))
            })?;
            if !seen.insert(addr) {
                return Err(ConfigError(format!("--cluster: {addr} is listed twice")));
            }
            addrs.push(addr);
        }
        if self.wait_timeout_ms == 0 {
            return Err(ConfigError("--wait-timeout-ms must be positive".into()));
        }
        if self.snapshot_entries == 0 {
            return Err(ConfigError("--snapshot-entries must be positive".into()));
        }
        if self.snapshot_bytes == 0 {
            return Err(ConfigError("--snapshot-bytes must be positive".into()));
        }
        // Keys and values are stored with 30-bit and 32-bit lengths; a longer bulk could only
        // be refused later, deep in the state machine.
        if self.proto_max_bulk_len == 0
            || self.proto_max_bulk_len > crate::kv::command::MAX_STRING_BYTES
        {
            return Err(ConfigError(format!(
                "--proto-max-bulk-len must be between 1 and {} (512 MiB)",
                crate::kv::command::MAX_STRING_BYTES
            )));
        }
        if self.max_entry_bytes < MIN_ENTRY_BYTES || self.max_entry_bytes > MAX_ENTRY_BYTES {
            return Err(ConfigError(format!(
                "--max-entry-bytes must be between {MIN_ENTRY_BYTES} and {MAX_ENTRY_BYTES}"
            )));
        }
        Ok(addrs)
    }

    /// The data directory, defaulting to `data/node-<id>` under the working directory.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("data/node-{}", self.id)))
    }

    /// The command wait bound.
    pub fn wait_timeout(&self) -> Duration {
        Duration::from_millis(self.wait_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Config {
        Config::try_parse_from(std::iter::once("raft-kv").chain(args.iter().copied()))
            .expect("test arguments parse")
    }

    const CLUSTER: &str = "--cluster=127.0.0.1:12379,127.0.0.1:22379,127.0.0.1:32379";

    #[test]
    fn seed_command_line_parses() {
        let c = parse(&["--id", "1", CLUSTER, "--port", "63791"]);
        assert_eq!(c.validate().expect("valid").len(), 3);
        assert_eq!(c.data_dir(), PathBuf::from("data/node-1"));
    }

    #[test]
    fn id_out_of_range_is_rejected() {
        for id in ["0", "4"] {
            let err = parse(&["--id", id, CLUSTER, "--port", "1"])
                .validate()
                .unwrap_err();
            assert!(err.to_string().contains("out of range"), "{err}");
        }
    }

    #[test]
    fn duplicate_and_malformed_addresses_are_rejected() {
        let dup = parse(&[
            "--id",
            "1",
            "--cluster=127.0.0.1:1,127.0.0.1:1",
            "--port",
            "1",
        ]);
        assert!(dup.validate().unwrap_err().to_string().contains("twice"));
        let bad = parse(&["--id", "1", "--cluster=localhost", "--port", "1"]);
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("not an ip:port")
        );
    }
}
