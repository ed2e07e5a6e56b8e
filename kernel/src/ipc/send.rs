//! The send path: a message enters the kernel and is delivered, waits, or comes back.

use crate::envelope::{Body, BodyItem, Carried, Envelope, ForcedBy, Origin};
use crate::error::{SendError, SendStatus};
use crate::port::Receiver;
use crate::state::KernelState;
use crate::syscall::SendNow;
use crate::task::{ReceiveSource, Reply, TaskState, Wait};
use crate::trace::{
    self, CarriedRight, Event, MessageDestroyReason, MessageOrigin, TraceItem, WakeReason,
};
use ports::{Item, Message, PortId, ReturnCode, RightKind, SendPolicy, TaskId};

impl KernelState {
    /// `mach_msg` with `MACH_SEND_MSG`: checks and copies the message in, then
    /// delivers it under `policy`.
    pub(crate) fn sys_send(
        &mut self,
        task: TaskId,
        message: Message,
        policy: SendPolicy,
    ) -> SendNow {
        let size = message.size();
        if size > self.config.max_message_bytes {
            self.record(Some(task), |_| Event::SendFailed {
                port: None,
                code: ReturnCode::SendTooLarge,
            });
            return SendNow::Done(Err(SendError::TooLarge(message)));
        }
        let carries_rights = message.body.iter().any(|i| matches!(i, Item::Port(_)));
        if !carries_rights && let Some((dest, reply)) = self.copyin_common(task, &message.header) {
            let body = Body::new(message.body, Vec::new());
            let envelope = self.new_envelope(
                Origin::Task(task),
                message.header.id,
                size,
                dest,
                reply,
                body,
            );
            return self.send_envelope(task, envelope, policy);
        }
        let (dest, disposition) = match self.check_message(task, &message) {
            Ok(found) => found,
            Err(code) => {
                let port = self
                    .task(task)
                    .space
                    .get(message.header.dest)
                    .map(|e| self.object_label(e.object));
                self.record(Some(task), |_| Event::SendFailed { port, code });
                return SendNow::Done(Err(match code {
                    ReturnCode::SendInvalidReply => SendError::InvalidReply(message),
                    ReturnCode::SendInvalidRight => SendError::InvalidRight(message),
                    _ => SendError::InvalidDest(message),
                }));
            }
        };
        let envelope = self.copyin_message(task, message, dest, Some(disposition), size);
        self.send_envelope(task, envelope, policy)
    }

    /// Moves every right of a checked message into a new envelope for `dest`:
    /// through the message's own destination right, used as `disposition` says, or
    /// (`None`, direct naming) through a send right the kernel made for it.
    pub(crate) fn copyin_message(
        &mut self,
        task: TaskId,
        message: Message,
        dest: PortId,
        disposition: Option<ports::Disposition>,
        size: u32,
    ) -> Envelope {
        let header = message.header;
        // Copies first, then moves (see `check_message`).
        let reply_copies = !matches!(
            header.reply_disposition,
            ports::Disposition::MoveSend | ports::Disposition::MoveSendOnce
        );
        let mut reply = None;
        if header.reply.is_valid() && reply_copies {
            reply = self.copyin_right(task, header.reply, header.reply_disposition);
        }
        let made = Carried {
            port: dest,
            kind: RightKind::Send,
        };
        let (dest, origin) = match disposition {
            Some(disposition) => (
                self.copyin_right(task, header.dest, disposition)
                    .unwrap_or(made),
                Origin::Task(task),
            ),
            None => (made, Origin::Direct(task)),
        };
        if header.reply.is_valid() && !reply_copies {
            reply = self.copyin_right(task, header.reply, header.reply_disposition);
        }
        let body = self.copyin_body(task, message.body);
        self.new_envelope(origin, header.id, size, dest, reply, body)
    }

    /// The envelope of a message a task sent, its rights copied in: numbered,
    /// counted as sent, and traced.
    fn new_envelope(
        &mut self,
        origin: Origin,
        id: ports::MessageId,
        size: u32,
        dest: Carried,
        reply: Option<Carried>,
        body: Body,
    ) -> Envelope {
        let envelope = Envelope::new(self.number_message(), origin, id, size, dest, reply, body);
        self.record_sent(envelope.sender(), &envelope);
        envelope
    }

