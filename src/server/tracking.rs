//! A connection's side of client-side caching: CLIENT TRACKING, CACHING, GETREDIR and
//! TRACKINGINFO, which of its reads the node remembers, and how invalidation messages are
//! written (see `crate::tracking` for the table and what tells it).

use std::sync::Arc;

use bytes::Bytes;

use super::Backend;
use super::reply::Out;
use super::session::Session;
use crate::cmdstats::Caller;
use crate::kv::command::{self, CommandError};
use crate::pb;
use crate::pubsub::Message;
use crate::server::error_frame;
use crate::tracking::Mode;

/// The channel a RESP2 connection receives redirected invalidations on, as in Redis.
const INVALIDATE_CHANNEL: &str = "__redis__:invalidate";

/// A connection's CLIENT TRACKING settings, while tracking is on.
#[derive(Clone, Debug, Default)]
pub(super) struct ClientTracking {
    /// What the node's table knows: BCAST and its prefixes, NOLOOP, REDIRECT.
    mode: Mode,
    /// OPTIN: only reads right after CLIENT CACHING YES are remembered.
    optin: bool,
    /// OPTOUT: every read is remembered but those right after CLIENT CACHING NO.
    optout: bool,
}

/// CLIENT TRACKING's options, as parsed.
#[derive(Default)]
struct Options {
    redirect: Option<u64>,
    bcast: bool,
    optin: bool,
    optout: bool,
    noloop: bool,
    prefixes: Vec<Bytes>,
}

impl<B: Backend> Session<B> {
    /// `CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p]... [BCAST] [OPTIN] [OPTOUT] [NOLOOP]`,
    /// with Redis's checks in Redis's order.
    pub(super) fn client_tracking(&mut self, switch: &[u8], options: &[Bytes]) -> Out {
        let options = match self.parse_tracking_options(options) {
            Ok(options) => options,
            Err(out) => return out,
        };
        if switch.eq_ignore_ascii_case(b"off") {
            self.stop_tracking();
            return Out::ok();
        }
        if !switch.eq_ignore_ascii_case(b"on") {
            return error_frame(&CommandError::Syntax);
        }
        if !options.bcast && !options.prefixes.is_empty() {
            return Out::error("ERR PREFIX option requires BCAST mode to be enabled");
        }
        let old = self.tracking.clone();
        if old.as_ref().is_some_and(|t| t.mode.bcast != options.bcast) {
            return Out::error(
                "ERR You can't switch BCAST mode on/off before disabling tracking for this \
                 client, and then re-enabling it with a different mode.",
            );
        }
        if options.bcast && (options.optin || options.optout) {
            return Out::error("ERR OPTIN and OPTOUT are not compatible with BCAST");
        }
        if options.optin && options.optout {
            return Out::error("ERR You can't specify both OPTIN mode and OPTOUT mode");
        }
        if old
            .as_ref()
            .is_some_and(|t| (options.optin && t.optout) || (options.optout && t.optin))
        {
            return Out::error(
                "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this \
                 client, and then re-enabling it with a different mode.",
            );
        }
        let mut prefixes = old.map(|t| t.mode.prefixes).unwrap_or_default();
        if options.bcast {
            if let Some(out) = prefix_collision(&prefixes, &options.prefixes) {
                return out;
            }
            if options.prefixes.is_empty() {
                // A bare BCAST hears of every key: the empty prefix, as in Redis.
                prefixes.insert(Bytes::new());
            }
            prefixes.extend(options.prefixes);
        }
        let mode = Mode {
            bcast: options.bcast,
            noloop: options.noloop,
            redirect: options.redirect.unwrap_or(0),
            prefixes,
        };
        self.shared.options.tracking.enable(self.id, mode.clone());
        let redirect = i64::try_from(mode.redirect).unwrap_or(i64::MAX);
        let bcast = mode.bcast;
        self.tracking = Some(ClientTracking {
            mode,
            optin: options.optin,
            optout: options.optout,
        });
        self.shared.update_client(self.id, |c| {
            c.tracking = redirect;
            c.tracking_bcast = bcast;
        });
        Out::ok()
    }

