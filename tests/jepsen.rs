//! Jepsen-style tests (placeholder doc, completed below).

#[path = "jepsen/checker/mod.rs"]
mod checker;
#[path = "jepsen/history.rs"]
mod history;
