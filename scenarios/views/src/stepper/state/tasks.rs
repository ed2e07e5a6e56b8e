//! Tasks: their lives (created, started, waiting, woken, ended), their parents,
//! and the time they spend waiting.

use super::calls::Call;
use super::names::RawEntry;
use super::services::{Handle, HandleEntry, ServiceWait};
use super::{State, TraceItem};
use serde::Serialize;
use std::collections::BTreeMap;
use trace::{EventKind, Label};

/// What a task is doing, as far as the trace says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TaskStatus {
    /// Created, waiting for its start time or for a parent's `spawn`.
    NotStarted,
    /// Runnable (or running: between two events it is the same).
    Ready,
    /// Waiting, holding message `msg`, for room in `port`'s queue.
    BlockedSend {
        /// The message it holds.
        msg: u64,
        /// The full port.
        port: Label,
        /// When the wait began.
        since_ns: u64,
    },
    /// Waiting for a message on a port or a port set.
    BlockedReceive {
        /// The port or set it waits on.
        on: Label,
        /// When the wait began.
        since_ns: u64,
    },
    /// Waiting inside a kernel service (a semaphore, a pipe, a named pipe).
    BlockedService {
        /// What it waits for.
        wait: ServiceWait,
        /// When the wait began.
        since_ns: u64,
    },
    /// Asleep until `until_ns`.
    Sleeping {
        /// When it wakes.
        until_ns: u64,
        /// When the sleep began.
        since_ns: u64,
    },
    /// Ended normally.
    Exited {
        /// Its exit code.
        code: i32,
    },
    /// Ended abnormally.
    Crashed {
        /// Why.
        reason: String,
    },
    /// Killed from outside.
    Killed,
}

impl TaskStatus {
    /// The state's class, spelled as `kernel::inspect::TaskInfo::state` spells it:
    /// `not_started`, `ready`, `blocked_send`, `blocked_receive`,
    /// `blocked_service`, `sleeping`, `exited`, `crashed`, `killed`.
    pub fn class(&self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::Ready => "ready",
            TaskStatus::BlockedSend { .. } => "blocked_send",
            TaskStatus::BlockedReceive { .. } => "blocked_receive",
            TaskStatus::BlockedService { .. } => "blocked_service",
            TaskStatus::Sleeping { .. } => "sleeping",
            TaskStatus::Exited { .. } => "exited",
            TaskStatus::Crashed { .. } => "crashed",
            TaskStatus::Killed => "killed",
        }
    }

    /// True once the task has exited, crashed or been killed.
    pub fn is_ended(&self) -> bool {
        matches!(
            self,
            TaskStatus::Exited { .. } | TaskStatus::Crashed { .. } | TaskStatus::Killed
        )
    }

    /// When the current wait (blocked or asleep) began, if the task waits.
    pub fn waiting_since(&self) -> Option<u64> {
        match self {
            TaskStatus::BlockedSend { since_ns, .. }
            | TaskStatus::BlockedReceive { since_ns, .. }
            | TaskStatus::BlockedService { since_ns, .. }
            | TaskStatus::Sleeping { since_ns, .. } => Some(*since_ns),
            _ => None,
        }
    }
}

/// The last call of a task that failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The event that reports it.
    pub seq: u64,
    /// `send`, `receive`, or the kernel-port operation's name.
    pub call: Label,
    /// The return code (an NT status for an LPC call).
    pub code: trace::Code,
}

/// One task.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Task {
    /// Its unique name.
    pub name: Label,
    /// The task whose `spawn` started it (`task_started`'s `by`), if one did.
    pub parent: Option<Label>,
    /// Its kernel port's label.
    pub kernel_port: Label,
    /// Its notify port's label.
    pub notify_port: Label,
    /// When it was to become runnable, or `None` if a parent must spawn it.
    pub start_ns: Option<u64>,
    /// The event that created it.
    pub created_at: u64,
    /// What it is doing.
    pub status: TaskStatus,
    /// Kernel calls (traps) the trace shows it making: see the module
    /// documentation of [`crate::stepper`] for what counts.
    pub steps: u64,
    /// Virtual time spent in waits that are over, in nanoseconds (the current
    /// wait, if any, is not included: see [`Task::blocked_ns_at`]).
    pub blocked_ns: u64,
    /// Its last failed call, if any.
    pub last_failure: Option<Failure>,
    /// Its name space as recorded: name → entry.
    #[serde(skip)]
    pub(super) space: BTreeMap<u32, RawEntry>,
    /// Its handles (memory mappings, pipe ends): handle → what it is.
    #[serde(skip)]
    pub(super) handles: BTreeMap<u32, Handle>,
    /// The kernel-port request it is inside, from its receipt by the kernel to its
    /// `kernel_call`.
    #[serde(skip)]
    pub(super) call: Option<Call>,
    /// Its direct mailbox (the port messages sent to it by name arrive on), once
    /// the trace has shown it.
    #[serde(skip)]
    pub(super) mailbox: Option<Label>,
}

impl Task {
    /// Virtual time spent waiting up to `now_ns`, the current wait included.
    pub fn blocked_ns_at(&self, now_ns: u64) -> u64 {
        self.blocked_ns
            + self
                .status
                .waiting_since()
                .map_or(0, |since| now_ns.saturating_sub(since))
    }

    /// How many names its space holds.
    pub fn names(&self) -> usize {
        self.space.len()
    }

    /// The port or set its name `name` denotes, if it holds that name.
    pub fn named(&self, name: u32) -> Option<&Label> {
        self.space.get(&name).map(|e| &e.object)
    }

