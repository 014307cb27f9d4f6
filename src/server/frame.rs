//! Splits a connection's read buffer into requests (argument vectors).
//!
//! Multibulk requests (`*<n>\r\n$<len>\r\n...`) are walked here header by header: every `*<n>`
//! and `$<len>` is checked against the limits before the data behind it is awaited, so an
//! oversized bulk is refused before any of it is buffered. Once the whole frame is in the
//! buffer, the arguments are zero-copy slices of it. (A general RESP decoder would parse the
//! frame a second time and allocate a frame tree per request; replies are still encoded with
//! the `redis-protocol` crate.)
//! Inline (telnet-style) requests are split here, with Redis's quoting rules.

use bytes::{Bytes, BytesMut};

/// Longest inline request or `*`/`$` header line, like Redis's `PROTO_INLINE_MAX_SIZE`.
pub const MAX_INLINE_BYTES: usize = 64 * 1024;

/// Most elements an unauthenticated client may send in one multibulk request.
const MAX_UNAUTHENTICATED_ARGS: i64 = 10;

/// Longest bulk an unauthenticated client may send.
const MAX_UNAUTHENTICATED_BULK_BYTES: i64 = 16 * 1024;

/// Most elements in one multibulk request (Redis caps it at `INT_MAX`).
const MAX_ARGS: i64 = i32::MAX as i64;

/// A malformed request; the connection replies `-ERR Protocol error: <text>` and closes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("ERR Protocol error: {0}")]
pub struct FrameError(
    /// What was wrong, in Redis's words (e.g. `invalid bulk length`).
    pub String,
);

impl FrameError {
    fn new(text: impl Into<String>) -> Self {
        FrameError(text.into())
    }
}

/// Limits that depend on the server options and the connection's state.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest accepted bulk string, in bytes.
    pub max_bulk_len: usize,
    /// Whether the client has authenticated (unauthenticated clients get tighter limits).
    pub authenticated: bool,
}

/// Takes the next complete request off the front of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed, and `Ok(Some(args))` with possibly empty
/// `args` (an empty line or `*0`), which the caller skips. When more bytes are needed, `need`
/// is set to a lower bound on the buffer length at which calling again can make progress, so
/// a large frame arriving in many reads is not re-walked after every read.
///
/// # Errors
/// [`FrameError`] when the buffer cannot be the start of a valid request.
pub fn next_request(
    buf: &mut BytesMut,
    limits: Limits,
    need: &mut usize,
) -> Result<Option<Vec<Bytes>>, FrameError> {
    *need = buf.len() + 1;
    match buf.first() {
        None => Ok(None),
        Some(b'*') => next_multibulk(buf, limits, need),
        Some(_) => next_inline(buf),
    }
}

fn next_multibulk(
    buf: &mut BytesMut,
    limits: Limits,
    need: &mut usize,
) -> Result<Option<Vec<Bytes>>, FrameError> {
    let Some((count, mut pos)) = header_line(buf, 0, "too big mbulk count string")? else {
        return Ok(None);
    };
    let count = parse_len(count).ok_or_else(|| FrameError::new("invalid multibulk length"))?;
    if count > MAX_ARGS {
        return Err(FrameError::new("invalid multibulk length"));
    }
    if count <= 0 {
        let _ = buf.split_to(pos);
        return Ok(Some(Vec::new()));
    }
    if !limits.authenticated && count > MAX_UNAUTHENTICATED_ARGS {
        return Err(FrameError::new("unauthenticated multibulk length"));
    }
    let mut spans = Vec::with_capacity(count as usize);
    for i in 0..count {
        match buf.get(pos) {
            None => return Ok(None),
            Some(b'$') => {}
            Some(&other) => {
                return Err(FrameError(format!(
                    "expected '$', got '{}'",
                    char::from(other).escape_default()
                )));
            }
        }
        let Some((len, next)) = header_line(buf, pos, "too big bulk count string")? else {
            return Ok(None);
        };
        let len = parse_len(len).ok_or_else(|| FrameError::new("invalid bulk length"))?;
        if len < 0 || len as u64 > limits.max_bulk_len as u64 {
            return Err(FrameError::new("invalid bulk length"));
        }
        if !limits.authenticated && len > MAX_UNAUTHENTICATED_BULK_BYTES {
            return Err(FrameError::new("unauthenticated bulk length"));
        }
        let end = next + len as usize;
        pos = end + 2;
        if pos > buf.len() {
            // Each remaining element takes at least `$0\r\n\r\n`.
            *need = pos.saturating_add(((count - i - 1) as usize).saturating_mul(6));
            return Ok(None);
        }
        if &buf[end..pos] != b"\r\n" {
            return Err(FrameError::new("expected CRLF after bulk string"));
        }
        spans.push((next, end));
    }
    // The whole frame is buffered and checked: its arguments are slices of it, not copies.
    let frame = buf.split_to(pos).freeze();
    Ok(Some(
        spans
            .into_iter()
            .map(|(start, end)| frame.slice(start..end))
            .collect(),
    ))
}

