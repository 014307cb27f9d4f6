//! DUMP, RESTORE and MIGRATE between raft-kv and a real redis-server 7.0: a value of every type
//! and encoding, serialized by one and restored by the other, reads back the same.
//!
//! A payload is Redis's RDB serialization, so this is what moving data into and out of a
//! raft-kv cluster with Redis's own tools relies on: `MIGRATE` from a redis-server, or any
//! tool that copies keys with DUMP and RESTORE.

use redis::Value;

use crate::cluster::{self, targets};
use crate::common::Client;

/// Writes the values the checks move, under `prefix`: every type, small (Redis's compact
/// encodings) and big (its hash tables, skiplists and multi-node quicklists), strings that
/// Redis stores as integers or compresses, and a stream with a consumer group and pending
/// entries.
fn write_values(conn: &mut Client, prefix: &str) -> Vec<String> {
    let key = |name: &str| format!("{prefix}{name}");
    let many = |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>();
    let mut pipe = redis::pipe();
    pipe.cmd("SET").arg(key("str")).arg("hello world");
    pipe.cmd("SET").arg(key("int")).arg("-1234567");
    pipe.cmd("SET").arg(key("long")).arg("abc".repeat(300));
    pipe.cmd("SET").arg(key("empty")).arg("");
    pipe.cmd("RPUSH")
        .arg(key("list"))
        .arg(&["a", "b", "17", "-3", ""]);
    pipe.cmd("RPUSH")
        .arg(key("biglist"))
        .arg(many(5000, &|i| format!("element-{i}")));
    pipe.cmd("SADD")
        .arg(key("intset"))
        .arg(&["3", "1", "-2", "70000"]);
    pipe.cmd("SADD").arg(key("set")).arg(&["x", "y", "z"]);
    pipe.cmd("SADD")
        .arg(key("bigset"))
        .arg(many(1000, &|i| format!("member-{i}")));
    pipe.cmd("ZADD")
        .arg(key("zset"))
        .arg(&["1", "a", "2.5", "b", "-inf", "c"]);
    let mut scored = Vec::new();
    for i in 0..500 {
        scored.push(format!("{}", f64::from(i) / 7.0));
        scored.push(format!("m{i}"));
    }
    pipe.cmd("ZADD").arg(key("bigzset")).arg(scored);
    pipe.cmd("HSET")
        .arg(key("hash"))
        .arg(&["f", "v", "n", "12", "e", ""]);
    pipe.cmd("HSET")
        .arg(key("bighash"))
        .arg(many(600, &|i| format!("field-{}", i / 2)));
    for i in 1..=5 {
        pipe.cmd("XADD")
            .arg(key("stream"))
            .arg(format!("{i}-1"))
            .arg("n")
            .arg(i);
    }
    pipe.cmd("XDEL").arg(key("stream")).arg("2-1");
    pipe.cmd("XGROUP")
        .arg("CREATE")
        .arg(key("stream"))
        .arg("workers")
        .arg("0");
    pipe.cmd("XREADGROUP")
        .arg("GROUP")
        .arg("workers")
        .arg("alice")
        .arg("COUNT")
        .arg(2)
        .arg("STREAMS")
        .arg(key("stream"))
        .arg(">");
    pipe.cmd("XACK")
        .arg(key("stream"))
        .arg("workers")
        .arg("1-1");
    pipe.query::<Value>(conn)
        .unwrap_or_else(|e| panic!("writing the values under {prefix}: {e}"));
    [
        "str", "int", "long", "empty", "list", "biglist", "intset", "set", "bigset", "zset",
        "bigzset", "hash", "bighash", "stream",
    ]
    .into_iter()
    .map(key)
    .collect()
}

