//! Clients blocked on keys by BLPOP, BZPOPMIN and the other blocking commands, and their
//! wake-ups.
//!
//! A blocking command is a write like any other: the state machine tries it once, popping from
//! the first non-empty key or answering null. On null the session blocks: it registers here,
//! under the keys it waits on, and tries again each time it is woken. The driver wakes the
//! clients waiting on a key whenever it applies an entry that stores a list, set or sorted set
//! under that key ([`Waiters::wake`]), and every client after installing a snapshot. So a push
//! on any node wakes the clients blocked on every node, each when its own node applies it.
//!
//! A session registers *before* its first try is proposed. A push applied after that wakes
//! it; a push applied before is in the log ahead of the try, which therefore sees it. No
//! wake-up is lost, and a spurious one only costs one more try. When several clients wait on
//! one key, all are woken and the first try the log orders wins; the others find the key
//! empty again and go on waiting (Redis serves the longest-waiting client first).
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
    /// Notified on every store to a key waited on; keeps one wake-up for a session that is
    /// busy trying when it comes.
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

#[derive(Default)]
struct Inner {
    /// Blocked clients by key waited on.
    by_key: HashMap<Bytes, Vec<u64>>,
    /// Each blocked client's waiter and keys.
    by_client: HashMap<u64, (Arc<Waiter>, Vec<Bytes>)>,
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

    /// Blocks client `id` on `keys`, replacing any earlier registration of it.
    pub fn register(&self, id: u64, keys: &[Bytes]) -> Arc<Waiter> {
        let waiter = Arc::new(Waiter::default());
        let mut inner = self.lock();
        remove_client(&mut inner, id);
        for key in keys {
            let ids = inner.by_key.entry(key.clone()).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        inner.by_client.insert(id, (waiter.clone(), keys.to_vec()));
        self.count.store(inner.by_client.len(), Ordering::Release);
        waiter
    }

    /// Unblocks client `id`; nothing happens if it is not blocked.
    pub fn unregister(&self, id: u64) {
        let mut inner = self.lock();
        remove_client(&mut inner, id);
        self.count.store(inner.by_client.len(), Ordering::Release);
    }

    /// Wakes the clients blocked on any of `keys`.
    pub fn wake<K: AsRef<[u8]>>(&self, keys: &[K]) {
        let inner = self.lock();
        for key in keys {
            for id in inner.by_key.get(key.as_ref()).into_iter().flatten() {
                if let Some((waiter, _)) = inner.by_client.get(id) {
                    waiter.notify.notify_one();
                }
            }
        }
    }

    /// Wakes every blocked client (after a snapshot replaced the whole keyspace).
    pub fn wake_all(&self) {
        for (waiter, _) in self.lock().by_client.values() {
            waiter.notify.notify_one();
        }
    }

    /// CLIENT UNBLOCK: ends client `id`'s wait; false if it is not blocked.
    pub fn unblock(&self, id: u64, how: Unblock) -> bool {
        let inner = self.lock();
        let Some((waiter, _)) = inner.by_client.get(&id) else {
            return false;
        };
        let code = match how {
            Unblock::Timeout => 1,
            Unblock::Error => 2,
        };
        waiter.unblock.store(code, Ordering::Release);
        waiter.notify.notify_one();
        true
    }
}

fn remove_client(inner: &mut Inner, id: u64) {
    let Some((_, keys)) = inner.by_client.remove(&id) else {
        return;
    };
    for key in keys {
        if let Some(ids) = inner.by_key.get_mut(&key) {
            ids.retain(|&i| i != id);
            if ids.is_empty() {
                inner.by_key.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn keys(names: &[&str]) -> Vec<Bytes> {
        names.iter().map(|n| Bytes::from(n.to_string())).collect()
    }

    /// Whether `waiter` holds a wake-up, without waiting for one.
    async fn is_woken(waiter: &Waiter) -> bool {
        tokio::time::timeout(Duration::from_millis(1), waiter.woken())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_store_wakes_the_clients_blocked_on_its_key_only() {
        let w = Waiters::new();
        assert!(!w.any());
        let a = w.register(1, &keys(&["q1", "q2"]));
        let b = w.register(2, &keys(&["q2"]));
        let c = w.register(3, &keys(&["other"]));
        assert_eq!(w.registered(), 3);
        w.wake(&keys(&["q2"]));
        assert!(is_woken(&a).await);
        assert!(is_woken(&b).await);
        assert!(!is_woken(&c).await);
        // A wake-up that comes before the wait is kept for it, once.
        w.wake(&keys(&["q1"]));
        w.wake(&keys(&["q1"]));
        assert!(is_woken(&a).await);
        assert!(!is_woken(&a).await);
        w.wake_all();
        assert!(is_woken(&c).await);
    }

    #[tokio::test]
    async fn unregistered_clients_are_forgotten_everywhere() {
        let w = Waiters::new();
        let a = w.register(1, &keys(&["q", "q"]));
        w.register(2, &keys(&["q"]));
        w.unregister(2);
        w.unregister(2);
        assert_eq!(w.registered(), 1);
        {
            let inner = w.lock();
            assert!(inner.by_client.contains_key(&1) && !inner.by_client.contains_key(&2));
        }
        // Registering again replaces the keys.
        let a2 = w.register(1, &keys(&["r"]));
        w.wake(&keys(&["q"]));
        assert!(!is_woken(&a).await && !is_woken(&a2).await);
        w.unregister(1);
        assert!(!w.any());
        assert!(w.lock().by_key.is_empty());
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
        let b = w.register(7, &keys(&["q"]));
        assert!(w.unblock(7, Unblock::Timeout));
        assert_eq!(b.unblocked(), Some(Unblock::Timeout));
    }
}
