//! A stream consumed by a consumer group under faults: producers XADD unique tokens, consumers
//! on every node take entries with XREADGROUP `>`, acknowledge them with XACK, and take over
//! entries left pending too long (a lost reply, a consumer cut off) with XAUTOCLAIM. After the
//! faults heal the consumers drain the group, and [`check`] judges what they saw:
//!
//! - every acknowledged XADD was delivered (through `>` or a claim): no entry is lost;
//! - every delivery is of an entry some XADD sent, under the ID that XADD answered;
//! - no entry is delivered twice through `>`: the group's last delivered ID never moves back,
//!   as it would if a committed XREADGROUP were lost;
//! - no entry is claimed by an XAUTOCLAIM sent after an XACK of it was acknowledged: an
//!   acknowledged XACK is never lost either;
//! - XAUTOCLAIM never reports an entry as deleted (nothing deletes any);
//! - in the end the group has nothing pending and has delivered the last entry.
//!
//! Entries may be delivered more than once through claims (a consumer that got an entry but
//! whose XACK was lost), which consumer groups allow: delivery is at least once.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::workload::connect;

/// The group's name.
pub const GROUP: &str = "workers";
/// How long an entry stays pending before another consumer claims it.
const CLAIM_IDLE_MS: u64 = 1500;
/// How long a consumer's XREADGROUP blocks.
const BLOCK_MS: u64 = 300;

/// One delivery of an entry to a consumer.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub consumer: String,
    pub id: String,
    pub token: String,
    /// Through XAUTOCLAIM rather than `>`.
    pub claimed: bool,
    /// When the command that delivered it was sent (ns since the run's start).
    pub invoke_ns: u64,
}

/// Everything the clients saw.
#[derive(Debug, Default)]
pub struct Observed {
    /// Tokens whose XADD was acknowledged, with the ID it answered.
    pub added: HashMap<String, String>,
    /// Tokens whose XADD's outcome is unknown.
    pub maybe_added: HashSet<String>,
    pub deliveries: Vec<Delivery>,
    /// When an XACK that acknowledged an ID completed (ns), earliest per ID.
    pub acked: HashMap<String, u64>,
    /// IDs XAUTOCLAIM reported deleted.
    pub deleted: Vec<String>,
    /// Replies no correct server gives.
    pub unexpected: Vec<String>,
}

/// The running producers and consumers.
pub struct Groups {
    observed: Arc<Mutex<Observed>>,
    stop_producers: CancellationToken,
    stop_consumers: CancellationToken,
    producers: Vec<JoinHandle<()>>,
    consumers: Vec<JoinHandle<()>>,
}

fn lock(observed: &Mutex<Observed>) -> std::sync::MutexGuard<'_, Observed> {
    observed.lock().unwrap_or_else(|p| p.into_inner())
}

impl Groups {
    /// Starts `producers` producers and `consumers` consumers of stream `key` (whose group
    /// must exist) against the nodes at `ports`.
    pub fn start(
        key: &str,
        ports: &[u16],
        producers: usize,
        consumers: usize,
        seed: u64,
        start: Instant,
    ) -> Groups {
        let observed = Arc::new(Mutex::new(Observed::default()));
        let stop_producers = CancellationToken::new();
        let stop_consumers = CancellationToken::new();
        let producers = (0..producers)
            .map(|i| {
                tokio::spawn(produce(
                    key.to_string(),
                    ports.to_vec(),
                    i,
                    seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9),
                    observed.clone(),
                    stop_producers.clone(),
                ))
            })
            .collect();
        let consumers = (0..consumers)
            .map(|i| {
                tokio::spawn(consume(
                    key.to_string(),
                    ports.to_vec(),
                    format!("c{i}"),
                    seed ^ (i as u64 + 101).wrapping_mul(0x9e37_79b9),
                    start,
                    observed.clone(),
                    stop_consumers.clone(),
                ))
            })
            .collect();
        Groups {
            observed,
            stop_producers,
            stop_consumers,
            producers,
            consumers,
        }
    }

    /// Stops the producers.
    pub async fn stop_producing(&mut self) {
        self.stop_producers.cancel();
        for p in self.producers.drain(..) {
            let _ = p.await;
        }
    }

    /// Whether every acknowledged XADD was delivered.
    pub fn all_delivered(&self) -> bool {
        let o = lock(&self.observed);
        let seen: HashSet<&str> = o.deliveries.iter().map(|d| d.token.as_str()).collect();
        o.added.keys().all(|t| seen.contains(t.as_str()))
    }

    /// Stops the consumers and returns what every client saw.
    pub async fn stop(mut self) -> Observed {
        self.stop_producers.cancel();
        self.stop_consumers.cancel();
        for task in self.producers.drain(..).chain(self.consumers.drain(..)) {
            let _ = task.await;
        }
        std::mem::take(&mut *lock(&self.observed))
    }
}

