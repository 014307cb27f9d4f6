//! Clients blocked on keys by BLPOP, BZPOPMIN and the other blocking commands, and their
//! wake-ups.
//!
//! A blocking command is a write like any other: the state machine tries it once, popping from
//! the first non-empty key or answering null. On null the session blocks: it registers here,
//! under the keys it waits on, and tries again each time it is woken. The driver reports every
//! key that an applied entry stores a list, set or sorted set under ([`Waiters::wake`]), and
//! every key after installing a snapshot ([`Waiters::wake_all`]). So a push on any node wakes
//! clients blocked on every node, each when its own node applies it.
//!
//! A store wakes one client per key: the longest-waiting one that holds no wake-up yet, and
//! none if one already holds a wake-up it has not used (it is about to try). So a push costs
//! one try, not one per idle client. What keeps this free of lost wake-ups:
//! - A session registers *before* its first try: a push applied before that is ahead of the
//!   try in the log, which therefore sees it; a push after it wakes someone.
//! - A session marks itself trying ([`Waiters::trying`]) before each try, which hands its
//!   wake-up back: a store during the try wakes a client again (perhaps the same one).
//! - A pop that leaves elements stores the rest, which wakes the next client.
//! - A client that leaves after a pop, or with a wake-up it did not use (timeout, disconnect,
//!   CLIENT UNBLOCK), hands a wake-up to the next client on each of its keys
//!   ([`Waiters::unregister`]): it may have popped from another of its keys than the one that
//!   woke it. At most one try per pop is thus wasted, when the key is empty by then.
//!
//! The registry is one mutex, held only to look up or update names, never across an await.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use tokio::sync::Notify;

/// How CLIENT UNBLOCK ended a wait, as [`Waiter::unblocked`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unblock {
    /// Answer as if the timeout had passed.
    Timeout,
    /// Answer with an `UNBLOCKED` error.
    Error,
}

/// One blocked client's wake-up.
#[derive(Debug, Default)]
pub struct Waiter {
    /// Notified when the client is to try again; keeps one wake-up for a session that is
    /// busy when it comes.
    notify: Notify,
    /// 0 while waiting, 1 or 2 once CLIENT UNBLOCK asked for a timeout or an error reply.
    unblock: AtomicU8,
}

impl Waiter {
    /// Waits for the next wake-up (or takes the one kept since the last).
    pub async fn woken(&self) {
        self.notify.notified().await;
    }

    /// Whether CLIENT UNBLOCK ended the wait, and how.
    pub fn unblocked(&self) -> Option<Unblock> {
        match self.unblock.load(Ordering::Acquire) {
            1 => Some(Unblock::Timeout),
            2 => Some(Unblock::Error),
            _ => None,
        }
    }
}

/// A registered client.
struct Blocked {
    waiter: Arc<Waiter>,
    /// The keys it waits on.
    keys: Vec<Bytes>,
    /// Woken and not yet trying: a store to its keys wakes nobody else meanwhile.
    woken: bool,
    /// A reader (XREAD, XREADGROUP): it takes nothing that another waiter could miss, and
    /// one reader's try says nothing of another's (they may read other groups), so every
    /// store wakes every reader on the key.
    reader: bool,
}

#[derive(Default)]
struct Inner {
    /// Blocked clients by key waited on, longest-waiting first.
    by_key: HashMap<Bytes, Vec<u64>>,
    /// Each blocked client.
    by_client: HashMap<u64, Blocked>,
}

impl Inner {
    /// Wakes every reader on `key` that holds no wake-up, and the longest-waiting other
    /// client that holds none, unless another client already holds one.
    fn wake_one(&mut self, key: &[u8]) {
        let Inner { by_key, by_client } = self;
        let Some(ids) = by_key.get(key) else {
            return;
        };
        let mut popper = None;
        let mut popper_woken = false;
        for id in ids {
            let Some(b) = by_client.get_mut(id) else {
                continue;
            };
            if b.reader {
                if !b.woken {
                    b.woken = true;
                    b.waiter.notify.notify_one();
                }
            } else {
                popper_woken |= b.woken;
                popper = popper.or(Some(*id));
            }
        }
        if popper_woken {
            return;
        }
        if let Some(b) = popper.and_then(|id| by_client.get_mut(&id)) {
            b.woken = true;
            b.waiter.notify.notify_one();
        }
    }