/// What `key` holds, read in a form that does not depend on the server's internal order
/// (members and fields sorted), or on when it was read (pending entries without idle times).
fn contents(conn: &mut Client, key: &str) -> Result<String, String> {
    let query = |conn: &mut Client, args: &[&str]| -> Result<Value, String> {
        let mut cmd = redis::cmd(args[0]);
        for arg in &args[1..] {
            cmd.arg(*arg);
        }
        cmd.query(conn).map_err(|e| format!("{args:?}: {e}"))
    };
    let kind = match query(conn, &["TYPE", key])? {
        Value::SimpleString(kind) => kind,
        other => return Err(format!("TYPE {key}: {other:?}")),
    };
    let sorted = |value: Value| -> String {
        let mut items = match value {
            Value::Array(items) => items.iter().map(|v| format!("{v:?}")).collect(),
            other => vec![format!("{other:?}")],
        };
        items.sort();
        items.join(",")
    };
    let shown = match kind.as_str() {
        "string" => format!("{:?}", query(conn, &["GET", key])?),
        "list" => format!("{:?}", query(conn, &["LRANGE", key, "0", "-1"])?),
        "set" => sorted(query(conn, &["SMEMBERS", key])?),
        "zset" => format!(
            "{:?}",
            query(conn, &["ZRANGE", key, "0", "-1", "WITHSCORES"])?
        ),
        "hash" => {
            let pairs = match query(conn, &["HGETALL", key])? {
                Value::Array(items) => items,
                other => return Err(format!("HGETALL {key}: {other:?}")),
            };
            let mut pairs: Vec<String> = pairs.chunks(2).map(|pair| format!("{pair:?}")).collect();
            pairs.sort();
            pairs.join(",")
        }
        "stream" => format!(
            "{:?} {:?} {:?} {:?}",
            query(conn, &["XRANGE", key, "-", "+"])?,
            query(conn, &["XINFO", "GROUPS", key])?,
            query(conn, &["XPENDING", key, "workers"])?,
            query(conn, &["XLEN", key])?,
        ),
        "none" => return Err(format!("{key} is missing")),
        other => return Err(format!("{key} has the unexpected type {other}")),
    };
    Ok(format!("{kind}: {shown}"))
}

/// DUMP `key` from `from`, RESTORE it as `to_key` (REPLACE, with a TTL) into `to`.
fn copy_key(from: &mut Client, key: &str, to: &mut Client, to_key: &str) -> Result<(), String> {
    let payload: Vec<u8> = redis::cmd("DUMP")
        .arg(key)
        .query(from)
        .map_err(|e| format!("DUMP {key}: {e}"))?;
    let restored: Value = redis::cmd("RESTORE")
        .arg(to_key)
        .arg(600_000)
        .arg(payload)
        .arg("REPLACE")
        .query(to)
        .map_err(|e| format!("RESTORE {to_key}: {e}"))?;
    if restored != Value::Okay {
        return Err(format!("RESTORE {to_key}: {restored:?}"));
    }
    let ttl: i64 = redis::cmd("PTTL")
        .arg(to_key)
        .query(to)
        .map_err(|e| format!("PTTL {to_key}: {e}"))?;
    if !(1..=600_000).contains(&ttl) {
        return Err(format!("{to_key}: PTTL {ttl} after RESTORE with 600000"));
    }
    Ok(())
}

