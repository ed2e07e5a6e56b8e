//! The kernel's state rebuilt from a trace, and the fold that applies one event.
//!
//! [`State`] is what the kernel looked like after some event: tasks and what each
//! waits on, live ports with their queues, blocked senders and notification
//! requests, dead ports with why they died, port sets, every task's name space and
//! handles, the messages still in the kernel, and the services' objects: memory
//! objects (size, mappings, bytes), semaphores (value, waiters), pipes (buffered
//! bytes, open ends, waiting readers and writers), named pipes (mode, whether
//! unlinked, who waits to open or accept), and LPC (ports, their queues and reply
//! chains, messages, each task's reply slot). [`State::apply`] folds one
//! [`TraceRecord`] into it. The fold never panics: an event that makes no sense for
//! the state so far (a message received that was never sent, a right for a task
//! that does not exist) is kept as an [`Inconsistency`] and the fold goes on with
//! what it can do.
//!
//! One file per concept: [`tasks`](self::tasks) (lives, parents, waits),
//! [`calls`](self::calls) (steps, failures, the request a task is inside),
//! [`ports`](self::ports), [`sets`](self::sets), [`names`](self::names) (name
//! spaces), [`notifications`](self::notifications), [`messages`](self::messages),
//! [`services`](self::services), and [`lpc`](self::lpc) (Windows NT's local
//! procedure call); every object table is a [`Registry`].
//!
//! Cloning a state is cheap: tasks, ports, messages and service objects sit behind
//! `Arc`s and are copied only when an event changes them (copy on write), and the
//! lists that only grow (dead ports, inconsistencies) share their full chunks. That
//! is what makes a checkpoint every few thousand events affordable on a
//! million-event trace.

mod calls;
mod log;
mod lpc;
mod messages;
mod names;
mod notifications;
mod ports;
mod registry;
mod services;
mod sets;
mod tasks;

pub use calls::{SEMAPHORE_WAIT, requested_service};
pub use log::Inconsistency;
pub use lpc::{LpcMessage, LpcPlace, LpcPort, ReplySlot};
pub use messages::{Message, Place};
pub use names::NameEntry;
pub use notifications::{Notification, Request};
pub use ports::{BlockedSender, DeadPort, Port};
pub use services::{
    Contents, Handle, HandleEntry, Mapping, MemoryObject, NamedPipe, Opener, Pipe, PipeEnd,
    Semaphore, ServiceWait,
};
pub use sets::PortSet;
pub use tasks::{Failure, Task, TaskStatus};

use log::Log;
use notifications::Announced;
use registry::Registry;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use trace::{Event, FaultKind, Label, Receiver, TraceItem, TraceRecord};

/// The kernel's state after some event, rebuilt from the events before it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    seq: u64,
    t_ns: u64,
    tasks: Registry<Task>,
    ports: Registry<Port>,
    sets: Registry<PortSet>,
    messages: BTreeMap<u64, Arc<Message>>,
    dead_ports: Log<DeadPort>,
    inconsistencies: Log<Inconsistency>,
    announced: Option<Announced>,
    /// Every task's own ports (its kernel and notify ports, its direct mailbox) →
    /// the task.
    own_ports: HashMap<Label, Label>,
    /// Steps of every task so far.
    steps: u64,
    memory: Registry<MemoryObject>,
    semaphores: Registry<Semaphore>,
    pipes: Registry<Pipe>,
    /// Named pipes, linked or with a live stream; only the linked ones answer to
    /// their path.
    named_pipes: Registry<NamedPipe>,
    /// LPC ports, messages and reply slots.
    lpc: lpc::Lpc,
}

impl State {
    /// The state before any event: no task, no port.
    pub fn new() -> State {
        State::default()
    }

    /// The state after `records` (events 1..=k of a trace).
    pub fn from_records(records: &[TraceRecord]) -> State {
        let mut state = State::new();
        for record in records {
            state.apply(record);
        }
        state
    }

