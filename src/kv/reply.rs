//! Constructors for `pb::Reply`, the RESP-shaped result the state machine produces.

use bytes::Bytes;

use crate::pb;
use crate::pb::reply::Kind;

/// `+OK`.
pub fn ok() -> pb::Reply {
    simple("OK")
}

/// A simple string.
pub fn simple(text: &str) -> pb::Reply {
    kind(Kind::Simple(text.to_string()))
}

/// An error; `text` carries its prefix (`ERR ...`, `WRONGTYPE ...`).
pub fn error(text: impl Into<String>) -> pb::Reply {
    kind(Kind::Error(text.into()))
}

/// An integer.
pub fn integer(value: i64) -> pb::Reply {
    kind(Kind::Integer(value))
}

/// A bulk string.
pub fn bulk(value: Bytes) -> pb::Reply {
    kind(Kind::Bulk(value))
}

/// A null bulk string (RESP3 null).
pub fn null() -> pb::Reply {
    kind(Kind::Null(pb::Empty {}))
}

/// A null array (the reply of an aborted EXEC).
pub fn null_array() -> pb::Reply {
    kind(Kind::NullArray(pb::Empty {}))
}

/// An array of replies.
pub fn array(items: Vec<pb::Reply>) -> pb::Reply {
    kind(Kind::Array(pb::ReplyArray { items }))
}

/// A map, given as alternating keys and values (a flat array in RESP2).
pub fn map(items: Vec<pb::Reply>) -> pb::Reply {
    kind(Kind::Map(pb::ReplyArray { items }))
}

/// A RESP3 set (an array in RESP2).
pub fn set(items: Vec<pb::Reply>) -> pb::Reply {
    kind(Kind::Set(pb::ReplyArray { items }))
}

/// Pairs given flat: a flat array in RESP2, an array of two-element arrays in RESP3.
pub fn pairs(items: Vec<pb::Reply>) -> pb::Reply {
    kind(Kind::Pairs(pb::ReplyArray { items }))
}

/// A map given as alternating keys and values: an array of two-element arrays in RESP2, a
/// map in RESP3 (XREAD's streams).
pub fn keyed(items: Vec<pb::Reply>) -> pb::Reply {
    kind(Kind::Keyed(pb::ReplyArray { items }))
}

/// A double: a bulk string in Redis 7.0's `%.17g` form in RESP2, a RESP3 double.
pub fn double(value: f64) -> pb::Reply {
    kind(Kind::Double(value))
}

/// A double printed as `text`: a bulk string in RESP2, a RESP3 double with that text.
pub fn double_text(text: String) -> pb::Reply {
    kind(Kind::DoubleText(text))
}

/// A bulk string, or null when `value` is `None`.
pub fn bulk_or_null(value: Option<Bytes>) -> pb::Reply {
    value.map_or_else(null, bulk)
}

fn kind(kind: Kind) -> pb::Reply {
    pb::Reply { kind: Some(kind) }
}
