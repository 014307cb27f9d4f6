//! raft-kv: a Raft-replicated key-value server that speaks the Redis protocol.
//!
//! ```text
//!  redis clients ──RESP──▶ server ──┐                      ┌──▶ storage (WAL + snapshots, fsync)
//!                                   ├──▶ driver (actor) ───┼──▶ raft core (pure state machine)
//!  peers ──gRPC (transport)────────┘        │              └──▶ kv (HashMap state machine)
//!                                           └──▶ transport ──gRPC──▶ peers
//! ```
//!
//! A client's command enters through `server`, which parses it and calls the `driver` through a
//! `DriverHandle`. The driver is the one task that owns the Raft `Node`, the `Storage` and the
//! `KvState`: it proposes writes (or forwards them to the leader, on the gRPC stream that
//! carries its Raft messages), runs ReadIndex for reads (answered from the leader's lease, or
//! confirmed by a heartbeat round), persists what the core hands it, sends messages through
//! `transport`, applies committed entries and answers the waiting clients. Data flows one way: edge → driver → core →
//! driver → edge. Applied PUBLISH entries leave the driver the same way, through the `pubsub`
//! registry to the connections that subscribed on this node, and so do the keys applied
//! entries changed, through `tracking` to the connections that cache them (CLIENT TRACKING).

pub mod blocking;
pub mod cmdstats;
pub mod config;
pub mod driver;
pub mod kv;
pub mod pb;
pub mod pubsub;
pub mod raft;
pub mod server;
pub mod storage;
pub mod tracking;
pub mod transport;

use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use config::Config;
use driver::{Driver, DriverOptions};

/// The wall clock in Unix milliseconds: the "now" a node stamps on the batches it proposes,
/// and with which it turns relative TTLs into absolute times.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The Redis version we report, so clients enable the features they expect: 7.4 since hash
/// field expiry, XREAD's `+`, HSCAN NOVALUES and CLIENT KILL MAXAGE are served (clients such
/// as redis-py enable client-side caching only from 7.4 on). Scripts have no `os.clock()`,
/// which 7.4 added: every replica runs a writing script again, and a clock would let their
/// writes differ.
pub const REDIS_VERSION: &str = "7.4.0";
/// [`REDIS_VERSION`] as scripts see it in `redis.REDIS_VERSION_NUM`: `0x00MMmmpp`.
pub const REDIS_VERSION_NUM: i64 = 0x07_04_00;

/// How long shutdown waits for the gRPC server to drain its connections.
const GRPC_DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(300);

/// A start-up failure, printed as one line before the process exits non-zero.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Config(#[from] config::ConfigError),
    #[error("cannot use data directory {dir}: {source}")]
    Storage { dir: String, source: storage::Error },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Start(String),
}

