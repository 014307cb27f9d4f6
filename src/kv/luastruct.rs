//! The `struct` library of Redis scripts (lua_struct 0.2, with Redis's fixes):
//! `struct.pack(fmt, ...)` lays values out as a C struct in a string, `struct.unpack(fmt, s
//! [, pos])` reads them back (followed by the position after them) and `struct.size(fmt)`
//! tells a layout's length, as Redis 7.0 does on x86-64.
//!
//! A format is read up to its end or its first zero byte, one option at a time: `>` and `<`
//! switch to big and little endian (little is the default; `=` is no option here, as in
//! Redis), `!n` aligns each item to the smaller of its size and `n` (`!` alone: 8; the
//! default is 1, no alignment), spaces are skipped; `x` is a zero byte, `b`/`B` a signed or
//! unsigned char, `h`/`H` a short (2 bytes), `l`/`L` a long (8), `T` a `size_t` (8), `i`/`I`
//! an int of `n` bytes (default 4, at most 32), `f` a float, `d` a double, `s` a
//! zero-terminated string and `cn` `n` bytes of a string (default 1; `c0` all of it when
//! packing, and as many as the number unpacked just before, which it replaces, when
//! unpacking). There are no repeat counts: a number after any other option is an option of
//! its own, so invalid (`struct.size` counts letters and digits it does not know as 0 bytes).
//!
//! Integers are packed from the number converted as C converts it to an unsigned 64-bit
//! integer on x86 (fractions truncated, negative numbers wrapped, NaN, infinities and numbers
//! out of range to what the instructions give), in the item's bytes (zeros past the 8th);
//! unpacked ones are read into 64 bits and sign-extended from the item's top bit as
//! lua_struct does (which for items over 8 bytes means from a bit chosen by the shift count
//! modulo 64). `s` packs a string whole, zeros and all, and a zero after it.
//!
//! `unpack` starts at `pos` (a C `size_t`: 0 is refused, a negative one wraps around, so
//! that the data is too short for any item, even a space) and answers the position after the
//! last item (as a signed integer) after the values. Every option, items and the others
//! alike, first checks that the data holds it.
//!
//! Memory: under an interpreter's memory limit, packing stops (with a memory error) where its
//! result could no longer become a string.
//!
//! Calls: the functions are Lua wrappers around Rust, which hand Rust the argument count
//! with the arguments (so that a missing argument and a `nil` stay apart, and any number of
//! them costs mlua no references) and spread the values `unpack` answers in a table.

use std::sync::OnceLock;

use mlua::{Function, Lua, LuaString, Table, Value};

use super::luaargs::{
    arg_error, c_integer, check_integer, check_number, check_string, f32_to_f64, f64_to_f32,
    output_budget,
};

/// Slots of the Lua stack a C function may use (Lua 5.1's `LUAI_MAXCSTACK`): `unpack` keeps
/// its arguments and results there and checks for 2 more before each option.
const STACK_SLOTS: usize = 8000;

/// The largest integer item, in bytes (lua_struct's `MAXINTSIZE`).
const MAX_INT_SIZE: u64 = 32;

/// The alignment `!` sets without a number: the strictest of the platform's types.
const MAX_ALIGN: u64 = 8;

/// The Lua wrappers, given the Rust functions and Lua's `unpack` and `select`.
const WRAPPERS: &str = r#"
local pack, unpack_values, size, unpack, select = ...

-- The values t[i..n]. Lua's unpack gives at most 7997 at once.
local function spread(t, i, n)
  if n - i < 7997 then
    return unpack(t, i, n)
  end
  return t[i], spread(t, i + 1, n)
end

return function(...)
  return pack(select('#', ...), {...})
end, function(...)
  local fmt, s, pos = ...
  local t, n = unpack_values(select('#', ...), fmt, s, pos)
  return spread(t, 1, n)
end, function(...)
  local fmt = ...
  return size(select('#', ...), fmt)
end
"#;

/// [`WRAPPERS`] compiled (see `script::own_chunk`).
static WRAPPERS_CODE: OnceLock<Vec<u8>> = OnceLock::new();

/// Adds the `struct` table to the globals.
pub fn install(lua: &Lua) -> mlua::Result<()> {
    let pack = lua.create_function(|lua, (nargs, args): (usize, Table)| pack(lua, nargs, &args))?;
    let unpack_values =
        lua.create_function(|lua, (nargs, fmt, s, pos): (usize, Value, Value, Value)| {
            unpack(lua, nargs, fmt, s, pos)
        })?;
    let size = lua.create_function(|lua, (nargs, fmt): (usize, Value)| size(lua, nargs, fmt))?;
    let globals = lua.globals();
    let (pack, unpack_values, size): (Function, Function, Function) =
        super::script::own_chunk(lua, WRAPPERS, "=struct", &WRAPPERS_CODE)?.call((
            pack,
            unpack_values,
            size,
            globals.raw_get::<Function>("unpack")?,
            globals.raw_get::<Function>("select")?,
        ))?;
    let library = lua.create_table()?;
    library.raw_set("pack", pack)?;
    library.raw_set("unpack", unpack_values)?;
    library.raw_set("size", size)?;
    globals.raw_set("struct", library)
}

/// The state a format sets as it goes.
struct Options {
    big_endian: bool,
    /// The largest alignment an item gets.
    align: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            big_endian: false,
            align: 1,
        }
    }
}

/// A format being read: up to its end or its first zero byte, as C reads it.
struct Format<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Format<'_> {
    /// The next option.
    fn next_option(&mut self) -> Option<u8> {
        let opt = *self.bytes.get(self.pos).filter(|&&b| b != 0)?;
        self.pos += 1;
        Some(opt)
    }

    /// The number written next, or `default` if no digit follows.
    fn number(&mut self, default: u64) -> mlua::Result<u64> {
        let mut n: u64 = 0;
        let mut digits = 0;
        while let Some(d) = self.bytes.get(self.pos).filter(|b| b.is_ascii_digit()) {
            let d = u64::from(d - b'0');
            // A C int holds it.
            if n > 214_748_364 || n * 10 > 2_147_483_647 - d {
                return Err(mlua::Error::runtime("integral size overflow"));
            }
            n = n * 10 + d;
            digits += 1;
            self.pos += 1;
        }
        Ok(if digits == 0 { default } else { n })
    }

    /// The bytes an item of option `opt` takes (0 for options of no fixed size, and ones
    /// that are no item), reading its number if it has one.
    fn item_size(&mut self, opt: u8) -> mlua::Result<u64> {
        Ok(match opt {
            b'b' | b'B' | b'x' => 1,
            b'h' | b'H' => 2,
            b'f' => 4,
            b'l' | b'L' | b'T' | b'd' => 8,
            b'c' => self.number(1)?,
            b'i' | b'I' => {
                let size = self.number(4)?;
                if size > MAX_INT_SIZE {
                    return Err(mlua::Error::runtime(format!(
                        "integral size {size} is larger than limit of {MAX_INT_SIZE}"
                    )));
                }
                size
            }
            _ => 0,
        })
    }

    /// Applies `opt`, which is no item: an endianness, an alignment or a space. `function`
    /// names the caller for the error on any other option.
    fn control(&mut self, opt: u8, options: &mut Options, function: &str) -> mlua::Result<()> {
        match opt {
            b' ' => {}
            b'>' => options.big_endian = true,
            b'<' => options.big_endian = false,
            b'!' => {
                let align = self.number(MAX_ALIGN)?;
                if !align.is_power_of_two() {
                    return Err(mlua::Error::runtime(format!(
                        "alignment {align} is not a power of 2"
                    )));
                }
                options.align = align;
            }
            _ => {
                return Err(arg_error(
                    function,
                    1,
                    &format!("invalid format option '{}'", char::from(opt)),
                ));
            }
        }
        Ok(())
    }
}

