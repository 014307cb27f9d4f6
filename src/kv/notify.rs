//! Keyspace notifications (`notify-keyspace-events`): which events a node publishes about
//! the keys commands change, and on which channels.
//!
//! Every node applies every write, so every node produces the same events in the same order,
//! as it applies them, and hands them to its own subscribers like the messages of a PUBLISH
//! (see `crate::pubsub`). The classes a node publishes are its own setting, as in Redis: the
//! state only notes events of the classes the node asked for, and nothing at all while no
//! class is on.
//!
//! An event about `key` named `event` goes out as two messages, as in Redis:
//! `__keyspace@0__:<key>` carrying the event's name (class `K`), and `__keyevent@0__:<event>`
//! carrying the key (class `E`). With neither `K` nor `E` nothing is published.

/// `K`: events published on `__keyspace@0__:<key>`.
pub const KEYSPACE: u32 = 1 << 0;
/// `E`: events published on `__keyevent@0__:<event>`.
pub const KEYEVENT: u32 = 1 << 1;
/// `g`: commands that are not about one type (DEL, EXPIRE, RENAME, ...).
pub const GENERIC: u32 = 1 << 2;
/// `$`: string commands.
pub const STRING: u32 = 1 << 3;
/// `l`: list commands.
pub const LIST: u32 = 1 << 4;
/// `s`: set commands.
pub const SET: u32 = 1 << 5;
/// `h`: hash commands (and hash fields expiring).
pub const HASH: u32 = 1 << 6;
/// `z`: sorted set commands.
pub const ZSET: u32 = 1 << 7;
/// `x`: keys removed because they expired.
pub const EXPIRED: u32 = 1 << 8;
/// `e`: keys evicted for memory (raft-kv never evicts, so never sent).
pub const EVICTED: u32 = 1 << 9;
/// `t`: stream commands.
pub const STREAM: u32 = 1 << 10;
/// `m`: reads of keys that do not exist (not part of `A`).
pub const KEY_MISS: u32 = 1 << 11;
/// `d`: module events (raft-kv has no modules, so never sent).
pub const MODULE: u32 = 1 << 13;
/// `n`: keys created (not part of `A`).
pub const NEW: u32 = 1 << 14;
/// `A`: `g$lshzxetd`.
pub const ALL: u32 =
    GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

/// The classes of a `notify-keyspace-events` value, or `None` if it holds a character that
/// names none.
pub fn parse_flags(value: &[u8]) -> Option<u32> {
    value.iter().try_fold(0, |flags, c| {
        let class = match c {
            b'A' => ALL,
            b'g' => GENERIC,
            b'$' => STRING,
            b'l' => LIST,
            b's' => SET,
            b'h' => HASH,
            b'z' => ZSET,
            b'x' => EXPIRED,
            b'e' => EVICTED,
            b't' => STREAM,
            b'm' => KEY_MISS,
            b'd' => MODULE,
            b'n' => NEW,
            b'K' => KEYSPACE,
            b'E' => KEYEVENT,
            _ => return None,
        };
        Some(flags | class)
    })
}

/// `flags` written as CONFIG GET shows them, in Redis's order: `A` or the classes it stands
/// for, `n`, then `K`, `E` and `m`. (Redis leaves `n` out after an `A`, so that its value
/// does not set what it read back; raft-kv keeps it.)
pub fn flags_text(flags: u32) -> String {
    let mut text = String::new();
    if flags & ALL == ALL {
        text.push('A');
    } else {
        for (class, c) in [
            (GENERIC, 'g'),
            (STRING, '$'),
            (LIST, 'l'),
            (SET, 's'),
            (HASH, 'h'),
            (ZSET, 'z'),
            (EXPIRED, 'x'),
            (EVICTED, 'e'),
            (STREAM, 't'),
            (MODULE, 'd'),
        ] {
            if flags & class != 0 {
                text.push(c);
            }
        }
    }
    for (class, c) in [
        (NEW, 'n'),
        (KEYSPACE, 'K'),
        (KEYEVENT, 'E'),
        (KEY_MISS, 'm'),
    ] {
        if flags & class != 0 {
            text.push(c);
        }
    }
    text
}

/// The channel of the key-space message about `key`.
pub fn keyspace_channel(key: &[u8]) -> bytes::Bytes {
    [b"__keyspace@0__:".as_slice(), key].concat().into()
}

/// The channel of the key-event message of `event`.
pub fn keyevent_channel(event: &str) -> bytes::Bytes {
    format!("__keyevent@0__:{event}").into()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every class character parses, `A` stands for its ten, and CONFIG GET's text reads
    /// back as the same classes.
    #[test]
    fn flags_parse_and_print_as_in_redis() {
        assert_eq!(parse_flags(b""), Some(0));
        assert_eq!(parse_flags(b"KEA").map(flags_text).as_deref(), Some("AKE"));
        assert_eq!(parse_flags(b"Eg$").map(flags_text).as_deref(), Some("g$E"));
        assert_eq!(
            parse_flags(b"nmKElshzxet$gd").map(flags_text).as_deref(),
            Some("AnKEm")
        );
        assert_eq!(parse_flags(b"Kx").map(flags_text).as_deref(), Some("xK"));
        assert_eq!(parse_flags(b"Kn").map(flags_text).as_deref(), Some("nK"));
        assert_eq!(parse_flags(b"nd").map(flags_text).as_deref(), Some("dn"));
        assert_eq!(parse_flags(b"KEq"), None);
        for text in [
            "g", "$", "l", "s", "h", "z", "x", "e", "t", "d", "K", "E", "m", "n",
        ] {
            let flags = parse_flags(text.as_bytes()).unwrap_or_default();
            assert_eq!(flags.count_ones(), 1, "{text}");
            assert_eq!(flags_text(flags), text);
        }
        assert_eq!(parse_flags(b"A").map(|f| f & (KEY_MISS | NEW)), Some(0));
    }

    #[test]
    fn channels_name_the_key_or_the_event() {
        assert_eq!(keyspace_channel(b"k\x00"), &b"__keyspace@0__:k\x00"[..]);
        assert_eq!(keyevent_channel("del"), &b"__keyevent@0__:del"[..]);
    }
}
