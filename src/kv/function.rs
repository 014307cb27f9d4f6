//! Function libraries (Redis 7.0): `FUNCTION LOAD` and the rest of `FUNCTION`, `FCALL` and
//! `FCALL_RO`.
//!
//! A library is Lua code that starts with a shebang naming it (`#!lua name=mylib`) and, when
//! run, registers functions with `redis.register_function`. The state machine keeps each
//! library's code (it is replicated and snapshotted like the keys) and what loading it
//! registered: the functions' names, flags and descriptions, which `FUNCTION LIST` shows and
//! `FCALL` looks up.
//!
//! As with `EVAL` (see `kv::script`), every call runs on every replica and must give the same
//! result everywhere, so each `FCALL` runs in a fresh interpreter: the library's code is run
//! again (registering its functions), then the function is called with its keys and
//! arguments. The one difference a user can see: state a library keeps in its upvalues
//! between calls (a counter in a local of the library, say) starts afresh at every call here,
//! where Redis keeps one interpreter for the server's life. Redis documents such state as not
//! persisted nor replicated; here it is simply not kept.
//!
//! While a library loads, its code sees only what Redis 7.0 gives it: a `redis` table with
//! `register_function`, `log` and its levels, `REDIS_VERSION` and `REDIS_VERSION_NUM`. When a
//! function runs, its globals are the sandbox of scripts (no `KEYS` and `ARGV`: the function
//! gets its keys and arguments as its two parameters). Neither may create globals.

use std::collections::BTreeMap;

use bytes::Bytes;
use mlua::{Lua, Table, Value};

use super::command::RestorePolicy;
use super::glob;
use super::rdb;
use super::reply;
use super::script::{self, Sandbox};
use crate::pb;

