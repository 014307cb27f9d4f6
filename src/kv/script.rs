//! Lua scripts: `EVAL`, `EVALSHA` and their read-only forms.
//!
//! A script runs inside the state machine, once on every replica, when its entry is applied
//! (or, read-only, where it is read). Every replica must reach the same state, so a script
//! runs in a fresh Lua 5.1 interpreter (the version Redis embeds) with only what gives the
//! same result everywhere:
//! - the `table`, `string` and `math` libraries, with `math.random` replaced by a generator
//!   seeded the same for every run (as Redis did before 7.0); no `os`, `io`, `debug`,
//!   `load*` or `dofile`; Redis's `cjson`, `bit`, `cmsgpack` and `struct` libraries;
//! - no global variables of its own (as in Redis);
//! - a budget of [`MAX_INSTRUCTIONS`] Lua instructions and [`MAX_MEMORY`] bytes. Redis lets a
//!   script run until `SCRIPT KILL`; here a runaway script would stall every node at the same
//!   entry, so it is stopped, at the same instruction everywhere, and answers an error. What
//!   it wrote before stays written, as with any script error in Redis.
//!
//! `redis.call` and `redis.pcall` hand each command to the caller's `call`, which runs it on
//! the state (see `KvState`); replies convert between RESP and Lua as Redis converts them.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::OnceLock;

use bytes::Bytes;
use mlua::{HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};
use sha1::{Digest as _, Sha1};

use super::reply;
use crate::pb;
use crate::pb::reply::Kind;

/// Lua instructions a script may run before it is stopped, each `redis.call` counted as
/// [`CALL_COST`] of them: 50 ms of plain Lua here, or 200,000 calls.
pub const MAX_INSTRUCTIONS: u64 = 20_000_000;
/// What one `redis.call` or `redis.pcall` counts against [`MAX_INSTRUCTIONS`].
pub const CALL_COST: u64 = 100;
/// Bytes a script's interpreter may allocate.
pub const MAX_MEMORY: usize = 64 << 20;
/// Instructions between two looks at the budget.
const HOOK_EVERY: u32 = 10_000;
/// Depth of nested tables a script's reply may have.
const MAX_REPLY_DEPTH: usize = 64;

/// What is simplest in Lua: `redis.call`, which raises the error table `redis.pcall` returns;
/// `pcall` and `xpcall` that do not catch a stop for the budget; and the sealed globals (no
/// new ones, no undefined ones read, as in Redis). Runs with the raw command function, the
/// stop check, the real `pcall` and `xpcall`, the `redis` table, and the function that
/// installs a library of [`LIBRARIES`] on first use as arguments.
const PRELUDE: &str = r#"
local raw, stopped, raw_pcall, raw_xpcall, redis, library = ...
local function unless_stopped(...)
  local why = stopped()
  if why then error(why, 0) end
  return ...
end
pcall = function(...) return unless_stopped(raw_pcall(...)) end
xpcall = function(...) return unless_stopped(raw_xpcall(...)) end
redis.call = function(...)
  local reply = raw(...)
  if type(reply) == "table" and reply.err ~= nil then error(reply, 2) end
  return reply
end
setmetatable(_G, {
  __newindex = function(_, name)
    error("Script attempted to create global variable '" .. tostring(name) .. "'", 2)
  end,
  __index = function(_, name)
    local lib = library(name)
    if lib ~= nil then return lib end
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end,
})
"#;

/// The libraries of Redis's scripts written in Rust, each with the function that adds it to
/// the globals. A sandbox installs one the first time a script reads its name, as most
/// scripts use none and building them all would cost a fifth of a short script's run; the
/// point is the same on every node, as the script is.
const LIBRARIES: [(&str, Install); 4] = [
    ("bit", super::luabit::install),
    ("cjson", super::cjson::install),
    ("cmsgpack", super::cmsgpack::install),
    ("struct", super::luastruct::install),
];

/// A function that adds one library to an interpreter's globals.
type Install = fn(&Lua) -> mlua::Result<()>;

/// Base functions a script does not get: loading code, the environment, output, the
/// collector.
const REMOVED: [&str; 12] = [
    "dofile",
    "loadfile",
    "load",
    "loadstring",
    "print",
    "getfenv",
    "setfenv",
    "module",
    "require",
    "newproxy",
    "gcinfo",
    "collectgarbage",
];

