//! Raw-socket checks: what a client library never sends, byte for byte.
//!
//! Inline commands, malformed frames and oversized bulk headers go over a plain `TcpStream`,
//! and the test reads until the server closes the connection or stays quiet for
//! [`QUIET_WINDOW`], so both the reply bytes and whether the connection closed are checked.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::cluster::{self, Target, targets};
use crate::common;

/// How long a connection must stay silent, after the expected reply, to count as left open.
const QUIET_WINDOW: Duration = Duration::from_millis(300);

/// How long the server may take to close a connection after a framing error.
const CLOSE_DEADLINE: Duration = Duration::from_secs(5);

/// What the server did with one raw request.
#[derive(Debug, PartialEq, Eq)]
struct Exchange {
    /// Every byte the server sent back.
    reply: String,
    /// Whether the server closed the connection.
    closed: bool,
}

/// Sends `payload` on a fresh connection to `port` and collects the reply until the server
/// closes the connection, or `expected_len` bytes arrived and a [`QUIET_WINDOW`] passed.
fn exchange(port: u16, payload: &[u8], expected_len: usize) -> Exchange {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|e| panic!("connect to port {port}: {e}"));
    stream
        .write_all(payload)
        .unwrap_or_else(|e| panic!("write to port {port}: {e}"));
    read_reply(&mut stream, expected_len)
}

fn read_reply(stream: &mut TcpStream, expected_len: usize) -> Exchange {
    let start = Instant::now();
    let mut reply = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let timeout = if reply.len() >= expected_len {
            QUIET_WINDOW
        } else {
            CLOSE_DEADLINE
                .saturating_sub(start.elapsed())
                .max(Duration::from_millis(1))
        };
        stream
            .set_read_timeout(Some(timeout))
            .expect("a non-zero timeout");
        match stream.read(&mut buf) {
            Ok(0) => return exchange_of(reply, true),
            Ok(n) => reply.extend_from_slice(&buf[..n]),
            // A reset after the reply is a close too: the server dropped unread input.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return exchange_of(reply, true);
            }
            // A signal interrupted the read (see `common::Client`): read again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if reply.len() >= expected_len || start.elapsed() >= CLOSE_DEADLINE {
                    return exchange_of(reply, false);
                }
            }
            Err(e) => panic!("read a raw reply: {e}"),
        }
    }
}

fn exchange_of(reply: Vec<u8>, closed: bool) -> Exchange {
    Exchange {
        reply: String::from_utf8_lossy(&reply).into_owned(),
        closed,
    }
}

/// Raw requests, the exact bytes Redis 7 answers, and whether it then closes the connection.
const CASES: &[(&[u8], &str, bool)] = &[
    (b"PING\r\n", "+PONG\r\n", false),
    (b"PING\n", "+PONG\r\n", false),
    (b"\r\nPING\r\n", "+PONG\r\n", false),
    (b"ping hello\r\n", "$5\r\nhello\r\n", false),
    (
        b"SET \"wire:a b\" \"hello world\"\r\nGET \"wire:a b\"\r\n",
        "+OK\r\n$11\r\nhello world\r\n",
        false,
    ),
    (b"*1\r\n$4\r\nPING\r\n", "+PONG\r\n", false),
    (b"*1\r\n$4\r\nPING\r\nPING\r\n", "+PONG\r\n+PONG\r\n", false),
    (b"*-1\r\n*0\r\nPING\r\n", "+PONG\r\n", false),
    (
        b"NOSUCH a\r\nPING\r\n",
        "-ERR unknown command 'NOSUCH', with args beginning with: 'a' \r\n+PONG\r\n",
        false,
    ),
    (
        b"*1\r\n$x\r\n",
        "-ERR Protocol error: invalid bulk length\r\n",
        true,
    ),
    (
        b"*x\r\n",
        "-ERR Protocol error: invalid multibulk length\r\n",
        true,
    ),
    (
        b"*2\r\n$3\r\nGET\r\n:5\r\n",
        "-ERR Protocol error: expected '$', got ':'\r\n",
        true,
    ),
    (
        b"*1\r\n$4\r\nPING\r\n*1\r\n$-5\r\n",
        "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n",
        true,
    ),
    (
        b"SET \"a b\r\n",
        "-ERR Protocol error: unbalanced quotes in request\r\n",
        true,
    ),
    (b"QUIT\r\n", "+OK\r\n", true),
];

