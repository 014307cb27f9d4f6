//! Connection-level commands the server answers itself: PING, ECHO, HELLO, AUTH, SELECT,
//! CLIENT, COMMAND, CONFIG, INFO, TIME, QUIT, RESET, PUBSUB (the subscription commands
//! themselves are in `subscribe`).

use std::fmt::Write as _;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tracing::info;

use super::docs;
use super::reply::{Out, error_frame};
use super::session::Session;
use super::{Backend, ClientInfo};
use crate::blocking::Unblock;
use crate::driver::{IoStats, SaveOutcome};
use crate::kv::command::{self, Access, CommandError};
use crate::kv::glob;
use crate::pb;
use crate::pb::reply::Kind;
use crate::pubsub::Kind as PubSubKind;
use crate::raft::{RoleKind, Status};
use crate::transport::PeerClientPorts;

/// A pause longer than this is a pause for good.
const CENTURY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

pub use crate::REDIS_VERSION;

/// Connection-level commands: (name, arity, flags) as COMMAND INFO shows them.
const LOCAL_COMMANDS: &[(&str, i32, &[&str])] = &[
    (
        "auth",
        -2,
        &["noscript", "loading", "stale", "fast", "no_auth"],
    ),
    (
        "bgrewriteaof",
        1,
        &["admin", "noscript", "no_async_loading"],
    ),
    ("bgsave", -1, &["admin", "noscript", "no_async_loading"]),
    ("client", -2, &["noscript", "loading", "stale"]),
    ("command", -1, &["loading", "stale"]),
    ("config", -2, &["admin", "noscript", "loading", "stale"]),
    ("discard", 1, &["noscript", "loading", "stale", "fast"]),
    ("echo", 2, &["fast"]),
    ("failover", -1, &["admin", "noscript", "stale"]),
    ("exec", 1, &["noscript", "loading", "stale", "skip_slowlog"]),
    (
        "hello",
        -1,
        &["noscript", "loading", "stale", "fast", "no_auth"],
    ),
    ("info", -1, &["loading", "stale"]),
    ("lastsave", 1, &["loading", "stale", "fast"]),
    ("latency", -2, &[]),
    ("monitor", 1, &["admin", "noscript", "loading", "stale"]),
    ("multi", 1, &["noscript", "loading", "stale", "fast"]),
    ("ping", -1, &["fast"]),
    (
        "psubscribe",
        -2,
        &["pubsub", "noscript", "loading", "stale"],
    ),
    ("pubsub", -2, &[]),
    (
        "punsubscribe",
        -1,
        &["pubsub", "noscript", "loading", "stale"],
    ),
    (
        "quit",
        -1,
        &["noscript", "loading", "stale", "fast", "no_auth"],
    ),
    ("readonly", 1, &["loading", "stale", "fast"]),
    ("readwrite", 1, &["loading", "stale", "fast"]),
    (
        "reset",
        1,
        &["noscript", "loading", "stale", "fast", "no_auth"],
    ),
    ("role", 1, &["noscript", "loading", "stale", "fast"]),
    (
        "save",
        1,
        &["admin", "noscript", "no_async_loading", "no_multi"],
    ),
    ("select", 2, &["loading", "stale", "fast"]),
    (
        "shutdown",
        -1,
        &[
            "admin",
            "noscript",
            "loading",
            "stale",
            "no_multi",
            "allow_busy",
        ],
    ),
    ("slowlog", -2, &[]),
    (
        "ssubscribe",
        -2,
        &["pubsub", "noscript", "loading", "stale"],
    ),
    ("subscribe", -2, &["pubsub", "noscript", "loading", "stale"]),
    (
        "sunsubscribe",
        -1,
        &["pubsub", "noscript", "loading", "stale"],
    ),
    ("raft.node", -2, &["admin", "noscript", "stale"]),
    ("time", 1, &["loading", "stale", "fast"]),
    (
        "unsubscribe",
        -1,
        &["pubsub", "noscript", "loading", "stale"],
    ),
    ("unwatch", 1, &["noscript", "loading", "stale", "fast"]),
    ("wait", 3, &["noscript"]),
    ("waitaof", 4, &["noscript"]),
    ("watch", -2, &["noscript", "loading", "stale", "fast"]),
];

/// Subcommands of CLIENT, COMMAND, CONFIG, LATENCY, PUBSUB, RAFT.NODE and SLOWLOG:
/// (`container|sub`, arity, flags) as COMMAND INFO shows them, sorted by name. As in Redis,
/// the arity counts the container and the subcommand.
const SUBCOMMANDS: &[(&str, i32, &[&str])] = &[
    ("client|caching", 3, &["noscript", "loading", "stale"]),
    ("client|getname", 2, &["noscript", "loading", "stale"]),
    ("client|getredir", 2, &["noscript", "loading", "stale"]),
    ("client|help", 2, &["loading", "stale"]),
    ("client|id", 2, &["noscript", "loading", "stale"]),
    ("client|info", 2, &["noscript", "loading", "stale"]),
    (
        "client|kill",
        -3,
        &["admin", "noscript", "loading", "stale"],
    ),
    (
        "client|list",
        -2,
        &["admin", "noscript", "loading", "stale"],
    ),
    (
        "client|no-evict",
        3,
        &["admin", "noscript", "loading", "stale"],
    ),
    ("client|no-touch", 3, &["noscript", "loading", "stale"]),
    (
        "client|pause",
        -3,
        &["admin", "noscript", "loading", "stale"],
    ),
    ("client|reply", 3, &["noscript", "loading", "stale"]),
    ("client|setinfo", 4, &["noscript", "loading", "stale"]),
    ("client|setname", 3, &["noscript", "loading", "stale"]),
    ("client|tracking", -3, &["noscript", "loading", "stale"]),
    ("client|trackinginfo", 2, &["noscript", "loading", "stale"]),
    (
        "client|unblock",
        -3,
        &["admin", "noscript", "loading", "stale"],
    ),
    (
        "client|unpause",
        2,
        &["admin", "noscript", "loading", "stale"],
    ),
    ("command|count", 2, &["loading", "stale"]),
    ("command|docs", -2, &["loading", "stale"]),
    ("command|getkeys", -4, &["loading", "stale"]),
    ("command|help", 2, &["loading", "stale"]),
    ("command|info", -2, &["loading", "stale"]),
    ("command|list", -2, &["loading", "stale"]),
    ("config|get", -3, &["admin", "noscript", "loading", "stale"]),
    ("config|help", 2, &["loading", "stale"]),
    (
        "config|resetstat",
        2,
        &["admin", "noscript", "loading", "stale"],
    ),
    ("config|set", -4, &["admin", "noscript", "loading", "stale"]),
    (
        "latency|doctor",
        2,
        &["admin", "noscript", "loading", "stale"],
    ),
    (
        "latency|graph",
        3,
        &["admin", "noscript", "loading", "stale"],
    ),
    ("latency|help", 2, &["loading", "stale"]),
    (
        "latency|histogram",
        -2,
        &["admin", "noscript", "loading", "stale"],
    ),
    (
        "latency|history",
        3,
        &["admin", "noscript", "loading", "stale"],
    ),
    (
        "latency|latest",
        2,
        &["admin", "noscript", "loading", "stale"],
    ),
    (
        "latency|reset",
        -2,
        &["admin", "noscript", "loading", "stale"],
    ),
    ("pubsub|channels", -2, &["pubsub", "loading", "stale"]),
    ("pubsub|help", 2, &["loading", "stale"]),
    ("pubsub|numpat", 2, &["pubsub", "loading", "stale"]),
    ("pubsub|numsub", -2, &["pubsub", "loading", "stale"]),
    ("pubsub|shardchannels", -2, &["pubsub", "loading", "stale"]),
    ("pubsub|shardnumsub", -2, &["pubsub", "loading", "stale"]),
    ("raft.node|add", 4, &["admin", "noscript", "stale"]),
    ("raft.node|help", 2, &["loading", "stale"]),
    ("raft.node|remove", 3, &["admin", "noscript", "stale"]),
    ("slowlog|get", -2, &["admin", "loading", "stale"]),
    ("slowlog|help", 2, &["loading", "stale"]),
    ("slowlog|len", 2, &["admin", "loading", "stale"]),
    ("slowlog|reset", 2, &["admin", "loading", "stale"]),
];