/// `redis.error_reply` or `redis.status_reply`: a table with the string under `field`.
/// An error's text gets Redis's form: a leading `-` dropped, and `ERR ` before a message
/// that has no code (no space).
fn reply_table(lua: &Lua, field: &'static str) -> mlua::Result<mlua::Function> {
    lua.create_function(move |lua, value: Value| match value {
        Value::String(s) => {
            let t = lua.create_table()?;
            if field == "err" {
                let text = s.to_string_lossy();
                let text = text.strip_prefix('-').unwrap_or(&text);
                let text = text.trim_end_matches(['\r', '\n']);
                if text.contains(' ') {
                    t.raw_set(field, text)?;
                } else {
                    t.raw_set(field, format!("ERR {text}"))?;
                }
            } else {
                t.raw_set(field, s)?;
            }
            Ok(t)
        }
        _ => Err(mlua::Error::runtime("wrong number or type of arguments")),
    })
}

/// `math.random` and `math.randomseed` over a 31-bit LCG that starts from 0 in every run, on
/// every node (Lua's own calls C's `rand`, whose state the process shares).
fn random_functions(lua: &Lua) -> mlua::Result<(mlua::Function, mlua::Function)> {
    let state = Rc::new(Cell::new(0u64));
    let seeded = state.clone();
    let random = lua.create_function(move |_, (m, n): (Option<f64>, Option<f64>)| {
        let next = (state.get() * 1_103_515_245 + 12_345) % (1 << 31);
        state.set(next);
        let r = next as f64 / (1u64 << 31) as f64;
        let (low, high) = match (m, n) {
            (None, _) => return Ok(r),
            (Some(m), None) => (1.0, m.floor()),
            (Some(m), Some(n)) => (m.floor(), n.floor()),
        };
        if low > high {
            return Err(mlua::Error::runtime(
                "bad argument to 'random' (interval is empty)",
            ));
        }
        Ok(low + (r * (high - low + 1.0)).floor())
    })?;
    let randomseed = lua.create_function(move |_, seed: Option<f64>| {
        seeded.set((seed.unwrap_or(0.0).floor() as i64).rem_euclid(1 << 31) as u64);
        Ok(())
    })?;
    Ok((random, randomseed))
}

/// Why a script that ran out of instructions was stopped.
fn stop_message() -> String {
    format!(
        "script stopped after {MAX_INSTRUCTIONS} instructions, a command counting as \
         {CALL_COST} (raft-kv runs each script on every node, and bounds it)"
    )
}

