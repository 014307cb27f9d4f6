//! The network between the nodes: one fault-injecting TCP proxy per directed link.
//!
//! Node j's `--cluster` list names, for every other node i, the proxy of the link j→i instead of
//! i's real peer address; its own entry stays its real bind address. Every connection node j
//! opens to node i, and so every Raft message (and forwarded write) j sends to i, passes through
//! that one proxy. Blocking the link j→i loses exactly the traffic from j to i, while i→j still
//! flows: one-way loss is one blocked link, a partition is every link between two groups.
//!
//! A blocked link behaves like a firewall that drops packets: bytes already in flight and bytes
//! sent later vanish (the proxy reads and discards them) and nothing comes back, so the sender
//! notices only by its own timeouts. Connections that lived through a block are closed when the
//! link heals, since their byte streams lost data in the middle; the nodes reconnect.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::{Duration, timeout};

/// Size of each proxy's copy buffer, in bytes.
const COPY_BUFFER_BYTES: usize = 64 * 1024;
/// How long the proxy keeps trying to reach a down node before dropping the incoming
/// connection. The proxy has already accepted, so the dialling node cannot see a refusal;
/// holding the connection this long paces its reconnects like a SYN timeout would.
const UPSTREAM_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Pause between the proxy's attempts to reach a down node.
const UPSTREAM_RETRY_INTERVAL: Duration = Duration::from_millis(50);
/// Lowest port handed out for nodes: below Linux's ephemeral range (32768..), so an outgoing
/// connection never takes a port a killed node wants back when it restarts.
const FIRST_PORT: u16 = 20_000;
/// One past the highest port handed out for nodes.
const END_PORT: u16 = 32_700;

