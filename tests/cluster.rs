//! End-to-end tests of the real `raft-kv` binary.
//!
//! Each test starts real processes through [`common::TestCluster`] and checks what a user of
//! the cluster observes: the issue's seed scenario on the Procfile's ports, crash recovery,
//! re-election, quorum loss, linearizable follower reads, startup errors, `redis-cli`
//! compatibility and the log lines that make catch-up visible.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    DEADLINE, Signal, TestCluster, free_port, get, get_retrying_on, is_retryable, run_to_exit, set,
    set_retrying_on, wait_until,
};

/// The harness's client survives `EINTR`, which a `redis::Connection` with the same read
/// timeout does not: a stop and continue of the test process (as CI's machine sometimes does)
/// interrupts a `recv` with a timeout. A one-shot server takes a PING, has a shell stop and
/// continue this process, and only then answers.
#[test]
fn harness_client_reads_again_after_the_test_process_is_stopped_and_continued() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback listener");
    let port = listener.local_addr().expect("a bound address").port();
    let me = std::process::id();
    let server = std::thread::spawn(move || {
        for _ in 0..2 {
            let (mut stream, _) = listener.accept().expect("accept the client");
            let mut request = [0; 64];
            let n = stream.read(&mut request).expect("read the PING");
            assert!(n > 0, "the client sent nothing");
            // The client is now waiting for the reply.
            let status = Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "sleep 0.2; kill -STOP {me}; sleep 0.2; kill -CONT {me}"
                ))
                .status()
                .expect("run sh");
            assert!(status.success(), "stop and continue: {status}");
            stream.write_all(b"+PONG\r\n").expect("answer the PING");
        }
    });

    // The crate's connect already sends a command (CLIENT SETINFO) and waits for its reply,
    // under the connect timeout; either wait may be the one interrupted.
    let plain = || -> redis::RedisResult<String> {
        let client = redis::Client::open(format!("redis://127.0.0.1:{port}/"))?;
        let mut conn = client.get_connection_with_timeout(Duration::from_secs(5))?;
        conn.set_read_timeout(Some(common::CLIENT_TIMEOUT))?;
        redis::cmd("PING").query(&mut conn)
    };
    let err = plain().expect_err("the redis crate's connection reports EINTR");
    assert!(err.to_string().contains("os error 4"), "{err}");

    let mut client = common::connect(port).expect("connect the harness client");
    let reply: String = redis::cmd("PING")
        .query(&mut client)
        .expect("the harness client reads again after EINTR");
    assert_eq!(reply, "PONG");
    server.join().expect("the one-shot server");
}

/// The issue's seed scenario: the Procfile's five nodes, node2 stopped and restarted while a
/// key changes, and node2 then serves the new value.
fn seed_scenario(signal: Signal) {
    let mut cluster = TestCluster::start_procfile();
    assert_eq!(
        cluster.ids(),
        vec![1, 2, 3, 4, 5],
        "the Procfile runs five nodes"
    );
    assert_eq!(cluster.resp_port(1), 63791, "node1 serves the seed's port");
    assert_eq!(cluster.resp_port(2), 63792, "node2 serves the seed's port");
    cluster.leader();

    let mut node1 = cluster.client(1);
    set(&mut node1, "mykey", "myvalue")
        .unwrap_or_else(|e| panic!("SET mykey myvalue on 63791: {e}"));

    let stopping = Instant::now();
    let status = cluster.stop(2, signal);
    eprintln!(
        "node2 exited with {status} {:?} after {signal:?}",
        stopping.elapsed()
    );
    match signal {
        Signal::Term => assert_eq!(status.code(), Some(0), "node2 exited with {status}"),
        Signal::Kill => assert_eq!(status.signal(), Some(9), "node2 exited with {status}"),
    }

    // If node2 led, the others need a moment to elect a successor: the client retries.
    set_retrying_on(&mut node1, 1, "mykey", "new-value");

    cluster.restart(2);
    let mut node2 = cluster.client(2);
    assert_eq!(
        get_retrying_on(&mut node2, 2, "mykey").as_deref(),
        Some("new-value"),
        "GET mykey on 63792 after node2's restart"
    );
    for id in cluster.ids() {
        assert_eq!(
            cluster.get_retrying(id, "mykey").as_deref(),
            Some("new-value"),
            "GET mykey on node {id}"
        );
    }
    cluster.finish();
}

#[test]
fn seed_scenario_with_sigterm() {
    seed_scenario(Signal::Term);
}

#[test]
fn seed_scenario_with_sigkill() {
    seed_scenario(Signal::Kill);
}

#[test]
fn killed_leader_is_replaced_and_catches_up_on_restart() {
    let mut cluster = TestCluster::start(5);
    let old_leader = cluster.leader();
    let old_term = cluster
        .info(old_leader)
        .unwrap_or_else(|e| panic!("{e}"))
        .term;

    let mut expected = BTreeMap::new();
    for id in cluster.ids() {
        let (key, value) = (format!("before:{id}"), format!("written-through-{id}"));
        cluster.set_retrying(id, &key, &value);
        expected.insert(key, value);
    }

    cluster.stop(old_leader, Signal::Kill);
    let new_leader = cluster.leader();
    assert_ne!(new_leader, old_leader, "a killed node cannot stay leader");
    let new_term = cluster
        .info(new_leader)
        .unwrap_or_else(|e| panic!("{e}"))
        .term;
    assert!(
        new_term > old_term,
        "new leader's term {new_term} must exceed the old leader's {old_term}"
    );

    for id in cluster.live() {
        let (key, value) = (format!("after:{id}"), format!("written-through-{id}"));
        cluster.set_retrying(id, &key, &value);
        expected.insert(key, value);
        let value = format!("overwritten-through-{id}");
        cluster.set_retrying(id, "before:1", &value);
        expected.insert("before:1".to_owned(), value);
    }

    cluster.restart(old_leader);
    let mut conn = cluster.client(old_leader);
    for (key, value) in &expected {
        assert_eq!(
            get_retrying_on(&mut conn, old_leader, key).as_deref(),
            Some(value.as_str()),
            "GET {key} on the restarted old leader {old_leader}"
        );
    }

    let ids = cluster.ids();
    wait_until(DEADLINE, "all five nodes to converge", || {
        let infos = ids
            .iter()
            .map(|&id| cluster.info(id))
            .collect::<Result<Vec<_>, _>>()?;
        let first = &infos[0];
        let converged = first.term >= new_term
            && first.leader_id != 0
            && infos.iter().all(|i| {
                i.term == first.term
                    && i.leader_id == first.leader_id
                    && i.commit_index == first.commit_index
                    && i.last_applied == first.commit_index
            });
        if converged {
            Ok(())
        } else {
            Err(format!("{infos:?}"))
        }
    });
    cluster.finish();
}

/// Writes that reach a follower go to the leader over the peer stream. When the leader dies
/// with some of them in flight, the follower answers those at once, as `TRYAGAIN ... may or
/// may not have applied`, rather than at the end of the command's wait (here a minute, longer
/// than the test client's read timeout); writes that arrive meanwhile wait for the new leader
/// and succeed. Every acknowledged write is there afterwards.
#[test]
fn writes_forwarded_to_a_leader_that_dies_are_answered_without_waiting_out_the_timeout() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    const CLIENTS: usize = 8;
    /// Far below the one-minute wait: only a write answered because the stream closed, or
    /// one that found the new leader, is answered in time.
    const ANSWER_BOUND: Duration = Duration::from_secs(10);
    let mut cluster = TestCluster::start_with(3, &["--wait-timeout-ms", "60000"]);
    let leader = cluster.leader();
    let follower = cluster.others(leader)[0];
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let mut conn = cluster.client(follower);
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut outcomes = Vec::new();
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) || started.elapsed() > DEADLINE {
                        break;
                    }
                    let key = format!("fw:{c}:{i}");
                    let sent = Instant::now();
                    let result = set(&mut conn, &key, "v");
                    if result.is_ok() {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                    }
                    let result = result.map_err(|e| (is_retryable(&e), e.to_string()));
                    outcomes.push((key, sent.elapsed(), result));
                }
                outcomes
            })
        })
        .collect();
    wait_until(
        DEADLINE,
        "writes through the follower",
        || match acknowledged.load(Ordering::SeqCst) {
            n if n >= 10 * CLIENTS => Ok(()),
            n => Err(format!("{n} acknowledged")),
        },
    );
    cluster.stop(leader, Signal::Kill);
    let before = acknowledged.load(Ordering::SeqCst);
    wait_until(
        DEADLINE,
        "writes through the follower after the kill",
        || match acknowledged.load(Ordering::SeqCst) - before {
            n if n >= 10 * CLIENTS => Ok(()),
            n => Err(format!("{n} acknowledged since the kill")),
        },
    );
    stop.store(true, Ordering::SeqCst);
    let outcomes: Vec<_> = writers
        .into_iter()
        .flat_map(|w| w.join().expect("a writer thread"))
        .collect();
    let mut unsure = 0;
    for (key, took, result) in &outcomes {
        assert!(
            *took < ANSWER_BOUND,
            "SET {key} through follower {follower} took {took:?}: {result:?}"
        );
        if let Err((retryable, e)) = result {
            assert!(
                retryable,
                "SET {key} through follower {follower} answered `{e}`"
            );
            unsure += 1;
        }
    }
    eprintln!(
        "{} writes through follower {follower}, {unsure} answered TRYAGAIN or CLUSTERDOWN",
        outcomes.len()
    );
    let new_leader = cluster.leader_among(&cluster.live());
    let mut conn = cluster.client(new_leader);
    for (key, _, result) in &outcomes {
        if result.is_ok() {
            assert_eq!(
                get(&mut conn, key).unwrap_or_else(|e| panic!("GET {key}: {e}")),
                Some("v".to_owned()),
                "acknowledged {key} on the new leader {new_leader}"
            );
        }
    }
    cluster.finish();
}

#[test]
fn every_acknowledged_write_survives_killing_all_nodes() {
    const KEYS: usize = 200;
    let mut cluster = TestCluster::start(5);
    cluster.leader();
    let ids = cluster.ids();
    let mut conns: Vec<_> = ids.iter().map(|&id| (id, cluster.client(id))).collect();

    let mut acknowledged = Vec::new();
    for n in 0..KEYS {
        let (id, conn) = &mut conns[n % ids.len()];
        let (key, value) = (format!("durable:{n}"), format!("value-{n}"));
        set_retrying_on(conn, *id, &key, &value);
        acknowledged.push((key, value));
    }
    drop(conns);

    cluster.kill_all();
    for &id in &ids {
        cluster.spawn(id);
    }
    for &id in &ids {
        cluster.wait_ready(id);
    }

    // No waiting for an election first: a node that answers must answer from the whole
    // committed log, not from whatever it has applied so far.
    for &id in &ids {
        let mut conn = cluster.client(id);
        // Newest first: the last writes are the ones a node may not know are committed.
        for (key, value) in acknowledged.iter().rev() {
            assert_eq!(
                get_retrying_on(&mut conn, id, key).as_deref(),
                Some(value.as_str()),
                "acknowledged write {key} read on node {id} after a full-cluster crash"
            );
        }
    }
    cluster.finish();
}

#[test]
fn writes_need_a_majority_and_fail_fast_without_one() {
    const WAIT_TIMEOUT: Duration = Duration::from_millis(2000);
    const MARGIN: Duration = Duration::from_millis(3000);
    let wait_ms = WAIT_TIMEOUT.as_millis().to_string();
    let mut cluster = TestCluster::start_with(5, &["--wait-timeout-ms", &wait_ms]);
    let mut acknowledged = BTreeMap::new();

    // Two of five down, one of them the leader: the other three elect and serve writes.
    let first_leader = cluster.leader();
    let also_down = cluster
        .ids()
        .into_iter()
        .find(|&id| id != first_leader)
        .expect("five nodes have a non-leader");
    cluster.stop(first_leader, Signal::Kill);
    cluster.stop(also_down, Signal::Kill);
    let leader = cluster.leader();
    for id in cluster.live() {
        let (key, value) = (format!("two-down:{id}"), format!("through-{id}"));
        cluster.set_retrying(id, &key, &value);
        acknowledged.insert(key, value);
    }

    // Three down: the surviving leader and follower cannot commit, and say so in time.
    let third = cluster
        .live()
        .into_iter()
        .find(|&id| id != leader)
        .expect("three live nodes have a follower");
    cluster.stop(third, Signal::Kill);
    for id in cluster.live() {
        let mut conn = cluster.client(id);
        let started = Instant::now();
        let result = set(&mut conn, &format!("three-down:{id}"), "unacknowledged");
        let elapsed = started.elapsed();
        let err = match result {
            Ok(()) => panic!("SET through node {id} succeeded with two of five nodes up"),
            Err(e) => e,
        };
        eprintln!("SET through node {id} without a majority: `{err}` after {elapsed:?}");
        assert!(
            is_retryable(&err),
            "SET through node {id} without a majority answered `{err}` after {elapsed:?}, \
             expected TRYAGAIN or CLUSTERDOWN"
        );
        assert!(
            elapsed > Duration::ZERO && elapsed < WAIT_TIMEOUT + MARGIN,
            "SET through node {id} took {elapsed:?}; bound is {WAIT_TIMEOUT:?} + {MARGIN:?}"
        );

        // A linearizable read cannot be served without a majority either; if a node answers
        // anyway (a lease), the answer must not be stale.
        let started = Instant::now();
        let read = get(&mut conn, &format!("two-down:{id}"));
        let elapsed = started.elapsed();
        match read {
            Ok(value) => assert_eq!(
                value.as_deref(),
                acknowledged
                    .get(&format!("two-down:{id}"))
                    .map(String::as_str),
                "GET on node {id} without a majority returned a stale value"
            ),
            Err(e) => assert!(
                is_retryable(&e) && elapsed < WAIT_TIMEOUT + MARGIN,
                "GET on node {id} without a majority answered `{e}` after {elapsed:?}"
            ),
        }
    }

    // A majority again: writes succeed through every live node.
    cluster.restart(third);
    for id in cluster.live() {
        let (key, value) = (format!("majority-back:{id}"), format!("through-{id}"));
        cluster.set_retrying(id, &key, &value);
        acknowledged.insert(key, value);
    }

    cluster.restart(first_leader);
    cluster.restart(also_down);
    for id in cluster.ids() {
        let mut conn = cluster.client(id);
        for (key, value) in &acknowledged {
            assert_eq!(
                get_retrying_on(&mut conn, id, key).as_deref(),
                Some(value.as_str()),
                "acknowledged write {key} read on node {id}"
            );
        }
    }
    cluster.finish();
}

/// A write goes to the log as one entry, and an entry must fit in one message between peers:
/// one larger than `--max-entry-bytes` is refused with an error, through the leader and
/// through a follower, a transaction's commands counting together. Nothing of it applies, and
/// the cluster goes on taking writes (an entry too large to send would stall every write
/// after it).
#[test]
fn writes_larger_than_one_log_entry_holds_are_refused() {
    const LIMIT: usize = 1 << 20;
    let limit = LIMIT.to_string();
    let cluster = TestCluster::start_with(3, &["--max-entry-bytes", &limit]);
    let leader = cluster.leader();
    let follower = cluster.others(leader)[0];
    let big = "x".repeat(LIMIT * 6 / 10);
    let huge = "x".repeat(LIMIT * 2);
    for id in [leader, follower] {
        let mut conn = cluster.client(id);
        let ok = format!("fits:{id}");
        set_retrying_on(&mut conn, id, &ok, &big);

        let err =
            set(&mut conn, &format!("huge:{id}"), &huge).expect_err("a SET larger than an entry");
        assert!(
            err.to_string().contains("write too large"),
            "SET of {} bytes through node {id}: {err}",
            huge.len()
        );

        let (a, b) = (format!("multi-a:{id}"), format!("multi-b:{id}"));
        redis::cmd("MULTI").exec(&mut conn).expect("MULTI");
        for key in [&a, &b] {
            let queued: String = command(&["SET", key, &big])
                .query(&mut conn)
                .unwrap_or_else(|e| panic!("SET {key} in MULTI: {e}"));
            assert_eq!(queued, "QUEUED");
        }
        let exec: redis::RedisResult<redis::Value> = redis::cmd("EXEC").query(&mut conn);
        let err = exec.expect_err("a transaction larger than an entry");
        assert!(
            err.to_string().contains("write too large"),
            "EXEC of two SETs of {} bytes through node {id}: {err}",
            big.len()
        );
        // The cluster goes on: a write after the refused ones commits and is read back.
        set_retrying_on(&mut conn, id, &format!("after:{id}"), "1");
        for key in [&a, &b, &format!("huge:{id}")] {
            assert_eq!(
                get(&mut conn, key).unwrap_or_else(|e| panic!("GET {key}: {e}")),
                None,
                "{key} through node {id}"
            );
        }
        assert_eq!(
            get(&mut conn, &ok)
                .unwrap_or_else(|e| panic!("GET {ok}: {e}"))
                .map(|v| v.len()),
            Some(big.len())
        );
    }
    cluster.finish();
}

#[test]
fn follower_reads_see_every_acknowledged_write() {
    const ROUNDS: usize = 200;
    let cluster = TestCluster::start(5);
    let leader = cluster.leader();
    let mut leader_conn = cluster.client(leader);
    let mut followers: Vec<_> = cluster
        .ids()
        .into_iter()
        .filter(|&id| id != leader)
        .map(|id| (id, cluster.client(id)))
        .collect();

    for round in 0..ROUNDS {
        let value = format!("value-{round}");
        set_retrying_on(&mut leader_conn, leader, "linearizable", &value);
        for (id, conn) in &mut followers {
            assert_eq!(
                get_retrying_on(conn, *id, "linearizable").as_deref(),
                Some(value.as_str()),
                "stale read on follower {id} right after round {round}'s SET was acknowledged"
            );
        }
    }
    cluster.finish();
}

/// Reads are answered from the leader's lease by default, and after a heartbeat round with
/// `--lease-reads false`. Either way a follower's read sees every acknowledged write, and the
/// leader's INFO counts which way it answered.
#[test]
fn reads_use_the_lease_unless_switched_off_and_stay_linearizable_both_ways() {
    const ROUNDS: usize = 50;
    for lease in [true, false] {
        let args: &[&str] = if lease {
            &[]
        } else {
            &["--lease-reads", "false"]
        };
        let cluster = TestCluster::start_with(5, args);
        let leader = cluster.leader();
        let mut leader_conn = cluster.client(leader);
        let follower = cluster
            .ids()
            .into_iter()
            .find(|&id| id != leader)
            .expect("a follower");
        let mut conn = cluster.client(follower);
        for round in 0..ROUNDS {
            let value = format!("value-{round}");
            set_retrying_on(&mut leader_conn, leader, "linearizable", &value);
            assert_eq!(
                get_retrying_on(&mut conn, follower, "linearizable").as_deref(),
                Some(value.as_str()),
                "lease {lease}: stale read on follower {follower} after round {round}"
            );
        }
        let fields = info_fields(&mut leader_conn, &["raft"]);
        let (by_lease, by_round) = (
            field_number(&fields, "reads_by_lease"),
            field_number(&fields, "reads_by_round"),
        );
        if lease {
            assert!(
                by_lease >= ROUNDS as u64 / 2 && by_lease > by_round,
                "reads by lease {by_lease}, by round {by_round}"
            );
        } else {
            assert_eq!(by_lease, 0, "no lease when switched off");
            assert!(by_round >= ROUNDS as u64, "reads by round {by_round}");
        }
        cluster.finish();
    }
}

/// Five distinct loopback peer addresses that were free a moment ago.
fn five_peers() -> Vec<String> {
    (0..5)
        .map(|_| format!("127.0.0.1:{}", free_port()))
        .collect()
}

/// Runs the binary with `args` in `cwd` and checks it refuses to start: a non-zero exit within
/// a deadline, no panic, and a short stderr whose error line mentions one of `hints`.
fn assert_rejected(case: &str, cwd: &Path, args: &[String], hints: &[String]) {
    let finished = run_to_exit(
        Command::new(common::BIN)
            .args(args)
            .current_dir(cwd)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1"),
        Duration::from_secs(15),
    );
    let stderr = &finished.stderr;
    assert!(
        !finished.status.success(),
        "{case}: the server accepted the config ({}); stderr:\n{stderr}",
        finished.status
    );
    assert!(
        finished.status.code().is_some(),
        "{case}: the server died from a signal ({}); stderr:\n{stderr}",
        finished.status
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
        "{case}: the server panicked instead of reporting the error:\n{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines.len() <= 5,
        "{case}: expected one clear error line, got {} lines:\n{stderr}",
        lines.len()
    );
    let clear = lines.iter().any(|line| {
        let line = line.to_lowercase();
        line.contains("error") && hints.iter().any(|h| line.contains(&h.to_lowercase()))
    });
    assert!(
        clear,
        "{case}: no error line mentions any of {hints:?}; stderr:\n{stderr}"
    );
}

fn node_args(id: &str, peers: &[String], resp_port: u16, data_dir: &Path) -> Vec<String> {
    vec![
        "--id".to_owned(),
        id.to_owned(),
        format!("--cluster={}", peers.join(",")),
        "--port".to_owned(),
        resp_port.to_string(),
        "--data-dir".to_owned(),
        data_dir.display().to_string(),
    ]
}

