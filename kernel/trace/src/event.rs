//! Trace events: one per change of kernel state, in order.
//!
//! The vocabulary is documented, with an example line of each kind, in
//! `docs/traces.md`. Events name tasks by their (unique) names and ports by their
//! (unique) labels, so a trace is readable on its own and a reader can rebuild the
//! kernel's state after any event without the scenario.

use crate::HexBytes;
use crate::vocabulary::{
    CallName, Code, CopyDirection, FaultKind, LpcDestroyReason, LpcWaitKind, MessageDestroyReason,
    MessageOrigin, NamedPipeWait, PipeSide, PortDestroyReason, Receiver, ViewSide, WakeReason,
};
use ports::lpc::{ClientId, DataEntry, LpcMessageType, LpcPortKind};
use ports::service::{Access, PipeMode};
use ports::{NotificationKind, PortType, QueueLimit, ScheduleKind};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A shared, immutable name: cloning it into an event costs a reference count.
pub type Label = Arc<str>;

/// The first line of every trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceHeader {
    /// Always `machsim-trace`.
    pub format: String,
    /// The format's major version: [`TraceHeader::VERSION`] (the binary form's
    /// header line says [`TraceHeader::BINARY_VERSION`] instead, and reading it
    /// gives this one back).
    pub version: u32,
    /// The machsim version that wrote it.
    pub machsim: String,
    /// The scenario's name.
    pub scenario: String,
    /// The seed of the run.
    pub seed: u64,
    /// The schedule of the run, written by name (`round_robin`, `random`, `pct`):
    /// a `pct` schedule's depth is not recorded, and reads back as the default.
    pub schedule: ScheduleKind,
}

impl TraceHeader {
    /// The format's name.
    pub const FORMAT: &'static str = "machsim-trace";
    /// The version this build writes and the newest major version it reads.
    pub const VERSION: u32 = 1;
    /// The version of the binary form, which this build writes and alone reads:
    /// version 2 encodes the fixed words (reasons, right kinds, call names, …) as
    /// variant indices where version 1 wrote them as strings.
    pub const BINARY_VERSION: u32 = 2;

    /// A header for a run of `scenario`.
    pub fn new(scenario: &str, seed: u64, schedule: ScheduleKind) -> TraceHeader {
        TraceHeader {
            format: Self::FORMAT.to_string(),
            version: Self::VERSION,
            machsim: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario.to_string(),
            seed,
            schedule,
        }
    }
}

/// One event with the fields common to all: sequence number, virtual time, and the
/// task whose action caused it (`None` for the kernel: timers, notifications, clean-up).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// 1, 2, 3, … without gaps.
    pub seq: u64,
    /// Virtual time in nanoseconds, never decreasing.
    pub t_ns: u64,
    /// The task that caused the event, or `None` for the kernel itself.
    pub task: Option<Label>,
    /// What happened.
    pub event: Event,
}

/// A right carried in a message, as the trace shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarriedRight {
    /// The port's label, or `None` for a right that died in transit.
    pub port: Option<Label>,
    /// `receive`, `send` or `send_once`.
    pub right: ports::RightKind,
}

/// A body item, as the trace shows it: inline data in full, out-of-line memory by size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceItem {
    /// `u8`.
    U8(u8),
    /// `u16`.
    U16(u16),
    /// `u32`.
    U32(u32),
    /// `u64`.
    U64(u64),
    /// `i8`.
    I8(i8),
    /// `i16`.
    I16(i16),
    /// `i32`.
    I32(i32),
    /// `i64`.
    I64(i64),
    /// `bool`.
    Bool(bool),
    /// `f64` (in JSON, `"NaN"`, `"inf"` and `"-inf"` for the values JSON lacks).
    F64(#[serde(with = "crate::float")] f64),
    /// `str`.
    Str(String),
    /// Inline bytes (lower-case hex in JSON, raw in the binary form).
    Bytes(HexBytes),
    /// Out-of-line memory: its size in bytes.
    Ool(u64),
    /// A port right.
    Port(CarriedRight),
}

