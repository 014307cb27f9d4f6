//! The raft actor: the one task that owns the Raft node, its storage and the key-value state
//! machine. (Handle API; the actor itself lands with the walking skeleton.)

use crate::pb;
use crate::raft;

/// A retryable cluster-side failure, answered to clients as `-TRYAGAIN ...` or `-CLUSTERDOWN ...`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    /// Transient: a leader change, a busy leader, a failed forward. Text follows `TRYAGAIN `.
    #[error("TRYAGAIN {0}")]
    TryAgain(String),
    /// No quorum or no leader within the wait bound. Text follows `CLUSTERDOWN `.
    #[error("CLUSTERDOWN {0}")]
    ClusterDown(String),
}

/// A cheap, cloneable handle to the raft actor, used by the RESP server and the gRPC service.
#[derive(Clone)]
pub struct DriverHandle {
    _private: (),
}

impl DriverHandle {
    /// Replicates a write (one command, or a MULTI/EXEC transaction) and returns the state
    /// machine's reply once it is committed and applied. Forwards to the leader from a follower.
    /// Waits at most the configured bound for a leader.
    pub async fn write(&self, batch: pb::KvBatch) -> Result<pb::Reply, ClusterError> {
        let _ = batch;
        todo!()
    }

    /// Serves a read-only command linearizably (ReadIndex), on any node.
    pub async fn read(&self, command: pb::KvCommand) -> Result<pb::Reply, ClusterError> {
        let _ = command;
        todo!()
    }

    /// The node's Raft status, for INFO.
    pub async fn status(&self) -> Result<raft::Status, ClusterError> {
        todo!()
    }
}
