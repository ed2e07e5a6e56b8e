//! The scenario model: what a scenario file says, as plain typed data.
//!
//! [`crate::syntax::parse`] produces it and the kernel lowering consumes it.
//! Everything here has already been checked against `docs/spec/scenario-format.md`, so a consumer
//! can match exhaustively without validating again, and every default is filled in, so a key
//! left out and its default spelled out give the same model.
//! Source lines are kept wherever a run report has to point back into the file
//! ("the step (its line in the file)"), and maps are `BTreeMap`s so that reports and traces
//! list them in one stable order.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The largest queue limit a `[[port]]` or `allocate` step may ask for (Mach's qlimit maximum).
pub const MAX_CAPACITY: u32 = 1024;

/// How deep `repeat` steps may nest; deeper is an error of the file.
pub const MAX_REPEAT_DEPTH: u32 = 16;

/// How deep TOML arrays and tables may nest; deeper is refused before TOML parsing starts.
pub const MAX_NESTING: usize = 64;

/// The virtual-time limit of a run when `[scenario]` gives no `time_limit_ms`.
pub const DEFAULT_TIME_LIMIT_MS: u64 = 60_000;

/// The kernel-step limit of a run when `[scenario]` gives no `step_limit`.
pub const DEFAULT_STEP_LIMIT: u64 = 1_000_000;

/// The largest `[[memory]]` object, in bytes (the kernel's limit, 64 MiB).
pub const MAX_MEMORY_SIZE: u32 = 64 << 20;

/// A pipe's or named pipe's capacity in bytes when the file gives none (POSIX's usual 4096).
pub const DEFAULT_PIPE_CAPACITY: u32 = 4096;

/// The largest capacity a `[[named_pipe]]` may have, in bytes (the kernel's limit, 1 MiB).
pub const MAX_PIPE_CAPACITY: u32 = 1 << 20;

/// How many bytes a `pipe_read` asks for when the step gives no `max`.
pub const DEFAULT_PIPE_READ_MAX: u32 = 4096;

/// A whole scenario file, validated.
///
/// Built only when the file has no error at all, so every cross-reference in it holds:
/// each task, label and spawn target named anywhere is declared.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The file name the scenario was parsed from, as given to `parse`; reports print it.
    pub source_name: String,
    /// `[scenario] name`: what the run report calls this scenario.
    pub name: String,
    /// `[scenario] description`, if any.
    pub description: Option<String>,
    /// `[scenario] seed` (default 0); the command line's `--seed` overrides it.
    pub seed: u64,
    /// `[scenario] schedule` (default round robin); `--schedule` overrides it.
    pub schedule: Schedule,
    /// Virtual-time limit in milliseconds (default [`DEFAULT_TIME_LIMIT_MS`]).
    pub time_limit_ms: u64,
    /// Kernel-step limit (default [`DEFAULT_STEP_LIMIT`]); each executed step counts one.
    pub step_limit: u64,
    /// The `[[port]]`s, in file order, which is the order they are created in.
    pub ports: Vec<PortSpec>,
    /// The `[[port_set]]`s, in file order, created after the ports they contain.
    pub port_sets: Vec<PortSetSpec>,
    /// The `[[task]]`s, in file order; names are unique.
    pub tasks: Vec<TaskSpec>,
    /// The `[[fault]]`s, in file order (not sorted by time: two faults at one instant keep
    /// the order the file gives them).
    pub faults: Vec<Fault>,
    /// The `[[memory]]` objects (an extension), in file order, made after the port sets.
    pub memory: Vec<MemorySpec>,
    /// The `[[semaphore]]`s (an extension), in file order, made after the memory objects.
    pub semaphores: Vec<SemaphoreSpec>,
    /// The `[[named_pipe]]`s (an extension), in file order, made after the semaphores.
    pub named_pipes: Vec<NamedPipeSpec>,
    /// The `[expect]` table, or its defaults when the file has none.
    pub expect: Expect,
}

impl Scenario {
    /// The declared task with this name, if any.
    pub fn task(&self, name: &str) -> Option<&TaskSpec> {
        self.tasks.iter().find(|task| task.name == name)
    }
}

/// A value together with where the file wrote it.
///
/// Used for expectations, which a run report prints next to their line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// 1-based line of the value in the file.
    pub line: u32,
    /// 1-based column (in characters) of the value in the file.
    pub column: u32,
}

/// A `[[port]]`: a port that exists before any task runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    /// The port's label (`name`), unique among all labels of the file.
    pub label: String,
    /// The task holding the receive right, and only that right.
    pub receiver: String,
    /// The queue limit (default 5, Mach's default qlimit).
    pub capacity: Capacity,
    /// Tasks given one send right each (one user reference), made as `make_send` makes one,
    /// so each counts in the port's make-send count. No task appears twice.
    pub senders: Vec<String>,
    /// 1-based line of the `[[port]]` header.
    pub line: u32,
    /// 1-based column of the `[[port]]` header.
    pub column: u32,
}

/// A `[[port_set]]`: a port set that exists before any task runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSetSpec {
    /// The set's label (`name`), unique among all labels of the file.
    pub label: String,
    /// The task holding the set; it holds the receive right of every member.
    pub receiver: String,
    /// The member ports: `[[port]]`s received by `receiver`, or `receiver`'s own notify port.
    /// Each port is in at most one set.
    pub members: Vec<PortRef>,
    /// 1-based line of the `[[port_set]]` header.
    pub line: u32,
    /// 1-based column of the `[[port_set]]` header.
    pub column: u32,
}

