//! The latency monitor: Redis's `LATENCY LATEST/HISTORY/RESET/GRAPH/DOCTOR`, for the
//! moments this node was slow, by kind of event.
//!
//! Off until `latency-monitor-threshold` (milliseconds) is set above 0, as in Redis. Then
//! every event that took at least that long is kept: per kind, the worst one of each second
//! for the last [`HISTORY`] seconds with events, and the worst one ever. The kinds:
//! - `command`: a command's execution (as in Redis);
//! - `driver-turn`: one turn of the node's Raft actor, during which it answered neither its
//!   peers nor its clients (a long one can cost an election);
//! - `wal-fsync`: writing a batch of log entries and syncing it to disk;
//! - `snapshot-write`: writing and syncing a snapshot file.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Samples kept per kind of event (Redis's `LATENCY_TS_LEN`).
pub const HISTORY: usize = 160;

/// Columns of `LATENCY GRAPH`: its newest samples.
const GRAPH_COLUMNS: usize = 80;

/// Rows of bars in `LATENCY GRAPH`.
const GRAPH_ROWS: u64 = 4;

/// One kind of event's samples.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Series {
    /// (Unix seconds, milliseconds), oldest first, one per second at most.
    pub samples: VecDeque<(i64, u64)>,
    /// The worst ever, in milliseconds.
    pub max_ms: u64,
}

/// The latency monitor's samples, by kind of event.
#[derive(Debug, Default)]
pub struct Events {
    /// `latency-monitor-threshold` in milliseconds; 0 turns the monitor off.
    threshold_ms: AtomicU64,
    series: Mutex<BTreeMap<&'static str, Series>>,
}

impl Events {
    /// `latency-monitor-threshold`.
    pub fn threshold_ms(&self) -> u64 {
        self.threshold_ms.load(Ordering::Relaxed)
    }

    /// CONFIG SET latency-monitor-threshold.
    pub fn set_threshold_ms(&self, ms: u64) {
        self.threshold_ms.store(ms, Ordering::Relaxed);
    }

    /// Keeps an event of kind `event` that took `took`, if the monitor is on and it took at
    /// least the threshold. Cheap otherwise: one atomic load.
    pub fn add(&self, event: &'static str, took: Duration) {
        let threshold = self.threshold_ms();
        let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
        if threshold == 0 || ms < threshold {
            return;
        }
        self.add_at(event, super::unix_secs(), ms);
    }

    fn add_at(&self, event: &'static str, unix_secs: i64, ms: u64) {
        let mut all = self.series.lock().unwrap_or_else(|e| e.into_inner());
        let series = all.entry(event).or_default();
        series.max_ms = series.max_ms.max(ms);
        match series.samples.back_mut() {
            Some((at, worst)) if *at == unix_secs => *worst = (*worst).max(ms),
            _ => {
                if series.samples.len() == HISTORY {
                    series.samples.pop_front();
                }
                series.samples.push_back((unix_secs, ms));
            }
        }
    }

    /// Every kind's samples, by name.
    pub fn all(&self) -> BTreeMap<&'static str, Series> {
        self.series
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// One kind's samples, if it has any.
    pub fn get(&self, event: &str) -> Option<Series> {
        let all = self.series.lock().unwrap_or_else(|e| e.into_inner());
        all.get(event).cloned()
    }

    /// LATENCY RESET: forgets the kinds named (every kind for none) and answers how many
    /// had samples.
    pub fn reset(&self, events: &[String]) -> usize {
        let mut all = self.series.lock().unwrap_or_else(|e| e.into_inner());
        if events.is_empty() {
            let n = all.len();
            all.clear();
            return n;
        }
        let before = all.len();
        all.retain(|name, _| !events.iter().any(|e| e == name));
        before - all.len()
    }
}

