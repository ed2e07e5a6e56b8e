//! The services' words that tasks, scenario files and traces share.
//!
//! The services (named pipes among them) are the kernel's; what a task passes to
//! them and a trace shows of them is vocabulary, kept here as plain data.

crate::word_enum! {
    /// The kind of a named pipe.
    pub enum PipeMode {
        /// A UNIX FIFO: one byte stream, one way per open.
        Fifo = "fifo",
        /// A Windows named pipe: each client gets its own two-way instance.
        Duplex = "duplex",
    }
}

crate::word_enum! {
    /// How a named pipe is opened.
    pub enum Access {
        /// The read end of a FIFO.
        Read = "read",
        /// The write end of a FIFO.
        Write = "write",
        /// Both ends of a FIFO, or a duplex client's end.
        ReadWrite = "read_write",
    }
}