/// Returns a port on 127.0.0.1 that nothing listens on right now, outside the ephemeral range.
/// Ports are handed out round-robin from a random start, so concurrent scenarios in this test
/// process never get the same one.
pub fn free_port() -> u16 {
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let span = END_PORT - FIRST_PORT;
    // Seed the start once per process, from the pid, so parallel test binaries spread out.
    let _ = NEXT.compare_exchange(
        0,
        1 + (std::process::id() % u32::from(span)) as u16,
        Ordering::Relaxed,
        Ordering::Relaxed,
    );
    for _ in 0..span {
        let offset = NEXT.fetch_add(1, Ordering::Relaxed) % span;
        let port = FIRST_PORT + offset;
        // The Procfile's peer ports (12379, 22379, ...) stay free for a developer's cluster.
        if port % 10_000 == 2379 {
            continue;
        }
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port in {FIRST_PORT}..{END_PORT}");
}

/// One directed link's proxy.
struct Link {
    /// Address node `from` dials to reach node `to`.
    listen: SocketAddr,
    /// `true` while the link loses everything.
    blocked: watch::Sender<bool>,
    /// The accept loop.
    task: JoinHandle<()>,
}

/// The proxies of every directed link of an `n`-node cluster. Node ids are 1-based.
pub struct Network {
    /// Number of nodes.
    n: usize,
    /// Real peer (gRPC) address of each node, index `id - 1`.
    peers: Vec<SocketAddr>,
    /// Link `from → to` at index `(from - 1) * n + (to - 1)`; `None` on the diagonal.
    links: Vec<Option<Link>>,
}

impl Network {
    /// Starts a proxy for every directed link between the nodes whose real peer addresses are
    /// `peers` (index `id - 1`). Must run inside a tokio runtime.
    pub async fn start(peers: Vec<SocketAddr>) -> std::io::Result<Self> {
        let n = peers.len();
        let mut links = Vec::with_capacity(n * n);
        for from in 0..n {
            for (to, &upstream) in peers.iter().enumerate() {
                if from == to {
                    links.push(None);
                    continue;
                }
                let listener = TcpListener::bind("127.0.0.1:0").await?;
                let listen = listener.local_addr()?;
                let (blocked, _) = watch::channel(false);
                let task = tokio::spawn(accept_loop(listener, upstream, blocked.subscribe()));
                links.push(Some(Link {
                    listen,
                    blocked,
                    task,
                }));
            }
        }
        Ok(Self { n, peers, links })
    }

    fn link(&self, from: usize, to: usize) -> &Link {
        assert!(from != to && (1..=self.n).contains(&from) && (1..=self.n).contains(&to));
        self.links[(from - 1) * self.n + (to - 1)]
            .as_ref()
            .expect("links exist off the diagonal")
    }

    /// The `--cluster` value for node `id`: its own real address, and the proxy of the link
    /// `id → i` for every other node i.
    pub fn cluster_arg(&self, id: usize) -> String {
        (1..=self.n)
            .map(|i| {
                if i == id {
                    self.peers[i - 1].to_string()
                } else {
                    self.link(id, i).listen.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Blocks (loses all traffic on) or unblocks the link `from → to`.
    pub fn set_blocked(&self, from: usize, to: usize, blocked: bool) {
        self.link(from, to).blocked.send_replace(blocked);
    }

    /// Blocks every link between nodes of different groups, both ways, and unblocks the rest.
    /// Nodes in no group are cut off from everyone.
    pub fn partition(&self, groups: &[Vec<usize>]) {
        let group_of = |id: usize| groups.iter().position(|g| g.contains(&id));
        for from in 1..=self.n {
            for to in 1..=self.n {
                if from != to {
                    let together = group_of(from).is_some() && group_of(from) == group_of(to);
                    self.set_blocked(from, to, !together);
                }
            }
        }
    }

    /// Unblocks every link.
    pub fn heal(&self) {
        for link in self.links.iter().flatten() {
            link.blocked.send_replace(false);
        }
    }

    /// The blocked links as `from->to` pairs, for the nemesis log.
    pub fn describe_blocked(&self) -> String {
        let mut out = Vec::new();
        for from in 1..=self.n {
            for to in 1..=self.n {
                if from != to && *self.link(from, to).blocked.borrow() {
                    out.push(format!("{from}->{to}"));
                }
            }
        }
        if out.is_empty() {
            "none".into()
        } else {
            out.join(" ")
        }
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        for link in self.links.iter().flatten() {
            link.task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, upstream: SocketAddr, blocked: watch::Receiver<bool>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let _ = client.set_nodelay(true);
        tokio::spawn(proxy_connection(client, upstream, blocked.clone()));
    }
}

/// Waits until the link's blocked state equals `want`; returns `false` if the network is gone.
async fn wait_for(blocked: &mut watch::Receiver<bool>, want: bool) -> bool {
    blocked.wait_for(|b| *b == want).await.is_ok()
}

async fn proxy_connection(
    mut client: TcpStream,
    upstream: SocketAddr,
    mut blocked: watch::Receiver<bool>,
) {
    if *blocked.borrow() {
        // Accepted during a block: swallow whatever arrives, answer nothing, close on heal.
        let mut sink = vec![0u8; COPY_BUFFER_BYTES];
        tokio::select! {
            _ = wait_for(&mut blocked, false) => {}
            _ = async { while matches!(client.read(&mut sink).await, Ok(n) if n > 0) {} } => {}
        }
        return;
    }
    let reach = async {
        loop {
            if let Ok(server) = TcpStream::connect(upstream).await {
                return server;
            }
            tokio::time::sleep(UPSTREAM_RETRY_INTERVAL).await;
        }
    };
    let server = match timeout(UPSTREAM_CONNECT_TIMEOUT, reach).await {
        Ok(server) => server,
        // The node is down: close the client's connection.
        Err(_) => return,
    };
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    // Either direction ending (EOF, error, or a heal after a block) closes both.
    tokio::select! {
        _ = pump(client_read, server_write, blocked.clone()) => {}
        _ = pump(server_read, client_write, blocked) => {}
    }
}

/// Copies `from` to `to` while the link is open, discards while it is blocked, and returns at
/// end of stream, on an error, or when the link heals after a block.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut blocked: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; COPY_BUFFER_BYTES];
    let mut lost_data = false;
    loop {
        if lost_data && !*blocked.borrow() {
            return;
        }
        let n = tokio::select! {
            read = from.read(&mut buf) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            },
            changed = blocked.changed() => {
                if changed.is_err() {
                    return;
                }
                lost_data |= *blocked.borrow_and_update();
                continue;
            }
        };
        if *blocked.borrow() {
            lost_data = true;
            continue;
        }
        // A write stalled on a slow or stopped receiver is abandoned if the link is blocked
        // meanwhile: that data is lost too.
        tokio::select! {
            written = to.write_all(&buf[..n]) => if written.is_err() { return },
            alive = wait_for(&mut blocked, true) => {
                if !alive {
                    return;
                }
                lost_data = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An echo server standing in for a node's peer port.
    async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind echo");
        let addr = listener.local_addr().expect("echo addr");
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = s.read(&mut buf).await {
                        if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    fn proxy_addr(net: &Network, from: usize, to: usize) -> SocketAddr {
        let arg = net.cluster_arg(from);
        arg.split(',')
            .nth(to - 1)
            .expect("entry")
            .parse()
            .expect("addr")
    }

    async fn roundtrip(s: &mut TcpStream, msg: &[u8]) -> Option<Vec<u8>> {
        s.write_all(msg).await.ok()?;
        let mut buf = vec![0u8; msg.len()];
        match timeout(Duration::from_millis(300), s.read_exact(&mut buf)).await {
            Ok(Ok(_)) => Some(buf),
            _ => None,
        }
    }

    #[tokio::test]
    async fn net_cluster_arg_lists_own_address_and_proxies() {
        let a = echo_server().await;
        let b = echo_server().await;
        let net = Network::start(vec![a, b]).await.expect("start");
        let arg = net.cluster_arg(1);
        let entries: Vec<&str> = arg.split(',').collect();
        assert_eq!(entries[0], a.to_string());
        assert_ne!(entries[1], b.to_string());
        assert_eq!(net.describe_blocked(), "none");
    }

    #[tokio::test]
    async fn net_blocked_link_loses_traffic_and_reconnects_after_heal() {
        let a = echo_server().await;
        let b = echo_server().await;
        let net = Network::start(vec![a, b]).await.expect("start");
        let via = proxy_addr(&net, 1, 2);
        let mut s = TcpStream::connect(via).await.expect("connect");
        assert_eq!(
            roundtrip(&mut s, b"ping").await.as_deref(),
            Some(&b"ping"[..])
        );

        net.set_blocked(1, 2, true);
        assert_eq!(net.describe_blocked(), "1->2");
        assert_eq!(roundtrip(&mut s, b"lost").await, None);
        let mut during = TcpStream::connect(via)
            .await
            .expect("connect while blocked");
        assert_eq!(roundtrip(&mut during, b"lost").await, None);
        // The other direction's link is unaffected.
        let mut back = TcpStream::connect(proxy_addr(&net, 2, 1))
            .await
            .expect("connect");
        assert_eq!(
            roundtrip(&mut back, b"back").await.as_deref(),
            Some(&b"back"[..])
        );

        net.heal();
        // Connections that lived through the block are closed; new ones work.
        let mut buf = [0u8; 16];
        let closed = timeout(Duration::from_secs(2), s.read(&mut buf)).await;
        assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "{closed:?}");
        let mut fresh = TcpStream::connect(via).await.expect("reconnect");
        assert_eq!(
            roundtrip(&mut fresh, b"again").await.as_deref(),
            Some(&b"again"[..])
        );
    }

    #[tokio::test]
    async fn net_partition_blocks_links_between_groups_only() {
        let peers = vec![
            echo_server().await,
            echo_server().await,
            echo_server().await,
        ];
        let net = Network::start(peers).await.expect("start");
        net.partition(&[vec![1, 2], vec![3]]);
        assert_eq!(net.describe_blocked(), "1->3 2->3 3->1 3->2");
        net.partition(&[vec![1, 3]]);
        assert_eq!(net.describe_blocked(), "1->2 2->1 2->3 3->2");
        net.heal();
        assert_eq!(net.describe_blocked(), "none");
    }

    #[test]
    fn net_free_ports_are_distinct_and_below_the_ephemeral_range() {
        let a = free_port();
        let b = free_port();
        assert_ne!(a, b);
        assert!((FIRST_PORT..END_PORT).contains(&a));
    }
}
