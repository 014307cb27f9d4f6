//! `redis` crate checks beyond single replies: pipelines, MULTI/EXEC through `pipe().atomic()`,
//! WATCH across connections and nodes, expiry as seen from every node, and the commands whose
//! replies describe the server (HELLO, CLIENT, COMMAND, INFO, CONFIG, TIME) and the whole
//! keyspace (DBSIZE, FLUSHDB, FLUSHALL, KEYS, SCAN, DEBUG DIGEST).

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use redis::Value;

use crate::cluster::{self, Target, targets};
use crate::common::{self, DEADLINE, TestCluster, wait_until};

/// Number of SET/GET/INCR triples in the pipeline tests (three commands each).
const PIPELINE_ROUNDS: usize = 120;

/// Builds a pipeline of [`PIPELINE_ROUNDS`] `SET k i`, `GET k`, `INCR counter` triples over
/// a few keys, with a failing `INCR` on a string in the middle, and the replies Redis gives.
fn mixed_pipeline(prefix: &str) -> (redis::Pipeline, Vec<Value>) {
    let mut pipe = redis::pipe();
    pipe.ignore_errors();
    let mut expected = Vec::new();
    for i in 0..PIPELINE_ROUNDS {
        let key = format!("{prefix}k{}", i % 7);
        pipe.set(&key, i)
            .get(&key)
            .incr(format!("{prefix}counter"), 1);
        expected.push(Value::Okay);
        expected.push(Value::BulkString(i.to_string().into_bytes()));
        expected.push(Value::Int(i as i64 + 1));
        if i == PIPELINE_ROUNDS / 2 {
            pipe.set(&key, "text").incr(&key, 1).get(&key);
            expected.push(Value::Okay);
            expected.push(Value::SimpleString("error".into()));
            expected.push(Value::BulkString(b"text".to_vec()));
        }
    }
    (pipe, expected)
}

/// Compares pipeline replies, rendering errors as `error` (their text is checked elsewhere).
fn check_pipeline(who: &str, actual: &[Value], expected: &[Value]) {
    let actual: Vec<Value> = actual
        .iter()
        .map(|v| match v {
            Value::ServerError(_) => Value::SimpleString("error".into()),
            other => other.clone(),
        })
        .collect();
    assert_eq!(actual.len(), expected.len(), "{who}: reply count");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_eq!(a, e, "{who}: reply {i} of the pipeline");
    }
}

#[test]
fn pipeline_answers_in_order() {
    for target in targets() {
        let mut conn = target.client();
        let (pipe, expected) = mixed_pipeline(&format!("pipe:{}:", target.role));
        let replies: Vec<Value> = pipe
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("{}: pipeline: {e}", target.role));
        check_pipeline(target.role, &replies, &expected);
        // The connection still works for single commands after the pipeline.
        let counter: i64 = redis::cmd("GET")
            .arg(format!("pipe:{}:counter", target.role))
            .query(&mut conn)
            .expect("GET after the pipeline");
        assert_eq!(counter, PIPELINE_ROUNDS as i64, "{}", target.role);
    }
}

#[tokio::test]
async fn async_pipeline_and_concurrent_commands() {
    for target in targets() {
        let mut conn = target.async_client().await;
        let (pipe, expected) = mixed_pipeline(&format!("apipe:{}:", target.role));
        let replies: Vec<Value> = pipe
            .query_async(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{}: async pipeline: {e}", target.role));
        check_pipeline(target.role, &replies, &expected);

        // Many commands in flight on one multiplexed connection, each answered exactly once.
        let key = format!("apipe:{}:concurrent", target.role);
        let incrs = (0..200).map(|_| {
            let mut conn = conn.clone();
            let key = key.clone();
            async move {
                redis::cmd("INCR")
                    .arg(&key)
                    .query_async::<i64>(&mut conn)
                    .await
            }
        });
        let mut results: Vec<i64> = futures_join(incrs).await;
        results.sort_unstable();
        assert_eq!(results, (1..=200).collect::<Vec<_>>(), "{}", target.role);
    }
}

/// Awaits every future concurrently on the current task and collects their values.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<i64>
where
    F: std::future::Future<Output = redis::RedisResult<i64>> + Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut values = Vec::new();
    for handle in handles {
        let value = handle.await.expect("the INCR task does not panic");
        values.push(value.expect("INCR"));
    }
    values
}

