//! The `cmsgpack` library of Redis scripts (lua-cmsgpack 0.4.0): `cmsgpack.pack(...)` encodes
//! Lua values as MessagePack, `cmsgpack.unpack(s)`, `cmsgpack.unpack_one(s [, offset])` and
//! `cmsgpack.unpack_limit(s, limit [, offset])` decode it, byte for byte and error for error
//! as Redis 7.0 does.
//!
//! Encoding: a number that is an integer in the range of a signed 64-bit integer takes the
//! smallest integer format that holds it (the unsigned ones from 0 up), another number a
//! float 32 if that holds it exactly (the infinities do), else a float 64 (NaN, bit for bit);
//! a string a fixstr, str 8, str 16 or str 32; a table an array if its keys are exactly 1..n
//! (so an empty table is an empty array), else a map in the table's order; `nil`, functions,
//! threads and userdata `nil`. A table nested 16 deep (counting a map's keys as nested too)
//! is encoded as `nil`. Several arguments are encoded one after the other.
//!
//! Decoding: every number becomes a Lua number (64-bit integers rounded to doubles, and a uint
//! 64 from 2^63 up read as a negative int 64, as lua-cmsgpack reads it), a str a string, an
//! array a table 1..n and a map a table. A `nil` element or value leaves a hole; a
//! `nil` or NaN key fails as Lua's `settable` does. Redis's library knows no bin and no ext:
//! those and 0xc1 are bad data. `unpack_one` and `unpack_limit` answer the offset of the next
//! value (or -1 at the end of the input) before the values; a limit of 0 reads every value
//! without an offset from offset 0, and no value, only the offset, from any other.
//!
//! Memory: under an interpreter's memory limit, encoding stops (with a memory error) where its
//! result could no longer become a string: a table may hold a big string, or itself, many
//! times, and Redis would try to encode it all.
//!
//! Stack: lua-cmsgpack keeps what it works on on the Lua stack, which a C function may grow to
//! 8000 slots (`LUAI_MAXCSTACK`); past that it fails with "stack overflow (...)". That is what
//! bounds its nesting when decoding, and how many values or arguments it takes. This library
//! counts the same slots and fails at the same points with the same errors (see
//! [`STACK_SLOTS`]), though it keeps nothing on the stack: decoding is a loop, not a
//! recursion, and keeps the tables it is filling in a table of its own, so that hostile
//! input costs neither native stack nor mlua references.
//!
//! Calls: the four functions are Lua wrappers around Rust. A wrapper hands Rust the argument
//! count with the arguments (so that a missing argument and a `nil` stay apart, and any
//! number of them costs mlua no references) and spreads the values Rust answers in a table
//! (up to 7999, as many as Redis can answer).

use std::sync::OnceLock;

use mlua::{Function, Lua, LuaString, Table, Value};

use super::luaargs::{
    arg_error, check_integer, check_string, f32_to_f64, opt_integer, output_budget,
};

/// Tables nested this deep are encoded as `nil` (lua-cmsgpack's `LUACMSGPACK_MAX_NESTING`).
const MAX_NESTING: usize = 16;

/// Slots of the Lua stack a C function may use (Lua 5.1's `LUAI_MAXCSTACK`).
///
/// Where Redis's library checks for room, this library checks the same count: when
/// decoding, every value needs 1 slot above what lies under it, an array 2 before it is
/// made, an array's element and a map's value lie 2 slots above their table's, and a map's
/// key 1; when encoding, the i-th of n arguments lies at slot n + i, a table needs 2
/// slots above it to be told array or map, a map 3 to be encoded, and an element lies 1 slot
/// above its array, a value 2 and a key 3 above their map.
const STACK_SLOTS: usize = 8000;

/// Values a table is made with room for before its elements are read: enough to spare most
/// growing, little enough that a forged length costs nothing.
const PREALLOCATED: usize = 1024;

/// The Lua wrappers, given the Rust functions and Lua's `unpack` and `select`.
const WRAPPERS: &str = r#"
local pack, unpack_all, unpack_one, unpack_limit, unpack, select = ...

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
  local s = ...
  local t, n = unpack_all(select('#', ...), s)
  return spread(t, 1, n)
end, function(...)
  local s, offset = ...
  local t, n = unpack_one(select('#', ...), s, offset)
  return spread(t, 1, n)
end, function(...)
  local s, limit, offset = ...
  local t, n = unpack_limit(select('#', ...), s, limit, offset)
  return spread(t, 1, n)
end
"#;

/// [`WRAPPERS`] compiled (see `script::own_chunk`).
static WRAPPERS_CODE: OnceLock<Vec<u8>> = OnceLock::new();

/// Adds the `cmsgpack` table to the globals.
pub fn install(lua: &Lua) -> mlua::Result<()> {
    let pack = lua.create_function(|lua, (nargs, args): (usize, Table)| pack(lua, nargs, &args))?;
    let unpack_all = lua.create_function(|lua, (nargs, s): (usize, Value)| {
        let data = check_string(lua, "unpack", nargs, 1, s)?;
        unpack(lua, &data.as_bytes(), 0, 0, nargs)
    })?;
    let unpack_one = lua.create_function(|lua, (nargs, s, offset): (usize, Value, Value)| {
        let offset = opt_integer(lua, "unpack_one", nargs, 2, offset)?;
        let data = check_string(lua, "unpack_one", nargs, 1, s)?;
        unpack(lua, &data.as_bytes(), 1, offset, 1)
    })?;
    let unpack_limit = lua.create_function(
        |lua, (nargs, s, limit, offset): (usize, Value, Value, Value)| {
            let limit = check_integer(lua, "unpack_limit", nargs, 2, limit)?;
            let offset = opt_integer(lua, "unpack_limit", nargs, 3, offset)?;
            let data = check_string(lua, "unpack_limit", nargs, 1, s)?;
            unpack(lua, &data.as_bytes(), limit, offset, 1)
        },
    )?;
    let globals = lua.globals();
    let (pack, unpack_all, unpack_one, unpack_limit): (Function, Function, Function, Function) =
        super::script::own_chunk(lua, WRAPPERS, "=cmsgpack", &WRAPPERS_CODE)?.call((
            pack,
            unpack_all,
            unpack_one,
            unpack_limit,
            globals.raw_get::<Function>("unpack")?,
            globals.raw_get::<Function>("select")?,
        ))?;
    let cmsgpack = lua.create_table()?;
    cmsgpack.raw_set("pack", pack)?;
    cmsgpack.raw_set("unpack", unpack_all)?;
    cmsgpack.raw_set("unpack_one", unpack_one)?;
    cmsgpack.raw_set("unpack_limit", unpack_limit)?;
    cmsgpack.raw_set("_NAME", "cmsgpack")?;
    cmsgpack.raw_set("_VERSION", "lua-cmsgpack 0.4.0")?;
    cmsgpack.raw_set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo")?;
    cmsgpack.raw_set("_DESCRIPTION", "MessagePack C implementation for Lua")?;
    globals.raw_set("cmsgpack", cmsgpack)
}

/// `cmsgpack.pack`: the `nargs` arguments in `args`, encoded one after the other.
fn pack(lua: &Lua, nargs: usize, args: &Table) -> mlua::Result<LuaString> {
    if nargs == 0 {
        return Err(arg_error("pack", 0, "MessagePack pack needs input."));
    }
    if nargs.saturating_mul(2) > STACK_SLOTS {
        return Err(arg_error(
            "pack",
            0,
            "Too many arguments for MessagePack pack.",
        ));
    }
    let mut encoder = Encoder {
        out: Vec::new(),
        budget: output_budget(lua)?,
    };
    for i in 1..=nargs {
        encoder.value(&args.raw_get(i)?, 0, nargs + i)?;
    }
    lua.create_string(&encoder.out)
}

