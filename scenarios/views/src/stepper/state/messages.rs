//! Messages: from their send to their end, where each is (entering, queued on a
//! port, held by a blocked sender), and the sends and receives that move them.

use super::notifications::Notification;
use super::{State, TaskStatus};
use ports::RightKind;
use serde::Serialize;
use std::sync::Arc;
use trace::{CarriedRight, Event, EventKind, Label, MessageOrigin, Receiver, TraceItem};

/// Where a message that is still in the kernel is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "where", rename_all = "snake_case")]
pub enum Place {
    /// Just sent: its next event says where it goes (seen only between the two).
    Entering,
    /// In `port`'s queue; `forced` when the kernel cache put it beyond the limit.
    Queued {
        /// The port.
        port: Label,
        /// Queued by `message_cached`.
        forced: bool,
    },
    /// Held by `task`, blocked sending it to `port`.
    HeldBySender {
        /// The blocked sender.
        task: Label,
        /// The full port.
        port: Label,
    },
}

/// A message still in the kernel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    /// Its number, unique in the run.
    pub msg: u64,
    /// The event that sent it.
    pub sent_at: u64,
    /// When it was sent.
    pub sent_ns: u64,
    /// The task that sent it (`None` for a kernel notification).
    pub sender: Option<Label>,
    /// Its destination port.
    pub port: Label,
    /// `msgh_id`.
    pub id: i32,
    /// `msgh_size`.
    pub size: u32,
    /// The right it was sent to: `send` or `send_once`.
    pub dest_right: RightKind,
    /// The reply right it carries.
    pub reply: Option<CarriedRight>,
    /// Its body.
    pub body: Arc<[TraceItem]>,
    /// `notification`, `direct`, or `None` for a task's message.
    pub kind: Option<MessageOrigin>,
    /// For a kernel notification: which, and the port it is about.
    #[serde(skip)]
    pub notification: Option<Notification>,
    /// True when it was sent to a port the kernel receives from: a request to a
    /// kernel port (a kernel-port operation, a service call), or a message to a
    /// service object's port.
    #[serde(skip)]
    pub to_kernel: bool,
    /// Where it is.
    pub place: Place,
}

impl Message {
    /// The message a `message_sent` event (`event`, number `seq`, at `now`, by
    /// `actor`) sends, as it enters the kernel; `None` for any other event. A
    /// notification's sender is the kernel, whichever task's call made it. The fold
    /// fills in what the event alone does not tell (`notification`, `to_kernel`).
    pub fn entering(seq: u64, now: u64, actor: Option<&Label>, event: &Event) -> Option<Message> {
        let Event::MessageSent {
            msg,
            port,
            id,
            size,
            dest_right,
            reply,
            body,
            kind,
        } = event
        else {
            return None;
        };
        let sender = if *kind == Some(MessageOrigin::Notification) {
            None
        } else {
            actor.cloned()
        };
        Some(Message {
            msg: *msg,
            sent_at: seq,
            sent_ns: now,
            sender,
            port: port.clone(),
            id: *id,
            size: *size,
            dest_right: *dest_right,
            reply: reply.clone(),
            body: Arc::from(body.as_slice()),
            kind: *kind,
            notification: None,
            to_kernel: false,
            place: Place::Entering,
        })
    }
}

impl State {
    /// A `message_sent` (`event`): the message enters the kernel.
    pub(super) fn message_sent(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        event: &Event,
    ) {
        let Some(mut message) = Message::entering(seq, now, actor, event) else {
            return;
        };
        let (msg, kind) = (message.msg, message.kind);
        let port = &message.port;
        if let Some(sender) = &message.sender {
            self.count_call(seq, sender);
            self.expect_ready(seq, sender, "sends");
        }
        if kind == Some(MessageOrigin::Notification) {
            message.notification = self.fulfil_request(seq, msg, port);
        }
        if kind == Some(MessageOrigin::Direct)
            && let Some(receiver) = self.port(port).and_then(|p| p.receiver.task().cloned())
        {
            self.note_mailbox(&receiver, port);
        }
        message.to_kernel = self
            .port(port)
            .is_some_and(|p| p.receiver == Receiver::Kernel);
        if self.messages.contains_key(&msg) {
            self.inconsistent(seq, format!("message {msg} is sent a second time"));
            self.remove_message(seq, msg, "is sent again");
        }
        self.messages.insert(msg, Arc::new(message));
    }

    /// A message goes into `port`'s queue (`forced`: beyond its limit, by the
    /// kernel cache), leaving `depth` messages there.
    pub(super) fn message_queued(
        &mut self,
        seq: u64,
        msg: u64,
        port: &Label,
        depth: u32,
        forced: bool,
    ) {
        let what = if forced { "is cached" } else { "is queued" };
        if !self.take_message(seq, msg, what) {
            return;
        }
        let Some(p) = self.port_mut(seq, port) else {
            return;
        };
        p.queue.push_back(msg);
        let len = p.queue.len();
        self.place_message(
            msg,
            Place::Queued {
                port: port.clone(),
                forced,
            },
        );
        if len != depth as usize {
            self.inconsistent(
                seq,
                format!(
                    "message {msg} is queued on {port} at depth {depth}, but the queue holds {len}"
                ),
            );
        }
    }

