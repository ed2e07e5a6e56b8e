//! Closing and deleting ports (close.c): `NtClose`, the last handle of a
//! connection port, a port's deletion when nothing holds or refers to it (its
//! rundown: `LPC_PORT_CLOSED`, the other end disconnected, its waiters woken with
//! no message, its queue destroyed, its views unmapped), and
//! `NtRegisterThreadTerminatePort` (kill.c), whose registration keeps a port.

use super::LpcAnswer;
use super::LpcOut;
use super::thread::Slotted;
use super::wait::LpcWait;
use crate::state::KernelState;
use crate::task::Reply;
use crate::trace::{Event, LpcDestroyReason, WakeReason};
use ports::lpc::{LpcMessageType, LpcPortKind};
use ports::{NtStatus, TaskId};

impl KernelState {
    /// `NtClose` of an LPC port handle (no such handle: `invalid_handle`; a
    /// mapping or a pipe end: `object_type_mismatch`, each service closes its own).
    pub(super) fn nt_close(&mut self, task: TaskId, handle: u32) -> Result<LpcOut, NtStatus> {
        let port = self.lpc_port_of(task, handle)?;
        self.lpc_close_task_handle(Some(task), task, port);
        Ok(LpcOut::Nothing)
    }

    /// `NtRegisterThreadTerminatePort`: `client_died` goes through the port when
    /// the task ends, newest registration first; the registration keeps the port
    /// until then.
    pub(super) fn nt_register_thread_terminate_port(
        &mut self,
        task: TaskId,
        handle: u32,
    ) -> Result<LpcOut, NtStatus> {
        let port = self.lpc_port_of(task, handle)?;
        self.lpc_thread(task).terminate_ports.insert(0, port);
        self.record(Some(task), |k| Event::LpcTerminatePortRegistered {
            port: k.lpc_label(port),
        });
        Ok(LpcOut::Nothing)
    }

    /// Closes `holder`'s handle on `port` (taking it out of its handle table).
    pub(super) fn lpc_close_task_handle(
        &mut self,
        cause: Option<TaskId>,
        holder: TaskId,
        port: u32,
    ) {
        let Some(handle) = self.lpc_port(port).and_then(|p| p.handle) else {
            return;
        };
        self.task_mut(holder).handles.remove(&handle);
        self.lpc_handle_closed(cause, holder, handle, port);
    }

    /// A port's one handle went (closed, or its task ended with it open). The last
    /// handle of a connection port deletes its name, refuses the connects waiting
    /// on it and flushes its queue (close.c `LpcpClosePort`); then the port is
    /// deleted if nothing refers to it.
    pub(crate) fn lpc_handle_closed(
        &mut self,
        cause: Option<TaskId>,
        holder: TaskId,
        handle: u32,
        port: u32,
    ) {
        let Some(p) = self.lpc_port_mut(port) else {
            return;
        };
        p.handle = None;
        let kind = p.kind;
        self.record(cause, |k| Event::LpcPortClosed {
            port: k.lpc_label(port),
            holder: k.task_label(holder),
            handle,
        });
        if kind == LpcPortKind::Connection {
            self.lpc_close_connection_port(cause, port);
        }
        self.lpc_delete_if_unreferenced(cause, port);
    }

    /// `LpcpDestroyPortQueue(Port, FALSE)` on a connection port's last close: the
    /// name goes, the queue is flushed, and the tasks on its reply chain (clients
    /// in `NtConnectPort`, an accepted one not yet completed among them) wake with
    /// no message, refused. Established connections keep the port and go on.
    fn lpc_close_connection_port(&mut self, cause: Option<TaskId>, port: u32) {
        let Some(p) = self.lpc_port_mut(port) else {
            return;
        };
        p.name_deleted = true;
        let name = p.name.clone();
        let waiters = std::mem::take(&mut p.reply_chain);
        let flushed = std::mem::take(&mut p.queue);
        if let Some(name) = name {
            self.services.lpc.names.remove(&*name);
            self.record(cause, |k| Event::LpcNameDeleted {
                port: k.lpc_label(port),
                name: name.clone(),
            });
        }
        for msg in flushed {
            self.lpc_destroy(cause, msg, LpcDestroyReason::ConnectionPortClosed);
        }
        for task in waiters {
            self.lpc_wake_empty(cause, task, LpcDestroyReason::ConnectionPortClosed);
        }
    }

