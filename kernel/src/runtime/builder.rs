//! `KernelBuilder`: a kernel's settings, chosen before it is built.

use super::Kernel;
use crate::config::Config;
use crate::state::KernelState;
use ports::ScheduleKind;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Builds a [`Kernel`].
#[derive(Default)]
pub struct KernelBuilder {
    config: Config,
    /// Where the binary trace is streamed, if anywhere.
    trace_out: Option<Box<dyn Write + Send>>,
}

impl std::fmt::Debug for KernelBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KernelBuilder")
            .field("config", &self.config)
            .field("streams_trace", &self.trace_out.is_some())
            .finish()
    }
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

    /// Records the trace and writes each record in the binary form to `out` as it
    /// is made, keeping nothing: memory stays flat however long the run. The kernel
    /// does no I/O of its own; it writes to the writer it is handed (buffer it:
    /// records are written one at a time), and flushes it when the run ends.
    /// Write the header line first ([`crate::trace::write_binary_header`]), and
    /// what reaches `out` is exactly the `.trace` file
    /// [`Kernel::take_binary_trace`] would give. If a write fails, the run stops
    /// with [`crate::Outcome::TraceWriteFailed`].
    ///
    /// # Examples
    /// ```
    /// use kernel::trace::{TraceHeader, read_trace, write_binary_header};
    /// use kernel::{Kernel, Outcome, ScheduleKind};
    /// use std::sync::{Arc, Mutex};
    ///
    /// /// A writer the test can read back after the run.
    /// #[derive(Clone, Default)]
    /// struct Shared(Arc<Mutex<Vec<u8>>>);
    /// impl std::io::Write for Shared {
    ///     fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
    ///         self.0.lock().unwrap().write(bytes)
    ///     }
    ///     fn flush(&mut self) -> std::io::Result<()> {
    ///         Ok(())
    ///     }
    /// }
    ///
    /// let file = Shared::default();
    /// let header = TraceHeader::new("hello", 0, ScheduleKind::RoundRobin);
    /// write_binary_header(&mut file.clone(), &header)?;
    /// let mut kernel = Kernel::builder().stream_binary_trace_to(file.clone()).build();
    /// kernel.spawn("hello", |cx| async move { cx.yield_now().await });
    /// assert_eq!(kernel.run().outcome, Outcome::Completed);
    /// let trace = read_trace(&file.0.lock().unwrap()[..])?;
    /// assert!(trace.records.len() > 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn stream_binary_trace_to(mut self, out: impl Write + Send + 'static) -> Self {
        self.config.trace = true;
        self.config.stream_binary_trace = false;
        self.trace_out = Some(Box::new(out));
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
        let scheduler = crate::sched::for_config(&self.config);
        let mut state = KernelState::new(self.config, scheduler);
        if let Some(out) = self.trace_out {
            state.trace.stream_to(out, false);
        }
        Kernel {
            state: Arc::new(Mutex::new(state)),
            futures: Vec::new(),
            polled: None,
        }
    }
}
