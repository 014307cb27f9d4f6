//! The replicated key-value state machine. (API stub.)

use bytes::Bytes;

use crate::pb;

/// The in-memory key-value state every replica holds, changed only by applying log entries.
#[derive(Default)]
pub struct KvState {
    _private: (),
}

/// A snapshot that could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("bad snapshot: {0}")]
pub struct SnapshotError(pub String);

impl KvState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }
    /// Applies one committed batch. Deterministic: reads no clock, only `batch.now_ms`.
    pub fn apply(&mut self, batch: &pb::KvBatch) -> pb::Reply {
        let _ = batch;
        todo!()
    }
    /// Executes a read-only command against the current state; `now_ms` hides expired keys.
    pub fn read(&self, command: &pb::KvCommand, now_ms: i64) -> pb::Reply {
        let _ = (command, now_ms);
        todo!()
    }
    /// Encodes the whole state (a `pb::KvSnapshot`).
    pub fn snapshot(&self) -> Bytes {
        todo!()
    }
    /// Replaces the state with a decoded snapshot.
    pub fn restore(&mut self, data: &[u8]) -> Result<(), SnapshotError> {
        let _ = data;
        todo!()
    }
}
