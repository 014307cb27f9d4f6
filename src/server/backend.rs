//! The server's view of the cluster: where validated commands go.
//!
//! The connection code is generic over [`Backend`] so that it can be tested against a local
//! `KvState` without a Raft cluster; production uses the [`DriverHandle`] implementation.

use std::future::Future;
use std::sync::Arc;

use crate::cmdstats::Caller;
use crate::driver::{ClusterError, DriverHandle, IoStats, SaveOutcome};
use crate::pb;
use crate::raft;

/// Executes key-value commands and reports the node's Raft status.
pub trait Backend: Clone + Send + Sync + 'static {
    /// Replicates and applies a batch of writes (see [`DriverHandle::write`]); `caller` is
    /// who sent them, for the slow log.
    fn write(
        &self,
        batch: pb::KvBatch,
        caller: Option<Arc<Caller>>,
    ) -> impl Future<Output = Result<pb::Reply, ClusterError>> + Send;

    /// Serves read-only commands linearizably, one reply per command, in order; `caller` is
    /// who sent them, for the slow log.
    fn read(
        &self,
        commands: Vec<pb::KvCommand>,
        caller: Option<Arc<Caller>>,
    ) -> impl Future<Output = Result<Vec<pb::Reply>, ClusterError>> + Send;

    /// The node's Raft status, for INFO.
    fn status(&self) -> impl Future<Output = Result<raft::Status, ClusterError>> + Send;

    /// WAIT: how many replicas hold every write acknowledged so far, waiting up to `timeout`
    /// (`None`: no limit) for `replicas` of them (see [`DriverHandle::wait`]); none where
    /// nothing is replicated.
    fn wait(
        &self,
        replicas: u64,
        timeout: Option<std::time::Duration>,
    ) -> impl Future<Output = Result<u64, ClusterError>> + Send {
        let _ = (replicas, timeout);
        std::future::ready(Ok(0))
    }

    /// WAITAOF: whether this node's log holds every write acknowledged so far (waiting for it
    /// with `local`), and how many replicas' logs do (see [`DriverHandle::wait_aof`]); where
    /// nothing is replicated, this node and none.
    fn wait_aof(
        &self,
        local: bool,
        replicas: u64,
        timeout: Option<std::time::Duration>,
    ) -> impl Future<Output = Result<(bool, u64), ClusterError>> + Send {
        let _ = (local, replicas, timeout);
        std::future::ready(Ok((true, 0)))
    }

    /// FAILOVER (see [`DriverHandle::failover`]): the inner error is Redis's reply when the
    /// handover cannot start; where nothing is replicated there is no one to hand over to.
    fn failover(
        &self,
        to: Option<raft::NodeId>,
    ) -> impl Future<Output = Result<Result<(), String>, ClusterError>> + Send {
        let _ = to;
        std::future::ready(Ok(Err("ERR FAILOVER requires connected replicas.".into())))
    }

    /// SAVE (`wait`), BGSAVE and BGREWRITEAOF (see [`DriverHandle::save`]); already saved
    /// where nothing is persisted.
    fn save(
        &self,
        wait: bool,
        schedule: bool,
    ) -> impl Future<Output = Result<SaveOutcome, ClusterError>> + Send {
        let _ = (wait, schedule);
        std::future::ready(Ok(SaveOutcome::Saved))
    }

    /// The nodes the state machine enrolled (see `driver::empty_disk`), for INFO; none where
    /// nothing is replicated.
    fn enrolled(&self) -> impl Future<Output = Result<Vec<raft::NodeId>, ClusterError>> + Send {
        std::future::ready(Ok(Vec::new()))
    }

    /// The node's disk and replication totals, for INFO; zero where nothing is replicated.
    fn io_stats(&self) -> IoStats {
        IoStats::default()
    }

    /// The id of the node's cluster (see `transport::ClusterId`), for INFO; 0 while it has
    /// none, and where nothing is replicated.
    fn cluster_id(&self) -> u64 {
        0
    }
}

impl Backend for DriverHandle {
    fn write(
        &self,
        batch: pb::KvBatch,
        caller: Option<Arc<Caller>>,
    ) -> impl Future<Output = Result<pb::Reply, ClusterError>> + Send {
        DriverHandle::write(self, batch, caller)
    }