    /// The number of the last event applied (0 before any).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The virtual time of the last event applied, in nanoseconds.
    pub fn t_ns(&self) -> u64 {
        self.t_ns
    }

    /// Every task, in creation order.
    pub fn tasks(&self) -> impl Iterator<Item = &Task> + '_ {
        self.tasks.iter()
    }

    /// The task named `name`.
    pub fn task(&self, name: &str) -> Option<&Task> {
        self.tasks.get(name)
    }

    /// The steps of every task so far (the sum of their [`Task::steps`]).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Every live port, in creation order.
    pub fn ports(&self) -> impl Iterator<Item = &Port> + '_ {
        self.ports.iter()
    }

    /// The live port labelled `label`.
    pub fn port(&self, label: &str) -> Option<&Port> {
        self.ports.get(label)
    }

    /// True when `label` names a live port.
    pub fn is_port_alive(&self, label: &str) -> bool {
        self.ports.contains(label)
    }

    /// The task whose own port `label` is: its kernel port, its notify port, or
    /// its direct mailbox (alive or dead).
    pub fn owner_of(&self, label: &str) -> Option<&Label> {
        self.own_ports.get(label)
    }

    /// True when `label` is a task's kernel port.
    pub fn is_kernel_port(&self, label: &str) -> bool {
        self.owner_of(label)
            .and_then(|task| self.task(task))
            .is_some_and(|t| &*t.kernel_port == label)
    }

    /// Who holds (or held, when it died) the receive right of port `label`.
    pub fn receiver_of(&self, label: &str) -> Option<&Receiver> {
        match self.port(label) {
            Some(port) => Some(&port.receiver),
            None => self.dead_port(label).map(|p| &p.receiver),
        }
    }

    /// Every port that died, in the order they died.
    pub fn dead_ports(&self) -> impl DoubleEndedIterator<Item = &DeadPort> + '_ {
        self.dead_ports.iter()
    }

    /// The dead port labelled `label` (a search from the most recent death).
    pub fn dead_port(&self, label: &str) -> Option<&DeadPort> {
        self.dead_ports.iter().rev().find(|p| &*p.label == label)
    }

    /// How many ports died.
    pub fn dead_port_count(&self) -> usize {
        self.dead_ports.len()
    }

    /// Every live port set, in creation order.
    pub fn sets(&self) -> impl Iterator<Item = &PortSet> + '_ {
        self.sets.iter()
    }

    /// The live set labelled `label`.
    pub fn set(&self, label: &str) -> Option<&PortSet> {
        self.sets.get(label)
    }

    /// Every message still in the kernel (queued, held by a blocked sender, or just
    /// sent), by number.
    pub fn messages(&self) -> impl Iterator<Item = &Message> + '_ {
        self.messages.values().map(|m| &**m)
    }

    /// Message `msg`, if it is still in the kernel.
    pub fn message(&self, msg: u64) -> Option<&Message> {
        self.messages.get(&msg).map(|m| &**m)
    }

    /// The messages queued on `label`, oldest first (empty for an unknown port).
    pub fn queue(&self, label: &str) -> Vec<&Message> {
        self.port(label)
            .map(|p| p.queue.iter().filter_map(|m| self.message(*m)).collect())
            .unwrap_or_default()
    }

    /// How many messages are queued on port `label`: its queue's length, or, for a
    /// port that died with messages in it, those not yet destroyed.
    pub fn queued_on(&self, label: &str) -> usize {
        match self.port(label) {
            Some(port) => port.queue.len(),
            None => self
                .messages()
                .filter(|m| matches!(&m.place, Place::Queued { port, .. } if &**port == label))
                .count(),
        }
    }

    /// Events so far that made no sense for the state before them.
    pub fn inconsistencies(&self) -> impl Iterator<Item = &Inconsistency> + '_ {
        self.inconsistencies.iter()
    }

    /// How many inconsistencies were found.
    pub fn inconsistency_count(&self) -> usize {
        self.inconsistencies.len()
    }

    /// Every live memory object, in creation order.
    pub fn memory_objects(&self) -> impl Iterator<Item = &MemoryObject> + '_ {
        self.memory.iter()
    }

    /// The live memory object labelled `label`.
    pub fn memory_object(&self, label: &str) -> Option<&MemoryObject> {
        self.memory.get(label)
    }

    /// Every live semaphore, in creation order.
    pub fn semaphores(&self) -> impl Iterator<Item = &Semaphore> + '_ {
        self.semaphores.iter()
    }

    /// The live semaphore labelled `label`.
    pub fn semaphore(&self, label: &str) -> Option<&Semaphore> {
        self.semaphores.get(label)
    }

    /// Every live pipe, in creation order.
    pub fn pipes(&self) -> impl Iterator<Item = &Pipe> + '_ {
        self.pipes.iter()
    }

    /// The live pipe labelled `label`.
    pub fn pipe(&self, label: &str) -> Option<&Pipe> {
        self.pipes.get(label)
    }

    /// Every named pipe still linked or with a live stream, in creation order.
    pub fn named_pipes(&self) -> impl Iterator<Item = &NamedPipe> + '_ {
        self.named_pipes.iter()
    }

    /// The named pipe linked at `path`.
    pub fn named_pipe(&self, path: &str) -> Option<&NamedPipe> {
        self.named_pipes.get(path)
    }

    // ----- the fold ----------------------------------------------------------------

    /// Applies one event. Events must come in order; one that does not follow the
    /// last applied is recorded as an inconsistency and applied anyway.
    pub fn apply(&mut self, record: &TraceRecord) {
        if record.seq != self.seq + 1 {
            self.inconsistent(
                record.seq,
                format!(
                    "event {} follows event {}; expected event {}",
                    record.seq,
                    self.seq,
                    self.seq + 1
                ),
            );
        }
        self.seq = record.seq;
        self.t_ns = record.t_ns;
        let seq = record.seq;
        let now = record.t_ns;
        let actor = record.task.as_ref();
        match &record.event {
            Event::TaskCreated {
                name,
                parent,
                kernel_port,
                notify_port,
                start_ns,
            } => self.task_created(seq, name, parent, kernel_port, notify_port, *start_ns),
            Event::TaskStarted { name, by } => self.task_started(seq, name, by.as_ref()),
            Event::TaskWoken { name, .. } => self.task_woken(seq, now, name),
            Event::SleepStarted { until_ns } => self.sleep_started(seq, now, actor, *until_ns),
            Event::TaskExited { name, code } => {
                self.end_task(seq, now, name, TaskStatus::Exited { code: *code })
            }
            Event::TaskCrashed { name, reason } => {
                let end = TaskStatus::Crashed {
                    reason: reason.clone(),
                };
                self.end_task(seq, now, name, end)
            }
            Event::TaskKilled { name } => self.end_task(seq, now, name, TaskStatus::Killed),
            Event::PortAllocated {
                port,
                receiver,
                capacity,
            } => self.port_allocated(seq, port, receiver, *capacity),
            Event::PortDestroyed { port, reason } => self.port_destroyed(seq, now, port, *reason),
            Event::ReceiverChanged { port, receiver } => {
                self.receiver_changed(seq, port, receiver.as_ref())
            }
            Event::CapacityChanged { port, capacity } => {
                self.capacity_changed(seq, port, *capacity)
            }
            Event::PortSetAllocated { set, holder } => self.set_allocated(seq, set, holder),
            Event::PortSetDestroyed { set } => self.set_destroyed(seq, set),
            Event::MemberAdded { port, set } => self.member_added(seq, port, set),
            Event::MemberRemoved { port, set } => self.member_removed(seq, port, set),
            Event::RightChanged {
                holder,
                name,
                port,
                right,
                urefs,
            } => self.right_changed(seq, holder, *name, port, *right, *urefs),
            Event::NotificationRequested {
                port, kind, notify, ..
            } => self.notification_requested(seq, actor, port, *kind, notify),
            Event::MessageSent { .. } => self.message_sent(seq, now, actor, &record.event),
            Event::MessageQueued { msg, port, depth } => {
                self.message_queued(seq, *msg, port, *depth, false)
            }
            Event::MessageCached { msg, port, depth } => {
                self.message_queued(seq, *msg, port, *depth, true)
            }
            Event::SendBlocked { msg, port, .. } => self.send_blocked(seq, now, actor, *msg, port),
            Event::SendFailed { code, .. } => self.send_failed(seq, actor, *code),
            Event::ReceiveBlocked { port, .. } => self.receive_blocked(seq, now, actor, port),
            Event::ReceiveFailed { port, code } => {
                self.receive_failed(seq, actor, port.as_ref(), *code)
            }
            Event::MessageReceived {
                msg,
                port,
                receiver,
                pseudo,
                ..
            } => self.message_received(seq, actor, *msg, port, receiver, *pseudo),
            Event::MessageDestroyed { msg, .. } => self.remove_message(seq, *msg, "is destroyed"),
            Event::NotificationSent { msg, kind, about } => {
                self.notification_sent(*msg, *kind, about.as_ref())
            }
            Event::KernelCall { call, code } => self.kernel_call(seq, actor, *call, *code),
            Event::FaultApplied { kind, target } => self.fault_applied(seq, *kind, target),
            Event::MemoryCreated { .. }
            | Event::MemoryMapped { .. }
            | Event::MemoryRead { .. }
            | Event::MemoryWritten { .. }
            | Event::MemoryUnmapped { .. }
            | Event::MemoryFreed { .. }
            | Event::MemoryBytesRead { .. }
            | Event::MemoryBytesWritten { .. } => self.apply_memory(seq, actor, &record.event),
            Event::SemaphoreCreated { .. }
            | Event::SemaphoreAcquired { .. }
            | Event::SemaphoreBlocked { .. }
            | Event::SemaphoreSignalled { .. }
            | Event::SemaphoreDestroyed { .. } => {
                self.apply_semaphore(seq, now, actor, &record.event)
            }
            Event::PipeCreated { .. }
            | Event::PipeEndOpened { .. }
            | Event::PipeEndClosed { .. }
            | Event::PipeWritten { .. }
            | Event::PipeRead { .. }
            | Event::PipeBlocked { .. }
            | Event::PipeDestroyed { .. } => self.apply_pipe(seq, now, actor, &record.event),
            Event::NamedPipeCreated { .. }
            | Event::NamedPipeWaiting { .. }
            | Event::NamedPipeOpened { .. }
            | Event::NamedPipeConnected { .. }
            | Event::NamedPipeUnlinked { .. } => {
                self.apply_named_pipe(seq, now, actor, &record.event)
            }
            trace::lpc_event!() => self.apply_lpc(seq, now, actor, &record.event),
        }
    }

    /// An outside fault: a kill names a live task, a destroy a live port; a
    /// destroy that missed (`destroy_missed`) names a label no live port has.
    fn fault_applied(&mut self, seq: u64, kind: FaultKind, target: &Label) {
        let problem = match kind {
            FaultKind::Kill if !self.tasks.contains(target) => "which is not alive",
            FaultKind::Destroy if !self.ports.contains(target) => "which is not alive",
            FaultKind::DestroyMissed if self.ports.contains(target) => {
                "but a live port has that label"
            }
            FaultKind::Kill | FaultKind::Destroy | FaultKind::DestroyMissed => return,
        };
        self.inconsistent(seq, format!("a {kind} fault hits {target}, {problem}"));
    }

    fn inconsistent(&mut self, seq: u64, problem: String) {
        self.inconsistencies.push(Inconsistency { seq, problem });
    }
}
