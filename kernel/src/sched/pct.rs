//! PCT: probabilistic concurrency testing with random priorities and change points.

use super::{ReadyQueue, Scheduler, Stamp};
use ports::TaskId;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::BTreeSet;

/// Burckhardt et al.'s PCT: each task gets a random distinct priority when created;
/// the runnable task with the highest priority runs; at `depth - 1` steps chosen at
/// random in `1..=horizon` the running task drops below every other. A bug of depth
/// `d` is found with probability at least `1 / (n * k^(d-1))`.
pub(crate) struct Pct {
    rng: ChaCha8Rng,
    priorities: FxHashMap<TaskId, u64>,
    /// The runnable tasks by priority, the first in the queue first among equals:
    /// the last entry is the one to run. Kept as tasks join and leave the queue, so
    /// a pick does not scan it.
    runnable: BTreeSet<(u64, Reverse<Stamp>, TaskId)>,
    /// Each runnable task's key in `runnable`.
    keys: FxHashMap<TaskId, (u64, Stamp)>,
    change_points: Vec<u64>,
    steps: u64,
    lowest: u64,
}

impl Pct {
    pub(crate) fn new(seed: u64, depth: u32, horizon: u64) -> Pct {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let horizon = horizon.clamp(1, 10_000);
        let mut change_points: Vec<u64> = (1..depth.max(1))
            .map(|_| rng.random_range(1..=horizon))
            .collect();
        change_points.sort_unstable();
        Pct {
            rng,
            priorities: FxHashMap::default(),
            runnable: BTreeSet::new(),
            keys: FxHashMap::default(),
            change_points,
            steps: 0,
            lowest: u64::MAX / 2,
        }
    }

    fn priority(&self, task: TaskId) -> u64 {
        self.priorities.get(&task).copied().unwrap_or(0)
    }
}

impl Scheduler for Pct {
    fn pick(&mut self, _ready: &ReadyQueue) -> Option<TaskId> {
        self.runnable.last().map(|&(_, _, task)| task)
    }

    /// The newcomer, last in line, wins only with a higher priority than every
    /// queued task (the first of equals is picked).
    fn pick_joined(&mut self, _ready: &ReadyQueue, newcomer: TaskId) -> Option<TaskId> {
        match self.runnable.last() {
            Some(&(priority, _, task)) if priority >= self.priority(newcomer) => Some(task),
            _ => Some(newcomer),
        }
    }

    fn task_created(&mut self, task: TaskId) {
        let priority = self.rng.random_range(u64::MAX / 2..u64::MAX);
        self.priorities.insert(task, priority);
    }

    fn stepped(&mut self, task: TaskId) {
        self.steps += 1;
        if self.change_points.first() == Some(&self.steps) {
            self.change_points.remove(0);
            self.lowest -= 1;
            self.priorities.insert(task, self.lowest);
            // The running task is not queued; if it ever were, its key moves.
            if let Some(&(_, stamp)) = self.keys.get(&task) {
                self.unreadied(task);
                self.readied(task, stamp);
            }
        }
    }

    fn readied(&mut self, task: TaskId, stamp: Stamp) {
        let priority = self.priority(task);
        self.runnable.insert((priority, Reverse(stamp), task));
        self.keys.insert(task, (priority, stamp));
    }

    fn unreadied(&mut self, task: TaskId) {
        if let Some((priority, stamp)) = self.keys.remove(&task) {
            self.runnable.remove(&(priority, Reverse(stamp), task));
        }
    }
}
