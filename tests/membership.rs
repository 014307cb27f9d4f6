//! End-to-end tests of membership changes on the real `raft-kv` binary.
//!
//! Each test runs real processes through [`common::TestCluster`]: a cluster formed from its
//! `--cluster` list, and nodes started with `--join` that `RAFT.NODE ADD` brings in. They check
//! what an operator sees: a joining node catching up through a snapshot and becoming a voter,
//! a leader removing itself and handing over, quorums that follow the new membership, the
//! membership surviving a restart of every node (from the log and from a snapshot), and clear
//! errors for bad requests. `INFO raft`'s `voters:` and `learners:` lines are the observable
//! membership; every wait is a bounded [`wait_until`] poll.

mod common;

use std::collections::BTreeMap;
use std::time::Instant;

use common::{
    Client, DEADLINE, Signal, TestCluster, get, get_retrying_on, set, set_retrying_on, wait_until,
};

/// `INFO raft`'s fields of node `id`, by name.
fn raft_fields(cluster: &TestCluster, id: u64) -> Result<BTreeMap<String, String>, String> {
    let mut conn = cluster
        .try_client(id)
        .map_err(|e| format!("node {id}: {e}"))?;
    let text: String = redis::cmd("INFO")
        .arg("raft")
        .query(&mut conn)
        .map_err(|e| format!("node {id} INFO raft: {e}"))?;
    let fields: BTreeMap<String, String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect();
    if fields.get("node_id").map(String::as_str) != Some(id.to_string().as_str()) {
        return Err(format!("node {id} answered INFO raft with {text:?}"));
    }
    Ok(fields)
}

/// A numeric `INFO raft` field.
fn number(fields: &BTreeMap<String, String>, name: &str) -> Result<u64, String> {
    fields
        .get(name)
        .ok_or_else(|| format!("no `{name}` in {fields:?}"))?
        .parse()
        .map_err(|e| format!("`{name}` is not a number ({e}): {fields:?}"))
}

/// The `voters` or `learners` field: `id=addr` pairs, comma-separated, possibly none.
fn members(fields: &BTreeMap<String, String>, name: &str) -> Result<BTreeMap<u64, String>, String> {
    let list = fields
        .get(name)
        .ok_or_else(|| format!("no `{name}` in {fields:?}"))?;
    list.split(',')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (id, addr) = pair
                .split_once('=')
                .ok_or_else(|| format!("`{name}` has no id=addr pair in {list:?}"))?;
            let id = id
                .parse()
                .map_err(|e| format!("`{name}` has a bad id ({e}) in {list:?}"))?;
            Ok((id, addr.to_owned()))
        })
        .collect()
}

/// The members `ids` at the peer addresses the cluster gave them.
fn at_their_addresses(cluster: &TestCluster, ids: &[u64]) -> BTreeMap<u64, String> {
    ids.iter().map(|&id| (id, cluster.peer_addr(id))).collect()
}

/// Waits until every node of `nodes` reports exactly `voters` as voters and `learners` as
/// learners, each at its own peer address.
fn wait_for_membership(cluster: &TestCluster, nodes: &[u64], voters: &[u64], learners: &[u64]) {
    let want_voters = at_their_addresses(cluster, voters);
    let want_learners = at_their_addresses(cluster, learners);
    wait_until(
        DEADLINE,
        &format!("nodes {nodes:?} to report voters {voters:?} and learners {learners:?}"),
        || {
            for &id in nodes {
                let fields = raft_fields(cluster, id)?;
                let (got_voters, got_learners) =
                    (members(&fields, "voters")?, members(&fields, "learners")?);
                if got_voters != want_voters || got_learners != want_learners {
                    return Err(format!(
                        "node {id} reports voters {got_voters:?} learners {got_learners:?}"
                    ));
                }
            }
            Ok(())
        },
    );
}

/// Asserts, in one probe, that every node of `nodes` reports exactly `voters` as voters and
/// no learners.
fn assert_voters_now(cluster: &TestCluster, nodes: &[u64], voters: &[u64], when: &str) {
    let want = at_their_addresses(cluster, voters);
    for &id in nodes {
        let fields = raft_fields(cluster, id).unwrap_or_else(|e| panic!("{when}: {e}"));
        let got = members(&fields, "voters").unwrap_or_else(|e| panic!("{when}: {e}"));
        assert_eq!(got, want, "{when}: node {id}'s voters");
        let learners = members(&fields, "learners").unwrap_or_else(|e| panic!("{when}: {e}"));
        assert!(
            learners.is_empty(),
            "{when}: node {id}'s learners {learners:?}"
        );
    }
}

