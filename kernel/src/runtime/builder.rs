//! `KernelBuilder`: a kernel's settings, chosen before it is built.

use super::Kernel;
use crate::config::Config;
use crate::state::KernelState;
use ports::ScheduleKind;
use std::sync::{Arc, Mutex};

/// Builds a [`Kernel`].
#[derive(Clone, Debug, Default)]
pub struct KernelBuilder {
    config: Config,
}

impl KernelBuilder {
    /// The seed of every random choice.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// The scheduler.
    #[must_use]
    pub fn schedule(mut self, schedule: ScheduleKind) -> Self {
        self.config.schedule = schedule;
        self
    }

    /// Records a trace of the run.
    #[must_use]
    pub fn trace(mut self, on: bool) -> Self {
        self.config.trace = on;
        self
    }

    /// Records the trace straight into the binary form (postcard) as events happen,
    /// keeping no event structures: the cheapest way to trace a long run. Read it
    /// with [`Kernel::take_binary_trace`].
    #[must_use]
    pub fn stream_binary_trace(mut self) -> Self {
        self.config.trace = true;
        self.config.stream_binary_trace = true;
        self
    }

    /// The virtual-time limit, in milliseconds.
    #[must_use]
    pub fn time_limit_ms(mut self, ms: u64) -> Self {
        self.config.time_limit = crate::clock::ms(ms);
        self
    }

    /// The limit on kernel calls.
    #[must_use]
    pub fn step_limit(mut self, steps: u64) -> Self {
        self.config.step_limit = steps;
        self
    }

    /// Every setting at once.
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The kernel.
    pub fn build(self) -> Kernel {
        Kernel {
            state: Arc::new(Mutex::new(KernelState::new(self.config))),
            futures: Vec::new(),
            polled: None,
        }
    }
}
