//! The fold of the kernel services' events: memory objects, semaphores, pipes and
//! named pipes, the handles tasks hold on them, and the tasks waiting in them (LPC,
//! which has handles and waits too, is folded in `state/lpc.rs`).
//!
//! A service call is traced as a request to the task's kernel port (received by
//! the kernel: the fold keeps its id and arguments, see [`super::calls`]), the
//! service's own events, then its `kernel_call`; a call that waits has its
//! `task_woken` before the `kernel_call`. The request tells what the events leave
//! out: whether a memory object was made from an out-of-line region (whose bytes
//! the trace does not carry), a semaphore wait's bound, a read's size, a write's
//! size.

mod handles;
mod memory;
mod named_pipes;
mod pipes;
mod semaphores;

pub use handles::{Handle, HandleEntry};
pub(super) use memory::MemoryAccess;
pub use memory::{Contents, Mapping, MemoryObject};
pub use named_pipes::{NamedPipe, Opener};
pub use pipes::{Pipe, PipeEnd};
pub use semaphores::Semaphore;

use super::{State, TaskStatus};
use ports::service::Access;
use serde::Serialize;
use trace::{Label, LpcWaitKind, Receiver};

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
    /// An LPC call: a connect, a wait for a reply, a receive or a listen.
    Lpc {
        /// What it waits for.
        kind: LpcWaitKind,
        /// The connection port (connect), the port whose reply chain it is on
        /// (reply), or the queue (receive, listen).
        port: Label,
        /// The message id it waits to be answered on (0 for a receive).
        message_id: u32,
    },
}

impl State {
    /// A task stops waiting in a service (woken, or ended): it leaves the queue it
    /// waited in, if the kernel has not taken it out already.
    pub(super) fn leave_service_wait(&mut self, name: &str) {
        let Some(TaskStatus::BlockedService { wait, .. }) = self.task(name).map(|t| &t.status)
        else {
            return;
        };
        let is = |w: &Label| &**w == name;
        match wait.clone() {
            ServiceWait::Semaphore { semaphore, .. } => self.semaphores.change_if(
                &semaphore,
                |s| s.waiters.iter().any(is),
                |s| s.waiters.retain(|w| !is(w)),
            ),
            ServiceWait::PipeRead { pipe, .. } => self.pipes.change_if(
                &pipe,
                |p| p.waiting_readers.iter().any(is),
                |p| p.waiting_readers.retain(|w| !is(w)),
            ),
            ServiceWait::PipeWrite { pipe, .. } => self.pipes.change_if(
                &pipe,
                |p| p.waiting_writers.iter().any(is),
                |p| p.waiting_writers.retain(|w| !is(w)),
            ),
            ServiceWait::Lpc { port, .. } => self.leave_lpc_wait(name, &port),
            ServiceWait::Open { path, .. } | ServiceWait::Accept { path } => {
                self.named_pipes.change_if(
                    &path,
                    |n| n.openers.iter().any(|o| is(&o.task)) || n.acceptors.iter().any(is),
                    |n| {
                        n.openers.retain(|o| !is(&o.task));
                        n.acceptors.retain(|a| !is(a));
                    },
                )
            }
        }
    }

    /// A task starts waiting in a service.
    fn wait_in_service(&mut self, seq: u64, now: u64, task: &str, wait: ServiceWait, what: &str) {
        self.expect_ready(seq, task, what);
        if let Some(t) = self.task_mut(seq, task) {
            t.status = TaskStatus::BlockedService {
                wait,
                since_ns: now,
            };
        }
    }

    /// An object with a port (memory object, semaphore) must have its port alive,
    /// received by the kernel.
    fn expect_object_port(&mut self, seq: u64, what: &str, label: &str) {
        let ok = self
            .port(label)
            .is_some_and(|p| p.receiver == Receiver::Kernel);
        if !ok {
            self.inconsistent(
                seq,
                format!("{what} {label} is made without a live port of the kernel's"),
            );
        }
    }
}