    fn parse_tracking_options(&self, args: &[Bytes]) -> Result<Options, Out> {
        let mut options = Options::default();
        let mut rest = args.iter();
        while let Some(option) = rest.next() {
            match option.to_ascii_lowercase().as_slice() {
                b"redirect" => {
                    let Some(id) = rest.next() else {
                        return Err(error_frame(&CommandError::Syntax));
                    };
                    if options.redirect.is_some() {
                        return Err(Out::error(
                            "ERR A client can only redirect to a single other client",
                        ));
                    }
                    let Some(id) = command::parse_i64_strict(id) else {
                        return Err(error_frame(&CommandError::NotInteger));
                    };
                    let exists = u64::try_from(id).is_ok_and(|id| {
                        id != 0
                            && self
                                .shared
                                .clients
                                .lock()
                                .is_ok_and(|c| c.contains_key(&id))
                    });
                    if !exists {
                        return Err(Out::error(
                            "ERR The client ID you want redirect to does not exist",
                        ));
                    }
                    options.redirect = u64::try_from(id).ok();
                }
                b"bcast" => options.bcast = true,
                b"optin" => options.optin = true,
                b"optout" => options.optout = true,
                b"noloop" => options.noloop = true,
                b"prefix" => match rest.next() {
                    Some(prefix) => options.prefixes.push(prefix.clone()),
                    None => return Err(error_frame(&CommandError::Syntax)),
                },
                _ => return Err(error_frame(&CommandError::Syntax)),
            }
        }
        Ok(options)
    }

    /// `CLIENT CACHING YES|NO`: whether the next command's reads are remembered, in OPTIN and
    /// OPTOUT mode. Inside MULTI it holds for the whole transaction.
    pub(super) fn client_caching(&mut self, choice: &[u8]) -> Out {
        let Some(tracking) = self.tracking.as_ref().filter(|t| t.optin || t.optout) else {
            return Out::error(
                "ERR CLIENT CACHING can be called only when the client is in tracking mode \
                 with OPTIN or OPTOUT mode enabled",
            );
        };
        if choice.eq_ignore_ascii_case(b"yes") {
            if !tracking.optin {
                return Out::error(
                    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN \
                     mode.",
                );
            }
        } else if choice.eq_ignore_ascii_case(b"no") {
            if !tracking.optout {
                return Out::error(
                    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT \
                     mode.",
                );
            }
        } else {
            return error_frame(&CommandError::Syntax);
        }
        self.caching = true;
        Out::ok()
    }

    /// `CLIENT GETREDIR`: the redirect target; 0 for none, -1 when tracking is off.
    pub(super) fn client_getredir(&self) -> Out {
        Out::Integer(
            self.tracking
                .as_ref()
                .map_or(-1, |t| i64::try_from(t.mode.redirect).unwrap_or(i64::MAX)),
        )
    }

    /// `CLIENT TRACKINGINFO`: flags, redirect and prefixes, as Redis describes them.
    pub(super) fn client_trackinginfo(&self) -> Out {
        let word = |w: &str| Out::bulk(w);
        let (flags, redirect, prefixes) = match &self.tracking {
            None => (vec![word("off")], -1, Vec::new()),
            Some(t) => {
                let mut flags = vec![word("on")];
                if t.mode.bcast {
                    flags.push(word("bcast"));
                }
                if t.optin {
                    flags.push(word("optin"));
                    if self.caching {
                        flags.push(word("caching-yes"));
                    }
                }
                if t.optout {
                    flags.push(word("optout"));
                    if self.caching {
                        flags.push(word("caching-no"));
                    }
                }
                if t.mode.noloop {
                    flags.push(word("noloop"));
                }
                if t.mode.redirect != 0 && self.shared.options.tracking.broken_redirect(self.id) {
                    flags.push(word("broken_redirect"));
                }
                let prefixes = t.mode.prefixes.iter().cloned().map(Out::Bulk).collect();
                let redirect = i64::try_from(t.mode.redirect).unwrap_or(i64::MAX);
                (flags, redirect, prefixes)
            }
        };
        Out::Map(vec![
            (word("flags"), Out::Set(flags)),
            (word("redirect"), Out::Integer(redirect)),
            (word("prefixes"), Out::Array(prefixes)),
        ])
    }

