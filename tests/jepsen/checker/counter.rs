//! Checks one counter key (INCR/GET). Every INCR adds exactly one, so a value read is a count of
//! INCRs that took effect, and real time bounds that count:
//!
//! - at least every acknowledged INCR that completed before the read started (a lost write
//!   breaks this), and at most every acknowledged or unknown INCR invoked before the read ended
//!   (a duplicated or invented increment breaks this);
//! - a read that starts after another read ended never sees a smaller value;
//! - two acknowledged INCRs never return the same value.
//!
//! An acknowledged INCR is itself a read of the value it returns, counting itself.

use std::collections::HashMap;

use super::{Anomaly, describe};
use crate::history::{Call, Op, Outcome, Value};

/// An observation of the counter: an acknowledged GET, or an acknowledged INCR's result.
struct Read {
    /// History id.
    id: usize,
    /// When it was sent.
    invoke_ns: u64,
    /// When it was answered.
    complete_ns: u64,
    /// The count seen.
    value: i64,
    /// Whether it is an INCR (which counts itself).
    is_incr: bool,
}

/// Checks the operations of one counter key; `ops` carry their history ids.
pub fn check(key: &str, ops: &[(usize, &Op)]) -> Vec<Anomaly> {
    let mut anomalies = Vec::new();
    let mut reads = Vec::new();
    let mut ok_completes = Vec::new();
    let mut possible_invokes = Vec::new();
    for &(id, op) in ops {
        match (&op.call, &op.outcome) {
            (Call::Incr, Outcome::Ok(Value::Int(v))) => {
                ok_completes.push(op.complete_ns);
                possible_invokes.push(op.invoke_ns);
                reads.push(Read {
                    id,
                    invoke_ns: op.invoke_ns,
                    complete_ns: op.complete_ns,
                    value: *v,
                    is_incr: true,
                });
            }
            (Call::Incr, Outcome::Unknown(_)) => possible_invokes.push(op.invoke_ns),
            (Call::Incr, Outcome::Failed(_)) | (Call::Get, Outcome::Failed(_)) => {}
            (Call::Get, Outcome::Unknown(_)) => {}
            (Call::Get, Outcome::Ok(value)) => {
                let parsed = match value {
                    Value::Nil => Some(0),
                    Value::Str(s) => s.parse::<i64>().ok(),
                    _ => None,
                };
                let Some(value) = parsed else {
                    anomalies.push(Anomaly::new(
                        key,
                        format!("counter read is not a number: {}", describe(id, op)),
                    ));
                    continue;
                };
                reads.push(Read {
                    id,
                    invoke_ns: op.invoke_ns,
                    complete_ns: op.complete_ns,
                    value,
                    is_incr: false,
                });
            }
            _ => anomalies.push(Anomaly::new(
                key,
                format!("unexpected operation on a counter: {}", describe(id, op)),
            )),
        }
    }
    let op_of = |id: usize| {
        ops.iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| format!("#{id}"), |(i, op)| describe(*i, op))
    };

    ok_completes.sort_unstable();
    possible_invokes.sort_unstable();
    for r in &reads {
        let lower =
            ok_completes.partition_point(|&t| t < r.invoke_ns) as i64 + i64::from(r.is_incr);
        let upper = possible_invokes.partition_point(|&t| t <= r.complete_ns) as i64;
        if r.value < lower {
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "lost increment: read {} but at least {lower} acknowledged INCRs completed \
                     before it: {}",
                    r.value,
                    op_of(r.id)
                ),
            ));
        } else if r.value > upper {
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "invented increment: read {} but at most {upper} INCRs were invoked before \
                     it ended: {}",
                    r.value,
                    op_of(r.id)
                ),
            ));
        }
    }

    // Monotonic in real time: sweep reads by start, folding in every read that ended earlier.
    let mut by_complete: Vec<&Read> = reads.iter().collect();
    by_complete.sort_by_key(|r| r.complete_ns);
    let mut by_invoke: Vec<&Read> = reads.iter().collect();
    by_invoke.sort_by_key(|r| r.invoke_ns);
    let mut done = 0;
    let mut highest: Option<&Read> = None;
    for r in by_invoke {
        while done < by_complete.len() && by_complete[done].complete_ns < r.invoke_ns {
            let earlier = by_complete[done];
            if highest.is_none_or(|h| earlier.value > h.value) {
                highest = Some(earlier);
            }
            done += 1;
        }
        if let Some(h) = highest
            && r.value < h.value
        {
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "counter went backwards: {} saw {}, then {} started later and saw {}",
                    op_of(h.id),
                    h.value,
                    op_of(r.id),
                    r.value
                ),
            ));
        }
    }

    let mut returned: HashMap<i64, usize> = HashMap::new();
    for r in reads.iter().filter(|r| r.is_incr) {
        if let Some(first) = returned.insert(r.value, r.id) {
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "two INCRs returned {}: {} and {}",
                    r.value,
                    op_of(first),
                    op_of(r.id)
                ),
            ));
        }
    }
    anomalies
}

