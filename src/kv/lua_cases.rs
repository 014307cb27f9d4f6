//! What the unit tests of the Rust-written script libraries (`cmsgpack`, `struct`) share:
//! running cases of Lua code in a plain interpreter with one library, and comparing what
//! they answer with what redis-server answered.

use mlua::Lua;

/// What the cases use: `hex` and `unhex` to write bytes, `dump` and `dumpall` to print
/// values (numbers exactly, binary strings in hex, tables with their keys sorted).
const PRELUDE: &str = r#"
local function hex(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
local function unhex(h) return (string.gsub(h, '..', function(x) return string.char(tonumber(x, 16)) end)) end
local function dump(v)
  local t = type(v)
  if t == 'number' then
    if v ~= v then return 'nan' end
    if v == 1/0 then return 'inf' end
    if v == -1/0 then return '-inf' end
    if v == 0 and 1/v < 0 then return '-0' end
    if v == math.floor(v) and math.abs(v) < 1e15 then return string.format('%d', v) end
    return string.format('%.17g', v)
  elseif t == 'string' then
    if string.find(v, '[^%w%p ]') then return 'x"' .. hex(v) .. '"' end
    return '"' .. v .. '"'
  elseif t == 'table' then
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return dump(a) < dump(b) end)
    local parts = {}
    for _, k in ipairs(keys) do parts[#parts + 1] = '[' .. dump(k) .. ']=' .. dump(v[k]) end
    return '{' .. table.concat(parts, ',') .. '}'
  else
    return t
  end
end
local function dumpall(...)
  local parts = {}
  for i = 1, select('#', ...) do parts[i] = dump((select(i, ...))) end
  return table.concat(parts, ' ')
end
"#;

/// A plain interpreter with the library `install` adds.
pub fn interpreter(install: fn(&Lua) -> mlua::Result<()>) -> Lua {
    let lua = Lua::new();
    install(&lua).expect("install");
    lua
}

/// The error's message, without mlua's wrapping.
pub fn message(e: &mlua::Error) -> String {
    match e {
        mlua::Error::CallbackError { cause, .. } => message(cause),
        mlua::Error::RuntimeError(m) | mlua::Error::MemoryError(m) => m.clone(),
        other => other.to_string(),
    }
}

/// What `code` returns (a string), or `ERR: ` and the message it fails with.
pub fn run(lua: &Lua, code: &str) -> String {
    match lua.load(format!("{PRELUDE}{code}")).eval::<String>() {
        Ok(s) => s,
        Err(e) => format!("ERR: {}", message(&e)),
    }
}

/// Runs each case's code in an interpreter with the library `install` adds, which must answer what redis-server 7.0.15 answered for it
/// (recorded from it: the string the script returned, or the error's message without
/// Redis's `user_script:N: ` and ` script: ...` around it).
pub fn check(install: fn(&Lua) -> mlua::Result<()>, cases: &[(&str, &str)]) {
    let lua = interpreter(install);
    for (code, expected) in cases {
        assert_eq!(run(&lua, code), *expected, "{code}");
    }
}
