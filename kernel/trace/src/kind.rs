//! The kind of an event, without its fields.

use crate::Event;

ports::word_enum! {
    /// What kind of event an [`Event`] is: its name in JSON Lines (`event`), for
    /// code that sorts, counts or labels events without their fields.
    pub enum EventKind {
        /// `task_created`.
        TaskCreated = "task_created",
        /// `task_started`.
        TaskStarted = "task_started",
        /// `task_woken`.
        TaskWoken = "task_woken",
        /// `sleep_started`.
        SleepStarted = "sleep_started",
        /// `task_exited`.
        TaskExited = "task_exited",
        /// `task_crashed`.
        TaskCrashed = "task_crashed",
        /// `task_killed`.
        TaskKilled = "task_killed",
        /// `port_allocated`.
        PortAllocated = "port_allocated",
        /// `port_destroyed`.
        PortDestroyed = "port_destroyed",
        /// `receiver_changed`.
        ReceiverChanged = "receiver_changed",
        /// `capacity_changed`.
        CapacityChanged = "capacity_changed",
        /// `port_set_allocated`.
        PortSetAllocated = "port_set_allocated",
        /// `port_set_destroyed`.
        PortSetDestroyed = "port_set_destroyed",
        /// `member_added`.
        MemberAdded = "member_added",
        /// `member_removed`.
        MemberRemoved = "member_removed",
        /// `right_changed`.
        RightChanged = "right_changed",
        /// `notification_requested`.
        NotificationRequested = "notification_requested",
        /// `message_sent`.
        MessageSent = "message_sent",
        /// `message_queued`.
        MessageQueued = "message_queued",
        /// `message_cached`.
        MessageCached = "message_cached",
        /// `send_blocked`.
        SendBlocked = "send_blocked",
        /// `send_failed`.
        SendFailed = "send_failed",
        /// `receive_blocked`.
        ReceiveBlocked = "receive_blocked",
        /// `receive_failed`.
        ReceiveFailed = "receive_failed",
        /// `message_received`.
        MessageReceived = "message_received",
        /// `message_destroyed`.
        MessageDestroyed = "message_destroyed",
        /// `notification_sent`.
        NotificationSent = "notification_sent",
        /// `kernel_call`.
        KernelCall = "kernel_call",
        /// `fault_applied`.
        FaultApplied = "fault_applied",
        /// `memory_created`.
        MemoryCreated = "memory_created",
        /// `memory_mapped`.
        MemoryMapped = "memory_mapped",
        /// `memory_read`.
        MemoryRead = "memory_read",
        /// `memory_written`.
        MemoryWritten = "memory_written",
        /// `memory_unmapped`.
        MemoryUnmapped = "memory_unmapped",
        /// `memory_freed`.
        MemoryFreed = "memory_freed",
        /// `semaphore_created`.
        SemaphoreCreated = "semaphore_created",
        /// `semaphore_acquired`.
        SemaphoreAcquired = "semaphore_acquired",
        /// `semaphore_blocked`.
        SemaphoreBlocked = "semaphore_blocked",
        /// `semaphore_signalled`.
        SemaphoreSignalled = "semaphore_signalled",
        /// `semaphore_destroyed`.
        SemaphoreDestroyed = "semaphore_destroyed",
        /// `pipe_created`.
        PipeCreated = "pipe_created",
        /// `pipe_end_opened`.
        PipeEndOpened = "pipe_end_opened",
        /// `pipe_end_closed`.
        PipeEndClosed = "pipe_end_closed",
        /// `pipe_written`.
        PipeWritten = "pipe_written",
        /// `pipe_read`.
        PipeRead = "pipe_read",
        /// `pipe_blocked`.
        PipeBlocked = "pipe_blocked",
        /// `pipe_destroyed`.
        PipeDestroyed = "pipe_destroyed",
        /// `named_pipe_created`.
        NamedPipeCreated = "named_pipe_created",
        /// `named_pipe_waiting`.
        NamedPipeWaiting = "named_pipe_waiting",
        /// `named_pipe_opened`.
        NamedPipeOpened = "named_pipe_opened",
        /// `named_pipe_connected`.
        NamedPipeConnected = "named_pipe_connected",
        /// `named_pipe_unlinked`.
        NamedPipeUnlinked = "named_pipe_unlinked",
        /// `memory_bytes_read`.
        MemoryBytesRead = "memory_bytes_read",
        /// `memory_bytes_written`.
        MemoryBytesWritten = "memory_bytes_written",
        /// `lpc_port_created`.
        LpcPortCreated = "lpc_port_created",
        /// `lpc_message_sent`.
        LpcMessageSent = "lpc_message_sent",
        /// `lpc_message_queued`.
        LpcMessageQueued = "lpc_message_queued",
        /// `lpc_message_parked`.
        LpcMessageParked = "lpc_message_parked",
        /// `lpc_message_received`.
        LpcMessageReceived = "lpc_message_received",
        /// `lpc_message_destroyed`.
        LpcMessageDestroyed = "lpc_message_destroyed",
        /// `lpc_reply_slot`.
        LpcReplySlot = "lpc_reply_slot",
        /// `lpc_wait_started`.
        LpcWaitStarted = "lpc_wait_started",
        /// `lpc_connection_accepted`.
        LpcConnectionAccepted = "lpc_connection_accepted",
        /// `lpc_connection_completed`.
        LpcConnectionCompleted = "lpc_connection_completed",
        /// `lpc_view_mapped`.
        LpcViewMapped = "lpc_view_mapped",
        /// `lpc_request_data_copied`.
        LpcRequestDataCopied = "lpc_request_data_copied",
        /// `lpc_port_disconnected`.
        LpcPortDisconnected = "lpc_port_disconnected",
        /// `lpc_name_deleted`.
        LpcNameDeleted = "lpc_name_deleted",
        /// `lpc_port_closed`.
        LpcPortClosed = "lpc_port_closed",
        /// `lpc_port_deleted`.
        LpcPortDeleted = "lpc_port_deleted",
        /// `lpc_terminate_port_registered`.
        LpcTerminatePortRegistered = "lpc_terminate_port_registered",
    }
}