#[test]
fn atomic_pipeline_is_multi_exec() {
    for target in targets() {
        let mut conn = target.client();
        let key = format!("atomic:{}:k", target.role);
        let replies: Vec<Value> = redis::pipe()
            .atomic()
            .set(&key, 1)
            .incr(&key, 5)
            .get(&key)
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("{}: atomic pipeline: {e}", target.role));
        assert_eq!(
            replies,
            vec![Value::Okay, Value::Int(6), Value::BulkString(b"6".to_vec())],
            "{}",
            target.role
        );
    }
    // Two clients, one per node, each run MULTI INCR INCR EXEC: no INCR of one transaction
    // may land between the two of the other, so each pair is consecutive.
    let key = "atomic:interleave";
    let workers: Vec<_> = targets()
        .into_iter()
        .map(|target| {
            std::thread::spawn(move || {
                let mut conn = target.client();
                (0..40)
                    .map(|_| {
                        let (a, b): (i64, i64) = redis::pipe()
                            .atomic()
                            .incr(key, 1)
                            .incr(key, 1)
                            .query(&mut conn)
                            .unwrap_or_else(|e| panic!("{}: MULTI INCR INCR: {e}", target.role));
                        (a, b)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut firsts = BTreeSet::new();
    for worker in workers {
        for (a, b) in worker.join().expect("a transaction worker") {
            assert_eq!(b, a + 1, "a transaction's INCRs were interleaved");
            firsts.insert(a);
        }
    }
    assert_eq!(firsts.len(), 80, "every transaction ran once");
}

#[test]
fn watch_conflict_aborts_exec() {
    let [leader, follower] = targets();
    for (watcher, writer) in [
        (&leader, &follower),
        (&follower, &leader),
        (&leader, &leader),
    ] {
        let who = format!(
            "WATCH on the {}, write through the {}",
            watcher.role, writer.role
        );
        let key = format!("watch:{}-{}:k", watcher.role, writer.role);
        let mut conn = watcher.client();
        let mut other = writer.client();
        common::set(&mut conn, &key, "before").expect("SET");
        let reply: Value = redis::cmd("WATCH")
            .arg(&key)
            .query(&mut conn)
            .expect("WATCH");
        assert_eq!(reply, Value::Okay, "{who}");
        common::set(&mut other, &key, "theirs").expect("SET from the other client");
        let exec: Value = redis::pipe()
            .atomic()
            .set(&key, "mine")
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("{who}: EXEC: {e}"));
        assert_eq!(exec, Value::Nil, "{who}: EXEC after a conflicting write");
        let value = common::get(&mut conn, &key).expect("GET");
        assert_eq!(value.as_deref(), Some("theirs"), "{who}");

        // Without a conflicting write the same transaction commits.
        let reply: Value = redis::cmd("WATCH")
            .arg(&key)
            .query(&mut conn)
            .expect("WATCH");
        assert_eq!(reply, Value::Okay, "{who}");
        let value = common::get(&mut other, &key).expect("GET from the other client");
        assert_eq!(
            value.as_deref(),
            Some("theirs"),
            "{who}: a read is no conflict"
        );
        let exec: Value = redis::pipe()
            .atomic()
            .set(&key, "mine")
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("{who}: EXEC: {e}"));
        assert_eq!(exec, Value::Array(vec![Value::Okay]), "{who}");
        let value = common::get(&mut other, &key).expect("GET from the other client");
        assert_eq!(value.as_deref(), Some("mine"), "{who}");
    }
}

/// WATCH on a missing key conflicts with that key only: deleting another key, through
/// another node, lets the transaction commit, as in Redis. Missing keys share deletion
/// versions by bucket (1 in 1024, by the cluster's random hash key), so a trial may abort on
/// a collision; two of three commit unless the cluster aborts on every deletion, which the
/// single deletion version of old keyspaces did.
#[test]
fn watch_on_a_missing_key_ignores_deletions_of_other_keys() {
    let [leader, follower] = targets();
    let mut conn = follower.client();
    let mut other = leader.client();
    let mut committed = 0;
    for trial in 0..3 {
        let key = format!("watch-missing:{trial}:k");
        let gone = format!("watch-missing:{trial}:other");
        common::set(&mut other, &gone, "v").expect("SET");
        let reply: Value = redis::cmd("WATCH")
            .arg(&key)
            .query(&mut conn)
            .expect("WATCH");
        assert_eq!(reply, Value::Okay);
        let deleted: i64 = redis::cmd("DEL")
            .arg(&gone)
            .query(&mut other)
            .expect("DEL from the other client");
        assert_eq!(deleted, 1);
        let exec: Value = redis::pipe()
            .atomic()
            .set(&key, "mine")
            .query(&mut conn)
            .expect("EXEC");
        let value = common::get(&mut other, &key).expect("GET");
        if exec == Value::Array(vec![Value::Okay]) {
            committed += 1;
            assert_eq!(value.as_deref(), Some("mine"), "trial {trial}");
        } else {
            assert_eq!(exec, Value::Nil, "trial {trial}");
            assert_eq!(value, None, "trial {trial}: an aborted EXEC wrote");
        }
    }
    assert!(
        committed >= 2,
        "only {committed} of 3 transactions committed after deleting another key"
    );
}

/// CLIENT KILL on a node closes another client's connection to that node, found by id or
/// by address, and the killed client sees its connection end; the killer stays connected.
#[test]
fn client_kill_closes_another_connection() {
    for target in targets() {
        let mut admin = target.client();
        let url = format!("redis://127.0.0.1:{}/", target.port);
        let open = || {
            let conn = redis::Client::open(url.as_str())
                .and_then(|c| c.get_connection_with_timeout(common::CLIENT_TIMEOUT))
                .expect("connect with the redis crate");
            conn.set_read_timeout(Some(common::CLIENT_TIMEOUT))
                .expect("read timeout");
            conn
        };
        let mut by_id = open();
        let id: i64 = redis::cmd("CLIENT")
            .arg("ID")
            .query(&mut by_id)
            .expect("CLIENT ID");
        let killed: i64 = redis::cmd("CLIENT")
            .arg("KILL")
            .arg("ID")
            .arg(id)
            .query(&mut admin)
            .expect("CLIENT KILL ID");
        assert_eq!(killed, 1, "{}", target.role);
        let after: redis::RedisResult<String> = redis::cmd("PING").query(&mut by_id);
        assert!(
            after.is_err(),
            "{}: a killed connection answered",
            target.role
        );

        let mut by_addr = open();
        let info: String = redis::cmd("CLIENT")
            .arg("INFO")
            .query(&mut by_addr)
            .expect("CLIENT INFO");
        let addr = info
            .split_whitespace()
            .find_map(|field| field.strip_prefix("addr="))
            .expect("addr in CLIENT INFO")
            .to_string();
        let reply: String = redis::cmd("CLIENT")
            .arg("KILL")
            .arg(&addr)
            .query(&mut admin)
            .expect("CLIENT KILL ip:port");
        assert_eq!(reply, "OK");
        let after: redis::RedisResult<String> = redis::cmd("PING").query(&mut by_addr);
        assert!(
            after.is_err(),
            "{}: a killed connection answered",
            target.role
        );

        let pong: String = redis::cmd("PING").query(&mut admin).expect("PING");
        assert_eq!(pong, "PONG", "{}: the killer stays connected", target.role);
    }
}

#[test]
fn expired_keys_vanish_on_every_node() {
    let shared = cluster::shared();
    for target in targets() {
        let key = format!("expiry:{}:k", target.role);
        let mut conn = target.client();
        let sent = Instant::now();
        let reply: Value = redis::cmd("SET")
            .arg(&key)
            .arg("v")
            .arg("PX")
            .arg(200)
            .query(&mut conn)
            .expect("SET PX");
        assert_eq!(reply, Value::Okay);
        let pttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut conn).expect("PTTL");
        let ttl: i64 = redis::cmd("TTL").arg(&key).query(&mut conn).expect("TTL");
        // On a stalled machine the key may already be gone; only then is -2 right.
        if sent.elapsed() < Duration::from_millis(200) {
            assert!((1..=200).contains(&pttl), "{}: PTTL {pttl}", target.role);
            assert!((0..=1).contains(&ttl), "{}: TTL {ttl}", target.role);
        } else {
            assert!(
                pttl == -2 || (1..=200).contains(&pttl),
                "{}: PTTL {pttl}",
                target.role
            );
            assert!(matches!(ttl, -2 | 0 | 1), "{}: TTL {ttl}", target.role);
        }
        for &port in &shared.ports {
            let mut node = common::connect(port).expect("connect");
            wait_until(
                DEADLINE,
                &format!("{key} to expire on port {port}"),
                || match common::get(&mut node, &key).map_err(|e| e.to_string())? {
                    None => Ok(()),
                    Some(v) => Err(format!("still {v:?}")),
                },
            );
            // Once gone, gone for good: every view of the key agrees.
            let exists: i64 = redis::cmd("EXISTS")
                .arg(&key)
                .query(&mut node)
                .expect("EXISTS");
            let ttl: i64 = redis::cmd("TTL").arg(&key).query(&mut node).expect("TTL");
            let pttl: i64 = redis::cmd("PTTL").arg(&key).query(&mut node).expect("PTTL");
            let kind: String = redis::cmd("TYPE").arg(&key).query(&mut node).expect("TYPE");
            let value = common::get(&mut node, &key).expect("GET");
            assert_eq!(
                (exists, ttl, pttl, kind.as_str(), value),
                (0, -2, -2, "none", None),
                "{}: port {port} after expiry",
                target.role
            );
        }
    }
}

/// Returns the replies of `cmd` on every node of the shared cluster, for agreement checks.
fn on_every_node(ports: &[u16], cmd: &redis::Cmd) -> Vec<Value> {
    ports
        .iter()
        .map(|&port| {
            let mut conn = common::connect(port).expect("connect");
            cmd.query(&mut conn)
                .unwrap_or_else(|e| panic!("{cmd:?} on port {port}: {e}"))
        })
        .collect()
}

/// Collects every key a full SCAN with `args` returns, checking the cursor protocol.
fn scan_all(conn: &mut common::Client, args: &[&str]) -> Vec<String> {
    let mut cursor = "0".to_owned();
    let mut keys = Vec::new();
    for _ in 0..10_000 {
        let (next, batch): (String, Vec<String>) = redis::cmd("SCAN")
            .arg(&cursor)
            .arg(args)
            .query(conn)
            .expect("SCAN");
        keys.extend(batch);
        if next == "0" {
            keys.sort();
            keys.dedup();
            return keys;
        }
        cursor = next;
    }
    panic!("SCAN {args:?} never returned cursor 0");
}

#[test]
fn whole_keyspace_commands() {
    let cluster = TestCluster::start(3);
    let ports: Vec<u16> = cluster
        .ids()
        .iter()
        .map(|&id| cluster.resp_port(id))
        .collect();
    let (leader, follower) = cluster::roles(&ports);
    for (role, port) in [("leader", leader), ("follower", follower)] {
        let mut conn = common::connect(port).expect("connect");
        let flushed: Value = redis::cmd("FLUSHALL").query(&mut conn).expect("FLUSHALL");
        assert_eq!(flushed, Value::Okay, "{role}");
        // Reads are linearizable on every node, so no node may still see the old keys.
        assert_eq!(
            on_every_node(&ports, &redis::cmd("DBSIZE")),
            vec![Value::Int(0); 3],
            "{role}: DBSIZE after FLUSHALL"
        );
        let digest: String = redis::cmd("DEBUG")
            .arg("DIGEST")
            .query(&mut conn)
            .expect("DIGEST");
        assert!(
            !digest.is_empty() && digest.bytes().all(|b| b == b'0'),
            "{role}: digest of an empty keyspace: {digest:?}"
        );

        let keys = ["a", "b", "c1", "c2", "d"];
        let mut mset = redis::cmd("MSET");
        for key in keys {
            mset.arg(key).arg(format!("value-{key}"));
        }
        let reply: Value = mset.query(&mut conn).expect("MSET");
        assert_eq!(reply, Value::Okay);
        assert_eq!(
            on_every_node(&ports, &redis::cmd("DBSIZE")),
            vec![Value::Int(5); 3],
            "{role}: DBSIZE after MSET"
        );
        let digests = on_every_node(&ports, redis::cmd("DEBUG").arg("DIGEST"));
        assert!(
            digests.iter().all(|d| *d == digests[0]),
            "{role}: nodes disagree on the digest: {digests:?}"
        );
        assert_ne!(digests[0], Value::BulkString(digest.into_bytes()), "{role}");

        let mut all: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut conn).expect("KEYS");
        all.sort();
        assert_eq!(all, keys, "{role}: KEYS *");
        assert_eq!(scan_all(&mut conn, &["COUNT", "2"]), keys, "{role}: SCAN");
        assert_eq!(
            scan_all(&mut conn, &["MATCH", "c*", "COUNT", "1"]),
            ["c1", "c2"],
            "{role}: SCAN MATCH"
        );
        assert_eq!(
            scan_all(&mut conn, &["TYPE", "string"]),
            keys,
            "{role}: SCAN TYPE string"
        );
        assert!(
            scan_all(&mut conn, &["TYPE", "hash"]).is_empty(),
            "{role}: SCAN TYPE hash"
        );
        for (args, error) in [
            (vec!["x"], "ERR invalid cursor"),
            (vec!["0", "COUNT", "0"], "ERR syntax error"),
            (vec!["0", "TYPE"], "ERR syntax error"),
            (vec!["0", "FOO", "1"], "ERR syntax error"),
        ] {
            let reply =
                redis::ConnectionLike::req_command(&mut conn, redis::cmd("SCAN").arg(&args))
                    .expect("SCAN");
            assert_eq!(
                crate::script::render(&reply),
                format!("(error) {error}"),
                "{role}: SCAN {args:?}"
            );
        }

        let flushed: Value = redis::cmd("FLUSHDB")
            .arg("ASYNC")
            .query(&mut conn)
            .expect("FLUSHDB");
        assert_eq!(flushed, Value::Okay, "{role}");
        assert_eq!(
            on_every_node(&ports, &redis::cmd("DBSIZE")),
            vec![Value::Int(0); 3],
            "{role}: DBSIZE after FLUSHDB"
        );
        for (cmd, args, error) in [
            ("FLUSHALL", vec!["foo"], "ERR syntax error"),
            (
                "DBSIZE",
                vec!["x"],
                "ERR wrong number of arguments for 'dbsize' command",
            ),
        ] {
            let reply = redis::ConnectionLike::req_command(&mut conn, redis::cmd(cmd).arg(&args))
                .expect("a reply");
            assert_eq!(
                crate::script::render(&reply),
                format!("(error) {error}"),
                "{role}"
            );
        }

        // Short-lived keys stay counted until the leader purges them through the log.
        let mut pipe = redis::pipe();
        for i in 0..10 {
            pipe.cmd("SET")
                .arg(format!("ttl{i}"))
                .arg("v")
                .arg("PX")
                .arg(300)
                .ignore();
        }
        pipe.set("persistent", "v").ignore();
        let () = pipe.query(&mut conn).expect("SET PX pipeline");
        let dbsize: i64 = redis::cmd("DBSIZE").query(&mut conn).expect("DBSIZE");
        assert!((1..=11).contains(&dbsize), "{role}: DBSIZE {dbsize}");
        for &port in &ports {
            let mut node = common::connect(port).expect("connect");
            wait_until(DEADLINE, &format!("DBSIZE 1 on port {port}"), || {
                let size: i64 = redis::cmd("DBSIZE")
                    .query(&mut node)
                    .map_err(|e| e.to_string())?;
                if size == 1 {
                    Ok(())
                } else {
                    Err(format!("DBSIZE {size}"))
                }
            });
            let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut node).expect("KEYS");
            assert_eq!(keys, ["persistent"], "{role}: port {port}");
        }
    }
    cluster.finish();
}

