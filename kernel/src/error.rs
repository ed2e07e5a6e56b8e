//! Typed errors of kernel calls, named after Mach's return codes.
//!
//! Three outcome classes are kept apart (as Hubris does): recoverable errors are
//! returned to the task as `Err`; a task that breaks the kernel's contract (panics,
//! awaits something the kernel does not drive) is a *fault* and is ended as crashed;
//! a broken kernel invariant or a panic in kernel code is a kernel bug, reported as
//! a [`Violation`](crate::Violation) in the run report and never blamed on a task.

use bytes::Bytes;
use ports::{Message, NtStatus, ReturnCode, SpaceError};
use std::fmt;

/// Why a send failed. Where the message had entered the kernel it is handed back
/// (Mach's pseudo-receive): its rights are the sender's again, under its names.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// The destination is not a send or send-once right of this task (unknown name,
    /// dead name, or a receive right named with a send disposition). Nothing happened.
    /// Mach: `MACH_SEND_INVALID_DEST`.
    #[error("send_invalid_dest: the destination is not a send or send-once right of this task")]
    InvalidDest(Message),
    /// The reply right cannot be sent as asked. Nothing happened.
    /// Mach: `MACH_SEND_INVALID_REPLY`.
    #[error("send_invalid_reply: the reply right cannot be sent as asked")]
    InvalidReply(Message),
    /// A body item names a right the task does not hold (or a port set). Nothing
    /// happened: machsim checks every right before moving any.
    /// Mach: `MACH_SEND_INVALID_RIGHT`.
    #[error("send_invalid_right: a body item names a right this task does not hold")]
    InvalidRight(Message),
    /// The queue stayed full for the whole wait; the message is handed back.
    /// Mach: `MACH_SEND_TIMED_OUT`.
    #[error("send_timed_out: the queue stayed full; the message was handed back")]
    TimedOut(Message),
    /// A forced message from this task to this port is still outstanding; the message
    /// is handed back. Mach: `MACH_SEND_NOTIFY_IN_PROGRESS`.
    #[error("send_notify_in_progress: a forced message to this port is still outstanding")]
    NotifyInProgress(Message),
    /// A forced send needs the task's notify port, and it can no longer receive.
    /// Mach: `MACH_SEND_INVALID_NOTIFY`.
    #[error("send_invalid_notify: the notify port cannot receive the msg-accepted notification")]
    InvalidNotify(Message),
    /// The message is larger than the kernel's message-size limit. Nothing happened.
    /// Mach (XNU): `MACH_SEND_TOO_LARGE`.
    #[error("send_too_large: the message exceeds the kernel's size limit")]
    TooLarge(Message),
}

impl SendError {
    /// Mach's return code.
    pub fn code(&self) -> ReturnCode {
        match self {
            SendError::InvalidDest(_) => ReturnCode::SendInvalidDest,
            SendError::InvalidReply(_) => ReturnCode::SendInvalidReply,
            SendError::InvalidRight(_) => ReturnCode::SendInvalidRight,
            SendError::TimedOut(_) => ReturnCode::SendTimedOut,
            SendError::NotifyInProgress(_) => ReturnCode::SendNotifyInProgress,
            SendError::InvalidNotify(_) => ReturnCode::SendInvalidNotify,
            SendError::TooLarge(_) => ReturnCode::SendTooLarge,
        }
    }

    /// The message handed back.
    pub fn into_message(self) -> Message {
        match self {
            SendError::InvalidDest(m)
            | SendError::InvalidReply(m)
            | SendError::InvalidRight(m)
            | SendError::TimedOut(m)
            | SendError::NotifyInProgress(m)
            | SendError::InvalidNotify(m)
            | SendError::TooLarge(m) => m,
        }
    }
}

/// What a successful send did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendStatus {
    /// Queued or handed to a receiver (or, if the port died while the sender waited,
    /// destroyed as Mach does, which is still `success`). Mach: `MACH_MSG_SUCCESS`.
    Sent,
    /// The queue was full; the message was queued beyond the limit and a msg-accepted
    /// notification will follow. Mach: `MACH_SEND_WILL_NOTIFY`.
    WillNotify,
}

impl SendStatus {
    /// Mach's return code.
    pub fn code(self) -> ReturnCode {
        match self {
            SendStatus::Sent => ReturnCode::Success,
            SendStatus::WillNotify => ReturnCode::SendWillNotify,
        }
    }
}