    pub(super) fn send_blocked(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        msg: u64,
        port: &Label,
    ) {
        let Some(task) = self.actor(seq, actor, EventKind::SendBlocked) else {
            return;
        };
        self.expect_ready(seq, &task, "blocks sending");
        if !self.take_message(seq, msg, "blocks its sender") {
            return;
        }
        self.place_message(
            msg,
            Place::HeldBySender {
                task: task.clone(),
                port: port.clone(),
            },
        );
        if let Some(p) = self.port_mut(seq, port) {
            p.blocked_senders.push(super::BlockedSender {
                task: task.clone(),
                msg,
            });
        }
        if let Some(t) = self.task_mut(seq, &task) {
            t.status = TaskStatus::BlockedSend {
                msg,
                port: port.clone(),
                since_ns: now,
            };
        }
    }

    pub(super) fn send_failed(&mut self, seq: u64, actor: Option<&Label>, code: ports::ReturnCode) {
        let Some(task) = self.actor(seq, actor, EventKind::SendFailed) else {
            return;
        };
        // A send refused before its message entered opens a call; one whose
        // message entered (or whose wait ran out) ends the call that sent it.
        let entering = self
            .messages
            .values()
            .any(|m| m.place == Place::Entering && m.sender.as_deref() == Some(&*task));
        let blocked = self
            .task(&task)
            .is_some_and(|t| matches!(t.status, TaskStatus::BlockedSend { .. }));
        if !entering && !blocked {
            self.count_call(seq, &task);
        }
        self.note_failure(seq, &task, "send", code);
    }

    pub(super) fn receive_blocked(
        &mut self,
        seq: u64,
        now: u64,
        actor: Option<&Label>,
        port: &Label,
    ) {
        let Some(task) = self.actor(seq, actor, EventKind::ReceiveBlocked) else {
            return;
        };
        self.count_call(seq, &task);
        self.expect_ready(seq, &task, "blocks receiving");
        if !self.ports.contains(port) && !self.sets.contains(port) {
            self.inconsistent(
                seq,
                format!("{task} waits on {port}, which is neither a live port nor a live set"),
            );
        }
        self.note_receive_on(&task, port);
        if let Some(t) = self.task_mut(seq, &task) {
            t.status = TaskStatus::BlockedReceive {
                on: port.clone(),
                since_ns: now,
            };
        }
    }

    pub(super) fn receive_failed(
        &mut self,
        seq: u64,
        actor: Option<&Label>,
        port: Option<&Label>,
        code: ports::ReturnCode,
    ) {
        let Some(task) = self.actor(seq, actor, EventKind::ReceiveFailed) else {
            return;
        };
        if !self.is_blocked_receiving(&task) {
            self.count_call(seq, &task);
        }
        if let Some(port) = port {
            self.note_receive_on(&task, port);
        }
        self.note_failure(seq, &task, "receive", code);
    }

    pub(super) fn message_received(
        &mut self,
        seq: u64,
        actor: Option<&Label>,
        msg: u64,
        port: &Label,
        receiver: &Receiver,
        pseudo: bool,
    ) {
        match receiver {
            Receiver::Kernel => self.begin_call(msg),
            Receiver::Task(receiver) => {
                if !pseudo && actor == Some(receiver) && !self.is_blocked_receiving(receiver) {
                    self.count_call(seq, receiver);
                }
                if !self.tasks.contains(receiver) {
                    self.inconsistent(
                        seq,
                        format!(
                            "message {msg} is received by task {receiver}, which does not exist"
                        ),
                    );
                }
                if !pseudo {
                    self.note_receive_on(receiver, port);
                }
            }
            Receiver::InTransit => {
                self.inconsistent(seq, format!("message {msg} is received by nobody"));
            }
        }
        let what = if pseudo {
            "is handed back"
        } else {
            "is received"
        };
        self.remove_message(seq, msg, what);
    }

    /// Takes a live message out of wherever it is (a queue, a blocked sender) before
    /// it goes somewhere else; false (and an inconsistency) if it is not live.
    fn take_message(&mut self, seq: u64, msg: u64, what: &str) -> bool {
        let Some(place) = self.messages.get(&msg).map(|m| m.place.clone()) else {
            self.inconsistent(
                seq,
                format!(
                    "message {msg} {what} but it is not in the kernel (never sent, or already gone)"
                ),
            );
            return false;
        };
        match place {
            Place::Entering => {}
            Place::Queued { port, .. } => {
                if let Some(p) = self.ports.get_mut(&port)
                    && let Some(at) = p.queue.iter().position(|m| *m == msg)
                {
                    p.queue.remove(at);
                }
            }
            Place::HeldBySender { port, .. } => {
                if let Some(p) = self.ports.get_mut(&port) {
                    p.blocked_senders.retain(|b| b.msg != msg);
                }
            }
        }
        self.place_message(msg, Place::Entering);
        true
    }

    fn place_message(&mut self, msg: u64, place: Place) {
        if let Some(m) = self.messages.get_mut(&msg) {
            Arc::make_mut(m).place = place;
        }
    }

    /// A message leaves the kernel (received, handed back, destroyed).
    pub(super) fn remove_message(&mut self, seq: u64, msg: u64, what: &str) {
        if self.take_message(seq, msg, what) {
            self.messages.remove(&msg);
        }
    }
}
