//! A connection's side of publish/subscribe: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBSUB, the
//! messages a subscriber receives, and the receiver count PUBLISH replies with.
//!
//! Subscriptions are this node's (see `crate::pubsub`); messages reach them when this node
//! applies the PUBLISH entry. PUBLISH replies, as in Redis Cluster, with the number of this
//! node's clients that receive the message, counted when the write is acknowledged.

use std::collections::BTreeSet;

use bytes::{Bytes, BytesMut};

use super::reply::{Out, encode};
use super::session::Session;
use super::{Backend, ClientInfo};
use crate::kv::command;
use crate::pb;
use crate::pubsub::{Inbox, Kind, Message};

/// Most waiting messages written per turn of a connection's loop, so that one busy channel
/// cannot grow the output buffer without bound; the rest follow on the next turn.
pub(super) const MAX_MESSAGES_PER_TURN: usize = 1024;

/// Commands a RESP2 connection may still run while it has subscriptions.
const ALLOWED_WHILE_SUBSCRIBED: &[&str] = &[
    "ping",
    "psubscribe",
    "punsubscribe",
    "quit",
    "reset",
    "ssubscribe",
    "subscribe",
    "sunsubscribe",
    "unsubscribe",
];

/// A connection's subscriptions.
#[derive(Default)]
pub(super) struct Subscriptions {
    /// Where this node delivers the connection's messages; made when the connection opens
    /// (`Session::open_mailbox`).
    inbox: Option<Inbox>,
    /// SUBSCRIBE's channels.
    channels: BTreeSet<Bytes>,
    /// PSUBSCRIBE's patterns.
    patterns: BTreeSet<Bytes>,
    /// SSUBSCRIBE's shard channels.
    shard: BTreeSet<Bytes>,
}

impl Subscriptions {
    fn set(&mut self, kind: Kind) -> &mut BTreeSet<Bytes> {
        match kind {
            Kind::Channel => &mut self.channels,
            Kind::Pattern => &mut self.patterns,
            Kind::Shard => &mut self.shard,
        }
    }

    /// The count a (un)subscribe confirmation carries: channels and patterns together, or
    /// shard channels alone, as in Redis 7.
    fn confirmation_count(&self, kind: Kind) -> i64 {
        let n = match kind {
            Kind::Shard => self.shard.len(),
            Kind::Channel | Kind::Pattern => self.channels.len() + self.patterns.len(),
        };
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    /// Whether any subscription is held.
    pub(super) fn any(&self) -> bool {
        !(self.channels.is_empty() && self.patterns.is_empty() && self.shard.is_empty())
    }

    /// Every subscription, for removing them from the registry.
    pub(super) fn all(&self) -> Vec<(Kind, Bytes)> {
        let tagged = |kind: Kind, set: &BTreeSet<Bytes>| {
            set.iter()
                .map(move |n| (kind, n.clone()))
                .collect::<Vec<_>>()
        };
        let mut all = tagged(Kind::Channel, &self.channels);
        all.extend(tagged(Kind::Pattern, &self.patterns));
        all.extend(tagged(Kind::Shard, &self.shard));
        all
    }

    /// The inbox, taken out for a wait that borrows the session; put it back with
    /// [`Subscriptions::put_inbox`].
    pub(super) fn take_inbox(&mut self) -> Option<Inbox> {
        self.inbox.take()
    }

    /// Puts back what [`Subscriptions::take_inbox`] took.
    pub(super) fn put_inbox(&mut self, inbox: Option<Inbox>) {
        self.inbox = inbox;
    }

    /// Whether a mailbox was made, i.e. the registry knows this connection.
    pub(super) fn registered(&self) -> bool {
        self.inbox.is_some()
    }

    /// The next message for this connection; pending forever without a mailbox.
    pub(super) async fn next(&mut self) -> Option<Message> {
        match &mut self.inbox {
            Some(inbox) => inbox.recv().await,
            None => std::future::pending().await,
        }
    }
}

/// The push a subscriber receives for `message`.
fn message_push(message: Message) -> Out {
    let word = |w: &str| Out::bulk(w);
    Out::Push(match message {
        Message::Channel { channel, payload } => {
            vec![word("message"), Out::Bulk(channel), Out::Bulk(payload)]
        }
        Message::Pattern {
            pattern,
            channel,
            payload,
        } => vec![
            word("pmessage"),
            Out::Bulk(pattern),
            Out::Bulk(channel),
            Out::Bulk(payload),
        ],
        Message::Shard { channel, payload } => {
            vec![word("smessage"), Out::Bulk(channel), Out::Bulk(payload)]
        }
        // Written by `Session::tracking_message`.
        Message::Invalidate { .. } | Message::RedirectBroken(_) => Vec::new(),
    })
}

/// The kind of subscription a (un)subscribe command is about, and whether it subscribes.
pub(super) fn subscription_command(name: &str) -> Option<(Kind, bool)> {
    Some(match name {
        "subscribe" => (Kind::Channel, true),
        "psubscribe" => (Kind::Pattern, true),
        "ssubscribe" => (Kind::Shard, true),
        "unsubscribe" => (Kind::Channel, false),
        "punsubscribe" => (Kind::Pattern, false),
        "sunsubscribe" => (Kind::Shard, false),
        _ => return None,
    })
}

/// The first word of a confirmation: `subscribe`, `punsubscribe`, ...
fn confirmation_word(kind: Kind, subscribe: bool) -> &'static str {
    match (kind, subscribe) {
        (Kind::Channel, true) => "subscribe",
        (Kind::Pattern, true) => "psubscribe",
        (Kind::Shard, true) => "ssubscribe",
        (Kind::Channel, false) => "unsubscribe",
        (Kind::Pattern, false) => "punsubscribe",
        (Kind::Shard, false) => "sunsubscribe",
    }
}

