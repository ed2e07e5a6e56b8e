//! The public kernel: `Kernel`, which sets a run up, drives it and reports it.
//!
//! `builder.rs` chooses the settings, `setup.rs` declares tasks, ports and service
//! objects before the run, `program.rs` turns programs into futures, `executor.rs`
//! runs the loop, `timers.rs` moves virtual time, and `report.rs` and `deadlock.rs`
//! say how the run ended.

mod builder;
mod deadlock;
mod executor;
mod program;
mod report;
mod setup;
mod timers;

pub use builder::KernelBuilder;
pub use deadlock::DeadlockReport;
pub use program::{TaskFactory, TaskOutput};
pub(crate) use program::{TaskFuture, factory};
pub use report::{Outcome, RunReport, TaskEnd, TaskReport};

use crate::context::lock;
use crate::state::KernelState;
use crate::trace::TraceRecord;
use executor::Polled;
use ports::TaskId;
use std::sync::{Arc, Mutex};

/// A simulated Mach kernel: tasks, ports, a scheduler, a virtual clock and a trace.
///
/// # Examples
/// ```
/// use kernel::{
///     Kernel, Message, QueueLimit, ReceiveOptions, ReceivePolicy, SendPolicy, TaskEnd, TaskExit,
/// };
///
/// let mut kernel = Kernel::builder().seed(7).trace(true).build();
/// kernel.spawn("echo", |cx| async move {
///     let port = cx.allocate_port(QueueLimit::DEFAULT, Some("inbox")).await?;
///     cx.make_send(port).await?;
///     cx.send(Message::new(port, 1), SendPolicy::Block).await?;
///     let got = cx.receive(port, ReceivePolicy::Block, ReceiveOptions::default()).await?;
///     assert_eq!(got.id(), 1);
///     Ok::<(), kernel::Error>(())
/// });
/// let report = kernel.run();
/// assert_eq!(report.outcome.as_str(), "completed");
/// assert!(report.violations.is_empty());
/// // A failed assertion inside the task crashes the task, not this example: how
/// // the task ended is what says its assertion held.
/// assert_eq!(report.task_end("echo"), Some(&TaskEnd::Ended(TaskExit::Exited(0))));
/// ```
pub struct Kernel {
    state: Arc<Mutex<KernelState>>,
    futures: Vec<Option<TaskFuture>>,
    /// The last poll's result, settled at the start of the next step.
    polled: Option<(TaskId, u64, Polled)>,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel").finish_non_exhaustive()
    }
}

impl Kernel {
    /// A builder with the defaults: seed 0, round robin, no trace, 60 s, 1,000,000 calls.
    pub fn builder() -> KernelBuilder {
        KernelBuilder::default()
    }

    /// Runs until every task ends, a deadlock, or a limit.
    pub fn run(&mut self) -> RunReport {
        lock(&self.state).inline = true;
        while self.step_once() {}
        let mut state = lock(&self.state);
        state.inline = false;
        state.flush_trace();
        drop(state);
        self.report()
    }

    /// Runs one scheduling decision: one task makes one kernel call (or the clock
    /// moves, or a fault is applied). Returns false when the run is over.
    pub fn step(&mut self) -> bool {
        lock(&self.state).inline = false;
        let more = self.step_once();
        self.settle_now();
        if !more {
            lock(&self.state).flush_trace();
        }
        more
    }

    /// Streams the trace from now on to `out`, in the binary form, as
    /// [`KernelBuilder::stream_binary_trace_to`] does, for a kernel already built
    /// (by a scenario's set-up, say): the records made so far are written first,
    /// and a kernel that keeps its records in memory (`trace(true)`) goes on
    /// keeping them. A kernel built without a trace starts one here, so call this
    /// before setting anything up.
    pub fn stream_binary_trace_to(&mut self, out: impl std::io::Write + Send + 'static) {
        let mut state = lock(&self.state);
        let keep = state.config.trace && !state.config.stream_binary_trace;
        state.config.trace = true;
        state.trace.stream_to(Box::new(out), keep);
        if state.trace.failure().is_some() {
            state.trace_failed();
        }
    }

    /// The trace recorded so far.
    pub fn trace(&self) -> Vec<TraceRecord> {
        lock(&self.state).trace.records().to_vec()
    }

    /// Takes the recorded trace out of the kernel (empty for a streamed trace).
    pub fn take_trace(&mut self) -> Vec<TraceRecord> {
        lock(&self.state).trace.take()
    }

    /// Takes a streamed binary trace out of the kernel as a complete `.trace` file:
    /// `header`'s line, then the records. For a kernel that kept its events in
    /// memory, encodes them.
    ///
    /// # Errors
    /// An encoding error (none is expected for well-formed events).
    pub fn take_binary_trace(
        &mut self,
        header: &crate::trace::TraceHeader,
    ) -> std::io::Result<Vec<u8>> {
        let mut state = lock(&self.state);
        let mut out = Vec::new();
        crate::trace::write_binary_header(&mut out, header)?;
        match state.trace.take_encoded() {
            Some(bytes) => out.extend_from_slice(&bytes),
            None => {
                let records = state.trace.take();
                crate::trace::write_binary_records(&mut out, &records)?;
            }
        }
        Ok(out)
    }

    /// A read-only view of the kernel's state, for reports and tests.
    pub fn inspect<R>(&self, f: impl FnOnce(&crate::inspect::Inspector<'_>) -> R) -> R {
        let state = lock(&self.state);
        f(&crate::inspect::Inspector { state: &state })
    }
}

#[cfg(test)]
mod streaming_tests;
#[cfg(test)]
mod tests;
