//! The services' words only the trace needs: which side of a pipe, what a task
//! waits to do on a named pipe.

use ports::service::Access;

ports::word_enum! {
    /// A side of a pipe: an end a task holds (`pipe_end_opened`'s `end`) or the
    /// operation it waits to do (`pipe_blocked`'s `op`).
    pub enum PipeSide {
        /// The read side.
        Read = "read",
        /// The write side.
        Write = "write",
    }
}

ports::word_enum! {
    /// What a task waits to do on a named pipe (`named_pipe_waiting`'s `access`):
    /// open it, as the open's [`Access`] says, or, as a duplex server, accept a client.
    pub enum NamedPipeWait {
        /// Open a FIFO's read end.
        Read = "read",
        /// Open a FIFO's write end.
        Write = "write",
        /// Open both ends of a FIFO, or a duplex pipe as a client.
        ReadWrite = "read_write",
        /// Accept a client of a duplex pipe.
        Accept = "accept",
    }
}

impl NamedPipeWait {
    /// The access of an open, or `None` for an accept.
    pub const fn access(self) -> Option<Access> {
        match self {
            NamedPipeWait::Read => Some(Access::Read),
            NamedPipeWait::Write => Some(Access::Write),
            NamedPipeWait::ReadWrite => Some(Access::ReadWrite),
            NamedPipeWait::Accept => None,
        }
    }
}

impl From<Access> for NamedPipeWait {
    fn from(access: Access) -> Self {
        match access {
            Access::Read => NamedPipeWait::Read,
            Access::Write => NamedPipeWait::Write,
            Access::ReadWrite => NamedPipeWait::ReadWrite,
        }
    }
}