    /// Turns tracking off (CLIENT TRACKING OFF, RESET, a closed connection).
    pub(super) fn stop_tracking(&mut self) {
        if self.tracking.take().is_some() {
            self.shared.options.tracking.disable(self.id);
            self.shared.update_client(self.id, |c| {
                c.tracking = -1;
                c.tracking_bcast = false;
            });
        }
        self.caching = false;
    }

    /// Whether the node remembers the keys of a read this connection sends now: tracking on,
    /// not BCAST, and CLIENT CACHING allowing it in OPTIN and OPTOUT mode.
    pub(super) fn tracks_reads(&self) -> bool {
        match &self.tracking {
            Some(t) if !t.mode.bcast => {
                if t.optin {
                    self.caching
                } else if t.optout {
                    !self.caching
                } else {
                    true
                }
            }
            _ => false,
        }
    }

    /// Who sends a read: the connection's caller, marked for remembering its keys when
    /// `tracked`.
    pub(super) fn read_caller(&self, tracked: bool) -> Arc<Caller> {
        if !tracked {
            return self.caller.clone();
        }
        Arc::new(Caller {
            track_reads: true,
            ..(*self.caller).clone()
        })
    }

    /// Marks a batch this connection writes with its origin, where the node that applies it
    /// needs to know it: for NOLOOP, and for a transaction whose reads are remembered.
    pub(super) fn mark_origin(&self, batch: &mut pb::KvBatch, track_reads: bool) {
        let Some(tracking) = &self.tracking else {
            return;
        };
        if tracking.mode.noloop || track_reads {
            batch.origin_node = self.shared.options.node_id;
            batch.origin_client = self.id;
            batch.track_reads = track_reads;
        }
    }

    /// Whether the node remembers the keys a transaction reads: as for a read sent now, or,
    /// in OPTIN mode, when the transaction itself queued CLIENT CACHING (some clients send
    /// it that way; a CLIENT CACHING NO queued in OPTOUT mode is not looked for, which only
    /// means a message the client did not need).
    pub(super) fn tracks_transaction_reads(&self, caching_queued: bool) -> bool {
        self.tracks_reads() || (caching_queued && self.tracking.as_ref().is_some_and(|t| t.optin))
    }

    /// An invalidation message as this connection receives it: a push in RESP3; in RESP2 a
    /// message on `__redis__:invalidate`, only when it is redirected here and the connection
    /// subscribes (a RESP2 connection has no other way to receive it, as in Redis); else
    /// nothing.
    pub(super) fn tracking_message(&self, message: Message) -> Option<Out> {
        let keys_out = |keys: Option<Vec<Bytes>>| {
            keys.map_or(Out::Null, |k| {
                Out::Array(k.into_iter().map(Out::Bulk).collect())
            })
        };
        match message {
            Message::Invalidate { keys, redirected } => {
                if self.resp3 {
                    Some(Out::Push(vec![Out::bulk("invalidate"), keys_out(keys)]))
                } else if redirected && self.subs.any() {
                    Some(Out::Push(vec![
                        Out::bulk("message"),
                        Out::bulk(INVALIDATE_CHANNEL),
                        keys_out(keys),
                    ]))
                } else {
                    None
                }
            }
            Message::RedirectBroken(id) => self.resp3.then(|| {
                Out::Push(vec![
                    Out::bulk("tracking-redir-broken"),
                    Out::Integer(i64::try_from(id).unwrap_or(i64::MAX)),
                ])
            }),
            _ => None,
        }
    }
}

/// The overlap Redis refuses among a client's BCAST prefixes: two that could both match
/// one key (one starts with the other, equal ones included).
fn prefix_collision(existing: &std::collections::BTreeSet<Bytes>, new: &[Bytes]) -> Option<Out> {
    let overlap = |a: &[u8], b: &[u8]| a.starts_with(b) || b.starts_with(a);
    let shown = |p: &[u8]| command::lossy(p, 128);
    for (i, prefix) in new.iter().enumerate() {
        if let Some(old) = existing.iter().find(|old| overlap(old, prefix)) {
            return Some(Out::error(format!(
                "ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single \
                 client must not overlap.",
                shown(prefix),
                shown(old)
            )));
        }
        if let Some(other) = new[i + 1..].iter().find(|other| overlap(other, prefix)) {
            return Some(Out::error(format!(
                "ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a \
                 single client must not overlap.",
                shown(prefix),
                shown(other)
            )));
        }
    }
    None
}