/// Runs a node until SIGINT or SIGTERM, then shuts it down gracefully.
///
/// # Errors
/// Bad configuration, an unusable data directory, or a port that cannot be bound.
pub async fn run(config: Config) -> Result<(), Error> {
    let addrs = config.validate()?;
    let id = config.id;
    let peer_addr = addrs[(id - 1) as usize];

    // Bind both listeners before touching the disk, so a busy port fails fast and cleanly.
    let resp_addr = std::net::SocketAddr::new(config.bind, config.port);
    let resp_listener = TcpListener::bind(resp_addr)
        .await
        .map_err(|source| Error::Listen {
            addr: resp_addr.to_string(),
            source,
        })?;
    let peer_listener = TcpListener::bind(peer_addr)
        .await
        .map_err(|source| Error::Listen {
            addr: peer_addr.to_string(),
            source,
        })?;

    let dir = config.data_dir();
    let open_dir = dir.clone();
    let (storage, recovered) =
        tokio::task::spawn_blocking(move || storage::Storage::open(&open_dir))
            .await
            .map_err(|e| Error::Start(format!("storage task failed: {e}")))?
            .map_err(|source| Error::Storage {
                dir: dir.display().to_string(),
                source,
            })?;

    let seed = config.seed.unwrap_or_else(rand::random);
    info!(node_id = id, seed, peer_addr = %peer_addr, resp_addr = %resp_addr, data_dir = %dir.display(), "starting");

    // Peers and the driver outlive the client-facing shutdown: a leader still needs them to
    // hand over leadership.
    let shutdown = CancellationToken::new();
    let transport_stop = CancellationToken::new();
    let cluster_id = Arc::new(transport::ClusterId::default());
    let peer_token =
        transport::PeerToken::new(config.requirepass.as_deref()).with_resp_port(config.port);
    let client_ports = Arc::new(transport::PeerClientPorts::default());
    let peers = Arc::new(
        transport::Peers::start(
            id,
            &addrs,
            cluster_id.clone(),
            peer_token.clone(),
            transport_stop.clone(),
        )
        .map_err(|e| Error::Start(format!("bad peer address: {e}")))?,
    );
    // A new cluster's first membership is every node of --cluster; a joining node starts
    // with none and learns it from the leader. Either way the log and snapshots on disk,
    // once there are any, say who the members are.
    let bootstrap = if config.join {
        raft::Membership::default()
    } else {
        raft::Membership {
            voters: addrs
                .iter()
                .enumerate()
                .map(|(i, addr)| (i as u64 + 1, addr.to_string()))
                .collect(),
            learners: std::collections::BTreeMap::new(),
        }
    };
    let pubsub = pubsub::PubSub::new();
    pubsub.set_keyspace_events(config.notify_keyspace_events);
    let waiters = blocking::Waiters::new();
    let commands = cmdstats::CommandStats::new();
    let tracking = tracking::Tracking::new(pubsub.clone());
    let driver = Driver::new(
        id,
        bootstrap,
        storage,
        recovered,
        peers,
        DriverOptions {
            wait: config.wait_timeout(),
            snapshot_entries: config.snapshot_entries,
            snapshot_bytes: config.snapshot_bytes,
            seed,
            lease_reads: config.lease_reads,
            max_entry_bytes: config.max_entry_bytes,
            data_dir: dir.clone(),
            pubsub: pubsub.clone(),
            waiters: waiters.clone(),
            join: config.join,
            cluster_size: addrs.len(),
            commands: commands.clone(),
            tracking: tracking.clone(),
        },
    )
    .map_err(|e| {
        Error::Start(format!(
            "cannot restore the snapshot in {}: {e}",
            dir.display()
        ))
    })?;
    let handle = driver.handle();

    let incoming = TcpListenerStream::new(peer_listener).map(|conn| {
        conn.inspect(|stream| {
            let _ = stream.set_nodelay(true);
        })
    });
    let grpc_stop = transport_stop.clone();
    let grpc = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(
                transport::RaftService::new(id, handle.clone(), cluster_id, client_ports.clone())
                    .into_server(peer_token),
            )
            .serve_with_incoming_shutdown(incoming, grpc_stop.cancelled_owned()),
    );
    let mut driver_task = tokio::spawn(driver.run(shutdown.clone()));
    let mut options = server_options(&config, pubsub, waiters, commands, tracking);
    options.peer_client_ports = client_ports;
    let shutdown_request = options.shutdown_request.clone();
    let server_task = tokio::spawn(server::run(
        resp_listener,
        handle,
        options,
        shutdown.clone(),
    ));
    info!("ready");

    // The driver stops by itself only when it must not start (see `driver::empty_disk`).
    let refused = tokio::select! {
        () = wait_for_signal() => None,
        () = shutdown_request.cancelled() => None,
        stopped = &mut driver_task => Some(match stopped {
            Ok(Err(why)) => why,
            Ok(Ok(())) => "the driver stopped".to_owned(),
            Err(e) => format!("the driver failed: {e}"),
        }),
    };
    info!("shutting down");
    shutdown.cancel();
    if refused.is_none() {
        let _ = driver_task.await;
    }
    transport_stop.cancel();
    let _ = server_task.await;
    // Peers keep their streams to us open; a graceful gRPC drain would wait for them forever.
    if tokio::time::timeout(GRPC_DRAIN_TIMEOUT, grpc)
        .await
        .is_err()
    {
        debug!("peer streams still open at exit");
    }
    if let Some(why) = refused {
        return Err(Error::Start(why));
    }
    info!("shutdown complete");
    Ok(())
}

fn server_options(
    config: &Config,
    pubsub: Arc<pubsub::PubSub>,
    waiters: Arc<blocking::Waiters>,
    commands: Arc<cmdstats::CommandStats>,
    tracking: Arc<tracking::Tracking>,
) -> server::Options {
    server::Options {
        node_id: config.id,
        port: config.port,
        requirepass: config.requirepass.clone(),
        max_bulk_len: config.proto_max_bulk_len,
        max_clients: config.max_clients,
        shutdown_request: CancellationToken::new(),
        pubsub,
        waiters,
        commands,
        tracking,
        peer_client_ports: Arc::default(),
    }
}

async fn wait_for_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
