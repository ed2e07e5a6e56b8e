//! The stepper's model: the kernel's state after any event, rebuilt from a trace alone.
//!
//! A trace is complete (`docs/spec/trace-format.md`): the state after event
//! *k* follows from events 1..*k*. [`State`] is that state and [`State::apply`] the
//! fold of one event. [`Stepper`] holds a whole trace with [`Checkpoints`] (the
//! state every K events, K = 4096 by default), so [`Stepper::state_at`] is one clone
//! of the nearest checkpoint at or before *k* plus at most K - 1 folded events,
//! whatever the trace's length: stepping backward through a million events costs
//! the same as through a hundred. [`Cursor`] is a position in the trace for an
//! interactive view: forward by one is one fold, backward by one is a
//! `state_at`. The navigation helpers ([`Stepper::task_events`],
//! [`Stepper::port_events`], [`Stepper::message_events`], the `next_*`/`prev_*`
//! searches, [`Stepper::message_status_at`], [`Stepper::pipe_events`]) use an
//! index of the trace built on first use. Memory objects and semaphores are ports
//! (the kernel receives from them), so their events are among their ports'.
//!
//! # What `steps` counts
//!
//! A step is one kernel call: Mach's trap, which is what the kernel counts
//! (`RunReport::steps`, `inspect().tasks()[i].steps`). The fold counts each at the
//! event that opens it, for the task that makes it:
//! - every `message_sent` the task sends (a send, or a request to its kernel port
//!   for a kernel-port operation or a service call: the request's receipt by
//!   `kernel` and its `kernel_call` are the same call);
//! - every `send_failed` refused before its message entered the kernel (one that
//!   follows its own `message_sent`, or ends a blocked send's wait, is not a new call);
//! - every receive it starts while runnable: `message_received` (not a
//!   pseudo-receive), `receive_blocked` or `receive_failed` (the end of a receive it
//!   was blocked in is not a new call);
//! - every `sleep_started` (a `yield` is a sleep that ends at once);
//! - every spawn: the child's `task_started` with `by` naming the task, or a
//!   refused spawn's `kernel_call` (`spawn`).
//!
//! `machsim run`'s summary shows these counts, per task and summed. They are the
//! kernel's but for what the trace cannot tell apart: an `exit` or `crash` call
//! ends its task with the `task_exited` or `task_crashed` a program that returns
//! (or panics) also gets, so it is not counted; a `send_receive` is one trap that
//! the trace shows as a send and a receive, so it counts two; and a spawn refused
//! for a full name space leaves no event.
//!
//! # Where the fold departs from the kernel
//!
//! A send or send-once right whose port has died is shown as a dead name at once,
//! as `Kernel::inspect` shows it; the kernel records the conversion only when the
//! task next uses the name.
//!
//! A memory object made by `memory_from_ool` (request id 5006) starts with unknown
//! bytes: `memory_created` does not carry the region. Each write, and each read,
//! makes the bytes it covers known. An unlinked named pipe stays in the fold (marked
//! unlinked) while one of its streams is alive; the kernel forgets it at once. A
//! named pipe's streams are linked to it by `pipe_created`'s `named`. A task's
//! direct mailbox has no field of its own: the fold knows it when a message is sent
//! to it by name, or its task receives there without holding a name for it.

mod checkpoints;
pub mod render;
mod state;
#[cfg(test)]
pub(crate) mod tests;

pub use crate::words::time;
pub use checkpoints::{Checkpoints, default_spacing};
pub use render::{describe, json, text};
pub use state::{
    BlockedSender, Contents, DeadPort, Failure, Handle, HandleEntry, Inconsistency, LpcMessage,
    LpcPlace, LpcPort, Mapping, MemoryObject, Message, NameEntry, NamedPipe, Notification, Opener,
    Pipe, PipeEnd, Place, Port, PortSet, ReplySlot, Request, SEMAPHORE_WAIT, Semaphore,
    ServiceWait, State, Task, TaskStatus, requested_service,
};

use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;
use trace::{
    Event, FaultKind, Label, MessageDestroyReason, Trace, TraceHeader, TraceItem, TraceRecord,
};