/// A `[[memory]]`: a memory object that exists before any task runs (an extension).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemorySpec {
    /// The object's label (`name`), unique among all labels of the file (ports, sets,
    /// memory objects and semaphores share one name space).
    pub label: String,
    /// Its size in bytes, 1 to [`MAX_MEMORY_SIZE`]; it starts zeroed.
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
    /// Its buffer capacity per direction, in bytes (default [`DEFAULT_PIPE_CAPACITY`],
    /// 1 to [`MAX_PIPE_CAPACITY`]).
    pub capacity: u32,
    /// 1-based line of the `[[named_pipe]]` header.
    pub line: u32,
    /// 1-based column of the `[[named_pipe]]` header.
    pub column: u32,
}

/// A `[[task]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskSpec {
    /// The task's name, unique among tasks.
    pub name: String,
    /// Virtual time at which it becomes runnable (default 0); always 0 for spawned tasks.
    pub start_ms: u64,
    /// True: not started at the beginning, only by another task's `spawn` step.
    pub spawned: bool,
    /// What the task does.
    pub body: TaskBody,
    /// 1-based line of the `[[task]]` header.
    pub line: u32,
    /// 1-based column of the `[[task]]` header.
    pub column: u32,
}

/// What a task runs: a script of steps, or a program written in Rust.
#[derive(Clone, Debug, PartialEq)]
pub enum TaskBody {
    /// `steps = [...]` or `[[task.steps]]`: a script, run in order.
    Steps(Vec<Step>),
    /// `program = "..."`: a task registered by name, with its arguments.
    Program {
        /// The registered program's name (the registry confirmed it exists).
        name: String,
        /// `args`, as written (an empty table when absent); the program interprets them,
        /// so they are kept as plain TOML rather than typed here.
        args: toml::Table,
    },
}

/// One step of a task's script.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// What the step does.
    pub op: Op,
    /// The result the step must return (default: `success`).
    pub expect: ExpectedResult,
    /// 1-based line of the step (its `{` or its `[[task.steps]]` header).
    pub line: u32,
    /// 1-based column of the step.
    pub column: u32,
}

