//! Destruction: messages destroyed unread, and ports that die.
//!
//! Both can cascade (a destroyed message may carry the last send right of another
//! port, or a receive right whose port then dies, whose queue holds more messages…).
//! Each cascade runs to its end inside the one atomic operation that started it.

use crate::envelope::{Envelope, KItem};
use crate::error::{ReceiveError, SendStatus};
use crate::port::Receiver;
use crate::services::hooks as services;
use crate::state::KernelState;
use crate::task::{Reply, TaskState, Wait};
use crate::trace::{Event, MessageDestroyReason, PortDestroyReason, WakeReason};
use ports::{EntryObject, Item, NotificationKind, PortId, PortSetId, RightKind, TaskId};

impl KernelState {
    /// Destroys a message unread, with a trace event saying why, and releases every
    /// right it carries.
    pub(crate) fn destroy_message(&mut self, envelope: Envelope, reason: MessageDestroyReason) {
        let serial = envelope.serial;
        let port = envelope.dest.port;
        self.counts.destroyed += 1;
        self.record(None, |k| Event::MessageDestroyed {
            msg: serial.0,
            port: k.port_label(port),
            reason,
        });
        if let Some(forced) = envelope.forced {
            self.msg_accepted(forced, port, false);
        }
        self.release_message(envelope);
    }

    /// The kernel is done with a message no task received (destroyed, or received
    /// by the kernel itself): its destination right is used up, and every right it
    /// carries is released.
    pub(crate) fn release_message(&mut self, envelope: Envelope) {
        self.consume_dest_right(&envelope);
        for carried in envelope.rights() {
            match carried.kind {
                RightKind::Send => self.release_send(carried.port),
                RightKind::SendOnce if self.port(carried.port).is_some() => {
                    self.release_send_once(carried.port)
                }
                RightKind::Receive => {
                    self.destroy_port(carried.port, PortDestroyReason::MessageDestroyed, None)
                }
                _ => {}
            }
        }
    }

    /// The receive right of `port` is destroyed (Mach's `ipc_port_destroy`).
    ///
    /// First possibility: a port-destroyed request is registered. The port lives on,
    /// its queue and send rights intact, and its receive right travels in the
    /// notification. Second possibility: the port dies. Its receiver is told, its
    /// blocked senders return `success` with their messages destroyed, a no-senders
    /// request becomes a send-once notification, its queued messages are destroyed
    /// (releasing the rights in them), and dead-name requests fire.
    pub(crate) fn destroy_port(
        &mut self,
        port: PortId,
        reason: PortDestroyReason,
        cause: Option<TaskId>,
    ) {
        // Destroying one port can destroy messages carrying receive rights of other
        // ports, and so on down a chain of any length. Mach flattens that recursion
        // with a queue (`ipc_kmsg_destroy`); so does machsim: a destruction started
        // while another runs is queued and done by the outer loop, in order.
        self.doomed_ports.push_back((port, reason, cause));
        if self.destroying {
            return;
        }
        self.destroying = true;
        while let Some((port, reason, cause)) = self.doomed_ports.pop_front() {
            self.destroy_one_port(port, reason, cause);
        }
        self.destroying = false;
    }

