//! Peer transport over tonic gRPC.
//!
//! Every Raft message is one-way: each node keeps one long-lived client stream to every peer
//! (`Raft.Stream`) and pushes envelopes into it; responses travel back on the peer's own stream
//! to us. Writes that reach a follower travel to the leader in the same streams
//! (`ForwardWrites`, answered by a `ForwardAnswer` on the leader's stream), so that they share
//! the connections and HTTP/2 writes of the Raft messages.
//!
//! Raft tolerates message loss, so nothing here retries or blocks the driver: a full outbox or
//! a broken stream drops messages, and the core resends what matters. A forwarded write is not
//! resent: the follower answers its client `TRYAGAIN ... may or may not have applied` when the
//! stream to the leader closes or reopens before the answer, or when the write's wait runs out.
//!
//! With `--requirepass`, every call also carries a [`PeerToken`] derived from the password,
//! and a node refuses calls without it: otherwise anyone reaching the peer port could write
//! (a forwarded write is applied as the leader's own) or pose as a leader, around AUTH.
//!
//! Every message and request carries the sender's [`ClusterId`]. A node that knows its
//! cluster's id refuses whatever names another: a node of another cluster whose `--cluster`
//! points here by mistake would otherwise vote in this cluster's elections and acknowledge
//! its entries, or, holding a longer log of higher terms, win an election and overwrite
//! committed entries. Raft's safety assumes every message comes from a member.

mod chunk;
mod convert;

use std::collections::HashMap;
use std::collections::HashSet;
use std::net::IpAddr;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Response, Status, Streaming};
use tracing::{debug, error, info, warn};

pub use convert::MalformedEnvelope;

use crate::driver::DriverHandle;
use crate::pb;
use crate::pb::envelope::Message as PbMessage;
use crate::pb::raft_client::RaftClient;
use crate::raft::{Envelope, Membership, Message, NodeId};

/// Messages queued for one peer before new ones are dropped (Raft resends what matters).
pub const PEER_OUTBOX_CAPACITY: usize = 4096;
/// Messages buffered inside one gRPC stream; when the peer stops reading, we drop instead.
const STREAM_BUFFER: usize = 1024;
/// Largest gRPC message, in bytes: an entry must fit in one (snapshots travel in pieces, see
/// `chunk`).
pub const MAX_MESSAGE_BYTES: usize = 1 << 30;
/// Delay between reconnection attempts to an unreachable peer (doubling up to the maximum).
const RECONNECT_MIN: Duration = Duration::from_millis(50);
const RECONNECT_MAX: Duration = Duration::from_secs(1);
/// A stream that stayed open this long resets the reconnection backoff.
const STABLE_STREAM: Duration = Duration::from_secs(1);
/// How long a connection attempt to a peer may take.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(500);

fn endpoint(addr: SocketAddr) -> Result<Endpoint, tonic::transport::Error> {
    Ok(Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_nodelay(true)
        .http2_keep_alive_interval(Duration::from_secs(1))
        .keep_alive_timeout(Duration::from_secs(2))
        .keep_alive_while_idle(true))
}

/// A client of a peer's service, its calls stamped with this node's [`PeerToken`].
pub type PeerClient = RaftClient<InterceptedService<Channel, PeerToken>>;

fn client(channel: Channel, token: PeerToken) -> PeerClient {
    RaftClient::with_interceptor(channel, token)
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES)
}

/// Strangers remembered as already logged, at most: past it the memory starts afresh, so a
/// flood of them costs a log line now and then, not memory without bound.
const REPORTED_MAX: usize = 1024;

/// Whether `key` is new to `reported` (which is cleared once it holds [`REPORTED_MAX`]).
fn first_report<K: std::hash::Hash + Eq>(reported: &Mutex<HashSet<K>>, key: K) -> bool {
    let mut reported = reported.lock().unwrap_or_else(|p| p.into_inner());
    if reported.len() >= REPORTED_MAX {
        reported.clear();
    }
    reported.insert(key)
}

