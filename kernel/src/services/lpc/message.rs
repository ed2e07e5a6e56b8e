//! LPC messages inside the kernel: copied in, queued, taken by a receiver or
//! handed into a reply slot, or destroyed; message and callback ids; the
//! data-information records a received request leaves.

use super::{LpcAnswer, LpcOut, Received};
use crate::services::ServiceWait;
use crate::state::KernelState;
use crate::task::{Reply, TaskState, Wait};
use crate::trace::{Event, HexBytes, LpcDestroyReason, WakeReason};
use ports::TaskId;
use ports::lpc::{DataEntry, LpcMessageType, PortMessage};

/// A message in the kernel (NT's `LPCP_MESSAGE`).
#[derive(Clone, Debug)]
pub(crate) struct LpcMsg {
    /// Its number in the run, shared with the Mach messages' (`msg`).
    pub(super) serial: u64,
    /// The header and data as the receiver will get them.
    pub(super) message: PortMessage,
    /// The task that sent it (`None` for one the kernel made).
    pub(super) sender: Option<TaskId>,
    /// The port it was sent through.
    pub(super) via: u32,
    /// The context the receiver gets with it.
    pub(super) context: u64,
}

/// A received request that carries data information, kept (on its connection
/// port, in NT) until it is replied to: what `NtReadRequestData` and
/// `NtWriteRequestData` check a server's access against.
#[derive(Clone, Debug)]
pub(crate) struct DataInfoRecord {
    pub(super) message_id: u32,
    pub(super) serial: u64,
    /// The port the request was sent through.
    pub(super) via: u32,
    /// Its sender.
    pub(super) client: TaskId,
    pub(super) entries: Vec<DataEntry>,
}

impl KernelState {
    /// The next message id (NT's `LpcpNextMessageId`: from 1, skipping 0 when it
    /// wraps).
    pub(super) fn lpc_next_message_id(&mut self) -> u32 {
        next_id(&mut self.services.lpc.next_message_id)
    }

    /// The next callback id (NT's `LpcpNextCallbackId`, the same rule).
    pub(super) fn lpc_next_callback_id(&mut self) -> u32 {
        next_id(&mut self.services.lpc.next_callback_id)
    }

    /// A message enters the kernel (its first copy): numbered, counted and traced.
    /// `sender` is `None` for a message the kernel makes, traced without a task.
    pub(super) fn lpc_copy_in(
        &mut self,
        sender: Option<TaskId>,
        via: u32,
        message: PortMessage,
        context: u64,
    ) -> LpcMsg {
        let serial = self.next_serial().0;
        self.services.lpc.counts.sent += 1;
        self.record(sender, |k| Event::LpcMessageSent {
            msg: serial,
            message_type: message.message_type,
            message_id: message.message_id,
            callback_id: message.callback_id,
            client_id: message.client_id,
            port: k.lpc_label(via),
            data_length: message.data_length,
            total_length: message.total_length,
            data: HexBytes(message.data.clone()),
            data_entries: message.data_info.clone(),
            client_view_size: message.client_view_size,
            context,
        });
        LpcMsg {
            serial,
            message,
            sender,
            via,
            context,
        }
    }

    /// Puts a message at the tail of `queue`'s queue, then hands the queue to
    /// the tasks waiting on it. No limit: an LPC queue never refuses a message.
    pub(super) fn lpc_enqueue(&mut self, cause: Option<TaskId>, queue: u32, msg: LpcMsg) {
        let serial = msg.serial;
        let Some(port) = self.lpc_port_mut(queue) else {
            self.lpc_destroy(cause, msg, LpcDestroyReason::PortDeleted);
            return;
        };
        port.queue.push_back(msg);
        let depth = u32::try_from(port.queue.len()).unwrap_or(u32::MAX);
        self.record(cause, |k| Event::LpcMessageQueued {
            msg: serial,
            queue: k.lpc_label(queue),
            depth,
        });
        self.lpc_serve_receivers(cause, queue);
    }