ports::word_enum! {
    /// A kernel service, as the events about it are named (`memory_read`,
    /// `named_pipe_opened`): the views group and label service events by it.
    pub enum Service {
        /// Memory objects.
        Memory = "memory",
        /// Semaphores.
        Semaphore = "semaphore",
        /// Pipes (ordinary pipes, and the streams of named pipes).
        Pipe = "pipe",
        /// Named pipes (FIFOs and duplex pipes).
        NamedPipe = "named_pipe",
        /// Windows NT's local procedure call.
        Lpc = "lpc",
    }
}

impl EventKind {
    /// The kernel service an event of this kind is about; `None` for the events
    /// of tasks, ports, rights and messages (a service call's `kernel_call`
    /// included: it is the call's, not the service's).
    pub const fn service(self) -> Option<Service> {
        match self {
            EventKind::MemoryCreated
            | EventKind::MemoryMapped
            | EventKind::MemoryRead
            | EventKind::MemoryWritten
            | EventKind::MemoryUnmapped
            | EventKind::MemoryFreed
            | EventKind::MemoryBytesRead
            | EventKind::MemoryBytesWritten => Some(Service::Memory),
            EventKind::SemaphoreCreated
            | EventKind::SemaphoreAcquired
            | EventKind::SemaphoreBlocked
            | EventKind::SemaphoreSignalled
            | EventKind::SemaphoreDestroyed => Some(Service::Semaphore),
            EventKind::PipeCreated
            | EventKind::PipeEndOpened
            | EventKind::PipeEndClosed
            | EventKind::PipeWritten
            | EventKind::PipeRead
            | EventKind::PipeBlocked
            | EventKind::PipeDestroyed => Some(Service::Pipe),
            EventKind::NamedPipeCreated
            | EventKind::NamedPipeWaiting
            | EventKind::NamedPipeOpened
            | EventKind::NamedPipeConnected
            | EventKind::NamedPipeUnlinked => Some(Service::NamedPipe),
            EventKind::LpcPortCreated
            | EventKind::LpcMessageSent
            | EventKind::LpcMessageQueued
            | EventKind::LpcMessageParked
            | EventKind::LpcMessageReceived
            | EventKind::LpcMessageDestroyed
            | EventKind::LpcReplySlot
            | EventKind::LpcWaitStarted
            | EventKind::LpcConnectionAccepted
            | EventKind::LpcConnectionCompleted
            | EventKind::LpcViewMapped
            | EventKind::LpcRequestDataCopied
            | EventKind::LpcPortDisconnected
            | EventKind::LpcNameDeleted
            | EventKind::LpcPortClosed
            | EventKind::LpcPortDeleted
            | EventKind::LpcTerminatePortRegistered => Some(Service::Lpc),
            EventKind::TaskCreated
            | EventKind::TaskStarted
            | EventKind::TaskWoken
            | EventKind::SleepStarted
            | EventKind::TaskExited
            | EventKind::TaskCrashed
            | EventKind::TaskKilled
            | EventKind::PortAllocated
            | EventKind::PortDestroyed
            | EventKind::ReceiverChanged
            | EventKind::CapacityChanged
            | EventKind::PortSetAllocated
            | EventKind::PortSetDestroyed
            | EventKind::MemberAdded
            | EventKind::MemberRemoved
            | EventKind::RightChanged
            | EventKind::NotificationRequested
            | EventKind::MessageSent
            | EventKind::MessageQueued
            | EventKind::MessageCached
            | EventKind::SendBlocked
            | EventKind::SendFailed
            | EventKind::ReceiveBlocked
            | EventKind::ReceiveFailed
            | EventKind::MessageReceived
            | EventKind::MessageDestroyed
            | EventKind::NotificationSent
            | EventKind::KernelCall
            | EventKind::FaultApplied => None,
        }
    }
}

