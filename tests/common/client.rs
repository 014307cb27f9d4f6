//! A blocking RESP2 client for tests that bounds every wait and survives `EINTR`.
//!
//! Tests need a timeout on every reply, so that a node that stops answering fails the test
//! instead of hanging it. With a timeout on a socket (`SO_RCVTIMEO`), Linux never restarts a
//! `recv` that a signal, or a stop and continue of the process (a cgroup freeze does the same),
//! interrupted: it fails with `EINTR` (signal(7)). The `redis` crate's sync connection reports
//! that as an I/O error, so a test failed with "Interrupted system call" although the node was
//! fine (CI saw it twice). An interrupted `recv` has consumed nothing, so [`Client`] simply
//! reads again. It sends commands and parses replies with the crate's own encoder and parser,
//! and implements [`redis::ConnectionLike`], so `cmd(..).query(&mut client)` and pipelines
//! work as with a `redis::Connection`.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use redis::{ErrorKind, RedisError, RedisResult, Value};

/// Time allowed for the TCP handshake.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// A RESP2 connection to one server on loopback.
pub struct Client {
    stream: TcpStream,
    parser: redis::Parser,
    /// False once a read failed: a reply may be half read or still on its way, so the stream
    /// no longer lines up with the commands sent, and every later command fails.
    open: bool,
}

impl Client {
    /// Connects to `port` on 127.0.0.1; each later read or write may wait `timeout`.
    ///
    /// # Errors
    ///
    /// Returns the connection error.
    pub fn connect(port: u16, timeout: Duration) -> RedisResult<Client> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let stream = TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        Ok(Client {
            stream,
            parser: redis::Parser::new(),
            open: true,
        })
    }

    fn send(&mut self, bytes: &[u8]) -> RedisResult<()> {
        if !self.open {
            return Err(closed());
        }
        // `write_all` itself writes again after `EINTR`.
        (&self.stream)
            .write_all(bytes)
            .map_err(|e| self.fail(e.into()))
    }

    /// Reads the next reply, server errors included as [`Value::ServerError`].
    fn receive(&mut self) -> RedisResult<Value> {
        if !self.open {
            return Err(closed());
        }
        match self.parser.parse_value(Restarting(&self.stream)) {
            Ok(value) => Ok(value),
            Err(e) => Err(self.fail(e)),
        }
    }

    /// Reads the next frame the server sends, whatever it is: on a connection that subscribed,
    /// the next pub/sub message.
    ///
    /// # Errors
    ///
    /// Returns the read error, a timeout included.
    pub fn next_frame(&mut self) -> RedisResult<Value> {
        self.receive()
    }

    /// Sends one command without reading anything: its reply, and any push before or after
    /// it, are then read with [`Client::next_frame`].
    ///
    /// # Errors
    ///
    /// Returns the write error.
    pub fn send_command(&mut self, args: &[&str]) -> RedisResult<()> {
        let mut cmd = redis::cmd(args[0]);
        for arg in &args[1..] {
            cmd.arg(*arg);
        }
        self.send(&cmd.get_packed_command())
    }

    /// Reads replies until one that is not a RESP3 push.
    fn reply(&mut self) -> RedisResult<Value> {
        loop {
            match self.receive()? {
                Value::Push { .. } => {}
                value => return Ok(value),
            }
        }
    }

    /// Marks the stream unusable after `err`.
    fn fail(&mut self, err: RedisError) -> RedisError {
        self.open = false;
        // The socket closes on drop anyway; shutting it down now only tells the server early.
        let _ = self.stream.shutdown(Shutdown::Both);
        err
    }
}

impl redis::ConnectionLike for Client {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        self.send(cmd)?;
        self.reply()
    }

    /// Sends a pipeline and returns the replies from `offset` on. For a MULTI/EXEC pipeline
    /// (`offset` past the queued commands), a queued command's error fails the whole call
    /// with that error, as EXEC then answers `EXECABORT`.
    fn req_packed_commands(
        &mut self,
        cmd: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>> {
        self.send(cmd)?;
        let mut replies = Vec::with_capacity(count);
        let mut queue_error = None;
        for index in 0..offset + count {
            let reply = self.reply()?;
            if index >= offset {
                replies.push(reply);
            } else if let Value::ServerError(err) = reply {
                queue_error.get_or_insert(err);
            }
        }
        match queue_error {
            Some(err) => Err(err.into()),
            None => Ok(replies),
        }
    }

    fn get_db(&self) -> i64 {
        0
    }

    fn check_connection(&mut self) -> bool {
        redis::cmd("PING").query::<String>(self).is_ok()
    }

    fn is_open(&self) -> bool {
        self.open
    }
}

/// The error for a command on a client whose stream failed earlier.
fn closed() -> RedisError {
    RedisError::from((
        ErrorKind::Io,
        "connection closed after an earlier read or write failed",
    ))
}

/// Reads from a socket, reading again whenever a call is interrupted before any data arrived.
struct Restarting<'a>(&'a TcpStream);

impl Read for Restarting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.0.read(buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                result => return result,
            }
        }
    }
}
