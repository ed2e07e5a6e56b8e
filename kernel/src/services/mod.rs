//! Kernel services on top of IPC: shared memory, semaphores, pipes, named pipes.
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

pub(crate) mod memory;
pub(crate) mod named_pipe;
pub(crate) mod pipe;
pub(crate) mod semaphore;

pub use memory::Width;
pub use pipe::{DEFAULT_CAPACITY, MAX_CAPACITY, PIPE_BUF};
pub use ports::service::{Access, PipeMode};

use crate::syscall::ServiceNow;
use crate::trace::CallName;
use ports::{PortName, ReturnCode};
use std::collections::BTreeMap;

/// One service request (a decoded message to the kernel port).
#[derive(Clone, Debug, PartialEq)]
pub enum ServiceOp {
    /// Make a memory object of `size` bytes, zeroed; the caller gets a send right
    /// naming it.
    MemoryCreate {
        /// Its size in bytes (1 ..= the kernel's limit).
        size: u32,
        /// Its label in traces.
        label: Option<String>,
    },
    /// Map the memory object a send right names; returns a mapping handle.
    MemoryMap {
        /// A send right to a memory object.
        object: PortName,
    },
    /// Read a value at `offset` of a mapping.
    MemoryRead {
        /// A mapping handle.
        mapping: u32,
        /// The byte offset.
        offset: u32,
        /// How many bytes (little-endian).
        width: Width,
    },
    /// Write a value at `offset` of a mapping.
    MemoryWrite {
        /// A mapping handle.
        mapping: u32,
        /// The byte offset.
        offset: u32,
        /// How many bytes (little-endian).
        width: Width,
        /// The value (its low `width` bytes are written).
        value: u64,
    },
    /// Unmap a mapping.
    MemoryUnmap {
        /// A mapping handle.
        mapping: u32,
    },
    /// Make a memory object whose contents are an out-of-line region received in a
    /// message, by virtual copy: shared until one side writes.
    MemoryFromOol {
        /// The region.
        data: bytes::Bytes,
        /// Its label in traces.
        label: Option<String>,
    },
    /// `semaphore_create`: a counting semaphore; the caller gets a send right.
    SemaphoreCreate {
        /// The initial count.
        value: u32,
        /// Its label in traces.
        label: Option<String>,
    },
    /// `semaphore_wait` / `semaphore_timedwait`.
    SemaphoreWait {
        /// A send right to a semaphore.
        semaphore: PortName,
        /// At most this many milliseconds (`None`: forever).
        timeout_ms: Option<u64>,
    },
    /// `semaphore_signal`.
    SemaphoreSignal {
        /// A send right to a semaphore.
        semaphore: PortName,
    },
    /// `semaphore_destroy`: the semaphore is destroyed now, whoever else names it;
    /// its waiters get `terminated` and its port dies.
    SemaphoreDestroy {
        /// A send right to a semaphore.
        semaphore: PortName,
    },
    /// `pipe()`: a one-way byte stream; returns (read end, write end) handles.
    PipeCreate {
        /// Its capacity in bytes (default 4096).
        capacity: Option<u32>,
    },
    /// `read(2)` on a pipe end.
    PipeRead {
        /// A read end.
        handle: u32,
        /// The most bytes to return.
        max: u32,
        /// Fail with `would_block` instead of waiting.
        no_wait: bool,
    },
    /// `write(2)` on a pipe end; at most 512 bytes are written atomically.
    PipeWrite {
        /// A write end.
        handle: u32,
        /// The bytes.
        data: bytes::Bytes,
        /// Fail with `would_block` (or write what fits) instead of waiting.
        no_wait: bool,
    },
    /// `close(2)` on a pipe end.
    PipeClose {
        /// The end.
        handle: u32,
    },
    /// Make a named pipe at `path` in the kernel's name space.
    NamedPipeCreate {
        /// Its path.
        path: String,
        /// UNIX FIFO or Windows-style duplex.
        mode: PipeMode,
        /// Buffer capacity per direction (default 4096).
        capacity: Option<u32>,
    },
    /// Open a named pipe: for reading, writing (FIFO) or both (a duplex client).
    NamedPipeOpen {
        /// Its path.
        path: String,
        /// How.
        access: Access,
        /// Do not wait for the other side.
        no_wait: bool,
    },
    /// Wait for a client of a duplex named pipe and get the server end of its own
    /// instance (Windows' `ConnectNamedPipe`).
    NamedPipeAccept {
        /// Its path.
        path: String,
        /// Do not wait for a client.
        no_wait: bool,
    },
    /// Remove a named pipe's name; open ends keep working.
    NamedPipeUnlink {
        /// Its path.
        path: String,
    },
}

