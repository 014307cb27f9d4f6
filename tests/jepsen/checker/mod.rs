//! Checkers: pure functions from a [`History`] to the anomalies it shows. Each key is checked on
//! its own (linearizability is compositional, and the other properties are per key), by the
//! checker of the key's kind: registers for linearizability, counters for bounds and
//! monotonicity, lists for one total order of appends. Nothing here touches the cluster, so the
//! unit tests below feed them hand-made histories, good and bad.

pub mod append;
pub mod counter;
pub mod register;

use std::fmt;

use crate::history::{History, KeyKind, Op};

/// One violation found in a history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// The key whose operations show it.
    pub key: String,
    /// What is wrong, naming the operations by history id (`#12`).
    pub message: String,
}

impl Anomaly {
    /// An anomaly on `key`.
    pub fn new(key: &str, message: impl Into<String>) -> Self {
        Self {
            key: key.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.message)
    }
}

/// Checks every key of `history` with the checker of its kind and returns all anomalies found
/// (empty when the history is valid).
pub fn check(history: &History) -> Vec<Anomaly> {
    let mut anomalies = Vec::new();
    for (key, ops) in history.by_key() {
        match KeyKind::of(key) {
            Some(KeyKind::Register) => anomalies.extend(register::check(key, &ops)),
            Some(KeyKind::Counter) => anomalies.extend(counter::check(key, &ops)),
            Some(KeyKind::List | KeyKind::Stream) => anomalies.extend(append::check(key, &ops)),
            None => anomalies.push(Anomaly::new(key, "key follows no known naming scheme")),
        }
    }
    anomalies
}

/// Formats an operation with its history id, for anomaly messages.
pub fn describe(id: usize, op: &Op) -> String {
    format!("#{id} {op}")
}

/// Builds histories for the checkers' unit tests; times are small integers.
#[cfg(test)]
pub mod build {
    use crate::history::{Call, History, Op, Outcome, Value};

    /// Accumulates operations; each method adds one and returns the builder.
    #[derive(Default)]
    pub struct Builder {
        /// The history built so far.
        pub history: History,
    }

    impl Builder {
        /// An empty history.
        pub fn new() -> Self {
            Self::default()
        }

        fn push(&mut self, key: &str, call: Call, t: (u64, u64), outcome: Outcome) -> &mut Self {
            let client = self.history.ops.len();
            self.history.ops.push(Op {
                client,
                node: 1,
                key: key.to_string(),
                call,
                invoke_ns: t.0,
                complete_ns: t.1,
                outcome,
            });
            self
        }

        /// An acknowledged `SET key value` running from `t.0` to `t.1`.
        pub fn set(&mut self, key: &str, value: &str, t: (u64, u64)) -> &mut Self {
            self.push(key, Call::Set(value.into()), t, Outcome::Ok(Value::Done))
        }

        /// A `SET key value` with an unknown outcome.
        pub fn set_unknown(&mut self, key: &str, value: &str, t: (u64, u64)) -> &mut Self {
            self.push(
                key,
                Call::Set(value.into()),
                t,
                Outcome::Unknown("timeout".into()),
            )
        }

        /// A `SET key value` that certainly failed.
        pub fn set_failed(&mut self, key: &str, value: &str, t: (u64, u64)) -> &mut Self {
            self.push(
                key,
                Call::Set(value.into()),
                t,
                Outcome::Failed("refused".into()),
            )
        }

        /// A `GET key` that returned `value` (`None` for nil).
        pub fn get(&mut self, key: &str, value: Option<&str>, t: (u64, u64)) -> &mut Self {
            let value = value.map_or(Value::Nil, |v| Value::Str(v.into()));
            self.push(key, Call::Get, t, Outcome::Ok(value))
        }

        /// A `GET key` with an unknown outcome.
        pub fn get_unknown(&mut self, key: &str, t: (u64, u64)) -> &mut Self {
            self.push(key, Call::Get, t, Outcome::Unknown("timeout".into()))
        }

