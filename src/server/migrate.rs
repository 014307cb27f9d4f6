//! `MIGRATE`: moves keys out of raft-kv to another server (a redis-server, or another raft-kv
//! cluster) with DUMP and RESTORE.
//!
//! Redis runs MIGRATE inside its event loop, so nothing changes the keys between reading them
//! and deleting them. Here the connection does it in three steps, none of which holds up the
//! node: one linearizable read of the keys' payloads, TTLs and WATCH versions; the RESTOREs,
//! pipelined over a connection to the target; and, without COPY, one transaction that deletes
//! the keys the target accepted, watching the versions read in the first step. A key written
//! in between (by another client, on any node) is therefore never lost: the transaction is
//! aborted, the target keeps the copy it got, and the client is told that nothing was deleted.

use std::time::Duration;

use bytes::{Buf as _, Bytes, BytesMut};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use super::Backend;
use super::reply::{Out, error_frame};
use crate::kv::command;
use crate::pb;
use crate::pb::reply::Kind;

/// What MIGRATE was asked to do (its arguments, checked as Redis checks them).
#[derive(Debug, PartialEq)]
struct Request {
    host: String,
    port: Bytes,
    db: i64,
    timeout: Duration,
    copy: bool,
    replace: bool,
    /// `AUTH password` or `AUTH2 username password`: what the AUTH sent first carries.
    auth: Vec<Bytes>,
    keys: Vec<Bytes>,
}

/// Reads `MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password]
/// [AUTH2 username password] [KEYS key...]` (`args` with the name first).
fn parse(args: &[Bytes]) -> Result<Request, Out> {
    let syntax = || Out::error("ERR syntax error");
    let mut request = Request {
        host: String::from_utf8_lossy(&args[1]).into_owned(),
        port: args[2].clone(),
        db: 0,
        timeout: Duration::ZERO,
        copy: false,
        replace: false,
        auth: Vec::new(),
        keys: vec![args[3].clone()],
    };
    let mut i = 6;
    while i < args.len() {
        let more = args.len() - i - 1;
        let option = &args[i];
        if option.eq_ignore_ascii_case(b"copy") {
            request.copy = true;
        } else if option.eq_ignore_ascii_case(b"replace") {
            request.replace = true;
        } else if option.eq_ignore_ascii_case(b"auth") {
            if more < 1 {
                return Err(syntax());
            }
            request.auth = vec![args[i + 1].clone()];
            i += 1;
        } else if option.eq_ignore_ascii_case(b"auth2") {
            if more < 2 {
                return Err(syntax());
            }
            request.auth = vec![args[i + 1].clone(), args[i + 2].clone()];
            i += 2;
        } else if option.eq_ignore_ascii_case(b"keys") {
            if !args[3].is_empty() {
                return Err(Out::error(
                    "ERR When using MIGRATE KEYS option, the key argument must be set to the \
                     empty string",
                ));
            }
            request.keys = args[i + 1..].to_vec();
            break;
        } else {
            return Err(syntax());
        }
        i += 1;
    }
    let not_integer = || Out::error("ERR value is not an integer or out of range");
    let timeout = command::parse_i64_strict(&args[5]).ok_or_else(not_integer)?;
    request.db = command::parse_i64_strict(&args[4])
        .filter(|db| i32::try_from(*db).is_ok())
        .ok_or_else(not_integer)?;
    // As in Redis: a timeout that is not positive means one second.
    request.timeout = Duration::from_millis(if timeout <= 0 { 1000 } else { timeout as u64 });
    Ok(request)
}

/// One key as read in the first step.
struct Found {
    key: Bytes,
    payload: Bytes,
    /// Milliseconds left to live; 0 without a TTL.
    ttl_ms: i64,
    version: u64,
}

/// Runs MIGRATE (`args` with the name first) against `backend`.
pub(super) async fn migrate<B: Backend>(backend: &B, args: &[Bytes]) -> Out {
    let request = match parse(args) {
        Ok(request) => request,
        Err(out) => return out,
    };
    let found = match read_keys(backend, &request.keys).await {
        Ok(found) => found,
        Err(out) => return out,
    };
    if found.is_empty() {
        return Out::Simple("NOKEY".into());
    }
    let (accepted, target_error) = match restore_on_target(&request, &found).await {
        Ok(outcome) => outcome,
        Err(out) => return out,
    };
    let target_error =
        target_error.map(|e| Out::error(format!("ERR Target instance replied with error: {e}")));
    if request.copy || !accepted.contains(&true) {
        return target_error.unwrap_or_else(Out::ok);
    }
    // As in Redis, the keys the target took are deleted here even when it refused others.
    match delete_moved(backend, &found, &accepted).await {
        Some(failed) => failed,
        None => target_error.unwrap_or_else(Out::ok),
    }
}