    /// Forgets client `id`; returns its registration.
    fn remove(&mut self, id: u64) -> Option<Blocked> {
        let blocked = self.by_client.remove(&id)?;
        for key in &blocked.keys {
            if let Some(ids) = self.by_key.get_mut(key) {
                ids.retain(|&i| i != id);
                if ids.is_empty() {
                    self.by_key.remove(key);
                }
            }
        }
        Some(blocked)
    }
}

/// This node's blocked clients.
#[derive(Default)]
pub struct Waiters {
    /// Clients registered, read without the lock by the driver on every applied entry.
    count: AtomicUsize,
    inner: Mutex<Inner>,
}

impl Waiters {
    /// An empty registry, to share between the driver and the server.
    pub fn new() -> Arc<Waiters> {
        Arc::new(Waiters::default())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves the maps consistent: every update
        // below is a single insertion or removal.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether any client is blocked: when none is, the driver tracks no stores.
    pub fn any(&self) -> bool {
        self.count.load(Ordering::Acquire) > 0
    }

    /// Number of clients registered (INFO's `blocked_clients` counts only those whose first
    /// try found nothing, which the server knows).
    pub fn registered(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }

    /// Blocks client `id` on `keys`, behind every client already waiting on them; replaces
    /// any earlier registration of it (without a hand-off).
    pub fn register(&self, id: u64, keys: &[Bytes]) -> Arc<Waiter> {
        self.register_as(id, keys, false)
    }

    /// [`Waiters::register`] for a reader, which every store to its keys wakes.
    pub fn register_reader(&self, id: u64, keys: &[Bytes]) -> Arc<Waiter> {
        self.register_as(id, keys, true)
    }

    fn register_as(&self, id: u64, keys: &[Bytes], reader: bool) -> Arc<Waiter> {
        let waiter = Arc::new(Waiter::default());
        let mut inner = self.lock();
        inner.remove(id);
        let mut unique: Vec<Bytes> = Vec::with_capacity(keys.len());
        for key in keys {
            if !unique.contains(key) {
                unique.push(key.clone());
                inner.by_key.entry(key.clone()).or_default().push(id);
            }
        }
        inner.by_client.insert(
            id,
            Blocked {
                waiter: waiter.clone(),
                keys: unique,
                woken: false,
                reader,
            },
        );
        self.count.store(inner.by_client.len(), Ordering::Release);
        waiter
    }

    /// Client `id` is about to try: its wake-up is used, so the next store wakes a client
    /// again.
    pub fn trying(&self, id: u64) {
        if let Some(b) = self.lock().by_client.get_mut(&id) {
            b.woken = false;
        }
    }

    /// Unblocks client `id` (nothing happens if it is not blocked). If it `popped`, or holds a
    /// wake-up it did not use, the next client on each of its keys is woken in its place.
    pub fn unregister(&self, id: u64, popped: bool) {
        let mut inner = self.lock();
        if let Some(blocked) = inner.remove(id)
            && (popped || blocked.woken)
        {
            for key in &blocked.keys {
                inner.wake_one(key);
            }
        }
        self.count.store(inner.by_client.len(), Ordering::Release);
    }

    /// Wakes, for each of `keys`, the longest-waiting client that holds no wake-up, unless one
    /// on that key already holds one.
    pub fn wake<K: AsRef<[u8]>>(&self, keys: &[K]) {
        let mut inner = self.lock();
        for key in keys {
            inner.wake_one(key.as_ref());
        }
    }

    /// Wakes every blocked client (after a snapshot replaced the whole keyspace).
    pub fn wake_all(&self) {
        for b in self.lock().by_client.values_mut() {
            b.woken = true;
            b.waiter.notify.notify_one();
        }
    }

    /// CLIENT UNBLOCK: ends client `id`'s wait; false if it is not blocked.
    pub fn unblock(&self, id: u64, how: Unblock) -> bool {
        let inner = self.lock();
        let Some(b) = inner.by_client.get(&id) else {
            return false;
        };
        let code = match how {
            Unblock::Timeout => 1,
            Unblock::Error => 2,
        };
        b.waiter.unblock.store(code, Ordering::Release);
        b.waiter.notify.notify_one();
        true
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn keys(names: &[&str]) -> Vec<Bytes> {
        names.iter().map(|n| Bytes::from(n.to_string())).collect()
    }

    /// Whether `waiter` holds a wake-up, taking it.
    async fn is_woken(waiter: &Waiter) -> bool {
        tokio::time::timeout(Duration::from_millis(1), waiter.woken())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_store_wakes_one_client_the_longest_waiting() {
        let w = Waiters::new();
        assert!(!w.any());
        let a = w.register(1, &keys(&["q1", "q2"]));
        let b = w.register(2, &keys(&["q2"]));
        let c = w.register(3, &keys(&["other"]));
        assert_eq!(w.registered(), 3);
        w.wake(&keys(&["q2"]));
        assert!(is_woken(&a).await);
        assert!(!is_woken(&b).await, "one wake-up per store");
        assert!(!is_woken(&c).await);
        // While a holds an unused wake-up, more stores wake nobody else.
        w.wake(&keys(&["q2", "q2"]));
        assert!(!is_woken(&b).await);
        // Once a tries, the next store wakes again, the longest-waiting first (a itself).
        w.trying(1);
        w.wake(&keys(&["q2"]));
        assert!(is_woken(&a).await);
        assert!(!is_woken(&b).await);
        w.wake_all();
        assert!(is_woken(&b).await && is_woken(&c).await);
    }

    #[tokio::test]
    async fn a_store_wakes_every_reader_and_one_popper() {
        let w = Waiters::new();
        let pop1 = w.register(1, &keys(&["s"]));
        let read2 = w.register_reader(2, &keys(&["s"]));
        let read3 = w.register_reader(3, &keys(&["s", "t"]));
        let pop4 = w.register(4, &keys(&["s"]));
        w.wake(&keys(&["s"]));
        assert!(is_woken(&pop1).await);
        assert!(is_woken(&read2).await && is_woken(&read3).await);
        assert!(!is_woken(&pop4).await, "still one popper per store");
        // A reader that has not tried yet is not woken twice, nor does it hold back others.
        w.wake(&keys(&["s"]));
        assert!(!is_woken(&read2).await && !is_woken(&pop4).await);
        w.trying(2);
        w.trying(3);
        w.wake(&keys(&["t"]));
        assert!(!is_woken(&read2).await);
        assert!(is_woken(&read3).await);
    }

    #[tokio::test]
    async fn a_leaving_client_hands_its_wake_up_on() {
        let w = Waiters::new();
        let a = w.register(1, &keys(&["q", "r"]));
        let b = w.register(2, &keys(&["q"]));
        let c = w.register(3, &keys(&["r"]));
        // a is woken, then disconnects without trying: b and c take over.
        w.wake(&keys(&["q"]));
        assert!(is_woken(&a).await);
        w.unregister(1, false);
        assert!(is_woken(&b).await, "q's next waiter");
        assert!(is_woken(&c).await, "r's next waiter");
        // b tries and pops: the next on q (none left) would be woken; c, on r, is untouched.
        w.trying(2);
        w.unregister(2, true);
        assert!(!is_woken(&c).await);
        // c times out without a wake-up: nothing to hand on.
        w.trying(3);
        w.unregister(3, false);
        assert!(!w.any());
        let inner = w.lock();
        assert!(inner.by_key.is_empty() && inner.by_client.is_empty());
    }

    #[tokio::test]
    async fn a_pop_from_another_key_hands_a_wake_up_to_the_key_that_woke_it() {
        let w = Waiters::new();
        let a = w.register(1, &keys(&["k1", "k2"]));
        let b = w.register(2, &keys(&["k2"]));
        // A push to k2 wakes a, whose try pops from k1 (not empty either): b must try k2.
        w.wake(&keys(&["k2"]));
        assert!(is_woken(&a).await);
        w.trying(1);
        w.unregister(1, true);
        assert!(is_woken(&b).await);
    }

    #[tokio::test]
    async fn client_unblock_wakes_with_its_reason() {
        let w = Waiters::new();
        let a = w.register(7, &keys(&["q"]));
        assert_eq!(a.unblocked(), None);
        assert!(!w.unblock(8, Unblock::Error));
        assert!(w.unblock(7, Unblock::Error));
        assert!(is_woken(&a).await);
        assert_eq!(a.unblocked(), Some(Unblock::Error));
        let b = w.register(7, &keys(&["q", "q"]));
        assert_eq!(w.lock().by_key.get(&b"q"[..]).map(Vec::len), Some(1));
        assert!(w.unblock(7, Unblock::Timeout));
        assert_eq!(b.unblocked(), Some(Unblock::Timeout));
    }
}