/// Finds the `\r\n`-terminated header line that starts at `buf[start]` (after its type byte).
/// Returns the line's digits and the index after its `\r\n`.
fn header_line<'a>(
    buf: &'a [u8],
    start: usize,
    too_big: &str,
) -> Result<Option<(&'a [u8], usize)>, FrameError> {
    let rest = &buf[start..];
    match rest.iter().position(|&b| b == b'\r') {
        Some(cr) if cr + 1 < rest.len() => Ok(Some((&rest[1..cr], start + cr + 2))),
        Some(_) => Ok(None),
        None if rest.len() > MAX_INLINE_BYTES => Err(FrameError::new(too_big)),
        None => Ok(None),
    }
}

fn parse_len(digits: &[u8]) -> Option<i64> {
    crate::kv::command::parse_i64_strict(digits)
}

fn next_inline(buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, FrameError> {
    let Some(newline) = buf.iter().position(|&b| b == b'\n') else {
        if buf.len() > MAX_INLINE_BYTES {
            return Err(FrameError::new("too big inline request"));
        }
        return Ok(None);
    };
    if newline > MAX_INLINE_BYTES {
        return Err(FrameError::new("too big inline request"));
    }
    let line = buf.split_to(newline + 1);
    let line = line.strip_suffix(b"\n").unwrap_or(&line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    split_inline(line)
        .map(Some)
        .ok_or_else(|| FrameError::new("unbalanced quotes in request"))
}

/// Splits an inline command line like Redis's `sdssplitargs`: whitespace separates arguments;
/// `"..."` supports `\n \r \t \b \a \\ \" \xHH` escapes; `'...'` supports `\'`. A closing quote
/// must be followed by whitespace or the end. Returns `None` on unbalanced quotes.
pub fn split_inline(line: &[u8]) -> Option<Vec<Bytes>> {
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < line.len() && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == line.len() {
            return Some(args);
        }
        let mut arg = Vec::new();
        match line[i] {
            b'"' => {
                i += 1;
                loop {
                    match *line.get(i)? {
                        b'\\'
                            if i + 3 < line.len()
                                && line[i + 1] == b'x'
                                && line[i + 2].is_ascii_hexdigit()
                                && line[i + 3].is_ascii_hexdigit() =>
                        {
                            arg.push(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                            i += 4;
                        }
                        b'\\' if i + 1 < line.len() => {
                            arg.push(match line[i + 1] {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => 8,
                                b'a' => 7,
                                other => other,
                            });
                            i += 2;
                        }
                        b'"' => {
                            i += 1;
                            if line.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                                return None;
                            }
                            break;
                        }
                        c => {
                            arg.push(c);
                            i += 1;
                        }
                    }
                }
            }
            b'\'' => {
                i += 1;
                loop {
                    match *line.get(i)? {
                        b'\\' if line.get(i + 1) == Some(&b'\'') => {
                            arg.push(b'\'');
                            i += 2;
                        }
                        b'\'' => {
                            i += 1;
                            if line.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                                return None;
                            }
                            break;
                        }
                        c => {
                            arg.push(c);
                            i += 1;
                        }
                    }
                }
            }
            _ => {
                while i < line.len() && !line[i].is_ascii_whitespace() {
                    arg.push(line[i]);
                    i += 1;
                }
            }
        }
        args.push(Bytes::from(arg));
    }
}