impl ServiceOp {
    /// The request's message id (machsim's service range, 5000…).
    pub fn id(&self) -> i32 {
        match self {
            ServiceOp::MemoryCreate { .. } => 5001,
            ServiceOp::MemoryMap { .. } => 5002,
            ServiceOp::MemoryRead { .. } => 5003,
            ServiceOp::MemoryWrite { .. } => 5004,
            ServiceOp::MemoryUnmap { .. } => 5005,
            ServiceOp::MemoryFromOol { .. } => 5006,
            ServiceOp::SemaphoreCreate { .. } => 5101,
            ServiceOp::SemaphoreWait { .. } => 5102,
            ServiceOp::SemaphoreSignal { .. } => 5103,
            ServiceOp::SemaphoreDestroy { .. } => 5104,
            ServiceOp::PipeCreate { .. } => 5201,
            ServiceOp::PipeRead { .. } => 5202,
            ServiceOp::PipeWrite { .. } => 5203,
            ServiceOp::PipeClose { .. } => 5204,
            ServiceOp::NamedPipeCreate { .. } => 5301,
            ServiceOp::NamedPipeOpen { .. } => 5302,
            ServiceOp::NamedPipeAccept { .. } => 5303,
            ServiceOp::NamedPipeUnlink { .. } => 5304,
        }
    }

    /// The operation's name in traces.
    pub fn name(&self) -> CallName {
        match self {
            ServiceOp::MemoryCreate { .. } => CallName::MemoryCreate,
            ServiceOp::MemoryMap { .. } => CallName::MemoryMap,
            ServiceOp::MemoryRead { .. } => CallName::MemoryRead,
            ServiceOp::MemoryWrite { .. } => CallName::MemoryWrite,
            ServiceOp::MemoryUnmap { .. } => CallName::MemoryUnmap,
            ServiceOp::MemoryFromOol { .. } => CallName::MemoryFromOol,
            ServiceOp::SemaphoreCreate { .. } => CallName::SemaphoreCreate,
            ServiceOp::SemaphoreWait { .. } => CallName::SemaphoreWait,
            ServiceOp::SemaphoreSignal { .. } => CallName::SemaphoreSignal,
            ServiceOp::SemaphoreDestroy { .. } => CallName::SemaphoreDestroy,
            ServiceOp::PipeCreate { .. } => CallName::Pipe,
            ServiceOp::PipeRead { .. } => CallName::PipeRead,
            ServiceOp::PipeWrite { .. } => CallName::PipeWrite,
            ServiceOp::PipeClose { .. } => CallName::PipeClose,
            ServiceOp::NamedPipeCreate { .. } => CallName::NamedPipeCreate,
            ServiceOp::NamedPipeOpen { .. } => CallName::NamedPipeOpen,
            ServiceOp::NamedPipeAccept { .. } => CallName::NamedPipeAccept,
            ServiceOp::NamedPipeUnlink { .. } => CallName::NamedPipeUnlink,
        }
    }
}

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
}

/// What a task-local handle stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Handle {
    /// A mapping of a memory object.
    Mapping(u32),
    /// A pipe end.
    Pipe(PipeEnd),
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
    pub(crate) next_id: u32,
}

impl Services {
    pub(crate) fn next_id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }
}

