//! Scenario tests: each one is a short story about a cluster, told with the `testing`
//! harness, asserting the property the story is about at every step.

use std::collections::BTreeSet;

use bytes::Bytes;

use super::message::{Envelope, Message, NodeId, RequestId, Snapshot};
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

/// Four nodes; two time out together and split the vote 2–2. Nobody wins term 1, nobody
/// is elected twice, and the next (randomized) round elects exactly one leader.
#[test]
fn election_split_vote_then_recovery() {
    let mut c = Cluster::new(4);
    c.fire_election_timer(1);
    c.fire_election_timer(2);
    assert_eq!(c.status(1).role, RoleKind::PreCandidate);
    assert_eq!(c.status(2).role, RoleKind::PreCandidate);
    assert_eq!(c.status(1).term, 0, "a pre-vote does not touch the term");

    // Pre-votes go through: no leader is known, every log is empty.
    c.deliver_where(|e| matches!(e.message, Message::RequestVote { pre_vote: true, .. }));
    c.deliver_where(|e| {
        matches!(
            e.message,
            Message::RequestVoteResponse { pre_vote: true, .. }
        )
    });
    assert_eq!(c.status(1).role, RoleKind::Candidate);
    assert_eq!(c.status(2).role, RoleKind::Candidate);
    assert_eq!((c.status(1).term, c.status(2).term), (1, 1));

    // n3 hears n1 first, n4 hears n2 first: 2 votes each, 3 needed.
    c.deliver_where(|e| (e.from, e.to) == (1, 3) || (e.from, e.to) == (2, 4));
    c.stabilize();
    assert!(c.leaders().is_empty(), "a split vote elects no one");
    assert_eq!(c.disk(3).hard_state.vote, Some(1));
    assert_eq!(c.disk(4).hard_state.vote, Some(2));
    assert_eq!(c.status(1).role, RoleKind::Candidate);
    assert_eq!(c.status(2).role, RoleKind::Candidate);

    // Randomized timeouts break the tie.
    let leader = c.run_until_leader(5 * ELECTION_TICKS);
    let term = c.status(leader).term;
    assert!(term >= 2, "term 1 had no winner");
    assert_eq!(c.leaders(), [(leader, term)], "exactly one leader");
    c.run(HEARTBEAT);
    for id in 1..=4 {
        assert_eq!(
            c.status(id).leader,
            Some(leader),
            "n{id} follows the winner"
        );
    }
}

/// Figure 8 (§5.4.2), stages (a)–(c): S1 leads term 4 and gets the term-2 entry "b" onto
/// S3 and S4, so S1 knows "b" is on a majority (S1, S3, S4; S2 has it too). Its own no-op
/// (index 3) has reached no one.
fn figure_8_until_b_is_on_a_majority(setup: impl Fn(&mut Cluster)) -> Cluster {
    use super::message::HardState;
    use super::testing::{Disk, entry};
    let disk = |term, vote, entries| Disk {
        hard_state: HardState {
            term,
            vote: Some(vote),
            commit: 1,
        },
        snapshot: None,
        entries,
    };
    let a = entry(1, 1, Some("a"));
    // (a)/(b) happened already: S1 led term 2 and got "b" onto S2 only; S5 led term 3
    // (voted by S3, S4) and wrote "c" at the same index, locally only.
    let disks = [
        (1, disk(2, 1, vec![a.clone(), entry(2, 2, Some("b"))])),
        (2, disk(2, 1, vec![a.clone(), entry(2, 2, Some("b"))])),
        (3, disk(3, 5, vec![a.clone()])),
        (4, disk(3, 5, vec![a.clone()])),
        (5, disk(3, 5, vec![a.clone(), entry(2, 3, Some("c"))])),
    ];
    // One entry per append, so "b" and the no-op travel separately.
    let mut c = Cluster::with_disks(disks.into_iter().collect(), |cfg| cfg.max_append_bytes = 0);
    setup(&mut c);

    // (c) S5 is down; S1 is elected in term 4 (S2, S3, S4 vote) and appends its no-op.
    c.crash(5);
    c.elect(1);
    assert_eq!(c.status(1).term, 4);
    assert_eq!(c.status(1).last_index, 3, "no-op at index 3");
    // S1 reaches only S3 and S4, and only with "b".
    c.cut(1, 2);
    c.drop_where(|e| e.from == 1 && e.to == 2);
    let s1_to_s3_s4 = |e: &super::message::Envelope| e.from == 1 && (e.to == 3 || e.to == 4);
    let s3_s4_to_s1 = |e: &super::message::Envelope| e.to == 1 && (e.from == 3 || e.from == 4);
    c.deliver_where(s1_to_s3_s4); // probes at 2: their logs are too short
    c.deliver_where(s3_s4_to_s1); // rejections with hints
    c.deliver_where(s1_to_s3_s4); // "b" alone
    c.deliver_where(s3_s4_to_s1); // acks of index 2
    assert_eq!(c.log_terms(3), [(1, 1), (2, 2)]);
    assert_eq!(c.log_terms(4), [(1, 1), (2, 2)]);
    c
}

/// Figure 8 (§5.4.2) stage (d): S1 crashes before its no-op spreads. S5 comes back and wins
/// term 5 with S2, S3, S4, because its last entry (term 3) is more up-to-date than "b"
/// (term 2), and overwrites "b" everywhere.
fn figure_8_s5_takes_over(c: &mut Cluster) {
    c.crash(1);
    c.heal();
    c.restart(5);
    c.expire_lease(3); // S3 and S4 heard from S1 a moment ago
    c.expire_lease(4);
    c.elect(5);
    assert_eq!(c.status(5).term, 5);
    c.stabilize();
}

/// The Figure 8 scenario (§5.4.2): a leader of term 4 knows an entry of term 2 is on a
/// majority, but must not count replicas to commit it, because a later leader can still
/// overwrite it. Only entries of the leader's own term commit by counting.
#[test]
fn commit_figure_8_old_term_entry_is_not_committed_by_counting() {
    let mut c = figure_8_until_b_is_on_a_majority(|_| {});
    assert_eq!(
        c.status(1).commit,
        1,
        "an old-term entry is not committed by counting replicas"
    );

    figure_8_s5_takes_over(&mut c);
    for id in 2..=5 {
        assert_eq!(
            c.log_terms(id),
            [(1, 1), (2, 3), (3, 5)],
            "S{id} holds S5's log: \"b\" is overwritten"
        );
        assert_eq!(commands(&c, id), ["a", "c"], "S{id} applied S5's entries");
    }
    assert_eq!(c.status(5).commit, 3, "S5's no-op commits \"c\" with it");

    // S1 returns and converges; nobody ever applied "b" (the harness checks every apply).
    c.restart(1);
    c.run(2 * HEARTBEAT);
    assert_eq!(c.log_terms(1), [(1, 1), (2, 3), (3, 5)]);
    assert_eq!(commands(&c, 1), ["a", "c"]);
}

/// The same story with `Bug::CommitPreviousTermByCount`: S1 commits and applies "b", S5 then
/// overwrites it, and the harness sees two different entries applied at index 2.
#[cfg(feature = "bug-injection")]
#[test]
#[should_panic(expected = "applied a different entry at index 2")]
fn commit_figure_8_with_commit_by_count_bug_loses_a_committed_entry() {
    let mut c =
        figure_8_until_b_is_on_a_majority(|c| c.inject_bug(super::Bug::CommitPreviousTermByCount));
    assert_eq!(
        c.status(1).commit,
        2,
        "the bug commits the old-term entry by counting"
    );
    assert_eq!(commands(&c, 1), ["a", "b"]);
    figure_8_s5_takes_over(&mut c);
}

/// A leader cut off with one follower keeps accepting writes it can never commit; the
/// majority elects a new leader. After healing, the old leader's uncommitted entry is
/// replaced and only the majority's write survives.
#[test]
fn partition_isolated_leader_then_healed() {
    let mut c = Cluster::new(5);
    let old = c.run_until_leader(3 * ELECTION_TICKS);
    let old_term = c.status(old).term;
    let buddy = if old == 1 { 2 } else { 1 };
    c.partition(&[old, buddy]);
    let (lost_index, lost_term) = c.propose(old, "lost").expect("still believes it leads");
    c.stabilize();
    assert_eq!(
        c.status(old).commit,
        lost_index - 1,
        "two of five cannot commit"
    );

    // The majority side moves on; the old leader steps down by check-quorum meanwhile.
    let others: Vec<u64> = (1..=5).filter(|&id| id != old && id != buddy).collect();
    c.run(3 * ELECTION_TICKS);
    let new = c.leader().expect("the majority elects a leader");
    assert!(others.contains(&new));
    assert!(c.status(new).term > old_term);
    assert_eq!(
        c.status(old).role,
        RoleKind::Follower,
        "check-quorum stepped the old leader down"
    );
    let (_, kept_term) = c.propose(new, "kept").expect("new leader accepts");
    c.stabilize();

    c.heal();
    c.run(3 * HEARTBEAT);
    assert_eq!(c.leaders(), [(new, kept_term)], "one leader after healing");
    for id in 1..=5 {
        assert_eq!(
            commands(&c, id),
            ["kept"],
            "n{id}: the lost write is gone, the kept one applied"
        );
        let term_at_lost = c
            .disk(id)
            .entries
            .iter()
            .find(|e| e.index == lost_index)
            .map(|e| e.term);
        assert_ne!(
            term_at_lost,
            Some(lost_term),
            "n{id}: a different term at the index tells the proposer it lost"
        );
    }
}

