//! Conversions between the core's `raft::Envelope` and the wire's `pb::Envelope`: the only file
//! that sees both.

use crate::pb;
use crate::pb::envelope::Message as PbMessage;
use crate::raft::{Envelope, Message, RequestId};

/// A peer sent an envelope we cannot interpret.
#[derive(Debug, thiserror::Error)]
#[error("malformed envelope: {0}")]
pub struct MalformedEnvelope(&'static str);

impl From<RequestId> for pb::RequestId {
    fn from(id: RequestId) -> Self {
        pb::RequestId {
            node: id.node,
            seq: id.seq,
        }
    }
}

fn request_id(id: Option<pb::RequestId>) -> Result<RequestId, MalformedEnvelope> {
    let id = id.ok_or(MalformedEnvelope("missing request id"))?;
    Ok(RequestId {
        node: id.node,
        seq: id.seq,
    })
}

impl From<Envelope> for pb::Envelope {
    fn from(env: Envelope) -> Self {
        let message = match env.message {
            Message::AppendEntries {
                prev_index,
                prev_term,
                entries,
                commit,
                read_seq,
            } => PbMessage::AppendEntries(pb::AppendEntries {
                prev_index,
                prev_term,
                entries: entries.iter().map(pb::Entry::from).collect(),
                commit,
                read_seq,
            }),
            Message::AppendEntriesResponse {
                success,
                match_index,
                reject_hint_index,
                reject_hint_term,
                read_seq,
                last_index,
            } => PbMessage::AppendEntriesResponse(pb::AppendEntriesResponse {
                success,
                match_index,
                reject_hint_index,
                reject_hint_term,
                read_seq,
                last_index,
            }),
            Message::RequestVote {
                last_index,
                last_term,
                pre_vote,
                transfer,
            } => PbMessage::RequestVote(pb::RequestVote {
                last_index,
                last_term,
                pre_vote,
                transfer,
            }),
            Message::RequestVoteResponse { granted, pre_vote } => {
                PbMessage::RequestVoteResponse(pb::RequestVoteResponse { granted, pre_vote })
            }
            Message::InstallSnapshot { snapshot } => {
                PbMessage::InstallSnapshot(pb::InstallSnapshot {
                    snapshot: Some(pb::Snapshot::from(&snapshot)),
                })
            }
            Message::ReadIndex { id } => PbMessage::ReadIndex(pb::ReadIndex {
                id: Some(id.into()),
            }),
            Message::ReadIndexResponse { id, index } => {
                PbMessage::ReadIndexResponse(pb::ReadIndexResponse {
                    id: Some(id.into()),
                    index,
                })
            }
            Message::TimeoutNow => PbMessage::TimeoutNow(pb::TimeoutNow {}),
        };
        pb::Envelope {
            from: env.from,
            to: env.to,
            term: env.term,
            // Stamped by `Peers::send`.
            cluster_id: 0,
            message: Some(message),
        }
    }
}

impl TryFrom<pb::Envelope> for Envelope {
    type Error = MalformedEnvelope;

    fn try_from(env: pb::Envelope) -> Result<Self, Self::Error> {
        let message = match env.message.ok_or(MalformedEnvelope("missing message"))? {
            PbMessage::AppendEntries(m) => Message::AppendEntries {
                prev_index: m.prev_index,
                prev_term: m.prev_term,
                entries: m.entries.into_iter().map(Into::into).collect(),
                commit: m.commit,
                read_seq: m.read_seq,
            },
            PbMessage::AppendEntriesResponse(m) => Message::AppendEntriesResponse {
                success: m.success,
                match_index: m.match_index,
                reject_hint_index: m.reject_hint_index,
                reject_hint_term: m.reject_hint_term,
                read_seq: m.read_seq,
                last_index: m.last_index,
            },
            PbMessage::RequestVote(m) => Message::RequestVote {
                last_index: m.last_index,
                last_term: m.last_term,
                pre_vote: m.pre_vote,
                transfer: m.transfer,
            },
            PbMessage::RequestVoteResponse(m) => Message::RequestVoteResponse {
                granted: m.granted,
                pre_vote: m.pre_vote,
            },
            PbMessage::InstallSnapshot(m) => Message::InstallSnapshot {
                snapshot: m
                    .snapshot
                    .ok_or(MalformedEnvelope("missing snapshot"))?
                    .into(),
            },
            PbMessage::ReadIndex(m) => Message::ReadIndex {
                id: request_id(m.id)?,
            },
            PbMessage::ReadIndexResponse(m) => Message::ReadIndexResponse {
                id: request_id(m.id)?,
                index: m.index,
            },
            PbMessage::TimeoutNow(_) => Message::TimeoutNow,
            PbMessage::ForwardWrites(_)
            | PbMessage::ForwardAnswer(_)
            | PbMessage::SnapshotChunk(_) => {
                return Err(MalformedEnvelope("not a Raft message"));
            }
        };
        Ok(Envelope {
            from: env.from,
            to: env.to,
            term: env.term,
            message,
        })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::raft::Membership;
    use crate::raft::{Entry, Snapshot};

    fn round_trip(message: Message) {
        let env = Envelope {
            from: 1,
            to: 2,
            term: 7,
            message,
        };
        let wire = pb::Envelope::from(env.clone());
        assert_eq!(Envelope::try_from(wire).expect("round trip"), env);
    }

    #[test]
    fn every_message_round_trips() {
        let id = RequestId { node: 3, seq: 9 };
        round_trip(Message::AppendEntries {
            prev_index: 4,
            prev_term: 2,
            entries: vec![
                Entry {
                    index: 5,
                    term: 3,
                    data: None,
                    membership: None,
                },
                Entry {
                    index: 6,
                    term: 3,
                    data: Some(Bytes::from_static(b"x")),
                    membership: None,
                },
                Entry {
                    index: 7,
                    term: 3,
                    data: Some(Bytes::new()),
                    membership: None,
                },
                Entry {
                    index: 8,
                    term: 3,
                    data: None,
                    membership: Some(Box::new(Membership {
                        voters: [(1, "127.0.0.1:1".into()), (2, "127.0.0.1:2".into())].into(),
                        learners: [(4, "127.0.0.1:4".into())].into(),
                    })),
                },
            ],
            commit: 4,
            read_seq: 11,
        });
        round_trip(Message::AppendEntriesResponse {
            success: false,
            match_index: 0,
            reject_hint_index: 3,
            reject_hint_term: 2,
            read_seq: 11,
            last_index: 8,
        });
        round_trip(Message::RequestVote {
            last_index: 9,
            last_term: 4,
            pre_vote: true,
            transfer: false,
        });
        round_trip(Message::RequestVoteResponse {
            granted: true,
            pre_vote: true,
        });
        round_trip(Message::InstallSnapshot {
            snapshot: Snapshot {
                index: 10,
                term: 4,
                data: Bytes::from_static(b"state"),
                membership: Some(Membership::of_voters([1, 2, 3])),
            },
        });
        round_trip(Message::ReadIndex { id });
        round_trip(Message::ReadIndexResponse {
            id,
            index: Some(12),
        });
        round_trip(Message::ReadIndexResponse { id, index: None });
        round_trip(Message::TimeoutNow);
    }

    #[test]
    fn missing_parts_are_rejected() {
        let empty = pb::Envelope {
            from: 1,
            to: 2,
            term: 1,
            cluster_id: 0,
            message: None,
        };
        assert!(Envelope::try_from(empty).is_err());
        let no_id = pb::Envelope {
            from: 1,
            to: 2,
            term: 1,
            cluster_id: 0,
            message: Some(PbMessage::ReadIndex(pb::ReadIndex { id: None })),
        };
        assert!(Envelope::try_from(no_id).is_err());
    }
}