/// Read-only configuration parameters answered by CONFIG GET.
fn config_params<B>(session: &Session<B>) -> Vec<(&'static str, String)> {
    let o = &session.shared.options;
    vec![
        ("appendonly", "yes".into()),
        ("bind", "* -::*".into()),
        ("databases", "1".into()),
        (
            "latency-monitor-threshold",
            o.commands.events.threshold_ms().to_string(),
        ),
        (
            "latency-tracking",
            if o.commands.latency_tracking() {
                "yes"
            } else {
                "no"
            }
            .into(),
        ),
        (
            "latency-tracking-info-percentiles",
            o.commands
                .percentiles()
                .iter()
                .map(f64::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        ("maxclients", o.max_clients.to_string()),
        ("maxmemory", "0".into()),
        ("maxmemory-policy", "noeviction".into()),
        (
            "notify-keyspace-events",
            crate::kv::notify::flags_text(o.pubsub.keyspace_events()),
        ),
        ("port", o.port.to_string()),
        ("proto-max-bulk-len", o.max_bulk_len.to_string()),
        ("requirepass", o.requirepass.clone().unwrap_or_default()),
        ("save", String::new()),
        (
            "slowlog-log-slower-than",
            o.commands.slower_than_us().to_string(),
        ),
        ("slowlog-max-len", o.commands.max_len().to_string()),
        ("timeout", "0".into()),
        ("tracking-table-max-keys", o.tracking.max_keys().to_string()),
    ]
}

/// The name a connection-level command is counted under in `INFO commandstats`
/// (`client|list` for a subcommand); `None` for a name this server does not answer itself.
pub fn local_stat_name(args: &[Bytes]) -> Option<String> {
    let name = text(args.first()?).to_ascii_lowercase();
    let (name, ..) = LOCAL_COMMANDS.iter().find(|(n, ..)| *n == name)?;
    match args.get(1) {
        // As in Redis, a subcommand that does not exist is counted nowhere.
        Some(sub) if !subcommands(name).is_empty() => {
            let full = format!("{name}|{}", text(sub).to_ascii_lowercase());
            is_known(&full).then_some(full)
        }
        _ => Some(name.to_string()),
    }
}

/// The name Redis gives `args`'s command in errors (`get`, `pubsub|numsub`) when the command
/// passes the command table's checks (known name and subcommand, allowed argument count);
/// `None` when it fails them and so gets that error instead.
pub fn checked_name(args: &[Bytes]) -> Option<String> {
    let name = text(args.first()?).to_ascii_lowercase();
    if let Some((_, arity_spec, _)) = LOCAL_COMMANDS.iter().find(|(n, ..)| *n == name) {
        if !arity_ok(*arity_spec, args.len()) {
            return None;
        }
        if subcommands(&name).is_empty() {
            return Some(name);
        }
        let full = format!("{name}|{}", text(args.get(1)?).to_ascii_lowercase());
        let (_, arity_spec, _) = SUBCOMMANDS.iter().find(|(n, ..)| *n == full)?;
        return arity_ok(*arity_spec, args.len()).then_some(full);
    }
    let spec = command::lookup_checked(args).ok()?;
    if name.starts_with("__") {
        return None;
    }
    Some(match args.get(1) {
        Some(sub) if matches!(spec.name, "debug" | "memory" | "object") => {
            format!("{}|{}", spec.name, text(sub).to_ascii_lowercase())
        }
        _ => spec.name.to_string(),
    })
}

/// Whether `name` (lowercase) is answered by the server itself rather than the state machine.
pub fn is_local(name: &str) -> bool {
    LOCAL_COMMANDS.iter().any(|(n, ..)| *n == name)
}

/// Whether the connection-level command or subcommand `full_name` (`container|sub` for a
/// subcommand) is flagged `admin`: MONITOR does not show it.
pub fn is_admin(full_name: &str) -> bool {
    LOCAL_COMMANDS
        .iter()
        .chain(SUBCOMMANDS)
        .find(|(n, ..)| *n == full_name)
        .is_some_and(|(_, _, flags)| flags.contains(&"admin"))
}

/// The error a connection-level command `name` with `args` (name included) fails with before
/// it runs: a wrong argument count, or a subcommand that does not exist. MULTI asks this when
/// it queues the command, as Redis does.
pub fn check_local(name: &str, args: &[Bytes]) -> Option<Out> {
    if let Some((_, arity_spec, _)) = LOCAL_COMMANDS.iter().find(|(n, ..)| *n == name)
        && !arity_ok(*arity_spec, args.len())
    {
        return Some(arity(name));
    }
    // SUBCOMMANDS decides which subcommands exist, so COMMAND DOCS/INFO/LIST describe
    // exactly what is served.
    if let Some(sub) = args.get(1)
        && !subcommands(name).is_empty()
    {
        let full = format!("{name}|{}", text(sub).to_ascii_lowercase());
        match SUBCOMMANDS.iter().find(|(n, ..)| *n == full) {
            None => return Some(unknown_subcommand(sub, &name.to_ascii_uppercase())),
            Some((_, arity_spec, _)) if !arity_ok(*arity_spec, args.len()) => {
                return Some(arity(&full));
            }
            Some(_) => {}
        }
    }
    None
}

/// Commands whose keys follow a count of keys: Redis's `movablekeys`.
const MOVABLE_KEYS: &[&str] = &[
    "blmpop",
    "bzmpop",
    "lmpop",
    "migrate",
    "sintercard",
    "zdiff",
    "zdiffstore",
    "zinter",
    "zintercard",
    "zinterstore",
    "zmpop",
    "zunion",
    "zunionstore",
];

/// Commands that may name no key at all (Redis's `no-mandatory-keys`): the scripts'.
const NO_MANDATORY_KEYS: &[&str] = command::SCRIPT_COMMANDS;

/// COMMAND GETKEYS: the keys of the command `args`, with Redis's errors for a command it
/// cannot answer about. A command whose options do not parse still has the keys its table
/// entry places, as Redis finds them from the command table alone.
fn getkeys(args: &[Bytes]) -> Out {
    if is_local(&text(&args[0]).to_ascii_lowercase()) {
        return Out::error("ERR The command has no key arguments");
    }
    let Some(spec) = command::lookup(&args[0]) else {
        return Out::error("ERR Invalid command specified");
    };
    let parsed = match command::Command::parse(args) {
        Ok((cmd, _)) => Some(cmd),
        Err(CommandError::Arity(_)) => {
            return Out::error("ERR Invalid number of arguments specified for command");
        }
        Err(_) => None,
    };
    if let Some(keys) = parsed.as_ref().and_then(command::Command::movable_keys) {
        return Out::Array(keys.into_iter().map(Out::Bulk).collect());
    }
    if parsed.is_none() {
        // Keys found by parsing (after a count of keys, say) cannot be found in a command
        // that does not parse; scripts and functions may have none.
        if NO_MANDATORY_KEYS.contains(&spec.name) {
            return Out::Array(Vec::new());
        }
        if MOVABLE_KEYS.contains(&spec.name) {
            return Out::error("ERR Invalid arguments specified for command");
        }
    }
    if spec.first_key <= 0 {
        return Out::error("ERR The command has no key arguments");
    }
    Out::Array(
        command::positional_keys(spec, args)
            .into_iter()
            .map(Out::Bulk)
            .collect(),
    )
}

/// Whether `argc` arguments (name included) satisfy a Redis arity.
fn arity_ok(arity: i32, argc: usize) -> bool {
    let n = i32::try_from(argc).unwrap_or(i32::MAX);
    if arity > 0 { n == arity } else { n >= -arity }
}

fn arity(name: &str) -> Out {
    error_frame(&CommandError::Arity(name.to_string()))
}

fn unknown_subcommand(sub: &[u8], command: &str) -> Out {
    Out::error(format!(
        "ERR unknown subcommand '{}'. Try {command} HELP.",
        command::lossy(sub, 128)
    ))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

impl<B: Backend> Session<B> {
    /// Executes the connection-level command `name` (lowercase).
    pub(super) async fn local(&mut self, name: &str, args: &[Bytes]) -> Out {
        let a = &args[1..];
        if let Some(refused) = check_local(name, args) {
            return refused;
        }
        match name {
            // A RESP2 subscriber gets PING's answer in the shape of a message.
            "ping" if !self.resp3 && self.subs.any() => Out::Array(vec![
                Out::bulk("pong"),
                Out::Bulk(a.first().cloned().unwrap_or_default()),
            ]),
            "ping" => match a {
                [] => Out::Simple("PONG".into()),
                [msg] => Out::Bulk(msg.clone()),
                _ => arity("ping"),
            },
            "echo" => Out::Bulk(a[0].clone()),
            "monitor" => {
                if self.monitor.is_none() {
                    let kill = self.kill.clone();
                    self.monitor = Some(self.shared.monitors.add(self.id, kill));
                    self.shared.update_client(self.id, |c| c.monitor = true);
                }
                Out::ok()
            }
            "quit" => {
                self.closing = true;
                Out::ok()
            }
            "reset" => {
                if self.monitor.take().is_some() {
                    self.shared.monitors.remove(self.id);
                    self.shared.update_client(self.id, |c| c.monitor = false);
                }
                self.reset_transaction();
                self.unsubscribe_all();
                self.stop_tracking();
                self.resp3 = false;
                self.name = None;
                self.authenticated = self.shared.options.requirepass.is_none();
                self.replies_off = false;
                self.replies_to_skip = 0;
                self.sync_client();
                Out::Simple("RESET".into())
            }
            "auth" => self.auth(a),
            "hello" => self.hello(a),
            "select" => match command::parse_i64_strict(&a[0]) {
                None => error_frame(&CommandError::NotInteger),
                Some(0) => Out::ok(),
                Some(_) => Out::error("ERR DB index is out of range"),
            },
            "time" => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                Out::Array(vec![
                    Out::bulk(now.as_secs().to_string()),
                    Out::bulk(now.subsec_micros().to_string()),
                ])
            }
            "lastsave" => {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                Out::Integer(now.as_secs() as i64)
            }
            "readonly" | "readwrite" => Out::ok(),
            "failover" => self.failover(a).await,
            "role" => match self.shared.backend.status().await {
                Ok(status) => role_reply(&status, &self.shared.options.peer_client_ports),
                Err(e) => error_frame(&e),
            },
            "save" | "bgsave" | "bgrewriteaof" => self.save(name, a).await,
            "shutdown" => self.shutdown(a),
            "client" => self.client(a),
            "command" => self.command(a),
            "config" => self.config(a),
            "info" => self.info(a).await,
            "pubsub" => self.pubsub(a),
            "raft.node" => self.raft_node(a).await,
            "slowlog" => self.slowlog(a),
            "latency" => self.latency(a),
            _ => error_frame(&command::unknown_command(args)),
        }
    }

    /// `RAFT.NODE ADD <id> <addr>` or `RAFT.NODE REMOVE <id>`: a membership change, run by
    /// the leader (a follower forwards it) and answered once committed.
    async fn raft_node(&self, a: &[Bytes]) -> Out {
        if a[0].eq_ignore_ascii_case(b"help") {
            return Out::Array(
                [
                    "RAFT.NODE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "ADD <id> <ip:port>",
                    "    Add a node started with --join, as a learner made a voter once it has caught up.",
                    "REMOVE <id>",
                    "    Remove a voter or a learner.",
                    "HELP",
                    "    Prints this help.",
                ]
                .into_iter()
                .map(|line| Out::Simple(line.into()))
                .collect(),
            );
        }
        let id = match command::parse_i64_strict(&a[1]) {
            Some(id) if id > 0 => id as u64,
            _ => return Out::error("ERR node id must be a positive integer"),
        };
        let change = if a[0].eq_ignore_ascii_case(b"add") {
            let addr = text(&a[2]);
            if addr.parse::<std::net::SocketAddr>().is_err() {
                return Out::error(format!(
                    "ERR '{}' is not an ip:port address",
                    command::lossy(&a[2], 128)
                ));
            }
            pb::MembershipChange {
                id,
                addr,
                remove: false,
            }
        } else {
            pb::MembershipChange {
                id,
                addr: String::new(),
                remove: true,
            }
        };
        info!(id, remove = change.remove, "membership change requested");
        let batch = pb::KvBatch {
            membership_change: Some(change),
            ..Default::default()
        };
        match self
            .shared
            .backend
            .write(batch, Some(self.caller.clone()))
            .await
        {
            Ok(reply) => reply.into(),
            Err(e) => error_frame(&e),
        }
    }

    /// Checks credentials against the only user, `default`, which has no password (accepts
    /// any) unless `requirepass` is set, as in Redis.
    fn check_password(&self, user: Option<&[u8]>, password: &[u8]) -> Result<(), Out> {
        let wrong = || Out::error("WRONGPASS invalid username-password pair or user is disabled.");
        if user.is_some_and(|u| u != b"default") {
            return Err(wrong());
        }
        match &self.shared.options.requirepass {
            Some(expected) if password == expected.as_bytes() => Ok(()),
            Some(_) => Err(wrong()),
            None if user.is_some() => Ok(()),
            None => Err(Out::error(
                "ERR AUTH <password> called without any password configured for the default \
                 user. Are you sure your configuration is correct?",
            )),
        }
    }

    fn auth(&mut self, a: &[Bytes]) -> Out {
        let result = match a {
            [password] => self.check_password(None, password),
            [user, password] => self.check_password(Some(user), password),
            _ => return error_frame(&CommandError::Syntax),
        };
        match result {
            Ok(()) => {
                self.authenticated = true;
                Out::ok()
            }
            Err(out) => out,
        }
    }

    fn hello(&mut self, a: &[Bytes]) -> Out {
        let mut proto = if self.resp3 { 3 } else { 2 };
        let mut rest = a;
        if let [version, tail @ ..] = a {
            match command::parse_i64_strict(version) {
                None => {
                    return Out::error("ERR Protocol version is not an integer or out of range");
                }
                Some(v @ (2 | 3)) => proto = v,
                Some(_) => return Out::error("NOPROTO unsupported protocol version"),
            }
            rest = tail;
        }
        let mut name = None;
        let mut authed = false;
        while let [opt, tail @ ..] = rest {
            if opt.eq_ignore_ascii_case(b"auth") && tail.len() >= 2 {
                if let Err(out) = self.check_password(Some(&tail[0]), &tail[1]) {
                    return out;
                }
                authed = true;
                rest = &tail[2..];
            } else if opt.eq_ignore_ascii_case(b"setname") && !tail.is_empty() {
                if let Err(out) = valid_client_name(&tail[0]) {
                    return out;
                }
                name = Some(tail[0].clone());
                rest = &tail[1..];
            } else {
                return Out::error(format!(
                    "ERR Syntax error in HELLO option '{}'",
                    command::lossy(opt, 128)
                ));
            }
        }
        if !self.authenticated && !authed {
            return Out::error(
                "NOAUTH HELLO must be called with the client already authenticated, otherwise \
                 the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the \
                 client and select the RESP protocol version at the same time",
            );
        }
        self.authenticated |= authed;
        if name.is_some() {
            self.name = name;
        }
        self.resp3 = proto == 3;
        self.sync_client();
        Out::Map(vec![
            (Out::bulk("server"), Out::bulk("redis")),
            (Out::bulk("version"), Out::bulk(REDIS_VERSION)),
            (Out::bulk("proto"), Out::Integer(proto)),
            (Out::bulk("id"), Out::Integer(self.id as i64)),
            (Out::bulk("mode"), Out::bulk("standalone")),
            (Out::bulk("role"), Out::bulk("master")),
            (Out::bulk("modules"), Out::Array(Vec::new())),
        ])
    }

    /// Copies name and protocol into this connection's CLIENT LIST record, and the name
    /// into what the slow log shows.
    fn sync_client(&mut self) {
        let name = self.name.as_deref().map(text).unwrap_or_default();
        let resp = if self.resp3 { 3 } else { 2 };
        if self.caller.name != name {
            self.caller = std::sync::Arc::new(crate::cmdstats::Caller {
                name: name.clone(),
                ..(*self.caller).clone()
            });
        }
        self.shared.update_client(self.id, |c| {
            c.name = name;
            c.resp = resp;
        });
    }

    fn client(&mut self, a: &[Bytes]) -> Out {
        let sub = a[0].to_ascii_lowercase();
        let rest = &a[1..];
        match (sub.as_slice(), rest) {
            (b"help", []) => container_help("client"),
            (b"id", []) => Out::Integer(self.id as i64),
            (b"getname", []) => self.name.clone().map_or(Out::Null, Out::Bulk),
            (b"setname", [name]) => match valid_client_name(name) {
                Ok(()) => {
                    self.name = (!name.is_empty()).then(|| name.clone());
                    self.sync_client();
                    Out::ok()
                }
                Err(out) => out,
            },
            (b"setinfo", [attr, value]) => {
                let value = text(value);
                if value.contains([' ', '\n', '\r']) {
                    return Out::error(format!(
                        "ERR {} cannot contain spaces, newlines or special characters.",
                        text(attr).to_ascii_lowercase()
                    ));
                }
                if attr.eq_ignore_ascii_case(b"lib-name") {
                    self.shared.update_client(self.id, |c| c.lib_name = value);
                } else if attr.eq_ignore_ascii_case(b"lib-ver") {
                    self.shared.update_client(self.id, |c| c.lib_ver = value);
                } else {
                    return Out::error(format!("ERR Unrecognized option '{}'", text(attr)));
                }
                Out::ok()
            }
            (b"info", []) => {
                let line = self
                    .shared
                    .clients
                    .lock()
                    .ok()
                    .and_then(|c| {
                        c.get(&self.id)
                            .map(|info| client_line(self.id, info) + "\n")
                    })
                    .unwrap_or_default();
                Out::bulk(line)
            }
            (b"list", _) => {
                let mut ids: Option<Vec<u64>> = None;
                match rest {
                    [] => {}
                    [t, kind] if t.eq_ignore_ascii_case(b"type") => match client_type(kind) {
                        Ok(Some(pubsub)) => {
                            let clients = match self.shared.clients.lock() {
                                Ok(c) => c.clone(),
                                Err(_) => Default::default(),
                            };
                            let of_type = clients.iter().filter(|(_, c)| c.is_pubsub() == pubsub);
                            ids = Some(of_type.map(|(id, _)| *id).collect());
                        }
                        Ok(None) => ids = Some(Vec::new()),
                        Err(out) => return out,
                    },
                    [t, list @ ..] if t.eq_ignore_ascii_case(b"id") && !list.is_empty() => {
                        let mut parsed = Vec::new();
                        for id in list {
                            match command::parse_i64_strict(id) {
                                Some(id) if id > 0 => parsed.push(id as u64),
                                _ => return Out::error("ERR Invalid client ID"),
                            }
                        }
                        ids = Some(parsed);
                    }
                    _ => return error_frame(&CommandError::Syntax),
                }
                let clients = match self.shared.clients.lock() {
                    Ok(c) => c.clone(),
                    Err(_) => Default::default(),
                };
                let mut out = String::new();
                for (id, info) in &clients {
                    if ids.as_ref().is_none_or(|ids| ids.contains(id)) {
                        out.push_str(&client_line(*id, info));
                        out.push('\n');
                    }
                }
                Out::bulk(out)
            }
            (b"kill", _) => self.client_kill(rest),
            (b"tracking", [switch, options @ ..]) => self.client_tracking(switch, options),
            (b"caching", [choice]) => self.client_caching(choice),
            (b"getredir", []) => self.client_getredir(),
            (b"trackinginfo", []) => self.client_trackinginfo(),
            (b"pause", [timeout, mode @ ..]) if mode.len() <= 1 => {
                let Some(ms) = command::parse_i64_strict(timeout) else {
                    return Out::error("ERR timeout is not an integer or out of range");
                };
                let Ok(ms) = u64::try_from(ms) else {
                    return Out::error("ERR timeout is negative");
                };
                let all = match mode {
                    [] => true,
                    [m] if m.eq_ignore_ascii_case(b"all") => true,
                    [m] if m.eq_ignore_ascii_case(b"write") => false,
                    _ => return Out::error("ERR CLIENT PAUSE mode must be WRITE or ALL"),
                };
                let now = Instant::now();
                // A pause beyond any real wait (Redis takes up to i64::MAX ms) ends in a century.
                let until = now
                    .checked_add(Duration::from_millis(ms))
                    .unwrap_or(now + CENTURY);
                self.shared.pause_clients(until, all);
                Out::ok()
            }
            (b"pause", _) => Out::error(format!(
                "ERR unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
                command::lossy(&a[0], 128)
            )),
            (b"unblock", [id, how @ ..]) if how.len() <= 1 => {
                let how = match how {
                    [] => Unblock::Timeout,
                    [h] if h.eq_ignore_ascii_case(b"timeout") => Unblock::Timeout,
                    [h] if h.eq_ignore_ascii_case(b"error") => Unblock::Error,
                    _ => {
                        return Out::error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
                    }
                };
                match command::parse_i64_strict(id).and_then(|id| u64::try_from(id).ok()) {
                    Some(id) => {
                        Out::Integer(i64::from(self.shared.options.waiters.unblock(id, how)))
                    }
                    None if command::parse_i64_strict(id).is_some() => Out::Integer(0),
                    None => error_frame(&CommandError::NotInteger),
                }
            }
            (b"unpause", []) => {
                self.shared.unpause_clients();
                Out::ok()
            }
            (b"reply", [mode]) => {
                // The new mode applies to this command's own reply too: OFF and SKIP send
                // none, and SKIP also drops the next command's.
                if mode.eq_ignore_ascii_case(b"on") {
                    self.replies_off = false;
                    self.replies_to_skip = 0;
                } else if mode.eq_ignore_ascii_case(b"off") {
                    self.replies_off = true;
                } else if mode.eq_ignore_ascii_case(b"skip") {
                    self.replies_to_skip = 2;
                } else {
                    return error_frame(&CommandError::Syntax);
                }
                Out::ok()
            }
            (b"no-evict" | b"no-touch", [flag])
                if flag.eq_ignore_ascii_case(b"on") || flag.eq_ignore_ascii_case(b"off") =>
            {
                Out::ok()
            }
            (
                b"id" | b"getname" | b"setname" | b"setinfo" | b"info" | b"no-evict" | b"no-touch"
                | b"tracking" | b"caching" | b"getredir" | b"trackinginfo",
                _,
            ) => arity(&format!("client|{}", text(&sub))),
            _ => unknown_subcommand(&a[0], "CLIENT"),
        }
    }

    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: stops this node the way SIGTERM does (a
    /// leader hands its leadership over first). Everything acknowledged is already durable,
    /// so the options change nothing; as in Redis the caller gets no reply, only the closed
    /// connection. A shutdown cannot be aborted once asked for, so ABORT finds none.
    fn shutdown(&mut self, a: &[Bytes]) -> Out {
        let (mut save, mut nosave, mut abort, mut other) = (false, false, false, false);
        for option in a {
            match option.to_ascii_lowercase().as_slice() {
                b"save" => save = true,
                b"nosave" => nosave = true,
                b"now" | b"force" => other = true,
                b"abort" => abort = true,
                _ => return error_frame(&CommandError::Syntax),
            }
        }
        if (save && nosave) || (abort && (save || nosave || other)) {
            return error_frame(&CommandError::Syntax);
        }
        if abort {
            return Out::error("ERR No shutdown in progress.");
        }
        let peer = self
            .shared
            .clients
            .lock()
            .ok()
            .and_then(|c| c.get(&self.id).map(|info| info.addr));
        info!(client = self.id, ?peer, "SHUTDOWN requested by a client");
        self.shared.options.shutdown_request.cancel();
        self.closing = true;
        // Redis closes the connection without a reply.
        self.replies_to_skip = 1;
        Out::ok()
    }

    /// CLIENT KILL: `ip:port` closes that connection (`+OK`, or an error when there is none);
    /// filters close every connection of this node that matches them all and count them.
    /// Without `SKIPME no` the calling connection is spared; a killed caller gets its reply
    /// first. Other connections close once their current request is answered.
    fn client_kill(&mut self, rest: &[Bytes]) -> Out {
        if let [addr] = rest {
            let addr = text(addr);
            let killed = self.kill_clients(false, |_, c| c.addr.to_string() == addr);
            return if killed > 0 {
                Out::ok()
            } else {
                Out::error("ERR No such client")
            };
        }
        if !rest.len().is_multiple_of(2) {
            return error_frame(&CommandError::Syntax);
        }
        let mut filter = KillFilter::default();
        let mut skip_me = true;
        for pair in rest.chunks_exact(2) {
            let (option, value) = (pair[0].to_ascii_lowercase(), &pair[1]);
            match option.as_slice() {
                b"id" => match command::parse_i64_strict(value) {
                    Some(id) if id > 0 => filter.id = Some(id as u64),
                    _ => return Out::error("ERR client-id should be greater than 0"),
                },
                b"type" => match client_type(value) {
                    Ok(Some(pubsub)) => filter.pubsub = Some(pubsub),
                    Ok(None) => filter.none = true,
                    Err(out) => return out,
                },
                // Every connection runs as the one user, `default`.
                b"user" if value.as_ref() == b"default" => {}
                b"user" => {
                    return Out::error(format!(
                        "ERR No such user '{}'",
                        command::lossy(value, 128)
                    ));
                }
                b"addr" => filter.addr = Some(text(value)),
                b"laddr" => filter.laddr = Some(text(value)),
                b"maxage" => match command::parse_i64_strict(value) {
                    Some(seconds) => filter.max_age = Some(seconds),
                    None => return error_frame(&CommandError::NotInteger),
                },
                b"skipme" if value.eq_ignore_ascii_case(b"yes") => skip_me = true,
                b"skipme" if value.eq_ignore_ascii_case(b"no") => skip_me = false,
                _ => return error_frame(&CommandError::Syntax),
            }
        }
        Out::Integer(self.kill_clients(skip_me, |id, c| filter.matches(id, c)) as i64)
    }

    /// Closes every connection of this node that `matches` (this one only unless `skip_me`);
    /// returns how many.
    fn kill_clients(
        &mut self,
        skip_me: bool,
        mut matches: impl FnMut(u64, &ClientInfo) -> bool,
    ) -> usize {
        let mut killed = 0;
        if let Ok(clients) = self.shared.clients.lock() {
            for (&id, info) in clients.iter() {
                if (skip_me && id == self.id) || !matches(id, info) {
                    continue;
                }
                killed += 1;
                if id == self.id {
                    self.closing = true;
                } else {
                    info.kill.cancel();
                }
            }
        }
        killed
    }

    fn command(&self, a: &[Bytes]) -> Out {
        let Some(sub) = a.first() else {
            return Out::Array(all_command_names().map(command_info).collect());
        };
        let sub = sub.to_ascii_lowercase();
        match sub.as_slice() {
            b"help" if a.len() == 1 => container_help("command"),
            b"count" if a.len() == 1 => Out::Integer(all_command_names().count() as i64),
            b"list" => {
                let names = all_command_names().chain(SUBCOMMANDS.iter().map(|(n, ..)| *n));
                match &a[1..] {
                    [] => Out::Array(names.map(Out::bulk).collect()),
                    [filterby, kind, value] if filterby.eq_ignore_ascii_case(b"filterby") => {
                        if kind.eq_ignore_ascii_case(b"pattern") {
                            let pattern = value.to_ascii_lowercase();
                            Out::Array(
                                names
                                    .filter(|n| glob::matches(&pattern, n.as_bytes()))
                                    .map(Out::bulk)
                                    .collect(),
                            )
                        } else if kind.eq_ignore_ascii_case(b"module")
                            || kind.eq_ignore_ascii_case(b"aclcat")
                        {
                            // No modules, and COMMAND INFO gives no command an ACL category.
                            Out::Array(Vec::new())
                        } else {
                            error_frame(&CommandError::Syntax)
                        }
                    }
                    _ => error_frame(&CommandError::Syntax),
                }
            }
            b"info" if a.len() == 1 => Out::Array(all_command_names().map(command_info).collect()),
            b"info" => Out::Array(
                a[1..]
                    .iter()
                    .map(|n| command_info(&text(n).to_ascii_lowercase()))
                    .collect(),
            ),
            b"docs" => {
                let names: Vec<String> = if a.len() == 1 {
                    all_command_names().map(str::to_owned).collect()
                } else {
                    // Like Redis, names the server does not know are left out silently.
                    a[1..]
                        .iter()
                        .map(|n| text(n).to_ascii_lowercase())
                        .filter(|n| is_known(n))
                        .collect()
                };
                Out::Map(
                    names
                        .iter()
                        .map(|n| (Out::bulk(n.clone()), docs::reply(n, &subcommands(n))))
                        .collect(),
                )
            }
            b"getkeys" if a.len() >= 3 => getkeys(&a[1..]),
            b"count" | b"getkeys" => arity(&format!("command|{}", text(&sub))),
            _ => unknown_subcommand(&a[0], "COMMAND"),
        }
    }

    fn config(&self, a: &[Bytes]) -> Out {
        let sub = a[0].to_ascii_lowercase();
        match sub.as_slice() {
            b"help" if a.len() == 1 => container_help("config"),
            b"get" if a.len() >= 2 => {
                let params = config_params(self);
                let mut pairs = Vec::new();
                for (name, value) in &params {
                    if a[1..]
                        .iter()
                        .any(|p| glob::matches(&p.to_ascii_lowercase(), name.as_bytes()))
                    {
                        pairs.push((Out::bulk(*name), Out::bulk(value.clone())));
                    }
                }
                Out::Map(pairs)
            }
            b"set" if a.len() >= 3 => match a.len() % 2 {
                1 => self.config_set(&a[1..]),
                _ => error_frame(&CommandError::Syntax),
            },
            b"resetstat" if a.len() == 1 => {
                self.shared.options.commands.reset_totals();
                let stats = &self.shared.stats;
                for counter in [
                    &stats.total_connections,
                    &stats.total_commands,
                    &stats.rejected_connections,
                    &stats.net_input,
                    &stats.net_output,
                ] {
                    counter.store(0, Ordering::Relaxed);
                }
                Out::ok()
            }
            b"get" | b"set" | b"resetstat" => arity(&format!("config|{}", text(&sub))),
            _ => unknown_subcommand(&a[0], "CONFIG"),
        }
    }

    /// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms]: the leader hands its role to the
    /// member reached at `host:port` (as ROLE names it), or to the one that holds the most of
    /// the log, with Redis's errors. The handover ends within an election timeout, taken or
    /// abandoned, so TIMEOUT and FORCE change nothing, and one in progress cannot be aborted.
    async fn failover(&self, a: &[Bytes]) -> Out {
        let mut target = None;
        let (mut force, mut abort, mut timeout) = (false, false, false);
        let mut i = 0;
        while i < a.len() {
            let more = a.len() - i - 1;
            match a[i].to_ascii_lowercase().as_slice() {
                b"to" if more >= 2 && target.is_none() => {
                    let Some(port) = command::parse_i64_strict(&a[i + 2]) else {
                        return Out::error("ERR value is not an integer or out of range");
                    };
                    target = Some((text(&a[i + 1]), port));
                    i += 3;
                }
                b"force" if !force => {
                    force = true;
                    i += 1;
                }
                b"abort" if !abort => {
                    abort = true;
                    i += 1;
                }
                b"timeout" if more >= 1 && !timeout => {
                    match command::parse_i64_strict(&a[i + 1]) {
                        Some(ms) if ms > 0 => {}
                        Some(_) => {
                            return Out::error("ERR FAILOVER timeout must be greater than 0");
                        }
                        None => return Out::error("ERR value is not an integer or out of range"),
                    }
                    timeout = true;
                    i += 2;
                }
                _ => return Out::error("ERR syntax error"),
            }
        }
        if abort {
            if force || timeout || target.is_some() {
                return Out::error("ERR syntax error");
            }
            let handing_over = self
                .shared
                .backend
                .status()
                .await
                .is_ok_and(|s| s.transfer_target.is_some());
            return Out::error(if handing_over {
                "ERR raft-kv cannot abort a leadership handover: it ends by itself within an \
                 election timeout"
            } else {
                "ERR No failover in progress."
            });
        }
        let status = match self.shared.backend.status().await {
            Ok(status) => status,
            Err(e) => return error_frame(&e),
        };
        if status.role != RoleKind::Leader {
            return Out::error("ERR FAILOVER is not valid when server is a replica.");
        }
        if status.connected.is_empty() {
            return Out::error("ERR FAILOVER requires connected replicas.");
        }
        if force && (!timeout || target.is_none()) {
            return Out::error(
                "ERR FAILOVER with force option requires both a timeout and target HOST and IP.",
            );
        }
        if status.transfer_target.is_some() {
            return Out::error("ERR FAILOVER already in progress.");
        }
        let to = match target {
            None => None,
            Some((host, port)) => {
                let ports = &self.shared.options.peer_client_ports;
                let found = status.membership.voters.keys().copied().find(|&id| {
                    client_address(&status, ports, id)
                        .is_some_and(|(h, p)| h.eq_ignore_ascii_case(&host) && i64::from(p) == port)
                });
                match found {
                    Some(id) if id != status.id => Some(id),
                    _ => return Out::error("ERR FAILOVER target HOST and PORT is not a replica."),
                }
            }
        };
        match self.shared.backend.failover(to).await {
            Ok(Ok(())) => Out::ok(),
            Ok(Err(why)) => Out::error(why),
            Err(e) => error_frame(&e),
        }
    }

    /// SAVE, BGSAVE [SCHEDULE] and BGREWRITEAOF: a snapshot of this node's state now, its log
    /// compacted to it (Redis's RDB file and AOF rewrite in one). SAVE answers once the
    /// snapshot is durable; the node keeps serving meanwhile, unlike Redis.
    async fn save(&self, name: &str, a: &[Bytes]) -> Out {
        let schedule = match a {
            [] => name == "bgrewriteaof",
            [option] if name == "bgsave" && option.eq_ignore_ascii_case(b"schedule") => true,
            _ => return Out::error("ERR syntax error"),
        };
        let outcome = match self.shared.backend.save(name == "save", schedule).await {
            Ok(outcome) => outcome,
            Err(e) => return error_frame(&e),
        };
        let aof = name == "bgrewriteaof";
        match outcome {
            SaveOutcome::Saved if name == "save" => Out::ok(),
            SaveOutcome::Saved | SaveOutcome::Started if aof => {
                Out::Simple("Background append only file rewriting started".into())
            }
            SaveOutcome::Saved | SaveOutcome::Started => {
                Out::Simple("Background saving started".into())
            }
            SaveOutcome::Scheduled if aof => {
                Out::Simple("Background append only file rewriting scheduled".into())
            }
            SaveOutcome::Scheduled => Out::Simple("Background saving scheduled".into()),
            SaveOutcome::InProgress => Out::error("ERR Background save already in progress"),
            SaveOutcome::Refused(why) => Out::error(why),
        }
    }

    /// CONFIG SET name value [name value ...]. Most of the configuration comes from flags at
    /// start and cannot change while the node runs, so a value equal to the current one is
    /// accepted (scripts that set `save ""` work) and any other change is refused, naming the
    /// parameter. The slow log's and the latency monitor's parameters, the tracking table's
    /// size and `notify-keyspace-events` change, on this node only, as in Redis. Either every
    /// pair is taken or none is.
    fn config_set(&self, pairs: &[Bytes]) -> Out {
        let params = config_params(self);
        let stats = &self.shared.options.commands;
        let mut seen: Vec<String> = Vec::new();
        let mut slower_than = None;
        let mut max_len = None;
        let mut tracking_keys = None;
        let mut tracking = None;
        let mut percentiles = None;
        let mut monitor_threshold = None;
        let mut keyspace_events = None;
        for pair in pairs.chunks_exact(2) {
            let name = text(&pair[0]).to_ascii_lowercase();
            let Some((_, current)) = params.iter().find(|(n, _)| *n == name) else {
                return Out::error(format!(
                    "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
                    command::lossy(&pair[0], 128)
                ));
            };
            let failed = |why: &str| {
                Out::error(format!(
                    "ERR CONFIG SET failed (possibly related to argument '{name}') - {why}"
                ))
            };
            if seen.contains(&name) {
                return failed("duplicate parameter");
            }
            let in_range = |min: i64, max: i64| match command::parse_i64_strict(&pair[1]) {
                Some(v) if (min..=max).contains(&v) => Ok(v),
                Some(_) => Err(failed(&format!(
                    "argument must be between {min} and {max} inclusive"
                ))),
                None => Err(failed("argument couldn't be parsed into an integer")),
            };
            match name.as_str() {
                "slowlog-log-slower-than" => match in_range(-1, i64::MAX) {
                    Ok(v) => slower_than = Some(v),
                    Err(out) => return out,
                },
                "latency-monitor-threshold" => match in_range(0, i64::MAX) {
                    Ok(ms) => monitor_threshold = Some(ms as u64),
                    Err(out) => return out,
                },
                "latency-tracking" => match pair[1].to_ascii_lowercase().as_slice() {
                    b"yes" => tracking = Some(true),
                    b"no" => tracking = Some(false),
                    _ => return failed("argument must be 'yes' or 'no'"),
                },
                "latency-tracking-info-percentiles" => match parse_percentiles(&pair[1]) {
                    Ok(list) => percentiles = Some(list),
                    Err(why) => return failed(why),
                },
                "slowlog-max-len" => match in_range(0, crate::cmdstats::MAX_MAX_LEN as i64) {
                    Ok(v) => max_len = Some(v as usize),
                    Err(out) => return out,
                },
                "notify-keyspace-events" => match crate::kv::notify::parse_flags(&pair[1]) {
                    Some(flags) => keyspace_events = Some(flags),
                    None => {
                        return failed("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                    }
                },
                "tracking-table-max-keys" => match in_range(0, i64::MAX) {
                    Ok(v) => tracking_keys = Some(usize::try_from(v).unwrap_or(usize::MAX)),
                    Err(out) => return out,
                },
                _ if !pair[1].eq_ignore_ascii_case(current.as_bytes()) => {
                    return failed(
                        "raft-kv takes its configuration from flags at start and cannot \
                         change it while running",
                    );
                }
                _ => {}
            }
            seen.push(name);
        }
        if let Some(micros) = slower_than {
            stats.set_slower_than_us(micros);
        }
        if let Some(len) = max_len {
            stats.set_max_len(len);
        }
        if let Some(on) = tracking {
            stats.set_latency_tracking(on);
        }
        if let Some(list) = percentiles {
            stats.set_percentiles(list);
        }
        if let Some(ms) = monitor_threshold {
            stats.events.set_threshold_ms(ms);
        }
        if let Some(max) = tracking_keys {
            self.shared.options.tracking.set_max_keys(max);
        }
        if let Some(flags) = keyspace_events {
            self.shared.options.pubsub.set_keyspace_events(flags);
        }
        Out::ok()
    }

    /// LATENCY's subcommands (arity and subcommand already checked): this node's
    /// per-command latencies and its latency monitor (see `cmdstats`).
    fn latency(&self, a: &[Bytes]) -> Out {
        use crate::cmdstats::events;
        let monitor = &self.shared.options.commands.events;
        match a[0].to_ascii_lowercase().as_slice() {
            b"help" => Out::Array(
                [
                    "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "LATEST",
                    "    For each kind of event: the time and latency (ms) of the latest, and the",
                    "    worst ever. Kinds: command, driver-turn, wal-fsync, snapshot-write; kept",
                    "    once they take latency-monitor-threshold ms or more (0, the default,",
                    "    keeps none).",
                    "HISTORY <event>",
                    "    The worst latency (ms) of each second with events of that kind, oldest",
                    "    first.",
                    "RESET [<event> ...]",
                    "    Forgets the events of the kinds named, or of every kind.",
                    "GRAPH <event>",
                    "    The latest events of that kind as bars.",
                    "DOCTOR",
                    "    What the events mean, in words.",
                    "HISTOGRAM [<command> ...]",
                    "    For each command this node executed (or each one named; a command with",
                    "    subcommands stands for all of them): how many executions were timed,",
                    "    and how many took at most 1, 2, 4, 8, ... microseconds.",
                    "HELP",
                    "    Prints this help.",
                ]
                .into_iter()
                .map(|line| Out::Simple(line.into()))
                .collect(),
            ),
            b"latest" => Out::Array(
                monitor
                    .all()
                    .into_iter()
                    .filter_map(|(event, series)| {
                        let (at, ms) = *series.samples.back()?;
                        Some(Out::Array(vec![
                            Out::bulk(event),
                            Out::Integer(at),
                            Out::Integer(ms as i64),
                            Out::Integer(series.max_ms as i64),
                        ]))
                    })
                    .collect(),
            ),
            b"history" => {
                let samples = monitor
                    .get(&text(&a[1]))
                    .map(|s| s.samples)
                    .unwrap_or_default();
                Out::Array(
                    samples
                        .into_iter()
                        .map(|(at, ms)| Out::Array(vec![Out::Integer(at), Out::Integer(ms as i64)]))
                        .collect(),
                )
            }
            b"reset" => {
                let named: Vec<String> = a[1..].iter().map(|e| text(e)).collect();
                Out::Integer(monitor.reset(&named) as i64)
            }
            b"graph" => {
                let event = text(&a[1]);
                match monitor.get(&event) {
                    Some(series) => {
                        Out::bulk(events::graph(&event, &series, crate::cmdstats::unix_secs()))
                    }
                    None => Out::error(format!(
                        "ERR No samples available for event '{}'",
                        command::lossy(&a[1], 128)
                    )),
                }
            }
            b"doctor" => Out::bulk(events::doctor(monitor.threshold_ms(), &monitor.all())),
            _ => self.latency_histogram(&a[1..]),
        }
    }

    /// `LATENCY HISTOGRAM [command ...]`: the latencies of the commands named (a command with
    /// subcommands stands for all of them), or of every command.
    fn latency_histogram(&self, names: &[Bytes]) -> Out {
        // A set, so that many names cost one lookup per command each.
        let named: std::collections::HashSet<String> =
            names.iter().map(|n| text(n).to_ascii_lowercase()).collect();
        let wanted = |name: &str| {
            let container = name.split_once('|').map(|(c, _)| c);
            named.is_empty() || named.contains(name) || container.is_some_and(|c| named.contains(c))
        };
        let histograms = self.shared.options.commands.histograms(wanted);
        Out::Map(
            histograms
                .into_iter()
                .map(|latencies| {
                    let crate::cmdstats::Latencies {
                        name,
                        calls,
                        buckets,
                    } = latencies;
                    let buckets = buckets
                        .into_iter()
                        .map(|(micros, count)| {
                            (Out::Integer(micros as i64), Out::Integer(count as i64))
                        })
                        .collect();
                    let fields = vec![
                        (Out::bulk("calls"), Out::Integer(calls as i64)),
                        (Out::bulk("histogram_usec"), Out::Map(buckets)),
                    ];
                    (Out::bulk(name), Out::Map(fields))
                })
                .collect(),
        )
    }

    /// `SLOWLOG GET [count]`, `LEN`, `RESET` and `HELP` (arity and subcommand already
    /// checked): this node's slow log (see `cmdstats`).
    fn slowlog(&self, a: &[Bytes]) -> Out {
        let stats = &self.shared.options.commands;
        match a[0].to_ascii_lowercase().as_slice() {
            b"get" if a.len() > 2 => Out::error(
                "ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.",
            ),
            b"get" => {
                let count = match a.get(1).map(|c| command::parse_i64_strict(c)) {
                    None => Some(10),
                    Some(Some(-1)) => None,
                    Some(Some(n)) if n >= 0 => Some(usize::try_from(n).unwrap_or(usize::MAX)),
                    Some(_) => {
                        return Out::error("ERR count should be greater than or equal to -1");
                    }
                };
                let entries = stats.slow_entries(count);
                Out::Array(
                    entries
                        .into_iter()
                        .map(|e| {
                            Out::Array(vec![
                                Out::Integer(e.id as i64),
                                Out::Integer(e.unix_secs),
                                Out::Integer(i64::try_from(e.micros).unwrap_or(i64::MAX)),
                                Out::Array(e.args.into_iter().map(Out::Bulk).collect()),
                                Out::bulk(e.caller.addr),
                                Out::bulk(e.caller.name),
                            ])
                        })
                        .collect(),
                )
            }
            b"len" => Out::Integer(stats.slow_len() as i64),
            b"reset" => {
                stats.slow_reset();
                Out::ok()
            }
            _ => Out::Array(
                [
                    "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GET [<count>]",
                    "    The newest <count> entries of this node's slow log (10 by default, -1 for",
                    "    all). An entry holds: id, Unix time, execution time in microseconds,",
                    "    the command's arguments, the client's address and the client's name.",
                    "LEN",
                    "    How many entries the slow log holds.",
                    "RESET",
                    "    Empties the slow log.",
                    "HELP",
                    "    Prints this help.",
                ]
                .into_iter()
                .map(|line| Out::Simple(line.into()))
                .collect(),
            ),
        }
    }

    async fn info(&self, a: &[Bytes]) -> Out {
        let requested: Vec<String> = a.iter().map(|s| text(s).to_ascii_lowercase()).collect();
        let all = requested.is_empty()
            || requested
                .iter()
                .any(|s| matches!(s.as_str(), "all" | "everything" | "default"));
        let wants = |section: &str| all || requested.iter().any(|s| s == section);
        // As in Redis, only asked for by name or by `all`/`everything`, not by default.
        let wants_extra = |section: &str| {
            requested
                .iter()
                .any(|s| s == section || s == "all" || s == "everything")
        };
        let status = if wants("replication") || wants("raft") || wants("persistence") {
            match self.shared.backend.status().await {
                Ok(status) => Some(status),
                Err(e) => return error_frame(&e),
            }
        } else {
            None
        };
        let mut out = String::new();
        let shared = &self.shared;
        if wants("server") {
            let uptime = Instant::now().duration_since(shared.started).as_secs();
            section(&mut out, "Server");
            let _ = write!(
                out,
                "redis_version:{REDIS_VERSION}\r\nredis_mode:standalone\r\nos:{}\r\n\
                 arch_bits:{}\r\nmultiplexing_api:epoll\r\nprocess_id:{}\r\nrun_id:{}\r\n\
                 tcp_port:{}\r\nserver_time_usec:{}\r\nuptime_in_seconds:{uptime}\r\n\
                 uptime_in_days:{}\r\nexecutable:{}\r\nconfig_file:\r\n\
                 raft_kv_version:{}\r\n",
                std::env::consts::OS,
                usize::BITS,
                std::process::id(),
                shared.run_id,
                shared.options.port,
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_micros()),
                uptime / 86_400,
                std::env::current_exe()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                env!("CARGO_PKG_VERSION"),
            );
        }
        if wants("clients") {
            section(&mut out, "Clients");
            let _ = write!(
                out,
                "connected_clients:{}\r\nmaxclients:{}\r\nblocked_clients:{}\r\n\
                 tracking_clients:{}\r\n",
                shared.stats.connected.load(Ordering::Relaxed),
                shared.options.max_clients,
                shared
                    .clients
                    .lock()
                    .map_or(0, |clients| clients.values().filter(|c| c.blocked).count()),
                shared.options.tracking.totals().clients,
            );
        }
        if wants("memory") {
            // Without the allocator's own count, the memory in use is the resident set.
            let rss = resident_bytes();
            let peak = peak_resident_bytes().max(rss);
            let system = system_memory_bytes();
            section(&mut out, "Memory");
            let _ = write!(
                out,
                "used_memory:{rss}\r\nused_memory_human:{}\r\nused_memory_rss:{rss}\r\n\
                 used_memory_rss_human:{}\r\nused_memory_peak:{peak}\r\n\
                 used_memory_peak_human:{}\r\ntotal_system_memory:{system}\r\n\
                 total_system_memory_human:{}\r\nmaxmemory:0\r\nmaxmemory_human:0B\r\n\
                 maxmemory_policy:noeviction\r\nmem_fragmentation_ratio:1.00\r\n\
                 mem_allocator:libc\r\n",
                human_bytes(rss),
                human_bytes(rss),
                human_bytes(peak),
                human_bytes(system),
            );
        }
        if wants("persistence")
            && let Some(s) = &status
        {
            let io = self.shared.backend.io_stats();
            section(&mut out, "Persistence");
            let _ = write!(
                out,
                "loading:0\r\nasync_loading:0\r\nrdb_changes_since_last_save:{}\r\n\
                 rdb_bgsave_in_progress:{}\r\nrdb_last_save_time:{}\r\n\
                 rdb_last_bgsave_status:ok\r\naof_enabled:1\r\n\
                 aof_rewrite_in_progress:0\r\naof_last_write_status:ok\r\n",
                s.applied.saturating_sub(s.snapshot_index),
                u8::from(io.snapshotting),
                io.last_snapshot_unix,
            );
        }
        if wants("stats") {
            let [ops_per_sec, input_per_sec, output_per_sec] = shared.rates.per_second();
            let [hits, misses, expired, expired_fields] = shared.options.commands.keyspace();
            let tracking = shared.options.tracking.totals();
            section(&mut out, "Stats");
            let _ = write!(
                out,
                "total_connections_received:{}\r\ntotal_commands_processed:{}\r\n\
                 instantaneous_ops_per_sec:{}\r\ntotal_net_input_bytes:{}\r\n\
                 total_net_output_bytes:{}\r\ninstantaneous_input_kbps:{:.2}\r\n\
                 instantaneous_output_kbps:{:.2}\r\n\
                 rejected_connections:{}\r\nexpired_keys:{expired}\r\n\
                 expired_subkeys:{expired_fields}\r\nevicted_keys:0\r\n\
                 keyspace_hits:{hits}\r\nkeyspace_misses:{misses}\r\n\
                 pubsub_channels:{}\r\npubsub_patterns:{}\r\n\
                 pubsub_shardchannels:{}\r\ntracking_total_keys:{}\r\n\
                 tracking_total_items:{}\r\ntracking_total_prefixes:{}\r\n\
                 total_error_replies:{}\r\n",
                shared.stats.total_connections.load(Ordering::Relaxed),
                shared.stats.total_commands.load(Ordering::Relaxed),
                ops_per_sec.round() as u64,
                shared.stats.net_input.load(Ordering::Relaxed),
                shared.stats.net_output.load(Ordering::Relaxed),
                input_per_sec / 1024.0,
                output_per_sec / 1024.0,
                shared.stats.rejected_connections.load(Ordering::Relaxed),
                shared.options.pubsub.count(PubSubKind::Channel),
                shared.options.pubsub.count(PubSubKind::Pattern),
                shared.options.pubsub.count(PubSubKind::Shard),
                tracking.keys,
                tracking.items,
                tracking.prefixes,
                shared.options.commands.errors().1,
            );
        }
        if wants("replication")
            && let Some(s) = &status
        {
            section(&mut out, "Replication");
            out.push_str(&replication_section(s, &shared.options.peer_client_ports));
        }
        if wants("cpu") {
            let (user, system) = cpu_seconds();
            section(&mut out, "CPU");
            let _ = write!(
                out,
                "used_cpu_sys:{system:.6}\r\nused_cpu_user:{user:.6}\r\n\
                 used_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\n"
            );
        }
        if wants_extra("commandstats") {
            section(&mut out, "Commandstats");
            for (name, c) in self.shared.options.commands.totals() {
                let per_call = if c.calls == 0 {
                    0.0
                } else {
                    c.usec as f64 / c.calls as f64
                };
                let _ = write!(
                    out,
                    "cmdstat_{name}:calls={},usec={},usec_per_call={per_call:.2},\
                     rejected_calls={},failed_calls={}\r\n",
                    c.calls, c.usec, c.rejected, c.failed
                );
            }
        }
        if wants("errorstats") {
            section(&mut out, "Errorstats");
            for (kind, count) in self.shared.options.commands.errors().0 {
                let _ = write!(out, "errorstat_{kind}:count={count}\r\n");
            }
        }
        if wants_extra("latencystats") {
            section(&mut out, "Latencystats");
            for (name, values) in self.shared.options.commands.latency_percentiles() {
                let values: Vec<String> = values
                    .iter()
                    .map(|(p, usec)| format!("p{p}={usec:.3}"))
                    .collect();
                let _ = write!(
                    out,
                    "latency_percentiles_usec_{name}:{}\r\n",
                    values.join(",")
                );
            }
        }
        if wants("keyspace") {
            section(&mut out, "Keyspace");
            if let Some((keys, expires, subexpiry)) = self.keyspace().await
                && keys > 0
            {
                let _ = write!(
                    out,
                    "db0:keys={keys},expires={expires},avg_ttl=0,subexpiry={subexpiry}\r\n"
                );
            }
        }
        if wants("raft")
            && let Some(s) = &status
        {
            section(&mut out, "Raft");
            let enrolled = self.shared.backend.enrolled().await.unwrap_or_default();
            let backend = &self.shared.backend;
            out.push_str(&raft_section(
                s,
                backend.cluster_id(),
                &backend.io_stats(),
                &enrolled,
            ));
        }
        Out::bulk(out)
    }

    /// Live keys and live keys with a TTL, or `None` when the read fails.
    async fn keyspace(&self) -> Option<(i64, i64, i64)> {
        let query = pb::KvCommand {
            args: vec![Bytes::from_static(command::KEYSPACE.as_bytes())],
        };
        let mut replies = self.shared.backend.read(vec![query], None).await.ok()?;
        let Some(Kind::Array(a)) = replies.pop()?.kind else {
            return None;
        };
        match a.items.as_slice() {
            [
                pb::Reply {
                    kind: Some(Kind::Integer(keys)),
                },
                pb::Reply {
                    kind: Some(Kind::Integer(expires)),
                },
                pb::Reply {
                    kind: Some(Kind::Integer(subexpiry)),
                },
            ] => Some((*keys, *expires, *subexpiry)),
            _ => None,
        }
    }
}

/// Where clients reach member `id`: the host of its Raft address and the client port its
/// message stream told this node; `None` until it told one.
fn client_address(
    s: &Status,
    ports: &PeerClientPorts,
    id: crate::raft::NodeId,
) -> Option<(String, u16)> {
    let raft = s
        .membership
        .voters
        .get(&id)
        .or_else(|| s.membership.learners.get(&id))?;
    let host = raft.rsplit_once(':')?.0;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((host.to_owned(), ports.get(id)?))
}

/// The other members the leader has a stream to and knows the client port of: each with its
/// client address and the highest index it holds.
fn listed_replicas(s: &Status, ports: &PeerClientPorts) -> Vec<(String, u16, u64)> {
    s.matched
        .iter()
        .filter(|(id, _)| s.connected.contains(id))
        .filter_map(|&(id, matched)| {
            client_address(s, ports, id).map(|(host, port)| (host, port, matched))
        })
        .collect()
}

/// The `# Replication` section's lines, in Redis's terms: the leader is the master, with the
/// other members it has a stream to as its connected replicas (listed one by one once their
/// streams told their client ports); a follower's link to its master is up while it knows
/// the leader and its stream to it is up. Offsets are log indexes: the commit index, a
/// replica's highest index held, and on a follower the index it applied.
fn replication_section(s: &Status, ports: &PeerClientPorts) -> String {
    let mut out = String::new();
    if s.role == RoleKind::Leader {
        let _ = write!(
            out,
            "role:master\r\nconnected_slaves:{}\r\n",
            s.connected.len()
        );
        for (i, (host, port, matched)) in listed_replicas(s, ports).into_iter().enumerate() {
            let _ = write!(
                out,
                "slave{i}:ip={host},port={port},state=online,offset={matched},lag=0\r\n"
            );
        }
        let failover = match s.transfer_target {
            Some(_) => "failover-in-progress",
            None => "no-failover",
        };
        let _ = write!(
            out,
            "master_failover_state:{failover}\r\nmaster_repl_offset:{}\r\n",
            s.commit
        );
    } else {
        let up = s.leader.is_some_and(|l| s.connected.contains(&l));
        out.push_str("role:slave\r\n");
        if let Some((host, port)) = s.leader.and_then(|l| client_address(s, ports, l)) {
            let _ = write!(out, "master_host:{host}\r\nmaster_port:{port}\r\n");
        }
        let _ = write!(
            out,
            "master_link_status:{}\r\nslave_read_only:0\r\n\
             master_repl_offset:{}\r\nslave_repl_offset:{}\r\nconnected_slaves:0\r\n",
            if up { "up" } else { "down" },
            s.commit,
            s.applied,
        );
    }
    out
}

/// ROLE's reply, in Redis's shape: a leader is `master` with its commit index and its
/// listed replicas (address and highest index held); any other node is a `slave` of the
/// leader it knows (an empty host and port 0 while it knows none or not its client port),
/// `connected` while its stream to it is up, with the index it applied.
fn role_reply(s: &Status, ports: &PeerClientPorts) -> Out {
    if s.role == RoleKind::Leader {
        let replicas = listed_replicas(s, ports)
            .into_iter()
            .map(|(host, port, matched)| {
                Out::Array(vec![
                    Out::bulk(host),
                    Out::bulk(port.to_string()),
                    Out::bulk(matched.to_string()),
                ])
            })
            .collect();
        return Out::Array(vec![
            Out::bulk("master"),
            Out::Integer(s.commit as i64),
            Out::Array(replicas),
        ]);
    }
    let (host, port) = s
        .leader
        .and_then(|l| client_address(s, ports, l))
        .unwrap_or_default();
    let up = s.leader.is_some_and(|l| s.connected.contains(&l));
    Out::Array(vec![
        Out::bulk("slave"),
        Out::bulk(host),
        Out::Integer(i64::from(port)),
        Out::bulk(if up { "connected" } else { "connect" }),
        Out::Integer(s.applied as i64),
    ])
}

/// The `# Raft` section's lines.
/// `cluster_id` is empty while the node knows none.
pub fn raft_section(
    s: &Status,
    cluster_id: u64,
    io: &IoStats,
    enrolled: &[crate::raft::NodeId],
) -> String {
    let role = match s.role {
        RoleKind::Leader => "leader",
        RoleKind::Follower => "follower",
        RoleKind::Candidate | RoleKind::PreCandidate => "candidate",
    };
    format!(
        "role:{role}\r\nnode_id:{}\r\ncluster_id:{}\r\nterm:{}\r\nleader_id:{}\r\ncommit_index:{}\r\n\
         last_applied:{}\r\nlast_log_index:{}\r\nsnapshot_index:{}\r\n\
         wal_fsyncs:{}\r\nwal_entries_written:{}\r\nappends_sent:{}\r\n\
         append_entries_sent:{}\r\nreads_by_lease:{}\r\nreads_by_round:{}\r\n\
         voters:{}\r\nlearners:{}\r\nenrolled:{}\r\n",
        s.id,
        if cluster_id == 0 {
            String::new()
        } else {
            format!("{cluster_id:016x}")
        },
        s.term,
        s.leader.unwrap_or(0),
        s.commit,
        s.applied,
        s.last_index,
        s.snapshot_index,
        io.fsyncs,
        io.entries_written,
        io.appends_sent,
        io.append_entries_sent,
        s.reads_by_lease,
        s.reads_by_round,
        members(&s.membership.voters),
        members(&s.membership.learners),
        enrolled
            .iter()
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// Members as `id=addr` pairs, comma-separated, for INFO.
fn members(map: &std::collections::BTreeMap<crate::raft::NodeId, String>) -> String {
    let mut out = String::new();
    for (id, addr) in map {
        if !out.is_empty() {
            out.push(',');
        }
        let _ = write!(out, "{id}={addr}");
    }
    out
}

fn section(out: &mut String, name: &str) {
    if !out.is_empty() {
        out.push_str("\r\n");
    }
    let _ = write!(out, "# {name}\r\n");
}

/// Resident set size from `/proc/self/statm` (Linux), 0 elsewhere.
/// `n` bytes as Redis's `bytesToHuman` writes them: `512B`, `1.50K`, `2.25M`, `1.00G`.
fn human_bytes(n: u64) -> String {
    const UNITS: [(f64, &str); 5] = [
        (1024.0, "K"),
        (1024.0 * 1024.0, "M"),
        (1024.0 * 1024.0 * 1024.0, "G"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
    ];
    let bytes = n as f64;
    if bytes < 1024.0 {
        return format!("{n}B");
    }
    let (unit, suffix) = UNITS
        .iter()
        .rev()
        .find(|(unit, _)| bytes >= *unit)
        .copied()
        .unwrap_or(UNITS[0]);
    format!("{:.2}{suffix}", bytes / unit)
}

/// The most memory this process has held resident (`VmHWM`), in bytes; 0 if unknown.
fn peak_resident_bytes() -> u64 {
    kib_field("/proc/self/status", "VmHWM:")
}

/// The machine's memory (`MemTotal`), in bytes; 0 if unknown.
fn system_memory_bytes() -> u64 {
    kib_field("/proc/meminfo", "MemTotal:")
}

/// A `name   1234 kB` line's value of a `/proc` file, in bytes; 0 if missing.
fn kib_field(path: &str, name: &str) -> u64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with(name))?;
            line[name.len()..]
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

/// `latency-tracking-info-percentiles`: numbers from 0 to 100 separated by spaces (none is
/// allowed), or the reason they are refused, in Redis's words.
fn parse_percentiles(value: &[u8]) -> Result<Vec<f64>, &'static str> {
    const MOST: usize = 32;
    let list: Vec<f64> = text(value)
        .split_whitespace()
        .map(|p| p.parse::<f64>().ok().filter(|p| p.is_finite()))
        .collect::<Option<_>>()
        .ok_or("Invalid latency-tracking-info-percentiles parameters")?;
    if list.len() > MOST {
        return Err("Invalid latency-tracking-info-percentiles parameters");
    }
    if list.iter().any(|p| !(0.0..=100.0).contains(p)) {
        return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
    }
    Ok(list)
}

/// The CPU time this process used so far, in seconds: (user, system). Linux counts it in
/// clock ticks of 10 ms (`USER_HZ` is 100 on every Linux ABI); (0, 0) if `/proc` cannot tell.
fn cpu_seconds() -> (f64, f64) {
    const TICKS_PER_SECOND: f64 = 100.0;
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return (0.0, 0.0);
    };
    // The process name, in parentheses, may hold spaces; the fields after it do not.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return (0.0, 0.0);
    };
    // After the name: state (field 3), ... utime (field 14) and stime (field 15).
    let mut fields = rest.split_whitespace().skip(11);
    let mut next = || {
        fields
            .next()
            .and_then(|f| f.parse::<u64>().ok())
            .map_or(0.0, |ticks| ticks as f64 / TICKS_PER_SECOND)
    };
    let user = next();
    let system = next();
    (user, system)
}

fn valid_client_name(name: &[u8]) -> Result<(), Out> {
    if name.iter().any(|&c| !(b'!'..=b'~').contains(&c)) {
        return Err(Out::error(
            "ERR Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    Ok(())
}

/// The filters of one CLIENT KILL: a connection is killed when it matches all of them.
#[derive(Debug, Default)]
struct KillFilter {
    /// `ID`.
    id: Option<u64>,
    /// `ADDR`: the client's end, as CLIENT LIST shows it.
    addr: Option<String>,
    /// `LADDR`: our end.
    laddr: Option<String>,
    /// `MAXAGE` (Redis 7.4): only connections open longer than this many seconds.
    max_age: Option<i64>,
    /// A `TYPE` no connection has.
    none: bool,
    /// `TYPE pubsub` (true) or `TYPE normal` (false).
    pubsub: Option<bool>,
}

/// The `TYPE` of CLIENT LIST and CLIENT KILL: whether it selects pub/sub connections
/// (`pubsub`) or the others (`normal`); `None` for the replication types, which no connection
/// here has.
fn client_type(value: &[u8]) -> Result<Option<bool>, Out> {
    match value.to_ascii_lowercase().as_slice() {
        b"normal" => Ok(Some(false)),
        b"pubsub" => Ok(Some(true)),
        b"master" | b"slave" | b"replica" => Ok(None),
        _ => Err(Out::error(format!(
            "ERR Unknown client type '{}'",
            command::lossy(value, 128)
        ))),
    }
}

impl KillFilter {
    fn matches(&self, id: u64, c: &ClientInfo) -> bool {
        !self.none
            && self.pubsub.is_none_or(|p| p == c.is_pubsub())
            && self.id.is_none_or(|want| want == id)
            && self.addr.as_ref().is_none_or(|a| *a == c.addr.to_string())
            && self
                .laddr
                .as_ref()
                .is_none_or(|a| c.local_addr.is_some_and(|l| *a == l.to_string()))
            && self.max_age.is_none_or(|max| {
                i64::try_from(c.created.elapsed().as_secs()).unwrap_or(i64::MAX) > max
            })
    }
}

fn client_line(id: u64, c: &ClientInfo) -> String {
    let now = Instant::now();
    let mut flags = String::new();
    if c.monitor {
        flags.push('O');
    } else if c.subscriptions.iter().any(|&n| n > 0) {
        flags.push('P');
    } else if c.blocked {
        flags.push('b');
    }
    if c.tracking >= 0 {
        flags.push('t');
    }
    if c.tracking_bcast {
        flags.push('B');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    format!(
        "id={id} addr={} laddr={} fd=0 name={} age={} idle={} flags={flags} db=0 sub={} psub={} \
         ssub={} multi={} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 obl=0 oll=0 omem=0 \
         tot-mem=0 events=r cmd={} user=default redir={} resp={} lib-name={} lib-ver={}",
        c.addr,
        c.local_addr.map(|a| a.to_string()).unwrap_or_default(),
        c.name,
        now.duration_since(c.created).as_secs(),
        now.duration_since(c.last_active).as_secs(),
        c.subscriptions[0],
        c.subscriptions[1],
        c.subscriptions[2],
        c.multi,
        c.last_command,
        c.tracking,
        c.resp,
        c.lib_name,
        c.lib_ver,
    )
}

/// Every client-visible command name, key-value commands first.
fn all_command_names() -> impl Iterator<Item = &'static str> {
    command::COMMANDS
        .iter()
        .filter(|s| !s.name.starts_with("__"))
        .map(|s| s.name)
        .chain(LOCAL_COMMANDS.iter().map(|(n, ..)| *n))
}

/// The subcommands of `container` as full `container|sub` names; empty for other commands.
fn subcommands(container: &str) -> Vec<&'static str> {
    SUBCOMMANDS
        .iter()
        .map(|(n, ..)| *n)
        .filter(|n| n.split_once('|').is_some_and(|(c, _)| c == container))
        .collect()
}

/// `<CONTAINER> HELP`, in Redis's layout, from the subcommands' documentation: each
/// subcommand with its arguments, then what it does.
fn container_help(container: &str) -> Out {
    let upper = container.to_ascii_uppercase();
    let mut lines = vec![format!(
        "{upper} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    )];
    for name in subcommands(container) {
        let Some((_, sub)) = name.split_once('|') else {
            continue;
        };
        if sub == "help" {
            continue;
        }
        let (syntax, summary) = super::docs::find(name).map_or(("", ""), |d| (d.syntax, d.summary));
        let usage = format!("{} {}", sub.to_ascii_uppercase(), plain_syntax(syntax));
        lines.push(usage.trim_end().to_owned());
        lines.push(format!("    {summary}"));
    }
    lines.push("HELP".into());
    lines.push("    Prints this help.".into());
    Out::Array(lines.into_iter().map(Out::Simple).collect())
}

/// A syntax in `docs`' notation as a person reads it: without group labels (`mode=`) and
/// argument types (`:integer`).
fn plain_syntax(syntax: &str) -> String {
    let mut out = String::with_capacity(syntax.len());
    let mut rest = syntax;
    while let Some(c) = rest.chars().next() {
        let word_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if word_len > 0 {
            let (word, after) = rest.split_at(word_len);
            if let Some(after) = after.strip_prefix('=') {
                // A group's label.
                rest = after;
            } else {
                out.push_str(word);
                rest = after;
            }
            continue;
        }
        if c == ':' {
            // An argument's type.
            let skip = rest[1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .map_or(rest.len(), |i| i + 1);
            rest = &rest[skip..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Whether `name` (lowercase) is a command or a `container|sub` subcommand the server accepts.
fn is_known(name: &str) -> bool {
    all_command_names().any(|c| c == name) || SUBCOMMANDS.iter().any(|(n, ..)| *n == name)
}

/// One COMMAND INFO entry in Redis 7's ten-field layout (a container lists its subcommands in
/// the last field); nil for an unknown name.
fn command_info(name: &str) -> Out {
    let (arity, flags, keys): (i32, Vec<&str>, (i32, i32, i32)) = if name.starts_with("__") {
        return Out::Null;
    } else if let Some(spec) = command::lookup(name.as_bytes()) {
        let flags = match spec.access {
            // Logged like a write, but it changes no key: flagged as Redis flags it.
            _ if matches!(spec.name, "publish" | "spublish") => {
                vec!["pubsub", "loading", "stale", "fast"]
            }
            Access::Read => vec!["readonly"],
            Access::Write if command::is_blocking(spec.name) => vec!["write", "blocking"],
            Access::Write => vec!["write"],
        };
        (
            spec.arity,
            flags,
            (spec.first_key, spec.last_key, spec.step),
        )
    } else if let Some((_, arity, flags)) = LOCAL_COMMANDS
        .iter()
        .chain(SUBCOMMANDS)
        .find(|(n, ..)| *n == name)
    {
        (*arity, flags.to_vec(), (0, 0, 0))
    } else {
        return Out::Null;
    };
    Out::Array(vec![
        Out::bulk(name),
        Out::Integer(i64::from(arity)),
        Out::Array(flags.into_iter().map(|f| Out::Simple(f.into())).collect()),
        Out::Integer(i64::from(keys.0)),
        Out::Integer(i64::from(keys.1)),
        Out::Integer(i64::from(keys.2)),
        Out::Array(Vec::new()),
        Out::Array(Vec::new()),
        Out::Array(Vec::new()),
        Out::Array(subcommands(name).into_iter().map(command_info).collect()),
    ])
}

/// The number COMMAND COUNT reports (for tests).
#[cfg(test)]
pub fn tests_command_count() -> usize {
    all_command_names().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_every_subcommand_with_plain_arguments() {
        for container in ["client", "command", "config"] {
            let Out::Array(lines) = container_help(container) else {
                panic!("{container} HELP is not an array");
            };
            let lines: Vec<String> = lines
                .into_iter()
                .map(|l| match l {
                    Out::Simple(s) => s,
                    other => panic!("{other:?}"),
                })
                .collect();
            let upper = container.to_ascii_uppercase();
            assert!(
                lines[0].starts_with(&format!("{upper} <subcommand>")),
                "{lines:?}"
            );
            for name in subcommands(container) {
                let sub = name
                    .split_once('|')
                    .map_or("", |(_, s)| s)
                    .to_ascii_uppercase();
                let found = lines
                    .iter()
                    .position(|l| l.split(' ').next() == Some(sub.as_str()));
                let Some(at) = found else {
                    panic!("{upper} HELP lacks {sub}: {lines:?}");
                };
                assert!(lines[at + 1].starts_with("    "), "{upper} {sub}");
            }
        }
        assert_eq!(
            plain_syntax("status=(ON|OFF) [REDIRECT client-id:integer] [PREFIX prefix]..."),
            "(ON|OFF) [REDIRECT client-id] [PREFIX prefix]..."
        );
        assert_eq!(plain_syntax("timeout:double"), "timeout");
    }

    #[test]
    fn sizes_read_as_redis_writes_them() {
        assert_eq!(human_bytes(0), "0B");
        assert_eq!(human_bytes(1023), "1023B");
        assert_eq!(human_bytes(1536), "1.50K");
        assert_eq!(human_bytes(17_522_688), "16.71M");
        assert_eq!(human_bytes(25_276_182_528), "23.54G");
    }

    #[test]
    fn percentiles_are_numbers_from_0_to_100() {
        assert_eq!(parse_percentiles(b"50 99 99.9"), Ok(vec![50.0, 99.0, 99.9]));
        assert_eq!(parse_percentiles(b""), Ok(Vec::new()));
        assert!(parse_percentiles(b"50 101").is_err());
        assert!(parse_percentiles(b"50 x").is_err());
        assert!(parse_percentiles(b"nan").is_err());
    }
}
