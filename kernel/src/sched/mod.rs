//! Schedulers: which runnable task makes the next kernel call.
//!
//! The scheduler is the only source of randomness in a run, seeded from the run's
//! seed, so the same seed and schedule give the same interleaving (and trace).

mod pct;
mod random;
mod round_robin;

use crate::config::Config;
use ports::{ScheduleKind, TaskId};

/// Picks the next task among the runnable ones (shuttle's `Scheduler`).
pub(crate) trait Scheduler: Send {
    /// The index in `ready` of the task to run next; `ready` is never empty and is in
    /// the order the tasks became runnable.
    fn pick(&mut self, ready: &[TaskId]) -> usize;

    /// A task was created (PCT gives it a priority).
    fn task_created(&mut self, _task: TaskId) {}

    /// A kernel call was made (PCT counts steps for its change points).
    fn stepped(&mut self, _task: TaskId) {}
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