/// The metadata key that carries a [`PeerToken`].
const PEER_TOKEN_KEY: &str = "raft-kv-peer-token";

/// The metadata key that carries the sender's client (RESP) port.
const RESP_PORT_KEY: &str = "raft-kv-resp-port";

/// What a node shows its peers with every call when clients need a password: the SHA-1 of a
/// fixed prefix and the password, so the password itself does not travel. Without
/// `--requirepass` there is none and peers accept any call, as Redis accepts any client.
/// Calls also carry the node's client port, for peers' ROLE and INFO replication.
#[derive(Clone, Debug, Default)]
pub struct PeerToken(Option<MetadataValue<Ascii>>, Option<MetadataValue<Ascii>>);

impl PeerToken {
    /// The token of `password`; none without one.
    pub fn new(password: Option<&str>) -> PeerToken {
        PeerToken(
            password.and_then(|p| {
                let digest =
                    crate::kv::sha1_hex(&[&b"raft-kv peer token\0"[..], p.as_bytes()].concat());
                MetadataValue::try_from(digest).ok()
            }),
            None,
        )
    }

    /// The same token, its calls also telling peers this node's client port.
    pub fn with_resp_port(mut self, port: u16) -> PeerToken {
        self.1 = MetadataValue::try_from(port.to_string()).ok();
        self
    }

