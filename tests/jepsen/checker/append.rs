//! Checks one list key (APPEND of unique `;`-terminated tokens, GET of the whole string).
//!
//! Appends build one total order, and every read returns a prefix of it. The longest read stands
//! for that order, and the checks are:
//!
//! - each read is a prefix of the longest one, has no token twice, and holds only tokens whose
//!   APPEND was acknowledged or unknown (never failed) and invoked before the read ended;
//! - each read holds every acknowledged append that completed before the read started (so the
//!   final read after healing proves no acknowledged append was lost);
//! - a read that starts after another ended is at least as long;
//! - if append a completed before append b was invoked, a comes first;
//! - an acknowledged APPEND returned the byte length of the order up to and including its token.

use std::collections::{HashMap, HashSet};

use super::{Anomaly, describe};
use crate::history::{Call, Op, Outcome, Value, split_tokens};

/// One APPEND, keyed by its token.
struct Append {
    /// History id.
    id: usize,
    /// When it was sent.
    invoke_ns: u64,
    /// Completion time if acknowledged.
    acked_at: Option<u64>,
    /// Length returned if acknowledged.
    returned_len: Option<i64>,
    /// Whether it certainly did not happen.
    failed: bool,
}

/// One acknowledged GET of the list.
struct Read<'a> {
    /// History id.
    id: usize,
    /// When it was sent.
    invoke_ns: u64,
    /// When it was answered.
    complete_ns: u64,
    /// The tokens it saw, in order.
    tokens: Vec<&'a str>,
}

