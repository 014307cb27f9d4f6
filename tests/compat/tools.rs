//! The stock Redis tools against the cluster: `redis-cli` (plain commands, `--pipe` mass
//! insertion, RESP3) and `redis-benchmark`.
//!
//! CI installs Debian's `redis-tools`; on a machine without them each test prints a SKIP
//! notice and passes.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

use crate::cluster::{self, Target, targets};
use crate::common::{self, Finished, run_to_exit};

/// Number of SET commands `redis-cli --pipe` sends.
const PIPE_COMMANDS: usize = 10_000;

/// Requests per `redis-benchmark` test, as the issue asks.
const BENCHMARK_REQUESTS: &str = "20000";

/// Parallel `redis-benchmark` clients.
const BENCHMARK_CLIENTS: &str = "50";

/// Longest a `redis-cli` run may take before the test declares it hung.
const TOOL_TIMEOUT: Duration = Duration::from_secs(120);

/// Longest one `redis-benchmark` run may take. It takes ~10 s on an idle 2-core machine, but
/// several minutes when the machine is oversubscribed; only a hang should fail the test.
const BENCHMARK_TIMEOUT: Duration = Duration::from_secs(400);

/// Returns true when `tool` runs; prints a SKIP notice otherwise.
fn installed(tool: &str) -> bool {
    match Command::new(tool).arg("--version").output() {
        Ok(output) if output.status.success() => true,
        _ => {
            eprintln!("SKIP: {tool} is not installed (Debian package redis-tools)");
            false
        }
    }
}

/// Runs `redis-cli -p <port> <args>` and returns its output, checking it exits 0.
pub fn cli(target: &Target, args: &[&str]) -> Finished {
    let finished = run_to_exit(
        Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &target.port.to_string()])
            .args(args),
        TOOL_TIMEOUT,
    );
    assert!(
        finished.status.success(),
        "{}: redis-cli {args:?} exited with {}: {finished:?}",
        target.role,
        finished.status
    );
    finished
}

#[test]
fn redis_cli_commands() {
    if !installed("redis-cli") {
        return;
    }
    for target in targets() {
        let who = target.role;
        let key = format!("cli:{who}:k");
        let counter = format!("cli:{who}:n");
        // Without a terminal redis-cli prints raw replies, one per line.
        for (args, expected) in [
            (vec!["SET", &key, "hello world"], "OK\n"),
            (vec!["GET", &key], "hello world\n"),
            (vec!["INCR", &counter], "1\n"),
            (vec!["INCRBY", &counter, "41"], "42\n"),
            (vec!["EXISTS", &key, &counter], "2\n"),
            (vec!["GET", "cli:missing"], "\n"),
            (
                vec!["INCR", &key],
                "ERR value is not an integer or out of range\n\n",
            ),
        ] {
            let finished = cli(&target, &args);
            assert_eq!(finished.stdout, expected, "{who}: redis-cli {args:?}");
        }
        // A RESP3 map prints one `key value` line per entry.
        let hello = cli(&target, &["-3", "HELLO", "3"]);
        let lines: Vec<&str> = hello.stdout.lines().map(str::trim_end).collect();
        for line in ["server redis", "proto 3", "mode standalone", "role master"] {
            assert!(
                lines.contains(&line),
                "{who}: redis-cli -3 HELLO 3 lacks {line:?}: {:?}",
                hello.stdout
            );
        }
    }
}

#[test]
fn redis_cli_pipe_mass_insertion() {
    if !installed("redis-cli") {
        return;
    }
    for target in targets() {
        let who = target.role;
        let mut input = String::new();
        for i in 0..PIPE_COMMANDS {
            let key = format!("mass:{who}:{i}");
            let value = i.to_string();
            let _ = write!(
                input,
                "*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n${}\r\n{value}\r\n",
                key.len(),
                value.len()
            );
        }
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let path = dir.path().join("mass.resp");
        std::fs::write(&path, input).expect("write the mass-insertion input");
        // run_to_exit gives the child no stdin, so a shell redirects the file into it.
        let finished = run_to_exit(
            Command::new("sh")
                .arg("-c")
                .arg(r#"exec redis-cli -h 127.0.0.1 -p "$1" --pipe < "$2""#)
                .arg("sh")
                .arg(target.port.to_string())
                .arg(&path),
            TOOL_TIMEOUT,
        );
        assert!(
            finished.status.success(),
            "{who}: redis-cli --pipe exited with {}: {finished:?}",
            finished.status
        );
        let summary = format!("errors: 0, replies: {PIPE_COMMANDS}");
        assert!(
            finished.stdout.contains(&summary),
            "{who}: redis-cli --pipe did not report {summary:?}: {finished:?}"
        );
        // Spot-check the data on every node.
        for &port in &cluster::shared().ports {
            let mut conn = common::connect(port).expect("connect");
            for i in [0, PIPE_COMMANDS / 2, PIPE_COMMANDS - 1] {
                let value = common::get(&mut conn, &format!("mass:{who}:{i}")).expect("GET");
                assert_eq!(value, Some(i.to_string()), "{who}: port {port}, key {i}");
            }
        }
    }
}

#[test]
fn redis_benchmark_runs_clean() {
    if !installed("redis-benchmark") {
        return;
    }
    for target in targets() {
        run_benchmark(
            target.role,
            target.port,
            BENCHMARK_REQUESTS,
            "set,get,incr,mset",
            &["SET", "GET", "INCR", "MSET (10 keys)"],
        );
    }
}

/// redis-benchmark's tests of the other types, on fewer requests: its LPUSH and RPUSH grow one
/// list, which raft-kv copies on every write (see the README's known limits).
#[test]
fn redis_benchmark_runs_the_collection_tests_clean() {
    if !installed("redis-benchmark") {
        return;
    }
    for target in targets() {
        run_benchmark(
            target.role,
            target.port,
            "2000",
            "lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin",
            &[
                "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN",
            ],
        );
    }
}

/// Runs `redis-benchmark -q -t tests` against `port` and checks that it finishes, prints a
/// summary with a positive rate for each of `summaries`, and no error or warning.
fn run_benchmark(who: &str, port: u16, requests: &str, tests: &str, summaries: &[&str]) {
    let finished = run_to_exit(
        Command::new("redis-benchmark").args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-q",
            "-n",
            requests,
            "-c",
            BENCHMARK_CLIENTS,
            "-t",
            tests,
        ]),
        BENCHMARK_TIMEOUT,
    );
    assert!(
        finished.status.success(),
        "{who}: redis-benchmark exited with {}: {finished:?}",
        finished.status
    );
    // -q rewrites a progress line with `\r` and ends each test with its summary line.
    let printed: Vec<&str> = finished
        .stdout
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| line.contains("requests per second"))
        .collect();
    for test in summaries {
        let line = printed
            .iter()
            .find(|line| line.starts_with(&format!("{test}: ")))
            .unwrap_or_else(|| panic!("{who}: no {test} summary: {finished:?}"));
        let rps: f64 = line[test.len() + 2..]
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{who}: unreadable summary {line:?}"));
        assert!(rps > 0.0, "{who}: {line}");
    }
    let output = format!("{}\n{}", finished.stdout, finished.stderr).to_lowercase();
    for word in ["error", "warn", "err "] {
        assert!(
            !output.contains(word),
            "{who}: redis-benchmark printed {word:?}: {finished:?}"
        );
    }
    eprintln!("{who}: {}", printed.join(" | "));
}
