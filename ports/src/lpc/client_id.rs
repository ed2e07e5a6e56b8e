//! A thread's client id (`CLIENT_ID`): how LPC names the task a reply goes to.

use serde::{Deserialize, Serialize};
use std::fmt;

/// NT's `CLIENT_ID {UniqueProcess, UniqueThread}`, stamped by the kernel on every
/// message a task sends; a reply names its waiting task by it.
///
/// A machsim task is a process with one thread, so both numbers are the same; the
/// kernel hands them out from one counter and never reuses one in a run.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct ClientId {
    /// `UniqueProcess`.
    pub process: u32,
    /// `UniqueThread`.
    pub thread: u32,
}

impl ClientId {
    /// The id of the one-thread process numbered `n`.
    pub const fn of_task(n: u32) -> ClientId {
        ClientId {
            process: n,
            thread: n,
        }
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.process, self.thread)
    }
}