    /// Whether `request` carries this token (any request does when there is none).
    fn admits<T>(&self, request: &Request<T>) -> bool {
        let Some(token) = &self.0 else {
            return true;
        };
        let shown = request
            .metadata()
            .get(PEER_TOKEN_KEY)
            .map_or(&b""[..], MetadataValue::as_bytes);
        // Compared in time independent of where the first difference lies.
        shown.len() == token.len()
            && shown
                .iter()
                .zip(token.as_bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

impl Interceptor for PeerToken {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        if let Some(token) = &self.0 {
            request.metadata_mut().insert(PEER_TOKEN_KEY, token.clone());
        }
        if let Some(port) = &self.1 {
            request.metadata_mut().insert(RESP_PORT_KEY, port.clone());
        }
        Ok(request)
    }
}

/// The incoming side's check of [`PeerToken`]s, logging each refused address once.
#[derive(Clone)]
pub struct PeerGate {
    token: PeerToken,
    reported: Arc<Mutex<HashSet<Option<IpAddr>>>>,
}

impl PeerGate {
    /// A gate that lets in calls carrying `token`.
    pub fn new(token: PeerToken) -> PeerGate {
        PeerGate {
            token,
            reported: Arc::default(),
        }
    }
}

impl Interceptor for PeerGate {
    fn call(&mut self, request: Request<()>) -> Result<Request<()>, Status> {
        if self.token.admits(&request) {
            return Ok(request);
        }
        let from = request.remote_addr();
        if first_report(&self.reported, from.map(|a| a.ip())) {
            error!(
                from = ?from,
                "refused a peer call without this node's --requirepass"
            );
        }
        Err(Status::unauthenticated(
            "peer authentication failed: peers must be started with this node's --requirepass",
        ))
    }
}

/// The id of the cluster this node belongs to: 0 until the node applied the entry that named
/// its cluster (`kv::cluster_id_batch`), then that id for good. The driver sets it; the
/// transport stamps it on every message and request it sends, and checks it on every one it
/// receives.
#[derive(Debug, Default)]
pub struct ClusterId(AtomicU64);

impl ClusterId {
    /// The id; 0 while unknown.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// Records the id the node's state machine holds.
    pub fn set(&self, id: u64) {
        self.0.store(id, Ordering::Relaxed);
    }

    /// Refuses what a peer that names cluster `theirs` sent, when both sides know their
    /// cluster and the two differ. A side that does not know its id yet (a new cluster before
    /// its first leader named it, a node that joins with an empty disk, a node whose data
    /// predates cluster ids) is heard, as before.
    /// `from` names the sender in the error, when the request says who it is.
    pub fn check(&self, theirs: u64, from: Option<NodeId>) -> Result<(), Status> {
        let mine = self.get();
        if mine == 0 || theirs == 0 || mine == theirs {
            return Ok(());
        }
        let who = from.map_or_else(|| "the sender".to_owned(), |id| format!("node {id}"));
        Err(Status::failed_precondition(format!(
            "cluster id mismatch: {who} belongs to cluster {theirs:016x}, this node to \
             {mine:016x}; check --cluster"
        )))
    }
}

/// One peer as seen from this node.
struct Peer {
    /// The peer's id.
    id: NodeId,
    /// Envelopes waiting for the peer's stream task.
    outbox_tx: mpsc::Sender<pb::Envelope>,
    /// Whether the message stream to the peer is currently up.
    connected: Arc<AtomicBool>,
    /// Counts the stream's openings and closings: a message queued while it had one value
    /// may be lost once it has another.
    epoch: Arc<AtomicU64>,
    /// A lazily connected channel for unary calls: WAIT, empty-disk questions.
    unary: Channel,
    /// Whether we already warned that the outbox overflowed (reset when it drains).
    overflow_warned: AtomicBool,
}

/// The outgoing side: one stream task per peer.
pub struct Peers {
    self_id: NodeId,
    cluster_id: Arc<ClusterId>,
    token: PeerToken,
    shutdown: CancellationToken,
    peers: RwLock<HashMap<NodeId, Peer>>,
}

impl Peers {
    /// Starts one stream task per peer (every address except `self_id`'s): the nodes of
    /// `--cluster`, by position. [`Peers::set_members`] later follows the membership.
    ///
    /// # Errors
    /// An address that does not form a valid URI.
    pub fn start(
        self_id: NodeId,
        addrs: &[SocketAddr],
        cluster_id: Arc<ClusterId>,
        token: PeerToken,
        shutdown: CancellationToken,
    ) -> Result<Peers, tonic::transport::Error> {
        let mut peers = HashMap::new();
        for (i, addr) in addrs.iter().enumerate() {
            let id = i as NodeId + 1;
            if id == self_id {
                continue;
            }
            peers.insert(id, start_peer(id, *addr, &token, &shutdown)?);
        }
        Ok(Peers {
            self_id,
            cluster_id,
            token,
            shutdown,
            peers: RwLock::new(peers),
        })
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<NodeId, Peer>> {
        self.peers
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Follows a membership: connects to members it has no address for, at the address the
    /// membership gives. The addresses `--cluster` gives take precedence: they are how this
    /// node reaches its peers (through a proxy, say), while a membership's addresses are
    /// those the leader that made it had. Streams to nodes that left stay open: a leader that
    /// removed itself needs its followers' answers to commit that change, and a removed node
    /// still learns of its removal through them. (A stream to a node that is gone costs a
    /// connection attempt a second.)
    pub fn set_members(&self, membership: &Membership) {
        let mut peers = self.peers.write().unwrap_or_else(|p| p.into_inner());
        for (id, addr) in membership.members() {
            if id == self.self_id || addr.is_empty() || peers.contains_key(&id) {
                continue;
            }
            let Ok(addr) = addr.parse::<SocketAddr>() else {
                warn!(
                    peer = id,
                    addr, "member address is not ip:port; not connecting"
                );
                continue;
            };
            match start_peer(id, addr, &self.token, &self.shutdown) {
                Ok(peer) => {
                    info!(peer = id, %addr, "peer joined the cluster");
                    peers.insert(id, peer);
                }
                Err(err) => warn!(peer = id, %addr, error = %err, "cannot reach member"),
            }
        }
    }

    /// The cluster id this node stamps on what it sends.
    pub fn cluster_id(&self) -> &Arc<ClusterId> {
        &self.cluster_id
    }

    /// Queues a message for its receiver; drops it when the receiver's outbox is full.
    pub fn send(&self, envelope: Envelope) {
        let to = envelope.to;
        self.enqueue(to, pb::Envelope::from(envelope));
    }

    /// Queues a forwarded write or an answer to one (not Raft messages: the driver's own) for
    /// `to`. Returns the epoch of the stream to `to` it was queued for (see
    /// [`Peers::stream_epoch`]), or `None` when it was dropped (no such peer, or its outbox
    /// is full): then it was not sent at all.
    pub fn send_forward(&self, to: NodeId, message: PbMessage) -> Option<u64> {
        let envelope = pb::Envelope {
            from: self.self_id,
            to,
            term: 0,
            cluster_id: 0,
            message: Some(message),
        };
        self.enqueue(to, envelope)
    }

    fn enqueue(&self, to: NodeId, mut envelope: pb::Envelope) -> Option<u64> {
        let peers = self.read();
        let Some(peer) = peers.get(&to) else {
            debug!(to, "message to unknown peer dropped");
            return None;
        };
        envelope.cluster_id = self.cluster_id.get();
        // Read before queueing: if the stream turns over after this, the epoch shows it.
        let epoch = peer.epoch.load(Ordering::Acquire);
        match peer.outbox_tx.try_send(envelope) {
            Ok(()) => {
                peer.overflow_warned.store(false, Ordering::Relaxed);
                Some(epoch)
            }
            Err(_) => {
                if !peer.overflow_warned.swap(true, Ordering::Relaxed) {
                    warn!(peer = peer.id, "peer outbox full, dropping messages");
                }
                None
            }
        }
    }

    /// The epoch of the stream to `id`: it changes whenever the stream opens or closes, so
    /// what was queued in one epoch may have been lost if the epoch is no longer the same.
    pub fn stream_epoch(&self, id: NodeId) -> Option<u64> {
        self.read()
            .get(&id)
            .map(|p| p.epoch.load(Ordering::Acquire))
    }

    /// Whether the message stream to `id` is up.
    pub fn is_connected(&self, id: NodeId) -> bool {
        self.read()
            .get(&id)
            .is_some_and(|p| p.connected.load(Ordering::Relaxed))
    }

    /// A client for unary calls to `id`: WAIT, empty-disk questions.
    pub fn unary_client(&self, id: NodeId) -> Option<PeerClient> {
        self.read()
            .get(&id)
            .map(|p| client(p.unary.clone(), self.token.clone()))
    }
}

/// Starts the stream task of one peer.
fn start_peer(
    id: NodeId,
    addr: SocketAddr,
    token: &PeerToken,
    shutdown: &CancellationToken,
) -> Result<Peer, tonic::transport::Error> {
    let endpoint = endpoint(addr)?;
    let (outbox_tx, outbox_rx) = mpsc::channel(PEER_OUTBOX_CAPACITY);
    let connected = Arc::new(AtomicBool::new(false));
    let epoch = Arc::new(AtomicU64::new(0));
    tokio::spawn(run_stream(
        id,
        endpoint.clone(),
        token.clone(),
        outbox_rx,
        connected.clone(),
        epoch.clone(),
        shutdown.clone(),
    ));
    Ok(Peer {
        id,
        outbox_tx,
        connected,
        epoch,
        unary: endpoint.connect_lazy(),
        overflow_warned: AtomicBool::new(false),
    })
}

/// Keeps one client stream open to a peer and pumps the outbox into it, reconnecting with backoff.
async fn run_stream(
    peer: NodeId,
    endpoint: Endpoint,
    token: PeerToken,
    mut outbox_rx: mpsc::Receiver<pb::Envelope>,
    connected: Arc<AtomicBool>,
    epoch: Arc<AtomicU64>,
    shutdown: CancellationToken,
) {
    let mut backoff = RECONNECT_MIN;
    // `None` until the first attempt, so the first failure is reported once, as a change.
    let mut reachable: Option<bool> = None;
    // Whether the peer refused our stream, as coming from another cluster or without its
    // password (reported once).
    let mut refused = false;
    loop {
        let channel = tokio::select! {
            _ = shutdown.cancelled() => return,
            res = endpoint.connect() => res,
        };
        let channel = match channel {
            Ok(channel) => channel,
            Err(err) => {
                if reachable != Some(false) {
                    warn!(peer, error = %err, "peer unreachable");
                    reachable = Some(false);
                }
                // Messages queued while the peer is down are stale by the time it returns.
                while outbox_rx.try_recv().is_ok() {}
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(RECONNECT_MAX);
                continue;
            }
        };
        let (stream_tx, stream_rx) = mpsc::channel(STREAM_BUFFER);
        let mut raft = client(channel, token.clone());
        let call = raft.stream(ReceiverStream::new(stream_rx));
        tokio::pin!(call);
        epoch.fetch_add(1, Ordering::AcqRel);
        connected.store(true, Ordering::Relaxed);
        if reachable != Some(true) {
            info!(peer, "peer connected");
            reachable = Some(true);
        }
        let opened = tokio::time::Instant::now();
        let ended = 'stream: loop {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                res = &mut call => break res.err(),
                msg = outbox_rx.recv() => match msg {
                    // The pieces of a large snapshot wait for room: one dropped would waste
                    // all the others. Meanwhile this peer's outbox fills and drops (the
                    // driver never waits), and a peer that stops reading is noticed by the
                    // connection's keep-alive, which ends the call.
                    Some(msg) if chunk::needs_pieces(&msg) => {
                        for piece in chunk::pieces(msg) {
                            tokio::select! {
                                _ = shutdown.cancelled() => return,
                                res = &mut call => break 'stream res.err(),
                                _ = stream_tx.send(piece) => {}
                            }
                        }
                    }
                    // A peer that stops reading (paused, partitioned) must not stall us.
                    Some(msg) => { let _ = stream_tx.try_send(msg); }
                    None => return,
                },
            }
        };
        connected.store(false, Ordering::Relaxed);
        epoch.fetch_add(1, Ordering::AcqRel);
        match ended {
            Some(status)
                if matches!(
                    status.code(),
                    Code::FailedPrecondition | Code::Unauthenticated
                ) =>
            {
                if !refused {
                    error!(
                        peer,
                        reason = status.message(),
                        "peer refuses this node's messages"
                    );
                    refused = true;
                }
            }
            ended => {
                refused = false;
                debug!(peer, error = ?ended.map(|s| s.message().to_owned()), "peer stream closed");
            }
        }
        // A stream that dies at once (something accepts TCP but not our stream) must not turn
        // into a hot reconnect loop: back off unless the stream lived for a while.
        if opened.elapsed() >= STABLE_STREAM {
            backoff = RECONNECT_MIN;
        } else {
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(RECONNECT_MAX);
        }
    }
}

/// The client (RESP) ports peers told this node with their message streams, by node id:
/// with the hosts of their Raft addresses, where ROLE and INFO replication send clients.
#[derive(Debug, Default)]
pub struct PeerClientPorts(Mutex<HashMap<NodeId, u16>>);

impl PeerClientPorts {
    /// Notes that node `id` serves clients on `port`.
    fn record(&self, id: NodeId, port: u16) {
        let mut ports = self.0.lock().unwrap_or_else(|p| p.into_inner());
        ports.insert(id, port);
    }

    /// The client port node `id` told, if it did.
    pub fn get(&self, id: NodeId) -> Option<u16> {
        let ports = self.0.lock().unwrap_or_else(|p| p.into_inner());
        ports.get(&id).copied()
    }
}

/// The incoming side: the gRPC service peers call.
pub struct RaftService {
    id: NodeId,
    handle: DriverHandle,
    cluster_id: Arc<ClusterId>,
    /// Where peers' clients connect, as their streams say.
    client_ports: Arc<PeerClientPorts>,
    /// The (node, cluster) pairs of other clusters already reported (node 0: a request that
    /// does not say who sent it), so that a misconfigured node that keeps reconnecting is
    /// logged once.
    reported: Mutex<HashSet<(NodeId, u64)>>,
}

impl RaftService {
    /// A service delivering messages addressed to `id` into the driver behind `handle`, from
    /// peers of cluster `cluster_id`.
    pub fn new(
        id: NodeId,
        handle: DriverHandle,
        cluster_id: Arc<ClusterId>,
        client_ports: Arc<PeerClientPorts>,
    ) -> Self {
        RaftService {
            id,
            handle,
            cluster_id,
            client_ports,
            reported: Mutex::new(HashSet::new()),
        }
    }

    /// [`ClusterId::check`], logging each stranger once.
    fn check(&self, theirs: u64, from: Option<NodeId>) -> Result<(), Status> {
        self.cluster_id.check(theirs, from).inspect_err(|status| {
            if first_report(&self.reported, (from.unwrap_or(0), theirs)) {
                error!(
                    reason = status.message(),
                    "refused a node of another cluster"
                );
            }
        })
    }

    /// Takes the next piece of a snapshot from the stream whose envelope `header` carried it;
    /// once its last piece is in, hands the snapshot to the driver, waiting for room in its
    /// inbox rather than dropping what took many messages to arrive.
    async fn take_piece(
        &self,
        assembly: &mut chunk::Assembly,
        header: &pb::Envelope,
        piece: pb::SnapshotChunk,
    ) {
        let from = header.from;
        let (whole, pieces) = match assembly.add(header, piece) {
            Ok(Some(done)) => done,
            Ok(None) => return,
            Err(err) => {
                debug!(from, error = %err, "snapshot piece dropped");
                return;
            }
        };
        let whole = match Envelope::try_from(whole) {
            Ok(whole) => whole,
            Err(err) => {
                debug!(from, error = %err, "malformed snapshot dropped");
                return;
            }
        };
        if let Message::InstallSnapshot { snapshot } = &whole.message {
            info!(
                from,
                index = snapshot.index,
                bytes = snapshot.data.len(),
                pieces,
                "snapshot received in pieces"
            );
        }
        self.handle.deliver_waiting(whole).await;
    }

    /// The tonic server wrapper with our message size limits, letting in only calls that
    /// carry `token`.
    pub fn into_server(
        self,
        token: PeerToken,
    ) -> InterceptedService<pb::raft_server::RaftServer<RaftService>, PeerGate> {
        InterceptedService::new(
            pb::raft_server::RaftServer::new(self)
                .max_decoding_message_size(MAX_MESSAGE_BYTES)
                .max_encoding_message_size(MAX_MESSAGE_BYTES),
            PeerGate::new(token),
        )
    }
}

#[tonic::async_trait]
impl pb::raft_server::Raft for RaftService {
    async fn stream(
        &self,
        request: Request<Streaming<pb::Envelope>>,
    ) -> Result<Response<pb::Empty>, Status> {
        let mut client_port = request
            .metadata()
            .get(RESP_PORT_KEY)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u16>().ok());
        let mut stream = request.into_inner();
        let mut assembly = chunk::Assembly::default();
        while let Some(envelope) = stream.message().await? {
            // Ending the stream tells the sender why; it logs it once and keeps retrying, so
            // the pair recovers by itself once the configuration is fixed.
            self.check(envelope.cluster_id, Some(envelope.from))?;
            if let Some(port) = client_port.take() {
                self.client_ports.record(envelope.from, port);
            }
            if envelope.to != self.id {
                debug!(to = envelope.to, "message for another node dropped");
                continue;
            }
            // Forwarded writes and their answers are the driver's, not the core's. They wait
            // for room in the driver's inbox rather than being dropped like Raft messages,
            // which the core resends: a client waits on each.
            let from = envelope.from;
            let envelope = match envelope.message {
                Some(PbMessage::ForwardWrites(writes)) => {
                    self.handle.forwarded_writes(from, writes).await;
                    continue;
                }
                Some(PbMessage::ForwardAnswer(answer)) => {
                    self.handle.forward_answer(from, answer).await;
                    continue;
                }
                Some(PbMessage::SnapshotChunk(piece)) => {
                    let header = pb::Envelope {
                        message: None,
                        ..envelope
                    };
                    self.take_piece(&mut assembly, &header, piece).await;
                    continue;
                }
                message => pb::Envelope {
                    message,
                    ..envelope
                },
            };
            let envelope = match Envelope::try_from(envelope) {
                Ok(envelope) => envelope,
                Err(err) => {
                    debug!(error = %err, "malformed peer message dropped");
                    continue;
                }
            };
            if self.handle.deliver(envelope).is_err() {
                debug!("driver inbox full, peer message dropped");
            }
        }
        Ok(Response::new(pb::Empty {}))
    }

    async fn wait(
        &self,
        request: Request<pb::WaitRequest>,
    ) -> Result<Response<pb::WaitResponse>, Status> {
        let request = request.into_inner();
        self.check(request.cluster_id, None)?;
        self.handle
            .wait_forwarded(request)
            .await
            .map(Response::new)
            .map_err(|e| Status::unavailable(e.to_string()))
    }

    async fn probe(
        &self,
        request: Request<pb::ProbeRequest>,
    ) -> Result<Response<pb::ProbeResponse>, Status> {
        let from = request.into_inner().id;
        match self.handle.probe(from).await {
            Some(answer) => Ok(Response::new(answer)),
            None => Err(Status::unavailable("shutting down")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request_with(token: &PeerToken) -> Request<()> {
        let mut token = token.clone();
        token.call(Request::new(())).expect("stamping never fails")
    }

    #[test]
    fn a_peer_token_admits_only_calls_stamped_with_it() {
        let open = PeerToken::new(None);
        let secret = PeerToken::new(Some("s3cret"));
        let other = PeerToken::new(Some("s3creT"));
        assert!(open.admits(&Request::new(())));
        assert!(open.admits(&request_with(&secret)));
        assert!(secret.admits(&request_with(&secret)));
        assert!(!secret.admits(&request_with(&open)));
        assert!(!secret.admits(&request_with(&other)));
        // The password itself does not travel.
        let stamped = request_with(&secret);
        let shown = stamped.metadata().get(PEER_TOKEN_KEY).expect("stamped");
        assert_eq!(shown.len(), 40);
        assert!(!shown.to_str().unwrap_or_default().contains("s3cret"));
    }

    #[test]
    fn strangers_are_logged_once_in_bounded_memory() {
        let reported = Mutex::new(HashSet::new());
        assert!(first_report(&reported, 1));
        assert!(!first_report(&reported, 1));
        for k in 2..=REPORTED_MAX as u64 + 10 {
            first_report(&reported, k);
        }
        assert!(reported.lock().map_or(0, |r| r.len()) <= REPORTED_MAX);
    }

    #[test]
    fn cluster_ids_refuse_only_when_both_sides_know_different_ones() {
        let ids = ClusterId::default();
        assert!(ids.check(7, Some(2)).is_ok(), "this node knows none yet");
        ids.set(5);
        assert!(ids.check(0, Some(2)).is_ok(), "the sender knows none yet");
        assert!(ids.check(5, Some(2)).is_ok());
        let refused = ids.check(7, Some(2)).expect_err("another cluster");
        assert_eq!(refused.code(), Code::FailedPrecondition);
        assert!(
            refused.message().contains("node 2"),
            "{}",
            refused.message()
        );
        assert!(ids.check(7, None).is_err());
    }
}