impl ServiceOp {
    /// The request's arguments as message items, for the trace.
    pub(crate) fn arguments(&self) -> Vec<crate::envelope::KItem> {
        use crate::envelope::KItem;
        use ports::Item;
        let u32_item = |v: u32| KItem::Data(Item::U32(v));
        let str_item = |s: &str| KItem::Data(Item::Str(s.to_string()));
        match self {
            ServiceOp::MemoryCreate { size, .. } => vec![u32_item(*size)],
            ServiceOp::MemoryMap { object } => vec![u32_item(object.0)],
            ServiceOp::MemoryRead {
                mapping,
                offset,
                width,
            } => {
                vec![
                    u32_item(*mapping),
                    u32_item(*offset),
                    u32_item(width.bytes()),
                ]
            }
            ServiceOp::MemoryWrite {
                mapping,
                offset,
                width,
                value,
            } => vec![
                u32_item(*mapping),
                u32_item(*offset),
                u32_item(width.bytes()),
                KItem::Data(Item::U64(*value)),
            ],
            ServiceOp::MemoryUnmap { mapping } => vec![u32_item(*mapping)],
            ServiceOp::MemoryFromOol { data, .. } => vec![u32_item(data.len() as u32)],
            ServiceOp::SemaphoreCreate { value, .. } => vec![u32_item(*value)],
            ServiceOp::SemaphoreWait {
                semaphore,
                timeout_ms,
            } => vec![
                u32_item(semaphore.0),
                KItem::Data(Item::U64(timeout_ms.unwrap_or(u64::MAX))),
            ],
            ServiceOp::SemaphoreSignal { semaphore }
            | ServiceOp::SemaphoreDestroy { semaphore } => {
                vec![u32_item(semaphore.0)]
            }
            ServiceOp::PipeCreate { capacity } => {
                vec![u32_item(capacity.unwrap_or(pipe::DEFAULT_CAPACITY))]
            }
            ServiceOp::PipeRead { handle, max, .. } => vec![u32_item(*handle), u32_item(*max)],
            ServiceOp::PipeWrite { handle, data, .. } => {
                vec![u32_item(*handle), KItem::Data(Item::Bytes(data.clone()))]
            }
            ServiceOp::PipeClose { handle } => vec![u32_item(*handle)],
            ServiceOp::NamedPipeCreate { path, mode, .. } => {
                vec![str_item(path), str_item(mode.as_str())]
            }
            ServiceOp::NamedPipeOpen { path, access, .. } => {
                vec![str_item(path), str_item(access.as_str())]
            }
            ServiceOp::NamedPipeAccept { path, .. } | ServiceOp::NamedPipeUnlink { path } => {
                vec![str_item(path)]
            }
        }
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
        }
    }
}

impl crate::state::KernelState {
    /// Serves one service request for `task`: `Some(result)` when it finished at
    /// once (its `kernel_call` recorded), `None` when the task now waits.
    pub(crate) fn sys_service(&mut self, task: ports::TaskId, op: ServiceOp) -> ServiceNow {
        self.kernel_request(task, op.id(), || op.arguments());
        let call = op.name();
        let result = match op {
            ServiceOp::MemoryCreate { size, label } => {
                self.memory_create(task, bytes::Bytes::new(), size, label.as_deref())
            }
            ServiceOp::MemoryMap { object } => self.memory_map(task, object),
            ServiceOp::MemoryRead {
                mapping,
                offset,
                width,
            } => self.memory_read(task, mapping, offset, width),
            ServiceOp::MemoryWrite {
                mapping,
                offset,
                width,
                value,
            } => self.memory_write(task, mapping, offset, width, value),
            ServiceOp::MemoryUnmap { mapping } => self.memory_unmap(task, mapping),
            ServiceOp::MemoryFromOol { data, label } => {
                let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
                if data.is_empty() {
                    Err(ServiceError::InvalidValue)
                } else {
                    self.memory_create(task, data, size, label.as_deref())
                }
            }
            ServiceOp::SemaphoreCreate { value, label } => {
                self.semaphore_create(task, value, label.as_deref())
            }
            ServiceOp::SemaphoreWait {
                semaphore,
                timeout_ms,
            } => match self.semaphore_wait(task, semaphore, timeout_ms) {
                ServiceNow::Done(result) => result,
                ServiceNow::Blocked => return ServiceNow::Blocked,
            },
            ServiceOp::SemaphoreSignal { semaphore } => self.semaphore_signal(task, semaphore),
            ServiceOp::SemaphoreDestroy { semaphore } => self.semaphore_destroy(task, semaphore),
            ServiceOp::PipeCreate { capacity } => self.pipe_create(task, capacity),
            ServiceOp::PipeRead {
                handle,
                max,
                no_wait,
            } => match self.pipe_read(task, handle, max, no_wait) {
                ServiceNow::Done(result) => result,
                ServiceNow::Blocked => return ServiceNow::Blocked,
            },
            ServiceOp::PipeWrite {
                handle,
                data,
                no_wait,
            } => match self.pipe_write(task, handle, data, no_wait) {
                ServiceNow::Done(result) => result,
                ServiceNow::Blocked => return ServiceNow::Blocked,
            },
            ServiceOp::PipeClose { handle } => self.pipe_close(task, handle),
            ServiceOp::NamedPipeCreate {
                path,
                mode,
                capacity,
            } => self.named_pipe_create(Some(task), &path, mode, capacity),
            ServiceOp::NamedPipeOpen {
                path,
                access,
                no_wait,
            } => match self.named_pipe_open(task, &path, access, no_wait) {
                ServiceNow::Done(result) => result,
                ServiceNow::Blocked => return ServiceNow::Blocked,
            },
            ServiceOp::NamedPipeAccept { path, no_wait } => {
                match self.named_pipe_accept(task, &path, no_wait) {
                    ServiceNow::Done(result) => result,
                    ServiceNow::Blocked => return ServiceNow::Blocked,
                }
            }
            ServiceOp::NamedPipeUnlink { path } => self.named_pipe_unlink(task, &path),
        };
        let code = match &result {
            Ok(_) => ReturnCode::Success,
            Err(e) => e.code(),
        };
        self.record(Some(task), |_| crate::trace::Event::KernelCall {
            call,
            code,
        });
        ServiceNow::Done(result)
    }