#[test]
fn hello_switches_protocol() {
    for target in targets() {
        let who = target.role;
        let mut conn = target.client();
        let hello: Value = redis::cmd("HELLO")
            .arg(3)
            .query(&mut conn)
            .expect("HELLO 3");
        let Value::Map(pairs) = hello else {
            panic!("{who}: HELLO 3 answered {hello:?}");
        };
        let field = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == Value::BulkString(name.as_bytes().to_vec()))
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("{who}: HELLO 3 has no {name}: {pairs:?}"))
        };
        assert_eq!(
            field("server"),
            Value::BulkString(b"redis".to_vec()),
            "{who}"
        );
        assert_eq!(field("proto"), Value::Int(3), "{who}");
        assert_eq!(
            field("mode"),
            Value::BulkString(b"standalone".to_vec()),
            "{who}"
        );
        assert!(matches!(field("id"), Value::Int(id) if id > 0), "{who}");
        let Value::BulkString(version) = field("version") else {
            panic!("{who}: version is not a string");
        };
        assert!(version.starts_with(b"7."), "{who}: version {version:?}");
        // RESP3 replies: a missing key is a RESP3 null, a map stays a map.
        let missing =
            redis::ConnectionLike::req_command(&mut conn, redis::cmd("GET").arg("hello:missing"))
                .expect("GET");
        assert_eq!(missing, Value::Nil, "{who}");
        let hello: Value = redis::cmd("HELLO")
            .arg(2)
            .query(&mut conn)
            .expect("HELLO 2");
        let Value::Array(flat) = hello else {
            panic!("{who}: HELLO 2 answered {hello:?}");
        };
        assert_eq!(flat.len() % 2, 0, "{who}: HELLO 2 is a flat list of pairs");
        assert!(
            flat.contains(&Value::Int(2)),
            "{who}: HELLO 2 reports proto 2"
        );
        let pong: String = redis::cmd("PING").query(&mut conn).expect("PING");
        assert_eq!(pong, "PONG");
    }
}

