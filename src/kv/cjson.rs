//! The `cjson` library of Redis scripts: `cjson.encode`, `cjson.decode` and `cjson.null`, as
//! Redis's lua-cjson behaves with its default settings.
//!
//! Encoding follows Lua's table order (the same on every node, as the interpreter is the
//! same); decoding keeps the document's order. Numbers print with 14 significant digits.

use mlua::{Lua, Table, Value};

use super::zset::format_g;

/// Nesting depth at which encoding and decoding stop, as lua-cjson's default.
const MAX_DEPTH: usize = 1000;

/// Adds the `cjson` table to the globals.
pub fn install(lua: &Lua) -> mlua::Result<()> {
    let cjson = lua.create_table()?;
    cjson.raw_set(
        "encode",
        lua.create_function(|lua, value: Value| {
            let mut out = Vec::new();
            encode(&value, 0, &mut out)?;
            lua.create_string(out)
        })?,
    )?;
    cjson.raw_set(
        "decode",
        lua.create_function(|lua, text: mlua::LuaString| {
            let parsed: serde_json::Value =
                serde_json::from_slice(&text.as_bytes()).map_err(|e| {
                    mlua::Error::runtime(format!("Expected value but found invalid JSON ({e})"))
                })?;
            decode(lua, &parsed, 0)
        })?,
    )?;
    cjson.raw_set("null", Value::NULL)?;
    lua.globals().raw_set("cjson", cjson)
}

fn encode(value: &Value, depth: usize, out: &mut Vec<u8>) -> mlua::Result<()> {
    match value {
        Value::Nil => out.extend_from_slice(b"null"),
        Value::LightUserData(ud) if ud.0.is_null() => out.extend_from_slice(b"null"),
        Value::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        // Lua 5.1 has only doubles; whole ones reach here as integers.
        Value::Integer(i) => out.extend_from_slice(number(*i as f64)?.as_bytes()),
        Value::Number(n) => out.extend_from_slice(number(*n)?.as_bytes()),
        Value::String(s) => quote(&s.as_bytes(), out),
        Value::Table(t) => {
            if depth >= MAX_DEPTH {
                return Err(mlua::Error::runtime(format!(
                    "Cannot serialise, excessive nesting ({})",
                    depth + 1
                )));
            }
            encode_table(t, depth + 1, out)?;
        }
        other => {
            return Err(mlua::Error::runtime(format!(
                "Cannot serialise {}: type not supported",
                other.type_name()
            )));
        }
    }
    Ok(())
}

/// A number as lua-cjson prints it (`%.14g`); NaN and infinities are refused.
fn number(n: f64) -> mlua::Result<String> {
    if !n.is_finite() {
        return Err(mlua::Error::runtime(
            "Cannot serialise number: must not be NaN or Inf",
        ));
    }
    Ok(format_g(n, 14))
}

/// A table as an array when its keys are exactly 1..n (not too sparse), else an object; an
/// empty table is an object, as in lua-cjson.
fn encode_table(t: &Table, depth: usize, out: &mut Vec<u8>) -> mlua::Result<()> {
    let mut max = 0usize;
    let mut items = 0usize;
    let mut array = true;
    for pair in t.pairs::<Value, Value>() {
        let (key, _) = pair?;
        items += 1;
        let index = match key {
            Value::Integer(i) if i >= 1 => Some(i as usize),
            Value::Number(n) if n >= 1.0 && n.fract() == 0.0 && n < 1e15 => Some(n as usize),
            _ => None,
        };
        match index {
            Some(i) => max = max.max(i),
            None => array = false,
        }
    }
    if array && max > 0 {
        // lua-cjson's default: an array may be at most twice as long as its items, beyond 10.
        if max > items * 2 && max > 10 {
            return Err(mlua::Error::runtime(
                "Cannot serialise table: excessively sparse array",
            ));
        }
        out.push(b'[');
        for i in 1..=max {
            if i > 1 {
                out.push(b',');
            }
            encode(&t.raw_get::<Value>(i)?, depth, out)?;
        }
        out.push(b']');
        return Ok(());
    }
    out.push(b'{');
    let mut first = true;
    for pair in t.pairs::<Value, Value>() {
        let (key, value) = pair?;
        if !first {
            out.push(b',');
        }
        first = false;
        match &key {
            Value::String(s) => quote(&s.as_bytes(), out),
            Value::Integer(i) => quote(number(*i as f64)?.as_bytes(), out),
            Value::Number(n) => quote(number(*n)?.as_bytes(), out),
            _ => {
                return Err(mlua::Error::runtime(
                    "Cannot serialise table: table key must be a number or string",
                ));
            }
        }
        out.push(b':');
        encode(&value, depth, out)?;
    }
    out.push(b'}');
    Ok(())
}

/// A JSON string, escaped byte by byte as lua-cjson escapes (`/` included); other bytes,
/// UTF-8 or not, pass as they are.
fn quote(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'/' => out.extend_from_slice(b"\\/"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b if b < 0x20 || b == 0x7f => {
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes());
            }
            b => out.push(b),
        }
    }
    out.push(b'"');
}

fn decode(lua: &Lua, value: &serde_json::Value, depth: usize) -> mlua::Result<Value> {
    if depth > MAX_DEPTH {
        return Err(mlua::Error::runtime(format!(
            "Found too many nested data structures ({depth})"
        )));
    }
    Ok(match value {
        serde_json::Value::Null => Value::NULL,
        serde_json::Value::Bool(b) => Value::Boolean(*b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Value::String(lua.create_string(s)?),
        serde_json::Value::Array(items) => {
            let t = lua.create_table()?;
            for (i, item) in items.iter().enumerate() {
                t.raw_set(i + 1, decode(lua, item, depth + 1)?)?;
            }
            Value::Table(t)
        }
        serde_json::Value::Object(fields) => {
            let t = lua.create_table()?;
            for (key, item) in fields {
                t.raw_set(key.as_str(), decode(lua, item, depth + 1)?)?;
            }
            Value::Table(t)
        }
    })
}