/// The SHA-1 of a script body as 40 lowercase hex digits: EVALSHA's name for it.
pub fn sha1_hex(body: &[u8]) -> String {
    let mut hex = String::with_capacity(40);
    for b in Sha1::digest(body) {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// What running a script gave.
pub struct Ran {
    /// The script's reply.
    pub reply: pb::Reply,
    /// Whether the script compiled (EVAL caches only what did).
    pub compiled: bool,
}

/// Runs script `body` with `KEYS` and `ARGV`; `call` runs each `redis.call`/`redis.pcall`
/// (its reply an error reply for a refused command) and the script's value becomes the reply.
pub fn run(
    body: &[u8],
    keys: &[Bytes],
    argv: &[Bytes],
    call: &mut dyn FnMut(&[Bytes]) -> pb::Reply,
) -> Ran {
    match run_lua(body, keys, argv, call) {
        Ok(ran) => ran,
        Err(err) => Ran {
            reply: reply::error(format!("ERR {}", lua_message(&err))),
            compiled: false,
        },
    }
}

fn run_lua(
    body: &[u8],
    keys: &[Bytes],
    argv: &[Bytes],
    call: &mut dyn FnMut(&[Bytes]) -> pb::Reply,
) -> mlua::Result<Ran> {
    let body = strip_shebang(body);
    in_sandbox(call, |lua, sandbox| {
        let globals = lua.globals();
        globals.raw_set("KEYS", strings(lua, keys)?)?;
        globals.raw_set("ARGV", strings(lua, argv)?)?;
        let function = match user_chunk(lua, body, "@user_script").and_then(|c| c.into_function()) {
            Ok(function) => function,
            Err(err) => {
                return Ok(Ran {
                    reply: compile_reply(&err),
                    compiled: false,
                });
            }
        };
        Ok(Ran {
            reply: sandbox.reply_of(sandbox.pcall.call(function)?),
            compiled: true,
        })
    })
}

/// A Lua array of `items`, as strings.
pub(super) fn strings(lua: &Lua, items: &[Bytes]) -> mlua::Result<Table> {
    lua.create_sequence_from(
        items
            .iter()
            .map(|item| lua.create_string(item))
            .collect::<mlua::Result<Vec<_>>>()?,
    )
}

/// What code running in a sandbox (see [`in_sandbox`]) may need besides its globals.
pub(super) struct Sandbox {
    /// Lua's own `pcall`, which a stop for the budget does not pass through unnoticed: a
    /// script's value and whether it ended without an error.
    pub(super) pcall: mlua::Function,
    /// Instructions used so far, calls included (see [`MAX_INSTRUCTIONS`]).
    used: Rc<Cell<u64>>,
    /// Installs the library of [`LIBRARIES`] named by its argument in the globals and
    /// returns it, or returns `nil` for any other name: code that reads the globals other
    /// than through them (a function library's environment) calls it for a name they lack.
    pub(super) library: mlua::Function,
}

impl Sandbox {
    /// The reply for what `pcall` returned: the value, or the error it ended with.
    pub(super) fn reply_of(&self, (ok, value): (bool, Value)) -> pb::Reply {
        if ok {
            lua_to_reply(&value, 0)
        } else {
            error_value_to_reply(&value)
        }
    }

    /// Whether the instruction budget ran out.
    pub(super) fn exhausted(&self) -> bool {
        self.used.get() > MAX_INSTRUCTIONS
    }
}

/// Runs `f` in a fresh interpreter set up as Redis sets up one for scripts (see the module's
/// documentation), whose `redis.call` and `redis.pcall` go to `call`.
pub(super) fn in_sandbox<R>(
    call: &mut dyn FnMut(&[Bytes]) -> pb::Reply,
    f: impl FnOnce(&Lua, &Sandbox) -> mlua::Result<R>,
) -> mlua::Result<R> {
    // Setting up is the same on every run: the collector and the memory budget (under which
    // every step of mlua's is a protected call) start only when the caller's code does.
    let lua = Lua::new_with(StdLib::NONE, LuaOptions::default())?;
    lua.gc_stop();
    lua.load_std_libs(StdLib::TABLE | StdLib::STRING | StdLib::MATH)?;
    let used = Rc::new(Cell::new(0u64));
    let counter = used.clone();
    lua.set_hook(
        HookTriggers::new().every_nth_instruction(HOOK_EVERY),
        move |_, _| {
            let n = counter.get() + u64::from(HOOK_EVERY);
            counter.set(n);
            if n > MAX_INSTRUCTIONS {
                return Err(mlua::Error::runtime(stop_message()));
            }
            Ok(VmState::Continue)
        },
    )?;
    lua.scope(|scope| {
        let charged = used.clone();
        let raw = scope.create_function_mut(move |lua, args: MultiValue| {
            charged.set(charged.get() + CALL_COST);
            if charged.get() > MAX_INSTRUCTIONS {
                return Err(mlua::Error::runtime(stop_message()));
            }
            let args = command_args(args)?;
            reply_to_lua(lua, call(&args))
        })?;
        let globals = lua.globals();
        for name in REMOVED {
            globals.raw_set(name, Value::Nil)?;
        }
        let redis = lua.create_table()?;
        redis.raw_set("pcall", raw.clone())?;
        redis.raw_set(
            "sha1hex",
            lua.create_function(|lua, s: mlua::LuaString| {
                lua.create_string(sha1_hex(&s.as_bytes()))
            })?,
        )?;
        redis.raw_set("error_reply", reply_table(&lua, "err")?)?;
        redis.raw_set("status_reply", reply_table(&lua, "ok")?)?;
        redis.raw_set(
            "setresp",
            lua.create_function(|_, version: i64| {
                if version == 2 {
                    Ok(())
                } else {
                    Err(mlua::Error::runtime("raft-kv scripts speak RESP2 only"))
                }
            })?,
        )?;
        // Scripts written for Redis 6 and earlier ask for effects replication; raft-kv
        // replicates the script, deterministically, whatever they ask, as Redis 7 accepts.
        redis.raw_set(
            "replicate_commands",
            lua.create_function(|_, _: MultiValue| Ok(true))?,
        )?;
        redis.raw_set("set_repl", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
        for (name, value) in [
            ("REPL_NONE", 0),
            ("REPL_AOF", 1),
            ("REPL_SLAVE", 2),
            ("REPL_REPLICA", 2),
            ("REPL_ALL", 3),
        ] {
            redis.raw_set(name, value)?;
        }
        add_common_api(&lua, &redis)?;
        globals.raw_set("redis", &redis)?;
        let math: Table = globals.get("math")?;
        let (random, randomseed) = random_functions(&lua)?;
        math.raw_set("random", random)?;
        math.raw_set("randomseed", randomseed)?;
        let library = lua.create_function(|lua, name: Value| {
            let Value::String(name) = name else {
                return Ok(Value::Nil);
            };
            let Some((name, install)) = LIBRARIES.iter().find(|(n, _)| name == *n) else {
                return Ok(Value::Nil);
            };
            install(lua)?;
            lua.globals().raw_get(*name)
        })?;
        let stop_check = used.clone();
        let stopped = lua.create_function(move |_, ()| {
            Ok((stop_check.get() > MAX_INSTRUCTIONS).then(stop_message))
        })?;
        // The real pcall, for the script itself: the prelude wraps the one scripts see.
        let pcall: mlua::Function = globals.get("pcall")?;
        let xpcall: mlua::Function = globals.get("xpcall")?;
        static PRELUDE_CODE: OnceLock<Vec<u8>> = OnceLock::new();
        own_chunk(&lua, PRELUDE, "=prelude", &PRELUDE_CODE)?.call::<()>((
            raw,
            stopped,
            pcall.clone(),
            xpcall,
            redis,
            library.clone(),
        ))?;
        lua.gc_restart();
        lua.set_memory_limit(MAX_MEMORY)?;
        f(
            &lua,
            &Sandbox {
                pcall,
                used,
                library,
            },
        )
    })
}

/// What the `redis` table has both for scripts and while a function library loads:
/// `redis.log` (which logs nothing here), its levels, and the version raft-kv answers for.
pub(super) fn add_common_api(lua: &Lua, redis: &Table) -> mlua::Result<()> {
    redis.raw_set("log", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
    for (i, level) in ["LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING"]
        .into_iter()
        .enumerate()
    {
        redis.raw_set(level, i)?;
    }
    redis.raw_set("REDIS_VERSION", crate::REDIS_VERSION)?;
    redis.raw_set("REDIS_VERSION_NUM", crate::REDIS_VERSION_NUM)?;
    Ok(())
}

/// A failed script's error value as its reply: a `{err=...}` table (from `redis.call`) as
/// that error, anything else as an `ERR`.
fn error_value_to_reply(value: &Value) -> pb::Reply {
    match value {
        Value::Table(t) => match t.raw_get::<Option<mlua::LuaString>>("err") {
            Ok(Some(err)) => reply::error(err.to_string_lossy()),
            _ => reply::error("ERR Error running script: (an error object)"),
        },
        Value::String(s) => reply::error(format!("ERR {}", s.to_string_lossy())),
        Value::Error(err) => reply::error(format!("ERR {}", lua_message(err))),
        other => reply::error(format!("ERR Error running script: {}", other.type_name())),
    }
}

/// An interpreter error's message, without mlua's traceback.
pub(super) fn lua_message(err: &mlua::Error) -> String {
    match err {
        mlua::Error::CallbackError { cause, .. } => lua_message(cause),
        mlua::Error::RuntimeError(m) | mlua::Error::SyntaxError { message: m, .. } => m.clone(),
        mlua::Error::MemoryError(_) => "script used more memory than allowed".to_owned(),
        other => other.to_string(),
    }
}

/// `redis.call`'s arguments as a command: strings as they are, numbers as Lua prints them.
fn command_args(args: MultiValue) -> mlua::Result<Vec<Bytes>> {
    if args.is_empty() {
        return Err(mlua::Error::runtime(
            "Please specify at least one argument for this redis lib call",
        ));
    }
    args.into_iter()
        .map(|v| match v {
            Value::String(s) => Ok(Bytes::copy_from_slice(&s.as_bytes())),
            Value::Integer(i) => Ok(Bytes::from(i.to_string())),
            Value::Number(n) => Ok(Bytes::from(lua_number(n))),
            _ => Err(mlua::Error::runtime(
                "Lua redis lib command arguments must be strings or integers",
            )),
        })
        .collect()
}

/// A Lua number as Lua 5.1 prints it (`%.14g`).
fn lua_number(n: f64) -> String {
    super::zset::format_g(n, 17)
}

/// One of raft-kv's own Lua sources (`source`, named `name`) as a chunk of bytecode,
/// compiled once per process into `compiled` (see [`compile`]). Parsing it again for every
/// script would cost more than running most scripts.
pub(super) fn own_chunk<'a>(
    lua: &'a Lua,
    source: &'static str,
    name: &'static str,
    compiled: &'static OnceLock<Vec<u8>>,
) -> mlua::Result<mlua::chunk::Chunk<'a>> {
    let code = match compiled.get() {
        Some(code) => code,
        None => {
            let code = compile(source.as_bytes(), name)?;
            compiled.get_or_init(|| code)
        }
    };
    Ok(bytecode_chunk(lua, code))
}

/// `source` compiled to bytecode, in an interpreter of its own. A sandbox only ever loads
/// bytecode made here from source, never parses, so that whether the code was compiled
/// before in this process changes nothing in the sandbox, not even the memory it holds:
/// a script's memory budget runs out at the same point on every node.
fn compile(source: &[u8], name: &str) -> mlua::Result<Vec<u8>> {
    let lua = Lua::new_with(StdLib::NONE, LuaOptions::default())?;
    lua.set_memory_limit(MAX_MEMORY)?;
    let function = lua
        .load(source)
        .set_name(name)
        .set_mode(mlua::chunk::ChunkMode::Text)
        .into_function()?;
    Ok(function.dump(false))
}

/// Bytecode made by [`compile`], as a chunk to run in `lua`.
fn bytecode_chunk<'a>(lua: &'a Lua, code: &[u8]) -> mlua::chunk::Chunk<'a> {
    lua.load(code.to_vec())
        .set_mode(mlua::chunk::ChunkMode::Binary)
}

