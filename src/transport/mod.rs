//! Peer transport over tonic gRPC.
