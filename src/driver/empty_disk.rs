//! The empty-disk check: a node that starts with nothing on disk asks its peers whether it
//! held the cluster's log before, and refuses to start if it did.
//!
//! Raft's safety rests on every node keeping what it acknowledged. A node whose data
//! directory was lost (a new disk, a wiped directory, a wrong `--data-dir`) and that starts
//! under its old id breaks that quietly: it grants votes it already gave in earlier terms, and
//! a write it helped commit may now live on too few nodes, so the next election can lose it.
//! The cluster remembers which nodes held its log: the leader enrolls every member that
//! acknowledges an entry (`kv::enroll_batch`). A node that starts empty asks its peers before
//! it takes any part in elections or replication:
//! - without `--join` (a member of `--cluster`), it refuses if a peer has it enrolled; it
//!   starts once peers that, with itself, make a majority of `--cluster` know nothing of it;
//! - with `--join`, it refuses if a peer lists it as a voter (it must be removed before it
//!   joins again); it starts once one peer answered.
//!
//! The check cannot see a loss no peer knows of yet: a node that lost its disk before its
//! enrollment committed, or while every peer that has it enrolled is down.

use std::collections::BTreeSet;
use std::path::Path;

use crate::pb;
use crate::raft::NodeId;

/// Ticks between two rounds of questions to the peers that have not answered.
const ASK_EVERY_TICKS: u64 = 20;
/// Ticks between two log lines about peers still silent.
const REPORT_EVERY_TICKS: u64 = 500;

/// What the node does after an answer.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Not enough peers answered yet.
    Wait,
    /// Enough peers answered and none knows this node: it starts with an empty log.
    Start,
    /// A peer knows this node: its data was lost. The reason, for the operator.
    Refuse(String),
}

/// The check in progress.
#[derive(Debug)]
pub(super) struct EmptyDiskCheck {
    id: NodeId,
    join: bool,
    /// The peers to ask: every other node of `--cluster`.
    peers: Vec<NodeId>,
    /// Answers from peers that know nothing of this node needed to start.
    needed: usize,
    /// Peers that answered so.
    cleared: BTreeSet<NodeId>,
    /// Peers asked whose answer has not come back.
    asking: BTreeSet<NodeId>,
    /// The tick of the next round of questions, and of the next report.
    next_ask: u64,
    next_report: u64,
}

impl EmptyDiskCheck {
    /// The check for node `id` of a `--cluster` of `cluster_size` nodes; `None` when no peer
    /// need be asked (a cluster of one).
    pub(super) fn new(id: NodeId, join: bool, cluster_size: usize) -> Option<EmptyDiskCheck> {
        let peers: Vec<NodeId> = (1..=cluster_size as NodeId).filter(|&p| p != id).collect();
        let needed = if join { 1 } else { cluster_size / 2 }.min(peers.len());
        (needed > 0).then(|| EmptyDiskCheck {
            id,
            join,
            peers,
            needed,
            cleared: BTreeSet::new(),
            asking: BTreeSet::new(),
            next_ask: 0,
            next_report: REPORT_EVERY_TICKS,
        })
    }

    /// The peers to ask at tick `tick`: those that neither answered nor are being asked, once
    /// every [`ASK_EVERY_TICKS`]. They count as being asked until [`Self::answered`].
    pub(super) fn due(&mut self, tick: u64) -> Vec<NodeId> {
        if tick < self.next_ask {
            return Vec::new();
        }
        self.next_ask = tick + ASK_EVERY_TICKS;
        let due: Vec<NodeId> = self
            .peers
            .iter()
            .copied()
            .filter(|p| !self.cleared.contains(p) && !self.asking.contains(p))
            .collect();
        self.asking.extend(&due);
        due
    }

    /// Whether to log that peers are still silent at tick `tick`: true once every
    /// [`REPORT_EVERY_TICKS`].
    pub(super) fn report_due(&mut self, tick: u64) -> bool {
        if tick < self.next_report {
            return false;
        }
        self.next_report = tick + REPORT_EVERY_TICKS;
        true
    }

