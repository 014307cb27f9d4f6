//! Client-side caching (CLIENT TRACKING): which of this node's clients may hold which keys in
//! a local cache, and the invalidation messages that tell them a key changed.
//!
//! Tracking is per node, as in Redis it is per server: a client is told of the changes its own
//! node applies. Every node applies every write, so a client connected to a follower hears of
//! a write made through the leader once its follower applies it, usually a few hundred
//! microseconds after the write was acknowledged (a Redis replica's tracking clients wait for
//! replication the same way).
//!
//! The driver feeds the table. It remembers the keys of a tracking client's read in the turn
//! that serves the read (after that turn's entries were applied and their changes told), and
//! it passes on the keys later batches change once their turn applied them: a read is
//! remembered before any change it did not see is told, so no change can slip between a read
//! and the memory of it. In the
//! default mode a key is remembered for a client until it changes once (the client is then
//! told and must read it again to be told again); in broadcast mode (BCAST) a client hears
//! of every changed key that starts with one of its prefixes, and nothing is remembered.
//!
//! Messages go through the client's mailbox in `crate::pubsub`, in the order the node applied
//! the changes; the session writes them after the reply it is writing, never before one, so
//! that a client never caches a value older than an invalidation it has already read.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;

use crate::pubsub::{Message, PubSub};

/// `tracking-table-max-keys`'s default. Redis's default is 0 (no limit); a node here bounds
/// the memory its clients' caches cost it, about 100 bytes per remembered key and client.
pub const DEFAULT_MAX_KEYS: usize = 1_000_000;

/// Keys forgotten (their clients told, as if they changed) at most per read over the limit,
/// so that lowering the limit does not stall the driver for one long turn.
const EVICTIONS_PER_CALL: usize = 1024;

/// How a client tracks keys: what CLIENT TRACKING ON set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mode {
    /// BCAST: told of every change to a key under one of `prefixes`; nothing remembered.
    pub bcast: bool,
    /// NOLOOP: not told of the changes the client made itself.
    pub noloop: bool,
    /// REDIRECT: the client (of this node) that receives the messages; 0 for the client
    /// itself.
    pub redirect: u64,
    /// BCAST's prefixes (an empty one matches every key).
    pub prefixes: BTreeSet<Bytes>,
}

/// One tracking client, as the table knows it.
#[derive(Debug)]
struct Client {
    mode: Mode,
    /// The redirect target disconnected: CLIENT TRACKINGINFO says `broken_redirect`.
    broken_redirect: bool,
}

#[derive(Debug, Default)]
struct Table {
    /// Default mode: key → ids of the clients that read it since it last changed. Ids of
    /// clients that stopped tracking are dropped lazily, when the key changes.
    keys: HashMap<Bytes, BTreeSet<u64>>,
    /// Entries in `keys`' sets (INFO's `tracking_total_items`).
    items: usize,
    /// Clients with tracking on, by id.
    clients: HashMap<u64, Client>,
    /// BCAST prefix → ids of the clients that registered it.
    prefixes: BTreeMap<Bytes, BTreeSet<u64>>,
}

/// The keys one applied batch changed, for [`Tracking::invalidate_all`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// The keys, in the order they changed (repeats allowed).
    pub keys: Vec<Bytes>,
    /// A flush emptied the keyspace: every key changed.
    pub flushed: bool,
    /// The client of this node whose command it was, if any (for NOLOOP).
    pub origin: Option<u64>,
}

/// The sizes INFO reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Clients with tracking on (`tracking_clients`).
    pub clients: usize,
    /// Keys remembered (`tracking_total_keys`).
    pub keys: usize,
    /// Key-and-client pairs remembered (`tracking_total_items`).
    pub items: usize,
    /// BCAST prefixes registered (`tracking_total_prefixes`).
    pub prefixes: usize,
}

/// This node's tracking table; shared by the driver and the RESP server.
pub struct Tracking {
    table: Mutex<Table>,
    /// Clients with tracking on, read without the lock on every apply: while it is 0 the
    /// driver notes no changed keys at all.
    active: AtomicUsize,
    /// `tracking-table-max-keys`; 0 for no limit.
    max_keys: AtomicUsize,
    /// Where messages go: each session's mailbox.
    pubsub: Arc<PubSub>,
}

impl std::fmt::Debug for Tracking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracking").finish_non_exhaustive()
    }
}

