//! The services (an extension): memory objects, semaphores and named pipes declared before
//! the run, and the services' steps.

use super::steps::OpKind;
use kernel::{Access, PipeMode, ReceivePolicy, Width};

/// How many bytes a `pipe_read` asks for when the step gives no `max`.
pub const DEFAULT_PIPE_READ_MAX: u32 = 4096;

/// A `[[memory]]`: a memory object that exists before any task runs (an extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemorySpec {
    /// The object's label (`name`), unique among all labels of the file (ports, sets,
    /// memory objects and semaphores share one name space).
    pub label: String,
    /// Its size in bytes, 1 to the kernel's largest memory object
    /// (`kernel::DEFAULT_MAX_MEMORY_OBJECT_BYTES`); it starts zeroed.
    pub size: u32,
    /// Tasks given one send right each, naming the object; at least one, each once.
    pub holders: Vec<String>,
    /// 1-based line of the `[[memory]]` header.
    pub line: u32,
    /// 1-based column of the `[[memory]]` header.
    pub column: u32,
}

/// A `[[semaphore]]`: a counting semaphore that exists before any task runs (an extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemaphoreSpec {
    /// The semaphore's label (`name`), unique among all labels of the file.
    pub label: String,
    /// Its initial count (default 0).
    pub value: u32,
    /// Tasks given one send right each, naming the semaphore; at least one, each once.
    pub holders: Vec<String>,
    /// 1-based line of the `[[semaphore]]` header.
    pub line: u32,
    /// 1-based column of the `[[semaphore]]` header.
    pub column: u32,
}

/// A `[[named_pipe]]`: a named pipe that exists before any task runs (an extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedPipeSpec {
    /// Its path in the kernel's name space, unique among `[[named_pipe]]`s.
    pub path: String,
    /// A UNIX FIFO or a Windows-style duplex pipe (default `fifo`).
    pub mode: PipeMode,
    /// Its buffer capacity per direction, in bytes (default the kernel's pipe capacity,
    /// `kernel::services::DEFAULT_CAPACITY`; 1 to `kernel::services::MAX_CAPACITY`).
    pub capacity: u32,
    /// 1-based line of the `[[named_pipe]]` header.
    pub line: u32,
    /// 1-based column of the `[[named_pipe]]` header.
    pub column: u32,
}

