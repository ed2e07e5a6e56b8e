//! The kernel-port operations, one function each (Hubris's `kipc.rs`).
//!
//! Each is named after the Mach call it models and returns Mach's result; the
//! dispatch in `mod.rs` traces the request around it.

use crate::envelope::KItem;
use crate::error::KernError;
use crate::port::Receiver;
use crate::state::KernelState;
use crate::task::KernReply;
use crate::trace::{Event, PortDestroyReason, WakeReason};
use ports::{
    EntryObject, Item, NotificationKind, PortId, PortName, PortSetId, QueueLimit, RightKind, TaskId,
};

impl KernelState {
    /// `mach_port_allocate(RECEIVE)`: a new port whose receive right the caller holds.
    pub(super) fn port_allocate(
        &mut self,
        task: TaskId,
        limit: QueueLimit,
        label: Option<String>,
    ) -> Result<KernReply, KernError> {
        self.allocate_receive(Some(task), task, label.as_deref().unwrap_or(""), limit)
            .map(KernReply::Name)
    }

    /// `mach_port_allocate(PORT_SET)`: a new, empty port set, labelled after the
    /// caller if the call gives no label.
    pub(super) fn port_allocate_set(
        &mut self,
        task: TaskId,
        label: Option<String>,
    ) -> Result<KernReply, KernError> {
        let label = label.unwrap_or_else(|| format!("{}.set", self.task(task).name));
        self.allocate_set(Some(task), task, &label)
            .map(|(_, name)| KernReply::Name(name))
    }

