//! What scripts record while they run: the steps whose result was not the one expected.

/// A step whose result (or received message) was not what the file expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepFailure {
    /// The task.
    pub task: String,
    /// The step's line in the file.
    pub line: u32,
    /// The step's op.
    pub op: String,
    /// Virtual time when it happened, in nanoseconds.
    pub t_ns: u64,
    /// What the file expected.
    pub expected: String,
    /// What happened.
    pub happened: String,
}

/// Everything the scripts of one run recorded, in the order it happened.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepLog {
    /// Failed step expectations.
    pub failures: Vec<StepFailure>,
}
