//! Kernel calls: a task's steps, its failed calls, and the kernel-port request it
//! is inside.
//!
//! A step is one kernel call (Mach's trap), counted at the event that opens it;
//! [`crate::stepper`]'s documentation lists which events those are. A kernel-port
//! operation or a service call is traced as a request to the task's kernel port,
//! received at once by the kernel, then the call's own events and its
//! `kernel_call`: [`State::begin_call`] keeps the request's id and arguments until
//! then, for what the events leave out (a semaphore wait's bound, a read's size).

use super::State;
use std::sync::Arc;
use trace::{CallName, Code, EventKind, Label, Service, TraceItem};

/// A kernel-port request being served.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Call {
    /// `msgh_id`: the operation's id (5001… for the services).
    pub(crate) id: i32,
    /// Its arguments.
    pub(crate) body: Arc<[TraceItem]>,
    /// Bytes the call has put into a pipe so far (a `pipe_write`).
    pub(crate) written: u32,
}

impl Call {
    /// Argument `at`, when it is a `u32`.
    pub(crate) fn u32_at(&self, at: usize) -> Option<u32> {
        match self.body.get(at) {
            Some(TraceItem::U32(v)) => Some(*v),
            _ => None,
        }
    }
}

/// `memory_from_ool`'s request id: an object made from an out-of-line region,
/// whose bytes the trace does not carry.
pub(crate) const MEMORY_FROM_OOL: i32 = 5006;
/// `semaphore_wait`'s request id.
pub const SEMAPHORE_WAIT: i32 = 5102;

/// The kernel service a request to a kernel port with message id `id` is for;
/// `None` for a kernel-port operation (Mach's MIG ids, below them). The kernel's
/// service requests are memory 5001–5008, semaphores 5101–5104, pipes 5201–5204,
/// named pipes 5301–5304, LPC 5401–5414 (`docs/traces.md`).
pub fn requested_service(id: i32) -> Option<Service> {
    match id {
        5001..=5008 => Some(Service::Memory),
        5101..=5104 => Some(Service::Semaphore),
        5201..=5204 => Some(Service::Pipe),
        5301..=5304 => Some(Service::NamedPipe),
        5401..=5414 => Some(Service::Lpc),
        _ => None,
    }
}

impl State {
    /// One more kernel call by `task`.
    pub(super) fn count_call(&mut self, seq: u64, task: &str) {
        if let Some(t) = self.task_mut(seq, task) {
            t.steps += 1;
            self.steps += 1;
        }
    }

    pub(super) fn note_failure(&mut self, seq: u64, task: &str, call: &str, code: impl Into<Code>) {
        if let Some(t) = self.task_mut(seq, task) {
            t.last_failure = Some(super::Failure {
                seq,
                call: Label::from(call),
                code: code.into(),
            });
        }
    }

    /// A request to a kernel port was received by the kernel: the sender is inside
    /// that call until its `kernel_call`.
    pub(super) fn begin_call(&mut self, msg: u64) {
        let Some(m) = self.messages.get(&msg) else {
            return;
        };
        let Some(sender) = m.sender.clone() else {
            return;
        };
        let call = Call {
            id: m.id,
            body: m.body.clone(),
            written: 0,
        };
        if self.is_kernel_port_of(&sender, &m.port)
            && let Some(t) = self.tasks.get_mut(&sender)
        {
            t.call = Some(call);
        }
    }

    pub(super) fn call_of(&self, task: &str) -> Option<&Call> {
        self.task(task).and_then(|t| t.call.as_ref())
    }

    /// A kernel-port operation or service call finished (or a `spawn` was refused,
    /// a call with no request before it).
    pub(super) fn kernel_call(
        &mut self,
        seq: u64,
        actor: Option<&Label>,
        call: CallName,
        code: Code,
    ) {
        if let Some(task) = actor
            && self.task(task).is_some_and(|t| t.call.is_some())
            && let Some(t) = self.tasks.get_mut(task)
        {
            t.call = None;
        }
        // A refused spawn is a call the trace shows by its `kernel_call` alone.
        let refused_spawn = call == CallName::Spawn;
        let failed = !code.is_success();
        if !refused_spawn && !failed {
            return;
        }
        let Some(task) = self.actor(seq, actor, EventKind::KernelCall) else {
            return;
        };
        if refused_spawn {
            self.count_call(seq, &task);
        }
        if failed {
            self.note_failure(seq, &task, call.as_str(), code);
        }
    }
}
