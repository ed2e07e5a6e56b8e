//! The scenario model: what a scenario file says, as plain typed data.
//!
//! [`crate::syntax::parse`] produces it and the kernel lowering consumes it.
//! Everything here has already been checked against `docs/spec/scenario-format.md`, so a consumer
//! can match exhaustively without validating again, and every default is filled in, so a key
//! left out and its default spelled out give the same model.
//! Where the kernel has a type for a meaning (a disposition, a return code, a queue limit, a
//! notification kind, a memory width, a pipe mode, a schedule, a send or receive policy), the
//! model holds the kernel's own value (named through `kernel`'s re-exports), so running a
//! scenario converts nothing.
//! Source lines are kept wherever a run report has to point back into the file
//! ("the step (its line in the file)"), and maps are `BTreeMap`s so that reports and traces
//! list them in one stable order.
//!
//! One file per part of the file format: [`words`] (the closed vocabularies), `steps` (tasks
//! and their steps), `ports` (ports, port sets and port references), `services` (memory
//! objects, semaphores, named pipes and the services' steps), `expect` (the `[expect]`
//! table), `faults`, and [`labels`] (the labels the kernel makes itself).

#[macro_use]
pub mod words;
mod expect;
mod faults;
pub mod labels;
mod ports;
mod services;
mod steps;

pub use expect::{ExitExpectation, Expect, Outcome};
pub use faults::{Fault, FaultAction};
pub use ports::{PortRef, PortSetSpec, PortSpec, SetMember};
pub use services::{
    DEFAULT_PIPE_READ_MAX, ExpectedData, MemorySpec, NamedPipeSpec, PipeData, PipePolicy,
    SemaphoreSpec, ServiceOp,
};
pub use steps::{
    BodyItem, ExpectedItem, ExpectedResult, ItemKind, Op, OpKind, ReceiveOp, ReceiveSource,
    SendItem, SendOp, SendTarget, Step, TaskBody, TaskSpec,
};
pub use words::Word;

use kernel::ScheduleKind;

/// How deep `repeat` steps may nest; deeper is an error of the file.
pub const MAX_REPEAT_DEPTH: u32 = 16;

/// How deep TOML arrays and tables may nest; deeper is refused before TOML parsing starts.
pub const MAX_NESTING: usize = 64;

/// The largest scenario file, in bytes (16 MiB): larger is refused before anything reads
/// it as text.
///
/// The largest bundled lesson is a few kilobytes; the limit is generous for any file a
/// person or a generator writes, and it bounds the memory and time that checking one file
/// can take (a stray `/dev/zero` or a log file given by mistake is refused at once).
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// The virtual-time limit of a run when `[scenario]` gives no `time_limit_ms`.
///
/// The format's default (the spec fixes it), which is also what a kernel built without a
/// limit uses.
pub const DEFAULT_TIME_LIMIT_MS: u64 = 60_000;

/// The kernel-step limit of a run when `[scenario]` gives no `step_limit`.
///
/// The format's default (the spec fixes it), which is also what a kernel built without a
/// limit uses.
pub const DEFAULT_STEP_LIMIT: u64 = 1_000_000;

/// A whole scenario file, validated.
///
/// Built only when the file has no error at all, so every cross-reference in it holds:
/// each task, label and spawn target named anywhere is declared.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The file name the scenario was parsed from, as given to `parse`; reports print it.
    pub source_name: String,
    /// `[scenario] name`: what the run report calls this scenario.
    pub name: String,
    /// `[scenario] description`, if any.
    pub description: Option<String>,
    /// `[scenario] seed` (default 0); the command line's `--seed` overrides it.
    pub seed: u64,
    /// `[scenario] schedule` (default round robin); `--schedule` overrides it.
    pub schedule: ScheduleKind,
    /// Virtual-time limit in milliseconds (default [`DEFAULT_TIME_LIMIT_MS`]).
    pub time_limit_ms: u64,
    /// Kernel-step limit (default [`DEFAULT_STEP_LIMIT`]); each executed step counts one.
    pub step_limit: u64,
    /// The `[[port]]`s, in file order, which is the order they are created in.
    pub ports: Vec<PortSpec>,
    /// The `[[port_set]]`s, in file order, created after the ports they contain.
    pub port_sets: Vec<PortSetSpec>,
    /// The `[[task]]`s, in file order; names are unique.
    pub tasks: Vec<TaskSpec>,
    /// The `[[fault]]`s, in file order (not sorted by time: two faults at one instant keep
    /// the order the file gives them).
    pub faults: Vec<Fault>,
    /// The `[[memory]]` objects (an extension), in file order, made after the port sets.
    pub memory: Vec<MemorySpec>,
    /// The `[[semaphore]]`s (an extension), in file order, made after the memory objects.
    pub semaphores: Vec<SemaphoreSpec>,
    /// The `[[named_pipe]]`s (an extension), in file order, made after the semaphores.
    pub named_pipes: Vec<NamedPipeSpec>,
    /// The `[expect]` table, or its defaults when the file has none.
    pub expect: Expect,
}

impl Scenario {
    /// The declared task with this name, if any.
    pub fn task(&self, name: &str) -> Option<&TaskSpec> {
        self.tasks.iter().find(|task| task.name == name)
    }
}

/// A value together with where the file wrote it.
///
/// Used for expectations, which a run report prints next to their line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// 1-based line of the value in the file.
    pub line: u32,
    /// 1-based column (in characters) of the value in the file.
    pub column: u32,
}