/// A service's step, as the file writes it: objects by label, mappings and pipe ends by
/// task-local handle names, which the interpreter resolves when the step runs (the kernel's
/// own `kernel::ServiceOp` is the call it then makes, with names and handles).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServiceOp {
    /// `memory_create`: makes a zeroed memory object; the task gets a send right naming it.
    MemoryCreate {
        /// The new object's label, unique among all labels of the file.
        object: String,
        /// Its size in bytes (the kernel refuses 0 and over 64 MiB with `invalid_value`).
        size: u32,
    },
    /// `memory_from_ool`: makes a memory object from an out-of-line region of the task's
    /// last received message, by virtual copy.
    MemoryFromOol {
        /// The new object's label, unique among all labels of the file.
        object: String,
        /// The region's position in the message body, counting from 0; `None`: the first
        /// out-of-line item.
        item: Option<u32>,
    },
    /// `memory_map`: maps a memory object the task names.
    MemoryMap {
        /// The object's label (a `[[memory]]`, `memory_create` or `memory_from_ool`).
        object: String,
        /// The task-local handle name the mapping gets.
        mapping: String,
    },
    /// `memory_read`: reads a little-endian value through a mapping.
    MemoryRead {
        /// A mapping's handle name.
        mapping: String,
        /// The byte offset (default 0).
        offset: u32,
        /// How many bytes (default `u64`).
        width: Width,
        /// The value the read must return, when given; it fits `width`.
        expect_value: Option<u64>,
    },
    /// `memory_write`: writes a little-endian value through a mapping.
    MemoryWrite {
        /// A mapping's handle name.
        mapping: String,
        /// The byte offset (default 0).
        offset: u32,
        /// How many bytes (default `u64`).
        width: Width,
        /// The value; it fits `width`.
        value: u64,
    },
    /// `memory_unmap`: unmaps a mapping.
    MemoryUnmap {
        /// A mapping's handle name.
        mapping: String,
    },
    /// `semaphore_create`: makes a counting semaphore; the task gets a send right naming it.
    SemaphoreCreate {
        /// The new semaphore's label, unique among all labels of the file.
        semaphore: String,
        /// Its initial count (default 0).
        value: u32,
    },
    /// `semaphore_wait`: takes a unit, waiting as `on_empty` says while the count is 0.
    SemaphoreWait {
        /// The semaphore's label.
        semaphore: String,
        /// `"block"`: `semaphore_wait`; `"no_wait"`: `semaphore_timedwait` with 0;
        /// `{ timeout_ms = N }`: `semaphore_timedwait` with N (the same words as a
        /// `receive`'s `on_empty`).
        on_empty: ReceivePolicy,
    },
    /// `semaphore_signal`: gives a unit to the first waiter, or to the count.
    SemaphoreSignal {
        /// The semaphore's label.
        semaphore: String,
    },
    /// `semaphore_destroy`: destroys the semaphore; its waiters get `terminated` and every
    /// right naming it becomes a dead name.
    SemaphoreDestroy {
        /// The semaphore's label.
        semaphore: String,
    },
    /// `pipe`: makes a pipe; the task gets its two ends as handles.
    Pipe {
        /// The handle name of the read end.
        read: String,
        /// The handle name of the write end (not the same as `read`).
        write: String,
        /// The capacity in bytes (default the kernel's; the kernel refuses 0 and over
        /// 1 MiB with `invalid_value`).
        capacity: u32,
    },
    /// `pipe_write`: writes bytes to a pipe end.
    PipeWrite {
        /// A write end's handle name.
        handle: String,
        /// The bytes.
        data: PipeData,
        /// What to do when the pipe is full (default `block`).
        on_full: PipePolicy,
        /// How many bytes the write must report written, when given.
        expect_written: Option<u32>,
    },
    /// `pipe_read`: reads up to `max` bytes from a pipe end.
    PipeRead {
        /// A read end's handle name.
        handle: String,
        /// The most bytes to return (default [`DEFAULT_PIPE_READ_MAX`]).
        max: u32,
        /// What to do when the pipe is empty (default `block`).
        on_empty: PipePolicy,
        /// What the read must return, when given.
        expect_data: Option<ExpectedData>,
    },
    /// `pipe_close`: closes a pipe end.
    PipeClose {
        /// The end's handle name.
        handle: String,
    },
    /// `named_pipe_create`: makes a named pipe.
    NamedPipeCreate {
        /// Its path.
        path: String,
        /// FIFO or duplex (default `fifo`).
        mode: PipeMode,
        /// Capacity per direction in bytes (default the kernel's; the kernel refuses 0 and
        /// over 1 MiB with `invalid_value`).
        capacity: u32,
    },
    /// `named_pipe_open`: opens a named pipe; the task gets a handle.
    NamedPipeOpen {
        /// Its path.
        path: String,
        /// For reading, writing or both (a FIFO), or as a client (a duplex pipe).
        access: Access,
        /// The handle name the end gets.
        handle: String,
        /// Fail with `would_block` rather than wait for the other side (default false).
        no_wait: bool,
    },
    /// `named_pipe_accept`: as a duplex pipe's server, takes one client.
    NamedPipeAccept {
        /// Its path.
        path: String,
        /// The handle name the server's end of the client's instance gets.
        handle: String,
        /// Fail with `would_block` rather than wait for a client (default false).
        no_wait: bool,
    },
    /// `named_pipe_unlink`: removes a named pipe's name.
    NamedPipeUnlink {
        /// Its path.
        path: String,
    },
}

