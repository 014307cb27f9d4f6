//! `KvState`: the keyspace (strings and collections), its expiry index and WATCH versions.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use prost::encoding::{self, WireType};

use super::big::{self, Big, Scores};
use super::bitfield;
use super::command::{
    self, Access, Aggregate, BitOperation, BitRange, Command, CommandError, ExpireCondition,
    FieldTtlChange, FunctionCommand, GetExTtl, HashPart, ObjectQuery, RestoreTtl, ScriptRef,
    SetCondition, SetTtl, SortOptions, Spec, TtlKind, ZRange,
};
use super::fieldttl::{FieldTtls, HashFieldTtls};
use super::function::{self, Libraries};
use super::geo::{self, GeoSet, GeoSets, Outcome};
use super::glob;
use super::hash;
use super::hll::{self, HllError, Registers};
use super::list;
use super::longdouble::LongDouble;
use super::notify;
use super::packed;
use super::rdb;
use super::reply;
use super::script;
use super::set;
use super::stream::{self, Stream, Streams};
use super::table::{Fnv, HashKey, Slot, Table, ValueType, Walked};
use super::zset;
use crate::pb;

/// Set on the WATCH version of a key that is still stored but already expired, so that a key
/// that expires between WATCH and EXEC aborts the transaction (as in Redis ≥ 6.0.9).
const EXPIRED_VERSION_BIT: u64 = 1 << 63;

/// A snapshot that could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("bad snapshot: {0}")]
pub struct SnapshotError(
    /// Why decoding failed.
    pub String,
);

impl From<prost::DecodeError> for SnapshotError {
    fn from(e: prost::DecodeError) -> Self {
        SnapshotError(e.to_string())
    }
}

/// A snapshot being encoded step by step; see [`KvState::snapshot_encoder`].
#[derive(Debug)]
pub struct SnapshotEncoder {
    buf: Vec<u8>,
    /// The state's scalars at the start, written after the entries.
    now_ms: i64,
    version_counter: u64,
    deleted_version: u64,
    hash_key: Option<HashKey>,
    deleted_buckets: Option<Box<[u64]>>,
    enrolled: Vec<u64>,
    cluster_id: Option<u64>,
    scripts: Vec<Bytes>,
    /// The function libraries' codes.
    libraries: Vec<Bytes>,
    /// The hashes' field TTLs at the start.
    field_ttls: HashFieldTtls,
    /// Whether the snapshot is complete.
    done: bool,
    /// Keys encoded so far.
    keys: usize,
}

/// Keys a snapshot step encodes when none has been encoded yet to tell their size.
const FIRST_STEP_KEYS: usize = 64;

impl SnapshotEncoder {
    /// How many keys the next step should encode to write about `bytes` bytes, judging by the
    /// keys encoded so far ([`FIRST_STEP_KEYS`] before any), and at most `max_keys`: with large
    /// values, a count of keys alone could take the whole state in one step.
    pub fn keys_for_bytes(&self, bytes: usize, max_keys: usize) -> usize {
        let keys = match self.buf.len().checked_div(self.keys) {
            Some(average) => bytes / average.max(1),
            None => FIRST_STEP_KEYS,
        };
        keys.clamp(1, max_keys.max(1))
    }

    /// The encoded snapshot; complete only after a step returned true.
    pub fn into_bytes(self) -> Bytes {
        Bytes::from(self.buf)
    }

    /// Appends the scalars once every entry is written.
    fn finish(&mut self) {
        let buf = &mut self.buf;
        put_scalar(SNAPSHOT_NOW_MS, self.now_ms as u64, buf);
        put_scalar(SNAPSHOT_VERSION_COUNTER, self.version_counter, buf);
        put_scalar(SNAPSHOT_DELETED_VERSION, self.deleted_version, buf);
        let [k0, k1] = self.hash_key.unwrap_or_default();
        put_fixed64(SNAPSHOT_HASH_KEY0, k0, buf);
        put_fixed64(SNAPSHOT_HASH_KEY1, k1, buf);
        if let Some(buckets) = &self.deleted_buckets {
            encoding::encode_key(SNAPSHOT_DELETED_BUCKETS, WireType::LengthDelimited, buf);
            encoding::encode_varint(8 * buckets.len() as u64, buf);
            for &version in buckets.iter() {
                buf.put_u64_le(version);
            }
        }
        if !self.enrolled.is_empty() {
            encoding::encode_key(SNAPSHOT_ENROLLED_NODES, WireType::LengthDelimited, buf);
            encoding::encode_varint(packed_varints_len(&self.enrolled) as u64, buf);
            for &id in &self.enrolled {
                encoding::encode_varint(id, buf);
            }
        }
        for body in &self.scripts {
            encoding::bytes::encode(SNAPSHOT_SCRIPTS, body, buf);
        }
        for code in &self.libraries {
            encoding::bytes::encode(SNAPSHOT_LIBRARIES, code, buf);
        }
        if let Some(id) = self.cluster_id {
            put_fixed64(SNAPSHOT_CLUSTER_ID, id, buf);
        }
        for (key, ttls) in self.field_ttls.iter() {
            let packed = ttls.encode();
            encoding::encode_key(SNAPSHOT_FIELD_TTLS, WireType::LengthDelimited, buf);
            encoding::encode_varint(field_ttls_message_len(key, &packed) as u64, buf);
            encoding::bytes::encode(1, key, buf);
            encoding::bytes::encode(2, &packed, buf);
        }
        debug_assert_eq!(
            buf.len(),
            buf.capacity(),
            "snapshot size was computed exactly"
        );
        self.done = true;
    }
}

/// The in-memory key-value state every replica holds, changed only by applying log entries.
///
/// Invariants:
/// - `expiries` holds exactly `(t, k)` for every key `k` of `table` whose expiry is `Some(t)`.
/// - Every key's version, `deleted_version` and every deletion bucket's version are at most
///   `version_counter`, and no two modifications share a version.
/// - `deleted_buckets`, when kept, has [`DELETION_BUCKETS`] versions, none above
///   `deleted_version`.
/// - `now_ms` never decreases.
#[derive(Debug)]
pub struct KvState {
    /// The keyspace, including keys that expired but were not purged yet, in the stable hash
    /// order of `SCAN`, `KEYS`, snapshots and the digest.
    table: Table,
    /// Keys with a TTL, soonest expiry first.
    expiries: BTreeSet<(i64, Bytes)>,
    /// Unix ms of the newest applied batch; the expiry clock never runs backwards.
    now_ms: i64,
    /// The last version handed out.
    version_counter: u64,
    /// Version of the latest deletion of a stored key (or of a flush).
    deleted_version: u64,
    /// Version of the latest deletion in each bucket of keys (by the keyspace's hash): the
    /// WATCH version of a missing key in that bucket, so that deleting one key does not abort
    /// every transaction that watches another missing key. `None` in keyspaces created before
    /// buckets were kept (see [`hash_key_batch`]): there `deleted_version` is the WATCH version
    /// of every missing key. Every replica makes the same choice, at the same log index.
    deleted_buckets: Option<Box<[u64]>>,
    /// The nodes enrolled in the cluster: those that held part of its log (see
    /// [`enroll_batch`]). Not keys: no command sees them.
    enrolled: BTreeSet<u64>,
    /// The cluster's id (see [`cluster_id_batch`]): the first one applied, for good. Not a
    /// key either.
    cluster_id: Option<u64>,
    /// Scripts EVAL ran or SCRIPT LOAD loaded, by their SHA-1 in lowercase hex (EVALSHA's
    /// cache), until SCRIPT FLUSH. Not keys either.
    scripts: BTreeMap<String, Bytes>,
    /// The function libraries FUNCTION LOAD loaded (see `kv::function`). Not keys either.
    libraries: Libraries,
    /// Messages PUBLISH and SPUBLISH applied since [`KvState::take_published`] last ran; not
    /// part of the state (snapshots and the digest leave them out).
    published: Vec<Published>,
    /// Whether to note in `stored` the keys that lists, sets and sorted sets are stored under:
    /// on while clients are blocked on keys (see `crate::blocking`).
    track_stores: bool,
    /// Keys noted since [`KvState::take_stored`] last ran; not part of the state either.
    stored: Vec<Bytes>,
    /// Whether key lookups count in `lookups`: on while a read runs (see [`KvState::read`]).
    counting_lookups: Cell<bool>,
    /// Key lookups by reads that found a live key and that did not (INFO's `keyspace_hits`
    /// and `keyspace_misses`); this node's statistics, not part of the state.
    lookups: Cell<[u64; 2]>,
    /// Expired keys removed, by purges (INFO's `expired_keys`); not part of the state.
    expired: u64,
    /// Whether to note in `modified` every key a command changes: on while clients track
    /// keys (CLIENT TRACKING, see `crate::tracking`).
    track_modified: bool,
    /// Keys changed since [`KvState::take_modified`] last ran, while `track_modified` was
    /// on; a key changed twice is noted twice. Not part of the state.
    modified: Vec<Bytes>,
    /// Whether a FLUSHALL or FLUSHDB ran meanwhile: every key changed.
    flushed: bool,
    /// The field TTLs of hashes (HEXPIRE and its family; see `kv::fieldttl`).
    field_ttls: HashFieldTtls,
    /// Expired hash fields removed, by purges and writes (INFO's `expired_subkeys`); not part
    /// of the state.
    expired_fields: u64,
    /// Whether to note in `script_calls` the commands scripts run: on in a node, whose
    /// command statistics count them.
    counting_script_calls: bool,
    /// The commands scripts ran since [`KvState::take_script_calls`] last ran (each by its
    /// name and subcommand, and whether it failed); not part of the state.
    script_calls: RefCell<Vec<ScriptCall>>,
    /// The `notify-keyspace-events` classes this node publishes (see `kv::notify`): events
    /// of these classes go into `published` as the commands run. Zero while off, which
    /// costs a command nothing.
    notify_flags: u32,
    /// Keys the running command emptied and removed (a list popped to nothing, ...): their
    /// `del` event follows the command's own event on the key, or ends the command.
    emptied: Vec<Bytes>,
    /// Keys reads looked up and did not find, while `notify_flags` asks for `keymiss`
    /// events; not part of the state.
    missed: RefCell<Vec<Bytes>>,
    /// Whether lookups note misses in `missed` although no client read runs: while a write
    /// runs a read (in a transaction, a script, BITFIELD's GETs) and `keymiss` is on.
    noting_misses: Cell<bool>,
}

/// A command a script ran, for the node's command statistics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptCall {
    /// The command's name, and its subcommand if it has one.
    pub args: Vec<Bytes>,
    /// Whether it answered an error.
    pub failed: bool,
}

/// A message a PUBLISH or SPUBLISH entry carried, for the node's own subscribers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    /// SPUBLISH rather than PUBLISH.
    pub shard: bool,
    /// The channel.
    pub channel: Bytes,
    /// What was published.
    pub message: Bytes,
}

impl Default for KvState {
    fn default() -> Self {
        KvState {
            table: Table::new(),
            expiries: BTreeSet::new(),
            now_ms: 0,
            version_counter: 0,
            deleted_version: 0,
            deleted_buckets: None,
            enrolled: BTreeSet::new(),
            cluster_id: None,
            scripts: BTreeMap::new(),
            libraries: Libraries::default(),
            published: Vec::new(),
            track_stores: false,
            stored: Vec::new(),
            counting_lookups: Cell::new(false),
            lookups: Cell::new([0; 2]),
            expired: 0,
            track_modified: false,
            modified: Vec::new(),
            flushed: false,
            field_ttls: HashFieldTtls::default(),
            expired_fields: 0,
            counting_script_calls: false,
            script_calls: RefCell::new(Vec::new()),
            notify_flags: 0,
            emptied: Vec::new(),
            missed: RefCell::new(Vec::new()),
            noting_misses: Cell::new(false),
        }
    }
}

impl KvState {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of stored keys, including expired keys not purged yet.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// Whether no key is stored.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// Whether a [`hash_key_batch`] applied now would key the keyspace's hash: the state has
    /// no key yet and was never modified. A leader proposes one before its first write then.
    pub fn needs_hash_key(&self) -> bool {
        self.table.hash_key().is_none() && self.version_counter == 0
    }

    /// The key of the keyspace's hash, if it has one.
    pub fn hash_key(&self) -> Option<[u64; 2]> {
        self.table.hash_key()
    }

    /// Whether node `id` is enrolled: it held part of the cluster's log before.
    pub fn is_enrolled(&self, id: u64) -> bool {
        self.enrolled.contains(&id)
    }

    /// The enrolled nodes, ascending.
    pub fn enrolled(&self) -> Vec<u64> {
        self.enrolled.iter().copied().collect()
    }

    /// The cluster's id, once a [`cluster_id_batch`] was applied.
    pub fn cluster_id(&self) -> Option<u64> {
        self.cluster_id
    }

    /// Applies one committed batch. Deterministic: reads no clock, only `batch.now_ms`.
    ///
    /// A pipelined batch replies with an array holding one reply per command. A transaction
    /// replies with a null array and changes nothing when a watched key's version moved.
    pub fn apply(&mut self, batch: &pb::KvBatch) -> pb::Reply {
        self.apply_observed(batch, |_, _| {})
    }

    /// [`KvState::apply`], calling `after_each` with each client command and its reply as
    /// soon as it ran (internal batches call it for nothing): the driver times commands
    /// this way for `INFO commandstats` and the slow log.
    pub fn apply_observed(
        &mut self,
        batch: &pb::KvBatch,
        mut after_each: impl FnMut(&[Bytes], &pb::Reply),
    ) -> pb::Reply {
        let now = batch.now_ms.max(self.now_ms);
        self.now_ms = now;
        if let Some(hash_key) = batch_hash_key(batch) {
            // Only a state that was never modified can take a key: its table is empty and
            // no snapshot walk holds keys in the old order. Every replica decides the same.
            if self.needs_hash_key() {
                self.table.set_hash_key(hash_key);
                if batch.deletion_buckets {
                    self.deleted_buckets =
                        Some(vec![self.deleted_version; DELETION_BUCKETS].into_boxed_slice());
                }
            }
            return reply::ok();
        }
        if batch.commands.is_empty() && batch.cluster_id != 0 {
            // The first id applied names the cluster; a later one (two leaders each drew one
            // before either applied) changes nothing, on every replica alike.
            self.cluster_id.get_or_insert(batch.cluster_id);
            return reply::ok();
        }
        if batch.commands.is_empty() && !batch.enrolled_nodes.is_empty() {
            self.enrolled.extend(&batch.enrolled_nodes);
            return reply::ok();
        }
        if batch.transaction
            && batch
                .watched
                .iter()
                .any(|w| self.watch_version(&w.key, now) != w.version)
        {
            return reply::null_array();
        }
        let replies = batch
            .commands
            .iter()
            .map(|c| {
                let reply = self.apply_command(&c.args, now);
                after_each(&c.args, &reply);
                reply
            })
            .collect();
        reply::array(replies)
    }

    /// Starts or stops noting the commands scripts run, for [`KvState::take_script_calls`];
    /// stopping forgets what was noted.
    pub fn count_script_calls(&mut self, on: bool) {
        self.counting_script_calls = on;
        if !on {
            self.script_calls.get_mut().clear();
        }
    }

    /// The commands scripts ran (applied or read) since the last call, while
    /// [`KvState::count_script_calls`] was on.
    pub fn take_script_calls(&self) -> Vec<ScriptCall> {
        self.script_calls.take()
    }

    /// Notes a command a script ran, if counting.
    fn note_script_call(&self, args: &[Bytes], reply: &pb::Reply) {
        if self.counting_script_calls {
            self.script_calls.borrow_mut().push(ScriptCall {
                args: args.iter().take(2).cloned().collect(),
                failed: matches!(reply.kind, Some(pb::reply::Kind::Error(_))),
            });
        }
    }

    /// The messages published by the batches applied since the last call, in log order, and
    /// the keyspace notifications of the classes [`KvState::notify_keyspace_events`] asked
    /// for, in the order the commands caused them. The caller hands them to subscribers;
    /// they pile up until it does.
    pub fn take_published(&mut self) -> Vec<Published> {
        std::mem::take(&mut self.published)
    }

    /// Sets the classes of keyspace notifications to publish from now on (see `kv::notify`).
    pub fn notify_keyspace_events(&mut self, flags: u32) {
        self.notify_flags = flags;
        if flags & notify::KEY_MISS == 0 {
            self.missed.get_mut().clear();
        }
    }

    /// The `keymiss` notifications of the reads served since the last call.
    pub fn take_key_misses(&self) -> Vec<Published> {
        let mut out = Vec::new();
        for key in self.missed.take() {
            self.event_messages(notify::KEY_MISS, "keymiss", &key, &mut out);
        }
        out
    }

    /// Publishes the event `event` about `key` if its class is on, and the `del` of `key` if
    /// this command emptied it (a container's last element went with this event).
    fn notify(&mut self, class: u32, event: &'static str, key: &[u8]) {
        if self.notify_flags == 0 {
            return;
        }
        let mut out = std::mem::take(&mut self.published);
        self.event_messages(class, event, key, &mut out);
        if let Some(i) = self.emptied.iter().position(|k| k == key) {
            self.emptied.remove(i);
            self.event_messages(notify::GENERIC, "del", key, &mut out);
        }
        self.published = out;
    }

    /// Publishes `keymiss` for `key` if it is missing and `m` is on: a write command looked
    /// it up to read it (Redis's read lookups, such as SET ... GET's or a *STORE's sources).
    fn note_miss(&mut self, key: &[u8], now: i64) {
        if self.notify_flags & notify::KEY_MISS != 0 && self.live(key, now).is_none() {
            self.notify(notify::KEY_MISS, "keymiss", key);
        }
    }

    /// Publishes the `del` events of the keys this command emptied that no event named.
    fn notify_emptied(&mut self) {
        for key in std::mem::take(&mut self.emptied) {
            self.notify(notify::GENERIC, "del", &key);
        }
    }

    /// Appends the messages of an event to `out`, as the classes on ask: the key-space one,
    /// then the key-event one.
    fn event_messages(
        &self,
        class: u32,
        event: &'static str,
        key: &[u8],
        out: &mut Vec<Published>,
    ) {
        let flags = self.notify_flags;
        if flags & class == 0 {
            return;
        }
        if flags & notify::KEYSPACE != 0 {
            out.push(Published {
                shard: false,
                channel: notify::keyspace_channel(key),
                message: Bytes::from_static(event.as_bytes()),
            });
        }
        if flags & notify::KEYEVENT != 0 {
            out.push(Published {
                shard: false,
                channel: notify::keyevent_channel(event),
                message: Bytes::copy_from_slice(key),
            });
        }
    }

    /// Starts or stops noting the keys that lists, sets and sorted sets are stored under, for
    /// [`KvState::take_stored`]; stopping forgets what was noted.
    pub fn track_stores(&mut self, on: bool) {
        self.track_stores = on;
        if !on {
            self.stored.clear();
        }
    }

    /// The keys lists, sets and sorted sets were stored under since the last call, while
    /// [`KvState::track_stores`] was on: what clients blocked on keys may now find.
    pub fn take_stored(&mut self) -> Vec<Bytes> {
        std::mem::take(&mut self.stored)
    }

    /// Starts or stops noting the keys commands change, for [`KvState::take_modified`];
    /// stopping forgets what was noted.
    pub fn track_modified(&mut self, on: bool) {
        self.track_modified = on;
        if !on {
            self.modified.clear();
            self.flushed = false;
        }
    }

    /// The keys changed since the last call while [`KvState::track_modified`] was on (in
    /// the order they changed, repeats included), and whether a flush emptied the keyspace
    /// meanwhile (then every key changed, the listed ones too).
    pub fn take_modified(&mut self) -> (Vec<Bytes>, bool) {
        (
            std::mem::take(&mut self.modified),
            std::mem::replace(&mut self.flushed, false),
        )
    }

    /// Notes that `key` changed, while [`KvState::track_modified`] is on.
    fn note_modified(&mut self, key: &[u8]) {
        if self.track_modified {
            self.modified.push(Bytes::copy_from_slice(key));
        }
    }

    /// Executes a read-only command against the current state; `now_ms` hides expired keys.
    pub fn read(&self, command: &pb::KvCommand, now_ms: i64) -> pb::Reply {
        let now = now_ms.max(self.now_ms);
        let result = Command::parse(&command.args).and_then(|(cmd, spec)| {
            if cmd.access(spec) == Access::Write {
                return Err(CommandError::NotAllowed("write command sent as a read"));
            }
            // The node's own queries (WATCH's versions, INFO's key count) are not clients'.
            let own = [command::VERSION, command::KEYSPACE]
                .iter()
                .any(|name| command.args[0].eq_ignore_ascii_case(name.as_bytes()));
            let client = !own;
            self.counting_lookups.set(client);
            let reply = self.query(&cmd, now);
            self.counting_lookups.set(false);
            reply
        });
        result.unwrap_or_else(|e| reply::error(e.to_string()))
    }

    /// Up to `max` keys whose expiry time is at or before `now_ms`, soonest first; the leader
    /// proposes them in a [`purge_batch`].
    pub fn expired_keys(&self, now_ms: i64, max: usize) -> Vec<Bytes> {
        let mut keys: Vec<Bytes> = self
            .expiries
            .iter()
            .take_while(|(at, _)| *at <= now_ms)
            .take(max)
            .map(|(_, key)| key.clone())
            .collect();
        // And hashes with expired fields, which a purge cleans (see `settle_fields`).
        let room = max - keys.len();
        keys.extend(self.field_ttls.due(now_ms).take(room).cloned());
        keys
    }

    /// Expired hash fields removed since the start (INFO's `expired_subkeys`).
    pub fn expired_fields_total(&self) -> u64 {
        self.expired_fields
    }

    /// How many hashes have field TTLs, and how many fields have one (INFO's keyspace line
    /// counts the first, as Redis's `subexpiry`).
    pub fn field_ttl_counts(&self) -> (usize, usize) {
        (self.field_ttls.len(), self.field_ttls.fields())
    }

    /// A deterministic hash of the content (keys, values, expiry times), equal on replicas that
    /// applied the same log; 0 for an empty state.
    pub fn digest(&self) -> u64 {
        self.digest_lanes()[0]
    }

    /// `DEBUG DIGEST`'s reply: 40 hex digits like Redis's SHA-1 digest, all zeros for an empty
    /// state, equal on replicas that applied the same log.
    pub fn digest_hex(&self) -> String {
        let mut hex: String = self
            .digest_lanes()
            .iter()
            .map(|lane| format!("{lane:016x}"))
            .collect();
        hex.truncate(DIGEST_HEX_DIGITS);
        hex
    }

    /// Independent 64-bit hashes of the content, each FNV-1a started from its own seed, so
    /// together they give more bits than one; all 0 for an empty state.
    fn digest_lanes(&self) -> [u64; DIGEST_LANES] {
        if self.table.is_empty() {
            return [0; DIGEST_LANES];
        }
        // Lane 0 is unseeded, so `digest()` keeps its historic value.
        let mut lanes: [Fnv; DIGEST_LANES] = std::array::from_fn(|i| {
            let mut h = Fnv::new();
            if i > 0 {
                h.write(b"raft-kv digest lane");
                h.write(&(i as u64).to_le_bytes());
            }
            h
        });
        for e in self.table.iter() {
            let value = e.encoded_value();
            for h in &mut lanes {
                h.write(&(e.key().len() as u64).to_le_bytes());
                h.write(e.key());
                h.write(&(value.len() as u64).to_le_bytes());
                h.write(&value);
                h.write(&e.expire_at_ms().unwrap_or(0).to_le_bytes());
                // Strings keep the digest they always had; other types are told apart.
                if e.value_type() != ValueType::String {
                    h.write(&value_type_code(e.value_type()).to_le_bytes());
                }
            }
        }
        // Field TTLs, after every key (so a state without any keeps its digest).
        for (key, ttls) in self.field_ttls.iter() {
            for h in &mut lanes {
                h.write(b"field ttls");
                h.write(&(key.len() as u64).to_le_bytes());
                h.write(key);
                for (field, at) in ttls.iter() {
                    h.write(&(field.len() as u64).to_le_bytes());
                    h.write(field);
                    h.write(&at.to_le_bytes());
                }
            }
        }
        lanes.map(|h| h.finish())
    }

    /// Encodes the whole state as a `pb::KvSnapshot`, written field by field straight into one
    /// buffer of the exact size (no intermediate message holding a copy of every entry).
    pub fn snapshot(&self) -> Bytes {
        let mut encoder = self.new_encoder();
        self.table
            .walk_all(|e| put_snapshot_entry(e, &mut encoder.buf));
        encoder.finish();
        encoder.into_bytes()
    }

    /// Starts encoding a snapshot of the state as it is now, in steps (see
    /// [`KvState::snapshot_step`]), so that a large state need not be encoded in one go. The
    /// state may change meanwhile: the keyspace keeps, copy-on-write, the slot of each key that
    /// changes before the encoding reaches it. Starting another encoding abandons this one.
    pub fn snapshot_encoder(&mut self) -> SnapshotEncoder {
        let encoder = self.new_encoder();
        self.table.freeze();
        encoder
    }

    /// Abandons the encoding under way, if any, freeing what it kept.
    pub fn abandon_snapshot(&mut self) {
        self.table.thaw();
    }

    /// An encoder sized for the state as it is now, with its scalars.
    fn new_encoder(&self) -> SnapshotEncoder {
        let entries: usize = self
            .table
            .iter_unordered()
            .map(|e| {
                let len = snapshot_entry_len(e);
                encoding::key_len(SNAPSHOT_ENTRIES) + encoding::encoded_len_varint(len as u64) + len
            })
            .sum();
        let header = scalar_len(SNAPSHOT_NOW_MS, self.now_ms as u64)
            + scalar_len(SNAPSHOT_VERSION_COUNTER, self.version_counter)
            + scalar_len(SNAPSHOT_DELETED_VERSION, self.deleted_version)
            + self.table.hash_key().map_or(0, |[k0, k1]| {
                fixed64_len(SNAPSHOT_HASH_KEY0, k0) + fixed64_len(SNAPSHOT_HASH_KEY1, k1)
            })
            + self.deleted_buckets.as_ref().map_or(0, |b| {
                let len = 8 * b.len();
                encoding::key_len(SNAPSHOT_DELETED_BUCKETS)
                    + encoding::encoded_len_varint(len as u64)
                    + len
            })
            + if self.enrolled.is_empty() {
                0
            } else {
                let len = packed_varints_len(self.enrolled.iter());
                encoding::key_len(SNAPSHOT_ENROLLED_NODES)
                    + encoding::encoded_len_varint(len as u64)
                    + len
            }
            + encoding::bytes::encoded_len_repeated(SNAPSHOT_SCRIPTS, &self.script_bodies())
            + encoding::bytes::encoded_len_repeated(SNAPSHOT_LIBRARIES, &self.libraries.codes())
            + self
                .cluster_id
                .map_or(0, |id| fixed64_len(SNAPSHOT_CLUSTER_ID, id))
            + self
                .field_ttls
                .iter()
                .map(|(key, ttls)| {
                    let len = encoding::key_len(1)
                        + encoding::encoded_len_varint(key.len() as u64)
                        + key.len()
                        + encoding::key_len(2)
                        + encoding::encoded_len_varint(ttls.encoded_len() as u64)
                        + ttls.encoded_len();
                    encoding::key_len(SNAPSHOT_FIELD_TTLS)
                        + encoding::encoded_len_varint(len as u64)
                        + len
                })
                .sum::<usize>();
        SnapshotEncoder {
            buf: Vec::with_capacity(entries + header),
            now_ms: self.now_ms,
            version_counter: self.version_counter,
            deleted_version: self.deleted_version,
            hash_key: self.table.hash_key(),
            deleted_buckets: self.deleted_buckets.clone(),
            enrolled: self.enrolled.iter().copied().collect(),
            cluster_id: self.cluster_id,
            scripts: self.script_bodies(),
            libraries: self.libraries.codes(),
            field_ttls: self.field_ttls.clone(),
            done: false,
            keys: 0,
        }
    }

    /// Encodes up to `max_entries` more keys into `encoder`; returns true once the snapshot is
    /// complete. The result is the same as [`KvState::snapshot`] of the state when
    /// [`KvState::snapshot_encoder`] was called, whatever was applied in between.
    pub fn snapshot_step(&mut self, encoder: &mut SnapshotEncoder, max_entries: usize) -> bool {
        if encoder.done {
            return true;
        }
        if !self.table.is_frozen() {
            // Another encoder was started, or this one abandoned: its bytes would be wrong.
            debug_assert!(false, "snapshot step without a frozen table");
            return false;
        }
        let (buf, keys) = (&mut encoder.buf, &mut encoder.keys);
        match self.table.walk_frozen(max_entries, |e| {
            put_snapshot_entry(e, buf);
            *keys += 1;
        }) {
            Walked::Done => {
                encoder.finish();
                true
            }
            Walked::More => false,
        }
    }

    /// Replaces the state with a decoded snapshot, reading the entries straight from `data`
    /// into the table (no decoded message holding a second copy).
    ///
    /// # Errors
    /// [`SnapshotError`] when `data` is not a valid `KvSnapshot`; the state is then unchanged.
    pub fn restore(&mut self, data: &[u8]) -> Result<(), SnapshotError> {
        let header = scan_snapshot(data)?;
        let mut table = Table::with_capacity(header.entries);
        if let Some(hash_key) = header.hash_key {
            table.set_hash_key(hash_key);
        }
        let mut state = KvState {
            table,
            ..KvState::default()
        };
        // Versions are checked against the counter, which is encoded after the entries.
        let mut max_version = 0;
        let mut field_ttls: Vec<(Bytes, FieldTtls)> = Vec::new();
        let mut buf = data;
        while buf.has_remaining() {
            let (tag, wire_type) = encoding::decode_key(&mut buf)?;
            match (tag, wire_type) {
                (SNAPSHOT_ENTRIES, WireType::LengthDelimited) => {
                    let entry = take_delimited(&mut buf)?;
                    let e = decode_snapshot_entry(entry)?;
                    if e.key.len() > command::MAX_STRING_BYTES {
                        return Err(SnapshotError("key longer than 512 MiB".into()));
                    }
                    max_version = max_version.max(e.version);
                    let expire = (e.expire_at_ms != 0).then_some(e.expire_at_ms);
                    if expire == Some(i64::MIN) {
                        // No stored key expires before every clock; `Table` reserves the value.
                        return Err(SnapshotError("expiry out of range".into()));
                    }
                    let value_type = match e.value_type {
                        0 => ValueType::String,
                        VALUE_TYPE_HASH if hash::is_valid(e.value) => ValueType::Hash,
                        VALUE_TYPE_HASH => return Err(SnapshotError("malformed hash".into())),
                        VALUE_TYPE_LIST if list::is_valid(e.value) => ValueType::List,
                        VALUE_TYPE_LIST => return Err(SnapshotError("malformed list".into())),
                        VALUE_TYPE_SET if set::is_valid(e.value) => ValueType::Set,
                        VALUE_TYPE_SET => return Err(SnapshotError("malformed set".into())),
                        VALUE_TYPE_ZSET if zset::is_valid(e.value) => ValueType::SortedSet,
                        VALUE_TYPE_ZSET => {
                            return Err(SnapshotError("malformed sorted set".into()));
                        }
                        VALUE_TYPE_STREAM if Stream::decode(e.value).is_some() => ValueType::Stream,
                        VALUE_TYPE_STREAM => return Err(SnapshotError("malformed stream".into())),
                        other => return Err(SnapshotError(format!("unknown value type {other}"))),
                    };
                    if state
                        .table
                        .insert_typed(e.key, e.value, value_type, expire, e.version)
                        .is_some()
                    {
                        return Err(SnapshotError("duplicate key".into()));
                    }
                    if let Some(at) = expire {
                        state.expiries.insert((at, Bytes::copy_from_slice(e.key)));
                    }
                }
                (SNAPSHOT_NOW_MS, WireType::Varint) => {
                    state.now_ms = encoding::decode_varint(&mut buf)? as i64;
                }
                (SNAPSHOT_VERSION_COUNTER, WireType::Varint) => {
                    state.version_counter = encoding::decode_varint(&mut buf)?;
                }
                (SNAPSHOT_DELETED_VERSION, WireType::Varint) => {
                    state.deleted_version = encoding::decode_varint(&mut buf)?;
                }
                (SNAPSHOT_DELETED_BUCKETS, WireType::LengthDelimited) => {
                    let mut packed = take_delimited(&mut buf)?;
                    if packed.len() != 8 * DELETION_BUCKETS {
                        return Err(SnapshotError(format!(
                            "{} bytes of deletion buckets, not {}",
                            packed.len(),
                            8 * DELETION_BUCKETS
                        )));
                    }
                    let buckets: Box<[u64]> =
                        (0..DELETION_BUCKETS).map(|_| packed.get_u64_le()).collect();
                    state.deleted_buckets = Some(buckets);
                }
                (SNAPSHOT_SCRIPTS, WireType::LengthDelimited) => {
                    let body = Bytes::copy_from_slice(take_delimited(&mut buf)?);
                    state.scripts.insert(script::sha1_hex(&body), body);
                }
                (SNAPSHOT_LIBRARIES, WireType::LengthDelimited) => {
                    // Loaded again, as on every replica when FUNCTION LOAD was applied.
                    let code = Bytes::copy_from_slice(take_delimited(&mut buf)?);
                    let library = function::load(&code)
                        .map_err(|e| SnapshotError(format!("function library: {e}")))?;
                    state
                        .libraries
                        .insert(library, false, true)
                        .map_err(|e| SnapshotError(format!("function library: {e}")))?;
                }
                (SNAPSHOT_ENROLLED_NODES, WireType::LengthDelimited) => {
                    let mut packed = take_delimited(&mut buf)?;
                    while packed.has_remaining() {
                        state.enrolled.insert(encoding::decode_varint(&mut packed)?);
                    }
                }
                (SNAPSHOT_CLUSTER_ID, WireType::SixtyFourBit) => {
                    if buf.remaining() < 8 {
                        return Err(SnapshotError("truncated cluster id".into()));
                    }
                    state.cluster_id = Some(buf.get_u64_le()).filter(|&id| id != 0);
                }
                (SNAPSHOT_FIELD_TTLS, WireType::LengthDelimited) => {
                    let message =
                        <pb::HashFieldTtls as prost::Message>::decode(take_delimited(&mut buf)?)?;
                    let ttls = FieldTtls::decode(&message.ttls)
                        .filter(|t| !t.is_empty())
                        .ok_or_else(|| SnapshotError("malformed field TTLs".into()))?;
                    field_ttls.push((message.key, ttls));
                }
                // Read by `scan_snapshot` before the entries.
                (SNAPSHOT_HASH_KEY0 | SNAPSHOT_HASH_KEY1, WireType::SixtyFourBit) => {
                    buf.advance(8);
                }
                _ => encoding::skip_field(wire_type, tag, &mut buf, Default::default())?,
            }
        }
        // Field TTLs come after the entries; each must name fields of a stored hash.
        for (key, ttls) in field_ttls {
            let Some(e) = state.table.get(&key) else {
                return Err(SnapshotError("field TTLs of a missing key".into()));
            };
            if e.value_type() != ValueType::Hash
                || ttls.iter().any(|(f, _)| field_of(e, f).is_none())
            {
                return Err(SnapshotError("field TTLs of missing fields".into()));
            }
            if state.field_ttls.get(&key).is_some() {
                return Err(SnapshotError("field TTLs of a hash twice".into()));
            }
            state.field_ttls.insert(&key, std::sync::Arc::new(ttls));
        }
        if max_version > state.version_counter {
            return Err(SnapshotError("entry version above the counter".into()));
        }
        if state.deleted_version > state.version_counter {
            return Err(SnapshotError("deletion version above the counter".into()));
        }
        if let Some(buckets) = &state.deleted_buckets
            && buckets.iter().any(|&v| v > state.deleted_version)
        {
            return Err(SnapshotError(
                "bucket deletion version above the latest".into(),
            ));
        }
        state.lookups = self.lookups.clone();
        state.expired = self.expired;
        state.expired_fields = self.expired_fields;
        state.counting_script_calls = self.counting_script_calls;
        *self = state;
        Ok(())
    }

    /// The WATCH version of `key` at `now`: the entry's version if live, the version with
    /// [`EXPIRED_VERSION_BIT`] if stored but expired, else the latest deletion's version in
    /// its bucket (or anywhere, in a keyspace without buckets).
    fn watch_version(&self, key: &[u8], now: i64) -> u64 {
        match self.table.get(key) {
            Some(e) if is_live(e, now) => e.version(),
            Some(e) => e.version() | EXPIRED_VERSION_BIT,
            None => match &self.deleted_buckets {
                Some(buckets) => buckets[self.deletion_bucket(key)],
                None => self.deleted_version,
            },
        }
    }

    /// The deletion bucket of `key`: the top bits of its hash in the keyspace, the same on
    /// every replica (the hash key is replicated).
    fn deletion_bucket(&self, key: &[u8]) -> usize {
        (self.table.key_hash(key) >> (64 - DELETION_BUCKETS.trailing_zeros())) as usize
    }

    fn apply_command(&mut self, args: &[Bytes], now: i64) -> pb::Reply {
        let result = Command::parse(args).and_then(|(cmd, _)| self.execute(&cmd, now));
        self.notify_emptied();
        result.unwrap_or_else(|e| reply::error(e.to_string()))
    }

    fn live(&self, key: &[u8], now: i64) -> Option<&Slot> {
        let found = self
            .table
            .get(key)
            .filter(|e| is_live(e, now) && !self.all_fields_expired(e, now));
        if self.counting_lookups.get() {
            let [mut hits, mut misses] = self.lookups.get();
            if found.is_some() {
                hits += 1;
            } else {
                misses += 1;
            }
            self.lookups.set([hits, misses]);
        }
        if found.is_none()
            && self.notify_flags & notify::KEY_MISS != 0
            && (self.counting_lookups.get() || self.noting_misses.get())
        {
            self.missed.borrow_mut().push(Bytes::copy_from_slice(key));
        }
        found
    }

    /// Key lookups by reads since the start: (found a live key, did not), as Redis counts
    /// `keyspace_hits` and `keyspace_misses` (writes' lookups do not count).
    pub fn keyspace_lookups(&self) -> (u64, u64) {
        let [hits, misses] = self.lookups.get();
        (hits, misses)
    }

    /// Expired keys the purges removed since the start (INFO's `expired_keys`).
    pub fn expired_total(&self) -> u64 {
        self.expired
    }

    /// The live slot of `key` if it holds a string; WRONGTYPE if it holds something else.
    fn live_string(&self, key: &[u8], now: i64) -> Result<Option<&Slot>, CommandError> {
        self.live_typed(key, now, ValueType::String)
    }

    /// The live slot of `key` if it holds a hash; WRONGTYPE if it holds something else.
    fn live_hash(&self, key: &[u8], now: i64) -> Result<Option<&Slot>, CommandError> {
        self.live_typed(key, now, ValueType::Hash)
    }

    /// The live slot of `key` if it holds a list; WRONGTYPE if it holds something else.
    fn live_list(&self, key: &[u8], now: i64) -> Result<Option<&Slot>, CommandError> {
        self.live_typed(key, now, ValueType::List)
    }

    /// The buffer of the collection at `key` (empty for a missing key); WRONGTYPE when it
    /// holds another type than `value_type`.
    fn buffer(&self, key: &[u8], now: i64, value_type: ValueType) -> Result<&[u8], CommandError> {
        Ok(self
            .live_typed(key, now, value_type)?
            .map_or(&[][..], Slot::value))
    }

    /// The members and scores of the sorted set at `key` (none for a missing key), in order;
    /// WRONGTYPE for another type.
    fn zset_entries(&self, key: &[u8], now: i64) -> Result<Vec<(f64, &[u8])>, CommandError> {
        let e = self.live_typed(key, now, ValueType::SortedSet)?;
        Ok(e.map_or_else(Vec::new, scored_of))
    }

    /// The members of the set at `key` (none for a missing key); WRONGTYPE for another type.
    fn set_members(&self, key: &[u8], now: i64) -> Result<Vec<&[u8]>, CommandError> {
        let e = self.live_typed(key, now, ValueType::Set)?;
        Ok(e.map_or_else(Vec::new, members_of))
    }

    /// The value of `field` in the hash at `key` (none for a missing key); WRONGTYPE for
    /// another type.
    fn hash_get(&self, key: &[u8], field: &[u8], now: i64) -> Result<Option<&[u8]>, CommandError> {
        Ok(self
            .live_hash(key, now)?
            .and_then(|e| field_of(e, field))
            .filter(|_| !self.field_expired(key, field, now)))
    }

    /// Whether `field` of the hash at `key` has a TTL that ran out at `now` (a read hides it
    /// until a write or a purge removes it).
    fn field_expired(&self, key: &[u8], field: &[u8], now: i64) -> bool {
        self.field_ttls
            .get(key)
            .is_some_and(|t| t.is_expired(field, now))
    }

    /// The field TTLs of the hash at `key` if any field expired at `now`: what reads must
    /// filter out.
    fn expired_fields_of(&self, key: &[u8], now: i64) -> Option<&FieldTtls> {
        self.field_ttls
            .get(key)
            .filter(|t| t.soonest().is_some_and(|at| at <= now))
    }

    /// Whether `e` is a hash every field of which expired at `now`: it reads as missing. That
    /// is when every field has a TTL (the map names only stored fields) and the latest passed.
    fn all_fields_expired(&self, e: &Slot, now: i64) -> bool {
        self.field_ttls
            .get(e.key())
            .is_some_and(|t| t.latest().is_some_and(|at| at <= now) && t.len() >= hash_len(e))
    }

    /// The number of fields of the hash `e` that are live at `now`.
    fn live_hash_len(&self, e: &Slot, now: i64) -> usize {
        let expired = self
            .expired_fields_of(e.key(), now)
            .map_or(0, |t| t.expired_count(now));
        hash_len(e) - expired
    }

    /// The fields and values of the hash `e`, in order, without those expired at `now`.
    fn live_fields_of<'a>(&self, e: &'a Slot, now: i64) -> Vec<(&'a [u8], &'a [u8])> {
        let mut fields = fields_of(e);
        if let Some(ttls) = self.expired_fields_of(e.key(), now) {
            fields.retain(|(f, _)| !ttls.is_expired(f, now));
        }
        fields
    }

    /// Removes the fields of the hash at `key` that expired at `now`, and the key if none is
    /// left: what a write to a hash does first, so that no write sees an expired field. Every
    /// replica does it at the same batch time.
    fn settle_fields(&mut self, key: &[u8], now: i64) {
        self.settle_fields_upto(key, now, usize::MAX);
    }

    /// [`KvState::settle_fields`] for at most `max` fields, the soonest expired first; returns
    /// how many it removed. A purge removes a bounded number per log entry, so that one hash
    /// with a million expired fields does not stall a node's turn (the rest stay hidden from
    /// reads, and go with the next purges).
    fn settle_fields_upto(&mut self, key: &[u8], now: i64, max: usize) -> usize {
        let Some(ttls) = self.expired_fields_of(key, now) else {
            return 0;
        };
        let gone: Vec<Bytes> = ttls.expired(now).take(max).cloned().collect();
        let remove: Vec<&[u8]> = gone.iter().map(Bytes::as_ref).collect();
        let packed_rest = match self.table.get(key) {
            // An expired key goes whole, with its purge.
            Some(e) if !is_live(e, now) => return 0,
            Some(e) if e.value_type() == ValueType::Hash => match e.big() {
                Some(_) => None,
                None => Some(hash::without(e.value(), &remove).0),
            },
            _ => {
                // Not a hash any more: its TTLs should have gone with it.
                self.field_ttls.remove(key);
                return 0;
            }
        };
        self.expired_fields += gone.len() as u64;
        self.field_ttls.update(key, |t| {
            for f in &remove {
                t.remove(f);
            }
        });
        match packed_rest {
            Some(rest) => self.store_hash(key, &rest, now),
            None => {
                // `change_big` deletes the key once it is empty.
                self.change_big(key, now, |big| {
                    if let Some(stored) = big.hash_mut() {
                        for f in &remove {
                            stored.remove(f);
                        }
                    }
                });
            }
        }
        // With the key's `del` after it if they were its last fields (see `notify`).
        self.notify(notify::HASH, "hexpired", key);
        gone.len()
    }

    /// Sets `pairs` in order in the hash at `key` (live or missing; the caller checked its
    /// type), creating it if needed; returns how many fields were new.
    fn hash_set(&mut self, key: &[u8], pairs: &[(&[u8], &[u8])], now: i64) -> usize {
        let changed = self.change_big(key, now, |big| {
            let Some(fields) = big.hash_mut() else {
                return 0;
            };
            pairs
                .iter()
                .filter(|(f, v)| {
                    fields
                        .insert_typed(f, v, ValueType::String, None, 0)
                        .is_none()
                })
                .count()
        });
        if let Some(added) = changed {
            return added;
        }
        let old = self.live(key, now).map_or(&[][..], Slot::value);
        let (fields, added) = hash::with_set(old, pairs);
        self.store_hash(key, &fields, now);
        added
    }

    /// Removes `fields` from the hash at `key` (live, or missing), and the key once it is
    /// empty; returns how many were there.
    fn hash_remove(&mut self, key: &[u8], fields: &[&[u8]], now: i64) -> usize {
        let Some(e) = self.live(key, now) else {
            return 0;
        };
        let removed = if let Some(stored) = e.big().and_then(Big::hash) {
            let mut seen = BTreeSet::new();
            let todo: Vec<&[u8]> = fields
                .iter()
                .copied()
                .filter(|f| stored.get(f).is_some() && seen.insert(*f))
                .collect();
            if !todo.is_empty() {
                self.change_big(key, now, |big| {
                    if let Some(stored) = big.hash_mut() {
                        for f in &todo {
                            stored.remove(f);
                        }
                    }
                });
            }
            todo.len()
        } else {
            let (rest, removed) = hash::without(e.value(), fields);
            if removed > 0 {
                self.store_hash(key, &rest, now);
            }
            removed
        };
        self.forget_field_ttls(key, fields.iter().copied());
        removed
    }

    /// Drops the TTLs of `fields` of the hash at `key`, if they have any.
    fn forget_field_ttls<'a>(&mut self, key: &[u8], fields: impl Iterator<Item = &'a [u8]>) {
        if self.field_ttls.get(key).is_some() {
            self.field_ttls.update(key, |t| {
                for f in fields {
                    t.remove(f);
                }
            });
        }
    }

    /// Marks the stored `key` as modified without changing its value (a field TTL changed):
    /// a new WATCH version, and tracking clients told.
    fn touch(&mut self, key: &[u8]) {
        let version = self.next_version();
        let expire = self.table.get(key).and_then(Slot::expire_at_ms);
        if self.table.set_expire(key, expire, version).is_some() {
            self.note_modified(key);
        }
    }

    /// Whether the set at `key` (a live one) holds `member`.
    fn set_has(e: &Slot, member: &[u8]) -> bool {
        match e.big().and_then(Big::set) {
            Some(members) => members.get(member).is_some(),
            None => packed::strings(e.value().get(1..).unwrap_or_default()).any(|m| m == member),
        }
    }

    /// Adds `given` to (or with `add` false, removes it from) the set at `key`; returns how
    /// many members came or went. WRONGTYPE for another type.
    fn set_change(
        &mut self,
        key: &[u8],
        given: &[&[u8]],
        add: bool,
        now: i64,
    ) -> Result<usize, CommandError> {
        let Some(e) = self.live_typed(key, now, ValueType::Set)? else {
            if !add {
                return Ok(0);
            }
            let (members, added) = set::added(&[], given);
            self.store_parts(key, &set::pack(members), ValueType::Set, now);
            return Ok(added);
        };
        if e.big().is_some() {
            // The members that change, each once.
            let mut seen = BTreeSet::new();
            let todo: Vec<&[u8]> = given
                .iter()
                .copied()
                .filter(|m| Self::set_has(e, m) != add && seen.insert(*m))
                .collect();
            if !todo.is_empty() {
                self.change_big(key, now, |big| {
                    let Some(members) = big.set_mut() else {
                        return;
                    };
                    for m in &todo {
                        if add {
                            members.insert_typed(m, b"", ValueType::String, None, 0);
                        } else {
                            members.remove(m);
                        }
                    }
                });
            }
            return Ok(todo.len());
        }
        let old = e.value();
        let current = set::members(old);
        let (members, changed) = if add {
            set::added(&current, given)
        } else {
            set::removed(&current, given)
        };
        if changed > 0 {
            let parts = set::pack_after(old, members);
            self.store_parts(key, &parts, ValueType::Set, now);
        }
        Ok(changed)
    }

    /// The score of `member` in the sorted set `e`.
    fn zset_score(e: &Slot, member: &[u8]) -> Option<f64> {
        match e.big().and_then(Big::zset) {
            Some(scores) => scores.score(member),
            None => zset::entries(e.value())
                .into_iter()
                .find(|(_, m)| *m == member)
                .map(|(score, _)| score),
        }
    }

    /// Pops up to `n` members from the low end of the sorted set at `key`, or with `max` from
    /// the high end; returns them in the order they came off (none for a missing key).
    /// WRONGTYPE for another type.
    fn zpop(
        &mut self,
        key: &[u8],
        max: bool,
        n: usize,
        now: i64,
    ) -> Result<Vec<(f64, Bytes)>, CommandError> {
        let Some(e) = self.live_typed(key, now, ValueType::SortedSet)? else {
            return Ok(Vec::new());
        };
        if n == 0 {
            return Ok(Vec::new());
        }
        if e.big().is_some() {
            let popped = self.change_big(key, now, |big| {
                big.zset_mut().map(|z| z.pop(max, n)).unwrap_or_default()
            });
            return Ok(popped
                .unwrap_or_default()
                .into_iter()
                .map(|(score, member)| (score, Bytes::from(Vec::from(member))))
                .collect());
        }
        let mut items = zset::entries(e.value());
        if max {
            items.reverse();
        }
        let kept = items.split_off(n.min(items.len()));
        let popped = items
            .into_iter()
            .map(|(score, member)| (score, Bytes::copy_from_slice(member)))
            .collect();
        let parts = zset::pack(kept);
        self.store_parts(key, &parts, ValueType::SortedSet, now);
        Ok(popped)
    }

    /// Removes `members` (each once, all present) from the big sorted set at `key`.
    fn zrem_big(&mut self, key: &[u8], members: &[&[u8]], now: i64) {
        if members.is_empty() {
            return;
        }
        self.change_big(key, now, |big| {
            if let Some(z) = big.zset_mut() {
                for m in members {
                    z.remove(m);
                }
            }
        });
    }

    /// Applies `change` to the big value at `key` as one modification: a new version, blocked
    /// clients told of a stored list, set or sorted set, and the key deleted once empty. Returns `None`, changing
    /// nothing, when `key` holds no big value.
    fn change_big<R>(
        &mut self,
        key: &[u8],
        now: i64,
        change: impl FnOnce(&mut Big) -> R,
    ) -> Option<R> {
        let value_type = self.live(key, now)?.big()?.value_type();
        let version = self.next_version();
        let (result, left) = self.table.update_big(key, version, change)?;
        self.note_modified(key);
        if left == 0 {
            self.remove_emptied(key, now);
        } else if self.track_stores && value_type != ValueType::Hash {
            self.stored.push(Bytes::copy_from_slice(key));
        }
        Some(result)
    }

    /// What HSCAN or SSCAN scans: the live slot of `key` (`None` for a missing key, which
    /// scans as empty); WRONGTYPE for another type; and, as in Redis, the options' error only
    /// when the key holds the right type.
    fn scanned(
        &self,
        key: &[u8],
        now: i64,
        value_type: ValueType,
        options_error: &Option<CommandError>,
    ) -> Result<Option<&Slot>, CommandError> {
        let found = self.live_typed(key, now, value_type)?;
        match options_error {
            Some(error) if found.is_some() => Err(error.clone()),
            _ => Ok(found),
        }
    }

    /// The live slot of `key` if its value is of `value_type`; WRONGTYPE if it is not.
    fn live_typed(
        &self,
        key: &[u8],
        now: i64,
        value_type: ValueType,
    ) -> Result<Option<&Slot>, CommandError> {
        match self.live(key, now) {
            Some(e) if e.value_type() != value_type => Err(CommandError::WrongType),
            found => Ok(found),
        }
    }

    /// The live string value of `key`; WRONGTYPE if it holds something else.
    fn live_value(&self, key: &[u8], now: i64) -> Result<Option<Bytes>, CommandError> {
        Ok(self
            .live_string(key, now)?
            .map(|e| Bytes::copy_from_slice(e.value())))
    }

    fn next_version(&mut self) -> u64 {
        self.version_counter += 1;
        self.version_counter
    }

    /// Moves `key`'s entry in the expiry index from `old` to `new`.
    fn reindex_expiry(&mut self, key: &[u8], old: Option<i64>, new: Option<i64>) {
        if old == new {
            return;
        }
        let key = Bytes::copy_from_slice(key);
        if let Some(at) = old {
            self.expiries.remove(&(at, key.clone()));
        }
        if let Some(at) = new {
            self.expiries.insert((at, key));
        }
    }

    /// Drops a stored key and its expiry index entry; returns whether it was stored and live
    /// at `now`. Any removal moves the key's deletion version, expired keys' too: a client
    /// that WATCHed the key while it was missing must see that it was created in between,
    /// even if it has expired and gone again by EXEC.
    fn remove(&mut self, key: &[u8], now: i64) -> Option<bool> {
        self.note_stream_gone(key);
        let expire = self.table.remove(key)?;
        self.note_modified(key);
        self.reindex_expiry(key, expire, None);
        self.field_ttls.remove(key);
        self.deleted_version = self.next_version();
        // The key is hashed only in a keyspace that keeps buckets.
        if self.deleted_buckets.is_some() {
            let bucket = self.deletion_bucket(key);
            if let Some(buckets) = &mut self.deleted_buckets {
                buckets[bucket] = self.deleted_version;
            }
        }
        Some(expire.is_none_or(|at| at > now))
    }

    /// The strings LCS compares (empty for a missing key), or its error if either key holds
    /// another type.
    fn lcs_values(&self, a: &[u8], b: &[u8], now: i64) -> Result<(Bytes, Bytes), CommandError> {
        let not_strings = CommandError::Message("The specified keys must contain string values");
        let a = self.live_string(a, now).map_err(|_| not_strings.clone())?;
        let b = self.live_string(b, now).map_err(|_| not_strings)?;
        let copy = |e: Option<&Slot>| Bytes::copy_from_slice(e.map_or(&[], Slot::value));
        Ok((copy(a), copy(b)))
    }

    /// Notes `key` for blocked clients if it holds a stream about to go (deleted, expired or
    /// overwritten): a blocked XREADGROUP then answers that it is gone, as in Redis.
    fn note_stream_gone(&mut self, key: &[u8]) {
        if self.track_stores
            && self
                .table
                .get(key)
                .is_some_and(|e| e.value_type() == ValueType::Stream)
        {
            self.stored.push(Bytes::copy_from_slice(key));
        }
    }

    /// Removes `key` if it is stored but expired (lazy expiry); invisible to clients.
    fn expire_if_needed(&mut self, key: &[u8], now: i64) {
        if self.table.get(key).is_some_and(|e| !is_live(e, now)) {
            self.remove(key, now);
            self.notify(notify::EXPIRED, "expired", key);
        }
    }

    /// Deletes `key`; returns whether it was live. One stored but expired is told as
    /// `expired`, as Redis's lookup before a deletion does.
    fn delete(&mut self, key: &[u8], now: i64) -> bool {
        match self.remove(key, now) {
            Some(true) => true,
            Some(false) => {
                self.notify(notify::EXPIRED, "expired", key);
                false
            }
            None => false,
        }
    }

    /// Deletes `key`, a container the running command emptied; its `del` event follows the
    /// command's event on it (see [`KvState::notify`]).
    fn remove_emptied(&mut self, key: &[u8], now: i64) {
        if self.delete(key, now) && self.notify_flags != 0 {
            self.emptied.push(Bytes::copy_from_slice(key));
        }
    }

    /// Stores `value` under `key` with the given expiry, or deletes the key when that expiry
    /// is not after `now` (as Redis does for a SET with a past EXAT).
    fn store(&mut self, key: &[u8], value: Bytes, expire: Option<i64>, now: i64) {
        self.store_typed(key, &value, ValueType::String, expire, now);
    }

    /// [`KvState::store`] for a value of any type.
    fn store_typed(
        &mut self,
        key: &[u8],
        value: &[u8],
        value_type: ValueType,
        expire: Option<i64>,
        now: i64,
    ) {
        // Redis's `new` event: the key is created (an expired one goes first).
        if self.notify_flags != 0 {
            match self.table.get(key).map(|e| is_live(e, now)) {
                Some(true) => {}
                Some(false) => {
                    self.notify(notify::EXPIRED, "expired", key);
                    self.notify(notify::NEW, "new", key);
                }
                None => self.notify(notify::NEW, "new", key),
            }
        }
        if expire.is_some_and(|at| at <= now) {
            // Its events are told above.
            self.remove(key, now);
            return;
        }
        if self.track_stores
            && matches!(
                value_type,
                ValueType::List | ValueType::Set | ValueType::SortedSet | ValueType::Stream
            )
        {
            self.stored.push(Bytes::copy_from_slice(key));
        } else {
            self.note_stream_gone(key);
        }
        self.note_modified(key);
        let version = self.next_version();
        // The table copies key and value, so a stored value never pins the log entry it was
        // decoded from.
        let old = self
            .table
            .insert_typed(key, value, value_type, expire, version)
            .flatten();
        self.reindex_expiry(key, old, expire);
        // A new value: no field TTLs carry over (a hash's own writes keep them, see
        // `store_hash`).
        self.field_ttls.remove(key);
    }

    /// Replaces the fields of the hash at `key` with the buffer `fields` (see `kv::hash`),
    /// keeping its expiry; an empty buffer deletes the key, as Redis never keeps an empty hash.
    fn store_hash(&mut self, key: &[u8], fields: &[u8], now: i64) {
        let kept = self.field_ttls.remove(key);
        self.store_parts(key, fields, ValueType::Hash, now);
        if let Some(mut ttls) = kept
            && !fields.is_empty()
        {
            let present: BTreeSet<&[u8]> = hash::entries(fields).map(|(f, _)| f).collect();
            std::sync::Arc::make_mut(&mut ttls).retain(|f| present.contains(f));
            self.field_ttls.insert(key, ttls);
        }
    }

    /// Replaces the value at `key` with the packed buffer `parts` of a hash or list, keeping
    /// the key's expiry; an empty buffer deletes the key (Redis keeps no empty hash or list).
    fn store_parts(&mut self, key: &[u8], parts: &[u8], value_type: ValueType, now: i64) {
        if parts.is_empty() {
            self.remove_emptied(key, now);
            return;
        }
        let expire = self.live(key, now).and_then(Slot::expire_at_ms);
        self.store_typed(key, parts, value_type, expire, now);
    }

    /// Pushes `new` onto the list at `key` (a live list, or missing), at the head (each in turn,
    /// as LPUSH does) or the tail; returns the list's new length. A packed list is copied
    /// once, never taken apart into elements; a big one copies one run at each end.
    fn push_list(&mut self, key: &[u8], new: &[&[u8]], head: bool, now: i64) -> usize {
        let pushed = self.change_big(key, now, |big| {
            let Some(elements) = big.list_mut() else {
                return 0;
            };
            for element in new {
                elements.push(element, head);
            }
            elements.len()
        });
        if let Some(len) = pushed {
            return len;
        }
        let added = list::packed_push(new, head);
        let Some(e) = self.live(key, now) else {
            self.store_typed(key, &added, ValueType::List, None, now);
            return new.len();
        };
        let len = list::len(e.value()) + new.len();
        if len >= big::LIST_MIN {
            // The list grows into runs: store it whole, once.
            let old = e.value();
            let mut parts = Vec::with_capacity(old.len() + added.len());
            let (first, second) = if head {
                (&added[..], old)
            } else {
                (old, &added[..])
            };
            parts.extend_from_slice(first);
            parts.extend_from_slice(second);
            self.store_parts(key, &parts, ValueType::List, now);
            return len;
        }
        let keep = 0..e.value().len();
        let (prefix, suffix): (&[u8], &[u8]) = if head { (&added, &[]) } else { (&[], &added) };
        self.splice_list(key, prefix, keep, suffix, now);
        len
    }

    /// Pops up to `n` elements from the head or the tail of the list at `key`, in the order
    /// they come off; `None` if there is no such list (WRONGTYPE if another type is there).
    /// Copies what stays once; deletes the key when it empties.
    fn pop_list(
        &mut self,
        key: &[u8],
        head: bool,
        n: usize,
        now: i64,
    ) -> Result<Option<Vec<Bytes>>, CommandError> {
        let Some(e) = self.live_list(key, now)? else {
            return Ok(None);
        };
        if e.big().is_some() {
            if n == 0 {
                return Ok(Some(Vec::new()));
            }
            let taken = self.change_big(key, now, |big| {
                let Some(elements) = big.list_mut() else {
                    return Vec::new();
                };
                std::iter::from_fn(|| elements.pop(head).map(Bytes::from))
                    .take(n)
                    .collect()
            });
            return Ok(taken);
        }
        let buf = e.value();
        let (taken, keep) = if head {
            let split = list::offset_after(buf, n);
            let taken: Vec<Bytes> = list::elements(&buf[..split])
                .into_iter()
                .map(Bytes::copy_from_slice)
                .collect();
            (taken, split..buf.len())
        } else {
            let len = list::len(buf);
            let split = list::offset_after(buf, len.saturating_sub(n));
            let taken: Vec<Bytes> = list::elements(&buf[split..])
                .into_iter()
                .rev()
                .map(Bytes::copy_from_slice)
                .collect();
            (taken, 0..split)
        };
        if !taken.is_empty() {
            self.splice_list(key, &[], keep, &[], now);
        }
        Ok(Some(taken))
    }

    /// Makes the stored list at `key` `prefix`, then the bytes `keep` of its buffer, then
    /// `suffix`; deletes the key when nothing is left.
    fn splice_list(
        &mut self,
        key: &[u8],
        prefix: &[u8],
        keep: std::ops::Range<usize>,
        suffix: &[u8],
        now: i64,
    ) {
        if prefix.is_empty() && keep.is_empty() && suffix.is_empty() {
            self.remove_emptied(key, now);
            return;
        }
        if self.track_stores {
            self.stored.push(Bytes::copy_from_slice(key));
        }
        self.note_modified(key);
        let version = self.next_version();
        self.table.splice(key, version, prefix, keep, suffix);
    }

    /// What a ZRANGE query on `key` selects, in the order it answers them.
    fn zrange_picked(
        &self,
        key: &[u8],
        range: &ZRange,
        rev: bool,
        limit: Option<(i64, i64)>,
        now: i64,
    ) -> Result<Vec<(f64, &[u8])>, CommandError> {
        let picked = self
            .live_typed(key, now, ValueType::SortedSet)?
            .and_then(Slot::big)
            .and_then(Big::zset)
            .and_then(|scores| scores.range(range, rev, limit));
        if let Some(picked) = picked {
            return Ok(picked);
        }
        let mut ordered = self.zset_entries(key, now)?;
        if rev {
            ordered.reverse();
        }
        Ok(zset_selected(&ordered, range, limit)
            .into_iter()
            .map(|i| ordered[i])
            .collect())
    }

    /// What SORT answers (or stores), as Redis 7.0's `sortCommandGeneric` computes it: the
    /// elements of the list, set or sorted set at `key`, sorted by number (ties by the
    /// element's bytes), or as strings with ALPHA, by themselves or by the values BY's pattern
    /// names (a missing one sorts as 0, or first under ALPHA), not at all when BY's pattern has
    /// no `*`; then LIMIT's slice, and each element replaced by what the GET patterns name
    /// (`None` where nothing is there).
    fn sort_values(
        &self,
        key: &[u8],
        options: &SortOptions,
        store: bool,
        now: i64,
    ) -> Result<Vec<Option<Bytes>>, CommandError> {
        let (mut elements, value_type) = match self.live(key, now) {
            None => (Vec::new(), ValueType::List),
            Some(e) => match e.value_type() {
                ValueType::List => (list::elements(e.value()), ValueType::List),
                ValueType::Set => (set::members(e.value()), ValueType::Set),
                ValueType::SortedSet => (
                    zset::entries(e.value())
                        .into_iter()
                        .map(|(_, m)| m)
                        .collect(),
                    ValueType::SortedSet,
                ),
                _ => return Err(CommandError::WrongType),
            },
        };
        let SortOptions {
            limit,
            ref get,
            desc,
            ..
        } = *options;
        let (mut by, mut alpha, mut dont_sort) =
            (options.by.as_ref(), options.alpha, options.dont_sort);
        // A stored set must come out in an order replicas agree on (Redis: ALPHA).
        if dont_sort && value_type == ValueType::Set && store {
            (dont_sort, alpha, by) = (false, true, None);
        }
        let len = elements.len() as i64;
        let (offset, count) = limit.unwrap_or((0, -1));
        let mut start = offset.max(0);
        let mut end = if count < 0 {
            len - 1
        } else {
            start.saturating_add(count) - 1
        };
        if start >= len {
            (start, end) = (len - 1, len - 2);
        }
        end = end.min(len - 1);
        if dont_sort && value_type != ValueType::Set {
            // A list or sorted set keeps its own order, reversed for DESC; a set ignores DESC.
            if desc {
                elements.reverse();
            }
            if start != 0 || end != len - 1 {
                let n = usize::try_from(end - start + 1).unwrap_or(0);
                let skip = usize::try_from(start).unwrap_or(0);
                elements = elements.into_iter().skip(skip).take(n).collect();
                (start, end) = (0, end - start);
            }
        }
        if !dont_sort {
            elements = self.sort_elements(elements, by, alpha, desc, now)?;
        }
        let mut out = Vec::new();
        let (Ok(first), Ok(last)) = (usize::try_from(start), usize::try_from(end)) else {
            return Ok(out);
        };
        for &element in elements.get(first..=last).unwrap_or(&[]) {
            if get.is_empty() {
                out.push(Some(Bytes::copy_from_slice(element)));
            }
            for pattern in get {
                out.push(
                    self.pattern_value(pattern, element, now)
                        .map(Bytes::copy_from_slice),
                );
            }
        }
        Ok(out)
    }

    /// SORT's comparison of `elements`: see [`KvState::sort_values`].
    fn sort_elements<'a>(
        &'a self,
        elements: Vec<&'a [u8]>,
        by: Option<&Bytes>,
        alpha: bool,
        desc: bool,
        now: i64,
    ) -> Result<Vec<&'a [u8]>, CommandError> {
        let direction = |o: std::cmp::Ordering| if desc { o.reverse() } else { o };
        if alpha {
            let mut keyed: Vec<(Option<&[u8]>, &[u8])> = elements
                .into_iter()
                .map(|e| (by.map_or(Some(e), |p| self.pattern_value(p, e, now)), e))
                .collect();
            keyed.sort_by(|a, b| direction(a.0.cmp(&b.0)));
            return Ok(keyed.into_iter().map(|(_, e)| e).collect());
        }
        let mut keyed = Vec::with_capacity(elements.len());
        for e in elements {
            let value = match by {
                Some(p) => self.pattern_value(p, e, now),
                None => Some(e),
            };
            let score = match value {
                None => 0.0,
                Some(v) => zset::parse_sort_score(v).ok_or(CommandError::Message(
                    "One or more scores can't be converted into double",
                ))?,
            };
            keyed.push((score, e));
        }
        keyed.sort_by(|a, b| {
            let by_score = a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal);
            direction(by_score.then_with(|| a.1.cmp(b.1)))
        });
        Ok(keyed.into_iter().map(|(_, e)| e).collect())
    }

    /// What a SORT BY or GET `pattern` names for `element`: `#` is the element; otherwise the
    /// first `*` is replaced by the element, and the string at that key is the value, or with
    /// `->field` after the `*`, that field of the hash at that key. `None` when the pattern has
    /// no `*` or nothing of the right type is there.
    fn pattern_value<'a>(
        &'a self,
        pattern: &[u8],
        element: &'a [u8],
        now: i64,
    ) -> Option<&'a [u8]> {
        if pattern == b"#" {
            return Some(element);
        }
        let star = pattern.iter().position(|&b| b == b'*')?;
        let after = &pattern[star + 1..];
        let (suffix, field) = match after.windows(2).position(|w| w == b"->") {
            Some(i) if i + 2 < after.len() => (&after[..i], Some(&after[i + 2..])),
            _ => (after, None),
        };
        let mut key = Vec::with_capacity(star + element.len() + suffix.len());
        key.extend_from_slice(&pattern[..star]);
        key.extend_from_slice(element);
        key.extend_from_slice(suffix);
        let e = self.live(&key, now)?;
        match (field, e.value_type()) {
            (Some(field), ValueType::Hash) => {
                field_of(e, field).filter(|_| !self.field_expired(&key, field, now))
            }
            (None, ValueType::String) => Some(e.value()),
            _ => None,
        }
    }

    /// The HyperLogLog at `key`, `None` if there is none; WRONGTYPE for another type, and
    /// Redis's own errors for a string that is not an HLL or is a damaged one.
    fn hll(&self, key: &[u8], now: i64) -> Result<Option<Registers>, CommandError> {
        let Some(e) = self.live_string(key, now)? else {
            return Ok(None);
        };
        Registers::decode(e.value()).map(Some).map_err(hll_error)
    }

    /// The HyperLogLog string at `key` for changing in place, `None` if there is none;
    /// WRONGTYPE as [`KvState::hll`], but a sparse HLL's runs are only checked as they are
    /// walked (as Redis does).
    fn hll_value(&self, key: &[u8], now: i64) -> Result<Option<Vec<u8>>, CommandError> {
        let Some(e) = self.live_string(key, now)? else {
            return Ok(None);
        };
        hll::check(e.value()).map_err(hll_error)?;
        Ok(Some(e.value().to_vec()))
    }

    /// Stores the HLL string `value` at `key`, keeping the key's expiry.
    fn store_hll(&mut self, key: &[u8], value: &[u8], now: i64) {
        let expire = self.live(key, now).and_then(Slot::expire_at_ms);
        self.store_typed(key, value, ValueType::String, expire, now);
    }

    /// Replaces `dest` with the collection `parts` of `value_type` (deleting it when empty),
    /// dropping any TTL, as Redis's *STORE commands (and SORT's STORE) do whatever `dest` held.
    /// Publishes `event` for `dest` when it was stored, or `del` when an empty result deleted
    /// it (nothing when it was missing and stays so), as Redis does.
    fn store_result(
        &mut self,
        dest: &[u8],
        parts: &[u8],
        value_type: ValueType,
        (class, event): (u32, &'static str),
        now: i64,
    ) {
        if parts.is_empty() {
            if self.delete(dest, now) {
                self.notify(notify::GENERIC, "del", dest);
            }
        } else {
            self.store_typed(dest, parts, value_type, None, now);
            self.notify(class, event, dest);
        }
    }

    /// A sorted set, or a plain set read as one whose scores are all 1; empty for a missing
    /// key, WRONGTYPE for any other type.
    fn zset_or_set(&self, key: &[u8], now: i64) -> Result<Vec<(f64, &[u8])>, CommandError> {
        let Some(e) = self.live(key, now) else {
            return Ok(Vec::new());
        };
        match e.value_type() {
            ValueType::SortedSet => Ok(scored_of(e)),
            ValueType::Set => Ok(members_of(e).into_iter().map(|m| (1.0, m)).collect()),
            _ => Err(CommandError::WrongType),
        }
    }

    /// ZUNION, ZINTER and ZDIFF over `keys` with `weights`, ordered by score and member, as
    /// Redis 7.0 computes them: the union and intersection visit the inputs from the smallest
    /// (so a sum adds in that order), a weighted score that is NaN counts as 0, and the
    /// difference keeps the first input's scores. WRONGTYPE names the first bad input.
    fn zcombine(
        &self,
        op: set::SetOp,
        keys: &[Bytes],
        weights: &[f64],
        aggregate: Aggregate,
        now: i64,
    ) -> Result<Vec<(f64, &[u8])>, CommandError> {
        // Each input: its key, its scored members and its weight.
        let mut inputs: Vec<ZInput<'_, '_>> = Vec::with_capacity(keys.len());
        for (key, &weight) in keys.iter().zip(weights) {
            inputs.push((key, self.zset_or_set(key, now)?, weight));
        }
        let weighted = |score: f64, weight: f64| {
            let w = score * weight;
            if w.is_nan() { 0.0 } else { w }
        };
        let mut result: Vec<(f64, &[u8])> = match op {
            set::SetOp::Diff => {
                let others: std::collections::HashSet<&[u8]> = inputs[1..]
                    .iter()
                    .flat_map(|(_, items, _)| items.iter().map(|&(_, m)| m))
                    .collect();
                inputs[0]
                    .1
                    .iter()
                    .filter(|(_, m)| !others.contains(m))
                    .copied()
                    .collect()
            }
            set::SetOp::Union => {
                inputs.sort_by_key(|(_, items, _)| items.len());
                let mut acc: std::collections::HashMap<&[u8], f64> =
                    std::collections::HashMap::new();
                for (_, items, weight) in &inputs {
                    for &(score, member) in items {
                        let score = weighted(score, *weight);
                        acc.entry(member)
                            .and_modify(|t| *t = aggregate.fold(*t, score))
                            .or_insert(score);
                    }
                }
                acc.into_iter().map(|(m, s)| (s, m)).collect()
            }
            set::SetOp::Inter => {
                inputs.sort_by_key(|(_, items, _)| items.len());
                let lookups: Vec<std::collections::HashMap<&[u8], f64>> = inputs
                    .iter()
                    .map(|(_, items, _)| items.iter().map(|&(s, m)| (m, s)).collect())
                    .collect();
                let (first_key, first, first_weight) = &inputs[0];
                let mut out = Vec::new();
                'members: for &(score, member) in first {
                    let mut total = weighted(score, *first_weight);
                    for (j, (key, _, weight)) in inputs.iter().enumerate().skip(1) {
                        // The same key again contributes the same score, as in Redis.
                        let value = if key == first_key {
                            score * weight
                        } else {
                            match lookups[j].get(member) {
                                Some(s) => s * weight,
                                None => continue 'members,
                            }
                        };
                        total = aggregate.fold(total, value);
                    }
                    out.push((total, member));
                }
                out
            }
        };
        result.sort_by(zset::order);
        Ok(result)
    }

    /// Changes the expiry of a live key (`None` persists it).
    fn set_expire(&mut self, key: &[u8], expire: Option<i64>) {
        let version = self.next_version();
        if let Some(old) = self.table.set_expire(key, expire, version) {
            self.note_modified(key);
            self.reindex_expiry(key, old, expire);
        }
    }

    /// Executes any command (reads included, for transactions) at time `now`.
    fn execute(&mut self, cmd: &Command, now: i64) -> Result<pb::Reply, CommandError> {
        match cmd {
            Command::BitField { key, fields } if bitfield::writes(fields) => {
                let need = bitfield::needed_len(fields);
                let found = self.live_string(key, now)?;
                if found.is_some_and(|e| e.value().len() >= need) {
                    // Every field lies inside the string: changed in place, as SETBIT does.
                    let mut replies = Vec::new();
                    self.note_modified(key);
                    let version = self.next_version();
                    self.table.patch(key, version, |value| {
                        replies = bitfield::run(value, fields);
                    });
                    self.notify(notify::STRING, "setbit", key);
                    return Ok(reply::array(replies));
                }
                let (mut value, expire) = match found {
                    Some(e) => (e.value().to_vec(), e.expire_at_ms()),
                    None => (Vec::new(), None),
                };
                value.resize(need, 0);
                let replies = bitfield::run(&mut value, fields);
                self.store(key, Bytes::from(value), expire, now);
                self.notify(notify::STRING, "setbit", key);
                Ok(reply::array(replies))
            }
            Command::Stream { name, args } => stream::write(self, name, args, now),
            Command::Geo { name, args } => {
                // The searches read their source (GEOSEARCHSTORE's second key) as Redis's
                // read lookups do.
                let source = args.get(if *name == "geosearchstore" { 2 } else { 1 });
                if let Some(source) = source.cloned() {
                    self.note_miss(&source, now);
                }
                match geo::run(self, name, args, now)? {
                    Outcome::Reply(reply) => Ok(reply),
                    Outcome::Store { dest, items } => {
                        let n = items.len();
                        let scored = items.iter().map(|(s, m)| (*s, m.as_ref())).collect();
                        let parts = zset::pack(stored_scores(scored));
                        let event = match *name {
                            "geosearchstore" => "geosearchstore",
                            _ => "georadiusstore",
                        };
                        let event = (notify::ZSET, event);
                        self.store_result(&dest, &parts, ValueType::SortedSet, event, now);
                        Ok(reply::integer(n as i64))
                    }
                }
            }
            Command::Publish {
                channel,
                message,
                shard,
            } => {
                // Copies: the arguments may be slices of a larger buffer (a client's reads,
                // a peer's message), which a slow subscriber's queue would keep alive.
                self.published.push(Published {
                    shard: *shard,
                    channel: Bytes::copy_from_slice(channel),
                    message: Bytes::copy_from_slice(message),
                });
                // The receiving node's session replaces this with its own count of receivers.
                Ok(reply::integer(0))
            }
            Command::Set {
                key,
                value,
                condition,
                get,
                ttl,
            } => {
                self.expire_if_needed(key, now);
                if *get {
                    self.note_miss(key, now);
                }
                let old = self.table.get(key);
                if *get && old.is_some_and(|e| e.value_type() != ValueType::String) {
                    return Err(CommandError::WrongType);
                }
                let old_value = old.map(|e| Bytes::copy_from_slice(e.value()));
                let old_expire = old.and_then(Slot::expire_at_ms);
                let blocked = match condition {
                    SetCondition::Always => false,
                    SetCondition::IfMissing => old.is_some(),
                    SetCondition::IfExists => old.is_none(),
                };
                let answer = |done: bool| {
                    if *get {
                        reply::bulk_or_null(old_value.clone())
                    } else if done {
                        reply::ok()
                    } else {
                        reply::null()
                    }
                };
                if blocked {
                    return Ok(answer(false));
                }
                let expire = match ttl {
                    SetTtl::Clear => None,
                    SetTtl::Keep => old_expire,
                    SetTtl::At(e) => Some(
                        e.resolve(now)
                            .ok_or_else(|| CommandError::InvalidExpire("set".into()))?,
                    ),
                };
                self.store(key, value.clone(), expire, now);
                self.notify(notify::STRING, "set", key);
                if let Some(at) = expire.filter(|_| matches!(ttl, SetTtl::At(_))) {
                    self.notify(notify::GENERIC, "expire", key);
                    if at <= now {
                        // Stored already expired: gone at once.
                        self.notify(notify::EXPIRED, "expired", key);
                    }
                }
                Ok(answer(true))
            }
            Command::SetNx(key, value) => {
                if self.live(key, now).is_some() {
                    return Ok(reply::integer(0));
                }
                self.store(key, value.clone(), None, now);
                self.notify(notify::STRING, "set", key);
                Ok(reply::integer(1))
            }
            Command::GetSet(key, value) => {
                self.note_miss(key, now);
                let old = self.live_value(key, now)?;
                self.store(key, value.clone(), None, now);
                self.notify(notify::STRING, "set", key);
                Ok(reply::bulk_or_null(old))
            }
            Command::GetDel(key) => {
                self.note_miss(key, now);
                let old = self.live_value(key, now)?;
                if self.delete(key, now) {
                    self.notify(notify::GENERIC, "del", key);
                }
                Ok(reply::bulk_or_null(old))
            }
            Command::GetEx(key, ttl) => {
                self.note_miss(key, now);
                let Some(old) = self.live_value(key, now)? else {
                    return Ok(reply::null());
                };
                match ttl {
                    GetExTtl::Unchanged => {}
                    GetExTtl::Refused(why) => return Err(why.error()),
                    GetExTtl::Persist => {
                        if self
                            .live(key, now)
                            .is_some_and(|e| e.expire_at_ms().is_some())
                        {
                            self.set_expire(key, None);
                            self.notify(notify::GENERIC, "persist", key);
                        }
                    }
                    GetExTtl::At(e) => {
                        let at = e
                            .resolve(now)
                            .ok_or_else(|| CommandError::InvalidExpire("getex".into()))?;
                        if at <= now {
                            self.delete(key, now);
                            self.notify(notify::GENERIC, "del", key);
                        } else {
                            self.set_expire(key, Some(at));
                            self.notify(notify::GENERIC, "expire", key);
                        }
                    }
                }
                Ok(reply::bulk(old))
            }
            Command::MSet { pairs, nx } => {
                if *nx && pairs.iter().any(|(k, _)| self.live(k, now).is_some()) {
                    return Ok(reply::integer(0));
                }
                for (k, v) in pairs {
                    self.store(k, v.clone(), None, now);
                    self.notify(notify::STRING, "set", k);
                }
                Ok(if *nx { reply::integer(1) } else { reply::ok() })
            }
            Command::Append(key, suffix) => {
                let (old, expire) = self.value_and_expire(key, now)?;
                if old.len() + suffix.len() > command::MAX_STRING_BYTES {
                    return Err(CommandError::TooLarge);
                }
                let mut value = BytesMut::with_capacity(old.len() + suffix.len());
                value.extend_from_slice(&old);
                value.extend_from_slice(suffix);
                let len = value.len();
                self.store(key, value.freeze(), expire, now);
                self.notify(notify::STRING, "append", key);
                Ok(reply::integer(len as i64))
            }
            Command::SetRange(key, offset, patch) => {
                let end = offset + patch.len();
                if !patch.is_empty()
                    && let Some(len) = self
                        .live_string(key, now)?
                        .map(|e| e.value().len())
                        .filter(|&len| len >= end)
                {
                    // Inside the string: changed in place instead of copied.
                    self.note_modified(key);
                    let version = self.next_version();
                    self.table.patch(key, version, |value| {
                        value[*offset..end].copy_from_slice(patch)
                    });
                    self.notify(notify::STRING, "setrange", key);
                    return Ok(reply::integer(len as i64));
                }
                let (old, expire) = self.value_and_expire(key, now)?;
                if patch.is_empty() {
                    return Ok(reply::integer(old.len() as i64));
                }
                let end = offset + patch.len();
                if end > command::MAX_STRING_BYTES {
                    return Err(CommandError::TooLarge);
                }
                let mut value = BytesMut::from(old.as_ref());
                if value.len() < end {
                    value.resize(end, 0);
                }
                value[*offset..end].copy_from_slice(patch);
                let len = value.len();
                self.store(key, value.freeze(), expire, now);
                self.notify(notify::STRING, "setrange", key);
                Ok(reply::integer(len as i64))
            }
            Command::IncrBy(key, by) => {
                let (old, expire) = self.value_and_expire(key, now)?;
                let current = if self.live(key, now).is_some() {
                    command::parse_i64_strict(&old).ok_or(CommandError::NotInteger)?
                } else {
                    0
                };
                let new = current.checked_add(*by).ok_or(CommandError::Overflow)?;
                self.store(key, Bytes::from(new.to_string()), expire, now);
                self.notify(notify::STRING, "incrby", key);
                Ok(reply::integer(new))
            }
            Command::IncrByFloat(key, by) => {
                let (old, expire) = self.value_and_expire(key, now)?;
                let current = if self.live(key, now).is_some() {
                    command::parse_float(&old)?
                } else {
                    super::longdouble::LongDouble::ZERO
                };
                let by = by.ok_or(CommandError::NotFloat)?;
                let new = current.checked_add(by).ok_or(CommandError::NotFinite)?;
                let text = Bytes::from(new.to_redis_string());
                self.store(key, text.clone(), expire, now);
                self.notify(notify::STRING, "incrbyfloat", key);
                Ok(reply::bulk(text))
            }
            Command::HSet {
                key,
                pairs,
                ok_reply,
            } => {
                let sets: Vec<(&[u8], &[u8])> = pairs
                    .iter()
                    .map(|(f, v)| (f.as_ref(), v.as_ref()))
                    .collect();
                self.live_hash(key, now)?;
                self.settle_fields(key, now);
                let added = self.hash_set(key, &sets, now);
                // A value set anew loses its TTL, as in Redis.
                self.forget_field_ttls(key, sets.iter().map(|(f, _)| *f));
                self.notify(notify::HASH, "hset", key);
                Ok(if *ok_reply {
                    reply::ok()
                } else {
                    reply::integer(added as i64)
                })
            }
            Command::HSetNx(key, field, value) => {
                self.live_hash(key, now)?;
                self.settle_fields(key, now);
                if self.hash_get(key, field, now)?.is_some() {
                    return Ok(reply::integer(0));
                }
                self.hash_set(key, &[(field, value)], now);
                self.notify(notify::HASH, "hset", key);
                Ok(reply::integer(1))
            }
            Command::HDel(key, fields) => {
                if self.live_hash(key, now)?.is_none() {
                    return Ok(reply::integer(0));
                }
                self.settle_fields(key, now);
                let remove: Vec<&[u8]> = fields.iter().map(Bytes::as_ref).collect();
                let removed = self.hash_remove(key, &remove, now);
                if removed > 0 {
                    self.notify(notify::HASH, "hdel", key);
                }
                Ok(reply::integer(removed as i64))
            }
            Command::HExpire {
                key,
                at,
                condition,
                fields,
                error,
            } => {
                self.live_hash(key, now)?;
                if let Some(error) = error {
                    return Err(error.clone());
                }
                let at = at
                    .resolve(now)
                    .ok_or_else(|| CommandError::InvalidExpire("hexpire".into()))?;
                self.settle_fields(key, now);
                let mut results = Vec::with_capacity(fields.len());
                let mut updated = false;
                let mut deleted = false;
                for field in fields {
                    let present = self
                        .live_hash(key, now)?
                        .is_some_and(|e| field_of(e, field).is_some());
                    if !present {
                        results.push(reply::integer(-2));
                        continue;
                    }
                    let current = self.field_ttls.get(key).and_then(|t| t.get(field));
                    if !condition.allows(current, at) {
                        results.push(reply::integer(0));
                    } else if at <= now {
                        self.hash_remove(key, &[field], now);
                        deleted = true;
                        results.push(reply::integer(2));
                    } else {
                        self.field_ttls.update(key, |t| t.set(field, at));
                        updated = true;
                        results.push(reply::integer(1));
                    }
                }
                if updated {
                    self.touch(key);
                }
                // One event, as in Redis: fields deleted outweigh TTLs set.
                if deleted {
                    self.notify(notify::HASH, "hdel", key);
                } else if updated {
                    self.notify(notify::HASH, "hexpire", key);
                }
                Ok(reply::array(results))
            }
            Command::HGetDel { key, fields, error } => {
                self.live_hash(key, now)?;
                if let Some(error) = error {
                    return Err(error.clone());
                }
                self.settle_fields(key, now);
                let mut values = Vec::with_capacity(fields.len());
                let mut deleted = false;
                for field in fields {
                    let value = self
                        .live_hash(key, now)?
                        .and_then(|e| field_of(e, field))
                        .map(Bytes::copy_from_slice);
                    if value.is_some() {
                        self.hash_remove(key, &[field], now);
                        deleted = true;
                    }
                    values.push(reply::bulk_or_null(value));
                }
                if deleted {
                    self.notify(notify::HASH, "hdel", key);
                }
                Ok(reply::array(values))
            }
            Command::HGetEx {
                key,
                ttl,
                fields,
                error,
            } => {
                self.live_hash(key, now)?;
                if let Some(error) = error {
                    return Err(error.clone());
                }
                let at = match ttl {
                    FieldTtlChange::At(at) => Some(
                        at.resolve(now)
                            .ok_or_else(|| CommandError::InvalidExpire("hgetex".into()))?,
                    ),
                    _ => None,
                };
                self.settle_fields(key, now);
                let mut values = Vec::with_capacity(fields.len());
                let mut changed = false;
                let mut deleted = false;
                for field in fields {
                    let value = self
                        .live_hash(key, now)?
                        .and_then(|e| field_of(e, field))
                        .map(Bytes::copy_from_slice);
                    if value.is_some() {
                        match (ttl, at) {
                            (_, Some(at)) if at <= now => {
                                self.hash_remove(key, &[field], now);
                                deleted = true;
                            }
                            (_, Some(at)) => {
                                self.field_ttls.update(key, |t| t.set(field, at));
                                changed = true;
                            }
                            (FieldTtlChange::Persist, _) => {
                                changed |= self
                                    .field_ttls
                                    .get(key)
                                    .is_some_and(|t| t.get(field).is_some());
                                self.forget_field_ttls(key, [field.as_ref()].into_iter());
                            }
                            _ => {}
                        }
                    }
                    values.push(reply::bulk_or_null(value));
                }
                if changed {
                    self.touch(key);
                    let event = match ttl {
                        FieldTtlChange::Persist => "hpersist",
                        _ => "hexpire",
                    };
                    self.notify(notify::HASH, event, key);
                } else if deleted {
                    self.notify(notify::HASH, "hdel", key);
                }
                Ok(reply::array(values))
            }
            Command::HSetEx {
                key,
                condition,
                ttl,
                pairs,
            } => {
                let exists = self.live_hash(key, now)?.is_some();
                self.settle_fields(key, now);
                if *condition != SetCondition::Always {
                    let e = self.live_hash(key, now)?;
                    let found = pairs
                        .iter()
                        .filter(|(f, _)| e.and_then(|e| field_of(e, f)).is_some())
                        .count();
                    let allowed = match condition {
                        SetCondition::IfMissing => found == 0,
                        _ => exists && found == pairs.len(),
                    };
                    if !allowed {
                        return Ok(reply::integer(0));
                    }
                }
                let at = match ttl {
                    FieldTtlChange::At(at) => Some(
                        at.resolve(now)
                            .ok_or_else(|| CommandError::InvalidExpire("hsetex".into()))?,
                    ),
                    _ => None,
                };
                let sets: Vec<(&[u8], &[u8])> = pairs
                    .iter()
                    .map(|(f, v)| (f.as_ref(), v.as_ref()))
                    .collect();
                self.hash_set(key, &sets, now);
                self.notify(notify::HASH, "hset", key);
                let fields = sets.iter().map(|(f, _)| *f);
                match (ttl, at) {
                    (_, Some(at)) if at <= now => {
                        let gone: Vec<&[u8]> = fields.collect();
                        self.hash_remove(key, &gone, now);
                        self.notify(notify::HASH, "hdel", key);
                    }
                    (_, Some(at)) => {
                        self.field_ttls.update(key, |t| {
                            for f in fields {
                                t.set(f, at);
                            }
                        });
                        self.notify(notify::HASH, "hexpire", key);
                    }
                    (FieldTtlChange::Keep, _) => {}
                    _ => self.forget_field_ttls(key, fields),
                }
                Ok(reply::integer(1))
            }
            Command::HPersist { key, fields, error } => {
                self.live_hash(key, now)?;
                if let Some(error) = error {
                    return Err(error.clone());
                }
                self.settle_fields(key, now);
                let Some(e) = self.live_hash(key, now)? else {
                    return Ok(reply::array(vec![reply::integer(-2); fields.len()]));
                };
                let present: Vec<bool> = fields.iter().map(|f| field_of(e, f).is_some()).collect();
                let mut results = Vec::with_capacity(fields.len());
                let mut changed = false;
                for (field, present) in fields.iter().zip(present) {
                    let code = if !present {
                        -2
                    } else if self.field_ttls.get(key).and_then(|t| t.get(field)).is_none() {
                        -1
                    } else {
                        self.field_ttls.update(key, |t| t.remove(field));
                        changed = true;
                        1
                    };
                    results.push(reply::integer(code));
                }
                if changed {
                    self.touch(key);
                    self.notify(notify::HASH, "hpersist", key);
                }
                Ok(reply::array(results))
            }
            Command::HIncrBy(key, field, by) => {
                self.live_hash(key, now)?;
                self.settle_fields(key, now);
                let current = match self.hash_get(key, field, now)? {
                    Some(v) => command::parse_i64_strict(v).ok_or(CommandError::HashNotInteger)?,
                    None => 0,
                };
                let new = current.checked_add(*by).ok_or(CommandError::Overflow)?;
                let text = new.to_string();
                self.hash_set(key, &[(field, text.as_bytes())], now);
                self.notify(notify::HASH, "hincrby", key);
                Ok(reply::integer(new))
            }
            Command::HIncrByFloat(key, field, by) => {
                self.live_hash(key, now)?;
                self.settle_fields(key, now);
                let current = match self.hash_get(key, field, now)? {
                    Some(v) => command::parse_float(v).map_err(|_| CommandError::HashNotFloat)?,
                    None => LongDouble::ZERO,
                };
                let new = current.checked_add(*by).ok_or(CommandError::NotFinite)?;
                let text = Bytes::from(new.to_redis_string());
                self.hash_set(key, &[(field, &text)], now);
                self.notify(notify::HASH, "hincrbyfloat", key);
                Ok(reply::bulk(text))
            }
            Command::Push {
                key,
                elements,
                head,
                existing_only,
            } => {
                let exists = self.live_list(key, now)?.is_some();
                if *existing_only && !exists {
                    return Ok(reply::integer(0));
                }
                let new: Vec<&[u8]> = elements.iter().map(Bytes::as_ref).collect();
                let len = self.push_list(key, &new, *head, now);
                self.notify(notify::LIST, push_event(*head), key);
                Ok(reply::integer(len as i64))
            }
            Command::Pop { key, head, count } => {
                let Some(mut taken) = self.pop_list(key, *head, count.unwrap_or(1), now)? else {
                    return Ok(match count {
                        Some(_) => reply::null_array(),
                        None => reply::null(),
                    });
                };
                self.notify(notify::LIST, pop_event(*head), key);
                Ok(match count {
                    Some(_) => reply::array(taken.into_iter().map(reply::bulk).collect()),
                    None => reply::bulk_or_null(taken.pop()),
                })
            }
            Command::LSet(key, index, element) => {
                let Some(e) = self.live_list(key, now)? else {
                    return Err(CommandError::NoSuchKey);
                };
                let index = command::parse_i64(index)?;
                if let Some(elements) = e.big().and_then(Big::list) {
                    let at = list::position(elements.len(), index)
                        .ok_or(CommandError::IndexOutOfRange)?;
                    self.change_big(key, now, |big| {
                        big.list_mut().map(|elements| elements.set(at, element))
                    });
                    self.notify(notify::LIST, "lset", key);
                    return Ok(reply::ok());
                }
                let mut items = list::elements(e.value());
                let at = list::position(items.len(), index).ok_or(CommandError::IndexOutOfRange)?;
                items[at] = element;
                let parts = list::pack(&items);
                self.store_parts(key, &parts, ValueType::List, now);
                self.notify(notify::LIST, "lset", key);
                Ok(reply::ok())
            }
            Command::LRem(key, count, element) => {
                let Some(e) = self.live_list(key, now)? else {
                    return Ok(reply::integer(0));
                };
                let (rest, gone) = list::removed(&list::elements(e.value()), *count, element);
                if gone > 0 {
                    let parts = list::pack(&rest);
                    self.store_parts(key, &parts, ValueType::List, now);
                    self.notify(notify::LIST, "lrem", key);
                }
                Ok(reply::integer(gone as i64))
            }
            Command::LTrim(key, start, stop) => {
                let Some(e) = self.live_list(key, now)? else {
                    return Ok(reply::ok());
                };
                let len = e.big().map(Big::len);
                if let Some((len, (first, last))) =
                    len.zip(list::range(len.unwrap_or(0), *start, *stop))
                {
                    if last + 1 - first < len {
                        self.change_big(key, now, |big| {
                            if let Some(elements) = big.list_mut() {
                                elements.drop_end(len - 1 - last, false);
                                elements.drop_end(first, true);
                            }
                        });
                    }
                    // Even when nothing went, as in Redis.
                    self.notify(notify::LIST, "ltrim", key);
                    return Ok(reply::ok());
                }
                let items = list::elements(e.value());
                let kept = match list::range(items.len(), *start, *stop) {
                    Some((first, last)) => &items[first..=last],
                    None => &[][..],
                };
                if kept.len() < items.len() {
                    let parts = list::pack(kept);
                    self.store_parts(key, &parts, ValueType::List, now);
                }
                self.notify(notify::LIST, "ltrim", key);
                Ok(reply::ok())
            }
            Command::LInsert {
                key,
                before,
                pivot,
                element,
            } => {
                let Some(e) = self.live_list(key, now)? else {
                    return Ok(reply::integer(0));
                };
                let mut items = list::elements(e.value());
                let Some(at) = items.iter().position(|x| *x == pivot.as_ref()) else {
                    return Ok(reply::integer(-1));
                };
                items.insert(if *before { at } else { at + 1 }, element);
                let len = items.len();
                let parts = list::pack(&items);
                self.store_parts(key, &parts, ValueType::List, now);
                self.notify(notify::LIST, "linsert", key);
                Ok(reply::integer(len as i64))
            }
            Command::MPop {
                keys,
                head,
                count,
                single,
            } => {
                for key in keys {
                    let Some(mut taken) = self.pop_list(key, *head, *count, now)? else {
                        continue;
                    };
                    self.notify(notify::LIST, pop_event(*head), key);
                    let popped = if *single {
                        reply::bulk_or_null(taken.pop())
                    } else {
                        reply::array(taken.into_iter().map(reply::bulk).collect())
                    };
                    return Ok(reply::array(vec![reply::bulk(key.clone()), popped]));
                }
                Ok(reply::null_array())
            }
            Command::ZMPop {
                keys,
                max,
                count,
                single,
            } => {
                for key in keys {
                    let items = self.zpop(key, *max, *count, now)?;
                    if items.is_empty() {
                        continue;
                    }
                    self.notify(notify::ZSET, zpop_event(*max), key);
                    let member = |(score, member): &(f64, Bytes)| {
                        [reply::bulk(member.clone()), reply::double(*score)]
                    };
                    let popped = if *single {
                        let mut flat = vec![reply::bulk(key.clone())];
                        flat.extend(member(&items[0]));
                        reply::array(flat)
                    } else {
                        let pairs = items.iter().map(|m| reply::array(member(m).into()));
                        reply::array(vec![
                            reply::bulk(key.clone()),
                            reply::array(pairs.collect()),
                        ])
                    };
                    return Ok(popped);
                }
                Ok(reply::null_array())
            }
            Command::LMove {
                from,
                to,
                from_head,
                to_head,
            } => {
                let Some(source) = self.live_list(from, now)? else {
                    return Ok(reply::null());
                };
                if from == to {
                    // A rotation: the element goes back onto the same list, which therefore
                    // never empties (and keeps its expiry).
                    if source.big().is_some() {
                        let moved = self.change_big(from, now, |big| {
                            let elements = big.list_mut()?;
                            let moved = elements.pop(*from_head)?;
                            elements.push(&moved, *to_head);
                            Some(moved)
                        });
                        self.notify(notify::LIST, push_event(*to_head), to);
                        self.notify(notify::LIST, pop_event(*from_head), from);
                        return Ok(reply::bulk_or_null(moved.flatten().map(Bytes::from)));
                    }
                    let buf = source.value();
                    let (element, keep) = if *from_head {
                        let split = list::offset_after(buf, 1);
                        (&buf[..split], split..buf.len())
                    } else {
                        let split = list::offset_after(buf, list::len(buf).saturating_sub(1));
                        (&buf[split..], 0..split)
                    };
                    let (moved, _) = packed::take(element).unwrap_or_default();
                    let moved = Bytes::copy_from_slice(moved);
                    let element = element.to_vec();
                    let (prefix, suffix): (&[u8], &[u8]) = if *to_head {
                        (&element, &[])
                    } else {
                        (&[], &element)
                    };
                    self.splice_list(from, prefix, keep, suffix, now);
                    self.notify(notify::LIST, push_event(*to_head), to);
                    self.notify(notify::LIST, pop_event(*from_head), from);
                    return Ok(reply::bulk(moved));
                }
                // The destination's type is checked before anything moves.
                self.live_list(to, now)?;
                let Some(moved) = self
                    .pop_list(from, *from_head, 1, now)?
                    .and_then(|mut taken| taken.pop())
                else {
                    return Ok(reply::null());
                };
                self.push_list(to, &[&moved], *to_head, now);
                // The destination's event first, then the source's (and its `del`), as in
                // Redis.
                self.notify(notify::LIST, push_event(*to_head), to);
                self.notify(notify::LIST, pop_event(*from_head), from);
                Ok(reply::bulk(moved))
            }
            Command::SAdd(key, given) | Command::SRem(key, given) => {
                let given: Vec<&[u8]> = given.iter().map(Bytes::as_ref).collect();
                let add = matches!(cmd, Command::SAdd(..));
                let changed = self.set_change(key, &given, add, now)?;
                if changed > 0 {
                    self.notify(notify::SET, if add { "sadd" } else { "srem" }, key);
                }
                Ok(reply::integer(changed as i64))
            }
            Command::SPop { key, seed, count } => {
                let Some(e) = self.live_typed(key, now, ValueType::Set)? else {
                    return Ok(match count {
                        Some(_) => reply::set(Vec::new()),
                        None => reply::null(),
                    });
                };
                if e.big().is_some() {
                    // One pick at a time, each taken out before the next.
                    let n = count.unwrap_or(1);
                    let mut rng = *seed;
                    let popped = self.change_big(key, now, |big| {
                        let Some(members) = big.set_mut() else {
                            return Vec::new();
                        };
                        let mut popped = Vec::with_capacity(n.min(members.len()));
                        while popped.len() < n {
                            let Some(m) = big::pick(members, &mut rng) else {
                                break;
                            };
                            let m = Bytes::copy_from_slice(m.key());
                            members.remove(&m);
                            popped.push(m);
                        }
                        popped
                    });
                    let mut popped: Vec<pb::Reply> = popped
                        .unwrap_or_default()
                        .into_iter()
                        .map(reply::bulk)
                        .collect();
                    if !popped.is_empty() {
                        self.notify(notify::SET, "spop", key);
                    }
                    return Ok(match count {
                        Some(_) => reply::set(popped),
                        None => popped.pop().unwrap_or_else(reply::null),
                    });
                }
                let mut members = set::members(e.value());
                let picks = random_picks(members.len(), *seed, count.unwrap_or(1) as i64);
                let mut popped: Vec<pb::Reply> = picks
                    .iter()
                    .map(|&i| reply::bulk(Bytes::copy_from_slice(members[i])))
                    .collect();
                let mut taken = vec![false; members.len()];
                for &i in &picks {
                    taken[i] = true;
                }
                let mut index = 0;
                members.retain(|_| {
                    index += 1;
                    !taken[index - 1]
                });
                if !picks.is_empty() {
                    let parts = set::pack_after(e.value(), members);
                    self.store_parts(key, &parts, ValueType::Set, now);
                    self.notify(notify::SET, "spop", key);
                }
                Ok(match count {
                    Some(_) => reply::set(popped),
                    None => popped.pop().unwrap_or_else(reply::null),
                })
            }
            Command::SMove { from, to, member } => {
                if self.live(from, now).is_none() {
                    return Ok(reply::integer(0));
                }
                let source = self.live_typed(from, now, ValueType::Set)?;
                self.live_typed(to, now, ValueType::Set)?;
                let present = source.is_some_and(|e| Self::set_has(e, member));
                if from == to || !present {
                    return Ok(reply::integer(i64::from(present)));
                }
                self.set_change(from, &[member], false, now)?;
                self.notify(notify::SET, "srem", from);
                self.set_change(to, &[member], true, now)?;
                self.notify(notify::SET, "sadd", to);
                Ok(reply::integer(1))
            }
            Command::SetOp {
                op,
                keys,
                store: Some(dest),
            } => {
                for key in keys {
                    self.note_miss(key, now);
                }
                let sets = keys
                    .iter()
                    .map(|k| self.set_members(k, now))
                    .collect::<Result<Vec<_>, _>>()?;
                let result = set::combine(*op, &sets);
                let n = result.len();
                let parts = set::pack(result);
                let event = match op {
                    set::SetOp::Inter => "sinterstore",
                    set::SetOp::Union => "sunionstore",
                    set::SetOp::Diff => "sdiffstore",
                };
                self.store_result(dest, &parts, ValueType::Set, (notify::SET, event), now);
                Ok(reply::integer(n as i64))
            }
            Command::ZAdd { key, pairs, flags } => {
                let old = self.live_typed(key, now, ValueType::SortedSet)?;
                if old.is_none() && flags.xx {
                    return Ok(if flags.incr {
                        reply::null()
                    } else {
                        reply::integer(0)
                    });
                }
                // The pairs' effect is worked out first (a NaN changes nothing), then applied
                // to the index of a big sorted set or packed again for a small one.
                let (plan, parts) = match old.and_then(Slot::big).and_then(Big::zset) {
                    Some(scores) => (zadd_plan(pairs, flags, |m| scores.score(m))?, None),
                    None => {
                        let items = old.map_or_else(Vec::new, |e| zset::entries(e.value()));
                        let mut scores: std::collections::BTreeMap<&[u8], f64> =
                            items.iter().map(|&(score, m)| (m, score)).collect();
                        let plan = zadd_plan(pairs, flags, |m| scores.get(m).copied())?;
                        let parts = (!plan.changes.is_empty()).then(|| {
                            scores.extend(&plan.changes);
                            zset::pack(scores.into_iter().map(|(m, score)| (score, m)).collect())
                        });
                        (plan, parts)
                    }
                };
                match parts {
                    Some(parts) => self.store_parts(key, &parts, ValueType::SortedSet, now),
                    None if !plan.changes.is_empty() => {
                        self.change_big(key, now, |big| {
                            if let Some(z) = big.zset_mut() {
                                for (member, score) in &plan.changes {
                                    z.insert(member, *score);
                                }
                            }
                        });
                    }
                    None => {}
                }
                if !plan.changes.is_empty() {
                    self.notify(notify::ZSET, if flags.incr { "zincr" } else { "zadd" }, key);
                }
                Ok(if flags.incr {
                    plan.result.map_or_else(reply::null, reply::double)
                } else {
                    reply::integer(plan.added + if flags.ch { plan.updated } else { 0 })
                })
            }
            Command::ZRem(key, gone) => {
                if let Some(scores) = self
                    .live_typed(key, now, ValueType::SortedSet)?
                    .and_then(Slot::big)
                    .and_then(Big::zset)
                {
                    let mut seen = BTreeSet::new();
                    let todo: Vec<&[u8]> = gone
                        .iter()
                        .map(Bytes::as_ref)
                        .filter(|m| scores.score(m).is_some() && seen.insert(*m))
                        .collect();
                    self.zrem_big(key, &todo, now);
                    if !todo.is_empty() {
                        self.notify(notify::ZSET, "zrem", key);
                    }
                    return Ok(reply::integer(todo.len() as i64));
                }
                let items = self.zset_entries(key, now)?;
                let gone: BTreeSet<&[u8]> = gone.iter().map(Bytes::as_ref).collect();
                let before = items.len();
                let kept: Vec<(f64, &[u8])> = items
                    .into_iter()
                    .filter(|(_, m)| !gone.contains(m))
                    .collect();
                let removed = before - kept.len();
                if removed > 0 {
                    let parts = zset::pack(kept);
                    self.store_parts(key, &parts, ValueType::SortedSet, now);
                    self.notify(notify::ZSET, "zrem", key);
                }
                Ok(reply::integer(removed as i64))
            }
            Command::ZCombine {
                op,
                keys,
                weights,
                aggregate,
                store: Some(dest),
                options_error,
                ..
            } => {
                for key in keys {
                    self.note_miss(key, now);
                }
                let result = self.zcombine(*op, keys, weights, *aggregate, now)?;
                if let Some(e) = options_error {
                    return Err(e.clone());
                }
                let n = result.len();
                let parts = zset::pack(stored_scores(result));
                let event = match op {
                    set::SetOp::Inter => "zinterstore",
                    set::SetOp::Union => "zunionstore",
                    set::SetOp::Diff => "zdiffstore",
                };
                self.store_result(dest, &parts, ValueType::SortedSet, (notify::ZSET, event), now);
                Ok(reply::integer(n as i64))
            }
            Command::ZRangeStore { dest, query } => {
                let Command::ZRangeQuery {
                    key,
                    range,
                    rev,
                    limit,
                    ..
                } = query.as_ref()
                else {
                    return Err(CommandError::Syntax);
                };
                self.note_miss(key, now);
                let picked = self.zrange_picked(key, range, *rev, *limit, now)?;
                let n = picked.len();
                let parts = zset::pack(stored_scores(picked));
                let event = (notify::ZSET, "zrangestore");
                self.store_result(dest, &parts, ValueType::SortedSet, event, now);
                Ok(reply::integer(n as i64))
            }
            Command::PfAdd(key, elements) => {
                let existing = self.hll_value(key, now)?;
                let mut changed = existing.is_none();
                let mut value = existing.unwrap_or_else(hll::new_sparse);
                for element in elements {
                    changed |= hll::add(&mut value, element).map_err(hll_error)?;
                }
                if changed {
                    hll::invalidate_cache(&mut value);
                    self.store_hll(key, &value, now);
                    self.notify(notify::STRING, "pfadd", key);
                }
                Ok(reply::integer(i64::from(changed)))
            }
            Command::Sort {
                key,
                options,
                store: Some(dest),
            } => {
                self.note_miss(key, now);
                let values = self.sort_values(key, options, true, now)?;
                let elements: Vec<&[u8]> =
                    values.iter().map(|v| v.as_deref().unwrap_or(b"")).collect();
                let packed = list::pack(&elements);
                let event = (notify::LIST, "sortstore");
                self.store_result(dest, &packed, ValueType::List, event, now);
                Ok(reply::integer(elements.len() as i64))
            }
            Command::PfMerge(dest, sources) => {
                for key in std::iter::once(dest).chain(sources) {
                    self.note_miss(key, now);
                }
                // The union of every HLL named (the destination first); the destination is
                // dense if any of them is, as in Redis.
                let mut union = Registers::default();
                let mut dense = false;
                for key in std::iter::once(dest).chain(sources) {
                    if let Some(e) = self.live_string(key, now)? {
                        union.merge(&Registers::decode(e.value()).map_err(hll_error)?);
                        dense |= hll::is_dense(e.value());
                    }
                }
                let mut value = self.hll_value(dest, now)?.unwrap_or_else(hll::new_sparse);
                if dense {
                    hll::to_dense(&mut value).map_err(hll_error)?;
                }
                hll::raise_to(&mut value, &union).map_err(hll_error)?;
                hll::invalidate_cache(&mut value);
                self.store_hll(dest, &value, now);
                self.notify(notify::STRING, "pfadd", dest);
                Ok(reply::ok())
            }
            Command::ZPop { key, max, count } => {
                let items = self.zpop(key, *max, count.unwrap_or(1), now)?;
                if !items.is_empty() {
                    self.notify(notify::ZSET, zpop_event(*max), key);
                }
                // Without a count, one member and its score, flat; with one, pairs.
                Ok(match (count, items.first()) {
                    (None, Some((score, member))) => {
                        reply::array(vec![reply::bulk(member.clone()), reply::double(*score)])
                    }
                    _ => {
                        let items: Vec<(f64, &[u8])> =
                            items.iter().map(|(s, m)| (*s, m.as_ref())).collect();
                        zset_reply(&items, true)
                    }
                })
            }
            Command::ZRemRange(key, range) => {
                let doomed = self
                    .live_typed(key, now, ValueType::SortedSet)?
                    .and_then(Slot::big)
                    .and_then(Big::zset)
                    .and_then(|scores| scores.range(range, false, None));
                if let Some(doomed) = doomed {
                    let doomed: Vec<Bytes> = doomed
                        .into_iter()
                        .map(|(_, m)| Bytes::copy_from_slice(m))
                        .collect();
                    let doomed: Vec<&[u8]> = doomed.iter().map(Bytes::as_ref).collect();
                    self.zrem_big(key, &doomed, now);
                    if !doomed.is_empty() {
                        self.notify(notify::ZSET, zremrange_event(range), key);
                    }
                    return Ok(reply::integer(doomed.len() as i64));
                }
                let items = self.zset_entries(key, now)?;
                let doomed: BTreeSet<usize> =
                    zset_selected(&items, range, None).into_iter().collect();
                if doomed.is_empty() {
                    return Ok(reply::integer(0));
                }
                let kept: Vec<(f64, &[u8])> = items
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !doomed.contains(i))
                    .map(|(_, e)| *e)
                    .collect();
                let parts = zset::pack(kept);
                self.store_parts(key, &parts, ValueType::SortedSet, now);
                self.notify(notify::ZSET, zremrange_event(range), key);
                Ok(reply::integer(doomed.len() as i64))
            }
            Command::Del(keys) => {
                let mut n = 0;
                for key in keys {
                    if self.delete(key, now) {
                        self.notify(notify::GENERIC, "del", key);
                        n += 1;
                    }
                }
                Ok(reply::integer(n))
            }
            Command::Copy { from, to, replace } => {
                self.note_miss(from, now);
                let Some((value, value_type, expire)) = self.live(from, now).map(|e| {
                    let value = Bytes::copy_from_slice(e.value());
                    (value, e.value_type(), e.expire_at_ms())
                }) else {
                    return Ok(reply::integer(0));
                };
                if !replace && self.live(to, now).is_some() {
                    return Ok(reply::integer(0));
                }
                let ttls = self.field_ttls.get(from).cloned();
                if self.live(to, now).is_some() {
                    // Redis deletes the old value first, so the copy is a new key.
                    self.notify(notify::NEW, "new", to);
                }
                self.store_typed(to, &value, value_type, expire, now);
                self.notify(notify::GENERIC, "copy_to", to);
                // The copy keeps its fields' TTLs (expired ones too: reads hide them, and a
                // purge or a write removes them).
                if let Some(ttls) = ttls {
                    self.field_ttls.insert(to, std::sync::Arc::new(ttls));
                }
                Ok(reply::integer(1))
            }
            Command::SetBit(key, offset, bit) => {
                let byte = (offset >> 3) as usize;
                let mask = 0x80u8 >> (offset & 7);
                let within = self.live_string(key, now)?.map(|e| e.value().len() > byte);
                if within == Some(true) {
                    // The common case of a bitmap: the bit is inside the string, which is
                    // changed in place instead of copied.
                    let mut was = false;
                    self.note_modified(key);
                    let version = self.next_version();
                    self.table.patch(key, version, |value| {
                        was = value[byte] & mask != 0;
                        if *bit {
                            value[byte] |= mask;
                        } else {
                            value[byte] &= !mask;
                        }
                    });
                    // Redis tells of a bit that changed, or a string created or grown.
                    if was != *bit {
                        self.notify(notify::STRING, "setbit", key);
                    }
                    return Ok(reply::integer(i64::from(was)));
                }
                let (mut value, expire) = match self.live(key, now) {
                    Some(e) => {
                        let mut value = BytesMut::with_capacity(e.value().len().max(byte + 1));
                        value.extend_from_slice(e.value());
                        (value, e.expire_at_ms())
                    }
                    None => (BytesMut::new(), None),
                };
                if value.len() <= byte {
                    value.resize(byte + 1, 0);
                }
                let was = value[byte] & mask != 0;
                if *bit {
                    value[byte] |= mask;
                } else {
                    value[byte] &= !mask;
                }
                self.store(key, value.freeze(), expire, now);
                self.notify(notify::STRING, "setbit", key);
                Ok(reply::integer(i64::from(was)))
            }
            Command::BitOp { op, dest, sources } => {
                for key in sources {
                    self.note_miss(key, now);
                }
                let values: Vec<Bytes> = sources
                    .iter()
                    .map(|k| Ok(self.live_value(k, now)?.unwrap_or_default()))
                    .collect::<Result<_, CommandError>>()?;
                let len = values.iter().map(Bytes::len).max().unwrap_or(0);
                if len == 0 {
                    if self.delete(dest, now) {
                        self.notify(notify::GENERIC, "del", dest);
                    }
                    return Ok(reply::integer(0));
                }
                let mut out = BytesMut::zeroed(len);
                out[..values[0].len()].copy_from_slice(&values[0]);
                match op {
                    BitOperation::Not => out.iter_mut().for_each(|b| *b = !*b),
                    BitOperation::And => {
                        for v in &values[1..] {
                            out[v.len()..].fill(0);
                            out.iter_mut().zip(v.iter()).for_each(|(o, b)| *o &= b);
                        }
                    }
                    BitOperation::Or => {
                        for v in &values[1..] {
                            out.iter_mut().zip(v.iter()).for_each(|(o, b)| *o |= b);
                        }
                    }
                    BitOperation::Xor => {
                        for v in &values[1..] {
                            out.iter_mut().zip(v.iter()).for_each(|(o, b)| *o ^= b);
                        }
                    }
                }
                self.store(dest, out.freeze(), None, now);
                self.notify(notify::STRING, "set", dest);
                Ok(reply::integer(len as i64))
            }
            Command::Rename { from, to, nx } => {
                let Some((value, value_type, expire)) = self.live(from, now).map(|e| {
                    let value = Bytes::copy_from_slice(e.value());
                    (value, e.value_type(), e.expire_at_ms())
                }) else {
                    return Err(CommandError::NoSuchKey);
                };
                if from == to {
                    return Ok(if *nx { reply::integer(0) } else { reply::ok() });
                }
                if *nx && self.live(to, now).is_some() {
                    return Ok(reply::integer(0));
                }
                let ttls = self.field_ttls.remove(from);
                if self.live(to, now).is_some() {
                    // Redis deletes the old value first, so the key is a new one.
                    self.notify(notify::NEW, "new", to);
                }
                self.delete(from, now);
                self.store_typed(to, &value, value_type, expire, now);
                if let Some(ttls) = ttls {
                    self.field_ttls.insert(to, ttls);
                }
                self.notify(notify::GENERIC, "rename_from", from);
                self.notify(notify::GENERIC, "rename_to", to);
                Ok(if *nx { reply::integer(1) } else { reply::ok() })
            }
            Command::Expire { key, at, condition } => {
                let Some(current) = self.live(key, now).map(Slot::expire_at_ms) else {
                    return Ok(reply::integer(0));
                };
                let at = at
                    .resolve(now)
                    .ok_or_else(|| CommandError::InvalidExpire("expire".into()))?;
                let allowed = match condition {
                    ExpireCondition::Always => true,
                    ExpireCondition::IfNoTtl => current.is_none(),
                    ExpireCondition::IfTtl => current.is_some(),
                    ExpireCondition::IfGreater => current.is_some_and(|c| at > c),
                    ExpireCondition::IfLess => current.is_none_or(|c| at < c),
                    ExpireCondition::IfTtlAndLess => current.is_some_and(|c| at < c),
                };
                if !allowed {
                    return Ok(reply::integer(0));
                }
                if at <= now {
                    self.delete(key, now);
                    self.notify(notify::GENERIC, "del", key);
                } else {
                    self.set_expire(key, Some(at));
                    self.notify(notify::GENERIC, "expire", key);
                }
                Ok(reply::integer(1))
            }
            Command::Persist(key) => {
                if self
                    .live(key, now)
                    .is_some_and(|e| e.expire_at_ms().is_some())
                {
                    self.set_expire(key, None);
                    self.notify(notify::GENERIC, "persist", key);
                    return Ok(reply::integer(1));
                }
                Ok(reply::integer(0))
            }
            Command::Flush => {
                // As in Redis, a flush tells tracking clients that every key changed, even
                // when the keyspace was empty.
                self.flushed |= self.track_modified;
                if self.track_stores {
                    let streams = self
                        .table
                        .iter_unordered()
                        .filter(|e| e.value_type() == ValueType::Stream)
                        .map(|e| Bytes::copy_from_slice(e.key()));
                    self.stored.extend(streams);
                }
                if !self.table.is_empty() {
                    self.table.clear();
                    self.expiries.clear();
                    self.field_ttls.clear();
                    self.deleted_version = self.next_version();
                    if let Some(buckets) = &mut self.deleted_buckets {
                        buckets.fill(self.deleted_version);
                    }
                }
                Ok(reply::ok())
            }
            Command::Purge(keys) => {
                let mut n = 0;
                let mut fields_left = MAX_PURGED_FIELDS;
                for key in keys {
                    if self.table.get(key).is_some_and(|e| !is_live(e, now)) {
                        self.remove(key, now);
                        self.notify(notify::EXPIRED, "expired", key);
                        n += 1;
                    } else if fields_left > 0 {
                        fields_left -= self.settle_fields_upto(key, now, fields_left);
                    }
                }
                self.expired += n as u64;
                Ok(reply::integer(n))
            }
            Command::Eval {
                script,
                keys,
                argv,
                read_only: false,
            } => {
                let body = self.script_body(script)?;
                let ran = script::run(&body, keys, argv, &mut |args| {
                    self.script_command(args, now)
                });
                // EVAL caches what compiled, as in Redis.
                if let ScriptRef::Body(body) = script
                    && ran.compiled
                {
                    self.scripts
                        .entry(script::sha1_hex(body))
                        .or_insert_with(|| Bytes::copy_from_slice(body));
                }
                Ok(ran.reply)
            }
            Command::ScriptLoad(body) => {
                if let Some(error) = script::compile_error(body) {
                    return Ok(error);
                }
                let sha = script::sha1_hex(body);
                self.scripts
                    .entry(sha.clone())
                    // A copy: `body` may be a slice of a larger buffer (a client's reads).
                    .or_insert_with(|| Bytes::copy_from_slice(body));
                Ok(reply::bulk(Bytes::from(sha)))
            }
            Command::ScriptExists(shas) => Ok(reply::array(
                shas.iter()
                    .map(|sha| {
                        let known = self
                            .scripts
                            .contains_key(&String::from_utf8_lossy(sha).to_ascii_lowercase());
                        reply::integer(i64::from(known))
                    })
                    .collect(),
            )),
            Command::ScriptFlush => {
                self.scripts.clear();
                Ok(reply::ok())
            }
            Command::ScriptKill => Err(CommandError::Full(
                "NOTBUSY No scripts in execution right now.",
            )),
            Command::FCall {
                function,
                keys,
                args,
                read_only: false,
                bad_numkeys,
            } => {
                let (code, name, writes) = self.function_to_call(function, false, *bad_numkeys)?;
                Ok(if writes {
                    function::call(&code, &name, keys, args, &mut |a| {
                        self.script_command(a, now)
                    })
                } else {
                    function::call(&code, &name, keys, args, &mut |a| {
                        self.script_query(a, now)
                    })
                })
            }
            Command::Migrate(_) => Err(CommandError::Full(
                "ERR MIGRATE is not allowed in a transaction or a script here",
            )),
            Command::Restore {
                key,
                ttl,
                payload,
                replace,
            } => {
                if !replace && self.live(key, now).is_some() {
                    return Err(CommandError::Full(
                        "BUSYKEY Target key name already exists.",
                    ));
                }
                let expire = match ttl {
                    RestoreTtl::Invalid(e) => return Err(e.clone()),
                    RestoreTtl::Never => None,
                    RestoreTtl::At(at) => Some(
                        at.resolve(now)
                            .ok_or_else(|| CommandError::InvalidExpire("restore".into()))?,
                    ),
                };
                let restored =
                    rdb::restore_value(payload).map_err(|e| CommandError::Full(e.message()))?;
                let mut value = restored.value;
                let mut ttls = FieldTtls::default();
                let mut expired = Vec::new();
                for (field, at) in &restored.field_ttls {
                    if *at <= now {
                        expired.push(field.as_slice());
                    } else {
                        ttls.set(field, *at);
                    }
                }
                // Fields already expired are dropped, as Redis drops them when it loads them;
                // a hash left without fields is not stored.
                let all_fields_expired = !expired.is_empty() && {
                    value = hash::without(&value, &expired).0;
                    value.is_empty()
                };
                // An expiry already past deletes the key (when REPLACE found one), as in Redis;
                // so does a hash whose every field expired. (An empty string is a value.)
                if all_fields_expired || expire.is_some_and(|at| at <= now) {
                    if self.delete(key, now) {
                        self.notify(notify::GENERIC, "del", key);
                    }
                    return Ok(reply::ok());
                }
                if self.live(key, now).is_some() {
                    // Redis deletes the old value first, so the key is a new one.
                    self.notify(notify::NEW, "new", key);
                }
                self.store_typed(key, &value, restored.value_type, expire, now);
                if !ttls.is_empty() {
                    self.field_ttls.insert(key, std::sync::Arc::new(ttls));
                }
                self.notify(notify::GENERIC, "restore", key);
                Ok(reply::ok())
            }
            Command::Function(FunctionCommand::Load { code, replace }) => {
                let library = function::load(code).map_err(CommandError::Raw)?;
                let name = Bytes::from(library.name.clone());
                self.libraries
                    .insert(library, *replace, true)
                    .map_err(CommandError::Raw)?;
                Ok(reply::bulk(name))
            }
            Command::Function(FunctionCommand::Delete(name)) => {
                if self.libraries.delete(&String::from_utf8_lossy(name)) {
                    Ok(reply::ok())
                } else {
                    Err(CommandError::Full("ERR Library not found"))
                }
            }
            Command::Function(FunctionCommand::Flush) => {
                self.libraries.flush();
                Ok(reply::ok())
            }
            Command::Function(FunctionCommand::Restore { payload, policy }) => {
                let codes = function::payload_codes(payload).map_err(CommandError::Raw)?;
                self.libraries
                    .restore(codes, *policy)
                    .map_err(CommandError::Raw)?;
                Ok(reply::ok())
            }
            Command::ScriptHelp => Ok(reply::array(
                [
                    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "EXISTS <sha1> [<sha1> ...]",
                    "    Return information about the existence of the scripts in the script cache.",
                    "FLUSH [ASYNC|SYNC]",
                    "    Flush the Lua scripts cache.",
                    "KILL",
                    "    Kill the currently executing Lua script.",
                    "LOAD <script>",
                    "    Load a script into the scripts cache without executing it.",
                    "HELP",
                    "    Prints this help.",
                ]
                .into_iter()
                .map(reply::simple)
                .collect(),
            )),
            read if self.notify_flags & notify::KEY_MISS == 0 => self.query(read, now),
            read => {
                // A read applied as a write (in a transaction or a script) tells of its
                // misses in the order it ran, on every node, like a write's events.
                self.noting_misses.set(true);
                let result = self.query(read, now);
                self.noting_misses.set(false);
                for key in self.missed.take() {
                    self.notify(notify::KEY_MISS, "keymiss", &key);
                }
                result
            }
        }
    }

    /// The code and registered name of the function `FCALL` (or, `read_only`, `FCALL_RO`) names,
    /// and whether it may write; checked in Redis's order: the function, the command's
    /// `numkeys`, then the function's flags.
    fn function_to_call(
        &self,
        function: &[u8],
        read_only: bool,
        bad_numkeys: Option<&'static str>,
    ) -> Result<(Bytes, String, bool), CommandError> {
        let (library, info) = self
            .libraries
            .function(function)
            .ok_or(CommandError::Full("ERR Function not found"))?;
        if let Some(error) = bad_numkeys {
            return Err(CommandError::Full(error));
        }
        if read_only && !info.read_only() {
            return Err(CommandError::Full(
                "ERR Can not execute a script with write flag using *_ro command.",
            ));
        }
        Ok((library.code.clone(), info.name.clone(), !info.read_only()))
    }

    /// The cached scripts' bodies, in the order of their SHA-1, for a snapshot.
    fn script_bodies(&self) -> Vec<Bytes> {
        self.scripts.values().cloned().collect()
    }

    /// The body of the script an EVAL names: its own, or the cached one of EVALSHA's SHA-1.
    fn script_body(&self, script: &ScriptRef) -> Result<Bytes, CommandError> {
        match script {
            ScriptRef::Body(body) => Ok(body.clone()),
            ScriptRef::Sha(sha) => self
                .scripts
                .get(&String::from_utf8_lossy(sha).to_ascii_lowercase())
                .cloned()
                .ok_or(CommandError::Full(
                    "NOSCRIPT No matching script. Please use EVAL.",
                )),
        }
    }

    /// Parses one `redis.call` of a script, refusing what scripts may not run: internal
    /// commands, and scripts within scripts.
    fn script_parse(args: &[Bytes]) -> Result<(Command, &'static Spec), pb::Reply> {
        let name = args[0].to_ascii_lowercase();
        if NOT_IN_SCRIPTS.contains(&name.as_slice()) {
            return Err(reply::error(
                "ERR This Redis command is not allowed from script",
            ));
        }
        // The connection commands a script may call, which the state machine does not serve.
        match (name.as_slice(), &args[1..]) {
            (b"ping", []) => return Err(reply::simple("PONG")),
            (b"ping" | b"echo", [message]) => return Err(reply::bulk(message.clone())),
            _ => {}
        }
        if name.starts_with(b"__") {
            return Err(reply::error("ERR Unknown Redis command called from script"));
        }
        let (cmd, spec) = Command::parse(args).map_err(|e| match e {
            CommandError::Unknown(_) => {
                reply::error("ERR Unknown Redis command called from script")
            }
            CommandError::Arity(_) => {
                reply::error("ERR Wrong number of args calling Redis command from script")
            }
            other => reply::error(other.to_string()),
        })?;
        if matches!(
            spec.name,
            "eval"
                | "eval_ro"
                | "evalsha"
                | "evalsha_ro"
                | "script"
                | "fcall"
                | "fcall_ro"
                | "function"
        ) {
            return Err(reply::error(
                "ERR This Redis command is not allowed from script",
            ));
        }
        Ok((cmd, spec))
    }

    /// Runs one `redis.call` of a writing script: as a client's command would be applied,
    /// relative expiry times taken from the batch's clock.
    fn script_command(&mut self, args: &[Bytes], now: i64) -> pb::Reply {
        let (mut cmd, spec) = match Self::script_parse(args) {
            Ok(parsed) => parsed,
            Err(reply) => return reply,
        };
        let result = cmd
            .to_absolute(now, spec.name)
            .and_then(|_| self.execute(&cmd, now));
        self.notify_emptied();
        let reply = result.unwrap_or_else(|e| reply::error(e.to_string()));
        self.note_script_call(args, &reply);
        reply
    }

    /// Runs one `redis.call` of a read-only script (EVAL_RO, EVALSHA_RO).
    fn script_query(&self, args: &[Bytes], now: i64) -> pb::Reply {
        let (cmd, spec) = match Self::script_parse(args) {
            Ok(parsed) => parsed,
            Err(reply) => return reply,
        };
        // Redis goes by its command table here: GEORADIUS is a write even without STORE.
        let geo_write = matches!(cmd, Command::Geo { .. }) && spec.access == Access::Write;
        if cmd.access(spec) == Access::Write || geo_write {
            return reply::error("ERR Write commands are not allowed from read-only scripts.");
        }
        let reply = self
            .query(&cmd, now)
            .unwrap_or_else(|e| reply::error(e.to_string()));
        self.note_script_call(args, &reply);
        reply
    }

    /// The live string value (empty if missing) and expiry of `key`; WRONGTYPE if it holds
    /// something else.
    fn value_and_expire(&self, key: &[u8], now: i64) -> Result<(Bytes, Option<i64>), CommandError> {
        Ok(self
            .live_string(key, now)?
            .map(|e| (Bytes::copy_from_slice(e.value()), e.expire_at_ms()))
            .unwrap_or_default())
    }

    /// Executes a read-only command at time `now`.
    fn query(&self, cmd: &Command, now: i64) -> Result<pb::Reply, CommandError> {
        Ok(match cmd {
            Command::Stream { name, args } => stream::read(self, name, args, now)?,
            Command::Geo { name, args } => match geo::run(self, name, args, now)? {
                Outcome::Reply(reply) => reply,
                Outcome::Store { .. } => {
                    return Err(CommandError::NotAllowed("write command sent as a read"));
                }
            },
            // EVAL_RO and EVALSHA_RO; writing scripts are applied in `execute`.
            Command::Eval {
                script,
                keys,
                argv,
                read_only: true,
            } => {
                let body = self.script_body(script)?;
                script::run(&body, keys, argv, &mut |args| self.script_query(args, now)).reply
            }
            Command::FCall {
                function,
                keys,
                args,
                read_only: true,
                bad_numkeys,
            } => {
                let (code, name, _) = self.function_to_call(function, true, *bad_numkeys)?;
                function::call(&code, &name, keys, args, &mut |a| self.script_query(a, now))
            }
            Command::Function(FunctionCommand::List { pattern, with_code }) => {
                self.libraries.list(pattern.as_deref(), *with_code)
            }
            Command::Function(FunctionCommand::Stats) => self.libraries.stats(),
            Command::Dump(key) => match self.live(key, now) {
                Some(e) if self.field_ttls.get(key).is_some() => {
                    let ttls = self.field_ttls.get(key);
                    let fields: Vec<(&[u8], &[u8], Option<i64>)> = self
                        .live_fields_of(e, now)
                        .into_iter()
                        .map(|(f, v)| (f, v, ttls.and_then(|t| t.get(f))))
                        .collect();
                    reply::bulk(Bytes::from(rdb::dump_hash_ttls(&fields)))
                }
                Some(e) => reply::bulk(Bytes::from(rdb::dump(e.value_type(), &e.encoded_value()))),
                None => reply::null(),
            },
            Command::Function(FunctionCommand::Kill) => {
                return Err(CommandError::Full(
                    "NOTBUSY No scripts in execution right now.",
                ));
            }
            Command::Function(FunctionCommand::Dump) => {
                reply::bulk(Bytes::from(function::dump_payload(&self.libraries.codes())))
            }
            Command::Function(FunctionCommand::Help) => reply::array(
                function::HELP
                    .iter()
                    .map(|line| reply::simple(line))
                    .collect(),
            ),
            Command::Get(key) | Command::GetEx(key, GetExTtl::Unchanged) => {
                reply::bulk_or_null(self.live_value(key, now)?)
            }
            Command::GetEx(key, GetExTtl::Refused(why)) => match self.live_value(key, now)? {
                None => reply::null(),
                Some(_) => return Err(why.error()),
            },
            // As in Redis, a key of another type reads as missing here.
            Command::MGet(keys) => reply::array(
                keys.iter()
                    .map(|k| reply::bulk_or_null(self.live_value(k, now).ok().flatten()))
                    .collect(),
            ),
            Command::Strlen(key) => reply::integer(
                self.live_string(key, now)?
                    .map_or(0, |e| e.value().len() as i64),
            ),
            Command::GetRange(key, start, end) => {
                let value = self.live_value(key, now)?.unwrap_or_default();
                reply::bulk(substring(&value, *start, *end))
            }
            Command::Exists(keys) => {
                reply::integer(keys.iter().filter(|k| self.live(k, now).is_some()).count() as i64)
            }
            Command::RandomKey(seed) => reply::bulk_or_null(
                self.table
                    .iter_slots_from(*seed)
                    .find(|e| is_live(e, now))
                    .map(|e| Bytes::copy_from_slice(e.key())),
            ),
            Command::BitField { key, fields } => {
                let found = self.live_string(key, now)?;
                reply::array(bitfield::get_all(found.map_or(&[], Slot::value), fields))
            }
            Command::Lcs(args) => {
                let (a, b) = self.lcs_values(&args[0], &args[1], now)?;
                bitfield::lcs(&a, &b, &args[2..])?
            }
            Command::LcsValues(a, b) => {
                let (a, b) = self.lcs_values(a, b, now)?;
                reply::array(vec![reply::bulk(a), reply::bulk(b)])
            }
            Command::GetBit(key, offset) => {
                let byte = self
                    .live_string(key, now)?
                    .and_then(|e| e.value().get((offset >> 3) as usize).copied());
                reply::integer(i64::from(
                    byte.is_some_and(|b| b & (0x80 >> (offset & 7)) != 0),
                ))
            }
            Command::BitCount(key, args) => {
                // As in Redis, a missing key counts 0 before its range is even parsed.
                let Some(e) = self.live_string(key, now)? else {
                    return Ok(reply::integer(0));
                };
                let range = command::parse_bitcount_range(args)?;
                if let Some(BitRange {
                    start,
                    end: Some(end),
                    ..
                }) = range
                    && start < 0
                    && end < 0
                    && start > end
                {
                    return Ok(reply::integer(0));
                }
                let value = e.value();
                let count = bit_span(value.len(), range)
                    .map_or(0, |(first, last)| count_bits(value, first, last));
                reply::integer(count as i64)
            }
            Command::BitPos(key, bit, args) => {
                // A missing key is an endless run of zero bits.
                let Some(e) = self.live_string(key, now)? else {
                    return Ok(reply::integer(if *bit { -1 } else { 0 }));
                };
                let range = command::parse_bitpos_range(args)?;
                let end_given = range.is_some_and(|r| r.end.is_some());
                let value = e.value();
                let Some((first, last)) = bit_span(value.len(), range) else {
                    return Ok(reply::integer(-1));
                };
                reply::integer(match find_bit(value, *bit, first, last) {
                    Some(pos) => pos as i64,
                    // Past an open-ended range the string reads as zero padding.
                    None if !*bit && !end_given => last as i64 + 1,
                    None => -1,
                })
            }
            Command::Type(key) => reply::simple(match self.live(key, now) {
                Some(e) => type_name(e.value_type()),
                None => "none",
            }),
            Command::Keys(pattern) => reply::array(
                self.table
                    .iter()
                    .filter(|e| is_live(e, now) && glob::matches(pattern, e.key()))
                    .map(|e| reply::bulk(Bytes::copy_from_slice(e.key())))
                    .collect(),
            ),
            Command::Scan {
                cursor,
                pattern,
                count,
                kind,
            } => self.scan(*cursor, pattern.as_deref(), *count, kind.as_deref(), now),
            Command::Ttl(key, kind) => {
                let Some(e) = self.live(key, now) else {
                    return Ok(reply::integer(-2));
                };
                let Some(at) = e.expire_at_ms() else {
                    return Ok(reply::integer(-1));
                };
                reply::integer(match kind {
                    // Saturating: `at` and `now` are arbitrary i64s from the log.
                    TtlKind::RemainingSeconds => at.saturating_sub(now).saturating_add(500) / 1000,
                    TtlKind::RemainingMs => at.saturating_sub(now),
                    TtlKind::AtSeconds => at / 1000,
                    TtlKind::AtMs => at,
                })
            }
            Command::DbSize => {
                let expired = self
                    .expiries
                    .iter()
                    .take_while(|(at, _)| *at <= now)
                    .count();
                reply::integer((self.table.len() - expired) as i64)
            }
            Command::Keyspace => {
                let expired = self
                    .expiries
                    .iter()
                    .take_while(|(at, _)| *at <= now)
                    .count();
                reply::array(vec![
                    reply::integer((self.table.len() - expired) as i64),
                    reply::integer((self.expiries.len() - expired) as i64),
                    // Hashes with field TTLs (Redis 7.4's `subexpiry`).
                    reply::integer(self.field_ttls.len() as i64),
                ])
            }
            Command::Digest => reply::bulk(Bytes::from(self.digest_hex())),
            Command::MemoryUsage(key) => match self.live(key, now) {
                Some(e) => {
                    let ttls = self.field_ttls.get(key).map_or(0, field_ttls_usage);
                    reply::integer((memory_usage(e) + ttls) as i64)
                }
                None => reply::null(),
            },
            Command::Object(query, key) => {
                let Some(e) = self.live(key, now) else {
                    return Ok(reply::null());
                };
                if let Some(mut encoding) = collection_encoding(e) {
                    if encoding == "listpack" && self.field_ttls.get(key).is_some() {
                        encoding = "listpackex";
                    }
                    match query {
                        ObjectQuery::Encoding => {
                            return Ok(reply::bulk(Bytes::from_static(encoding.as_bytes())));
                        }
                        ObjectQuery::RefCount => return Ok(reply::integer(1)),
                        ObjectQuery::IdleTime | ObjectQuery::Freq => {}
                    }
                }
                let int = command::parse_i64_strict(e.value()).filter(|_| e.value().len() <= 20);
                match query {
                    // What Redis would have chosen when the value was stored as it is now.
                    // An HLL (PFADD and PFMERGE write it in place) is `raw` however short.
                    ObjectQuery::Encoding => reply::bulk(Bytes::from_static(match int {
                        Some(_) => b"int",
                        None if hll::check(e.value()).is_ok() => b"raw",
                        None if e.value().len() <= EMBSTR_MAX_BYTES => b"embstr",
                        None => b"raw",
                    })),
                    // Redis shares the values 0..10000 among all keys (without maxmemory).
                    ObjectQuery::RefCount => reply::integer(match int {
                        Some(0..SHARED_INTEGERS) => i64::from(i32::MAX),
                        _ => 1,
                    }),
                    ObjectQuery::IdleTime => {
                        return Err(CommandError::NotAllowed(
                            "raft-kv keeps no access times, so idle time is not tracked.",
                        ));
                    }
                    ObjectQuery::Freq => {
                        return Err(CommandError::NotAllowed(
                            "An LFU maxmemory policy is not selected, access frequency not \
                             tracked. Please note that when switching between policies at \
                             runtime LRU and LFU data will take some time to adjust.",
                        ));
                    }
                }
            }
            Command::ObjectHelp => reply::array(
                [
                    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "ENCODING <key>",
                    "    Return the representation Redis would use for the value of a <key>.",
                    "FREQ <key>",
                    "    Not tracked: raft-kv has no LFU policy.",
                    "IDLETIME <key>",
                    "    Not tracked: raft-kv keeps no access times.",
                    "REFCOUNT <key>",
                    "    Return the number of references to the value of a <key>.",
                    "HELP",
                    "    Prints this help.",
                ]
                .into_iter()
                .map(reply::simple)
                .collect(),
            ),
            Command::MemoryHelp => reply::array(
                [
                    "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "USAGE <key> [SAMPLES <count>]",
                    "    Return the bytes <key> and its value take on this node, estimated.",
                    "HELP",
                    "    Prints this help.",
                ]
                .into_iter()
                .map(reply::simple)
                .collect(),
            ),
            Command::HGet(key, field) => {
                reply::bulk_or_null(self.hash_get(key, field, now)?.map(Bytes::copy_from_slice))
            }
            Command::HMGet(key, wanted) => {
                let e = self.live_hash(key, now)?;
                let value = |f: &Bytes| {
                    e.and_then(|e| field_of(e, f))
                        .filter(|_| !self.field_expired(key, f, now))
                };
                reply::array(
                    wanted
                        .iter()
                        .map(|f| reply::bulk_or_null(value(f).map(Bytes::copy_from_slice)))
                        .collect(),
                )
            }
            Command::HExists(key, field) => {
                reply::integer(i64::from(self.hash_get(key, field, now)?.is_some()))
            }
            Command::HStrlen(key, field) => reply::integer(
                self.hash_get(key, field, now)?
                    .map_or(0, |v| v.len() as i64),
            ),
            Command::HLen(key) => reply::integer(match self.live_hash(key, now)? {
                Some(e) => self.live_hash_len(e, now) as i64,
                None => 0,
            }),
            Command::HTtl {
                key,
                kind,
                fields,
                error,
            } => {
                let e = self.live_hash(key, now)?;
                if let Some(error) = error {
                    return Err(error.clone());
                }
                let ttls = self.field_ttls.get(key);
                let report = |field: &Bytes| -> i64 {
                    if e.and_then(|e| field_of(e, field)).is_none() {
                        return -2;
                    }
                    match ttls.and_then(|t| t.get(field)) {
                        None => -1,
                        Some(at) if at <= now => -2,
                        // Seconds round up, as in Redis.
                        Some(at) => match kind {
                            TtlKind::RemainingSeconds => (at + 999 - now) / 1000,
                            TtlKind::RemainingMs => at - now,
                            TtlKind::AtSeconds => (at + 999) / 1000,
                            TtlKind::AtMs => at,
                        },
                    }
                };
                reply::array(fields.iter().map(|f| reply::integer(report(f))).collect())
            }
            Command::HGetAll(key, part) => {
                let fields = match self.live_hash(key, now)? {
                    Some(e) => self.live_fields_of(e, now),
                    None => Vec::new(),
                };
                let copy = |b: &[u8]| reply::bulk(Bytes::copy_from_slice(b));
                match part {
                    HashPart::Both => reply::map(
                        fields
                            .into_iter()
                            .flat_map(|(f, v)| [copy(f), copy(v)])
                            .collect(),
                    ),
                    HashPart::Fields => {
                        reply::array(fields.into_iter().map(|(f, _)| copy(f)).collect())
                    }
                    HashPart::Values => {
                        reply::array(fields.into_iter().map(|(_, v)| copy(v)).collect())
                    }
                }
            }
            Command::HScan {
                key,
                cursor,
                count,
                pattern,
                no_values,
                options_error,
            } => {
                let Some(e) = self.scanned(key, now, ValueType::Hash, options_error)? else {
                    return Ok(whole_scan(Vec::new()));
                };
                let expired = self.expired_fields_of(key, now);
                let wanted = |f: &[u8]| {
                    pattern.as_ref().is_none_or(|p| glob::matches(p, f))
                        && !expired.is_some_and(|t| t.is_expired(f, now))
                };
                let copy = |b: &[u8]| reply::bulk(Bytes::copy_from_slice(b));
                let item = |(f, v): (&[u8], &[u8])| {
                    let mut pair = vec![copy(f)];
                    if !no_values {
                        pair.push(copy(v));
                    }
                    pair
                };
                if let Some(fields) = e.big().and_then(Big::hash) {
                    let (found, next) = fields.scan_step(*cursor, *count);
                    let items = found
                        .into_iter()
                        .filter(|f| wanted(f.key()))
                        .flat_map(|f| item((f.key(), f.value())))
                        .collect();
                    return Ok(scan_reply(next, items));
                }
                let found = hash::entries(e.value())
                    .filter(|(f, _)| wanted(f))
                    .flat_map(item)
                    .collect();
                whole_scan(found)
            }
            Command::HRandField {
                key,
                seed,
                count,
                with_values,
            } => {
                let e = self.live_hash(key, now)?;
                if let Some(e) = e
                    && self.expired_fields_of(key, now).is_some()
                {
                    // Picked among the live fields only, from a packed copy of them.
                    let live = hash::encode(&self.live_fields_of(e, now));
                    return Ok(random_fields(&live, *seed, *count, *with_values));
                }
                if let Some(table) = e.and_then(Slot::big).and_then(Big::hash) {
                    let picked = big::picks(table, *seed, count.unwrap_or(1));
                    let pairs = picked.iter().map(|e| (e.key(), e.value())).collect();
                    return Ok(fields_reply(pairs, count.is_some(), *with_values));
                }
                random_fields(e.map_or(&[][..], Slot::value), *seed, *count, *with_values)
            }
            Command::SMembers(key) => {
                let members = set::ordered(self.set_members(key, now)?);
                bulk_set(&members)
            }
            Command::SIsMember(key, member) => {
                let e = self.live_typed(key, now, ValueType::Set)?;
                reply::integer(i64::from(e.is_some_and(|e| Self::set_has(e, member))))
            }
            Command::SMIsMember(key, wanted) => {
                let e = self.live_typed(key, now, ValueType::Set)?;
                reply::array(
                    wanted
                        .iter()
                        .map(|m| reply::integer(i64::from(e.is_some_and(|e| Self::set_has(e, m)))))
                        .collect(),
                )
            }
            Command::SCard(key) => {
                reply::integer(match self.live_typed(key, now, ValueType::Set)? {
                    Some(e) => e
                        .big()
                        .map_or_else(|| set::members(e.value()).len(), Big::len)
                        as i64,
                    None => 0,
                })
            }
            Command::SRandMember { key, seed, count }
                if self
                    .live_typed(key, now, ValueType::Set)?
                    .and_then(Slot::big)
                    .is_some() =>
            {
                let members = self.live(key, now).and_then(Slot::big).and_then(Big::set);
                let picked =
                    members.map_or_else(Vec::new, |m| big::picks(m, *seed, count.unwrap_or(1)));
                let keys: Vec<&[u8]> = picked.iter().map(|e| e.key()).collect();
                match count {
                    None => reply::bulk_or_null(keys.first().map(|m| Bytes::copy_from_slice(m))),
                    Some(_) => bulk_array(&keys),
                }
            }
            Command::SRandMember { key, seed, count } => {
                let members = self.set_members(key, now)?;
                match count {
                    None if members.is_empty() => reply::null(),
                    None => {
                        let i = random_picks(members.len(), *seed, 1)[0];
                        reply::bulk(Bytes::copy_from_slice(members[i]))
                    }
                    Some(count) => {
                        let picks = random_picks(members.len(), *seed, *count);
                        let picked: Vec<&[u8]> = picks.iter().map(|&i| members[i]).collect();
                        bulk_array(&picked)
                    }
                }
            }
            Command::SetOp {
                op,
                keys,
                store: None,
            } => {
                let sets = keys
                    .iter()
                    .map(|k| self.set_members(k, now))
                    .collect::<Result<Vec<_>, _>>()?;
                bulk_set(&set::ordered(set::combine(*op, &sets)))
            }
            Command::ZCombine {
                op,
                keys,
                weights,
                aggregate,
                with_scores,
                store: None,
                card_limit,
                options_error,
            } => {
                let result = self.zcombine(*op, keys, weights, *aggregate, now)?;
                if let Some(e) = options_error {
                    return Err(e.clone());
                }
                match card_limit {
                    Some(limit) if *limit > 0 => reply::integer(result.len().min(*limit) as i64),
                    Some(_) => reply::integer(result.len() as i64),
                    None => zset_reply(&result, *with_scores),
                }
            }
            Command::Sort {
                key,
                options,
                store: None,
            } => {
                let values = self.sort_values(key, options, false, now)?;
                reply::array(values.into_iter().map(reply::bulk_or_null).collect())
            }
            Command::PfCount(keys) => {
                // One key answers from a valid cached count, as Redis does; every key is
                // decoded once.
                if let [key] = keys.as_slice() {
                    let Some(regs) = self.hll(key, now)? else {
                        return Ok(reply::integer(0));
                    };
                    let cached = self
                        .live(key, now)
                        .and_then(|e| hll::cached_count(e.value()));
                    return Ok(reply::integer(cached.unwrap_or_else(|| regs.count()) as i64));
                }
                let mut union = Registers::default();
                for key in keys {
                    if let Some(regs) = self.hll(key, now)? {
                        union.merge(&regs);
                    }
                }
                reply::integer(union.count() as i64)
            }
            Command::SInterCard { keys, limit } => {
                let sets = keys
                    .iter()
                    .map(|k| self.set_members(k, now))
                    .collect::<Result<Vec<_>, _>>()?;
                let n = set::combine(set::SetOp::Inter, &sets).len();
                reply::integer(if *limit > 0 { n.min(*limit) } else { n } as i64)
            }
            Command::SScan {
                key,
                cursor,
                count,
                pattern,
                options_error,
            } => {
                let Some(e) = self.scanned(key, now, ValueType::Set, options_error)? else {
                    return Ok(whole_scan(Vec::new()));
                };
                if let Some(members) = e.big().and_then(Big::set) {
                    let (found, next) = members.scan_step(*cursor, *count);
                    let items = found
                        .into_iter()
                        .filter(|m| pattern.as_ref().is_none_or(|p| glob::matches(p, m.key())))
                        .map(|m| reply::bulk(Bytes::copy_from_slice(m.key())))
                        .collect();
                    return Ok(scan_reply(next, items));
                }
                let members = set::members(e.value())
                    .into_iter()
                    .filter(|m| pattern.as_ref().is_none_or(|p| glob::matches(p, m)))
                    .map(|m| reply::bulk(Bytes::copy_from_slice(m)))
                    .collect();
                whole_scan(members)
            }
            Command::ZScore { key, members, many } => {
                let e = self.live_typed(key, now, ValueType::SortedSet)?;
                let score = |m: &Bytes| {
                    let found = e.and_then(|e| Self::zset_score(e, m));
                    found.map_or_else(reply::null, reply::double)
                };
                if *many {
                    reply::array(members.iter().map(score).collect())
                } else {
                    score(&members[0])
                }
            }
            Command::ZCard(key) => {
                reply::integer(match self.live_typed(key, now, ValueType::SortedSet)? {
                    Some(e) => e
                        .big()
                        .map_or_else(|| zset::entries(e.value()).len(), Big::len)
                        as i64,
                    None => 0,
                })
            }
            Command::ZCount(key, range) => {
                let counted = self
                    .live_typed(key, now, ValueType::SortedSet)?
                    .and_then(Slot::big)
                    .and_then(Big::zset)
                    .and_then(|scores| scores.range(range, false, None));
                if let Some(counted) = counted {
                    return Ok(reply::integer(counted.len() as i64));
                }
                let items = self.zset_entries(key, now)?;
                reply::integer(zset_selected(&items, range, None).len() as i64)
            }
            Command::ZRank { key, member, rev } => {
                let scores = self
                    .live_typed(key, now, ValueType::SortedSet)?
                    .and_then(Slot::big)
                    .and_then(Big::zset);
                if let Some(scores) = scores {
                    return Ok(match scores.rank(member, *rev) {
                        Some(rank) => reply::integer(rank as i64),
                        None => reply::null(),
                    });
                }
                let items = self.zset_entries(key, now)?;
                let position = items.iter().position(|(_, m)| *m == member.as_ref());
                match position {
                    Some(i) if *rev => reply::integer((items.len() - 1 - i) as i64),
                    Some(i) => reply::integer(i as i64),
                    None => reply::null(),
                }
            }
            Command::ZRangeQuery {
                key,
                range,
                rev,
                limit,
                with_scores,
            } => {
                let picked = self.zrange_picked(key, range, *rev, *limit, now)?;
                zset_reply(&picked, *with_scores)
            }
            Command::ZRandMember {
                key,
                seed,
                count,
                with_scores,
            } => {
                if let Some(scores) = self
                    .live_typed(key, now, ValueType::SortedSet)?
                    .and_then(Slot::big)
                    .and_then(Big::zset)
                {
                    let picked = big::picks(scores.members(), *seed, count.unwrap_or(1));
                    let picked: Vec<(f64, &[u8])> = picked
                        .iter()
                        .map(|e| (Scores::score_in(e), e.key()))
                        .collect();
                    return Ok(match count {
                        None => reply::bulk_or_null(
                            picked.first().map(|(_, m)| Bytes::copy_from_slice(m)),
                        ),
                        Some(_) => zset_reply(&picked, *with_scores),
                    });
                }
                let items = self.zset_entries(key, now)?;
                match count {
                    None => match random_picks(items.len(), *seed, 1).first() {
                        Some(&i) => reply::bulk(Bytes::copy_from_slice(items[i].1)),
                        None => reply::null(),
                    },
                    Some(count) => {
                        let picked: Vec<(f64, &[u8])> = random_picks(items.len(), *seed, *count)
                            .into_iter()
                            .map(|i| items[i])
                            .collect();
                        zset_reply(&picked, *with_scores)
                    }
                }
            }
            Command::ZScan {
                key,
                cursor,
                count,
                pattern,
                options_error,
            } => {
                let Some(e) = self.scanned(key, now, ValueType::SortedSet, options_error)? else {
                    return Ok(whole_scan(Vec::new()));
                };
                let (scored, next) = match e.big().and_then(Big::zset) {
                    Some(scores) => scores.scan_step(*cursor, *count),
                    None => (zset::entries(e.value()), 0),
                };
                let matching: Vec<(f64, &[u8])> = scored
                    .into_iter()
                    .filter(|(_, m)| pattern.as_ref().is_none_or(|p| glob::matches(p, m)))
                    .collect();
                let mut items = Vec::with_capacity(matching.len() * 2);
                for (score, member) in matching {
                    items.push(reply::bulk(Bytes::copy_from_slice(member)));
                    items.push(reply::bulk(zset::format_score(score).into()));
                }
                scan_reply(next, items)
            }
            Command::LLen(key) => reply::integer(match self.live_list(key, now)? {
                Some(e) => e.big().map_or_else(|| list::len(e.value()), Big::len) as i64,
                None => 0,
            }),
            Command::LRange(key, start, stop) => {
                let elements = self
                    .live_list(key, now)?
                    .and_then(Slot::big)
                    .and_then(Big::list);
                if let Some(elements) = elements {
                    let selected = match list::range(elements.len(), *start, *stop) {
                        Some((first, last)) => elements
                            .iter_from(first)
                            .take(last - first + 1)
                            .map(|b| reply::bulk(Bytes::copy_from_slice(b)))
                            .collect(),
                        None => Vec::new(),
                    };
                    return Ok(reply::array(selected));
                }
                let parts = self.buffer(key, now, ValueType::List)?;
                let selected = match list::range(list::len(parts), *start, *stop) {
                    Some((first, last)) => {
                        packed::strings(&parts[list::offset_after(parts, first)..])
                            .take(last - first + 1)
                            .map(|b| reply::bulk(Bytes::copy_from_slice(b)))
                            .collect()
                    }
                    None => Vec::new(),
                };
                reply::array(selected)
            }
            Command::LIndex(key, index) => {
                let Some(e) = self.live_list(key, now)? else {
                    return Ok(reply::null());
                };
                let index = command::parse_i64(index)?;
                if let Some(elements) = e.big().and_then(Big::list) {
                    let found = list::position(elements.len(), index)
                        .and_then(|at| elements.iter_from(at).next());
                    return Ok(reply::bulk_or_null(found.map(Bytes::copy_from_slice)));
                }
                let buf = e.value();
                reply::bulk_or_null(list::position(list::len(buf), index).and_then(|at| {
                    packed::strings(&buf[list::offset_after(buf, at)..])
                        .next()
                        .map(Bytes::copy_from_slice)
                }))
            }
            Command::LPos {
                key,
                element,
                rank,
                count,
                max_len,
            } => {
                let parts = self.buffer(key, now, ValueType::List)?;
                let items = list::elements(parts);
                let wanted = match count {
                    Some(0) => usize::MAX,
                    Some(n) => *n,
                    None => 1,
                };
                let found = list::positions(&items, element, *rank, wanted, *max_len);
                match count {
                    Some(_) => reply::array(
                        found
                            .into_iter()
                            .map(|i| reply::integer(i as i64))
                            .collect(),
                    ),
                    None => found
                        .first()
                        .map_or_else(reply::null, |&i| reply::integer(i as i64)),
                }
            }
            Command::Version(keys) => reply::array(
                keys.iter()
                    .map(|k| reply::integer(self.watch_version(k, now) as i64))
                    .collect(),
            ),
            _ => return Err(CommandError::NotAllowed("write command sent as a read")),
        })
    }

    fn scan(
        &self,
        cursor: u64,
        pattern: Option<&[u8]>,
        count: usize,
        kind: Option<&[u8]>,
        now: i64,
    ) -> pb::Reply {
        let type_ok = |e: &Slot| {
            kind.is_none_or(|k| k.eq_ignore_ascii_case(type_name(e.value_type()).as_bytes()))
        };
        let (found, next) = self.table.scan_step(cursor, count);
        let keys = found
            .into_iter()
            .filter(|e| {
                type_ok(e) && is_live(e, now) && pattern.is_none_or(|p| glob::matches(p, e.key()))
            })
            .map(|e| reply::bulk(Bytes::copy_from_slice(e.key())))
            .collect();
        scan_reply(next, keys)
    }
}

/// HRANDFIELD's reply for the hash buffer `fields` (empty for a missing key): one field (or
/// nil) without a count; with one, that many distinct fields (at most all of them) when
/// positive, or that many picks with repeats when negative; values follow their fields with
/// `with_values`. The picks come from `seed`, which the server drew, so that every replica
/// would answer alike.
fn random_fields(fields: &[u8], seed: u64, count: Option<i64>, with_values: bool) -> pb::Reply {
    let pairs: Vec<(&[u8], &[u8])> = hash::entries(fields).collect();
    let picks = random_picks(pairs.len(), seed, count.unwrap_or(1));
    let picked = picks.into_iter().map(|i| pairs[i]).collect();
    fields_reply(picked, count.is_some(), with_values)
}

/// HRANDFIELD's reply for the fields `picked`: the first field (or nil) without a count;
/// with one, the fields, each followed by its value with `with_values`.
fn fields_reply(picked: Vec<(&[u8], &[u8])>, counted: bool, with_values: bool) -> pb::Reply {
    let copy = |b: &[u8]| reply::bulk(Bytes::copy_from_slice(b));
    if !counted {
        return picked.first().map_or_else(reply::null, |(f, _)| copy(f));
    }
    let mut items = Vec::with_capacity(picked.len() * if with_values { 2 } else { 1 });
    for (field, value) in picked {
        items.push(copy(field));
        if with_values {
            items.push(copy(value));
        }
    }
    if with_values {
        reply::pairs(items)
    } else {
        reply::array(items)
    }
}

/// The reply of an HSCAN or SSCAN that returns everything in one call, as Redis does for a
/// value in a compact encoding: cursor 0 and the items.
fn whole_scan(items: Vec<pb::Reply>) -> pb::Reply {
    scan_reply(0, items)
}

/// The reply of a SCAN-like step: the cursor to go on from (0 when done) and the items.
fn scan_reply(next: u64, items: Vec<pb::Reply>) -> pb::Reply {
    reply::array(vec![
        reply::bulk(Bytes::from(next.to_string())),
        reply::array(items),
    ])
}

/// What ZADD's (or ZINCRBY's) pairs do, in turn, to a sorted set.
struct ZAddPlan<'a> {
    /// The new score, as stored, of each member that changes.
    changes: std::collections::BTreeMap<&'a [u8], f64>,
    /// How many members are new.
    added: i64,
    /// How many members already there change score.
    updated: i64,
    /// The score the last pair that applied gave its member (INCR's reply).
    result: Option<f64>,
}

/// Works out what `pairs` do under `flags` to a sorted set whose scores `stored` looks up,
/// each pair seeing what the ones before it set; an error (a NaN score) changes nothing.
fn zadd_plan<'a>(
    pairs: &'a [(f64, Bytes)],
    flags: &command::ZAddFlags,
    stored: impl Fn(&[u8]) -> Option<f64>,
) -> Result<ZAddPlan<'a>, CommandError> {
    let mut plan = ZAddPlan {
        changes: std::collections::BTreeMap::new(),
        added: 0,
        updated: 0,
        result: None,
    };
    for (score, member) in pairs {
        let current = plan
            .changes
            .get(member.as_ref())
            .copied()
            .or_else(|| stored(member));
        match current {
            Some(_) if flags.nx => {}
            Some(current) => {
                let new = if flags.incr { current + score } else { *score };
                if new.is_nan() {
                    return Err(CommandError::Message(
                        "resulting score is not a number (NaN)",
                    ));
                }
                if (flags.lt && new >= current) || (flags.gt && new <= current) {
                    continue;
                }
                plan.result = Some(new);
                if new != current {
                    plan.changes.insert(member, stored_score(new));
                    plan.updated += 1;
                }
            }
            None if flags.xx => {}
            None => {
                plan.changes.insert(member, stored_score(*score));
                plan.added += 1;
                plan.result = Some(*score);
            }
        }
    }
    Ok(plan)
}

/// A score as a sorted set keeps it: -0 becomes 0, as Redis 7.0's listpack stores a whole
/// number as an integer (the reply to the write that set it still shows the -0).
fn stored_score(score: f64) -> f64 {
    if score == 0.0 { 0.0 } else { score }
}

/// One input of ZUNION, ZINTER or ZDIFF: its key, its scored members and its weight.
type ZInput<'k, 'v> = (&'k [u8], Vec<(f64, &'v [u8])>, f64);

/// A computed sorted set as a *STORE command stores it: [`stored_score`] for a set Redis keeps
/// as a listpack; a larger one (a skiplist in Redis) keeps its -0 scores.
fn stored_scores(items: Vec<(f64, &[u8])>) -> Vec<(f64, &[u8])> {
    if !zset::is_listpack(&items) {
        return items;
    }
    items
        .into_iter()
        .map(|(s, m)| (stored_score(s), m))
        .collect()
}

/// Members as an array, or with `with_scores` member/score pairs (flat in RESP2).
fn zset_reply(items: &[(f64, &[u8])], with_scores: bool) -> pb::Reply {
    let mut out = Vec::with_capacity(items.len() * if with_scores { 2 } else { 1 });
    for (score, member) in items {
        out.push(reply::bulk(Bytes::copy_from_slice(member)));
        if with_scores {
            out.push(reply::double(*score));
        }
    }
    if with_scores {
        reply::pairs(out)
    } else {
        reply::array(out)
    }
}

/// The positions in `items` (in the order of the range: from the highest score down for a
/// reversed one) that `range` selects, after LIMIT's offset and count (a negative offset
/// selects nothing, a negative count everything after the offset).
fn zset_selected(items: &[(f64, &[u8])], range: &ZRange, limit: Option<(i64, i64)>) -> Vec<usize> {
    let selected: Vec<usize> = match range {
        ZRange::Rank(start, stop) => match list::range(items.len(), *start, *stop) {
            Some((first, last)) => (first..=last).collect(),
            None => Vec::new(),
        },
        ZRange::Score(min, max) => (0..items.len())
            .filter(|&i| zset::in_score_range(items[i].0, *min, *max))
            .collect(),
        ZRange::Lex(min, max) => (0..items.len())
            .filter(|&i| zset::in_lex_range(items[i].1, min, max))
            .collect(),
    };
    match limit {
        None => selected,
        Some((offset, _)) if offset < 0 => Vec::new(),
        Some((offset, count)) => {
            let offset = usize::try_from(offset).unwrap_or(usize::MAX);
            let count = usize::try_from(count).unwrap_or(usize::MAX);
            selected.into_iter().skip(offset).take(count).collect()
        }
    }
}

/// A RESP3 set of bulk strings (an array in RESP2).
fn bulk_set(items: &[&[u8]]) -> pb::Reply {
    reply::set(
        items
            .iter()
            .map(|b| reply::bulk(Bytes::copy_from_slice(b)))
            .collect(),
    )
}

/// An array of bulk strings.
fn bulk_array(items: &[&[u8]]) -> pb::Reply {
    reply::array(
        items
            .iter()
            .map(|b| reply::bulk(Bytes::copy_from_slice(b)))
            .collect(),
    )
}

/// Positions picked from `len` items with `seed`, by the rule of SRANDMEMBER's and SPOP's
/// count: distinct positions (all of them, in order, when `count` reaches `len`) for a
/// non-negative count, `-count` positions with repeats for a negative one.
/// The keyspace event of a push at the head or the tail of a list.
fn push_event(head: bool) -> &'static str {
    if head { "lpush" } else { "rpush" }
}

/// The keyspace event of a pop from the head or the tail of a list.
fn pop_event(head: bool) -> &'static str {
    if head { "lpop" } else { "rpop" }
}

/// The keyspace event of a pop of a sorted set's highest or lowest members.
fn zpop_event(max: bool) -> &'static str {
    if max { "zpopmax" } else { "zpopmin" }
}

/// The keyspace event of a ZREMRANGEBY... command.
fn zremrange_event(range: &ZRange) -> &'static str {
    match range {
        ZRange::Rank(..) => "zremrangebyrank",
        ZRange::Score(..) => "zremrangebyscore",
        ZRange::Lex(..) => "zremrangebylex",
    }
}

fn random_picks(len: usize, seed: u64, count: i64) -> Vec<usize> {
    if len == 0 {
        return Vec::new();
    }
    let mut rng = seed;
    let mut below = |n: usize| (splitmix64(&mut rng) % n as u64) as usize;
    if count < 0 {
        let n = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
        return (0..n).map(|_| below(len)).collect();
    }
    let want = usize::try_from(count).unwrap_or(usize::MAX).min(len);
    let mut order: Vec<usize> = (0..len).collect();
    if want < len {
        for i in 0..want {
            let j = i + below(len - i);
            order.swap(i, j);
        }
        order.truncate(want);
    }
    order
}

/// One step of SplitMix64: a small, well-mixed generator for seeded picks.
pub(super) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Builds the internal batch that deletes `keys` if they are still expired at `now_ms`; the
/// leader proposes it periodically with keys from [`KvState::expired_keys`].
pub fn purge_batch(keys: Vec<Bytes>, now_ms: i64) -> pb::KvBatch {
    let mut args = Vec::with_capacity(keys.len() + 1);
    args.push(Bytes::from_static(command::PURGE.as_bytes()));
    args.extend(keys);
    pb::KvBatch {
        commands: vec![pb::KvCommand { args }],
        now_ms,
        ..pb::KvBatch::default()
    }
}

/// Builds the internal batch that keys the keyspace's hash with `key` (see
/// [`KvState::needs_hash_key`]); a leader draws the key at random. An all-zero key, which
/// would mean "no key", is replaced by another fixed one. A state that adopts the key also
/// starts keeping deletion versions per bucket of keys.
pub fn hash_key_batch(key: [u64; 2], now_ms: i64) -> pb::KvBatch {
    let [k0, k1] = if key == [0, 0] { [0, 1] } else { key };
    pb::KvBatch {
        now_ms,
        hash_key0: k0,
        hash_key1: k1,
        deletion_buckets: true,
        ..pb::KvBatch::default()
    }
}

/// Builds the internal batch that enrolls nodes `ids`: a leader proposes it for the members
/// that hold part of its log, so that one of them that later starts on an empty disk learns
/// from its peers that its data was lost (see `crate::driver`).
pub fn enroll_batch(ids: Vec<u64>, now_ms: i64) -> pb::KvBatch {
    pb::KvBatch {
        now_ms,
        enrolled_nodes: ids,
        ..pb::KvBatch::default()
    }
}

/// Redis's reply to a string that is not an HLL, or a damaged one.
fn hll_error(err: HllError) -> CommandError {
    match err {
        HllError::NotHll => {
            CommandError::Full("WRONGTYPE Key is not a valid HyperLogLog string value.")
        }
        HllError::Corrupt => CommandError::Full("INVALIDOBJ Corrupted HLL object detected"),
    }
}

/// Builds the internal batch that names the cluster `id` (see [`KvState::cluster_id`]): a
/// leader whose state has no id draws one at random. A zero id, which would mean "none", is
/// replaced by 1.
pub fn cluster_id_batch(id: u64, now_ms: i64) -> pb::KvBatch {
    pb::KvBatch {
        now_ms,
        cluster_id: id.max(1),
        ..pb::KvBatch::default()
    }
}

/// The bytes of `values` as packed varints.
fn packed_varints_len<'a>(values: impl IntoIterator<Item = &'a u64>) -> usize {
    values
        .into_iter()
        .map(|&v| encoding::encoded_len_varint(v))
        .sum()
}

/// The hash key a batch carries: only a batch without commands carries one.
fn batch_hash_key(batch: &pb::KvBatch) -> Option<HashKey> {
    let key = [batch.hash_key0, batch.hash_key1];
    (batch.commands.is_empty() && key != [0, 0]).then_some(key)
}

/// The members of the set `e`, in its order: read from the index of a big one, which so
/// keeps no packed copy (see `kv::big`).
fn members_of(e: &Slot) -> Vec<&[u8]> {
    match e.big().and_then(Big::set) {
        Some(members) => members.iter().map(Slot::key).collect(),
        None => set::members(e.value()),
    }
}

/// The members and scores of the sorted set `e`, in order, as [`members_of`] reads them.
fn scored_of(e: &Slot) -> Vec<(f64, &[u8])> {
    match e.big().and_then(Big::zset) {
        Some(scores) => scores.iter().collect(),
        None => zset::entries(e.value()),
    }
}

/// The value of `field` in the hash `e`.
fn field_of<'a>(e: &'a Slot, field: &[u8]) -> Option<&'a [u8]> {
    match e.big().and_then(Big::hash) {
        Some(fields) => fields.get(field).map(Slot::value),
        None => hash::get(e.value(), field),
    }
}

/// The number of fields of the hash `e`, expired ones included.
fn hash_len(e: &Slot) -> usize {
    e.big().map_or_else(|| hash::len(e.value()), Big::len)
}

/// The fields and values of the hash `e`, in its order, as [`members_of`] reads them.
fn fields_of(e: &Slot) -> Vec<(&[u8], &[u8])> {
    match e.big().and_then(Big::hash) {
        Some(fields) => fields.iter().map(|f| (f.key(), f.value())).collect(),
        None => hash::entries(e.value()).collect(),
    }
}

fn is_live(e: &Slot, now: i64) -> bool {
    e.expire_at_ms().is_none_or(|at| at > now)
}

/// The bytes a stored key takes on this node, estimated for `MEMORY USAGE`: its table slot,
/// its share of the bucket array, the heap block holding key and value (glibc adds an 8-byte
/// header, rounds to 16 and allocates at least 32), and with a TTL its entry in the expiry
/// index, which holds a copy of the key.
fn memory_usage(e: &Slot) -> u64 {
    let heap = |n: usize| match n {
        0 => 0,
        n => (n + 8).div_ceil(16).max(2) as u64 * 16,
    };
    let slot = std::mem::size_of::<Slot>() as u64 + std::mem::size_of::<u32>() as u64;
    let expiry = e
        .expire_at_ms()
        .map_or(0, |_| EXPIRY_ENTRY_BYTES + heap(e.key().len()));
    let value = match e.big() {
        Some(big) => heap(e.key().len()) + big.heap_bytes() as u64,
        None => heap(e.key().len() + e.value().len()),
    };
    slot + value + expiry
}

/// The bytes a hash's field TTLs take on this node, for `MEMORY USAGE`: the hash's entry in
/// the map and in the index (each with its share of the B-tree and a copy of the key), and for
/// each field an entry by name and one by time, sharing one copy of the name.
fn field_ttls_usage(ttls: &FieldTtls) -> u64 {
    let heap = |n: usize| (n + 8).div_ceil(16).max(2) as u64 * 16;
    2 * EXPIRY_ENTRY_BYTES
        + ttls
            .iter()
            .map(|(field, _)| 2 * EXPIRY_ENTRY_BYTES + heap(field.len()))
            .sum::<u64>()
}

/// The longest string Redis stores as `embstr`.
const EMBSTR_MAX_BYTES: usize = 44;

/// Integers Redis shares among all keys: `0..SHARED_INTEGERS`.
const SHARED_INTEGERS: i64 = 10_000;

/// The most expired hash fields one purge removes (about 7 ms of a node's turn, measured in a
/// release build on one hash of a million fields); a purge runs every 100 ms at most.
const MAX_PURGED_FIELDS: usize = 20_000;

/// An expiry index entry, `(i64, Bytes)`, with its share of the B-tree's nodes.
const EXPIRY_ENTRY_BYTES: u64 = 64;

/// The inclusive bit positions a `BITCOUNT`/`BITPOS` range covers in a string of `len`
/// bytes, with Redis's rules (negative offsets count from the end, then both are clamped);
/// `None` when it covers nothing.
fn bit_span(len: usize, range: Option<BitRange>) -> Option<(u64, u64)> {
    let bytes = len as i64;
    let range = range.unwrap_or(BitRange {
        start: 0,
        end: None,
        bits: false,
    });
    let total = if range.bits { bytes * 8 } else { bytes };
    let from_end = |offset: i64| {
        if offset < 0 {
            total.saturating_add(offset).max(0)
        } else {
            offset
        }
    };
    let start = from_end(range.start);
    let end = from_end(range.end.unwrap_or(-1)).min(total - 1);
    if start > end {
        return None;
    }
    let (start, end) = (start as u64, end as u64);
    Some(if range.bits {
        (start, end)
    } else {
        (start * 8, end * 8 + 7)
    })
}

/// The number of set bits at positions `first..=last` (bit 0 is the top bit of byte 0).
fn count_bits(value: &[u8], first: u64, last: u64) -> u64 {
    let (head, tail) = ((first >> 3) as usize, (last >> 3) as usize);
    let head_mask = 0xffu8 >> (first & 7);
    let tail_mask = 0xffu8 << (7 - (last & 7));
    if head == tail {
        return u64::from((value[head] & head_mask & tail_mask).count_ones());
    }
    let middle: u64 = value[head + 1..tail]
        .iter()
        .map(|b| u64::from(b.count_ones()))
        .sum();
    u64::from((value[head] & head_mask).count_ones())
        + middle
        + u64::from((value[tail] & tail_mask).count_ones())
}

/// The first position in `first..=last` whose bit is `bit`.
fn find_bit(value: &[u8], bit: bool, first: u64, last: u64) -> Option<u64> {
    let other = if bit { 0x00 } else { 0xff };
    let mut pos = first;
    while pos <= last {
        let byte = value[(pos >> 3) as usize];
        if pos & 7 == 0 && pos + 7 <= last && byte == other {
            pos += 8;
            continue;
        }
        if (byte << (pos & 7)) & 0x80 != 0 {
            if bit {
                return Some(pos);
            }
        } else if !bit {
            return Some(pos);
        }
        pos += 1;
    }
    None
}

/// `GETRANGE` with Redis's index rules (negative indexes count from the end, clamped).
fn substring(value: &Bytes, start: i64, end: i64) -> Bytes {
    let len = value.len() as i64;
    if (start < 0 && end < 0 && start > end) || len == 0 {
        return Bytes::new();
    }
    let mut start = if start < 0 { len + start } else { start };
    let mut end = if end < 0 { len + end } else { end };
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end {
        return Bytes::new();
    }
    value.slice(start as usize..=end as usize)
}

/// Hex digits of `DEBUG DIGEST`, as many as a SHA-1 in Redis.
const DIGEST_HEX_DIGITS: usize = 40;

/// 64-bit hashes combined for `DEBUG DIGEST`: enough to cover [`DIGEST_HEX_DIGITS`].
const DIGEST_LANES: usize = DIGEST_HEX_DIGITS.div_ceil(16);

/// `KvSnapshot` field numbers (see `proto/raft.proto`).
const SNAPSHOT_ENTRIES: u32 = 1;
const SNAPSHOT_NOW_MS: u32 = 2;
const SNAPSHOT_VERSION_COUNTER: u32 = 3;
const SNAPSHOT_DELETED_VERSION: u32 = 4;
const SNAPSHOT_HASH_KEY0: u32 = 5;
const SNAPSHOT_HASH_KEY1: u32 = 6;
const SNAPSHOT_DELETED_BUCKETS: u32 = 7;
const SNAPSHOT_ENROLLED_NODES: u32 = 8;
const SNAPSHOT_SCRIPTS: u32 = 9;
const SNAPSHOT_LIBRARIES: u32 = 10;
const SNAPSHOT_CLUSTER_ID: u32 = 11;
const SNAPSHOT_FIELD_TTLS: u32 = 12;

/// The encoded length of a `HashFieldTtls` message body.
fn field_ttls_message_len(key: &[u8], packed: &[u8]) -> usize {
    encoding::bytes::encoded_len(1, &Bytes::copy_from_slice(key))
        + encoding::bytes::encoded_len(2, &Bytes::copy_from_slice(packed))
}

/// Commands a script may not call: the connection's and the server's own (Redis's
/// `noscript` commands), besides scripts within scripts, which `KvState::script_parse`
/// refuses by their spec.
const NOT_IN_SCRIPTS: &[&[u8]] = &[
    b"auth",
    b"client",
    b"discard",
    b"exec",
    b"hello",
    b"multi",
    b"psubscribe",
    b"punsubscribe",
    b"quit",
    b"raft.node",
    b"reset",
    b"shutdown",
    b"ssubscribe",
    b"subscribe",
    b"sunsubscribe",
    b"unsubscribe",
    b"unwatch",
    b"wait",
    b"watch",
];

/// Buckets of keys that keep their own deletion version (a power of two): a deletion moves the
/// WATCH version of the missing keys in one bucket. 8 KiB per state and per snapshot.
const DELETION_BUCKETS: usize = 1024;

/// `KvSnapshotEntry` field numbers (see `proto/raft.proto`).
const ENTRY_KEY: u32 = 1;
const ENTRY_VALUE: u32 = 2;
const ENTRY_EXPIRE_AT_MS: u32 = 3;
const ENTRY_VERSION: u32 = 4;
const ENTRY_VALUE_TYPE: u32 = 5;

/// `KvSnapshotEntry.value_type` of a hash (a string's is 0, left out).
const VALUE_TYPE_HASH: u64 = 1;

/// `KvSnapshotEntry.value_type` of a list.
const VALUE_TYPE_LIST: u64 = 2;

impl Streams for KvState {
    fn stream(&self, key: &[u8], now: i64) -> Result<Option<&Stream>, CommandError> {
        match self.live_typed(key, now, ValueType::Stream)? {
            // A stream is always held in its index form; a slot that is not one is not a
            // stream this state can serve.
            Some(e) => e
                .big()
                .and_then(Big::stream)
                .map(Some)
                .ok_or(CommandError::WrongType),
            None => Ok(None),
        }
    }

    fn update_stream<R>(
        &mut self,
        key: &[u8],
        now: i64,
        change: impl FnOnce(&mut Stream) -> (R, bool),
    ) -> Option<R> {
        self.live(key, now)?;
        let version = self.version_counter + 1;
        let (result, changed) = self.table.update_stream(key, version, change)?;
        if changed {
            self.version_counter = version;
            self.note_modified(key);
            if self.track_stores {
                self.stored.push(Bytes::copy_from_slice(key));
            }
        }
        Some(result)
    }

    fn create_stream(&mut self, key: &[u8], stream: Stream, now: i64) {
        self.store_typed(key, &stream.encode(), ValueType::Stream, None, now);
    }

    fn stream_event(&mut self, event: &'static str, key: &[u8]) {
        self.notify(notify::STREAM, event, key);
    }

    fn stream_read(&mut self, key: &[u8], now: i64) {
        self.note_miss(key, now);
    }
}

impl GeoSets for KvState {
    fn geo_set(&self, key: &[u8], now: i64) -> Result<Option<GeoSet<'_>>, CommandError> {
        Ok(self.live_typed(key, now, ValueType::SortedSet)?.map(|e| {
            match e.big().and_then(Big::zset) {
                Some(scores) => GeoSet::Indexed(scores),
                None => GeoSet::Packed(zset::entries(e.value())),
            }
        }))
    }
}

/// `KvSnapshotEntry.value_type` of a set.
const VALUE_TYPE_SET: u64 = 3;

/// `KvSnapshotEntry.value_type` of a sorted set.
const VALUE_TYPE_ZSET: u64 = 4;

/// `KvSnapshotEntry.value_type` of a stream.
const VALUE_TYPE_STREAM: u64 = 5;

/// The `value_type` a snapshot entry of this type carries.
fn value_type_code(value_type: ValueType) -> u64 {
    match value_type {
        ValueType::String => 0,
        ValueType::Hash => VALUE_TYPE_HASH,
        ValueType::List => VALUE_TYPE_LIST,
        ValueType::Set => VALUE_TYPE_SET,
        ValueType::SortedSet => VALUE_TYPE_ZSET,
        ValueType::Stream => VALUE_TYPE_STREAM,
    }
}

/// The encoding Redis 7.0 would report for a collection value (OBJECT ENCODING); `None` for a
/// string, whose encoding depends on its content in other ways.
fn collection_encoding(e: &Slot) -> Option<&'static str> {
    if let Some(big) = e.big() {
        return Some(match big.value_type() {
            ValueType::SortedSet => "skiplist",
            ValueType::List => "quicklist",
            ValueType::Stream => "stream",
            _ => "hashtable",
        });
    }
    Some(match e.value_type() {
        ValueType::String => return None,
        // Redis 7.4 calls a small hash with field TTLs `listpackex` (OBJECT's caller knows
        // the TTLs).
        ValueType::Hash if hash::is_listpack(e.value()) => "listpack",
        ValueType::Hash => "hashtable",
        // Redis 7.0 keeps every list as a quicklist.
        ValueType::List => "quicklist",
        ValueType::Set if set::is_intset(e.value()) => "intset",
        ValueType::Set => "hashtable",
        ValueType::SortedSet if zset::is_listpack(&zset::entries(e.value())) => "listpack",
        ValueType::SortedSet => "skiplist",
        ValueType::Stream => "stream",
    })
}

/// The name TYPE and `SCAN ... TYPE` use for a value type.
fn type_name(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::String => "string",
        ValueType::Hash => "hash",
        ValueType::List => "list",
        ValueType::Set => "set",
        ValueType::SortedSet => "zset",
        ValueType::Stream => "stream",
    }
}

/// Encoded length of a proto3 varint field (int64 as its two's complement u64); 0 for the
/// default value, which proto3 leaves out.
fn scalar_len(tag: u32, value: u64) -> usize {
    if value == 0 {
        0
    } else {
        encoding::key_len(tag) + encoding::encoded_len_varint(value)
    }
}

/// Encoded length of a proto3 bytes field; 0 when empty.
fn bytes_len(tag: u32, value: &[u8]) -> usize {
    value_field_len(tag, value.len())
}

/// Encoded length of a proto3 bytes field holding `len` bytes; 0 when empty.
fn value_field_len(tag: u32, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        encoding::key_len(tag) + encoding::encoded_len_varint(len as u64) + len
    }
}

/// Encoded length of a proto3 fixed64 field; 0 for the default value.
fn fixed64_len(tag: u32, value: u64) -> usize {
    if value == 0 {
        0
    } else {
        encoding::key_len(tag) + 8
    }
}

fn put_fixed64(tag: u32, value: u64, buf: &mut Vec<u8>) {
    if value != 0 {
        encoding::encode_key(tag, WireType::SixtyFourBit, buf);
        buf.put_u64_le(value);
    }
}

fn put_scalar(tag: u32, value: u64, buf: &mut Vec<u8>) {
    if value != 0 {
        encoding::encode_key(tag, WireType::Varint, buf);
        encoding::encode_varint(value, buf);
    }
}

fn put_bytes(tag: u32, value: &[u8], buf: &mut Vec<u8>) {
    if !value.is_empty() {
        encoding::encode_key(tag, WireType::LengthDelimited, buf);
        encoding::encode_varint(value.len() as u64, buf);
        buf.put_slice(value);
    }
}

/// Appends `e` as one `KvSnapshot.entries` field.
fn put_snapshot_entry(e: &Slot, buf: &mut Vec<u8>) {
    encoding::encode_key(SNAPSHOT_ENTRIES, WireType::LengthDelimited, buf);
    encoding::encode_varint(snapshot_entry_len(e) as u64, buf);
    put_bytes(ENTRY_KEY, e.key(), buf);
    put_bytes(ENTRY_VALUE, &e.snapshot_value(), buf);
    put_scalar(
        ENTRY_EXPIRE_AT_MS,
        e.expire_at_ms().unwrap_or(0) as u64,
        buf,
    );
    put_scalar(ENTRY_VERSION, e.version(), buf);
    put_scalar(ENTRY_VALUE_TYPE, value_type_code(e.value_type()), buf);
}

/// Encoded length of one `KvSnapshotEntry` body.
fn snapshot_entry_len(e: &Slot) -> usize {
    bytes_len(ENTRY_KEY, e.key())
        + value_field_len(ENTRY_VALUE, e.value_len())
        + scalar_len(ENTRY_EXPIRE_AT_MS, e.expire_at_ms().unwrap_or(0) as u64)
        + scalar_len(ENTRY_VERSION, e.version())
        + scalar_len(ENTRY_VALUE_TYPE, value_type_code(e.value_type()))
}

/// Splits a length-delimited field's body off the front of `buf`.
fn take_delimited<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], SnapshotError> {
    let len = encoding::decode_varint(buf)?;
    let len = usize::try_from(len)
        .ok()
        .filter(|&len| len <= buf.len())
        .ok_or_else(|| SnapshotError("field runs past the end".into()))?;
    let (body, rest) = buf.split_at(len);
    *buf = rest;
    Ok(body)
}

/// One decoded `KvSnapshotEntry`, borrowing its bytes from the snapshot.
struct SnapshotEntry<'a> {
    /// The key.
    key: &'a [u8],
    /// The value.
    value: &'a [u8],
    /// Absolute expiry in Unix ms; 0 when the key has no TTL.
    expire_at_ms: i64,
    /// The key's WATCH version.
    version: u64,
    /// `value_type`: 0 a string, [`VALUE_TYPE_HASH`] a hash.
    value_type: u64,
}

/// Decodes one `KvSnapshotEntry` body. As with prost, a repeated field keeps its last value.
fn decode_snapshot_entry(mut buf: &[u8]) -> Result<SnapshotEntry<'_>, SnapshotError> {
    let mut e = SnapshotEntry {
        key: &[],
        value: &[],
        expire_at_ms: 0,
        version: 0,
        value_type: 0,
    };
    while buf.has_remaining() {
        let (tag, wire_type) = encoding::decode_key(&mut buf)?;
        match (tag, wire_type) {
            (ENTRY_KEY, WireType::LengthDelimited) => e.key = take_delimited(&mut buf)?,
            (ENTRY_VALUE, WireType::LengthDelimited) => e.value = take_delimited(&mut buf)?,
            (ENTRY_EXPIRE_AT_MS, WireType::Varint) => {
                e.expire_at_ms = encoding::decode_varint(&mut buf)? as i64;
            }
            (ENTRY_VERSION, WireType::Varint) => e.version = encoding::decode_varint(&mut buf)?,
            (ENTRY_VALUE_TYPE, WireType::Varint) => {
                e.value_type = encoding::decode_varint(&mut buf)?;
            }
            _ => encoding::skip_field(wire_type, tag, &mut buf, Default::default())?,
        }
    }
    Ok(e)
}

/// What [`KvState::restore`] needs before it inserts the first entry.
struct SnapshotHeader {
    /// Number of entries, so the table is sized once.
    entries: usize,
    /// The key of the keyspace's hash, which places every entry.
    hash_key: Option<HashKey>,
}

/// Reads the [`SnapshotHeader`] of an encoded `KvSnapshot` (its fields may come in any order).
fn scan_snapshot(mut buf: &[u8]) -> Result<SnapshotHeader, SnapshotError> {
    let mut header = SnapshotHeader {
        entries: 0,
        hash_key: None,
    };
    let mut key = [0, 0];
    while buf.has_remaining() {
        let (tag, wire_type) = encoding::decode_key(&mut buf)?;
        match (tag, wire_type) {
            (SNAPSHOT_ENTRIES, WireType::LengthDelimited) => {
                take_delimited(&mut buf)?;
                header.entries += 1;
            }
            (SNAPSHOT_HASH_KEY0 | SNAPSHOT_HASH_KEY1, WireType::SixtyFourBit) => {
                if buf.remaining() < 8 {
                    return Err(SnapshotError("truncated hash key".into()));
                }
                key[(tag - SNAPSHOT_HASH_KEY0) as usize] = buf.get_u64_le();
            }
            _ => encoding::skip_field(wire_type, tag, &mut buf, Default::default())?,
        }
    }
    header.hash_key = (key != [0, 0]).then_some(key);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pb::reply::Kind;

    use crate::kv::test_args as args;

    fn batch(cmds: &[&str], now_ms: i64) -> pb::KvBatch {
        pb::KvBatch {
            commands: cmds
                .iter()
                .map(|c| pb::KvCommand { args: args(c) })
                .collect(),
            now_ms,
            transaction: false,
            watched: vec![],
            ..pb::KvBatch::default()
        }
    }

    /// Renders a reply compactly for table tests.
    fn show(r: &pb::Reply) -> String {
        match &r.kind {
            Some(Kind::Simple(s)) => s.clone(),
            Some(Kind::Error(e)) => format!("!{e}"),
            Some(Kind::Integer(i)) => format!(":{i}"),
            Some(Kind::Bulk(b)) => format!("\"{}\"", String::from_utf8_lossy(b)),
            Some(Kind::Null(_)) => "nil".into(),
            Some(Kind::NullArray(_)) => "nilarray".into(),
            // As RESP2 shows them.
            Some(Kind::Double(d)) => format!("\"{}\"", zset::format_score(*d)),
            Some(Kind::DoubleText(t)) => format!("\"{t}\""),
            Some(Kind::Set(a) | Kind::Pairs(a)) => format!(
                "[{}]",
                a.items.iter().map(show).collect::<Vec<_>>().join(" ")
            ),
            Some(Kind::Array(a)) => format!(
                "[{}]",
                a.items.iter().map(show).collect::<Vec<_>>().join(" ")
            ),
            Some(Kind::Map(m) | Kind::Keyed(m)) => format!(
                "{{{}}}",
                m.items.iter().map(show).collect::<Vec<_>>().join(" ")
            ),
            None => "?".into(),
        }
    }

    /// Applies each command in its own batch at `now` and returns the replies.
    fn run(state: &mut KvState, now: i64, cmds: &[&str]) -> Vec<String> {
        cmds.iter()
            .map(|c| {
                let r = state.apply(&batch(&[c], now));
                match r.kind {
                    Some(Kind::Array(mut a)) if a.items.len() == 1 => show(&a.items.remove(0)),
                    _ => panic!("bad batch reply {r:?}"),
                }
            })
            .collect()
    }

    /// A follower decodes a committed entry's arguments as slices of the entry. Whatever of
    /// them the state keeps must be copied out: a slice would keep the whole entry (and the
    /// peer message it came in) alive for as long as the state keeps it.
    #[test]
    fn what_the_state_keeps_of_an_entry_is_copied_out_of_it() {
        use prost::Message;
        let command = |a: &[&[u8]]| pb::KvCommand {
            args: a.iter().map(|x| Bytes::copy_from_slice(x)).collect(),
        };
        let library: &[u8] =
            b"#!lua name=lib\nredis.register_function('f', function() return 1 end)";
        let entry = Bytes::from(
            pb::KvBatch {
                commands: vec![
                    command(&[b"SCRIPT", b"LOAD", b"return 1"]),
                    command(&[b"EVAL", b"return 2", b"0"]),
                    command(&[b"FUNCTION", b"LOAD", library]),
                    command(&[b"PUBLISH", b"channel", b"message"]),
                ],
                now_ms: 1,
                ..pb::KvBatch::default()
            }
            .encode_to_vec(),
        );
        let in_entry = |b: &Bytes| entry.as_ptr_range().contains(&b.as_ptr());
        let decoded = pb::KvBatch::decode(entry.clone()).expect("decodes");
        assert!(decoded.commands.iter().flat_map(|c| &c.args).all(in_entry));
        let mut state = KvState::new();
        state.apply(&decoded);
        let scripts = state.script_bodies();
        let codes = state.libraries.codes();
        let published = state.take_published();
        assert_eq!((scripts.len(), codes.len(), published.len()), (2, 1, 1));
        let kept = scripts.iter().chain(&codes);
        for b in kept.chain(published.iter().flat_map(|p| [&p.channel, &p.message])) {
            assert!(!in_entry(b), "{b:?} is a slice of the entry");
        }
    }

    /// While tracking is on, every command that changes a key names it, whatever path the
    /// change takes (stored whole, patched in place, a big value changed in its chunks, an
    /// expiry set, a removal); reads and refused commands name none; a flush says so.
    #[test]
    fn changed_keys_are_noted_for_client_tracking() {
        let big_list = format!(
            "RPUSH bl {}",
            (0..200)
                .map(|i| format!("e{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let big_set = format!(
            "SADD bs {}",
            (0..600)
                .map(|i| format!("m{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let setup = [
            "SET s 0123456789",
            "SET n 1",
            "RPUSH l a b c",
            "HSET h f v",
            "ZADD z 1 a",
            "XADD x 1-1 f v",
            "SET gone v",
            big_list.as_str(),
            big_set.as_str(),
        ];
        let rows: &[(&str, &[&str])] = &[
            ("SET k v", &["k"]),
            ("MSET a 1 b 2", &["a", "b"]),
            ("GET s", &[]),
            ("LPUSH s x", &[]),
            ("DEL missing", &[]),
            ("DEL s n", &["s", "n"]),
            ("INCR n", &["n"]),
            ("APPEND s x", &["s"]),
            ("SETRANGE s 2 ab", &["s"]),
            ("SETBIT s 3 1", &["s"]),
            ("BITFIELD s SET u8 0 65", &["s"]),
            ("EXPIRE s 100", &["s"]),
            ("PERSIST s", &[]),
            ("RPOP l", &["l"]),
            ("LSET l 0 z", &["l"]),
            ("HSET h f w", &["h"]),
            ("HDEL h f", &["h"]),
            ("ZINCRBY z 2 a", &["z"]),
            ("XADD x 2-1 f v", &["x"]),
            ("XDEL x 9-9", &[]),
            ("RENAME s t", &["s", "t"]),
            ("LPOP bl", &["bl"]),
            ("LTRIM bl 5 -5", &["bl"]),
            ("SREM bs m1", &["bs"]),
            ("SREM bs nobody", &[]),
        ];
        for (command, want) in rows {
            let mut s = KvState::new();
            s.apply(&hash_key_batch([3, 4], 1));
            run(&mut s, 10, &setup);
            s.track_modified(true);
            run(&mut s, 20, &[command]);
            let (keys, flushed) = s.take_modified();
            let mut keys: Vec<String> = keys
                .iter()
                .map(|k| String::from_utf8_lossy(k).into_owned())
                .collect();
            keys.dedup();
            assert_eq!(keys, *want, "{command}");
            assert!(!flushed, "{command}");
        }
        let mut s = KvState::new();
        run(&mut s, 10, &["SET a 1"]);
        // Nothing is noted while tracking is off.
        assert_eq!(s.take_modified(), (Vec::new(), false));
        s.track_modified(true);
        run(&mut s, 20, &["SET a 2", "FLUSHALL", "SET b 1"]);
        let (keys, flushed) = s.take_modified();
        assert_eq!(keys, [Bytes::from("a"), Bytes::from("b")]);
        assert!(flushed);
        // A purge of expired keys names them too.
        run(&mut s, 20, &["SET e v PX 5"]);
        s.take_modified();
        s.apply(&purge_batch(vec![Bytes::from("e")], 100));
        assert_eq!(s.take_modified(), (vec![Bytes::from("e")], false));
        s.track_modified(false);
        run(&mut s, 200, &["SET c 1"]);
        assert_eq!(s.take_modified(), (Vec::new(), false));
    }

    fn read(state: &KvState, now: i64, cmd: &str) -> String {
        show(&state.read(&pb::KvCommand { args: args(cmd) }, now))
    }

    /// Table test: each row is (command, expected reply), applied in order at time 1000.
    fn table(rows: &[(&str, &str)]) {
        let mut s = KvState::new();
        for (cmd, want) in rows {
            assert_eq!(run(&mut s, 1000, &[cmd])[0], *want, "command {cmd:?}");
        }
    }

    /// Reads count their key lookups as hits or misses (a key that expired is a miss);
    /// writes and the node's own queries do not count; purges count the keys they remove.
    /// A restored snapshot keeps the counts.
    #[test]
    fn reads_count_hits_and_misses_and_purges_count_expired_keys() {
        let mut s = KvState::new();
        run(&mut s, 1000, &["set a 1", "set gone 1 px 10", "incr a"]);
        assert_eq!(s.keyspace_lookups(), (0, 0));
        assert_eq!(read(&s, 1000, "get a"), "\"2\"");
        assert_eq!(read(&s, 1500, "mget a nosuch gone"), "[\"2\" nil nil]");
        assert_eq!(s.keyspace_lookups(), (2, 2));
        let version = pb::KvCommand {
            args: vec![Bytes::from(command::VERSION), Bytes::from("a")],
        };
        s.read(&version, 1000);
        assert_eq!(s.keyspace_lookups(), (2, 2));
        assert_eq!(s.expired_total(), 0);
        let purge = purge_batch(vec![Bytes::from("gone"), Bytes::from("a")], 2000);
        s.apply(&purge);
        assert_eq!(s.expired_total(), 1);
        let data = s.snapshot();
        s.restore(&data).expect("restore");
        assert_eq!((s.keyspace_lookups(), s.expired_total()), ((2, 2), 1));
    }

    #[test]
    fn geo_searches_read_big_sorted_sets_through_their_index_and_store() {
        let mut s = KvState::new();
        // The compat script's grid: 150 members, more than a packed sorted set holds.
        let mut add = String::from("geoadd grid");
        for i in 0..15 {
            for j in 0..10 {
                let (lon, lat) = (10.0 + f64::from(i) * 0.01, 45.0 + f64::from(j) * 0.01);
                add.push_str(&format!(" {lon:.2} {lat:.2} g{i}_{j}"));
            }
        }
        assert_eq!(run(&mut s, 1000, &[&add]), [":150"]);
        assert_eq!(read(&s, 1000, "object encoding grid"), "\"skiplist\"");
        // Redis's replies to the same searches.
        assert_eq!(
            read(
                &s,
                1000,
                "geosearch grid fromlonlat 10.07 45.05 byradius 1200 m"
            ),
            "[\"g7_5\" \"g8_5\" \"g7_6\" \"g7_4\" \"g6_5\"]"
        );
        assert_eq!(
            read(&s, 1000, "georadius grid 10.005 45.005 800 m withdist"),
            "[[\"g0_0\" \"680.9230\"] [\"g1_0\" \"681.0795\"] [\"g0_1\" \"681.0387\"] \
             [\"g1_1\" \"681.1952\"]]"
        );
        // A search that stores is a write: refused as a read, applied through the log.
        let store = "georadius grid 10.005 45.005 800 m storedist near";
        assert_eq!(read(&s, 1000, store), "!ERR write command sent as a read");
        assert_eq!(run(&mut s, 1000, &[store]), [":4"]);
        assert_eq!(
            run(
                &mut s,
                1000,
                &["geosearchstore near grid frommember g0_0 bybox 1 1 km"]
            ),
            [":1"]
        );
        assert_eq!(read(&s, 1000, "zrange near 0 -1"), "[\"g0_0\"]");
        assert_eq!(
            run(
                &mut s,
                1000,
                &["geosearchstore near nokey frommember g0_0 bybox 1 1 km"]
            ),
            [":0"]
        );
        assert_eq!(read(&s, 1000, "exists near"), ":0");
        // Read-only scripts refuse GEORADIUS even without STORE, as Redis does.
        let script = [
            "eval_ro",
            "return redis.call('georadius','grid',10,45,1,'km')",
            "0",
        ];
        let script = pb::KvCommand {
            args: script.into_iter().map(Bytes::from).collect(),
        };
        let reply = show(&s.read(&script, 1000));
        assert!(reply.contains("Write commands are not allowed"), "{reply}");
    }

    #[test]
    fn strings() {
        table(&[
            ("get k", "nil"),
            ("set k v", "OK"),
            ("get k", "\"v\""),
            ("set k w nx", "nil"),
            ("set k w nx get", "\"v\""),
            ("set k w xx get", "\"v\""),
            ("set j w xx", "nil"),
            ("set j w get", "nil"),
            ("setnx j x", ":0"),
            ("setnx i x", ":1"),
            ("getset i y", "\"x\""),
            ("getdel i", "\"y\""),
            ("getdel i", "nil"),
            ("mset a 1 b 2", "OK"),
            ("mget a b c", "[\"1\" \"2\" nil]"),
            ("msetnx c 3 a 9", ":0"),
            ("get c", "nil"),
            ("msetnx c 3 d 4", ":1"),
            ("append a 23", ":3"),
            ("append new xy", ":2"),
            ("strlen a", ":3"),
            ("strlen nope", ":0"),
            ("set r Hello_World", "OK"),
            ("getrange r 0 4", "\"Hello\""),
            ("getrange r -5 -1", "\"World\""),
            ("getrange r -1 -5", "\"\""),
            ("getrange r 5 100", "\"_World\""),
            ("getrange missing 0 1", "\"\""),
            ("setrange r 6 Redis", ":11"),
            ("get r", "\"Hello_Redis\""),
            ("setrange pad 2 x", ":3"),
            ("get pad", "\"\0\0x\""),
            ("exists none", ":0"),
            ("type r", "string"),
            ("type none", "none"),
        ]);
    }

    #[test]
    fn hashes() {
        table(&[
            ("hset h a 1 b 2", ":2"),
            ("hset h b 3 c 4", ":1"),
            ("hmset h d 5", "OK"),
            (
                "hgetall h",
                "{\"a\" \"1\" \"b\" \"3\" \"c\" \"4\" \"d\" \"5\"}",
            ),
            ("hkeys h", "[\"a\" \"b\" \"c\" \"d\"]"),
            ("hvals h", "[\"1\" \"3\" \"4\" \"5\"]"),
            ("hget h b", "\"3\""),
            ("hget h z", "nil"),
            ("hmget h a z", "[\"1\" nil]"),
            ("hlen h", ":4"),
            ("hexists h c", ":1"),
            ("hstrlen h c", ":1"),
            ("hsetnx h a 9", ":0"),
            ("hsetnx h e 9", ":1"),
            ("hincrby h a 41", ":42"),
            ("hincrby h new -1", ":-1"),
            ("hincrbyfloat h a 0.5", "\"42.5\""),
            ("hincrby h a 1", "!ERR hash value is not an integer"),
            ("hset h big 9223372036854775807", ":1"),
            (
                "hincrby h big 1",
                "!ERR increment or decrement would overflow",
            ),
            (
                "hscan h 0 match [ab]*",
                "[\"0\" [\"a\" \"42.5\" \"b\" \"3\" \"big\" \"9223372036854775807\"]]",
            ),
            ("type h", "hash"),
            (
                "get h",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "append h x",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            ("set s v", "OK"),
            (
                "hget s a",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            ("mget s h", "[\"v\" nil]"),
            ("copy h h2", ":1"),
            ("rename h2 h3", "OK"),
            ("type h3", "hash"),
            ("hdel h3 a b c d e new big nope", ":7"),
            ("exists h3", ":0"),
            ("hrandfield h3", "nil"),
            ("hrandfield h3 5", "[]"),
            ("set h v", "OK"),
            ("type h", "string"),
        ]);
    }

    #[test]
    fn lists() {
        table(&[
            ("rpush l b c", ":2"),
            ("lpush l a z", ":4"),
            ("lrange l 0 -1", "[\"z\" \"a\" \"b\" \"c\"]"),
            ("lpop l", "\"z\""),
            ("rpop l 2", "[\"c\" \"b\"]"),
            ("rpushx l x", ":2"),
            ("lpushx nope x", ":0"),
            ("exists nope", ":0"),
            ("llen l", ":2"),
            ("lindex l -1", "\"x\""),
            ("lindex l 5", "nil"),
            ("lset l 0 A", "OK"),
            ("lset l 9 A", "!ERR index out of range"),
            ("lset nope 0 A", "!ERR no such key"),
            ("linsert l before x m", ":3"),
            ("linsert l after zz m", ":-1"),
            ("rpush l m m", ":5"),
            ("lpos l m", ":1"),
            ("lpos l m rank -1", ":4"),
            ("lpos l m count 0", "[:1 :3 :4]"),
            (
                "lpos l m rank 0",
                "!ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
            ),
            ("lrem l -2 m", ":2"),
            ("lrange l 0 -1", "[\"A\" \"m\" \"x\"]"),
            ("lmove l l left right", "\"A\""),
            ("lrange l 0 -1", "[\"m\" \"x\" \"A\"]"),
            ("rpoplpush l other", "\"A\""),
            ("lrange other 0 -1", "[\"A\"]"),
            ("ltrim l 5 10", "OK"),
            ("exists l", ":0"),
            ("lpop l", "nil"),
            ("lpop l 1", "nilarray"),
            ("type other", "list"),
            (
                "get other",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            ("set s v", "OK"),
            (
                "lpush s x",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "lmove other s left left",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            ("lrange other 0 -1", "[\"A\"]"),
            ("lpop other 5", "[\"A\"]"),
            ("exists other", ":0"),
        ]);
    }

    /// The pops of LMPOP, ZMPOP and the blocking commands, each tried once: the first key
    /// holding elements wins, and when none does the reply is the null the server blocks on.
    #[test]
    fn multi_key_and_blocking_pops() {
        const WRONGTYPE: &str =
            "!WRONGTYPE Operation against a key holding the wrong kind of value";
        table(&[
            ("blpop a b 0", "nilarray"),
            ("lmpop 2 a b left", "nilarray"),
            ("bzpopmin a 0.5", "nilarray"),
            ("zmpop 1 a min", "nilarray"),
            ("blmove a b left left 0", "nil"),
            ("brpoplpush a b 0", "nil"),
            ("rpush b x y z", ":3"),
            ("blpop a b 0", "[\"b\" \"x\"]"),
            ("brpop a b 1.5", "[\"b\" \"z\"]"),
            ("rpush b 1 2 3", ":4"),
            ("lmpop 2 a b right count 2", "[\"b\" [\"3\" \"2\"]]"),
            ("blmpop 0 1 b left count 10", "[\"b\" [\"y\" \"1\"]]"),
            ("exists b", ":0"),
            ("set s v", "OK"),
            ("blpop s b 0", WRONGTYPE),
            ("rpush l e", ":1"),
            // The first key with elements answers before a later one of the wrong type.
            ("lmpop 2 l s left", "[\"l\" [\"e\"]]"),
            ("zadd z 1 one 2 two 3 three", ":3"),
            ("bzpopmax s2 z 0", "[\"z\" \"three\" \"3\"]"),
            (
                "zmpop 2 s2 z min count 5",
                "[\"z\" [[\"one\" \"1\"] [\"two\" \"2\"]]]",
            ),
            ("exists z", ":0"),
            ("bzmpop 0 1 s max", WRONGTYPE),
            ("rpush src a b", ":2"),
            ("blmove src dst right left 0", "\"b\""),
            ("brpoplpush src dst 0", "\"a\""),
            ("lrange dst 0 -1", "[\"a\" \"b\"]"),
            ("blpop a -1", "!ERR timeout is negative"),
            ("blpop a x", "!ERR timeout is not a float or out of range"),
            ("blpop a 1e300", "!ERR timeout is negative"),
            ("blpop a inf", "!ERR timeout is negative"),
            ("blpop a 9223372036854776", "!ERR timeout is negative"),
            ("blpop a 1e15", "nilarray"),
            ("blpop a -0.0001", "nilarray"),
            ("lmpop 0 a left", "!ERR numkeys should be greater than 0"),
            ("lmpop 2 a left", "!ERR syntax error"),
            ("lmpop 1 a up", "!ERR syntax error"),
            (
                "lmpop 1 a left count 0",
                "!ERR count should be greater than 0",
            ),
            ("lmpop 1 a left count 1 count 1", "!ERR syntax error"),
            ("zmpop 1 a left", "!ERR syntax error"),
        ]);
    }

    /// ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD and ZRANGESTORE, with plain sets
    /// read as scores of 1 and Redis's NaN and ordering rules.
    #[test]
    fn sorted_set_algebra() {
        const WRONGTYPE: &str =
            "!WRONGTYPE Operation against a key holding the wrong kind of value";
        table(&[
            ("zadd a 1 x 2 y 3 z", ":3"),
            ("zadd b 10 y 20 z 30 w", ":3"),
            ("sadd s z w v", ":3"),
            (
                "zunion 3 a b s withscores",
                "[\"v\" \"1\" \"x\" \"1\" \"y\" \"12\" \"z\" \"24\" \"w\" \"31\"]",
            ),
            ("zunion 2 a b aggregate min", "[\"x\" \"y\" \"z\" \"w\"]"),
            (
                "zinter 2 a b weights 2 0.5 aggregate max withscores",
                "[\"y\" \"5\" \"z\" \"10\"]",
            ),
            (
                "zinter 2 a a withscores",
                "[\"x\" \"2\" \"y\" \"4\" \"z\" \"6\"]",
            ),
            ("zinter 2 a missing", "[]"),
            ("zdiff 3 a b s withscores", "[\"x\" \"1\"]"),
            // inf - inf is NaN, which counts as 0.
            (
                "zunion 2 a b weights inf -inf withscores",
                "[\"w\" \"-inf\" \"y\" \"0\" \"z\" \"0\" \"x\" \"inf\"]",
            ),
            ("set str v", "OK"),
            ("zunionstore str 2 a s", ":5"),
            ("type str", "zset"),
            (
                "zrange str 0 -1 withscores",
                "[\"v\" \"1\" \"w\" \"1\" \"x\" \"1\" \"y\" \"2\" \"z\" \"4\"]",
            ),
            ("zinterstore str 2 a missing", ":0"),
            ("exists str", ":0"),
            ("zdiffstore d 2 b a", ":1"),
            ("zrange d 0 -1 withscores", "[\"w\" \"30\"]"),
            ("zintercard 2 a b", ":2"),
            ("zintercard 2 a b limit 1", ":1"),
            ("zintercard 2 a b limit -1", "!ERR LIMIT can't be negative"),
            ("zintercard 3 a b", "!ERR syntax error"),
            (
                "zintercard 0 a",
                "!ERR at least 1 input key is needed for 'zintercard' command",
            ),
            ("zrangestore r b 15 +inf byscore", ":2"),
            ("zrange r 0 -1 withscores", "[\"z\" \"20\" \"w\" \"30\"]"),
            ("zrangestore r b 0 0 rev", ":1"),
            ("zrange r 0 -1", "[\"w\"]"),
            ("zrangestore r b 5 1", ":0"),
            ("exists r", ":0"),
            ("zrangestore r b 0 -1 withscores", "!ERR syntax error"),
            ("set t v", "OK"),
            // A key of the wrong type is reported before an error in the options.
            ("zunion 2 a t bad", WRONGTYPE),
            ("zunion 2 a b bad", "!ERR syntax error"),
            (
                "zunion 0 a",
                "!ERR at least 1 input key is needed for 'zunion' command",
            ),
            ("zunion 3 a b", "!ERR syntax error"),
            (
                "zunion 2 a b weights 1 x",
                "!ERR weight value is not a float",
            ),
            ("zunionstore d 2 a b withscores", "!ERR syntax error"),
            ("zdiff 2 a b weights 1 1", "!ERR syntax error"),
            ("zrangestore r t 0 -1", WRONGTYPE),
            ("zrangestore r s 0 -1", WRONGTYPE),
        ]);
    }

    /// PFADD, PFCOUNT and PFMERGE: Redis's answers for a few elements, and its errors.
    #[test]
    fn hyperloglogs() {
        table(&[
            ("pfcount h", ":0"),
            ("pfadd h", ":1"),
            ("pfadd h", ":0"),
            ("pfadd h a b c", ":1"),
            ("pfadd h a", ":0"),
            ("pfcount h", ":3"),
            ("pfadd g c d", ":1"),
            ("pfcount h g missing", ":4"),
            ("pfmerge m h g missing", "OK"),
            ("pfcount m", ":4"),
            ("type m", "string"),
            ("expire h 100", ":1"),
            ("pfadd h z", ":1"),
            ("ttl h", ":100"),
            ("set s v", "OK"),
            (
                "pfadd s a",
                "!WRONGTYPE Key is not a valid HyperLogLog string value.",
            ),
            (
                "pfcount h s",
                "!WRONGTYPE Key is not a valid HyperLogLog string value.",
            ),
            (
                "pfmerge s h",
                "!WRONGTYPE Key is not a valid HyperLogLog string value.",
            ),
            ("rpush l a", ":1"),
            (
                "pfcount l",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
        ]);
    }

    /// SORT and SORT_RO as redis-server 7.0.15 answered the same commands.
    #[test]
    fn sort_follows_redis() {
        table(&[
            ("rpush l 3 1 -2 10 1.5 inf", ":6"),
            ("sort l", "[\"-2\" \"1\" \"1.5\" \"3\" \"10\" \"inf\"]"),
            ("sort l desc limit 1 2", "[\"10\" \"3\"]"),
            ("sort l limit -1 2", "[\"-2\" \"1\"]"),
            ("sort l limit 10 2", "[]"),
            (
                "sort l alpha",
                "[\"-2\" \"1\" \"1.5\" \"10\" \"3\" \"inf\"]",
            ),
            ("mset w_3 30 w_1 10 w_10 5", "OK"),
            // Missing weights sort as 0, ties by the element.
            (
                "sort l by w_*",
                "[\"-2\" \"1.5\" \"inf\" \"10\" \"1\" \"3\"]",
            ),
            ("sort l by nosort desc limit 1 2", "[\"1.5\" \"10\"]"),
            (
                "sort l by nosort desc",
                "[\"inf\" \"1.5\" \"10\" \"-2\" \"1\" \"3\"]",
            ),
            ("sort l by nosort by w_* limit 0 2", "[\"3\" \"1\"]"),
            ("rpush tiny 1e-310 1", ":2"),
            (
                "sort tiny",
                "!ERR One or more scores can't be converted into double",
            ),
            ("hset h_1 f a", ":1"),
            (
                "sort l by w_* limit 4 2 get # get w_* get h_*->f",
                "[\"1\" \"10\" \"a\" \"3\" \"30\" nil]",
            ),
            ("sort l by w_* get w_* store dst", ":6"),
            ("lrange dst 0 -1", "[\"\" \"\" \"\" \"5\" \"10\" \"30\"]"),
            ("sort missing store dst", ":0"),
            ("exists dst", ":0"),
            ("zadd z 3 a 1 b 2 c", ":3"),
            ("sort z by nosort", "[\"b\" \"c\" \"a\"]"),
            ("sort z by nosort limit 0 2 desc", "[\"a\" \"c\"]"),
            ("rpush bad 1 x", ":2"),
            (
                "sort bad",
                "!ERR One or more scores can't be converted into double",
            ),
            ("sort bad alpha", "[\"1\" \"x\"]"),
            ("set s v", "OK"),
            (
                "sort s",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            ("sort_ro l store x", "!ERR syntax error"),
            ("sort l limit 1", "!ERR syntax error"),
            (
                "sort l limit x 1",
                "!ERR value is not an integer or out of range",
            ),
        ]);
        let s = KvState::new();
        assert_eq!(read(&s, 0, "sort_ro missing"), "[]");
    }

    #[test]
    fn blocking_timeouts_are_read_as_redis_reads_them() {
        let timeout = |s: &str| command::blocking_timeout_ms(&args(s));
        assert_eq!(timeout("blpop a b 0"), Some(0));
        assert_eq!(timeout("BLPOP a 0.0001"), Some(1));
        assert_eq!(timeout("brpop a 2.5"), Some(2500));
        assert_eq!(timeout("blmove a b left left 0x10"), Some(16000));
        assert_eq!(timeout("blmpop 1.5 1 a left"), Some(1500));
        assert_eq!(timeout("bzmpop 3 1 a min"), Some(3000));
        assert_eq!(timeout("brpoplpush a b 7"), Some(7000));
        assert_eq!(timeout("blpop a -1"), None);
        assert_eq!(timeout("blpop a inf"), None);
        assert_eq!(timeout("lpop a"), None);
    }

    #[test]
    fn sets() {
        table(&[
            ("sadd s 5 -3 10 0 5", ":4"),
            ("smembers s", "[\"-3\" \"0\" \"5\" \"10\"]"),
            ("object encoding s", "\"intset\""),
            ("sadd s b a", ":2"),
            ("object encoding s", "\"hashtable\""),
            ("scard s", ":6"),
            ("sismember s a", ":1"),
            ("smismember s a zz", "[:1 :0]"),
            ("srem s a b zz", ":2"),
            ("sadd t 0 5 7", ":3"),
            ("sinter s t", "[\"0\" \"5\"]"),
            ("sunion s t nope", "[\"-3\" \"0\" \"5\" \"7\" \"10\"]"),
            ("sdiff s t", "[\"-3\" \"10\"]"),
            ("sintercard 2 s t limit 1", ":1"),
            ("sintercard 0 s", "!ERR numkeys should be greater than 0"),
            ("sinterstore d s t", ":2"),
            ("smembers d", "[\"0\" \"5\"]"),
            ("sdiffstore d t t", ":0"),
            ("exists d", ":0"),
            ("smove s t 10", ":1"),
            ("smove s t 10", ":0"),
            ("smove nope t 10", ":0"),
            ("sscan t 0 match 1*", "[\"0\" [\"10\"]]"),
            ("__spop 1 t 10", "[\"0\" \"5\" \"7\" \"10\"]"),
            ("exists t", ":0"),
            ("spop t", "nil"),
            ("spop t 2", "[]"),
            ("spop s -1", "!ERR value is out of range, must be positive"),
            ("srandmember s 100", "[\"-3\" \"0\" \"5\"]"),
            ("srandmember nope", "nil"),
            ("set str v", "OK"),
            (
                "sadd str x",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "sunion s str",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "get s",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            ("type s", "set"),
        ]);
    }

    #[test]
    fn sorted_sets() {
        table(&[
            ("zadd z 1 a 2 b 2 c 0.1 d", ":4"),
            (
                "zrange z 0 -1 withscores",
                "[\"d\" \"0.10000000000000001\" \"a\" \"1\" \"b\" \"2\" \"c\" \"2\"]",
            ),
            ("zadd z xx ch 5 a 9 new", ":1"),
            ("zadd z nx 7 a 3 e", ":1"),
            ("zadd z gt ch 1 a 6 b", ":1"),
            ("zadd z incr 1.5 a", "\"6.5\""),
            ("zadd z lt incr 1 a", "nil"),
            (
                "zadd z nx xx 1 a",
                "!ERR XX and NX options at the same time are not compatible",
            ),
            (
                "zadd z incr 1 a 2 b",
                "!ERR INCR option supports a single increment-element pair",
            ),
            ("zadd z nx 1", "!ERR syntax error"),
            ("zadd z nan a", "!ERR value is not a valid float"),
            ("zincrby z 1 d", "\"1.1000000000000001\""),
            ("zscore z a", "\"6.5\""),
            ("zmscore z a nope", "[\"6.5\" nil]"),
            ("zcard z", ":5"),
            ("zrank z c", ":1"),
            ("zrevrank z c", ":3"),
            ("zrank z nope", "nil"),
            ("zcount z (1.1 6", ":3"),
            ("zrangebyscore z -inf +inf limit 1 2", "[\"c\" \"e\"]"),
            ("zrange z 6 (2 byscore rev", "[\"b\" \"e\"]"),
            (
                "zrange z 0 1 limit 0 1",
                "!ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
            ),
            ("zrevrange z 0 0", "[\"a\"]"),
            ("zadd l 0 a 0 b 0 c 0 d", ":4"),
            ("zrangebylex l [b (d", "[\"b\" \"c\"]"),
            ("zrevrangebylex l + - limit 0 2", "[\"d\" \"c\"]"),
            ("zlexcount l - +", ":4"),
            (
                "zrangebylex l b d",
                "!ERR min or max not valid string range item",
            ),
            ("zremrangebylex l - [b", ":2"),
            ("zpopmin l", "[\"c\" \"0\"]"),
            ("zpopmax l 5", "[\"d\" \"0\"]"),
            ("exists l", ":0"),
            ("zremrangebyrank z 0 1", ":2"),
            ("zremrangebyscore z 6 +inf", ":2"),
            ("zrange z 0 -1", "[\"e\"]"),
            ("zrem z e nope", ":1"),
            ("exists z", ":0"),
            ("zadd q -inf m", ":1"),
            (
                "zincrby q +inf m",
                "!ERR resulting score is not a number (NaN)",
            ),
            ("type q", "zset"),
            ("object encoding q", "\"listpack\""),
            ("sadd s x", ":1"),
            ("type s", "set"),
            (
                "zadd s 1 x",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "smembers q",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
        ]);
    }

    #[test]
    fn seeded_pops_agree_on_every_replica() {
        let mut a = KvState::new();
        let mut b = KvState::new();
        let setup = ["sadd s a b c d e f g"];
        run(&mut a, 1, &setup);
        run(&mut b, 1, &setup);
        for seed in 0..20 {
            let pop = format!("__spop {seed} s 2");
            assert_eq!(run(&mut a, 1, &[&pop]), run(&mut b, 1, &[&pop]));
        }
        assert_eq!(a.digest(), b.digest());
    }

    /// How often a model test saw its key held big (see `kv::big`), and small again after.
    #[derive(Debug, Default)]
    struct Forms {
        big: usize,
        small_again: usize,
    }

    impl Forms {
        /// Notes the form `key` is in now.
        fn see(&mut self, s: &KvState, key: &[u8]) {
            if s.table.get(key).and_then(Slot::big).is_some() {
                self.big += 1;
            } else if self.big > 0 {
                self.small_again += 1;
            }
        }

        /// Checks that the test spent a good while in both forms.
        fn assert_both(&self, at_least: usize) {
            assert!(
                self.big > at_least && self.small_again > at_least,
                "{self:?}"
            );
        }
    }

    /// Applies `cmd` to `s` and to every replica kept in step with it; returns the reply,
    /// which every replica must have given too.
    fn in_step(s: &mut KvState, replicas: &mut [KvState], cmd: &str) -> String {
        let got = run(s, 1000, &[cmd]).remove(0);
        for r in replicas {
            assert_eq!(run(r, 1000, &[cmd]).remove(0), got, "a replica, on {cmd}");
        }
        got
    }

    /// A replica restored from a snapshot of `s` as it is now.
    fn restored(s: &KvState) -> KvState {
        let mut r = KvState::new();
        r.restore(&s.snapshot()).unwrap();
        assert_eq!(r.digest_hex(), s.digest_hex());
        r
    }

    /// Checks that a snapshot of the replica `r` restores to the content of `s`. (Snapshots
    /// hold big values in memory order, which differs from node to node; what they restore
    /// to does not.)
    fn assert_restores_alike(r: &KvState, s: &KvState) {
        assert_eq!(restored(r).digest_hex(), s.digest_hex());
    }

    /// Sets and hashes grow into the index past their threshold and shrink back out of it
    /// (see `kv::big`) without a client seeing a difference: a seeded run of adds, removes and
    /// reads that crosses both thresholds both ways answers as a model of the value does, and a
    /// replica restored from a snapshot taken at any point (some while an encoding is under
    /// way) answers, digests and snapshots alike from then on.
    #[test]
    fn big_sets_and_hashes_answer_as_small_ones_and_survive_snapshots() {
        use std::collections::BTreeMap;
        for seed in 0..3u64 {
            let mut rng = Rng(seed);
            let mut s = KvState::new();
            s.apply(&hash_key_batch([seed + 7, 11], 1));
            let mut replicas: Vec<KvState> = Vec::new();
            let mut members: BTreeSet<String> = BTreeSet::new();
            let mut fields: BTreeMap<String, i64> = BTreeMap::new();
            let mut encoding = None;
            let (mut set_forms, mut hash_forms) = (Forms::default(), Forms::default());
            for step in 0..15_000u64 {
                // Grow past the thresholds, shrink below them, grow again.
                let grow = match step / 5000 {
                    1 => rng.below(10) < 2,
                    _ => rng.below(10) < 8,
                };
                // Pops and moves are rarer, or the set would never grow big.
                let op = match rng.below(14) {
                    op @ 12.. if rng.below(4) > 0 => op - 12,
                    op => op,
                };
                let n = rng.below(if (6..=11).contains(&op) { 200 } else { 900 });
                set_forms.see(&s, b"s");
                hash_forms.see(&s, b"h");
                let (cmd, want) = match op {
                    0..=3 if grow => {
                        let added = i64::from(members.insert(format!("m{n}")));
                        (format!("sadd s m{n} m{n}"), format!(":{added}"))
                    }
                    0..=3 => {
                        let gone = i64::from(members.remove(&format!("m{n}")));
                        (format!("srem s m{n} x"), format!(":{gone}"))
                    }
                    4 => {
                        let has = i64::from(members.contains(&format!("m{n}")));
                        (format!("sismember s m{n}"), format!(":{has}"))
                    }
                    5 => ("scard s".into(), format!(":{}", members.len())),
                    6 | 7 if grow => {
                        let new = fields.insert(format!("f{n}"), n as i64).is_none();
                        (format!("hset h f{n} {n}"), format!(":{}", i64::from(new)))
                    }
                    6 | 7 => {
                        let gone = fields.remove(&format!("f{n}")).is_some();
                        (format!("hdel h f{n}"), format!(":{}", i64::from(gone)))
                    }
                    8 => match fields.get(&format!("f{n}")) {
                        Some(v) => (format!("hget h f{n}"), format!("\"{v}\"")),
                        None => (format!("hget h f{n}"), "nil".into()),
                    },
                    9 => ("hlen h".into(), format!(":{}", fields.len())),
                    10 => {
                        let v = fields.entry(format!("f{n}")).or_insert(0);
                        *v += 5;
                        (format!("hincrby h f{n} 5"), format!(":{v}"))
                    }
                    11 => {
                        let set = !fields.contains_key(&format!("f{n}"));
                        if set {
                            fields.insert(format!("f{n}"), 1);
                        }
                        (format!("hsetnx h f{n} 1"), format!(":{}", i64::from(set)))
                    }
                    12 => {
                        // A pop answers alike everywhere; the model learns what went.
                        let cmd = format!("__spop {} s", rng.below(1 << 40));
                        let got = in_step(&mut s, &mut replicas, &cmd);
                        let member = got.trim_matches('"').to_string();
                        assert_eq!(got == "nil", members.is_empty(), "seed {seed} step {step}");
                        members.remove(&member);
                        continue;
                    }
                    _ => {
                        let has = members.contains(&format!("m{n}"));
                        let moved = i64::from(has);
                        if has {
                            members.remove(&format!("m{n}"));
                        }
                        (format!("smove s t m{n}"), format!(":{moved}"))
                    }
                };
                let got = in_step(&mut s, &mut replicas, &cmd);
                assert_eq!(got, want, "seed {seed} step {step}: {cmd}");
                if step % 1500 == 250 {
                    replicas.push(restored(&s));
                }
                // An encoding that runs while the sets change still yields the state at its
                // start, big values included.
                if step % 700 == 0 {
                    encoding = Some((s.snapshot(), s.snapshot_encoder()));
                }
                if step % 700 == 300
                    && let Some((want, mut encoder)) = encoding.take()
                {
                    while !s.snapshot_step(&mut encoder, 1) {}
                    assert_eq!(encoder.into_bytes(), want);
                }
            }
            set_forms.assert_both(100);
            hash_forms.assert_both(100);
            let mut sorted: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
            let mut got = read(&s, 1000, "smembers s");
            got = got.trim_matches(|c| c == '[' || c == ']').to_string();
            let mut got: Vec<String> = got.split(' ').map(String::from).collect();
            got.sort();
            sorted.sort();
            assert_eq!(got, sorted);
            assert_eq!(read(&s, 1000, "hlen h"), format!(":{}", fields.len()));
            for r in &replicas {
                assert_eq!(r.digest_hex(), s.digest_hex());
                assert_restores_alike(r, &s);
                assert_eq!(read(r, 1000, "smembers s"), read(&s, 1000, "smembers s"));
                assert_eq!(read(r, 1000, "hgetall h"), read(&s, 1000, "hgetall h"));
            }
        }
    }

    /// Sorted sets grow into the index past 128 members and shrink back out of it (see
    /// `kv::big`) without a client seeing a difference: a seeded run of ZADD (with its flags),
    /// ZINCRBY, ZREM, pops and range removals, with reads by member, rank and score, answers
    /// as a model does, and replicas restored from snapshots stay identical.
    #[test]
    fn big_sorted_sets_answer_as_small_ones_and_survive_snapshots() {
        use std::collections::BTreeMap;
        /// The model's members in order, as `(score, member)`.
        fn ordered(z: &BTreeMap<String, i64>) -> Vec<(i64, String)> {
            let mut v: Vec<(i64, String)> = z.iter().map(|(m, s)| (*s, m.clone())).collect();
            v.sort();
            v
        }
        fn shown(items: &[(i64, String)], scores: bool) -> String {
            let parts: Vec<String> = items
                .iter()
                .flat_map(|(s, m)| {
                    let mut p = vec![format!("\"{m}\"")];
                    if scores {
                        p.push(format!("\"{s}\""));
                    }
                    p
                })
                .collect();
            format!("[{}]", parts.join(" "))
        }
        for seed in 0..3u64 {
            let mut rng = Rng(seed + 100);
            let mut s = KvState::new();
            s.apply(&hash_key_batch([seed + 3, 5], 1));
            let mut replicas: Vec<KvState> = Vec::new();
            let mut z: BTreeMap<String, i64> = BTreeMap::new();
            let mut forms = Forms::default();
            for step in 0..12_000u64 {
                let grow = match step / 4000 {
                    1 => rng.below(10) < 2,
                    _ => rng.below(10) < 8,
                };
                forms.see(&s, b"z");
                let m = format!("m{}", rng.below(260));
                let score = rng.below(40) as i64 - 10;
                let (a, b) = (rng.below(300) as i64 - 150, rng.below(300) as i64 - 150);
                let (lo, hi) = (rng.below(50) as i64 - 15, rng.below(50) as i64 - 15);
                // Pops and range removals are rarer, or the set would never grow big.
                let op = match rng.below(13) {
                    op @ 10..=11 if rng.below(5) > 0 => op - 10,
                    op => op,
                };
                let (cmd, want) = match op {
                    0..=2 if grow => {
                        let new = z.insert(m.clone(), score).is_none();
                        (
                            format!("zadd z {score} {m}"),
                            format!(":{}", i64::from(new)),
                        )
                    }
                    0..=2 => {
                        let gone = z.remove(&m).is_some();
                        (format!("zrem z {m} {m}"), format!(":{}", i64::from(gone)))
                    }
                    3 => {
                        // GT CH: only raises, and counts the change.
                        let changed = match z.get(&m) {
                            Some(&old) if score > old => {
                                z.insert(m.clone(), score);
                                1
                            }
                            Some(_) => 0,
                            None => {
                                z.insert(m.clone(), score);
                                1
                            }
                        };
                        (format!("zadd z gt ch {score} {m}"), format!(":{changed}"))
                    }
                    4 => {
                        let v = z.entry(m.clone()).or_insert(0);
                        *v += score;
                        (format!("zincrby z {score} {m}"), format!("\"{v}\""))
                    }
                    5 => match z.get(&m) {
                        Some(v) => (format!("zscore z {m}"), format!("\"{v}\"")),
                        None => (format!("zscore z {m}"), "nil".into()),
                    },
                    6 => {
                        let o = ordered(&z);
                        let rank = o.iter().position(|(_, x)| *x == m);
                        let rev = rng.below(2) == 1;
                        let want = match rank {
                            Some(r) if rev => format!(":{}", o.len() - 1 - r),
                            Some(r) => format!(":{r}"),
                            None => "nil".into(),
                        };
                        let name = if rev { "zrevrank" } else { "zrank" };
                        (format!("{name} z {m}"), want)
                    }
                    7 => {
                        let mut o = ordered(&z);
                        let rev = rng.below(2) == 1;
                        if rev {
                            o.reverse();
                        }
                        let picked = match list::range(o.len(), a, b) {
                            Some((f, l)) => o[f..=l].to_vec(),
                            None => Vec::new(),
                        };
                        let name = if rev { "zrevrange" } else { "zrange" };
                        (format!("{name} z {a} {b} withscores"), shown(&picked, true))
                    }
                    8 => {
                        // By score, the low end exclusive, with LIMIT.
                        let (off, cnt) = (rng.below(5) as i64, rng.below(40) as i64 - 5);
                        let mut picked: Vec<(i64, String)> = ordered(&z)
                            .into_iter()
                            .filter(|(s, _)| *s > lo && *s <= hi)
                            .collect();
                        let rev = rng.below(2) == 1;
                        if rev {
                            picked.reverse();
                        }
                        let picked: Vec<_> = picked
                            .into_iter()
                            .skip(off as usize)
                            .take(usize::try_from(cnt).unwrap_or(usize::MAX))
                            .collect();
                        let cmd = if rev {
                            format!("zrevrangebyscore z {hi} ({lo} limit {off} {cnt}")
                        } else {
                            format!("zrangebyscore z ({lo} {hi} limit {off} {cnt}")
                        };
                        (cmd, shown(&picked, false))
                    }
                    9 => {
                        let n = z.values().filter(|s| **s >= lo && **s <= hi).count();
                        (format!("zcount z {lo} {hi}"), format!(":{n}"))
                    }
                    10 => {
                        let max = rng.below(2) == 1;
                        let n = rng.below(3) as usize + 1;
                        let mut o = ordered(&z);
                        if max {
                            o.reverse();
                        }
                        o.truncate(n);
                        for (_, m) in &o {
                            z.remove(m);
                        }
                        let name = if max { "zpopmax" } else { "zpopmin" };
                        (format!("{name} z {n}"), shown(&o, true))
                    }
                    11 => {
                        let doomed: Vec<String> = z
                            .iter()
                            .filter(|(_, s)| **s >= lo && **s < lo + 2)
                            .map(|(m, _)| m.clone())
                            .collect();
                        for m in &doomed {
                            z.remove(m);
                        }
                        let cmd = format!("zremrangebyscore z {lo} ({}", lo + 2);
                        (cmd, format!(":{}", doomed.len()))
                    }
                    _ => ("zcard z".into(), format!(":{}", z.len())),
                };
                let got = in_step(&mut s, &mut replicas, &cmd);
                assert_eq!(got, want, "seed {seed} step {step}: {cmd}");
                if step % 1500 == 700 {
                    replicas.push(restored(&s));
                }
            }
            forms.assert_both(1000);
            for r in &replicas {
                assert_restores_alike(r, &s);
                assert_eq!(
                    read(r, 1000, "zrange z 0 -1 withscores"),
                    read(&s, 1000, "zrange z 0 -1 withscores")
                );
            }
        }
    }

    /// Lists grow into runs past 128 elements and shrink back into one buffer (see
    /// `kv::big`) without a client seeing a difference: a seeded run of pushes and pops at
    /// both ends, moves, LSET, LINSERT, LREM and LTRIM, with reads by index and range, answers
    /// as a model does, and replicas restored from snapshots stay identical.
    #[test]
    fn big_lists_answer_as_small_ones_and_survive_snapshots() {
        use std::collections::VecDeque;
        fn shown<'a>(items: impl IntoIterator<Item = &'a String>) -> String {
            let parts: Vec<String> = items.into_iter().map(|e| format!("\"{e}\"")).collect();
            format!("[{}]", parts.join(" "))
        }
        for seed in 0..3u64 {
            let mut rng = Rng(seed + 200);
            let mut s = KvState::new();
            s.apply(&hash_key_batch([seed + 1, 9], 1));
            let mut replicas: Vec<KvState> = Vec::new();
            let mut l: VecDeque<String> = VecDeque::new();
            let mut other: VecDeque<String> = VecDeque::new();
            let mut forms = Forms::default();
            for step in 0..12_000u64 {
                let grow = match step / 4000 {
                    1 => rng.below(10) < 3,
                    _ => rng.below(10) < 7,
                };
                forms.see(&s, b"l");
                let e = format!("e{}", rng.below(50));
                let len = l.len() as i64;
                let (a, b) = (
                    rng.below(2 * len as u64 + 3) as i64 - len - 1,
                    rng.below(2 * len as u64 + 3) as i64 - len - 1,
                );
                let (cmd, want) = match rng.below(12) {
                    0..=2 if grow => {
                        let n = rng.below(3) + 1;
                        let head = rng.below(2) == 0;
                        let new: Vec<String> = (0..n).map(|i| format!("{e}.{i}")).collect();
                        for x in &new {
                            if head {
                                l.push_front(x.clone());
                            } else {
                                l.push_back(x.clone());
                            }
                        }
                        let name = if head { "lpush" } else { "rpush" };
                        (
                            format!("{name} l {}", new.join(" ")),
                            format!(":{}", l.len()),
                        )
                    }
                    0..=2 => {
                        let n = rng.below(3) as usize + 1;
                        let head = rng.below(2) == 0;
                        let taken: Vec<String> = (0..n)
                            .map_while(|_| if head { l.pop_front() } else { l.pop_back() })
                            .collect();
                        let name = if head { "lpop" } else { "rpop" };
                        let want = if taken.is_empty() {
                            "nilarray".into()
                        } else {
                            shown(&taken)
                        };
                        (format!("{name} l {n}"), want)
                    }
                    3 => ("llen l".into(), format!(":{}", l.len())),
                    4 => {
                        let at = if a < 0 { a + len } else { a };
                        let want = usize::try_from(at)
                            .ok()
                            .and_then(|i| l.get(i))
                            .map_or("nil".into(), |x| format!("\"{x}\""));
                        (format!("lindex l {a}"), want)
                    }
                    5 => {
                        let picked: Vec<String> = match list::range(l.len(), a, b) {
                            Some((f, t)) => l.range(f..=t).cloned().collect(),
                            None => Vec::new(),
                        };
                        (format!("lrange l {a} {b}"), shown(&picked))
                    }
                    6 => {
                        let at = if a < 0 { a + len } else { a };
                        let want = match usize::try_from(at).ok().filter(|&i| i < l.len()) {
                            Some(i) => {
                                l[i] = e.clone();
                                "OK".into()
                            }
                            None if l.is_empty() => "!ERR no such key".into(),
                            None => "!ERR index out of range".into(),
                        };
                        (format!("lset l {a} {e}"), want)
                    }
                    7 => {
                        // A rotation, or a move to another list and back.
                        let (from_head, to_head) = (rng.below(2) == 0, rng.below(2) == 0);
                        let to = if rng.below(2) == 0 { "l" } else { "o" };
                        let end = |h: bool| if h { "left" } else { "right" };
                        let moved = if from_head {
                            l.pop_front()
                        } else {
                            l.pop_back()
                        };
                        let target = if to == "l" { &mut l } else { &mut other };
                        if let Some(x) = &moved {
                            if to_head {
                                target.push_front(x.clone());
                            } else {
                                target.push_back(x.clone());
                            }
                        }
                        let want = moved.map_or("nil".into(), |x| format!("\"{x}\""));
                        (
                            format!("lmove l {to} {} {}", end(from_head), end(to_head)),
                            want,
                        )
                    }
                    8 => {
                        let n = rng.below(3) as i64;
                        let count = if rng.below(2) == 0 { n } else { -n };
                        let positions: Vec<usize> = if count >= 0 {
                            (0..l.len()).filter(|&i| l[i] == e).collect()
                        } else {
                            (0..l.len()).rev().filter(|&i| l[i] == e).collect()
                        };
                        let take = if n == 0 { positions.len() } else { n as usize };
                        let mut doomed: Vec<usize> = positions.into_iter().take(take).collect();
                        doomed.sort_unstable();
                        for i in doomed.iter().rev() {
                            l.remove(*i);
                        }
                        (format!("lrem l {count} {e}"), format!(":{}", doomed.len()))
                    }
                    9 => {
                        let pivot = l.get(rng.below(len as u64 + 1) as usize).cloned();
                        let pivot = pivot.unwrap_or_else(|| "none".into());
                        let want = match l.iter().position(|x| *x == pivot) {
                            Some(i) => {
                                l.insert(i + 1, e.clone());
                                format!(":{}", l.len())
                            }
                            None if l.is_empty() => ":0".into(),
                            None => ":-1".into(),
                        };
                        (format!("linsert l after {pivot} {e}"), want)
                    }
                    10 if rng.below(8) == 0 => {
                        // Trim a little off each end, or cap the list as a capped log would.
                        let (first, last) = if rng.below(3) == 0 {
                            (0, 130 + rng.below(40) as i64)
                        } else {
                            (rng.below(3) as i64, -(rng.below(3) as i64) - 1)
                        };
                        let kept: VecDeque<String> = match list::range(l.len(), first, last) {
                            Some((f, t)) => l.range(f..=t).cloned().collect(),
                            None => VecDeque::new(),
                        };
                        l = kept;
                        (format!("ltrim l {first} {last}"), "OK".into())
                    }
                    _ => {
                        let moved = other.pop_front();
                        if let Some(x) = &moved {
                            l.push_back(x.clone());
                        }
                        let want = moved.map_or("nil".into(), |x| format!("\"{x}\""));
                        ("lmove o l left right".into(), want)
                    }
                };
                let got = in_step(&mut s, &mut replicas, &cmd);
                assert_eq!(got, want, "seed {seed} step {step}: {cmd}");
                if step % 1500 == 700 {
                    replicas.push(restored(&s));
                }
            }
            forms.assert_both(1000);
            assert_eq!(read(&s, 1000, "lrange l 0 -1"), shown(&l));
            for r in &replicas {
                assert_eq!(r.snapshot(), s.snapshot());
            }
        }
    }

    /// HSCAN, SSCAN and ZSCAN go through a big value a step at a time, as SCAN goes through
    /// the keyspace: every member present for the whole scan comes back, each step looks at
    /// about COUNT members, and the cursor ends at 0, while members come and go meanwhile. A
    /// small value comes back whole, cursor 0.
    #[test]
    fn scans_of_big_values_go_step_by_step_and_miss_nothing() {
        let mut s = KvState::new();
        s.apply(&hash_key_batch([4, 2], 1));
        let members =
            |from: usize, to: usize| -> String { (from..to).map(|i| format!("m{i} ")).collect() };
        run(
            &mut s,
            1,
            &[
                &format!("sadd s {}", members(0, 2000)),
                &format!(
                    "hset h {}",
                    (0..600).map(|i| format!("m{i} v{i} ")).collect::<String>()
                ),
                &format!(
                    "zadd z {}",
                    (0..600).map(|i| format!("{i} m{i} ")).collect::<String>()
                ),
                "sadd small a b c",
            ],
        );
        for (key, scan, n, per_item) in [
            ("s", "sscan", 2000, 1),
            ("h", "hscan", 600, 2),
            ("z", "zscan", 600, 2),
        ] {
            let mut cursor = "0".to_string();
            let mut seen = BTreeSet::new();
            let mut steps = 0;
            loop {
                let r = s.read(
                    &pb::KvCommand {
                        args: args(&format!("{scan} {key} {cursor} count 7")),
                    },
                    1,
                );
                let Some(Kind::Array(parts)) = &r.kind else {
                    panic!("{r:?}");
                };
                let [next, items] = &parts.items[..] else {
                    panic!("{r:?}");
                };
                cursor = show(next).trim_matches('"').to_string();
                let Some(Kind::Array(items)) = &items.kind else {
                    panic!("{r:?}");
                };
                assert!(
                    items.items.len() <= 8 * per_item,
                    "a step of {}",
                    items.items.len()
                );
                for item in items.items.iter().step_by(per_item) {
                    seen.insert(show(item).trim_matches('"').to_string());
                }
                steps += 1;
                // Members come and go meanwhile: m0..m99 stay gone, new ones come.
                let i = 100 + steps;
                let churn = match key {
                    "s" => format!("srem s m{steps}"),
                    "h" => format!("hset h n{i} x"),
                    _ => format!("zadd z 5 n{i}"),
                };
                run(&mut s, 1, &[&churn]);
                if cursor == "0" {
                    break;
                }
                assert!(steps < 10_000);
            }
            assert!(steps > n / 8 / 2, "{key}: {steps} steps");
            let missed: Vec<usize> = (steps + 1..n)
                .filter(|i| !seen.contains(&format!("m{i}")))
                .collect();
            assert!(missed.is_empty(), "{key}: missed {missed:?}");
        }
        assert_eq!(
            read(&s, 1, "sscan small 5 count 1"),
            r#"["0" ["a" "b" "c"]]"#
        );
    }

    /// Random picks from big values follow the count rules as the packed path does (distinct
    /// members up to the size for a positive count, repeats for a negative one), each pick a
    /// member of the value; SPOP with a count takes out exactly what it returns, alike on
    /// every replica.
    #[test]
    fn random_picks_from_big_values_follow_the_count_rules() {
        let mut a = KvState::new();
        a.apply(&hash_key_batch([8, 1], 1));
        let n = 700usize;
        let setup = [
            format!(
                "sadd s {}",
                (0..n).map(|i| format!("m{i} ")).collect::<String>()
            ),
            format!(
                "hset h {}",
                (0..n).map(|i| format!("m{i} v ")).collect::<String>()
            ),
            format!(
                "zadd z {}",
                (0..n).map(|i| format!("{i} m{i} ")).collect::<String>()
            ),
        ];
        let setup: Vec<&str> = setup.iter().map(String::as_str).collect();
        run(&mut a, 1, &setup);
        let mut b = KvState::new();
        b.restore(&a.snapshot()).unwrap();
        let items = |r: &str| -> Vec<String> {
            let inner = r.trim_start_matches('[').trim_end_matches(']');
            inner
                .split(' ')
                .filter(|x| !x.is_empty())
                .map(|x| x.trim_matches('"').to_string())
                .collect()
        };
        for cmd in ["__srandmember", "__hrandfield", "__zrandmember"] {
            let key = &cmd[2..3];
            for (seed, count) in [
                (1, -5i64),
                (2, 0),
                (3, 3),
                (4, 360),
                (5, 699),
                (6, 700),
                (7, 900),
            ] {
                let got = items(&read(&a, 1, &format!("{cmd} {seed} {key} {count}")));
                let want = if count < 0 {
                    count.unsigned_abs() as usize
                } else {
                    (count as usize).min(n)
                };
                assert_eq!(got.len(), want, "{cmd} {count}");
                let distinct: BTreeSet<&String> = got.iter().collect();
                if count >= 0 {
                    assert_eq!(distinct.len(), got.len(), "{cmd} {count}: repeats");
                }
                assert!(
                    got.iter().all(|m| m.starts_with('m')),
                    "{cmd} {count}: {got:?}"
                );
            }
            let one = read(&a, 1, &format!("{cmd} 9 {key}"));
            assert!(one.starts_with("\"m"), "{cmd}: {one}");
        }
        for (seed, count) in [(11, 5), (12, 300), (13, 500)] {
            let pop = format!("__spop {seed} s {count}");
            let popped = run(&mut a, 2, &[&pop]);
            assert_eq!(run(&mut b, 2, &[&pop]), popped);
            let popped = items(&popped[0]);
            let distinct: BTreeSet<&String> = popped.iter().collect();
            assert_eq!(distinct.len(), popped.len().min(count));
            for m in &popped {
                assert_eq!(read(&a, 2, &format!("sismember s {m}")), ":0");
            }
        }
        assert_eq!(read(&a, 2, "scard s"), ":0");
        assert_eq!(read(&a, 2, "exists s"), ":0");
        assert_eq!(a.digest_hex(), b.digest_hex());
    }

    /// Ranges by name on a big sorted set whose scores are all equal seek the B-tree and
    /// answer as a model does (ZRANGEBYLEX both ways with LIMIT, ZLEXCOUNT, ZREMRANGEBYLEX);
    /// with mixed scores every member is filtered in `(score, member)` order, as for a packed
    /// sorted set.
    #[test]
    fn lex_ranges_on_big_sorted_sets_follow_a_model() {
        let mut rng = Rng(77);
        let mut s = KvState::new();
        s.apply(&hash_key_batch([3, 3], 1));
        let mut names: BTreeSet<String> = BTreeSet::new();
        let name = |n: u64| format!("w{:03}", n);
        let bound = |rng: &mut Rng| match rng.below(6) {
            0 => "-".to_string(),
            1 => "+".to_string(),
            2 | 3 => format!("[{}", name(rng.below(420))),
            _ => format!("({}", name(rng.below(420))),
        };
        let inside = |m: &str, min: &str, max: &str| {
            let above = match min {
                "-" => true,
                "+" => false,
                b if b.starts_with('[') => m >= &b[1..],
                b => m > &b[1..],
            };
            let below = match max {
                "-" => false,
                "+" => true,
                b if b.starts_with('[') => m <= &b[1..],
                b => m < &b[1..],
            };
            above && below
        };
        let mut big_queries = 0;
        for step in 0..4000 {
            let grow = !(1500..=2500).contains(&step);
            if s.table.get(b"lz").and_then(Slot::big).is_some() {
                big_queries += 1;
            }
            let (min, max) = (bound(&mut rng), bound(&mut rng));
            let (cmd, want) = match rng.below(6) {
                0 | 1 if grow => {
                    let m = name(rng.below(420));
                    let added = i64::from(names.insert(m.clone()));
                    (format!("zadd lz 0 {m}"), format!(":{added}"))
                }
                0 | 1 => {
                    let m = name(rng.below(420));
                    let gone = i64::from(names.remove(&m));
                    (format!("zrem lz {m}"), format!(":{gone}"))
                }
                2 => {
                    let (off, cnt) = (rng.below(4) as usize, rng.below(30) as i64 - 3);
                    let picked: Vec<String> = names
                        .iter()
                        .filter(|m| inside(m, &min, &max))
                        .skip(off)
                        .take(usize::try_from(cnt).unwrap_or(usize::MAX))
                        .map(|m| format!("\"{m}\""))
                        .collect();
                    let cmd = format!("zrangebylex lz {min} {max} limit {off} {cnt}");
                    (cmd, format!("[{}]", picked.join(" ")))
                }
                3 => {
                    let picked: Vec<String> = names
                        .iter()
                        .rev()
                        .filter(|m| inside(m, &min, &max))
                        .take(20)
                        .map(|m| format!("\"{m}\""))
                        .collect();
                    let cmd = format!("zrevrangebylex lz {max} {min} limit 0 20");
                    (cmd, format!("[{}]", picked.join(" ")))
                }
                4 => {
                    let n = names.iter().filter(|m| inside(m, &min, &max)).count();
                    (format!("zlexcount lz {min} {max}"), format!(":{n}"))
                }
                _ if rng.below(10) == 0 => {
                    let doomed: Vec<String> = names
                        .iter()
                        .filter(|m| inside(m, &min, &max))
                        .cloned()
                        .collect();
                    let cmd = format!("zremrangebylex lz {min} {max}");
                    if doomed.len() > 20 {
                        continue;
                    }
                    for m in &doomed {
                        names.remove(m);
                    }
                    (cmd, format!(":{}", doomed.len()))
                }
                _ => ("zcard lz".into(), format!(":{}", names.len())),
            };
            assert_eq!(run(&mut s, 1, &[&cmd]), vec![want], "step {step}: {cmd}");
        }
        assert!(big_queries > 1000, "{big_queries}");
        // Mixed scores: every member is filtered, in (score, member) order.
        let members: String = (0..300).map(|i| format!("{} w{:03} ", i % 3, i)).collect();
        run(&mut s, 1, &[&format!("zadd mixed {members}")]);
        let mut ordered: Vec<(u64, String)> = (0..300).map(|i| (i % 3, name(i))).collect();
        ordered.sort();
        let want: Vec<String> = ordered
            .iter()
            .filter(|(_, m)| inside(m, "[w100", "(w110"))
            .map(|(_, m)| format!("\"{m}\""))
            .collect();
        assert_eq!(
            read(&s, 1, "zrangebylex mixed [w100 (w110"),
            format!("[{}]", want.join(" "))
        );
    }

    /// Whole reads of a big hash, set or sorted set (HGETALL, SMEMBERS, ZRANGE, the set and
    /// sorted-set algebra) walk its index and keep no packed copy: MEMORY USAGE, which counts
    /// a kept copy, stays the same. A command that still reads the packed form (LPOS on a big
    /// list) does keep one, until the next write.
    #[test]
    fn whole_reads_of_big_values_keep_no_packed_copy() {
        let mut s = KvState::new();
        s.apply(&hash_key_batch([5, 6], 1));
        let setup = [
            format!(
                "hset h {}",
                (0..300).map(|i| format!("f{i} v{i} ")).collect::<String>()
            ),
            format!(
                "sadd s {}",
                (0..600).map(|i| format!("m{i} ")).collect::<String>()
            ),
            format!(
                "zadd z {}",
                (0..300).map(|i| format!("{i} m{i} ")).collect::<String>()
            ),
            format!(
                "rpush l {}",
                (0..300).map(|i| format!("e{i} ")).collect::<String>()
            ),
        ];
        let setup: Vec<&str> = setup.iter().map(String::as_str).collect();
        run(&mut s, 1, &setup);
        let usage = |s: &KvState| -> Vec<String> {
            ["h", "s", "z", "l"]
                .iter()
                .map(|k| read(s, 1, &format!("memory usage {k}")))
                .collect()
        };
        let before = usage(&s);
        for cmd in [
            "hgetall h",
            "hkeys h",
            "hvals h",
            "smembers s",
            "sunion s s",
            "sintercard 1 s",
            "zrange z 0 -1",
            "zunion 1 z",
            "zrangebylex z - +",
        ] {
            read(&s, 1, cmd);
        }
        assert_eq!(usage(&s), before);
        read(&s, 1, "lpos l e5");
        let after = usage(&s);
        assert_ne!(after[3], before[3], "LPOS kept no packed copy of the list");
        // A write drops it (the list's last run may keep some room from the push).
        run(&mut s, 1, &["rpush l e300", "rpop l"]);
        let written = usage(&s);
        assert_eq!(written[..3], before[..3]);
        let bytes = |v: &str| v.trim_start_matches(':').parse::<u64>().unwrap();
        assert!(
            bytes(&written[3]) < bytes(&after[3]),
            "{written:?} {after:?}"
        );
    }

    #[test]
    fn hashes_survive_snapshots_and_keep_their_type() {
        let mut s = KvState::new();
        run(
            &mut s,
            1,
            &[
                "hset h f v g w",
                "set s x",
                "pexpireat h 99",
                "rpush l a b",
                "sadd z 2 1",
                "zadd zz 2 b 1 a",
            ],
        );
        let mut copy = KvState::new();
        copy.restore(&s.snapshot()).unwrap();
        assert_eq!(copy.digest(), s.digest());
        assert_eq!(read(&copy, 2, "hgetall h"), "{\"f\" \"v\" \"g\" \"w\"}");
        assert_eq!(read(&copy, 2, "pttl h"), ":97");
        assert_eq!(read(&copy, 2, "type s"), "string");
        assert_eq!(read(&copy, 2, "lrange l 0 -1"), "[\"a\" \"b\"]");
        assert_eq!(read(&copy, 2, "smembers z"), "[\"1\" \"2\"]");
        assert_eq!(read(&copy, 2, "zrange zz 0 -1"), "[\"a\" \"b\"]");
        assert_eq!(read(&copy, 2, "type zz"), "zset");
        // The same bytes as a string and as a hash digest differently.
        let mut other = KvState::new();
        let bytes = hash::encode(&[(b"f", b"v"), (b"g", b"w")]);
        other.store(b"h", Bytes::from(bytes), Some(99), 1);
        other.store(b"s", Bytes::from_static(b"x"), None, 1);
        let list = list::pack(&[b"a", b"b"]);
        other.store_typed(b"l", &list, ValueType::List, None, 1);
        assert_ne!(other.digest(), s.digest());
    }

    #[test]
    fn random_fields_follow_the_count_rules() {
        let mut s = KvState::new();
        run(&mut s, 1, &["hset h a 1 b 2 c 3"]);
        for seed in 0..50 {
            let pick = |cmd: &str| read(&s, 1, &format!("__hrandfield {seed} {cmd}"));
            assert!(["\"a\"", "\"b\"", "\"c\""].contains(&pick("h").as_str()));
            let two = pick("h 2");
            assert_eq!(two.matches('"').count(), 4, "{two}");
            let mut fields: Vec<&str> = two.trim_matches(['[', ']']).split(' ').collect();
            fields.dedup();
            assert_eq!(fields.len(), 2, "distinct: {two}");
            assert_eq!(pick("h 10"), "[\"a\" \"b\" \"c\"]");
            assert_eq!(pick("h -5").matches('"').count(), 10);
            assert_eq!(pick("h -2 withvalues").matches('"').count(), 8);
            assert_eq!(pick("h 0"), "[]");
        }
        assert_eq!(
            read(&s, 1, "hrandfield h -1048577"),
            "!ERR value is out of range"
        );
    }

    #[test]
    fn counters() {
        table(&[
            ("incr n", ":1"),
            ("incrby n 10", ":11"),
            ("decr n", ":10"),
            ("decrby n 20", ":-10"),
            ("set n 9223372036854775807", "OK"),
            ("incr n", "!ERR increment or decrement would overflow"),
            ("set s abc", "OK"),
            ("incr s", "!ERR value is not an integer or out of range"),
            ("set s 007", "OK"),
            ("incr s", "!ERR value is not an integer or out of range"),
            ("incrbyfloat f 10.5", "\"10.5\""),
            ("incrbyfloat f 0.1", "\"10.6\""),
            ("incrbyfloat f -10.6", "\"0\""),
            ("set big 1e4932", "OK"),
            (
                "incrbyfloat big 1e4932",
                "!ERR increment would produce NaN or Infinity",
            ),
            ("set s 1.5.5", "OK"),
            ("incrbyfloat s 1", "!ERR value is not a valid float"),
            // As in Redis, the key's type is checked before the increment.
            ("incrbyfloat f x", "!ERR value is not a valid float"),
            ("incrbyfloat nope x", "!ERR value is not a valid float"),
            ("rpush l a", ":1"),
            (
                "incrbyfloat l x",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            // SETRANGE checks the type before the size limit.
            (
                "setrange nope 536870912 v",
                "!ERR string exceeds maximum allowed size (proto-max-bulk-len)",
            ),
            (
                "setrange l 536870912 v",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            // GETEX: a missing key answers nil before its time is looked at.
            ("getex nope ex 0", "nil"),
            ("getex nope ex x", "nil"),
            (
                "getex f ex 0",
                "!ERR invalid expire time in 'getex' command",
            ),
            (
                "getex f ex x",
                "!ERR value is not an integer or out of range",
            ),
            (
                "getex l ex 0",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
        ]);
    }

    #[test]
    fn keys_and_rename() {
        table(&[
            ("mset a 1 b 2 c 3", "OK"),
            ("exists a a x", ":2"),
            ("del a x", ":1"),
            ("unlink b", ":1"),
            ("rename nope x", "!ERR no such key"),
            ("rename c d", "OK"),
            ("get c", "nil"),
            ("get d", "\"3\""),
            ("set e 5", "OK"),
            ("renamenx d e", ":0"),
            ("renamenx d f", ":1"),
            ("rename f f", "OK"),
            ("renamenx f f", ":0"),
            ("flushall", "OK"),
            ("exists e f", ":0"),
        ]);
    }

    #[test]
    fn expiry_commands() {
        let mut s = KvState::new();
        let out = run(
            &mut s,
            1000,
            &[
                "set k v",
                "expire k 10",
                "pexpire k 5000 gt",
                "pexpire k 50000 gt",
                "pexpire k 5000 lt",
                "expire k 10 nx",
                "expire k 10 xx",
                "persist k",
                "persist k",
                "pexpire k 100 xx",
                "pexpire k 100 lt",
                "pexpire k 100 xx lt",
                "expire nope 10",
                "set t v px 100",
                "expire t -1",
                "exists t",
                "set u v ex 10",
                "set u w keepttl",
                "getex u persist",
                "getex u px 300",
                "set old v pxat 500",
                "exists old",
            ],
        );
        assert_eq!(
            out,
            [
                "OK", ":1", ":0", ":1", ":1", ":0", ":1", ":1", ":0", ":0", ":1", ":0", ":0", "OK",
                ":1", ":0", "OK", "OK", "\"w\"", "\"w\"", "OK", ":0"
            ]
        );
        assert_eq!(read(&s, 1000, "pttl u"), ":300");
        assert_eq!(read(&s, 1000, "ttl u"), ":0");
        assert_eq!(read(&s, 1000, "pexpiretime u"), ":1300");
        assert_eq!(read(&s, 1000, "expiretime u"), ":1");
        assert_eq!(read(&s, 1000, "ttl k"), ":0");
        assert_eq!(read(&s, 1000, "pttl k"), ":100");
        assert_eq!(read(&s, 1000, "ttl nope"), ":-2");
        let mut far = KvState::new();
        run(&mut far, -5000, &["set far v pxat 9223372036854775807"]);
        assert_eq!(read(&far, i64::MIN, "pttl far"), format!(":{}", i64::MAX));
        assert_eq!(
            read(&far, i64::MIN, "ttl far"),
            format!(":{}", i64::MAX / 1000)
        );
        run(&mut s, 1000, &["set p v"]);
        assert_eq!(read(&s, 1000, "ttl p"), ":-1");
    }

    #[test]
    fn expired_keys_are_invisible_and_purged_deterministically() {
        let mut a = KvState::new();
        run(
            &mut a,
            1000,
            &["set k v px 100", "set keep v", "set l v px 500"],
        );
        assert_eq!(read(&a, 1099, "get k"), "\"v\"");
        assert_eq!(read(&a, 1100, "get k"), "nil");
        assert_eq!(read(&a, 1100, "dbsize"), ":2");
        assert_eq!(read(&a, 1100, "__keyspace"), "[:2 :1 :0]");
        assert_eq!(read(&a, 1100, "keys *").len(), "[\"keep\" \"l\"]".len());
        // Apply uses the batch clock, not the caller's: INCR on an expired key starts at 0.
        assert_eq!(run(&mut a, 1200, &["incr k"]), [":1"]);
        assert_eq!(read(&a, 1200, "pttl k"), ":-1");
        assert_eq!(a.expired_keys(1500, 10), vec![Bytes::from("l")]);
        assert_eq!(a.expired_keys(1499, 10), Vec::<Bytes>::new());
        // The purge deletes only keys that are expired at the batch's time.
        let purge = purge_batch(vec!["l".into(), "keep".into(), "k".into()], 1500);
        assert_eq!(show(&a.apply(&purge)), "[:1]");
        assert_eq!(a.len(), 2);
        // An old batch clock cannot resurrect anything: now_ms never runs backwards.
        run(&mut a, 1000, &["set z v px 600"]);
        assert_eq!(read(&a, 0, "pttl z"), ":600");
        assert_eq!(read(&a, 0, "get k"), "\"1\"");
    }

    #[test]
    fn hash_fields_expire_one_by_one() {
        let mut s = KvState::new();
        let at = |s: &mut KvState, now: i64, cmd: &str| run(s, now, &[cmd]).remove(0);
        run(&mut s, 1000, &["hset h a 1 b 2 c 3 d 4"]);
        assert_eq!(at(&mut s, 1000, "hexpire h 10 fields 2 a b"), "[:1 :1]");
        // NX, GT and LT against the TTL a field has, and one it has not (LT counts it as
        // infinite, GT and XX refuse it).
        assert_eq!(at(&mut s, 1000, "hpexpire h 500 nx fields 1 a"), "[:0]");
        assert_eq!(at(&mut s, 1000, "hpexpire h 500 gt fields 1 a"), "[:0]");
        assert_eq!(
            at(&mut s, 1000, "hpexpire h 500 lt fields 2 a c"),
            "[:1 :1]"
        );
        assert_eq!(
            at(&mut s, 1000, "hpexpire h 900 xx fields 2 d zz"),
            "[:0 :-2]"
        );
        assert_eq!(at(&mut s, 1000, "hpexpire h 900 gt fields 1 d"), "[:0]");
        assert_eq!(at(&mut s, 1000, "hpersist h fields 1 c"), "[:1]");
        assert_eq!(
            read(&s, 1000, "httl h fields 5 a b c d zz"),
            "[:1 :10 :-1 :-1 :-2]"
        );
        assert_eq!(read(&s, 1001, "hpttl h fields 1 a"), "[:499]");
        assert_eq!(
            read(&s, 1000, "hpexpiretime h fields 2 a b"),
            "[:1500 :11000]"
        );
        assert_eq!(read(&s, 1000, "hexpiretime h fields 1 a"), "[:2]");
        // At 1500 `a` has expired for every read, though still stored.
        assert_eq!(read(&s, 1499, "hget h a"), "\"1\"");
        for (cmd, want) in [
            ("hget h a", "nil"),
            ("hexists h a", ":0"),
            ("hstrlen h a", ":0"),
            ("hmget h a b", "[nil \"2\"]"),
            ("hlen h", ":3"),
            ("hkeys h", "[\"b\" \"c\" \"d\"]"),
            ("hgetall h", "{\"b\" \"2\" \"c\" \"3\" \"d\" \"4\"}"),
            ("hscan h 0", "[\"0\" [\"b\" \"2\" \"c\" \"3\" \"d\" \"4\"]]"),
            ("hscan h 0 novalues", "[\"0\" [\"b\" \"c\" \"d\"]]"),
            ("httl h fields 1 a", "[:-2]"),
            ("sort l by nosort get h->*", "[]"),
        ] {
            assert_eq!(read(&s, 1500, cmd), want, "{cmd}");
        }
        let picks = read(&s, 1500, "__hrandfield 7 h -50");
        assert!(!picks.contains("\"a\""), "{picks}");
        // A purge removes the field from the keyspace; writes first remove expired fields.
        assert_eq!(s.expired_keys(1500, 10), vec![Bytes::from("h")]);
        s.apply(&purge_batch(vec![Bytes::from("h")], 1500));
        assert_eq!(s.expired_fields_total(), 1);
        assert_eq!(s.field_ttl_counts(), (1, 1));
        assert_eq!(read(&s, 0, "hgetall h").matches('"').count(), 12);
        // HSET clears the TTL of the field it sets, HINCRBY keeps it.
        run(
            &mut s,
            1600,
            &["hexpire h 100 fields 2 c d", "hset h c 30", "hincrby h d 1"],
        );
        assert_eq!(read(&s, 1600, "httl h fields 2 c d"), "[:-1 :100]");
        // A time not after now deletes the field.
        assert_eq!(at(&mut s, 1600, "hexpire h 0 fields 1 c"), "[:2]");
        assert_eq!(at(&mut s, 1600, "hpexpireat h 1600 fields 1 b"), "[:2]");
        assert_eq!(read(&s, 1600, "hkeys h"), "[\"d\"]");
        assert_eq!(read(&s, 1600, "object encoding h"), "\"listpackex\"");
        let with_ttl = read(&s, 1600, "memory usage h");
        run(&mut s, 1600, &["hpersist h fields 1 d"]);
        let without: i64 = read(&s, 1600, "memory usage h")[1..].parse().unwrap_or(0);
        assert_eq!(with_ttl, format!(":{}", without + 2 * 64 + 2 * 64 + 32));
        run(&mut s, 1600, &["hexpire h 100 fields 1 d"]);
        assert_eq!(read(&s, 1600, "__keyspace"), "[:1 :0 :1]");
        // The last field gone deletes the key.
        assert_eq!(at(&mut s, 1600, "hexpireat h 1 fields 1 d"), "[:2]");
        assert_eq!(read(&s, 1600, "exists h"), ":0");
        assert_eq!(s.field_ttl_counts(), (0, 0));
        assert_eq!(at(&mut s, 1600, "hexpire h 5 fields 2 x y"), "[:-2 :-2]");
    }

    /// XREAD's `+` reads the last entry the stream holds, also when the one with its last ID
    /// was deleted (raft-kv's choice; Redis then reads nothing), and nothing from a stream
    /// emptied by XDEL.
    #[test]
    fn xread_plus_reads_the_last_entry_held() {
        table(&[
            ("xadd s 1-1 a 1", "\"1-1\""),
            ("xadd s 2-1 b 2", "\"2-1\""),
            ("xread streams s +", "{\"s\" [[\"2-1\" [\"b\" \"2\"]]]}"),
            ("xdel s 2-1", ":1"),
            ("xread streams s +", "{\"s\" [[\"1-1\" [\"a\" \"1\"]]]}"),
            ("xdel s 1-1", ":1"),
            ("xread streams s +", "nilarray"),
            ("__xlastids s none", "[[\"2-1\" \"2-1\"] [\"0-0\" \"0-0\"]]"),
        ]);
    }

    /// The messages published since the last call, as `channel message` lines.
    fn published(s: &mut KvState) -> Vec<String> {
        s.take_published()
            .iter()
            .map(|p| {
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                format!("{} {}", text(&p.channel), text(&p.message))
            })
            .collect()
    }

    /// The key-space events published since the last call, as `key:event`.
    fn key_events(s: &mut KvState) -> Vec<String> {
        published(s)
            .iter()
            .filter_map(|line| line.strip_prefix("__keyspace@0__:"))
            .map(|rest| rest.replacen(' ', ":", 1))
            .collect()
    }

    fn flags(text: &str) -> u32 {
        notify::parse_flags(text.as_bytes()).unwrap_or_else(|| panic!("flags {text:?}"))
    }

    /// A state publishes keyspace events only of the classes asked for, on the channels
    /// asked for (key-space, then key-event), and nothing while none is asked for.
    #[test]
    fn keyspace_events_are_published_for_the_classes_asked_for() {
        let mut s = KvState::new();
        run(&mut s, 1000, &["set a 1", "lpush l x", "del a"]);
        assert!(s.take_published().is_empty());
        s.notify_keyspace_events(flags("Kl"));
        run(&mut s, 1000, &["set a 2", "lpush l y", "del a"]);
        assert_eq!(published(&mut s), ["__keyspace@0__:l lpush"]);
        s.notify_keyspace_events(flags("KEg$n"));
        run(&mut s, 1000, &["set b 1 ex 10", "set b 2"]);
        assert_eq!(
            published(&mut s),
            [
                "__keyspace@0__:b new",
                "__keyevent@0__:new b",
                "__keyspace@0__:b set",
                "__keyevent@0__:set b",
                "__keyspace@0__:b expire",
                "__keyevent@0__:expire b",
                "__keyspace@0__:b set",
                "__keyevent@0__:set b",
            ]
        );
        // Classes without a channel, or a channel without classes: nothing.
        for text in ["A", "KE"] {
            s.notify_keyspace_events(flags(text));
            run(&mut s, 1000, &["set b 3", "del b", "lpush l z"]);
            assert!(s.take_published().is_empty(), "{text}");
        }
        // PUBLISH's messages and the events keep the order the commands ran in.
        s.notify_keyspace_events(flags("K$"));
        s.apply(&batch(&["set c 1", "publish ch m", "set c 2"], 1000));
        assert_eq!(
            published(&mut s),
            ["__keyspace@0__:c set", "ch m", "__keyspace@0__:c set"]
        );
    }

    /// A container a command empties is deleted, and its `del` follows the command's event
    /// on it, whatever comes after: LMOVE's destination first, SMOVE's source first, as in
    /// Redis; in a script too.
    #[test]
    fn an_emptied_container_tells_of_its_del_after_the_event_that_emptied_it() {
        let mut s = KvState::new();
        s.notify_keyspace_events(flags("KAn"));
        run(&mut s, 1000, &["rpush src a", "sadd s1 m"]);
        key_events(&mut s);
        run(&mut s, 1000, &["lmove src dst left right"]);
        assert_eq!(
            key_events(&mut s),
            ["dst:new", "dst:rpush", "src:lpop", "src:del"]
        );
        run(&mut s, 1000, &["smove s1 s2 m"]);
        assert_eq!(
            key_events(&mut s),
            ["s1:srem", "s1:del", "s2:new", "s2:sadd"]
        );
        run(&mut s, 1000, &["hsetex h pxat 999 fields 1 f v"]);
        assert_eq!(key_events(&mut s), ["h:new", "h:hset", "h:hdel", "h:del"]);
        let script = "redis.call('lpop', KEYS[1]); redis.call('set', KEYS[2], 'v')";
        run_args(&mut s, 1000, &["EVAL", script, "2", "dst", "k"]);
        assert_eq!(
            key_events(&mut s),
            ["dst:lpop", "dst:del", "k:new", "k:set"]
        );
        // A *STORE whose result is empty deletes its destination: `del`, or nothing when
        // there was none.
        run(
            &mut s,
            1000,
            &[
                "sinterstore k2 nothing",
                "sadd s3 x",
                "sinterstore s3 nothing",
            ],
        );
        assert_eq!(key_events(&mut s), ["s3:new", "s3:sadd", "s3:del"]);
    }

    /// Keys and hash fields that expire are told when a purge or a write removes them
    /// (`expired`, `hexpired` and the hash's `del`), on every replica alike.
    #[test]
    fn expired_keys_and_fields_are_told_when_removed() {
        let mut s = KvState::new();
        s.notify_keyspace_events(flags("KA"));
        run(
            &mut s,
            1000,
            &[
                "set k v px 100",
                "set j v px 100",
                "hset h f v g w",
                "hpexpire h 100 fields 2 f g",
            ],
        );
        key_events(&mut s);
        s.apply(&purge_batch(vec![Bytes::from("k"), Bytes::from("h")], 2000));
        assert_eq!(key_events(&mut s), ["k:expired", "h:hexpired", "h:del"]);
        // A write meets an expired key before the purge does.
        run(&mut s, 2000, &["set j w", "set i v px 100"]);
        assert_eq!(
            key_events(&mut s),
            ["j:expired", "j:set", "i:set", "i:expire"]
        );
        run(&mut s, 3000, &["del i"]);
        assert_eq!(key_events(&mut s), ["i:expired"]);
    }

    /// Reads tell of the keys they miss while `m` is on, on the node that serves them; writes
    /// tell of the misses of their read lookups only, on every node, as they run.
    #[test]
    fn reads_of_missing_keys_tell_of_misses_when_asked() {
        let mut s = KvState::new();
        run(&mut s, 1000, &["set here v"]);
        read(&s, 1000, "get nothing");
        assert!(s.take_key_misses().is_empty());
        s.notify_keyspace_events(flags("Em"));
        read(&s, 1000, "mget nothing here");
        run(&mut s, 1000, &["lpush nothing2 x"]);
        let misses: Vec<String> = s
            .take_key_misses()
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    String::from_utf8_lossy(&p.channel),
                    String::from_utf8_lossy(&p.message)
                )
            })
            .collect();
        assert_eq!(misses, ["__keyevent@0__:keymiss nothing"]);
        assert!(s.take_published().is_empty());
        // A write's read lookups (SET ... GET, a *STORE's sources) and reads applied in a
        // transaction tell of their misses as they run, like the write's other events.
        s.notify_keyspace_events(flags("KEAm"));
        run(&mut s, 1000, &["set here v2 get", "set gone v get"]);
        s.apply(&batch(
            &["get nowhere", "sunionstore dest here nowhere2"],
            1000,
        ));
        let events = key_events(&mut s);
        assert_eq!(
            events,
            [
                "here:set",
                "gone:keymiss",
                "gone:set",
                "nowhere:keymiss",
                "nowhere2:keymiss"
            ]
        );
        assert!(s.take_key_misses().is_empty());
    }

    /// HGETDEL, HGETEX and HSETEX (Redis 8.0), as Redis's `t_hash.c` has them.
    #[test]
    fn fields_are_read_and_deleted_or_given_ttls_in_one_command() {
        let mut s = KvState::new();
        let at = |s: &mut KvState, cmd: &str| run(s, 1000, &[cmd]).remove(0);
        run(&mut s, 1000, &["hset h a 1 b 2 c 3"]);
        assert_eq!(at(&mut s, "hgetdel h fields 3 a nope a"), "[\"1\" nil nil]");
        assert_eq!(at(&mut s, "hgetex h ex 100 fields 2 b nope"), "[\"2\" nil]");
        assert_eq!(read(&s, 1000, "httl h fields 2 b c"), "[:100 :-1]");
        assert_eq!(at(&mut s, "hgetex h persist fields 1 b"), "[\"2\"]");
        assert_eq!(read(&s, 1000, "httl h fields 1 b"), "[:-1]");
        assert_eq!(at(&mut s, "hgetex h fields 1 c"), "[\"3\"]");
        // A time not in the future deletes what was read.
        assert_eq!(at(&mut s, "hgetex h pxat 1000 fields 1 c"), "[\"3\"]");
        assert_eq!(read(&s, 1000, "hkeys h"), "[\"b\"]");
        assert_eq!(at(&mut s, "hgetdel h fields 1 b"), "[\"2\"]");
        assert_eq!(read(&s, 1000, "exists h"), ":0");
        assert_eq!(at(&mut s, "hgetex h ex 5 fields 1 b"), "[nil]");
        // HSETEX: FNX only when none of the fields exists, FXX only when all do.
        assert_eq!(at(&mut s, "hsetex h fxx fields 1 a 1"), ":0");
        assert_eq!(at(&mut s, "hsetex h fnx ex 50 fields 2 a 1 b 2"), ":1");
        assert_eq!(read(&s, 1000, "httl h fields 2 a b"), "[:50 :50]");
        assert_eq!(at(&mut s, "hsetex h fnx fields 2 b 0 c 3"), ":0");
        assert_eq!(at(&mut s, "hsetex h fxx keepttl fields 1 a 10"), ":1");
        assert_eq!(read(&s, 1000, "httl h fields 1 a"), "[:50]");
        assert_eq!(at(&mut s, "hsetex h fields 1 a 11"), ":1");
        assert_eq!(read(&s, 1000, "httl h fields 1 a"), "[:-1]");
        assert_eq!(at(&mut s, "hsetex h pxat 999 fields 2 a 1 b 2"), ":1");
        assert_eq!(read(&s, 1000, "exists h"), ":0");
        // HSETEX's arguments are checked before the key's type; HGETEX's and HGETDEL's after.
        run(&mut s, 1000, &["set str v"]);
        for (cmd, want) in [
            (
                "hsetex str fields 1 a",
                "!ERR wrong number of arguments for 'hsetex' command",
            ),
            (
                "hsetex str ex 10 px 10 fields 1 a 1",
                "!ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified",
            ),
            (
                "hsetex str fnx fxx fields 1 a 1",
                "!ERR Only one of FXX or FNX arguments can be specified",
            ),
            ("hsetex str fields 0 a 1", "!ERR invalid number of fields"),
            (
                "hsetex str fields 2 a 1",
                "!ERR wrong number of arguments for 'hsetex' command",
            ),
            (
                "hsetex str nope fields 1 a 1",
                "!ERR unknown argument: nope",
            ),
            (
                "hsetex str ex -1 fields 1 a 1",
                "!ERR invalid expire time, must be >= 0",
            ),
            (
                "hsetex str fields 1 a 1",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "hgetex str ex x fields 1 a",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "hgetex h ex x fields 1 a",
                "!ERR value is not an integer or out of range",
            ),
            (
                "hgetex h persist 1 a",
                "!ERR Mandatory argument FIELDS is missing or not at the right position",
            ),
            (
                "hgetex h fields 2 a",
                "!ERR The `numfields` parameter must match the number of arguments",
            ),
            (
                "hgetdel str fields 1 a",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "hgetdel h fields 0 a",
                "!ERR Number of fields must be a positive integer",
            ),
        ] {
            assert_eq!(at(&mut s, cmd), want, "{cmd}");
        }
    }

    /// A purge removes at most [`MAX_PURGED_FIELDS`] expired fields; the others stay hidden
    /// and go with the next purges, and the key with the last of them.
    #[test]
    fn purges_remove_expired_fields_a_bounded_number_at_a_time() {
        let mut s = KvState::new();
        let fields = 2 * MAX_PURGED_FIELDS + 5;
        let mut hset = vec![Bytes::from("hset"), Bytes::from("h")];
        let mut expire: Vec<Bytes> = ["hpexpire", "h", "10", "fields"].map(Bytes::from).to_vec();
        expire.push(Bytes::from(fields.to_string()));
        for i in 0..fields {
            hset.push(Bytes::from(format!("f{i}")));
            hset.push(Bytes::from("v"));
            expire.push(Bytes::from(format!("f{i}")));
        }
        for args in [hset, expire] {
            s.apply(&pb::KvBatch {
                commands: vec![pb::KvCommand { args }],
                now_ms: 1000,
                ..Default::default()
            });
        }
        assert_eq!(read(&s, 1009, "hlen h"), format!(":{fields}"));
        assert_eq!(read(&s, 1010, "exists h"), ":0");
        for left in [MAX_PURGED_FIELDS + 5, 5, 0] {
            assert_eq!(s.expired_keys(1010, 10), vec![Bytes::from("h")]);
            s.apply(&purge_batch(vec![Bytes::from("h")], 1010));
            // Every field left has its TTL still.
            assert_eq!(s.field_ttl_counts().1, left);
            assert_eq!(read(&s, 1010, "hlen h"), ":0");
        }
        assert!(s.is_empty());
        assert_eq!(s.expired_keys(i64::MAX, 10), Vec::<Bytes>::new());
        assert_eq!(s.expired_fields_total(), fields as u64);
    }

    #[test]
    fn a_hash_whose_every_field_expired_reads_as_missing() {
        let mut s = KvState::new();
        run(
            &mut s,
            1000,
            &["hset g x 1 y 2", "hpexpire g 100 fields 2 x y"],
        );
        for (cmd, want) in [
            ("exists g", ":0"),
            ("type g", "none"),
            ("hlen g", ":0"),
            ("hgetall g", "{}"),
            ("dump g", "nil"),
        ] {
            assert_eq!(read(&s, 1100, cmd), want, "{cmd}");
        }
        // A write to it starts a new hash: the old fields do not come back.
        run(&mut s, 1100, &["hset g y 3"]);
        assert_eq!(read(&s, 1100, "hgetall g"), "{\"y\" \"3\"}");
        assert_eq!(read(&s, 1100, "httl g fields 1 y"), "[:-1]");
        assert_eq!(s.field_ttl_counts(), (0, 0));
        // So does a write of another type.
        run(&mut s, 1100, &["hpexpire g 10 fields 1 y"]);
        run(&mut s, 1110, &["lpush g a"]);
        assert_eq!(read(&s, 1110, "type g"), "list");
        assert_eq!(s.field_ttl_counts(), (0, 0));
    }

    #[test]
    fn hash_field_ttl_errors_come_after_the_key_type_as_in_redis() {
        table(&[
            ("set s v", "OK"),
            ("hset h f v", ":1"),
            (
                "hexpire s abc fields 1 f",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "httl s x",
                "!ERR wrong number of arguments for 'httl' command",
            ),
            (
                "httl s fields 1 f",
                "!WRONGTYPE Operation against a key holding the wrong kind of value",
            ),
            (
                "hexpire h abc fields 1 f",
                "!ERR value is not an integer or out of range",
            ),
            (
                "hexpire h -1 fields 1 f",
                "!ERR invalid expire time, must be >= 0",
            ),
            (
                "hexpire h 70368744177664 fields 1 f",
                "!ERR invalid expire time in 'hexpire' command",
            ),
            (
                "hpexpireat h 70368744177664 fields 1 f",
                "!ERR invalid expire time in 'hpexpireat' command",
            ),
            (
                "hexpire h 10 nx nx fields 1 f",
                "!ERR Mandatory argument FIELDS is missing or not at the right position",
            ),
            (
                "hexpire h 10 fields 0 f",
                "!ERR Parameter `numFields` should be greater than 0",
            ),
            (
                "hexpire h 10 fields x f",
                "!ERR Parameter `numFields` should be greater than 0",
            ),
            (
                "hexpire h 10 fields 2 f",
                "!ERR The `numfields` parameter must match the number of arguments",
            ),
            (
                "hexpire h 10 fields 1 f g",
                "!ERR The `numfields` parameter must match the number of arguments",
            ),
            ("hexpire missing 10 fields 1 f", "[:-2]"),
            (
                "httl h fields 0 f",
                "!ERR Number of fields must be a positive integer",
            ),
            (
                "httl h field 1 f",
                "!ERR Mandatory argument FIELDS is missing or not at the right position",
            ),
            (
                "hpersist h fields -1 f",
                "!ERR Number of fields must be a positive integer",
            ),
            ("hpersist missing fields 2 f g", "[:-2 :-2]"),
            ("httl missing fields 1 f", "[:-2]"),
            ("hexpire h 10 fields 1 fields", "[:-2]"),
            ("hscan h 0 novalues count 5", "[\"0\" [\"f\"]]"),
            ("sadd st m", ":1"),
            (
                "sscan st 0 novalues",
                "!ERR NOVALUES option can only be used in HSCAN",
            ),
            ("sscan nokey 0 novalues", "[\"0\" []]"),
        ]);
    }

    #[test]
    fn field_ttls_survive_snapshots_renames_copies_and_dumps() {
        let mut s = KvState::new();
        let mut big = String::from("hset big");
        for i in 0..200 {
            big.push_str(&format!(" f{i} v{i}"));
        }
        run(
            &mut s,
            1000,
            &[
                "hset h a 1 b 2 c 3",
                "hpexpire h 5000 fields 2 a b",
                big.as_str(),
                "hpexpire big 100 fields 3 f1 f2 f3",
                "hpexpire big 9000 fields 1 f4",
            ],
        );
        // Snapshots carry them, and the digest tells a state with them from one without.
        let mut restored = KvState::new();
        restored.restore(&s.snapshot()).expect("restore");
        assert_eq!(restored.digest_hex(), s.digest_hex());
        assert_eq!(
            read(&restored, 1000, "hpexpiretime h fields 3 a b c"),
            "[:6000 :6000 :-1]"
        );
        let mut without = KvState::new();
        without.restore(&s.snapshot()).expect("restore");
        run(&mut without, 1000, &["hpersist h fields 1 a"]);
        assert_ne!(without.digest_hex(), s.digest_hex());
        // A snapshot taken in steps is the state at its start, whatever changed meanwhile.
        let mut encoder = s.snapshot_encoder();
        run(
            &mut s,
            1000,
            &["hpersist h fields 1 b", "hpexpire big 50 fields 1 f9"],
        );
        while !s.snapshot_step(&mut encoder, 1) {}
        let mut stepped = KvState::new();
        stepped.restore(&encoder.into_bytes()).expect("restore");
        assert_eq!(stepped.digest_hex(), restored.digest_hex());
        // A purge of the big hash removes its expired fields from its index.
        assert_eq!(read(&s, 1100, "hlen big"), ":196");
        s.apply(&purge_batch(s.expired_keys(1100, 10), 1100));
        assert_eq!(read(&s, 0, "hlen big"), ":196");
        assert_eq!(s.expired_fields_total(), 4);
        // RENAME moves them, COPY copies them, DEL and SET drop them.
        run(&mut s, 1100, &["rename h r", "copy r c"]);
        assert_eq!(read(&s, 1100, "hpexpiretime r fields 1 a"), "[:6000]");
        assert_eq!(read(&s, 1100, "hpexpiretime c fields 1 a"), "[:6000]");
        assert_eq!(read(&s, 1100, "hpexpiretime h fields 1 a"), "[:-2]");
        run(&mut s, 1100, &["del c", "set r x"]);
        assert_eq!(s.field_ttl_counts(), (1, 1));
        run(&mut s, 1100, &["del r", "hset r a 1"]);
        assert_eq!(read(&s, 1100, "httl r fields 1 a"), "[:-1]");
        // DUMP writes Redis 7.4's types (listpack with expiries, or fields with relative
        // ones past 128 fields) and RESTORE reads them back; fields past their time by then
        // are dropped.
        for key in ["big", "small"] {
            run(
                &mut s,
                1100,
                &["hset small x 1 y 2", "hpexpire small 2000 fields 1 y"],
            );
            let dump = s.read(
                &pb::KvCommand {
                    args: args(&format!("dump {key}")),
                },
                1100,
            );
            let Some(Kind::Bulk(payload)) = dump.kind else {
                panic!("dump {key}: {dump:?}");
            };
            let kind = payload[0];
            assert_eq!(kind, if key == "big" { 24 } else { 25 });
            assert_eq!(&payload[payload.len() - 10..payload.len() - 8], &[12, 0]);
            let mut restore = args("restore copy 0");
            restore.push(payload.clone());
            restore.push(Bytes::from("replace"));
            let mut t = KvState::new();
            t.apply(&pb::KvBatch {
                commands: vec![pb::KvCommand {
                    args: restore.clone(),
                }],
                now_ms: 1100,
                ..Default::default()
            });
            let source = read(&s, 1100, &format!("hgetall {key}"));
            assert_eq!(read(&t, 1100, "hgetall copy"), source);
            let fields = if key == "big" { "f4 f5" } else { "x y" };
            assert_eq!(
                read(&t, 1100, &format!("hpexpiretime copy fields 2 {fields}")),
                read(&s, 1100, &format!("hpexpiretime {key} fields 2 {fields}"))
            );
            // Restored later, the fields that expired meanwhile are gone.
            let mut late = KvState::new();
            late.apply(&pb::KvBatch {
                commands: vec![pb::KvCommand { args: restore }],
                now_ms: 10_000,
                ..Default::default()
            });
            let left = if key == "big" { ":195" } else { ":1" };
            assert_eq!(read(&late, 10_000, "hlen copy"), left);
        }
    }

    #[test]
    fn replicas_converge() {
        let cmds = [
            "set a 1 px 50",
            "incr b",
            "append c xyz",
            "rename b d",
            "expire c 1",
            "setrange e 3 q",
            "del a",
            "incrbyfloat f 1.5",
        ];
        let mut a = KvState::new();
        let mut b = KvState::new();
        for (i, c) in cmds.iter().enumerate() {
            let now = 1000 + i as i64 * 10;
            let ra = a.apply(&batch(&[c], now));
            let rb = b.apply(&batch(&[c], now));
            assert_eq!(ra, rb);
        }
        assert_eq!(a.digest(), b.digest());
        assert_ne!(a.digest(), 0);
        assert_eq!(KvState::new().digest(), 0);
        run(&mut b, 2000, &["set x y"]);
        assert_ne!(a.digest(), b.digest());
        let hex = a.digest_hex();
        assert_eq!(hex.len(), 40);
        assert!(hex.bytes().all(|c| c.is_ascii_hexdigit()));
        assert!(hex.starts_with(&format!("{:016x}", a.digest())));
        assert_ne!(hex, b.digest_hex());
        assert_eq!(KvState::new().digest_hex(), "0".repeat(40));
        assert_eq!(read(&a, 2000, "debug digest"), format!("\"{hex}\""));
    }

    #[test]
    fn snapshot_round_trip() {
        let mut a = KvState::new();
        run(
            &mut a,
            1000,
            &["set a 1", "set b 2 px 100", "set c 3", "del c", "set d 4"],
        );
        let snap = a.snapshot();
        let mut b = KvState::new();
        b.restore(&snap).unwrap();
        assert_eq!(a.digest(), b.digest());
        assert_eq!(b.now_ms, 1000);
        assert_eq!(b.version_counter, a.version_counter);
        assert_eq!(b.deleted_version, a.deleted_version);
        assert_eq!(b.expired_keys(2000, 10), vec![Bytes::from("b")]);
        assert_eq!(
            read(&b, 1000, "__version a d c"),
            read(&a, 1000, "__version a d c")
        );
        // Both continue identically.
        let next = batch(&["incr a", "set e 5"], 1100);
        assert_eq!(a.apply(&next), b.apply(&next));
        assert_eq!(a.snapshot(), b.snapshot());
        assert!(b.restore(b"\xff\xff\xff").is_err());
        assert_eq!(
            a.digest(),
            b.digest(),
            "a failed restore leaves the state unchanged"
        );
    }

    fn transaction(cmds: &[&str], watched: Vec<(&str, u64)>, now: i64) -> pb::KvBatch {
        let mut b = batch(cmds, now);
        b.transaction = true;
        b.watched = watched
            .into_iter()
            .map(|(k, v)| pb::WatchedKey {
                key: Bytes::from(k.to_string()),
                version: v,
            })
            .collect();
        b
    }

    fn version(s: &KvState, key: &str, now: i64) -> u64 {
        match s
            .read(
                &pb::KvCommand {
                    args: args(&format!("__version {key}")),
                },
                now,
            )
            .kind
        {
            Some(Kind::Array(a)) => match a.items[0].kind {
                Some(Kind::Integer(v)) => v as u64,
                _ => panic!(),
            },
            _ => panic!(),
        }
    }

    #[test]
    fn watch_and_exec() {
        let mut s = KvState::new();
        run(&mut s, 1000, &["set a 1", "set t v px 100"]);
        let va = version(&s, "a", 1000);
        let vm = version(&s, "missing", 1000);
        let vt = version(&s, "t", 1000);

        // Unchanged: applies everything, runtime errors stay per-command.
        let ok = transaction(&["incr a", "incr t", "get a"], vec![("a", va)], 1000);
        assert_eq!(
            show(&s.apply(&ok)),
            "[:2 !ERR value is not an integer or out of range \"2\"]"
        );

        // `a` moved since: nothing is applied.
        let stale = transaction(&["set a 100", "set b 1"], vec![("a", va)], 1000);
        assert_eq!(show(&s.apply(&stale)), "nilarray");
        assert_eq!(read(&s, 1000, "mget a b"), "[\"2\" nil]");

        // A watched missing key that gets created aborts.
        run(&mut s, 1000, &["set missing x"]);
        let created = transaction(&["set b 1"], vec![("missing", vm)], 1000);
        assert_eq!(show(&s.apply(&created)), "nilarray");

        // A watched key that expires before EXEC aborts.
        let expired = transaction(&["set b 1"], vec![("t", vt)], 1100);
        assert_eq!(show(&s.apply(&expired)), "nilarray");

        // A deleted key's version differs from its live version; a fresh read passes.
        run(&mut s, 1100, &["del missing"]);
        let vm2 = version(&s, "missing", 1100);
        let fine = transaction(&["set b 1"], vec![("missing", vm2)], 1100);
        assert_eq!(show(&s.apply(&fine)), "[OK]");
        // Versions are the same on every replica that applied the same batches.
        assert_ne!(vm, vm2);
    }

    /// A key WATCHed while missing that is created, expires and is removed before EXEC
    /// (purged, or dropped by a write that found it expired) still aborts the transaction.
    #[test]
    fn a_watched_missing_key_created_and_expired_meanwhile_aborts() {
        for removal in ["__purge k", "del k"] {
            let mut s = KvState::new();
            let missing = version(&s, "k", 1000);
            run(&mut s, 1000, &["set k v px 10"]);
            run(&mut s, 2000, &[removal]);
            assert_eq!(read(&s, 2000, "exists k"), ":0");
            assert_eq!(s.len(), 0, "{removal} removed the expired key");
            let exec = transaction(&["set b 1"], vec![("k", missing)], 2000);
            assert_eq!(show(&s.apply(&exec)), "nilarray", "after {removal}");
        }
    }

    /// The first key named `prefix:N` whose deletion bucket is (or is not) `key`'s.
    fn key_in_bucket(s: &KvState, prefix: &str, key: &str, same: bool) -> String {
        let bucket = s.deletion_bucket(key.as_bytes());
        (0..)
            .map(|i| format!("{prefix}:{i}"))
            .find(|k| (s.deletion_bucket(k.as_bytes()) == bucket) == same)
            .unwrap()
    }

    /// With deletion buckets, removing another key (deleted, or purged once expired, as TTL
    /// churn does all the time) leaves a missing key's WATCH version alone, so the
    /// transaction commits, as in Redis. Removing a key of its own bucket, or a flush, still
    /// moves it: a spurious abort, which clients retry, never a missed conflict.
    #[test]
    fn removing_another_key_leaves_a_watched_missing_key_alone() {
        for removal in ["del", "__purge"] {
            let mut s = KvState::new();
            s.apply(&hash_key_batch([7, 8], 1000));
            let other = key_in_bucket(&s, "other", "k", false);
            let neighbour = key_in_bucket(&s, "neighbour", "k", true);
            run(
                &mut s,
                1000,
                &[
                    &format!("set {other} v px 10"),
                    &format!("set {neighbour} v px 10"),
                ],
            );
            let missing = version(&s, "k", 1000);
            run(&mut s, 2000, &[&format!("{removal} {other}")]);
            assert_eq!(s.len(), 1, "{removal} removed {other}");
            assert_eq!(version(&s, "k", 2000), missing, "after {removal} {other}");
            let exec = transaction(&["set k mine"], vec![("k", missing)], 2000);
            assert_eq!(show(&s.apply(&exec)), "[OK]", "after {removal} {other}");

            run(&mut s, 2000, &["del k"]);
            let missing = version(&s, "k", 2000);
            run(&mut s, 2000, &[&format!("{removal} {neighbour}")]);
            let exec = transaction(&["set k mine"], vec![("k", missing)], 2000);
            assert_eq!(
                show(&s.apply(&exec)),
                "nilarray",
                "after {removal} {neighbour}"
            );
        }

        let mut s = KvState::new();
        s.apply(&hash_key_batch([7, 8], 1000));
        run(&mut s, 1000, &["set a 1"]);
        let missing = version(&s, "k", 1000);
        run(&mut s, 1000, &["flushall"]);
        let exec = transaction(&["set k mine"], vec![("k", missing)], 1000);
        assert_eq!(show(&s.apply(&exec)), "nilarray", "after a flush");
    }

    /// A keyspace keyed by an older leader's batch (no `deletion_buckets`), or restored from a
    /// snapshot without buckets, keeps one deletion version: every replica of it agrees, and
    /// any removal moves every missing key's version, as before. Buckets survive a snapshot.
    #[test]
    fn deletion_buckets_are_chosen_at_keying_and_kept_by_snapshots() {
        let old_batch = pb::KvBatch {
            deletion_buckets: false,
            ..hash_key_batch([7, 8], 1000)
        };
        let mut old = KvState::new();
        old.apply(&old_batch);
        let mut new = KvState::new();
        new.apply(&hash_key_batch([7, 8], 1000));
        let other = key_in_bucket(&new, "other", "k", false);
        for s in [&mut old, &mut new] {
            run(
                s,
                1000,
                &[&format!("set {other} v"), &format!("del {other}")],
            );
        }
        assert_eq!(version(&old, "k", 1000), old.deleted_version);
        assert_ne!(version(&new, "k", 1000), new.deleted_version);

        for s in [old, new] {
            let snap = s.snapshot();
            let mut restored = KvState::new();
            restored.restore(&snap).unwrap();
            assert_eq!(restored.snapshot(), snap);
            assert_eq!(restored.deleted_buckets, s.deleted_buckets);
            for key in ["k", "x", "y", &other] {
                assert_eq!(version(&restored, key, 1000), version(&s, key, 1000));
            }
        }
    }

    /// Applies one command given as separate arguments (a script holds spaces).
    fn run_args(state: &mut KvState, now: i64, args: &[&str]) -> String {
        let batch = pb::KvBatch {
            commands: vec![pb::KvCommand {
                args: args.iter().map(|a| Bytes::from(a.to_string())).collect(),
            }],
            now_ms: now,
            ..pb::KvBatch::default()
        };
        match state.apply(&batch).kind {
            Some(Kind::Array(mut a)) if a.items.len() == 1 => show(&a.items.remove(0)),
            other => panic!("bad batch reply {other:?}"),
        }
    }

    fn read_args(state: &KvState, now: i64, args: &[&str]) -> String {
        let command = pb::KvCommand {
            args: args.iter().map(|a| Bytes::from(a.to_string())).collect(),
        };
        show(&state.read(&command, now))
    }

    #[test]
    fn scripts_run_against_the_state_and_are_cached() {
        let mut s = KvState::new();
        let incr =
            "redis.call('SET', KEYS[1], ARGV[1], 'EX', 10) return redis.call('INCR', KEYS[1])";
        assert_eq!(
            run_args(&mut s, 1000, &["EVAL", incr, "1", "k", "41"]),
            ":42"
        );
        // Relative expiry times are taken from the batch's clock, as for clients.
        assert_eq!(run(&mut s, 1000, &["pttl k"]), [":10000"]);
        assert_eq!(run(&mut s, 11_000, &["get k"]), ["nil"]);
        let sha = script::sha1_hex(incr.as_bytes());
        assert_eq!(
            run_args(&mut s, 20_000, &["EVALSHA", &sha, "1", "j", "1"]),
            ":2"
        );
        assert_eq!(
            run_args(
                &mut s,
                20_000,
                &["SCRIPT", "EXISTS", &sha.to_uppercase(), "ffff"]
            ),
            "[:1 :0]"
        );
        let loaded = run_args(&mut s, 20_000, &["SCRIPT", "LOAD", "return ARGV[1]"]);
        assert_eq!(
            loaded,
            format!("\"{}\"", script::sha1_hex(b"return ARGV[1]"))
        );
        // The cache travels in snapshots.
        let mut restored = KvState::new();
        restored.restore(&s.snapshot()).unwrap();
        assert_eq!(restored.snapshot(), s.snapshot());
        assert_eq!(
            run_args(&mut restored, 20_000, &["EVALSHA", &sha, "1", "i", "5"]),
            ":6"
        );
        assert_eq!(run_args(&mut s, 20_000, &["SCRIPT", "FLUSH"]), "OK");
        assert_eq!(
            run_args(&mut s, 20_000, &["EVALSHA", &sha, "0"]),
            "!NOSCRIPT No matching script. Please use EVAL."
        );
    }

    /// A library loads on every replica through the log, its functions write through FCALL
    /// and read through FCALL_RO, and it travels in snapshots (loaded again on restore).
    #[test]
    fn function_libraries_load_call_and_survive_snapshots() {
        let library = "#!lua name=counters\n\
            redis.register_function('bump', function(keys, args)\n\
              return redis.call('INCRBY', keys[1], args[1])\n\
            end)\n\
            redis.register_function{function_name='peek', flags={'no-writes'},\n\
              callback=function(keys) return redis.call('GET', keys[1]) end}";
        let mut s = KvState::new();
        let mut replica = KvState::new();
        for state in [&mut s, &mut replica] {
            assert_eq!(
                run_args(state, 1000, &["FUNCTION", "LOAD", library]),
                "\"counters\""
            );
            assert_eq!(
                run_args(state, 1000, &["FCALL", "bump", "1", "c", "5"]),
                ":5"
            );
        }
        assert_eq!(s.digest_hex(), replica.digest_hex());
        assert_eq!(
            read_args(&s, 1000, &["FCALL_RO", "PEEK", "1", "c"]),
            "\"5\""
        );
        assert_eq!(
            read_args(&s, 1000, &["FCALL_RO", "bump", "1", "c", "1"]),
            "!ERR Can not execute a script with write flag using *_ro command."
        );
        // A no-writes function may not write, even through FCALL.
        let sneaky = "#!lua name=sneaky\n\
            redis.register_function{function_name='sneak', flags={'no-writes'},\n\
              callback=function(keys) return redis.call('SET', keys[1], 'x') end}";
        run_args(&mut s, 1000, &["FUNCTION", "LOAD", sneaky]);
        assert_eq!(
            run_args(&mut s, 1000, &["FCALL", "sneak", "1", "c"]),
            "!ERR Write commands are not allowed from read-only scripts."
        );
        // The libraries travel in snapshots.
        let mut restored = KvState::new();
        restored.restore(&s.snapshot()).unwrap();
        assert_eq!(restored.snapshot(), s.snapshot());
        assert_eq!(
            run_args(&mut restored, 1000, &["FCALL", "bump", "1", "c", "2"]),
            ":7"
        );
        assert_eq!(
            read_args(&restored, 1000, &["FUNCTION", "STATS"]),
            r#"{"running_script" nil "engines" {"LUA" {"libraries_count" :2 "functions_count" :3}}}"#
        );
        // Another library may not take a function's name, in any case.
        let clash = "#!lua name=other\nredis.register_function('BUMP', function() return 1 end)";
        assert_eq!(
            run_args(&mut s, 1000, &["FUNCTION", "LOAD", clash]),
            "!ERR Function BUMP already exists"
        );
        assert_eq!(
            run_args(&mut s, 1000, &["FUNCTION", "DELETE", "counters"]),
            "OK"
        );
        assert_eq!(
            run_args(&mut s, 1000, &["FCALL", "bump", "1", "c", "1"]),
            "!ERR Function not found"
        );
        assert_eq!(
            run_args(&mut s, 1000, &["FUNCTION", "LOAD", clash]),
            "\"other\""
        );
        assert_eq!(run_args(&mut s, 1000, &["FUNCTION", "FLUSH"]), "OK");
        assert_eq!(read_args(&s, 1000, &["FUNCTION", "LIST"]), "[]");
    }

    #[test]
    fn scripts_refuse_what_they_may_not_run() {
        let mut s = KvState::new();
        run(&mut s, 1000, &["set k v"]);
        for (script, want) in [
            (
                "return redis.call('EVAL', 'return 1', 0)",
                "not allowed from script",
            ),
            (
                "return redis.call('SCRIPT', 'FLUSH')",
                "not allowed from script",
            ),
            (
                "return redis.call('__PURGE', 'k')",
                "Unknown Redis command called from script",
            ),
            (
                "return redis.call('NOSUCH')",
                "Unknown Redis command called from script",
            ),
            (
                "return redis.call('GET')",
                "Wrong number of args calling Redis command",
            ),
            ("return redis.call('MULTI')", "not allowed from script"),
            ("return redis.call('LPUSH', 'k', 'x')", "WRONGTYPE"),
        ] {
            let got = run_args(&mut s, 1000, &["EVAL", script, "0"]);
            assert!(
                got.starts_with('!') && got.contains(want),
                "{script}: {got}"
            );
        }
        for (args, want) in [
            (&["EVAL", "return 1", "-1"][..], "can't be negative"),
            (
                &["EVAL", "return 1", "2", "k"][..],
                "greater than number of args",
            ),
            (&["EVAL", "return 1", "x"][..], "not an integer"),
            (&["SCRIPT", "KILL"][..], "NOTBUSY"),
            (&["SCRIPT", "NOPE"][..], "unknown subcommand 'NOPE'"),
            (
                &["SCRIPT", "LOAD", "return +"][..],
                "Error compiling script",
            ),
            (
                &["SCRIPT", "FLUSH", "SYNC", "ASYNC"][..],
                "only support SYNC|ASYNC",
            ),
        ] {
            let got = run_args(&mut s, 1000, args);
            assert!(got.contains(want), "{args:?}: {got}");
        }
        // A script that does not compile is not cached.
        run_args(&mut s, 1000, &["EVAL", "return +", "0"]);
        let sha = script::sha1_hex(b"return +");
        assert_eq!(run_args(&mut s, 1000, &["SCRIPT", "EXISTS", &sha]), "[:0]");
        assert_eq!(
            run_args(
                &mut s,
                1000,
                &[
                    "EVAL",
                    "return {redis.call('PING'), redis.call('ECHO', 'e')}",
                    "0"
                ]
            ),
            "[PONG \"e\"]"
        );
        // Read-only scripts read, and refuse writes.
        assert_eq!(
            read_args(
                &s,
                1000,
                &["EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "k"]
            ),
            "\"v\""
        );
        let got = read_args(&s, 1000, &["EVAL_RO", "return redis.call('DEL', 'k')", "0"]);
        assert!(got.contains("not allowed from read-only scripts"), "{got}");
        assert_eq!(run(&mut s, 1000, &["get k"]), ["\"v\""]);
    }

    #[test]
    fn enrolled_nodes_are_kept_apart_from_the_keyspace() {
        let mut s = KvState::new();
        assert_eq!(s.apply(&enroll_batch(vec![2, 1], 5)), reply::ok());
        // Enrolling is not a modification: the keyspace can still take its hash key.
        assert!(s.needs_hash_key());
        s.apply(&hash_key_batch([4, 4], 6));
        run(&mut s, 7, &["set a 1"]);
        let counter = s.version_counter;
        s.apply(&enroll_batch(vec![3, 2], 8));
        assert_eq!(s.version_counter, counter);
        assert_eq!(s.len(), 1);
        assert!([1, 2, 3].iter().all(|&id| s.is_enrolled(id)));
        assert!(!s.is_enrolled(4));
        let mut restored = KvState::new();
        restored.restore(&s.snapshot()).unwrap();
        assert!([1, 2, 3].iter().all(|&id| restored.is_enrolled(id)));
        assert!(!restored.is_enrolled(4));
        assert_eq!(restored.digest_hex(), s.digest_hex());
        // A snapshot from before enrollment existed restores with nobody enrolled.
        let old = pb::KvSnapshot {
            enrolled_nodes: Vec::new(),
            ..prost_snapshot(&s)
        };
        let mut b = KvState::new();
        b.restore(&prost::Message::encode_to_vec(&old)).unwrap();
        assert!(!b.is_enrolled(1) && b.len() == 1);
    }

    #[test]
    fn the_first_cluster_id_applied_names_the_cluster_for_good() {
        let mut s = KvState::new();
        assert_eq!(s.cluster_id(), None);
        assert_eq!(s.apply(&cluster_id_batch(0xfeed, 5)), reply::ok());
        // Naming the cluster is not a modification: the keyspace can still take its hash key.
        assert!(s.needs_hash_key());
        // A second leader's id, proposed before the first was applied, changes nothing.
        s.apply(&cluster_id_batch(0xbeef, 6));
        assert_eq!(s.cluster_id(), Some(0xfeed));
        assert_eq!(s.digest_hex(), KvState::new().digest_hex());
        run(&mut s, 7, &["set a 1"]);
        let mut restored = KvState::new();
        restored.restore(&s.snapshot()).unwrap();
        assert_eq!(restored.cluster_id(), Some(0xfeed));
        assert_eq!(restored.digest_hex(), s.digest_hex());
        // A snapshot from before cluster ids existed restores without one.
        let old = pb::KvSnapshot {
            cluster_id: 0,
            ..prost_snapshot(&s)
        };
        let mut b = KvState::new();
        b.restore(&prost::Message::encode_to_vec(&old)).unwrap();
        assert_eq!((b.cluster_id(), b.len()), (None, 1));
        // A zero id would mean none: the batch never carries it.
        assert_ne!(cluster_id_batch(0, 1).cluster_id, 0);
    }

    #[test]
    fn restore_rejects_bad_deletion_buckets() {
        let mut s = KvState::new();
        s.apply(&hash_key_batch([7, 8], 1000));
        run(&mut s, 1000, &["set a 1", "del a"]);
        let good = prost_snapshot(&s);
        let short = pb::KvSnapshot {
            deleted_buckets: vec![1; 3],
            ..good.clone()
        };
        let mut above = good.clone();
        above.deleted_buckets[5] = s.deleted_version + 1;
        let mut b = KvState::new();
        for (bad, why) in [
            (short, "bytes of deletion buckets"),
            (above, "above the latest"),
        ] {
            let err = b.restore(&prost::Message::encode_to_vec(&bad)).unwrap_err();
            assert!(err.to_string().contains(why), "{err}");
            assert!(b.is_empty() && b.deleted_buckets.is_none());
        }
        b.restore(&prost::Message::encode_to_vec(&good)).unwrap();
        assert_eq!(b.snapshot(), s.snapshot());
    }

    /// `count_bits` and `find_bit` agree with a bit-by-bit count and search on every span of
    /// pseudo-random strings, including spans inside one byte and runs of 0x00 and 0xff.
    #[test]
    fn bit_counting_and_search_match_a_bit_by_bit_walk() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300 {
            let len = (next() % 12) as usize + 1;
            let value: Vec<u8> = (0..len)
                .map(|_| match next() % 4 {
                    0 => 0x00,
                    1 => 0xff,
                    _ => next() as u8,
                })
                .collect();
            let bit_at = |pos: u64| value[(pos / 8) as usize] & (0x80 >> (pos % 8)) != 0;
            let bits = len as u64 * 8;
            for first in 0..bits {
                for last in first..bits {
                    let naive = (first..=last).filter(|&p| bit_at(p)).count() as u64;
                    assert_eq!(
                        count_bits(&value, first, last),
                        naive,
                        "{value:?} {first}..={last}"
                    );
                    for bit in [false, true] {
                        let naive = (first..=last).find(|&p| bit_at(p) == bit);
                        assert_eq!(find_bit(&value, bit, first, last), naive, "{value:?} {bit}");
                    }
                }
            }
        }
    }

    #[test]
    fn bit_spans_follow_redis_offsets() {
        let range = |start, end, bits| Some(BitRange { start, end, bits });
        assert_eq!(bit_span(3, None), Some((0, 23)));
        assert_eq!(bit_span(0, None), None);
        assert_eq!(bit_span(3, range(1, Some(1), false)), Some((8, 15)));
        assert_eq!(bit_span(3, range(-1, None, false)), Some((16, 23)));
        assert_eq!(bit_span(3, range(-100, Some(100), false)), Some((0, 23)));
        assert_eq!(bit_span(3, range(2, Some(1), false)), None);
        assert_eq!(bit_span(3, range(5, Some(30), true)), Some((5, 23)));
        assert_eq!(bit_span(3, range(-9, Some(-1), true)), Some((15, 23)));
        assert_eq!(
            bit_span(3, range(i64::MIN, Some(i64::MAX), true)),
            Some((0, 23))
        );
        assert_eq!(bit_span(0, range(0, Some(0), false)), None);
    }

    /// RANDOMKEY returns only live keys, nil for an empty (or all-expired) keyspace, the same
    /// key for the same seed, and over many seeds every live key.
    #[test]
    fn random_key_picks_live_keys_by_seed() {
        let mut s = KvState::new();
        s.apply(&hash_key_batch([3, 4], 1000));
        assert_eq!(read(&s, 1000, "__randomkey 5"), "nil");
        run(&mut s, 1000, &["set gone v px 10"]);
        assert_eq!(
            read(&s, 2000, "__randomkey 5"),
            "nil",
            "only an expired key"
        );
        let cmds: Vec<String> = (0..20).map(|i| format!("set k{i} v")).collect();
        apply_all(&mut s, &cmds);
        let mut seen = std::collections::BTreeSet::new();
        let mut seed = 1u64;
        for _ in 0..2000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let key = read(&s, 2000, &format!("__randomkey {seed}"));
            assert_eq!(key, read(&s, 2000, &format!("__randomkey {seed}")));
            assert_ne!(key, "\"gone\"");
            seen.insert(key);
        }
        assert_eq!(seen.len(), 20, "{seen:?}");
        assert!(read(&s, 2000, "randomkey").starts_with("\"k"));
    }

    /// MEMORY USAGE grows with the key and the value, counts the expiry index for a key with
    /// a TTL, and is nil for a missing or expired key.
    #[test]
    fn memory_usage_estimates_a_keys_bytes() {
        let mut s = KvState::new();
        let long = "x".repeat(1000);
        run(
            &mut s,
            1000,
            &["set a 1", &format!("set b {long}"), "set t 1 px 100"],
        );
        let usage = |key: &str, now| read(&s, now, &format!("memory usage {key}"));
        assert_eq!(usage("a", 1000), ":92");
        assert_eq!(usage("b", 1000), ":1084");
        assert_eq!(usage("t", 1000), ":188");
        assert_eq!(usage("t", 1100), "nil");
        assert_eq!(usage("none", 1000), "nil");
    }

    /// OBJECT ENCODING and REFCOUNT answer what Redis would for the value as stored now;
    /// IDLETIME, which needs access times, is refused for a key that exists.
    #[test]
    fn object_describes_values_as_redis_would() {
        let mut s = KvState::new();
        let long = "x".repeat(45);
        run(
            &mut s,
            1000,
            &[
                "set i 9999",
                "set j 10000",
                "set e x",
                &format!("set r {long}"),
            ],
        );
        let object = |args: &str| read(&s, 1000, &format!("object {args}"));
        assert_eq!(object("encoding i"), "\"int\"");
        assert_eq!(object("encoding e"), "\"embstr\"");
        assert_eq!(object("encoding r"), "\"raw\"");
        assert_eq!(object("refcount i"), ":2147483647");
        assert_eq!(object("refcount j"), ":1");
        assert_eq!(object("idletime none"), "nil");
        assert_eq!(
            object("idletime i"),
            "!ERR raft-kv keeps no access times, so idle time is not tracked."
        );
        assert!(object("help").contains("ENCODING <key>"));
    }

    #[test]
    fn scan_visits_every_key_once() {
        let mut s = KvState::new();
        let cmds: Vec<String> = (0..100).map(|i| format!("set key:{i} v")).collect();
        let refs: Vec<&str> = cmds.iter().map(String::as_str).collect();
        s.apply(&batch(&refs, 1000));
        let mut seen = Vec::new();
        let mut cursor = "0".to_string();
        let mut rounds = 0;
        loop {
            let r = s.read(
                &pb::KvCommand {
                    args: args(&format!("scan {cursor} count 7")),
                },
                1000,
            );
            let Some(Kind::Array(a)) = r.kind else {
                panic!()
            };
            let Some(Kind::Bulk(c)) = &a.items[0].kind else {
                panic!()
            };
            let Some(Kind::Array(keys)) = &a.items[1].kind else {
                panic!()
            };
            assert!(keys.items.len() <= 7);
            seen.extend(keys.items.iter().map(show));
            cursor = String::from_utf8(c.to_vec()).unwrap();
            rounds += 1;
            if cursor == "0" {
                break;
            }
        }
        assert_eq!(rounds, 15);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 100);
        let r = read(&s, 1000, "scan 0 match key:1? count 1000");
        assert_eq!(r.matches("key:1").count(), 10);
        assert_eq!(read(&s, 1000, "scan 0 type hash count 1000"), "[\"0\" []]");
    }

    #[test]
    fn read_path_rejects_writes_and_bad_commands() {
        let s = KvState::new();
        assert_eq!(read(&s, 0, "set k v"), "!ERR write command sent as a read");
        assert_eq!(read(&s, 0, "getex k"), "nil");
        assert_eq!(
            read(&s, 0, "get"),
            "!ERR wrong number of arguments for 'get' command"
        );
        let mut s = s;
        let empty = pb::KvCommand {
            args: vec!["setrange".into(), "none".into(), "5".into(), Bytes::new()],
        };
        let r = s.apply(&pb::KvBatch {
            commands: vec![empty],
            ..Default::default()
        });
        assert_eq!(show(&r), "[:0]");
        assert_eq!(s.len(), 0);
        assert_eq!(
            run(&mut s, 0, &["nosuch"]),
            ["!ERR unknown command 'nosuch', with args beginning with: "]
        );
    }

    #[test]
    fn apply_never_panics_on_arbitrary_arguments() {
        let words = [
            "set",
            "get",
            "incr",
            "expire",
            "getex",
            "setrange",
            "getrange",
            "scan",
            "k",
            "-1",
            "0",
            "9223372036854775807",
            "-9223372036854775808",
            "px",
            "ex",
            "exat",
            "pxat",
            "nx",
            "xx",
            "gt",
            "lt",
            "get",
            "keepttl",
            "persist",
            "match",
            "count",
            "*",
            "[",
            "\\",
            "__purge",
            "__version",
            "rename",
            "msetnx",
            "flushall",
            "debug",
            "digest",
            "hset",
            "hsetnx",
            "hget",
            "hdel",
            "hincrby",
            "hincrbyfloat",
            "hgetall",
            "hscan",
            "hrandfield",
            "__hrandfield",
            "hexpire",
            "hpexpireat",
            "httl",
            "hpexpiretime",
            "hpersist",
            "hgetdel",
            "hgetex",
            "hsetex",
            "fnx",
            "fxx",
            "fields",
            "novalues",
            "withvalues",
            "copy",
            "append",
            "type",
            "1.5",
            "lpush",
            "rpop",
            "lrange",
            "lset",
            "lrem",
            "ltrim",
            "linsert",
            "before",
            "lpos",
            "rank",
            "lmove",
            "left",
            "right",
            "blpop",
            "brpop",
            "lmpop",
            "blmpop",
            "blmove",
            "brpoplpush",
            "zmpop",
            "bzmpop",
            "bzpopmin",
            "bzpopmax",
            "min",
            "max",
            "sadd",
            "srem",
            "spop",
            "__spop",
            "smove",
            "sinterstore",
            "sunionstore",
            "sdiffstore",
            "sintercard",
            "srandmember",
            "smembers",
            "zadd",
            "zincrby",
            "zrange",
            "byscore",
            "bylex",
            "rev",
            "limit",
            "withscores",
            "zpopmin",
            "sort",
            "sort_ro",
            "by",
            "alpha",
            "store",
            "w_*",
            "#",
            "pfadd",
            "pfcount",
            "pfmerge",
            "zunion",
            "zinter",
            "zdiff",
            "zunionstore",
            "zinterstore",
            "zdiffstore",
            "zintercard",
            "zrangestore",
            "weights",
            "aggregate",
            "sum",
            "zremrangebyscore",
            "zrandmember",
            "-inf",
            "(1",
            "[a",
        ];
        let mut s = KvState::new();
        let mut seed = 7u64;
        for _ in 0..20000 {
            let mut cmd = Vec::new();
            for _ in 0..(seed % 6 + 1) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                cmd.push(Bytes::from(words[(seed >> 33) as usize % words.len()]));
            }
            let b = pb::KvBatch {
                commands: vec![pb::KvCommand { args: cmd.clone() }],
                now_ms: (seed >> 40) as i64,
                transaction: seed.is_multiple_of(3),
                watched: vec![],
                ..pb::KvBatch::default()
            };
            s.apply(&b);
            s.read(&pb::KvCommand { args: cmd }, (seed >> 40) as i64);
        }
        let mut copy = KvState::new();
        copy.restore(&s.snapshot()).unwrap();
        assert_eq!(copy.digest(), s.digest());
    }

    /// SplitMix64: a tiny seeded generator, so every failure replays from its seed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) % n
        }
    }

    /// One SCAN call: the next cursor and the keys returned.
    fn scan_step(s: &KvState, cursor: u64, count: u64) -> (u64, Vec<String>) {
        let r = s.read(
            &pb::KvCommand {
                args: args(&format!("scan {cursor} count {count}")),
            },
            1000,
        );
        let Some(Kind::Array(a)) = r.kind else {
            panic!("bad scan reply {r:?}")
        };
        let (Some(Kind::Bulk(c)), Some(Kind::Array(keys))) = (&a.items[0].kind, &a.items[1].kind)
        else {
            panic!("bad scan reply")
        };
        let next = std::str::from_utf8(c).unwrap().parse().unwrap();
        let keys = keys
            .items
            .iter()
            .map(|k| match &k.kind {
                Some(Kind::Bulk(b)) => String::from_utf8(b.to_vec()).unwrap(),
                _ => panic!("bad key"),
            })
            .collect();
        (next, keys)
    }

    /// Applies `cmds` in one batch at time 1000.
    fn apply_all(s: &mut KvState, cmds: &[String]) {
        let refs: Vec<&str> = cmds.iter().map(String::as_str).collect();
        s.apply(&batch(&refs, 1000));
    }

    /// A snapshot encoded in steps while entries keep being applied is the snapshot of the
    /// state at its start: the keyspace saves, copy-on-write, each key changed before the
    /// encoder reaches it, whether it was overwritten, changed in place (SETBIT, SETRANGE),
    /// deleted, re-expired, created, flushed, or the table grew or shrank meanwhile.
    #[test]
    fn snapshot_encoded_while_applying_is_the_state_at_its_start() {
        const KEYS: u64 = 3000;
        for seed in 0..40 {
            let mut rng = Rng(seed);
            let mut s = KvState::new();
            let initial: Vec<String> = (0..rng.below(KEYS))
                .map(|i| match i % 5 {
                    0 => format!("set k{i} v{i} px {}", 100_000 + i),
                    _ => format!("set k{i} {}", "x".repeat((i % 40) as usize)),
                })
                .collect();
            apply_all(&mut s, &initial);
            let want = s.snapshot();
            let mut encoder = s.snapshot_encoder();
            let mut steps = 0;
            while !s.snapshot_step(&mut encoder, rng.below(300) as usize + 1) {
                steps += 1;
                assert!(steps < 100_000, "seed {seed}: the encoding does not end");
                let n = rng.below(400);
                let cmds: Vec<String> = (0..n)
                    .map(|_| {
                        let k = rng.below(KEYS * 2);
                        match rng.below(40) {
                            0..=14 => format!("set k{k} new{k}"),
                            15..=24 => format!("del k{k}"),
                            25..=28 => format!("pexpire k{k} 5000"),
                            29..=31 => format!("persist k{k}"),
                            32..=35 => format!("append k{k} tail"),
                            36 => format!("incr n{k}"),
                            37 => format!("setbit k{k} {} 1", rng.below(40)),
                            38 => format!("setrange k{k} {} ab", rng.below(40)),
                            _ if rng.below(20) == 0 => "flushall".to_string(),
                            _ => format!("get k{k}"),
                        }
                    })
                    .collect();
                apply_all(&mut s, &cmds);
                s.table.check();
            }
            assert_eq!(encoder.into_bytes(), want, "seed {seed}");
            assert!(!s.table.is_frozen(), "seed {seed}: the table stays frozen");
            // A later encoding of the changed state matches its own one-shot snapshot.
            let now = s.snapshot();
            let mut encoder = s.snapshot_encoder();
            while !s.snapshot_step(&mut encoder, 97) {}
            assert_eq!(encoder.into_bytes(), now, "seed {seed}: second encoding");
        }
    }

    /// Streams, their groups and pending entries live in snapshots (one-shot or encoded while
    /// the state changes), COPY and RENAME; their replicas digest alike; and only a stream
    /// command that changes something moves the key's WATCH version.
    #[test]
    fn streams_survive_snapshots_copies_and_keep_their_versions() {
        let mut s = KvState::new();
        let mut cmds: Vec<String> = (1..=250)
            .map(|i| format!("xadd s {i}-1 f v{i} g {}", "x".repeat(i % 30)))
            .collect();
        cmds.extend([
            "xgroup create s g 0".to_string(),
            "xgroup create s h $ entriesread 250".to_string(),
            "xreadgroup group g alice count 3 streams s >".to_string(),
            "xreadgroup group g bob count 2 streams s >".to_string(),
            "xack s g 2-1".to_string(),
            "xdel s 4-1 100-1".to_string(),
            "xtrim s maxlen ~ 120".to_string(),
            "xgroup create e g $ mkstream".to_string(),
        ]);
        apply_all(&mut s, &cmds);
        // 248 entries, of which the approximate trim removed whole nodes only.
        let len: usize = read(&s, 2000, "xlen s")[1..].parse().unwrap();
        assert!((120..248).contains(&len), "{len} entries left");
        assert_eq!(read(&s, 2000, "type e"), "stream");
        let r = restored(&s);
        for cmd in [
            "xrange s - + count 5",
            "xpending s g - + 10",
            "xinfo groups s",
            "xinfo stream s full count 3",
            "xinfo stream e",
        ] {
            assert_eq!(read(&r, 5000, cmd), read(&s, 5000, cmd), "{cmd}");
        }
        // A snapshot encoded while streams change is the state at its start.
        let want = s.snapshot();
        let mut encoder = s.snapshot_encoder();
        let mut i = 300;
        while !s.snapshot_step(&mut encoder, 1) {
            i += 1;
            apply_all(
                &mut s,
                &[format!("xadd s {i}-1 f v"), format!("xadd e {i}-1 f v")],
            );
        }
        assert_eq!(encoder.into_bytes(), want);
        assert_eq!(
            run(
                &mut s,
                6000,
                &["copy s s2", "rename e e2", "xlen s2", "xlen e2"]
            ),
            [
                ":1",
                "OK",
                &read(&s, 6000, "xlen s"),
                &read(&s, 6000, "xlen e2")
            ]
        );
        assert_eq!(
            read(&s, 6000, "xinfo groups s2"),
            read(&s, 6000, "xinfo groups s")
        );
        let version = read(&s, 6000, "__version s");
        run(
            &mut s,
            6000,
            &[
                "xadd s 1-1 f v",
                "xdel s 1-0",
                "xack s g 9-9",
                "xtrim s minid 0",
                "xgroup createconsumer s g alice",
            ],
        );
        assert_eq!(read(&s, 6000, "__version s"), version, "nothing changed");
        run(&mut s, 6000, &["xack s g 1-1"]);
        assert_ne!(read(&s, 6000, "__version s"), version, "an acknowledgement");
    }

    /// Abandoning an encoding frees what it saved, and a new one starts afresh.
    #[test]
    fn abandoned_snapshot_encoding_thaws_the_keyspace() {
        let mut s = KvState::new();
        apply_all(
            &mut s,
            &(0..500).map(|i| format!("set k{i} v")).collect::<Vec<_>>(),
        );
        let mut encoder = s.snapshot_encoder();
        assert!(!s.snapshot_step(&mut encoder, 10));
        apply_all(
            &mut s,
            &(0..500).map(|i| format!("set k{i} w")).collect::<Vec<_>>(),
        );
        s.abandon_snapshot();
        assert!(!s.table.is_frozen());
        let want = s.snapshot();
        let mut encoder = s.snapshot_encoder();
        while !s.snapshot_step(&mut encoder, 64) {}
        assert_eq!(encoder.into_bytes(), want);
    }

    /// Steps sized by bytes take few keys when values are large and many when they are
    /// small, and end in the same snapshot as one encoding in one go.
    #[test]
    fn snapshot_steps_sized_by_bytes_follow_the_size_of_values() {
        // The sizes of the steps that encode `commands`' state, 1 MiB a step.
        let steps = |commands: &[String]| -> Vec<usize> {
            let mut s = KvState::new();
            apply_all(&mut s, commands);
            let want = s.snapshot();
            let mut encoder = s.snapshot_encoder();
            assert_eq!(
                encoder.keys_for_bytes(1 << 20, 10),
                10,
                "capped by the count"
            );
            let mut steps = Vec::new();
            loop {
                let keys = encoder.keys_for_bytes(1 << 20, 16 * 1024);
                steps.push(keys);
                if s.snapshot_step(&mut encoder, keys) {
                    break;
                }
            }
            assert_eq!(encoder.into_bytes(), want);
            steps
        };
        let big = "x".repeat(64 << 10);
        let large = steps(
            &(0..200)
                .map(|i| format!("set big{i} {big}"))
                .collect::<Vec<_>>(),
        );
        assert_eq!(large[0], FIRST_STEP_KEYS);
        // 64 KiB and a few bytes a key: 15 keys a MiB.
        assert!(large[1..].iter().all(|&k| k == 15), "{large:?}");
        let small = steps(
            &(0..20_000)
                .map(|i| format!("set k{i} v"))
                .collect::<Vec<_>>(),
        );
        assert_eq!(
            small,
            [FIRST_STEP_KEYS, 16 * 1024, 16 * 1024],
            "capped by the count"
        );
    }

    #[test]
    fn scan_returns_every_key_present_throughout_despite_growth_and_shrink() {
        const TRANSIENT_KEYS: u64 = 4000;
        let (mut grew, mut shrank) = (0, 0);
        for seed in 0..20 {
            let mut rng = Rng(seed);
            let mut s = KvState::new();
            let stable: Vec<String> = (0..rng.below(300) + 1).map(|i| format!("s{i}")).collect();
            let initial: Vec<String> = (0..rng.below(TRANSIENT_KEYS))
                .map(|i| format!("set t{i} v"))
                .chain(stable.iter().map(|k| format!("set {k} v")))
                .collect();
            apply_all(&mut s, &initial);
            let mut seen = std::collections::HashSet::new();
            let mut cursor = 0;
            let mut calls = 0;
            loop {
                let (next, keys) = scan_step(&s, cursor, rng.below(20) + 1);
                seen.extend(keys);
                calls += 1;
                assert!(calls < 10_000, "seed {seed}: the scan does not end");
                if next == 0 {
                    break;
                }
                assert!(next > cursor, "seed {seed}: the cursor went back");
                cursor = next;
                // Between calls, grow the table (up to 8x), shrink it (dropping every transient
                // key), or churn it; stable keys stay throughout.
                let cmds: Vec<String> = match rng.below(8) {
                    0..=2 => (0..rng.below(2000))
                        .map(|_| format!("set t{} v", rng.below(TRANSIENT_KEYS)))
                        .collect(),
                    3 => (0..TRANSIENT_KEYS).map(|i| format!("del t{i}")).collect(),
                    4 | 5 => (0..rng.below(200))
                        .map(|_| format!("del t{}", rng.below(TRANSIENT_KEYS)))
                        .collect(),
                    _ => (0..rng.below(50))
                        .map(|_| format!("set s{} w", rng.below(stable.len() as u64)))
                        .collect(),
                };
                let buckets = s.table.buckets();
                apply_all(&mut s, &cmds);
                s.table.check();
                grew += usize::from(s.table.buckets() > buckets);
                shrank += usize::from(s.table.buckets() < buckets);
            }
            for k in &stable {
                assert!(seen.contains(k), "seed {seed}: scan missed {k}");
            }
        }
        assert!(
            grew >= 20 && shrank >= 20,
            "resized mid-scan: grew {grew}, shrank {shrank}"
        );
    }

    #[test]
    fn order_and_digest_depend_only_on_content() {
        let mut a = KvState::new();
        let mut b = KvState::new();
        let sets: Vec<String> = (0..2000).map(|i| format!("set k{i} v{i}")).collect();
        let dels: Vec<String> = (0..2000).step_by(3).map(|i| format!("del k{i}")).collect();
        apply_all(&mut a, &sets);
        apply_all(&mut a, &dels);
        // `b` reaches the same content by another route: reversed inserts, no deletes.
        let kept: Vec<String> = (0..2000)
            .rev()
            .filter(|i| i % 3 != 0)
            .map(|i| format!("set k{i} v{i}"))
            .collect();
        apply_all(&mut b, &kept);
        assert_eq!(read(&a, 1000, "keys *"), read(&b, 1000, "keys *"));
        assert_eq!(
            read(&a, 1000, "scan 0 count 10"),
            read(&b, 1000, "scan 0 count 10")
        );
        assert_eq!(a.digest_hex(), b.digest_hex());
        assert_eq!(a.len(), b.len());
    }

    /// The snapshot the old code built: a whole `pb::KvSnapshot` encoded by prost.
    fn prost_snapshot(s: &KvState) -> pb::KvSnapshot {
        pb::KvSnapshot {
            entries: s
                .table
                .iter()
                .map(|e| pb::KvSnapshotEntry {
                    key: Bytes::copy_from_slice(e.key()),
                    value: Bytes::copy_from_slice(e.value()),
                    expire_at_ms: e.expire_at_ms().unwrap_or(0),
                    version: e.version(),
                    value_type: value_type_code(e.value_type()) as u32,
                })
                .collect(),
            now_ms: s.now_ms,
            version_counter: s.version_counter,
            deleted_version: s.deleted_version,
            hash_key0: s.hash_key().map_or(0, |k| k[0]),
            hash_key1: s.hash_key().map_or(0, |k| k[1]),
            deleted_buckets: s.deleted_buckets.as_deref().unwrap_or_default().to_vec(),
            enrolled_nodes: s.enrolled.iter().copied().collect(),
            scripts: s.scripts.values().cloned().collect(),
            libraries: s.libraries.codes(),
            cluster_id: s.cluster_id.unwrap_or(0),
            field_ttls: s
                .field_ttls
                .iter()
                .map(|(key, ttls)| pb::HashFieldTtls {
                    key: key.clone(),
                    ttls: Bytes::from(ttls.encode()),
                })
                .collect(),
        }
    }

    #[test]
    fn snapshot_bytes_are_the_prost_encoding_at_scale() {
        use prost::Message;
        let mut a = KvState::new();
        // Half the key zero: proto3 leaves that half out, as prost does.
        a.apply(&hash_key_batch([0, 9], 1));
        a.apply(&cluster_id_batch(u64::MAX, 1));
        let cmds: Vec<String> = (0..5000)
            .map(|i| match i % 5 {
                0 => format!("set key:{i} {}", "x".repeat(i % 300)),
                1 => format!("set key:{i} v px {}", i * 1000),
                2 => format!("del key:{}", i - 2),
                3 if i % 2 == 0 => format!("hset key:{i} f {i} g {}", "y".repeat(i % 200)),
                3 => format!("rpush key:{i} {i} {}", "y".repeat(i % 200)),
                // Field TTLs on some hashes (keys `i % 5 == 3`, even).
                4 if i % 20 == 4 => format!("hpexpire key:{} {} fields 2 f g", i - 1, i * 50),
                _ => format!("set key:{i} -"),
            })
            .collect();
        apply_all(&mut a, &cmds);
        run(
            &mut a,
            -7,
            &["set neg v pxat 9223372036854775807", "setrange e 0 \"\""],
        );
        // Ids of one and of several varint bytes.
        a.apply(&enroll_batch(vec![1, 300, u64::MAX], 2));
        let snap = a.snapshot();
        assert_eq!(snap, Bytes::from(prost_snapshot(&a).encode_to_vec()));
        // Encoding in small steps gives the same bytes.
        for step in [1, 7, 1000] {
            let mut encoder = a.snapshot_encoder();
            let mut steps = 0;
            while !a.snapshot_step(&mut encoder, step) {
                steps += 1;
            }
            assert!(steps + 1 >= a.len() / step);
            assert_eq!(encoder.into_bytes(), snap, "steps of {step}");
        }
        let decoded = pb::KvSnapshot::decode(snap.clone()).unwrap();
        assert_eq!(decoded.entries.len(), a.len());

        let mut b = KvState::new();
        b.restore(&snap).unwrap();
        assert_eq!(b.snapshot(), snap);
        assert_eq!(b.digest_hex(), a.digest_hex());
        assert_eq!(
            b.expired_keys(i64::MAX, usize::MAX),
            a.expired_keys(i64::MAX, usize::MAX)
        );
        assert_eq!(read(&b, 1000, "keys *"), read(&a, 1000, "keys *"));
        b.table.check();

        // Fields in another order, and unknown fields, decode as prost would.
        let mut reordered = Vec::new();
        let header = pb::KvSnapshot {
            entries: vec![],
            ..prost_snapshot(&a)
        };
        header.encode(&mut reordered).unwrap();
        encoding::encode_key(99, WireType::Varint, &mut reordered);
        encoding::encode_varint(5, &mut reordered);
        reordered.extend_from_slice(&snap);
        let mut c = KvState::new();
        c.restore(&reordered).unwrap();
        assert_eq!(c.snapshot(), snap);
    }

    /// The keyspace takes the hash key of the first batch that carries one, if nothing was
    /// ever modified before; a snapshot carries the key, and replicas with one key agree.
    #[test]
    fn a_never_modified_state_takes_the_first_hash_key() {
        let mut s = KvState::new();
        assert!(s.needs_hash_key());
        assert_eq!(show(&s.apply(&hash_key_batch([1, 2], 5))), "OK");
        assert_eq!(s.hash_key(), Some([1, 2]));
        assert!(!s.needs_hash_key());
        s.apply(&hash_key_batch([3, 4], 6));
        assert_eq!(s.hash_key(), Some([1, 2]), "a second key is ignored");

        let mut written = KvState::new();
        run(&mut written, 5, &["set a 1", "del a"]);
        assert!(written.is_empty() && !written.needs_hash_key());
        written.apply(&hash_key_batch([1, 2], 6));
        assert_eq!(written.hash_key(), None, "a modified state stays unkeyed");

        // Same key, same commands: same order. Another key: another order.
        let keyed = |key: [u64; 2]| {
            let mut s = KvState::new();
            s.apply(&hash_key_batch(key, 5));
            let cmds: Vec<String> = (0..200).map(|i| format!("set k{i} {i}")).collect();
            apply_all(&mut s, &cmds);
            s
        };
        let (a, b, c) = (keyed([1, 2]), keyed([1, 2]), keyed([3, 4]));
        assert_eq!(read(&a, 1000, "keys *"), read(&b, 1000, "keys *"));
        assert_eq!(a.digest_hex(), b.digest_hex());
        assert_ne!(read(&a, 1000, "keys *"), read(&c, 1000, "keys *"));
        assert_ne!(
            read(&a, 1000, "scan 0 count 1"),
            read(&c, 1000, "scan 0 count 1")
        );
        let mut restored = KvState::new();
        restored.restore(&a.snapshot()).unwrap();
        assert_eq!(restored.hash_key(), Some([1, 2]));
        assert_eq!(
            read(&restored, 1000, "scan 0 count 5"),
            read(&a, 1000, "scan 0 count 5")
        );
        restored.table.check();
    }

    /// A key that arrives while a snapshot of the never-modified state is being encoded
    /// keys the table at once; the snapshot is of the state before it, unkeyed and empty.
    #[test]
    fn a_hash_key_applied_during_a_snapshot_is_not_in_it() {
        let mut s = KvState::new();
        let mut encoder = s.snapshot_encoder();
        s.apply(&hash_key_batch([1, 2], 5));
        run(&mut s, 5, &["set a 1"]);
        while !s.snapshot_step(&mut encoder, 1) {}
        let mut restored = KvState::new();
        restored.restore(&encoder.into_bytes()).unwrap();
        assert!(restored.is_empty());
        assert_eq!(restored.hash_key(), None);
        assert!(restored.needs_hash_key());
        assert_eq!(s.hash_key(), Some([1, 2]));
        s.table.check();
    }

    #[test]
    fn restore_rejects_bad_snapshots_and_keeps_the_state() {
        use prost::Message;
        let mut a = KvState::new();
        run(&mut a, 1000, &["set a 1", "set b 2"]);
        let good = prost_snapshot(&a);
        let mut dup = good.clone();
        dup.entries.push(dup.entries[0].clone());
        let mut high = good.clone();
        high.entries[0].version = good.version_counter + 1;
        let mut never = good.clone();
        never.entries[1].expire_at_ms = i64::MIN;
        let full = good.encode_to_vec();
        let bad: [(&str, Vec<u8>); 5] = [
            ("expiry out of range", never.encode_to_vec()),
            ("duplicate key", dup.encode_to_vec()),
            ("version above the counter", high.encode_to_vec()),
            ("truncated", full[..full.len() - 3].to_vec()),
            ("garbage", vec![0xff, 0xff, 0xff]),
        ];
        let before = a.digest_hex();
        for (what, data) in bad {
            assert!(a.restore(&data).is_err(), "{what} was accepted");
            assert_eq!(a.digest_hex(), before, "{what} changed the state");
        }
        let mut empty = KvState::new();
        empty.restore(&[]).unwrap();
        assert!(empty.is_empty());
    }
}
