//! Requests: `NtRequestPort` (a datagram), `NtRequestWaitReplyPort` (a request and
//! its reply, or a callback), and the kernel's own datagrams, `LPC_PORT_CLOSED` and
//! `LPC_CLIENT_DIED` (send.c).

use super::thread::Slotted;
use super::{LpcNow, LpcOut};
use crate::state::KernelState;
use crate::syscall::Now;
use crate::trace::{CallName, WakeReason};
use bytes::Bytes;
use ports::lpc::{LpcMessageType, PortMessage};
use ports::{NtStatus, TaskId};

impl KernelState {
    /// `NtRequestPort`: a datagram. A type other than `new_message` (only the
    /// kernel makes `port_closed` and `client_died`: machsim refuses a typed
    /// datagram, as Windows does) or data information is `invalid_parameter`;
    /// then the handle, the length rules, and the route (`port_disconnected`).
    /// It never waits: an LPC queue has no limit.
    pub(super) fn nt_request_port(
        &mut self,
        task: TaskId,
        handle: u32,
        message: &PortMessage,
    ) -> Result<LpcOut, NtStatus> {
        if message.message_type != LpcMessageType::NewMessage || !message.data_info.is_empty() {
            return Err(NtStatus::InvalidParameter);
        }
        let port = self.lpc_port_of(task, handle)?;
        self.lpc_check_lengths(port, message)?;
        let route = self.lpc_route(port)?;
        let delivered = self.lpc_stamp(task, message, LpcMessageType::Datagram, None);
        self.lpc_set_slot(Some(task), task, 0, None);
        let msg = self.lpc_copy_in(Some(task), port, delivered, route.context);
        self.lpc_enqueue(Some(task), route.queue, msg);
        Ok(LpcOut::Nothing)
    }

    /// `NtRequestWaitReplyPort`. A `new_message` is a request: a task whose slot
    /// is taken is `unsuccessful`; it gets a new message id in its slot, joins the
    /// route's reply chain, is queued as `request`, and waits for the reply. A
    /// `request` is a callback on a message whose sender waits. Any other type is
    /// `invalid_parameter`.
    pub(super) fn nt_request_wait_reply_port(
        &mut self,
        task: TaskId,
        handle: u32,
        request: &PortMessage,
    ) -> LpcNow {
        match self.lpc_request_or_callback(task, handle, request) {
            Ok(()) => Now::Blocked,
            Err(status) => Now::Done(Err(status)),
        }
    }

    fn lpc_request_or_callback(
        &mut self,
        task: TaskId,
        handle: u32,
        request: &PortMessage,
    ) -> Result<(), NtStatus> {
        let callback = match request.message_type {
            LpcMessageType::NewMessage => false,
            LpcMessageType::Request => true,
            _ => return Err(NtStatus::InvalidParameter),
        };
        let port = self.lpc_port_of(task, handle)?;
        self.lpc_check_lengths(port, request)?;
        if callback {
            self.lpc_callback(task, port, request)
        } else {
            self.lpc_request(task, port, request)
        }
    }

    fn lpc_request(
        &mut self,
        task: TaskId,
        port: u32,
        request: &PortMessage,
    ) -> Result<(), NtStatus> {
        let cause = Some(task);
        if self.lpc_thread(task).reply_message_id != 0 {
            return Err(NtStatus::Unsuccessful);
        }
        let route = self.lpc_route(port)?;
        let delivered = self.lpc_stamp(task, request, LpcMessageType::Request, None);
        let message_id = delivered.message_id;
        let msg = self.lpc_copy_in(cause, port, delivered, route.context);
        let call = CallName::NtRequestWaitReplyPort;
        self.lpc_await_reply(task, port, message_id, route.chain, call);
        self.lpc_enqueue(cause, route.queue, msg);
        Ok(())
    }