/// A follower holds a stale tail from a leader that never replicated it. The new leader's
/// first probe is rejected with a hint naming the stale term, one round trip skips the whole
/// term, and only the conflicting suffix is truncated. A replayed stale append later does not
/// shorten the log.
#[test]
fn replication_divergent_uncommitted_tail_is_truncated() {
    use super::message::{Envelope, HardState};
    use super::testing::{Disk, entry};
    let common = [entry(1, 1, None), entry(2, 1, Some("a"))];
    let with =
        |extra: Vec<super::message::Entry>| common.iter().cloned().chain(extra).collect::<Vec<_>>();
    let disks = [
        (
            1,
            Disk {
                hard_state: HardState {
                    term: 3,
                    vote: None,
                    commit: 2,
                },
                snapshot: None,
                entries: with(vec![entry(3, 3, Some("b"))]),
            },
        ),
        (
            2,
            Disk {
                hard_state: HardState {
                    term: 2,
                    vote: None,
                    commit: 2,
                },
                snapshot: None,
                entries: with(vec![
                    entry(3, 2, Some("s1")),
                    entry(4, 2, Some("s2")),
                    entry(5, 2, Some("s3")),
                ]),
            },
        ),
        (
            3,
            Disk {
                hard_state: HardState {
                    term: 3,
                    vote: None,
                    commit: 2,
                },
                snapshot: None,
                entries: with(vec![entry(3, 3, Some("b"))]),
            },
        ),
    ];
    let mut c = Cluster::with_disks(disks.into_iter().collect(), |_| {});
    c.elect(1);
    assert_eq!(c.status(1).term, 4);

    c.deliver_where(|e| (e.from, e.to) == (1, 2)); // probe: prev 3@3
    let rejections: Vec<_> = c
        .in_flight()
        .filter_map(|e| match e.message {
            Message::AppendEntriesResponse {
                success: false,
                reject_hint_index,
                reject_hint_term,
                ..
            } if e.from == 2 => Some((reject_hint_index, reject_hint_term)),
            _ => None,
        })
        .collect();
    assert_eq!(
        rejections,
        [(3, 2)],
        "hint: conflicting term 2 starts at index 3"
    );
    c.stabilize();
    assert_eq!(
        c.log_terms(2),
        [(1, 1), (2, 1), (3, 3), (4, 4)],
        "stale tail replaced, matching prefix kept"
    );
    assert_eq!(commands(&c, 2), ["a", "b"]);

    // A duplicate of an old append carrying only a matching prefix must not truncate.
    c.send_raw(Envelope {
        from: 1,
        to: 2,
        term: 4,
        message: Message::AppendEntries {
            prev_index: 1,
            prev_term: 1,
            entries: vec![entry(2, 1, Some("a"))],
            commit: 2,
            read_seq: 0,
        },
    });
    c.stabilize();
    assert_eq!(c.log_terms(2), [(1, 1), (2, 1), (3, 3), (4, 4)]);
    assert_eq!(c.status(2).last_index, 4);
}

/// A follower is down while the leader commits and compacts its log. On return its next
/// entry no longer exists on the leader, so it receives the snapshot, restores its state
/// machine from it, and then follows normal replication.
#[test]
fn snapshot_install_to_a_lagging_follower() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let lagging = if leader == 3 { 2 } else { 3 };
    let other = 6 - leader - lagging;
    c.crash(lagging);
    for i in 0..10 {
        c.propose(leader, &format!("v{i}")).expect("leader accepts");
        c.stabilize();
    }
    c.compact(leader);
    c.compact(other);
    let snap_index = c.status(leader).snapshot_index;
    assert_eq!(snap_index, 11, "no-op + 10 commands compacted");

    c.restart(lagging);
    c.run(HEARTBEAT);
    let snapshot_sent = c.in_flight().count(); // nothing left in flight after run()
    assert_eq!(snapshot_sent, 0);
    assert_eq!(
        c.status(lagging).snapshot_index,
        snap_index,
        "installed the leader's snapshot"
    );
    assert_eq!(
        c.disk(lagging).snapshot.as_ref().map(|s| s.index),
        Some(snap_index)
    );
    assert_eq!(
        c.machine(lagging),
        c.machine(leader),
        "state machine restored from the snapshot"
    );

    c.propose(leader, "after").expect("leader accepts");
    c.stabilize();
    c.run(HEARTBEAT);
    assert_eq!(
        c.machine(lagging).commands.last().map(String::as_str),
        Some("after")
    );

    // A restart from the snapshot plus the entries after it rebuilds the same state.
    let before = c.machine(lagging).clone();
    c.crash(lagging);
    c.restart(lagging);
    assert_eq!(c.machine(lagging), &before);
}

/// A follower cut off from the others keeps timing out, but as a pre-candidate it never
/// raises its term, so when it returns the leader is undisturbed.
#[test]
fn prevote_prevents_disruption_by_a_rejoining_node() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let term = c.status(leader).term;
    let loner = if leader == 3 { 2 } else { 3 };
    c.partition(&[loner]);
    c.run(6 * ELECTION_TICKS);
    assert_eq!(
        c.status(loner).term,
        term,
        "pre-votes never reached a quorum, so no term was burnt"
    );
    assert_ne!(c.status(loner).role, RoleKind::Leader);
    c.propose(leader, "x").expect("leader unaffected");
    c.stabilize();

    c.heal();
    c.run(2 * HEARTBEAT);
    assert_eq!(c.leaders(), [(leader, term)], "same leader, same term");
    assert_eq!(c.status(loner).leader, Some(leader));
    assert_eq!(commands(&c, loner), ["x"], "the loner caught up");
}

/// Without pre-vote a rejoining node's higher term would depose the leader; with it the
/// leader's followers also ignore vote requests while their lease holds.
#[test]
fn prevote_requests_are_ignored_within_the_leader_lease() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let term = c.status(leader).term;
    let follower = if leader == 1 { 2 } else { 1 };
    let other = 6 - leader - follower;
    // `follower` times out (e.g. its leader's messages were slow) while `other` just heard
    // from the leader.
    c.cut(leader, follower);
    c.fire_election_timer(follower);
    c.deliver_where(|e| e.from == follower && e.to == other);
    assert!(
        !c.in_flight()
            .any(|e| e.from == other && matches!(e.message, Message::RequestVoteResponse { .. })),
        "a voter within its lease does not even answer"
    );
    assert_eq!(c.status(other).term, term);
    c.heal();
    c.stabilize();
    c.run(2 * HEARTBEAT);
    assert_eq!(c.leaders(), [(leader, term)]);
}

/// A leader partitioned into a minority stops serving: it steps down after an election
/// timeout without a quorum, leaves its pending read unanswered until then, and answers it
/// `None` when stepping down.
#[test]
fn check_quorum_steps_down_a_minority_leader() {
    let mut c = Cluster::new(5);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let term = c.status(leader).term;
    c.partition(&[leader]);
    let read = c.read(leader).expect("still leader");
    // Check-quorum runs once per election timeout; the round running at the partition may
    // still count answers from before it, so the leader steps down within two timeouts.
    let mut ticks = 0;
    while c.status(leader).role == RoleKind::Leader {
        assert!(
            c.reads(leader).is_empty(),
            "an unconfirmed read gets no answer"
        );
        assert!(
            ticks < 2 * ELECTION_TICKS,
            "still leader after two election timeouts alone"
        );
        c.tick(leader);
        c.stabilize();
        ticks += 1;
    }
    assert_eq!(
        c.status(leader).role,
        RoleKind::Follower,
        "no quorum within an election timeout"
    );
    assert_eq!(
        c.status(leader).term,
        term,
        "stepping down does not change the term"
    );
    assert_eq!(
        c.reads(leader),
        [ReadState {
            id: read,
            index: None
        }],
        "the pending read is aborted"
    );
    assert_eq!(c.read(leader), Err(ReadError::NoLeader));
    assert_eq!(
        c.propose(leader, "x"),
        Err(ProposeError::NotLeader { leader: None })
    );
}

