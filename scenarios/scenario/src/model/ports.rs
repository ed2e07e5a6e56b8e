//! Ports and port sets declared before the run, and references to ports from a task.

use kernel::QueueLimit;
use std::fmt;

/// A `[[port]]`: a port that exists before any task runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSpec {
    /// The port's label (`name`), unique among all labels of the file.
    pub label: String,
    /// The task holding the receive right, and only that right.
    pub receiver: String,
    /// The queue limit (`capacity`; default [`QueueLimit::DEFAULT`], Mach's default qlimit;
    /// at most [`QueueLimit::MAX`]).
    pub queue_limit: QueueLimit,
    /// Tasks given one send right each (one user reference), made as `make_send` makes one,
    /// so each counts in the port's make-send count. No task appears twice.
    pub senders: Vec<String>,
    /// 1-based line of the `[[port]]` header.
    pub line: u32,
    /// 1-based column of the `[[port]]` header.
    pub column: u32,
}

/// A `[[port_set]]`: a port set that exists before any task runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortSetSpec {
    /// The set's label (`name`), unique among all labels of the file.
    pub label: String,
    /// The task holding the set; it holds the receive right of every member.
    pub receiver: String,
    /// The member ports, each in at most one set.
    pub members: Vec<SetMember>,
    /// 1-based line of the `[[port_set]]` header.
    pub line: u32,
    /// 1-based column of the `[[port_set]]` header.
    pub column: u32,
}

/// A member of a `[[port_set]]`: a port whose receive right the set's receiver holds.
///
/// Unlike a [`PortRef`], never the task's kernel port: the kernel receives from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetMember {
    /// `"notify"`: the receiver's notify port.
    Notify,
    /// A `[[port]]` received by the set's receiver.
    Label(String),
}

/// A reference to a port (or port set) from inside a task.
///
/// `"kernel"` and `"notify"` are each task's own ports, so they are not labels: they mean
/// a different port in every task.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PortRef {
    /// The task's kernel port (it holds one send right; the kernel receives).
    Kernel,
    /// The task's notify port (it holds the receive right and no send right).
    Notify,
    /// A port or port set declared by `[[port]]`, `[[port_set]]` or an `allocate` step.
    Label(String),
}

impl PortRef {
    /// The spelling used in scenario files.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Kernel => "kernel",
            Self::Notify => "notify",
            Self::Label(label) => label,
        }
    }
}

impl fmt::Display for PortRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}