/// MessagePack being written.
struct Encoder {
    out: Vec<u8>,
    /// The length `out` must not pass.
    budget: usize,
}

impl Encoder {
    /// Appends `value`, found `level` tables deep, lying at stack slot `slot`.
    fn value(&mut self, value: &Value, level: usize, slot: usize) -> mlua::Result<()> {
        match value {
            Value::Boolean(b) => self.put(&[if *b { 0xc3 } else { 0xc2 }]),
            // Lua 5.1 has only doubles; whole ones reach here as integers.
            Value::Integer(i) => self.number(*i as f64),
            Value::Number(n) => self.number(*n),
            Value::String(s) => self.string(&s.as_bytes()),
            Value::Table(t) if level < MAX_NESTING => self.table(t, level, slot),
            // nil, and what MessagePack cannot hold: too deep tables, functions, threads,
            // userdata (cjson.null among them).
            _ => self.put(&[0xc0]),
        }
    }

    /// Appends `bytes`, unless that passes the budget.
    fn put(&mut self, bytes: &[u8]) -> mlua::Result<()> {
        if bytes.len() > self.budget.saturating_sub(self.out.len()) {
            return Err(mlua::Error::MemoryError("not enough memory".to_owned()));
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    /// A number: as an integer if it is one that 64 bits hold, else as the narrowest float
    /// that holds it exactly.
    fn number(&mut self, n: f64) -> mlua::Result<()> {
        // The integers from -2^63 up to below 2^63, the ones C converts to int64_t and back.
        if n.trunc() == n
            && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n)
        {
            return self.integer(n as i64);
        }
        let single = n as f32;
        if f64::from(single) == n {
            self.put(&[0xca])?;
            self.put(&single.to_be_bytes())
        } else {
            self.put(&[0xcb])?;
            self.put(&n.to_be_bytes())
        }
    }

    /// An integer in the smallest format that holds it, unsigned ones for 0 and up.
    fn integer(&mut self, i: i64) -> mlua::Result<()> {
        if let Ok(u) = u64::try_from(i) {
            if let Ok(b) = u8::try_from(u) {
                if b < 0x80 {
                    return self.put(&[b]);
                }
                return self.put(&[0xcc, b]);
            }
            if let Ok(h) = u16::try_from(u) {
                self.put(&[0xcd])?;
                return self.put(&h.to_be_bytes());
            }
            if let Ok(w) = u32::try_from(u) {
                self.put(&[0xce])?;
                return self.put(&w.to_be_bytes());
            }
            self.put(&[0xcf])?;
            return self.put(&u.to_be_bytes());
        }
        if i >= -32 {
            return self.put(&[i as u8]);
        }
        if let Ok(b) = i8::try_from(i) {
            self.put(&[0xd0])?;
            return self.put(&b.to_be_bytes());
        }
        if let Ok(h) = i16::try_from(i) {
            self.put(&[0xd1])?;
            return self.put(&h.to_be_bytes());
        }
        if let Ok(w) = i32::try_from(i) {
            self.put(&[0xd2])?;
            return self.put(&w.to_be_bytes());
        }
        self.put(&[0xd3])?;
        self.put(&i.to_be_bytes())
    }

    /// A string as a fixstr, str 8, str 16 or str 32.
    fn string(&mut self, s: &[u8]) -> mlua::Result<()> {
        let len = s.len();
        if len < 32 {
            self.put(&[0xa0 | len as u8])?;
        } else if let Ok(b) = u8::try_from(len) {
            self.put(&[0xd9, b])?;
        } else if let Ok(h) = u16::try_from(len) {
            self.put(&[0xda])?;
            self.put(&h.to_be_bytes())?;
        } else {
            // A Lua string of 4 GiB or more cannot be made under a memory limit; C would
            // keep the low 32 bits, as this does.
            self.put(&[0xdb])?;
            self.put(&(len as u32).to_be_bytes())?;
        }
        self.put(s)
    }

    /// A table: an array if its keys are exactly 1..n, else a map.
    fn table(&mut self, t: &Table, level: usize, slot: usize) -> mlua::Result<()> {
        if slot + 2 > STACK_SLOTS {
            return Err(stack_overflow("in function table_is_an_array"));
        }
        let mut count = 0usize;
        let mut max = 0i64;
        let mut array = true;
        // (The values are only looked at for whether they are true: that costs no reference.)
        t.for_each(|key: Value, _: bool| {
            count += 1;
            // A whole number in Lua comes as an integer when 64 bits hold it exactly; the
            // others (fractions, -0, huge ones) are no array index for C either.
            match key {
                Value::Integer(i) if i >= 1 => max = max.max(i),
                _ => array = false,
            }
            Ok(())
        })?;
        if array && u64::try_from(max).is_ok_and(|max| max == count as u64) {
            self.header(count, 0x90, 0xdc)?;
            for i in 1..=count {
                self.value(&t.raw_get(i)?, level + 1, slot + 1)?;
            }
            return Ok(());
        }
        if slot + 3 > STACK_SLOTS {
            return Err(stack_overflow("in function mp_encode_lua_table_as_map"));
        }
        self.header(count, 0x80, 0xde)?;
        t.for_each(|key: Value, value: Value| {
            self.value(&key, level + 1, slot + 3)?;
            self.value(&value, level + 1, slot + 2)
        })
    }

    /// An array's or a map's header: `fix | len` up to 15 elements, else `wide` with a 16-bit
    /// length, else `wide + 1` with a 32-bit one.
    fn header(&mut self, len: usize, fix: u8, wide: u8) -> mlua::Result<()> {
        if len < 16 {
            return self.put(&[fix | len as u8]);
        }
        if let Ok(h) = u16::try_from(len) {
            self.put(&[wide])?;
            return self.put(&h.to_be_bytes());
        }
        self.put(&[wide + 1])?;
        self.put(&(len as u32).to_be_bytes())
    }
}

/// What the unpack functions share: the values of `data` from `offset`, all of them when
/// `limit` and `offset` are 0, else at most `limit` after the offset of the next one (-1 at
/// the end), in a table with their count. `base` is the stack slots the arguments take (the
/// count for `unpack`, 1 for the others, which drop all but the string).
fn unpack(
    lua: &Lua,
    data: &[u8],
    limit: i64,
    offset: i64,
    base: usize,
) -> mlua::Result<(Table, usize)> {
    let len = data.len();
    // lua-cmsgpack prints these as C ints (and the input length where it says limit).
    if offset < 0 || limit < 0 {
        return Err(mlua::Error::runtime(format!(
            "Invalid request to unpack with offset of {} and limit of {}.",
            offset as i32, len as i32
        )));
    }
    let start = usize::try_from(offset).ok().filter(|&start| start <= len);
    let Some(start) = start else {
        return Err(mlua::Error::runtime(format!(
            "Start offset {} greater than input length {}.",
            offset as i32, len as i32
        )));
    };
    let all = limit == 0 && offset == 0;
    let results = lua.create_table()?;
    let first = if all { 1 } else { 2 };
    let mut decoder = Decoder {
        lua,
        data,
        pos: start,
        spilled: None,
    };
    let mut count = 0usize;
    while decoder.pos < len && (all || (count as u64) < limit as u64) {
        let value = decoder.value(base + count)?;
        results.raw_set(first + count, value)?;
        count += 1;
    }
    if all {
        return Ok((results, count));
    }
    if base + count + 1 > STACK_SLOTS {
        return Err(stack_overflow("in function mp_unpack_full"));
    }
    let next = if decoder.pos == len {
        -1.0
    } else {
        decoder.pos as f64
    };
    results.raw_set(1, next)?;
    Ok((results, count + 1))
}

/// A MessagePack value's first bytes: a whole value, or the start of an array or a map.
enum Item {
    Value(Value),
    Array(usize),
    Map(usize),
}

/// An array or a map being filled.
struct Open {
    map: bool,
    /// Its elements (pairs for a map).
    len: usize,
    /// Elements (pairs) set so far.
    done: usize,
    /// The stack slot of the table.
    slot: usize,
    /// Whether a map's next key is read, and its value not yet.
    has_key: bool,
}

/// MessagePack being read.
struct Decoder<'a> {
    lua: &'a Lua,
    data: &'a [u8],
    pos: usize,
    /// The tables being filled under the innermost one, and their pending keys: the ones of
    /// the i-th at 2i + 1 and 2i + 2. Made when a container first opens inside another.
    spilled: Option<Table>,
}