    fn destroy_one_port(&mut self, port: PortId, reason: PortDestroyReason, cause: Option<TaskId>) {
        let Some(p) = self.port(port) else { return };
        let holder = p.receiver_task();
        let saved = self
            .port_mut(port)
            .and_then(|p| p.extra.as_mut())
            .and_then(|e| e.port_destroyed.take())
            // Handing the receive right to a backup whose own receive right travels
            // (through any chain) in this port's queue would make a cycle nobody can
            // receive: then the port is destroyed normally (Mach 3.0).
            .filter(|backup| {
                self.port(*backup).is_some() && !self.would_close_cycle(*backup, port)
            });
        // The holder's name loses the receive right. If the port is saved its send
        // rights under the name stay good; if it dies they become a dead name, and a
        // name freed with a dead-name request on it gets port-deleted (Mach 3.0).
        if let Some(holder) = holder
            && let Some(name) = self.task(holder).space.name_of(port)
            && let Ok((before, freed)) = self
                .task_mut(holder)
                .space
                .remove_right(name, RightKind::Receive)
        {
            if saved.is_none() && !freed {
                let _ = self.task_mut(holder).space.convert_to_dead_name(name);
            }
            self.record_name(cause, holder, name, EntryObject::Port(port));
            if freed {
                self.name_freed(holder, name, port, before.dead_name_request);
            }
        }
        if let Some(backup) = saved {
            self.receive_right_leaves(port, cause);
            self.set_carrier(port, Some(backup));
            self.post_notification(
                backup,
                NotificationKind::PortDestroyed,
                vec![KItem::Port(Some(crate::envelope::Carried {
                    port,
                    kind: RightKind::Receive,
                }))],
                Some(port),
            );
            return;
        }
        if let Some(set) = self.port(port).and_then(|p| p.set) {
            self.remove_member(cause, port, set);
        }
        self.record(cause, |k| Event::PortDestroyed {
            port: k.port_label(port),
            reason,
        });
        self.set_carrier(port, None);
        let Some(mut dead) = self.ports.remove(port.index, port.generation) else {
            return;
        };
        // A service object's port died (a fault, say): the object goes with it.
        if let Receiver::Object(object) = dead.receiver {
            services::on_port_died(self, object);
        }
        if !dead.label.is_empty() {
            if self.port_labels.get(&dead.label) == Some(&port) {
                self.port_labels.remove(&dead.label);
            }
            self.dead_labels.insert(port, dead.label.clone());
        }
        if let Some(waiter) = dead.waiting_receiver.take() {
            self.record_receive_failed(waiter, port, ports::ReturnCode::RcvPortDied);
            self.wake(
                waiter,
                Reply::Receive(Err(ReceiveError::PortDied)),
                WakeReason::PortDied,
            );
        }
        let extra = dead.extra.take().map(|b| *b).unwrap_or_default();
        for sender in extra.blocked_senders {
            if let Some(envelope) = self.take_blocked_envelope(sender) {
                self.destroy_message(envelope, MessageDestroyReason::PortDestroyed);
            }
            self.wake(
                sender,
                Reply::Send(Ok(SendStatus::Sent)),
                WakeReason::PortDied,
            );
        }
        if let Some((notify, _)) = extra.no_senders {
            self.post_notification(notify, NotificationKind::SendOnce, Vec::new(), Some(port));
        }
        for envelope in dead.queue.drain() {
            self.destroy_message(envelope, MessageDestroyReason::PortDestroyed);
        }
        for request in extra.dead_name {
            let holder_alive = self
                .tasks
                .get(request.holder.index, request.holder.generation)
                .is_some_and(|t| !t.is_ended());
            if holder_alive {
                let still = self
                    .task(request.holder)
                    .space
                    .get(request.name)
                    .and_then(|e| e.port())
                    == Some(port);
                if still {
                    let _ = self
                        .task_mut(request.holder)
                        .space
                        .convert_to_dead_name(request.name);
                    let _ = self
                        .task_mut(request.holder)
                        .space
                        .add_dead_name_refs(request.name, 1);
                    if let Some(e) = self.task_mut(request.holder).space.get_mut(request.name) {
                        e.dead_name_request = false;
                    }
                    self.record_name(None, request.holder, request.name, EntryObject::Port(port));
                }
            }
            self.post_notification(
                request.notify,
                NotificationKind::DeadName,
                vec![KItem::Data(Item::U32(request.name.0))],
                Some(port),
            );
        }
    }

    /// Destroys a port set: members leave it (keeping their messages) and a task
    /// waiting on it gets `rcv_port_died`.
    pub(crate) fn destroy_set(&mut self, set: PortSetId, cause: Option<TaskId>) {
        let Some(s) = self.set(set) else { return };
        let members = s.members.clone();
        for member in members {
            self.remove_member(cause, member, set);
        }
        let waiter = self.set_mut(set).and_then(|s| s.waiting_receiver.take());
        let label = self.set_label(set);
        self.record(cause, |_| Event::PortSetDestroyed { set: label.clone() });
        self.sets.remove(set.index, set.generation);
        if let Some(waiter) = waiter
            && matches!(
                self.task(waiter).state,
                TaskState::Waiting(Wait::Receive { .. })
            )
        {
            self.record(Some(waiter), |_| Event::ReceiveFailed {
                port: Some(label),
                code: ports::ReturnCode::RcvPortDied,
            });
            self.wake(
                waiter,
                Reply::Receive(Err(ReceiveError::PortDied)),
                WakeReason::PortDied,
            );
        }
    }
}
