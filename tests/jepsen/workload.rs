//! The client workload: concurrent clients, each a tokio task with its own connection to a
//! random node, issuing a mix of register (SET/GET), counter (INCR/GET), list (APPEND/GET) and
//! stream (XADD/XRANGE) operations and recording each one in the history with its times and
//! outcome. A stream's operations are recorded as a list's: XADD as the APPEND of its token
//! (acknowledged without a length), XRANGE as the GET of its tokens in order, after checking
//! that its IDs ascend and each entry holds one token. A fifth of
//! the operations go through a Lua script doing the same (EVAL, and EVAL_RO for reads), and
//! another fifth through a function of the library [`LIBRARY`] (FCALL, and FCALL_RO for reads),
//! which each client loads before its first operation, so that scripts and functions meet the
//! faults too.
//!
//! A client has one operation in flight. Any error or timeout makes the outcome unknown (a
//! write may still take effect later), drops the connection and moves the client to another
//! node. Keys are grouped in rounds and epochs (`r:<round>.<epoch>:<i>`): a long run moves to fresh
//! keys now and then, which keeps each key's history small enough for the linearizability
//! search, and each checking round of a soak has keys of its own.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tokio_util::sync::CancellationToken;

use crate::history::{
    COUNTER_PREFIX, Call, LIST_PREFIX, Op, Outcome, REGISTER_PREFIX, STREAM_PREFIX, TOKEN_END,
    Value,
};

/// How an operation reaches the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// The command itself.
    Command,
    /// A Lua script running it (EVAL, EVAL_RO).
    Script,
    /// A function of [`LIBRARY`] running it (FCALL, FCALL_RO).
    Function,
}

/// The function library the workload calls: one function per operation, reads flagged
/// `no-writes` so that FCALL_RO serves them.
pub const LIBRARY: &str = "#!lua name=jepsen\n\
    redis.register_function{function_name='jget', flags={'no-writes'},\n\
      callback=function(keys) return redis.call('GET', keys[1]) end}\n\
    redis.register_function('jset', function(keys, args)\n\
      return redis.call('SET', keys[1], args[1]) end)\n\
    redis.register_function('jincr', function(keys) return redis.call('INCR', keys[1]) end)\n\
    redis.register_function('jappend', function(keys, args)\n\
      return redis.call('APPEND', keys[1], args[1]) end)\n\
    redis.register_function('jxadd', function(keys, args)\n\
      return redis.call('XADD', keys[1], '*', 't', args[1]) end)\n\
    redis.register_function{function_name='jxrange', flags={'no-writes'},\n\
      callback=function(keys) return redis.call('XRANGE', keys[1], '-', '+') end}";

/// How long a client waits for a connection to a node.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// Settings of the workload.
#[derive(Debug, Clone)]
pub struct WorkloadOptions {
    /// Number of concurrent clients.
    pub clients: usize,
    /// Register keys per epoch.
    pub registers: usize,
    /// Counter keys per epoch.
    pub counters: usize,
    /// List keys per epoch.
    pub lists: usize,
    /// Stream keys per epoch.
    pub streams: usize,
    /// How long the keys of one epoch are used.
    pub key_epoch: Duration,
    /// Number of the checking round; part of every key, so rounds never share a key.
    pub round: u64,
    /// How long a client waits for an answer before the outcome is unknown.
    pub op_timeout: Duration,
    /// Upper bound of the random pause between a client's operations, which keeps the history
    /// to a size the checkers handle in seconds.
    pub max_think: Duration,
    /// Seed of the clients' random choices.
    pub seed: u64,
}

/// What one client did.
#[derive(Debug, Default)]
pub struct ClientLog {
    /// Its operations, in order.
    pub ops: Vec<Op>,
    /// Replies no correct server gives (errors other than TRYAGAIN/CLUSTERDOWN, wrong types).
    pub unexpected: Vec<String>,
}