/// Checks the operations of one list key; `ops` carry their history ids.
pub fn check<'a>(key: &str, ops: &[(usize, &'a Op)]) -> Vec<Anomaly> {
    let mut anomalies = Vec::new();
    let op_of = |id: usize| {
        ops.iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| format!("#{id}"), |(i, op)| describe(*i, op))
    };
    let mut appends: HashMap<&'a str, Append> = HashMap::new();
    let mut reads: Vec<Read<'a>> = Vec::new();
    for &(id, op) in ops {
        match (&op.call, &op.outcome) {
            (Call::Append(token), outcome) => {
                let append = Append {
                    id,
                    invoke_ns: op.invoke_ns,
                    acked_at: op.is_ok().then_some(op.complete_ns),
                    returned_len: match outcome {
                        Outcome::Ok(Value::Int(n)) => Some(*n),
                        _ => None,
                    },
                    failed: matches!(outcome, Outcome::Failed(_)),
                };
                if let Some(first) = appends.insert(token.as_str(), append) {
                    anomalies.push(Anomaly::new(
                        key,
                        format!(
                            "the workload appended {token:?} twice: {} and {}",
                            op_of(first.id),
                            op_of(id)
                        ),
                    ));
                }
            }
            (Call::Get, Outcome::Ok(Value::Nil)) => reads.push(Read {
                id,
                invoke_ns: op.invoke_ns,
                complete_ns: op.complete_ns,
                tokens: Vec::new(),
            }),
            (Call::Get, Outcome::Ok(Value::Str(s))) => reads.push(Read {
                id,
                invoke_ns: op.invoke_ns,
                complete_ns: op.complete_ns,
                tokens: split_tokens(s),
            }),
            (Call::Get, Outcome::Failed(_) | Outcome::Unknown(_)) => {}
            _ => anomalies.push(Anomaly::new(
                key,
                format!("unexpected operation on a list: {}", describe(id, op)),
            )),
        }
    }
    if !anomalies.is_empty() {
        return anomalies;
    }

    let mut acked: Vec<(&str, &Append)> = appends
        .iter()
        .filter(|(_, a)| a.acked_at.is_some())
        .map(|(t, a)| (*t, a))
        .collect();
    acked.sort_by_key(|(_, a)| a.acked_at);

    for r in &reads {
        let mut seen = HashSet::new();
        for token in &r.tokens {
            if !seen.insert(*token) {
                anomalies.push(Anomaly::new(
                    key,
                    format!("duplicated append: {token:?} twice in {}", op_of(r.id)),
                ));
            }
            match appends.get(token) {
                None => anomalies.push(Anomaly::new(
                    key,
                    format!("token {token:?} was never appended: {}", op_of(r.id)),
                )),
                Some(a) if a.failed => anomalies.push(Anomaly::new(
                    key,
                    format!(
                        "token {token:?} of failed {} appears in {}",
                        op_of(a.id),
                        op_of(r.id)
                    ),
                )),
                Some(a) if a.invoke_ns > r.complete_ns => anomalies.push(Anomaly::new(
                    key,
                    format!(
                        "token {token:?} appears in {} before {} was invoked",
                        op_of(r.id),
                        op_of(a.id)
                    ),
                )),
                Some(_) => {}
            }
        }
        for (token, a) in acked
            .iter()
            .take_while(|(_, a)| a.acked_at.is_some_and(|t| t < r.invoke_ns))
        {
            if !seen.contains(token) {
                anomalies.push(Anomaly::new(
                    key,
                    format!(
                        "lost append: {} completed before {} started, which lacks {token:?}",
                        op_of(a.id),
                        op_of(r.id)
                    ),
                ));
            }
        }
    }

    let Some(longest) = reads.iter().max_by_key(|r| r.tokens.len()) else {
        return anomalies;
    };
    let order = &longest.tokens;
    for r in &reads {
        if !order.starts_with(&r.tokens) {
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "reads disagree on the order: {} is not a prefix of {}",
                    op_of(r.id),
                    op_of(longest.id)
                ),
            ));
        }
    }

    // A read starting after another ended is at least as long: sweep reads by start.
    let mut by_complete: Vec<&Read> = reads.iter().collect();
    by_complete.sort_by_key(|r| r.complete_ns);
    let mut by_invoke: Vec<&Read> = reads.iter().collect();
    by_invoke.sort_by_key(|r| r.invoke_ns);
    let mut done = 0;
    let mut longest_ended: Option<&Read> = None;
    for r in by_invoke {
        while done < by_complete.len() && by_complete[done].complete_ns < r.invoke_ns {
            let earlier = by_complete[done];
            if longest_ended.is_none_or(|l| earlier.tokens.len() > l.tokens.len()) {
                longest_ended = Some(earlier);
            }
            done += 1;
        }
        if let Some(l) = longest_ended
            && r.tokens.len() < l.tokens.len()
        {
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "list shrank: {} saw {} tokens, then {} started later and saw {}",
                    op_of(l.id),
                    l.tokens.len(),
                    op_of(r.id),
                    r.tokens.len()
                ),
            ));
        }
    }

    // Real-time order: position of each token, and the latest position among acknowledged
    // appends completed before a given time.
    let position: HashMap<&str, usize> = order.iter().enumerate().map(|(p, t)| (*t, p)).collect();
    let mut prefix_latest: Vec<(u64, Option<(usize, &str)>)> = Vec::new();
    let mut latest: Option<(usize, &str)> = None;
    for (token, a) in &acked {
        if let Some(&p) = position.get(token)
            && latest.is_none_or(|(l, _)| p > l)
        {
            latest = Some((p, token));
        }
        prefix_latest.push((a.acked_at.unwrap_or(u64::MAX), latest));
    }
    for (p, token) in order.iter().enumerate() {
        let Some(b) = appends.get(token) else {
            continue;
        };
        let k = prefix_latest.partition_point(|(t, _)| *t < b.invoke_ns);
        if k == 0 {
            continue;
        }
        if let Some((q, earlier)) = prefix_latest[k - 1].1
            && q > p
        {
            anomalies.push(Anomaly::new(
                key,
                format!(
                    "order violates real time: {} completed before {} was invoked, yet \
                     {earlier:?} comes after {token:?}",
                    op_of(appends[earlier].id),
                    op_of(b.id)
                ),
            ));
        }
    }

    // Returned lengths: the byte length of the order up to and including the token.
    let mut ends = Vec::with_capacity(order.len());
    let mut total = 0i64;
    for token in order {
        total += token.len() as i64;
        ends.push(total);
    }
    for (token, a) in &acked {
        let Some(len) = a.returned_len else { continue };
        match position.get(token) {
            Some(&p) if ends[p] != len => anomalies.push(Anomaly::new(
                key,
                format!(
                    "{} returned length {len}, but its token ends at byte {} of the order",
                    op_of(a.id),
                    ends[p]
                ),
            )),
            None if len <= total => anomalies.push(Anomaly::new(
                key,
                format!(
                    "lost append: {} returned length {len}, but the order of {total} bytes \
                     lacks its token",
                    op_of(a.id)
                ),
            )),
            _ => {}
        }
    }
    anomalies
}