/// A client's connection to a random node, replaced by one to another node after a failure.
struct Link {
    ports: Vec<u16>,
    rng: StdRng,
    con: Option<redis::aio::MultiplexedConnection>,
    /// The node last connected to.
    node: usize,
    /// The node of the last failure, avoided by the next connection when there is a choice.
    avoid: Option<usize>,
}

impl Link {
    fn new(ports: Vec<u16>, seed: u64) -> Link {
        Link {
            ports,
            rng: StdRng::seed_from_u64(seed),
            con: None,
            node: 0,
            avoid: None,
        }
    }

    /// The connection, opening one if there is none; `None` (after a pause) if that failed.
    async fn get(&mut self) -> Option<&mut redis::aio::MultiplexedConnection> {
        if self.con.is_none() {
            let n = self.ports.len();
            let mut node = self.rng.random_range(0..n);
            if self.avoid == Some(node) && n > 1 {
                node = (node + 1) % n;
            }
            self.node = node;
            match connect(self.ports[node]).await {
                Ok(c) => self.con = Some(c),
                Err(_) => {
                    self.avoid = Some(node);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    return None;
                }
            }
        }
        self.con.as_mut()
    }

    /// Drops the connection after a failure on it.
    fn failed(&mut self) {
        self.con = None;
        self.avoid = Some(self.node);
    }
}

async fn produce(
    key: String,
    ports: Vec<u16>,
    producer: usize,
    seed: u64,
    observed: Arc<Mutex<Observed>>,
    stop: CancellationToken,
) {
    let mut link = Link::new(ports, seed);
    let mut seq = 0u64;
    while !stop.is_cancelled() {
        let Some(c) = link.get().await else {
            continue;
        };
        seq += 1;
        let token = format!("p{producer}-{seq}");
        let mut cmd = redis::cmd("XADD");
        cmd.arg(&key).arg("*").arg("t").arg(&token);
        let reply =
            tokio::time::timeout(crate::run::OP_TIMEOUT, cmd.query_async::<redis::Value>(c)).await;
        let lost = {
            let mut o = lock(&observed);
            match reply {
                Ok(Ok(redis::Value::BulkString(id))) => {
                    o.added
                        .insert(token, String::from_utf8_lossy(&id).into_owned());
                    false
                }
                Ok(Ok(other)) => {
                    o.unexpected.push(format!("XADD answered {other:?}"));
                    o.maybe_added.insert(token);
                    false
                }
                _ => {
                    o.maybe_added.insert(token);
                    true
                }
            }
        };
        if lost {
            link.failed();
        }
        let think = link.rng.random_range(0..20);
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(Duration::from_millis(think)) => {}
        }
    }
}

/// The `(id, token)` entries of an XREADGROUP or XAUTOCLAIM entry list; `None` if malformed.
fn entries(list: &redis::Value) -> Option<Vec<(String, String)>> {
    let redis::Value::Array(items) = list else {
        return None;
    };
    items
        .iter()
        .map(|entry| {
            let redis::Value::Array(parts) = entry else {
                return None;
            };
            let [redis::Value::BulkString(id), redis::Value::Array(fields)] = parts.as_slice()
            else {
                return None;
            };
            let [redis::Value::BulkString(f), redis::Value::BulkString(t)] = fields.as_slice()
            else {
                return None;
            };
            (f == b"t").then_some(())?;
            Some((
                String::from_utf8_lossy(id).into_owned(),
                String::from_utf8_lossy(t).into_owned(),
            ))
        })
        .collect()
}

