//! Guards the architecture the brief holds to: the consensus core and the state machine stay
//! pure (no async runtime, network, files, wall clock or global RNG), so the simulation can
//! drive them deterministically.

use std::fs;
use std::path::{Path, PathBuf};

const FORBIDDEN: [&str; 9] = [
    "tokio",
    "tonic",
    "prost",
    "std::fs",
    "Instant",
    "SystemTime",
    "thread_rng",
    "rand::rng",
    "rand::random",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn violations(dir: &str, allowed: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    assert!(!files.is_empty(), "no sources found under {dir}");
    let mut found = Vec::new();
    for file in files {
        let text =
            fs::read_to_string(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN.iter().filter(|w| !allowed.contains(w)) {
                if code.contains(word) {
                    found.push(format!(
                        "{}:{}: uses `{word}`: {}",
                        file.display(),
                        n + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn raft_core_is_pure() {
    let found = violations("src/raft", &[]);
    assert!(
        found.is_empty(),
        "the raft core must stay pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn kv_state_machine_is_deterministic() {
    // The state machine may use the generated command encoding, but no clock, I/O or runtime.
    let found = violations("src/kv", &["prost"]);
    assert!(
        found.is_empty(),
        "the kv state machine must stay deterministic:\n{}",
        found.join("\n")
    );
}
