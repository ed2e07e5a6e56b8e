//! Copy-out: a message's rights enter the receiver's space, under its own names.

use crate::envelope::{Carried, Envelope, KItem};
use crate::port::Receiver;
use crate::state::KernelState;
use crate::trace::{self, Event, PortDestroyReason};
use ports::{
    Disposition, EntryObject, Header, Item, Message, PortItem, PortName, RightKind, TaskId,
};

impl KernelState {
    /// Puts one carried right into `task`'s space and returns its name there.
    ///
    /// A right whose port died in transit arrives as `MACH_PORT_DEAD`. A send right
    /// for a port the task already has a send or receive right for merges into that
    /// name (one more user reference, one fewer send right in the port's count).
    pub(crate) fn copyout_right(&mut self, task: TaskId, carried: Carried) -> PortName {
        let Carried { port, kind } = carried;
        if self.port(port).is_none() {
            return PortName::DEAD;
        }
        let result = match kind {
            RightKind::Send => {
                let merged = self
                    .task(task)
                    .space
                    .name_of(port)
                    .and_then(|n| self.task(task).space.get(n))
                    .is_some_and(|e| e.rights.contains(RightKind::Send));
                let result = self.task_mut(task).space.insert_send(port, 1);
                if merged || result.is_err() {
                    self.release_send(port);
                }
                result
            }
            RightKind::SendOnce => {
                let result = self.task_mut(task).space.insert_send_once(port);
                if result.is_err() {
                    self.release_send_once(port);
                }
                result
            }
            RightKind::Receive => match self.task_mut(task).space.insert_receive(port) {
                Ok(name) => {
                    if let Some(p) = self.port_mut(port) {
                        p.receiver = Receiver::Task(task);
                        p.mscount = 0;
                        p.seqno = 0;
                    }
                    self.set_carrier(port, None);
                    self.record(Some(task), |k| Event::ReceiverChanged {
                        port: k.port_label(port),
                        receiver: Some(k.task_label(task)),
                    });
                    Ok(name)
                }
                Err(e) => {
                    self.destroy_port(port, PortDestroyReason::NoSpace, None);
                    Err(e)
                }
            },
            RightKind::PortSet | RightKind::DeadName => return PortName::DEAD,
        };
        match result {
            Ok(name) => {
                self.record_name(Some(task), task, name, EntryObject::Port(port));
                name
            }
            Err(_) => PortName::DEAD,
        }
    }

    /// Builds the receiver's view of an envelope: header reversed as Mach does,
    /// every right copied out into `task`'s space.
    pub(crate) fn copyout_message(
        &mut self,
        task: TaskId,
        envelope: Envelope,
        local: PortName,
        seqno: u32,
    ) -> Message {
        let reply = match envelope.reply {
            Some(carried) => self.copyout_right(task, carried),
            None => PortName::NULL,
        };
        let reply_disposition =
            envelope
                .reply
                .map_or(Disposition::MoveSendOnce, |c| match c.kind {
                    RightKind::Send => Disposition::MoveSend,
                    _ => Disposition::MoveSendOnce,
                });
        let body = envelope.body.into_items(|carried| match carried {
            None => PortItem {
                name: PortName::DEAD,
                disposition: Disposition::MoveSend,
            },
            Some(carried) => PortItem {
                name: self.copyout_right(task, carried),
                disposition: match carried.kind {
                    RightKind::Receive => Disposition::MoveReceive,
                    RightKind::SendOnce => Disposition::MoveSendOnce,
                    _ => Disposition::MoveSend,
                },
            },
        });
        Message {
            header: Header {
                dest: local,
                dest_disposition: Some(match envelope.dest.kind {
                    RightKind::SendOnce => Disposition::MoveSendOnce,
                    _ => Disposition::MoveSend,
                }),
                reply,
                reply_disposition,
                id: envelope.id,
                size: envelope.size,
                seqno,
            },
            body,
        }
    }

