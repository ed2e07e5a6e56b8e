//! The figures of a run, for `machsim run`'s summary: per task, per port, the
//! services' objects, and what each way of moving data cost.
//!
//! Everything is read from the trace through the fold ([`State`]): a task's end,
//! steps and blocked time are the fold's; what a message to a port is (a task's, a
//! notification, a request to a kernel port), which receive right a task holds,
//! a message's size when it is received, the semaphore a wait names, and when a
//! task starts and stops waiting are asked of the state before or after each
//! event. So the figures are the same for a trace from any run, live or read back
//! from a file. The one number that is not in a trace, the virtual time at which
//! the run stopped (the clock may run past the last event), is passed in.

mod services;
#[cfg(test)]
mod tests;

pub use services::{
    Mechanism, MechanismStats, MemoryStats, PipeStats, SemaphoreStats, ServiceStats,
};

use crate::stepper::{State, TaskStatus};
use std::collections::HashMap;
use trace::{Event, Label, Receiver, TraceRecord};

/// One task in the summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskStats {
    /// Its name.
    pub name: String,
    /// How it ended (`exited 0`, `crashed: …`, `killed`) or where it stopped
    /// (`blocked receive`, `sleeping`, …).
    pub end: String,
    /// Kernel calls it made ([`crate::stepper::Task::steps`]).
    pub steps: u64,
    /// Virtual time it spent in waits that ended, in nanoseconds.
    pub blocked_ns: u64,
}

/// One port in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PortStats {
    /// Its label.
    pub label: String,
    /// Messages sent to it.
    pub sent: u64,
    /// Messages received from it.
    pub received: u64,
    /// Messages handed back to their senders after a failed send.
    pub returned: u64,
    /// Messages destroyed unread.
    pub destroyed: u64,
    /// The highest queue depth.
    pub max_depth: u32,
    /// Tasks that blocked sending to it, in the order they first did.
    pub blocked_senders: Vec<String>,
}

/// Every figure of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunStats {
    /// Kernel calls of all tasks: the sum of their steps.
    pub steps: u64,
    /// Each task, in creation order.
    pub tasks: Vec<TaskStats>,
    /// Each port a task received from, in allocation order (a task's own notify
    /// port and direct mailbox only when something was sent to them).
    pub ports: Vec<PortStats>,
    /// The services' part, or `None` when the run used no service.
    pub services: Option<ServiceStats>,
}

/// The figures of the run `records` trace, which stopped at `end_ns`.
pub fn collect(records: &[TraceRecord], end_ns: u64) -> RunStats {
    let mut state = State::new();
    let mut ports = PortTally::default();
    let mut services = services::Tally::default();
    for record in records {
        let steps = state.steps();
        ports.count(record);
        services.before(&state, record);
        state.apply(record);
        services.after(&state, record, state.steps() - steps);
    }
    RunStats {
        steps: state.steps(),
        tasks: state.tasks().map(task_stats).collect(),
        ports: ports.finish(&state),
        services: services.finish(end_ns),
    }
}

fn task_stats(task: &crate::stepper::Task) -> TaskStats {
    let end = match &task.status {
        TaskStatus::Exited { code } => format!("exited {code}"),
        TaskStatus::Crashed { reason } => format!("crashed: {reason}"),
        TaskStatus::Killed => "killed".to_string(),
        waiting => waiting.class().replace('_', " "),
    };
    TaskStats {
        name: task.name.to_string(),
        end,
        steps: task.steps,
        blocked_ns: task.blocked_ns,
    }
}

/// The ports' traffic, counted event by event.
#[derive(Default)]
struct PortTally {
    /// In allocation order.
    ports: Vec<PortStats>,
    /// Label → place in `ports`.
    index: HashMap<Label, usize>,
}

impl PortTally {
    fn port(&mut self, label: &str) -> Option<&mut PortStats> {
        let at = *self.index.get(label)?;
        self.ports.get_mut(at)
    }

    fn count(&mut self, record: &TraceRecord) {
        match &record.event {
            Event::PortAllocated { port, receiver, .. }
                if *receiver != Receiver::Kernel && !self.index.contains_key(port) =>
            {
                self.index.insert(port.clone(), self.ports.len());
                self.ports.push(PortStats {
                    label: port.to_string(),
                    ..PortStats::default()
                });
            }
            Event::MessageSent { port, .. } => {
                if let Some(p) = self.port(port) {
                    p.sent += 1;
                }
            }
            Event::MessageReceived {
                port,
                receiver,
                pseudo,
                ..
            } => {
                if let Some(p) = self.port(port) {
                    if *pseudo {
                        p.returned += 1;
                    } else if *receiver != Receiver::Kernel {
                        p.received += 1;
                    }
                }
            }
            Event::MessageDestroyed { port, .. } => {
                if let Some(p) = self.port(port) {
                    p.destroyed += 1;
                }
            }
            Event::MessageQueued { port, depth, .. } | Event::MessageCached { port, depth, .. } => {
                if let Some(p) = self.port(port) {
                    p.max_depth = p.max_depth.max(*depth);
                }
            }
            Event::SendBlocked { port, .. } => {
                if let (Some(task), Some(p)) = (record.task.as_deref(), self.port(port))
                    && !p.blocked_senders.iter().any(|t| t == task)
                {
                    p.blocked_senders.push(task.to_string());
                }
            }
            _ => {}
        }
    }

    /// The ports to show: a task's own notify port or mailbox only when something
    /// was sent to it.
    fn finish(self, state: &State) -> Vec<PortStats> {
        self.ports
            .into_iter()
            .filter(|p| p.sent > 0 || state.owner_of(&p.label).is_none())
            .collect()
    }
}