/// Opens a connection to the node at `port` with no client-side response timeout (callers
/// bound each command themselves).
///
/// # Errors
/// The connection failed or took longer than [`CONNECT_TIMEOUT`].
pub async fn connect(port: u16) -> Result<redis::aio::MultiplexedConnection, String> {
    let client =
        redis::Client::open(format!("redis://127.0.0.1:{port}/")).map_err(|e| e.to_string())?;
    let config = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(None);
    match tokio::time::timeout(
        CONNECT_TIMEOUT * 2,
        client.get_multiplexed_async_connection_with_config(&config),
    )
    .await
    {
        Ok(Ok(con)) => Ok(con),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("connect timed out".into()),
    }
}

/// The outcome of one command sent on `con`, and a note if the reply is one no correct server
/// gives. `via` says whether it goes as the command, a script or a function.
pub async fn execute(
    con: &mut redis::aio::MultiplexedConnection,
    key: &str,
    call: &Call,
    limit: Duration,
    via: Via,
) -> (Outcome, Option<String>) {
    if key.starts_with(STREAM_PREFIX) {
        return execute_stream(con, key, call, limit, via).await;
    }
    let name = match call {
        Call::Get => "GET",
        Call::Set(_) => "SET",
        Call::Incr => "INCR",
        Call::Append(_) => "APPEND",
    };
    let mut cmd = if via == Via::Function {
        let (fcall, function) = match call {
            Call::Get => ("FCALL_RO", "jget"),
            Call::Set(_) => ("FCALL", "jset"),
            Call::Incr => ("FCALL", "jincr"),
            Call::Append(_) => ("FCALL", "jappend"),
        };
        let mut cmd = redis::cmd(fcall);
        cmd.arg(function).arg(1);
        cmd
    } else if via == Via::Script {
        let (eval, body) = match call {
            Call::Get => ("EVAL_RO", "return redis.call('GET', KEYS[1])"),
            Call::Incr => ("EVAL", "return redis.call('INCR', KEYS[1])"),
            Call::Set(_) | Call::Append(_) => ("EVAL", ""),
        };
        let body = if body.is_empty() {
            format!("return redis.call('{name}', KEYS[1], ARGV[1])")
        } else {
            body.to_owned()
        };
        let mut cmd = redis::cmd(eval);
        cmd.arg(body).arg(1);
        cmd
    } else {
        redis::cmd(name)
    };
    cmd.arg(key);
    if let Call::Set(v) | Call::Append(v) = call {
        cmd.arg(v);
    }
    let reply = match tokio::time::timeout(limit, cmd.query_async::<redis::Value>(con)).await {
        Err(_) => return (Outcome::Unknown("timeout".into()), None),
        Ok(Err(e)) => {
            let text = e.to_string();
            return match e.code() {
                Some("TRYAGAIN" | "CLUSTERDOWN") => (Outcome::Unknown(text), None),
                Some(code) => (
                    Outcome::Unknown(text.clone()),
                    Some(format!("{key} {call:?}: {code} error: {text}")),
                ),
                None => (Outcome::Unknown(text), None),
            };
        }
        Ok(Ok(reply)) => reply,
    };
    let value = match (call, reply) {
        (Call::Get, redis::Value::Nil) => Value::Nil,
        (Call::Get, redis::Value::BulkString(b)) => match String::from_utf8(b) {
            Ok(s) => Value::Str(s),
            Err(e) => {
                return (
                    Outcome::Unknown("non-utf8 reply".into()),
                    Some(format!("{key} GET: non-utf8 value {e}")),
                );
            }
        },
        (Call::Set(_), redis::Value::Okay) => Value::Done,
        (Call::Set(_), redis::Value::SimpleString(s)) if s == "OK" => Value::Done,
        (Call::Incr | Call::Append(_), redis::Value::Int(n)) => Value::Int(n),
        (_, other) => {
            return (
                Outcome::Unknown("unexpected reply".into()),
                Some(format!("{key} {call:?}: unexpected reply {other:?}")),
            );
        }
    };
    (Outcome::Ok(value), None)
}