/// A step's operation, with every key typed and defaulted.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// `send`: sends one message.
    Send(SendOp),
    /// `receive`: receives one message, which becomes the task's last message.
    Receive(ReceiveOp),
    /// `allocate`: creates a port; the task holds its receive right.
    Allocate {
        /// The new port's label, unique among all labels of the file.
        port: String,
        /// Its queue limit (default 5, at most [`MAX_CAPACITY`]).
        capacity: Capacity,
    },
    /// `make_send`: adds one user reference of a send right (receive right needed).
    MakeSend {
        /// The port.
        port: PortRef,
    },
    /// `deallocate`: drops one user reference of a send, send-once or dead-name right.
    Deallocate {
        /// The port.
        port: PortRef,
    },
    /// `destroy`: destroys every right the task holds under that label.
    Destroy {
        /// The port.
        port: PortRef,
    },
    /// `set_capacity`: changes the queue limit (receive right needed).
    SetCapacity {
        /// The port.
        port: PortRef,
        /// The new limit. Not bounded by [`MAX_CAPACITY`] here: a value over it returns
        /// `invalid_value` when the step runs, as Mach does.
        capacity: Capacity,
    },
    /// `request_notification`: asks for one notification about a port.
    RequestNotification {
        /// The port the notification is about.
        port: PortRef,
        /// Which notification.
        kind: NotificationRequest,
        /// Where the notification goes (default: the task's notify port).
        notify: PortRef,
        /// Mach's `sync` argument (default 0): for `no_senders`, the make-send count the
        /// request is relative to.
        sync: u32,
    },
    /// `add_to_set`: makes a port a member of a port set.
    AddToSet {
        /// The port.
        port: PortRef,
        /// The set's label (a `[[port_set]]`).
        set: String,
    },
    /// `remove_from_set`: takes a port out of a port set.
    RemoveFromSet {
        /// The port.
        port: PortRef,
        /// The set's label (a `[[port_set]]`).
        set: String,
    },
    /// `expect_right`: checks exactly what the task holds under a label.
    ExpectRight {
        /// The port.
        port: PortRef,
        /// What the task must hold.
        is: RightExpectation,
        /// The user-reference count it must have, when given (default: any).
        urefs: Option<u32>,
    },
    /// `sleep`: the task sleeps for `ms` of virtual time.
    Sleep {
        /// How long.
        ms: u64,
    },
    /// `repeat`: runs the nested steps `times` times; each iteration is one kernel step.
    Repeat {
        /// How many times.
        times: u32,
        /// The steps of one iteration (nested at most [`MAX_REPEAT_DEPTH`] deep).
        steps: Vec<Step>,
    },
    /// `spawn`: starts a declared task with `spawned = true` as this task's child.
    Spawn {
        /// The task to start.
        task: String,
    },
    /// `exit`: ends the task normally.
    Exit {
        /// The exit code (default 0).
        code: i32,
    },
    /// `crash`: ends the task abnormally, as a fault.
    Crash {
        /// Why, for the report, when given.
        reason: Option<String>,
    },
    /// `memory_create` (an extension): makes a zeroed memory object; the task gets a send
    /// right naming it.
    MemoryCreate {
        /// The new object's label, unique among all labels of the file.
        object: String,
        /// Its size in bytes (the kernel refuses 0 and over 64 MiB with `invalid_value`).
        size: u32,
    },
    /// `memory_from_ool` (an extension): makes a memory object from an out-of-line region
    /// of the task's last received message, by virtual copy.
    MemoryFromOol {
        /// The new object's label, unique among all labels of the file.
        object: String,
        /// The region's position in the message body, counting from 0; `None`: the first
        /// out-of-line item.
        item: Option<u32>,
    },
    /// `memory_map` (an extension): maps a memory object the task names.
    MemoryMap {
        /// The object's label (a `[[memory]]`, `memory_create` or `memory_from_ool`).
        object: String,
        /// The task-local handle name the mapping gets.
        mapping: String,
    },
    /// `memory_read` (an extension): reads a little-endian value through a mapping.
    MemoryRead {
        /// A mapping's handle name.
        mapping: String,
        /// The byte offset (default 0).
        offset: u32,
        /// How many bytes (default `u64`).
        width: MemoryWidth,
        /// The value the read must return, when given; it fits `width`.
        expect_value: Option<u64>,
    },
    /// `memory_write` (an extension): writes a little-endian value through a mapping.
    MemoryWrite {
        /// A mapping's handle name.
        mapping: String,
        /// The byte offset (default 0).
        offset: u32,
        /// How many bytes (default `u64`).
        width: MemoryWidth,
        /// The value; it fits `width`.
        value: u64,
    },
    /// `memory_unmap` (an extension): unmaps a mapping.
    MemoryUnmap {
        /// A mapping's handle name.
        mapping: String,
    },
    /// `semaphore_create` (an extension): makes a counting semaphore; the task gets a send
    /// right naming it.
    SemaphoreCreate {
        /// The new semaphore's label, unique among all labels of the file.
        semaphore: String,
        /// Its initial count (default 0).
        value: u32,
    },
    /// `semaphore_wait` (an extension): takes a unit, waiting as `on_empty` says while the
    /// count is 0.
    SemaphoreWait {
        /// The semaphore's label.
        semaphore: String,
        /// `"block"`: `semaphore_wait`; `"no_wait"`: `semaphore_timedwait` with 0;
        /// `{ timeout_ms = N }`: `semaphore_timedwait` with N (the same words as a
        /// `receive`'s `on_empty`).
        on_empty: ReceivePolicy,
    },
    /// `semaphore_signal` (an extension): gives a unit to the first waiter, or to the count.
    SemaphoreSignal {
        /// The semaphore's label.
        semaphore: String,
    },
    /// `semaphore_destroy` (an extension): destroys the semaphore; its waiters get
    /// `terminated` and every right naming it becomes a dead name.
    SemaphoreDestroy {
        /// The semaphore's label.
        semaphore: String,
    },
    /// `pipe` (an extension): makes a pipe; the task gets its two ends as handles.
    Pipe {
        /// The handle name of the read end.
        read: String,
        /// The handle name of the write end (not the same as `read`).
        write: String,
        /// The capacity in bytes (default [`DEFAULT_PIPE_CAPACITY`]; the kernel refuses 0
        /// and over 1 MiB with `invalid_value`).
        capacity: u32,
    },
    /// `pipe_write` (an extension): writes bytes to a pipe end.
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
    /// `pipe_read` (an extension): reads up to `max` bytes from a pipe end.
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
    /// `pipe_close` (an extension): closes a pipe end.
    PipeClose {
        /// The end's handle name.
        handle: String,
    },
    /// `named_pipe_create` (an extension): makes a named pipe.
    NamedPipeCreate {
        /// Its path.
        path: String,
        /// FIFO or duplex (default `fifo`).
        mode: PipeMode,
        /// Capacity per direction in bytes (default [`DEFAULT_PIPE_CAPACITY`]; the kernel
        /// refuses 0 and over 1 MiB with `invalid_value`).
        capacity: u32,
    },
    /// `named_pipe_open` (an extension): opens a named pipe; the task gets a handle.
    NamedPipeOpen {
        /// Its path.
        path: String,
        /// For reading, writing or both (a FIFO), or as a client (a duplex pipe).
        access: PipeAccess,
        /// The handle name the end gets.
        handle: String,
        /// Fail with `would_block` rather than wait for the other side (default false).
        no_wait: bool,
    },
    /// `named_pipe_accept` (an extension): as a duplex pipe's server, takes one client.
    NamedPipeAccept {
        /// Its path.
        path: String,
        /// The handle name the server's end of the client's instance gets.
        handle: String,
        /// Fail with `would_block` rather than wait for a client (default false).
        no_wait: bool,
    },
    /// `named_pipe_unlink` (an extension): removes a named pipe's name.
    NamedPipeUnlink {
        /// Its path.
        path: String,
    },
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
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PipePolicy {
    /// `"block"` (the default): wait for room (a write) or data (a read).
    #[default]
    Block,
    /// `"no_wait"`: do what can be done at once; a write that can write nothing and a read
    /// that finds nothing return `would_block` (POSIX `EAGAIN`).
    NoWait,
}

