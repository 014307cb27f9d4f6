//! Linearizability of one register key (SET/GET), by the Wing–Gong search with Lowe's
//! memoization, as Porcupine does it.
//!
//! The history becomes a doubly linked list of call and return events in time order. The search
//! walks it: at a call it tries to linearize that operation now (apply it to the model state;
//! a read must see the current value) and, if the pair (set of linearized operations, state) is
//! new, removes the operation from the list and restarts from the head; at a return of an
//! operation not yet linearized it backtracks. It succeeds once every operation with a known
//! completion is linearized.
//!
//! An operation with an unknown outcome has no return event before the end of time: it may take
//! effect at any point after its invocation, or never. An unknown write whose value nobody read
//! is dropped before the search: any linearization that includes it stays valid without it,
//! because the next operation to look at the register after it is a write (or nothing).

use std::collections::{HashMap, HashSet};

use super::{Anomaly, describe};
use crate::history::{Call, Op, Outcome, Value};

/// Search steps after which the checker gives up and reports the key as inconclusive (a
/// failure: a history this tangled means the workload needs fewer unknowns or more keys).
pub const MAX_SEARCH_STEPS: u64 = 20_000_000;

/// The register value `None` (missing key) is state 0; value `i` of the intern table is `i + 1`.
type State = u32;

/// What an operation does to the register model.
#[derive(Debug, Clone, Copy)]
enum Action {
    /// Sets the value.
    Write(State),
    /// Must see this value.
    Read(State),
}

#[derive(Debug, Clone, Copy)]
/// One operation as the search sees it.
struct Entry {
    /// History id, for messages.
    id: usize,
    /// When it was sent.
    invoke_ns: u64,
    /// When it was answered; `u64::MAX` for an unknown outcome.
    return_ns: u64,
    /// Its effect on the model, or the value it must see.
    action: Action,
}

/// A fixed-size set of entry indices.
#[derive(Clone, PartialEq, Eq, Hash)]
struct BitSet(Vec<u64>);

