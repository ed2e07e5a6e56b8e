//! The kernel port: operations on rights and ports, requested as messages.
//!
//! In Mach, `mach_port_allocate` and its kin are MIG calls: a request message to the
//! task's kernel port, served at once by the kernel, whose reply comes back in the
//! same `mach_msg`. Machsim does the same: each operation is recorded as a
//! `message_sent` to `<task>.kernel` (with the operation's MIG id and arguments), a
//! `message_received` by the kernel, the state changes it makes, and a `kernel_call`
//! event with its result (standing for the reply).

use crate::envelope::{Carried, Envelope, KItem, Origin};
use crate::error::KernError;
use crate::port::Receiver;
use crate::pset::PortSet;
use crate::state::KernelState;
use crate::task::KernReply;
use crate::trace::{CallName, Event, PortDestroyReason, WakeReason};
use ports::{
    EntryObject, Item, MessageId, NotificationKind, PortName, PortSetId, QueueLimit, RightKind,
    TaskId,
};

/// One operation on the kernel port (a decoded request message, Hubris's `Kipcnum`).
#[derive(Clone, Debug, PartialEq)]
pub enum KernelOp {
    /// `mach_port_allocate(RECEIVE)`: a new port whose receive right the task holds.
    Allocate {
        /// Its queue limit (bounded ones at most 1024, else `invalid_value`).
        limit: QueueLimit,
        /// Its label in traces; `None` makes an anonymous port, shown by its id.
        label: Option<String>,
    },
    /// `mach_port_allocate(PORT_SET)`: a new, empty port set.
    AllocateSet {
        /// Its label in traces.
        label: Option<String>,
    },
    /// `mach_port_insert_right(name, name, MAKE_SEND)`: one more send reference made
    /// from the task's receive right.
    MakeSend {
        /// A receive right.
        name: PortName,
    },
    /// `mach_port_deallocate`: drop one reference of a send, send-once or dead name.
    Deallocate {
        /// The name.
        name: PortName,
    },
    /// `mach_port_destroy`: drop every right under the name.
    Destroy {
        /// The name.
        name: PortName,
    },
    /// `mach_port_mod_refs`: add `delta` user references of `right` (negative drops).
    ModRefs {
        /// The name.
        name: PortName,
        /// The right whose references change.
        right: RightKind,
        /// The change.
        delta: i32,
    },
    /// `mach_port_set_qlimit`: change a port's queue limit (receive right needed).
    SetQueueLimit {
        /// A receive right.
        name: PortName,
        /// The new limit (0..=1024), or `None` for unbounded.
        limit: Option<u32>,
    },
    /// `mach_port_request_notification`.
    RequestNotification {
        /// The right the request is about.
        name: PortName,
        /// `DeadName`, `NoSenders` or `PortDestroyed`.
        kind: NotificationKind,
        /// A receive right the notification goes to (made into a send-once right).
        notify: PortName,
        /// For no-senders, the make-send count to wait for; for dead-name, fire at
        /// once if the name is already dead.
        sync: u32,
    },
    /// `mach_port_move_member`: put a port in a set (`Some`) or take it out (`None`).
    MoveMember {
        /// A receive right.
        member: PortName,
        /// A port set, or `None` to leave the current set.
        set: Option<PortName>,
    },
    /// Take a port out of a named set (`not_in_set` if it is not in it).
    RemoveMember {
        /// A receive right.
        member: PortName,
        /// The set it should be in.
        set: PortName,
    },
    /// `mach_port_insert_right`: gives the task whose kernel port `task_port` names
    /// a right the caller holds, as if it had received it in a message (a send right
    /// merges into the name it already has for the port). Returns its name there.
    InsertRight {
        /// A send right to the target task's kernel port (the caller's own works too).
        task_port: PortName,
        /// The right in the caller's space.
        right: PortName,
        /// How it is taken from the caller.
        disposition: ports::Disposition,
    },
    /// `mach_port_extract_right`: takes a right out of the task whose kernel port
    /// `task_port` names, as if that task had sent it, into the caller's space.
    /// Returns its name in the caller's space.
    ExtractRight {
        /// A send right to the target task's kernel port.
        task_port: PortName,
        /// The right's name in the target's space.
        name: PortName,
        /// How it is taken from the target.
        disposition: ports::Disposition,
    },
    /// `mach_port_type` and `mach_port_get_refs`: what the name denotes.
    PortType {
        /// The name.
        name: PortName,
    },
}