impl Decoder<'_> {
    /// The value at `pos`, which lies at stack slot `slot`.
    fn value(&mut self, slot: usize) -> mlua::Result<Value> {
        let mut open: Vec<Open> = Vec::new();
        // The innermost open table, and the key read for it (if it is a map).
        let mut table: Option<Table> = None;
        let mut key = Value::Nil;
        let mut slot = slot;
        loop {
            let mut value = match self.item(slot)? {
                Item::Value(value) => value,
                Item::Array(0) | Item::Map(0) => Value::Table(self.lua.create_table()?),
                Item::Array(len) => {
                    self.enter(&mut open, &mut table, &mut key, false, len, slot)?;
                    slot += 2;
                    continue;
                }
                Item::Map(len) => {
                    self.enter(&mut open, &mut table, &mut key, true, len, slot)?;
                    slot += 1;
                    continue;
                }
            };
            // Put the value in its table, and every table it completes in the one above.
            loop {
                let (Some(top), Some(t)) = (open.last_mut(), table.as_ref()) else {
                    return Ok(value);
                };
                if top.map {
                    if !top.has_key {
                        key = value;
                        top.has_key = true;
                        slot = top.slot + 2;
                        break;
                    }
                    top.has_key = false;
                    let k = std::mem::replace(&mut key, Value::Nil);
                    match k {
                        Value::Nil => return Err(mlua::Error::runtime("table index is nil")),
                        Value::Number(n) if n.is_nan() => {
                            return Err(mlua::Error::runtime("table index is NaN"));
                        }
                        _ => t.raw_set(k, value)?,
                    }
                } else {
                    t.raw_set(top.done + 1, value)?;
                }
                top.done += 1;
                if top.done < top.len {
                    slot = top.slot + if top.map { 1 } else { 2 };
                    break;
                }
                open.pop();
                value = table.take().map_or(Value::Nil, Value::Table);
                if let Some(depth) = open.len().checked_sub(1) {
                    let (parent, parent_key) = self.unspill(depth)?;
                    table = Some(parent);
                    key = parent_key;
                }
            }
        }
    }

    /// Opens an array or a map of `len` elements, lying at stack slot `slot`, inside the
    /// innermost open table, which it replaces as that.
    fn enter(
        &mut self,
        open: &mut Vec<Open>,
        table: &mut Option<Table>,
        key: &mut Value,
        map: bool,
        len: usize,
        slot: usize,
    ) -> mlua::Result<()> {
        let room = len.min(self.data.len() - self.pos).min(PREALLOCATED);
        let t = if map {
            self.lua.create_table_with_capacity(0, room)?
        } else {
            self.lua.create_table_with_capacity(room, 0)?
        };
        if let Some(parent) = table.replace(t) {
            let depth = open.len().saturating_sub(1);
            self.spill(depth, parent, std::mem::replace(key, Value::Nil))?;
        }
        open.push(Open {
            map,
            len,
            done: 0,
            slot,
            has_key: false,
        });
        Ok(())
    }

    /// Keeps the `depth`-th open table and its pending key while a table inside it fills.
    fn spill(&mut self, depth: usize, table: Table, key: Value) -> mlua::Result<()> {
        let spilled = match &self.spilled {
            Some(spilled) => spilled,
            None => self.spilled.insert(self.lua.create_table()?),
        };
        spilled.raw_set(2 * depth + 1, table)?;
        spilled.raw_set(2 * depth + 2, key)
    }

    /// The `depth`-th open table and its pending key, again innermost.
    fn unspill(&mut self, depth: usize) -> mlua::Result<(Table, Value)> {
        let Some(spilled) = &self.spilled else {
            return Err(mlua::Error::runtime("cmsgpack: lost an open table"));
        };
        let table: Table = spilled.raw_get(2 * depth + 1)?;
        let key: Value = spilled.raw_get(2 * depth + 2)?;
        spilled.raw_set(2 * depth + 1, Value::Nil)?;
        spilled.raw_set(2 * depth + 2, Value::Nil)?;
        Ok((table, key))
    }

    /// The value, or the container's length, that starts at `pos`, lying at stack slot
    /// `slot`.
    fn item(&mut self, slot: usize) -> mlua::Result<Item> {
        let Some(&byte) = self.data.get(self.pos) else {
            return Err(missing_bytes());
        };
        if slot + 1 > STACK_SLOTS {
            return Err(stack_overflow(
                "too many return values at once; use unpack_one or unpack_limit instead.",
            ));
        }
        self.pos += 1;
        let number = |n: f64| Ok(Item::Value(Value::Number(n)));
        match byte {
            0x00..=0x7f => number(f64::from(byte)),
            0x80..=0x8f => self.container(true, usize::from(byte & 0x0f), slot),
            0x90..=0x9f => self.container(false, usize::from(byte & 0x0f), slot),
            0xa0..=0xbf => self.string(usize::from(byte & 0x1f)),
            0xc0 => Ok(Item::Value(Value::Nil)),
            0xc2 => Ok(Item::Value(Value::Boolean(false))),
            0xc3 => Ok(Item::Value(Value::Boolean(true))),
            0xca => number(f32_to_f64(u32::from_be_bytes(self.take()?))),
            0xcb => number(f64::from_be_bytes(self.take()?)),
            0xcc => number(f64::from(u8::from_be_bytes(self.take()?))),
            0xcd => number(f64::from(u16::from_be_bytes(self.take()?))),
            0xce => number(f64::from(u32::from_be_bytes(self.take()?))),
            // lua-cmsgpack reads a uint 64 as a signed integer: from 2^63 up, it wraps.
            0xcf => number(i64::from_be_bytes(self.take()?) as f64),
            0xd0 => number(f64::from(i8::from_be_bytes(self.take()?))),
            0xd1 => number(f64::from(i16::from_be_bytes(self.take()?))),
            0xd2 => number(f64::from(i32::from_be_bytes(self.take()?))),
            0xd3 => number(i64::from_be_bytes(self.take()?) as f64),
            0xd9 => {
                let len = u8::from_be_bytes(self.take()?);
                self.string(usize::from(len))
            }
            0xda => {
                let len = u16::from_be_bytes(self.take()?);
                self.string(usize::from(len))
            }
            0xdb => {
                let len = u32::from_be_bytes(self.take()?);
                self.string(widen(len))
            }
            0xdc => {
                let len = u16::from_be_bytes(self.take()?);
                self.container(false, usize::from(len), slot)
            }
            0xdd => {
                let len = u32::from_be_bytes(self.take()?);
                self.container(false, widen(len), slot)
            }
            0xde => {
                let len = u16::from_be_bytes(self.take()?);
                self.container(true, usize::from(len), slot)
            }
            0xdf => {
                let len = u32::from_be_bytes(self.take()?);
                self.container(true, widen(len), slot)
            }
            0xe0..=0xff => number(f64::from(byte as i8)),
            // 0xc1, bin 8/16/32, ext 8/16/32 and fixext 1/2/4/8/16.
            _ => Err(mlua::Error::runtime("Bad data format in input.")),
        }
    }

    /// The start of an array or a map of `len` elements (pairs), lying at stack slot `slot`.
    fn container(&mut self, map: bool, len: usize, slot: usize) -> mlua::Result<Item> {
        if map {
            return Ok(Item::Map(len));
        }
        // Room for the table and an element's index.
        if slot + 2 > STACK_SLOTS {
            return Err(stack_overflow("in function mp_decode_to_lua_array"));
        }
        Ok(Item::Array(len))
    }

    /// A string of `len` bytes at `pos`.
    fn string(&mut self, len: usize) -> mlua::Result<Item> {
        if self.data.len() - self.pos < len {
            return Err(missing_bytes());
        }
        let s = self
            .lua
            .create_string(&self.data[self.pos..self.pos + len])?;
        self.pos += len;
        Ok(Item::Value(Value::String(s)))
    }

    /// The next `N` bytes.
    fn take<const N: usize>(&mut self) -> mlua::Result<[u8; N]> {
        let bytes = self
            .data
            .get(self.pos..)
            .and_then(|rest| rest.get(..N))
            .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
            .ok_or_else(missing_bytes)?;
        self.pos += N;
        Ok(bytes)
    }
}