impl Tracking {
    /// An empty table delivering through `pubsub`'s mailboxes.
    pub fn new(pubsub: Arc<PubSub>) -> Arc<Tracking> {
        Arc::new(Tracking {
            table: Mutex::new(Table::default()),
            active: AtomicUsize::new(0),
            max_keys: AtomicUsize::new(DEFAULT_MAX_KEYS),
            pubsub,
        })
    }

    fn table(&self) -> MutexGuard<'_, Table> {
        // Every update leaves the table consistent before it can panic (none does).
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether any client tracks keys: whether applied changes need noting at all.
    pub fn active(&self) -> bool {
        self.active.load(Ordering::Relaxed) > 0
    }

    /// `tracking-table-max-keys`.
    pub fn max_keys(&self) -> usize {
        self.max_keys.load(Ordering::Relaxed)
    }

    /// CONFIG SET tracking-table-max-keys: the table shrinks to it as clients read.
    pub fn set_max_keys(&self, max: usize) {
        self.max_keys.store(max, Ordering::Relaxed);
    }

    /// Turns tracking on for client `id`, or changes its mode.
    pub fn enable(&self, id: u64, mode: Mode) {
        let mut table = self.table();
        let old = table.clients.remove(&id);
        if let Some(old) = &old {
            table.drop_prefixes(id, &old.mode.prefixes);
        } else {
            self.active.fetch_add(1, Ordering::Relaxed);
        }
        if mode.bcast {
            for prefix in &mode.prefixes {
                table.prefixes.entry(prefix.clone()).or_default().insert(id);
            }
        }
        let client = Client {
            mode,
            broken_redirect: false,
        };
        table.clients.insert(id, client);
    }