/// [`execute`] for a stream key: APPEND becomes `XADD key * t <token>`, GET becomes
/// `XRANGE key - +` (through EVAL and EVAL_RO, or FCALL and FCALL_RO, as `via` says).
async fn execute_stream(
    con: &mut redis::aio::MultiplexedConnection,
    key: &str,
    call: &Call,
    limit: Duration,
    via: Via,
) -> (Outcome, Option<String>) {
    let cmd = match (call, via) {
        (Call::Append(token), Via::Function) => {
            let mut cmd = redis::cmd("FCALL");
            cmd.arg("jxadd").arg(1).arg(key).arg(token);
            cmd
        }
        (Call::Get, Via::Function) => {
            let mut cmd = redis::cmd("FCALL_RO");
            cmd.arg("jxrange").arg(1).arg(key);
            cmd
        }
        (Call::Append(token), Via::Command) => {
            let mut cmd = redis::cmd("XADD");
            cmd.arg(key).arg("*").arg("t").arg(token);
            cmd
        }
        (Call::Append(token), Via::Script) => {
            let mut cmd = redis::cmd("EVAL");
            cmd.arg("return redis.call('XADD', KEYS[1], '*', 't', ARGV[1])")
                .arg(1)
                .arg(key)
                .arg(token);
            cmd
        }
        (Call::Get, Via::Command) => {
            let mut cmd = redis::cmd("XRANGE");
            cmd.arg(key).arg("-").arg("+");
            cmd
        }
        (Call::Get, Via::Script) => {
            let mut cmd = redis::cmd("EVAL_RO");
            cmd.arg("return redis.call('XRANGE', KEYS[1], '-', '+')")
                .arg(1)
                .arg(key);
            cmd
        }
        (other, _) => {
            return (
                Outcome::Unknown("not a stream call".into()),
                Some(format!("{key} {other:?}: not a stream call")),
            );
        }
    };
    let reply = match tokio::time::timeout(limit, cmd.query_async::<redis::Value>(con)).await {
        Err(_) => return (Outcome::Unknown("timeout".into()), None),
        Ok(Err(e)) => {
            let text = e.to_string();
            let note = match e.code() {
                Some("TRYAGAIN" | "CLUSTERDOWN") | None => None,
                Some(code) => Some(format!("{key} {call:?}: {code} error: {text}")),
            };
            return (Outcome::Unknown(text), note);
        }
        Ok(Ok(reply)) => reply,
    };
    let unexpected = |what: String| {
        (
            Outcome::Unknown("unexpected reply".into()),
            Some(format!("{key} {call:?}: {what}")),
        )
    };
    match (call, reply) {
        (Call::Append(_), redis::Value::BulkString(_)) => (Outcome::Ok(Value::Done), None),
        (Call::Get, redis::Value::Array(entries)) => {
            let mut tokens = String::new();
            let mut last: Option<(u64, u64)> = None;
            for entry in entries {
                let Some((id, token)) = stream_entry(&entry) else {
                    return unexpected(format!("malformed entry {entry:?}"));
                };
                if last.is_some_and(|l| l >= id) {
                    return unexpected(format!("IDs out of order: {last:?} then {id:?}"));
                }
                last = Some(id);
                tokens.push_str(&token);
            }
            let value = if tokens.is_empty() {
                Value::Nil
            } else {
                Value::Str(tokens)
            };
            (Outcome::Ok(value), None)
        }
        (_, other) => unexpected(format!("unexpected reply {other:?}")),
    }
}

/// The ID and token of one XRANGE entry (`[id, ["t", token]]`).
fn stream_entry(entry: &redis::Value) -> Option<((u64, u64), String)> {
    let redis::Value::Array(parts) = entry else {
        return None;
    };
    let [redis::Value::BulkString(id), redis::Value::Array(fields)] = parts.as_slice() else {
        return None;
    };
    let (ms, seq) = std::str::from_utf8(id).ok()?.split_once('-')?;
    let id = (ms.parse().ok()?, seq.parse().ok()?);
    let [
        redis::Value::BulkString(field),
        redis::Value::BulkString(token),
    ] = fields.as_slice()
    else {
        return None;
    };
    (field == b"t").then_some(())?;
    Some((id, String::from_utf8(token.clone()).ok()?))
}