/// An event number past the end of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("event {asked} is beyond the end of the trace: its last event is {last}")]
pub struct BeyondEnd {
    /// The event asked for.
    pub asked: u64,
    /// The last event of the trace (0 for a trace without events).
    pub last: u64,
}

/// What became of a message by some event, from the events about it alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MessageStatus {
    /// Not sent yet (or never).
    NotSent,
    /// Still in the kernel.
    InKernel {
        /// Where.
        place: Place,
    },
    /// Received by a task, or by `kernel` for a kernel-port request.
    Received {
        /// The receiver.
        by: trace::Receiver,
        /// The port it came from.
        port: Label,
        /// The port's sequence number stamped on it.
        seqno: u32,
        /// The event.
        at: u64,
    },
    /// Handed back to its sender after a failed send.
    HandedBack {
        /// The sender.
        to: trace::Receiver,
        /// The event.
        at: u64,
    },
    /// Destroyed unread.
    Destroyed {
        /// The port it was queued on or sent to.
        port: Label,
        /// Why.
        reason: MessageDestroyReason,
        /// The event.
        at: u64,
    },
}

/// Which events mention each task, port (or set) and message.
#[derive(Debug, Default)]
struct Index {
    tasks: HashMap<Label, Vec<u64>>,
    task_order: Vec<Label>,
    ports: HashMap<Label, Vec<u64>>,
    port_order: Vec<Label>,
    pipes: HashMap<Label, Vec<u64>>,
    pipe_order: Vec<Label>,
    messages: HashMap<u64, Vec<u64>>,
}

impl Index {
    fn build(records: &[TraceRecord]) -> Index {
        let mut index = Index::default();
        let mut tasks: Vec<&Label> = Vec::new();
        let mut ports: Vec<&Label> = Vec::new();
        let mut pipes: Vec<&Label> = Vec::new();
        for record in records {
            tasks.clear();
            ports.clear();
            pipes.clear();
            tasks.extend(record.task.as_ref());
            mentions(&record.event, &mut tasks, &mut ports);
            pipes.extend(pipe_of(&record.event));
            for pipe in pipes.iter() {
                let seqs = index.pipes.entry((*pipe).clone()).or_insert_with(|| {
                    index.pipe_order.push((*pipe).clone());
                    Vec::new()
                });
                if seqs.last() != Some(&record.seq) {
                    seqs.push(record.seq);
                }
            }
            for task in tasks.iter() {
                let seqs = index.tasks.entry((*task).clone()).or_insert_with(|| {
                    index.task_order.push((*task).clone());
                    Vec::new()
                });
                if seqs.last() != Some(&record.seq) {
                    seqs.push(record.seq);
                }
            }
            for port in ports.iter() {
                let seqs = index.ports.entry((*port).clone()).or_insert_with(|| {
                    index.port_order.push((*port).clone());
                    Vec::new()
                });
                if seqs.last() != Some(&record.seq) {
                    seqs.push(record.seq);
                }
            }
            if let Some(msg) = message_of(&record.event) {
                index.messages.entry(msg).or_default().push(record.seq);
            }
        }
        index
    }
}