/// The flags `redis.register_function` accepts, in the order `FUNCTION LIST` shows them.
const FLAGS: [&str; 5] = [
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

/// Sets up loading: the `redis` table a library sees while it loads, the environment of its
/// code (whose globals are that table while loading, and the scripts' globals afterwards),
/// and `register_function`. Runs with the Rust function that records a registration and the
/// sandbox's installer of libraries (see `script::Sandbox::library`), and returns the
/// environment and the function that switches it to the scripts' globals.
const LOADER: &str = r#"
local record, library = ...
local function fail(message) error(message, 0) end
local function missing(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end
local api = {}
api.register_function = function(...)
  local n = select('#', ...)
  local name, callback, flags, description
  if n == 1 then
    local args = ...
    if type(args) ~= 'table' then
      fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
    end
    for key, value in pairs(args) do
      if type(key) ~= 'string' and type(key) ~= 'number' then
        fail('named argument key given to redis.register_function is not a string')
      end
      if key == 'function_name' then name = value
      elseif key == 'callback' then
        if type(value) ~= 'function' then
          fail('callback argument given to redis.register_function must be a function')
        end
        callback = value
      elseif key == 'flags' then
        if type(value) ~= 'table' then
          fail('flags argument to redis.register_function must be a table representing function flags')
        end
        flags = value
      elseif key == 'description' then
        if type(value) ~= 'string' and type(value) ~= 'number' then
          fail('description argument given to redis.register_function must be a string')
        end
        description = value
      else fail('unknown argument given to redis.register_function') end
    end
    if name == nil then fail('redis.register_function must get a function name argument') end
    if callback == nil then fail('redis.register_function must get a callback argument') end
  elseif n == 2 then
    name, callback = ...
    if type(name) ~= 'string' and type(name) ~= 'number' then
      fail('first argument to redis.register_function must be a string')
    end
  else
    fail('wrong number of arguments to redis.register_function')
  end
  if type(callback) ~= 'function' then
    fail('second argument to redis.register_function must be a function')
  end
  local given = {}
  for _, flag in ipairs(flags or {}) do given[#given + 1] = flag end
  record(name, callback, given, description)
end
for key, value in pairs(redis) do
  if key == 'log' or key:sub(1, 4) == 'LOG_' or key:sub(1, 13) == 'REDIS_VERSION' then
    api[key] = value
  end
end
setmetatable(api, { __index = missing })
local loading = setmetatable({ redis = api }, { __index = missing })
local globals = _G
local current = loading
local env = setmetatable({}, {
  __index = function(_, name)
    local value = rawget(current, name)
    if value == nil and current == globals then value = library(name) end
    if value == nil then
      error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
    end
    return value
  end,
  __newindex = function() error('Attempt to modify a readonly table', 2) end,
  __metatable = false,
})
return env, function() current = globals end
"#;

/// [`LOADER`], compiled (see `script::own_chunk`).
static LOADER_CODE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();

/// `FUNCTION HELP`, as Redis 7.0 words it.
pub(super) const HELP: &[&str] = &[
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help.",
];

/// The RDB opcode before each library's code in a `FUNCTION DUMP` payload (Redis 7.0's
/// `RDB_OPCODE_FUNCTION2`).
const OPCODE_FUNCTION: u8 = 0xf5;

/// The opcode of the format of Redis 7.0's release candidates, which is not read here.
const OPCODE_FUNCTION_PRE_GA: u8 = 0xf6;

/// `FUNCTION DUMP`'s payload for libraries `codes`: each code after its opcode as an RDB
/// string, then the RDB version and checksum, as Redis 7.0 writes it (which it restores).
pub(super) fn dump_payload(codes: &[Bytes]) -> Vec<u8> {
    rdb::records(OPCODE_FUNCTION, codes)
}

/// The library codes of a `FUNCTION RESTORE` payload, or the error to answer.
pub(super) fn payload_codes(payload: &[u8]) -> Result<Vec<Bytes>, String> {
    let mut body = rdb::verify(payload)
        .ok_or_else(|| "ERR DUMP payload version or checksum are wrong".to_owned())?;
    let mut codes = Vec::new();
    while let Some((&opcode, rest)) = body.split_first() {
        match opcode {
            OPCODE_FUNCTION => {}
            OPCODE_FUNCTION_PRE_GA => {
                return Err("ERR Pre-GA function format not supported".into());
            }
            _ => return Err("ERR given type is not a function".into()),
        }
        body = rest;
        let code = rdb::take_string(&mut body)
            .ok_or_else(|| "ERR Failed loading library payload".to_owned())?;
        codes.push(Bytes::from(code));
    }
    Ok(codes)
}

/// One function a library registered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FunctionInfo {
    /// The name it was registered under (FCALL finds it whatever its case).
    pub name: String,
    /// Its description, if it was given one.
    pub description: Option<Bytes>,
    /// Its flags, in [`FLAGS`] order.
    pub flags: Vec<&'static str>,
}

impl FunctionInfo {
    /// Whether the function declared that it does not write (so `FCALL_RO` may call it).
    pub fn read_only(&self) -> bool {
        self.flags.contains(&"no-writes")
    }
}

/// A loaded library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Library {
    /// Its name, from the shebang.
    pub name: String,
    /// Its code, shebang included, as `FUNCTION LOAD` got it.
    pub code: Bytes,
    /// Its functions, by name.
    pub functions: Vec<FunctionInfo>,
}

/// Reads the shebang line of `code`: the library's name, as Redis 7.0 reads it (engine `lua`
/// in any case, then `name=...`, parts split on whitespace). Errors are whole replies' texts.
fn metadata(code: &[u8]) -> Result<String, String> {
    let Some(rest) = code.strip_prefix(b"#!") else {
        return Err("ERR Missing library metadata".into());
    };
    let Some(end) = rest.iter().position(|&b| b == b'\n') else {
        return Err("ERR Invalid library metadata".into());
    };
    let line = String::from_utf8_lossy(&rest[..end]);
    let mut parts = line
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|p| !p.is_empty());
    // An empty engine (`#! name=x`) is named as such, as Redis does.
    let engine = if line.starts_with(|c: char| c.is_ascii_whitespace()) {
        ""
    } else {
        parts.next().unwrap_or("")
    };
    let mut name = None;
    for part in parts {
        match part.strip_prefix("name=") {
            Some(_) if name.is_some() => {
                return Err(
                    "ERR Invalid metadata value, name argument was given multiple times".into(),
                );
            }
            Some(value) => name = Some(value.to_owned()),
            None => return Err(format!("ERR Invalid metadata value given: {part}")),
        }
    }
    if !engine.eq_ignore_ascii_case("lua") {
        return Err(format!("ERR Engine '{engine}' not found"));
    }
    let name = name.ok_or_else(|| "ERR Library name was not given".to_owned())?;
    if !valid_name(&name) {
        return Err(NAME_ERROR.into());
    }
    Ok(name)
}

