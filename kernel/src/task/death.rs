//! Task death: a task that exits, crashes or is killed leaves nothing behind.
//!
//! Mach's `ipc_space_destroy`: every name is cleaned in name order (deterministic):
//! receive rights die (or go to their port-destroyed backup), send-once rights send
//! send-once notifications, send rights are released (no-senders may fire), port
//! sets are destroyed, dead names dropped. A message the task was blocked sending is
//! destroyed; its kernel port dies, so its task port becomes a dead name elsewhere.

use crate::error::TaskExit;
use crate::services::hooks as services;
use crate::state::KernelState;
use crate::task::{TaskState, Wait};
use crate::trace::{Event, MessageDestroyReason, PortDestroyReason};
use ports::TaskId;

impl KernelState {
    /// Ends `task` with `exit`, as one atomic operation.
    pub(crate) fn end_task(&mut self, task: TaskId, exit: TaskExit) {
        if self.task(task).is_ended() {
            return;
        }
        if !matches!(self.task(task).state, TaskState::NotStarted) {
            self.live_tasks -= 1;
        }
        // A declared task ended before any spawn can no longer be spawned.
        let name = self.task_label(task);
        self.declared.remove(&name);
        let now = self.now;
        let entry = self.task_mut(task);
        if matches!(entry.state, TaskState::Waiting(_)) {
            entry.blocked_ns += now.saturating_sub(entry.waiting_since);
        }
        let previous = std::mem::replace(&mut entry.state, TaskState::Ended(exit.clone()));
        self.ready.remove(task);
        match previous {
            TaskState::Waiting(Wait::Send {
                envelope, timer, ..
            }) => {
                if let Some(timer) = timer {
                    self.timers.cancel(timer);
                }
                self.forget_blocked_sender(envelope.dest.port, task);
                let envelope = *envelope;
                self.destroy_message(envelope, MessageDestroyReason::SenderEnded);
            }
            TaskState::Waiting(Wait::Receive { source, timer, .. }) => {
                if let Some(timer) = timer {
                    self.timers.cancel(timer);
                }
                self.clear_waiting_receiver(task, source);
            }
            TaskState::Waiting(Wait::Sleep { timer }) => self.timers.cancel(timer),
            TaskState::Waiting(Wait::Service { wait, timer }) => {
                if let Some(timer) = timer {
                    self.timers.cancel(timer);
                }
                services::on_wait_abandoned(self, task, &wait);
            }
            _ => {}
        }
        // A task's own end (exit, crash) is its action; a kill is the kernel's, so
        // the kill and its clean-up carry no task (the trace format's rule).
        let cause = match exit {
            TaskExit::Killed => None,
            _ => Some(task),
        };
        let name = self.task_label(task);
        self.record(cause, |_| match &exit {
            TaskExit::Exited(code) => Event::TaskExited {
                name: name.clone(),
                code: *code,
            },
            TaskExit::Crashed(reason) => Event::TaskCrashed {
                name: name.clone(),
                reason: reason.clone(),
            },
            TaskExit::Killed => Event::TaskKilled { name: name.clone() },
        });
        let reason = if matches!(exit, TaskExit::Killed) {
            PortDestroyReason::ReceiverKilled
        } else {
            PortDestroyReason::ReceiverEnded
        };
        let names: Vec<_> = self.task(task).space.iter().map(|(n, _)| n).collect();
        for name in names {
            // Destroying one name can free others (a port's death turns the task's
            // other names for it dead): take each entry as it is now, if still there.
            let Some(&entry) = self.task(task).space.get(name) else {
                continue;
            };
            self.destroy_name(task, name, entry, reason, cause);
        }
        services::on_task_ended(self, task, cause);
        if let Some(mailbox) = self.task_mut(task).direct_mailbox.take() {
            self.destroy_port(mailbox, PortDestroyReason::ReceiverEnded, None);
        }
        let kernel_port = self.task(task).kernel_port;
        self.destroy_port(kernel_port, PortDestroyReason::TaskEnded, None);
        self.to_drop.push(task);
    }
}