/// Why a receive failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReceiveError {
    /// The name is not a receive right or port set. Mach: `MACH_RCV_INVALID_NAME`.
    #[error("rcv_invalid_name: the name is not a receive right or port set")]
    InvalidName,
    /// The port is in a port set; receive on the set. Mach: `MACH_RCV_IN_SET`.
    #[error("rcv_in_set: the port is in a port set; receive on the set")]
    InSet,
    /// No message within the timeout. Mach: `MACH_RCV_TIMED_OUT`.
    #[error("rcv_timed_out: no message arrived in time")]
    TimedOut,
    /// The message is larger than `max_bytes`. It was destroyed, unless the receive
    /// asked for `large`, in which case it stays queued. Mach: `MACH_RCV_TOO_LARGE`.
    #[error("rcv_too_large: the message needs {size} bytes (destroyed: {destroyed})")]
    TooLarge {
        /// The message's size.
        size: u32,
        /// True if it was destroyed, false if it stays queued.
        destroyed: bool,
    },
    /// The port or set died, or its receive right moved away, while the task waited.
    /// Mach: `MACH_RCV_PORT_DIED`.
    #[error("rcv_port_died: the port died or its receive right moved away")]
    PortDied,
    /// The port was moved into a port set while the task waited on it.
    /// Mach: `MACH_RCV_PORT_CHANGED`.
    #[error("rcv_port_changed: the port was moved into a port set")]
    PortChanged,
}

impl ReceiveError {
    /// Mach's return code.
    pub fn code(&self) -> ReturnCode {
        match self {
            ReceiveError::InvalidName => ReturnCode::RcvInvalidName,
            ReceiveError::InSet => ReturnCode::RcvInSet,
            ReceiveError::TimedOut => ReturnCode::RcvTimedOut,
            ReceiveError::TooLarge { .. } => ReturnCode::RcvTooLarge,
            ReceiveError::PortDied => ReturnCode::RcvPortDied,
            ReceiveError::PortChanged => ReturnCode::RcvPortChanged,
        }
    }
}

/// Why a kernel-port operation (allocate, deallocate, insert a right, …) failed.
/// Nothing changed. Each is Mach's `kern_return_t` of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KernError {
    /// `KERN_INVALID_NAME`: the name denotes nothing in the task.
    #[error("invalid_name: the name denotes nothing in this task")]
    InvalidName,
    /// `KERN_INVALID_RIGHT`: the name denotes a right of the wrong kind.
    #[error("invalid_right: the name denotes a right of the wrong kind")]
    InvalidRight,
    /// `KERN_INVALID_VALUE`: a value is out of range (a queue limit over 1024, say).
    #[error("invalid_value: a value is out of range")]
    InvalidValue,
    /// `KERN_INVALID_ARGUMENT`: an argument makes no sense for the call.
    #[error("invalid_argument: an argument makes no sense for this call")]
    InvalidArgument,
    /// `KERN_NAME_EXISTS`: the name already denotes a right.
    #[error("name_exists: the name already denotes a right")]
    NameExists,
    /// `KERN_RIGHT_EXISTS`: the task already holds the port under another name.
    #[error("right_exists: the task already holds this port under another name")]
    RightExists,
    /// `KERN_NOT_IN_SET`: the port is not in that set.
    #[error("not_in_set: the port is not in that port set")]
    NotInSet,
    /// `KERN_UREFS_OVERFLOW`: the user-reference count would pass 65535.
    #[error("urefs_overflow: the user-reference count would pass 65535")]
    UrefsOverflow,
    /// `KERN_NO_SPACE`: the task's name space is full.
    #[error("no_space: the task's name space is full")]
    NoSpace,
    /// `KERN_INVALID_CAPABILITY`: the right given is dead.
    #[error("invalid_capability: the right given is dead")]
    InvalidCapability,
}

impl KernError {
    /// Mach's return code.
    pub fn code(self) -> ReturnCode {
        match self {
            KernError::InvalidName => ReturnCode::InvalidName,
            KernError::InvalidRight => ReturnCode::InvalidRight,
            KernError::InvalidValue => ReturnCode::InvalidValue,
            KernError::InvalidArgument => ReturnCode::InvalidArgument,
            KernError::NameExists => ReturnCode::NameExists,
            KernError::RightExists => ReturnCode::RightExists,
            KernError::NotInSet => ReturnCode::NotInSet,
            KernError::UrefsOverflow => ReturnCode::UrefsOverflow,
            KernError::NoSpace => ReturnCode::NoSpace,
            KernError::InvalidCapability => ReturnCode::InvalidCapability,
        }
    }
}