/// The PUBLISH and SPUBLISH commands among `commands`: (position, shard, channel).
pub(super) fn publishes(commands: &[pb::KvCommand]) -> Vec<(usize, bool, Bytes)> {
    commands
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let name = c.args.first()?;
            let shard = if name.eq_ignore_ascii_case(b"publish") {
                false
            } else if name.eq_ignore_ascii_case(b"spublish") {
                true
            } else {
                return None;
            };
            Some((i, shard, c.args.get(1)?.clone()))
        })
        .collect()
}

impl<B: Backend> Session<B> {
    /// Replaces each applied PUBLISH's placeholder reply in `replies` (one per command of the
    /// batch) with the number of this node's clients that receive the message.
    pub(super) fn count_receivers(&self, publishes: &[(usize, bool, Bytes)], replies: &mut [Out]) {
        let hub = &self.shared.options.pubsub;
        for (i, shard, channel) in publishes {
            if let Some(reply @ Out::Integer(_)) = replies.get_mut(*i) {
                *reply = Out::Integer(i64::try_from(hub.receivers(*shard, channel)).unwrap_or(0));
            }
        }
    }

    /// The error a RESP2 connection with subscriptions gets for any command but the few it
    /// may run; `full_name` is the command as Redis names it (`pubsub|numsub`).
    pub(super) fn refused_while_subscribed(&self, name: &str, full_name: &str) -> Option<Out> {
        if self.resp3 || !self.subs.any() || ALLOWED_WHILE_SUBSCRIBED.contains(&name) {
            return None;
        }
        Some(Out::error(format!(
            "ERR Can't execute '{full_name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / \
             QUIT / RESET are allowed in this context"
        )))
    }

    /// Gives the connection its mailbox in the node's registry.
    pub(super) fn open_mailbox(&mut self) {
        let hub = &self.shared.options.pubsub;
        self.subs.inbox = Some(hub.register(self.id, self.kill.clone()));
    }

    /// Writes the messages waiting for this connection (at most [`MAX_MESSAGES_PER_TURN`]).
    /// Messages are pushed even under CLIENT REPLY OFF, which silences replies only.
    pub(super) fn write_waiting_messages(&mut self, output: &mut BytesMut) {
        for _ in 0..MAX_MESSAGES_PER_TURN {
            let Some(message) = self.subs.inbox.as_mut().and_then(Inbox::try_recv) else {
                break;
            };
            if let Some(out) = self.message_out(message) {
                encode(&out, self.resp3, output);
            }
        }
    }

    /// Writes one message the connection's loop received.
    pub(super) fn write_message(&mut self, message: Message, output: &mut BytesMut) {
        if let Some(out) = self.message_out(message) {
            encode(&out, self.resp3, output);
        }
    }

    /// How this connection receives `message`, if at all (an invalidation may have no form
    /// in RESP2).
    fn message_out(&self, message: Message) -> Option<Out> {
        match message {
            Message::Invalidate { .. } | Message::RedirectBroken(_) => {
                self.tracking_message(message)
            }
            message => Some(message_push(message)),
        }
    }

