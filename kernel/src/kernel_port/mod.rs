//! The kernel port: operations on rights and ports, requested as messages.
//!
//! In Mach, `mach_port_allocate` and its kin are MIG calls: a request message to the
//! task's kernel port, served at once by the kernel, whose reply comes back in the
//! same `mach_msg`. Machsim does the same: each operation is recorded as a
//! `message_sent` to `<task>.kernel` (with the operation's MIG id and arguments), a
//! `message_received` by the kernel, the state changes it makes, and a `kernel_call`
//! event with its result (standing for the reply).

mod ops;
mod request;

use crate::error::KernError;
use crate::state::KernelState;
use crate::task::KernReply;
use crate::trace::Event;
use ports::{
    Entry, EntryObject, NotificationKind, PortId, PortName, PortSetId, QueueLimit, RightKind,
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
        self.record(Some(task), |_| Event::KernelCall {
            call,
            code: code.into(),
        });
        result
    }

    /// One function per operation (Hubris's `kipc.rs`), each in `ops.rs`.
    fn serve(&mut self, task: TaskId, op: KernelOp) -> Result<KernReply, KernError> {
        match op {
            KernelOp::Allocate { limit, label } => self.port_allocate(task, limit, label),
            KernelOp::AllocateSet { label } => self.port_allocate_set(task, label),
            KernelOp::MakeSend { name } => self.port_make_send(task, name),
            KernelOp::Deallocate { name } => self.port_deallocate(task, name),
            KernelOp::Destroy { name } => self.port_destroy(task, name),
            KernelOp::ModRefs { name, right, delta } => {
                self.port_mod_refs(task, name, right, delta)
            }
            KernelOp::SetQueueLimit { name, limit } => self.port_set_queue_limit(task, name, limit),
            KernelOp::RequestNotification {
                name,
                kind,
                notify,
                sync,
            } => self.port_request_notification(task, name, kind, notify, sync),
            KernelOp::MoveMember { member, set } => self.port_move_member(task, member, set),
            KernelOp::RemoveMember { member, set } => self.port_remove_member(task, member, set),
            KernelOp::PortType { name } => self.port_type(task, name),
            KernelOp::InsertRight {
                task_port,
                right,
                disposition,
            } => self.port_insert_right(task, task_port, right, disposition),
            KernelOp::ExtractRight {
                task_port,
                name,
                disposition,
            } => self.port_extract_right(task, task_port, name, disposition),
        }
    }

    /// The entry `name` denotes in `task`'s space, if it holds `right` (any right,
    /// for `None`): the look-up every operation starts with. `invalid_name` if the
    /// name denotes nothing, `invalid_right` if it lacks the right. The entry is
    /// taken as it is stored; see `refreshed_entry` for names that may hold a stale
    /// send right.
    pub(crate) fn entry(
        &self,
        task: TaskId,
        name: PortName,
        right: Option<RightKind>,
    ) -> Result<Entry, KernError> {
        let entry = *self
            .task(task)
            .space
            .get(name)
            .ok_or(KernError::InvalidName)?;
        match right {
            Some(kind) if !entry.rights.contains(kind) => Err(KernError::InvalidRight),
            _ => Ok(entry),
        }
    }

    /// As `entry`, for an operation that uses the name as a right: a send or
    /// send-once right whose port has died is first turned into the dead name it
    /// has become (Mach converts lazily, when the name is next used).
    pub(crate) fn refreshed_entry(
        &mut self,
        task: TaskId,
        name: PortName,
        right: Option<RightKind>,
    ) -> Result<Entry, KernError> {
        self.refresh_name(task, name);
        self.entry(task, name, right)
    }

    /// The port whose receive right `name` is.
    fn receive_right(&self, task: TaskId, name: PortName) -> Result<PortId, KernError> {
        let entry = self.entry(task, name, Some(RightKind::Receive))?;
        entry.port().ok_or(KernError::InvalidRight)
    }

    /// The port set `name` denotes (`invalid_right` for a port).
    fn port_set(&self, task: TaskId, name: PortName) -> Result<PortSetId, KernError> {
        match self.entry(task, name, None)?.object {
            EntryObject::PortSet(set) => Ok(set),
            EntryObject::Port(_) => Err(KernError::InvalidRight),
        }
    }

    /// The port a send right under `name` is for; a right whose port died is first
    /// seen as the dead name it has become (`invalid_right`).
    pub(crate) fn send_right(&mut self, task: TaskId, name: PortName) -> Result<PortId, KernError> {
        let entry = self.refreshed_entry(task, name, Some(RightKind::Send))?;
        entry.port().ok_or(KernError::InvalidRight)
    }
}