fn hex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c - b'A' + 10,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: Limits = Limits {
        max_bulk_len: 1024,
        authenticated: true,
    };

    fn all(input: &[u8], limits: Limits) -> (Vec<Vec<Bytes>>, Option<String>, usize) {
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        let mut need = 0;
        loop {
            match next_request(&mut buf, limits, &mut need) {
                Ok(Some(args)) => out.push(args),
                Ok(None) => return (out, None, buf.len()),
                Err(e) => return (out, Some(e.to_string()), buf.len()),
            }
        }
    }

    fn strs(args: &[Bytes]) -> Vec<&str> {
        args.iter()
            .map(|a| std::str::from_utf8(a).unwrap())
            .collect()
    }

    #[test]
    fn pipelined_multibulk_and_partial_frames() {
        let input =
            b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*1\r\n$4\r\nPI";
        let (reqs, err, left) = all(input, OPEN);
        assert_eq!(err, None);
        assert_eq!(reqs.len(), 2);
        assert_eq!(strs(&reqs[0]), ["GET", "k"]);
        assert_eq!(strs(&reqs[1]), ["SET", "k", ""]);
        assert_eq!(left, 10, "the partial frame stays buffered");
        // Every prefix of a valid frame is "incomplete", never an error.
        let frame = b"*2\r\n$3\r\nGET\r\n$10\r\n0123456789\r\n";
        for cut in 0..frame.len() {
            let (reqs, err, _) = all(&frame[..cut], OPEN);
            assert!(reqs.is_empty() && err.is_none(), "cut {cut}");
        }
    }

    #[test]
    fn bulk_data_must_end_with_crlf() {
        // Binary data (CR, LF, NUL inside) passes through untouched...
        let (reqs, err, _) = all(b"*2\r\n$3\r\nGET\r\n$4\r\na\r\n\0\r\n", OPEN);
        assert_eq!(err, None);
        assert_eq!(reqs[0][1].as_ref(), b"a\r\n\0");
        // ...but a bulk longer than its header says is a protocol error.
        let (reqs, err, _) = all(b"*2\r\n$3\r\nGET\r\n$1\r\nkey\r\n", OPEN);
        assert!(reqs.is_empty());
        assert_eq!(
            err.as_deref(),
            Some("ERR Protocol error: expected CRLF after bulk string")
        );
    }

    #[test]
    fn need_is_a_lower_bound_on_the_complete_frame() {
        let frame = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n";
        for cut in 0..frame.len() {
            let mut buf = BytesMut::from(&frame[..cut]);
            let mut need = 0;
            assert_eq!(next_request(&mut buf, OPEN, &mut need), Ok(None));
            assert!(need > cut && need <= frame.len(), "cut {cut} need {need}");
        }
    }

    #[test]
    fn inline_requests() {
        let (reqs, err, _) = all(b"PING\r\nset k \"a b\\x41\\n\"\r\n\r\nget 'it\\'s'\n", OPEN);
        assert_eq!(err, None);
        assert_eq!(reqs.len(), 4);
        assert_eq!(strs(&reqs[0]), ["PING"]);
        assert_eq!(strs(&reqs[1]), ["set", "k", "a bA\n"]);
        assert!(reqs[2].is_empty());
        assert_eq!(strs(&reqs[3]), ["get", "it's"]);
        let (_, err, _) = all(b"get \"abc\r\n", OPEN);
        assert_eq!(
            err.unwrap(),
            "ERR Protocol error: unbalanced quotes in request"
        );
        let (_, err, _) = all(b"get \"a\"b\r\n", OPEN);
        assert_eq!(
            err.unwrap(),
            "ERR Protocol error: unbalanced quotes in request"
        );
    }

    #[test]
    fn oversized_bulk_is_refused_from_its_header() {
        // Only the header has arrived: the bulk is refused without waiting for its bytes.
        let (reqs, err, _) = all(b"*2\r\n$3\r\nSET\r\n$1025\r\n", OPEN);
        assert!(reqs.is_empty());
        assert_eq!(err.unwrap(), "ERR Protocol error: invalid bulk length");
        let (_, err, _) = all(b"*1\r\n$-5\r\n", OPEN);
        assert_eq!(err.unwrap(), "ERR Protocol error: invalid bulk length");
        let (_, err, _) = all(b"*99999999999\r\n", OPEN);
        assert_eq!(err.unwrap(), "ERR Protocol error: invalid multibulk length");
        let (_, err, _) = all(b"*x\r\n", OPEN);
        assert_eq!(err.unwrap(), "ERR Protocol error: invalid multibulk length");
        let (_, err, _) = all(b"*1\r\n:5\r\n", OPEN);
        assert_eq!(err.unwrap(), "ERR Protocol error: expected '$', got ':'");
    }

    #[test]
    fn unauthenticated_limits() {
        let closed = Limits {
            authenticated: false,
            ..OPEN
        };
        let (_, err, _) = all(b"*11\r\n", closed);
        assert_eq!(
            err.unwrap(),
            "ERR Protocol error: unauthenticated multibulk length"
        );
        let (_, err, _) = all(b"*11\r\n", OPEN);
        assert_eq!(err, None);
        let big = Limits {
            max_bulk_len: 1 << 20,
            authenticated: false,
        };
        let (_, err, _) = all(b"*1\r\n$16385\r\n", big);
        assert_eq!(
            err.unwrap(),
            "ERR Protocol error: unauthenticated bulk length"
        );
    }

    #[test]
    fn long_lines_without_terminator_are_refused() {
        let mut long = vec![b'a'; MAX_INLINE_BYTES + 1];
        let (_, err, _) = all(&long, OPEN);
        assert_eq!(err.unwrap(), "ERR Protocol error: too big inline request");
        long.insert(0, b'*');
        long[1] = b'1';
        let (_, err, _) = all(&long, OPEN);
        assert_eq!(
            err.unwrap(),
            "ERR Protocol error: too big mbulk count string"
        );
    }

    #[test]
    fn empty_multibulk_is_skipped() {
        let (reqs, err, left) = all(b"*0\r\n*-1\r\n", OPEN);
        assert_eq!(err, None);
        assert_eq!(reqs, vec![Vec::<Bytes>::new(), Vec::new()]);
        assert_eq!(left, 0);
    }

    #[test]
    fn garbage_never_panics() {
        let alphabet: &[u8] = b"*$:+-\r\n0123456789-abc \"'\\x";
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut errors = 0;
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let input: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r % 4 == 0 {
                        (r >> 8) as u8
                    } else {
                        alphabet[(r >> 8) as usize % alphabet.len()]
                    }
                })
                .collect();
            let (_, err, left) = all(&input, OPEN);
            assert!(left <= input.len());
            errors += usize::from(err.is_some());
        }
        assert!(
            errors > 100,
            "garbage should mostly be refused, got {errors} errors"
        );
    }
}
