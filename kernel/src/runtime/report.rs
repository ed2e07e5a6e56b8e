//! The run report: how the run ended, its counts, its kernel bugs, and how each
//! task stood at the end.

use super::{DeadlockReport, Kernel};
use crate::clock::Ticks;
use crate::context::lock;
use crate::error::TaskExit;
use crate::state::{Halt, KernelState, MessageCounts};
use crate::task::{TaskState, Wait};
use crate::violation::Violation;
use ports::TaskId;

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every task ended.
    Completed,
    /// Tasks remain, none can run, and nothing is pending.
    Deadlock(DeadlockReport),
    /// The virtual-time limit was reached.
    TimeLimit,
    /// The kernel-call limit was reached.
    StepLimit,
    /// Kernel code panicked (or answered a call wrongly) and the run stopped there;
    /// the report's violations say where.
    KernelBug,
    /// The trace streamed to a writer (`stream_binary_trace_to`) could not be
    /// written, for the reason given (the writer's error); the run stopped at the
    /// next scheduling decision, and the trace written so far ends there.
    TraceWriteFailed(String),
}

impl Outcome {
    /// The scenario-file name of the outcome.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Deadlock(_) => "deadlock",
            Outcome::TimeLimit => "time_limit",
            Outcome::StepLimit => "step_limit",
            Outcome::KernelBug => "kernel_bug",
            Outcome::TraceWriteFailed(_) => "trace_write_failed",
        }
    }
}

/// The result of [`Kernel::run`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunReport {
    /// How it ended.
    pub outcome: Outcome,
    /// Virtual time at the end, in nanoseconds.
    pub end_ns: Ticks,
    /// Kernel calls made.
    pub steps: u64,
    /// Message conservation counters.
    pub messages: MessageCounts,
    /// Messages still queued and held by blocked senders at the end.
    pub in_flight: u64,
    /// Kernel bugs: broken invariants (conservation, rights) and panics in kernel
    /// code; empty in a correct run.
    pub violations: Vec<Violation>,
    /// How each task stood at the end, in creation order.
    pub tasks: Vec<TaskReport>,
}

impl RunReport {
    /// How the task named `name` stood at the end, if there is such a task.
    pub fn task_end(&self, name: &str) -> Option<&TaskEnd> {
        self.tasks.iter().find(|t| t.name == name).map(|t| &t.end)
    }

    /// The tasks that crashed, with their messages, in creation order.
    pub fn crashed(&self) -> Vec<(&str, &str)> {
        self.tasks
            .iter()
            .filter_map(|t| match &t.end {
                TaskEnd::Ended(TaskExit::Crashed(reason)) => {
                    Some((t.name.as_str(), reason.as_str()))
                }
                _ => None,
            })
            .collect()
    }
}

/// One task in a [`RunReport`]: its name and how it stood at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskReport {
    /// Its name (unique in the run).
    pub name: String,
    /// How it ended, or what it was doing when the run did.
    pub end: TaskEnd,
}

/// How a task stood when the run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskEnd {
    /// It ended: exited with a code, crashed with a message, or was killed.
    Ended(TaskExit),
    /// It was waiting in the kernel; on what, as the deadlock report says it
    /// (`receiving on inbox`, `sending to buffer (full)`, `sleeping`, …).
    Waiting(String),
    /// It was runnable: the run stopped at a limit, or at a kernel bug.
    Runnable,
    /// It never started: declared and never spawned, or its start time never came.
    NotStarted,
}

impl Kernel {
    pub(super) fn report(&self) -> RunReport {
        let state = lock(&self.state);
        let outcome = state.final_outcome().unwrap_or(Outcome::Completed);
        let in_flight = state.in_flight();
        // Bugs caught while running come first: a panic explains what the audit
        // then finds broken.
        let mut violations = state.violations.clone();
        violations.extend(state.audit());
        RunReport {
            outcome,
            end_ns: state.now,
            steps: state.steps,
            messages: state.counts,
            in_flight,
            violations,
            tasks: state.task_reports(),
        }
    }
}

impl KernelState {
    /// The outcome if the run is over now.
    pub(crate) fn final_outcome(&self) -> Option<Outcome> {
        match self.halted {
            Some(Halt::TimeLimit) => return Some(Outcome::TimeLimit),
            Some(Halt::StepLimit) => return Some(Outcome::StepLimit),
            Some(Halt::KernelBug) => return Some(Outcome::KernelBug),
            Some(Halt::TraceWriteFailed) => {
                let reason = self.trace.failure().unwrap_or("unknown error");
                return Some(Outcome::TraceWriteFailed(reason.to_string()));
            }
            None => {}
        }
        if !self.ready.is_empty() {
            return None;
        }
        // Every task has ended and none waits for its start time: the run is over,
        // whatever faults are still scheduled (they have nothing left to hit).
        if self.live_tasks == 0 && self.pending_starts == 0 {
            return Some(Outcome::Completed);
        }
        if !self.timers.is_empty() {
            return None;
        }
        Some(Outcome::Deadlock(self.deadlock_report()))
    }

    /// Messages still in the kernel: queued, or held by blocked senders.
    pub(crate) fn in_flight(&self) -> u64 {
        let queued: usize = self.ports.iter().map(|(_, _, p)| p.queue.len()).sum();
        let held = self
            .tasks
            .iter()
            .filter(|(_, _, t)| matches!(t.state, TaskState::Waiting(Wait::Send { .. })))
            .count();
        (queued + held) as u64
    }

    /// How every task stands now, in creation order, for the run report.
    pub(crate) fn task_reports(&self) -> Vec<TaskReport> {
        self.tasks
            .iter()
            .map(|(index, generation, task)| TaskReport {
                name: task.name.to_string(),
                end: match &task.state {
                    TaskState::Ended(exit) => TaskEnd::Ended(exit.clone()),
                    TaskState::Waiting(wait) => {
                        let (what, _) = self.wait_for(TaskId::new(index, generation), wait);
                        TaskEnd::Waiting(what)
                    }
                    TaskState::Ready => TaskEnd::Runnable,
                    TaskState::NotStarted => TaskEnd::NotStarted,
                },
            })
            .collect()
    }
}