/// Bytes of clients' code whose bytecode [`user_chunk`] keeps (source and bytecode); past
/// that it starts over, and code larger than that is compiled on every run.
const COMPILED_BYTES: usize = 32 << 20;

/// Clients' code compiled by [`user_chunk`], by chunk name and source.
#[derive(Default)]
struct Compiled {
    by_source: HashMap<&'static str, HashMap<Vec<u8>, Rc<[u8]>>>,
    /// Bytes of source and bytecode held.
    bytes: usize,
}

thread_local! {
    static COMPILED: RefCell<Compiled> = RefCell::default();
}

/// A client's code (a script, or a library's), named `name`, as a chunk to run in `lua`: the
/// source compiled to bytecode (once, then kept while the code keeps coming), or the
/// compile error. It is always compiled as source: Lua 5.1 would also take precompiled
/// bytecode (a chunk starting with `\x1bLua`), which it runs unverified, and crafted bytecode
/// reads and writes memory at will, on every node (Redis refuses it too, since
/// CVE-2015-4335). As source, such a chunk fails to compile, with Redis's message.
pub(super) fn user_chunk<'a>(
    lua: &'a Lua,
    code: &[u8],
    name: &'static str,
) -> mlua::Result<mlua::chunk::Chunk<'a>> {
    Ok(bytecode_chunk(lua, &compiled_user_code(code, name)?))
}

