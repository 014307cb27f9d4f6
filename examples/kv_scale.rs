//! Measures the state machine at scale (issue #6): heap bytes per key, the longest single apply
//! while loading (which includes table resizes), and snapshot encode/restore times.
//!
//! Run: `cargo run --release --example kv_scale [keys]` (default 1,000,000 keys of 16 bytes with
//! 100-byte values, as `benches/bench.py --scale` loads).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use raft_kv::kv::KvState;
use raft_kv::pb;

/// Counts live heap bytes (as requested, before allocator rounding).
struct Counting;

static LIVE_BYTES: AtomicUsize = AtomicUsize::new(0);
static PEAK_BYTES: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE_BYTES.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK_BYTES.fetch_max(now, Ordering::Relaxed);
        // SAFETY: forwards the caller's layout unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> usize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn set(i: usize) -> pb::KvCommand {
    let value = format!("v{i:012}-{}", "x".repeat(86));
    pb::KvCommand {
        args: vec![
            Bytes::from_static(b"SET"),
            Bytes::from(format!("key:{i:012}")),
            Bytes::from(value),
        ],
    }
}

fn main() {
    let keys: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let before = live();
    let mut state = KvState::new();
    let mut slowest = Duration::ZERO;
    let t0 = Instant::now();
    for i in 0..keys {
        let batch = pb::KvBatch {
            commands: vec![set(i)],
            now_ms: 1,
            ..Default::default()
        };
        let t = Instant::now();
        state.apply(&batch);
        slowest = slowest.max(t.elapsed());
    }
    let load = t0.elapsed();
    let heap = live() - before;
    println!("{keys} keys: load {load:.2?}, slowest single apply {slowest:.2?} (includes resizes)");
    println!(
        "state heap: {:.1} MiB requested = {:.1} bytes/key; process RSS {:.1} MiB",
        heap as f64 / (1 << 20) as f64,
        heap as f64 / keys as f64,
        rss_kib() as f64 / 1024.0
    );

    let peak_before = live();
    PEAK_BYTES.store(peak_before, Ordering::Relaxed);
    let t = Instant::now();
    let snap = state.snapshot();
    let encode = t.elapsed();
    println!(
        "snapshot encode: {encode:.2?}, {:.1} MiB, extra peak heap {:.1} MiB",
        snap.len() as f64 / (1 << 20) as f64,
        (PEAK_BYTES.load(Ordering::Relaxed) - peak_before) as f64 / (1 << 20) as f64
    );

    let digest = state.digest();
    drop(state);
    let base = live();
    PEAK_BYTES.store(base, Ordering::Relaxed);
    let mut restored = KvState::new();
    let t = Instant::now();
    if let Err(e) = restored.restore(&snap) {
        eprintln!("restore failed: {e}");
        std::process::exit(1);
    }
    let restore = t.elapsed();
    println!(
        "snapshot restore: {restore:.2?}, state heap {:.1} MiB, peak above the state {:.1} MiB",
        (live() - base) as f64 / (1 << 20) as f64,
        (PEAK_BYTES.load(Ordering::Relaxed) - live()) as f64 / (1 << 20) as f64
    );
    let t = Instant::now();
    let same = restored.digest() == digest;
    println!("digest: {:.2?}, equal after restore: {same}", t.elapsed());
}