impl BitSet {
    fn new(n: usize) -> Self {
        Self(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
}

const NONE: usize = usize::MAX;

/// Checks the operations of one register key; `ops` carry their history ids.
pub fn check<'a>(key: &str, ops: &[(usize, &'a Op)]) -> Vec<Anomaly> {
    let mut anomalies = Vec::new();
    let mut interned: HashMap<&'a str, State> = HashMap::new();
    let mut names: Vec<&'a str> = vec!["nil"];
    let mut intern = |v: &'a str, names: &mut Vec<&'a str>| -> State {
        *interned.entry(v).or_insert_with(|| {
            names.push(v);
            (names.len() - 1) as State
        })
    };
    // Values with an acknowledged or unknown write, and when the first such write was invoked.
    let mut written: HashMap<&str, u64> = HashMap::new();
    let mut read_values: HashSet<&str> = HashSet::new();
    for (id, op) in ops {
        match (&op.call, &op.outcome) {
            (Call::Set(v), Outcome::Ok(_) | Outcome::Unknown(_)) => {
                let first = written.entry(v.as_str()).or_insert(op.invoke_ns);
                *first = (*first).min(op.invoke_ns);
            }
            (Call::Get, Outcome::Ok(Value::Str(v))) => {
                read_values.insert(v.as_str());
            }
            (Call::Get | Call::Set(_), _) => {}
            _ => anomalies.push(Anomaly::new(
                key,
                format!("unexpected operation on a register: {}", describe(*id, op)),
            )),
        }
    }

    let mut entries = Vec::new();
    for (id, op) in ops {
        let action = match (&op.call, &op.outcome) {
            (Call::Set(v), Outcome::Ok(_)) => Action::Write(intern(v, &mut names)),
            (Call::Set(v), Outcome::Unknown(_)) if read_values.contains(v.as_str()) => {
                Action::Write(intern(v, &mut names))
            }
            (Call::Get, Outcome::Ok(Value::Nil)) => Action::Read(0),
            (Call::Get, Outcome::Ok(Value::Str(v))) => {
                match written.get(v.as_str()) {
                    None => anomalies.push(Anomaly::new(
                        key,
                        format!("read of a value never written: {}", describe(*id, op)),
                    )),
                    Some(&invoked) if invoked > op.complete_ns => anomalies.push(Anomaly::new(
                        key,
                        format!(
                            "read of a value whose write started later: {}",
                            describe(*id, op)
                        ),
                    )),
                    Some(_) => {}
                }
                Action::Read(intern(v, &mut names))
            }
            (Call::Get, Outcome::Ok(other)) => {
                anomalies.push(Anomaly::new(
                    key,
                    format!("GET answered {other:?}: {}", describe(*id, op)),
                ));
                continue;
            }
            _ => continue,
        };
        entries.push(Entry {
            id: *id,
            invoke_ns: op.invoke_ns,
            return_ns: op.effect_deadline_ns(),
            action,
        });
    }
    if !anomalies.is_empty() {
        return anomalies;
    }
    match search(&entries, MAX_SEARCH_STEPS) {
        Verdict::Linearizable => {}
        Verdict::Inconclusive => anomalies.push(Anomaly::new(
            key,
            format!(
                "linearizability search gave up after {MAX_SEARCH_STEPS} steps ({} operations)",
                entries.len()
            ),
        )),
        Verdict::Violation {
            prefix_len,
            blocked,
            state,
        } => {
            let op = ops
                .iter()
                .find(|(id, _)| *id == blocked)
                .map_or_else(|| format!("#{blocked}"), |(id, op)| describe(*id, op));
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "not linearizable: the longest linearizable prefix has {prefix_len} of {} \
                     operations, after which the register holds {:?} and this operation cannot \
                     be placed: {op}",
                    entries.len(),
                    names[state as usize]
                ),
            ));
        }
    }
    anomalies
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Linearizable,
    Inconclusive,
    Violation {
        /// Most operations linearized at once during the search.
        prefix_len: usize,
        /// History id of the operation whose return ended that deepest attempt.
        blocked: usize,
        /// The model state at that point.
        state: State,
    },
}