#[cfg(test)]
mod tests {
    use super::super::build::Builder;
    use super::*;
    use crate::history::History;

    const K: &str = "c:x";

    fn anomalies(h: &History) -> Vec<Anomaly> {
        let ops: Vec<(usize, &Op)> = h.ops.iter().enumerate().collect();
        check(K, &ops)
    }

    fn assert_valid(h: &History) {
        let found = anomalies(h);
        assert!(found.is_empty(), "valid history rejected: {found:?}");
    }

    fn assert_invalid(h: &History, what: &str) {
        let found = anomalies(h);
        assert!(
            found.iter().any(|a| a.message.contains(what)),
            "expected {what:?} in {found:?} for\n{}",
            h.to_text()
        );
    }

    #[test]
    fn sequential_increments_and_reads_are_valid() {
        assert_valid(
            &Builder::new()
                .get(K, None, (0, 1))
                .incr(K, 1, (2, 3))
                .incr(K, 2, (4, 5))
                .get(K, Some("2"), (6, 7))
                .build(),
        );
    }

    #[test]
    fn concurrent_reads_may_or_may_not_see_an_increment() {
        assert_valid(
            &Builder::new()
                .incr(K, 1, (0, 1))
                .incr(K, 2, (2, 10))
                .get(K, Some("1"), (3, 4))
                .get(K, Some("2"), (5, 6))
                .build(),
        );
    }

    #[test]
    fn unknown_increments_may_count_or_not() {
        let mut b = Builder::new();
        b.incr(K, 1, (0, 1))
            .incr_unknown(K, (2, 3))
            .incr_unknown(K, (2, 3))
            .get(K, Some("1"), (4, 5))
            .get(K, Some("2"), (6, 7))
            .incr(K, 4, (8, 9))
            .get(K, Some("4"), (10, 11));
        assert_valid(&b.build());
    }

    #[test]
    fn counter_going_backwards_is_rejected() {
        assert_invalid(
            &Builder::new()
                .incr(K, 1, (0, 1))
                .incr(K, 2, (2, 20))
                .get(K, Some("2"), (3, 4))
                .get(K, Some("1"), (5, 6))
                .build(),
            "went backwards",
        );
    }

    #[test]
    fn lost_increment_is_rejected() {
        assert_invalid(
            &Builder::new()
                .incr(K, 1, (0, 1))
                .incr(K, 2, (2, 3))
                .get(K, Some("1"), (4, 5))
                .build(),
            "lost increment",
        );
    }

    #[test]
    fn duplicated_increment_is_rejected() {
        assert_invalid(
            &Builder::new()
                .incr(K, 1, (0, 1))
                .get(K, Some("2"), (2, 3))
                .build(),
            "invented increment",
        );
    }

    #[test]
    fn increment_cannot_count_before_invocation() {
        assert_invalid(
            &Builder::new()
                .get(K, Some("1"), (0, 1))
                .incr(K, 1, (2, 3))
                .build(),
            "invented increment",
        );
    }

    #[test]
    fn two_increments_returning_the_same_value_are_rejected() {
        assert_invalid(
            &Builder::new().incr(K, 1, (0, 5)).incr(K, 1, (1, 6)).build(),
            "two INCRs returned 1",
        );
    }

    #[test]
    fn non_numeric_read_is_rejected() {
        assert_invalid(
            &Builder::new().get(K, Some("x"), (0, 1)).build(),
            "not a number",
        );
    }
}