/// `LATENCY GRAPH`: the newest samples of `event` as bars, tallest for the worst, with each
/// sample's age below it, written downwards.
pub fn graph(event: &str, series: &Series, now_unix: i64) -> String {
    let samples: Vec<(i64, u64)> = series
        .samples
        .iter()
        .rev()
        .take(GRAPH_COLUMNS)
        .rev()
        .copied()
        .collect();
    let high = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let low = samples.iter().map(|s| s.1).min().unwrap_or(0);
    let mut out = format!(
        "{event} - high {high} ms, low {low} ms (all time high {} ms)\n{}\n",
        series.max_ms,
        "-".repeat(GRAPH_COLUMNS)
    );
    // A sample's bar is 1 to GRAPH_ROWS rows tall, by where it lies between low and high.
    let height = |ms: u64| {
        if high == low {
            GRAPH_ROWS
        } else {
            1 + (ms - low) * (GRAPH_ROWS - 1) / (high - low)
        }
    };
    for row in (1..=GRAPH_ROWS).rev() {
        let line: String = samples
            .iter()
            .map(|&(_, ms)| if height(ms) >= row { '#' } else { ' ' })
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let ages: Vec<Vec<char>> = samples
        .iter()
        .map(|&(at, _)| age(now_unix.saturating_sub(at)).chars().collect())
        .collect();
    let tallest = ages.iter().map(Vec::len).max().unwrap_or(0);
    out.push('\n');
    for i in 0..tallest {
        let line: String = ages
            .iter()
            .map(|a| a.get(i).copied().unwrap_or(' '))
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// An age as a few characters: `12s`, `5m`, `3h`, `2d`.
fn age(secs: i64) -> String {
    match secs.max(0) {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// `LATENCY DOCTOR`: what the monitor saw, in words, with what each kind of event means.
pub fn doctor(threshold_ms: u64, all: &BTreeMap<&'static str, Series>) -> String {
    if threshold_ms == 0 {
        return "The latency monitor is off on this node. Turn it on with CONFIG SET \
                latency-monitor-threshold <milliseconds>: events that take at least that long \
                are then kept, by kind (command, driver-turn, wal-fsync, snapshot-write).\n"
            .into();
    }
    if all.is_empty() {
        return format!(
            "No event on this node took {threshold_ms} ms or more since the monitor was turned \
             on or last reset.\n"
        );
    }
    let mut out = format!(
        "Events on this node that took {threshold_ms} ms or more (latency-monitor-threshold), \
         by kind:\n\n"
    );
    for (i, (event, series)) in all.iter().enumerate() {
        let n = series.samples.len() as u64;
        let sum: u64 = series.samples.iter().map(|s| s.1).sum();
        let average = sum / n.max(1);
        let (first, last) = (
            series.samples.front().map_or(0, |s| s.0),
            series.samples.back().map_or(0, |s| s.0),
        );
        let _ = writeln!(
            out,
            "{}. {event}: {n} second(s) with events over {} s, average worst {average} ms, \
             worst ever {} ms.",
            i + 1,
            last - first,
            series.max_ms
        );
        let _ = writeln!(out, "   {}", advice(event));
    }
    out
}

/// What an event of kind `event` means, and where to look.
fn advice(event: &str) -> &'static str {
    match event {
        "command" => {
            "Commands took long to execute: SLOWLOG GET names them. Large values and O(N) \
             commands on big keys are the usual cause."
        }
        "driver-turn" => {
            "The node's Raft turn stalled, and with it its answers to peers and clients; a \
             stall longer than the election timeout lets another node take over. Its log's \
             'slow driver turn' warnings say where the time went."
        }
        "wal-fsync" => {
            "Writing and syncing the log was slow. A write is acknowledged once a majority has \
             synced it, so a slow disk on most nodes slows every write: check the disk and \
             what else uses it."
        }
        "snapshot-write" => {
            "Writing a snapshot file was slow. It runs on a helper thread, but shares the disk \
             with the log; --snapshot-entries and --snapshot-bytes set how often it happens."
        }
        _ => "An event this version does not describe.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_below_the_threshold_or_with_the_monitor_off_are_not_kept() {
        let events = Events::default();
        events.add("command", Duration::from_secs(5));
        assert!(events.all().is_empty());
        events.set_threshold_ms(100);
        events.add("command", Duration::from_millis(99));
        assert!(events.all().is_empty());
        events.add("command", Duration::from_millis(100));
        assert_eq!(events.get("command").map(|s| s.max_ms), Some(100));
    }

    #[test]
    fn one_sample_per_second_the_worst_and_at_most_the_history() {
        let events = Events::default();
        events.add_at("wal-fsync", 10, 5);
        events.add_at("wal-fsync", 10, 30);
        events.add_at("wal-fsync", 10, 7);
        events.add_at("wal-fsync", 11, 8);
        let series = events.get("wal-fsync").expect("samples");
        assert_eq!(series.samples, VecDeque::from(vec![(10, 30), (11, 8)]));
        assert_eq!(series.max_ms, 30);
        for s in 0..500 {
            events.add_at("command", s, 1);
        }
        let series = events.get("command").expect("samples");
        assert_eq!(series.samples.len(), HISTORY);
        assert_eq!(series.samples.front(), Some(&(500 - HISTORY as i64, 1)));
        assert_eq!(events.reset(&["command".into(), "nosuch".into()]), 1);
        assert_eq!(events.reset(&[]), 1);
        assert!(events.all().is_empty());
    }

    #[test]
    fn the_graph_draws_bars_by_latency_and_ages_downwards() {
        let series = Series {
            samples: VecDeque::from(vec![(100, 10), (130, 40), (160, 25)]),
            max_ms: 90,
        };
        let graph = graph("driver-turn", &series, 170);
        let expected = "driver-turn - high 40 ms, low 10 ms (all time high 90 ms)\n".to_string()
            + &"-".repeat(80)
            + "\n #\n #\n ##\n###\n\n141\nm00\n ss\n";
        assert_eq!(graph, expected);
    }

    #[test]
    fn the_doctor_explains_each_kind() {
        assert!(doctor(0, &BTreeMap::new()).contains("is off"));
        assert!(doctor(5, &BTreeMap::new()).contains("No event"));
        let events = Events::default();
        events.add_at("driver-turn", 10, 300);
        events.add_at("driver-turn", 12, 100);
        let report = doctor(50, &events.all());
        assert!(
            report.contains("1. driver-turn: 2 second(s) with events over 2 s, average worst 200 ms, worst ever 300 ms."),
            "{report}"
        );
        assert!(report.contains("election timeout"), "{report}");
    }
}