/// Runs client `client` against the nodes listening on `ports` (index `id - 1`) until `stop`
/// is cancelled. Times in the history count from `start`.
pub async fn run_client(
    client: usize,
    ports: Vec<u16>,
    options: WorkloadOptions,
    start: Instant,
    stop: CancellationToken,
) -> ClientLog {
    let mut rng = StdRng::seed_from_u64(options.seed ^ (client as u64).wrapping_mul(0x9e37_79b9));
    let mut log = ClientLog::default();
    let mut con: Option<(usize, redis::aio::MultiplexedConnection)> = None;
    let mut seq = 0u64;
    let mut library_loaded = false;
    // The node of the last failure, avoided by the next connection when there is a choice.
    let mut avoid: Option<usize> = None;
    let since = |t: Instant| t.duration_since(start).as_nanos() as u64;
    while !stop.is_cancelled() {
        let (node, connection) = match con.as_mut() {
            Some((node, c)) => (*node, c),
            None => {
                let mut node = rng.random_range(1..=ports.len());
                if avoid == Some(node) && ports.len() > 1 {
                    node = node % ports.len() + 1;
                }
                match connect(ports[node - 1]).await {
                    Ok(c) => {
                        con = Some((node, c));
                        continue;
                    }
                    Err(_) => {
                        avoid = Some(node);
                        // The node is down or frozen: pace the retry, then try another.
                        tokio::select! {
                            _ = stop.cancelled() => break,
                            _ = tokio::time::sleep(Duration::from_millis(50)) => continue,
                        }
                    }
                }
            }
        };
        if !library_loaded {
            // Before the first operation: FUNCTION LOAD REPLACE, which every client sends
            // (they load the same code, so the order does not matter).
            let mut load = redis::cmd("FUNCTION");
            load.arg("LOAD").arg("REPLACE").arg(LIBRARY);
            match tokio::time::timeout(options.op_timeout, load.query_async::<String>(connection))
                .await
            {
                Ok(Ok(name)) if name == "jepsen" => library_loaded = true,
                Ok(Ok(other)) => log
                    .unexpected
                    .push(format!("FUNCTION LOAD answered {other}")),
                _ => {
                    con = None;
                    avoid = Some(node);
                }
            }
            continue;
        }
        seq += 1;
        let epoch = start.elapsed().as_nanos() as u64 / options.key_epoch.as_nanos() as u64;
        let (key, call) = choose(&mut rng, &options, epoch, client, seq);
        let invoke = Instant::now();
        let via = match rng.random_range(0..5) {
            0 => Via::Script,
            1 => Via::Function,
            _ => Via::Command,
        };
        let (outcome, unexpected) = execute(connection, &key, &call, options.op_timeout, via).await;
        let complete = Instant::now();
        if !matches!(outcome, Outcome::Ok(_)) {
            con = None;
            avoid = Some(node);
        }
        log.unexpected.extend(unexpected);
        log.ops.push(Op {
            client,
            node,
            key,
            call,
            invoke_ns: since(invoke),
            complete_ns: since(complete),
            outcome,
        });
        let think = rng.random_range(Duration::ZERO..=options.max_think);
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tokio::time::sleep(think) => {}
        }
    }
    log
}

fn choose(
    rng: &mut StdRng,
    options: &WorkloadOptions,
    epoch: u64,
    client: usize,
    seq: u64,
) -> (String, Call) {
    let unique = format!("c{client}-{seq}");
    let kinds = [
        (REGISTER_PREFIX, options.registers),
        (COUNTER_PREFIX, options.counters),
        (LIST_PREFIX, options.lists),
        (STREAM_PREFIX, options.streams),
    ];
    let live: Vec<_> = kinds.iter().filter(|(_, n)| *n > 0).collect();
    let (prefix, count) = live[rng.random_range(0..live.len())];
    let key = format!(
        "{prefix}{}.{epoch}:{}",
        options.round,
        rng.random_range(0..*count)
    );
    let read = rng.random_bool(0.4);
    let call = match (*prefix, read) {
        (_, true) => Call::Get,
        (REGISTER_PREFIX, false) => Call::Set(unique),
        (COUNTER_PREFIX, false) => Call::Incr,
        (_, false) => Call::Append(format!("{unique}{TOKEN_END}")),
    };
    (key, call)
}