fn check_cases(port: u16, who: &str) -> Result<(), String> {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|&(payload, reply, closed)| {
            let expected = Exchange {
                reply: reply.to_owned(),
                closed,
            };
            let actual = exchange(port, payload, reply.len());
            (actual != expected).then(|| {
                format!(
                    "{who}: {:?}\n    expected: {expected:?}\n    actual:   {actual:?}",
                    String::from_utf8_lossy(payload)
                )
            })
        })
        .collect();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

#[test]
fn raw_cases_match_reference_redis() {
    let Some(reference) = cluster::reference() else {
        return;
    };
    reference.check(
        "raw requests",
        check_cases(reference.ports[0], "redis-server"),
    );
}

#[test]
fn inline_commands_and_malformed_frames() {
    for target in targets() {
        cluster::shared().check("raw requests", check_cases(target.port, target.role));
        // The framing errors above closed only their own connections.
        let mut conn = target.client();
        let pong: String = redis::cmd("PING")
            .query(&mut conn)
            .expect("PING after framing errors");
        assert_eq!(pong, "PONG");
    }
}

/// Largest bulk the limits cluster accepts, in bytes.
const MAX_BULK_LEN: usize = 1024;

/// Password of the limits cluster.
const PASSWORD: &str = "s3cret";

#[test]
fn bulk_limit_and_requirepass() {
    let cluster = cluster::start_cluster(
        &[
            "--proto-max-bulk-len",
            &MAX_BULK_LEN.to_string(),
            "--requirepass",
            PASSWORD,
        ],
        Some(PASSWORD),
    );
    let (leader, follower) = cluster::roles_with(&cluster.ports, Some(PASSWORD));
    for target in [
        Target {
            role: "leader",
            port: leader,
        },
        Target {
            role: "follower",
            port: follower,
        },
    ] {
        cluster.check(
            "requirepass",
            std::panic::catch_unwind(|| check_requirepass(&target)).map_err(panic_text),
        );
        cluster.check(
            "bulk limit",
            std::panic::catch_unwind(|| check_bulk_limit(&target)).map_err(panic_text),
        );
    }
}

/// Returns the message of a caught panic.
fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic".to_owned())
}

fn auth_line() -> String {
    format!("*2\r\n$4\r\nAUTH\r\n${}\r\n{PASSWORD}\r\n", PASSWORD.len())
}

fn check_requirepass(target: &Target) {
    let who = target.role;
    let noauth = "-NOAUTH Authentication required.\r\n";
    let wrongpass = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    // The HELLO text is Redis 7.2's; 7.0 lacks the `<proto> `.
    let cases: Vec<(String, String, bool)> = vec![
        ("PING\r\n".into(), noauth.into(), false),
        ("GET k\r\n".into(), noauth.into(), false),
        ("AUTH wrong\r\nGET k\r\n".into(), format!("{wrongpass}{noauth}"), false),
        ("AUTH default wrong\r\n".into(), wrongpass.into(), false),
        (
            format!("{}SET limits:k v\r\nGET limits:k\r\n", auth_line()),
            "+OK\r\n+OK\r\n$1\r\nv\r\n".into(),
            false,
        ),
        (
            format!("AUTH default {PASSWORD}\r\nPING\r\n"),
            "+OK\r\n+PONG\r\n".into(),
            false,
        ),
        ("HELLO 3\r\n".into(), "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n".into(), false),
    ];
    for (payload, reply, closed) in cases {
        let actual = exchange(target.port, payload.as_bytes(), reply.len());
        let expected = Exchange { reply, closed };
        assert_eq!(actual, expected, "{who}: {payload:?}");
    }
    // HELLO with AUTH authenticates and switches protocol in one step.
    let client = redis::Client::open(format!(
        "redis://default:{PASSWORD}@127.0.0.1:{}/?protocol=resp3",
        target.port
    ))
    .expect("a valid URL");
    let mut conn = client
        .get_connection()
        .unwrap_or_else(|e| panic!("{who}: HELLO 3 AUTH: {e}"));
    let value: Option<String> = redis::cmd("GET")
        .arg("limits:k")
        .query(&mut conn)
        .unwrap_or_else(|e| panic!("{who}: GET over RESP3: {e}"));
    assert_eq!(value.as_deref(), Some("v"), "{who}");
}