/// A client's code compiled (see [`user_chunk`]), from the cache when it is there.
fn compiled_user_code(code: &[u8], name: &'static str) -> mlua::Result<Rc<[u8]>> {
    let cached = COMPILED.with(|c| {
        let c = c.borrow();
        c.by_source
            .get(name)
            .and_then(|by_source| by_source.get(code))
            .cloned()
    });
    let bytecode = match cached {
        Some(bytecode) => bytecode,
        None => {
            let bytecode: Rc<[u8]> = compile(code, name)?.into();
            COMPILED.with(|c| {
                let mut c = c.borrow_mut();
                let size = code.len() + bytecode.len();
                if size > COMPILED_BYTES {
                    return;
                }
                if c.bytes + size > COMPILED_BYTES {
                    *c = Compiled::default();
                }
                c.bytes += size;
                c.by_source
                    .entry(name)
                    .or_default()
                    .insert(code.to_vec(), bytecode.clone());
            });
            bytecode
        }
    };
    Ok(bytecode)
}

/// Whether `body` compiles as a script, and if not the error to answer (SCRIPT LOAD checks
/// before caching).
pub fn compile_error(body: &[u8]) -> Option<pb::Reply> {
    compiled_user_code(strip_shebang(body), "@user_script")
        .err()
        .map(|err| compile_reply(&err))
}

const COMPILE_ERROR: &str = "ERR Error compiling script (new function): ";

fn compile_reply(err: &mlua::Error) -> pb::Reply {
    let message = lua_message(err);
    // Bytecode refused by `user_chunk`, worded as Redis's parser words it.
    let message = if message.starts_with("attempt to load a binary chunk") {
        "user_script:1: unexpected symbol near 'char(27)'".to_owned()
    } else {
        message
    };
    reply::error(format!("{COMPILE_ERROR}{message}"))
}

/// `body` without a shebang line (`#!lua flags=...`), whose flags mean nothing here.
pub(super) fn strip_shebang(body: &[u8]) -> &[u8] {
    match body.strip_prefix(b"#!") {
        Some(rest) => rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(&b""[..], |at| &rest[at..]),
        None => body,
    }
}

