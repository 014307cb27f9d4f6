//! Snapshots in pieces.
//!
//! A snapshot holds the whole state machine, so it can be far larger than any other message:
//! sent whole, it would be one gRPC message, bounded by [`super::MAX_MESSAGE_BYTES`] and
//! encoded into one buffer as large as itself. An `InstallSnapshot` whose data is larger than
//! [`PIECE_BYTES`] therefore travels as a run of `SnapshotChunk`s, each a slice of the
//! snapshot's data (no copy on the sending side), and the receiver puts the run back together
//! ([`Assembly`]) before the core sees anything. Smaller snapshots still travel whole, as they
//! did before pieces existed.
//!
//! The pieces of one snapshot are queued one after another on one stream, whose delivery is
//! ordered and reliable while it stays open; a stream that breaks loses the run, and the
//! leader resends the snapshot when its answer does not come (as for any lost snapshot).

use bytes::BytesMut;

use crate::pb;
use crate::pb::envelope::Message as PbMessage;

/// Largest piece of a snapshot's data in one message. Snapshots up to this size travel whole.
pub const PIECE_BYTES: usize = 4 << 20;

/// Largest snapshot a receiver puts together: the largest a log record can hold (its length
/// is framed in 32 bits), so the largest a node can store once installed.
pub const MAX_SNAPSHOT_BYTES: u64 = u32::MAX as u64;

/// Where a receiver reserves room up to at the first piece; past it, the buffer grows as
/// pieces come, so a run that claims a huge size and then stops costs no more than it sent.
const INITIAL_RESERVE: usize = 64 << 20;

/// Whether `envelope` is a snapshot too large to travel whole.
pub fn needs_pieces(envelope: &pb::Envelope) -> bool {
    match &envelope.message {
        Some(PbMessage::InstallSnapshot(m)) => m
            .snapshot
            .as_ref()
            .is_some_and(|s| s.data.len() > PIECE_BYTES),
        _ => false,
    }
}

/// The envelopes that carry `envelope`: the pieces of its snapshot, in order, or `envelope`
/// itself when it carries no snapshot.
pub fn pieces(envelope: pb::Envelope) -> Vec<pb::Envelope> {
    let header = |message| pb::Envelope {
        from: envelope.from,
        to: envelope.to,
        term: envelope.term,
        cluster_id: envelope.cluster_id,
        message: Some(message),
    };
    let snapshot = match &envelope.message {
        Some(PbMessage::InstallSnapshot(pb::InstallSnapshot {
            snapshot: Some(snapshot),
        })) => snapshot,
        _ => return vec![envelope],
    };
    let total = snapshot.data.len();
    let mut membership = snapshot.membership.clone();
    let mut out = Vec::with_capacity(total.div_ceil(PIECE_BYTES).max(1));
    let mut offset = 0;
    loop {
        let end = total.min(offset + PIECE_BYTES);
        out.push(header(PbMessage::SnapshotChunk(pb::SnapshotChunk {
            index: snapshot.index,
            term: snapshot.term,
            total: total as u64,
            offset: offset as u64,
            data: snapshot.data.slice(offset..end),
            membership: membership.take(),
        })));
        offset = end;
        if offset >= total {
            return out;
        }
    }
}

/// Why a piece was refused; what came before it in its run is dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PieceError {
    /// The run claims more than [`MAX_SNAPSHOT_BYTES`].
    TooLarge(u64),
    /// The piece does not continue the run being put together (another snapshot, a gap, a
    /// piece past the end).
    OutOfRun,
}

impl std::fmt::Display for PieceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PieceError::TooLarge(total) => write!(
                f,
                "snapshot of {total} bytes exceeds the {MAX_SNAPSHOT_BYTES}-byte limit"
            ),
            PieceError::OutOfRun => write!(f, "snapshot piece does not continue its run"),
        }
    }
}

/// A snapshot being put together from its pieces: what one stream has received of it so far.
#[derive(Debug, Default)]
pub struct Assembly {
    run: Option<Run>,
}