    /// Mach's pseudo-receive: a failed send's message goes back to its sender, its
    /// rights (the destination right included) copied out into the sender's space.
    pub(crate) fn pseudo_receive(&mut self, task: TaskId, envelope: Envelope) -> Message {
        let serial = envelope.serial;
        let port = envelope.dest.port;
        self.counts.returned += 1;
        self.record(Some(task), |k| Event::MessageReceived {
            msg: serial.0,
            port: k.port_label(port),
            receiver: trace::Receiver::Task(k.task_label(task)),
            seqno: 0,
            pseudo: true,
        });
        // A direct send went through a right the kernel made for it; the sender
        // never held it, so it is released, not handed back.
        let dest = if matches!(envelope.origin, crate::envelope::Origin::Direct(_)) {
            self.release_send(envelope.dest.port);
            PortName::NULL
        } else {
            self.copyout_right(task, envelope.dest)
        };
        self.copyout_message(task, envelope, dest, 0)
    }

    /// A message is received by `task`: the destination right is consumed, a forced
    /// message's msg-accepted goes out, the rights are copied out. `name` is the
    /// name the task received on, if it is the port's (it saves a look-up).
    pub(crate) fn take_delivered(
        &mut self,
        task: TaskId,
        envelope: Envelope,
        name: PortName,
    ) -> Message {
        let port = envelope.dest.port;
        let seqno = match self.port_mut(port) {
            Some(p) => {
                let s = p.seqno;
                p.seqno = p.seqno.wrapping_add(1);
                s
            }
            None => 0,
        };
        self.counts.received += 1;
        let serial = envelope.serial;
        self.record(Some(task), |k| Event::MessageReceived {
            msg: serial.0,
            port: k.port_label(port),
            receiver: trace::Receiver::Task(k.task_label(task)),
            seqno,
            pseudo: false,
        });
        self.consume_dest_right(&envelope);
        if let Some(forced) = envelope.forced {
            self.msg_accepted(forced, port, true);
        }
        // The name of a receive right is the one name of the port's send and
        // receive rights, which is what `name_of` finds for any other receive.
        let space = &self.task(task).space;
        let local = match space.get(name) {
            Some(entry)
                if entry.port() == Some(port) && entry.rights.contains(RightKind::Receive) =>
            {
                name
            }
            _ => space.name_of(port).unwrap_or(PortName::NULL),
        };
        self.copyout_message(task, envelope, local, seqno)
    }

    /// The destination right a message carried is used up by its delivery.
    pub(crate) fn consume_dest_right(&mut self, envelope: &Envelope) {
        if envelope.sender().is_none() {
            // Kernel messages go through rights the kernel made for the purpose.
            return;
        }
        match envelope.dest.kind {
            RightKind::Send => self.release_send(envelope.dest.port),
            RightKind::SendOnce => {
                if let Some(p) = self.port_mut(envelope.dest.port) {
                    p.sorights = p.sorights.saturating_sub(1);
                }
            }
            _ => {}
        }
    }

    /// Ends a forced message's msg-accepted request: the sender may force again, and
    /// is told (msg-accepted when received; send-once if the port died first, the
    /// documented Mach 3.0 behaviour).
    pub(crate) fn msg_accepted(
        &mut self,
        forced: crate::envelope::ForcedBy,
        port: ports::PortId,
        accepted: bool,
    ) {
        let still_named = self
            .tasks
            .get(forced.task.index, forced.task.generation)
            .is_some_and(|t| {
                !t.is_ended() && t.space.get(forced.name).and_then(|e| e.port()) == Some(port)
            });
        if still_named && let Some(entry) = self.task_mut(forced.task).space.get_mut(forced.name) {
            entry.msg_accepted_request = false;
        }
        if accepted {
            let name = if still_named {
                forced.name
            } else {
                PortName::NULL
            };
            self.post_notification(
                forced.notify,
                ports::NotificationKind::MsgAccepted,
                vec![KItem::Data(Item::U32(name.0))],
                Some(port),
            );
        } else {
            self.post_notification(
                forced.notify,
                ports::NotificationKind::SendOnce,
                Vec::new(),
                Some(port),
            );
        }
    }
}
