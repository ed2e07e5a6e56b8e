//! Kernel bugs: invariants the audit finds broken, and panics in kernel code.
//!
//! The third of the three failure classes (`error.rs` has the other two). A kernel
//! bug is never a task's fault: it is recorded as a [`Violation`] in the run report,
//! and a panic in kernel code also stops the run ([`crate::Outcome::KernelBug`]),
//! because the state it left half-changed can no longer be trusted.

use crate::state::{Halt, KernelState};
use std::any::Any;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// One broken kernel invariant, found by the end-of-run audit or by a panic in
/// kernel code; a correct run has none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which kind of bug.
    pub kind: ViolationKind,
    /// What was found, in a sentence naming the task, port or counts involved.
    pub message: String,
}

/// The kinds of kernel bug.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViolationKind {
    /// Messages sent do not add up to received + returned + destroyed + in flight.
    MessageConservation,
    /// A right is counted wrongly: receive rights per port, send and send-once
    /// counts, user references, or the carriers of receive rights in transit.
    Rights,
    /// Kernel code panicked: in a kernel call, a timer, a fault or a task's
    /// clean-up. The run stopped there.
    KernelPanic,
    /// A kernel call was answered with a reply of another kind than it asked for.
    /// The run stopped there.
    WrongReply,
    /// LPC messages sent do not add up to received + destroyed + queued + parked.
    LpcConservation,
    /// A task's LPC reply slot disagrees with its wait or with the reply chains.
    LpcReplySlot,
}

impl Violation {
    pub(crate) fn new(kind: ViolationKind, message: impl Into<String>) -> Violation {
        Violation {
            kind,
            message: message.into(),
        }
    }
}

/// The message alone: what the audit says, as the scenario runner prints it.
impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Where kernel code ran when it panicked, for the violation's message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    /// A kernel call (a trap), or a lookup a task made through its context.
    Call,
    /// The run loop: timers, faults, the clean-up of a task that ended, scheduling.
    RunLoop,
}

impl KernelState {
    /// Records a kernel bug and stops the run: nothing that happens after it could
    /// be trusted.
    pub(crate) fn kernel_bug(&mut self, kind: ViolationKind, message: String) {
        self.violations.push(Violation::new(kind, message));
        self.halted = Some(Halt::KernelBug);
    }

    /// True once a kernel bug has stopped the run.
    pub(crate) fn has_kernel_bug(&self) -> bool {
        self.halted == Some(Halt::KernelBug)
    }

    /// Runs kernel code, catching a panic as a kernel bug rather than letting it
    /// unwind into the task being polled (which would be blamed for it) or out of
    /// `Kernel::run`. `None` when it panicked: the bug is recorded and the run is
    /// halted.
    pub(crate) fn guarded<R>(&mut self, site: Site, f: impl FnOnce(&mut Self) -> R) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(|| f(self))) {
            Ok(result) => Some(result),
            Err(panic) => {
                let place = match site {
                    Site::Call => "a kernel call",
                    Site::RunLoop => "the run loop",
                };
                let whose = self
                    .current
                    .and_then(|task| self.tasks.get(task.index, task.generation))
                    .map(|entry| format!(" (polling {})", entry.name))
                    .unwrap_or_default();
                let message = format!(
                    "kernel panic in {place}{whose}: {}",
                    panic_message(panic.as_ref())
                );
                self.kernel_bug(ViolationKind::KernelPanic, message);
                None
            }
        }
    }
}

/// The text a panic carried (`panic!("…")`'s message), or `panicked` without one.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panicked".into())
}
