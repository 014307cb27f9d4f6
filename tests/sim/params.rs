//! Per-seed parameters: cluster size, core configuration, fault rates and workload mix.
//!
//! Drawn from the seed, so seeds cover calm and hostile networks, small and large batches,
//! frequent and rare snapshots, fixed and changing memberships, without anyone hand-picking a
//! profile.

use super::network::Faults;
use super::rng::Rng;

/// Ticks of the fault phase for each seed unless overridden.
pub const DEFAULT_FAULT_TICKS: u64 = 3_000;

/// Everything a seed decides before the first tick.
#[derive(Clone, Debug)]
pub struct Params {
    /// Voters the cluster is bootstrapped with (ids `1..=voters`): 3 or 5, or (on some seeds
    /// with membership changes) 1 or 2, grown later by adding nodes.
    pub voters: usize,
    /// Node processes, ids `1..=nodes`: the initial voters, then joiners, which start with an
    /// empty disk and no membership (as `--join` does) and wait for a leader to add them.
    pub nodes: usize,
    /// Per-tick chance (ppm) that a client asks the leader it knows for a membership change:
    /// add a non-member (a joiner, or a node removed earlier, with its old disk), or remove a
    /// member. 0 on seeds whose membership never changes.
    pub change_ppm: u64,
    /// Voters a client removal leaves at least: 3, or 1 when the cluster started smaller.
    pub min_voters: usize,
    /// `Config::election_ticks`.
    pub election_ticks: u64,
    /// `Config::heartbeat_ticks`.
    pub heartbeat_ticks: u64,
    /// `Config::max_append_bytes`.
    pub max_append_bytes: usize,
    /// `Config::max_inflight_appends`.
    pub max_inflight_appends: usize,
    /// `Config::max_uncommitted_entries`.
    pub max_uncommitted_entries: usize,
    /// Network faults during the fault phase.
    pub faults: Faults,
    /// Per-tick chance (ppm) of cutting the network while it is whole.
    pub partition_ppm: u64,
    /// Per-tick chance (ppm) of healing a cut network.
    pub heal_ppm: u64,
    /// Per-tick chance (ppm) of crashing a live node.
    pub crash_ppm: u64,
    /// Per-`Ready` chance (ppm) of crashing the node before it persists, or after it persists
    /// but before it sends.
    pub ready_crash_ppm: u64,
    /// Downtime of a crashed node, in ticks: `down_ticks.0..down_ticks.1`.
    pub down_ticks: (u64, u64),
    /// Per-tick chance (ppm) of a client write.
    pub propose_ppm: u64,
    /// Per-tick chance (ppm) of a client read.
    pub read_ppm: u64,
    /// Per-tick chance (ppm) of asking the leader to transfer leadership.
    pub transfer_ppm: u64,
    /// Largest padding added to a write's payload, in bytes.
    pub max_pad: u64,
    /// A node snapshots its state machine every this many applied entries.
    pub snapshot_every: u64,
    /// Length of the fault phase in ticks.
    pub fault_ticks: u64,
}

impl Params {
    /// Draws a seed's parameters.
    pub fn generate(rng: &mut Rng, fault_ticks: u64) -> Params {
        let election_ticks = rng.range(8, 16);
        let voters = rng.pick(&[3, 5]);
        Params {
            voters,
            nodes: voters,
            change_ppm: 0,
            min_voters: 3,
            election_ticks,
            heartbeat_ticks: rng.range(2, 4),
            max_append_bytes: rng.pick(&[1, 128, 512, 2048]),
            max_inflight_appends: rng.range(1, 5) as usize,
            max_uncommitted_entries: rng.pick(&[16, 64, 256]),
            faults: Faults {
                drop_ppm: rng.pick(&[0, 10_000, 50_000, 100_000]),
                duplicate_ppm: rng.pick(&[0, 10_000, 50_000]),
                max_delay_ticks: rng.range(1, 5),
                long_delay_ppm: rng.pick(&[0, 2_000, 10_000]),
                long_delay_ticks: 3 * election_ticks,
            },
            partition_ppm: rng.pick(&[0, 2_000, 5_000, 10_000]),
            heal_ppm: rng.range(10_000, 50_000),
            crash_ppm: rng.pick(&[0, 1_000, 3_000, 10_000]),
            ready_crash_ppm: rng.pick(&[0, 200, 1_000]),
            down_ticks: (election_ticks, 4 * election_ticks),
            propose_ppm: rng.range(100_000, 500_000),
            read_ppm: rng.range(50_000, 300_000),
            transfer_ppm: rng.pick(&[0, 1_000, 5_000]),
            max_pad: rng.pick(&[0, 16, 64]),
            snapshot_every: rng.range(20, 51),
            fault_ticks,
        }
    }

    /// Draws whether and how the membership changes, from a stream of its own (so the seeds
    /// that keep a fixed membership run exactly as they did before membership changes).
    /// Three seeds in four change their membership; a sixth of those bootstrap one or two
    /// voters and grow.
    pub fn generate_membership(&mut self, rng: &mut Rng) {
        self.change_ppm = rng.pick(&[0, 2_000, 5_000, 20_000]);
        if self.change_ppm == 0 {
            return;
        }
        let joiners: usize = rng.pick(&[0, 1, 1, 2]);
        if rng.chance(166_667) {
            let voters = rng.pick(&[1, 2]);
            self.nodes = voters + joiners.max(2);
            self.voters = voters;
            self.min_voters = 1;
        } else {
            // Three voters and no spare node leave no change to make: removals stop at three.
            self.nodes = self.voters + joiners.max(usize::from(self.voters == 3));
        }
    }
}