impl Op {
    /// The op's name as scenario files spell it.
    pub fn kind(&self) -> OpKind {
        match self {
            Self::Send(_) => OpKind::Send,
            Self::Receive(_) => OpKind::Receive,
            Self::Allocate { .. } => OpKind::Allocate,
            Self::MakeSend { .. } => OpKind::MakeSend,
            Self::Deallocate { .. } => OpKind::Deallocate,
            Self::Destroy { .. } => OpKind::Destroy,
            Self::SetCapacity { .. } => OpKind::SetCapacity,
            Self::RequestNotification { .. } => OpKind::RequestNotification,
            Self::AddToSet { .. } => OpKind::AddToSet,
            Self::RemoveFromSet { .. } => OpKind::RemoveFromSet,
            Self::ExpectRight { .. } => OpKind::ExpectRight,
            Self::Sleep { .. } => OpKind::Sleep,
            Self::Repeat { .. } => OpKind::Repeat,
            Self::Spawn { .. } => OpKind::Spawn,
            Self::Exit { .. } => OpKind::Exit,
            Self::Crash { .. } => OpKind::Crash,
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

/// A `send` step.
#[derive(Clone, Debug, PartialEq)]
pub struct SendOp {
    /// Where the message goes.
    pub target: SendTarget,
    /// The message id, Mach's `msgh_id` (default 0).
    pub id: i32,
    /// The typed items, in order (default none). Every port item has a disposition.
    pub body: Vec<BodyItem>,
    /// The reply port, if any (Mach's `msgh_local_port`).
    pub reply: Option<PortRef>,
    /// How the reply right is sent (default `make_send_once`).
    pub reply_right: Disposition,
    /// The right the message is sent with; `None` means the task's send right, else its
    /// send-once right. When given, it is one of the five send dispositions
    /// (never `move_receive`).
    pub right: Option<Disposition>,
    /// What to do when the queue is full (default `block`).
    pub on_full: SendPolicy,
}

/// Where a `send` step sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendTarget {
    /// `port = "label"`: a port, through a right the task holds.
    Port(PortRef),
    /// `port = "@reply"`: the reply right of this task's last received message.
    Reply,
    /// `task = "name"`: direct naming, to that task's direct mailbox.
    Task(String),
}

/// A `receive` step.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceiveOp {
    /// Where the message comes from.
    pub source: ReceiveSource,
    /// What to do when nothing is queued (default `block`).
    pub on_empty: ReceivePolicy,
    /// The largest message accepted, in Mach's `msgh_size` bytes (default: no limit).
    pub max_bytes: Option<u32>,
    /// Whether a too-large message stays queued (`MACH_RCV_LARGE`) rather than being destroyed.
    pub large: bool,
    /// The message id the received message must have, when given.
    pub expect_id: Option<i32>,
    /// The items the received message must have, when given (port items may omit the
    /// disposition: then only the port is compared).
    pub expect_body: Option<Vec<BodyItem>>,
    /// The notification kind the received message must be, when given.
    pub expect_notification: Option<NotificationKind>,
}

/// Where a `receive` step receives from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiveSource {
    /// `port = "label"`: a port, a port set, or the task's notify port.
    Port(PortRef),
    /// `from = "name"`: the oldest message that task sent to this task directly (symmetric).
    Task(String),
    /// `from = "any"`: the oldest message sent to this task directly (asymmetric).
    AnyTask,
}

/// A reference to a port (or port set) from inside a task.
///
/// `"kernel"` and `"notify"` are each task's own ports, so they are not labels: they mean
/// a different port in every task.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortRef {
    /// The task's kernel port (it holds one send right; the kernel receives).
    Kernel,
    /// The task's notify port (it holds the receive right and no send right).
    Notify,
    /// A port or port set declared by `[[port]]`, `[[port_set]]` or an `allocate` step.
    Label(String),
}

impl PortRef {
    /// The spelling used in scenario files.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Kernel => "kernel",
            Self::Notify => "notify",
            Self::Label(label) => label,
        }
    }
}

impl fmt::Display for PortRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One typed item of a message body, in the order written.
#[derive(Clone, Debug, PartialEq)]
pub enum BodyItem {
    /// `{ u8 = N }`.
    U8(u8),
    /// `{ u16 = N }`.
    U16(u16),
    /// `{ u32 = N }`.
    U32(u32),
    /// `{ u64 = N }`.
    U64(u64),
    /// `{ i8 = N }`.
    I8(i8),
    /// `{ i16 = N }`.
    I16(i16),
    /// `{ i32 = N }`.
    I32(i32),
    /// `{ i64 = N }`.
    I64(i64),
    /// `{ bool = B }`.
    Bool(bool),
    /// `{ f64 = X }` (an integer is accepted and converted).
    F64(f64),
    /// `{ str = "text" }`.
    Str(String),
    /// `{ bytes = "0a1b" }`: the bytes the hex string spells.
    Bytes(Vec<u8>),
    /// `{ fill = N }`: N inline bytes; `expect_body` compares only the size.
    Fill(u32),
    /// `{ ool = N }`: N bytes of out-of-line memory, passed by virtual copy; `expect_body`
    /// compares only the size.
    Ool(u32),
    /// `{ port = "label", disposition = "..." }`: a port right.
    Port {
        /// The port.
        port: PortRef,
        /// How the right is sent. Always present in a `send` body; optional in
        /// `expect_body`, where the port alone is compared when it is absent.
        disposition: Option<Disposition>,
    },
}