fn check_bulk_limit(target: &Target) {
    let who = target.role;
    let refused = "-ERR Protocol error: invalid bulk length\r\n";
    let at_limit = "x".repeat(MAX_BULK_LEN);
    let over_limit = "x".repeat(MAX_BULK_LEN + 1);
    let set = |value: &str| {
        format!(
            "{}*3\r\n$3\r\nSET\r\n$12\r\nlimits:bulk1\r\n${}\r\n{value}\r\n",
            auth_line(),
            value.len()
        )
    };
    let actual = exchange(target.port, set(&at_limit).as_bytes(), 10);
    assert_eq!(
        actual,
        Exchange {
            reply: "+OK\r\n+OK\r\n".into(),
            closed: false
        },
        "{who}: a bulk of exactly --proto-max-bulk-len"
    );
    let actual = exchange(target.port, set(&over_limit).as_bytes(), 5 + refused.len());
    assert_eq!(
        actual,
        Exchange {
            reply: format!("+OK\r\n{refused}"),
            closed: true
        },
        "{who}: a bulk one byte over --proto-max-bulk-len"
    );
    // Only the header of a huge bulk: the server must refuse it from the header alone
    // instead of waiting for a gigabyte that never comes.
    let header = format!(
        "{}*3\r\n$3\r\nSET\r\n$12\r\nlimits:bulk2\r\n$1000000000\r\n",
        auth_line()
    );
    let start = Instant::now();
    let actual = exchange(target.port, header.as_bytes(), 5 + refused.len());
    assert_eq!(
        actual,
        Exchange {
            reply: format!("+OK\r\n{refused}"),
            closed: true
        },
        "{who}: a $1000000000 header"
    );
    assert!(
        start.elapsed() < QUIET_WINDOW + Duration::from_secs(2),
        "{who}: the refusal took {:?}",
        start.elapsed()
    );
    let mut conn = common::connect(target.port).expect("connect after refusals");
    redis::cmd("AUTH")
        .arg(PASSWORD)
        .query::<()>(&mut conn)
        .expect("AUTH");
    let value: Option<String> = redis::cmd("GET")
        .arg("limits:bulk1")
        .query(&mut conn)
        .expect("GET");
    assert_eq!(value, Some(at_limit), "{who}: the accepted bulk was stored");
    let value: Option<String> = redis::cmd("GET")
        .arg("limits:bulk2")
        .query(&mut conn)
        .expect("GET");
    assert_eq!(value, None, "{who}: the refused bulk was not stored");
}

/// The monitoring side of a MONITOR test: reads whole lines, keeping what follows them.
struct MonitorReader {
    stream: TcpStream,
    /// Bytes read past the last whole line.
    pending: String,
}

impl MonitorReader {
    /// The next whole line (without `\r\n`).
    fn line(&mut self) -> String {
        let start = Instant::now();
        let mut buf = [0; 4096];
        self.stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("a non-zero timeout");
        loop {
            if let Some(end) = self.pending.find("\r\n") {
                let line = self.pending[..end].to_owned();
                self.pending.drain(..end + 2);
                return line;
            }
            assert!(
                start.elapsed() < CLOSE_DEADLINE,
                "no whole line in {:?}",
                self.pending
            );
            match self.stream.read(&mut buf) {
                Ok(0) => panic!("the monitor connection closed: {:?}", self.pending),
                Ok(n) => self.pending.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(e) => panic!("read monitor lines: {e}"),
            }
        }
    }

    /// Reads monitor lines until one of `addr`'s ends with `needle`; returns `addr`'s lines
    /// without their `+<time> [0 <addr>] ` prefix. Every line must be a monitor line (seconds,
    /// six digits of microseconds, database 0); other clients' lines (the servers are shared
    /// with tests running beside this one) are left out.
    fn lines_until(&mut self, addr: &str, needle: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let line = self.line();
            let (time, rest) = line
                .strip_prefix('+')
                .and_then(|l| l.split_once(' '))
                .unwrap_or_else(|| panic!("not a monitor line: {line:?}"));
            let (secs, micros) = time.split_once('.').unwrap_or(("", ""));
            assert!(
                secs.parse::<u64>().is_ok() && micros.len() == 6 && micros.parse::<u32>().is_ok(),
                "time of {line:?}"
            );
            assert!(rest.starts_with("[0 "), "{line:?} does not name db 0");
            if let Some(command) = rest.strip_prefix(&format!("[0 {addr}] ")) {
                lines.push(command.to_owned());
                if command.ends_with(needle) {
                    return lines;
                }
            }
        }
    }

    /// Sends `request` and reads monitor lines until its `reply` line comes.
    fn reply_after_lines(&mut self, request: &[u8], reply: &str) {
        self.stream.write_all(request).expect("write a request");
        loop {
            let line = self.line();
            if line == reply {
                return;
            }
            assert!(line.contains(" [0 "), "{line:?} came before {reply:?}");
        }
    }
}