        /// An acknowledged `INCR key` that returned `value`.
        pub fn incr(&mut self, key: &str, value: i64, t: (u64, u64)) -> &mut Self {
            self.push(key, Call::Incr, t, Outcome::Ok(Value::Int(value)))
        }

        /// An `INCR key` with an unknown outcome.
        pub fn incr_unknown(&mut self, key: &str, t: (u64, u64)) -> &mut Self {
            self.push(key, Call::Incr, t, Outcome::Unknown("timeout".into()))
        }

        /// An acknowledged `APPEND key token` that returned the new length `len`.
        pub fn append(&mut self, key: &str, token: &str, len: i64, t: (u64, u64)) -> &mut Self {
            self.push(
                key,
                Call::Append(token.into()),
                t,
                Outcome::Ok(Value::Int(len)),
            )
        }

        /// An `APPEND key token` with an unknown outcome.
        pub fn append_unknown(&mut self, key: &str, token: &str, t: (u64, u64)) -> &mut Self {
            self.push(
                key,
                Call::Append(token.into()),
                t,
                Outcome::Unknown("timeout".into()),
            )
        }

        /// An `APPEND key token` that certainly failed.
        pub fn append_failed(&mut self, key: &str, token: &str, t: (u64, u64)) -> &mut Self {
            self.push(
                key,
                Call::Append(token.into()),
                t,
                Outcome::Failed("refused".into()),
            )
        }