impl BodyItem {
    /// The item's type key as scenario files spell it.
    pub fn kind(&self) -> ItemKind {
        match self {
            Self::U8(_) => ItemKind::U8,
            Self::U16(_) => ItemKind::U16,
            Self::U32(_) => ItemKind::U32,
            Self::U64(_) => ItemKind::U64,
            Self::I8(_) => ItemKind::I8,
            Self::I16(_) => ItemKind::I16,
            Self::I32(_) => ItemKind::I32,
            Self::I64(_) => ItemKind::I64,
            Self::Bool(_) => ItemKind::Bool,
            Self::F64(_) => ItemKind::F64,
            Self::Str(_) => ItemKind::Str,
            Self::Bytes(_) => ItemKind::Bytes,
            Self::Fill(_) => ItemKind::Fill,
            Self::Ool(_) => ItemKind::Ool,
            Self::Port { .. } => ItemKind::Port,
        }
    }
}

/// A port's queue limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Capacity {
    /// At most this many queued messages; 0 is a rendezvous (always full).
    Bounded(u32),
    /// `"unbounded"`: the queue is never full.
    Unbounded,
}

impl Capacity {
    /// Mach's default queue limit, used when the file gives none.
    pub const DEFAULT: Self = Self::Bounded(5);
}

impl Default for Capacity {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// `on_full`: what a send does when the destination queue is full.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SendPolicy {
    /// `"block"` (the default): wait for a free slot.
    #[default]
    Block,
    /// `"no_wait"`: fail at once with `send_timed_out` (Mach: a zero timeout).
    NoWait,
    /// `"notify"`: queue beyond the limit and return `send_will_notify` (`MACH_SEND_NOTIFY`).
    Notify,
    /// `{ timeout_ms = N }`: wait at most N ms, then fail with `send_timed_out`.
    Timeout(u64),
    /// `{ notify_after_ms = N }`: wait at most N ms, then act as `"notify"`.
    NotifyAfter(u64),
}

/// `on_empty`: what a receive does when nothing is queued.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReceivePolicy {
    /// `"block"` (the default): wait for a message.
    #[default]
    Block,
    /// `"no_wait"`: fail at once with `rcv_timed_out`.
    NoWait,
    /// `{ timeout_ms = N }`: wait at most N ms, then fail with `rcv_timed_out`.
    Timeout(u64),
}

/// What a step must return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ExpectedResult {
    /// No `expect` key: the step must return `success`.
    #[default]
    Success,
    /// `expect = "name"`: exactly this result.
    One(ResultName),
    /// `expect = ["a", "b"]`: any of these (never empty).
    AnyOf(Vec<ResultName>),
    /// `expect = "any"`: whatever the step returns.
    Any,
}

impl ExpectedResult {
    /// Whether a step that returned `result` meets this expectation.
    pub fn allows(&self, result: ResultName) -> bool {
        match self {
            Self::Success => result == ResultName::Success,
            Self::One(expected) => *expected == result,
            Self::AnyOf(expected) => expected.contains(&result),
            Self::Any => true,
        }
    }
}

/// The `[expect]` table: what the run as a whole must show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    /// How the run must end (default `completed`).
    pub outcome: Outcome,
    /// 1-based line of `outcome`, when the file gives one.
    pub outcome_line: Option<u32>,
    /// Messages received from each port, by port label.
    pub delivered: BTreeMap<String, Located<u64>>,
    /// Messages left in each port's queue at the end, by port label.
    pub queued: BTreeMap<String, Located<u64>>,
    /// How each named task must end, by task name.
    pub exit: BTreeMap<String, Located<ExitExpectation>>,
    /// The notification kinds each named task's receive steps took, in order, by task name.
    pub notifications: BTreeMap<String, Located<Vec<NotificationKind>>>,
}

/// How a task must end, in `[expect] exit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExitExpectation {
    /// It exited normally with this code.
    Code(i32),
    /// `"crashed"`: it ended with a `crash` step (or crashed otherwise).
    Crashed,
    /// `"killed"`: a fault killed it.
    Killed,
}

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

/// A closed vocabulary of scenario-file words, such as op names or results.
///
/// The parser reads every such word through this trait, so an unknown word always gets
/// the same diagnostic: the list of valid words and the nearest one.
pub trait Keyword: Copy + Sized + 'static {
    /// What one of these words is called in messages ("op", "result", ...).
    const NOUN: &'static str;
    /// Every word, in the order the spec lists them.
    const ALL: &'static [Self];
    /// The spelling used in scenario files.
    fn as_str(self) -> &'static str;
}

/// A word that is not in a [`Keyword`] vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {noun} `{word}`")]
pub struct UnknownKeyword {
    /// What kind of word was expected ("op", "result", ...).
    pub noun: &'static str,
    /// The word that was given.
    pub word: String,
}

