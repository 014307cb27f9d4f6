//! Keyspace notifications checked event by event: a script of commands, each with the
//! key-space events a real `redis-server` 7 publishes for it (recorded with
//! `notify-keyspace-events AKEnm`, and re-checked against one when it is installed).
//!
//! Reads tell of their misses only on the node that served them, so the script has none
//! (nor GETEX without options, nor BITFIELD with only GETs, which are served as reads); the
//! `keymiss` events in it come from writes, which every node applies.
//!
//! A script line reads `command args... => key:event key:event ...` (`-` for none), as in
//! `script.rs` but with events instead of a reply. The runner subscribes to
//! `__keyspace@0__:*` on one node and sends each command through another (or the same)
//! node; after each command it sets the key `~mark` through a second connection, so every
//! event the subscriber gets before the mark's `set` belongs to that command, on whatever
//! node it listens.

use redis::{ConnectionLike, Value};

use crate::common;
use crate::script;

/// The commands, and the events of each (the `~mark` key's aside), in order.
pub const KEYSPACE_EVENTS: &str = r#"
set s1 v => s1:new s1:set
set s1 v2 => s1:set
set s2 v EX 100 => s2:new s2:set s2:expire
set s2 v KEEPTTL => s2:set
set s2 v NX => -
set s3 v XX => -
set s3 v GET => s3:keymiss s3:new s3:set
setex s4 100 v => s4:new s4:set s4:expire
psetex s5 100000 v => s5:new s5:set s5:expire
setnx s6 v => s6:new s6:set
setnx s6 v => -
getset s6 w => s6:set
getdel s6 => s6:del
getdel s6 => s6:keymiss
getex s1 EX 100 => s1:expire
getex s1 PERSIST => s1:persist
getex s1 => -
getex s1 PXAT 1 => s1:del
mset m1 a m2 b => m1:new m1:set m2:new m2:set
msetnx m3 a m4 b => m3:new m3:set m4:new m4:set
msetnx m3 a m5 b => -
append a1 x => a1:new a1:append
append a1 y => a1:append
setrange r1 0 ab => r1:new r1:setrange
setrange r1 1 x => r1:setrange
setrange r1 0 "" => -
incr i1 => i1:new i1:incrby
incrby i1 2 => i1:incrby
decr i1 => i1:incrby
decrby i1 2 => i1:incrby
incrbyfloat f1 1.5 => f1:new f1:incrbyfloat
setbit b1 3 1 => b1:new b1:setbit
setbit b1 3 1 => -
bitfield b2 SET u8 0 1 => b2:new b2:setbit
bitfield b2 GET u8 0 => -
bitop AND b3 b1 b2 => b3:new b3:set
bitop AND b3 nokey1 nokey2 => nokey1:keymiss nokey2:keymiss b3:del
del s1 nokey s2 => s2:del
unlink s3 s4 => s3:del s4:del
expire m1 100 => m1:expire
expire m1 100 NX => -
pexpire m1 100000 => m1:expire
expireat m1 99999999999 => m1:expire
pexpireat m1 99999999999999 => m1:expire
persist m1 => m1:persist
persist m1 => -
expire m2 -1 => m2:del
rename m3 m6 => m6:new m3:rename_from m6:rename_to
rename m6 m6 => -
renamenx m6 m4 => -
renamenx m6 m7 => m7:new m6:rename_from m7:rename_to
copy m7 m8 => m8:new m8:copy_to
copy m7 m8 => -
copy m7 m8 REPLACE => m8:new m8:copy_to
pfadd h1 a b => h1:new h1:pfadd
pfadd h1 a => -
pfadd h2 => h2:new h2:pfadd
pfmerge h3 h1 h2 => h3:keymiss h3:new h3:pfadd
lpush l1 a b c => l1:new l1:lpush
rpush l1 d => l1:rpush
lpushx l1 e => l1:lpush
rpushx nol x => -
lpushx nol x => -
linsert l1 BEFORE a z => l1:linsert
linsert l1 BEFORE nope z => -
lset l1 0 q => l1:lset
lrem l1 1 q => l1:lrem
lrem l1 1 nope => -
ltrim l1 0 1 => l1:ltrim
ltrim l1 0 -1 => l1:ltrim
lpop l1 => l1:lpop
rpop l1 5 => l1:rpop l1:del
rpop l1 => -
rpush l2 a b => l2:new l2:rpush
lmove l2 l3 LEFT RIGHT => l3:new l3:rpush l2:lpop
lmove l2 l3 LEFT LEFT => l3:lpush l2:lpop l2:del
rpoplpush l3 l3 => l3:lpush l3:rpop
rpush l4 a b c => l4:new l4:rpush
lmpop 2 nol l4 LEFT COUNT 3 => l4:lpop l4:del
rpush l5 a => l5:new l5:rpush
blpop l5 0.1 => l5:lpop l5:del
rpush l6 a b => l6:new l6:rpush
brpoplpush l6 l7 0.1 => l7:new l7:lpush l6:rpop
blmove l6 l7 RIGHT LEFT 0.1 => l7:lpush l6:rpop l6:del
sadd st1 a b c => st1:new st1:sadd
sadd st1 a => -
srem st1 a nope => st1:srem
srem st1 nope => -
spop st1 => st1:spop
spop st1 5 => st1:spop st1:del
sadd st2 a b => st2:new st2:sadd
smove st2 st3 a => st2:srem st3:new st3:sadd
smove st2 st3 b => st2:srem st2:del st3:sadd
smove st3 st3 a => -
sadd st4 a b => st4:new st4:sadd
sinterstore st5 st4 st3 => st5:new st5:sinterstore
sinterstore st5 st4 nope => nope:keymiss st5:del
sunionstore st6 st4 => st6:new st6:sunionstore
sdiffstore st6 st4 st4 => st6:del
hset hh a 1 b 2 => hh:new hh:hset
hset hh a 1 => hh:hset
hsetnx hh a 1 => -
hsetnx hh c 1 => hh:hset
hmset hh d 1 => hh:hset
hincrby hh a 5 => hh:hincrby
hincrbyfloat hh a 1.5 => hh:hincrbyfloat
hdel hh a b => hh:hdel
hdel hh nope => -
hdel hh c d => hh:hdel hh:del
zadd z1 1 a 2 b => z1:new z1:zadd
zadd z1 1 a => -
zadd z1 5 a => z1:zadd
zadd z1 NX 1 a => -
zadd z1 INCR 1 a => z1:zincr
zadd z1 XX INCR 1 nope => -
zincrby z1 1 a => z1:zincr
zrem z1 a nope => z1:zrem
zrem z1 nope => -
zadd z2 1 a 2 b 3 c 4 d => z2:new z2:zadd
zremrangebyscore z2 1 1 => z2:zremrangebyscore
zremrangebyscore z2 100 200 => -
zremrangebyrank z2 0 0 => z2:zremrangebyrank
zremrangebylex z2 - + => z2:zremrangebylex z2:del
zadd z3 1 a 2 b => z3:new z3:zadd
zpopmin z3 => z3:zpopmin
zpopmax z3 5 => z3:zpopmax z3:del
zadd z4 1 a => z4:new z4:zadd
bzpopmin z4 0.1 => z4:zpopmin z4:del
zadd z5 1 a 2 b => z5:new z5:zadd
zmpop 1 z5 MIN COUNT 1 => z5:zpopmin
bzmpop 0.1 1 z5 MAX => z5:zpopmax z5:del
zadd z6 1 a 2 b => z6:new z6:zadd
zunionstore z7 1 z6 => z7:new z7:zunionstore
zinterstore z7 2 z6 nope => nope:keymiss z7:del
zdiffstore z8 1 z6 => z8:new z8:zdiffstore
zrangestore z9 z6 0 -1 => z9:new z9:zrangestore
zrangestore z9 z6 5 10 => z9:del
geoadd g1 13.361389 38.115556 Palermo => g1:new g1:zadd
geoadd g1 13.361389 38.115556 Palermo => -
geoadd g1 15.087269 37.502669 Catania => g1:zadd
georadius g1 15 37 200 km STORE g2 => g2:new g2:georadiusstore
georadius g1 15 37 200 km STOREDIST g3 => g3:new g3:georadiusstore
geosearchstore g4 g1 FROMLONLAT 15 37 BYRADIUS 200 km => g4:new g4:geosearchstore
georadiusbymember g1 Palermo 1 km STORE g5 => g5:new g5:georadiusstore
rpush so1 3 1 2 => so1:new so1:rpush
sort so1 STORE so2 => so2:new so2:sortstore
sort so1 BY nosort LIMIT 5 5 STORE so2 => so2:del
xadd x1 * a 1 => x1:new x1:xadd
xadd x1 MAXLEN 1 * b 2 => x1:xadd x1:xtrim
xadd x1 NOMKSTREAM * c 3 => x1:xadd
xadd x9 NOMKSTREAM * c 3 => -
xtrim x1 MAXLEN 0 => x1:xtrim
xtrim x1 MAXLEN 0 => -
xadd x1 1-0 a 1 => -
xdel x1 1-0 => -
xdel x1 1-0 => -
xsetid x1 5-0 => x1:xsetid
xgroup create x1 gr $ => x1:xgroup-create
xgroup create x2 gr $ MKSTREAM => x2:new x2:xgroup-create
xgroup createconsumer x1 gr c1 => x1:xgroup-createconsumer
xgroup createconsumer x1 gr c1 => -
xgroup setid x1 gr 0 => x1:xgroup-setid
xadd x1 6-0 a 1 => x1:xadd
xreadgroup GROUP gr c2 COUNT 1 STREAMS x1 > => x1:xgroup-createconsumer
xack x1 gr 6-0 => -
xack x1 gr 6-0 => -
xclaim x1 gr c3 0 6-0 => -
xautoclaim x1 gr c3 0 0 => -
xgroup delconsumer x1 gr c1 => x1:xgroup-delconsumer
xgroup destroy x1 gr => x1:xgroup-destroy
xgroup destroy x1 gr => -
xadd y1 1-0 a 1 => y1:new y1:xadd
xadd y1 2-0 a 1 => y1:xadd
xdel y1 1-0 9-0 => y1:xdel
xgroup create y1 g 0 => y1:xgroup-create
xreadgroup GROUP g c1 STREAMS y1 > => y1:xgroup-createconsumer
xclaim y1 g c3 0 2-0 => y1:xgroup-createconsumer
xautoclaim y1 g c4 0 0 => y1:xgroup-createconsumer
xack y1 g 2-0 => -
set e1 v => e1:new e1:set
set e2 v => e2:new e2:set
rename e2 e3 => e3:new e2:rename_from e3:rename_to
set e4 v => e4:new e4:set
rename e4 e3 => e3:new e4:rename_from e3:rename_to
set e5 v => e5:new e5:set
copy e5 e3 REPLACE => e3:new e3:copy_to
eval "redis.call('set', KEYS[1], 'x'); redis.call('del', KEYS[1])" 1 ev1 => ev1:new ev1:set ev1:del
multi => -
set mu1 a => -
incr mu2 => -
exec => mu1:new mu1:set mu2:new mu2:incrby
set q1 v GET => q1:keymiss q1:new q1:set
getset q2 v => q2:keymiss q2:new q2:set
getdel q3 => q3:keymiss
getex m4b EX 10 => m4b:keymiss
append q5 x => q5:new q5:append
incr q6 => q6:new q6:incrby
setrange q7 0 x => q7:new q7:setrange
msetnx q8 a q9 b => q8:new q8:set q9:new q9:set
bitop OR qd1 q10 q11 => q10:keymiss q11:keymiss
setbit q12 1 1 => q12:new q12:setbit
bitfield m13b SET u8 0 1 => m13b:new m13b:setbit
pfadd q14 a => q14:new q14:pfadd
pfmerge q15 q16 => q15:keymiss q16:keymiss q15:new q15:pfadd
sinterstore qd2 q17 q18 => q17:keymiss q18:keymiss
sunionstore qd3 q19 => q19:keymiss
sdiffstore qd4 q20 q21 => q20:keymiss q21:keymiss
smove q22 q23 x => -
spop q24 => -
srem q25 x => -
zunionstore qd5 2 q26 q27 => q26:keymiss q27:keymiss
zinterstore qd6 1 q28 => q28:keymiss
zdiffstore qd7 1 q29 => q29:keymiss
zrangestore qd8 q30 0 -1 => q30:keymiss
zadd q31 1 a => q31:new q31:zadd
zrem q32 a => -
zpopmin q33 => -
sort q34 STORE qd9 => q34:keymiss
georadius q35 0 0 1 km STORE qd10 => q35:keymiss
geosearchstore qd11 q36 FROMLONLAT 0 0 BYRADIUS 1 km => q36:keymiss
copy q37 qd12 => q37:keymiss
rename q38 qd13 => -
lmove q39 qd14 LEFT LEFT => -
lpop q40 => -
rpush q41 a => q41:new q41:rpush
linsert q42 BEFORE a b => -
lrem q43 1 a => -
ltrim q44 0 1 => -
lmpop 1 q45 LEFT => -
expire q46 10 => -
persist q47 => -
del q48 => -
unlink q49 => -
hset q50 a 1 => q50:new q50:hset
hdel q51 a => -
hincrby q52 a 1 => q52:new q52:hincrby
xadd q53 NOMKSTREAM * a 1 => -
xtrim q54 MAXLEN 1 => -
xdel q55 1-0 => -
xack q56 g 1-0 => q56:keymiss
xclaim q57 g c 0 1-0 => q57:keymiss
xautoclaim q58 g c 0 0 => q58:keymiss
xreadgroup GROUP g c STREAMS q59 > => q59:keymiss
xgroup create q60 g $ => -
xsetid q61 1-0 => -
eval "return redis.call('get', KEYS[1])" 1 q63 => q63:keymiss
eval "return redis.call('lpush', KEYS[1], 'a')" 1 q64 => q64:new q64:lpush
restore rs1 0 "\x00\x05\x68\x65\x6c\x6c\x6f\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a" => rs1:new rs1:restore
restore rs1 0 "\x00\x05\x68\x65\x6c\x6c\x6f\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a" REPLACE => rs1:new rs1:restore
restore rs1 0 "\x00\x05\x68\x65\x6c\x6c\x6f\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a" => -
restore rs2 1 "\x00\x05\x68\x65\x6c\x6c\x6f\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a" ABSTTL => -
set rs3 v => rs3:new rs3:set
restore rs3 1 "\x00\x05\x68\x65\x6c\x6c\x6f\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a" ABSTTL REPLACE => rs3:del
"#;