async fn consume(
    key: String,
    ports: Vec<u16>,
    name: String,
    seed: u64,
    start: Instant,
    observed: Arc<Mutex<Observed>>,
    stop: CancellationToken,
) {
    let mut link = Link::new(ports, seed);
    let mut last_claim = Instant::now();
    let limit = crate::run::OP_TIMEOUT + Duration::from_millis(BLOCK_MS);
    let since = |t: Instant| t.duration_since(start).as_nanos() as u64;
    while !stop.is_cancelled() {
        let Some(c) = link.get().await else {
            continue;
        };
        let claim = last_claim.elapsed() > Duration::from_millis(CLAIM_IDLE_MS / 2);
        let invoke = Instant::now();
        let mut cmd;
        if claim {
            last_claim = Instant::now();
            cmd = redis::cmd("XAUTOCLAIM");
            cmd.arg(&key)
                .arg(GROUP)
                .arg(&name)
                .arg(CLAIM_IDLE_MS)
                .arg("0-0")
                .arg("COUNT")
                .arg(50);
        } else {
            cmd = redis::cmd("XREADGROUP");
            cmd.arg("GROUP")
                .arg(GROUP)
                .arg(&name)
                .arg("COUNT")
                .arg(10)
                .arg("BLOCK")
                .arg(BLOCK_MS)
                .arg("STREAMS")
                .arg(&key)
                .arg(">");
        }
        let reply = tokio::time::timeout(limit, cmd.query_async::<redis::Value>(c)).await;
        let got: Vec<(String, String)> = match reply {
            Ok(Ok(redis::Value::Nil)) => Vec::new(),
            Ok(Ok(redis::Value::Array(parts))) if claim => match parts.as_slice() {
                [_, list, redis::Value::Array(deleted)] => {
                    let mut o = lock(&observed);
                    o.deleted.extend(deleted.iter().map(|d| format!("{d:?}")));
                    match entries(list) {
                        Some(e) => e,
                        None => {
                            o.unexpected.push(format!("XAUTOCLAIM answered {parts:?}"));
                            Vec::new()
                        }
                    }
                }
                _ => {
                    lock(&observed)
                        .unexpected
                        .push(format!("XAUTOCLAIM answered {parts:?}"));
                    Vec::new()
                }
            },
            Ok(Ok(redis::Value::Array(streams))) => {
                let list = match streams.as_slice() {
                    [redis::Value::Array(pair)] => match pair.as_slice() {
                        [_, list] => entries(list),
                        _ => None,
                    },
                    _ => None,
                };
                match list {
                    Some(e) => e,
                    None => {
                        lock(&observed)
                            .unexpected
                            .push(format!("XREADGROUP answered {streams:?}"));
                        Vec::new()
                    }
                }
            }
            Ok(Ok(other)) => {
                lock(&observed)
                    .unexpected
                    .push(format!("{name}: unexpected reply {other:?}"));
                Vec::new()
            }
            _ => {
                link.failed();
                continue;
            }
        };
        if got.is_empty() {
            continue;
        }
        {
            let mut o = lock(&observed);
            for (id, token) in &got {
                o.deliveries.push(Delivery {
                    consumer: name.clone(),
                    id: id.clone(),
                    token: token.clone(),
                    claimed: claim,
                    invoke_ns: since(invoke),
                });
            }
        }
        let Some(c) = link.con.as_mut() else {
            continue;
        };
        let mut ack = redis::cmd("XACK");
        ack.arg(&key).arg(GROUP);
        for (id, _) in &got {
            ack.arg(id);
        }
        match tokio::time::timeout(crate::run::OP_TIMEOUT, ack.query_async::<i64>(c)).await {
            Ok(Ok(n)) if n as usize == got.len() => {
                let done = since(Instant::now());
                let mut o = lock(&observed);
                for (id, _) in &got {
                    o.acked.entry(id.clone()).or_insert(done);
                }
            }
            // Fewer acknowledged: another consumer claimed some meanwhile; which ones is
            // unknown, so none counts as acknowledged here.
            Ok(Ok(_)) => {}
            _ => link.failed(),
        }
    }
}