/// What changed. JSON Lines writes its kind under `event` with its fields beside
/// the common ones; in memory and in the binary form it is an ordinary enum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A task exists, with its kernel and notify ports.
    TaskCreated {
        /// Its unique name.
        name: Label,
        /// The task that spawned it, if any.
        parent: Option<Label>,
        /// Its kernel port's label.
        kernel_port: Label,
        /// Its notify port's label.
        notify_port: Label,
        /// When it becomes runnable, or `None` if another task must spawn it.
        start_ns: Option<u64>,
    },
    /// A task became runnable for the first time.
    TaskStarted {
        /// The task.
        name: Label,
        /// The task whose `spawn` started it, if one did.
        by: Option<Label>,
    },
    /// A task that waited (blocked or asleep) can run again.
    TaskWoken {
        /// The task.
        name: Label,
        /// Why (see `docs/traces.md`).
        reason: WakeReason,
    },
    /// A task went to sleep until `until_ns`.
    SleepStarted {
        /// When it wakes.
        until_ns: u64,
    },
    /// A task ended normally.
    TaskExited {
        /// The task.
        name: Label,
        /// Its exit code.
        code: i32,
    },
    /// A task ended abnormally.
    TaskCrashed {
        /// The task.
        name: Label,
        /// Why.
        reason: String,
    },
    /// A task was killed from outside.
    TaskKilled {
        /// The task.
        name: Label,
    },
    /// A port exists; its receive right is held by `receiver` (the kernel for a
    /// task's kernel port, written `kernel`).
    PortAllocated {
        /// Its unique label.
        port: Label,
        /// Who holds the receive right.
        receiver: Receiver,
        /// Its queue limit (in JSON a string: a number or `unbounded`).
        capacity: QueueLimit,
    },
    /// A port died.
    PortDestroyed {
        /// The port.
        port: Label,
        /// Why.
        reason: PortDestroyReason,
    },
    /// A port's receive right changed hands: `receiver` is the new holder, or `None`
    /// while the right is in transit in a message.
    ReceiverChanged {
        /// The port.
        port: Label,
        /// The new holder.
        receiver: Option<Label>,
    },
    /// A port's queue limit changed.
    CapacityChanged {
        /// The port.
        port: Label,
        /// The new limit (in JSON a string, as in `port_allocated`).
        capacity: QueueLimit,
    },
    /// A port set exists.
    PortSetAllocated {
        /// Its unique label.
        set: Label,
        /// The task holding it.
        holder: Label,
    },
    /// A port set was destroyed; its members left it.
    PortSetDestroyed {
        /// The set.
        set: Label,
    },
    /// A port joined a set.
    MemberAdded {
        /// The port.
        port: Label,
        /// The set.
        set: Label,
    },
    /// A port left a set.
    MemberRemoved {
        /// The port.
        port: Label,
        /// The set.
        set: Label,
    },
    /// What a name denotes in a task changed; this is its new state. `right` is
    /// `none` when the name was freed.
    RightChanged {
        /// The task whose name space changed.
        holder: Label,
        /// The name (Mach's `mach_port_name_t`).
        name: u32,
        /// The port or set the name is for.
        port: Label,
        /// The rights it now denotes (`none` when the name was freed).
        right: PortType,
        /// User references of the send right or dead name.
        urefs: u32,
    },
    /// A notification was requested.
    NotificationRequested {
        /// The port it is about.
        port: Label,
        /// `dead_name`, `no_senders` or `port_destroyed`.
        kind: NotificationKind,
        /// The port it will be sent to.
        notify: Label,
        /// The requester's name for the right the request is about.
        name: u32,
        /// Mach's `sync` argument.
        sync: u32,
    },
    /// A message entered the kernel (its rights copied in). Then it is queued
    /// (`message_queued`, `message_cached`), held by its blocked sender
    /// (`send_blocked`), taken (`message_received`, or with `pseudo` handed back), or
    /// destroyed at once (`message_destroyed`, e.g. to a dead notify port).
    MessageSent {
        /// The message.
        msg: u64,
        /// Its destination port.
        port: Label,
        /// `msgh_id`.
        id: i32,
        /// `msgh_size`.
        size: u32,
        /// Sent to a `send` or `send_once` right.
        dest_right: ports::RightKind,
        /// The reply right it carries.
        reply: Option<CarriedRight>,
        /// Its body.
        body: Vec<TraceItem>,
        /// `notification` for a kernel notification, `direct` for direct naming,
        /// `null` otherwise (a task's send, or a request to a kernel port).
        #[serde(default)]
        kind: Option<MessageOrigin>,
    },
    /// A message was put at the tail of its port's queue.
    MessageQueued {
        /// The message.
        msg: u64,
        /// The port.
        port: Label,
        /// The queue's length afterwards.
        depth: u32,
    },
    /// A message was queued beyond the limit by the kernel cache (`notify`).
    MessageCached {
        /// The message.
        msg: u64,
        /// The port.
        port: Label,
        /// The queue's length afterwards.
        depth: u32,
    },
    /// The sender waits, holding its message, for room in the queue.
    SendBlocked {
        /// The message.
        msg: u64,
        /// The port.
        port: Label,
        /// When the wait ends if nothing frees a slot (a timed send), else `None`.
        until_ns: Option<u64>,
    },
    /// A send failed; the message (if it had entered) is handed back by the
    /// `message_received` with `pseudo: true` that follows.
    SendFailed {
        /// The port, if the destination named one.
        port: Option<Label>,
        /// The return code.
        code: ports::ReturnCode,
    },
    /// A receive is waiting for a message.
    ReceiveBlocked {
        /// The port or set it waits on.
        port: Label,
        /// When the wait ends if nothing arrives (a timed receive), else `None`.
        until_ns: Option<u64>,
    },
    /// A receive failed.
    ReceiveFailed {
        /// The port or set.
        port: Option<Label>,
        /// The return code.
        code: ports::ReturnCode,
    },
    /// A message left the kernel into a task: received from `port`, or (with
    /// `pseudo`) handed back to its sender after a failed send.
    MessageReceived {
        /// The message.
        msg: u64,
        /// The port it came from.
        port: Label,
        /// The receiving task (the kernel for a kernel port).
        receiver: Receiver,
        /// The port's sequence number stamped on it.
        seqno: u32,
        /// True for Mach's pseudo-receive of a failed send.
        #[serde(default)]
        pseudo: bool,
    },
    /// A message was destroyed unread, with the rights in it released.
    MessageDestroyed {
        /// The message.
        msg: u64,
        /// The port it was queued on or sent to.
        port: Label,
        /// Why.
        reason: MessageDestroyReason,
    },
    /// The kernel generated a notification (its `message_sent` follows).
    NotificationSent {
        /// The notification message.
        msg: u64,
        /// Which notification.
        kind: NotificationKind,
        /// The port it is about, when it names one.
        about: Option<Label>,
    },
    /// A kernel-port operation or service call finished (or a `spawn` was
    /// refused); `call` is its name and `code` its result.
    KernelCall {
        /// The operation (`allocate`, `deallocate`, `pipe_read`, `spawn`, …).
        call: CallName,
        /// Its result: a Mach return code, or an NT status for an LPC call.
        code: Code,
    },
    /// An outside fault was applied (a scenario `[[fault]]`).
    FaultApplied {
        /// `kill`, `destroy`, or `destroy_missed` (no live port had the label).
        kind: FaultKind,
        /// The task or port it hit.
        target: Label,
    },
    /// A memory object exists.
    MemoryCreated {
        /// Its label.
        object: Label,
        /// Its size in bytes.
        size: u32,
        /// Its first contents when made from an out-of-line region that is not all
        /// zeros; `None` for zeroed memory.
        initial: Option<HexBytes>,
    },
    /// A task mapped a memory object.
    MemoryMapped {
        /// The object.
        object: Label,
        /// The task that mapped it.
        holder: Label,
        /// The task's mapping handle.
        mapping: u32,
    },
    /// A task read a value from a mapping.
    MemoryRead {
        /// The object.
        object: Label,
        /// The byte offset.
        offset: u32,
        /// The width in bytes.
        width: u32,
        /// The value read.
        value: u64,
    },
    /// A task wrote a value into a mapping.
    MemoryWritten {
        /// The object.
        object: Label,
        /// The byte offset.
        offset: u32,
        /// The width in bytes.
        width: u32,
        /// The value written.
        value: u64,
    },
    /// A mapping went away.
    MemoryUnmapped {
        /// The object.
        object: Label,
        /// The task whose mapping went.
        holder: Label,
        /// The mapping handle.
        mapping: u32,
    },
    /// A memory object nothing maps or names was freed.
    MemoryFreed {
        /// The object.
        object: Label,
    },
    /// A semaphore exists.
    SemaphoreCreated {
        /// Its label.
        semaphore: Label,
        /// Its initial count.
        value: u32,
    },
    /// A task took a unit of a semaphore (at once or when signalled).
    SemaphoreAcquired {
        /// The semaphore.
        semaphore: Label,
        /// Its count afterwards.
        value: u32,
    },
    /// A task waits on a semaphore.
    SemaphoreBlocked {
        /// The semaphore.
        semaphore: Label,
    },
    /// A task signalled a semaphore.
    SemaphoreSignalled {
        /// The semaphore.
        semaphore: Label,
        /// Its count afterwards (unchanged when a waiter took the unit).
        value: u32,
    },
    /// A semaphore was destroyed (its last send right went).
    SemaphoreDestroyed {
        /// The semaphore.
        semaphore: Label,
    },
    /// A pipe exists (an ordinary pipe, a FIFO's stream, or one direction of a
    /// duplex instance).
    PipeCreated {
        /// Its label.
        pipe: Label,
        /// Its capacity in bytes.
        capacity: u32,
        /// The path of the named pipe it is a stream of, if any.
        named: Option<Label>,
    },
    /// A task holds a new handle on a pipe end.
    PipeEndOpened {
        /// The pipe.
        pipe: Label,
        /// The task.
        holder: Label,
        /// Its handle.
        handle: u32,
        /// `read` or `write`.
        end: PipeSide,
    },
    /// A task's handle on a pipe end was closed.
    PipeEndClosed {
        /// The pipe.
        pipe: Label,
        /// The task.
        holder: Label,
        /// Its handle.
        handle: u32,
        /// `read` or `write`.
        end: PipeSide,
    },
    /// Bytes went into a pipe.
    PipeWritten {
        /// The pipe.
        pipe: Label,
        /// The bytes.
        bytes: HexBytes,
        /// Bytes buffered afterwards.
        depth: u32,
    },
    /// Bytes came out of a pipe.
    PipeRead {
        /// The pipe.
        pipe: Label,
        /// The bytes.
        bytes: HexBytes,
        /// Bytes buffered afterwards.
        depth: u32,
    },
    /// A task waits to read or write a pipe.
    PipeBlocked {
        /// The pipe.
        pipe: Label,
        /// `read` or `write`.
        op: PipeSide,
    },
    /// A pipe no task holds an end of is gone.
    PipeDestroyed {
        /// The pipe.
        pipe: Label,
    },
    /// A named pipe exists.
    NamedPipeCreated {
        /// Its path.
        path: Label,
        /// `fifo` or `duplex`.
        mode: PipeMode,
        /// Each stream's capacity in bytes.
        capacity: u32,
    },
    /// A task waits to open (or, as a duplex server, to accept on) a named pipe.
    NamedPipeWaiting {
        /// The path.
        path: Label,
        /// `read`, `write`, `read_write` or `accept`.
        access: NamedPipeWait,
    },
    /// A task opened a FIFO.
    NamedPipeOpened {
        /// The path.
        path: Label,
        /// `read`, `write` or `read_write`.
        access: Access,
    },
    /// A duplex client and server got their own instance.
    NamedPipeConnected {
        /// The path.
        path: Label,
        /// The client task.
        client: Label,
        /// The server task.
        server: Label,
    },
    /// A named pipe's name was removed; open ends keep working.
    NamedPipeUnlinked {
        /// The path.
        path: Label,
    },
    /// A task read bytes from a mapping in one call (`memory_read_bytes`).
    MemoryBytesRead {
        /// The object.
        object: Label,
        /// The byte offset.
        offset: u32,
        /// The bytes read.
        data: HexBytes,
    },
    /// A task wrote bytes into a mapping in one call (`memory_write_bytes`).
    MemoryBytesWritten {
        /// The object.
        object: Label,
        /// The byte offset.
        offset: u32,
        /// The bytes written.
        data: HexBytes,
    },
    /// An LPC port exists: a server's named connection port (`NtCreatePort`), a
    /// client's port (`NtConnectPort`), or the server's communication port for one
    /// client (`NtAcceptConnectPort`). Each has exactly one handle, in one task.
    LpcPortCreated {
        /// Its unique label: the NT name for a connection port, `<client>:<name>`
        /// for a client port, `<name>:<client>` for a communication port.
        port: Label,
        /// `connection`, `communication` or `client`.
        kind: LpcPortKind,
        /// The NT name of a connection port.
        name: Option<Label>,
        /// The connection port it belongs to (itself for a connection port).
        connection: Label,
        /// The port at the other end of the connection: a communication port's
        /// client port (a client port learns its peer from the communication
        /// port's creation).
        peer: Option<Label>,
        /// The task holding its handle.
        holder: Label,
        /// The handle in that task's handle table.
        handle: u32,
        /// A communication port's context, given back with every message of its
        /// connection (0 for the other kinds).
        context: u64,
        /// `MaxMessageLength`: the longest message, header included.
        max_message_length: u16,
    },
    /// An LPC message entered the kernel (its first copy); `task` is `null` for
    /// one the kernel made (`port_closed`, `client_died`). Then it is queued,
    /// parked in a reply slot, or received straight out of one.
    LpcMessageSent {
        /// The message, numbered with the Mach messages (one `msg` names one thing).
        msg: u64,
        /// `Type`.
        message_type: LpcMessageType,
        /// `MessageId`.
        message_id: u32,
        /// `CallbackId` (a callback's; 0 otherwise).
        callback_id: u32,
        /// `ClientId`: the sender's.
        client_id: ClientId,
        /// The port it was sent through.
        port: Label,
        /// `DataLength`.
        data_length: u16,
        /// `TotalLength`.
        total_length: u16,
        /// The data copied in.
        data: HexBytes,
        /// The data information: ranges of the sender's memory (request data).
        data_entries: Vec<DataEntry>,
        /// `ClientViewSize` (a connection request's; 0 otherwise).
        client_view_size: u32,
        /// The connection's context, as the receiver will get it (0 for a
        /// connection request).
        context: u64,
    },
    /// An LPC message was put at the tail of a queue (a connection port's or a
    /// client port's).
    LpcMessageQueued {
        /// The message.
        msg: u64,
        /// The port whose queue holds it.
        queue: Label,
        /// The queue's length afterwards.
        depth: u32,
    },
    /// An LPC message was put into a task's reply slot without waking it (an
    /// accept's answer to a connect, until the server completes the connection).
    LpcMessageParked {
        /// The message.
        msg: u64,
        /// The task whose slot holds it (not `task`, the record's actor).
        holder: Label,
    },
    /// An LPC message left the kernel into a task (its second copy): taken from
    /// `queue`, or (`queue` null) out of the receiver's reply slot as it wakes.
    LpcMessageReceived {
        /// The message.
        msg: u64,
        /// The queue it came from, or `null` for a reply slot.
        queue: Option<Label>,
        /// The receiving task.
        receiver: Label,
        /// The context the receiver gets with it.
        context: u64,
    },
    /// An LPC message was destroyed unread.
    LpcMessageDestroyed {
        /// The message.
        msg: u64,
        /// Why.
        reason: LpcDestroyReason,
    },
    /// A task's reply slot changed: the message id it waits to be answered on (0
    /// for none), and the port whose reply chain it is on, if any.
    LpcReplySlot {
        /// The task whose slot it is (not `task`, the record's actor).
        holder: Label,
        /// `LpcReplyMessageId`: the id it waits for, or 0.
        message_id: u32,
        /// The port whose reply chain it waits on.
        chain: Option<Label>,
    },
    /// A task blocked in an LPC call; its `task_woken` ends the wait.
    LpcWaitStarted {
        /// `connect`, `reply`, `receive` or `listen`.
        kind: LpcWaitKind,
        /// The port it waits on: the connection port (connect), the port whose
        /// reply chain it is on (reply), or the queue (receive, listen).
        port: Label,
        /// The message id it waits to be answered on (0 for a receive).
        message_id: u32,
        /// When a bounded receive gives up, else `None`.
        until_ns: Option<u64>,
    },
    /// A server answered a connection request (`NtAcceptConnectPort`).
    LpcConnectionAccepted {
        /// The client task.
        client: Label,
        /// The connection request's message id.
        message_id: u32,
        /// Accepted (true) or refused.
        accepted: bool,
        /// The new communication port, when accepted.
        comm_port: Option<Label>,
        /// The connection's context.
        context: u64,
    },
    /// A server completed a connection (`NtCompleteConnectPort`): the client
    /// stops waiting in its connect.
    LpcConnectionCompleted {
        /// The communication port.
        comm_port: Label,
        /// The client task.
        client: Label,
    },
    /// A port view was mapped: a section (a memory object) mapped into a task at
    /// connect or accept, owned by an LPC port and unmapped when it goes. Follows
    /// the memory service's `memory_mapped`.
    LpcViewMapped {
        /// The LPC port that owns the mapping.
        port: Label,
        /// The memory object.
        object: Label,
        /// The task it is mapped into.
        holder: Label,
        /// Its mapping handle in that task.
        mapping: u32,
        /// The object's size in bytes.
        size: u32,
        /// `client` or `server`: whose section it is.
        view: ViewSide,
    },
    /// A server read or wrote a waiting client's memory directly
    /// (`NtReadRequestData`, `NtWriteRequestData`): one copy, none into a message.
    LpcRequestDataCopied {
        /// The request whose data information named the range.
        msg: u64,
        /// `read` or `write`.
        direction: CopyDirection,
        /// The client task.
        client: Label,
        /// The client's memory object.
        object: Label,
        /// The data entry's index.
        index: u32,
        /// The byte offset in the object.
        offset: u32,
        /// The bytes copied.
        data: HexBytes,
    },
    /// An LPC port lost the other end of its connection (and its connection port).
    LpcPortDisconnected {
        /// The port.
        port: Label,
    },
    /// A connection port's name was deleted (its last handle was closed): no new
    /// client can connect; established connections keep working.
    LpcNameDeleted {
        /// The connection port.
        port: Label,
        /// The name it had.
        name: Label,
    },
    /// A task's handle on an LPC port was closed (`NtClose`, or the task ended).
    LpcPortClosed {
        /// The port.
        port: Label,
        /// The task.
        holder: Label,
        /// The handle.
        handle: u32,
    },
    /// An LPC port was deleted: nothing holds or refers to it any more. Its queue
    /// was destroyed and its views unmapped before this event.
    LpcPortDeleted {
        /// The port.
        port: Label,
    },
    /// A task registered a port to be told of its end
    /// (`NtRegisterThreadTerminatePort`): `client_died` goes through it then.
    LpcTerminatePortRegistered {
        /// The port.
        port: Label,
    },
}
