//! Replies: `NtReplyPort`, `NtReplyWaitReceivePort` and `NtReplyWaitReplyPort`, and
//! the one hand-over they share: a reply goes straight into the waiting task's
//! slot, never through a queue, and never waits (reply.c).

use super::{LpcNow, LpcOut};
use crate::state::KernelState;
use crate::syscall::Now;
use crate::trace::{CallName, WakeReason};
use ports::lpc::{LpcMessageType, LpcPortKind, PortMessage};
use ports::{NtStatus, TaskId};

impl KernelState {
    /// `NtReplyPort`.
    pub(super) fn nt_reply_port(
        &mut self,
        task: TaskId,
        handle: u32,
        reply: &PortMessage,
    ) -> Result<LpcOut, NtStatus> {
        let port = self.lpc_port_of(task, handle)?;
        self.lpc_reply(task, port, reply)?;
        Ok(LpcOut::Nothing)
    }

    /// `NtReplyWaitReceivePort(Ex)`: the reply first (its errors return at once),
    /// then a receive on the handle's queue, bounded by `timeout_ms`.
    pub(super) fn nt_reply_wait_receive_port(
        &mut self,
        task: TaskId,
        handle: u32,
        reply: Option<&PortMessage>,
        timeout_ms: Option<u64>,
    ) -> LpcNow {
        let port = match self.lpc_port_of(task, handle) {
            Ok(port) => port,
            Err(status) => return Now::Done(Err(status)),
        };
        if let Some(reply) = reply
            && let Err(status) = self.lpc_reply(task, port, reply)
        {
            return Now::Done(Err(status));
        }
        self.lpc_receive(task, port, false, timeout_ms)
    }

    /// `NtReplyWaitReplyPort`: the reply, then a wait for the reply to the same
    /// message id, on the reply chain of the handle's port (a connection port) or
    /// of its peer. This is how a client answers a callback and waits on for the
    /// server's final reply: one id carries the whole conversation. A port whose
    /// peer is gone has no chain to wait on: `port_disconnected` (the reply has
    /// gone through).
    pub(super) fn nt_reply_wait_reply_port(
        &mut self,
        task: TaskId,
        handle: u32,
        reply: &PortMessage,
    ) -> LpcNow {
        let port = match self.lpc_port_of(task, handle) {
            Ok(port) => port,
            Err(status) => return Now::Done(Err(status)),
        };
        if let Err(status) = self.lpc_reply(task, port, reply) {
            return Now::Done(Err(status));
        }
        let chain = self.lpc_port(port).and_then(|p| match p.kind {
            LpcPortKind::Connection => Some(port),
            LpcPortKind::Communication | LpcPortKind::Client => p.connected,
        });
        let Some(chain) = chain else {
            return Now::Done(Err(NtStatus::PortDisconnected));
        };
        let call = CallName::NtReplyWaitReplyPort;
        self.lpc_await_reply(task, port, reply.message_id, chain, call);
        Now::Blocked
    }

    /// The reply the three calls share: the length rules, then the task it
    /// answers (`lpc_waiting_for`'s checks); the reply, stamped `reply` with the
    /// message and callback ids it answers, goes into that task's slot, which
    /// empties; the task leaves its chain, the request's data information is
    /// dropped, and the task wakes.
    fn lpc_reply(&mut self, task: TaskId, port: u32, reply: &PortMessage) -> Result<(), NtStatus> {
        let cause = Some(task);
        self.lpc_check_lengths(port, reply)?;
        let target = self.lpc_waiting_for(port, reply)?;
        let message_id = reply.message_id;
        let delivered = self.lpc_stamp(task, reply, LpcMessageType::Reply, Some(message_id));
        let msg = self.lpc_copy_in(cause, port, delivered, 0);
        self.lpc_set_slot(cause, target, 0, None);
        self.services
            .lpc
            .data_info
            .retain(|r| !(r.message_id == message_id && r.client == target));
        self.lpc_hand_message(cause, target, msg, WakeReason::Replied);
        Ok(())
    }
}
