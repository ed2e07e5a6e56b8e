//! PCT: probabilistic concurrency testing with random priorities and change points.

use super::Scheduler;
use ports::TaskId;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;

/// Burckhardt et al.'s PCT: each task gets a random distinct priority when created;
/// the runnable task with the highest priority runs; at `depth - 1` steps chosen at
/// random in `1..=horizon` the running task drops below every other. A bug of depth
/// `d` is found with probability at least `1 / (n * k^(d-1))`.
pub(crate) struct Pct {
    rng: ChaCha8Rng,
    priorities: FxHashMap<TaskId, u64>,
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
            change_points,
            steps: 0,
            lowest: u64::MAX / 2,
        }
    }
}

impl Scheduler for Pct {
    fn pick(&mut self, ready: &[TaskId]) -> usize {
        let mut best = 0;
        let mut best_priority = 0;
        for (i, task) in ready.iter().enumerate() {
            let priority = self.priorities.get(task).copied().unwrap_or(0);
            if i == 0 || priority > best_priority {
                best = i;
                best_priority = priority;
            }
        }
        best
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
        }
    }
}