    /// `mach_port_insert_right(name, name, MAKE_SEND)`: one more send reference made
    /// from the caller's receive right.
    pub(super) fn port_make_send(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<KernReply, KernError> {
        let port = self.receive_right(task, name)?;
        self.grant_send(Some(task), task, port)?;
        Ok(KernReply::Done)
    }

    /// `mach_port_deallocate`: drops one reference of a send, send-once or dead-name
    /// right.
    pub(super) fn port_deallocate(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<KernReply, KernError> {
        let entry = self.refreshed_entry(task, name, None)?;
        let kind = [RightKind::Send, RightKind::SendOnce, RightKind::DeadName]
            .into_iter()
            .find(|k| entry.rights.contains(*k))
            .ok_or(KernError::InvalidRight)?;
        self.drop_right(task, name, kind);
        Ok(KernReply::Done)
    }

    /// `mach_port_mod_refs`: adds `delta` user references of `right` (a negative
    /// delta drops them; dropping a receive right or a set destroys it).
    pub(super) fn port_mod_refs(
        &mut self,
        task: TaskId,
        name: PortName,
        right: RightKind,
        delta: i32,
    ) -> Result<KernReply, KernError> {
        let entry = self.refreshed_entry(task, name, Some(right))?;
        let refs = i64::from(entry.refs(right)) + i64::from(delta);
        let multi = matches!(right, RightKind::Send | RightKind::DeadName);
        if refs < 0 || (!multi && refs > 1) {
            return Err(KernError::InvalidValue);
        }
        if refs > i64::from(ports::UREFS_MAX) {
            return Err(KernError::UrefsOverflow);
        }
        if delta < 0 && right == RightKind::PortSet {
            self.destroy_name(task, name, entry, PortDestroyReason::Destroyed, Some(task));
            return Ok(KernReply::Done);
        }
        if delta < 0 && right == RightKind::Receive {
            // Dropping the receive right destroys the port (Mach's
            // `mod_refs(RECEIVE, -1)`); send rights under the name die with
            // it and remain as a dead name.
            if let Some(port) = entry.port() {
                self.destroy_port(port, PortDestroyReason::Destroyed, Some(task));
            }
            return Ok(KernReply::Done);
        }
        if delta > 0 {
            let entry = self
                .task_mut(task)
                .space
                .get_mut(name)
                .ok_or(KernError::InvalidName)?;
            entry.urefs += delta.unsigned_abs();
            let object = entry.object;
            self.record_name(Some(task), task, name, object);
        } else {
            for _ in 0..delta.unsigned_abs() {
                self.drop_right(task, name, right);
            }
        }
        Ok(KernReply::Done)
    }

    /// `mach_port_destroy`: drops every right under the name.
    pub(super) fn port_destroy(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<KernReply, KernError> {
        let entry = self.refreshed_entry(task, name, None)?;
        self.destroy_name(task, name, entry, PortDestroyReason::Destroyed, Some(task));
        Ok(KernReply::Done)
    }

    /// `mach_port_set_qlimit`: changes the queue limit of a port the caller receives
    /// from; raising it lets blocked senders in.
    pub(super) fn port_set_queue_limit(
        &mut self,
        task: TaskId,
        name: PortName,
        limit: Option<u32>,
    ) -> Result<KernReply, KernError> {
        let port = self.receive_right(task, name)?;
        let limit = match limit {
            None => QueueLimit::Unbounded,
            Some(n) => QueueLimit::bounded(n).ok_or(KernError::InvalidValue)?,
        };
        if let Some(p) = self.port_mut(port) {
            p.queue.set_limit(limit);
        }
        self.record(Some(task), |k| Event::CapacityChanged {
            port: k.port_label(port),
            capacity: limit,
        });
        self.admit_blocked_senders(port);
        Ok(KernReply::Done)
    }

    /// Takes the receive right `member` out of the set `set` (`not_in_set` if it is
    /// in no set or another).
    pub(super) fn port_remove_member(
        &mut self,
        task: TaskId,
        member: PortName,
        set: PortName,
    ) -> Result<KernReply, KernError> {
        let set_id = self.port_set(task, set)?;
        let port = self.receive_right(task, member)?;
        if self.port(port).and_then(|p| p.set) != Some(set_id) {
            return Err(KernError::NotInSet);
        }
        self.remove_member(Some(task), port, set_id);
        Ok(KernReply::Done)
    }

    /// `mach_port_type` with `mach_port_get_refs`: what the name denotes, and the
    /// user references of its send right or dead name.
    pub(super) fn port_type(
        &mut self,
        task: TaskId,
        name: PortName,
    ) -> Result<KernReply, KernError> {
        let entry = self.refreshed_entry(task, name, None)?;
        Ok(KernReply::Type {
            rights: entry.rights,
            urefs: entry.urefs,
        })
    }

    /// `mach_port_insert_right`: gives the task whose kernel port `task_port` names a
    /// right the caller holds, as a message would carry it.
    pub(super) fn port_insert_right(
        &mut self,
        task: TaskId,
        task_port: PortName,
        right: PortName,
        disposition: ports::Disposition,
    ) -> Result<KernReply, KernError> {
        let target = self.task_of_port(task, task_port)?;
        self.transfer_right(task, right, disposition, target)
    }

    /// `mach_port_extract_right`: takes a right out of the task whose kernel port
    /// `task_port` names into the caller's space, as if that task had sent it.
    pub(super) fn port_extract_right(
        &mut self,
        task: TaskId,
        task_port: PortName,
        name: PortName,
        disposition: ports::Disposition,
    ) -> Result<KernReply, KernError> {
        let target = self.task_of_port(task, task_port)?;
        self.transfer_right(target, name, disposition, task)
    }

    /// The task whose kernel port `name` (in `task`'s space) is a send right to.
    fn task_of_port(&mut self, task: TaskId, name: PortName) -> Result<TaskId, KernError> {
        let port = self.send_right(task, name)?;
        match self.port(port).map(|p| p.receiver) {
            Some(Receiver::Kernel(target)) if !self.task(target).is_ended() => Ok(target),
            _ => Err(KernError::InvalidArgument),
        }
    }

    /// Moves a right from `from`'s space to `to`'s, as a message would carry it.
    fn transfer_right(
        &mut self,
        from: TaskId,
        name: PortName,
        disposition: ports::Disposition,
        to: TaskId,
    ) -> Result<KernReply, KernError> {
        let entry = self.refreshed_entry(from, name, None)?;
        if entry.rights.contains(RightKind::DeadName) {
            return Err(KernError::InvalidCapability);
        }
        let mut probe = ports::Message::new(PortName::NULL, 0);
        probe.push(Item::Port(ports::PortItem { name, disposition }));
        self.check_body_only(from, &probe)
            .map_err(|_| KernError::InvalidRight)?;
        let carried = self
            .copyin_right(from, name, disposition)
            .ok_or(KernError::InvalidCapability)?;
        let new_name = self.copyout_right(to, carried);
        if new_name == PortName::DEAD {
            return Err(KernError::NoSpace);
        }
        Ok(KernReply::Name(new_name))
    }

    /// `mach_port_request_notification`: registers a port-destroyed, no-senders or
    /// dead-name request (a dead-name request on a name already dead fires at once
    /// when `sync` asks).
    pub(super) fn port_request_notification(
        &mut self,
        task: TaskId,
        name: PortName,
        kind: NotificationKind,
        notify: PortName,
        sync: u32,
    ) -> Result<KernReply, KernError> {
        let entry = self.refreshed_entry(task, name, None)?;
        let notify_entry = self.task(task).space.get(notify).copied();
        let notify_port = match notify_entry {
            Some(e) if e.rights.contains(RightKind::Receive) => {
                e.port().ok_or(KernError::InvalidCapability)?
            }
            _ => return Err(KernError::InvalidCapability),
        };
        let EntryObject::Port(port) = entry.object else {
            return Err(KernError::InvalidRight);
        };
        match kind {
            NotificationKind::PortDestroyed | NotificationKind::NoSenders => {
                if !entry.rights.contains(RightKind::Receive) {
                    return Err(KernError::InvalidRight);
                }
                if kind == NotificationKind::PortDestroyed && sync != 0 {
                    return Err(KernError::InvalidValue);
                }
                let p = self.port_mut(port).ok_or(KernError::InvalidName)?;
                if kind == NotificationKind::PortDestroyed {
                    p.extra_mut().port_destroyed = Some(notify_port);
                } else {
                    p.extra_mut().no_senders = Some((notify_port, sync));
                }
                self.record_notification_request(task, port, kind, notify_port, name, sync);
                if kind == NotificationKind::NoSenders {
                    self.check_no_senders(port, true);
                }
                Ok(KernReply::Previous(PortName::NULL))
            }
            NotificationKind::DeadName => {
                if entry.rights.contains(RightKind::DeadName) {
                    if sync == 0 {
                        return Err(KernError::InvalidArgument);
                    }
                    self.task_mut(task).space.add_dead_name_refs(name, 1)?;
                    self.record_name(Some(task), task, name, entry.object);
                    self.post_notification(
                        notify_port,
                        NotificationKind::DeadName,
                        vec![KItem::Data(Item::U32(name.0))],
                        None,
                    );
                    return Ok(KernReply::Previous(PortName::NULL));
                }
                let p = self.port_mut(port).ok_or(KernError::InvalidName)?;
                let requests = &mut p.extra_mut().dead_name;
                requests.retain(|r| !(r.holder == task && r.name == name));
                requests.push(crate::port::DeadNameRequest {
                    holder: task,
                    name,
                    notify: notify_port,
                });
                if let Some(e) = self.task_mut(task).space.get_mut(name) {
                    e.dead_name_request = true;
                }
                self.record_notification_request(task, port, kind, notify_port, name, sync);
                Ok(KernReply::Previous(PortName::NULL))
            }
            _ => Err(KernError::InvalidValue),
        }
    }

    fn record_notification_request(
        &mut self,
        task: TaskId,
        port: PortId,
        kind: NotificationKind,
        notify_port: PortId,
        name: PortName,
        sync: u32,
    ) {
        self.record(Some(task), |k| Event::NotificationRequested {
            port: k.port_label(port),
            kind,
            notify: k.port_label(notify_port),
            name: name.0,
            sync,
        });
    }

    /// `mach_port_move_member`: puts the receive right `member` in `set` (leaving
    /// any set it was in), or with `None` takes it out of its set.
    pub(super) fn port_move_member(
        &mut self,
        task: TaskId,
        member: PortName,
        set: Option<PortName>,
    ) -> Result<KernReply, KernError> {
        let port = self.receive_right(task, member)?;
        let target = match set {
            Some(set) => Some(self.port_set(task, set)?),
            None => None,
        };
        let current = self.port(port).and_then(|p| p.set);
        match (current, target) {
            (None, None) => return Err(KernError::NotInSet),
            (Some(old), _) => self.remove_member(Some(task), port, old),
            _ => {}
        }
        if let Some(set) = target {
            self.add_member(Some(task), port, set);
            // A task waiting on the port itself learns it moved (Mach 3.0).
            let waiting = self.port_mut(port).and_then(|p| p.waiting_receiver.take());
            if let Some(waiter) = waiting {
                self.record_receive_failed(waiter, port, ports::ReturnCode::RcvPortChanged);
                self.wake(
                    waiter,
                    crate::task::Reply::Receive(Err(crate::error::ReceiveError::PortChanged)),
                    WakeReason::PortChanged,
                );
            }
            // A task waiting on the set may now take a message the port holds.
            self.offer_queued_to_set(set, port);
        }
        Ok(KernReply::Done)
    }

    /// Hands the first queued message of `port` to a task waiting on `set`, if any.
    fn offer_queued_to_set(&mut self, set: PortSetId, port: PortId) {
        let has_waiter = self.set(set).is_some_and(|s| s.waiting_receiver.is_some());
        if !has_waiter {
            return;
        }
        let Some(envelope) = self.port_mut(port).and_then(|p| p.queue.pop()) else {
            return;
        };
        if let Some(envelope) = self.hand_to_waiting_receiver(envelope)
            && let Some(p) = self.port_mut(port)
        {
            // Not taken (too large for the waiting receive): back at the head.
            let mut rest: Vec<_> = p.queue.drain().collect();
            p.queue.push(envelope);
            for e in rest.drain(..) {
                p.queue.push(e);
            }
        }
        self.admit_blocked_senders(port);
    }
}