/// The tasks and ports an event names in its own fields.
fn mentions<'a>(event: &'a Event, tasks: &mut Vec<&'a Label>, ports: &mut Vec<&'a Label>) {
    let carried = |ports: &mut Vec<&'a Label>, item: &'a TraceItem| {
        if let TraceItem::Port(c) = item {
            ports.extend(c.port.as_ref());
        }
    };
    match event {
        Event::TaskCreated {
            name,
            parent,
            kernel_port,
            notify_port,
            ..
        } => {
            tasks.push(name);
            tasks.extend(parent.as_ref());
            ports.extend([kernel_port, notify_port]);
        }
        Event::TaskStarted { name, .. }
        | Event::TaskWoken { name, .. }
        | Event::TaskExited { name, .. }
        | Event::TaskCrashed { name, .. }
        | Event::TaskKilled { name } => tasks.push(name),
        Event::SleepStarted { .. } | Event::KernelCall { .. } => {}
        Event::PortAllocated { port, receiver, .. } => {
            ports.push(port);
            tasks.extend(receiver.task());
        }
        Event::PortDestroyed { port, .. } | Event::CapacityChanged { port, .. } => ports.push(port),
        Event::ReceiverChanged { port, receiver } => {
            ports.push(port);
            tasks.extend(receiver.as_ref());
        }
        Event::PortSetAllocated { set, holder } => {
            ports.push(set);
            tasks.push(holder);
        }
        Event::PortSetDestroyed { set } => ports.push(set),
        Event::MemberAdded { port, set } | Event::MemberRemoved { port, set } => {
            ports.extend([port, set])
        }
        Event::RightChanged { holder, port, .. } => {
            tasks.push(holder);
            ports.push(port);
        }
        Event::NotificationRequested { port, notify, .. } => ports.extend([port, notify]),
        Event::MessageSent {
            port, reply, body, ..
        } => {
            ports.push(port);
            if let Some(reply) = reply {
                ports.extend(reply.port.as_ref());
            }
            for item in body {
                carried(ports, item);
            }
        }
        Event::MessageQueued { port, .. }
        | Event::MessageCached { port, .. }
        | Event::SendBlocked { port, .. }
        | Event::ReceiveBlocked { port, .. }
        | Event::MessageDestroyed { port, .. } => ports.push(port),
        Event::SendFailed { port, .. } | Event::ReceiveFailed { port, .. } => {
            ports.extend(port.as_ref())
        }
        Event::MessageReceived { port, receiver, .. } => {
            ports.push(port);
            tasks.extend(receiver.task());
        }
        Event::NotificationSent { about, .. } => ports.extend(about.as_ref()),
        Event::FaultApplied { kind, target } => {
            if *kind == FaultKind::Kill {
                tasks.push(target);
            } else {
                ports.push(target);
            }
        }
        // Memory objects and semaphores are ports (received by the kernel).
        Event::MemoryCreated { object, .. }
        | Event::MemoryMapped { object, .. }
        | Event::MemoryRead { object, .. }
        | Event::MemoryWritten { object, .. }
        | Event::MemoryUnmapped { object, .. }
        | Event::MemoryFreed { object }
        | Event::MemoryBytesRead { object, .. }
        | Event::MemoryBytesWritten { object, .. } => ports.push(object),
        Event::SemaphoreCreated { semaphore, .. }
        | Event::SemaphoreAcquired { semaphore, .. }
        | Event::SemaphoreBlocked { semaphore }
        | Event::SemaphoreSignalled { semaphore, .. }
        | Event::SemaphoreDestroyed { semaphore } => ports.push(semaphore),
        Event::PipeEndOpened { holder, .. } | Event::PipeEndClosed { holder, .. } => {
            tasks.push(holder)
        }
        Event::NamedPipeConnected { client, server, .. } => tasks.extend([client, server]),
        // LPC ports are not Mach ports: only the tasks an LPC event names.
        Event::LpcPortCreated { holder, .. }
        | Event::LpcPortClosed { holder, .. }
        | Event::LpcViewMapped { holder, .. } => tasks.push(holder),
        Event::LpcMessageParked { holder, .. } | Event::LpcReplySlot { holder, .. } => {
            tasks.push(holder)
        }
        Event::LpcMessageReceived { receiver, .. } => tasks.push(receiver),
        Event::LpcConnectionAccepted { client, .. }
        | Event::LpcConnectionCompleted { client, .. }
        | Event::LpcRequestDataCopied { client, .. } => tasks.push(client),
        Event::LpcMessageSent { .. }
        | Event::LpcMessageQueued { .. }
        | Event::LpcMessageDestroyed { .. }
        | Event::LpcWaitStarted { .. }
        | Event::LpcPortDisconnected { .. }
        | Event::LpcNameDeleted { .. }
        | Event::LpcPortDeleted { .. }
        | Event::LpcTerminatePortRegistered { .. } => {}
        Event::PipeCreated { .. }
        | Event::PipeWritten { .. }
        | Event::PipeRead { .. }
        | Event::PipeBlocked { .. }
        | Event::PipeDestroyed { .. }
        | Event::NamedPipeCreated { .. }
        | Event::NamedPipeWaiting { .. }
        | Event::NamedPipeOpened { .. }
        | Event::NamedPipeUnlinked { .. } => {}
    }
}

