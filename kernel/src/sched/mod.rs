//! Schedulers: which runnable task makes the next kernel call.
//!
//! The scheduler is the only source of randomness in a run, seeded from the run's
//! seed, so the same seed and schedule give the same interleaving (and trace).
//! [`RunQueue`] holds the ready queue together with the scheduler that picks from
//! it, so the scheduler sees every task join and leave the queue.

mod pct;
mod random;
mod ready;
mod round_robin;

use crate::config::Config;
use ports::{ScheduleKind, TaskId};
pub(crate) use ready::{ReadyQueue, Stamp};

/// Picks the next task among the runnable ones (shuttle's `Scheduler`).
pub(crate) trait Scheduler: Send {
    /// The task to run next, a member of `ready`, which holds at least two tasks
    /// in the order they became runnable.
    fn pick(&mut self, ready: &ReadyQueue) -> Option<TaskId>;

    /// The task to run next if `newcomer` joined the back of `ready` (which holds
    /// at least one task): what `pick` would choose then, found without changing
    /// the queue.
    fn pick_joined(&mut self, ready: &ReadyQueue, newcomer: TaskId) -> Option<TaskId>;

    /// True if the scheduler picks by position in the queue, so the queue must
    /// find its k-th member fast.
    fn picks_by_position(&self) -> bool {
        false
    }

    /// A task was created (PCT gives it a priority).
    fn task_created(&mut self, _task: TaskId) {}

    /// A kernel call was made (PCT counts steps for its change points).
    fn stepped(&mut self, _task: TaskId) {}

    /// `task` joined the ready queue with `stamp`, which orders it among the
    /// others (PCT indexes the runnable tasks by priority).
    fn readied(&mut self, _task: TaskId, _stamp: Stamp) {}

    /// `task` left the ready queue.
    fn unreadied(&mut self, _task: TaskId) {}
}

pub(crate) fn for_config(config: &Config) -> Box<dyn Scheduler> {
    match config.schedule {
        ScheduleKind::RoundRobin => Box::new(round_robin::RoundRobin),
        ScheduleKind::Random => Box::new(random::Random::new(config.seed)),
        ScheduleKind::Pct { depth } => {
            Box::new(pct::Pct::new(config.seed, depth, config.step_limit))
        }
    }
}

/// The runnable tasks and the scheduler that picks among them.
pub(crate) struct RunQueue {
    ready: ReadyQueue,
    scheduler: Box<dyn Scheduler>,
}

impl RunQueue {
    /// An empty queue whose tasks `scheduler` picks.
    pub(crate) fn new(scheduler: Box<dyn Scheduler>) -> RunQueue {
        RunQueue {
            ready: ReadyQueue::new(scheduler.picks_by_position()),
            scheduler,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ready.is_empty()
    }

    /// Makes `task` runnable, last in line.
    pub(crate) fn push_back(&mut self, task: TaskId) {
        let stamp = self.ready.push_back(task);
        self.scheduler.readied(task, stamp);
    }

    /// Takes `task` out of the queue; false if it was not in it.
    pub(crate) fn remove(&mut self, task: TaskId) -> bool {
        let queued = self.ready.remove(task).is_some();
        if queued {
            self.scheduler.unreadied(task);
        }
        queued
    }

    /// Chooses the next task to run and takes it off the queue.
    pub(crate) fn pick_next(&mut self) -> Option<TaskId> {
        // With one runnable task there is no choice to make, and the scheduler is
        // not asked (so `run`, which goes on inline, and `step` draw the same random
        // numbers).
        let task = match self.ready.len() {
            0 => return None,
            1 => self.ready.front(),
            _ => self
                .scheduler
                .pick(&self.ready)
                .filter(|task| self.ready.contains(*task))
                .or_else(|| self.ready.front()),
        }?;
        self.remove(task);
        Some(task)
    }

    /// The task the scheduler would run next if `task`, which just made a call,
    /// were put back at the end of the queue (at least one other task is queued):
    /// `task` itself, or another, which stays queued until the run loop takes it.
    pub(crate) fn pick_joined(&mut self, task: TaskId) -> TaskId {
        self.scheduler
            .pick_joined(&self.ready, task)
            .filter(|next| *next == task || self.ready.contains(*next))
            .or_else(|| self.ready.front())
            .unwrap_or(task)
    }

    /// A task was created.
    pub(crate) fn task_created(&mut self, task: TaskId) {
        self.scheduler.task_created(task);
    }

    /// A kernel call was made by `task`.
    pub(crate) fn stepped(&mut self, task: TaskId) {
        self.scheduler.stepped(task);
    }
}

#[cfg(test)]
mod tests;