/// The padding before an item of option `opt` and `size` bytes at offset `pos`: to the
/// smaller of its size and the alignment, by lua_struct's formula (which for sizes that are
/// no power of 2 pads to odd places, as Redis does).
fn padding(pos: u64, options: &Options, opt: u8, size: u64) -> u64 {
    if size <= 1 || opt == b'c' {
        return 0;
    }
    let size = size.min(options.align);
    let mask = size.wrapping_sub(1);
    size.wrapping_sub(pos & mask) & mask
}

/// `struct.pack`: the format (the first of the `nargs` arguments in `args`) applied to the
/// others.
fn pack(lua: &Lua, nargs: usize, args: &Table) -> mlua::Result<LuaString> {
    let fmt = check_string(lua, "pack", nargs, 1, args.raw_get(1)?)?;
    let fmt = fmt.as_bytes();
    let mut format = Format {
        bytes: &fmt,
        pos: 0,
    };
    let mut out = Output {
        bytes: Vec::new(),
        budget: output_budget(lua)?,
    };
    let mut options = Options::default();
    // lua_struct pushes a nil past the arguments before it reads them, so the first missing
    // one (where it stops) is a nil, not "no value".
    let present = usize::MAX;
    let mut arg = 2;
    while let Some(opt) = format.next_option() {
        let mut size = format.item_size(opt)?;
        let pad = padding(out.bytes.len() as u64, &options, opt, size);
        out.zeros(pad)?;
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let n = check_number(lua, "pack", present, arg, args.raw_get(arg)?)?;
                arg += 1;
                let value = c_unsigned(n);
                // Little-endian: the value's 8 bytes, then zeros.
                let mut bytes: Vec<u8> = (0..size)
                    .map(|i| if i < 8 { (value >> (8 * i)) as u8 } else { 0 })
                    .collect();
                if options.big_endian {
                    bytes.reverse();
                }
                out.put(&bytes)?;
            }
            b'x' => out.put(&[0])?,
            b'f' => {
                let n = check_number(lua, "pack", present, arg, args.raw_get(arg)?)?;
                arg += 1;
                let bits = f64_to_f32(n).to_bits();
                out.put(&if options.big_endian {
                    bits.to_be_bytes()
                } else {
                    bits.to_le_bytes()
                })?;
            }
            b'd' => {
                let n = check_number(lua, "pack", present, arg, args.raw_get(arg)?)?;
                arg += 1;
                out.put(&if options.big_endian {
                    n.to_be_bytes()
                } else {
                    n.to_le_bytes()
                })?;
            }
            b'c' | b's' => {
                let s = check_string(lua, "pack", present, arg, args.raw_get(arg)?)?;
                arg += 1;
                let s = s.as_bytes();
                if size == 0 {
                    size = s.len() as u64;
                }
                // lua_struct names the argument after this one.
                let Some(part) = usize::try_from(size).ok().and_then(|size| s.get(..size)) else {
                    return Err(arg_error("pack", arg, "string too short"));
                };
                out.put(part)?;
                if opt == b's' {
                    out.put(&[0])?;
                }
            }
            _ => format.control(opt, &mut options, "pack")?,
        }
    }
    lua.create_string(&out.bytes)
}

/// A packed string being written.
struct Output {
    bytes: Vec<u8>,
    /// The length `bytes` must not pass.
    budget: usize,
}

impl Output {
    /// Appends `part`, unless that passes the budget.
    fn put(&mut self, part: &[u8]) -> mlua::Result<()> {
        if part.len() > self.budget.saturating_sub(self.bytes.len()) {
            return Err(mlua::Error::MemoryError("not enough memory".to_owned()));
        }
        self.bytes.extend_from_slice(part);
        Ok(())
    }

    /// Appends `n` zero bytes (padding, at most 31).
    fn zeros(&mut self, n: u64) -> mlua::Result<()> {
        for _ in 0..n {
            self.put(&[0])?;
        }
        Ok(())
    }
}

/// `struct.unpack`: the values `fmt` reads from `s` from position `pos` (1 by default),
/// then the position after them, in a table with their count.
fn unpack(
    lua: &Lua,
    nargs: usize,
    fmt: Value,
    s: Value,
    pos: Value,
) -> mlua::Result<(Table, usize)> {
    let fmt = check_string(lua, "unpack", nargs, 1, fmt)?;
    let data = check_string(lua, "unpack", nargs, 2, s)?;
    let start = if nargs < 3 || pos.is_nil() {
        1
    } else {
        check_integer(lua, "unpack", nargs, 3, pos)?
    };
    // lua_struct keeps the position in a size_t: below 1 wraps around, except 0.
    let Some(mut pos) = (start as u64).checked_sub(1) else {
        return Err(arg_error("unpack", 3, "offset must be 1 or greater"));
    };
    let fmt = fmt.as_bytes();
    let data = data.as_bytes();
    let data: &[u8] = &data;
    let mut format = Format {
        bytes: &fmt,
        pos: 0,
    };
    let mut options = Options::default();
    let results = lua.create_table()?;
    let mut count = 0usize;
    while let Some(opt) = format.next_option() {
        let mut size = format.item_size(opt)?;
        pos = pos.wrapping_add(padding(pos, &options, opt, size));
        let mut item = span(data, pos, size)?;
        if nargs.saturating_add(count).saturating_add(2) > STACK_SLOTS {
            return Err(mlua::Error::runtime("stack overflow (too many results)"));
        }
        match opt {
            b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I' => {
                let value = read_integer(item, options.big_endian, opt.is_ascii_lowercase());
                count += 1;
                results.raw_set(count, value)?;
            }
            b'x' => {}
            b'f' => {
                let bytes = <[u8; 4]>::try_from(item).map_err(|_| too_short())?;
                let bits = if options.big_endian {
                    u32::from_be_bytes(bytes)
                } else {
                    u32::from_le_bytes(bytes)
                };
                count += 1;
                results.raw_set(count, f32_to_f64(bits))?;
            }
            b'd' => {
                let bytes = <[u8; 8]>::try_from(item).map_err(|_| too_short())?;
                let value = if options.big_endian {
                    f64::from_be_bytes(bytes)
                } else {
                    f64::from_le_bytes(bytes)
                };
                count += 1;
                results.raw_set(count, value)?;
            }
            b'c' => {
                if size == 0 {
                    // The length is the value unpacked last, a number or a string of one,
                    // which it replaces.
                    let previous = match count {
                        0 => None,
                        _ => lua.coerce_number(results.raw_get(count)?)?,
                    };
                    let Some(n) = previous else {
                        return Err(mlua::Error::runtime("format 'c0' needs a previous size"));
                    };
                    size = c_unsigned(n);
                    results.raw_set(count, Value::Nil)?;
                    count -= 1;
                    item = span(data, pos, size)?;
                }
                count += 1;
                results.raw_set(count, lua.create_string(item)?)?;
            }
            b's' => {
                let rest = usize::try_from(pos)
                    .ok()
                    .and_then(|pos| data.get(pos..))
                    .ok_or_else(too_short)?;
                let Some(end) = rest.iter().position(|&b| b == 0) else {
                    return Err(mlua::Error::runtime("unfinished string in data"));
                };
                count += 1;
                results.raw_set(count, lua.create_string(&rest[..end])?)?;
                size = end as u64 + 1;
            }
            _ => format.control(opt, &mut options, "unpack")?,
        }
        pos = pos.wrapping_add(size);
    }
    count += 1;
    results.raw_set(count, pos.wrapping_add(1) as i64 as f64)?;
    Ok((results, count))
}

/// The `size` bytes of `data` at `pos`, or lua_struct's error if they are not all there.
fn span(data: &[u8], pos: u64, size: u64) -> mlua::Result<&[u8]> {
    let start = usize::try_from(pos).map_err(|_| too_short())?;
    let size = usize::try_from(size).map_err(|_| too_short())?;
    data.get(start..)
        .and_then(|rest| rest.get(..size))
        .ok_or_else(too_short)
}

fn too_short() -> mlua::Error {
    arg_error("unpack", 2, "data string too short")
}

