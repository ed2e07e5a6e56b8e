//! The fold of the LPC service's events: LPC ports (their connections, queues,
//! receivers and reply chains), the LPC messages still in the kernel, each task's
//! reply slot, and the LPC handles and waits of tasks.
//!
//! An LPC call is traced as a request to the task's kernel port, the service's
//! events, then its `kernel_call` (a call that waits has its `lpc_wait_started`,
//! and its `task_woken` before the `kernel_call`). The events say everything the
//! fold needs: a port's other end comes with the communication port's creation
//! (`peer`), a reply chain with each `lpc_reply_slot`, a queue's waiters with each
//! receive's `lpc_wait_started`.

use super::registry::Registry;
use super::services::MemoryAccess;
use super::{Handle, Label, ServiceWait, State, TaskStatus};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use trace::{
    ClientId, CopyDirection, DataEntry, Event, EventKind, HexBytes, LpcMessageType, LpcPortKind,
    LpcWaitKind,
};

/// A live LPC port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LpcPort {
    /// Its label.
    pub label: Label,
    /// The event that made it.
    pub created_at: u64,
    /// `connection`, `communication` or `client`.
    pub kind: LpcPortKind,
    /// A connection port's NT name.
    pub name: Option<Label>,
    /// The task whose handle names it, and the handle, until it is closed.
    pub holder: Option<(Label, u32)>,
    /// The connection port it belongs to (itself for a connection port), until
    /// the connection is broken.
    pub connection: Option<Label>,
    /// The other end of its connection.
    pub connected: Option<Label>,
    /// A communication port's context.
    pub context: u64,
    /// True once a connection port's name was deleted.
    pub name_deleted: bool,
    /// Its longest message, header included.
    pub max_message_length: u16,
    /// The queued messages (`msg`), oldest first.
    pub queue: VecDeque<u64>,
    /// Tasks blocked receiving on its queue, first come first served.
    pub receivers: Vec<Label>,
    /// Tasks waiting for a reply through it, in the order they joined.
    pub reply_chain: Vec<Label>,
}

/// Where an LPC message that is still in the kernel is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "where", rename_all = "snake_case")]
pub enum LpcPlace {
    /// Just sent: its next event says where it goes.
    Entering,
    /// In `queue`'s queue.
    Queued {
        /// The port whose queue holds it.
        queue: Label,
    },
    /// Parked in `task`'s reply slot.
    Parked {
        /// The task.
        task: Label,
    },
}

/// An LPC message still in the kernel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LpcMessage {
    /// Its number, shared with the Mach messages'.
    pub msg: u64,
    /// The event that sent it.
    pub sent_at: u64,
    /// The task that sent it (`None` for one the kernel made).
    pub sender: Option<Label>,
    /// `Type`.
    pub message_type: LpcMessageType,
    /// `MessageId`.
    pub message_id: u32,
    /// `CallbackId`.
    pub callback_id: u32,
    /// `ClientId`.
    pub client_id: ClientId,
    /// The port it was sent through.
    pub port: Label,
    /// `DataLength`.
    pub data_length: u16,
    /// `TotalLength`.
    pub total_length: u16,
    /// Its data (lower-case hex in JSON).
    pub data: HexBytes,
    /// Its data information.
    pub data_entries: Vec<DataEntry>,
    /// The context its receiver gets.
    pub context: u64,
    /// Where it is.
    pub place: LpcPlace,
}

/// A task's LPC reply slot, as the trace tells it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ReplySlot {
    /// The message id it waits to be answered on (0: none).
    pub message_id: u32,
    /// The port whose reply chain it is on.
    pub chain: Option<Label>,
    /// The message parked in it (`msg`).
    pub parked: Option<u64>,
    /// The ports it registered for its end, newest first.
    pub terminate_ports: Vec<Label>,
}

impl ReplySlot {
    /// True when it holds nothing and the task registered no port.
    pub fn is_empty(&self) -> bool {
        *self == ReplySlot::default()
    }
}

/// The LPC part of the state.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Lpc {
    /// Live ports, in creation order.
    ports: Registry<LpcPort>,
    /// Messages still in the kernel, by number.
    messages: BTreeMap<u64, Arc<LpcMessage>>,
    /// Reply slots, by task.
    slots: BTreeMap<Label, ReplySlot>,
}

