//! Tasks and their steps: what a `[[task]]` runs, one step at a time.

use super::ports::PortRef;
use super::services::ServiceOp;
use kernel::{
    Disposition, Item, NotificationKind, QueueLimit, ReceivePolicy, ReturnCode, RightSet,
    SendPolicy,
};
use std::fmt;

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
        /// `args` (none when absent), which the registry accepted for the program.
        args: tasks::Args,
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
        /// Its queue limit (`capacity`; default [`QueueLimit::DEFAULT`], at most
        /// [`QueueLimit::MAX`]).
        queue_limit: QueueLimit,
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
    /// `set_capacity`: changes the queue limit (receive right needed), Mach's
    /// `mach_port_set_qlimit`.
    SetQueueLimit {
        /// The port.
        port: PortRef,
        /// The new limit (`capacity`). Not bounded by [`QueueLimit::MAX`] here: a value
        /// over it returns `invalid_value` when the step runs, as Mach does.
        queue_limit: QueueLimit,
    },
    /// `request_notification`: asks for one notification about a port.
    RequestNotification {
        /// The port the notification is about.
        port: PortRef,
        /// Which notification: `dead_name`, `no_senders` or `port_destroyed`, the three a
        /// task can ask for.
        kind: NotificationKind,
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
        /// What the task must hold (`is`): one of the combinations a name can denote
        /// (`none`, `send`, `receive`, `receive+send`, `send_once`, `port_set`, `dead_name`).
        is: RightSet,
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
        /// The steps of one iteration (nested at most [`super::MAX_REPEAT_DEPTH`] deep).
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
    /// A service's step (an extension): shared memory, semaphores, pipes, named pipes.
    Service(ServiceOp),
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
            Self::SetQueueLimit { .. } => OpKind::SetCapacity,
            Self::RequestNotification { .. } => OpKind::RequestNotification,
            Self::AddToSet { .. } => OpKind::AddToSet,
            Self::RemoveFromSet { .. } => OpKind::RemoveFromSet,
            Self::ExpectRight { .. } => OpKind::ExpectRight,
            Self::Sleep { .. } => OpKind::Sleep,
            Self::Repeat { .. } => OpKind::Repeat,
            Self::Spawn { .. } => OpKind::Spawn,
            Self::Exit { .. } => OpKind::Exit,
            Self::Crash { .. } => OpKind::Crash,
            Self::Service(op) => op.kind(),
        }
    }
}

words! {
    /// The name of a step's operation (`op = "..."`); each variant is the file's word.
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
        /// `set_capacity`: sets a queue limit ([`Op::SetQueueLimit`]).
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

/// What a step must return.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ExpectedResult {
    /// No `expect` key: the step must return `success`.
    #[default]
    Success,
    /// `expect = "name"`: exactly this result.
    One(ReturnCode),
    /// `expect = ["a", "b"]`: any of these (never empty).
    AnyOf(Vec<ReturnCode>),
    /// `expect = "any"`: whatever the step returns.
    Any,
}

impl ExpectedResult {
    /// Whether a step that returned `result` meets this expectation.
    pub fn allows(&self, result: ReturnCode) -> bool {
        match self {
            Self::Success => result == ReturnCode::Success,
            Self::One(expected) => *expected == result,
            Self::AnyOf(expected) => expected.contains(&result),
            Self::Any => true,
        }
    }
}

impl fmt::Display for ExpectedResult {
    /// How a report spells the expectation: `success`, `rcv_timed_out or success`,
    /// `any result`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Success => formatter.write_str(ReturnCode::Success.as_str()),
            Self::One(result) => formatter.write_str(result.as_str()),
            Self::AnyOf(results) => {
                for (index, result) in results.iter().enumerate() {
                    if index > 0 {
                        formatter.write_str(" or ")?;
                    }
                    formatter.write_str(result.as_str())?;
                }
                Ok(())
            }
            Self::Any => formatter.write_str("any result"),
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
    /// The typed items, in order (default none).
    pub body: Vec<SendItem>,
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
    /// The items the received message must have, when given.
    pub expect_body: Option<Vec<ExpectedItem>>,
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

/// One typed item of a message body, as a step writes it, in the order written.
///
/// Not a `kernel::Item`, the item a message carries, because a step's item is known only
/// in part when the file is read: a port is a label or one of the task's own ports, which
/// becomes a name in the task's space only when the step runs; `fill` and `ool` say a size,
/// and `expect_body` compares only the size, whatever the bytes; and a port to compare may
/// leave its disposition out. What the file does say in full is a kernel item already
/// ([`BodyItem::Value`]), sent as it is and compared exactly.
///
/// `D` is how a port item's right travels: a [`Disposition`] in a `send`'s body
/// ([`SendItem`]), an optional one in `expect_body` ([`ExpectedItem`]).
#[derive(Clone, Debug, PartialEq)]
pub enum BodyItem<D> {
    /// `{ u8 = N }` … `{ i64 = N }`, `{ bool = B }`, `{ f64 = X }` (an integer is accepted
    /// and converted), `{ str = "text" }`, `{ bytes = "0a1b" }`: the item itself. Never a
    /// port or out-of-line item, which the variants below stand for.
    Value(Item),
    /// `{ fill = N }`: N zero inline bytes; `expect_body` compares only the size.
    Fill(u32),
    /// `{ ool = N }`: N bytes of out-of-line memory, passed by virtual copy;
    /// `expect_body` compares only the size.
    Ool(u32),
    /// `{ port = "label", disposition = "..." }`: a port right.
    Port {
        /// The port.
        port: PortRef,
        /// How the right is sent; in `expect_body`, `None` compares the port alone.
        disposition: D,
    },
}

/// An item of a `send` step's body: every port item says how its right travels.
pub type SendItem = BodyItem<Disposition>;

/// An item of a `receive` step's `expect_body`: a port item may leave out the disposition,
/// and then only the port is compared.
pub type ExpectedItem = BodyItem<Option<Disposition>>;

impl<D> BodyItem<D> {
    /// The item's type key as scenario files spell it.
    pub fn kind(&self) -> ItemKind {
        match self {
            Self::Value(item) => ItemKind::of(item),
            Self::Fill(_) => ItemKind::Fill,
            Self::Ool(_) => ItemKind::Ool,
            Self::Port { .. } => ItemKind::Port,
        }
    }
}

words! {
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

impl ItemKind {
    /// The type key a file writes for a message item (inline bytes are `bytes`).
    pub fn of(item: &Item) -> Self {
        match item {
            Item::U8(_) => Self::U8,
            Item::U16(_) => Self::U16,
            Item::U32(_) => Self::U32,
            Item::U64(_) => Self::U64,
            Item::I8(_) => Self::I8,
            Item::I16(_) => Self::I16,
            Item::I32(_) => Self::I32,
            Item::I64(_) => Self::I64,
            Item::Bool(_) => Self::Bool,
            Item::F64(_) => Self::F64,
            Item::Str(_) => Self::Str,
            Item::Bytes(_) => Self::Bytes,
            Item::Ool(_) => Self::Ool,
            Item::Port(_) => Self::Port,
        }
    }
}
