//! The kernel's state rebuilt from a trace, and the fold that applies one event.
//!
//! [`State`] is what the kernel looked like after some event: tasks and what each
//! waits on, live ports with their queues, blocked senders and notification
//! requests, dead ports with why they died, port sets, every task's name space and
//! handles, the messages still in the kernel, and the services' objects: memory
//! objects (size, mappings, bytes), semaphores (value, waiters), pipes (buffered
//! bytes, open ends, waiting readers and writers) and named pipes (mode, whether
//! unlinked, who waits to open or accept). [`State::apply`] folds one [`TraceRecord`] into
//! it. The fold never panics: an event that makes no sense for the state so far (a
//! message received that was never sent, a right for a task that does not exist) is
//! kept as an [`Inconsistency`] and the fold goes on with what it can do.
//!
//! Cloning a state is cheap: tasks, ports, messages and service objects sit behind
//! `Arc`s and are
//! copied only when an event changes them (copy on write), and the lists that only
//! grow (dead ports, inconsistencies) share their full chunks. That is what makes a
//! checkpoint every few thousand events affordable on a million-event trace.

mod services;

use ports::service::{Access, PipeMode};
use ports::{NotificationKind, PortType, QueueLimit, RightKind};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write;
use std::sync::Arc;
use trace::{
    CarriedRight, Event, EventKind, FaultKind, Label, MessageOrigin, PipeSide, PortDestroyReason,
    TraceItem, TraceRecord,
};

/// What a task is doing, as far as the trace says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TaskStatus {
    /// Created, waiting for its start time or for a parent's `spawn`.
    NotStarted,
    /// Runnable (or running: between two events it is the same).
    Ready,
    /// Waiting, holding message `msg`, for room in `port`'s queue.
    BlockedSend {
        /// The message it holds.
        msg: u64,
        /// The full port.
        port: Label,
        /// When the wait began.
        since_ns: u64,
    },
    /// Waiting for a message on a port or a port set.
    BlockedReceive {
        /// The port or set it waits on.
        on: Label,
        /// When the wait began.
        since_ns: u64,
    },
    /// Waiting inside a kernel service (a semaphore, a pipe, a named pipe).
    BlockedService {
        /// What it waits for.
        wait: ServiceWait,
        /// When the wait began.
        since_ns: u64,
    },
    /// Asleep until `until_ns`.
    Sleeping {
        /// When it wakes.
        until_ns: u64,
        /// When the sleep began.
        since_ns: u64,
    },
    /// Ended normally.
    Exited {
        /// Its exit code.
        code: i32,
    },
    /// Ended abnormally.
    Crashed {
        /// Why.
        reason: String,
    },
    /// Killed from outside.
    Killed,
}

impl TaskStatus {
    /// The state's class, spelled as `kernel::inspect::TaskInfo::state` spells it:
    /// `not_started`, `ready`, `blocked_send`, `blocked_receive`,
    /// `blocked_service`, `sleeping`, `exited`, `crashed`, `killed`.
    pub fn class(&self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::Ready => "ready",
            TaskStatus::BlockedSend { .. } => "blocked_send",
            TaskStatus::BlockedReceive { .. } => "blocked_receive",
            TaskStatus::BlockedService { .. } => "blocked_service",
            TaskStatus::Sleeping { .. } => "sleeping",
            TaskStatus::Exited { .. } => "exited",
            TaskStatus::Crashed { .. } => "crashed",
            TaskStatus::Killed => "killed",
        }
    }

    /// True once the task has exited, crashed or been killed.
    pub fn is_ended(&self) -> bool {
        matches!(
            self,
            TaskStatus::Exited { .. } | TaskStatus::Crashed { .. } | TaskStatus::Killed
        )
    }

    /// When the current wait (blocked or asleep) began, if the task waits.
    pub fn waiting_since(&self) -> Option<u64> {
        match self {
            TaskStatus::BlockedSend { since_ns, .. }
            | TaskStatus::BlockedReceive { since_ns, .. }
            | TaskStatus::BlockedService { since_ns, .. }
            | TaskStatus::Sleeping { since_ns, .. } => Some(*since_ns),
            _ => None,
        }
    }
}

/// What a task waits for inside a kernel service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum ServiceWait {
    /// `semaphore_wait`: a unit of the semaphore.
    Semaphore {
        /// The semaphore.
        semaphore: Label,
        /// The wait's bound, for a `semaphore_timedwait` (from the request).
        timeout_ms: Option<u64>,
    },
    /// `pipe_read` on an empty pipe (or behind other readers).
    PipeRead {
        /// The pipe.
        pipe: Label,
        /// The most bytes the read returns (from the request).
        max: Option<u32>,
    },
    /// `pipe_write` on a full pipe: room for the rest of its bytes.
    PipeWrite {
        /// The pipe.
        pipe: Label,
        /// Bytes of this write already in the pipe.
        written: u32,
        /// The write's size (from the request).
        total: Option<u32>,
    },
    /// `named_pipe_open`: the other side of a FIFO, or a server of a duplex pipe.
    Open {
        /// The named pipe's path.
        path: Label,
        /// `read`, `write` or `read_write`.
        access: Access,
    },
    /// `named_pipe_accept`: a client of a duplex named pipe.
    Accept {
        /// The named pipe's path.
        path: Label,
    },
}

/// The last call of a task that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The event that reports it.
    pub seq: u64,
    /// `send`, `receive`, or the kernel-port operation's name.
    pub call: Label,
    /// The return code.
    pub code: ports::ReturnCode,
}

/// One task.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Task {
    /// Its unique name.
    pub name: Label,
    /// The task that spawned it, if any (for a declared task, known from its spawn).
    pub parent: Option<Label>,
    /// Its kernel port's label.
    pub kernel_port: Label,
    /// Its notify port's label.
    pub notify_port: Label,
    /// When it was to become runnable, or `None` if a parent must spawn it.
    pub start_ns: Option<u64>,
    /// The event that created it.
    pub created_at: u64,
    /// What it is doing.
    pub status: TaskStatus,
    /// Kernel calls the trace shows it making (see the module documentation of
    /// [`crate::stepper`] for what counts).
    pub steps: u64,
    /// Virtual time spent in waits that are over, in nanoseconds (the current
    /// wait, if any, is not included: see [`Task::blocked_ns_at`]).
    pub blocked_ns: u64,
    /// Its last failed call, if any.
    pub last_failure: Option<Failure>,
    /// Its name space as recorded: name → entry.
    #[serde(skip)]
    space: BTreeMap<u32, RawEntry>,
    /// Its handles (memory mappings, pipe ends): handle → what it is.
    #[serde(skip)]
    handles: BTreeMap<u32, Handle>,
    /// The kernel-port request it is inside, from its receipt by the kernel to its
    /// `kernel_call`.
    #[serde(skip)]
    call: Option<Call>,
}

