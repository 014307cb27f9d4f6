//! What the script libraries written in Rust (`cmsgpack`, `struct`) share: taking their
//! arguments and wording their errors as Lua's C API does (`luaL_check*`), converting numbers
//! as C on x86 does, and the memory a result may still take.

use mlua::{Lua, LuaString, Value};

/// Lua's error for a bad argument of the function `name`.
pub(super) fn arg_error(name: &str, index: usize, message: &str) -> mlua::Error {
    mlua::Error::runtime(format!("bad argument #{index} to '{name}' ({message})"))
}

/// The type of argument `index` of `nargs`, as Lua names it in errors.
pub(super) fn type_name(nargs: usize, index: usize, value: &Value) -> &'static str {
    if index > nargs {
        return "no value";
    }
    match value {
        Value::Nil => "nil",
        Value::Boolean(_) => "boolean",
        Value::Integer(_) | Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Table(_) => "table",
        Value::Function(_) => "function",
        Value::Thread(_) => "thread",
        _ => "userdata",
    }
}

/// Argument `index` as a string, as `luaL_checklstring` takes it: a number becomes one.
pub(super) fn check_string(
    lua: &Lua,
    name: &str,
    nargs: usize,
    index: usize,
    value: Value,
) -> mlua::Result<LuaString> {
    let got = type_name(nargs, index, &value);
    if index <= nargs {
        match value {
            Value::String(s) => return Ok(s),
            Value::Integer(_) | Value::Number(_) => {
                if let Some(s) = lua.coerce_string(value)? {
                    return Ok(s);
                }
            }
            _ => {}
        }
    }
    Err(arg_error(
        name,
        index,
        &format!("string expected, got {got}"),
    ))
}

/// Argument `index` as a number, as `luaL_checknumber` takes it: a numeric string converts.
pub(super) fn check_number(
    lua: &Lua,
    name: &str,
    nargs: usize,
    index: usize,
    value: Value,
) -> mlua::Result<f64> {
    let got = type_name(nargs, index, &value);
    let number = match value {
        _ if index > nargs => None,
        Value::Integer(i) => Some(i as f64),
        Value::Number(n) => Some(n),
        Value::String(_) => lua.coerce_number(value)?,
        _ => None,
    };
    number.ok_or_else(|| arg_error(name, index, &format!("number expected, got {got}")))
}

/// Argument `index` as an integer, as `luaL_checkinteger` takes it: the number truncated as
/// C converts it.
pub(super) fn check_integer(
    lua: &Lua,
    name: &str,
    nargs: usize,
    index: usize,
    value: Value,
) -> mlua::Result<i64> {
    check_number(lua, name, nargs, index, value).map(c_integer)
}

/// Argument `index` as `luaL_optinteger` takes it: 0 if missing or `nil`.
pub(super) fn opt_integer(
    lua: &Lua,
    name: &str,
    nargs: usize,
    index: usize,
    value: Value,
) -> mlua::Result<i64> {
    if index > nargs || value.is_nil() {
        return Ok(0);
    }
    check_integer(lua, name, nargs, index, value)
}

/// A number as C converts it to a signed 64-bit integer on x86: truncated, and the smallest
/// integer where that is undefined (NaN, infinities, out of range).
pub(super) fn c_integer(n: f64) -> i64 {
    if (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

/// A double as a float, as x86 converts it: rounded to nearest, and a NaN keeping its sign
/// and the top of its payload (made quiet).
pub(super) fn f64_to_f32(n: f64) -> f32 {
    if !n.is_nan() {
        return n as f32;
    }
    let bits = n.to_bits();
    let sign = ((bits >> 63) as u32) << 31;
    let payload = ((bits >> 29) as u32) & 0x003f_ffff;
    f32::from_bits(sign | 0x7fc0_0000 | payload)
}

/// A float as a double, as x86 converts it: exactly, and a NaN keeping its sign and payload
/// (made quiet).
pub(super) fn f32_to_f64(bits: u32) -> f64 {
    let single = f32::from_bits(bits);
    if !single.is_nan() {
        return f64::from(single);
    }
    let sign = u64::from(bits >> 31) << 63;
    let payload = u64::from(bits & 0x007f_ffff) << 29;
    f64::from_bits(sign | 0x7ff8_0000_0000_0000 | payload)
}

/// The bytes a result may still take: what the interpreter's memory limit leaves, as the
/// result must become a Lua string. A library stops building one there, so that a table holding
/// the same big string many times (or itself), or a format repeating it, cannot make it allocate
/// without bound.
pub(super) fn output_budget(lua: &Lua) -> mlua::Result<usize> {
    // mlua tells the limit only by answering the one a new limit replaces.
    let limit = match lua.set_memory_limit(0) {
        Ok(limit) => limit,
        Err(mlua::Error::MemoryControlNotAvailable) => return Ok(usize::MAX),
        Err(e) => return Err(e),
    };
    if limit == 0 {
        return Ok(usize::MAX);
    }
    lua.set_memory_limit(limit)?;
    Ok(limit.saturating_sub(lua.used_memory()))
}