#[derive(Debug)]
struct Run {
    /// The header of the first piece's envelope, given again to the whole snapshot.
    from: u64,
    to: u64,
    term: u64,
    cluster_id: u64,
    index: u64,
    snapshot_term: u64,
    total: u64,
    membership: Option<pb::Membership>,
    data: BytesMut,
    /// Pieces taken so far.
    pieces: usize,
}

impl Run {
    /// The whole `InstallSnapshot` the run carried, with the number of its pieces.
    fn into_whole(self) -> (pb::Envelope, usize) {
        let envelope = pb::Envelope {
            from: self.from,
            to: self.to,
            term: self.term,
            cluster_id: self.cluster_id,
            message: Some(PbMessage::InstallSnapshot(pb::InstallSnapshot {
                snapshot: Some(pb::Snapshot {
                    index: self.index,
                    term: self.snapshot_term,
                    data: self.data.freeze(),
                    membership: self.membership,
                }),
            })),
        };
        (envelope, self.pieces)
    }
}

impl Assembly {
    /// Takes the next piece, which `envelope` carries. Returns the whole `InstallSnapshot`,
    /// with the number of pieces it came in, once `piece` was its last one, and `None` while
    /// more are to come.
    ///
    /// # Errors
    /// A piece that does not continue the run, or a run over [`MAX_SNAPSHOT_BYTES`]: the run
    /// so far is dropped (a first piece starts a new one).
    pub fn add(
        &mut self,
        envelope: &pb::Envelope,
        piece: pb::SnapshotChunk,
    ) -> Result<Option<(pb::Envelope, usize)>, PieceError> {
        if piece.total > MAX_SNAPSHOT_BYTES {
            self.run = None;
            return Err(PieceError::TooLarge(piece.total));
        }
        if piece.offset == 0 {
            self.run = Some(Run {
                from: envelope.from,
                to: envelope.to,
                term: envelope.term,
                cluster_id: envelope.cluster_id,
                index: piece.index,
                snapshot_term: piece.term,
                total: piece.total,
                membership: piece.membership,
                data: BytesMut::with_capacity((piece.total as usize).min(INITIAL_RESERVE)),
                pieces: 0,
            });
        }
        let continues = self.run.as_ref().is_some_and(|run| {
            run.index == piece.index
                && run.snapshot_term == piece.term
                && run.total == piece.total
                && run.data.len() as u64 == piece.offset
                && piece.offset + piece.data.len() as u64 <= piece.total
        });
        let Some(run) = self.run.as_mut().filter(|_| continues) else {
            self.run = None;
            return Err(PieceError::OutOfRun);
        };
        run.data.extend_from_slice(&piece.data);
        run.pieces += 1;
        if (run.data.len() as u64) < run.total {
            return Ok(None);
        }
        Ok(self.run.take().map(Run::into_whole))
    }

    /// Bytes held for the run being put together.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.run.as_ref().map_or(0, |run| run.data.len())
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn snapshot_envelope(len: usize) -> pb::Envelope {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        pb::Envelope {
            from: 1,
            to: 3,
            term: 9,
            cluster_id: 0xfeed,
            message: Some(PbMessage::InstallSnapshot(pb::InstallSnapshot {
                snapshot: Some(pb::Snapshot {
                    index: 1200,
                    term: 8,
                    data: Bytes::from(data),
                    membership: Some(pb::Membership {
                        voters: vec![pb::Member {
                            id: 1,
                            addr: "127.0.0.1:1".into(),
                        }],
                        learners: Vec::new(),
                    }),
                }),
            })),
        }
    }

    fn chunk(envelope: &pb::Envelope) -> pb::SnapshotChunk {
        match &envelope.message {
            Some(PbMessage::SnapshotChunk(c)) => c.clone(),
            other => panic!("not a piece: {other:?}"),
        }
    }

    /// Feeds `pieces` to a new assembly; returns what it gave back at the end.
    fn assemble(pieces: &[pb::Envelope]) -> Result<Option<(pb::Envelope, usize)>, PieceError> {
        let mut assembly = Assembly::default();
        let mut last = None;
        for piece in pieces {
            last = assembly.add(piece, chunk(piece))?;
        }
        Ok(last)
    }