    /// (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE: one confirmation per name, as a push.
    ///
    /// A subscription starts once a linearizable read index is applied: by then this node has
    /// applied every PUBLISH acknowledged before the SUBSCRIBE arrived, so the subscriber gets
    /// exactly the messages committed later, even on a follower that applies a little behind
    /// the leader. Without a quorum the read fails after the wait bound and the subscription
    /// starts anyway (delivery is at most once; nothing is published without a quorum
    /// either).
    pub(super) async fn subscription(
        &mut self,
        name: &str,
        kind: Kind,
        subscribe: bool,
        args: &[Bytes],
        output: &mut BytesMut,
    ) {
        let min_args = if subscribe { 2 } else { 1 };
        if args.len() < min_args {
            let e = command::CommandError::Arity(name.to_string());
            let out = Out::error(e.to_string());
            return self.reply(&out, output);
        }
        if subscribe && let Err(error) = self.shared.backend.read(Vec::new(), None).await {
            tracing::debug!(%error, "subscribing without a read barrier");
        }
        // Messages that arrived before this command go out before its confirmations.
        self.write_waiting_messages(output);
        let hub = self.shared.options.pubsub.clone();
        let word = confirmation_word(kind, subscribe);
        if subscribe && self.subs.inbox.is_none() {
            self.subs.inbox = Some(hub.register(self.id, self.kill.clone()));
        }
        let names: Vec<Bytes> = if subscribe || args.len() > 1 {
            args[1..].to_vec()
        } else {
            self.subs.set(kind).iter().cloned().collect()
        };
        if names.is_empty() {
            let count = self.subs.confirmation_count(kind);
            let out = Out::Push(vec![Out::bulk(word), Out::Null, Out::Integer(count)]);
            self.reply(&out, output);
        }
        for n in names {
            if subscribe {
                if self.subs.set(kind).insert(n.clone()) {
                    hub.subscribe(self.id, kind, &n);
                }
            } else if self.subs.set(kind).remove(&n) {
                hub.unsubscribe(self.id, kind, &n);
            }
            let count = self.subs.confirmation_count(kind);
            let out = Out::Push(vec![Out::bulk(word), Out::Bulk(n), Out::Integer(count)]);
            self.reply(&out, output);
        }
        self.sync_subscriptions();
    }

    /// Drops every subscription without confirmations (RESET).
    pub(super) fn unsubscribe_all(&mut self) {
        let hub = &self.shared.options.pubsub;
        for (kind, name) in self.subs.all() {
            hub.unsubscribe(self.id, kind, &name);
        }
        self.subs.channels.clear();
        self.subs.patterns.clear();
        self.subs.shard.clear();
        self.sync_subscriptions();
    }

    /// Updates CLIENT LIST's `sub`, `psub` and `ssub`.
    fn sync_subscriptions(&self) {
        let counts = [
            self.subs.channels.len(),
            self.subs.patterns.len(),
            self.subs.shard.len(),
        ];
        self.shared
            .update_client(self.id, |c: &mut ClientInfo| c.subscriptions = counts);
    }

    /// PUBSUB CHANNELS | NUMPAT | NUMSUB | SHARDCHANNELS | SHARDNUMSUB | HELP, about this
    /// node's subscribers. `a` holds the arguments after PUBSUB (subcommand and arity already
    /// checked).
    pub(super) fn pubsub(&self, a: &[Bytes]) -> Out {
        let hub = &self.shared.options.pubsub;
        let sub = a[0].to_ascii_lowercase();
        let names = |kind: Kind| match a {
            [_] => Some(hub.names(kind, None)),
            [_, pattern] => Some(hub.names(kind, Some(pattern))),
            _ => None,
        };
        let numsub = |kind: Kind| {
            Out::Array(
                a[1..]
                    .iter()
                    .flat_map(|n| {
                        let count = i64::try_from(hub.subscribers(kind, n)).unwrap_or(0);
                        [Out::Bulk(n.clone()), Out::Integer(count)]
                    })
                    .collect(),
            )
        };
        match sub.as_slice() {
            b"channels" | b"shardchannels" => {
                let kind = if sub == b"channels" {
                    Kind::Channel
                } else {
                    Kind::Shard
                };
                match names(kind) {
                    Some(list) => Out::Array(list.into_iter().map(Out::Bulk).collect()),
                    None => Out::error(format!(
                        "ERR unknown subcommand or wrong number of arguments for '{}'. Try \
                         PUBSUB HELP.",
                        command::lossy(&a[0], 128)
                    )),
                }
            }
            b"numpat" => Out::Integer(i64::try_from(hub.count(Kind::Pattern)).unwrap_or(0)),
            b"numsub" => numsub(Kind::Channel),
            b"shardnumsub" => numsub(Kind::Shard),
            _ => help(),
        }
    }
}

/// PUBSUB HELP: the subcommands, described for raft-kv (counts are this node's).
fn help() -> Out {
    let lines = [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    List the channels with a subscriber on this node, matching <pattern> if given.",
        "NUMPAT",
        "    Count the distinct patterns subscribed to on this node.",
        "NUMSUB [<channel> ...]",
        "    Count each channel's subscribers on this node (patterns not included).",
        "SHARDCHANNELS [<pattern>]",
        "    List the shard channels with a subscriber on this node, matching <pattern>.",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Count each shard channel's subscribers on this node.",
        "HELP",
        "    Prints this help.",
    ];
    Out::Array(lines.iter().map(|l| Out::Simple((*l).into())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishes_are_found_by_name_in_any_case() {
        let cmd = |args: &[&str]| pb::KvCommand {
            args: args
                .iter()
                .map(|a| Bytes::copy_from_slice(a.as_bytes()))
                .collect(),
        };
        let found = publishes(&[
            cmd(&["SET", "k", "v"]),
            cmd(&["Publish", "c", "m"]),
            cmd(&["spublish", "s", "m"]),
        ]);
        assert_eq!(
            found,
            vec![
                (1, false, Bytes::from_static(b"c")),
                (2, true, Bytes::from_static(b"s"))
            ]
        );
    }
}