/// Moves every value both ways between the reference redis-server and raft-kv (written
/// through the leader, restored through a follower and read back through the leader), and
/// checks that each reads back as it was written.
fn cross(prefix: &str) -> Result<(), String> {
    let Some(reference) = cluster::reference() else {
        return Ok(());
    };
    let [leader, follower] = targets();
    let mut redis_server = crate::common::connect(reference.ports[0])
        .map_err(|e| format!("connect to redis-server: {e}"))?;
    let (mut leader, mut follower) = (leader.client(), follower.client());
    let theirs = write_values(&mut redis_server, &format!("{prefix}redis:"));
    let ours = write_values(&mut leader, &format!("{prefix}raft-kv:"));
    let mut failures = Vec::new();
    for (their_key, our_key) in theirs.iter().zip(&ours) {
        let moved_in = format!("{our_key}:from-redis");
        let moved_out = format!("{their_key}:from-raft-kv");
        let result = copy_key(&mut redis_server, their_key, &mut follower, &moved_in)
            .and_then(|()| copy_key(&mut leader, our_key, &mut redis_server, &moved_out))
            .and_then(|()| {
                let original = contents(&mut redis_server, their_key)?;
                let seen = [
                    contents(&mut leader, &moved_in)?,
                    contents(&mut leader, our_key)?,
                    contents(&mut redis_server, &moved_out)?,
                ];
                match seen.iter().find(|s| **s != original) {
                    None => Ok(()),
                    Some(differs) => Err(format!(
                        "{their_key}: redis-server holds\n    {original}\nbut found\n    {differs}"
                    )),
                }
            });
        if let Err(failure) = result {
            failures.push(failure);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

#[test]
fn dump_payloads_cross_between_raft_kv_and_redis_server() {
    let prefix = format!("dump:{}:", std::process::id());
    cluster::shared().check("DUMP and RESTORE both ways", cross(&prefix));
}

/// `MIGRATE` on a redis-server moves keys into raft-kv: it sends RESTORE (after a SELECT of
/// database 0) to whichever node it is pointed at, a follower included.
#[test]
fn migrate_from_redis_server_moves_keys_into_raft_kv() {
    let Some(reference) = cluster::reference() else {
        return;
    };
    let prefix = format!("migrate:{}:", std::process::id());
    let mut redis_server =
        crate::common::connect(reference.ports[0]).expect("connect to redis-server");
    let keys = write_values(&mut redis_server, &prefix);
    let expected: Vec<String> = keys
        .iter()
        .map(|k| contents(&mut redis_server, k).expect("read the values back"))
        .collect();
    let [leader, follower] = targets();
    let migrated: Value = redis::cmd("MIGRATE")
        .arg("127.0.0.1")
        .arg(follower.port)
        .arg("")
        .arg(0)
        .arg(10_000)
        .arg("KEYS")
        .arg(&keys)
        .query(&mut redis_server)
        .expect("MIGRATE");
    assert_eq!(migrated, Value::Okay);
    let left: i64 = redis::cmd("EXISTS")
        .arg(&keys)
        .query(&mut redis_server)
        .expect("EXISTS");
    assert_eq!(
        left, 0,
        "MIGRATE without COPY removes the keys from redis-server"
    );
    let mut leader = leader.client();
    for (key, want) in keys.iter().zip(&expected) {
        let got = contents(&mut leader, key).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&got, want, "{key} after MIGRATE");
    }
}

/// `MIGRATE` on raft-kv moves keys out to a redis-server: through a follower, every type
/// arrives as it was and leaves raft-kv; with COPY it stays; a key the target refuses stays
/// here and the target's error is answered.
#[test]
fn migrate_from_raft_kv_moves_keys_to_redis_server() {
    let Some(reference) = cluster::reference() else {
        return;
    };
    let prefix = format!("migrate-out:{}:", std::process::id());
    let [leader, follower] = targets();
    let (mut leader, mut follower) = (leader.client(), follower.client());
    let keys = write_values(&mut leader, &prefix);
    let expected: Vec<String> = keys
        .iter()
        .map(|k| contents(&mut leader, k).expect("read the values back"))
        .collect();
    let migrate = |conn: &mut Client, key: &str, options: &[&str], keys: &[String]| {
        let mut cmd = redis::cmd("MIGRATE");
        cmd.arg("127.0.0.1")
            .arg(reference.ports[0])
            .arg(key)
            .arg(0)
            .arg(10_000)
            .arg(options);
        if !keys.is_empty() {
            cmd.arg("KEYS").arg(keys);
        }
        cmd.query::<Value>(conn)
    };
    let moved = migrate(&mut follower, "", &[], &keys).expect("MIGRATE KEYS");
    assert_eq!(moved, Value::Okay);
    let left: i64 = redis::cmd("EXISTS")
        .arg(&keys)
        .query(&mut leader)
        .expect("EXISTS");
    assert_eq!(
        left, 0,
        "MIGRATE without COPY removes the keys from raft-kv"
    );
    let mut redis_server =
        crate::common::connect(reference.ports[0]).expect("connect to redis-server");
    for (key, want) in keys.iter().zip(&expected) {
        let got = contents(&mut redis_server, key).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&got, want, "{key} on redis-server after MIGRATE");
    }

    // The target refuses a key it holds already: raft-kv keeps its own.
    let key = &keys[0];
    redis::cmd("SET")
        .arg(key)
        .arg("newer")
        .query::<()>(&mut leader)
        .expect("SET");
    let refused = migrate(&mut leader, key, &[], &[]).expect_err("MIGRATE onto a taken key");
    assert!(
        refused
            .to_string()
            .contains("Target instance replied with error: BUSYKEY"),
        "{refused}"
    );
    // COPY REPLACE overwrites it there and keeps it here.
    assert_eq!(
        migrate(&mut leader, key, &["COPY", "REPLACE"], &[]).expect("MIGRATE COPY"),
        Value::Okay
    );
    for conn in [&mut leader, &mut redis_server] {
        let value: String = redis::cmd("GET").arg(key).query(conn).expect("GET");
        assert_eq!(value, "newer");
    }
    // A key's TTL goes with it.
    let expiring = format!("{prefix}expiring");
    redis::cmd("SET")
        .arg(&expiring)
        .arg("soon")
        .arg("PX")
        .arg(600_000)
        .query::<()>(&mut leader)
        .expect("SET PX");
    assert_eq!(
        migrate(&mut leader, &expiring, &[], &[]).expect("MIGRATE"),
        Value::Okay
    );
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&expiring)
        .query(&mut redis_server)
        .expect("PTTL");
    assert!((1..=600_000).contains(&ttl), "PTTL {ttl} after MIGRATE");
    let none = migrate(&mut leader, &format!("{prefix}missing"), &[], &[]).expect("MIGRATE");
    assert_eq!(none, Value::SimpleString("NOKEY".into()));
}