#[test]
fn bad_config_exits_nonzero_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    let data_dir = dir.path().join("data");
    let peers = five_peers();
    let id_hints = ["id".to_owned()];

    assert_rejected(
        "--id 0",
        dir.path(),
        &node_args("0", &peers, free_port(), &data_dir),
        &id_hints,
    );
    assert_rejected(
        "--id 6 with five peers",
        dir.path(),
        &node_args("6", &peers, free_port(), &data_dir),
        &id_hints,
    );

    let mut huge_bulk = node_args("1", &peers, free_port(), &data_dir);
    huge_bulk.extend(["--proto-max-bulk-len".to_owned(), "4294967296".to_owned()]);
    assert_rejected(
        "--proto-max-bulk-len beyond what a key or value can hold",
        dir.path(),
        &huge_bulk,
        &["proto-max-bulk-len".to_owned(), "536870912".to_owned()],
    );

    let mut huge_entry = node_args("1", &peers, free_port(), &data_dir);
    huge_entry.extend(["--max-entry-bytes".to_owned(), "1073741824".to_owned()]);
    assert_rejected(
        "--max-entry-bytes beyond what a peer message can carry",
        dir.path(),
        &huge_entry,
        &["max-entry-bytes".to_owned(), "1072693248".to_owned()],
    );

    let mut duplicated = peers.clone();
    duplicated[3] = duplicated[1].clone();
    assert_rejected(
        "duplicate peer address",
        dir.path(),
        &node_args("1", &duplicated, free_port(), &data_dir),
        &["duplicate".to_owned(), duplicated[1].clone()],
    );

    let busy = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let busy_port = busy
        .local_addr()
        .expect("bound listener has an address")
        .port();
    assert_rejected(
        "RESP port already in use",
        dir.path(),
        &node_args("1", &peers, busy_port, &data_dir),
        &["in use".to_owned(), busy_port.to_string()],
    );
    drop(busy);

    let blocker: PathBuf = dir.path().join("regular-file");
    std::fs::write(&blocker, b"not a directory").expect("create a regular file");
    assert_rejected(
        "data dir under a regular file",
        dir.path(),
        &node_args("1", &peers, free_port(), &blocker.join("node-1")),
        &[
            "data".to_owned(),
            "directory".to_owned(),
            blocker.display().to_string(),
        ],
    );
}

/// Returns the path of `program` if it is an executable file on `PATH`.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

#[test]
fn redis_cli_sets_and_gets_across_nodes() {
    let Some(redis_cli) = on_path("redis-cli") else {
        eprintln!("SKIPPED redis_cli_sets_and_gets_across_nodes: redis-cli is not on PATH");
        return;
    };
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let followers = cluster.others(leader);
    let cli = |id: u64, args: &[&str]| {
        let finished = run_to_exit(
            Command::new(&redis_cli)
                .args(["-h", "127.0.0.1", "-p", &cluster.resp_port(id).to_string()])
                .args(args),
            Duration::from_secs(20),
        );
        assert!(
            finished.status.success(),
            "redis-cli {args:?} on node {id} exited with {}: {}",
            finished.status,
            finished.stderr
        );
        finished.stdout.trim_end_matches(['\r', '\n']).to_owned()
    };

    assert_eq!(cli(followers[0], &["ping"]), "PONG");
    assert_eq!(cli(followers[0], &["set", "cli:key", "hello world"]), "OK");
    assert_eq!(cli(followers[1], &["get", "cli:key"]), "hello world");
    assert_eq!(cli(leader, &["get", "cli:key"]), "hello world");
    assert_eq!(cli(leader, &["ping"]), "PONG");
    let info = cli(leader, &["info", "raft"]);
    let parsed = common::RaftInfo::parse(&info)
        .unwrap_or_else(|e| panic!("redis-cli info raft on the leader: {e}"));
    assert_eq!((parsed.role.as_str(), parsed.node_id), ("leader", leader));
    cluster.finish();
}

/// `redis-cli SHUTDOWN` stops a node the way SIGTERM does: the leader asked hands over its
/// leadership and exits 0, the other two go on taking writes, and the node restarted from its
/// disk catches up with them.
#[test]
fn shutdown_command_stops_a_node_gracefully() {
    let Some(redis_cli) = on_path("redis-cli") else {
        eprintln!("SKIPPED shutdown_command_stops_a_node_gracefully: redis-cli is not on PATH");
        return;
    };
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let survivor = cluster
        .ids()
        .into_iter()
        .find(|&id| id != leader)
        .unwrap_or(1);
    let mut client = cluster.client(survivor);
    set_retrying_on(&mut client, survivor, "before", "1");

    let finished = run_to_exit(
        Command::new(&redis_cli)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &cluster.resp_port(leader).to_string(),
            ])
            .arg("shutdown"),
        Duration::from_secs(20),
    );
    assert!(
        finished.stdout.trim().is_empty(),
        "SHUTDOWN answered {:?}",
        finished.stdout
    );
    let status = cluster.wait_for_exit(leader);
    assert_eq!(status.code(), Some(0), "node {leader} exited with {status}");

    set_retrying_on(&mut client, survivor, "after", "2");
    let successor = cluster.leader();
    assert_ne!(successor, leader, "a new leader took over");

    cluster.restart(leader);
    assert_eq!(
        cluster.get_retrying(leader, "after").as_deref(),
        Some("2"),
        "node {leader} caught up after its restart"
    );
    cluster.finish();
}

/// Returns true when `line` carries a tracing field with a numeric value (`name=42`).
fn has_numeric_field(line: &str) -> bool {
    line.split_whitespace().any(|token| {
        token.split_once('=').is_some_and(|(name, value)| {
            !name.is_empty()
                && !value.is_empty()
                && value
                    .trim_end_matches(',')
                    .chars()
                    .all(|c| c.is_ascii_digit())
        })
    })
}

#[test]
fn restarted_node_logs_recovery_and_catch_up() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let lagging = cluster
        .ids()
        .into_iter()
        .find(|&id| id != leader)
        .expect("three nodes have a follower");
    cluster.set_retrying(leader, "catch-up:before", "on-disk");
    let mut lagging_conn = cluster.client(lagging);
    assert_eq!(
        get_retrying_on(&mut lagging_conn, lagging, "catch-up:before").as_deref(),
        Some("on-disk")
    );
    drop(lagging_conn);

    cluster.stop(lagging, Signal::Kill);
    let mut leader_conn = cluster.client(leader);
    for n in 0..20 {
        set_retrying_on(
            &mut leader_conn,
            leader,
            &format!("catch-up:missed:{n}"),
            "x",
        );
    }
    cluster.restart(lagging);
    let mut lagging_conn = cluster.client(lagging);
    assert_eq!(
        get_retrying_on(&mut lagging_conn, lagging, "catch-up:missed:19").as_deref(),
        Some("x")
    );

    let (recovered, caught_up) = wait_until(
        DEADLINE,
        "the restarted node to log recovery and catch-up",
        || {
            let log = cluster.log_since_last_start(lagging);
            let find = |phrase: &str| {
                log.lines()
                    .enumerate()
                    .find(|(_, line)| line.contains(phrase))
                    .map(|(n, line)| (n, line.to_owned()))
            };
            match (find("recovered from disk"), find("caught up with leader")) {
                (Some(recovered), Some(caught_up)) => Ok((recovered, caught_up)),
                (recovered, caught_up) => Err(format!(
                    "recovered: {recovered:?}, caught up: {caught_up:?}"
                )),
            }
        },
    );
    assert!(
        recovered.0 < caught_up.0,
        "recovery must be logged before catch-up:\n{}\n{}",
        recovered.1,
        caught_up.1
    );
    assert!(
        has_numeric_field(&recovered.1),
        "the recovery line should say where the node recovered to: {}",
        recovered.1
    );
    cluster.finish();
}

#[test]
fn numeric_field_detection() {
    assert!(has_numeric_field(
        "INFO raft_kv: recovered from disk last_index=42 term=3"
    ));
    assert!(!has_numeric_field("INFO raft_kv: recovered from disk"));
    assert!(!has_numeric_field(
        "INFO raft_kv: recovered from disk path=data/node-1"
    ));
}

#[test]
fn commands_through_followers_behave_like_one_server() {
    const INCREMENTS: i64 = 60;
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let ids = cluster.ids();
    let mut conns: Vec<_> = ids.iter().map(|&id| (id, cluster.client(id))).collect();

    // INCR through every node in turn: one counter, every acknowledged reply one higher than
    // the last. A retryable error leaves that increment's outcome unknown, so it widens the
    // accepted final range instead of failing the test.
    let mut last_reply = 0;
    let mut unknown = 0;
    for n in 0..INCREMENTS {
        let (id, conn) = &mut conns[n as usize % ids.len()];
        match redis::cmd("INCR").arg("counter").query::<i64>(conn) {
            Ok(reply) => {
                assert!(
                    reply > last_reply && reply <= last_reply + 1 + unknown,
                    "INCR #{n} through node {id} answered {reply} after {last_reply}"
                );
                last_reply = reply;
            }
            Err(e) if is_retryable(&e) => unknown += 1,
            Err(e) => panic!("INCR #{n} through node {id}: {e}"),
        }
    }
    for (id, conn) in &mut conns {
        let total: i64 = get_retrying_on(conn, *id, "counter")
            .unwrap_or_else(|| panic!("counter missing on node {id}"))
            .parse()
            .unwrap_or_else(|e| panic!("counter on node {id} is not a number: {e}"));
        assert!(
            (last_reply..=last_reply + unknown).contains(&total) && total >= INCREMENTS - unknown,
            "counter on node {id} is {total}; acknowledged up to {last_reply}, {unknown} unknown"
        );
    }

    // Conditional SETs forwarded by a follower return the leader's verdict.
    let follower = ids
        .iter()
        .copied()
        .find(|&id| id != leader)
        .expect("a follower");
    let mut conn = cluster.client(follower);
    let nx: Option<String> = redis::cmd("SET")
        .arg("cond")
        .arg("first")
        .arg("NX")
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("SET cond NX through node {follower}: {e}"));
    assert_eq!(nx.as_deref(), Some("OK"), "SET NX on a missing key");
    let nx_again: Option<String> = redis::cmd("SET")
        .arg("cond")
        .arg("second")
        .arg("NX")
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("SET cond NX through node {follower}: {e}"));
    assert_eq!(nx_again, None, "SET NX on an existing key must not write");
    let xx: Option<String> = redis::cmd("SET")
        .arg("missing")
        .arg("v")
        .arg("XX")
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("SET missing XX through node {follower}: {e}"));
    assert_eq!(xx, None, "SET XX on a missing key must not write");
    for (id, conn) in &mut conns {
        assert_eq!(get_retrying_on(conn, *id, "cond").as_deref(), Some("first"));
        assert_eq!(get_retrying_on(conn, *id, "missing"), None);
    }

    // DEL and EXISTS through a follower count keys the way the leader sees them.
    let deleted: i64 = redis::cmd("DEL")
        .arg("cond")
        .arg("counter")
        .arg("missing")
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("DEL through node {follower}: {e}"));
    assert_eq!(deleted, 2, "DEL of two existing keys and one missing key");
    for (id, conn) in &mut conns {
        let exists: i64 = redis::cmd("EXISTS")
            .arg("cond")
            .arg("counter")
            .query(conn)
            .unwrap_or_else(|e| panic!("EXISTS on node {id}: {e}"));
        assert_eq!(exists, 0, "deleted keys still exist on node {id}");
    }

    // An expiring key set through a follower is visible everywhere, then gone everywhere,
    // and not before its time: the leader stamps the expiry no earlier than `before_set`.
    const TTL: Duration = Duration::from_millis(3000);
    const CLOCK_SLACK: Duration = Duration::from_millis(100);
    let before_set = Instant::now();
    let reply: redis::Value = redis::cmd("SET")
        .arg("ephemeral")
        .arg("soon-gone")
        .arg("PX")
        .arg(TTL.as_millis() as u64)
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("SET ephemeral PX through node {follower}: {e}"));
    assert_eq!(reply, redis::Value::Okay);
    for (id, conn) in &mut conns {
        let value = get_retrying_on(conn, *id, "ephemeral");
        if before_set.elapsed() < TTL - CLOCK_SLACK {
            assert_eq!(
                value.as_deref(),
                Some("soon-gone"),
                "fresh key on node {id}"
            );
        }
    }
    for (id, conn) in &mut conns {
        wait_until(
            DEADLINE,
            &format!("ephemeral to expire on node {id}"),
            || match get_retrying_on(conn, *id, "ephemeral") {
                None => Ok(()),
                Some(v) => Err(format!("still {v:?} after {:?}", before_set.elapsed())),
            },
        );
        assert!(
            before_set.elapsed() >= TTL - CLOCK_SLACK,
            "ephemeral was gone from node {id} after {:?}, before its {TTL:?}",
            before_set.elapsed()
        );
    }
    cluster.finish();
}

/// Group commit: concurrent clients' writes share log writes (fsyncs) and AppendEntries
/// messages, while each write is still written once and sent to every follower (the one
/// a commit does not wait for may get it with the next heartbeat).
#[test]
fn concurrent_writes_share_fsyncs_and_appends() {
    const CLIENTS: usize = 32;
    const WRITES_EACH: usize = 50;
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let before = cluster.info(leader).expect("leader INFO");
    std::thread::scope(|scope| {
        for client in 0..CLIENTS {
            let cluster = &cluster;
            scope.spawn(move || {
                let mut conn = cluster.client(leader);
                for i in 0..WRITES_EACH {
                    let key = format!("batch:{client}:{i}");
                    set_retrying_on(&mut conn, leader, &key, "v");
                }
            });
        }
    });
    let writes = (CLIENTS * WRITES_EACH) as u64;
    // A commit needs one follower; the other may get its entries with the next heartbeat.
    wait_until(DEADLINE, "every write sent to both followers", || {
        let info = cluster.info(leader)?;
        let sent = info.append_entries_sent - before.append_entries_sent;
        if sent >= 2 * writes {
            Ok(())
        } else {
            Err(format!("{sent} entries sent for {writes} writes"))
        }
    });
    let after = cluster.info(leader).expect("leader INFO");
    assert_eq!(after.leader_id, leader, "leadership moved during the test");
    let fsyncs = after.wal_fsyncs - before.wal_fsyncs;
    let entries = after.wal_entries_written - before.wal_entries_written;
    let appends = after.appends_sent - before.appends_sent;
    let sent = after.append_entries_sent - before.append_entries_sent;
    assert!(
        entries >= writes,
        "{entries} entries written for {writes} writes"
    );
    assert!(
        sent >= 2 * writes,
        "{sent} entries sent to 2 followers for {writes} writes"
    );
    assert!(
        entries > fsyncs,
        "no group commit: {entries} entries took {fsyncs} fsyncs"
    );
    assert!(
        sent > appends,
        "no batching: {sent} entries took {appends} AppendEntries messages"
    );
    eprintln!(
        "{writes} writes from {CLIENTS} clients: {:.1} entries/fsync, {:.1} entries/AppendEntries",
        entries as f64 / fsyncs as f64,
        sent as f64 / appends as f64
    );
    cluster.finish();
}

/// Every cluster keys its keyspace's hash before its first write, with a key of its own that
/// all its nodes share: SCAN walks the keys in one order on every node of a cluster (a cursor
/// means the same on each), and another cluster holding the same keys walks another order,
/// so clients cannot predict, and crowd, the keyspace's hash chains.
#[test]
fn each_cluster_orders_its_keyspace_by_its_own_hash_key() {
    const KEYS: usize = 64;
    let scan_orders = |cluster: &TestCluster| -> Vec<Vec<String>> {
        let leader = cluster.leader();
        let mut conn = cluster.client(leader);
        for i in 0..KEYS {
            set_retrying_on(&mut conn, leader, &format!("key:{i}"), "v");
        }
        cluster
            .ids()
            .into_iter()
            .map(|id| {
                let mut conn = cluster.client(id);
                wait_until(DEADLINE, &format!("SCAN of every key on node {id}"), || {
                    let (cursor, keys): (u64, Vec<String>) = redis::cmd("SCAN")
                        .arg(0)
                        .arg("COUNT")
                        .arg(KEYS * 4)
                        .query(&mut conn)
                        .map_err(|e| format!("SCAN on node {id}: {e}"))?;
                    if cursor == 0 && keys.len() == KEYS {
                        Ok(keys)
                    } else {
                        Err(format!("cursor {cursor}, {} keys", keys.len()))
                    }
                })
            })
            .collect()
    };
    let first = TestCluster::start(3);
    let a = scan_orders(&first);
    first.finish();
    let second = TestCluster::start(3);
    let b = scan_orders(&second);
    second.finish();
    for orders in [&a, &b] {
        assert!(
            orders.iter().all(|o| *o == orders[0]),
            "nodes of one cluster disagree on the order: {orders:?}"
        );
    }
    assert_ne!(a[0], b[0], "two clusters share one hash order");
}

/// The frames of a pub/sub message as text: `["message", channel, payload]` and the like.
fn message_parts(frame: &redis::Value) -> Vec<String> {
    match frame {
        redis::Value::Array(items) | redis::Value::Push { data: items, .. } => items
            .iter()
            .map(|v| match v {
                redis::Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
                redis::Value::Int(n) => n.to_string(),
                other => format!("{other:?}"),
            })
            .collect(),
        other => vec![format!("{other:?}")],
    }
}

/// Subscribes a fresh connection to node `id` with `command` (SUBSCRIBE, PSUBSCRIBE) and
/// checks the confirmation.
fn subscriber(cluster: &TestCluster, id: u64, command: &str, name: &str) -> common::Client {
    let mut conn = cluster.client(id);
    let confirmation: redis::Value = redis::cmd(command)
        .arg(name)
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("{command} {name} on node {id}: {e}"));
    assert_eq!(
        message_parts(&confirmation),
        [
            command.to_ascii_lowercase(),
            name.to_owned(),
            "1".to_owned()
        ],
        "confirmation of {command} on node {id}"
    );
    conn
}

/// PUBLISH and SUBSCRIBE across the cluster: every node's subscribers get every message, in
/// the order they were published, whichever node they were published through; PUBLISH
/// answers with the receivers on the node it reached.
#[test]
fn published_messages_reach_subscribers_on_every_node_in_order() {
    let cluster = TestCluster::start(3);
    cluster.leader();
    let ids = cluster.ids();
    // Every node forwards writes before the first PUBLISH, so none needs a retry (a retried
    // PUBLISH may be delivered twice).
    for &id in &ids {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let mut subscribers: Vec<(u64, &str, common::Client)> = Vec::new();
    for &id in &ids {
        subscribers.push((id, "channel", subscriber(&cluster, id, "SUBSCRIBE", "news")));
        subscribers.push((id, "pattern", subscriber(&cluster, id, "PSUBSCRIBE", "n*s")));
    }
    let mut publishers: Vec<common::Client> = ids.iter().map(|&id| cluster.client(id)).collect();
    let published: Vec<String> = (0..30).map(|i| format!("message {i}")).collect();
    for (i, message) in published.iter().enumerate() {
        let node = i % ids.len();
        let receivers: i64 = redis::cmd("PUBLISH")
            .arg("news")
            .arg(message)
            .query(&mut publishers[node])
            .unwrap_or_else(|e| panic!("PUBLISH through node {}: {e}", ids[node]));
        assert_eq!(
            receivers, 2,
            "receivers of {message:?} on node {}",
            ids[node]
        );
    }
    let other: i64 = redis::cmd("PUBLISH")
        .arg("weather")
        .arg("rain")
        .query(&mut publishers[0])
        .unwrap_or_else(|e| panic!("PUBLISH weather: {e}"));
    assert_eq!(other, 0, "nobody listens to weather");

    for (id, kind, conn) in &mut subscribers {
        for message in &published {
            let frame = conn
                .next_frame()
                .unwrap_or_else(|e| panic!("node {id}'s {kind} subscriber, {message:?}: {e}"));
            let expected: Vec<&str> = match *kind {
                "channel" => vec!["message", "news", message],
                _ => vec!["pmessage", "n*s", "news", message],
            };
            assert_eq!(
                message_parts(&frame),
                expected,
                "node {id}'s {kind} subscriber"
            );
        }
    }
    // A message none of them listens to never arrives: a PING's answer comes next.
    for (id, kind, conn) in &mut subscribers {
        let pong: redis::Value = redis::cmd("PING")
            .query(conn)
            .unwrap_or_else(|e| panic!("PING node {id}'s {kind} subscriber: {e}"));
        assert_eq!(
            message_parts(&pong),
            ["pong", ""],
            "node {id}'s {kind} subscriber"
        );
    }
    cluster.finish();
}

/// A node restarted with PUBLISH entries in its log does not deliver them again to clients
/// that subscribe after the restart: they were published before those clients subscribed.
/// The node is restarted alone, so that it cannot apply its log before the subscriber is in.
#[test]
fn restarted_node_does_not_replay_old_messages_to_new_subscribers() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let mut conn = cluster.client(leader);
    for i in 0..20 {
        let _: i64 = redis::cmd("PUBLISH")
            .arg("news")
            .arg(format!("old {i}"))
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("PUBLISH old {i}: {e}"));
    }
    drop(conn);
    cluster.kill_all();

    let first = cluster.ids()[0];
    cluster.restart(first);
    let mut sub = subscriber(&cluster, first, "SUBSCRIBE", "news");
    for id in cluster.ids().into_iter().filter(|&id| id != first) {
        cluster.restart(id);
    }
    let leader = cluster.leader();
    let mut conn = cluster.client(leader);
    // Retried until acknowledged; a retry may deliver it twice, never an old one.
    wait_until(DEADLINE, "PUBLISH of a fresh message", || {
        redis::cmd("PUBLISH")
            .arg("news")
            .arg("fresh")
            .query::<i64>(&mut conn)
            .map_err(|e| {
                if is_retryable(&e) {
                    e.to_string()
                } else {
                    panic!("PUBLISH fresh: {e}")
                }
            })
    });
    let frame = sub
        .next_frame()
        .unwrap_or_else(|e| panic!("the restarted node's subscriber: {e}"));
    assert_eq!(message_parts(&frame), ["message", "news", "fresh"]);
    cluster.finish();
}

