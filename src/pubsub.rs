//! Publish/subscribe: who on this node listens to what, and delivery of published messages.
//!
//! PUBLISH and SPUBLISH are writes: they go through the log like SET, so every node applies
//! every message in the same order, and each node hands it to its own subscribers when it
//! applies it ([`PubSub::publish`], called by the driver). A client may therefore subscribe on
//! any node and publish on any other, as in Redis Cluster; what one subscriber sees arrives in
//! log order, which is the same order on every node.
//!
//! Delivery is at most once, as in Redis: a subscriber that disconnects, or a node that is
//! down, misses what is published meanwhile, and a subscriber that does not read its messages
//! is disconnected once [`OUTPUT_LIMIT_BYTES`] of them wait for it (Redis's default
//! `client-output-buffer-limit pubsub 32mb`).
//!
//! Every session registers a mailbox when its connection opens ([`PubSub::register`]) and
//! removes it when it closes; CLIENT TRACKING's invalidations reach it the same way
//! ([`PubSub::deliver`], see `crate::tracking`). The registry is one mutex, held only to look
//! up or update names, never across an await.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::kv::glob;

/// Bytes of undelivered messages a subscriber may have waiting before it is disconnected.
pub const OUTPUT_LIMIT_BYTES: usize = 32 * 1024 * 1024;

/// Approximate bytes a message costs beyond its channel, pattern and payload.
const MESSAGE_OVERHEAD_BYTES: usize = 64;

/// What a subscription is to: a channel (SUBSCRIBE), a pattern (PSUBSCRIBE) or a shard
/// channel (SSUBSCRIBE). Shard channels are a namespace of their own, as in Redis 7.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SUBSCRIBE.
    Channel,
    /// PSUBSCRIBE.
    Pattern,
    /// SSUBSCRIBE.
    Shard,
}

impl Kind {
    fn index(self) -> usize {
        match self {
            Kind::Channel => 0,
            Kind::Pattern => 1,
            Kind::Shard => 2,
        }
    }
}

/// One message on its way to one subscriber.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Published on a channel the subscriber subscribed to.
    Channel {
        /// The channel.
        channel: Bytes,
        /// What was published.
        payload: Bytes,
    },
    /// Published on a channel that matches a pattern the subscriber subscribed to.
    Pattern {
        /// The pattern that matched.
        pattern: Bytes,
        /// The channel.
        channel: Bytes,
        /// What was published.
        payload: Bytes,
    },
    /// Published with SPUBLISH on a shard channel the subscriber subscribed to.
    Shard {
        /// The shard channel.
        channel: Bytes,
        /// What was published.
        payload: Bytes,
    },
    /// CLIENT TRACKING: keys this node changed that the client may hold in its cache, or
    /// (`None`) every key, after a flush (see `crate::tracking`).
    Invalidate {
        /// The keys; `None` for all of them.
        keys: Option<Vec<Bytes>>,
        /// Sent on behalf of another client that redirects its messages here (REDIRECT):
        /// a RESP2 connection receives it as a message on `__redis__:invalidate`.
        redirected: bool,
    },
    /// CLIENT TRACKING: the client this connection redirects its messages to is gone.
    RedirectBroken(u64),
}

impl Message {
    /// The bytes this message holds while it waits, for the output limit.
    fn size(&self) -> usize {
        MESSAGE_OVERHEAD_BYTES
            + match self {
                Message::Invalidate { keys, .. } => keys
                    .iter()
                    .flatten()
                    .map(|k| k.len() + MESSAGE_OVERHEAD_BYTES / 4)
                    .sum(),
                Message::RedirectBroken(_) => 0,
                Message::Channel { channel, payload } | Message::Shard { channel, payload } => {
                    channel.len() + payload.len()
                }
                Message::Pattern {
                    pattern,
                    channel,
                    payload,
                } => pattern.len() + channel.len() + payload.len(),
            }
    }
}

