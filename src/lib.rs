//! raft-kv: a Raft-replicated key-value server that speaks the Redis protocol.

pub mod driver;
pub mod kv;
pub mod pb;
pub mod raft;
pub mod server;
pub mod storage;
pub mod transport;