/// Waits until the nodes `ids` answer INFO, exactly one of them leads, and all of them agree
/// on it and its term; returns its id. (`TestCluster::leader` asks every running node, and a
/// node outside the membership never learns of a leader.)
fn leader_among(cluster: &TestCluster, ids: &[u64]) -> u64 {
    wait_until(
        DEADLINE,
        &format!("one leader agreed on by nodes {ids:?}"),
        || {
            let mut views = Vec::new();
            for &id in ids {
                let fields = raft_fields(cluster, id)?;
                views.push((
                    id,
                    fields.get("role").cloned().unwrap_or_default(),
                    number(&fields, "leader_id")?,
                    number(&fields, "term")?,
                ));
            }
            let leaders: Vec<_> = views.iter().filter(|v| v.1 == "leader").collect();
            let [&(leader, _, _, term)] = leaders[..] else {
                return Err(format!("{} leaders: {views:?}", leaders.len()));
            };
            if views.iter().any(|v| v.2 != leader || v.3 != term) {
                return Err(format!("nodes disagree: {views:?}"));
            }
            Ok(leader)
        },
    )
}

/// Sends `RAFT.NODE <args...>` once.
fn raft_node(conn: &mut Client, args: &[&str]) -> redis::RedisResult<redis::Value> {
    redis::cmd("RAFT.NODE").arg(args).query(conn)
}

/// Sends `RAFT.NODE <args...>` to node `id` and asserts it answers `+OK`.
fn raft_node_ok(cluster: &TestCluster, id: u64, args: &[&str]) {
    let mut conn = cluster.client(id);
    let started = Instant::now();
    let reply = raft_node(&mut conn, args)
        .unwrap_or_else(|e| panic!("RAFT.NODE {args:?} on node {id} failed: {e}"));
    assert_eq!(reply, redis::Value::Okay, "RAFT.NODE {args:?} on node {id}");
    eprintln!(
        "RAFT.NODE {} on node {id}: OK in {:?}",
        args.join(" "),
        started.elapsed()
    );
}

/// Asserts `result` is the server error whose text (code and message) is exactly `want`.
fn assert_error<T: std::fmt::Debug>(result: redis::RedisResult<T>, want: &str, what: &str) {
    let err = result.expect_err(&format!("{what} must fail"));
    let text = format!(
        "{} {}",
        err.code().unwrap_or("<no code>"),
        err.detail().unwrap_or("<no detail>")
    );
    assert_eq!(text, want, "{what} answered {err:?}");
}

/// Value written under `key` by [`write_keys`].
fn value_of(key: &str) -> String {
    format!("value-of-{key}")
}

/// Writes `count` keys `<prefix>-<i>` through `conn`, one SET (and one log entry) each.
fn write_keys(conn: &mut Client, id: u64, prefix: &str, count: usize) -> Vec<String> {
    let keys: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
    let started = Instant::now();
    for key in &keys {
        set_retrying_on(conn, id, key, &value_of(key));
    }
    eprintln!(
        "wrote {count} keys through node {id} in {:?}",
        started.elapsed()
    );
    keys
}

/// Asserts a linearizable GET of every key on node `id` returns its value.
fn assert_keys(cluster: &TestCluster, id: u64, keys: &[String]) {
    let mut conn = cluster.client(id);
    // The first read may wait for a leader; every later one must succeed at once.
    assert_eq!(
        get_retrying_on(&mut conn, id, &keys[0]),
        Some(value_of(&keys[0])),
        "GET {} on node {id}",
        keys[0]
    );
    for key in keys {
        let value = get(&mut conn, key).unwrap_or_else(|e| panic!("GET {key} on node {id}: {e}"));
        assert_eq!(value, Some(value_of(key)), "GET {key} on node {id}");
    }
}