/// The pipe or named pipe (by path) an event is about.
pub fn pipe_of(event: &Event) -> Option<&Label> {
    match event {
        Event::PipeCreated { pipe, .. }
        | Event::PipeEndOpened { pipe, .. }
        | Event::PipeEndClosed { pipe, .. }
        | Event::PipeWritten { pipe, .. }
        | Event::PipeRead { pipe, .. }
        | Event::PipeBlocked { pipe, .. }
        | Event::PipeDestroyed { pipe } => Some(pipe),
        Event::NamedPipeCreated { path, .. }
        | Event::NamedPipeWaiting { path, .. }
        | Event::NamedPipeOpened { path, .. }
        | Event::NamedPipeConnected { path, .. }
        | Event::NamedPipeUnlinked { path } => Some(path),
        _ => None,
    }
}

/// The message an event is about.
pub fn message_of(event: &Event) -> Option<u64> {
    match event {
        Event::MessageSent { msg, .. }
        | Event::MessageQueued { msg, .. }
        | Event::MessageCached { msg, .. }
        | Event::SendBlocked { msg, .. }
        | Event::MessageReceived { msg, .. }
        | Event::MessageDestroyed { msg, .. }
        | Event::NotificationSent { msg, .. } => Some(*msg),
        _ => None,
    }
}

/// A whole trace, with checkpoints, for reaching the state after any event fast.
#[derive(Debug)]
pub struct Stepper {
    header: TraceHeader,
    records: Vec<TraceRecord>,
    checkpoints: Checkpoints,
    last: State,
    index: OnceLock<Index>,
}

impl Stepper {
    /// Folds the trace once, keeping a checkpoint every [`default_spacing`] events.
    pub fn new(trace: Trace) -> Stepper {
        let spacing = default_spacing(trace.records.len());
        Stepper::with_spacing(trace, spacing)
    }

    /// Folds the trace once, keeping a checkpoint every `spacing` events.
    pub fn with_spacing(trace: Trace, spacing: u64) -> Stepper {
        let (checkpoints, last) = Checkpoints::build(&trace.records, spacing);
        Stepper {
            header: trace.header,
            records: trace.records,
            checkpoints,
            last,
            index: OnceLock::new(),
        }
    }

    /// The trace's header (scenario, seed, schedule).
    pub fn header(&self) -> &TraceHeader {
        &self.header
    }

    /// Every event, in order (`records()[k - 1]` is event `k`).
    pub fn records(&self) -> &[TraceRecord] {
        &self.records
    }

    /// The number of the last event (0 for a trace without events).
    pub fn last_seq(&self) -> u64 {
        self.records.len() as u64
    }

    /// Event `k` (1-based), if the trace has it.
    pub fn record(&self, k: u64) -> Option<&TraceRecord> {
        let i = usize::try_from(k.checked_sub(1)?).ok()?;
        self.records.get(i)
    }

    /// The checkpoints.
    pub fn checkpoints(&self) -> &Checkpoints {
        &self.checkpoints
    }

    /// The state after event `k` (0: before any event): the nearest checkpoint at or
    /// before `k`, then the events after it.
    ///
    /// # Errors
    /// [`BeyondEnd`] if the trace has fewer than `k` events.
    pub fn state_at(&self, k: u64) -> Result<State, BeyondEnd> {
        let last = self.last_seq();
        if k > last {
            return Err(BeyondEnd { asked: k, last });
        }
        if k == last {
            return Ok(self.last.clone());
        }
        let (from, checkpoint) = self.checkpoints.at_or_before(k);
        let mut state = checkpoint.clone();
        self.fold_to(&mut state, from, k);
        Ok(state)
    }

    /// The state after the last event.
    pub fn final_state(&self) -> &State {
        &self.last
    }

    /// Applies events `from + 1..=k` to `state`, the state after event `from`.
    fn fold_to(&self, state: &mut State, from: u64, k: u64) {
        let from = usize::try_from(from).unwrap_or(usize::MAX);
        let to = usize::try_from(k)
            .unwrap_or(usize::MAX)
            .min(self.records.len());
        for record in self.records.get(from..to).unwrap_or(&[]) {
            state.apply(record);
        }
    }