impl KernelOp {
    /// The operation's MIG message id: the `mach_port` subsystem's numbers as XNU's
    /// `mach_port.defs` gives them (3201 `type` … 3215 `extract_right`); 3216 for
    /// `set_queue_limit` is machsim's own choice (Mach sets the limit through
    /// `mach_port_set_attributes`).
    pub fn id(&self) -> i32 {
        match self {
            KernelOp::PortType { .. } => 3201,
            KernelOp::Allocate { .. } | KernelOp::AllocateSet { .. } => 3204,
            KernelOp::Destroy { .. } => 3205,
            KernelOp::Deallocate { .. } => 3206,
            KernelOp::ModRefs { .. } => 3208,
            KernelOp::MoveMember { .. } | KernelOp::RemoveMember { .. } => 3212,
            KernelOp::RequestNotification { .. } => 3213,
            KernelOp::MakeSend { .. } | KernelOp::InsertRight { .. } => 3214,
            KernelOp::ExtractRight { .. } => 3215,
            KernelOp::SetQueueLimit { .. } => 3216,
        }
    }

    /// The operation's name in traces.
    pub fn name(&self) -> CallName {
        match self {
            KernelOp::Allocate { .. } => CallName::Allocate,
            KernelOp::AllocateSet { .. } => CallName::AllocateSet,
            KernelOp::MakeSend { .. } => CallName::MakeSend,
            KernelOp::Deallocate { .. } => CallName::Deallocate,
            KernelOp::Destroy { .. } => CallName::Destroy,
            KernelOp::ModRefs { .. } => CallName::ModRefs,
            KernelOp::SetQueueLimit { .. } => CallName::SetQueueLimit,
            KernelOp::RequestNotification { .. } => CallName::RequestNotification,
            KernelOp::MoveMember { .. } => CallName::MoveMember,
            KernelOp::RemoveMember { .. } => CallName::RemoveMember,
            KernelOp::PortType { .. } => CallName::PortType,
            KernelOp::InsertRight { .. } => CallName::InsertRight,
            KernelOp::ExtractRight { .. } => CallName::ExtractRight,
        }
    }

    fn arguments(&self) -> Vec<KItem> {
        let name = |n: &PortName| KItem::Data(Item::U32(n.0));
        match self {
            KernelOp::Allocate { limit, .. } => vec![KItem::Data(Item::Str(limit.to_string()))],
            KernelOp::AllocateSet { .. } => Vec::new(),
            KernelOp::MakeSend { name: n }
            | KernelOp::Deallocate { name: n }
            | KernelOp::Destroy { name: n }
            | KernelOp::PortType { name: n } => vec![name(n)],
            KernelOp::ModRefs { name: n, delta, .. } => {
                vec![name(n), KItem::Data(Item::I32(*delta))]
            }
            KernelOp::SetQueueLimit { name: n, limit } => {
                vec![name(n), KItem::Data(Item::U32(limit.unwrap_or(u32::MAX)))]
            }
            KernelOp::RequestNotification {
                name: n,
                kind,
                notify,
                sync,
            } => vec![
                name(n),
                KItem::Data(Item::I32(kind.id())),
                name(notify),
                KItem::Data(Item::U32(*sync)),
            ],
            KernelOp::MoveMember { member, set } => {
                vec![name(member), name(&set.unwrap_or(PortName::NULL))]
            }
            KernelOp::RemoveMember { member, set } => vec![name(member), name(set)],
            KernelOp::InsertRight {
                task_port,
                right,
                disposition,
            } => vec![
                name(task_port),
                name(right),
                KItem::Data(Item::U32(disposition.mach_value())),
            ],
            KernelOp::ExtractRight {
                task_port,
                name: n,
                disposition,
            } => vec![
                name(task_port),
                name(n),
                KItem::Data(Item::U32(disposition.mach_value())),
            ],
        }
    }
}

impl KernelState {
    /// Serves one kernel-port operation for `task`, traced as a request message.
    pub(crate) fn sys_kernel(
        &mut self,
        task: TaskId,
        op: KernelOp,
    ) -> Result<KernReply, KernError> {
        self.kernel_request(task, op.id(), || op.arguments());
        let call = op.name();
        let result = self.serve(task, op);
        let code = match &result {
            Ok(_) => ports::ReturnCode::Success,
            Err(e) => e.code(),
        };
        self.record(Some(task), |_| Event::KernelCall { call, code });
        result
    }