/// The keys of `keys` that exist, with their payloads, TTLs and versions, all read at one
/// point of the log.
async fn read_keys<B: Backend>(backend: &B, keys: &[Bytes]) -> Result<Vec<Found>, Out> {
    let mut commands = Vec::with_capacity(2 * keys.len() + 1);
    let mut versions = vec![Bytes::from_static(command::VERSION.as_bytes())];
    versions.extend(keys.iter().cloned());
    commands.push(pb::KvCommand { args: versions });
    for key in keys {
        for name in ["DUMP", "PTTL"] {
            commands.push(pb::KvCommand {
                args: vec![Bytes::from_static(name.as_bytes()), key.clone()],
            });
        }
    }
    let replies = backend
        .read(commands, None)
        .await
        .map_err(|e| error_frame(&e))?;
    let bad = || Out::error("ERR internal error: malformed MIGRATE read");
    let mut replies = replies.into_iter();
    let versions = match replies.next().and_then(|r| r.kind) {
        Some(Kind::Array(a)) if a.items.len() == keys.len() => a.items,
        Some(Kind::Error(e)) => return Err(Out::error(e)),
        _ => return Err(bad()),
    };
    let mut found = Vec::new();
    for (key, version) in keys.iter().zip(versions) {
        let (Some(dump), Some(ttl)) = (replies.next(), replies.next()) else {
            return Err(bad());
        };
        let (Some(Kind::Integer(version)), Some(Kind::Integer(ttl_ms))) = (version.kind, ttl.kind)
        else {
            return Err(bad());
        };
        match dump.kind {
            Some(Kind::Bulk(payload)) => found.push(Found {
                key: key.clone(),
                payload,
                // PTTL's -1 is no TTL (0 for RESTORE); a TTL about to run out is sent as
                // 1 ms, as Redis sends it, never as 0, which would make the copy persist.
                ttl_ms: if ttl_ms == -1 { 0 } else { ttl_ms.max(1) },
                // The version is a u64 carried in RESP's signed integer.
                version: version as u64,
            }),
            Some(Kind::Null(_)) => {}
            Some(Kind::Error(e)) => return Err(Out::error(e)),
            _ => return Err(bad()),
        }
    }
    Ok(found)
}

/// Appends `args` to `out` as a RESP array of bulk strings.
fn put_command(out: &mut Vec<u8>, args: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
}

/// Sends AUTH (if asked), SELECT and one RESTORE per key to the target, and returns which
/// RESTOREs it accepted and the first error it replied, or the I/O error to answer.
async fn restore_on_target(
    request: &Request,
    found: &[Found],
) -> Result<(Vec<bool>, Option<String>), Out> {
    let address = format!(
        "{}:{}",
        request.host,
        String::from_utf8_lossy(&request.port)
    );
    let connect = tokio::time::timeout(request.timeout, TcpStream::connect(address));
    let mut stream = match connect.await {
        Ok(Ok(stream)) => stream,
        _ => {
            return Err(Out::error(
                "IOERR error or timeout connecting to the client",
            ));
        }
    };
    let mut out = Vec::new();
    let mut preamble = 0;
    if !request.auth.is_empty() {
        let mut args: Vec<&[u8]> = vec![b"AUTH"];
        args.extend(request.auth.iter().map(|a| a.as_ref()));
        put_command(&mut out, &args);
        preamble += 1;
    }
    put_command(&mut out, &[b"SELECT", request.db.to_string().as_bytes()]);
    preamble += 1;
    for f in found {
        let ttl = f.ttl_ms.to_string();
        let mut args: Vec<&[u8]> = vec![b"RESTORE", &f.key, ttl.as_bytes(), &f.payload];
        if request.replace {
            args.push(b"REPLACE");
        }
        put_command(&mut out, &args);
    }
    match tokio::time::timeout(request.timeout, stream.write_all(&out)).await {
        Ok(Ok(())) => {}
        _ => {
            return Err(Out::error(
                "IOERR error or timeout writing to target instance",
            ));
        }
    }
    let mut lines = Lines::new(stream, request.timeout);
    let mut first_error = None;
    for _ in 0..preamble {
        let line = lines.next().await?;
        if let Some(error) = line.strip_prefix('-') {
            first_error.get_or_insert_with(|| error.to_owned());
        }
    }
    // A refused AUTH or SELECT makes every RESTORE count as refused, as in Redis.
    let preamble_ok = first_error.is_none();
    let mut accepted = Vec::with_capacity(found.len());
    for _ in found {
        let line = lines.next().await?;
        match line.strip_prefix('-') {
            Some(error) => {
                first_error.get_or_insert_with(|| error.to_owned());
                accepted.push(false);
            }
            None => accepted.push(preamble_ok),
        }
    }
    Ok((accepted, first_error))
}