impl From<SpaceError> for KernError {
    fn from(e: SpaceError) -> Self {
        match e {
            SpaceError::InvalidName => KernError::InvalidName,
            SpaceError::InvalidRight => KernError::InvalidRight,
            SpaceError::UrefsOverflow => KernError::UrefsOverflow,
            SpaceError::NoSpace => KernError::NoSpace,
        }
    }
}

/// Why an LPC call failed: NT's status (never `success`). What the call changed
/// before it failed, if anything, its documentation says (a reply sent before a
/// `NtReplyWaitReplyPort` found no chain to wait on, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{} ({:#010X})", .0.symbol(), .0.value())]
pub struct LpcError(pub NtStatus);

impl LpcError {
    /// NT's status.
    pub fn status(self) -> NtStatus {
        self.0
    }
}

/// Why `NtConnectPort` failed: NT's status, and the server's answer, which a
/// refused client still gets (connect.c copies it back before it checks).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} ({:#010X})", .status.symbol(), .status.value())]
pub struct ConnectError {
    /// NT's status: `port_connection_refused`, `object_name_not_found`, …
    pub status: NtStatus,
    /// The server's answer (empty unless a server refused with one).
    pub connection_info: Bytes,
}

impl From<ConnectError> for LpcError {
    fn from(e: ConnectError) -> LpcError {
        LpcError(e.status)
    }
}

/// How a task ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskExit {
    /// It returned or called `exit` with this code.
    Exited(i32),
    /// It crashed: a panic, a returned error, a `crash` call, or a contract fault.
    Crashed(String),
    /// It was killed from outside (a scenario fault).
    Killed,
}

impl fmt::Display for TaskExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskExit::Exited(code) => write!(f, "exited with code {code}"),
            TaskExit::Crashed(reason) => write!(f, "crashed: {reason}"),
            TaskExit::Killed => f.write_str("killed"),
        }
    }
}

/// Misuse of the kernel's embedding API (building and driving a kernel), as opposed
/// to a task's kernel call. Each says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No task has this name.
    #[error("no task is named `{0}`; spawn or declare it first")]
    NoSuchTask(String),
    /// No port has this label.
    #[error("no port is labelled `{0}`; allocate it first")]
    NoSuchPort(String),
    /// The task was declared to be started by another task and cannot start now.
    #[error("task `{0}` is already running or has ended; declare a new one")]
    AlreadyStarted(String),
    /// A kernel operation on behalf of a task failed.
    #[error("the kernel refused: {0}")]
    Kern(#[from] KernError),
    /// An LPC operation on behalf of a task failed.
    #[error("the kernel refused: {0}")]
    Lpc(#[from] LpcError),
}

/// Any error a task program may meet, so that `?` works across kernel calls in a
/// program returning `Result<(), kernel::Error>` (an `Err` ends the task as
/// crashed, with the error's message).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A send failed.
    #[error(transparent)]
    Send(#[from] SendError),
    /// A receive failed.
    #[error(transparent)]
    Receive(#[from] ReceiveError),
    /// A kernel-port operation failed.
    #[error(transparent)]
    Kern(#[from] KernError),
    /// A service call (shared memory, semaphore, pipe) failed.
    #[error(transparent)]
    Service(#[from] crate::services::ServiceError),
    /// An LPC call failed.
    #[error(transparent)]
    Lpc(#[from] LpcError),
    /// The program's own failure.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Mach's return code, for kernel errors other than LPC's.
    pub fn code(&self) -> Option<ReturnCode> {
        match self {
            Error::Send(e) => Some(e.code()),
            Error::Receive(e) => Some(e.code()),
            Error::Kern(e) => Some(e.code()),
            Error::Service(e) => Some(e.code()),
            Error::Lpc(_) | Error::Other(_) => None,
        }
    }

    /// NT's status, for an LPC error.
    pub fn nt_status(&self) -> Option<NtStatus> {
        match self {
            Error::Lpc(e) => Some(e.status()),
            _ => None,
        }
    }
}

impl From<ConnectError> for Error {
    fn from(e: ConnectError) -> Self {
        Error::Lpc(e.into())
    }
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::Other(message)
    }
}

impl From<&str> for Error {
    fn from(message: &str) -> Self {
        Error::Other(message.to_string())
    }
}
