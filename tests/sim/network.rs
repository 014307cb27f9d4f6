//! The simulated network: every message sent gets a random delivery tick, so messages are
//! delayed and reordered; some are dropped or duplicated; partitions block directed links.
//!
//! All randomness comes from the simulator's seeded generator, so a seed replays exactly.

use raft_kv::raft::{Envelope, NodeId};

use super::rng::Rng;

/// How unreliable the network is; all rates are parts per million.
#[derive(Clone, Copy, Debug)]
pub struct Faults {
    /// Chance that a sent message is lost.
    pub drop_ppm: u64,
    /// Chance that a sent message is delivered twice (with independent delays).
    pub duplicate_ppm: u64,
    /// Longest delay in ticks; each message takes `1..=max_delay_ticks`.
    pub max_delay_ticks: u64,
    /// Chance that a message is held up much longer, arriving after later traffic (stale).
    pub long_delay_ppm: u64,
    /// Longest delay of a held-up message, in ticks.
    pub long_delay_ticks: u64,
}

/// A message on the wire.
#[derive(Debug)]
struct InFlight {
    /// The tick at which it arrives.
    deliver_at: u64,
    /// The message.
    envelope: Envelope,
}

/// Messages in flight and the links currently cut.
#[derive(Debug)]
pub struct Network {
    /// Current fault rates.
    pub faults: Faults,
    /// Number of nodes; ids are `1..=nodes`.
    nodes: usize,
    in_flight: Vec<InFlight>,
    /// `blocked[from * (nodes + 1) + to]`: messages from `from` to `to` are lost.
    blocked: Vec<bool>,
    /// Messages dropped so far (by chance or by a partition).
    pub dropped: u64,
    /// Messages delivered so far.
    pub delivered: u64,
}

impl Network {
    /// Creates a fully connected network of `nodes` nodes.
    pub fn new(nodes: usize, faults: Faults) -> Network {
        Network {
            faults,
            nodes,
            in_flight: Vec::new(),
            blocked: vec![false; (nodes + 1) * (nodes + 1)],
            dropped: 0,
            delivered: 0,
        }
    }

    fn link(&self, from: NodeId, to: NodeId) -> usize {
        from as usize * (self.nodes + 1) + to as usize
    }

    /// Puts a message on the wire at tick `now`; returns false if it was dropped.
    pub fn send(&mut self, envelope: Envelope, now: u64, rng: &mut Rng) -> bool {
        if rng.chance(self.faults.drop_ppm) {
            self.dropped += 1;
            return false;
        }
        if rng.chance(self.faults.duplicate_ppm) {
            let deliver_at = now + self.delay(rng);
            self.in_flight.push(InFlight {
                deliver_at,
                envelope: envelope.clone(),
            });
        }
        let deliver_at = now + self.delay(rng);
        self.in_flight.push(InFlight {
            deliver_at,
            envelope,
        });
        true
    }

    fn delay(&self, rng: &mut Rng) -> u64 {
        let short = self.faults.max_delay_ticks;
        if self.faults.long_delay_ticks > short && rng.chance(self.faults.long_delay_ppm) {
            rng.range(short + 1, self.faults.long_delay_ticks + 1)
        } else {
            rng.range(1, short + 1)
        }
    }

    /// Takes the messages due at tick `now`, in random order, minus those on a cut link.
    pub fn due(&mut self, now: u64, rng: &mut Rng) -> Vec<Envelope> {
        let mut due = Vec::new();
        let mut i = 0;
        while i < self.in_flight.len() {
            if self.in_flight[i].deliver_at <= now {
                due.push(self.in_flight.swap_remove(i).envelope);
            } else {
                i += 1;
            }
        }
        // swap_remove scrambles the order already; shuffle so it depends only on the seed.
        rng.shuffle(&mut due);
        let before = due.len();
        due.retain(|e| !self.blocked[self.link(e.from, e.to)]);
        self.dropped += (before - due.len()) as u64;
        self.delivered += due.len() as u64;
        due
    }

    /// Number of messages on the wire.
    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Cuts the link from `from` to `to` (one way).
    pub fn block(&mut self, from: NodeId, to: NodeId) {
        let link = self.link(from, to);
        self.blocked[link] = true;
    }

    /// Splits the nodes into two sides that cannot talk to each other.
    pub fn split(&mut self, side: &[NodeId]) {
        for a in 1..=self.nodes as NodeId {
            for b in 1..=self.nodes as NodeId {
                if side.contains(&a) != side.contains(&b) {
                    self.block(a, b);
                }
            }
        }
    }

    /// Restores every link.
    pub fn heal(&mut self) {
        self.blocked.iter_mut().for_each(|b| *b = false);
    }

    /// Whether any link is cut.
    pub fn is_partitioned(&self) -> bool {
        self.blocked.iter().any(|&b| b)
    }
}
