//! The executor: the run loop that polls task futures one step at a time.
//!
//! Each step settles the last poll (an ended program ends its task; a task that
//! returned without waiting in the kernel awaited something else, a fault), fires
//! the timers due now, picks the next task (the scheduler's choice) and polls its
//! future, whose kernel calls run inside the poll. Kernel code runs guarded: a
//! panic in it is a kernel bug, not the crash of the task being polled.

use super::Kernel;
use crate::context::{TaskContext, lock};
use crate::error::TaskExit;
use crate::state::KernelState;
use crate::task::TaskState;
use crate::violation::{Site, panic_message};
use ports::TaskId;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// What polling a task's future gave.
pub(super) enum Polled {
    Pending,
    Ended(TaskExit),
}

impl Kernel {
    pub(super) fn step_once(&mut self) -> bool {
        let mut state = lock(&self.state);
        let polled = self.polled.take();
        // The last poll settled and the next task chosen in one guarded call, unless
        // tasks started or ended in between and their futures must be made or dropped.
        let choice = state.guarded(Site::RunLoop, |state| {
            if let Some(polled) = polled {
                state.settle(polled);
            }
            (!state.has_programs_to_instantiate()).then(|| state.choose())
        });
        let choice = match choice {
            Some(Some(choice)) => Some(choice),
            Some(None) => {
                drop(state);
                self.instantiate();
                state = lock(&self.state);
                state.guarded(Site::RunLoop, KernelState::choose)
            }
            None => None,
        };
        let (task, steps_before) = match choice {
            None | Some(Choice::Over) => return false,
            Some(Choice::Fired) => {
                drop(state);
                self.instantiate();
                return true;
            }
            Some(Choice::Idle { more }) => return more,
            Some(Choice::Run { task, steps_before }) => (task, steps_before),
        };
        drop(state);
        let Some(mut future) = self
            .futures
            .get_mut(task.index as usize)
            .and_then(Option::take)
        else {
            let mut state = lock(&self.state);
            state.guarded(Site::RunLoop, |state| {
                state.end_task(task, TaskExit::Crashed("task has no program".into()));
            });
            return true;
        };
        let mut cx = Context::from_waker(Waker::noop());
        let outcome = match catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut cx))) {
            Ok(Poll::Ready(exit)) => Polled::Ended(exit),
            Ok(Poll::Pending) => {
                self.futures[task.index as usize] = Some(future);
                Polled::Pending
            }
            // Kernel code the task called into panicked: the bug is recorded where it
            // happened and the run has stopped; the task is not to blame.
            Err(_) if lock(&self.state).has_kernel_bug() => Polled::Pending,
            // The task's own code panicked: a task fault.
            Err(panic) => Polled::Ended(TaskExit::Crashed(format!(
                "panicked: {}",
                panic_message(panic.as_ref())
            ))),
        };
        // What the poll did is settled under the next iteration's lock, saving one
        // lock per task switch on the hot path.
        self.polled = Some((task, steps_before, outcome));
        true
    }

    /// Settles the last poll now, so the state can be inspected between steps.
    pub(super) fn settle_now(&mut self) {
        if let Some(polled) = self.polled.take() {
            let mut state = lock(&self.state);
            state.guarded(Site::RunLoop, |state| state.settle(polled));
            let pending = state.has_programs_to_instantiate();
            drop(state);
            if pending {
                self.instantiate();
            }
        }
    }

    /// Creates the futures of tasks the kernel started, and drops those of ended tasks.
    pub(super) fn instantiate(&mut self) {
        let mut state = lock(&self.state);
        let starting = std::mem::take(&mut state.to_start);
        let dropping = std::mem::take(&mut state.to_drop);
        let contexts: Vec<_> = starting
            .into_iter()
            .map(|(task, factory)| {
                let entry = state.task(task);
                let cx = TaskContext {
                    id: task,
                    name: entry.name.clone(),
                    kernel_port: entry.kernel_port_name,
                    notify_port: entry.notify_port_name,
                    state: Arc::clone(&self.state),
                };
                (task, factory, cx)
            })
            .collect();
        drop(state);
        for task in dropping {
            if let Some(slot) = self.futures.get_mut(task.index as usize) {
                let future = slot.take();
                let _ = catch_unwind(AssertUnwindSafe(move || drop(future)));
            }
        }
        for (task, factory, cx) in contexts {
            let index = task.index as usize;
            if self.futures.len() <= index {
                self.futures.resize_with(index + 1, || None);
            }
            // Making the future runs the program's own code (its closure): a panic
            // there is the task's fault, as in any poll.
            match catch_unwind(AssertUnwindSafe(move || factory(cx))) {
                Ok(future) => self.futures[index] = Some(future),
                Err(panic) => {
                    let exit =
                        TaskExit::Crashed(format!("panicked: {}", panic_message(panic.as_ref())));
                    let mut state = lock(&self.state);
                    state.guarded(Site::RunLoop, |state| state.end_task(task, exit));
                }
            }
        }
    }
}