        /// The history built.
        pub fn build(&self) -> History {
            self.history.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    use super::build::Builder;
    use super::*;
    use crate::history::{Call, Outcome, Value};

    #[test]
    fn mixed_history_checks_each_key_with_its_kind() {
        let h = Builder::new()
            .set("r:1", "a", (0, 2))
            .get("r:1", Some("a"), (3, 4))
            .incr("c:1", 1, (0, 1))
            .get("c:1", Some("1"), (2, 3))
            .append("l:1", "x;", 2, (0, 1))
            .get("l:1", Some("x;"), (2, 3))
            .build();
        assert_eq!(check(&h), vec![]);
    }

    #[test]
    fn anomalies_of_every_key_are_reported() {
        let h = Builder::new()
            .set("r:1", "a", (0, 2))
            .get("r:1", None, (3, 4))
            .incr("c:1", 1, (0, 1))
            .get("c:1", Some("0"), (2, 3))
            .build();
        let keys: Vec<String> = check(&h).into_iter().map(|a| a.key).collect();
        assert!(keys.contains(&"r:1".to_string()), "{keys:?}");
        assert!(keys.contains(&"c:1".to_string()), "{keys:?}");
    }

    #[test]
    fn unknown_key_scheme_is_an_anomaly() {
        let h = Builder::new().get("zzz", None, (0, 1)).build();
        assert_eq!(check(&h).len(), 1);
    }

    /// Simulates clients of a correct (linearizable) store: each operation takes effect at one
    /// instant between its invocation and completion, or, when its outcome is unknown, at any
    /// later instant or never. Every history it produces must be accepted.
    fn simulated_history(seed: u64, clients: usize, ops_per_client: usize) -> History {
        struct Planned {
            op: Op,
            effect_at: Option<u64>,
        }
        let mut rng = StdRng::seed_from_u64(seed);
        let keys = ["r:0", "r:1", "c:0", "l:0", "l:1"];
        let mut planned = Vec::new();
        for client in 0..clients {
            let mut now = rng.random_range(0..1_000u64);
            for seq in 0..ops_per_client {
                let key = keys[rng.random_range(0..keys.len())];
                let call = match (KeyKind::of(key), rng.random_bool(0.4)) {
                    (_, true) => Call::Get,
                    (Some(KeyKind::Register), false) => Call::Set(format!("v{client}-{seq}")),
                    (Some(KeyKind::Counter), false) => Call::Incr,
                    _ => Call::Append(format!("t{client}-{seq};")),
                };
                let invoke = now + rng.random_range(0..500);
                let point = invoke + rng.random_range(1..2_000);
                let complete = point + rng.random_range(1..2_000);
                let unknown = rng.random_bool(0.1);
                let effect_at = match (unknown, &call) {
                    (false, _) => Some(point),
                    (true, Call::Get) | (true, _) if rng.random_bool(0.5) => None,
                    (true, _) => Some(invoke + rng.random_range(1..50_000)),
                };
                now = complete;
                planned.push(Planned {
                    op: Op {
                        client,
                        node: 1,
                        key: key.into(),
                        call,
                        invoke_ns: invoke,
                        complete_ns: complete,
                        outcome: if unknown {
                            Outcome::Unknown("timeout".into())
                        } else {
                            Outcome::Ok(Value::Done)
                        },
                    },
                    effect_at,
                });
            }
        }
        let mut order: Vec<usize> = (0..planned.len()).collect();
        order.sort_by_key(|&i| planned[i].effect_at);
        let mut state: HashMap<String, String> = HashMap::new();
        for i in order {
            let Some(_) = planned[i].effect_at else {
                continue;
            };
            let p = &mut planned[i];
            let current = state.get(&p.op.key).cloned();
            let result = match &p.op.call {
                Call::Get => current.map_or(Value::Nil, Value::Str),
                Call::Set(v) => {
                    state.insert(p.op.key.clone(), v.clone());
                    Value::Done
                }
                Call::Incr => {
                    let n = current.map_or(0, |c| c.parse::<i64>().expect("counter")) + 1;
                    state.insert(p.op.key.clone(), n.to_string());
                    Value::Int(n)
                }
                Call::Append(t) => {
                    let s = current.unwrap_or_default() + t;
                    let len = s.len() as i64;
                    state.insert(p.op.key.clone(), s);
                    Value::Int(len)
                }
            };
            if p.op.is_ok() {
                p.op.outcome = Outcome::Ok(result);
            }
        }
        let end = planned.iter().map(|p| p.op.complete_ns).max().unwrap_or(0) + 100_000;
        let mut ops: Vec<Op> = planned.into_iter().map(|p| p.op).collect();
        // Final reads after everything settled, as a run ends.
        for (i, key) in keys.iter().enumerate() {
            let value = state.get(*key).cloned().map_or(Value::Nil, Value::Str);
            ops.push(Op {
                client: clients,
                node: 1,
                key: key.to_string(),
                call: Call::Get,
                invoke_ns: end + 2 * i as u64,
                complete_ns: end + 2 * i as u64 + 1,
                outcome: Outcome::Ok(value),
            });
        }
        History { ops }
    }

    #[test]
    fn checker_accepts_every_simulated_linearizable_history() {
        for seed in 0..20 {
            let h = simulated_history(seed, 10, 60);
            let found = check(&h);
            assert!(found.is_empty(), "seed {seed}: {found:?}\n{}", h.to_text());
        }
    }

    #[test]
    fn checker_handles_a_long_concurrent_history_quickly() {
        let h = simulated_history(99, 12, 1_000);
        let started = std::time::Instant::now();
        let found = check(&h);
        assert!(found.is_empty(), "{found:?}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "checking {} ops took {:?}",
            h.ops.len(),
            started.elapsed()
        );
    }

    #[test]
    fn checker_rejects_a_simulated_history_with_a_stale_read_injected() {
        // Take a valid history and make one late read of r:0 return the first value written.
        let mut h = simulated_history(7, 10, 60);
        let first = h
            .ops
            .iter()
            .filter(|o| o.key == "r:0" && o.is_ok())
            .find_map(|o| match &o.call {
                Call::Set(v) => Some(v.clone()),
                _ => None,
            })
            .expect("some write to r:0");
        let last_read = h
            .ops
            .iter()
            .rposition(|o| o.key == "r:0" && o.call == Call::Get)
            .expect("final read");
        assert_ne!(
            h.ops[last_read].outcome,
            Outcome::Ok(Value::Str(first.clone()))
        );
        h.ops[last_read].outcome = Outcome::Ok(Value::Str(first));
        assert!(!check(&h).is_empty());
    }
}