/// Keyspace notifications are each node's own setting (CONFIG SET), and every node that asks
/// publishes the events of every write it applies, whichever node the write came through,
/// expiry included: keys and hash fields removed by the leader's purges are `expired` and
/// `hexpired` everywhere. A node that did not ask publishes nothing, and `keymiss` comes
/// only from the node that served the read.
#[test]
fn keyspace_notifications_reach_every_node_that_asks_for_them() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let ids = cluster.ids();
    let quiet = cluster.others(leader)[0];
    for &id in &ids {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
        if id != quiet {
            let mut conn = cluster.client(id);
            let _: () = redis::cmd("CONFIG")
                .arg("SET")
                .arg("notify-keyspace-events")
                .arg("Egxhm")
                .query(&mut conn)
                .unwrap_or_else(|e| panic!("CONFIG SET on node {id}: {e}"));
            let got: Vec<String> = redis::cmd("CONFIG")
                .arg("GET")
                .arg("notify-keyspace-events")
                .query(&mut conn)
                .unwrap_or_else(|e| panic!("CONFIG GET on node {id}: {e}"));
            assert_eq!(got, ["notify-keyspace-events", "ghxEm"], "node {id}");
        }
    }
    let mut subscribers: Vec<(u64, common::Client)> = ids
        .iter()
        .map(|&id| {
            (
                id,
                subscriber(&cluster, id, "PSUBSCRIBE", "__keyevent@0__:*"),
            )
        })
        .collect();
    let mut conn = cluster.client(quiet);
    let _: () = redis::cmd("SET")
        .arg("session")
        .arg("v")
        .arg("PX")
        .arg(300)
        .query(&mut conn)
        .expect("SET with a TTL through the quiet follower");
    let _: () = redis::cmd("HSET")
        .arg("profile")
        .arg("token")
        .arg("t")
        .query(&mut conn)
        .expect("HSET");
    let _: Vec<i64> = redis::cmd("HPEXPIRE")
        .arg("profile")
        .arg(300)
        .arg("FIELDS")
        .arg(1)
        .arg("token")
        .query(&mut conn)
        .expect("HPEXPIRE");
    for (id, sub) in &mut subscribers {
        if *id == quiet {
            continue;
        }
        // SET's `set` is not of the classes asked for, its `expire` is, and so are HSET's
        // and HPEXPIRE's events; then the purges remove the key and the field, in either
        // order.
        let mut got = Vec::new();
        while got.len() < 6 {
            let frame = sub
                .next_frame()
                .unwrap_or_else(|e| panic!("node {id}'s subscriber after {got:?}: {e}"));
            got.push(message_parts(&frame)[2..].join(" "));
        }
        got[3..].sort();
        assert_eq!(
            got,
            [
                "__keyevent@0__:expire session",
                "__keyevent@0__:hset profile",
                "__keyevent@0__:hexpire profile",
                "__keyevent@0__:del profile",
                "__keyevent@0__:expired session",
                "__keyevent@0__:hexpired profile"
            ],
            "node {id}"
        );
    }
    // A read of a missing key tells of the miss on the node that served it, and only there.
    let reader = cluster
        .others(leader)
        .into_iter()
        .find(|&id| id != quiet)
        .unwrap_or(leader);
    let mut read_conn = cluster.client(reader);
    let missing: Option<String> = redis::cmd("GET")
        .arg("nothing-here")
        .query(&mut read_conn)
        .expect("GET of a missing key");
    assert_eq!(missing, None);
    let (_, sub) = subscribers
        .iter_mut()
        .find(|(id, _)| *id == reader)
        .expect("the reader's subscriber");
    let frame = sub.next_frame().expect("the reader's keymiss");
    assert_eq!(
        message_parts(&frame)[2..],
        ["__keyevent@0__:keymiss", "nothing-here"],
        "node {reader}"
    );
    // Nothing else arrived anywhere: each subscriber's next frame answers its PING.
    for (id, sub) in &mut subscribers {
        let pong: redis::Value = redis::cmd("PING")
            .query(sub)
            .unwrap_or_else(|e| panic!("PING node {id}'s subscriber: {e}"));
        assert_eq!(message_parts(&pong), ["pong", ""], "node {id}");
    }
    cluster.finish();
}

/// A subscriber gets what is published after its SUBSCRIBE, never what was acknowledged
/// before it, even on a follower, which applies each PUBLISH a little after the leader
/// acknowledged it: SUBSCRIBE waits for a ReadIndex round first.
#[test]
fn a_new_subscriber_on_a_follower_never_gets_earlier_messages() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let follower = cluster
        .ids()
        .into_iter()
        .find(|&id| id != leader)
        .unwrap_or_else(|| panic!("a 3-node cluster has followers"));
    cluster.set_retrying(follower, "warm", "x");
    let mut publisher = cluster.client(follower);
    let mut publish = |channel: &str, message: &str| {
        redis::cmd("PUBLISH")
            .arg(channel)
            .arg(message)
            .query::<i64>(&mut publisher)
            .unwrap_or_else(|e| panic!("PUBLISH {channel} {message}: {e}"))
    };
    for round in 0..40 {
        let channel = format!("round:{round}");
        publish(&channel, "before");
        let mut sub = subscriber(&cluster, follower, "SUBSCRIBE", &channel);
        assert_eq!(publish(&channel, "after"), 1, "round {round}: receivers");
        let frame = sub
            .next_frame()
            .unwrap_or_else(|e| panic!("round {round}: the subscriber: {e}"));
        assert_eq!(
            message_parts(&frame),
            ["message", channel.as_str(), "after"],
            "round {round}"
        );
    }
    cluster.finish();
}

/// Hashes, lists, sets and sorted sets come back whole after every node is killed: from the
/// log, and from a snapshot (taken every 50 entries here) plus the log after it. Each grows
/// past the size where it is held in an index (see `kv::big`), so snapshots carry both forms,
/// and every node ends with the same digest.
#[test]
fn collections_survive_killing_all_nodes() {
    const ITEMS: usize = 600;
    let mut cluster = TestCluster::start_with(3, &["--snapshot-entries", "50"]);
    let leader = cluster.leader();
    let mut conn = cluster.client(leader);
    for chunk in (0..ITEMS).collect::<Vec<_>>().chunks(5) {
        let mut pipe = redis::pipe();
        for &i in chunk {
            for (command, key, args) in [
                ("HSET", "h", vec![format!("f{i}"), i.to_string()]),
                ("RPUSH", "l", vec![i.to_string()]),
                ("SADD", "s", vec![i.to_string()]),
                ("ZADD", "z", vec![(ITEMS - i).to_string(), format!("m{i}")]),
            ] {
                pipe.cmd(command).arg(key).arg(args);
            }
        }
        let _: Vec<i64> = pipe
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("writes {chunk:?}: {e}"));
    }
    drop(conn);
    let ids = kill_and_restart_all(&mut cluster);
    let snapshotted = ids.iter().any(|&id| {
        cluster
            .log_since_last_start(id)
            .lines()
            .any(|l| l.contains("recovered from disk") && !l.contains("snapshot_index=0 "))
    });
    assert!(snapshotted, "no node recovered from a snapshot");

    let numbers: Vec<String> = (0..ITEMS).map(|i| i.to_string()).collect();
    let mut digests = Vec::new();
    for &id in &ids {
        let mut conn = cluster.client(id);
        let mut query = |cmd: &mut redis::Cmd| -> redis::Value {
            wait_until(DEADLINE, "a read after the restart", || {
                cmd.query::<redis::Value>(&mut conn).map_err(|e| {
                    if is_retryable(&e) {
                        e.to_string()
                    } else {
                        panic!("node {id}: {e}")
                    }
                })
            })
        };
        let strings = |v: redis::Value| -> Vec<String> {
            redis::from_redis_value(v).unwrap_or_else(|e| panic!("node {id}: {e}"))
        };
        let mut fields = strings(query(redis::cmd("HKEYS").arg("h")));
        fields.sort();
        let mut expected_fields: Vec<String> = (0..ITEMS).map(|i| format!("f{i}")).collect();
        expected_fields.sort();
        assert_eq!(fields, expected_fields, "node {id}: HKEYS");
        assert_eq!(
            strings(query(redis::cmd("LRANGE").arg("l").arg(0).arg(-1))),
            numbers
        );
        assert_eq!(strings(query(redis::cmd("SMEMBERS").arg("s"))), numbers);
        let ranked = strings(query(redis::cmd("ZRANGE").arg("z").arg(0).arg(-1)));
        let expected_ranked: Vec<String> = (0..ITEMS).rev().map(|i| format!("m{i}")).collect();
        assert_eq!(ranked, expected_ranked, "node {id}: ZRANGE");
        let types: Vec<String> = ["h", "l", "s", "z"]
            .iter()
            .map(|k| redis::from_redis_value(query(redis::cmd("TYPE").arg(*k))).unwrap_or_default())
            .collect();
        assert_eq!(types, ["hash", "list", "set", "zset"], "node {id}");
        digests.push(strings(query(redis::cmd("DEBUG").arg("DIGEST"))));
    }
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "{digests:?}");
    cluster.finish();
}

/// What BLPOP and friends answered, as strings (nil as an empty list).
fn strings(value: &redis::Value) -> Vec<String> {
    match value {
        redis::Value::Nil => Vec::new(),
        other => message_parts(other),
    }
}

/// A reply as text: bulk strings quoted, arrays in brackets, nil as `nil`.
fn shown(value: &redis::Value) -> String {
    match value {
        redis::Value::Nil => "nil".into(),
        redis::Value::BulkString(b) => format!("{:?}", String::from_utf8_lossy(b)),
        redis::Value::Int(n) => n.to_string(),
        redis::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", items.join(", "))
        }
        other => format!("{other:?}"),
    }
}

/// The leader's id and a follower's that has already forwarded one write to it.
fn leader_and_warm_follower(cluster: &TestCluster) -> (u64, u64) {
    let leader = cluster.leader();
    let follower = cluster
        .ids()
        .into_iter()
        .find(|&id| id != leader)
        .expect("a follower");
    cluster.set_retrying(follower, "warm", "x");
    (leader, follower)
}

/// Waits until node `id` reports `n` blocked clients in INFO.
fn wait_blocked(cluster: &TestCluster, id: u64, n: usize) {
    wait_until(
        DEADLINE,
        &format!("{n} blocked clients on node {id}"),
        || {
            let mut conn = cluster.try_client(id).map_err(|e| e.to_string())?;
            let text: String = redis::cmd("INFO")
                .arg("clients")
                .query(&mut conn)
                .map_err(|e| e.to_string())?;
            let line = format!("blocked_clients:{n}");
            if text.lines().any(|l| l.trim() == line) {
                Ok(())
            } else {
                Err(text)
            }
        },
    );
}

/// Blocks a new client of node `id` in `command`, checks that CLIENT LIST shows it blocked,
/// ends the wait with `CLIENT UNBLOCK <id> <reason>` (`CLIENT UNBLOCK <id>` for an empty
/// reason), and returns the client's reply (or error) as text.
fn unblocked_reply(cluster: &TestCluster, id: u64, command: redis::Cmd, reason: &str) -> String {
    let mut blocked = cluster.client(id);
    let client: i64 = redis::cmd("CLIENT")
        .arg("ID")
        .query(&mut blocked)
        .unwrap_or_else(|e| panic!("CLIENT ID: {e}"));
    let waiting = std::thread::spawn(move || command.query::<redis::Value>(&mut blocked));
    wait_blocked(cluster, id, 1);
    let list: String = redis::cmd("CLIENT")
        .arg("LIST")
        .arg("ID")
        .arg(client)
        .query(&mut cluster.client(id))
        .unwrap_or_else(|e| panic!("CLIENT LIST: {e}"));
    assert!(list.contains(" flags=b "), "{list}");
    let mut unblock = redis::cmd("CLIENT");
    unblock.arg("UNBLOCK").arg(client);
    if !reason.is_empty() {
        unblock.arg(reason);
    }
    let unblocked: i64 = unblock
        .query(&mut cluster.client(id))
        .unwrap_or_else(|e| panic!("CLIENT UNBLOCK: {e}"));
    assert_eq!(unblocked, 1);
    match waiting.join().expect("blocked client thread") {
        Ok(value) => format!("{value:?}"),
        Err(e) => e.to_string(),
    }
}

/// A work queue across the cluster: consumers blocked in BLPOP on every node (followers and
/// leader) share the elements pushed through every node; each element reaches exactly one
/// consumer, none is lost, and the wait ends for each consumer at its end marker.
#[test]
fn blocked_pops_on_every_node_take_each_pushed_element_once() {
    const PER_NODE: usize = 2;
    const JOBS: usize = 300;
    let cluster = TestCluster::start(3);
    cluster.leader();
    let ids = cluster.ids();
    for &id in &ids {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let consumers: Vec<_> = ids
        .iter()
        .flat_map(|&id| std::iter::repeat_n(id, PER_NODE))
        .map(|id| {
            let mut conn = cluster.client(id);
            std::thread::spawn(move || {
                let mut taken = Vec::new();
                loop {
                    let reply: redis::Value = redis::cmd("BLPOP")
                        .arg("jobs")
                        .arg("other")
                        .arg(0)
                        .query(&mut conn)
                        .unwrap_or_else(|e| panic!("BLPOP on node {id}: {e}"));
                    let parts = strings(&reply);
                    assert_eq!(parts.len(), 2, "BLPOP on node {id}: {reply:?}");
                    assert_eq!(parts[0], "jobs");
                    if parts[1] == "end" {
                        return taken;
                    }
                    taken.push(parts[1].clone());
                }
            })
        })
        .collect();
    for &id in &ids {
        wait_blocked(&cluster, id, PER_NODE);
    }
    let mut producers: Vec<common::Client> = ids.iter().map(|&id| cluster.client(id)).collect();
    let mut pushed = Vec::new();
    let mut i = 0;
    while i < JOBS {
        // Single pushes and batches of three, through each node in turn.
        let batch: Vec<String> = (i..(i + 1 + i % 3).min(JOBS))
            .map(|j| format!("job{j}"))
            .collect();
        let node = (i / 3) % ids.len();
        let _: i64 = redis::cmd("RPUSH")
            .arg("jobs")
            .arg(&batch)
            .query(&mut producers[node])
            .unwrap_or_else(|e| panic!("RPUSH through node {}: {e}", ids[node]));
        i += batch.len();
        pushed.extend(batch);
    }
    let ends = vec!["end"; consumers.len()];
    let _: i64 = redis::cmd("RPUSH")
        .arg("jobs")
        .arg(&ends)
        .query(&mut producers[0])
        .unwrap_or_else(|e| panic!("RPUSH the end markers: {e}"));
    let mut taken: Vec<String> = consumers
        .into_iter()
        .flat_map(|c| c.join().expect("consumer thread"))
        .collect();
    taken.sort();
    pushed.sort();
    assert_eq!(taken, pushed, "every job taken exactly once");
    for &id in &ids {
        wait_blocked(&cluster, id, 0);
        let len: i64 = redis::cmd("LLEN")
            .arg("jobs")
            .query(&mut cluster.client(id))
            .unwrap_or_else(|e| panic!("LLEN on node {id}: {e}"));
        assert_eq!(len, 0, "node {id}: nothing left in the queue");
    }
    cluster.finish();
}

/// Every blocking command wakes on a follower when another node stores to its key, with its
/// own reply shape; a timeout answers nil no earlier than asked; CLIENT UNBLOCK ends a wait
/// with nil or an error; a client that disconnects while blocked is forgotten and takes
/// nothing.
#[test]
fn blocking_commands_wake_time_out_and_unblock_across_nodes() {
    let cluster = TestCluster::start(3);
    let (leader, follower) = leader_and_warm_follower(&cluster);
    let mut admin = cluster.client(leader);
    let cases: [(&[&str], &[&str], &str); 5] = [
        (
            &["BZPOPMIN", "z1", "z2", "0"],
            &["ZADD", "z2", "2", "m"],
            r#"["z2", "m", "2"]"#,
        ),
        (
            &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"],
            &["RPUSH", "src", "a", "b"],
            r#""b""#,
        ),
        (
            &["BRPOP", "l1", "l2", "0"],
            &["LPUSH", "l2", "x", "y"],
            r#"["l2", "x"]"#,
        ),
        (
            &["BLMPOP", "0", "2", "m1", "m2", "LEFT", "COUNT", "5"],
            &["RPUSH", "m1", "p", "q"],
            r#"["m1", ["p", "q"]]"#,
        ),
        (
            &["BZMPOP", "0", "1", "zz", "MAX"],
            &["ZADD", "zz", "1", "lo", "3", "hi"],
            r#"["zz", [["hi", "3"]]]"#,
        ),
    ];
    for (blocking, store, expected) in cases {
        let mut conn = cluster.client(follower);
        let waiting = std::thread::spawn(move || {
            let mut cmd = redis::cmd(blocking[0]);
            cmd.arg(&blocking[1..]);
            cmd.query::<redis::Value>(&mut conn)
        });
        wait_blocked(&cluster, follower, 1);
        let mut cmd = redis::cmd(store[0]);
        cmd.arg(&store[1..]);
        let _: redis::Value = cmd
            .query(&mut admin)
            .unwrap_or_else(|e| panic!("{store:?}: {e}"));
        let reply = waiting
            .join()
            .expect("blocked client thread")
            .unwrap_or_else(|e| panic!("{blocking:?}: {e}"));
        assert_eq!(shown(&reply), expected, "{blocking:?} woken by {store:?}");
    }
    let dst: Vec<String> = redis::cmd("LRANGE")
        .arg("dst")
        .arg(0)
        .arg(-1)
        .query(&mut cluster.client(follower))
        .unwrap_or_else(|e| panic!("LRANGE dst: {e}"));
    assert_eq!(dst, ["b"], "BLMOVE pushed what it popped");

    // Timeouts: nil, and not before the timeout.
    let mut conn = cluster.client(follower);
    let started = Instant::now();
    let reply: redis::Value = redis::cmd("BLPOP")
        .arg("empty")
        .arg(0.2)
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("BLPOP with a timeout: {e}"));
    assert_eq!(reply, redis::Value::Nil);
    assert!(started.elapsed() >= Duration::from_millis(200));
    let reply: redis::Value = redis::cmd("BRPOPLPUSH")
        .arg("empty")
        .arg("dst")
        .arg(0.05)
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("BRPOPLPUSH with a timeout: {e}"));
    assert_eq!(reply, redis::Value::Nil);
    // What is pipelined after a blocking command runs once it is answered, in order.
    let started = Instant::now();
    let (popped, set, got): (redis::Value, String, String) = redis::pipe()
        .cmd("BLPOP")
        .arg("empty")
        .arg(0.2)
        .cmd("SET")
        .arg("after-block")
        .arg("v")
        .cmd("GET")
        .arg("after-block")
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("BLPOP, SET, GET pipelined: {e}"));
    assert_eq!(
        (popped, set.as_str(), got.as_str()),
        (redis::Value::Nil, "OK", "v")
    );
    assert!(started.elapsed() >= Duration::from_millis(200));

    // CLIENT UNBLOCK, with each reason.
    for (reason, expected) in [("TIMEOUT", "nil"), ("ERROR", "UNBLOCKED")] {
        let mut blpop = redis::cmd("BLPOP");
        blpop.arg("never").arg(0);
        let shown = unblocked_reply(&cluster, follower, blpop, reason);
        assert!(shown.contains(expected), "CLIENT UNBLOCK {reason}: {shown}");
    }

    // A client that disconnects while blocked is forgotten, and takes nothing.
    let mut leaving = std::net::TcpStream::connect(("127.0.0.1", cluster.resp_port(follower)))
        .unwrap_or_else(|e| panic!("connect: {e}"));
    leaving
        .write_all(&redis::cmd("BLPOP").arg("gone").arg(0).get_packed_command())
        .unwrap_or_else(|e| panic!("send BLPOP: {e}"));
    wait_blocked(&cluster, follower, 1);
    drop(leaving);
    wait_blocked(&cluster, follower, 0);
    let _: i64 = redis::cmd("RPUSH")
        .arg("gone")
        .arg("kept")
        .query(&mut admin)
        .unwrap_or_else(|e| panic!("RPUSH gone: {e}"));
    let len: i64 = redis::cmd("LLEN")
        .arg("gone")
        .query(&mut cluster.client(follower))
        .unwrap_or_else(|e| panic!("LLEN gone: {e}"));
    assert_eq!(len, 1, "the departed client took nothing");
    cluster.finish();
}