/// A session's end of its mailbox: the messages published to it, in order.
pub struct Inbox {
    rx: mpsc::UnboundedReceiver<Message>,
    queued: Arc<AtomicUsize>,
}

impl Inbox {
    /// The next message; pending until one arrives.
    pub async fn recv(&mut self) -> Option<Message> {
        let message = self.rx.recv().await?;
        self.taken(&message);
        Some(message)
    }

    /// The next message if one is waiting.
    pub fn try_recv(&mut self) -> Option<Message> {
        let message = self.rx.try_recv().ok()?;
        self.taken(&message);
        Some(message)
    }

    fn taken(&self, message: &Message) {
        self.queued.fetch_sub(message.size(), Ordering::Relaxed);
    }
}

/// The registry's end of a session's mailbox.
struct Mailbox {
    tx: mpsc::UnboundedSender<Message>,
    queued: Arc<AtomicUsize>,
    /// Closes the session's connection (its CLIENT KILL token).
    kill: CancellationToken,
}

impl Mailbox {
    /// Queues `message`, or disconnects a subscriber that fell [`OUTPUT_LIMIT_BYTES`] behind.
    fn deliver(&self, id: u64, message: Message) {
        let size = message.size();
        let queued = self.queued.fetch_add(size, Ordering::Relaxed) + size;
        if queued > OUTPUT_LIMIT_BYTES {
            self.queued.fetch_sub(size, Ordering::Relaxed);
            if !self.kill.is_cancelled() {
                info!(
                    client = id,
                    queued, "closing a subscriber that overcame the pub/sub output limit"
                );
                self.kill.cancel();
            }
            return;
        }
        if self.tx.send(message).is_err() {
            self.queued.fetch_sub(size, Ordering::Relaxed);
        }
    }
}

/// Subscriptions by kind and name, and the mailboxes they lead to.
#[derive(Default)]
struct Registry {
    /// Per [`Kind`]: name → subscribed client ids.
    names: [HashMap<Bytes, BTreeSet<u64>>; 3],
    /// Client id → mailbox.
    mailboxes: HashMap<u64, Mailbox>,
}

/// This node's subscriptions; shared by the driver (which publishes) and the RESP server.
#[derive(Default)]
pub struct PubSub {
    registry: Mutex<Registry>,
    /// The keyspace notifications this node publishes (`notify-keyspace-events`, see
    /// `kv::notify`); the driver hands them to the state before each batch and read.
    keyspace_events: AtomicU32,
}

impl std::fmt::Debug for PubSub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PubSub").finish_non_exhaustive()
    }
}

impl PubSub {
    /// An empty registry.
    pub fn new() -> Arc<PubSub> {
        Arc::new(PubSub::default())
    }

    /// The classes of keyspace notifications this node publishes (see `kv::notify`).
    pub fn keyspace_events(&self) -> u32 {
        self.keyspace_events.load(Ordering::Relaxed)
    }

    /// Sets the classes of keyspace notifications this node publishes, from the next write
    /// or read the driver runs.
    pub fn set_keyspace_events(&self, flags: u32) {
        self.keyspace_events.store(flags, Ordering::Relaxed);
    }

