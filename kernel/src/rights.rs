//! Rights the kernel makes and drops outside messages: new ports and sets, send
//! rights it grants, references dropped and names destroyed.
//!
//! Kernel-port operations, the set-up of a run, the services and a task's death
//! all come here, so each right change happens one way, with its consequences
//! (no-senders, send-once and port-deleted notifications, ports dying).

use crate::error::KernError;
use crate::port::Receiver;
use crate::pset::PortSet;
use crate::state::KernelState;
use crate::trace::{Event, PortDestroyReason};
use ports::{EntryObject, PortName, PortSetId, QueueLimit, RightKind, TaskId};

impl KernelState {
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
}