/// Leadership transfer hands over to a follower that first has to catch up; proposals are
/// refused meanwhile, and the target wins the next term straight away.
#[test]
fn transfer_leadership_to_a_lagging_follower() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let term = c.status(leader).term;
    let target = if leader == 1 { 2 } else { 1 };
    c.partition(&[target]);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    c.heal();

    c.transfer_leadership(leader, Some(target));
    assert_eq!(
        c.propose(leader, "refused"),
        Err(ProposeError::Transferring)
    );
    c.stabilize();
    assert_eq!(
        c.leaders(),
        [(target, term + 1)],
        "the target won the next term"
    );
    assert_eq!(
        commands(&c, target),
        ["a"],
        "it caught up before campaigning"
    );
    c.run(HEARTBEAT);
    assert_eq!(c.status(leader).leader, Some(target));
}

/// A transfer whose target never answers is abandoned after an election timeout, and the
/// leader takes proposals again.
#[test]
fn transfer_leadership_times_out() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let target = if leader == 1 { 2 } else { 1 };
    c.partition(&[target]);
    c.transfer_leadership(leader, Some(target));
    assert_eq!(c.propose(leader, "x"), Err(ProposeError::Transferring));
    for _ in 0..ELECTION_TICKS {
        c.tick(leader);
        c.stabilize();
    }
    assert_eq!(
        c.status(leader).role,
        RoleKind::Leader,
        "the other follower keeps the quorum"
    );
    assert!(c.propose(leader, "x").is_ok(), "transfer abandoned");
}

/// `transfer_leadership(None)` picks the most up-to-date follower.
#[test]
fn transfer_leadership_picks_the_most_up_to_date_follower() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let behind = if leader == 1 { 2 } else { 1 };
    let ahead = 6 - leader - behind;
    c.partition(&[behind]);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    c.heal();
    c.transfer_leadership(leader, None);
    c.stabilize();
    assert_eq!(c.leader(), Some(ahead));
}

/// Votes survive a crash: a node that voted in a term refuses a second candidate in the same
/// term after restarting.
#[test]
fn restart_remembers_the_vote() {
    let mut c = Cluster::new(3);
    c.elect(1);
    assert_eq!(c.disk(2).hard_state.vote, Some(1));
    c.crash(2);
    c.restart(2);
    assert_eq!(c.status(2).term, 1);
    c.send_raw(super::message::Envelope {
        from: 3,
        to: 2,
        term: 1,
        message: Message::RequestVote {
            last_index: 9,
            last_term: 9,
            pre_vote: false,
            transfer: false,
        },
    });
    c.deliver_where(|e| e.to == 2 && e.from == 3);
    let answer = c
        .in_flight()
        .find(|e| e.from == 2 && e.to == 3)
        .map(|e| e.message.clone());
    assert_eq!(
        answer,
        Some(Message::RequestVoteResponse {
            granted: false,
            pre_vote: false
        })
    );
}

/// A whole-cluster restart replays the committed log into fresh state machines and elects
/// a leader that keeps every committed entry.
#[test]
fn restart_all_nodes_replays_committed_entries() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    for cmd in ["a", "b"] {
        c.propose(leader, cmd).expect("leader accepts");
    }
    c.stabilize();
    c.run(HEARTBEAT);
    for id in 1..=3 {
        c.crash(id);
    }
    for id in 1..=3 {
        c.restart(id);
        assert_eq!(c.status(id).role, RoleKind::Follower);
    }
    // Followers learned the commit index with the heartbeat, so they replay on start.
    for id in 1..=3 {
        assert_eq!(
            commands(&c, id),
            ["a", "b"],
            "n{id} replayed its committed entries"
        );
    }
    let leader = c.run_until_leader(5 * ELECTION_TICKS);
    c.propose(leader, "c").expect("leader accepts");
    c.stabilize();
    c.run(HEARTBEAT);
    for id in 1..=3 {
        assert_eq!(commands(&c, id), ["a", "b", "c"]);
    }
}

/// A follower's forwarded read is answered `None` when its leader changes.
#[test]
fn read_forwarded_is_aborted_when_the_leader_changes() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let follower = if leader == 1 { 2 } else { 1 };
    c.crash(leader);
    let id = c.read(follower).expect("still knows the old leader");
    c.stabilize();
    assert!(c.reads(follower).is_empty());
    let new = c.run_until_leader(5 * ELECTION_TICKS);
    assert_ne!(new, leader);
    assert_eq!(
        c.reads(follower).first(),
        Some(&ReadState { id, index: None })
    );
}

/// Reads arriving together share one heartbeat round, and a read never returns an index
/// older than a write acknowledged before it started.
#[test]
fn read_index_batches_reads_into_one_round() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let (index, _) = c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let ids: Vec<RequestId> = (0..3)
        .map(|seq| {
            let id = RequestId {
                node: leader,
                seq: 100 + seq,
            };
            c.node_mut(leader).read(id).expect("leader reads");
            id
        })
        .collect();
    assert!(c.node(leader).has_ready());
    let before: usize = c.in_flight().count();
    c.stabilize(); // processes nothing: the reads were made without processing
    assert_eq!(before, 0);
    c.tick(leader); // the harness processes the leader's Ready here
    let rounds = c.in_flight().filter(|e| e.from == leader).count();
    assert!(
        rounds <= 2,
        "one heartbeat per follower for three reads, got {rounds} messages"
    );
    c.stabilize();
    let answered: Vec<ReadState> = c.reads(leader).to_vec();
    assert_eq!(answered.len(), 3);
    for (read, id) in answered.iter().zip(&ids) {
        assert_eq!(read.id, *id);
        assert!(
            read.index.is_some_and(|i| i >= index),
            "read sees the acknowledged write"
        );
    }
}

/// The read-round heartbeats `leader` has in flight, as (recipient, `read_seq`).
fn read_rounds_in_flight(c: &Cluster, leader: NodeId) -> Vec<(NodeId, u64)> {
    c.in_flight()
        .filter(|e| e.from == leader)
        .filter_map(|e| match e.message {
            Message::AppendEntries { read_seq, .. } if read_seq > 0 => Some((e.to, read_seq)),
            _ => None,
        })
        .collect()
}

/// One read round at a time: reads that arrive while a round is in flight start no round of
/// their own, and share the next one, which starts once a quorum confirmed the first.
#[test]
fn reads_arriving_during_a_round_share_the_next_round() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let rounds_in_flight = |c: &Cluster| -> BTreeSet<u64> {
        read_rounds_in_flight(c, leader)
            .into_iter()
            .map(|(_, seq)| seq)
            .collect()
    };

    let first = c.read(leader).expect("leader reads");
    let started = rounds_in_flight(&c);
    assert_eq!(
        started.len(),
        1,
        "the first read starts a round: {started:?}"
    );
    let second = c.read(leader).expect("leader reads");
    let third = c.read(leader).expect("leader reads");
    assert_eq!(
        rounds_in_flight(&c),
        started,
        "reads during a round start no round"
    );

    c.deliver_where(|e| e.from == leader);
    c.deliver_where(|e| e.to == leader);
    assert_eq!(
        c.reads(leader).iter().map(|r| r.id).collect::<Vec<_>>(),
        [first],
        "the round confirms only the read that started it"
    );
    let next = rounds_in_flight(&c);
    assert_eq!(
        next.len(),
        1,
        "one round follows for the waiting reads: {next:?}"
    );
    assert!(next.iter().all(|seq| started.iter().all(|s| seq > s)));

    c.stabilize();
    assert_eq!(
        c.reads(leader).iter().map(|r| r.id).collect::<Vec<_>>(),
        [first, second, third]
    );
}

/// A read round asks only `quorum - 1` followers. One of them going silent delays the read to
/// the next periodic heartbeat (which goes to everyone), and later rounds leave it out.
#[test]
fn read_rounds_ask_a_quorum_and_route_around_a_silent_follower() {
    let mut c = Cluster::new(5);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let asked = |c: &Cluster| -> BTreeSet<NodeId> {
        read_rounds_in_flight(c, leader)
            .into_iter()
            .map(|(to, _)| to)
            .collect()
    };

    let first = c.read(leader).expect("leader reads");
    let picked = asked(&c);
    assert_eq!(
        picked.len(),
        2,
        "quorum 3 is the leader and two followers: {picked:?}"
    );
    let silent = *picked.first().expect("two followers were asked");
    c.cut(leader, silent);
    c.stabilize();
    assert!(
        c.reads(leader).is_empty(),
        "one acknowledgement is not a quorum"
    );
    for _ in 0..HEARTBEAT {
        c.tick(leader);
    }
    c.stabilize();
    assert_eq!(
        c.reads(leader).iter().map(|r| r.id).collect::<Vec<_>>(),
        [first],
        "the periodic heartbeat confirmed the round"
    );

    let second = c.read(leader).expect("leader reads");
    let picked = asked(&c);
    assert_eq!(picked.len(), 2, "{picked:?}");
    assert!(
        !picked.contains(&silent),
        "the silent follower is left out: {picked:?}"
    );
    c.stabilize();
    assert_eq!(
        c.reads(leader).iter().map(|r| r.id).collect::<Vec<_>>(),
        [first, second]
    );
}