/// Reads the target's replies, each one line (AUTH, SELECT and RESTORE answer a status or an
/// error), within the timeout for each.
struct Lines {
    stream: TcpStream,
    buf: BytesMut,
    timeout: Duration,
}

impl Lines {
    fn new(stream: TcpStream, timeout: Duration) -> Lines {
        Lines {
            stream,
            buf: BytesMut::new(),
            timeout,
        }
    }

    /// The next reply line, without its CRLF.
    async fn next(&mut self) -> Result<String, Out> {
        let failed = || Out::error("IOERR error or timeout reading to target instance");
        loop {
            if let Some(at) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..at]).into_owned();
                self.buf.advance(at + 2);
                return Ok(line);
            }
            if self.buf.len() > 64 * 1024 {
                return Err(failed());
            }
            match tokio::time::timeout(self.timeout, self.stream.read_buf(&mut self.buf)).await {
                Ok(Ok(n)) if n > 0 => {}
                _ => return Err(failed()),
            }
        }
    }
}

/// Deletes the keys the target accepted, unless one of them changed since it was read;
/// returns the error to answer if they were not deleted.
async fn delete_moved<B: Backend>(backend: &B, found: &[Found], accepted: &[bool]) -> Option<Out> {
    let moved: Vec<&Found> = found
        .iter()
        .zip(accepted)
        .filter(|(_, a)| **a)
        .map(|(f, _)| f)
        .collect();
    let mut del = vec![Bytes::from_static(b"DEL")];
    del.extend(moved.iter().map(|f| f.key.clone()));
    let batch = pb::KvBatch {
        commands: vec![pb::KvCommand { args: del }],
        now_ms: super::now_ms(),
        transaction: true,
        watched: moved
            .iter()
            .map(|f| pb::WatchedKey {
                key: f.key.clone(),
                version: f.version,
            })
            .collect(),
        ..pb::KvBatch::default()
    };
    match backend.write(batch, None).await {
        Ok(pb::Reply {
            kind: Some(Kind::NullArray(_)),
        }) => Some(Out::error(
            "ERR MIGRATE copied the keys, but one changed here meanwhile, so none was deleted \
             here",
        )),
        Ok(_) => None,
        Err(e) => Some(error_frame(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<Bytes> {
        line.split(' ')
            .map(|a| Bytes::from(a.replace("''", "")))
            .collect()
    }

    #[test]
    fn arguments_are_checked_as_redis_checks_them() {
        let r = parse(&args("MIGRATE h 7 '' 0 -5 COPY AUTH2 u p KEYS a b")).unwrap();
        assert_eq!(r.keys, vec![Bytes::from("a"), Bytes::from("b")]);
        assert!(r.copy && !r.replace);
        assert_eq!(r.auth, vec![Bytes::from("u"), Bytes::from("p")]);
        assert_eq!(r.timeout, Duration::from_secs(1));
        let error = |line: &str| match parse(&args(line)) {
            Err(Out::Error(e)) => e,
            other => panic!("{line}: {other:?}"),
        };
        assert_eq!(error("MIGRATE h 7 k 0 10 AUTH"), "ERR syntax error");
        assert_eq!(error("MIGRATE h 7 k 0 10 BOGUS"), "ERR syntax error");
        assert!(error("MIGRATE h 7 k 0 10 KEYS a").starts_with("ERR When using MIGRATE KEYS"));
        assert_eq!(
            error("MIGRATE h 7 k x 10"),
            "ERR value is not an integer or out of range"
        );
        assert_eq!(
            error("MIGRATE h 7 k 0 x"),
            "ERR value is not an integer or out of range"
        );
    }
}