#[cfg(test)]
mod tests {
    use super::super::build::Builder;
    use super::*;
    use crate::history::History;

    const K: &str = "l:x";

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
    fn sequential_appends_and_reads_are_valid() {
        assert_valid(
            &Builder::new()
                .get(K, None, (0, 1))
                .append(K, "a;", 2, (2, 3))
                .get(K, Some("a;"), (4, 5))
                .append(K, "bb;", 5, (6, 7))
                .get(K, Some("a;bb;"), (8, 9))
                .build(),
        );
    }

    #[test]
    fn concurrent_appends_may_land_in_either_order() {
        for (first, second) in [("a;", "b;"), ("b;", "a;")] {
            let all = format!("{first}{second}");
            let mut b = Builder::new();
            let len_a = if first == "a;" { 2 } else { 4 };
            b.append(K, "a;", len_a, (0, 10))
                .append(K, "b;", 6 - len_a, (1, 9))
                .get(K, Some(first), (2, 3))
                .get(K, Some(&all), (11, 12));
            assert_valid(&b.build());
        }
    }

    #[test]
    fn unknown_appends_may_appear_later_or_never() {
        assert_valid(
            &Builder::new()
                .append(K, "a;", 2, (0, 1))
                .append_unknown(K, "u;", (2, 3))
                .append_unknown(K, "v;", (2, 3))
                .get(K, Some("a;"), (4, 5))
                .append(K, "b;", 4, (6, 7))
                .get(K, Some("a;b;u;"), (8, 9))
                .build(),
        );
    }

    #[test]
    fn duplicated_append_is_rejected() {
        assert_invalid(
            &Builder::new()
                .append(K, "a;", 2, (0, 1))
                .get(K, Some("a;a;"), (2, 3))
                .build(),
            "duplicated append",
        );
    }

    #[test]
    fn lost_append_is_rejected() {
        assert_invalid(
            &Builder::new()
                .append(K, "a;", 2, (0, 1))
                .append(K, "b;", 4, (2, 3))
                .get(K, Some("a;"), (4, 5))
                .build(),
            "lost append",
        );
    }

    #[test]
    fn token_never_appended_is_rejected() {
        assert_invalid(
            &Builder::new().get(K, Some("zz;"), (0, 1)).build(),
            "never appended",
        );
    }

    #[test]
    fn failed_append_appearing_is_rejected() {
        assert_invalid(
            &Builder::new()
                .append_failed(K, "a;", (0, 1))
                .get(K, Some("a;"), (2, 3))
                .build(),
            "of failed",
        );
    }

    #[test]
    fn reads_disagreeing_on_order_are_rejected() {
        assert_invalid(
            &Builder::new()
                .append(K, "a;", 2, (0, 10))
                .append(K, "b;", 4, (0, 10))
                .get(K, Some("b;"), (1, 2))
                .get(K, Some("a;b;"), (11, 12))
                .build(),
            "disagree on the order",
        );
    }

    #[test]
    fn order_against_real_time_is_rejected() {
        assert_invalid(
            &Builder::new()
                .append(K, "a;", 4, (0, 1))
                .append(K, "b;", 2, (2, 3))
                .get(K, Some("b;a;"), (4, 5))
                .build(),
            "violates real time",
        );
    }

    #[test]
    fn list_shrinking_is_rejected() {
        assert_invalid(
            &Builder::new()
                .append(K, "a;", 2, (0, 10))
                .get(K, Some("a;"), (1, 2))
                .get(K, None, (3, 4))
                .build(),
            "list shrank",
        );
    }

    #[test]
    fn wrong_returned_length_is_rejected() {
        assert_invalid(
            &Builder::new()
                .append(K, "a;", 2, (0, 1))
                .append(K, "b;", 2, (2, 3))
                .get(K, Some("a;b;"), (4, 5))
                .build(),
            "returned length",
        );
    }

    #[test]
    fn token_before_its_append_is_rejected() {
        assert_invalid(
            &Builder::new()
                .get(K, Some("a;"), (0, 1))
                .append_unknown(K, "a;", (2, 3))
                .build(),
            "before",
        );
    }
}
