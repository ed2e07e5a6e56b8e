//! Running a scenario: lowering it to a kernel, running it, and judging the run.
//!
//! [`prepare`] builds a [`kernel::Kernel`] from a parsed [`Scenario`]: tasks first
//! (scripts become interpreter tasks; `program`s come from the registry), then the
//! declared ports and sets, the services' memory objects, semaphores and named pipes,
//! and the faults. [`execute`] runs it and gathers everything a
//! report needs: the trace, the kernel's own report, the run's figures (read from
//! the trace by [`views::stats`], as they would be from a trace file), and every
//! expectation with its verdict.

mod expectations;
mod interpreter;
mod log;
#[cfg(test)]
mod tests;

pub use expectations::{Check, Verdict};
pub use interpreter::run_script;
pub use log::{StepFailure, StepLog};

use crate::model::{FaultAction, Scenario, SetMember, TaskBody, labels};
use kernel::trace::{TraceHeader, TraceRecord};
use kernel::{Kernel, RunReport, ScheduleKind, TaskExit, TaskFactory};
use std::sync::{Arc, Mutex};

/// Makes the program a `program = "..."` task runs, from its name and `args`.
pub type ProgramResolver<'a> = &'a dyn Fn(&str, &tasks::Args) -> Result<TaskFactory, String>;

/// Settings of one run that the command line may override.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--seed N`.
    pub seed: Option<u64>,
    /// `--schedule`.
    pub schedule: Option<ScheduleKind>,
}

/// A kernel built from a scenario, ready to run.
pub struct Prepared {
    kernel: Kernel,
    log: Arc<Mutex<StepLog>>,
    header: TraceHeader,
}

/// Why a scenario could not be lowered to a kernel (after it validated).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SetupError {
    /// The scenario file.
    pub file: String,
    /// The line of the declaration that failed.
    pub line: u32,
    /// What failed.
    pub message: String,
}

/// Builds the kernel for `scenario`.
///
/// # Errors
/// A [`SetupError`] if a program cannot be made from its arguments, or the kernel
/// refuses a declaration.
pub fn prepare(
    scenario: &Scenario,
    programs: ProgramResolver<'_>,
    overrides: &Overrides,
) -> Result<Prepared, SetupError> {
    let seed = overrides.seed.unwrap_or(scenario.seed);
    let schedule = overrides.schedule.unwrap_or(scenario.schedule);
    let mut kernel = Kernel::builder()
        .seed(seed)
        .schedule(schedule)
        .trace(true)
        .time_limit_ms(scenario.time_limit_ms)
        .step_limit(scenario.step_limit)
        .build();
    let log = Arc::new(Mutex::new(StepLog::default()));
    let error = |line: u32, message: String| SetupError {
        file: scenario.source_name.clone(),
        line,
        message,
    };
    for task in &scenario.tasks {
        let factory: TaskFactory = match &task.body {
            TaskBody::Steps(steps) => {
                let steps = Arc::new(steps.clone());
                let log = Arc::clone(&log);
                Box::new(move |cx| {
                    Box::pin(async move {
                        run_script(cx, steps, log).await;
                        TaskExit::Exited(0)
                    })
                })
            }
            TaskBody::Program { name, args } => {
                programs(name, args).map_err(|e| error(task.line, e))?
            }
        };
        if task.spawned {
            kernel.declare(&task.name, factory);
        } else {
            kernel.spawn_at(&task.name, task.start_ms, factory);
        }
    }
    for port in &scenario.ports {
        kernel
            .allocate_port(&port.receiver, &port.label, port.queue_limit)
            .map_err(|e| error(port.line, e.to_string()))?;
        for sender in &port.senders {
            kernel
                .give_send_right(sender, &port.label)
                .map_err(|e| error(port.line, e.to_string()))?;
        }
    }
    for set in &scenario.port_sets {
        let members: Vec<String> = set
            .members
            .iter()
            .map(|member| match member {
                SetMember::Label(label) => label.clone(),
                SetMember::Notify => labels::notify_port(&set.receiver),
            })
            .collect();
        let members: Vec<&str> = members.iter().map(String::as_str).collect();
        kernel
            .allocate_port_set(&set.receiver, &set.label, &members)
            .map_err(|e| error(set.line, e.to_string()))?;
    }
    for memory in &scenario.memory {
        let holders: Vec<&str> = memory.holders.iter().map(String::as_str).collect();
        kernel
            .create_memory_object(&memory.label, memory.size, &holders)
            .map_err(|e| error(memory.line, e.to_string()))?;
    }
    for semaphore in &scenario.semaphores {
        let holders: Vec<&str> = semaphore.holders.iter().map(String::as_str).collect();
        kernel
            .create_semaphore(&semaphore.label, semaphore.value, &holders)
            .map_err(|e| error(semaphore.line, e.to_string()))?;
    }
    for pipe in &scenario.named_pipes {
        kernel
            .create_named_pipe(&pipe.path, pipe.mode, Some(pipe.capacity))
            .map_err(|e| error(pipe.line, e.to_string()))?;
    }
    for fault in &scenario.faults {
        let result = match &fault.action {
            FaultAction::Kill(task) => kernel.schedule_fault(fault.at_ms, Some(task), None),
            FaultAction::Destroy(label) => kernel.schedule_fault(fault.at_ms, None, Some(label)),
        };
        result.map_err(|e| error(fault.line, e.to_string()))?;
    }
    let header = TraceHeader::new(&scenario.name, seed, schedule);
    Ok(Prepared {
        kernel,
        log,
        header,
    })
}

impl Prepared {
    /// The kernel, to drive it step by step instead of [`execute`]'s whole run.
    pub fn kernel_mut(&mut self) -> &mut Kernel {
        &mut self.kernel
    }

    /// The header of the run's trace, known before the run (to stream the trace
    /// to a file as it is recorded).
    pub fn header(&self) -> &TraceHeader {
        &self.header
    }
}

/// Everything one run produced.
#[derive(Debug)]
pub struct RunResult {
    /// The trace header (scenario, seed, schedule).
    pub header: TraceHeader,
    /// The trace.
    pub trace: Vec<TraceRecord>,
    /// The kernel's report: outcome, counts, audit.
    pub report: RunReport,
    /// The figures of the summary (steps, per task, per port, the services),
    /// from the trace.
    pub stats: views::stats::RunStats,
    /// Every expectation with its verdict, in file order.
    pub checks: Vec<Check>,
}

impl RunResult {
    /// True when every expectation held.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.verdict == Verdict::Pass)
    }
}

/// Runs a prepared scenario and judges it against `scenario`'s expectations.
pub fn execute(scenario: &Scenario, prepared: Prepared) -> RunResult {
    let Prepared {
        mut kernel,
        log,
        header,
    } = prepared;
    let report = kernel.run();
    let trace = kernel.take_trace();
    let stats = views::stats::collect(&trace, report.end_ns);
    let log = log.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let checks = expectations::judge(scenario, &report, &trace, &kernel, &log);
    RunResult {
        header,
        trace,
        report,
        stats,
        checks,
    }
}