    /// Its handles (memory mappings, pipe ends), by number.
    pub fn handles(&self) -> Vec<HandleEntry> {
        self.handles
            .iter()
            .map(|(handle, what)| HandleEntry {
                handle: *handle,
                what: what.clone(),
            })
            .collect()
    }

    /// The kernel-port request it is inside (a kernel-port operation or a service
    /// call, from the kernel's receipt of the request to its `kernel_call`): the
    /// request's message id and arguments.
    pub fn request(&self) -> Option<(i32, &[TraceItem])> {
        self.call.as_ref().map(|c| (c.id, &c.body[..]))
    }
}

impl State {
    pub(super) fn task_created(
        &mut self,
        seq: u64,
        name: &Label,
        parent: &Option<Label>,
        kernel_port: &Label,
        notify_port: &Label,
        start_ns: Option<u64>,
    ) {
        if self.tasks.contains(name) {
            self.inconsistent(seq, format!("task {name} is created a second time"));
            return;
        }
        for port in [kernel_port, notify_port] {
            self.own_ports.insert(port.clone(), name.clone());
        }
        self.tasks.insert(
            name.clone(),
            seq,
            Task {
                name: name.clone(),
                parent: parent.clone(),
                kernel_port: kernel_port.clone(),
                notify_port: notify_port.clone(),
                start_ns,
                created_at: seq,
                status: TaskStatus::NotStarted,
                steps: 0,
                blocked_ns: 0,
                last_failure: None,
                space: BTreeMap::new(),
                handles: BTreeMap::new(),
                call: None,
                mailbox: None,
            },
        );
    }

    /// A task becomes runnable; `by` is the task whose `spawn` started it: that
    /// spawn is its parent's call, and makes it the child's parent.
    pub(super) fn task_started(&mut self, seq: u64, name: &Label, by: Option<&Label>) {
        if let Some(parent) = by {
            if !self.tasks.contains(parent) {
                self.inconsistent(
                    seq,
                    format!("task {name} is spawned by task {parent}, which does not exist"),
                );
            }
            self.count_call(seq, parent);
        }
        let Some(task) = self.task_mut(seq, name) else {
            return;
        };
        if let Some(parent) = by {
            task.parent = Some(parent.clone());
        }
        if task.status == TaskStatus::NotStarted {
            task.status = TaskStatus::Ready;
        } else {
            let class = task.status.class();
            self.inconsistent(
                seq,
                format!("task {name} starts but it is {class}, not not_started"),
            );
        }
    }

    pub(super) fn task_woken(&mut self, seq: u64, now: u64, name: &Label) {
        self.leave_service_wait(name);
        let Some(task) = self.task_mut(seq, name) else {
            return;
        };
        match task.status.waiting_since() {
            Some(since) => {
                task.blocked_ns += now.saturating_sub(since);
                task.status = TaskStatus::Ready;
            }
            None => {
                let class = task.status.class();
                self.inconsistent(
                    seq,
                    format!("task {name} is woken but it is {class}, not waiting"),
                );
            }
        }
    }

    pub(super) fn sleep_started(&mut self, seq: u64, now: u64, actor: Option<&Label>, until: u64) {
        let Some(name) = self.actor(seq, actor, EventKind::SleepStarted) else {
            return;
        };
        self.count_call(seq, &name);
        self.expect_ready(seq, &name, "sleeps");
        if until > now
            && let Some(task) = self.task_mut(seq, &name)
        {
            task.status = TaskStatus::Sleeping {
                until_ns: until,
                since_ns: now,
            };
        }
    }

    /// A task exits, crashes or is killed: its wait (if any) ends with it.
    pub(super) fn end_task(&mut self, seq: u64, now: u64, name: &str, end: TaskStatus) {
        if self.task(name).is_some_and(|t| !t.status.is_ended()) {
            self.leave_service_wait(name);
            self.lpc_task_ended(name);
        }
        let Some(task) = self.task_mut(seq, name) else {
            return;
        };
        if task.status.is_ended() {
            let class = task.status.class();
            self.inconsistent(seq, format!("task {name} ends but it has already {class}"));
            return;
        }
        if let Some(since) = task.status.waiting_since() {
            task.blocked_ns += now.saturating_sub(since);
        }
        task.status = end;
    }

    // ----- lookups --------------------------------------------------------------------

    /// The task that caused an event that must have one.
    pub(super) fn actor(
        &mut self,
        seq: u64,
        actor: Option<&Label>,
        event: EventKind,
    ) -> Option<Label> {
        match actor {
            Some(task) if self.tasks.contains(task) => Some(task.clone()),
            Some(task) => {
                self.inconsistent(seq, format!("{event} by task {task}, which does not exist"));
                None
            }
            None => {
                self.inconsistent(seq, format!("{event} without a task"));
                None
            }
        }
    }

    pub(super) fn task_mut(&mut self, seq: u64, name: &str) -> Option<&mut Task> {
        if !self.tasks.contains(name) {
            self.inconsistent(seq, format!("task {name} does not exist"));
        }
        self.tasks.get_mut(name)
    }

    pub(super) fn is_kernel_port_of(&self, task: &str, port: &str) -> bool {
        self.task(task).is_some_and(|t| &*t.kernel_port == port)
    }

    pub(super) fn is_blocked_receiving(&self, task: &str) -> bool {
        self.task(task)
            .is_some_and(|t| matches!(t.status, TaskStatus::BlockedReceive { .. }))
    }

    /// A task's own call: it must be runnable to make one.
    pub(super) fn expect_ready(&mut self, seq: u64, task: &str, what: &str) {
        if let Some(t) = self.task(task)
            && t.status != TaskStatus::Ready
        {
            let class = t.status.class();
            self.inconsistent(
                seq,
                format!("task {task} {what} but it is {class}, not ready"),
            );
        }
    }
}