/// A command's reply as Lua sees it (RESP2 conversion, as in Redis).
fn reply_to_lua(lua: &Lua, reply: pb::Reply) -> mlua::Result<Value> {
    Ok(match reply.kind {
        Some(Kind::Simple(s)) => {
            let t = lua.create_table()?;
            t.set("ok", s)?;
            Value::Table(t)
        }
        Some(Kind::Error(e)) => {
            let t = lua.create_table()?;
            t.set("err", e)?;
            Value::Table(t)
        }
        Some(Kind::Integer(i)) => Value::Number(i as f64),
        Some(Kind::Bulk(b)) => Value::String(lua.create_string(&b)?),
        Some(Kind::Double(d)) => Value::String(lua.create_string(super::zset::format_score(d))?),
        Some(Kind::DoubleText(t)) => Value::String(lua.create_string(&t)?),
        Some(Kind::Array(a) | Kind::Map(a) | Kind::Set(a) | Kind::Pairs(a)) => {
            let t = lua.create_table()?;
            for (i, item) in a.items.into_iter().enumerate() {
                t.raw_set(i + 1, reply_to_lua(lua, item)?)?;
            }
            Value::Table(t)
        }
        Some(Kind::Keyed(k)) => {
            // RESP2's form: an array of two-element arrays.
            let t = lua.create_table()?;
            let mut items = k.items.into_iter();
            let mut i = 0;
            while let (Some(key), Some(value)) = (items.next(), items.next()) {
                let pair = lua.create_table()?;
                pair.raw_set(1, reply_to_lua(lua, key)?)?;
                pair.raw_set(2, reply_to_lua(lua, value)?)?;
                i += 1;
                t.raw_set(i, pair)?;
            }
            Value::Table(t)
        }
        Some(Kind::Null(_) | Kind::NullArray(_)) | None => Value::Boolean(false),
    })
}