/// Lines of the nodes `ids`' logs since their last start that contain `needle`.
fn log_lines(cluster: &TestCluster, ids: &[u64], needle: &str) -> Vec<String> {
    ids.iter()
        .flat_map(|&id| {
            cluster
                .log_since_last_start(id)
                .lines()
                .filter(|line| line.contains(needle))
                .map(|line| format!("node {id}: {line}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A node started with `--join` refuses commands until it is added; `RAFT.NODE ADD` sent to a
/// follower is forwarded to the leader and answered once committed; the new node, added after
/// every member compacted its log, can only catch up by installing a snapshot, which it does;
/// it is a learner first (the leader's log shows the two membership entries), and a voter once
/// caught up; it then serves linearizable reads of every earlier write, and takes writes.
#[test]
fn a_joining_node_catches_up_from_a_snapshot_and_becomes_a_voter() {
    let started = Instant::now();
    let mut cluster = TestCluster::start_with_joiners(3, 1, &["--snapshot-entries", "200"]);
    let leader = leader_among(&cluster, &[1, 2, 3]);
    let keys = write_keys(&mut cluster.client(leader), leader, "before-join", 1000);
    // Every member has compacted its log: the entries before its snapshot are gone.
    wait_until(DEADLINE, "every member to take a snapshot", || {
        for id in 1..=3 {
            let fields = raft_fields(&cluster, id)?;
            if number(&fields, "snapshot_index")? == 0 {
                return Err(format!("node {id}: {fields:?}"));
            }
        }
        Ok(())
    });

    cluster.restart(4);
    let mut node4 = cluster.client(4);
    let not_joined = "CLUSTERDOWN this node has not joined a cluster yet: \
                      RAFT.NODE ADD on a member adds it";
    assert_error(
        get(&mut node4, &keys[0]),
        not_joined,
        "GET on node 4 before ADD",
    );
    assert_error(
        set(&mut node4, "early", "write"),
        not_joined,
        "SET on node 4 before ADD",
    );
    let fields = raft_fields(&cluster, 4).expect("INFO raft on node 4 before ADD");
    assert_eq!(
        members(&fields, "voters"),
        Ok(BTreeMap::new()),
        "{fields:?}"
    );
    assert_eq!(
        members(&fields, "learners"),
        Ok(BTreeMap::new()),
        "{fields:?}"
    );

    let follower = (1..=3).find(|&id| id != leader).expect("a follower");
    let addr4 = cluster.peer_addr(4);
    raft_node_ok(&cluster, follower, &["ADD", "4", &addr4]);
    wait_for_membership(&cluster, &[1, 2, 3, 4], &[1, 2, 3, 4], &[]);
    let fields = raft_fields(&cluster, 4).expect("INFO raft on node 4 after ADD");
    let snapshot_index = number(&fields, "snapshot_index").expect("node 4's snapshot_index");
    assert!(
        snapshot_index > 0,
        "node 4 is a voter without a snapshot: {fields:?}"
    );
    let installed = log_lines(&cluster, &[4], "snapshot installed from leader");
    assert!(
        !installed.is_empty(),
        "node 4 never logged a snapshot install"
    );
    // The leader proposed node 4 as a learner, then promoted it.
    let proposed = log_lines(&cluster, &[1, 2, 3], "membership change proposed");
    let as_learner = proposed
        .iter()
        .position(|l| l.contains("voters=[1, 2, 3]") && l.contains("learners=[4]"));
    let as_voter = proposed
        .iter()
        .position(|l| l.contains("voters=[1, 2, 3, 4]") && l.contains("learners=[]"));
    assert!(
        matches!((as_learner, as_voter), (Some(a), Some(b)) if a < b),
        "expected a learner proposal then a promotion: {proposed:#?}"
    );

    assert_keys(&cluster, 4, &keys);
    set_retrying_on(&mut node4, 4, "written-through-4", "yes");
    for id in 1..=4 {
        assert_eq!(
            cluster.get_retrying(id, "written-through-4").as_deref(),
            Some("yes"),
            "GET written-through-4 on node {id}"
        );
    }
    eprintln!("test body took {:?}", started.elapsed());
    cluster.finish();
}

/// Starts three nodes and a fourth with `--join`, adds the fourth through the leader, and
/// waits until every node reports the four voters.
fn four_voters(extra_args: &[&str]) -> TestCluster {
    let mut cluster = TestCluster::start_with_joiners(3, 1, extra_args);
    let leader = leader_among(&cluster, &[1, 2, 3]);
    cluster.restart(4);
    let addr4 = cluster.peer_addr(4);
    raft_node_ok(&cluster, leader, &["ADD", "4", &addr4]);
    wait_for_membership(&cluster, &[1, 2, 3, 4], &[1, 2, 3, 4], &[]);
    cluster
}

/// A leader that removes itself answers once the removal commits, then hands leadership to
/// one of the remaining voters; the removed node refuses commands and every node's voters
/// leave it out. The quorum then follows the new membership: with the removed node stopped
/// and one more voter killed, two of the four original voters are left, too few for the old
/// membership's quorum of three but a majority of the new three, and writes and linearizable
/// reads still succeed.
#[test]
fn removing_the_leader_hands_over_and_keeps_writes() {
    let started = Instant::now();
    let mut cluster = four_voters(&[]);
    let old = leader_among(&cluster, &[1, 2, 3, 4]);
    set_retrying_on(&mut cluster.client(old), old, "before-removal", "1");

    raft_node_ok(&cluster, old, &["REMOVE", &old.to_string()]);
    let rest: Vec<u64> = (1..=4).filter(|&id| id != old).collect();
    let new = leader_among(&cluster, &rest);
    assert_ne!(new, old, "the removed leader still leads");
    let handovers = log_lines(&cluster, &[old], "removed from the cluster, stepping down");
    assert!(
        !handovers.is_empty(),
        "node {old} never logged its handover"
    );

    for &id in &rest {
        let key = format!("after-removal-via-{id}");
        set_retrying_on(&mut cluster.client(id), id, &key, "2");
    }
    let mut removed = cluster.client(old);
    let gone = "CLUSTERDOWN this node is not a member of the cluster: it was removed";
    assert_error(
        get(&mut removed, "before-removal"),
        gone,
        "GET on the removed node",
    );
    assert_error(set(&mut removed, "k", "v"), gone, "SET on the removed node");
    wait_for_membership(&cluster, &[1, 2, 3, 4], &rest, &[]);

    // Stop the removed node and one of the other two voters: two of the original four remain.
    let status = cluster.stop(old, Signal::Term);
    assert_eq!(
        status.code(),
        Some(0),
        "removed node {old} exited with {status}"
    );
    let victim = *rest.iter().find(|&&id| id != new).expect("a follower");
    cluster.stop(victim, Signal::Kill);
    let survivor = *rest
        .iter()
        .find(|&&id| id != new && id != victim)
        .expect("a second follower");
    for id in [new, survivor] {
        let mut conn = cluster.client(id);
        let key = format!("two-of-three-via-{id}");
        let retries = set_retrying_on(&mut conn, id, &key, "3");
        assert_eq!(
            get(&mut conn, &key).unwrap_or_else(|e| panic!("GET {key} on node {id}: {e}")),
            Some("3".to_owned()),
            "GET {key} on node {id} ({retries} retried SETs)"
        );
        assert_eq!(
            get(&mut conn, "before-removal").unwrap_or_else(|e| panic!("GET on node {id}: {e}")),
            Some("1".to_owned()),
            "GET before-removal on node {id}"
        );
    }
    eprintln!("test body took {:?}", started.elapsed());
    cluster.finish();
}

/// Kills every node and starts them again with their original command lines, except that the
/// added node no longer has `--join`; asserts, right after each start, that every node reports
/// the four voters, then that they elect a leader and serve the earlier writes.
fn kill_and_restart_all(cluster: &mut TestCluster, keys: &[String], when: &str) {
    cluster.kill_all();
    cluster.remove_arg(4, "--join");
    for id in 1..=4 {
        cluster.spawn(id);
    }
    for id in 1..=4 {
        cluster.wait_ready(id);
    }
    // Nodes 1-3's --cluster names only three nodes: the fourth voter comes from their disks.
    assert_voters_now(cluster, &[1, 2, 3, 4], &[1, 2, 3, 4], when);
    let leader = leader_among(cluster, &[1, 2, 3, 4]);
    for id in 1..=4 {
        assert_keys(cluster, id, keys);
    }
    eprintln!("{when}: node {leader} leads, every node serves the earlier writes");
}

/// The membership survives a crash of every node, first from the log (no node has a
/// snapshot yet) and then from snapshots (every node compacted the membership entries away):
/// restarted with their original `--cluster` lists, which name only three nodes on nodes 1-3,
/// and without `--join` on node 4, every node still reports the four voters, a leader is
/// elected among them, and earlier writes are readable on every node.
#[test]
fn membership_survives_restart() {
    let started = Instant::now();
    let mut cluster = four_voters(&["--snapshot-entries", "100"]);
    let leader = leader_among(&cluster, &[1, 2, 3, 4]);
    let mut keys = write_keys(&mut cluster.client(4), 4, "through-4", 10);
    let mut change_index = 0;
    for id in 1..=4 {
        let fields = raft_fields(&cluster, id).expect("INFO raft");
        assert_eq!(
            number(&fields, "snapshot_index"),
            Ok(0),
            "node {id} took a snapshot too early for this phase: {fields:?}"
        );
        change_index = change_index.max(number(&fields, "last_log_index").expect("index"));
    }
    kill_and_restart_all(&mut cluster, &keys, "restarted from the log");

    let leader_now = leader_among(&cluster, &[1, 2, 3, 4]);
    keys.extend(write_keys(
        &mut cluster.client(leader_now),
        leader_now,
        "after-restart",
        300,
    ));
    wait_until(
        DEADLINE,
        &format!("every node to snapshot past index {change_index}"),
        || {
            for id in 1..=4 {
                let fields = raft_fields(&cluster, id)?;
                if number(&fields, "snapshot_index")? <= change_index {
                    return Err(format!("node {id}: {fields:?}"));
                }
            }
            Ok(())
        },
    );
    kill_and_restart_all(&mut cluster, &keys, "restarted from snapshots");
    for id in 1..=4 {
        let fields = raft_fields(&cluster, id).expect("INFO raft");
        let index = number(&fields, "snapshot_index").expect("snapshot_index");
        assert!(
            index > change_index,
            "node {id} restarted without its snapshot: {fields:?}"
        );
    }
    eprintln!(
        "first leader {leader}; test body took {:?}",
        started.elapsed()
    );
    cluster.finish();
}

/// Malformed or impossible membership requests get one clear error line each, on a follower
/// as on the leader, and change nothing; a learner that never catches up (its node is never
/// started) costs the quorum nothing, cannot be added twice, and can be removed.
#[test]
fn bad_membership_requests_get_clear_errors() {
    let started = Instant::now();
    let cluster = TestCluster::start_with_joiners(3, 1, &[]);
    let leader = leader_among(&cluster, &[1, 2, 3]);
    let follower = (1..=3).find(|&id| id != leader).expect("a follower");
    let addr4 = cluster.peer_addr(4);
    for id in [follower, leader] {
        let mut conn = cluster.client(id);
        let mut check = |args: &[&str], want: &str| {
            assert_error(
                raft_node(&mut conn, args),
                want,
                &format!("RAFT.NODE {} on node {id}", args.join(" ")),
            );
        };
        check(&["ADD", "2", &addr4], "ERR node 2 is already a member");
        check(
            &["ADD", "0", &addr4],
            "ERR node id must be a positive integer",
        );
        check(
            &["ADD", "-4", &addr4],
            "ERR node id must be a positive integer",
        );
        check(
            &["ADD", "four", &addr4],
            "ERR node id must be a positive integer",
        );
        check(
            &["ADD", "4", "nope"],
            "ERR 'nope' is not an ip:port address",
        );
        check(
            &["ADD", "4", "127.0.0.1"],
            "ERR '127.0.0.1' is not an ip:port address",
        );
        check(&["REMOVE", "9"], "ERR node 9 is not a member");
        check(&["REMOVE", "0"], "ERR node id must be a positive integer");
        check(
            &["FOO", "2"],
            "ERR unknown subcommand 'FOO'. Try RAFT.NODE HELP.",
        );
        let arity = raft_node(&mut conn, &["ADD", "4"]).expect_err("ADD without an address");
        assert_eq!(arity.code(), Some("ERR"), "{arity:?}");
        assert!(
            arity.to_string().contains("wrong number of arguments"),
            "{arity:?}"
        );
    }
    assert_voters_now(&cluster, &[1, 2, 3], &[1, 2, 3], "after the bad requests");

    // Node 4 is never started: it stays a learner, and the three voters keep their quorum.
    raft_node_ok(&cluster, follower, &["ADD", "4", &addr4]);
    wait_for_membership(&cluster, &[1, 2, 3], &[1, 2, 3], &[4]);
    assert_error(
        raft_node(&mut cluster.client(follower), &["ADD", "4", &addr4]),
        "ERR node 4 is already a member",
        "a second ADD of the learner",
    );
    cluster.set_retrying(follower, "with-a-learner", "1");
    raft_node_ok(&cluster, leader, &["REMOVE", "4"]);
    wait_for_membership(&cluster, &[1, 2, 3], &[1, 2, 3], &[]);
    assert_error(
        raft_node(&mut cluster.client(leader), &["REMOVE", "4"]),
        "ERR node 4 is not a member",
        "a second REMOVE of the learner",
    );
    assert_eq!(
        cluster.get_retrying(follower, "with-a-learner").as_deref(),
        Some("1")
    );
    eprintln!("test body took {:?}", started.elapsed());
    cluster.finish();
}

/// Wait bound of the nodes in the busy-change test: short, so that both requests are
/// answered well before the leader, cut off from its followers, steps down (check-quorum
/// needs a whole election timeout, at least 500 ms, without hearing from them).
const SHORT_WAIT_MS: u64 = 150;

/// One change at a time: with both followers killed, the leader appends `ADD 4` but cannot
/// commit it, so that client gets `TRYAGAIN` (the change may or may not apply); a second
/// change is refused while the first is uncommitted, retried by the server until the wait
/// timeout, and answered `TRYAGAIN`, while the node is still the leader. Once the followers
/// are back the first change commits (node 4 becomes a learner) and the second left no trace.
#[test]
fn a_change_while_another_is_uncommitted_is_retried_then_answers_tryagain() {
    let started = Instant::now();
    let wait = SHORT_WAIT_MS.to_string();
    let mut cluster = TestCluster::start_with_joiners(3, 1, &["--wait-timeout-ms", &wait]);
    let leader = leader_among(&cluster, &[1, 2, 3]);
    let mut conn = cluster.client(leader);
    set_retrying_on(&mut conn, leader, "committed", "1");
    let followers: Vec<u64> = (1..=3).filter(|&id| id != leader).collect();
    for &id in &followers {
        cluster.stop(id, Signal::Kill);
    }
    let addr4 = cluster.peer_addr(4);

    let first = raft_node(&mut conn, &["ADD", "4", &addr4]);
    let err = first.expect_err("ADD 4 cannot commit without the followers");
    assert_eq!(err.code(), Some("TRYAGAIN"), "first change: {err:?}");
    let asked = Instant::now();
    let second = raft_node(&mut conn, &["ADD", "5", "127.0.0.1:1"]);
    let waited = asked.elapsed();
    let fields = raft_fields(&cluster, leader).expect("INFO raft on the leader");
    assert_eq!(
        fields.get("role").map(String::as_str),
        Some("leader"),
        "node {leader} stepped down before the test could tell a busy refusal from a lost \
         leader (the test assumes check-quorum takes longer than two wait bounds)"
    );
    let learners = members(&fields, "learners").expect("learners");
    assert_eq!(
        learners,
        at_their_addresses(&cluster, &[4]),
        "the first change took effect once appended"
    );
    assert!(
        waited.as_millis() >= u128::from(SHORT_WAIT_MS),
        "the second change was answered after {waited:?}, before the wait bound"
    );
    let err = second.expect_err("ADD 5 must wait for ADD 4 to commit");
    assert_eq!(
        err.code(),
        Some("TRYAGAIN"),
        "second change, answered by the leader after {waited:?}: {err:?}"
    );

    for &id in &followers {
        cluster.restart(id);
    }
    wait_for_membership(&cluster, &[1, 2, 3], &[1, 2, 3], &[4]);
    eprintln!("test body took {:?}", started.elapsed());
    cluster.finish();
}

/// The `enrolled` field of node `id`'s `INFO raft`: the nodes its state machine records as
/// having held the log.
fn enrolled(cluster: &TestCluster, id: u64) -> Result<Vec<u64>, String> {
    let fields = raft_fields(cluster, id)?;
    let list = fields
        .get("enrolled")
        .ok_or_else(|| format!("no `enrolled` in {fields:?}"))?;
    list.split(',')
        .filter(|id| !id.is_empty())
        .map(|id| id.parse().map_err(|e| format!("bad id in {list:?}: {e}")))
        .collect()
}

/// Waits until every node of `nodes` reports exactly `ids` as enrolled.
fn wait_for_enrolled(cluster: &TestCluster, nodes: &[u64], ids: &[u64]) {
    wait_until(
        DEADLINE,
        &format!("nodes {nodes:?} to report {ids:?} enrolled"),
        || {
            for &id in nodes {
                let got = enrolled(cluster, id)?;
                if got != ids {
                    return Err(format!("node {id} reports {got:?} enrolled"));
                }
            }
            Ok(())
        },
    );
}

/// Starts node `id` again on an empty data directory, waits for it to exit by itself, and
/// asserts it failed with a log line holding `why`.
fn assert_refuses_empty_disk(cluster: &mut TestCluster, id: u64, why: &str) {
    let data_dir = cluster.dir().join(format!("node-{id}"));
    std::fs::remove_dir_all(&data_dir)
        .unwrap_or_else(|e| panic!("remove {}: {e}", data_dir.display()));
    cluster.spawn(id);
    let status = cluster.wait_for_exit(id);
    assert!(
        !status.success(),
        "node {id} on an empty disk exited with {status}"
    );
    let refusals = log_lines(cluster, &[id], why);
    assert!(
        !refusals.is_empty(),
        "node {id} exited without saying {why:?}:\n{}",
        cluster.log_since_last_start(id)
    );
    eprintln!("{}", refusals[0]);
    assert!(
        log_lines(cluster, &[id], "became").is_empty(),
        "node {id} took part in an election before refusing"
    );
}

/// A member whose data directory was lost refuses to start under its old id: its peers have
/// it enrolled. Following its advice (remove it, add a new node under a new id) brings the
/// cluster back to three voters with every write; that new node, wiped and started again with
/// `--join` while still a voter, refuses too.
#[test]
fn a_node_restarted_on_an_empty_disk_refuses_to_start() {
    let mut cluster = TestCluster::start_with_joiners(3, 1, &[]);
    let leader = leader_among(&cluster, &[1, 2, 3]);
    let mut conn = cluster.client(leader);
    let keys = write_keys(&mut conn, leader, "before", 20);
    wait_for_enrolled(&cluster, &[1, 2, 3], &[1, 2, 3]);

    cluster.stop(3, Signal::Kill);
    assert_refuses_empty_disk(
        &mut cluster,
        3,
        "says node 3 already held this cluster's log",
    );
    // The other two never stopped taking writes.
    let leader = leader_among(&cluster, &[1, 2]);
    let mut conn = cluster.client(leader);
    let more = write_keys(&mut conn, leader, "after", 20);

    raft_node_ok(&cluster, 1, &["REMOVE", "3"]);
    cluster.restart(4);
    let addr = cluster.peer_addr(4);
    raft_node_ok(&cluster, 2, &["ADD", "4", &addr]);
    wait_for_membership(&cluster, &[1, 2, 4], &[1, 2, 4], &[]);
    assert_keys(&cluster, 4, &keys);
    assert_keys(&cluster, 4, &more);
    // Node 3 stays enrolled: it held the log once, whatever the membership says now.
    wait_for_enrolled(&cluster, &[1, 2, 4], &[1, 2, 3, 4]);

    cluster.stop(4, Signal::Kill);
    assert_refuses_empty_disk(&mut cluster, 4, "lists node 4 as a voter already");
    cluster.finish();
}

/// A node of a new cluster that starts after the others already elected a leader and took
/// writes is not mistaken for one that lost its disk: no peer has it enrolled, so it starts,
/// catches up, and is enrolled in turn.
#[test]
fn a_node_that_starts_late_in_a_new_cluster_is_not_refused() {
    let mut cluster = TestCluster::prepare_with_joiners(3, 0, &[]);
    cluster.restart(1);
    cluster.restart(2);
    let leader = leader_among(&cluster, &[1, 2]);
    let mut conn = cluster.client(leader);
    let keys = write_keys(&mut conn, leader, "early", 20);
    wait_for_enrolled(&cluster, &[1, 2], &[1, 2]);

    cluster.restart(3);
    assert_keys(&cluster, 3, &keys);
    wait_for_enrolled(&cluster, &[1, 2, 3], &[1, 2, 3]);
    assert!(
        !log_lines(&cluster, &[3], "no peer knows this node").is_empty(),
        "node 3 ran the empty-disk check"
    );
    cluster.finish();
}

/// Node `id`'s `cluster_id` field: empty until it applied its cluster's id.
fn cluster_id(cluster: &TestCluster, id: u64) -> Result<String, String> {
    let fields = raft_fields(cluster, id)?;
    fields
        .get("cluster_id")
        .cloned()
        .ok_or_else(|| format!("no `cluster_id` in {fields:?}"))
}

/// Waits until the nodes `ids` report one and the same cluster id, and returns it.
fn wait_for_cluster_id(cluster: &TestCluster, ids: &[u64]) -> String {
    wait_until(
        DEADLINE,
        &format!("nodes {ids:?} to agree on a cluster id"),
        || {
            let seen = ids
                .iter()
                .map(|&id| cluster_id(cluster, id))
                .collect::<Result<Vec<_>, _>>()?;
            match &seen[..] {
                [first, ..] if first.len() == 16 && seen.iter().all(|s| s == first) => {
                    Ok(first.clone())
                }
                _ => Err(format!("cluster ids {seen:?}")),
            }
        },
    )
}

/// A node started on another cluster's data directory (a wrong `--data-dir`, a backup of the
/// wrong machine) is refused by its peers, and refuses them: each cluster stamps its messages
/// with the id its first leader drew. Without that, this node, holding a longer log of higher
/// terms than the cluster it was pointed at, would force that cluster's leader to step down
/// and then win its election, replacing acknowledged writes with the other cluster's log. Put
/// back where they belong, both nodes catch up with their own clusters.
#[test]
fn a_node_of_another_cluster_is_refused() {
    let mut a = TestCluster::start(3);
    let mut b = TestCluster::start(3);
    let a_leader = leader_among(&a, &[1, 2, 3]);
    let mut a_keys = write_keys(&mut a.client(a_leader), a_leader, "a", 20);
    let a_id = wait_for_cluster_id(&a, &[1, 2, 3]);

    // Cluster b gets a longer log and higher terms: its leader is killed until its term is
    // past a's.
    let a_term = number(
        &raft_fields(&a, a_leader).expect("INFO of a's leader"),
        "term",
    )
    .expect("a's term");
    let mut b_keys = Vec::new();
    for round in 0.. {
        let leader = leader_among(&b, &[1, 2, 3]);
        b_keys.extend(write_keys(
            &mut b.client(leader),
            leader,
            &format!("b{round}"),
            30,
        ));
        let term = number(
            &raft_fields(&b, leader).expect("INFO of b's leader"),
            "term",
        )
        .expect("b's term");
        if term > a_term + 1 {
            break;
        }
        b.stop(leader, Signal::Kill);
        b.restart(leader);
    }
    let b_id = wait_for_cluster_id(&b, &[1, 2, 3]);
    assert_ne!(a_id, b_id, "two clusters drew the same id");
    // Node 3 of b holds every write of b.
    assert_keys(&b, 3, &b_keys);

    // Node 3 of a starts on node 3 of b's data directory.
    a.stop(3, Signal::Kill);
    b.stop(3, Signal::Kill);
    let a_dir = a.dir().join("node-3");
    let b_dir = b.dir().join("node-3");
    let saved = a.dir().join("node-3-saved");
    let rename = |from: &std::path::Path, to: &std::path::Path| {
        std::fs::rename(from, to)
            .unwrap_or_else(|e| panic!("rename {} to {}: {e}", from.display(), to.display()))
    };
    rename(&a_dir, &saved);
    rename(&b_dir, &a_dir);
    a.restart(3);
    wait_until(
        DEADLINE,
        "a's nodes and the stranger to refuse each other",
        || {
            let refused = log_lines(&a, &[1, 2], "refused a node of another cluster");
            let refusing = log_lines(&a, &[3], "peer refuses this node's messages");
            if refused.is_empty() || refusing.is_empty() {
                return Err(format!("refused: {refused:?}, refusing: {refusing:?}"));
            }
            eprintln!("{}\n{}", refused[0], refusing[0]);
            Ok(())
        },
    );
    // The stranger, hearing from no leader of its own cluster, campaigns; nobody answers.
    wait_until(DEADLINE, "the stranger to campaign", || {
        let fields = raft_fields(&a, 3)?;
        match fields.get("role").map(String::as_str) {
            Some("candidate") => Ok(()),
            role => Err(format!("node 3 is {role:?}")),
        }
    });
    let leader = leader_among(&a, &[1, 2]);
    a_keys.extend(write_keys(&mut a.client(leader), leader, "a-more", 20));
    assert_keys(&a, leader, &a_keys);
    let mut conn = a.client(leader);
    for key in &b_keys {
        assert_eq!(get(&mut conn, key).ok().flatten(), None, "b's {key} in a");
    }
    assert_eq!(cluster_id(&a, 3).as_deref(), Ok(b_id.as_str()));
    assert_eq!(wait_for_cluster_id(&a, &[1, 2]), a_id);

    // Put back, each node catches up with its own cluster.
    a.stop(3, Signal::Kill);
    rename(&a_dir, &b_dir);
    rename(&saved, &a_dir);
    a.restart(3);
    b.restart(3);
    assert_keys(&a, 3, &a_keys);
    assert_keys(&b, 3, &b_keys);
    assert!(log_lines(&a, &[3], "another cluster").is_empty());
    a.finish();
    b.finish();
}