    fn registry(&self) -> MutexGuard<'_, Registry> {
        // The registry holds no invariant a panicking holder could break halfway.
        self.registry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Creates the mailbox of client `id`; `kill` closes its connection when it falls too far
    /// behind. A second call replaces the first mailbox.
    pub fn register(&self, id: u64, kill: CancellationToken) -> Inbox {
        let (tx, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        let mailbox = Mailbox {
            tx,
            queued: queued.clone(),
            kill,
        };
        self.registry().mailboxes.insert(id, mailbox);
        Inbox { rx, queued }
    }

    /// Queues `message` for client `id`; false when this node has no such client.
    pub fn deliver(&self, id: u64, message: Message) -> bool {
        match self.registry().mailboxes.get(&id) {
            Some(mailbox) => {
                mailbox.deliver(id, message);
                true
            }
            None => false,
        }
    }

    /// Subscribes client `id` to `name`; false when it already was.
    pub fn subscribe(&self, id: u64, kind: Kind, name: &Bytes) -> bool {
        self.registry().names[kind.index()]
            .entry(name.clone())
            .or_default()
            .insert(id)
    }

    /// Unsubscribes client `id` from `name`; false when it was not subscribed.
    pub fn unsubscribe(&self, id: u64, kind: Kind, name: &[u8]) -> bool {
        let mut registry = self.registry();
        let names = &mut registry.names[kind.index()];
        let Some(ids) = names.get_mut(name) else {
            return false;
        };
        let removed = ids.remove(&id);
        if ids.is_empty() {
            names.remove(name);
        }
        removed
    }

    /// Forgets client `id`: its mailbox and every subscription in `names`.
    pub fn remove(&self, id: u64, names: &[(Kind, Bytes)]) {
        let mut registry = self.registry();
        registry.mailboxes.remove(&id);
        for (kind, name) in names {
            let names = &mut registry.names[kind.index()];
            if let Some(ids) = names.get_mut(name) {
                ids.remove(&id);
                if ids.is_empty() {
                    names.remove(name);
                }
            }
        }
    }

    /// Hands a published message to this node's subscribers; returns how many deliveries
    /// were made (a client counts once for its channel and once per matching pattern).
    pub fn publish(&self, shard: bool, channel: &Bytes, payload: &Bytes) -> usize {
        let registry = self.registry();
        let mut delivered = 0;
        let mut deliver = |id: u64, message: Message| {
            if let Some(mailbox) = registry.mailboxes.get(&id) {
                mailbox.deliver(id, message);
                delivered += 1;
            }
        };
        if shard {
            for &id in registry.names[Kind::Shard.index()]
                .get(channel)
                .into_iter()
                .flatten()
            {
                let (channel, payload) = (channel.clone(), payload.clone());
                deliver(id, Message::Shard { channel, payload });
            }
            return delivered;
        }
        for &id in registry.names[Kind::Channel.index()]
            .get(channel)
            .into_iter()
            .flatten()
        {
            let (channel, payload) = (channel.clone(), payload.clone());
            deliver(id, Message::Channel { channel, payload });
        }
        for (pattern, ids) in &registry.names[Kind::Pattern.index()] {
            if !glob::matches(pattern, channel) {
                continue;
            }
            for &id in ids {
                let message = Message::Pattern {
                    pattern: pattern.clone(),
                    channel: channel.clone(),
                    payload: payload.clone(),
                };
                deliver(id, message);
            }
        }
        delivered
    }

    /// How many deliveries [`PubSub::publish`] would make now: PUBLISH's reply.
    pub fn receivers(&self, shard: bool, channel: &[u8]) -> usize {
        let registry = self.registry();
        let count = |kind: Kind, name: &[u8]| {
            registry.names[kind.index()]
                .get(name)
                .map_or(0, BTreeSet::len)
        };
        if shard {
            return count(Kind::Shard, channel);
        }
        let patterns: usize = registry.names[Kind::Pattern.index()]
            .iter()
            .filter(|(pattern, _)| glob::matches(pattern, channel))
            .map(|(_, ids)| ids.len())
            .sum();
        count(Kind::Channel, channel) + patterns
    }

    /// Names with at least one subscriber (PUBSUB CHANNELS, SHARDCHANNELS), sorted, filtered
    /// by a glob pattern when one is given.
    pub fn names(&self, kind: Kind, pattern: Option<&[u8]>) -> Vec<Bytes> {
        let registry = self.registry();
        let mut names: Vec<Bytes> = registry.names[kind.index()]
            .keys()
            .filter(|name| pattern.is_none_or(|p| glob::matches(p, name)))
            .cloned()
            .collect();
        names.sort();
        names
    }

    /// How many clients subscribe to `name` (PUBSUB NUMSUB, SHARDNUMSUB).
    pub fn subscribers(&self, kind: Kind, name: &[u8]) -> usize {
        self.registry().names[kind.index()]
            .get(name)
            .map_or(0, BTreeSet::len)
    }

    /// How many distinct names of `kind` have a subscriber (PUBSUB NUMPAT for patterns).
    pub fn count(&self, kind: Kind) -> usize {
        self.registry().names[kind.index()].len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn messages_reach_channel_pattern_and_shard_subscribers() {
        let hub = PubSub::new();
        let mut one = hub.register(1, CancellationToken::new());
        let mut two = hub.register(2, CancellationToken::new());
        assert!(hub.subscribe(1, Kind::Channel, &b("news")));
        assert!(!hub.subscribe(1, Kind::Channel, &b("news")));
        assert!(hub.subscribe(1, Kind::Pattern, &b("n*")));
        assert!(hub.subscribe(2, Kind::Shard, &b("news")));

        assert_eq!(hub.receivers(false, b"news"), 2);
        assert_eq!(hub.publish(false, &b("news"), &b("hi")), 2);
        assert_eq!(
            one.try_recv(),
            Some(Message::Channel {
                channel: b("news"),
                payload: b("hi")
            })
        );
        assert_eq!(
            one.try_recv(),
            Some(Message::Pattern {
                pattern: b("n*"),
                channel: b("news"),
                payload: b("hi")
            })
        );
        assert_eq!(one.try_recv(), None);
        // Shard channels are a namespace of their own.
        assert_eq!(two.try_recv(), None);
        assert_eq!(hub.publish(true, &b("news"), &b("s")), 1);
        assert_eq!(
            two.try_recv(),
            Some(Message::Shard {
                channel: b("news"),
                payload: b("s")
            })
        );
        assert_eq!(hub.names(Kind::Channel, None), vec![b("news")]);
        assert_eq!(hub.names(Kind::Channel, Some(b"x*")), Vec::<Bytes>::new());
        assert_eq!(hub.count(Kind::Pattern), 1);
    }

    #[test]
    fn removing_a_client_forgets_its_subscriptions() {
        let hub = PubSub::new();
        let _inbox = hub.register(7, CancellationToken::new());
        hub.subscribe(7, Kind::Channel, &b("a"));
        hub.subscribe(7, Kind::Pattern, &b("*"));
        hub.remove(7, &[(Kind::Channel, b("a")), (Kind::Pattern, b("*"))]);
        assert_eq!(hub.receivers(false, b"a"), 0);
        assert_eq!(hub.publish(false, &b("a"), &b("x")), 0);
        assert!(hub.names(Kind::Channel, None).is_empty());
        assert!(!hub.unsubscribe(7, Kind::Channel, b"a"));
    }

    #[test]
    fn a_subscriber_that_falls_too_far_behind_is_disconnected() {
        let hub = PubSub::new();
        let kill = CancellationToken::new();
        let mut inbox = hub.register(3, kill.clone());
        hub.subscribe(3, Kind::Channel, &b("big"));
        let payload = Bytes::from(vec![b'x'; 1024 * 1024]);
        for _ in 0..31 {
            hub.publish(false, &b("big"), &payload);
        }
        assert!(!kill.is_cancelled());
        // Reading makes room again.
        assert!(inbox.try_recv().is_some());
        hub.publish(false, &b("big"), &payload);
        assert!(!kill.is_cancelled());
        hub.publish(false, &b("big"), &payload);
        assert!(kill.is_cancelled(), "32 MiB waiting closes the connection");
        let mut waiting = 0;
        while inbox.try_recv().is_some() {
            waiting += 1;
        }
        assert_eq!(waiting, 31, "the message over the limit is dropped");
    }
}