/// A leader refuses proposals beyond `max_uncommitted_entries`.
#[test]
fn propose_busy_when_too_much_is_uncommitted() {
    let mut c = Cluster::with_config(3, |cfg| cfg.max_uncommitted_entries = 2);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let others: Vec<u64> = (1..=3).filter(|&i| i != leader).collect();
    c.partition(&[leader]);
    c.propose(leader, "a").expect("1 uncommitted");
    c.propose(leader, "b").expect("2 uncommitted");
    assert_eq!(c.propose(leader, "c"), Err(ProposeError::Busy));
    c.heal();
    c.stabilize();
    c.run(HEARTBEAT);
    assert!(c.propose(leader, "c").is_ok(), "room again once committed");
    assert_eq!(others.len(), 2);
}

/// The leader batches entries by bytes and pipelines at most `max_inflight_appends`
/// unacknowledged appends to a follower.
#[test]
fn replication_batches_and_pipelines_within_limits() {
    let mut c = Cluster::with_config(3, |cfg| {
        cfg.max_append_bytes = 4;
        cfg.max_inflight_appends = 2;
    });
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let follower = if leader == 1 { 2 } else { 1 };
    for i in 0..10 {
        c.node_mut(leader)
            .propose(bytes::Bytes::from(format!("c{i}")))
            .expect("leader accepts");
    }
    c.tick(leader); // processes: one Ready with all ten entries
    let appends: Vec<usize> = c
        .in_flight()
        .filter(|e| e.to == follower)
        .filter_map(|e| match &e.message {
            Message::AppendEntries { entries, .. } if !entries.is_empty() => Some(entries.len()),
            _ => None,
        })
        .collect();
    assert_eq!(
        appends,
        [2, 2],
        "two 2-byte entries per 4-byte append, two appends in flight"
    );
    c.stabilize();
    c.run(HEARTBEAT);
    assert_eq!(
        c.machine(follower).commands.len(),
        10,
        "the pipeline drains completely"
    );
}

/// A leader (n1, term 1) is paused behind a partition while n2 wins term 2 and commits its
/// no-op with n3's help; n3 has not yet heard that it is committed. Then n1 wakes up, heals,
/// and replicates a write to n3 at the same index. Returns the cluster right before n3's
/// answer reaches n1.
fn stale_leader_wakes_up(setup: impl Fn(&mut Cluster)) -> Cluster {
    let mut c = Cluster::new(3);
    setup(&mut c);
    c.elect(1);
    c.stabilize();
    c.run(HEARTBEAT);
    assert_eq!(c.status(3).commit, 1);

    // n1 is paused (never ticked) and cut off; n2 and n3 move on.
    c.partition(&[1]);
    c.expire_lease(3);
    c.elect(2);
    assert_eq!(c.status(2).term, 2);
    c.deliver_where(|e| (e.from, e.to) == (2, 3)); // n2's no-op
    c.deliver_where(|e| (e.from, e.to) == (3, 2)); // ack: n2 commits index 2
    assert_eq!(c.status(2).commit, 2);
    c.drop_where(|e| e.from == 2); // n3 does not learn the commit index yet
    assert_eq!(c.log_terms(3), [(1, 1), (2, 2)]);

    // n1 wakes up still believing it leads term 1.
    c.heal();
    c.propose(1, "y").expect("n1 still thinks it leads");
    c.drop_where(|e| e.from == 1 && e.to == 2);
    c.deliver_where(|e| (e.from, e.to) == (1, 3));
    c
}

/// A stale leader's append is refused: n3 answers with its newer term, the stale leader
/// steps down, and n3's log is untouched.
#[test]
fn stale_leader_append_is_refused_and_the_leader_steps_down() {
    let mut c = stale_leader_wakes_up(|_| {});
    assert_eq!(
        c.log_terms(3),
        [(1, 1), (2, 2)],
        "n3 keeps the entry of term 2"
    );
    c.deliver_where(|e| (e.from, e.to) == (3, 1));
    assert_eq!(c.status(1).role, RoleKind::Follower, "n1 learned of term 2");
    assert_eq!(c.status(1).term, 2);
    c.stabilize();
    c.run(2 * HEARTBEAT);
    for id in 1..=3 {
        assert!(
            commands(&c, id).is_empty(),
            "n{id}: the stale write \"y\" never applies"
        );
    }
}

/// The same story with `Bug::AcceptStaleTermAppend`: n3 replaces n2's committed-but-unknown
/// no-op with "y" and acknowledges it in term 1, so n1 commits "y" at the index n2 already
/// committed: two different entries are applied at index 2.
#[cfg(feature = "bug-injection")]
#[test]
#[should_panic(expected = "applied a different entry at index 2")]
fn stale_leader_with_accept_stale_append_bug_breaks_safety() {
    let mut c = stale_leader_wakes_up(|c| c.inject_bug(super::Bug::AcceptStaleTermAppend));
    assert_eq!(
        c.log_terms(3),
        [(1, 1), (2, 1)],
        "the bug overwrote n2's entry"
    );
    c.deliver_where(|e| (e.from, e.to) == (3, 1));
}

/// A snapshot that goes unanswered is presumed lost and sent again after two election
/// timeouts, plus a tick for every 256 KiB it holds: a large one is not sent again while it may
/// still be crossing, or being written by the follower.
#[test]
fn an_unanswered_snapshot_is_resent_after_a_wait_that_grows_with_its_size() {
    // The ticks at which the leader sent its snapshot to a follower that lost every one,
    // when the state holds a command of `payload` bytes; with `kept_aside`, the core is given
    // the snapshot without its data (as the server's driver does, keeping it on disk) and told
    // that many bytes.
    let sends = |payload: usize, kept_aside: Option<u64>| -> Vec<u64> {
        let mut c = Cluster::new(3);
        let leader = c.run_until_leader(3 * ELECTION_TICKS);
        let lagging = if leader == 3 { 2 } else { 3 };
        c.crash(lagging);
        c.propose(leader, &"x".repeat(payload))
            .expect("leader accepts");
        c.stabilize();
        match kept_aside {
            None => c.compact(leader),
            Some(bytes) => {
                let status = c.status(leader);
                let node = c.node_mut(leader);
                node.compact(Snapshot {
                    index: status.commit,
                    term: status.term,
                    data: Bytes::new(),
                    membership: None,
                });
                node.set_snapshot_bytes(bytes);
                assert_eq!(c.status(leader).snapshot_index, status.commit);
            }
        }
        c.restart(lagging);
        let is_snapshot =
            |e: &Envelope| e.to == lagging && matches!(e.message, Message::InstallSnapshot { .. });
        let mut sent = Vec::new();
        for tick in 0..12 * ELECTION_TICKS {
            c.tick_all();
            loop {
                sent.extend(std::iter::repeat_n(tick, c.drop_where(is_snapshot)));
                if c.deliver_where(|_| true) == 0 {
                    break;
                }
            }
        }
        sent
    };
    let gaps = |sent: &[u64]| -> Vec<u64> { sent.windows(2).map(|w| w[1] - w[0]).collect() };
    let small = gaps(&sends(10, None));
    assert!(small.len() >= 3, "resent over and over: {small:?}");
    assert!(
        small
            .iter()
            .all(|&g| (2 * ELECTION_TICKS..=2 * ELECTION_TICKS + HEARTBEAT).contains(&g)),
        "{small:?}"
    );
    // 8 MiB: 32 ticks more, whether the core holds the data or was told its size.
    for large in [sends(8 << 20, None), sends(10, Some(8 << 20))] {
        let large = gaps(&large);
        assert!(large.len() >= 2, "{large:?}");
        let expected = 2 * ELECTION_TICKS + 32..=2 * ELECTION_TICKS + 32 + HEARTBEAT;
        assert!(large.iter().all(|g| expected.contains(g)), "{large:?}");
    }
}

/// Regression (sim seed 3, bench B1, Jepsen J3): a follower's acknowledgement arrives after
/// the leader compacted past it, so its match index lies in the compacted prefix. Telling it
/// the commit index must not re-produce a heartbeat on every `Ready` (the driver spun in
/// `while has_ready()`); the harness fails any input that needs more than three `Ready`s.
#[test]
fn snapshot_late_ack_below_the_compacted_prefix_does_not_wedge_the_leader() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let slow = if leader == 3 { 2 } else { 3 };
    for i in 0..5 {
        c.propose(leader, &format!("v{i}")).expect("leader accepts");
    }
    // Everything flows except the slow follower's acknowledgements.
    while c.deliver_where(|e| !(e.from == slow && e.to == leader)) > 0 {}
    assert_eq!(c.status(leader).commit, 6);
    c.compact(leader);
    assert_eq!(c.status(leader).snapshot_index, 6);

    c.deliver_where(|e| e.from == slow && e.to == leader);
    assert!(!c.node(leader).has_ready(), "no work without new input");
    c.stabilize();
    c.run(2 * HEARTBEAT);
    assert_eq!(c.machine(slow), c.machine(leader));
}

