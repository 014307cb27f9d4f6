//! The core's inputs and outputs: plain Rust types, free of any wire format.
//! `transport` converts them to and from the protobuf messages in `proto/raft.proto`.

use std::collections::BTreeMap;

use bytes::Bytes;

/// A node's identity: its 1-based position in the cluster list.
pub type NodeId = u64;
/// A Raft term (§5.1). Starts at 0 on a fresh node.
pub type Term = u64;
/// A log index (§5.3). The first entry has index 1; 0 means "none".
pub type Index = u64;

/// Identifies a client request across the cluster: the node that accepted it and a
/// sequence number unique on that node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId {
    /// The node that accepted the request from a client.
    pub node: NodeId,
    /// Unique per `node` (monotonic within one process lifetime).
    pub seq: u64,
}

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log, from 1.
    pub index: Index,
    /// Term of the leader that created the entry.
    pub term: Term,
    /// The state-machine command; `None` for the no-op a leader appends at the start of its
    /// term, and for a membership change.
    pub data: Option<Bytes>,
    /// On a membership change only: the whole membership from this entry on. It takes effect
    /// as soon as the entry is in a node's log, committed or not (thesis §4.1).
    pub membership: Option<Box<Membership>>,
}

impl Entry {
    /// An entry carrying a state-machine command, or a no-op when `data` is `None`.
    pub fn new(index: Index, term: Term, data: Option<Bytes>) -> Entry {
        Entry {
            index,
            term,
            data,
            membership: None,
        }
    }
}

/// Who takes part in the cluster as of some point of the log. Voters elect leaders and make
/// up quorums; learners receive the log but neither vote nor count toward commitment. Each
/// member comes with the address its peers reach it at, which the core only passes on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Membership {
    /// The voting members and their addresses.
    pub voters: BTreeMap<NodeId, String>,
    /// The non-voting members and their addresses.
    pub learners: BTreeMap<NodeId, String>,
}

impl Membership {
    /// A membership of voters only, without addresses (tests and bootstrap).
    pub fn of_voters(ids: impl IntoIterator<Item = NodeId>) -> Membership {
        Membership {
            voters: ids.into_iter().map(|id| (id, String::new())).collect(),
            learners: BTreeMap::new(),
        }
    }

    /// Whether `id` votes.
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains_key(&id)
    }

    /// Whether `id` is a voter or a learner.
    pub fn contains(&self, id: NodeId) -> bool {
        self.voters.contains_key(&id) || self.learners.contains_key(&id)
    }

    /// Votes (or acknowledgements) that make a majority of the voters.
    pub fn quorum(&self) -> usize {
        self.voters.len() / 2 + 1
    }

    /// Every member, voters and learners, with its address.
    pub fn members(&self) -> impl Iterator<Item = (NodeId, &str)> {
        self.voters
            .iter()
            .chain(self.learners.iter())
            .map(|(&id, addr)| (id, addr.as_str()))
    }
}

/// A change of membership an operator asks the leader for. One change at a time: a leader
/// takes a new one only once the last is committed (single-server changes, thesis §4.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MembershipChange {
    /// Adds a node as a learner; the leader makes it a voter once it has caught up.
    Add {
        /// The new node's id, not in use.
        id: NodeId,
        /// Where its peers reach it.
        addr: String,
    },
    /// Removes a voter or a learner. A leader that removes itself leads until the change is
    /// committed, then hands over to the most up-to-date voter.
    Remove {
        /// The member to remove.
        id: NodeId,
    },
}

/// The state Raft must make durable before it answers a message (Figure 2), plus the commit index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HardState {
    /// The latest term this node has seen.
    pub term: Term,
    /// The candidate this node voted for in `term`, if any.
    pub vote: Option<NodeId>,
    /// The highest index known to be committed.
    pub commit: Index,
}

/// A state-machine snapshot covering every entry up to and including `index`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// Index of the last entry the snapshot covers.
    pub index: Index,
    /// Term of that entry.
    pub term: Term,
    /// The encoded state machine; opaque to the core.
    pub data: Bytes,
    /// The membership as of `index`. `None` only in snapshots written before membership
    /// changes existed, whose cluster is the one the node was started with.
    pub membership: Option<Membership>,
}

/// A message between two nodes, with the routing and term every Raft message carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// The sender's current term; for a pre-vote request, the term it would campaign in.
    pub term: Term,
    /// The payload.
    pub message: Message,
}

/// Raft's messages. Every message is one-way; a response is a message of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Leader → follower: replicate entries after `prev_index`, or a heartbeat when `entries` is empty (§5.3).
    AppendEntries {
        /// Index of the entry just before `entries`.
        prev_index: Index,
        /// Term of the entry at `prev_index`.
        prev_term: Term,
        /// Entries to append (may be empty).
        entries: Vec<Entry>,
        /// The leader's commit index.
        commit: Index,
        /// The leader's heartbeat sequence number, echoed back for ReadIndex confirmation.
        read_seq: u64,
    },
    /// Follower → leader: the outcome of an `AppendEntries`.
    AppendEntriesResponse {
        /// Whether the entries were appended (the log matched at `prev_index`).
        success: bool,
        /// On success, the index of the last entry known to match the leader's log.
        match_index: Index,
        /// On rejection, the index the leader should retry from (conflict hint).
        reject_hint_index: Index,
        /// On rejection, the term of the conflicting entry (0 when the follower's log is too short).
        reject_hint_term: Term,
        /// The `read_seq` of the request being answered.
        read_seq: u64,
        /// The follower's last log index.
        last_index: Index,
    },
    /// Candidate → all: ask for a vote (§5.2), or a pre-vote (§9.6 of the thesis) when `pre_vote`.
    RequestVote {
        /// Index of the candidate's last log entry.
        last_index: Index,
        /// Term of the candidate's last log entry.
        last_term: Term,
        /// A pre-vote: grants nothing durable and changes no term.
        pre_vote: bool,
        /// The campaign follows a leadership transfer: voters ignore their leader lease.
        transfer: bool,
    },
    /// Voter → candidate.
    RequestVoteResponse {
        /// Whether the vote (or pre-vote) was granted.
        granted: bool,
        /// Answers a pre-vote request.
        pre_vote: bool,
    },
    /// Leader → follower whose next entry was compacted away (§7).
    InstallSnapshot {
        /// The leader's latest snapshot.
        snapshot: Snapshot,
    },
    /// Follower → leader: ask for the current commit index for a linearizable read (thesis §6.4).
    ReadIndex {
        /// The read request on the follower.
        id: RequestId,
    },
    /// Leader → follower: the read index once leadership was confirmed; `None` if refused.
    ReadIndexResponse {
        /// The read request on the follower.
        id: RequestId,
        /// The index the follower must apply before serving the read.
        index: Option<Index>,
    },
    /// Leader → transfer target: campaign now, without waiting for an election timeout (thesis §3.10).
    TimeoutNow,
}
