//! Seeded random: any runnable task, uniformly.

use super::{ReadyQueue, Scheduler};
use ports::TaskId;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Picks uniformly among runnable tasks with ChaCha8 seeded from the run's seed:
/// a position in the ready queue, so the same seed picks the same tasks.
pub(crate) struct Random {
    rng: ChaCha8Rng,
}

impl Random {
    pub(crate) fn new(seed: u64) -> Random {
        Random {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }
}

impl Scheduler for Random {
    fn pick(&mut self, ready: &ReadyQueue) -> Option<TaskId> {
        ready.nth(self.rng.random_range(0..ready.len()))
    }

    /// The same draw over the queue with the newcomer at its end.
    fn pick_joined(&mut self, ready: &ReadyQueue, newcomer: TaskId) -> Option<TaskId> {
        let at = self.rng.random_range(0..ready.len() + 1);
        if at == ready.len() {
            Some(newcomer)
        } else {
            ready.nth(at)
        }
    }

    fn picks_by_position(&self) -> bool {
        true
    }
}