    fn read(
        &self,
        commands: Vec<pb::KvCommand>,
        caller: Option<Arc<Caller>>,
    ) -> impl Future<Output = Result<Vec<pb::Reply>, ClusterError>> + Send {
        DriverHandle::read(self, commands, caller)
    }

    fn status(&self) -> impl Future<Output = Result<raft::Status, ClusterError>> + Send {
        DriverHandle::status(self)
    }

    fn enrolled(&self) -> impl Future<Output = Result<Vec<raft::NodeId>, ClusterError>> + Send {
        DriverHandle::enrolled(self)
    }

    fn wait(
        &self,
        replicas: u64,
        timeout: Option<std::time::Duration>,
    ) -> impl Future<Output = Result<u64, ClusterError>> + Send {
        DriverHandle::wait(self, replicas, timeout)
    }

    fn io_stats(&self) -> IoStats {
        DriverHandle::io_stats(self)
    }

    fn save(
        &self,
        wait: bool,
        schedule: bool,
    ) -> impl Future<Output = Result<SaveOutcome, ClusterError>> + Send {
        DriverHandle::save(self, wait, schedule)
    }

    fn wait_aof(
        &self,
        local: bool,
        replicas: u64,
        timeout: Option<std::time::Duration>,
    ) -> impl Future<Output = Result<(bool, u64), ClusterError>> + Send {
        DriverHandle::wait_aof(self, local, replicas, timeout)
    }

    fn failover(
        &self,
        to: Option<raft::NodeId>,
    ) -> impl Future<Output = Result<Result<(), String>, ClusterError>> + Send {
        DriverHandle::failover(self, to)
    }

    fn cluster_id(&self) -> u64 {
        DriverHandle::cluster_id(self)
    }
}

#[cfg(test)]
pub mod local {
    //! A single-node, in-process backend over a `KvState`, for server tests.

    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::kv::KvState;

    /// A `KvState` behind a mutex, applying writes immediately.
    #[derive(Clone, Default)]
    pub struct LocalBackend {
        /// The state; never locked across an await.
        pub state: Arc<Mutex<KvState>>,
        /// Every batch written, in order.
        pub batches: Arc<Mutex<Vec<pb::KvBatch>>>,
        /// Number of `read` calls.
        pub reads: Arc<Mutex<usize>>,
        /// Runs after each `read` executed its commands and before it returns: what happens
        /// on a node between serving a read and the session receiving its replies.
        pub after_read: Arc<Mutex<Option<AfterRead>>>,
    }

    /// A [`LocalBackend::after_read`] hook.
    pub type AfterRead = Box<dyn Fn() + Send>;

    impl Backend for LocalBackend {
        async fn write(
            &self,
            batch: pb::KvBatch,
            _caller: Option<Arc<Caller>>,
        ) -> Result<pb::Reply, ClusterError> {
            let reply = self.state.lock().expect("lock").apply(&batch);
            self.batches.lock().expect("lock").push(batch);
            Ok(reply)
        }

        async fn read(
            &self,
            commands: Vec<pb::KvCommand>,
            _caller: Option<Arc<Caller>>,
        ) -> Result<Vec<pb::Reply>, ClusterError> {
            *self.reads.lock().expect("lock") += 1;
            let now = super::super::now_ms();
            let replies = {
                let state = self.state.lock().expect("lock");
                commands.iter().map(|c| state.read(c, now)).collect()
            };
            if let Some(hook) = &*self.after_read.lock().expect("lock") {
                hook();
            }
            Ok(replies)
        }

        async fn status(&self) -> Result<raft::Status, ClusterError> {
            Ok(raft::Status {
                id: 1,
                role: raft::RoleKind::Leader,
                term: 3,
                leader: Some(1),
                commit: 7,
                applied: 7,
                last_index: 8,
                snapshot_index: 0,
                membership: std::sync::Arc::new(raft::Membership::of_voters([1])),
                connected: Vec::new(),
                matched: Vec::new(),
                transfer_target: None,
                reads_by_lease: 0,
                reads_by_round: 0,
            })
        }
    }
}
