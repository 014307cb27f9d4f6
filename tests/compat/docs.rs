//! `COMMAND DOCS` as clients consume it: the `redis` crate over RESP2 and RESP3, and
//! `redis-cli`, which builds its `HELP` text and the hints it shows while a command is typed
//! from that reply (with an empty reply it has neither).
//!
//! The hint check drives an interactive `redis-cli` through `script` (util-linux), which gives
//! it a pseudo-terminal; it waits for output, never for time.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use redis::Value;

use crate::cluster::targets;
use crate::common::strip_ansi;
use crate::tools::cli;

/// Longest a `redis-cli` run, or one wait for interactive output, may take.
const CLI_TIMEOUT: Duration = Duration::from_secs(60);

/// What redis-cli shows for SET's arguments when the docs' argument tree is right.
const SET_HINT: &str = "key value [NX|XX] [GET] [EX seconds|PX milliseconds|\
                        EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]";

/// Returns true when `tool` runs with `args`; prints a SKIP notice otherwise.
fn installed(tool: &str, args: &[&str]) -> bool {
    match Command::new(tool).args(args).output() {
        Ok(output) if output.status.success() => true,
        _ => {
            eprintln!("SKIP: {tool} is not installed");
            false
        }
    }
}

/// Returns true when the installed redis-cli is 7.0 or later, the first to build its help from
/// `COMMAND DOCS`; prints a SKIP notice otherwise.
fn cli_reads_docs() -> bool {
    let version = Command::new("redis-cli")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let major = version
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_some_and(|m| m >= 7) {
        return true;
    }
    eprintln!("SKIP: redis-cli 7 or later is not installed ({version:?})");
    false
}

/// A string reply's text; other replies in debug form.
fn text(value: &Value) -> String {
    match value {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        Value::VerbatimString { text, .. } => text.clone(),
        other => format!("{other:?}"),
    }
}

/// The entries of a RESP3 map or of a RESP2 array of alternating keys and values.
fn pairs(value: &Value) -> Vec<(&Value, &Value)> {
    match value {
        Value::Map(pairs) => pairs.iter().map(|(k, v)| (k, v)).collect(),
        Value::Array(items) if items.len() % 2 == 0 => {
            items.chunks(2).map(|kv| (&kv[0], &kv[1])).collect()
        }
        other => panic!("not a map: {other:?}"),
    }
}

/// The value under `key` in a map-like reply.
fn field<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    pairs(value)
        .into_iter()
        .find(|(k, _)| text(k) == key)
        .map(|(_, v)| v)
}

fn items(value: &Value) -> &[Value] {
    match value {
        Value::Array(items) | Value::Set(items) => items,
        other => panic!("not an array: {other:?}"),
    }
}

/// Every token in an argument tree, depth first.
fn tokens(args: &[Value], out: &mut Vec<String>) {
    for arg in args {
        if let Some(token) = field(arg, "token") {
            out.push(text(token));
        }
        if let Some(nested) = field(arg, "arguments") {
            tokens(items(nested), out);
        }
    }
}

/// Checks one full `COMMAND DOCS` reply against `COMMAND` on the same connection.
fn check_docs(who: &str, conn: &mut dyn redis::ConnectionLike) {
    let commands: Vec<Value> = redis::cmd("COMMAND").query(conn).expect("COMMAND");
    let mut names = BTreeSet::new();
    let mut subcommands = BTreeSet::new();
    for entry in &commands {
        let fields = items(entry);
        names.insert(text(&fields[0]));
        for sub in items(&fields[9]) {
            subcommands.insert(text(&items(sub)[0]));
        }
    }
    assert!(names.len() > 50, "{who}: COMMAND lists {names:?}");
    let docs: Value = redis::cmd("COMMAND")
        .arg("DOCS")
        .query(conn)
        .expect("COMMAND DOCS");
    let mut documented = BTreeSet::new();
    let mut documented_subs = BTreeSet::new();
    for (name, doc) in pairs(&docs) {
        let name = text(name);
        for key in ["summary", "since", "group", "complexity"] {
            // Redis's docs give MONITOR no complexity, and its reply leaves the field out.
            if key == "complexity" && name == "monitor" {
                assert!(field(doc, key).is_none(), "{who}: {doc:?}");
                continue;
            }
            let value = field(doc, key).map(text).unwrap_or_default();
            assert!(!value.is_empty(), "{who}: {name} has no {key}: {doc:?}");
        }
        if let Some(subs) = field(doc, "subcommands") {
            for (sub, sub_doc) in pairs(subs) {
                assert!(field(sub_doc, "summary").is_some(), "{who}: {sub:?}");
                documented_subs.insert(text(sub));
            }
        }
        documented.insert(name);
    }
    assert_eq!(documented, names, "{who}: COMMAND DOCS vs COMMAND");
    assert_eq!(documented_subs, subcommands, "{who}: subcommands");

    let set = pairs(&docs)
        .into_iter()
        .find(|(k, _)| text(k) == "set")
        .map(|(_, v)| v)
        .expect("SET is documented");
    let mut set_tokens = Vec::new();
    tokens(
        items(field(set, "arguments").expect("SET arguments")),
        &mut set_tokens,
    );
    assert_eq!(
        set_tokens,
        ["NX", "XX", "GET", "EX", "PX", "EXAT", "PXAT", "KEEPTTL"],
        "{who}"
    );
}