    /// Deletes `port` if no handle names it and nothing refers to it.
    pub(super) fn lpc_delete_if_unreferenced(&mut self, cause: Option<TaskId>, port: u32) {
        let unheld = self.lpc_port(port).is_some_and(|p| p.handle.is_none());
        if unheld && !self.lpc_is_referenced(port) {
            self.lpc_delete(cause, port);
        }
    }

    /// `LpcpDeletePort`: a connected client port first sends `LPC_PORT_CLOSED`
    /// through itself, exactly as a datagram; the other end loses its connection;
    /// the tasks on the port's reply chain wake with no message (`lpc_reply_lost`);
    /// its queue is destroyed, its views unmapped, the data information its
    /// client left dropped; then it is gone, and its connection port with it if
    /// nothing else refers to that.
    fn lpc_delete(&mut self, cause: Option<TaskId>, port: u32) {
        let Some(p) = self.lpc_port(port) else {
            return;
        };
        let (kind, connected, owner) = (p.kind, p.connected, p.owner);
        if kind == LpcPortKind::Client && connected.is_some() {
            self.lpc_kernel_datagram(cause, port, LpcMessageType::PortClosed, owner);
        }
        if let Some(peer) = connected {
            self.lpc_disconnect(cause, peer);
        }
        let Some(p) = self.lpc_port_mut(port) else {
            return;
        };
        let waiters = std::mem::take(&mut p.reply_chain);
        let receivers = std::mem::take(&mut p.receivers);
        let queue = std::mem::take(&mut p.queue);
        let views = std::mem::take(&mut p.views);
        for task in waiters {
            self.lpc_wake_empty(cause, task, LpcDestroyReason::PortDeleted);
        }
        for task in receivers {
            let answer = LpcAnswer::failed(NtStatus::PortDisconnected);
            self.wake(task, Reply::Lpc(answer), WakeReason::ReplyLost);
        }
        for msg in queue {
            self.lpc_destroy(cause, msg, LpcDestroyReason::PortDeleted);
        }
        self.lpc_unmap_views(cause, views);
        self.services.lpc.data_info.retain(|r| r.via != port);
        let Some(p) = self.services.lpc.ports.remove(&port) else {
            return;
        };
        if let Some(name) = p.name.as_deref().filter(|_| !p.name_deleted) {
            self.services.lpc.names.remove(name);
        }
        let label = p.label.clone();
        self.record(cause, |_| Event::LpcPortDeleted { port: label });
        if let Some(connection) = p.connection.filter(|c| *c != port) {
            self.lpc_delete_if_unreferenced(cause, connection);
        }
    }

    /// `peer` loses the other end of its connection, and its connection port
    /// (deleted if that was the last thing referring to it and no handle names it).
    fn lpc_disconnect(&mut self, cause: Option<TaskId>, peer: u32) {
        let Some(p) = self.lpc_port_mut(peer) else {
            return;
        };
        p.connected = None;
        let connection = if p.kind == LpcPortKind::Connection {
            None
        } else {
            p.connection.take()
        };
        self.record(cause, |k| Event::LpcPortDisconnected {
            port: k.lpc_label(peer),
        });
        if let Some(connection) = connection {
            self.lpc_delete_if_unreferenced(cause, connection);
        }
    }

    /// A task on a reply chain that goes wakes with no message (close.c
    /// `LpcpDestroyPortQueue`): a connect is refused (an accept's parked answer
    /// destroyed for `reason`, and its client port closed); a wait for a reply
    /// gets `lpc_reply_lost`.
    fn lpc_wake_empty(&mut self, cause: Option<TaskId>, task: TaskId, reason: LpcDestroyReason) {
        let parked = self.lpc_thread(task).reply_message.take();
        if let Some(Slotted::Message(msg)) = parked {
            self.lpc_destroy(cause, msg, reason);
        }
        self.lpc_set_slot(cause, task, 0, None);
        match self.lpc_waiting(task) {
            Some(LpcWait::Connect { client_port, .. }) => {
                self.lpc_close_task_handle(cause, task, client_port);
                let answer = LpcAnswer {
                    status: NtStatus::PortConnectionRefused,
                    out: LpcOut::ConnectionInfo(bytes::Bytes::new()),
                };
                self.wake(task, Reply::Lpc(answer), WakeReason::Refused);
            }
            Some(LpcWait::Reply { .. }) => {
                let answer = LpcAnswer::failed(NtStatus::LpcReplyLost);
                self.wake(task, Reply::Lpc(answer), WakeReason::ReplyLost);
            }
            Some(LpcWait::Receive { .. }) | None => {}
        }
    }
}
