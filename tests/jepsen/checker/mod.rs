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
            Some(KeyKind::List) => anomalies.extend(append::check(key, &ops)),
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
    use super::build::Builder;
    use super::*;

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
}