/// A follower's reads that arrive together travel to the leader in one `ReadIndex` message,
/// and all of them are answered by its response; a read arriving after that message was sent
/// waits for the next one.
#[test]
fn follower_reads_share_one_read_index_message() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let (index, _) = c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let follower = if leader == 1 { 2 } else { 1 };
    let read = |c: &mut Cluster, seq| {
        let id = RequestId {
            node: follower,
            seq,
        };
        c.node_mut(follower)
            .read(id)
            .expect("follower knows the leader");
        id
    };
    let first: Vec<RequestId> = (1..=3).map(|seq| read(&mut c, seq)).collect();
    c.tick(follower); // the harness processes the follower's Ready here
    let asks = c
        .in_flight()
        .filter(|e| e.from == follower && matches!(e.message, Message::ReadIndex { .. }))
        .count();
    assert_eq!(asks, 1, "three reads, one ReadIndex message");
    let late = read(&mut c, 4);
    c.stabilize();
    let answered: Vec<ReadState> = c.reads(follower).to_vec();
    let mut ids: Vec<RequestId> = answered.iter().map(|r| r.id).collect();
    ids.sort_by_key(|id| id.seq);
    let mut want = first.clone();
    want.push(late);
    assert_eq!(ids, want, "every read is answered exactly once");
    for r in &answered {
        assert!(
            r.index.is_some_and(|i| i >= index),
            "read {r:?} sees the acknowledged write"
        );
    }
}

/// With three voters, a follower's `ReadIndex` request and the leader already make a quorum:
/// the request was sent after the read arrived, in the leader's term, so it confirms the
/// leadership as a heartbeat answer would. The leader answers at once, with no round.
#[test]
fn follower_read_in_three_nodes_needs_no_heartbeat_round() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let (index, _) = c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let follower = if leader == 1 { 2 } else { 1 };
    let id = c.read(follower).expect("follower knows the leader");
    c.deliver_where(|e| e.from == follower && matches!(e.message, Message::ReadIndex { .. }));
    assert!(
        read_rounds_in_flight(&c, leader).is_empty(),
        "no heartbeat round was started"
    );
    c.deliver_where(|e| e.from == leader && matches!(e.message, Message::ReadIndexResponse { .. }));
    assert_eq!(
        c.reads(follower),
        [ReadState {
            id,
            index: Some(index)
        }]
    );
}

/// With five voters, a follower's read needs one acknowledgement besides its own request and
/// the leader: the round goes to one other follower. A leader that hears only from the
/// reading follower cannot confirm the read, however long it waits.
#[test]
fn follower_read_in_five_nodes_asks_one_other_follower() {
    let mut c = Cluster::new(5);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let (index, _) = c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let reader = (1..=5).find(|&n| n != leader).expect("a follower");
    let id = c.read(reader).expect("follower knows the leader");
    c.deliver_where(|e| e.from == reader && matches!(e.message, Message::ReadIndex { .. }));
    let asked = read_rounds_in_flight(&c, leader);
    assert_eq!(asked.len(), 1, "one follower is enough: {asked:?}");
    assert_ne!(
        asked[0].0, reader,
        "the reader's own answer would not count twice"
    );
    c.stabilize();
    assert_eq!(
        c.reads(reader),
        [ReadState {
            id,
            index: Some(index)
        }]
    );

    // Now the leader hears from the reader alone: two of five is no quorum.
    for n in (1..=5).filter(|&n| n != leader && n != reader) {
        c.cut(n, leader);
    }
    let id = c.read(reader).expect("follower knows the leader");
    for _ in 0..3 * HEARTBEAT {
        c.tick(leader);
        c.stabilize();
    }
    assert!(
        c.reads(reader).iter().all(|r| r.id != id),
        "a read confirmed by the reader and the leader alone: {:?}",
        c.reads(reader)
    );
}

/// A follower keeps one `ReadIndex` request in flight. If it is lost, the follower gives up on
/// it after an election timeout, answers its reads with `None` (the driver retries them) and
/// sends the reads that waited meanwhile.
#[test]
fn lost_read_index_request_times_out_and_the_next_goes_out() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let follower = if leader == 1 { 2 } else { 1 };
    let lost = c.read(follower).expect("follower knows the leader");
    let dropped = c.drop_where(|e| matches!(e.message, Message::ReadIndex { .. }));
    assert_eq!(dropped, 1);
    let waiting = c.read(follower).expect("follower knows the leader");
    c.stabilize();
    assert!(
        c.reads(follower).is_empty(),
        "the second read waits behind the lost request"
    );
    for _ in 0..ELECTION_TICKS {
        c.tick(follower);
    }
    c.stabilize();
    let answered: Vec<ReadState> = c.reads(follower).to_vec();
    assert!(answered.contains(&ReadState {
        id: lost,
        index: None
    }));
    assert!(
        answered
            .iter()
            .any(|r| r.id == waiting && r.index.is_some()),
        "the waiting read went out and was answered: {answered:?}"
    );
}

/// A leader that writes its entries in the background (`advance_unpersisted`) counts itself
/// toward commitment only once `persisted` says they are durable; meanwhile its followers'
/// acknowledgements alone can commit.
#[test]
fn background_write_counts_only_once_persisted() {
    let mut c = Cluster::new(3);
    c.elect(1);
    c.stabilize();
    let base = c.status(1).commit;

    // Each proposal: a Ready whose entry the leader has not written yet; its appends go to
    // `to`, and the answers are stepped into the leader by hand (not through the harness,
    // which would persist the leader's Ready in place).
    let replicate = |c: &mut Cluster, data: &'static str, to: &[u64]| {
        c.node_mut(1)
            .propose(bytes::Bytes::from(data))
            .expect("leader accepts");
        let ready = c.node_mut(1).ready();
        assert_eq!(ready.entries.len(), 1);
        let upto = c.node_mut(1).advance_unpersisted();
        for envelope in ready.messages {
            if to.contains(&envelope.to) {
                c.send_raw(envelope);
            }
        }
        c.deliver_where(|e| e.from == 1);
        let acks: Vec<_> = c.in_flight().filter(|e| e.to == 1).cloned().collect();
        c.drop_where(|e| e.to == 1);
        for ack in acks {
            c.node_mut(1).step(ack);
        }
        upto.expect("an entry was handed out")
    };

    // Two followers' copies are a majority without the leader's.
    let (index, _) = replicate(&mut c, "x", &[2, 3]);
    assert_eq!(c.node(1).status().commit, index);
    assert_eq!(index, base + 1);

    // One follower's copy is not a majority of three while the leader's write is pending.
    let (index, term) = replicate(&mut c, "y", &[2]);
    assert_eq!(
        c.node(1).status().commit,
        base + 1,
        "the leader's copy is not durable"
    );
    c.node_mut(1).persisted(index, term);
    assert_eq!(c.node(1).status().commit, index, "now two durable copies");
}

/// A five-node cluster with lazy fan-out, n1 leading, every follower caught up.
fn lazy_cluster() -> Cluster {
    let mut c = Cluster::with_config(5, |cfg| cfg.lazy_fan_out = true);
    c.elect(1);
    c.stabilize();
    c.run(HEARTBEAT);
    c
}

/// The followers that appends carrying entries from `leader` are in flight to.
fn appends_in_flight(c: &Cluster, leader: NodeId) -> BTreeSet<NodeId> {
    c.in_flight()
        .filter(|e| e.from == leader)
        .filter(
            |e| matches!(&e.message, Message::AppendEntries { entries, .. } if !entries.is_empty()),
        )
        .map(|e| e.to)
        .collect()
}

/// With lazy fan-out a new entry goes at once to two of four followers (with the leader, a
/// quorum of five), commits with them alone, and reaches the other two with the heartbeat.
#[test]
fn lazy_fan_out_sends_new_entries_to_a_quorum_and_the_rest_with_the_heartbeat() {
    let mut c = lazy_cluster();
    let (index, _) = c.propose(1, "a").expect("leader accepts");
    assert_eq!(
        appends_in_flight(&c, 1),
        BTreeSet::from([2, 3]),
        "the two followers that hold the most (lower ids among equals)"
    );
    c.stabilize();
    assert_eq!(c.status(1).commit, index, "committed without n4 and n5");
    for id in [4, 5] {
        assert!(commands(&c, id).is_empty(), "n{id} waits for the heartbeat");
    }
    c.run(HEARTBEAT);
    for id in 1..=5 {
        assert_eq!(commands(&c, id), ["a"], "n{id} has the entry");
    }
}

