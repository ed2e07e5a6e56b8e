//! The names a file declares and uses, recorded while reading and checked afterwards.
//!
//! Reading and cross-checking are separate passes because a name may be used before it is
//! declared (a client's steps name the server's port, declared further down, or allocated by
//! the server's own `allocate` step). Each record keeps the span of the name, so the checks
//! in `validate` can point at the exact use.

use std::ops::Range;

use crate::model::PortRef;

/// Everything the cross-reference checks need.
#[derive(Default)]
pub(super) struct Symbols {
    /// Every `[[task]]` name, in file order (duplicates included, to be reported).
    pub(super) tasks: Vec<TaskDecl>,
    /// Every label declaration, in file order (duplicates included, to be reported).
    pub(super) labels: Vec<LabelDecl>,
    /// Every place a task is named.
    pub(super) task_uses: Vec<TaskUse>,
    /// Every place a label is named.
    pub(super) label_uses: Vec<LabelUse>,
    /// Each `[[port]]` with its receiver, for the set-membership check.
    pub(super) ports: Vec<PortDecl>,
    /// Each `[[port_set]]` with its receiver and members.
    pub(super) sets: Vec<SetDecl>,
    /// Some task declaration could not be read, so "unknown task" could be a false alarm.
    pub(super) tasks_incomplete: bool,
    /// Some label declaration could not be read, so "undeclared label" could be a false alarm.
    pub(super) labels_incomplete: bool,
    /// The `port` of each step whose op could not be read: it may have been an `allocate`
    /// with a typo in its op, so uses of that label are not reported as undeclared.
    pub(super) possible_labels: Vec<String>,
}

/// A declared task.
pub(super) struct TaskDecl {
    pub(super) name: String,
    pub(super) span: Range<usize>,
    pub(super) spawned: bool,
}

/// What declared a label, which decides what it can be used as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum LabelKind {
    /// A `[[port]]`.
    Port,
    /// A `[[port_set]]`.
    Set,
    /// An `allocate` step.
    Allocated,
}

/// A declared label.
pub(super) struct LabelDecl {
    pub(super) name: String,
    pub(super) span: Range<usize>,
    pub(super) kind: LabelKind,
}

/// The role in which a task is named; it words the "unknown" message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TaskRole {
    /// A `[[port]]`'s `receiver`.
    Receiver,
    /// One of a `[[port]]`'s `senders`.
    Sender,
    /// A `[[port_set]]`'s `receiver`.
    SetReceiver,
    /// A `spawn` step's `task`.
    SpawnTarget,
    /// A `[[fault]]`'s `kill`.
    FaultTarget,
    /// A direct `send`'s `task` or a `receive`'s `from`.
    Correspondent,
    /// A task named in `[expect]`.
    Expected,
}

impl TaskRole {
    /// The noun for this role in messages ("unknown receiver `x`").
    pub(super) fn noun(self) -> &'static str {
        match self {
            Self::Receiver | Self::SetReceiver => "receiver",
            Self::Sender => "sender",
            Self::SpawnTarget => "spawn target",
            Self::FaultTarget => "fault target",
            Self::Correspondent | Self::Expected => "task",
        }
    }
}

/// A place where a task is named.
pub(super) struct TaskUse {
    pub(super) name: String,
    pub(super) span: Range<usize>,
    pub(super) role: TaskRole,
}

/// What kind of object a label use requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum LabelNeed {
    /// A port or a port set (steps: the kernel decides at run time what the right allows).
    Any,
    /// A port, never a set (set members, `[expect]` counts, `destroy` faults).
    Port,
    /// A port set (`add_to_set`'s and `remove_from_set`'s `set`).
    Set,
}

/// A place where a label is named.
pub(super) struct LabelUse {
    pub(super) name: String,
    pub(super) span: Range<usize>,
    pub(super) need: LabelNeed,
}

/// A `[[port]]` and its receiver.
pub(super) struct PortDecl {
    pub(super) label: String,
    pub(super) receiver: String,
}

/// A `[[port_set]]`, its receiver and its members with their spans.
pub(super) struct SetDecl {
    pub(super) label: String,
    pub(super) receiver: String,
    pub(super) members: Vec<(PortRef, Range<usize>)>,
}
