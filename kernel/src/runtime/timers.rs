//! Virtual time moving on: the clock jumps to the next timer, and due timers fire
//! (start times, faults, the end of timed waits).

use crate::clock::TimerKind;
use crate::error::TaskExit;
use crate::services::hooks as services;
use crate::state::{Fault, Halt, KernelState};
use crate::task::{TaskState, Wait};
use crate::trace::{Event, FaultKind, PortDestroyReason, WakeReason};
use ports::TaskId;
use std::sync::Arc;

impl KernelState {
    /// No task can run: move the clock to the next timer and fire what is due.
    /// Returns false when the run is over.
    pub(super) fn advance_clock(&mut self) -> bool {
        let Some(((deadline, _), _)) = self.timers.earliest() else {
            return false;
        };
        if deadline > self.config.time_limit {
            self.now = self.config.time_limit;
            self.halted = Some(Halt::TimeLimit);
            return false;
        }
        self.now = self.now.max(deadline);
        self.fire_due();
        true
    }

    /// Fires every timer due at or before now, faults first. Returns whether any fired.
    pub(crate) fn fire_due(&mut self) -> bool {
        let mut fired = false;
        while let Some(kind) = self.timers.pop_due(self.now) {
            self.fire(kind);
            fired = true;
        }
        fired
    }

    fn fire(&mut self, kind: TimerKind) {
        match kind {
            TimerKind::Start { task } => {
                self.pending_starts -= 1;
                self.start_task(task);
            }
            TimerKind::Fault { index } => self.apply_fault(index),
            TimerKind::WaitEnds { task, token } => self.wait_expired(task, token),
        }
    }

    /// An outside fault falls due: a task is killed, or the port with a label is
    /// destroyed (if one still has it; the trace says when none does).
    fn apply_fault(&mut self, index: usize) {
        let Some(fault) = self.faults.get(index).cloned() else {
            return;
        };
        match fault {
            Fault::Kill(task) if self.task(task).is_ended() => {}
            Fault::Kill(task) => {
                self.record(None, |k| Event::FaultApplied {
                    kind: FaultKind::Kill,
                    target: k.task_label(task),
                });
                self.end_task(task, TaskExit::Killed);
            }
            Fault::DestroyPort(label) => match self.port_by_label(&label) {
                Ok(port) => {
                    self.record(None, |k| Event::FaultApplied {
                        kind: FaultKind::Destroy,
                        target: k.port_label(port),
                    });
                    self.destroy_port(port, PortDestroyReason::Fault, None);
                }
                Err(_) => self.record(None, |_| Event::FaultApplied {
                    kind: FaultKind::DestroyMissed,
                    target: Arc::from(label.as_str()),
                }),
            },
        }
    }

    /// A timed wait's timer fired; `token` says which wait it was set for, so a
    /// timer left from an earlier wait of the task does nothing.
    fn wait_expired(&mut self, task: TaskId, token: u64) {
        let entry = self.task(task);
        if entry.wait_token != token {
            return;
        }
        match &entry.state {
            TaskState::Waiting(Wait::Send { .. }) => self.send_wait_expired(task),
            TaskState::Waiting(Wait::Receive { .. }) => self.receive_wait_expired(task),
            TaskState::Waiting(Wait::Sleep { .. }) => {
                self.wake(
                    task,
                    crate::task::Reply::Kern(Ok(crate::task::KernReply::Done)),
                    WakeReason::Timeout,
                );
            }
            TaskState::Waiting(Wait::Service { .. }) => services::on_wait_expired(self, task),
            _ => {}
        }
    }
}