/// A client blocked on a follower keeps waiting through a change of leader, and is served by
/// a push through the new leader.
#[test]
fn a_blocked_client_is_served_after_the_leader_changes() {
    let mut cluster = TestCluster::start(3);
    let (leader, follower) = leader_and_warm_follower(&cluster);
    let mut conn = cluster.client(follower);
    let waiting = std::thread::spawn(move || {
        redis::cmd("BLPOP")
            .arg("q")
            .arg(0)
            .query::<redis::Value>(&mut conn)
    });
    wait_blocked(&cluster, follower, 1);
    cluster.stop(leader, Signal::Kill);
    let new_leader = cluster.leader();
    assert_ne!(new_leader, leader);
    let mut producer = cluster.client(new_leader);
    wait_until(DEADLINE, "RPUSH through the new leader", || {
        redis::cmd("RPUSH")
            .arg("q")
            .arg("after failover")
            .query::<i64>(&mut producer)
            .map_err(|e| e.to_string())
    });
    let reply = waiting
        .join()
        .expect("blocked client thread")
        .unwrap_or_else(|e| panic!("BLPOP across the failover: {e}"));
    assert_eq!(strings(&reply), ["q", "after failover"]);
    cluster.finish();
}

/// A push wakes one of many idle workers, not all of them: with eight clients blocked on one
/// key, pushing one element adds the push, the winning pop and at most one more try to the
/// log (the pop hands a wake-up on), where waking everyone would add eight tries.
#[test]
fn a_push_to_a_queue_with_many_idle_workers_costs_one_try() {
    const WORKERS: usize = 8;
    let cluster = TestCluster::start(3);
    let (leader, follower) = leader_and_warm_follower(&cluster);
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let mut conn = cluster.client(follower);
            std::thread::spawn(move || {
                redis::cmd("BLPOP")
                    .arg("jobs")
                    .arg(0)
                    .query::<redis::Value>(&mut conn)
            })
        })
        .collect();
    wait_blocked(&cluster, follower, WORKERS);
    let last_index = || {
        cluster
            .info(leader)
            .unwrap_or_else(|e| panic!("INFO of the leader: {e}"))
            .last_log_index
    };
    let before = last_index();
    let mut admin = cluster.client(leader);
    let _: i64 = redis::cmd("RPUSH")
        .arg("jobs")
        .arg("only")
        .query(&mut admin)
        .unwrap_or_else(|e| panic!("RPUSH: {e}"));
    wait_blocked(&cluster, follower, WORKERS - 1);
    // A write after the pop's answer: every try the push caused is in the log before it.
    cluster.set_retrying(leader, "marker", "x");
    let added = last_index() - before;
    assert!(
        added <= 4,
        "{added} entries for one push (push, pop, one handed-on try, marker)"
    );
    let rest: Vec<String> = (1..WORKERS).map(|i| format!("job{i}")).collect();
    let _: i64 = redis::cmd("RPUSH")
        .arg("jobs")
        .arg(&rest)
        .query(&mut admin)
        .unwrap_or_else(|e| panic!("RPUSH the rest: {e}"));
    let mut taken: Vec<String> = workers
        .into_iter()
        .map(|w| {
            let reply = w
                .join()
                .expect("worker thread")
                .unwrap_or_else(|e| panic!("BLPOP: {e}"));
            strings(&reply)[1].clone()
        })
        .collect();
    taken.sort();
    let mut expected = rest;
    expected.push("only".into());
    expected.sort();
    assert_eq!(taken, expected, "each element to exactly one worker");
    cluster.finish();
}

/// Once a snapshot is large (past 8 MiB), the next waits until the entries since it hold half
/// its size, however many entries `--snapshot-entries` says: a snapshot encodes the whole
/// state, and taking one every few hundred small writes would spend most of a node's time
/// re-encoding it. Small writes many times the entry count take at most one more (a node may
/// have been close to the threshold already); bulky ones then take them again.
#[test]
fn large_snapshots_wait_for_a_log_of_half_their_size() {
    let cluster = TestCluster::start_with(3, &["--snapshot-entries", "200"]);
    let leader = cluster.leader();
    let mut conn = cluster.client(leader);
    // The sizes of the snapshots each node took.
    let snapshots = |cluster: &TestCluster| -> Vec<Vec<u64>> {
        cluster
            .ids()
            .iter()
            .map(|&id| {
                cluster
                    .log_since_last_start(id)
                    .lines()
                    .filter(|l| l.contains("snapshot taken"))
                    .filter_map(|l| l.split("bytes=").nth(1)?.split(' ').next()?.parse().ok())
                    .collect()
            })
            .collect()
    };
    let value = "x".repeat(200);
    let bulky = |conn: &mut common::Client, round: &str, entries: usize| {
        for chunk in 0..entries {
            let mut pipe = redis::cmd("MSET");
            for i in 0..100 {
                pipe.arg(format!("{round}:{chunk}:{i}")).arg(&value);
            }
            let _: () = pipe
                .query(conn)
                .unwrap_or_else(|e| panic!("MSET {round} {chunk}: {e}"));
        }
    };
    // About 12.6 MB of state in 600 entries: every node takes snapshots past 8 MiB.
    bulky(&mut conn, "first", 600);
    wait_until(DEADLINE, "a snapshot past 8 MiB on every node", || {
        let taken = snapshots(&cluster);
        if taken.iter().all(|s| s.iter().any(|&b| b >= 8 << 20)) {
            Ok(())
        } else {
            Err(format!("{taken:?}"))
        }
    });
    let before: Vec<usize> = snapshots(&cluster).iter().map(Vec::len).collect();
    // 1,500 small writes, one entry each: the entry count alone would take 7 snapshots.
    for i in 0..1500 {
        let _: () = redis::cmd("SET")
            .arg(format!("small:{i}"))
            .arg(i)
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("SET {i}: {e}"));
    }
    // A read through every node orders it after those writes' application there.
    for id in cluster.ids() {
        let mut node = cluster.client(id);
        let value: Option<String> = wait_until(DEADLINE, "the last small write", || {
            redis::cmd("GET")
                .arg("small:1499")
                .query(&mut node)
                .map_err(|e| e.to_string())
        });
        assert_eq!(value.as_deref(), Some("1499"), "node {id}");
    }
    let after: Vec<usize> = snapshots(&cluster).iter().map(Vec::len).collect();
    for (now, then) in after.iter().zip(&before) {
        assert!(
            now - then <= 1,
            "small writes took snapshots: {before:?} -> {after:?}"
        );
    }
    // Bulky writes of more than half a snapshot: every node takes another.
    bulky(&mut conn, "second", 500);
    wait_until(DEADLINE, "another snapshot on every node", || {
        let taken: Vec<usize> = snapshots(&cluster).iter().map(Vec::len).collect();
        if taken.iter().zip(&after).all(|(now, then)| now > then) {
            Ok(())
        } else {
            Err(format!("{taken:?} after {after:?}"))
        }
    });
    cluster.finish();
}

/// A snapshot larger than one peer message piece (4 MiB) reaches a follower that missed the
/// compacted entries: the leader sends it in pieces, the follower puts them back together,
/// installs the leader's state and goes on from the log after it.
#[test]
fn a_snapshot_of_many_pieces_reaches_a_lagging_follower() {
    const VALUES: usize = 80;
    const PIECE: u64 = 4 << 20;
    let mut cluster = TestCluster::start_with(3, &["--snapshot-entries", "30"]);
    let (leader, _, lagging) = leader_follower_and_a_stopped_one(&mut cluster);
    let mut conn = cluster.client(leader);
    // 80 values of 256 KiB, no two alike: 20 MiB of state, in 80 entries.
    let value =
        |i: usize| -> Vec<u8> { (0..256 << 10).map(|j| ((i * 31 + j) % 251) as u8).collect() };
    for i in 0..VALUES {
        redis::cmd("SET")
            .arg(format!("big:{i}"))
            .arg(value(i))
            .query::<()>(&mut conn)
            .unwrap_or_else(|e| panic!("SET big:{i}: {e}"));
    }
    wait_until(
        DEADLINE,
        "a snapshot of three pieces or more on the leader",
        || {
            let log = cluster.log_since_last_start(leader);
            let largest = log
                .lines()
                .filter(|l| l.contains("snapshot taken"))
                .filter_map(|l| {
                    l.split("bytes=")
                        .nth(1)?
                        .split(' ')
                        .next()?
                        .parse::<u64>()
                        .ok()
                })
                .max();
            match largest {
                Some(bytes) if bytes > 2 * PIECE => Ok(()),
                other => Err(format!("largest so far: {other:?}")),
            }
        },
    );

    restart_from_leaders_snapshot(&mut cluster, lagging);
    let log = cluster.log_since_last_start(lagging);
    let installed: u64 = log
        .lines()
        .find(|l| l.contains("snapshot installed from leader"))
        .and_then(|l| l.split("bytes=").nth(1)?.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("no size in node {lagging}'s log: {log}"));
    assert!(installed > 2 * PIECE, "installed {installed} bytes");
    let pieces: u64 = log
        .lines()
        .find(|l| l.contains("snapshot received in pieces"))
        .and_then(|l| l.split("pieces=").nth(1)?.split(' ').next()?.parse().ok())
        .unwrap_or_else(|| panic!("node {lagging} did not log the pieces: {log}"));
    assert_eq!(
        pieces,
        installed.div_ceil(PIECE),
        "pieces of {installed} bytes"
    );
    // A read through the restarted node waits for the tail after the snapshot.
    let mut on_lagging = cluster.client(lagging);
    for i in [0, VALUES / 2, VALUES - 1] {
        let got: Vec<u8> = redis::cmd("GET")
            .arg(format!("big:{i}"))
            .query(&mut on_lagging)
            .unwrap_or_else(|e| panic!("GET big:{i} on node {lagging}: {e}"));
        assert!(got == value(i), "big:{i} on node {lagging}");
    }
    assert_replicas_agree(&cluster);
    cluster.finish();
}

/// `WAIT numreplicas timeout` on any node: the number of nodes besides the leader that hold
/// every write acknowledged before it.
fn wait_replicas(cluster: &TestCluster, id: u64, replicas: i64, timeout_ms: u64) -> i64 {
    redis::cmd("WAIT")
        .arg(replicas)
        .arg(timeout_ms)
        .query(&mut cluster.client(id))
        .unwrap_or_else(|e| panic!("WAIT {replicas} {timeout_ms} on node {id}: {e}"))
}

/// The number of clients node `id` has connected.
fn connected_clients(cluster: &TestCluster, id: u64) -> Result<u64, String> {
    let text: String = redis::cmd("INFO")
        .arg("clients")
        .query(&mut cluster.try_client(id).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    text.lines()
        .find_map(|line| line.strip_prefix("connected_clients:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no connected_clients in {text:?}"))
}

/// WAIT counts the replicas that hold what was acknowledged: every other node of a healthy
/// cluster, on the leader and on a follower alike; with a node down it waits out its timeout
/// and answers the smaller count; the node back, a WAIT for every replica returns once it
/// caught up. Bad arguments get Redis's errors, and a client that leaves while waiting is
/// forgotten.
#[test]
fn wait_counts_the_replicas_that_hold_acknowledged_writes() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let followers = cluster.others(leader);
    let (near, far) = (followers[0], followers[1]);
    set_retrying_on(&mut cluster.client(near), near, "w", "1");
    assert_eq!(wait_replicas(&cluster, near, 2, 0), 2);
    assert_eq!(wait_replicas(&cluster, leader, 2, 0), 2);

    cluster.stop(far, Signal::Kill);
    set_retrying_on(&mut cluster.client(leader), leader, "w", "2");
    let started = Instant::now();
    assert_eq!(
        wait_replicas(&cluster, near, 2, 300),
        1,
        "one replica is down"
    );
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(wait_replicas(&cluster, leader, 1, 0), 1);
    // Acknowledged writes are on a majority already: the count never goes below it.
    assert_eq!(wait_replicas(&cluster, leader, 0, 0), 1);

    cluster.restart(far);
    assert_eq!(
        wait_replicas(&cluster, near, 2, 0),
        2,
        "the restarted node caught up"
    );

    let mut conn = cluster.client(near);
    for (args, want) in [
        (&["x", "1"][..], "value is not an integer or out of range"),
        (&["1", "-1"][..], "timeout is negative"),
        (
            &["1", "soon"][..],
            "timeout is not an integer or out of range",
        ),
        (&["1"][..], "wrong number of arguments for 'wait' command"),
    ] {
        let err = redis::cmd("WAIT")
            .arg(args)
            .query::<i64>(&mut conn)
            .expect_err("a bad WAIT fails");
        assert!(err.to_string().contains(want), "WAIT {args:?}: {err}");
    }
    // Inside MULTI, as in Redis, WAIT does not block: EXEC answers with the count as it is,
    // even for more replicas than the cluster has, where WAIT 5 0 alone would wait forever.
    let mut transaction = redis::pipe();
    transaction.atomic().cmd("WAIT").arg(5).arg(0);
    let (count,): (i64,) = transaction.query(&mut conn).expect("WAIT inside MULTI");
    assert_eq!(count, 2, "both replicas hold every write");

    // CLIENT UNBLOCK ends a WAIT that cannot be met (two replicas at most): with the count
    // as it is, or with an error.
    for (reason, expected) in [("TIMEOUT", "int(2)"), ("ERROR", "UNBLOCKED")] {
        let mut wait = redis::cmd("WAIT");
        wait.arg(5).arg(0);
        let shown = unblocked_reply(&cluster, near, wait, reason);
        assert!(shown.contains(expected), "CLIENT UNBLOCK {reason}: {shown}");
    }
    wait_blocked(&cluster, near, 0);

    // A WAIT that cannot be met, left by its client.
    let baseline = connected_clients(&cluster, near).expect("INFO clients");
    let mut leaving = std::net::TcpStream::connect(("127.0.0.1", cluster.resp_port(near)))
        .unwrap_or_else(|e| panic!("connect: {e}"));
    leaving
        .write_all(&redis::cmd("WAIT").arg(5).arg(0).get_packed_command())
        .unwrap_or_else(|e| panic!("send WAIT: {e}"));
    wait_until(
        DEADLINE,
        "the waiting client to be counted",
        || match connected_clients(&cluster, near)? {
            n if n > baseline => Ok(()),
            n => Err(format!("{n} clients")),
        },
    );
    drop(leaving);
    wait_until(
        DEADLINE,
        "the departed client to be forgotten",
        || match connected_clients(&cluster, near)? {
            n if n <= baseline => Ok(()),
            n => Err(format!("{n} clients")),
        },
    );
    cluster.finish();
}

/// Runs `EVAL`/`EVALSHA`-style `args` on node `id` and returns the reply.
fn script_on(cluster: &TestCluster, id: u64, args: &[&str]) -> redis::RedisResult<redis::Value> {
    let (name, rest) = args.split_first().expect("a command");
    redis::cmd(name).arg(rest).query(&mut cluster.client(id))
}

/// Lua scripts run on every node at the same log entry: a script sent to a follower leaves
/// the same state on all three, SCRIPT LOAD through one node serves EVALSHA on the others
/// and on a node restarted from its disk, a client blocked on one node is woken by a
/// script's push on another, and a runaway script is stopped with an error without costing
/// the leader its leadership.
#[test]
fn scripts_run_alike_on_every_node() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let followers = cluster.others(leader);
    let (a, b) = (followers[0], followers[1]);

    let body = "redis.call('RPUSH', KEYS[1], ARGV[1]) \
                redis.call('HINCRBY', KEYS[2], 'n', 1) \
                return {redis.call('LLEN', KEYS[1]), redis.call('HGET', KEYS[2], 'n')}";
    let sha: String = redis::cmd("SCRIPT")
        .arg("LOAD")
        .arg(body)
        .query(&mut cluster.client(a))
        .unwrap_or_else(|e| panic!("SCRIPT LOAD on node {a}: {e}"));
    for (i, id) in [leader, b, a].into_iter().enumerate() {
        let reply = script_on(&cluster, id, &["EVALSHA", &sha, "2", "list", "hash", "x"])
            .unwrap_or_else(|e| panic!("EVALSHA on node {id}: {e}"));
        let n = i as i64 + 1;
        assert_eq!(
            reply,
            redis::Value::Array(vec![
                redis::Value::Int(n),
                redis::Value::BulkString(n.to_string().into_bytes()),
            ]),
            "EVALSHA on node {id}"
        );
    }
    assert_replicas_agree(&cluster);

    // A client blocked on one node, woken by a script that pushes through another.
    let mut blocked = cluster.client(b);
    let waiting = std::thread::spawn(move || {
        redis::cmd("BLPOP")
            .arg("jobs")
            .arg(0)
            .query::<Vec<String>>(&mut blocked)
    });
    wait_blocked(&cluster, b, 1);
    script_on(
        &cluster,
        a,
        &[
            "EVAL",
            "return redis.call('LPUSH', KEYS[1], 'job-1')",
            "1",
            "jobs",
        ],
    )
    .unwrap_or_else(|e| panic!("EVAL LPUSH: {e}"));
    let popped = waiting.join().expect("blocked client thread");
    assert_eq!(popped.expect("BLPOP"), ["jobs", "job-1"]);

    // A runaway script answers an error; the cluster keeps its leader.
    let term = cluster.info(leader).expect("INFO").term;
    let started = Instant::now();
    let err = script_on(
        &cluster,
        a,
        &["EVAL", "local n = 0 while true do n = n + 1 end", "0"],
    )
    .expect_err("a script that never ends");
    assert!(err.to_string().contains("script stopped after"), "{err}");
    eprintln!("runaway script stopped after {:?}", started.elapsed());
    assert_eq!(cluster.leader(), leader, "the leader kept its leadership");
    assert_eq!(cluster.info(leader).expect("INFO").term, term);

    // The cache survives a restart from disk.
    cluster.stop(b, Signal::Kill);
    cluster.restart(b);
    let reply = script_on(&cluster, b, &["EVALSHA", &sha, "2", "list", "hash", "y"])
        .unwrap_or_else(|e| panic!("EVALSHA after a restart: {e}"));
    assert_eq!(
        reply,
        redis::Value::Array(vec![
            redis::Value::Int(4),
            redis::Value::BulkString(b"4".to_vec()),
        ])
    );
    cluster.finish();
}

/// `args` (a command's name first) as a command to send.
fn command(args: &[&str]) -> redis::Cmd {
    let (name, rest) = args.split_first().expect("a command");
    let mut cmd = redis::cmd(name);
    cmd.arg(rest);
    cmd
}

/// Runs `args` on `conn` (a connection to node `id`), retrying `TRYAGAIN`/`CLUSTERDOWN`
/// answers until [`DEADLINE`]; returns the first real answer.
fn query_retrying(conn: &mut common::Client, id: u64, args: &[&str]) -> redis::Value {
    wait_until(DEADLINE, &format!("{args:?} on node {id}"), || {
        command(args).query(conn).map_err(|e| {
            if is_retryable(&e) {
                e.to_string()
            } else {
                panic!("{args:?} on node {id}: {e}")
            }
        })
    })
}

/// `XADD key * field value` through `conn`; the new entry's ID.
fn xadd(conn: &mut common::Client, key: &str, field: &str, value: &str) -> String {
    redis::cmd("XADD")
        .arg(key)
        .arg("*")
        .arg(field)
        .arg(value)
        .query(conn)
        .unwrap_or_else(|e| panic!("XADD {key} * {field} {value}: {e}"))
}

/// A stream ID's two parts, to order IDs as a stream does.
fn stream_id(id: &str) -> (u64, u64) {
    let parse = |part: &str| {
        part.parse()
            .unwrap_or_else(|e| panic!("stream ID {id:?}: {e}"))
    };
    let (ms, seq) = id
        .split_once('-')
        .unwrap_or_else(|| panic!("stream ID {id:?} has no '-'"));
    (parse(ms), parse(seq))
}

/// An XREAD or XREADGROUP reply in RESP2: each stream read, with its entries and their
/// fields.
type StreamsRead = Vec<(String, Vec<(String, Vec<String>)>)>;

/// The entries of an XREAD or XREADGROUP reply, as (stream, ID, fields); none for nil.
fn read_entries(reply: &redis::Value) -> Vec<(String, String, Vec<String>)> {
    if *reply == redis::Value::Nil {
        return Vec::new();
    }
    let streams: StreamsRead = redis::from_redis_value(reply.clone())
        .unwrap_or_else(|e| panic!("not a stream read reply: {reply:?}: {e}"));
    streams
        .into_iter()
        .flat_map(|(key, entries)| {
            entries
                .into_iter()
                .map(move |(id, fields)| (key.clone(), id, fields))
        })
        .collect()
}

/// A RESP2 map (a flat array of names and values) without the named fields.
fn without_fields(map: &redis::Value, names: &[&str]) -> redis::Value {
    let redis::Value::Array(items) = map else {
        panic!("not a map: {map:?}");
    };
    let kept = items
        .chunks(2)
        .filter(|pair| {
            !names
                .iter()
                .any(|n| pair[0] == redis::Value::BulkString(n.as_bytes().to_vec()))
        })
        .flatten()
        .cloned()
        .collect();
    redis::Value::Array(kept)
}

