//! The safety and liveness properties the simulator checks, one file per invariant.
//!
//! Checkers are incremental: each one is fed the events it cares about (a persisted write, an
//! applied entry, a status change, a served read) right after the step that caused them, so a
//! violation is reported at the first step that breaks it.

pub mod committed_entries;
pub mod durable_state;
pub mod election_safety;
pub mod leader_append_only;
pub mod leader_commit_rule;
pub mod leader_completeness;
pub mod liveness;
pub mod log_matching;
pub mod membership_in_force;
pub mod monotonic_state;
pub mod persist_before_send;
pub mod read_lease;
pub mod read_linearizability;
pub mod read_quorum;
pub mod single_server_change;
pub mod snapshot_membership;
pub mod stale_term;
pub mod state_machine_safety;

use std::fmt;

/// A broken invariant: which one, and what exactly was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The invariant's name (the `NAME` constant of its checker file).
    pub invariant: &'static str,
    /// What was observed, with node ids, indexes and terms.
    pub detail: String,
}

impl Violation {
    /// Creates a violation of `invariant`.
    pub fn new(invariant: &'static str, detail: String) -> Violation {
        Violation { invariant, detail }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant={}: {}", self.invariant, self.detail)
    }
}

/// The outcome of a check: `Ok` or the first violation.
pub type Check = Result<(), Violation>;
