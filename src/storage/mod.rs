//! Durable storage: the write-ahead log and snapshot files. (API stub.)

use std::path::Path;

use crate::raft::{Entry, HardState, Snapshot};

/// Storage errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("io error: {0}")]
    Io(#[from] std::io::Error),
    #[error("corrupt storage: {0}")]
    Corrupt(String),
}

/// What a node finds on disk at start-up.
#[derive(Debug, Default)]
pub struct Recovered {
    pub hard_state: HardState,
    pub snapshot: Option<Snapshot>,
    pub entries: Vec<Entry>,
    /// Bytes cut from the end of the log because its last record was torn or failed its checksum.
    pub truncated_bytes: u64,
}

/// The durable state of one node in its data directory.
pub struct Storage {
    _private: (),
}

impl Storage {
    /// Opens (creating if needed) the data directory and recovers its contents.
    pub fn open(dir: &Path) -> Result<(Storage, Recovered), Error> {
        let _ = dir;
        todo!()
    }
    /// Makes one `Ready`'s durable part durable, with one fsync: a received snapshot (the log then
    /// restarts after it), then the hard state, then the entries (truncating any durable suffix
    /// from the first entry's index).
    pub fn persist(
        &mut self,
        hard_state: Option<&HardState>,
        snapshot: Option<&Snapshot>,
        entries: &[Entry],
    ) -> Result<(), Error> {
        let _ = (hard_state, snapshot, entries);
        todo!()
    }
    /// Saves a snapshot the node took of its own state machine and drops the log it covers.
    pub fn compact(&mut self, snapshot: &Snapshot) -> Result<(), Error> {
        let _ = snapshot;
        todo!()
    }
}