    /// Copies in a checked message's body: each port item's right moves (or is
    /// copied or made) into the message; the items go as they are.
    fn copyin_body(&mut self, task: TaskId, items: Vec<Item>) -> Body {
        let rights = items
            .iter()
            .filter_map(|item| match item {
                Item::Port(p) => Some(self.copyin_right(task, p.name, p.disposition)),
                _ => None,
            })
            .collect();
        Body::new(items, rights)
    }

    /// Records `message_sent` for an envelope.
    pub(crate) fn record_sent(&mut self, task: Option<TaskId>, envelope: &Envelope) {
        if !self.trace.enabled() {
            return;
        }
        self.record(task, |k| Event::MessageSent {
            msg: envelope.serial.0,
            port: k.port_label(envelope.dest.port),
            id: envelope.id.0,
            size: envelope.size,
            dest_right: envelope.dest.kind,
            reply: envelope.reply.map(|c| k.carried_right(Some(c))),
            body: envelope.body.iter().map(|i| k.trace_item(i)).collect(),
            kind: match envelope.origin {
                Origin::Task(_) => None,
                Origin::Direct(_) => Some(MessageOrigin::Direct),
                Origin::Notification => Some(MessageOrigin::Notification),
            },
        });
    }

    pub(crate) fn carried_right(&self, carried: Option<Carried>) -> CarriedRight {
        match carried {
            Some(c) => CarriedRight {
                port: self.port(c.port).map(|_| self.port_label(c.port)),
                right: c.kind,
            },
            None => CarriedRight {
                port: None,
                right: RightKind::DeadName,
            },
        }
    }

    pub(crate) fn trace_item(&self, item: BodyItem<'_>) -> TraceItem {
        match item {
            BodyItem::Port(c) => TraceItem::Port(self.carried_right(c)),
            BodyItem::Data(item) => match item {
                Item::U8(v) => TraceItem::U8(*v),
                Item::U16(v) => TraceItem::U16(*v),
                Item::U32(v) => TraceItem::U32(*v),
                Item::U64(v) => TraceItem::U64(*v),
                Item::I8(v) => TraceItem::I8(*v),
                Item::I16(v) => TraceItem::I16(*v),
                Item::I32(v) => TraceItem::I32(*v),
                Item::I64(v) => TraceItem::I64(*v),
                Item::Bool(v) => TraceItem::Bool(*v),
                Item::F64(v) => TraceItem::F64(*v),
                Item::Str(v) => TraceItem::Str(v.clone()),
                Item::Bytes(b) => TraceItem::Bytes(crate::trace::HexBytes(b.clone())),
                Item::Ool(o) => TraceItem::Ool(o.data.len() as u64),
                Item::Port(_) => TraceItem::Port(CarriedRight {
                    port: None,
                    right: RightKind::DeadName,
                }),
            },
        }
    }

    /// True when an ordinary sender must wait for this port.
    pub(crate) fn is_full(&self, port: PortId) -> bool {
        self.port(port)
            .is_some_and(|p| p.queue.is_full() || p.queue.len() >= self.config.max_queue_messages)
    }