/// An eager follower that falls silent holds commit back until the next heartbeat, which
/// catches the lazy followers up; one of them then replaces it.
#[test]
fn lazy_fan_out_replaces_a_silent_follower_after_one_heartbeat() {
    let mut c = lazy_cluster();
    c.cut(1, 2);
    let (first, _) = c.propose(1, "a").expect("leader accepts");
    c.stabilize();
    assert!(c.status(1).commit < first, "n3 alone is no quorum");
    c.run(HEARTBEAT);
    assert_eq!(
        c.status(1).commit,
        first,
        "n4 and n5 caught up at the heartbeat"
    );
    let (second, _) = c.propose(1, "b").expect("leader accepts");
    assert_eq!(
        appends_in_flight(&c, 1),
        BTreeSet::from([3, 4]),
        "n2, which acknowledged nothing, is no longer sent new entries first"
    );
    c.stabilize();
    assert_eq!(c.status(1).commit, second);
}

/// A lazily fed follower that asks for a read index gets the entries and commit index up to
/// it at once: it does not wait for a heartbeat to serve the read.
#[test]
fn lazy_fan_out_feeds_a_reading_follower_at_once() {
    let mut c = lazy_cluster();
    c.propose(1, "a").expect("leader accepts");
    c.stabilize();
    assert!(commands(&c, 5).is_empty(), "n5 is fed lazily");
    let read = c.read(5).expect("follower forwards the read");
    c.stabilize();
    assert_eq!(
        commands(&c, 5),
        ["a"],
        "n5 got the entry with its read index"
    );
    assert_eq!(c.reads(5).iter().map(|r| r.id).collect::<Vec<_>>(), [read]);
}

/// Compaction on the leader first sends lazily fed followers the entries it is about to
/// discard, so they do not need the whole snapshot.
#[test]
fn lazy_fan_out_sends_entries_before_compacting_them() {
    let mut c = lazy_cluster();
    c.propose(1, "a").expect("leader accepts");
    c.stabilize();
    c.compact(1);
    assert_eq!(appends_in_flight(&c, 1), BTreeSet::from([4, 5]));
    c.stabilize();
    c.run(HEARTBEAT);
    assert!(
        !c.in_flight()
            .any(|e| matches!(e.message, Message::InstallSnapshot { .. })),
        "no snapshot was needed"
    );
    for id in [4, 5] {
        assert_eq!(commands(&c, id), ["a"], "n{id} has the entry from the log");
    }
}

/// A lazily fed follower that does not answer gets one round of appends, not one per
/// heartbeat: the leader neither piles up appends for a node that is down nor resends the
/// growing tail of its log each time. Once it answers again it catches up.
#[test]
fn lazy_fan_out_sends_a_silent_lazy_follower_one_append() {
    let mut c = lazy_cluster();
    let is_append_to_n5 = |e: &Envelope| {
        e.to == 5
            && matches!(&e.message, Message::AppendEntries { entries, .. } if !entries.is_empty())
    };
    let mut appends_to_n5 = 0;
    let mut proposed = Vec::new();
    for tick in 0..5 * HEARTBEAT {
        let command = format!("v{tick}");
        c.propose(1, &command).expect("leader accepts");
        proposed.push(command);
        c.tick_all();
        appends_to_n5 += c.in_flight().filter(|e| is_append_to_n5(e)).count();
        c.drop_where(|e| e.to == 5);
        c.stabilize();
    }
    assert_eq!(
        appends_to_n5, 1,
        "appends sent to the silent n5 over five heartbeats"
    );
    assert_eq!(
        c.status(1).commit,
        c.status(1).last_index,
        "n2 and n3 commit"
    );
    c.run(2 * HEARTBEAT);
    assert_eq!(commands(&c, 5), proposed, "n5 caught up once it answered");
}

/// A lazily fed follower that lags by more than one append's worth of bytes still catches up
/// at one heartbeat: it gets a whole pipeline, so lazy fan-out does not cap how fast a
/// follower can keep up with a leader writing large entries.
#[test]
fn lazy_fan_out_catches_a_follower_up_by_many_appends_at_one_heartbeat() {
    let mut c = Cluster::with_config(5, |cfg| {
        cfg.lazy_fan_out = true;
        cfg.max_append_bytes = 4;
        cfg.max_inflight_appends = 8;
    });
    c.elect(1);
    c.stabilize();
    c.run(HEARTBEAT);
    let proposed: Vec<String> = (0..10).map(|i| format!("c{i}")).collect();
    for command in &proposed {
        c.propose(1, command).expect("leader accepts");
    }
    c.stabilize();
    assert!(commands(&c, 5).is_empty(), "n5 is fed lazily");
    c.run(HEARTBEAT);
    assert_eq!(
        commands(&c, 5),
        proposed,
        "n5 has all ten entries after one heartbeat"
    );
}

/// A three-node cluster that sends a new commit index with the next append, n1 leading, every
/// follower caught up.
fn commit_with_appends_cluster() -> Cluster {
    let mut c = Cluster::with_config(3, |cfg| cfg.commit_with_appends = true);
    c.elect(1);
    c.stabilize();
    c.run(HEARTBEAT);
    c
}

/// Empty `AppendEntries` in flight from `leader`: heartbeats and commit-index updates.
fn empty_appends_in_flight(c: &Cluster, leader: NodeId) -> usize {
    c.in_flight()
        .filter(|e| e.from == leader)
        .filter(
            |e| matches!(&e.message, Message::AppendEntries { entries, .. } if entries.is_empty()),
        )
        .count()
}

/// A commit costs no message of its own: the followers hear of it with the next append, or
/// at the next tick when nothing else is sent.
#[test]
fn commit_with_appends_tells_followers_with_the_next_append_or_tick() {
    let mut c = commit_with_appends_cluster();
    let (first, _) = c.propose(1, "a").expect("leader accepts");
    c.stabilize();
    assert_eq!(c.status(1).commit, first);
    assert_eq!(empty_appends_in_flight(&c, 1), 0, "no commit-only message");
    for id in [2, 3] {
        assert!(c.status(id).commit < first, "n{id} was not told yet");
    }

    let (second, _) = c.propose(1, "b").expect("leader accepts");
    c.deliver_where(|e| e.from == 1);
    for id in [2, 3] {
        assert_eq!(
            c.status(id).commit,
            first,
            "n{id} heard with the next append"
        );
        assert_eq!(commands(&c, id), ["a"]);
    }
    c.stabilize();
    assert_eq!(c.status(1).commit, second);

    c.tick(1);
    assert_eq!(empty_appends_in_flight(&c, 1), 2, "the tick tells both");
    c.stabilize();
    for id in [2, 3] {
        assert_eq!(c.status(id).commit, second, "n{id} heard at the tick");
        assert_eq!(commands(&c, id), ["a", "b"]);
    }
}

/// A follower given a read index hears the commit index at once, so its read does not wait
/// for a tick.
#[test]
fn commit_with_appends_tells_a_reading_follower_at_once() {
    let mut c = commit_with_appends_cluster();
    c.propose(1, "a").expect("leader accepts");
    c.stabilize();
    assert!(commands(&c, 3).is_empty(), "n3 was not told of the commit");
    let read = c.read(3).expect("follower forwards the read");
    c.stabilize();
    assert_eq!(commands(&c, 3), ["a"], "n3 heard the commit with its read");
    assert_eq!(c.reads(3).iter().map(|r| r.id).collect::<Vec<_>>(), [read]);
    assert!(
        commands(&c, 2).is_empty(),
        "n2, not reading, waits for a tick"
    );
}

// -------------------------------------------------------------------------------------------
// Membership changes
// -------------------------------------------------------------------------------------------

use super::message::{Membership, MembershipChange};
use super::node::ChangeError;

fn add(id: NodeId) -> MembershipChange {
    MembershipChange::Add {
        id,
        addr: format!("10.0.0.{id}:1"),
    }
}

fn voters(c: &Cluster, id: NodeId) -> Vec<NodeId> {
    c.status(id).membership.voters.keys().copied().collect()
}

/// An added node starts as a learner, which receives the log but is not needed for commits,
/// and the leader makes it a voter by itself once it holds every committed entry.
#[test]
fn membership_added_node_learns_then_is_promoted() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    c.add_joiner(4);
    assert_eq!(
        *c.status(4).membership,
        Membership::default(),
        "a joiner knows no membership"
    );
    // Cut the learner off: the change commits without it, and so do writes.
    c.partition(&[4]);
    c.change_membership(leader, add(4)).expect("leader accepts");
    c.stabilize();
    let m = c.status(leader).membership.clone();
    assert_eq!(m.learners.keys().copied().collect::<Vec<_>>(), [4]);
    assert_eq!(voters(&c, leader), [1, 2, 3]);
    c.propose(leader, "b").expect("leader accepts");
    c.stabilize();
    assert_eq!(commands(&c, leader), ["a", "b"], "learners do not count");
    let next = (c.status(leader).last_index + 1, c.status(leader).term);
    assert_eq!(
        c.change_membership(leader, MembershipChange::Remove { id: 1 }),
        Ok(next),
        "a change waits only for the last to commit, not for the learner"
    );
    c.stabilize();
    c.heal();
    for _ in 0..4 * HEARTBEAT {
        c.tick_all();
        c.stabilize();
    }
    let leader = c.leader().expect("a leader");
    for id in [2, 3, 4] {
        assert_eq!(voters(&c, id), [2, 3, 4], "n{id}: the learner was promoted");
        assert!(c.status(id).membership.learners.is_empty());
        assert_eq!(commands(&c, id), ["a", "b"], "n{id} has the log");
    }
    assert_ne!(leader, 1);
}