#[test]
fn command_docs_cover_every_command() {
    for target in targets() {
        let who = target.role;
        check_docs(&format!("{who} over RESP2"), &mut target.client());
        let client =
            redis::Client::open(format!("redis://127.0.0.1:{}/?protocol=resp3", target.port))
                .expect("a valid URL");
        let mut conn = client
            .get_connection()
            .unwrap_or_else(|e| panic!("{who}: RESP3 connection: {e}"));
        let docs: Value = redis::cmd("COMMAND")
            .arg("DOCS")
            .arg("get")
            .query(&mut conn)
            .expect("COMMAND DOCS get");
        assert!(matches!(docs, Value::Map(_)), "{who}: RESP3 docs {docs:?}");
        check_docs(&format!("{who} over RESP3"), &mut conn);
    }
}

#[test]
fn redis_cli_prints_command_docs() {
    if !installed("redis-cli", &["--version"]) {
        return;
    }
    for target in targets() {
        let who = target.role;
        let docs: Value = redis::cmd("COMMAND")
            .arg("DOCS")
            .arg("get")
            .query(&mut target.client())
            .expect("COMMAND DOCS get");
        let (_, get) = pairs(&docs)[0];
        let summary = text(field(get, "summary").expect("a summary"));
        // Without a terminal redis-cli prints each string of the nested reply on its own line.
        let finished = cli(&target, &["COMMAND", "DOCS", "get"]);
        let lines: Vec<&str> = finished.stdout.lines().collect();
        for line in [
            "get",
            "summary",
            summary.as_str(),
            "arguments",
            "key",
            "key_spec_index",
        ] {
            assert!(
                lines.contains(&line),
                "{who}: COMMAND DOCS get lacks {line:?}: {}",
                finished.stdout
            );
        }
    }
}

/// `redis-cli HELP <command>` renders the syntax line from `COMMAND DOCS` (its built-in table
/// is only used when the server is unreachable), so this checks the argument trees the way
/// redis-cli reads them.
#[test]
fn redis_cli_help_is_built_from_our_docs() {
    if !cli_reads_docs() {
        return;
    }
    for target in targets() {
        let who = target.role;
        let mut conn = target.client();
        for (args, syntax) in [
            (vec!["SET"], format!("SET {SET_HINT}")),
            (
                vec!["GETEX"],
                "GETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|\
                 PXAT unix-time-milliseconds|PERSIST]"
                    .into(),
            ),
            (
                vec!["HELLO"],
                "HELLO [protover [AUTH username password] [SETNAME clientname]]".into(),
            ),
            (vec!["MSET"], "MSET key value [key value ...]".into()),
            (vec!["EXPIRE"], "EXPIRE key seconds [NX|XX|GT|LT]".into()),
            (
                vec!["CLIENT", "SETNAME"],
                "CLIENT SETNAME connection-name".into(),
            ),
            (
                vec!["CLIENT", "LIST"],
                "CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]]"
                    .into(),
            ),
        ] {
            let name = args.join("|").to_lowercase();
            let docs: Value = redis::cmd("COMMAND")
                .arg("DOCS")
                .arg(&name)
                .query(&mut conn)
                .expect("COMMAND DOCS");
            let (_, doc) = pairs(&docs)[0];
            let summary = text(field(doc, "summary").expect("a summary"));
            let mut help_args = vec!["HELP"];
            help_args.extend(&args);
            let finished = cli(&target, &help_args);
            let help = strip_ansi(&finished.stdout);
            let lines: Vec<&str> = help.lines().map(str::trim).collect();
            assert!(
                lines.contains(&syntax.as_str()),
                "{who}: HELP {args:?} lacks {syntax:?}: {help}"
            );
            let summary_line = format!("summary: {summary}");
            assert!(
                lines.contains(&summary_line.as_str()),
                "{who}: HELP {args:?} lacks {summary_line:?}: {help}"
            );
        }
    }
}