    /// A task leaves a service wait without its call finishing (it ended): it is
    /// taken out of whatever queue it waited in.
    pub(crate) fn leave_service_wait(&mut self, task: ports::TaskId, wait: &ServiceWait) {
        match wait {
            ServiceWait::Semaphore { semaphore } => {
                if let Some(s) = self.services.semaphores.get_mut(semaphore) {
                    s.waiters.retain(|t| *t != task);
                }
            }
            ServiceWait::PipeRead { pipe, .. } => {
                if let Some(p) = self.services.pipes.get_mut(pipe) {
                    p.waiting_readers.retain(|t| *t != task);
                }
            }
            ServiceWait::PipeWrite { pipe, .. } => {
                if let Some(p) = self.services.pipes.get_mut(pipe) {
                    p.waiting_writers.retain(|t| *t != task);
                }
            }
            ServiceWait::Open { path, .. } => {
                if let Some(n) = self.services.named.get_mut(path) {
                    n.openers.retain(|(t, _)| *t != task);
                }
            }
            ServiceWait::Accept { path } => {
                if let Some(n) = self.services.named.get_mut(path) {
                    n.acceptors.retain(|t| *t != task);
                }
            }
        }
    }

    /// Closes every handle of an ending task: pipe ends (readers see end of file,
    /// writers a broken pipe, as the rules say) and mappings.
    pub(crate) fn close_handles(&mut self, task: ports::TaskId, cause: Option<ports::TaskId>) {
        let handles = std::mem::take(&mut self.task_mut(task).handles);
        for (handle, what) in handles {
            match what {
                Handle::Pipe(end) => self.close_end(task, handle, end),
                Handle::Mapping(id) => self.drop_mapping(cause, task, id, handle),
            }
        }
    }
}

impl crate::state::KernelState {
    /// What a task waiting in a service waits on, and which tasks could end the
    /// wait (for the deadlock report's wait-for graph).
    pub(crate) fn service_wait_report(
        &self,
        waiter: ports::TaskId,
        wait: &ServiceWait,
    ) -> (String, Vec<ports::TaskId>) {
        let pipe_label = |pipe: &u32| {
            self.services
                .pipes
                .get(pipe)
                .map_or_else(|| format!("pipe{pipe}"), |p| p.label.to_string())
        };
        let holders = |pick: &dyn Fn(&PipeEnd) -> bool| -> Vec<ports::TaskId> {
            self.tasks
                .iter()
                .filter(|(_, _, t)| !t.is_ended())
                .filter(|(_, _, t)| {
                    t.handles
                        .values()
                        .any(|h| matches!(h, Handle::Pipe(end) if pick(end)))
                })
                .map(|(index, generation, _)| ports::TaskId::new(index, generation))
                .filter(|t| *t != waiter)
                .collect()
        };
        match wait {
            ServiceWait::Semaphore { semaphore } => {
                let Some(s) = self.services.semaphores.get(semaphore) else {
                    return ("waiting on a destroyed semaphore".into(), Vec::new());
                };
                let signallers = self
                    .tasks
                    .iter()
                    .filter(|(_, _, t)| !t.is_ended())
                    .filter(|(_, _, t)| t.space.name_of(s.port).is_some())
                    .map(|(index, generation, _)| ports::TaskId::new(index, generation))
                    .filter(|t| *t != waiter)
                    .collect();
                (format!("waiting on semaphore {}", s.label), signallers)
            }
            ServiceWait::PipeRead { pipe, .. } => (
                format!("reading {} (empty)", pipe_label(pipe)),
                holders(&|end| end.write == Some(*pipe)),
            ),
            ServiceWait::PipeWrite { pipe, .. } => (
                format!("writing {} (full)", pipe_label(pipe)),
                holders(&|end| end.read == Some(*pipe)),
            ),
            ServiceWait::Open { path, access } => (
                format!("opening named pipe {path} for {}", access.as_str()),
                Vec::new(),
            ),
            ServiceWait::Accept { path } => (
                format!("accepting a client on named pipe {path}"),
                Vec::new(),
            ),
        }
    }
}
