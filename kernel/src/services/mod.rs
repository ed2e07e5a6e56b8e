//! Kernel services on top of IPC: shared memory, semaphores, pipes, named pipes,
//! and Windows NT's local procedure call (LPC).
//!
//! Each service is its own file, holding its objects and the operations on them.
//! Tasks reach them as they reach every kernel operation, by a request to their
//! kernel port (traced as a message, then the service's own events, then a
//! `kernel_call` with the result), through plain methods on `TaskContext`.
//!
//! Memory objects and semaphores are named by ports whose receiver is the kernel, as
//! in Mach (a memory object's port, XNU's semaphore ports): a send right names the
//! object, travels in messages like any right, and when the last one goes and
//! nothing maps the object, it is freed. Pipes are not Mach (reference §9.4: they
//! belong to a UNIX personality): their ends are task-local handles, inherited by
//! children spawned after the pipe was made, as file descriptors are.

pub(crate) mod hooks;
pub(crate) mod lpc;
pub(crate) mod memory;
pub(crate) mod named_pipe;
mod op;
pub(crate) mod pipe;
pub(crate) mod semaphore;

pub use lpc::{AcceptConnect, Accepted, Connection, LpcOp, PortView, Received, RemotePortView};
pub use memory::Width;
pub use pipe::{DEFAULT_CAPACITY, MAX_CAPACITY, PIPE_BUF};
pub use ports::service::{Access, PipeMode};

use crate::port::Receiver;
use crate::state::KernelState;
use crate::trace::{CallName, Label};
use ports::{PortId, PortName, QueueLimit, ReturnCode, TaskId};
use std::collections::BTreeMap;

pub use op::ServiceOp;

/// What a successful service request returns.
#[derive(Clone, Debug, PartialEq)]
pub enum ServiceReply {
    /// Nothing to return.
    Done,
    /// A send right naming a new object.
    Name(PortName),
    /// A mapping or pipe-end handle.
    Handle(u32),
    /// A pipe's two ends.
    Pipe {
        /// The read end.
        read: u32,
        /// The write end.
        write: u32,
    },
    /// A value read from memory.
    Value(u64),
    /// Bytes read from a pipe.
    Data(bytes::Bytes),
    /// Bytes written to a pipe.
    Written(u32),
}

/// Why a service request failed. Nothing changed, unless the variant says so.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The name denotes nothing. Mach: `KERN_INVALID_NAME`.
    #[error("invalid_name: the name denotes nothing in this task")]
    InvalidName,
    /// The name is not a send right to an object of the right kind.
    /// Mach: `KERN_INVALID_RIGHT`.
    #[error("invalid_right: the name is not a send right to an object of that kind")]
    InvalidRight,
    /// A size or value out of range. Mach: `KERN_INVALID_VALUE`.
    #[error("invalid_value: a size or value is out of range")]
    InvalidValue,
    /// An offset outside the object. Mach: `KERN_INVALID_ADDRESS`.
    #[error("invalid_address: the offset is outside the memory object")]
    InvalidAddress,
    /// A timed semaphore wait ran out. Mach: `KERN_OPERATION_TIMED_OUT`.
    #[error("operation_timed_out: the semaphore was not signalled in time")]
    OperationTimedOut,
    /// The semaphore was destroyed while the task waited. Mach: `KERN_TERMINATED`.
    #[error("terminated: the semaphore was destroyed")]
    Terminated,
    /// End of file: every write end is closed and nothing is left to read.
    #[error("eof: every write end is closed and the pipe is empty")]
    Eof,
    /// No read end is open. POSIX: `EPIPE`.
    #[error("broken_pipe: no read end is open")]
    BrokenPipe,
    /// The handle names no open end in this task. POSIX: `EBADF`.
    #[error("bad_handle: the handle names no open end in this task")]
    BadHandle,
    /// A no-wait operation could not proceed. POSIX: `EAGAIN`.
    #[error("would_block: the operation would have to wait")]
    WouldBlock,
    /// No named pipe has that path. POSIX: `ENOENT`.
    #[error("no_such_path: no named pipe has that path")]
    NoSuchPath,
    /// A named pipe already has that path. Mach: `KERN_NAME_EXISTS`.
    #[error("name_exists: a named pipe already has that path")]
    NameExists,
    /// The task's name space or handle table is full. Mach: `KERN_NO_SPACE`.
    #[error("no_space: the task's name space is full")]
    NoSpace,
}