/// An integer read from `bytes` (most significant first if `big_endian`) into 64 bits, as
/// lua_struct reads it: bytes past the low 8 are shifted out, and a signed one is extended
/// from bit `8 * len - 1`, taken modulo 64 as x86 shifts.
fn read_integer(bytes: &[u8], big_endian: bool, signed: bool) -> f64 {
    let fold = |l: u64, b: &u8| (l << 8) | u64::from(*b);
    let mut l = if big_endian {
        bytes.iter().fold(0, fold)
    } else {
        bytes.iter().rev().fold(0, fold)
    };
    if !signed {
        return l as f64;
    }
    let shift = (bytes.len() as u64 * 8).wrapping_sub(1) & 63;
    let mask = u64::MAX << shift;
    if l & mask != 0 {
        l |= mask;
    }
    l as i64 as f64
}

/// `struct.size`: the bytes the format's items take.
fn size(lua: &Lua, nargs: usize, fmt: Value) -> mlua::Result<f64> {
    let fmt = check_string(lua, "size", nargs, 1, fmt)?;
    let fmt = fmt.as_bytes();
    let mut format = Format {
        bytes: &fmt,
        pos: 0,
    };
    let mut options = Options::default();
    let mut pos: u64 = 0;
    while let Some(opt) = format.next_option() {
        let size = format.item_size(opt)?;
        pos = pos.wrapping_add(padding(pos, &options, opt, size));
        if opt == b's' {
            return Err(arg_error("size", 1, "option 's' has no fixed size"));
        }
        if opt == b'c' && size == 0 {
            return Err(arg_error("size", 1, "option 'c0' has no fixed size"));
        }
        // lua_struct's size takes letters and digits it does not know as items of 0 bytes.
        if !opt.is_ascii_alphanumeric() {
            format.control(opt, &mut options, "size")?;
        }
        pos = pos.wrapping_add(size);
    }
    Ok(pos as f64)
}

/// A number as C converts it to an unsigned 64-bit integer on x86-64: from 2^63 up by
/// converting the number less 2^63, else as to a signed one (so negative numbers wrap, and
/// NaN and the infinities give what the instructions give).
fn c_unsigned(n: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if n >= TWO_63 {
        (c_integer(n - TWO_63) as u64) ^ (1 << 63)
    } else {
        c_integer(n) as u64
    }
}

#[cfg(test)]
mod tests {
    use mlua::Lua;

    use super::super::lua_cases::{self, run};

    fn interpreter() -> Lua {
        lua_cases::interpreter(super::install)
    }

    fn check(cases: &[(&str, &str)]) {
        lua_cases::check(super::install, cases)
    }