/// Sends one raw request on `stream` and reads its reply of `len` bytes.
fn request(stream: &mut TcpStream, payload: &[u8], len: usize) -> String {
    stream.write_all(payload).expect("write a request");
    let mut reply = vec![0; len];
    stream
        .set_read_timeout(Some(CLOSE_DEADLINE))
        .expect("a non-zero timeout");
    let mut got = 0;
    while got < len {
        match stream.read(&mut reply[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            // Short: the comparison shows what came.
            Err(_) => break,
        }
    }
    String::from_utf8_lossy(&reply[..got]).into_owned()
}

/// MONITOR on `port`: what another client sends shows, quoted and with credentials redacted,
/// in the order sent; unknown, malformed and administrative commands do not; RESET ends it.
/// Returns the lines seen, without their time and address.
fn check_monitor(port: u16) -> Vec<String> {
    let connect = || {
        TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("connect to {port}: {e}"))
    };
    let mut monitor = connect();
    assert_eq!(request(&mut monitor, b"MONITOR\r\n", 5), "+OK\r\n");
    let monitor_addr = monitor.local_addr().expect("a local address").to_string();
    let mut monitor = MonitorReader {
        stream: monitor,
        pending: String::new(),
    };
    let mut client = connect();
    let addr = client.local_addr().expect("a local address").to_string();
    let sent: &[(&[u8], &str)] = &[
        (
            b"*3\r\n$3\r\nSET\r\n$5\r\nmon:k\r\n$6\r\na \"b\n\x01\r\n",
            "+OK\r\n",
        ),
        (b"get mon:k\r\n", "$6\r\na \"b\n\x01\r\n"),
        (
            b"GET\r\n",
            "-ERR wrong number of arguments for 'get' command\r\n",
        ),
        (
            b"NOSUCH x\r\n",
            "-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n",
        ),
        (
            b"CONFIG GET maxclients\r\n",
            "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n",
        ),
        (
            b"AUTH user pass\r\n",
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
        ),
        (b"ECHO \"\\t\"\r\n", "$1\r\n\t\r\n"),
        (b"PING\r\n", "+PONG\r\n"),
    ];
    for (payload, reply) in sent {
        let got = request(&mut client, payload, reply.len());
        assert_eq!(&got, reply, "{payload:?}");
    }
    let lines = monitor.lines_until(&addr, "\"PING\"");
    // CLIENT LIST (administrative: no line) flags the monitor `O`.
    client
        .write_all(b"CLIENT LIST\r\n")
        .expect("write CLIENT LIST");
    let list = read_reply(&mut client, 1).reply;
    let line = list
        .lines()
        .find(|l| l.contains(&format!("addr={monitor_addr} ")))
        .unwrap_or_else(|| panic!("no {monitor_addr} in {list:?}"));
    assert!(line.contains(" flags=O "), "{line}");
    // RESET ends monitoring: once its reply came (other clients' lines may precede it), a
    // PING from the client shows no line ahead of the monitor's own PING reply.
    monitor.reply_after_lines(b"RESET\r\n", "+RESET");
    assert_eq!(request(&mut client, b"PING\r\n", 7), "+PONG\r\n");
    // Nothing came after RESET's reply: the next line is this PING's.
    monitor.stream.write_all(b"PING\r\n").expect("write PING");
    assert_eq!(monitor.line(), "+PONG");
    lines
}

#[test]
fn monitor_shows_what_clients_send() {
    let expected = [
        r#""SET" "mon:k" "a \"b\n\x01""#,
        r#""get" "mon:k""#,
        r#""AUTH" "(redacted)" "(redacted)""#,
        r#""ECHO" "\t""#,
        r#""PING""#,
    ];
    if let Some(reference) = cluster::reference() {
        assert_eq!(check_monitor(reference.ports[0]), expected, "redis-server");
    }
    for target in targets() {
        assert_eq!(check_monitor(target.port), expected, "{}", target.role);
    }
}