/// One change at a time: a second change waits until the first is committed, and a leader
/// takes none before committing an entry of its own term.
#[test]
fn membership_one_change_at_a_time() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.stabilize();
    let follower = if leader == 1 { 2 } else { 1 };
    assert_eq!(
        c.change_membership(follower, add(4)),
        Err(ChangeError::NotLeader {
            leader: Some(leader)
        })
    );
    // Nobody answers: the change stays uncommitted, and the next one must wait.
    c.partition(&[leader]);
    c.change_membership(leader, add(4)).expect("leader accepts");
    assert_eq!(
        c.change_membership(leader, add(5)),
        Err(ChangeError::Busy),
        "the first change is not committed"
    );
    assert!(matches!(
        c.change_membership(leader, add(4)),
        Err(ChangeError::Busy)
    ));
    c.heal();
    c.tick(leader);
    c.stabilize();
    c.run(HEARTBEAT);
    assert!(matches!(
        c.change_membership(leader, add(4)),
        Err(ChangeError::Invalid(_))
    ));
    assert!(matches!(
        c.change_membership(leader, MembershipChange::Remove { id: 9 }),
        Err(ChangeError::Invalid(_))
    ));
    c.change_membership(leader, add(5))
        .expect("the first change is committed");
}

/// A membership takes effect when appended, so a follower that drops an uncommitted change
/// from its log goes back to the membership before it.
#[test]
fn membership_dropped_with_a_conflicting_suffix() {
    let mut c = Cluster::new(5);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.stabilize();
    let others: Vec<NodeId> = (1..=5).filter(|&id| id != leader).collect();
    let (a, b) = (others[0], others[1]);
    // The change, which removes b, reaches a only and is never committed.
    for &o in &others[1..] {
        c.cut(leader, o);
    }
    c.change_membership(leader, MembershipChange::Remove { id: b })
        .expect("leader accepts");
    c.stabilize();
    assert_eq!(voters(&c, a).len(), 4, "in force on a once appended");
    // The leader is lost; b wins without a and overwrites the change.
    c.crash(leader);
    c.heal();
    for &o in &others {
        c.expire_lease(o);
    }
    c.elect(b);
    c.stabilize();
    assert_eq!(c.leader(), Some(b));
    c.propose(b, "x").expect("new leader accepts");
    c.stabilize();
    assert_eq!(
        voters(&c, a),
        [1, 2, 3, 4, 5],
        "the dropped change is no longer in force"
    );
    assert_eq!(commands(&c, a), ["x"]);
}

/// A leader that removes itself leads until the removal is committed (without counting
/// itself), then hands over at once to an up-to-date voter and never campaigns again.
#[test]
fn membership_removed_leader_hands_over() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    c.change_membership(leader, MembershipChange::Remove { id: leader })
        .expect("leader accepts");
    c.stabilize();
    let new_leader = c.leader().expect("handed over without an election timeout");
    assert_ne!(new_leader, leader);
    assert_eq!(c.status(leader).role, RoleKind::Follower);
    c.propose(new_leader, "b").expect("new leader accepts");
    c.stabilize();
    for _ in 0..6 * ELECTION_TICKS {
        c.tick_all();
        c.stabilize();
    }
    assert_eq!(c.leader(), Some(new_leader), "the removed node stays quiet");
    assert_eq!(c.status(leader).role, RoleKind::Follower);
    // Two voters left: both are needed.
    let last = (1..=3)
        .find(|&id| id != leader && id != new_leader)
        .expect("a third");
    c.crash(last);
    let before = c.status(new_leader).commit;
    c.propose(new_leader, "c").expect("leader accepts");
    c.stabilize();
    assert_eq!(
        c.status(new_leader).commit,
        before,
        "no quorum of 2 without n{last}"
    );
}

/// A node added after the log was compacted gets a snapshot carrying the membership, and
/// keeps the membership across restarts, from its snapshot as from its log.
#[test]
fn membership_travels_in_snapshots_and_survives_restarts() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    for cmd in ["a", "b", "c"] {
        c.propose(leader, cmd).expect("leader accepts");
    }
    c.stabilize();
    c.change_membership(leader, add(4)).expect("leader accepts");
    c.stabilize();
    c.propose(leader, "d").expect("leader accepts");
    c.stabilize();
    c.compact(leader);
    c.add_joiner(5);
    c.change_membership(leader, add(5))
        .expect("the last change committed");
    c.stabilize();
    for _ in 0..4 * HEARTBEAT {
        c.tick_all();
        c.stabilize();
    }
    assert!(c.disk(5).snapshot.is_some(), "n5 caught up from a snapshot");
    assert_eq!(commands(&c, 5), ["a", "b", "c", "d"]);
    // n4 never existed as a process here; it was only named. n5 knows of it from the
    // snapshot, and of itself as a voter from its log.
    assert_eq!(voters(&c, 5), [1, 2, 3, 5]);
    assert_eq!(
        c.status(5)
            .membership
            .learners
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        [4]
    );
    for id in [leader, 5] {
        let before = c.status(id).membership.clone();
        c.crash(id);
        c.restart(id);
        assert_eq!(
            c.status(id).membership,
            before,
            "n{id} restored its membership"
        );
    }
    c.compact(5);
    c.crash(5);
    c.restart(5);
    assert_eq!(voters(&c, 5), [1, 2, 3, 5], "from the snapshot alone");
}

/// Two voters, and the leader removes itself while the other is down: the removal stays
/// uncommitted and the leader loses its lead. It is no voter by its own log, yet it must
/// campaign again, in the membership before the removal: the other voter, back, lacks the
/// removal, needs its vote, and would be refused it (its log is shorter), leaving the pair
/// without a leader for good (the simulation found this). It wins, commits its removal with
/// the other's acknowledgement, and hands over.
#[test]
fn membership_two_voters_uncommitted_self_removal_keeps_a_leader() {
    let mut c = Cluster::new(2);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let other = 3 - leader;
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    c.crash(other);
    c.change_membership(leader, MembershipChange::Remove { id: leader })
        .expect("leader accepts");
    assert_eq!(voters(&c, leader), [other], "in force once appended");
    for _ in 0..3 * ELECTION_TICKS {
        c.tick_all();
        c.stabilize();
    }
    assert_eq!(c.status(leader).role, RoleKind::Follower, "lost its quorum");
    c.restart(other);
    for _ in 0..20 * ELECTION_TICKS {
        c.tick_all();
        c.stabilize();
        if c.leader() == Some(other) && voters(&c, other) == [other] {
            break;
        }
    }
    assert_eq!(
        c.leader(),
        Some(other),
        "the removal committed and it handed over"
    );
    assert_eq!(voters(&c, other), [other]);
    c.propose(other, "b").expect("sole voter accepts");
    c.stabilize();
    assert_eq!(commands(&c, other), ["a", "b"], "one voter commits alone");
}

/// A voter does not vote for a node its latest membership does not name, however
/// up-to-date that node's log: a removed node campaigning in the membership before its removal
/// (see `campaign_membership`) must not win once the removal is committed.
#[test]
fn membership_no_vote_for_a_non_member() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let gone = (1..=3).find(|&id| id != leader).expect("a follower");
    let voter = (1..=3)
        .find(|&id| id != leader && id != gone)
        .expect("another");
    c.change_membership(leader, MembershipChange::Remove { id: gone })
        .expect("leader accepts");
    c.stabilize();
    c.crash(leader);
    c.expire_lease(voter);
    let term = c.status(voter).term;
    let ask = |pre_vote: bool, term: u64| Envelope {
        from: gone,
        to: voter,
        term,
        message: Message::RequestVote {
            last_index: 1_000,
            last_term: term,
            pre_vote,
            transfer: false,
        },
    };
    for (pre_vote, term) in [(true, term + 1), (false, term + 1)] {
        c.send_raw(ask(pre_vote, term));
        c.deliver_where(|e| e.to == voter);
        let answers: Vec<bool> = c
            .in_flight()
            .filter_map(|e| match e.message {
                Message::RequestVoteResponse { granted, .. } if e.to == gone => Some(granted),
                _ => None,
            })
            .collect();
        assert_eq!(answers, [false], "pre_vote={pre_vote}: refused");
        c.drop_where(|e| e.to == gone);
    }
    assert_eq!(c.disk(voter).hard_state.vote, None, "no vote recorded");
}