/// The key the runner sets after each command.
const MARK: &str = "~mark";

/// Runs [`KEYSPACE_EVENTS`] with commands sent to `command_port` and events read from a
/// subscriber on `events_port`, on a server whose keyspace starts empty and which publishes
/// the classes `AKEnm`.
///
/// # Errors
///
/// Returns one description per command whose events differ, and any I/O failure.
pub fn run(command_port: u16, events_port: u16) -> Result<(), String> {
    let connect = |port| common::connect(port).map_err(|e| format!("connect to {port}: {e}"));
    let (mut conn, mut marks, mut events) = (
        connect(command_port)?,
        connect(command_port)?,
        connect(events_port)?,
    );
    let confirmation: Value = redis::cmd("PSUBSCRIBE")
        .arg("__keyspace@0__:*")
        .query(&mut events)
        .map_err(|e| format!("PSUBSCRIBE: {e}"))?;
    if script::render(&confirmation) != r#"["psubscribe", "__keyspace@0__:*", (integer) 1]"# {
        return Err(format!(
            "PSUBSCRIBE answered {}",
            script::render(&confirmation)
        ));
    }
    let mut failures = Vec::new();
    for step in script::parse(KEYSPACE_EVENTS, "") {
        // The reply does not matter here (the reply scripts check those), only the events.
        conn.req_command(&step.cmd())
            .map_err(|e| format!("line {}: {}: {e}", step.line, step.describe()))?;
        redis::cmd("SET")
            .arg(MARK)
            .arg("x")
            .query::<()>(&mut marks)
            .map_err(|e| format!("line {}: SET {MARK}: {e}", step.line))?;
        let mut seen = Vec::new();
        loop {
            let frame = events
                .next_frame()
                .map_err(|e| format!("line {}: waiting for events: {e}", step.line))?;
            let (key, event) = keyspace_message(&frame).ok_or_else(|| {
                format!(
                    "line {}: not a keyspace message: {}",
                    step.line,
                    script::render(&frame)
                )
            })?;
            if key == MARK {
                if event == "set" {
                    break;
                }
                continue;
            }
            seen.push(format!("{key}:{event}"));
        }
        let seen = if seen.is_empty() {
            "-".to_owned()
        } else {
            seen.join(" ")
        };
        failures.extend(step.check_rendered(&seen));
    }
    script::into_result(failures)
}

/// The key and the event of a `pmessage` on a `__keyspace@0__:` channel.
fn keyspace_message(frame: &Value) -> Option<(String, String)> {
    let Value::Array(parts) = frame else {
        return None;
    };
    let text = |v: &Value| match v {
        Value::BulkString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    };
    let [kind, _pattern, channel, event] = &parts[..] else {
        return None;
    };
    if text(kind)? != "pmessage" {
        return None;
    }
    let key = text(channel)?.strip_prefix("__keyspace@0__:")?.to_owned();
    Some((key, text(event)?))
}