/// What Redis answers for a bad library or function name (for both).
const NAME_ERROR: &str = "ERR Library names can only contain letters, numbers, or underscores(_) \
                          and must be at least one character long";

/// Whether `name` is a valid library or function name.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A function registered while a library's code ran, with its callback.
struct Registered {
    info: FunctionInfo,
    callback: mlua::Function,
}

/// Runs a library's code in `lua` (a fresh sandbox) and returns what it registered, with the
/// function that turns the code's globals into the scripts' ones. Errors are whole replies.
fn run_library(
    lua: &Lua,
    sandbox: &Sandbox,
    code: &[u8],
) -> mlua::Result<Result<(Vec<Registered>, mlua::Function), String>> {
    let registered = std::rc::Rc::new(std::cell::RefCell::new(Vec::<Registered>::new()));
    let sink = registered.clone();
    let record = lua.create_function(
        move |_, (name, callback, flags, description): (Value, mlua::Function, Table, Value)| {
            let name = match name {
                Value::String(s) => s.to_string_lossy(),
                Value::Integer(i) => i.to_string(),
                Value::Number(n) => n.to_string(),
                _ => {
                    return Err(mlua::Error::runtime(
                        "function_name argument given to redis.register_function must be a string",
                    ));
                }
            };
            if !valid_name(&name) {
                return Err(mlua::Error::runtime(NAME_ERROR.trim_start_matches("ERR ")));
            }
            let mut given = Vec::new();
            for flag in flags.sequence_values::<Value>() {
                let flag = match flag? {
                    Value::String(s) => s.to_string_lossy(),
                    _ => return Err(mlua::Error::runtime("unknown flag given")),
                };
                match FLAGS.iter().find(|f| f.eq_ignore_ascii_case(&flag)) {
                    Some(f) => given.push(*f),
                    None => return Err(mlua::Error::runtime("unknown flag given")),
                }
            }
            let flags = FLAGS.into_iter().filter(|f| given.contains(f)).collect();
            let description = match description {
                Value::String(s) => Some(Bytes::copy_from_slice(&s.as_bytes())),
                Value::Integer(i) => Some(Bytes::from(i.to_string())),
                Value::Number(n) => Some(Bytes::from(n.to_string())),
                _ => None,
            };
            let mut registered = sink.borrow_mut();
            if registered
                .iter()
                .any(|r| r.info.name.eq_ignore_ascii_case(&name))
            {
                return Err(mlua::Error::runtime(
                    "Function already exists in the library",
                ));
            }
            registered.push(Registered {
                info: FunctionInfo {
                    name,
                    description,
                    flags,
                },
                callback,
            });
            Ok(())
        },
    )?;
    let (env, unlock): (Table, mlua::Function) =
        script::own_chunk(lua, LOADER, "=loader", &LOADER_CODE)?
            .call((record, sandbox.library.clone()))?;
    let chunk = match script::user_chunk(lua, script::strip_shebang(code), "@user_function")
        .and_then(|chunk| chunk.set_environment(env).into_function())
    {
        Ok(chunk) => chunk,
        Err(err) => {
            return Ok(Err(format!(
                "ERR Error compiling function: {}",
                script::lua_message(&err)
            )));
        }
    };
    let (ok, value): (bool, Value) = sandbox.pcall.call(chunk)?;
    if !ok {
        let message = if sandbox.exhausted() {
            "FUNCTION LOAD timeout".to_owned()
        } else {
            match &value {
                Value::String(s) => s.to_string_lossy(),
                Value::Error(err) => script::lua_message(err),
                other => format!("an error object ({})", other.type_name()),
            }
        };
        return Ok(Err(format!(
            "ERR Error registering functions: ERR {message}"
        )));
    }
    let registered = registered.take();
    if registered.is_empty() {
        return Ok(Err("ERR No functions registered".into()));
    }
    Ok(Ok((registered, unlock)))
}

