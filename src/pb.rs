//! The protobuf types generated from `proto/raft.proto`, and conversions for the types that both
//! the write-ahead log and the peer transport carry.

#![allow(missing_docs, clippy::all, clippy::pedantic)]

tonic::include_proto!("raftkv");

use crate::raft;

impl From<&raft::Entry> for Entry {
    fn from(e: &raft::Entry) -> Self {
        Entry {
            index: e.index,
            term: e.term,
            data: e.data.clone(),
            membership: e.membership.as_deref().map(Membership::from),
        }
    }
}

impl From<Entry> for raft::Entry {
    fn from(e: Entry) -> Self {
        raft::Entry {
            index: e.index,
            term: e.term,
            data: e.data,
            membership: e.membership.map(|m| Box::new(m.into())),
        }
    }
}

impl From<&raft::HardState> for HardState {
    fn from(h: &raft::HardState) -> Self {
        HardState {
            term: h.term,
            vote: h.vote.unwrap_or(0),
            commit: h.commit,
        }
    }
}

impl From<HardState> for raft::HardState {
    fn from(h: HardState) -> Self {
        raft::HardState {
            term: h.term,
            vote: (h.vote != 0).then_some(h.vote),
            commit: h.commit,
        }
    }
}

impl From<&raft::Snapshot> for Snapshot {
    fn from(s: &raft::Snapshot) -> Self {
        Snapshot {
            index: s.index,
            term: s.term,
            data: s.data.clone(),
            membership: s.membership.as_ref().map(Membership::from),
        }
    }
}

impl From<Snapshot> for raft::Snapshot {
    fn from(s: Snapshot) -> Self {
        raft::Snapshot {
            index: s.index,
            term: s.term,
            data: s.data,
            membership: s.membership.map(raft::message::Membership::from),
        }
    }
}

impl From<&raft::message::Membership> for Membership {
    fn from(m: &raft::message::Membership) -> Self {
        let members = |map: &std::collections::BTreeMap<raft::NodeId, String>| {
            map.iter()
                .map(|(&id, addr)| Member {
                    id,
                    addr: addr.clone(),
                })
                .collect()
        };
        Membership {
            voters: members(&m.voters),
            learners: members(&m.learners),
        }
    }
}

impl From<Membership> for raft::message::Membership {
    fn from(m: Membership) -> Self {
        let members = |list: Vec<Member>| list.into_iter().map(|m| (m.id, m.addr)).collect();
        raft::message::Membership {
            voters: members(m.voters),
            learners: members(m.learners),
        }
    }
}
