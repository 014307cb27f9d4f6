//! A snapshot carries the membership as of its index (Raft thesis §4.1, §5): the last change
//! committed at or before it, or the bootstrap membership before any. A node restarted from
//! the snapshot, or a joiner that installs it, takes its membership from there.
//!
//! The checker keeps every committed change (each membership entry the first time any node
//! applies it); every index up to a snapshot's was applied somewhere before the snapshot was
//! taken, so the committed membership at a snapshot's index is known. Checked on every
//! snapshot a node makes durable, taken by itself or received from a leader.

use std::collections::BTreeMap;

use raft_kv::raft::{Entry, Index, Membership, NodeId, Snapshot};

use super::super::trace;
use super::{Check, Violation};

/// This invariant's name in failure reports.
pub const NAME: &str = "snapshot_membership";

/// The committed membership history.
#[derive(Debug)]
pub struct Memberships {
    /// The membership before any change: the bootstrap voters.
    bootstrap: Membership,
    /// Index → the membership a committed change there put in force.
    changes: BTreeMap<Index, Membership>,
}

impl Memberships {
    /// Starts the history of a cluster bootstrapped with `bootstrap`.
    pub fn new(bootstrap: Membership) -> Memberships {
        Memberships {
            bootstrap,
            changes: BTreeMap::new(),
        }
    }

    /// Records `entry`, applied for the first time anywhere.
    pub fn record(&mut self, entry: &Entry) {
        if let Some(membership) = &entry.membership {
            self.changes.insert(entry.index, (**membership).clone());
        }
    }

    /// The committed membership as of `index`.
    pub fn at(&self, index: Index) -> &Membership {
        self.changes
            .range(..=index)
            .next_back()
            .map_or(&self.bootstrap, |(_, m)| m)
    }

    /// Membership changes committed so far (promotions included).
    pub fn committed(&self) -> u64 {
        self.changes.len() as u64
    }

    /// Checks the membership of a snapshot `node` makes durable (`how`: taken or received).
    pub fn check_snapshot(&self, node: NodeId, snapshot: &Snapshot, how: &str) -> Check {
        let expected = self.at(snapshot.index);
        if snapshot.membership.as_ref() != Some(expected) {
            return Err(Violation::new(
                NAME,
                format!(
                    "n{node} {how} a snapshot at {}@{} with membership {} but {} was in force \
                     there",
                    snapshot.index,
                    snapshot.term,
                    snapshot
                        .membership
                        .as_ref()
                        .map_or("none".to_string(), trace::membership),
                    trace::membership(expected)
                ),
            ));
        }
        Ok(())
    }
}
