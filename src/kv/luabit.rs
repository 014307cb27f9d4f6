//! The `bit` library of Redis scripts (LuaBitOp): bitwise operations on 32-bit integers,
//! which Lua 5.1's numbers lack. Every result is a signed 32-bit number, as in LuaBitOp.

use mlua::{Lua, MultiValue, Value};

/// Adds the `bit` table to the globals.
pub fn install(lua: &Lua) -> mlua::Result<()> {
    let bit = lua.create_table()?;
    bit.raw_set(
        "tobit",
        lua.create_function(|_, x: f64| Ok(signed(arg(x))))?,
    )?;
    bit.raw_set(
        "bnot",
        lua.create_function(|_, x: f64| Ok(signed(!arg(x))))?,
    )?;
    bit.raw_set(
        "bswap",
        lua.create_function(|_, x: f64| Ok(signed(arg(x).swap_bytes())))?,
    )?;
    for (name, op) in [
        ("band", (|a, b| a & b) as fn(u32, u32) -> u32),
        ("bor", |a, b| a | b),
        ("bxor", |a, b| a ^ b),
    ] {
        bit.raw_set(
            name,
            lua.create_function(move |_, args: MultiValue| {
                let mut values = args.into_iter().map(number);
                let first = values.next().ok_or_else(|| {
                    mlua::Error::runtime(format!("bad argument #1 to '{name}'"))
                })??;
                values
                    .try_fold(arg(first), |acc, v| Ok(op(acc, arg(v?))))
                    .map(signed)
            })?,
        )?;
    }
    for (name, op) in [
        ("lshift", (|x: u32, n| x << n) as fn(u32, u32) -> u32),
        ("rshift", |x, n| x >> n),
        ("arshift", |x, n| ((x as i32) >> n) as u32),
        ("rol", |x, n| x.rotate_left(n)),
        ("ror", |x, n| x.rotate_right(n)),
    ] {
        bit.raw_set(
            name,
            lua.create_function(move |_, (x, n): (f64, f64)| Ok(signed(op(arg(x), arg(n) & 31))))?,
        )?;
    }
    bit.raw_set(
        "tohex",
        lua.create_function(|_, (x, n): (f64, Option<f64>)| {
            let n = n.map_or(8, |n| arg(n) as i32);
            let digits = n.unsigned_abs().min(8) as usize;
            let value = u64::from(arg(x)) & ((1u64 << (4 * digits)) - 1);
            Ok(if n < 0 {
                format!("{value:0digits$X}")
            } else {
                format!("{value:0digits$x}")
            })
        })?,
    )?;
    lua.globals().raw_set("bit", bit)
}

/// A Lua value as a number, as LuaBitOp's arguments must be.
fn number(v: Value) -> mlua::Result<f64> {
    match v {
        Value::Integer(i) => Ok(i as f64),
        Value::Number(n) => Ok(n),
        Value::String(s) => s
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| mlua::Error::runtime("bad argument to bit operation (number expected)")),
        other => Err(mlua::Error::runtime(format!(
            "bad argument to bit operation (number expected, got {})",
            other.type_name()
        ))),
    }
}

/// A number as LuaBitOp reads it: rounded to an integer, then taken modulo 2^32.
fn arg(x: f64) -> u32 {
    if !x.is_finite() {
        return 0;
    }
    x.round_ties_even().rem_euclid(4_294_967_296.0) as u32
}

/// A 32-bit result as the signed number LuaBitOp returns.
fn signed(x: u32) -> f64 {
    f64::from(x as i32)
}
