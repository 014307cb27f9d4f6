//! The Raft consensus core: a pure, deterministic state machine.
//! (Design document lands with the implementation.)

pub mod message;
pub mod node;
pub mod ready;

pub use message::{Entry, Envelope, HardState, Index, Message, NodeId, RequestId, Snapshot, Term};
pub use node::{Config, Node, ProposeError, ReadError, Restored, RoleKind, Status};
pub use ready::{ReadState, Ready};
