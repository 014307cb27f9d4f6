//! Reply scripts: a command per line and the reply real Redis 7 gives to it.
//!
//! A script line reads `COMMAND arg ... => expected`. Arguments split on whitespace; a
//! double-quoted argument may hold spaces and the escapes `\n`, `\r`, `\t`, `\"`, `\\` and
//! `\xHH`. `{p}` in arguments and expectations is replaced by a per-run key prefix, so the same
//! script runs side by side against several nodes of one cluster without key collisions.
//!
//! Expectations are replies rendered by [`render`]: `OK`/`PONG` for status replies, `"text"`
//! for bulk strings, `(integer) 5`, `nil`, `(error) ERR ...`, `[a, b]` for arrays,
//! `{k: v}` for maps. A `*` in an expectation matches any run of characters, and
//! `(integer) lo..hi` matches an integer in that inclusive range (for TTLs). A line whose
//! expectation starts with `unordered ` compares the elements of an array reply as a multiset
//! (for KEYS). An expectation that ends in a space is written with a `$` after it, since
//! trailing whitespace is trimmed.

use std::fmt::Write as _;

use redis::{ConnectionLike, Value};

/// One parsed script line.
#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based line number in the script, for failure messages.
    pub line: usize,
    /// The command name and its arguments, `{p}` already substituted.
    pub args: Vec<Vec<u8>>,
    /// The expected rendered reply, `{p}` already substituted.
    pub expected: String,
}

impl Step {
    /// Builds the `redis::Cmd` this step sends.
    pub fn cmd(&self) -> redis::Cmd {
        let mut cmd = redis::cmd(&String::from_utf8_lossy(&self.args[0]));
        for arg in &self.args[1..] {
            cmd.arg(&arg[..]);
        }
        cmd
    }

    /// Returns the command as a readable line, for failure messages.
    pub fn describe(&self) -> String {
        self.args
            .iter()
            .map(|a| quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Checks a reply against the expectation; returns a failure line if it does not match.
    pub fn check(&self, reply: &Value) -> Option<String> {
        match self.expected.strip_prefix("unordered ") {
            Some(_) => self.check_rendered(&render_unordered(reply)),
            None => self.check_rendered(&render(reply)),
        }
    }

    /// Checks an already rendered reply; see [`Step::check`].
    pub fn check_rendered(&self, actual: &str) -> Option<String> {
        let pattern = self
            .expected
            .strip_prefix("unordered ")
            .unwrap_or(&self.expected);
        if matches_expectation(pattern, actual) {
            None
        } else {
            Some(format!(
                "line {}: {}\n    expected: {}\n    actual:   {actual}",
                self.line,
                self.describe(),
                self.expected
            ))
        }
    }
}

/// Parses `script`, substituting `prefix` for `{p}`.
///
/// # Panics
///
/// Panics on a line without ` => ` or with an unterminated quote: scripts are test code.
pub fn parse(script: &str, prefix: &str) -> Vec<Step> {
    script
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            !line.is_empty() && !line.starts_with('#')
        })
        .map(|(i, line)| {
            let (command, expected) = line
                .split_once(" => ")
                .unwrap_or_else(|| panic!("script line {} has no ` => `: {line}", i + 1));
            let args = split_args(&command.replace("{p}", prefix))
                .unwrap_or_else(|e| panic!("script line {}: {e}: {line}", i + 1));
            assert!(!args.is_empty(), "script line {} has no command", i + 1);
            // A trailing `$` marks the end of an expectation that itself ends in a space.
            let expected = expected.trim();
            let expected = expected.strip_suffix('$').unwrap_or(expected);
            Step {
                line: i + 1,
                args,
                expected: expected.replace("{p}", prefix),
            }
        })
        .collect()
}

/// Runs every step of `script` on `conn` and returns one description per mismatch.
///
/// # Errors
///
/// Returns the list of mismatches (and I/O failures) when any step fails.
pub fn run(conn: &mut dyn ConnectionLike, script: &str, prefix: &str) -> Result<(), String> {
    let mut failures = Vec::new();
    for step in parse(script, prefix) {
        match conn.req_command(&step.cmd()) {
            Ok(reply) => failures.extend(step.check(&reply)),
            Err(e) => failures.push(format!(
                "line {}: {}\n    client error: {e}",
                step.line,
                step.describe()
            )),
        }
    }
    into_result(failures)
}

/// Runs every step of `script` on an async connection; see [`run`].
///
/// # Errors
///
/// Returns the list of mismatches (and I/O failures) when any step fails.
pub async fn run_async(
    conn: &mut impl redis::aio::ConnectionLike,
    script: &str,
    prefix: &str,
) -> Result<(), String> {
    let mut failures = Vec::new();
    for step in parse(script, prefix) {
        match conn.req_packed_command(&step.cmd()).await {
            Ok(reply) => failures.extend(step.check(&reply)),
            // Depending on the connection type a server error may arrive as an `Err`.
            Err(e) => match e.code() {
                Some(code) => {
                    let detail = e.detail().map(|d| format!(" {d}")).unwrap_or_default();
                    failures.extend(step.check_rendered(&format!("(error) {code}{detail}")));
                }
                None => failures.push(format!(
                    "line {}: {}\n    client error: {e}",
                    step.line,
                    step.describe()
                )),
            },
        }
    }
    into_result(failures)
}

pub fn into_result(failures: Vec<String>) -> Result<(), String> {
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} mismatch(es):\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// Renders a reply in the notation scripts use for expectations.
pub fn render(value: &Value) -> String {
    let mut out = String::new();
    render_into(&mut out, value);
    out
}

fn render_unordered(value: &Value) -> String {
    match value {
        Value::Array(items) | Value::Set(items) => {
            let mut items: Vec<String> = items.iter().map(render).collect();
            items.sort();
            format!("[{}]", items.join(", "))
        }
        other => render(other),
    }
}