/// What the run loop does next, decided under the lock.
enum Choice {
    /// The run is over.
    Over,
    /// Timers fired (tasks may have started): look again.
    Fired,
    /// No task could run and the clock moved on (`more` is false at the time limit).
    Idle { more: bool },
    /// Poll this task, which has made `steps_before` calls so far.
    Run { task: TaskId, steps_before: u64 },
}

impl KernelState {
    /// Whether tasks were started or ended whose futures the runtime must make or drop.
    fn has_programs_to_instantiate(&self) -> bool {
        !self.to_start.is_empty() || !self.to_drop.is_empty()
    }

    /// Decides the next step: the run is over, timers due now fire (a fault at the
    /// current instant, say, comes before any task step at that instant), a task
    /// runs, or the clock moves to the next timer.
    fn choose(&mut self) -> Choice {
        if self.halted.is_some() || self.final_outcome().is_some() {
            return Choice::Over;
        }
        if self.fire_due() {
            return Choice::Fired;
        }
        let next = match self.switch_to.take() {
            Some(task) if self.ready.remove(task) => Some(task),
            _ => self.ready.pick_next(),
        };
        match next {
            Some(task) => {
                self.current = Some(task);
                Choice::Run {
                    task,
                    steps_before: self.task(task).steps,
                }
            }
            None => Choice::Idle {
                more: self.advance_clock(),
            },
        }
    }

    /// Applies the result of polling a task: an ended program ends its task; a task
    /// that returned `Pending` without a kernel call awaited something the kernel does
    /// not drive, a fault. (An ended task's future is dropped through `to_drop`.)
    fn settle(&mut self, (task, steps_before, outcome): (TaskId, u64, Polled)) {
        self.current = None;
        match outcome {
            Polled::Ended(exit) => self.end_task(task, exit),
            Polled::Pending => {
                let made_call = self.task(task).steps != steps_before;
                // A task that returns `Pending` must be waiting in the kernel, or
                // runnable with the answer to its last call parked; anything else
                // awaited a future the kernel does not drive.
                let entry = self.task(task);
                let fine = entry.is_ended()
                    || matches!(entry.state, TaskState::Waiting(_))
                    || (matches!(entry.state, TaskState::Ready) && entry.reply.is_some());
                if self.halted.is_none() && (!made_call || !fine) {
                    self.end_task(
                        task,
                        TaskExit::Crashed("awaited a future the kernel does not drive".into()),
                    );
                }
            }
        }
    }

    /// After a call that finished at once: may the task go on without a trip through
    /// the run loop? Only when the scheduler, asked now as the run loop would ask
    /// it with the task back in the queue, picks it again. If it picks another,
    /// that one runs next (`choose` takes it off the queue), and the caller puts
    /// the task back at the end of the queue, as if the loop had taken its turn.
    pub(crate) fn continue_inline(&mut self, task: TaskId) -> bool {
        if !self.inline || self.halted.is_some() {
            return false;
        }
        if self.ready.is_empty() {
            return true;
        }
        let next = self.ready.pick_joined(task);
        if next == task {
            return true;
        }
        self.switch_to = Some(next);
        false
    }
}