/// A kernel-port request being served.
#[derive(Clone, Debug, PartialEq)]
struct Call {
    /// `msgh_id`: 5001… for the services.
    id: i32,
    /// Its arguments.
    body: Arc<[TraceItem]>,
    /// Bytes the call has put into a pipe so far (a `pipe_write`).
    written: u32,
}

impl Call {
    fn u32_at(&self, at: usize) -> Option<u32> {
        match self.body.get(at) {
            Some(TraceItem::U32(v)) => Some(*v),
            _ => None,
        }
    }
}

/// What a task-local handle stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Handle {
    /// A mapping of a memory object.
    Mapping {
        /// The object.
        object: Label,
    },
    /// A pipe end: the pipe it reads, the pipe it writes, or both (a FIFO opened
    /// for both, a duplex instance's end).
    Pipe {
        /// The pipe read through it.
        read: Option<Label>,
        /// The pipe written through it.
        write: Option<Label>,
    },
}

impl Handle {
    /// The handle as `kernel::inspect::Inspector::handles` spells it: `mapping
    /// <object>`, `read <pipe>`, `write <pipe>`, `read <pipe> write <pipe>`.
    pub fn describe(&self) -> String {
        match self {
            Handle::Mapping { object } => format!("mapping {object}"),
            Handle::Pipe { read, write } => match (read, write) {
                (Some(r), Some(w)) => format!("read {r} write {w}"),
                (Some(r), None) => format!("read {r}"),
                (None, Some(w)) => format!("write {w}"),
                (None, None) => "closed".to_string(),
            },
        }
    }
}

/// One handle of a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HandleEntry {
    /// Its number in the task's handle table.
    pub handle: u32,
    /// What it stands for.
    #[serde(flatten)]
    pub what: Handle,
}

impl Task {
    /// Virtual time spent waiting up to `now_ns`, the current wait included.
    pub fn blocked_ns_at(&self, now_ns: u64) -> u64 {
        self.blocked_ns
            + self
                .status
                .waiting_since()
                .map_or(0, |since| now_ns.saturating_sub(since))
    }

    /// How many names its space holds.
    pub fn names(&self) -> usize {
        self.space.len()
    }

    /// Its handles (memory mappings, pipe ends), by number.
    pub fn handles(&self) -> Vec<HandleEntry> {
        self.handles
            .iter()
            .map(|(handle, what)| HandleEntry {
                handle: *handle,
                what: what.clone(),
            })
            .collect()
    }
}

/// A name-space entry as the last `right_changed` for it recorded it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct RawEntry {
    object: Label,
    rights: PortType,
    urefs: u32,
}

/// One name in a task's space, as the task sees it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameEntry {
    /// The name (Mach's `mach_port_name_t`).
    pub name: u32,
    /// The label of the port or set it denotes.
    pub object: Label,
    /// `send`, `receive`, `receive+send`, `send_once`, `port_set`, `dead_name`.
    pub rights: PortType,
    /// User references of a send right or dead name.
    pub urefs: u32,
    /// True when the trace recorded a send or send-once right whose port has since
    /// died: the kernel turns it into a dead name lazily, when the task next uses
    /// it, and reports it as a dead name meanwhile; so does this view.
    pub converted: bool,
}

/// Who holds a port's receive right. In JSON, as in the trace: the task's name,
/// `"kernel"`, or `null` in transit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Receiver {
    /// A task.
    Task(Label),
    /// The kernel (a task's kernel port).
    Kernel,
    /// Nobody: the right travels in a message.
    InTransit,
}

impl Serialize for Receiver {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Receiver::Task(name) => serializer.serialize_str(name),
            Receiver::Kernel => serializer.serialize_str(trace::Receiver::KERNEL),
            Receiver::InTransit => serializer.serialize_none(),
        }
    }
}

impl Receiver {
    /// The receiver as `kernel::inspect::PortInfo::receiver` spells it: a task's
    /// name, `kernel`, or `none` in transit.
    pub fn as_str(&self) -> &str {
        match self {
            Receiver::Task(name) => name,
            Receiver::Kernel => trace::Receiver::KERNEL,
            Receiver::InTransit => trace::Receiver::IN_TRANSIT,
        }
    }
}

/// A task blocked sending to a port, and the message it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockedSender {
    /// The task.
    pub task: Label,
    /// The message it holds.
    pub msg: u64,
}

/// A registered notification request about a port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Request {
    /// `dead_name`, `no_senders` or `port_destroyed`.
    pub kind: NotificationKind,
    /// The port the notification will be sent to.
    pub notify: Label,
    /// The task that asked.
    pub by: Option<Label>,
    /// The event that registered it.
    pub at: u64,
}

/// A live port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Port {
    /// Its unique label (or its kernel id, `p5`, if it was allocated without one).
    pub label: Label,
    /// The event that allocated it.
    pub created_at: u64,
    /// Who holds its receive right.
    pub receiver: Receiver,
    /// Its queue limit (in JSON a number or `unbounded`, as text).
    pub capacity: QueueLimit,
    /// The messages queued, oldest first.
    pub queue: VecDeque<u64>,
    /// The set it is in.
    pub set: Option<Label>,
    /// Tasks blocked sending to it, first come first served.
    pub blocked_senders: Vec<BlockedSender>,
    /// Notification requests registered about it and not yet fired.
    pub requests: Vec<Request>,
}

/// A port that died.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeadPort {
    /// Its label.
    pub label: Label,
    /// The event that allocated it.
    pub created_at: u64,
    /// The event that destroyed it.
    pub died_at: u64,
    /// When it died.
    pub died_ns: u64,
    /// Why: `destroyed`, `receiver_ended`, `task_ended`, `fault`, …
    pub reason: PortDestroyReason,
    /// Who held its receive right when it died.
    pub receiver: Receiver,
}

/// A live port set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PortSet {
    /// Its unique label.
    pub label: Label,
    /// The task holding it.
    pub holder: Label,
    /// The event that allocated it.
    pub created_at: u64,
    /// Its member ports, in the order they joined.
    pub members: Vec<Label>,
}

/// Where a message that is still in the kernel is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "where", rename_all = "snake_case")]
pub enum Place {
    /// Just sent: its next event says where it goes (seen only between the two).
    Entering,
    /// In `port`'s queue; `forced` when the kernel cache put it beyond the limit.
    Queued {
        /// The port.
        port: Label,
        /// Queued by `message_cached`.
        forced: bool,
    },
    /// Held by `task`, blocked sending it to `port`.
    HeldBySender {
        /// The blocked sender.
        task: Label,
        /// The full port.
        port: Label,
    },
}