    /// Delivers a copied-in envelope: to a waiting receiver, into the queue, into
    /// the queue by force, into a wait, or back to the sender.
    pub(crate) fn send_envelope(
        &mut self,
        task: TaskId,
        envelope: Envelope,
        policy: SendPolicy,
    ) -> SendNow {
        let port_id = envelope.dest.port;
        let Some(port) = self.port(port_id) else {
            // The destination died during copy-in (a circular receive right): Mach
            // pretends the message was delivered and destroyed.
            self.destroy_message(envelope, MessageDestroyReason::PortDestroyed);
            return SendNow::Done(Ok(SendStatus::Sent));
        };
        let rendezvous = port.queue.limit().is_rendezvous();
        if let Receiver::Kernel(_) | Receiver::Object(_) = port.receiver {
            // Kernel ports never fill: the kernel takes the message at once.
            self.receive_by_kernel(Some(task), envelope);
            return SendNow::Done(Ok(SendStatus::Sent));
        }
        if envelope.rights().any(|c| c.kind == RightKind::Receive) {
            let closes_cycle = envelope
                .rights()
                .any(|c| c.kind == RightKind::Receive && self.would_close_cycle(port_id, c.port));
            if closes_cycle {
                // The message would close a cycle of receive rights in transit (a
                // port's own receive right sent to it, or to a port whose receive right
                // travels in its queue, …): nobody could ever receive them, so Mach
                // collects the loop at once, destroying the message and the ports it
                // carries.
                self.destroy_message(envelope, MessageDestroyReason::Circular);
                return SendNow::Done(Ok(SendStatus::Sent));
            }
            for right in envelope.rights().filter(|c| c.kind == RightKind::Receive) {
                self.set_carrier(right.port, Some(port_id));
            }
        }
        let exempt = envelope.dest.kind == RightKind::SendOnce;
        let full = self.is_full(port_id);
        if exempt || !full || rendezvous {
            if let Some(envelope) = self.hand_to_waiting_receiver(envelope) {
                if exempt || !full {
                    self.enqueue(Some(task), envelope, false);
                    return SendNow::Done(Ok(SendStatus::Sent));
                }
                return self.send_to_full(task, envelope, policy);
            }
            return SendNow::Done(Ok(SendStatus::Sent));
        }
        self.send_to_full(task, envelope, policy)
    }

    fn send_to_full(&mut self, task: TaskId, envelope: Envelope, policy: SendPolicy) -> SendNow {
        match policy.wait_ms() {
            Some(0) if policy.forces_after_wait() => SendNow::Done(self.force(task, envelope)),
            Some(0) => {
                let port = envelope.dest.port;
                self.record(Some(task), |k| Event::SendFailed {
                    port: Some(k.port_label(port)),
                    code: ReturnCode::SendTimedOut,
                });
                let message = self.pseudo_receive(task, envelope);
                SendNow::Done(Err(SendError::TimedOut(message)))
            }
            wait => {
                let port = envelope.dest.port;
                let serial = envelope.serial;
                if let Some(p) = self.port_mut(port) {
                    p.extra_mut().blocked_senders.push_back(task);
                }
                let until_ns = wait.map(|ms| self.now.saturating_add(crate::clock::ms(ms)));
                self.record(Some(task), |k| Event::SendBlocked {
                    msg: serial.0,
                    port: k.port_label(port),
                    until_ns,
                });
                self.begin_wait(task, wait, |timer| Wait::Send {
                    envelope: Box::new(envelope),
                    policy,
                    timer,
                });
                SendNow::Blocked
            }
        }
    }

    /// The kernel cache (Mach 3.0's `MACH_SEND_NOTIFY`): queue beyond the limit and
    /// ask for msg-accepted, one outstanding per task and destination port.
    pub(crate) fn force(
        &mut self,
        task: TaskId,
        mut envelope: Envelope,
    ) -> Result<SendStatus, SendError> {
        let port = envelope.dest.port;
        let notify = self.task(task).notify_port;
        let notify_ok = self
            .port(notify)
            .is_some_and(|p| p.receiver == Receiver::Task(task));
        if !notify_ok {
            self.record(Some(task), |k| Event::SendFailed {
                port: Some(k.port_label(port)),
                code: ReturnCode::SendInvalidNotify,
            });
            return Err(SendError::InvalidNotify(
                self.pseudo_receive(task, envelope),
            ));
        }
        let name = self.task(task).space.name_of(port);
        if let Some(name) = name {
            let in_progress = self
                .task(task)
                .space
                .get(name)
                .is_some_and(|e| e.msg_accepted_request);
            if in_progress {
                self.record(Some(task), |k| Event::SendFailed {
                    port: Some(k.port_label(port)),
                    code: ReturnCode::SendNotifyInProgress,
                });
                return Err(SendError::NotifyInProgress(
                    self.pseudo_receive(task, envelope),
                ));
            }
            if let Some(entry) = self.task_mut(task).space.get_mut(name) {
                entry.msg_accepted_request = true;
            }
        }
        envelope.forced = Some(ForcedBy {
            task,
            name: name.unwrap_or(ports::PortName::NULL),
            notify,
        });
        self.enqueue(Some(task), envelope, true);
        Ok(SendStatus::WillNotify)
    }