/// Defines a [`Keyword`] enum with `ALL`, `as_str`, `FromStr` and `Display`.
///
/// Adding a word (a new op, a service's result) is one line here, and the parser, its
/// diagnostics and its suggestions pick it up.
macro_rules! keywords {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($noun:literal) {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The spelling used in scenario files.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl Keyword for $name {
            const NOUN: &'static str = $noun;
            const ALL: &'static [Self] = $name::ALL;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl FromStr for $name {
            type Err = UnknownKeyword;

            fn from_str(word: &str) -> Result<Self, UnknownKeyword> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == word)
                    .ok_or_else(|| UnknownKeyword { noun: $noun, word: word.to_owned() })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(self.as_str())
            }
        }
    };
}

keywords! {
    /// The name of a step's operation (`op = "..."`).
    pub enum OpKind ("op") {
        /// `send`.
        Send = "send",
        /// `receive`.
        Receive = "receive",
        /// `allocate`.
        Allocate = "allocate",
        /// `make_send`.
        MakeSend = "make_send",
        /// `deallocate`.
        Deallocate = "deallocate",
        /// `destroy`.
        Destroy = "destroy",
        /// `set_capacity`.
        SetCapacity = "set_capacity",
        /// `request_notification`.
        RequestNotification = "request_notification",
        /// `add_to_set`.
        AddToSet = "add_to_set",
        /// `remove_from_set`.
        RemoveFromSet = "remove_from_set",
        /// `expect_right`.
        ExpectRight = "expect_right",
        /// `sleep`.
        Sleep = "sleep",
        /// `repeat`.
        Repeat = "repeat",
        /// `spawn`.
        Spawn = "spawn",
        /// `exit`.
        Exit = "exit",
        /// `crash`.
        Crash = "crash",
        // Services (extensions): shared memory, semaphores, pipes, named pipes.
        /// `memory_create`.
        MemoryCreate = "memory_create",
        /// `memory_from_ool`.
        MemoryFromOol = "memory_from_ool",
        /// `memory_map`.
        MemoryMap = "memory_map",
        /// `memory_read`.
        MemoryRead = "memory_read",
        /// `memory_write`.
        MemoryWrite = "memory_write",
        /// `memory_unmap`.
        MemoryUnmap = "memory_unmap",
        /// `semaphore_create`.
        SemaphoreCreate = "semaphore_create",
        /// `semaphore_wait`.
        SemaphoreWait = "semaphore_wait",
        /// `semaphore_signal`.
        SemaphoreSignal = "semaphore_signal",
        /// `semaphore_destroy`.
        SemaphoreDestroy = "semaphore_destroy",
        /// `pipe`.
        Pipe = "pipe",
        /// `pipe_write`.
        PipeWrite = "pipe_write",
        /// `pipe_read`.
        PipeRead = "pipe_read",
        /// `pipe_close`.
        PipeClose = "pipe_close",
        /// `named_pipe_create`.
        NamedPipeCreate = "named_pipe_create",
        /// `named_pipe_open`.
        NamedPipeOpen = "named_pipe_open",
        /// `named_pipe_accept`.
        NamedPipeAccept = "named_pipe_accept",
        /// `named_pipe_unlink`.
        NamedPipeUnlink = "named_pipe_unlink",
    }
}

keywords! {
    /// How many bytes a `memory_read` or `memory_write` moves (`width`), little-endian.
    pub enum MemoryWidth ("width") {
        /// `u8`: one byte.
        U8 = "u8",
        /// `u16`: two bytes.
        U16 = "u16",
        /// `u32`: four bytes.
        U32 = "u32",
        /// `u64` (the default): eight bytes.
        U64 = "u64",
    }
}

impl MemoryWidth {
    /// The width in bytes.
    pub const fn bytes(self) -> u32 {
        match self {
            Self::U8 => 1,
            Self::U16 => 2,
            Self::U32 => 4,
            Self::U64 => 8,
        }
    }

    /// The largest value of this width.
    pub const fn max(self) -> u64 {
        match self {
            Self::U8 => u8::MAX as u64,
            Self::U16 => u16::MAX as u64,
            Self::U32 => u32::MAX as u64,
            Self::U64 => u64::MAX,
        }
    }
}

keywords! {
    /// The kind of a named pipe (`mode`).
    #[derive(Default)]
    pub enum PipeMode ("named pipe mode") {
        /// `fifo` (the default): a UNIX FIFO, one byte stream.
        #[default]
        Fifo = "fifo",
        /// `duplex`: a Windows-style named pipe; each client gets its own two-way instance.
        Duplex = "duplex",
    }
}

keywords! {
    /// How `named_pipe_open` opens a named pipe (`access`).
    pub enum PipeAccess ("access") {
        /// `read`: the read end of a FIFO (`O_RDONLY`).
        Read = "read",
        /// `write`: the write end of a FIFO (`O_WRONLY`).
        Write = "write",
        /// `read_write`: both ends of a FIFO (`O_RDWR`), or a duplex pipe's client end.
        ReadWrite = "read_write",
    }
}

keywords! {
    /// How the scheduler picks among runnable tasks (`[scenario] schedule`).
    #[derive(Default)]
    pub enum Schedule ("schedule") {
        /// `round_robin` (the default): in turn.
        #[default]
        RoundRobin = "round_robin",
        /// `random`: seeded random choice.
        Random = "random",
        /// `pct`: probabilistic concurrency testing, seeded.
        Pct = "pct",
    }
}