/// An interactive `redis-cli` in a pseudo-terminal, whose output is collected by a thread.
struct Interactive {
    /// The `script` process running redis-cli.
    child: Child,
    /// Output chunks from the reader thread.
    output_rx: mpsc::Receiver<Vec<u8>>,
    /// Everything received so far.
    seen: Vec<u8>,
}

impl Interactive {
    fn start(port: u16) -> Self {
        let inner = format!("stty cols 400 rows 50; exec redis-cli -h 127.0.0.1 -p {port}");
        let mut child = Command::new("script")
            .args(["-q", "-e", "-c", &inner, "/dev/null"])
            .env("TERM", "xterm")
            .env("REDISCLI_HISTFILE", "/dev/null")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("spawn script: {e}"));
        let mut stdout = child.stdout.take().expect("stdout is piped");
        let (output_tx, output_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                // The receiver is gone once the test is done with the session.
                if n == 0 || output_tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Interactive {
            child,
            output_rx,
            seen: Vec::new(),
        }
    }

    /// Waits until the output received so far contains `needle`; returns all of it.
    fn wait_for(&mut self, needle: &str) -> Result<String, String> {
        let deadline = Instant::now() + CLI_TIMEOUT;
        loop {
            let seen = strip_ansi(&String::from_utf8_lossy(&self.seen));
            if seen.contains(needle) {
                return Ok(seen);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.output_rx.recv_timeout(left) {
                Ok(chunk) => self.seen.extend_from_slice(&chunk),
                Err(_) => return Err(format!("no {needle:?} in the output: {seen:?}")),
            }
        }
    }

    fn type_text(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().expect("stdin is piped");
        stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush())
            .unwrap_or_else(|e| panic!("type into redis-cli: {e}"));
    }
}

impl Drop for Interactive {
    fn drop(&mut self) {
        // An error means the process already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// redis-cli shows the rest of a command's syntax after the cursor while it is typed; the hint
/// comes from `COMMAND DOCS` and is drawn on the terminal, so this looks at the terminal.
#[test]
fn redis_cli_hints_while_typing() {
    if !cli_reads_docs() || !installed("script", &["--version"]) {
        return;
    }
    for target in targets() {
        let who = target.role;
        let mut session = Interactive::start(target.port);
        let prompt = format!("127.0.0.1:{}> ", target.port);
        session
            .wait_for(&prompt)
            .unwrap_or_else(|e| panic!("{who}: {e}"));
        // The line editor only reads keys once its prompt is up, so typing now is not lost.
        session.type_text("set ");
        let screen = session
            .wait_for(SET_HINT)
            .unwrap_or_else(|e| panic!("{who}: no SET hint: {e}"));
        assert!(
            screen.contains(&format!("{prompt}set {SET_HINT}")),
            "{who}: {screen:?}"
        );
        // After the key, the hint moves on to the value and the options.
        session.type_text("k");
        session
            .wait_for("set k value [NX|XX] [GET]")
            .unwrap_or_else(|e| panic!("{who}: hint after the key: {e}"));
        session.type_text("\x15quit\r");
        let deadline = Instant::now() + CLI_TIMEOUT;
        loop {
            match session.child.try_wait() {
                Ok(Some(status)) => {
                    assert!(status.success(), "{who}: redis-cli exited with {status}");
                    break;
                }
                Ok(None) if Instant::now() < deadline => {
                    // Drain output so the pseudo-terminal never blocks redis-cli.
                    if let Ok(chunk) = session.output_rx.recv_timeout(Duration::from_millis(100)) {
                        session.seen.extend_from_slice(&chunk);
                    }
                }
                other => panic!("{who}: redis-cli did not quit: {other:?}"),
            }
        }
    }
}
