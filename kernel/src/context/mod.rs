//! `TaskContext`: the kernel API a task is written against.
//!
//! Every method that enters the kernel is `async`: awaiting it is a trap and a
//! scheduling point. The call runs atomically when the task is polled; if it must
//! wait, the task stays parked until another task's call (or a timer) finishes it.

mod call;
mod ipc;
mod lpc;
mod ports;
mod reply;
mod services;
mod tasks;

use crate::state::KernelState;
use crate::violation::Site;
use ::ports::{PortName, TaskId};
use std::sync::{Arc, Mutex, MutexGuard};

/// A task's handle on the kernel, given to its program when it starts.
///
/// It is the only way a task reaches the kernel: there is no ambient "current
/// kernel". Names it takes and returns are the task's own [`PortName`]s.
pub struct TaskContext {
    pub(crate) id: TaskId,
    pub(crate) name: Arc<str>,
    pub(crate) kernel_port: PortName,
    pub(crate) notify_port: PortName,
    pub(crate) state: Arc<Mutex<KernelState>>,
}

impl std::fmt::Debug for TaskContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskContext")
            .field("task", &self.name)
            .finish()
    }
}

pub(crate) fn lock(state: &Mutex<KernelState>) -> MutexGuard<'_, KernelState> {
    // A poisoned lock means a kernel bug panicked mid-call; the state is still the
    // best record of what happened, and the run's audit reports the damage.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl TaskContext {
    /// Runs kernel code for this task outside a trap (a lookup, a handle label). A
    /// panic in it is a kernel bug as in a trap: recorded, and the run halted; the
    /// task's code does not go on (its poll unwinds, and the runtime, seeing the
    /// kernel halted by a bug, does not blame the task).
    pub(crate) fn with_state<R>(&self, f: impl FnOnce(&mut KernelState) -> R) -> R {
        let mut state = lock(&self.state);
        match state.guarded(Site::Call, f) {
            Some(result) => result,
            None => {
                drop(state);
                std::panic::resume_unwind(Box::new("kernel bug"))
            }
        }
    }

    /// This task's id.
    pub fn id(&self) -> TaskId {
        self.id
    }

    /// This task's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name of this task's send right to its kernel port.
    pub fn kernel_port(&self) -> PortName {
        self.kernel_port
    }

    /// The name of this task's notify port (it holds the receive right).
    pub fn notify_port(&self) -> PortName {
        self.notify_port
    }

    /// The current virtual time in nanoseconds (no scheduling point).
    pub fn now_ns(&self) -> u64 {
        self.with_state(|state| state.now)
    }

    /// The name under which this task holds a right for the port labelled `label`,
    /// if it holds any. Labels are trace metadata: this finds rights the task already
    /// has and grants none (scenario scripts name ports by label this way).
    pub fn lookup(&self, label: &str) -> Option<PortName> {
        self.with_state(|state| state.lookup_label(self.id, label))
    }

    /// The label of the port or set `name` denotes, if any.
    pub fn label_of(&self, name: PortName) -> Option<String> {
        self.with_state(|state| {
            let entry = state.task(self.id).space.get(name)?;
            Some(state.object_label(entry.object).to_string())
        })
    }
}
