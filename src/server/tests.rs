//! End-to-end tests of the RESP server over TCP, against an in-process `KvState` backend.

use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use super::backend::local::LocalBackend;
use super::{Options, serve};

/// Upper bound on waiting for a reply; a hang fails the test instead of blocking forever.
const REPLY_DEADLINE: Duration = Duration::from_secs(10);

struct Server {
    addr: std::net::SocketAddr,
    backend: LocalBackend,
    shutdown: CancellationToken,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn start(options: Options) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let backend = LocalBackend::default();
    let shutdown = CancellationToken::new();
    tokio::spawn(serve(listener, backend.clone(), options, shutdown.clone()));
    Server {
        addr,
        backend,
        shutdown,
    }
}

async fn connect(server: &Server) -> TcpStream {
    TcpStream::connect(server.addr).await.unwrap()
}

/// Sends `request` and reads until exactly `expected.len()` bytes arrived; returns them.
async fn exchange(stream: &mut TcpStream, request: &[u8], expected: &str) -> String {
    stream.write_all(request).await.unwrap();
    let mut buf = vec![0u8; expected.len()];
    tokio::time::timeout(REPLY_DEADLINE, stream.read_exact(&mut buf))
        .await
        .expect("reply in time")
        .expect("reply bytes");
    String::from_utf8_lossy(&buf).into_owned()
}

async fn expect(stream: &mut TcpStream, request: &str, expected: &str) {
    let got = exchange(stream, request.as_bytes(), expected).await;
    assert_eq!(got, expected, "request {request:?}");
}

/// Asserts the server closed the connection.
async fn expect_closed(stream: &mut TcpStream) {
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(REPLY_DEADLINE, stream.read(&mut buf))
        .await
        .expect("close in time")
        .unwrap_or(0);
    assert_eq!(n, 0, "unexpected bytes {:?}", &buf[..n]);
}

fn cmd(args: &[&str]) -> String {
    let mut s = format!("*{}\r\n", args.len());
    for a in args {
        s.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    s
}

#[tokio::test]
async fn basic_commands_and_inline() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    expect(&mut c, &cmd(&["PING"]), "+PONG\r\n").await;
    expect(&mut c, &cmd(&["PING", "hi"]), "$2\r\nhi\r\n").await;
    expect(&mut c, &cmd(&["ECHO", "x"]), "$1\r\nx\r\n").await;
    expect(&mut c, &cmd(&["SET", "k", "v"]), "+OK\r\n").await;
    expect(&mut c, &cmd(&["GET", "k"]), "$1\r\nv\r\n").await;
    expect(&mut c, &cmd(&["GET", "nope"]), "$-1\r\n").await;
    expect(&mut c, &cmd(&["INCR", "n"]), ":1\r\n").await;
    expect(&mut c, &cmd(&["DEL", "k", "n", "x"]), ":2\r\n").await;
    expect(&mut c, &cmd(&["EXISTS", "k"]), ":0\r\n").await;
    expect(&mut c, "set a \"b c\"\r\nget a\r\n", "+OK\r\n$3\r\nb c\r\n").await;
    expect(&mut c, &cmd(&["SELECT", "0"]), "+OK\r\n").await;
    expect(
        &mut c,
        &cmd(&["SELECT", "1"]),
        "-ERR DB index is out of range\r\n",
    )
    .await;
    expect(&mut c, &cmd(&["QUIT"]), "+OK\r\n").await;
    expect_closed(&mut c).await;
}

#[tokio::test]
async fn errors_are_redis_texts_and_never_proposed() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    expect(
        &mut c,
        &cmd(&["FOO", "a", "b"]),
        "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["GET"]),
        "-ERR wrong number of arguments for 'get' command\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["SET", "k", "v", "EX", "0"]),
        "-ERR invalid expire time in 'set' command\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["INCRBY", "k", "x"]),
        "-ERR value is not an integer or out of range\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["__PURGE", "k"]),
        "-ERR unknown command '__PURGE', with args beginning with: 'k' \r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["__VERSION", "k"]),
        "-ERR unknown command '__VERSION', with args beginning with: 'k' \r\n",
    )
    .await;
    assert!(server.backend.batches.lock().unwrap().is_empty());
    // The connection is still usable after client errors.
    expect(&mut c, &cmd(&["PING"]), "+PONG\r\n").await;
}

#[tokio::test]
async fn pipeline_is_split_into_runs() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let mut req = String::new();
    for i in 0..3 {
        req.push_str(&cmd(&["SET", &format!("k{i}"), &format!("{i}")]));
    }
    req.push_str(&cmd(&["GET", "k0"]));
    req.push_str(&cmd(&["MGET", "k1", "k2"]));
    req.push_str(&cmd(&["PING"]));
    req.push_str(&cmd(&["INCR", "k0"]));
    req.push_str(&cmd(&["GET", "k0"]));
    let want =
        "+OK\r\n+OK\r\n+OK\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n+PONG\r\n:1\r\n$1\r\n1\r\n";
    assert_eq!(exchange(&mut c, req.as_bytes(), want).await, want);
    let batches = server.backend.batches.lock().unwrap().clone();
    let sizes: Vec<usize> = batches.iter().map(|b| b.commands.len()).collect();
    assert_eq!(sizes, [3, 1], "three SETs in one batch, then the INCR");
    assert!(batches.iter().all(|b| !b.transaction && b.now_ms > 0));
    assert_eq!(
        *server.backend.reads.lock().unwrap(),
        2,
        "GET+MGET in one read, then GET"
    );
}

#[tokio::test]
async fn relative_ttls_are_proposed_as_absolute_times() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    expect(&mut c, &cmd(&["SET", "k", "v", "EX", "100"]), "+OK\r\n").await;
    expect(&mut c, &cmd(&["SETEX", "j", "100", "v"]), "+OK\r\n").await;
    expect(&mut c, &cmd(&["EXPIRE", "k", "50"]), ":1\r\n").await;
    let batches = server.backend.batches.lock().unwrap().clone();
    let args: Vec<Vec<Bytes>> = batches.iter().map(|b| b.commands[0].args.clone()).collect();
    assert_eq!(&args[0][..3], ["SET", "k", "v"]);
    assert_eq!(args[0][3], "PXAT");
    let at: i64 = std::str::from_utf8(&args[0][4]).unwrap().parse().unwrap();
    assert!((at - batches[0].now_ms - 100_000).abs() < 5_000);
    assert_eq!(args[1][3], "PXAT");
    assert_eq!(args[2][0], "PEXPIREAT");
    expect(&mut c, &cmd(&["TTL", "k"]), ":50\r\n").await;
}