keywords! {
    /// How a port right travels in a message (Mach's `MACH_MSG_TYPE_*` dispositions).
    pub enum Disposition ("disposition") {
        /// `move_receive`: `MACH_MSG_TYPE_MOVE_RECEIVE`.
        MoveReceive = "move_receive",
        /// `move_send`: `MACH_MSG_TYPE_MOVE_SEND`.
        MoveSend = "move_send",
        /// `move_send_once`: `MACH_MSG_TYPE_MOVE_SEND_ONCE`.
        MoveSendOnce = "move_send_once",
        /// `copy_send`: `MACH_MSG_TYPE_COPY_SEND`.
        CopySend = "copy_send",
        /// `make_send`: `MACH_MSG_TYPE_MAKE_SEND`.
        MakeSend = "make_send",
        /// `make_send_once`: `MACH_MSG_TYPE_MAKE_SEND_ONCE`.
        MakeSendOnce = "make_send_once",
    }
}

impl Disposition {
    /// Whether the disposition sends a send or send-once right (every one but
    /// `move_receive`); a `send` step's `right` must be one of these.
    pub const fn is_send(self) -> bool {
        !matches!(self, Self::MoveReceive)
    }
}

keywords! {
    /// A kind of notification message, named after Mach's `MACH_NOTIFY_*`.
    pub enum NotificationKind ("notification kind") {
        /// `port_deleted` (id 65): `MACH_NOTIFY_PORT_DELETED`.
        PortDeleted = "port_deleted",
        /// `msg_accepted` (id 66): `MACH_NOTIFY_MSG_ACCEPTED`.
        MsgAccepted = "msg_accepted",
        /// `port_destroyed` (id 69): `MACH_NOTIFY_PORT_DESTROYED`.
        PortDestroyed = "port_destroyed",
        /// `no_senders` (id 70): `MACH_NOTIFY_NO_SENDERS`.
        NoSenders = "no_senders",
        /// `send_once` (id 71): `MACH_NOTIFY_SEND_ONCE`.
        SendOnce = "send_once",
        /// `dead_name` (id 72): `MACH_NOTIFY_DEAD_NAME`.
        DeadName = "dead_name",
    }
}

impl NotificationKind {
    /// The message id Mach gives this notification (`msgh_id`).
    pub const fn msg_id(self) -> i32 {
        match self {
            Self::PortDeleted => 65,
            Self::MsgAccepted => 66,
            Self::PortDestroyed => 69,
            Self::NoSenders => 70,
            Self::SendOnce => 71,
            Self::DeadName => 72,
        }
    }

    /// The notification kind a message id stands for, if it is one.
    pub fn from_msg_id(id: i32) -> Option<Self> {
        Self::ALL.iter().copied().find(|kind| kind.msg_id() == id)
    }
}

keywords! {
    /// A notification a task can ask for (`request_notification`'s `kind`).
    ///
    /// Only these three can be requested (Mach: `mach_port_request_notification`); the other
    /// kinds are the kernel's answers to sends and rights.
    pub enum NotificationRequest ("notification request") {
        /// `dead_name`: when the port dies, the right becomes a dead name.
        DeadName = "dead_name",
        /// `no_senders`: when the port has no more send rights.
        NoSenders = "no_senders",
        /// `port_destroyed`: when the receive right would be destroyed; it is sent instead.
        PortDestroyed = "port_destroyed",
    }
}

impl NotificationRequest {
    /// The kind of the notification message this request produces.
    pub const fn kind(self) -> NotificationKind {
        match self {
            Self::DeadName => NotificationKind::DeadName,
            Self::NoSenders => NotificationKind::NoSenders,
            Self::PortDestroyed => NotificationKind::PortDestroyed,
        }
    }
}

keywords! {
    /// What `expect_right`'s `is` says the task holds under a label.
    pub enum RightExpectation ("right") {
        /// `receive`: the receive right only.
        Receive = "receive",
        /// `send`: a send right, and not the receive right.
        Send = "send",
        /// `send_once`: a send-once right.
        SendOnce = "send_once",
        /// `dead_name`: a dead name.
        DeadName = "dead_name",
        /// `receive+send`: the receive right and a send right under one name.
        ReceiveSend = "receive+send",
        /// `none`: the label names nothing in the task.
        None = "none",
        /// `port_set`: the label is a port set's name (an extension).
        PortSet = "port_set",
    }
}

