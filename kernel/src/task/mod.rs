//! Tasks as the kernel sees them: name space, state, and what each waits on;
//! their creation (`create.rs`) and their death (`death.rs`).

mod create;
mod death;

use crate::clock::{Ticks, TimerKey};
use crate::envelope::Envelope;
use crate::error::{KernError, ReceiveError, SendError, SendStatus, TaskExit};
use crate::trace::Label;
use ports::{Message, PortId, PortName, PortSetId, PortSpace, RightSet, SendPolicy, TaskId};

/// What a task blocked in `receive` waits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReceiveSource {
    Port(PortId),
    Set(PortSetId),
    /// The task's direct mailbox, optionally only messages that `from` sent.
    Direct {
        mailbox: PortId,
        from: Option<TaskId>,
    },
}

/// The limits a receive puts on the message it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ReceiveOptions {
    /// The receive buffer's size: a larger message gives `rcv_too_large`.
    pub max_bytes: Option<u32>,
    /// Keep a too-large message queued instead of destroying it (Mach's `MACH_RCV_LARGE`).
    pub large: bool,
}

/// Why a task is not runnable.
#[derive(Debug)]
pub(crate) enum Wait {
    /// Holding a message for a full queue (the port it waits for is the message's
    /// destination).
    Send {
        envelope: Box<Envelope>,
        policy: SendPolicy,
        timer: Option<TimerKey>,
    },
    /// Waiting for a message.
    Receive {
        source: ReceiveSource,
        /// The name the task received on, for the message's header (`NULL` for a
        /// set or the direct mailbox, whose local name is looked up).
        name: PortName,
        options: ReceiveOptions,
        timer: Option<TimerKey>,
    },
    /// Asleep until a timer.
    Sleep { timer: TimerKey },
    /// Inside a service call (a semaphore, a pipe, a named pipe).
    Service {
        wait: crate::services::ServiceWait,
        timer: Option<TimerKey>,
    },
}

/// The life of a task.
#[derive(Debug)]
pub(crate) enum TaskState {
    /// Created but not yet runnable: waiting for its start time or for a parent's spawn.
    NotStarted,
    /// Runnable; in the ready queue.
    Ready,
    /// Waiting in the kernel.
    Waiting(Wait),
    /// Ended; its rights are released.
    Ended(TaskExit),
}

/// The answer to a kernel call, parked until the task runs again.
#[derive(Debug)]
pub(crate) enum Reply {
    Send(Result<SendStatus, SendError>),
    Receive(Result<Message, ReceiveError>),
    Kern(Result<KernReply, KernError>),
    Service(Result<crate::services::ServiceReply, crate::services::ServiceError>),
    /// An LPC call's NT status and what it writes back.
    Lpc(crate::services::lpc::LpcAnswer),
}

/// The successful result of a kernel-port operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KernReply {
    Done,
    Name(PortName),
    Type { rights: RightSet, urefs: u32 },
    Previous(PortName),
}

/// The kernel's record of a task (Hubris's `Task`, Mach's `task` + `ipc_space`).
#[derive(Debug)]
pub(crate) struct TaskEntry {
    pub(crate) name: Label,
    pub(crate) space: PortSpace,
    pub(crate) state: TaskState,
    pub(crate) reply: Option<Reply>,
    pub(crate) kernel_port: PortId,
    pub(crate) notify_port: PortId,
    pub(crate) kernel_port_name: PortName,
    pub(crate) notify_port_name: PortName,
    /// The port messages sent to this task by name arrive on, made on first use.
    pub(crate) direct_mailbox: Option<PortId>,
    /// Kernel calls this task has made.
    pub(crate) steps: u64,
    /// When it was created (NT's thread create time, which `LPC_CLIENT_DIED`
    /// carries).
    pub(crate) created_ns: Ticks,
    /// Virtual time spent waiting, and when the current wait began.
    pub(crate) blocked_ns: Ticks,
    pub(crate) waiting_since: Ticks,
    /// Bumped on every wait, so a timer set for an earlier wait is ignored.
    pub(crate) wait_token: u64,
    /// Task-local handles: memory mappings and pipe ends (like file descriptors).
    pub(crate) handles: std::collections::BTreeMap<u32, crate::services::Handle>,
    /// Labels a program gave its handles (metadata, like port labels): scenario
    /// scripts name pipe ends and mappings by them; a child inherits them with the
    /// ends.
    pub(crate) handle_labels: std::collections::BTreeMap<String, u32>,
    pub(crate) next_handle: u32,
    pub(crate) max_handles: usize,
}

impl TaskEntry {
    /// A new handle for `what`, or `None` when the table is full. Handles start at
    /// 3, as file descriptors do after the standard three.
    pub(crate) fn new_handle(&mut self, what: crate::services::Handle) -> Option<u32> {
        if self.handles.len() >= self.max_handles {
            return None;
        }
        let handle = self.next_handle.max(3);
        self.next_handle = handle + 1;
        self.handles.insert(handle, what);
        Some(handle)
    }

    /// How many more handles the table takes.
    pub(crate) fn free_handles(&self) -> usize {
        self.max_handles.saturating_sub(self.handles.len())
    }

    /// Keeps new handles above `handle` (an inherited one).
    pub(crate) fn bump_next_handle(&mut self, handle: u32) {
        self.next_handle = self.next_handle.max(handle + 1);
    }

    pub(crate) fn is_ended(&self) -> bool {
        matches!(self.state, TaskState::Ended(_))
    }
}
