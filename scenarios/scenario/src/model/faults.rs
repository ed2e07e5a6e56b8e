//! Faults: what is done to the system from outside, at a virtual time.

/// A `[[fault]]`: something done to the system from outside, at a virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// When, in virtual milliseconds; applied before any task step at that instant.
    pub at_ms: u64,
    /// What is done.
    pub action: FaultAction,
    /// 1-based line of the `[[fault]]` header.
    pub line: u32,
    /// 1-based column of the `[[fault]]` header.
    pub column: u32,
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// `kill = "task"`: the task dies as if it crashed.
    Kill(String),
    /// `destroy = "label"`: the port's receive right is destroyed, wherever it is.
    Destroy(String),
}
