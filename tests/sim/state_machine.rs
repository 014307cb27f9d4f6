//! The simulated replicated state machine: a handful of integer registers.
//!
//! It is deliberately tiny, but it carries a running hash of every entry it applied, so two
//! replicas (or a replica and a snapshot) can be compared in O(1).

use std::collections::BTreeMap;

use bytes::{BufMut, Bytes, BytesMut};
use raft_kv::raft::{Entry, Index, Membership, Snapshot, Term};

use super::rng::{hash_bytes, hash_combine};

/// Number of distinct registers the workload writes to; small, so reads often see recent writes.
pub const REGISTERS: u8 = 8;

/// The tag byte that starts every encoded `set` command.
const SET_TAG: u8 = b'S';

/// Encodes "set register `key` to `value`", padded with `pad` bytes to vary entry sizes.
pub fn encode_set(key: u8, value: u64, pad: usize) -> Bytes {
    let mut buf = BytesMut::with_capacity(10 + pad);
    buf.put_u8(SET_TAG);
    buf.put_u8(key);
    buf.put_u64_le(value);
    buf.put_bytes(b'.', pad);
    buf.freeze()
}

/// Decodes a `set` command; `None` if `data` is not one.
pub fn decode_set(data: &[u8]) -> Option<(u8, u64)> {
    if data.len() < 10 || data[0] != SET_TAG {
        return None;
    }
    let value = u64::from_le_bytes(data[2..10].try_into().ok()?);
    Some((data[1], value))
}

/// A hash of an entry's term and payload (a no-op hashes differently from any command, and a
/// membership change by the membership it carries).
pub fn entry_hash(entry: &Entry) -> u64 {
    let data = match (&entry.data, &entry.membership) {
        (Some(data), _) => hash_bytes(data),
        (None, None) => 0x6E6F_6F70, // "noop"
        (None, Some(membership)) => membership_hash(membership),
    };
    hash_combine(entry.term, data)
}

/// A hash of a membership: its voters and learners with their addresses.
pub fn membership_hash(membership: &Membership) -> u64 {
    let mut h = 0x6D65_6D62; // "memb"
    for (kind, members) in [(1, &membership.voters), (2, &membership.learners)] {
        for (&id, addr) in members {
            h = hash_combine(hash_combine(h, kind), id);
            h = hash_combine(h, hash_bytes(addr.as_bytes()));
        }
    }
    h
}

/// One replica's state machine.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StateMachine {
    /// Index of the last applied entry; 0 before anything was applied.
    pub applied: Index,
    /// Term of the last applied entry; 0 before anything was applied.
    pub applied_term: Term,
    /// Running hash over every applied entry's (index, term, data), in order.
    pub hash: u64,
    /// Register values: register → value of the last `set` applied to it.
    registers: BTreeMap<u8, u64>,
}

impl StateMachine {
    /// Applies one entry; the caller has checked it is the next one.
    pub fn apply(&mut self, entry: &Entry) {
        if let Some((key, value)) = entry.data.as_deref().and_then(decode_set) {
            self.registers.insert(key, value);
        }
        self.applied = entry.index;
        self.applied_term = entry.term;
        self.hash = hash_combine(hash_combine(self.hash, entry.index), entry_hash(entry));
    }

    /// The current value of a register, if it was ever written.
    pub fn get(&self, key: u8) -> Option<u64> {
        self.registers.get(&key).copied()
    }

    /// Takes a snapshot of the state machine as it is now.
    pub fn snapshot(&self) -> Snapshot {
        let mut buf = BytesMut::with_capacity(28 + 9 * self.registers.len());
        buf.put_u64_le(self.applied);
        buf.put_u64_le(self.applied_term);
        buf.put_u64_le(self.hash);
        buf.put_u32_le(self.registers.len() as u32);
        for (&key, &value) in &self.registers {
            buf.put_u8(key);
            buf.put_u64_le(value);
        }
        Snapshot {
            index: self.applied,
            term: self.applied_term,
            data: buf.freeze(),
            membership: None,
        }
    }

    /// Rebuilds a state machine from a snapshot this module encoded.
    ///
    /// # Errors
    /// Describes why the snapshot is malformed or disagrees with its own index and term.
    pub fn restore(snapshot: &Snapshot) -> Result<StateMachine, String> {
        let data = &snapshot.data[..];
        let read_u64 = |at: usize| -> Result<u64, String> {
            data.get(at..at + 8)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_le_bytes)
                .ok_or_else(|| format!("snapshot data truncated at byte {at}"))
        };
        let applied = read_u64(0)?;
        let applied_term = read_u64(8)?;
        let hash = read_u64(16)?;
        let count = data
            .get(24..28)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_le_bytes)
            .ok_or("snapshot data truncated in register count")?;
        let mut registers = BTreeMap::new();
        for i in 0..count as usize {
            let at = 28 + 9 * i;
            let key = *data.get(at).ok_or("snapshot data truncated in registers")?;
            registers.insert(key, read_u64(at + 1)?);
        }
        if applied != snapshot.index || applied_term != snapshot.term {
            return Err(format!(
                "snapshot labelled {}@{} holds state at {}@{}",
                snapshot.index, snapshot.term, applied, applied_term
            ));
        }
        Ok(StateMachine {
            applied,
            applied_term,
            hash,
            registers,
        })
    }
}