    /// A cursor before the first event.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor {
            stepper: self,
            position: 0,
            state: State::new(),
        }
    }

    /// A cursor after event `k`.
    ///
    /// # Errors
    /// [`BeyondEnd`] if the trace has fewer than `k` events.
    pub fn cursor_at(&self, k: u64) -> Result<Cursor<'_>, BeyondEnd> {
        Ok(Cursor {
            stepper: self,
            position: k,
            state: self.state_at(k)?,
        })
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::build(&self.records))
    }

    /// Every task the trace names, in the order it first appears.
    pub fn task_names(&self) -> &[Label] {
        &self.index().task_order
    }

    /// Every port and set label the trace names, in the order it first appears.
    pub fn port_labels(&self) -> &[Label] {
        &self.index().port_order
    }

    /// The events that name task `name` (as the cause or in a field), in order.
    pub fn task_events(&self, name: &str) -> &[u64] {
        self.index().tasks.get(name).map_or(&[], Vec::as_slice)
    }

    /// The events that name port or set `label` (a carried right included), in order.
    pub fn port_events(&self, label: &str) -> &[u64] {
        self.index().ports.get(label).map_or(&[], Vec::as_slice)
    }

    /// Every pipe label and named-pipe path the trace names, in the order it first
    /// appears.
    pub fn pipe_labels(&self) -> &[Label] {
        &self.index().pipe_order
    }

    /// The events about pipe `label` or the named pipe at path `label`, in order.
    pub fn pipe_events(&self, label: &str) -> &[u64] {
        self.index().pipes.get(label).map_or(&[], Vec::as_slice)
    }

    /// Message `msg` as its `message_sent` event sent it (header and body), whether
    /// or not it is still in the kernel; `None` if the trace never sends it.
    pub fn sent_message(&self, msg: u64) -> Option<Message> {
        self.message_events(msg)
            .iter()
            .filter_map(|k| self.record(*k))
            .find_map(|r| Message::entering(r.seq, r.t_ns, r.task.as_ref(), &r.event))
    }

    /// The events about message `msg`, from its `notification_sent` or
    /// `message_sent` to its end, in order.
    pub fn message_events(&self, msg: u64) -> &[u64] {
        self.index().messages.get(&msg).map_or(&[], Vec::as_slice)
    }

    /// The first event after `after` that names task `name`.
    pub fn next_task_event(&self, name: &str, after: u64) -> Option<u64> {
        next_in(self.task_events(name), after)
    }

    /// The last event before `before` that names task `name`.
    pub fn prev_task_event(&self, name: &str, before: u64) -> Option<u64> {
        prev_in(self.task_events(name), before)
    }

    /// The first event after `after` that names port or set `label`.
    pub fn next_port_event(&self, label: &str, after: u64) -> Option<u64> {
        next_in(self.port_events(label), after)
    }

    /// The last event before `before` that names port or set `label`.
    pub fn prev_port_event(&self, label: &str, before: u64) -> Option<u64> {
        prev_in(self.port_events(label), before)
    }

    /// The first event after `after` about message `msg`.
    pub fn next_message_event(&self, msg: u64, after: u64) -> Option<u64> {
        next_in(self.message_events(msg), after)
    }

    /// The last event before `before` about message `msg`.
    pub fn prev_message_event(&self, msg: u64, before: u64) -> Option<u64> {
        prev_in(self.message_events(msg), before)
    }

    /// The first event after `after` for which `matches` holds.
    pub fn find_next(&self, after: u64, matches: impl Fn(&TraceRecord) -> bool) -> Option<u64> {
        let from = usize::try_from(after).unwrap_or(usize::MAX);
        self.records
            .get(from..)?
            .iter()
            .find(|r| matches(r))
            .map(|r| r.seq)
    }

    /// The last event before `before` for which `matches` holds.
    pub fn find_prev(&self, before: u64, matches: impl Fn(&TraceRecord) -> bool) -> Option<u64> {
        let to = usize::try_from(before.saturating_sub(1))
            .unwrap_or(usize::MAX)
            .min(self.records.len());
        self.records[..to]
            .iter()
            .rev()
            .find(|r| matches(r))
            .map(|r| r.seq)
    }

    /// What became of message `msg` by event `k`, from its own events.
    pub fn message_status_at(&self, msg: u64, k: u64) -> MessageStatus {
        let events = self.message_events(msg);
        let upto = events.partition_point(|s| *s <= k);
        for &seq in events[..upto].iter().rev() {
            let Some(record) = self.record(seq) else {
                continue;
            };
            let place = match &record.event {
                Event::NotificationSent { .. } => continue,
                Event::MessageSent { .. } => Place::Entering,
                Event::MessageQueued { port, .. } => Place::Queued {
                    port: port.clone(),
                    forced: false,
                },
                Event::MessageCached { port, .. } => Place::Queued {
                    port: port.clone(),
                    forced: true,
                },
                Event::SendBlocked { port, .. } => Place::HeldBySender {
                    task: record.task.clone().unwrap_or_else(|| Label::from("?")),
                    port: port.clone(),
                },
                Event::MessageReceived {
                    port,
                    receiver,
                    seqno,
                    pseudo,
                    ..
                } => {
                    return if *pseudo {
                        MessageStatus::HandedBack {
                            to: receiver.clone(),
                            at: seq,
                        }
                    } else {
                        MessageStatus::Received {
                            by: receiver.clone(),
                            port: port.clone(),
                            seqno: *seqno,
                            at: seq,
                        }
                    };
                }
                Event::MessageDestroyed { port, reason, .. } => {
                    return MessageStatus::Destroyed {
                        port: port.clone(),
                        reason: *reason,
                        at: seq,
                    };
                }
                _ => continue,
            };
            return MessageStatus::InKernel { place };
        }
        MessageStatus::NotSent
    }
}