    #[test]
    fn only_snapshots_past_one_piece_are_cut() {
        assert!(!needs_pieces(&snapshot_envelope(PIECE_BYTES)));
        assert!(needs_pieces(&snapshot_envelope(PIECE_BYTES + 1)));
        let heartbeat = pb::Envelope {
            message: Some(PbMessage::TimeoutNow(pb::TimeoutNow {})),
            ..Default::default()
        };
        assert!(!needs_pieces(&heartbeat));
        assert_eq!(pieces(heartbeat.clone()), vec![heartbeat]);
    }

    #[test]
    fn pieces_put_back_together_are_the_snapshot() {
        for len in [0, 1, PIECE_BYTES, PIECE_BYTES + 1, 3 * PIECE_BYTES + 17] {
            let original = snapshot_envelope(len);
            let cut = pieces(original.clone());
            assert_eq!(cut.len(), len.div_ceil(PIECE_BYTES).max(1), "{len}");
            assert!(cut.iter().all(|p| chunk(p).data.len() <= PIECE_BYTES));
            // The membership rides on the first piece only.
            assert!(cut.iter().skip(1).all(|p| chunk(p).membership.is_none()));
            assert_eq!(assemble(&cut), Ok(Some((original, cut.len()))), "{len}");
        }
    }

    #[test]
    fn a_gap_or_another_snapshot_drops_the_run() {
        let cut = pieces(snapshot_envelope(3 * PIECE_BYTES));
        // A lost piece in the middle.
        let gap = [cut[0].clone(), cut[2].clone()];
        assert_eq!(assemble(&gap), Err(PieceError::OutOfRun));
        // A run that does not start at the beginning.
        assert_eq!(assemble(&cut[1..]), Err(PieceError::OutOfRun));
        // A piece of another snapshot in the middle of a run.
        let mut other = chunk(&cut[1]);
        other.index += 1;
        let mut assembly = Assembly::default();
        assert_eq!(assembly.add(&cut[0], chunk(&cut[0])), Ok(None));
        assert_eq!(assembly.add(&cut[1], other), Err(PieceError::OutOfRun));
        assert_eq!(assembly.held(), 0, "the run is dropped");
        // A piece that runs past the total it claims.
        let mut long = chunk(&cut[0]);
        long.total = 10;
        assert_eq!(assembly.add(&cut[0], long), Err(PieceError::OutOfRun));
        // A new first piece starts afresh, and the whole run then goes through.
        assert_eq!(
            assemble(&cut),
            Ok(Some((snapshot_envelope(3 * PIECE_BYTES), 3)))
        );
    }

    #[test]
    fn a_restarted_run_replaces_the_unfinished_one() {
        let cut = pieces(snapshot_envelope(2 * PIECE_BYTES + 5));
        let mut assembly = Assembly::default();
        assert_eq!(assembly.add(&cut[0], chunk(&cut[0])), Ok(None));
        assert_eq!(assembly.add(&cut[1], chunk(&cut[1])), Ok(None));
        // The sender's stream broke and it resent from the start.
        let mut whole = Ok(None);
        for piece in &cut {
            whole = assembly.add(piece, chunk(piece));
        }
        assert_eq!(whole, Ok(Some((snapshot_envelope(2 * PIECE_BYTES + 5), 3))));
        assert_eq!(assembly.held(), 0);
    }

    #[test]
    fn a_run_larger_than_a_snapshot_can_be_is_refused_before_any_room_is_taken() {
        let mut piece = chunk(&pieces(snapshot_envelope(PIECE_BYTES + 1))[0]);
        piece.total = MAX_SNAPSHOT_BYTES + 1;
        let mut assembly = Assembly::default();
        assert_eq!(
            assembly.add(&pb::Envelope::default(), piece),
            Err(PieceError::TooLarge(MAX_SNAPSHOT_BYTES + 1))
        );
        assert_eq!(assembly.held(), 0);
    }
}
