//! The `[expect]` table: what the run as a whole must show.

use super::Located;
use kernel::{NotificationKind, TaskExit};
use std::collections::BTreeMap;
use std::fmt;

/// The `[expect]` table: what the run as a whole must show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expect {
    /// How the run must end (default `completed`).
    pub outcome: Outcome,
    /// 1-based line of `outcome`, when the file gives one.
    pub outcome_line: Option<u32>,
    /// Messages received from each port, by port label.
    pub delivered: BTreeMap<String, Located<u64>>,
    /// Messages left in each port's queue at the end, by port label.
    pub queued: BTreeMap<String, Located<u64>>,
    /// How each named task must end, by task name.
    pub exit: BTreeMap<String, Located<ExitExpectation>>,
    /// The notification kinds each named task's receive steps took, in order, by task name.
    pub notifications: BTreeMap<String, Located<Vec<NotificationKind>>>,
}

words! {
    /// How a run ended (`[expect] outcome`).
    ///
    /// The kernel's `kernel::Outcome` says the same with what it found (a deadlock's
    /// report); an expectation names only which way the run ended.
    #[derive(Default)]
    pub enum Outcome ("outcome") {
        /// `completed` (the default): every task ended.
        #[default]
        Completed = "completed",
        /// `deadlock`: tasks remain, none can run, and nothing is pending.
        Deadlock = "deadlock",
        /// `time_limit`: the virtual-time limit was reached.
        TimeLimit = "time_limit",
        /// `step_limit`: the kernel-step limit was reached.
        StepLimit = "step_limit",
    }
}

impl Outcome {
    /// Which way a run that ended in `outcome` ended; `None` for a run a kernel bug
    /// or a failed trace write stopped, which no expectation can name (it fails
    /// every one).
    pub fn of(outcome: &kernel::Outcome) -> Option<Self> {
        match outcome {
            kernel::Outcome::Completed => Some(Self::Completed),
            kernel::Outcome::Deadlock(_) => Some(Self::Deadlock),
            kernel::Outcome::TimeLimit => Some(Self::TimeLimit),
            kernel::Outcome::StepLimit => Some(Self::StepLimit),
            kernel::Outcome::KernelBug | kernel::Outcome::TraceWriteFailed(_) => None,
        }
    }
}

/// How a task must end, in `[expect] exit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExitExpectation {
    /// It exited normally with this code.
    Code(i32),
    /// `"crashed"`: it ended with a `crash` step (or crashed otherwise).
    Crashed,
    /// `"killed"`: a fault killed it.
    Killed,
}

impl ExitExpectation {
    /// What the words of an `exit` expectation stand for (the others are exit codes).
    pub const WORDS: &'static [(&'static str, Self)] =
        &[("crashed", Self::Crashed), ("killed", Self::Killed)];

    /// How a task that ended with `exit` ended, in the terms of an expectation.
    pub fn of(exit: &TaskExit) -> Self {
        match exit {
            TaskExit::Exited(code) => Self::Code(*code),
            TaskExit::Crashed(_) => Self::Crashed,
            TaskExit::Killed => Self::Killed,
        }
    }
}

impl fmt::Display for ExitExpectation {
    /// The code, or the word the file writes (a test holds these to [`Self::WORDS`]).
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code(code) => write!(formatter, "{code}"),
            Self::Crashed => formatter.write_str("crashed"),
            Self::Killed => formatter.write_str("killed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ExitExpectation, Outcome};
    use crate::model::Word;

    #[test]
    fn expectations_spell_as_the_file_writes_them() {
        for (word, exit) in ExitExpectation::WORDS {
            assert_eq!(exit.to_string(), *word);
        }
        assert_eq!(ExitExpectation::Code(-3).to_string(), "-3");
        let kernel_outcomes = [
            kernel::Outcome::Completed,
            kernel::Outcome::Deadlock(kernel::DeadlockReport::default()),
            kernel::Outcome::TimeLimit,
            kernel::Outcome::StepLimit,
        ];
        for outcome in &kernel_outcomes {
            assert_eq!(
                Outcome::of(outcome).map(Outcome::as_str),
                Some(outcome.as_str())
            );
        }
        assert_eq!(Outcome::WORDS.len(), kernel_outcomes.len());
        assert_eq!(Outcome::of(&kernel::Outcome::KernelBug), None);
    }
}