fn next_in(seqs: &[u64], after: u64) -> Option<u64> {
    seqs.get(seqs.partition_point(|s| *s <= after)).copied()
}

fn prev_in(seqs: &[u64], before: u64) -> Option<u64> {
    let at = seqs.partition_point(|s| *s < before);
    at.checked_sub(1).map(|i| seqs[i])
}

/// A position in a trace and the state there, for stepping one event at a time.
#[derive(Clone, Debug)]
pub struct Cursor<'a> {
    stepper: &'a Stepper,
    position: u64,
    state: State,
}

impl<'a> Cursor<'a> {
    /// The number of the last event applied (0 before any).
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The state after the current event.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The current event (`None` before the first).
    pub fn event(&self) -> Option<&'a TraceRecord> {
        self.stepper.record(self.position())
    }

    /// Applies the next event; false at the end of the trace.
    pub fn forward(&mut self) -> bool {
        match self.stepper.record(self.position() + 1) {
            Some(record) => {
                self.state.apply(record);
                self.position += 1;
                true
            }
            None => false,
        }
    }

    /// Goes back one event (a checkpoint and at most K - 1 folds); false at event 0.
    pub fn backward(&mut self) -> bool {
        match self.position().checked_sub(1) {
            Some(k) => self.seek(k).is_ok(),
            None => false,
        }
    }

    /// Moves to the state after event `k`: forward by folding when `k` is ahead and
    /// no checkpoint is nearer, otherwise from the nearest checkpoint.
    ///
    /// # Errors
    /// [`BeyondEnd`] if the trace has fewer than `k` events; the cursor stays.
    pub fn seek(&mut self, k: u64) -> Result<(), BeyondEnd> {
        let here = self.position();
        let spacing = self.stepper.checkpoints.spacing();
        if k >= here && k - here < spacing && k <= self.stepper.last_seq() {
            self.stepper.fold_to(&mut self.state, here, k);
        } else {
            self.state = self.stepper.state_at(k)?;
        }
        self.position = k;
        Ok(())
    }

    /// Moves to the state after the last event.
    pub fn to_end(&mut self) {
        self.state = self.stepper.final_state().clone();
        self.position = self.stepper.last_seq();
    }

    /// Moves to the state before any event.
    pub fn to_start(&mut self) {
        self.state = State::new();
        self.position = 0;
    }
}