    /// Packing every option, at every size, endianness and alignment, and numbers out of range.
    #[test]
    fn pack_lays_out_as_redis() {
        check(&[
            (r#"return hex(struct.pack('b', 1))"#, "01"),
            (r#"return hex(struct.pack('B', 255))"#, "ff"),
            (r#"return hex(struct.pack('h', 1))"#, "0100"),
            (r#"return hex(struct.pack('H', 65535))"#, "ffff"),
            (r#"return hex(struct.pack('l', 1))"#, "0100000000000000"),
            (r#"return hex(struct.pack('L', 1))"#, "0100000000000000"),
            (r#"return hex(struct.pack('T', 1))"#, "0100000000000000"),
            (r#"return hex(struct.pack('i', 1))"#, "01000000"),
            (r#"return hex(struct.pack('I', 1))"#, "01000000"),
            (r#"return hex(struct.pack('>b', -1))"#, "ff"),
            (r#"return hex(struct.pack('>h', -2))"#, "fffe"),
            (r#"return hex(struct.pack('>l', -3))"#, "fffffffffffffffd"),
            (r#"return hex(struct.pack('>i', -4))"#, "fffffffc"),
            (r#"return hex(struct.pack('<i', -4))"#, "fcffffff"),
            (
                r#"return hex(struct.pack('>i<i', 1, 1))"#,
                "0000000101000000",
            ),
            (r#"return hex(struct.pack('>T', 258))"#, "0000000000000102"),
            (r#"return hex(struct.pack('>H', 258))"#, "0102"),
            (r#"return hex(struct.pack('<H', 258))"#, "0201"),
            (r#"return hex(struct.pack('b', 128))"#, "80"),
            (r#"return hex(struct.pack('b', 256))"#, "00"),
            (r#"return hex(struct.pack('b', -129))"#, "7f"),
            (r#"return hex(struct.pack('B', -1))"#, "ff"),
            (r#"return hex(struct.pack('h', 70000))"#, "7011"),
            (r#"return hex(struct.pack('b', 1.7))"#, "01"),
            (r#"return hex(struct.pack('b', -1.7))"#, "ff"),
            (r#"return hex(struct.pack('b', '12'))"#, "0c"),
            (r#"return hex(struct.pack('b', ' 0x10 '))"#, "10"),
            (r#"return hex(struct.pack('i1', 1))"#, "01"),
            (r#"return hex(struct.pack('i2', 1))"#, "0100"),
            (r#"return hex(struct.pack('i3', 1))"#, "010000"),
            (r#"return hex(struct.pack('i5', -1))"#, "ffffffffff"),
            (
                r#"return hex(struct.pack('>i9', -1))"#,
                "00ffffffffffffffff",
            ),
            (r#"return hex(struct.pack('>I9', 1))"#, "000000000000000001"),
            (
                r#"return hex(struct.pack('<i16', -2))"#,
                "feffffffffffffff0000000000000000",
            ),
            (
                r#"return hex(struct.pack('i32', -1))"#,
                "ffffffffffffffff000000000000000000000000000000000000000000000000",
            ),
            (
                r#"return hex(struct.pack('I32', 2^53))"#,
                "0000000000002000000000000000000000000000000000000000000000000000",
            ),
            (r#"return hex(struct.pack('i0', -1))"#, ""),
            (r#"return hex(struct.pack('I0', 5))"#, ""),
            (r#"return hex(struct.pack('i0 b', 5, 6))"#, "06"),
            (r#"return hex(struct.pack('i01', 1))"#, "01"),
            (r#"return hex(struct.pack('i', 2^31))"#, "00000080"),
            (r#"return hex(struct.pack('i', 2^32 + 5))"#, "05000000"),
            (r#"return hex(struct.pack('l', 2^63))"#, "0000000000000080"),
            (r#"return hex(struct.pack('l', -2^63))"#, "0000000000000080"),
            (r#"return hex(struct.pack('L', 2^64))"#, "0000000000000000"),
            (r#"return hex(struct.pack('L', 2^63))"#, "0000000000000080"),
            (r#"return hex(struct.pack('L', 1e30))"#, "0000000000000000"),
            (r#"return hex(struct.pack('l', 0/0))"#, "0000000000000080"),
            (r#"return hex(struct.pack('l', 1/0))"#, "0000000000000000"),
            (r#"return hex(struct.pack('l', -1/0))"#, "0000000000000080"),
            (r#"return hex(struct.pack('b', 1/0))"#, "00"),
            (r#"return hex(struct.pack('b', -1/0))"#, "00"),
            (r#"return hex(struct.pack('b', 0/0))"#, "00"),
            (r#"return hex(struct.pack('H', 2^63 + 2^12))"#, "0010"),
            (
                r#"return hex(struct.pack('>l', -2^63 - 2^12))"#,
                "8000000000000000",
            ),
            (
                r#"return hex(struct.pack('>L', 2^64 - 2^11))"#,
                "fffffffffffff800",
            ),
            (
                r#"return hex(struct.pack('>l', 2^53 + 1))"#,
                "0020000000000000",
            ),
            (
                r#"return hex(struct.pack('>L', -2^53))"#,
                "ffe0000000000000",
            ),
            (r#"return hex(struct.pack('f', 1.5))"#, "0000c03f"),
            (r#"return hex(struct.pack('>f', 1.5))"#, "3fc00000"),
            (r#"return hex(struct.pack('d', 1.5))"#, "000000000000f83f"),
            (r#"return hex(struct.pack('>d', 0.1))"#, "3fb999999999999a"),
            (r#"return hex(struct.pack('f', 0.1))"#, "cdcccc3d"),
            (r#"return hex(struct.pack('f', 1e300))"#, "0000807f"),
            (r#"return hex(struct.pack('f', -1e300))"#, "000080ff"),
            (r#"return hex(struct.pack('f', 1e-50))"#, "00000000"),
            (r#"return hex(struct.pack('f', 0/0))"#, "0000c0ff"),
            (r#"return hex(struct.pack('f', -(0/0)))"#, "0000c07f"),
            (r#"return hex(struct.pack('d', 0/0))"#, "000000000000f8ff"),
            (r#"return hex(struct.pack('>d', 1/0))"#, "7ff0000000000000"),
            (r#"return hex(struct.pack('f', 16777217))"#, "0000804b"),
            (r#"return hex(struct.pack('s', 'abc'))"#, "61626300"),
            (r#"return hex(struct.pack('s', ''))"#, "00"),
            (r#"return hex(struct.pack('s', 'a\0b'))"#, "61006200"),
            (r#"return hex(struct.pack('s', 12))"#, "313200"),
            (r#"return hex(struct.pack('s', 1.5))"#, "312e3500"),
            (r#"return hex(struct.pack('c', 'abc'))"#, "61"),
            (r#"return hex(struct.pack('c2', 'abc'))"#, "6162"),
            (r#"return hex(struct.pack('c0', 'abc'))"#, "616263"),
            (r#"return hex(struct.pack('c0', ''))"#, ""),
            (r#"return hex(struct.pack('c3', 'a\0bcd'))"#, "610062"),
            (r#"return hex(struct.pack('c0 i', '', 2))"#, "02000000"),
            (r#"return hex(struct.pack('x'))"#, "00"),
            (r#"return hex(struct.pack('xx'))"#, "0000"),
            (r#"return hex(struct.pack(' b b ', 1, 2))"#, "0102"),
            (r#"return hex(struct.pack('b', 1, 2, 3))"#, "01"),
            (r#"return hex(struct.pack(''))"#, ""),
            (r#"return hex(struct.pack('b\0b', 1, 2))"#, "01"),
            (r#"return hex(struct.pack('s', 'x', 'y'))"#, "7800"),
            (r#"return hex(struct.pack('   '))"#, ""),
            (
                r#"return hex(struct.pack('!4 b i', 1, 2))"#,
                "0100000002000000",
            ),
            (
                r#"return hex(struct.pack('! b d', 1, 2))"#,
                "01000000000000000000000000000040",
            ),
            (r#"return hex(struct.pack('!2 b i', 1, 2))"#, "010002000000"),
            (r#"return hex(struct.pack('!b h', 1, 2))"#, "01000200"),
            (
                r#"return hex(struct.pack('!8 b c3 l', 1, 'abc', 2))"#,
                "01616263000000000200000000000000",
            ),
            (
                r#"return hex(struct.pack('!16 b i16', 1, 2))"#,
                "0100000000000000000000000000000002000000000000000000000000000000",
            ),
            (r#"return hex(struct.pack('!1 b i', 1, 2))"#, "0102000000"),
            (
                r#"return hex(struct.pack('!64 b i32', 1, 2))"#,
                "01000000000000000000000000000000000000000000000000000000000000000200000000000000000000000000000000000000000000000000000000000000",
            ),
            (
                r#"return hex(struct.pack('!4 b i3', 1, 2))"#,
                "010000020000",
            ),
            (r#"return hex(struct.pack('!4 b s', 1, 'ab'))"#, "01616200"),
            (
                r#"return hex(struct.pack('!4 b f', 1, 2))"#,
                "0100000000000040",
            ),
            (
                r#"return hex(struct.pack('!4 b x i', 1, 2))"#,
                "0100000002000000",
            ),
            (r#"return hex(struct.pack('!'))"#, ""),
            (
                r#"return hex(struct.pack('! b i16', 1, 2))"#,
                "010000000000000002000000000000000000000000000000",
            ),
            (
                r#"return hex(struct.pack('!16 b d', 1, 2))"#,
                "01000000000000000000000000000040",
            ),
            (
                r#"return hex(struct.pack('!4 b !1 i', 1, 2))"#,
                "0102000000",
            ),
            (r#"return hex(struct.pack('!4 b x', 1))"#, "0100"),
            (
                r#"return hex(struct.pack('!4 b s i', 1, 'ab', 2))"#,
                "0161620002000000",
            ),
            (
                r#"return hex(struct.pack('!4 b c2 i', 1, 'ab', 2))"#,
                "0161620002000000",
            ),
            (
                r#"return hex(struct.pack('!4 b c0 i', 1, 'ab', 2))"#,
                "0161620002000000",
            ),
            (
                r#"return hex(struct.pack('!4 b T', 1, 2))"#,
                "010000000200000000000000",
            ),
            (
                r#"return hex(struct.pack('!4 b i5', 1, 2))"#,
                "010000000200000000",
            ),
            (
                r#"return hex(struct.pack('!8 b i5', 1, 2))"#,
                "01000000000200000000",
            ),
            (
                r#"return hex(struct.pack('!8 b i6', 1, 2))"#,
                "010000000000020000000000",
            ),
            (
                r#"return hex(struct.pack('!8 b i7', 1, 2))"#,
                "0100000000000002000000000000",
            ),
            (
                r#"return hex(struct.pack('!8 bb i7', 1, 1, 2))"#,
                "01010000000002000000000000",
            ),
            (
                r#"return hex(struct.pack('!8 bbb i7', 1, 1, 1, 2))"#,
                "0101010000000002000000000000",
            ),
            (
                r#"return hex(struct.pack('!8 bbb i6', 1, 1, 1, 2))"#,
                "0101010000000000020000000000",
            ),
            (
                r#"return hex(struct.pack('!16 bbb i12', 1, 1, 1, 2))"#,
                "010101000000000000000000020000000000000000000000",
            ),
            (
                r#"return hex(struct.pack('!16 bbbbb i12', 1, 1, 1, 1, 1, 2))"#,
                "01010101010000000000000000000000020000000000000000000000",
            ),
            (
                r#"return hex(struct.pack('!1073741824 b i', 1, 2))"#,
                "0100000002000000",
            ),
            (
                r#"return hex(struct.pack('>!4 h b i', 1, 2, 3))"#,
                "0001020000000003",
            ),
            (
                r#"return hex(struct.pack('!2 b h b d', 1, 2, 3, 4))"#,
                "0100020003000000000000001040",
            ),
            (
                r#"return hex(struct.pack('<!8 b d >b d', 1, 0.5, 2, 0.25))"#,
                "0100000000000000000000000000e03f02000000000000003fd0000000000000",
            ),
            (
                r#"local z = 0 return hex(struct.pack('d', -z)) .. ' ' .. hex(struct.pack('f', -z))"#,
                "0000000000000080 00000080",
            ),
            (
                r#"return hex(struct.pack('c0', string.rep('x', 300)))"#,
                "787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878",
            ),
            (
                r#"local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end return hex(struct.pack('s', table.concat(t)))"#,
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00",
            ),
            (
                r#"local fmt = string.rep('b', 9000) local t = {} for i = 1, 9000 do t[i] = i % 256 end return tostring(#struct.pack(fmt, unpack(t, 1, 7000), unpack(t, 7001, 9000)))"#,
                "ERR: bad argument #2003 to 'pack' (number expected, got nil)",
            ),
        ]);
    }

    /// Packing with bad formats, sizes and arguments.
    #[test]
    fn pack_refuses_as_redis() {
        check(&[
            (
                r#"return hex(struct.pack('=b', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '=')",
            ),
            (
                r#"return hex(struct.pack('=i', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '=')",
            ),
            (
                r#"return hex(struct.pack('z', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option 'z')",
            ),
            (
                r#"return hex(struct.pack('z b', 'x'))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option 'z')",
            ),
            (
                r#"return hex(struct.pack('b z', 'x'))"#,
                "ERR: bad argument #2 to 'pack' (number expected, got string)",
            ),
            (
                r#"return hex(struct.pack('b z', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option 'z')",
            ),
            (
                r#"return hex(struct.pack('b3', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '3')",
            ),
            (
                r#"return hex(struct.pack('x3'))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '3')",
            ),
            (
                r#"return hex(struct.pack('i-1', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '-')",
            ),
            (
                r#"return hex(struct.pack('c-1', 'ab'))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '-')",
            ),
            (
                r#"return hex(struct.pack('i 2', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '2')",
            ),
            (
                r#"return hex(struct.pack('c1 0', 'a'))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '0')",
            ),
            (
                r#"return hex(struct.pack('i33', -1))"#,
                "ERR: integral size 33 is larger than limit of 32",
            ),
            (
                r#"return hex(struct.pack('i2147483647', 1))"#,
                "ERR: integral size 2147483647 is larger than limit of 32",
            ),
            (
                r#"return hex(struct.pack('i2147483648', 1))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('i99999999999999999999', 1))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('i4294967297', 1))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('c2147483647', 'ab'))"#,
                "ERR: bad argument #3 to 'pack' (string too short)",
            ),
            (
                r#"return hex(struct.pack('c2147483648', 'ab'))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('c4294967296', 'ab'))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('c99999999999999999999', 'a'))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('!3 b i', 1, 2))"#,
                "ERR: alignment 3 is not a power of 2",
            ),
            (
                r#"return hex(struct.pack('!0 b i', 1, 2))"#,
                "ERR: alignment 0 is not a power of 2",
            ),
            (
                r#"return hex(struct.pack('!3'))"#,
                "ERR: alignment 3 is not a power of 2",
            ),
            (
                r#"return hex(struct.pack('!3 b'))"#,
                "ERR: alignment 3 is not a power of 2",
            ),
            (
                r#"return hex(struct.pack('!0'))"#,
                "ERR: alignment 0 is not a power of 2",
            ),
            (
                r#"return hex(struct.pack('!2147483647'))"#,
                "ERR: alignment 2147483647 is not a power of 2",
            ),
            (
                r#"return hex(struct.pack('!2147483648 b i', 1, 2))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('!99999999999999999999 b i', 1, 2))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return hex(struct.pack('!6', 1))"#,
                "ERR: alignment 6 is not a power of 2",
            ),
            (
                r#"return hex(struct.pack('b'))"#,
                "ERR: bad argument #2 to 'pack' (number expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('b', 'x'))"#,
                "ERR: bad argument #2 to 'pack' (number expected, got string)",
            ),
            (
                r#"return hex(struct.pack('s', nil))"#,
                "ERR: bad argument #2 to 'pack' (string expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('c5', 'abc'))"#,
                "ERR: bad argument #3 to 'pack' (string too short)",
            ),
            (
                r#"return hex(struct.pack('c2', 'a'))"#,
                "ERR: bad argument #3 to 'pack' (string too short)",
            ),
            (
                r#"return hex(struct.pack('b c2', 1, 'a'))"#,
                "ERR: bad argument #4 to 'pack' (string too short)",
            ),
            (
                r#"return hex(struct.pack('b c2 b', 1, 'a', 2))"#,
                "ERR: bad argument #4 to 'pack' (string too short)",
            ),
            (
                r#"return hex(struct.pack('b s', 1))"#,
                "ERR: bad argument #3 to 'pack' (string expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('b c', 1))"#,
                "ERR: bad argument #3 to 'pack' (string expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('b c0', 1))"#,
                "ERR: bad argument #3 to 'pack' (string expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('b f', 1))"#,
                "ERR: bad argument #3 to 'pack' (number expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('b f', 1, 'z'))"#,
                "ERR: bad argument #3 to 'pack' (number expected, got string)",
            ),
            (
                r#"return hex(struct.pack('b d', 1, {}))"#,
                "ERR: bad argument #3 to 'pack' (number expected, got table)",
            ),
            (
                r#"return hex(struct.pack('b i', 1, true))"#,
                "ERR: bad argument #3 to 'pack' (number expected, got boolean)",
            ),
            (
                r#"return hex(struct.pack('b s', 1, {}))"#,
                "ERR: bad argument #3 to 'pack' (string expected, got table)",
            ),
            (
                r#"return hex(struct.pack('i0', 'x'))"#,
                "ERR: bad argument #2 to 'pack' (number expected, got string)",
            ),
            (
                r#"return hex(struct.pack('bb', 1))"#,
                "ERR: bad argument #3 to 'pack' (number expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('b', nil))"#,
                "ERR: bad argument #2 to 'pack' (number expected, got nil)",
            ),
            (
                r#"return hex(struct.pack('b', function() end))"#,
                "ERR: bad argument #2 to 'pack' (number expected, got function)",
            ),
            (
                r#"return hex(struct.pack())"#,
                "ERR: bad argument #1 to 'pack' (string expected, got no value)",
            ),
            (
                r#"return hex(struct.pack(nil))"#,
                "ERR: bad argument #1 to 'pack' (string expected, got nil)",
            ),
            (
                r#"return hex(struct.pack({}))"#,
                "ERR: bad argument #1 to 'pack' (string expected, got table)",
            ),
            (
                r#"return hex(struct.pack(12, 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '1')",
            ),
            // Redis answers the byte 0xc8 itself; raft-kv's error text, UTF-8, gives U+00C8.
            (
                r#"return hex(struct.pack('\200', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option 'È')",
            ),
            (
                r#"return hex(struct.pack('%', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '%')",
            ),
            (
                r#"return hex(struct.pack('b #', 1))"#,
                "ERR: bad argument #1 to 'pack' (invalid format option '#')",
            ),
        ]);
    }

    /// Unpacking every option, `c0`, positions, and the position returned.
    #[test]
    fn unpack_reads_as_redis() {
        check(&[
            (r#"return dumpall(struct.unpack('b', '\255'))"#, "-1 2"),
            (r#"return dumpall(struct.unpack('B', '\255'))"#, "255 2"),
            (
                r#"return dumpall(struct.unpack('bBhHlLTiI', struct.pack('bBhHlLTiI', -1, 255, -2, 65534, -3, 3, 4, -5, 5)))"#,
                "-1 255 -2 65534 -3 3 4 -5 5 39",
            ),
            (
                r#"return dumpall(struct.unpack('>h<h', '\1\2\1\2'))"#,
                "258 513 5",
            ),
            (
                r#"return dumpall(struct.unpack('l', '\255\255\255\255\255\255\255\127'))"#,
                "9.2233720368547758e+18 9",
            ),
            (
                r#"return dumpall(struct.unpack('L', '\255\255\255\255\255\255\255\255'))"#,
                "1.8446744073709552e+19 9",
            ),
            (
                r#"return dumpall(struct.unpack('l', '\0\0\0\0\0\0\0\128'))"#,
                "-9.2233720368547758e+18 9",
            ),
            (
                r#"return dumpall(struct.unpack('L', '\0\0\0\0\0\0\0\128'))"#,
                "9.2233720368547758e+18 9",
            ),
            (
                r#"return dumpall(struct.unpack('T', '\1\0\0\0\0\0\0\128'))"#,
                "9.2233720368547758e+18 9",
            ),
            (
                r#"return dumpall(struct.unpack('>T', '\1\0\0\0\0\0\0\128'))"#,
                "72057594037928064 9",
            ),
            (
                r#"return dumpall(struct.unpack('i3', '\255\255\255'))"#,
                "-1 4",
            ),
            (
                r#"return dumpall(struct.unpack('I3', '\255\255\255'))"#,
                "16777215 4",
            ),
            (
                r#"return dumpall(struct.unpack('>i3', '\128\0\0'))"#,
                "-8388608 4",
            ),
            (
                r#"return dumpall(struct.unpack('<i3', '\0\0\128'))"#,
                "-8388608 4",
            ),
            (
                r#"return dumpall(struct.unpack('i9', string.rep('\255', 9)))"#,
                "-1 10",
            ),
            (
                r#"return dumpall(struct.unpack('I9', string.rep('\255', 9)))"#,
                "1.8446744073709552e+19 10",
            ),
            (
                r#"return dumpall(struct.unpack('i9', '\1\0\0\0\0\0\0\0\5'))"#,
                "1 10",
            ),
            (
                r#"return dumpall(struct.unpack('>i9', '\5\0\0\0\0\0\0\0\1'))"#,
                "1 10",
            ),
            (
                r#"return dumpall(struct.unpack('i16', string.rep('\255', 16)))"#,
                "-1 17",
            ),
            (r#"return dumpall(struct.unpack('i0', ''))"#, "0 1"),
            (r#"return dumpall(struct.unpack('I0', 'abc'))"#, "0 1"),
            (
                r#"return dumpall(struct.unpack('i12', '\1\2\3\4\5\6\7\8\9\10\11\12'))"#,
                "-2080177663 13",
            ),
            (
                r#"return dumpall(struct.unpack('>i12', '\1\2\3\4\5\6\7\8\9\10\11\12'))"#,
                "-1995830516 13",
            ),
            (
                r#"return dumpall(struct.unpack('<I12', '\1\2\3\4\5\6\7\8\9\10\11\12'))"#,
                "5.784376957523072e+17 13",
            ),
            (
                r#"return dumpall(struct.unpack('<i12', '\1\2\3\4\5\6\7\8\9\10\11\255'))"#,
                "-2080177663 13",
            ),
            (
                r#"return dumpall(struct.unpack('<i8', '\1\2\3\4\5\6\7\255'))"#,
                "-70080650589044224 9",
            ),
            (
                r#"return dumpall(struct.unpack('<I8', '\1\2\3\4\5\6\7\255'))"#,
                "1.8376663423120507e+19 9",
            ),
            (
                r#"return dumpall(struct.unpack('<i7', '\1\2\3\4\5\6\255'))"#,
                "-274856364801535 8",
            ),
            (
                r#"return dumpall(struct.unpack('>I7', '\255\2\3\4\5\6\7'))"#,
                "71778331036812808 8",
            ),
            (
                r#"return dumpall(struct.unpack('i32', string.rep('\255', 32)))"#,
                "-1 33",
            ),
            (
                r#"return dumpall(struct.unpack('>i32', '\128' .. string.rep('\0', 31)))"#,
                "0 33",
            ),
            (
                r#"return dumpall(struct.unpack('<i31', string.rep('\0', 27) .. '\128\0\0\0'))"#,
                "0 32",
            ),
            (
                r#"return dumpall(struct.unpack('<i25', string.rep('\0', 24) .. '\128'))"#,
                "0 26",
            ),
            (
                r#"return dumpall(struct.unpack('f d', struct.pack('f d', 1.5, 0.1)))"#,
                "1.5 0.10000000000000001 13",
            ),
            (
                r#"return dumpall(struct.unpack('f', '\0\0\192\255'))"#,
                "nan 5",
            ),
            (
                r#"return dumpall(struct.unpack('f', '\1\0\128\127'))"#,
                "nan 5",
            ),
            (
                r#"return dumpall(struct.unpack('>d', '\127\240\0\0\0\0\0\0'))"#,
                "inf 9",
            ),
            (
                r#"return dumpall(struct.unpack('>f', '\0\0\0\1'))"#,
                "1.4012984643248171e-45 5",
            ),
            (
                r#"return dumpall(struct.unpack('d', struct.pack('d', 2^-1074)))"#,
                "4.9406564584124654e-324 9",
            ),
            (
                r#"return dumpall(struct.unpack('s', 'abc\0def'))"#,
                "\"abc\" 5",
            ),
            (
                r#"return dumpall(struct.unpack('s s', 'abc\0def\0'))"#,
                "\"abc\" \"def\" 9",
            ),
            (r#"return dumpall(struct.unpack('s', '\0'))"#, "\"\" 2"),
            (r#"return dumpall(struct.unpack('c', 'abc'))"#, "\"a\" 2"),
            (r#"return dumpall(struct.unpack('c2', 'abc'))"#, "\"ab\" 3"),
            (
                r#"return dumpall(struct.unpack('c3', 'a\0c'))"#,
                "x\"610063\" 4",
            ),
            (
                r#"return dumpall(struct.unpack('b c0', '\2abc'))"#,
                "\"ab\" 4",
            ),
            (
                r#"return dumpall(struct.unpack('b c0 b', '\0abc'))"#,
                "\"\" 97 3",
            ),
            (
                r#"return dumpall(struct.unpack('f c0', struct.pack('f', 2) .. 'abc'))"#,
                "\"ab\" 7",
            ),
            (
                r#"return dumpall(struct.unpack('s c0', '2\0abc'))"#,
                "\"ab\" 5",
            ),
            (
                r#"return dumpall(struct.unpack('s c0', ' 0x2 \0abc'))"#,
                "\"ab\" 9",
            ),
            (
                r#"return dumpall(struct.unpack('b c0 c0', '\1\50\51\52'))"#,
                "\"34\" 5",
            ),
            (
                r#"return dumpall(struct.unpack('>I2 c0', '\0\3abcd'))"#,
                "\"abc\" 6",
            ),
            (
                r#"return dumpall(struct.unpack('b c0', '\1abc'))"#,
                "\"a\" 3",
            ),
            (
                r#"return dumpall(struct.unpack('f c0', struct.pack('f', 2.7) .. 'abc'))"#,
                "\"ab\" 7",
            ),
            (
                r#"return dumpall(struct.unpack('f c0', struct.pack('f', -0.5) .. 'abc'))"#,
                "\"\" 5",
            ),
            (
                r#"return dumpall(struct.unpack('d c0', struct.pack('d', 2^64) .. 'abc'))"#,
                "\"\" 9",
            ),
            (
                r#"return dumpall(struct.unpack('d c0', struct.pack('d', 2^64 + 2^12) .. 'abc'))"#,
                "\"\" 9",
            ),
            (
                r#"return dumpall(struct.unpack('b c0', '\0', 1))"#,
                "\"\" 2",
            ),
            (r#"return dumpall(struct.unpack('x b', '\1\2'))"#, "2 3"),
            (r#"return dumpall(struct.unpack('bxb', '\1\2\3'))"#, "1 3 4"),
            (
                r#"return dumpall(struct.unpack('!4 b i', '\1\0\0\0\2\0\0\0'))"#,
                "1 2 9",
            ),
            (r#"return dumpall(struct.unpack('!4 b', '\1\0\0'))"#, "1 2"),
            (
                r#"return dumpall(struct.unpack('!4 i', 'abcdefgh', 2))"#,
                "1751606885 9",
            ),
            (
                r#"return dumpall(struct.unpack('!4 i', 'abcdefgh', 4))"#,
                "1751606885 9",
            ),
            (
                r#"return dumpall(struct.unpack('!4 i', 'abcdefgh', 5))"#,
                "1751606885 9",
            ),
            (
                r#"return dumpall(struct.unpack('!4 i', 'abcdefghijkl', 6))"#,
                "1818978921 13",
            ),
            (
                r#"return dumpall(struct.unpack('!4 x i', 'abcdefghijkl', 2))"#,
                "1751606885 9",
            ),
            (
                r#"return dumpall(struct.unpack('!8 b i6 b', string.rep('\1', 14)))"#,
                "1 1103823438081 1 14",
            ),
            (
                r#"return dumpall(struct.unpack('!8 b i7', string.rep('\2', 14)))"#,
                "2 565157600297474 15",
            ),
            (r#"return dumpall(struct.unpack('b', '\1\2', 2))"#, "2 3"),
            (r#"return dumpall(struct.unpack('b', '\1\2', 1.9))"#, "1 2"),
            (r#"return dumpall(struct.unpack('b', '\1\2', '2'))"#, "2 3"),
            (r#"return dumpall(struct.unpack('b', '\1\2', nil))"#, "1 2"),
            (r#"return dumpall(struct.unpack('', '\1\2', 3))"#, "3"),
            (r#"return dumpall(struct.unpack('', '\1\2', 4))"#, "4"),
            (r#"return dumpall(struct.unpack('', ''))"#, "1"),
            (r#"return dumpall(struct.unpack('', '\1\2', -1))"#, "-1"),
            (r#"return dumpall(struct.unpack('', '\1\2', -5))"#, "-5"),
            (
                r#"return dumpall(struct.unpack('', '\1\2', 2^53))"#,
                "9007199254740992",
            ),
            (
                r#"return dumpall(struct.unpack('', '\1\2', 0/0))"#,
                "-9.2233720368547758e+18",
            ),
            (
                r#"return dumpall(struct.unpack('', '\1\2', 1/0))"#,
                "-9.2233720368547758e+18",
            ),
            (
                r#"return dumpall(struct.unpack('', '\1\2', -1/0))"#,
                "-9.2233720368547758e+18",
            ),
            (
                r#"return dumpall(struct.unpack('', '\1\2', 2^63))"#,
                "-9.2233720368547758e+18",
            ),
            (
                r#"return dumpall(struct.unpack('', '\1\2', 2^64))"#,
                "-9.2233720368547758e+18",
            ),
            (r#"return dumpall(struct.unpack('i0', '\1\2', 3))"#, "0 3"),
            (r#"return dumpall(struct.unpack('>', '\1\2', 3))"#, "3"),
            (r#"return dumpall(struct.unpack('b', 5))"#, "53 2"),
            (
                r#"return dumpall(struct.unpack('b', 5, 1, 'extra'))"#,
                "53 2",
            ),
            (
                r#"return dumpall(struct.unpack('s', 'abc\0', 2))"#,
                "\"bc\" 5",
            ),
            (r#"return dumpall(struct.unpack('b\0b', '\1\2'))"#, "1 2"),
            (r#"return dumpall(struct.unpack('  b  ', '\7'))"#, "7 2"),
            (
                r#"return dumpall(struct.unpack(12, '\7'))"#,
                "ERR: bad argument #1 to 'unpack' (invalid format option '1')",
            ),
            (
                r#"return dumpall(struct.unpack('<!2 h >h', '\1\0\0\1'))"#,
                "1 1 5",
            ),
            (
                r#"local fmt = '!4 b h i l f d s c3 c0 x T' local s = struct.pack(fmt, -1, -300, 70000, 2^40, 0.5, 0.1, 'str', 'abc', 'tail', 7) return hex(s) .. ' ' .. dumpall(struct.unpack(fmt .. ' c0', s .. '\0'))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"local s = struct.pack('c0', string.rep('q', 1000)) return tostring(#struct.unpack('c1000', s))"#,
                "1000",
            ),
        ]);
    }

    /// Unpacking short data, bad formats, positions and arguments.
    #[test]
    fn unpack_refuses_as_redis() {
        check(&[
            (
                r#"return dumpall(struct.unpack('s', 'abc'))"#,
                "ERR: unfinished string in data",
            ),
            (
                r#"return dumpall(struct.unpack('s', ''))"#,
                "ERR: unfinished string in data",
            ),
            (
                r#"return dumpall(struct.unpack('c0', 'abc'))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('b c0', '\5abc'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('s c0', 'ab\0abc'))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('B c0 c0', '\2ab'))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('b c0', '\255abc'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('d c0', struct.pack('d', 0/0) .. 'abc'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('d c0', struct.pack('d', -1) .. 'abc'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('c0', '1'))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('c0', 'abcdef', 2))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('c0 b', 'abcdef', 2))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('c0', ''))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('b b c0 c0', '\2\1abc'))"#,
                "ERR: format 'c0' needs a previous size",
            ),
            (
                r#"return dumpall(struct.unpack('x', ''))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('bx', '\1'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('!4 b i', '\1\0\0\0\2\0\0'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('!4 b i', '\1\0\0'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('!4 i', 'abcdefgh', 6))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('!4 i', 'abcd', 2))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('b', '\1\2', 3))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('b', '\1\2', 4))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('b', '\1\2', 0))"#,
                "ERR: bad argument #3 to 'unpack' (offset must be 1 or greater)",
            ),
            (
                r#"return dumpall(struct.unpack('b', '\1\2', -1))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('b', '\1\2', 'x'))"#,
                "ERR: bad argument #3 to 'unpack' (number expected, got string)",
            ),
            (
                r#"return dumpall(struct.unpack('b', '\1\2', {}))"#,
                "ERR: bad argument #3 to 'unpack' (number expected, got table)",
            ),
            (
                r#"return dumpall(struct.unpack('', '\1\2', 0.5))"#,
                "ERR: bad argument #3 to 'unpack' (offset must be 1 or greater)",
            ),
            (
                r#"return dumpall(struct.unpack('', '\1\2', -0.5))"#,
                "ERR: bad argument #3 to 'unpack' (offset must be 1 or greater)",
            ),
            (
                r#"return dumpall(struct.unpack('b', ''))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('i', '\1\2\3'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('b'))"#,
                "ERR: bad argument #2 to 'unpack' (string expected, got no value)",
            ),
            (
                r#"return dumpall(struct.unpack())"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got no value)",
            ),
            (
                r#"return dumpall(struct.unpack(nil, 'x', 'y'))"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got nil)",
            ),
            (
                r#"return dumpall(struct.unpack('b', nil, 'y'))"#,
                "ERR: bad argument #2 to 'unpack' (string expected, got nil)",
            ),
            (
                r#"return dumpall(struct.unpack('z', 'a', 'y'))"#,
                "ERR: bad argument #3 to 'unpack' (number expected, got string)",
            ),
            (
                r#"return dumpall(struct.unpack('z', 'a', 0))"#,
                "ERR: bad argument #3 to 'unpack' (offset must be 1 or greater)",
            ),
            (
                r#"return dumpall(struct.unpack('z', 'a'))"#,
                "ERR: bad argument #1 to 'unpack' (invalid format option 'z')",
            ),
            (
                r#"return dumpall(struct.unpack('z', 'a', 5))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack(' ', '\1\2', 5))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('>', '\1\2', 4))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('i33', 'a', 5))"#,
                "ERR: integral size 33 is larger than limit of 32",
            ),
            (
                r#"return dumpall(struct.unpack('!3', 'a', 5))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('!3', 'a'))"#,
                "ERR: alignment 3 is not a power of 2",
            ),
            (
                r#"return dumpall(struct.unpack('!8 d', struct.pack('d', 1.5), -1))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('!4 i', 'abcd', -2))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('s', 'abc\0', 5))"#,
                "ERR: unfinished string in data",
            ),
            (
                r#"return dumpall(struct.unpack('s', 'abc\0', 6))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('c0', 'abc\0', 6))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('b s', '\1'))"#,
                "ERR: unfinished string in data",
            ),
            (
                r#"return dumpall(struct.unpack('c5', 'a'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('c2147483647', 'a'))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"return dumpall(struct.unpack('c2147483648', 'a'))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return dumpall(struct.unpack('=b', 'a'))"#,
                "ERR: bad argument #1 to 'unpack' (invalid format option '=')",
            ),
            (
                r#"return dumpall(struct.unpack('b', {}))"#,
                "ERR: bad argument #2 to 'unpack' (string expected, got table)",
            ),
            (
                r#"return dumpall(struct.unpack({}, 'a'))"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got table)",
            ),
        ]);
    }

    /// The stack limit on the values unpacking returns.
    #[test]
    fn unpack_returns_as_many_values_as_redis() {
        check(&[
            (
                r#"local f = string.rep('b', 7997) local d = string.rep('a', 7997) return tostring(select('#', struct.unpack(f, d)))"#,
                "7998",
            ),
            (
                r#"local f = string.rep('b', 7998) local d = string.rep('a', 7998) return tostring(select('#', struct.unpack(f, d)))"#,
                "ERR: stack overflow (too many results)",
            ),
            (
                r#"local f = string.rep('b', 7996) local d = string.rep('a', 7996) return tostring(select('#', struct.unpack(f, d, 1)))"#,
                "7997",
            ),
            (
                r#"local f = string.rep('b', 7997) local d = string.rep('a', 7997) return tostring(select('#', struct.unpack(f, d, 1)))"#,
                "ERR: stack overflow (too many results)",
            ),
            (
                r#"local f = string.rep('b', 7995) local d = string.rep('a', 7995) return tostring(select('#', struct.unpack(f, d, 1, 1)))"#,
                "7996",
            ),
            (
                r#"local f = string.rep('b', 7996) local d = string.rep('a', 7996) return tostring(select('#', struct.unpack(f, d, 1, 1)))"#,
                "ERR: stack overflow (too many results)",
            ),
            (
                r#"local f = string.rep('b', 7996) .. '   ' local d = string.rep('a', 7996) return tostring(select('#', struct.unpack(f, d)))"#,
                "7997",
            ),
            (
                r#"local f = string.rep('b', 7997) .. '   ' local d = string.rep('a', 7997) return tostring(select('#', struct.unpack(f, d)))"#,
                "ERR: stack overflow (too many results)",
            ),
            (
                r#"local f = string.rep('b', 7996) .. 'c0' local d = string.rep('\0', 7996) return tostring(select('#', struct.unpack(f, d)))"#,
                "7997",
            ),
            (
                r#"local f = string.rep('b', 7997) .. 'c0' local d = string.rep('\0', 7997) return tostring(select('#', struct.unpack(f, d)))"#,
                "ERR: stack overflow (too many results)",
            ),
            (
                r#"local f = string.rep('b', 7998) local d = string.rep('a', 7997) return tostring(select('#', struct.unpack(f, d)))"#,
                "ERR: bad argument #2 to 'unpack' (data string too short)",
            ),
            (
                r#"local f = string.rep('b', 7997) .. 'z' local d = string.rep('a', 7997) return tostring(select('#', struct.unpack(f, d)))"#,
                "ERR: stack overflow (too many results)",
            ),
            (
                r#"local f = string.rep('b', 7996) .. 'z' local d = string.rep('a', 7997) return tostring(select('#', struct.unpack(f, d)))"#,
                "ERR: bad argument #1 to 'unpack' (invalid format option 'z')",
            ),
            (
                r#"local f = string.rep('c1', 7997) local d = string.rep('a', 7997) local t = {struct.unpack(f, d)} return #t .. ' ' .. t[1] .. t[7997] .. ' ' .. t[7998]"#,
                "7998 aa 7998",
            ),
        ]);
    }

    /// `struct.size`, its errors, and the library's fields.
    #[test]
    fn size_counts_as_redis() {
        check(&[
            (r#"return dump(struct.size('b'))"#, "1"),
            (r#"return dump(struct.size('bhilT'))"#, "23"),
            (r#"return dump(struct.size('!bhilT'))"#, "24"),
            (r#"return dump(struct.size('!4 b d'))"#, "12"),
            (r#"return dump(struct.size('c10 x f d i3 I7'))"#, "33"),
            (r#"return dump(struct.size(''))"#, "0"),
            (r#"return dump(struct.size('z'))"#, "0"),
            (r#"return dump(struct.size(123))"#, "0"),
            (r#"return dump(struct.size('<>!4'))"#, "0"),
            (r#"return dump(struct.size('i0'))"#, "0"),
            (r#"return dump(struct.size('bz'))"#, "1"),
            (r#"return dump(struct.size('zb'))"#, "1"),
            (r#"return dump(struct.size('b3'))"#, "1"),
            (r#"return dump(struct.size('!4 b z i'))"#, "8"),
            (r#"return dump(struct.size('c2147483647'))"#, "2147483647"),
            (
                r#"return dump(struct.size('c2147483647c2147483647'))"#,
                "4294967294",
            ),
            (
                r#"return dump(struct.size('c2147483647c2147483647c2147483647c2147483647c2147483647'))"#,
                "10737418235",
            ),
            (
                r#"return dump(struct.size('!2 c2147483647 h'))"#,
                "2147483650",
            ),
            (r#"return dump(struct.size('b\0s'))"#, "1"),
            (r#"return dump(struct.size('!8 b i6 b i7'))"#, "22"),
            (
                r#"return dump(struct.size('s'))"#,
                "ERR: bad argument #1 to 'size' (option 's' has no fixed size)",
            ),
            (
                r#"return dump(struct.size('c0'))"#,
                "ERR: bad argument #1 to 'size' (option 'c0' has no fixed size)",
            ),
            (
                r#"return dump(struct.size('b s'))"#,
                "ERR: bad argument #1 to 'size' (option 's' has no fixed size)",
            ),
            (
                r#"return dump(struct.size('s z'))"#,
                "ERR: bad argument #1 to 'size' (option 's' has no fixed size)",
            ),
            (
                r#"return dump(struct.size('!3'))"#,
                "ERR: alignment 3 is not a power of 2",
            ),
            (
                r#"return dump(struct.size('i33'))"#,
                "ERR: integral size 33 is larger than limit of 32",
            ),
            (
                r#"return dump(struct.size('-'))"#,
                "ERR: bad argument #1 to 'size' (invalid format option '-')",
            ),
            (
                r#"return dump(struct.size('='))"#,
                "ERR: bad argument #1 to 'size' (invalid format option '=')",
            ),
            (
                r#"return dump(struct.size('bzzzzq%$#@b'))"#,
                "ERR: bad argument #1 to 'size' (invalid format option '%')",
            ),
            (
                r#"return dump(struct.size('b-'))"#,
                "ERR: bad argument #1 to 'size' (invalid format option '-')",
            ),
            // Redis answers the byte 0xc8 itself; raft-kv's error text, UTF-8, gives U+00C8.
            (
                r#"return dump(struct.size('\200'))"#,
                "ERR: bad argument #1 to 'size' (invalid format option 'È')",
            ),
            (
                r#"return dump(struct.size('c2147483648'))"#,
                "ERR: integral size overflow",
            ),
            (
                r#"return dump(struct.size('! !3'))"#,
                "ERR: alignment 3 is not a power of 2",
            ),
            (
                r#"return dump(struct.size())"#,
                "ERR: bad argument #1 to 'size' (string expected, got no value)",
            ),
            (
                r#"return dump(struct.size(nil))"#,
                "ERR: bad argument #1 to 'size' (string expected, got nil)",
            ),
            (
                r#"return dump(struct.size({}))"#,
                "ERR: bad argument #1 to 'size' (string expected, got table)",
            ),
            (r#"return dump(struct.size('b', 'ignored'))"#, "1"),
            (
                r#"local out = {} for k, v in pairs(struct) do out[#out + 1] = k .. '=' .. type(v) end table.sort(out) return table.concat(out, ';')"#,
                "pack=function;size=function;unpack=function",
            ),
        ]);
    }

    /// What raft-kv adds (Redis has no memory limit for scripts, so nothing to record): under a
    /// memory limit, packing stops where its result could no longer become a string.
    #[test]
    fn pack_stops_at_the_memory_limit() {
        let lua = interpreter();
        lua.set_memory_limit(32 << 20).expect("memory limit");
        let code = "local s = string.rep('x', 1048576) local t = {} for i = 1, 100 do t[i] = s end \
                    return struct.pack(string.rep('c0', 100), unpack(t))";
        assert_eq!(run(&lua, code), "ERR: not enough memory");
        let code = "return tostring(#struct.pack('c0', string.rep('x', 1048576)))";
        assert_eq!(run(&lua, code), "1048576");
    }
}