impl ServiceOp {
    /// The op's name as scenario files spell it.
    pub fn kind(&self) -> OpKind {
        match self {
            Self::MemoryCreate { .. } => OpKind::MemoryCreate,
            Self::MemoryFromOol { .. } => OpKind::MemoryFromOol,
            Self::MemoryMap { .. } => OpKind::MemoryMap,
            Self::MemoryRead { .. } => OpKind::MemoryRead,
            Self::MemoryWrite { .. } => OpKind::MemoryWrite,
            Self::MemoryUnmap { .. } => OpKind::MemoryUnmap,
            Self::SemaphoreCreate { .. } => OpKind::SemaphoreCreate,
            Self::SemaphoreWait { .. } => OpKind::SemaphoreWait,
            Self::SemaphoreSignal { .. } => OpKind::SemaphoreSignal,
            Self::SemaphoreDestroy { .. } => OpKind::SemaphoreDestroy,
            Self::Pipe { .. } => OpKind::Pipe,
            Self::PipeWrite { .. } => OpKind::PipeWrite,
            Self::PipeRead { .. } => OpKind::PipeRead,
            Self::PipeClose { .. } => OpKind::PipeClose,
            Self::NamedPipeCreate { .. } => OpKind::NamedPipeCreate,
            Self::NamedPipeOpen { .. } => OpKind::NamedPipeOpen,
            Self::NamedPipeAccept { .. } => OpKind::NamedPipeAccept,
            Self::NamedPipeUnlink { .. } => OpKind::NamedPipeUnlink,
        }
    }
}

/// What a `pipe_write` writes: one of `str`, `bytes` or `fill`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PipeData {
    /// `str = "text"`: the text's UTF-8 bytes (no terminating NUL, as `write(2)` of a string).
    Str(String),
    /// `bytes = "0a1b"`: the bytes the hex string spells.
    Bytes(Vec<u8>),
    /// `fill = N`: N zero bytes.
    Fill(u32),
}

impl PipeData {
    /// The bytes written.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Self::Str(text) => text.as_bytes().to_vec(),
            Self::Bytes(bytes) => bytes.clone(),
            Self::Fill(n) => vec![0; *n as usize],
        }
    }

    /// How many bytes are written.
    pub fn len(&self) -> usize {
        match self {
            Self::Str(text) => text.len(),
            Self::Bytes(bytes) => bytes.len(),
            Self::Fill(n) => *n as usize,
        }
    }

    /// Whether nothing is written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a `pipe_read` must return (`expect_data`): one of `str`, `bytes` or `size`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectedData {
    /// `{ str = "text" }`: exactly the text's UTF-8 bytes.
    Str(String),
    /// `{ bytes = "0a1b" }`: exactly these bytes.
    Bytes(Vec<u8>),
    /// `{ size = N }`: N bytes, whatever they are.
    Size(u32),
}

impl ExpectedData {
    /// How many bytes it expects.
    pub fn len(&self) -> usize {
        match self {
            Self::Str(text) => text.len(),
            Self::Bytes(bytes) => bytes.len(),
            Self::Size(n) => *n as usize,
        }
    }

    /// Whether it expects no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `data` is what it expects.
    pub fn matches(&self, data: &[u8]) -> bool {
        match self {
            Self::Str(text) => text.as_bytes() == data,
            Self::Bytes(bytes) => bytes.as_slice() == data,
            Self::Size(n) => data.len() == *n as usize,
        }
    }
}

/// `on_full` of a `pipe_write` and `on_empty` of a `pipe_read`: POSIX's blocking and
/// `O_NONBLOCK` (pipes have no timeouts).
///
/// The kernel's pipe calls take a `no_wait` flag; the file names the two policies with the
/// words a send or receive policy uses, so the model keeps them as words too.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PipePolicy {
    /// `"block"` (the default): wait for room (a write) or data (a read).
    #[default]
    Block,
    /// `"no_wait"`: do what can be done at once; a write that can write nothing and a read
    /// that finds nothing return `would_block` (POSIX `EAGAIN`).
    NoWait,
}

impl PipePolicy {
    /// The kernel call's `no_wait` flag.
    pub fn no_wait(self) -> bool {
        self == Self::NoWait
    }
}