/// Loads library `code` (what `FUNCTION LOAD` got): runs it in a fresh sandbox and returns the
/// library, or the error to answer.
pub(super) fn load(code: &Bytes) -> Result<Library, String> {
    let name = metadata(code)?;
    let no_calls = &mut |_: &[Bytes]| reply::error("ERR redis.call is not available here");
    let loaded = script::in_sandbox(no_calls, |lua, sandbox| {
        Ok(run_library(lua, sandbox, code)?.map(|(registered, _)| registered))
    });
    let mut functions: Vec<FunctionInfo> = match loaded {
        Ok(Ok(registered)) => registered.into_iter().map(|r| r.info).collect(),
        Ok(Err(message)) => return Err(message),
        Err(err) => {
            return Err(format!(
                "ERR Error registering functions: ERR {}",
                script::lua_message(&err)
            ));
        }
    };
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Library {
        name,
        // A copy: `code` may be a slice of a larger buffer (a client's reads).
        code: Bytes::copy_from_slice(code),
        functions,
    })
}

/// Calls function `name` of library `code` with `keys` and `args`; each `redis.call` goes to
/// `call`. The library loaded before, so it loads again the same way (it is deterministic).
pub(super) fn call(
    code: &[u8],
    name: &str,
    keys: &[Bytes],
    args: &[Bytes],
    call: &mut dyn FnMut(&[Bytes]) -> pb::Reply,
) -> pb::Reply {
    let ran = script::in_sandbox(call, |lua, sandbox| {
        let (registered, unlock) = match run_library(lua, sandbox, code)? {
            Ok(loaded) => loaded,
            Err(message) => return Ok(reply::error(message)),
        };
        let Some(function) = registered
            .into_iter()
            .find(|r| r.info.name.eq_ignore_ascii_case(name))
        else {
            return Ok(reply::error("ERR Function not found"));
        };
        unlock.call::<()>(())?;
        let keys = script::strings(lua, keys)?;
        let args = script::strings(lua, args)?;
        let outcome = sandbox
            .pcall
            .call::<(bool, Value)>((function.callback, keys, args))?;
        Ok(sandbox.reply_of(outcome))
    });
    ran.unwrap_or_else(|err| reply::error(format!("ERR {}", script::lua_message(&err))))
}

/// The libraries the state machine holds, and an index of their functions.
#[derive(Clone, Debug, Default)]
pub(super) struct Libraries {
    /// Libraries by name.
    by_name: BTreeMap<String, Library>,
    /// The library of each function, by the function's name in lowercase.
    functions: BTreeMap<String, String>,
}

impl Libraries {
    /// The libraries' codes, in the order of their names (what snapshots keep).
    pub fn codes(&self) -> Vec<Bytes> {
        self.by_name.values().map(|l| l.code.clone()).collect()
    }

