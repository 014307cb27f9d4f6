//! Scenario tests: each one is a short story about a cluster, told with the `testing`
//! harness, asserting the property the story is about at every step.

use super::message::{Message, RequestId};
use super::node::{ProposeError, ReadError, RoleKind};
use super::ready::ReadState;
use super::testing::{Cluster, ELECTION_TICKS};

/// Commands applied on `id`, as `&str`s.
fn commands(c: &Cluster, id: u64) -> Vec<&str> {
    c.machine(id).commands.iter().map(String::as_str).collect()
}

#[test]
fn election_single_node_leads_and_commits_alone() {
    let mut c = Cluster::new(1);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    assert_eq!(leader, 1);
    assert_eq!(c.status(1).term, 1);
    assert_eq!(c.status(1).commit, 1, "the no-op commits once durable");
    c.propose(1, "a").expect("leader accepts");
    assert_eq!(commands(&c, 1), ["a"]);
}

#[test]
fn election_three_nodes_elect_exactly_one_leader() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    assert_eq!(c.leaders().len(), 1);
    let term = c.status(leader).term;
    assert_eq!(
        term, 1,
        "pre-vote means no term is burnt before the first election"
    );
    for id in 1..=3 {
        let s = c.status(id);
        assert_eq!(
            (s.term, s.leader),
            (term, Some(leader)),
            "n{id} follows the leader"
        );
        assert_eq!(s.commit, 1, "n{id} learned the no-op is committed");
        assert_eq!(c.disk(id).hard_state.term, term, "n{id} persisted the term");
    }
}

#[test]
fn replication_commits_and_applies_on_every_node() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    for cmd in ["a", "b", "c"] {
        c.propose(leader, cmd).expect("leader accepts");
    }
    c.stabilize();
    c.run(HEARTBEAT);
    for id in 1..=3 {
        assert_eq!(
            commands(&c, id),
            ["a", "b", "c"],
            "n{id} applied every command in order"
        );
        assert_eq!(c.status(id).commit, 4);
    }
    let follower = if leader == 1 { 2 } else { 1 };
    assert_eq!(
        c.propose(follower, "x"),
        Err(ProposeError::NotLeader {
            leader: Some(leader)
        }),
        "followers refuse proposals and name the leader"
    );
}

const HEARTBEAT: u64 = super::testing::HEARTBEAT_TICKS;

#[test]
fn read_index_on_leader_waits_for_a_quorum_round() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    let id = c.read(leader).expect("leader reads");
    assert!(
        c.reads(leader).is_empty(),
        "no answer before a quorum acknowledged a heartbeat round"
    );
    assert!(
        c.in_flight()
            .any(|e| matches!(e.message, Message::AppendEntries { read_seq, .. } if read_seq > 0)),
        "the read started a heartbeat round"
    );
    c.stabilize();
    assert_eq!(c.reads(leader), [ReadState { id, index: Some(2) }]);
}

#[test]
fn read_index_on_follower_asks_the_leader() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    let follower = if leader == 1 { 2 } else { 1 };
    let id = c.read(follower).expect("follower knows the leader");
    c.stabilize();
    assert_eq!(c.reads(follower), [ReadState { id, index: Some(2) }]);
    assert!(
        c.reads(leader).is_empty(),
        "the leader answered by message, not locally"
    );
}

#[test]
fn read_without_a_known_leader_is_refused() {
    let mut c = Cluster::new(3);
    assert_eq!(c.read(1), Err(ReadError::NoLeader));
    assert_eq!(c.status(1).role, RoleKind::Follower);
    let _ = RequestId { node: 1, seq: 0 };
}