    /// Records a request to `task`'s kernel port, received at once by the kernel:
    /// how every kernel-port operation and service call appears in the trace.
    ///
    /// The request's body only shows in the trace (the kernel reads the operation,
    /// not the message), so it is built only when tracing; the serial number, the
    /// counts and the right bookkeeping are the same either way.
    pub(crate) fn kernel_request(
        &mut self,
        task: TaskId,
        id: i32,
        arguments: impl FnOnce() -> Vec<KItem>,
    ) {
        let body = if self.trace.enabled() {
            arguments()
        } else {
            Vec::new()
        };
        let kernel_port = self.task(task).kernel_port;
        let size = KItem::body_size(&body);
        let serial = self.next_serial();
        self.counts.sent += 1;
        // The request goes through a copy of the task's send right to its kernel
        // port, which the kernel's receipt consumes.
        if let Some(p) = self.port_mut(kernel_port) {
            p.srights += 1;
        }
        let request = Envelope {
            serial,
            id: MessageId(id),
            size,
            sender: Some(task),
            dest: Carried {
                port: kernel_port,
                kind: RightKind::Send,
            },
            reply: None,
            body,
            forced: None,
            origin: Origin::Task,
            arrival: 0,
        };
        self.record_sent(Some(task), &request);
        self.receive_by_kernel(Some(task), request);
    }

    /// `mach_port_allocate(RECEIVE)`: a new port whose receive right `task` holds.
    /// Refused before anything is made, so a failed call leaves no trace.
    pub(crate) fn allocate_receive(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        label: &str,
        limit: QueueLimit,
    ) -> Result<PortName, KernError> {
        if self.task(task).space.is_full() {
            return Err(KernError::NoSpace);
        }
        if let QueueLimit::Bounded(n) = limit
            && n > QueueLimit::MAX
        {
            return Err(KernError::InvalidValue);
        }
        let port = self.create_port(cause, label, limit, Receiver::Task(task));
        // The space had room, so the insert cannot fail.
        let name = self.task_mut(task).space.insert_receive(port)?;
        self.record_name(cause, task, name, EntryObject::Port(port));
        Ok(name)
    }

    /// `mach_port_allocate(PORT_SET)`: a new, empty port set `task` holds.
    pub(crate) fn allocate_set(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        label: &str,
    ) -> Result<(PortSetId, PortName), KernError> {
        if self.task(task).space.is_full() {
            return Err(KernError::NoSpace);
        }
        let label = self.unique_label(label);
        let (index, generation) = self.sets.insert(PortSet {
            label: label.clone(),
            members: Vec::new(),
            waiting_receiver: None,
        });
        let set = PortSetId::new(index, generation);
        self.record(cause, |k| Event::PortSetAllocated {
            set: label.clone(),
            holder: k.task_label(task),
        });
        let name = self.task_mut(task).space.insert_port_set(set)?;
        self.record_name(cause, task, name, EntryObject::PortSet(set));
        Ok((set, name))
    }

    /// Makes a send right from `port` (held by the kernel or by a receive right)
    /// and gives it to `task`, one user reference, as `make_send` does: the port's
    /// make-send count goes up, and its send-right count if `task` had none.
    pub(crate) fn grant_send(
        &mut self,
        cause: Option<TaskId>,
        task: TaskId,
        port: ports::PortId,
    ) -> Result<PortName, ports::SpaceError> {
        let space = &self.task(task).space;
        let had = space
            .name_of(port)
            .and_then(|n| space.get(n))
            .is_some_and(|e| e.rights.contains(RightKind::Send));
        let name = self.task_mut(task).space.insert_send(port, 1)?;
        if let Some(p) = self.port_mut(port) {
            p.mscount += 1;
            if !had {
                p.srights += 1;
            }
        }
        self.record_name(cause, task, name, EntryObject::Port(port));
        Ok(name)
    }