    /// The function `name` (in any case) and its library.
    pub fn function(&self, name: &[u8]) -> Option<(&Library, &FunctionInfo)> {
        let lower = String::from_utf8_lossy(name).to_ascii_lowercase();
        let library = self.by_name.get(self.functions.get(&lower)?)?;
        let info = library
            .functions
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(&lower))?;
        Some((library, info))
    }

    /// Adds `library`; with `replace`, in place of one of the same name. Fails, changing
    /// nothing, when its name is taken (without `replace`) or a function of another library
    /// has the name of one of its functions. `quote` puts the library's name in quotes in the
    /// error, as `FUNCTION LOAD` does (`FUNCTION RESTORE` does not).
    pub fn insert(&mut self, library: Library, replace: bool, quote: bool) -> Result<(), String> {
        if !replace && self.by_name.contains_key(&library.name) {
            return Err(if quote {
                format!("ERR Library '{}' already exists", library.name)
            } else {
                format!("ERR Library {} already exists", library.name)
            });
        }
        for f in &library.functions {
            if let Some(owner) = self.functions.get(&f.name.to_ascii_lowercase())
                && *owner != library.name
            {
                return Err(format!("ERR Function {} already exists", f.name));
            }
        }
        self.delete(&library.name);
        for f in &library.functions {
            self.functions
                .insert(f.name.to_ascii_lowercase(), library.name.clone());
        }
        self.by_name.insert(library.name.clone(), library);
        Ok(())
    }

    /// Deletes library `name`; returns whether it was there.
    pub fn delete(&mut self, name: &str) -> bool {
        let Some(library) = self.by_name.remove(name) else {
            return false;
        };
        for f in &library.functions {
            self.functions.remove(&f.name.to_ascii_lowercase());
        }
        true
    }

    /// Deletes every library.
    pub fn flush(&mut self) {
        self.by_name.clear();
        self.functions.clear();
    }

    /// Adds the libraries of `codes` (a `FUNCTION RESTORE` payload's) as `policy` says, all or
    /// none.
    pub fn restore(&mut self, codes: Vec<Bytes>, policy: RestorePolicy) -> Result<(), String> {
        let mut loaded = Libraries::default();
        for code in &codes {
            loaded.insert(load(code)?, false, true)?;
        }
        let mut next = match policy {
            RestorePolicy::Flush => Libraries::default(),
            RestorePolicy::Append | RestorePolicy::Replace => self.clone(),
        };
        for library in loaded.by_name.into_values() {
            next.insert(library, policy == RestorePolicy::Replace, false)?;
        }
        *self = next;
        Ok(())
    }

    /// `FUNCTION LIST`: the libraries whose names match `pattern` (a glob, any case), each
    /// with its functions and, `with_code`, its code.
    pub fn list(&self, pattern: Option<&[u8]>, with_code: bool) -> pb::Reply {
        let libraries = self
            .by_name
            .values()
            .filter(|l| {
                pattern.is_none_or(|p| {
                    glob::matches(
                        &p.to_ascii_lowercase(),
                        &l.name.to_ascii_lowercase().into_bytes(),
                    )
                })
            })
            .map(|l| {
                let functions = l
                    .functions
                    .iter()
                    .map(|f| {
                        reply::map(vec![
                            reply::bulk(Bytes::from_static(b"name")),
                            reply::bulk(Bytes::from(f.name.clone())),
                            reply::bulk(Bytes::from_static(b"description")),
                            reply::bulk_or_null(f.description.clone()),
                            reply::bulk(Bytes::from_static(b"flags")),
                            reply::set(f.flags.iter().map(|flag| reply::simple(flag)).collect()),
                        ])
                    })
                    .collect();
                let mut fields = vec![
                    reply::bulk(Bytes::from_static(b"library_name")),
                    reply::bulk(Bytes::from(l.name.clone())),
                    reply::bulk(Bytes::from_static(b"engine")),
                    reply::bulk(Bytes::from_static(b"LUA")),
                    reply::bulk(Bytes::from_static(b"functions")),
                    reply::array(functions),
                ];
                if with_code {
                    fields.push(reply::bulk(Bytes::from_static(b"library_code")));
                    fields.push(reply::bulk(l.code.clone()));
                }
                reply::map(fields)
            })
            .collect();
        reply::array(libraries)
    }

    /// `FUNCTION STATS`: no function is ever running when a command is served here (each runs
    /// within one turn of the state machine), and the one engine's counts.
    pub fn stats(&self) -> pb::Reply {
        reply::map(vec![
            reply::bulk(Bytes::from_static(b"running_script")),
            reply::null(),
            reply::bulk(Bytes::from_static(b"engines")),
            reply::map(vec![
                reply::bulk(Bytes::from_static(b"LUA")),
                reply::map(vec![
                    reply::bulk(Bytes::from_static(b"libraries_count")),
                    reply::integer(self.by_name.len() as i64),
                    reply::bulk(Bytes::from_static(b"functions_count")),
                    reply::integer(self.functions.len() as i64),
                ]),
            ]),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MYLIB: &str = "#!lua name=mylib\n\
        redis.register_function('myfunc', function(keys, args) return redis.call('set', keys[1], args[1]) end)\n\
        redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}";
    const B: &str = "#!lua name=b\nredis.register_function('b', function() return 1 end)";

    /// `FUNCTION DUMP` of redis-server 7.0.15 after `FUNCTION LOAD` of [`MYLIB`] and [`B`]
    /// (the longer code LZF-compressed).
    const RECORDED_DUMP: &str = "f5404223216c7561206e616d653d620a72656469732e72656769737465725f\
        66756e6374696f6e282762272c2066756e6374696f6e28292072657475726e203120656e6429f5c340b941\
        121f23216c7561206e616d653d6d796c69620a72656469732e72656769737465725f0b66756e6374696f6e\
        28276d79400b02272c2040066012116b6579732c2061726773292072657475726e2006403d0863616c6c28\
        27736574202d4024025b315d80272008052920656e6429e00f66007bc05c005f60920227726f2042404e04\
        6261636b3dc01ce017790067e00379607020b51a6c6167733d7b276e6f2d777269746573277d2c20646573\
        6372697040cd206b0265616420150a00df670e538da01f8f";

    fn unhex(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn dumps_are_redis_servers_byte_for_byte_and_restore() {
        let codes = [
            Bytes::from_static(B.as_bytes()),
            Bytes::from_static(MYLIB.as_bytes()),
        ];
        assert_eq!(dump_payload(&codes), unhex(RECORDED_DUMP));
        assert_eq!(payload_codes(&unhex(RECORDED_DUMP)).unwrap(), codes);
        let mut broken = unhex(RECORDED_DUMP);
        let last = broken.len() - 1;
        broken[last] ^= 1;
        assert_eq!(
            payload_codes(&broken).unwrap_err(),
            "ERR DUMP payload version or checksum are wrong"
        );
    }

    #[test]
    fn loading_registers_functions_with_their_flags() {
        let library = load(&Bytes::from_static(MYLIB.as_bytes())).unwrap();
        assert_eq!(library.name, "mylib");
        let shown: Vec<(String, Option<Bytes>, Vec<&str>)> = library
            .functions
            .iter()
            .map(|f| (f.name.clone(), f.description.clone(), f.flags.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                ("myfunc".to_owned(), None, vec![]),
                (
                    "ro".to_owned(),
                    Some(Bytes::from("reads")),
                    vec!["no-writes"]
                ),
            ]
        );
        let reply = call(
            MYLIB.as_bytes(),
            "RO",
            &[Bytes::from("k")],
            &[],
            &mut |args| reply::array(args.iter().cloned().map(reply::bulk).collect()),
        );
        assert_eq!(
            reply,
            reply::array(vec![
                reply::bulk(Bytes::from("get")),
                reply::bulk(Bytes::from("k"))
            ])
        );
    }

    #[test]
    fn metadata_is_read_as_redis_reads_it() {
        for (code, want) in [
            ("return 1", Err("ERR Missing library metadata")),
            ("#!lua name=x", Err("ERR Invalid library metadata")),
            ("#!js name=x\n", Err("ERR Engine 'js' not found")),
            ("#! name=x\n", Err("ERR Engine '' not found")),
            ("#!lua\n", Err("ERR Library name was not given")),
            ("#!lua x\n", Err("ERR Invalid metadata value given: x")),
            (
                "#!lua name=a name=b\n",
                Err("ERR Invalid metadata value, name argument was given multiple times"),
            ),
            ("#!lua name=a-b\n", Err(NAME_ERROR)),
            ("#!LUA\tname=ok_1  \n", Ok("ok_1")),
        ] {
            assert_eq!(
                metadata(code.as_bytes()),
                want.map(str::to_owned).map_err(str::to_owned),
                "{code:?}"
            );
        }
    }
}
