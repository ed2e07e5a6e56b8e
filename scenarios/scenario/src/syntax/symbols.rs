//! The names a file declares and uses, recorded while reading and checked afterwards.
//!
//! Reading and cross-checking are separate passes because a name may be used before it is
//! declared (a client's steps name the server's port, declared further down, or allocated by
//! the server's own `allocate` step). Each record keeps the span of the name, so the checks
//! in `validate` can point at the exact use.

use std::ops::Range;

use crate::model::{OpKind, PortRef};
use kernel::PipeMode;

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
    /// Each script task's handle names, in step order, for the handle checks.
    pub(super) scripts: Vec<ScriptHandles>,
    /// Whether some task runs a `program`, which may spawn tasks with handles of its own.
    pub(super) has_programs: bool,
    /// Every named-pipe path declared, by a `[[named_pipe]]` or a `named_pipe_create` step.
    pub(super) paths: Vec<PathDecl>,
    /// Every place a named-pipe path is used.
    pub(super) path_uses: Vec<PathUse>,
    /// Some path declaration could not be read, so "undeclared path" could be a false alarm.
    pub(super) paths_incomplete: bool,
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
    /// A `[[memory]]`, a `memory_create` or a `memory_from_ool` step.
    Memory,
    /// A `[[semaphore]]` or a `semaphore_create` step.
    Semaphore,
}

impl LabelKind {
    /// What a label of this kind names, for "`x` is a port set, not a port".
    pub(super) fn noun(&self) -> &'static str {
        match self {
            Self::Port | Self::Allocated => "a port",
            Self::Set => "a port set",
            Self::Memory => "a memory object",
            Self::Semaphore => "a semaphore",
        }
    }
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
    /// One of a `[[memory]]`'s or `[[semaphore]]`'s `holders`.
    Holder,
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
            Self::Holder => "holder",
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
    /// A memory object (`memory_map`'s `object`).
    Memory,
    /// A semaphore (`semaphore_wait`'s, `semaphore_signal`'s and `semaphore_destroy`'s
    /// `semaphore`).
    Semaphore,
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

/// What a handle name can stand for, as a set of bits: a definition sets the bits of what
/// it makes, and a use needs one of the bits it can work with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct HandleKinds(pub(super) u8);

impl HandleKinds {
    /// A memory mapping.
    pub(super) const MAPPING: Self = Self(1);
    /// A pipe end that can be read.
    pub(super) const READ: Self = Self(2);
    /// A pipe end that can be written.
    pub(super) const WRITE: Self = Self(4);
    /// A pipe end of either direction.
    pub(super) const PIPE: Self = Self(2 | 4);

    /// Both sets of kinds.
    pub(super) const fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether the two sets share a kind.
    pub(super) const fn meets(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }

    /// Only the pipe kinds, which are what a spawned child inherits.
    pub(super) const fn pipe_only(self) -> Self {
        Self(self.0 & Self::PIPE.0)
    }
}

/// One step's part in a script's handle names, in step order.
pub(super) enum HandleEvent {
    /// A step that names a handle it makes (`memory_map`'s `mapping`, `pipe`'s `read` and
    /// `write`, `named_pipe_open`'s and `named_pipe_accept`'s `handle`).
    Define { name: String, kinds: HandleKinds },
    /// A step that uses a handle.
    Use(HandleUse),
    /// A `spawn` step: the child gets the pipe ends the task has then.
    Spawn { task: String },
    /// The start of a `repeat`'s steps.
    RepeatStart,
    /// The end of a `repeat`'s steps.
    RepeatEnd,
}

/// A place where a step uses a handle name.
pub(super) struct HandleUse {
    pub(super) name: String,
    pub(super) span: Range<usize>,
    /// What the step can work with.
    pub(super) needs: HandleKinds,
    /// The step's op, for messages.
    pub(super) op: OpKind,
    /// The step's `expect` accepts `bad_handle`: it is meant to fail, so it is not an error.
    pub(super) tolerated: bool,
}

/// The handle names of one script task.
pub(super) struct ScriptHandles {
    /// The task's name, if it could be read.
    pub(super) task: Option<String>,
    /// Whether the task has `spawned = true`.
    pub(super) spawned: bool,
    /// Its steps' handle events, in step order.
    pub(super) events: Vec<HandleEvent>,
    /// Some step's op or handle name could not be read, so any name may have been defined.
    pub(super) incomplete: bool,
}

/// A declared named-pipe path.
pub(super) struct PathDecl {
    pub(super) path: String,
    /// The mode, when the declaration's `mode` could be read.
    pub(super) mode: Option<PipeMode>,
    /// The span of a `[[named_pipe]]`'s path, for "declared twice"; `None` for a step (a
    /// `named_pipe_create` may run again after an unlink, so steps may repeat a path).
    pub(super) section_span: Option<Range<usize>>,
}

/// What a path use requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PathNeed {
    /// Any named pipe (`named_pipe_open`, `named_pipe_unlink`).
    Any,
    /// A duplex named pipe (`named_pipe_accept`).
    Duplex,
}

/// A place where a path is used.
pub(super) struct PathUse {
    pub(super) path: String,
    pub(super) span: Range<usize>,
    pub(super) need: PathNeed,
    /// The step's `expect` accepts `no_such_path`.
    pub(super) tolerates_missing: bool,
    /// The step's `expect` accepts `invalid_value` (what accepting on a FIFO returns).
    pub(super) tolerates_wrong_mode: bool,
}