/// Runs the search over `entries`, starting from the empty register.
fn search(entries: &[Entry], max_steps: u64) -> Verdict {
    let n = entries.len();
    // Event node 0 is the list head; node 1 + 2i is entry i's call, node 2 + 2i its return.
    let mut order: Vec<usize> = (0..2 * n).collect();
    let time = |ev: usize| {
        let e = &entries[ev / 2];
        if ev.is_multiple_of(2) {
            (e.invoke_ns, 0)
        } else {
            // Calls sort before returns at equal times: touching operations count as
            // concurrent, which only ever accepts more.
            (e.return_ns, 1)
        }
    };
    order.sort_by_key(|&ev| time(ev));
    let mut next = vec![NONE; 2 * n + 1];
    let mut prev = vec![NONE; 2 * n + 1];
    let mut last = 0;
    for &ev in &order {
        let node = ev + 1;
        next[last] = node;
        prev[node] = last;
        last = node;
    }
    let is_call = |node: usize| (node - 1).is_multiple_of(2);
    let entry_of = |node: usize| (node - 1) / 2;
    let return_of = |call: usize| call + 1;

    let mut remaining = entries.iter().filter(|e| e.return_ns != u64::MAX).count();
    let mut state: State = 0;
    let mut linearized = BitSet::new(n);
    let mut cache: HashSet<(BitSet, State)> = HashSet::new();
    let mut stack: Vec<(usize, State)> = Vec::new();
    let mut deepest = (0, usize::MAX, 0);
    let mut node = next[0];
    let mut steps = 0u64;
    loop {
        if remaining == 0 {
            return Verdict::Linearizable;
        }
        steps += 1;
        if steps > max_steps {
            return Verdict::Inconclusive;
        }
        if node != NONE && is_call(node) {
            let i = entry_of(node);
            let after = match entries[i].action {
                Action::Write(v) => Some(v),
                Action::Read(v) if v == state => Some(state),
                Action::Read(_) => None,
            };
            if let Some(after) = after {
                linearized.set(i);
                if cache.insert((linearized.clone(), after)) {
                    stack.push((node, state));
                    state = after;
                    // Unlink the call and its return (dancing links: they keep their own
                    // pointers, so they can be put back in reverse order).
                    let ret = return_of(node);
                    for x in [node, ret] {
                        next[prev[x]] = next[x];
                        if next[x] != NONE {
                            prev[next[x]] = prev[x];
                        }
                    }
                    if entries[i].return_ns != u64::MAX {
                        remaining -= 1;
                    }
                    node = next[0];
                    continue;
                }
                linearized.clear(i);
            }
            node = next[node];
        } else {
            // A return (or the end) reached with an operation still unplaced: backtrack.
            if stack.len() >= deepest.0 && node != NONE {
                deepest = (stack.len(), entries[entry_of(node)].id, state);
            }
            let Some((call, before)) = stack.pop() else {
                return Verdict::Violation {
                    prefix_len: deepest.0,
                    blocked: deepest.1,
                    state: deepest.2,
                };
            };
            let i = entry_of(call);
            let ret = return_of(call);
            for x in [ret, call] {
                next[prev[x]] = x;
                if next[x] != NONE {
                    prev[next[x]] = x;
                }
            }
            linearized.clear(i);
            if entries[i].return_ns != u64::MAX {
                remaining += 1;
            }
            state = before;
            node = next[call];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::build::Builder;
    use super::*;
    use crate::history::History;

    fn anomalies(h: &History) -> Vec<Anomaly> {
        let ops: Vec<(usize, &Op)> = h.ops.iter().enumerate().collect();
        check("r:x", &ops)
    }

    fn assert_valid(h: &History) {
        let found = anomalies(h);
        assert!(found.is_empty(), "valid history rejected: {found:?}");
    }

    fn assert_invalid(h: &History) -> String {
        let found = anomalies(h);
        assert!(
            !found.is_empty(),
            "invalid history accepted:\n{}",
            h.to_text()
        );
        found[0].message.clone()
    }

    const K: &str = "r:x";

    #[test]
    fn sequential_reads_see_the_latest_write() {
        assert_valid(
            &Builder::new()
                .get(K, None, (0, 1))
                .set(K, "a", (2, 3))
                .get(K, Some("a"), (4, 5))
                .set(K, "b", (6, 7))
                .get(K, Some("b"), (8, 9))
                .build(),
        );
    }

    #[test]
    fn stale_read_is_rejected() {
        let msg = assert_invalid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .set(K, "b", (2, 3))
                .get(K, Some("a"), (4, 5))
                .build(),
        );
        assert!(msg.contains("not linearizable"), "{msg}");
    }

    #[test]
    fn lost_write_is_rejected() {
        // The write was acknowledged, yet a later read sees the key missing.
        assert_invalid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .get(K, None, (2, 3))
                .build(),
        );
    }

    #[test]
    fn read_of_value_never_written_is_rejected() {
        let msg = assert_invalid(&Builder::new().get(K, Some("zz"), (0, 1)).build());
        assert!(msg.contains("never written"), "{msg}");
    }

    #[test]
    fn read_of_failed_write_is_rejected() {
        assert_invalid(
            &Builder::new()
                .set_failed(K, "a", (0, 1))
                .get(K, Some("a"), (2, 3))
                .build(),
        );
    }

    #[test]
    fn concurrent_reads_may_see_either_side_of_a_write() {
        assert_valid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .set(K, "b", (2, 10))
                .get(K, Some("b"), (3, 4))
                .get(K, Some("b"), (5, 6))
                .get(K, Some("a"), (2, 11))
                .build(),
        );
    }

    #[test]
    fn concurrent_reads_cannot_flip_back() {
        // Once a read completed seeing b, a later read cannot see a again.
        assert_invalid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .set(K, "b", (2, 20))
                .get(K, Some("b"), (3, 4))
                .get(K, Some("a"), (5, 6))
                .build(),
        );
    }

    #[test]
    fn concurrent_writes_may_land_in_either_order() {
        assert_valid(
            &Builder::new()
                .set(K, "a", (0, 10))
                .set(K, "b", (1, 9))
                .get(K, Some("a"), (11, 12))
                .build(),
        );
        assert_valid(
            &Builder::new()
                .set(K, "a", (0, 10))
                .set(K, "b", (1, 9))
                .get(K, Some("b"), (11, 12))
                .build(),
        );
    }

    #[test]
    fn unknown_write_may_take_effect_much_later() {
        assert_valid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .set_unknown(K, "b", (2, 3))
                .get(K, Some("a"), (10, 11))
                .get(K, Some("b"), (20, 21))
                .build(),
        );
    }

    #[test]
    fn unknown_write_may_never_take_effect() {
        assert_valid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .set_unknown(K, "b", (2, 3))
                .get(K, Some("a"), (10, 11))
                .get(K, Some("a"), (20, 21))
                .build(),
        );
    }

    #[test]
    fn unknown_write_takes_effect_at_most_once() {
        // b (unknown) appears, is overwritten by c, and cannot reappear.
        assert_invalid(
            &Builder::new()
                .set_unknown(K, "b", (0, 1))
                .get(K, Some("b"), (2, 3))
                .set(K, "c", (4, 5))
                .get(K, Some("b"), (6, 7))
                .build(),
        );
    }

    #[test]
    fn unknown_write_cannot_take_effect_before_invocation() {
        let msg = assert_invalid(
            &Builder::new()
                .get(K, Some("b"), (0, 1))
                .set_unknown(K, "b", (2, 3))
                .build(),
        );
        assert!(msg.contains("started later"), "{msg}");
    }

    #[test]
    fn failed_and_unknown_reads_are_ignored() {
        assert_valid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .get_unknown(K, (2, 3))
                .get(K, Some("a"), (4, 5))
                .build(),
        );
    }

    #[test]
    fn violation_names_the_blocked_operation() {
        let msg = assert_invalid(
            &Builder::new()
                .set(K, "a", (0, 1))
                .set(K, "b", (2, 3))
                .get(K, Some("a"), (4, 5))
                .build(),
        );
        assert!(msg.contains("#2"), "{msg}");
    }

    #[test]
    fn many_concurrent_clients_with_unknowns_finish_quickly() {
        // 10 clients, each writing then reading back its own value while all overlap in
        // pairs: valid, and large enough that an unmemoized search would not finish.
        let mut b = Builder::new();
        let mut t = 0;
        for round in 0..60 {
            for c in 0..10u64 {
                let v = format!("v{round}-{c}");
                if c % 4 == 3 {
                    b.set_unknown(K, &v, (t + c, t + c + 5));
                } else {
                    b.set(K, &v, (t + c, t + 30));
                }
            }
            t += 40;
            b.get(K, Some(&format!("v{round}-9")), (t - 10, t - 1)).set(
                K,
                &format!("w{round}"),
                (t, t + 1),
            );
            t += 2;
        }
        b.get(K, Some("w59"), (t, t + 1));
        assert_valid(&b.build());
    }

    #[test]
    fn search_gives_up_with_an_inconclusive_verdict() {
        let h = Builder::new()
            .set(K, "a", (0, 10))
            .set(K, "b", (0, 10))
            .get(K, Some("a"), (0, 10))
            .build();
        let entries: Vec<Entry> = h
            .ops
            .iter()
            .enumerate()
            .map(|(id, op)| Entry {
                id,
                invoke_ns: op.invoke_ns,
                return_ns: op.complete_ns,
                action: match op.call {
                    Call::Set(ref v) => Action::Write(if v == "a" { 1 } else { 2 }),
                    _ => Action::Read(1),
                },
            })
            .collect();
        assert_eq!(search(&entries, 1), Verdict::Inconclusive);
        assert_eq!(search(&entries, 1000), Verdict::Linearizable);
    }
}
