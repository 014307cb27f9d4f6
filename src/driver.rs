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
    /// Replicates a batch of writes as one log entry and returns the state machine's reply once
    /// it is committed and applied: for a pipelined run of writes (`transaction == false`) an
    /// array with one reply per command; for MULTI/EXEC the EXEC reply. Forwards to the leader
    /// from a follower. Waits at most the configured bound for a leader.
    pub async fn write(&self, batch: pb::KvBatch) -> Result<pb::Reply, ClusterError> {
        let _ = batch;
        todo!()
    }

    /// Serves read-only commands linearizably (one ReadIndex round for all of them), on any
    /// node; replies come back in order.
    pub async fn read(&self, commands: Vec<pb::KvCommand>) -> Result<Vec<pb::Reply>, ClusterError> {
        let _ = commands;
        todo!()
    }

    /// The node's Raft status, for INFO.
    pub async fn status(&self) -> Result<raft::Status, ClusterError> {
        todo!()
    }
}
