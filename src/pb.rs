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
        }
    }
}

impl From<Entry> for raft::Entry {
    fn from(e: Entry) -> Self {
        raft::Entry {
            index: e.index,
            term: e.term,
            data: e.data,
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
        }
    }
}

impl From<Snapshot> for raft::Snapshot {
    fn from(s: Snapshot) -> Self {
        raft::Snapshot {
            index: s.index,
            term: s.term,
            data: s.data,
        }
    }
}
