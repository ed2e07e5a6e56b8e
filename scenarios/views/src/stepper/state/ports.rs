//! Ports: who receives from each, its queue limit, its queue and blocked senders,
//! and why the dead ones died.

use super::State;
use super::notifications::Request;
use ports::QueueLimit;
use serde::{Serialize, Serializer};
use std::collections::VecDeque;
use trace::{Label, PortDestroyReason, Receiver};

/// A receiver in a state's JSON: the task's name, `"kernel"`, or `null` while the
/// receive right is in transit (the `--at` JSON has always said so, where the
/// trace says `none`).
fn receiver_json<S: Serializer>(receiver: &Receiver, serializer: S) -> Result<S::Ok, S::Error> {
    match receiver {
        Receiver::InTransit => serializer.serialize_none(),
        other => serializer.serialize_str(other.as_str()),
    }
}

/// A task blocked sending to a port, and the message it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockedSender {
    /// The task.
    pub task: Label,
    /// The message it holds.
    pub msg: u64,
}

/// A live port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Port {
    /// Its unique label (or its kernel id, `p5`, if it was allocated without one).
    pub label: Label,
    /// The event that allocated it.
    pub created_at: u64,
    /// Who holds its receive right: a task, the kernel (a task's kernel port, a
    /// service object's port), or nobody while the right is in transit.
    #[serde(serialize_with = "receiver_json")]
    pub receiver: Receiver,
    /// Its queue limit (in JSON a number or `unbounded`, as text).
    pub capacity: QueueLimit,
    /// The messages queued, oldest first.
    pub queue: VecDeque<u64>,
    /// The set it is in.
    pub set: Option<Label>,
    /// Tasks blocked sending to it, first come first served.
    pub blocked_senders: Vec<BlockedSender>,
    /// Notification requests registered about it and not yet fired.
    pub requests: Vec<Request>,
}

/// A port that died.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeadPort {
    /// Its label.
    pub label: Label,
    /// The event that allocated it.
    pub created_at: u64,
    /// The event that destroyed it.
    pub died_at: u64,
    /// When it died.
    pub died_ns: u64,
    /// Why: `destroyed`, `receiver_ended`, `task_ended`, `fault`, …
    pub reason: PortDestroyReason,
    /// Who held its receive right when it died.
    #[serde(serialize_with = "receiver_json")]
    pub receiver: Receiver,
}

impl State {
    pub(super) fn port_allocated(
        &mut self,
        seq: u64,
        port: &Label,
        receiver: &Receiver,
        capacity: QueueLimit,
    ) {
        if self.ports.contains(port) || self.sets.contains(port) {
            self.inconsistent(seq, format!("port {port} is allocated a second time"));
        }
        if let Receiver::Task(task) = receiver
            && !self.tasks.contains(task)
        {
            self.inconsistent(
                seq,
                format!("port {port} is allocated to task {task}, which does not exist"),
            );
        }
        self.ports.insert(
            port.clone(),
            seq,
            Port {
                label: port.clone(),
                created_at: seq,
                receiver: receiver.clone(),
                capacity,
                queue: VecDeque::new(),
                set: None,
                blocked_senders: Vec::new(),
                requests: Vec::new(),
            },
        );
    }

    pub(super) fn port_destroyed(
        &mut self,
        seq: u64,
        now: u64,
        port: &Label,
        reason: PortDestroyReason,
    ) {
        let Some(dead) = self.ports.remove(port) else {
            self.inconsistent(seq, format!("port {port} dies but it is not alive"));
            return;
        };
        if let Some(set) = &dead.set {
            self.leave_set(port, set);
        }
        self.dead_ports.push(DeadPort {
            label: dead.label.clone(),
            created_at: dead.created_at,
            died_at: seq,
            died_ns: now,
            reason,
            receiver: dead.receiver.clone(),
        });
    }

    pub(super) fn receiver_changed(&mut self, seq: u64, port: &Label, receiver: Option<&Label>) {
        let receiver = match receiver {
            Some(task) => {
                if !self.tasks.contains(task) {
                    self.inconsistent(
                        seq,
                        format!(
                            "the receive right of {port} goes to task {task}, which does not exist"
                        ),
                    );
                }
                Receiver::Task(task.clone())
            }
            None => Receiver::InTransit,
        };
        if let Some(p) = self.port_mut(seq, port) {
            p.receiver = receiver;
        }
    }

    pub(super) fn capacity_changed(&mut self, seq: u64, port: &Label, capacity: QueueLimit) {
        if let Some(p) = self.port_mut(seq, port) {
            p.capacity = capacity;
        }
    }

    /// The live port `label`, to change it; an inconsistency if it is not alive.
    pub(super) fn port_mut(&mut self, seq: u64, label: &str) -> Option<&mut Port> {
        if !self.ports.contains(label) {
            self.inconsistent(seq, format!("port {label} is not alive"));
        }
        self.ports.get_mut(label)
    }

    /// `task` uses `port` as its direct mailbox: a message sent to it by name
    /// arrives there, or it receives there without holding a name for it (every
    /// other receive right is held under a name). The trace has no field for a
    /// mailbox; this is how it shows one.
    pub(super) fn note_mailbox(&mut self, task: &Label, port: &Label) {
        let unknown = self
            .task(task)
            .is_some_and(|t| t.mailbox.as_ref() != Some(port));
        if unknown && let Some(t) = self.tasks.get_mut(task) {
            t.mailbox = Some(port.clone());
            self.own_ports.insert(port.clone(), task.clone());
        }
    }

    /// `task` receives on `port`: if it holds no name for the port and receives
    /// its messages, the port is its direct mailbox.
    pub(super) fn note_receive_on(&mut self, task: &Label, port: &Label) {
        let Some(t) = self.task(task) else {
            return;
        };
        if t.mailbox.as_ref() == Some(port) {
            return;
        }
        let unnamed = !t.space.values().any(|e| e.object == *port);
        if unnamed
            && self
                .port(port)
                .is_some_and(|p| p.receiver.task() == Some(task))
        {
            self.note_mailbox(task, port);
        }
    }
}