    /// Appends to the queue (the caller decided it may go in).
    pub(crate) fn enqueue(&mut self, cause: Option<TaskId>, mut envelope: Envelope, forced: bool) {
        envelope.arrival = self.next_arrival();
        let serial = envelope.serial;
        let port_id = envelope.dest.port;
        let Some(port) = self.port_mut(port_id) else {
            self.destroy_message(envelope, MessageDestroyReason::PortDestroyed);
            return;
        };
        port.queue.push(envelope);
        let depth = port.queue.len() as u32;
        self.record(cause, |k| {
            if forced {
                Event::MessageCached {
                    msg: serial.0,
                    port: k.port_label(port_id),
                    depth,
                }
            } else {
                Event::MessageQueued {
                    msg: serial.0,
                    port: k.port_label(port_id),
                    depth,
                }
            }
        });
    }

    /// Delivers a message that ignores the queue limit (to a send-once right, or
    /// from the kernel).
    pub(crate) fn deliver_exempt(&mut self, envelope: Envelope) {
        if let Some(Receiver::Kernel(_) | Receiver::Object(_)) =
            self.port(envelope.dest.port).map(|p| p.receiver)
        {
            self.receive_by_kernel(None, envelope);
            return;
        }
        if let Some(envelope) = self.hand_to_waiting_receiver(envelope) {
            self.enqueue(None, envelope, false);
        }
    }

    /// If a task waits to receive from the destination (directly, through a set, or
    /// on its direct mailbox), hands the message over and wakes it. Returns the
    /// message if nobody took it.
    pub(crate) fn hand_to_waiting_receiver(&mut self, envelope: Envelope) -> Option<Envelope> {
        let port_id = envelope.dest.port;
        let port = self.port(port_id)?;
        let waiter = port.waiting_receiver.or_else(|| {
            port.set
                .and_then(|s| self.set(s))
                .and_then(|s| s.waiting_receiver)
        });
        let Some(waiter) = waiter else {
            return Some(envelope);
        };
        let TaskState::Waiting(Wait::Receive {
            source,
            name,
            options,
            ..
        }) = &self.task(waiter).state
        else {
            return Some(envelope);
        };
        let (source, name, options) = (*source, *name, *options);
        if let ReceiveSource::Direct {
            from: Some(from), ..
        } = source
            && envelope.sender() != Some(from)
        {
            return Some(envelope);
        }
        self.clear_waiting_receiver(waiter, source);
        let reply = match self.too_large(waiter, port_id, envelope.size, options) {
            Some(
                error @ crate::error::ReceiveError::TooLarge {
                    destroyed: false, ..
                },
            ) => {
                // `large`: the message stays for a receive with room for it.
                self.wake(waiter, Reply::Receive(Err(error)), WakeReason::TooLarge);
                return Some(envelope);
            }
            Some(error) => {
                self.destroy_too_large(port_id, envelope);
                Reply::Receive(Err(error))
            }
            None => Reply::Receive(Ok(self.take_delivered(waiter, envelope, name))),
        };
        self.wake(waiter, reply, WakeReason::Message);
        None
    }

    pub(crate) fn record_receive_failed(&mut self, task: TaskId, port: PortId, code: ReturnCode) {
        self.record(Some(task), |k| Event::ReceiveFailed {
            port: Some(k.port_label(port)),
            code,
        });
    }

