//! Replies as the server sends them, and their RESP2/RESP3 encoding.
//!
//! Scalar frames are encoded by the `redis-protocol` crate; aggregate headers (`*n`, `%n`) are
//! written here so that maps keep their order (the crate's RESP3 map is a `HashMap`).

use bytes::{BufMut, Bytes, BytesMut};
use redis_protocol::resp2::types::BytesFrame as Resp2Frame;
use redis_protocol::resp3::types::BytesFrame as Resp3Frame;

use crate::pb;
use crate::pb::reply::Kind;

/// One reply to a client.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    /// `+text`.
    Simple(String),
    /// `-text`; the text carries its prefix (`ERR`, `WRONGTYPE`, ...).
    Error(String),
    /// `:n`.
    Integer(i64),
    /// `$n` bulk string.
    Bulk(Bytes),
    /// RESP2 `$-1`, RESP3 `_`.
    Null,
    /// RESP2 `*-1`, RESP3 `_`.
    NullArray,
    /// `*n`.
    Array(Vec<Out>),
    /// RESP3 `%n`; a flat array of keys and values in RESP2.
    Map(Vec<(Out, Out)>),
    /// RESP3 `,x`; a bulk string in RESP2.
    Double(f64),
    /// RESP3 `>n`, an out-of-band push (pub/sub messages and confirmations); `*n` in RESP2.
    Push(Vec<Out>),
    /// RESP3 `~n`; `*n` in RESP2.
    Set(Vec<Out>),
    /// An array of two-element arrays in RESP3; one flat array in RESP2.
    Pairs(Vec<(Out, Out)>),
    /// RESP3 `%n`; an array of two-element arrays in RESP2 (XREAD's streams).
    Keyed(Vec<(Out, Out)>),
    /// RESP3 `,text`; a bulk string in RESP2: a double Redis prints with more digits than
    /// [`Out::Double`] does (GEOPOS's coordinates).
    DoubleText(String),
}

impl Out {
    /// `+OK`.
    pub fn ok() -> Out {
        Out::Simple("OK".into())
    }

    /// An error reply; CR and LF are replaced so the reply stays one line.
    pub fn error(text: impl Into<String>) -> Out {
        let text: String = text.into();
        Out::Error(text.replace(['\r', '\n'], " "))
    }

    /// A bulk string from text.
    pub fn bulk(text: impl Into<String>) -> Out {
        Out::Bulk(Bytes::from(text.into()))
    }

    /// Whether this is an error reply.
    pub fn is_error(&self) -> bool {
        matches!(self, Out::Error(_))
    }
}

impl From<pb::Reply> for Out {
    fn from(reply: pb::Reply) -> Self {
        match reply.kind {
            Some(Kind::Simple(s)) => Out::Simple(s),
            Some(Kind::Error(e)) => Out::error(e),
            Some(Kind::Integer(i)) => Out::Integer(i),
            Some(Kind::Bulk(b)) => Out::Bulk(b),
            Some(Kind::Null(_)) => Out::Null,
            Some(Kind::NullArray(_)) => Out::NullArray,
            Some(Kind::Array(a)) => Out::Array(a.items.into_iter().map(Out::from).collect()),
            Some(Kind::Map(m)) => Out::Map(paired(m.items)),
            Some(Kind::Pairs(p)) => Out::Pairs(paired(p.items)),
            Some(Kind::Keyed(k)) => Out::Keyed(paired(k.items)),
            Some(Kind::Set(s)) => Out::Set(s.items.into_iter().map(Out::from).collect()),
            Some(Kind::Double(d)) => Out::Double(d),
            Some(Kind::DoubleText(t)) => Out::DoubleText(t),
            None => Out::error("ERR empty reply from the state machine"),
        }
    }
}

/// Alternating keys and values as pairs.
fn paired(items: Vec<pb::Reply>) -> Vec<(Out, Out)> {
    let mut items = items.into_iter().map(Out::from);
    let mut pairs = Vec::with_capacity(items.len() / 2);
    while let (Some(k), Some(v)) = (items.next(), items.next()) {
        pairs.push((k, v));
    }
    pairs
}

/// The reply for a `crate::kv::CommandError` or a `crate::driver::ClusterError`: its `Display`
/// already holds the full Redis error text.
pub fn error_frame(error: &impl std::fmt::Display) -> Out {
    Out::error(error.to_string())
}

