//! The reply scripts: per-command behaviour of Redis 7, one script per command family.
//!
//! Every expectation here was produced by a real `redis-server` 7.0 (the
//! `scripts_match_reference_redis` test re-checks them whenever one is installed). Each script
//! touches only keys under its `{p}` prefix, so it can run on a cluster other tests share.

/// Connection-level commands that do not depend on the server's identity.
pub const CONNECTION: &str = r#"
PING => PONG
PING hello => "hello"
PING a b => (error) ERR wrong number of arguments for 'ping' command
ECHO "hi there" => "hi there"
ECHO => (error) ERR wrong number of arguments for 'echo' command
ECHO a b => (error) ERR wrong number of arguments for 'echo' command
SELECT 0 => OK
SELECT 16 => (error) ERR DB index is out of range
SELECT x => (error) ERR value is not an integer or out of range
SELECT => (error) ERR wrong number of arguments for 'select' command
CLIENT GETNAME => nil
CLIENT SETNAME compat-client => OK
CLIENT GETNAME => "compat-client"
CLIENT SETNAME "a b" => (error) ERR Client names cannot contain spaces, newlines or special characters.
CLIENT GETNAME => "compat-client"
CLIENT SETNAME "" => OK
CLIENT GETNAME => nil
CLIENT ID => (integer) *
CLIENT FOO => (error) ERR unknown subcommand 'FOO'. Try CLIENT HELP.
CLIENT => (error) ERR wrong number of arguments for 'client' command
HELLO 4 => (error) NOPROTO unsupported protocol version
HELLO x => (error) ERR Protocol version is not an integer or out of range
TIME => ["*", "*"]
CONFIG GET maxmemory-policy => ["maxmemory-policy", "noeviction"]
CONFIG GET no-such-parameter => []
CONFIG => (error) ERR wrong number of arguments for 'config' command
INFO no-such-section => ""
NOSUCHCOMMAND => (error) ERR unknown command 'NOSUCHCOMMAND', with args beginning with: $
nosuchcommand a "b c" => (error) ERR unknown command 'nosuchcommand', with args beginning with: 'a' 'b c' $
PING => PONG
"#;

/// String commands: SET and its options, the GET variants, counters and ranges.
pub const STRINGS: &str = r#"
GET {p}s => nil
SET {p}s v1 => OK
GET {p}s => "v1"
SET {p}s v2 GET => "v1"
SET {p}s v3 NX => nil
SET {p}s v3 NX GET => "v2"
GET {p}s => "v2"
SET {p}fresh v NX => OK
SET {p}absent v XX => nil
GET {p}absent => nil
SET {p}s v3 XX GET => "v2"
SET {p}absent v XX GET => nil
SET {p}s v EX => (error) ERR syntax error
SET {p}s v NX XX => (error) ERR syntax error
SET {p}s v EX 10 PX 100 => (error) ERR syntax error
SET {p}s v KEEPTTL EX 10 => (error) ERR syntax error
SET {p}s v FOO => (error) ERR syntax error
SET {p}s v EX 0 => (error) ERR invalid expire time in 'set' command
SET {p}s v PX -5 => (error) ERR invalid expire time in 'set' command
SET {p}s v EX abc => (error) ERR value is not an integer or out of range
SET {p}s => (error) ERR wrong number of arguments for 'set' command
GET {p}s => "v3"
SET {p}ttl v EX 100 => OK
TTL {p}ttl => (integer) 99..100
PTTL {p}ttl => (integer) 99000..100000
SET {p}ttl v2 KEEPTTL => OK
TTL {p}ttl => (integer) 99..100
SET {p}ttl v3 => OK
TTL {p}ttl => (integer) -1
SET {p}ttl v PX 50000 => OK
PTTL {p}ttl => (integer) 49000..50000
SET {p}ttl v EXAT 4000000000 => OK
EXPIRETIME {p}ttl => (integer) 4000000000
SET {p}ttl v PXAT 4000000000500 => OK
PEXPIRETIME {p}ttl => (integer) 4000000000500
SET {p}bin "a\x00b\r\n" => OK
GET {p}bin => "a\x00b\r\n"
STRLEN {p}bin => (integer) 5
GET {p}s extra => (error) ERR wrong number of arguments for 'get' command
SETNX {p}s x => (integer) 0
SETNX {p}nx x => (integer) 1
GET {p}nx => "x"
SETNX {p}nx => (error) ERR wrong number of arguments for 'setnx' command
SETEX {p}ex 100 v => OK
TTL {p}ex => (integer) 99..100
SETEX {p}ex 0 v => (error) ERR invalid expire time in 'setex' command
SETEX {p}ex x v => (error) ERR value is not an integer or out of range
PSETEX {p}pex 100000 v => OK
PTTL {p}pex => (integer) 99000..100000
PSETEX {p}pex 0 v => (error) ERR invalid expire time in 'psetex' command
GETSET {p}gs a => nil
GETSET {p}gs b => "a"
GET {p}gs => "b"
GETDEL {p}gs => "b"
GETDEL {p}gs => nil
EXISTS {p}gs => (integer) 0
SET {p}gx v => OK
GETEX {p}gx => "v"
GETEX {p}gx EX 100 => "v"
TTL {p}gx => (integer) 99..100
GETEX {p}gx PERSIST => "v"
TTL {p}gx => (integer) -1
GETEX {p}gx PX 100000 => "v"
PTTL {p}gx => (integer) 99000..100000
GETEX {p}gx EXAT 4000000000 => "v"
EXPIRETIME {p}gx => (integer) 4000000000
GETEX {p}gx FOO => (error) ERR syntax error
GETEX {p}gx EX 10 PX 10 => (error) ERR syntax error
GETEX {p}gx EX 0 => (error) ERR invalid expire time in 'getex' command
GETEX {p}gx EX abc => (error) ERR value is not an integer or out of range
GETEX {p}gx PERSIST EX 10 => (error) ERR syntax error
GETEX {p}gx PERSIST PERSIST => "v"
GETEX {p}gx EX 10 EX 20 => "v"
TTL {p}gx => (integer) 20
GETEX {p}none EX 10 => nil
GETEX {p}none EX 0 => nil
GETEX {p}none PXAT abc => nil
MSET {p}a 1 {p}b 2 => OK
MGET {p}a {p}b {p}none => ["1", "2", nil]
MSET {p}a => (error) ERR wrong number of arguments for 'mset' command
MSET {p}a 1 {p}b => (error) ERR wrong number of arguments for 'mset' command
MSETNX {p}a 9 {p}c 3 => (integer) 0
GET {p}c => nil
MSETNX {p}c 3 {p}d 4 => (integer) 1
MGET {p}c {p}d => ["3", "4"]
MGET => (error) ERR wrong number of arguments for 'mget' command
APPEND {p}ap hello => (integer) 5
APPEND {p}ap " world" => (integer) 11
GET {p}ap => "hello world"
STRLEN {p}ap => (integer) 11
STRLEN {p}none => (integer) 0
GETRANGE {p}ap 0 4 => "hello"
GETRANGE {p}ap -5 -1 => "world"
GETRANGE {p}ap 0 -1 => "hello world"
GETRANGE {p}ap 6 100 => "world"
GETRANGE {p}ap 20 30 => ""
GETRANGE {p}ap 5 2 => ""
GETRANGE {p}none 0 10 => ""
GETRANGE {p}ap x 1 => (error) ERR value is not an integer or out of range
SETRANGE {p}ap 6 there => (integer) 11
GET {p}ap => "hello there"
SETRANGE {p}sr 3 abc => (integer) 6
GET {p}sr => "\x00\x00\x00abc"
SETRANGE {p}sr -1 x => (error) ERR offset is out of range
SETRANGE {p}empty 5 "" => (integer) 0
EXISTS {p}empty => (integer) 0
INCR {p}n => (integer) 1
INCR {p}n => (integer) 2
DECR {p}n => (integer) 1
INCRBY {p}n 10 => (integer) 11
DECRBY {p}n 20 => (integer) -9
INCRBY {p}n x => (error) ERR value is not an integer or out of range
DECRBY {p}n 1.5 => (error) ERR value is not an integer or out of range
GET {p}n => "-9"
INCR {p}ap => (error) ERR value is not an integer or out of range
SET {p}sp " 1" => OK
INCR {p}sp => (error) ERR value is not an integer or out of range
SET {p}max 9223372036854775807 => OK
INCR {p}max => (error) ERR increment or decrement would overflow
SET {p}min -9223372036854775808 => OK
DECR {p}min => (error) ERR increment or decrement would overflow
INCR => (error) ERR wrong number of arguments for 'incr' command
INCRBYFLOAT {p}f 10.5 => "10.5"
INCRBYFLOAT {p}f 0.1 => "10.6"
INCRBYFLOAT {p}f -5 => "5.6"
SET {p}f 3 => OK
INCRBYFLOAT {p}f 2.0e2 => "203"
INCRBYFLOAT {p}f 1.5 => "204.5"
INCRBYFLOAT {p}f -200 => "4.5"
INCRBYFLOAT {p}f abc => (error) ERR value is not a valid float
INCRBYFLOAT {p}ap 1 => (error) ERR value is not a valid float
INCRBYFLOAT {p}f inf => (error) ERR increment would produce NaN or Infinity
GET {p}f => "4.5"
"#;

/// Generic keyspace commands on keys under the prefix.
pub const KEYSPACE: &str = r#"
MSET {p}a 1 {p}b 2 {p}c 3 => OK
EXISTS {p}a {p}a {p}b {p}none => (integer) 3
EXISTS => (error) ERR wrong number of arguments for 'exists' command
TYPE {p}a => string
TYPE {p}none => none
DEL {p}a {p}none {p}a => (integer) 1
DEL => (error) ERR wrong number of arguments for 'del' command
UNLINK {p}b {p}none => (integer) 1
UNLINK {p}b => (integer) 0
KEYS {p}* => ["{p}c"]
MSET {p}k1 1 {p}k2 2 {p}kx 3 => OK
KEYS {p}k? => unordered ["{p}k1", "{p}k2", "{p}kx"]
KEYS {p}k[0-9] => unordered ["{p}k1", "{p}k2"]
KEYS {p}nothing* => []
RENAME {p}c {p}d => OK
GET {p}c => nil
GET {p}d => "3"
RENAME {p}none {p}x => (error) ERR no such key
RENAME {p}d {p}d => OK
RENAMENX {p}d {p}k1 => (integer) 0
RENAMENX {p}d {p}e => (integer) 1
RENAMENX {p}none {p}f => (error) ERR no such key
GET {p}e => "3"
SET {p}ttl v EX 100 => OK
RENAME {p}ttl {p}ttl2 => OK
TTL {p}ttl2 => (integer) 99..100
TTL {p}none => (integer) -2
TTL {p}e => (integer) -1
PTTL {p}none => (integer) -2
PTTL {p}e => (integer) -1
EXPIRETIME {p}none => (integer) -2
EXPIRETIME {p}e => (integer) -1
PEXPIRETIME {p}e => (integer) -1
EXPIRE {p}none 100 => (integer) 0
EXPIRE {p}e 100 => (integer) 1
TTL {p}e => (integer) 99..100
EXPIRE {p}e 50 GT => (integer) 0
EXPIRE {p}e 200 GT => (integer) 1
TTL {p}e => (integer) 199..200
EXPIRE {p}e 300 LT => (integer) 0
EXPIRE {p}e 100 LT => (integer) 1
EXPIRE {p}e 100 NX => (integer) 0
EXPIRE {p}e 150 XX => (integer) 1
TTL {p}e => (integer) 149..150
EXPIRE {p}e 100 NX XX => (error) ERR NX and XX, GT or LT options at the same time are not compatible
EXPIRE {p}e 100 GT LT => (error) ERR GT and LT options at the same time are not compatible
EXPIRE {p}e 100 FOO => (error) ERR Unsupported option FOO
EXPIRE {p}e abc => (error) ERR value is not an integer or out of range
EXPIRE {p}e abc FOO => (error) ERR Unsupported option FOO
PEXPIRE {p}e abc NX XX => (error) ERR NX and XX, GT or LT options at the same time are not compatible
EXPIRE {p}e => (error) ERR wrong number of arguments for 'expire' command
PERSIST {p}e => (integer) 1
PERSIST {p}e => (integer) 0
PERSIST {p}none => (integer) 0
TTL {p}e => (integer) -1
EXPIRE {p}e 100 XX => (integer) 0
EXPIRE {p}e 100 GT => (integer) 0
EXPIRE {p}e 100 LT => (integer) 1
PERSIST {p}e => (integer) 1
EXPIRE {p}e 100 NX => (integer) 1
PEXPIRE {p}e 100000 => (integer) 1
PTTL {p}e => (integer) 99000..100000
PEXPIRE {p}e 1 GT => (integer) 0
EXPIREAT {p}e 4000000000 => (integer) 1
EXPIRETIME {p}e => (integer) 4000000000
PEXPIRETIME {p}e => (integer) 4000000000000
PEXPIREAT {p}e 4000000000123 => (integer) 1
PEXPIRETIME {p}e => (integer) 4000000000123
EXPIRETIME {p}e => (integer) 4000000000
EXPIREAT {p}e 3000000000 LT => (integer) 1
EXPIREAT {p}e 4000000000 LT => (integer) 0
EXPIRETIME {p}e => (integer) 3000000000
EXPIRE {p}e -1 => (integer) 1
EXISTS {p}e => (integer) 0
GET {p}e => nil
SET {p}past v => OK
EXPIREAT {p}past 1000 => (integer) 1
GET {p}past => nil
SET {p}past v => OK
PEXPIRE {p}past 0 => (integer) 1
TTL {p}past => (integer) -2
COPY {p}ttl2 {p}copy => (integer) 1
GET {p}copy => "v"
TTL {p}copy => (integer) 99..100
COPY {p}ttl2 {p}copy => (integer) 0
COPY {p}k1 {p}copy REPLACE => (integer) 1
GET {p}copy => "1"
TTL {p}copy => (integer) -1
COPY {p}none {p}copy => (integer) 0
COPY {p}k1 {p}k1 => (error) ERR source and destination objects are the same
COPY {p}k1 {p}copy DB 0 => (integer) 0
COPY {p}k1 {p}copy DB x => (error) ERR value is not an integer or out of range
COPY {p}k1 {p}copy DB 99999999999 => (error) ERR value is out of range, value must between -2147483648 and 2147483647
COPY {p}k1 {p}copy BOGUS => (error) ERR syntax error
COPY {p}k1 => (error) ERR wrong number of arguments for 'copy' command
TOUCH {p}k1 {p}copy {p}none {p}k1 => (integer) 3
TOUCH => (error) ERR wrong number of arguments for 'touch' command
RANDOMKEY => "*"
MEMORY USAGE {p}k1 => (integer) 40..200
MEMORY USAGE {p}none => nil
MEMORY USAGE {p}k1 SAMPLES 0 => (integer) 40..200
MEMORY USAGE {p}k1 SAMPLES x => (error) ERR value is not an integer or out of range
MEMORY USAGE {p}k1 BOGUS 1 => (error) ERR syntax error
MEMORY USAGE => (error) ERR wrong number of arguments for 'memory|usage' command
MEMORY BOGUS => (error) ERR unknown subcommand 'BOGUS'. Try MEMORY HELP.
SET {p}int -42 => OK
OBJECT ENCODING {p}int => "int"
OBJECT ENCODING {p}ttl2 => "embstr"
OBJECT REFCOUNT {p}int => (integer) 1
OBJECT REFCOUNT {p}k1 => (integer) 2147483647
OBJECT ENCODING {p}none => nil
OBJECT FREQ {p}int => (error) ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.
OBJECT ENCODING => (error) ERR wrong number of arguments for 'object|encoding' command
OBJECT BOGUS {p}int => (error) ERR unknown subcommand 'BOGUS'. Try OBJECT HELP.
RANDOMKEY x => (error) ERR wrong number of arguments for 'randomkey' command
"#;

/// MULTI/EXEC/DISCARD/WATCH on one connection.
pub const TRANSACTIONS: &str = r#"
EXEC => (error) ERR EXEC without MULTI
DISCARD => (error) ERR DISCARD without MULTI
MULTI => OK
SET {p}t 1 => QUEUED
INCR {p}t => QUEUED
GET {p}t => QUEUED
PING => QUEUED
EXEC => [OK, (integer) 2, "2", PONG]
MULTI => OK
MULTI => (error) ERR MULTI calls can not be nested
WATCH {p}t => (error) ERR WATCH inside MULTI is not allowed
INCR {p}t => QUEUED
DISCARD => OK
GET {p}t => "2"
MULTI => OK
SET {p}t => (error) ERR wrong number of arguments for 'set' command
INCR {p}t => QUEUED
EXEC => (error) EXECABORT Transaction discarded because of previous errors.
GET {p}t => "2"
MULTI => OK
NOSUCHCOMMAND => (error) ERR unknown command 'NOSUCHCOMMAND', with args beginning with: $
EXEC => (error) EXECABORT Transaction discarded because of previous errors.
SET {p}s text => OK
MULTI => OK
INCR {p}s => QUEUED
INCR {p}t => QUEUED
EXEC => [(error) ERR value is not an integer or out of range, (integer) 3]
GET {p}t => "3"
MULTI => OK
EXEC => []
WATCH {p}t => OK
WATCH {p}t {p}s => OK
UNWATCH => OK
WATCH => (error) ERR wrong number of arguments for 'watch' command
WATCH {p}t => OK
MULTI => OK
INCR {p}t => QUEUED
EXEC => [(integer) 4]
WATCH {p}t => OK
SET {p}t 10 => OK
MULTI => OK
INCR {p}t => QUEUED
EXEC => nil
GET {p}t => "10"
MULTI => OK
ECHO hi => QUEUED
CLIENT NOPE => (error) ERR unknown subcommand 'NOPE'. Try CLIENT HELP.
CLIENT SETNAME => (error) ERR wrong number of arguments for 'client|setname' command
EXEC => (error) EXECABORT Transaction discarded because of previous errors.
MULTI => OK
CLIENT SETNAME {p}n => QUEUED
INCR {p}t => QUEUED
CLIENT GETNAME => QUEUED
CONFIG GET maxmemory => QUEUED
UNWATCH => QUEUED
ECHO hi => QUEUED
EXEC => [OK, (integer) 11, "{p}n", ["maxmemory", "0"], OK, "hi"]
"#;

/// Errors Redis only finds when EXEC runs a queued command: an invalid expire time passes the
/// arity check, is queued, and fails alone inside EXEC without aborting the transaction.
pub const TRANSACTION_EXEC_ERRORS: &str = r#"
MULTI => OK
SET {p}x 1 EX 0 => QUEUED
SET {p}y 1 => QUEUED
GETEX {p}y EX 0 => QUEUED
SETEX {p}z 0 v => QUEUED
EXPIRE {p}y 10 NX XX => QUEUED
SET {p}w 1 FOO => QUEUED
INCRBY {p}y x => QUEUED
EXEC => [(error) ERR invalid expire time in 'set' command, OK, (error) ERR invalid expire time in 'getex' command, (error) ERR invalid expire time in 'setex' command, (error) ERR NX and XX, GT or LT options at the same time are not compatible, (error) ERR syntax error, (error) ERR value is not an integer or out of range]
GET {p}y => "1"
EXISTS {p}x {p}z {p}w => (integer) 0
"#;

/// AUTH on a server without `requirepass`: the one-argument form is refused, but the default
/// user has no password, so the two-argument form accepts any password for it.
pub const AUTH_WITHOUT_PASSWORD: &str = r#"
AUTH secret => (error) ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?
AUTH default secret => OK
AUTH nobody secret => (error) WRONGPASS invalid username-password pair or user is disabled.
AUTH => (error) ERR wrong number of arguments for 'auth' command
PING => PONG
"#;

/// Bit operations on strings: SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP, with Redis's order
/// of checks (a missing key answers BITCOUNT and BITPOS before their range is parsed).
pub const BITMAPS: &str = r#"
SETBIT {p}b 7 1 => (integer) 0
SETBIT {p}b 7 1 => (integer) 1
SETBIT {p}b 7 0 => (integer) 1
SETBIT {p}b 1 1 => (integer) 0
SETBIT {p}b 23 1 => (integer) 0
GET {p}b => "@\x00\x01"
GETBIT {p}b 1 => (integer) 1
GETBIT {p}b 2 => (integer) 0
GETBIT {p}b 100000 => (integer) 0
GETBIT {p}none 3 => (integer) 0
SETBIT {p}b 4294967296 1 => (error) ERR bit offset is not an integer or out of range
SETBIT {p}b -1 1 => (error) ERR bit offset is not an integer or out of range
SETBIT {p}b 1 2 => (error) ERR bit is not an integer or out of range
SETBIT {p}b 1 x => (error) ERR bit is not an integer or out of range
GETBIT {p}none x => (error) ERR bit offset is not an integer or out of range
SET {p}f foobar => OK
BITCOUNT {p}f => (integer) 26
BITCOUNT {p}f 1 1 => (integer) 6
BITCOUNT {p}f -2 -1 => (integer) 7
BITCOUNT {p}f -1 -2 => (integer) 0
BITCOUNT {p}f -100 -200 => (integer) 0
BITCOUNT {p}f -100 100 => (integer) 26
BITCOUNT {p}f 5 30 BIT => (integer) 17
BITCOUNT {p}f -5 -1 bit => (integer) 2
BITCOUNT {p}f 1 1 BYTE => (integer) 6
BITCOUNT {p}f 0 => (error) ERR syntax error
BITCOUNT {p}f 0 1 BOGUS => (error) ERR syntax error
BITCOUNT {p}f x 1 => (error) ERR value is not an integer or out of range
BITCOUNT {p}none x 1 => (integer) 0
SET {p}p "\xff\xf0\x00" => OK
BITPOS {p}p 0 => (integer) 12
BITPOS {p}p 1 => (integer) 0
BITPOS {p}p 1 2 => (integer) -1
BITPOS {p}p 0 2 => (integer) 16
BITPOS {p}p 0 0 0 => (integer) -1
BITPOS {p}p 0 3 15 BIT => (integer) 12
BITPOS {p}p 1 7 7 BIT => (integer) 7
BITPOS {p}p 0 -9 -1 bit => (integer) 15
SET {p}ones "\xff\xff" => OK
BITPOS {p}ones 0 => (integer) 16
BITPOS {p}ones 0 0 -1 => (integer) -1
BITPOS {p}p 2 => (error) ERR The bit argument must be 1 or 0.
BITPOS {p}p 1 0 x BOGUS => (error) ERR syntax error
BITPOS {p}p 1 x => (error) ERR value is not an integer or out of range
BITPOS {p}none 1 x => (integer) -1
BITPOS {p}none 0 => (integer) 0
SET {p}x "`" => OK
SET {p}y "!" => OK
BITOP OR {p}d {p}x {p}y => (integer) 1
GET {p}d => "a"
BITOP AND {p}d {p}d {p}y {p}none => (integer) 1
GET {p}d => "\x00"
BITOP XOR {p}d {p}f {p}f => (integer) 6
BITCOUNT {p}d => (integer) 0
BITOP NOT {p}d {p}x => (integer) 1
GET {p}d => "\x9f"
BITOP OR {p}d {p}none => (integer) 0
EXISTS {p}d => (integer) 0
BITOP NOT {p}d {p}x {p}y => (error) ERR BITOP NOT must be called with a single source key.
BITOP NAND {p}d {p}x => (error) ERR syntax error
BITOP AND {p}d => (error) ERR wrong number of arguments for 'bitop' command
"#;

/// INCRBYFLOAT computes in C `long double` (80-bit on x86-64) and prints it with `%.17Lf`, so
/// some sums show digits an f64 would round away, and huge values print every integer digit.
pub const INCRBYFLOAT_PRECISION: &str = r#"
SET {p}f 5.6 => OK
INCRBYFLOAT {p}f 2.0e2 => "205.60000000000000001"
INCRBYFLOAT {p}f 0 => "205.60000000000000001"
SET {p}g 10.5 => OK
INCRBYFLOAT {p}g 0.1 => "10.6"
INCRBYFLOAT {p}pi 3.14159265358979323846264338327950288419716939937510 => "3.14159265358979324"
INCRBYFLOAT {p}pi -3 => "0.14159265358979324"
INCRBYFLOAT {p}hex 0x1.8p3 => "12"
INCRBYFLOAT {p}hex 1e30 => "1000000000000000000024696061952"
INCRBYFLOAT {p}tie 0x3p-18 => "0.00001144409179688"
INCRBYFLOAT {p}neg -0.000000000000000006 => "-0.00000000000000001"
INCRBYFLOAT {p}tiny 1e-4950 => "0"
INCRBYFLOAT {p}tiny 1e-5000 => (error) ERR value is not a valid float
INCRBYFLOAT {p}tiny 0x => (error) ERR value is not a valid float
INCRBYFLOAT {p}tiny inf => (error) ERR increment would produce NaN or Infinity
SET {p}wide 1234567890123456789012345678901234567890 => OK
INCRBYFLOAT {p}wide 1 => "1234567890123456788999898750329779388416"
GET {p}wide => "1234567890123456788999898750329779388416"
SET {p}huge 1e4932 => OK
INCRBYFLOAT {p}huge 1e4932 => (error) ERR increment would produce NaN or Infinity
GET {p}huge => "1e4932"
INCRBYFLOAT {p}huge abc => (error) ERR value is not a valid float
INCRBYFLOAT {p}nofloat abc => (error) ERR value is not a valid float
HSET {p}hf f 1 => (integer) 1
INCRBYFLOAT {p}hf abc => (error) WRONGTYPE Operation against a key holding the wrong kind of value
"#;

/// Publish/subscribe on one RESP2 connection: confirmations, the commands a subscriber may
/// still run, and PUBSUB. (Redis 7.0 also queues SUBSCRIBE inside MULTI and answers it inside
/// EXEC's array; raft-kv refuses the subscription commands there.) Channels carry the `{p}`
/// prefix; PUBSUB CHANNELS is asked only for them, since other tests may subscribe at the same
/// time.
pub const PUBSUB: &str = r#"
PUBLISH {p}c hello => (integer) 0
SPUBLISH {p}s hello => (integer) 0
PUBLISH {p}c => (error) ERR wrong number of arguments for 'publish' command
PUBSUB NUMSUB {p}c {p}d => ["{p}c", (integer) 0, "{p}d", (integer) 0]
PUBSUB NUMSUB => []
PUBSUB CHANNELS {p}* => []
PUBSUB CHANNELS a b => (error) ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.
PUBSUB NUMPAT x => (error) ERR wrong number of arguments for 'pubsub|numpat' command
PUBSUB FOO => (error) ERR unknown subcommand 'FOO'. Try PUBSUB HELP.
PUBSUB => (error) ERR wrong number of arguments for 'pubsub' command
SUBSCRIBE => (error) ERR wrong number of arguments for 'subscribe' command
UNSUBSCRIBE => ["unsubscribe", nil, (integer) 0]
PUNSUBSCRIBE {p}x => ["punsubscribe", "{p}x", (integer) 0]
SUNSUBSCRIBE => ["sunsubscribe", nil, (integer) 0]
SUBSCRIBE {p}c => ["subscribe", "{p}c", (integer) 1]
SUBSCRIBE {p}c => ["subscribe", "{p}c", (integer) 1]
PSUBSCRIBE {p}* => ["psubscribe", "{p}*", (integer) 2]
SSUBSCRIBE {p}s => ["ssubscribe", "{p}s", (integer) 1]
GET {p}k => (error) ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context
PUBSUB NUMSUB {p}c => (error) ERR Can't execute 'pubsub|numsub': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context
NOSUCHCOMMAND => (error) ERR unknown command 'NOSUCHCOMMAND', with args beginning with: $
GET => (error) ERR wrong number of arguments for 'get' command
PING => ["pong", ""]
PING hi => ["pong", "hi"]
UNSUBSCRIBE {p}c => ["unsubscribe", "{p}c", (integer) 1]
PUNSUBSCRIBE => ["punsubscribe", "{p}*", (integer) 0]
SUNSUBSCRIBE {p}s => ["sunsubscribe", "{p}s", (integer) 0]
GET {p}k => nil
PUBSUB CHANNELS {p}* => []
SUBSCRIBE {p}again => ["subscribe", "{p}again", (integer) 1]
RESET => RESET
GET {p}k => nil
PUBSUB CHANNELS {p}* => []
"#;

/// Hash values: every hash command on missing keys, small hashes and the wrong type, and the
/// string and generic commands on a hash. Redis keeps small hashes as listpacks, so fields come
/// back in insertion order and HSCAN returns the whole hash with cursor 0, whatever cursor and
/// COUNT it gets. Redis parses the increments, HSCAN's cursor and HRANDFIELD's arguments before
/// it looks the key up, so those errors win over WRONGTYPE; HSCAN's MATCH and COUNT only after,
/// so on a missing key any options answer an empty scan. HINCRBYFLOAT refuses an infinite
/// increment with its own text ("value is NaN or Infinity"). HRANDFIELD appears only where its
/// answer cannot vary: a one-field hash, a missing key, or a count of at least the hash's size.
pub const HASHES: &str = r#"
# A missing key reads as an empty hash.
HGET {p}h f => nil
HGETALL {p}h => []
HKEYS {p}h => []
HVALS {p}h => []
HLEN {p}h => (integer) 0
HDEL {p}h f => (integer) 0
HEXISTS {p}h f => (integer) 0
HSTRLEN {p}h f => (integer) 0
HMGET {p}h a b => [nil, nil]
TYPE {p}h => none
# HSET answers how many fields are new; a field named twice in one call counts once.
HSET {p}h f1 v1 => (integer) 1
HSET {p}h f2 v2 f3 v3 => (integer) 2
HSET {p}h f1 new f4 v4 => (integer) 1
HSET {p}h f1 again f1 twice => (integer) 0
HGET {p}h f1 => "twice"
HGET {p}h nope => nil
HSET {p}x x 1 x 2 => (integer) 1
HGET {p}x x => "2"
HLEN {p}h => (integer) 4
HGETALL {p}h => ["f1", "twice", "f2", "v2", "f3", "v3", "f4", "v4"]
HKEYS {p}h => ["f1", "f2", "f3", "f4"]
HVALS {p}h => ["twice", "v2", "v3", "v4"]
TYPE {p}h => hash
OBJECT ENCODING {p}h => "listpack"
EXISTS {p}h => (integer) 1
HSET {p}h => (error) ERR wrong number of arguments for 'hset' command
HSET {p}h f => (error) ERR wrong number of arguments for 'hset' command
HSET {p}h f v g => (error) ERR wrong number of arguments for 'hset' command
HGET {p}h => (error) ERR wrong number of arguments for 'hget' command
HGET {p}h f1 f2 => (error) ERR wrong number of arguments for 'hget' command
HLEN => (error) ERR wrong number of arguments for 'hlen' command
HLEN {p}h x => (error) ERR wrong number of arguments for 'hlen' command
HGETALL => (error) ERR wrong number of arguments for 'hgetall' command
HKEYS {p}h x => (error) ERR wrong number of arguments for 'hkeys' command
HVALS => (error) ERR wrong number of arguments for 'hvals' command
hset {p}h Mixed Case => (integer) 1
hget {p}h mixed => nil
HGET {p}h Mixed => "Case"
HSET {p}h "a b\x00c" "x\r\ny" => (integer) 1
HGET {p}h "a b\x00c" => "x\r\ny"
HSET {p}h empty "" => (integer) 1
HGET {p}h empty => ""
HSTRLEN {p}h empty => (integer) 0
HEXISTS {p}h empty => (integer) 1
HSTRLEN {p}h f2 => (integer) 2
HSTRLEN {p}h "a b\x00c" => (integer) 4
HSTRLEN {p}h nope => (integer) 0
HSTRLEN {p}h => (error) ERR wrong number of arguments for 'hstrlen' command
HEXISTS {p}h f1 => (integer) 1
HEXISTS {p}h nope => (integer) 0
HEXISTS {p}h => (error) ERR wrong number of arguments for 'hexists' command
HEXISTS {p}h f1 f2 => (error) ERR wrong number of arguments for 'hexists' command
HSETNX {p}h f1 x => (integer) 0
HGET {p}h f1 => "twice"
HSETNX {p}h f5 v5 => (integer) 1
HGET {p}h f5 => "v5"
HSETNX {p}n f v => (integer) 1
TYPE {p}n => hash
HSETNX {p}h f5 => (error) ERR wrong number of arguments for 'hsetnx' command
HSETNX {p}h f5 v5 extra => (error) ERR wrong number of arguments for 'hsetnx' command
HMSET {p}h f6 v6 f1 one => OK
HMSET {p}m a 1 => OK
TYPE {p}m => hash
HMSET {p}h f => (error) ERR wrong number of arguments for 'hmset' command
HMSET {p}h f v g => (error) ERR wrong number of arguments for 'hmset' command
HMSET {p}h => (error) ERR wrong number of arguments for 'hmset' command
HMGET {p}h f1 nope f6 f1 => ["one", nil, "v6", "one"]
HMGET {p}none a => [nil]
HMGET {p}h => (error) ERR wrong number of arguments for 'hmget' command
# HDEL counts the fields it removed; removing the last one removes the key.
HDEL {p}h f2 nope f3 f2 => (integer) 2
HDEL {p}h f2 => (integer) 0
HDEL {p}h => (error) ERR wrong number of arguments for 'hdel' command
HGETALL {p}h => ["f1", "one", "f4", "v4", "Mixed", "Case", "a b\x00c", "x\r\ny", "empty", "", "f5", "v5", "f6", "v6"]
HLEN {p}h => (integer) 7
HSET {p}one only x => (integer) 1
HDEL {p}one only => (integer) 1
EXISTS {p}one => (integer) 0
TYPE {p}one => none
HGETALL {p}one => []
HSET {p}two a 1 b 2 => (integer) 2
HDEL {p}two a b c => (integer) 2
EXISTS {p}two => (integer) 0
# HINCRBY and HINCRBYFLOAT: a missing field starts from zero.
HINCRBY {p}i c 5 => (integer) 5
HINCRBY {p}i c -7 => (integer) -2
HGET {p}i c => "-2"
HINCRBY {p}i c 0 => (integer) -2
HINCRBY {p}i c x => (error) ERR value is not an integer or out of range
HINCRBY {p}i c 1.5 => (error) ERR value is not an integer or out of range
HINCRBY {p}i c 9223372036854775808 => (error) ERR value is not an integer or out of range
HINCRBY {p}i c "" => (error) ERR value is not an integer or out of range
HSET {p}i s abc => (integer) 1
HINCRBY {p}i s 1 => (error) ERR hash value is not an integer
HSET {p}i sp " 1" => (integer) 1
HINCRBY {p}i sp 1 => (error) ERR hash value is not an integer
HSET {p}i fl 10.5 => (integer) 1
HINCRBY {p}i fl 1 => (error) ERR hash value is not an integer
HSET {p}i z 007 => (integer) 1
HINCRBY {p}i z 1 => (error) ERR hash value is not an integer
HSET {p}i max 9223372036854775807 => (integer) 1
HINCRBY {p}i max 1 => (error) ERR increment or decrement would overflow
HINCRBY {p}i max 0 => (integer) 9223372036854775807
HSTRLEN {p}i max => (integer) 19
HSET {p}i min -9223372036854775808 => (integer) 1
HINCRBY {p}i min -1 => (error) ERR increment or decrement would overflow
HINCRBY {p}i min 9223372036854775807 => (integer) -1
HINCRBY {p}i low -9223372036854775808 => (integer) -9223372036854775808
HINCRBY {p}i low -1 => (error) ERR increment or decrement would overflow
HINCRBY {p}i c => (error) ERR wrong number of arguments for 'hincrby' command
HINCRBY {p}i c 1 2 => (error) ERR wrong number of arguments for 'hincrby' command
HINCRBYFLOAT {p}i g 10.5 => "10.5"
HINCRBYFLOAT {p}i g 0.1 => "10.6"
HGET {p}i g => "10.6"
HINCRBYFLOAT {p}i g -5 => "5.6"
HSET {p}i e 5.0e3 => (integer) 1
HINCRBYFLOAT {p}i e 200 => "5200"
HGET {p}i e => "5200"
HINCRBYFLOAT {p}i c 1.5 => "-0.5"
HSTRLEN {p}i c => (integer) 4
HINCRBYFLOAT {p}i new 3.0 => "3"
HINCRBYFLOAT {p}i new 2.0e2 => "203"
HINCRBYFLOAT {p}i z 1 => "8"
HINCRBYFLOAT {p}i g abc => (error) ERR value is not a valid float
HINCRBYFLOAT {p}i g "" => (error) ERR value is not a valid float
HINCRBYFLOAT {p}i s 1 => (error) ERR hash value is not a float
HINCRBYFLOAT {p}i sp 1 => (error) ERR hash value is not a float
HINCRBYFLOAT {p}i g inf => (error) ERR value is NaN or Infinity
HINCRBYFLOAT {p}i g -inf => (error) ERR value is NaN or Infinity
HINCRBYFLOAT {p}i g nan => (error) ERR value is not a valid float
HINCRBYFLOAT {p}i g 1e5000 => (error) ERR value is not a valid float
HINCRBYFLOAT {p}i g => (error) ERR wrong number of arguments for 'hincrbyfloat' command
HINCRBYFLOAT {p}i g 1 2 => (error) ERR wrong number of arguments for 'hincrbyfloat' command
HSET {p}i huge 1e4932 => (integer) 1
HINCRBYFLOAT {p}i huge 1e4932 => (error) ERR increment would produce NaN or Infinity
HGET {p}i huge => "1e4932"
HGET {p}i g => "5.6"
HGETALL {p}i => ["c", "-0.5", "s", "abc", "sp", " 1", "fl", "10.5", "z", "8", "max", "9223372036854775807", "min", "-1", "low", "-9223372036854775808", "g", "5.6", "e", "5200", "new", "203", "huge", "1e4932"]
# A small hash is scanned whole in one call, whatever the cursor and COUNT.
HSCAN {p}i 0 => ["0", ["c", "-0.5", "s", "abc", "sp", " 1", "fl", "10.5", "z", "8", "max", "9223372036854775807", "min", "-1", "low", "-9223372036854775808", "g", "5.6", "e", "5200", "new", "203", "huge", "1e4932"]]
HSCAN {p}i 0 MATCH m* => ["0", ["max", "9223372036854775807", "min", "-1"]]
HSCAN {p}i 0 MATCH *e* => ["0", ["e", "5200", "new", "203", "huge", "1e4932"]]
HSCAN {p}i 0 MATCH nothing* => ["0", []]
HSCAN {p}i 0 COUNT 1 => ["0", ["c", "-0.5", "s", "abc", "sp", " 1", "fl", "10.5", "z", "8", "max", "9223372036854775807", "min", "-1", "low", "-9223372036854775808", "g", "5.6", "e", "5200", "new", "203", "huge", "1e4932"]]
HSCAN {p}i 12345 => ["0", ["c", "-0.5", "s", "abc", "sp", " 1", "fl", "10.5", "z", "8", "max", "9223372036854775807", "min", "-1", "low", "-9223372036854775808", "g", "5.6", "e", "5200", "new", "203", "huge", "1e4932"]]
HSCAN {p}i 0 MATCH [ce] COUNT 100 => ["0", ["c", "-0.5", "e", "5200"]]
HSCAN {p}i 0 match c count 2 => ["0", ["c", "-0.5"]]
HSCAN {p}i x => (error) ERR invalid cursor
HSCAN {p}i 0 COUNT 0 => (error) ERR syntax error
HSCAN {p}i 0 COUNT x => (error) ERR value is not an integer or out of range
HSCAN {p}i 0 MATCH => (error) ERR syntax error
HSCAN {p}i 0 FOO bar => (error) ERR syntax error
HSCAN {p}i => (error) ERR wrong number of arguments for 'hscan' command
HSCAN {p}none 0 => ["0", []]
HSCAN {p}none x => (error) ERR invalid cursor
HSCAN {p}none -1 => ["0", []]
HSCAN {p}none "" => ["0", []]
HSCAN {p}none 18446744073709551616 => (error) ERR invalid cursor
HSCAN {p}none " 1" => (error) ERR invalid cursor
HSCAN {p}none - => (error) ERR invalid cursor
HSCAN {p}none 0 COUNT 0 => ["0", []]
HSCAN {p}none 0 FOO => ["0", []]
# HRANDFIELD, only where the answer cannot vary.
HRANDFIELD {p}none => nil
HRANDFIELD {p}none 3 => []
HRANDFIELD {p}none -3 WITHVALUES => []
HRANDFIELD {p}none x => (error) ERR value is not an integer or out of range
HRANDFIELD {p}none 1 FOO => (error) ERR syntax error
HSET {p}r only val => (integer) 1
HRANDFIELD {p}r => "only"
HRANDFIELD {p}r 1 => ["only"]
HRANDFIELD {p}r 3 => ["only"]
HRANDFIELD {p}r -3 => ["only", "only", "only"]
HRANDFIELD {p}r 0 => []
HRANDFIELD {p}r 0 WITHVALUES => []
HRANDFIELD {p}r 1 WITHVALUES => ["only", "val"]
HRANDFIELD {p}r 5 withvalues => ["only", "val"]
HRANDFIELD {p}r -2 WITHVALUES => ["only", "val", "only", "val"]
HRANDFIELD {p}r x => (error) ERR value is not an integer or out of range
HRANDFIELD {p}r WITHVALUES => (error) ERR value is not an integer or out of range
HRANDFIELD {p}r 1 FOO => (error) ERR syntax error
HRANDFIELD {p}r 1 WITHVALUES x => (error) ERR syntax error
HRANDFIELD {p}r -9223372036854775808 => (error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807
HRANDFIELD {p}r -9223372036854775807 WITHVALUES => (error) ERR value is out of range
HRANDFIELD => (error) ERR wrong number of arguments for 'hrandfield' command
HRANDFIELD {p}i 100 => unordered ["c", "e", "fl", "g", "huge", "low", "max", "min", "new", "s", "sp", "z"]
# Hash commands on a string key.
SET {p}s text => OK
HSET {p}s f v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HSETNX {p}s f v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HMSET {p}s f v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGET {p}s f => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HMGET {p}s f => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HDEL {p}s f => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HLEN {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HEXISTS {p}s f => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGETALL {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HKEYS {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HVALS {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HSTRLEN {p}s f => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HINCRBY {p}s f 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HINCRBY {p}s f x => (error) ERR value is not an integer or out of range
HINCRBYFLOAT {p}s f 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HINCRBYFLOAT {p}s f x => (error) ERR value is not a valid float
HSCAN {p}s 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HSCAN {p}s x => (error) ERR invalid cursor
HSCAN {p}s 0 COUNT 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HRANDFIELD {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HRANDFIELD {p}s 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HRANDFIELD {p}s x => (error) ERR value is not an integer or out of range
HRANDFIELD {p}s 1 FOO => (error) ERR syntax error
GET {p}s => "text"
# String commands on a hash key.
GET {p}r => (error) WRONGTYPE Operation against a key holding the wrong kind of value
APPEND {p}r x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
INCR {p}r => (error) WRONGTYPE Operation against a key holding the wrong kind of value
DECRBY {p}r 2 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
INCRBYFLOAT {p}r 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
STRLEN {p}r => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETRANGE {p}r 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SETRANGE {p}r 0 x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETSET {p}r x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETDEL {p}r => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETEX {p}r => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SETBIT {p}r 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETBIT {p}r 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITCOUNT {p}r => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITPOS {p}r 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITOP AND {p}dest {p}r {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
EXISTS {p}dest => (integer) 0
SET {p}r x GET => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SET {p}r x NX => nil
SETNX {p}r x => (integer) 0
MSETNX {p}r x {p}z y => (integer) 0
EXISTS {p}z => (integer) 0
MGET {p}r {p}s {p}none => [nil, "text", nil]
HGETALL {p}r => ["only", "val"]
SET {p}r x XX => OK
TYPE {p}r => string
GET {p}r => "x"
HGET {p}r only => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# Generic commands keep a hash whole.
HSET {p}h2 a 1 b 2 => (integer) 2
RENAME {p}h2 {p}h3 => OK
EXISTS {p}h2 => (integer) 0
TYPE {p}h3 => hash
HGETALL {p}h3 => ["a", "1", "b", "2"]
COPY {p}h3 {p}h4 => (integer) 1
HSET {p}h4 a changed c 3 => (integer) 1
HGETALL {p}h4 => ["a", "changed", "b", "2", "c", "3"]
HGETALL {p}h3 => ["a", "1", "b", "2"]
COPY {p}h3 {p}h4 => (integer) 0
COPY {p}s {p}h4 REPLACE => (integer) 1
TYPE {p}h4 => string
COPY {p}h3 {p}h4 REPLACE => (integer) 1
TYPE {p}h4 => hash
HGETALL {p}h4 => ["a", "1", "b", "2"]
OBJECT ENCODING {p}h4 => "listpack"
EXPIRE {p}h3 100 => (integer) 1
TTL {p}h3 => (integer) 99..100
HSET {p}h3 d 4 => (integer) 1
TTL {p}h3 => (integer) 99..100
PERSIST {p}h3 => (integer) 1
TTL {p}h3 => (integer) -1
EXISTS {p}h3 {p}h4 {p}none => (integer) 2
DEL {p}h3 {p}h4 => (integer) 2
EXISTS {p}h3 => (integer) 0
HGETALL {p}h4 => []
MULTI => OK
HSET {p}t a 1 => QUEUED
HINCRBY {p}t a 2 => QUEUED
GET {p}t => QUEUED
HGETALL {p}t => QUEUED
EXEC => [(integer) 1, (integer) 3, (error) WRONGTYPE Operation against a key holding the wrong kind of value, ["a", "3"]]
"#;

/// List values: every list command on missing keys, small lists and the wrong type, and the
/// string, hash and generic commands on a list. Redis 7.0 reports every list as a quicklist.
/// Indexes count from 0 at the head and from -1 at the tail; LRANGE and LTRIM clamp their
/// ranges, LINDEX answers nil past either end and LSET an error. A list that loses its last
/// element (LPOP, RPOP, LREM, LTRIM, LMOVE) is deleted with its expiry. Redis parses LRANGE's,
/// LREM's and LTRIM's integers, LPOP's count and the LINSERT, LPOS and LMOVE keywords before it
/// looks the key up, so those errors win over WRONGTYPE and over a missing key; LINDEX and LSET
/// look the key up first. LMOVE and RPOPLPUSH answer nil for a missing source without looking
/// at the destination, and refuse a destination of the wrong type before taking anything.
pub const LISTS: &str = r#"
# A missing key reads as an empty list.
LLEN {p}l => (integer) 0
LRANGE {p}l 0 -1 => []
LINDEX {p}l 0 => nil
LPOP {p}l => nil
RPOP {p}l => nil
LPOP {p}l 2 => nil
RPOP {p}l 0 => nil
LREM {p}l 0 a => (integer) 0
LTRIM {p}l 0 -1 => OK
LPOS {p}l a => nil
LPOS {p}l a COUNT 0 => []
# Each option's name is checked before its value; a value that is not a number gets the
# option's own message (COUNT, MAXLEN) or the generic one (RANK).
LPOS {p}l a FOO COUNT 0 => (error) ERR syntax error
LPOS {p}l a COUNT abc => (error) ERR COUNT can't be negative
LPOS {p}l a MAXLEN abc => (error) ERR MAXLEN can't be negative
LPOS {p}l a RANK abc => (error) ERR value is not an integer or out of range
LPOS {p}l a RANK 1 COUNT => (error) ERR syntax error
TYPE {p}l => none
EXISTS {p}l => (integer) 0
# RPUSH appends, LPUSH prepends one element at a time, so several come out reversed.
RPUSH {p}l b c => (integer) 2
LPUSH {p}l a => (integer) 3
LPUSH {p}l y x => (integer) 5
RPUSH {p}l d => (integer) 6
LRANGE {p}l 0 -1 => ["x", "y", "a", "b", "c", "d"]
LLEN {p}l => (integer) 6
TYPE {p}l => list
OBJECT ENCODING {p}l => "quicklist"
EXISTS {p}l => (integer) 1
RPUSH {p}l => (error) ERR wrong number of arguments for 'rpush' command
LPUSH {p}l => (error) ERR wrong number of arguments for 'lpush' command
LLEN => (error) ERR wrong number of arguments for 'llen' command
LLEN {p}l x => (error) ERR wrong number of arguments for 'llen' command
lpush {p}m Mixed => (integer) 1
RPUSH {p}m "a b\x00c" "x\r\ny" "" => (integer) 4
LRANGE {p}m 0 -1 => ["Mixed", "a b\x00c", "x\r\ny", ""]
RPUSH {p}m Mixed => (integer) 5
LLEN {p}m => (integer) 5
# LPUSHX and RPUSHX push only onto an existing list.
LPUSHX {p}none a => (integer) 0
RPUSHX {p}none a b => (integer) 0
EXISTS {p}none => (integer) 0
LPUSHX {p}m first zeroth => (integer) 7
RPUSHX {p}m last => (integer) 8
LRANGE {p}m 0 -1 => ["zeroth", "first", "Mixed", "a b\x00c", "x\r\ny", "", "Mixed", "last"]
LPUSHX {p}m => (error) ERR wrong number of arguments for 'lpushx' command
RPUSHX {p}m => (error) ERR wrong number of arguments for 'rpushx' command
# LRANGE: inclusive, negative indexes count from the end, out-of-range ends are clamped.
LRANGE {p}l 0 0 => ["x"]
LRANGE {p}l 1 2 => ["y", "a"]
LRANGE {p}l -2 -1 => ["c", "d"]
LRANGE {p}l -100 1 => ["x", "y"]
LRANGE {p}l 4 100 => ["c", "d"]
LRANGE {p}l 5 100 => ["d"]
LRANGE {p}l 6 100 => []
LRANGE {p}l 3 1 => []
LRANGE {p}l -1 -3 => []
LRANGE {p}l -100 -7 => []
LRANGE {p}l 0 -7 => []
LRANGE {p}l -9223372036854775808 9223372036854775807 => ["x", "y", "a", "b", "c", "d"]
LRANGE {p}l x 1 => (error) ERR value is not an integer or out of range
LRANGE {p}l 0 1.5 => (error) ERR value is not an integer or out of range
LRANGE {p}l 0 9223372036854775808 => (error) ERR value is not an integer or out of range
LRANGE {p}l 0 => (error) ERR wrong number of arguments for 'lrange' command
LRANGE {p}l 0 1 2 => (error) ERR wrong number of arguments for 'lrange' command
# LINDEX: an index past either end is nil; a missing key is nil before the index is parsed.
LINDEX {p}l 0 => "x"
LINDEX {p}l 5 => "d"
LINDEX {p}l 6 => nil
LINDEX {p}l -1 => "d"
LINDEX {p}l -6 => "x"
LINDEX {p}l -7 => nil
LINDEX {p}l x => (error) ERR value is not an integer or out of range
LINDEX {p}none x => nil
LINDEX {p}l => (error) ERR wrong number of arguments for 'lindex' command
LINDEX {p}l 0 1 => (error) ERR wrong number of arguments for 'lindex' command
# LSET needs the key and the index to exist; a missing key is reported before a bad index.
LSET {p}l 0 X => OK
LSET {p}l -1 D => OK
LSET {p}l 2 "" => OK
LRANGE {p}l 0 -1 => ["X", "y", "", "b", "c", "D"]
LSET {p}l 6 v => (error) ERR index out of range
LSET {p}l -7 v => (error) ERR index out of range
LSET {p}l x v => (error) ERR value is not an integer or out of range
LSET {p}none 0 v => (error) ERR no such key
LSET {p}none x v => (error) ERR no such key
LSET {p}l 0 => (error) ERR wrong number of arguments for 'lset' command
LSET {p}l 0 v w => (error) ERR wrong number of arguments for 'lset' command
LSET {p}l 2 a => OK
LRANGE {p}l 0 -1 => ["X", "y", "a", "b", "c", "D"]
# LPOP and RPOP take one element, or a count of them as an array (empty for 0); a missing key
# is nil either way. A bad count is refused before the key is looked at.
LPOP {p}l => "X"
RPOP {p}l => "D"
LPOP {p}l 1 => ["y"]
RPOP {p}l 2 => ["c", "b"]
LPOP {p}l 0 => []
RPOP {p}l 0 => []
LLEN {p}l => (integer) 1
LPOP {p}l -1 => (error) ERR value is out of range, must be positive
RPOP {p}l x => (error) ERR value is out of range, must be positive
LPOP {p}l 1.0 => (error) ERR value is out of range, must be positive
LPOP {p}none -1 => (error) ERR value is out of range, must be positive
LPOP {p}l 1 2 => (error) ERR wrong number of arguments for 'lpop' command
RPOP => (error) ERR wrong number of arguments for 'rpop' command
RPUSH {p}p a b c => (integer) 3
RPOP {p}p 10 => ["c", "b", "a"]
EXISTS {p}p => (integer) 0
RPOP {p}p 10 => nil
RPUSH {p}p a b c => (integer) 3
LPOP {p}p 3 => ["a", "b", "c"]
TYPE {p}p => none
RPUSH {p}p only => (integer) 1
LPOP {p}p => "only"
EXISTS {p}p => (integer) 0
RPUSH {p}p only => (integer) 1
RPOP {p}p => "only"
LRANGE {p}p 0 -1 => []
LPOP {p}p 0 => nil
# LREM: a positive count removes from the head, a negative one from the tail, 0 every match.
RPUSH {p}r a b a c a b a => (integer) 7
LREM {p}r 2 a => (integer) 2
LRANGE {p}r 0 -1 => ["b", "c", "a", "b", "a"]
LREM {p}r -1 b => (integer) 1
LRANGE {p}r 0 -1 => ["b", "c", "a", "a"]
LREM {p}r 0 a => (integer) 2
LRANGE {p}r 0 -1 => ["b", "c"]
LREM {p}r 0 nope => (integer) 0
LREM {p}r 5 c => (integer) 1
LRANGE {p}r 0 -1 => ["b"]
LREM {p}r -5 b => (integer) 1
EXISTS {p}r => (integer) 0
LREM {p}r 0 b => (integer) 0
LREM {p}r x a => (error) ERR value is not an integer or out of range
LREM {p}none x a => (error) ERR value is not an integer or out of range
LREM {p}r 1 => (error) ERR wrong number of arguments for 'lrem' command
LREM {p}r 1 a b => (error) ERR wrong number of arguments for 'lrem' command
# LTRIM keeps an inclusive range and deletes the key when nothing is left.
RPUSH {p}t a b c d e f => (integer) 6
LTRIM {p}t 1 -2 => OK
LRANGE {p}t 0 -1 => ["b", "c", "d", "e"]
LTRIM {p}t -100 100 => OK
LRANGE {p}t 0 -1 => ["b", "c", "d", "e"]
LTRIM {p}t -2 -1 => OK
LRANGE {p}t 0 -1 => ["d", "e"]
LTRIM {p}t 1 0 => OK
EXISTS {p}t => (integer) 0
TYPE {p}t => none
LLEN {p}t => (integer) 0
RPUSH {p}t a b c => (integer) 3
LTRIM {p}t 5 10 => OK
EXISTS {p}t => (integer) 0
RPUSH {p}t a b c => (integer) 3
LTRIM {p}t 0 -4 => OK
EXISTS {p}t => (integer) 0
LTRIM {p}t 0 x => (error) ERR value is not an integer or out of range
LTRIM {p}t 0 => (error) ERR wrong number of arguments for 'ltrim' command
# LINSERT answers the new length, -1 without the pivot and 0 without the key.
RPUSH {p}i a b a => (integer) 3
LINSERT {p}i BEFORE a x => (integer) 4
LINSERT {p}i AFTER a y => (integer) 5
LINSERT {p}i after b z => (integer) 6
LINSERT {p}i BEFORE nope w => (integer) -1
LINSERT {p}i BEFORE A w => (integer) -1
LRANGE {p}i 0 -1 => ["x", "a", "y", "b", "z", "a"]
LINSERT {p}none BEFORE a x => (integer) 0
EXISTS {p}none => (integer) 0
LINSERT {p}i MIDDLE a x => (error) ERR syntax error
LINSERT {p}none MIDDLE a x => (error) ERR syntax error
LINSERT {p}i BEFORE a => (error) ERR wrong number of arguments for 'linsert' command
LINSERT {p}i BEFORE a x y => (error) ERR wrong number of arguments for 'linsert' command
# LPOS: RANK picks the match (negative from the tail), COUNT how many (0 for all), MAXLEN how
# far to look (0 for the whole list).
RPUSH {p}q a b c a b a => (integer) 6
LPOS {p}q a => (integer) 0
LPOS {p}q b => (integer) 1
LPOS {p}q nope => nil
LPOS {p}q a RANK 2 => (integer) 3
LPOS {p}q a RANK 3 => (integer) 5
LPOS {p}q a RANK 4 => nil
LPOS {p}q a RANK -1 => (integer) 5
LPOS {p}q a RANK -3 => (integer) 0
LPOS {p}q a RANK -4 => nil
LPOS {p}q a COUNT 0 => [(integer) 0, (integer) 3, (integer) 5]
LPOS {p}q a COUNT 2 => [(integer) 0, (integer) 3]
LPOS {p}q a COUNT 10 => [(integer) 0, (integer) 3, (integer) 5]
LPOS {p}q nope COUNT 0 => []
LPOS {p}q a COUNT 1 => [(integer) 0]
LPOS {p}q a RANK -1 COUNT 2 => [(integer) 5, (integer) 3]
LPOS {p}q a RANK 2 COUNT 0 => [(integer) 3, (integer) 5]
LPOS {p}q a MAXLEN 3 => (integer) 0
LPOS {p}q c MAXLEN 2 => nil
LPOS {p}q a COUNT 0 MAXLEN 4 => [(integer) 0, (integer) 3]
LPOS {p}q a RANK -1 MAXLEN 2 COUNT 0 => [(integer) 5]
LPOS {p}q a RANK -2 MAXLEN 2 => nil
LPOS {p}q a MAXLEN 0 COUNT 0 => [(integer) 0, (integer) 3, (integer) 5]
LPOS {p}q a count 2 rank 2 => [(integer) 3, (integer) 5]
LPOS {p}q a RANK 2 RANK 1 => (integer) 0
LPOS {p}q a RANK 0 => (error) ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list
LPOS {p}none a RANK 0 => (error) ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list
LPOS {p}q a RANK x => (error) ERR value is not an integer or out of range
LPOS {p}q a COUNT -1 => (error) ERR COUNT can't be negative
LPOS {p}q a MAXLEN -1 => (error) ERR MAXLEN can't be negative
LPOS {p}q a RANK => (error) ERR syntax error
LPOS {p}q a FOO 1 => (error) ERR syntax error
LPOS {p}q => (error) ERR wrong number of arguments for 'lpos' command
# LMOVE and RPOPLPUSH move one element and answer it.
RPUSH {p}src a b c => (integer) 3
LMOVE {p}src {p}dst LEFT RIGHT => "a"
LMOVE {p}src {p}dst RIGHT LEFT => "c"
LMOVE {p}src {p}dst left left => "b"
LRANGE {p}dst 0 -1 => ["b", "c", "a"]
EXISTS {p}src => (integer) 0
TYPE {p}dst => list
RPOPLPUSH {p}dst {p}src => "a"
LRANGE {p}src 0 -1 => ["a"]
RPOPLPUSH {p}dst {p}src => "c"
RPOPLPUSH {p}dst {p}src => "b"
EXISTS {p}dst => (integer) 0
LRANGE {p}src 0 -1 => ["b", "c", "a"]
RPOPLPUSH {p}dst {p}src => nil
LMOVE {p}dst {p}src LEFT LEFT => nil
LMOVE {p}none {p}dst RIGHT RIGHT => nil
EXISTS {p}dst => (integer) 0
# Moving within one list rotates it.
RPOPLPUSH {p}src {p}src => "a"
LRANGE {p}src 0 -1 => ["a", "b", "c"]
LMOVE {p}src {p}src LEFT RIGHT => "a"
LRANGE {p}src 0 -1 => ["b", "c", "a"]
LMOVE {p}src {p}src LEFT LEFT => "b"
LRANGE {p}src 0 -1 => ["b", "c", "a"]
RPUSH {p}one a => (integer) 1
LMOVE {p}one {p}one LEFT RIGHT => "a"
RPOPLPUSH {p}one {p}one => "a"
LRANGE {p}one 0 -1 => ["a"]
LMOVE {p}src {p}dst UP LEFT => (error) ERR syntax error
LMOVE {p}src {p}dst LEFT => (error) ERR wrong number of arguments for 'lmove' command
LMOVE {p}src {p}dst LEFT LEFT extra => (error) ERR wrong number of arguments for 'lmove' command
RPOPLPUSH {p}src => (error) ERR wrong number of arguments for 'rpoplpush' command
RPOPLPUSH {p}src {p}dst extra => (error) ERR wrong number of arguments for 'rpoplpush' command
# A destination of the wrong type is refused before the source gives up its element; a missing
# source answers nil before the destination is looked at.
SET {p}s text => OK
HSET {p}h f v => (integer) 1
RPUSH {p}w a b => (integer) 2
LMOVE {p}w {p}s LEFT LEFT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPOPLPUSH {p}w {p}h => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}w 0 -1 => ["a", "b"]
LMOVE {p}none {p}s LEFT LEFT => nil
RPOPLPUSH {p}none {p}h => nil
LMOVE {p}s {p}w LEFT LEFT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPOPLPUSH {p}h {p}w => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LMOVE {p}s {p}s LEFT LEFT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}w 0 -1 => ["a", "b"]
# List commands on a string key and on a hash key. LRANGE, LREM, LTRIM, LPOP's count and the
# LINSERT, LPOS and LMOVE options are checked before the key; LINDEX and LSET look at it first.
LPUSH {p}s a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPUSH {p}s a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPUSHX {p}s a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPUSHX {p}s a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPOP {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPOP {p}s 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPOP {p}s 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPOP {p}s -1 => (error) ERR value is out of range, must be positive
LLEN {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}s 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}s x 1 => (error) ERR value is not an integer or out of range
LINDEX {p}s 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LINDEX {p}s x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LSET {p}s 0 v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LSET {p}s x v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LREM {p}s 0 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LREM {p}s x a => (error) ERR value is not an integer or out of range
LTRIM {p}s 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LTRIM {p}s 0 x => (error) ERR value is not an integer or out of range
LINSERT {p}s BEFORE a b => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LINSERT {p}s MIDDLE a b => (error) ERR syntax error
LPOS {p}s a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPOS {p}s a RANK 0 => (error) ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list
LPOS {p}s a COUNT -1 => (error) ERR COUNT can't be negative
GET {p}s => "text"
LPUSH {p}h a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPUSHX {p}h a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPOP {p}h => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LLEN {p}h => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}h 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LINDEX {p}h 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LSET {p}h 0 v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LREM {p}h 0 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LTRIM {p}h 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LINSERT {p}h AFTER a b => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPOS {p}h a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGETALL {p}h => ["f", "v"]
# String and hash commands on a list key.
RPUSH {p}k one two => (integer) 2
GET {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
APPEND {p}k x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
INCR {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
INCRBYFLOAT {p}k 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
STRLEN {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETRANGE {p}k 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SETRANGE {p}k 0 x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETSET {p}k x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETDEL {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SETBIT {p}k 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITCOUNT {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGET {p}k f => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HSET {p}k f v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HLEN {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGETALL {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SET {p}k x GET => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SET {p}k x NX => nil
SETNX {p}k x => (integer) 0
MGET {p}k {p}s {p}none => [nil, "text", nil]
LRANGE {p}k 0 -1 => ["one", "two"]
SET {p}k x XX => OK
TYPE {p}k => string
GET {p}k => "x"
LLEN {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPUSH {p}k2 a => (integer) 1
SET {p}k2 x => OK
GET {p}k2 => "x"
RPUSH {p}k3 a => (integer) 1
MSET {p}k3 x => OK
GET {p}k3 => "x"
# Generic commands keep a list whole; a list that empties takes its expiry with it.
RPUSH {p}g a b c => (integer) 3
RENAME {p}g {p}g2 => OK
EXISTS {p}g => (integer) 0
TYPE {p}g2 => list
LRANGE {p}g2 0 -1 => ["a", "b", "c"]
COPY {p}g2 {p}g3 => (integer) 1
RPUSH {p}g3 d => (integer) 4
LSET {p}g3 0 A => OK
LRANGE {p}g3 0 -1 => ["A", "b", "c", "d"]
LRANGE {p}g2 0 -1 => ["a", "b", "c"]
OBJECT ENCODING {p}g3 => "quicklist"
COPY {p}g2 {p}g3 => (integer) 0
COPY {p}s {p}g3 REPLACE => (integer) 1
TYPE {p}g3 => string
COPY {p}g2 {p}g3 REPLACE => (integer) 1
LRANGE {p}g3 0 -1 => ["a", "b", "c"]
RENAME {p}g3 {p}s => OK
TYPE {p}s => list
LRANGE {p}s 0 -1 => ["a", "b", "c"]
EXPIRE {p}g2 100 => (integer) 1
TTL {p}g2 => (integer) 99..100
RPUSH {p}g2 d => (integer) 4
LPOP {p}g2 => "a"
LSET {p}g2 0 B => OK
TTL {p}g2 => (integer) 99..100
LMOVE {p}s {p}g2 LEFT RIGHT => "a"
TTL {p}g2 => (integer) 99..100
PERSIST {p}g2 => (integer) 1
TTL {p}g2 => (integer) -1
EXPIRE {p}g2 100 => (integer) 1
LTRIM {p}g2 1 0 => OK
TTL {p}g2 => (integer) -2
RPUSH {p}g2 fresh => (integer) 1
TTL {p}g2 => (integer) -1
EXISTS {p}g2 {p}s {p}none => (integer) 2
DEL {p}g2 {p}s => (integer) 2
EXISTS {p}g2 => (integer) 0
LLEN {p}s => (integer) 0
# Queued list commands run in order; a wrong type fails only its own step.
MULTI => OK
RPUSH {p}x a b => QUEUED
LPOP {p}x => QUEUED
GET {p}x => QUEUED
LMOVE {p}x {p}y RIGHT LEFT => QUEUED
LRANGE {p}y 0 -1 => QUEUED
EXEC => [(integer) 2, "a", (error) WRONGTYPE Operation against a key holding the wrong kind of value, "b", ["b"]]
EXISTS {p}x {p}y => (integer) 1
"#;

/// Set values: every set command on missing keys, small sets and the wrong type, and the
/// string, hash, list and generic commands on a set. Redis 7.0 keeps a set whose members are
/// all canonical 64-bit integers as an intset, in ascending numeric order, so its replies are
/// compared exactly; any other member makes it a hashtable, for good (removing that member
/// leaves a hashtable), whose order Redis leaves open, so those replies are compared
/// `unordered`. SSCAN returns an intset whole with cursor 0; on a hashtable it is used only with
/// the default COUNT and a MATCH that picks one member, since `unordered` does not reach into
/// its nested array. SPOP and SRANDMEMBER appear only where their answer cannot vary. Redis
/// parses SPOP's and SRANDMEMBER's counts, SSCAN's cursor and SINTERCARD's numkeys and LIMIT
/// before it looks at any key, so those errors win over WRONGTYPE and over a missing key;
/// SSCAN's MATCH and COUNT only once the set is found. SINTER, SUNION, SDIFF and their *STORE
/// forms type-check every key, even after a missing one; the *STORE forms replace the
/// destination whatever it held, expiry included, and delete it for an empty result. SMOVE
/// answers 0 for a missing source before it type-checks anything.
pub const SETS: &str = r#"
# A missing key reads as an empty set.
SMEMBERS {p}s => []
SCARD {p}s => (integer) 0
SISMEMBER {p}s a => (integer) 0
SMISMEMBER {p}s a b => [(integer) 0, (integer) 0]
SREM {p}s a => (integer) 0
SRANDMEMBER {p}s => nil
SPOP {p}s => nil
SINTER {p}s => []
SUNION {p}s => []
SDIFF {p}s => []
SINTERCARD 1 {p}s => (integer) 0
SSCAN {p}s 0 => ["0", []]
TYPE {p}s => none
EXISTS {p}s => (integer) 0
# SADD answers how many members are new; a member named twice in one call counts once. A set
# of integers comes back in ascending numeric order.
SADD {p}s 5 -3 10 0 => (integer) 4
SMEMBERS {p}s => ["-3", "0", "5", "10"]
SADD {p}s 5 7 5 7 => (integer) 1
SADD {p}s 10 -3 => (integer) 0
SMEMBERS {p}s => ["-3", "0", "5", "7", "10"]
SCARD {p}s => (integer) 5
TYPE {p}s => set
OBJECT ENCODING {p}s => "intset"
EXISTS {p}s => (integer) 1
SADD {p}s 9223372036854775807 -9223372036854775808 -10 => (integer) 3
SMEMBERS {p}s => ["-9223372036854775808", "-10", "-3", "0", "5", "7", "10", "9223372036854775807"]
OBJECT ENCODING {p}s => "intset"
SADD {p}s => (error) ERR wrong number of arguments for 'sadd' command
SADD => (error) ERR wrong number of arguments for 'sadd' command
SCARD => (error) ERR wrong number of arguments for 'scard' command
SCARD {p}s x => (error) ERR wrong number of arguments for 'scard' command
SMEMBERS => (error) ERR wrong number of arguments for 'smembers' command
SMEMBERS {p}s x => (error) ERR wrong number of arguments for 'smembers' command
SISMEMBER {p}s => (error) ERR wrong number of arguments for 'sismember' command
SISMEMBER {p}s 5 7 => (error) ERR wrong number of arguments for 'sismember' command
SMISMEMBER {p}s => (error) ERR wrong number of arguments for 'smismember' command
SREM {p}s => (error) ERR wrong number of arguments for 'srem' command
SPOP => (error) ERR wrong number of arguments for 'spop' command
SRANDMEMBER => (error) ERR wrong number of arguments for 'srandmember' command
sadd {p}m Mixed => (integer) 1
sismember {p}m mixed => (integer) 0
SISMEMBER {p}m Mixed => (integer) 1
# Only a canonical 64-bit integer keeps a set an intset: "007", "+1", "1.0", "-0", " 1", "" and
# 2^63 are strings, and a set holding one is a hashtable.
SADD {p}e1 007 => (integer) 1
OBJECT ENCODING {p}e1 => "hashtable"
SADD {p}e2 +1 => (integer) 1
OBJECT ENCODING {p}e2 => "hashtable"
SADD {p}e3 1.0 => (integer) 1
OBJECT ENCODING {p}e3 => "hashtable"
SADD {p}e4 -0 => (integer) 1
OBJECT ENCODING {p}e4 => "hashtable"
SADD {p}e5 " 1" => (integer) 1
OBJECT ENCODING {p}e5 => "hashtable"
SADD {p}e6 "" => (integer) 1
OBJECT ENCODING {p}e6 => "hashtable"
SADD {p}e7 9223372036854775808 => (integer) 1
OBJECT ENCODING {p}e7 => "hashtable"
SADD {p}e8 -9223372036854775808 => (integer) 1
OBJECT ENCODING {p}e8 => "intset"
SADD {p}e9 0 => (integer) 1
OBJECT ENCODING {p}e9 => "intset"
SADD {p}e9 -0 00 0 => (integer) 2
SMEMBERS {p}e9 => unordered ["-0", "0", "00"]
SCARD {p}e9 => (integer) 3
SISMEMBER {p}e9 0 => (integer) 1
SISMEMBER {p}e9 00 => (integer) 1
SISMEMBER {p}s 07 => (integer) 0
SISMEMBER {p}s +5 => (integer) 0
SISMEMBER {p}s 5.0 => (integer) 0
SISMEMBER {p}s -10 => (integer) 1
# A set with any other member is a hashtable, whose order Redis does not define; a set that was
# once a hashtable stays one when its last non-integer member goes.
SADD {p}w banana apple cherry => (integer) 3
SMEMBERS {p}w => unordered ["apple", "banana", "cherry"]
SCARD {p}w => (integer) 3
OBJECT ENCODING {p}w => "hashtable"
SADD {p}w "a b\x00c" "x\r\ny" "" apple => (integer) 3
SMEMBERS {p}w => unordered ["", "a b\x00c", "apple", "banana", "cherry", "x\r\ny"]
SISMEMBER {p}w "a b\x00c" => (integer) 1
SISMEMBER {p}w "" => (integer) 1
SISMEMBER {p}w APPLE => (integer) 0
SADD {p}s x => (integer) 1
OBJECT ENCODING {p}s => "hashtable"
SMEMBERS {p}s => unordered ["-10", "-3", "-9223372036854775808", "0", "10", "5", "7", "9223372036854775807", "x"]
SREM {p}s x => (integer) 1
SMEMBERS {p}s => unordered ["-10", "-3", "-9223372036854775808", "0", "10", "5", "7", "9223372036854775807"]
OBJECT ENCODING {p}s => "hashtable"
# SISMEMBER and SMISMEMBER: 1 or 0 per member, repeats answered each time.
SMISMEMBER {p}w apple nope "" apple => [(integer) 1, (integer) 0, (integer) 1, (integer) 1]
SMISMEMBER {p}s 5 6 -3 => [(integer) 1, (integer) 0, (integer) 1]
SMISMEMBER {p}none a b => [(integer) 0, (integer) 0]
# SREM counts the members it removed; removing the last one removes the key.
SREM {p}w apple nope apple => (integer) 1
SREM {p}w apple => (integer) 0
SCARD {p}w => (integer) 5
SADD {p}one only => (integer) 1
SREM {p}one only => (integer) 1
EXISTS {p}one => (integer) 0
TYPE {p}one => none
SMEMBERS {p}one => []
SADD {p}two 1 2 => (integer) 2
SREM {p}two 1 2 3 => (integer) 2
EXISTS {p}two => (integer) 0
SREM {p}none a => (integer) 0
# SPOP and SRANDMEMBER, only where the answer cannot vary: one-member sets, counts of at least
# the size of an integer set (the whole set, ascending), count 0 and missing keys. Both counts
# are parsed before the key is looked up: SPOP's must not be negative, SRANDMEMBER's may be.
SPOP {p}none => nil
SPOP {p}none 0 => []
SPOP {p}none 3 => []
SRANDMEMBER {p}none => nil
SRANDMEMBER {p}none 0 => []
SRANDMEMBER {p}none 3 => []
SRANDMEMBER {p}none -3 => []
SADD {p}r only => (integer) 1
SRANDMEMBER {p}r => "only"
SRANDMEMBER {p}r 1 => ["only"]
SRANDMEMBER {p}r 3 => ["only"]
SRANDMEMBER {p}r -3 => ["only", "only", "only"]
SRANDMEMBER {p}r 0 => []
SCARD {p}r => (integer) 1
SPOP {p}r 0 => []
SPOP {p}r => "only"
EXISTS {p}r => (integer) 0
SADD {p}r only => (integer) 1
SPOP {p}r 1 => ["only"]
EXISTS {p}r => (integer) 0
SADD {p}r only => (integer) 1
SPOP {p}r 5 => ["only"]
TYPE {p}r => none
SADD {p}n 30 -2 7 => (integer) 3
SRANDMEMBER {p}n 3 => ["-2", "7", "30"]
SRANDMEMBER {p}n 100 => ["-2", "7", "30"]
SRANDMEMBER {p}n 9223372036854775807 => ["-2", "7", "30"]
SCARD {p}n => (integer) 3
SPOP {p}n 0 => []
SPOP {p}n 3 => ["-2", "7", "30"]
EXISTS {p}n => (integer) 0
SADD {p}n 30 -2 7 11 => (integer) 4
SPOP {p}n 9223372036854775807 => ["-2", "7", "11", "30"]
EXISTS {p}n => (integer) 0
SADD {p}n x y z => (integer) 3
SRANDMEMBER {p}n 3 => unordered ["x", "y", "z"]
SPOP {p}n 10 => unordered ["x", "y", "z"]
EXISTS {p}n => (integer) 0
SADD {p}r only => (integer) 1
SPOP {p}r -1 => (error) ERR value is out of range, must be positive
SPOP {p}r x => (error) ERR value is out of range, must be positive
SPOP {p}r 1.5 => (error) ERR value is out of range, must be positive
SPOP {p}r "" => (error) ERR value is out of range, must be positive
SPOP {p}r -9223372036854775808 => (error) ERR value is out of range, must be positive
SPOP {p}none -1 => (error) ERR value is out of range, must be positive
SPOP {p}r 1 2 => (error) ERR syntax error
SRANDMEMBER {p}r x => (error) ERR value is not an integer or out of range
SRANDMEMBER {p}r 1.5 => (error) ERR value is not an integer or out of range
SRANDMEMBER {p}r -9223372036854775808 => (error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807
SRANDMEMBER {p}none x => (error) ERR value is not an integer or out of range
SRANDMEMBER {p}none -9223372036854775808 => (error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807
SRANDMEMBER {p}r 1 2 => (error) ERR syntax error
SMEMBERS {p}r => ["only"]
# SMOVE answers 1 when it moved the member and 0 when the source lacks it or is missing.
SADD {p}src 1 2 3 => (integer) 3
SADD {p}dst x y => (integer) 2
SMOVE {p}src {p}dst 2 => (integer) 1
SMEMBERS {p}src => ["1", "3"]
SMEMBERS {p}dst => unordered ["2", "x", "y"]
SMOVE {p}src {p}dst 9 => (integer) 0
SMOVE {p}src {p}dst x => (integer) 0
SMOVE {p}none {p}dst x => (integer) 0
EXISTS {p}none => (integer) 0
SMOVE {p}dst {p}src x => (integer) 1
SMEMBERS {p}src => unordered ["1", "3", "x"]
OBJECT ENCODING {p}src => "hashtable"
SMOVE {p}src {p}fresh 1 => (integer) 1
TYPE {p}fresh => set
OBJECT ENCODING {p}fresh => "intset"
SMEMBERS {p}fresh => ["1"]
SMOVE {p}fresh {p}src 1 => (integer) 1
EXISTS {p}fresh => (integer) 0
SMOVE {p}dst {p}dst y => (integer) 1
SMOVE {p}dst {p}dst nope => (integer) 0
SMEMBERS {p}dst => unordered ["2", "y"]
SMOVE {p}src {p}dst => (error) ERR wrong number of arguments for 'smove' command
SMOVE {p}src {p}dst 1 2 => (error) ERR wrong number of arguments for 'smove' command
# SMOVE: a missing source answers 0 before anything is type-checked; otherwise a source or a
# destination of the wrong type is an error, whether or not the member is there.
SET {p}str text => OK
HSET {p}hash f v => (integer) 1
RPUSH {p}list a => (integer) 1
SMOVE {p}src {p}str 3 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMOVE {p}src {p}str nope => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMOVE {p}src {p}hash 3 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMOVE {p}src {p}list 3 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMOVE {p}none {p}str x => (integer) 0
SMOVE {p}str {p}src x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMOVE {p}str {p}none x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMOVE {p}str {p}str x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMOVE {p}list {p}src a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMEMBERS {p}src => unordered ["1", "3", "x"]
# SINTER, SUNION and SDIFF: a missing key is an empty set, and a key of another type is an
# error wherever it is in the list, even after a missing key.
SADD {p}a 1 2 3 4 => (integer) 4
SADD {p}b 3 4 5 => (integer) 3
SADD {p}c a b c 3 => (integer) 4
SINTER {p}a {p}b => ["3", "4"]
SINTER {p}a {p}b {p}c => ["3"]
SINTER {p}a => ["1", "2", "3", "4"]
SINTER {p}c => unordered ["3", "a", "b", "c"]
SINTER {p}a {p}none => []
SINTER {p}none {p}a => []
SINTER {p}a {p}a => ["1", "2", "3", "4"]
SINTER {p}a {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTER {p}str {p}a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTER {p}none {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTER {p}a {p}none {p}hash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTER => (error) ERR wrong number of arguments for 'sinter' command
SUNION {p}a {p}b => ["1", "2", "3", "4", "5"]
SUNION {p}a {p}none => ["1", "2", "3", "4"]
SUNION {p}none {p}none => []
SUNION {p}a {p}c => unordered ["1", "2", "3", "4", "a", "b", "c"]
SUNION {p}a {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SUNION {p}none {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SUNION => (error) ERR wrong number of arguments for 'sunion' command
SDIFF {p}a {p}b => ["1", "2"]
SDIFF {p}b {p}a => ["5"]
SDIFF {p}a {p}none => ["1", "2", "3", "4"]
SDIFF {p}none {p}a => []
SDIFF {p}a {p}a => []
SDIFF {p}a {p}b {p}c => ["1", "2"]
SDIFF {p}c {p}a => unordered ["a", "b", "c"]
SDIFF {p}c {p}b {p}none => unordered ["a", "b", "c"]
SDIFF {p}a {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SDIFF {p}none {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SDIFF {p}str {p}none => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SDIFF => (error) ERR wrong number of arguments for 'sdiff' command
# The *STORE forms replace the destination with the result (whatever it held, expiry
# included) and answer its size; an empty result deletes the destination.
SINTERSTORE {p}d {p}a {p}b => (integer) 2
SMEMBERS {p}d => ["3", "4"]
OBJECT ENCODING {p}d => "intset"
SINTERSTORE {p}d {p}a {p}none => (integer) 0
EXISTS {p}d => (integer) 0
SUNIONSTORE {p}d {p}a {p}b => (integer) 5
SMEMBERS {p}d => ["1", "2", "3", "4", "5"]
SUNIONSTORE {p}d {p}a {p}c => (integer) 7
SMEMBERS {p}d => unordered ["1", "2", "3", "4", "a", "b", "c"]
OBJECT ENCODING {p}d => "hashtable"
SDIFFSTORE {p}d {p}a {p}b => (integer) 2
SMEMBERS {p}d => ["1", "2"]
OBJECT ENCODING {p}d => "intset"
SDIFFSTORE {p}d {p}a {p}a => (integer) 0
EXISTS {p}d => (integer) 0
SUNIONSTORE {p}d {p}none => (integer) 0
EXISTS {p}d => (integer) 0
SINTERSTORE {p}d {p}a => (integer) 4
SMEMBERS {p}d => ["1", "2", "3", "4"]
SET {p}d2 text => OK
SINTERSTORE {p}d2 {p}a {p}b => (integer) 2
TYPE {p}d2 => set
SMEMBERS {p}d2 => ["3", "4"]
HSET {p}d3 f v => (integer) 1
SUNIONSTORE {p}d3 {p}b => (integer) 3
TYPE {p}d3 => set
SMEMBERS {p}d3 => ["3", "4", "5"]
RPUSH {p}d4 a => (integer) 1
SDIFFSTORE {p}d4 {p}b {p}a => (integer) 1
SMEMBERS {p}d4 => ["5"]
SET {p}d5 text => OK
SINTERSTORE {p}d5 {p}none => (integer) 0
EXISTS {p}d5 => (integer) 0
SET {p}d5 text => OK
SDIFFSTORE {p}d5 {p}a {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GET {p}d5 => "text"
SUNIONSTORE {p}d5 {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTERSTORE {p}d5 {p}none {p}hash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GET {p}d5 => "text"
SADD {p}d6 1 => (integer) 1
EXPIRE {p}d6 100 => (integer) 1
SUNIONSTORE {p}d6 {p}d6 {p}b => (integer) 4
TTL {p}d6 => (integer) -1
SMEMBERS {p}d6 => ["1", "3", "4", "5"]
SDIFFSTORE {p}a {p}a {p}b => (integer) 2
SMEMBERS {p}a => ["1", "2"]
SINTERSTORE {p}d => (error) ERR wrong number of arguments for 'sinterstore' command
SUNIONSTORE {p}d => (error) ERR wrong number of arguments for 'sunionstore' command
SDIFFSTORE {p}d => (error) ERR wrong number of arguments for 'sdiffstore' command
# SINTERCARD: numkeys is checked first, then the keys given against it, then LIMIT (0 means no
# limit, the last one wins), then the keys' types. A numkeys that is not a positive integer and
# a LIMIT that is not a non-negative one each get a single error text, whatever is wrong.
SADD {p}a 3 4 => (integer) 2
SINTERCARD 2 {p}a {p}b => (integer) 2
SINTERCARD 1 {p}b => (integer) 3
SINTERCARD 3 {p}a {p}b {p}c => (integer) 1
SINTERCARD 2 {p}a {p}none => (integer) 0
SINTERCARD 1 {p}none => (integer) 0
SINTERCARD 1 {p}c => (integer) 4
SINTERCARD 2 {p}a {p}b LIMIT 0 => (integer) 2
SINTERCARD 2 {p}a {p}b LIMIT 1 => (integer) 1
SINTERCARD 2 {p}a {p}b LIMIT 2 => (integer) 2
SINTERCARD 2 {p}a {p}b LIMIT 10 => (integer) 2
SINTERCARD 1 {p}b limit 2 => (integer) 2
SINTERCARD 1 {p}b LIMIT 9223372036854775807 => (integer) 3
SINTERCARD 2 {p}a {p}b LIMIT 1 LIMIT 0 => (integer) 2
SINTERCARD 2 {p}a {p}b LIMIT 0 LIMIT 1 => (integer) 1
SINTERCARD 2 {p}a {p}b LIMIT -1 => (error) ERR LIMIT can't be negative
SINTERCARD 2 {p}a {p}b LIMIT x => (error) ERR LIMIT can't be negative
SINTERCARD 2 {p}a {p}b LIMIT 9223372036854775808 => (error) ERR LIMIT can't be negative
SINTERCARD 2 {p}a {p}b LIMIT => (error) ERR syntax error
SINTERCARD 2 {p}a {p}b FOO 1 => (error) ERR syntax error
SINTERCARD 1 {p}a {p}b => (error) ERR syntax error
SINTERCARD 0 {p}a => (error) ERR numkeys should be greater than 0
SINTERCARD -1 {p}a => (error) ERR numkeys should be greater than 0
SINTERCARD x {p}a => (error) ERR numkeys should be greater than 0
SINTERCARD 1.0 {p}a => (error) ERR numkeys should be greater than 0
SINTERCARD 9223372036854775808 {p}a => (error) ERR numkeys should be greater than 0
SINTERCARD 3 {p}a {p}b => (error) ERR Number of keys can't be greater than number of args
SINTERCARD 2 {p}a => (error) ERR Number of keys can't be greater than number of args
# numkeys alone says which arguments are keys: here LIMIT is the second key, a missing one.
SINTERCARD 2 {p}a LIMIT => (integer) 0
SINTERCARD 9223372036854775807 {p}a => (error) ERR Number of keys can't be greater than number of args
SINTERCARD 2 {p}a {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTERCARD 2 {p}none {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTERCARD 2 {p}hash {p}a LIMIT 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SINTERCARD 2 {p}str {p}a LIMIT -1 => (error) ERR LIMIT can't be negative
SINTERCARD 3 {p}str {p}a => (error) ERR Number of keys can't be greater than number of args
SINTERCARD 0 {p}str => (error) ERR numkeys should be greater than 0
SINTERCARD 1 => (error) ERR wrong number of arguments for 'sintercard' command
SINTERCARD => (error) ERR wrong number of arguments for 'sintercard' command
# SSCAN: an intset is scanned whole in one call, whatever the cursor and COUNT. The cursor is
# parsed before the key is looked up; MATCH and COUNT only once it exists as a set.
SADD {p}n 30 -2 7 11 100 => (integer) 5
SSCAN {p}n 0 => ["0", ["-2", "7", "11", "30", "100"]]
SSCAN {p}n 0 MATCH 1* => ["0", ["11", "100"]]
SSCAN {p}n 0 MATCH -* => ["0", ["-2"]]
SSCAN {p}n 0 MATCH nothing => ["0", []]
SSCAN {p}n 0 COUNT 1 => ["0", ["-2", "7", "11", "30", "100"]]
SSCAN {p}n 12345 => ["0", ["-2", "7", "11", "30", "100"]]
SSCAN {p}n -1 => ["0", ["-2", "7", "11", "30", "100"]]
SSCAN {p}n "" => ["0", ["-2", "7", "11", "30", "100"]]
SSCAN {p}n 18446744073709551615 => ["0", ["-2", "7", "11", "30", "100"]]
SSCAN {p}n 0 match *0 count 2 => ["0", ["30", "100"]]
SSCAN {p}n 0 MATCH [13]* COUNT 100 => ["0", ["11", "30", "100"]]
SSCAN {p}w 0 MATCH b* => ["0", ["banana"]]
SSCAN {p}w 0 MATCH "*\x00*" => ["0", ["a b\x00c"]]
SSCAN {p}n 0 COUNT 0 => (error) ERR syntax error
SSCAN {p}n 0 COUNT -1 => (error) ERR syntax error
SSCAN {p}n 0 COUNT x => (error) ERR value is not an integer or out of range
SSCAN {p}n 0 MATCH => (error) ERR syntax error
SSCAN {p}n 0 FOO bar => (error) ERR syntax error
SSCAN {p}n x => (error) ERR invalid cursor
SSCAN {p}n 18446744073709551616 => (error) ERR invalid cursor
SSCAN {p}n " 1" => (error) ERR invalid cursor
SSCAN {p}n => (error) ERR wrong number of arguments for 'sscan' command
SSCAN {p}none 0 => ["0", []]
SSCAN {p}none x => (error) ERR invalid cursor
SSCAN {p}none 0 COUNT 0 => ["0", []]
SSCAN {p}none 0 FOO => ["0", []]
SSCAN {p}str 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SSCAN {p}str x => (error) ERR invalid cursor
SSCAN {p}str 0 COUNT 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SSCAN {p}hash 0 FOO => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# Set commands on string, hash and list keys.
SADD {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SREM {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMEMBERS {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SISMEMBER {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMISMEMBER {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SCARD {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SPOP {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SPOP {p}str 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SPOP {p}str 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SPOP {p}str -1 => (error) ERR value is out of range, must be positive
SRANDMEMBER {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SRANDMEMBER {p}str -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SRANDMEMBER {p}str x => (error) ERR value is not an integer or out of range
SINTER {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SUNIONSTORE {p}d {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SADD {p}hash a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SCARD {p}hash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMEMBERS {p}hash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SISMEMBER {p}list a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SADD {p}list a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SPOP {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SRANDMEMBER {p}list 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GET {p}str => "text"
HGETALL {p}hash => ["f", "v"]
LRANGE {p}list 0 -1 => ["a"]
# String, hash and list commands on a set key.
SADD {p}k b a => (integer) 2
GET {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
APPEND {p}k x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
INCR {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
STRLEN {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETRANGE {p}k 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SETRANGE {p}k 0 x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETDEL {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GETEX {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SETBIT {p}k 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITCOUNT {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGET {p}k f => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HSET {p}k f v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGETALL {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HLEN {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPUSH {p}k a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
RPUSH {p}k a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}k 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LLEN {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPOP {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SET {p}k x GET => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SET {p}k x NX => nil
SETNX {p}k x => (integer) 0
MGET {p}k {p}str {p}none => [nil, "text", nil]
SMEMBERS {p}k => unordered ["a", "b"]
SET {p}k x XX => OK
TYPE {p}k => string
GET {p}k => "x"
SCARD {p}k => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SADD {p}k2 a => (integer) 1
SET {p}k2 x => OK
GET {p}k2 => "x"
SADD {p}k3 a => (integer) 1
MSET {p}k3 x => OK
TYPE {p}k3 => string
# Generic commands keep a set whole; a set that empties takes its expiry with it.
SADD {p}g 3 1 2 => (integer) 3
RENAME {p}g {p}g2 => OK
EXISTS {p}g => (integer) 0
TYPE {p}g2 => set
SMEMBERS {p}g2 => ["1", "2", "3"]
OBJECT ENCODING {p}g2 => "intset"
COPY {p}g2 {p}g3 => (integer) 1
SADD {p}g3 4 => (integer) 1
SMEMBERS {p}g3 => ["1", "2", "3", "4"]
SMEMBERS {p}g2 => ["1", "2", "3"]
COPY {p}g2 {p}g3 => (integer) 0
COPY {p}str {p}g3 REPLACE => (integer) 1
TYPE {p}g3 => string
COPY {p}g2 {p}g3 REPLACE => (integer) 1
SMEMBERS {p}g3 => ["1", "2", "3"]
OBJECT ENCODING {p}g3 => "intset"
COPY {p}w {p}w2 => (integer) 1
OBJECT ENCODING {p}w2 => "hashtable"
SMEMBERS {p}w2 => unordered ["", "a b\x00c", "banana", "cherry", "x\r\ny"]
RENAMENX {p}w {p}w2 => (integer) 0
EXPIRE {p}g2 100 => (integer) 1
TTL {p}g2 => (integer) 99..100
SADD {p}g2 9 => (integer) 1
SREM {p}g2 1 => (integer) 1
SMOVE {p}g3 {p}g2 4 => (integer) 0
TTL {p}g2 => (integer) 99..100
SPOP {p}g2 10 => ["2", "3", "9"]
TTL {p}g2 => (integer) -2
EXISTS {p}g2 => (integer) 0
SADD {p}g2 fresh => (integer) 1
TTL {p}g2 => (integer) -1
EXPIRE {p}g3 100 => (integer) 1
PERSIST {p}g3 => (integer) 1
TTL {p}g3 => (integer) -1
EXISTS {p}g2 {p}g3 {p}none {p}g3 => (integer) 3
DEL {p}g2 {p}g3 => (integer) 2
EXISTS {p}g2 => (integer) 0
SCARD {p}g3 => (integer) 0
# Queued set commands run in order; a wrong type fails only its own step.
MULTI => OK
SADD {p}x a b => QUEUED
SCARD {p}x => QUEUED
GET {p}x => QUEUED
SMOVE {p}x {p}y a => QUEUED
SMEMBERS {p}y => QUEUED
EXEC => [(integer) 2, (integer) 2, (error) WRONGTYPE Operation against a key holding the wrong kind of value, (integer) 1, ["a"]]
SMEMBERS {p}x => ["b"]
"#;

/// Sorted set values: every sorted set command on missing keys, small sorted sets (a listpack
/// in Redis, ordered by score and then by member bytes) and the wrong type, and the string,
/// hash, list, set and generic commands on a sorted set. Scores print as Redis 7.0 prints a
/// double (`%.17g`: 0.1 is "0.10000000000000001", 1e20 is "1e+20", infinities "inf" and
/// "-inf"); a stored -0 reads back as "0", though ZINCRBY and ZADD INCR answer "-0" for it.
/// Scores and score bounds are read with strtod, so hex, "+5" and ".5" are numbers; a bound
/// may also be empty (0) or "(" alone (exclusive 0), and overflows to an infinity, where a
/// score that overflows is refused. Redis checks ZADD's flags, its pair count and its scores,
/// the bounds and ranks of every range command, LIMIT, ZPOPMIN's and ZPOPMAX's counts,
/// ZRANDMEMBER's count and ZSCAN's cursor before it looks at the key, so those errors win over
/// WRONGTYPE and over a missing key; ZSCAN's COUNT and MATCH only once the sorted set is found.
/// ZRANDMEMBER appears only where its answer cannot vary; with a count at least the size it
/// returns every member but not in score order, so those replies are compared `unordered`.
pub const ZSETS: &str = r#"
# A missing key reads as an empty sorted set.
ZCARD {p}z => (integer) 0
ZSCORE {p}z a => nil
ZMSCORE {p}z a b => [nil, nil]
ZRANK {p}z a => nil
ZREVRANK {p}z a => nil
ZCOUNT {p}z -inf +inf => (integer) 0
ZLEXCOUNT {p}z - + => (integer) 0
ZRANGE {p}z 0 -1 => []
ZRANGE {p}z 0 -1 WITHSCORES => []
ZRANGEBYSCORE {p}z -inf +inf => []
ZREVRANGEBYSCORE {p}z +inf -inf => []
ZREVRANGE {p}z 0 -1 => []
ZRANGEBYLEX {p}z - + => []
ZREVRANGEBYLEX {p}z + - => []
ZPOPMIN {p}z => []
ZPOPMAX {p}z => []
ZPOPMIN {p}z 2 => []
ZPOPMAX {p}z 0 => []
ZREM {p}z a => (integer) 0
ZREMRANGEBYRANK {p}z 0 -1 => (integer) 0
ZREMRANGEBYSCORE {p}z -inf +inf => (integer) 0
ZREMRANGEBYLEX {p}z - + => (integer) 0
ZRANDMEMBER {p}z => nil
ZRANDMEMBER {p}z 3 => []
ZRANDMEMBER {p}z -3 WITHSCORES => []
ZSCAN {p}z 0 => ["0", []]
TYPE {p}z => none
EXISTS {p}z => (integer) 0
# ZADD answers how many members are new; the set is ordered by score, ties by member bytes.
ZADD {p}z 1 one 2 two 3 three => (integer) 3
ZADD {p}z 2 deux 2 dos 1.5 half -1 minus => (integer) 4
ZRANGE {p}z 0 -1 => ["minus", "one", "half", "deux", "dos", "two", "three"]
ZRANGE {p}z 0 -1 WITHSCORES => ["minus", "-1", "one", "1", "half", "1.5", "deux", "2", "dos", "2", "two", "2", "three", "3"]
ZCARD {p}z => (integer) 7
TYPE {p}z => zset
OBJECT ENCODING {p}z => "listpack"
EXISTS {p}z => (integer) 1
ZSCORE {p}z half => "1.5"
ZSCORE {p}z three => "3"
ZSCORE {p}z minus => "-1"
ZSCORE {p}z nope => nil
ZMSCORE {p}z one nope half => ["1", nil, "1.5"]
ZRANK {p}z minus => (integer) 0
ZRANK {p}z dos => (integer) 4
ZRANK {p}z three => (integer) 6
ZRANK {p}z nope => nil
ZREVRANK {p}z three => (integer) 0
ZREVRANK {p}z minus => (integer) 6
ZREVRANK {p}z nope => nil
# A member named twice in one ZADD counts once and keeps its last score.
ZADD {p}d 1 a 2 a 3 b => (integer) 2
ZRANGE {p}d 0 -1 WITHSCORES => ["a", "2", "b", "3"]
ZADD {p}d 5 a => (integer) 0
ZSCORE {p}d a => "5"
ZADD {p}d 5 a => (integer) 0
ZADD {p}d CH 5 a 6 b 7 c => (integer) 2
ZRANGE {p}d 0 -1 WITHSCORES => ["a", "5", "b", "6", "c", "7"]
# How Redis 7.0 prints scores.
ZADD {p}f 0.1 a 3 b 1e20 c -0 d 1.5 e -2.5 f 100000000000000000 g 0.3 h => (integer) 8
# strtod reads scores, so a sign, a bare point and hex are accepted.
ZADD {p}f 1e-5 i 123456789012345678 j 1.0 k 3.14159 l +5 m .5 n 5. o 0x10 p => (integer) 8
ZRANGE {p}f 0 4 WITHSCORES => ["f", "-2.5", "d", "0", "i", "1.0000000000000001e-05", "a", "0.10000000000000001", "h", "0.29999999999999999"]
ZRANGE {p}f 5 10 WITHSCORES => ["n", "0.5", "k", "1", "e", "1.5", "b", "3", "l", "3.1415899999999999", "m", "5"]
ZRANGE {p}f 11 -1 WITHSCORES => ["o", "5", "p", "16", "g", "1e+17", "j", "1.2345678901234568e+17", "c", "1e+20"]
ZSCORE {p}f d => "0"
ZSCORE {p}f c => "1e+20"
ZSCORE {p}f i => "1.0000000000000001e-05"
ZADD {p}f inf pinf -inf ninf => (integer) 2
ZADD {p}f +inf pinf2 -INF ninf2 Infinity pinf3 => (integer) 3
ZSCORE {p}f pinf => "inf"
ZSCORE {p}f ninf => "-inf"
ZRANGE {p}f 0 0 WITHSCORES => ["ninf", "-inf"]
ZRANGE {p}f -1 -1 WITHSCORES => ["pinf3", "inf"]
ZINCRBY {p}f 1 pinf => "inf"
ZINCRBY {p}f -inf pinf => (error) ERR resulting score is not a number (NaN)
ZSCORE {p}f pinf => "inf"
ZINCRBY {p}f 1 ninf => "-inf"
# Bad scores are refused before the key is looked at.
ZADD {p}f abc x => (error) ERR value is not a valid float
ZADD {p}f nan x => (error) ERR value is not a valid float
ZADD {p}f NaN x => (error) ERR value is not a valid float
ZADD {p}f 1e400 x => (error) ERR value is not a valid float
ZADD {p}f -1e400 x => (error) ERR value is not a valid float
ZADD {p}f "" x => (error) ERR value is not a valid float
ZADD {p}f " 1" x => (error) ERR value is not a valid float
ZADD {p}f "1 " x => (error) ERR value is not a valid float
ZADD {p}f 1 x abc y => (error) ERR value is not a valid float
ZSCORE {p}f x => nil
ZADD {p}f 1 => (error) ERR wrong number of arguments for 'zadd' command
ZADD {p}f 1 x 2 => (error) ERR syntax error
ZADD {p}f => (error) ERR wrong number of arguments for 'zadd' command
ZADD {p}f NX => (error) ERR wrong number of arguments for 'zadd' command
ZADD {p}f NX 1 => (error) ERR syntax error
ZADD {p}f INCR => (error) ERR wrong number of arguments for 'zadd' command
ZADD {p}nokey 1 => (error) ERR wrong number of arguments for 'zadd' command
ZADD {p}nokey 1 a 2 => (error) ERR syntax error
ZADD {p}nokey abc a => (error) ERR value is not a valid float
# Flag conflicts come first, then the pair count, then the scores.
ZADD {p}nokey NX XX abc a => (error) ERR XX and NX options at the same time are not compatible
ZADD {p}nokey abc a 2 => (error) ERR syntax error
ZADD {p}nokey INCR abc a 1 b => (error) ERR INCR option supports a single increment-element pair
ZADD {p}nokey INCR NX XX 1 a 1 b => (error) ERR XX and NX options at the same time are not compatible
ZADD {p}nokey GT LT INCR 1 a 1 b => (error) ERR GT, LT, and/or NX options at the same time are not compatible
ZADD {p}nokey 1 a NX 2 => (error) ERR value is not a valid float
ZADD {p}nokey 1 a NX 2 b => (error) ERR syntax error
# Flags.
ZADD {p}g 1 a 2 b => (integer) 2
ZADD {p}g NX 5 a 3 c => (integer) 1
ZRANGE {p}g 0 -1 WITHSCORES => ["a", "1", "b", "2", "c", "3"]
ZADD {p}g XX 5 a 4 d => (integer) 0
ZRANGE {p}g 0 -1 WITHSCORES => ["b", "2", "c", "3", "a", "5"]
ZADD {p}g XX CH 6 a 4 d => (integer) 1
ZADD {p}g GT 1 a 10 b 7 e => (integer) 1
ZRANGE {p}g 0 -1 WITHSCORES => ["c", "3", "a", "6", "e", "7", "b", "10"]
ZADD {p}g GT CH 1 a 11 b => (integer) 1
ZADD {p}g LT CH 1 a 20 b 8 f => (integer) 2
ZRANGE {p}g 0 -1 WITHSCORES => ["a", "1", "c", "3", "e", "7", "f", "8", "b", "11"]
ZADD {p}g XX GT CH 2 a 2 b 9 nope => (integer) 1
ZRANGE {p}g 0 -1 WITHSCORES => ["a", "2", "c", "3", "e", "7", "f", "8", "b", "11"]
ZADD {p}g nx xx 1 a => (error) ERR XX and NX options at the same time are not compatible
ZADD {p}g NX GT 1 a => (error) ERR GT, LT, and/or NX options at the same time are not compatible
ZADD {p}g NX LT 1 a => (error) ERR GT, LT, and/or NX options at the same time are not compatible
ZADD {p}g GT LT 1 a => (error) ERR GT, LT, and/or NX options at the same time are not compatible
ZADD {p}g NX XX GT LT 1 a => (error) ERR XX and NX options at the same time are not compatible
ZADD {p}g INCR 1 a 2 b => (error) ERR INCR option supports a single increment-element pair
ZADD {p}g INCR NX 1 a 2 b => (error) ERR INCR option supports a single increment-element pair
ZADD {p}nokey NX XX 1 a => (error) ERR XX and NX options at the same time are not compatible
ZADD {p}nokey GT LT 1 a => (error) ERR GT, LT, and/or NX options at the same time are not compatible
ZADD {p}nokey INCR 1 a 2 b => (error) ERR INCR option supports a single increment-element pair
ZADD {p}nokey NX GT 1 a => (error) ERR GT, LT, and/or NX options at the same time are not compatible
ZADD {p}g CH CH NX NX 100 z => (integer) 1
ZADD {p}g XX XX 101 z => (integer) 0
ZSCORE {p}g z => "101"
ZADD {p}g 1 CH => (integer) 1
ZADD {p}g CH => (error) ERR wrong number of arguments for 'zadd' command
ZADD {p}g INCR 2.5 a => "4.5"
ZADD {p}g INCR -0.5 new => "-0.5"
ZADD {p}g INCR NX 1 a => nil
ZADD {p}g INCR XX 1 absent => nil
ZADD {p}g INCR GT -1 a => nil
ZADD {p}g INCR LT 1 a => nil
ZADD {p}g INCR GT 1 a => "5.5"
ZADD {p}g INCR LT -1 a => "4.5"
ZADD {p}g INCR XX 1 a => "5.5"
ZADD {p}g INCR NX 1 brandnew => "1"
ZADD {p}g INCR CH 1 a => "6.5"
ZADD {p}g INCR GT 5 fresh => "5"
ZADD {p}g INCR LT 5 fresh2 => "5"
ZSCORE {p}g a => "6.5"
ZADD {p}g INCR 0.1 h => "0.10000000000000001"
ZADD {p}g INCR 0.2 h => "0.30000000000000004"
ZADD {p}g INCR inf h => "inf"
ZADD {p}g INCR -inf h => (error) ERR resulting score is not a number (NaN)
ZSCORE {p}g h => "inf"
ZADD {p}g INCR abc h => (error) ERR value is not a valid float
ZADD {p}g GT 5 gt1 => (integer) 1
ZADD {p}g LT 5 lt1 => (integer) 1
ZADD {p}g XX 5 xx1 => (integer) 0
ZSCORE {p}g gt1 => "5"
ZSCORE {p}g xx1 => nil
# ZINCRBY adds to a score, creating the member or the key.
ZINCRBY {p}i 2 a => "2"
ZINCRBY {p}i 0.5 a => "2.5"
ZINCRBY {p}i -10 a => "-7.5"
ZINCRBY {p}i 0.1 b => "0.10000000000000001"
ZINCRBY {p}i 0.2 b => "0.30000000000000004"
ZINCRBY {p}i 1e20 c => "1e+20"
ZINCRBY {p}i 0 d => "0"
ZINCRBY {p}i -0 e => "-0"
ZSCORE {p}i e => "0"
ZADD {p}i INCR -0 f => "-0"
ZSCORE {p}i f => "0"
ZREM {p}i f => (integer) 1
ZRANGE {p}i 0 -1 WITHSCORES => ["a", "-7.5", "d", "0", "e", "0", "b", "0.30000000000000004", "c", "1e+20"]
ZINCRBY {p}i abc a => (error) ERR value is not a valid float
ZINCRBY {p}i nan a => (error) ERR value is not a valid float
ZINCRBY {p}i inf a => "inf"
ZINCRBY {p}i -inf a => (error) ERR resulting score is not a number (NaN)
ZSCORE {p}i a => "inf"
ZINCRBY {p}i 1e400 a => (error) ERR value is not a valid float
ZINCRBY {p}i 1 => (error) ERR wrong number of arguments for 'zincrby' command
ZINCRBY {p}i 1 a b => (error) ERR wrong number of arguments for 'zincrby' command
ZINCRBY {p}nokey2 abc a => (error) ERR value is not a valid float
EXISTS {p}nokey2 => (integer) 0
# ZREM answers how many were there; removing the last member removes the key.
ZADD {p}r 1 a 2 b 3 c => (integer) 3
ZREM {p}r a x a => (integer) 1
ZREM {p}r nope => (integer) 0
ZRANGE {p}r 0 -1 => ["b", "c"]
ZREM {p}r b c => (integer) 2
EXISTS {p}r => (integer) 0
TYPE {p}r => none
ZREM {p}r => (error) ERR wrong number of arguments for 'zrem' command
# Score ranges: "(" makes a bound exclusive; "-inf" and "+inf" are the ends.
ZADD {p}s -2 m2 -1 m1 0 z0 1 a 1 b 1 c 2 d 2.5 e 3 f => (integer) 9
ZCOUNT {p}s -inf +inf => (integer) 9
ZCOUNT {p}s 1 2 => (integer) 4
ZCOUNT {p}s (1 2 => (integer) 1
ZCOUNT {p}s 1 (2 => (integer) 3
ZCOUNT {p}s (1 (2 => (integer) 0
ZCOUNT {p}s (1 (1 => (integer) 0
ZCOUNT {p}s 3 1 => (integer) 0
ZCOUNT {p}s -inf (0 => (integer) 2
ZCOUNT {p}s (-inf (+inf => (integer) 9
ZCOUNT {p}s inf -inf => (integer) 0
ZCOUNT {p}s 2.5 2.5 => (integer) 1
ZCOUNT {p}s -1.5 0.5 => (integer) 2
ZCOUNT {p}s a 1 => (error) ERR min or max is not a float
ZCOUNT {p}s 1 ((2 => (error) ERR min or max is not a float
ZCOUNT {p}s nan 2 => (error) ERR min or max is not a float
ZCOUNT {p}s [1 2 => (error) ERR min or max is not a float
ZCOUNT {p}nokey a 1 => (error) ERR min or max is not a float
# strtod reads the bounds: an empty bound is 0, "(" alone is exclusive 0, leading spaces and hex
# are accepted, an overflow is an infinity.
ZCOUNT {p}s "" 2 => (integer) 5
ZCOUNT {p}s ( 2 => (integer) 4
ZCOUNT {p}s " 1" 2 => (integer) 4
ZCOUNT {p}s "1 " 2 => (error) ERR min or max is not a float
ZCOUNT {p}s 0x1 2 => (integer) 4
ZCOUNT {p}s 1e400 2 => (integer) 0
ZCOUNT {p}s -1e400 2 => (integer) 7
ZCOUNT {p}s (inf +inf => (integer) 0
ZCOUNT {p}s -inf (-inf => (integer) 0
ZCOUNT {p}s (nan 2 => (error) ERR min or max is not a float
ZCOUNT {p}s 1 => (error) ERR wrong number of arguments for 'zcount' command
ZRANGEBYSCORE {p}s 1 2 => ["a", "b", "c", "d"]
ZRANGEBYSCORE {p}s (1 2.5 WITHSCORES => ["d", "2", "e", "2.5"]
ZRANGEBYSCORE {p}s -inf +inf LIMIT 2 3 => ["z0", "a", "b"]
ZRANGEBYSCORE {p}s -inf +inf LIMIT 2 -1 => ["z0", "a", "b", "c", "d", "e", "f"]
ZRANGEBYSCORE {p}s -inf +inf LIMIT 2 0 => []
ZRANGEBYSCORE {p}s -inf +inf LIMIT -1 3 => []
ZRANGEBYSCORE {p}s -inf +inf LIMIT 100 3 => []
ZRANGEBYSCORE {p}s -inf +inf WITHSCORES LIMIT 0 2 => ["m2", "-2", "m1", "-1"]
ZRANGEBYSCORE {p}s -inf +inf LIMIT 0 2 WITHSCORES => ["m2", "-2", "m1", "-1"]
ZRANGEBYSCORE {p}s -inf +inf LIMIT 0 => (error) ERR syntax error
ZRANGEBYSCORE {p}s -inf +inf LIMIT a 1 => (error) ERR value is not an integer or out of range
ZRANGEBYSCORE {p}s -inf +inf LIMIT 0 b => (error) ERR value is not an integer or out of range
ZRANGEBYSCORE {p}s -inf +inf FOO => (error) ERR syntax error
ZRANGEBYSCORE {p}s -inf +inf withscores => ["m2", "-2", "m1", "-1", "z0", "0", "a", "1", "b", "1", "c", "1", "d", "2", "e", "2.5", "f", "3"]
ZRANGEBYSCORE {p}s 2 1 => []
ZRANGEBYSCORE {p}s x 1 => (error) ERR min or max is not a float
ZRANGEBYSCORE {p}nokey x 1 => (error) ERR min or max is not a float
ZRANGEBYSCORE {p}nokey 1 2 LIMIT 0 => (error) ERR syntax error
ZRANGEBYSCORE {p}s 1 => (error) ERR wrong number of arguments for 'zrangebyscore' command
ZREVRANGEBYSCORE {p}s 2 1 => ["d", "c", "b", "a"]
ZREVRANGEBYSCORE {p}s 2 (1 WITHSCORES => ["d", "2"]
ZREVRANGEBYSCORE {p}s +inf -inf LIMIT 1 2 => ["e", "d"]
ZREVRANGEBYSCORE {p}s 1 2 => []
ZREVRANGEBYSCORE {p}s x 1 => (error) ERR min or max is not a float
# Rank ranges count from 0 at the lowest score; negative ranks count from the end.
ZRANGE {p}s 0 2 => ["m2", "m1", "z0"]
ZRANGE {p}s -3 -1 => ["d", "e", "f"]
ZRANGE {p}s 2 1 => []
ZRANGE {p}s -100 1 => ["m2", "m1"]
ZRANGE {p}s 7 100 => ["e", "f"]
ZRANGE {p}s 100 200 => []
ZRANGE {p}s 0 0 WITHSCORES => ["m2", "-2"]
ZRANGE {p}s 0 1 REV => ["f", "e"]
ZRANGE {p}s 0 1 REV WITHSCORES => ["f", "3", "e", "2.5"]
ZRANGE {p}s a 1 => (error) ERR value is not an integer or out of range
ZRANGE {p}s 0 1.5 => (error) ERR value is not an integer or out of range
ZRANGE {p}s (0 1 => (error) ERR value is not an integer or out of range
ZRANGE {p}nokey a 1 => (error) ERR value is not an integer or out of range
ZRANGE {p}s 0 => (error) ERR wrong number of arguments for 'zrange' command
ZRANGE {p}s 0 1 FOO => (error) ERR syntax error
ZRANGE {p}s 0 -1 LIMIT 0 1 => (error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
ZRANGE {p}nokey 0 -1 LIMIT 0 1 => (error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
ZRANGE {p}s 0 -1 BYLEX => (error) ERR min or max not valid string range item
ZRANGE {p}s 0 -1 WITHSCORES WITHSCORES => ["m2", "-2", "m1", "-1", "z0", "0", "a", "1", "b", "1", "c", "1", "d", "2", "e", "2.5", "f", "3"]
ZRANGE {p}s 0 1 rev withscores => ["f", "3", "e", "2.5"]
ZREVRANGE {p}s 0 2 => ["f", "e", "d"]
ZREVRANGE {p}s 0 1 WITHSCORES => ["f", "3", "e", "2.5"]
ZREVRANGE {p}s -2 -1 => ["m1", "m2"]
ZREVRANGE {p}s 0 1 FOO => (error) ERR syntax error
ZREVRANGE {p}s 0 1 REV => (error) ERR syntax error
ZREVRANGE {p}s a 1 => (error) ERR value is not an integer or out of range
# ZRANGE with BYSCORE or BYLEX takes ranges, REV swaps their order, LIMIT pages.
ZRANGE {p}s 1 2 BYSCORE => ["a", "b", "c", "d"]
ZRANGE {p}s (1 +inf BYSCORE WITHSCORES => ["d", "2", "e", "2.5", "f", "3"]
ZRANGE {p}s 2 1 BYSCORE REV => ["d", "c", "b", "a"]
ZRANGE {p}s 1 2 BYSCORE REV => []
ZRANGE {p}s +inf -inf BYSCORE REV LIMIT 1 2 => ["e", "d"]
ZRANGE {p}s -inf +inf BYSCORE LIMIT 1 2 WITHSCORES => ["m1", "-1", "z0", "0"]
ZRANGE {p}s -inf +inf BYSCORE LIMIT 1 -1 => ["m1", "z0", "a", "b", "c", "d", "e", "f"]
ZRANGE {p}s -inf +inf BYSCORE LIMIT -1 1 => []
ZRANGE {p}s -inf +inf BYSCORE LIMIT 1 0 => []
ZRANGE {p}s -inf +inf BYSCORE BYLEX => (error) ERR syntax error
ZRANGE {p}s -inf +inf BYLEX BYSCORE => (error) ERR syntax error
ZRANGE {p}s x 1 BYSCORE => (error) ERR min or max is not a float
ZRANGE {p}nokey x 1 BYSCORE => (error) ERR min or max is not a float
ZRANGE {p}s - + BYLEX WITHSCORES => (error) ERR syntax error, WITHSCORES not supported in combination with BYLEX
ZRANGE {p}nokey - + BYLEX WITHSCORES => (error) ERR syntax error, WITHSCORES not supported in combination with BYLEX
ZRANGE {p}s 1 2 BYSCORE LIMIT 0 => (error) ERR syntax error
ZRANGE {p}s 1 2 BYSCORE LIMIT x 1 => (error) ERR value is not an integer or out of range
ZRANGE {p}s 1 2 REV BYSCORE => []
ZRANGE {p}s 0 -1 REV REV => (error) ERR syntax error
ZRANGE {p}s 1 2 BYSCORE BYSCORE => (error) ERR syntax error
ZRANGE {p}s -inf +inf BYSCORE LIMIT 0 1 LIMIT 1 1 => ["m1"]
ZRANGE {p}s 0 1 LIMIT => (error) ERR syntax error
ZRANGE {p}s 0 9223372036854775807 => ["m2", "m1", "z0", "a", "b", "c", "d", "e", "f"]
ZRANGE {p}s -9223372036854775808 0 => ["m2"]
ZRANGEBYSCORE {p}s 1 1 LIMIT 1 1 => ["b"]
ZRANGEBYSCORE {p}s 1 1 LIMIT 9223372036854775807 1 => []
ZREVRANGEBYSCORE {p}s 2 1 LIMIT 0 -1 WITHSCORES => ["d", "2", "c", "1", "b", "1", "a", "1"]
# Lexical ranges compare member bytes; they are meant for members that all share one score.
ZADD {p}l 0 apple 0 banana 0 cherry 0 date 0 "" 0 Apple 0 b => (integer) 7
ZRANGE {p}l 0 -1 => ["", "Apple", "apple", "b", "banana", "cherry", "date"]
ZRANGEBYLEX {p}l - + => ["", "Apple", "apple", "b", "banana", "cherry", "date"]
ZRANGEBYLEX {p}l [b [cherry => ["b", "banana", "cherry"]
ZRANGEBYLEX {p}l (b (date => ["banana", "cherry"]
ZRANGEBYLEX {p}l [b (b => []
ZRANGEBYLEX {p}l (banana + => ["cherry", "date"]
ZRANGEBYLEX {p}l - [b => ["", "Apple", "apple", "b"]
ZRANGEBYLEX {p}l + - => []
ZRANGEBYLEX {p}l - + LIMIT 1 2 => ["Apple", "apple"]
ZRANGEBYLEX {p}l - + LIMIT 1 -1 => ["Apple", "apple", "b", "banana", "cherry", "date"]
ZRANGEBYLEX {p}l [ + => ["", "Apple", "apple", "b", "banana", "cherry", "date"]
ZRANGEBYLEX {p}l ( + => ["Apple", "apple", "b", "banana", "cherry", "date"]
ZRANGEBYLEX {p}l a + => (error) ERR min or max not valid string range item
ZRANGEBYLEX {p}l - b => (error) ERR min or max not valid string range item
ZRANGEBYLEX {p}l [a -inf => (error) ERR min or max not valid string range item
ZRANGEBYLEX {p}l [a [b WITHSCORES => (error) ERR syntax error, WITHSCORES not supported in combination with BYLEX
ZRANGEBYLEX {p}nokey a + => (error) ERR min or max not valid string range item
ZRANGEBYLEX {p}l [a => (error) ERR wrong number of arguments for 'zrangebylex' command
ZREVRANGEBYLEX {p}l + - => ["date", "cherry", "banana", "b", "apple", "Apple", ""]
ZREVRANGEBYLEX {p}l [cherry [b => ["cherry", "banana", "b"]
ZREVRANGEBYLEX {p}l (date (apple LIMIT 0 2 => ["cherry", "banana"]
ZREVRANGEBYLEX {p}l - + => []
ZREVRANGEBYLEX {p}l a + => (error) ERR min or max not valid string range item
ZRANGE {p}l [b [cherry BYLEX => ["b", "banana", "cherry"]
ZRANGE {p}l [cherry [b BYLEX REV => ["cherry", "banana", "b"]
ZRANGE {p}l - + BYLEX LIMIT 2 2 => ["apple", "b"]
ZRANGE {p}l a + BYLEX => (error) ERR min or max not valid string range item
ZLEXCOUNT {p}l - + => (integer) 7
ZLEXCOUNT {p}l [b [c => (integer) 2
ZLEXCOUNT {p}l (b [date => (integer) 3
ZLEXCOUNT {p}l + - => (integer) 0
ZLEXCOUNT {p}l a + => (error) ERR min or max not valid string range item
ZLEXCOUNT {p}nokey a + => (error) ERR min or max not valid string range item
ZLEXCOUNT {p}l - => (error) ERR wrong number of arguments for 'zlexcount' command
ZRANGEBYLEX {p}l - + LIMIT 0 => (error) ERR syntax error
ZRANGEBYLEX {p}l - + FOO => (error) ERR syntax error
ZRANGE {p}l 0 -1 BYLEX => (error) ERR min or max not valid string range item
# ZPOPMIN and ZPOPMAX take from the ends, scores included; the last member takes the key.
ZADD {p}p 1 a 2 b 3 c 4 d 4 e => (integer) 5
ZPOPMIN {p}p => ["a", "1"]
ZPOPMAX {p}p => ["e", "4"]
ZPOPMIN {p}p 0 => []
ZPOPMAX {p}p 1 => ["d", "4"]
ZPOPMIN {p}p -1 => (error) ERR value is out of range, must be positive
ZPOPMAX {p}p -5 => (error) ERR value is out of range, must be positive
ZPOPMIN {p}p x => (error) ERR value is out of range, must be positive
ZPOPMIN {p}p 1.5 => (error) ERR value is out of range, must be positive
ZPOPMIN {p}nokey -1 => (error) ERR value is out of range, must be positive
ZPOPMIN {p}nokey x => (error) ERR value is out of range, must be positive
ZPOPMIN {p}nokey 0 => []
ZPOPMIN {p}nokey 1 2 => (error) ERR syntax error
ZPOPMIN {p}p 1 2 => (error) ERR syntax error
ZADD {p}p 1.5 x => (integer) 1
ZPOPMAX {p}p 10 => ["c", "3", "b", "2", "x", "1.5"]
EXISTS {p}p => (integer) 0
ZPOPMIN {p}p 10 => []
ZPOPMIN {p}p => []
# ZREMRANGEBY* remove a range and answer how many went.
ZADD {p}q 1 a 2 b 3 c 4 d 5 e 6 f => (integer) 6
ZREMRANGEBYRANK {p}q 0 0 => (integer) 1
ZREMRANGEBYRANK {p}q -2 -1 => (integer) 2
ZREMRANGEBYRANK {p}q 5 10 => (integer) 0
ZREMRANGEBYRANK {p}q 2 1 => (integer) 0
ZRANGE {p}q 0 -1 => ["b", "c", "d"]
ZREMRANGEBYRANK {p}q a 1 => (error) ERR value is not an integer or out of range
ZREMRANGEBYRANK {p}nokey a 1 => (error) ERR value is not an integer or out of range
ZREMRANGEBYSCORE {p}q (2 3 => (integer) 1
ZREMRANGEBYSCORE {p}q 10 20 => (integer) 0
ZREMRANGEBYSCORE {p}q x 1 => (error) ERR min or max is not a float
ZREMRANGEBYSCORE {p}nokey x 1 => (error) ERR min or max is not a float
ZRANGE {p}q 0 -1 => ["b", "d"]
ZREMRANGEBYRANK {p}q 0 -1 => (integer) 2
EXISTS {p}q => (integer) 0
ZADD {p}q 0 a 0 b 0 c 0 d => (integer) 4
ZREMRANGEBYLEX {p}q [b (d => (integer) 2
ZREMRANGEBYLEX {p}q [x + => (integer) 0
ZREMRANGEBYLEX {p}q x + => (error) ERR min or max not valid string range item
ZREMRANGEBYLEX {p}nokey x + => (error) ERR min or max not valid string range item
ZRANGE {p}q 0 -1 => ["a", "d"]
ZREMRANGEBYLEX {p}q - + => (integer) 2
EXISTS {p}q => (integer) 0
ZREMRANGEBYSCORE {p}q 1 => (error) ERR wrong number of arguments for 'zremrangebyscore' command
# ZRANDMEMBER in its deterministic forms.
ZADD {p}one 7 only => (integer) 1
ZRANDMEMBER {p}one => "only"
ZRANDMEMBER {p}one 1 => ["only"]
ZRANDMEMBER {p}one -3 => ["only", "only", "only"]
ZRANDMEMBER {p}one -2 WITHSCORES => ["only", "7", "only", "7"]
ZRANDMEMBER {p}one 0 => []
ZRANDMEMBER {p}one 0 WITHSCORES => []
ZADD {p}rm 3 c 1 a 2 b => (integer) 3
# Redis 7.0 answers a count at least the size with the whole set, not in score order.
ZRANDMEMBER {p}rm 3 => unordered ["a", "b", "c"]
ZRANDMEMBER {p}rm 10 => unordered ["a", "b", "c"]
ZADD {p}same 5 x 5 y 5 z => (integer) 3
ZRANDMEMBER {p}same 10 WITHSCORES => unordered ["5", "5", "5", "x", "y", "z"]
ZRANDMEMBER {p}rm -9223372036854775808 => (error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807
ZRANDMEMBER {p}nokey -9223372036854775808 => (error) ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807
ZRANDMEMBER {p}nokey 1 FOO => (error) ERR syntax error
ZRANDMEMBER {p}rm x => (error) ERR value is not an integer or out of range
ZRANDMEMBER {p}rm 1 FOO => (error) ERR syntax error
ZRANDMEMBER {p}rm 1 WITHSCORES x => (error) ERR syntax error
ZRANDMEMBER {p}nokey 5 => []
ZRANDMEMBER {p}nokey 5 WITHSCORES => []
ZRANDMEMBER {p}nokey x => (error) ERR value is not an integer or out of range
ZRANDMEMBER {p}rm WITHSCORES => (error) ERR value is not an integer or out of range
# ZSCAN returns a small sorted set whole, scores after members.
ZSCAN {p}rm 0 => ["0", ["a", "1", "b", "2", "c", "3"]]
ZSCAN {p}rm 0 MATCH b* => ["0", ["b", "2"]]
ZSCAN {p}rm 0 MATCH nothing* => ["0", []]
ZSCAN {p}rm 0 COUNT 1 => ["0", ["a", "1", "b", "2", "c", "3"]]
ZSCAN {p}rm 0 COUNT 0 => (error) ERR syntax error
ZSCAN {p}rm 0 COUNT -1 => (error) ERR syntax error
ZSCAN {p}rm 0 COUNT x => (error) ERR value is not an integer or out of range
ZSCAN {p}rm x => (error) ERR invalid cursor
ZSCAN {p}rm 0 FOO => (error) ERR syntax error
ZSCAN {p}rm 0 MATCH => (error) ERR syntax error
ZSCAN {p}nokey 0 => ["0", []]
ZSCAN {p}nokey 0 COUNT 0 => ["0", []]
ZSCAN {p}nokey x => (error) ERR invalid cursor
# Arity errors.
ZCARD => (error) ERR wrong number of arguments for 'zcard' command
ZCARD {p}rm x => (error) ERR wrong number of arguments for 'zcard' command
ZSCORE {p}rm => (error) ERR wrong number of arguments for 'zscore' command
ZSCORE {p}rm a b => (error) ERR wrong number of arguments for 'zscore' command
ZMSCORE {p}rm => (error) ERR wrong number of arguments for 'zmscore' command
ZRANK {p}rm => (error) ERR wrong number of arguments for 'zrank' command
ZRANK {p}rm a b => (error) ERR wrong number of arguments for 'zrank' command
ZREVRANK {p}rm a b => (error) ERR wrong number of arguments for 'zrevrank' command
ZREM {p}rm => (error) ERR wrong number of arguments for 'zrem' command
ZINCRBY {p}rm => (error) ERR wrong number of arguments for 'zincrby' command
ZPOPMIN => (error) ERR wrong number of arguments for 'zpopmin' command
ZPOPMAX => (error) ERR wrong number of arguments for 'zpopmax' command
ZRANGE {p}rm => (error) ERR wrong number of arguments for 'zrange' command
ZREVRANGE {p}rm 0 => (error) ERR wrong number of arguments for 'zrevrange' command
ZRANGEBYLEX {p}rm - => (error) ERR wrong number of arguments for 'zrangebylex' command
ZREVRANGEBYLEX {p}rm + => (error) ERR wrong number of arguments for 'zrevrangebylex' command
ZREVRANGEBYSCORE {p}rm 1 => (error) ERR wrong number of arguments for 'zrevrangebyscore' command
ZREMRANGEBYRANK {p}rm 0 => (error) ERR wrong number of arguments for 'zremrangebyrank' command
ZREMRANGEBYLEX {p}rm - => (error) ERR wrong number of arguments for 'zremrangebylex' command
ZRANDMEMBER => (error) ERR wrong number of arguments for 'zrandmember' command
ZSCAN {p}rm => (error) ERR wrong number of arguments for 'zscan' command
zadd {p}case 1 Mixed => (integer) 1
zscore {p}case mixed => nil
ZSCORE {p}case Mixed => "1"
# WRONGTYPE both ways.
SET {p}str v => OK
HSET {p}hash f v => (integer) 1
RPUSH {p}list a => (integer) 1
SADD {p}set a => (integer) 1
ZADD {p}str 1 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZADD {p}hash 1 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZADD {p}list 1 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZADD {p}set 1 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZSCORE {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZCARD {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANGE {p}set 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINCRBY {p}hash 1 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZREM {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANK {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZPOPMIN {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANDMEMBER {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZCOUNT {p}str 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZLEXCOUNT {p}str - + => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZMSCORE {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZREMRANGEBYRANK {p}str 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZREMRANGEBYSCORE {p}str 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZREMRANGEBYLEX {p}str - + => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANGEBYSCORE {p}str 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANGEBYLEX {p}str - + => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZREVRANGE {p}str 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZADD {p}str NX XX 1 a => (error) ERR XX and NX options at the same time are not compatible
ZADD {p}str abc a => (error) ERR value is not a valid float
ZRANGE {p}str x 1 BYSCORE => (error) ERR min or max is not a float
ZCOUNT {p}str x 1 => (error) ERR min or max is not a float
ZPOPMIN {p}str -1 => (error) ERR value is out of range, must be positive
ZRANDMEMBER {p}str x => (error) ERR value is not an integer or out of range
ZRANDMEMBER {p}str 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANDMEMBER {p}str 1 FOO => (error) ERR syntax error
ZPOPMIN {p}str 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZPOPMIN {p}str 1 2 => (error) ERR syntax error
ZSCAN {p}str 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZSCAN {p}str x => (error) ERR invalid cursor
ZSCAN {p}str 0 COUNT 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZSCAN {p}str 0 COUNT x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZCOUNT {p}str (1 2 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANGE {p}str a 1 => (error) ERR value is not an integer or out of range
ZRANGE {p}str a 1 BYLEX => (error) ERR min or max not valid string range item
ZRANGE {p}str 0 -1 LIMIT 0 1 => (error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
ZRANGE {p}str - + BYLEX WITHSCORES => (error) ERR syntax error, WITHSCORES not supported in combination with BYLEX
ZRANGE {p}str 0 1 FOO => (error) ERR syntax error
ZRANGE {p}str 0 1 BYSCORE LIMIT x 1 => (error) ERR value is not an integer or out of range
ZRANGEBYSCORE {p}str 0 1 LIMIT 0 => (error) ERR syntax error
ZLEXCOUNT {p}str a + => (error) ERR min or max not valid string range item
ZREMRANGEBYRANK {p}str a 1 => (error) ERR value is not an integer or out of range
ZREMRANGEBYSCORE {p}str x 1 => (error) ERR min or max is not a float
ZREMRANGEBYLEX {p}str x + => (error) ERR min or max not valid string range item
ZINCRBY {p}str abc a => (error) ERR value is not a valid float
ZADD {p}str INCR 1 a 2 b => (error) ERR INCR option supports a single increment-element pair
ZADD {p}str 1 a 2 => (error) ERR syntax error
ZADD {p}w 1 a 2 b => (integer) 2
GET {p}w => (error) WRONGTYPE Operation against a key holding the wrong kind of value
APPEND {p}w x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
INCR {p}w => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGET {p}w a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HSET {p}w a b => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPUSH {p}w a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}w 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SADD {p}w a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SMEMBERS {p}w => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SCARD {p}w => (error) WRONGTYPE Operation against a key holding the wrong kind of value
MGET {p}w {p}str => [nil, "v"]
TYPE {p}w => zset
SET {p}w v => OK
TYPE {p}w => string
GET {p}w => "v"
# Generic commands keep a sorted set whole.
ZADD {p}k 3 c 1 a 2 b => (integer) 3
RENAME {p}k {p}k2 => OK
EXISTS {p}k => (integer) 0
TYPE {p}k2 => zset
ZRANGE {p}k2 0 -1 WITHSCORES => ["a", "1", "b", "2", "c", "3"]
OBJECT ENCODING {p}k2 => "listpack"
COPY {p}k2 {p}k3 => (integer) 1
ZADD {p}k3 4 d => (integer) 1
ZRANGE {p}k3 0 -1 => ["a", "b", "c", "d"]
ZRANGE {p}k2 0 -1 => ["a", "b", "c"]
COPY {p}k2 {p}k3 => (integer) 0
COPY {p}k2 {p}k3 REPLACE => (integer) 1
ZCARD {p}k3 => (integer) 3
EXPIRE {p}k2 100 => (integer) 1
TTL {p}k2 => (integer) 100
ZADD {p}k2 9 z => (integer) 1
ZREM {p}k2 a => (integer) 1
ZINCRBY {p}k2 1 b => "3"
TTL {p}k2 => (integer) 100
ZPOPMIN {p}k2 10 => ["b", "3", "c", "3", "z", "9"]
TTL {p}k2 => (integer) -2
EXISTS {p}k2 => (integer) 0
ZADD {p}k2 1 fresh => (integer) 1
TTL {p}k2 => (integer) -1
EXISTS {p}k2 {p}k3 {p}none {p}k3 => (integer) 3
DEL {p}k2 {p}k3 => (integer) 2
EXISTS {p}k2 => (integer) 0
ZCARD {p}k3 => (integer) 0
# Queued sorted set commands run in order; a wrong type fails only its own step.
MULTI => OK
ZADD {p}x 1 a 2 b => QUEUED
ZCARD {p}x => QUEUED
GET {p}x => QUEUED
ZINCRBY {p}x 5 a => QUEUED
ZRANGE {p}x 0 -1 WITHSCORES => QUEUED
EXEC => [(integer) 2, (integer) 2, (error) WRONGTYPE Operation against a key holding the wrong kind of value, "6", ["b", "2", "a", "6"]]
"#;

/// The multi-key and blocking pops: LMPOP, ZMPOP and the blocking BLPOP, BRPOP, BLMPOP,
/// BZPOPMIN, BZPOPMAX, BZMPOP, BLMOVE and BRPOPLPUSH, on one connection. Keys are tried in the
/// order given and the first that exists decides: its elements, or WRONGTYPE. With nothing to
/// pop the blocking forms wait for their timeout and answer nil; here such a wait is at most
/// 0.05 s, longer timeouts (and 0, for ever) come only where there is something to pop or
/// inside MULTI, where nothing blocks. Redis parses every argument before it looks at a key;
/// it reads the timeout as a long double and rounds it up to whole milliseconds.
pub const BLOCKING_POPS: &str = r#"
# Nothing to pop: LMPOP and ZMPOP answer nil at once, the blocking forms nil once their
# timeout (in seconds, fractions allowed) has passed; no key is created. Redis rounds the
# timeout up to whole milliseconds, so 0.0001 waits 1 ms rather than for ever.
LMPOP 1 {p}l LEFT => nil
LMPOP 3 {p}l {p}l2 {p}l3 RIGHT COUNT 2 => nil
ZMPOP 1 {p}z MIN => nil
ZMPOP 2 {p}z {p}z2 MAX COUNT 10 => nil
BLPOP {p}l 0.01 => nil
BLPOP {p}l {p}l2 {p}l3 0.02 => nil
BRPOP {p}l 0.01 => nil
BLMPOP 0.01 1 {p}l LEFT => nil
BLMPOP 0.01 2 {p}l {p}l2 RIGHT COUNT 3 => nil
BZPOPMIN {p}z 0.01 => nil
BZPOPMAX {p}z {p}z2 0.01 => nil
BZMPOP 0.01 1 {p}z MIN => nil
BZMPOP 0.05 2 {p}z {p}z2 MAX COUNT 2 => nil
BLMOVE {p}l {p}d LEFT RIGHT 0.01 => nil
BRPOPLPUSH {p}l {p}d 0.01 => nil
BLPOP {p}l .02 => nil
BLPOP {p}l 5e-2 => nil
BRPOP {p}l 0x1p-6 => nil
BLPOP {p}l 0.0001 => nil
BLMOVE {p}l {p}d LEFT LEFT 0.0009 => nil
EXISTS {p}l {p}l2 {p}l3 {p}z {p}z2 {p}d => (integer) 0
# BLPOP and BRPOP take one element from the first non-empty list, in the order the keys are
# given, and answer the key with it; LMPOP and BLMPOP answer the key with an array of up to
# COUNT elements, all from that one list. A list that gives up its last element is deleted.
RPUSH {p}l a b c d e => (integer) 5
RPUSH {p}l2 x y z => (integer) 3
BLPOP {p}none {p}l {p}l2 0 => ["{p}l", "a"]
BRPOP {p}none {p}l2 {p}l 0.01 => ["{p}l2", "z"]
BRPOP {p}l {p}l 0.01 => ["{p}l", "e"]
LMPOP 3 {p}none {p}l {p}l2 LEFT => ["{p}l", ["b"]]
LMPOP 2 {p}l {p}l2 RIGHT COUNT 1 => ["{p}l", ["d"]]
LMPOP 2 {p}l {p}l2 left count 10 => ["{p}l", ["c"]]
EXISTS {p}l => (integer) 0
LRANGE {p}l2 0 -1 => ["x", "y"]
BLMPOP 0 2 {p}l {p}l2 RIGHT => ["{p}l2", ["y"]]
BLMPOP 0.01 3 {p}none {p}l {p}l2 LEFT COUNT 5 => ["{p}l2", ["x"]]
EXISTS {p}l2 => (integer) 0
RPUSH {p}l a b c => (integer) 3
LMPOP 1 {p}l RIGHT COUNT 9223372036854775807 => ["{p}l", ["c", "b", "a"]]
EXISTS {p}l => (integer) 0
# Fractional, negative zero, hexadecimal and huge-but-valid timeouts are all fine when there
# is something to pop: the timeout only matters once the command would block. (Rounded up
# to whole milliseconds, -0.0001 becomes 0, and on an empty key would block for ever.)
RPUSH {p}l 1 2 3 4 5 6 7 8 9 => (integer) 9
BLPOP {p}l -0.0001 => ["{p}l", "1"]
BLPOP {p}l -0 => ["{p}l", "2"]
BLPOP {p}l 0x10 => ["{p}l", "3"]
BLPOP {p}l 0X1p3 => ["{p}l", "4"]
BLPOP {p}l 1E1 => ["{p}l", "5"]
BLPOP {p}l 0.0001 => ["{p}l", "6"]
BRPOP {p}l 3600 => ["{p}l", "9"]
BLMPOP 1e15 1 {p}l LEFT => ["{p}l", ["7"]]
BLMOVE {p}l {p}l RIGHT LEFT 0x10 => "8"
LRANGE {p}l 0 -1 => ["8"]
DEL {p}l => (integer) 1
# BLMOVE and BRPOPLPUSH move one element and answer it as a bulk string; the source and the
# destination may be the same list, which rotates it.
RPUSH {p}src 1 2 3 => (integer) 3
BLMOVE {p}src {p}dst LEFT RIGHT 0.05 => "1"
BLMOVE {p}src {p}dst right left 0 => "3"
LRANGE {p}dst 0 -1 => ["3", "1"]
BRPOPLPUSH {p}src {p}dst 0 => "2"
EXISTS {p}src => (integer) 0
LRANGE {p}dst 0 -1 => ["2", "3", "1"]
BLMOVE {p}dst {p}dst LEFT LEFT 0 => "2"
BLMOVE {p}dst {p}dst LEFT RIGHT 0 => "2"
LRANGE {p}dst 0 -1 => ["3", "1", "2"]
BRPOPLPUSH {p}dst {p}dst 0.01 => "2"
LRANGE {p}dst 0 -1 => ["2", "3", "1"]
DEL {p}dst => (integer) 1
# BZPOPMIN and BZPOPMAX answer the key, the member and its score; ZMPOP and BZMPOP the key
# with an array of member-score pairs.
ZADD {p}z 1 a 2 b 3 c 4 d => (integer) 4
ZADD {p}z2 -inf lo 1.5 mid +inf hi => (integer) 3
BZPOPMIN {p}none {p}z {p}z2 0 => ["{p}z", "a", "1"]
BZPOPMAX {p}z2 {p}z 0.01 => ["{p}z2", "hi", "inf"]
BZPOPMIN {p}z2 0 => ["{p}z2", "lo", "-inf"]
ZMPOP 2 {p}none {p}z MIN => ["{p}z", [["b", "2"]]]
ZMPOP 1 {p}z MAX COUNT 1 => ["{p}z", [["d", "4"]]]
BZMPOP 0 2 {p}z {p}z2 min count 10 => ["{p}z", [["c", "3"]]]
EXISTS {p}z => (integer) 0
BZMPOP 0.01 2 {p}z {p}z2 MAX COUNT 2 => ["{p}z2", [["mid", "1.5"]]]
EXISTS {p}z2 => (integer) 0
ZADD {p}z 1 a 2 b 3 c => (integer) 3
ZMPOP 1 {p}z MAX COUNT 2 => ["{p}z", [["c", "3"], ["b", "2"]]]
BZMPOP 0 1 {p}z MIN COUNT 9223372036854775807 => ["{p}z", [["a", "1"]]]
EXISTS {p}z => (integer) 0
# The first key that exists decides: a key of another type there is an error, even when a
# later key has something to pop, but a later key of the wrong type is never looked at.
SET {p}s v => OK
RPUSH {p}l a b c d => (integer) 4
BLPOP {p}s {p}l 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BLPOP {p}l {p}s 0.01 => ["{p}l", "a"]
BRPOP {p}none {p}s {p}l 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BRPOP {p}l {p}s 0 => ["{p}l", "d"]
LMPOP 2 {p}s {p}l LEFT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LMPOP 2 {p}l {p}s LEFT => ["{p}l", ["b"]]
BLMPOP 0.01 2 {p}s {p}l RIGHT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BLMPOP 0.01 2 {p}l {p}s RIGHT => ["{p}l", ["c"]]
EXISTS {p}l => (integer) 0
BLPOP {p}l {p}s 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BLMPOP 0.01 2 {p}none {p}s LEFT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZADD {p}z 1 a 2 b 3 c => (integer) 3
BZPOPMIN {p}s {p}z 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BZPOPMAX {p}z {p}s 0 => ["{p}z", "c", "3"]
ZMPOP 2 {p}s {p}z MIN => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZMPOP 2 {p}z {p}s MIN => ["{p}z", [["a", "1"]]]
BZMPOP 0.01 2 {p}s {p}z MAX => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BZMPOP 0.01 2 {p}z {p}s MAX => ["{p}z", [["b", "2"]]]
BZMPOP 0.01 1 {p}s MIN => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# A list is the wrong type for the sorted set pops and the other way round.
RPUSH {p}l a => (integer) 1
BZPOPMIN {p}l 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZMPOP 1 {p}l MIN => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BZMPOP 0.01 1 {p}l MAX => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZADD {p}z 1 a => (integer) 1
BLPOP {p}z 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LMPOP 1 {p}z LEFT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BLMPOP 0.01 1 {p}z RIGHT => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BLMOVE {p}z {p}d LEFT RIGHT 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# BLMOVE and BRPOPLPUSH refuse a source or a destination of the wrong type and take nothing,
# but an empty source is never compared with the destination.
BLMOVE {p}s {p}d LEFT RIGHT 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BLMOVE {p}l {p}s LEFT RIGHT 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BRPOPLPUSH {p}s {p}d 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BRPOPLPUSH {p}l {p}s 0.01 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BRPOPLPUSH {p}l {p}z 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}l 0 -1 => ["a"]
BLMOVE {p}none {p}s LEFT RIGHT 0.01 => nil
BRPOPLPUSH {p}none {p}s 0.01 => nil
GET {p}s => "v"
TYPE {p}z => zset
EXISTS {p}d {p}none => (integer) 0
DEL {p}s {p}l {p}z => (integer) 3
# Wrong number of arguments.
BLPOP => (error) ERR wrong number of arguments for 'blpop' command
BLPOP {p}l => (error) ERR wrong number of arguments for 'blpop' command
BRPOP {p}l => (error) ERR wrong number of arguments for 'brpop' command
BZPOPMIN {p}z => (error) ERR wrong number of arguments for 'bzpopmin' command
BZPOPMAX => (error) ERR wrong number of arguments for 'bzpopmax' command
LMPOP => (error) ERR wrong number of arguments for 'lmpop' command
LMPOP 1 => (error) ERR wrong number of arguments for 'lmpop' command
LMPOP 1 {p}l => (error) ERR wrong number of arguments for 'lmpop' command
ZMPOP 1 {p}z => (error) ERR wrong number of arguments for 'zmpop' command
BLMPOP 0.01 1 {p}l => (error) ERR wrong number of arguments for 'blmpop' command
BLMPOP 0.01 1 => (error) ERR wrong number of arguments for 'blmpop' command
BZMPOP 0.01 1 {p}z => (error) ERR wrong number of arguments for 'bzmpop' command
BZMPOP => (error) ERR wrong number of arguments for 'bzmpop' command
BLMOVE {p}l {p}d LEFT RIGHT => (error) ERR wrong number of arguments for 'blmove' command
BLMOVE {p}l {p}d LEFT RIGHT 0.01 extra => (error) ERR wrong number of arguments for 'blmove' command
BRPOPLPUSH {p}l {p}d => (error) ERR wrong number of arguments for 'brpoplpush' command
BRPOPLPUSH {p}l {p}d 0.01 extra => (error) ERR wrong number of arguments for 'brpoplpush' command
# numkeys must be a positive integer, and no larger than the keys that follow it allow.
LMPOP 0 {p}l LEFT => (error) ERR numkeys should be greater than 0
LMPOP -1 {p}l LEFT => (error) ERR numkeys should be greater than 0
LMPOP x {p}l LEFT => (error) ERR numkeys should be greater than 0
LMPOP 1.5 {p}l LEFT => (error) ERR numkeys should be greater than 0
LMPOP "" {p}l LEFT => (error) ERR numkeys should be greater than 0
LMPOP 99999999999999999999 {p}l LEFT => (error) ERR numkeys should be greater than 0
LMPOP 2 {p}l LEFT => (error) ERR syntax error
LMPOP 2147483648 {p}l LEFT => (error) ERR syntax error
ZMPOP 0 {p}z MIN => (error) ERR numkeys should be greater than 0
ZMPOP -3 {p}z MIN => (error) ERR numkeys should be greater than 0
ZMPOP two {p}z {p}z2 MIN => (error) ERR numkeys should be greater than 0
ZMPOP 3 {p}z {p}z2 MIN => (error) ERR syntax error
BLMPOP 0.01 0 {p}l LEFT => (error) ERR numkeys should be greater than 0
BLMPOP 0.01 -1 {p}l LEFT => (error) ERR numkeys should be greater than 0
BLMPOP 0.01 x {p}l LEFT => (error) ERR numkeys should be greater than 0
BLMPOP 0.01 2 {p}l LEFT => (error) ERR syntax error
BLMPOP 0.01 1 {p}l {p}l2 LEFT => (error) ERR syntax error
BZMPOP 0.01 0 {p}z MIN => (error) ERR numkeys should be greater than 0
BZMPOP 0.01 -5 {p}z MIN => (error) ERR numkeys should be greater than 0
BZMPOP 0.01 1e1 {p}z MIN => (error) ERR numkeys should be greater than 0
BZMPOP 0.01 3 {p}z MAX => (error) ERR syntax error
# The direction: LEFT or RIGHT for lists, MIN or MAX for sorted sets, in any case.
LMPOP 1 {p}l MIDDLE => (error) ERR syntax error
LMPOP 1 {p}l MIN => (error) ERR syntax error
LMPOP 1 {p}l "" => (error) ERR syntax error
LMPOP 1 {p}l LEFT LEFT => (error) ERR syntax error
ZMPOP 1 {p}z LEFT => (error) ERR syntax error
ZMPOP 1 {p}z min => nil
BLMPOP 0.01 1 {p}l UP => (error) ERR syntax error
BZMPOP 0.01 1 {p}z RIGHT => (error) ERR syntax error
BLMOVE {p}l {p}d UP RIGHT 0.01 => (error) ERR syntax error
BLMOVE {p}l {p}d LEFT DOWN 0.01 => (error) ERR syntax error
BLMOVE {p}l {p}d MIN MAX 0.01 => (error) ERR syntax error
# COUNT must be a positive integer, given at most once, after the direction.
LMPOP 1 {p}l LEFT COUNT 0 => (error) ERR count should be greater than 0
LMPOP 1 {p}l LEFT COUNT -1 => (error) ERR count should be greater than 0
LMPOP 1 {p}l LEFT COUNT x => (error) ERR count should be greater than 0
LMPOP 1 {p}l LEFT COUNT 1.0 => (error) ERR count should be greater than 0
LMPOP 1 {p}l LEFT COUNT 99999999999999999999 => (error) ERR count should be greater than 0
LMPOP 1 {p}l LEFT COUNT => (error) ERR syntax error
LMPOP 1 {p}l LEFT COUNT 1 COUNT 2 => (error) ERR syntax error
LMPOP 1 {p}l COUNT 1 LEFT => (error) ERR syntax error
LMPOP 1 {p}l LEFT COUNT 1 RIGHT => (error) ERR syntax error
LMPOP 1 {p}l LEFT FOO => (error) ERR syntax error
LMPOP 1 {p}l LEFT FOO 1 => (error) ERR syntax error
LMPOP 1 {p}l LEFT COUNT 1 FOO => (error) ERR syntax error
ZMPOP 1 {p}z MIN COUNT 0 => (error) ERR count should be greater than 0
ZMPOP 1 {p}z MIN COUNT -2 => (error) ERR count should be greater than 0
ZMPOP 1 {p}z MIN COUNT two => (error) ERR count should be greater than 0
ZMPOP 1 {p}z MIN COUNT => (error) ERR syntax error
ZMPOP 1 {p}z MIN COUNT 1 COUNT 1 => (error) ERR syntax error
ZMPOP 1 {p}z MIN LIMIT 1 => (error) ERR syntax error
BLMPOP 0.01 1 {p}l LEFT COUNT 0 => (error) ERR count should be greater than 0
BLMPOP 0.01 1 {p}l LEFT COUNT -1 => (error) ERR count should be greater than 0
BLMPOP 0.01 1 {p}l LEFT COUNT => (error) ERR syntax error
BLMPOP 0.01 1 {p}l LEFT COUNT 1 COUNT 1 => (error) ERR syntax error
BLMPOP 0.01 1 {p}l LEFT WITHSCORES => (error) ERR syntax error
BZMPOP 0.01 1 {p}z MIN COUNT 0 => (error) ERR count should be greater than 0
BZMPOP 0.01 1 {p}z MIN COUNT x => (error) ERR count should be greater than 0
BZMPOP 0.01 1 {p}z MAX COUNT => (error) ERR syntax error
BZMPOP 0.01 1 {p}z MAX COUNT 2 COUNT 3 => (error) ERR syntax error
BZMPOP 0.01 1 {p}z MAX FOO => (error) ERR syntax error
# The timeout must be a float that is not negative; one too large for a 64-bit count of
# milliseconds (inf among them) reads as negative on x86-64. There is something to pop, so
# a timeout wrongly accepted takes an element rather than blocking.
RPUSH {p}l keep => (integer) 1
ZADD {p}z 1 keep => (integer) 1
BLPOP {p}l x => (error) ERR timeout is not a float or out of range
BLPOP {p}l "" => (error) ERR timeout is not a float or out of range
BLPOP {p}l 1,5 => (error) ERR timeout is not a float or out of range
BLPOP {p}l "1 " => (error) ERR timeout is not a float or out of range
BLPOP {p}l nan => (error) ERR timeout is not a float or out of range
BLPOP {p}l -1 => (error) ERR timeout is negative
BLPOP {p}l -0.5 => (error) ERR timeout is negative
BLPOP {p}l inf => (error) ERR timeout is negative
BLPOP {p}l +inf => (error) ERR timeout is negative
BLPOP {p}l -inf => (error) ERR timeout is negative
BLPOP {p}l infinity => (error) ERR timeout is negative
BLPOP {p}l 1e20 => (error) ERR timeout is negative
BLPOP {p}l 1e5000 => (error) ERR timeout is not a float or out of range
BLPOP {p}l 9223372036854776 => (error) ERR timeout is negative
BRPOP {p}l x => (error) ERR timeout is not a float or out of range
BRPOP {p}l -1 => (error) ERR timeout is negative
BRPOP {p}l inf => (error) ERR timeout is negative
BZPOPMIN {p}z x => (error) ERR timeout is not a float or out of range
BZPOPMIN {p}z -1 => (error) ERR timeout is negative
BZPOPMIN {p}z inf => (error) ERR timeout is negative
BZPOPMAX {p}z -inf => (error) ERR timeout is negative
BZPOPMAX {p}z 1e20 => (error) ERR timeout is negative
BLMOVE {p}l {p}d LEFT RIGHT x => (error) ERR timeout is not a float or out of range
BLMOVE {p}l {p}d LEFT RIGHT -1 => (error) ERR timeout is negative
BLMOVE {p}l {p}d LEFT RIGHT inf => (error) ERR timeout is negative
BRPOPLPUSH {p}l {p}d x => (error) ERR timeout is not a float or out of range
BRPOPLPUSH {p}l {p}d -0.5 => (error) ERR timeout is negative
BRPOPLPUSH {p}l {p}d -inf => (error) ERR timeout is negative
BLMPOP x 1 {p}l LEFT => (error) ERR timeout is not a float or out of range
BLMPOP -1 1 {p}l LEFT => (error) ERR timeout is negative
BLMPOP inf 1 {p}l LEFT => (error) ERR timeout is negative
BLMPOP 1e20 1 {p}l LEFT => (error) ERR timeout is negative
BZMPOP x 1 {p}z MIN => (error) ERR timeout is not a float or out of range
BZMPOP -1 1 {p}z MIN => (error) ERR timeout is negative
BZMPOP -inf 1 {p}z MIN => (error) ERR timeout is negative
LRANGE {p}l 0 -1 => ["keep"]
ZRANGE {p}z 0 -1 => ["keep"]
DEL {p}l {p}z => (integer) 2
# Redis reads every argument before it looks at a key, so these errors win over WRONGTYPE;
# BLMPOP and BZMPOP check numkeys, the direction and COUNT before the timeout, and BLMOVE
# its directions.
SET {p}s v => OK
BLPOP {p}s -1 => (error) ERR timeout is negative
BZPOPMIN {p}s x => (error) ERR timeout is not a float or out of range
BLMOVE {p}s {p}d LEFT RIGHT -1 => (error) ERR timeout is negative
BLMPOP -1 1 {p}s LEFT => (error) ERR timeout is negative
LMPOP 1 {p}s LEFT COUNT 0 => (error) ERR count should be greater than 0
BLMPOP x 0 {p}l LEFT => (error) ERR numkeys should be greater than 0
BLMPOP x 2 {p}l LEFT => (error) ERR syntax error
BLMPOP x 1 {p}l MIDDLE => (error) ERR syntax error
BLMPOP -1 1 {p}l LEFT COUNT 0 => (error) ERR count should be greater than 0
BZMPOP -1 1 {p}z MIN COUNT 0 => (error) ERR count should be greater than 0
BZMPOP x 1 {p}z MIN FOO => (error) ERR syntax error
BLMOVE {p}l {p}d UP RIGHT x => (error) ERR syntax error
DEL {p}s => (integer) 1
# Inside MULTI nothing blocks: a blocking pop with nothing to take answers nil at once, even
# with timeout 0, and one queued after a push takes the element pushed. Argument errors
# other than arity come out at EXEC, arity errors abort the transaction.
MULTI => OK
BLPOP {p}e 0 => QUEUED
BRPOP {p}e {p}e2 0 => QUEUED
BZPOPMIN {p}ez 0 => QUEUED
BZPOPMAX {p}ez 0 => QUEUED
BLMOVE {p}e {p}d LEFT RIGHT 0 => QUEUED
BRPOPLPUSH {p}e {p}d 0 => QUEUED
BLMPOP 0 1 {p}e LEFT => QUEUED
BZMPOP 0 2 {p}ez {p}ez2 MAX COUNT 2 => QUEUED
RPUSH {p}e x y => QUEUED
BLPOP {p}e 0 => QUEUED
BLMOVE {p}e {p}d RIGHT LEFT 0 => QUEUED
BLPOP {p}e 0 => QUEUED
ZADD {p}ez 1 m => QUEUED
BZPOPMAX {p}ez 0 => QUEUED
BLPOP {p}e -1 => QUEUED
BLMPOP 0 0 {p}e LEFT => QUEUED
BLMOVE {p}e {p}d UP RIGHT 0 => QUEUED
EXEC => [nil, nil, nil, nil, nil, nil, nil, nil, (integer) 2, ["{p}e", "x"], "y", nil, (integer) 1, ["{p}ez", "m", "1"], (error) ERR timeout is negative, (error) ERR numkeys should be greater than 0, (error) ERR syntax error]
EXISTS {p}e {p}ez => (integer) 0
LRANGE {p}d 0 -1 => ["y"]
DEL {p}d => (integer) 1
MULTI => OK
BLPOP {p}e => (error) ERR wrong number of arguments for 'blpop' command
BZPOPMIN {p}ez 0 => QUEUED
EXEC => (error) EXECABORT Transaction discarded because of previous errors.
EXISTS {p}e {p}ez => (integer) 0
"#;

/// The sorted-set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD and
/// ZRANGESTORE. Inputs may be sorted sets or plain sets (every member scoring 1); a missing key
/// is an empty input. Results are ordered by score, then by member bytes. Redis reads numkeys
/// first, then looks up every input (WRONGTYPE), then reads the options; it combines the inputs
/// from the smallest to the largest and turns the NaN of inf - inf or inf * 0 into 0 (with the
/// exceptions for ZINTER's MIN and MAX shown below). A STORE form answers the size of the
/// result and replaces the destination whatever it held, or deletes it for an empty result.
pub const ZSET_ALGEBRA: &str = r#"
# Inputs: sorted sets, a plain set (whose members all score 1) and missing keys, which count
# as empty.
ZADD {p}a 1 x 2 y 3 z => (integer) 3
ZADD {p}b 10 y 20 z 30 w => (integer) 3
SADD {p}s x w v => (integer) 3
# ZUNION: every member of any input, its weighted scores added up by default, ordered by the
# resulting score and then by member bytes.
ZUNION 2 {p}a {p}b => ["x", "y", "z", "w"]
ZUNION 2 {p}a {p}b WITHSCORES => ["x", "1", "y", "12", "z", "23", "w", "30"]
ZUNION 3 {p}a {p}b {p}s WITHSCORES => ["v", "1", "x", "2", "y", "12", "z", "23", "w", "31"]
ZUNION 3 {p}a {p}none {p}b WITHSCORES => ["x", "1", "y", "12", "z", "23", "w", "30"]
ZUNION 1 {p}none => []
ZUNION 1 {p}none WITHSCORES => []
ZUNION 2 {p}none {p}none2 WITHSCORES => []
ZUNION 1 {p}s WITHSCORES => ["v", "1", "w", "1", "x", "1"]
ZUNION 2 {p}s {p}s WITHSCORES => ["v", "2", "w", "2", "x", "2"]
ZUNION 2 {p}a {p}a WITHSCORES => ["x", "2", "y", "4", "z", "6"]
ZUNION 1 {p}a withscores => ["x", "1", "y", "2", "z", "3"]
ZUNION 1 {p}a WITHSCORES WITHSCORES => ["x", "1", "y", "2", "z", "3"]
# ZINTER: the members found in every input; a missing key empties the result.
ZINTER 2 {p}a {p}b => ["y", "z"]
ZINTER 2 {p}a {p}b WITHSCORES => ["y", "12", "z", "23"]
ZINTER 2 {p}b {p}a WITHSCORES => ["y", "12", "z", "23"]
ZINTER 2 {p}a {p}s WITHSCORES => ["x", "2"]
ZINTER 2 {p}b {p}s WITHSCORES => ["w", "31"]
ZINTER 3 {p}a {p}b {p}s WITHSCORES => []
ZINTER 2 {p}a {p}none WITHSCORES => []
ZINTER 2 {p}none {p}a => []
ZINTER 1 {p}a WITHSCORES => ["x", "1", "y", "2", "z", "3"]
ZINTER 2 {p}a {p}a WITHSCORES => ["x", "2", "y", "4", "z", "6"]
ZINTER 3 {p}a {p}a {p}a WEIGHTS 1 2 3 WITHSCORES => ["x", "6", "y", "12", "z", "18"]
ZINTER 2 {p}s {p}s WITHSCORES => ["v", "2", "w", "2", "x", "2"]
ZINTER 1 {p}none WITHSCORES => []
# ZDIFF: the members of the first input that are in none of the others, with the first
# input's scores; it takes no WEIGHTS or AGGREGATE.
ZDIFF 2 {p}a {p}b => ["x"]
ZDIFF 2 {p}a {p}b WITHSCORES => ["x", "1"]
ZDIFF 2 {p}b {p}a WITHSCORES => ["w", "30"]
ZDIFF 3 {p}b {p}a {p}s WITHSCORES => []
ZDIFF 2 {p}s {p}a WITHSCORES => ["v", "1", "w", "1"]
ZDIFF 2 {p}a {p}s WITHSCORES => ["y", "2", "z", "3"]
ZDIFF 1 {p}a WITHSCORES => ["x", "1", "y", "2", "z", "3"]
ZDIFF 2 {p}a {p}none WITHSCORES => ["x", "1", "y", "2", "z", "3"]
ZDIFF 2 {p}none {p}a WITHSCORES => []
ZDIFF 2 {p}a {p}a WITHSCORES => []
ZDIFF 3 {p}a {p}none {p}a => []
ZDIFF 1 {p}none => []
# WEIGHTS gives one factor per key, which multiplies that input's scores (a set's 1s
# included) before they are combined; a weight is any float strtod reads whole, inf included.
ZUNION 2 {p}a {p}b WEIGHTS 2 1 WITHSCORES => ["x", "2", "y", "14", "z", "26", "w", "30"]
ZUNION 2 {p}a {p}b WEIGHTS 1 0.5 WITHSCORES => ["x", "1", "y", "7", "z", "13", "w", "15"]
ZUNION 2 {p}a {p}b WEIGHTS 0.1 0.1 WITHSCORES => ["x", "0.10000000000000001", "y", "1.2", "z", "2.2999999999999998", "w", "3"]
ZUNION 2 {p}a {p}b WEIGHTS -1 1 WITHSCORES => ["x", "-1", "y", "8", "z", "17", "w", "30"]
ZUNION 2 {p}a {p}s WEIGHTS 1 2.5 WITHSCORES => ["y", "2", "v", "2.5", "w", "2.5", "z", "3", "x", "3.5"]
ZUNION 2 {p}a {p}s WEIGHTS 1e1 -0.5 WITHSCORES => ["v", "-0.5", "w", "-0.5", "x", "9.5", "y", "20", "z", "30"]
ZUNION 1 {p}a WEIGHTS 0x10 WITHSCORES => ["x", "16", "y", "32", "z", "48"]
ZUNION 1 {p}a WEIGHTS +3 WITHSCORES => ["x", "3", "y", "6", "z", "9"]
ZUNION 1 {p}a WEIGHTS .5 WITHSCORES => ["x", "0.5", "y", "1", "z", "1.5"]
ZUNION 1 {p}a WEIGHTS 1e-310 WITHSCORES => ["x", "9.9999999999999694e-311", "y", "1.9999999999999939e-310", "z", "2.9999999999999908e-310"]
ZUNION 1 {p}a WEIGHTS inf WITHSCORES => ["x", "inf", "y", "inf", "z", "inf"]
ZUNION 1 {p}a WEIGHTS -inf WITHSCORES => ["x", "-inf", "y", "-inf", "z", "-inf"]
ZUNION 1 {p}a WEIGHTS Infinity WITHSCORES => ["x", "inf", "y", "inf", "z", "inf"]
ZUNION 1 {p}a WEIGHTS 1e308 WITHSCORES => ["x", "1e+308", "y", "inf", "z", "inf"]
ZINTER 2 {p}a {p}b WEIGHTS 0 1 WITHSCORES => ["y", "10", "z", "20"]
ZINTER 2 {p}a {p}b WEIGHTS 3 -0.1 WITHSCORES => ["y", "5", "z", "7"]
ZINTER 2 {p}a {p}s WEIGHTS 1 -1 WITHSCORES => ["x", "0"]
# A zero score times a negative weight, or a negative score times 0, is -0: Redis prints it
# as "-0" in a reply and sorts it with the other zeros, but a stored sorted set keeps 0.
ZADD {p}zero 0 x -1 y 2 z => (integer) 3
ZUNION 1 {p}zero WEIGHTS -1 WITHSCORES => ["z", "-2", "x", "-0", "y", "1"]
ZUNION 1 {p}zero WEIGHTS 0 WITHSCORES => ["x", "0", "y", "-0", "z", "0"]
ZINTER 1 {p}zero WEIGHTS -1 WITHSCORES => ["z", "-2", "x", "-0", "y", "1"]
ZUNIONSTORE {p}zd 1 {p}zero WEIGHTS 0 => (integer) 3
ZRANGE {p}zd 0 -1 WITHSCORES => ["x", "0", "y", "0", "z", "0"]
ZSCORE {p}zd y => "0"
# AGGREGATE picks how the scores of a member combine: SUM (the default), MIN or MAX, in any
# case; WEIGHTS apply first.
ZUNION 2 {p}a {p}b AGGREGATE SUM WITHSCORES => ["x", "1", "y", "12", "z", "23", "w", "30"]
ZUNION 2 {p}a {p}b AGGREGATE MIN WITHSCORES => ["x", "1", "y", "2", "z", "3", "w", "30"]
ZUNION 2 {p}a {p}b AGGREGATE MAX WITHSCORES => ["x", "1", "y", "10", "z", "20", "w", "30"]
ZUNION 2 {p}a {p}b aggregate max withscores => ["x", "1", "y", "10", "z", "20", "w", "30"]
ZUNION 2 {p}a {p}b WEIGHTS 100 1 AGGREGATE MIN WITHSCORES => ["y", "10", "z", "20", "w", "30", "x", "100"]
ZUNION 2 {p}a {p}b AGGREGATE MAX WEIGHTS 1 -1 WITHSCORES => ["w", "-30", "x", "1", "y", "2", "z", "3"]
ZUNION 3 {p}a {p}b {p}s AGGREGATE MIN WITHSCORES => ["v", "1", "w", "1", "x", "1", "y", "2", "z", "3"]
ZINTER 2 {p}a {p}b AGGREGATE MIN WITHSCORES => ["y", "2", "z", "3"]
ZINTER 2 {p}a {p}b AGGREGATE MAX WITHSCORES => ["y", "10", "z", "20"]
ZINTER 2 {p}a {p}b WEIGHTS 10 -1 AGGREGATE MAX WITHSCORES => ["y", "20", "z", "30"]
ZINTER 2 {p}a {p}s AGGREGATE MAX WITHSCORES => ["x", "1"]
# Options may come in any order and repeat; the last WEIGHTS and AGGREGATE win.
ZUNION 2 {p}a {p}b WITHSCORES WEIGHTS 1 2 => ["x", "1", "y", "22", "z", "43", "w", "60"]
ZUNION 2 {p}a {p}b WEIGHTS 1 2 WEIGHTS 3 4 WITHSCORES => ["x", "3", "y", "46", "z", "89", "w", "120"]
ZUNION 2 {p}a {p}b AGGREGATE MIN AGGREGATE max WITHSCORES => ["x", "1", "y", "10", "z", "20", "w", "30"]
ZUNION 2 {p}a {p}b weights 2 2 aggregate sum withscores => ["x", "2", "y", "24", "z", "46", "w", "60"]
# Infinities: inf + -inf and inf times 0 are NaN. ZUNION turns a NaN product into 0 before
# combining it, and a NaN sum into 0. ZINTER does the same for the products of the input it
# walks, the smallest (see below); a NaN product from another input makes a SUM 0 but is
# ignored by MIN and MAX, whose comparisons with NaN are false.
ZADD {p}i inf p -inf n 1 one => (integer) 3
ZADD {p}j -inf p inf n 1 one 5 five => (integer) 4
ZUNION 2 {p}i {p}j WITHSCORES => ["n", "0", "p", "0", "one", "2", "five", "5"]
ZUNION 2 {p}i {p}j AGGREGATE MIN WITHSCORES => ["n", "-inf", "p", "-inf", "one", "1", "five", "5"]
ZUNION 2 {p}i {p}j AGGREGATE MAX WITHSCORES => ["one", "1", "five", "5", "n", "inf", "p", "inf"]
ZUNION 1 {p}i WEIGHTS 0 WITHSCORES => ["n", "0", "one", "0", "p", "0"]
ZUNION 2 {p}i {p}j WEIGHTS 0 1 WITHSCORES => ["p", "-inf", "one", "1", "five", "5", "n", "inf"]
ZUNION 2 {p}i {p}j WEIGHTS 0 1 AGGREGATE MIN WITHSCORES => ["p", "-inf", "n", "0", "one", "0", "five", "5"]
ZUNION 2 {p}i {p}i WITHSCORES => ["n", "-inf", "one", "2", "p", "inf"]
ZUNION 2 {p}i {p}i WEIGHTS 1 -1 WITHSCORES => ["n", "0", "one", "0", "p", "0"]
ZUNION 2 {p}i {p}i WEIGHTS 1 -1 AGGREGATE MIN WITHSCORES => ["n", "-inf", "p", "-inf", "one", "-1"]
ZUNION 2 {p}i {p}i WEIGHTS 1 -1 AGGREGATE MAX WITHSCORES => ["one", "1", "n", "inf", "p", "inf"]
ZUNION 2 {p}a {p}a WEIGHTS 1e308 1e308 WITHSCORES => ["x", "inf", "y", "inf", "z", "inf"]
ZUNION 2 {p}a {p}a WEIGHTS 1e308 -1e308 WITHSCORES => ["x", "0", "y", "0", "z", "0"]
ZUNION 2 {p}a {p}i WEIGHTS inf 0 WITHSCORES => ["n", "0", "one", "0", "p", "0", "x", "inf", "y", "inf", "z", "inf"]
ZINTER 2 {p}i {p}j WITHSCORES => ["n", "0", "p", "0", "one", "2"]
ZINTER 2 {p}i {p}j WEIGHTS 1 0 WITHSCORES => ["n", "0", "p", "0", "one", "1"]
ZINTER 2 {p}i {p}j WEIGHTS 0 1 WITHSCORES => ["p", "-inf", "one", "1", "n", "inf"]
ZINTER 2 {p}i {p}j WEIGHTS 1 0 AGGREGATE MIN WITHSCORES => ["n", "-inf", "one", "0", "p", "inf"]
ZINTER 2 {p}i {p}j WEIGHTS 1 0 AGGREGATE MAX WITHSCORES => ["n", "-inf", "one", "1", "p", "inf"]
ZINTER 2 {p}i {p}j WEIGHTS 0 1 AGGREGATE MIN WITHSCORES => ["p", "-inf", "n", "0", "one", "0"]
ZINTER 2 {p}i {p}j WEIGHTS 0 1 AGGREGATE MAX WITHSCORES => ["p", "0", "one", "1", "n", "inf"]
ZINTER 2 {p}j {p}i WEIGHTS 1 0 AGGREGATE MAX WITHSCORES => ["p", "0", "one", "1", "n", "inf"]
ZINTER 2 {p}i {p}i WEIGHTS 1 0 AGGREGATE MIN WITHSCORES => ["n", "-inf", "one", "0", "p", "inf"]
ZINTER 2 {p}i {p}i WEIGHTS 0 1 AGGREGATE MIN WITHSCORES => ["n", "-inf", "one", "0", "p", "0"]
ZDIFF 2 {p}i {p}a WITHSCORES => ["n", "-inf", "one", "1", "p", "inf"]
# Redis combines the inputs from the smallest to the largest, whatever order they are given
# in, and that order decides how a float sum rounds.
ZADD {p}e1 0.1 x => (integer) 1
ZADD {p}e2 0.2 x 0 y => (integer) 2
ZADD {p}e3 0.3 x 0 y 0 z => (integer) 3
ZUNION 3 {p}e1 {p}e2 {p}e3 WITHSCORES => ["y", "0", "z", "0", "x", "0.60000000000000009"]
ZUNION 3 {p}e3 {p}e2 {p}e1 WITHSCORES => ["y", "0", "z", "0", "x", "0.60000000000000009"]
ZINTER 3 {p}e3 {p}e2 {p}e1 WITHSCORES => ["x", "0.60000000000000009"]
ZADD {p}c2 1e16 x 0 y => (integer) 2
ZADD {p}c3 -1e16 x 0 y 0 z => (integer) 3
ZUNION 3 {p}c3 {p}c2 {p}e1 WEIGHTS 1 1 10 WITHSCORES => ["x", "0", "y", "0", "z", "0"]
ZINTER 3 {p}c3 {p}c2 {p}e1 WEIGHTS 1 1 10 WITHSCORES => ["x", "0"]
ZUNIONSTORE {p}sum 3 {p}e3 {p}e2 {p}e1 => (integer) 3
ZSCORE {p}sum x => "0.60000000000000009"
# Ties in score are ordered by member bytes: "" first, then "-1", digits before uppercase
# before lowercase, "10" before "9".
ZADD {p}t 5 b 5 B 5 aa 5 a 5 10 5 9 5 -1 5 "" 4 last => (integer) 9
SADD {p}ts b 9 zz => (integer) 3
ZUNION 2 {p}t {p}ts WEIGHTS 1 5 WITHSCORES => ["last", "4", "", "5", "-1", "5", "10", "5", "B", "5", "a", "5", "aa", "5", "zz", "5", "9", "10", "b", "10"]
ZINTER 2 {p}t {p}ts WEIGHTS 1 0 => ["9", "b"]
ZDIFF 2 {p}t {p}ts => ["last", "", "-1", "10", "B", "a", "aa"]
ZUNION 1 {p}ts => ["9", "b", "zz"]
# The STORE forms answer the size of the result and replace the destination, whatever type it
# held, dropping its TTL; an empty result deletes it. The destination may be an input.
ZUNIONSTORE {p}d 2 {p}a {p}b => (integer) 4
ZRANGE {p}d 0 -1 WITHSCORES => ["x", "1", "y", "12", "z", "23", "w", "30"]
TYPE {p}d => zset
ZUNIONSTORE {p}d 3 {p}a {p}b {p}s WEIGHTS 1 1 100 AGGREGATE MAX => (integer) 5
ZRANGE {p}d 0 -1 WITHSCORES => ["y", "10", "z", "20", "v", "100", "w", "100", "x", "100"]
ZINTERSTORE {p}d 2 {p}a {p}b => (integer) 2
ZRANGE {p}d 0 -1 WITHSCORES => ["y", "12", "z", "23"]
ZINTERSTORE {p}d 2 {p}a {p}b WEIGHTS 2 0.5 AGGREGATE MIN => (integer) 2
ZRANGE {p}d 0 -1 WITHSCORES => ["y", "4", "z", "6"]
ZDIFFSTORE {p}d 2 {p}b {p}a => (integer) 1
ZRANGE {p}d 0 -1 WITHSCORES => ["w", "30"]
ZDIFFSTORE {p}d 2 {p}s {p}b => (integer) 2
ZRANGE {p}d 0 -1 WITHSCORES => ["v", "1", "x", "1"]
TYPE {p}d => zset
ZUNIONSTORE {p}d 1 {p}s => (integer) 3
ZRANGE {p}d 0 -1 WITHSCORES => ["v", "1", "w", "1", "x", "1"]
ZUNIONSTORE {p}d 2 {p}i {p}j => (integer) 4
ZRANGE {p}d 0 -1 WITHSCORES => ["n", "0", "p", "0", "one", "2", "five", "5"]
EXPIRE {p}d 100 => (integer) 1
ZINTERSTORE {p}d 2 {p}a {p}a => (integer) 3
TTL {p}d => (integer) -1
ZRANGE {p}d 0 -1 WITHSCORES => ["x", "2", "y", "4", "z", "6"]
SET {p}str1 v => OK
ZUNIONSTORE {p}str1 1 {p}a => (integer) 3
TYPE {p}str1 => zset
ZRANGE {p}str1 0 -1 WITHSCORES => ["x", "1", "y", "2", "z", "3"]
RPUSH {p}list1 a => (integer) 1
ZINTERSTORE {p}list1 2 {p}a {p}s => (integer) 1
TYPE {p}list1 => zset
ZRANGE {p}list1 0 -1 WITHSCORES => ["x", "2"]
HSET {p}hash1 f v => (integer) 1
ZDIFFSTORE {p}hash1 2 {p}a {p}s => (integer) 2
TYPE {p}hash1 => zset
ZRANGE {p}hash1 0 -1 WITHSCORES => ["y", "2", "z", "3"]
SADD {p}set2 m => (integer) 1
ZUNIONSTORE {p}set2 1 {p}set2 => (integer) 1
TYPE {p}set2 => zset
ZRANGE {p}set2 0 -1 WITHSCORES => ["m", "1"]
# Empty results: answer 0 and delete the destination, whatever it held.
ZINTERSTORE {p}d 2 {p}a {p}none => (integer) 0
EXISTS {p}d => (integer) 0
ZINTERSTORE {p}d 2 {p}a {p}none => (integer) 0
SET {p}str2 v => OK
ZUNIONSTORE {p}str2 1 {p}none => (integer) 0
EXISTS {p}str2 => (integer) 0
RPUSH {p}list2 a => (integer) 1
ZDIFFSTORE {p}list2 2 {p}a {p}a => (integer) 0
EXISTS {p}list2 => (integer) 0
ZADD {p}d 1 old => (integer) 1
ZDIFFSTORE {p}d 1 {p}none => (integer) 0
EXISTS {p}d => (integer) 0
ZINTERSTORE {p}d 2 {p}b {p}s WEIGHTS 1 1 => (integer) 1
ZRANGE {p}d 0 -1 WITHSCORES => ["w", "31"]
# The destination as one of the inputs: the inputs are read first.
ZADD {p}acc 1 x 2 y => (integer) 2
ZUNIONSTORE {p}acc 2 {p}acc {p}b => (integer) 4
ZRANGE {p}acc 0 -1 WITHSCORES => ["x", "1", "y", "12", "z", "20", "w", "30"]
ZINTERSTORE {p}acc 2 {p}b {p}acc WEIGHTS 1 -1 => (integer) 3
ZRANGE {p}acc 0 -1 WITHSCORES => ["y", "-2", "w", "0", "z", "0"]
ZUNIONSTORE {p}acc 1 {p}acc WEIGHTS 0.5 => (integer) 3
ZRANGE {p}acc 0 -1 WITHSCORES => ["y", "-1", "w", "0", "z", "0"]
ZDIFFSTORE {p}acc 2 {p}acc {p}none => (integer) 3
ZRANGE {p}acc 0 -1 WITHSCORES => ["y", "-1", "w", "0", "z", "0"]
ZDIFFSTORE {p}acc 2 {p}acc {p}b => (integer) 0
EXISTS {p}acc => (integer) 0
# ZINTERCARD counts the intersection, stopping at LIMIT when one above 0 is given. LIMIT must
# be an integer from 0 up; anything else gets the same error.
ZINTERCARD 2 {p}a {p}b => (integer) 2
ZINTERCARD 1 {p}a => (integer) 3
ZINTERCARD 2 {p}a {p}a => (integer) 3
ZINTERCARD 2 {p}a {p}s => (integer) 1
ZINTERCARD 3 {p}a {p}b {p}s => (integer) 0
ZINTERCARD 2 {p}a {p}none => (integer) 0
ZINTERCARD 1 {p}none => (integer) 0
ZINTERCARD 1 {p}s => (integer) 3
ZINTERCARD 1 {p}t => (integer) 9
ZINTERCARD 1 {p}t LIMIT 0 => (integer) 9
ZINTERCARD 1 {p}t LIMIT 1 => (integer) 1
ZINTERCARD 1 {p}t LIMIT 3 => (integer) 3
ZINTERCARD 1 {p}t LIMIT 9 => (integer) 9
ZINTERCARD 1 {p}t LIMIT 100 => (integer) 9
ZINTERCARD 1 {p}t limit 2 => (integer) 2
ZINTERCARD 2 {p}t {p}ts LIMIT 1 => (integer) 1
ZINTERCARD 1 {p}t LIMIT 1 LIMIT 0 => (integer) 9
ZINTERCARD 1 {p}t LIMIT 9223372036854775807 => (integer) 9
ZINTERCARD 1 {p}none LIMIT 1 => (integer) 0
ZINTERCARD 1 {p}t LIMIT -1 => (error) ERR LIMIT can't be negative
ZINTERCARD 1 {p}t LIMIT x => (error) ERR LIMIT can't be negative
ZINTERCARD 1 {p}t LIMIT 1.5 => (error) ERR LIMIT can't be negative
ZINTERCARD 1 {p}t LIMIT "" => (error) ERR LIMIT can't be negative
ZINTERCARD 1 {p}t LIMIT 9223372036854775808 => (error) ERR LIMIT can't be negative
ZINTERCARD 1 {p}none LIMIT -1 => (error) ERR LIMIT can't be negative
ZINTERCARD 1 {p}t LIMIT => (error) ERR syntax error
ZINTERCARD 1 {p}t LIMIT 1 FOO => (error) ERR syntax error
ZINTERCARD 1 {p}t FOO => (error) ERR syntax error
ZINTERCARD 1 {p}t WEIGHTS 1 => (error) ERR syntax error
ZINTERCARD 1 {p}t AGGREGATE MIN => (error) ERR syntax error
ZINTERCARD 1 {p}t WITHSCORES => (error) ERR syntax error
# ZRANGESTORE stores what ZRANGE with the same range arguments would return, scores
# included, and answers how many members it stored.
ZADD {p}src 1 a 2 b 3 c 4 d 5 e => (integer) 5
ZRANGESTORE {p}r {p}src 0 -1 => (integer) 5
ZRANGE {p}r 0 -1 WITHSCORES => ["a", "1", "b", "2", "c", "3", "d", "4", "e", "5"]
ZRANGESTORE {p}r {p}src 1 2 => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["b", "2", "c", "3"]
ZRANGESTORE {p}r {p}src -2 -1 => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["d", "4", "e", "5"]
ZRANGESTORE {p}r {p}src 0 1 REV => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["d", "4", "e", "5"]
ZRANGESTORE {p}r {p}src 3 100 => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["d", "4", "e", "5"]
ZRANGESTORE {p}r {p}src 2 4 BYSCORE => (integer) 3
ZRANGE {p}r 0 -1 WITHSCORES => ["b", "2", "c", "3", "d", "4"]
ZRANGESTORE {p}r {p}src (2 +inf BYSCORE LIMIT 1 2 => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["d", "4", "e", "5"]
ZRANGESTORE {p}r {p}src +inf -inf BYSCORE REV LIMIT 0 2 => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["d", "4", "e", "5"]
ZRANGESTORE {p}r {p}src -inf +inf BYSCORE LIMIT 2 -1 => (integer) 3
ZRANGE {p}r 0 -1 WITHSCORES => ["c", "3", "d", "4", "e", "5"]
ZRANGESTORE {p}r {p}src 4 2 byscore rev => (integer) 3
ZRANGE {p}r 0 -1 WITHSCORES => ["b", "2", "c", "3", "d", "4"]
ZADD {p}lex 0 a 0 b 0 c 0 d => (integer) 4
ZRANGESTORE {p}r {p}lex [b + BYLEX => (integer) 3
ZRANGE {p}r 0 -1 WITHSCORES => ["b", "0", "c", "0", "d", "0"]
ZRANGESTORE {p}r {p}lex (d [b BYLEX REV => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["b", "0", "c", "0"]
ZRANGESTORE {p}r {p}lex - + BYLEX LIMIT 1 2 => (integer) 2
ZRANGE {p}r 0 -1 WITHSCORES => ["b", "0", "c", "0"]
ZRANGESTORE {p}r {p}i 0 -1 => (integer) 3
ZRANGE {p}r 0 -1 WITHSCORES => ["n", "-inf", "one", "1", "p", "inf"]
# An empty range, or a missing source, answers 0 and deletes the destination.
ZRANGESTORE {p}r {p}src 10 20 => (integer) 0
EXISTS {p}r => (integer) 0
ZADD {p}r 1 old => (integer) 1
ZRANGESTORE {p}r {p}src 2 1 => (integer) 0
EXISTS {p}r => (integer) 0
ZADD {p}r 1 old => (integer) 1
ZRANGESTORE {p}r {p}src 10 20 BYSCORE => (integer) 0
EXISTS {p}r => (integer) 0
ZADD {p}r 1 old => (integer) 1
ZRANGESTORE {p}r {p}lex [x + BYLEX => (integer) 0
EXISTS {p}r => (integer) 0
ZADD {p}r 1 old => (integer) 1
ZRANGESTORE {p}r {p}src -inf +inf BYSCORE LIMIT 5 1 => (integer) 0
EXISTS {p}r => (integer) 0
ZADD {p}r 1 old => (integer) 1
ZRANGESTORE {p}r {p}src -inf +inf BYSCORE LIMIT 0 0 => (integer) 0
EXISTS {p}r => (integer) 0
ZADD {p}r 1 old => (integer) 1
ZRANGESTORE {p}r {p}none 0 -1 => (integer) 0
EXISTS {p}r => (integer) 0
ZRANGESTORE {p}r {p}none 0 -1 => (integer) 0
# The destination may hold any type, or be the source.
SET {p}str3 v => OK
EXPIRE {p}str3 100 => (integer) 1
ZRANGESTORE {p}str3 {p}src 0 0 => (integer) 1
TYPE {p}str3 => zset
TTL {p}str3 => (integer) -1
ZRANGE {p}str3 0 -1 WITHSCORES => ["a", "1"]
RPUSH {p}list3 a => (integer) 1
ZRANGESTORE {p}list3 {p}none 0 -1 => (integer) 0
EXISTS {p}list3 => (integer) 0
ZADD {p}self 1 a 2 b 3 c 4 d => (integer) 4
ZRANGESTORE {p}self {p}self 1 2 => (integer) 2
ZRANGE {p}self 0 -1 WITHSCORES => ["b", "2", "c", "3"]
ZRANGESTORE {p}self {p}self 5 6 => (integer) 0
EXISTS {p}self => (integer) 0
# ZRANGESTORE's argument errors, which come before the source is looked at.
ZRANGESTORE {p}r {p}src 0 -1 WITHSCORES => (error) ERR syntax error
ZRANGESTORE {p}r {p}src 0 -1 BYSCORE WITHSCORES => (error) ERR syntax error
ZRANGESTORE {p}r {p}lex - + BYLEX WITHSCORES => (error) ERR syntax error
ZRANGESTORE {p}r {p}src 0 -1 LIMIT 0 1 => (error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
ZRANGESTORE {p}r {p}none 0 -1 LIMIT 0 1 => (error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
ZRANGESTORE {p}r {p}src 0 -1 REV LIMIT 0 1 => (error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
ZRANGESTORE {p}r {p}src x 1 => (error) ERR value is not an integer or out of range
ZRANGESTORE {p}r {p}src 0 1.5 => (error) ERR value is not an integer or out of range
ZRANGESTORE {p}r {p}none x 1 => (error) ERR value is not an integer or out of range
ZRANGESTORE {p}r {p}src x 1 BYSCORE => (error) ERR min or max is not a float
ZRANGESTORE {p}r {p}src 0 -1 BYLEX => (error) ERR min or max not valid string range item
ZRANGESTORE {p}r {p}src 0 1 FOO => (error) ERR syntax error
ZRANGESTORE {p}r {p}src 0 1 REV REV => (error) ERR syntax error
ZRANGESTORE {p}r {p}src 0 1 BYSCORE BYLEX => (error) ERR syntax error
ZRANGESTORE {p}r {p}src 0 1 BYSCORE BYSCORE => (error) ERR syntax error
ZRANGESTORE {p}r {p}src -inf +inf BYSCORE LIMIT 0 => (error) ERR syntax error
ZRANGESTORE {p}r {p}src -inf +inf BYSCORE LIMIT x 1 => (error) ERR value is not an integer or out of range
ZRANGESTORE {p}r {p}src -inf +inf BYSCORE LIMIT 0 1.5 => (error) ERR value is not an integer or out of range
ZRANGESTORE {p}r {p}src 0 1 LIMIT => (error) ERR syntax error
EXISTS {p}r => (integer) 0
# WRONGTYPE: the STORE forms never look at the destination's type, but every input must be a
# sorted set or a set (ZRANGESTORE's source a sorted set), and a missing key does not stop the
# check of the later ones. The inputs are looked up before the options are read, so WRONGTYPE
# wins over an option error, but not over a numkeys error; ZRANGESTORE reads all its
# arguments first. A failed command leaves the destination alone.
SET {p}wstr v => OK
RPUSH {p}wlist a => (integer) 1
HSET {p}whash f v => (integer) 1
ZADD {p}wd 1 keep => (integer) 1
ZUNION 2 {p}a {p}wstr => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNION 2 {p}wstr {p}a WITHSCORES => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTER 2 {p}a {p}wlist => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTER 2 {p}none {p}wlist => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTER 2 {p}wlist {p}none => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZDIFF 2 {p}a {p}whash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZDIFF 2 {p}none {p}whash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZDIFF 2 {p}whash {p}a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTERCARD 2 {p}a {p}wstr => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTERCARD 3 {p}wstr {p}wlist {p}whash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNIONSTORE {p}wd 2 {p}a {p}wstr => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTERSTORE {p}wd 2 {p}whash {p}a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZDIFFSTORE {p}wd 2 {p}a {p}wlist => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNIONSTORE {p}wstr 1 {p}wlist => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GET {p}wstr => "v"
ZRANGESTORE {p}wd {p}wstr 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANGESTORE {p}wd {p}wlist 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANGESTORE {p}wd {p}s 0 -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZRANGESTORE {p}wd {p}whash 0 -1 BYSCORE => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNION 3 {p}wstr {p}wlist {p}whash => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNION 2 {p}a {p}wstr FOO => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNION 2 {p}a {p}wstr WEIGHTS x 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNION 2 {p}a {p}wstr WEIGHTS 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNION 2 {p}wstr {p}a AGGREGATE avg => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNIONSTORE {p}wd 1 {p}wstr WITHSCORES => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZDIFFSTORE {p}wd 1 {p}wstr WITHSCORES => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTERCARD 1 {p}wstr LIMIT -1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZINTERCARD 1 {p}wstr WEIGHTS 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
ZUNION 0 {p}wstr => (error) ERR at least 1 input key is needed for 'zunion' command
ZUNION x {p}wstr => (error) ERR value is not an integer or out of range
ZUNION 3 {p}wstr {p}a => (error) ERR syntax error
ZRANGESTORE {p}wd {p}wstr x 1 => (error) ERR value is not an integer or out of range
ZRANGESTORE {p}wd {p}wstr 0 -1 WITHSCORES => (error) ERR syntax error
ZRANGESTORE {p}wd {p}wstr 0 -1 LIMIT 0 1 => (error) ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX
ZRANGESTORE {p}wd {p}wstr a b BYLEX => (error) ERR min or max not valid string range item
GET {p}wstr => "v"
ZRANGE {p}wd 0 -1 WITHSCORES => ["keep", "1"]
# numkeys: an integer (as Redis reads one: no "+", space or leading zero) of at least 1,
# and no more keys than the arguments that follow.
ZUNION 0 {p}a => (error) ERR at least 1 input key is needed for 'zunion' command
ZUNION -1 {p}a => (error) ERR at least 1 input key is needed for 'zunion' command
ZUNION -9223372036854775808 {p}a => (error) ERR at least 1 input key is needed for 'zunion' command
ZUNION x {p}a => (error) ERR value is not an integer or out of range
ZUNION 1.0 {p}a => (error) ERR value is not an integer or out of range
ZUNION "" {p}a => (error) ERR value is not an integer or out of range
ZUNION +1 {p}a => (error) ERR value is not an integer or out of range
ZUNION 01 {p}a => (error) ERR value is not an integer or out of range
ZUNION " 1" {p}a => (error) ERR value is not an integer or out of range
ZUNION 99999999999999999999 {p}a => (error) ERR value is not an integer or out of range
ZUNION 2 {p}a => (error) ERR syntax error
ZUNION 2147483648 {p}a => (error) ERR syntax error
ZUNION 9223372036854775807 {p}a => (error) ERR syntax error
ZINTER 0 {p}a => (error) ERR at least 1 input key is needed for 'zinter' command
ZINTER x {p}a => (error) ERR value is not an integer or out of range
ZINTER 3 {p}a {p}b => (error) ERR syntax error
ZDIFF 0 {p}a => (error) ERR at least 1 input key is needed for 'zdiff' command
ZDIFF -1 {p}a => (error) ERR at least 1 input key is needed for 'zdiff' command
ZDIFF two {p}a {p}b => (error) ERR value is not an integer or out of range
ZDIFF 3 {p}a {p}b => (error) ERR syntax error
ZINTERCARD 0 {p}a => (error) ERR at least 1 input key is needed for 'zintercard' command
ZINTERCARD -1 {p}a => (error) ERR at least 1 input key is needed for 'zintercard' command
ZINTERCARD x {p}a => (error) ERR value is not an integer or out of range
ZINTERCARD 2 {p}a => (error) ERR syntax error
ZUNIONSTORE {p}d 0 {p}a => (error) ERR at least 1 input key is needed for 'zunionstore' command
ZUNIONSTORE {p}d -1 {p}a => (error) ERR at least 1 input key is needed for 'zunionstore' command
ZUNIONSTORE {p}d x {p}a => (error) ERR value is not an integer or out of range
ZUNIONSTORE {p}d 2 {p}a => (error) ERR syntax error
ZINTERSTORE {p}d 0 {p}a => (error) ERR at least 1 input key is needed for 'zinterstore' command
ZINTERSTORE {p}d 1.5 {p}a => (error) ERR value is not an integer or out of range
ZINTERSTORE {p}d 2 {p}a => (error) ERR syntax error
ZDIFFSTORE {p}d 0 {p}a => (error) ERR at least 1 input key is needed for 'zdiffstore' command
ZDIFFSTORE {p}d x {p}a => (error) ERR value is not an integer or out of range
ZDIFFSTORE {p}d 2 {p}a => (error) ERR syntax error
# WEIGHTS needs one float per key; with too few arguments left it is a syntax error, with
# enough it reads the next numkeys arguments as weights, whatever they are.
ZUNION 2 {p}a {p}b WEIGHTS 1 => (error) ERR syntax error
ZUNION 2 {p}a {p}b WEIGHTS => (error) ERR syntax error
ZUNION 2 {p}a {p}b WEIGHTS 1 2 3 => (error) ERR syntax error
ZUNION 2 {p}a {p}b WEIGHTS 1 AGGREGATE MIN => (error) ERR weight value is not a float
ZUNION 2 {p}a {p}b WEIGHTS 1 WITHSCORES => (error) ERR weight value is not a float
ZUNION 2 {p}a {p}b WEIGHTS 1 x => (error) ERR weight value is not a float
ZUNION 2 {p}a {p}b WEIGHTS x 1 AGGREGATE foo => (error) ERR weight value is not a float
ZUNION 2 {p}a {p}b AGGREGATE foo WEIGHTS x 1 => (error) ERR syntax error
ZUNION 1 {p}a WEIGHTS nan => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS -nan => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS 1e400 => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS -1e400 => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS 1e-400 => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS "" => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS " 1" => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS "1 " => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS 1,5 => (error) ERR weight value is not a float
ZUNION 1 {p}a WEIGHTS abc => (error) ERR weight value is not a float
ZINTER 1 {p}a WEIGHTS abc => (error) ERR weight value is not a float
ZUNIONSTORE {p}d 1 {p}a WEIGHTS abc => (error) ERR weight value is not a float
ZINTERSTORE {p}d 2 {p}a {p}b WEIGHTS 1 => (error) ERR syntax error
ZINTERSTORE {p}d 2 {p}a {p}b WEIGHTS 1 nan => (error) ERR weight value is not a float
ZUNION 1 {p}none WEIGHTS abc => (error) ERR weight value is not a float
ZUNIONSTORE {p}d 1 {p}none WEIGHTS abc => (error) ERR weight value is not a float
# AGGREGATE takes SUM, MIN or MAX.
ZUNION 1 {p}a AGGREGATE avg => (error) ERR syntax error
ZUNION 1 {p}a AGGREGATE => (error) ERR syntax error
ZUNION 1 {p}a AGGREGATE "" => (error) ERR syntax error
ZUNION 1 {p}a AGGREGATE WITHSCORES => (error) ERR syntax error
ZINTER 1 {p}a AGGREGATE count => (error) ERR syntax error
ZUNIONSTORE {p}d 1 {p}a AGGREGATE mean => (error) ERR syntax error
ZINTERSTORE {p}d 1 {p}a AGGREGATE => (error) ERR syntax error
ZUNION 1 {p}none AGGREGATE avg => (error) ERR syntax error
# Options a command does not take: WEIGHTS and AGGREGATE on ZDIFF, ZDIFFSTORE and
# ZINTERCARD, WITHSCORES on the STORE forms, LIMIT anywhere but ZINTERCARD.
ZDIFF 2 {p}a {p}b WEIGHTS 1 1 => (error) ERR syntax error
ZDIFF 1 {p}a AGGREGATE MIN => (error) ERR syntax error
ZDIFFSTORE {p}d 2 {p}a {p}b WEIGHTS 1 1 => (error) ERR syntax error
ZDIFFSTORE {p}d 1 {p}a AGGREGATE SUM => (error) ERR syntax error
ZUNIONSTORE {p}d 1 {p}a WITHSCORES => (error) ERR syntax error
ZINTERSTORE {p}d 1 {p}a WITHSCORES => (error) ERR syntax error
ZDIFFSTORE {p}d 1 {p}a WITHSCORES => (error) ERR syntax error
ZUNION 1 {p}a LIMIT 1 => (error) ERR syntax error
ZINTER 1 {p}a LIMIT 1 => (error) ERR syntax error
ZINTERSTORE {p}d 1 {p}a LIMIT 1 => (error) ERR syntax error
ZUNION 1 {p}a FOO => (error) ERR syntax error
ZDIFF 1 {p}a FOO => (error) ERR syntax error
ZINTERSTORE {p}d 1 {p}a FOO => (error) ERR syntax error
EXISTS {p}d => (integer) 1
# Wrong number of arguments.
ZUNION => (error) ERR wrong number of arguments for 'zunion' command
ZUNION 1 => (error) ERR wrong number of arguments for 'zunion' command
ZINTER => (error) ERR wrong number of arguments for 'zinter' command
ZINTER 1 => (error) ERR wrong number of arguments for 'zinter' command
ZDIFF => (error) ERR wrong number of arguments for 'zdiff' command
ZDIFF 1 => (error) ERR wrong number of arguments for 'zdiff' command
ZINTERCARD => (error) ERR wrong number of arguments for 'zintercard' command
ZINTERCARD 1 => (error) ERR wrong number of arguments for 'zintercard' command
ZUNIONSTORE => (error) ERR wrong number of arguments for 'zunionstore' command
ZUNIONSTORE {p}d => (error) ERR wrong number of arguments for 'zunionstore' command
ZUNIONSTORE {p}d 1 => (error) ERR wrong number of arguments for 'zunionstore' command
ZINTERSTORE {p}d => (error) ERR wrong number of arguments for 'zinterstore' command
ZINTERSTORE {p}d 1 => (error) ERR wrong number of arguments for 'zinterstore' command
ZDIFFSTORE {p}d => (error) ERR wrong number of arguments for 'zdiffstore' command
ZDIFFSTORE {p}d 1 => (error) ERR wrong number of arguments for 'zdiffstore' command
ZRANGESTORE => (error) ERR wrong number of arguments for 'zrangestore' command
ZRANGESTORE {p}d => (error) ERR wrong number of arguments for 'zrangestore' command
ZRANGESTORE {p}d {p}src => (error) ERR wrong number of arguments for 'zrangestore' command
ZRANGESTORE {p}d {p}src 0 => (error) ERR wrong number of arguments for 'zrangestore' command
# Queued in MULTI, an argument error comes out at EXEC and fails only its own command.
MULTI => OK
ZUNIONSTORE {p}m 2 {p}a {p}b => QUEUED
ZINTER 0 {p}a => QUEUED
ZRANGE {p}m 0 0 WITHSCORES => QUEUED
ZINTERCARD 2 {p}m {p}a LIMIT 1 => QUEUED
ZRANGESTORE {p}m {p}m 0 0 REV => QUEUED
ZDIFF 2 {p}a {p}m WITHSCORES => QUEUED
EXEC => [(integer) 4, (error) ERR at least 1 input key is needed for 'zinter' command, ["x", "1"], (integer) 1, (integer) 1, ["x", "1", "y", "2", "z", "3"]]
"#;

/// HyperLogLogs: PFADD, PFCOUNT and PFMERGE. A HyperLogLog is a string value in Redis's format
/// (a 16-byte header, then 16384 six-bit registers, dense or run-length coded as "sparse"),
/// written byte for byte as Redis writes it, and the estimates must match Redis's exactly.
/// PFCOUNT in Redis also writes the count it computed into the header, where raft-kv (for
/// which PFCOUNT is a read) leaves it stale: bytes are compared only on keys PFCOUNT never saw. A list
/// (or any non-string) answers the standard WRONGTYPE; a string without a valid header answers
/// Redis's own `Key is not a valid HyperLogLog string value.`, a valid header over corrupt
/// registers `INVALIDOBJ`. Every key is checked before anything is counted or written.
pub const HYPERLOGLOG: &str = r#"
# PFADD creates the HyperLogLog when the key is missing, with or without elements, and answers
# 1; on an existing one it answers 1 only when some element raised a register, else 0. The
# value is a string.
PFADD {p}h => (integer) 1
PFADD {p}h => (integer) 0
EXISTS {p}h => (integer) 1
TYPE {p}h => string
PFCOUNT {p}h => (integer) 0
PFADD {p}h a b c => (integer) 1
PFADD {p}h a => (integer) 0
PFADD {p}h c b a => (integer) 0
PFADD {p}h a d => (integer) 1
PFADD {p}h d d d => (integer) 0
PFCOUNT {p}h => (integer) 4
PFADD {p}one x => (integer) 1
PFCOUNT {p}one => (integer) 1
PFADD {p}dup y y y y => (integer) 1
PFCOUNT {p}dup => (integer) 1
pfadd {p}case a A => (integer) 1
pfcount {p}case => (integer) 2
PFADD {p}num 1 01 1.0 +1 -1 => (integer) 1
PFCOUNT {p}num => (integer) 5
# Missing keys count as empty and are not created; several keys give the size of their union,
# a key named twice counting once.
PFCOUNT {p}none => (integer) 0
PFCOUNT {p}none {p}none2 => (integer) 0
EXISTS {p}none {p}none2 => (integer) 0
PFCOUNT {p}h {p}none => (integer) 4
PFCOUNT {p}h {p}h => (integer) 4
PFADD {p}h2 c d e f => (integer) 1
PFCOUNT {p}h2 => (integer) 4
PFCOUNT {p}h {p}h2 => (integer) 6
PFCOUNT {p}none {p}h2 {p}h {p}h2 => (integer) 6
PFCOUNT {p}h => (integer) 4
# The empty string and binary elements are elements like any other.
PFADD {p}bin "" => (integer) 1
PFADD {p}bin "" => (integer) 0
PFCOUNT {p}bin => (integer) 1
PFADD {p}bin "\x00" "\x00\x00" "a\x00b" "\xff\xfe" "\r\n" " " "\xc3\xa9" => (integer) 1
PFADD {p}bin "\x00" "\xff\xfe" => (integer) 0
PFCOUNT {p}bin => (integer) 8
PFCOUNT {p}bin {p}h => (integer) 12
# Estimates from a few to a few thousand distinct elements, each added in one PFADD.
PFADD {p}c10 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 => (integer) 1
PFCOUNT {p}c10 => (integer) 10
PFADD {p}c100 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 e14 e15 e16 e17 e18 e19 e20 e21 e22 e23 e24 e25 e26 e27 e28 e29 e30 e31 e32 e33 e34 e35 e36 e37 e38 e39 e40 e41 e42 e43 e44 e45 e46 e47 e48 e49 e50 e51 e52 e53 e54 e55 e56 e57 e58 e59 e60 e61 e62 e63 e64 e65 e66 e67 e68 e69 e70 e71 e72 e73 e74 e75 e76 e77 e78 e79 e80 e81 e82 e83 e84 e85 e86 e87 e88 e89 e90 e91 e92 e93 e94 e95 e96 e97 e98 e99 e100 => (integer) 1
PFCOUNT {p}c100 => (integer) 100
PFADD {p}c100 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 e14 e15 e16 e17 e18 e19 e20 e21 e22 e23 e24 e25 e26 e27 e28 e29 e30 e31 e32 e33 e34 e35 e36 e37 e38 e39 e40 e41 e42 e43 e44 e45 e46 e47 e48 e49 e50 e51 e52 e53 e54 e55 e56 e57 e58 e59 e60 e61 e62 e63 e64 e65 e66 e67 e68 e69 e70 e71 e72 e73 e74 e75 e76 e77 e78 e79 e80 e81 e82 e83 e84 e85 e86 e87 e88 e89 e90 e91 e92 e93 e94 e95 e96 e97 e98 e99 e100 => (integer) 0
PFADD {p}c500 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 e14 e15 e16 e17 e18 e19 e20 e21 e22 e23 e24 e25 e26 e27 e28 e29 e30 e31 e32 e33 e34 e35 e36 e37 e38 e39 e40 e41 e42 e43 e44 e45 e46 e47 e48 e49 e50 e51 e52 e53 e54 e55 e56 e57 e58 e59 e60 e61 e62 e63 e64 e65 e66 e67 e68 e69 e70 e71 e72 e73 e74 e75 e76 e77 e78 e79 e80 e81 e82 e83 e84 e85 e86 e87 e88 e89 e90 e91 e92 e93 e94 e95 e96 e97 e98 e99 e100 e101 e102 e103 e104 e105 e106 e107 e108 e109 e110 e111 e112 e113 e114 e115 e116 e117 e118 e119 e120 e121 e122 e123 e124 e125 e126 e127 e128 e129 e130 e131 e132 e133 e134 e135 e136 e137 e138 e139 e140 e141 e142 e143 e144 e145 e146 e147 e148 e149 e150 e151 e152 e153 e154 e155 e156 e157 e158 e159 e160 e161 e162 e163 e164 e165 e166 e167 e168 e169 e170 e171 e172 e173 e174 e175 e176 e177 e178 e179 e180 e181 e182 e183 e184 e185 e186 e187 e188 e189 e190 e191 e192 e193 e194 e195 e196 e197 e198 e199 e200 e201 e202 e203 e204 e205 e206 e207 e208 e209 e210 e211 e212 e213 e214 e215 e216 e217 e218 e219 e220 e221 e222 e223 e224 e225 e226 e227 e228 e229 e230 e231 e232 e233 e234 e235 e236 e237 e238 e239 e240 e241 e242 e243 e244 e245 e246 e247 e248 e249 e250 e251 e252 e253 e254 e255 e256 e257 e258 e259 e260 e261 e262 e263 e264 e265 e266 e267 e268 e269 e270 e271 e272 e273 e274 e275 e276 e277 e278 e279 e280 e281 e282 e283 e284 e285 e286 e287 e288 e289 e290 e291 e292 e293 e294 e295 e296 e297 e298 e299 e300 e301 e302 e303 e304 e305 e306 e307 e308 e309 e310 e311 e312 e313 e314 e315 e316 e317 e318 e319 e320 e321 e322 e323 e324 e325 e326 e327 e328 e329 e330 e331 e332 e333 e334 e335 e336 e337 e338 e339 e340 e341 e342 e343 e344 e345 e346 e347 e348 e349 e350 e351 e352 e353 e354 e355 e356 e357 e358 e359 e360 e361 e362 e363 e364 e365 e366 e367 e368 e369 e370 e371 e372 e373 e374 e375 e376 e377 e378 e379 e380 e381 e382 e383 e384 e385 e386 e387 e388 e389 e390 e391 e392 e393 e394 e395 e396 e397 e398 e399 e400 e401 e402 e403 e404 e405 e406 e407 e408 e409 e410 e411 e412 e413 e414 e415 e416 e417 e418 e419 e420 e421 e422 e423 e424 e425 e426 e427 e428 e429 e430 e431 e432 e433 e434 e435 e436 e437 e438 e439 e440 e441 e442 e443 e444 e445 e446 e447 e448 e449 e450 e451 e452 e453 e454 e455 e456 e457 e458 e459 e460 e461 e462 e463 e464 e465 e466 e467 e468 e469 e470 e471 e472 e473 e474 e475 e476 e477 e478 e479 e480 e481 e482 e483 e484 e485 e486 e487 e488 e489 e490 e491 e492 e493 e494 e495 e496 e497 e498 e499 e500 => (integer) 1
PFCOUNT {p}c500 => (integer) 506
PFADD {p}c2000 e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 e14 e15 e16 e17 e18 e19 e20 e21 e22 e23 e24 e25 e26 e27 e28 e29 e30 e31 e32 e33 e34 e35 e36 e37 e38 e39 e40 e41 e42 e43 e44 e45 e46 e47 e48 e49 e50 e51 e52 e53 e54 e55 e56 e57 e58 e59 e60 e61 e62 e63 e64 e65 e66 e67 e68 e69 e70 e71 e72 e73 e74 e75 e76 e77 e78 e79 e80 e81 e82 e83 e84 e85 e86 e87 e88 e89 e90 e91 e92 e93 e94 e95 e96 e97 e98 e99 e100 e101 e102 e103 e104 e105 e106 e107 e108 e109 e110 e111 e112 e113 e114 e115 e116 e117 e118 e119 e120 e121 e122 e123 e124 e125 e126 e127 e128 e129 e130 e131 e132 e133 e134 e135 e136 e137 e138 e139 e140 e141 e142 e143 e144 e145 e146 e147 e148 e149 e150 e151 e152 e153 e154 e155 e156 e157 e158 e159 e160 e161 e162 e163 e164 e165 e166 e167 e168 e169 e170 e171 e172 e173 e174 e175 e176 e177 e178 e179 e180 e181 e182 e183 e184 e185 e186 e187 e188 e189 e190 e191 e192 e193 e194 e195 e196 e197 e198 e199 e200 e201 e202 e203 e204 e205 e206 e207 e208 e209 e210 e211 e212 e213 e214 e215 e216 e217 e218 e219 e220 e221 e222 e223 e224 e225 e226 e227 e228 e229 e230 e231 e232 e233 e234 e235 e236 e237 e238 e239 e240 e241 e242 e243 e244 e245 e246 e247 e248 e249 e250 e251 e252 e253 e254 e255 e256 e257 e258 e259 e260 e261 e262 e263 e264 e265 e266 e267 e268 e269 e270 e271 e272 e273 e274 e275 e276 e277 e278 e279 e280 e281 e282 e283 e284 e285 e286 e287 e288 e289 e290 e291 e292 e293 e294 e295 e296 e297 e298 e299 e300 e301 e302 e303 e304 e305 e306 e307 e308 e309 e310 e311 e312 e313 e314 e315 e316 e317 e318 e319 e320 e321 e322 e323 e324 e325 e326 e327 e328 e329 e330 e331 e332 e333 e334 e335 e336 e337 e338 e339 e340 e341 e342 e343 e344 e345 e346 e347 e348 e349 e350 e351 e352 e353 e354 e355 e356 e357 e358 e359 e360 e361 e362 e363 e364 e365 e366 e367 e368 e369 e370 e371 e372 e373 e374 e375 e376 e377 e378 e379 e380 e381 e382 e383 e384 e385 e386 e387 e388 e389 e390 e391 e392 e393 e394 e395 e396 e397 e398 e399 e400 e401 e402 e403 e404 e405 e406 e407 e408 e409 e410 e411 e412 e413 e414 e415 e416 e417 e418 e419 e420 e421 e422 e423 e424 e425 e426 e427 e428 e429 e430 e431 e432 e433 e434 e435 e436 e437 e438 e439 e440 e441 e442 e443 e444 e445 e446 e447 e448 e449 e450 e451 e452 e453 e454 e455 e456 e457 e458 e459 e460 e461 e462 e463 e464 e465 e466 e467 e468 e469 e470 e471 e472 e473 e474 e475 e476 e477 e478 e479 e480 e481 e482 e483 e484 e485 e486 e487 e488 e489 e490 e491 e492 e493 e494 e495 e496 e497 e498 e499 e500 e501 e502 e503 e504 e505 e506 e507 e508 e509 e510 e511 e512 e513 e514 e515 e516 e517 e518 e519 e520 e521 e522 e523 e524 e525 e526 e527 e528 e529 e530 e531 e532 e533 e534 e535 e536 e537 e538 e539 e540 e541 e542 e543 e544 e545 e546 e547 e548 e549 e550 e551 e552 e553 e554 e555 e556 e557 e558 e559 e560 e561 e562 e563 e564 e565 e566 e567 e568 e569 e570 e571 e572 e573 e574 e575 e576 e577 e578 e579 e580 e581 e582 e583 e584 e585 e586 e587 e588 e589 e590 e591 e592 e593 e594 e595 e596 e597 e598 e599 e600 e601 e602 e603 e604 e605 e606 e607 e608 e609 e610 e611 e612 e613 e614 e615 e616 e617 e618 e619 e620 e621 e622 e623 e624 e625 e626 e627 e628 e629 e630 e631 e632 e633 e634 e635 e636 e637 e638 e639 e640 e641 e642 e643 e644 e645 e646 e647 e648 e649 e650 e651 e652 e653 e654 e655 e656 e657 e658 e659 e660 e661 e662 e663 e664 e665 e666 e667 e668 e669 e670 e671 e672 e673 e674 e675 e676 e677 e678 e679 e680 e681 e682 e683 e684 e685 e686 e687 e688 e689 e690 e691 e692 e693 e694 e695 e696 e697 e698 e699 e700 e701 e702 e703 e704 e705 e706 e707 e708 e709 e710 e711 e712 e713 e714 e715 e716 e717 e718 e719 e720 e721 e722 e723 e724 e725 e726 e727 e728 e729 e730 e731 e732 e733 e734 e735 e736 e737 e738 e739 e740 e741 e742 e743 e744 e745 e746 e747 e748 e749 e750 e751 e752 e753 e754 e755 e756 e757 e758 e759 e760 e761 e762 e763 e764 e765 e766 e767 e768 e769 e770 e771 e772 e773 e774 e775 e776 e777 e778 e779 e780 e781 e782 e783 e784 e785 e786 e787 e788 e789 e790 e791 e792 e793 e794 e795 e796 e797 e798 e799 e800 e801 e802 e803 e804 e805 e806 e807 e808 e809 e810 e811 e812 e813 e814 e815 e816 e817 e818 e819 e820 e821 e822 e823 e824 e825 e826 e827 e828 e829 e830 e831 e832 e833 e834 e835 e836 e837 e838 e839 e840 e841 e842 e843 e844 e845 e846 e847 e848 e849 e850 e851 e852 e853 e854 e855 e856 e857 e858 e859 e860 e861 e862 e863 e864 e865 e866 e867 e868 e869 e870 e871 e872 e873 e874 e875 e876 e877 e878 e879 e880 e881 e882 e883 e884 e885 e886 e887 e888 e889 e890 e891 e892 e893 e894 e895 e896 e897 e898 e899 e900 e901 e902 e903 e904 e905 e906 e907 e908 e909 e910 e911 e912 e913 e914 e915 e916 e917 e918 e919 e920 e921 e922 e923 e924 e925 e926 e927 e928 e929 e930 e931 e932 e933 e934 e935 e936 e937 e938 e939 e940 e941 e942 e943 e944 e945 e946 e947 e948 e949 e950 e951 e952 e953 e954 e955 e956 e957 e958 e959 e960 e961 e962 e963 e964 e965 e966 e967 e968 e969 e970 e971 e972 e973 e974 e975 e976 e977 e978 e979 e980 e981 e982 e983 e984 e985 e986 e987 e988 e989 e990 e991 e992 e993 e994 e995 e996 e997 e998 e999 e1000 e1001 e1002 e1003 e1004 e1005 e1006 e1007 e1008 e1009 e1010 e1011 e1012 e1013 e1014 e1015 e1016 e1017 e1018 e1019 e1020 e1021 e1022 e1023 e1024 e1025 e1026 e1027 e1028 e1029 e1030 e1031 e1032 e1033 e1034 e1035 e1036 e1037 e1038 e1039 e1040 e1041 e1042 e1043 e1044 e1045 e1046 e1047 e1048 e1049 e1050 e1051 e1052 e1053 e1054 e1055 e1056 e1057 e1058 e1059 e1060 e1061 e1062 e1063 e1064 e1065 e1066 e1067 e1068 e1069 e1070 e1071 e1072 e1073 e1074 e1075 e1076 e1077 e1078 e1079 e1080 e1081 e1082 e1083 e1084 e1085 e1086 e1087 e1088 e1089 e1090 e1091 e1092 e1093 e1094 e1095 e1096 e1097 e1098 e1099 e1100 e1101 e1102 e1103 e1104 e1105 e1106 e1107 e1108 e1109 e1110 e1111 e1112 e1113 e1114 e1115 e1116 e1117 e1118 e1119 e1120 e1121 e1122 e1123 e1124 e1125 e1126 e1127 e1128 e1129 e1130 e1131 e1132 e1133 e1134 e1135 e1136 e1137 e1138 e1139 e1140 e1141 e1142 e1143 e1144 e1145 e1146 e1147 e1148 e1149 e1150 e1151 e1152 e1153 e1154 e1155 e1156 e1157 e1158 e1159 e1160 e1161 e1162 e1163 e1164 e1165 e1166 e1167 e1168 e1169 e1170 e1171 e1172 e1173 e1174 e1175 e1176 e1177 e1178 e1179 e1180 e1181 e1182 e1183 e1184 e1185 e1186 e1187 e1188 e1189 e1190 e1191 e1192 e1193 e1194 e1195 e1196 e1197 e1198 e1199 e1200 e1201 e1202 e1203 e1204 e1205 e1206 e1207 e1208 e1209 e1210 e1211 e1212 e1213 e1214 e1215 e1216 e1217 e1218 e1219 e1220 e1221 e1222 e1223 e1224 e1225 e1226 e1227 e1228 e1229 e1230 e1231 e1232 e1233 e1234 e1235 e1236 e1237 e1238 e1239 e1240 e1241 e1242 e1243 e1244 e1245 e1246 e1247 e1248 e1249 e1250 e1251 e1252 e1253 e1254 e1255 e1256 e1257 e1258 e1259 e1260 e1261 e1262 e1263 e1264 e1265 e1266 e1267 e1268 e1269 e1270 e1271 e1272 e1273 e1274 e1275 e1276 e1277 e1278 e1279 e1280 e1281 e1282 e1283 e1284 e1285 e1286 e1287 e1288 e1289 e1290 e1291 e1292 e1293 e1294 e1295 e1296 e1297 e1298 e1299 e1300 e1301 e1302 e1303 e1304 e1305 e1306 e1307 e1308 e1309 e1310 e1311 e1312 e1313 e1314 e1315 e1316 e1317 e1318 e1319 e1320 e1321 e1322 e1323 e1324 e1325 e1326 e1327 e1328 e1329 e1330 e1331 e1332 e1333 e1334 e1335 e1336 e1337 e1338 e1339 e1340 e1341 e1342 e1343 e1344 e1345 e1346 e1347 e1348 e1349 e1350 e1351 e1352 e1353 e1354 e1355 e1356 e1357 e1358 e1359 e1360 e1361 e1362 e1363 e1364 e1365 e1366 e1367 e1368 e1369 e1370 e1371 e1372 e1373 e1374 e1375 e1376 e1377 e1378 e1379 e1380 e1381 e1382 e1383 e1384 e1385 e1386 e1387 e1388 e1389 e1390 e1391 e1392 e1393 e1394 e1395 e1396 e1397 e1398 e1399 e1400 e1401 e1402 e1403 e1404 e1405 e1406 e1407 e1408 e1409 e1410 e1411 e1412 e1413 e1414 e1415 e1416 e1417 e1418 e1419 e1420 e1421 e1422 e1423 e1424 e1425 e1426 e1427 e1428 e1429 e1430 e1431 e1432 e1433 e1434 e1435 e1436 e1437 e1438 e1439 e1440 e1441 e1442 e1443 e1444 e1445 e1446 e1447 e1448 e1449 e1450 e1451 e1452 e1453 e1454 e1455 e1456 e1457 e1458 e1459 e1460 e1461 e1462 e1463 e1464 e1465 e1466 e1467 e1468 e1469 e1470 e1471 e1472 e1473 e1474 e1475 e1476 e1477 e1478 e1479 e1480 e1481 e1482 e1483 e1484 e1485 e1486 e1487 e1488 e1489 e1490 e1491 e1492 e1493 e1494 e1495 e1496 e1497 e1498 e1499 e1500 e1501 e1502 e1503 e1504 e1505 e1506 e1507 e1508 e1509 e1510 e1511 e1512 e1513 e1514 e1515 e1516 e1517 e1518 e1519 e1520 e1521 e1522 e1523 e1524 e1525 e1526 e1527 e1528 e1529 e1530 e1531 e1532 e1533 e1534 e1535 e1536 e1537 e1538 e1539 e1540 e1541 e1542 e1543 e1544 e1545 e1546 e1547 e1548 e1549 e1550 e1551 e1552 e1553 e1554 e1555 e1556 e1557 e1558 e1559 e1560 e1561 e1562 e1563 e1564 e1565 e1566 e1567 e1568 e1569 e1570 e1571 e1572 e1573 e1574 e1575 e1576 e1577 e1578 e1579 e1580 e1581 e1582 e1583 e1584 e1585 e1586 e1587 e1588 e1589 e1590 e1591 e1592 e1593 e1594 e1595 e1596 e1597 e1598 e1599 e1600 e1601 e1602 e1603 e1604 e1605 e1606 e1607 e1608 e1609 e1610 e1611 e1612 e1613 e1614 e1615 e1616 e1617 e1618 e1619 e1620 e1621 e1622 e1623 e1624 e1625 e1626 e1627 e1628 e1629 e1630 e1631 e1632 e1633 e1634 e1635 e1636 e1637 e1638 e1639 e1640 e1641 e1642 e1643 e1644 e1645 e1646 e1647 e1648 e1649 e1650 e1651 e1652 e1653 e1654 e1655 e1656 e1657 e1658 e1659 e1660 e1661 e1662 e1663 e1664 e1665 e1666 e1667 e1668 e1669 e1670 e1671 e1672 e1673 e1674 e1675 e1676 e1677 e1678 e1679 e1680 e1681 e1682 e1683 e1684 e1685 e1686 e1687 e1688 e1689 e1690 e1691 e1692 e1693 e1694 e1695 e1696 e1697 e1698 e1699 e1700 e1701 e1702 e1703 e1704 e1705 e1706 e1707 e1708 e1709 e1710 e1711 e1712 e1713 e1714 e1715 e1716 e1717 e1718 e1719 e1720 e1721 e1722 e1723 e1724 e1725 e1726 e1727 e1728 e1729 e1730 e1731 e1732 e1733 e1734 e1735 e1736 e1737 e1738 e1739 e1740 e1741 e1742 e1743 e1744 e1745 e1746 e1747 e1748 e1749 e1750 e1751 e1752 e1753 e1754 e1755 e1756 e1757 e1758 e1759 e1760 e1761 e1762 e1763 e1764 e1765 e1766 e1767 e1768 e1769 e1770 e1771 e1772 e1773 e1774 e1775 e1776 e1777 e1778 e1779 e1780 e1781 e1782 e1783 e1784 e1785 e1786 e1787 e1788 e1789 e1790 e1791 e1792 e1793 e1794 e1795 e1796 e1797 e1798 e1799 e1800 e1801 e1802 e1803 e1804 e1805 e1806 e1807 e1808 e1809 e1810 e1811 e1812 e1813 e1814 e1815 e1816 e1817 e1818 e1819 e1820 e1821 e1822 e1823 e1824 e1825 e1826 e1827 e1828 e1829 e1830 e1831 e1832 e1833 e1834 e1835 e1836 e1837 e1838 e1839 e1840 e1841 e1842 e1843 e1844 e1845 e1846 e1847 e1848 e1849 e1850 e1851 e1852 e1853 e1854 e1855 e1856 e1857 e1858 e1859 e1860 e1861 e1862 e1863 e1864 e1865 e1866 e1867 e1868 e1869 e1870 e1871 e1872 e1873 e1874 e1875 e1876 e1877 e1878 e1879 e1880 e1881 e1882 e1883 e1884 e1885 e1886 e1887 e1888 e1889 e1890 e1891 e1892 e1893 e1894 e1895 e1896 e1897 e1898 e1899 e1900 e1901 e1902 e1903 e1904 e1905 e1906 e1907 e1908 e1909 e1910 e1911 e1912 e1913 e1914 e1915 e1916 e1917 e1918 e1919 e1920 e1921 e1922 e1923 e1924 e1925 e1926 e1927 e1928 e1929 e1930 e1931 e1932 e1933 e1934 e1935 e1936 e1937 e1938 e1939 e1940 e1941 e1942 e1943 e1944 e1945 e1946 e1947 e1948 e1949 e1950 e1951 e1952 e1953 e1954 e1955 e1956 e1957 e1958 e1959 e1960 e1961 e1962 e1963 e1964 e1965 e1966 e1967 e1968 e1969 e1970 e1971 e1972 e1973 e1974 e1975 e1976 e1977 e1978 e1979 e1980 e1981 e1982 e1983 e1984 e1985 e1986 e1987 e1988 e1989 e1990 e1991 e1992 e1993 e1994 e1995 e1996 e1997 e1998 e1999 e2000 => (integer) 1
PFCOUNT {p}c2000 => (integer) 2000
PFADD {p}x1000 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 x31 x32 x33 x34 x35 x36 x37 x38 x39 x40 x41 x42 x43 x44 x45 x46 x47 x48 x49 x50 x51 x52 x53 x54 x55 x56 x57 x58 x59 x60 x61 x62 x63 x64 x65 x66 x67 x68 x69 x70 x71 x72 x73 x74 x75 x76 x77 x78 x79 x80 x81 x82 x83 x84 x85 x86 x87 x88 x89 x90 x91 x92 x93 x94 x95 x96 x97 x98 x99 x100 x101 x102 x103 x104 x105 x106 x107 x108 x109 x110 x111 x112 x113 x114 x115 x116 x117 x118 x119 x120 x121 x122 x123 x124 x125 x126 x127 x128 x129 x130 x131 x132 x133 x134 x135 x136 x137 x138 x139 x140 x141 x142 x143 x144 x145 x146 x147 x148 x149 x150 x151 x152 x153 x154 x155 x156 x157 x158 x159 x160 x161 x162 x163 x164 x165 x166 x167 x168 x169 x170 x171 x172 x173 x174 x175 x176 x177 x178 x179 x180 x181 x182 x183 x184 x185 x186 x187 x188 x189 x190 x191 x192 x193 x194 x195 x196 x197 x198 x199 x200 x201 x202 x203 x204 x205 x206 x207 x208 x209 x210 x211 x212 x213 x214 x215 x216 x217 x218 x219 x220 x221 x222 x223 x224 x225 x226 x227 x228 x229 x230 x231 x232 x233 x234 x235 x236 x237 x238 x239 x240 x241 x242 x243 x244 x245 x246 x247 x248 x249 x250 x251 x252 x253 x254 x255 x256 x257 x258 x259 x260 x261 x262 x263 x264 x265 x266 x267 x268 x269 x270 x271 x272 x273 x274 x275 x276 x277 x278 x279 x280 x281 x282 x283 x284 x285 x286 x287 x288 x289 x290 x291 x292 x293 x294 x295 x296 x297 x298 x299 x300 x301 x302 x303 x304 x305 x306 x307 x308 x309 x310 x311 x312 x313 x314 x315 x316 x317 x318 x319 x320 x321 x322 x323 x324 x325 x326 x327 x328 x329 x330 x331 x332 x333 x334 x335 x336 x337 x338 x339 x340 x341 x342 x343 x344 x345 x346 x347 x348 x349 x350 x351 x352 x353 x354 x355 x356 x357 x358 x359 x360 x361 x362 x363 x364 x365 x366 x367 x368 x369 x370 x371 x372 x373 x374 x375 x376 x377 x378 x379 x380 x381 x382 x383 x384 x385 x386 x387 x388 x389 x390 x391 x392 x393 x394 x395 x396 x397 x398 x399 x400 x401 x402 x403 x404 x405 x406 x407 x408 x409 x410 x411 x412 x413 x414 x415 x416 x417 x418 x419 x420 x421 x422 x423 x424 x425 x426 x427 x428 x429 x430 x431 x432 x433 x434 x435 x436 x437 x438 x439 x440 x441 x442 x443 x444 x445 x446 x447 x448 x449 x450 x451 x452 x453 x454 x455 x456 x457 x458 x459 x460 x461 x462 x463 x464 x465 x466 x467 x468 x469 x470 x471 x472 x473 x474 x475 x476 x477 x478 x479 x480 x481 x482 x483 x484 x485 x486 x487 x488 x489 x490 x491 x492 x493 x494 x495 x496 x497 x498 x499 x500 x501 x502 x503 x504 x505 x506 x507 x508 x509 x510 x511 x512 x513 x514 x515 x516 x517 x518 x519 x520 x521 x522 x523 x524 x525 x526 x527 x528 x529 x530 x531 x532 x533 x534 x535 x536 x537 x538 x539 x540 x541 x542 x543 x544 x545 x546 x547 x548 x549 x550 x551 x552 x553 x554 x555 x556 x557 x558 x559 x560 x561 x562 x563 x564 x565 x566 x567 x568 x569 x570 x571 x572 x573 x574 x575 x576 x577 x578 x579 x580 x581 x582 x583 x584 x585 x586 x587 x588 x589 x590 x591 x592 x593 x594 x595 x596 x597 x598 x599 x600 x601 x602 x603 x604 x605 x606 x607 x608 x609 x610 x611 x612 x613 x614 x615 x616 x617 x618 x619 x620 x621 x622 x623 x624 x625 x626 x627 x628 x629 x630 x631 x632 x633 x634 x635 x636 x637 x638 x639 x640 x641 x642 x643 x644 x645 x646 x647 x648 x649 x650 x651 x652 x653 x654 x655 x656 x657 x658 x659 x660 x661 x662 x663 x664 x665 x666 x667 x668 x669 x670 x671 x672 x673 x674 x675 x676 x677 x678 x679 x680 x681 x682 x683 x684 x685 x686 x687 x688 x689 x690 x691 x692 x693 x694 x695 x696 x697 x698 x699 x700 x701 x702 x703 x704 x705 x706 x707 x708 x709 x710 x711 x712 x713 x714 x715 x716 x717 x718 x719 x720 x721 x722 x723 x724 x725 x726 x727 x728 x729 x730 x731 x732 x733 x734 x735 x736 x737 x738 x739 x740 x741 x742 x743 x744 x745 x746 x747 x748 x749 x750 x751 x752 x753 x754 x755 x756 x757 x758 x759 x760 x761 x762 x763 x764 x765 x766 x767 x768 x769 x770 x771 x772 x773 x774 x775 x776 x777 x778 x779 x780 x781 x782 x783 x784 x785 x786 x787 x788 x789 x790 x791 x792 x793 x794 x795 x796 x797 x798 x799 x800 x801 x802 x803 x804 x805 x806 x807 x808 x809 x810 x811 x812 x813 x814 x815 x816 x817 x818 x819 x820 x821 x822 x823 x824 x825 x826 x827 x828 x829 x830 x831 x832 x833 x834 x835 x836 x837 x838 x839 x840 x841 x842 x843 x844 x845 x846 x847 x848 x849 x850 x851 x852 x853 x854 x855 x856 x857 x858 x859 x860 x861 x862 x863 x864 x865 x866 x867 x868 x869 x870 x871 x872 x873 x874 x875 x876 x877 x878 x879 x880 x881 x882 x883 x884 x885 x886 x887 x888 x889 x890 x891 x892 x893 x894 x895 x896 x897 x898 x899 x900 x901 x902 x903 x904 x905 x906 x907 x908 x909 x910 x911 x912 x913 x914 x915 x916 x917 x918 x919 x920 x921 x922 x923 x924 x925 x926 x927 x928 x929 x930 x931 x932 x933 x934 x935 x936 x937 x938 x939 x940 x941 x942 x943 x944 x945 x946 x947 x948 x949 x950 x951 x952 x953 x954 x955 x956 x957 x958 x959 x960 x961 x962 x963 x964 x965 x966 x967 x968 x969 x970 x971 x972 x973 x974 x975 x976 x977 x978 x979 x980 x981 x982 x983 x984 x985 x986 x987 x988 x989 x990 x991 x992 x993 x994 x995 x996 x997 x998 x999 x1000 => (integer) 1
PFCOUNT {p}x1000 => (integer) 1001
PFCOUNT {p}c100 {p}c500 => (integer) 506
PFCOUNT {p}c500 {p}c2000 => (integer) 2000
PFCOUNT {p}c2000 {p}x1000 => (integer) 2996
PFCOUNT {p}c10 {p}c100 {p}c500 {p}c2000 {p}x1000 => (integer) 2996
# The same estimates, the elements arriving over several PFADDs.
PFADD {p}grow 1 2 3 4 5 6 7 8 9 10 => (integer) 1
PFCOUNT {p}grow => (integer) 10
PFADD {p}grow 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83 84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99 100 => (integer) 1
PFCOUNT {p}grow => (integer) 100
PFADD {p}grow 101 102 103 104 105 106 107 108 109 110 111 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 131 132 133 134 135 136 137 138 139 140 141 142 143 144 145 146 147 148 149 150 151 152 153 154 155 156 157 158 159 160 161 162 163 164 165 166 167 168 169 170 171 172 173 174 175 176 177 178 179 180 181 182 183 184 185 186 187 188 189 190 191 192 193 194 195 196 197 198 199 200 201 202 203 204 205 206 207 208 209 210 211 212 213 214 215 216 217 218 219 220 221 222 223 224 225 226 227 228 229 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249 250 251 252 253 254 255 256 257 258 259 260 261 262 263 264 265 266 267 268 269 270 271 272 273 274 275 276 277 278 279 280 281 282 283 284 285 286 287 288 289 290 291 292 293 294 295 296 297 298 299 300 301 302 303 304 305 306 307 308 309 310 311 312 313 314 315 316 317 318 319 320 321 322 323 324 325 326 327 328 329 330 331 332 333 334 335 336 337 338 339 340 341 342 343 344 345 346 347 348 349 350 351 352 353 354 355 356 357 358 359 360 361 362 363 364 365 366 367 368 369 370 371 372 373 374 375 376 377 378 379 380 381 382 383 384 385 386 387 388 389 390 391 392 393 394 395 396 397 398 399 400 401 402 403 404 405 406 407 408 409 410 411 412 413 414 415 416 417 418 419 420 421 422 423 424 425 426 427 428 429 430 431 432 433 434 435 436 437 438 439 440 441 442 443 444 445 446 447 448 449 450 451 452 453 454 455 456 457 458 459 460 461 462 463 464 465 466 467 468 469 470 471 472 473 474 475 476 477 478 479 480 481 482 483 484 485 486 487 488 489 490 491 492 493 494 495 496 497 498 499 500 501 502 503 504 505 506 507 508 509 510 511 512 513 514 515 516 517 518 519 520 521 522 523 524 525 526 527 528 529 530 531 532 533 534 535 536 537 538 539 540 541 542 543 544 545 546 547 548 549 550 551 552 553 554 555 556 557 558 559 560 561 562 563 564 565 566 567 568 569 570 571 572 573 574 575 576 577 578 579 580 581 582 583 584 585 586 587 588 589 590 591 592 593 594 595 596 597 598 599 600 601 602 603 604 605 606 607 608 609 610 611 612 613 614 615 616 617 618 619 620 621 622 623 624 625 626 627 628 629 630 631 632 633 634 635 636 637 638 639 640 641 642 643 644 645 646 647 648 649 650 651 652 653 654 655 656 657 658 659 660 661 662 663 664 665 666 667 668 669 670 671 672 673 674 675 676 677 678 679 680 681 682 683 684 685 686 687 688 689 690 691 692 693 694 695 696 697 698 699 700 701 702 703 704 705 706 707 708 709 710 711 712 713 714 715 716 717 718 719 720 721 722 723 724 725 726 727 728 729 730 731 732 733 734 735 736 737 738 739 740 741 742 743 744 745 746 747 748 749 750 751 752 753 754 755 756 757 758 759 760 761 762 763 764 765 766 767 768 769 770 771 772 773 774 775 776 777 778 779 780 781 782 783 784 785 786 787 788 789 790 791 792 793 794 795 796 797 798 799 800 801 802 803 804 805 806 807 808 809 810 811 812 813 814 815 816 817 818 819 820 821 822 823 824 825 826 827 828 829 830 831 832 833 834 835 836 837 838 839 840 841 842 843 844 845 846 847 848 849 850 851 852 853 854 855 856 857 858 859 860 861 862 863 864 865 866 867 868 869 870 871 872 873 874 875 876 877 878 879 880 881 882 883 884 885 886 887 888 889 890 891 892 893 894 895 896 897 898 899 900 901 902 903 904 905 906 907 908 909 910 911 912 913 914 915 916 917 918 919 920 921 922 923 924 925 926 927 928 929 930 931 932 933 934 935 936 937 938 939 940 941 942 943 944 945 946 947 948 949 950 951 952 953 954 955 956 957 958 959 960 961 962 963 964 965 966 967 968 969 970 971 972 973 974 975 976 977 978 979 980 981 982 983 984 985 986 987 988 989 990 991 992 993 994 995 996 997 998 999 1000 => (integer) 1
PFCOUNT {p}grow => (integer) 1001
PFADD {p}grow 1001 1002 1003 1004 1005 1006 1007 1008 1009 1010 1011 1012 1013 1014 1015 1016 1017 1018 1019 1020 1021 1022 1023 1024 1025 1026 1027 1028 1029 1030 1031 1032 1033 1034 1035 1036 1037 1038 1039 1040 1041 1042 1043 1044 1045 1046 1047 1048 1049 1050 1051 1052 1053 1054 1055 1056 1057 1058 1059 1060 1061 1062 1063 1064 1065 1066 1067 1068 1069 1070 1071 1072 1073 1074 1075 1076 1077 1078 1079 1080 1081 1082 1083 1084 1085 1086 1087 1088 1089 1090 1091 1092 1093 1094 1095 1096 1097 1098 1099 1100 1101 1102 1103 1104 1105 1106 1107 1108 1109 1110 1111 1112 1113 1114 1115 1116 1117 1118 1119 1120 1121 1122 1123 1124 1125 1126 1127 1128 1129 1130 1131 1132 1133 1134 1135 1136 1137 1138 1139 1140 1141 1142 1143 1144 1145 1146 1147 1148 1149 1150 1151 1152 1153 1154 1155 1156 1157 1158 1159 1160 1161 1162 1163 1164 1165 1166 1167 1168 1169 1170 1171 1172 1173 1174 1175 1176 1177 1178 1179 1180 1181 1182 1183 1184 1185 1186 1187 1188 1189 1190 1191 1192 1193 1194 1195 1196 1197 1198 1199 1200 1201 1202 1203 1204 1205 1206 1207 1208 1209 1210 1211 1212 1213 1214 1215 1216 1217 1218 1219 1220 1221 1222 1223 1224 1225 1226 1227 1228 1229 1230 1231 1232 1233 1234 1235 1236 1237 1238 1239 1240 1241 1242 1243 1244 1245 1246 1247 1248 1249 1250 1251 1252 1253 1254 1255 1256 1257 1258 1259 1260 1261 1262 1263 1264 1265 1266 1267 1268 1269 1270 1271 1272 1273 1274 1275 1276 1277 1278 1279 1280 1281 1282 1283 1284 1285 1286 1287 1288 1289 1290 1291 1292 1293 1294 1295 1296 1297 1298 1299 1300 1301 1302 1303 1304 1305 1306 1307 1308 1309 1310 1311 1312 1313 1314 1315 1316 1317 1318 1319 1320 1321 1322 1323 1324 1325 1326 1327 1328 1329 1330 1331 1332 1333 1334 1335 1336 1337 1338 1339 1340 1341 1342 1343 1344 1345 1346 1347 1348 1349 1350 1351 1352 1353 1354 1355 1356 1357 1358 1359 1360 1361 1362 1363 1364 1365 1366 1367 1368 1369 1370 1371 1372 1373 1374 1375 1376 1377 1378 1379 1380 1381 1382 1383 1384 1385 1386 1387 1388 1389 1390 1391 1392 1393 1394 1395 1396 1397 1398 1399 1400 1401 1402 1403 1404 1405 1406 1407 1408 1409 1410 1411 1412 1413 1414 1415 1416 1417 1418 1419 1420 1421 1422 1423 1424 1425 1426 1427 1428 1429 1430 1431 1432 1433 1434 1435 1436 1437 1438 1439 1440 1441 1442 1443 1444 1445 1446 1447 1448 1449 1450 1451 1452 1453 1454 1455 1456 1457 1458 1459 1460 1461 1462 1463 1464 1465 1466 1467 1468 1469 1470 1471 1472 1473 1474 1475 1476 1477 1478 1479 1480 1481 1482 1483 1484 1485 1486 1487 1488 1489 1490 1491 1492 1493 1494 1495 1496 1497 1498 1499 1500 1501 1502 1503 1504 1505 1506 1507 1508 1509 1510 1511 1512 1513 1514 1515 1516 1517 1518 1519 1520 1521 1522 1523 1524 1525 1526 1527 1528 1529 1530 1531 1532 1533 1534 1535 1536 1537 1538 1539 1540 1541 1542 1543 1544 1545 1546 1547 1548 1549 1550 1551 1552 1553 1554 1555 1556 1557 1558 1559 1560 1561 1562 1563 1564 1565 1566 1567 1568 1569 1570 1571 1572 1573 1574 1575 1576 1577 1578 1579 1580 1581 1582 1583 1584 1585 1586 1587 1588 1589 1590 1591 1592 1593 1594 1595 1596 1597 1598 1599 1600 1601 1602 1603 1604 1605 1606 1607 1608 1609 1610 1611 1612 1613 1614 1615 1616 1617 1618 1619 1620 1621 1622 1623 1624 1625 1626 1627 1628 1629 1630 1631 1632 1633 1634 1635 1636 1637 1638 1639 1640 1641 1642 1643 1644 1645 1646 1647 1648 1649 1650 1651 1652 1653 1654 1655 1656 1657 1658 1659 1660 1661 1662 1663 1664 1665 1666 1667 1668 1669 1670 1671 1672 1673 1674 1675 1676 1677 1678 1679 1680 1681 1682 1683 1684 1685 1686 1687 1688 1689 1690 1691 1692 1693 1694 1695 1696 1697 1698 1699 1700 1701 1702 1703 1704 1705 1706 1707 1708 1709 1710 1711 1712 1713 1714 1715 1716 1717 1718 1719 1720 1721 1722 1723 1724 1725 1726 1727 1728 1729 1730 1731 1732 1733 1734 1735 1736 1737 1738 1739 1740 1741 1742 1743 1744 1745 1746 1747 1748 1749 1750 1751 1752 1753 1754 1755 1756 1757 1758 1759 1760 1761 1762 1763 1764 1765 1766 1767 1768 1769 1770 1771 1772 1773 1774 1775 1776 1777 1778 1779 1780 1781 1782 1783 1784 1785 1786 1787 1788 1789 1790 1791 1792 1793 1794 1795 1796 1797 1798 1799 1800 1801 1802 1803 1804 1805 1806 1807 1808 1809 1810 1811 1812 1813 1814 1815 1816 1817 1818 1819 1820 1821 1822 1823 1824 1825 1826 1827 1828 1829 1830 1831 1832 1833 1834 1835 1836 1837 1838 1839 1840 1841 1842 1843 1844 1845 1846 1847 1848 1849 1850 1851 1852 1853 1854 1855 1856 1857 1858 1859 1860 1861 1862 1863 1864 1865 1866 1867 1868 1869 1870 1871 1872 1873 1874 1875 1876 1877 1878 1879 1880 1881 1882 1883 1884 1885 1886 1887 1888 1889 1890 1891 1892 1893 1894 1895 1896 1897 1898 1899 1900 1901 1902 1903 1904 1905 1906 1907 1908 1909 1910 1911 1912 1913 1914 1915 1916 1917 1918 1919 1920 1921 1922 1923 1924 1925 1926 1927 1928 1929 1930 1931 1932 1933 1934 1935 1936 1937 1938 1939 1940 1941 1942 1943 1944 1945 1946 1947 1948 1949 1950 1951 1952 1953 1954 1955 1956 1957 1958 1959 1960 1961 1962 1963 1964 1965 1966 1967 1968 1969 1970 1971 1972 1973 1974 1975 1976 1977 1978 1979 1980 1981 1982 1983 1984 1985 1986 1987 1988 1989 1990 1991 1992 1993 1994 1995 1996 1997 1998 1999 2000 2001 2002 2003 2004 2005 2006 2007 2008 2009 2010 2011 2012 2013 2014 2015 2016 2017 2018 2019 2020 2021 2022 2023 2024 2025 2026 2027 2028 2029 2030 2031 2032 2033 2034 2035 2036 2037 2038 2039 2040 2041 2042 2043 2044 2045 2046 2047 2048 2049 2050 2051 2052 2053 2054 2055 2056 2057 2058 2059 2060 2061 2062 2063 2064 2065 2066 2067 2068 2069 2070 2071 2072 2073 2074 2075 2076 2077 2078 2079 2080 2081 2082 2083 2084 2085 2086 2087 2088 2089 2090 2091 2092 2093 2094 2095 2096 2097 2098 2099 2100 2101 2102 2103 2104 2105 2106 2107 2108 2109 2110 2111 2112 2113 2114 2115 2116 2117 2118 2119 2120 2121 2122 2123 2124 2125 2126 2127 2128 2129 2130 2131 2132 2133 2134 2135 2136 2137 2138 2139 2140 2141 2142 2143 2144 2145 2146 2147 2148 2149 2150 2151 2152 2153 2154 2155 2156 2157 2158 2159 2160 2161 2162 2163 2164 2165 2166 2167 2168 2169 2170 2171 2172 2173 2174 2175 2176 2177 2178 2179 2180 2181 2182 2183 2184 2185 2186 2187 2188 2189 2190 2191 2192 2193 2194 2195 2196 2197 2198 2199 2200 2201 2202 2203 2204 2205 2206 2207 2208 2209 2210 2211 2212 2213 2214 2215 2216 2217 2218 2219 2220 2221 2222 2223 2224 2225 2226 2227 2228 2229 2230 2231 2232 2233 2234 2235 2236 2237 2238 2239 2240 2241 2242 2243 2244 2245 2246 2247 2248 2249 2250 2251 2252 2253 2254 2255 2256 2257 2258 2259 2260 2261 2262 2263 2264 2265 2266 2267 2268 2269 2270 2271 2272 2273 2274 2275 2276 2277 2278 2279 2280 2281 2282 2283 2284 2285 2286 2287 2288 2289 2290 2291 2292 2293 2294 2295 2296 2297 2298 2299 2300 2301 2302 2303 2304 2305 2306 2307 2308 2309 2310 2311 2312 2313 2314 2315 2316 2317 2318 2319 2320 2321 2322 2323 2324 2325 2326 2327 2328 2329 2330 2331 2332 2333 2334 2335 2336 2337 2338 2339 2340 2341 2342 2343 2344 2345 2346 2347 2348 2349 2350 2351 2352 2353 2354 2355 2356 2357 2358 2359 2360 2361 2362 2363 2364 2365 2366 2367 2368 2369 2370 2371 2372 2373 2374 2375 2376 2377 2378 2379 2380 2381 2382 2383 2384 2385 2386 2387 2388 2389 2390 2391 2392 2393 2394 2395 2396 2397 2398 2399 2400 2401 2402 2403 2404 2405 2406 2407 2408 2409 2410 2411 2412 2413 2414 2415 2416 2417 2418 2419 2420 2421 2422 2423 2424 2425 2426 2427 2428 2429 2430 2431 2432 2433 2434 2435 2436 2437 2438 2439 2440 2441 2442 2443 2444 2445 2446 2447 2448 2449 2450 2451 2452 2453 2454 2455 2456 2457 2458 2459 2460 2461 2462 2463 2464 2465 2466 2467 2468 2469 2470 2471 2472 2473 2474 2475 2476 2477 2478 2479 2480 2481 2482 2483 2484 2485 2486 2487 2488 2489 2490 2491 2492 2493 2494 2495 2496 2497 2498 2499 2500 2501 2502 2503 2504 2505 2506 2507 2508 2509 2510 2511 2512 2513 2514 2515 2516 2517 2518 2519 2520 2521 2522 2523 2524 2525 2526 2527 2528 2529 2530 2531 2532 2533 2534 2535 2536 2537 2538 2539 2540 2541 2542 2543 2544 2545 2546 2547 2548 2549 2550 2551 2552 2553 2554 2555 2556 2557 2558 2559 2560 2561 2562 2563 2564 2565 2566 2567 2568 2569 2570 2571 2572 2573 2574 2575 2576 2577 2578 2579 2580 2581 2582 2583 2584 2585 2586 2587 2588 2589 2590 2591 2592 2593 2594 2595 2596 2597 2598 2599 2600 2601 2602 2603 2604 2605 2606 2607 2608 2609 2610 2611 2612 2613 2614 2615 2616 2617 2618 2619 2620 2621 2622 2623 2624 2625 2626 2627 2628 2629 2630 2631 2632 2633 2634 2635 2636 2637 2638 2639 2640 2641 2642 2643 2644 2645 2646 2647 2648 2649 2650 2651 2652 2653 2654 2655 2656 2657 2658 2659 2660 2661 2662 2663 2664 2665 2666 2667 2668 2669 2670 2671 2672 2673 2674 2675 2676 2677 2678 2679 2680 2681 2682 2683 2684 2685 2686 2687 2688 2689 2690 2691 2692 2693 2694 2695 2696 2697 2698 2699 2700 2701 2702 2703 2704 2705 2706 2707 2708 2709 2710 2711 2712 2713 2714 2715 2716 2717 2718 2719 2720 2721 2722 2723 2724 2725 2726 2727 2728 2729 2730 2731 2732 2733 2734 2735 2736 2737 2738 2739 2740 2741 2742 2743 2744 2745 2746 2747 2748 2749 2750 2751 2752 2753 2754 2755 2756 2757 2758 2759 2760 2761 2762 2763 2764 2765 2766 2767 2768 2769 2770 2771 2772 2773 2774 2775 2776 2777 2778 2779 2780 2781 2782 2783 2784 2785 2786 2787 2788 2789 2790 2791 2792 2793 2794 2795 2796 2797 2798 2799 2800 2801 2802 2803 2804 2805 2806 2807 2808 2809 2810 2811 2812 2813 2814 2815 2816 2817 2818 2819 2820 2821 2822 2823 2824 2825 2826 2827 2828 2829 2830 2831 2832 2833 2834 2835 2836 2837 2838 2839 2840 2841 2842 2843 2844 2845 2846 2847 2848 2849 2850 2851 2852 2853 2854 2855 2856 2857 2858 2859 2860 2861 2862 2863 2864 2865 2866 2867 2868 2869 2870 2871 2872 2873 2874 2875 2876 2877 2878 2879 2880 2881 2882 2883 2884 2885 2886 2887 2888 2889 2890 2891 2892 2893 2894 2895 2896 2897 2898 2899 2900 2901 2902 2903 2904 2905 2906 2907 2908 2909 2910 2911 2912 2913 2914 2915 2916 2917 2918 2919 2920 2921 2922 2923 2924 2925 2926 2927 2928 2929 2930 2931 2932 2933 2934 2935 2936 2937 2938 2939 2940 2941 2942 2943 2944 2945 2946 2947 2948 2949 2950 2951 2952 2953 2954 2955 2956 2957 2958 2959 2960 2961 2962 2963 2964 2965 2966 2967 2968 2969 2970 2971 2972 2973 2974 2975 2976 2977 2978 2979 2980 2981 2982 2983 2984 2985 2986 2987 2988 2989 2990 2991 2992 2993 2994 2995 2996 2997 2998 2999 3000 3001 3002 3003 3004 3005 3006 3007 3008 3009 3010 3011 3012 3013 3014 3015 3016 3017 3018 3019 3020 3021 3022 3023 3024 3025 3026 3027 3028 3029 3030 3031 3032 3033 3034 3035 3036 3037 3038 3039 3040 3041 3042 3043 3044 3045 3046 3047 3048 3049 3050 3051 3052 3053 3054 3055 3056 3057 3058 3059 3060 3061 3062 3063 3064 3065 3066 3067 3068 3069 3070 3071 3072 3073 3074 3075 3076 3077 3078 3079 3080 3081 3082 3083 3084 3085 3086 3087 3088 3089 3090 3091 3092 3093 3094 3095 3096 3097 3098 3099 3100 3101 3102 3103 3104 3105 3106 3107 3108 3109 3110 3111 3112 3113 3114 3115 3116 3117 3118 3119 3120 3121 3122 3123 3124 3125 3126 3127 3128 3129 3130 3131 3132 3133 3134 3135 3136 3137 3138 3139 3140 3141 3142 3143 3144 3145 3146 3147 3148 3149 3150 3151 3152 3153 3154 3155 3156 3157 3158 3159 3160 3161 3162 3163 3164 3165 3166 3167 3168 3169 3170 3171 3172 3173 3174 3175 3176 3177 3178 3179 3180 3181 3182 3183 3184 3185 3186 3187 3188 3189 3190 3191 3192 3193 3194 3195 3196 3197 3198 3199 3200 3201 3202 3203 3204 3205 3206 3207 3208 3209 3210 3211 3212 3213 3214 3215 3216 3217 3218 3219 3220 3221 3222 3223 3224 3225 3226 3227 3228 3229 3230 3231 3232 3233 3234 3235 3236 3237 3238 3239 3240 3241 3242 3243 3244 3245 3246 3247 3248 3249 3250 3251 3252 3253 3254 3255 3256 3257 3258 3259 3260 3261 3262 3263 3264 3265 3266 3267 3268 3269 3270 3271 3272 3273 3274 3275 3276 3277 3278 3279 3280 3281 3282 3283 3284 3285 3286 3287 3288 3289 3290 3291 3292 3293 3294 3295 3296 3297 3298 3299 3300 3301 3302 3303 3304 3305 3306 3307 3308 3309 3310 3311 3312 3313 3314 3315 3316 3317 3318 3319 3320 3321 3322 3323 3324 3325 3326 3327 3328 3329 3330 3331 3332 3333 3334 3335 3336 3337 3338 3339 3340 3341 3342 3343 3344 3345 3346 3347 3348 3349 3350 3351 3352 3353 3354 3355 3356 3357 3358 3359 3360 3361 3362 3363 3364 3365 3366 3367 3368 3369 3370 3371 3372 3373 3374 3375 3376 3377 3378 3379 3380 3381 3382 3383 3384 3385 3386 3387 3388 3389 3390 3391 3392 3393 3394 3395 3396 3397 3398 3399 3400 3401 3402 3403 3404 3405 3406 3407 3408 3409 3410 3411 3412 3413 3414 3415 3416 3417 3418 3419 3420 3421 3422 3423 3424 3425 3426 3427 3428 3429 3430 3431 3432 3433 3434 3435 3436 3437 3438 3439 3440 3441 3442 3443 3444 3445 3446 3447 3448 3449 3450 3451 3452 3453 3454 3455 3456 3457 3458 3459 3460 3461 3462 3463 3464 3465 3466 3467 3468 3469 3470 3471 3472 3473 3474 3475 3476 3477 3478 3479 3480 3481 3482 3483 3484 3485 3486 3487 3488 3489 3490 3491 3492 3493 3494 3495 3496 3497 3498 3499 3500 3501 3502 3503 3504 3505 3506 3507 3508 3509 3510 3511 3512 3513 3514 3515 3516 3517 3518 3519 3520 3521 3522 3523 3524 3525 3526 3527 3528 3529 3530 3531 3532 3533 3534 3535 3536 3537 3538 3539 3540 3541 3542 3543 3544 3545 3546 3547 3548 3549 3550 3551 3552 3553 3554 3555 3556 3557 3558 3559 3560 3561 3562 3563 3564 3565 3566 3567 3568 3569 3570 3571 3572 3573 3574 3575 3576 3577 3578 3579 3580 3581 3582 3583 3584 3585 3586 3587 3588 3589 3590 3591 3592 3593 3594 3595 3596 3597 3598 3599 3600 3601 3602 3603 3604 3605 3606 3607 3608 3609 3610 3611 3612 3613 3614 3615 3616 3617 3618 3619 3620 3621 3622 3623 3624 3625 3626 3627 3628 3629 3630 3631 3632 3633 3634 3635 3636 3637 3638 3639 3640 3641 3642 3643 3644 3645 3646 3647 3648 3649 3650 3651 3652 3653 3654 3655 3656 3657 3658 3659 3660 3661 3662 3663 3664 3665 3666 3667 3668 3669 3670 3671 3672 3673 3674 3675 3676 3677 3678 3679 3680 3681 3682 3683 3684 3685 3686 3687 3688 3689 3690 3691 3692 3693 3694 3695 3696 3697 3698 3699 3700 3701 3702 3703 3704 3705 3706 3707 3708 3709 3710 3711 3712 3713 3714 3715 3716 3717 3718 3719 3720 3721 3722 3723 3724 3725 3726 3727 3728 3729 3730 3731 3732 3733 3734 3735 3736 3737 3738 3739 3740 3741 3742 3743 3744 3745 3746 3747 3748 3749 3750 3751 3752 3753 3754 3755 3756 3757 3758 3759 3760 3761 3762 3763 3764 3765 3766 3767 3768 3769 3770 3771 3772 3773 3774 3775 3776 3777 3778 3779 3780 3781 3782 3783 3784 3785 3786 3787 3788 3789 3790 3791 3792 3793 3794 3795 3796 3797 3798 3799 3800 3801 3802 3803 3804 3805 3806 3807 3808 3809 3810 3811 3812 3813 3814 3815 3816 3817 3818 3819 3820 3821 3822 3823 3824 3825 3826 3827 3828 3829 3830 3831 3832 3833 3834 3835 3836 3837 3838 3839 3840 3841 3842 3843 3844 3845 3846 3847 3848 3849 3850 3851 3852 3853 3854 3855 3856 3857 3858 3859 3860 3861 3862 3863 3864 3865 3866 3867 3868 3869 3870 3871 3872 3873 3874 3875 3876 3877 3878 3879 3880 3881 3882 3883 3884 3885 3886 3887 3888 3889 3890 3891 3892 3893 3894 3895 3896 3897 3898 3899 3900 3901 3902 3903 3904 3905 3906 3907 3908 3909 3910 3911 3912 3913 3914 3915 3916 3917 3918 3919 3920 3921 3922 3923 3924 3925 3926 3927 3928 3929 3930 3931 3932 3933 3934 3935 3936 3937 3938 3939 3940 3941 3942 3943 3944 3945 3946 3947 3948 3949 3950 3951 3952 3953 3954 3955 3956 3957 3958 3959 3960 3961 3962 3963 3964 3965 3966 3967 3968 3969 3970 3971 3972 3973 3974 3975 3976 3977 3978 3979 3980 3981 3982 3983 3984 3985 3986 3987 3988 3989 3990 3991 3992 3993 3994 3995 3996 3997 3998 3999 4000 => (integer) 1
PFCOUNT {p}grow => (integer) 4004
PFADD {p}grow 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 => (integer) 0
PFADD {p}grow e1 e2 e3 e4 e5 e6 e7 e8 e9 e10 e11 e12 e13 e14 e15 e16 e17 e18 e19 e20 e21 e22 e23 e24 e25 e26 e27 e28 e29 e30 e31 e32 e33 e34 e35 e36 e37 e38 e39 e40 e41 e42 e43 e44 e45 e46 e47 e48 e49 e50 e51 e52 e53 e54 e55 e56 e57 e58 e59 e60 e61 e62 e63 e64 e65 e66 e67 e68 e69 e70 e71 e72 e73 e74 e75 e76 e77 e78 e79 e80 e81 e82 e83 e84 e85 e86 e87 e88 e89 e90 e91 e92 e93 e94 e95 e96 e97 e98 e99 e100 e101 e102 e103 e104 e105 e106 e107 e108 e109 e110 e111 e112 e113 e114 e115 e116 e117 e118 e119 e120 e121 e122 e123 e124 e125 e126 e127 e128 e129 e130 e131 e132 e133 e134 e135 e136 e137 e138 e139 e140 e141 e142 e143 e144 e145 e146 e147 e148 e149 e150 e151 e152 e153 e154 e155 e156 e157 e158 e159 e160 e161 e162 e163 e164 e165 e166 e167 e168 e169 e170 e171 e172 e173 e174 e175 e176 e177 e178 e179 e180 e181 e182 e183 e184 e185 e186 e187 e188 e189 e190 e191 e192 e193 e194 e195 e196 e197 e198 e199 e200 e201 e202 e203 e204 e205 e206 e207 e208 e209 e210 e211 e212 e213 e214 e215 e216 e217 e218 e219 e220 e221 e222 e223 e224 e225 e226 e227 e228 e229 e230 e231 e232 e233 e234 e235 e236 e237 e238 e239 e240 e241 e242 e243 e244 e245 e246 e247 e248 e249 e250 e251 e252 e253 e254 e255 e256 e257 e258 e259 e260 e261 e262 e263 e264 e265 e266 e267 e268 e269 e270 e271 e272 e273 e274 e275 e276 e277 e278 e279 e280 e281 e282 e283 e284 e285 e286 e287 e288 e289 e290 e291 e292 e293 e294 e295 e296 e297 e298 e299 e300 e301 e302 e303 e304 e305 e306 e307 e308 e309 e310 e311 e312 e313 e314 e315 e316 e317 e318 e319 e320 e321 e322 e323 e324 e325 e326 e327 e328 e329 e330 e331 e332 e333 e334 e335 e336 e337 e338 e339 e340 e341 e342 e343 e344 e345 e346 e347 e348 e349 e350 e351 e352 e353 e354 e355 e356 e357 e358 e359 e360 e361 e362 e363 e364 e365 e366 e367 e368 e369 e370 e371 e372 e373 e374 e375 e376 e377 e378 e379 e380 e381 e382 e383 e384 e385 e386 e387 e388 e389 e390 e391 e392 e393 e394 e395 e396 e397 e398 e399 e400 e401 e402 e403 e404 e405 e406 e407 e408 e409 e410 e411 e412 e413 e414 e415 e416 e417 e418 e419 e420 e421 e422 e423 e424 e425 e426 e427 e428 e429 e430 e431 e432 e433 e434 e435 e436 e437 e438 e439 e440 e441 e442 e443 e444 e445 e446 e447 e448 e449 e450 e451 e452 e453 e454 e455 e456 e457 e458 e459 e460 e461 e462 e463 e464 e465 e466 e467 e468 e469 e470 e471 e472 e473 e474 e475 e476 e477 e478 e479 e480 e481 e482 e483 e484 e485 e486 e487 e488 e489 e490 e491 e492 e493 e494 e495 e496 e497 e498 e499 e500 e501 e502 e503 e504 e505 e506 e507 e508 e509 e510 e511 e512 e513 e514 e515 e516 e517 e518 e519 e520 e521 e522 e523 e524 e525 e526 e527 e528 e529 e530 e531 e532 e533 e534 e535 e536 e537 e538 e539 e540 e541 e542 e543 e544 e545 e546 e547 e548 e549 e550 e551 e552 e553 e554 e555 e556 e557 e558 e559 e560 e561 e562 e563 e564 e565 e566 e567 e568 e569 e570 e571 e572 e573 e574 e575 e576 e577 e578 e579 e580 e581 e582 e583 e584 e585 e586 e587 e588 e589 e590 e591 e592 e593 e594 e595 e596 e597 e598 e599 e600 e601 e602 e603 e604 e605 e606 e607 e608 e609 e610 e611 e612 e613 e614 e615 e616 e617 e618 e619 e620 e621 e622 e623 e624 e625 e626 e627 e628 e629 e630 e631 e632 e633 e634 e635 e636 e637 e638 e639 e640 e641 e642 e643 e644 e645 e646 e647 e648 e649 e650 e651 e652 e653 e654 e655 e656 e657 e658 e659 e660 e661 e662 e663 e664 e665 e666 e667 e668 e669 e670 e671 e672 e673 e674 e675 e676 e677 e678 e679 e680 e681 e682 e683 e684 e685 e686 e687 e688 e689 e690 e691 e692 e693 e694 e695 e696 e697 e698 e699 e700 e701 e702 e703 e704 e705 e706 e707 e708 e709 e710 e711 e712 e713 e714 e715 e716 e717 e718 e719 e720 e721 e722 e723 e724 e725 e726 e727 e728 e729 e730 e731 e732 e733 e734 e735 e736 e737 e738 e739 e740 e741 e742 e743 e744 e745 e746 e747 e748 e749 e750 e751 e752 e753 e754 e755 e756 e757 e758 e759 e760 e761 e762 e763 e764 e765 e766 e767 e768 e769 e770 e771 e772 e773 e774 e775 e776 e777 e778 e779 e780 e781 e782 e783 e784 e785 e786 e787 e788 e789 e790 e791 e792 e793 e794 e795 e796 e797 e798 e799 e800 e801 e802 e803 e804 e805 e806 e807 e808 e809 e810 e811 e812 e813 e814 e815 e816 e817 e818 e819 e820 e821 e822 e823 e824 e825 e826 e827 e828 e829 e830 e831 e832 e833 e834 e835 e836 e837 e838 e839 e840 e841 e842 e843 e844 e845 e846 e847 e848 e849 e850 e851 e852 e853 e854 e855 e856 e857 e858 e859 e860 e861 e862 e863 e864 e865 e866 e867 e868 e869 e870 e871 e872 e873 e874 e875 e876 e877 e878 e879 e880 e881 e882 e883 e884 e885 e886 e887 e888 e889 e890 e891 e892 e893 e894 e895 e896 e897 e898 e899 e900 e901 e902 e903 e904 e905 e906 e907 e908 e909 e910 e911 e912 e913 e914 e915 e916 e917 e918 e919 e920 e921 e922 e923 e924 e925 e926 e927 e928 e929 e930 e931 e932 e933 e934 e935 e936 e937 e938 e939 e940 e941 e942 e943 e944 e945 e946 e947 e948 e949 e950 e951 e952 e953 e954 e955 e956 e957 e958 e959 e960 e961 e962 e963 e964 e965 e966 e967 e968 e969 e970 e971 e972 e973 e974 e975 e976 e977 e978 e979 e980 e981 e982 e983 e984 e985 e986 e987 e988 e989 e990 e991 e992 e993 e994 e995 e996 e997 e998 e999 e1000 e1001 e1002 e1003 e1004 e1005 e1006 e1007 e1008 e1009 e1010 e1011 e1012 e1013 e1014 e1015 e1016 e1017 e1018 e1019 e1020 e1021 e1022 e1023 e1024 e1025 e1026 e1027 e1028 e1029 e1030 e1031 e1032 e1033 e1034 e1035 e1036 e1037 e1038 e1039 e1040 e1041 e1042 e1043 e1044 e1045 e1046 e1047 e1048 e1049 e1050 e1051 e1052 e1053 e1054 e1055 e1056 e1057 e1058 e1059 e1060 e1061 e1062 e1063 e1064 e1065 e1066 e1067 e1068 e1069 e1070 e1071 e1072 e1073 e1074 e1075 e1076 e1077 e1078 e1079 e1080 e1081 e1082 e1083 e1084 e1085 e1086 e1087 e1088 e1089 e1090 e1091 e1092 e1093 e1094 e1095 e1096 e1097 e1098 e1099 e1100 e1101 e1102 e1103 e1104 e1105 e1106 e1107 e1108 e1109 e1110 e1111 e1112 e1113 e1114 e1115 e1116 e1117 e1118 e1119 e1120 e1121 e1122 e1123 e1124 e1125 e1126 e1127 e1128 e1129 e1130 e1131 e1132 e1133 e1134 e1135 e1136 e1137 e1138 e1139 e1140 e1141 e1142 e1143 e1144 e1145 e1146 e1147 e1148 e1149 e1150 e1151 e1152 e1153 e1154 e1155 e1156 e1157 e1158 e1159 e1160 e1161 e1162 e1163 e1164 e1165 e1166 e1167 e1168 e1169 e1170 e1171 e1172 e1173 e1174 e1175 e1176 e1177 e1178 e1179 e1180 e1181 e1182 e1183 e1184 e1185 e1186 e1187 e1188 e1189 e1190 e1191 e1192 e1193 e1194 e1195 e1196 e1197 e1198 e1199 e1200 e1201 e1202 e1203 e1204 e1205 e1206 e1207 e1208 e1209 e1210 e1211 e1212 e1213 e1214 e1215 e1216 e1217 e1218 e1219 e1220 e1221 e1222 e1223 e1224 e1225 e1226 e1227 e1228 e1229 e1230 e1231 e1232 e1233 e1234 e1235 e1236 e1237 e1238 e1239 e1240 e1241 e1242 e1243 e1244 e1245 e1246 e1247 e1248 e1249 e1250 e1251 e1252 e1253 e1254 e1255 e1256 e1257 e1258 e1259 e1260 e1261 e1262 e1263 e1264 e1265 e1266 e1267 e1268 e1269 e1270 e1271 e1272 e1273 e1274 e1275 e1276 e1277 e1278 e1279 e1280 e1281 e1282 e1283 e1284 e1285 e1286 e1287 e1288 e1289 e1290 e1291 e1292 e1293 e1294 e1295 e1296 e1297 e1298 e1299 e1300 e1301 e1302 e1303 e1304 e1305 e1306 e1307 e1308 e1309 e1310 e1311 e1312 e1313 e1314 e1315 e1316 e1317 e1318 e1319 e1320 e1321 e1322 e1323 e1324 e1325 e1326 e1327 e1328 e1329 e1330 e1331 e1332 e1333 e1334 e1335 e1336 e1337 e1338 e1339 e1340 e1341 e1342 e1343 e1344 e1345 e1346 e1347 e1348 e1349 e1350 e1351 e1352 e1353 e1354 e1355 e1356 e1357 e1358 e1359 e1360 e1361 e1362 e1363 e1364 e1365 e1366 e1367 e1368 e1369 e1370 e1371 e1372 e1373 e1374 e1375 e1376 e1377 e1378 e1379 e1380 e1381 e1382 e1383 e1384 e1385 e1386 e1387 e1388 e1389 e1390 e1391 e1392 e1393 e1394 e1395 e1396 e1397 e1398 e1399 e1400 e1401 e1402 e1403 e1404 e1405 e1406 e1407 e1408 e1409 e1410 e1411 e1412 e1413 e1414 e1415 e1416 e1417 e1418 e1419 e1420 e1421 e1422 e1423 e1424 e1425 e1426 e1427 e1428 e1429 e1430 e1431 e1432 e1433 e1434 e1435 e1436 e1437 e1438 e1439 e1440 e1441 e1442 e1443 e1444 e1445 e1446 e1447 e1448 e1449 e1450 e1451 e1452 e1453 e1454 e1455 e1456 e1457 e1458 e1459 e1460 e1461 e1462 e1463 e1464 e1465 e1466 e1467 e1468 e1469 e1470 e1471 e1472 e1473 e1474 e1475 e1476 e1477 e1478 e1479 e1480 e1481 e1482 e1483 e1484 e1485 e1486 e1487 e1488 e1489 e1490 e1491 e1492 e1493 e1494 e1495 e1496 e1497 e1498 e1499 e1500 => (integer) 1
PFCOUNT {p}grow => (integer) 5565
PFCOUNT {p}grow {p}c2000 => (integer) 6058
# PFMERGE stores the union of the sources at the destination and answers OK: a missing
# destination is created, an existing one keeps its own registers (the union includes it),
# missing sources count as empty, and with no sources at all it just makes sure the
# destination exists. The result counts like PFCOUNT of the same keys.
PFMERGE {p}m1 {p}c100 {p}c500 => OK
PFCOUNT {p}m1 => (integer) 506
PFMERGE {p}m2 {p}h {p}h2 => OK
PFCOUNT {p}m2 => (integer) 6
PFADD {p}dst p q r => (integer) 1
PFMERGE {p}dst {p}h => OK
PFCOUNT {p}dst => (integer) 7
PFMERGE {p}dst {p}h2 {p}h => OK
PFCOUNT {p}dst => (integer) 9
PFMERGE {p}empty => OK
EXISTS {p}empty => (integer) 1
PFCOUNT {p}empty => (integer) 0
PFMERGE {p}dst => OK
PFCOUNT {p}dst => (integer) 9
PFMERGE {p}m3 {p}none {p}none2 => OK
EXISTS {p}m3 {p}none {p}none2 => (integer) 1
PFCOUNT {p}m3 => (integer) 0
PFMERGE {p}m4 {p}none {p}h {p}none2 => OK
PFCOUNT {p}m4 => (integer) 4
PFMERGE {p}h {p}h {p}h2 => OK
PFCOUNT {p}h => (integer) 6
PFMERGE {p}big {p}c2000 {p}x1000 => OK
PFCOUNT {p}big => (integer) 2996
PFCOUNT {p}c2000 {p}x1000 => (integer) 2996
PFMERGE {p}all {p}c10 {p}c100 {p}c500 {p}c2000 {p}x1000 {p}grow {p}bin => OK
PFCOUNT {p}all => (integer) 7068
PFCOUNT {p}c10 {p}c100 {p}c500 {p}c2000 {p}x1000 {p}grow {p}bin => (integer) 7068
PFADD {p}all x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 x31 x32 x33 x34 x35 x36 x37 x38 x39 x40 x41 x42 x43 x44 x45 x46 x47 x48 x49 x50 x51 x52 x53 x54 x55 x56 x57 x58 x59 x60 x61 x62 x63 x64 x65 x66 x67 x68 x69 x70 x71 x72 x73 x74 x75 x76 x77 x78 x79 x80 x81 x82 x83 x84 x85 x86 x87 x88 x89 x90 x91 x92 x93 x94 x95 x96 x97 x98 x99 x100 x101 x102 x103 x104 x105 x106 x107 x108 x109 x110 x111 x112 x113 x114 x115 x116 x117 x118 x119 x120 x121 x122 x123 x124 x125 x126 x127 x128 x129 x130 x131 x132 x133 x134 x135 x136 x137 x138 x139 x140 x141 x142 x143 x144 x145 x146 x147 x148 x149 x150 x151 x152 x153 x154 x155 x156 x157 x158 x159 x160 x161 x162 x163 x164 x165 x166 x167 x168 x169 x170 x171 x172 x173 x174 x175 x176 x177 x178 x179 x180 x181 x182 x183 x184 x185 x186 x187 x188 x189 x190 x191 x192 x193 x194 x195 x196 x197 x198 x199 x200 x201 x202 x203 x204 x205 x206 x207 x208 x209 x210 x211 x212 x213 x214 x215 x216 x217 x218 x219 x220 x221 x222 x223 x224 x225 x226 x227 x228 x229 x230 x231 x232 x233 x234 x235 x236 x237 x238 x239 x240 x241 x242 x243 x244 x245 x246 x247 x248 x249 x250 x251 x252 x253 x254 x255 x256 x257 x258 x259 x260 x261 x262 x263 x264 x265 x266 x267 x268 x269 x270 x271 x272 x273 x274 x275 x276 x277 x278 x279 x280 x281 x282 x283 x284 x285 x286 x287 x288 x289 x290 x291 x292 x293 x294 x295 x296 x297 x298 x299 x300 x301 x302 x303 x304 x305 x306 x307 x308 x309 x310 x311 x312 x313 x314 x315 x316 x317 x318 x319 x320 x321 x322 x323 x324 x325 x326 x327 x328 x329 x330 x331 x332 x333 x334 x335 x336 x337 x338 x339 x340 x341 x342 x343 x344 x345 x346 x347 x348 x349 x350 x351 x352 x353 x354 x355 x356 x357 x358 x359 x360 x361 x362 x363 x364 x365 x366 x367 x368 x369 x370 x371 x372 x373 x374 x375 x376 x377 x378 x379 x380 x381 x382 x383 x384 x385 x386 x387 x388 x389 x390 x391 x392 x393 x394 x395 x396 x397 x398 x399 x400 x401 x402 x403 x404 x405 x406 x407 x408 x409 x410 x411 x412 x413 x414 x415 x416 x417 x418 x419 x420 x421 x422 x423 x424 x425 x426 x427 x428 x429 x430 x431 x432 x433 x434 x435 x436 x437 x438 x439 x440 x441 x442 x443 x444 x445 x446 x447 x448 x449 x450 x451 x452 x453 x454 x455 x456 x457 x458 x459 x460 x461 x462 x463 x464 x465 x466 x467 x468 x469 x470 x471 x472 x473 x474 x475 x476 x477 x478 x479 x480 x481 x482 x483 x484 x485 x486 x487 x488 x489 x490 x491 x492 x493 x494 x495 x496 x497 x498 x499 x500 x501 x502 x503 x504 x505 x506 x507 x508 x509 x510 x511 x512 x513 x514 x515 x516 x517 x518 x519 x520 x521 x522 x523 x524 x525 x526 x527 x528 x529 x530 x531 x532 x533 x534 x535 x536 x537 x538 x539 x540 x541 x542 x543 x544 x545 x546 x547 x548 x549 x550 x551 x552 x553 x554 x555 x556 x557 x558 x559 x560 x561 x562 x563 x564 x565 x566 x567 x568 x569 x570 x571 x572 x573 x574 x575 x576 x577 x578 x579 x580 x581 x582 x583 x584 x585 x586 x587 x588 x589 x590 x591 x592 x593 x594 x595 x596 x597 x598 x599 x600 x601 x602 x603 x604 x605 x606 x607 x608 x609 x610 x611 x612 x613 x614 x615 x616 x617 x618 x619 x620 x621 x622 x623 x624 x625 x626 x627 x628 x629 x630 x631 x632 x633 x634 x635 x636 x637 x638 x639 x640 x641 x642 x643 x644 x645 x646 x647 x648 x649 x650 x651 x652 x653 x654 x655 x656 x657 x658 x659 x660 x661 x662 x663 x664 x665 x666 x667 x668 x669 x670 x671 x672 x673 x674 x675 x676 x677 x678 x679 x680 x681 x682 x683 x684 x685 x686 x687 x688 x689 x690 x691 x692 x693 x694 x695 x696 x697 x698 x699 x700 x701 x702 x703 x704 x705 x706 x707 x708 x709 x710 x711 x712 x713 x714 x715 x716 x717 x718 x719 x720 x721 x722 x723 x724 x725 x726 x727 x728 x729 x730 x731 x732 x733 x734 x735 x736 x737 x738 x739 x740 x741 x742 x743 x744 x745 x746 x747 x748 x749 x750 x751 x752 x753 x754 x755 x756 x757 x758 x759 x760 x761 x762 x763 x764 x765 x766 x767 x768 x769 x770 x771 x772 x773 x774 x775 x776 x777 x778 x779 x780 x781 x782 x783 x784 x785 x786 x787 x788 x789 x790 x791 x792 x793 x794 x795 x796 x797 x798 x799 x800 x801 x802 x803 x804 x805 x806 x807 x808 x809 x810 x811 x812 x813 x814 x815 x816 x817 x818 x819 x820 x821 x822 x823 x824 x825 x826 x827 x828 x829 x830 x831 x832 x833 x834 x835 x836 x837 x838 x839 x840 x841 x842 x843 x844 x845 x846 x847 x848 x849 x850 x851 x852 x853 x854 x855 x856 x857 x858 x859 x860 x861 x862 x863 x864 x865 x866 x867 x868 x869 x870 x871 x872 x873 x874 x875 x876 x877 x878 x879 x880 x881 x882 x883 x884 x885 x886 x887 x888 x889 x890 x891 x892 x893 x894 x895 x896 x897 x898 x899 x900 x901 x902 x903 x904 x905 x906 x907 x908 x909 x910 x911 x912 x913 x914 x915 x916 x917 x918 x919 x920 x921 x922 x923 x924 x925 x926 x927 x928 x929 x930 x931 x932 x933 x934 x935 x936 x937 x938 x939 x940 x941 x942 x943 x944 x945 x946 x947 x948 x949 x950 x951 x952 x953 x954 x955 x956 x957 x958 x959 x960 x961 x962 x963 x964 x965 x966 x967 x968 x969 x970 x971 x972 x973 x974 x975 x976 x977 x978 x979 x980 x981 x982 x983 x984 x985 x986 x987 x988 x989 x990 x991 x992 x993 x994 x995 x996 x997 x998 x999 x1000 => (integer) 0
PFADD {p}all zzz => (integer) 1
PFCOUNT {p}all => (integer) 7069
# PFADD and PFMERGE change the value in place: the key keeps its expiry.
PFADD {p}ttl a => (integer) 1
EXPIRE {p}ttl 100 => (integer) 1
PFADD {p}ttl b => (integer) 1
TTL {p}ttl => (integer) 99..100
PFMERGE {p}ttl {p}h2 => OK
TTL {p}ttl => (integer) 99..100
PFCOUNT {p}ttl => (integer) 6
# A key of another type: a list (or set) answers the standard WRONGTYPE, a string that is not a
# HyperLogLog Redis's own error. PFCOUNT and PFMERGE check every key, in order, before they
# count or write anything; PFMERGE checks the destination first.
RPUSH {p}list a => (integer) 1
SADD {p}set a => (integer) 1
SET {p}str hello => OK
SET {p}int 12345 => OK
SET {p}estr "" => OK
PFADD {p}list a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFADD {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFADD {p}set a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFCOUNT {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFCOUNT {p}set => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFMERGE {p}list {p}h => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFMERGE {p}h {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFMERGE {p}new {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFADD {p}str a => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFADD {p}str => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFADD {p}int a => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFADD {p}estr a => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFCOUNT {p}str => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFCOUNT {p}int => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFCOUNT {p}estr => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFMERGE {p}str {p}h => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFMERGE {p}str => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFMERGE {p}h {p}str => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFMERGE {p}new {p}none {p}str => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFCOUNT {p}h {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFCOUNT {p}h {p}str => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFCOUNT {p}none {p}str {p}list => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFCOUNT {p}none {p}list {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFMERGE {p}list {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
PFMERGE {p}str {p}list => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFMERGE {p}h {p}none {p}str {p}list => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
EXISTS {p}new => (integer) 0
LRANGE {p}list 0 -1 => ["a"]
GET {p}str => "hello"
GET {p}int => "12345"
PFCOUNT {p}h => (integer) 6
# A string is a HyperLogLog only with Redis's header ("HYLL", an encoding byte, three unused
# bytes and an 8-byte cached count) and, when dense, exactly 16384 six-bit registers after it.
SET {p}fake HYLL => OK
PFCOUNT {p}fake => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
SET {p}fake "HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80" => OK
PFADD {p}fake a => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
SET {p}fake "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80AAAA" => OK
PFCOUNT {p}fake => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
PFMERGE {p}fake => (error) WRONGTYPE Key is not a valid HyperLogLog string value.
# Redis's encodings written with SET are HyperLogLogs too: a sparse one (as Redis stores a small
# HyperLogLog; this one holds a, b and c), whose cached count, when valid (the top bit of the
# header's last byte clear), PFCOUNT of that one key answers as is; a dense one of any register
# values; a sparse one whose opcodes do not cover exactly 16384 registers is corrupt.
SET {p}sparse "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ" => OK
PFCOUNT {p}sparse => (integer) 3
PFCOUNT {p}sparse {p}h2 => (integer) 6
PFADD {p}sparse c => (integer) 0
PFADD {p}sparse d => (integer) 1
PFCOUNT {p}sparse => (integer) 4
PFMERGE {p}fromsparse {p}sparse {p}h2 => OK
PFCOUNT {p}fromsparse => (integer) 6
SET {p}cached "HYLL\x01\x00\x00\x00\x07\x00\x00\x00\x00\x00\x00\x00`\xf3\x80P\xb1\x84K\xfb\x80BZ" => OK
PFCOUNT {p}cached => (integer) 7
PFCOUNT {p}cached {p}none => (integer) 3
SET {p}dense "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" => OK
PFCOUNT {p}dense => (integer) 88984
PFADD {p}dense a => (integer) 0
PFCOUNT {p}dense {p}none => (integer) 88984
SET {p}bad "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80" => OK
PFCOUNT {p}bad => (error) INVALIDOBJ Corrupted HLL object detected
PFCOUNT {p}none {p}bad => (error) INVALIDOBJ Corrupted HLL object detected
PFADD {p}bad a => (error) INVALIDOBJ Corrupted HLL object detected
PFMERGE {p}new {p}bad => (error) INVALIDOBJ Corrupted HLL object detected
PFMERGE {p}bad {p}h => (error) INVALIDOBJ Corrupted HLL object detected
EXISTS {p}new => (integer) 0
SET {p}bad "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x7f\xff" => OK
PFCOUNT {p}bad => (error) INVALIDOBJ Corrupted HLL object detected
# A new HyperLogLog is sparse (run-length coded, a few bytes while few registers are set) and
# is changed in place as Redis changes it, so GET and STRLEN show Redis's bytes. It turns
# dense (12304 bytes) once the sparse form would pass 3000 bytes or a register would pass 32;
# PFMERGE's result is dense when any HyperLogLog it read was. (PFCOUNT, which in Redis writes
# the cached count into the header, is kept away from these keys.)
PFADD {p}sp => (integer) 1
GET {p}sp => "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff"
PFADD {p}sp a b c => (integer) 1
GET {p}sp => "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80`\xf3\x80P\xb1\x84K\xfb\x80BZ"
OBJECT ENCODING {p}sp => "raw"
STRLEN {p}sp => (integer) 27
PFADD {p}sp d => (integer) 1
GET {p}sp => "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\\{\x80Dv\x80P\xb1\x84K\xfb\x80BZ"
PFADD {p}sp300 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15 s16 s17 s18 s19 s20 s21 s22 s23 s24 s25 s26 s27 s28 s29 s30 s31 s32 s33 s34 s35 s36 s37 s38 s39 s40 s41 s42 s43 s44 s45 s46 s47 s48 s49 s50 s51 s52 s53 s54 s55 s56 s57 s58 s59 s60 s61 s62 s63 s64 s65 s66 s67 s68 s69 s70 s71 s72 s73 s74 s75 s76 s77 s78 s79 s80 s81 s82 s83 s84 s85 s86 s87 s88 s89 s90 s91 s92 s93 s94 s95 s96 s97 s98 s99 s100 s101 s102 s103 s104 s105 s106 s107 s108 s109 s110 s111 s112 s113 s114 s115 s116 s117 s118 s119 s120 s121 s122 s123 s124 s125 s126 s127 s128 s129 s130 s131 s132 s133 s134 s135 s136 s137 s138 s139 s140 s141 s142 s143 s144 s145 s146 s147 s148 s149 s150 s151 s152 s153 s154 s155 s156 s157 s158 s159 s160 s161 s162 s163 s164 s165 s166 s167 s168 s169 s170 s171 s172 s173 s174 s175 s176 s177 s178 s179 s180 s181 s182 s183 s184 s185 s186 s187 s188 s189 s190 s191 s192 s193 s194 s195 s196 s197 s198 s199 s200 s201 s202 s203 s204 s205 s206 s207 s208 s209 s210 s211 s212 s213 s214 s215 s216 s217 s218 s219 s220 s221 s222 s223 s224 s225 s226 s227 s228 s229 s230 s231 s232 s233 s234 s235 s236 s237 s238 s239 s240 s241 s242 s243 s244 s245 s246 s247 s248 s249 s250 s251 s252 s253 s254 s255 s256 s257 s258 s259 s260 s261 s262 s263 s264 s265 s266 s267 s268 s269 s270 s271 s272 s273 s274 s275 s276 s277 s278 s279 s280 s281 s282 s283 s284 s285 s286 s287 s288 s289 s290 s291 s292 s293 s294 s295 s296 s297 s298 s299 s300 => (integer) 1
STRLEN {p}sp300 => (integer) 697
GETRANGE {p}sp300 0 40 => "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80@\\\x8cA\x89\x80@y\x80\x1e\x88\x06\xb0(\x80\x1b\x84@Y\x88\x15\x80\x10\x8c\x10"
PFADD {p}sp1500 s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15 s16 s17 s18 s19 s20 s21 s22 s23 s24 s25 s26 s27 s28 s29 s30 s31 s32 s33 s34 s35 s36 s37 s38 s39 s40 s41 s42 s43 s44 s45 s46 s47 s48 s49 s50 s51 s52 s53 s54 s55 s56 s57 s58 s59 s60 s61 s62 s63 s64 s65 s66 s67 s68 s69 s70 s71 s72 s73 s74 s75 s76 s77 s78 s79 s80 s81 s82 s83 s84 s85 s86 s87 s88 s89 s90 s91 s92 s93 s94 s95 s96 s97 s98 s99 s100 s101 s102 s103 s104 s105 s106 s107 s108 s109 s110 s111 s112 s113 s114 s115 s116 s117 s118 s119 s120 s121 s122 s123 s124 s125 s126 s127 s128 s129 s130 s131 s132 s133 s134 s135 s136 s137 s138 s139 s140 s141 s142 s143 s144 s145 s146 s147 s148 s149 s150 s151 s152 s153 s154 s155 s156 s157 s158 s159 s160 s161 s162 s163 s164 s165 s166 s167 s168 s169 s170 s171 s172 s173 s174 s175 s176 s177 s178 s179 s180 s181 s182 s183 s184 s185 s186 s187 s188 s189 s190 s191 s192 s193 s194 s195 s196 s197 s198 s199 s200 s201 s202 s203 s204 s205 s206 s207 s208 s209 s210 s211 s212 s213 s214 s215 s216 s217 s218 s219 s220 s221 s222 s223 s224 s225 s226 s227 s228 s229 s230 s231 s232 s233 s234 s235 s236 s237 s238 s239 s240 s241 s242 s243 s244 s245 s246 s247 s248 s249 s250 s251 s252 s253 s254 s255 s256 s257 s258 s259 s260 s261 s262 s263 s264 s265 s266 s267 s268 s269 s270 s271 s272 s273 s274 s275 s276 s277 s278 s279 s280 s281 s282 s283 s284 s285 s286 s287 s288 s289 s290 s291 s292 s293 s294 s295 s296 s297 s298 s299 s300 s301 s302 s303 s304 s305 s306 s307 s308 s309 s310 s311 s312 s313 s314 s315 s316 s317 s318 s319 s320 s321 s322 s323 s324 s325 s326 s327 s328 s329 s330 s331 s332 s333 s334 s335 s336 s337 s338 s339 s340 s341 s342 s343 s344 s345 s346 s347 s348 s349 s350 s351 s352 s353 s354 s355 s356 s357 s358 s359 s360 s361 s362 s363 s364 s365 s366 s367 s368 s369 s370 s371 s372 s373 s374 s375 s376 s377 s378 s379 s380 s381 s382 s383 s384 s385 s386 s387 s388 s389 s390 s391 s392 s393 s394 s395 s396 s397 s398 s399 s400 s401 s402 s403 s404 s405 s406 s407 s408 s409 s410 s411 s412 s413 s414 s415 s416 s417 s418 s419 s420 s421 s422 s423 s424 s425 s426 s427 s428 s429 s430 s431 s432 s433 s434 s435 s436 s437 s438 s439 s440 s441 s442 s443 s444 s445 s446 s447 s448 s449 s450 s451 s452 s453 s454 s455 s456 s457 s458 s459 s460 s461 s462 s463 s464 s465 s466 s467 s468 s469 s470 s471 s472 s473 s474 s475 s476 s477 s478 s479 s480 s481 s482 s483 s484 s485 s486 s487 s488 s489 s490 s491 s492 s493 s494 s495 s496 s497 s498 s499 s500 s501 s502 s503 s504 s505 s506 s507 s508 s509 s510 s511 s512 s513 s514 s515 s516 s517 s518 s519 s520 s521 s522 s523 s524 s525 s526 s527 s528 s529 s530 s531 s532 s533 s534 s535 s536 s537 s538 s539 s540 s541 s542 s543 s544 s545 s546 s547 s548 s549 s550 s551 s552 s553 s554 s555 s556 s557 s558 s559 s560 s561 s562 s563 s564 s565 s566 s567 s568 s569 s570 s571 s572 s573 s574 s575 s576 s577 s578 s579 s580 s581 s582 s583 s584 s585 s586 s587 s588 s589 s590 s591 s592 s593 s594 s595 s596 s597 s598 s599 s600 s601 s602 s603 s604 s605 s606 s607 s608 s609 s610 s611 s612 s613 s614 s615 s616 s617 s618 s619 s620 s621 s622 s623 s624 s625 s626 s627 s628 s629 s630 s631 s632 s633 s634 s635 s636 s637 s638 s639 s640 s641 s642 s643 s644 s645 s646 s647 s648 s649 s650 s651 s652 s653 s654 s655 s656 s657 s658 s659 s660 s661 s662 s663 s664 s665 s666 s667 s668 s669 s670 s671 s672 s673 s674 s675 s676 s677 s678 s679 s680 s681 s682 s683 s684 s685 s686 s687 s688 s689 s690 s691 s692 s693 s694 s695 s696 s697 s698 s699 s700 s701 s702 s703 s704 s705 s706 s707 s708 s709 s710 s711 s712 s713 s714 s715 s716 s717 s718 s719 s720 s721 s722 s723 s724 s725 s726 s727 s728 s729 s730 s731 s732 s733 s734 s735 s736 s737 s738 s739 s740 s741 s742 s743 s744 s745 s746 s747 s748 s749 s750 s751 s752 s753 s754 s755 s756 s757 s758 s759 s760 s761 s762 s763 s764 s765 s766 s767 s768 s769 s770 s771 s772 s773 s774 s775 s776 s777 s778 s779 s780 s781 s782 s783 s784 s785 s786 s787 s788 s789 s790 s791 s792 s793 s794 s795 s796 s797 s798 s799 s800 s801 s802 s803 s804 s805 s806 s807 s808 s809 s810 s811 s812 s813 s814 s815 s816 s817 s818 s819 s820 s821 s822 s823 s824 s825 s826 s827 s828 s829 s830 s831 s832 s833 s834 s835 s836 s837 s838 s839 s840 s841 s842 s843 s844 s845 s846 s847 s848 s849 s850 s851 s852 s853 s854 s855 s856 s857 s858 s859 s860 s861 s862 s863 s864 s865 s866 s867 s868 s869 s870 s871 s872 s873 s874 s875 s876 s877 s878 s879 s880 s881 s882 s883 s884 s885 s886 s887 s888 s889 s890 s891 s892 s893 s894 s895 s896 s897 s898 s899 s900 s901 s902 s903 s904 s905 s906 s907 s908 s909 s910 s911 s912 s913 s914 s915 s916 s917 s918 s919 s920 s921 s922 s923 s924 s925 s926 s927 s928 s929 s930 s931 s932 s933 s934 s935 s936 s937 s938 s939 s940 s941 s942 s943 s944 s945 s946 s947 s948 s949 s950 s951 s952 s953 s954 s955 s956 s957 s958 s959 s960 s961 s962 s963 s964 s965 s966 s967 s968 s969 s970 s971 s972 s973 s974 s975 s976 s977 s978 s979 s980 s981 s982 s983 s984 s985 s986 s987 s988 s989 s990 s991 s992 s993 s994 s995 s996 s997 s998 s999 s1000 s1001 s1002 s1003 s1004 s1005 s1006 s1007 s1008 s1009 s1010 s1011 s1012 s1013 s1014 s1015 s1016 s1017 s1018 s1019 s1020 s1021 s1022 s1023 s1024 s1025 s1026 s1027 s1028 s1029 s1030 s1031 s1032 s1033 s1034 s1035 s1036 s1037 s1038 s1039 s1040 s1041 s1042 s1043 s1044 s1045 s1046 s1047 s1048 s1049 s1050 s1051 s1052 s1053 s1054 s1055 s1056 s1057 s1058 s1059 s1060 s1061 s1062 s1063 s1064 s1065 s1066 s1067 s1068 s1069 s1070 s1071 s1072 s1073 s1074 s1075 s1076 s1077 s1078 s1079 s1080 s1081 s1082 s1083 s1084 s1085 s1086 s1087 s1088 s1089 s1090 s1091 s1092 s1093 s1094 s1095 s1096 s1097 s1098 s1099 s1100 s1101 s1102 s1103 s1104 s1105 s1106 s1107 s1108 s1109 s1110 s1111 s1112 s1113 s1114 s1115 s1116 s1117 s1118 s1119 s1120 s1121 s1122 s1123 s1124 s1125 s1126 s1127 s1128 s1129 s1130 s1131 s1132 s1133 s1134 s1135 s1136 s1137 s1138 s1139 s1140 s1141 s1142 s1143 s1144 s1145 s1146 s1147 s1148 s1149 s1150 s1151 s1152 s1153 s1154 s1155 s1156 s1157 s1158 s1159 s1160 s1161 s1162 s1163 s1164 s1165 s1166 s1167 s1168 s1169 s1170 s1171 s1172 s1173 s1174 s1175 s1176 s1177 s1178 s1179 s1180 s1181 s1182 s1183 s1184 s1185 s1186 s1187 s1188 s1189 s1190 s1191 s1192 s1193 s1194 s1195 s1196 s1197 s1198 s1199 s1200 s1201 s1202 s1203 s1204 s1205 s1206 s1207 s1208 s1209 s1210 s1211 s1212 s1213 s1214 s1215 s1216 s1217 s1218 s1219 s1220 s1221 s1222 s1223 s1224 s1225 s1226 s1227 s1228 s1229 s1230 s1231 s1232 s1233 s1234 s1235 s1236 s1237 s1238 s1239 s1240 s1241 s1242 s1243 s1244 s1245 s1246 s1247 s1248 s1249 s1250 s1251 s1252 s1253 s1254 s1255 s1256 s1257 s1258 s1259 s1260 s1261 s1262 s1263 s1264 s1265 s1266 s1267 s1268 s1269 s1270 s1271 s1272 s1273 s1274 s1275 s1276 s1277 s1278 s1279 s1280 s1281 s1282 s1283 s1284 s1285 s1286 s1287 s1288 s1289 s1290 s1291 s1292 s1293 s1294 s1295 s1296 s1297 s1298 s1299 s1300 s1301 s1302 s1303 s1304 s1305 s1306 s1307 s1308 s1309 s1310 s1311 s1312 s1313 s1314 s1315 s1316 s1317 s1318 s1319 s1320 s1321 s1322 s1323 s1324 s1325 s1326 s1327 s1328 s1329 s1330 s1331 s1332 s1333 s1334 s1335 s1336 s1337 s1338 s1339 s1340 s1341 s1342 s1343 s1344 s1345 s1346 s1347 s1348 s1349 s1350 s1351 s1352 s1353 s1354 s1355 s1356 s1357 s1358 s1359 s1360 s1361 s1362 s1363 s1364 s1365 s1366 s1367 s1368 s1369 s1370 s1371 s1372 s1373 s1374 s1375 s1376 s1377 s1378 s1379 s1380 s1381 s1382 s1383 s1384 s1385 s1386 s1387 s1388 s1389 s1390 s1391 s1392 s1393 s1394 s1395 s1396 s1397 s1398 s1399 s1400 s1401 s1402 s1403 s1404 s1405 s1406 s1407 s1408 s1409 s1410 s1411 s1412 s1413 s1414 s1415 s1416 s1417 s1418 s1419 s1420 s1421 s1422 s1423 s1424 s1425 s1426 s1427 s1428 s1429 s1430 s1431 s1432 s1433 s1434 s1435 s1436 s1437 s1438 s1439 s1440 s1441 s1442 s1443 s1444 s1445 s1446 s1447 s1448 s1449 s1450 s1451 s1452 s1453 s1454 s1455 s1456 s1457 s1458 s1459 s1460 s1461 s1462 s1463 s1464 s1465 s1466 s1467 s1468 s1469 s1470 s1471 s1472 s1473 s1474 s1475 s1476 s1477 s1478 s1479 s1480 s1481 s1482 s1483 s1484 s1485 s1486 s1487 s1488 s1489 s1490 s1491 s1492 s1493 s1494 s1495 s1496 s1497 s1498 s1499 s1500 => (integer) 1
STRLEN {p}sp1500 => (integer) 2708
GETRANGE {p}sp1500 0 20 => "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x07\x9c\x01\x84\n"
PFMERGE {p}spm {p}sp {p}sp300 => OK
STRLEN {p}spm => (integer) 703
GETRANGE {p}spm 0 40 => "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80@\\\x8cA\x89\x80@y\x80\x1e\x88\x06\xb0(\x80\x1b\x84@Y\x88\x15\x80\x10\x8c\x10"
PFMERGE {p}spd {p}sp {p}sp1500 => OK
STRLEN {p}spd => (integer) 2714
PFMERGE {p}sp {p}sp => OK
GET {p}sp => "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\\{\x80Dv\x80P\xb1\x84K\xfb\x80BZ"
PFADD {p}sp1500 t1 t2 t3 t4 t5 t6 t7 t8 t9 t10 t11 t12 t13 t14 t15 t16 t17 t18 t19 t20 t21 t22 t23 t24 t25 t26 t27 t28 t29 t30 t31 t32 t33 t34 t35 t36 t37 t38 t39 t40 t41 t42 t43 t44 t45 t46 t47 t48 t49 t50 t51 t52 t53 t54 t55 t56 t57 t58 t59 t60 t61 t62 t63 t64 t65 t66 t67 t68 t69 t70 t71 t72 t73 t74 t75 t76 t77 t78 t79 t80 t81 t82 t83 t84 t85 t86 t87 t88 t89 t90 t91 t92 t93 t94 t95 t96 t97 t98 t99 t100 t101 t102 t103 t104 t105 t106 t107 t108 t109 t110 t111 t112 t113 t114 t115 t116 t117 t118 t119 t120 t121 t122 t123 t124 t125 t126 t127 t128 t129 t130 t131 t132 t133 t134 t135 t136 t137 t138 t139 t140 t141 t142 t143 t144 t145 t146 t147 t148 t149 t150 t151 t152 t153 t154 t155 t156 t157 t158 t159 t160 t161 t162 t163 t164 t165 t166 t167 t168 t169 t170 t171 t172 t173 t174 t175 t176 t177 t178 t179 t180 t181 t182 t183 t184 t185 t186 t187 t188 t189 t190 t191 t192 t193 t194 t195 t196 t197 t198 t199 t200 t201 t202 t203 t204 t205 t206 t207 t208 t209 t210 t211 t212 t213 t214 t215 t216 t217 t218 t219 t220 t221 t222 t223 t224 t225 t226 t227 t228 t229 t230 t231 t232 t233 t234 t235 t236 t237 t238 t239 t240 t241 t242 t243 t244 t245 t246 t247 t248 t249 t250 t251 t252 t253 t254 t255 t256 t257 t258 t259 t260 t261 t262 t263 t264 t265 t266 t267 t268 t269 t270 t271 t272 t273 t274 t275 t276 t277 t278 t279 t280 t281 t282 t283 t284 t285 t286 t287 t288 t289 t290 t291 t292 t293 t294 t295 t296 t297 t298 t299 t300 t301 t302 t303 t304 t305 t306 t307 t308 t309 t310 t311 t312 t313 t314 t315 t316 t317 t318 t319 t320 t321 t322 t323 t324 t325 t326 t327 t328 t329 t330 t331 t332 t333 t334 t335 t336 t337 t338 t339 t340 t341 t342 t343 t344 t345 t346 t347 t348 t349 t350 t351 t352 t353 t354 t355 t356 t357 t358 t359 t360 t361 t362 t363 t364 t365 t366 t367 t368 t369 t370 t371 t372 t373 t374 t375 t376 t377 t378 t379 t380 t381 t382 t383 t384 t385 t386 t387 t388 t389 t390 t391 t392 t393 t394 t395 t396 t397 t398 t399 t400 t401 t402 t403 t404 t405 t406 t407 t408 t409 t410 t411 t412 t413 t414 t415 t416 t417 t418 t419 t420 t421 t422 t423 t424 t425 t426 t427 t428 t429 t430 t431 t432 t433 t434 t435 t436 t437 t438 t439 t440 t441 t442 t443 t444 t445 t446 t447 t448 t449 t450 t451 t452 t453 t454 t455 t456 t457 t458 t459 t460 t461 t462 t463 t464 t465 t466 t467 t468 t469 t470 t471 t472 t473 t474 t475 t476 t477 t478 t479 t480 t481 t482 t483 t484 t485 t486 t487 t488 t489 t490 t491 t492 t493 t494 t495 t496 t497 t498 t499 t500 => (integer) 1
STRLEN {p}sp1500 => (integer) 12304
GETRANGE {p}sp1500 0 20 => "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x00\x00\x00\x00\x00"
PFMERGE {p}spd2 {p}sp {p}c2000 => OK
STRLEN {p}spd2 => (integer) 12304
GETRANGE {p}spd2 0 20 => "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x02\x00\x00\x00 "
# Arity.
PFADD => (error) ERR wrong number of arguments for 'pfadd' command
pfadd => (error) ERR wrong number of arguments for 'pfadd' command
PFCOUNT => (error) ERR wrong number of arguments for 'pfcount' command
pfcount => (error) ERR wrong number of arguments for 'pfcount' command
PFMERGE => (error) ERR wrong number of arguments for 'pfmerge' command
pfmerge => (error) ERR wrong number of arguments for 'pfmerge' command
# In MULTI a wrong type fails only its own command at EXEC; an arity error aborts the lot.
MULTI => OK
PFADD {p}tx a b => QUEUED
PFCOUNT {p}tx => QUEUED
PFMERGE {p}tx2 {p}tx {p}h2 => QUEUED
PFCOUNT {p}tx2 {p}tx => QUEUED
PFADD {p}str x => QUEUED
PFCOUNT {p}tx2 => QUEUED
EXEC => [(integer) 1, (integer) 2, OK, (integer) 6, (error) WRONGTYPE Key is not a valid HyperLogLog string value., (integer) 6]
MULTI => OK
PFADD {p}tx3 a => QUEUED
PFCOUNT => (error) ERR wrong number of arguments for 'pfcount' command
EXEC => (error) EXECABORT Transaction discarded because of previous errors.
EXISTS {p}tx3 => (integer) 0
"#;

/// SORT and SORT_RO: the elements of a list, set or sorted set, ordered as numbers (the
/// default), as strings (ALPHA) or by the values of other keys that a BY pattern names, paged
/// with LIMIT, replaced by the values GET patterns name, and with SORT's STORE written to a
/// list. In a pattern the first `*` stands for the element and a `->field` after it names a
/// hash field; GET's `#` is the element itself. Patterns name other keys, so they carry the
/// `{p}` prefix too. Redis reads every option before it looks at the key, so a syntax error
/// beats WRONGTYPE. Two quirks of Redis shape the script: ALPHA without STORE compares with
/// strcoll, in the server's locale, so replies that depend on it keep to lowercase letters and
/// digits (STORE compares bytes, and shows the rest); and SORT tests strtod's errno for ERANGE
/// without clearing it first, so after any out-of-range number on the server (another client's
/// INCRBYFLOAT, say) it refuses to sort non-integers until something resets errno. Integers
/// never go through strtod; every sort of other numbers here runs in a MULTI after an
/// INCRBYFLOAT that clears errno, which EXEC runs with no other client in between.
pub const SORT: &str = r##"
# By default the elements are read as numbers: integers, negatives and fractions, "inf" and
# "-inf", and whatever else C's strtod takes whole (leading whitespace, a sign, ".5", "1e1",
# hexadecimal); an empty string is 0. Equal numbers are ordered by their bytes ("" before "0",
# "007" before "10"), so the reply never depends on the list's order, and DESC reverses the
# whole comparison, ties included. (Each MULTI clears strtod's errno first; see above.)
RPUSH {p}n 10 -3 2.5 inf " 5" "" -inf 0 007 1e1 +4 .5 0x10 => (integer) 13
MULTI => OK
INCRBYFLOAT {p}errno 0 => QUEUED
SORT {p}n => QUEUED
sort {p}n desc => QUEUED
SORT {p}n ASC LIMIT 1 4 => QUEUED
SORT {p}n DESC LIMIT 0 3 => QUEUED
EXEC => ["0", ["-inf", "-3", "", "0", ".5", "2.5", "+4", " 5", "007", "10", "1e1", "0x10", "inf"], ["inf", "0x10", "1e1", "10", "007", " 5", "+4", "2.5", ".5", "0", "", "-3", "-inf"], ["-3", "", "0", ".5"], ["inf", "0x10", "1e1"]]
RPUSH {p}t 10 010 1.0 1 " 1" 10.0 1e0 => (integer) 7
MULTI => OK
INCRBYFLOAT {p}errno 0 => QUEUED
SORT {p}t => QUEUED
SORT {p}t DESC => QUEUED
EXEC => ["0", [" 1", "1", "1.0", "1e0", "010", "10", "10.0"], ["10.0", "10", "010", "1e0", "1.0", "1", " 1"]]
# An element strtod cannot read whole is an error for the whole command: a word, a trailing
# space, "nan", a bare "0x" or "1e", and a number out of double's range either way (Redis
# takes strtod's ERANGE, so a result too small to be held exactly fails too).
RPUSH {p}bad 1 x 2 => (integer) 3
SORT {p}bad => (error) ERR One or more scores can't be converted into double
SORT {p}bad DESC LIMIT 0 1 => (error) ERR One or more scores can't be converted into double
RPUSH {p}bad2 1 "5 " => (integer) 2
SORT {p}bad2 => (error) ERR One or more scores can't be converted into double
RPUSH {p}bad3 nan 1 => (integer) 2
SORT {p}bad3 => (error) ERR One or more scores can't be converted into double
RPUSH {p}bad4 0x 1e => (integer) 2
SORT {p}bad4 => (error) ERR One or more scores can't be converted into double
RPUSH {p}big 1 1e400 => (integer) 2
SORT {p}big => (error) ERR One or more scores can't be converted into double
RPUSH {p}tiny 1 1e-310 => (integer) 2
SORT {p}tiny => (error) ERR One or more scores can't be converted into double
# ...but ALPHA and an unsorted BY never read a number.
SORT {p}bad ALPHA => ["1", "2", "x"]
SORT {p}bad BY nosort => ["1", "x", "2"]
# Integers never go through strtod. LIMIT offset count pages the sorted result: a negative
# offset counts as 0, a negative count as "all the rest", an offset past the end or a count of
# 0 leaves nothing, and a count beyond the end stops there, however large.
RPUSH {p}i 5 -2 13 0 8 3 => (integer) 6
SORT {p}i => ["-2", "0", "3", "5", "8", "13"]
SORT {p}i DESC => ["13", "8", "5", "3", "0", "-2"]
SORT {p}i LIMIT 0 2 => ["-2", "0"]
SORT {p}i LIMIT 2 3 => ["3", "5", "8"]
SORT {p}i LIMIT 4 10 => ["8", "13"]
SORT {p}i LIMIT -3 2 => ["-2", "0"]
SORT {p}i LIMIT 2 -1 => ["3", "5", "8", "13"]
SORT {p}i LIMIT -1 -1 => ["-2", "0", "3", "5", "8", "13"]
SORT {p}i LIMIT 5 1 => ["13"]
SORT {p}i LIMIT 6 1 => []
SORT {p}i LIMIT 100 -1 => []
SORT {p}i LIMIT 2 0 => []
SORT {p}i DESC LIMIT 1 2 => ["8", "5"]
SORT {p}i LIMIT 2 9223372036854775807 => ["3", "5", "8", "13"]
SORT {p}i LIMIT 9223372036854775807 1 => []
SORT {p}i LIMIT -9223372036854775808 2 => ["-2", "0"]
SORT {p}i LIMIT 1 -9223372036854775808 => ["0", "3", "5", "8", "13"]
# Options may come in any order and case; a later ASC/DESC or LIMIT overrides an earlier one.
SORT {p}i limit 0 1 desc => ["13"]
SORT {p}i DESC ASC => ["-2", "0", "3", "5", "8", "13"]
SORT {p}i ASC DESC => ["13", "8", "5", "3", "0", "-2"]
SORT {p}i LIMIT 0 1 LIMIT 1 2 => ["0", "3"]
# ALPHA compares the elements as strings; numbers then sort by their digits.
RPUSH {p}words pear apple fig banana apple10 apple2 => (integer) 6
SORT {p}words => (error) ERR One or more scores can't be converted into double
SORT {p}words ALPHA => ["apple", "apple10", "apple2", "banana", "fig", "pear"]
SORT {p}words alpha desc => ["pear", "fig", "banana", "apple2", "apple10", "apple"]
SORT {p}words ALPHA LIMIT 1 2 => ["apple10", "apple2"]
SORT {p}words DESC ALPHA LIMIT 4 -1 => ["apple10", "apple"]
RPUSH {p}digits 30 4 7 100 2 => (integer) 5
SORT {p}digits ALPHA => ["100", "2", "30", "4", "7"]
SORT {p}digits => ["2", "4", "7", "30", "100"]
# BY pattern sorts by the values of other keys: the first * is replaced by the element. A
# missing weight key counts as 0, and equal weights are ordered by the element's bytes.
RPUSH {p}l c a e b d f => (integer) 6
MSET {p}w_a 3 {p}w_b 1 {p}w_c 2 {p}w_e -4 {p}w_f 2 => OK
SORT {p}l BY {p}w_* => ["e", "d", "b", "c", "f", "a"]
SORT {p}l BY {p}w_* DESC => ["a", "f", "c", "b", "d", "e"]
SORT {p}l BY {p}w_* LIMIT 1 3 => ["d", "b", "c"]
SORT {p}l BY {p}w_* DESC LIMIT 0 2 => ["a", "f"]
SORT {p}l BY {p}nothing_* => ["a", "b", "c", "d", "e", "f"]
# A weight that is not a number is an error; a weight key of another type counts as missing.
SET {p}w_d x => OK
SORT {p}l BY {p}w_* => (error) ERR One or more scores can't be converted into double
DEL {p}w_d => (integer) 1
RPUSH {p}w_d 7 => (integer) 1
SORT {p}l BY {p}w_* => ["e", "d", "b", "c", "f", "a"]
DEL {p}w_d => (integer) 1
# With -> after the *, the weight is that field of a hash; a missing hash or field counts as
# 0, and a key that is not a hash as missing.
HSET {p}h_a n 5 s kiwi => (integer) 2
HSET {p}h_b n -1 s fig => (integer) 2
HSET {p}h_c n 5 s date => (integer) 2
HSET {p}h_e s lime => (integer) 1
HSET {p}h_f n 2 s apple => (integer) 2
SORT {p}l BY {p}h_*->n => ["b", "d", "e", "f", "a", "c"]
SORT {p}l BY {p}h_*->n DESC => ["c", "a", "f", "e", "d", "b"]
SORT {p}l BY {p}w_*->n => ["a", "b", "c", "d", "e", "f"]
SORT {p}l BY {p}h_* => ["a", "b", "c", "d", "e", "f"]
# ALPHA with BY compares the weights as strings; a missing weight sorts before every string,
# so first, and last with DESC.
SORT {p}l BY {p}h_*->s ALPHA => ["d", "f", "c", "b", "a", "e"]
SORT {p}l BY {p}h_*->s ALPHA DESC => ["e", "a", "b", "c", "f", "d"]
SORT {p}l BY {p}h_*->s ALPHA LIMIT 1 2 => ["f", "c"]
# A BY pattern without * (conventionally "nosort") turns sorting off: the reply keeps the
# list's own order, reversed by DESC, with LIMIT counted from that end. "#" has no * either.
# Once off it stays off, whatever BY comes later; ALPHA changes nothing.
SORT {p}l BY nosort => ["c", "a", "e", "b", "d", "f"]
SORT {p}l BY nosort DESC => ["f", "d", "b", "e", "a", "c"]
SORT {p}l BY nosort LIMIT 1 2 => ["a", "e"]
SORT {p}l BY nosort DESC LIMIT 0 2 => ["f", "d"]
SORT {p}l BY nosort LIMIT 4 9 => ["d", "f"]
SORT {p}l BY # => ["c", "a", "e", "b", "d", "f"]
SORT {p}l BY {p}w_a => ["c", "a", "e", "b", "d", "f"]
SORT {p}l BY {p}w_* BY nosort => ["c", "a", "e", "b", "d", "f"]
SORT {p}l BY nosort BY {p}w_* => ["c", "a", "e", "b", "d", "f"]
SORT {p}l BY nosort ALPHA => ["c", "a", "e", "b", "d", "f"]
# GET pattern answers, for each element in order, the value the pattern names instead of the
# element: "#" is the element itself, a missing key (or field, or a key of another type) is
# nil, and a pattern without * names no key at all, so it answers nil even when such a key
# exists. Several GETs give several values per element, in the order given.
SORT {p}l ALPHA GET # => ["a", "b", "c", "d", "e", "f"]
SORT {p}l ALPHA GET {p}w_* => ["3", "1", "2", nil, "-4", "2"]
SORT {p}l ALPHA GET {p}h_*->s => ["kiwi", "fig", "date", nil, "lime", "apple"]
SORT {p}l ALPHA GET {p}h_*->n => ["5", "-1", "5", nil, nil, "2"]
SORT {p}l BY {p}w_* GET # GET {p}w_* GET {p}h_*->s => ["e", "-4", "lime", "d", nil, nil, "b", "1", "fig", "c", "2", "date", "f", "2", "apple", "a", "3", "kiwi"]
SORT {p}l ALPHA DESC LIMIT 1 2 GET {p}h_*->s GET # => ["lime", "e", nil, "d"]
SORT {p}l ALPHA GET # GET # LIMIT 0 2 => ["a", "a", "b", "b"]
SORT {p}l ALPHA GET {p}nothing_* => [nil, nil, nil, nil, nil, nil]
SORT {p}l ALPHA GET {p}w_a => [nil, nil, nil, nil, nil, nil]
SORT {p}l ALPHA GET {p}h_* => [nil, nil, nil, nil, nil, nil]
SORT {p}l ALPHA GET {p}w_*->n => [nil, nil, nil, nil, nil, nil]
SORT {p}l BY nosort GET {p}w_* => ["2", "3", "-4", "1", nil, "2"]
# A "->" with nothing after it is part of the key name.
SET "{p}h_c->" arrow => OK
SORT {p}l ALPHA GET {p}h_*-> => [nil, nil, "arrow", nil, nil, nil]
# A sorted set is sorted by its members like any other source; BY nosort keeps its score
# order, reversed by DESC.
ZADD {p}z 30 a 10 b 20 c 40 e => (integer) 4
SORT {p}z ALPHA => ["a", "b", "c", "e"]
SORT {p}z ALPHA DESC LIMIT 0 2 => ["e", "c"]
SORT {p}z => (error) ERR One or more scores can't be converted into double
SORT {p}z BY {p}w_* => ["e", "b", "c", "a"]
SORT {p}z BY {p}w_* GET {p}h_*->s => ["lime", "fig", "date", "kiwi"]
SORT {p}z BY nosort => ["b", "c", "a", "e"]
SORT {p}z BY nosort DESC => ["e", "a", "c", "b"]
SORT {p}z BY nosort LIMIT 1 2 => ["c", "a"]
SORT {p}z BY nosort DESC LIMIT 1 -1 => ["a", "c", "b"]
SORT {p}z BY nosort LIMIT 9 1 => []
ZADD {p}zn 1 30 2 -4 3 7.5 4 100 => (integer) 4
MULTI => OK
INCRBYFLOAT {p}errno 0 => QUEUED
SORT {p}zn => QUEUED
SORT {p}zn DESC LIMIT 1 2 => QUEUED
EXEC => ["0", ["-4", "7.5", "30", "100"], ["30", "7.5"]]
SORT {p}zn BY nosort => ["30", "-4", "7.5", "100"]
# A set is sorted like a list. Only orders SORT decides are checked here, since how a set of
# strings is kept is up to the server; a set of integers is kept in ascending order by both, so
# that is what BY nosort gives, DESC or not (Redis reverses only a list or sorted set).
SADD {p}s 30 4 7 100 2 => (integer) 5
SORT {p}s => ["2", "4", "7", "30", "100"]
SORT {p}s BY nosort => ["2", "4", "7", "30", "100"]
SORT {p}s BY nosort DESC LIMIT 1 3 => ["4", "7", "30"]
SORT {p}s DESC LIMIT 0 3 => ["100", "30", "7"]
SORT {p}s ALPHA => ["100", "2", "30", "4", "7"]
SORT {p}s BY {p}w_* => ["100", "2", "30", "4", "7"]
MSET {p}w_30 -1 {p}w_100 -2 => OK
SORT {p}s BY {p}w_* GET # GET {p}w_* => ["100", "-2", "30", "-1", "2", nil, "4", nil, "7", nil]
SADD {p}ss pear fig apple => (integer) 3
SORT {p}ss ALPHA => ["apple", "fig", "pear"]
SORT {p}ss ALPHA DESC GET # GET {p}h_*->s => ["pear", nil, "fig", nil, "apple", nil]
SORT {p}ss => (error) ERR One or more scores can't be converted into double
# STORE writes the result as a list at the destination, replacing whatever it held (its
# expiry too), and answers the list's length; GET's nils are stored as empty strings. An empty
# result deletes the destination.
SORT {p}i STORE {p}d => (integer) 6
LRANGE {p}d 0 -1 => ["-2", "0", "3", "5", "8", "13"]
SORT {p}l BY {p}w_* GET # GET {p}w_* STORE {p}d => (integer) 12
LRANGE {p}d 0 -1 => ["e", "-4", "d", "", "b", "1", "c", "2", "f", "2", "a", "3"]
SET {p}d2 v EX 100 => OK
SORT {p}i DESC LIMIT 0 2 STORE {p}d2 => (integer) 2
TYPE {p}d2 => list
TTL {p}d2 => (integer) -1
LRANGE {p}d2 0 -1 => ["13", "8"]
HSET {p}d3 f v => (integer) 1
SORT {p}z BY nosort STORE {p}d3 => (integer) 4
LRANGE {p}d3 0 -1 => ["b", "c", "a", "e"]
SORT {p}i LIMIT 0 0 STORE {p}d3 => (integer) 0
EXISTS {p}d3 => (integer) 0
SORT {p}missing STORE {p}d2 => (integer) 0
EXISTS {p}d2 => (integer) 0
SORT {p}bad STORE {p}d => (error) ERR One or more scores can't be converted into double
LLEN {p}d => (integer) 12
# With STORE, ALPHA compares bytes (without it Redis uses the server locale's collation, so
# the replies above keep to lowercase letters and digits).
SORT {p}n ALPHA STORE {p}d => (integer) 13
LRANGE {p}d 0 -1 => ["", " 5", "+4", "-3", "-inf", ".5", "0", "007", "0x10", "10", "1e1", "2.5", "inf"]
SORT {p}n ALPHA DESC LIMIT 0 4 STORE {p}d => (integer) 4
LRANGE {p}d 0 -1 => ["inf", "2.5", "1e1", "10"]
# An unsorted set is sorted as strings when stored, so that every replica stores the same
# list; a list or sorted set keeps its order.
SORT {p}s BY nosort STORE {p}d => (integer) 5
LRANGE {p}d 0 -1 => ["100", "2", "30", "4", "7"]
SORT {p}s BY nosort DESC STORE {p}d => (integer) 5
LRANGE {p}d 0 -1 => ["7", "4", "30", "2", "100"]
SORT {p}ss BY nosort LIMIT 1 5 STORE {p}d => (integer) 2
LRANGE {p}d 0 -1 => ["fig", "pear"]
SORT {p}l BY nosort DESC STORE {p}d => (integer) 6
LRANGE {p}d 0 -1 => ["f", "d", "b", "e", "a", "c"]
# The source may be its own destination.
SORT {p}i DESC STORE {p}i => (integer) 6
LRANGE {p}i 0 -1 => ["13", "8", "5", "3", "0", "-2"]
# SORT_RO answers what SORT answers, but has no STORE.
SORT_RO {p}i => ["-2", "0", "3", "5", "8", "13"]
SORT_RO {p}l BY {p}w_* GET # GET {p}h_*->s => ["e", "lime", "d", nil, "b", "fig", "c", "date", "f", "apple", "a", "kiwi"]
SORT_RO {p}l BY nosort DESC LIMIT 0 2 => ["f", "d"]
SORT_RO {p}z ALPHA LIMIT 1 1 => ["b"]
SORT_RO {p}s DESC => ["100", "30", "7", "4", "2"]
SORT_RO {p}bad => (error) ERR One or more scores can't be converted into double
SORT_RO {p}missing => []
SORT_RO {p}l STORE {p}d => (error) ERR syntax error
SORT_RO {p}missing STORE {p}d => (error) ERR syntax error
sort_ro {p}l alpha store {p}d => (error) ERR syntax error
LRANGE {p}d 0 -1 => ["f", "d", "b", "e", "a", "c"]
# A missing source is an empty list; a source of another type is WRONGTYPE, but only once
# every option has been read, so a syntax error comes first.
SORT {p}missing => []
SORT {p}missing BY {p}w_* GET # LIMIT 0 5 DESC ALPHA => []
SET {p}str v => OK
HSET {p}hash f v => (integer) 1
SORT {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SORT {p}hash ALPHA => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SORT_RO {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SORT {p}str STORE {p}d => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LRANGE {p}d 0 -1 => ["f", "d", "b", "e", "a", "c"]
SORT {p}str FOO => (error) ERR syntax error
SORT {p}hash LIMIT x 1 => (error) ERR value is not an integer or out of range
SORT_RO {p}str STORE {p}d => (error) ERR syntax error
# Syntax: an unknown option, LIMIT with fewer than two arguments left, BY, GET or STORE
# without one, LIMIT arguments that are not integers.
SORT {p}l FOO => (error) ERR syntax error
SORT {p}l ALPHA DESC nosort => (error) ERR syntax error
SORT {p}l LIMIT 1 => (error) ERR syntax error
SORT {p}l LIMIT => (error) ERR syntax error
SORT {p}l LIMIT 1 ALPHA => (error) ERR value is not an integer or out of range
SORT {p}l LIMIT x 1 => (error) ERR value is not an integer or out of range
SORT {p}l LIMIT 1 x => (error) ERR value is not an integer or out of range
SORT {p}l LIMIT 1.5 2 => (error) ERR value is not an integer or out of range
SORT {p}l LIMIT 0 9223372036854775808 => (error) ERR value is not an integer or out of range
SORT {p}l BY => (error) ERR syntax error
SORT {p}l GET => (error) ERR syntax error
SORT {p}l GET # GET => (error) ERR syntax error
SORT {p}l STORE => (error) ERR syntax error
SORT_RO {p}l BY => (error) ERR syntax error
SORT => (error) ERR wrong number of arguments for 'sort' command
sort => (error) ERR wrong number of arguments for 'sort' command
SORT_RO => (error) ERR wrong number of arguments for 'sort_ro' command
sort_ro => (error) ERR wrong number of arguments for 'sort_ro' command
# In MULTI, SORT ... STORE is queued like any write, and a wrong type fails only its own
# command at EXEC; an arity error aborts the transaction.
MULTI => OK
RPUSH {p}tx 3 1 2 => QUEUED
SORT {p}tx STORE {p}txd => QUEUED
LRANGE {p}txd 0 -1 => QUEUED
SORT {p}str => QUEUED
SORT_RO {p}txd DESC => QUEUED
EXEC => [(integer) 3, (integer) 3, ["1", "2", "3"], (error) WRONGTYPE Operation against a key holding the wrong kind of value, ["3", "2", "1"]]
MULTI => OK
SORT {p}tx STORE {p}txd2 => QUEUED
SORT => (error) ERR wrong number of arguments for 'sort' command
EXEC => (error) EXECABORT Transaction discarded because of previous errors.
EXISTS {p}txd2 => (integer) 0
"##;

/// Lua scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. How Lua values become replies
/// (numbers truncated to integers, tables cut at their first nil, `ok` and `err` tables),
/// KEYS and ARGV, redis.call and redis.pcall and how their replies look from Lua, errors raised
/// by commands, by error() and by the sandbox, read-only scripts, argument errors, and the
/// script cache (redis.sha1hex, SCRIPT LOAD, EXISTS, FLUSH). Keys reach scripts through KEYS,
/// so the script texts, and with them their SHA1 names, are the same for every prefix. When a
/// script ends with an error raised inside it, Redis appends where that happened
/// (`script: <sha>, on @user_script:<line>.`, after a space), which raft-kv leaves out; those
/// expectations end in a `*` right where the suffix starts. SCRIPT FLUSH empties the cache of
/// the whole server; no other script relies on the cache, and this one ends with it empty.
pub const SCRIPTING: &str = r#"
# Lua values become replies: a number is truncated to an integer (toward zero), a string is a
# bulk string, true is 1, false and nil are nil; a table is an array that ends at its first
# nil (false inside it is a nil element), nested tables nest, and a table with an `ok` or
# `err` field is a status or an error reply.
EVAL "return 42" 0 => (integer) 42
EVAL "return -42" 0 => (integer) -42
EVAL "return 3.99" 0 => (integer) 3
EVAL "return -3.99" 0 => (integer) -3
EVAL "return 0.5" 0 => (integer) 0
EVAL "return 1e3" 0 => (integer) 1000
EVAL "return 2^53" 0 => (integer) 9007199254740992
EVAL "return 'hello'" 0 => "hello"
EVAL "return '3.99'" 0 => "3.99"
EVAL "return ''" 0 => ""
EVAL "return 'a' .. 1" 0 => "a1"
EVAL "return tostring(3.5)" 0 => "3.5"
EVAL "return true" 0 => (integer) 1
EVAL "return false" 0 => nil
EVAL "return nil" 0 => nil
EVAL "return" 0 => nil
EVAL "" 0 => nil
EVAL "return {}" 0 => []
EVAL "return {1, 'a', true, false, 3.7}" 0 => [(integer) 1, "a", (integer) 1, nil, (integer) 3]
EVAL "return {1.9, -1.9, 2.5}" 0 => [(integer) 1, (integer) -1, (integer) 2]
EVAL "return {1, 2, {3, 'four', {5}}, {}}" 0 => [(integer) 1, (integer) 2, [(integer) 3, "four", [(integer) 5]], []]
EVAL "return {1, 2, nil, 4}" 0 => [(integer) 1, (integer) 2]
EVAL "return {1, 2, 3, nil, 5, 6}" 0 => [(integer) 1, (integer) 2, (integer) 3]
EVAL "local t = {} t[1] = 'a' t[3] = 'c' return t" 0 => ["a"]
EVAL "return {ok='FINE'}" 0 => FINE
EVAL "return {ok='OK'}" 0 => OK
EVAL "return {ok='X', 'ignored'}" 0 => X
EVAL "return {err='MYERR boom'}" 0 => (error) MYERR boom
EVAL "return {err='boom'}" 0 => (error) boom
EVAL "return {err='ERR first', ok='second'}" 0 => (error) ERR first
EVAL "return {'x', {ok='NESTED'}, {err='ERR nested'}}" 0 => ["x", NESTED, (error) ERR nested]
EVAL "return redis.status_reply('DONE')" 0 => DONE
EVAL "return redis.status_reply('OK')" 0 => OK
EVAL "return redis.error_reply('MYERR custom')" 0 => (error) MYERR custom
EVAL "return redis.error_reply('ERR x')" 0 => (error) ERR x
EVAL "return redis.error_reply('MYERR custom').err" 0 => "MYERR custom"
EVAL "return redis.status_reply('X').ok" 0 => "X"
EVAL "return type(redis.status_reply('X'))" 0 => "table"
EVAL "return redis.error_reply()" 0 => (error) ERR wrong number or type of arguments
# KEYS and ARGV hold the arguments after numkeys, keys first, as strings (binary-safe).
EVAL "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3]}" 2 {p}a {p}b x y z => ["{p}a", "{p}b", "x", "y", "z"]
EVAL "return KEYS" 2 {p}k1 {p}k2 a => ["{p}k1", "{p}k2"]
EVAL "return ARGV" 0 a b c => ["a", "b", "c"]
EVAL "return {#KEYS, #ARGV}" 0 => [(integer) 0, (integer) 0]
EVAL "return #KEYS + #ARGV * 10" 1 {p}a x y => (integer) 21
EVAL "return ARGV[1]" 0 "\x00\xffbin" => "\x00\xffbin"
EVAL "return string.len(ARGV[1])" 0 "\x00\xffbin" => (integer) 5
EVAL "return ARGV[1] + 1" 0 41 => (integer) 42
evaL "return ARGV[1]" 0 lower => "lower"
# The sandbox keeps Lua's string, table and math libraries (and the redis one).
EVAL "return _VERSION" 0 => "Lua 5.1"
EVAL "return string.format('%d-%s', 5, 'x')" 0 => "5-x"
EVAL "return table.concat({'a', 'b'}, ',')" 0 => "a,b"
EVAL "return tonumber('42') + 1" 0 => (integer) 43
EVAL "return math.floor(7.9)" 0 => (integer) 7
EVAL "return redis.LOG_WARNING" 0 => (integer) 3
EVAL "redis.log(redis.LOG_WARNING, 'compat scripting test') return 1" 0 => (integer) 1
EVAL "local t = {} t.x = 1 return t.x" 0 => (integer) 1
# redis.call runs a command and hands its reply to Lua: an integer as a number, a bulk string
# as a string, a nil bulk as false, an array as a table, a status as a table with an `ok`
# field (returned as is, it is the status again), an error raised as a Lua error.
EVAL "return redis.call('SET', KEYS[1], ARGV[1])" 1 {p}s hello => OK
GET {p}s => "hello"
EVAL "return redis.call('GET', KEYS[1])" 1 {p}s => "hello"
EVAL "return redis.call('SET', KEYS[1], 'v')" 1 {p}s2 => OK
EVAL "return type(redis.call('SET', KEYS[1], 'v'))" 1 {p}s2 => "table"
EVAL "return redis.call('SET', KEYS[1], 'v').ok" 1 {p}s2 => "OK"
EVAL "return redis.call('TYPE', KEYS[1])" 1 {p}s2 => string
EVAL "return redis.call('TYPE', KEYS[1]).ok" 1 {p}s2 => "string"
EVAL "return redis.call('GET', KEYS[1])" 1 {p}none => nil
EVAL "return redis.call('GET', KEYS[1]) == false" 1 {p}none => (integer) 1
EVAL "return type(redis.call('GET', KEYS[1]))" 1 {p}none => "boolean"
EVAL "return redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])" 3 {p}s {p}none {p}s2 => ["hello", nil, "v"]
EVAL "local t = redis.call('MGET', KEYS[1], KEYS[2]) return {t[1], type(t[2])}" 2 {p}s {p}none => ["hello", "boolean"]
EVAL "return redis.call('INCR', KEYS[1])" 1 {p}n => (integer) 1
EVAL "return redis.call('INCRBY', KEYS[1], 10) + 1" 1 {p}n => (integer) 12
EVAL "return type(redis.call('INCR', KEYS[1]))" 1 {p}n => "number"
GET {p}n => "12"
EVAL "return redis.call('INCRBYFLOAT', KEYS[1], '1.5')" 1 {p}f => "1.5"
EVAL "return redis.call('SET', KEYS[1], 3.5)" 1 {p}num => OK
GET {p}num => "3.5"
EVAL "redis.call('SET', KEYS[1], 'a') redis.call('APPEND', KEYS[1], 'b') return redis.call('GET', KEYS[1])" 1 {p}seq => "ab"
EVAL "return redis.call('EXISTS', KEYS[1], KEYS[2])" 2 {p}seq {p}none => (integer) 1
EVAL "return redis.call('HSET', KEYS[1], 'f1', 'v1', 'f2', 'v2')" 1 {p}h => (integer) 2
EVAL "return redis.call('HGETALL', KEYS[1])" 1 {p}h => ["f1", "v1", "f2", "v2"]
EVAL "return redis.call('HGET', KEYS[1], 'f2')" 1 {p}h => "v2"
EVAL "return redis.call('HGET', KEYS[1], 'missing')" 1 {p}h => nil
EVAL "return redis.call('HGETALL', KEYS[1])" 1 {p}none => []
EVAL "return type(redis.call('HGETALL', KEYS[1]))" 1 {p}none => "table"
HGETALL {p}h => ["f1", "v1", "f2", "v2"]
EVAL "return redis.call('LPUSH', KEYS[1], 'a', 'b', 'c')" 1 {p}l => (integer) 3
EVAL "return redis.call('LRANGE', KEYS[1], 0, -1)" 1 {p}l => ["c", "b", "a"]
EVAL "return #redis.call('LRANGE', KEYS[1], 0, -1)" 1 {p}l => (integer) 3
EVAL "return redis.call('LRANGE', KEYS[1], 0, -1)" 1 {p}none => []
EVAL "return redis.call('RPUSH', KEYS[1], 'x') + redis.call('RPUSH', KEYS[1], 'y')" 1 {p}l => (integer) 9
EVAL "return redis.call('LPOP', KEYS[1], 2)" 1 {p}l => ["c", "b"]
LRANGE {p}l 0 -1 => ["a", "x", "y"]
EVAL "return redis.call('ZADD', KEYS[1], 1.5, 'a', 2, 'b', '-inf', 'c')" 1 {p}z => (integer) 3
EVAL "return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')" 1 {p}z => ["c", "-inf", "a", "1.5", "b", "2"]
EVAL "return redis.call('ZSCORE', KEYS[1], 'a')" 1 {p}z => "1.5"
EVAL "return redis.call('ZADD', KEYS[1], 'INCR', 2.5, 'a')" 1 {p}z => "4"
EVAL "return redis.call('ZINCRBY', KEYS[1], 1, 'b')" 1 {p}z => "3"
ZRANGE {p}z 0 -1 WITHSCORES => ["c", "-inf", "b", "3", "a", "4"]
EVAL "redis.call('SADD', KEYS[1], 'only') return redis.call('SMEMBERS', KEYS[1])" 1 {p}set => ["only"]
EVAL "return redis.call('SMEMBERS', KEYS[1])" 1 {p}none => []
EVAL "return redis.call('DEL', unpack(KEYS))" 3 {p}seq {p}f {p}none => (integer) 2
EVAL "local n = 0 for _, k in ipairs(KEYS) do n = n + redis.call('EXISTS', k) end return n" 3 {p}s {p}seq {p}h => (integer) 2
EVAL "return redis.call('SET', KEYS[1], 'v', 'NX')" 1 {p}s => nil
EVAL "return redis.call('SET', KEYS[1], 'v', 'XX')" 1 {p}absent => nil
EXISTS {p}absent => (integer) 0
# An expiry set inside a script is relative to when the script runs, and shows outside it.
EVAL "return redis.call('SET', KEYS[1], 'v', 'EX', 100)" 1 {p}ex => OK
TTL {p}ex => (integer) 99..100
EVAL "return redis.call('TTL', KEYS[1])" 1 {p}ex => (integer) 99..100
EVAL "return redis.call('SET', KEYS[1], 'w', 'PX', 50000, 'GET')" 1 {p}ex2 => nil
PTTL {p}ex2 => (integer) 49000..50000
EVAL "return redis.call('EXPIRE', KEYS[1], 200)" 1 {p}s => (integer) 1
TTL {p}s => (integer) 199..200
# redis.pcall hands an error to Lua as a table with an `err` field, and the script goes on;
# returned as is, that table is the error reply, exactly as the command gave it.
SET {p}str text => OK
EVAL "return redis.pcall('INCR', KEYS[1])" 1 {p}h => (error) WRONGTYPE Operation against a key holding the wrong kind of value
EVAL "return redis.pcall('INCR', KEYS[1])" 1 {p}str => (error) ERR value is not an integer or out of range
EVAL "return redis.pcall('HGET', KEYS[1], 'f1')" 1 {p}h => "v1"
EVAL "local r = redis.pcall('INCR', KEYS[1]) return {type(r), r.err}" 1 {p}h => ["table", "WRONGTYPE Operation against a key holding the wrong kind of value"]
EVAL "local r = redis.pcall('INCR', KEYS[1]) redis.call('SET', KEYS[2], 'after') return r" 2 {p}h {p}after => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GET {p}after => "after"
EVAL "local r = redis.pcall('INCR', KEYS[1]) redis.call('SET', KEYS[2], 'continued') return {r.err, redis.call('GET', KEYS[2])}" 2 {p}h {p}cont => ["WRONGTYPE Operation against a key holding the wrong kind of value", "continued"]
EVAL "return redis.pcall('ZADD', KEYS[1], 'x', 'a')" 1 {p}z => (error) ERR value is not a valid float
# An error from redis.call ends the script with that error (Redis appends where it happened:
# " script: <sha>, on @user_script:<line>."); what the script wrote before stays written.
EVAL "return redis.call('INCR', KEYS[1])" 1 {p}h => (error) WRONGTYPE Operation against a key holding the wrong kind of value*
EVAL "return redis.call('INCR', KEYS[1])" 1 {p}str => (error) ERR value is not an integer or out of range*
EVAL "return redis.call('ZADD', KEYS[1], 'x', 'a')" 1 {p}z => (error) ERR value is not a valid float*
EVAL "redis.call('SET', KEYS[2], 'before') redis.call('INCR', KEYS[1]) redis.call('SET', KEYS[2], 'after')" 2 {p}h {p}partial => (error) WRONGTYPE Operation against a key holding the wrong kind of value*
GET {p}partial => "before"
EVAL "local a = 1\nreturn redis.call('INCR', KEYS[1])" 1 {p}h => (error) WRONGTYPE Operation against a key holding the wrong kind of value*
EVAL "return redis.call()" 0 => (error) ERR Please specify at least one argument for this redis lib call*
EVAL "return redis.call('SET', KEYS[1], {})" 1 {p}bad => (error) ERR Lua redis lib command arguments must be strings or integers*
EVAL "return redis.call('EVAL', 'return 1', 0)" 0 => (error) ERR This Redis command is not allowed from script*
EVAL "return redis.call('SCRIPT', 'FLUSH')" 0 => (error) ERR This Redis command is not allowed from script*
EXISTS {p}bad => (integer) 0
# error() ends the script with an error too: a string gets the position and an ERR code, a
# table with an `err` field is the error as it is.
EVAL "error('boom')" 0 => (error) ERR user_script:1: boom*
EVAL "error('boom', 0)" 0 => (error) ERR boom*
EVAL "error({err='MY boom'})" 0 => (error) MY boom*
EVAL "local ok, e = pcall(error, 'x') return {tostring(ok), e}" 0 => ["false", "x"]
# Compile errors.
EVAL "return +" 0 => (error) ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'
EVAL_RO "return +" 0 => (error) ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'
# Globals: reading one that does not exist is an error, also inside pcall.
EVAL "return y" 0 => (error) ERR user_script:1: Script attempted to access nonexistent global variable 'y'*
EVAL "return undefined_global" 0 => (error) ERR user_script:1: Script attempted to access nonexistent global variable 'undefined_global'*
EVAL "local a = 1\nlocal b = 2\nreturn y" 0 => (error) ERR user_script:3: Script attempted to access nonexistent global variable 'y'*
EVAL "return type(print)" 0 => (error) ERR user_script:1: Script attempted to access nonexistent global variable 'print'*
EVAL "return type(os)" 0 => (error) ERR user_script:1: Script attempted to access nonexistent global variable 'os'*
EVAL "local ok, e = pcall(function() return y end) return e" 0 => "user_script:1: Script attempted to access nonexistent global variable 'y'"
EVAL "return rawget(_G, 'never_set')" 0 => nil
# EVAL_RO runs read-only: reads work, a write is refused (redis.pcall gets the error as a
# table) and leaves the data as it was.
SET {p}ro v => OK
EVAL_RO "return redis.call('GET', KEYS[1])" 1 {p}ro => "v"
EVAL_RO "return {redis.call('EXISTS', KEYS[1]), redis.call('GET', KEYS[2])}" 2 {p}ro {p}none => [(integer) 1, nil]
EVAL_RO "return redis.call('HGETALL', KEYS[1])" 1 {p}h => ["f1", "v1", "f2", "v2"]
EVAL_RO "return 'x'" 0 => "x"
EVAL_RO "return redis.call('SET', KEYS[1], 'x')" 1 {p}ro => (error) ERR Write commands are not allowed from read-only scripts.*
EVAL_RO "return redis.call('DEL', KEYS[1])" 1 {p}ro => (error) ERR Write commands are not allowed from read-only scripts.*
EVAL_RO "redis.call('GET', KEYS[1]) return redis.call('INCR', KEYS[2])" 2 {p}ro {p}n => (error) ERR Write commands are not allowed from read-only scripts.*
EVAL_RO "return redis.pcall('SET', KEYS[1], 'x')" 1 {p}ro => (error) ERR Write commands are not allowed from read-only scripts.
EVAL_RO "local r = redis.pcall('SET', KEYS[1], 'x') return r.err" 1 {p}ro => "ERR Write commands are not allowed from read-only scripts."
GET {p}ro => "v"
GET {p}n => "12"
eval_ro "return redis.call('get', KEYS[1])" 1 {p}ro => "v"
# Argument errors: numkeys negative, above the number of arguments, or not an integer; too
# few arguments.
EVAL "return 1" -1 => (error) ERR Number of keys can't be negative
EVAL "return 1" 2 {p}a => (error) ERR Number of keys can't be greater than number of args
EVAL "return 1" 1 => (error) ERR Number of keys can't be greater than number of args
EVAL "return 1" x => (error) ERR value is not an integer or out of range
EVAL "return 1" 1.5 {p}a => (error) ERR value is not an integer or out of range
EVAL "return 1" "" => (error) ERR value is not an integer or out of range
EVAL "return 1" 99999999999999999999 => (error) ERR value is not an integer or out of range
EVAL "return 1" => (error) ERR wrong number of arguments for 'eval' command
EVAL => (error) ERR wrong number of arguments for 'eval' command
EVAL_RO "return 1" -1 => (error) ERR Number of keys can't be negative
EVAL_RO "return 1" 3 {p}a => (error) ERR Number of keys can't be greater than number of args
EVAL_RO "return 1" => (error) ERR wrong number of arguments for 'eval_ro' command
EVALSHA 18385743f6ed1eeed9b51996824afcce8460e130 -1 => (error) ERR Number of keys can't be negative
EVALSHA 18385743f6ed1eeed9b51996824afcce8460e130 5 => (error) ERR Number of keys can't be greater than number of args
EVALSHA 18385743f6ed1eeed9b51996824afcce8460e130 x => (error) ERR value is not an integer or out of range
EVALSHA 18385743f6ed1eeed9b51996824afcce8460e130 => (error) ERR wrong number of arguments for 'evalsha' command
EVALSHA_RO 18385743f6ed1eeed9b51996824afcce8460e130 => (error) ERR wrong number of arguments for 'evalsha_ro' command
EVALSHA => (error) ERR wrong number of arguments for 'evalsha' command
# In MULTI, scripts are queued like any command and run at EXEC.
MULTI => OK
EVAL "return redis.call('INCR', KEYS[1])" 1 {p}m => QUEUED
EVAL_RO "return redis.call('GET', KEYS[1])" 1 {p}m => QUEUED
EVAL "return 1" -1 => QUEUED
EXEC => [(integer) 1, "1", (error) ERR Number of keys can't be negative]
# The script cache: redis.sha1hex gives the SHA1 of a string in lowercase hex, SCRIPT LOAD
# caches a script under that name without running it, and EVALSHA or EVALSHA_RO (the name in
# either case) runs it. EVAL caches the script it runs as well. An unknown name is NOSCRIPT.
# SCRIPT FLUSH (which empties the cache of the whole server: no other script here relies on
# it) forgets them all.
EVAL "return redis.sha1hex('')" 0 => "da39a3ee5e6b4b0d3255bfef95601890afd80709"
EVAL "return redis.sha1hex('hello')" 0 => "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
EVAL "return redis.sha1hex(ARGV[1])" 0 "return 'loaded ' .. ARGV[1]" => "dac27443ce9630330038c9cef6028e16904c037f"
EVAL "return redis.sha1hex(42)" 0 => "92cfceb39d57d914ed8b14d0e37643de0797ae56"
SCRIPT EXISTS 18385743f6ed1eeed9b51996824afcce8460e130 => [(integer) 0]
EVALSHA 18385743f6ed1eeed9b51996824afcce8460e130 0 => (error) NOSCRIPT No matching script. Please use EVAL.
EVALSHA_RO 18385743f6ed1eeed9b51996824afcce8460e130 0 => (error) NOSCRIPT No matching script. Please use EVAL.
EVALSHA nosuchsha 0 => (error) NOSCRIPT No matching script. Please use EVAL.
EVALSHA "" 0 => (error) NOSCRIPT No matching script. Please use EVAL.
SCRIPT LOAD "return 'loaded ' .. ARGV[1]" => "dac27443ce9630330038c9cef6028e16904c037f"
SCRIPT LOAD "return 'loaded ' .. ARGV[1]" => "dac27443ce9630330038c9cef6028e16904c037f"
EVALSHA dac27443ce9630330038c9cef6028e16904c037f 0 once => "loaded once"
EVALSHA DAC27443CE9630330038C9CEF6028E16904C037F 0 twice => "loaded twice"
evalsha dac27443ce9630330038c9cef6028e16904c037f 1 {p}k thrice => "loaded thrice"
EVALSHA_RO dac27443ce9630330038c9cef6028e16904c037f 0 ro => "loaded ro"
SCRIPT EXISTS dac27443ce9630330038c9cef6028e16904c037f 18385743f6ed1eeed9b51996824afcce8460e130 DAC27443CE9630330038C9CEF6028E16904C037F => [(integer) 1, (integer) 0, (integer) 1]
SCRIPT EXISTS nope => [(integer) 0]
SCRIPT LOAD "return redis.call('INCR',KEYS[1])" => "da8455f0535fd532821b3713a4eccd80fc4b8457"
EVALSHA da8455f0535fd532821b3713a4eccd80fc4b8457 1 {p}cnt => (integer) 1
EVALSHA da8455f0535fd532821b3713a4eccd80fc4b8457 1 {p}cnt => (integer) 2
EVALSHA_RO da8455f0535fd532821b3713a4eccd80fc4b8457 1 {p}cnt => (error) ERR Write commands are not allowed from read-only scripts.*
GET {p}cnt => "2"
EVAL "return 'cached by eval'" 0 => "cached by eval"
EVALSHA 14a0ec5969ac10dc856a79479466fd953463f052 0 => "cached by eval"
SCRIPT EXISTS 14a0ec5969ac10dc856a79479466fd953463f052 => [(integer) 1]
MULTI => OK
SCRIPT LOAD "return 'in multi'" => QUEUED
EVALSHA b9c81d25cab28c8a6bdc01f2d9d28d3a7d3267b4 0 => QUEUED
EXEC => ["b9c81d25cab28c8a6bdc01f2d9d28d3a7d3267b4", "in multi"]
# SCRIPT's other subcommands and its errors.
SCRIPT KILL => (error) NOTBUSY No scripts in execution right now.
SCRIPT LOAD => (error) ERR wrong number of arguments for 'script|load' command
SCRIPT LOAD a b => (error) ERR wrong number of arguments for 'script|load' command
SCRIPT EXISTS => (error) ERR wrong number of arguments for 'script|exists' command
SCRIPT FLUSH bad => (error) ERR SCRIPT FLUSH only support SYNC|ASYNC option
SCRIPT FOO => (error) ERR unknown subcommand 'FOO'. Try SCRIPT HELP.
SCRIPT => (error) ERR wrong number of arguments for 'script' command
SCRIPT EXISTS dac27443ce9630330038c9cef6028e16904c037f => [(integer) 1]
# SCRIPT FLUSH, with or without SYNC or ASYNC, empties the cache; EVAL still runs, and
# caches its script again. These come last, so the cache is empty when the script ends.
SCRIPT FLUSH => OK
SCRIPT EXISTS dac27443ce9630330038c9cef6028e16904c037f da8455f0535fd532821b3713a4eccd80fc4b8457 14a0ec5969ac10dc856a79479466fd953463f052 b9c81d25cab28c8a6bdc01f2d9d28d3a7d3267b4 => [(integer) 0, (integer) 0, (integer) 0, (integer) 0]
EVALSHA dac27443ce9630330038c9cef6028e16904c037f 0 gone => (error) NOSCRIPT No matching script. Please use EVAL.
EVALSHA_RO dac27443ce9630330038c9cef6028e16904c037f 0 gone => (error) NOSCRIPT No matching script. Please use EVAL.
EVAL "return 'cached by eval'" 0 => "cached by eval"
SCRIPT EXISTS 14a0ec5969ac10dc856a79479466fd953463f052 => [(integer) 1]
SCRIPT FLUSH SYNC => OK
SCRIPT EXISTS 14a0ec5969ac10dc856a79479466fd953463f052 => [(integer) 0]
SCRIPT LOAD "return 'loaded ' .. ARGV[1]" => "dac27443ce9630330038c9cef6028e16904c037f"
SCRIPT FLUSH ASYNC => OK
EVALSHA dac27443ce9630330038c9cef6028e16904c037f 0 gone => (error) NOSCRIPT No matching script. Please use EVAL.
script flush => OK
SCRIPT EXISTS dac27443ce9630330038c9cef6028e16904c037f => [(integer) 0]
# Redis's own forms: an error reply without a code gets ERR; infinite and NaN numbers become
# the smallest integer; a Lua number passed to a command prints with 17 digits; PING and ECHO
# work in scripts; unknown commands, wrong arities and connection commands get the scripting
# errors; scripts written for Redis 6 may still ask for effects replication.
EVAL "return redis.error_reply('custom')" 0 => (error) ERR custom
EVAL "return redis.error_reply('custom').err" 0 => "ERR custom"
EVAL "return redis.error_reply('-MYERR dashed')" 0 => (error) MYERR dashed
EVAL "return 1/0" 0 => (integer) -9223372036854775808
EVAL "return 0/0" 0 => (integer) -9223372036854775808
EVAL "redis.call('SET', KEYS[1], 10/3) return redis.call('GET', KEYS[1])" 1 {p}third => "3.3333333333333335"
EVAL "return redis.call('PING')" 0 => PONG
EVAL "return redis.call('ECHO', 'hi')" 0 => "hi"
EVAL "return redis.call('NOSUCH')" 0 => (error) ERR Unknown Redis command called from script*
EVAL "return redis.call('GET')" 0 => (error) ERR Wrong number of args calling Redis command from script*
EVAL "return redis.call('MULTI')" 0 => (error) ERR This Redis command is not allowed from script*
EVAL "return redis.replicate_commands()" 0 => (integer) 1
EVAL "return redis.REPL_ALL" 0 => (integer) 3
SCRIPT LOAD "return +" => (error) ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'*
SCRIPT FLUSH SYNC ASYNC => (error) ERR SCRIPT FLUSH only support SYNC|ASYNC option
# cmsgpack: integers in their smallest format, floats as float 32 when exact, tables keyed
# 1..n as arrays, other tables as maps; several values one after the other; unpack_one and
# unpack_limit answer the next offset (-1 at the end) before the values. Errors leave out the
# position Redis puts before them.
EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack({1, 2, 3}, {a = 1}, 'x', 1.5, -33, 300, 70000, 5000000000, true, false))" 0 => "9301020381a16101a178ca3fc00000d0dfcd012cce00011170cf000000012a05f200c3c2"
EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(cmsgpack.pack(nil, 0.1, -2^31 - 1, 2^64, string.rep('z', 40)))" 0 => "c0cb3fb999999999999ad3ffffffff7fffffffca5f800000d9287a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a"
EVAL "return cmsgpack.unpack(cmsgpack.pack({1, 'a', {b = 2}}))[3].b" 0 => (integer) 2
EVAL "return {cmsgpack.unpack(cmsgpack.pack(1, 'two', 3.5, {}))}" 0 => [(integer) 1, "two", (integer) 3, []]
EVAL "return {cmsgpack.unpack_one(cmsgpack.pack(10, 20))}" 0 => [(integer) 1, (integer) 10]
EVAL "return {cmsgpack.unpack_one(cmsgpack.pack(10, 20), 1)}" 0 => [(integer) -1, (integer) 20]
EVAL "return {cmsgpack.unpack_limit(cmsgpack.pack(10, 20, 30), 2)}" 0 => [(integer) 2, (integer) 10, (integer) 20]
EVAL "return cmsgpack.unpack(string.char(0xdb, 0xff, 0xff, 0xff, 0xff))" 0 => (error) ERR *Missing bytes in input.*
EVAL "return cmsgpack.pack()" 0 => (error) ERR *bad argument #0 to 'pack' (MessagePack pack needs input.)*
# struct: big- and little-endian integers, sizes, the position after what was read.
EVAL "local function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end return hex(struct.pack('>I2i4', 258, -2))" 0 => "0102fffffffe"
EVAL "return {struct.unpack('<i4', struct.pack('<i4', -2))}" 0 => [(integer) -2, (integer) 5]
EVAL "return struct.size('>i4d')" 0 => (integer) 12
EVAL "return struct.pack('>q', 1)" 0 => (error) ERR *bad argument #1 to 'pack' (invalid format option 'q')*
EVAL "return {struct.unpack('>I2', 'a')}" 0 => (error) ERR *bad argument #2 to 'unpack' (data string too short)*
EVAL "return {struct.unpack('c2c0', 'ab')}" 0 => (error) ERR *format 'c0' needs a previous size*
# cjson: arrays for tables keyed 1..n (holes as null), objects otherwise, an empty table as
# an object, numbers with 14 digits, '/' escaped; decoding keeps arrays, objects and null.
EVAL "return cjson.encode({1, 2, 3})" 0 => "[1,2,3]"
EVAL "return cjson.encode({a = 1})" 0 => "{\"a\":1}"
EVAL "return cjson.encode({})" 0 => "{}"
EVAL "return cjson.encode({1.5, 'x/y', true, false})" 0 => "[1.5,\"x\\/y\",true,false]"
EVAL "return cjson.encode({[1] = 1, [3] = 3})" 0 => "[1,null,3]"
EVAL "return cjson.encode(1/3)" 0 => "0.33333333333333"
EVAL "return cjson.encode(2^53)" 0 => "9.007199254741e+15"
EVAL "return cjson.encode({x = {y = {z = 1}}})" 0 => "{\"x\":{\"y\":{\"z\":1}}}"
EVAL "return cjson.decode('[1,2,{\"a\":\"b\"}]')[3].a" 0 => "b"
EVAL "return cjson.decode('{\"x\":[1,2,3]}').x" 0 => [(integer) 1, (integer) 2, (integer) 3]
EVAL "return cjson.decode('null') == cjson.null" 0 => (integer) 1
EVAL "return cjson.encode(cjson.decode('{\"a\":null,\"b\":[true,false]}'))" 0 => "{\"a\":null,\"b\":[true,false]}"
EVAL "return cjson.encode({[1] = 1, [30] = 3})" 0 => (error) ERR *Cannot serialise table: excessively sparse array*
EVAL "redis.call('SET', KEYS[1], cjson.encode({n = 1})) return cjson.decode(redis.call('GET', KEYS[1])).n" 1 {p}json => (integer) 1
# bit (LuaBitOp): 32-bit operations whose results are signed numbers.
EVAL "return bit.band(0xff, 0x0f)" 0 => (integer) 15
EVAL "return bit.bor(1, 2, 4)" 0 => (integer) 7
EVAL "return bit.bxor(0xf0, 0xff)" 0 => (integer) 15
EVAL "return bit.bnot(0)" 0 => (integer) -1
EVAL "return bit.lshift(1, 31)" 0 => (integer) -2147483648
EVAL "return bit.rshift(-1, 28)" 0 => (integer) 15
EVAL "return bit.arshift(-256, 4)" 0 => (integer) -16
EVAL "return bit.rol(0x12345678, 8)" 0 => (integer) 878082066
EVAL "return bit.ror(0x12345678, 8)" 0 => (integer) 2014458966
EVAL "return bit.tohex(255)" 0 => "000000ff"
EVAL "return bit.tohex(-1, -4)" 0 => "FFFF"
EVAL "return bit.tobit(2^32 + 5)" 0 => (integer) 5
EVAL "return bit.bswap(0x12345678)" 0 => (integer) 2018915346
EVAL "return {bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-2.5)}" 0 => [(integer) 2, (integer) 2, (integer) -2]
"#;

/// Stream values: XADD's ID forms and trimming options, XLEN, XRANGE and XREVRANGE with
/// partial and exclusive bounds, XDEL, XTRIM, XSETID, XREAD without blocking (or with BLOCK where
/// data is already there), consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
/// XAUTOCLAIM) and XINFO, with their errors. IDs are explicit wherever the reply shows them; the
/// one `*` ID, idle times, delivery times and the radix-tree counts of XINFO STREAM are
/// wildcarded. Redis 7.0's replies: XAUTOCLAIM answers three elements, XINFO CONSUMERS has no
/// `inactive` field, and `+` is not yet an XREAD ID.
pub const STREAMS: &str = r#"
# A missing key reads as an empty stream; nothing creates it.
XLEN {p}s => (integer) 0
XRANGE {p}s - + => []
XREVRANGE {p}s + - => []
XDEL {p}s 1-1 => (integer) 0
XTRIM {p}s MAXLEN 0 => (integer) 0
EXISTS {p}s => (integer) 0
# XADD IDs: `ms-seq`; `ms` alone means `ms-0` (not an auto sequence); `ms-*` takes the next
# sequence within that millisecond; each new ID must be above 0-0 and above the last ID ever
# generated, even once that entry is deleted (the error still says "top item").
XADD {p}s 1-1 f1 v1 => "1-1"
XADD {p}s 1-2 f2 v2 f3 v3 => "1-2"
XADD {p}s 1 f v => (error) ERR The ID specified in XADD is equal or smaller than the target stream top item
XADD {p}s 2 f v => "2-0"
XADD {p}s 2-* f v => "2-1"
XADD {p}s 3-* f v => "3-0"
XADD {p}s 2-* f v => (error) ERR The ID specified in XADD is equal or smaller than the target stream top item
XADD {p}s 3-0 f v => (error) ERR The ID specified in XADD is equal or smaller than the target stream top item
XADD {p}s 0-0 f v => (error) ERR The ID specified in XADD must be greater than 0-0
XADD {p}s abc f v => (error) ERR Invalid stream ID specified as stream command argument
XADD {p}s -1 f v => (error) ERR Invalid stream ID specified as stream command argument
XADD {p}s 1- f v => (error) ERR Invalid stream ID specified as stream command argument
XADD {p}s 18446744073709551616 f v => (error) ERR Invalid stream ID specified as stream command argument
XADD {p}s FOO 4-0 f v => (error) ERR Invalid stream ID specified as stream command argument
XADD {p}s 4-0 f => (error) ERR wrong number of arguments for 'xadd' command
XADD {p}s 4-0 f v g => (error) ERR wrong number of arguments for 'xadd' command
# Redis reads an ID's numbers with string2ull, which falls back to C's strtoull: a sign and
# leading zeros pass.
XADD {p}lenient +5 f v => "5-0"
XADD {p}lenient 06-07 f v => "6-7"
XRANGE {p}lenient +6 + => [["6-7", ["f", "v"]]]
DEL {p}lenient => (integer) 1
XADD {p}s 4-0 => (error) ERR wrong number of arguments for 'xadd' command
XADD {p}s 4-0 "" "" => "4-0"
XLEN {p}s => (integer) 6
XADD {p}z 0-* f v => "0-1"
XADD {p}z 0-* f v => "0-2"
XADD {p}auto * f v => "*-0"
XADD {p}auto 5-* f v => (error) ERR The ID specified in XADD is equal or smaller than the target stream top item
XADD {p}new NOMKSTREAM 1-1 f v => nil
EXISTS {p}new => (integer) 0
XADD {p}s NOMKSTREAM 5-0 f v => "5-0"
XDEL {p}s 5-0 => (integer) 1
XADD {p}s 5-0 f v => (error) ERR The ID specified in XADD is equal or smaller than the target stream top item
# Once the top ID is the largest possible, nothing more can be added, `*` or explicit.
XADD {p}max 18446744073709551615-18446744073709551615 f v => "18446744073709551615-18446744073709551615"
XADD {p}max * f v => (error) ERR The stream has exhausted the last possible ID, unable to add more items
XADD {p}max 18446744073709551615-* f v => (error) ERR The stream has exhausted the last possible ID, unable to add more items
XLEN {p}max => (integer) 1
XADD {p}max2 18446744073709551615-* f v => "18446744073709551615-0"
# The stream type, and the other types' commands on it and its commands on a string.
TYPE {p}s => stream
OBJECT ENCODING {p}s => "stream"
EXISTS {p}s => (integer) 1
GET {p}s => (error) WRONGTYPE Operation against a key holding the wrong kind of value
LPUSH {p}s x => (error) WRONGTYPE Operation against a key holding the wrong kind of value
SET {p}str x => OK
XADD {p}str 1-1 f v => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XLEN {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XRANGE {p}str - + => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XTRIM {p}str MAXLEN 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XSETID {p}str 1-0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XINFO STREAM {p}str => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# XRANGE: a partial start means `ms-0` and a partial end `ms-<max seq>`; `(` excludes a bound
# (but not `-` or `+`). COUNT 0 or negative answers a nil array, not an empty one.
XRANGE {p}s - + => [["1-1", ["f1", "v1"]], ["1-2", ["f2", "v2", "f3", "v3"]], ["2-0", ["f", "v"]], ["2-1", ["f", "v"]], ["3-0", ["f", "v"]], ["4-0", ["", ""]]]
XRANGE {p}s - + COUNT 2 => [["1-1", ["f1", "v1"]], ["1-2", ["f2", "v2", "f3", "v3"]]]
XRANGE {p}s 1 1 => [["1-1", ["f1", "v1"]], ["1-2", ["f2", "v2", "f3", "v3"]]]
XRANGE {p}s 2 + => [["2-0", ["f", "v"]], ["2-1", ["f", "v"]], ["3-0", ["f", "v"]], ["4-0", ["", ""]]]
XRANGE {p}s (1-1 (2-0 => [["1-2", ["f2", "v2", "f3", "v3"]]]
XRANGE {p}s (1-2 (2-1 => [["2-0", ["f", "v"]]]
XRANGE {p}s (0 1-1 => [["1-1", ["f1", "v1"]]]
XRANGE {p}s 1-2 1-2 => [["1-2", ["f2", "v2", "f3", "v3"]]]
XRANGE {p}s 3 1 => []
XRANGE {p}s - + COUNT 0 => nil
XRANGE {p}s - + COUNT -1 => nil
XRANGE {p}s - + COUNT => (error) ERR syntax error
XRANGE {p}s - + COUNT x => (error) ERR value is not an integer or out of range
XRANGE {p}s - + FOO 1 => (error) ERR syntax error
XRANGE {p}s (- + => (error) ERR Invalid stream ID specified as stream command argument
XRANGE {p}s - (+ => (error) ERR Invalid stream ID specified as stream command argument
XRANGE {p}s (18446744073709551615-18446744073709551615 + => (error) ERR invalid start ID for the interval
XRANGE {p}s - (0-0 => (error) ERR invalid end ID for the interval
XRANGE {p}s - => (error) ERR wrong number of arguments for 'xrange' command
XREVRANGE {p}s + - COUNT 2 => [["4-0", ["", ""]], ["3-0", ["f", "v"]]]
XREVRANGE {p}s 1 1 => [["1-2", ["f2", "v2", "f3", "v3"]], ["1-1", ["f1", "v1"]]]
XREVRANGE {p}s (3-0 (1-3 => [["2-1", ["f", "v"]], ["2-0", ["f", "v"]]]
XREVRANGE {p}s - + => []
XREVRANGE {p}s (+ - => (error) ERR Invalid stream ID specified as stream command argument
XREVRANGE {p}s + - COUNT 0 => nil
# XDEL counts only the entries it found; a partial ID means `ms-0`.
XDEL {p}s 1-2 9-9 => (integer) 1
XDEL {p}s 1-2 => (integer) 0
XDEL {p}s 1 => (integer) 0
XDEL {p}s x => (error) ERR Invalid stream ID specified as stream command argument
XDEL {p}s => (error) ERR wrong number of arguments for 'xdel' command
XRANGE {p}s - (2-1 => [["1-1", ["f1", "v1"]], ["2-0", ["f", "v"]]]
# Trimming. `=` (or nothing) trims exactly; `~` only drops whole radix-tree nodes (100 entries
# each), so a small stream is one node, kept unless every entry in it is to go: MAXLEN ~ 0 and
# a MINID ~ above every ID empty it (the entry XADD just added included). A trimmed-empty
# stream still exists. Giving MAXLEN twice reports the MAXLEN/MINID conflict.
XADD {p}t 1-0 a 1 => "1-0"
XADD {p}t 2-0 a 2 => "2-0"
XADD {p}t 3-0 a 3 => "3-0"
XADD {p}t MAXLEN 3 4-0 a 4 => "4-0"
XADD {p}t MAXLEN = 2 5-0 a 5 => "5-0"
XRANGE {p}t - + => [["4-0", ["a", "4"]], ["5-0", ["a", "5"]]]
XADD {p}t MAXLEN ~ 1 6-0 a 6 => "6-0"
XLEN {p}t => (integer) 3
XADD {p}t MINID 5 7-0 a 7 => "7-0"
XRANGE {p}t - + => [["5-0", ["a", "5"]], ["6-0", ["a", "6"]], ["7-0", ["a", "7"]]]
XADD {p}t MINID = 7-0 8-0 a 8 => "8-0"
XLEN {p}t => (integer) 2
XADD {p}t MINID ~ 100 9-0 a 9 => "9-0"
XLEN {p}t => (integer) 0
XADD {p}t MAXLEN ~ 1 LIMIT 10 10-0 a 10 => "10-0"
XADD {p}t MAXLEN 1 LIMIT 10 11-0 a 11 => (error) ERR syntax error, LIMIT cannot be used without the special ~ option
XADD {p}t MAXLEN = 1 LIMIT 10 11-0 a 11 => (error) ERR syntax error, LIMIT cannot be used without the special ~ option
XADD {p}t MAXLEN ~ 1 LIMIT -1 11-0 a 11 => (error) ERR The LIMIT argument must be >= 0.
XADD {p}t MAXLEN ~ 1 LIMIT x 11-0 a 11 => (error) ERR value is not an integer or out of range
XADD {p}t MAXLEN -1 11-0 a 11 => (error) ERR The MAXLEN argument must be >= 0.
XADD {p}t MAXLEN x 11-0 a 11 => (error) ERR value is not an integer or out of range
XADD {p}t MAXLEN 11-0 a 11 => (error) ERR value is not an integer or out of range
XADD {p}t MINID x 11-0 a 11 => (error) ERR Invalid stream ID specified as stream command argument
XADD {p}t MAXLEN 1 MINID 1 11-0 a 11 => (error) ERR syntax error, MAXLEN and MINID options at the same time are not compatible
XADD {p}t MAXLEN 1 MAXLEN 2 11-0 a 11 => (error) ERR syntax error, MAXLEN and MINID options at the same time are not compatible
XADD {p}t MAXLEN 2 1-0 a 11 => (error) ERR The ID specified in XADD is equal or smaller than the target stream top item
XADD {p}t NOMKSTREAM MAXLEN 2 NOMKSTREAM 11-0 a 11 => "11-0"
XRANGE {p}t - + => [["10-0", ["a", "10"]], ["11-0", ["a", "11"]]]
XADD {p}t0 MAXLEN 0 1-0 a 1 => "1-0"
XLEN {p}t0 => (integer) 0
EXISTS {p}t0 => (integer) 1
XTRIM {p}t MAXLEN 1 => (integer) 1
XTRIM {p}t MAXLEN 5 => (integer) 0
XADD {p}t 12-0 a 12 => "12-0"
XADD {p}t 13-0 a 13 => "13-0"
XTRIM {p}t MINID = 13 => (integer) 2
XTRIM {p}t MINID 13-0 => (integer) 0
XTRIM {p}t MAXLEN ~ 1 LIMIT 5 => (integer) 0
XTRIM {p}t MAXLEN ~ 0 => (integer) 1
XLEN {p}t => (integer) 0
EXISTS {p}t => (integer) 1
XTRIM {p}t MAXLEN 0 LIMIT 1 => (error) ERR syntax error, LIMIT cannot be used without the special ~ option
XTRIM {p}t => (error) ERR wrong number of arguments for 'xtrim' command
XTRIM {p}t MAXLEN => (error) ERR wrong number of arguments for 'xtrim' command
XTRIM {p}t FOO 1 => (error) ERR syntax error
XTRIM {p}t MAXLEN -1 => (error) ERR The MAXLEN argument must be >= 0.
XTRIM {p}t MINID x => (error) ERR Invalid stream ID specified as stream command argument
XTRIM {p}none MAXLEN -1 => (error) ERR The MAXLEN argument must be >= 0.
# XINFO STREAM (radix-tree-keys and -nodes are internal). XDEL raises max-deleted-entry-id,
# trimming does not; recorded-first-entry-id follows the first entry, 0-0 when empty.
XADD {p}x 1-1 a 1 => "1-1"
XADD {p}x 2-1 b 2 => "2-1"
XADD {p}x 3-1 c 3 => "3-1"
XDEL {p}x 2-1 => (integer) 1
XINFO STREAM {p}x => ["length", (integer) 2, "radix-tree-keys", (integer) *, "radix-tree-nodes", (integer) *, "last-generated-id", "3-1", "max-deleted-entry-id", "2-1", "entries-added", (integer) 3, "recorded-first-entry-id", "1-1", "groups", (integer) 0, "first-entry", ["1-1", ["a", "1"]], "last-entry", ["3-1", ["c", "3"]]]
XDEL {p}x 1-1 => (integer) 1
XTRIM {p}x MAXLEN 0 => (integer) 1
XINFO STREAM {p}x => ["length", (integer) 0, "radix-tree-keys", (integer) *, "radix-tree-nodes", (integer) *, "last-generated-id", "3-1", "max-deleted-entry-id", "2-1", "entries-added", (integer) 3, "recorded-first-entry-id", "0-0", "groups", (integer) 0, "first-entry", nil, "last-entry", nil]
XINFO STREAM {p}none => (error) ERR no such key
XINFO STREAM => (error) ERR wrong number of arguments for 'xinfo|stream' command
XINFO STREAM {p}x FOO => (error) ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.
XINFO FOO => (error) ERR unknown subcommand 'FOO'. Try XINFO HELP.
# XSETID compares with the top entry, not the last generated ID, so it may move that ID back
# down to the top entry (or anywhere on an empty stream). MAXDELETEDID 0-0 changes nothing.
XADD {p}x 4-0 d 4 => "4-0"
XSETID {p}x 6-0 => OK
XADD {p}x 5-0 e 5 => (error) ERR The ID specified in XADD is equal or smaller than the target stream top item
XADD {p}x 6-* f 6 => "6-1"
XSETID {p}x 9-0 => OK
XSETID {p}x 6-1 => OK
XSETID {p}x 6-0 => (error) ERR The ID specified in XSETID is smaller than the target stream top item
XSETID {p}x 7-0 ENTRIESADDED 10 MAXDELETEDID 5-0 => OK
XSETID {p}x 7-0 MAXDELETEDID 0-0 => OK
XINFO STREAM {p}x => ["length", (integer) 2, "radix-tree-keys", (integer) *, "radix-tree-nodes", (integer) *, "last-generated-id", "7-0", "max-deleted-entry-id", "5-0", "entries-added", (integer) 10, "recorded-first-entry-id", "4-0", "groups", (integer) 0, "first-entry", ["4-0", ["d", "4"]], "last-entry", ["6-1", ["f", "6"]]]
XSETID {p}x 8-0 ENTRIESADDED 1 => (error) ERR The entries_added specified in XSETID is smaller than the target stream length
XSETID {p}x 8-0 ENTRIESADDED -1 => (error) ERR entries_added must be positive
XSETID {p}x 8-0 ENTRIESADDED x => (error) ERR value is not an integer or out of range
XSETID {p}x 8-0 MAXDELETEDID 9-0 => (error) ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id
XSETID {p}x 8-0 ENTRIESADDED => (error) ERR syntax error
XSETID {p}x 8-0 FOO 1 => (error) ERR syntax error
XSETID {p}x $ => (error) ERR Invalid stream ID specified as stream command argument
XSETID {p}x => (error) ERR wrong number of arguments for 'xsetid' command
XSETID {p}none 1-0 => (error) ERR no such key
XSETID {p}t 0-0 => OK
XINFO STREAM {p}t => ["length", (integer) 0, "radix-tree-keys", (integer) *, "radix-tree-nodes", (integer) *, "last-generated-id", "0-0", "max-deleted-entry-id", "0-0", "entries-added", (integer) 13, "recorded-first-entry-id", "0-0", "groups", (integer) 0, "first-entry", nil, "last-entry", nil]
# XREAD returns entries above each given ID; nil when no stream has any (`$` without BLOCK,
# missing keys). COUNT 0 or negative means no limit; a repeated option takes its last value.
XADD {p}r 1-1 a 1 => "1-1"
XADD {p}r 1-2 b 2 => "1-2"
XADD {p}r 2-0 c 3 => "2-0"
XADD {p}r2 5-0 d 4 => "5-0"
XREAD STREAMS {p}r 0 => [["{p}r", [["1-1", ["a", "1"]], ["1-2", ["b", "2"]], ["2-0", ["c", "3"]]]]]
XREAD STREAMS {p}r 1-1 => [["{p}r", [["1-2", ["b", "2"]], ["2-0", ["c", "3"]]]]]
XREAD COUNT 1 STREAMS {p}r 0 => [["{p}r", [["1-1", ["a", "1"]]]]]
XREAD COUNT 0 STREAMS {p}r 1-1 => [["{p}r", [["1-2", ["b", "2"]], ["2-0", ["c", "3"]]]]]
XREAD COUNT -1 STREAMS {p}r 1-1 => [["{p}r", [["1-2", ["b", "2"]], ["2-0", ["c", "3"]]]]]
XREAD COUNT 2 COUNT 1 STREAMS {p}r 0 => [["{p}r", [["1-1", ["a", "1"]]]]]
XREAD COUNT 1 STREAMS {p}r {p}r2 0 0 => [["{p}r", [["1-1", ["a", "1"]]]], ["{p}r2", [["5-0", ["d", "4"]]]]]
XREAD STREAMS {p}r {p}none {p}r2 1-2 0 5-0 => [["{p}r", [["2-0", ["c", "3"]]]]]
XREAD STREAMS {p}r {p}r 1-2 1-1 => [["{p}r", [["2-0", ["c", "3"]]]], ["{p}r", [["1-2", ["b", "2"]], ["2-0", ["c", "3"]]]]]
XREAD STREAMS {p}r {p}r2 2-0 5-0 => nil
XREAD STREAMS {p}r $ => nil
XREAD STREAMS {p}none 0 => nil
XREAD STREAMS {p}r 18446744073709551615-18446744073709551615 => nil
XREAD BLOCK 0 STREAMS {p}r 1-2 => [["{p}r", [["2-0", ["c", "3"]]]]]
XREAD BLOCK 1000 COUNT 1 STREAMS {p}r {p}r2 1-1 0 => [["{p}r", [["1-2", ["b", "2"]]]], ["{p}r2", [["5-0", ["d", "4"]]]]]
XREAD STREAMS {p}r {p}r2 0 => (error) ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.
XREAD STREAMS {p}r => (error) ERR wrong number of arguments for 'xread' command
XREAD COUNT 1 {p}r 0 => (error) ERR syntax error
XREAD COUNT x STREAMS {p}r 0 => (error) ERR value is not an integer or out of range
XREAD BLOCK -1 STREAMS {p}r 0 => (error) ERR timeout is negative
XREAD BLOCK x STREAMS {p}r 0 => (error) ERR timeout is not an integer or out of range
XREAD NOACK STREAMS {p}r 0 => (error) ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.
XREAD STREAMS {p}r > => (error) ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.
XREAD STREAMS {p}r ++ => (error) ERR Invalid stream ID specified as stream command argument
XREAD STREAMS {p}none {p}str 0 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# XGROUP CREATE needs the key unless MKSTREAM. A group whose entries-read is unknown (nil)
# still gets an estimated lag: the whole stream when it starts before the first entry, 0 at
# the last ID; nil past the top entry, and nil once an XDEL inside the stream (not trimming)
# leaves a gap the estimate cannot see past (see XINFO GROUPS after the XCLAIMs below).
XGROUP CREATE {p}g g1 $ => (error) ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.
XGROUP CREATE {p}g g1 $ MKSTREAM => OK
XGROUP CREATE {p}g g1 $ MKSTREAM => (error) BUSYGROUP Consumer Group name already exists
XLEN {p}g => (integer) 0
XGROUP CREATE {p}str g1 $ MKSTREAM => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XADD {p}g 1-0 a 1 => "1-0"
XADD {p}g 2-0 b 2 => "2-0"
XADD {p}g 3-0 c 3 => "3-0"
XADD {p}g 4-0 d 4 => "4-0"
XGROUP CREATE {p}g g0 0 => OK
XGROUP CREATE {p}g g2 2-0 ENTRIESREAD 2 => OK
XGROUP CREATE {p}g g3 0 ENTRIESREAD -5 => (error) ERR value for ENTRIESREAD must be positive or -1
XGROUP CREATE {p}g g3 0 ENTRIESREAD x => (error) ERR value is not an integer or out of range
XGROUP CREATE {p}g g3 $ ENTRIESREAD -1 => OK
XGROUP CREATE {p}g g4 9-0 => OK
XGROUP CREATE {p}g g5 x => (error) ERR Invalid stream ID specified as stream command argument
XGROUP CREATE {p}g g5 0 FOO => (error) ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.
XGROUP CREATE {p}g g5 => (error) ERR wrong number of arguments for 'xgroup|create' command
XINFO GROUPS {p}g => [["name", "g0", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "0-0", "entries-read", nil, "lag", (integer) 4], ["name", "g1", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "0-0", "entries-read", nil, "lag", (integer) 4], ["name", "g2", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "2-0", "entries-read", (integer) 2, "lag", (integer) 2], ["name", "g3", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "4-0", "entries-read", nil, "lag", (integer) 0], ["name", "g4", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "9-0", "entries-read", nil, "lag", nil]]
XGROUP DESTROY {p}g g4 => (integer) 1
XGROUP DESTROY {p}g g4 => (integer) 0
XGROUP DESTROY {p}none g4 => (error) ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.
XGROUP DESTROY {p}g => (error) ERR wrong number of arguments for 'xgroup|destroy' command
XGROUP SETID {p}g g2 1-0 => OK
XGROUP SETID {p}g g2 $ ENTRIESREAD 4 => OK
XGROUP SETID {p}g nog 0 => (error) NOGROUP No such consumer group 'nog' for key name '{p}g'
XGROUP SETID {p}none g2 0 => (error) ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.
XGROUP SETID {p}g g2 0 ENTRIESREAD -2 => (error) ERR value for ENTRIESREAD must be positive or -1
XGROUP SETID {p}none g2 0 ENTRIESREAD x => (error) ERR value is not an integer or out of range
XGROUP SETID {p}none g2 0 ENTRIESREAD 1 x => (error) ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.
XGROUP SETID {p}none g2 0 ENTRIESREAD x 1 => (error) ERR value is not an integer or out of range
XGROUP SETID {p}none g2 0 FOO 1 => (error) ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.
XGROUP CREATECONSUMER {p}g g0 c1 => (integer) 1
XGROUP CREATECONSUMER {p}g g0 c1 => (integer) 0
XGROUP CREATECONSUMER {p}g nog c1 => (error) NOGROUP No such consumer group 'nog' for key name '{p}g'
XGROUP CREATECONSUMER {p}none g0 c1 => (error) ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.
XGROUP DELCONSUMER {p}g g0 nobody => (integer) 0
XGROUP FOO {p}g => (error) ERR unknown subcommand 'FOO'. Try XGROUP HELP.
# XREADGROUP: `>` delivers new entries and records them as pending; an ID re-reads the
# consumer's own pending entries (an empty list, not nil, when it has none), adding one to
# their delivery count. NOACK delivers without recording.
XREADGROUP GROUP g0 c1 COUNT 2 STREAMS {p}g > => [["{p}g", [["1-0", ["a", "1"]], ["2-0", ["b", "2"]]]]]
XREADGROUP GROUP g0 c2 STREAMS {p}g > => [["{p}g", [["3-0", ["c", "3"]], ["4-0", ["d", "4"]]]]]
XREADGROUP GROUP g0 c2 STREAMS {p}g > => nil
XREADGROUP GROUP g0 c1 STREAMS {p}g 0 => [["{p}g", [["1-0", ["a", "1"]], ["2-0", ["b", "2"]]]]]
XREADGROUP GROUP g0 c1 COUNT 1 STREAMS {p}g 1-0 => [["{p}g", [["2-0", ["b", "2"]]]]]
XREADGROUP GROUP g0 c3 BLOCK 100 STREAMS {p}g 0 => [["{p}g", []]]
XREADGROUP GROUP nog c1 STREAMS {p}g > => (error) NOGROUP No such key '{p}g' or consumer group 'nog' in XREADGROUP with GROUP option
XREADGROUP GROUP g0 c1 STREAMS {p}g {p}none > > => (error) NOGROUP No such key '{p}none' or consumer group 'g0' in XREADGROUP with GROUP option
XREADGROUP GROUP g0 c1 STREAMS {p}str > => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XREADGROUP GROUP g0 c1 STREAMS {p}g $ => (error) ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.
XREADGROUP GROUP g0 c1 STREAMS {p}g x => (error) ERR Invalid stream ID specified as stream command argument
XREADGROUP GROUP g0 STREAMS {p}g > => (error) ERR wrong number of arguments for 'xreadgroup' command
XREADGROUP COUNT 1 STREAMS {p}g {p}h > > => (error) ERR Missing GROUP option for XREADGROUP
XREADGROUP GROUP g0 c1 STREAMS {p}g {p}g > => (error) ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.
XREADGROUP GROUP g0 c1 FOO STREAMS {p}g > => (error) ERR syntax error
XINFO GROUPS {p}g => [["name", "g0", "consumers", (integer) 3, "pending", (integer) 4, "last-delivered-id", "4-0", "entries-read", (integer) 4, "lag", (integer) 0], *]
XINFO CONSUMERS {p}g g0 => [["name", "c1", "pending", (integer) 2, "idle", (integer) *], ["name", "c2", "pending", (integer) 2, "idle", (integer) *], ["name", "c3", "pending", (integer) 0, "idle", (integer) *]]
XINFO CONSUMERS {p}none g0 => (error) ERR no such key
XINFO CONSUMERS {p}g nog => (error) NOGROUP No such consumer group 'nog' for key name '{p}g'
XINFO GROUPS {p}none => (error) ERR no such key
# XPENDING: the summary counts per consumer as strings; the extended form gives each entry's
# idle time (wildcarded) and delivery count. IDLE filters on idle time.
XPENDING {p}g g0 => [(integer) 4, "1-0", "4-0", [["c1", "2"], ["c2", "2"]]]
XPENDING {p}g g0 - + 10 => [["1-0", "c1", (integer) *, (integer) 2], ["2-0", "c1", (integer) *, (integer) 3], ["3-0", "c2", (integer) *, (integer) 1], ["4-0", "c2", (integer) *, (integer) 1]]
XPENDING {p}g g0 - + 10 c2 => [["3-0", "c2", (integer) *, (integer) 1], ["4-0", "c2", (integer) *, (integer) 1]]
XPENDING {p}g g0 (1-0 + 1 => [["2-0", "c1", (integer) *, (integer) 3]]
XPENDING {p}g g0 IDLE 100000000 - + 10 => []
XPENDING {p}g g0 - + 0 => []
XPENDING {p}g g0 - + -1 => []
XPENDING {p}g g2 => [(integer) 0, nil, nil, nil]
XPENDING {p}g g0 - + => (error) ERR syntax error
XPENDING {p}g g0 IDLE x - + 10 => (error) ERR value is not an integer or out of range
XPENDING {p}g nog => (error) NOGROUP No such key '{p}g' or consumer group 'nog'
XPENDING {p}none g0 => (error) NOGROUP No such key '{p}none' or consumer group 'g0'
XPENDING {p}str g0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# A pending entry deleted from the stream re-reads as [id, nil]. XACK ignores unknown IDs,
# groups and keys. DELCONSUMER answers how many entries the consumer had pending, and drops them.
XADD {p}g 5-0 e 5 => "5-0"
XADD {p}g 6-0 f 6 => "6-0"
XREADGROUP GROUP g0 c4 NOACK COUNT 1 STREAMS {p}g > => [["{p}g", [["5-0", ["e", "5"]]]]]
XREADGROUP GROUP g0 c4 BLOCK 1000 STREAMS {p}g > => [["{p}g", [["6-0", ["f", "6"]]]]]
XDEL {p}g 2-0 => (integer) 1
XREADGROUP GROUP g0 c1 STREAMS {p}g 0 => [["{p}g", [["1-0", ["a", "1"]], ["2-0", nil]]]]
XACK {p}g g0 1-0 1-0 9-0 => (integer) 1
XACK {p}g g0 1-0 => (integer) 0
XACK {p}g nog 3-0 => (integer) 0
XACK {p}none g0 3-0 => (integer) 0
XACK {p}g g0 x => (error) ERR Invalid stream ID specified as stream command argument
XACK {p}str g0 3-0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XACK {p}g g0 => (error) ERR wrong number of arguments for 'xack' command
XPENDING {p}g g0 => [(integer) 4, "2-0", "6-0", [["c1", "1"], ["c2", "2"], ["c4", "1"]]]
XGROUP DELCONSUMER {p}g g0 c4 => (integer) 1
XGROUP DELCONSUMER {p}g g0 c3 => (integer) 0
XGROUP DELCONSUMER {p}g nog c1 => (error) NOGROUP No such consumer group 'nog' for key name '{p}g'
XPENDING {p}g g0 => [(integer) 3, "2-0", "4-0", [["c1", "1"], ["c2", "2"]]]
# XCLAIM: a claimed entry gets one more delivery (not with JUSTID); an entry deleted from the
# stream is dropped from the pending list instead; FORCE claims an entry nobody has pending,
# if it exists. An invalid ID is taken for the first option.
XCLAIM {p}g g0 c5 0 3-0 => [["3-0", ["c", "3"]]]
XCLAIM {p}g g0 c5 0 3-0 4-0 JUSTID => ["3-0", "4-0"]
XCLAIM {p}g g0 c5 100000000 3-0 => []
XCLAIM {p}g g0 c5 0 2-0 => []
XPENDING {p}g g0 - + 10 => [["3-0", "c5", (integer) *, (integer) 2], ["4-0", "c5", (integer) *, (integer) 1]]
XCLAIM {p}g g0 c5 0 5-0 => []
XCLAIM {p}g g0 c5 0 5-0 FORCE => [["5-0", ["e", "5"]]]
XCLAIM {p}g g0 c5 0 9-0 FORCE => []
XCLAIM {p}g g0 c6 0 5-0 RETRYCOUNT 7 JUSTID => ["5-0"]
XCLAIM {p}g g0 c6 0 5-0 IDLE 100000000 JUSTID => ["5-0"]
XPENDING {p}g g0 IDLE 90000000 - + 10 => [["5-0", "c6", (integer) 100*, (integer) 7]]
XCLAIM {p}g g0 c6 0 3-0 LASTID 9-0 JUSTID => ["3-0"]
XINFO GROUPS {p}g => [["name", "g0", "consumers", (integer) 4, "pending", (integer) 3, "last-delivered-id", "9-0", "entries-read", (integer) 6, "lag", (integer) 0], ["name", "g1", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "0-0", "entries-read", nil, "lag", nil], ["name", "g2", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "4-0", "entries-read", (integer) 4, "lag", (integer) 2], ["name", "g3", "consumers", (integer) 0, "pending", (integer) 0, "last-delivered-id", "4-0", "entries-read", nil, "lag", nil]]
XCLAIM {p}g g0 c6 0 x => (error) ERR Unrecognized XCLAIM option 'x'
XCLAIM {p}g g0 c6 0 3-0 FOO => (error) ERR Unrecognized XCLAIM option 'FOO'
XCLAIM {p}g g0 c6 x 3-0 => (error) ERR Invalid min-idle-time argument for XCLAIM
XCLAIM {p}g g0 c6 0 3-0 RETRYCOUNT x => (error) ERR Invalid RETRYCOUNT option argument for XCLAIM
XCLAIM {p}g g0 c6 0 => (error) ERR wrong number of arguments for 'xclaim' command
XCLAIM {p}g nog c6 0 3-0 => (error) NOGROUP No such key '{p}g' or consumer group 'nog'
XCLAIM {p}none g0 c6 0 3-0 => (error) NOGROUP No such key '{p}none' or consumer group 'g0'
XCLAIM {p}str g0 c6 0 3-0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# XAUTOCLAIM answers [next start ID (0-0 when the scan is done), claimed entries, IDs it dropped
# from the pending list because they were deleted from the stream]. COUNT must be positive.
XADD {p}ac 1-0 a 1 => "1-0"
XADD {p}ac 2-0 b 2 => "2-0"
XADD {p}ac 3-0 c 3 => "3-0"
XGROUP CREATE {p}ac g 0 => OK
XREADGROUP GROUP g c1 STREAMS {p}ac > => [["{p}ac", [["1-0", ["a", "1"]], ["2-0", ["b", "2"]], ["3-0", ["c", "3"]]]]]
XDEL {p}ac 2-0 => (integer) 1
XAUTOCLAIM {p}ac g c2 0 0-0 COUNT 1 => ["2-0", [["1-0", ["a", "1"]]], []]
XAUTOCLAIM {p}ac g c2 0 2-0 COUNT 1 => ["3-0", [], ["2-0"]]
XAUTOCLAIM {p}ac g c2 0 0-0 => ["0-0", [["1-0", ["a", "1"]], ["3-0", ["c", "3"]]], []]
XAUTOCLAIM {p}ac g c3 0 (1-0 JUSTID => ["0-0", ["3-0"], []]
XAUTOCLAIM {p}ac g c3 100000000 0 => ["0-0", [], []]
XPENDING {p}ac g - + 10 => [["1-0", "c2", (integer) *, (integer) 3], ["3-0", "c3", (integer) *, (integer) 2]]
XAUTOCLAIM {p}ac g c3 0 0-0 COUNT 0 => (error) ERR COUNT must be > 0
XAUTOCLAIM {p}ac g c3 0 0-0 COUNT x => (error) ERR COUNT must be > 0
XAUTOCLAIM {p}ac g c3 0 0-0 FOO => (error) ERR syntax error
XAUTOCLAIM {p}ac g c3 0 x => (error) ERR Invalid stream ID specified as stream command argument
XAUTOCLAIM {p}ac g c3 x 0-0 => (error) ERR Invalid min-idle-time argument for XAUTOCLAIM
XAUTOCLAIM {p}ac nog c3 0 0-0 => (error) NOGROUP No such key '{p}ac' or consumer group 'nog'
XAUTOCLAIM {p}str g c3 0 0-0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
XAUTOCLAIM {p}ac g c3 0 => (error) ERR wrong number of arguments for 'xautoclaim' command
# XINFO STREAM counts groups; FULL lists entries and every group's pending entries and
# consumers (times wildcarded).
XINFO STREAM {p}ac => ["length", (integer) 2, "radix-tree-keys", (integer) *, "radix-tree-nodes", (integer) *, "last-generated-id", "3-0", "max-deleted-entry-id", "2-0", "entries-added", (integer) 3, "recorded-first-entry-id", "1-0", "groups", (integer) 1, "first-entry", ["1-0", ["a", "1"]], "last-entry", ["3-0", ["c", "3"]]]
XINFO STREAM {p}ac FULL COUNT 1 => ["length", (integer) 2, "radix-tree-keys", (integer) *, "radix-tree-nodes", (integer) *, "last-generated-id", "3-0", "max-deleted-entry-id", "2-0", "entries-added", (integer) 3, "recorded-first-entry-id", "1-0", "entries", [["1-0", ["a", "1"]]], "groups", [["name", "g", "last-delivered-id", "3-0", "entries-read", (integer) 3, "lag", (integer) 0, "pel-count", (integer) 2, "pending", [["1-0", "c2", (integer) *, (integer) 3]], "consumers", [["name", "c1", "seen-time", (integer) *, "pel-count", (integer) 0, "pending", []], ["name", "c2", "seen-time", (integer) *, "pel-count", (integer) 1, "pending", [["1-0", (integer) *, (integer) 3]]], ["name", "c3", "seen-time", (integer) *, "pel-count", (integer) 1, "pending", [["3-0", (integer) *, (integer) 2]]]]]]]
# Several streams in one XREADGROUP; DEL drops a stream with its groups.
XGROUP CREATE {p}ac2 g $ MKSTREAM => OK
XADD {p}ac2 1-0 z 1 => "1-0"
XREADGROUP GROUP g c STREAMS {p}ac {p}ac2 > > => [["{p}ac2", [["1-0", ["z", "1"]]]]]
XREADGROUP GROUP g c1 STREAMS {p}ac {p}ac2 0 0 => [["{p}ac", []], ["{p}ac2", []]]
XADD {p}ac2 2-0 z 2 => "2-0"
XINFO GROUPS {p}ac2 => [["name", "g", "consumers", (integer) 2, "pending", (integer) 1, "last-delivered-id", "1-0", "entries-read", (integer) 1, "lag", (integer) 1]]
DEL {p}ac2 => (integer) 1
EXISTS {p}ac2 => (integer) 0
XADD {p}ac2 1-0 z 1 => "1-0"
XINFO GROUPS {p}ac2 => []
"#;

/// Geospatial commands on sorted sets: GEOADD and its options, GEOPOS, GEODIST in every unit,
/// GEOHASH, GEORADIUS and GEORADIUSBYMEMBER (with STORE, STOREDIST and the `_RO` forms),
/// GEOSEARCH and GEOSEARCHSTORE by radius and by box, with COUNT, ANY, ASC, DESC and the WITH
/// options, every error in Redis's order, scores ZADD set that no GEOADD would, and a grid of
/// 150 members (kept in the sorted-set index) whose members at equal distances come out in
/// Redis's order, unsorted, fully sorted and partly sorted by COUNT.
pub const GEO: &str = r#"
# GEOADD stores the 52-bit geohash of each position as the member's score.
GEOADD {p}Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania => (integer) 2
TYPE {p}Sicily => zset
ZSCORE {p}Sicily Palermo => "3479099956230698"
ZRANGE {p}Sicily 0 -1 WITHSCORES => ["Palermo", "3479099956230698", "Catania", "3479447370796909"]
GEOADD {p}Sicily 13.361389 38.115556 Palermo => (integer) 0
GEOADD {p}Sicily CH 13.361389 38.115556 Palermo 13.4 38.2 Palermo => (integer) 1
GEOADD {p}Sicily NX 13.361389 38.115556 Palermo 12.5 37.8 Marsala => (integer) 1
GEOADD {p}Sicily XX CH 13.361389 38.115556 Palermo 14.5 38 Nowhere => (integer) 1
GEOADD {p}Sicily xx nx 1 2 a => (error) ERR syntax error
GEOADD {p}Sicily 1 2 => (error) ERR wrong number of arguments for 'geoadd' command
GEOADD {p}Sicily 1 2 a 3 => (error) ERR syntax error
GEOADD {p}Sicily NX CH XX => (error) ERR syntax error
GEOADD {p}Sicily GT 1 2 a => (error) ERR syntax error
GEOADD {p}Sicily INCR 1 2 => (error) ERR value is not a valid float
GEOADD {p}Sicily abc 2 a => (error) ERR value is not a valid float
GEOADD {p}Sicily 1 "" a => (error) ERR value is not a valid float
GEOADD {p}Sicily " 1" 2 a => (error) ERR value is not a valid float
GEOADD {p}Sicily 1 nan a => (error) ERR value is not a valid float
GEOADD {p}Sicily 200 100 a => (error) ERR invalid longitude,latitude pair 200.000000,100.000000
GEOADD {p}Sicily 1 2 ok -180.5 0 a => (error) ERR invalid longitude,latitude pair -180.500000,0.000000
GEOADD {p}Sicily 0 85.06 a => (error) ERR invalid longitude,latitude pair 0.000000,85.060000
GEOADD {p}Sicily inf 1 a => (error) ERR invalid longitude,latitude pair inf,1.000000
GEOADD {p}Sicily 1e300 -0.0 a => (error) ERR invalid longitude,latitude pair 1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000,-0.000000
GEOADD {p}Sicily 1 2 a 1 3 b 4 x c => (error) ERR value is not a valid float
ZCARD {p}Sicily => (integer) 3
GEOADD {p}Sicily => (error) ERR wrong number of arguments for 'geoadd' command
GEOADD {p}edge 180 85.05112878 ne -180 -85.05112878 sw 0x10 -0x1p3 hex 0 0 zero => (integer) 4
GEOPOS {p}edge ne sw hex zero => [["180", "85.0511287799999991"], ["-179.99999731779098511", "-85.05112751263942528"], ["16.00000172853469849", "-7.99999947522560007"], ["0.00000268220901489", "0.00000126736058093"]]
GEOHASH {p}edge ne sw hex zero => ["bp05b5048p0", "00bh0hbj200", "kqe6kpdueh0", "s0000000000"]
SET {p}str x => OK
GEOADD {p}str 1 2 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GEOADD {p}str 1 x a => (error) ERR value is not a valid float
# GEOPOS: nil arrays for missing members and keys.
GEOPOS {p}Sicily Palermo Catania NonExisting => [["13.36138933897018433", "38.11555639549629859"], ["15.08726745843887329", "37.50266842333162032"], nil]
GEOPOS {p}Sicily => []
GEOPOS {p}nokey a b => [nil, nil]
GEOPOS {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GEOPOS => (error) ERR wrong number of arguments for 'geopos' command
# GEOHASH: 11 characters of the standard geohash; the last is always 0.
GEOHASH {p}Sicily Palermo Catania Marsala NonExisting => ["sqc8b49rny0", "sqdtr74hyu0", "sq8zh3q0zn0", nil]
GEOHASH {p}nokey a => [nil]
GEOHASH {p}Sicily => []
GEOHASH {p}str a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# Any score decodes, as C converts it to an integer.
ZADD {p}odd -1 neg 1e30 huge 2.5 frac 4503599627370496 top => (integer) 4
GEOPOS {p}odd neg huge frac top => [["180", "85.0511287799999991"], ["-179.99999731779098511", "-85.05112751263942528"], ["-179.99999195337295532", "-85.05112751263942528"], ["-179.99999731779098511", "85.0511287799999991"]]
GEOHASH {p}odd neg huge frac top => ["bp05b5048p0", "00bh0hbj200", "00bh0hbj200", "bp05b5048p0"]
GEODIST {p}odd neg huge => "18919844.5891"
# GEODIST: four decimals in the unit asked for; the unit is checked before the key.
GEODIST {p}Sicily Palermo Catania => "166274.1516"
GEODIST {p}Sicily Palermo Catania m => "166274.1516"
GEODIST {p}Sicily Palermo Catania km => "166.2742"
GEODIST {p}Sicily Palermo Catania MI => "103.3182"
GEODIST {p}Sicily Palermo Catania ft => "545518.8700"
GEODIST {p}Sicily Palermo Palermo => "0.0000"
GEODIST {p}Sicily Palermo NonExisting => nil
GEODIST {p}nokey Palermo Catania => nil
GEODIST {p}Sicily Palermo Catania yd => (error) ERR unsupported unit provided. please use M, KM, FT, MI
GEODIST {p}str Palermo Catania yd => (error) ERR unsupported unit provided. please use M, KM, FT, MI
GEODIST {p}str Palermo Catania => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GEODIST {p}Sicily Palermo Catania km extra => (error) ERR syntax error
GEODIST {p}Sicily Palermo => (error) ERR wrong number of arguments for 'geodist' command
# GEORADIUS: without ASC/DESC the order is that of the cells walked.
GEORADIUS {p}Sicily 15 37 200 km => ["Palermo", "Catania"]
GEORADIUS {p}Sicily 15 37 200 km WITHDIST => [["Palermo", "190.4424"], ["Catania", "56.4413"]]
GEORADIUS {p}Sicily 15 37 200 km WITHCOORD WITHDIST WITHHASH ASC => [["Catania", "56.4413", (integer) 3479447370796909, ["15.08726745843887329", "37.50266842333162032"]], ["Palermo", "190.4424", (integer) 3479099956230698, ["13.36138933897018433", "38.11555639549629859"]]]
GEORADIUS {p}Sicily 15 37 200 km withhash desc => [["Palermo", (integer) 3479099956230698], ["Catania", (integer) 3479447370796909]]
GEORADIUS {p}Sicily 15 37 200 km COUNT 1 => ["Catania"]
GEORADIUS {p}Sicily 15 37 200 km COUNT 1 DESC WITHDIST => [["Palermo", "190.4424"]]
GEORADIUS {p}Sicily 15 37 200 km COUNT 1 ANY => ["Palermo"]
GEORADIUS {p}Sicily 15 37 200 km ANY => (error) ERR the ANY argument requires COUNT argument
GEORADIUS {p}Sicily 15 37 200 km COUNT 0 => (error) ERR COUNT must be > 0
GEORADIUS {p}Sicily 15 37 200 km COUNT -2 => (error) ERR COUNT must be > 0
GEORADIUS {p}Sicily 15 37 200 km COUNT x => (error) ERR value is not an integer or out of range
GEORADIUS {p}Sicily 15 37 200 km COUNT => (error) ERR syntax error
GEORADIUS {p}Sicily 15 37 200 km BOGUS => (error) ERR syntax error
GEORADIUS {p}Sicily 15 37 -1 km => (error) ERR radius cannot be negative
GEORADIUS {p}Sicily 15 37 x km => (error) ERR need numeric radius
GEORADIUS {p}Sicily 15 37 200 yd => (error) ERR unsupported unit provided. please use M, KM, FT, MI
GEORADIUS {p}Sicily 15 100 200 km => (error) ERR invalid longitude,latitude pair 15.000000,100.000000
GEORADIUS {p}Sicily x 37 200 km => (error) ERR value is not a valid float
GEORADIUS {p}Sicily 15 37 0 km => []
GEORADIUS {p}Sicily 15 37 1 m => []
GEORADIUS {p}Sicily 15 37 inf km COUNT 2 => ["Catania", "Palermo"]
GEORADIUS {p}nokey 15 37 200 km => []
GEORADIUS {p}nokey 15 37 -1 km => (error) ERR radius cannot be negative
GEORADIUS {p}str 15 37 -1 km => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GEORADIUS {p}Sicily 15 37 200 => (error) ERR wrong number of arguments for 'georadius' command
# STORE and STOREDIST write a sorted set (geohashes or distances in the unit).
GEORADIUS {p}Sicily 15 37 200 km STORE {p}near => (integer) 2
ZRANGE {p}near 0 -1 WITHSCORES => ["Palermo", "3479099956230698", "Catania", "3479447370796909"]
GEORADIUS {p}Sicily 15 37 200 km STOREDIST {p}near COUNT 1 => (integer) 1
ZRANGE {p}near 0 -1 WITHSCORES => ["Catania", "56.441257870158204"]
GEORADIUS {p}Sicily 15 37 200 km STORE {p}near WITHDIST => (error) ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options
GEORADIUS {p}Sicily 15 37 1 m STORE {p}near => (integer) 0
EXISTS {p}near => (integer) 0
GEORADIUS {p}Sicily 15 37 200 km STOREDIST {p}near => (integer) 2
GEORADIUS {p}nokey 15 37 200 km STORE {p}near => (integer) 0
EXISTS {p}near => (integer) 0
GEORADIUS {p}Sicily 15 37 200 km STORE => (error) ERR syntax error
GEORADIUS_RO {p}Sicily 15 37 200 km WITHDIST ASC => [["Catania", "56.4413"], ["Palermo", "190.4424"]]
GEORADIUS_RO {p}Sicily 15 37 200 km STORE {p}near => (error) ERR syntax error
# GEORADIUSBYMEMBER: the member's own position is the centre.
GEORADIUSBYMEMBER {p}Sicily Palermo 200 km WITHDIST => [["Marsala", "83.2973"], ["Palermo", "0.0000"], ["Catania", "166.2742"]]
GEORADIUSBYMEMBER {p}Sicily Palermo 0 km => ["Palermo"]
GEORADIUSBYMEMBER {p}Sicily NonExisting 200 km => (error) ERR could not decode requested zset member
GEORADIUSBYMEMBER {p}Sicily NonExisting x km => (error) ERR could not decode requested zset member
GEORADIUSBYMEMBER {p}Sicily Palermo x km => (error) ERR need numeric radius
GEORADIUSBYMEMBER {p}nokey Palermo x yd => []
GEORADIUSBYMEMBER {p}nokey Palermo 1 km STORE {p}dst => (integer) 0
GEORADIUSBYMEMBER {p}nokey Palermo 1 km WITHDIST BOGUS => (error) ERR syntax error
GEORADIUSBYMEMBER {p}Sicily Palermo 200 km STOREDIST {p}near ASC => (integer) 3
ZRANGE {p}near 0 -1 WITHSCORES => ["Palermo", "0", "Marsala", "83.297322452927489", "Catania", "166.27415156960032"]
GEORADIUSBYMEMBER_RO {p}Sicily Catania 100 km WITHCOORD => [["Catania", ["15.08726745843887329", "37.50266842333162032"]]]
GEORADIUSBYMEMBER_RO {p}Sicily Catania 100 km STOREDIST {p}near => (error) ERR syntax error
GEORADIUSBYMEMBER {p}str Palermo 200 km => (error) WRONGTYPE Operation against a key holding the wrong kind of value
# GEOSEARCH: FROMMEMBER or FROMLONLAT, BYRADIUS or BYBOX.
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC => ["Catania", "Palermo"]
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST => [["Catania", "56.4413", ["15.08726745843887329", "37.50266842333162032"]], ["Palermo", "190.4424", ["13.36138933897018433", "38.11555639549629859"]]]
GEOSEARCH {p}Sicily FROMMEMBER Palermo BYBOX 100 100 km WITHHASH => [["Palermo", (integer) 3479099956230698]]
GEOSEARCH {p}Sicily FROMMEMBER Palermo BYRADIUS 100 mi DESC COUNT 2 WITHDIST => [["Marsala", "51.7587"], ["Palermo", "0.0000"]]
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 ANY WITHDIST => [["Palermo", "190.4424"]]
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYBOX 0 0 km => []
GEOSEARCH {p}Sicily BYRADIUS 200 km FROMLONLAT 15 37 => ["Palermo", "Catania"]
geosearch {p}Sicily BYRADIUS 200 km WITHDIST ASC => (error) ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearch
GeoSearch {p}Sicily FROMLONLAT 15 37 WITHDIST ASC => (error) ERR exactly one of BYRADIUS and BYBOX can be specified for GeoSearch
GEOSEARCH {p}Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km => (error) ERR syntax error
GEOSEARCH {p}Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km => (error) ERR syntax error
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km => (error) ERR syntax error
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYRADIUS 200 km => ["Palermo", "Catania"]
GEOSEARCH {p}Sicily FROMMEMBER NonExisting BYRADIUS 1 km => (error) ERR could not decode requested zset member
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYBOX -1 1 km => (error) ERR height or width cannot be negative
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYBOX x 1 km => (error) ERR need numeric width
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYBOX 1 x km => (error) ERR need numeric height
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYBOX 1 1 yd => (error) ERR unsupported unit provided. please use M, KM, FT, MI
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYBOX 1 1 => (error) ERR syntax error
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST => (error) ERR syntax error
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE {p}x => (error) ERR syntax error
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km ANY => (error) ERR the ANY argument requires COUNT argument
GEOSEARCH {p}nokey FROMMEMBER Palermo BYRADIUS 200 km => []
GEOSEARCH {p}nokey FROMMEMBER Palermo BYRADIUS x km => (error) ERR need numeric radius
GEOSEARCH {p}nokey FROMMEMBER Palermo BYBOX 1 1 km STOREDIST => (error) ERR syntax error
GEOSEARCH {p}str FROMMEMBER Palermo BYRADIUS 200 km => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GEOSEARCH {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 => (error) ERR syntax error
# GEOSEARCHSTORE: a write; STOREDIST stores the distances.
GEOSEARCHSTORE {p}dst {p}Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC COUNT 3 => (integer) 2
ZRANGE {p}dst 0 -1 WITHSCORES => ["Palermo", "3479099956230698", "Catania", "3479447370796909"]
GEOSEARCHSTORE {p}dst {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST => (integer) 2
ZRANGE {p}dst 0 -1 WITHSCORES => ["Catania", "56.441257870158204", "Palermo", "190.44242984775784"]
GEOSEARCHSTORE {p}dst {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST => (error) ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options
GEOSEARCHSTORE {p}dst {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE {p}x => (error) ERR syntax error
geosearchstore {p}dst {p}Sicily BYRADIUS 200 km ASC DESC => (error) ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geosearchstore
GEOSEARCHSTORE {p}dst {p}Sicily FROMLONLAT 15 37 BYRADIUS 1 m => (integer) 0
EXISTS {p}dst => (integer) 0
GEOSEARCHSTORE {p}dst {p}Sicily FROMLONLAT 15 37 BYRADIUS 200 km => (integer) 2
GEOSEARCHSTORE {p}dst {p}nokey FROMMEMBER Palermo BYRADIUS 200 km => (integer) 0
EXISTS {p}dst => (integer) 0
GEOSEARCHSTORE {p}Sicily {p}Sicily FROMMEMBER Palermo BYRADIUS 10 km => (integer) 1
ZRANGE {p}Sicily 0 -1 => ["Palermo"]
GEOSEARCHSTORE {p}dst {p}str FROMMEMBER Palermo BYRADIUS 200 km => (error) WRONGTYPE Operation against a key holding the wrong kind of value
GEOSEARCHSTORE {p}dst {p}Sicily FROMLONLAT 15 37 => (error) ERR wrong number of arguments for 'geosearchstore' command
# More than 128 members: searched through the sorted set's index. Grid points at equal
# distances from the centre come out in Redis's order, sorted or not, all or COUNT of them.
GEOADD {p}grid 10.00 45.00 g0_0 10.00 45.01 g0_1 10.00 45.02 g0_2 10.00 45.03 g0_3 10.00 45.04 g0_4 10.00 45.05 g0_5 10.00 45.06 g0_6 10.00 45.07 g0_7 10.00 45.08 g0_8 10.00 45.09 g0_9 10.01 45.00 g1_0 10.01 45.01 g1_1 10.01 45.02 g1_2 10.01 45.03 g1_3 10.01 45.04 g1_4 10.01 45.05 g1_5 10.01 45.06 g1_6 10.01 45.07 g1_7 10.01 45.08 g1_8 10.01 45.09 g1_9 10.02 45.00 g2_0 10.02 45.01 g2_1 10.02 45.02 g2_2 10.02 45.03 g2_3 10.02 45.04 g2_4 10.02 45.05 g2_5 10.02 45.06 g2_6 10.02 45.07 g2_7 10.02 45.08 g2_8 10.02 45.09 g2_9 10.03 45.00 g3_0 10.03 45.01 g3_1 10.03 45.02 g3_2 10.03 45.03 g3_3 10.03 45.04 g3_4 10.03 45.05 g3_5 10.03 45.06 g3_6 10.03 45.07 g3_7 10.03 45.08 g3_8 10.03 45.09 g3_9 10.04 45.00 g4_0 10.04 45.01 g4_1 10.04 45.02 g4_2 10.04 45.03 g4_3 10.04 45.04 g4_4 10.04 45.05 g4_5 10.04 45.06 g4_6 10.04 45.07 g4_7 10.04 45.08 g4_8 10.04 45.09 g4_9 10.05 45.00 g5_0 10.05 45.01 g5_1 10.05 45.02 g5_2 10.05 45.03 g5_3 10.05 45.04 g5_4 10.05 45.05 g5_5 10.05 45.06 g5_6 10.05 45.07 g5_7 10.05 45.08 g5_8 10.05 45.09 g5_9 10.06 45.00 g6_0 10.06 45.01 g6_1 10.06 45.02 g6_2 10.06 45.03 g6_3 10.06 45.04 g6_4 10.06 45.05 g6_5 10.06 45.06 g6_6 10.06 45.07 g6_7 10.06 45.08 g6_8 10.06 45.09 g6_9 10.07 45.00 g7_0 10.07 45.01 g7_1 10.07 45.02 g7_2 10.07 45.03 g7_3 10.07 45.04 g7_4 10.07 45.05 g7_5 10.07 45.06 g7_6 10.07 45.07 g7_7 10.07 45.08 g7_8 10.07 45.09 g7_9 10.08 45.00 g8_0 10.08 45.01 g8_1 10.08 45.02 g8_2 10.08 45.03 g8_3 10.08 45.04 g8_4 10.08 45.05 g8_5 10.08 45.06 g8_6 10.08 45.07 g8_7 10.08 45.08 g8_8 10.08 45.09 g8_9 10.09 45.00 g9_0 10.09 45.01 g9_1 10.09 45.02 g9_2 10.09 45.03 g9_3 10.09 45.04 g9_4 10.09 45.05 g9_5 10.09 45.06 g9_6 10.09 45.07 g9_7 10.09 45.08 g9_8 10.09 45.09 g9_9 10.10 45.00 g10_0 10.10 45.01 g10_1 10.10 45.02 g10_2 10.10 45.03 g10_3 10.10 45.04 g10_4 10.10 45.05 g10_5 10.10 45.06 g10_6 10.10 45.07 g10_7 10.10 45.08 g10_8 10.10 45.09 g10_9 10.11 45.00 g11_0 10.11 45.01 g11_1 10.11 45.02 g11_2 10.11 45.03 g11_3 10.11 45.04 g11_4 10.11 45.05 g11_5 10.11 45.06 g11_6 10.11 45.07 g11_7 10.11 45.08 g11_8 10.11 45.09 g11_9 10.12 45.00 g12_0 10.12 45.01 g12_1 10.12 45.02 g12_2 10.12 45.03 g12_3 10.12 45.04 g12_4 10.12 45.05 g12_5 10.12 45.06 g12_6 10.12 45.07 g12_7 10.12 45.08 g12_8 10.12 45.09 g12_9 10.13 45.00 g13_0 10.13 45.01 g13_1 10.13 45.02 g13_2 10.13 45.03 g13_3 10.13 45.04 g13_4 10.13 45.05 g13_5 10.13 45.06 g13_6 10.13 45.07 g13_7 10.13 45.08 g13_8 10.13 45.09 g13_9 10.14 45.00 g14_0 10.14 45.01 g14_1 10.14 45.02 g14_2 10.14 45.03 g14_3 10.14 45.04 g14_4 10.14 45.05 g14_5 10.14 45.06 g14_6 10.14 45.07 g14_7 10.14 45.08 g14_8 10.14 45.09 g14_9 => (integer) 150
ZCARD {p}grid => (integer) 150
OBJECT ENCODING {p}grid => "skiplist"
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 1200 m => ["g7_5", "g8_5", "g7_6", "g7_4", "g6_5"]
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 1200 m ASC WITHDIST => [["g7_5", "0.2129"], ["g8_5", "785.9319"], ["g6_5", "785.9799"], ["g7_6", "1112.3068"], ["g7_4", "1112.3844"]]
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 1200 m DESC => ["g7_4", "g7_6", "g6_5", "g8_5", "g7_5"]
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 5 km COUNT 9 => ["g7_5", "g8_5", "g6_5", "g7_6", "g7_4", "g8_6", "g6_6", "g8_4", "g6_4"]
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 5 km COUNT 12 DESC => ["g1_4", "g13_4", "g1_6", "g13_6", "g5_1", "g9_1", "g5_9", "g9_9", "g1_5", "g13_5", "g3_2", "g11_2"]
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 5 km COUNT 5 ANY => ["g3_2", "g4_2", "g2_3", "g3_3", "g4_3"]
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 5 km COUNT 5 ANY ASC WITHHASH => [["g4_3", (integer) 3662428163139887], ["g3_3", (integer) 3662428154872751], ["g4_2", (integer) 3662428147068014], ["g2_3", (integer) 3662428152095535], ["g3_2", (integer) 3662428138800878]]
GEOSEARCH {p}grid FROMMEMBER g0_0 BYBOX 2.5 1.2 km WITHCOORD => [["g0_0", ["10.00000208616256714", "45.00000100864581043"]], ["g1_0", ["10.01000136137008667", "45.00000100864581043"]]]
GEORADIUS {p}grid 10.005 45.005 800 m WITHDIST => [["g0_0", "680.9230"], ["g1_0", "681.0795"], ["g0_1", "681.0387"], ["g1_1", "681.1952"]]
GEORADIUSBYMEMBER {p}grid g14_9 1500 m COUNT 4 => ["g14_9", "g13_9", "g14_8", "g13_8"]
GEOSEARCHSTORE {p}gdst {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 100 km => (integer) 150
ZCARD {p}gdst => (integer) 150
OBJECT ENCODING {p}gdst => "skiplist"
GEOSEARCHSTORE {p}gdst {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 100 km STOREDIST COUNT 3 DESC => (integer) 3
ZRANGE {p}gdst 0 -1 WITHSCORES => ["g1_0", "7.2921086743592252", "g0_0", "7.8235779207877076", "g14_0", "7.8238408010863392"]
GEOSEARCH {p}grid FROMLONLAT 10.07 45.05 BYRADIUS 100 km COUNT 40 DESC => ["g14_0", "g0_0", "g1_0", "g13_0", "g14_1", "g0_1", "g14_9", "g0_9", "g2_0", "g12_0", "g1_1", "g13_1", "g1_9", "g13_9", "g14_2", "g0_2", "g14_8", "g0_8", "g3_0", "g11_0", "g4_0", "g10_0", "g2_1", "g12_1", "g2_9", "g12_9", "g14_3", "g0_3", "g14_7", "g0_7", "g5_0", "g9_0", "g1_2", "g13_2", "g1_8", "g13_8", "g6_0", "g8_0", "g14_4", "g0_4"]
GEODIST {p}grid g0_0 g14_9 km => "14.8745"
GEOHASH {p}grid g0_0 g14_9 => ["u0p0581b0b0", "u0p0w8rsr00"]
"#;

/// BITFIELD and BITFIELD_RO: signed and unsigned fields from i1/u1 up to i64/u63 at bit and
/// `#` offsets, growth and zero padding, the three OVERFLOW modes (FAIL answers nil for that
/// operation, yet a failed write still creates the key), GET at the largest offset without
/// allocating, and the errors (a bad argument rejects the whole command before anything runs).
pub const BITFIELD: &str = r#"
# Reads of a missing key answer zeros, even at the largest offset, and create nothing.
BITFIELD {p}none GET u8 0 GET i16 100 GET u63 4294967232 GET i64 4294967295 => [(integer) 0, (integer) 0, (integer) 0, (integer) 0]
BITFIELD {p}none GET u8 #536870911 GET u16 #268435455 => [(integer) 0, (integer) 0]
BITFIELD {p}none => []
BITFIELD {p}none OVERFLOW FAIL => []
EXISTS {p}none => (integer) 0
# SET creates the key, answers the old value and grows the string with zero bytes.
BITFIELD {p}b SET u8 0 65 => [(integer) 0]
BITFIELD {p}b SET u8 #2 67 SET u8 #1 66 => [(integer) 0, (integer) 0]
GET {p}b => "ABC"
BITFIELD {p}b GET u8 0 GET u8 8 GET u8 #2 GET u16 0 GET u4 0 GET u4 4 GET i4 4 GET u1 1 GET i1 1 => [(integer) 65, (integer) 66, (integer) 67, (integer) 16706, (integer) 4, (integer) 1, (integer) 1, (integer) 1, (integer) -1]
BITFIELD {p}b SET i8 #4 -1 => [(integer) 0]
GET {p}b => "ABC\x00\xff"
BITFIELD {p}b GET i8 #4 GET u8 #4 GET i5 32 GET u5 32 GET i5 35 GET u3 37 GET i3 37 => [(integer) -1, (integer) 255, (integer) -1, (integer) 31, (integer) -1, (integer) 7, (integer) -1]
BITFIELD {p}b SET u4 0 15 => [(integer) 4]
GET {p}b => "\xf1BC\x00\xff"
BITFIELD {p}b SET i8 #5 -128 SET i8 #5 127 GET i8 #5 => [(integer) 0, (integer) -128, (integer) 127]
BITFIELD {p}b SET u1 47 1 SET u1 46 1 GET u8 #5 GET u2 46 GET i2 46 => [(integer) 1, (integer) 1, (integer) 127, (integer) 3, (integer) -1]
# Reads past the end see zero padding and leave the string as it is.
BITFIELD {p}b GET u16 #3 GET u32 40 GET u63 4294967233 GET u8 4294967295 => [(integer) 0, (integer) 2130706432, (integer) 0, (integer) 0]
STRLEN {p}b => (integer) 6
SET {p}a A => OK
BITFIELD {p}a GET u16 0 GET i16 0 GET u12 4 => [(integer) 16640, (integer) 16640, (integer) 256]
BITFIELD {p}g SET u8 #999 33 => [(integer) 0]
STRLEN {p}g => (integer) 1000
GETRANGE {p}g 996 -1 => "\x00\x00\x00!"
# Fields need not be byte aligned; the string only grows to the last byte written.
BITFIELD {p}s SET i16 4 -2 => [(integer) 0]
GET {p}s => "\x0f\xff\xe0"
BITFIELD {p}s SET i64 3 1234567890123456789 GET i64 3 GET u8 #0 GET i32 #0 => [(integer) 9223090561878065152, (integer) 1234567890123456789, (integer) 2, (integer) 35930654]
GET {p}s => "\x02$B\x1e\x8f\xbd0\"\xa0"
BITFIELD {p}p SET u8 #0 104 SET u8 #1 105 INCRBY u8 #1 1 INCRBY u8 #0 -7 => [(integer) 0, (integer) 0, (integer) 106, (integer) 97]
GET {p}p => "aj"
bitfield {p}p get u8 0 set u8 0 97 incrby u8 0 1 overflow fail => [(integer) 97, (integer) 97, (integer) 98]
BITFIELD {p}p SET i8 4 -1 => [(integer) 38]
GET {p}p => "o\xfa"
# SET values out of range wrap by default; SAT clamps (a negative value for an unsigned
# field clamps to the maximum); FAIL answers nil and leaves the field alone.
BITFIELD {p}w SET u8 0 256 SET u8 8 257 SET u8 16 -1 SET i8 24 200 SET i8 32 -129 => [(integer) 0, (integer) 0, (integer) 0, (integer) 0, (integer) 0]
BITFIELD {p}w GET u8 0 GET u8 8 GET u8 16 GET i8 24 GET i8 32 => [(integer) 0, (integer) 1, (integer) 255, (integer) -56, (integer) 127]
BITFIELD {p}w OVERFLOW SAT SET u8 0 256 SET u8 8 -5 SET i8 16 200 SET i8 24 -200 => [(integer) 0, (integer) 1, (integer) -1, (integer) -56]
BITFIELD {p}w GET u8 0 GET u8 8 GET i8 16 GET i8 24 => [(integer) 255, (integer) 255, (integer) 127, (integer) -128]
BITFIELD {p}w OVERFLOW FAIL SET u8 0 256 SET u8 0 255 SET i8 8 -129 SET i8 8 -128 => [nil, (integer) 255, nil, (integer) -1]
BITFIELD {p}w GET u8 0 GET i8 8 => [(integer) 255, (integer) -128]
# A failed SET or INCRBY still creates (and grows) the string.
BITFIELD {p}f OVERFLOW FAIL SET u8 8 300 => [nil]
GET {p}f => "\x00\x00"
BITFIELD {p}f OVERFLOW FAIL INCRBY u8 #3 300 => [nil]
GET {p}f => "\x00\x00\x00\x00"
# INCRBY answers the new value, under each overflow mode.
BITFIELD {p}c INCRBY u8 0 200 INCRBY u8 0 100 => [(integer) 200, (integer) 44]
BITFIELD {p}c OVERFLOW SAT INCRBY u8 0 250 INCRBY u8 0 -300 => [(integer) 255, (integer) 0]
BITFIELD {p}c OVERFLOW FAIL INCRBY u8 0 255 INCRBY u8 0 1 INCRBY u8 0 -256 GET u8 0 => [(integer) 255, nil, nil, (integer) 255]
BITFIELD {p}c INCRBY i8 8 127 INCRBY i8 8 1 INCRBY i8 8 -1 => [(integer) 127, (integer) -128, (integer) 127]
BITFIELD {p}c OVERFLOW SAT INCRBY i8 8 -200 INCRBY i8 8 400 INCRBY i8 8 -1 => [(integer) -73, (integer) 127, (integer) 126]
BITFIELD {p}c OVERFLOW FAIL INCRBY i8 8 1 INCRBY i8 8 -255 GET i8 8 => [(integer) 127, (integer) -128, (integer) -128]
# OVERFLOW applies to the operations after it, until the next OVERFLOW; any case.
BITFIELD {p}c OVERFLOW WRAP INCRBY i8 8 1 OVERFLOW SAT INCRBY i8 8 -300 OVERFLOW FAIL INCRBY i8 8 -1 INCRBY i8 8 1 => [(integer) -127, (integer) -128, nil, (integer) -127]
BITFIELD {p}c INCRBY i8 8 -1 OVERFLOW sat INCRBY i8 8 -1000 overflow Wrap incrby i8 8 -1 => [(integer) -128, (integer) -128, (integer) 127]
BITFIELD {p}c OVERFLOW FAIL GET u8 0 => [(integer) 255]
BITFIELD {p}c INCRBY u1 100 1 INCRBY u1 100 1 INCRBY i1 101 1 INCRBY i1 101 1 INCRBY i1 101 -1 => [(integer) 1, (integer) 0, (integer) -1, (integer) 0, (integer) -1]
BITFIELD {p}c OVERFLOW SAT INCRBY i1 102 -1 INCRBY i1 102 -1 INCRBY i1 102 1 INCRBY u1 103 5 => [(integer) -1, (integer) -1, (integer) 0, (integer) 1]
STRLEN {p}c => (integer) 13
# Wide fields: i64 and u63 are the widest.
BITFIELD {p}wide SET i64 0 -1 GET i64 0 GET u63 0 GET u63 1 GET i63 1 GET u32 32 GET i32 32 => [(integer) 0, (integer) -1, (integer) 9223372036854775807, (integer) 9223372036854775807, (integer) -1, (integer) 4294967295, (integer) -1]
BITFIELD {p}wide INCRBY i64 0 1 INCRBY i64 0 9223372036854775807 INCRBY i64 0 1 => [(integer) 0, (integer) 9223372036854775807, (integer) -9223372036854775808]
BITFIELD {p}wide OVERFLOW SAT INCRBY i64 0 9223372036854775807 INCRBY i64 0 -9223372036854775808 INCRBY i64 0 -9223372036854775808 => [(integer) -1, (integer) -9223372036854775808, (integer) -9223372036854775808]
BITFIELD {p}wide OVERFLOW FAIL INCRBY i64 0 -1 GET i64 0 => [nil, (integer) -9223372036854775808]
BITFIELD {p}wide SET u63 64 9223372036854775807 INCRBY u63 64 1 => [(integer) 0, (integer) 0]
BITFIELD {p}wide OVERFLOW SAT SET u63 64 -1 INCRBY u63 64 5 INCRBY u63 64 -9223372036854775808 => [(integer) 0, (integer) 9223372036854775807, (integer) 0]
BITFIELD {p}wide SET i63 #2 4611686018427387903 INCRBY i63 #2 1 OVERFLOW FAIL INCRBY i63 #2 -1 => [(integer) 0, (integer) -4611686018427387904, nil]
BITFIELD {p}wide SET u16 #10 65535 INCRBY u16 #10 1 SET i16 #11 -32768 INCRBY i16 #11 -1 => [(integer) 0, (integer) 0, (integer) 0, (integer) 32767]
BITFIELD {p}wide SET u32 #10 4294967295 INCRBY u32 #10 2 SET i32 #11 2147483647 INCRBY i32 #11 1 => [(integer) 0, (integer) 1, (integer) 0, (integer) -2147483648]
# Bad types, offsets and values reject the whole command before anything is written.
BITFIELD {p}e GET u64 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET i65 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET u0 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET I8 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET x8 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET u 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET u8x 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e SET "" 0 5 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET u8 -1 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 #-1 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 -0 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 # => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 #x => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 +5 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 1.0 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 4294967296 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u8 #536870912 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e GET u16 #268435456 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e SET i64 0 9223372036854775808 => (error) ERR value is not an integer or out of range
BITFIELD {p}e SET u8 0 -0 => (error) ERR value is not an integer or out of range
BITFIELD {p}e SET u8 0 0x5 => (error) ERR value is not an integer or out of range
BITFIELD {p}e SET i8 0 1.5 => (error) ERR value is not an integer or out of range
BITFIELD {p}e INCRBY i8 0 x => (error) ERR value is not an integer or out of range
BITFIELD {p}e OVERFLOW BOGUS GET u8 0 => (error) ERR Invalid OVERFLOW type specified
BITFIELD {p}e GET u64 x => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e GET u8 x SET u64 0 1 => (error) ERR bit offset is not an integer or out of range
BITFIELD {p}e SET u8 0 1 GET u64 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD {p}e SET u8 0 x GET u64 0 => (error) ERR value is not an integer or out of range
BITFIELD {p}e OVERFLOW => (error) ERR syntax error
BITFIELD {p}e GET => (error) ERR syntax error
BITFIELD {p}e GET u8 => (error) ERR syntax error
BITFIELD {p}e SET u8 0 => (error) ERR syntax error
BITFIELD {p}e INCRBY u8 0 => (error) ERR syntax error
BITFIELD {p}e FOO => (error) ERR syntax error
BITFIELD {p}e GET u8 0 FOO => (error) ERR syntax error
BITFIELD => (error) ERR wrong number of arguments for 'bitfield' command
EXISTS {p}e => (integer) 0
# BITFIELD_RO takes GET and OVERFLOW, nothing that writes.
BITFIELD_RO {p}wide GET u8 0 GET i64 0 => [(integer) 128, (integer) -9223372036854775808]
BITFIELD_RO {p}wide OVERFLOW SAT GET u8 0 => [(integer) 128]
BITFIELD_RO {p}wide => []
BITFIELD_RO {p}none GET u8 0 GET i64 4294967295 => [(integer) 0, (integer) 0]
BITFIELD_RO {p}wide SET u8 0 1 => (error) ERR BITFIELD_RO only supports the GET subcommand
BITFIELD_RO {p}wide INCRBY u8 0 1 => (error) ERR BITFIELD_RO only supports the GET subcommand
BITFIELD_RO {p}wide GET u8 0 SET u8 0 1 => (error) ERR BITFIELD_RO only supports the GET subcommand
BITFIELD_RO {p}wide OVERFLOW BOGUS GET u8 0 => (error) ERR Invalid OVERFLOW type specified
BITFIELD_RO {p}wide GET u64 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD_RO {p}wide GET u8 => (error) ERR syntax error
BITFIELD_RO {p}wide GET u8 0 OVERFLOW => (error) ERR syntax error
BITFIELD_RO {p}wide FOO => (error) ERR syntax error
BITFIELD_RO => (error) ERR wrong number of arguments for 'bitfield_ro' command
# Other types: WRONGTYPE, but only once the arguments parse.
RPUSH {p}list a => (integer) 1
BITFIELD {p}list GET u8 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITFIELD {p}list SET u8 0 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITFIELD {p}list => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITFIELD_RO {p}list GET u8 0 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
BITFIELD {p}list GET u64 0 => (error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.
BITFIELD_RO {p}list GET u8 x => (error) ERR bit offset is not an integer or out of range
# Integer-encoded strings are read and written as their digits.
SET {p}int 12345 => OK
BITFIELD {p}int GET u8 0 GET u8 #4 SET u8 #0 50 => [(integer) 49, (integer) 53, (integer) 49]
GET {p}int => "22345"
"#;

/// LCS: the string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN, missing and empty keys, the
/// tie-breaking of the walk back through the table, binary strings, and the errors (another
/// type answers ERR, not WRONGTYPE).
pub const LCS: &str = r#"
# The example from the Redis docs.
MSET {p}key1 ohmytext {p}key2 mynewtext => OK
LCS {p}key1 {p}key2 => "mytext"
LCS {p}key1 {p}key2 LEN => (integer) 6
LCS {p}key1 {p}key2 IDX => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8]], [[(integer) 2, (integer) 3], [(integer) 0, (integer) 1]]], "len", (integer) 6]
LCS {p}key1 {p}key2 IDX MINMATCHLEN 4 => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8]]], "len", (integer) 6]
LCS {p}key1 {p}key2 IDX MINMATCHLEN 4 WITHMATCHLEN => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8], (integer) 4]], "len", (integer) 6]
LCS {p}key1 {p}key2 IDX WITHMATCHLEN => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8], (integer) 4], [[(integer) 2, (integer) 3], [(integer) 0, (integer) 1], (integer) 2]], "len", (integer) 6]
LCS {p}key2 {p}key1 => "mytext"
LCS {p}key2 {p}key1 IDX WITHMATCHLEN => ["matches", [[[(integer) 5, (integer) 8], [(integer) 4, (integer) 7], (integer) 4], [[(integer) 0, (integer) 1], [(integer) 2, (integer) 3], (integer) 2]], "len", (integer) 6]
# Options in any order and any case, repeated; the last MINMATCHLEN wins, a negative one
# counts as 0, and MINMATCHLEN and WITHMATCHLEN are ignored without IDX.
LCS {p}key1 {p}key2 WITHMATCHLEN IDX MINMATCHLEN 2 => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8], (integer) 4], [[(integer) 2, (integer) 3], [(integer) 0, (integer) 1], (integer) 2]], "len", (integer) 6]
LCS {p}key1 {p}key2 idx minmatchlen 0 withmatchlen => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8], (integer) 4], [[(integer) 2, (integer) 3], [(integer) 0, (integer) 1], (integer) 2]], "len", (integer) 6]
LCS {p}key1 {p}key2 IDX MINMATCHLEN -5 => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8]], [[(integer) 2, (integer) 3], [(integer) 0, (integer) 1]]], "len", (integer) 6]
LCS {p}key1 {p}key2 MINMATCHLEN 2 MINMATCHLEN 4 IDX => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8]]], "len", (integer) 6]
LCS {p}key1 {p}key2 IDX MINMATCHLEN 100 WITHMATCHLEN => ["matches", [], "len", (integer) 6]
LCS {p}key1 {p}key2 MINMATCHLEN 4 => "mytext"
LCS {p}key1 {p}key2 WITHMATCHLEN => "mytext"
LCS {p}key1 {p}key2 LEN MINMATCHLEN 4 WITHMATCHLEN => (integer) 6
LCS {p}key1 {p}key2 LEN LEN => (integer) 6
LCS {p}key1 {p}key2 IDX IDX => ["matches", [[[(integer) 4, (integer) 7], [(integer) 5, (integer) 8]], [[(integer) 2, (integer) 3], [(integer) 0, (integer) 1]]], "len", (integer) 6]
# Errors.
LCS {p}key1 {p}key2 LEN IDX => (error) ERR If you want both the length and indexes, please just use IDX.
LCS {p}key1 {p}key2 IDX LEN => (error) ERR If you want both the length and indexes, please just use IDX.
LCS {p}key1 {p}key2 IDX MINMATCHLEN => (error) ERR syntax error
LCS {p}key1 {p}key2 IDX MINMATCHLEN x => (error) ERR value is not an integer or out of range
LCS {p}key1 {p}key2 IDX MINMATCHLEN 1.5 => (error) ERR value is not an integer or out of range
LCS {p}key1 {p}key2 IDX MINMATCHLEN 9223372036854775808 => (error) ERR value is not an integer or out of range
LCS {p}key1 {p}key2 FOO => (error) ERR syntax error
LCS {p}key1 {p}key2 {p}key3 => (error) ERR syntax error
LCS {p}key1 => (error) ERR wrong number of arguments for 'lcs' command
LCS => (error) ERR wrong number of arguments for 'lcs' command
# Missing keys count as empty strings.
LCS {p}none {p}key1 => ""
LCS {p}key1 {p}none => ""
LCS {p}none {p}none2 LEN => (integer) 0
LCS {p}none {p}key1 IDX => ["matches", [], "len", (integer) 0]
LCS {p}none {p}key1 IDX WITHMATCHLEN => ["matches", [], "len", (integer) 0]
LCS {p}none {p}none2 LEN IDX => (error) ERR If you want both the length and indexes, please just use IDX.
EXISTS {p}none => (integer) 0
# Identical, disjoint and empty strings.
LCS {p}key1 {p}key1 => "ohmytext"
LCS {p}key1 {p}key1 IDX WITHMATCHLEN => ["matches", [[[(integer) 0, (integer) 7], [(integer) 0, (integer) 7], (integer) 8]], "len", (integer) 8]
SET {p}x abc => OK
SET {p}y xyz => OK
LCS {p}x {p}y => ""
LCS {p}x {p}y LEN => (integer) 0
LCS {p}x {p}y IDX WITHMATCHLEN => ["matches", [], "len", (integer) 0]
SET {p}e "" => OK
LCS {p}e {p}x => ""
LCS {p}e {p}e IDX => ["matches", [], "len", (integer) 0]
# Ties: the walk back from the end of both strings prefers to step back in the second one.
SET {p}r1 ABCBDAB => OK
SET {p}r2 BDCABA => OK
LCS {p}r1 {p}r2 => "BDAB"
LCS {p}r2 {p}r1 => "BCBA"
LCS {p}r1 {p}r2 IDX WITHMATCHLEN => ["matches", [[[(integer) 5, (integer) 6], [(integer) 3, (integer) 4], (integer) 2], [[(integer) 3, (integer) 4], [(integer) 0, (integer) 1], (integer) 2]], "len", (integer) 4]
LCS {p}r2 {p}r1 IDX => ["matches", [[[(integer) 5, (integer) 5], [(integer) 5, (integer) 5]], [[(integer) 4, (integer) 4], [(integer) 3, (integer) 3]], [[(integer) 2, (integer) 2], [(integer) 2, (integer) 2]], [[(integer) 0, (integer) 0], [(integer) 1, (integer) 1]]], "len", (integer) 4]
SET {p}a4 aaaa => OK
SET {p}a2 aa => OK
LCS {p}a4 {p}a2 IDX WITHMATCHLEN => ["matches", [[[(integer) 2, (integer) 3], [(integer) 0, (integer) 1], (integer) 2]], "len", (integer) 2]
LCS {p}a2 {p}a4 IDX WITHMATCHLEN => ["matches", [[[(integer) 0, (integer) 1], [(integer) 2, (integer) 3], (integer) 2]], "len", (integer) 2]
SET {p}g1 "the quick brown fox" => OK
SET {p}g2 "a quick brown dog jumps" => OK
LCS {p}g1 {p}g2 => " quick brown o"
LCS {p}g1 {p}g2 IDX MINMATCHLEN 3 WITHMATCHLEN => ["matches", [[[(integer) 3, (integer) 15], [(integer) 1, (integer) 13], (integer) 13]], "len", (integer) 14]
LCS {p}g1 {p}g2 IDX => ["matches", [[[(integer) 17, (integer) 17], [(integer) 15, (integer) 15]], [[(integer) 3, (integer) 15], [(integer) 1, (integer) 13]]], "len", (integer) 14]
# Binary-safe, and integer-encoded strings compare as their digits.
SET {p}b1 "a\x00b\xffc\r\nd" => OK
SET {p}b2 "\x00\xff\r\nX\x00b" => OK
LCS {p}b1 {p}b2 => "\x00\xff\r\n"
LCS {p}b1 {p}b2 IDX WITHMATCHLEN => ["matches", [[[(integer) 5, (integer) 6], [(integer) 2, (integer) 3], (integer) 2], [[(integer) 3, (integer) 3], [(integer) 1, (integer) 1], (integer) 1], [[(integer) 1, (integer) 1], [(integer) 0, (integer) 0], (integer) 1]], "len", (integer) 4]
SET {p}int 12345 => OK
SET {p}int2 92349 => OK
LCS {p}int {p}int2 => "234"
LCS {p}int {p}int2 IDX WITHMATCHLEN => ["matches", [[[(integer) 1, (integer) 3], [(integer) 1, (integer) 3], (integer) 3]], "len", (integer) 3]
# A key of another type is an ERR, not WRONGTYPE, checked before the options parse.
RPUSH {p}list a => (integer) 1
LCS {p}list {p}key1 => (error) ERR The specified keys must contain string values
LCS {p}key1 {p}list => (error) ERR The specified keys must contain string values
LCS {p}none {p}list LEN => (error) ERR The specified keys must contain string values
LCS {p}key1 {p}list LEN IDX => (error) ERR The specified keys must contain string values
LCS {p}key1 {p}list FOO => (error) ERR The specified keys must contain string values
LCS {p}none {p}none2 FOO => (error) ERR syntax error
"#;

/// Functions (Redis 7.0): FUNCTION LOAD with both forms of redis.register_function, flags and
/// descriptions, and every error of the metadata line, of the code and of each registration;
/// FCALL and FCALL_RO (the keys and arguments come as the callback's two parameters, names in
/// any case, the no-writes flag, numkeys errors); FUNCTION LIST, DELETE, FLUSH, STATS, KILL,
/// HELP and the arity errors; and, last, FUNCTION DUMP of no library and FUNCTION RESTORE under
/// each policy, with payloads written in `\xHH` escapes. Libraries belong to the whole server,
/// not to a key prefix, and the script runs twice on one cluster, so it starts and ends with
/// FUNCTION FLUSH and uses fixed library names; keys still carry `{p}`. When a function ends
/// with an error raised inside it, Redis appends where that happened (`script: <name>, on
/// @user_function:<line>.`, after a space), which raft-kv leaves out; those expectations end
/// in a `*` right where the suffix starts. Redis lists libraries and their functions in the
/// order of its dicts, raft-kv by name, so each FUNCTION LIST here shows at most one library
/// with one function. (Redis 7.0 lets one library register two functions whose names differ
/// only in case, then fails an assertion when that library is deleted; that is left out.)
pub const FUNCTIONS: &str = r##"
# Libraries belong to the whole server, not to a key prefix: start from none.
FUNCTION FLUSH => OK
FUNCTION LIST => []
# FUNCTION LOAD answers the library's name. The positional form of redis.register_function
# takes a name and a callback; the callback gets the keys and the arguments as two tables.
FUNCTION LOAD "#!lua name=writer\nredis.register_function('kvset', function(keys, args) return redis.call('SET', keys[1], args[1]) end)" => "writer"
FUNCTION LIST => [["library_name", "writer", "engine", "LUA", "functions", [["name", "kvset", "description", nil, "flags", []]]]]
FUNCTION LIST WITHCODE => [["library_name", "writer", "engine", "LUA", "functions", [["name", "kvset", "description", nil, "flags", []]], "library_code", "#!lua name=writer\nredis.register_function('kvset', function(keys, args) return redis.call('SET', keys[1], args[1]) end)"]]
FCALL kvset 1 {p}a hello => OK
GET {p}a => "hello"
# The table form adds flags (shown in Redis's order and in lowercase, whatever order and case
# they were given in) and a description; a number passes for a name or a description. The
# engine's name is read in any case.
FUNCTION LOAD "#!lua name=reader\nredis.register_function{function_name='kvget', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}" => "reader"
FUNCTION LIST LIBRARYNAME reader => [["library_name", "reader", "engine", "LUA", "functions", [["name", "kvget", "description", "reads a key", "flags", [no-writes]]]]]
FUNCTION LOAD "#!LUA name=flagged\nredis.register_function{function_name='flags', callback=function() return 1 end, flags={'allow-cross-slot-keys', 'no-cluster', 'allow-stale', 'allow-oom', 'no-writes', 'no-writes'}}" => "flagged"
FUNCTION LIST LIBRARYNAME flagged => [["library_name", "flagged", "engine", "LUA", "functions", [["name", "flags", "description", nil, "flags", [no-writes, allow-oom, allow-stale, no-cluster, allow-cross-slot-keys]]]]]
FUNCTION LOAD "#!Lua name=upper\nredis.register_function{function_name='upperflag', callback=function() return 'ro' end, flags={'NO-WRITES'}}" => "upper"
FUNCTION LIST LIBRARYNAME upper => [["library_name", "upper", "engine", "LUA", "functions", [["name", "upperflag", "description", nil, "flags", [no-writes]]]]]
FUNCTION LOAD "#!lua name=numbers\nredis.register_function{function_name=5, callback=function() return 'five' end, description=42}" => "numbers"
FUNCTION LIST LIBRARYNAME numbers => [["library_name", "numbers", "engine", "LUA", "functions", [["name", "5", "description", "42", "flags", []]]]]
FUNCTION DELETE upper => OK
FUNCTION DELETE numbers => OK
FUNCTION DELETE flagged => OK
FUNCTION STATS => ["running_script", nil, "engines", ["LUA", ["libraries_count", (integer) 2, "functions_count", (integer) 2]]]
# FCALL and FCALL_RO find a function by its name in any case; a function without no-writes
# may not run through FCALL_RO. Redis looks the function up, then reads numkeys, then checks
# the flags.
FCALL kvget 1 {p}a => "hello"
FCALL_RO kvget 1 {p}a => "hello"
FCALL KVSET 1 {p}a v2 => OK
fcall_ro KvGet 1 {p}a => "v2"
FCALL_RO kvset 1 {p}a x => (error) ERR Can not execute a script with write flag using *_ro command.
GET {p}a => "v2"
FCALL nosuch 0 => (error) ERR Function not found
FCALL nosuch -1 => (error) ERR Function not found
FCALL_RO nosuch x => (error) ERR Function not found
FCALL kvget -1 => (error) ERR Number of keys can't be negative
FCALL_RO kvset -1 => (error) ERR Number of keys can't be negative
FCALL kvget 2 {p}a => (error) ERR Number of keys can't be greater than number of args
FCALL kvget 1 => (error) ERR Number of keys can't be greater than number of args
FCALL kvget x => (error) ERR Bad number of keys provided
FCALL kvget => (error) ERR wrong number of arguments for 'fcall' command
FCALL_RO kvget => (error) ERR wrong number of arguments for 'fcall_ro' command
# A function runs in the sandbox of scripts, without KEYS and ARGV and without
# redis.register_function; it may neither create globals nor read missing ones, and with
# no-writes it may not write. Errors raised inside it get Redis's location suffix.
FUNCTION LOAD "#!lua name=misc\nredis.register_function('echo', function(keys, args) return {keys, args} end)\nredis.register_function('globals', function() return {type(KEYS), type(ARGV)} end)\nredis.register_function('setglobal', function() x = 1 end)\nredis.register_function{function_name='sneaky', callback=function(keys) return redis.call('DEL', keys[1]) end, flags={'no-writes'}}\nredis.register_function('boom', function() error('boom') end)\nredis.register_function('callerr', function(keys) return redis.call('INCR', keys[1]) end)\nredis.register_function('pcallerr', function(keys) return redis.pcall('INCR', keys[1]) end)\nredis.register_function('upcase', function(keys, args) return string.upper(args[1]) end)\nredis.register_function('status', function() return redis.status_reply('FINE') end)\nredis.register_function('values', function(keys, args) return {#keys, #args, 3.7, true, false} end)\nredis.register_function('again', function() return redis.register_function('x', function() end) end)" => "misc"
FCALL echo 2 {p}a {p}b x y z => [["{p}a", "{p}b"], ["x", "y", "z"]]
FCALL echo 0 => [[], []]
FCALL globals 0 => (error) ERR user_function:3: Script attempted to access nonexistent global variable 'KEYS'*
FCALL setglobal 0 => (error) ERR user_function:4: Attempt to modify a readonly table*
FCALL sneaky 1 {p}a => (error) ERR Write commands are not allowed from read-only scripts.*
FCALL_RO sneaky 1 {p}a => (error) ERR Write commands are not allowed from read-only scripts.*
GET {p}a => "v2"
FCALL boom 0 => (error) ERR user_function:6: boom*
FCALL callerr 1 {p}a => (error) ERR value is not an integer or out of range*
FCALL pcallerr 1 {p}a => (error) ERR value is not an integer or out of range
FCALL upcase 0 abc => "ABC"
FCALL values 2 {p}a {p}b c => [(integer) 2, (integer) 1, (integer) 3, (integer) 1, nil]
FCALL again 0 => (error) ERR user_function:12: attempt to call field 'register_function' (a nil value)*
FCALL_RO echo 0 => (error) ERR Can not execute a script with write flag using *_ro command.
MULTI => OK
FCALL upcase 0 m => QUEUED
FCALL_RO upcase 0 m => QUEUED
EXEC => ["M", (error) ERR Can not execute a script with write flag using *_ro command.]
# Metadata errors: the first line must be `#!<engine> name=<name>`, and the library must
# register at least one function.
FUNCTION LOAD "redis.register_function('f', function() return 1 end)" => (error) ERR Missing library metadata
FUNCTION LOAD "#!lua name=bad" => (error) ERR Invalid library metadata
FUNCTION LOAD "#!lua\nredis.register_function('f', function() return 1 end)" => (error) ERR Library name was not given
FUNCTION LOAD "#!lua name=bad name=other\nreturn 1" => (error) ERR Invalid metadata value, name argument was given multiple times
FUNCTION LOAD "#!lua foo=bar name=bad\nreturn 1" => (error) ERR Invalid metadata value given: foo=bar
FUNCTION LOAD "#!luajit name=bad\nreturn 1" => (error) ERR Engine 'luajit' not found
FUNCTION LOAD "#! name=bad\nreturn 1" => (error) ERR Engine '' not found
FUNCTION LOAD "#!lua name=\nreturn 1" => (error) ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long
FUNCTION LOAD "#!lua name=a-b\nreturn 1" => (error) ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long
FUNCTION LOAD "#!lua name=bad\nreturn 1" => (error) ERR No functions registered
FUNCTION LOAD "#!lua name=bad\nreturn +" => (error) ERR Error compiling function: user_function:2: unexpected symbol near '+'
# While a library loads, only redis.register_function, redis.log and a few constants exist.
FUNCTION LOAD "#!lua name=bad\nlocal a = string.len('x')" => (error) ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'string'
FUNCTION LOAD "#!lua name=bad\nredis.call('PING')" => (error) ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'call'
FUNCTION LOAD "#!lua name=bad\nlocal v = KEYS" => (error) ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'KEYS'
FUNCTION LOAD "#!lua name=bad\nundefined = 1" => (error) ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table
FUNCTION LOAD "#!lua name=bad\nerror('boom')" => (error) ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'error'
FUNCTION LOAD "#!lua name=bad\nlocal v = redis.sha1hex" => (error) ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'sha1hex'
# redis.register_function's argument errors.
FUNCTION LOAD "#!lua name=bad\nredis.register_function('f')" => (error) ERR Error registering functions: ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).
FUNCTION LOAD "#!lua name=bad\nredis.register_function()" => (error) ERR Error registering functions: ERR wrong number of arguments to redis.register_function
FUNCTION LOAD "#!lua name=bad\nredis.register_function('f', function() end, 'x')" => (error) ERR Error registering functions: ERR wrong number of arguments to redis.register_function
FUNCTION LOAD "#!lua name=bad\nredis.register_function({}, function() end)" => (error) ERR Error registering functions: ERR first argument to redis.register_function must be a string
FUNCTION LOAD "#!lua name=bad\nredis.register_function('f', 'g')" => (error) ERR Error registering functions: ERR second argument to redis.register_function must be a function
FUNCTION LOAD "#!lua name=bad\nredis.register_function('a-b', function() end)" => (error) ERR Error registering functions: ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long
FUNCTION LOAD "#!lua name=bad\nredis.register_function('f', function() end) redis.register_function('f', function() end)" => (error) ERR Error registering functions: ERR Function already exists in the library
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name='f', callback=function() end, foo=1}" => (error) ERR Error registering functions: ERR unknown argument given to redis.register_function
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name='f', callback=function() end, [true]=1}" => (error) ERR Error registering functions: ERR named argument key given to redis.register_function is not a string
FUNCTION LOAD "#!lua name=bad\nredis.register_function{callback=function() end}" => (error) ERR Error registering functions: ERR redis.register_function must get a function name argument
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name='f'}" => (error) ERR Error registering functions: ERR redis.register_function must get a callback argument
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name={}, callback=function() end}" => (error) ERR Error registering functions: ERR function_name argument given to redis.register_function must be a string
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name='f', callback='g'}" => (error) ERR Error registering functions: ERR callback argument given to redis.register_function must be a function
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name='f', callback=function() end, flags='no-writes'}" => (error) ERR Error registering functions: ERR flags argument to redis.register_function must be a table representing function flags
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name='f', callback=function() end, flags={'bad'}}" => (error) ERR Error registering functions: ERR unknown flag given
FUNCTION LOAD "#!lua name=bad\nredis.register_function{function_name='f', callback=function() end, description={}}" => (error) ERR Error registering functions: ERR description argument given to redis.register_function must be a string
FUNCTION LIST LIBRARYNAME bad => []
# A library's name is taken until REPLACE; a function's name, in any case, by its library,
# even for a REPLACE, which then changes nothing (as does a REPLACE that fails to load).
# REPLACE of a library that is not there loads it.
FUNCTION LOAD "#!lua name=writer\nredis.register_function('other', function() return 1 end)" => (error) ERR Library 'writer' already exists
FUNCTION LOAD "#!lua name=clash\nredis.register_function('KVSET', function() return 1 end)" => (error) ERR Function KVSET already exists
FUNCTION LOAD REPLACE "#!lua name=writer\nredis.register_function('KVGET', function() return 1 end)" => (error) ERR Function KVGET already exists
FUNCTION LOAD REPLACE "#!lua name=writer\nreturn 1" => (error) ERR No functions registered
FCALL kvset 1 {p}a still => OK
FUNCTION LOAD REPLACE "#!lua name=writer\nredis.register_function('kvset2', function(keys, args) return 'replaced' end)" => "writer"
FCALL kvset2 0 => "replaced"
FCALL kvset 1 {p}a gone => (error) ERR Function not found
FUNCTION LOAD replace "#!lua name=fresh\nredis.register_function('fresh', function() return 'fresh' end)" => "fresh"
FCALL fresh 0 => "fresh"
# FUNCTION LOAD's options, FUNCTION LIST's arguments.
FUNCTION LOAD FOO "#!lua name=bad\nreturn 1" => (error) ERR Unknown option given: FOO
FUNCTION LOAD "#!lua name=bad\nreturn 1" REPLACE => (error) ERR Unknown option given: #!lua name=bad return 1
FUNCTION LOAD REPLACE => (error) ERR Missing library metadata
FUNCTION LOAD => (error) ERR wrong number of arguments for 'function|load' command
FUNCTION LIST LIBRARYNAME READ* => [["library_name", "reader", "engine", "LUA", "functions", [["name", "kvget", "description", "reads a key", "flags", [no-writes]]]]]
FUNCTION LIST libraryname r?ader withcode => [["library_name", "reader", "engine", "LUA", "functions", [["name", "kvget", "description", "reads a key", "flags", [no-writes]]], "library_code", "#!lua name=reader\nredis.register_function{function_name='kvget', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}"]]
FUNCTION LIST LIBRARYNAME nomatch* => []
FUNCTION LIST LIBRARYNAME => (error) ERR library name argument was not given
FUNCTION LIST LIBRARYNAME reader LIBRARYNAME writer => (error) ERR Unknown argument LIBRARYNAME
FUNCTION LIST WITHCODE WITHCODE => (error) ERR Unknown argument WITHCODE
FUNCTION LIST foo => (error) ERR Unknown argument foo
# DELETE takes the exact name. STATS, KILL, HELP, FLUSH and the arity errors.
FUNCTION DELETE fresh => OK
FUNCTION DELETE fresh => (error) ERR Library not found
FUNCTION DELETE READER => (error) ERR Library not found
FUNCTION STATS => ["running_script", nil, "engines", ["LUA", ["libraries_count", (integer) 3, "functions_count", (integer) 13]]]
FUNCTION DELETE => (error) ERR wrong number of arguments for 'function|delete' command
FUNCTION STATS x => (error) ERR wrong number of arguments for 'function|stats' command
FUNCTION KILL => (error) NOTBUSY No scripts in execution right now.
FUNCTION HELP => [FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, LOAD [REPLACE] <FUNCTION CODE>, *, HELP,     Prints this help.]
FUNCTION DUMP x => (error) ERR wrong number of arguments for 'function|dump' command
FUNCTION RESTORE => (error) ERR wrong number of arguments for 'function|restore' command
FUNCTION RESTORE x y z => (error) ERR unknown subcommand or wrong number of arguments for 'RESTORE'. Try FUNCTION HELP.
FUNCTION FOO => (error) ERR unknown subcommand 'FOO'. Try FUNCTION HELP.
FUNCTION => (error) ERR wrong number of arguments for 'function' command
FUNCTION FLUSH x => (error) ERR FUNCTION FLUSH only supports SYNC|ASYNC option
FUNCTION flush sync async => (error) ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.
FUNCTION FLUSH ASYNC => OK
FUNCTION LIST => []
FCALL kvget 1 {p}a => (error) ERR Function not found
# FUNCTION DUMP and RESTORE: the payloads with none, one and two libraries and the
# LZF-compressed one are what redis-server 7.0.15's FUNCTION DUMP wrote; the others are built
# the same way (RDB version 10, CRC-64). APPEND (the default) refuses a library that is
# there, REPLACE a function of another library, FLUSH drops every library first.
FUNCTION DUMP => "\n\x00]\x9b\\@\x0f\x7f\xa2\xda"
FUNCTION RESTORE "\n\x00]\x9b\\@\x0f\x7f\xa2\xda" => OK
FUNCTION LIST => []
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\n\x00\xdf\x05!\xa5\x1aSwo" => OK
FCALL rf 0 => "restored"
FUNCTION LIST LIBRARYNAME rlib => [["library_name", "rlib", "engine", "LUA", "functions", [["name", "rf", "description", nil, "flags", []]]]]
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\n\x00\xdf\x05!\xa5\x1aSwo" => (error) ERR Library rlib already exists
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\n\x00\xdf\x05!\xa5\x1aSwo" APPEND => (error) ERR Library rlib already exists
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\n\x00\xdf\x05!\xa5\x1aSwo" replace => OK
FUNCTION LOAD "#!lua name=other\nredis.register_function('RF2', function() return 'other' end)" => "other"
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\xf5@O#!lua name=rlib2\nredis.register_function('rf2', function() return 'second' end)\n\x00\xfc\x11\xe6\x0cAgg\xb4" => (error) ERR Library rlib already exists
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\xf5@O#!lua name=rlib2\nredis.register_function('rf2', function() return 'second' end)\n\x00\xfc\x11\xe6\x0cAgg\xb4" REPLACE => (error) ERR Function rf2 already exists
FCALL rf2 0 => "other"
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\xf5@O#!lua name=rlib2\nredis.register_function('rf2', function() return 'second' end)\n\x00\xfc\x11\xe6\x0cAgg\xb4" FLUSH => OK
FCALL rf2 0 => "second"
FCALL rf 0 => "restored"
FUNCTION LIST LIBRARYNAME other => []
FUNCTION STATS => ["running_script", nil, "engines", ["LUA", ["libraries_count", (integer) 2, "functions_count", (integer) 2]]]
FUNCTION RESTORE "\xf5\xc3@^@s\x1f#!lua name=zlib\nredis.register_f\runction('zf', \xe0\x00\x0e\x1fkeys, args) return 'compressed, \xe0\r\x0b\x05' end)\n\x00\xd0\x1d\xda\xac9E5r" => OK
FCALL zf 0 => "compressed, compressed, compressed"
FUNCTION LIST LIBRARYNAME zlib WITHCODE => [["library_name", "zlib", "engine", "LUA", "functions", [["name", "zf", "description", nil, "flags", []]], "library_code", "#!lua name=zlib\nredis.register_function('zf', function(keys, args) return 'compressed, compressed, compressed' end)"]]
# Broken payloads, and payloads with a library that does not load or two that collide,
# change nothing.
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\n\x00\xdf\x05!\xa5\x1aSwx" => (error) ERR DUMP payload version or checksum are wrong
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\x0d\x00}\xac\xa8\x16\x1d\xe6\x00\xaf" => (error) ERR DUMP payload version or checksum are wrong
FUNCTION RESTORE x => (error) ERR DUMP payload version or checksum are wrong
FUNCTION RESTORE "\x00\x05hello\n\x00cr\xdfve4 \n" => (error) ERR given type is not a function
FUNCTION RESTORE "\xf5\x10abc\n\x00\xec\x1d\xcaI\xe6b+\x8c" FLUSH => (error) ERR Failed loading library payload
FUNCTION RESTORE "\xf5\x17#!lua name=bad\nreturn 1\n\x00\xf3\xf0&\xd1\xe4\xe4k\xff" => (error) ERR No functions registered
FUNCTION RESTORE "\xf5\x0e#!lua name=bad\n\x00\xf6}f\xb0\xa9\xedP\x92" => (error) ERR Invalid library metadata
FUNCTION RESTORE "\xf5\x17#!lua name=bad\nreturn +\n\x00\xc7T\x18\x1f\xff\xef1\xac" => (error) ERR Error compiling function: user_function:2: unexpected symbol near '+'
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\n\x00h\xc4\xdc\\\xc2G\xb3\xf9" FLUSH => (error) ERR Library 'rlib' already exists
FUNCTION RESTORE "\xf5@O#!lua name=rlib\nredis.register_function('rf', function() return 'restored' end)\xf5@G#!lua name=rlib3\nredis.register_function('RF', function() return 1 end)\n\x00-\xadD\xb4\x1f\xaeV\x1c" FLUSH => (error) ERR Function RF already exists
FUNCTION RESTORE x FOO => (error) ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.
FCALL zf 0 => "compressed, compressed, compressed"
# A function sees the scripts' libraries when it runs, a library's code not while it loads.
FUNCTION LOAD "#!lua name=libs\nredis.register_function('libs', function() return cjson.encode({cmsgpack.unpack(cmsgpack.pack(1, 'a'))}) .. bit.tohex(255) .. struct.size('>i4') end)" => "libs"
FCALL libs 0 => "[1,\"a\"]000000ff4"
FUNCTION LOAD "#!lua name=early\nlocal x = cjson.encode({1})\nredis.register_function('early', function() return x end)" => (error) ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global variable 'cjson'
FUNCTION FLUSH SYNC => OK
FUNCTION LIST => []
"##;

/// CLIENT TRACKING's settings and errors on a RESP2 connection (invalidations themselves need
/// RESP3 or a second connection: `tests/cluster.rs` checks them).
pub const TRACKING: &str = r#"
CLIENT TRACKINGINFO => ["flags", ["off"], "redirect", (integer) -1, "prefixes", []]
CLIENT GETREDIR => (integer) -1
CLIENT TRACKING => (error) ERR wrong number of arguments for 'client|tracking' command
CLIENT TRACKING maybe => (error) ERR syntax error
CLIENT TRACKING on BOGUS => (error) ERR syntax error
CLIENT TRACKING on PREFIX => (error) ERR syntax error
CLIENT TRACKING on REDIRECT abc => (error) ERR value is not an integer or out of range
CLIENT TRACKING on REDIRECT 999999999 => (error) ERR The client ID you want redirect to does not exist
CLIENT TRACKING on PREFIX {p}a => (error) ERR PREFIX option requires BCAST mode to be enabled
CLIENT TRACKING on BCAST OPTIN => (error) ERR OPTIN and OPTOUT are not compatible with BCAST
CLIENT TRACKING on OPTIN OPTOUT => (error) ERR You can't specify both OPTIN mode and OPTOUT mode
CLIENT TRACKING on BCAST PREFIX {p}a PREFIX {p}ab => (error) ERR Prefix '{p}a' overlaps with another provided prefix '{p}ab'. Prefixes for a single client must not overlap.
CLIENT CACHING yes => (error) ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled
CLIENT TRACKINGINFO => ["flags", ["off"], "redirect", (integer) -1, "prefixes", []]
CLIENT TRACKING on OPTOUT NOLOOP => OK
CLIENT GETREDIR => (integer) 0
CLIENT CACHING yes => (error) ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.
CLIENT CACHING maybe => (error) ERR syntax error
CLIENT CACHING no => OK
CLIENT TRACKINGINFO => ["flags", ["on", "optout", "caching-no", "noloop"], "redirect", (integer) 0, "prefixes", []]
GET {p}k => nil
CLIENT TRACKINGINFO => ["flags", ["on", "optout", "noloop"], "redirect", (integer) 0, "prefixes", []]
CLIENT TRACKING on OPTIN => (error) ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.
CLIENT TRACKING on BCAST => (error) ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.
CLIENT TRACKING off => OK
CLIENT TRACKING on OPTIN => OK
CLIENT CACHING yes => OK
CLIENT TRACKINGINFO => ["flags", ["on", "optin", "caching-yes"], "redirect", (integer) 0, "prefixes", []]
CLIENT TRACKING off => OK
CLIENT TRACKING on BCAST PREFIX {p}a => OK
CLIENT TRACKING on BCAST PREFIX {p}ab => (error) ERR Prefix '{p}ab' overlaps with an existing prefix '{p}a'. Prefixes for a single client must not overlap.
CLIENT TRACKING on BCAST PREFIX {p}b => OK
CLIENT TRACKINGINFO => ["flags", ["on", "bcast"], "redirect", (integer) 0, "prefixes", ["{p}a", "{p}b"]]
CLIENT TRACKING off => OK
CLIENT TRACKINGINFO => ["flags", ["off"], "redirect", (integer) -1, "prefixes", []]
"#;

/// What Redis 7.4 added: hash field expiry (HEXPIRE and its family), HSCAN NOVALUES, XREAD's
/// `+` and CLIENT KILL MAXAGE; and Redis 8.0's HGETDEL, HGETEX and HSETEX. No redis-server
/// here has these (the Debian package is 7.0), so unlike the scripts above these expectations
/// were not recorded from one: they follow Redis's sources (`t_hash.c`'s reply codes, error
/// texts, and which errors come before WRONGTYPE; `t_stream.c` and `networking.c`) and its
/// documentation. The `additions_of_redis_7_4_and_8_0` test runs it on raft-kv only.
pub const NEWER_REDIS: &str = r#"
HSET {p}h a 1 b 2 c 3 d 4 => (integer) 4
HEXPIRE {p}h 100 FIELDS 2 a b => [(integer) 1, (integer) 1]
HTTL {p}h FIELDS 4 a b c nope => [(integer) 100, (integer) 100, (integer) -1, (integer) -2]
HEXPIRE {p}h 100 NX FIELDS 2 a c => [(integer) 0, (integer) 1]
HEXPIRE {p}h 50 XX FIELDS 2 a d => [(integer) 1, (integer) 0]
HEXPIRE {p}h 80 GT FIELDS 2 a d => [(integer) 1, (integer) 0]
HEXPIRE {p}h 60 LT FIELDS 2 a d => [(integer) 1, (integer) 1]
HTTL {p}h FIELDS 4 a b c d => [(integer) 60, (integer) 100, (integer) 100, (integer) 60]
HPERSIST {p}h FIELDS 3 d d nope => [(integer) 1, (integer) -1, (integer) -2]
HPTTL {p}h FIELDS 1 d => [(integer) -1]
HPEXPIREAT {p}h 4102444800000 FIELDS 1 d => [(integer) 1]
HPEXPIRETIME {p}h FIELDS 1 d => [(integer) 4102444800000]
HEXPIRETIME {p}h FIELDS 1 d => [(integer) 4102444800]
HEXPIREAT {p}h 4102444801 FIELDS 1 c => [(integer) 1]
HEXPIRETIME {p}h FIELDS 1 c => [(integer) 4102444801]
OBJECT ENCODING {p}h => "listpackex"
# HSET gives a field a new value without a TTL; HINCRBY keeps the TTL.
HSET {p}h a 10 => (integer) 0
HTTL {p}h FIELDS 1 a => [(integer) -1]
HINCRBY {p}h b 5 => (integer) 7
HTTL {p}h FIELDS 1 b => [(integer) 100]
# A time not in the future deletes the field, and the last one the key.
HEXPIRE {p}h 0 FIELDS 1 a => [(integer) 2]
HPEXPIREAT {p}h 1 FIELDS 1 b => [(integer) 2]
HKEYS {p}h => ["c", "d"]
HEXPIREAT {p}h 1 FIELDS 2 c d => [(integer) 2, (integer) 2]
EXISTS {p}h => (integer) 0
HEXPIRE {p}h 10 FIELDS 1 a => [(integer) -2]
HTTL {p}h FIELDS 2 a b => [(integer) -2, (integer) -2]
HPERSIST {p}h FIELDS 1 a => [(integer) -2]
# Errors: the key's type first, then the arguments in order.
SET {p}s v => OK
HEXPIRE {p}s abc FIELDS 1 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HTTL {p}s FIELDS 0 a => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HSET {p}h a 1 => (integer) 1
HEXPIRE {p}h abc FIELDS 1 a => (error) ERR value is not an integer or out of range
HEXPIRE {p}h -1 FIELDS 1 a => (error) ERR invalid expire time, must be >= 0
HEXPIRE {p}h 99999999999999 FIELDS 1 a => (error) ERR invalid expire time in 'hexpire' command
HPEXPIREAT {p}h 99999999999999 FIELDS 1 a => (error) ERR invalid expire time in 'hpexpireat' command
HEXPIRE {p}h 10 NX XX FIELDS 1 a => (error) ERR Mandatory argument FIELDS is missing or not at the right position
HEXPIRE {p}h 10 FIELDS 0 a => (error) ERR Parameter `numFields` should be greater than 0
HEXPIRE {p}h 10 FIELDS 2 a => (error) ERR The `numfields` parameter must match the number of arguments
HEXPIRE {p}h 10 FIELDS 1 => (error) ERR wrong number of arguments for 'hexpire' command
HTTL {p}h FIELD 1 a => (error) ERR Mandatory argument FIELDS is missing or not at the right position
HTTL {p}h FIELDS x a => (error) ERR Number of fields must be a positive integer
HPERSIST {p}h FIELDS 1 a b => (error) ERR The `numfields` parameter must match the number of arguments
HPEXPIRETIME {p}h FIELDS 1 => (error) ERR wrong number of arguments for 'hpexpiretime' command
# HSCAN NOVALUES (7.4): the fields alone; SSCAN refuses it.
HSET {p}h b 2 => (integer) 1
HSCAN {p}h 0 NOVALUES => ["0", ["a", "b"]]
HSCAN {p}h 0 MATCH b NOVALUES => ["0", ["b"]]
SADD {p}set m => (integer) 1
SSCAN {p}set 0 NOVALUES => (error) ERR NOVALUES option can only be used in HSCAN
# XREAD's + reads each stream's last entry; a missing or empty stream has none.
XADD {p}st 1-1 a 1 => "1-1"
XADD {p}st 2-1 b 2 => "2-1"
XREAD STREAMS {p}st + => [["{p}st", [["2-1", ["b", "2"]]]]]
XREAD COUNT 5 STREAMS {p}none {p}st + + => [["{p}st", [["2-1", ["b", "2"]]]]]
XREAD STREAMS {p}none + => nil
XREAD BLOCK 1 STREAMS {p}none + => nil
XGROUP CREATE {p}st g 0 => OK
XREADGROUP GROUP g c STREAMS {p}st + => (error) ERR The + ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The + ID would just return an empty result set.
# CLIENT KILL's MAXAGE: only connections open longer than that many seconds.
CLIENT KILL MAXAGE 100000 SKIPME no => (integer) 0
CLIENT KILL MAXAGE x => (error) ERR value is not an integer or out of range
# Redis 8.0's HGETDEL, HGETEX and HSETEX.
HSET {p}h8 a 1 b 2 c 3 => (integer) 3
HGETDEL {p}h8 FIELDS 2 a nope => ["1", nil]
HGETEX {p}h8 EX 100 FIELDS 2 b c => ["2", "3"]
HTTL {p}h8 FIELDS 3 a b c => [(integer) -2, (integer) 100, (integer) 100]
HGETEX {p}h8 PERSIST FIELDS 1 b => ["2"]
HTTL {p}h8 FIELDS 1 b => [(integer) -1]
HSETEX {p}h8 FNX EX 100 FIELDS 1 b 20 => (integer) 0
HSETEX {p}h8 FXX KEEPTTL FIELDS 2 b 20 c 30 => (integer) 1
HTTL {p}h8 FIELDS 2 b c => [(integer) -1, (integer) 100]
HSETEX {p}h8 FIELDS 1 c 31 => (integer) 1
HTTL {p}h8 FIELDS 1 c => [(integer) -1]
HGETALL {p}h8 => ["b", "20", "c", "31"]
HSETEX {p}h8 EX 10 PX 10 FIELDS 1 a 1 => (error) ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified
HSETEX {p}h8 FNX FXX FIELDS 1 a 1 => (error) ERR Only one of FXX or FNX arguments can be specified
HSETEX {p}h8 FIELDS 0 a 1 => (error) ERR invalid number of fields
HSETEX {p}h8 FIELDS 2 a 1 => (error) ERR wrong number of arguments for 'hsetex' command
HSETEX {p}s FIELDS 1 a 1 => (error) WRONGTYPE Operation against a key holding the wrong kind of value
HGETDEL {p}h8 FIELDS 2 b c => ["20", "31"]
EXISTS {p}h8 => (integer) 0
"#;