    /// While `queue` holds messages and tasks wait on it, the first waiter takes
    /// the first message; a listener throws away what is not a connection
    /// request and waits on (listen.c: `NtListenPort` loops on a receive).
    pub(super) fn lpc_serve_receivers(&mut self, cause: Option<TaskId>, queue: u32) {
        loop {
            let Some(port) = self.lpc_port(queue) else {
                return;
            };
            let (Some(&receiver), false) = (port.receivers.front(), port.queue.is_empty()) else {
                return;
            };
            let listening = self.lpc_is_listening(receiver);
            let Some(msg) = self.lpc_port_mut(queue).and_then(|p| p.queue.pop_front()) else {
                return;
            };
            if listening && msg.message.message_type != LpcMessageType::ConnectionRequest {
                self.lpc_destroy(cause, msg, LpcDestroyReason::ListenDiscarded);
                continue;
            }
            if let Some(port) = self.lpc_port_mut(queue) {
                port.receivers.pop_front();
            }
            let received = self.lpc_take(cause, receiver, queue, msg);
            let answer = LpcAnswer {
                status: ports::NtStatus::Success,
                out: LpcOut::Received(received),
            };
            self.wake(receiver, Reply::Lpc(answer), WakeReason::Message);
        }
    }

    fn lpc_is_listening(&self, task: TaskId) -> bool {
        matches!(
            &self.task(task).state,
            TaskState::Waiting(Wait::Service {
                wait: ServiceWait::Lpc(super::LpcWait::Receive { listen: true, .. }),
                ..
            })
        )
    }

    /// `receiver` takes `msg` out of `queue` (its second copy); a request's data
    /// information is kept for `NtReadRequestData`.
    pub(super) fn lpc_take(
        &mut self,
        cause: Option<TaskId>,
        receiver: TaskId,
        queue: u32,
        msg: LpcMsg,
    ) -> Received {
        self.services.lpc.counts.received += 1;
        let serial = msg.serial;
        let context = msg.context;
        self.record(cause, |k| Event::LpcMessageReceived {
            msg: serial,
            queue: Some(k.lpc_label(queue)),
            receiver: k.task_label(receiver),
            context,
        });
        let message_id = msg.message.message_id;
        if msg.message.message_type == LpcMessageType::Request
            && !msg.message.data_info.is_empty()
            && let Some(client) = msg.sender
        {
            self.services.lpc.data_info.push(DataInfoRecord {
                message_id,
                serial,
                via: msg.via,
                client,
                entries: msg.message.data_info.clone(),
            });
        }
        Received {
            message: msg.message,
            context,
        }
    }

    /// Hands `msg` into `target`'s reply slot and wakes it (a reply, a callback,
    /// a refused or completed connect): its second copy, out of the slot.
    pub(super) fn lpc_hand_over(
        &mut self,
        cause: Option<TaskId>,
        target: TaskId,
        msg: LpcMsg,
        answer: impl FnOnce(PortMessage) -> LpcAnswer,
        reason: WakeReason,
    ) {
        self.services.lpc.counts.received += 1;
        let serial = msg.serial;
        let context = msg.context;
        self.record(cause, |k| Event::LpcMessageReceived {
            msg: serial,
            queue: None,
            receiver: k.task_label(target),
            context,
        });
        self.wake(target, Reply::Lpc(answer(msg.message)), reason);
    }

    /// Hands a reply or a callback into `target`'s slot and wakes it with it.
    pub(super) fn lpc_hand_message(
        &mut self,
        cause: Option<TaskId>,
        target: TaskId,
        msg: LpcMsg,
        reason: WakeReason,
    ) {
        let answer = |message| LpcAnswer {
            status: ports::NtStatus::Success,
            out: LpcOut::Message(message),
        };
        self.lpc_hand_over(cause, target, msg, answer, reason);
    }

    /// Destroys a message unread, saying why.
    pub(super) fn lpc_destroy(
        &mut self,
        cause: Option<TaskId>,
        msg: LpcMsg,
        reason: LpcDestroyReason,
    ) {
        self.services.lpc.counts.destroyed += 1;
        self.record(cause, |_| Event::LpcMessageDestroyed {
            msg: msg.serial,
            reason,
        });
    }
}

/// The next id of a counter that starts at 1 and skips 0 when it wraps.
fn next_id(counter: &mut u32) -> u32 {
    *counter = counter.wrapping_add(1);
    if *counter == 0 {
        *counter = 1;
    }
    *counter
}

#[cfg(test)]
mod tests {
    use super::next_id;

    #[test]
    fn ids_start_at_one_and_skip_zero_when_they_wrap() {
        let mut counter = 0;
        assert_eq!(next_id(&mut counter), 1);
        assert_eq!(next_id(&mut counter), 2);
        counter = u32::MAX - 1;
        assert_eq!(next_id(&mut counter), u32::MAX);
        assert_eq!(next_id(&mut counter), 1);
    }
}
