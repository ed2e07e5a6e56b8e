//! A service request: the decoded message (`ServiceOp`), its id and name, its
//! arguments as the trace shows them, and the dispatch to the service that serves it.

use super::{Access, LpcOp, PipeMode, ServiceError, ServiceReply, Width, pipe};
use crate::state::KernelState;
use crate::syscall::ServiceNow;
use crate::task::Reply;
use crate::trace::CallName;
use ports::{PortName, ReturnCode};

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
    /// Read `length` bytes at `offset` of a mapping, in one call.
    MemoryReadBytes {
        /// A mapping handle.
        mapping: u32,
        /// The byte offset.
        offset: u32,
        /// How many bytes.
        length: u32,
    },
    /// Write `data` at `offset` of a mapping, in one call.
    MemoryWriteBytes {
        /// A mapping handle.
        mapping: u32,
        /// The byte offset.
        offset: u32,
        /// The bytes.
        data: bytes::Bytes,
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
    /// An LPC call.
    Lpc(LpcOp),
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
            ServiceOp::MemoryReadBytes { .. } => 5007,
            ServiceOp::MemoryWriteBytes { .. } => 5008,
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
            ServiceOp::Lpc(op) => op.id(),
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
            ServiceOp::MemoryReadBytes { .. } => CallName::MemoryReadBytes,
            ServiceOp::MemoryWriteBytes { .. } => CallName::MemoryWriteBytes,
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
            ServiceOp::Lpc(op) => op.name(),
        }
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
            ServiceOp::MemoryReadBytes {
                mapping,
                offset,
                length,
            } => vec![u32_item(*mapping), u32_item(*offset), u32_item(*length)],
            ServiceOp::MemoryWriteBytes {
                mapping,
                offset,
                data,
            } => vec![
                u32_item(*mapping),
                u32_item(*offset),
                KItem::Data(Item::Bytes(data.clone())),
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
            ServiceOp::Lpc(op) => op.arguments(),
        }
    }
}

impl KernelState {
    /// Serves one service request for `task` (traced as a request to its kernel
    /// port): the reply to park when it finished at once (its `kernel_call`
    /// recorded), `None` when the task now waits.
    pub(crate) fn sys_service(&mut self, task: ports::TaskId, op: ServiceOp) -> Option<Reply> {
        self.kernel_request(task, op.id(), || op.arguments());
        let call = op.name();
        let result = match op {
            ServiceOp::MemoryCreate { size, label } => self
                .memory_create(
                    Some(task),
                    task,
                    bytes::Bytes::new(),
                    size,
                    label.as_deref(),
                )
                .map(ServiceReply::Name),
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
            ServiceOp::MemoryReadBytes {
                mapping,
                offset,
                length,
            } => self.memory_read_bytes(task, mapping, offset, length),
            ServiceOp::MemoryWriteBytes {
                mapping,
                offset,
                data,
            } => self.memory_write_bytes(task, mapping, offset, data),
            ServiceOp::MemoryUnmap { mapping } => self.memory_unmap(task, mapping),
            ServiceOp::MemoryFromOol { data, label } => {
                let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
                if data.is_empty() {
                    Err(ServiceError::InvalidValue)
                } else {
                    self.memory_create(Some(task), task, data, size, label.as_deref())
                        .map(ServiceReply::Name)
                }
            }
            ServiceOp::SemaphoreCreate { value, label } => self
                .semaphore_create(Some(task), task, value, label.as_deref())
                .map(ServiceReply::Name),
            ServiceOp::SemaphoreWait {
                semaphore,
                timeout_ms,
            } => match self.semaphore_wait(task, semaphore, timeout_ms) {
                ServiceNow::Done(result) => result,
                ServiceNow::Blocked => return None,
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
                ServiceNow::Blocked => return None,
            },
            ServiceOp::PipeWrite {
                handle,
                data,
                no_wait,
            } => match self.pipe_write(task, handle, data, no_wait) {
                ServiceNow::Done(result) => result,
                ServiceNow::Blocked => return None,
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
                ServiceNow::Blocked => return None,
            },
            ServiceOp::NamedPipeAccept { path, no_wait } => {
                match self.named_pipe_accept(task, &path, no_wait) {
                    ServiceNow::Done(result) => result,
                    ServiceNow::Blocked => return None,
                }
            }
            ServiceOp::NamedPipeUnlink { path } => self.named_pipe_unlink(task, &path),
            // LPC answers in NT's statuses, and records its own `kernel_call`.
            ServiceOp::Lpc(op) => return self.sys_lpc(task, op),
        };
        let code = match &result {
            Ok(_) => ReturnCode::Success,
            Err(e) => e.code(),
        };
        self.record(Some(task), |_| crate::trace::Event::KernelCall {
            call,
            code: code.into(),
        });
        Some(Reply::Service(result))
    }
}