/// A 32-bit length as a `usize` (which cannot be narrower where mlua builds).
fn widen(len: u32) -> usize {
    usize::try_from(len).unwrap_or(usize::MAX)
}

fn missing_bytes() -> mlua::Error {
    mlua::Error::runtime("Missing bytes in input.")
}

/// Lua's error for a C function that found no room on the stack.
fn stack_overflow(what: &str) -> mlua::Error {
    mlua::Error::runtime(format!("stack overflow ({what})"))
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

    /// Encoding every kind of value, at every format boundary, and the nesting limit.
    #[test]
    fn pack_encodes_as_redis() {
        check(&[
            (
                r#"return hex(cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296))"#,
                "00017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000",
            ),
            (
                r#"return hex(cmsgpack.pack(2^53, 2^53 + 2, 2^63 - 1024, 123456789012, 1e15))"#,
                "cf0020000000000000cf0020000000000002cf7ffffffffffffc00cf0000001cbe991a14cf00038d7ea4c68000",
            ),
            (
                r#"return hex(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649))"#,
                "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff",
            ),
            (
                r#"return hex(cmsgpack.pack(-2^53, -2^63))"#,
                "d3ffe0000000000000d38000000000000000",
            ),
            (
                r#"return hex(cmsgpack.pack(2^31, -2^31, 2^32, 2^32 - 1, -2^31 - 1, 2^52 + 0.5))"#,
                "ce80000000d280000000cf0000000100000000ceffffffffd3ffffffff7fffffffcf0010000000000000",
            ),
            (
                r#"return hex(cmsgpack.pack(0.5, 1.5, -0.5, 0.25, 3.14, 1/3, 0.1 + 0.2, 1e-300, -1e300))"#,
                "ca3f000000ca3fc00000cabf000000ca3e800000cb40091eb851eb851fcb3fd5555555555555cb3fd3333333333334cb01a56e1fc2f8f359cbfe37e43c8800759c",
            ),
            (
                r#"return hex(cmsgpack.pack(2^63, -2^64, 2^64, 1e300, 2^100))"#,
                "ca5f000000cadf800000ca5f800000cb7e37e43c8800759cca71800000",
            ),
            (
                r#"return hex(cmsgpack.pack(1e-45, 1.401298464324817e-45, 3.4028234663852886e+38, 3.4028235677973366e+38, 16777217, 16777216.5))"#,
                "cb3696d601ad376ab9ca00000001ca7f7fffffcb47effffff0000000ce01000001cb4170000008000000",
            ),
            (r#"local z = 0 return hex(cmsgpack.pack(-z, z))"#, "0000"),
            (
                r#"return hex(cmsgpack.pack(0/0, -(0/0), 1/0, -1/0))"#,
                "cbfff8000000000000cb7ff8000000000000ca7f800000caff800000",
            ),
            (r#"return hex(cmsgpack.pack(nil, true, false))"#, "c0c3c2"),
            (r#"return hex(cmsgpack.pack(nil))"#, "c0"),
            (r#"return hex(cmsgpack.pack(nil, nil, 1, nil))"#, "c0c001c0"),
            (
                r#"return hex(cmsgpack.pack(function() end, coroutine.create(function() end)))"#,
                "c0c0",
            ),
            (
                r#"return hex(cmsgpack.pack({[function() end] = 1}))"#,
                "81c001",
            ),
            (
                r#"return hex(cmsgpack.pack({f = function() end}))"#,
                "81a166c0",
            ),
            (
                r#"return hex(cmsgpack.pack('', 'a', 'a\0b', '\0', string.rep('x', 31), string.rep('y', 32)))"#,
                "a0a161a3610062a100bf78787878787878787878787878787878787878787878787878787878787878d9207979797979797979797979797979797979797979797979797979797979797979",
            ),
            (
                r#"local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end return hex(cmsgpack.pack(table.concat(t)))"#,
                "da0100000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
            ),
            (
                r#"return hex(string.sub(cmsgpack.pack(string.rep('y', 255)), 1, 4)) .. ' ' .. #cmsgpack.pack(string.rep('y', 255))"#,
                "d9ff7979 257",
            ),
            (
                r#"return hex(string.sub(cmsgpack.pack(string.rep('y', 256)), 1, 4)) .. ' ' .. #cmsgpack.pack(string.rep('y', 256))"#,
                "da010079 259",
            ),
            (
                r#"return hex(string.sub(cmsgpack.pack(string.rep('y', 65535)), 1, 4)) .. ' ' .. #cmsgpack.pack(string.rep('y', 65535))"#,
                "daffff79 65538",
            ),
            (
                r#"return hex(string.sub(cmsgpack.pack(string.rep('y', 65536)), 1, 6)) .. ' ' .. #cmsgpack.pack(string.rep('y', 65536))"#,
                "db0001000079 65541",
            ),
            (
                r#"return hex(cmsgpack.pack('1', '1.5', 'abc', '-1'))"#,
                "a131a3312e35a3616263a22d31",
            ),
            (
                r#"return hex(cmsgpack.pack({}, {{}}, {1, {2}}, {a = 1}, {[1] = 1, [3] = 3}))"#,
                "9091909201910281a161018201010303",
            ),
            (
                r#"return hex(cmsgpack.pack({[0] = 1}, {[1.5] = 1}, {[-1] = 1}, {[true] = 1}, {[false] = 'x'}))"#,
                "81000181ca3fc000000181ff0181c30181c2a178",
            ),
            (
                r#"return hex(cmsgpack.pack({1, 2, nil, 4}))"#,
                "83010102020404",
            ),
            (
                r#"return hex(cmsgpack.pack({[1] = 1, [2] = 2, x = nil}))"#,
                "920102",
            ),
            (
                r#"return hex(cmsgpack.pack({[1] = 1, [2] = 2, [2^53] = 3}))"#,
                "8301010202cf002000000000000003",
            ),
            (
                r#"return hex(cmsgpack.pack({[2^63] = 1}, {[2^64] = 1}, {[-2^63] = 1}))"#,
                "81ca5f0000000181ca5f8000000181d3800000000000000001",
            ),
            (
                r#"local z = 0 return hex(cmsgpack.pack({[-z] = 1}))"#,
                "810001",
            ),
            (
                r#"return hex(cmsgpack.pack({[1] = 'a', ['2'] = 'b'}))"#,
                "8201a161a132a162",
            ),
            (
                r#"return hex(cmsgpack.pack({n = 2, 1, 2}))"#,
                "8301010202a16e02",
            ),
            (
                r#"return hex(cmsgpack.pack({a = 1, b = 2, c = 3, d = {e = 'f'}}))"#,
                "84a16101a16481a165a166a16303a16202",
            ),
            (r#"return hex(cmsgpack.pack({[{}] = {}}))"#, "819090"),
            (
                r#"return hex(cmsgpack.pack({1, 'two', {3}, {four = 4}, true, false, 0.5}))"#,
                "9701a374776f910381a4666f757204c3c2ca3f000000",
            ),
            (
                r#"return hex(cmsgpack.pack(setmetatable({1, 2}, {__index = function() return 9 end})))"#,
                "920102",
            ),
            (
                r#"return hex(cmsgpack.pack(setmetatable({}, {__index = function() return 9 end, __len = function() return 3 end})))"#,
                "90",
            ),
            (
                r#"local t = {} for i = 1, 15 do t[i] = i end return hex(cmsgpack.pack(t))"#,
                "9f0102030405060708090a0b0c0d0e0f",
            ),
            (
                r#"local t = {} for i = 1, 16 do t[i] = i end return hex(cmsgpack.pack(t))"#,
                "dc00100102030405060708090a0b0c0d0e0f10",
            ),
            (
                r#"local t = {} for i = 1, 65535 do t[i] = 0 end local s = cmsgpack.pack(t) return hex(string.sub(s, 1, 5)) .. ' ' .. #s"#,
                "dcffff0000 65538",
            ),
            (
                r#"local t = {} for i = 1, 65536 do t[i] = 0 end local s = cmsgpack.pack(t) return hex(string.sub(s, 1, 6)) .. ' ' .. #s"#,
                "dd0001000000 65541",
            ),
            (
                r#"local t = {} for i = 1, 15 do t['k' .. i] = 1 end local s = cmsgpack.pack(t) return hex(string.sub(s, 1, 1)) .. ' ' .. #s"#,
                "8f 67",
            ),
            (
                r#"local t = {} for i = 1, 16 do t['k' .. i] = 1 end local s = cmsgpack.pack(t) return hex(string.sub(s, 1, 3)) .. ' ' .. #s"#,
                "de0010 74",
            ),
            (
                r#"local t = {} for i = 1, 65535 do t[-i] = 1 end local s = cmsgpack.pack(t) return hex(string.sub(s, 1, 3)) .. ' ' .. #s"#,
                "deffff 327517",
            ),
            (
                r#"local t = {} for i = 1, 65536 do t[-i] = 1 end local s = cmsgpack.pack(t) return hex(string.sub(s, 1, 5)) .. ' ' .. #s"#,
                "df00010000 327525",
            ),
            (
                r#"local t = 1 for i = 1, 15 do t = {t} end return hex(cmsgpack.pack(t))"#,
                "91919191919191919191919191919101",
            ),
            (
                r#"local t = 1 for i = 1, 16 do t = {t} end return hex(cmsgpack.pack(t))"#,
                "9191919191919191919191919191919101",
            ),
            (
                r#"local t = 1 for i = 1, 17 do t = {t} end return hex(cmsgpack.pack(t))"#,
                "91919191919191919191919191919191c0",
            ),
            (
                r#"local t = {} for i = 1, 20 do t = {t} end return hex(cmsgpack.pack(t))"#,
                "91919191919191919191919191919191c0",
            ),
            (
                r#"local t = 1 for i = 1, 17 do t = {a = t} end return hex(cmsgpack.pack(t))"#,
                "81a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a161c0",
            ),
            (
                r#"local t = 1 for i = 1, 17 do t = {[t] = 1} end return hex(cmsgpack.pack(t))"#,
                "81818181818181818181818181818181c001010101010101010101010101010101",
            ),
            (
                r#"local t = 1 for i = 1, 16 do t = {t} end return hex(cmsgpack.pack({[t] = 1}))"#,
                "81919191919191919191919191919191c001",
            ),
            (
                r#"local t = {} t[1] = t return hex(cmsgpack.pack(t))"#,
                "91919191919191919191919191919191c0",
            ),
            (
                r#"local t = {} t.a = t return hex(cmsgpack.pack(t))"#,
                "81a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a16181a161c0",
            ),
            (
                r#"local t = 1 for i = 1, 17 do t = {t} end return hex(cmsgpack.pack(t, t))"#,
                "91919191919191919191919191919191c091919191919191919191919191919191c0",
            ),
            (
                r#"local t = {1, -1, 2^40, -2^40, 0.5, 'x', {a = {b = {true, false}}}} return dump(cmsgpack.unpack(cmsgpack.pack(t)))"#,
                "{[1]=1,[2]=-1,[3]=1099511627776,[4]=-1099511627776,[5]=0.5,[6]=\"x\",[7]={[\"a\"]={[\"b\"]={[1]=boolean,[2]=boolean}}}}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(cmsgpack.pack({1, 2, 3}, 'a', nil, true)))"#,
                "{[1]=1,[2]=2,[3]=3} \"a\" nil boolean",
            ),
        ]);
    }

    /// Encoding's argument and stack limits.
    #[test]
    fn pack_fails_as_redis() {
        check(&[
            (
                r#"return hex(cmsgpack.pack())"#,
                "ERR: bad argument #0 to 'pack' (MessagePack pack needs input.)",
            ),
            (
                r#"local t = {} for i = 1, 4000 do t[i] = 1 end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "4000",
            ),
            (
                r#"local t = {} for i = 1, 4001 do t[i] = 1 end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)",
            ),
            (
                r#"local t = {} for i = 1, 7000 do t[i] = 'x' end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)",
            ),
            (
                r#"local t = {} for i = 1, 3999 do t[i] = {} end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "3999",
            ),
            (
                r#"local t = {} for i = 1, 4000 do t[i] = {} end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function table_is_an_array)",
            ),
            (
                r#"local d = 1 for j = 1, 16 do d = {d} end local t = {} for i = 1, 3991 do t[i] = d end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "67847",
            ),
            (
                r#"local d = 1 for j = 1, 16 do d = {d} end local t = {} for i = 1, 3992 do t[i] = d end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function table_is_an_array)",
            ),
            (
                r#"local d = 1 for j = 1, 16 do d = {a = d} end local t = {} for i = 1, 3983 do t[i] = d end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "195167",
            ),
            (
                r#"local d = 1 for j = 1, 16 do d = {a = d} end local t = {} for i = 1, 3984 do t[i] = d end return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function mp_encode_lua_table_as_map)",
            ),
            (
                r#"local d = 1 for j = 1, 16 do d = {d} end local t = {} for i = 1, 4000 do t[i] = 1 end t[3983] = d return tostring(#cmsgpack.pack(unpack(t)))"#,
                "4016",
            ),
            (
                r#"local d = 1 for j = 1, 16 do d = {d} end local t = {} for i = 1, 4000 do t[i] = 1 end t[3984] = d return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function table_is_an_array)",
            ),
            (
                r#"local t = {} for i = 1, 3998 do t[i] = 1 end t[3998] = {{a = 1}} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "4002",
            ),
            (
                r#"local t = {} for i = 1, 3998 do t[i] = 1 end t[3998] = {{a = {}}} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function table_is_an_array)",
            ),
            (
                r#"local t = {} for i = 1, 3998 do t[i] = 1 end t[3998] = {a = 1} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "4001",
            ),
            (
                r#"local t = {} for i = 1, 3999 do t[i] = 1 end t[3999] = {a = 1} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function mp_encode_lua_table_as_map)",
            ),
            (
                r#"local t = {} for i = 1, 3997 do t[i] = 1 end t[3997] = {[{}] = 1} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "3999",
            ),
            (
                r#"local t = {} for i = 1, 3998 do t[i] = 1 end t[3998] = {[{}] = 1} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function table_is_an_array)",
            ),
            (
                r#"local t = {} for i = 1, 3998 do t[i] = 1 end t[3998] = {a = {}} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "4001",
            ),
            (
                r#"local t = {} for i = 1, 3999 do t[i] = 1 end t[3999] = {a = {}} return tostring(#cmsgpack.pack(unpack(t)))"#,
                "ERR: stack overflow (in function mp_encode_lua_table_as_map)",
            ),
        ]);
    }

    /// Decoding every format MessagePack has that lua-cmsgpack reads.
    #[test]
    fn unpack_decodes_as_redis() {
        check(&[
            (
                r#"return dumpall(cmsgpack.unpack(unhex('00017fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000')))"#,
                "0 1 127 128 255 256 65535 65536 4294967295 4294967296",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff')))"#,
                "-1 -32 -33 -128 -129 -32768 -32769 -2147483648 -2147483649",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('cfffffffffffffffffd38000000000000000d3ffffffffffffffffcf7fffffffffffffffcf0020000000000001')))"#,
                "-1 -9.2233720368547758e+18 -1 9.2233720368547758e+18 9007199254740992",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('cf8000000000000000cf8000000000000001cffffffffffffffffe')))"#,
                "-9.2233720368547758e+18 -9.2233720368547758e+18 -2",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('cc01cd0001ce00000001cf0000000000000001d001d10001d200000001d30000000000000001d0ffd1fffed2fffffffd')))"#,
                "1 1 1 1 1 1 1 1 -1 -2 -3",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('ca3f000000cb3fb999999999999acbfff8000000000000ca7f800000caff800000ca7fc00000cb8000000000000000ca80000000ca00000001')))"#,
                "0.5 0.10000000000000001 nan inf -inf nan -0 -0 1.4012984643248171e-45",
            ),
            (
                r#"return hex(cmsgpack.pack(cmsgpack.unpack(unhex('ca7fc00001cbfff8000000000001caffc00000'))))"#,
                "cb7ff8000020000000cbfff8000000000001cbfff8000000000000",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c0c2c3a0a161d90161da000161db0000000162')))"#,
                "nil boolean boolean \"\" \"a\" \"a\" \"a\" \"b\"",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('a3610062d9020000')))"#,
                "x\"610062\" x\"0000\"",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('93c001c0')))"#,
                "{[2]=1}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('9ac0c0c0c0c0c0c0c0c001')))"#,
                "{[10]=1}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('82a161c0a16201')))"#,
                "{[\"b\"]=1}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dc0002c3c2dd00000001a0de0001a1610190df000000008090')))"#,
                "{[1]=boolean,[2]=boolean} {[1]=\"\"} {[\"a\"]=1} {} {} {} {}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('8201020103')))"#,
                "{[1]=3}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('82910101910102')))"#,
                "{[{[1]=1}]=1,[{[1]=1}]=2}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81cb3ff000000000000002')))"#,
                "{[1]=2}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81c301')))"#,
                "{[boolean]=1}",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('92939192939401919293')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('8381a16101a16292c0c0a163') ))"#,
                "ERR: Missing bytes in input.",
            ),
            (r#"return dumpall(cmsgpack.unpack(''))"#, ""),
            (r#"return dumpall(cmsgpack.unpack(1))"#, "49"),
            (r#"return dumpall(cmsgpack.unpack(1.5))"#, "49 46 53"),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('01'), 'ignored', {}))"#,
                "1",
            ),
            (
                r#"local s = string.rep(unhex('dc0003'), 1) .. '\1\2\3' return dumpall(cmsgpack.unpack(s))"#,
                "{[1]=1,[2]=2,[3]=3}",
            ),
            (
                r#"local t = {} for i = 1, 20 do t[i] = i end return dump(cmsgpack.unpack(cmsgpack.pack(t)))"#,
                "{[1]=1,[10]=10,[11]=11,[12]=12,[13]=13,[14]=14,[15]=15,[16]=16,[17]=17,[18]=18,[19]=19,[2]=2,[20]=20,[3]=3,[4]=4,[5]=5,[6]=6,[7]=7,[8]=8,[9]=9}",
            ),
            (
                r#"local t = {} for i = 1, 20 do t['k' .. i] = i end return dump(cmsgpack.unpack(cmsgpack.pack(t)))"#,
                "{[\"k1\"]=1,[\"k10\"]=10,[\"k11\"]=11,[\"k12\"]=12,[\"k13\"]=13,[\"k14\"]=14,[\"k15\"]=15,[\"k16\"]=16,[\"k17\"]=17,[\"k18\"]=18,[\"k19\"]=19,[\"k2\"]=2,[\"k20\"]=20,[\"k3\"]=3,[\"k4\"]=4,[\"k5\"]=5,[\"k6\"]=6,[\"k7\"]=7,[\"k8\"]=8,[\"k9\"]=9}",
            ),
            (
                r#"local t = {} for i = 1, 70000 do t[i] = i end local u = cmsgpack.unpack(cmsgpack.pack(t)) return #u .. ' ' .. u[1] .. ' ' .. u[70000]"#,
                "70000 1 70000",
            ),
            (
                r#"local s = string.rep('z', 70000) return tostring(#cmsgpack.unpack(cmsgpack.pack(s)))"#,
                "70000",
            ),
        ]);
    }

    /// Decoding bad input: formats lua-cmsgpack does not read, truncated data, bad keys and arguments.
    #[test]
    fn unpack_refuses_as_redis() {
        check(&[
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c4')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c40161')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c5000162')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c600000001630a')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c70101ff')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c8000101ff')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c900000001ffff')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d401ff')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d5010000')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d601')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d701')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d801')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('01c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('c101')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('9101c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('9201c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('cc')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('cd00')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('ce000000')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('cf00000000000000')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d0')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d1ff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d2ffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d3ffffffffffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('ca000000')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('cb00000000000000')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('a1')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('a2')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('bf')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d9')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d902')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('d90261')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('da')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('da00')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('da0002')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('db')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('db000000')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('db00000001')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('db7fffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dbffffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dbffffffff61')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('91')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('92')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('9201')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dc')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dc00')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dc0001')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dd')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dd000000')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dd00000001')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('ddffffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dd7fffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('8101')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('de0001')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('df')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('dfffffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('df7fffffff')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81c001')))"#,
                "ERR: table index is nil",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('82c00101c1')))"#,
                "ERR: table index is nil",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81c0')))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81c0c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81cbfff800000000000001')))"#,
                "ERR: table index is NaN",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('81cb7ff800000000000002')))"#,
                "ERR: table index is NaN",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('93c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('9301c1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(unhex('92ffc1')))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack())"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got no value)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(nil))"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got nil)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack({}))"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got table)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(true))"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got boolean)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack(function() end))"#,
                "ERR: bad argument #1 to 'unpack' (string expected, got function)",
            ),
        ]);
    }

    /// The stack limits of decoding: nesting, and the number of values returned.
    #[test]
    fn unpack_nests_and_returns_as_deep_and_as_many_as_redis() {
        check(&[
            (
                r#"local s = string.rep('\145', 3999) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\129\1', 3999) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\1' return tostring(select('#', cmsgpack.unpack_one(s)))"#,
                "2",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\1' return tostring(select('#', cmsgpack.unpack_limit(s, 1, 0, 'x', 'y')))"#,
                "2",
            ),
            (
                r#"local s = string.rep('\145', 4000) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = string.rep('\129\1', 4000) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\145', 4000) .. '\1' return tostring(select('#', cmsgpack.unpack_one(s)))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = string.rep('\145', 4000) .. '\1' return tostring(select('#', cmsgpack.unpack_limit(s, 1, 0, 'x', 'y')))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = string.rep('\145', 3998) .. '\1' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\129\1', 3998) .. '\1' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\145', 3998) .. '\144' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\145', 3998) .. '\144' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\145', 3998) return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"local s = string.rep('\145', 3998) .. '\193' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"local s = string.rep('\145', 3998) .. '\220' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\1' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\129\1', 3999) .. '\1' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\144' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\144' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\145', 3999) return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\193' return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\220' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"local s = string.rep('\129\1', 3999) .. '\128' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\129\1', 3999) .. '\144' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = string.rep('\129', 3999) .. '\1' .. string.rep('\1', 3999) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\129', 4000) .. '\1' .. string.rep('\1', 4000) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\129\192', 3999) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: table index is nil",
            ),
            (
                r#"local s = '\146\193' .. string.rep('\145', 4000) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"local s = '\146' .. string.rep('\145', 4000) .. '\1\193' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = '\129\192' .. string.rep('\145', 4000) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = '\146\165' .. string.rep('\145', 4000) .. '\1' return tostring(select('#', cmsgpack.unpack(s)))"#,
                "1",
            ),
            (
                r#"local s = string.rep('\145', 3994) .. '\1' return tostring(select('#', cmsgpack.unpack(string.rep('\1', 10) .. s)))"#,
                "11",
            ),
            (
                r#"local s = string.rep('\145', 3995) .. '\1' return tostring(select('#', cmsgpack.unpack(string.rep('\1', 10) .. s)))"#,
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                r#"local s = string.rep('\1', 7998) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "7998",
            ),
            (
                r#"local s = string.rep('\1', 7998) return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "7998",
            ),
            (
                r#"local s = string.rep('\1', 7998) return tostring(select('#', cmsgpack.unpack_limit(s, 0, 0, 'x')))"#,
                "7998",
            ),
            (
                r#"local s = string.rep('\1', 7998) return tostring(select('#', cmsgpack.unpack_limit(s, 7999)))"#,
                "7999",
            ),
            (
                r#"local s = string.rep('\1', 7998) return tostring(select('#', cmsgpack.unpack_limit(s, 7998)))"#,
                "7999",
            ),
            (
                r#"local s = string.rep('a\161a', 7998) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\1', 7999) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "7999",
            ),
            (
                r#"local s = string.rep('\1', 7999) return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\1', 7999) return tostring(select('#', cmsgpack.unpack_limit(s, 0, 0, 'x')))"#,
                "7999",
            ),
            (
                r#"local s = string.rep('\1', 7999) return tostring(select('#', cmsgpack.unpack_limit(s, 7999)))"#,
                "ERR: stack overflow (in function mp_unpack_full)",
            ),
            (
                r#"local s = string.rep('\1', 7999) return tostring(select('#', cmsgpack.unpack_limit(s, 7998)))"#,
                "7999",
            ),
            (
                r#"local s = string.rep('a\161a', 7999) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\1', 8000) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\1', 8000) return tostring(select('#', cmsgpack.unpack(s, 1)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\1', 8000) return tostring(select('#', cmsgpack.unpack_limit(s, 0, 0, 'x')))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\1', 8000) return tostring(select('#', cmsgpack.unpack_limit(s, 7999)))"#,
                "ERR: stack overflow (in function mp_unpack_full)",
            ),
            (
                r#"local s = string.rep('\1', 8000) return tostring(select('#', cmsgpack.unpack_limit(s, 7998)))"#,
                "7999",
            ),
            (
                r#"local s = string.rep('a\161a', 8000) return tostring(select('#', cmsgpack.unpack(s)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\1', 7997) return tostring(select('#', cmsgpack.unpack(s, 1, 2)))"#,
                "7997",
            ),
            (
                r#"local s = string.rep('\1', 7998) return tostring(select('#', cmsgpack.unpack(s, 1, 2)))"#,
                "ERR: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
            ),
            (
                r#"local s = string.rep('\161a', 7999) local t = {cmsgpack.unpack(s)} return #t .. t[1] .. t[7999]"#,
                "7999aa",
            ),
            (
                r#"local s = string.rep('\161b', 7998) local t = {cmsgpack.unpack_limit(s, 7998)} return #t .. ' ' .. t[1] .. t[2] .. t[7999]"#,
                "7999 -1bb",
            ),
            (
                r#"local s = string.rep('\145', 3999) .. '\1' local t = cmsgpack.unpack(s) local d = 0 while type(t) == 'table' do t = t[1] d = d + 1 end return d .. ' ' .. t"#,
                "3999 1",
            ),
            (
                r#"local s = string.rep('\129\161k', 3999) .. '\1' local t = cmsgpack.unpack(s) local d = 0 while type(t) == 'table' do t = t.k d = d + 1 end return d .. ' ' .. t"#,
                "3999 1",
            ),
            (
                r#"local s = string.rep('\129', 3998) .. '\1' .. string.rep('\161v', 3998) local t = cmsgpack.unpack(s) local d = 0 while type(t) == 'table' do local k, v = next(t) t = k d = d + 1 assert(v == 'v') end return d .. ' ' .. t"#,
                "3998 1",
            ),
        ]);
    }

    /// unpack_one's and unpack_limit's offsets, limits and results, and the library's fields.
    #[test]
    fn unpack_one_and_unpack_limit_take_offsets_as_redis() {
        check(&[
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 0))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 1))"#,
                "4 \"ab\"",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 2))"#,
                "3 97",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 4))"#,
                "-1 {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 5))"#,
                "-1 3",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 6))"#,
                "-1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 7))"#,
                "ERR: Start offset 7 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, -1))"#,
                "ERR: Invalid request to unpack with offset of -1 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 1.5))"#,
                "4 \"ab\"",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 0.9))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, -0.9))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, '1'))"#,
                "4 \"ab\"",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 'x'))"#,
                "ERR: bad argument #2 to 'unpack_one' (number expected, got string)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, nil))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, {}))"#,
                "ERR: bad argument #2 to 'unpack_one' (number expected, got table)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, true))"#,
                "ERR: bad argument #2 to 'unpack_one' (number expected, got boolean)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 2^31))"#,
                "ERR: Start offset -2147483648 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 2^32 + 1))"#,
                "ERR: Start offset 1 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 2^40))"#,
                "ERR: Start offset 0 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 2^63))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, -2^31 - 5))"#,
                "ERR: Invalid request to unpack with offset of 2147483643 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 0/0))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_one(s, 1/0))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s))"#,
                "ERR: bad argument #2 to 'unpack_limit' (number expected, got no value)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0))"#,
                "1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 2))"#,
                "4 1 \"ab\"",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 3))"#,
                "-1 1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 4))"#,
                "-1 1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, -1))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0.9))"#,
                "1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, -0.9))"#,
                "1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1.7))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 'x'))"#,
                "ERR: bad argument #2 to 'unpack_limit' (number expected, got string)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, ' 1 '))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, '0x2'))"#,
                "4 1 \"ab\"",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, nil))"#,
                "ERR: bad argument #2 to 'unpack_limit' (number expected, got nil)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, true))"#,
                "ERR: bad argument #2 to 'unpack_limit' (number expected, got boolean)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 2^31))"#,
                "-1 1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 2^32 + 1))"#,
                "-1 1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 2^63))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0/0))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0, 0))"#,
                "1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0, 1))"#,
                "1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0, 4))"#,
                "4",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0, 6))"#,
                "-1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0, 7))"#,
                "ERR: Start offset 7 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 0))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 1))"#,
                "4 \"ab\"",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 2, 1))"#,
                "-1 \"ab\" {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 2, 4))"#,
                "-1 {[1]=3}",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 6))"#,
                "-1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 7))"#,
                "ERR: Start offset 7 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 0, -1))"#,
                "ERR: Invalid request to unpack with offset of -1 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, -5, -1))"#,
                "ERR: Invalid request to unpack with offset of -1 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, -1, 5))"#,
                "ERR: Invalid request to unpack with offset of 5 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 1.7))"#,
                "4 \"ab\"",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, -1.7))"#,
                "ERR: Invalid request to unpack with offset of -1 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 2^40))"#,
                "ERR: Start offset 0 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 2^32 + 1))"#,
                "ERR: Start offset 1 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 2^31))"#,
                "ERR: Start offset -2147483648 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 2^31 + 5))"#,
                "ERR: Start offset -2147483643 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, -2^31 - 5))"#,
                "ERR: Invalid request to unpack with offset of 2147483643 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, -2^32))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 2^62))"#,
                "ERR: Start offset 0 greater than input length 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 0/0))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 1/0))"#,
                "ERR: Invalid request to unpack with offset of 0 and limit of 6.",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, 'x'))"#,
                "ERR: bad argument #3 to 'unpack_limit' (number expected, got string)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, true))"#,
                "ERR: bad argument #3 to 'unpack_limit' (number expected, got boolean)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, {}))"#,
                "ERR: bad argument #3 to 'unpack_limit' (number expected, got table)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 1, nil))"#,
                "1 1",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 'x', 'y'))"#,
                "ERR: bad argument #2 to 'unpack_limit' (number expected, got string)",
            ),
            (
                r#"local s = cmsgpack.pack(1, 'ab', {3}) return dumpall(cmsgpack.unpack_limit(s, 2, 1, 5, 6))"#,
                "-1 \"ab\" {[1]=3}",
            ),
            (r#"return dumpall(cmsgpack.unpack_one(''))"#, "-1"),
            (r#"return dumpall(cmsgpack.unpack_one('', 0))"#, "-1"),
            (
                r#"return dumpall(cmsgpack.unpack_one('', 1))"#,
                "ERR: Start offset 1 greater than input length 0.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_one())"#,
                "ERR: bad argument #1 to 'unpack_one' (string expected, got no value)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_one(nil))"#,
                "ERR: bad argument #1 to 'unpack_one' (string expected, got nil)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_one(nil, 'x'))"#,
                "ERR: bad argument #2 to 'unpack_one' (number expected, got string)",
            ),
            (r#"return dumpall(cmsgpack.unpack_one(12))"#, "1 49"),
            (
                r#"return dumpall(cmsgpack.unpack_limit())"#,
                "ERR: bad argument #2 to 'unpack_limit' (number expected, got no value)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_limit(nil, 1))"#,
                "ERR: bad argument #1 to 'unpack_limit' (string expected, got nil)",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_limit(nil, 1, 'x'))"#,
                "ERR: bad argument #3 to 'unpack_limit' (number expected, got string)",
            ),
            (r#"return dumpall(cmsgpack.unpack_limit('', 0, 0))"#, ""),
            (r#"return dumpall(cmsgpack.unpack_limit('', 1, 0))"#, "-1"),
            (
                r#"return dumpall(cmsgpack.unpack_limit('', 0, 1))"#,
                "ERR: Start offset 1 greater than input length 0.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_limit('\1\2', 0, 1))"#,
                "1",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_limit('\1\2', 0, 2))"#,
                "-1",
            ),
            (r#"return dumpall(cmsgpack.unpack_one('\1\2', 2))"#, "-1"),
            (r#"return dumpall(cmsgpack.unpack_one('\1\193', 0))"#, "1 1"),
            (
                r#"return dumpall(cmsgpack.unpack_one('\1\193', 1))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_one('\1\204', 1))"#,
                "ERR: Missing bytes in input.",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_limit('\1\2\193', 2))"#,
                "2 1 2",
            ),
            (
                r#"return dumpall(cmsgpack.unpack_limit('\1\2\193', 3))"#,
                "ERR: Bad data format in input.",
            ),
            (
                r#"local s = cmsgpack.pack('a', {b = 'c'}, 3) local out, o, v = {}, 0 while o ~= -1 do o, v = cmsgpack.unpack_one(s, o) out[#out + 1] = dump(v) end return table.concat(out, ' ')"#,
                "\"a\" {[\"b\"]=\"c\"} 3",
            ),
            (
                r#"local out = {} for k, v in pairs(cmsgpack) do out[#out + 1] = k .. '=' .. (type(v) == 'string' and v or type(v)) end table.sort(out) return table.concat(out, ';')"#,
                "_COPYRIGHT=Copyright (C) 2012, Salvatore Sanfilippo;_DESCRIPTION=MessagePack C implementation for Lua;_NAME=cmsgpack;_VERSION=lua-cmsgpack 0.4.0;pack=function;unpack=function;unpack_limit=function;unpack_one=function",
            ),
        ]);
    }

    /// What raft-kv adds (Redis has no memory limit for scripts, so nothing to record): under a
    /// memory limit, encoding stops where its result could no longer become a string, however
    /// often a table holds a big string, or itself.
    #[test]
    fn pack_stops_at_the_memory_limit() {
        let lua = interpreter();
        lua.set_memory_limit(32 << 20).expect("memory limit");
        for code in [
            "local s = string.rep('x', 1048576) local t = {} for i = 1, 100 do t[i] = s end \
             return cmsgpack.pack(t)",
            "local s = string.rep('x', 1048576) local t = {} for i = 1, 100 do t[i] = s end \
             return cmsgpack.pack(unpack(t))",
            "local t = {} for i = 1, 100 do t[i] = t end return cmsgpack.pack(t)",
        ] {
            assert_eq!(run(&lua, code), "ERR: not enough memory", "{code}");
        }
        assert_eq!(
            run(
                &lua,
                "return tostring(#cmsgpack.pack(string.rep('x', 1048576)))"
            ),
            "1048581"
        );
    }

    /// Hostile input costs what its length does: nesting stops at the stack's limit however
    /// deep the input goes, and a length the input does not hold is missing bytes, not an
    /// allocation.
    #[test]
    fn unpack_resists_hostile_input() {
        let lua = interpreter();
        for (code, expected) in [
            (
                "return dumpall(cmsgpack.unpack(string.rep('\\145', 1000000)))",
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                "return dumpall(cmsgpack.unpack(string.rep('\\129\\1', 1000000)))",
                "ERR: stack overflow (too many return values at once; use unpack_one or \
                 unpack_limit instead.)",
            ),
            (
                "return dumpall(cmsgpack.unpack(string.rep('\\221\\255\\255\\255\\255', 10000)))",
                "ERR: stack overflow (in function mp_decode_to_lua_array)",
            ),
            (
                "return dumpall(cmsgpack.unpack(string.rep('\\223\\255\\255\\255\\255', 1000)))",
                "ERR: Missing bytes in input.",
            ),
            (
                "return dumpall(cmsgpack.unpack('\\219\\255\\255\\255\\255abcde'))",
                "ERR: Missing bytes in input.",
            ),
            (
                "return dumpall(cmsgpack.unpack('\\221\\255\\255\\255\\255\\1\\2'))",
                "ERR: Missing bytes in input.",
            ),
        ] {
            assert_eq!(run(&lua, code), expected, "{code}");
        }
    }
}