/// A message still in the kernel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    /// Its number, unique in the run.
    pub msg: u64,
    /// The event that sent it.
    pub sent_at: u64,
    /// When it was sent.
    pub sent_ns: u64,
    /// The task that sent it (`None` for a kernel notification).
    pub sender: Option<Label>,
    /// Its destination port.
    pub port: Label,
    /// `msgh_id`.
    pub id: i32,
    /// `msgh_size`.
    pub size: u32,
    /// The right it was sent to: `send` or `send_once`.
    pub dest_right: RightKind,
    /// The reply right it carries.
    pub reply: Option<CarriedRight>,
    /// Its body.
    pub body: Arc<[TraceItem]>,
    /// `notification`, `direct`, or `None` for a task's message.
    pub kind: Option<MessageOrigin>,
    /// Where it is.
    pub place: Place,
}

/// A memory object's bytes as far as the trace tells them: a zeroed object's are
/// all known, an object made from an out-of-line region starts unknown (the trace
/// does not carry the region), and every write or read makes the bytes it covers
/// known. In JSON, a hex string with `??` for each unknown byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contents {
    bytes: Vec<u8>,
    /// The unknown bytes: sorted, disjoint, non-empty ranges `[start, end)`.
    unknown: Vec<(u32, u32)>,
}

impl Contents {
    /// `size` zero bytes.
    pub fn zeroed(size: u32) -> Contents {
        Contents {
            bytes: vec![0; size as usize],
            unknown: Vec::new(),
        }
    }

    /// `size` unknown bytes.
    pub fn unknown(size: u32) -> Contents {
        Contents {
            bytes: vec![0; size as usize],
            unknown: if size == 0 {
                Vec::new()
            } else {
                vec![(0, size)]
            },
        }
    }

    /// The size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True for an object of no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Byte `at`, if the trace told it (`None` also past the end).
    pub fn byte(&self, at: usize) -> Option<u8> {
        let known = !self
            .unknown
            .iter()
            .any(|&(start, end)| (start as usize..end as usize).contains(&at));
        self.bytes.get(at).copied().filter(|_| known)
    }

    /// Every byte, when the trace told them all.
    pub fn known(&self) -> Option<&[u8]> {
        self.unknown.is_empty().then_some(self.bytes.as_slice())
    }

    /// How many bytes the trace has not told.
    pub fn unknown_count(&self) -> u64 {
        self.unknown
            .iter()
            .map(|&(start, end)| u64::from(end - start))
            .sum()
    }

    /// Writes `data` at `offset` (clipped to the object); the bytes become known.
    fn write(&mut self, offset: u32, data: &[u8]) {
        let start = (offset as usize).min(self.bytes.len());
        let end = start.saturating_add(data.len()).min(self.bytes.len());
        self.bytes[start..end].copy_from_slice(&data[..end - start]);
        self.forget_unknown(start as u32, end as u32);
    }

    /// Learns `data` at `offset` from a read: unknown bytes become known; returns
    /// the first known byte that differs, as (offset, the fold's byte).
    fn learn(&mut self, offset: u32, data: &[u8]) -> Option<(usize, u8)> {
        let conflict = data.iter().enumerate().find_map(|(i, b)| {
            let at = offset as usize + i;
            self.byte(at)
                .filter(|known| known != b)
                .map(|known| (at, known))
        });
        self.write(offset, data);
        conflict
    }

    fn forget_unknown(&mut self, start: u32, end: u32) {
        if start >= end || self.unknown.is_empty() {
            return;
        }
        let mut kept = Vec::with_capacity(self.unknown.len() + 1);
        for &(a, b) in &self.unknown {
            if b <= start || a >= end {
                kept.push((a, b));
                continue;
            }
            if a < start {
                kept.push((a, start));
            }
            if b > end {
                kept.push((end, b));
            }
        }
        self.unknown = kept;
    }

    /// Lower-case hex, `??` for an unknown byte.
    pub fn hex(&self) -> String {
        self.hex_range(0, self.bytes.len())
    }

    /// Bytes `start..end` as [`Contents::hex`] writes them.
    pub fn hex_range(&self, start: usize, end: usize) -> String {
        let end = end.min(self.bytes.len());
        let mut out = String::with_capacity(end.saturating_sub(start) * 2);
        for at in start..end {
            match self.byte(at) {
                Some(b) => {
                    let _ = write!(out, "{b:02x}");
                }
                None => out.push_str("??"),
            }
        }
        out
    }
}

impl Serialize for Contents {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.hex())
    }
}

/// A task's mapping of a memory object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mapping {
    /// The task.
    pub holder: Label,
    /// Its mapping handle.
    pub handle: u32,
}

/// A live memory object (its port is a live port whose receiver is the kernel).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemoryObject {
    /// Its label (its port's).
    pub label: Label,
    /// The event that made it.
    pub created_at: u64,
    /// Its size in bytes.
    pub size: u32,
    /// The tasks mapping it, in the order they mapped it.
    pub mappings: Vec<Mapping>,
    /// Its bytes.
    pub contents: Contents,
}

/// A live semaphore (its port is a live port whose receiver is the kernel).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Semaphore {
    /// Its label (its port's).
    pub label: Label,
    /// The event that made it.
    pub created_at: u64,
    /// Its count.
    pub value: u32,
    /// Tasks waiting, first come first served.
    pub waiters: Vec<Label>,
}

/// One open end of a pipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PipeEnd {
    /// The task holding it.
    pub holder: Label,
    /// Its handle in that task.
    pub handle: u32,
    /// `read` or `write`.
    pub end: PipeSide,
}

/// Bytes, written in JSON as lower-case hex.
fn hex_bytes<S: serde::Serializer>(bytes: &VecDeque<u8>, serializer: S) -> Result<S::Ok, S::Error> {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(hex, "{b:02x}");
    }
    serializer.serialize_str(&hex)
}

/// A live pipe: an ordinary pipe, a FIFO's stream, or one direction of a duplex
/// named pipe's instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pipe {
    /// Its label (`pipe5`, or `path#5` for a named pipe's stream).
    pub label: Label,
    /// The event that made it.
    pub created_at: u64,
    /// Its capacity in bytes.
    pub capacity: u32,
    /// The path of the named pipe it is a stream of.
    pub named: Option<Label>,
    /// The bytes buffered, oldest first.
    #[serde(serialize_with = "hex_bytes")]
    pub buffered: VecDeque<u8>,
    /// Its open ends, in the order they were opened.
    pub ends: Vec<PipeEnd>,
    /// Tasks waiting to read, first come first served.
    pub waiting_readers: Vec<Label>,
    /// Tasks waiting to write, first come first served.
    pub waiting_writers: Vec<Label>,
}

impl Pipe {
    /// Open read ends.
    pub fn readers(&self) -> usize {
        self.ends.iter().filter(|e| e.end == PipeSide::Read).count()
    }

    /// Open write ends.
    pub fn writers(&self) -> usize {
        self.ends
            .iter()
            .filter(|e| e.end == PipeSide::Write)
            .count()
    }
}

