//! Microbenchmarks of the hot paths: the core's step/ready cycle, WAL append + fsync by batch
//! size, command parsing + apply in the state machine, decoding a committed entry, and RESP
//! request framing and reply encoding.
//!
//! Run with `cargo bench --bench micro` (add `-- <filter>` to pick one group).

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use prost::Message;
use raft_kv::kv::{Command, KvState};
use raft_kv::pb;
use raft_kv::raft::{Config, Entry, HardState, Node, Restored, RoleKind};
use raft_kv::server::frame::{self, Limits};
use raft_kv::server::reply::{self as resp, Out};
use raft_kv::storage::Storage;

/// Three in-memory nodes with an elected leader; messages are delivered instantly.
struct Cluster {
    nodes: Vec<Node>,
}

impl Cluster {
    fn new() -> Cluster {
        let nodes = (1..=3)
            .map(|id| {
                let config = Config {
                    id,
                    bootstrap: raft_kv::raft::Membership::of_voters([1, 2, 3]),
                    election_ticks: 10,
                    heartbeat_ticks: 2,
                    max_append_bytes: 1 << 20,
                    max_inflight_appends: 64,
                    max_uncommitted_entries: 1 << 20,
                    lazy_fan_out: true,
                    commit_with_appends: true,
                    lease_reads: true,
                    quiet_start: true,
                    seed: id,
                };
                Node::new(config, Restored::default())
            })
            .collect();
        let mut cluster = Cluster { nodes };
        while !cluster
            .nodes
            .iter()
            .any(|n| n.status().role == RoleKind::Leader)
        {
            for node in &mut cluster.nodes {
                node.tick();
            }
            cluster.stabilize();
        }
        cluster
    }

    fn leader(&mut self) -> &mut Node {
        self.nodes
            .iter_mut()
            .find(|n| n.status().role == RoleKind::Leader)
            .expect("a leader was elected")
    }

    /// Carries out every Ready (persisting is free here) until no node has work left.
    fn stabilize(&mut self) {
        loop {
            let mut messages = Vec::new();
            for node in &mut self.nodes {
                if node.has_ready() {
                    messages.extend(node.ready().messages);
                    node.advance();
                }
            }
            if messages.is_empty() {
                return;
            }
            for message in messages {
                let to = message.to as usize - 1;
                self.nodes[to].step(message);
            }
        }
    }
}

fn core(c: &mut Criterion) {
    let mut group = c.benchmark_group("core_commit");
    for batch in [1usize, 16, 256] {
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_function(format!("batch_{batch}"), |b| {
            let mut cluster = Cluster::new();
            let payload = Bytes::from(vec![b'x'; 100]);
            b.iter(|| {
                for _ in 0..batch {
                    cluster
                        .leader()
                        .propose(payload.clone())
                        .expect("leader accepts");
                }
                cluster.stabilize();
            });
        });
    }
    group.finish();
}

fn wal(c: &mut Criterion) {
    let mut group = c.benchmark_group("wal_append_fsync");
    group.sample_size(20);
    for batch in [1usize, 16, 256] {
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_function(format!("batch_{batch}"), |b| {
            let dir = tempfile::tempdir().expect("temp dir");
            let (mut storage, _) = Storage::open(dir.path()).expect("open storage");
            let mut next = 1u64;
            let payload = Bytes::from(vec![b'v'; 100]);
            b.iter(|| {
                let entries: Vec<Entry> = (0..batch as u64)
                    .map(|i| Entry {
                        index: next + i,
                        term: 1,
                        data: Some(payload.clone()),
                        membership: None,
                    })
                    .collect();
                next += batch as u64;
                let hs = HardState {
                    term: 1,
                    vote: Some(1),
                    commit: next - 1,
                };
                storage.persist(Some(&hs), None, &entries).expect("persist");
            });
        });
    }
    group.finish();
}

fn kv(c: &mut Criterion) {
    let set: Vec<Bytes> = ["SET", "key:000000000001", "value-of-one-hundred-bytes"]
        .iter()
        .map(|s| Bytes::from(s.as_bytes().to_vec()))
        .collect();
    c.bench_function("kv_parse_set", |b| {
        b.iter(|| Command::parse(black_box(&set)).is_ok())
    });
    let batch = pb::KvBatch {
        commands: (0..16)
            .map(|i| pb::KvCommand {
                args: vec![
                    Bytes::from_static(b"SET"),
                    Bytes::from(format!("key:{i:012}")),
                    Bytes::from(vec![b'v'; 100]),
                ],
            })
            .collect(),
        now_ms: 1,
        transaction: false,
        watched: Vec::new(),
        ..pb::KvBatch::default()
    };
    c.bench_function("kv_apply_set_batch_16", |b| {
        b.iter_batched_ref(
            KvState::new,
            |state| state.apply(black_box(&batch)),
            BatchSize::SmallInput,
        )
    });
    // A committed entry's batch, decoded as a follower decodes it (arguments as slices of the
    // entry), and, for comparison, from a byte slice (every argument copied).
    let entry = Bytes::from(batch.encode_to_vec());
    c.bench_function("kv_decode_batch_16_sliced", |b| {
        b.iter(|| pb::KvBatch::decode(black_box(entry.clone())).is_ok())
    });
    c.bench_function("kv_decode_batch_16_copied", |b| {
        b.iter(|| pb::KvBatch::decode(black_box(entry.as_ref())).is_ok())
    });
}

fn resp(c: &mut Criterion) {
    // 16 pipelined SETs, as redis-benchmark -P 16 sends them.
    let mut pipeline = Vec::new();
    for i in 0..16 {
        let key = format!("key:{i:012}");
        pipeline.extend_from_slice(
            format!(
                "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n$3\r\nxxx\r\n",
                key.len()
            )
            .as_bytes(),
        );
    }
    let limits = Limits {
        max_bulk_len: 512 << 20,
        authenticated: true,
    };
    let mut group = c.benchmark_group("resp");
    group.throughput(Throughput::Elements(16));
    group.bench_function("parse_pipeline_16_sets", |b| {
        b.iter_batched_ref(
            || BytesMut::from(&pipeline[..]),
            |buf| {
                let mut need = 0;
                let mut n = 0;
                while let Ok(Some(args)) = frame::next_request(buf, limits, &mut need) {
                    n += args.len();
                }
                n
            },
            BatchSize::SmallInput,
        )
    });
    let replies: Vec<Out> = (0..16).map(|_| Out::ok()).collect();
    let values: Vec<Out> = (0..16)
        .map(|_| Out::Bulk(Bytes::from(vec![b'v'; 100])))
        .collect();
    group.bench_function("encode_16_ok", |b| {
        let mut buf = BytesMut::with_capacity(1024);
        b.iter(|| {
            buf.clear();
            for r in &replies {
                resp::encode(black_box(r), false, &mut buf);
            }
            buf.len()
        })
    });
    group.bench_function("encode_16_bulk_100b", |b| {
        let mut buf = BytesMut::with_capacity(4096);
        b.iter(|| {
            buf.clear();
            for r in &values {
                resp::encode(black_box(r), false, &mut buf);
            }
            buf.len()
        })
    });
    group.finish();
}

criterion_group!(benches, core, wal, kv, resp);
criterion_main!(benches);