    /// A callback (send.c's callback branch): the message names a task waiting
    /// for the reply to `message_id` through a port related to the handle's. It
    /// goes straight into that task's slot, with a new callback id, and wakes it
    /// (its wait returns a `request`); the caller now waits on the same message
    /// id, on the route's reply chain, until the task answers with
    /// `NtReplyWaitReplyPort`.
    fn lpc_callback(
        &mut self,
        task: TaskId,
        port: u32,
        request: &PortMessage,
    ) -> Result<(), NtStatus> {
        let cause = Some(task);
        let target = self.lpc_waiting_for(port, request)?;
        let route = self.lpc_route(port)?;
        let message_id = request.message_id;
        let callback_id = self.lpc_next_callback_id();
        let mut delivered =
            self.lpc_stamp(task, request, LpcMessageType::Request, Some(message_id));
        delivered.callback_id = callback_id;
        let msg = self.lpc_copy_in(cause, port, delivered, route.context);
        self.lpc_set_slot(cause, target, 0, None);
        let call = CallName::NtRequestWaitReplyPort;
        self.lpc_await_reply(task, port, message_id, route.chain, call);
        self.lpc_hand_message(cause, target, msg, WakeReason::Callback);
        Ok(())
    }

    /// The task a reply or a callback through `port` answers (reply.c, send.c): an
    /// id of 0 is `invalid_parameter`; no task ever had the client id is
    /// `invalid_cid`; a task not waiting on that id, one whose slot holds
    /// something other than a request, or one that waits through a port unrelated
    /// to `port` (`LpcpValidateClientPort`) is `reply_message_mismatch`.
    pub(super) fn lpc_waiting_for(
        &self,
        port: u32,
        message: &PortMessage,
    ) -> Result<TaskId, NtStatus> {
        if message.message_id == 0 {
            return Err(NtStatus::InvalidParameter);
        }
        let target = self.lpc_task_of(message.client_id)?;
        let thread = self
            .lpc_thread_of(target)
            .filter(|t| t.reply_message_id == message.message_id)
            .ok_or(NtStatus::ReplyMessageMismatch)?;
        let holds_other = match &thread.reply_message {
            Some(Slotted::Message(m)) => m.message.message_type != LpcMessageType::Request,
            Some(Slotted::ConnectionRequest { .. }) => true,
            None => false,
        };
        if holds_other || !self.lpc_related(port, thread.port) {
            return Err(NtStatus::ReplyMessageMismatch);
        }
        Ok(target)
    }

    /// NT's length rules against the limit of the port a message goes through.
    pub(super) fn lpc_check_lengths(
        &self,
        port: u32,
        message: &PortMessage,
    ) -> Result<(), NtStatus> {
        let max = self.lpc_port(port).map_or(0, |p| p.max_message_length);
        message.check(max)
    }

    /// The message as the kernel delivers it: the header stamped with `task`'s
    /// client id, the type, and the message id (`reply_to`, or a new one), the
    /// data as the header claims it.
    pub(super) fn lpc_stamp(
        &mut self,
        task: TaskId,
        message: &PortMessage,
        message_type: LpcMessageType,
        reply_to: Option<u32>,
    ) -> PortMessage {
        let message_id = match reply_to {
            Some(id) => id,
            None => self.lpc_next_message_id(),
        };
        PortMessage {
            message_type,
            client_id: self.lpc_cid(task),
            message_id,
            data: message.declared_data(),
            ..message.clone()
        }
    }

    /// A message the kernel sends through `port` about `about`'s end or its
    /// port's (close.c, kill.c): a datagram of `message_type` whose data is the
    /// task's creation time (8 bytes, little-endian), routed as a datagram from
    /// that port; nothing is sent when the route is gone.
    pub(super) fn lpc_kernel_datagram(
        &mut self,
        cause: Option<TaskId>,
        port: u32,
        message_type: LpcMessageType,
        about: TaskId,
    ) {
        let Ok(route) = self.lpc_route(port) else {
            return;
        };
        let created = self.task(about).created_ns;
        let mut message = PortMessage::new(Bytes::copy_from_slice(&created.to_le_bytes()));
        message.message_type = message_type;
        message.client_id = self.lpc_cid(about);
        message.message_id = self.lpc_next_message_id();
        let msg = self.lpc_copy_in(None, port, message, route.context);
        self.lpc_enqueue(cause, route.queue, msg);
    }
}
