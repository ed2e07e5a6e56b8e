//! Round robin: the task that became runnable first goes first.

use super::{ReadyQueue, Scheduler};
use ports::TaskId;

/// Takes turns in ready-queue order: a task that makes a call goes to the back.
pub(crate) struct RoundRobin;

impl Scheduler for RoundRobin {
    fn pick(&mut self, ready: &ReadyQueue) -> Option<TaskId> {
        ready.front()
    }

    /// The first in line: never the newcomer, which would be last.
    fn pick_joined(&mut self, ready: &ReadyQueue, _newcomer: TaskId) -> Option<TaskId> {
        ready.front()
    }
}