/// A pattern that matches every LPC event (`lpc_port_created` …
/// `lpc_terminate_port_registered`), for the exhaustive matches of the views that
/// hand them all to one place: `trace::lpc_event!() => self.apply_lpc(event)`.
#[macro_export]
macro_rules! lpc_event {
    () => {
        $crate::Event::LpcPortCreated { .. }
            | $crate::Event::LpcMessageSent { .. }
            | $crate::Event::LpcMessageQueued { .. }
            | $crate::Event::LpcMessageParked { .. }
            | $crate::Event::LpcMessageReceived { .. }
            | $crate::Event::LpcMessageDestroyed { .. }
            | $crate::Event::LpcReplySlot { .. }
            | $crate::Event::LpcWaitStarted { .. }
            | $crate::Event::LpcConnectionAccepted { .. }
            | $crate::Event::LpcConnectionCompleted { .. }
            | $crate::Event::LpcViewMapped { .. }
            | $crate::Event::LpcRequestDataCopied { .. }
            | $crate::Event::LpcPortDisconnected { .. }
            | $crate::Event::LpcNameDeleted { .. }
            | $crate::Event::LpcPortClosed { .. }
            | $crate::Event::LpcPortDeleted { .. }
            | $crate::Event::LpcTerminatePortRegistered { .. }
    };
}