/// A task waiting to open a named pipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Opener {
    /// The task.
    pub task: Label,
    /// `read`, `write` or `read_write`.
    pub access: Access,
}

/// A named pipe: its path in the kernel's name space, until it is unlinked, and
/// after that as long as one of its streams is alive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedPipe {
    /// Its path.
    pub path: Label,
    /// The event that made it.
    pub created_at: u64,
    /// `fifo` or `duplex`.
    pub mode: PipeMode,
    /// True once its name was removed (its open ends keep working).
    pub unlinked: bool,
    /// Tasks waiting in `open`, first come first served.
    pub openers: Vec<Opener>,
    /// Servers waiting in `accept`, first come first served.
    pub acceptors: Vec<Label>,
    /// Its live streams (pipes), in creation order.
    pub streams: Vec<Label>,
}

/// An event that makes no sense for the state before it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inconsistency {
    /// The event.
    pub seq: u64,
    /// What is wrong.
    pub problem: String,
}

/// An append-only list whose clones share every full chunk: cloning costs one
/// reference count per chunk plus the short tail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Log<T> {
    sealed: Vec<Arc<[T]>>,
    tail: Vec<T>,
}

const LOG_CHUNK: usize = 64;

impl<T> Default for Log<T> {
    fn default() -> Self {
        Log {
            sealed: Vec::new(),
            tail: Vec::new(),
        }
    }
}

impl<T: Clone> Log<T> {
    pub(crate) fn push(&mut self, item: T) {
        self.tail.push(item);
        if self.tail.len() == LOG_CHUNK {
            let full = std::mem::take(&mut self.tail);
            self.sealed.push(Arc::from(full));
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.sealed.len() * LOG_CHUNK + self.tail.len()
    }

    pub(crate) fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + '_ {
        self.sealed
            .iter()
            .flat_map(|chunk| chunk.iter())
            .chain(self.tail.iter())
    }
}

/// A notification announced by `notification_sent`, whose `message_sent` follows.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Announced {
    msg: u64,
    kind: NotificationKind,
    about: Option<Label>,
}

/// The kernel's state after some event, rebuilt from the events before it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    seq: u64,
    t_ns: u64,
    tasks: Vec<Arc<Task>>,
    task_index: HashMap<Label, usize>,
    /// Live ports by the event that allocated them (creation order).
    ports: BTreeMap<u64, Arc<Port>>,
    port_index: HashMap<Label, u64>,
    sets: BTreeMap<u64, PortSet>,
    set_index: HashMap<Label, u64>,
    messages: BTreeMap<u64, Arc<Message>>,
    dead_ports: Log<DeadPort>,
    inconsistencies: Log<Inconsistency>,
    announced: Option<Announced>,
    /// The last `task_started`: a spawn shows as it, then the parent's right to the
    /// child's kernel port.
    last_started: Option<(u64, Label)>,
    /// Live memory objects by the event that made them (creation order).
    memory: BTreeMap<u64, Arc<MemoryObject>>,
    memory_index: HashMap<Label, u64>,
    semaphores: BTreeMap<u64, Arc<Semaphore>>,
    semaphore_index: HashMap<Label, u64>,
    pipes: BTreeMap<u64, Arc<Pipe>>,
    pipe_index: HashMap<Label, u64>,
    /// Named pipes, linked or with a live stream, by the event that made them.
    named_pipes: BTreeMap<u64, Arc<NamedPipe>>,
    /// Linked named pipes by path.
    named_index: HashMap<Label, u64>,
}

impl State {
    /// The state before any event: no task, no port.
    pub fn new() -> State {
        State::default()
    }

    /// The state after `records` (events 1..=k of a trace).
    pub fn from_records(records: &[TraceRecord]) -> State {
        let mut state = State::new();
        for record in records {
            state.apply(record);
        }
        state
    }

    /// The number of the last event applied (0 before any).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The virtual time of the last event applied, in nanoseconds.
    pub fn t_ns(&self) -> u64 {
        self.t_ns
    }