    /// Turns tracking off for client `id` (CLIENT TRACKING OFF, RESET, a closed connection).
    /// The keys it read are forgotten lazily.
    pub fn disable(&self, id: u64) {
        let mut table = self.table();
        if let Some(old) = table.clients.remove(&id) {
            table.drop_prefixes(id, &old.mode.prefixes);
            self.active.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Whether client `id`'s redirect target has disconnected since tracking was turned on.
    pub fn broken_redirect(&self, id: u64) -> bool {
        self.table()
            .clients
            .get(&id)
            .is_some_and(|c| c.broken_redirect)
    }

    /// Remembers that client `id` read `keys` (default mode only); past the table's limit,
    /// forgets other keys, telling their clients as if they had changed.
    pub fn remember(&self, id: u64, keys: Vec<Bytes>) {
        if keys.is_empty() {
            return;
        }
        let mut table = self.table();
        if table.clients.get(&id).is_none_or(|c| c.mode.bcast) {
            return;
        }
        for key in keys {
            if !table.keys.contains_key(&key) {
                // A copy: `key` may be a slice of a larger buffer (a client's reads, a log
                // entry) that the table would otherwise keep alive as long as it tracks it.
                table
                    .keys
                    .insert(Bytes::copy_from_slice(&key), BTreeSet::new());
            }
            if table
                .keys
                .get_mut(&key)
                .is_some_and(|clients| clients.insert(id))
            {
                table.items += 1;
            }
        }
        let max = self.max_keys();
        if max == 0 || table.keys.len() <= max {
            return;
        }
        let over = (table.keys.len() - max).min(EVICTIONS_PER_CALL);
        let evicted: Vec<Bytes> = table.keys.keys().take(over).cloned().collect();
        let mut messages = Messages::default();
        for key in evicted {
            table.forget_key(&key, None, &mut messages);
        }
        self.send(&mut table, messages);
    }

    /// Tells the tracking clients that `keys` changed, or (`flushed`) that every key did.
    /// `origin` is the client of this node whose command changed them, if any: NOLOOP
    /// clients are not told of their own changes.
    pub fn invalidate(&self, keys: Vec<Bytes>, flushed: bool, origin: Option<u64>) {
        self.invalidate_all(vec![Change {
            keys,
            flushed,
            origin,
        }]);
    }

    /// [`Tracking::invalidate`] for several batches' changes at once, in the order they were
    /// applied: each client gets one message for all of them (and one more after a flush).
    pub fn invalidate_all(&self, changes: Vec<Change>) {
        if changes.iter().all(|c| c.keys.is_empty() && !c.flushed) {
            return;
        }
        let mut table = self.table();
        let mut messages = Messages::default();
        for change in changes {
            let origin = change.origin;
            for key in &change.keys {
                table.forget_key(key, origin, &mut messages);
                for (prefix, ids) in &table.prefixes {
                    if !key.starts_with(prefix) {
                        continue;
                    }
                    for &id in ids {
                        let noloop = table.clients.get(&id).is_some_and(|c| c.mode.noloop);
                        if !(noloop && origin == Some(id)) {
                            messages.add(id, key);
                        }
                    }
                }
            }
            if change.flushed {
                // As in Redis: one message with a null instead of keys, to every tracking
                // client, and nothing remembered any longer. The null goes after the keys,
                // and covers those changed after the flush too.
                table.keys.clear();
                table.items = 0;
                messages.flushed = table.clients.keys().copied().collect();
            }
        }
        self.send(&mut table, messages);
    }

    /// The sizes INFO reports.
    pub fn totals(&self) -> Totals {
        let table = self.table();
        Totals {
            clients: table.clients.len(),
            keys: table.keys.len(),
            items: table.items,
            prefixes: table.prefixes.len(),
        }
    }

    /// Delivers `messages`: to each client's redirect target when it has one, telling the
    /// client when that target is gone.
    fn send(&self, table: &mut Table, messages: Messages) {
        let Messages { keys, flushed } = messages;
        let batches = keys
            .into_iter()
            .map(|(id, mut keys)| {
                // A key changed twice is named once (in byte order, as it happens).
                keys.sort_unstable();
                keys.dedup();
                (id, Some(keys))
            })
            .chain(flushed.into_iter().map(|id| (id, None)));
        for (id, keys) in batches {
            let Some(client) = table.clients.get_mut(&id) else {
                continue;
            };
            let redirect = client.mode.redirect;
            if redirect == 0 {
                let message = Message::Invalidate {
                    keys,
                    redirected: false,
                };
                self.pubsub.deliver(id, message);
                continue;
            }
            let message = Message::Invalidate {
                keys,
                redirected: true,
            };
            if !self.pubsub.deliver(redirect, message) {
                client.broken_redirect = true;
                self.pubsub.deliver(id, Message::RedirectBroken(redirect));
            }
        }
    }
}

impl Table {
    /// Removes client `id` from the BCAST prefixes it registered.
    fn drop_prefixes(&mut self, id: u64, prefixes: &BTreeSet<Bytes>) {
        for prefix in prefixes {
            if let Some(ids) = self.prefixes.get_mut(prefix) {
                ids.remove(&id);
                if ids.is_empty() {
                    self.prefixes.remove(prefix);
                }
            }
        }
    }

    /// Forgets `key` and queues its message for each default-mode client that read it,
    /// except a NOLOOP `origin`.
    fn forget_key(&mut self, key: &Bytes, origin: Option<u64>, messages: &mut Messages) {
        let Some(ids) = self.keys.remove(key) else {
            return;
        };
        self.items -= ids.len();
        for id in ids {
            // A client that turned tracking off, or switched to BCAST, is told nothing.
            let Some(client) = self.clients.get(&id).filter(|c| !c.mode.bcast) else {
                continue;
            };
            if client.mode.noloop && origin == Some(id) {
                continue;
            }
            messages.add(id, key);
        }
    }
}

/// The messages one call sends: changed keys per client, and the clients told of a flush.
#[derive(Default)]
struct Messages {
    keys: BTreeMap<u64, Vec<Bytes>>,
    flushed: Vec<u64>,
}

impl Messages {
    fn add(&mut self, id: u64, key: &Bytes) {
        self.keys.entry(id).or_default().push(key.clone());
    }
}

#[cfg(test)]
mod tests {
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::pubsub::Inbox;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    fn keys(list: &[&str]) -> Vec<Bytes> {
        list.iter().map(|k| b(k)).collect()
    }

    fn setup(ids: &[u64]) -> (Arc<Tracking>, Vec<Inbox>) {
        let hub = PubSub::new();
        let inboxes = ids
            .iter()
            .map(|&id| hub.register(id, CancellationToken::new()))
            .collect();
        (Tracking::new(hub), inboxes)
    }

    /// Every message waiting in `inbox`, shown as `keys` or `null` (flush), or
    /// `broken <id>`, with `>` for redirected messages.
    fn drain(inbox: &mut Inbox) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(message) = inbox.try_recv() {
            out.push(match message {
                Message::Invalidate { keys, redirected } => {
                    let shown = keys.map_or("null".to_string(), |k| {
                        let names: Vec<String> = k
                            .iter()
                            .map(|k| String::from_utf8_lossy(k).into_owned())
                            .collect();
                        names.join(",")
                    });
                    if redirected {
                        format!(">{shown}")
                    } else {
                        shown
                    }
                }
                Message::RedirectBroken(id) => format!("broken {id}"),
                other => format!("{other:?}"),
            });
        }
        out
    }

    /// Keys come as slices of a client's read buffer or of a log entry; the table keeps copies.
    #[test]
    fn remembered_keys_are_copies() {
        let (t, _inbox) = setup(&[1]);
        t.enable(1, Mode::default());
        let buffer = Bytes::from_static(b"key-a key-b");
        t.remember(1, vec![buffer.slice(0..5), buffer.slice(6..11)]);
        let table = t.table();
        assert_eq!(table.keys.len(), 2);
        for key in table.keys.keys() {
            assert!(!buffer.as_ptr_range().contains(&key.as_ptr()), "{key:?}");
        }
    }

    #[test]
    fn a_read_key_is_invalidated_once_and_then_forgotten() {
        let (t, mut inbox) = setup(&[1, 2]);
        assert!(!t.active());
        t.enable(1, Mode::default());
        assert!(t.active());
        t.remember(1, keys(&["a", "b"]));
        // Client 2 does not track: what it reads is not remembered.
        t.remember(2, keys(&["c"]));
        assert_eq!(t.totals().keys, 2);
        t.invalidate(keys(&["a", "c", "a"]), false, None);
        assert_eq!(drain(&mut inbox[0]), ["a"]);
        assert!(drain(&mut inbox[1]).is_empty());
        // Told once: a second change says nothing until the key is read again.
        t.invalidate(keys(&["a"]), false, None);
        assert!(drain(&mut inbox[0]).is_empty());
        t.remember(1, keys(&["a"]));
        t.invalidate(keys(&["a", "b"]), false, None);
        assert_eq!(drain(&mut inbox[0]), ["a,b"]);
        assert_eq!(
            t.totals(),
            Totals {
                clients: 1,
                ..Totals::default()
            }
        );
        t.disable(1);
        assert!(!t.active());
    }

    #[test]
    fn noloop_clients_are_not_told_of_their_own_changes() {
        let (t, mut inbox) = setup(&[1, 2]);
        let noloop = Mode {
            noloop: true,
            ..Mode::default()
        };
        t.enable(1, noloop.clone());
        t.enable(2, Mode::default());
        t.remember(1, keys(&["k"]));
        t.remember(2, keys(&["k"]));
        t.invalidate(keys(&["k"]), false, Some(1));
        assert!(drain(&mut inbox[0]).is_empty());
        assert_eq!(drain(&mut inbox[1]), ["k"]);
        t.remember(2, keys(&["k"]));
        // A client without NOLOOP is told of its own changes.
        t.invalidate(keys(&["k"]), false, Some(2));
        assert_eq!(drain(&mut inbox[1]), ["k"]);
    }

    #[test]
    fn broadcast_clients_hear_of_every_key_under_their_prefixes() {
        let (t, mut inbox) = setup(&[1, 2, 3]);
        let bcast = |prefixes: &[&str]| Mode {
            bcast: true,
            prefixes: prefixes.iter().map(|p| b(p)).collect(),
            ..Mode::default()
        };
        t.enable(1, bcast(&["user:", "cart:"]));
        t.enable(2, bcast(&[""]));
        t.enable(3, Mode::default());
        // A BCAST client's reads are not remembered.
        t.remember(1, keys(&["user:1"]));
        assert_eq!(t.totals().keys, 0);
        assert_eq!(t.totals().prefixes, 3);
        t.invalidate(keys(&["user:1", "other", "cart:9"]), false, None);
        assert_eq!(drain(&mut inbox[0]), ["cart:9,user:1"]);
        assert_eq!(drain(&mut inbox[1]), ["cart:9,other,user:1"]);
        assert!(drain(&mut inbox[2]).is_empty());
        // Changing the mode replaces the prefixes.
        t.enable(1, bcast(&["other"]));
        t.invalidate(keys(&["user:1", "other"]), false, None);
        assert_eq!(drain(&mut inbox[0]), ["other"]);
        t.disable(2);
        t.disable(1);
        assert_eq!(t.totals().prefixes, 0);
    }

    #[test]
    fn a_turns_changes_reach_each_client_in_one_message() {
        let (t, mut inbox) = setup(&[1, 2]);
        let bcast = Mode {
            bcast: true,
            noloop: true,
            prefixes: [b("")].into(),
            ..Mode::default()
        };
        t.enable(1, bcast);
        t.enable(2, Mode::default());
        t.remember(2, keys(&["b"]));
        let change = |list: &[&str], origin| Change {
            keys: keys(list),
            flushed: false,
            origin,
        };
        t.invalidate_all(vec![
            change(&["b", "a"], None),
            change(&["c"], Some(1)),
            change(&["a", "d"], Some(2)),
        ]);
        // NOLOOP holds per change: client 1 made "c" only.
        assert_eq!(drain(&mut inbox[0]), ["a,b,d"]);
        assert_eq!(drain(&mut inbox[1]), ["b"]);
    }

    #[test]
    fn a_flush_tells_every_tracking_client_with_a_null() {
        let (t, mut inbox) = setup(&[1, 2, 3]);
        t.enable(1, Mode::default());
        let bcast = Mode {
            bcast: true,
            prefixes: [b("")].into(),
            ..Mode::default()
        };
        t.enable(2, bcast);
        t.remember(1, keys(&["a"]));
        t.invalidate(Vec::new(), true, None);
        assert_eq!(drain(&mut inbox[0]), ["null"]);
        assert_eq!(drain(&mut inbox[1]), ["null"]);
        assert!(drain(&mut inbox[2]).is_empty());
        assert_eq!(t.totals().keys, 0);
        assert_eq!(t.totals().items, 0);
    }

    #[test]
    fn redirected_messages_go_to_the_target_until_it_is_gone() {
        let hub = PubSub::new();
        let mut own = hub.register(1, CancellationToken::new());
        let mut target = hub.register(2, CancellationToken::new());
        let t = Tracking::new(hub.clone());
        t.enable(
            1,
            Mode {
                redirect: 2,
                ..Mode::default()
            },
        );
        t.remember(1, keys(&["k"]));
        t.invalidate(keys(&["k"]), false, None);
        assert_eq!(drain(&mut target), [">k"]);
        assert!(drain(&mut own).is_empty());
        // The target disconnects: the client itself hears that the redirect is broken.
        hub.remove(2, &[]);
        drop(target);
        t.remember(1, keys(&["k"]));
        assert!(!t.broken_redirect(1));
        t.invalidate(keys(&["k"]), false, None);
        assert_eq!(drain(&mut own), ["broken 2"]);
        assert!(t.broken_redirect(1));
    }

    #[test]
    fn the_table_stays_within_its_limit_by_invalidating_keys() {
        let (t, mut inbox) = setup(&[1]);
        t.enable(1, Mode::default());
        t.set_max_keys(3);
        t.remember(1, keys(&["a", "b", "c"]));
        assert!(drain(&mut inbox[0]).is_empty());
        t.remember(1, keys(&["d", "e"]));
        assert_eq!(t.totals().keys, 3);
        assert_eq!(t.totals().items, 3);
        let told = drain(&mut inbox[0]);
        let evicted: usize = told.iter().map(|m| m.split(',').count()).sum();
        assert_eq!(evicted, 2, "{told:?}");
        t.set_max_keys(0);
        t.remember(1, keys(&["f", "g", "h"]));
        assert_eq!(t.totals().keys, 6);
    }

    #[test]
    fn keys_of_clients_that_stopped_tracking_are_dropped_when_they_change() {
        let (t, mut inbox) = setup(&[1]);
        t.enable(1, Mode::default());
        t.remember(1, keys(&["a"]));
        t.disable(1);
        assert_eq!(t.totals().items, 1);
        t.enable(1, Mode::default());
        t.invalidate(keys(&["a"]), false, None);
        // Remembered before the client turned tracking off and on again: told anyway,
        // which costs the client a read, never a stale value.
        assert_eq!(drain(&mut inbox[0]), ["a"]);
        t.remember(1, keys(&["b"]));
        t.disable(1);
        t.invalidate(keys(&["b"]), false, None);
        assert!(drain(&mut inbox[0]).is_empty());
        assert_eq!(t.totals().items, 0);
    }
}