impl Event {
    /// The event's kind (its `event` in JSON Lines).
    pub fn kind(&self) -> EventKind {
        match self {
            Event::TaskCreated { .. } => EventKind::TaskCreated,
            Event::TaskStarted { .. } => EventKind::TaskStarted,
            Event::TaskWoken { .. } => EventKind::TaskWoken,
            Event::SleepStarted { .. } => EventKind::SleepStarted,
            Event::TaskExited { .. } => EventKind::TaskExited,
            Event::TaskCrashed { .. } => EventKind::TaskCrashed,
            Event::TaskKilled { .. } => EventKind::TaskKilled,
            Event::PortAllocated { .. } => EventKind::PortAllocated,
            Event::PortDestroyed { .. } => EventKind::PortDestroyed,
            Event::ReceiverChanged { .. } => EventKind::ReceiverChanged,
            Event::CapacityChanged { .. } => EventKind::CapacityChanged,
            Event::PortSetAllocated { .. } => EventKind::PortSetAllocated,
            Event::PortSetDestroyed { .. } => EventKind::PortSetDestroyed,
            Event::MemberAdded { .. } => EventKind::MemberAdded,
            Event::MemberRemoved { .. } => EventKind::MemberRemoved,
            Event::RightChanged { .. } => EventKind::RightChanged,
            Event::NotificationRequested { .. } => EventKind::NotificationRequested,
            Event::MessageSent { .. } => EventKind::MessageSent,
            Event::MessageQueued { .. } => EventKind::MessageQueued,
            Event::MessageCached { .. } => EventKind::MessageCached,
            Event::SendBlocked { .. } => EventKind::SendBlocked,
            Event::SendFailed { .. } => EventKind::SendFailed,
            Event::ReceiveBlocked { .. } => EventKind::ReceiveBlocked,
            Event::ReceiveFailed { .. } => EventKind::ReceiveFailed,
            Event::MessageReceived { .. } => EventKind::MessageReceived,
            Event::MessageDestroyed { .. } => EventKind::MessageDestroyed,
            Event::NotificationSent { .. } => EventKind::NotificationSent,
            Event::KernelCall { .. } => EventKind::KernelCall,
            Event::FaultApplied { .. } => EventKind::FaultApplied,
            Event::MemoryCreated { .. } => EventKind::MemoryCreated,
            Event::MemoryMapped { .. } => EventKind::MemoryMapped,
            Event::MemoryRead { .. } => EventKind::MemoryRead,
            Event::MemoryWritten { .. } => EventKind::MemoryWritten,
            Event::MemoryUnmapped { .. } => EventKind::MemoryUnmapped,
            Event::MemoryFreed { .. } => EventKind::MemoryFreed,
            Event::SemaphoreCreated { .. } => EventKind::SemaphoreCreated,
            Event::SemaphoreAcquired { .. } => EventKind::SemaphoreAcquired,
            Event::SemaphoreBlocked { .. } => EventKind::SemaphoreBlocked,
            Event::SemaphoreSignalled { .. } => EventKind::SemaphoreSignalled,
            Event::SemaphoreDestroyed { .. } => EventKind::SemaphoreDestroyed,
            Event::PipeCreated { .. } => EventKind::PipeCreated,
            Event::PipeEndOpened { .. } => EventKind::PipeEndOpened,
            Event::PipeEndClosed { .. } => EventKind::PipeEndClosed,
            Event::PipeWritten { .. } => EventKind::PipeWritten,
            Event::PipeRead { .. } => EventKind::PipeRead,
            Event::PipeBlocked { .. } => EventKind::PipeBlocked,
            Event::PipeDestroyed { .. } => EventKind::PipeDestroyed,
            Event::NamedPipeCreated { .. } => EventKind::NamedPipeCreated,
            Event::NamedPipeWaiting { .. } => EventKind::NamedPipeWaiting,
            Event::NamedPipeOpened { .. } => EventKind::NamedPipeOpened,
            Event::NamedPipeConnected { .. } => EventKind::NamedPipeConnected,
            Event::NamedPipeUnlinked { .. } => EventKind::NamedPipeUnlinked,
            Event::MemoryBytesRead { .. } => EventKind::MemoryBytesRead,
            Event::MemoryBytesWritten { .. } => EventKind::MemoryBytesWritten,
            Event::LpcPortCreated { .. } => EventKind::LpcPortCreated,
            Event::LpcMessageSent { .. } => EventKind::LpcMessageSent,
            Event::LpcMessageQueued { .. } => EventKind::LpcMessageQueued,
            Event::LpcMessageParked { .. } => EventKind::LpcMessageParked,
            Event::LpcMessageReceived { .. } => EventKind::LpcMessageReceived,
            Event::LpcMessageDestroyed { .. } => EventKind::LpcMessageDestroyed,
            Event::LpcReplySlot { .. } => EventKind::LpcReplySlot,
            Event::LpcWaitStarted { .. } => EventKind::LpcWaitStarted,
            Event::LpcConnectionAccepted { .. } => EventKind::LpcConnectionAccepted,
            Event::LpcConnectionCompleted { .. } => EventKind::LpcConnectionCompleted,
            Event::LpcViewMapped { .. } => EventKind::LpcViewMapped,
            Event::LpcRequestDataCopied { .. } => EventKind::LpcRequestDataCopied,
            Event::LpcPortDisconnected { .. } => EventKind::LpcPortDisconnected,
            Event::LpcNameDeleted { .. } => EventKind::LpcNameDeleted,
            Event::LpcPortClosed { .. } => EventKind::LpcPortClosed,
            Event::LpcPortDeleted { .. } => EventKind::LpcPortDeleted,
            Event::LpcTerminatePortRegistered { .. } => EventKind::LpcTerminatePortRegistered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventKind;
    use crate::vocabulary::{
        CallName, Code, CopyDirection, FaultKind, LpcDestroyReason, LpcWaitKind,
        MessageDestroyReason, MessageOrigin, NamedPipeWait, PipeSide, PortDestroyReason, Receiver,
        ViewSide, WakeReason,
    };
    use crate::{CarriedRight, Event, HexBytes, Label, TraceItem};
    use ports::lpc::{ClientId, DataEntry, LpcMessageType, LpcPortKind};
    use ports::service::{Access, PipeMode};
    use ports::{NotificationKind, NtStatus, PortType, QueueLimit, ReturnCode, RightKind};

    /// One event of every kind.
    fn one_of_each() -> Vec<Event> {
        let l = |s: &str| Label::from(s);
        let bytes = || HexBytes(bytes::Bytes::from_static(b"hi"));
        vec![
            Event::TaskCreated {
                name: l("a"),
                parent: None,
                kernel_port: l("a.kernel"),
                notify_port: l("a.notify"),
                start_ns: Some(0),
            },
            Event::TaskStarted {
                name: l("a"),
                by: None,
            },
            Event::TaskWoken {
                name: l("a"),
                reason: WakeReason::Message,
            },
            Event::SleepStarted { until_ns: 1 },
            Event::TaskExited {
                name: l("a"),
                code: 0,
            },
            Event::TaskCrashed {
                name: l("a"),
                reason: "boom".into(),
            },
            Event::TaskKilled { name: l("a") },
            Event::PortAllocated {
                port: l("p"),
                receiver: Receiver::Kernel,
                capacity: QueueLimit::DEFAULT,
            },
            Event::PortDestroyed {
                port: l("p"),
                reason: PortDestroyReason::Destroyed,
            },
            Event::ReceiverChanged {
                port: l("p"),
                receiver: None,
            },
            Event::CapacityChanged {
                port: l("p"),
                capacity: QueueLimit::Unbounded,
            },
            Event::PortSetAllocated {
                set: l("s"),
                holder: l("a"),
            },
            Event::PortSetDestroyed { set: l("s") },
            Event::MemberAdded {
                port: l("p"),
                set: l("s"),
            },
            Event::MemberRemoved {
                port: l("p"),
                set: l("s"),
            },
            Event::RightChanged {
                holder: l("a"),
                name: 769,
                port: l("p"),
                right: PortType::ReceiveSend,
                urefs: 1,
            },
            Event::NotificationRequested {
                port: l("p"),
                kind: NotificationKind::DeadName,
                notify: l("n"),
                name: 769,
                sync: 0,
            },
            Event::MessageSent {
                msg: 1,
                port: l("p"),
                id: 7,
                size: 24,
                dest_right: RightKind::Send,
                reply: Some(CarriedRight {
                    port: None,
                    right: RightKind::DeadName,
                }),
                body: vec![TraceItem::U8(1)],
                kind: Some(MessageOrigin::Direct),
            },
            Event::MessageQueued {
                msg: 1,
                port: l("p"),
                depth: 1,
            },
            Event::MessageCached {
                msg: 1,
                port: l("p"),
                depth: 6,
            },
            Event::SendBlocked {
                msg: 1,
                port: l("p"),
                until_ns: None,
            },
            Event::SendFailed {
                port: None,
                code: ReturnCode::SendInvalidDest,
            },
            Event::ReceiveBlocked {
                port: l("p"),
                until_ns: Some(5),
            },
            Event::ReceiveFailed {
                port: Some(l("p")),
                code: ReturnCode::RcvTimedOut,
            },
            Event::MessageReceived {
                msg: 1,
                port: l("p"),
                receiver: Receiver::Task(l("a")),
                seqno: 0,
                pseudo: false,
            },
            Event::MessageDestroyed {
                msg: 1,
                port: l("p"),
                reason: MessageDestroyReason::Circular,
            },
            Event::NotificationSent {
                msg: 2,
                kind: NotificationKind::NoSenders,
                about: Some(l("p")),
            },
            Event::KernelCall {
                call: CallName::NtRequestPort,
                code: Code::Nt(NtStatus::PortDisconnected),
            },
            Event::FaultApplied {
                kind: FaultKind::DestroyMissed,
                target: l("p"),
            },
            Event::MemoryCreated {
                object: l("m"),
                size: 8,
                initial: Some(bytes()),
            },
            Event::MemoryMapped {
                object: l("m"),
                holder: l("a"),
                mapping: 3,
            },
            Event::MemoryRead {
                object: l("m"),
                offset: 0,
                width: 4,
                value: 1,
            },
            Event::MemoryWritten {
                object: l("m"),
                offset: 0,
                width: 4,
                value: 1,
            },
            Event::MemoryUnmapped {
                object: l("m"),
                holder: l("a"),
                mapping: 3,
            },
            Event::MemoryFreed { object: l("m") },
            Event::SemaphoreCreated {
                semaphore: l("s"),
                value: 0,
            },
            Event::SemaphoreAcquired {
                semaphore: l("s"),
                value: 0,
            },
            Event::SemaphoreBlocked { semaphore: l("s") },
            Event::SemaphoreSignalled {
                semaphore: l("s"),
                value: 1,
            },
            Event::SemaphoreDestroyed { semaphore: l("s") },
            Event::PipeCreated {
                pipe: l("pipe1"),
                capacity: 4096,
                named: None,
            },
            Event::PipeEndOpened {
                pipe: l("pipe1"),
                holder: l("a"),
                handle: 3,
                end: PipeSide::Read,
            },
            Event::PipeEndClosed {
                pipe: l("pipe1"),
                holder: l("a"),
                handle: 3,
                end: PipeSide::Write,
            },
            Event::PipeWritten {
                pipe: l("pipe1"),
                bytes: bytes(),
                depth: 2,
            },
            Event::PipeRead {
                pipe: l("pipe1"),
                bytes: bytes(),
                depth: 0,
            },
            Event::PipeBlocked {
                pipe: l("pipe1"),
                op: PipeSide::Read,
            },
            Event::PipeDestroyed { pipe: l("pipe1") },
            Event::NamedPipeCreated {
                path: l("/tmp/f"),
                mode: PipeMode::Duplex,
                capacity: 4096,
            },
            Event::NamedPipeWaiting {
                path: l("/tmp/f"),
                access: NamedPipeWait::Accept,
            },
            Event::NamedPipeOpened {
                path: l("/tmp/f"),
                access: Access::ReadWrite,
            },
            Event::NamedPipeConnected {
                path: l("/tmp/f"),
                client: l("c"),
                server: l("s"),
            },
            Event::NamedPipeUnlinked { path: l("/tmp/f") },
            Event::MemoryBytesRead {
                object: l("m"),
                offset: 0,
                data: bytes(),
            },
            Event::MemoryBytesWritten {
                object: l("m"),
                offset: 2,
                data: bytes(),
            },
            Event::LpcPortCreated {
                port: l("\\P:c"),
                kind: LpcPortKind::Communication,
                name: None,
                connection: l("\\P"),
                peer: Some(l("c:\\P")),
                holder: l("s"),
                handle: 4,
                context: 0x4321,
                max_message_length: 280,
            },
            Event::LpcMessageSent {
                msg: 9,
                message_type: LpcMessageType::Request,
                message_id: 17,
                callback_id: 0,
                client_id: ClientId::of_task(2),
                port: l("c:\\P"),
                data_length: 14,
                total_length: 38,
                data: bytes(),
                data_entries: vec![DataEntry {
                    mapping: 3,
                    offset: 0,
                    length: 64,
                }],
                client_view_size: 0,
                context: 0x4321,
            },
            Event::LpcMessageQueued {
                msg: 9,
                queue: l("\\P"),
                depth: 1,
            },
            Event::LpcMessageParked {
                msg: 9,
                holder: l("c"),
            },
            Event::LpcMessageReceived {
                msg: 9,
                queue: None,
                receiver: l("c"),
                context: 0,
            },
            Event::LpcMessageDestroyed {
                msg: 9,
                reason: LpcDestroyReason::ListenDiscarded,
            },
            Event::LpcReplySlot {
                holder: l("c"),
                message_id: 17,
                chain: Some(l("\\P:c")),
            },
            Event::LpcWaitStarted {
                kind: LpcWaitKind::Receive,
                port: l("\\P"),
                message_id: 0,
                until_ns: Some(5),
            },
            Event::LpcConnectionAccepted {
                client: l("c"),
                message_id: 1,
                accepted: true,
                comm_port: Some(l("\\P:c")),
                context: 0x4321,
            },
            Event::LpcConnectionCompleted {
                comm_port: l("\\P:c"),
                client: l("c"),
            },
            Event::LpcViewMapped {
                port: l("c:\\P"),
                object: l("m"),
                holder: l("c"),
                mapping: 3,
                size: 65536,
                view: ViewSide::Client,
            },
            Event::LpcRequestDataCopied {
                msg: 9,
                direction: CopyDirection::Write,
                client: l("c"),
                object: l("m"),
                index: 0,
                offset: 0,
                data: bytes(),
            },
            Event::LpcPortDisconnected { port: l("c:\\P") },
            Event::LpcNameDeleted {
                port: l("\\P"),
                name: l("\\P"),
            },
            Event::LpcPortClosed {
                port: l("c:\\P"),
                holder: l("c"),
                handle: 5,
            },
            Event::LpcPortDeleted { port: l("c:\\P") },
            Event::LpcTerminatePortRegistered { port: l("c:\\P") },
        ]
    }

    /// The externally tagged JSON of an event names its variant as serde spells it.
    fn serde_name(event: &Event) -> String {
        match serde_json::to_value(event).expect("an event serialises") {
            serde_json::Value::Object(tagged) => tagged.keys().next().cloned().unwrap_or_default(),
            serde_json::Value::String(name) => name,
            other => panic!("unexpected event shape {other}"),
        }
    }

    #[test]
    fn each_kind_is_spelled_as_serde_names_the_event() {
        let events = one_of_each();
        for event in &events {
            assert_eq!(event.kind().as_str(), serde_name(event), "{event:?}");
        }
        let kinds: Vec<EventKind> = events.iter().map(crate::Event::kind).collect();
        assert_eq!(kinds, EventKind::ALL, "one sample of every kind, in order");
    }

    /// A service's events are named after it: the longest service name that
    /// prefixes the kind's (`named_pipe_…` is a named pipe's, not a pipe's).
    #[test]
    fn a_kinds_service_is_the_one_its_name_starts_with() {
        for kind in EventKind::ALL {
            let by_name = super::Service::ALL
                .into_iter()
                .filter(|s| kind.as_str().starts_with(&format!("{}_", s.as_str())))
                .max_by_key(|s| s.as_str().len());
            assert_eq!(kind.service(), by_name, "{kind}");
        }
    }

    #[test]
    fn every_event_reads_back_from_both_forms() {
        for event in one_of_each() {
            let json = serde_json::to_string(&event).expect("json");
            assert_eq!(
                serde_json::from_str::<Event>(&json).expect("json back"),
                event
            );
            let binary = postcard::to_allocvec(&event).expect("binary");
            assert_eq!(
                postcard::from_bytes::<Event>(&binary).expect("binary back"),
                event
            );
        }
    }

    /// A JSON Lines line is the common fields and the event's own side by side, so
    /// no event may have a field named like a common one (an LPC event once had
    /// `task`, and its line lost the name of the task that caused it).
    #[test]
    fn every_event_is_written_as_a_json_line_that_keeps_its_actor() {
        for event in one_of_each() {
            let record = crate::TraceRecord {
                seq: 1,
                t_ns: 0,
                task: Some(std::sync::Arc::from("the actor")),
                event,
            };
            let header = crate::TraceHeader::new("t", 0, ports::ScheduleKind::RoundRobin);
            let mut bytes = Vec::new();
            crate::write_jsonl(&mut bytes, &header, std::slice::from_ref(&record))
                .unwrap_or_else(|e| panic!("{:?} writes: {e}", record.event.kind()));
            let text = String::from_utf8(bytes).expect("UTF-8");
            let line = text.lines().nth(1).expect("the event's line");
            let fields: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(line).expect("a JSON object");
            assert_eq!(fields["task"], "the actor", "{line}");
        }
    }
}