#[test]
fn client_commands_describe_the_connection() {
    for target in targets() {
        let who = target.role;
        let mut conn = target.client();
        let id: i64 = redis::cmd("CLIENT")
            .arg("ID")
            .query(&mut conn)
            .expect("CLIENT ID");
        let name = format!("compat-{who}");
        let ok: Value = redis::cmd("CLIENT")
            .arg("SETNAME")
            .arg(&name)
            .query(&mut conn)
            .expect("SETNAME");
        assert_eq!(ok, Value::Okay);
        for (attr, value) in [("LIB-NAME", "compat"), ("lib-ver", "1.0")] {
            let ok: Value = redis::cmd("CLIENT")
                .arg("SETINFO")
                .arg(attr)
                .arg(value)
                .query(&mut conn)
                .expect("SETINFO");
            assert_eq!(ok, Value::Okay, "{who}: CLIENT SETINFO {attr}");
        }
        for (args, error) in [
            (
                vec!["SETINFO", "lib-name", "a b"],
                "ERR lib-name cannot contain spaces, newlines or special characters.",
            ),
            (vec!["SETINFO", "foo", "x"], "ERR Unrecognized option 'foo'"),
            (
                vec!["SETINFO", "lib-name"],
                "ERR wrong number of arguments for 'client|setinfo' command",
            ),
        ] {
            let reply =
                redis::ConnectionLike::req_command(&mut conn, redis::cmd("CLIENT").arg(&args))
                    .expect("a reply");
            assert_eq!(
                crate::script::render(&reply),
                format!("(error) {error}"),
                "{who}: CLIENT {args:?}"
            );
        }
        let info: String = redis::cmd("CLIENT")
            .arg("INFO")
            .query(&mut conn)
            .expect("CLIENT INFO");
        for field in [
            format!("id={id} "),
            format!(" name={name} "),
            " db=0 ".to_owned(),
            " lib-name=compat ".to_owned(),
            " lib-ver=1.0".to_owned(),
        ] {
            assert!(
                info.contains(&field),
                "{who}: CLIENT INFO lacks {field:?}: {info:?}"
            );
        }
        let list: String = redis::cmd("CLIENT")
            .arg("LIST")
            .query(&mut conn)
            .expect("CLIENT LIST");
        assert!(
            list.lines()
                .any(|line| line.starts_with(&format!("id={id} ")) && line.contains(&name)),
            "{who}: CLIENT LIST lacks this client: {list:?}"
        );
        let only: String = redis::cmd("CLIENT")
            .arg("LIST")
            .arg("ID")
            .arg(id)
            .query(&mut conn)
            .expect("CLIENT LIST ID");
        assert_eq!(
            only.lines().count(),
            1,
            "{who}: CLIENT LIST ID {id}: {only:?}"
        );
    }
}

