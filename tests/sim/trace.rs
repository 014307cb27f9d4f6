//! The human-readable trace printed when a seed is replayed (`RAFT_SIM_SEED=<n>`): one line per
//! delivered message, role change, membership change, crash, partition and client operation.
//!
//! Lines are only formatted when tracing is on, so batch runs pay nothing for them.

use raft_kv::raft::{Entry, Envelope, Membership, Message, Ready, RequestId};

/// Prints trace lines to stdout when enabled.
#[derive(Clone, Copy, Debug, Default)]
pub struct Trace {
    /// Whether to print anything.
    pub enabled: bool,
}

impl Trace {
    /// Prints `t=<now> <line>` if tracing is on; `line` is only built then.
    pub fn log(&self, now: u64, line: impl FnOnce() -> String) {
        if self.enabled {
            println!("t={now} {}", line());
        }
    }
}

/// Formats a message as `n1@2 → n3 AppendEntries prev=4@1 [5@2] commit=4`.
pub fn envelope(e: &Envelope) -> String {
    format!("n{}@{} → n{} {}", e.from, e.term, e.to, message(&e.message))
}

fn request(id: &RequestId) -> String {
    format!("r{}.{}", id.node, id.seq)
}

/// Formats a membership as `{1 2 3 +4}`: the voters, then the learners marked `+`.
pub fn membership(m: &Membership) -> String {
    let voters = m.voters.keys().map(|id| id.to_string());
    let learners = m.learners.keys().map(|id| format!("+{id}"));
    format!(
        "{{{}}}",
        voters.chain(learners).collect::<Vec<_>>().join(" ")
    )
}

fn entries(entries: &[Entry]) -> String {
    let one = |e: &Entry| match (&e.data, &e.membership) {
        (Some(_), _) => format!("{}@{}", e.index, e.term),
        (None, None) => format!("{}@{}(noop)", e.index, e.term),
        (None, Some(m)) => format!("{}@{}(members {})", e.index, e.term, membership(m)),
    };
    match entries {
        [] => "[]".to_string(),
        [e] => format!("[{}]", one(e)),
        [first, .., last] if entries.len() > 3 => {
            format!(
                "[{} .. {} ({} entries)]",
                one(first),
                one(last),
                entries.len()
            )
        }
        _ => format!(
            "[{}]",
            entries.iter().map(one).collect::<Vec<_>>().join(" ")
        ),
    }
}

fn message(m: &Message) -> String {
    match m {
        Message::AppendEntries {
            prev_index,
            prev_term,
            entries: es,
            commit,
            read_seq,
        } => format!(
            "AppendEntries prev={prev_index}@{prev_term} {} commit={commit} seq={read_seq}",
            entries(es)
        ),
        Message::AppendEntriesResponse {
            success: true,
            match_index,
            read_seq,
            last_index,
            ..
        } => {
            format!("AppendEntriesResponse ok match={match_index} last={last_index} seq={read_seq}")
        }
        Message::AppendEntriesResponse {
            success: false,
            reject_hint_index,
            reject_hint_term,
            read_seq,
            last_index,
            ..
        } => format!(
            "AppendEntriesResponse reject hint={reject_hint_index}@{reject_hint_term} \
             last={last_index} seq={read_seq}"
        ),
        Message::RequestVote {
            last_index,
            last_term,
            pre_vote,
            transfer,
        } => format!(
            "{} last={last_index}@{last_term}{}",
            if *pre_vote { "PreVote" } else { "RequestVote" },
            if *transfer { " transfer" } else { "" }
        ),
        Message::RequestVoteResponse { granted, pre_vote } => format!(
            "{} {}",
            if *pre_vote {
                "PreVoteResponse"
            } else {
                "RequestVoteResponse"
            },
            if *granted { "granted" } else { "rejected" }
        ),
        Message::InstallSnapshot { snapshot } => format!(
            "InstallSnapshot {}@{} ({} bytes, members {})",
            snapshot.index,
            snapshot.term,
            snapshot.data.len(),
            snapshot
                .membership
                .as_ref()
                .map_or("none".to_string(), membership)
        ),
        Message::ReadIndex { id } => format!("ReadIndex {}", request(id)),
        Message::ReadIndexResponse { id, index } => match index {
            Some(i) => format!("ReadIndexResponse {} index={i}", request(id)),
            None => format!("ReadIndexResponse {} refused", request(id)),
        },
        Message::TimeoutNow => "TimeoutNow".to_string(),
    }
}

/// Formats a request id as `r<node>.<seq>`.
pub fn request_id(id: &RequestId) -> String {
    request(id)
}

/// Summarises a `Ready`: what it persists, sends, applies and answers.
pub fn ready(r: &Ready) -> String {
    let mut parts = vec!["READY".to_string()];
    if let Some(hs) = r.hard_state {
        parts.push(format!(
            "hard_state(term={} vote={:?} commit={})",
            hs.term, hs.vote, hs.commit
        ));
    }
    if let Some(s) = &r.snapshot {
        parts.push(format!("snapshot={}@{}", s.index, s.term));
    }
    if !r.entries.is_empty() {
        parts.push(format!("persist={}", entries(&r.entries)));
    }
    if !r.messages.is_empty() {
        let sends: Vec<String> = r
            .messages
            .iter()
            .map(|e| format!("→n{} {}", e.to, message(&e.message)))
            .collect();
        parts.push(format!("send=[{}]", sends.join(", ")));
    }
    if !r.committed_entries.is_empty() {
        parts.push(format!("apply={}", entries(&r.committed_entries)));
    }
    for rs in &r.read_states {
        parts.push(format!("read_state({} {:?})", request(&rs.id), rs.index));
    }
    parts.join(" ")
}