impl ServiceError {
    /// The return code.
    pub fn code(&self) -> ReturnCode {
        match self {
            ServiceError::InvalidName => ReturnCode::InvalidName,
            ServiceError::InvalidRight => ReturnCode::InvalidRight,
            ServiceError::InvalidValue => ReturnCode::InvalidValue,
            ServiceError::InvalidAddress => ReturnCode::InvalidAddress,
            ServiceError::OperationTimedOut => ReturnCode::OperationTimedOut,
            ServiceError::Terminated => ReturnCode::Terminated,
            ServiceError::Eof => ReturnCode::Eof,
            ServiceError::BrokenPipe => ReturnCode::BrokenPipe,
            ServiceError::BadHandle => ReturnCode::BadHandle,
            ServiceError::WouldBlock => ReturnCode::WouldBlock,
            ServiceError::NoSuchPath => ReturnCode::NoSuchPath,
            ServiceError::NameExists => ReturnCode::NameExists,
            ServiceError::NoSpace => ReturnCode::NoSpace,
        }
    }
}

/// An object whose port the kernel receives from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ObjectRef {
    Memory(u32),
    Semaphore(u32),
}

impl ObjectRef {
    /// The label of an object made without one: `memory3`, `semaphore4`.
    fn default_label(self) -> String {
        match self {
            ObjectRef::Memory(id) => format!("memory{id}"),
            ObjectRef::Semaphore(id) => format!("semaphore{id}"),
        }
    }
}

/// What a task waits for inside a service.
#[derive(Debug)]
pub(crate) enum ServiceWait {
    Semaphore {
        semaphore: u32,
    },
    PipeRead {
        pipe: u32,
        max: u32,
    },
    PipeWrite {
        pipe: u32,
        data: bytes::Bytes,
        written: u32,
    },
    Open {
        path: String,
        access: Access,
    },
    Accept {
        path: String,
    },
    /// Inside an LPC call (a connect, a wait for a reply, a receive).
    Lpc(lpc::LpcWait),
}

/// What a task-local handle stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handle {
    /// A mapping of a memory object.
    Mapping(u32),
    /// A pipe end.
    Pipe(PipeEnd),
    /// An LPC port (its one handle).
    LpcPort(u32),
}

/// A task's open pipe ends: handle → the pipe it reads and the pipe it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PipeEnd {
    pub(crate) read: Option<u32>,
    pub(crate) write: Option<u32>,
}

/// The services' tables, kept in the kernel state.
#[derive(Debug, Default)]
pub(crate) struct Services {
    pub(crate) memory: BTreeMap<u32, memory::MemoryObject>,
    pub(crate) semaphores: BTreeMap<u32, semaphore::Semaphore>,
    pub(crate) pipes: BTreeMap<u32, pipe::Pipe>,
    pub(crate) named: BTreeMap<String, named_pipe::NamedPipe>,
    pub(crate) lpc: lpc::Lpc,
    pub(crate) next_id: u32,
}

impl Services {
    pub(crate) fn next_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }
}

impl ServiceWait {
    /// The call a task waiting here is inside, for its `kernel_call` event.
    pub(crate) fn call(&self) -> CallName {
        match self {
            ServiceWait::Semaphore { .. } => CallName::SemaphoreWait,
            ServiceWait::PipeRead { .. } => CallName::PipeRead,
            ServiceWait::PipeWrite { .. } => CallName::PipeWrite,
            ServiceWait::Open { .. } => CallName::NamedPipeOpen,
            ServiceWait::Accept { .. } => CallName::NamedPipeAccept,
            ServiceWait::Lpc(wait) => wait.call(),
        }
    }
}

impl KernelState {
    /// The port of a new service object, which the kernel receives from, labelled
    /// `label` or after the object (`memory3`); refused before anything is made if
    /// `task`, which gets the send right naming it, has no room for the name.
    /// Returns the object's id (made by `object` from the next service id), its
    /// port and its label.
    fn object_port(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        object: fn(u32) -> ObjectRef,
        label: Option<&str>,
    ) -> Result<(u32, PortId, Label), ServiceError> {
        if self.task(task).space.is_full() {
            return Err(ServiceError::NoSpace);
        }
        let id = self.services.next_id();
        let object = object(id);
        let wanted = label.map_or_else(|| object.default_label(), str::to_string);
        let port = self.create_port(
            cause,
            &wanted,
            QueueLimit::Unbounded,
            Receiver::Object(object),
        );
        Ok((id, port, self.port_label(port)))
    }

    /// Gives `task` a send right (one reference) to an object's port.
    pub(crate) fn give_object_send_right(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        port: PortId,
    ) -> Result<PortName, ServiceError> {
        self.grant_send(cause, task, port)
            .map_err(|_| ServiceError::NoSpace)
    }

    /// The object a send right in `task`'s space names.
    pub(crate) fn object_of(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<ObjectRef, ServiceError> {
        let port = self.send_right(task, name).map_err(|e| match e {
            crate::error::KernError::InvalidName => ServiceError::InvalidName,
            _ => ServiceError::InvalidRight,
        })?;
        match self.port(port).map(|p| p.receiver) {
            Some(Receiver::Object(object)) => Ok(object),
            _ => Err(ServiceError::InvalidRight),
        }
    }
}