#[tokio::test]
async fn multi_exec_and_watch() {
    let server = start(Options::default()).await;
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    expect(&mut a, &cmd(&["EXEC"]), "-ERR EXEC without MULTI\r\n").await;
    expect(&mut a, &cmd(&["DISCARD"]), "-ERR DISCARD without MULTI\r\n").await;
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    expect(
        &mut a,
        &cmd(&["MULTI"]),
        "-ERR MULTI calls can not be nested\r\n",
    )
    .await;
    expect(&mut a, &cmd(&["SET", "k", "1"]), "+QUEUED\r\n").await;
    expect(&mut a, &cmd(&["INCR", "k"]), "+QUEUED\r\n").await;
    expect(&mut a, &cmd(&["PING"]), "+QUEUED\r\n").await;
    expect(&mut a, &cmd(&["GET", "k"]), "+QUEUED\r\n").await;
    expect(
        &mut a,
        &cmd(&["EXEC"]),
        "*4\r\n+OK\r\n:2\r\n+PONG\r\n$1\r\n2\r\n",
    )
    .await;
    let tx = server
        .backend
        .batches
        .lock()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert!(tx.transaction);
    assert_eq!(tx.commands.len(), 3);

    // Queue-time errors abort the whole transaction.
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["SET", "k", "x"]), "+QUEUED\r\n").await;
    expect(
        &mut a,
        &cmd(&["GET"]),
        "-ERR wrong number of arguments for 'get' command\r\n",
    )
    .await;
    expect(
        &mut a,
        &cmd(&["EXEC"]),
        "-EXECABORT Transaction discarded because of previous errors.\r\n",
    )
    .await;
    expect(&mut a, &cmd(&["GET", "k"]), "$1\r\n2\r\n").await;

    // WATCH: another client's write makes EXEC fail.
    expect(&mut a, &cmd(&["WATCH", "k"]), "+OK\r\n").await;
    expect(&mut b, &cmd(&["SET", "k", "other"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    expect(
        &mut a,
        &cmd(&["WATCH", "x"]),
        "-ERR WATCH inside MULTI is not allowed\r\n",
    )
    .await;
    expect(&mut a, &cmd(&["SET", "k", "mine"]), "+QUEUED\r\n").await;
    expect(&mut a, &cmd(&["EXEC"]), "*-1\r\n").await;
    expect(&mut a, &cmd(&["GET", "k"]), "$5\r\nother\r\n").await;

    // Without interference, the watched transaction applies; EXEC clears the watch.
    expect(&mut a, &cmd(&["WATCH", "k", "fresh"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["SET", "k", "mine"]), "+QUEUED\r\n").await;
    expect(&mut a, &cmd(&["EXEC"]), "*1\r\n+OK\r\n").await;
    expect(&mut b, &cmd(&["SET", "k", "later"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["EXEC"]), "*0\r\n").await;

    // UNWATCH forgets the keys.
    expect(&mut a, &cmd(&["WATCH", "k"]), "+OK\r\n").await;
    expect(&mut b, &cmd(&["DEL", "k"]), ":1\r\n").await;
    expect(&mut a, &cmd(&["UNWATCH"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["SET", "k", "z"]), "+QUEUED\r\n").await;
    expect(&mut a, &cmd(&["EXEC"]), "*1\r\n+OK\r\n").await;
}

#[tokio::test]
async fn argument_errors_fail_only_their_slot_at_exec() {
    let server = start(Options::default()).await;
    let mut a = connect(&server).await;
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    for bad in [
        &["SET", "x", "1", "EX", "0"][..],
        &["SET", "y", "1"],
        &["SET", "w", "1", "FOO"],
        &["EXPIRE", "y", "10", "NX", "XX"],
        &["INCRBY", "y", "x"],
        // MSET's pair count is checked when it runs, not against the command table.
        &["MSET", "a", "1", "b"],
    ] {
        expect(&mut a, &cmd(bad), "+QUEUED\r\n").await;
    }
    expect(
        &mut a,
        &cmd(&["EXEC"]),
        "*6\r\n-ERR invalid expire time in 'set' command\r\n+OK\r\n-ERR syntax error\r\n\
         -ERR NX and XX, GT or LT options at the same time are not compatible\r\n\
         -ERR value is not an integer or out of range\r\n\
         -ERR wrong number of arguments for 'mset' command\r\n",
    )
    .await;
    // Only the valid command went through the log.
    let tx = server
        .backend
        .batches
        .lock()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    assert!(tx.transaction);
    assert_eq!(tx.commands.len(), 1);
    expect(&mut a, &cmd(&["GET", "y"]), "$1\r\n1\r\n").await;
    expect(&mut a, &cmd(&["EXISTS", "x", "w", "a"]), ":0\r\n").await;

    // Unknown commands and internal ones still doom the transaction.
    expect(&mut a, &cmd(&["MULTI"]), "+OK\r\n").await;
    expect(&mut a, &cmd(&["SET", "z", "1", "FOO"]), "+QUEUED\r\n").await;
    expect(
        &mut a,
        &cmd(&["__VERSION", "z"]),
        "-ERR unknown command '__VERSION', with args beginning with: 'z' \r\n",
    )
    .await;
    expect(
        &mut a,
        &cmd(&["EXEC"]),
        "-EXECABORT Transaction discarded because of previous errors.\r\n",
    )
    .await;
}

#[tokio::test]
async fn oversized_bulk_closes_without_buffering() {
    let server = start(Options {
        max_bulk_len: 10,
        ..Options::default()
    })
    .await;
    let mut c = connect(&server).await;
    // Only the header is sent: the refusal cannot depend on the payload arriving.
    expect(
        &mut c,
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$11\r\n",
        "-ERR Protocol error: invalid bulk length\r\n",
    )
    .await;
    expect_closed(&mut c).await;
    let mut c = connect(&server).await;
    expect(&mut c, &cmd(&["SET", "k", "0123456789"]), "+OK\r\n").await;
}

#[tokio::test]
async fn protocol_errors_close_after_earlier_replies() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let req = format!("{}*1\r\n:5\r\n", cmd(&["SET", "k", "v"]));
    expect(
        &mut c,
        &req,
        "+OK\r\n-ERR Protocol error: expected '$', got ':'\r\n",
    )
    .await;
    expect_closed(&mut c).await;
}

#[tokio::test]
async fn max_clients_refuses_extra_connections() {
    let server = start(Options {
        max_clients: 1,
        ..Options::default()
    })
    .await;
    let mut first = connect(&server).await;
    expect(&mut first, &cmd(&["PING"]), "+PONG\r\n").await;
    let mut second = connect(&server).await;
    let mut buf = vec![0u8; 36];
    tokio::time::timeout(REPLY_DEADLINE, second.read_exact(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(buf, b"-ERR max number of clients reached\r\n");
    expect_closed(&mut second).await;
    expect(&mut first, &cmd(&["QUIT"]), "+OK\r\n").await;
    expect_closed(&mut first).await;
    // The slot frees once the first connection is gone (its task may need a moment).
    let mut third = None;
    for _ in 0..100 {
        let mut c = connect(&server).await;
        c.write_all(cmd(&["PING"]).as_bytes()).await.unwrap();
        let mut buf = [0u8; 7];
        if c.read_exact(&mut buf).await.is_ok() && &buf == b"+PONG\r\n" {
            third = Some(c);
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(third.is_some());
}

#[tokio::test]
async fn auth_with_requirepass() {
    let server = start(Options {
        requirepass: Some("secret".into()),
        ..Options::default()
    })
    .await;
    let mut c = connect(&server).await;
    expect(
        &mut c,
        &cmd(&["GET", "k"]),
        "-NOAUTH Authentication required.\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["AUTH", "wrong"]),
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    expect(&mut c, &cmd(&["AUTH", "default", "secret"]), "+OK\r\n").await;
    expect(&mut c, &cmd(&["GET", "k"]), "$-1\r\n").await;

    let mut d = connect(&server).await;
    // Unauthenticated clients may not send big requests.
    let big = "*11\r\n";
    expect(
        &mut d,
        big,
        "-ERR Protocol error: unauthenticated multibulk length\r\n",
    )
    .await;
    let mut e = connect(&server).await;
    expect(
        &mut e,
        &cmd(&["HELLO", "3", "AUTH", "default", "secret"]),
        "%7\r\n",
    )
    .await;

    let open = start(Options::default()).await;
    let mut f = connect(&open).await;
    expect(
        &mut f,
        &cmd(&["AUTH", "x"]),
        "-ERR AUTH <password> called without any password configured for the default user. \
         Are you sure your configuration is correct?\r\n",
    )
    .await;
    // The default user has no password: any password works for it, other users do not exist.
    expect(&mut f, &cmd(&["AUTH", "default", "anything"]), "+OK\r\n").await;
    expect(
        &mut f,
        &cmd(&["AUTH", "nobody", "x"]),
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    expect(
        &mut f,
        &cmd(&["HELLO", "2", "AUTH", "nobody", "x"]),
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    // HELLO answers its map (a flat array in RESP2) instead of an error.
    let mut g = connect(&open).await;
    let hello = cmd(&["HELLO", "2", "AUTH", "default", "x"]);
    let prefix = "*14\r\n$6\r\nserver\r\n";
    assert_eq!(exchange(&mut g, hello.as_bytes(), prefix).await, prefix);
}

#[tokio::test]
async fn hello_switches_to_resp3() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    expect(
        &mut c,
        &cmd(&["HELLO", "4"]),
        "-NOPROTO unsupported protocol version\r\n",
    )
    .await;
    let want = "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.4.0\r\n\
                $5\r\nproto\r\n:3\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n\
                $4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
    expect(&mut c, &cmd(&["HELLO", "3"]), want).await;
    expect(&mut c, &cmd(&["GET", "nope"]), "_\r\n").await;
    expect(
        &mut c,
        &cmd(&["CONFIG", "GET", "databases"]),
        "%1\r\n$9\r\ndatabases\r\n$1\r\n1\r\n",
    )
    .await;
    expect(&mut c, &cmd(&["HELLO", "2"]), "*14\r\n").await;
}

#[tokio::test]
async fn info_has_raft_section() {
    let server = start(Options {
        node_id: 1,
        ..Options::default()
    })
    .await;
    let mut c = connect(&server).await;
    expect(&mut c, &cmd(&["SET", "a", "1", "EX", "100"]), "+OK\r\n").await;
    expect(&mut c, &cmd(&["SET", "b", "1"]), "+OK\r\n").await;
    let raft = "# Raft\r\nrole:leader\r\nnode_id:1\r\ncluster_id:\r\nterm:3\r\nleader_id:1\r\n\
                commit_index:7\r\nlast_applied:7\r\nlast_log_index:8\r\nsnapshot_index:0\r\n\
                wal_fsyncs:0\r\nwal_entries_written:0\r\nappends_sent:0\r\n\
                append_entries_sent:0\r\nreads_by_lease:0\r\nreads_by_round:0\r\nvoters:1=\r\nlearners:\r\nenrolled:\r\n";
    expect(
        &mut c,
        &cmd(&["INFO", "raft"]),
        &format!("${}\r\n{raft}\r\n", raft.len()),
    )
    .await;
    c.write_all(cmd(&["INFO"]).as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 8192];
    let mut got = Vec::new();
    while !got.ends_with(b"enrolled:\r\n\r\n") {
        let n = tokio::time::timeout(REPLY_DEADLINE, c.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8(got).unwrap();
    for section in [
        "# Server",
        "# Clients",
        "# Memory",
        "# Persistence",
        "# Stats",
        "# Replication",
        "# CPU",
        "# Errorstats",
        "# Keyspace",
    ] {
        assert!(text.contains(section), "{section} missing in {text}");
    }
    for field in [
        "used_memory_human:",
        "used_memory_peak:",
        "instantaneous_ops_per_sec:",
        "total_net_input_bytes:",
        "aof_enabled:1\r\n",
    ] {
        assert!(text.contains(field), "{field} missing in {text}");
    }
    let run_id = text
        .lines()
        .find_map(|l| l.strip_prefix("run_id:"))
        .expect("run_id");
    assert!(
        run_id.len() == 40 && run_id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{run_id}"
    );
    assert!(!text.contains("# Commandstats"), "not a default section");
    assert!(text.contains("redis_version:7.4.0"));
    assert!(text.contains("role:master"));
    assert!(text.contains("db0:keys=2,expires=1,"), "{text}");
}

/// INFO errorstats counts error replies by their first word, INFO stats their total, INFO
/// commandstats the calls, rejections and failures per command, LATENCY HISTOGRAM and INFO
/// latencystats their latencies; CONFIG RESETSTAT empties them all. INFO cpu reports this
/// process's CPU time.
#[tokio::test]
async fn error_replies_and_commands_are_counted() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let mut pending = bytes::BytesMut::new();
    let mut info = async |c: &mut TcpStream, section: &str| {
        c.write_all(cmd(&["INFO", section]).as_bytes())
            .await
            .unwrap();
        read_reply(c, &mut pending).await
    };
    expect(&mut c, &cmd(&["SET", "k", "v"]), "+OK\r\n").await;
    for (args, kind) in [
        (&["LPUSH", "k", "x"][..], "-WRONGTYPE"),
        (&["SET", "k"], "-ERR wrong number"),
        (&["SET", "k", "v", "NX", "XX"], "-ERR syntax"),
        (&["CLIENT", "NOPE"], "-ERR unknown subcommand"),
    ] {
        c.write_all(cmd(args).as_bytes()).await.unwrap();
        let mut got = vec![0u8; kind.len()];
        tokio::time::timeout(REPLY_DEADLINE, c.read_exact(&mut got))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&got), kind);
        let mut rest = Vec::new();
        while !rest.ends_with(b"\r\n") {
            let mut byte = [0u8; 1];
            c.read_exact(&mut byte).await.unwrap();
            rest.push(byte[0]);
        }
    }
    let errors = info(&mut c, "errorstats").await;
    assert!(errors.contains("errorstat_ERR:count=3\r\n"), "{errors}");
    assert!(
        errors.contains("errorstat_WRONGTYPE:count=1\r\n"),
        "{errors}"
    );
    let stats = info(&mut c, "stats").await;
    assert!(stats.contains("total_error_replies:4\r\n"), "{stats}");
    let commands = info(&mut c, "commandstats").await;
    assert!(
        commands.contains(",rejected_calls=1,failed_calls=1\r\n"),
        "SET's arity error is a rejection, its syntax error a failure: {commands}"
    );
    assert!(
        !commands.contains("cmdstat_client"),
        "as in Redis, an unknown subcommand is counted nowhere: {commands}"
    );
    // Latencies: one bucket of one CLIENT SETNAME; the percentiles INFO reports change.
    expect(&mut c, &cmd(&["CLIENT", "SETNAME", "timed"]), "+OK\r\n").await;
    c.write_all(cmd(&["LATENCY", "HISTOGRAM", "CLIENT", "nosuch"]).as_bytes())
        .await
        .unwrap();
    let histogram = read_reply(&mut c, &mut bytes::BytesMut::new()).await;
    let head = "*2\r\n$14\r\nclient|setname\r\n*4\r\n$5\r\ncalls\r\n:1\r\n\
                $14\r\nhistogram_usec\r\n*2\r\n:";
    assert!(histogram.starts_with(head), "{histogram:?}");
    assert!(histogram.ends_with("\r\n:1\r\n"), "{histogram:?}");
    expect(
        &mut c,
        &cmd(&[
            "CONFIG",
            "SET",
            "latency-tracking-info-percentiles",
            "0 100",
        ]),
        "+OK\r\n",
    )
    .await;
    let latencies = info(&mut c, "latencystats").await;
    assert!(
        latencies.contains("latency_percentiles_usec_client|setname:p0="),
        "{latencies}"
    );
    assert!(latencies.contains(",p100="), "{latencies}");
    let cpu = info(&mut c, "cpu").await;
    assert!(
        cpu.contains("used_cpu_user:") && cpu.contains("used_cpu_sys:"),
        "{cpu}"
    );
    expect(&mut c, &cmd(&["CONFIG", "RESETSTAT"]), "+OK\r\n").await;
    let errors = info(&mut c, "errorstats").await;
    assert!(!errors.contains("errorstat_"), "{errors}");
    let commands = info(&mut c, "commandstats").await;
    assert!(!commands.contains("cmdstat_set"), "{commands}");
    let latencies = info(&mut c, "latencystats").await;
    assert!(!latencies.contains("client|setname"), "{latencies}");
}

#[tokio::test]
async fn client_and_command_introspection() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    expect(&mut c, &cmd(&["CLIENT", "ID"]), ":1\r\n").await;
    expect(&mut c, &cmd(&["CLIENT", "GETNAME"]), "$-1\r\n").await;
    expect(&mut c, &cmd(&["CLIENT", "SETNAME", "app"]), "+OK\r\n").await;
    expect(&mut c, &cmd(&["CLIENT", "GETNAME"]), "$3\r\napp\r\n").await;
    expect(
        &mut c,
        &cmd(&["CLIENT", "SETNAME", "a b"]),
        "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["CLIENT", "SETINFO", "LIB-NAME", "redis-rs"]),
        "+OK\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["CLIENT", "FOO"]),
        "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n",
    )
    .await;
    expect(&mut c, &cmd(&["COMMAND", "DOCS", "nosuch"]), "*0\r\n").await;
    expect(
        &mut c,
        &cmd(&["COMMAND", "INFO", "nosuch"]),
        "*1\r\n$-1\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"]),
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    )
    .await;
    // Keys after a numkeys, and MIGRATE's after KEYS, as redis-server 7.0.15 finds them.
    for (command, keys) in [
        (
            &["EVAL", "return 1", "2", "a", "b", "c"][..],
            &["a", "b"][..],
        ),
        (&["FCALL", "f", "1", "a", "x"], &["a"]),
        (&["ZUNIONSTORE", "d", "2", "a", "b"], &["d", "a", "b"]),
        (&["LMPOP", "2", "a", "b", "LEFT"], &["a", "b"]),
        (
            &["MIGRATE", "h", "1", "", "0", "10", "KEYS", "a", "b"],
            &["a", "b"],
        ),
        (&["MIGRATE", "h", "1", "k", "0", "10"], &["k"]),
        (&["OBJECT", "ENCODING", "k"], &["k"]),
        (
            &["XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0"],
            &["a", "b"],
        ),
        (&["SORT", "k", "STORE", "d"], &["k", "d"]),
        (&["SET", "a", "b", "FOO"], &["a"]),
        (&["EVAL", "return 1", "5", "a"], &[]),
    ] {
        let mut request = vec!["COMMAND", "GETKEYS"];
        request.extend_from_slice(command);
        let mut expected = format!("*{}\r\n", keys.len());
        for key in keys {
            expected.push_str(&format!("${}\r\n{key}\r\n", key.len()));
        }
        expect(&mut c, &cmd(&request), &expected).await;
    }
    // The errors redis-server 7.0.15 gives for commands it cannot answer about.
    for (command, error) in [
        (&["NOSUCH", "x"][..], "Invalid command specified"),
        (&["PING", "x"], "The command has no key arguments"),
        (
            &["GET", "a", "b"],
            "Invalid number of arguments specified for command",
        ),
        (
            &["ZUNIONSTORE", "d", "2", "a"],
            "Invalid arguments specified for command",
        ),
    ] {
        let mut request = vec!["COMMAND", "GETKEYS"];
        request.extend_from_slice(command);
        expect(&mut c, &cmd(&request), &format!("-ERR {error}\r\n")).await;
    }
    let count = super::local::tests_command_count();
    expect(
        &mut c,
        &cmd(&["COMMAND", "COUNT"]),
        &format!(":{count}\r\n"),
    )
    .await;
    c.write_all(cmd(&["CLIENT", "LIST"]).as_bytes())
        .await
        .unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(REPLY_DEADLINE, c.read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    let list = String::from_utf8_lossy(&buf[..n]);
    assert!(list.contains("id=1 "), "{list}");
    assert!(list.contains("name=app "), "{list}");
    assert!(list.contains("lib-name=redis-rs"), "{list}");
}

/// CLIENT KILL closes other connections by id, address or the old `ip:port` form, counts
/// them, spares the caller unless SKIPME NO (which answers the caller before closing it), and
/// leaves everyone else connected.
#[tokio::test]
async fn client_kill_closes_matching_connections() {
    let server = start(Options::default()).await;
    let mut admin = connect(&server).await;
    expect(&mut admin, &cmd(&["CLIENT", "ID"]), ":1\r\n").await;
    let mut by_id = connect(&server).await;
    expect(&mut by_id, &cmd(&["CLIENT", "ID"]), ":2\r\n").await;
    let mut by_addr = connect(&server).await;
    let mut by_old_form = connect(&server).await;
    let mut bystander = connect(&server).await;
    expect(&mut bystander, &cmd(&["PING"]), "+PONG\r\n").await;

    expect(&mut admin, &cmd(&["CLIENT", "KILL", "ID", "2"]), ":1\r\n").await;
    expect_closed(&mut by_id).await;
    expect(&mut admin, &cmd(&["CLIENT", "KILL", "ID", "2"]), ":0\r\n").await;

    let addr = by_addr.local_addr().unwrap().to_string();
    let killed = cmd(&["CLIENT", "KILL", "ADDR", &addr, "TYPE", "normal"]);
    expect(&mut admin, &killed, ":1\r\n").await;
    expect_closed(&mut by_addr).await;
    let none = cmd(&["CLIENT", "KILL", "ADDR", &addr, "TYPE", "pubsub"]);
    expect(&mut admin, &none, ":0\r\n").await;

    let addr = by_old_form.local_addr().unwrap().to_string();
    expect(&mut admin, &cmd(&["CLIENT", "KILL", &addr]), "+OK\r\n").await;
    expect_closed(&mut by_old_form).await;
    expect(
        &mut admin,
        &cmd(&["CLIENT", "KILL", &addr]),
        "-ERR No such client\r\n",
    )
    .await;

    // The caller matches its own id but is skipped, unless it asks otherwise.
    expect(&mut admin, &cmd(&["CLIENT", "KILL", "ID", "1"]), ":0\r\n").await;
    expect(&mut bystander, &cmd(&["PING"]), "+PONG\r\n").await;
    let me = cmd(&["CLIENT", "KILL", "ID", "1", "SKIPME", "no"]);
    expect(&mut admin, &me, ":1\r\n").await;
    expect_closed(&mut admin).await;
    expect(&mut bystander, &cmd(&["PING"]), "+PONG\r\n").await;
}

/// CLIENT REPLY OFF silences every reply (errors too) until ON; SKIP drops its own reply and
/// the next command's, pipelined or not; RESET turns replies back on. Each PING names the
/// step, so the bytes that arrive show exactly which replies were sent.
#[tokio::test]
async fn client_reply_off_on_and_skip() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let mut script = String::new();
    for args in [
        &["CLIENT", "REPLY", "OFF"][..],
        &["PING", "silent-1"],
        &["SET", "k", "v"],
        &["NOSUCH"],
        &["CLIENT", "REPLY", "ON"],
        &["PING", "after-on"],
        &["CLIENT", "REPLY", "SKIP"],
        &["GET", "k"],
        &["PING", "after-skip"],
        &["CLIENT", "REPLY", "SKIP"],
        &["CLIENT", "REPLY", "ON"],
        &["CLIENT", "REPLY", "OFF"],
        &["RESET"],
        &["CLIENT", "REPLY", "BOGUS"],
        &["GET", "k"],
    ] {
        script.push_str(&cmd(args));
    }
    let expected = "+OK\r\n$8\r\nafter-on\r\n$10\r\nafter-skip\r\n+OK\r\n+RESET\r\n\
                    -ERR syntax error\r\n$1\r\nv\r\n";
    let got = exchange(&mut c, script.as_bytes(), expected).await;
    assert_eq!(got, expected);
}

/// SHUTDOWN answers nothing, closes the connection and asks the process to stop (the
/// token the binary waits on beside SIGTERM); ABORT finds no shutdown to abort, and bad
/// option combinations are syntax errors that stop nothing.
#[tokio::test]
async fn shutdown_asks_the_process_to_stop() {
    let options = Options::default();
    let requested = options.shutdown_request.clone();
    let server = start(options).await;
    let mut c = connect(&server).await;
    for (args, reply) in [
        (
            &["SHUTDOWN", "ABORT"][..],
            "-ERR No shutdown in progress.\r\n",
        ),
        (&["SHUTDOWN", "NOSAVE", "SAVE"], "-ERR syntax error\r\n"),
        (&["SHUTDOWN", "ABORT", "NOW"], "-ERR syntax error\r\n"),
        (&["SHUTDOWN", "LATER"], "-ERR syntax error\r\n"),
        (&["MULTI"], "+OK\r\n"),
        (
            &["SHUTDOWN"],
            "-ERR Command not allowed inside a transaction\r\n",
        ),
        (&["DISCARD"], "+OK\r\n"),
    ] {
        expect(&mut c, &cmd(args), reply).await;
    }
    assert!(!requested.is_cancelled());
    c.write_all(cmd(&["SHUTDOWN", "NOSAVE", "NOW"]).as_bytes())
        .await
        .unwrap();
    expect_closed(&mut c).await;
    assert!(requested.is_cancelled());
}

/// SAVE, BGSAVE and BGREWRITEAOF answer as Redis does (here, with nothing persisted, the
/// save is done at once); BGSAVE is queued inside MULTI, SAVE refused; a bad option is a
/// syntax error. WAITAOF checks its arguments as Redis does and, inside MULTI, answers at
/// once; ROLE answers in Redis's shape and FAILOVER with Redis's errors. CONFIG SET
/// notify-keyspace-events takes Redis's classes and refuses others.
#[tokio::test]
async fn saves_waitaof_role_and_keyspace_event_settings_answer_as_in_redis() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    for (args, reply) in [
        (&["SAVE"][..], "+OK\r\n"),
        (&["BGSAVE"], "+Background saving started\r\n"),
        (&["BGSAVE", "schedule"], "+Background saving started\r\n"),
        (&["BGSAVE", "now"], "-ERR syntax error\r\n"),
        (
            &["BGREWRITEAOF"],
            "+Background append only file rewriting started\r\n",
        ),
        (
            &["SAVE", "x"],
            "-ERR wrong number of arguments for 'save' command\r\n",
        ),
        (&["WAITAOF", "1", "0", "0"], "*2\r\n:1\r\n:0\r\n"),
        // A leader without replicas.
        (&["ROLE"], "*3\r\n$6\r\nmaster\r\n:7\r\n*0\r\n"),
        (
            &["FAILOVER"],
            "-ERR FAILOVER requires connected replicas.\r\n",
        ),
        (&["FAILOVER", "ABORT"], "-ERR No failover in progress.\r\n"),
        (
            &["FAILOVER", "ABORT", "TIMEOUT", "5"],
            "-ERR syntax error\r\n",
        ),
        (
            &["FAILOVER", "TIMEOUT", "0"],
            "-ERR FAILOVER timeout must be greater than 0\r\n",
        ),
        (&["FAILOVER", "TO", "h"], "-ERR syntax error\r\n"),
        (
            &["WAITAOF", "2", "0", "0"],
            "-ERR value is out of range, value must between 0 and 1\r\n",
        ),
        (
            &["WAITAOF", "1", "-1", "0"],
            "-ERR value is out of range, must be positive\r\n",
        ),
        (&["WAITAOF", "0", "0", "-5"], "-ERR timeout is negative\r\n"),
        (
            &["WAITAOF", "0", "0", "soon"],
            "-ERR timeout is not an integer or out of range\r\n",
        ),
        (&["MULTI"], "+OK\r\n"),
        (&["BGSAVE"], "+QUEUED\r\n"),
        (&["WAITAOF", "1", "3", "0"], "+QUEUED\r\n"),
        (
            &["EXEC"],
            "*2\r\n+Background saving started\r\n*2\r\n:1\r\n:0\r\n",
        ),
        (&["MULTI"], "+OK\r\n"),
        (
            &["SAVE"],
            "-ERR Command not allowed inside a transaction\r\n",
        ),
        (&["DISCARD"], "+OK\r\n"),
        (
            &["CONFIG", "SET", "notify-keyspace-events", "KEA"],
            "+OK\r\n",
        ),
        (
            &["CONFIG", "GET", "notify-keyspace-events"],
            "*2\r\n$22\r\nnotify-keyspace-events\r\n$3\r\nAKE\r\n",
        ),
        (
            &["CONFIG", "SET", "notify-keyspace-events", "KEQ"],
            "-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - \
             Invalid event class character. Use 'Ag$lshzxeKEtmdn'.\r\n",
        ),
        (&["CONFIG", "SET", "notify-keyspace-events", ""], "+OK\r\n"),
        (
            &["CONFIG", "GET", "notify-keyspace-events"],
            "*2\r\n$22\r\nnotify-keyspace-events\r\n$0\r\n\r\n",
        ),
    ] {
        expect(&mut c, &cmd(args), reply).await;
    }
}

/// CONFIG SET takes values already in force, case aside, and refuses a change, naming the
/// parameter, without applying any pair of the command.
#[tokio::test]
async fn config_set_accepts_only_the_values_in_force() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    for (args, reply) in [
        (
            &["CONFIG", "SET", "save", "", "port", "6379"][..],
            "+OK\r\n",
        ),
        (&["CONFIG", "SET", "appendonly", "YES"], "+OK\r\n"),
        (
            &["CONFIG", "SET", "save", "", "maxclients", "5"],
            "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - raft-kv \
             takes its configuration from flags at start and cannot change it while running\r\n",
        ),
        (
            &["CONFIG", "GET", "maxclients"],
            "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n",
        ),
    ] {
        expect(&mut c, &cmd(args), reply).await;
    }
}

/// The slow log's parameters change at run time, all pairs of a CONFIG SET or none; SLOWLOG
/// answers Redis's errors; what the server runs itself is logged with the client's address
/// and name, credentials redacted.
#[tokio::test]
async fn slowlog_settings_change_and_the_log_names_the_client() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let local = c.local_addr().unwrap().to_string();
    for (args, reply) in [
        (
            &[
                "CONFIG",
                "SET",
                "slowlog-max-len",
                "3",
                "slowlog-log-slower-than",
                "x",
            ][..],
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - \
             argument couldn't be parsed into an integer\r\n",
        ),
        (
            &["CONFIG", "SET", "slowlog-max-len", "65537"],
            "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument \
             must be between 0 and 65536 inclusive\r\n",
        ),
        (
            &["CONFIG", "GET", "slowlog-max-len"],
            "*2\r\n$15\r\nslowlog-max-len\r\n$3\r\n128\r\n",
        ),
        (
            &["SLOWLOG", "GET", "-2"],
            "-ERR count should be greater than or equal to -1\r\n",
        ),
        (
            &["SLOWLOG", "GET", "1", "2"],
            "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n",
        ),
        (
            &["SLOWLOG", "LEN", "x"],
            "-ERR wrong number of arguments for 'slowlog|len' command\r\n",
        ),
        (
            &["SLOWLOG", "NOPE"],
            "-ERR unknown subcommand 'NOPE'. Try SLOWLOG HELP.\r\n",
        ),
        (
            &[
                "CONFIG",
                "SET",
                "slowlog-max-len",
                "3",
                "slowlog-log-slower-than",
                "0",
            ],
            "+OK\r\n",
        ),
        (&["CLIENT", "SETNAME", "admin"], "+OK\r\n"),
        (
            &["AUTH", "hunter2"],
            "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
        ),
        // CONFIG SET, CLIENT SETNAME and AUTH; SLOWLOG LEN is logged after it answers.
        (&["SLOWLOG", "LEN"], ":3\r\n"),
    ] {
        expect(&mut c, &cmd(args), reply).await;
    }
    // The three newest: SLOWLOG LEN, AUTH (its password redacted) and CLIENT SETNAME, each
    // with this client's address and name. The id, time and duration vary.
    c.write_all(cmd(&["SLOWLOG", "GET"]).as_bytes())
        .await
        .unwrap();
    let mut got = Vec::new();
    let tail = format!(
        "$4\r\nAUTH\r\n$10\r\n(redacted)\r\n${}\r\n{local}\r\n$5\r\nadmin\r\n",
        local.len()
    );
    tokio::time::timeout(REPLY_DEADLINE, async {
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&got).contains("SETNAME") {
            let n = c.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed");
            got.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("SLOWLOG GET in time");
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("*3\r\n*6\r\n"), "{got:?}");
    assert!(got.contains(&tail), "{got:?}");
}

/// CLIENT PAUSE WRITE holds back writes (and EXECs of writes) but not reads: replies to the
/// commands before a held write arrive, the write is not applied (another client reads the
/// old value), and UNPAUSE lets it run. CLIENT PAUSE ALL holds back everything, the pausing
/// client's commands too, until its timeout.
#[tokio::test]
async fn client_pause_holds_back_writes_or_everything() {
    let server = start(Options::default()).await;
    let mut admin = connect(&server).await;
    let mut c = connect(&server).await;
    expect(
        &mut admin,
        &cmd(&["CLIENT", "PAUSE", "60000", "WRITE"]),
        "+OK\r\n",
    )
    .await;
    let pipeline = [
        cmd(&["GET", "k"]),
        cmd(&["SET", "k", "v"]),
        cmd(&["GET", "k"]),
    ]
    .concat();
    expect(&mut c, &pipeline, "$-1\r\n").await;
    expect(&mut admin, &cmd(&["GET", "k"]), "$-1\r\n").await;
    expect(&mut admin, &cmd(&["CLIENT", "UNPAUSE"]), "+OK\r\n").await;
    let rest = "+OK\r\n$1\r\nv\r\n";
    assert_eq!(exchange(&mut c, b"", rest).await, rest);

    let pause = Duration::from_millis(300);
    let started = Instant::now();
    expect(
        &mut admin,
        &cmd(&["CLIENT", "PAUSE", "300", "ALL"]),
        "+OK\r\n",
    )
    .await;
    expect(&mut c, &cmd(&["PING"]), "+PONG\r\n").await;
    assert!(started.elapsed() >= pause, "PING answered during the pause");
    let started = Instant::now();
    expect(&mut admin, &cmd(&["CLIENT", "PAUSE", "300"]), "+OK\r\n").await;
    expect(&mut admin, &cmd(&["GET", "k"]), "$1\r\nv\r\n").await;
    assert!(
        started.elapsed() >= pause,
        "the pausing client was not paused"
    );
}

#[tokio::test]
async fn redis_rs_client_works() {
    let server = start(Options::default()).await;
    let client = redis::Client::open(format!("redis://{}", server.addr)).unwrap();
    let mut con = client.get_multiplexed_async_connection().await.unwrap();
    let _: () = redis::cmd("SET")
        .arg("a")
        .arg(1)
        .query_async(&mut con)
        .await
        .unwrap();
    let v: i64 = redis::cmd("INCRBY")
        .arg("a")
        .arg(41)
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(v, 42);
    let (x, y): (Option<String>, i64) = redis::pipe()
        .cmd("GET")
        .arg("missing")
        .cmd("STRLEN")
        .arg("a")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!((x, y), (None, 2));
    let (one, two): (String, i64) = redis::pipe()
        .atomic()
        .cmd("SET")
        .arg("b")
        .arg("x")
        .cmd("APPEND")
        .arg("b")
        .arg("y")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!((one.as_str(), two), ("OK", 2));
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut con)
        .await
        .unwrap();
    let mut keys = keys;
    keys.sort();
    assert_eq!(keys, ["a", "b"]);
    let digest: String = redis::cmd("DEBUG")
        .arg("DIGEST")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(digest.len(), 40);
}

#[tokio::test]
async fn garbage_over_tcp_gets_an_error_or_nothing() {
    let server = start(Options::default()).await;
    let mut seed = 42u64;
    for _ in 0..50 {
        let mut c = connect(&server).await;
        let mut junk = Vec::new();
        for _ in 0..64 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            junk.push(b"*$\r\n-1x :\""[(seed >> 33) as usize % 10]);
        }
        c.write_all(&junk).await.unwrap();
        c.shutdown().await.unwrap();
        let mut out = Vec::new();
        tokio::time::timeout(REPLY_DEADLINE, c.read_to_end(&mut out))
            .await
            .unwrap()
            .ok();
    }
    // The server is still serving.
    let mut c = connect(&server).await;
    expect(&mut c, &cmd(&["PING"]), "+PONG\r\n").await;
}

/// Reads one complete RESP2/RESP3 reply and returns its raw bytes, or what happened instead.
async fn read_reply(stream: &mut TcpStream, pending: &mut bytes::BytesMut) -> String {
    loop {
        if let Ok(Some((_, len))) = redis_protocol::resp2::decode::decode(pending) {
            let raw = pending.split_to(len);
            return String::from_utf8_lossy(&raw).into_owned();
        }
        match tokio::time::timeout(Duration::from_secs(2), stream.read_buf(pending)).await {
            Err(_) => return format!("<timeout, {} bytes buffered>", pending.len()),
            Ok(Err(e)) => return format!("<error {e}>"),
            Ok(Ok(0)) => return "<closed>".into(),
            Ok(Ok(_)) => {}
        }
    }
}

/// Kills the child process when dropped, so a failing test leaves nothing running.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Compares replies with a real `redis-server` (7.x) for a script of commands, byte for byte;
/// skipped (with a notice) where no redis-server 7.x is installed. CI installs one.
#[tokio::test]
async fn same_replies_as_redis() {
    let version = std::process::Command::new("redis-server")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if !version.contains(" v=7.") {
        eprintln!("SKIP same_replies_as_redis: no redis-server 7.x installed ({version:?})");
        return;
    }
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let _child = KillOnDrop(
        std::process::Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--databases",
                "1",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("redis-server"),
    );
    let mut redis = None;
    for _ in 0..200 {
        if let Ok(s) = TcpStream::connect(("127.0.0.1", port)).await {
            redis = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut redis = redis.expect("redis-server listening");
    let server = start(Options::default()).await;
    let mut ours = connect(&server).await;
    let script = include_str!("testdata/compat.txt");
    let (mut rbuf, mut obuf) = (bytes::BytesMut::new(), bytes::BytesMut::new());
    let mut mismatches = Vec::new();
    for line in script.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let args = super::frame::split_inline(line.as_bytes()).expect("script line");
        let mut req = format!("*{}\r\n", args.len()).into_bytes();
        for a in &args {
            req.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            req.extend_from_slice(a);
            req.extend_from_slice(b"\r\n");
        }
        redis.write_all(&req).await.unwrap();
        ours.write_all(&req).await.unwrap();
        let want = read_reply(&mut redis, &mut rbuf).await;
        let got = read_reply(&mut ours, &mut obuf).await;
        if want != got {
            mismatches.push(format!("{line}\n  redis: {want:?}\n  ours:  {got:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// A decoded reply that keeps map order (the codec crate's RESP3 map is a `HashMap`).
#[derive(Clone, Debug, PartialEq)]
enum Reply {
    Str(String),
    Error(String),
    Int(i64),
    Nil,
    Array(Vec<Reply>),
    Map(Vec<(Reply, Reply)>),
}

impl Reply {
    /// The value under `key` in a map, or in a RESP2 flattened key-value array.
    fn get(&self, key: &str) -> &Reply {
        self.pairs()
            .into_iter()
            .find(|(k, _)| *k == &Reply::Str(key.into()))
            .map(|(_, v)| v)
            .unwrap_or_else(|| panic!("no {key} in {}", self.render()))
    }

    /// The key-value pairs of a map or of a flattened RESP2 array.
    fn pairs(&self) -> Vec<(&Reply, &Reply)> {
        match self {
            Reply::Map(pairs) => pairs.iter().map(|(k, v)| (k, v)).collect(),
            Reply::Array(items) if items.len() % 2 == 0 => {
                items.chunks(2).map(|kv| (&kv[0], &kv[1])).collect()
            }
            other => panic!("not a map: {}", other.render()),
        }
    }

    /// The keys of a map, as text.
    fn keys(&self) -> Vec<String> {
        self.pairs().into_iter().map(|(k, _)| k.render()).collect()
    }

    /// The items of an array.
    fn items(&self) -> &[Reply] {
        match self {
            Reply::Array(items) => items,
            other => panic!("not an array: {}", other.render()),
        }
    }

    /// The same reply as RESP2 shows it: maps become flat arrays.
    fn flattened(&self) -> Reply {
        match self {
            Reply::Array(items) => Reply::Array(items.iter().map(Reply::flattened).collect()),
            Reply::Map(pairs) => Reply::Array(
                pairs
                    .iter()
                    .flat_map(|(k, v)| [k.flattened(), v.flattened()])
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// A compact text form for assertions: `{k: v}`, `[a, b]`, plain strings and numbers.
    fn render(&self) -> String {
        match self {
            Reply::Str(s) => s.clone(),
            Reply::Error(e) => format!("!{e}"),
            Reply::Int(i) => i.to_string(),
            Reply::Nil => "nil".into(),
            Reply::Array(items) => {
                let items: Vec<String> = items.iter().map(Reply::render).collect();
                format!("[{}]", items.join(", "))
            }
            Reply::Map(pairs) => {
                let pairs: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}: {}", k.render(), v.render()))
                    .collect();
                format!("{{{}}}", pairs.join(", "))
            }
        }
    }
}

/// Decodes one reply from the start of `buf`: the reply and its length, or `None` while it is
/// incomplete.
fn decode_reply(buf: &[u8]) -> Option<(Reply, usize)> {
    let end = buf.windows(2).position(|w| w == b"\r\n")?;
    let line = String::from_utf8_lossy(&buf[1..end]).into_owned();
    let mut pos = end + 2;
    let number = || line.parse::<i64>().expect("a number in the header");
    let reply = match buf[0] {
        b'+' => Reply::Str(line.clone()),
        b'-' => Reply::Error(line.clone()),
        b':' => Reply::Int(number()),
        b'_' => Reply::Nil,
        b'$' if number() < 0 => Reply::Nil,
        b'$' => {
            let len = number() as usize;
            let data = buf.get(pos..pos + len)?;
            pos += len + 2;
            if buf.len() < pos {
                return None;
            }
            Reply::Str(String::from_utf8_lossy(data).into_owned())
        }
        b'*' | b'%' if number() < 0 => Reply::Nil,
        kind @ (b'*' | b'%') => {
            let count = number() as usize * if kind == b'%' { 2 } else { 1 };
            let mut items = Vec::with_capacity(count);
            for _ in 0..count {
                let (item, used) = decode_reply(&buf[pos..])?;
                pos += used;
                items.push(item);
            }
            if kind == b'%' {
                let mut pairs = Vec::new();
                let mut items = items.into_iter();
                while let (Some(k), Some(v)) = (items.next(), items.next()) {
                    pairs.push((k, v));
                }
                Reply::Map(pairs)
            } else {
                Reply::Array(items)
            }
        }
        other => panic!("unexpected reply type {:?}", other as char),
    };
    Some((reply, pos))
}

/// Sends one command and decodes its reply.
async fn request(stream: &mut TcpStream, args: &[&str]) -> Reply {
    stream.write_all(cmd(args).as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    loop {
        if let Some((reply, used)) = decode_reply(&buf) {
            assert_eq!(used, buf.len(), "one reply to {args:?}");
            return reply;
        }
        let mut chunk = vec![0u8; 64 * 1024];
        let n = tokio::time::timeout(REPLY_DEADLINE, stream.read(&mut chunk))
            .await
            .expect("reply in time")
            .expect("reply bytes");
        assert!(
            n > 0,
            "connection closed while waiting for the reply to {args:?}"
        );
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// What redis-cli 7 turns into `key value [NX|XX] [GET] [EX seconds|PX milliseconds|...]`.
const SET_ARGUMENTS: &str = "[{name: key, type: key, display_text: key, key_spec_index: 0}, \
    {name: value, type: string, display_text: value}, \
    {name: condition, type: oneof, flags: [optional], arguments: [\
    {name: nx, type: pure-token, token: NX}, {name: xx, type: pure-token, token: XX}]}, \
    {name: get, type: pure-token, token: GET, flags: [optional]}, \
    {name: expiration, type: oneof, flags: [optional], arguments: [\
    {name: seconds, type: integer, display_text: seconds, token: EX}, \
    {name: milliseconds, type: integer, display_text: milliseconds, token: PX}, \
    {name: unix-time-seconds, type: unix-time, display_text: unix-time-seconds, token: EXAT}, \
    {name: unix-time-milliseconds, type: unix-time, display_text: unix-time-milliseconds, \
    token: PXAT}, \
    {name: keepttl, type: pure-token, token: KEEPTTL}]}]";

#[tokio::test]
async fn command_docs_for_set_in_resp2_and_resp3() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let resp2 = request(&mut c, &["COMMAND", "DOCS", "set"]).await;
    request(&mut c, &["HELLO", "3"]).await;
    let resp3 = request(&mut c, &["COMMAND", "DOCS", "SET"]).await;
    assert!(matches!(resp2, Reply::Array(_)), "{}", resp2.render());
    assert_eq!(
        resp2,
        resp3.flattened(),
        "RESP2 is RESP3 with maps flattened"
    );
    let Reply::Map(entries) = &resp3 else {
        panic!("RESP3 docs are not a map: {}", resp3.render());
    };
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].0, Reply::Str("set".into()));
    let set = &entries[0].1;
    assert!(matches!(set, Reply::Map(_)), "{}", set.render());
    assert_eq!(
        set.keys(),
        [
            "summary",
            "since",
            "group",
            "complexity",
            "history",
            "arguments"
        ]
    );
    assert!(set.get("summary").render().len() > 20, "{}", set.render());
    assert_eq!(set.get("since").render(), "1.0.0");
    assert_eq!(set.get("group").render(), "string");
    assert_eq!(set.get("complexity").render(), "O(1)");
    let history = set.get("history").items();
    assert_eq!(history[0].items()[0], Reply::Str("2.6.12".into()));
    assert_eq!(set.get("arguments").render(), SET_ARGUMENTS);
    // RESP3 flags are status strings, as Redis sends them.
    let condition = &set.get("arguments").items()[2];
    assert_eq!(
        condition.get("flags").items(),
        [Reply::Str("optional".into())]
    );
}

#[tokio::test]
async fn command_docs_optional_fields_and_subcommands() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    request(&mut c, &["HELLO", "3"]).await;
    let docs = request(
        &mut c,
        &["COMMAND", "DOCS", "getset", "time", "mset", "client"],
    )
    .await;
    assert_eq!(docs.keys(), ["getset", "time", "mset", "client"]);
    let getset = docs.get("getset");
    assert_eq!(
        getset.keys(),
        [
            "summary",
            "since",
            "group",
            "complexity",
            "doc_flags",
            "deprecated_since",
            "replaced_by",
            "arguments"
        ]
    );
    assert_eq!(getset.get("doc_flags").render(), "[deprecated]");
    assert_eq!(getset.get("deprecated_since").render(), "6.2.0");
    // A command without arguments has no `arguments` field, as in Redis.
    assert_eq!(
        docs.get("time").keys(),
        ["summary", "since", "group", "complexity"]
    );
    assert_eq!(
        docs.get("mset").get("arguments").render(),
        "[{name: key_value, type: block, flags: [multiple], arguments: [\
         {name: key, type: key, display_text: key, key_spec_index: 0}, \
         {name: value, type: string, display_text: value}]}]"
    );
    let client = docs.get("client");
    assert_eq!(client.get("group").render(), "connection");
    let subs = client.get("subcommands");
    assert!(subs.keys().iter().all(|k| k.starts_with("client|")));
    assert_eq!(
        subs.get("client|setname").get("arguments").render(),
        "[{name: connection-name, type: string, display_text: connection-name}]"
    );
    assert_eq!(
        subs.get("client|no-evict").get("arguments").render(),
        "[{name: enabled, type: oneof, arguments: [{name: on, type: pure-token, token: ON}, \
         {name: off, type: pure-token, token: OFF}]}]"
    );
    let hello = request(&mut c, &["COMMAND", "DOCS", "hello"]).await;
    assert_eq!(
        hello.get("hello").get("arguments").render(),
        "[{name: arguments, type: block, flags: [optional], arguments: [\
         {name: protover, type: integer, display_text: protover}, \
         {name: username_password, type: block, token: AUTH, flags: [optional], arguments: [\
         {name: username, type: string, display_text: username}, \
         {name: password, type: string, display_text: password}]}, \
         {name: clientname, type: string, display_text: clientname, token: SETNAME, \
         flags: [optional]}]}]"
    );
}

#[tokio::test]
async fn command_docs_ignores_unknown_names() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    request(&mut c, &["HELLO", "3"]).await;
    let docs = request(
        &mut c,
        &[
            "COMMAND",
            "DOCS",
            "nosuch",
            "Get",
            "CLIENT|SetName",
            "__purge",
            "client|nosuch",
        ],
    )
    .await;
    assert_eq!(docs.keys(), ["get", "client|setname"]);
    assert_eq!(
        docs.get("get").get("arguments").render(),
        "[{name: key, type: key, display_text: key, key_spec_index: 0}]"
    );
    let none = request(&mut c, &["COMMAND", "DOCS", "nosuch"]).await;
    assert_eq!(none, Reply::Map(Vec::new()));
    request(&mut c, &["HELLO", "2"]).await;
    expect(&mut c, &cmd(&["COMMAND", "DOCS", "nosuch"]), "*0\r\n").await;
}

/// Every command that COMMAND, COMMAND INFO, COMMAND LIST, COMMAND COUNT and COMMAND DOCS
/// report is the same set, it equals the docs table, and each documented name reaches a
/// handler (no "unknown command" or "unknown subcommand").
#[tokio::test]
async fn command_introspection_agrees_with_the_docs_table() {
    use std::collections::BTreeSet;

    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let strings = |r: &Reply| -> BTreeSet<String> { r.items().iter().map(Reply::render).collect() };
    let listed = strings(&request(&mut c, &["COMMAND", "LIST"]).await);
    let (subs, top): (BTreeSet<String>, BTreeSet<String>) =
        listed.iter().cloned().partition(|n| n.contains('|'));
    assert!(top.contains("set") && top.contains("client") && top.contains("exec"));
    assert!(subs.contains("client|setname") && subs.contains("command|docs"));

    let count = request(&mut c, &["COMMAND", "COUNT"]).await;
    assert_eq!(count, Reply::Int(top.len() as i64));

    let mut info_top = BTreeSet::new();
    let mut info_subs = BTreeSet::new();
    for entry in request(&mut c, &["COMMAND"]).await.items() {
        info_top.insert(entry.items()[0].render());
        for sub in entry.items()[9].items() {
            info_subs.insert(sub.items()[0].render());
        }
    }
    assert_eq!(info_top, top, "COMMAND vs COMMAND LIST");
    assert_eq!(info_subs, subs, "COMMAND's subcommands vs COMMAND LIST");
    let one = request(&mut c, &["COMMAND", "INFO", "client|setname", "nosuch"]).await;
    assert_eq!(
        one.items()[0].items()[..2].to_vec(),
        [Reply::Str("client|setname".into()), Reply::Int(3)]
    );
    assert_eq!(one.items()[1], Reply::Nil);

    let docs = request(&mut c, &["COMMAND", "DOCS"]).await;
    let doc_top: BTreeSet<String> = docs.keys().into_iter().collect();
    assert_eq!(doc_top, top, "COMMAND DOCS vs COMMAND LIST");
    let mut doc_subs = BTreeSet::new();
    for (name, doc) in docs.pairs() {
        assert!(
            !doc.get("summary").render().is_empty(),
            "{} has no doc",
            name.render()
        );
        if doc.keys().contains(&"subcommands".to_string()) {
            for (sub, sub_doc) in doc.get("subcommands").pairs() {
                assert!(
                    !sub_doc.get("summary").render().is_empty(),
                    "{}",
                    sub.render()
                );
                doc_subs.insert(sub.render());
            }
        }
    }
    assert_eq!(doc_subs, subs, "COMMAND DOCS subcommands vs COMMAND LIST");

    let table: BTreeSet<String> = super::docs::DOCS
        .iter()
        .map(|d| d.name.to_string())
        .collect();
    let served: BTreeSet<String> = listed.clone();
    assert_eq!(
        table, served,
        "docs table vs the commands the server accepts"
    );

    // The probe tells served names from unknown ones.
    let mut probe = connect(&server).await;
    let unknown = request(&mut probe, &["NOSUCH"]).await.render();
    assert!(unknown.starts_with("!ERR unknown command"), "{unknown}");
    let unknown = request(&mut probe, &["CLIENT", "NOSUCH"]).await.render();
    assert!(unknown.starts_with("!ERR unknown subcommand"), "{unknown}");
    for name in &table {
        let mut args: Vec<&str> = name.split('|').collect();
        if args == ["shutdown"] {
            // A bare SHUTDOWN closes without a reply; ABORT is served and answers.
            args.push("abort");
        }
        // A fresh connection each time: QUIT closes one and MULTI changes its state.
        let mut probe = connect(&server).await;
        let reply = request(&mut probe, &args).await.render();
        assert!(
            !reply.starts_with("!ERR unknown"),
            "{name} is documented but not served: {reply}"
        );
    }
}

#[tokio::test]
async fn command_list_filters() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let matched = request(
        &mut c,
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "CLIENT|S*"],
    )
    .await;
    assert_eq!(matched.render(), "[client|setinfo, client|setname]");
    let matched = request(
        &mut c,
        &["command", "list", "filterby", "pattern", "*expire*"],
    )
    .await;
    assert_eq!(
        matched.render(),
        "[expire, expireat, expiretime, hexpire, hexpireat, hexpiretime, hpexpire, \
         hpexpireat, hpexpiretime, pexpire, pexpireat, pexpiretime]"
    );
    for kind in ["MODULE", "ACLCAT"] {
        let none = request(&mut c, &["COMMAND", "LIST", "FILTERBY", kind, "string"]).await;
        assert_eq!(none, Reply::Array(Vec::new()), "{kind}");
    }
    for bad in [
        &["COMMAND", "LIST", "FILTERBY", "NAME", "x"][..],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN"],
        &["COMMAND", "LIST", "x"],
    ] {
        let reply = request(&mut c, bad).await;
        assert_eq!(reply, Reply::Error("ERR syntax error".into()), "{bad:?}");
    }
}

#[tokio::test]
async fn wait_answers_in_order_within_a_pipeline() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let pipeline = [
        cmd(&["SET", "a", "1"]),
        cmd(&["WAIT", "0", "0"]),
        cmd(&["GET", "a"]),
        cmd(&["WAIT", "1", "-5"]),
    ]
    .concat();
    expect(
        &mut c,
        &pipeline,
        "+OK\r\n:0\r\n$1\r\n1\r\n-ERR timeout is negative\r\n",
    )
    .await;
}

/// CLIENT TRACKING's options, checks and errors are Redis's; TRACKINGINFO, GETREDIR and
/// CLIENT LIST describe the settings; RESET and OFF turn tracking off. (Invalidations need
/// the driver: `tests/cluster.rs` checks them on a real cluster.)
#[tokio::test]
async fn client_tracking_settings_and_errors_follow_redis() {
    let server = start(Options::default()).await;
    let mut c = connect(&server).await;
    let mut other = connect(&server).await;
    expect(&mut other, &cmd(&["CLIENT", "ID"]), ":2\r\n").await;
    let off = "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n\
               $8\r\nprefixes\r\n*0\r\n";
    expect(&mut c, &cmd(&["CLIENT", "TRACKINGINFO"]), off).await;
    expect(&mut c, &cmd(&["CLIENT", "GETREDIR"]), ":-1\r\n").await;
    let errors: &[(&[&str], &str)] = &[
        (
            &["CLIENT", "TRACKING"],
            "-ERR wrong number of arguments for 'client|tracking' command\r\n",
        ),
        (&["CLIENT", "TRACKING", "maybe"], "-ERR syntax error\r\n"),
        (
            &["CLIENT", "TRACKING", "on", "BOGUS"],
            "-ERR syntax error\r\n",
        ),
        (
            &["CLIENT", "TRACKING", "on", "PREFIX"],
            "-ERR syntax error\r\n",
        ),
        (
            &["CLIENT", "TRACKING", "on", "REDIRECT", "abc"],
            "-ERR value is not an integer or out of range\r\n",
        ),
        (
            &["CLIENT", "TRACKING", "on", "REDIRECT", "99"],
            "-ERR The client ID you want redirect to does not exist\r\n",
        ),
        (
            &["CLIENT", "TRACKING", "on", "REDIRECT", "2", "REDIRECT", "2"],
            "-ERR A client can only redirect to a single other client\r\n",
        ),
        (
            &["CLIENT", "TRACKING", "on", "PREFIX", "a"],
            "-ERR PREFIX option requires BCAST mode to be enabled\r\n",
        ),
        (
            &["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
            "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n",
        ),
        (
            &["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
            "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n",
        ),
        (
            &[
                "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "us",
            ],
            "-ERR Prefix 'user:' overlaps with another provided prefix 'us'. Prefixes for a \
             single client must not overlap.\r\n",
        ),
        (
            &["CLIENT", "CACHING", "yes"],
            "-ERR CLIENT CACHING can be called only when the client is in tracking mode with \
             OPTIN or OPTOUT mode enabled\r\n",
        ),
    ];
    for (request, want) in errors {
        expect(&mut c, &cmd(request), want).await;
    }

    // OPTIN with a redirect: CACHING YES is accepted, NO is not; the mode cannot flip.
    expect(
        &mut c,
        &cmd(&["CLIENT", "TRACKING", "on", "OPTIN", "REDIRECT", "2"]),
        "+OK\r\n",
    )
    .await;
    expect(&mut c, &cmd(&["CLIENT", "GETREDIR"]), ":2\r\n").await;
    expect(
        &mut c,
        &cmd(&["CLIENT", "CACHING", "no"]),
        "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["CLIENT", "CACHING", "maybe"]),
        "-ERR syntax error\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["CLIENT", "TRACKING", "on", "OPTOUT"]),
        "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, \
         and then re-enabling it with a different mode.\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["CLIENT", "TRACKING", "on", "BCAST"]),
        "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, \
         and then re-enabling it with a different mode.\r\n",
    )
    .await;
    expect(&mut c, &cmd(&["CLIENT", "CACHING", "yes"]), "+OK\r\n").await;
    // CLIENT commands leave CACHING YES in force for the next command.
    let info = "*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n\
                $8\r\nredirect\r\n:2\r\n$8\r\nprefixes\r\n*0\r\n";
    expect(&mut c, &cmd(&["CLIENT", "TRACKINGINFO"]), info).await;
    expect(&mut c, &cmd(&["GET", "k"]), "$-1\r\n").await;
    let info = "*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\noptin\r\n\
                $8\r\nredirect\r\n:2\r\n$8\r\nprefixes\r\n*0\r\n";
    expect(&mut c, &cmd(&["CLIENT", "TRACKINGINFO"]), info).await;
    expect(&mut c, &cmd(&["CLIENT", "TRACKING", "off"]), "+OK\r\n").await;

    // BCAST: prefixes accumulate over ON calls and may not overlap; a bare BCAST adds "".
    let on = |prefixes: &[&'static str]| {
        let mut args = vec!["CLIENT", "TRACKING", "on", "BCAST", "NOLOOP"];
        for p in prefixes {
            args.extend(["PREFIX", p]);
        }
        cmd(&args)
    };
    expect(&mut c, &on(&["user:", "cart:"]), "+OK\r\n").await;
    expect(
        &mut c,
        &on(&["user:1"]),
        "-ERR Prefix 'user:1' overlaps with an existing prefix 'user:'. Prefixes for a single \
         client must not overlap.\r\n",
    )
    .await;
    expect(&mut c, &on(&["order:"]), "+OK\r\n").await;
    let info = "*6\r\n$5\r\nflags\r\n*3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n\
                $8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*3\r\n$5\r\ncart:\r\n\
                $6\r\norder:\r\n$5\r\nuser:\r\n";
    expect(&mut c, &cmd(&["CLIENT", "TRACKINGINFO"]), info).await;
    let list = exchange(&mut c, cmd(&["CLIENT", "INFO"]).as_bytes(), "$").await;
    assert_eq!(list, "$");
    let mut rest = vec![0u8; 512];
    let n = tokio::time::timeout(REPLY_DEADLINE, c.read(&mut rest))
        .await
        .unwrap()
        .unwrap();
    let line = String::from_utf8_lossy(&rest[..n]).into_owned();
    assert!(
        line.contains(" flags=tB ") && line.contains(" redir=0 "),
        "{line}"
    );
    expect(&mut c, &cmd(&["INFO", "clients"]), "$").await;
    let n = tokio::time::timeout(REPLY_DEADLINE, c.read(&mut rest))
        .await
        .unwrap()
        .unwrap();
    let info = String::from_utf8_lossy(&rest[..n]).into_owned();
    assert!(info.contains("tracking_clients:1\r\n"), "{info}");
    expect(&mut c, &cmd(&["RESET"]), "+RESET\r\n").await;
    expect(&mut c, &cmd(&["CLIENT", "GETREDIR"]), ":-1\r\n").await;
    expect(
        &mut c,
        &cmd(&["CONFIG", "GET", "tracking-table-max-keys"]),
        "*2\r\n$23\r\ntracking-table-max-keys\r\n$7\r\n1000000\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["CONFIG", "SET", "tracking-table-max-keys", "10"]),
        "+OK\r\n",
    )
    .await;
    expect(
        &mut c,
        &cmd(&["CONFIG", "GET", "tracking-table-max-keys"]),
        "*2\r\n$23\r\ntracking-table-max-keys\r\n$2\r\n10\r\n",
    )
    .await;
}

/// A message that arrives while a read's replies are on their way to the session (a change
/// applied right after the read was served) is written after those replies, never before:
/// a client that read an invalidation and then the older value would cache that value for
/// good.
#[tokio::test]
async fn a_message_never_overtakes_the_read_reply_it_follows() {
    let options = Options::default();
    let pubsub = options.pubsub.clone();
    let server = start(options).await;
    *server.backend.after_read.lock().unwrap() = Some(Box::new(move || {
        let keys = Some(vec![Bytes::from_static(b"k")]);
        let message = crate::pubsub::Message::Invalidate {
            keys,
            redirected: false,
        };
        pubsub.deliver(1, message);
    }));
    let mut c = connect(&server).await;
    let hello = "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.4.0\r\n\
                 $5\r\nproto\r\n:3\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n\
                 $4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
    expect(&mut c, &cmd(&["HELLO", "3"]), hello).await;
    let push = ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n";
    expect(&mut c, &cmd(&["GET", "k"]), &format!("_\r\n{push}")).await;
    // In a pipeline too: every reply of the run first.
    let pipeline = format!("{}{}", cmd(&["GET", "a"]), cmd(&["GET", "b"]));
    expect(&mut c, &pipeline, &format!("_\r\n_\r\n{push}")).await;
}