    /// The kernel receives a message sent to a task's kernel port. Messages built by
    /// hand (not through a kernel call) carry no operation the kernel decodes; they
    /// are received and their rights released, as a kernel server would on a bad id.
    pub(crate) fn receive_by_kernel(&mut self, cause: Option<TaskId>, envelope: Envelope) {
        let serial = envelope.serial;
        let port = envelope.dest.port;
        self.counts.received += 1;
        self.record(cause, |k| Event::MessageReceived {
            msg: serial.0,
            port: k.port_label(port),
            receiver: trace::Receiver::Kernel,
            seqno: 0,
            pseudo: false,
        });
        self.release_message(envelope);
    }

    /// Finds where a waiting receiver waits and forgets it there.
    pub(crate) fn clear_waiting_receiver(&mut self, task: TaskId, source: ReceiveSource) {
        match source {
            ReceiveSource::Port(port) | ReceiveSource::Direct { mailbox: port, .. } => {
                if let Some(p) = self.port_mut(port)
                    && p.waiting_receiver == Some(task)
                {
                    p.waiting_receiver = None;
                }
            }
            ReceiveSource::Set(set) => {
                if let Some(s) = self.set_mut(set)
                    && s.waiting_receiver == Some(task)
                {
                    s.waiting_receiver = None;
                }
            }
        }
    }

    /// A blocked sender's wait ran out. With `notify_after`, it is now forced;
    /// otherwise it fails with `send_timed_out` and the message goes back.
    pub(crate) fn send_wait_expired(&mut self, task: TaskId) {
        let state = std::mem::replace(&mut self.task_mut(task).state, TaskState::Ready);
        let TaskState::Waiting(Wait::Send {
            envelope, policy, ..
        }) = state
        else {
            self.task_mut(task).state = state;
            return;
        };
        let port = envelope.dest.port;
        self.forget_blocked_sender(port, task);
        // The task stays `Ready` (not yet queued) while its message is forced in or
        // handed back; `wake` then finds no timer to cancel (this one has fired).
        let result = if policy.forces_after_wait() {
            self.force(task, *envelope)
        } else {
            self.record(Some(task), |k| Event::SendFailed {
                port: Some(k.port_label(port)),
                code: ReturnCode::SendTimedOut,
            });
            Err(SendError::TimedOut(self.pseudo_receive(task, *envelope)))
        };
        self.wake(task, Reply::Send(result), WakeReason::Timeout);
    }

    /// Frees slots to blocked senders, first come first served, while the queue has room.
    pub(crate) fn admit_blocked_senders(&mut self, port_id: PortId) {
        loop {
            if self.is_full(port_id) {
                return;
            }
            let Some(sender) = self
                .port_mut(port_id)
                .and_then(|p| p.extra.as_mut())
                .and_then(|e| e.blocked_senders.pop_front())
            else {
                return;
            };
            let envelope = self.take_blocked_envelope(sender);
            if let Some(envelope) = envelope {
                self.enqueue(Some(sender), envelope, false);
                self.wake(sender, Reply::Send(Ok(SendStatus::Sent)), WakeReason::Slot);
            }
        }
    }

    /// Takes a sender that no longer waits (its wait ran out, or it ended) out of
    /// the port's blocked senders.
    pub(crate) fn forget_blocked_sender(&mut self, port: PortId, sender: TaskId) {
        if let Some(p) = self.port_mut(port)
            && let Some(extra) = p.extra.as_mut()
        {
            extra.blocked_senders.retain(|t| *t != sender);
        }
    }

    /// Takes the message a blocked sender holds (its state stays `Waiting` until woken).
    pub(crate) fn take_blocked_envelope(&mut self, sender: TaskId) -> Option<Envelope> {
        let entry = self.task_mut(sender);
        if let TaskState::Waiting(Wait::Send { envelope, .. }) = &mut entry.state {
            let dest = envelope.dest;
            return Some(std::mem::replace(envelope.as_mut(), empty_envelope(dest)));
        }
        None
    }
}

/// A placeholder left where a message was taken out of a wait record: sent by no
/// task, and never counted (the real message went on).
pub(crate) fn empty_envelope(dest: Carried) -> Envelope {
    let (serial, id) = (ports::MessageSerial(0), ports::MessageId(0));
    Envelope::new(
        serial,
        Origin::Notification,
        id,
        0,
        dest,
        None,
        Body::default(),
    )
}
