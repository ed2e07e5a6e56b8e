//! Seeded random: any runnable task, uniformly.

use super::Scheduler;
use ports::TaskId;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Picks uniformly among runnable tasks with ChaCha8 seeded from the run's seed.
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
    fn pick(&mut self, ready: &[TaskId]) -> usize {
        self.rng.random_range(0..ready.len())
    }
}