/// A leader names the members that hold part of its log (the driver enrolls them): a member
/// that never acknowledged an append is left out until it does, and other roles name none.
#[test]
fn members_holding_log_are_those_that_acknowledged() {
    let mut c = Cluster::new(3);
    c.partition(&[3]);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    assert_ne!(leader, 3);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    let mut expected = vec![1, 2];
    assert_eq!(c.node(leader).members_holding_log(), expected);
    let follower = if leader == 1 { 2 } else { 1 };
    assert!(c.node(follower).members_holding_log().is_empty());
    c.heal();
    for _ in 0..2 * HEARTBEAT {
        c.tick_all();
        c.stabilize();
    }
    expected.push(3);
    assert_eq!(c.node(leader).members_holding_log(), expected);
}

/// A leader counts the other members that hold its log up to an index (WAIT's answer): a
/// member cut off is not counted until it catches up, and a follower counts nothing.
#[test]
fn replicas_holding_counts_members_that_acknowledged() {
    let mut c = Cluster::new(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let cut = if leader == 3 { 2 } else { 3 };
    c.partition(&[cut]);
    c.propose(leader, "a").expect("leader accepts");
    c.stabilize();
    let index = c.node(leader).commit_index();
    assert_eq!(
        c.status(leader).last_index,
        index,
        "a committed without {cut}"
    );
    assert_eq!(c.node(leader).replicas_holding(index), Some(1));
    assert_eq!(c.node(leader).replicas_holding(index + 1), Some(0));
    assert_eq!(c.node(cut).replicas_holding(index), None);
    c.heal();
    for _ in 0..2 * HEARTBEAT {
        c.tick_all();
        c.stabilize();
    }
    assert_eq!(c.node(leader).replicas_holding(index), Some(2));
}

// ---- Read leases (`Config::lease_reads`) ---------------------------------------------------

fn lease_cluster(n: u64) -> Cluster {
    Cluster::with_config(n, |cfg| cfg.lease_reads = true)
}

/// Messages that start or answer a heartbeat round, or ask the leader for a read index.
fn read_traffic(c: &Cluster) -> usize {
    c.in_flight()
        .filter(|e| {
            matches!(
                e.message,
                Message::AppendEntries { .. } | Message::ReadIndex { .. }
            )
        })
        .count()
}

/// Within its lease the leader answers a read on the spot, and a follower's read costs one
/// request and one answer: no heartbeat round, even with five voters.
#[test]
fn lease_reads_are_answered_without_a_round() {
    let mut c = lease_cluster(5);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let (index, _) = c.propose(leader, "w").expect("leader accepts");
    // A quorum acknowledges a heartbeat round: the lease starts.
    c.run(HEARTBEAT);
    let id = c.read(leader).expect("leader reads");
    assert_eq!(
        c.reads(leader),
        [ReadState {
            id,
            index: Some(index)
        }]
    );
    assert_eq!(read_traffic(&c), 0, "no message was needed");

    let reader = (1..=5).find(|&n| n != leader).expect("a follower");
    let id = c.read(reader).expect("follower knows the leader");
    c.deliver_where(|e| e.from == reader && matches!(e.message, Message::ReadIndex { .. }));
    assert!(
        read_rounds_in_flight(&c, leader).is_empty(),
        "no heartbeat round was started"
    );
    c.deliver_where(|e| e.from == leader && matches!(e.message, Message::ReadIndexResponse { .. }));
    assert_eq!(
        c.reads(reader),
        [ReadState {
            id,
            index: Some(index)
        }]
    );
}

/// A lease lasts `lease_ticks` from the start of the round a quorum acknowledged, not from
/// the acknowledgement: a leader that hears nothing more falls back to a round, and its read
/// waits for the quorum that round needs.
#[test]
fn a_lease_runs_out_without_acknowledgements() {
    let mut c = lease_cluster(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let lease_ticks = ELECTION_TICKS - ELECTION_TICKS / 5;
    c.run(HEARTBEAT);
    let id = c.read(leader).expect("leader reads");
    assert_eq!(
        c.reads(leader),
        [ReadState { id, index: Some(2) }],
        "the lease holds"
    );
    // The last round started at a heartbeat at most `HEARTBEAT` ticks ago.
    c.partition(&[leader]);
    for _ in 0..lease_ticks {
        c.tick(leader);
    }
    c.drop_where(|_| true);
    let id = c
        .read(leader)
        .expect("still leader: check-quorum has not fired yet");
    assert_eq!(c.status(leader).role, RoleKind::Leader);
    assert_eq!(c.reads(leader).len(), 1, "the lease ran out");
    assert!(
        !read_rounds_in_flight(&c, leader).is_empty(),
        "the read started a round instead"
    );
    c.heal();
    c.stabilize();
    assert_eq!(c.reads(leader)[1..], [ReadState { id, index: Some(2) }]);
}

/// The property leases rest on: while an isolated leader still answers reads from its lease,
/// the others cannot have elected a new leader, because the voters that granted the lease
/// ignore candidates for a whole election timeout. Every node ticks in step, as wall clocks
/// do.
#[test]
fn an_isolated_leader_loses_its_lease_before_anyone_else_can_lead() {
    for seed in 0..20 {
        let mut c = Cluster::with_config(5, |cfg| {
            cfg.lease_reads = true;
            cfg.seed = seed;
        });
        let old = c.run_until_leader(3 * ELECTION_TICKS);
        let old_term = c.status(old).term;
        c.propose(old, "w").expect("leader accepts");
        c.run(HEARTBEAT);
        c.read(old).expect("leader reads");
        assert_eq!(c.reads(old).len(), 1, "seed {seed}: the lease holds");
        c.partition(&[old]);
        let mut new_leader_at = None;
        for tick in 0..4 * ELECTION_TICKS {
            c.tick_all();
            c.stabilize();
            let newer = c.leaders().into_iter().any(|(_, term)| term > old_term);
            if c.status(old).role == RoleKind::Leader {
                let before = c.reads(old).len();
                let _ = c.read(old);
                let answered = c.reads(old).len() > before;
                assert!(
                    !(answered && newer),
                    "seed {seed}: n{old} answered a read from its lease at tick {tick} while a newer leader exists"
                );
            }
            if newer && new_leader_at.is_none() {
                new_leader_at = Some(tick);
            }
        }
        assert!(
            new_leader_at.is_some(),
            "seed {seed}: the majority elected a leader"
        );
    }
}

/// A voter forgets in a crash when it last heard from the leader, and with it the lease it
/// granted: after a restart it ignores candidates for its first election timeout. So does a
/// voter that does not use leases itself but starts quietly (as the server's nodes all do):
/// its leader may use them.
#[test]
fn a_restarted_voter_ignores_candidates_for_an_election_timeout() {
    a_restarted_voter_ignores_candidates(lease_cluster(3));
    a_restarted_voter_ignores_candidates(Cluster::with_config(3, |cfg| {
        cfg.lease_reads = false;
        cfg.quiet_start = true;
    }));
}

fn a_restarted_voter_ignores_candidates(mut c: Cluster) {
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    let term = c.status(leader).term;
    let voter = if leader == 1 { 2 } else { 1 };
    let candidate = 6 - leader - voter;
    c.crash(voter);
    c.restart(voter);
    c.partition(&[leader]);
    c.fire_election_timer(candidate);
    c.deliver_where(|e| e.from == candidate && e.to == voter);
    assert!(
        !c.in_flight()
            .any(|e| e.from == voter && matches!(e.message, Message::RequestVoteResponse { .. })),
        "the restarted voter does not answer within its first election timeout"
    );
    // Once that timeout has passed, it takes part in elections again.
    for _ in 0..ELECTION_TICKS {
        c.tick(voter);
    }
    c.run(3 * ELECTION_TICKS);
    assert!(
        c.leaders().iter().any(|&(id, t)| id != leader && t > term),
        "the two connected nodes elected a leader: {:?}",
        c.leaders()
    );
}

/// The target of a leadership transfer campaigns through the voters' leases, so the leader
/// gives its own lease up for the rest of its term: reads go back to heartbeat rounds.
#[test]
fn a_leadership_transfer_gives_the_lease_up() {
    let mut c = lease_cluster(3);
    let leader = c.run_until_leader(3 * ELECTION_TICKS);
    c.propose(leader, "w").expect("leader accepts");
    c.stabilize();
    let target = if leader == 1 { 2 } else { 1 };
    // The target never gets TimeoutNow: the transfer times out, the leader stays.
    c.cut(leader, target);
    c.run(HEARTBEAT);
    c.read(leader).expect("leader reads");
    assert_eq!(c.reads(leader).len(), 1, "the lease holds");
    c.transfer_leadership(leader, Some(target));
    // The third node keeps acknowledging rounds: without the transfer, the lease would hold.
    c.run(ELECTION_TICKS);
    c.heal();
    c.stabilize();
    assert_eq!(c.status(leader).role, RoleKind::Leader);
    let id = c.read(leader).expect("leader reads");
    assert_eq!(c.reads(leader).len(), 1, "no lease after a transfer");
    c.stabilize();
    assert_eq!(c.reads(leader)[1..], [ReadState { id, index: Some(2) }]);
}