    fn serve(&mut self, task: TaskId, op: KernelOp) -> Result<KernReply, KernError> {
        match op {
            KernelOp::Allocate { limit, label } => self
                .allocate_receive(Some(task), task, label.as_deref().unwrap_or(""), limit)
                .map(KernReply::Name),
            KernelOp::AllocateSet { label } => {
                let label = label.unwrap_or_else(|| format!("{}.set", self.task(task).name));
                self.allocate_set(Some(task), task, &label)
                    .map(|(_, name)| KernReply::Name(name))
            }
            KernelOp::MakeSend { name } => {
                let entry = *self
                    .task(task)
                    .space
                    .get(name)
                    .ok_or(KernError::InvalidName)?;
                let port = entry.port().ok_or(KernError::InvalidRight)?;
                if !entry.rights.contains(RightKind::Receive) {
                    return Err(KernError::InvalidRight);
                }
                self.grant_send(Some(task), task, port)?;
                Ok(KernReply::Done)
            }
            KernelOp::Deallocate { name } => {
                self.refresh_name(task, name);
                let entry = *self
                    .task(task)
                    .space
                    .get(name)
                    .ok_or(KernError::InvalidName)?;
                let kind = [RightKind::Send, RightKind::SendOnce, RightKind::DeadName]
                    .into_iter()
                    .find(|k| entry.rights.contains(*k))
                    .ok_or(KernError::InvalidRight)?;
                self.drop_right(task, name, kind);
                Ok(KernReply::Done)
            }
            KernelOp::ModRefs { name, right, delta } => {
                self.refresh_name(task, name);
                let entry = *self
                    .task(task)
                    .space
                    .get(name)
                    .ok_or(KernError::InvalidName)?;
                if !entry.rights.contains(right) {
                    return Err(KernError::InvalidRight);
                }
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
            KernelOp::Destroy { name } => {
                self.refresh_name(task, name);
                let entry = *self
                    .task(task)
                    .space
                    .get(name)
                    .ok_or(KernError::InvalidName)?;
                self.destroy_name(task, name, entry, PortDestroyReason::Destroyed, Some(task));
                Ok(KernReply::Done)
            }
            KernelOp::SetQueueLimit { name, limit } => {
                let entry = *self
                    .task(task)
                    .space
                    .get(name)
                    .ok_or(KernError::InvalidName)?;
                if !entry.rights.contains(RightKind::Receive) {
                    return Err(KernError::InvalidRight);
                }
                let limit = match limit {
                    None => QueueLimit::Unbounded,
                    Some(n) => QueueLimit::bounded(n).ok_or(KernError::InvalidValue)?,
                };
                let port = entry.port().ok_or(KernError::InvalidRight)?;
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
            KernelOp::RequestNotification {
                name,
                kind,
                notify,
                sync,
            } => self.request_notification(task, name, kind, notify, sync),
            KernelOp::MoveMember { member, set } => self.move_member(task, member, set),
            KernelOp::RemoveMember { member, set } => {
                let set_entry = *self
                    .task(task)
                    .space
                    .get(set)
                    .ok_or(KernError::InvalidName)?;
                let EntryObject::PortSet(set_id) = set_entry.object else {
                    return Err(KernError::InvalidRight);
                };
                let entry = *self
                    .task(task)
                    .space
                    .get(member)
                    .ok_or(KernError::InvalidName)?;
                let port = entry
                    .port()
                    .filter(|_| entry.rights.contains(RightKind::Receive))
                    .ok_or(KernError::InvalidRight)?;
                if self.port(port).and_then(|p| p.set) != Some(set_id) {
                    return Err(KernError::NotInSet);
                }
                self.remove_member(Some(task), port, set_id);
                Ok(KernReply::Done)
            }
            KernelOp::InsertRight {
                task_port,
                right,
                disposition,
            } => {
                let target = self.task_of_port(task, task_port)?;
                self.transfer_right(task, right, disposition, target)
            }
            KernelOp::ExtractRight {
                task_port,
                name,
                disposition,
            } => {
                let target = self.task_of_port(task, task_port)?;
                self.transfer_right(target, name, disposition, task)
            }
            KernelOp::PortType { name } => {
                self.refresh_name(task, name);
                let entry = self
                    .task(task)
                    .space
                    .get(name)
                    .ok_or(KernError::InvalidName)?;
                Ok(KernReply::Type {
                    rights: entry.rights,
                    urefs: entry.urefs,
                })
            }
        }
    }

    /// Drops one reference of `kind` under `name`, with every consequence: a send
    /// right's last reference may fire no-senders, a send-once right destroyed unused
    /// sends a send-once notification, a freed name with a dead-name request sends
    /// port-deleted.
    pub(crate) fn drop_right(&mut self, task: TaskId, name: PortName, kind: RightKind) {
        let Ok((before, freed)) = self.task_mut(task).space.remove_right(name, kind) else {
            return;
        };
        self.record_name(Some(task), task, name, before.object);
        let Some(port) = before.port() else { return };
        let gone = freed
            || !self
                .task(task)
                .space
                .get(name)
                .is_some_and(|e| e.rights.contains(kind));
        match kind {
            RightKind::Send if gone => self.release_send(port),
            RightKind::SendOnce => self.release_send_once(port),
            _ => {}
        }
        if freed {
            self.name_freed(task, name, port, before.dead_name_request);
        }
    }

    /// Removes every right under a name (Mach's `mach_port_destroy`).
    pub(crate) fn destroy_name(
        &mut self,
        task: TaskId,
        name: PortName,
        entry: ports::Entry,
        reason: PortDestroyReason,
        cause: Option<TaskId>,
    ) {
        match entry.object {
            EntryObject::PortSet(set) => {
                let _ = self.task_mut(task).space.remove_name(name);
                self.record_name(cause, task, name, entry.object);
                self.destroy_set(set, cause);
            }
            EntryObject::Port(port) => {
                if entry.rights.contains(RightKind::Send) {
                    let _ = self
                        .task_mut(task)
                        .space
                        .remove_right(name, RightKind::Send)
                        .map(|_| ());
                    if let Some(e) = self.task_mut(task).space.get_mut(name) {
                        e.urefs = 0;
                        e.rights = e.rights.without(RightKind::Send);
                    }
                    self.release_send(port);
                }
                if entry.rights.contains(RightKind::SendOnce) {
                    self.release_send_once(port);
                }
                if entry.rights.contains(RightKind::Receive) {
                    self.destroy_port(port, reason, cause);
                }
                // Destroying a receive right already recorded the name's new state;
                // record again only if something was left under it to remove.
                if self.task(task).space.get(name).is_some() {
                    let _ = self.task_mut(task).space.remove_name(name);
                    self.record_name(cause, task, name, entry.object);
                } else if !entry.rights.contains(RightKind::Receive) {
                    self.record_name(cause, task, name, entry.object);
                }
                self.name_freed(task, name, port, entry.dead_name_request);
            }
        }
    }

    /// The task whose kernel port `name` (in `task`'s space) is a send right to.
    fn task_of_port(&mut self, task: TaskId, name: PortName) -> Result<TaskId, KernError> {
        self.refresh_name(task, name);
        let entry = *self
            .task(task)
            .space
            .get(name)
            .ok_or(KernError::InvalidName)?;
        if !entry.rights.contains(RightKind::Send) {
            return Err(KernError::InvalidRight);
        }
        let port = entry.port().ok_or(KernError::InvalidRight)?;
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
        self.refresh_name(from, name);
        let entry = *self
            .task(from)
            .space
            .get(name)
            .ok_or(KernError::InvalidName)?;
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

    fn request_notification(
        &mut self,
        task: TaskId,
        name: PortName,
        kind: NotificationKind,
        notify: PortName,
        sync: u32,
    ) -> Result<KernReply, KernError> {
        self.refresh_name(task, name);
        let entry = *self
            .task(task)
            .space
            .get(name)
            .ok_or(KernError::InvalidName)?;
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
                self.record(Some(task), |k| Event::NotificationRequested {
                    port: k.port_label(port),
                    kind,
                    notify: k.port_label(notify_port),
                    name: name.0,
                    sync,
                });
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
                self.record(Some(task), |k| Event::NotificationRequested {
                    port: k.port_label(port),
                    kind,
                    notify: k.port_label(notify_port),
                    name: name.0,
                    sync,
                });
                Ok(KernReply::Previous(PortName::NULL))
            }
            _ => Err(KernError::InvalidValue),
        }
    }

    fn move_member(
        &mut self,
        task: TaskId,
        member: PortName,
        set: Option<PortName>,
    ) -> Result<KernReply, KernError> {
        let entry = *self
            .task(task)
            .space
            .get(member)
            .ok_or(KernError::InvalidName)?;
        let port = entry
            .port()
            .filter(|_| entry.rights.contains(RightKind::Receive))
            .ok_or(KernError::InvalidRight)?;
        let target = match set {
            Some(set) => {
                let e = *self
                    .task(task)
                    .space
                    .get(set)
                    .ok_or(KernError::InvalidName)?;
                match e.object {
                    EntryObject::PortSet(s) => Some(s),
                    EntryObject::Port(_) => return Err(KernError::InvalidRight),
                }
            }
            None => None,
        };
        let current = self.port(port).and_then(|p| p.set);
        match (current, target) {
            (None, None) => return Err(KernError::NotInSet),
            (Some(old), _) => self.remove_member(Some(task), port, old),
            _ => {}
        }
        if let Some(set) = target {
            if let Some(p) = self.port_mut(port) {
                p.set = Some(set);
            }
            if let Some(s) = self.set_mut(set) {
                s.members.push(port);
            }
            self.record(Some(task), |k| Event::MemberAdded {
                port: k.port_label(port),
                set: k.set_label(set),
            });
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
    fn offer_queued_to_set(&mut self, set: PortSetId, port: ports::PortId) {
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