#[test]
fn server_description_commands() {
    let mut checked = Vec::new();
    if let Some(reference) = cluster::reference() {
        checked.push(Target {
            role: "reference",
            port: reference.ports[0],
        });
    }
    checked.extend(targets());
    for target in checked {
        let who = target.role;
        let mut conn = target.client();
        let count: i64 = redis::cmd("COMMAND")
            .arg("COUNT")
            .query(&mut conn)
            .expect("COUNT");
        let all: Vec<Value> = redis::cmd("COMMAND").query(&mut conn).expect("COMMAND");
        assert_eq!(count as usize, all.len(), "{who}: COMMAND COUNT");
        let names: BTreeSet<String> = all
            .iter()
            .filter_map(|entry| match entry {
                Value::Array(fields) => match fields.first() {
                    Some(Value::BulkString(name)) => {
                        Some(String::from_utf8_lossy(name).into_owned())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for name in [
            "get",
            "set",
            "incrbyfloat",
            "multi",
            "exec",
            "watch",
            "scan",
            "expiretime",
            "hello",
            "client",
        ] {
            assert!(names.contains(name), "{who}: COMMAND lacks {name}");
        }
        let info: Vec<Value> = redis::cmd("COMMAND")
            .arg("INFO")
            .arg("get")
            .arg("nosuchcommand")
            .query(&mut conn)
            .expect("COMMAND INFO");
        let [Value::Array(get), Value::Nil] = &info[..] else {
            panic!("{who}: COMMAND INFO get nosuchcommand answered {info:?}");
        };
        assert_eq!(
            &get[..2],
            [Value::BulkString(b"get".to_vec()), Value::Int(2)],
            "{who}"
        );
        assert_eq!(
            &get[3..6],
            [Value::Int(1), Value::Int(1), Value::Int(1)],
            "{who}: key spec"
        );
        let set_arity = redis::cmd("COMMAND")
            .arg("INFO")
            .arg("SET")
            .query::<Vec<Vec<Value>>>(&mut conn)
            .expect("COMMAND INFO SET");
        assert_eq!(set_arity[0][1], Value::Int(-3), "{who}: SET arity");
        let docs: Value = redis::cmd("COMMAND")
            .arg("DOCS")
            .arg("get")
            .query(&mut conn)
            .expect("COMMAND DOCS");
        // Keyed by the command name; compat/docs.rs checks the docs themselves.
        let Value::Array(docs) = docs else {
            panic!("{who}: COMMAND DOCS get answered {docs:?}");
        };
        assert!(
            docs.len() == 2 && docs[0] == Value::BulkString(b"get".to_vec()),
            "{who}: COMMAND DOCS get answered {docs:?}"
        );

        let server: String = redis::cmd("INFO")
            .arg("server")
            .query(&mut conn)
            .expect("INFO server");
        assert!(server.starts_with("# Server\r\n"), "{who}: {server:?}");
        assert!(server.contains("\r\nredis_version:7."), "{who}: {server:?}");
        assert!(
            server.contains(&format!("\r\ntcp_port:{}\r\n", target.port)),
            "{who}: {server:?}"
        );
        let keyspace: String = redis::cmd("INFO")
            .arg("keyspace")
            .query(&mut conn)
            .expect("INFO keyspace");
        assert!(
            keyspace.starts_with("# Keyspace\r\n"),
            "{who}: {keyspace:?}"
        );

        let port: Vec<String> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("port")
            .query(&mut conn)
            .expect("CONFIG GET");
        assert_eq!(port, ["port".to_owned(), target.port.to_string()], "{who}");
        let everything: Vec<String> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("*")
            .query(&mut conn)
            .expect("CONFIG GET *");
        assert_eq!(
            everything.len() % 2,
            0,
            "{who}: CONFIG GET * is name/value pairs"
        );
        assert!(everything.contains(&"maxclients".to_owned()), "{who}");

        let (secs, micros): (String, String) = redis::cmd("TIME").query(&mut conn).expect("TIME");
        let secs: u64 = secs.parse().expect("TIME seconds are a number");
        let micros: u64 = micros.parse().expect("TIME microseconds are a number");
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        assert!(secs.abs_diff(now) <= 5, "{who}: TIME {secs} vs {now}");
        assert!(micros < 1_000_000, "{who}: TIME micros {micros}");
    }
}

#[test]
fn debug_digest_has_the_redis_format() {
    for target in targets() {
        let mut conn = target.client();
        common::set(&mut conn, "digest:k", "v").expect("SET");
        let digest: String = redis::cmd("DEBUG")
            .arg("DIGEST")
            .query(&mut conn)
            .expect("DIGEST");
        assert!(
            digest.len() == 40 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
            "{}: DEBUG DIGEST {digest:?} is not 40 hex digits (a SHA-1, as in Redis)",
            target.role
        );
    }
}