impl State {
    /// Every live LPC port, in creation order.
    pub fn lpc_ports(&self) -> impl Iterator<Item = &LpcPort> + '_ {
        self.lpc.ports.iter()
    }

    /// The live LPC port labelled `label`.
    pub fn lpc_port(&self, label: &str) -> Option<&LpcPort> {
        self.lpc.ports.get(label)
    }

    /// Every LPC message still in the kernel (queued, parked, or just sent), by number.
    pub fn lpc_messages(&self) -> impl Iterator<Item = &LpcMessage> + '_ {
        self.lpc.messages.values().map(|m| &**m)
    }

    /// LPC message `msg`, if it is still in the kernel.
    pub fn lpc_message(&self, msg: u64) -> Option<&LpcMessage> {
        self.lpc.messages.get(&msg).map(|m| &**m)
    }

    /// `task`'s reply slot (empty for a task that never met LPC).
    pub fn reply_slot(&self, task: &str) -> ReplySlot {
        self.lpc.slots.get(task).cloned().unwrap_or_default()
    }

    /// The tasks whose reply slots hold something, with their slots.
    pub fn reply_slots(&self) -> impl Iterator<Item = (&Label, &ReplySlot)> + '_ {
        self.lpc.slots.iter().filter(|(_, s)| !s.is_empty())
    }

    fn lpc_port_mut(&mut self, seq: u64, label: &str) -> Option<&mut LpcPort> {
        self.lpc
            .ports
            .expect_mut(label, seq, &mut self.inconsistencies, || {
                format!("LPC port {label} is not alive")
            })
    }

    fn lpc_slot(&mut self, task: &Label) -> &mut ReplySlot {
        self.lpc.slots.entry(task.clone()).or_default()
    }

    /// A task stops waiting in LPC (woken, or ended): it leaves the queue it
    /// waited on, if the kernel has not taken it out already.
    pub(super) fn leave_lpc_wait(&mut self, task: &str, port: &Label) {
        let is = |r: &Label| &**r == task;
        self.lpc.ports.change_if(
            port,
            |p| p.receivers.iter().any(is),
            |p| p.receivers.retain(|r| !is(r)),
        );
    }

    /// A task ended: its registrations go with it (the kernel drops them last).
    pub(super) fn lpc_task_ended(&mut self, task: &str) {
        if let Some(slot) = self.lpc.slots.get_mut(task) {
            slot.terminate_ports.clear();
        }
    }

    /// Takes a live message out of wherever it is; `None` (and an inconsistency)
    /// if it is not in the kernel.
    fn lpc_take_message(&mut self, seq: u64, msg: u64, what: &str) -> Option<LpcMessage> {
        let Some(m) = self.lpc.messages.remove(&msg) else {
            self.inconsistent(
                seq,
                format!("LPC message {msg} {what} but it is not in the kernel"),
            );
            return None;
        };
        match &m.place {
            LpcPlace::Entering => {}
            LpcPlace::Queued { queue } => {
                if let Some(p) = self.lpc.ports.get_mut(queue) {
                    p.queue.retain(|q| *q != msg);
                }
            }
            LpcPlace::Parked { task } => {
                let task = task.clone();
                let slot = self.lpc_slot(&task);
                if slot.parked == Some(msg) {
                    slot.parked = None;
                }
            }
        }
        Some(Arc::unwrap_or_clone(m))
    }

    /// Puts a message back, somewhere new.
    fn lpc_place(&mut self, mut m: LpcMessage, place: LpcPlace) {
        m.place = place;
        self.lpc.messages.insert(m.msg, Arc::new(m));
    }

    pub(super) fn apply_lpc(&mut self, seq: u64, now: u64, actor: Option<&Label>, event: &Event) {
        match event {
            Event::LpcPortCreated {
                port,
                kind,
                name,
                connection,
                peer,
                holder,
                handle,
                context,
                max_message_length,
            } => {
                if let Some(peer) = peer
                    && let Some(p) = self.lpc_port_mut(seq, peer)
                {
                    p.connected = Some(port.clone());
                }
                self.lpc.ports.insert_new(
                    port.clone(),
                    seq,
                    LpcPort {
                        label: port.clone(),
                        created_at: seq,
                        kind: *kind,
                        name: name.clone(),
                        holder: Some((holder.clone(), *handle)),
                        connection: Some(connection.clone()),
                        connected: peer.clone(),
                        context: *context,
                        name_deleted: false,
                        max_message_length: *max_message_length,
                        queue: VecDeque::new(),
                        receivers: Vec::new(),
                        reply_chain: Vec::new(),
                    },
                    &mut self.inconsistencies,
                    || format!("LPC port {port} is made a second time"),
                );
                self.open_handle(seq, holder, *handle, Handle::LpcPort { port: port.clone() });
            }
            Event::LpcMessageSent {
                msg,
                message_type,
                message_id,
                callback_id,
                client_id,
                port,
                data_length,
                total_length,
                data,
                data_entries,
                context,
                ..
            } => {
                if self.lpc.messages.contains_key(msg) {
                    self.inconsistent(seq, format!("LPC message {msg} is sent a second time"));
                }
                let m = LpcMessage {
                    msg: *msg,
                    sent_at: seq,
                    sender: actor.cloned(),
                    message_type: *message_type,
                    message_id: *message_id,
                    callback_id: *callback_id,
                    client_id: *client_id,
                    port: port.clone(),
                    data_length: *data_length,
                    total_length: *total_length,
                    data: data.clone(),
                    data_entries: data_entries.clone(),
                    context: *context,
                    place: LpcPlace::Entering,
                };
                self.lpc.messages.insert(*msg, Arc::new(m));
            }
            Event::LpcMessageQueued { msg, queue, depth } => {
                let Some(m) = self.lpc_take_message(seq, *msg, "is queued") else {
                    return;
                };
                let Some(p) = self.lpc_port_mut(seq, queue) else {
                    return;
                };
                p.queue.push_back(*msg);
                let len = p.queue.len();
                self.lpc_place(
                    m,
                    LpcPlace::Queued {
                        queue: queue.clone(),
                    },
                );
                if len != *depth as usize {
                    self.inconsistent(
                        seq,
                        format!("LPC message {msg} is queued on {queue} at depth {depth}, but the queue holds {len}"),
                    );
                }
            }
            Event::LpcMessageParked { msg, holder: task } => {
                let Some(m) = self.lpc_take_message(seq, *msg, "is parked") else {
                    return;
                };
                self.lpc_slot(task).parked = Some(*msg);
                self.lpc_place(m, LpcPlace::Parked { task: task.clone() });
            }
            Event::LpcMessageReceived {
                msg,
                queue,
                receiver,
                ..
            } => {
                if let Some(queue) = queue {
                    self.leave_lpc_wait(receiver, queue);
                }
                if !self.tasks.contains(receiver) {
                    self.inconsistent(
                        seq,
                        format!(
                            "LPC message {msg} is received by {receiver}, which does not exist"
                        ),
                    );
                }
                self.lpc_take_message(seq, *msg, "is received");
            }
            Event::LpcMessageDestroyed { msg, .. } => {
                self.lpc_take_message(seq, *msg, "is destroyed");
            }
            Event::LpcReplySlot {
                holder: task,
                message_id,
                chain,
            } => {
                let old = self.lpc_slot(task).chain.clone();
                if old != *chain {
                    if let Some(p) = old.and_then(|old| self.lpc.ports.get_mut(&old)) {
                        p.reply_chain.retain(|t| t != task);
                    }
                    if let Some(new) = chain
                        && let Some(p) = self.lpc_port_mut(seq, new)
                    {
                        p.reply_chain.push(task.clone());
                    }
                }
                let slot = self.lpc_slot(task);
                slot.message_id = *message_id;
                slot.chain = chain.clone();
            }
            Event::LpcWaitStarted {
                kind,
                port,
                message_id,
                ..
            } => {
                let Some(task) = self.actor(seq, actor, EventKind::LpcWaitStarted) else {
                    return;
                };
                self.expect_ready(seq, &task, "waits in LPC");
                if matches!(kind, LpcWaitKind::Receive | LpcWaitKind::Listen)
                    && let Some(p) = self.lpc_port_mut(seq, port)
                {
                    p.receivers.push(task.clone());
                }
                if let Some(t) = self.task_mut(seq, &task) {
                    t.status = TaskStatus::BlockedService {
                        wait: ServiceWait::Lpc {
                            kind: *kind,
                            port: port.clone(),
                            message_id: *message_id,
                        },
                        since_ns: now,
                    };
                }
            }
            Event::LpcRequestDataCopied {
                direction,
                object,
                offset,
                data,
                ..
            } => {
                let access = MemoryAccess {
                    offset: *offset,
                    bytes: &data.0,
                    write: *direction == CopyDirection::Write,
                    shown: format!("{} bytes of request data", data.0.len()),
                };
                self.memory_access(seq, object, &access);
            }
            Event::LpcPortDisconnected { port } => {
                if let Some(p) = self.lpc_port_mut(seq, port) {
                    p.connected = None;
                    if p.kind != LpcPortKind::Connection {
                        p.connection = None;
                    }
                }
            }
            Event::LpcNameDeleted { port, .. } => {
                if let Some(p) = self.lpc_port_mut(seq, port) {
                    p.name_deleted = true;
                }
            }
            Event::LpcPortClosed {
                port,
                holder,
                handle,
            } => {
                if let Some(p) = self.lpc_port_mut(seq, port) {
                    p.holder = None;
                }
                self.close_handle(seq, holder, *handle, None);
            }
            Event::LpcPortDeleted { port } => {
                let Some(p) = self.lpc.ports.remove(port) else {
                    self.inconsistent(
                        seq,
                        format!("LPC port {port} is deleted but it is not alive"),
                    );
                    return;
                };
                if !p.queue.is_empty() {
                    self.inconsistent(
                        seq,
                        format!(
                            "LPC port {port} is deleted with {} messages queued",
                            p.queue.len()
                        ),
                    );
                }
            }
            Event::LpcTerminatePortRegistered { port } => {
                let Some(task) = self.actor(seq, actor, EventKind::LpcTerminatePortRegistered)
                else {
                    return;
                };
                self.lpc_slot(&task).terminate_ports.insert(0, port.clone());
            }
            // What these say, the other events show in the state.
            Event::LpcConnectionAccepted { .. }
            | Event::LpcConnectionCompleted { .. }
            | Event::LpcViewMapped { .. } => {}
            _ => {}
        }
    }
}