/// The value of field `name` in a RESP2 map.
fn field<'a>(map: &'a redis::Value, name: &str) -> &'a redis::Value {
    let redis::Value::Array(items) = map else {
        panic!("not a map: {map:?}");
    };
    items
        .chunks(2)
        .find(|pair| pair[0] == redis::Value::BulkString(name.as_bytes().to_vec()))
        .map(|pair| &pair[1])
        .unwrap_or_else(|| panic!("no field {name:?} in {}", shown(map)))
}

/// Readers blocked in `XREAD BLOCK 0` on every node, followers and leader, each see every
/// entry added after they blocked, whichever node it was added through: from `$` on a
/// missing stream, from the ID of the entry they saw last, and from `$` on a stream that has
/// entries already (which they must not see). A reader with a timeout answers nil once it
/// passed.
#[test]
fn blocked_stream_readers_on_every_node_see_each_new_entry() {
    const PER_NODE: usize = 2;
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let ids = cluster.ids();
    for &id in &ids {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let followers = cluster.others(leader);
    let mut after = "$".to_owned();
    for (round, writer) in [followers[0], leader, followers[1]].into_iter().enumerate() {
        if round == 2 {
            after = "$".to_owned();
        }
        let readers: Vec<_> = ids
            .iter()
            .flat_map(|&id| std::iter::repeat_n(id, PER_NODE))
            .map(|id| (id, blocked_xread(&cluster, id, "s", &after)))
            .collect();
        for &id in &ids {
            wait_blocked(&cluster, id, PER_NODE);
        }
        let value = format!("round {round}");
        let added = xadd(&mut cluster.client(writer), "s", "f", &value);
        let expected = format!(r#"[["s", [["{added}", ["f", "{value}"]]]]]"#);
        for (id, reader) in readers {
            let reply = reader
                .join()
                .expect("reader thread")
                .unwrap_or_else(|e| panic!("round {round}: XREAD on node {id}: {e}"));
            assert_eq!(
                shown(&reply),
                expected,
                "round {round}: XREAD BLOCK 0 STREAMS s {after} on node {id}, XADD through \
                 node {writer}"
            );
        }
        after = added;
    }
    for &id in &ids {
        wait_blocked(&cluster, id, 0);
    }

    // No entry comes: nil, not before the timeout.
    for id in [followers[0], leader] {
        let mut conn = cluster.client(id);
        let started = Instant::now();
        let reply: redis::Value = redis::cmd("XREAD")
            .arg("BLOCK")
            .arg(200)
            .arg("STREAMS")
            .arg("s")
            .arg("$")
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("XREAD BLOCK 200 on node {id}: {e}"));
        let waited = started.elapsed();
        assert_eq!(reply, redis::Value::Nil, "XREAD BLOCK 200 on node {id}");
        assert!(
            waited >= Duration::from_millis(200) && waited < Duration::from_secs(5),
            "XREAD BLOCK 200 on node {id} answered after {waited:?}"
        );
    }
    let len: i64 = redis::cmd("XLEN")
        .arg("s")
        .query(&mut cluster.client(followers[1]))
        .unwrap_or_else(|e| panic!("XLEN: {e}"));
    assert_eq!(len, 3, "one entry per round");
    cluster.finish();
}

/// Runs `XREAD BLOCK 0 STREAMS key after` on node `id` in a thread of its own.
fn blocked_xread(
    cluster: &TestCluster,
    id: u64,
    key: &str,
    after: &str,
) -> std::thread::JoinHandle<redis::RedisResult<redis::Value>> {
    let mut conn = cluster.client(id);
    let mut xread = redis::cmd("XREAD");
    xread.arg("BLOCK").arg(0).arg("STREAMS").arg(key).arg(after);
    std::thread::spawn(move || xread.query::<redis::Value>(&mut conn))
}

/// A consumer group as a work queue across the cluster: consumers on every node loop on
/// `XREADGROUP ... COUNT 1 BLOCK 2000 STREAMS s >` and acknowledge what they get while
/// entries are added through every node. Each entry reaches exactly one consumer, each
/// consumer gets its entries in the stream's order, and every node then reports nothing
/// pending and the group at the stream's last entry.
#[test]
fn a_consumer_group_across_nodes_delivers_each_entry_once() {
    const ENTRIES: usize = 200;
    const PER_NODE: usize = 2;
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let ids = cluster.ids();
    for &id in &ids {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let created: String = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg("s")
        .arg("g")
        .arg("$")
        .arg("MKSTREAM")
        .query(&mut cluster.client(leader))
        .unwrap_or_else(|e| panic!("XGROUP CREATE: {e}"));
    assert_eq!(created, "OK");

    let delivered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let give_up = Instant::now() + Duration::from_secs(120);
    let consumers: Vec<_> = ids
        .iter()
        .flat_map(|&id| (0..PER_NODE).map(move |k| (id, format!("c{id}-{k}"))))
        .map(|(id, name)| {
            let mut conn = cluster.client(id);
            let delivered = delivered.clone();
            let consumer = name.clone();
            let thread = std::thread::spawn(move || -> Result<Vec<(String, String)>, String> {
                use std::sync::atomic::Ordering;
                let mut got = Vec::new();
                while delivered.load(Ordering::SeqCst) < ENTRIES && Instant::now() < give_up {
                    let reply: redis::Value = redis::cmd("XREADGROUP")
                        .arg("GROUP")
                        .arg("g")
                        .arg(&name)
                        .arg("COUNT")
                        .arg(1)
                        .arg("BLOCK")
                        .arg(2000)
                        .arg("STREAMS")
                        .arg("s")
                        .arg(">")
                        .query(&mut conn)
                        .map_err(|e| format!("XREADGROUP as {name} on node {id}: {e}"))?;
                    let entries = read_entries(&reply);
                    if entries.len() > 1 {
                        return Err(format!("COUNT 1 served {}", shown(&reply)));
                    }
                    for (key, entry, fields) in entries {
                        let acked: i64 = redis::cmd("XACK")
                            .arg(&key)
                            .arg("g")
                            .arg(&entry)
                            .query(&mut conn)
                            .map_err(|e| format!("XACK {entry} as {name} on node {id}: {e}"))?;
                        if (key.as_str(), acked, fields.len()) != ("s", 1, 2) {
                            return Err(format!(
                                "{name} on node {id}: {}, XACK answered {acked}",
                                shown(&reply)
                            ));
                        }
                        got.push((entry, fields[1].clone()));
                        delivered.fetch_add(1, Ordering::SeqCst);
                    }
                }
                Ok(got)
            });
            (consumer, thread)
        })
        .collect();
    for &id in &ids {
        wait_blocked(&cluster, id, PER_NODE);
    }

    let mut producers: Vec<common::Client> = ids.iter().map(|&id| cluster.client(id)).collect();
    let mut added = BTreeMap::new();
    let mut last = String::new();
    for i in 0..ENTRIES {
        let node = i % ids.len();
        last = xadd(&mut producers[node], "s", "n", &i.to_string());
        added.insert(last.clone(), i.to_string());
    }
    let mut taken = BTreeMap::new();
    let mut counts = Vec::new();
    for (name, thread) in consumers {
        let got = thread
            .join()
            .expect("consumer thread")
            .unwrap_or_else(|e| panic!("{e}"));
        let ordered: Vec<(u64, u64)> = got.iter().map(|(id, _)| stream_id(id)).collect();
        assert!(
            ordered.windows(2).all(|w| w[0] < w[1]),
            "{name} got entries out of order: {got:?}"
        );
        counts.push((name.clone(), got.len()));
        for (entry, value) in got {
            if let Some(other) = taken.insert(entry.clone(), (name.clone(), value)) {
                panic!("{entry} delivered to {} and to {name}", other.0);
            }
        }
    }
    eprintln!("entries per consumer: {counts:?}");
    let taken: BTreeMap<String, String> = taken.into_iter().map(|(k, (_, v))| (k, v)).collect();
    assert_eq!(
        taken, added,
        "every entry delivered exactly once, with its fields"
    );

    let mut groups = Vec::new();
    for &id in &ids {
        let mut conn = cluster.client(id);
        let pending = query_retrying(&mut conn, id, &["XPENDING", "s", "g"]);
        assert_eq!(
            shown(&pending),
            "[0, nil, nil, nil]",
            "XPENDING s g on node {id}"
        );
        let info = query_retrying(&mut conn, id, &["XINFO", "GROUPS", "s"]);
        let redis::Value::Array(list) = &info else {
            panic!("XINFO GROUPS on node {id}: {info:?}");
        };
        assert_eq!(list.len(), 1, "node {id}: {}", shown(&info));
        let group = &list[0];
        for (name, expected) in [
            ("name", r#""g""#.to_owned()),
            ("pending", "0".to_owned()),
            ("last-delivered-id", format!("{last:?}")),
            ("entries-read", ENTRIES.to_string()),
            ("lag", "0".to_owned()),
        ] {
            assert_eq!(
                shown(field(group, name)),
                expected,
                "XINFO GROUPS s on node {id}: {name} in {}",
                shown(group)
            );
        }
        groups.push(shown(&info));
    }
    assert!(
        groups.windows(2).all(|w| w[0] == w[1]),
        "nodes differ: {groups:#?}"
    );
    cluster.finish();
}

/// What node `id` answers about stream `s` and its group `g`, each read with its reply as
/// text. Idle times are left out (they grow with the clock); the absolute times of XINFO
/// STREAM FULL stay (they come from the log).
fn stream_state(cluster: &TestCluster, id: u64) -> Vec<(String, String)> {
    let mut conn = cluster.client(id);
    let reads: [&[&str]; 10] = [
        &["XLEN", "s"],
        &["XRANGE", "s", "-", "+"],
        &["XINFO", "STREAM", "s"],
        &["XINFO", "STREAM", "s", "FULL"],
        &["XINFO", "GROUPS", "s"],
        &["XINFO", "CONSUMERS", "s", "g"],
        &["XPENDING", "s", "g"],
        &["XPENDING", "s", "g", "-", "+", "100"],
        &["XPENDING", "s", "g", "-", "+", "100", "alice"],
        &["DEBUG", "DIGEST"],
    ];
    reads
        .iter()
        .map(|args| {
            let reply = query_retrying(&mut conn, id, args);
            let reply = match (args[0], &reply) {
                ("XPENDING", redis::Value::Array(items)) if args.len() > 3 => {
                    // [id, consumer, idle, deliveries]: all but the idle time.
                    let items = items
                        .iter()
                        .map(|item| match item {
                            redis::Value::Array(parts) if parts.len() == 4 => {
                                redis::Value::Array(vec![
                                    parts[0].clone(),
                                    parts[1].clone(),
                                    parts[3].clone(),
                                ])
                            }
                            other => panic!("XPENDING entry on node {id}: {other:?}"),
                        })
                        .collect();
                    redis::Value::Array(items)
                }
                ("XINFO", redis::Value::Array(items)) if args[1] == "CONSUMERS" => {
                    redis::Value::Array(
                        items.iter().map(|c| without_fields(c, &["idle"])).collect(),
                    )
                }
                _ => reply,
            };
            (args.join(" "), shown(&reply))
        })
        .collect()
}

/// The leader, a follower that has caught up, and the third node, stopped (SIGKILL) so that
/// it misses what comes next.
fn leader_follower_and_a_stopped_one(cluster: &mut TestCluster) -> (u64, u64, u64) {
    let (leader, follower) = leader_and_warm_follower(cluster);
    let lagging = cluster
        .others(leader)
        .into_iter()
        .find(|&id| id != follower)
        .expect("a second follower");
    cluster.stop(lagging, Signal::Kill);
    (leader, follower, lagging)
}

/// Asserts that every node's `DEBUG DIGEST` is the same.
fn assert_replicas_agree(cluster: &TestCluster) {
    let digests: Vec<String> = cluster
        .ids()
        .into_iter()
        .map(|id| {
            redis::cmd("DEBUG")
                .arg("DIGEST")
                .query(&mut cluster.client(id))
                .unwrap_or_else(|e| panic!("DEBUG DIGEST on node {id}: {e}"))
        })
        .collect();
    assert!(
        digests.windows(2).all(|w| w[0] == w[1]),
        "replicas differ: {digests:?}"
    );
}

/// Restarts node `id` and waits until it has installed the leader's snapshot.
fn restart_from_leaders_snapshot(cluster: &mut TestCluster, id: u64) {
    cluster.restart(id);
    wait_until(
        DEADLINE,
        &format!("node {id} to install the leader's snapshot"),
        || {
            let log = cluster.log_since_last_start(id);
            match log
                .lines()
                .find(|l| l.contains("snapshot installed from leader"))
            {
                Some(_) => Ok(()),
                None => Err(log.lines().last().unwrap_or_default().to_owned()),
            }
        },
    );
}

/// Kills every node at once, starts them all again and waits until each answers; returns
/// their ids.
fn kill_and_restart_all(cluster: &mut TestCluster) -> Vec<u64> {
    cluster.kill_all();
    let ids = cluster.ids();
    for &id in &ids {
        cluster.spawn(id);
    }
    for &id in &ids {
        cluster.wait_ready(id);
    }
    ids
}

/// A stream with two consumer groups, pending entries (some delivered twice, one claimed by
/// another consumer, one deleted) and deleted entries (its last one among them) is answered
/// about alike by a follower that caught up from the leader's snapshot, and by every node
/// after all were killed and recovered from their snapshots and logs; the group then goes on
/// where it was.
#[test]
fn streams_and_groups_survive_killing_all_nodes_and_a_snapshot() {
    const ENTRIES: usize = 400;
    let mut cluster = TestCluster::start_with(3, &["--snapshot-entries", "50"]);
    let (leader, follower, lagging) = leader_follower_and_a_stopped_one(&mut cluster);
    // One log entry per XADD: the two others take snapshots and compact their logs past
    // everything `lagging` holds.
    let mut on_leader = cluster.client(leader);
    let mut on_follower = cluster.client(follower);
    let added: Vec<String> = (0..ENTRIES)
        .map(|i| {
            let conn = if i % 2 == 0 {
                &mut on_leader
            } else {
                &mut on_follower
            };
            xadd(conn, "s", "n", &i.to_string())
        })
        .collect();
    let run = |conn: &mut common::Client, args: &[&str]| -> redis::Value {
        command(args)
            .query(conn)
            .unwrap_or_else(|e| panic!("{args:?}: {e}"))
    };
    let ids_of = |reply: &redis::Value| -> Vec<String> {
        read_entries(reply)
            .into_iter()
            .map(|(_, id, _)| id)
            .collect()
    };
    run(&mut on_leader, &["XGROUP", "CREATE", "s", "g", "0"]);
    run(&mut on_follower, &["XGROUP", "CREATE", "s", "late", "$"]);
    let read = run(
        &mut on_follower,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "alice",
            "COUNT",
            "5",
            "STREAMS",
            "s",
            ">",
        ],
    );
    assert_eq!(ids_of(&read), added[0..5], "alice's first read");
    let read = run(
        &mut on_leader,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "bob",
            "COUNT",
            "3",
            "STREAMS",
            "s",
            ">",
        ],
    );
    assert_eq!(ids_of(&read), added[5..8], "bob's first read");
    let acked = run(&mut on_follower, &["XACK", "s", "g", &added[5]]);
    assert_eq!(acked, redis::Value::Int(1));
    let claimed = run(&mut on_leader, &["XCLAIM", "s", "g", "bob", "0", &added[1]]);
    assert_eq!(
        shown(&claimed),
        format!(r#"[["{}", ["n", "1"]]]"#, added[1])
    );
    // Alice's history: her pending entries again, each delivered a second time.
    let read = run(
        &mut on_follower,
        &["XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0"],
    );
    assert_eq!(
        ids_of(&read),
        [0, 2, 3, 4].map(|i| added[i].clone()),
        "alice's history"
    );
    let deleted = run(
        &mut on_leader,
        &["XDEL", "s", &added[2], &added[ENTRIES - 1]],
    );
    assert_eq!(deleted, redis::Value::Int(2));
    drop((on_leader, on_follower));

    let before = stream_state(&cluster, leader);
    let pel = [(0, "alice", 2), (1, "bob", 2), (2, "alice", 2)]
        .into_iter()
        .chain([
            (3, "alice", 2),
            (4, "alice", 2),
            (6, "bob", 1),
            (7, "bob", 1),
        ])
        .map(|(i, consumer, n)| format!(r#"["{}", "{consumer}", {n}]"#, added[i]))
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        before[7],
        ("XPENDING s g - + 100".to_owned(), format!("[{pel}]")),
        "the pending entries before the restarts"
    );
    assert_eq!(before[0].1, (ENTRIES - 2).to_string(), "XLEN");

    restart_from_leaders_snapshot(&mut cluster, lagging);
    let state = stream_state(&cluster, lagging);
    assert_eq!(state, before, "node {lagging}, caught up from a snapshot");

    let ids = kill_and_restart_all(&mut cluster);
    for &id in &ids {
        let log = cluster.log_since_last_start(id);
        let recovered = log
            .lines()
            .find(|l| l.contains("recovered from disk"))
            .unwrap_or_else(|| panic!("node {id} logged no recovery"));
        assert!(
            !recovered.contains("snapshot_index=0 "),
            "node {id} recovered without a snapshot: {recovered}"
        );
    }
    for &id in &ids {
        let state = stream_state(&cluster, id);
        assert_eq!(state, before, "node {id} after all nodes were killed");
    }

    // The group goes on after the last entry it delivered.
    let leader = cluster.leader();
    let read = command(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "carol",
        "COUNT",
        "1",
        "STREAMS",
        "s",
        ">",
    ])
    .query::<redis::Value>(&mut cluster.client(leader))
    .unwrap_or_else(|e| panic!("XREADGROUP as carol: {e}"));
    assert_eq!(
        shown(&read),
        format!(r#"[["s", [["{}", ["n", "8"]]]]]"#, added[8])
    );
    cluster.finish();
}

/// Inside MULTI, XREAD and XREADGROUP with BLOCK do not block: each answers what it finds
/// at once, nil when there is nothing. A client blocked in either on a follower is ended by
/// CLIENT UNBLOCK: with nil by default or with TIMEOUT, with an UNBLOCKED error with ERROR;
/// the client is then forgotten, and an entry added later is delivered to nobody.
#[test]
fn xread_block_in_multi_and_client_unblock() {
    let cluster = TestCluster::start(3);
    let (leader, follower) = leader_and_warm_follower(&cluster);
    let mut conn = cluster.client(follower);
    let started = Instant::now();
    let replies: Vec<redis::Value> = redis::pipe()
        .cmd("MULTI")
        .cmd("XREAD")
        .arg(&["BLOCK", "0", "STREAMS", "s", "$"])
        .cmd("XADD")
        .arg(&["s", "1-1", "f", "v"])
        .cmd("XREAD")
        .arg(&["BLOCK", "0", "STREAMS", "s", "$"])
        .cmd("XREAD")
        .arg(&["BLOCK", "0", "STREAMS", "s", "0-0"])
        .cmd("XGROUP")
        .arg(&["CREATE", "s", "g", "$"])
        .cmd("XREADGROUP")
        .arg(&["GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"])
        .cmd("EXEC")
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("MULTI with blocking reads: {e}"));
    let waited = started.elapsed();
    assert_eq!(
        replies.last().map(shown).as_deref(),
        Some(r#"[nil, "1-1", nil, [["s", [["1-1", ["f", "v"]]]]], ok, nil]"#),
        "EXEC after {}",
        shown(&redis::Value::Array(replies[..replies.len() - 1].to_vec()))
    );
    assert!(
        waited < Duration::from_secs(5),
        "the transaction took {waited:?}"
    );

    let xread = || command(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]);
    let xreadgroup = || {
        command(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "c2",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ])
    };
    for reason in ["", "TIMEOUT", "ERROR"] {
        for (name, blocking) in [("XREAD", xread()), ("XREADGROUP", xreadgroup())] {
            let shown = unblocked_reply(&cluster, follower, blocking, reason);
            if reason == "ERROR" {
                // The crate shows the error's code quoted, then its message.
                assert!(
                    shown.starts_with(r#""UNBLOCKED""#)
                        && shown.ends_with("client unblocked via CLIENT UNBLOCK"),
                    "{name} ended by CLIENT UNBLOCK {reason}: {shown}"
                );
            } else {
                assert_eq!(shown, "nil", "{name} ended by CLIENT UNBLOCK {reason:?}");
            }
        }
    }
    wait_blocked(&cluster, follower, 0);
    let later = xadd(&mut cluster.client(leader), "s", "f", "later");
    let mut conn = cluster.client(follower);
    let pending = query_retrying(&mut conn, follower, &["XPENDING", "s", "g"]);
    assert_eq!(shown(&pending), "[0, nil, nil, nil]", "nobody took {later}");
    let groups = query_retrying(&mut conn, follower, &["XINFO", "GROUPS", "s"]);
    let redis::Value::Array(groups) = &groups else {
        panic!("XINFO GROUPS: {groups:?}");
    };
    assert_eq!(shown(field(&groups[0], "last-delivered-id")), r#""1-1""#);
    assert_eq!(shown(field(&groups[0], "lag")), "1");
    cluster.finish();
}

/// Consumers blocked in XREADGROUP on a stream nothing is added to cost nothing. Each try
/// is a write through the log, so a try that finds nothing must not wake the others (they
/// would keep each other trying for ever): once every consumer has tried and blocked, the
/// log does not grow while linearizable reads run through every node (reads add no entry,
/// as a control without consumers checks). An entry then goes to exactly one consumer, for
/// itself and at most two tries per consumer (each is woken by the entry, and may be woken
/// again by the delivery to another).
#[test]
fn idle_group_consumers_add_nothing_to_the_log() {
    const CONSUMERS: usize = 4;
    let cluster = TestCluster::start(3);
    let (leader, follower) = leader_and_warm_follower(&cluster);
    let ids = cluster.ids();
    let last_index = || {
        cluster
            .info(leader)
            .unwrap_or_else(|e| panic!("INFO of the leader: {e}"))
            .last_log_index
    };
    // Entries added to the log while 30 linearizable reads run through the nodes.
    let added_during_reads = || {
        let before = last_index();
        for round in 0..10 {
            for &id in &ids {
                let value = get(&mut cluster.client(id), "warm")
                    .unwrap_or_else(|e| panic!("GET warm on node {id}, round {round}: {e}"));
                assert_eq!(value.as_deref(), Some("x"));
            }
        }
        last_index() - before
    };
    run_ok(
        &cluster,
        leader,
        &["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
    );
    assert_eq!(added_during_reads(), 0, "entries added by reads alone");

    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|k| {
            let mut conn = cluster.client(if k % 2 == 0 { follower } else { leader });
            let name = format!("c{k}");
            std::thread::spawn(move || {
                command(&[
                    "XREADGROUP",
                    "GROUP",
                    "g",
                    &name,
                    "BLOCK",
                    "0",
                    "STREAMS",
                    "s",
                    ">",
                ])
                .query::<redis::Value>(&mut conn)
            })
        })
        .collect();
    wait_blocked(&cluster, follower, CONSUMERS / 2);
    wait_blocked(&cluster, leader, CONSUMERS / 2);
    let idle = added_during_reads();
    assert_eq!(
        idle, 0,
        "{idle} log entries while {CONSUMERS} consumers waited on an idle stream"
    );

    let before = last_index();
    let first = xadd(&mut cluster.client(leader), "s", "n", "0");
    wait_until(
        DEADLINE,
        "one consumer to take the entry",
        || match consumers.iter().filter(|c| c.is_finished()).count() {
            1 => Ok(()),
            n => Err(format!("{n} consumers answered")),
        },
    );
    cluster.set_retrying(leader, "marker", "x");
    let added = last_index() - before;
    assert!(
        added <= 2 * CONSUMERS as u64 + 2,
        "{added} entries for one entry and {CONSUMERS} consumers"
    );
    let mut expected = vec![first];
    for i in 1..CONSUMERS {
        expected.push(xadd(&mut cluster.client(leader), "s", "n", &i.to_string()));
    }
    let mut taken: Vec<String> = consumers
        .into_iter()
        .flat_map(|c| {
            let reply = c
                .join()
                .expect("consumer thread")
                .unwrap_or_else(|e| panic!("XREADGROUP: {e}"));
            read_entries(&reply).into_iter().map(|(_, id, _)| id)
        })
        .collect();
    taken.sort_by_key(|id| stream_id(id));
    assert_eq!(taken, expected, "each entry to exactly one consumer");
    cluster.finish();
}

/// Runs `args` on node `id` and checks it answers OK.
fn run_ok(cluster: &TestCluster, id: u64, args: &[&str]) {
    let reply: redis::Value = command(args)
        .query(&mut cluster.client(id))
        .unwrap_or_else(|e| panic!("{args:?} on node {id}: {e}"));
    assert_eq!(reply, redis::Value::Okay, "{args:?} on node {id}");
}

/// A blocked XREADGROUP ends with Redis's errors when what it waits on goes away through
/// another node: DEL of the stream (and FLUSHALL) answers `UNBLOCKED the stream key no longer
/// exists`, XGROUP DESTROY `NOGROUP the consumer group this client was blocked on no longer
/// exists`; a blocked XREAD keeps waiting through a DEL of its stream and gets the next XADD.
#[test]
fn blocked_group_readers_hear_that_their_stream_or_group_is_gone() {
    let cluster = TestCluster::start(3);
    let (leader, follower) = leader_and_warm_follower(&cluster);
    let mut admin = cluster.client(leader);
    for (remove, want) in [
        (
            &["DEL", "s"][..],
            "UNBLOCKED the stream key no longer exists",
        ),
        (
            &["XGROUP", "DESTROY", "s", "g"][..],
            "NOGROUP the consumer group this client was blocked on no longer exists",
        ),
        (
            &["FLUSHALL"][..],
            "UNBLOCKED the stream key no longer exists",
        ),
    ] {
        query_retrying(
            &mut admin,
            leader,
            &["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
        );
        let mut reader = cluster.client(follower);
        let waiting = std::thread::spawn(move || {
            command(&[
                "XREADGROUP",
                "GROUP",
                "g",
                "c",
                "BLOCK",
                "0",
                "STREAMS",
                "s",
                ">",
            ])
            .query::<redis::Value>(&mut reader)
        });
        wait_blocked(&cluster, follower, 1);
        query_retrying(&mut admin, leader, remove);
        let reply = waiting
            .join()
            .unwrap_or_else(|_| panic!("the reader thread panicked"));
        let error = reply.expect_err("a blocked XREADGROUP ends with an error");
        let text = format!(
            "{} {}",
            error.code().unwrap_or(""),
            error.detail().unwrap_or("")
        );
        assert_eq!(text, want, "after {remove:?}");
        wait_blocked(&cluster, follower, 0);
    }
    xadd(&mut admin, "s", "f", "before");
    let mut reader = cluster.client(follower);
    let waiting = std::thread::spawn(move || {
        command(&["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]).query::<redis::Value>(&mut reader)
    });
    wait_blocked(&cluster, follower, 1);
    query_retrying(&mut admin, leader, &["DEL", "s"]);
    // Once the follower shows the stream gone, the reader has seen the DEL too.
    let mut check = cluster.client(follower);
    let gone = query_retrying(&mut check, follower, &["EXISTS", "s"]);
    assert_eq!(shown(&gone), "0");
    xadd(&mut admin, "s", "f", "first");
    let reply = waiting
        .join()
        .unwrap_or_else(|_| panic!("the reader thread panicked"))
        .unwrap_or_else(|e| panic!("XREAD: {e}"));
    let entries = read_entries(&reply);
    assert_eq!(entries.len(), 1, "{}", shown(&reply));
    assert_eq!(entries[0].2, ["f", "first"]);
    cluster.finish();
}

/// What node `id` holds of the function library and the restored key of
/// [`function_libraries_and_restored_keys_survive_snapshots_and_crashes`].
fn library_state(cluster: &TestCluster, id: u64) -> Vec<String> {
    let mut conn = cluster.client(id);
    [
        &["FCALL_RO", "peek", "1", "hits"][..],
        &["FUNCTION", "LIST", "WITHCODE"],
        &["LRANGE", "restored", "0", "-1"],
        &["DUMP", "restored"],
    ]
    .iter()
    .map(|args| {
        let reply = command(args)
            .query::<redis::Value>(&mut conn)
            .unwrap_or_else(|e| panic!("{args:?} on node {id}: {e}"));
        format!("{args:?} => {}", shown(&reply))
    })
    .collect()
}

/// A function library loaded through a follower, and a key created by RESTORE, are part of
/// the replicated state: FCALL through any node runs the library everywhere, a node that was
/// down while the logs were compacted gets both from the leader's snapshot, and every node
/// killed at once recovers both from its own disk.
#[test]
fn function_libraries_and_restored_keys_survive_snapshots_and_crashes() {
    const CALLS: i64 = 120;
    let mut cluster = TestCluster::start_with(3, &["--snapshot-entries", "30"]);
    let (leader, follower, lagging) = leader_follower_and_a_stopped_one(&mut cluster);

    let library = "#!lua name=counters\n\
        redis.register_function('bump', function(keys, args)\n\
          return redis.call('INCRBY', keys[1], args[1])\n\
        end)\n\
        redis.register_function{function_name='peek', flags={'no-writes'},\n\
          callback=function(keys) return redis.call('GET', keys[1]) end}";
    let loaded: String = command(&["FUNCTION", "LOAD", library])
        .query(&mut cluster.client(follower))
        .unwrap_or_else(|e| panic!("FUNCTION LOAD through node {follower}: {e}"));
    assert_eq!(loaded, "counters");
    let (mut on_leader, mut on_follower) = (cluster.client(leader), cluster.client(follower));
    for i in 1..=CALLS {
        let conn = if i % 2 == 0 {
            &mut on_leader
        } else {
            &mut on_follower
        };
        let n: i64 = command(&["FCALL", "bump", "1", "hits", "1"])
            .query(conn)
            .unwrap_or_else(|e| panic!("FCALL bump #{i}: {e}"));
        assert_eq!(n, i, "FCALL bump #{i}");
    }
    // A list DUMPed on the leader, RESTOREd through the follower under another name.
    command(&["RPUSH", "source", "a", "b", "17"])
        .query::<i64>(&mut on_leader)
        .unwrap_or_else(|e| panic!("RPUSH: {e}"));
    let payload: Vec<u8> = command(&["DUMP", "source"])
        .query(&mut on_leader)
        .unwrap_or_else(|e| panic!("DUMP: {e}"));
    redis::cmd("RESTORE")
        .arg("restored")
        .arg(0)
        .arg(payload)
        .query::<()>(&mut on_follower)
        .unwrap_or_else(|e| panic!("RESTORE through node {follower}: {e}"));
    let before = library_state(&cluster, leader);
    assert_eq!(
        before[0],
        format!(r#"["FCALL_RO", "peek", "1", "hits"] => "{CALLS}""#)
    );
    assert_eq!(
        before[2],
        r#"["LRANGE", "restored", "0", "-1"] => ["a", "b", "17"]"#
    );
    assert_eq!(library_state(&cluster, follower), before);

    restart_from_leaders_snapshot(&mut cluster, lagging);
    assert_eq!(
        library_state(&cluster, lagging),
        before,
        "node {lagging}, caught up from a snapshot"
    );

    let ids = kill_and_restart_all(&mut cluster);
    for &id in &ids {
        assert_eq!(
            library_state(&cluster, id),
            before,
            "node {id} after all nodes were killed"
        );
    }
    let n: i64 = command(&["FCALL", "BUMP", "1", "hits", "5"])
        .query(&mut cluster.client(lagging))
        .unwrap_or_else(|e| panic!("FCALL after the restarts: {e}"));
    assert_eq!(n, CALLS + 5);
    cluster.finish();
}

/// A gRPC client of node `id`'s peer port, whose calls carry `token`.
async fn peer_client(
    cluster: &TestCluster,
    id: u64,
    token: raft_kv::transport::PeerToken,
) -> raft_kv::transport::PeerClient {
    let channel =
        tonic::transport::Endpoint::from_shared(format!("http://{}", cluster.peer_addr(id)))
            .expect("a peer URI")
            .connect()
            .await
            .unwrap_or_else(|e| panic!("connect to node {id}'s peer port: {e}"));
    raft_kv::pb::raft_client::RaftClient::with_interceptor(channel, token)
}

/// A forwarded write of `SET key value`, as follower `from` sends it to leader `to`.
fn forwarded_set(from: u64, to: u64, key: &str, value: &str) -> raft_kv::pb::Envelope {
    let args = ["SET", key, value]
        .iter()
        .map(|a| bytes::Bytes::copy_from_slice(a.as_bytes()))
        .collect();
    let writes = raft_kv::pb::ForwardWrites {
        id: 1,
        batches: vec![raft_kv::pb::KvBatch {
            commands: vec![raft_kv::pb::KvCommand { args }],
            now_ms: raft_kv::now_ms(),
            ..Default::default()
        }],
    };
    raft_kv::pb::Envelope {
        from,
        to,
        term: 0,
        cluster_id: 0,
        message: Some(raft_kv::pb::envelope::Message::ForwardWrites(writes)),
    }
}

/// With `--requirepass`, the peer port is closed to callers without the password, as the
/// client port is: a write sent straight to the leader's gRPC service is refused and never
/// applied (the same call with the password's token is applied, so the refusal is what stops
/// it), an append from a would-be leader of a far higher term moves no node's term, and a node
/// started with another password is refused by its peers (both sides log it) until it is
/// started again with the cluster's, when it catches up.
#[test]
fn the_peer_port_needs_the_password_too() {
    use raft_kv::transport::PeerToken;
    const PASSWORD: &str = "s3cret";
    let mut cluster = TestCluster::start_with(3, &["--requirepass", PASSWORD]);
    let leader = cluster.leader();
    let follower = cluster.others(leader)[0];
    // A write through a follower is forwarded, with the token, and applied.
    cluster.set_retrying(follower, "through-follower", "1");
    let term = cluster.info(leader).expect("INFO of the leader").term;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let rogue =
            |value| tokio_stream::iter(vec![forwarded_set(follower, leader, "rogue", value)]);
        let mut stranger = peer_client(&cluster, leader, PeerToken::new(None)).await;
        let refused = stranger
            .stream(rogue("1"))
            .await
            .expect_err("a forward without the token");
        assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");
        let mut wrong = peer_client(&cluster, leader, PeerToken::new(Some("guess"))).await;
        let refused = wrong
            .stream(rogue("2"))
            .await
            .expect_err("a forward with another password's token");
        assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");

        let append = raft_kv::pb::Envelope {
            from: leader,
            to: follower,
            term: term + 1000,
            cluster_id: 0,
            message: Some(raft_kv::pb::envelope::Message::AppendEntries(
                raft_kv::pb::AppendEntries::default(),
            )),
        };
        let mut stranger = peer_client(&cluster, follower, PeerToken::new(None)).await;
        let refused = stranger
            .stream(tokio_stream::iter(vec![append]))
            .await
            .expect_err("a stream without the token");
        assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");

        let mut member = peer_client(&cluster, leader, PeerToken::new(Some(PASSWORD))).await;
        let forward = forwarded_set(follower, leader, "with-token", "1");
        member
            .stream(tokio_stream::iter(vec![forward]))
            .await
            .expect("a forward with the token");
    });
    // The forwarded write was handed to the leader's driver when the stream ended; it applies
    // soon after. The refused ones, sent before it, never do.
    let mut conn = cluster.client(leader);
    wait_until(DEADLINE, "the forwarded write to apply", || {
        match get(&mut conn, "with-token") {
            Ok(Some(v)) if v == "1" => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    assert_eq!(get(&mut conn, "rogue").expect("GET rogue"), None);
    for id in cluster.ids() {
        let info = cluster.info(id).expect("INFO");
        assert_eq!(
            info.term, term,
            "node {id}'s term after the stranger's append"
        );
    }

    // A node started with another password is kept out, and keeps itself out.
    cluster.stop(3, Signal::Term);
    cluster.set_arg(3, "--requirepass", "other");
    cluster.restart(3);
    let leader = cluster.leader_among(&[1, 2]);
    cluster.set_retrying(leader, "while-3-is-out", "1");
    wait_until(
        DEADLINE,
        "node 3 and its peers to refuse each other",
        || {
            let refused: Vec<u64> = [1, 2]
                .into_iter()
                .filter(|&id| {
                    cluster
                        .log_since_last_start(id)
                        .contains("refused a peer call without this node's --requirepass")
                })
                .collect();
            let refusing = cluster
                .log_since_last_start(3)
                .contains("peer refuses this node's messages");
            if refused.is_empty() || !refusing {
                return Err(format!("refused by {refused:?}, node 3 told: {refusing}"));
            }
            Ok(())
        },
    );
    // It never heard from the leader.
    assert_eq!(cluster.info(3).expect("INFO of node 3").leader_id, 0);

    cluster.stop(3, Signal::Term);
    cluster.set_arg(3, "--requirepass", PASSWORD);
    cluster.restart(3);
    assert_eq!(
        get_retrying_on(&mut cluster.client(3), 3, "while-3-is-out"),
        Some("1".to_owned())
    );
    cluster.finish();
}

/// One SLOWLOG entry: (arguments, client address, client name).
fn slow_entries(conn: &mut common::Client) -> Vec<(Vec<String>, String, String)> {
    let entries: redis::Value = command(&["SLOWLOG", "GET", "-1"])
        .query(conn)
        .expect("SLOWLOG GET");
    let redis::Value::Array(entries) = entries else {
        panic!("SLOWLOG GET answered {entries:?}");
    };
    entries
        .iter()
        .map(|entry| match entry {
            redis::Value::Array(fields) if fields.len() == 6 => {
                let text =
                    |v: &redis::Value| strings(&redis::Value::Array(vec![v.clone()])).join("");
                (strings(&fields[3]), text(&fields[4]), text(&fields[5]))
            }
            other => panic!("a SLOWLOG entry {other:?}"),
        })
        .collect()
}

/// `cmdstat_<name>`'s fields in INFO commandstats, `None` without the line.
fn command_totals(conn: &mut common::Client, name: &str) -> Option<BTreeMap<String, u64>> {
    let info: String = command(&["INFO", "commandstats"])
        .query(conn)
        .expect("INFO commandstats");
    let line = info
        .lines()
        .find_map(|l| l.strip_prefix(&format!("cmdstat_{name}:")))?;
    Some(
        line.split(',')
            .filter_map(|pair| pair.split_once('='))
            .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
            .collect(),
    )
}

/// This client's address as the node sees it (CLIENT INFO's `addr`).
fn client_addr(conn: &mut common::Client) -> String {
    let info: String = command(&["CLIENT", "INFO"])
        .query(conn)
        .expect("CLIENT INFO");
    info.split(' ')
        .find_map(|f| f.strip_prefix("addr="))
        .expect("addr= in CLIENT INFO")
        .to_string()
}

/// SLOWLOG, INFO commandstats and the LATENCY commands on a cluster: each node times what it
/// executes. A read shows on the node that served it with its client's address and name; a
/// write on every node that applied it, named on the leader whose client sent it and anonymous
/// elsewhere. Refused and failed commands are counted apart, and the settings are each node's
/// own.
#[test]
fn each_node_logs_and_counts_the_commands_it_executes() {
    let cluster = TestCluster::start(3);
    let (leader, follower) = leader_and_warm_follower(&cluster);
    let mut admin = BTreeMap::new();
    for id in [leader, follower] {
        let mut conn = cluster.client(id);
        for args in [
            &["CONFIG", "SET", "slowlog-log-slower-than", "0"][..],
            &["CONFIG", "RESETSTAT"],
            &["SLOWLOG", "RESET"],
        ] {
            let ok: String = command(args).query(&mut conn).expect("setting up");
            assert_eq!(ok, "OK");
        }
        admin.insert(id, conn);
    }
    let mut writer = cluster.client(leader);
    let _: String = command(&["CLIENT", "SETNAME", "writer"])
        .query(&mut writer)
        .expect("SETNAME");
    let writer_addr = client_addr(&mut writer);
    let _: String = command(&["SET", "slow-key", "v1"])
        .query(&mut writer)
        .expect("SET on the leader");
    let mut reader = cluster.client(follower);
    let _: String = command(&["CLIENT", "SETNAME", "reader"])
        .query(&mut reader)
        .expect("SETNAME");
    let reader_addr = client_addr(&mut reader);
    // A linearizable read: once it answers, the follower has applied the SET too.
    let got: String = command(&["GET", "slow-key"])
        .query(&mut reader)
        .expect("GET on the follower");
    assert_eq!(got, "v1");

    let set = |addr: &str, name: &str| {
        (
            vec!["SET".to_string(), "slow-key".into(), "v1".into()],
            addr.to_string(),
            name.to_string(),
        )
    };
    let on_leader = slow_entries(admin.get_mut(&leader).expect("leader"));
    assert!(
        on_leader.contains(&set(&writer_addr, "writer")),
        "{on_leader:?}"
    );
    let on_follower = slow_entries(admin.get_mut(&follower).expect("follower"));
    assert!(on_follower.contains(&set("", "")), "{on_follower:?}");
    let get = (
        vec!["GET".to_string(), "slow-key".into()],
        reader_addr,
        "reader".to_string(),
    );
    assert!(on_follower.contains(&get), "{on_follower:?}");
    assert!(
        !on_leader.iter().any(|(args, ..)| args[0] == "GET"),
        "{on_leader:?}"
    );

    // A wrong argument count is refused before it runs; a syntax error runs and fails. (The
    // follower applied every write so far before its GET answered, so none lands later.)
    let _: String = command(&["CONFIG", "RESETSTAT"])
        .query(&mut reader)
        .expect("CONFIG RESETSTAT");
    let got: String = command(&["GET", "slow-key"])
        .query(&mut reader)
        .expect("GET on the follower");
    assert_eq!(got, "v1");
    let refused = command(&["SET", "slow-key"]).query::<String>(&mut reader);
    assert!(refused.is_err(), "{refused:?}");
    let failed = command(&["SET", "slow-key", "v", "XX", "NX"]).query::<String>(&mut reader);
    assert!(failed.is_err(), "{failed:?}");
    let totals = command_totals(&mut reader, "set").expect("cmdstat_set on the follower");
    assert_eq!(
        (
            totals["calls"],
            totals["rejected_calls"],
            totals["failed_calls"]
        ),
        (1, 1, 1),
        "the failed SET: {totals:?}"
    );
    let totals = command_totals(&mut reader, "get").expect("cmdstat_get on the follower");
    assert_eq!(totals["calls"], 1, "{totals:?}");
    // The GET's latency, in one bucket.
    let histogram: redis::Value = command(&["LATENCY", "HISTOGRAM", "get"])
        .query(&mut reader)
        .expect("LATENCY HISTOGRAM");
    let histogram = shown(&histogram);
    assert!(
        histogram.starts_with(r#"["get", ["calls", 1, "histogram_usec", ["#),
        "{histogram}"
    );
    assert!(histogram.ends_with(", 1]]]"), "{histogram}");
    assert_eq!(command_totals(&mut writer, "get"), None);
    let plain: String = command(&["INFO"]).query(&mut reader).expect("INFO");
    assert!(
        !plain.contains("# Commandstats"),
        "only asked for by name or all"
    );

    // The latency monitor, turned on on the follower only, keeps a script that ran long
    // there (about 30 ms here; the threshold is 1 ms) as a `command` event.
    let _: String = command(&["CONFIG", "SET", "latency-monitor-threshold", "1"])
        .query(&mut reader)
        .expect("CONFIG SET");
    let spin = "local i = 0 while i < 3000000 do i = i + 1 end return i";
    let spun: i64 = command(&["EVAL", spin, "0"])
        .query(&mut writer)
        .expect("EVAL on the leader");
    assert_eq!(spun, 3_000_000);
    let got: String = command(&["GET", "slow-key"])
        .query(&mut reader)
        .expect("GET on the follower, after the script");
    assert_eq!(got, "v1");
    let latest: redis::Value = command(&["LATENCY", "LATEST"])
        .query(&mut reader)
        .expect("LATENCY LATEST");
    let latest = shown(&latest);
    assert!(latest.contains(r#"["command", "#), "{latest}");
    let doctor: String = command(&["LATENCY", "DOCTOR"])
        .query(&mut reader)
        .expect("LATENCY DOCTOR");
    assert!(doctor.contains(". command: "), "{doctor}");
    let graph: String = command(&["LATENCY", "GRAPH", "command"])
        .query(&mut reader)
        .expect("LATENCY GRAPH");
    assert!(graph.starts_with("command - high "), "{graph}");
    let on_leader: redis::Value = command(&["LATENCY", "LATEST"])
        .query(&mut writer)
        .expect("LATENCY LATEST on the leader");
    assert_eq!(shown(&on_leader), "[]", "the leader's monitor is off");
    let reset: i64 = command(&["LATENCY", "RESET", "command"])
        .query(&mut reader)
        .expect("LATENCY RESET");
    assert_eq!(reset, 1);

    // Settings are per node: the leader logs nothing more, the follower keeps one entry.
    let mut leader_conn = admin.remove(&leader).expect("leader");
    let _: String = command(&["CONFIG", "SET", "slowlog-log-slower-than", "-1"])
        .query(&mut leader_conn)
        .expect("CONFIG SET");
    let _: String = command(&["SLOWLOG", "RESET"])
        .query(&mut leader_conn)
        .expect("SLOWLOG RESET");
    let _: String = command(&["SET", "slow-key", "v2"])
        .query(&mut writer)
        .expect("SET on the leader");
    let len: i64 = command(&["SLOWLOG", "LEN"])
        .query(&mut leader_conn)
        .expect("SLOWLOG LEN");
    assert_eq!(len, 0);
    let mut follower_conn = admin.remove(&follower).expect("follower");
    let _: String = command(&["CONFIG", "SET", "slowlog-max-len", "1"])
        .query(&mut follower_conn)
        .expect("CONFIG SET");
    let newest = slow_entries(&mut follower_conn);
    assert_eq!(newest.len(), 1, "{newest:?}");
    cluster.finish();
}

/// SAVE snapshots the node it reaches and compacts its log before it answers; BGSAVE does
/// so in the background, and BGSAVE SCHEDULE queues one behind it; a node killed after a
/// SAVE recovers from that snapshot and its log tail, with every write.
#[test]
fn save_and_bgsave_snapshot_the_node_they_reach() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let follower = cluster.others(leader)[0];
    for i in 0..100 {
        cluster.set_retrying(leader, &format!("k{i}"), &i.to_string());
    }
    let mut conn = cluster.client(follower);
    // A linearizable read through the follower: it has applied the writes.
    assert_eq!(
        get(&mut conn, "k99").expect("GET k99").as_deref(),
        Some("99")
    );
    let before = info_fields(&mut conn, &["raft"]);
    assert_eq!(field_number(&before, "snapshot_index"), 0, "{before:?}");
    let reply: String = command(&["SAVE"]).query(&mut conn).expect("SAVE");
    assert_eq!(reply, "OK");
    let after = info_fields(&mut conn, &["raft", "persistence"]);
    assert!(
        field_number(&after, "snapshot_index") >= field_number(&before, "last_applied"),
        "{after:?}"
    );
    assert_eq!(after["rdb_bgsave_in_progress"], "0");
    let saved = field_number(&after, "snapshot_index");

    let mut leader_conn = cluster.client(leader);
    let applied = field_number(&info_fields(&mut leader_conn, &["raft"]), "last_applied");
    let reply: String = command(&["BGSAVE"])
        .query(&mut leader_conn)
        .expect("BGSAVE");
    assert_eq!(reply, "Background saving started");
    let reply: String = command(&["BGSAVE", "SCHEDULE"])
        .query(&mut leader_conn)
        .expect("BGSAVE SCHEDULE");
    assert!(
        ["Background saving started", "Background saving scheduled"].contains(&reply.as_str()),
        "{reply}"
    );
    wait_until(DEADLINE, "the leader's background snapshot", || {
        let fields = info_fields(&mut leader_conn, &["raft", "persistence"]);
        if field_number(&fields, "snapshot_index") >= applied
            && fields["rdb_bgsave_in_progress"] == "0"
        {
            Ok(())
        } else {
            Err(format!("{fields:?}"))
        }
    });

    drop(conn);
    cluster.stop(follower, Signal::Kill);
    for i in 100..150 {
        cluster.set_retrying(leader, &format!("k{i}"), &i.to_string());
    }
    cluster.restart(follower);
    let log = cluster.log_since_last_start(follower);
    let recovered = log
        .lines()
        .find(|l| l.contains("recovered from disk"))
        .unwrap_or_else(|| panic!("no recovery line in {log}"));
    assert!(
        recovered.contains(&format!("snapshot_index={saved}")),
        "{recovered}"
    );
    let mut conn = cluster.client(follower);
    for i in 0..150 {
        let key = format!("k{i}");
        assert_eq!(
            get_retrying_on(&mut conn, follower, &key).as_deref(),
            Some(i.to_string().as_str()),
            "{key}"
        );
    }
    cluster.finish();
}

/// WAITAOF answers whether the node the client talks to holds its writes in its fsync'd log,
/// and how many replicas (members other than the leader) do: through the leader and through
/// a follower, every node once they are all up; with a follower down, a WAITAOF for two
/// replicas times out with one.
#[test]
fn waitaof_counts_this_node_and_the_replicas_whose_logs_hold_the_writes() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let followers = cluster.others(leader);
    for id in [leader, followers[0]] {
        let mut conn = cluster.client(id);
        set_retrying_on(&mut conn, id, &format!("k{id}"), "v");
        let reply: Vec<i64> = command(&["WAITAOF", "1", "2", "0"])
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("WAITAOF on node {id}: {e}"));
        assert_eq!(reply, [1, 2], "node {id}");
    }
    cluster.stop(followers[1], Signal::Kill);
    let mut conn = cluster.client(followers[0]);
    set_retrying_on(&mut conn, followers[0], "after", "v");
    let started = Instant::now();
    let reply: Vec<i64> = command(&["WAITAOF", "1", "2", "300"])
        .query(&mut conn)
        .expect("WAITAOF with a follower down");
    assert_eq!(reply, [1, 1]);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    cluster.finish();
}

/// ROLE and INFO replication name nodes by the client ports their message streams tell their
/// peers: the leader lists its followers, each follower names the leader; after a failover
/// the survivors follow the new leader.
#[test]
fn role_names_the_leader_and_its_replicas_by_their_client_ports() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let expect_roles = |cluster: &TestCluster, leader: u64, live: &[u64]| {
        let port = |id: u64| cluster.resp_port(id).to_string();
        wait_until(DEADLINE, "ROLE on every live node", || {
            for &id in live {
                let mut conn = cluster.try_client(id).map_err(|e| e.to_string())?;
                let role: redis::Value = command(&["ROLE"])
                    .query(&mut conn)
                    .map_err(|e| e.to_string())?;
                let redis::Value::Array(parts) = role else {
                    return Err(format!("node {id}: {role:?}"));
                };
                let text = |v: &redis::Value| match v {
                    redis::Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
                    redis::Value::Int(n) => n.to_string(),
                    other => format!("{other:?}"),
                };
                if id == leader {
                    let mut listed: Vec<String> = match parts.get(2) {
                        Some(redis::Value::Array(replicas)) => replicas
                            .iter()
                            .map(|r| match r {
                                redis::Value::Array(f) if f.len() == 3 => {
                                    format!("{}:{}", text(&f[0]), text(&f[1]))
                                }
                                other => format!("{other:?}"),
                            })
                            .collect(),
                        other => return Err(format!("leader {id}: {other:?}")),
                    };
                    listed.sort();
                    let mut want: Vec<String> = live
                        .iter()
                        .filter(|&&o| o != leader)
                        .map(|&o| format!("127.0.0.1:{}", port(o)))
                        .collect();
                    want.sort();
                    if text(&parts[0]) != "master" || listed != want {
                        return Err(format!("leader {id}: {parts:?}, want {want:?}"));
                    }
                } else {
                    let got: Vec<String> = parts.iter().take(4).map(text).collect();
                    let want = ["slave", "127.0.0.1", &port(leader), "connected"];
                    if got != want {
                        return Err(format!("node {id}: {got:?}, want {want:?}"));
                    }
                    let info = info_fields(&mut conn, &["replication"]);
                    if info.get("master_port") != Some(&port(leader)) {
                        return Err(format!("node {id}: {info:?}"));
                    }
                }
            }
            Ok(())
        });
    };
    expect_roles(&cluster, leader, &cluster.ids());
    cluster.stop(leader, Signal::Kill);
    let live = cluster.others(leader);
    let new_leader = cluster.leader_among(&live);
    expect_roles(&cluster, new_leader, &live);
    cluster.finish();
}

/// FAILOVER on the leader hands leadership to the member named by its client address (as
/// ROLE shows it), or without TO to the one that holds the most of the log; a follower
/// refuses it as a Redis replica does. Writes go on through the new leader.
#[test]
fn failover_hands_leadership_to_the_member_asked_for() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let target = cluster.others(leader)[1];
    let mut conn = cluster.client(leader);
    // FAILOVER TO needs the target's client port, which its message stream tells.
    wait_until(
        DEADLINE,
        "the leader to know its replicas' client ports",
        || {
            let fields = info_fields(&mut conn, &["replication"]);
            if fields.contains_key("slave1") {
                Ok(())
            } else {
                Err(format!("{fields:?}"))
            }
        },
    );
    let mut follower_conn = cluster.client(cluster.others(leader)[0]);
    let refused = command(&["FAILOVER"])
        .query::<String>(&mut follower_conn)
        .expect_err("FAILOVER on a follower");
    assert!(
        refused
            .to_string()
            .contains("FAILOVER is not valid when server is a replica"),
        "{refused}"
    );
    let port = cluster.resp_port(target).to_string();
    let ok: String = command(&["FAILOVER", "TO", "127.0.0.1", &port])
        .query(&mut conn)
        .expect("FAILOVER TO");
    assert_eq!(ok, "OK");
    wait_until(DEADLINE, "the target to lead", || {
        let info = cluster.info(target)?;
        if info.role == "leader" {
            Ok(())
        } else {
            Err(format!("{info:?}"))
        }
    });
    cluster.set_retrying(target, "after-failover", "v");
    let mut conn = cluster.client(target);
    let ok: String = command(&["FAILOVER"])
        .query(&mut conn)
        .expect("FAILOVER without a target");
    assert_eq!(ok, "OK");
    wait_until(DEADLINE, "another member to lead", || {
        let leaders: Vec<u64> = cluster
            .ids()
            .into_iter()
            .filter(|&id| cluster.info(id).is_ok_and(|i| i.role == "leader"))
            .collect();
        match leaders[..] {
            [one] if one != target => Ok(()),
            _ => Err(format!("leaders {leaders:?}")),
        }
    });
    assert_eq!(
        cluster.get_retrying(leader, "after-failover").as_deref(),
        Some("v")
    );
    cluster.finish();
}

/// INFO's sections as `name:value` fields (one INFO call, so they agree with each other).
fn info_fields(conn: &mut common::Client, sections: &[&str]) -> BTreeMap<String, String> {
    let mut args = vec!["INFO"];
    args.extend(sections);
    let info: String = command(&args).query(conn).expect("INFO");
    info.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn field_number(fields: &BTreeMap<String, String>, name: &str) -> u64 {
    fields
        .get(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{name} in {fields:?}"))
}

/// INFO persistence reads a snapshot as Redis's RDB save: the log entries applied since the
/// last snapshot are the changes since the last save, and taking one moves the save time.
/// INFO stats counts the bytes clients sent, reads' key lookups and purged keys.
#[test]
fn info_reports_snapshots_as_saves_and_counts_client_bytes() {
    let cluster = TestCluster::start_with(3, &["--snapshot-entries", "50"]);
    let leader = cluster.leader();
    let mut conn = cluster.client(leader);
    let before = info_fields(&mut conn, &["persistence", "stats"]);
    let started = field_number(&before, "rdb_last_save_time");
    assert_eq!(before["aof_enabled"], "1");
    // A save after this one must show a later second.
    wait_until(
        DEADLINE,
        "the wall clock to pass the start's second",
        || {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_secs();
            if now > started {
                Ok(())
            } else {
                Err(format!("now {now}, start {started}"))
            }
        },
    );
    let mut sent = 0;
    for i in 0..200 {
        let key = format!("saved-{i}");
        let args = ["SET", key.as_str(), "value"];
        sent += format!(
            "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n$5\r\nvalue\r\n",
            key.len()
        )
        .len();
        let _: String = command(&args).query(&mut conn).expect("SET");
    }
    let after = wait_until(DEADLINE, "a snapshot of the writes", || {
        let fields = info_fields(&mut conn, &["persistence", "raft", "stats"]);
        if field_number(&fields, "snapshot_index") < 50
            || field_number(&fields, "rdb_last_save_time") <= started
        {
            return Err(format!("{fields:?}"));
        }
        Ok(fields)
    });
    assert_eq!(
        field_number(&after, "rdb_changes_since_last_save"),
        field_number(&after, "last_applied") - field_number(&after, "snapshot_index"),
        "{after:?}"
    );
    let input = field_number(&after, "total_net_input_bytes")
        - field_number(&before, "total_net_input_bytes");
    assert!(input >= sent as u64, "{input} bytes counted, {sent} sent");
    assert!(field_number(&after, "total_net_output_bytes") > 0);

    // Reads count hits and misses; the purge of an expired key counts it.
    let _: String = command(&["CONFIG", "RESETSTAT"])
        .query(&mut conn)
        .expect("CONFIG RESETSTAT");
    let _: String = command(&["SET", "short-lived", "x", "PX", "50"])
        .query(&mut conn)
        .expect("SET PX");
    let found: Option<String> = command(&["GET", "saved-0"]).query(&mut conn).expect("GET");
    assert_eq!(found.as_deref(), Some("value"));
    let missing: Option<String> = command(&["GET", "nosuch"]).query(&mut conn).expect("GET");
    assert_eq!(missing, None);
    wait_until(DEADLINE, "the lookups and the purge in INFO stats", || {
        let fields = info_fields(&mut conn, &["stats"]);
        let counts = (
            field_number(&fields, "keyspace_hits"),
            field_number(&fields, "keyspace_misses"),
            field_number(&fields, "expired_keys"),
        );
        if counts == (1, 1, 1) {
            Ok(())
        } else {
            Err(format!("hits, misses, expired: {counts:?}"))
        }
    });
    cluster.finish();
}

/// INFO replication in Redis's terms: the leader counts the members it has a stream to as
/// its connected replicas, a follower's link to its master is up while its stream to the
/// leader is, and the offsets are log indexes.
#[test]
fn info_replication_shows_links_to_the_leader_and_its_replicas() {
    let mut cluster = TestCluster::start(3);
    let leader = cluster.leader();
    cluster.set_retrying(leader, "replicated", "1");
    let followers = cluster.others(leader);
    let replication =
        |cluster: &TestCluster, id: u64| info_fields(&mut cluster.client(id), &["replication"]);
    // Both sections in one INFO, so that the offsets and the indexes agree (both name a
    // `role`; the one kept is Raft's).
    let with_raft = |cluster: &TestCluster, id: u64| {
        info_fields(&mut cluster.client(id), &["replication", "raft"])
    };
    wait_until(DEADLINE, "both followers linked to the leader", || {
        let on_leader = replication(&cluster, leader);
        let linked: Vec<String> = followers
            .iter()
            .map(|&id| replication(&cluster, id)["master_link_status"].clone())
            .collect();
        if on_leader["connected_slaves"] == "2" && linked == ["up", "up"] {
            Ok(())
        } else {
            Err(format!("leader {on_leader:?}, followers {linked:?}"))
        }
    });
    assert_eq!(replication(&cluster, leader)["role"], "master");
    assert_eq!(replication(&cluster, followers[0])["role"], "slave");
    let on_leader = with_raft(&cluster, leader);
    assert_eq!(on_leader["master_repl_offset"], on_leader["commit_index"]);
    let on_follower = with_raft(&cluster, followers[0]);
    assert_eq!(
        on_follower["slave_repl_offset"],
        on_follower["last_applied"]
    );
    assert_eq!(
        on_follower["master_repl_offset"],
        on_follower["commit_index"]
    );

    // One follower stops: the leader has one replica left. Then the leader stops too: the
    // last node has no master to be linked to.
    cluster.stop(followers[1], Signal::Term);
    wait_until(DEADLINE, "the leader to count one replica", || {
        let on_leader = replication(&cluster, leader);
        match on_leader["connected_slaves"].as_str() {
            "1" => Ok(()),
            other => Err(format!("connected_slaves:{other}")),
        }
    });
    cluster.stop(leader, Signal::Term);
    wait_until(DEADLINE, "the last node's link to be down", || {
        let on_follower = replication(&cluster, followers[0]);
        match on_follower["master_link_status"].as_str() {
            "down" => Ok(()),
            other => Err(format!("master_link_status:{other}")),
        }
    });
    cluster.finish();
}

/// A connection to node `id` that speaks RESP3.
fn resp3_client(cluster: &TestCluster, id: u64) -> common::Client {
    let mut conn = cluster.client(id);
    let hello = common::send_frame(&mut conn, &["HELLO", "3"]);
    assert!(hello.contains("proto"), "HELLO 3 on node {id}: {hello}");
    conn
}

/// CLIENT TRACKING on a cluster: a client is told of changes to the keys it read, made by
/// any client through any node, once its own node applies them; each mode does what Redis
/// does: once per read in the default mode, every matching key with BCAST, not its own
/// changes with NOLOOP, only after CLIENT CACHING YES with OPTIN (in a transaction too, the
/// way some clients send it), through another connection with REDIRECT (a RESP2 subscriber
/// of `__redis__:invalidate`), and everything after FLUSHALL; a script's declared keys count
/// as read, and a blocked client is told while it waits.
#[test]
fn tracking_clients_are_told_of_changes_applied_on_their_node() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    // Every node forwards writes before the test's, so none needs a retry (a retried write
    // could tell a BCAST client twice).
    for id in cluster.ids() {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let others = cluster.others(leader);
    let (follower, third) = (others[0], others[1]);
    let mut writer = cluster.client(leader);
    let mut write = |args: &[&str]| {
        let reply = common::send_frame(&mut writer, args);
        assert!(
            reply == "OK" || reply.parse::<i64>().is_ok(),
            "{args:?}: {reply}"
        );
    };

    // Default mode, on a follower: told once per read of the key.
    let mut plain = resp3_client(&cluster, follower);
    assert_eq!(
        common::send_frame(&mut plain, &["CLIENT", "TRACKING", "ON"]),
        "OK"
    );
    assert_eq!(common::send_frame(&mut plain, &["GET", "k1"]), "nil");
    write(&["SET", "k1", "x"]);
    assert_eq!(common::next_text(&mut plain), "push:Invalidate [[k1]]");
    write(&["SET", "k1", "y"]);
    // Not read again, so not told again. A read on the follower waits until it applied the
    // second SET, and a message for it would come before the PONG.
    assert_eq!(common::send_frame(&mut plain, &["GET", "k2"]), "nil");
    assert_eq!(common::send_frame(&mut plain, &["PING"]), "PONG");

    // BCAST with NOLOOP, on another node: every key under the prefix, but not its own.
    let mut bcast = resp3_client(&cluster, third);
    let on = [
        "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP", "PREFIX", "user:",
    ];
    assert_eq!(common::send_frame(&mut bcast, &on), "OK");
    assert_eq!(
        common::send_frame(&mut bcast, &["SET", "user:own", "1"]),
        "OK"
    );
    write(&["SET", "other:1", "1"]);
    write(&["SET", "user:2", "1"]);
    assert_eq!(common::next_text(&mut bcast), "push:Invalidate [[user:2]]");

    // OPTIN: only what is read right after CLIENT CACHING YES, alone or in a transaction.
    let mut optin = resp3_client(&cluster, follower);
    assert_eq!(
        common::send_frame(&mut optin, &["CLIENT", "TRACKING", "ON", "OPTIN"]),
        "OK"
    );
    assert_eq!(common::send_frame(&mut optin, &["GET", "o1"]), "nil");
    assert_eq!(
        common::send_frame(&mut optin, &["CLIENT", "CACHING", "YES"]),
        "OK"
    );
    assert_eq!(common::send_frame(&mut optin, &["GET", "o2"]), "nil");
    write(&["SET", "o1", "1"]);
    write(&["SET", "o2", "1"]);
    assert_eq!(common::next_text(&mut optin), "push:Invalidate [[o2]]");
    assert_eq!(common::send_frame(&mut optin, &["MULTI"]), "OK");
    assert_eq!(
        common::send_frame(&mut optin, &["CLIENT", "CACHING", "YES"]),
        "QUEUED"
    );
    assert_eq!(common::send_frame(&mut optin, &["PTTL", "t1"]), "QUEUED");
    assert_eq!(common::send_frame(&mut optin, &["GET", "t1"]), "QUEUED");
    assert_eq!(common::send_frame(&mut optin, &["EXEC"]), "[OK -2 nil]");
    write(&["SET", "t1", "1"]);
    assert_eq!(common::next_text(&mut optin), "push:Invalidate [[t1]]");

    // REDIRECT to a RESP2 connection that subscribes to __redis__:invalidate.
    let mut target = cluster.client(follower);
    let target_id = common::send_frame(&mut target, &["CLIENT", "ID"]);
    assert_eq!(
        common::send_frame(&mut target, &["SUBSCRIBE", "__redis__:invalidate"]),
        "[subscribe __redis__:invalidate 1]"
    );
    let mut redirected = cluster.client(follower);
    let on = ["CLIENT", "TRACKING", "ON", "REDIRECT", &target_id];
    assert_eq!(common::send_frame(&mut redirected, &on), "OK");
    assert_eq!(
        common::send_frame(&mut redirected, &["CLIENT", "GETREDIR"]),
        target_id
    );
    assert_eq!(common::send_frame(&mut redirected, &["GET", "r"]), "nil");
    write(&["SET", "r", "1"]);
    assert_eq!(
        common::next_text(&mut target),
        "[message __redis__:invalidate [r]]"
    );

    let info: String = redis::cmd("INFO")
        .arg("clients")
        .query(&mut cluster.client(follower))
        .unwrap_or_else(|e| panic!("INFO on node {follower}: {e}"));
    assert!(info.contains("tracking_clients:3\r\n"), "{info}");

    // A script's declared keys are remembered for its caller, like a read's.
    let eval = ["EVAL", "return redis.call('GET', KEYS[1])", "1", "s1"];
    assert_eq!(common::send_frame(&mut plain, &eval), "nil");
    write(&["SET", "s1", "1"]);
    assert_eq!(common::next_text(&mut plain), "push:Invalidate [[s1]]");

    // A client blocked in BLPOP is told meanwhile, as in Redis.
    assert_eq!(common::send_frame(&mut plain, &["GET", "k3"]), "nil");
    if let Err(e) = plain.send_command(&["BLPOP", "queue", "10"]) {
        panic!("BLPOP: {e}");
    }
    write(&["SET", "k3", "1"]);
    assert_eq!(common::next_text(&mut plain), "push:Invalidate [[k3]]");
    write(&["RPUSH", "queue", "job"]);
    assert_eq!(common::next_text(&mut plain), "[queue job]");

    // FLUSHALL: every tracking client is told, with a null, whatever it read.
    write(&["FLUSHALL"]);
    assert_eq!(common::next_text(&mut plain), "push:Invalidate [nil]");
    assert_eq!(common::next_text(&mut bcast), "push:Invalidate [nil]");
    assert_eq!(
        common::next_text(&mut target),
        "[message __redis__:invalidate nil]"
    );
    cluster.finish();
}

/// The `redis` crate's own client-side cache (RESP3, CLIENT TRACKING) against a follower:
/// a repeated GET is served from the cache, and a write made through the leader reaches it
/// as an invalidation, after which GET answers the new value.
#[test]
fn redis_rs_client_side_cache_sees_writes_made_through_other_nodes() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let follower = cluster.others(leader)[0];
    cluster.set_retrying(leader, "cached", "v1");
    let port = cluster.resp_port(follower);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("tokio runtime: {e}"));
    let set_v2 = || cluster.set_retrying(leader, "cached", "v2");
    runtime.block_on(async {
        let url = format!("redis://127.0.0.1:{port}/?protocol=resp3");
        let client = redis::Client::open(url).unwrap_or_else(|e| panic!("client: {e}"));
        let config = redis::AsyncConnectionConfig::new()
            .set_cache_config(redis::caching::CacheConfig::new())
            .set_response_timeout(Some(Duration::from_secs(10)));
        let mut conn = client
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .unwrap_or_else(|e| panic!("connect to node {follower}: {e}"));
        for _ in 0..3 {
            let value: Option<String> = redis::cmd("GET")
                .arg("cached")
                .query_async(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("GET through the cache: {e}"));
            assert_eq!(value.as_deref(), Some("v1"));
        }
        let stats = conn.get_cache_statistics().unwrap_or_default();
        assert_eq!((stats.miss, stats.hit), (1, 2), "{stats:?}");
        set_v2();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let value: Option<String> = redis::cmd("GET")
                .arg("cached")
                .query_async(&mut conn)
                .await
                .unwrap_or_else(|e| panic!("GET through the cache: {e}"));
            if value.as_deref() == Some("v2") {
                break;
            }
            assert_eq!(value.as_deref(), Some("v1"));
            assert!(Instant::now() < deadline, "the cache kept v1 for 10 s");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let stats = conn.get_cache_statistics().unwrap_or_default();
        assert!(stats.invalidate >= 1, "{stats:?}");
    });
    cluster.finish();
}

/// A connection with client-side caching on, and the cache it keeps: values by key, dropped
/// when the node says they changed.
struct TrackedCache {
    conn: common::Client,
    values: BTreeMap<String, i64>,
    invalidated: u64,
}

impl TrackedCache {
    /// Sends `args` and reads its reply, applying the pushes read meanwhile.
    fn call(&mut self, args: &[&str]) -> String {
        if let Err(e) = self.conn.send_command(args) {
            panic!("{args:?}: {e}");
        }
        loop {
            match self.conn.next_frame() {
                Ok(redis::Value::Push { data, .. }) => match data.first() {
                    Some(redis::Value::Array(keys)) => {
                        for k in keys {
                            self.values.remove(&common::frame_text(k));
                            self.invalidated += 1;
                        }
                    }
                    other => panic!("unexpected push {other:?}"),
                },
                Ok(frame) => return common::frame_text(&frame),
                Err(e) => panic!("{args:?} on the caching connection: {e}"),
            }
        }
    }

    /// Reads `key` into the cache.
    fn read(&mut self, key: &str) {
        let reply = self.call(&["GET", key]);
        let value = if reply == "nil" {
            0
        } else {
            reply.parse().unwrap_or(-1)
        };
        self.values.insert(key.to_owned(), value);
    }
}

/// A client-side cache kept by CLIENT TRACKING on a follower, while three clients INCR keys
/// through every node, never holds a value older than one acknowledged before its last
/// check: no change slips between a read and the node's memory of it, and no message
/// overtakes the reply it concerns. A check writes a barrier key the cache holds, through
/// the leader, and waits for its message: messages come in the order the node applied the
/// writes, so by then the cache has heard of every write acknowledged before the barrier.
#[test]
fn a_tracked_cache_never_keeps_a_stale_value_under_concurrent_writes() {
    use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
    const KEYS: usize = 32;
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    for id in cluster.ids() {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let follower = cluster.others(leader)[0];
    let stop = AtomicBool::new(false);
    // The highest value an INCR of each key answered.
    let acked: Vec<AtomicI64> = (0..KEYS).map(|_| AtomicI64::new(0)).collect();
    // xorshift64: reproducible picks without a dependency.
    let next = |state: &mut u64| {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        (*state % KEYS as u64) as usize
    };
    let mut cache = TrackedCache {
        conn: resp3_client(&cluster, follower),
        values: BTreeMap::new(),
        invalidated: 0,
    };
    assert_eq!(cache.call(&["CLIENT", "TRACKING", "ON"]), "OK");
    let mut barrier_writer = cluster.client(leader);
    // Every value acknowledged before the barrier write started is in the cache or gone
    // from it once the barrier's message has come.
    let mut check = |cache: &mut TrackedCache| {
        let floor: Vec<i64> = acked.iter().map(|a| a.load(Ordering::SeqCst)).collect();
        cache.read("barrier");
        let n: i64 = redis::cmd("INCR")
            .arg("barrier")
            .query(&mut barrier_writer)
            .unwrap_or_else(|e| panic!("INCR barrier: {e}"));
        assert!(n > 0);
        // A PING each time: the message comes within a round trip or two.
        let deadline = Instant::now() + Duration::from_secs(10);
        while cache.values.contains_key("barrier") {
            assert!(
                Instant::now() < deadline,
                "no message for the barrier in 10 s"
            );
            assert_eq!(cache.call(&["PING"]), "PONG");
        }
        for (i, floor) in floor.iter().enumerate() {
            if let Some(cached) = cache.values.get(&format!("cache:{i}")) {
                assert!(
                    cached >= floor,
                    "cache:{i} holds {cached}, {floor} was acknowledged"
                );
            }
        }
    };

    /// Stops the writers however the reader's part ends, a failed assertion included:
    /// otherwise the scope would wait for them for ever.
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    let (mut hits, mut checks) = (0u64, 0u64);
    std::thread::scope(|scope| {
        for (w, id) in cluster.ids().into_iter().enumerate() {
            let (stop, cluster, acked) = (&stop, &cluster, &acked);
            scope.spawn(move || {
                let mut conn = cluster.client(id);
                let mut state = 0x9e37_79b9_7f4a_7c15 ^ (w as u64 + 1);
                while !stop.load(Ordering::Relaxed) {
                    let k = next(&mut state);
                    let n: i64 = common::wait_until(DEADLINE, "INCR", || {
                        redis::cmd("INCR")
                            .arg(format!("cache:{k}"))
                            .query(&mut conn)
                            .map_err(|e| e.to_string())
                    });
                    acked[k].fetch_max(n, Ordering::SeqCst);
                }
            });
        }
        let _stop = StopOnDrop(&stop);
        let mut state = 0x2545_f491_4f6c_dd1d;
        let deadline = Instant::now() + Duration::from_secs(3);
        let mut round = 0u64;
        while Instant::now() < deadline {
            round += 1;
            let k = format!("cache:{}", next(&mut state));
            if cache.values.contains_key(&k) {
                // Served from the cache; a PING lets the pushes in, as a client library
                // reads them in the background.
                hits += 1;
                assert_eq!(cache.call(&["PING"]), "PONG");
            } else {
                cache.read(&k);
            }
            if round.is_multiple_of(25) {
                check(&mut cache);
                checks += 1;
            }
        }
    });
    check(&mut cache);

    // Races aimed at the gap between a read and the node's memory of it: another client of
    // the same node changes a key while the cache reads it, and nothing changes it again, so
    // a change left untold would leave the old value cached for good.
    let mut racer = cluster.client(follower);
    let mut stale = Vec::new();
    for i in 0..200 {
        let key = format!("race:{i}");
        if let Err(e) = racer.send_command(&["INCR", &key]) {
            panic!("INCR {key}: {e}");
        }
        cache.read(&key);
        let acked: i64 = match racer.next_frame() {
            Ok(redis::Value::Int(n)) => n,
            other => panic!("INCR {key}: {other:?}"),
        };
        check(&mut cache);
        if cache.values.get(&key).is_some_and(|&cached| cached < acked) {
            stale.push(key);
        }
    }
    assert!(stale.is_empty(), "stale after a race: {stale:?}");
    assert!(
        hits > 100 && cache.invalidated > 100 && checks > 10,
        "{hits} hits, {} invalidations, {checks} checks",
        cache.invalidated
    );
    cluster.finish();
}

/// The fields of `h` with their expiry times (HPEXPIRETIME) on node `id`, sorted.
fn field_expiries(cluster: &TestCluster, id: u64, fields: &[String]) -> Vec<(String, i64)> {
    let mut conn = cluster.client(id);
    let mut args = vec!["HPEXPIRETIME", "h", "FIELDS"];
    let count = fields.len().to_string();
    args.push(&count);
    args.extend(fields.iter().map(String::as_str));
    let times: Vec<i64> = wait_until(DEADLINE, "HPEXPIRETIME after a restart", || {
        command(&args).query(&mut conn).map_err(|e| {
            if is_retryable(&e) {
                e.to_string()
            } else {
                panic!("node {id}: {e}")
            }
        })
    });
    fields.iter().cloned().zip(times).collect()
}

/// Hash fields given TTLs through a follower expire on every node, a purge removes them from
/// every replica alike, and the TTLs of the others survive a snapshot installed by a lagging
/// node and every node being killed and recovering from its disk.
#[test]
fn hash_field_ttls_expire_everywhere_and_survive_snapshots_and_crashes() {
    let mut cluster = TestCluster::start_with(3, &["--snapshot-entries", "50"]);
    let (leader, follower, lagging) = leader_follower_and_a_stopped_one(&mut cluster);
    let mut conn = cluster.client(follower);
    let fields: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
    let mut hset = redis::cmd("HSET");
    hset.arg("h");
    for f in &fields {
        hset.arg(f).arg(format!("v-{f}"));
    }
    let added: i64 = hset.query(&mut conn).expect("HSET");
    assert_eq!(added, 20);
    let set: Vec<i64> = command(&["HEXPIRE", "h", "3600", "FIELDS", "3", "f0", "f1", "f2"])
        .query(&mut conn)
        .expect("HEXPIRE");
    assert_eq!(set, [1, 1, 1]);
    let set: Vec<i64> = command(&["HPEXPIRE", "h", "300", "FIELDS", "2", "f3", "nope"])
        .query(&mut conn)
        .expect("HPEXPIRE");
    assert_eq!(set, [1, -2]);
    // Enough writes for the two running nodes to compact their logs past `lagging`'s.
    for i in 0..200 {
        let _: () = command(&["SET", &format!("k{i}"), "v"])
            .query(&mut conn)
            .expect("SET");
    }
    // f3 expires on every node (a follower's reads are linearizable, and hide it from its
    // deadline on), and the leader's purge removes it from every replica.
    for id in [leader, follower] {
        let mut c = cluster.client(id);
        wait_until(DEADLINE, "f3 to expire", || {
            let value: Option<String> = command(&["HGET", "h", "f3"])
                .query(&mut c)
                .map_err(|e| e.to_string())?;
            match value {
                None => Ok(()),
                Some(v) => Err(format!("node {id}: f3 is still {v}")),
            }
        });
        wait_until(DEADLINE, "the purge of f3", || {
            let info = info_fields(&mut c, &["stats"]);
            match field_number(&info, "expired_subkeys") {
                1 => Ok(()),
                n => Err(format!("node {id}: {n} expired fields")),
            }
        });
        let len: i64 = command(&["HLEN", "h"]).query(&mut c).expect("HLEN");
        assert_eq!(len, 19, "node {id}");
    }
    let before = field_expiries(&cluster, leader, &fields);
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    for (field, at) in &before {
        match field.as_str() {
            "f0" | "f1" | "f2" => assert!(
                (now_ms..=now_ms + 3_600_000).contains(at),
                "{field} expires at {at}, now is {now_ms}"
            ),
            "f3" => assert_eq!(*at, -2, "f3"),
            _ => assert_eq!(*at, -1, "{field}"),
        }
    }
    drop(conn);
    restart_from_leaders_snapshot(&mut cluster, lagging);
    assert_eq!(
        field_expiries(&cluster, lagging, &fields),
        before,
        "from the snapshot"
    );

    let ids = kill_and_restart_all(&mut cluster);
    let mut digests = Vec::new();
    for &id in &ids {
        assert_eq!(field_expiries(&cluster, id, &fields), before, "node {id}");
        let mut c = cluster.client(id);
        let digest: String = command(&["DEBUG", "DIGEST"])
            .query(&mut c)
            .expect("DEBUG DIGEST");
        digests.push(digest);
    }
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "{digests:?}");
    cluster.finish();
}

/// XREAD's `+` (Redis 7.4) on every node: a reader blocked on an empty stream gets the next
/// entry added through any node, and on a stream with entries answers its last one at once.
#[test]
fn xread_plus_waits_for_the_next_entry_or_reads_the_last() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let ids = cluster.ids();
    for &id in &ids {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let read_plus = |id: u64| blocked_xread(&cluster, id, "p", "+");
    let readers: Vec<_> = ids.iter().map(|&id| (id, read_plus(id))).collect();
    for &id in &ids {
        wait_blocked(&cluster, id, 1);
    }
    let first = xadd(&mut cluster.client(leader), "p", "f", "first");
    for (id, reader) in readers {
        let reply = reader
            .join()
            .expect("reader thread")
            .unwrap_or_else(|e| panic!("XREAD + on node {id}: {e}"));
        assert_eq!(
            shown(&reply),
            format!(r#"[["p", [["{first}", ["f", "first"]]]]]"#),
            "node {id}"
        );
    }
    let writer = cluster.others(leader)[0];
    let second = xadd(&mut cluster.client(writer), "p", "f", "second");
    for &id in &ids {
        let reply = read_plus(id)
            .join()
            .expect("reader thread")
            .unwrap_or_else(|e| panic!("XREAD + on node {id}: {e}"));
        assert_eq!(
            shown(&reply),
            format!(r#"[["p", [["{second}", ["f", "second"]]]]]"#),
            "node {id}"
        );
    }
    cluster.finish();
}

/// A tracking client's blocking read (XREAD BLOCK) is remembered when it is answered after a
/// wait, as Redis remembers it: the next change to the stream is told.
#[test]
fn a_tracking_client_is_told_of_changes_to_what_a_blocked_read_returned() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    for id in cluster.ids() {
        cluster.set_retrying(id, &format!("warm:{id}"), "x");
    }
    let follower = cluster.others(leader)[0];
    let mut reader = resp3_client(&cluster, follower);
    assert_eq!(
        common::send_frame(&mut reader, &["CLIENT", "TRACKING", "ON"]),
        "OK"
    );
    let xread = ["XREAD", "BLOCK", "0", "STREAMS", "bs", "$"];
    if let Err(e) = reader.send_command(&xread) {
        panic!("XREAD BLOCK: {e}");
    }
    wait_blocked(&cluster, follower, 1);
    let mut writer = cluster.client(leader);
    let first = xadd(&mut writer, "bs", "f", "1");
    let answer = common::next_text(&mut reader);
    assert!(
        answer.contains(&first) && !answer.starts_with("push"),
        "XREAD's answer: {answer}"
    );
    xadd(&mut writer, "bs", "f", "2");
    assert_eq!(common::next_text(&mut reader), "push:Invalidate [[bs]]");
    cluster.finish();
}

/// The commands a script runs count in INFO commandstats as calls (and failed calls), as in
/// Redis: a writing script's on every node that applies it, a read-only script's on the node
/// that serves it.
#[test]
fn commands_run_by_scripts_count_in_commandstats() {
    let cluster = TestCluster::start(3);
    let leader = cluster.leader();
    let follower = cluster.others(leader)[0];
    let script = "redis.call('set', KEYS[1], 'v') redis.call('hset', KEYS[2], 'f', 1) \
                  return redis.pcall('incr', KEYS[1])";
    let reply = script_on(&cluster, follower, &["EVAL", script, "2", "sk", "sh"]);
    assert!(
        matches!(reply, Err(ref e) if e.to_string().contains("not an integer")),
        "{reply:?}"
    );
    for id in cluster.ids() {
        let mut conn = cluster.client(id);
        wait_until(DEADLINE, "the script's commands counted", || {
            let mut counted = |name: &str| {
                let totals = command_totals(&mut conn, name).unwrap_or_default();
                (
                    totals.get("calls").copied(),
                    totals.get("failed_calls").copied(),
                )
            };
            let seen = [counted("set"), counted("hset"), counted("incr")];
            if seen == [(Some(1), Some(0)), (Some(1), Some(0)), (Some(1), Some(1))] {
                Ok(())
            } else {
                Err(format!("node {id}: {seen:?}"))
            }
        });
    }
    let read = script_on(
        &cluster,
        leader,
        &["EVAL_RO", "return redis.call('get', KEYS[1])", "1", "sk"],
    );
    assert_eq!(read.ok(), Some(redis::Value::BulkString(b"v".to_vec())));
    for id in cluster.ids() {
        let gets =
            command_totals(&mut cluster.client(id), "get").and_then(|t| t.get("calls").copied());
        let want = if id == leader { Some(1) } else { None };
        assert_eq!(gets, want, "GET calls on node {id}");
    }
    cluster.finish();
}