keywords! {
    /// A step's result, named after Mach's return codes in lower case without the
    /// `MACH_`/`KERN_` prefix.
    ///
    /// Mach's codes come first, in the contract's order; then the services' (an extension):
    /// Mach's codes that only services return, then the pipe results, which are POSIX's.
    pub enum ResultName ("result") {
        /// `success`: `KERN_SUCCESS` / `MACH_MSG_SUCCESS`.
        Success = "success",
        /// `send_invalid_dest`: `MACH_SEND_INVALID_DEST`.
        SendInvalidDest = "send_invalid_dest",
        /// `send_timed_out`: `MACH_SEND_TIMED_OUT`.
        SendTimedOut = "send_timed_out",
        /// `send_will_notify`: `MACH_SEND_WILL_NOTIFY`.
        SendWillNotify = "send_will_notify",
        /// `send_notify_in_progress`: `MACH_SEND_NOTIFY_IN_PROGRESS`.
        SendNotifyInProgress = "send_notify_in_progress",
        /// `send_invalid_reply`: `MACH_SEND_INVALID_REPLY`.
        SendInvalidReply = "send_invalid_reply",
        /// `send_invalid_right`: `MACH_SEND_INVALID_RIGHT`.
        SendInvalidRight = "send_invalid_right",
        /// `send_invalid_notify`: `MACH_SEND_INVALID_NOTIFY`.
        SendInvalidNotify = "send_invalid_notify",
        /// `send_too_large`: `MACH_SEND_TOO_LARGE`.
        SendTooLarge = "send_too_large",
        /// `rcv_invalid_name`: `MACH_RCV_INVALID_NAME`.
        RcvInvalidName = "rcv_invalid_name",
        /// `rcv_timed_out`: `MACH_RCV_TIMED_OUT`.
        RcvTimedOut = "rcv_timed_out",
        /// `rcv_too_large`: `MACH_RCV_TOO_LARGE`.
        RcvTooLarge = "rcv_too_large",
        /// `rcv_port_died`: `MACH_RCV_PORT_DIED`.
        RcvPortDied = "rcv_port_died",
        /// `rcv_port_changed`: `MACH_RCV_PORT_CHANGED`.
        RcvPortChanged = "rcv_port_changed",
        /// `rcv_in_set`: `MACH_RCV_IN_SET`.
        RcvInSet = "rcv_in_set",
        /// `invalid_name`: `KERN_INVALID_NAME`.
        InvalidName = "invalid_name",
        /// `invalid_right`: `KERN_INVALID_RIGHT`.
        InvalidRight = "invalid_right",
        /// `invalid_value`: `KERN_INVALID_VALUE`.
        InvalidValue = "invalid_value",
        /// `invalid_argument`: `KERN_INVALID_ARGUMENT`.
        InvalidArgument = "invalid_argument",
        /// `invalid_capability` (an extension): `KERN_INVALID_CAPABILITY`, a notify
        /// port that is not a receive right.
        InvalidCapability = "invalid_capability",
        /// `name_exists`: `KERN_NAME_EXISTS`.
        NameExists = "name_exists",
        /// `right_exists`: `KERN_RIGHT_EXISTS`.
        RightExists = "right_exists",
        /// `not_in_set`: `KERN_NOT_IN_SET`.
        NotInSet = "not_in_set",
        /// `urefs_overflow`: `KERN_UREFS_OVERFLOW`.
        UrefsOverflow = "urefs_overflow",
        /// `no_space`: `KERN_NO_SPACE`.
        NoSpace = "no_space",
        // Services: Mach codes.
        /// `invalid_address` (services): `KERN_INVALID_ADDRESS`, an offset outside a
        /// memory object.
        InvalidAddress = "invalid_address",
        /// `operation_timed_out` (services): `KERN_OPERATION_TIMED_OUT`, a timed
        /// semaphore wait ran out.
        OperationTimedOut = "operation_timed_out",
        /// `terminated` (services): `KERN_TERMINATED`, the semaphore was destroyed while
        /// the task waited.
        Terminated = "terminated",
        // Services: pipes, after POSIX.
        /// `eof` (services): end of file, every write end closed and the pipe empty.
        Eof = "eof",
        /// `broken_pipe` (services): POSIX `EPIPE`, writing with no read end open.
        BrokenPipe = "broken_pipe",
        /// `bad_handle` (services): POSIX `EBADF`, the handle names no open end or mapping
        /// of the task (or one of the wrong kind or direction).
        BadHandle = "bad_handle",
        /// `would_block` (services): POSIX `EAGAIN`, a no-wait operation could not proceed.
        WouldBlock = "would_block",
        /// `no_such_path` (services): POSIX `ENOENT`, no named pipe has that path.
        NoSuchPath = "no_such_path",
    }
}

keywords! {
    /// How a run ended (`[expect] outcome`).
    #[derive(Default)]
    pub enum Outcome ("outcome") {
        /// `completed` (the default): every task ended.
        #[default]
        Completed = "completed",
        /// `deadlock`: tasks remain, none can run, and nothing is pending.
        Deadlock = "deadlock",
        /// `time_limit`: the virtual-time limit was reached.
        TimeLimit = "time_limit",
        /// `step_limit`: the kernel-step limit was reached.
        StepLimit = "step_limit",
    }
}

keywords! {
    /// The type key of a body item (`{ u8 = 1 }`, `{ port = "label", ... }`).
    pub enum ItemKind ("item type") {
        /// `u8`.
        U8 = "u8",
        /// `u16`.
        U16 = "u16",
        /// `u32`.
        U32 = "u32",
        /// `u64`.
        U64 = "u64",
        /// `i8`.
        I8 = "i8",
        /// `i16`.
        I16 = "i16",
        /// `i32`.
        I32 = "i32",
        /// `i64`.
        I64 = "i64",
        /// `bool`.
        Bool = "bool",
        /// `f64`.
        F64 = "f64",
        /// `str`.
        Str = "str",
        /// `bytes` (hex).
        Bytes = "bytes",
        /// `fill`.
        Fill = "fill",
        /// `ool`.
        Ool = "ool",
        /// `port`.
        Port = "port",
    }
}