    /// Answers still needed to start.
    pub(super) fn missing(&self) -> usize {
        self.needed.saturating_sub(self.cleared.len())
    }

    /// Takes peer `from`'s answer (or why asking failed: it is asked again later).
    pub(super) fn answered(
        &mut self,
        from: NodeId,
        answer: Result<pb::ProbeResponse, String>,
        data_dir: &Path,
    ) -> Verdict {
        self.asking.remove(&from);
        let Ok(answer) = answer else {
            return Verdict::Wait;
        };
        let id = self.id;
        let dir = data_dir.display();
        if !self.join && answer.enrolled {
            return Verdict::Refuse(format!(
                "node {id} starts with an empty data directory ({dir}), but node {from} says \
                 node {id} already held this cluster's log: its data was lost, and starting \
                 empty could lose acknowledged writes. Restore the directory, or remove the \
                 node (RAFT.NODE REMOVE {id}) and add it back under a new id with --join"
            ));
        }
        if self.join && answer.voter {
            return Verdict::Refuse(format!(
                "node {id} joins with an empty data directory ({dir}), but node {from} lists \
                 node {id} as a voter already: remove it first (RAFT.NODE REMOVE {id}), or \
                 restore its data directory and start it without --join"
            ));
        }
        self.cleared.insert(from);
        if self.cleared.len() >= self.needed {
            Verdict::Start
        } else {
            Verdict::Wait
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(enrolled: bool, voter: bool) -> Result<pb::ProbeResponse, String> {
        Ok(pb::ProbeResponse { enrolled, voter })
    }

    fn dir() -> &'static Path {
        Path::new("/data/3")
    }

    #[test]
    fn a_member_starts_once_a_majority_with_it_knows_nothing_of_it() {
        assert!(
            EmptyDiskCheck::new(1, false, 1).is_none(),
            "a cluster of one"
        );
        let mut check = EmptyDiskCheck::new(3, false, 5).expect("peers to ask");
        assert_eq!(check.due(0), [1, 2, 4, 5]);
        assert!(check.due(1).is_empty(), "not before the next round");
        assert_eq!(check.missing(), 2);
        assert_eq!(
            check.answered(1, Err("refused".into()), dir()),
            Verdict::Wait
        );
        assert_eq!(check.answered(2, answer(false, true), dir()), Verdict::Wait);
        assert_eq!(check.due(ASK_EVERY_TICKS), [1], "only the failed one again");
        assert_eq!(check.answered(2, answer(false, true), dir()), Verdict::Wait);
        assert_eq!(check.missing(), 1, "the same peer counts once");
        assert_eq!(
            check.answered(5, answer(false, true), dir()),
            Verdict::Start
        );
    }

    #[test]
    fn a_member_that_a_peer_enrolled_refuses_to_start() {
        let mut check = EmptyDiskCheck::new(3, false, 3).expect("peers to ask");
        check.due(0);
        match check.answered(2, answer(true, true), dir()) {
            Verdict::Refuse(why) => {
                assert!(why.contains("node 2 says node 3 already held"), "{why}");
                assert!(why.contains("/data/3") && why.contains("RAFT.NODE REMOVE 3"));
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_joiner_refuses_only_if_it_is_a_voter() {
        let mut check = EmptyDiskCheck::new(6, true, 6).expect("peers to ask");
        assert_eq!(check.due(0), [1, 2, 3, 4, 5]);
        // Enrolled but removed: joining again as a learner is safe.
        assert_eq!(
            check.answered(1, answer(true, false), dir()),
            Verdict::Start
        );
        let mut check = EmptyDiskCheck::new(6, true, 6).expect("peers to ask");
        check.due(0);
        assert!(matches!(
            check.answered(4, answer(true, true), dir()),
            Verdict::Refuse(why) if why.contains("lists node 6 as a voter")
        ));
    }
}