    /// Every task, in creation order.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> + '_ {
        self.tasks.iter().map(|t| &**t)
    }

    /// The task named `name`.
    pub fn task(&self, name: &str) -> Option<&Task> {
        self.task_index.get(name).map(|&i| &*self.tasks[i])
    }

    /// Every live port, in creation order.
    pub fn ports(&self) -> impl Iterator<Item = &Port> + '_ {
        self.ports.values().map(|p| &**p)
    }

    /// The live port labelled `label`.
    pub fn port(&self, label: &str) -> Option<&Port> {
        self.port_index
            .get(label)
            .and_then(|k| self.ports.get(k))
            .map(|p| &**p)
    }

    /// Every port that died, in the order they died.
    pub fn dead_ports(&self) -> impl DoubleEndedIterator<Item = &DeadPort> + '_ {
        self.dead_ports.iter()
    }

    /// The dead port labelled `label` (a search from the most recent death).
    pub fn dead_port(&self, label: &str) -> Option<&DeadPort> {
        self.dead_ports.iter().rev().find(|p| &*p.label == label)
    }

    /// How many ports died.
    pub fn dead_port_count(&self) -> usize {
        self.dead_ports.len()
    }

    /// Every live port set, in creation order.
    pub fn sets(&self) -> impl Iterator<Item = &PortSet> + '_ {
        self.sets.values()
    }

    /// The live set labelled `label`.
    pub fn set(&self, label: &str) -> Option<&PortSet> {
        self.set_index.get(label).and_then(|k| self.sets.get(k))
    }

    /// Every message still in the kernel (queued, held by a blocked sender, or just
    /// sent), by number.
    pub fn messages(&self) -> impl Iterator<Item = &Message> + '_ {
        self.messages.values().map(|m| &**m)
    }

    /// Message `msg`, if it is still in the kernel.
    pub fn message(&self, msg: u64) -> Option<&Message> {
        self.messages.get(&msg).map(|m| &**m)
    }

    /// The messages queued on `label`, oldest first (empty for an unknown port).
    pub fn queue(&self, label: &str) -> Vec<&Message> {
        self.port(label)
            .map(|p| p.queue.iter().filter_map(|m| self.message(*m)).collect())
            .unwrap_or_default()
    }

    /// Events so far that made no sense for the state before them.
    pub fn inconsistencies(&self) -> impl Iterator<Item = &Inconsistency> + '_ {
        self.inconsistencies.iter()
    }

    /// How many inconsistencies were found.
    pub fn inconsistency_count(&self) -> usize {
        self.inconsistencies.len()
    }

    /// True when `label` names a live port.
    pub fn is_port_alive(&self, label: &str) -> bool {
        self.port_index.contains_key(label)
    }

    /// `task`'s name space as the kernel reports it (`Kernel::inspect(|i|
    /// i.space(task))`), by name: a send or send-once right whose port died is shown
    /// as the dead name it has become.
    pub fn space(&self, task: &str) -> Vec<NameEntry> {
        let Some(t) = self.task(task) else {
            return Vec::new();
        };
        t.space
            .iter()
            .map(|(name, e)| {
                let is_set = e.rights == PortType::PortSet;
                let dead = !is_set && !self.is_port_alive(&e.object);
                if dead && e.rights != PortType::DeadName {
                    NameEntry {
                        name: *name,
                        object: e.object.clone(),
                        rights: PortType::DeadName,
                        urefs: if e.rights == PortType::SendOnce {
                            1
                        } else {
                            e.urefs
                        },
                        converted: true,
                    }
                } else {
                    NameEntry {
                        name: *name,
                        object: e.object.clone(),
                        rights: e.rights,
                        urefs: e.urefs,
                        converted: false,
                    }
                }
            })
            .collect()
    }

    /// The tasks holding a name for `label` in their space, with the name.
    pub fn holders(&self, label: &str) -> Vec<(Label, u32)> {
        self.tasks
            .iter()
            .flat_map(|t| {
                t.space
                    .iter()
                    .filter(|(_, e)| &*e.object == label)
                    .map(|(name, _)| (t.name.clone(), *name))
            })
            .collect()
    }

    /// Every live memory object, in creation order.
    pub fn memory_objects(&self) -> impl Iterator<Item = &MemoryObject> + '_ {
        self.memory.values().map(|m| &**m)
    }

    /// The live memory object labelled `label`.
    pub fn memory_object(&self, label: &str) -> Option<&MemoryObject> {
        self.memory_index
            .get(label)
            .and_then(|k| self.memory.get(k))
            .map(|m| &**m)
    }

    /// Every live semaphore, in creation order.
    pub fn semaphores(&self) -> impl Iterator<Item = &Semaphore> + '_ {
        self.semaphores.values().map(|s| &**s)
    }

    /// The live semaphore labelled `label`.
    pub fn semaphore(&self, label: &str) -> Option<&Semaphore> {
        self.semaphore_index
            .get(label)
            .and_then(|k| self.semaphores.get(k))
            .map(|s| &**s)
    }

    /// Every live pipe, in creation order.
    pub fn pipes(&self) -> impl Iterator<Item = &Pipe> + '_ {
        self.pipes.values().map(|p| &**p)
    }

    /// The live pipe labelled `label`.
    pub fn pipe(&self, label: &str) -> Option<&Pipe> {
        self.pipe_index
            .get(label)
            .and_then(|k| self.pipes.get(k))
            .map(|p| &**p)
    }

    /// Every named pipe still linked or with a live stream, in creation order.
    pub fn named_pipes(&self) -> impl Iterator<Item = &NamedPipe> + '_ {
        self.named_pipes.values().map(|n| &**n)
    }

    /// The named pipe linked at `path`.
    pub fn named_pipe(&self, path: &str) -> Option<&NamedPipe> {
        self.named_index
            .get(path)
            .and_then(|k| self.named_pipes.get(k))
            .map(|n| &**n)
    }

    // ----- the fold ----------------------------------------------------------------

    /// Applies one event. Events must come in order; one that does not follow the
    /// last applied is recorded as an inconsistency and applied anyway.
    pub fn apply(&mut self, record: &TraceRecord) {
        if record.seq != self.seq + 1 {
            self.inconsistent(
                record.seq,
                format!(
                    "event {} follows event {}; expected event {}",
                    record.seq,
                    self.seq,
                    self.seq + 1
                ),
            );
        }
        self.seq = record.seq;
        self.t_ns = record.t_ns;
        let seq = record.seq;
        let now = record.t_ns;
        let actor = record.task.as_ref();
        let started_just_before = self
            .last_started
            .take()
            .filter(|(at, _)| *at + 1 == seq)
            .map(|(_, name)| name);
        match &record.event {
            Event::TaskCreated {
                name,
                parent,
                kernel_port,
                notify_port,
                start_ns,
            } => {
                if self.task_index.contains_key(name) {
                    self.inconsistent(seq, format!("task {name} is created a second time"));
                    return;
                }
                self.task_index.insert(name.clone(), self.tasks.len());
                self.tasks.push(Arc::new(Task {
                    name: name.clone(),
                    parent: parent.clone(),
                    kernel_port: kernel_port.clone(),
                    notify_port: notify_port.clone(),
                    start_ns: *start_ns,
                    created_at: seq,
                    status: TaskStatus::NotStarted,
                    steps: 0,
                    blocked_ns: 0,
                    last_failure: None,
                    space: BTreeMap::new(),
                    handles: BTreeMap::new(),
                    call: None,
                }));
            }
            Event::TaskStarted { name, .. } => {
                self.last_started = Some((seq, name.clone()));
                if let Some(task) = self.task_mut(seq, name) {
                    if task.status == TaskStatus::NotStarted {
                        task.status = TaskStatus::Ready;
                    } else {
                        let class = task.status.class();
                        self.inconsistent(
                            seq,
                            format!("task {name} starts but it is {class}, not not_started"),
                        );
                    }
                }
            }
            Event::TaskWoken { name, .. } => {
                self.leave_service_wait(name);
                if let Some(task) = self.task_mut(seq, name) {
                    match task.status.waiting_since() {
                        Some(since) => {
                            task.blocked_ns += now.saturating_sub(since);
                            task.status = TaskStatus::Ready;
                        }
                        None => {
                            let class = task.status.class();
                            self.inconsistent(
                                seq,
                                format!("task {name} is woken but it is {class}, not waiting"),
                            );
                        }
                    }
                }
            }
            Event::SleepStarted { until_ns } => {
                let Some(name) = self.actor(seq, actor, EventKind::SleepStarted) else {
                    return;
                };
                self.count_call(seq, &name);
                self.expect_ready(seq, &name, "sleeps");
                if *until_ns > now
                    && let Some(task) = self.task_mut(seq, &name)
                {
                    task.status = TaskStatus::Sleeping {
                        until_ns: *until_ns,
                        since_ns: now,
                    };
                }
            }
            Event::TaskExited { name, code } => {
                self.end_task(seq, now, name, TaskStatus::Exited { code: *code })
            }
            Event::TaskCrashed { name, reason } => self.end_task(
                seq,
                now,
                name,
                TaskStatus::Crashed {
                    reason: reason.clone(),
                },
            ),
            Event::TaskKilled { name } => self.end_task(seq, now, name, TaskStatus::Killed),
            Event::PortAllocated {
                port,
                receiver,
                capacity,
            } => {
                if self.port_index.contains_key(port) || self.set_index.contains_key(port) {
                    self.inconsistent(seq, format!("port {port} is allocated a second time"));
                    self.remove_port(port);
                }
                let receiver = match receiver {
                    trace::Receiver::Kernel => Receiver::Kernel,
                    trace::Receiver::InTransit => Receiver::InTransit,
                    trace::Receiver::Task(task) => {
                        if !self.task_index.contains_key(task) {
                            self.inconsistent(
                                seq,
                                format!(
                                    "port {port} is allocated to task {task}, which does not exist"
                                ),
                            );
                        }
                        Receiver::Task(task.clone())
                    }
                };
                self.port_index.insert(port.clone(), seq);
                self.ports.insert(
                    seq,
                    Arc::new(Port {
                        label: port.clone(),
                        created_at: seq,
                        receiver,
                        capacity: *capacity,
                        queue: VecDeque::new(),
                        set: None,
                        blocked_senders: Vec::new(),
                        requests: Vec::new(),
                    }),
                );
            }
            Event::PortDestroyed { port, reason } => {
                let Some(dead) = self.remove_port(port) else {
                    self.inconsistent(seq, format!("port {port} dies but it is not alive"));
                    return;
                };
                if let Some(set) = &dead.set {
                    self.leave_set(port, set);
                }
                self.dead_ports.push(DeadPort {
                    label: dead.label.clone(),
                    created_at: dead.created_at,
                    died_at: seq,
                    died_ns: now,
                    reason: *reason,
                    receiver: dead.receiver.clone(),
                });
            }
            Event::ReceiverChanged { port, receiver } => {
                let receiver = match receiver {
                    Some(task) => {
                        if !self.task_index.contains_key(task) {
                            self.inconsistent(
                                seq,
                                format!("the receive right of {port} goes to task {task}, which does not exist"),
                            );
                        }
                        Receiver::Task(task.clone())
                    }
                    None => Receiver::InTransit,
                };
                if let Some(p) = self.port_mut(seq, port) {
                    p.receiver = receiver;
                }
            }
            Event::CapacityChanged { port, capacity } => {
                if let Some(p) = self.port_mut(seq, port) {
                    p.capacity = *capacity;
                }
            }
            Event::PortSetAllocated { set, holder } => {
                if self.set_index.contains_key(set) || self.port_index.contains_key(set) {
                    self.inconsistent(seq, format!("port set {set} is allocated a second time"));
                    if let Some(k) = self.set_index.remove(set) {
                        self.sets.remove(&k);
                    }
                }
                if !self.task_index.contains_key(holder) {
                    self.inconsistent(
                        seq,
                        format!(
                            "port set {set} is allocated to task {holder}, which does not exist"
                        ),
                    );
                }
                self.set_index.insert(set.clone(), seq);
                self.sets.insert(
                    seq,
                    PortSet {
                        label: set.clone(),
                        holder: holder.clone(),
                        created_at: seq,
                        members: Vec::new(),
                    },
                );
            }
            Event::PortSetDestroyed { set } => match self.set_index.remove(set) {
                Some(k) => {
                    if let Some(s) = self.sets.remove(&k) {
                        for member in s.members {
                            if let Some(k) = self.port_index.get(&member).copied()
                                && let Some(p) = self.ports.get_mut(&k)
                            {
                                Arc::make_mut(p).set = None;
                            }
                        }
                    }
                }
                None => self.inconsistent(seq, format!("port set {set} dies but it is not alive")),
            },
            Event::MemberAdded { port, set } => {
                let Some(&k) = self.set_index.get(set) else {
                    self.inconsistent(
                        seq,
                        format!("port {port} joins set {set}, which is not alive"),
                    );
                    return;
                };
                let previous = match self.port_mut(seq, port) {
                    Some(p) => p.set.replace(set.clone()),
                    None => return,
                };
                if let Some(previous) = previous {
                    self.inconsistent(
                        seq,
                        format!("port {port} joins set {set} while still in set {previous}"),
                    );
                    self.leave_set(port, &previous);
                }
                if let Some(s) = self.sets.get_mut(&k) {
                    s.members.push(port.clone());
                }
            }
            Event::MemberRemoved { port, set } => {
                if let Some(p) = self.port_mut(seq, port) {
                    if p.set.as_deref() == Some(&**set) {
                        p.set = None;
                    } else {
                        let problem = format!("port {port} leaves set {set} but it is not in it");
                        self.inconsistent(seq, problem);
                    }
                }
                self.leave_set(port, set);
            }
            Event::RightChanged {
                holder,
                name,
                port,
                right,
                urefs,
            } => {
                if let Some(child) = started_just_before
                    .filter(|child| actor == Some(holder) && self.is_kernel_port_of(child, port))
                {
                    // A spawn: the child started, then the parent got a send right to
                    // its kernel port. The spawn call is the parent's.
                    if let Some(c) = self.task_mut(seq, &child)
                        && c.parent.is_none()
                    {
                        c.parent = Some(holder.clone());
                    }
                    self.count_call(seq, holder);
                }
                let rights = *right;
                let object = port.clone();
                let is_receive = rights.has_receive();
                if is_receive && !self.is_port_alive(port) {
                    self.inconsistent(
                        seq,
                        format!("{holder} gets a receive right for {port}, which is not alive"),
                    );
                }
                if rights == PortType::PortSet && !self.set_index.contains_key(port) {
                    self.inconsistent(
                        seq,
                        format!("{holder} gets a name for port set {port}, which is not alive"),
                    );
                }
                let Some(task) = self.task_mut(seq, holder) else {
                    return;
                };
                if rights == PortType::None {
                    if task.space.remove(name).is_none() {
                        self.inconsistent(
                            seq,
                            format!("{holder} frees name {name}, which it does not hold"),
                        );
                    }
                } else {
                    task.space.insert(
                        *name,
                        RawEntry {
                            object,
                            rights,
                            urefs: *urefs,
                        },
                    );
                }
            }
            Event::NotificationRequested {
                port, kind, notify, ..
            } => {
                let request = Request {
                    kind: *kind,
                    notify: notify.clone(),
                    by: actor.cloned(),
                    at: seq,
                };
                if let Some(p) = self.port_mut(seq, port) {
                    if *kind == NotificationKind::DeadName {
                        p.requests.retain(|r| {
                            !(r.kind == request.kind
                                && r.notify == request.notify
                                && r.by == request.by)
                        });
                    } else {
                        p.requests.retain(|r| r.kind != request.kind);
                    }
                    p.requests.push(request);
                }
            }
            Event::MessageSent {
                msg,
                port,
                id,
                size,
                dest_right,
                reply,
                body,
                kind,
            } => {
                let is_notification = *kind == Some(MessageOrigin::Notification);
                let sender = if is_notification {
                    None
                } else {
                    actor.cloned()
                };
                if let Some(sender) = &sender {
                    self.count_call(seq, sender);
                    self.expect_ready(seq, sender, "sends");
                }
                if is_notification {
                    self.fulfil_request(seq, *msg, port);
                }
                if self.messages.contains_key(msg) {
                    self.inconsistent(seq, format!("message {msg} is sent a second time"));
                    self.remove_message(seq, *msg, "is sent again");
                }
                self.messages.insert(
                    *msg,
                    Arc::new(Message {
                        msg: *msg,
                        sent_at: seq,
                        sent_ns: now,
                        sender,
                        port: port.clone(),
                        id: *id,
                        size: *size,
                        dest_right: *dest_right,
                        reply: reply.clone(),
                        body: Arc::from(body.as_slice()),
                        kind: *kind,
                        place: Place::Entering,
                    }),
                );
            }
            Event::MessageQueued { msg, port, depth } => {
                self.queue_message(seq, *msg, port, *depth, false)
            }
            Event::MessageCached { msg, port, depth } => {
                self.queue_message(seq, *msg, port, *depth, true)
            }
            Event::SendBlocked { msg, port, .. } => {
                let Some(task) = self.actor(seq, actor, EventKind::SendBlocked) else {
                    return;
                };
                self.expect_ready(seq, &task, "blocks sending");
                if !self.take_message(seq, *msg, "blocks its sender") {
                    return;
                }
                if let Some(m) = self.messages.get_mut(msg) {
                    Arc::make_mut(m).place = Place::HeldBySender {
                        task: task.clone(),
                        port: port.clone(),
                    };
                }
                if let Some(p) = self.port_mut(seq, port) {
                    p.blocked_senders.push(BlockedSender {
                        task: task.clone(),
                        msg: *msg,
                    });
                }
                if let Some(t) = self.task_mut(seq, &task) {
                    t.status = TaskStatus::BlockedSend {
                        msg: *msg,
                        port: port.clone(),
                        since_ns: now,
                    };
                }
            }
            Event::SendFailed { code, .. } => {
                let Some(task) = self.actor(seq, actor, EventKind::SendFailed) else {
                    return;
                };
                // A send refused before its message entered opens a call; one whose
                // message entered (or whose wait ran out) ends the call that sent it.
                let entering = self
                    .messages
                    .values()
                    .any(|m| m.place == Place::Entering && m.sender.as_deref() == Some(&*task));
                let blocked = self
                    .task(&task)
                    .is_some_and(|t| matches!(t.status, TaskStatus::BlockedSend { .. }));
                if !entering && !blocked {
                    self.count_call(seq, &task);
                }
                self.note_failure(seq, &task, "send", *code);
            }
            Event::ReceiveBlocked { port, .. } => {
                let Some(task) = self.actor(seq, actor, EventKind::ReceiveBlocked) else {
                    return;
                };
                self.count_call(seq, &task);
                self.expect_ready(seq, &task, "blocks receiving");
                if !self.port_index.contains_key(port) && !self.set_index.contains_key(port) {
                    self.inconsistent(
                        seq,
                        format!(
                            "{task} waits on {port}, which is neither a live port nor a live set"
                        ),
                    );
                }
                if let Some(t) = self.task_mut(seq, &task) {
                    t.status = TaskStatus::BlockedReceive {
                        on: port.clone(),
                        since_ns: now,
                    };
                }
            }
            Event::ReceiveFailed { code, .. } => {
                let Some(task) = self.actor(seq, actor, EventKind::ReceiveFailed) else {
                    return;
                };
                if !self.is_blocked_receiving(&task) {
                    self.count_call(seq, &task);
                }
                self.note_failure(seq, &task, "receive", *code);
            }
            Event::MessageReceived {
                msg,
                receiver,
                pseudo,
                ..
            } => {
                match receiver {
                    trace::Receiver::Kernel => self.begin_call(*msg),
                    trace::Receiver::Task(receiver) => {
                        if !*pseudo
                            && actor == Some(receiver)
                            && !self.is_blocked_receiving(receiver)
                        {
                            self.count_call(seq, receiver);
                        }
                        if !self.task_index.contains_key(receiver) {
                            self.inconsistent(
                                seq,
                                format!(
                                    "message {msg} is received by task {receiver}, which does not exist"
                                ),
                            );
                        }
                    }
                    trace::Receiver::InTransit => {
                        self.inconsistent(seq, format!("message {msg} is received by nobody"));
                    }
                }
                let what = if *pseudo {
                    "is handed back"
                } else {
                    "is received"
                };
                self.remove_message(seq, *msg, what);
            }
            Event::MessageDestroyed { msg, .. } => {
                self.remove_message(seq, *msg, "is destroyed");
            }
            Event::NotificationSent { msg, kind, about } => {
                self.announced = Some(Announced {
                    msg: *msg,
                    kind: *kind,
                    about: about.clone(),
                });
            }
            Event::KernelCall { call, code } => {
                if let Some(task) = actor
                    && let Some(&i) = self.task_index.get(task)
                    && self.tasks[i].call.is_some()
                {
                    Arc::make_mut(&mut self.tasks[i]).call = None;
                }
                if *code != ports::ReturnCode::Success
                    && let Some(task) = self.actor(seq, actor, EventKind::KernelCall)
                {
                    self.note_failure(seq, &task, call.as_str(), *code);
                }
            }
            Event::MemoryCreated { .. }
            | Event::MemoryMapped { .. }
            | Event::MemoryRead { .. }
            | Event::MemoryWritten { .. }
            | Event::MemoryUnmapped { .. }
            | Event::MemoryFreed { .. } => self.apply_memory(seq, actor, &record.event),
            Event::SemaphoreCreated { .. }
            | Event::SemaphoreAcquired { .. }
            | Event::SemaphoreBlocked { .. }
            | Event::SemaphoreSignalled { .. }
            | Event::SemaphoreDestroyed { .. } => {
                self.apply_semaphore(seq, now, actor, &record.event)
            }
            Event::PipeCreated { .. }
            | Event::PipeEndOpened { .. }
            | Event::PipeEndClosed { .. }
            | Event::PipeWritten { .. }
            | Event::PipeRead { .. }
            | Event::PipeBlocked { .. }
            | Event::PipeDestroyed { .. } => self.apply_pipe(seq, now, actor, &record.event),
            Event::NamedPipeCreated { .. }
            | Event::NamedPipeWaiting { .. }
            | Event::NamedPipeOpened { .. }
            | Event::NamedPipeConnected { .. }
            | Event::NamedPipeUnlinked { .. } => {
                self.apply_named_pipe(seq, now, actor, &record.event)
            }
            Event::FaultApplied { kind, target } => {
                let known = match kind {
                    FaultKind::Kill => self.task_index.contains_key(target),
                    FaultKind::Destroy | FaultKind::DestroyMissed => {
                        self.port_index.contains_key(target)
                    }
                };
                if !known {
                    self.inconsistent(
                        seq,
                        format!("a {kind} fault hits {target}, which is not alive"),
                    );
                }
            }
        }
    }

    // ----- helpers of the fold -------------------------------------------------------

    fn inconsistent(&mut self, seq: u64, problem: String) {
        self.inconsistencies.push(Inconsistency { seq, problem });
    }

    /// The task that caused an event that must have one.
    fn actor(&mut self, seq: u64, actor: Option<&Label>, event: EventKind) -> Option<Label> {
        match actor {
            Some(task) if self.task_index.contains_key(task) => Some(task.clone()),
            Some(task) => {
                self.inconsistent(seq, format!("{event} by task {task}, which does not exist"));
                None
            }
            None => {
                self.inconsistent(seq, format!("{event} without a task"));
                None
            }
        }
    }

    fn task_mut(&mut self, seq: u64, name: &str) -> Option<&mut Task> {
        match self.task_index.get(name) {
            Some(&i) => Some(Arc::make_mut(&mut self.tasks[i])),
            None => {
                self.inconsistent(seq, format!("task {name} does not exist"));
                None
            }
        }
    }

    fn port_mut(&mut self, seq: u64, label: &str) -> Option<&mut Port> {
        match self.port_index.get(label).copied() {
            Some(k) => self.ports.get_mut(&k).map(Arc::make_mut),
            None => {
                self.inconsistent(seq, format!("port {label} is not alive"));
                None
            }
        }
    }

    fn remove_port(&mut self, label: &str) -> Option<Arc<Port>> {
        let k = self.port_index.remove(label)?;
        self.ports.remove(&k)
    }

    fn leave_set(&mut self, port: &str, set: &str) {
        if let Some(k) = self.set_index.get(set).copied()
            && let Some(s) = self.sets.get_mut(&k)
        {
            s.members.retain(|m| &**m != port);
        }
    }

    fn is_kernel_port_of(&self, task: &str, port: &str) -> bool {
        self.task(task).is_some_and(|t| &*t.kernel_port == port)
    }

    fn is_blocked_receiving(&self, task: &str) -> bool {
        self.task(task)
            .is_some_and(|t| matches!(t.status, TaskStatus::BlockedReceive { .. }))
    }

    fn count_call(&mut self, seq: u64, task: &str) {
        if let Some(t) = self.task_mut(seq, task) {
            t.steps += 1;
        }
    }

    fn note_failure(&mut self, seq: u64, task: &str, call: &str, code: ports::ReturnCode) {
        if let Some(t) = self.task_mut(seq, task) {
            t.last_failure = Some(Failure {
                seq,
                call: Label::from(call),
                code,
            });
        }
    }

    /// A task's own call: it must be runnable to make one.
    fn expect_ready(&mut self, seq: u64, task: &str, what: &str) {
        if let Some(t) = self.task(task)
            && t.status != TaskStatus::Ready
        {
            let class = t.status.class();
            self.inconsistent(
                seq,
                format!("task {task} {what} but it is {class}, not ready"),
            );
        }
    }

    fn end_task(&mut self, seq: u64, now: u64, name: &str, end: TaskStatus) {
        if self.task(name).is_some_and(|t| !t.status.is_ended()) {
            self.leave_service_wait(name);
        }
        let Some(task) = self.task_mut(seq, name) else {
            return;
        };
        if task.status.is_ended() {
            let class = task.status.class();
            self.inconsistent(seq, format!("task {name} ends but it has already {class}"));
            return;
        }
        if let Some(since) = task.status.waiting_since() {
            task.blocked_ns += now.saturating_sub(since);
        }
        task.status = end;
    }

    /// The `message_sent` of an announced notification: the request it fulfils is
    /// no longer pending.
    fn fulfil_request(&mut self, seq: u64, msg: u64, target: &Label) {
        let Some(announced) = self.announced.take().filter(|a| a.msg == msg) else {
            self.inconsistent(
                seq,
                format!("notification {msg} is sent without a notification_sent before it"),
            );
            return;
        };
        let Some(about) = announced.about else {
            return;
        };
        let Some(k) = self.port_index.get(&about).copied() else {
            return;
        };
        let Some(port) = self.ports.get_mut(&k) else {
            return;
        };
        let kind = announced.kind;
        let fulfils = |r: &Request| match kind {
            NotificationKind::NoSenders | NotificationKind::PortDestroyed => r.kind == kind,
            NotificationKind::DeadName | NotificationKind::PortDeleted => {
                r.kind == NotificationKind::DeadName && r.notify == *target
            }
            NotificationKind::MsgAccepted | NotificationKind::SendOnce => false,
        };
        if let Some(at) = port.requests.iter().position(fulfils) {
            Arc::make_mut(port).requests.remove(at);
        }
    }

    /// Takes a live message out of wherever it is (a queue, a blocked sender) before
    /// it goes somewhere else; false (and an inconsistency) if it is not live.
    fn take_message(&mut self, seq: u64, msg: u64, what: &str) -> bool {
        let Some(place) = self.messages.get(&msg).map(|m| m.place.clone()) else {
            self.inconsistent(
                seq,
                format!(
                    "message {msg} {what} but it is not in the kernel (never sent, or already gone)"
                ),
            );
            return false;
        };
        match place {
            Place::Entering => {}
            Place::Queued { port, .. } => {
                if let Some(k) = self.port_index.get(&port).copied()
                    && let Some(p) = self.ports.get_mut(&k)
                {
                    let p = Arc::make_mut(p);
                    if let Some(at) = p.queue.iter().position(|m| *m == msg) {
                        p.queue.remove(at);
                    }
                }
            }
            Place::HeldBySender { port, .. } => {
                if let Some(k) = self.port_index.get(&port).copied()
                    && let Some(p) = self.ports.get_mut(&k)
                {
                    Arc::make_mut(p).blocked_senders.retain(|b| b.msg != msg);
                }
            }
        }
        if let Some(m) = self.messages.get_mut(&msg) {
            Arc::make_mut(m).place = Place::Entering;
        }
        true
    }

    /// A message leaves the kernel (received, handed back, destroyed).
    fn remove_message(&mut self, seq: u64, msg: u64, what: &str) {
        if self.take_message(seq, msg, what) {
            self.messages.remove(&msg);
        }
    }

    fn queue_message(&mut self, seq: u64, msg: u64, port: &Label, depth: u32, forced: bool) {
        let what = if forced { "is cached" } else { "is queued" };
        if !self.take_message(seq, msg, what) {
            return;
        }
        let Some(p) = self.port_mut(seq, port) else {
            return;
        };
        p.queue.push_back(msg);
        let len = p.queue.len();
        if let Some(m) = self.messages.get_mut(&msg) {
            Arc::make_mut(m).place = Place::Queued {
                port: port.clone(),
                forced,
            };
        }
        if len != depth as usize {
            self.inconsistent(
                seq,
                format!(
                    "message {msg} is queued on {port} at depth {depth}, but the queue holds {len}"
                ),
            );
        }
    }
}