/// Appends `out` to `buf` in RESP3 when `resp3`, else RESP2.
pub fn encode(out: &Out, resp3: bool, buf: &mut BytesMut) {
    match out {
        Out::Array(items) => {
            header(buf, b'*', items.len());
            for item in items {
                encode(item, resp3, buf);
            }
        }
        Out::Push(items) | Out::Set(items) => {
            let kind = match (out, resp3) {
                (Out::Push(_), true) => b'>',
                (Out::Set(_), true) => b'~',
                _ => b'*',
            };
            header(buf, kind, items.len());
            for item in items {
                encode(item, resp3, buf);
            }
        }
        Out::Pairs(pairs) => {
            header(buf, b'*', if resp3 { pairs.len() } else { pairs.len() * 2 });
            for (a, b) in pairs {
                if resp3 {
                    header(buf, b'*', 2);
                }
                encode(a, resp3, buf);
                encode(b, resp3, buf);
            }
        }
        Out::Keyed(pairs) => {
            header(buf, if resp3 { b'%' } else { b'*' }, pairs.len());
            for (k, v) in pairs {
                if !resp3 {
                    header(buf, b'*', 2);
                }
                encode(k, resp3, buf);
                encode(v, resp3, buf);
            }
        }
        // Redis 7.0 prints doubles with `%.17g`, in both protocols.
        Out::Double(d) if resp3 => {
            buf.put_u8(b',');
            buf.put_slice(crate::kv::format_score(*d).as_bytes());
            buf.put_slice(b"\r\n");
        }
        Out::Double(d) => {
            let text = crate::kv::format_score(*d);
            header(buf, b'$', text.len());
            buf.put_slice(text.as_bytes());
            buf.put_slice(b"\r\n");
        }
        Out::DoubleText(text) if resp3 => {
            buf.put_u8(b',');
            buf.put_slice(text.as_bytes());
            buf.put_slice(b"\r\n");
        }
        Out::DoubleText(text) => {
            header(buf, b'$', text.len());
            buf.put_slice(text.as_bytes());
            buf.put_slice(b"\r\n");
        }
        Out::Map(pairs) => {
            if resp3 {
                header(buf, b'%', pairs.len());
            } else {
                header(buf, b'*', pairs.len() * 2);
            }
            for (k, v) in pairs {
                encode(k, resp3, buf);
                encode(v, resp3, buf);
            }
        }
        Out::NullArray if !resp3 => buf.put_slice(b"*-1\r\n"),
        scalar if resp3 => {
            let frame = match scalar {
                Out::Simple(s) => Resp3Frame::SimpleString {
                    data: Bytes::from(s.clone()),
                    attributes: None,
                },
                Out::Error(e) => Resp3Frame::SimpleError {
                    data: e.clone().into(),
                    attributes: None,
                },
                Out::Integer(i) => Resp3Frame::Number {
                    data: *i,
                    attributes: None,
                },
                Out::Bulk(b) => Resp3Frame::BlobString {
                    data: b.clone(),
                    attributes: None,
                },
                _ => Resp3Frame::Null,
            };
            // Encoding into a growable buffer only fails on a bug in the size computation.
            if redis_protocol::resp3::encode::complete::extend_encode(buf, &frame, false).is_err() {
                buf.put_slice(b"-ERR reply encoding failed\r\n");
            }
        }
        scalar => {
            let frame = match scalar {
                Out::Simple(s) => Resp2Frame::SimpleString(Bytes::from(s.clone())),
                Out::Error(e) => Resp2Frame::Error(e.clone().into()),
                Out::Integer(i) => Resp2Frame::Integer(*i),
                Out::Bulk(b) => Resp2Frame::BulkString(b.clone()),
                _ => Resp2Frame::Null,
            };
            if redis_protocol::resp2::encode::extend_encode(buf, &frame, false).is_err() {
                buf.put_slice(b"-ERR reply encoding failed\r\n");
            }
        }
    }
}

fn header(buf: &mut BytesMut, kind: u8, len: usize) {
    buf.put_u8(kind);
    buf.put_slice(len.to_string().as_bytes());
    buf.put_slice(b"\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(out: &Out, resp3: bool) -> String {
        let mut buf = BytesMut::new();
        encode(out, resp3, &mut buf);
        String::from_utf8(buf.to_vec()).unwrap()
    }

    #[test]
    fn resp2_and_resp3_encodings() {
        let arr = Out::Array(vec![
            Out::ok(),
            Out::Integer(-3),
            Out::bulk("hi"),
            Out::Null,
            Out::error("ERR bad\r\nthing"),
        ]);
        assert_eq!(
            enc(&arr, false),
            "*5\r\n+OK\r\n:-3\r\n$2\r\nhi\r\n$-1\r\n-ERR bad  thing\r\n"
        );
        assert_eq!(
            enc(&arr, true),
            "*5\r\n+OK\r\n:-3\r\n$2\r\nhi\r\n_\r\n-ERR bad  thing\r\n"
        );
        assert_eq!(enc(&Out::NullArray, false), "*-1\r\n");
        assert_eq!(enc(&Out::NullArray, true), "_\r\n");
        let map = Out::Map(vec![(Out::bulk("a"), Out::Integer(1))]);
        assert_eq!(enc(&map, false), "*2\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(&map, true), "%1\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(&Out::Double(1.5), false), "$3\r\n1.5\r\n");
        assert_eq!(enc(&Out::Double(1.5), true), ",1.5\r\n");
        assert_eq!(enc(&Out::Double(0.1), true), ",0.10000000000000001\r\n");
        assert_eq!(enc(&Out::Double(f64::INFINITY), false), "$3\r\ninf\r\n");
        let coordinate = Out::DoubleText("13.36138933897018433".into());
        assert_eq!(enc(&coordinate, false), "$20\r\n13.36138933897018433\r\n");
        assert_eq!(enc(&coordinate, true), ",13.36138933897018433\r\n");
        let set = Out::Set(vec![Out::bulk("a")]);
        assert_eq!(enc(&set, false), "*1\r\n$1\r\na\r\n");
        assert_eq!(enc(&set, true), "~1\r\n$1\r\na\r\n");
        let pairs = Out::Pairs(vec![(Out::bulk("m"), Out::Double(2.0))]);
        assert_eq!(enc(&pairs, false), "*2\r\n$1\r\nm\r\n$1\r\n2\r\n");
        assert_eq!(enc(&pairs, true), "*1\r\n*2\r\n$1\r\nm\r\n,2\r\n");
        let push = Out::Push(vec![Out::bulk("message"), Out::bulk("c"), Out::Null]);
        assert_eq!(
            enc(&push, false),
            "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$-1\r\n"
        );
        assert_eq!(enc(&push, true), ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n_\r\n");
    }

    #[test]
    fn from_state_machine_reply() {
        let r = crate::kv::reply::array(vec![
            crate::kv::reply::null_array(),
            crate::kv::reply::bulk(Bytes::from_static(b"x")),
        ]);
        assert_eq!(
            Out::from(r),
            Out::Array(vec![Out::NullArray, Out::Bulk(Bytes::from_static(b"x"))])
        );
    }
}