/// A script's value as its reply (RESP2 conversion, as in Redis): numbers truncate to
/// integers, `true` is 1, `false` and `nil` are null, a table is an array up to its first
/// `nil`, or an error or status reply when it has an `err` or `ok` field.
fn lua_to_reply(value: &Value, depth: usize) -> pb::Reply {
    match value {
        Value::Nil | Value::Boolean(false) => reply::null(),
        Value::Boolean(true) => reply::integer(1),
        Value::Integer(i) => reply::integer(*i),
        // Truncated, or where C's conversion is undefined (infinite, NaN, out of range) the
        // value x86 gives, as Redis replies.
        Value::Number(n) => reply::integer(super::luaargs::c_integer(*n)),
        Value::String(s) => reply::bulk(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Table(t) if depth >= MAX_REPLY_DEPTH => {
            let _ = t;
            reply::error("ERR reached the limit of nested tables in a script's reply")
        }
        Value::Table(t) => table_to_reply(t, depth),
        Value::Error(err) => reply::error(format!("ERR {}", lua_message(err))),
        _ => reply::null(),
    }
}

fn table_to_reply(t: &Table, depth: usize) -> pb::Reply {
    if let Ok(Some(err)) = t.raw_get::<Option<mlua::LuaString>>("err") {
        return reply::error(err.to_string_lossy());
    }
    if let Ok(Some(ok)) = t.raw_get::<Option<mlua::LuaString>>("ok") {
        return reply::simple(&ok.to_string_lossy());
    }
    let mut items = Vec::new();
    for i in 1.. {
        match t.raw_get::<Value>(i) {
            Ok(Value::Nil) | Err(_) => break,
            Ok(v) => items.push(lua_to_reply(&v, depth + 1)),
        }
    }
    reply::array(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(body: &str, keys: &[&str], argv: &[&str]) -> pb::Reply {
        let keys: Vec<Bytes> = keys.iter().map(|k| Bytes::from(k.to_string())).collect();
        let argv: Vec<Bytes> = argv.iter().map(|a| Bytes::from(a.to_string())).collect();
        let ran = run(body.as_bytes(), &keys, &argv, &mut |args| {
            // Echoes the command back, or fails it when it is "fail".
            if args[0].as_ref() == b"fail" {
                return reply::error("WRONGTYPE failed");
            }
            reply::array(args.iter().cloned().map(reply::bulk).collect())
        });
        ran.reply
    }

    fn error_text(reply: &pb::Reply) -> String {
        match &reply.kind {
            Some(Kind::Error(e)) => e.clone(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// Whether a script's code was compiled before in this process (and so comes from the
    /// cache of compiled code) changes nothing in the interpreter the script runs in, not even
    /// the memory in use: its memory budget must run out at the same point on every node,
    /// whatever scripts each node ran before.
    #[test]
    fn a_script_starts_from_the_same_memory_whether_compiled_before_or_not() {
        let body = b"-- a_script_starts_from_the_same_memory\n\
                     local t = {} for i = 1, 100 do t[i] = tostring(i) end return #t";
        let used = || {
            in_sandbox(&mut |_| reply::null(), |lua, _| {
                let function = user_chunk(lua, body, "@user_script")?.into_function()?;
                let before = lua.used_memory();
                assert_eq!(function.call::<i64>(())?, 100);
                Ok(before)
            })
            .unwrap()
        };
        let first = used();
        assert_eq!(used(), first);
        assert_eq!(used(), first);
    }

    /// Precompiled Lua bytecode is never loaded, whatever it does: as a script, through
    /// SCRIPT LOAD, or after a library's shebang. Redis 7.0.15 answers the same errors.
    #[test]
    fn bytecode_is_refused_as_redis_refuses_it() {
        let lua = Lua::new();
        let compiled = lua
            .load("return 'ran from bytecode'")
            .into_function()
            .map(|f| f.dump(false))
            .unwrap();
        assert!(compiled.starts_with(b"\x1bLua"));
        let refused = "ERR Error compiling script (new function): user_script:1: unexpected \
                       symbol near 'char(27)'";
        assert_eq!(
            error_text(&run(&compiled, &[], &[], &mut |_| reply::null()).reply),
            refused
        );
        assert_eq!(
            compile_error(&compiled).map(|r| error_text(&r)),
            Some(refused.into())
        );
        let mut library = b"#!lua name=x\n".to_vec();
        library.extend_from_slice(&compiled);
        assert_eq!(
            super::super::function::load(&Bytes::from(library)).unwrap_err(),
            "ERR Error compiling function: user_function:2: unexpected symbol near 'char(27)'"
        );
    }

    #[test]
    fn values_convert_as_in_redis() {
        assert_eq!(eval("return 3.99", &[], &[]), reply::integer(3));
        assert_eq!(eval("return true", &[], &[]), reply::integer(1));
        assert_eq!(eval("return false", &[], &[]), reply::null());
        assert_eq!(eval("return nil", &[], &[]), reply::null());
        assert_eq!(
            eval("return {1, 'a', {2}, nil, 5}", &[], &[]),
            reply::array(vec![
                reply::integer(1),
                reply::bulk(Bytes::from("a")),
                reply::array(vec![reply::integer(2)]),
            ])
        );
        assert_eq!(eval("return {ok='FINE'}", &[], &[]), reply::simple("FINE"));
        assert_eq!(
            error_text(&eval("return redis.error_reply('MY bad')", &[], &[])),
            "MY bad"
        );
        assert_eq!(
            eval("return {KEYS[1], ARGV[2]}", &["k"], &["a", "b"]),
            reply::array(vec![
                reply::bulk(Bytes::from("k")),
                reply::bulk(Bytes::from("b"))
            ])
        );
    }

    #[test]
    fn calls_reach_the_state_and_errors_propagate() {
        assert_eq!(
            eval("return redis.call('get', KEYS[1], 7, 1.5)", &["k"], &[]),
            reply::array(
                ["get", "k", "7", "1.5"]
                    .map(|s| reply::bulk(Bytes::from(s)))
                    .to_vec()
            )
        );
        assert_eq!(
            error_text(&eval("return redis.call('fail')", &[], &[])),
            "WRONGTYPE failed"
        );
        assert_eq!(
            eval("local r = redis.pcall('fail') return r.err", &[], &[]),
            reply::bulk(Bytes::from("WRONGTYPE failed"))
        );
        assert!(error_text(&eval("return redis.call()", &[], &[])).contains("at least one"));
        assert!(
            error_text(&eval("return redis.call({})", &[], &[])).contains("strings or integers")
        );
    }

    #[test]
    fn the_sandbox_holds() {
        assert!(error_text(&eval("x = 1", &[], &[])).contains("create global variable 'x'"));
        assert!(
            error_text(&eval("return y", &[], &[])).contains("nonexistent global variable 'y'")
        );
        for banned in ["os", "io", "debug", "loadstring", "dofile", "require"] {
            let text = error_text(&eval(&format!("return {banned}"), &[], &[]));
            assert!(text.contains("nonexistent global"), "{banned}: {text}");
        }
        assert!(error_text(&eval("return +", &[], &[])).contains("Error compiling script"));
        assert_eq!(
            eval("#!lua flags=no-writes\nreturn 1", &[], &[]),
            reply::integer(1)
        );
    }

    #[test]
    fn random_numbers_repeat_from_run_to_run() {
        let script = "return {math.random(1000), math.random(1000), math.random(1000)}";
        let first = eval(script, &[], &[]);
        assert_eq!(eval(script, &[], &[]), first);
        assert_ne!(
            eval("return {math.random(1000), math.random(1000)}", &[], &[]),
            reply::array(vec![reply::integer(1), reply::integer(1)])
        );
    }

    #[test]
    fn a_runaway_script_is_stopped_the_same_way_each_time() {
        let mut calls = 0;
        let reply = run(
            b"while true do redis.call('incr', 'n') end",
            &[],
            &[],
            &mut |_| {
                calls += 1;
                reply::integer(calls)
            },
        )
        .reply;
        assert!(error_text(&reply).contains("stopped after"), "{reply:?}");
        let mut again = 0;
        run(
            b"while true do redis.call('incr', 'n') end",
            &[],
            &[],
            &mut |_| {
                again += 1;
                reply::integer(again)
            },
        );
        assert_eq!(calls, again, "stopped at the same call");
        // Catching the error does not keep it running.
        let reply = eval(
            "while true do pcall(function() while true do end end) end",
            &[],
            &[],
        );
        assert!(error_text(&reply).contains("stopped after"), "{reply:?}");
        let reply = eval("local s = 'x' while true do s = s .. s end", &[], &[]);
        assert!(error_text(&reply).contains("memory"), "{reply:?}");
    }

    #[test]
    fn cjson_encodes_and_decodes_as_redis_does() {
        for (script, want) in [
            (
                "return cjson.encode({1, 2.5, 'a/b', true})",
                "[1,2.5,\"a\\/b\",true]",
            ),
            ("return cjson.encode({})", "{}"),
            ("return cjson.encode({[1] = 1, [3] = 3})", "[1,null,3]"),
            ("return cjson.encode(2^53)", "9.007199254741e+15"),
            (
                "return cjson.encode({a = {b = cjson.null}})",
                "{\"a\":{\"b\":null}}",
            ),
            (
                "return cjson.encode(cjson.decode('{\"x\":[1,{\"y\":\"z\"}]}'))",
                "{\"x\":[1,{\"y\":\"z\"}]}",
            ),
        ] {
            assert_eq!(
                eval(script, &[], &[]),
                reply::bulk(Bytes::from(want)),
                "{script}"
            );
        }
        assert_eq!(
            eval("return cjson.decode('null') == cjson.null", &[], &[]),
            reply::integer(1)
        );
        for (script, want) in [
            (
                "return cjson.encode({[1] = 1, [30] = 3})",
                "excessively sparse array",
            ),
            ("return cjson.encode(1/0)", "must not be NaN or Inf"),
            ("return cjson.encode(print)", "nonexistent global"),
            ("return cjson.encode(function() end)", "type not supported"),
            ("return cjson.decode('[1,')", "Expected value"),
            (
                "local t = {} t[1] = t return cjson.encode(t)",
                "excessive nesting",
            ),
        ] {
            let text = error_text(&eval(script, &[], &[]));
            assert!(text.contains(want), "{script}: {text}");
        }
    }

    #[test]
    fn bit_operates_on_32_bit_integers() {
        for (script, want) in [
            ("return bit.band(0xff, 0x0f, 0x3c)", 12),
            ("return bit.lshift(1, 31)", -2_147_483_648),
            ("return bit.rshift(-1, 28)", 15),
            ("return bit.arshift(-256, 4)", -16),
            ("return bit.tobit(2^32 + 5)", 5),
            ("return bit.tobit(2.5)", 2),
        ] {
            assert_eq!(eval(script, &[], &[]), reply::integer(want), "{script}");
        }
        assert_eq!(
            eval("return bit.tohex(-1, -4)", &[], &[]),
            reply::bulk(Bytes::from("FFFF"))
        );
        assert!(error_text(&eval("return bit.band()", &[], &[])).contains("bad argument"));
    }

    #[test]
    fn sha1_is_redis_script_name() {
        // SCRIPT LOAD "return 1" in Redis.
        assert_eq!(
            sha1_hex(b"return 1"),
            "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
        );
        assert_eq!(
            eval("return redis.sha1hex('return 1')", &[], &[]),
            reply::bulk(Bytes::from("e0e1f9fabfc9d4800c877a703b823ac0578ff8db"))
        );
    }
}