/// Judges what the clients saw (see the module's notes); `pending` and `lag` are the group's
/// final XPENDING count and XINFO GROUPS lag.
pub fn check(o: &Observed, pending: i64, lag: Option<i64>) -> Vec<String> {
    let mut failures: Vec<String> = o
        .unexpected
        .iter()
        .map(|u| format!("unexpected reply: {u}"))
        .collect();
    if o.added.is_empty() {
        failures.push("no XADD was ever acknowledged".into());
    }
    if !o.deliveries.iter().any(|d| !d.claimed) {
        failures.push("no entry was ever delivered through XREADGROUP".into());
    }
    let delivered: HashSet<&str> = o.deliveries.iter().map(|d| d.token.as_str()).collect();
    let mut lost: Vec<&String> = o
        .added
        .keys()
        .filter(|t| !delivered.contains(t.as_str()))
        .collect();
    lost.sort();
    if !lost.is_empty() {
        failures.push(format!(
            "{} acknowledged XADDs never delivered, e.g. {:?}",
            lost.len(),
            &lost[..lost.len().min(5)]
        ));
    }
    let mut through_new: HashMap<&str, &Delivery> = HashMap::new();
    for d in &o.deliveries {
        match o.added.get(&d.token) {
            Some(id) if *id != d.id => failures.push(format!(
                "{} delivered under {} but its XADD answered {id}",
                d.token, d.id
            )),
            None if !o.maybe_added.contains(&d.token) => {
                failures.push(format!("{} delivered but never added: {d:?}", d.token));
            }
            _ => {}
        }
        if !d.claimed
            && let Some(first) = through_new.insert(&d.id, d)
        {
            failures.push(format!(
                "{} delivered twice through '>': to {} and to {}",
                d.id, first.consumer, d.consumer
            ));
        }
        if d.claimed
            && let Some(&acked) = o.acked.get(&d.id)
            && d.invoke_ns > acked
        {
            failures.push(format!(
                "{} claimed by {} after an acknowledged XACK of it",
                d.id, d.consumer
            ));
        }
    }
    if !o.deleted.is_empty() {
        failures.push(format!(
            "XAUTOCLAIM reported deleted entries: {:?}",
            o.deleted
        ));
    }
    if pending != 0 {
        failures.push(format!("{pending} entries still pending after the drain"));
    }
    if lag != Some(0) {
        failures.push(format!("the group's lag is {lag:?} after the drain"));
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery(consumer: &str, id: &str, token: &str, claimed: bool, at: u64) -> Delivery {
        Delivery {
            consumer: consumer.into(),
            id: id.into(),
            token: token.into(),
            claimed,
            invoke_ns: at,
        }
    }

    fn good() -> Observed {
        let mut o = Observed::default();
        o.added.insert("p0-1".into(), "1-0".into());
        o.added.insert("p0-2".into(), "2-0".into());
        o.maybe_added.insert("p1-1".into());
        o.deliveries = vec![
            delivery("c0", "1-0", "p0-1", false, 10),
            delivery("c1", "2-0", "p0-2", false, 20),
            delivery("c1", "3-0", "p1-1", false, 30),
            // c1's XACK of 2-0 was lost; c0 claims it.
            delivery("c0", "2-0", "p0-2", true, 40),
        ];
        o.acked.insert("1-0".into(), 15);
        o.acked.insert("2-0".into(), 50);
        o
    }

    #[test]
    fn a_run_that_delivered_everything_at_least_once_passes() {
        assert_eq!(check(&good(), 0, Some(0)), Vec::<String>::new());
    }

    #[test]
    fn lost_entries_deliveries_and_acknowledgements_are_found() {
        let mut o = good();
        o.deliveries.remove(1);
        o.deliveries.remove(2);
        assert!(check(&o, 0, Some(0))[0].contains("never delivered"));

        let mut o = good();
        o.deliveries.push(delivery("c2", "1-0", "p0-1", false, 60));
        assert!(check(&o, 0, Some(0))[0].contains("twice through '>'"));

        let mut o = good();
        o.deliveries.push(delivery("c2", "1-0", "p0-1", true, 60));
        assert!(check(&o, 0, Some(0))[0].contains("after an acknowledged XACK"));

        let mut o = good();
        o.deliveries[0].id = "9-0".into();
        assert!(check(&o, 0, Some(0))[0].contains("its XADD answered 1-0"));

        let mut o = good();
        o.deliveries.push(delivery("c2", "4-0", "p9-9", false, 60));
        assert!(check(&o, 0, Some(0))[0].contains("never added"));

        assert!(check(&good(), 1, Some(0))[0].contains("still pending"));
        assert!(check(&good(), 0, None)[0].contains("lag"));
    }
}