fn render_into(out: &mut String, value: &Value) {
    match value {
        Value::Nil => out.push_str("nil"),
        Value::Int(i) => {
            let _ = write!(out, "(integer) {i}");
        }
        Value::BulkString(bytes) => out.push_str(&quote(bytes)),
        Value::SimpleString(s) => out.push_str(s),
        Value::Okay => out.push_str("OK"),
        Value::Array(items) => render_list(out, "[", items, "]"),
        Value::Set(items) => render_list(out, "~[", items, "]"),
        Value::Push { kind, data } => {
            let _ = write!(out, "(push {kind:?}) ");
            render_list(out, "[", data, "]");
        }
        Value::Map(pairs) => {
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_into(out, k);
                out.push_str(": ");
                render_into(out, v);
            }
            out.push('}');
        }
        Value::Attribute { data, .. } => render_into(out, data),
        Value::Double(d) => {
            let _ = write!(out, "(double) {d}");
        }
        Value::Boolean(b) => {
            let _ = write!(out, "(bool) {b}");
        }
        Value::VerbatimString { text, .. } => {
            let _ = write!(out, "(verbatim) {}", quote(text.as_bytes()));
        }
        Value::BigNumber(n) => {
            let _ = write!(out, "(bignum) {n:?}");
        }
        Value::ServerError(e) => {
            out.push_str("(error) ");
            out.push_str(e.code());
            if let Some(detail) = e.details() {
                out.push(' ');
                out.push_str(detail);
            }
        }
        // `Value` is non-exhaustive; a new variant shows up verbatim in the failure.
        #[allow(unreachable_patterns)]
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

fn render_list(out: &mut String, open: &str, items: &[Value], close: &str) {
    out.push_str(open);
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        render_into(out, item);
    }
    out.push_str(close);
}

/// Quotes bytes the way scripts write them: printable ASCII as is, the rest escaped.
pub fn quote(bytes: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in bytes {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
    }
    out.push('"');
    out
}

/// Splits a command line into arguments, honouring double quotes and escapes.
fn split_args(line: &str) -> Result<Vec<Vec<u8>>, String> {
    let mut args = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(first) = chars.next() else {
            return Ok(args);
        };
        let mut arg = Vec::new();
        if first == '"' {
            loop {
                match chars.next() {
                    None => return Err("unterminated quote".to_owned()),
                    Some('"') => break,
                    Some('\\') => arg.push(unescape(&mut chars)?),
                    Some(c) => push_char(&mut arg, c),
                }
            }
        } else {
            push_char(&mut arg, first);
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                push_char(&mut arg, c);
            }
        }
        args.push(arg);
    }
}

fn push_char(arg: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    arg.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

fn unescape(chars: &mut impl Iterator<Item = char>) -> Result<u8, String> {
    match chars.next() {
        Some('n') => Ok(b'\n'),
        Some('r') => Ok(b'\r'),
        Some('t') => Ok(b'\t'),
        Some('"') => Ok(b'"'),
        Some('\\') => Ok(b'\\'),
        Some('x') => {
            let hex: String = chars.take(2).collect();
            u8::from_str_radix(&hex, 16).map_err(|e| format!("bad \\x escape {hex:?}: {e}"))
        }
        other => Err(format!("unknown escape \\{other:?}")),
    }
}

/// Matches `actual` against an expectation with `*` wildcards or an `(integer) lo..hi` range.
fn matches_expectation(pattern: &str, actual: &str) -> bool {
    if let Some(range) = pattern.strip_prefix("(integer) ")
        && let Some((lo, hi)) = range.split_once("..")
        && let (Ok(lo), Ok(hi)) = (lo.parse::<i64>(), hi.parse::<i64>())
    {
        return actual
            .strip_prefix("(integer) ")
            .and_then(|n| n.parse::<i64>().ok())
            .is_some_and(|n| (lo..=hi).contains(&n));
    }
    glob(pattern.as_bytes(), actual.as_bytes())
}

/// `*`-only glob matching over bytes.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((&p, rest)) => text
            .split_first()
            .is_some_and(|(&t, tail)| t == p && glob(rest, tail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_lines_parse_with_quotes_and_prefix() {
        let steps = parse(
            "# comment\n\nSET {p}k \"a b\\x00\\\"\" => OK\nGET {p}k => \"a b\\x00\\\"\"\n",
            "t:",
        );
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].line, 3);
        assert_eq!(
            steps[0].args,
            vec![b"SET".to_vec(), b"t:k".to_vec(), b"a b\x00\"".to_vec()]
        );
        let reply = Value::BulkString(b"a b\x00\"".to_vec());
        assert_eq!(steps[1].check(&reply), None);
        assert!(steps[1].check(&Value::Nil).is_some());
    }

    #[test]
    fn expectations_support_wildcards_ranges_and_unordered_arrays() {
        assert!(matches_expectation("(integer) 99..100", "(integer) 100"));
        assert!(!matches_expectation("(integer) 99..100", "(integer) 101"));
        assert!(!matches_expectation("(integer) 99..100", "\"100\""));
        assert!(matches_expectation("[\"*\", \"*\"]", "[\"17\", \"42\"]"));
        assert!(!matches_expectation("[\"*\", \"*\"]", "[\"17\"]"));
        let step = Step {
            line: 1,
            args: vec![b"KEYS".to_vec()],
            expected: "unordered [\"a\", \"b\"]".to_owned(),
        };
        let reply = Value::Array(vec![
            Value::BulkString(b"b".to_vec()),
            Value::BulkString(b"a".to_vec()),
        ]);
        assert_eq!(step.check(&reply), None);
    }
}
